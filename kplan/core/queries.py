"""Read-only questions about a store: plans, measures, events and what changed.

These are the reads; :mod:`kplan.present.summary` shapes what they return
into what ``--json`` prints (docs/json.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.errors import InvalidValueError, unknown
from kplan.i18n import t
from kplan.names import check_id
from kplan.store import plans as stored

if TYPE_CHECKING:
    from kplan.core.filters import MeasureFilter
    from kplan.model import Measure, Plan
    from kplan.store.engine import Store
    from kplan.store.plans import MeasureRows, PlanInfo


def plans(store: Store) -> list[tuple[PlanInfo, int]]:
    """Every plan in the store (its settings, without measures) with its number of measures."""
    with store.reading() as rows:
        counts = stored.measure_counts(rows)
        return [(info, counts.get(info.row_id, 0)) for info in stored.plan_infos(rows)]


def resolve_plan(store: Store, plan: str | None = None) -> str:
    """The id of the plan a command works on (see ``select_plan``), cheaply."""
    with store.reading() as rows:
        return stored.select_plan(rows, plan).key


def load(store: Store, plan: str | None = None) -> Plan:
    """The whole selected plan as a Plan."""
    with store.reading() as rows:
        return stored.load_plan(rows, stored.select_plan(rows, plan))


def load_measures(store: Store, plan: str, keys: Collection[str]) -> list[Measure]:
    """Just these measures of the plan, freshly read (missing ones are left out)."""
    with store.reading() as rows:
        return stored.load_plan(rows, stored.select_plan(rows, plan), only=keys).measures


def latest_event_id(store: Store, plan: str | None = None) -> int:
    """The id of the plan's newest event (0 when none): a cheap sign of change.

    Every change to a plan writes an event, so a larger id than last time
    means something changed, whoever changed it and however.
    """
    with store.reading() as rows:
        return stored.latest_event_id(rows, stored.select_plan(rows, plan))


@dataclass
class ChangesSince:
    """What changed after an event id.

    ``newest`` is the newest event id, ``measures`` the measures touched, and
    ``whole_plan`` says the plan itself changed (an import), which calls for a
    full reload; ``rounds`` that a round was opened, reported in or closed.
    """

    newest: int
    measures: set[str]
    whole_plan: bool
    rounds: bool = False


def changes_since(store: Store, plan: str, after: int) -> ChangesSince:
    """Which measures changed after event ``after``."""
    with store.reading() as rows:
        found = stored.events_after(rows, stored.select_plan(rows, plan), after)
    newest = max((row[0] for row in found), default=after)
    # Rounds and snapshots are logged too, but change nothing a view shows.
    relevant = [row for row in found if not row[2].startswith(("round.", "snapshot."))]
    measures = {row[1] for row in relevant if row[1]}
    # Structural changes (new or removed measures, plan settings, moves of a
    # collaboration between measures) are not confined to one measure.
    structural = {"plan", "measure", "collaboration", "indicator"}
    whole = any(
        row[1] is None or row[2] in structural or row[2].startswith("plan.") for row in relevant
    )
    rounds = any(row[2].startswith("round.") for row in found)
    return ChangesSince(newest=newest, measures=measures, whole_plan=whole, rounds=rounds)


def list_measures(
    store: Store, plan: str | None = None, wanted: MeasureFilter | None = None
) -> tuple[Plan, list[Measure]]:
    """The plan and its measures that ``wanted`` picks.

    The plan comes in outline (no indicators, no collaboration actors), which
    is all a list shows or filters on.
    """
    from kplan.core.filters import MeasureFilter, filter_measures

    with store.reading() as rows:
        loaded = stored.load_plan(rows, stored.select_plan(rows, plan), outline=True)
    return loaded, filter_measures(loaded, wanted or MeasureFilter())


def measure_rows(store: Store, plan: str | None = None) -> MeasureRows:
    """Every measure of the plan as a list shows it, in order, as rows of plain values.

    The fast way to list a whole plan: the measures come as rows of the
    columns a list shows, never as a Plan (see ``store.plans.measure_rows``).
    A filtered list goes through :func:`list_measures`, whose filters work
    on measures.
    """
    with store.reading() as rows:
        return stored.measure_rows(rows, stored.select_plan(rows, plan))


def show(
    store: Store, key: str, plan: str | None = None, events: int = 10
) -> tuple[Plan, Measure, list[dict[str, Any]]]:
    """One measure in full, its plan with just that measure loaded, and its newest events.

    Only the one measure is read, however big the plan: showing a measure
    of a ten-thousand-measure plan costs what it costs in a small one.
    ``events`` is how many of the measure's newest events come with it.
    """
    key = check_id(key)
    with store.reading() as rows:
        info = stored.select_plan(rows, plan)
        loaded = stored.load_plan(rows, info, only=[key])
        if not loaded.measures:
            raise unknown("kind.measure", key, stored.measure_keys(rows, info))
        # ``events`` 0 asks for none (``stored.events`` reads 0 as "all").
        logged = stored.events(rows, info, measure=key, limit=events) if events else []
    return loaded, loaded.measures[0], logged


_RELATIVE = re.compile(r"^([0-9]{1,6})([dwh])$")


def parse_since(text: str, today: dt.datetime | None = None) -> dt.datetime:
    """A ``--since`` value as a UTC moment: a date, a date and time, or ``7d``/``2w``/``12h``."""
    value = text.strip()
    match = _RELATIVE.match(value)
    reference = today or dt.datetime.now(dt.UTC)
    # Far-off moments (year 1, a million days back) overflow datetime
    # arithmetic; they are as unusable as a malformed date, and said so.
    try:
        if match:
            amount, unit = int(match[1]), match[2]
            hours = {"h": 1, "d": 24, "w": 24 * 7}[unit] * amount
            return reference - dt.timedelta(hours=hours)
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            # A moment without a zone is the user's local time.
            moment = moment.astimezone()
        return moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise InvalidValueError(t("log.bad_since", value=text)) from None


def log(
    store: Store,
    *,
    plan: str | None = None,
    measure: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """The plan's events, newest first; ``limit`` 0 means all."""
    if measure is not None:
        measure = check_id(measure)
    with store.reading() as rows:
        info = stored.select_plan(rows, plan)
        return stored.events(rows, info, measure=measure, since=since, limit=limit)


def log_with_names(
    store: Store,
    *,
    plan: str | None = None,
    measure: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 20,
) -> tuple[list[dict[str, Any]], PlanInfo, tuple[dict[str, Any], ...]]:
    """``log``'s events, the plan's settings and the names they are told in, read together.

    The names (collaborations, indicators with their units, owners, by id:
    see ``store.plans.plan_names``) are what the log's words need of the
    plan; reading them alone keeps ``log`` of a 10,000-measure plan from
    loading the whole plan first.
    """
    if measure is not None:
        measure = check_id(measure)
    with store.reading() as rows:
        info = stored.select_plan(rows, plan)
        found = stored.events(rows, info, measure=measure, since=since, limit=limit)
        return found, info, stored.plan_names(rows, info)
