"""``kplan undo``: revert the last command one person made, all its changes together.

An undo is itself a batch of changes, logged with the batch id
``undo:<the batch it reverts>``, so it can be seen in the log and is never
undone twice. Run again, it reverts the person's command before that one,
and so on back.

What it may revert is a command that changed measures, collaborations or
indicators (``status``, ``step``, ``fourp``, ``perspective``, ``record``,
``apply``, the TUI's edits), the plan's structure (``measure``, ``collab``,
``indicator``: reverted whole by ``kplan.core.structure.revert``) or the
plan's people and organisations (``person``, ``org``; see
kplan.core.people.revert_in). Round and snapshot commands change none of
these and are passed over. An import is never undone: when a person's last
command was one, undo refuses and says so (re-importing the earlier file is
how an import is taken back).

It refuses (exit 3) when a later event touched one of the same fields,
naming who and which, with one exception: a later command that has itself
been undone, together with its undo, left the field as it found it, so the
pair is no clash. That is what lets one person undo their last N commands in
turn even when they all changed the same field.

The check and the revert run in one write transaction, so no change can
come between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kplan.address import FieldAddress
from kplan.core import people
from kplan.core.changes import Change, ChangeResult, ConflictError, apply_in
from kplan.core.importing import IMPORT_BATCH
from kplan.core.structure import STRUCTURE_BATCH, revert
from kplan.domain import as_utc
from kplan.errors import KplanError
from kplan.i18n import CATALOGUE, t
from kplan.store.events import (
    LoggedEvent,
    actor_batches,
    batch_events,
    batches_like,
    later_events,
)
from kplan.store.plans import select_plan

if TYPE_CHECKING:
    from kplan.store.engine import Store
    from kplan.store.tx import Rows

UNDO_PREFIX = "undo:"
# Events of commands undo passes over: they change nothing undo could revert.
PASSED_OVER = ("round.", "snapshot.")
# Structure events: a later one on the same thing (a measure an import removed
# and added again) makes reverting a field of it meaningless.
STRUCTURE = ("measure", "collaboration", "indicator")
# Stores written before imports had a batch prefix: their import events carry
# the note "imported from FILE" (in the language of the day).
_IMPORT_NOTES = tuple(text.split("{source}")[0] for text in CATALOGUE["event.imported_from"])
_PAGE = 500


class NothingToUndo(KplanError):
    """The person has no command left that can be undone."""


def is_import(batch: str, notes: Sequence[str | None]) -> bool:
    """Whether the events of ``batch`` (with these notes) were written by an import."""
    if batch.startswith(IMPORT_BATCH):
        return True
    # An older store's import: every event of the batch has the import's note.
    return bool(notes) and all(
        note is not None and note.startswith(_IMPORT_NOTES) for note in notes
    )


def _target_batch(rows: Rows, plan_id: int, actor: str) -> str | None:
    """The actor's newest batch that undo should consider, or None."""
    undone = {
        batch.removeprefix(UNDO_PREFIX) for batch in batches_like(rows, plan_id, actor, UNDO_PREFIX)
    }
    before: int | None = None
    while True:
        # Page through the actor's events newest first; the target is almost
        # always on the first page, and an import of thousands of fields is
        # never read whole.
        found = actor_batches(
            rows,
            plan_id,
            actor,
            skip_batches=UNDO_PREFIX,
            skip_fields=PASSED_OVER,
            before=before,
            limit=_PAGE,
        )
        for _, batch in found:
            if batch not in undone:
                return batch
        if len(found) < _PAGE:
            return None
        before = found[-1][0]


