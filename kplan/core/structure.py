"""Structure changes: measures, collaborations and indicators added, edited and removed.

A structure change edits the plan as a plan file would: the stored plan is
read as a plan-file document, the change is made to that document, and the
document is checked by the plan file's own rules (``kplan.core.planfile``,
from the one specification ``kplan.core.planspec``), so every problem is
reported at once and a word the plan file accepts (a Swedish direction, say)
is accepted here too. What differs from the stored plan is then written
(``save_plan`` writes only that) and logged one event per field, named as
an import names them (``kplan.core.diff``), in one batch and one write
transaction.

``kplan undo`` reverts such a batch with ``revert``: a removed thing's event
carries its whole plan-file table (as JSON) in ``old``, so it comes back whole.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kplan.address import WHOLE_ITEMS, removed_table
from kplan.core.actor import check_note, now
from kplan.core.changes import ChangeResult, ConflictError
from kplan.core.diff import FieldChange, diff_plans
from kplan.core.events import insert_event
from kplan.core.permissions import SETTINGS, check_coordinator, check_structure
from kplan.core.planfile import parse_plan_document
from kplan.domain import parse_integer, parse_number
from kplan.errors import InvalidValueError, KplanError, PlanFileError, UsageError, unknown
from kplan.i18n import t
from kplan.model import Plan, plan_to_document
from kplan.names import check_id, visible
from kplan.store import plans
from kplan.store.events import count_measure_events

if TYPE_CHECKING:
    from kplan.store.engine import Store
    from kplan.store.events import LoggedEvent
    from kplan.store.plans import PlanInfo
    from kplan.store.tx import Rows

# A structure change's events share a batch id with this prefix, so that
# ``kplan undo`` knows to revert it with ``revert``.
STRUCTURE_BATCH = "edit:"

KINDS = WHOLE_ITEMS
ACTIONS = ("add", "edit", "remove")

# The plan-file keys each kind's command sets (the command's options).
FIELDS = {
    "measure": ("title", "owner", "area", "goal", "start", "due", "description"),
    "collaboration": ("name", "measure", "actors", "step", "note"),
    "indicator": ("name", "unit", "measure", "baseline", "target", "direction"),
}
# The plan-file keys a command sets with a flag (``--situation-public``), as
# ``true`` or ``false``: not a text field of the kind's form.
FLAGS = {"measure": ("situation_public",), "collaboration": (), "indicator": ()}
# The plan's settings ``kplan plan edit`` changes (kplan.core.settings), as
# plan-file keys of ``[plan]``; their events are named ``plan.KEY``. The
# ladder's step names and the perspectives are not among them: stored steps
# and levels are kept by them.
PLAN_SETTINGS = (
    "title",
    "start",
    "end",
    "description",
    "coordinators",
    "edit",
    "ladder_questions",
    "language",
    "timezone",
    "public",
)
# Keys a table must keep: an empty value is refused, not removed.
_REQUIRED = {"title", "owner", "name", "measure", "actors"}
# The plan-file list holding each kind inside a measure's table.
_LIST = {"collaboration": "collaborations", "indicator": "indicators"}


class StructureError(InvalidValueError):
    """A structure change the plan's rules refuse: every problem, one per line (exit 1)."""


@dataclass
class Edit:
    """One structure change as a command asks for it.

    ``values`` maps a plan-file key of ``FIELDS[kind]`` to the text given
    for it (an empty text clears an optional key); keys not given stay as
    they are. ``force`` lets a measure with a history be removed.
    """

    kind: str
    action: str
    key: str
    values: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    expect_version: int | None = None
    force: bool = False


