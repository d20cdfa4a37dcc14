"""Moving whole plans between the store's rows and the plain Plan dataclasses.

``load_plan`` reads a plan's rows into a Plan; ``save_plan`` makes the rows
match a Plan, updating rows in place (so ids and versions survive an import),
adding what is new and removing what is gone.
"""

from __future__ import annotations

from collections import defaultdict
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


def load_plan(session: Session, plan_row: PlanRow, only: Collection[str] | None = None) -> Plan:
    """The plan as a Plan dataclass; with ``only``, just those measures.

    A partial load lets a view that already holds the plan refresh the few
    measures that changed without reading the rest again.
    """
    from sqlmodel import col, select

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
    )
    organisations = session.exec(
        select(OrganisationRow)
        .where(OrganisationRow.plan_id == plan_id)
        .order_by(col(OrganisationRow.position))
    ).all()
    organisation_keys = {row.id: row.key for row in organisations}
    plan.organisations = [Organisation(row.key, row.name, row.kind) for row in organisations]

    owners = session.exec(
        select(OwnerRow).where(OwnerRow.plan_id == plan_id).order_by(col(OwnerRow.position))
    ).all()
    owner_keys = {row.id: row.key for row in owners}
    plan.owners = [
        Owner(
            row.key,
            row.name,
            organisation_keys.get(row.organisation_id) if row.organisation_id else None,
            row.email,
        )
        for row in owners
    ]

    measure_query = select(MeasureRow).where(MeasureRow.plan_id == plan_id)
    if only is not None:
        measure_query = measure_query.where(col(MeasureRow.key).in_(list(only)))
    measure_rows = session.exec(measure_query.order_by(col(MeasureRow.position))).all()
    measure_ids = [row.id for row in measure_rows]
    four_p: dict[int, dict[str, str]] = defaultdict(dict)
    coverage: dict[int, dict[str, str]] = defaultdict(dict)
    if measure_ids:
        for part_row in session.exec(
            select(FourPRow).where(col(FourPRow.measure_id).in_(measure_ids))
        ).all():
            four_p[part_row.measure_id][part_row.part] = part_row.state
        for coverage_row in session.exec(
            select(CoverageRow).where(col(CoverageRow.measure_id).in_(measure_ids))
        ).all():
            coverage[coverage_row.measure_id][coverage_row.perspective] = coverage_row.level

    collaborations: dict[int, list[Collaboration]] = defaultdict(list)
    collaboration_query = select(CollaborationRow).where(CollaborationRow.plan_id == plan_id)
    if only is not None:
        collaboration_query = collaboration_query.where(
            col(CollaborationRow.measure_id).in_(measure_ids)
        )
    collaboration_rows = session.exec(
        collaboration_query.order_by(col(CollaborationRow.position))
    ).all()
    actors: dict[int, list[tuple[int, str]]] = defaultdict(list)
    collaboration_ids = [row.id for row in collaboration_rows]
    if collaboration_ids:
        for actor_row in session.exec(
            select(CollaborationActorRow).where(
                col(CollaborationActorRow.collaboration_id).in_(collaboration_ids)
            )
        ).all():
            actors[actor_row.collaboration_id].append(
                (actor_row.position, organisation_keys[actor_row.organisation_id])
            )
    for collab_row in collaboration_rows:
        assert collab_row.id is not None
        collaborations[collab_row.measure_id].append(
            Collaboration(
                id=collab_row.key,
                name=collab_row.name,
                actors=[key for _, key in sorted(actors[collab_row.id])],
                step=collab_row.step,
                note=collab_row.note,
            )
        )

    indicators: dict[int, list[Indicator]] = defaultdict(list)
    indicator_query = select(IndicatorRow).where(IndicatorRow.plan_id == plan_id)
    if only is not None:
        indicator_query = indicator_query.where(col(IndicatorRow.measure_id).in_(measure_ids))
    indicator_rows = session.exec(indicator_query.order_by(col(IndicatorRow.position))).all()
    values: dict[int, dict[str, float]] = defaultdict(dict)
    indicator_ids = [row.id for row in indicator_rows]
    if indicator_ids:
        for value_row in session.exec(
            select(IndicatorValueRow).where(col(IndicatorValueRow.indicator_id).in_(indicator_ids))
        ).all():
            values[value_row.indicator_id][value_row.period] = value_row.value
    for ind_row in indicator_rows:
        assert ind_row.id is not None
        indicators[ind_row.measure_id].append(
            Indicator(
                id=ind_row.key,
                name=ind_row.name,
                unit=ind_row.unit,
                baseline=ind_row.baseline,
                target=ind_row.target,
                direction=ind_row.direction,
                values=dict(values[ind_row.id]),
            )
        )

    for row in measure_rows:
        assert row.id is not None
        plan.measures.append(
            Measure(
                id=row.key,
                title=row.title,
                owner=owner_keys[row.owner_id],
                goal=row.goal,
                area=row.area,
                status=row.status,
                progress=row.progress,
                start=row.start,
                due=row.due,
                description=row.description,
                four_p=dict(four_p[row.id]),
                perspectives=dict(coverage[row.id]),
                collaborations=collaborations[row.id],
                indicators=indicators[row.id],
            )
        )
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
