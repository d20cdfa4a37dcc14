"""Snapshots: named, frozen copies of a plan's whole state, and comparing them.

A snapshot keeps the plan file of the moment as JSON text, so it reads back
exactly as it was whatever happens to the plan later (a re-import, a renamed
owner, a deleted measure).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.core.diff import FieldChange, as_text, diff_plans
from kplan.domain import MAX_LABEL_LENGTH, as_utc
from kplan.errors import InvalidValueError, NotFoundError, closest
from kplan.i18n import t
from kplan.model import Plan, plan_to_document
from kplan.names import name_problem, nfc, same_as, visible

if TYPE_CHECKING:
    from sqlmodel import Session

    from kplan.store.engine import Store
    from kplan.store.models import PlanRow, SnapshotRow


@dataclass(frozen=True)
class SnapshotInfo:
    """A snapshot's name, when and by whom it was taken, and its size."""

    name: str
    taken_at: dt.datetime
    taken_by: str
    measures: int


def freeze(plan: Plan) -> str:
    """The plan as the JSON text a snapshot keeps."""

    def default(value: Any) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(plan_to_document(plan), ensure_ascii=False, default=default, sort_keys=False)


def thaw(content: str, name: str = "snapshot") -> Plan:
    """The Plan a snapshot's JSON text holds."""
    from kplan.core.planfile import parse_plan_document

    return parse_plan_document(json.loads(content), f"snapshot '{name}'")


def check_name(name: str) -> str:
    """A snapshot or round name: trimmed, in NFC, 1 to 100 printable characters."""
    cleaned = nfc(name.strip())
    if not cleaned or len(cleaned) > MAX_LABEL_LENGTH:
        raise InvalidValueError(t("snapshot.bad_name", name=visible(name)))
    problem = name_problem(cleaned, MAX_LABEL_LENGTH)
    if problem is not None:
        raise InvalidValueError(problem)
    return cleaned


def names_taken(session: Session, plan_row: PlanRow) -> tuple[list[str], list[str]]:
    """The names of the plan's snapshots and of its rounds, open or closed."""
    from sqlmodel import select

    from kplan.store.models import RoundRow, SnapshotRow

    snapshots = session.exec(select(SnapshotRow.name).where(SnapshotRow.plan_id == plan_row.id))
    rounds = session.exec(select(RoundRow.name).where(RoundRow.plan_id == plan_row.id))
    return list(snapshots.all()), list(rounds.all())


def refuse_same_name(name: str, others: list[str], kind: str) -> None:
    """Refuse ``name`` if it counts as the same as one of ``others`` (a round's or a snapshot's)."""
    other = same_as(name, others)
    if other is not None:
        raise InvalidValueError(
            t("names.taken", name=visible(name), kind=t(kind), other=visible(other))
        )


def _find(session: Session, plan_row: PlanRow, name: str) -> SnapshotRow:
    """The plan's snapshot named ``name`` (in any Unicode spelling)."""
    from sqlmodel import col, select

    from kplan.store.models import SnapshotRow

    wanted = nfc(name)
    row = session.exec(
        select(SnapshotRow).where(SnapshotRow.plan_id == plan_row.id, SnapshotRow.name == wanted)
    ).first()
    if row is None:
        names = list(
            session.exec(
                select(SnapshotRow.name)
                .where(SnapshotRow.plan_id == plan_row.id)
                .order_by(col(SnapshotRow.taken_at), col(SnapshotRow.id))
            ).all()
        )
        shown = visible(name)
        if not names:
            raise NotFoundError(t("snapshot.none", name=shown))
        suggestion = closest(wanted, names)
        hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
        raise NotFoundError(t("snapshot.unknown", name=shown, valid=", ".join(names), hint=hint))
    return row


def snapshot_named(session: Session, plan_row: PlanRow, name: str) -> SnapshotRow | None:
    """The plan's snapshot called ``name``, if there is one."""
    from sqlmodel import select

    from kplan.store.models import SnapshotRow

    return session.exec(
        select(SnapshotRow).where(SnapshotRow.plan_id == plan_row.id, SnapshotRow.name == name)
    ).first()


def _check_coordinator(actor: str, plan_row: PlanRow, action: str) -> None:
    from kplan.core.permissions import check_coordinator

    check_coordinator(
        actor,
        policy=plan_row.edit,
        coordinators=plan_row.coordinators,
        plan=plan_row.key,
        action=action,
    )


def take_in(session: Session, plan_row: PlanRow, name: str, actor: str, at: dt.datetime) -> None:
    """Take a snapshot inside an open write session (rounds close with one)."""
    from kplan.core.events import log_event
    from kplan.core.repository import load_plan
    from kplan.store.models import SnapshotRow

    assert plan_row.id is not None
    if snapshot_named(session, plan_row, name) is not None:
        raise InvalidValueError(t("snapshot.exists", name=name))
    refuse_same_name(name, names_taken(session, plan_row)[0], "names.kind_snapshot")
    plan = load_plan(session, plan_row)
    session.add(
        SnapshotRow(
            plan_id=plan_row.id, name=name, taken_at=at, taken_by=actor, content=freeze(plan)
        )
    )
    log_event(
        session,
        plan_id=plan_row.id,
        actor=actor,
        batch=uuid.uuid4().hex,
        at=at,
        change=FieldChange("snapshot.take", None, name),
    )


