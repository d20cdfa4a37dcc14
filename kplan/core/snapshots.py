"""Snapshots: named, frozen copies of a plan's whole state, and comparing them.

A snapshot keeps the plan file of the moment as JSON text, so it reads back
exactly as it was whatever happens to the plan later (a re-import, a renamed
owner, a deleted measure).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.core import permissions
from kplan.core.actor import now
from kplan.core.counts import figures, year_of
from kplan.core.diff import FieldChange, as_text, diff_plans
from kplan.core.events import insert_event
from kplan.core.permissions import SNAPSHOT_DELETE, SNAPSHOT_TAKE
from kplan.core.planfile import (
    COLLABORATION_KEYS,
    INDICATOR_KEYS,
    MEASURE_KEYS,
    ORGANISATION_KEYS,
    OWNER_KEYS,
    PLAN_KEYS,
    TOP_KEYS,
    parse_plan_document,
)
from kplan.domain import (
    COVERAGE_LEVELS,
    DEFAULT_LADDER,
    DEFAULT_LADDER_QUESTIONS,
    DEFAULT_PERSPECTIVES,
    DIRECTIONS,
    EDIT_POLICIES,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    MAX_LABEL_LENGTH,
    MAX_LADDER_STEPS,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    MIN_LADDER_STEPS,
    ORGANISATION_KINDS,
    PLAN_LANGUAGES,
    STATUSES,
    as_finite,
    as_utc,
    normalise_period,
)
from kplan.errors import InvalidValueError, NotFoundError, PlanFileError, Problem, closest
from kplan.i18n import t
from kplan.model import (
    FORMAT_VERSION,
    Collaboration,
    Indicator,
    Measure,
    Organisation,
    Owner,
    Plan,
    plan_to_document,
)
from kplan.moments import is_zone
from kplan.names import name_problem, nfc, same_as, visible
from kplan.store import plans as stored_plans
from kplan.store import rounds as stored_rounds
from kplan.store import snapshots as stored
from kplan.store.plans import PlanInfo
from kplan.store.snapshots import StoredSnapshot

if TYPE_CHECKING:
    from kplan.store.engine import Store
    from kplan.store.tx import Rows


@dataclass(frozen=True)
class SnapshotInfo:
    """A snapshot's name, when and by whom it was taken, and its size."""

    name: str
    taken_at: dt.datetime
    taken_by: str
    measures: int


def freeze(plan: Plan) -> str:
    """The plan as the JSON text a snapshot keeps."""

    def default(value: Any) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(plan_to_document(plan), ensure_ascii=False, default=default, sort_keys=False)


def thaw(content: str, name: str = "snapshot") -> Plan:
    """The Plan a snapshot's JSON text holds.

    A snapshot is read back as kplan wrote it, as the rows it was taken from
    are: in the shape ``freeze`` writes, every value of its type, every
    choice one of the valid ones and every reference to something the plan
    holds, so nothing read can trip a command up. Judging each text again by
    the plan-file rules cost most of the time of an export with a history
    (10 snapshots of 500 measures: 0.3 s); content in any other shape, such
    as a row changed by hand, goes to the plan-file reader, which says what
    is wrong with it.
    """
    source = f"snapshot '{name}'"
    try:
        document = json.loads(content)
    except (ValueError, RecursionError) as error:  # a row changed by hand: not JSON at all
        detail = error.msg if isinstance(error, json.JSONDecodeError) else type(error).__name__
        raise PlanFileError(source, [Problem("", t("snapshot.not_json", detail=detail))]) from None
    if not isinstance(document, dict):
        detail = type(document).__name__
        raise PlanFileError(source, [Problem("", t("snapshot.not_json", detail=detail))])
    plan = _as_written(document)
    if plan is None:
        plan = parse_plan_document(document, source)
    return plan


class _Unlike(Exception):
    """The document is not in the shape ``freeze`` writes."""