def edit_plan(store: Store, edit: Edit, *, actor: str, plan: str | None = None) -> ChangeResult:
    """Check ``edit`` against the plan's rules, then write it with its events, or raise.

    Nothing is written when anything is wrong: an unknown id (exit 1), a
    value the plan file would refuse (every one, exit 1), a stale
    ``expect_version`` (exit 3), a change the plan's edit policy keeps from
    ``actor`` (exit 4), a measure with a history removed without ``force``.
    """
    if edit.kind not in KINDS or edit.action not in ACTIONS:
        raise ValueError(f"{edit.kind} {edit.action}")
    check_note(edit.note)
    unknown_keys = set(edit.values) - set(FIELDS[edit.kind]) - set(FLAGS[edit.kind])
    if unknown_keys:
        raise ValueError(", ".join(sorted(unknown_keys)))
    with store.writing() as rows:
        info = plans.select_plan(rows, plan)
        old = plans.load_plan(rows, info)
        document = plan_to_document(old)
        _change_document(document, old, edit)
        new = _checked(document)
        _check_version(old, edit)
        changes = diff_plans(old, new)
        _check_permission(info, old, edit, changes, actor)
        if (
            edit.kind == "measure"
            and edit.action == "remove"
            and not edit.force
            and count_measure_events(rows, info.row_id, edit.key)
        ):
            raise UsageError(t("structure.remove_needs_force", key=visible(edit.key)))
        return write_changes(rows, info, old, new, changes, actor=actor, note=edit.note)


def write_changes(
    rows: Rows,
    info: PlanInfo,
    old: Plan,
    new: Plan,
    changes: list[FieldChange],
    *,
    actor: str,
    note: str | None,
    batch: str | None = None,
) -> ChangeResult:
    """Save ``new`` over ``old`` and log ``changes`` in one batch (a removal carries its table)."""
    result = ChangeResult(batch=batch or STRUCTURE_BATCH + uuid.uuid4().hex)
    if not changes:
        return result
    changes = [_with_removed_table(old, change) for change in changes]
    plans.save_plan(rows, new)
    at = now()
    for change in changes:
        insert_event(
            rows,
            plan_id=info.row_id,
            actor=actor,
            batch=result.batch,
            at=at,
            change=change,
            note=note,
        )
    result.changes.extend(changes)
    return result


# --- the document ------------------------------------------------------------


def _find_measure(document: dict[str, Any], key: str) -> tuple[int, dict[str, Any]] | None:
    for index, table in enumerate(document["measures"]):
        if table["id"] == key:
            return index, table
    return None


def _find_child(
    document: dict[str, Any], kind: str, key: str
) -> tuple[dict[str, Any], int, dict[str, Any]] | None:
    """The measure table holding the ``kind`` with id ``key``, its position and its table."""
    for measure in document["measures"]:
        for index, table in enumerate(measure.get(_LIST[kind], [])):
            if table["id"] == key:
                return measure, index, table
    return None


def _keys_of(plan: Plan, kind: str) -> list[str]:
    if kind == "measure":
        return [m.id for m in plan.measures]
    return [item.id for m in plan.measures for item in getattr(m, _LIST[kind])]


def _change_document(document: dict[str, Any], plan: Plan, edit: Edit) -> None:
    """Make ``edit`` in the plan-file ``document`` of ``plan`` (checked afterwards)."""
    key = check_id(edit.key)
    exists = key in _keys_of(plan, edit.kind)
    if edit.action == "add":
        if exists:
            raise InvalidValueError(
                t("structure.exists", kind=t(f"kind.{edit.kind}"), key=visible(key))
            )
    elif not exists:
        raise unknown(f"kind.{edit.kind}", key, _keys_of(plan, edit.kind))
    if edit.action == "edit" and not edit.values:
        raise UsageError(t("structure.nothing", kind=t(f"kind.{edit.kind}")))

    if edit.kind == "measure":
        if edit.action == "remove":
            found = _find_measure(document, key)
            assert found is not None
            del document["measures"][found[0]]
            return
        if edit.action == "add":
            table: dict[str, Any] = {"id": key}
            document["measures"].append(table)
        else:
            found = _find_measure(document, key)
            assert found is not None
            table = found[1]
        _set_values(table, edit.values)
        return

    child = _find_child(document, edit.kind, key)
    if edit.action == "remove":
        assert child is not None
        del child[0][_LIST[edit.kind]][child[1]]
        return
    values = dict(edit.values)
    measure_key = values.pop("measure", None)
    if edit.action == "add":
        table = {"id": key}
        if measure_key is None:
            raise UsageError(t("structure.needs_measure", kind=t(f"kind.{edit.kind}")))
    else:
        assert child is not None
        table = child[2]
    if measure_key is not None:
        target = _find_measure(document, check_id(measure_key))
        if target is None:
            raise unknown("kind.measure", measure_key, _keys_of(plan, "measure"))
        if child is not None and child[0] is not target[1]:
            del child[0][_LIST[edit.kind]][child[1]]
            child = None
        if child is None:
            target[1].setdefault(_LIST[edit.kind], []).append(table)
    _set_values(table, values)


