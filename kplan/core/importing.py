"""Importing a plan file into a store: create the plan or update it to match, logged."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kplan.core import collector, permissions
from kplan.core.actor import now
from kplan.core.conflicts import (
    Base,
    Conflict,
    ImportConflictError,
    Resolution,
    find_base,
    find_conflicts,
    keep_store_values,
)
from kplan.core.diff import FieldChange, diff_plans
from kplan.core.events import insert_event
from kplan.errors import InvalidValueError
from kplan.i18n import t
from kplan.model import Plan
from kplan.names import same_as
from kplan.store import plans
from kplan.store.events import last_import

if TYPE_CHECKING:
    from kplan.store.engine import Store


# An import's events share a batch id with this prefix, so that ``kplan undo``
# knows them without a column of its own (see kplan.core.undo).
IMPORT_BATCH = "import:"
# An import that kept some of the store's values (``--keep-store``) is not a
# base for the next import of a file without one of its own: that file still
# holds the values the store kept, and would otherwise undo them unasked.
KEPT_BATCH = IMPORT_BATCH + "kept:"


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    plan: str
    created: bool
    changes: list[FieldChange]
    dry_run: bool
    conflicts: list[Conflict] = field(default_factory=list)
    resolution: Resolution = "refuse"
    base: Base | None = None


def import_plan(
    store: Store,
    plan: Plan,
    *,
    actor: str,
    dry_run: bool = False,
    source: str | None = None,
    base: dt.datetime | None = None,
    resolution: Resolution = "refuse",
) -> ImportResult:
    """Load a validated plan into the store, creating it or updating it to match.

    ``base`` is the moment the file was made, when it records one (an
    export's ``#:kplan-base`` line); without it the plan's last import is
    the base. Follow-up values the store changed after the base that the
    file changes too are conflicts (kplan.core.conflicts): ``resolution``
    says whether they refuse the import (ImportConflictError, exit 3, a dry
    run too), keep the store's values or let the file win.

    The look-up, the checks and the write are one write transaction, so
    what is checked is still true when it is written; a dry run does the
    same work and rolls it back.
    """
    with collector.paused(), store.writing(commit=not dry_run) as rows:
        info = plans.find_plan(rows, plan.id)
        if info is None:
            other = same_as(plan.id, plans.plan_keys(rows))
            if other is not None:
                # A new plan whose id differs from a stored one's only in
                # case or Unicode form would be a second copy of it.
                raise InvalidValueError(t("names.same_plan", id=plan.id, other=other))
        existing = plans.load_plan(rows, info) if info is not None else None
        changes = diff_plans(existing, plan)
        result = ImportResult(plan.id, existing is None, changes, dry_run, resolution=resolution)
        if info is not None and changes:
            # The policy and coordinators as stored decide, never the file's:
            # a file cannot open a guarded plan to its own author. A dry run
            # is refused too, so it foretells what the import would do.
            permissions.check_import(
                actor, policy=info.edit, coordinators=info.coordinators, plan=plan.id
            )
            result.base = find_base(base, last_import(rows, info.row_id, IMPORT_BATCH, KEPT_BATCH))
            if result.base is not None:
                result.conflicts = find_conflicts(
                    rows, info.row_id, changes, result.base, skip_batches=IMPORT_BATCH
                )
        if result.conflicts and resolution == "refuse":
            raise ImportConflictError(plan.id, result.base or Base(now(), False), result.conflicts)
        if result.conflicts and resolution == "keep-store":
            kept = {id(conflict.change) for conflict in result.conflicts}
            result.changes = changes = [c for c in changes if id(c) not in kept]
            plan = keep_store_values(plan, result.conflicts)
        if dry_run or not changes:
            return result
        plan_id = plans.save_plan(rows, plan)
        kept_some = result.conflicts and resolution == "keep-store"
        batch = (KEPT_BATCH if kept_some else IMPORT_BATCH) + uuid.uuid4().hex
        at = now()
        note = t("event.imported_from", source=source) if source else None
        for change in changes:
            insert_event(
                rows, plan_id=plan_id, actor=actor, batch=batch, at=at, change=change, note=note
            )
    return result


def import_into(
    location: str | None,
    plan: Plan,
    *,
    actor: str,
    dry_run: bool = False,
    source: str | None = None,
    base: dt.datetime | None = None,
    resolution: Resolution = "refuse",
) -> ImportResult:
    """Import into the store at ``location``; a dry run never creates a store."""
    from kplan.store.engine import open_store, store_exists

    if dry_run and not store_exists(location):
        return ImportResult(plan.id, True, diff_plans(None, plan), True)
    store = open_store(location)
    try:
        return import_plan(
            store,
            plan,
            actor=actor,
            dry_run=dry_run,
            source=source,
            base=base,
            resolution=resolution,
        )
    finally:
        store.close()