_ABSENT = object()
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STATUSES = frozenset(STATUSES)
_FOUR_P_PARTS = frozenset(FOUR_P_PARTS)
_FOUR_P_STATES = frozenset(FOUR_P_STATES)
_COVERAGE_LEVELS = frozenset(COVERAGE_LEVELS)
_DIRECTIONS = frozenset(DIRECTIONS)
_ORGANISATION_KINDS = frozenset(ORGANISATION_KINDS)
_EDIT_POLICIES = frozenset(EDIT_POLICIES)
_KEYS = {
    "top": frozenset(TOP_KEYS),
    "plan": frozenset(PLAN_KEYS),
    "organisation": frozenset(ORGANISATION_KEYS),
    "owner": frozenset(OWNER_KEYS),
    "measure": frozenset(MEASURE_KEYS),
    "collaboration": frozenset(COLLABORATION_KEYS),
    "indicator": frozenset(INDICATOR_KEYS),
}


def _table(value: Any, kind: str) -> dict[str, Any]:
    if type(value) is not dict or not _KEYS[kind].issuperset(value):
        raise _Unlike
    return value


def _tables(value: Any) -> list[Any]:
    if value is _ABSENT:
        return []
    if type(value) is not list:
        raise _Unlike
    return value


def _text(table: dict[str, Any], key: str, limit: int = MAX_NAME_LENGTH) -> str | None:
    """An optional text: absent is None; null, another type or too long is unlike."""
    value = table.get(key, _ABSENT)
    if value is _ABSENT:
        return None
    if type(value) is not str or len(value) > limit:
        raise _Unlike
    return value


def _required(table: dict[str, Any], key: str) -> str:
    value = table.get(key, _ABSENT)
    if type(value) is not str or len(value) > MAX_NAME_LENGTH or not value.strip():
        raise _Unlike
    return value


def _choice(table: dict[str, Any], key: str, valid: frozenset[str], default: str) -> str:
    value = table.get(key, _ABSENT)
    if value is _ABSENT:
        return default
    if type(value) is not str or value not in valid:
        raise _Unlike
    return value


def _boolean(table: dict[str, Any], key: str) -> bool:
    value = table.get(key, _ABSENT)
    if value is _ABSENT:
        return False
    if type(value) is not bool:
        raise _Unlike
    return value


def _language(table: dict[str, Any]) -> str | None:
    value = _text(table, "language")
    if value is not None and value not in PLAN_LANGUAGES:
        raise _Unlike
    return value


def _zone(table: dict[str, Any]) -> str | None:
    value = _text(table, "timezone")
    if value is not None and not is_zone(value):
        raise _Unlike
    return value


def _integer(table: dict[str, Any], key: str, low: int, high: int, default: int) -> int:
    value = table.get(key, _ABSENT)
    if value is _ABSENT:
        return default
    if type(value) is not int or not low <= value <= high:
        raise _Unlike
    return value


def _date(table: dict[str, Any], key: str) -> dt.date | None:
    value = table.get(key, _ABSENT)
    if value is _ABSENT:
        return None
    if type(value) is not str or not _DATE.fullmatch(value):
        raise _Unlike
    return dt.date.fromisoformat(value)  # a ValueError is unlike too


def _finite(value: Any) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    number = as_finite(value)
    if number is None:
        raise _Unlike
    return number


def _number(value: Any) -> float | None:
    return None if value is _ABSENT else _finite(value)


@functools.lru_cache(maxsize=1024)
def _canonical_period(period: str) -> bool:
    # A plan's indicators name the same few periods over and over.
    return normalise_period(period) == period


def _names(table: dict[str, Any], key: str, default: list[str]) -> list[str]:
    value = table.get(key, _ABSENT)
    if value is _ABSENT:
        return list(default)
    if type(value) is not list or any(
        type(item) is not str or len(item) > MAX_NAME_LENGTH for item in value
    ):
        raise _Unlike
    return list(value)


def _as_written(document: Any) -> Plan | None:
    """The plan in ``document`` if it is in the shape ``freeze`` writes, else None."""
    try:
        return _read_back(document)
    except (_Unlike, ValueError):
        return None


