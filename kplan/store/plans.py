"""Plans in the store: choosing one, and loading it (whole, in part, or as an outline).

``kplan list``, ``show``, ``log`` and the TUI only read. Building ORM objects
and importing SQLAlchemy costs them far more than the reading itself, so they
read through these functions instead: each query is written once, as SQL
text with ``:named`` parameters, and handed to whatever ``Rows`` the store
provides (the standard library's sqlite3 for an SQLite file, an SQLAlchemy
connection otherwise; see ``kplan.store.engine``). The tables and columns are
those of ``kplan.store.models``, the one definition of the schema; a
differential test (tests/test_reads.py) checks that these reads return what
the ORM-based ``kplan.core.repository.load_plan`` returns, on generated
plans.

Values arrive as each driver gives them (SQLite: dates and JSON as text;
PostgreSQL: as Python objects), so every conversion accepts both.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from kplan.domain import as_utc
from kplan.errors import NotFoundError, closest, unknown
from kplan.i18n import t
from kplan.model import Collaboration, Indicator, Measure, Organisation, Owner, Plan
from kplan.names import check_id
from kplan.store.tx import Rows


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


_PLAN_COLUMNS = (
    'id, key, title, organisation, start, "end", description, perspectives, ladder,'
    " ladder_questions, coordinators, edit"
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
    )


def plan_infos(rows: Rows) -> list[PlanInfo]:
    """Every plan in the store, by id."""
    return [_plan_info(row) for row in rows(f"SELECT {_PLAN_COLUMNS} FROM plan ORDER BY key")]


def measure_counts(rows: Rows) -> dict[int, int]:
    """How many measures each plan has, by the plan's row id."""
    found = rows("SELECT plan_id, count(*) FROM measure GROUP BY plan_id")
    return {plan_id: count for plan_id, count in found}


def select_plan(rows: Rows, key: str | None = None) -> PlanInfo:
    """The plan named by ``key`` or ``KPLAN_PLAN``, or the store's only plan.

    The same rule, and the same messages, as ``core.events.select_plan``.
    """
    wanted = key or os.environ.get("KPLAN_PLAN")
    if wanted:
        wanted = check_id(wanted)
        found = rows(f"SELECT {_PLAN_COLUMNS} FROM plan WHERE key = :key", {"key": wanted})
        if found:
            return _plan_info(found[0])
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
        " m.start, m.due, m.description, m.version"
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
    for ind_id, measure_id, key, name, unit, baseline, target, direction, version in rows(
        "SELECT i.id, i.measure_id, i.key, i.name, i.unit, i.baseline, i.target, i.direction,"
        f" i.version FROM indicator i JOIN measure m ON m.id = i.measure_id WHERE {chosen}"
        " ORDER BY i.position",
        params,
    ):
        indicator = Indicator(
            id=key,
            name=name,
            unit=unit,
            baseline=_float(baseline),
            target=_float(target),
            direction=direction,
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

    plan.measures = list(measures.values())
    return plan.complete()


def measure_version(rows: Rows, info: PlanInfo, key: str) -> int | None:
    """A measure's version, or None when the plan has no such measure."""
    found = rows(
        "SELECT version FROM measure WHERE plan_id = :plan AND key = :key",
        {"plan": info.row_id, "key": key},
    )
    return found[0][0] if found else None


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
        "SELECT id, at, actor, measure, collaboration, indicator, field, old, new, note, db_role"
        f" FROM event WHERE {where} ORDER BY id DESC"
    )
    if limit > 0:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [_event(row) for row in rows(sql, params)]
