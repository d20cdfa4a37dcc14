"""Moving whole plans between the store's rows and the plain Plan dataclasses.

``load_plan`` reads a plan's rows into a Plan; ``save_plan`` makes the rows
match a Plan, updating rows in place (so ids and versions survive an import),
adding what is new and removing what is gone.
"""

from __future__ import annotations

from collections.abc import Collection
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from kplan.domain import FOUR_P_PARTS
from kplan.model import (
    Collaboration,
    Indicator,
    Measure,
    Organisation,
    Owner,
    Plan,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from kplan.store.models import PlanRow


def find_plan_row(session: Session, key: str) -> PlanRow | None:
    """The plan with this id, or None."""
    from sqlmodel import select

    from kplan.store.models import PlanRow

    return session.exec(select(PlanRow).where(PlanRow.key == key)).first()


def _columns(model: Any, *names: str) -> list[Any]:
    """Columns of a table by name, for selects that skip building ORM objects."""
    return [model.__table__.c[name] for name in names]


def load_plan(session: Session, plan_row: PlanRow, only: Collection[str] | None = None) -> Plan:
    """The plan as a Plan dataclass; with ``only``, just those measures.

    A partial load lets a view that already holds the plan refresh the few
    measures that changed without reading the rest again. Rows are read as
    plain columns, not ORM objects: building tens of thousands of objects
    costs far more than the queries themselves.
    """
    from sqlalchemy import select
    from sqlmodel import col

    from kplan.store.models import (
        CollaborationActorRow,
        CollaborationRow,
        CoverageRow,
        FourPRow,
        IndicatorRow,
        IndicatorValueRow,
        MeasureRow,
        OrganisationRow,
        OwnerRow,
    )

    plan_id = plan_row.id
    connection = session.connection()

    def rows(query: Any) -> Any:
        return connection.execute(query)

    plan = Plan(
        id=plan_row.key,
        title=plan_row.title,
        organisation=plan_row.organisation,
        start=plan_row.start,
        end=plan_row.end,
        description=plan_row.description,
        perspectives=list(plan_row.perspectives),
        ladder=list(plan_row.ladder),
        ladder_questions=list(plan_row.ladder_questions),
        coordinators=list(plan_row.coordinators),
        edit=plan_row.edit,
    )
    organisation_keys: dict[int, str] = {}
    for org_id, key, name, kind in rows(
        select(*_columns(OrganisationRow, "id", "key", "name", "kind"))
        .where(col(OrganisationRow.plan_id) == plan_id)
        .order_by(col(OrganisationRow.position))
    ).all():
        organisation_keys[org_id] = key
        plan.organisations.append(Organisation(key, name, kind))

    owner_keys: dict[int, str] = {}
    for owner_id, key, name, organisation_id, email in rows(
        select(*_columns(OwnerRow, "id", "key", "name", "organisation_id", "email"))
        .where(col(OwnerRow.plan_id) == plan_id)
        .order_by(col(OwnerRow.position))
    ).all():
        owner_keys[owner_id] = key
        organisation = organisation_keys.get(organisation_id) if organisation_id else None
        plan.owners.append(Owner(key, name, organisation, email))

    def of_measures(query: Any) -> Any:
        # Child rows are found through their measure, so one query serves a
        # whole plan or just the measures asked for.
        query = query.where(MeasureRow.plan_id == plan_id)
        if only is not None:
            query = query.where(col(MeasureRow.key).in_(list(only)))
        return query

    measures: dict[int, Measure] = {}
    for row in rows(
        of_measures(
            select(
                *_columns(
                    MeasureRow,
                    "id",
                    "key",
                    "title",
                    "owner_id",
                    "goal",
                    "area",
                    "status",
                    "progress",
                    "start",
                    "due",
                    "description",
                    "version",
                )
            )
        ).order_by(col(MeasureRow.position))
    ).all():
        measures[row[0]] = Measure(
            id=row[1],
            title=row[2],
            owner=owner_keys[row[3]],
            goal=row[4],
            area=row[5],
            status=row[6],
            progress=row[7],
            start=row[8],
            due=row[9],
            description=row[10],
            version=row[11],
        )
    if not measures:
        return plan.complete()

    for measure_id, part, state in rows(
        of_measures(
            select(*_columns(FourPRow, "measure_id", "part", "state")).join(
                MeasureRow, col(MeasureRow.id) == col(FourPRow.measure_id)
            )
        )
    ).all():
        measures[measure_id].four_p[part] = state
    for measure_id, perspective, level in rows(
        of_measures(
            select(*_columns(CoverageRow, "measure_id", "perspective", "level")).join(
                MeasureRow, col(MeasureRow.id) == col(CoverageRow.measure_id)
            )
        )
    ).all():
        measures[measure_id].perspectives[perspective] = level

    collaborations: dict[int, Collaboration] = {}
    for collab_id, measure_id, key, name, step, note, version in rows(
        of_measures(
            select(
                *_columns(
                    CollaborationRow, "id", "measure_id", "key", "name", "step", "note", "version"
                )
            ).join(MeasureRow, col(MeasureRow.id) == col(CollaborationRow.measure_id))
        ).order_by(col(CollaborationRow.position))
    ).all():
        collaboration = Collaboration(
            id=key, name=name, actors=[], step=step, note=note, version=version
        )
        collaborations[collab_id] = collaboration
        measures[measure_id].collaborations.append(collaboration)
    for collab_id, organisation_id in rows(
        of_measures(
            select(*_columns(CollaborationActorRow, "collaboration_id", "organisation_id"))
            .join(
                CollaborationRow,
                col(CollaborationRow.id) == col(CollaborationActorRow.collaboration_id),
            )
            .join(MeasureRow, col(MeasureRow.id) == col(CollaborationRow.measure_id))
        ).order_by(col(CollaborationActorRow.position))
    ).all():
        collaborations[collab_id].actors.append(organisation_keys[organisation_id])

    indicators: dict[int, Indicator] = {}
    for ind_id, measure_id, key, name, unit, baseline, target, direction, version in rows(
        of_measures(
            select(
                *_columns(
                    IndicatorRow,
                    "id",
                    "measure_id",
                    "key",
                    "name",
                    "unit",
                    "baseline",
                    "target",
                    "direction",
                    "version",
                )
            ).join(MeasureRow, col(MeasureRow.id) == col(IndicatorRow.measure_id))
        ).order_by(col(IndicatorRow.position))
    ).all():
        indicator = Indicator(
            id=key,
            name=name,
            unit=unit,
            baseline=baseline,
            target=target,
            direction=direction,
            version=version,
        )
        indicators[ind_id] = indicator
        measures[measure_id].indicators.append(indicator)
    for ind_id, period, value in rows(
        of_measures(
            select(*_columns(IndicatorValueRow, "indicator_id", "period", "value"))
            .join(IndicatorRow, col(IndicatorRow.id) == col(IndicatorValueRow.indicator_id))
            .join(MeasureRow, col(MeasureRow.id) == col(IndicatorRow.measure_id))
        )
    ).all():
        indicators[ind_id].values[period] = value

    plan.measures = list(measures.values())
    return plan.complete()


def _assign(row: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; report whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def save_plan(session: Session, plan: Plan) -> PlanRow:
    """Make the store's rows for ``plan.id`` equal to ``plan``; returns the plan row.

    Rows are updated in place, so ids survive and each measure, collaboration
    and indicator whose content changed gets its version raised by one. The
    work is done table by table in bulk (one read of what is there, then
    batched inserts, updates and deletes) rather than row by row: a plan of
    ten thousand measures is saved in seconds.
    """
    from kplan.store.models import PlanRow

    plan_row = find_plan_row(session, plan.id)
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
    }
    if plan_row is None:
        plan_row = PlanRow(key=plan.id, title=plan.title)
    _assign(plan_row, settings)
    session.add(plan_row)
    session.flush()
    assert plan_row.id is not None
    _Bulk(session, plan_row.id).save(plan)
    return plan_row


class _Bulk:
    """Saves one plan's rows in batches; see ``save_plan``."""

    def __init__(self, session: Session, plan_id: int) -> None:
        self.connection = session.connection()
        self.plan_id = plan_id

    def rows(self, query: Any) -> list[Any]:
        return list(self.connection.execute(query).all())

    def insert(self, table: Any, values: list[dict[str, Any]]) -> None:
        """Insert rows straight through the driver's executemany.

        SQLAlchemy's own insert processes every parameter of every row, which
        for a big plan costs more than the database's work; the rows here
        hold only strings, numbers, None and dates, which need no processing
        but a date's text form in SQLite (as SQLAlchemy itself stores it).
        """
        if not values:
            return
        dialect = self.connection.dialect
        columns = list(values[0])
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        quote = dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)})"
            f" VALUES ({', '.join([mark] * len(columns))})"
        )
        pick = itemgetter(*columns)
        rows = [pick(row) if len(columns) > 1 else (pick(row),) for row in values]
        dated = [i for i, c in enumerate(columns) if c in ("start", "due")]
        if dated and dialect.name == "sqlite":
            rows = [
                tuple(
                    value.isoformat() if i in dated and value is not None else value
                    for i, value in enumerate(row)
                )
                for row in rows
            ]
        self.connection.exec_driver_sql(sql, rows)

    def update(self, table: Any, key: str, values: list[dict[str, Any]]) -> None:
        """Update rows by their id; every dict names the same columns, plus ``b_id``."""
        from sqlalchemy import bindparam, update

        if values:
            self.connection.execute(update(table).where(table.c[key] == bindparam("b_id")), values)

    def delete(self, table: Any, column: str, ids: list[Any]) -> None:
        from sqlalchemy import delete

        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            self.connection.execute(delete(table).where(table.c[column].in_(chunk)))

    def keyed(self, table: Any, *columns: str) -> dict[str, Any]:
        """This plan's rows of ``table`` by key: (id, the columns...)."""
        from sqlalchemy import select

        found = self.rows(
            select(table.c.id, table.c.key, *(table.c[c] for c in columns)).where(
                table.c.plan_id == self.plan_id
            )
        )
        return {row[1]: row for row in found}

    def ids(self, table: Any) -> dict[str, int]:
        from sqlalchemy import select

        found = self.rows(select(table.c.key, table.c.id).where(table.c.plan_id == self.plan_id))
        return {key: row_id for key, row_id in found}

    def upsert_keyed(
        self,
        table: Any,
        wanted: list[tuple[str, dict[str, Any]]],
        versioned: bool,
        also_changed: set[str] | None = None,
    ) -> tuple[dict[str, int], dict[str, Any], set[str]]:
        """Insert new keys, update changed ones; returns ids, the leftover rows, new keys.

        ``wanted`` lists (key, column values) in plan order; ``also_changed``
        names keys whose children changed, which raises their version too.
        """
        columns = list(wanted[0][1]) if wanted else []
        existing = self.keyed(table, *columns, *(["version"] if versioned else []))
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
            content_changed = any(before[c] != values[c] for c in columns if c not in ("position",))
            if before == values and not (also_changed and key in also_changed):
                continue
            update = {"b_id": row[0], **values}
            if versioned:
                version = row[2 + len(columns)]
                bump = content_changed or bool(also_changed and key in also_changed)
                update["version"] = version + 1 if bump else version
            updates.append(update)
        self.insert(table, inserts)
        self.update(table, "id", updates)
        return self.ids(table), existing, new_keys

    def save(self, plan: Plan) -> None:
        from sqlalchemy import select

        from kplan.store.models import (
            CollaborationActorRow,
            CollaborationRow,
            CoverageRow,
            FourPRow,
            IndicatorRow,
            IndicatorValueRow,
            MeasureRow,
            OrganisationRow,
            OwnerRow,
        )

        organisation_table = OrganisationRow.__table__  # type: ignore[attr-defined]
        owner_table = OwnerRow.__table__  # type: ignore[attr-defined]
        measure_table = MeasureRow.__table__  # type: ignore[attr-defined]
        four_p_table = FourPRow.__table__  # type: ignore[attr-defined]
        coverage_table = CoverageRow.__table__  # type: ignore[attr-defined]
        collab_table = CollaborationRow.__table__  # type: ignore[attr-defined]
        actor_table = CollaborationActorRow.__table__  # type: ignore[attr-defined]
        indicator_table = IndicatorRow.__table__  # type: ignore[attr-defined]
        value_table = IndicatorValueRow.__table__  # type: ignore[attr-defined]

        organisation_ids, old_organisations, _ = self.upsert_keyed(
            organisation_table,
            [
                (org.id, {"name": org.name, "kind": org.kind, "position": position})
                for position, org in enumerate(plan.organisations)
            ],
            versioned=False,
        )
        owner_ids, old_owners, _ = self.upsert_keyed(
            owner_table,
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
        measure_ids_before = self.ids(measure_table)
        four_p_before: dict[tuple[int, str], str] = {
            (m, part): state
            for m, part, state in self.rows(
                select(four_p_table.c.measure_id, four_p_table.c.part, four_p_table.c.state)
                .join(measure_table, measure_table.c.id == four_p_table.c.measure_id)
                .where(measure_table.c.plan_id == self.plan_id)
            )
        }
        coverage_before: dict[tuple[int, str], str] = {
            (m, perspective): level
            for m, perspective, level in self.rows(
                select(
                    coverage_table.c.measure_id,
                    coverage_table.c.perspective,
                    coverage_table.c.level,
                )
                .join(measure_table, measure_table.c.id == coverage_table.c.measure_id)
                .where(measure_table.c.plan_id == self.plan_id)
            )
        }
        coverage_by_measure: dict[int, dict[str, str]] = {}
        for (m, p), level in coverage_before.items():
            coverage_by_measure.setdefault(m, {})[p] = level
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
            measure_table,
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
                        "position": position,
                    },
                )
                for position, measure in enumerate(plan.measures)
            ],
            versioned=True,
            also_changed=touched,
        )

        four_p_inserts: list[dict[str, Any]] = []
        four_p_updates: list[dict[str, Any]] = []
        coverage_inserts: list[dict[str, Any]] = []
        coverage_updates: list[dict[str, Any]] = []
        coverage_deletes: list[dict[str, Any]] = []
        for measure in plan.measures:
            measure_id = measure_ids[measure.id]
            for part in FOUR_P_PARTS:
                state = measure.four_p.get(part, "not-started")
                stored = four_p_before.get((measure_id, part))
                if stored is None:
                    four_p_inserts.append({"measure_id": measure_id, "part": part, "state": state})
                elif stored != state:
                    four_p_updates.append({"b_m": measure_id, "b_p": part, "state": state})
            stored_levels = dict(coverage_by_measure.get(measure_id, {}))
            for perspective in plan.perspectives:
                level = measure.perspectives.get(perspective, "no")
                stored = stored_levels.pop(perspective, None)
                if stored is None:
                    coverage_inserts.append(
                        {"measure_id": measure_id, "perspective": perspective, "level": level}
                    )
                elif stored != level:
                    coverage_updates.append({"b_m": measure_id, "b_p": perspective, "level": level})
            coverage_deletes.extend({"b_m": measure_id, "b_p": p} for p in stored_levels)
        self.insert(four_p_table, four_p_inserts)
        self.insert(coverage_table, coverage_inserts)
        self._update_pairs(four_p_table, "part", four_p_updates)
        self._update_pairs(coverage_table, "perspective", coverage_updates)
        self._delete_pairs(coverage_table, "perspective", coverage_deletes)

        collaborations = [(c, measure_ids[m.id]) for m in plan.measures for c in m.collaborations]
        collab_ids_before = self.ids(collab_table)
        actors_before: dict[int, list[tuple[int, int]]] = {}
        for collab_id, organisation_id, position in self.rows(
            select(
                actor_table.c.collaboration_id,
                actor_table.c.organisation_id,
                actor_table.c.position,
            )
            .join(collab_table, collab_table.c.id == actor_table.c.collaboration_id)
            .where(collab_table.c.plan_id == self.plan_id)
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
            collab_table,
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
        rewrite = [collab_ids[k] for k in actors_changed]
        self.delete(actor_table, "collaboration_id", rewrite)
        self.insert(
            actor_table,
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
        indicator_ids_before = self.ids(indicator_table)
        values_before: dict[int, dict[str, float]] = {}
        for indicator_id, period, value in self.rows(
            select(value_table.c.indicator_id, value_table.c.period, value_table.c.value)
            .join(indicator_table, indicator_table.c.id == value_table.c.indicator_id)
            .where(indicator_table.c.plan_id == self.plan_id)
        ):
            values_before.setdefault(indicator_id, {})[period] = value
        values_changed = {
            indicator.id
            for indicator, _ in indicators
            if indicator.id in indicator_ids_before
            and values_before.get(indicator_ids_before[indicator.id], {}) != indicator.values
        }
        indicator_ids, old_indicators, _ = self.upsert_keyed(
            indicator_table,
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
                        "position": position,
                    },
                )
                for position, (indicator, measure_id) in enumerate(indicators)
            ],
            versioned=True,
            also_changed=values_changed,
        )
        value_inserts: list[dict[str, Any]] = []
        value_updates: list[dict[str, Any]] = []
        value_deletes: list[dict[str, Any]] = []
        for indicator, _ in indicators:
            indicator_id = indicator_ids[indicator.id]
            stored_values = dict(values_before.get(indicator_id, {}))
            for period, value in indicator.values.items():
                stored_value = stored_values.pop(period, None)
                if stored_value is None:
                    value_inserts.append(
                        {"indicator_id": indicator_id, "period": period, "value": value}
                    )
                elif stored_value != value:
                    value_updates.append({"b_m": indicator_id, "b_p": period, "value": value})
            value_deletes.extend({"b_m": indicator_id, "b_p": p} for p in stored_values)
        self.insert(value_table, value_inserts)
        self._update_pairs(value_table, "period", value_updates, owner="indicator_id")
        self._delete_pairs(value_table, "period", value_deletes, owner="indicator_id")

        # What the plan no longer has goes last, children before parents.
        gone_indicators = [row[0] for row in old_indicators.values()]
        self.delete(value_table, "indicator_id", gone_indicators)
        self.delete(indicator_table, "id", gone_indicators)
        gone_collabs = [row[0] for row in old_collabs.values()]
        self.delete(actor_table, "collaboration_id", gone_collabs)
        self.delete(collab_table, "id", gone_collabs)
        gone_measures = [row[0] for row in old_measures.values()]
        self.delete(four_p_table, "measure_id", gone_measures)
        self.delete(coverage_table, "measure_id", gone_measures)
        self.delete(measure_table, "id", gone_measures)
        self.delete(owner_table, "id", [row[0] for row in old_owners.values()])
        self.delete(organisation_table, "id", [row[0] for row in old_organisations.values()])

    def _update_pairs(
        self, table: Any, second: str, values: list[dict[str, Any]], owner: str = "measure_id"
    ) -> None:
        from sqlalchemy import bindparam, update

        if values:
            self.connection.execute(
                update(table).where(
                    table.c[owner] == bindparam("b_m"), table.c[second] == bindparam("b_p")
                ),
                values,
            )

    def _delete_pairs(
        self, table: Any, second: str, values: list[dict[str, Any]], owner: str = "measure_id"
    ) -> None:
        from sqlalchemy import bindparam, delete

        if values:
            self.connection.execute(
                delete(table).where(
                    table.c[owner] == bindparam("b_m"), table.c[second] == bindparam("b_p")
                ),
                values,
            )
