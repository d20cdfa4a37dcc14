"""The event log: appending events, their values written as text."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kplan.core.diff import FieldChange, as_text
from kplan.store import events as stored

if TYPE_CHECKING:
    from kplan.store.tx import Rows


def insert_event(
    rows: Rows,
    *,
    plan_id: int,
    actor: str,
    batch: str,
    at: dt.datetime,
    change: FieldChange,
    note: str | None = None,
    source: str | None = None,
) -> None:
    """Append one event to the log: ``change`` with its values written as text.

    ``source`` is where a fetched value came from (JSON text), None otherwise.
    """
    stored.insert_event(
        rows,
        plan_id=plan_id,
        actor=actor,
        batch=batch,
        at=at,
        event=stored.NewEvent(
            field=change.field,
            old=as_text(change.old),
            new=as_text(change.new),
            measure=change.measure,
            collaboration=change.collaboration,
            indicator=change.indicator,
        ),
        note=note,
        source=source,
    )