def _set_values(table: dict[str, Any], values: dict[str, str]) -> None:
    """Give ``table`` the values a command gave, as a plan file would hold them."""
    for name, text in values.items():
        if text == "" and name not in _REQUIRED:
            table.pop(name, None)
            continue
        table[name] = _as_file_value(name, text)


def _as_file_value(name: str, text: str) -> Any:
    """A command's text as the plan file's value of key ``name``.

    What cannot be read as the key's kind is left as text, for the plan
    file's checks to refuse with their own message.
    """
    if name == "actors":
        return [part.strip() for part in text.split(",") if part.strip()]
    if name == "step":
        number = parse_integer(text.strip())
        return text if number is None else number
    if name in ("baseline", "target"):
        value = parse_number(text.strip())
        return text if value is None else value
    if name in _BOOLEANS:
        return {"true": True, "false": False}.get(text, text)
    return text


def _checked(document: dict[str, Any]) -> Plan:
    """The plan the document describes, or StructureError with every problem."""
    try:
        return parse_plan_document(document)
    except PlanFileError as error:
        raise StructureError(
            "\n".join(_problem_line(p.path, p.message) for p in error.problems)
        ) from None


def _problem_line(path: str, message: str) -> str:
    # measures[23].collaborations[2].actors[1] -> --actors: the option's name.
    last = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if last in _OPTIONS:
        return f"--{last}: {message}"
    return f"{visible(last)}: {message}" if last else message


_OPTIONS = frozenset(name for names in FIELDS.values() for name in names)


def _version_of(plan: Plan, kind: str, key: str) -> int | None:
    for measure in plan.measures:
        if kind == "measure":
            if measure.id == key:
                return measure.version
            continue
        for item in getattr(measure, _LIST[kind]):
            if item.id == key:
                return int(item.version)
    return None


def _check_version(plan: Plan, edit: Edit) -> None:
    if edit.expect_version is None or edit.action == "add":
        return
    version = _version_of(plan, edit.kind, edit.key)
    if version is not None and version != edit.expect_version:
        raise ConflictError(
            t(
                "change.conflict",
                kind=t(f"kind.{edit.kind}"),
                key=visible(edit.key),
                expected=edit.expect_version,
                version=version,
                since="",
            ),
            cli_hint=t("change.conflict_retry", version=version),
        )


def _check_permission(
    info: PlanInfo, plan: Plan, edit: Edit, changes: list[FieldChange], actor: str
) -> None:
    """Apply the plan's edit policy (kplan.core.permissions.check_structure holds the rule)."""
    owner = None
    if edit.kind == "measure":
        measure = plan.measure(edit.key)
        owner = measure.owner if measure is not None else None
    text_edit = edit.kind == "measure" and edit.action == "edit"
    check_structure(
        actor,
        policy=info.edit,
        coordinators=info.coordinators,
        owner=owner if text_edit else None,
        fields=sorted({change.field for change in changes}),
        what=f"{t(f'kind.{edit.kind}')} {edit.key}",
    )


# --- removed things carry their table -----------------------------------------


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _with_removed_table(old: Plan, change: FieldChange) -> FieldChange:
    """A removal's event with the removed thing's plan-file table (JSON) as its old value."""
    if change.field not in KINDS or change.new is not None or change.old is None:
        return change
    if change.field == "measure" and (change.collaboration or change.indicator):
        return change  # a collaboration or indicator moved to another measure
    document = plan_to_document(old)
    kept: dict[str, Any]
    if change.field == "measure":
        found = _find_measure(document, str(change.old))
        if found is None:
            return change
        kept = {"position": found[0], "measure": found[1]}
    else:
        child = _find_child(document, change.field, str(change.old))
        if child is None:
            return change
        kept = {"measure": child[0]["id"], "position": child[1], change.field: child[2]}
    kept["versions"] = _versions(old, change.field, str(change.old))
    text = json.dumps(kept, ensure_ascii=False, default=_json_default)
    return FieldChange(
        change.field,
        text,
        None,
        measure=change.measure,
        collaboration=change.collaboration,
        indicator=change.indicator,
    )


