"""The plan's people and organisations: ``kplan person add|edit``, ``kplan org add|edit``.

Each command checks everything it is given first (every problem at once),
then the permission, then writes the change and one event per changed field
in one write transaction, with one batch id. The events name the fields as
an import's comparison does (``owners``, ``owners.ID.name``,
``organisations.ID.kind``... see kplan.core.diff), so the log and the reports
show them without anything new, and ``kplan undo`` reverts them
(``revert_in``).

Here too is the rule for someone acting who is not a person of the plan
(``stranger``): the front ends warn, the command still runs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kplan.core import permissions
from kplan.core.actor import check_note, now
from kplan.core.changes import ChangeResult, ConflictError
from kplan.core.diff import FieldChange
from kplan.core.events import insert_event
from kplan.core.planspec import ORGANISATION_KIND
from kplan.domain import MAX_NAME_LENGTH
from kplan.errors import InvalidValueError, KplanError, UsageError, closest, did_you_mean, unknown
from kplan.i18n import t
from kplan.model import Organisation, Owner, Plan
from kplan.moments import local_text
from kplan.names import id_problem, matching, name_problem, nfc, same_as, visible
from kplan.store import people as stored
from kplan.store.events import LoggedEvent
from kplan.store.plans import load_plan, plan_infos, select_plan

if TYPE_CHECKING:
    from kplan.store.engine import Store
    from kplan.store.plans import PlanInfo
    from kplan.store.tx import Rows

# The event log's names of the two collections (as kplan.core.diff names them).
OWNERS = "owners"
ORGANISATIONS = "organisations"
# Prefix of an undo's batch id (kplan.core.undo's UNDO_PREFIX).
_UNDO = "undo:"


@dataclass(frozen=True)
class Stranger:
    """Someone acting who is not a person of the plan, and the person most like them."""

    actor: str
    plan: str
    suggestion: str | None
    people: list[str]
    # True when no plan was named in a store of several: ``plan`` lists them
    # all and ``people`` holds the people of every one.
    several: bool = False


def stranger(store: Store, actor: str, plan: str | None = None) -> Stranger | None:
    """``actor`` when they are not one of the plan's people; None when they are.

    With no plan named (nor ``KPLAN_PLAN``) in a store of several plans,
    ``actor`` is a stranger when a person of none of them. A store or plan
    that cannot be read raises as any read does.
    """
    with store.reading() as rows:
        infos = [] if plan or os.environ.get("KPLAN_PLAN") else plan_infos(rows)
        if len(infos) <= 1:
            info = select_plan(rows, plan)
            return stranger_among(actor, info.key, stored.owner_keys(rows, info.row_id))
        people = [stored.owner_keys(rows, info.row_id) for info in infos]
    everyone = list(dict.fromkeys(person for found in people for person in found))
    if not everyone or actor in everyone:
        return None
    keys = ", ".join(info.key for info in infos)
    return Stranger(actor, keys, closest(actor, everyone), everyone, several=True)


def stranger_among(actor: str, plan: str, people: Sequence[str]) -> Stranger | None:
    """``actor`` when not one of ``people`` (the plan's person ids); None when one of them.

    A plan without people has no one to compare with, so nobody is a
    stranger there. Who acts is compared exactly, as the permission rules
    compare it, so "Sforsberg" is a stranger too (and told of sforsberg).
    """
    if not people or actor in people:
        return None
    return Stranger(actor, plan, closest(actor, people), list(people))


def stranger_warning(found: Stranger) -> str:
    """The warning about someone acting who is not a person of the plan, in words."""
    if found.suggestion is not None:
        return t(
            "settings.stranger_any" if found.several else "people.not_a_person",
            actor=found.actor,
            plan=found.plan,
            suggestion=found.suggestion,
        )
    shown = ", ".join(found.people[:10]) + (", ..." if len(found.people) > 10 else "")
    return t(
        "settings.stranger_any_none" if found.several else "people.not_a_person_none",
        actor=found.actor,
        plan=found.plan,
        people=shown,
    )


def is_people_batch(events: Sequence[LoggedEvent]) -> bool:
    """Whether every event of a batch is a change to the plan's people or organisations."""
    return bool(events) and all(
        event.measure is None and _collection(event.field) is not None for event in events
    )


def _collection(field: str) -> str | None:
    for collection in (OWNERS, ORGANISATIONS):
        if field == collection or field.startswith(collection + "."):
            return collection
    return None


def _text(value: str | None, problems: list[str], what: str, *, optional: bool) -> str | None:
    """``value`` as a name or e-mail address kept, or None (blank when ``optional``)."""
    if value is None:
        return None
    normal = nfc(value)
    if optional and normal == "":
        return None
    problem = name_problem(normal, MAX_NAME_LENGTH)
    if problem is not None:
        problems.append(t("people.bad_text", what=t(what), problem=problem))
        return None
    return normal


def _new_id(value: str, existing: list[str], kind: str, problems: list[str]) -> str:
    normal = nfc(value)
    problem = id_problem(normal)
    if problem is not None:
        problems.append(problem)
        return normal
    other = same_as(normal, existing)
    if other is not None:
        problems.append(t("people.exists", kind=t(kind), key=normal, other=other))
    return normal


def _existing(value: str, keys: list[str], kind: str) -> str:
    found = matching(value, keys)
    if len(found) == 1:
        return found[0]
    raise unknown(kind, visible(value), keys)


def _kind(value: str | None, problems: list[str]) -> str | None:
    if value is None:
        return None
    word = ORGANISATION_KIND.canonical(nfc(value).strip().lower())
    if word is None:
        accepted = list(ORGANISATION_KIND.accepted())
        problems.append(
            t(
                "people.bad_kind",
                value=visible(value),
                valid=", ".join(ORGANISATION_KIND.values),
                aliases=", ".join(a for a in accepted if a not in ORGANISATION_KIND.values),
                hint=did_you_mean(value.strip().lower(), accepted),
            )
        )
    return word


def _organisation(value: str | None, keys: list[str], problems: list[str]) -> str | None:
    if value is None or nfc(value) == "":
        return None
    found = matching(value, keys)
    if len(found) == 1:
        return found[0]
    problems.append(unknown("kind.organisation", visible(value), keys).message)
    return None


def _refuse(problems: list[str]) -> None:
    if problems:
        raise InvalidValueError("\n".join(problems))


def _write(
    rows: Rows,
    info: PlanInfo,
    changes: list[FieldChange],
    *,
    actor: str,
    note: str | None,
    batch: str | None = None,
) -> ChangeResult:
    """Log ``changes`` (already written) as one batch."""
    batch = batch or uuid.uuid4().hex
    at = now()
    for change in changes:
        insert_event(
            rows, plan_id=info.row_id, actor=actor, batch=batch, at=at, change=change, note=note
        )
    return ChangeResult(batch, changes)


def _allowed(info: PlanInfo, actor: str) -> None:
    permissions.check_coordinator(
        actor,
        policy=info.edit,
        coordinators=info.coordinators,
        plan=info.key,
        action=permissions.PEOPLE,
    )


@dataclass(frozen=True)
class _Collection:
    """What the person and organisation commands differ in: the list, its kind, its writes."""

    name: str  # OWNERS or ORGANISATIONS, as the event log names them
    kind: str  # the catalogue key of the word for one of them
    items: Callable[[Plan], Sequence[Owner | Organisation]]
    add: Callable[..., None]
    set: Callable[[Rows, int, str, str, str | None], None]


_PEOPLE = _Collection(
    OWNERS, "kind.owner", lambda plan: plan.owners, stored.add_owner, stored.set_owner
)
_ORGANISATIONS = _Collection(
    ORGANISATIONS,
    "kind.organisation",
    lambda plan: plan.organisations,
    stored.add_organisation,
    stored.set_organisation,
)
# Checks the values a command gave against the plan, noting problems; returns
# the values to write by field (None: not to set, for an addition).
_Values = Callable[[Plan, list[str]], dict[str, str | None]]


def _add(
    store: Store,
    collection: _Collection,
    key: str,
    values_of: _Values,
    *,
    actor: str,
    plan: str | None,
    note: str | None,
) -> ChangeResult:
    """Add a person or organisation: every problem first, then the permission, then the write."""
    check_note(note)
    with store.writing() as rows:
        info = select_plan(rows, plan)
        loaded = load_plan(rows, info, only=())
        problems: list[str] = []
        keys = [item.id for item in collection.items(loaded)]
        key = _new_id(key, keys, collection.kind, problems)
        values = values_of(loaded, problems)
        _refuse(problems)
        _allowed(info, actor)
        collection.add(rows, info.row_id, key, **values)
        changes = [FieldChange(collection.name, None, key)]
        for field, value in values.items():
            if value is not None:
                changes.append(FieldChange(f"{collection.name}.{key}.{field}", None, value))
        return _write(rows, info, changes, actor=actor, note=note)


def _edit(
    store: Store,
    collection: _Collection,
    key: str,
    wanted_of: _Values,
    *,
    actor: str,
    plan: str | None,
    note: str | None,
) -> ChangeResult:
    """Change a person's or organisation's fields: problems, permission, then the write."""
    check_note(note)
    with store.writing() as rows:
        info = select_plan(rows, plan)
        loaded = load_plan(rows, info, only=())
        items = collection.items(loaded)
        found = _existing(key, [item.id for item in items], collection.kind)
        item = next(item for item in items if item.id == found)
        problems: list[str] = []
        wanted = wanted_of(loaded, problems)
        _refuse(problems)
        _allowed(info, actor)
        changes = []
        for field, value in wanted.items():
            old = getattr(item, field)
            if value != old:
                collection.set(rows, info.row_id, found, field, value)
                changes.append(FieldChange(f"{collection.name}.{found}.{field}", old, value))
        if not changes:
            return ChangeResult(uuid.uuid4().hex, [])
        return _write(rows, info, changes, actor=actor, note=note)


def _person_values(
    name: str | None, organisation: str | None, email: str | None, *, adding: bool
) -> _Values:
    """The checks of a person's name, organisation and e-mail address (those given)."""

    def values(loaded: Plan, problems: list[str]) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        if name is not None:
            found["name"] = _text(name, problems, "people.what_name", optional=False)
        if organisation is not None or adding:
            keys = [o.id for o in loaded.organisations]
            found["organisation"] = _organisation(organisation, keys, problems)
        if email is not None or adding:
            found["email"] = _text(email, problems, "people.what_email", optional=True)
        return found

    return values


def _organisation_values(name: str | None, kind: str | None, *, adding: bool) -> _Values:
    """The checks of an organisation's name and kind (those given; "other" for a new one)."""

    def values(loaded: Plan, problems: list[str]) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        if name is not None:
            found["name"] = _text(name, problems, "people.what_name", optional=False)
        if kind is not None:
            found["kind"] = _kind(kind, problems)
        elif adding:
            found["kind"] = "other"
        return found

    return values


def add_person(
    store: Store,
    key: str,
    *,
    name: str,
    organisation: str | None = None,
    email: str | None = None,
    actor: str,
    plan: str | None = None,
    note: str | None = None,
) -> ChangeResult:
    """Add a person (an ``[[owners]]`` entry) to the plan."""
    values = _person_values(name, organisation, email, adding=True)
    return _add(store, _PEOPLE, key, values, actor=actor, plan=plan, note=note)


def edit_person(
    store: Store,
    key: str,
    *,
    name: str | None = None,
    organisation: str | None = None,
    email: str | None = None,
    actor: str,
    plan: str | None = None,
    note: str | None = None,
) -> ChangeResult:
    """Change a person's name, organisation or e-mail address ("" clears the last two)."""
    if name is None and organisation is None and email is None:
        raise UsageError(t("people.nothing_to_change", options="--name, --organisation, --email"))
    wanted = _person_values(name, organisation, email, adding=False)
    return _edit(store, _PEOPLE, key, wanted, actor=actor, plan=plan, note=note)


def add_organisation(
    store: Store,
    key: str,
    *,
    name: str,
    kind: str | None = None,
    actor: str,
    plan: str | None = None,
    note: str | None = None,
) -> ChangeResult:
    """Add an organisation (an ``[[organisations]]`` entry) to the plan."""
    values = _organisation_values(name, kind, adding=True)
    return _add(store, _ORGANISATIONS, key, values, actor=actor, plan=plan, note=note)


def edit_organisation(
    store: Store,
    key: str,
    *,
    name: str | None = None,
    kind: str | None = None,
    actor: str,
    plan: str | None = None,
    note: str | None = None,
) -> ChangeResult:
    """Change an organisation's name or kind."""
    if name is None and kind is None:
        raise UsageError(t("people.nothing_to_change", options="--name, --kind"))
    wanted = _organisation_values(name, kind, adding=False)
    return _edit(store, _ORGANISATIONS, key, wanted, actor=actor, plan=plan, note=note)


def revert_in(
    rows: Rows,
    info: PlanInfo,
    events: Sequence[LoggedEvent],
    *,
    actor: str,
    batch: str,
    note: str,
) -> ChangeResult:
    """Revert a batch of people and organisation events (``kplan undo``), in ``rows``' transaction.

    Refused (exit 3) when a later event, not itself undone, touched a field
    or a thing the batch changed or added, or when something added is in
    use now (a person owning a measure or coordinating, an organisation
    named by a person or a collaboration); refused (exit 4) as the change
    itself would be.
    """
    _allowed(info, actor)
    added = {
        (event.field, str(event.new)) for event in events if _collection(event.field) == event.field
    }
    _refuse_later(rows, info, events, added)
    changes: list[FieldChange] = []
    for collection, key in added:
        in_use = (
            stored.owner_measures(rows, info.row_id, key)
            + ([key] if key in info.coordinators else [])
            if collection == OWNERS
            else stored.organisation_users(rows, info.row_id, key)
        )
        if in_use:
            raise ConflictError(
                t(
                    "people.undo_in_use",
                    kind=t("kind.owner" if collection == OWNERS else "kind.organisation"),
                    key=key,
                    users=", ".join(in_use[:10]),
                )
            )
    for event in reversed(list(events)):
        found = _collection(event.field)
        assert found is not None
        collection = found
        if event.field == collection:
            key = str(event.new)
            if event.old is not None or event.new is None:
                # Only adds are ever logged by these commands; anything else is an import's.
                raise KplanError(t("undo.cannot_revert", actor=actor, fields=event.field))
            remove = stored.remove_owner if collection == OWNERS else stored.remove_organisation
            remove(rows, info.row_id, key)
            changes.append(FieldChange(collection, key, None))
            continue
        key, field = event.field[len(collection) + 1 :].rsplit(".", 1)
        if (collection, key) in added:
            continue
        setter = stored.set_owner if collection == OWNERS else stored.set_organisation
        try:
            setter(rows, info.row_id, key, field, event.old)
        except (LookupError, KeyError):
            raise ConflictError(
                t("people.undo_gone", field=event.field, value=event.old or "–")
            ) from None
        changes.append(FieldChange(event.field, event.new, event.old))
    return _write(rows, info, changes, actor=actor, note=note, batch=batch)


def _refuse_later(
    rows: Rows, info: PlanInfo, events: Sequence[LoggedEvent], added: set[tuple[str, str]]
) -> None:
    """Refuse (exit 3) when a later plan-wide event touched what the batch changed."""
    touched = {event.field for event in events}
    later = stored.later_plan_events(rows, info.row_id, max(event.id for event in events))
    batches = {event.batch for event in later}
    # A later batch undone since, with its undo, left everything as it found it.
    undone = {
        event.batch.removeprefix(_UNDO)
        for event in later
        if event.batch.startswith(_UNDO) and event.batch.removeprefix(_UNDO) in batches
    }
    for event in later:
        if event.batch in undone or event.batch.removeprefix(_UNDO) in undone:
            continue
        collection = _collection(event.field)
        clash = event.field in touched
        for kind, key in added:
            named = event.field.startswith(f"{kind}.{key}.") or key in (event.old, event.new)
            clash = clash or (collection == kind and named)
        if clash:
            raise ConflictError(
                t(
                    "undo.refused",
                    details=t(
                        "undo.clash",
                        actor=event.actor,
                        what=info.key,
                        field=event.field,
                        at=local_text(event.at),
                    ),
                )
            )
