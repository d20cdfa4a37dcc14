"""Who is acting, the clock, and the checks on what a person may write into the log."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from typing import TYPE_CHECKING

from kplan.domain import (
    MAX_ID_LENGTH,
    MAX_TEXT_LENGTH,
    text_problem,
)
from kplan.errors import InvalidValueError, PermissionRefused
from kplan.i18n import t
from kplan.names import check_id
from kplan.store.engine import server_identity

if TYPE_CHECKING:
    pass


# Who the last call of current_actor found, until taken: the command line
# warns once per command when that is not a person of the plan.
_resolved: list[str] = []


def current_actor(
    explicit: str | None = None, location: str | None = None, *, acting: bool = True
) -> str:
    """Who is acting (see ``_resolve``); remembered for ``take_resolved``."""
    found = _resolve(explicit, location, acting=acting)
    _resolved[:] = [found]
    return found


def take_resolved() -> str | None:
    """Who ``current_actor`` last found since the last call of this, if anyone."""
    found = _resolved[-1] if _resolved else None
    _resolved.clear()
    return found


def _resolve(explicit: str | None, location: str | None, *, acting: bool) -> str:
    """Who is acting: ``--as``, else ``KPLAN_USER``, else the login name.

    On a server store (``location``, else ``KPLAN_DB``) the database role
    decides: each person connects with a role of their own, and the actor is
    that role's person. ``--as`` or ``KPLAN_USER`` naming someone else is
    refused (exit 4) unless the role may act for others (the store's owner,
    a member of its delegation role); with ``acting=False`` (choosing whose
    measures to list) the name is only read, and any name goes.
    """
    named, given = None, ""
    for candidate, form in ((explicit, "--as {}"), (os.environ.get("KPLAN_USER"), "KPLAN_USER={}")):
        if candidate and candidate.strip():
            named, given = checked_actor(candidate.strip()), form.format(candidate.strip())
            break

    found = server_identity(location)
    if found is None:
        if named:
            return named
        try:
            # getpass reads LOGNAME and USER first: they are checked like KPLAN_USER.
            return checked_actor(getpass.getuser())
        except (KeyError, OSError):
            return "unknown"
    if named is None or named == found.person or found.may_delegate or not acting:
        # A role's name can hold anything a quoted identifier can.
        return named or checked_actor(found.person)

    raise PermissionRefused(
        t(
            "identity.not_yours",
            role=found.role,
            person=found.person,
            given=given,
            delegate=found.delegate_role or "-",
        )
    )


def checked_actor(name: str) -> str:
    """``name`` as who is acting, or an error saying why it cannot be logged.

    It is written into every event and compared with owner ids, so it is
    held to an id's length and may not carry control or format characters
    (a newline or an escape would forge log lines on a terminal).
    """
    import unicodedata

    problem = text_problem(name, MAX_ID_LENGTH)
    if problem is None and any(
        unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp") for character in name
    ):
        problem = t("actor.control")
    if problem is not None:
        shown = name[:MAX_ID_LENGTH].encode("unicode_escape").decode("ascii")
        raise InvalidValueError(t("actor.bad", value=shown, problem=problem))
    # Who acts is compared with owner ids, so it follows the id rule too.
    return check_id(name)


def check_note(note: str | None) -> None:
    """Refuse a note the event log cannot hold (too long, NUL, half a character)."""
    if note is not None and len(note) > MAX_TEXT_LENGTH:
        raise InvalidValueError(t("names.note_too_long", length=len(note), limit=MAX_TEXT_LENGTH))
    if note is not None:
        problem = text_problem(note)
        if problem is not None:
            raise InvalidValueError(t("change.bad_note", problem=problem))


# KPLAN_NOW may name any second in this range (UTC): far enough from the ends
# of Python's calendar (years 1 and 9999) that a zone offset, a due date or a
# "--since 2w" worked out from it stays a valid date.
NOW_EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
NOW_LATEST = dt.datetime(9999, 12, 30, 23, 59, 59, tzinfo=dt.UTC)


def now() -> dt.datetime:
    """The current time in UTC, to the second, as the event log stores it.

    ``KPLAN_NOW`` (an ISO date and time) fixes the clock, so demonstrations
    and screenshots come out the same every time.
    """
    fixed = os.environ.get("KPLAN_NOW")
    if fixed:
        shown = fixed[:40].encode("utf-8", "replace").decode("utf-8")
        try:
            moment = dt.datetime.fromisoformat(fixed.strip().replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
            moment = moment.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            moment = None
        if moment is None or not NOW_EARLIEST <= moment <= NOW_LATEST:
            earliest, latest = (
                m.strftime("%Y-%m-%dT%H:%M:%SZ") for m in (NOW_EARLIEST, NOW_LATEST)
            )
            raise InvalidValueError(
                t("clock.bad_now", value=shown, earliest=earliest, latest=latest)
            )
        return moment.replace(microsecond=0)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def today() -> dt.date:
    """Today's date in UTC by :func:`now`: the day due dates and rounds are counted from."""
    return now().date()
