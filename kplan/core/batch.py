"""``kplan apply``: many changes from JSON Lines or CSV, checked whole, applied at once.

Each input line becomes one or more core Changes; every line is checked
(its shape here, its values and targets by ``apply_changes``) before
anything is written, and a bad line is reported with its number and field.
A good input is applied in one transaction and logged as one batch.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kplan.address import FieldAddress
from kplan.core.changes import BatchError, Change, ChangeResult, apply_changes
from kplan.core.queries import load
from kplan.domain import (
    MAX_FILE_MB_VARIABLE,
    MAX_INTEGER_DIGITS,
    MAX_NESTING,
    MAX_TEXT_LENGTH,
    as_finite,
    formula_unguarded,
    max_file_bytes,
    parse_integer,
    parse_number,
    text_problem,
)
from kplan.errors import KplanError, closest
from kplan.i18n import t
from kplan.names import visible

if TYPE_CHECKING:
    from kplan.store.engine import Store

FORMATS = ("jsonl", "csv")
TARGETS = ("measure", "collaboration", "indicator")
MEASURE_FIELDS = ("status", "progress", "four_p", "perspectives")
# Kinds of field a CSV column (or a JSON key) may name part by part: four_p.policy.
PART_COLUMNS = ("four_p", "perspectives")
FIELDS = (
    *TARGETS,
    *MEASURE_FIELDS,
    "step",
    "period",
    "value",
    "group",
    "note",
    "expect_version",
)

# The cell separators a CSV input may use: commas, or semicolons as Excel
# writes CSV where the decimal mark is a comma (Swedish settings). Which one a
# file uses is read from its header line, never guessed from its data.
CSV_DELIMITERS = (",", ";")
# `kplan export --format csv`'s columns (docs/export.md#csv), so an export,
# edited, applies as it is: these name what apply changes.
EXPORT_TARGETS = {"id": "measure"}
EXPORT_PARTS = {"four_p_": "four_p", "perspective_": "perspectives"}
# The export's other columns: what a measure is (title, owner, area,
# situation: changed with kplan measure edit and kplan note) and what the
# export worked out (dates, overdue, steps, indicator figures). Apply leaves
# them; a changed text in the first kind is refused rather than ignored.
EXPORT_COMPARED = ("title", "owner", "owner_name", "area", "situation")
EXPORT_LEFT = ("start", "due", "overdue", "steps_lowest", "steps_highest")
EXPORT_INDICATOR = "indicator_"
# What a column of the first kind is changed with instead.
EXPORT_COMMANDS = {
    "title": "kplan measure edit",
    "owner": "kplan measure edit",
    "owner_name": "kplan person",
    "area": "kplan measure edit",
    "situation": "kplan note",
}
# How a workbook file starts: a zip archive (.xlsx, .ods) or an old .xls. Not
# text, so not read line by line into a problem per line.
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
# A header column the reader knows but applies nothing from.
_LEFT = ""

# A line holds a few texts of at most MAX_TEXT_LENGTH characters each, written
# with JSON escapes (up to six characters for one); anything longer is refused
# before it is parsed.
MAX_LINE_LENGTH = 8 * MAX_TEXT_LENGTH


class ApplyError(KplanError):
    """Lines of an apply input that are wrong; nothing was applied."""


@dataclass
class Line:
    """One input line and the changes it asks for.

    ``measure`` is the measure it names (if it names one); ``compared`` the
    text columns of an export it carries, which must match the store.
    """

    number: int
    changes: list[Change] = field(default_factory=list)
    measure: str | None = None
    compared: dict[str, str] = field(default_factory=dict)


Problem = tuple[int, str, str]


def _problem(number: int, where: str, message: str) -> Problem:
    return (number, where, message)


def _unknown_field(number: int, name: str) -> Problem:
    suggestion = closest(name, FIELDS)
    hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
    return _problem(number, name, t("apply.unknown_field", valid=", ".join(FIELDS), hint=hint))


def _part_column(name: str) -> FieldAddress | None:
    """The field a column such as ``four_p.policy`` or ``perspectives.kön`` names, if any."""
    address = FieldAddress.find(name)
    return address if address is not None and address.kind in PART_COLUMNS else None


def _integer(value: Any) -> Any:
    """A whole number from text (as CSV has it) or JSON; anything else is left
    for the core to refuse with its own message.

    A spreadsheet may write a whole number with decimals (``30,0``, ``30.0``):
    that is the number 30. ``30,5`` stays text, which the core refuses.
    """
    number = parse_integer(value)
    if number is None and isinstance(value, str) and _DECIMALS.fullmatch(value.strip()):
        whole, _, _ = value.strip().replace(",", ".").partition(".")
        number = parse_integer(whole)
    return value if number is None else number


# A whole number written with a decimal mark and only zeros after it.
_DECIMALS = re.compile(r"[+-]?[0-9]{1,18}[.,]0+", re.ASCII)


def _number(value: Any, number: int, problems: list[Problem]) -> float | None:
    finite = parse_number(value) if isinstance(value, str) else as_finite(value)
    if finite is None:
        problems.append(_problem(number, "value", t("change.number", value=value)))
    return finite


def _texts_fit(record: dict[str, Any], number: int, problems: list[Problem]) -> bool:
    """Whether every name and text of a record can be stored and shown.

    Checked before anything looks at the record: a lone surrogate or a NUL
    would otherwise fail deep inside the store, and a huge text everywhere
    it is shown.
    """
    fits = True

    def walk(value: Any, where: str) -> None:
        nonlocal fits
        if isinstance(value, dict):
            for key, part in value.items():
                inner = f"{where}.{key}" if where else str(key)
                problem = text_problem(key)
                if problem is not None:
                    fits = False
                    shown = (where + "." if where else "") + _shown(key)
                    problems.append(_problem(number, shown, t("apply.bad_text", problem=problem)))
                    continue
                walk(part, inner)
        elif isinstance(value, list):
            for part in value:
                walk(part, where)
        elif isinstance(value, str):
            problem = text_problem(value)
            if problem is not None:
                fits = False
                problems.append(_problem(number, where, t("apply.bad_text", problem=problem)))

    walk(record, "")
    return fits


def _shown(text: str) -> str:
    # A field name as a message quotes it: "perspectives.kön" as it is, what
    # cannot be stored or printed (a surrogate, a NUL, an escape) spelled out.

    return visible(text, limit=41)


def _identifier(value: Any, name: str, number: int, problems: list[Problem]) -> str | None:
    """An id or period as text: JSON may give it as a number, never as anything else."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    got = type(value).__name__
    problems.append(_problem(number, name, t("planfile.expected_string", got=got)))
    return None


