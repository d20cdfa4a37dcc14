"""Plans in the store: choosing one, loading it (whole, in part, or as an outline), saving it.

``kplan list``, ``show``, ``log`` and the TUI only read. Building ORM objects
and importing SQLAlchemy costs them far more than the reading itself, so they
read through these functions instead: each query is written once, as SQL
text with ``:named`` parameters, and handed to whatever ``Rows`` the store
provides (the standard library's sqlite3 for an SQLite file, an SQLAlchemy
connection otherwise; see ``kplan.store.engine``). The tables and columns are
those of ``kplan.store.models``, the one definition of the schema.
``save_plan`` (an import) writes a whole plan the same way, in bulk.

Values arrive as each driver gives them (SQLite: dates and JSON as text;
PostgreSQL: as Python objects), so every conversion accepts both. Values are
written as SQLAlchemy's column types wrote them before, so a store keeps one
form throughout: lists as ``json.dumps`` text, and in SQLite dates as ISO
text (the transaction's own conversion, see ``kplan.store.engine``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from kplan.domain import FOUR_P_PARTS, as_utc
from kplan.errors import NotFoundError, closest, unknown
from kplan.i18n import t
from kplan.moments import plan_zone, read_in
from kplan.names import check_id
from kplan.store.tx import Rows

if TYPE_CHECKING:
    # The plan model is imported where a Plan is read or saved: a whole
    # list (measure_rows) goes without it.
    from kplan.model import Collaboration, Indicator, Measure, Plan


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return list(value)
    return list(json.loads(value)) if value else []


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass
class PlanInfo:
    """A plan's row: its store id and settings, without its measures."""

    row_id: int
    key: str
    title: str
    organisation: str
    start: dt.date | None
    end: dt.date | None
    description: str | None
    perspectives: list[str] = field(default_factory=list)
    ladder: list[str] = field(default_factory=list)
    ladder_questions: list[str] = field(default_factory=list)
    coordinators: list[str] = field(default_factory=list)
    edit: str = "open"
    language: str | None = None
    timezone: str | None = None
    public: bool = False

    @property
    def zone(self) -> str:
        """The zone the plan's moments are shown in (its own, or its language's default)."""
        return plan_zone(self.language, self.timezone)


_PLAN_COLUMNS = (
    'id, key, title, organisation, start, "end", description, perspectives, ladder,'
    " ladder_questions, coordinators, edit, language, timezone, public"
)


def _plan_info(row: Sequence[Any]) -> PlanInfo:
    return PlanInfo(
        row_id=row[0],
        key=row[1],
        title=row[2],
        organisation=row[3],
        start=_date(row[4]),
        end=_date(row[5]),
        description=row[6],
        perspectives=_list(row[7]),
        ladder=_list(row[8]),
        ladder_questions=_list(row[9]),
        coordinators=_list(row[10]),
        edit=row[11],
        language=row[12],
        timezone=row[13],
        public=bool(row[14]),
    )


def plan_infos(rows: Rows) -> list[PlanInfo]:
    """Every plan in the store, by id."""
    return [_plan_info(row) for row in rows(f"SELECT {_PLAN_COLUMNS} FROM plan ORDER BY key")]


def measure_counts(rows: Rows) -> dict[int, int]:
    """How many measures each plan has, by the plan's row id."""
    found = rows("SELECT plan_id, count(*) FROM measure GROUP BY plan_id")
    return {plan_id: count for plan_id, count in found}


def find_plan(rows: Rows, key: str) -> PlanInfo | None:
    """The plan with exactly this id, or None."""
    found = rows(f"SELECT {_PLAN_COLUMNS} FROM plan WHERE key = :key", {"key": key})
    return _plan_info(found[0]) if found else None


def select_plan(rows: Rows, key: str | None = None) -> PlanInfo:
    """The plan named by ``key`` or ``KPLAN_PLAN``, or the store's only plan.

    The plan picked is the plan at hand: from now on what people read shows
    moments in its time zone (kplan.moments), whichever command reads it.
    """
    info = _select_plan(rows, key)
    read_in(info.zone)
    return info


def _select_plan(rows: Rows, key: str | None) -> PlanInfo:
    wanted = key or os.environ.get("KPLAN_PLAN")
    if wanted:
        wanted = check_id(wanted)
        info = find_plan(rows, wanted)
        if info is not None:
            return info
        keys = [plan.key for plan in plan_infos(rows)]
        if not keys:
            raise NotFoundError(t("plan.none", wanted=wanted))
        suggestion = closest(wanted, keys)
        hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
        raise NotFoundError(t("plan.unknown", wanted=wanted, valid=", ".join(keys), hint=hint))
    plans = plan_infos(rows)
    if not plans:
        raise NotFoundError(t("plan.empty_store"))
    if len(plans) > 1:
        raise NotFoundError(t("plan.choose", valid=", ".join(plan.key for plan in plans)))
    return plans[0]


def _in(name: str, values: Collection[str]) -> tuple[str, dict[str, str]]:
    """An ``IN (...)`` list with one named parameter per value (sqlite3 expands no lists)."""
    params = {f"{name}{index}": value for index, value in enumerate(values)}
    placeholders = ", ".join(f":{key}" for key in params) or "NULL"
    return f"({placeholders})", params


