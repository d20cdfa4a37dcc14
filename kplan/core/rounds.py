"""Follow-up rounds: a coordinator opens one, owners report, the round closes into a snapshot.

One round is open per plan at a time. Where the plan names coordinators, a
measure is reported by its owner or a coordinator; with no coordinators the
plan is open to everyone, like every other change. Under the "owners" edit
policy only a coordinator opens and closes rounds (kplan.core.permissions).
A round's name is never a snapshot's: closing takes a snapshot with it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from kplan.core.actor import check_note, now
from kplan.core.actor import today as _today
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
from kplan.errors import InvalidValueError, KplanError, NotFoundError, closest, unknown
from kplan.i18n import t
from kplan.model import Plan
from kplan.moments import local_day, local_text
from kplan.names import check_id, nfc
from kplan.safetext import visible
from kplan.store import plans as stored_plans
from kplan.store import rounds as stored
from kplan.store import snapshots as stored_snapshots
from kplan.store.plans import PlanInfo
from kplan.store.rounds import OpenRound, StoredRound

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
        closed = [r for r in stored.rounds(rows, info.row_id) if r.closed_at is not None]
        if closed:
            # Say which round closed last, so "nothing open" is not read as "nothing ever was".
            last = max(closed, key=lambda r: (r.closed_at or r.opened_at, r.row_id))
            reported, total = _tally(rows, info, last, stored.reported(rows, last.row_id))
            raise RoundConflict(
                t(
                    "year.none_open_last",
                    name=last.name,
                    closed=local_day(last.closed_at or last.opened_at),
                    reported=reported,
                    total=total,
                )
            )
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
    day = today or _today()
    days_left = (current.due - day).days if current.due else None
    return {
        "round": current.name,
        "opened_at": current.opened_at.isoformat().replace("+00:00", "Z"),
        "opened_by": current.opened_by,
        "due": current.due.isoformat() if current.due else None,
        "days_left": days_left,
        "overdue": days_left is not None and days_left < 0,
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
                    at=local_text(clash.taken_at),
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


def _measure_ids(content: str) -> list[str] | None:
    """The ids of the measures a snapshot holds; None for content kplan did not write."""
    try:
        measures = json.loads(content).get("measures")
    except (ValueError, RecursionError, AttributeError):
        return None
    if not isinstance(measures, list):
        return None
    return [str(m["id"]) for m in measures if isinstance(m, dict) and "id" in m]


def _round_measures(rows: Rows, info: PlanInfo, found: StoredRound) -> list[str]:
    """The measures a round asked reports for.

    An open round asks for the plan's measures as they are now; a closed
    one for those of the snapshot it closed into. Were that snapshot
    deleted since, the plan's current measures stand in for it.
    """
    if found.closed_at is not None:
        kept = stored_snapshots.snapshot_named(rows, info.row_id, found.name)
        ids = None if kept is None else _measure_ids(kept.content)
        if ids is not None:
            return ids
    return [key for key, _ in stored.measure_owners(rows, info.row_id)]


def _tally(rows: Rows, info: PlanInfo, found: StoredRound, reports: set[str]) -> tuple[int, int]:
    """(reported, total) of a round: its reports among the measures it asked for."""
    measures = _round_measures(rows, info, found)
    return sum(key in reports for key in measures), len(measures)


def _moment(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _round_row(found: StoredRound, reported: int, total: int, day: dt.date) -> dict[str, Any]:
    days_left = (found.due - day).days if found.due and found.closed_at is None else None
    return {
        "name": found.name,
        "open": found.closed_at is None,
        "opened_at": _moment(found.opened_at),
        "opened_by": found.opened_by,
        "due": found.due.isoformat() if found.due else None,
        "days_left": days_left,
        "overdue": days_left is not None and days_left < 0,
        "closed_at": _moment(found.closed_at),
        "closed_by": found.closed_by,
        "reported": reported,
        "total": total,
        "previous": found.previous_snapshot,
    }


def listing(
    store: Store, plan: str | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every round of the plan, oldest first, with how many of its measures were reported."""
    day = today or _today()
    with store.reading() as rows:
        info = stored_plans.select_plan(rows, plan)
        per_round = stored.reports_per_round(rows, info.row_id)
        result = []
        for found in stored.rounds(rows, info.row_id):
            reported, total = _tally(rows, info, found, per_round.get(found.row_id, set()))
            result.append(_round_row(found, reported, total, day))
    return result


