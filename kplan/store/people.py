"""The plan's people and organisations in the store (``kplan person``, ``kplan org``).

Each function works inside the caller's transaction (a ``Rows``); the
checks (ids, names, permission) are kplan.core.people's.
"""

from __future__ import annotations

from typing import Any

from kplan.store.events import LOGGED_COLUMNS, LoggedEvent
from kplan.store.tx import Rows

# The columns a person's and an organisation's fields are kept in.
OWNER_COLUMNS = {"name": "name", "organisation": "organisation_id", "email": "email"}
ORGANISATION_COLUMNS = {"name": "name", "kind": "kind"}


def _organisation_id(rows: Rows, plan_id: int, key: str | None) -> int | None:
    if key is None:
        return None
    found = rows(
        "SELECT id FROM organisation WHERE plan_id = :plan AND key = :key",
        {"plan": plan_id, "key": key},
    )
    if not found:
        raise LookupError(key)
    return int(found[0][0])


def _next_position(rows: Rows, table: str, plan_id: int) -> int:
    if table not in ("owner", "organisation"):
        raise ValueError(table)
    found = rows(f"SELECT max(position) FROM {table} WHERE plan_id = :plan", {"plan": plan_id})
    top = found[0][0] if found else None
    return 0 if top is None else int(top) + 1


def add_owner(
    rows: Rows,
    plan_id: int,
    key: str,
    *,
    name: str,
    organisation: str | None,
    email: str | None,
) -> None:
    """Add a person (an ``[[owners]]`` entry) after the plan's others."""
    rows(
        "INSERT INTO owner (plan_id, key, name, organisation_id, email, position)"
        " VALUES (:plan, :key, :name, :organisation, :email, :position)",
        {
            "plan": plan_id,
            "key": key,
            "name": name,
            "organisation": _organisation_id(rows, plan_id, organisation),
            "email": email,
            "position": _next_position(rows, "owner", plan_id),
        },
    )


def set_owner(rows: Rows, plan_id: int, key: str, field: str, value: str | None) -> None:
    """Set one field (``name``, ``organisation`` or ``email``) of a person."""
    column = OWNER_COLUMNS[field]
    stored: Any = _organisation_id(rows, plan_id, value) if field == "organisation" else value
    rows(
        f"UPDATE owner SET {column} = :value WHERE plan_id = :plan AND key = :key",
        {"value": stored, "plan": plan_id, "key": key},
    )


def remove_owner(rows: Rows, plan_id: int, key: str) -> None:
    """Delete a person (only ever one ``kplan undo`` takes back, unused since)."""
    rows("DELETE FROM owner WHERE plan_id = :plan AND key = :key", {"plan": plan_id, "key": key})


def owner_measures(rows: Rows, plan_id: int, key: str) -> list[str]:
    """The ids of the measures this person owns."""
    found = rows(
        "SELECT m.key FROM measure m JOIN owner o ON o.id = m.owner_id"
        " WHERE o.plan_id = :plan AND o.key = :key ORDER BY m.position",
        {"plan": plan_id, "key": key},
    )
    return [str(row[0]) for row in found]


def add_organisation(rows: Rows, plan_id: int, key: str, *, name: str, kind: str) -> None:
    """Add an organisation after the plan's others."""
    rows(
        "INSERT INTO organisation (plan_id, key, name, kind, position)"
        " VALUES (:plan, :key, :name, :kind, :position)",
        {
            "plan": plan_id,
            "key": key,
            "name": name,
            "kind": kind,
            "position": _next_position(rows, "organisation", plan_id),
        },
    )


def set_organisation(rows: Rows, plan_id: int, key: str, field: str, value: str | None) -> None:
    """Set one field (``name`` or ``kind``) of an organisation."""
    column = ORGANISATION_COLUMNS[field]
    rows(
        f"UPDATE organisation SET {column} = :value WHERE plan_id = :plan AND key = :key",
        {"value": value, "plan": plan_id, "key": key},
    )


def remove_organisation(rows: Rows, plan_id: int, key: str) -> None:
    """Delete an organisation (only ever one ``kplan undo`` takes back, unused since)."""
    rows(
        "DELETE FROM organisation WHERE plan_id = :plan AND key = :key",
        {"plan": plan_id, "key": key},
    )


def organisation_users(rows: Rows, plan_id: int, key: str) -> list[str]:
    """The people and collaborations that name this organisation, by id."""
    params = {"plan": plan_id, "key": key}
    people = rows(
        "SELECT o.key FROM owner o JOIN organisation g ON g.id = o.organisation_id"
        " WHERE g.plan_id = :plan AND g.key = :key ORDER BY o.position",
        params,
    )
    collaborations = rows(
        "SELECT c.key FROM collaboration c"
        " JOIN collaboration_actor a ON a.collaboration_id = c.id"
        " JOIN organisation g ON g.id = a.organisation_id"
        " WHERE g.plan_id = :plan AND g.key = :key ORDER BY c.position",
        params,
    )
    return [str(row[0]) for row in (*people, *collaborations)]


def owner_keys(rows: Rows, plan_id: int) -> list[str]:
    """The ids of the plan's people, in the plan's order."""
    found = rows("SELECT key FROM owner WHERE plan_id = :plan ORDER BY position", {"plan": plan_id})
    return [str(row[0]) for row in found]


def later_plan_events(rows: Rows, plan_id: int, after: int) -> list[LoggedEvent]:
    """The plan's events after event id ``after`` that name no measure (plan-wide ones)."""
    found = rows(
        f"SELECT {LOGGED_COLUMNS} FROM event"
        " WHERE plan_id = :plan AND id > :after AND measure IS NULL ORDER BY id",
        {"plan": plan_id, "after": after},
    )
    return [LoggedEvent(*row) for row in found]