def _states_as_written(document: Any) -> Plan | None:
    """The states of the measures in ``document`` (see ``states``), or None if unlike."""
    # The same rules as _read_back's for these keys, written out: this runs for
    # every measure of every snapshot a page looks back on.
    try:
        top = _table(document, "top")
        version = top.get("kplan")
        if type(version) is not int or version != FORMAT_VERSION:
            raise _Unlike
        table = _table(top.get("plan"), "plan")
        plan = Plan(id=_required(table, "id"), title=_required(table, "title"))
        perspectives = plan.perspectives
        measures = plan.measures
        measure_keys = _KEYS["measure"]
        seen: set[str] = set()
        for row in _tables(top.get("measures", _ABSENT)):
            if type(row) is not dict or not measure_keys.issuperset(row):
                raise _Unlike
            key = _required(row, "id")
            status = row.get("status", "not-started")
            progress = row.get("progress", 0)
            if (
                type(status) is not str
                or status not in _STATUSES
                or type(progress) is not int
                or not 0 <= progress <= 100
            ):
                raise _Unlike
            four_p = dict.fromkeys(FOUR_P_PARTS, "not-started")
            written = row.get("four_p", _ABSENT)
            if written is not _ABSENT:
                if type(written) is not dict or not _FOUR_P_PARTS.issuperset(written):
                    raise _Unlike
                for part, state in written.items():
                    if type(state) is not str or state not in _FOUR_P_STATES:
                        raise _Unlike
                    four_p[part] = state
            seen.add(key)
            measures.append(
                Measure(
                    id=key,
                    title=_required(row, "title"),
                    owner=_required(row, "owner"),
                    status=status,
                    progress=progress,
                    four_p=four_p,
                    perspectives=dict.fromkeys(perspectives, "no"),
                )
            )
        if len(seen) != len(measures):
            raise _Unlike
    except _Unlike:
        return None
    return plan


def _read_back(document: Any) -> Plan:
    top = _table(document, "top")
    version = top.get("kplan")
    if type(version) is not int or version != FORMAT_VERSION:
        raise _Unlike
    table = _table(top.get("plan"), "plan")
    plan = Plan(
        id=_required(table, "id"),
        title=_required(table, "title"),
        organisation=_text(table, "organisation") or "",
        start=_date(table, "start"),
        end=_date(table, "end"),
        description=_text(table, "description", MAX_TEXT_LENGTH),
        perspectives=_names(table, "perspectives", list(DEFAULT_PERSPECTIVES)),
        ladder=_names(table, "ladder", list(DEFAULT_LADDER)),
        coordinators=_names(table, "coordinators", []),
        edit=_choice(table, "edit", _EDIT_POLICIES, "open"),
        language=_language(table),
        timezone=_zone(table),
        public=_boolean(table, "public"),
    )
    default_questions = (
        list(DEFAULT_LADDER_QUESTIONS)
        if plan.ladder == list(DEFAULT_LADDER)
        else [""] * len(plan.ladder)
    )
    plan.ladder_questions = _names(table, "ladder_questions", default_questions)
    perspectives = set(plan.perspectives)
    if (
        (plan.start and plan.end and plan.end < plan.start)
        or not MIN_LADDER_STEPS <= len(plan.ladder) <= MAX_LADDER_STEPS
        or len(plan.ladder_questions) != len(plan.ladder)
        or len(perspectives) != len(plan.perspectives)
        or len(set(plan.ladder)) != len(plan.ladder)
        or (plan.edit == "owners" and not plan.coordinators)
    ):
        raise _Unlike
    for raw in _tables(top.get("organisations", _ABSENT)):
        org = _table(raw, "organisation")
        plan.organisations.append(
            Organisation(
                id=_required(org, "id"),
                name=_required(org, "name"),
                kind=_choice(org, "kind", _ORGANISATION_KINDS, "other"),
            )
        )
    organisations = {org.id for org in plan.organisations}
    for raw in _tables(top.get("owners", _ABSENT)):
        row = _table(raw, "owner")
        owner = Owner(
            id=_required(row, "id"),
            name=_required(row, "name"),
            organisation=_text(row, "organisation"),
            email=_text(row, "email"),
        )
        if owner.organisation is not None and owner.organisation not in organisations:
            raise _Unlike
        plan.owners.append(owner)
    owners = {owner.id for owner in plan.owners}
    if (
        len(organisations) != len(plan.organisations)
        or len(owners) != len(plan.owners)
        or not owners.issuperset(plan.coordinators)
    ):
        raise _Unlike
    steps = len(plan.ladder)
    collaborations: set[str] = set()
    indicators: set[str] = set()
    for raw in _tables(top.get("measures", _ABSENT)):
        plan.measures.append(
            _measure(_table(raw, "measure"), perspectives, owners, organisations, steps)
        )
        for collaboration in plan.measures[-1].collaborations:
            if collaboration.id in collaborations:
                raise _Unlike
            collaborations.add(collaboration.id)
        for indicator in plan.measures[-1].indicators:
            if indicator.id in indicators:
                raise _Unlike
            indicators.add(indicator.id)
    if len({measure.id for measure in plan.measures}) != len(plan.measures):
        raise _Unlike
    return plan.complete()


