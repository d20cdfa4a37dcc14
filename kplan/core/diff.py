"""What differs between two versions of a plan, field by field.

Import uses this to log one event per changed field and to show a dry run;
the same comparison serves any later comparison of two states of a plan.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from kplan.domain import format_number, period_sort_key
from kplan.model import Plan, source_text


@dataclass(frozen=True)
class FieldChange:
    """One changed field: where it is, its old and its new value (None: absent)."""

    field: str
    old: Any
    new: Any
    measure: str | None = None
    collaboration: str | None = None
    indicator: str | None = None


def as_text(value: Any) -> str | None:
    """A value as the event log stores it: text, JSON for lists and tables."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(format_number(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def _fields(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    names = list(before) + [name for name in after if name not in before]
    return [
        (name, before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    ]


def diff_plans(old: Plan | None, new: Plan) -> list[FieldChange]:
    """Every field that differs from ``old`` to ``new``, in plan-file order."""
    changes: list[FieldChange] = []
    if old is None:
        return [FieldChange("plan", None, new.id)]

    plan_fields = (
        "title",
        "organisation",
        "start",
        "end",
        "description",
        "perspectives",
        "ladder",
        "ladder_questions",
        "coordinators",
        "edit",
        "language",
        "timezone",
        "public",
    )
    for name, before, after in _fields(
        {f: getattr(old, f) for f in plan_fields}, {f: getattr(new, f) for f in plan_fields}
    ):
        changes.append(FieldChange(f"plan.{name}", before, after))

    for collection, attributes in (
        ("organisations", ("name", "kind")),
        ("owners", ("name", "organisation", "email")),
    ):
        before_items = {item.id: item for item in getattr(old, collection)}
        after_items = {item.id: item for item in getattr(new, collection)}
        for key, item in after_items.items():
            previous = before_items.get(key)
            if previous is None:
                changes.append(FieldChange(collection, None, key))
                continue
            for name, before, after in _fields(
                {a: getattr(previous, a) for a in attributes},
                {a: getattr(item, a) for a in attributes},
            ):
                changes.append(FieldChange(f"{collection}.{key}.{name}", before, after))
        for key in before_items:
            if key not in after_items:
                changes.append(FieldChange(collection, key, None))

    measure_fields = (
        "title",
        "goal",
        "area",
        "owner",
        "status",
        "progress",
        "start",
        "due",
        "description",
        "situation",
        "situation_public",
    )
    old_measures = {m.id: m for m in old.measures}
    new_measures = {m.id: m for m in new.measures}
    old_collabs = {c.id: (m.id, c) for m in old.measures for c in m.collaborations}
    old_indicators = {i.id: (m.id, i) for m in old.measures for i in m.indicators}
    new_collab_ids = {c.id for m in new.measures for c in m.collaborations}
    new_indicator_ids = {i.id for m in new.measures for i in m.indicators}

    for measure in new.measures:
        previous = old_measures.get(measure.id)
        if previous is None:
            changes.append(FieldChange("measure", None, measure.id, measure=measure.id))
        else:
            before = {f: getattr(previous, f) for f in measure_fields}
            before |= {f"four_p.{k}": v for k, v in previous.four_p.items()}
            before |= {f"perspectives.{k}": v for k, v in previous.perspectives.items()}
            after = {f: getattr(measure, f) for f in measure_fields}
            after |= {f"four_p.{k}": v for k, v in measure.four_p.items()}
            after |= {f"perspectives.{k}": v for k, v in measure.perspectives.items()}
            for name, old_value, new_value in _fields(before, after):
                changes.append(FieldChange(name, old_value, new_value, measure=measure.id))

        for collab in measure.collaborations:
            found = old_collabs.get(collab.id)
            if found is None:
                changes.append(
                    FieldChange(
                        "collaboration",
                        None,
                        collab.id,
                        measure=measure.id,
                        collaboration=collab.id,
                    )
                )
                continue
            old_measure, previous_collab = found
            before = {"measure": old_measure} | {
                a: getattr(previous_collab, a) for a in ("name", "actors", "step", "note")
            }
            after = {"measure": measure.id} | {
                a: getattr(collab, a) for a in ("name", "actors", "step", "note")
            }
            for name, old_value, new_value in _fields(before, after):
                changes.append(
                    FieldChange(
                        name, old_value, new_value, measure=measure.id, collaboration=collab.id
                    )
                )

        for indicator in measure.indicators:
            found_indicator = old_indicators.get(indicator.id)
            if found_indicator is None:
                changes.append(
                    FieldChange(
                        "indicator", None, indicator.id, measure=measure.id, indicator=indicator.id
                    )
                )
                continue
            old_measure, previous_indicator = found_indicator
            indicator_fields = ("name", "unit", "baseline", "target", "direction")
            before = {"measure": old_measure} | {
                a: getattr(previous_indicator, a) for a in indicator_fields
            }
            after = {"measure": measure.id} | {a: getattr(indicator, a) for a in indicator_fields}
            periods = sorted(
                set(previous_indicator.values) | set(indicator.values), key=period_sort_key
            )
            before |= {f"values.{p}": previous_indicator.values.get(p) for p in periods}
            after |= {f"values.{p}": indicator.values.get(p) for p in periods}
            old_groups = previous_indicator.group_values()
            new_groups = indicator.group_values()
            parts = sorted(set(old_groups) | set(new_groups))
            before |= {f"groups.{p}": old_groups.get(p) for p in parts}
            after |= {f"groups.{p}": new_groups.get(p) for p in parts}
            if previous_indicator.source != indicator.source:
                before["source"] = source_text(previous_indicator.source)
                after["source"] = source_text(indicator.source)
            for name, old_value, new_value in _fields(before, after):
                changes.append(
                    FieldChange(
                        name, old_value, new_value, measure=measure.id, indicator=indicator.id
                    )
                )

    for key, (measure_key, _) in old_collabs.items():
        if key not in new_collab_ids:
            changes.append(
                FieldChange("collaboration", key, None, measure=measure_key, collaboration=key)
            )
    for key, (measure_key, _) in old_indicators.items():
        if key not in new_indicator_ids:
            changes.append(FieldChange("indicator", key, None, measure=measure_key, indicator=key))
    for key in old_measures:
        if key not in new_measures:
            changes.append(FieldChange("measure", key, None, measure=key))

    # Order is part of a plan: people read measures, owners and the rest in the
    # order the file gives. A file that only reorders must still be imported.
    _order_change(changes, "plan.measure_order", old.measures, new.measures)
    _order_change(changes, "plan.organisation_order", old.organisations, new.organisations)
    _order_change(changes, "plan.owner_order", old.owners, new.owners)
    for measure in new.measures:
        previous = old_measures.get(measure.id)
        if previous is None:
            continue
        _order_change(
            changes,
            "collaboration_order",
            previous.collaborations,
            measure.collaborations,
            measure=measure.id,
        )
        _order_change(
            changes, "indicator_order", previous.indicators, measure.indicators, measure=measure.id
        )
    return changes


def _order_change(
    changes: list[FieldChange],
    name: str,
    old: list[Any],
    new: list[Any],
    measure: str | None = None,
) -> None:
    """Record a change of order among the items both lists share."""
    old_ids = [item.id for item in old]
    new_ids = [item.id for item in new]
    shared = set(old_ids) & set(new_ids)
    if [i for i in old_ids if i in shared] != [i for i in new_ids if i in shared]:
        changes.append(FieldChange(name, old_ids, new_ids, measure=measure))
