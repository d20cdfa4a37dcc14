"""Moving whole plans between the store's rows and the plain Plan dataclasses.

``load_plan`` reads a plan's rows into a Plan; ``save_plan`` makes the rows
match a Plan, updating rows in place (so ids and versions survive an import),
adding what is new and removing what is gone.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from kplan.core.domain import FOUR_P_PARTS
from kplan.core.model import (
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


def plan_rows(session: Session) -> list[PlanRow]:
    """Every plan in the store, by id."""
    from sqlmodel import select

    from kplan.store.models import PlanRow

    return list(session.exec(select(PlanRow).order_by(PlanRow.key)).all())


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
    """Make the store's rows for ``plan.id`` equal to ``plan``; returns the plan row."""
    from sqlmodel import col, delete, select

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
        PlanRow,
    )

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
    plan_id = plan_row.id
    assert plan_id is not None

    def existing(model: Any) -> dict[str, Any]:
        return {row.key: row for row in session.exec(select(model).where(model.plan_id == plan_id))}

    organisations = existing(OrganisationRow)
    organisation_ids: dict[str, int] = {}
    for position, org in enumerate(plan.organisations):
        row = organisations.pop(org.id, None) or OrganisationRow(
            plan_id=plan_id, key=org.id, name=org.name
        )
        _assign(row, {"name": org.name, "kind": org.kind, "position": position})
        session.add(row)
        session.flush()
        assert row.id is not None
        organisation_ids[org.id] = row.id

    owners = existing(OwnerRow)
    owner_ids: dict[str, int] = {}
    for position, owner in enumerate(plan.owners):
        row = owners.pop(owner.id, None) or OwnerRow(plan_id=plan_id, key=owner.id, name=owner.name)
        _assign(
            row,
            {
                "name": owner.name,
                "organisation_id": organisation_ids[owner.organisation]
                if owner.organisation
                else None,
                "email": owner.email,
                "position": position,
            },
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        owner_ids[owner.id] = row.id

    measures = existing(MeasureRow)
    collaborations = existing(CollaborationRow)
    indicators = existing(IndicatorRow)
    collaboration_position = 0
    indicator_position = 0
    for position, measure in enumerate(plan.measures):
        row = measures.pop(measure.id, None)
        is_new = row is None
        if row is None:
            row = MeasureRow(
                plan_id=plan_id,
                key=measure.id,
                title=measure.title,
                owner_id=owner_ids[measure.owner],
            )
            session.add(row)
        changed = _assign(
            row,
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
            },
        )
        row.position = position
        session.flush()
        measure_id = row.id
        assert measure_id is not None
        parts = {
            r.part: r
            for r in session.exec(select(FourPRow).where(FourPRow.measure_id == measure_id))
        }
        for part in FOUR_P_PARTS:
            state = measure.four_p.get(part, "not-started")
            part_row = parts.get(part)
            if part_row is None:
                session.add(FourPRow(measure_id=measure_id, part=part, state=state))
                changed = True
            elif part_row.state != state:
                part_row.state = state
                session.add(part_row)
                changed = True
        levels = {
            r.perspective: r
            for r in session.exec(select(CoverageRow).where(CoverageRow.measure_id == measure_id))
        }
        for perspective in plan.perspectives:
            level = measure.perspectives.get(perspective, "no")
            coverage_row = levels.pop(perspective, None)
            if coverage_row is None:
                session.add(
                    CoverageRow(measure_id=measure_id, perspective=perspective, level=level)
                )
                changed = True
            elif coverage_row.level != level:
                coverage_row.level = level
                session.add(coverage_row)
                changed = True
        for stale in levels.values():
            session.delete(stale)
            changed = True
        if changed and not is_new:
            row.version += 1
        session.add(row)

        for collab in measure.collaborations:
            collab_row = collaborations.pop(collab.id, None)
            collab_new = collab_row is None
            if collab_row is None:
                collab_row = CollaborationRow(
                    plan_id=plan_id, measure_id=measure_id, key=collab.id, name=collab.name
                )
                session.add(collab_row)
                session.flush()
            collab_changed = _assign(
                collab_row,
                {
                    "measure_id": measure_id,
                    "name": collab.name,
                    "step": collab.step,
                    "note": collab.note,
                },
            )
            collab_row.position = collaboration_position
            collaboration_position += 1
            session.flush()
            current = [
                (r.position, r)
                for r in session.exec(
                    select(CollaborationActorRow).where(
                        CollaborationActorRow.collaboration_id == collab_row.id
                    )
                )
            ]
            wanted = [organisation_ids[actor] for actor in collab.actors]
            if [r.organisation_id for _, r in sorted(current, key=lambda pair: pair[0])] != wanted:
                for _, actor_row in current:
                    session.delete(actor_row)
                session.flush()
                for actor_position, organisation_id in enumerate(wanted):
                    session.add(
                        CollaborationActorRow(
                            collaboration_id=collab_row.id,
                            organisation_id=organisation_id,
                            position=actor_position,
                        )
                    )
                collab_changed = True
            if collab_changed and not collab_new:
                collab_row.version += 1
            session.add(collab_row)

        for indicator in measure.indicators:
            ind_row = indicators.pop(indicator.id, None)
            ind_new = ind_row is None
            if ind_row is None:
                ind_row = IndicatorRow(
                    plan_id=plan_id, measure_id=measure_id, key=indicator.id, name=indicator.name
                )
                session.add(ind_row)
                session.flush()
            ind_changed = _assign(
                ind_row,
                {
                    "measure_id": measure_id,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "baseline": indicator.baseline,
                    "target": indicator.target,
                    "direction": indicator.direction,
                },
            )
            ind_row.position = indicator_position
            indicator_position += 1
            session.flush()
            stored = {
                r.period: r
                for r in session.exec(
                    select(IndicatorValueRow).where(IndicatorValueRow.indicator_id == ind_row.id)
                )
            }
            for period, value in indicator.values.items():
                value_row = stored.pop(period, None)
                if value_row is None:
                    session.add(
                        IndicatorValueRow(indicator_id=ind_row.id, period=period, value=value)
                    )
                    ind_changed = True
                elif value_row.value != value:
                    value_row.value = value
                    session.add(value_row)
                    ind_changed = True
            for value_row in stored.values():
                session.delete(value_row)
                ind_changed = True
            if ind_changed and not ind_new:
                ind_row.version += 1
            session.add(ind_row)

    # What the plan no longer has goes last, children before parents.
    session.flush()
    for ind_row in indicators.values():
        session.exec(
            delete(IndicatorValueRow).where(col(IndicatorValueRow.indicator_id) == ind_row.id)
        )
        session.delete(ind_row)
    for collab_row in collaborations.values():
        session.exec(
            delete(CollaborationActorRow).where(
                col(CollaborationActorRow.collaboration_id) == collab_row.id
            )
        )
        session.delete(collab_row)
    session.flush()
    for measure_row in measures.values():
        session.exec(delete(FourPRow).where(col(FourPRow.measure_id) == measure_row.id))
        session.exec(delete(CoverageRow).where(col(CoverageRow.measure_id) == measure_row.id))
        session.delete(measure_row)
    session.flush()
    for owner_row in owners.values():
        session.delete(owner_row)
    session.flush()
    for org_row in organisations.values():
        session.delete(org_row)
    session.flush()
    return plan_row
