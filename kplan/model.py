"""The plan as plain data: what a plan file holds and what the store keeps.

These dataclasses are the one in-memory shape of a plan. The plan-file reader
builds them, the store loads and saves them, import compares two of them, and
export writes one back out. Nothing here touches a database or a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from kplan.domain import (
    DEFAULT_LADDER,
    DEFAULT_LADDER_QUESTIONS,
    DEFAULT_PERSPECTIVES,
    FOUR_P_PARTS,
    format_number,
    group_part,
    period_sort_key,
    split_group_part,
)

FORMAT_VERSION = 1


@dataclass
class Organisation:
    """An organisation taking part in the plan (an actor of collaborations)."""

    id: str
    name: str
    kind: str = "other"


@dataclass
class Owner:
    """A process owner, or a coordinator, of the plan."""

    id: str
    name: str
    organisation: str | None = None
    email: str | None = None


@dataclass
class Collaboration:
    """Actors working together on a measure, at a step of the plan's ladder."""

    id: str
    name: str
    actors: list[str]
    step: int = 1
    note: str | None = None
    # The store's row version, read with the plan so an edit can say which
    # version it saw; not part of the plan file and not compared.
    version: int = field(default=0, compare=False)


@dataclass
class Indicator:
    """A measurable sign of a measure's progress, with values per period."""

    id: str
    name: str
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    direction: str = "increase"
    values: dict[str, float] = field(default_factory=dict)
    # Values split by the groups of a perspective: perspective -> group -> period -> value.
    groups: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    # Where the values come from (a PxWeb table, a Kolada key figure), as the plan file gives it.
    source: dict[str, Any] | None = None
    # The store's row version, read with the plan so an edit can say which
    # version it saw; not part of the plan file and not compared.
    version: int = field(default=0, compare=False)

    def group_values(self) -> dict[str, float]:
        """Every value split by group, keyed by its part text (``2016.kön=kvinnor``)."""
        return {
            group_part(period, perspective, group): value
            for perspective, groups in self.groups.items()
            for group, series in groups.items()
            for period, value in series.items()
        }

    def set_group_values(self, values: dict[str, float]) -> None:
        """Set the values split by group from their part texts (see :meth:`group_values`)."""
        self.groups = {}
        for part, value in values.items():
            pieces = split_group_part(part)
            if pieces is None:
                continue
            period, perspective, group = pieces
            self.groups.setdefault(perspective, {}).setdefault(group, {})[period] = value


@dataclass
class Measure:
    """One measure (åtgärd) of the plan, driven by one owner."""

    id: str
    title: str
    owner: str
    goal: str = ""
    area: str | None = None
    status: str = "not-started"
    progress: int = 0
    start: dt.date | None = None
    due: dt.date | None = None
    description: str | None = None
    # Läget: the current state of the measure in its owner's words.
    situation: str | None = None
    situation_public: bool = False
    four_p: dict[str, str] = field(default_factory=dict)
    perspectives: dict[str, str] = field(default_factory=dict)
    collaborations: list[Collaboration] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    # The store's row version, read with the plan so an edit can say which
    # version it saw; not part of the plan file and not compared.
    version: int = field(default=0, compare=False)


@dataclass
class Plan:
    """A whole action plan: its settings, organisations, owners and measures."""

    id: str
    title: str
    organisation: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    description: str | None = None
    perspectives: list[str] = field(default_factory=lambda: list(DEFAULT_PERSPECTIVES))
    ladder: list[str] = field(default_factory=lambda: list(DEFAULT_LADDER))
    ladder_questions: list[str] = field(default_factory=lambda: list(DEFAULT_LADDER_QUESTIONS))
    coordinators: list[str] = field(default_factory=list)
    edit: str = "open"
    language: str | None = None
    timezone: str | None = None
    public: bool = False
    organisations: list[Organisation] = field(default_factory=list)
    owners: list[Owner] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)

    def measure(self, key: str) -> Measure | None:
        """The measure whose id is ``key``, or None when the plan has none by that id.

        Ids are compared exactly, as the store keeps them; a plan holds each id once.
        """
        return next((measure for measure in self.measures if measure.id == key), None)

    def complete(self) -> Plan:
        """Fill every measure's Fyra P and perspective tables with their defaults.

        A missing Fyra P part is not started and a missing perspective is not
        covered; after this every measure names all of them, so comparisons
        between two plans see the same keys.
        """
        for measure in self.measures:
            measure.four_p = {
                part: measure.four_p.get(part, "not-started") for part in FOUR_P_PARTS
            }
            measure.perspectives = {p: measure.perspectives.get(p, "no") for p in self.perspectives}
        return self