def take(store: Store, name: str, *, actor: str, plan: str | None = None) -> str:
    """Take a snapshot of the plan now; returns its name."""
    from sqlmodel import select

    from kplan.core.actor import now
    from kplan.core.events import select_plan
    from kplan.core.permissions import SNAPSHOT_TAKE
    from kplan.store.models import RoundRow

    name = check_name(name)
    with store.write() as session:
        plan_row = select_plan(session, plan)
        _check_coordinator(actor, plan_row, SNAPSHOT_TAKE)
        # A round's snapshot is taken when it closes, under the round's name.
        round_named = session.exec(
            select(RoundRow.id).where(RoundRow.plan_id == plan_row.id, RoundRow.name == name)
        ).first()
        if round_named is not None:
            raise InvalidValueError(t("snapshot.name_is_round", name=name))
        refuse_same_name(name, names_taken(session, plan_row)[1], "names.kind_round")
        take_in(session, plan_row, name, actor, now())
    return name


def listing(store: Store, plan: str | None = None) -> list[SnapshotInfo]:
    """The plan's snapshots, oldest first."""
    from sqlmodel import col, select

    from kplan.core.events import select_plan
    from kplan.store.models import SnapshotRow

    with store.read() as session:
        plan_row = select_plan(session, plan)
        rows = session.exec(
            select(SnapshotRow)
            .where(SnapshotRow.plan_id == plan_row.id)
            .order_by(col(SnapshotRow.taken_at), col(SnapshotRow.id))
        ).all()
        return [
            SnapshotInfo(
                row.name,
                as_utc(row.taken_at),
                row.taken_by,
                len(json.loads(row.content).get("measures", [])),
            )
            for row in rows
        ]


def delete(store: Store, name: str, *, actor: str, plan: str | None = None) -> None:
    """Delete a snapshot (the event log keeps that it existed)."""
    from kplan.core.actor import now
    from kplan.core.events import log_event, select_plan
    from kplan.core.permissions import SNAPSHOT_DELETE

    with store.write() as session:
        plan_row = select_plan(session, plan)
        assert plan_row.id is not None
        _check_coordinator(actor, plan_row, SNAPSHOT_DELETE)
        row = _find(session, plan_row, name)
        session.delete(row)
        log_event(
            session,
            plan_id=plan_row.id,
            actor=actor,
            batch=uuid.uuid4().hex,
            at=now(),
            change=FieldChange("snapshot.delete", name, None),
        )


def load(store: Store, name: str, plan: str | None = None) -> tuple[Plan, dt.datetime]:
    """A snapshot's plan and when it was taken."""
    from kplan.core.events import select_plan

    with store.read() as session:
        row = _find(session, select_plan(session, plan), name)
        return thaw(row.content, row.name), as_utc(row.taken_at)


def history(store: Store, plan: str | None = None) -> list[tuple[str, dt.datetime, Plan]]:
    """Every snapshot of the plan with its content, oldest first."""
    from sqlmodel import col, select

    from kplan.core.events import select_plan
    from kplan.store.models import SnapshotRow

    with store.read() as session:
        plan_row = select_plan(session, plan)
        rows = session.exec(
            select(SnapshotRow)
            .where(SnapshotRow.plan_id == plan_row.id)
            .order_by(col(SnapshotRow.taken_at), col(SnapshotRow.id))
        ).all()
        return [(row.name, as_utc(row.taken_at), thaw(row.content, row.name)) for row in rows]


SUMMARY_KINDS = (
    "status",
    "progress",
    "step",
    "four_p",
    "perspectives",
    "values",
    "added",
    "removed",
    "other",
)


def _kind(change: FieldChange) -> str:
    if change.field in ("measure", "collaboration", "indicator"):
        return "added" if change.old is None else "removed" if change.new is None else "other"
    for prefix in ("four_p.", "perspectives.", "values."):
        if change.field.startswith(prefix):
            return prefix.rstrip(".")
    return change.field if change.field in ("status", "progress", "step") else "other"


def compare(old: Plan, new: Plan) -> dict[str, Any]:
    """What changed from ``old`` to ``new``, per measure, then summary counts."""
    titles = {m.id: m.title for m in new.measures} | {
        m.id: m.title for m in old.measures if m.id not in {n.id for n in new.measures}
    }
    changes = diff_plans(old, new)
    order = [m.id for m in new.measures] + [m.id for m in old.measures]
    per_measure: dict[str, list[dict[str, Any]]] = {}
    plan_changes: list[dict[str, Any]] = []
    summary = dict.fromkeys(SUMMARY_KINDS, 0)
    for change in changes:
        entry = {
            "field": change.field,
            "collaboration": change.collaboration,
            "indicator": change.indicator,
            "old": as_text(change.old),
            "new": as_text(change.new),
        }
        summary[_kind(change)] += 1
        if change.measure is None:
            plan_changes.append(entry)
        else:
            per_measure.setdefault(change.measure, []).append(entry)
    measures = [
        {"id": key, "title": titles.get(key, ""), "changes": per_measure[key]}
        for key in dict.fromkeys(order)
        if key in per_measure
    ]
    summary["measures_changed"] = len(measures)
    return {"measures": measures, "plan": plan_changes, "summary": summary}


def diff(
    store: Store, first: str, second: str | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Compare snapshot ``first`` with snapshot ``second`` or, without it, the current state."""
    from kplan.core.queries import load as load_current

    old, _ = load(store, first, plan)
    if second is None:
        new = load_current(store, plan)
    else:
        new, _ = load(store, second, plan)
    result = compare(old, new)
    return {"from": first, "to": second, **result}
