"""The event log: choosing the plan a command works on, and appending events."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kplan.core.diff import FieldChange, as_text
from kplan.store import events as stored

if TYPE_CHECKING:
    from sqlmodel import Session

    from kplan.store.models import PlanRow
    from kplan.store.tx import Rows


def select_plan(session: Session, key: str | None = None) -> PlanRow:
    """The plan named by ``key`` or ``KPLAN_PLAN``, or the store's only plan.

    The rule and its messages are ``store.plans.select_plan``'s; this hands
    back the plan's ORM row for code that works in a session.
    """
    from kplan.store.engine import session_rows
    from kplan.store.models import PlanRow
    from kplan.store.plans import select_plan as select_plan_info

    info = select_plan_info(session_rows(session), key)
    row = session.get(PlanRow, info.row_id)
    assert row is not None
    return row


def insert_event(
    rows: Rows,
    *,
    plan_id: int,
    actor: str,
    batch: str,
    at: dt.datetime,
    change: FieldChange,
    note: str | None = None,
) -> None:
    """Append one event to the log: ``change`` with its values written as text."""
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
    )


def log_event(
    session: Session,
    *,
    plan_id: int,
    actor: str,
    batch: str,
    at: dt.datetime,
    change: FieldChange,
    note: str | None = None,
) -> None:
    """Append one event within an ORM session's transaction (imports, rounds, snapshots)."""
    from kplan.store.engine import session_rows

    insert_event(
        session_rows(session),
        plan_id=plan_id,
        actor=actor,
        batch=batch,
        at=at,
        change=change,
        note=note,
    )
