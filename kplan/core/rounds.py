"""Follow-up rounds: a coordinator opens one, owners report, the round closes into a snapshot.

One round is open per plan at a time. Where the plan names coordinators, a
measure is reported by its owner or a coordinator; with no coordinators the
plan is open to everyone, like every other change. Under the "owners" edit
policy only a coordinator opens and closes rounds (kplan.core.permissions).
A round's name is never a snapshot's: closing takes a snapshot with it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from kplan.core.diff import FieldChange
from kplan.core.permissions import ROUND_CLOSE, ROUND_OPEN, check_coordinator, check_report
from kplan.core.snapshots import check_name, names_taken, refuse_same_name, snapshot_named, take_in
from kplan.domain import as_utc
from kplan.errors import InvalidValueError, KplanError, unknown
from kplan.i18n import t
from kplan.names import check_id

if TYPE_CHECKING:
    from sqlmodel import Session

    from kplan.store.engine import Store
    from kplan.store.models import PlanRow, RoundRow


class RoundConflict(KplanError):
    """The round cannot do that now (one is already open, none is, measures unreported)."""


def _open_round(session: Session, plan_row: PlanRow) -> RoundRow | None:
    from sqlmodel import col, select

    from kplan.store.models import RoundRow

    return session.exec(
        select(RoundRow).where(RoundRow.plan_id == plan_row.id, col(RoundRow.closed_at).is_(None))
    ).first()


def _check_coordinator(actor: str, plan_row: PlanRow, action: str) -> None:
    check_coordinator(
        actor,
        policy=plan_row.edit,
        coordinators=plan_row.coordinators,
        plan=plan_row.key,
        action=action,
    )


def _require_open(session: Session, plan_row: PlanRow) -> RoundRow:
    found = _open_round(session, plan_row)
    if found is None:
        raise RoundConflict(t("round.none_open"))
    return found


def _log(
    session: Session,
    plan_row: PlanRow,
    actor: str,
    at: dt.datetime,
    change: FieldChange,
    note: str | None = None,
) -> None:
    from kplan.core.events import log_event

    assert plan_row.id is not None
    log_event(
        session,
        plan_id=plan_row.id,
        actor=actor,
        batch=uuid.uuid4().hex,
        at=at,
        change=change,
        note=note,
    )


def open_round(
    store: Store, name: str, *, actor: str, due: dt.date | None = None, plan: str | None = None
) -> str:
    """Open a follow-up round; refuses while another is open or the name is taken."""
    from sqlmodel import col, select

    from kplan.core.actor import now
    from kplan.core.events import select_plan
    from kplan.store.models import RoundRow, SnapshotRow

    name = check_name(name)
    with store.write() as session:
        plan_row = select_plan(session, plan)
        assert plan_row.id is not None
        _check_coordinator(actor, plan_row, ROUND_OPEN)
        current = _open_round(session, plan_row)
        if current is not None:
            raise RoundConflict(t("round.already_open", name=current.name))
        taken = session.exec(
            select(RoundRow.id).where(RoundRow.plan_id == plan_row.id, RoundRow.name == name)
        ).first()
        if taken is not None:
            raise InvalidValueError(t("round.exists", name=name))
        # Closing the round takes a snapshot with its name, which must be free then.
        if snapshot_named(session, plan_row, name) is not None:
            raise InvalidValueError(t("round.name_is_snapshot", name=name))
        # Nor may it be another round's or a snapshot's in another case or spelling.
        snapshot_names, round_names = names_taken(session, plan_row)
        refuse_same_name(name, round_names, "names.kind_round")
        refuse_same_name(name, snapshot_names, "names.kind_snapshot")
        previous = session.exec(
            select(SnapshotRow.name)
            .where(SnapshotRow.plan_id == plan_row.id)
            .order_by(col(SnapshotRow.taken_at).desc(), col(SnapshotRow.id).desc())
        ).first()
        at = now()
        session.add(
            RoundRow(
                plan_id=plan_row.id,
                name=name,
                due=due,
                opened_at=at,
                opened_by=actor,
                previous_snapshot=previous,
            )
        )
        _log(session, plan_row, actor, at, FieldChange("round.open", None, name))
    return name


def report(
    store: Store, measure: str, *, actor: str, note: str | None = None, plan: str | None = None
) -> str:
    """Mark a measure reported in the open round; returns the round's name."""
    from sqlmodel import col, select

    from kplan.core.actor import check_note, now
    from kplan.core.events import select_plan
    from kplan.store.models import MeasureRow, OwnerRow, RoundReportRow

    measure = check_id(measure)
    check_note(note)
    with store.write() as session:
        plan_row = select_plan(session, plan)
        current = _require_open(session, plan_row)
        owner = session.exec(
            select(OwnerRow.key)
            .join(MeasureRow, MeasureRow.owner_id == OwnerRow.id)  # type: ignore[arg-type]
            .where(MeasureRow.plan_id == plan_row.id, MeasureRow.key == measure)
        ).first()
        if owner is None:
            valid = list(
                session.exec(
                    select(MeasureRow.key)
                    .where(MeasureRow.plan_id == plan_row.id)
                    .order_by(col(MeasureRow.position))
                ).all()
            )
            raise unknown("kind.measure", measure, valid)
        check_report(actor, owner=owner, coordinators=plan_row.coordinators, measure=measure)
        assert current.id is not None
        at = now()
        row = session.get(RoundReportRow, (current.id, measure))
        if row is None:
            row = RoundReportRow(
                round_id=current.id, measure=measure, at=at, actor=actor, note=note
            )
        else:
            row.at, row.actor, row.note = at, actor, note
        session.add(row)
        _log(
            session,
            plan_row,
            actor,
            at,
            FieldChange("round.report", None, current.name, measure=measure),
            note,
        )
        return current.name


