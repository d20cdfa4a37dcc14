"""``kplan export``: what an export of the current state or of a snapshot is made from.

This module reads; :mod:`kplan.present.exports` chooses the format and writes
the text. An export needs the plan (as it is, or as a snapshot froze it), the
moment it is made, and for the reports the snapshots before it and for JSON
perhaps the event log: :func:`gather` reads just the parts asked for.

A public export is made from what a public page may hold and nothing else:
:func:`gather` takes the people out of the plan and of every snapshot it looks
back on (:func:`kplan.core.publishing.public_plan`) and never reads the log
for one, so no format written from it can show a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.core import collector, snapshots
from kplan.core import trend as plan_trend
from kplan.core.actor import now
from kplan.core.publishing import public_plan
from kplan.core.queries import load, log
from kplan.errors import UsageError
from kplan.i18n import t
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
    # Whether the export is public: people, läget not marked public and the log left out.
    public: bool = False


def gather(
    store: Store,
    *,
    plan: str | None = None,
    snapshot: str | None = None,
    history: bool = False,
    states_only: bool = False,
    events: bool = False,
    generated_at: dt.datetime | None = None,
    public: bool | None = None,
    log_unless_public: bool = False,
) -> ExportSource:
    """The plan (or one of its snapshots), with its history and log if asked for.

    A snapshot's export looks back from where the snapshot stood: its history
    is the snapshots taken before it, and its log ends where it was taken.
    With ``states_only`` the history holds only the states of the measures
    (``kplan.core.snapshots.history``). With ``history`` the export also gets
    the plan's trend over the years (``kplan.core.trend``), looking back from
    the snapshot when it is one.

    ``public`` makes a public export (docs/export.md#what-a-public-export-holds);
    None takes the plan's own setting (``Plan.public``, as the plan is now, also
    for a snapshot). A public export has no log: asking for both is a usage
    error (exit 2). ``log_unless_public`` reads the log when the export is
    not public (a workbook's log sheet) and leaves it out when it is.
    """
    with collector.paused():
        return _gather(
            store,
            plan,
            snapshot,
            history,
            states_only,
            events,
            generated_at,
            public,
            log_unless_public,
        )


def _published(source: ExportSource) -> ExportSource:
    """``source`` with the people taken out of the plan and of every snapshot it looks back on."""
    return ExportSource(
        plan=public_plan(source.plan),
        moment=source.moment,
        snapshot=source.snapshot,
        taken_at=source.taken_at,
        history=tuple((name, at, public_plan(old)) for name, at, old in source.history),
        events=None,
        trend=source.trend,
        public=True,
    )


def _gather(
    store: Store,
    plan: str | None,
    snapshot: str | None,
    history: bool,
    states_only: bool,
    events: bool,
    generated_at: dt.datetime | None,
    public: bool | None,
    log_unless_public: bool = False,
) -> ExportSource:
    moment = generated_at or now()
    taken_at: dt.datetime | None = None
    if snapshot is not None:
        state, taken_at = snapshots.load(store, snapshot, plan)
        # A snapshot keeps the plan as it was; whether to publish is the plan's choice now.
        chosen = load(store, plan).public if public is None else public
    else:
        state = load(store, plan)
        chosen = state.public if public is None else public
    if chosen and events:
        raise UsageError(t("public.no_log"))
    events = events or (log_unless_public and not chosen)
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
    source = ExportSource(
        plan=state,
        moment=moment,
        snapshot=snapshot,
        taken_at=taken_at,
        history=tuple(earlier),
        events=logged,
        trend=by_year,
    )
    return _published(source) if chosen else source
