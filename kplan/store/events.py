"""The event log in the store: every change kplan makes is appended here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def insert_event(
    rows: Rows,
    *,
    plan_id: int,
    actor: str,
    batch: str,
    at: dt.datetime,
    event: NewEvent,
    note: str | None = None,
) -> None:
    """Append one event to the log (the one place events are written)."""
    rows(
        "INSERT INTO event (at, actor, plan_id, batch, measure, collaboration, indicator,"
        " field, old, new, note) VALUES (:at, :actor, :plan, :batch, :measure,"
        " :collaboration, :indicator, :field, :old, :new, :note)",
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
        },
    )
