"""``kplan undo``: revert the last command one person made, all its changes together.

An undo is itself a batch of changes, logged with the batch id
``undo:<the batch it reverts>``, so it can be seen in the log and is never
undone twice. It refuses when someone changed one of the same fields since,
and names who and which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kplan.core.errors import KplanError
from kplan.core.operations import Change, ChangeResult, ConflictError, apply_changes, select_plan
from kplan.i18n import t

if TYPE_CHECKING:
    from kplan.store.engine import Store

UNDOABLE = ("status", "progress", "step")
UNDOABLE_PREFIXES = ("four_p.", "perspectives.", "values.")
UNDO_PREFIX = "undo:"


class NothingToUndo(KplanError):
    """The person has no command left that can be undone."""


def _undoable(field: str) -> bool:
    return field in UNDOABLE or field.startswith(UNDOABLE_PREFIXES)


def _value(field: str, text: str | None) -> Any:
    """An event's stored text back as the value a change takes."""
    if text is None:
        return None
    if field in ("progress", "step"):
        return int(text)
    if field.startswith("values."):
        return float(text)
    return text


def undo(store: Store, *, actor: str, plan: str | None = None) -> ChangeResult:
    """Revert ``actor``'s newest command that changed fields and was not undone yet."""
    from sqlmodel import col, select

    from kplan.store.models import EventRow

    with store.read() as session:
        plan_row = select_plan(session, plan)
        events = session.exec(
            select(EventRow)
            .where(EventRow.plan_id == plan_row.id, EventRow.actor == actor)
            .order_by(col(EventRow.id).desc())
        ).all()
        undone = {
            e.batch.removeprefix(UNDO_PREFIX) for e in events if e.batch.startswith(UNDO_PREFIX)
        }
        target_batch = next(
            (
                e.batch
                for e in events
                if not e.batch.startswith(UNDO_PREFIX)
                and e.batch not in undone
                and _undoable(e.field)
            ),
            None,
        )
        if target_batch is None:
            raise NothingToUndo(t("undo.nothing", actor=actor))
        batch_events = list(
            session.exec(
                select(EventRow).where(EventRow.batch == target_batch).order_by(col(EventRow.id))
            ).all()
        )
        if any(not _undoable(e.field) for e in batch_events):
            raise NothingToUndo(t("undo.not_undoable", actor=actor))
        newest = max(e.id or 0 for e in batch_events)
        later = session.exec(
            select(EventRow)
            .where(EventRow.plan_id == plan_row.id, col(EventRow.id) > newest)
            .order_by(col(EventRow.id))
        ).all()
        plan_key = plan_row.key
    touched = {(e.measure, e.collaboration, e.indicator, e.field) for e in batch_events}
    clashes = [
        e
        for e in later
        if (e.measure, e.collaboration, e.indicator, e.field) in touched
        and e.batch != UNDO_PREFIX + target_batch
    ]
    if clashes:
        described = "; ".join(
            t(
                "undo.clash",
                actor=e.actor,
                what=e.collaboration or e.indicator or e.measure or "",
                field=e.field,
                at=e.at.strftime("%Y-%m-%d %H:%M"),
            )
            for e in clashes[:5]
        )
        raise ConflictError(t("undo.refused", details=described))
    changes = []
    for event in reversed(batch_events):
        target, key = (
            ("collaboration", event.collaboration)
            if event.collaboration
            else ("indicator", event.indicator)
            if event.indicator
            else ("measure", event.measure)
        )
        assert key is not None
        changes.append(
            Change(
                target,
                key,
                event.field,
                _value(event.field, event.old),
                t("undo.note", batch=target_batch[:8]),
            )
        )
    return apply_changes(
        store, changes, actor=actor, plan=plan_key, batch=UNDO_PREFIX + target_batch
    )
