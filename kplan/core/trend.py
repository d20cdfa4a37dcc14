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

The rows are computed by :func:`trend_rows` from thawed plans, with no store
at hand; :func:`trend` reads them. Statuses and Fyra P could come from the
snapshots' kept states, but perspectives, collaborations and indicators are
only in the whole content, so the chosen snapshots (one a year) are thawed
whole.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.core.snapshots import find_snapshot, thaw
from kplan.domain import COVERAGE_LEVELS, FOUR_P_PARTS, STATUSES, period_sort_key
from kplan.model import Plan
from kplan.names import nfc
from kplan.store import plans as stored_plans
from kplan.store import snapshots as stored

if TYPE_CHECKING:
    from kplan.store.engine import Store

# A year a name names: four digits from 1900 to 2199, not part of a longer number.
_YEAR = re.compile(r"(?<![0-9])(19[0-9]{2}|2[01][0-9]{2})(?![0-9])")


@dataclass(frozen=True)
class TrendPoint:
    """One snapshot standing for a row: its label, year, name, moment and plan."""

    label: str
    year: int
    snapshot: str
    taken_at: dt.datetime
    plan: Plan


def year_of(name: str, taken_at: dt.datetime) -> int:
    """The year a snapshot stands for: the one its name names, else the year it was taken."""
    found = _YEAR.search(name)
    if found is not None:
        return int(found.group(1))
    return taken_at.astimezone(dt.UTC).year


def per_year(snapshots: list[tuple[str, dt.datetime]]) -> list[tuple[int, str, dt.datetime]]:
    """Of snapshots listed oldest first, the last one of each year, by year."""
    chosen: dict[int, tuple[str, dt.datetime]] = {}
    for name, taken_at in snapshots:
        # Oldest first: a later snapshot of the same year replaces an earlier one.
        chosen[year_of(name, taken_at)] = (name, taken_at)
    return [(year, *chosen[year]) for year in sorted(chosen)]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _four_p(plan: Plan) -> dict[str, Any]:
    count = len(plan.measures)
    parts: dict[str, Any] = {}
    done_total = 0
    for part in FOUR_P_PARTS:
        states = [measure.four_p.get(part, "not-started") for measure in plan.measures]
        done = states.count("done")
        done_total += done
        parts[part] = {
            "done": done,
            "ongoing": states.count("ongoing"),
            "not_started": states.count("not-started"),
            "share": _share(done, count),
        }
    whole = count * len(FOUR_P_PARTS)
    return {"done": done_total, "of": whole, "share": _share(done_total, whole), "parts": parts}


def _perspectives(plan: Plan) -> dict[str, Any]:
    count = len(plan.measures)
    result: dict[str, Any] = {}
    for perspective in plan.perspectives:
        levels = [measure.perspectives.get(perspective, "no") for measure in plan.measures]
        counts = {level: levels.count(level) for level in COVERAGE_LEVELS}
        result[perspective] = {
            **counts,
            "share_yes": _share(counts["yes"], count),
            "share_partly": _share(counts["partly"], count),
        }
    return result


def _ladder(plan: Plan) -> list[dict[str, Any]]:
    steps = [0] * len(plan.ladder)
    for measure in plan.measures:
        for collaboration in measure.collaborations:
            if 1 <= collaboration.step <= len(steps):
                steps[collaboration.step - 1] += 1
    return [
        {"step": number, "name": name, "collaborations": steps[number - 1]}
        for number, name in enumerate(plan.ladder, start=1)
    ]


def _period_year(period: str) -> int | None:
    found = _YEAR.match(period)
    return int(found.group(1)) if found is not None else None


def _indicators(plan: Plan, year: int | None) -> list[dict[str, Any]]:
    """Each indicator's latest value: of the periods up to ``year`` when it is given.

    A snapshot taken in the spring for the year before may already hold the
    new year's first figures; the year's row shows the year's own.
    """
    found = []
    for measure in plan.measures:
        for indicator in measure.indicators:
            periods = sorted(
                (
                    period
                    for period in indicator.values
                    if year is None or (_period_year(period) or year) <= year
                ),
                key=period_sort_key,
            )
            latest = periods[-1] if periods else None
            found.append(
                {
                    "id": indicator.id,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "measure": measure.id,
                    "period": latest,
                    "value": indicator.values[latest] if latest is not None else None,
                }
            )
    return found


def figures(plan: Plan, year: int | None = None) -> dict[str, Any]:
    """The plan's counts: statuses, Fyra P, perspectives, ladder steps and indicators.

    ``year``: each indicator's latest value of the periods up to it (None: the latest).
    """
    return {
        "measures": len(plan.measures),
        "statuses": {
            status: sum(1 for m in plan.measures if m.status == status) for status in STATUSES
        },
        "four_p": _four_p(plan),
        "perspectives": _perspectives(plan),
        "ladder": _ladder(plan),
        "indicators": _indicators(plan, year),
    }


def row_of(point: TrendPoint) -> dict[str, Any]:
    """One row of the trend: the plan as ``point``'s snapshot holds it, counted."""
    by_year = point.label == str(point.year)
    return {
        "label": point.label,
        "year": point.year,
        "snapshot": point.snapshot,
        "taken_at": point.taken_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        **figures(point.plan, point.year if by_year else None),
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
                found.append(
                    TrendPoint(snap.name, year, snap.name, snap.taken_at, thaw(snap.content, name))
                )
        else:
            moments = [
                (kept.name, kept.taken_at) for kept in stored.snapshot_states(rows, info.row_id)
            ]
            cut = [name for name, _ in moments].index(until) + 1 if until in dict(moments) else None
            moments = moments[:cut]
            for year, name, taken_at in per_year(moments):
                whole = stored.snapshot_named(rows, info.row_id, name)
                content = whole.content if whole is not None else ""
                found.append(TrendPoint(str(year), year, name, taken_at, thaw(content, name)))
    return current, found


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