def _versions(plan: Plan, kind: str, key: str) -> dict[str, dict[str, int]]:
    """The store versions of a thing removed and of what goes with it, by kind and id.

    Kept with the removal so that ``kplan undo`` brings the thing back above
    the version it had: an ``--expect-version`` read before the removal is
    then refused, as after any other change.
    """
    versions: dict[str, dict[str, int]] = {}
    for measure in plan.measures:
        if kind == "measure" and measure.id == key:
            versions["measure"] = {measure.id: measure.version}
            versions["collaboration"] = {c.id: c.version for c in measure.collaborations}
            versions["indicator"] = {i.id: i.version for i in measure.indicators}
        elif kind != "measure":
            for item in getattr(measure, _LIST[kind]):
                if item.id == key:
                    versions[kind] = {item.id: int(item.version)}
    return versions


def _restored_versions(events: list[LoggedEvent]) -> dict[str, dict[str, int]]:
    """What the removals among ``events`` kept of the removed things' versions."""
    versions: dict[str, dict[str, int]] = {}
    for event in events:
        kept = removed_table(event.old) if event.field in KINDS and event.new is None else None
        found = kept.get("versions") if kept is not None else None
        if not isinstance(found, dict):
            continue
        for kind, keyed in found.items():
            if kind in KINDS and isinstance(keyed, dict):
                versions.setdefault(kind, {}).update(
                    {
                        str(key): version
                        for key, version in keyed.items()
                        if isinstance(version, int) and not isinstance(version, bool)
                    }
                )
    return versions


# --- undo ----------------------------------------------------------------------


def is_plan_setting(event: LoggedEvent) -> bool:
    """Whether ``event`` changed one of the plan's settings (``plan.title``...)."""
    name = event.field
    return (
        event.measure is None
        and name.startswith("plan.")
        and name.removeprefix("plan.") in PLAN_SETTINGS
    )


def revert(
    rows: Rows, info: PlanInfo, events: list[LoggedEvent], *, actor: str, batch: str, note: str
) -> ChangeResult:
    """Revert a structure batch's ``events`` (newest first) inside the caller's transaction.

    The caller (``kplan.core.undo``) has checked that nobody changed the
    same things since. The plan as reverted is checked by the plan file's
    rules; a plan that no longer allows it (an owner since removed) is
    refused with exit 3, like any other clash.
    """
    if any(is_plan_setting(event) for event in events):
        # The plan's settings are the coordinators' under "owners", undone too.
        check_coordinator(
            actor,
            policy=info.edit,
            coordinators=info.coordinators,
            plan=info.key,
            action=SETTINGS,
        )
    current = plans.load_plan(rows, info)
    document = plan_to_document(current)
    for event in reversed(events):
        _revert_event(document, event)
    try:
        reverted = parse_plan_document(document)
    except PlanFileError as error:
        raise ConflictError(
            t(
                "structure.cannot_revert",
                problems="; ".join(_problem_line(p.path, p.message) for p in error.problems),
            )
        ) from None
    changes = diff_plans(current, reverted)
    # Undo is a change made now, by whoever undoes: the policy is asked again,
    # so a coordinator no longer cannot undo what she did as one.
    _check_revert_permission(info, current, changes, actor)
    result = write_changes(
        rows, info, current, reverted, changes, actor=actor, note=note, batch=batch
    )
    restored = {(change.field, str(change.new)) for change in changes if change.old is None}
    for kind, keyed in _restored_versions(events).items():
        plans.continue_versions(
            rows,
            info,
            kind,
            {key: version + 1 for key, version in keyed.items() if (kind, key) in restored},
        )
    return result


