"""What a public export may hold: the plan with every trace of a person taken out.

A region publishes where its plan stands, but the plan also names people: the
process owners (names, e-mail addresses, user ids), the coordinators, the
people who wrote läget in their own words, and the log of who changed what
and why. :func:`public_plan` makes the copy of a plan that a public export is
written from, so that no export format can show what is not in it:

- each owner becomes their organisation (id and name of the organisation), or
  the role "process owner" when they have none; a measure names that instead;
- no e-mail address, no coordinators;
- läget only where the measure's läget is marked public;
- the rest of the plan (titles, goals, descriptions, collaborations and their
  notes, indicators) is the plan's own public text and stays as written.

The log (change notes, who acted, round reports) is never part of a public
export; :func:`kplan.core.exports.gather` does not read it for one.
"""

from __future__ import annotations

import copy

from kplan.i18n import t
from kplan.model import Owner, Plan

# The id of the one owner that stands for every owner without an organisation.
ROLE_ID = "process-owner"


def _role_id(taken: set[str]) -> str:
    """:data:`ROLE_ID`, or a numbered form of it when an organisation has that id already."""
    candidate, number = ROLE_ID, 1
    while candidate in taken:
        number += 1
        candidate = f"{ROLE_ID}-{number}"
    return candidate


def public_plan(plan: Plan) -> Plan:
    """A copy of ``plan`` holding nothing that identifies a person (see the module's text).

    The caller's plan is left as it is. Every measure names an owner that the
    copy's owners hold (or none, when it named none), so the copy is still a
    whole plan: a JSON export of it reads back with ``kplan compare --file``.
    """
    public = copy.deepcopy(plan)
    organisations = {org.id: org.name for org in public.organisations}
    role = _role_id(set(organisations))
    owners: dict[str, Owner] = {}
    standing_for: dict[str, str] = {}
    for owner in public.owners:
        organisation = owner.organisation
        if organisation is not None and organisation in organisations:
            key = organisation
            shown = Owner(key, organisations[organisation], organisation=organisation)
        else:
            key = role
            shown = Owner(key, t("public.process_owner"))
        owners.setdefault(key, shown)
        standing_for[owner.id] = key
    for measure in public.measures:
        if measure.owner:
            # An owner the plan does not list is still a person's id: shown by role.
            measure.owner = standing_for.get(measure.owner) or role
            if measure.owner == role and role not in owners:
                owners[role] = Owner(role, t("public.process_owner"))
        if not measure.situation_public:
            measure.situation = None
    public.owners = list(owners.values())
    public.coordinators = []
    return public
