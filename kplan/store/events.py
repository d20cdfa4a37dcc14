"""The event log in the store: every change kplan makes is appended here.

It is read back here too for ``kplan undo`` and for the conflict messages
(who changed a thing last).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kplan.domain import as_utc
from kplan.store.tx import Rows


@dataclass(frozen=True)
class NewEvent:
    """One event to append: which thing, which field, and its old and new value as text."""

    field: str
    old: str | None
    new: str | None
    measure: str | None = None
    collaboration: str | None = None
    indicator: str | None = None


_INSERT = (
    "INSERT INTO event (at, actor, plan_id, batch, measure, collaboration, indicator,"
    " field, old, new, note, source) VALUES (:at, :actor, :plan, :batch, :measure,"
    " :collaboration, :indicator, :field, :old, :new, :note, :source)"
)


def insert_event(
    rows: Rows,
    *,
    plan_id: int,
    actor: str,
    batch: str,
    at: dt.datetime,
    event: NewEvent,
    note: str | None = None,
    source: str | None = None,
) -> None:
    """Append one event to the log (the one place events are written).

    ``source`` is the provenance of a fetched value (JSON text), None otherwise.
    """
    rows(
        _INSERT,
        {
            # Aware, so that no session time zone can shift it; the store
            # layer writes it as SQLite's naive UTC text where needed.
            "at": at.astimezone(dt.UTC),
            "actor": actor,
            "plan": plan_id,
            "batch": batch,
            "measure": event.measure,
            "collaboration": event.collaboration,
            "indicator": event.indicator,
            "field": event.field,
            "old": event.old,
            "new": event.new,
            "note": note,
            "source": source,
        },
    )


def insert_events(rows: Rows, events: Sequence[Mapping[str, Any]]) -> None:
    """Append many events in one statement (a benchmark's history, a bulk load).

    Each event has the keys of ``insert_event``'s columns: ``at``, ``actor``,
    ``plan`` (the plan's row id), ``batch``, ``measure``, ``collaboration``,
    ``indicator``, ``field``, ``old``, ``new`` and ``note``.
    """
    rows.many(
        _INSERT,
        [{"source": None, **event, "at": event["at"].astimezone(dt.UTC)} for event in events],
    )


@dataclass(frozen=True)
class LoggedEvent:
    """One event of the log as ``kplan undo`` and the conflict messages read it."""

    id: int
    batch: str
    actor: str
    measure: str | None
    collaboration: str | None
    indicator: str | None
    field: str
    old: str | None
    new: str | None
    note: str | None
    at: Any


# The columns of a LoggedEvent, in its order.
LOGGED_COLUMNS = _LOGGED = (
    "id, batch, actor, measure, collaboration, indicator, field, old, new, note, at"
)


def _logged(row: Sequence[Any]) -> LoggedEvent:
    return LoggedEvent(*row)


def latest_change(rows: Rows, plan_id: int, kind: str, key: str) -> LoggedEvent | None:
    """The newest event of the plan's ``kind`` thing ``key``, rounds aside (who changed it last)."""
    if kind not in ("measure", "collaboration", "indicator"):
        raise ValueError(kind)
    found = rows(
        f"SELECT {_LOGGED} FROM event"
        f" WHERE plan_id = :plan AND {kind} = :key AND field NOT LIKE 'round.%'"
        " ORDER BY id DESC LIMIT 1",
        {"plan": plan_id, "key": key},
    )
    return _logged(found[0]) if found else None


def batches_like(rows: Rows, plan_id: int, actor: str, prefix: str) -> set[str]:
    """The batch ids of ``actor``'s events whose batch id starts with ``prefix``."""
    found = rows(
        "SELECT DISTINCT batch FROM event WHERE plan_id = :plan AND actor = :actor"
        " AND batch LIKE :pattern",
        {"plan": plan_id, "actor": actor, "pattern": _like_prefix(prefix)},
    )
    return {str(row[0]) for row in found}


def actor_batches(
    rows: Rows,
    plan_id: int,
    actor: str,
    *,
    skip_batches: str,
    skip_fields: Sequence[str],
    before: int | None,
    limit: int,
) -> list[tuple[int, str]]:
    """One page of ``actor``'s events, newest first, as (event id, batch id).

    Events whose batch id starts with ``skip_batches``, or whose field starts
    with one of ``skip_fields``, are left out; ``before`` pages on from the
    last page's oldest event id.
    """
    params: dict[str, Any] = {
        "plan": plan_id,
        "actor": actor,
        "limit": limit,
        "batches": _like_prefix(skip_batches),
    }
    where = ""
    for number, prefix in enumerate(skip_fields):
        params[f"f{number}"] = _like_prefix(prefix)
        where += f" AND field NOT LIKE :f{number}"
    if before is not None:
        where += " AND id < :before"
        params["before"] = before
    found = rows(
        "SELECT id, batch FROM event WHERE plan_id = :plan AND actor = :actor"
        f" AND batch NOT LIKE :batches{where} ORDER BY id DESC LIMIT :limit",
        params,
    )
    return [(int(row[0]), str(row[1])) for row in found]


def batch_events(rows: Rows, plan_id: int, batch: str) -> list[LoggedEvent]:
    """The events of one batch of the plan, oldest first."""
    found = rows(
        f"SELECT {_LOGGED} FROM event WHERE plan_id = :plan AND batch = :batch ORDER BY id",
        {"plan": plan_id, "batch": batch},
    )
    return [_logged(row) for row in found]


def later_events(
    rows: Rows, plan_id: int, after: int, measures: Sequence[str] | None = None
) -> list[LoggedEvent]:
    """The plan's events after event id ``after``, oldest first; only of ``measures`` if given."""
    params: dict[str, Any] = {"plan": plan_id, "after": after}
    where = ""
    if measures is not None:
        if not measures:
            return []
        params |= {f"m{n}": key for n, key in enumerate(measures)}
        where = " AND measure IN (" + ", ".join(f":m{n}" for n in range(len(measures))) + ")"
    found = rows(
        f"SELECT {_LOGGED} FROM event WHERE plan_id = :plan AND id > :after{where} ORDER BY id",
        params,
    )
    return [_logged(row) for row in found]


def _like_prefix(prefix: str) -> str:
    # The prefixes are kplan's own ("undo:", "round."), never a person's text.
    if "%" in prefix or "_" in prefix:
        raise ValueError(prefix)
    return prefix + "%"


def count_measure_events(rows: Rows, plan_id: int, measure: str) -> int:
    """How many events of the plan name the measure ``measure`` (its history)."""
    found = rows(
        "SELECT COUNT(*) FROM event WHERE plan_id = :plan AND measure = :key",
        {"plan": plan_id, "key": measure},
    )
    return int(found[0][0])


def last_import(rows: Rows, plan_id: int, prefix: str, skip: str) -> tuple[int, Any] | None:
    """The newest event (id, at) of the plan whose batch id starts with ``prefix``.

    Events whose batch id starts with ``skip`` are passed over. None when
    the plan has no such event.
    """
    found = rows(
        "SELECT id, at FROM event WHERE plan_id = :plan AND batch LIKE :prefix"
        " AND batch NOT LIKE :skip ORDER BY id DESC LIMIT 1",
        {"plan": plan_id, "prefix": _like_prefix(prefix), "skip": _like_prefix(skip)},
    )
    return (int(found[0][0]), found[0][1]) if found else None


def newest_per_field(
    rows: Rows,
    plan_id: int,
    *,
    after_id: int | None = None,
    since: dt.datetime | None = None,
    skip_batches: str,
    skip_fields: Sequence[str] = (),
) -> list[LoggedEvent]:
    """The newest event of each field of each thing of the plan, after a point, oldest first.

    The point is an event id (``after_id``: events after it) or a moment
    (``since``: events at it or later); events whose batch id starts with
    ``skip_batches``, or whose field starts with one of ``skip_fields``,
    are left out.
    """
    params: dict[str, Any] = {"plan": plan_id, "batches": _like_prefix(skip_batches)}
    where = ""
    if after_id is not None:
        params["after"] = after_id
        where += " AND id > :after"
    if since is not None:
        # Aware, as the log's moments are written (see insert_event).
        params["since"] = since.astimezone(dt.UTC)
        where += " AND at >= :since"
    for number, prefix in enumerate(skip_fields):
        params[f"f{number}"] = _like_prefix(prefix)
        where += f" AND field NOT LIKE :f{number}"
    found = rows(
        f"SELECT {_LOGGED} FROM event WHERE id IN (SELECT MAX(id) FROM event"
        f" WHERE plan_id = :plan AND batch NOT LIKE :batches{where}"
        " GROUP BY measure, collaboration, indicator, field) ORDER BY id",
        params,
    )
    return [_logged(row) for row in found]


def last_notes(rows: Rows, plan_id: int) -> dict[str, dt.datetime]:
    """When each measure was last given a note: a note on one of its events, or a new läget.

    Imports are left out: what a plan file says is not an owner's word of
    the moment.
    """
    found = rows(
        "SELECT measure, MAX(at) FROM event WHERE plan_id = :plan AND measure IS NOT NULL"
        " AND (note IS NOT NULL OR field = 'situation') AND batch NOT LIKE :imports"
        " GROUP BY measure",
        {"plan": plan_id, "imports": _like_prefix("import:")},
    )
    return {measure: as_utc(at) for measure, at in found}


def last_steps(rows: Rows, plan_id: int) -> dict[str, dt.datetime]:
    """When each collaboration last moved a step, or was added if it never has, by its id."""
    found = rows(
        "SELECT collaboration, MAX(at) FROM event WHERE plan_id = :plan"
        " AND collaboration IS NOT NULL AND field IN ('step', 'collaboration')"
        " GROUP BY collaboration",
        {"plan": plan_id},
    )
    return {collaboration: as_utc(at) for collaboration, at in found}


def first_event_at(rows: Rows, plan_id: int) -> dt.datetime | None:
    """When the plan's oldest event was written (its arrival in the store), None without events."""
    found = rows("SELECT MIN(at) FROM event WHERE plan_id = :plan", {"plan": plan_id})
    return as_utc(found[0][0]) if found and found[0][0] is not None else None
