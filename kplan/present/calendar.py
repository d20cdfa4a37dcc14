"""``kplan calendar``: the year's dates as an iCalendar file (RFC 5545).

The ``icalendar`` package is imported here, inside :func:`to_ics`, so that
no other command pays for it. Every text from the plan goes in with its
control and invisible characters spelled out (kplan.safetext), and
icalendar escapes what the format itself gives a meaning to (commas,
semicolons, backslashes, newlines).
"""

from __future__ import annotations

import datetime as dt

from kplan.core.year import YearCalendar
from kplan.safetext import visible

PRODID = "-//kplan//kplan calendar//EN"


def _text(value: str) -> str:
    # Lines stay lines (a description has several); everything else hidden is spelled out.
    return "\n".join(visible(line, limit=None) for line in value.split("\n"))


def to_ics(calendar: YearCalendar) -> str:
    """The calendar as the text of an .ics file, lines ending in CRLF."""
    import icalendar

    stamp = calendar.made_at.astimezone(dt.UTC)
    document = icalendar.Calendar()
    document.add("prodid", PRODID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    document.add("x-wr-calname", _text(calendar.plan.title))
    for entry in calendar.entries:
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.first)
        # An all-day event ends on the day after its last (DTEND is exclusive).
        event.add("dtend", entry.last + dt.timedelta(days=1))
        event.add("summary", _text(entry.summary))
        event.add("description", _text(entry.description))
        event.add("categories", [entry.kind])
        event.add("transp", "TRANSPARENT")
        document.add_component(event)
    written: bytes = document.to_ical()
    return written.decode("utf-8")
