"""Importing a plan file into a store: create the plan or update it to match, logged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kplan.core.actor import now
from kplan.core.diff import FieldChange, diff_plans
from kplan.core.events import log_event
from kplan.errors import InvalidValueError
from kplan.i18n import t
from kplan.model import Plan
from kplan.names import same_as

if TYPE_CHECKING:
    from sqlmodel import Session

    from kplan.store.engine import Store


# An import's events share a batch id with this prefix, so that ``kplan undo``
# knows them without a column of its own (see kplan.core.undo).
IMPORT_BATCH = "import:"


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    plan: str
    created: bool
    changes: list[FieldChange]
    dry_run: bool


def import_plan(
    store: Store,
    plan: Plan,
    *,
    actor: str,
    dry_run: bool = False,
    source: str | None = None,
) -> ImportResult:
    """Load a validated plan into the store, creating it or updating it to match."""
    from kplan.core.repository import find_plan_row, load_plan, save_plan

    with store.write() as session:
        existing_row = find_plan_row(session, plan.id)
        if existing_row is None:
            _refuse_a_second_spelling(session, plan.id)
        existing = load_plan(session, existing_row) if existing_row is not None else None
        changes = diff_plans(existing, plan)
        result = ImportResult(plan.id, existing is None, changes, dry_run)
        if existing_row is not None and changes:
            from kplan.core.permissions import check_import

            # The policy and coordinators as stored decide, never the file's:
            # a file cannot open a guarded plan to its own author. A dry run
            # is refused too, so it foretells what the import would do.
            check_import(
                actor,
                policy=existing_row.edit,
                coordinators=existing_row.coordinators,
                plan=plan.id,
            )
        if dry_run or (existing is not None and not changes):
            session.rollback()
            return result
        plan_row = save_plan(session, plan)
        assert plan_row.id is not None
        batch = IMPORT_BATCH + uuid.uuid4().hex
        at = now()
        note = t("event.imported_from", source=source) if source else None
        for change in changes:
            log_event(
                session,
                plan_id=plan_row.id,
                actor=actor,
                batch=batch,
                at=at,
                change=change,
                note=note,
            )
    return result


def _refuse_a_second_spelling(session: Session, key: str) -> None:
    """Refuse a new plan whose id differs from a stored plan's only in case or Unicode form."""
    from sqlmodel import select

    from kplan.store.models import PlanRow

    other = same_as(key, list(session.exec(select(PlanRow.key)).all()))
    if other is not None:
        raise InvalidValueError(t("names.same_plan", id=key, other=other))


def import_into(
    location: str | None,
    plan: Plan,
    *,
    actor: str,
    dry_run: bool = False,
    source: str | None = None,
) -> ImportResult:
    """Import into the store at ``location``; a dry run never creates a store."""
    from kplan.store.engine import open_store, store_exists

    if dry_run and not store_exists(location):
        return ImportResult(plan.id, True, diff_plans(None, plan), True)
    store = open_store(location)
    try:
        return import_plan(store, plan, actor=actor, dry_run=dry_run, source=source)
    finally:
        store.close()