def load_plan(
    rows: Rows, info: PlanInfo, only: Collection[str] | None = None, *, outline: bool = False
) -> Plan:
    """The plan as a Plan dataclass; with ``only``, just those measures.

    An ``outline`` leaves out what a list of measures never shows: the
    indicators and the actors of collaborations (their steps are read).
    """
    from kplan.model import Collaboration, Indicator, Measure, Organisation, Owner, Plan

    plan = Plan(
        id=info.key,
        title=info.title,
        organisation=info.organisation,
        start=info.start,
        end=info.end,
        description=info.description,
        perspectives=list(info.perspectives),
        ladder=list(info.ladder),
        ladder_questions=list(info.ladder_questions),
        coordinators=list(info.coordinators),
        edit=info.edit,
        language=info.language,
        timezone=info.timezone,
        public=info.public,
    )
    params: dict[str, Any] = {"plan": info.row_id}
    organisation_keys: dict[int, str] = {}
    for org_id, key, name, kind in rows(
        "SELECT id, key, name, kind FROM organisation WHERE plan_id = :plan ORDER BY position",
        params,
    ):
        organisation_keys[org_id] = key
        plan.organisations.append(Organisation(key, name, kind))
    owner_keys: dict[int, str] = {}
    for owner_id, key, name, organisation_id, email in rows(
        "SELECT id, key, name, organisation_id, email FROM owner"
        " WHERE plan_id = :plan ORDER BY position",
        params,
    ):
        owner_keys[owner_id] = key
        organisation = organisation_keys.get(organisation_id) if organisation_id else None
        plan.owners.append(Owner(key, name, organisation, email))

    # Child rows are found through their measure, so one query serves a whole
    # plan or just the measures asked for.
    chosen = "m.plan_id = :plan"
    if only is not None:
        listed, keys = _in("k", list(only))
        chosen += f" AND m.key IN {listed}"
        params = {**params, **keys}

    measures: dict[int, Measure] = {}
    for row in rows(
        "SELECT m.id, m.key, m.title, m.owner_id, m.goal, m.area, m.status, m.progress,"
        " m.start, m.due, m.description, m.version, m.situation, m.situation_public"
        f" FROM measure m WHERE {chosen} ORDER BY m.position",
        params,
    ):
        measures[row[0]] = Measure(
            id=row[1],
            title=row[2],
            owner=owner_keys[row[3]],
            goal=row[4],
            area=row[5],
            status=row[6],
            progress=row[7],
            start=_date(row[8]),
            due=_date(row[9]),
            description=row[10],
            version=row[11],
            situation=row[12],
            situation_public=bool(row[13]),
        )
    if not measures:
        return plan.complete()

    for measure_id, part, state in rows(
        "SELECT f.measure_id, f.part, f.state FROM four_p f"
        f" JOIN measure m ON m.id = f.measure_id WHERE {chosen}",
        params,
    ):
        measures[measure_id].four_p[part] = state
    for measure_id, perspective, level in rows(
        "SELECT c.measure_id, c.perspective, c.level FROM perspective_coverage c"
        f" JOIN measure m ON m.id = c.measure_id WHERE {chosen}",
        params,
    ):
        measures[measure_id].perspectives[perspective] = level

    collaborations: dict[int, Collaboration] = {}
    for collab_id, measure_id, key, name, step, note, version in rows(
        "SELECT c.id, c.measure_id, c.key, c.name, c.step, c.note, c.version"
        f" FROM collaboration c JOIN measure m ON m.id = c.measure_id WHERE {chosen}"
        " ORDER BY c.position",
        params,
    ):
        collaboration = Collaboration(
            id=key, name=name, actors=[], step=step, note=note, version=version
        )
        collaborations[collab_id] = collaboration
        measures[measure_id].collaborations.append(collaboration)
    if outline:
        plan.measures = list(measures.values())
        return plan.complete()
    for collab_id, organisation_id in rows(
        "SELECT a.collaboration_id, a.organisation_id FROM collaboration_actor a"
        " JOIN collaboration c ON c.id = a.collaboration_id"
        f" JOIN measure m ON m.id = c.measure_id WHERE {chosen} ORDER BY a.position",
        params,
    ):
        collaborations[collab_id].actors.append(organisation_keys[organisation_id])

    indicators: dict[int, Indicator] = {}
    for ind_id, measure_id, key, name, unit, baseline, target, direction, version, source in rows(
        "SELECT i.id, i.measure_id, i.key, i.name, i.unit, i.baseline, i.target, i.direction,"
        f" i.version, i.source FROM indicator i JOIN measure m ON m.id = i.measure_id"
        f" WHERE {chosen} ORDER BY i.position",
        params,
    ):
        indicator = Indicator(
            id=key,
            name=name,
            unit=unit,
            baseline=_float(baseline),
            target=_float(target),
            direction=direction,
            source=_source(source),
            version=version,
        )
        indicators[ind_id] = indicator
        measures[measure_id].indicators.append(indicator)
    for ind_id, period, value in rows(
        "SELECT v.indicator_id, v.period, v.value FROM indicator_value v"
        " JOIN indicator i ON i.id = v.indicator_id"
        f" JOIN measure m ON m.id = i.measure_id WHERE {chosen}",
        params,
    ):
        indicators[ind_id].values[period] = float(value)
    by_group: dict[int, dict[str, float]] = {}
    for ind_id, part, value in rows(
        "SELECT v.indicator_id, v.part, v.value FROM indicator_group_value v"
        " JOIN indicator i ON i.id = v.indicator_id"
        f" JOIN measure m ON m.id = i.measure_id WHERE {chosen}",
        params,
    ):
        by_group.setdefault(ind_id, {})[part] = float(value)
    for ind_id, parts in by_group.items():
        indicators[ind_id].set_group_values(parts)

    plan.measures = list(measures.values())
    return plan.complete()