def _check_revert_permission(
    info: PlanInfo, current: Plan, changes: list[FieldChange], actor: str
) -> None:
    """Apply the edit policy to what an undo changes, as to the command it reverts."""
    structural = [change for change in changes if change.measure is not None]
    if not structural:
        return
    first = structural[0]
    measures = {change.measure for change in structural}
    own_fields = len(measures) == 1 and all(
        change.collaboration is None
        and change.indicator is None
        and change.field not in WHOLE_ITEMS
        for change in structural
    )
    measure = current.measure(str(first.measure)) if own_fields else None
    if first.collaboration is not None:
        what = f"{t('kind.collaboration')} {first.collaboration}"
    elif first.indicator is not None:
        what = f"{t('kind.indicator')} {first.indicator}"
    else:
        what = f"{t('kind.measure')} {first.measure}"
    check_structure(
        actor,
        policy=info.edit,
        coordinators=info.coordinators,
        owner=measure.owner if measure is not None else None,
        fields=sorted({change.field for change in structural}),
        what=what,
    )


_NUMBERS = {"baseline", "target"}
_INTEGERS = {"progress", "step"}
# Values an event (and a command) keeps as the text true or false.
_BOOLEANS = {"public", "situation_public"}
# Values an event keeps as JSON lists.
_LISTS = {"actors", "coordinators", "ladder_questions"}


def _from_text(name: str, text: str | None) -> Any:
    """An event's text back as the plan file's value of key ``name``."""
    if text is None:
        return None
    if name in _INTEGERS:
        return int(text)
    if name in _NUMBERS:
        return float(text)
    if name in _LISTS:
        return json.loads(text)
    if name in _BOOLEANS:
        return text == "true"
    return text


def _revert_event(document: dict[str, Any], event: LoggedEvent) -> None:
    """Undo one event of a structure batch in the plan-file document."""
    name = event.field
    if is_plan_setting(event):
        setting = name.removeprefix("plan.")
        value = _from_text(setting, event.old)
        if value is None:
            document["plan"].pop(setting, None)
        else:
            document["plan"][setting] = value
        return
    kind = "collaboration" if event.collaboration else "indicator" if event.indicator else "measure"
    key = event.collaboration or event.indicator or event.measure or ""
    if name in KINDS and name == kind:
        if event.old is None and event.new is not None:
            _drop(document, kind, event.new)
        elif event.new is None:
            kept = removed_table(event.old)
            if kept is not None:
                _restore(document, kind, kept)
        return
    if name == "measure":
        # A collaboration or indicator moved: back to its old measure.
        child = _find_child(document, kind, key)
        target = _find_measure(document, event.old or "")
        if child is None or target is None:
            raise KplanError(t("structure.cannot_revert", problems=visible(key)))
        del child[0][_LIST[kind]][child[1]]
        target[1].setdefault(_LIST[kind], []).append(child[2])
        return
    if kind == "measure":
        found = _find_measure(document, key)
        table = found[1] if found is not None else None
    else:
        child = _find_child(document, kind, key)
        table = child[2] if child is not None else None
    if table is None:
        raise ConflictError(t("structure.cannot_revert", problems=visible(key)))
    value = _from_text(name, event.old)
    if value is None:
        table.pop(name, None)
    else:
        table[name] = value


def _drop(document: dict[str, Any], kind: str, key: str) -> None:
    if kind == "measure":
        found = _find_measure(document, key)
        if found is not None:
            del document["measures"][found[0]]
        return
    child = _find_child(document, kind, key)
    if child is not None:
        del child[0][_LIST[kind]][child[1]]


def _restore(document: dict[str, Any], kind: str, kept: dict[str, Any]) -> None:
    """Put a removed thing's table back where it was (unless it is there already)."""
    position = kept.get("position")
    position = position if isinstance(position, int) else None
    if kind == "measure":
        table = kept.get("measure")
        if not isinstance(table, dict) or _find_measure(document, str(table.get("id"))) is not None:
            return
        measures = document["measures"]
        measures.insert(len(measures) if position is None else position, copy.deepcopy(table))
        return
    table = kept.get(kind)
    if not isinstance(table, dict) or _find_child(document, kind, str(table.get("id"))) is not None:
        return
    found = _find_measure(document, str(kept.get("measure")))
    if found is None:
        raise ConflictError(
            t("structure.cannot_revert", problems=visible(str(kept.get("measure"))))
        )
    items = found[1].setdefault(_LIST[kind], [])
    items.insert(len(items) if position is None else position, copy.deepcopy(table))
