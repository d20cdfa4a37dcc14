"""``kplan trend``: the plan across the years, one row per year of snapshots.

A follow-up round closes into a snapshot under the round's name, so the
snapshots alone hold every closed round and every snapshot taken by hand.
Each snapshot belongs to a year: the year its name names (the first
four-digit year from 1900 to 2199 in it, such as "2016" or "uppföljning
2016"), or else the year it was taken (UTC). Rounds and snapshots are
often taken in the spring for the year before, so the name, when it says,
is what a person meant. Of a year's snapshots the last one taken stands for
the year: it holds the plan as that year's follow-up left it.

Named snapshots (``--snapshot``) give one row each instead, oldest first.

The rows are built by :func:`trend_rows` from each snapshot's counts
(kplan.core.counts), with no store at hand; :func:`points` reads them. A
snapshot keeps its year's counts beside its measures' states when it is
taken, so a year costs a few numbers; a snapshot kept without them (taken
before kplan kept them, or named by hand for a row of its own that is not
its year) is thawed whole and counted.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.core.counts import figures, kept_figures, year_of
from kplan.core.snapshots import find_snapshot, thaw
from kplan.domain import FOUR_P_PARTS, STATUSES
from kplan.names import nfc
from kplan.store import plans as stored_plans
from kplan.store import snapshots as stored

if TYPE_CHECKING:
    from kplan.store.engine import Store


@dataclass(frozen=True)
class TrendPoint:
    """One snapshot standing for a row: its label, year, name, moment and counts."""

    label: str
    year: int
    snapshot: str
    taken_at: dt.datetime
    # kplan.core.counts.figures of the snapshot's plan.
    figures: dict[str, Any]


def per_year(snapshots: list[tuple[str, dt.datetime]]) -> list[tuple[int, str, dt.datetime]]:
    """Of snapshots listed oldest first, the last one of each year, by year."""
    chosen: dict[int, tuple[str, dt.datetime]] = {}
    for name, taken_at in snapshots:
        # Oldest first: a later snapshot of the same year replaces an earlier one.
        chosen[year_of(name, taken_at)] = (name, taken_at)
    return [(year, *chosen[year]) for year in sorted(chosen)]


def row_of(point: TrendPoint) -> dict[str, Any]:
    """One row of the trend: the plan as ``point``'s snapshot holds it, counted."""
    return {
        "label": point.label,
        "year": point.year,
        "snapshot": point.snapshot,
        "taken_at": point.taken_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        **point.figures,
    }


def trend_rows(plan: tuple[str, str], points: list[TrendPoint], by: str = "year") -> dict[str, Any]:
    """The trend of ``plan`` (its id and title) over ``points`` (oldest first), as JSON-ready data.

    ``by`` says what a row stands for: a year, or a snapshot named by hand.

    ``perspectives`` and ``indicators`` list every perspective and indicator
    any row has, in the order they first appear, so a table or a chart has
    one line for each even when the plan changed its perspectives.
    """
    rows = [row_of(point) for point in points]
    perspectives: dict[str, None] = {}
    indicators: dict[str, dict[str, str]] = {}
    for row in rows:
        perspectives.update(dict.fromkeys(row["perspectives"]))
        for indicator in row["indicators"]:
            indicators.setdefault(
                indicator["id"], {"id": indicator["id"], "name": indicator["name"]}
            )
    return {
        "plan": plan[0],
        "title": plan[1],
        "by": by,
        "perspectives": list(perspectives),
        "four_p_parts": list(FOUR_P_PARTS),
        "statuses": list(STATUSES),
        "indicators": list(indicators.values()),
        "rows": rows,
    }


def points(
    store: Store,
    plan: str | None = None,
    names: list[str] | None = None,
    *,
    until: str | None = None,
) -> tuple[tuple[str, str], list[TrendPoint]]:
    """The plan's id and title, and the snapshots that stand for the trend's rows.

    Without ``names``, the last snapshot of each year; with them, each named
    snapshot (in any Unicode spelling, each once), oldest first. ``until``
    names a snapshot the trend looks back from (an export of that snapshot):
    only it and the snapshots taken before it count.
    """
    with store.reading() as rows:
        info = stored_plans.select_plan(rows, plan)
        current = (info.key, info.title)
        found: list[TrendPoint] = []
        if names:
            picked = {}
            for name in names:
                snap = find_snapshot(rows, info, name)
                picked[snap.name] = snap
            order = stored.snapshot_names(rows, info.row_id)
            for name in sorted(picked, key=order.index):
                snap = picked[name]
                year = year_of(snap.name, snap.taken_at)
                # A row named by hand counts indicators up to its year only
                # when its name is that year, as a year's row does.
                counted = figures(thaw(snap.content, name), year if name == str(year) else None)
                found.append(TrendPoint(snap.name, year, snap.name, snap.taken_at, counted))
        else:
            kept = stored.snapshot_states(rows, info.row_id)
            states = {snap.name: snap.states for snap in kept}
            moments = [(snap.name, snap.taken_at) for snap in kept]
            cut = [name for name, _ in moments].index(until) + 1 if until in states else None
            for year, name, taken_at in per_year(moments[:cut]):
                kept_counts = _kept(states[name])
                if kept_counts is None:
                    whole = stored.snapshot_named(rows, info.row_id, name)
                    content = whole.content if whole is not None else ""
                    kept_counts = figures(thaw(content, name), year)
                found.append(TrendPoint(str(year), year, name, taken_at, kept_counts))
    return current, found


def _kept(states: str | None) -> dict[str, Any] | None:
    """The counts a snapshot keeps in its states (None: none, or not as kplan writes them)."""
    if states is None:
        return None
    try:
        document = json.loads(states)
    except (ValueError, RecursionError):
        return None
    return kept_figures(document.get("figures")) if type(document) is dict else None


def trend(
    store: Store,
    plan: str | None = None,
    names: list[str] | None = None,
    *,
    until: str | None = None,
) -> dict[str, Any]:
    """``kplan trend``: the plan's statuses, Fyra P, perspectives, ladder and indicators by year.

    ``until``: as for :func:`points`.
    """
    current, found = points(store, plan, [nfc(name) for name in names or []], until=until)
    return trend_rows(current, found, "snapshot" if names else "year")