def status(store: Store, plan: str | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Per owner: measures reported, not reported, and changed since the previous round."""
    from sqlmodel import select

    from kplan.core.events import select_plan
    from kplan.core.repository import load_plan
    from kplan.core.snapshots import compare, thaw
    from kplan.store.models import RoundReportRow, SnapshotRow

    with store.read() as session:
        plan_row = select_plan(session, plan)
        current = _require_open(session, plan_row)
        loaded = load_plan(session, plan_row)
        reports = {
            row.measure: row
            for row in session.exec(
                select(RoundReportRow).where(RoundReportRow.round_id == current.id)
            ).all()
        }
        changed: set[str] | None = None
        if current.previous_snapshot:
            content = session.exec(
                select(SnapshotRow.content).where(
                    SnapshotRow.plan_id == plan_row.id,
                    SnapshotRow.name == current.previous_snapshot,
                )
            ).first()
            if content is not None:
                changed = {m["id"] for m in compare(thaw(content), loaded)["measures"]}
    owners: list[dict[str, Any]] = []
    for owner in loaded.owners:
        mine = [m.id for m in loaded.measures if m.owner == owner.id]
        if not mine:
            continue
        owners.append(
            {
                "owner": owner.id,
                "name": owner.name,
                "reported": [key for key in mine if key in reports],
                "not_reported": [key for key in mine if key not in reports],
                "changed": None if changed is None else [key for key in mine if key in changed],
            }
        )
    day = today or dt.datetime.now(dt.UTC).date()
    return {
        "round": current.name,
        "opened_at": current.opened_at.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z"),
        "opened_by": current.opened_by,
        "due": current.due.isoformat() if current.due else None,
        "days_left": (current.due - day).days if current.due else None,
        "previous": current.previous_snapshot,
        "owners": owners,
        "reported": sum(len(o["reported"]) for o in owners),
        "not_reported": sum(len(o["not_reported"]) for o in owners),
    }


def close_round(store: Store, *, actor: str, force: bool = False, plan: str | None = None) -> str:
    """Close the open round and take a snapshot named after it.

    Refuses while measures are unreported, naming them per owner, unless
    ``force``.
    """
    from sqlmodel import col, select

    from kplan.core.actor import now
    from kplan.core.events import select_plan
    from kplan.store.models import MeasureRow, OwnerRow, RoundReportRow

    with store.write() as session:
        plan_row = select_plan(session, plan)
        _check_coordinator(actor, plan_row, ROUND_CLOSE)
        current = _require_open(session, plan_row)
        clash = snapshot_named(session, plan_row, current.name)
        if clash is not None:
            # A store from before round names were kept apart from snapshot
            # names can hold both; say what to do rather than fail inside.
            raise RoundConflict(
                t(
                    "round.snapshot_in_the_way",
                    name=current.name,
                    by=clash.taken_by,
                    at=as_utc(clash.taken_at).strftime("%Y-%m-%d %H:%M"),
                )
            )
        reported = set(
            session.exec(
                select(RoundReportRow.measure).where(RoundReportRow.round_id == current.id)
            ).all()
        )
        missing: dict[str, list[str]] = {}
        for key, owner in session.exec(
            select(MeasureRow.key, OwnerRow.key)
            .join(OwnerRow, OwnerRow.id == MeasureRow.owner_id)  # type: ignore[arg-type]
            .where(MeasureRow.plan_id == plan_row.id)
            .order_by(col(MeasureRow.position))
        ).all():
            if key not in reported:
                missing.setdefault(owner, []).append(key)
        if missing and not force:
            listed = "; ".join(f"{owner}: {', '.join(keys)}" for owner, keys in missing.items())
            raise RoundConflict(
                t(
                    "round.unreported",
                    name=current.name,
                    count=sum(len(keys) for keys in missing.values()),
                    listed=listed,
                )
            )
        at = now()
        take_in(session, plan_row, current.name, actor, at)
        current.closed_at = at
        current.closed_by = actor
        session.add(current)
        _log(session, plan_row, actor, at, FieldChange("round.close", current.name, None))
        return current.name
