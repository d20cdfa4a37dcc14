"""Restoring a store from a backup: the store does the copying, the core says who may."""

from __future__ import annotations

from pathlib import Path

from kplan.core.permissions import check_restore
from kplan.store.backup import RestorePlan
from kplan.store.backup import plan_restore as plan_store_restore


def plan_restore(location: str | None, source: Path, *, actor: str) -> RestorePlan:
    """Check a restore of ``source`` into the store at ``location`` before anything is written.

    ``actor`` must coordinate every plan of the store being replaced whose
    edit policy is "owners" (``check_restore``).
    """
    return plan_store_restore(location, source, check=lambda guarded: check_restore(actor, guarded))
