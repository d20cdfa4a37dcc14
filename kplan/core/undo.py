"""``kplan undo``: revert the last command one person made, all its changes together.

An undo is itself a batch of changes, logged with the batch id
``undo:<the batch it reverts>``, so it can be seen in the log and is never
undone twice. Run again, it reverts the person's command before that one,
and so on back.

What it may revert is a command that changed measures, collaborations or
indicators (``status``, ``step``, ``fourp``, ``perspective``, ``record``,
``apply``, the TUI's edits). Round and snapshot commands change none of
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
from typing import TYPE_CHECKING, Any

from kplan.core.changes import Change, ChangeResult, ConflictError, apply_in
from kplan.core.importing import IMPORT_BATCH
from kplan.domain import as_utc
from kplan.errors import KplanError
from kplan.i18n import CATALOGUE, t

if TYPE_CHECKING:
    from kplan.store.engine import Store
    from kplan.store.tx import Rows

UNDOABLE = ("status", "progress", "step")
UNDOABLE_PREFIXES = ("four_p.", "perspectives.", "values.")
UNDO_PREFIX = "undo:"
# Events of commands undo passes over: they change nothing undo could revert.
PASSED_OVER = ("round.%", "snapshot.%")
# Structure events: a later one on the same thing (a measure an import removed
# and added again) makes reverting a field of it meaningless.
STRUCTURE = ("measure", "collaboration", "indicator")
# Stores written before imports had a batch prefix: their import events carry
# the note "imported from FILE" (in the language of the day).
_IMPORT_NOTES = tuple(text.split("{source}")[0] for text in CATALOGUE["event.imported_from"])
_PAGE = 500


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
        row[0].removeprefix(UNDO_PREFIX)
        for row in rows(
            "SELECT DISTINCT batch FROM event WHERE plan_id = :plan AND actor = :actor"
            " AND batch LIKE 'undo:%'",
            {"plan": plan_id, "actor": actor},
        )
    }
    before: int | None = None
    while True:
        # Page through the actor's events newest first; the target is almost
        # always on the first page, and an import of thousands of fields is
        # never read whole.
        params: dict[str, Any] = {"plan": plan_id, "actor": actor, "limit": _PAGE}
        where = ""
        if before is not None:
            where = " AND id < :before"
            params["before"] = before
        found = rows(
            "SELECT id, batch FROM event WHERE plan_id = :plan AND actor = :actor"
            " AND batch NOT LIKE 'undo:%' AND field NOT LIKE :round"
            f" AND field NOT LIKE :snapshot{where} ORDER BY id DESC LIMIT :limit",
            params | {"round": PASSED_OVER[0], "snapshot": PASSED_OVER[1]},
        )
        for _, batch in found:
            if batch not in undone:
                return str(batch)
        if len(found) < _PAGE:
            return None
        before = found[-1][0]


def undo(store: Store, *, actor: str, plan: str | None = None) -> ChangeResult:
    """Revert ``actor``'s newest command that changed fields and was not undone yet."""
    from kplan.store.plans import select_plan

    with store.writing() as rows:
        info = select_plan(rows, plan)
        target_batch = _target_batch(rows, info.row_id, actor)
        if target_batch is None:
            raise NothingToUndo(t("undo.nothing", actor=actor))
        batch_events = rows(
            "SELECT id, measure, collaboration, indicator, field, old, note FROM event"
            " WHERE plan_id = :plan AND batch = :batch ORDER BY id",
            {"plan": info.row_id, "batch": target_batch},
        )
        if is_import(target_batch, [event[6] for event in batch_events]):
            raise NothingToUndo(t("undo.not_undoable", actor=actor))
        others = sorted({event[4] for event in batch_events if not _undoable(event[4])})
        if others:
            raise NothingToUndo(t("undo.cannot_revert", actor=actor, fields=", ".join(others)))
        _refuse_clashes(rows, info.row_id, target_batch, batch_events)
        changes = []
        for _, measure, collaboration, indicator, field, old, _ in reversed(batch_events):
            target, key = (
                ("collaboration", collaboration)
                if collaboration
                else ("indicator", indicator)
                if indicator
                else ("measure", measure)
            )
            changes.append(
                Change(
                    target,
                    key,
                    field,
                    _value(field, old),
                    t("undo.note", batch=target_batch[:8]),
                )
            )
        return apply_in(rows, changes, actor=actor, plan=info.key, batch=UNDO_PREFIX + target_batch)


def _refuse_clashes(
    rows: Rows, plan_id: int, target_batch: str, batch_events: Sequence[Sequence[Any]]
) -> None:
    """Refuse (exit 3) when a later event, by anyone, touched a field the batch changed.

    A later batch that has been undone and the undo of it cancel out: the
    field is as that batch found it, so neither is a clash.
    """
    touched = {(e[1], e[2], e[3], e[4]) for e in batch_events}
    things = {(e[1], e[2], e[3]) for e in batch_events}
    newest = max(e[0] for e in batch_events)
    # Every event that can clash names one of the batch's measures (an undo's
    # events name the same ones as the batch it reverts), so a big import
    # since is not read whole. (A batch of very many measures reads them all
    # rather than bind more parameters than a database takes.)
    measures = sorted({e[1] for e in batch_events if e[1] is not None})
    params: dict[str, Any] = {"plan": plan_id, "newest": newest}
    where = ""
    if 0 < len(measures) <= _PAGE:
        params |= {f"m{n}": key for n, key in enumerate(measures)}
        where = " AND measure IN (" + ", ".join(f":m{n}" for n in range(len(measures))) + ")"
    later = rows(
        "SELECT batch, actor, measure, collaboration, indicator, field, at FROM event"
        f" WHERE plan_id = :plan AND id > :newest{where} ORDER BY id",
        params,
    )
    later_batches = {row[0] for row in later}
    undone_later = {
        row[0].removeprefix(UNDO_PREFIX)
        for row in later
        if row[0].startswith(UNDO_PREFIX) and row[0].removeprefix(UNDO_PREFIX) in later_batches
    }
    clashes = []
    for batch, who, measure, collaboration, indicator, field, at in later:
        if batch in undone_later or batch.removeprefix(UNDO_PREFIX) in undone_later:
            continue
        thing = (measure, collaboration, indicator)
        if (*thing, field) in touched or (field in STRUCTURE and thing in things):
            clashes.append((who, collaboration or indicator or measure or "", field, at))
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
