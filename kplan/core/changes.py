"""Changes to a store. Each one also writes the event log.

Every change to a measure, a collaboration or an indicator, whether it comes
from the command line, the TUI or a batch, goes through ``apply_changes``:
it checks every change first, then applies them all in one transaction and
logs one event per changed field, all sharing one batch id.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kplan.core.actor import check_note, now
from kplan.core.diff import FieldChange, as_text
from kplan.core.events import insert_event
from kplan.domain import (
    COVERAGE_LEVELS,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    PERIOD_FORMATS,
    STATUSES,
    as_finite,
    as_utc,
    normalise_coverage,
    normalise_four_p_part,
    normalise_four_p_state,
    normalise_period,
    normalise_status,
    parse_integer,
)
from kplan.errors import InvalidValueError, KplanError, invalid, unknown
from kplan.i18n import t
from kplan.names import check_id, find_name

if TYPE_CHECKING:
    from kplan.store.engine import Store
    from kplan.store.plans import PlanInfo
    from kplan.store.tx import Rows


@dataclass
class Change:
    """One requested change to a measure, collaboration or indicator.

    ``target`` is ``measure``, ``collaboration`` or ``indicator``; ``key`` is
    its id; ``field`` is one of ``status``, ``progress``, ``four_p.PART``,
    ``perspectives.P`` (measures), ``step`` (collaborations) or
    ``values.PERIOD`` (indicators).
    """

    target: str
    key: str
    field: str
    value: Any
    note: str | None = None
    expect_version: int | None = None


@dataclass
class ChangeResult:
    """The fields a batch of changes actually changed, and its batch id."""

    batch: str
    changes: list[FieldChange] = field(default_factory=list)


class ConflictError(KplanError):
    """Someone changed the thing since its version was read (exit 3)."""

    exit_code = 3


class BatchError(KplanError):
    """Some changes of a batch are wrong: each with its position and message."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(message for _, message in problems))


@dataclass
class _Target:
    """A measure, collaboration or indicator a batch changes, as read at its start.

    One object per thing, shared by every change of the batch that names it,
    so a second change sees the first one's value and version.
    """

    kind: str
    row_id: int
    key: str
    measure_id: int
    measure_key: str
    version: int
    fields: dict[str, Any]


_TARGETS = {
    "measure": (
        "SELECT m.id, m.key, m.id, m.key, m.version, m.status, m.progress"
        " FROM measure m WHERE m.plan_id = :plan AND m.key = :key",
        ("status", "progress"),
        "measure",
    ),
    "collaboration": (
        "SELECT c.id, c.key, m.id, m.key, c.version, c.step FROM collaboration c"
        " JOIN measure m ON m.id = c.measure_id WHERE c.plan_id = :plan AND c.key = :key",
        ("step",),
        "collaboration",
    ),
    "indicator": (
        "SELECT i.id, i.key, m.id, m.key, i.version FROM indicator i"
        " JOIN measure m ON m.id = i.measure_id WHERE i.plan_id = :plan AND i.key = :key",
        (),
        "indicator",
    ),
}


class _Batch:
    """The reading side of one batch: targets by id, read once, with friendly errors."""

    def __init__(self, rows: Rows, plan: PlanInfo) -> None:
        self.rows = rows
        self.plan = plan
        self.targets: dict[tuple[str, str], _Target] = {}

    def target(self, kind: str, key: str) -> _Target:
        key = check_id(key)
        found = self.targets.get((kind, key))
        if found is not None:
            return found
        sql, names, table = _TARGETS[kind]
        rows = self.rows(sql, {"plan": self.plan.row_id, "key": key})
        if not rows:
            keys = [
                row[0]
                for row in self.rows(
                    f"SELECT key FROM {table} WHERE plan_id = :plan ORDER BY position",
                    {"plan": self.plan.row_id},
                )
            ]
            raise unknown(f"kind.{kind}", key, keys)
        row = rows[0]
        target = _Target(
            kind=kind,
            row_id=row[0],
            key=row[1],
            measure_id=row[2],
            measure_key=row[3],
            version=row[4],
            fields=dict(zip(names, row[5:], strict=True)),
        )
        self.targets[(kind, key)] = target
        return target


