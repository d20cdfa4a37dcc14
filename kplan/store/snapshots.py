"""Snapshots in the store: a plan's frozen states, each kept as the JSON text of its plan file.

The rules (who may take or delete one, which names are free) are
``kplan.core.snapshots``'s; these functions only read and write the
``snapshot`` table, in SQL text that SQLite and PostgreSQL both answer.
Moments are written aware (the store layer writes SQLite's naive UTC text)
and read back as aware UTC, whichever driver hands them over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kplan.domain import as_utc
from kplan.store.tx import Rows

# Oldest first; two taken in the same second keep the order they were taken in.
_OLDEST_FIRST = "ORDER BY taken_at, id"


@dataclass(frozen=True)
class StoredSnapshot:
    """A snapshot as the store keeps it: name, when and by whom, and the plan as JSON text."""

    name: str
    taken_at: dt.datetime
    taken_by: str
    content: str


def _snapshot(row: Sequence[Any]) -> StoredSnapshot:
    return StoredSnapshot(name=row[0], taken_at=as_utc(row[1]), taken_by=row[2], content=row[3])


def snapshot_names(rows: Rows, plan_id: int) -> list[str]:
    """The names of the plan's snapshots, oldest first."""
    found = rows(
        f"SELECT name FROM snapshot WHERE plan_id = :plan {_OLDEST_FIRST}", {"plan": plan_id}
    )
    return [row[0] for row in found]


def latest_snapshot_name(rows: Rows, plan_id: int) -> str | None:
    """The name of the plan's newest snapshot, None when it has none."""
    found = rows(
        "SELECT name FROM snapshot WHERE plan_id = :plan ORDER BY taken_at DESC, id DESC LIMIT 1",
        {"plan": plan_id},
    )
    return found[0][0] if found else None


def snapshot_named(rows: Rows, plan_id: int, name: str) -> StoredSnapshot | None:
    """The plan's snapshot called exactly ``name``, if there is one."""
    found = rows(
        "SELECT name, taken_at, taken_by, content FROM snapshot"
        " WHERE plan_id = :plan AND name = :name",
        {"plan": plan_id, "name": name},
    )
    return _snapshot(found[0]) if found else None


def snapshots(rows: Rows, plan_id: int) -> list[StoredSnapshot]:
    """Every snapshot of the plan with its content, oldest first."""
    found = rows(
        "SELECT name, taken_at, taken_by, content FROM snapshot"
        f" WHERE plan_id = :plan {_OLDEST_FIRST}",
        {"plan": plan_id},
    )
    return [_snapshot(row) for row in found]


@dataclass(frozen=True, slots=True)
class StoredStates:
    """A snapshot's measures' states as the store keeps them (None: read ``content``)."""

    name: str
    taken_at: dt.datetime
    states: str | None


def snapshot_states(rows: Rows, plan_id: int) -> list[StoredStates]:
    """Every snapshot of the plan with its measures' states only, oldest first."""
    found = rows(
        f"SELECT name, taken_at, states FROM snapshot WHERE plan_id = :plan {_OLDEST_FIRST}",
        {"plan": plan_id},
    )
    return [StoredStates(name=row[0], taken_at=as_utc(row[1]), states=row[2]) for row in found]


def insert_snapshot(
    rows: Rows,
    plan_id: int,
    *,
    name: str,
    taken_at: dt.datetime,
    taken_by: str,
    content: str,
    states: str,
) -> None:
    """Keep a new snapshot of the plan (its name must be free: the table's key says so too)."""
    rows(
        "INSERT INTO snapshot (plan_id, name, taken_at, taken_by, content, states)"
        " VALUES (:plan, :name, :taken_at, :taken_by, :content, :states)",
        {
            "plan": plan_id,
            "name": name,
            "taken_at": taken_at.astimezone(dt.UTC),
            "taken_by": taken_by,
            "content": content,
            "states": states,
        },
    )


# What a snapshot's ``states`` keep of its content: the plan's name and each
# measure's place on the way (schema 6 fills them for older snapshots).
STATE_PLAN_KEYS = ("id", "title")
STATE_MEASURE_KEYS = ("id", "title", "owner", "status", "progress", "four_p")


def states_of(document: Any) -> dict[str, Any] | None:
    """The states part of a snapshot's content document, or None if it has no such shape.

    Only picks keys: whether the values are right is for whoever reads them.
    """
    if type(document) is not dict:
        return None
    plan, measures = document.get("plan"), document.get("measures", [])
    if type(plan) is not dict or type(measures) is not list:
        return None
    if any(type(measure) is not dict for measure in measures):
        return None
    return {
        "kplan": document.get("kplan"),
        "plan": {key: plan[key] for key in STATE_PLAN_KEYS if key in plan},
        "measures": [
            {key: measure[key] for key in STATE_MEASURE_KEYS if key in measure}
            for measure in measures
        ],
    }


def delete_snapshot(rows: Rows, plan_id: int, name: str) -> None:
    """Remove the plan's snapshot called ``name`` (none is removed if there is none)."""
    rows(
        "DELETE FROM snapshot WHERE plan_id = :plan AND name = :name",
        {"plan": plan_id, "name": name},
    )
