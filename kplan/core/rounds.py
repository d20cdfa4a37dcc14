"""Follow-up rounds: a coordinator opens one, owners report, the round closes into a snapshot.

One round is open per plan at a time. Where the plan names coordinators, a
measure is reported by its owner or a coordinator; with no coordinators the
plan is open to everyone, like every other change. Under the "owners" edit
policy only a coordinator opens and closes rounds (kplan.core.permissions).
A round's name is never a snapshot's: closing takes a snapshot with it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from kplan.core.actor import check_note, now
from kplan.core.diff import FieldChange
from kplan.core.permissions import ROUND_CLOSE, ROUND_OPEN, check_coordinator, check_report
from kplan.core.snapshots import (
    check_name,
    compare,
    log,
    names_taken,
    refuse_same_name,
    take_in,
    thaw,
)
from kplan.errors import InvalidValueError, KplanError, unknown
from kplan.i18n import t
from kplan.names import check_id
from kplan.store import plans as stored_plans
from kplan.store import rounds as stored
from kplan.store import snapshots as stored_snapshots
from kplan.store.plans import PlanInfo
from kplan.store.rounds import OpenRound

if TYPE_CHECKING:
    from kplan.store.engine import Store
    from kplan.store.tx import Rows


class RoundConflict(KplanError):
    """The round cannot do that now (one is already open, none is, measures unreported)."""


def _check_coordinator(actor: str, info: PlanInfo, action: str) -> None:
    check_coordinator(
        actor, policy=info.edit, coordinators=info.coordinators, plan=info.key, action=action
    )


def _require_open(rows: Rows, info: PlanInfo) -> OpenRound:
    found = stored.open_round(rows, info.row_id)
    if found is None:
        raise RoundConflict(t("round.none_open"))
    return found


def open_round(
    store: Store, name: str, *, actor: str, due: dt.date | None = None, plan: str | None = None
) -> str:
    """Open a follow-up round; refuses while another is open or the name is taken."""
    name = check_name(name)
    with store.writing() as rows:
        info = stored_plans.select_plan(rows, plan)
        _check_coordinator(actor, info, ROUND_OPEN)
        current = stored.open_round(rows, info.row_id)
        if current is not None:
            raise RoundConflict(t("round.already_open", name=current.name))
        snapshot_names, round_names = names_taken(rows, info)
        if name in round_names:
            raise InvalidValueError(t("round.exists", name=name))
        # Closing the round takes a snapshot with its name, which must be free then.
        if name in snapshot_names:
            raise InvalidValueError(t("round.name_is_snapshot", name=name))
        # Nor may it be another round's or a snapshot's in another case or spelling.
        refuse_same_name(name, round_names, "names.kind_round")
        refuse_same_name(name, snapshot_names, "names.kind_snapshot")
        at = now()
        stored.insert_round(
            rows,
            info.row_id,
            name=name,
            due=due,
            opened_at=at,
            opened_by=actor,
            previous_snapshot=stored_snapshots.latest_snapshot_name(rows, info.row_id),
        )
        log(rows, info, actor, at, FieldChange("round.open", None, name))
    return name


def report(
    store: Store, measure: str, *, actor: str, note: str | None = None, plan: str | None = None
) -> str:
    """Mark a measure reported in the open round; returns the round's name."""
    measure = check_id(measure)
    check_note(note)
    with store.writing() as rows:
        info = stored_plans.select_plan(rows, plan)
        current = _require_open(rows, info)
        owner = stored.measure_owner(rows, info.row_id, measure)
        if owner is None:
            raise unknown("kind.measure", measure, stored_plans.measure_keys(rows, info))
        check_report(actor, owner=owner, coordinators=info.coordinators, measure=measure)
        at = now()
        stored.record_report(rows, current.row_id, measure, at=at, actor=actor, note=note)
        change = FieldChange("round.report", None, current.name, measure=measure)
        log(rows, info, actor, at, change, note)
        return current.name


def status(store: Store, plan: str | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Per owner: measures reported, not reported, and changed since the previous round."""
    with store.reading() as rows:
        info = stored_plans.select_plan(rows, plan)
        current = _require_open(rows, info)
        loaded = stored_plans.load_plan(rows, info)
        reports = stored.reported(rows, current.row_id)
        previous = None
        if current.previous_snapshot:
            previous = stored_snapshots.snapshot_named(rows, info.row_id, current.previous_snapshot)
    # A snapshot deleted since the round opened leaves nothing to compare with.
    changed: set[str] | None = None
    if previous is not None:
        changed = {
            m["id"] for m in compare(thaw(previous.content, previous.name), loaded)["measures"]
        }
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
        "opened_at": current.opened_at.isoformat().replace("+00:00", "Z"),
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
    with store.writing() as rows:
        info = stored_plans.select_plan(rows, plan)
        _check_coordinator(actor, info, ROUND_CLOSE)
        current = _require_open(rows, info)
        clash = stored_snapshots.snapshot_named(rows, info.row_id, current.name)
        if clash is not None:
            # A store from before round names were kept apart from snapshot
            # names can hold both; say what to do rather than fail inside.
            raise RoundConflict(
                t(
                    "round.snapshot_in_the_way",
                    name=current.name,
                    by=clash.taken_by,
                    at=clash.taken_at.strftime("%Y-%m-%d %H:%M"),
                )
            )
        reported = stored.reported(rows, current.row_id)
        missing: dict[str, list[str]] = {}
        for key, owner in stored.measure_owners(rows, info.row_id):
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
        take_in(rows, info, current.name, actor, at)
        stored.close_round(rows, current.row_id, closed_at=at, closed_by=actor)
        log(rows, info, actor, at, FieldChange("round.close", current.name, None))
        return current.name
