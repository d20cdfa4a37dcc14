"""The follow-up year: the calendar of a plan's dates and the reminders owners get.

:func:`calendar_entries` lists what ``kplan calendar`` puts in an iCalendar
file (the plan period, every measure's due date, every round's deadline);
:mod:`kplan.present.calendar` writes them. Each entry's UID is derived from
the plan's id, the kind of entry and its key, never drawn at random, so a
calendar that imports a newer file updates its events instead of adding
them again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kplan.core.actor import now
from kplan.domain import days_overdue
from kplan.errors import unknown
from kplan.i18n import t
from kplan.model import Plan
from kplan.names import check_id
from kplan.store import plans as stored_plans
from kplan.store import rounds as stored_rounds

if TYPE_CHECKING:
    from kplan.store.engine import Store

# The namespace of kplan's calendar UIDs (uuid5 of a fixed name), so that the
# same plan, kind and key give the same UID on every machine.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://kplan.invalid/calendar")


def calendar_uid(plan: str, kind: str, key: str) -> str:
    """The UID of a calendar entry: a name-based UUID of the plan id, the kind and the key.

    The parts are joined with NUL, which no id or name holds, so two
    different triples never give the same UID.
    """
    return f"{uuid.uuid5(UID_NAMESPACE, chr(0).join((plan, kind, key)))}@kplan"


@dataclass(frozen=True)
class CalendarEntry:
    """One all-day event of the year's calendar: ``first`` to ``last``, both included."""

    uid: str
    kind: str
    first: dt.date
    last: dt.date
    summary: str
    description: str


@dataclass(frozen=True)
class YearCalendar:
    """What a calendar file is written from: the plan, its entries and the moment it was made."""

    plan: Plan
    entries: list[CalendarEntry]
    made_at: dt.datetime


def calendar_entries(
    store: Store,
    *,
    plan: str | None = None,
    owner: str | None = None,
) -> YearCalendar:
    """The plan's dates as calendar entries, in the user's language.

    The plan period (one event from start to end, or a day for whichever
    of them is set), each measure's due date (with ``owner``, only that
    owner's measures) and each round's due date, open or closed.
    """
    made_at = now()
    today = made_at.date()
    with store.reading() as rows:
        info = stored_plans.select_plan(rows, plan)
        loaded = stored_plans.load_plan(rows, info, outline=True)
        rounds = stored_rounds.rounds(rows, info.row_id)
    if owner is not None:
        owner = check_id(owner)
        if owner not in {o.id for o in loaded.owners}:
            raise unknown("kind.owner", owner, [o.id for o in loaded.owners])
    entries: list[CalendarEntry] = []
    if loaded.start or loaded.end:
        first = loaded.start or loaded.end
        last = loaded.end or loaded.start
        assert first is not None and last is not None
        entries.append(
            CalendarEntry(
                uid=calendar_uid(loaded.id, "plan", "period"),
                kind="plan",
                first=first,
                last=max(first, last),
                summary=t("year.cal_plan", title=loaded.title),
                description=t(
                    "year.cal_plan_text",
                    title=loaded.title,
                    start=loaded.start or "…",
                    end=loaded.end or "…",
                ),
            )
        )
    names = {o.id: o.name for o in loaded.owners}
    for measure in loaded.measures:
        if measure.due is None or (owner is not None and measure.owner != owner):
            continue
        late = days_overdue(measure.due, measure.status, today)
        lines = [
            t("year.cal_measure_owner", owner=names.get(measure.owner, measure.owner)),
            t("year.cal_measure_status", status=t(f"status.{measure.status}")),
        ]
        if late is not None:
            lines.append(t("year.overdue_days", days=late))
        entries.append(
            CalendarEntry(
                uid=calendar_uid(loaded.id, "measure-due", measure.id),
                kind="measure",
                first=measure.due,
                last=measure.due,
                summary=t("year.cal_measure", id=measure.id, title=measure.title),
                description="\n".join(lines),
            )
        )
    for found in rounds:
        if found.due is None:
            continue
        entries.append(
            CalendarEntry(
                uid=calendar_uid(loaded.id, "round-due", found.name),
                kind="round",
                first=found.due,
                last=found.due,
                summary=t("year.cal_round", name=found.name),
                description=t("year.cal_round_text", name=found.name, plan=loaded.title),
            )
        )
    return YearCalendar(loaded, entries, made_at)
