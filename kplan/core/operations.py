"""Operations that change a store. Each one also writes the event log.

Every change to a measure, a collaboration or an indicator, whether it comes
from the command line, the TUI or a batch, goes through ``apply_changes``:
it checks every change first, then applies them all in one transaction and
logs one event per changed field, all sharing one batch id.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kplan.core.diff import FieldChange, as_text, diff_plans
from kplan.core.domain import (
    COVERAGE_LEVELS,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    PERIOD_FORMATS,
    STATUSES,
    as_finite,
    closest,
    normalise_coverage,
    normalise_four_p_part,
    normalise_four_p_state,
    normalise_period,
    normalise_status,
)
from kplan.core.errors import InvalidValueError, KplanError, NotFoundError, invalid, unknown
from kplan.core.model import Plan
from kplan.i18n import t

if TYPE_CHECKING:
    from sqlmodel import Session

    from kplan.store.engine import Store
    from kplan.store.models import PlanRow


def current_actor(explicit: str | None = None, location: str | None = None) -> str:
    """Who is acting: ``--as``, else ``KPLAN_USER``, else the login name.

    On a server store (``location``, else ``KPLAN_DB``) the database user
    comes before the login name: there each person has a role of their own.
    """
    for candidate in (explicit, os.environ.get("KPLAN_USER")):
        if candidate and candidate.strip():
            return candidate.strip()
    from kplan.store.engine import default_actor

    user = default_actor(location)
    if user and user.strip():
        return user.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now() -> dt.datetime:
    """The current time in UTC, to the second, as the event log stores it.

    ``KPLAN_NOW`` (an ISO date and time) fixes the clock, so demonstrations
    and screenshots come out the same every time.
    """
    fixed = os.environ.get("KPLAN_NOW")
    if fixed:
        try:
            moment = dt.datetime.fromisoformat(fixed.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidValueError(t("clock.bad_now", value=fixed)) from None
        return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def select_plan(session: Session, key: str | None = None) -> PlanRow:
    """The plan named by ``key`` or ``KPLAN_PLAN``, or the store's only plan."""
    from kplan.core.repository import find_plan_row, plan_rows

    wanted = key or os.environ.get("KPLAN_PLAN")
    if wanted:
        row = find_plan_row(session, wanted)
        if row is not None:
            return row
        keys = [plan.key for plan in plan_rows(session)]
        if not keys:
            raise NotFoundError(t("plan.none", wanted=wanted))
        suggestion = closest(wanted, keys)
        hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
        raise NotFoundError(t("plan.unknown", wanted=wanted, valid=", ".join(keys), hint=hint))
    rows = plan_rows(session)
    if not rows:
        raise NotFoundError(t("plan.empty_store"))
    if len(rows) > 1:
        raise NotFoundError(t("plan.choose", valid=", ".join(row.key for row in rows)))
    return rows[0]


def log_event(
    session: Session,
    *,
    plan_id: int,
    actor: str,
    batch: str,
    at: dt.datetime,
    change: FieldChange,
    note: str | None = None,
) -> None:
    from kplan.store.models import EventRow

    session.add(
        EventRow(
            at=at,
            actor=actor,
            plan_id=plan_id,
            batch=batch,
            measure=change.measure,
            collaboration=change.collaboration,
            indicator=change.indicator,
            field=change.field,
            old=as_text(change.old),
            new=as_text(change.new),
            note=note,
        )
    )


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    plan: str
    created: bool
    changes: list[FieldChange]
    dry_run: bool


def import_plan(
    store: Store,
    plan: Plan,
    *,
    actor: str,
    dry_run: bool = False,
    source: str | None = None,
) -> ImportResult:
    """Load a validated plan into the store, creating it or updating it to match."""
    from kplan.core.repository import find_plan_row, load_plan, save_plan

    with store.write() as session:
        existing_row = find_plan_row(session, plan.id)
        existing = load_plan(session, existing_row) if existing_row is not None else None
        changes = diff_plans(existing, plan)
        result = ImportResult(plan.id, existing is None, changes, dry_run)
        if dry_run or (existing is not None and not changes):
            session.rollback()
            return result
        plan_row = save_plan(session, plan)
        assert plan_row.id is not None
        batch = uuid.uuid4().hex
        at = now()
        note = t("event.imported_from", source=source) if source else None
        for change in changes:
            log_event(
                session,
                plan_id=plan_row.id,
                actor=actor,
                batch=batch,
                at=at,
                change=change,
                note=note,
            )
    return result