def apply_changes(
    store: Store,
    changes: list[Change],
    *,
    actor: str,
    plan: str | None = None,
    dry_run: bool = False,
    all_problems: bool = False,
    batch: str | None = None,
) -> ChangeResult:
    """Check every change, then apply them all in one transaction with their events.

    Raises a KplanError (and writes nothing) if any change names something
    unknown, a value outside its set, or a version someone has changed since
    (ConflictError). With ``all_problems`` every wrong change is reported
    (BatchError, with each change's position) instead of the first.
    Setting a field to the value it already has changes nothing and logs
    nothing. ``dry_run`` works out the result and writes nothing.

    The work is plain SQL through ``Store.writing()``, so a change from the
    command line does not pay for the ORM.
    """
    with store.writing(commit=not dry_run) as rows:
        return apply_in(
            rows, changes, actor=actor, plan=plan, all_problems=all_problems, batch=batch
        )


def apply_in(
    rows: Rows,
    changes: list[Change],
    *,
    actor: str,
    plan: str | None = None,
    all_problems: bool = False,
    batch: str | None = None,
) -> ChangeResult:
    """``apply_changes`` inside a write transaction the caller holds (``Store.writing()``).

    ``kplan undo`` checks the log and reverts in one transaction through it,
    so nobody's change can slip in between the check and the revert.
    """
    from kplan.store.plans import select_plan as select_plan_info

    result = ChangeResult(batch=batch or uuid.uuid4().hex)
    info = select_plan_info(rows, plan)
    at = now()
    reading = _Batch(rows, info)

    # Resolve and check everything before touching a row.
    planned: list[tuple[Change, _Target, str, Any]] = []
    problems: list[tuple[int, str]] = []
    exit_codes: set[int] = set()
    for index, change in enumerate(changes):
        try:
            resolved = _resolve(reading, change)
            _check_permission(reading, change, resolved[1], actor)
            _check_version(reading, change, resolved[1])
        except KplanError as error:
            if not all_problems:
                raise
            exit_codes.add(error.exit_code)
            problems.append((index, error.message))
            continue
        planned.append(resolved)
    if problems:
        batch_error = BatchError(problems)
        # A batch refused only for conflicts (or only for permission) keeps
        # that exit code, so a script can tell "retry" from "fix the input".
        if len(exit_codes) == 1:
            batch_error.exit_code = exit_codes.pop()
        raise batch_error

    for change, target, name, value in planned:
        _apply_one(
            rows,
            result,
            info=info,
            actor=actor,
            at=at,
            change=change,
            target=target,
            name=name,
            value=value,
        )
    return result


def _check_permission(reading: _Batch, change: Change, target: _Target, actor: str) -> None:
    """Apply the plan's edit policy to a change (kplan.core.permissions holds the rule)."""
    plan = reading.plan
    if plan.edit == "open":
        return
    from kplan.core.permissions import check_change

    owner = reading.rows(
        "SELECT o.key FROM owner o JOIN measure m ON m.owner_id = o.id WHERE m.id = :measure",
        {"measure": target.measure_id},
    )[0][0]
    what = t("kind.measure") + f" {target.measure_key}"
    if change.target != "measure":
        what = t(
            "permission.of_measure",
            kind=t(f"kind.{change.target}"),
            key=change.key,
            measure=target.measure_key,
        )
    check_change(
        actor,
        policy=plan.edit,
        owner=owner,
        coordinators=plan.coordinators,
        measure=target.measure_key,
        what=what,
    )


