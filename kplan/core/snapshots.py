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

from kplan.core.actor import now
from kplan.core.diff import FieldChange, as_text, diff_plans
from kplan.core.events import insert_event
from kplan.core.permissions import SNAPSHOT_DELETE, SNAPSHOT_TAKE, check_coordinator
from kplan.core.planfile import parse_plan_document
from kplan.domain import MAX_LABEL_LENGTH, closest
from kplan.errors import InvalidValueError, NotFoundError
from kplan.i18n import t
from kplan.model import Plan, plan_to_document
from kplan.names import name_problem, nfc, same_as, visible
from kplan.store import plans as stored_plans
from kplan.store import rounds as stored_rounds
from kplan.store import snapshots as stored
from kplan.store.plans import PlanInfo
from kplan.store.snapshots import StoredSnapshot

if TYPE_CHECKING:
    from kplan.store.engine import Store
    from kplan.store.tx import Rows


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


def names_taken(rows: Rows, info: PlanInfo) -> tuple[list[str], list[str]]:
    """The names of the plan's snapshots and of its rounds, open or closed."""
    return (
        stored.snapshot_names(rows, info.row_id),
        stored_rounds.round_names(rows, info.row_id),
    )


def refuse_same_name(name: str, others: list[str], kind: str) -> None:
    """Refuse ``name`` if it counts as the same as one of ``others`` (a round's or a snapshot's)."""
    other = same_as(name, others)
    if other is not None:
        raise InvalidValueError(
            t("names.taken", name=visible(name), kind=t(kind), other=visible(other))
        )


def _find(rows: Rows, info: PlanInfo, name: str) -> StoredSnapshot:
    """The plan's snapshot named ``name`` (in any Unicode spelling)."""
    wanted = nfc(name)
    found = stored.snapshot_named(rows, info.row_id, wanted)
    if found is None:
        names = stored.snapshot_names(rows, info.row_id)
        shown = visible(name)
        if not names:
            raise NotFoundError(t("snapshot.none", name=shown))
        suggestion = closest(wanted, names)
        hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
        raise NotFoundError(t("snapshot.unknown", name=shown, valid=", ".join(names), hint=hint))
    return found


def check_plan_coordinator(actor: str, info: PlanInfo, action: str) -> None:
    """Refuse ``action`` on the plan to anyone but a coordinator, where its policy says so."""
    check_coordinator(
        actor,
        policy=info.edit,
        coordinators=info.coordinators,
        plan=info.key,
        action=action,
    )


def log(
    rows: Rows,
    info: PlanInfo,
    actor: str,
    at: dt.datetime,
    change: FieldChange,
    note: str | None = None,
) -> None:
    """Append one event of its own batch (a round's or a snapshot's step) to the plan's log."""
    insert_event(
        rows,
        plan_id=info.row_id,
        actor=actor,
        batch=uuid.uuid4().hex,
        at=at,
        change=change,
        note=note,
    )


def take_in(rows: Rows, info: PlanInfo, name: str, actor: str, at: dt.datetime) -> None:
    """Take a snapshot inside an open write transaction (rounds close with one)."""
    if stored.snapshot_named(rows, info.row_id, name) is not None:
        raise InvalidValueError(t("snapshot.exists", name=name))
    refuse_same_name(name, stored.snapshot_names(rows, info.row_id), "names.kind_snapshot")
    plan = stored_plans.load_plan(rows, info)
    stored.insert_snapshot(
        rows, info.row_id, name=name, taken_at=at, taken_by=actor, content=freeze(plan)
    )
    log(rows, info, actor, at, FieldChange("snapshot.take", None, name))


def take(store: Store, name: str, *, actor: str, plan: str | None = None) -> str:
    """Take a snapshot of the plan now; returns its name."""
    name = check_name(name)
    with store.writing() as rows:
        info = stored_plans.select_plan(rows, plan)
        check_plan_coordinator(actor, info, SNAPSHOT_TAKE)
        # A round's snapshot is taken when it closes, under the round's name.
        rounds = stored_rounds.round_names(rows, info.row_id)
        if name in rounds:
            raise InvalidValueError(t("snapshot.name_is_round", name=name))
        refuse_same_name(name, rounds, "names.kind_round")
        take_in(rows, info, name, actor, now())
    return name


def listing(store: Store, plan: str | None = None) -> list[SnapshotInfo]:
    """The plan's snapshots, oldest first."""
    with store.reading() as rows:
        found = stored.snapshots(rows, stored_plans.select_plan(rows, plan).row_id)
    return [
        SnapshotInfo(s.name, s.taken_at, s.taken_by, len(json.loads(s.content).get("measures", [])))
        for s in found
    ]


def delete(store: Store, name: str, *, actor: str, plan: str | None = None) -> None:
    """Delete a snapshot (the event log keeps that it existed)."""
    with store.writing() as rows:
        info = stored_plans.select_plan(rows, plan)
        check_plan_coordinator(actor, info, SNAPSHOT_DELETE)
        found = _find(rows, info, name)
        stored.delete_snapshot(rows, info.row_id, found.name)
        log(rows, info, actor, now(), FieldChange("snapshot.delete", name, None))


def load(store: Store, name: str, plan: str | None = None) -> tuple[Plan, dt.datetime]:
    """A snapshot's plan and when it was taken."""
    with store.reading() as rows:
        found = _find(rows, stored_plans.select_plan(rows, plan), name)
    return thaw(found.content, found.name), found.taken_at


def history(store: Store, plan: str | None = None) -> list[tuple[str, dt.datetime, Plan]]:
    """Every snapshot of the plan with its content, oldest first."""
    with store.reading() as rows:
        found = stored.snapshots(rows, stored_plans.select_plan(rows, plan).row_id)
    return [(s.name, s.taken_at, thaw(s.content, s.name)) for s in found]


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
    # One transaction: both sides are read from the same state of the store.
    with store.reading() as rows:
        info = stored_plans.select_plan(rows, plan)
        older = _find(rows, info, first)
        old = thaw(older.content, older.name)
        if second is None:
            new = stored_plans.load_plan(rows, info)
        else:
            newer = _find(rows, info, second)
            new = thaw(newer.content, newer.name)
    result = compare(old, new)
    return {"from": first, "to": second, **result}