class MeasureRows(NamedTuple):
    """Every measure of a plan as a list shows it: rows of plain values, in the plan's order.

    Each row holds, by the indexes below: the measure's id, title, owner
    (the owner's row id, a key of ``owners``), area, status, progress,
    start and due, then its Fyra P states in the order of ``FOUR_P_PARTS``
    and its levels in the order of the plan's ``perspectives`` (with the
    defaults a Plan fills in, see ``Plan.complete``), then the measure's
    row id, a key of ``steps`` when it has collaborations. A row may hold
    more values after those. Start and due come as the driver gives them
    (ISO text or a date): :meth:`day` reads either.
    """

    perspectives: tuple[str, ...]
    owners: Mapping[Any, tuple[str, str]]
    # The lowest and highest step of each measure's collaborations, by its row id.
    steps: Mapping[Any, tuple[int, int]]
    rows: Sequence[Sequence[Any]]

    @property
    def four_p_end(self) -> int:
        """Where a row's Fyra P states end and its perspective levels begin."""
        return LINE_FOUR_P + len(FOUR_P_PARTS)

    @property
    def row_id(self) -> int:
        """Where a row's measure row id is: right after its perspective levels."""
        return self.four_p_end + len(self.perspectives)

    @staticmethod
    def day(value: Any) -> dt.date | None:
        """A start or due date of a row as a date (None when it has none)."""
        return _date(value)


# Where each value sits in a row of MeasureRows.
LINE_KEY, LINE_TITLE, LINE_OWNER, LINE_AREA, LINE_STATUS, LINE_PROGRESS = range(6)
LINE_START, LINE_DUE, LINE_FOUR_P = 6, 7, 8


def measure_rows(rows: Rows, info: PlanInfo) -> MeasureRows:
    """Every measure of the plan as ``list`` shows it, in the plan's order, without a Plan.

    One query selects only what a list shows: each Fyra P part and each of
    the plan's perspectives is joined in by its unique index, with the
    defaults a Plan fills in. The steps (reduced to the lowest and highest
    in one grouped scan) and the owners come by row id from queries of
    their own, which cost less than looking them up for every measure. The
    rows are handed on as the driver returns them: no Measure,
    Collaboration or Plan objects, and no Python work per row but a sort,
    which was most of what loading a plan in outline cost.
    """
    params: dict[str, Any] = {"plan": info.row_id}
    columns = []
    joins = []
    for index, part in enumerate(FOUR_P_PARTS):
        params[f"part{index}"] = part
        columns.append(f"COALESCE(f{index}.state, 'not-started')")
        joins.append(
            f" LEFT JOIN four_p f{index}"
            f" ON f{index}.measure_id = m.id AND f{index}.part = :part{index}"
        )
    for index, perspective in enumerate(info.perspectives):
        params[f"perspective{index}"] = perspective
        columns.append(f"COALESCE(c{index}.level, 'no')")
        joins.append(
            f" LEFT JOIN perspective_coverage c{index}"
            f" ON c{index}.measure_id = m.id AND c{index}.perspective = :perspective{index}"
        )
    found = list(
        rows(
            "SELECT m.key, m.title, m.owner_id, m.area, m.status, m.progress, m.start, m.due, "
            + "".join(f"{column}, " for column in columns)
            + "m.id, m.position FROM measure m"
            + "".join(joins)
            + " WHERE m.plan_id = :plan",
            params,
        )
    )
    # Sorted here: SQLite would sort the whole wide rows in a temporary
    # B-tree, and the rows mostly come in the plan's order already.
    found.sort(key=itemgetter(-1))
    owners = {
        owner_id: (key, name)
        for owner_id, key, name in rows(
            "SELECT id, key, name FROM owner WHERE plan_id = :plan", {"plan": info.row_id}
        )
    }
    missing = set(map(itemgetter(LINE_OWNER), found)).difference(owners)
    if missing:
        # Owners of another plan, or gone: a store mended by hand. They are
        # shown as the join on the owner showed them, and a measure whose
        # owner is gone is not listed.
        wanted = {f"owner{index}": owner_id for index, owner_id in enumerate(missing)}
        owners.update(
            (owner_id, (key, name))
            for owner_id, key, name in rows(
                "SELECT id, key, name FROM owner WHERE id IN ("
                + ", ".join(f":{name}" for name in wanted)
                + ")",
                wanted,
            )
        )
        found = [row for row in found if row[LINE_OWNER] in owners]
    # The steps of the measures whose row ids lie between the plan's lowest
    # and highest: one scan of the index by measure, in its order, with no
    # sort to group. A plan's measures are mostly saved together; the steps
    # of another plan's measures in between are read too, and never looked up.
    measure_ids = list(map(itemgetter(LINE_FOUR_P + len(columns)), found))
    steps = {
        measure_id: (lowest, highest)
        for measure_id, lowest, highest in rows(
            "SELECT measure_id, MIN(step), MAX(step) FROM collaboration"
            " WHERE measure_id BETWEEN :lowest AND :highest GROUP BY measure_id",
            {"lowest": min(measure_ids, default=0), "highest": max(measure_ids, default=-1)},
        )
    }
    return MeasureRows(tuple(info.perspectives), owners, steps, found)


