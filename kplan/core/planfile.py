"""Read, validate and write plan files (TOML).

Validation collects every problem of a file before giving up, so a person
fixing a plan sees the whole list at once. Each problem names the key path
(``measures[3].owner``) and, where one exists, the closest valid value.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kplan.domain import (
    COVERAGE_LEVELS,
    DEFAULT_LADDER,
    DEFAULT_LADDER_QUESTIONS,
    DEFAULT_PERSPECTIVES,
    DIRECTIONS,
    EDIT_POLICIES,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    MAX_LADDER_STEPS,
    MAX_NAME_LENGTH,
    MAX_NESTING,
    MAX_TEXT_LENGTH,
    MIN_LADDER_STEPS,
    ORGANISATION_KINDS,
    PERIOD_FORMATS,
    STATUSES,
    as_finite,
    max_file_bytes,
    normalise_period,
)
from kplan.errors import PlanFileError, Problem, closest
from kplan.i18n import t
from kplan.model import (
    FORMAT_VERSION,
    Collaboration,
    Indicator,
    Measure,
    Organisation,
    Owner,
    Plan,
    plan_to_document,
)
from kplan.names import fold, id_problem, name_problem, nfc, visible

TOP_KEYS = ("kplan", "plan", "organisations", "owners", "measures")
PLAN_KEYS = (
    "id",
    "title",
    "organisation",
    "start",
    "end",
    "description",
    "perspectives",
    "ladder",
    "ladder_questions",
    "coordinators",
    "edit",
)
ORGANISATION_KEYS = ("id", "name", "kind")
OWNER_KEYS = ("id", "name", "organisation", "email")
MEASURE_KEYS = (
    "id",
    "title",
    "goal",
    "area",
    "owner",
    "status",
    "progress",
    "start",
    "due",
    "description",
    "four_p",
    "perspectives",
    "collaborations",
    "indicators",
)
COLLABORATION_KEYS = ("id", "name", "actors", "step", "note")
INDICATOR_KEYS = ("id", "name", "unit", "baseline", "target", "direction", "values")

_MISSING = object()
_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class _Checker:
    """Collects problems while walking a parsed document."""

    problems: list[Problem]

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def locate(self, before: int, lines: _HeaderLines, index: int) -> None:
        """Give the problems found since ``before`` the line of their block."""
        # The key path alone makes people count blocks; a line number doesn't.
        if len(self.problems) == before:
            return
        found = lines()
        if index < len(found):
            for problem in self.problems[before:]:
                problem.line = found[index]

    def keys(self, table: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in table:
            if key not in allowed:
                shown = visible(key)
                where = f"{path}.{shown}" if path else shown
                suggestion = closest(key, allowed)
                if suggestion:
                    self.add(
                        where, t("planfile.unknown_key_suggest", key=shown, suggestion=suggestion)
                    )
                else:
                    self.add(where, t("planfile.unknown_key", key=shown, valid=", ".join(allowed)))

    def table(self, value: Any, path: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.add(path, t("planfile.expected_table", got=_type_name(value)))
        return None

    def array_of_tables(self, value: Any, path: str) -> list[dict[str, Any]]:
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.add(path, t("planfile.expected_array", got=_type_name(value)))
            return []
        return value

    def string(
        self,
        table: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        limit: int = MAX_NAME_LENGTH,
    ) -> str | None:
        value = table.get(key, _MISSING)
        if isinstance(value, str) and (not required or value.strip()) and len(value) <= limit:
            return value
        where = f"{path}.{key}" if path else key
        if isinstance(value, str) and len(value) > limit:
            self.add(where, t("names.too_long", length=len(value), limit=limit))
            return None
        if value is _MISSING:
            if required:
                self.add(where, t("planfile.missing"))
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and key == "id":
            self.add(where, t("planfile.expected_string_id", got=value))
            return None
        if not isinstance(value, str):
            self.add(where, t("planfile.expected_string", got=_type_name(value)))
            return None
        if required and not value.strip():
            self.add(where, t("planfile.empty"))
            return None
        return value

    def identifier(self, table: dict[str, Any], path: str) -> str | None:
        """The table's ``id`` in NFC, or None (with a problem) if it is not a valid id."""
        value = table.get("id", _MISSING)
        if not isinstance(value, str) or not value.strip():
            return self.string(table, "id", path, required=True)
        value = nfc(value)
        problem = id_problem(value)
        if problem is not None:
            self.add(f"{path}.id", problem)
            return None
        return value

    def reference(self, table: dict[str, Any], key: str, path: str, **flags: Any) -> str | None:
        """A string naming an id elsewhere in the file, in NFC like the ids it names."""
        value = self.string(table, key, path, **flags)
        return None if value is None else nfc(value)

    def names(self, table: dict[str, Any], key: str, path: str, default: list[str]) -> list[str]:
        """An array of names (perspectives, ladder labels): valid, in NFC, none the same."""
        raw = self.strings(table, key, path, default)
        where = f"{path}.{key}"
        if len(set(raw)) != len(raw):
            self.add(where, t("planfile.repeated_values"))
        if any(not name.strip() for name in raw):
            self.add(where, t("planfile.empty_value"))
        seen: dict[str, tuple[str, str]] = {}
        values = []
        for index, name in enumerate(raw):
            item = f"{where}[{index + 1}]"
            value = nfc(name)
            values.append(value)
            if not name.strip() or len(name) > MAX_NAME_LENGTH:
                continue  # said above
            problem = name_problem(value)
            if problem is not None:
                self.add(item, problem)
                continue
            folded = fold(value)
            if folded not in seen:
                seen[folded] = (name, item)
                continue
            other, first = seen[folded]
            if other != name:  # the very same text is said above
                self.add(
                    item,
                    t("names.same_name", value=visible(name), other=visible(other), first=first),
                )
        return values

    def choice(
        self,
        table: dict[str, Any],
        key: str,
        path: str,
        valid: tuple[str, ...] | list[str],
        default: str,
    ) -> str:
        value = self.string(table, key, path)
        if value is None:
            return default
        return self.member(value, f"{path}.{key}", valid) or default

    def member(self, value: str, where: str, valid: tuple[str, ...] | list[str]) -> str | None:
        if value in valid:
            return value
        suggestion = closest(value, valid)
        hint = t("planfile.did_you_mean", suggestion=suggestion) if suggestion else ""
        self.add(
            where,
            t("planfile.not_in_set", value=visible(value), valid=", ".join(valid), hint=hint),
        )
        return None

    def integer(
        self, table: dict[str, Any], key: str, path: str, low: int, high: int, default: int
    ) -> int:
        value = table.get(key, _MISSING)
        where = f"{path}.{key}"
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(
                where, t("planfile.expected_integer", low=low, high=high, got=_type_name(value))
            )
            return default
        if not low <= value <= high:
            self.add(where, t("planfile.out_of_range", value=value, low=low, high=high))
            return default
        return value

    def number(self, value: Any, where: str) -> float | None:
        if value is _MISSING:
            return None
        number = as_finite(value)
        if number is None:
            text = (
                str(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""
            )
            shown = (
                _type_name(value)
                if not text
                else text
                if len(text) <= 20
                else t("type.huge_number")
            )
            self.add(where, t("planfile.expected_number", got=shown))
        return number

    def date(self, table: dict[str, Any], key: str, path: str) -> dt.date | None:
        value = table.get(key, _MISSING)
        where = f"{path}.{key}" if path else key
        if value is _MISSING:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and _DATE_TEXT.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.add(where, t("planfile.expected_date", got=_describe(value)))
        return None

    def strings(self, table: dict[str, Any], key: str, path: str, default: list[str]) -> list[str]:
        value = table.get(key, _MISSING)
        where = f"{path}.{key}" if path else key
        if value is _MISSING:
            return list(default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(where, t("planfile.expected_strings", got=_describe(value)))
            return list(default)
        if value and max(map(len, value)) > MAX_NAME_LENGTH:
            for index, item in enumerate(value):
                if len(item) > MAX_NAME_LENGTH:
                    self.add(
                        f"{where}[{index + 1}]",
                        t("names.too_long", length=len(item), limit=MAX_NAME_LENGTH),
                    )
        return list(value)

    def unique(self, ids: list[tuple[str, str]], kind: str) -> None:
        """Refuse ids of one kind that are equal, or equal but for case and Unicode form."""
        seen: dict[str, tuple[str, str]] = {}
        for path, identifier in ids:
            key = fold(identifier)
            if key not in seen:
                seen[key] = (identifier, path)
                continue
            other, first = seen[key]
            if other == identifier:
                message = t("planfile.duplicate_id", kind=t(kind), id=identifier, first=first)
            else:
                message = t("names.same_id", kind=t(kind), id=identifier, other=other, first=first)
            self.add(f"{path}.id", message)

    def refers(self, value: str, where: str, kind: str, valid: list[str]) -> bool:
        """Whether ``value`` is one of the ``valid`` ids; a problem if it is not."""
        if value in valid:
            return True
        suggestion = closest(value, valid)
        if suggestion:
            message = t(
                "planfile.unknown_ref_suggest",
                kind=t(kind),
                value=visible(value),
                suggestion=suggestion,
            )
        elif valid:
            shown = ", ".join(valid[:12]) + (", ..." if len(valid) > 12 else "")
            message = t("planfile.unknown_ref", kind=t(kind), value=visible(value), valid=shown)
        else:
            message = t("planfile.unknown_ref_none", kind=t(kind), value=visible(value))
        self.add(where, message)
        return False


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return t("type.boolean")
    if isinstance(value, int):
        return t("type.integer")
    if isinstance(value, float):
        return t("type.float")
    if isinstance(value, str):
        return t("type.string")
    if isinstance(value, list):
        return t("type.array")
    if isinstance(value, dict):
        return t("type.table")
    if isinstance(value, dt.datetime):
        return t("type.datetime")
    if isinstance(value, dt.date):
        return t("type.date")
    if isinstance(value, dt.time):
        return t("type.time")
    return type(value).__name__


def _describe(value: Any) -> str:
    if isinstance(value, str):
        # repr() escapes what a terminal would act on; a long text is cut.
        return repr(value if len(value) <= 60 else value[:59] + "…")
    return _type_name(value)


# Above this size a plan file is parsed by tomli, the project tomllib was
# taken from, in its compiled build: about twice as fast on a file of ten
# thousand measures, with the same memory. Smaller files, which tomllib reads
# in milliseconds, keep to the standard library.
FAST_PARSE_FROM = 256 * 1024

# Documents that TOML 1.1 allows and TOML 1.0 does not: an escape for ESC, a
# \x escape, a newline and a trailing comma in an inline table, a time
# without seconds. tomli 2.3 and later read TOML 1.1.
TOML_1_1_ONLY = (
    'a = "\\e"',
    'a = "\\x41"',
    "a = {\n b = 1 }",
    "a = { b = 1, }",
    "a = 07:32",
    "a = 1979-05-27T07:32Z",
)

_fast_parser: Callable[[str], dict[str, Any]] | bool | None = False


def _agrees_with_tomllib(loads: Callable[[str], dict[str, Any]]) -> bool:
    """Whether ``loads`` judges the TOML 1.1 constructs as the standard library does."""
    for document in TOML_1_1_ONLY:
        try:
            tomllib.loads(document)
            standard = True
        except tomllib.TOMLDecodeError:
            standard = False
        try:
            loads(document)
            other = True
        except Exception:
            # Whatever it raises, it refused the document.
            other = False
        if other != standard:
            return False
    return True


def fast_parser() -> Callable[[str], dict[str, Any]] | None:
    """tomli's ``loads`` if it is installed and reads TOML as tomllib does, else None.

    The standard library decides what a valid plan file is; tomli is only a
    faster way to the same answer, so a tomli that reads a newer TOML than
    tomllib (and would accept files tomllib refuses) is not used.
    """
    global _fast_parser
    if _fast_parser is False:
        try:
            import tomli
        except ImportError:
            _fast_parser = None
        else:
            _fast_parser = tomli.loads if _agrees_with_tomllib(tomli.loads) else None
    return _fast_parser if callable(_fast_parser) else None


def _parse_toml(text: str) -> dict[str, Any]:
    """The TOML document in ``text``, as tomllib reads it.

    A file tomli refuses is read again by tomllib, so that whatever is wrong
    is reported with tomllib's message and line, as for a small file.
    """
    loads = fast_parser() if len(text) >= FAST_PARSE_FROM else None
    if loads is not None:
        try:
            return loads(text)
        except Exception:
            # tomllib, below, says what is wrong.
            pass
    return tomllib.loads(text)


def nesting_depth(document: dict[str, Any], limit: int = MAX_NESTING) -> int:
    """How deep arrays and tables nest in ``document``, counted up to ``limit`` + 1.

    Walked without recursion, so a document nested deeper than Python's
    recursion limit (dotted keys can make one) is measured too.
    """
    deepest = 1
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list) and child:
                pending.append((child, depth + 1))
    return deepest


def _syntax_error(source: str, detail: str) -> PlanFileError:
    return PlanFileError(source, [Problem("", t("planfile.syntax", detail=detail))])


def parse_plan_text(text: str, source: str = "<plan>") -> Plan:
    """Parse and validate plan-file text; raise PlanFileError with every problem.

    A byte order mark at the start (some Windows editors write one) is not
    part of the document.
    """
    text = text.removeprefix("\ufeff")
    try:
        document = _parse_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(source, str(exc)) from None
    except RecursionError:
        # Nesting deeper than the interpreter's recursion limit.
        raise _syntax_error(source, t("planfile.nested_too_deeply", limit=MAX_NESTING)) from None
    except ValueError as exc:
        # tomllib lets through Python's own limit on integers of thousands of digits.
        raise _syntax_error(source, str(exc)) from None
    try:
        return parse_plan_document(document, source, text)
    except PlanFileError:
        # No valid plan nests deeper than six levels, so only a refused one
        # is measured (it costs a tenth of a second on a big file). One
        # nested too deeply gets the message tomllib's recursion limit
        # gives, whichever parser read it, and not a problem per key.
        if nesting_depth(document) > MAX_NESTING:
            raise _syntax_error(
                source, t("planfile.nested_too_deeply", limit=MAX_NESTING)
            ) from None
        raise


def read_limited(path: str | Path, limit: int) -> bytearray | None:
    """The bytes of the file at ``path``, or None if it holds more than ``limit``.

    Never reads more than ``limit`` + 1 bytes, so a device (``/dev/zero``), a
    pipe or a file that keeps growing cannot make kplan read without end; a
    regular file over the limit is refused by its size, unread. OSError is
    left to the caller.
    """
    with open(path, "rb") as stream:
        info = os.fstat(stream.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            return None
        # One growing buffer, not a list of chunks joined at the end: that
        # would hold a file near the limit twice.
        data = bytearray()
        while len(data) <= limit:
            chunk = stream.read(min(limit + 1 - len(data), 1024 * 1024))
            if not chunk:
                break
            data += chunk
    return None if len(data) > limit else data


def read_plan_file(path: str | Path) -> Plan:
    """Read and validate a plan file; raise PlanFileError with every problem."""
    source = str(path)
    limit = max_file_bytes()
    try:
        raw = read_limited(path, limit)
    except FileNotFoundError:
        raise PlanFileError(source, [Problem("", t("planfile.not_found"))]) from None
    except IsADirectoryError:
        raise PlanFileError(source, [Problem("", t("planfile.is_directory"))]) from None
    except OSError as exc:
        detail = exc.strerror or type(exc).__name__
        problem = Problem("", t("planfile.unreadable", detail=detail))
        raise PlanFileError(source, [problem]) from None
    if raw is None:
        problem = Problem("", t("planfile.too_large", limit=limit // (1024 * 1024)))
        raise PlanFileError(source, [problem])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanFileError(
            source, [Problem("", t("planfile.not_utf8", position=exc.start))]
        ) from None
    # A big plan file is held as text and as parsed tables while it is
    # checked; the bytes are not needed for that.
    del raw
    return parse_plan_text(text, source)


class _HeaderLines:
    """Line numbers of each ``[[header]]`` in the text, to point people at a block.

    Found only when a block has a problem: scanning a big, valid file for
    them would cost more than checking it.
    """

    def __init__(self, text: str, header: str) -> None:
        self.text = text
        self.header = header
        self.found: list[int] | None = None

    def __call__(self) -> list[int]:
        if self.found is None:
            pattern = re.compile(r"^\s*\[\[\s*" + re.escape(self.header) + r"\s*\]\]")
            self.found = [
                number
                for number, line in enumerate(self.text.splitlines(), 1)
                if pattern.match(line)
            ]
        return self.found


def parse_plan_document(document: dict[str, Any], source: str = "<plan>", text: str = "") -> Plan:
    """Validate a parsed plan document and build the Plan; raise PlanFileError."""
    check = _Checker([])
    check.keys(document, TOP_KEYS, "")

    version = document.get("kplan", _MISSING)
    if version is _MISSING:
        check.add("kplan", t("planfile.missing_version", version=FORMAT_VERSION))
    elif not isinstance(version, int) or isinstance(version, bool) or version != FORMAT_VERSION:
        if isinstance(version, int) and not isinstance(version, bool):
            check.add("kplan", t("planfile.bad_version", value=version, version=FORMAT_VERSION))
        else:
            check.add(
                "kplan",
                t(
                    "planfile.version_type",
                    got=_type_name(version)
                    + (f" ({version!r})" if isinstance(version, str) else ""),
                    version=FORMAT_VERSION,
                ),
            )

    plan_table = document.get("plan", _MISSING)
    if plan_table is _MISSING:
        check.add("plan", t("planfile.missing_plan"))
        plan_table = {}
    plan_table = check.table(plan_table, "plan") or {}
    check.keys(plan_table, PLAN_KEYS, "plan")
    plan = Plan(
        id=check.identifier(plan_table, "plan") or "",
        title=check.string(plan_table, "title", "plan", required=True) or "",
        organisation=check.string(plan_table, "organisation", "plan") or "",
        start=check.date(plan_table, "start", "plan"),
        end=check.date(plan_table, "end", "plan"),
        description=check.string(plan_table, "description", "plan", limit=MAX_TEXT_LENGTH),
    )
    if plan.start and plan.end and plan.end < plan.start:
        check.add("plan.end", t("planfile.end_before_start", start=plan.start, end=plan.end))
    plan.perspectives = check.names(plan_table, "perspectives", "plan", list(DEFAULT_PERSPECTIVES))
    plan.ladder = check.names(plan_table, "ladder", "plan", list(DEFAULT_LADDER))
    if not MIN_LADDER_STEPS <= len(plan.ladder) <= MAX_LADDER_STEPS:
        check.add(
            "plan.ladder",
            t(
                "planfile.ladder_length",
                low=MIN_LADDER_STEPS,
                high=MAX_LADDER_STEPS,
                count=len(plan.ladder),
            ),
        )
        plan.ladder = list(DEFAULT_LADDER)
    default_questions = (
        list(DEFAULT_LADDER_QUESTIONS)
        if plan.ladder == list(DEFAULT_LADDER)
        else [""] * len(plan.ladder)
    )
    plan.ladder_questions = check.strings(plan_table, "ladder_questions", "plan", default_questions)
    if len(plan.ladder_questions) != len(plan.ladder):
        check.add(
            "plan.ladder_questions",
            t(
                "planfile.questions_length",
                count=len(plan.ladder_questions),
                steps=len(plan.ladder),
            ),
        )
    plan.coordinators = [nfc(c) for c in check.strings(plan_table, "coordinators", "plan", [])]
    plan.edit = check.choice(plan_table, "edit", "plan", EDIT_POLICIES, "open")
    if plan.edit == "owners" and not plan.coordinators:
        # Someone has to be able to change what no single owner owns.
        check.add("plan.edit", t("planfile.edit_needs_coordinator"))

    organisation_lines = _HeaderLines(text, "organisations")
    for index, raw in enumerate(
        check.array_of_tables(document.get("organisations", _MISSING), "organisations")
    ):
        path = f"organisations[{index + 1}]"
        table = check.table(raw, path)
        if table is None:
            continue
        before = len(check.problems)
        check.keys(table, ORGANISATION_KEYS, path)
        plan.organisations.append(
            Organisation(
                id=check.identifier(table, path) or "",
                name=check.string(table, "name", path, required=True) or "",
                kind=check.choice(table, "kind", path, ORGANISATION_KINDS, "other"),
            )
        )
        check.locate(before, organisation_lines, index)
    check.unique(
        [(f"organisations[{i + 1}]", o.id) for i, o in enumerate(plan.organisations) if o.id],
        "kind.organisation",
    )
    organisation_ids = list(dict.fromkeys(o.id for o in plan.organisations if o.id))

    owner_lines = _HeaderLines(text, "owners")
    for index, raw in enumerate(check.array_of_tables(document.get("owners", _MISSING), "owners")):
        path = f"owners[{index + 1}]"
        table = check.table(raw, path)
        if table is None:
            continue
        before = len(check.problems)
        check.keys(table, OWNER_KEYS, path)
        owner = Owner(
            id=check.identifier(table, path) or "",
            name=check.string(table, "name", path, required=True) or "",
            organisation=check.reference(table, "organisation", path),
            email=check.string(table, "email", path),
        )
        if owner.organisation is not None:
            check.refers(
                owner.organisation, f"{path}.organisation", "kind.organisation", organisation_ids
            )
        check.locate(before, owner_lines, index)
        plan.owners.append(owner)
    check.unique(
        [(f"owners[{i + 1}]", o.id) for i, o in enumerate(plan.owners) if o.id], "kind.owner"
    )
    owner_ids = list(dict.fromkeys(o.id for o in plan.owners if o.id))
    for index, coordinator in enumerate(plan.coordinators):
        check.refers(coordinator, f"plan.coordinators[{index + 1}]", "kind.owner", owner_ids)

    measure_lines = _HeaderLines(text, "measures")
    collaboration_ids: list[tuple[str, str]] = []
    indicator_ids: list[tuple[str, str]] = []
    for index, raw in enumerate(
        check.array_of_tables(document.get("measures", _MISSING), "measures")
    ):
        path = f"measures[{index + 1}]"
        table = check.table(raw, path)
        if table is None:
            continue
        before = len(check.problems)
        measure = _measure(check, table, path, plan, owner_ids, organisation_ids)
        collaboration_ids += [
            (f"{path}.collaborations[{i + 1}]", c.id)
            for i, c in enumerate(measure.collaborations)
            if c.id
        ]
        indicator_ids += [
            (f"{path}.indicators[{i + 1}]", c.id) for i, c in enumerate(measure.indicators) if c.id
        ]
        check.locate(before, measure_lines, index)
        plan.measures.append(measure)
    check.unique(
        [(f"measures[{i + 1}]", m.id) for i, m in enumerate(plan.measures) if m.id], "kind.measure"
    )
    check.unique(collaboration_ids, "kind.collaboration")
    check.unique(indicator_ids, "kind.indicator")

    if check.problems:
        raise PlanFileError(source, check.problems)
    return plan.complete()


def _measure(
    check: _Checker,
    table: dict[str, Any],
    path: str,
    plan: Plan,
    owner_ids: list[str],
    organisation_ids: list[str],
) -> Measure:
    check.keys(table, MEASURE_KEYS, path)
    measure = Measure(
        id=check.identifier(table, path) or "",
        title=check.string(table, "title", path, required=True) or "",
        owner=check.reference(table, "owner", path, required=True) or "",
        goal=check.string(table, "goal", path, limit=MAX_TEXT_LENGTH) or "",
        area=check.string(table, "area", path),
        status=check.choice(table, "status", path, STATUSES, "not-started"),
        progress=check.integer(table, "progress", path, 0, 100, 0),
        start=check.date(table, "start", path),
        due=check.date(table, "due", path),
        description=check.string(table, "description", path, limit=MAX_TEXT_LENGTH),
    )
    if measure.owner:
        check.refers(measure.owner, f"{path}.owner", "kind.owner", owner_ids)
    if measure.start and measure.due and measure.due < measure.start:
        check.add(
            f"{path}.due", t("planfile.due_before_start", start=measure.start, due=measure.due)
        )

    four_p = table.get("four_p", _MISSING)
    if (
        four_p is not _MISSING
        and (four_p_table := check.table(four_p, f"{path}.four_p")) is not None
    ):
        check.keys(four_p_table, FOUR_P_PARTS, f"{path}.four_p")
        for part in FOUR_P_PARTS:
            if part in four_p_table:
                measure.four_p[part] = check.choice(
                    four_p_table, part, f"{path}.four_p", FOUR_P_STATES, "not-started"
                )

    coverage = table.get("perspectives", _MISSING)
    if (
        coverage is not _MISSING
        and (coverage_table := check.table(coverage, f"{path}.perspectives")) is not None
    ):
        for key in coverage_table:
            name = nfc(key)
            if name not in plan.perspectives or name in measure.perspectives:
                where = f"{path}.perspectives.{visible(key)}"
                if check.member(name, where, plan.perspectives) is not None:
                    check.add(where, t("planfile.repeated_key", key=visible(key)))
                continue
            measure.perspectives[name] = check.choice(
                coverage_table, key, f"{path}.perspectives", COVERAGE_LEVELS, "no"
            )

    for index, raw in enumerate(
        check.array_of_tables(table.get("collaborations", _MISSING), f"{path}.collaborations")
    ):
        where = f"{path}.collaborations[{index + 1}]"
        collab_table = check.table(raw, where)
        if collab_table is None:
            continue
        check.keys(collab_table, COLLABORATION_KEYS, where)
        actors = [nfc(actor) for actor in check.strings(collab_table, "actors", where, [])]
        if "actors" not in collab_table:
            check.add(f"{where}.actors", t("planfile.missing"))
        elif not actors and isinstance(collab_table.get("actors"), list):
            check.add(f"{where}.actors", t("planfile.no_actors"))
        for actor_index, actor in enumerate(actors):
            check.refers(
                actor, f"{where}.actors[{actor_index + 1}]", "kind.organisation", organisation_ids
            )
        if len(set(actors)) != len(actors):
            check.add(f"{where}.actors", t("planfile.repeated_values"))
        measure.collaborations.append(
            Collaboration(
                id=check.identifier(collab_table, where) or "",
                name=check.string(collab_table, "name", where, required=True) or "",
                actors=actors,
                step=check.integer(collab_table, "step", where, 1, len(plan.ladder), 1),
                note=check.string(collab_table, "note", where, limit=MAX_TEXT_LENGTH),
            )
        )

    for index, raw in enumerate(
        check.array_of_tables(table.get("indicators", _MISSING), f"{path}.indicators")
    ):
        where = f"{path}.indicators[{index + 1}]"
        ind_table = check.table(raw, where)
        if ind_table is None:
            continue
        check.keys(ind_table, INDICATOR_KEYS, where)
        indicator = Indicator(
            id=check.identifier(ind_table, where) or "",
            name=check.string(ind_table, "name", where, required=True) or "",
            unit=check.string(ind_table, "unit", where) or "",
            baseline=check.number(ind_table.get("baseline", _MISSING), f"{where}.baseline"),
            target=check.number(ind_table.get("target", _MISSING), f"{where}.target"),
            direction=check.choice(ind_table, "direction", where, DIRECTIONS, "increase"),
        )
        values = ind_table.get("values", _MISSING)
        if (
            values is not _MISSING
            and (values_table := check.table(values, f"{where}.values")) is not None
        ):
            for period, value in values_table.items():
                canonical = normalise_period(period)
                if canonical is None:
                    shown = visible(period)
                    check.add(
                        f"{where}.values.{shown}",
                        t("planfile.bad_period", period=shown, formats=PERIOD_FORMATS),
                    )
                    continue
                if canonical in indicator.values:
                    check.add(
                        f"{where}.values.{period}", t("planfile.repeated_period", period=canonical)
                    )
                    continue
                number = check.number(value, f"{where}.values.{period}")
                if number is not None:
                    indicator.values[canonical] = number
        measure.indicators.append(indicator)
    return measure


def _toml_value(value: Any) -> str:
    import tomli_w

    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    return tomli_w.dumps({"v": value}).strip().removeprefix("v = ")


def _toml_key(key: str) -> str:
    import tomli_w

    return tomli_w.dumps({key: 0}).strip().removesuffix(" = 0")


_SUBTABLES = ("four_p", "perspectives", "collaborations", "indicators")


def _toml_table(header: str, table: dict[str, Any], *, skip: tuple[str, ...] = ()) -> list[str]:
    return [header] + [
        f"{_toml_key(key)} = {_toml_value(value)}"
        for key, value in table.items()
        if key not in skip
    ]


def plan_to_toml(plan: Plan) -> str:
    """The plan as plan-file text, laid out as a person would write it.

    tomli-w alone would fold short arrays of tables into inline arrays; a plan
    file reads better with one ``[[measures]]`` block per measure, so the
    layout is ours and tomli-w formats the values.
    """
    document = plan_to_document(plan)
    blocks: list[list[str]] = [
        [f"kplan = {document['kplan']}"],
        _toml_table("[plan]", document["plan"]),
    ]
    for collection in ("organisations", "owners"):
        blocks += [_toml_table(f"[[{collection}]]", item) for item in document[collection]]
    for measure in document["measures"]:
        block = _toml_table("[[measures]]", measure, skip=_SUBTABLES)
        for name in ("four_p", "perspectives"):
            block += ["", *_toml_table(f"[measures.{name}]", measure[name])]
        for name in ("collaborations", "indicators"):
            for item in measure.get(name, []):
                block += ["", *_toml_table(f"[[measures.{name}]]", item)]
        blocks.append(block)
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
