"""The plan's counts a year's row of ``kplan trend`` shows, and the year a snapshot stands for.

They are computed when a snapshot is taken and kept beside its measures'
states (``figures`` in the snapshot's ``states``), so the trend and the
reports' development section read a few numbers a year instead of thawing
each year's whole plan. Snapshots kept before then have none, and are
thawed and counted as they are read: both ways give the same numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from kplan.domain import COVERAGE_LEVELS, FOUR_P_PARTS, STATUSES, period_sort_key
from kplan.model import Plan

# A year a name names: four digits from 1900 to 2199, not part of a longer number.
_YEAR = re.compile(r"(?<![0-9])(19[0-9]{2}|2[01][0-9]{2})(?![0-9])")


def year_of(name: str, taken_at: dt.datetime) -> int:
    """The year a snapshot stands for: the one its name names, else the year it was taken."""
    found = _YEAR.search(name)
    if found is not None:
        return int(found.group(1))
    return taken_at.astimezone(dt.UTC).year


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


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _fraction(value: Any) -> bool:
    return value is None or (type(value) is float and 0 <= value <= 1)


def _counts_of(table: Any, keys: tuple[str, ...], shares: tuple[str, ...]) -> bool:
    return (
        type(table) is dict
        and set(table) == {*keys, *shares}
        and all(_count(table[key]) for key in keys)
        and all(_fraction(table[key]) for key in shares)
    )


def _indicator_ok(row: Any) -> bool:
    if type(row) is not dict or set(row) != {"id", "name", "unit", "measure", "period", "value"}:
        return False
    value = row["value"]
    return (
        all(type(row[key]) is str for key in ("id", "name", "unit", "measure"))
        and (row["period"] is None or type(row["period"]) is str)
        and (value is None or type(value) in (int, float))
    )


def kept_figures(data: Any) -> dict[str, Any] | None:
    """``data`` if it has the shape :func:`figures` gives, else None (then the plan is thawed).

    Snapshot rows are read back from a store another program could have
    written to; a page or a table is built only from figures shaped as kplan
    writes them.
    """
    if type(data) is not dict or set(data) != {
        "measures",
        "statuses",
        "four_p",
        "perspectives",
        "ladder",
        "indicators",
    }:
        return None
    four_p = data["four_p"]
    parts = four_p.get("parts") if type(four_p) is dict else None
    ladder, indicators = data["ladder"], data["indicators"]
    shaped = (
        _count(data["measures"])
        and _counts_of(data["statuses"], STATUSES, ())
        and _counts_of(
            {key: value for key, value in four_p.items() if key != "parts"},
            ("done", "of"),
            ("share",),
        )
        and type(parts) is dict
        and set(parts) == set(FOUR_P_PARTS)
        and all(
            _counts_of(part, ("done", "ongoing", "not_started"), ("share",))
            for part in parts.values()
        )
        and type(data["perspectives"]) is dict
        and all(
            type(name) is str and _counts_of(levels, COVERAGE_LEVELS, ("share_yes", "share_partly"))
            for name, levels in data["perspectives"].items()
        )
        and type(ladder) is list
        and all(
            type(step) is dict
            and set(step) == {"step", "name", "collaborations"}
            and _count(step["step"])
            and type(step["name"]) is str
            and _count(step["collaborations"])
            for step in ladder
        )
        and type(indicators) is list
        and all(_indicator_ok(row) for row in indicators)
    )
    return data if shaped else None
