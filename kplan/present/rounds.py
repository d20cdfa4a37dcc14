"""Rounds as the workplace shows them: a round's row, its deadline in words, each owner's progress.

Everything here reads the dicts ``kplan.core.rounds.listing`` and ``show``
return (the shapes ``round list --json`` and ``round show --json`` print) and
words them with the command line's catalogue entries, so the TUI says what
``kplan round status`` and ``round list`` say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kplan.i18n import t
from kplan.moments import local_day, local_text
from kplan.safetext import visible


def moment(value: str | None) -> str:
    """An ISO moment from a round (UTC) in the reader's zone, the zone named; a dash for none."""
    return local_text(value)


def deadline(row: dict[str, Any]) -> str | None:
    """An open round's days left, or how many days overdue it is, as ``round status`` says it.

    None for a closed round or a round without a due date.
    """
    days = row.get("days_left")
    if days is None or row.get("due") is None:
        return None
    key = "round.days_left" if days >= 0 else "round.overdue"
    return t(key, days=abs(days), due=row["due"])


def day(value: str | None) -> str:
    """An ISO moment from a round (UTC) as its day in the reader's zone; a dash for none."""
    return local_day(value)


def round_cells(row: dict[str, Any], *, times: bool = True) -> list[str]:
    """One round of ``round list`` as its cells: name, opened, due, closed, reported of total.

    Without ``times`` the moments it opened and closed are days, for a narrow table.
    """
    when = moment if times else day
    due = row["due"] or "–"
    if row["overdue"]:
        due = t("year.due_overdue", due=due, days=-row["days_left"])
    closed = when(row["closed_at"]) if row["closed_at"] else t("year.still_open")
    reported = t("year.reported_of", reported=row["reported"], total=row["total"])
    return [visible(row["name"]), when(row["opened_at"]), due, closed, reported]


@dataclass
class OwnerProgress:
    """One owner's part of a round: the measures reported and those not (ids, plan order)."""

    owner: str
    reported: list[str] = field(default_factory=list)
    not_reported: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many of the round's measures are this owner's."""
        return len(self.reported) + len(self.not_reported)


def owner_progress(
    detail: dict[str, Any], owners: Sequence[str] = (), measures: Sequence[str] = ()
) -> list[OwnerProgress]:
    """Each owner's reported and unreported measures in a round (from ``rounds.show``).

    Owners come in the order of ``owners`` (the plan's), then any others in
    the order the round names them; each owner's measures in the order of
    ``measures`` (the plan's), then the rest. A measure whose owner the
    round does not know counts under "–".
    """
    found: dict[str, OwnerProgress] = {}
    for entry in detail["reports"]:
        owner = entry.get("owner") or "–"
        found.setdefault(owner, OwnerProgress(owner)).reported.append(entry["measure"])
    for entry in detail["not_reported"]:
        owner = entry.get("owner") or "–"
        found.setdefault(owner, OwnerProgress(owner)).not_reported.append(entry["measure"])
    place = {key: index for index, key in enumerate(measures)}
    for progress in found.values():
        progress.reported.sort(key=lambda key: place.get(key, len(place)))
        progress.not_reported.sort(key=lambda key: place.get(key, len(place)))
    rank = {owner: index for index, owner in enumerate(owners)}
    return sorted(found.values(), key=lambda p: rank.get(p.owner, len(rank)))


def unreported_of(detail: dict[str, Any], owner: str) -> tuple[int, int]:
    """(unreported, total) of ``owner``'s measures in a round (from ``rounds.show``)."""
    mine = next((p for p in owner_progress(detail) if p.owner == owner), None)
    return (0, 0) if mine is None else (len(mine.not_reported), mine.total)
