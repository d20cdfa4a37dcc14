"""The follow-up year: the calendar of a plan's dates and the reminders owners get.

:func:`reminders` gathers each owner's digest for ``kplan remind`` (what
:mod:`kplan.present.reminders` words and :mod:`kplan.core.mail` sends);
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
from kplan.core.publishing import public_plan
from kplan.domain import FINISHED_STATUSES, days_overdue
from kplan.errors import InvalidValueError, unknown
from kplan.i18n import t
from kplan.model import Plan
from kplan.names import check_id
from kplan.store import events as stored_events
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
    public: bool | None = None,
) -> YearCalendar:
    """The plan's dates as calendar entries, in the user's language.

    The plan period (one event from start to end, or a day for whichever
    of them is set), each measure's due date (with ``owner``, only that
    owner's measures) and each round's due date, open or closed.
    A public calendar (``public``; None takes the plan's setting) names each
    measure's owner by organisation or role, as a public export does.
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
    shown_plan = loaded
    if loaded.public if public is None else public:
        shown_plan = public_plan(loaded)
        shown = {o.id: o.name for o in shown_plan.owners}
        # Each person's id to the organisation or role that stands for them.
        names = {
            measure.owner: shown.get(copy.owner, copy.owner)
            for measure, copy in zip(loaded.measures, shown_plan.measures, strict=True)
        }
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
    return YearCalendar(shown_plan, entries, made_at)


# ``kplan remind``'s defaults: a delayed measure with no note for a month, a
# collaboration on the same step for a quarter.
DEFAULT_QUIET_DAYS = 30
DEFAULT_STUCK_DAYS = 90
MAX_DAYS = 36_500

# What a reminder can be about, in the order a digest lists them.
REMINDER_KINDS = ("unreported", "overdue", "quiet", "stuck")


@dataclass(frozen=True)
class ReminderItem:
    """One thing an owner is reminded of.

    ``kind`` is one of :data:`REMINDER_KINDS`. ``days`` is the days left
    to the round's due date (``unreported``; None without one), the days
    past the measure's due date (``overdue``) or the whole days since the
    last note (``quiet``) or the last step (``stuck``). ``since`` is that
    last note or step, None when there never was one (then ``days``
    counts from the plan's arrival in the store).
    """

    kind: str
    measure: str
    title: str
    days: int | None = None
    due: dt.date | None = None
    since: dt.datetime | None = None
    collaboration: str | None = None
    collaboration_name: str | None = None
    step: int | None = None


@dataclass(frozen=True)
class Digest:
    """One owner's reminders: who, where to send them, and what about."""

    owner: str
    name: str
    email: str | None
    items: list[ReminderItem]

    def of_kind(self, kind: str) -> list[ReminderItem]:
        """The items about ``kind`` (see :data:`REMINDER_KINDS`)."""
        return [item for item in self.items if item.kind == kind]


@dataclass(frozen=True)
class Reminders:
    """Every owner's digest of a plan on one day, and what they were drawn from.

    Owners with nothing to be reminded of have no digest. ``round`` is the
    open round's name (None when none is open), ``round_due`` its due date.
    """

    plan: Plan
    made_at: dt.datetime
    round: str | None
    round_due: dt.date | None
    quiet_days: int
    stuck_days: int
    digests: list[Digest]


def _check_days(value: int, option: str) -> int:
    if not 0 <= value <= MAX_DAYS:
        raise InvalidValueError(t("year.bad_days", option=option, value=value, high=MAX_DAYS))
    return value


def _whole_days(moment: dt.datetime, since: dt.datetime) -> int:
    return max(0, (moment - since) // dt.timedelta(days=1))


def reminders(
    store: Store,
    *,
    plan: str | None = None,
    owner: str | None = None,
    quiet_days: int = DEFAULT_QUIET_DAYS,
    stuck_days: int = DEFAULT_STUCK_DAYS,
) -> Reminders:
    """Each owner's digest: unreported measures of the open round, overdue measures,
    delayed measures with no note for more than ``quiet_days`` days, and
    collaborations (of measures not finished) that have not moved a step for
    more than ``stuck_days`` days. With ``owner``, only that owner's digest.
    """
    quiet_days = _check_days(quiet_days, "--quiet-days")
    stuck_days = _check_days(stuck_days, "--stuck-days")
    moment = now()
    today = moment.date()
    with store.reading() as rows:
        info = stored_plans.select_plan(rows, plan)
        # Steps are all a digest needs of the collaborations: no actors, no indicators.
        loaded = stored_plans.load_plan(rows, info, outline=True)
        current = stored_rounds.open_round(rows, info.row_id)
        reported = stored_rounds.reported(rows, current.row_id) if current else set()
        notes = stored_events.last_notes(rows, info.row_id)
        steps = stored_events.last_steps(rows, info.row_id)
        arrived = stored_events.first_event_at(rows, info.row_id) or moment
    if owner is not None:
        owner = check_id(owner)
        if owner not in {o.id for o in loaded.owners}:
            raise unknown("kind.owner", owner, [o.id for o in loaded.owners])
    days_left = (current.due - today).days if current and current.due else None
    quiet_limit = dt.timedelta(days=quiet_days)
    stuck_limit = dt.timedelta(days=stuck_days)
    per_owner: dict[str, list[ReminderItem]] = {}
    for measure in loaded.measures:
        items = per_owner.setdefault(measure.owner, [])
        if current is not None and measure.id not in reported:
            items.append(
                ReminderItem(
                    "unreported", measure.id, measure.title, days=days_left, due=current.due
                )
            )
        late = days_overdue(measure.due, measure.status, today)
        if late is not None:
            items.append(
                ReminderItem("overdue", measure.id, measure.title, days=late, due=measure.due)
            )
        if measure.status == "delayed":
            noted = notes.get(measure.id)
            if moment - (noted or arrived) > quiet_limit:
                items.append(
                    ReminderItem(
                        "quiet",
                        measure.id,
                        measure.title,
                        days=_whole_days(moment, noted or arrived),
                        since=noted,
                    )
                )
        if measure.status in FINISHED_STATUSES:
            continue
        for collab in measure.collaborations:
            moved = steps.get(collab.id)
            if moment - (moved or arrived) > stuck_limit:
                items.append(
                    ReminderItem(
                        "stuck",
                        measure.id,
                        measure.title,
                        days=_whole_days(moment, moved or arrived),
                        since=moved,
                        collaboration=collab.id,
                        collaboration_name=collab.name,
                        step=collab.step,
                    )
                )
    digests = []
    for person in loaded.owners:
        if owner is not None and person.id != owner:
            continue
        items = per_owner.get(person.id, [])
        if items:
            order = {kind: index for index, kind in enumerate(REMINDER_KINDS)}
            items.sort(key=lambda item: order[item.kind])
            digests.append(Digest(person.id, person.name, person.email, items))
    return Reminders(
        plan=loaded,
        made_at=moment,
        round=current.name if current else None,
        round_due=current.due if current else None,
        quiet_days=quiet_days,
        stuck_days=stuck_days,
        digests=digests,
    )
