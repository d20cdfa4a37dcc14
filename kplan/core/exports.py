"""``kplan export``: what an export of the current state or of a snapshot is made from.

This module reads; :mod:`kplan.present.exports` chooses the format and writes
the text. An export needs the plan (as it is, or as a snapshot froze it), the
moment it is made, and for the reports the snapshots before it and for JSON
perhaps the event log: :func:`gather` reads just the parts asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.core import collector, snapshots
from kplan.core import trend as plan_trend
from kplan.core.actor import now
from kplan.core.queries import load, log
from kplan.model import Plan

if TYPE_CHECKING:
    from kplan.store.engine import Store


@dataclass(frozen=True)
class ExportSource:
    """Everything an export is written from.

    ``history`` holds the snapshots the export looks back on, oldest first, as
    (name, taken at, plan); ``events`` the plan's log, newest first, when it
    was asked for.
    """

    plan: Plan
    moment: dt.datetime
    snapshot: str | None = None
    taken_at: dt.datetime | None = None
    history: tuple[tuple[str, dt.datetime, Plan], ...] = ()
    events: list[dict[str, Any]] | None = None
    # ``kplan trend``'s result (a row per year) for the reports' development
    # section; None when it was not asked for.
    trend: dict[str, Any] | None = None


def gather(
    store: Store,
    *,
    plan: str | None = None,
    snapshot: str | None = None,
    history: bool = False,
    states_only: bool = False,
    events: bool = False,
    generated_at: dt.datetime | None = None,
) -> ExportSource:
    """The plan (or one of its snapshots), with its history and log if asked for.

    A snapshot's export looks back from where the snapshot stood: its history
    is the snapshots taken before it, and its log ends where it was taken.
    With ``states_only`` the history holds only the states of the measures
    (``kplan.core.snapshots.history``). With ``history`` the export also gets
    the plan's trend over the years (``kplan.core.trend``), looking back from
    the snapshot when it is one.
    """
    with collector.paused():
        return _gather(store, plan, snapshot, history, states_only, events, generated_at)


def _gather(
    store: Store,
    plan: str | None,
    snapshot: str | None,
    history: bool,
    states_only: bool,
    events: bool,
    generated_at: dt.datetime | None,
) -> ExportSource:
    moment = generated_at or now()
    taken_at: dt.datetime | None = None
    if snapshot is not None:
        state, taken_at = snapshots.load(store, snapshot, plan)
    else:
        state = load(store, plan)
    earlier: list[tuple[str, dt.datetime, Plan]] = []
    if history:
        earlier = snapshots.history(store, plan, states_only=states_only)
        if snapshot is not None:
            cut = next(i for i, (name, _, _) in enumerate(earlier) if name == snapshot)
            earlier = earlier[:cut]
    logged = log(store, plan=state.id, limit=0) if events else None
    if logged is not None and taken_at is not None:
        stamp = taken_at.isoformat().replace("+00:00", "Z")
        logged = [event for event in logged if str(event["at"]) <= stamp]
    by_year = plan_trend.trend(store, state.id, until=snapshot) if history else None
    return ExportSource(
        plan=state,
        moment=moment,
        snapshot=snapshot,
        taken_at=taken_at,
        history=tuple(earlier),
        events=logged,
        trend=by_year,
    )