def undo(store: Store, *, actor: str, plan: str | None = None) -> ChangeResult:
    """Revert ``actor``'s newest command that changed fields and was not undone yet."""
    with store.writing() as rows:
        info = select_plan(rows, plan)
        target_batch = _target_batch(rows, info.row_id, actor)
        if target_batch is None:
            raise NothingToUndo(t("undo.nothing", actor=actor))
        events = batch_events(rows, info.row_id, target_batch)
        if is_import(target_batch, [event.note for event in events]):
            raise NothingToUndo(t("undo.not_undoable", actor=actor))
        if people.is_people_batch(events):
            # ``kplan person`` and ``kplan org``: their own clash check and revert.
            note = t("undo.note", batch=target_batch[:8])
            batch = UNDO_PREFIX + target_batch
            return people.revert_in(rows, info, events, actor=actor, batch=batch, note=note)
        if target_batch.startswith(STRUCTURE_BATCH):
            _refuse_clashes(rows, info.row_id, events)
            return revert(
                rows,
                info,
                events,
                actor=actor,
                batch=UNDO_PREFIX + target_batch,
                note=t("undo.note", batch=target_batch.removeprefix(STRUCTURE_BATCH)[:8]),
            )
        # Each event's field is parsed once; one that no change can set
        # (a title, a measure added) cannot be reverted.
        addresses = [FieldAddress.find(event.field) for event in events]
        others = sorted(
            {event.field for event, address in zip(events, addresses, strict=True) if not address}
        )
        if others:
            raise NothingToUndo(t("undo.cannot_revert", actor=actor, fields=", ".join(others)))
        _refuse_clashes(rows, info.row_id, events)
        changes = []
        for event, address in reversed(list(zip(events, addresses, strict=True))):
            assert address is not None
            target, key = (
                ("collaboration", event.collaboration)
                if event.collaboration
                else ("indicator", event.indicator)
                if event.indicator
                else ("measure", event.measure)
            )
            changes.append(
                Change(
                    target,
                    key or "",
                    event.field,
                    address.value_from_text(event.old),
                    t("undo.note", batch=target_batch[:8]),
                    address=address,
                )
            )
        return apply_in(rows, changes, actor=actor, plan=info.key, batch=UNDO_PREFIX + target_batch)


def _refuse_clashes(rows: Rows, plan_id: int, batch: Sequence[LoggedEvent]) -> None:
    """Refuse (exit 3) when a later event, by anyone, touched a field the batch changed.

    A later batch that has been undone and the undo of it cancel out: the
    field is as that batch found it, so neither is a clash.
    """
    touched = {(e.measure, e.collaboration, e.indicator, e.field) for e in batch}
    things = {(e.measure, e.collaboration, e.indicator) for e in batch}
    # A measure the batch added or removed is reverted whole: anything done
    # to it since (its collaborations' steps too) is a clash.
    whole = {
        e.measure for e in batch if e.field == "measure" and not e.collaboration and not e.indicator
    }
    newest = max(e.id for e in batch)
    # Every event that can clash names one of the batch's measures (an undo's
    # events name the same ones as the batch it reverts), so a big import
    # since is not read whole. (A batch of very many measures reads them all
    # rather than bind more parameters than a database takes.)
    measures = sorted({e.measure for e in batch if e.measure is not None})
    later = later_events(rows, plan_id, newest, measures if 0 < len(measures) <= _PAGE else None)
    later_batches = {event.batch for event in later}
    undone_later = {
        event.batch.removeprefix(UNDO_PREFIX)
        for event in later
        if event.batch.startswith(UNDO_PREFIX)
        and event.batch.removeprefix(UNDO_PREFIX) in later_batches
    }
    clashes = []
    for event in later:
        if event.batch in undone_later or event.batch.removeprefix(UNDO_PREFIX) in undone_later:
            continue
        thing = (event.measure, event.collaboration, event.indicator)
        if (
            (*thing, event.field) in touched
            or (event.field in STRUCTURE and thing in things)
            or event.measure in whole
        ):
            what = event.collaboration or event.indicator or event.measure or ""
            clashes.append((event.actor, what, event.field, event.at))
    if not clashes:
        return
    described = "; ".join(
        t(
            "undo.clash",
            actor=who,
            what=what,
            field=field,
            at=as_utc(at).strftime("%Y-%m-%d %H:%M"),
        )
        for who, what, field, at in clashes[:5]
    )
    raise ConflictError(t("undo.refused", details=described))
