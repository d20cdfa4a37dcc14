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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from kplan.core import collector
from kplan.core import planspec as spec
from kplan.core.planfile_places import key_places
from kplan.domain import (
    DEFAULT_LADDER,
    DEFAULT_LADDER_QUESTIONS,
    DEFAULT_PERSPECTIVES,
    FOUR_P_PARTS,
    GROUP_SEPARATOR,
    MAX_NAME_LENGTH,
    MAX_NESTING,
    PERIOD_FORMATS,
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
from kplan.moments import is_zone, zone_names
from kplan.names import fold, id_problem, name_problem, nfc, visible

# The keys of each table, in the order a file lists them (kplan.core.planspec).
TOP_KEYS = spec.DOCUMENT.names()
PLAN_KEYS = spec.PLAN.names()
ORGANISATION_KEYS = spec.ORGANISATION.names()
OWNER_KEYS = spec.OWNER.names()
MEASURE_KEYS = spec.MEASURE.names()
COLLABORATION_KEYS = spec.COLLABORATION.names()
INDICATOR_KEYS = spec.INDICATOR.names()

_MISSING = object()
_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class _Checker:
    """Collects problems while walking a parsed document along the specification."""

    problems: list[Problem]
    # Problems about a key itself (unknown, given twice), not about its value.
    on_key: set[int] = field(default_factory=set)

    def add(self, path: str, message: str, *, on_key: bool = False) -> None:
        if on_key:
            self.on_key.add(len(self.problems))
        self.problems.append(Problem(path, message))

    def locate(self, text: str) -> None:
        """Give each problem the line and column of its key in ``text``.

        A wrong value is pointed at where it starts, a wrong key at the key,
        a missing key at the header of its table.
        """
        # The key path alone makes people count blocks; a line number doesn't.
        if not text or not self.problems:
            return
        places = key_places(text)
        for index, problem in enumerate(self.problems):
            if not problem.path:
                continue
            found = places.find(problem.path, on_key=index in self.on_key)
            if found is not None:
                problem.line, problem.column = found

    def keys(self, table: dict[str, Any], allowed: spec.Table, path: str) -> None:
        known = allowed.canonical_names()
        for key in table:
            if key not in known:
                names = allowed.names()
                shown = visible(key)
                where = f"{path}.{shown}" if path else shown
                suggestion = closest(key, names) or closest(key, tuple(allowed.aliases))
                if suggestion:
                    message = t("planfile.unknown_key_suggest", key=shown, suggestion=suggestion)
                else:
                    message = t("planfile.unknown_key", key=shown, valid=", ".join(names))
                self.add(where, message, on_key=True)

    def fields(self, table: dict[str, Any], allowed: spec.Table, path: str) -> dict[str, Any]:
        """Every key of ``allowed`` that holds a plain value, checked: its value or default.

        The nested tables are left to the caller, which knows the rest of
        the file they refer to.
        """
        self.keys(table, allowed, path)
        return {key.name: self.value(table, key, path) for key in allowed.plain()}

    def value(self, table: dict[str, Any], key: spec.Key, path: str, **rules: Any) -> Any:
        """The checked value of ``key`` in ``table`` (its default if missing or wrong).

        ``rules`` override the specification's where this file narrows it:
        the highest step of this plan's ladder, the questions' default.
        """
        kind = key.kind
        name = key.name
        # Half a million calls for a plan of 10,000 measures: the default and
        # the key's path are worked out only where they are needed.
        if kind == spec.ID:
            return self.identifier(table, path)
        if kind == spec.STRING or kind == spec.TEXT:
            found = self.string(table, name, path, required=key.required, limit=key.limit)
            if found is not None:
                return found
            default = rules.get("default", key.default) if rules else key.default
            # A missing title reads as empty while the rest of the file is checked.
            return "" if default is None and key.required else default
        if kind == spec.REFERENCE:
            return self.reference(table, name, path, required=key.required, limit=key.limit)
        if kind == spec.DATE:
            return self.date(table, name, path)
        default = rules.get("default", key.default) if rules else key.default
        if kind == spec.INTEGER:
            low = rules.get("low", key.low)
            high = rules.get("high", key.high)
            assert low is not None and high is not None
            return self.integer(table, name, path, low, high, default)
        if kind == spec.CHOICE:
            assert key.choice is not None
            return self.choice(table, name, path, key.choice, default)
        where = f"{path}.{name}" if path else name
        if kind == spec.NUMBER:
            return self.number(table.get(name, _MISSING), where)
        if kind in (spec.STRINGS, spec.REFERENCES):
            if key.required and name not in table:
                self.add(where, t("planfile.missing"))
            items = self.strings(table, name, path, default or [])
            return [nfc(item) for item in items] if kind == spec.REFERENCES else items
        if kind == spec.NAMES:
            return self.names(table, name, path, default or [])
        if kind == spec.BOOLEAN:
            return self.boolean(table, name, path, bool(default))
        if kind == spec.ZONE:
            return self.zone(table, name, path, limit=key.limit)
        raise ValueError(kind)  # pragma: no cover - nested kinds are walked by the caller

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
        # isspace() is strip()'s test of a blank, without a copy of the text.
        if (
            isinstance(value, str)
            and (not required or (value and not value.isspace()))
            and len(value) <= limit
        ):
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

    def boolean(self, table: dict[str, Any], key: str, path: str, default: bool) -> bool:
        """A true or false (TOML's booleans; text such as "yes" is refused with the valid ones)."""
        value = table.get(key, _MISSING)
        if value is _MISSING:
            return default
        if isinstance(value, bool):
            return value
        self.add(f"{path}.{key}", t("langtime.expected_boolean", got=_describe(value)))
        return default

    def zone(self, table: dict[str, Any], key: str, path: str, *, limit: int) -> str | None:
        """An IANA time zone's name that this machine knows, or None (with a problem)."""
        if key not in table:
            return None
        value = self.string(table, key, path, required=True, limit=limit)
        if value is None:
            return None
        if not is_zone(value):
            suggestion = closest(value, zone_names())
            hint = t("planfile.did_you_mean", suggestion=suggestion) if suggestion else ""
            self.add(f"{path}.{key}", t("langtime.bad_zone", value=visible(value), hint=hint))
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
        valid: spec.Choice,
        default: str,
    ) -> str:
        value = self.string(table, key, path)
        if value is None:
            return default
        canonical = valid.canonical(value)
        if canonical is not None:
            return canonical
        return self.member(value, f"{path}.{key}", valid) or default

    def member(
        self,
        value: str,
        where: str,
        valid: spec.Choice | list[str],
        *,
        on_key: bool = False,
    ) -> str | None:
        """The canonical word for ``value``, or None (with a problem naming the closest)."""
        choice = valid if isinstance(valid, spec.Choice) else spec.Choice(tuple(valid))
        canonical = choice.canonical(value)
        if canonical is not None:
            return canonical
        # The canonical words first: "ongoin" is "ongoing", "påbörjd" is "påbörjad".
        suggestion = closest(value, choice.values) or closest(value, tuple(choice.aliases))
        hint = t("planfile.did_you_mean", suggestion=suggestion) if suggestion else ""
        self.add(
            where,
            t(
                "planfile.not_in_set",
                value=visible(value),
                valid=", ".join(choice.values),
                hint=hint,
            ),
            on_key=on_key,
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


# A big plan file is read a measure at a time: the text is cut before each
# line that is exactly ``[[measures]]``, the part before the first cut (the
# plan, its organisations and owners) and each measure's part are parsed on
# their own, and each measure is checked and built as soon as it is parsed,
# so the whole parsed document is never held at once. Within a cut part TOML
# means what it means in the whole file: every part after the first starts
# with a ``[[measures]]`` header, and must hold nothing but elements of the
# ``measures`` array, and the first must not mention ``measures``. A cut that
# falls inside a multi-line string leaves the part before it unterminated,
# which its parser refuses. Anything else - a part that does not parse or
# holds other keys, a plan with any problem - is read again whole, below, so
# whatever is wrong is told exactly as for a file read whole.
_MEASURES_HEADER = re.compile(r"\n\[\[measures\]\]\r?\n")

_piece_parser: Callable[[str], dict[str, Any]] | bool | None = False


def _toml_rs_loads() -> Callable[[str], dict[str, Any]] | None:
    """toml-rs's ``loads`` held to TOML 1.0, or None where it is not installed."""
    try:
        import toml_rs
    except ImportError:
        return None

    def loads(text: str) -> dict[str, Any]:
        return toml_rs.loads(text, toml_version="1.0.0")

    return loads


def whole_parser() -> Callable[[str], dict[str, Any]]:
    """The parser of a part that toml-rs is not handed: tomli, else tomllib."""
    return fast_parser() or tomllib.loads


def piece_parser() -> Callable[[str], dict[str, Any]]:
    """The parser of a measure's part of a big file: toml-rs, else tomli, else tomllib.

    toml-rs (compiled Rust) parses the parts of a file of ten thousand
    measures in a tenth of the time compiled tomli takes, with a small
    memory; like tomli, it is used only while it judges the TOML 1.1
    constructs as tomllib does.
    """
    global _piece_parser
    if _piece_parser is False:
        loads = _toml_rs_loads()
        _piece_parser = loads if loads is not None and _agrees_with_tomllib(loads) else None
    return _piece_parser if callable(_piece_parser) else whole_parser()


# toml-rs parses nested arrays and inline tables by recursion on the
# thread's stack and crashes the process (rather than raising) a few
# thousand levels down. A part holding more than this many opening brackets
# and braces, which bound its depth, goes to tomli instead, which stops at
# Python's recursion limit; a measure's part holds a few dozen.
PIECE_BRACKETS = 256


class _NotInPieces(Exception):
    """The file cannot be read a measure at a time; it is read whole."""


def _measure_tables(
    text: str, start: int, loads: Callable[[str], dict[str, Any]], check: _Checker
) -> Iterator[Any]:
    """The tables of the ``[[measures]]`` parts of ``text`` from ``start``, parsed one by one.

    Once ``check`` has found a problem the file will be read whole, so the
    rest is not read here.
    """
    for match in _MEASURES_HEADER.finditer(text, start):
        if check.problems:
            raise _NotInPieces
        end = match.start() + 1
        yield from _measures_of(text[start:end], loads)
        start = end
    yield from _measures_of(text[start:], loads)


def _measures_of(piece: str, loads: Callable[[str], dict[str, Any]]) -> list[Any]:
    if piece.count("[") + piece.count("{") > PIECE_BRACKETS:
        loads = whole_parser()
    try:
        document = loads(piece)
    except Exception:
        # Whatever it raises, the file is read whole and tomllib says what is wrong.
        raise _NotInPieces from None
    measures = document.get("measures")
    if len(document) != 1 or not isinstance(measures, list):
        raise _NotInPieces
    return measures


def _plan_in_pieces(text: str) -> Plan | None:
    """The valid plan in ``text``, read a measure at a time; None to read it whole."""
    found = _MEASURES_HEADER.search(text)
    # A second byte order mark would be text, which tomllib refuses and toml-rs skips.
    if found is None or text.startswith("\ufeff"):
        return None
    start = found.start() + 1
    try:
        # The plan, its organisations and owners: often too many brackets for toml-rs.
        head = whole_parser()(text[:start])
    except Exception:
        return None
    if "measures" in head:
        return None
    check = _Checker([])
    try:
        plan = _plan(check, head, _measure_tables(text, start, piece_parser(), check))
    except _NotInPieces:
        return None
    if check.problems:
        return None
    return plan.complete()


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
    if len(text) >= FAST_PARSE_FROM:
        # A big plan is hundreds of thousands of small objects, none in a cycle.
        with collector.paused():
            plan = _plan_in_pieces(text)
        if plan is not None:
            return plan
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
    return parse_plan_text(read_plan_text(path), str(path))


def read_plan_text(path: str | Path) -> str:
    """The text of a plan file, read once (a pipe can be read only once); PlanFileError if not.

    A file that is missing, a folder, unreadable, larger than the limit or
    not UTF-8 is refused with one problem.
    """
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
    return text


def parse_plan_document(document: dict[str, Any], source: str = "<plan>", text: str = "") -> Plan:
    """Validate a parsed plan document and build the Plan; raise PlanFileError.

    ``text``, the document as written, lets each problem name the line of
    its key.
    """
    check = _Checker([])
    plan = _plan(check, document)
    if check.problems:
        check.locate(text)
        raise PlanFileError(source, check.problems)
    return plan.complete()


def _plan(check: _Checker, document: dict[str, Any], measures: Iterable[Any] | None = None) -> Plan:
    """The plan in ``document``; its measures' tables from ``measures`` where given."""
    check.keys(document, spec.DOCUMENT, "")

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
    settings = spec.PLAN
    check.keys(plan_table, settings, "plan")
    plan = Plan(
        id=check.value(plan_table, settings["id"], "plan") or "",
        title=check.value(plan_table, settings["title"], "plan") or "",
        organisation=check.value(plan_table, settings["organisation"], "plan"),
        start=check.value(plan_table, settings["start"], "plan"),
        end=check.value(plan_table, settings["end"], "plan"),
        description=check.value(plan_table, settings["description"], "plan"),
    )
    if plan.start and plan.end and plan.end < plan.start:
        check.add("plan.end", t("planfile.end_before_start", start=plan.start, end=plan.end))
    plan.perspectives = check.value(
        plan_table, settings["perspectives"], "plan", default=list(DEFAULT_PERSPECTIVES)
    )
    ladder = settings["ladder"]
    plan.ladder = check.value(plan_table, ladder, "plan", default=list(DEFAULT_LADDER))
    assert ladder.low is not None and ladder.high is not None
    if not ladder.low <= len(plan.ladder) <= ladder.high:
        check.add(
            "plan.ladder",
            t(
                "planfile.ladder_length",
                low=ladder.low,
                high=ladder.high,
                count=len(plan.ladder),
            ),
        )
        plan.ladder = list(DEFAULT_LADDER)
    default_questions = (
        list(DEFAULT_LADDER_QUESTIONS)
        if plan.ladder == list(DEFAULT_LADDER)
        else [""] * len(plan.ladder)
    )
    plan.ladder_questions = check.value(
        plan_table, settings["ladder_questions"], "plan", default=default_questions
    )
    if len(plan.ladder_questions) != len(plan.ladder):
        check.add(
            "plan.ladder_questions",
            t(
                "planfile.questions_length",
                count=len(plan.ladder_questions),
                steps=len(plan.ladder),
            ),
        )
    plan.coordinators = check.value(plan_table, settings["coordinators"], "plan")
    plan.edit = check.value(plan_table, settings["edit"], "plan")
    plan.language = check.value(plan_table, settings["language"], "plan")
    plan.timezone = check.value(plan_table, settings["timezone"], "plan")
    plan.public = check.value(plan_table, settings["public"], "plan")
    if plan.edit == "owners" and not plan.coordinators:
        # Someone has to be able to change what no single owner owns.
        check.add("plan.edit", t("planfile.edit_needs_coordinator"))

    for index, raw in enumerate(
        check.array_of_tables(document.get("organisations", _MISSING), "organisations")
    ):
        path = f"organisations[{index + 1}]"
        table = check.table(raw, path)
        if table is None:
            continue
        values = check.fields(table, spec.ORGANISATION, path)
        plan.organisations.append(
            Organisation(id=values["id"] or "", name=values["name"], kind=values["kind"])
        )
    check.unique(
        [(f"organisations[{i + 1}]", o.id) for i, o in enumerate(plan.organisations) if o.id],
        "kind.organisation",
    )
    organisation_ids = list(dict.fromkeys(o.id for o in plan.organisations if o.id))

    for index, raw in enumerate(check.array_of_tables(document.get("owners", _MISSING), "owners")):
        path = f"owners[{index + 1}]"
        table = check.table(raw, path)
        if table is None:
            continue
        values = check.fields(table, spec.OWNER, path)
        owner = Owner(
            id=values["id"] or "",
            name=values["name"],
            organisation=values["organisation"],
            email=values["email"],
        )
        if owner.organisation is not None:
            check.refers(
                owner.organisation, f"{path}.organisation", "kind.organisation", organisation_ids
            )
        plan.owners.append(owner)
    check.unique(
        [(f"owners[{i + 1}]", o.id) for i, o in enumerate(plan.owners) if o.id], "kind.owner"
    )
    owner_ids = list(dict.fromkeys(o.id for o in plan.owners if o.id))
    for index, coordinator in enumerate(plan.coordinators):
        check.refers(coordinator, f"plan.coordinators[{index + 1}]", "kind.owner", owner_ids)
    if len(set(plan.coordinators)) != len(plan.coordinators):
        check.add("plan.coordinators", t("planfile.repeated_values"))

    collaboration_ids: list[tuple[str, str]] = []
    indicator_ids: list[tuple[str, str]] = []
    # Looked up once a measure, a collaboration's actor: a set, not the list.
    owners = _Known.of(owner_ids)
    organisations = _Known.of(organisation_ids)
    if measures is None:
        measures = check.array_of_tables(document.get("measures", _MISSING), "measures")
    for index, raw in enumerate(measures):
        path = f"measures[{index + 1}]"
        table = check.table(raw, path)
        if table is None:
            continue
        measure = _measure(check, table, path, plan, owners, organisations)
        collaboration_ids += [
            (f"{path}.collaborations[{i + 1}]", c.id)
            for i, c in enumerate(measure.collaborations)
            if c.id
        ]
        indicator_ids += [
            (f"{path}.indicators[{i + 1}]", c.id) for i, c in enumerate(measure.indicators) if c.id
        ]
        plan.measures.append(measure)
    check.unique(
        [(f"measures[{i + 1}]", m.id) for i, m in enumerate(plan.measures) if m.id], "kind.measure"
    )
    check.unique(collaboration_ids, "kind.collaboration")
    check.unique(indicator_ids, "kind.indicator")
    return plan


class _Known(NamedTuple):
    """The ids of a kind the file defines: in order (for messages), and as a set."""

    listed: list[str]
    ids: frozenset[str]

    @classmethod
    def of(cls, listed: list[str]) -> _Known:
        return cls(listed, frozenset(listed))


def _measure(
    check: _Checker,
    table: dict[str, Any],
    path: str,
    plan: Plan,
    owners: _Known,
    organisations: _Known,
) -> Measure:
    values = check.fields(table, spec.MEASURE, path)
    measure = Measure(
        id=values["id"] or "",
        title=values["title"],
        owner=values["owner"] or "",
        goal=values["goal"],
        area=values["area"],
        status=values["status"],
        progress=values["progress"],
        start=values["start"],
        due=values["due"],
        description=values["description"],
        situation=values["situation"],
        situation_public=values["situation_public"],
    )
    if measure.owner and measure.owner not in owners.ids:
        check.refers(measure.owner, f"{path}.owner", "kind.owner", owners.listed)
    if measure.start and measure.due and measure.due < measure.start:
        check.add(
            f"{path}.due", t("planfile.due_before_start", start=measure.start, due=measure.due)
        )

    four_p = table.get("four_p", _MISSING)
    if (
        four_p is not _MISSING
        and (four_p_table := check.table(four_p, f"{path}.four_p")) is not None
    ):
        parts = spec.FOUR_P
        check.keys(four_p_table, parts, f"{path}.four_p")
        found: dict[str, str] = {}
        for key in four_p_table:
            part = parts.canonical(key)
            if part is None:
                continue  # said above
            if part in found:
                check.add(
                    f"{path}.four_p.{visible(key)}",
                    t("check.same_part", key=visible(key), part=part),
                    on_key=True,
                )
                continue
            found[part] = check.choice(
                four_p_table, key, f"{path}.four_p", spec.FOUR_P_STATE, parts[part].default
            )
        measure.four_p = {part: found[part] for part in FOUR_P_PARTS if part in found}

    coverage = table.get("perspectives", _MISSING)
    levels = spec.MEASURE["perspectives"]
    assert levels.choice is not None
    if (
        coverage is not _MISSING
        and (coverage_table := check.table(coverage, f"{path}.perspectives")) is not None
    ):
        for key in coverage_table:
            name = nfc(key)
            if name not in plan.perspectives or name in measure.perspectives:
                where = f"{path}.perspectives.{visible(key)}"
                if check.member(name, where, plan.perspectives, on_key=True) is not None:
                    check.add(where, t("planfile.repeated_key", key=visible(key)), on_key=True)
                continue
            measure.perspectives[name] = check.choice(
                coverage_table, key, f"{path}.perspectives", levels.choice, "no"
            )

    for index, raw in enumerate(
        check.array_of_tables(table.get("collaborations", _MISSING), f"{path}.collaborations")
    ):
        where = f"{path}.collaborations[{index + 1}]"
        collab_table = check.table(raw, where)
        if collab_table is None:
            continue
        rules = spec.COLLABORATION
        check.keys(collab_table, rules, where)
        actors = check.value(collab_table, rules["actors"], where)
        if not actors and isinstance(collab_table.get("actors"), list):
            check.add(f"{where}.actors", t("planfile.no_actors"))
        for actor_index, actor in enumerate(actors):
            if actor not in organisations.ids:
                check.refers(
                    actor,
                    f"{where}.actors[{actor_index + 1}]",
                    "kind.organisation",
                    organisations.listed,
                )
        if len(set(actors)) != len(actors):
            check.add(f"{where}.actors", t("planfile.repeated_values"))
        measure.collaborations.append(
            Collaboration(
                id=check.value(collab_table, rules["id"], where) or "",
                name=check.value(collab_table, rules["name"], where),
                actors=actors,
                step=check.value(collab_table, rules["step"], where, high=len(plan.ladder)),
                note=check.value(collab_table, rules["note"], where),
            )
        )

    for index, raw in enumerate(
        check.array_of_tables(table.get("indicators", _MISSING), f"{path}.indicators")
    ):
        where = f"{path}.indicators[{index + 1}]"
        ind_table = check.table(raw, where)
        if ind_table is None:
            continue
        values = check.fields(ind_table, spec.INDICATOR, where)
        indicator = Indicator(
            id=values["id"] or "",
            name=values["name"],
            unit=values["unit"],
            baseline=values["baseline"],
            target=values["target"],
            direction=values["direction"],
        )
        series = ind_table.get("values", _MISSING)
        if series is not _MISSING:
            indicator.values = _series(check, series, f"{where}.values")
        groups = ind_table.get("groups", _MISSING)
        if groups is not _MISSING:
            indicator.groups = _groups(check, groups, f"{where}.groups", plan)
        source = ind_table.get("source", _MISSING)
        if source is not _MISSING:
            indicator.source = _source(check, source, f"{where}.source", plan)
        measure.indicators.append(indicator)
    return measure


def _series(check: _Checker, raw: Any, where: str) -> dict[str, float]:
    """Values by period: the periods canonical, each once, the values finite numbers."""
    values: dict[str, float] = {}
    values_table = check.table(raw, where)
    if values_table is None:
        return values
    for period, value in values_table.items():
        canonical = normalise_period(period)
        if canonical is None:
            shown = visible(period)
            check.add(
                f"{where}.{shown}",
                t("planfile.bad_period", period=shown, formats=PERIOD_FORMATS),
                on_key=True,
            )
            continue
        if canonical in values:
            check.add(
                f"{where}.{period}", t("planfile.repeated_period", period=canonical), on_key=True
            )
            continue
        number = check.number(value, f"{where}.{period}")
        if number is not None:
            values[canonical] = number
    return values


def _group_name(check: _Checker, key: str, where: str, seen: dict[str, str]) -> str | None:
    """A group's name: a valid name, not the same as another group's of its perspective."""
    name = nfc(key)
    problem = name_problem(name) if name.strip() else t("planfile.empty")
    if problem is not None:
        check.add(where, problem, on_key=True)
        return None
    folded = fold(name)
    if folded in seen:
        check.add(where, t("stats.same_group", group=visible(key), other=seen[folded]), on_key=True)
        return None
    seen[folded] = name
    return name


def _perspective_of(check: _Checker, key: str, where: str, plan: Plan) -> str | None:
    """The plan's perspective ``key`` names (exactly, in NFC), or None with a problem."""
    name = nfc(key)
    if name not in plan.perspectives:
        check.member(name, where, plan.perspectives, on_key=True)
        return None
    if GROUP_SEPARATOR in name:
        check.add(where, t("stats.perspective_separator", perspective=visible(name)), on_key=True)
        return None
    return name


def _groups(
    check: _Checker, raw: Any, where: str, plan: Plan
) -> dict[str, dict[str, dict[str, float]]]:
    """An indicator's values split by group: perspective -> group -> period -> value."""
    found: dict[str, dict[str, dict[str, float]]] = {}
    table = check.table(raw, where)
    if table is None:
        return found
    for key, by_group in table.items():
        place = f"{where}.{visible(key)}"
        perspective = _perspective_of(check, key, place, plan)
        if perspective is None:
            continue
        if perspective in found:
            check.add(place, t("planfile.repeated_key", key=visible(key)), on_key=True)
            continue
        groups_table = check.table(by_group, place)
        if groups_table is None:
            continue
        seen: dict[str, str] = {}
        groups: dict[str, dict[str, float]] = {}
        for group_key, series in groups_table.items():
            name = _group_name(check, group_key, f"{place}.{visible(group_key)}", seen)
            if name is not None:
                groups[name] = _series(check, series, f"{place}.{visible(group_key)}")
        found[perspective] = groups
    return found


def _source(check: _Checker, raw: Any, where: str, plan: Plan) -> dict[str, Any] | None:
    """An indicator's source table as the file gives it, checked; None when it is wrong."""
    table = check.table(raw, where)
    if table is None:
        return None
    before = len(check.problems)
    rules = spec.SOURCE
    values = check.fields(table, rules, where)
    source: dict[str, Any] = {
        name: value for name, value in values.items() if name in table and value is not None
    }
    kind = source.get("kind")
    needed = ("table",) if kind == "pxweb" else ("kpi", "region") if kind == "kolada" else ()
    for name in needed:
        if not source.get(name, "").strip():
            check.add(f"{where}.{name}", t("stats.source_needs", kind=kind, key=name))
    selection = table.get("selection", _MISSING)
    if selection is not _MISSING and (codes := check.table(selection, f"{where}.selection")):
        chosen: dict[str, list[str]] = {}
        for variable, items in codes.items():
            place = f"{where}.selection.{visible(variable)}"
            if (
                not isinstance(items, list)
                or not items
                or not all(isinstance(item, str) and item.strip() for item in items)
            ):
                check.add(place, t("stats.bad_selection"))
                continue
            chosen[variable] = list(items)
        source["selection"] = chosen
    labels = table.get("groups", _MISSING)
    if labels is not _MISSING and (codes := check.table(labels, f"{where}.groups")) is not None:
        seen: dict[str, str] = {}
        named: dict[str, str] = {}
        for code, group in codes.items():
            place = f"{where}.groups.{visible(code)}"
            if not isinstance(group, str):
                check.add(place, t("planfile.expected_string", got=_type_name(group)))
                continue
            group_name = _group_name(check, group, place, seen)
            if group_name is not None:
                named[code] = group_name
        source["groups"] = named
        perspective = source.get("perspective")
        if perspective is None:
            check.add(f"{where}.perspective", t("stats.source_needs_perspective"))
        else:
            found = _perspective_of(check, perspective, f"{where}.perspective", plan)
            if found is not None:
                source["perspective"] = found
        if kind == "pxweb" and not source.get("split"):
            check.add(f"{where}.split", t("stats.source_needs", kind=kind, key="split"))
    order = {name: index for index, name in enumerate(rules.names())}
    ordered = dict(sorted(source.items(), key=lambda item: order[item[0]]))
    return ordered if len(check.problems) == before else None


def _toml_value(value: Any) -> str:
    import tomli_w

    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    if isinstance(value, list):
        # One line: a short array reads better so, and an inline table needs it.
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
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
