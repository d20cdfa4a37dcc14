"""Changes to a store. Each one also writes the event log.

Every change to a measure, a collaboration or an indicator, whether it comes
from the command line, the TUI or a batch, goes through ``apply_changes``:
it checks every change first, then applies them all in one transaction and
logs one event per changed field, all sharing one batch id.

This module holds the rules (what a change may target, which values are
valid, who may make it, versions, relative steps, the messages); the reads
and the one generic write of a field are ``kplan.store.changes``'s, driven
by the change's typed address (``kplan.address``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kplan.address import FieldAddress
from kplan.core.actor import check_note, now
from kplan.core.diff import FieldChange, as_text
from kplan.core.events import insert_event
from kplan.core.permissions import check_change
from kplan.domain import (
    COVERAGE_LEVELS,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    GROUP_SEPARATOR,
    PERIOD_FORMATS,
    STATUSES,
    as_finite,
    group_part,
    normalise_coverage,
    normalise_four_p_part,
    normalise_four_p_state,
    normalise_period,
    normalise_status,
    parse_integer,
    text_problem,
)
from kplan.errors import InvalidValueError, KplanError, invalid, unknown
from kplan.i18n import t
from kplan.moments import local_text
from kplan.names import check_id, find_name, name_problem, nfc, same_as
from kplan.store import changes as stored
from kplan.store.events import latest_change
from kplan.store.plans import select_plan as select_plan_info

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
    ``values.PERIOD`` (indicators). The field's text is parsed once, here,
    into ``address`` (None when it names no field a change can set, which
    ``apply_changes`` refuses with the change's position); a caller that
    has parsed it already passes it in.
    """

    target: str
    key: str
    field: str
    value: Any
    note: str | None = None
    expect_version: int | None = None
    address: FieldAddress | None = dataclasses.field(
        default=None, kw_only=True, compare=False, repr=False
    )
    # Where a fetched value came from (kplan indicator fetch), as the event log keeps it.
    source: str | None = dataclasses.field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.address is None:
            self.address = FieldAddress.find(self.field)


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
    so a second change sees the first one's value and version. ``known``
    holds the values of its fields read or written so far.
    """

    kind: str
    row_id: int
    key: str
    measure_id: int
    measure_key: str
    version: int
    known: dict[FieldAddress, stored.StoredValue]


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
        row = stored.read_target(self.rows, self.plan.row_id, kind, key)
        if row is None:
            raise unknown(
                f"kind.{kind}", key, stored.target_keys(self.rows, self.plan.row_id, kind)
            )
        target = _Target(
            kind=kind,
            row_id=row.row_id,
            key=row.key,
            measure_id=row.measure_id,
            measure_key=row.measure_key,
            version=row.version,
            known=dict(row.fields),
        )
        self.targets[(kind, key)] = target
        return target

    def current(self, target: _Target, address: FieldAddress) -> stored.StoredValue:
        """The value ``address`` of ``target`` has now, read from the store the first time."""
        value = target.known.get(address)
        if value is None:
            value = stored.read_field(self.rows, address, target.row_id)
            target.known[address] = value
        return value


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

    The work runs through ``Store.writing()`` and the store's plain SQL, so
    a change from the command line does not pay for the ORM.
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
    result = ChangeResult(batch=batch or uuid.uuid4().hex)
    info = select_plan_info(rows, plan)
    at = now()
    reading = _Batch(rows, info)

    # Resolve and check everything before touching a row.
    planned: list[tuple[Change, _Target, FieldAddress, Any]] = []
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

    for change, target, address, value in planned:
        _apply_one(
            reading,
            result,
            info=info,
            actor=actor,
            at=at,
            change=change,
            target=target,
            address=address,
            value=value,
        )
    return result


def _check_permission(reading: _Batch, change: Change, target: _Target, actor: str) -> None:
    """Apply the plan's edit policy to a change (kplan.core.permissions holds the rule)."""
    plan = reading.plan
    if plan.edit == "open":
        return

    owner = stored.measure_owner(reading.rows, target.measure_id)
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
    latest = latest_change(reading.rows, reading.plan.row_id, change.target, change.key)
    since = ""
    if latest is not None:
        since = t(
            "change.changed_by",
            actor=latest.actor,
            field=latest.field,
            old=as_text(latest.old) or "–",
            new=as_text(latest.new) or "–",
            at=local_text(latest.at),
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


def _resolve(reading: _Batch, change: Change) -> tuple[Change, _Target, FieldAddress, Any]:
    """Find what a change targets and check and normalise its value."""
    check_note(change.note)
    address = change.address
    # The thing is found first, so an unknown id is reported before a wrong field.
    if change.target in stored.TARGET_KINDS:
        target = reading.target(change.target, change.key)
    if address is None or address.target != change.target:
        raise KplanError(t("change.unsupported", target=change.target, field=change.field))
    kind = address.kind
    if kind == "status":
        status = normalise_status(str(change.value))
        if status is None:
            raise invalid(t("field.status"), change.value, STATUSES)
        return change, target, address, status
    if kind == "progress":
        value = change.value
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise InvalidValueError(t("change.progress", value=value))
        return change, target, address, value
    if kind == "situation":
        # Läget is the owner's own text; an empty one clears it.
        text = "" if change.value is None else str(change.value)
        problem = text_problem(text)
        if problem is not None:
            raise InvalidValueError(t("structure.bad_situation", problem=problem))
        return change, target, address, (text.strip() and nfc(text)) or None
    if kind == "four_p":
        part = normalise_four_p_part(address.part)
        if part is None:
            raise invalid(t("field.four_p_part"), address.part, FOUR_P_PARTS)
        state = normalise_four_p_state(str(change.value))
        if state is None:
            raise invalid(t("field.four_p_state"), change.value, FOUR_P_STATES)
        return change, target, address.with_part(part), state
    if kind == "perspectives":
        plan = reading.plan
        perspective = find_name(address.part, plan.perspectives, "field.perspective")
        level = normalise_coverage(str(change.value))
        if level is None:
            raise invalid(t("field.coverage"), change.value, COVERAGE_LEVELS)
        return change, target, address.with_part(perspective), level
    if kind == "step":
        ladder = reading.plan.ladder
        steps = len(ladder)
        current = reading.current(target, address).value
        value = _relative_step(change.value, current, change.key, steps)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= steps:
            labels = ", ".join(f"{n} {label}" for n, label in enumerate(ladder, 1))
            raise InvalidValueError(t("change.step", value=value, high=steps, labels=labels))
        return change, target, address, value
    if kind == "groups":
        return change, target, _group_address(reading, target, address), _number_or_none(change)
    # kind == "values": the only kind left (kplan.address.KINDS).
    period = normalise_period(address.part)
    if period is None:
        raise InvalidValueError(t("change.period", period=address.part, formats=PERIOD_FORMATS))
    value = change.value
    if value is None:
        # No value: the period's value is removed (what undoing a first record does).
        return change, target, address.with_part(period), None
    number = as_finite(value)
    if number is None:
        raise InvalidValueError(t("change.number", value=value))
    return change, target, address.with_part(period), number


def _number_or_none(change: Change) -> float | None:
    """A change's value as a finite number; None removes the value (undoing a first record)."""
    if change.value is None:
        return None
    number = as_finite(change.value)
    if number is None:
        raise InvalidValueError(t("change.number", value=change.value))
    return number


def _group_address(reading: _Batch, target: _Target, address: FieldAddress) -> FieldAddress:
    """The canonical address of a value split by group: ``groups.2016.kön=kvinnor``.

    The perspective must be one of the plan's, named in any case; the group is
    a free name (the name rules), spelled as the indicator already has it
    when it names one of its groups in another case.
    """
    period_text, _, rest = address.part.partition(".")
    perspective_text, equals, group_text = rest.partition(GROUP_SEPARATOR)
    period = normalise_period(period_text)
    if period is None:
        raise InvalidValueError(t("change.period", period=period_text, formats=PERIOD_FORMATS))
    if not equals or not perspective_text.strip() or not group_text.strip():
        raise InvalidValueError(t("stats.bad_group", group=rest))
    perspective = find_name(
        perspective_text.strip(), reading.plan.perspectives, "field.perspective"
    )
    if GROUP_SEPARATOR in perspective:
        raise InvalidValueError(t("stats.perspective_separator", perspective=perspective))
    group = nfc(group_text.strip())
    problem = name_problem(group)
    if problem is not None:
        raise InvalidValueError(t("stats.bad_group_name", group=group_text, problem=problem))
    known = stored.group_names(reading.rows, target.row_id, perspective)
    group = same_as(group, known) or group
    return address.with_part(group_part(period, perspective, group))


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
    reading: _Batch,
    result: ChangeResult,
    *,
    info: PlanInfo,
    actor: str,
    at: dt.datetime,
    change: Change,
    target: _Target,
    address: FieldAddress,
    value: Any,
) -> None:
    """Write one checked change, bump its thing's version and log it (unless it changes nothing)."""
    rows = reading.rows
    old = reading.current(target, address)
    if old.value == value:
        return
    target.known[address] = stored.write_field(
        rows, address, target.row_id, value, exists=old.exists
    )
    target.version += 1
    stored.set_version(rows, target.kind, target.row_id, target.version)
    field_change = FieldChange(
        str(address),
        old.value,
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
        source=change.source,
    )