def import_into(
    location: str | None,
    plan: Plan,
    *,
    actor: str,
    dry_run: bool = False,
    source: str | None = None,
) -> ImportResult:
    """Import into the store at ``location``; a dry run never creates a store."""
    from kplan.store.engine import open_store, store_exists

    if dry_run and not store_exists(location):
        return ImportResult(plan.id, True, diff_plans(None, plan), True)
    store = open_store(location)
    try:
        return import_plan(store, plan, actor=actor, dry_run=dry_run, source=source)
    finally:
        store.close()


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
    """
    from sqlmodel import col, select

    from kplan.store.models import MeasureRow

    result = ChangeResult(batch=batch or uuid.uuid4().hex)
    with store.write() as session:
        plan_row = select_plan(session, plan)
        plan_id = plan_row.id
        assert plan_id is not None
        at = now()

        def measure_row(key: str) -> MeasureRow:
            row = session.exec(
                select(MeasureRow).where(MeasureRow.plan_id == plan_id, MeasureRow.key == key)
            ).first()
            if row is None:
                keys = list(
                    session.exec(
                        select(MeasureRow.key)
                        .where(MeasureRow.plan_id == plan_id)
                        .order_by(col(MeasureRow.position))
                    ).all()
                )
                raise unknown("kind.measure", key, keys)
            return row

        # Resolve and check everything before touching a row.
        planned: list[tuple[Change, Any, str, Any]] = []
        problems: list[tuple[int, str]] = []
        conflict: ConflictError | None = None
        for index, change in enumerate(changes):
            try:
                resolved = _resolve(session, plan_row, change, measure_row)
                _check_version(session, plan_id, change, resolved[1])
            except ConflictError as error:
                if not all_problems:
                    raise
                conflict = conflict or error
                problems.append((index, error.message))
                continue
            except KplanError as error:
                if not all_problems:
                    raise
                problems.append((index, error.message))
                continue
            planned.append(resolved)
        if problems:
            batch_error = BatchError(problems)
            if conflict is not None and len(problems) == 1:
                batch_error.exit_code = ConflictError.exit_code
            raise batch_error

        for change, row, name, value in planned:
            _apply_one(
                session,
                result,
                plan_id=plan_id,
                actor=actor,
                at=at,
                change=change,
                row=row,
                name=name,
                value=value,
            )
        if dry_run:
            session.rollback()
    return result


def _check_version(session: Session, plan_id: int, change: Change, row: Any) -> None:
    """Refuse a change made against an older version, saying who changed what since."""
    if change.expect_version is None or row.version == change.expect_version:
        return
    from sqlmodel import col, select

    from kplan.store.models import EventRow

    column = {
        "measure": EventRow.measure,
        "collaboration": EventRow.collaboration,
        "indicator": EventRow.indicator,
    }[change.target]
    latest = session.exec(
        select(EventRow)
        .where(EventRow.plan_id == plan_id, column == change.key)
        .where(~col(EventRow.field).startswith("round."))
        .order_by(col(EventRow.id).desc())
    ).first()
    since = ""
    if latest is not None:
        since = t(
            "change.changed_by",
            actor=latest.actor,
            field=latest.field,
            old=as_text(latest.old) or "–",
            new=as_text(latest.new) or "–",
            at=latest.at.strftime("%Y-%m-%d %H:%M"),
        )
    raise ConflictError(
        t(
            "change.conflict",
            kind=t(f"kind.{change.target}"),
            key=change.key,
            expected=change.expect_version,
            version=row.version,
            since=since,
        )
    )


def _resolve(
    session: Session, plan_row: PlanRow, change: Change, measure_row: Any
) -> tuple[Change, Any, str, Any]:
    """Find the row a change targets and check and normalise its value."""
    from sqlmodel import col, select

    from kplan.store.models import CollaborationRow, IndicatorRow

    plan_id = plan_row.id
    if change.target == "measure":
        row = measure_row(change.key)
        if change.field == "status":
            status = normalise_status(str(change.value))
            if status is None:
                raise invalid(t("field.status"), change.value, STATUSES)
            return change, row, "status", status
        if change.field == "progress":
            value = change.value
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                raise InvalidValueError(t("change.progress", value=value))
            return change, row, "progress", value
        if change.field.startswith("four_p."):
            part = normalise_four_p_part(change.field.removeprefix("four_p."))
            if part is None:
                raise invalid(
                    t("field.four_p_part"), change.field.removeprefix("four_p."), FOUR_P_PARTS
                )
            state = normalise_four_p_state(str(change.value))
            if state is None:
                raise invalid(t("field.four_p_state"), change.value, FOUR_P_STATES)
            return change, row, f"four_p.{part}", state
        if change.field.startswith("perspectives."):
            perspective = change.field.removeprefix("perspectives.")
            if perspective not in plan_row.perspectives:
                folded = {p.casefold(): p for p in plan_row.perspectives}
                if perspective.casefold() not in folded:
                    raise invalid(t("field.perspective"), perspective, plan_row.perspectives)
                perspective = folded[perspective.casefold()]
            level = normalise_coverage(str(change.value))
            if level is None:
                raise invalid(t("field.coverage"), change.value, COVERAGE_LEVELS)
            return change, row, f"perspectives.{perspective}", level
    elif change.target == "collaboration":
        collab = session.exec(
            select(CollaborationRow).where(
                CollaborationRow.plan_id == plan_id, CollaborationRow.key == change.key
            )
        ).first()
        if collab is None:
            keys = list(
                session.exec(
                    select(CollaborationRow.key)
                    .where(CollaborationRow.plan_id == plan_id)
                    .order_by(col(CollaborationRow.position))
                ).all()
            )
            raise unknown("kind.collaboration", change.key, keys)
        if change.field == "step":
            steps = len(plan_row.ladder)
            value = _relative_step(change.value, collab.step, change.key, steps)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= steps:
                labels = ", ".join(f"{n} {label}" for n, label in enumerate(plan_row.ladder, 1))
                raise InvalidValueError(t("change.step", value=value, high=steps, labels=labels))
            return change, collab, "step", value
    elif change.target == "indicator":
        indicator = session.exec(
            select(IndicatorRow).where(
                IndicatorRow.plan_id == plan_id, IndicatorRow.key == change.key
            )
        ).first()
        if indicator is None:
            keys = list(
                session.exec(
                    select(IndicatorRow.key)
                    .where(IndicatorRow.plan_id == plan_id)
                    .order_by(col(IndicatorRow.position))
                ).all()
            )
            raise unknown("kind.indicator", change.key, keys)
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
                return change, indicator, f"values.{period}", None
            number = as_finite(value)
            if number is None:
                raise InvalidValueError(t("change.number", value=value))
            return change, indicator, f"values.{period}", number
    raise KplanError(t("change.unsupported", target=change.target, field=change.field))


def _small_digits(text: str) -> bool:
    # isdigit() also says yes to "²" and to numbers int() refuses to read.
    return text.isascii() and text.isdigit() and len(text) <= 9


_STEP_MOVES = {"up": 1, "down": -1, "upp": 1, "ned": -1}


def _relative_step(value: Any, current: int, key: str, steps: int) -> Any:
    """An absolute step from ``up``/``down``/``+N``/``-N``; other values pass through."""
    if not isinstance(value, str):
        return value
    token = value.strip().lower()
    if token in _STEP_MOVES:
        delta = _STEP_MOVES[token]
    elif token[:1] in "+-" and _small_digits(token[1:]):
        delta = int(token)
    elif _small_digits(token):
        return int(token)
    else:
        return value
    target = current + delta
    if not 1 <= target <= steps:
        raise InvalidValueError(
            t("change.step_relative", key=key, current=current, delta=f"{delta:+d}", high=steps)
        )
    return target


def _apply_one(
    session: Session,
    result: ChangeResult,
    *,
    plan_id: int,
    actor: str,
    at: dt.datetime,
    change: Change,
    row: Any,
    name: str,
    value: Any,
) -> None:
    from sqlmodel import select

    from kplan.store.models import (
        CollaborationRow,
        CoverageRow,
        FourPRow,
        IndicatorRow,
        IndicatorValueRow,
        MeasureRow,
    )

    old: Any
    if name in ("status", "progress", "step"):
        old = getattr(row, name)
        if old == value:
            return
        setattr(row, name, value)
    elif name.startswith("four_p."):
        part = name.removeprefix("four_p.")
        part_row = session.get(FourPRow, (row.id, part))
        old = part_row.state if part_row else "not-started"
        if old == value:
            return
        if part_row is None:
            part_row = FourPRow(measure_id=row.id, part=part, state=value)
        part_row.state = value
        session.add(part_row)
    elif name.startswith("perspectives."):
        perspective = name.removeprefix("perspectives.")
        coverage_row = session.get(CoverageRow, (row.id, perspective))
        old = coverage_row.level if coverage_row else "no"
        if old == value:
            return
        if coverage_row is None:
            coverage_row = CoverageRow(measure_id=row.id, perspective=perspective, level=value)
        coverage_row.level = value
        session.add(coverage_row)
    elif name.startswith("values."):
        period = name.removeprefix("values.")
        value_row = session.get(IndicatorValueRow, (row.id, period))
        old = value_row.value if value_row else None
        if old == value:
            return
        if value is None:
            session.delete(value_row)
        else:
            if value_row is None:
                value_row = IndicatorValueRow(indicator_id=row.id, period=period, value=value)
            value_row.value = value
            session.add(value_row)
    else:  # pragma: no cover - _resolve only hands over the names above
        raise KplanError(t("change.unsupported", target=change.target, field=name))
    row.version += 1
    session.add(row)

    measure_key: str | None
    collaboration_key = indicator_key = None
    if isinstance(row, CollaborationRow | IndicatorRow):
        measure_key = session.exec(
            select(MeasureRow.key).where(MeasureRow.id == row.measure_id)
        ).one()
        if isinstance(row, CollaborationRow):
            collaboration_key = row.key
        else:
            indicator_key = row.key
    else:
        measure_key = row.key
    field_change = FieldChange(
        name,
        old,
        value,
        measure=measure_key,
        collaboration=collaboration_key,
        indicator=indicator_key,
    )
    result.changes.append(field_change)
    log_event(
        session,
        plan_id=plan_id,
        actor=actor,
        batch=result.batch,
        at=at,
        change=field_change,
        note=change.note,
    )
    session.flush()