def _check_version(reading: _Batch, change: Change, target: _Target) -> None:
    """Refuse a change made against an older version, saying who changed what since."""
    if change.expect_version is None or target.version == change.expect_version:
        return
    column = {"measure": "measure", "collaboration": "collaboration", "indicator": "indicator"}[
        change.target
    ]
    latest = reading.rows(
        "SELECT actor, field, old, new, at FROM event"
        f" WHERE plan_id = :plan AND {column} = :key AND field NOT LIKE 'round.%'"
        " ORDER BY id DESC LIMIT 1",
        {"plan": reading.plan.row_id, "key": change.key},
    )
    since = ""
    if latest:
        actor, field_name, old, new, at = latest[0]
        since = t(
            "change.changed_by",
            actor=actor,
            field=field_name,
            old=as_text(old) or "–",
            new=as_text(new) or "–",
            at=as_utc(at).strftime("%Y-%m-%d %H:%M"),
        )
    raise ConflictError(
        t(
            "change.conflict",
            kind=t(f"kind.{change.target}"),
            key=change.key,
            expected=change.expect_version,
            version=target.version,
            since=since,
        ),
        cli_hint=t("change.conflict_retry", version=target.version),
    )


def _resolve(reading: _Batch, change: Change) -> tuple[Change, _Target, str, Any]:
    """Find what a change targets and check and normalise its value."""
    check_note(change.note)
    plan = reading.plan
    if change.target == "measure":
        target = reading.target("measure", change.key)
        if change.field == "status":
            status = normalise_status(str(change.value))
            if status is None:
                raise invalid(t("field.status"), change.value, STATUSES)
            return change, target, "status", status
        if change.field == "progress":
            value = change.value
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                raise InvalidValueError(t("change.progress", value=value))
            return change, target, "progress", value
        if change.field.startswith("four_p."):
            part = normalise_four_p_part(change.field.removeprefix("four_p."))
            if part is None:
                raise invalid(
                    t("field.four_p_part"), change.field.removeprefix("four_p."), FOUR_P_PARTS
                )
            state = normalise_four_p_state(str(change.value))
            if state is None:
                raise invalid(t("field.four_p_state"), change.value, FOUR_P_STATES)
            return change, target, f"four_p.{part}", state
        if change.field.startswith("perspectives."):
            perspective = find_name(
                change.field.removeprefix("perspectives."), plan.perspectives, "field.perspective"
            )
            level = normalise_coverage(str(change.value))
            if level is None:
                raise invalid(t("field.coverage"), change.value, COVERAGE_LEVELS)
            return change, target, f"perspectives.{perspective}", level
    elif change.target == "collaboration":
        target = reading.target("collaboration", change.key)
        if change.field == "step":
            steps = len(plan.ladder)
            value = _relative_step(change.value, target.fields["step"], change.key, steps)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= steps:
                labels = ", ".join(f"{n} {label}" for n, label in enumerate(plan.ladder, 1))
                raise InvalidValueError(t("change.step", value=value, high=steps, labels=labels))
            return change, target, "step", value
    elif change.target == "indicator":
        target = reading.target("indicator", change.key)
        if change.field.startswith("values."):
            raw_period = change.field.removeprefix("values.")
            period = normalise_period(raw_period)
            if period is None:
                raise InvalidValueError(
                    t("change.period", period=raw_period, formats=PERIOD_FORMATS)
                )
            value = change.value
            if value is None:
                # No value: the period's value is removed (what undoing a first record does).
                return change, target, f"values.{period}", None
            number = as_finite(value)
            if number is None:
                raise InvalidValueError(t("change.number", value=value))
            return change, target, f"values.{period}", number
    raise KplanError(t("change.unsupported", target=change.target, field=change.field))


_STEP_MOVES = {"up": 1, "down": -1, "upp": 1, "ned": -1}