def _measure(
    table: dict[str, Any],
    perspectives: set[str],
    owners: set[str],
    organisations: set[str],
    steps: int,
) -> Measure:
    measure = Measure(
        id=_required(table, "id"),
        title=_required(table, "title"),
        owner=_required(table, "owner"),
        goal=_text(table, "goal", MAX_TEXT_LENGTH) or "",
        area=_text(table, "area"),
        status=_choice(table, "status", _STATUSES, "not-started"),
        progress=_integer(table, "progress", 0, 100, 0),
        start=_date(table, "start"),
        due=_date(table, "due"),
        description=_text(table, "description", MAX_TEXT_LENGTH),
        situation=_text(table, "situation", MAX_TEXT_LENGTH),
        situation_public=_boolean(table, "situation_public"),
    )
    if measure.owner not in owners or (
        measure.start and measure.due and measure.due < measure.start
    ):
        raise _Unlike
    four_p = table.get("four_p", _ABSENT)
    if four_p is not _ABSENT:
        if type(four_p) is not dict or not _FOUR_P_PARTS.issuperset(four_p):
            raise _Unlike
        for part in four_p:
            measure.four_p[part] = _choice(four_p, part, _FOUR_P_STATES, "")
    coverage = table.get("perspectives", _ABSENT)
    if coverage is not _ABSENT:
        if type(coverage) is not dict or not perspectives.issuperset(coverage):
            raise _Unlike
        for perspective in coverage:
            measure.perspectives[perspective] = _choice(coverage, perspective, _COVERAGE_LEVELS, "")
    for raw in _tables(table.get("collaborations", _ABSENT)):
        row = _table(raw, "collaboration")
        actors = _names(row, "actors", [])
        if (
            "actors" not in row
            or not actors
            or len(set(actors)) != len(actors)
            or not organisations.issuperset(actors)
        ):
            raise _Unlike
        measure.collaborations.append(
            Collaboration(
                id=_required(row, "id"),
                name=_required(row, "name"),
                actors=actors,
                step=_integer(row, "step", 1, steps, 1),
                note=_text(row, "note", MAX_TEXT_LENGTH),
            )
        )
    for raw in _tables(table.get("indicators", _ABSENT)):
        row = _table(raw, "indicator")
        indicator = Indicator(
            id=_required(row, "id"),
            name=_required(row, "name"),
            unit=_text(row, "unit") or "",
            baseline=_number(row.get("baseline", _ABSENT)),
            target=_number(row.get("target", _ABSENT)),
            direction=_choice(row, "direction", _DIRECTIONS, "increase"),
        )
        values = row.get("values", _ABSENT)
        if values is not _ABSENT:
            if type(values) is not dict:
                raise _Unlike
            for period, value in values.items():
                # As freeze writes them: each period once, in its canonical spelling.
                if type(period) is not str or not _canonical_period(period):
                    raise _Unlike
                indicator.values[period] = _finite(value)
        groups = row.get("groups", _ABSENT)
        if groups is not _ABSENT:
            indicator.groups = _groups(groups)
        source = row.get("source", _ABSENT)
        if source is not _ABSENT:
            if type(source) is not dict:
                raise _Unlike
            indicator.source = source
        measure.indicators.append(indicator)
    return measure