def _line_changes(record: dict[str, Any], number: int, problems: list[Problem]) -> Line:
    """The changes one record asks for; problems of its shape go to ``problems``."""
    line = Line(number)
    if not _texts_fit(record, number, problems):
        return line
    columns: list[tuple[FieldAddress, Any]] = []
    for key, value in record.items():
        if key in FIELDS:
            continue
        address = _part_column(key)
        if address is None:
            problems.append(_unknown_field(number, key))
        elif value not in (None, ""):
            columns.append((address, value))
    targets = [key for key in TARGETS if record.get(key) not in (None, "")]
    if len(targets) != 1:
        problems.append(_problem(number, "measure", t("apply.one_target")))
        return line
    target = targets[0]
    identifier = _identifier(record[target], target, number, problems)
    if identifier is None:
        return line
    key = identifier
    if target == "measure":
        line.measure = key
    note = record.get("note") or None
    if note is not None and not isinstance(note, str):
        got = type(note).__name__
        problems.append(_problem(number, "note", t("planfile.expected_string", got=got)))
        note = None
    expect = record.get("expect_version")
    if expect in ("", None):
        expect = None
    else:
        version = parse_integer(expect)
        if version is None or version < 0:
            problems.append(
                _problem(number, "expect_version", t("apply.expect_version", value=expect))
            )
            version = None
        expect = version

    def add(address: FieldAddress, value: Any) -> None:
        line.changes.append(Change(target, key, str(address), value, note, expect, address=address))

    if target == "measure":
        if record.get("status") not in (None, ""):
            add(FieldAddress("status"), record["status"])
        if record.get("progress") not in (None, ""):
            add(FieldAddress("progress"), _integer(record["progress"]))
        for group in PART_COLUMNS:
            value = record.get(group)
            if value in (None, ""):
                continue
            if not isinstance(value, dict):
                problems.append(_problem(number, group, t("apply.expected_object", field=group)))
                continue
            for part, state in value.items():
                add(FieldAddress(group, part), state)
        # CSV names the parts as columns: four_p.policy, perspectives.kön.
        for address, value in columns:
            add(address, value)
    elif target == "collaboration":
        # As on the command line: 3 is a step, "+1", "-1", "up" and "down" moves.
        if record.get("step") not in (None, ""):
            add(FieldAddress("step"), record["step"])
    else:
        period = record.get("period")
        if period in (None, ""):
            problems.append(_problem(number, "period", t("planfile.missing")))
        elif record.get("value") in (None, ""):
            problems.append(_problem(number, "value", t("planfile.missing")))
        else:
            value = _number(record["value"], number, problems)
            period_text = _identifier(period, "period", number, problems)
            group_text = record.get("group")
            if group_text not in (None, "") and not isinstance(group_text, str):
                got = type(group_text).__name__
                problems.append(_problem(number, "group", t("planfile.expected_string", got=got)))
            elif value is not None and period_text is not None:
                if group_text in (None, ""):
                    add(FieldAddress("values", period_text), value)
                else:
                    # As `kplan record --group`: a group of a perspective, PERSPECTIVE=GROUP.
                    add(FieldAddress("groups", f"{period_text}.{group_text}"), value)
    if not line.changes and not any(problem[0] == number for problem in problems):
        problems.append(_problem(number, target, t("apply.nothing")))
    return line


