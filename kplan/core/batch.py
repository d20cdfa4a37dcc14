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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kplan.core.domain import as_finite, closest, parse_number
from kplan.core.errors import KplanError
from kplan.core.operations import BatchError, Change, ChangeResult, apply_changes
from kplan.i18n import t

if TYPE_CHECKING:
    from kplan.store.engine import Store

FORMATS = ("jsonl", "csv")
TARGETS = ("measure", "collaboration", "indicator")
MEASURE_FIELDS = ("status", "progress", "four_p", "perspectives")
FIELDS = (
    *TARGETS,
    *MEASURE_FIELDS,
    "step",
    "period",
    "value",
    "note",
    "expect_version",
)


class ApplyError(KplanError):
    """Lines of an apply input that are wrong; nothing was applied."""


@dataclass
class Line:
    """One input line and the changes it asks for."""

    number: int
    changes: list[Change] = field(default_factory=list)


Problem = tuple[int, str, str]


def _problem(number: int, where: str, message: str) -> Problem:
    return (number, where, message)


def _unknown_field(number: int, name: str) -> Problem:
    suggestion = closest(name, FIELDS)
    hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
    return _problem(number, name, t("apply.unknown_field", valid=", ".join(FIELDS), hint=hint))


def _integer(value: Any) -> Any:
    """Digits in text (as CSV has them) become integers; anything else is left for
    the core to refuse with its own message."""
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    return value


def _number(value: Any, number: int, problems: list[Problem]) -> float | None:
    finite = parse_number(value) if isinstance(value, str) else as_finite(value)
    if finite is None:
        problems.append(_problem(number, "value", t("change.number", value=value)))
    return finite


def _line_changes(record: dict[str, Any], number: int, problems: list[Problem]) -> Line:
    """The changes one record asks for; problems of its shape go to ``problems``."""
    line = Line(number)
    for key in record:
        if key not in FIELDS and not key.startswith(("four_p.", "perspectives.")):
            problems.append(_unknown_field(number, key))
    targets = [key for key in TARGETS if record.get(key) not in (None, "")]
    if len(targets) != 1:
        problems.append(_problem(number, "measure", t("apply.one_target")))
        return line
    target = targets[0]
    key = str(record[target]).strip()
    note = record.get("note") or None
    if note is not None and not isinstance(note, str):
        got = type(note).__name__
        problems.append(_problem(number, "note", t("planfile.expected_string", got=got)))
        note = None
    expect = record.get("expect_version")
    if expect in ("", None):
        expect = None
    else:
        expect = _integer(expect)
        if not isinstance(expect, int) or isinstance(expect, bool):
            problems.append(_problem(number, "expect_version", t("apply.expect_version")))
            expect = None

    def add(name: str, value: Any) -> None:
        line.changes.append(Change(target, key, name, value, note, expect))

    if target == "measure":
        if record.get("status") not in (None, ""):
            add("status", record["status"])
        if record.get("progress") not in (None, ""):
            add("progress", _integer(record["progress"]))
        for group in ("four_p", "perspectives"):
            value = record.get(group)
            if value in (None, ""):
                continue
            if not isinstance(value, dict):
                problems.append(_problem(number, group, t("apply.expected_object", field=group)))
                continue
            for part, state in value.items():
                add(f"{group}.{part}", state)
        # CSV names the parts as columns: four_p.policy, perspectives.kön.
        for column, value in record.items():
            if column.startswith(("four_p.", "perspectives.")) and value not in (None, ""):
                add(column, value)
    elif target == "collaboration":
        if record.get("step") not in (None, ""):
            add("step", _integer(record["step"]))
    else:
        period = record.get("period")
        if period in (None, ""):
            problems.append(_problem(number, "period", t("planfile.missing")))
        elif record.get("value") in (None, ""):
            problems.append(_problem(number, "value", t("planfile.missing")))
        else:
            value = _number(record["value"], number, problems)
            if value is not None:
                add(f"values.{str(period).strip()}", value)
    if not line.changes and not any(problem[0] == number for problem in problems):
        problems.append(_problem(number, target, t("apply.nothing")))
    return line


def parse(text: str, fmt: str = "jsonl") -> tuple[list[Line], list[Problem]]:
    """The lines of an input and the problems of their shape."""
    problems: list[Problem] = []
    lines: list[Line] = []
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        header = reader.fieldnames or []
        unknown = [
            name
            for name in header
            if name not in FIELDS and not name.startswith(("four_p.", "perspectives."))
        ]
        for name in unknown:
            suggestion = closest(name, FIELDS)
            hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
            problems.append(
                _problem(1, name, t("apply.unknown_field", valid=", ".join(FIELDS), hint=hint))
            )
        for number, row in enumerate(reader, start=2):
            record = {
                key: value.strip() if isinstance(value, str) else value
                for key, value in row.items()
                if key is not None and key not in unknown
            }
            if not any(record.values()):
                continue
            lines.append(_line_changes(record, number, problems))
        return lines, problems
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            problems.append(_problem(number, "-", t("apply.bad_json", detail=error.msg)))
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