def _groups(raw: Any) -> dict[str, dict[str, dict[str, float]]]:
    """An indicator's values split by group, as freeze writes them (schema 7 and later)."""
    if type(raw) is not dict:
        raise _Unlike
    found: dict[str, dict[str, dict[str, float]]] = {}
    for perspective, by_group in raw.items():
        if type(perspective) is not str or type(by_group) is not dict:
            raise _Unlike
        found[perspective] = {}
        for group, series in by_group.items():
            if type(group) is not str or type(series) is not dict:
                raise _Unlike
            values: dict[str, float] = {}
            for period, value in series.items():
                if type(period) is not str or not _canonical_period(period):
                    raise _Unlike
                values[period] = _finite(value)
            found[perspective][group] = values
    return found


def check_name(name: str) -> str:
    """A snapshot or round name: trimmed, in NFC, 1 to 100 printable characters."""
    cleaned = nfc(name.strip())
    if not cleaned or len(cleaned) > MAX_LABEL_LENGTH:
        raise InvalidValueError(t("snapshot.bad_name", name=visible(name)))
    problem = name_problem(cleaned, MAX_LABEL_LENGTH)
    if problem is not None:
        raise InvalidValueError(problem)
    return cleaned


def names_taken(rows: Rows, info: PlanInfo) -> tuple[list[str], list[str]]:
    """The names of the plan's snapshots and of its rounds, open or closed."""
    return (
        stored.snapshot_names(rows, info.row_id),
        stored_rounds.round_names(rows, info.row_id),
    )


def refuse_same_name(name: str, others: list[str], kind: str) -> None:
    """Refuse ``name`` if it counts as the same as one of ``others`` (a round's or a snapshot's)."""
    other = same_as(name, others)
    if other is not None:
        raise InvalidValueError(
            t("names.taken", name=visible(name), kind=t(kind), other=visible(other))
        )


def _find(rows: Rows, info: PlanInfo, name: str) -> StoredSnapshot:
    """The plan's snapshot named ``name`` (in any Unicode spelling)."""
    wanted = nfc(name)
    found = stored.snapshot_named(rows, info.row_id, wanted)
    if found is None:
        names = stored.snapshot_names(rows, info.row_id)
        shown = visible(name)
        if not names:
            raise NotFoundError(t("snapshot.none", name=shown))
        suggestion = closest(wanted, names)
        hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
        raise NotFoundError(t("snapshot.unknown", name=shown, valid=", ".join(names), hint=hint))
    return found


def find_snapshot(rows: Rows, info: PlanInfo, name: str) -> StoredSnapshot:
    """The plan's snapshot named ``name``, or an error naming the valid ones."""
    return _find(rows, info, name)


def _check_coordinator(actor: str, info: PlanInfo, action: str) -> None:
    permissions.check_coordinator(
        actor,
        policy=info.edit,
        coordinators=info.coordinators,
        plan=info.key,
        action=action,
    )


def log(
    rows: Rows,
    info: PlanInfo,
    actor: str,
    at: dt.datetime,
    change: FieldChange,
    note: str | None = None,
) -> None:
    """Append one event of its own batch (a round's or a snapshot's step) to the plan's log."""
    insert_event(
        rows,
        plan_id=info.row_id,
        actor=actor,
        batch=uuid.uuid4().hex,
        at=at,
        change=change,
        note=note,
    )


def take_in(rows: Rows, info: PlanInfo, name: str, actor: str, at: dt.datetime) -> None:
    """Take a snapshot inside an open write transaction (rounds close with one)."""
    if stored.snapshot_named(rows, info.row_id, name) is not None:
        raise InvalidValueError(t("snapshot.exists", name=name))
    refuse_same_name(name, stored.snapshot_names(rows, info.row_id), "names.kind_snapshot")
    plan = stored_plans.load_plan(rows, info)
    content = freeze(plan)
    states = stored.states_of(json.loads(content))
    if states is not None:
        # The year's counts for kplan trend and the reports' development
        # section, so they need not thaw the whole plan again (kplan.core.counts).
        states["figures"] = figures(plan, year_of(name, at))
    stored.insert_snapshot(
        rows,
        info.row_id,
        name=name,
        taken_at=at,
        taken_by=actor,
        content=content,
        states=json.dumps(states, ensure_ascii=False),
    )
    log(rows, info, actor, at, FieldChange("snapshot.take", None, name))