def _find_round(rows: Rows, info: PlanInfo, name: str) -> StoredRound:
    """The plan's round named ``name`` (in any Unicode spelling), or an error naming the rounds."""
    every = stored.rounds(rows, info.row_id)
    wanted = nfc(name)
    for found in every:
        if found.name == wanted:
            return found
    names = [r.name for r in every]
    shown = visible(name)
    if not names:
        raise NotFoundError(t("year.no_rounds", name=shown))
    suggestion = closest(wanted, names)
    hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
    raise NotFoundError(t("year.unknown_round", name=shown, valid=", ".join(names), hint=hint))


def show(
    store: Store, name: str, plan: str | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """One round, open or closed: who reported which measure when, and what changed.

    "What changed" compares the snapshot the round looked back on when it
    opened (the previous round's, or the newest then) with the round's own
    state: for a closed round the snapshot it closed into, for an open
    round the plan as it is now. Null when either side is gone (deleted
    snapshots) or the round had nothing to look back on.
    """
    day = today or _today()
    with store.reading() as rows:
        info = stored_plans.select_plan(rows, plan)
        found = _find_round(rows, info, name)
        made = stored.reports(rows, found.row_id)
        measures = _round_measures(rows, info, found)
        state: Plan | None = None
        if found.closed_at is None:
            state = stored_plans.load_plan(rows, info)
        else:
            kept = stored_snapshots.snapshot_named(rows, info.row_id, found.name)
            state = None if kept is None else thaw(kept.content, kept.name)
        previous: Plan | None = None
        if found.previous_snapshot:
            older = stored_snapshots.snapshot_named(rows, info.row_id, found.previous_snapshot)
            previous = None if older is None else thaw(older.content, older.name)
        # The plan now stands in for a deleted snapshot: titles and owners only.
        named = state if state is not None else stored_plans.load_plan(rows, info, outline=True)
    by_id = {m.id: m for m in named.measures}
    # Reports made in one second (a script) come in plan order.
    position = {key: index for index, key in enumerate(measures)}
    made.sort(key=lambda r: (r.at, position.get(r.measure, len(position)), r.measure))
    reported_ids = {r.measure for r in made}
    row = _round_row(found, sum(key in reported_ids for key in measures), len(measures), day)
    row["reports"] = [
        {
            "measure": r.measure,
            "title": by_id[r.measure].title if r.measure in by_id else None,
            "owner": by_id[r.measure].owner if r.measure in by_id else None,
            "at": _moment(r.at),
            "by": r.actor,
            "note": r.note,
        }
        for r in made
    ]
    row["not_reported"] = [
        {
            "measure": key,
            "title": by_id[key].title if key in by_id else None,
            "owner": by_id[key].owner if key in by_id else None,
        }
        for key in measures
        if key not in reported_ids
    ]
    # Each owner's progress in the round: what a rounds screen shows per owner.
    names = {o.id: o.name for o in named.owners}
    tally: dict[str, list[int]] = {}
    for key in measures:
        owner = by_id[key].owner if key in by_id else None
        if owner is not None:
            counts = tally.setdefault(owner, [0, 0])
            counts[0] += key in reported_ids
            counts[1] += 1
    row["owners"] = [
        {"owner": owner, "name": names.get(owner), "reported": done, "total": total}
        for owner, (done, total) in tally.items()
    ]
    row["changes"] = None
    if previous is not None and state is not None:
        row["changes"] = compare(previous, state)
    return row
