"""Who may change what: one rule for edits, imports and round reports.

A plan is open to everyone by default. With ``edit = "owners"`` in the plan
file only a measure's owner or one of the plan's coordinators may change the
measure (and its collaborations and indicators), and only a coordinator may
import the plan over the store's. Round reports follow the same owner-or-
coordinator rule wherever the plan names coordinators, whatever its policy,
because a report speaks for the owner.
"""

from __future__ import annotations

from collections.abc import Sequence

from kplan.core.errors import PermissionRefused
from kplan.i18n import t


def owner_or_coordinator(actor: str, owner: str, coordinators: Sequence[str]) -> bool:
    """Whether ``actor`` is the owner or one of the coordinators."""
    return actor == owner or actor in coordinators


def check_change(
    actor: str,
    *,
    policy: str,
    owner: str,
    coordinators: Sequence[str],
    measure: str,
    what: str,
) -> None:
    """Refuse (exit 4) a change to ``measure`` that the plan's edit policy does not allow.

    ``what`` names the thing changed, e.g. "measure 7" or "collaboration
    fastighet (measure 7)", for the message.
    """
    if policy != "owners" or owner_or_coordinator(actor, owner, coordinators):
        return
    raise PermissionRefused(
        t(
            "permission.change",
            actor=actor,
            what=what,
            owner=owner,
            coordinators=", ".join(coordinators) or "–",
        )
    )


def check_report(actor: str, *, owner: str, coordinators: Sequence[str], measure: str) -> None:
    """Refuse (exit 4) a round report by someone other than the owner or a coordinator."""
    if not coordinators or owner_or_coordinator(actor, owner, coordinators):
        return
    raise PermissionRefused(
        t(
            "round.not_yours",
            actor=actor,
            measure=measure,
            owner=owner,
            coordinators=", ".join(coordinators),
        )
    )


def check_import(actor: str, *, policy: str, coordinators: Sequence[str], plan: str) -> None:
    """Refuse (exit 4) an import over a plan whose policy keeps changes to coordinators."""
    if policy != "owners" or actor in coordinators:
        return
    raise PermissionRefused(
        t("permission.import", actor=actor, plan=plan, coordinators=", ".join(coordinators))
    )