def take(store: Store, name: str, *, actor: str, plan: str | None = None) -> str:
    """Take a snapshot of the plan now; returns its name."""
    name = check_name(name)
    with store.writing() as rows:
        info = stored_plans.select_plan(rows, plan)
        _check_coordinator(actor, info, SNAPSHOT_TAKE)
        # A round's snapshot is taken when it closes, under the round's name.
        rounds = stored_rounds.round_names(rows, info.row_id)
        if name in rounds:
            raise InvalidValueError(t("snapshot.name_is_round", name=name))
        refuse_same_name(name, rounds, "names.kind_round")
        take_in(rows, info, name, actor, now())
    return name


def listing(store: Store, plan: str | None = None) -> list[SnapshotInfo]:
    """The plan's snapshots, oldest first."""
    with store.reading() as rows:
        found = stored.snapshots(rows, stored_plans.select_plan(rows, plan).row_id)
    return [SnapshotInfo(s.name, s.taken_at, s.taken_by, _size(s.content)) for s in found]


def _size(content: str) -> int:
    """How many measures a snapshot holds; 0 for content kplan did not write.

    The listing names every snapshot even so, so that a damaged one can be
    found and deleted; reading it says what is wrong with it.
    """
    try:
        measures = json.loads(content).get("measures")
    except (ValueError, RecursionError, AttributeError):
        return 0
    return len(measures) if isinstance(measures, list) else 0


def delete(store: Store, name: str, *, actor: str, plan: str | None = None) -> None:
    """Delete a snapshot (the event log keeps that it existed)."""
    with store.writing() as rows:
        info = stored_plans.select_plan(rows, plan)
        _check_coordinator(actor, info, SNAPSHOT_DELETE)
        found = _find(rows, info, name)
        stored.delete_snapshot(rows, info.row_id, found.name)
        log(rows, info, actor, now(), FieldChange("snapshot.delete", name, None))


def load(store: Store, name: str, plan: str | None = None) -> tuple[Plan, dt.datetime]:
    """A snapshot's plan and when it was taken."""
    with store.reading() as rows:
        found = _find(rows, stored_plans.select_plan(rows, plan), name)
    return thaw(found.content, found.name), found.taken_at


def history(
    store: Store, plan: str | None = None, *, states_only: bool = False
) -> list[tuple[str, dt.datetime, Plan]]:
    """Every snapshot of the plan with its content, oldest first.

    With ``states_only`` each snapshot holds just what a page that draws
    how the plan moved needs (the HTML export): the plan's id and title, and
    each measure's id, title, owner, status, progress and Fyra P. Reading
    only those is several times faster than thawing ten snapshots of a big
    plan whole. A snapshot in any other shape than ``freeze`` writes is
    thawed whole, which says what is wrong with it.
    """
    with store.reading() as rows:
        info = stored_plans.select_plan(rows, plan)
        if not states_only:
            found = stored.snapshots(rows, info.row_id)
            return [(s.name, s.taken_at, thaw(s.content, s.name)) for s in found]
        kept = stored.snapshot_states(rows, info.row_id)
        result = []
        for snap in kept:
            states = _states(snap.states)
            if states is None:
                # No states kept, or not as kplan writes them: the whole content
                # is read, and says what is wrong with it.
                whole = stored.snapshot_named(rows, info.row_id, snap.name)
                states = thaw(whole.content if whole else "", snap.name)
            result.append((snap.name, snap.taken_at, states))
    return result


def _states(text: str | None) -> Plan | None:
    if text is None:
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if type(document) is dict:
        # The counts kept beside the states are kplan trend's (kplan.core.trend).
        document.pop("figures", None)
    return _states_as_written(document)


SUMMARY_KINDS = (
    "status",
    "progress",
    "step",
    "four_p",
    "perspectives",
    "values",
    "added",
    "removed",
    "other",
)


