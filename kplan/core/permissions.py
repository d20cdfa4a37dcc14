"""Who may change what: the one rule for everything a plan holds.

A plan is open to everyone by default (``edit = "open"``). With ``edit =
"owners"`` in the plan file:

- a measure, its collaborations and its indicators are changed only by the
  measure's owner or one of the plan's coordinators (``check_change``);
- the plan's structure (measures, collaborations and indicators added,
  edited or removed: ``kplan measure``, ``collab``, ``indicator``) is changed
  only by a coordinator, except that a measure's owner may edit the texts of
  her own measure: its title, goal, description and läget
  (``check_structure``);
- the plan is imported over only by a coordinator (``check_import``);
- the plan's people and organisations are added and changed (``kplan
  person``, ``kplan org``) only by a coordinator (``check_coordinator``);
- the plan's settings (``kplan plan edit``: title, period, description,
  coordinators, edit policy, ladder questions) are changed, and such a change
  undone, only by a coordinator (``check_coordinator``); a change that would
  leave the person making it outside the coordinators of an "owners" plan
  needs ``--force`` (kplan.core.settings);
- rounds are opened and closed (with or without ``--force``), and snapshots
  taken and deleted, only by a coordinator (``check_coordinator``);
- a restore, which replaces every plan of the store, only by a person who is
  a coordinator of every plan under that policy (``check_restore``).

Round reports follow the owner-or-coordinator rule wherever the plan names
coordinators, whatever its policy, because a report speaks for the owner
(``check_report``).

The policy and coordinators that decide are always the ones in the store,
never those of a file being imported or restored. Every front end (the
command line, ``kplan apply``, the TUI) reaches these checks through the
core operations, so none can go round them. Every refusal is exit code 4.
"""

from __future__ import annotations

from collections.abc import Sequence

from kplan.errors import PermissionRefused
from kplan.i18n import t

OWNERS = "owners"


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
    if policy != OWNERS or owner_or_coordinator(actor, owner, coordinators):
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
    if policy != OWNERS or actor in coordinators:
        return
    raise PermissionRefused(
        t("permission.import", actor=actor, plan=plan, coordinators=", ".join(coordinators))
    )


# What check_coordinator guards, as catalogue keys of the words for it.
ROUND_OPEN = "permission.round_open"
ROUND_CLOSE = "permission.round_close"
SNAPSHOT_TAKE = "permission.snapshot_take"
SNAPSHOT_DELETE = "permission.snapshot_delete"
PEOPLE = "people.permission"
SETTINGS = "settings.permission"


def check_coordinator(
    actor: str, *, policy: str, coordinators: Sequence[str], plan: str, action: str
) -> None:
    """Refuse (exit 4) a plan-wide action a non-coordinator takes under the "owners" policy.

    ``action`` is one of ROUND_OPEN, ROUND_CLOSE, SNAPSHOT_TAKE,
    SNAPSHOT_DELETE, PEOPLE and SETTINGS: opening and closing rounds, keeping
    snapshots, deciding who is in the plan and changing its settings speak for
    the whole plan, so they are the coordinators' work.
    """
    if policy != OWNERS or actor in coordinators:
        return
    raise PermissionRefused(
        t(
            "permission.coordinators_only",
            actor=actor,
            action=t(action),
            plan=plan,
            coordinators=", ".join(coordinators) or "–",
        )
    )


def check_restore(actor: str, guarded: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Refuse (exit 4) a restore over a store holding a plan ``actor`` does not coordinate.

    ``guarded`` lists each plan of the store being replaced whose policy is
    "owners", with its coordinators. A restore replaces every plan, so the
    actor must coordinate all of them.
    """
    for plan, coordinators in guarded:
        if actor not in coordinators:
            raise PermissionRefused(
                t(
                    "permission.restore",
                    actor=actor,
                    plan=plan,
                    coordinators=", ".join(coordinators) or "–",
                )
            )


# The fields of her own measure an owner may edit under the "owners" policy.
# Whether her läget may be published is hers to say too, as the läget is.
OWNER_TEXTS = frozenset({"title", "goal", "description", "situation", "situation_public"})


def check_structure(
    actor: str,
    *,
    policy: str,
    coordinators: Sequence[str],
    owner: str | None,
    fields: Sequence[str],
    what: str,
) -> None:
    """Refuse (exit 4) a structure change the plan's edit policy does not allow ``actor``.

    ``owner`` is the owner of the measure whose own fields are edited (None
    for anything else: an addition, a removal, a collaboration, an
    indicator); ``fields`` the fields the change changes.
    """
    if policy != OWNERS or actor in coordinators:
        return
    if owner is not None and actor == owner and set(fields) <= OWNER_TEXTS:
        return
    raise PermissionRefused(
        t(
            "structure.permission",
            actor=actor,
            what=what,
            texts=", ".join(sorted(OWNER_TEXTS)),
            coordinators=", ".join(coordinators) or "–",
        )
    )