def plan_names(
    rows: Rows, info: PlanInfo
) -> tuple[dict[str, str], dict[str, tuple[str, str]], dict[str, str]]:
    """The names the log tells changes in: collaborations, indicators (with units), owners.

    By id, which is unique in the plan; three narrow queries instead of
    loading the plan, which at 10,000 measures costs far more than the log.
    """
    params = {"plan": info.row_id}
    collaborations = {
        key: name
        for key, name in rows(
            "SELECT key, name FROM collaboration WHERE plan_id = :plan ORDER BY position", params
        )
    }
    indicators = {
        key: (name, unit or "")
        for key, name, unit in rows(
            "SELECT key, name, unit FROM indicator WHERE plan_id = :plan ORDER BY position",
            params,
        )
    }
    owners = {
        key: name
        for key, name in rows(
            "SELECT key, name FROM owner WHERE plan_id = :plan ORDER BY position", params
        )
    }
    return collaborations, indicators, owners


def measure_version(rows: Rows, info: PlanInfo, key: str) -> int | None:
    """A measure's version, or None when the plan has no such measure."""
    found = rows(
        "SELECT version FROM measure WHERE plan_id = :plan AND key = :key",
        {"plan": info.row_id, "key": key},
    )
    return found[0][0] if found else None


# The kinds of thing ``continue_versions`` sets, and their tables.
_VERSIONED = ("measure", "collaboration", "indicator")


def continue_versions(rows: Rows, info: PlanInfo, kind: str, versions: dict[str, int]) -> None:
    """Give the plan's ``kind`` things (by id) these versions: a restored thing goes on."""
    if kind not in _VERSIONED:
        raise ValueError(kind)
    if not versions:
        return
    rows.many(
        f"UPDATE {kind} SET version = :version WHERE plan_id = :plan AND key = :key",
        [{"version": v, "plan": info.row_id, "key": key} for key, v in versions.items()],
    )


def measure_keys(rows: Rows, info: PlanInfo) -> list[str]:
    """The plan's measure ids, in plan order."""
    found = rows(
        "SELECT key FROM measure WHERE plan_id = :plan ORDER BY position", {"plan": info.row_id}
    )
    return [row[0] for row in found]


def latest_event_id(rows: Rows, info: PlanInfo) -> int:
    """The id of the plan's newest event, 0 when there is none."""
    found = rows("SELECT max(id) FROM event WHERE plan_id = :plan", {"plan": info.row_id})
    return int(found[0][0] or 0) if found else 0


def events_after(rows: Rows, info: PlanInfo, after: int) -> list[tuple[int, str | None, str]]:
    """(id, measure, field) of the plan's events after event ``after``, oldest first."""
    found = rows(
        "SELECT id, measure, field FROM event WHERE plan_id = :plan AND id > :after ORDER BY id",
        {"plan": info.row_id, "after": after},
    )
    return [(row[0], row[1], row[2]) for row in found]


def _event(row: Sequence[Any]) -> dict[str, Any]:
    return {
        "id": row[0],
        "at": as_utc(row[1]).isoformat().replace("+00:00", "Z"),
        "actor": row[2],
        "measure": row[3],
        "collaboration": row[4],
        "indicator": row[5],
        "field": row[6],
        "old": row[7],
        "new": row[8],
        "note": row[9],
        # The database role that wrote it, where that is not the actor's own
        # name: a script acting for someone on a PostgreSQL store.
        "db_role": row[10] if row[10] is not None and row[10] != row[2] else None,
        # Where a fetched value came from (kplan indicator fetch); None otherwise.
        "source": _source(row[11]),
    }