def read_input(
    source: str | Path, stream: BinaryIO | None = None, *, spreadsheet: bool = False
) -> str:
    """The text of an apply input: the file ``source``, or ``stream`` (standard input).

    At most ``KPLAN_MAX_FILE_MB`` is read, so ``/dev/zero`` or an endless
    pipe is refused instead of filling memory. Text must be UTF-8 (a byte
    order mark is dropped); every line holding other bytes is reported.
    With ``spreadsheet`` (a CSV input) the message says how Excel saves
    UTF-8: its plain "CSV" is Windows-1252, where å is the byte 0xe5.
    """
    limit = max_file_bytes()
    try:
        if stream is not None:
            data = stream.read(limit + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(limit + 1)
    except (OSError, ValueError) as exc:
        # ValueError: a path with a NUL byte, which no file has.
        detail = getattr(exc, "strerror", None) or str(exc)
        raise ApplyError(t("apply.unreadable", path=source, detail=detail)) from None
    if len(data) > limit:
        raise ApplyError(
            t(
                "apply.too_big",
                path=t("apply.stdin") if stream is not None else source,
                limit=limit // (1024 * 1024),
                variable=MAX_FILE_MB_VARIABLE,
            )
        )
    if data.startswith(WORKBOOK_MAGIC):
        shown = t("apply.stdin") if stream is not None else source
        raise ApplyError(t("sheets.workbook_input", path=shown))
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    problems: list[Problem] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = f"{raw[error.start]:02x}"
            key = "sheets.not_utf8" if spreadsheet else "apply.not_utf8"
            problems.append(_problem(number, "-", t(key, byte=byte)))
    raise ApplyError(_summary(problems))


class _Repeated(Exception):
    """A key given twice in one JSON object."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _LongNumber(Exception):
    """An integer of more digits than any field takes."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys; a line that says two things is refused.
    record: dict[str, Any] = {}
    for key, value in pairs:
        if key in record:
            raise _Repeated(key)
        record[key] = value
    return record


def _json_integer(digits: str) -> int:
    # Checked before int(): beyond 4,300 digits int() itself refuses with a ValueError.
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _LongNumber(digits)
    return int(digits)


def _nesting(raw: str) -> int:
    """How deep arrays and objects nest in a JSON line (brackets inside strings aside)."""
    depth = deepest = 0
    in_string = escaped = False
    for character in raw:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                break
        elif character in "]}":
            depth -= 1
    return deepest


def _json_record(raw: str, number: int, problems: list[Problem]) -> Any:
    """One JSON line as a value, or None with its problem recorded."""
    if len(raw) > MAX_LINE_LENGTH:
        problems.append(
            _problem(number, "-", t("apply.line_too_long", length=len(raw), limit=MAX_LINE_LENGTH))
        )
        return None
    # Counting first keeps the character walk for the rare line that may be deep.
    if raw.count("[") + raw.count("{") > MAX_NESTING and _nesting(raw) > MAX_NESTING:
        problems.append(_problem(number, "-", t("apply.too_deep", limit=MAX_NESTING)))
        return None
    try:
        return json.loads(raw, object_pairs_hook=_object, parse_int=_json_integer)
    except json.JSONDecodeError as error:
        problems.append(_problem(number, "-", t("apply.bad_json", detail=error.msg)))
    except _Repeated as error:
        problems.append(_problem(number, _shown(error.key), t("apply.repeated_field")))
    except _LongNumber:
        problems.append(_problem(number, "-", t("apply.long_number", limit=MAX_INTEGER_DIGITS)))
    except RecursionError:
        problems.append(_problem(number, "-", t("apply.too_deep", limit=MAX_NESTING)))
    return None


def _column(name: str) -> str | None:
    """The apply field a CSV header names, ``_LEFT`` for an export column apply
    leaves as it is, or None when the name is unknown."""
    if name in FIELDS or _part_column(name) is not None:
        return name
    if name in EXPORT_TARGETS:
        return EXPORT_TARGETS[name]
    for prefix, kind in EXPORT_PARTS.items():
        if name.startswith(prefix) and len(name) > len(prefix):
            return f"{kind}.{name[len(prefix) :]}"
    if name in EXPORT_COMPARED or name in EXPORT_LEFT or name.startswith(EXPORT_INDICATOR):
        return _LEFT
    return None


def _header_line(text: str) -> str | None:
    """The first line that holds anything (the header), found without splitting the whole text."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        # A lone carriage return ends a line too (the csv module reads it so).
        for line in text[start:end].split("\r"):
            if line.strip(" \t,;"):
                return line
        start = end + 1
    return None


def csv_delimiter(text: str) -> str:
    """The separator of a CSV input's cells, read from its header line.

    The one of ``,`` and ``;`` by which the header names the most columns
    apply knows; when both name as many (none, say), the one the line holds
    more of; a comma when it holds neither.
    """
    line = _header_line(text)
    if line is None:
        return ","

    def score(delimiter: str) -> tuple[int, int]:
        try:
            names = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:
            names = []
        known = sum(1 for name in names if name.strip() and _column(name.strip()) is not None)
        return known, line.count(delimiter)

    return max(CSV_DELIMITERS, key=score)


def _separator_name(delimiter: str) -> str:
    return t("sheets.semicolon") if delimiter == ";" else t("sheets.comma")


def _csv_lines(text: str, problems: list[Problem]) -> list[Line]:
    """The lines of a CSV input; a row is numbered by the line it starts on.

    Commas or semicolons separate the cells, whichever the header line uses
    (:func:`csv_delimiter`). The header names apply's fields, or the columns
    of ``kplan export --format csv``.
    """
    lines: list[Line] = []
    delimiter = csv_delimiter(text)
    separator = _separator_name(delimiter)
    # newline="": the csv module itself ends rows at \n, \r\n and a lone \r.
    # strict: a quote left open would otherwise swallow every line after it
    # into one cell, and those lines would silently never be applied.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    fields: list[str | None] = []
    ended = 0
    while True:
        start = ended + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            detail = str(error)
            if "field larger than field limit" in detail:
                message = t("apply.csv_too_long", limit=MAX_TEXT_LENGTH)
            elif "unexpected end of data" in detail:
                message = t("apply.csv_unclosed")
            else:
                message = t("apply.bad_csv", detail=detail)
            problems.append(_problem(start, "-", message))
            break
        ended = reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            if not _texts_fit(dict.fromkeys(header, ""), start, problems):
                break
            fields = [_column(name) if name else _LEFT for name in header]
            if not any(fields):
                problems.append(
                    _problem(
                        start,
                        "-",
                        t(
                            "sheets.unknown_header",
                            separator=separator,
                            valid=", ".join((*FIELDS, "four_p.PART", "perspectives.NAME")),
                        ),
                    )
                )
                break
            for name, found in zip(header, fields, strict=True):
                if found is None:
                    number, where, message = _unknown_field(start, name)
                    read = t("sheets.read_with", separator=separator)
                    problems.append(_problem(number, where, f"{message} {read}"))
            named = [found for found in fields if found]
            for name in sorted({found for found in named if named.count(found) > 1}):
                problems.append(_problem(start, name, t("apply.repeated_field")))
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            problems.append(
                _problem(
                    start,
                    "-",
                    t("apply.csv_cells", cells=len(row), names=len(header), separator=separator),
                )
            )
            continue
        record: dict[str, str] = {}
        compared: dict[str, str] = {}
        for name, found, cell in zip(header, fields, row, strict=False):
            value = formula_unguarded(cell.strip())
            if found:
                record[found] = value
            elif found == _LEFT and name in EXPORT_COMPARED:
                compared[name] = value
            elif found == _LEFT and not name and value:
                problems.append(_problem(start, "-", t("sheets.unnamed_cell", value=value)))
        if not any(record.values()):
            continue
        line = _line_changes(record, start, problems)
        if compared and line.measure is not None:
            line.compared = compared
        lines.append(line)
    return lines


def _check_compared(store: Store, plan: str | None, lines: list[Line]) -> list[Problem]:
    """Refuse an export's text column (title, owner...) that was changed: apply cannot change it.

    Compared with the plan as stored; a measure apply does not know is left
    for the change's own check to name.
    """
    if not any(line.compared for line in lines):
        return []
    state = load(store, plan)
    names = {owner.id: owner.name for owner in state.owners}
    problems: list[Problem] = []
    for line in lines:
        measure = state.measure(line.measure) if line.measure is not None else None
        if measure is None:
            continue
        stored = {
            "title": measure.title,
            "owner": measure.owner,
            "owner_name": names.get(measure.owner),
            "area": measure.area,
            "situation": measure.situation,
        }
        for column, cell in line.compared.items():
            if _same_text(cell) != _same_text(stored[column] or ""):
                problems.append(
                    _problem(
                        line.number,
                        column,
                        t("sheets.not_applied", column=column, command=EXPORT_COMMANDS[column]),
                    )
                )
    return problems


def _same_text(text: str) -> str:
    # A spreadsheet may end a cell's lines in CRLF and trim it.
    return text.replace("\r\n", "\n").strip()


def parse(text: str, fmt: str = "jsonl") -> tuple[list[Line], list[Problem]]:
    """The lines of an input and the problems of their shape."""
    problems: list[Problem] = []
    text = text.removeprefix("\ufeff")
    if fmt == "csv":
        return _csv_lines(text, problems), problems
    lines: list[Line] = []
    # Lines end at "\n" only, as editors count them: str.splitlines() would
    # also break at U+2028 and other characters a JSON string may hold.
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        record = _json_record(raw, number, problems)
        if record is None:
            continue
        if not isinstance(record, dict):
            problems.append(_problem(number, "-", t("apply.not_object")))
            continue
        lines.append(_line_changes(record, number, problems))
    return lines, problems


def apply_text(
    store: Store,
    text: str,
    *,
    fmt: str,
    actor: str,
    plan: str | None = None,
    dry_run: bool = False,
) -> ChangeResult:
    """Check the whole input, then apply it in one transaction (or, dry, write nothing)."""
    if fmt not in FORMATS:
        raise ApplyError(t("apply.bad_format", value=fmt, valid=", ".join(FORMATS)))
    lines, problems = parse(text, fmt)
    problems += _check_compared(store, plan, lines)
    changes: list[Change] = []
    owners: list[int] = []
    for line in lines:
        changes.extend(line.changes)
        owners.extend([line.number] * len(line.changes))
    if not problems and not changes:
        raise ApplyError(t("apply.empty"))
    try:
        result = apply_changes(
            store,
            changes,
            actor=actor,
            plan=plan,
            dry_run=dry_run or bool(problems),
            all_problems=True,
        )
    except BatchError as error:
        for index, message in error.problems:
            change = changes[index]
            problems.append(_problem(owners[index], change.field, message))
        if error.exit_code != ApplyError.exit_code and len(problems) == len(error.problems):
            conflict = ApplyError(_summary(problems))
            conflict.exit_code = error.exit_code
            raise conflict from None
    if problems:
        raise ApplyError(_summary(problems))
    return result


def _summary(problems: list[Problem]) -> str:
    lines = [
        t("apply.problem", line=number, field=where, message=message)
        for number, where, message in sorted(problems, key=lambda problem: problem[0])
    ]
    count = t("apply.count_one") if len(problems) == 1 else t("apply.count", count=len(problems))
    return "\n".join([*lines, count])
