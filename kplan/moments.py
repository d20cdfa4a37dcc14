"""Moments as people read them: in the plan's time zone, with the zone named.

The store, the event log and JSON keep every moment in UTC. What a person
reads (the log, a measure's events, rounds, snapshots, the Markdown, HTML
and text exports) shows it in the zone of the plan at hand: the plan's own
``timezone``, else Europe/Stockholm for a Swedish plan (language ``sv`` or
none), else UTC. The zone is named after the time ("2025-02-20 09:00 CET"),
so a reader never has to guess.

The plan at hand is the one a command reads (``kplan.store.plans`` tells
:func:`read_in` when it picks a plan); before any plan is picked, moments are
shown in the zone a Swedish plan would have.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from kplan.domain import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    import zoneinfo

# An IANA zone name as the database spells them: "Europe/Stockholm",
# "America/Argentina/Buenos_Aires", "Etc/GMT+1", "UTC". Checked before the
# name reaches zoneinfo, which would read a file by that path.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,3}")
MAX_ZONE_NAME = 64

_reader_zone: str | None = None


@lru_cache(maxsize=32)
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if len(name) > MAX_ZONE_NAME or not _ZONE_NAME.fullmatch(name):
        return None
    # Imported when a moment is first shown: every command starts without it.
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # Not a zone: a folder of the database ("Europe"), a name it lacks.
        return None


def is_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows (``Europe/Stockholm``)."""
    return _zone(name) is not None


def zone_names() -> list[str]:
    """Every IANA zone name this machine knows, sorted (for suggestions; slow, call rarely)."""
    import zoneinfo

    return sorted(zoneinfo.available_timezones())


def plan_zone(language: str | None, timezone: str | None) -> str:
    """The zone a plan's moments are shown in: its own, else its language's default."""
    if timezone and is_zone(timezone):
        return timezone
    return DEFAULT_TIMEZONE if language in (None, "sv") else "UTC"


def read_in(zone: str | None) -> None:
    """Show moments in ``zone`` from now on (None: the default, Europe/Stockholm)."""
    global _reader_zone
    _reader_zone = zone if zone and is_zone(zone) else None


def reader_zone() -> str:
    """The zone moments are shown in now."""
    return _reader_zone or DEFAULT_TIMEZONE


def _aware(value: dt.datetime | str) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    # The store hands naive moments over as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def local(value: dt.datetime | str, zone: str | None = None) -> dt.datetime:
    """``value`` (aware, naive UTC, or ISO text) in ``zone`` or the reader's zone."""
    found = _zone(zone or reader_zone()) or dt.UTC
    return _aware(value).astimezone(found)


def local_text(
    value: dt.datetime | str | None, zone: str | None = None, *, seconds: bool = False
) -> str:
    """A moment as ``2025-02-20 09:00 CET`` in ``zone`` or the reader's zone; a dash for none.

    Text that is no moment is shown as it is (an old store's odd value, say).
    """
    if value is None:
        return "–"
    try:
        moment = local(value, zone)
    except ValueError:
        return str(value)
    shape = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{moment.strftime(shape)} {zone_label(moment)}"


def local_day(value: dt.datetime | str | None, zone: str | None = None) -> str:
    """A moment's day (``YYYY-MM-DD``) in ``zone`` or the reader's zone; a dash for none."""
    if value is None:
        return "–"
    try:
        return local(value, zone).date().isoformat()
    except ValueError:
        return str(value)[:10]


def zone_label(moment: dt.datetime) -> str:
    """The short name of an aware moment's zone at that moment: CET, CEST, UTC, +03."""
    name = moment.tzname() or ""
    return name if name else moment.strftime("%z")