def events(
    rows: Rows,
    info: PlanInfo,
    *,
    measure: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """The plan's events, newest first; ``limit`` 0 means all.

    An unknown measure is an error, unless the log still names it (a measure
    removed by an import keeps its history).
    """
    params: dict[str, Any] = {"plan": info.row_id}
    where = "plan_id = :plan"
    if measure is not None:
        params["measure"] = measure
        if measure_version(rows, info, measure) is None and not rows(
            "SELECT id FROM event WHERE plan_id = :plan AND measure = :measure LIMIT 1", params
        ):
            raise unknown("kind.measure", measure, measure_keys(rows, info))
        where += " AND measure = :measure"
    if since is not None:
        # Aware, as the log's moments are written (see insert_event).
        params["since"] = since.astimezone(dt.UTC)
        where += " AND at >= :since"
    sql = (
        "SELECT id, at, actor, measure, collaboration, indicator, field, old, new, note, db_role,"
        f" source FROM event WHERE {where} ORDER BY id DESC"
    )
    if limit > 0:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [_event(row) for row in rows(sql, params)]


# Saving a plan (an import)
#
# ``save_plan`` makes the rows match a Plan: rows are updated in place (so
# ids survive, and with them every reference from the event log and rounds),
# what is new is inserted and what is gone deleted. It works table by table
# in bulk, one read of what is there and then batched statements, rather
# than row by row: a plan of ten thousand measures is saved in about a second.


def _source(text: str | None) -> dict[str, Any] | None:
    """An indicator's source table from its stored text (None when it has none)."""
    if not text:
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _text_list(values: Sequence[str]) -> str:
    # As SQLAlchemy's JSON type wrote the plan's lists (json.dumps, defaults).
    return json.dumps(list(values))


# How a column's stored value reads back as the Plan holds it, for the
# columns whose drivers disagree (see ``_date`` and ``_float``).
_READ_AS: dict[str, Any] = {"start": _date, "due": _date, "baseline": _float, "target": _float}


def source_text(source: dict[str, Any] | None) -> str | None:
    """An indicator's source table as one line of JSON text, as the store keeps it.

    The same as ``kplan.model.source_text`` (tests/test_list_stream.py checks
    it), written here so that reading a list does not import the plan model.
    """
    return json.dumps(source, ensure_ascii=False) if source else None


def plan_keys(rows: Rows) -> list[str]:
    """The ids of every plan in the store."""
    return [row[0] for row in rows("SELECT key FROM plan ORDER BY key")]


def save_plan(rows: Rows, plan: Plan) -> int:
    """Make the store's rows for ``plan.id`` equal to ``plan``; returns the plan's row id.

    Each measure, collaboration and indicator whose content changed gets its
    version raised by one; a measure's version also counts its Fyra P parts
    and perspectives, a collaboration's its actors, an indicator's its
    values. A change of order alone raises no version.
    """
    settings = {
        "title": plan.title,
        "organisation": plan.organisation,
        "start": plan.start,
        "end": plan.end,
        "description": plan.description,
        "perspectives": list(plan.perspectives),
        "ladder": list(plan.ladder),
        "ladder_questions": list(plan.ladder_questions),
        "coordinators": list(plan.coordinators),
        "edit": plan.edit,
        "language": plan.language,
        "timezone": plan.timezone,
        "public": plan.public,
    }
    written = {
        name: _text_list(value) if isinstance(value, list) else value
        for name, value in settings.items()
    }
    info = find_plan(rows, plan.id)
    if info is None:
        rows(
            'INSERT INTO plan (key, title, organisation, start, "end", description,'
            " perspectives, ladder, ladder_questions, coordinators, edit, language, timezone,"
            " public) VALUES (:key, :title, :organisation, :start, :end, :description,"
            " :perspectives, :ladder, :ladder_questions, :coordinators, :edit, :language,"
            " :timezone, :public)",
            {"key": plan.id, **written},
        )
        created = find_plan(rows, plan.id)
        assert created is not None
        _insert_new(rows, created.row_id, plan)
        return created.row_id
    else:
        plan_id = info.row_id
        if any(getattr(info, name) != value for name, value in settings.items()):
            rows(
                "UPDATE plan SET title = :title, organisation = :organisation, start = :start,"
                ' "end" = :end, description = :description, perspectives = :perspectives,'
                " ladder = :ladder, ladder_questions = :ladder_questions,"
                " coordinators = :coordinators, edit = :edit, language = :language,"
                " timezone = :timezone, public = :public WHERE id = :id",
                {"id": plan_id, **written},
            )
    _Saver(rows, plan_id).save(plan)
    return plan_id


def _keys_to_ids(rows: Rows, table: str, plan_id: int) -> dict[str, int]:
    found = rows(f"SELECT key, id FROM {table} WHERE plan_id = :plan", {"plan": plan_id})
    return {key: row_id for key, row_id in found}


def _insert_new(rows: Rows, plan_id: int, plan: Plan) -> None:
    """Insert every row of a plan just created: what ``_Saver.save`` writes for it, faster.

    A new plan has no rows to compare with, so its rows are written straight
    from the plan, as tuples, each table's rows in the order ``_Saver.save``
    inserts them (the same row ids follow), and handed to the driver as they
    are made rather than gathered first. tests/test_import_big.py checks that
    the rows are those of ``_Saver.save``.
    """
    rows.insert(
        "organisation",
        ("plan_id", "key", "name", "kind", "position"),
        (
            (plan_id, org.id, org.name, org.kind, position)
            for position, org in enumerate(plan.organisations)
        ),
    )
    organisation_ids = _keys_to_ids(rows, "organisation", plan_id)
    rows.insert(
        "owner",
        ("plan_id", "key", "name", "organisation_id", "email", "position"),
        (
            (
                plan_id,
                owner.id,
                owner.name,
                organisation_ids[owner.organisation] if owner.organisation else None,
                owner.email,
                position,
            )
            for position, owner in enumerate(plan.owners)
        ),
    )
    owner_ids = _keys_to_ids(rows, "owner", plan_id)
    rows.insert(
        "measure",
        (
            "plan_id",
            "key",
            "title",
            "goal",
            "area",
            "owner_id",
            "status",
            "progress",
            "start",
            "due",
            "description",
            "situation",
            "situation_public",
            "position",
            "version",
        ),
        (
            (
                plan_id,
                m.id,
                m.title,
                m.goal,
                m.area,
                owner_ids[m.owner],
                m.status,
                m.progress,
                m.start,
                m.due,
                m.description,
                m.situation,
                m.situation_public,
                position,
                1,
            )
            for position, m in enumerate(plan.measures)
        ),
        dates=(8, 9),
    )
    measure_ids = _keys_to_ids(rows, "measure", plan_id)
    rows.insert(
        "four_p",
        ("measure_id", "part", "state"),
        (
            (measure_ids[m.id], part, m.four_p.get(part, "not-started"))
            for m in plan.measures
            for part in FOUR_P_PARTS
        ),
    )
    rows.insert(
        "perspective_coverage",
        ("measure_id", "perspective", "level"),
        (
            (measure_ids[m.id], perspective, m.perspectives.get(perspective, "no"))
            for m in plan.measures
            for perspective in plan.perspectives
        ),
    )
    rows.insert(
        "collaboration",
        ("plan_id", "key", "measure_id", "name", "step", "note", "position", "version"),
        (
            (plan_id, c.id, measure_ids[m.id], c.name, c.step, c.note, position, 1)
            for position, (m, c) in enumerate(
                (m, c) for m in plan.measures for c in m.collaborations
            )
        ),
    )
    collaboration_ids = _keys_to_ids(rows, "collaboration", plan_id)
    rows.insert(
        "collaboration_actor",
        ("collaboration_id", "organisation_id", "position"),
        (
            (collaboration_ids[c.id], organisation_ids[actor], position)
            for m in plan.measures
            for c in m.collaborations
            for position, actor in enumerate(c.actors)
        ),
    )
    rows.insert(
        "indicator",
        (
            "plan_id",
            "key",
            "measure_id",
            "name",
            "unit",
            "baseline",
            "target",
            "direction",
            "source",
            "position",
            "version",
        ),
        (
            (
                plan_id,
                i.id,
                measure_ids[m.id],
                i.name,
                i.unit,
                i.baseline,
                i.target,
                i.direction,
                source_text(i.source),
                position,
                1,
            )
            for position, (m, i) in enumerate((m, i) for m in plan.measures for i in m.indicators)
        ),
    )
    indicator_ids = _keys_to_ids(rows, "indicator", plan_id)
    rows.insert(
        "indicator_value",
        ("indicator_id", "period", "value"),
        (
            (indicator_ids[i.id], period, value)
            for m in plan.measures
            for i in m.indicators
            for period, value in i.values.items()
        ),
    )
    rows.insert(
        "indicator_group_value",
        ("indicator_id", "part", "value"),
        (
            (indicator_ids[i.id], part, value)
            for m in plan.measures
            for i in m.indicators
            if i.groups
            for part, value in i.group_values().items()
        ),
    )


@dataclass
class _Pairs:
    """The rows of a child table keyed by (``owner`` id, ``key``) holding one ``value``.

    ``compare`` collects what to insert, update and delete to make an
    owner's rows what is wanted; ``write`` writes it all in bulk.
    """

    table: str
    owner: str
    key: str
    value: str
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    deletes: list[dict[str, Any]] = field(default_factory=list)

    def compare(
        self,
        owner_id: int,
        wanted: Mapping[str, Any],
        stored: Mapping[str, Any],
        *,
        delete_rest: bool = True,
    ) -> None:
        """Note the changes that make ``owner_id``'s rows, ``stored`` now, hold ``wanted``."""
        rest = dict(stored)
        for key, value in wanted.items():
            before = rest.pop(key, None)
            if before is None:
                self.inserts.append({self.owner: owner_id, self.key: key, self.value: value})
            elif before != value:
                self.updates.append({"b_m": owner_id, "b_p": key, "value": value})
        if delete_rest:
            self.deletes.extend({"b_m": owner_id, "b_p": key} for key in rest)

    def write(self, saver: _Saver) -> None:
        """Write what ``compare`` noted."""
        saver.insert(self.table, self.inserts)
        saver.update_pairs(self.table, self.owner, self.key, self.value, self.updates)
        saver.delete_pairs(self.table, self.owner, self.key, self.deletes)


class _Saver:
    """Saves one plan's rows in batches; see ``save_plan``."""

    def __init__(self, rows: Rows, plan_id: int) -> None:
        self.rows = rows
        self.plan_id = plan_id

    def insert(self, table: str, values: list[dict[str, Any]]) -> None:
        """Insert rows; every dict names the same columns."""
        if not values:
            return
        columns = list(values[0])
        self.rows.many(
            f"INSERT INTO {table} ({', '.join(columns)})"
            f" VALUES ({', '.join(':' + c for c in columns)})",
            values,
        )

    def update(self, table: str, values: list[dict[str, Any]]) -> None:
        """Update rows by their id; every dict names the same columns, plus ``b_id``."""
        if not values:
            return
        columns = [c for c in values[0] if c != "b_id"]
        self.rows.many(
            f"UPDATE {table} SET {', '.join(f'{c} = :{c}' for c in columns)} WHERE id = :b_id",
            values,
        )

    def update_pairs(
        self, table: str, owner: str, second: str, column: str, values: list[dict[str, Any]]
    ) -> None:
        """Set ``column`` of rows keyed by (``owner``, ``second``): dicts of b_m, b_p, value."""
        self.rows.many(
            f"UPDATE {table} SET {column} = :value WHERE {owner} = :b_m AND {second} = :b_p",
            values,
        )

    def delete_pairs(
        self, table: str, owner: str, second: str, values: list[dict[str, Any]]
    ) -> None:
        """Delete rows keyed by (``owner``, ``second``): dicts of b_m and b_p."""
        self.rows.many(f"DELETE FROM {table} WHERE {owner} = :b_m AND {second} = :b_p", values)

    def delete(self, table: str, column: str, ids: Collection[int]) -> None:
        """Delete the rows whose ``column`` is one of ``ids``."""
        self.rows.many(f"DELETE FROM {table} WHERE {column} = :id", [{"id": i} for i in ids])

    def keyed(self, table: str, columns: Sequence[str]) -> dict[str, list[Any]]:
        """This plan's rows of ``table`` by key: [id, key, the columns...], read as a Plan."""
        found = self.rows(
            f"SELECT {', '.join(['id', 'key', *columns])} FROM {table} WHERE plan_id = :plan",
            {"plan": self.plan_id},
        )
        readers = [_READ_AS.get(c) for c in columns]
        result: dict[str, list[Any]] = {}
        for row in found:
            values = [
                read(value) if read is not None else value
                for read, value in zip(readers, row[2:], strict=True)
            ]
            result[row[1]] = [row[0], row[1], *values]
        return result

    def ids(self, table: str) -> dict[str, int]:
        """This plan's rows of ``table``: their ids by key."""
        found = self.rows(
            f"SELECT key, id FROM {table} WHERE plan_id = :plan", {"plan": self.plan_id}
        )
        return {key: row_id for key, row_id in found}

    def upsert_keyed(
        self,
        table: str,
        wanted: list[tuple[str, dict[str, Any]]],
        *,
        versioned: bool,
        also_changed: set[str] | None = None,
    ) -> tuple[dict[str, int], dict[str, list[Any]], set[str]]:
        """Insert new keys, update changed ones; returns ids, the leftover rows, new keys.

        ``wanted`` lists (key, column values) in plan order; ``also_changed``
        names keys whose children changed, which raises their version too.
        """
        columns = list(wanted[0][1]) if wanted else []
        existing = self.keyed(table, [*columns, *(["version"] if versioned else [])])
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        new_keys: set[str] = set()
        for key, values in wanted:
            row = existing.pop(key, None)
            if row is None:
                inserts.append(
                    {
                        "plan_id": self.plan_id,
                        "key": key,
                        **values,
                        **({"version": 1} if versioned else {}),
                    }
                )
                new_keys.add(key)
                continue
            before = dict(zip(columns, row[2 : 2 + len(columns)], strict=True))
            content_changed = any(before[c] != values[c] for c in columns if c != "position")
            children_changed = bool(also_changed and key in also_changed)
            if before == values and not children_changed:
                continue
            update = {"b_id": row[0], **values}
            if versioned:
                version = row[2 + len(columns)]
                bump = content_changed or children_changed
                update["version"] = version + 1 if bump else version
            updates.append(update)
        self.insert(table, inserts)
        self.update(table, updates)
        return self.ids(table), existing, new_keys

    def pairs(self, sql: str) -> list[Sequence[Any]]:
        """Rows of a child table of this plan (``sql`` has a ``:plan`` parameter)."""
        return list(self.rows(sql, {"plan": self.plan_id}))

    def save(self, plan: Plan) -> None:
        """Make every table's rows for the plan match ``plan``."""
        organisation_ids, old_organisations, _ = self.upsert_keyed(
            "organisation",
            [
                (org.id, {"name": org.name, "kind": org.kind, "position": position})
                for position, org in enumerate(plan.organisations)
            ],
            versioned=False,
        )
        owner_ids, old_owners, _ = self.upsert_keyed(
            "owner",
            [
                (
                    owner.id,
                    {
                        "name": owner.name,
                        "organisation_id": organisation_ids[owner.organisation]
                        if owner.organisation
                        else None,
                        "email": owner.email,
                        "position": position,
                    },
                )
                for position, owner in enumerate(plan.owners)
            ],
            versioned=False,
        )

        # A measure's version also counts changes to its Fyra P and perspective
        # rows, so those are compared before the measures are written.
        measure_ids_before = self.ids("measure")
        four_p_before: dict[tuple[int, str], str] = {
            (m, part): state
            for m, part, state in self.pairs(
                "SELECT f.measure_id, f.part, f.state FROM four_p f"
                " JOIN measure m ON m.id = f.measure_id WHERE m.plan_id = :plan"
            )
        }
        coverage_by_measure: dict[int, dict[str, str]] = {}
        for m, perspective, level in self.pairs(
            "SELECT c.measure_id, c.perspective, c.level FROM perspective_coverage c"
            " JOIN measure m ON m.id = c.measure_id WHERE m.plan_id = :plan"
        ):
            coverage_by_measure.setdefault(m, {})[perspective] = level
        touched: set[str] = set()
        for measure in plan.measures:
            measure_id = measure_ids_before.get(measure.id)
            if measure_id is None:
                continue
            four_p = {part: measure.four_p.get(part, "not-started") for part in FOUR_P_PARTS}
            stored_four_p = {part: four_p_before.get((measure_id, part)) for part in FOUR_P_PARTS}
            coverage = {p: measure.perspectives.get(p, "no") for p in plan.perspectives}
            if stored_four_p != four_p or coverage_by_measure.get(measure_id, {}) != coverage:
                touched.add(measure.id)

        measure_ids, old_measures, _ = self.upsert_keyed(
            "measure",
            [
                (
                    measure.id,
                    {
                        "title": measure.title,
                        "goal": measure.goal,
                        "area": measure.area,
                        "owner_id": owner_ids[measure.owner],
                        "status": measure.status,
                        "progress": measure.progress,
                        "start": measure.start,
                        "due": measure.due,
                        "description": measure.description,
                        "situation": measure.situation,
                        "situation_public": measure.situation_public,
                        "position": position,
                    },
                )
                for position, measure in enumerate(plan.measures)
            ],
            versioned=True,
            also_changed=touched,
        )

        four_p_rows = _Pairs("four_p", "measure_id", "part", "state")
        coverage_rows = _Pairs("perspective_coverage", "measure_id", "perspective", "level")
        for measure in plan.measures:
            measure_id = measure_ids[measure.id]
            four_p_rows.compare(
                measure_id,
                {part: measure.four_p.get(part, "not-started") for part in FOUR_P_PARTS},
                {
                    part: four_p_before[(measure_id, part)]
                    for part in FOUR_P_PARTS
                    if (measure_id, part) in four_p_before
                },
                delete_rest=False,
            )
            coverage_rows.compare(
                measure_id,
                {p: measure.perspectives.get(p, "no") for p in plan.perspectives},
                coverage_by_measure.get(measure_id, {}),
            )
        four_p_rows.write(self)
        coverage_rows.write(self)

        collaborations = [(c, measure_ids[m.id]) for m in plan.measures for c in m.collaborations]
        collab_ids_before = self.ids("collaboration")
        actors_before: dict[int, list[tuple[int, int]]] = {}
        for collab_id, organisation_id, position in self.pairs(
            "SELECT a.collaboration_id, a.organisation_id, a.position FROM collaboration_actor a"
            " JOIN collaboration c ON c.id = a.collaboration_id WHERE c.plan_id = :plan"
        ):
            actors_before.setdefault(collab_id, []).append((position, organisation_id))
        actors_changed: set[str] = set()
        for collab, _ in collaborations:
            collab_id = collab_ids_before.get(collab.id)
            if collab_id is None:
                continue
            stored_actors = [o for _, o in sorted(actors_before.get(collab_id, []))]
            if stored_actors != [organisation_ids[a] for a in collab.actors]:
                actors_changed.add(collab.id)
        collab_ids, old_collabs, new_collabs = self.upsert_keyed(
            "collaboration",
            [
                (
                    collab.id,
                    {
                        "measure_id": measure_id,
                        "name": collab.name,
                        "step": collab.step,
                        "note": collab.note,
                        "position": position,
                    },
                )
                for position, (collab, measure_id) in enumerate(collaborations)
            ],
            versioned=True,
            also_changed=actors_changed,
        )
        self.delete(
            "collaboration_actor", "collaboration_id", [collab_ids[k] for k in actors_changed]
        )
        self.insert(
            "collaboration_actor",
            [
                {
                    "collaboration_id": collab_ids[collab.id],
                    "organisation_id": organisation_ids[actor],
                    "position": position,
                }
                for collab, _ in collaborations
                if collab.id in actors_changed or collab.id in new_collabs
                for position, actor in enumerate(collab.actors)
            ],
        )

        indicators = [(i, measure_ids[m.id]) for m in plan.measures for i in m.indicators]
        indicator_ids_before = self.ids("indicator")
        values_before: dict[int, dict[str, float]] = {}
        for indicator_id, period, value in self.pairs(
            "SELECT v.indicator_id, v.period, v.value FROM indicator_value v"
            " JOIN indicator i ON i.id = v.indicator_id WHERE i.plan_id = :plan"
        ):
            values_before.setdefault(indicator_id, {})[period] = float(value)
        groups_before: dict[int, dict[str, float]] = {}
        for indicator_id, part, value in self.pairs(
            "SELECT v.indicator_id, v.part, v.value FROM indicator_group_value v"
            " JOIN indicator i ON i.id = v.indicator_id WHERE i.plan_id = :plan"
        ):
            groups_before.setdefault(indicator_id, {})[part] = float(value)
        values_changed = {
            indicator.id
            for indicator, _ in indicators
            if indicator.id in indicator_ids_before
            and (
                values_before.get(indicator_ids_before[indicator.id], {}) != indicator.values
                or groups_before.get(indicator_ids_before[indicator.id], {})
                != indicator.group_values()
            )
        }
        indicator_ids, old_indicators, _ = self.upsert_keyed(
            "indicator",
            [
                (
                    indicator.id,
                    {
                        "measure_id": measure_id,
                        "name": indicator.name,
                        "unit": indicator.unit,
                        "baseline": indicator.baseline,
                        "target": indicator.target,
                        "direction": indicator.direction,
                        "source": source_text(indicator.source),
                        "position": position,
                    },
                )
                for position, (indicator, measure_id) in enumerate(indicators)
            ],
            versioned=True,
            also_changed=values_changed,
        )
        value_rows = _Pairs("indicator_value", "indicator_id", "period", "value")
        for indicator, _ in indicators:
            indicator_id = indicator_ids[indicator.id]
            value_rows.compare(indicator_id, indicator.values, values_before.get(indicator_id, {}))
        value_rows.write(self)
        group_rows = _Pairs("indicator_group_value", "indicator_id", "part", "value")
        for indicator, _ in indicators:
            indicator_id = indicator_ids[indicator.id]
            group_rows.compare(
                indicator_id, indicator.group_values(), groups_before.get(indicator_id, {})
            )
        group_rows.write(self)

        # What the plan no longer has goes last, children before parents.
        gone_indicators = [row[0] for row in old_indicators.values()]
        self.delete("indicator_value", "indicator_id", gone_indicators)
        self.delete("indicator_group_value", "indicator_id", gone_indicators)
        self.delete("indicator", "id", gone_indicators)
        gone_collabs = [row[0] for row in old_collabs.values()]
        self.delete("collaboration_actor", "collaboration_id", gone_collabs)
        self.delete("collaboration", "id", gone_collabs)
        gone_measures = [row[0] for row in old_measures.values()]
        self.delete("four_p", "measure_id", gone_measures)
        self.delete("perspective_coverage", "measure_id", gone_measures)
        self.delete("measure", "id", gone_measures)
        self.delete("owner", "id", [row[0] for row in old_owners.values()])
        self.delete("organisation", "id", [row[0] for row in old_organisations.values()])