def _relative_step(value: Any, current: int, key: str, steps: int) -> Any:
    """An absolute step from ``up``/``down``/``+N``/``-N``; other values pass through."""
    if not isinstance(value, str):
        return value
    token = value.strip().lower()
    number = parse_integer(token)
    if token in _STEP_MOVES:
        delta = _STEP_MOVES[token]
    elif number is not None and token[:1] in "+-":
        delta = number
    elif number is not None:
        return number
    else:
        return value
    target = current + delta
    if not 1 <= target <= steps:
        raise InvalidValueError(
            t("change.step_relative", key=key, current=current, delta=f"{delta:+d}", high=steps)
        )
    return target


def _apply_one(
    rows: Rows,
    result: ChangeResult,
    *,
    info: PlanInfo,
    actor: str,
    at: dt.datetime,
    change: Change,
    target: _Target,
    name: str,
    value: Any,
) -> None:
    old: Any
    if name in ("status", "progress", "step"):
        old = target.fields[name]
        if old == value:
            return
        table = "measure" if name != "step" else "collaboration"
        rows(
            f"UPDATE {table} SET {name} = :value WHERE id = :id",
            {"value": value, "id": target.row_id},
        )
        target.fields[name] = value
    elif name.startswith("four_p."):
        part = name.removeprefix("four_p.")
        found = rows(
            "SELECT state FROM four_p WHERE measure_id = :id AND part = :part",
            {"id": target.row_id, "part": part},
        )
        old = found[0][0] if found else "not-started"
        if old == value:
            return
        params = {"id": target.row_id, "part": part, "value": value}
        if found:
            rows("UPDATE four_p SET state = :value WHERE measure_id = :id AND part = :part", params)
        else:
            rows("INSERT INTO four_p (measure_id, part, state) VALUES (:id, :part, :value)", params)
    elif name.startswith("perspectives."):
        perspective = name.removeprefix("perspectives.")
        found = rows(
            "SELECT level FROM perspective_coverage WHERE measure_id = :id AND perspective = :p",
            {"id": target.row_id, "p": perspective},
        )
        old = found[0][0] if found else "no"
        if old == value:
            return
        params = {"id": target.row_id, "p": perspective, "value": value}
        if found:
            rows(
                "UPDATE perspective_coverage SET level = :value"
                " WHERE measure_id = :id AND perspective = :p",
                params,
            )
        else:
            rows(
                "INSERT INTO perspective_coverage (measure_id, perspective, level)"
                " VALUES (:id, :p, :value)",
                params,
            )
    elif name.startswith("values."):
        period = name.removeprefix("values.")
        found = rows(
            "SELECT value FROM indicator_value WHERE indicator_id = :id AND period = :period",
            {"id": target.row_id, "period": period},
        )
        old = float(found[0][0]) if found else None
        if old == value:
            return
        params = {"id": target.row_id, "period": period, "value": value}
        if value is None:
            rows(
                "DELETE FROM indicator_value WHERE indicator_id = :id AND period = :period", params
            )
        elif found:
            rows(
                "UPDATE indicator_value SET value = :value"
                " WHERE indicator_id = :id AND period = :period",
                params,
            )
        else:
            rows(
                "INSERT INTO indicator_value (indicator_id, period, value)"
                " VALUES (:id, :period, :value)",
                params,
            )
    else:  # pragma: no cover - _resolve only hands over the names above
        raise KplanError(t("change.unsupported", target=change.target, field=name))
    target.version += 1
    rows(
        f"UPDATE {target.kind} SET version = :version WHERE id = :id",
        {"version": target.version, "id": target.row_id},
    )
    field_change = FieldChange(
        name,
        old,
        value,
        measure=target.measure_key,
        collaboration=target.key if target.kind == "collaboration" else None,
        indicator=target.key if target.kind == "indicator" else None,
    )
    result.changes.append(field_change)
    insert_event(
        rows,
        plan_id=info.row_id,
        actor=actor,
        batch=result.batch,
        at=at,
        change=field_change,
        note=change.note,
    )
