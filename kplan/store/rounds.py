"""Follow-up rounds in the store: the ``round`` and ``round_report`` tables.

The rules (one open round per plan, who reports and who closes, which names
are free) are ``kplan.core.rounds``'s; these functions only read and write,
in SQL text that SQLite and PostgreSQL both answer. Dates and moments are
written as Python values (the store layer writes SQLite's text for them)
and read back as ``dt.date`` and aware UTC, whichever driver hands them over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kplan.domain import as_utc
from kplan.store.tx import Rows


@dataclass(frozen=True)
class OpenRound:
    """The plan's open round: its row id, name, due date, who opened it and when."""

    row_id: int
    name: str
    due: dt.date | None
    opened_at: dt.datetime
    opened_by: str
    # The snapshot the round compares with: the newest when it opened.
    previous_snapshot: str | None


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def open_round(rows: Rows, plan_id: int) -> OpenRound | None:
    """The plan's open round, None when every round is closed."""
    found = rows(
        "SELECT id, name, due, opened_at, opened_by, previous_snapshot FROM round"
        " WHERE plan_id = :plan AND closed_at IS NULL ORDER BY id LIMIT 1",
        {"plan": plan_id},
    )
    if not found:
        return None
    row_id, name, due, opened_at, opened_by, previous = found[0]
    return OpenRound(row_id, name, _date(due), as_utc(opened_at), opened_by, previous)


def round_names(rows: Rows, plan_id: int) -> list[str]:
    """The names of the plan's rounds, open or closed, oldest first."""
    found = rows("SELECT name FROM round WHERE plan_id = :plan ORDER BY id", {"plan": plan_id})
    return [row[0] for row in found]


def insert_round(
    rows: Rows,
    plan_id: int,
    *,
    name: str,
    due: dt.date | None,
    opened_at: dt.datetime,
    opened_by: str,
    previous_snapshot: str | None,
) -> None:
    """Open a new round of the plan (the caller has checked that none is open)."""
    rows(
        "INSERT INTO round (plan_id, name, due, opened_at, opened_by, previous_snapshot)"
        " VALUES (:plan, :name, :due, :opened_at, :opened_by, :previous)",
        {
            "plan": plan_id,
            "name": name,
            "due": due,
            "opened_at": opened_at.astimezone(dt.UTC),
            "opened_by": opened_by,
            "previous": previous_snapshot,
        },
    )


def close_round(rows: Rows, round_id: int, *, closed_at: dt.datetime, closed_by: str) -> None:
    """Mark the round closed, by whom and when."""
    rows(
        "UPDATE round SET closed_at = :closed_at, closed_by = :closed_by WHERE id = :round",
        {"round": round_id, "closed_at": closed_at.astimezone(dt.UTC), "closed_by": closed_by},
    )


def reported(rows: Rows, round_id: int) -> set[str]:
    """The ids of the measures reported in the round."""
    found = rows("SELECT measure FROM round_report WHERE round_id = :round", {"round": round_id})
    return {row[0] for row in found}


def record_report(
    rows: Rows, round_id: int, measure: str, *, at: dt.datetime, actor: str, note: str | None
) -> None:
    """Mark ``measure`` reported in the round; a second report replaces the first."""
    params = {
        "round": round_id,
        "measure": measure,
        "at": at.astimezone(dt.UTC),
        "actor": actor,
        "note": note,
    }
    # Under the write lock, so nobody reports the measure between the two statements.
    if rows(
        "SELECT measure FROM round_report WHERE round_id = :round AND measure = :measure", params
    ):
        rows(
            "UPDATE round_report SET at = :at, actor = :actor, note = :note"
            " WHERE round_id = :round AND measure = :measure",
            params,
        )
    else:
        rows(
            "INSERT INTO round_report (round_id, measure, at, actor, note)"
            " VALUES (:round, :measure, :at, :actor, :note)",
            params,
        )


def measure_owner(rows: Rows, plan_id: int, measure: str) -> str | None:
    """The owner id of the plan's measure ``measure``, None when the plan has no such measure."""
    found = rows(
        "SELECT o.key FROM measure m JOIN owner o ON o.id = m.owner_id"
        " WHERE m.plan_id = :plan AND m.key = :measure",
        {"plan": plan_id, "measure": measure},
    )
    return found[0][0] if found else None


def measure_owners(rows: Rows, plan_id: int) -> list[tuple[str, str]]:
    """(measure id, owner id) of every measure of the plan, in plan order."""
    found = rows(
        "SELECT m.key, o.key FROM measure m JOIN owner o ON o.id = m.owner_id"
        " WHERE m.plan_id = :plan ORDER BY m.position",
        {"plan": plan_id},
    )
    return [(row[0], row[1]) for row in found]


@dataclass(frozen=True)
class StoredRound:
    """A round of the plan, open or closed, as the ``round`` table keeps it."""

    row_id: int
    name: str
    due: dt.date | None
    opened_at: dt.datetime
    opened_by: str
    closed_at: dt.datetime | None
    closed_by: str | None
    previous_snapshot: str | None


@dataclass(frozen=True)
class StoredReport:
    """One measure reported in a round: by whom, when, with what note."""

    measure: str
    at: dt.datetime
    actor: str
    note: str | None


def rounds(rows: Rows, plan_id: int) -> list[StoredRound]:
    """Every round of the plan, open or closed, oldest first."""
    found = rows(
        "SELECT id, name, due, opened_at, opened_by, closed_at, closed_by, previous_snapshot"
        " FROM round WHERE plan_id = :plan ORDER BY id",
        {"plan": plan_id},
    )
    return [
        StoredRound(
            row_id,
            name,
            _date(due),
            as_utc(opened_at),
            opened_by,
            None if closed_at is None else as_utc(closed_at),
            closed_by,
            previous,
        )
        for row_id, name, due, opened_at, opened_by, closed_at, closed_by, previous in found
    ]


def reports(rows: Rows, round_id: int) -> list[StoredReport]:
    """The round's reports, in the order they were made."""
    found = rows(
        "SELECT measure, at, actor, note FROM round_report WHERE round_id = :round"
        " ORDER BY at, measure",
        {"round": round_id},
    )
    return [StoredReport(measure, as_utc(at), actor, note) for measure, at, actor, note in found]


def reports_per_round(rows: Rows, plan_id: int) -> dict[int, set[str]]:
    """The measures reported in each of the plan's rounds, by round row id."""
    found = rows(
        "SELECT r.round_id, r.measure FROM round_report r JOIN round o ON o.id = r.round_id"
        " WHERE o.plan_id = :plan",
        {"plan": plan_id},
    )
    per_round: dict[int, set[str]] = {}
    for round_id, measure in found:
        per_round.setdefault(round_id, set()).add(measure)
    return per_round