def source_text(source: dict[str, Any] | None) -> str | None:
    """An indicator's source table as one line of JSON text (the store and the log keep it so)."""
    return json.dumps(source, ensure_ascii=False) if source else None


def _drop_none(table: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in table.items() if value is not None}


def groups_document(groups: dict[str, dict[str, dict[str, float]]]) -> dict[str, Any]:
    """Values split by group as a plan file holds them, periods in order, empty groups left out."""
    return {
        perspective: {
            group: {
                period: format_number(series[period])
                for period in sorted(series, key=period_sort_key)
            }
            for group, series in by_group.items()
            if series
        }
        for perspective, by_group in groups.items()
        if any(by_group.values())
    }


def plan_to_document(plan: Plan) -> dict[str, Any]:
    """The plan as a plan-file document (a dict ready for tomli-w)."""
    document: dict[str, Any] = {"kplan": FORMAT_VERSION}
    document["plan"] = _drop_none(
        {
            "id": plan.id,
            "title": plan.title,
            "organisation": plan.organisation,
            "start": plan.start,
            "end": plan.end,
            "description": plan.description,
            "perspectives": list(plan.perspectives),
            "ladder": list(plan.ladder),
            "ladder_questions": list(plan.ladder_questions),
            "coordinators": list(plan.coordinators),
            # The default policy is left out, so plans that never chose one read as before.
            "edit": plan.edit if plan.edit != "open" else None,
            "language": plan.language,
            "timezone": plan.timezone,
            # Like the edit policy, the default (not public) is left out.
            "public": True if plan.public else None,
        }
    )
    document["organisations"] = [
        {"id": org.id, "name": org.name, "kind": org.kind} for org in plan.organisations
    ]
    document["owners"] = [
        _drop_none(
            {
                "id": owner.id,
                "name": owner.name,
                "organisation": owner.organisation,
                "email": owner.email,
            }
        )
        for owner in plan.owners
    ]
    measures = []
    for measure in plan.measures:
        table = _drop_none(
            {
                "id": measure.id,
                "title": measure.title,
                "goal": measure.goal,
                "area": measure.area,
                "owner": measure.owner,
                "status": measure.status,
                "progress": measure.progress,
                "start": measure.start,
                "due": measure.due,
                "description": measure.description,
                "situation": measure.situation,
                "situation_public": True if measure.situation_public else None,
            }
        )
        table["four_p"] = {part: measure.four_p.get(part, "not-started") for part in FOUR_P_PARTS}
        table["perspectives"] = {p: measure.perspectives.get(p, "no") for p in plan.perspectives}
        if measure.collaborations:
            table["collaborations"] = [
                _drop_none(
                    {
                        "id": collab.id,
                        "name": collab.name,
                        "actors": list(collab.actors),
                        "step": collab.step,
                        "note": collab.note,
                    }
                )
                for collab in measure.collaborations
            ]
        if measure.indicators:
            table["indicators"] = [
                _drop_none(
                    {
                        "id": ind.id,
                        "name": ind.name,
                        "unit": ind.unit,
                        "baseline": format_number(ind.baseline),
                        "target": format_number(ind.target),
                        "direction": ind.direction,
                        "values": {
                            period: format_number(ind.values[period])
                            for period in sorted(ind.values, key=period_sort_key)
                        },
                        "groups": groups_document(ind.groups) or None,
                        "source": dict(ind.source) if ind.source else None,
                    }
                )
                for ind in measure.indicators
            ]
        measures.append(table)
    document["measures"] = measures
    return document