def _kind(change: FieldChange) -> str:
    if change.field in ("measure", "collaboration", "indicator"):
        return "added" if change.old is None else "removed" if change.new is None else "other"
    if change.field.startswith("groups."):
        return "values"  # a group's value is an indicator value, split
    for prefix in ("four_p.", "perspectives.", "values."):
        if change.field.startswith(prefix):
            return prefix.rstrip(".")
    return change.field if change.field in ("status", "progress", "step") else "other"


def compare(old: Plan, new: Plan) -> dict[str, Any]:
    """What changed from ``old`` to ``new``, per measure, then summary counts."""
    titles = {m.id: m.title for m in new.measures}
    # A measure gone since keeps its old title.
    titles |= {m.id: m.title for m in old.measures if m.id not in titles}
    changes = diff_plans(old, new)
    order = [m.id for m in new.measures] + [m.id for m in old.measures]
    per_measure: dict[str, list[dict[str, Any]]] = {}
    plan_changes: list[dict[str, Any]] = []
    summary = dict.fromkeys(SUMMARY_KINDS, 0)
    for change in changes:
        entry = {
            "field": change.field,
            "collaboration": change.collaboration,
            "indicator": change.indicator,
            "old": as_text(change.old),
            "new": as_text(change.new),
        }
        summary[_kind(change)] += 1
        if change.measure is None:
            plan_changes.append(entry)
        else:
            per_measure.setdefault(change.measure, []).append(entry)
    measures = [
        {"id": key, "title": titles.get(key, ""), "changes": per_measure[key]}
        for key in dict.fromkeys(order)
        if key in per_measure
    ]
    summary["measures_changed"] = len(measures)
    return {"measures": measures, "plan": plan_changes, "summary": summary}


def diff(
    store: Store, first: str, second: str | None = None, plan: str | None = None
) -> dict[str, Any]:
    """Compare snapshot ``first`` with snapshot ``second`` or, without it, the current state."""
    return explained_diff(store, first, second, plan, notes=False).result


@dataclass(frozen=True)
class ExplainedDiff:
    """A diff (``result``, as ``diff`` gives it) with both states and why things changed.

    Each change entry of ``result`` holds ``notes``: the notes of the events
    between the two states that set that field (oldest first, each once).
    ``old`` and ``new`` are the two states, whose names the change is told in.
    """

    result: dict[str, Any]
    old: Plan
    new: Plan


def explained_diff(
    store: Store,
    first: str,
    second: str | None = None,
    plan: str | None = None,
    *,
    notes: bool = True,
) -> ExplainedDiff:
    """``diff``, with the two states and (``notes``) each change's notes from the event log."""
    # One transaction: both sides and the log are read from the same state of the store.
    with store.reading() as rows:
        info = stored_plans.select_plan(rows, plan)
        older = _find(rows, info, first)
        old = thaw(older.content, older.name)
        until: dt.datetime | None = None
        if second is None:
            new = stored_plans.load_plan(rows, info)
        else:
            newer = _find(rows, info, second)
            new = thaw(newer.content, newer.name)
            until = newer.taken_at
        logged = stored_plans.events(rows, info, since=older.taken_at, limit=0) if notes else []
    result = {"from": first, "to": second, **compare(old, new)}
    if not notes:
        return ExplainedDiff(result, old, new)
    found: dict[tuple[Any, ...], list[str]] = {}
    for event in reversed(logged):  # oldest first
        at = dt.datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
        if not event["note"] or (until is not None and at > as_utc(until)):
            continue
        key = (event["measure"], event["collaboration"], event["indicator"], event["field"])
        kept = found.setdefault(key, [])
        if event["note"] not in kept:
            kept.append(event["note"])
    entries = [(None, c) for c in result["plan"]]
    entries += [(m["id"], c) for m in result["measures"] for c in m["changes"]]
    for measure, entry in entries:
        key = (measure, entry["collaboration"], entry["indicator"], entry["field"])
        entry["notes"] = found.get(key, [])
    return ExplainedDiff(result, old, new)
