"""``kplan compare``: several regions' plans side by side.

The plans come from the store (a national store holds many regions' plans)
or from files other regions exported with ``kplan export --format json``.
An export is read back through the plan-file checker, so a file that is not
one (or was changed by hand into something kplan would not write) is one
clear line, never a half-read plan.

The figures of each plan are its own: its statuses, its Fyra P use, its own
perspectives (matched between plans by name, in any case and Unicode
spelling, where they share one) and the positions of its collaborations on
its own ladder as a share of that ladder (step ÷ steps, since ladders
differ in length). Indicators are matched by id, and else by name, where
plans share them; matching them by statistical source and code comes with
the indicator sources.

:func:`compare_plans` computes from plans already read; :func:`compare`
reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kplan.core.counts import figures as plan_figures
from kplan.core.planfile import parse_plan_document, read_plan_text
from kplan.errors import InvalidValueError, PlanFileError, UsageError
from kplan.i18n import t
from kplan.model import Plan
from kplan.names import nfc
from kplan.safetext import visible
from kplan.store import plans as stored_plans

if TYPE_CHECKING:
    from kplan.store.engine import Store

# The version of kplan's JSON export this reads (kplan.present.text.EXPORT_VERSION).
EXPORT_VERSION = 1
# What a JSON export's parts hold that a plan file holds too; the rest (names
# of owners, overdue days, summaries) is computed and left out.
_PLAN_KEYS = (
    "id",
    "title",
    "organisation",
    "start",
    "end",
    "description",
    "perspectives",
    "ladder",
    "ladder_questions",
    "coordinators",
)
_ORGANISATION_KEYS = ("id", "name", "kind")
_OWNER_KEYS = ("id", "name", "organisation", "email")
_MEASURE_KEYS = (
    "id",
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
    "four_p",
    "perspectives",
)
_COLLABORATION_KEYS = ("id", "name", "actors", "step", "note")
_INDICATOR_KEYS = ("id", "name", "unit", "baseline", "target", "direction", "values")


@dataclass(frozen=True)
class Side:
    """One plan of the comparison: where it came from, and the plan."""

    plan: Plan
    file: str | None = None


class _NotExport(Exception):
    """The document is not shaped like kplan's JSON export."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def _picked(table: Any, keys: tuple[str, ...], where: str) -> dict[str, Any]:
    if type(table) is not dict:
        raise _NotExport(where)
    # null stands for "not set" in an export; a plan file leaves such a key out.
    return {key: table[key] for key in keys if key in table and table[key] is not None}


def _list(value: Any, where: str) -> list[Any]:
    if type(value) is not list:
        raise _NotExport(where)
    return value


def export_to_document(exported: Any) -> dict[str, Any]:
    """The plan-file document a JSON export holds (its computed parts left out).

    Raises ``_NotExport`` naming the part that is not as an export has it;
    whether the values are right is for the plan-file checker to say.
    """
    if type(exported) is not dict:
        raise _NotExport("")
    if exported.get("kplan_export") != EXPORT_VERSION or type(exported["kplan_export"]) is not int:
        raise _NotExport("kplan_export")
    document: dict[str, Any] = {
        "kplan": 1,
        "plan": _picked(exported.get("plan"), _PLAN_KEYS, "plan"),
    }
    document["organisations"] = [
        _picked(org, _ORGANISATION_KEYS, f"organisations[{index}]")
        for index, org in enumerate(_list(exported.get("organisations", []), "organisations"))
    ]
    document["owners"] = [
        _picked(owner, _OWNER_KEYS, f"owners[{index}]")
        for index, owner in enumerate(_list(exported.get("owners", []), "owners"))
    ]
    measures = []
    for index, raw in enumerate(_list(exported.get("measures", []), "measures")):
        where = f"measures[{index}]"
        measure = _picked(raw, _MEASURE_KEYS, where)
        collaborations = [
            _picked(c, _COLLABORATION_KEYS, f"{where}.collaborations[{number}]")
            for number, c in enumerate(
                _list(raw.get("collaborations", []), f"{where}.collaborations")
            )
        ]
        indicators = [
            _picked(i, _INDICATOR_KEYS, f"{where}.indicators[{number}]")
            for number, i in enumerate(_list(raw.get("indicators", []), f"{where}.indicators"))
        ]
        if collaborations:
            measure["collaborations"] = collaborations
        if indicators:
            measure["indicators"] = indicators
        measures.append(measure)
    document["measures"] = measures
    return document


def read_export(path: str | Path) -> Plan:
    """The plan in a file of kplan's JSON export, or one clear error line (exit 1)."""
    source = str(path)
    try:
        text = read_plan_text(path)
    except PlanFileError as error:
        raise InvalidValueError(_one_line(error, source)) from None
    try:
        exported = json.loads(text)
    except (ValueError, RecursionError) as error:
        detail = (
            f"{error.msg} (line {error.lineno}, column {error.colno})"
            if isinstance(error, json.JSONDecodeError)
            else type(error).__name__
        )
        raise InvalidValueError(t("compare.not_json", path=source, detail=detail)) from None
    try:
        document = export_to_document(exported)
    except _NotExport as error:
        raise InvalidValueError(
            t("compare.not_export", path=source, where=error.where or "(top)")
        ) from None
    except RecursionError:
        raise InvalidValueError(t("compare.not_export", path=source, where="(top)")) from None
    try:
        return parse_plan_document(document, source)
    except PlanFileError as error:
        raise InvalidValueError(_one_line(error, source)) from None


def _one_line(error: PlanFileError, source: str) -> str:
    first = error.problems[0]
    where = visible(first.path) if first.path else "(top)"
    more = len(error.problems) - 1
    return t(
        "compare.bad_export",
        path=source,
        where=where,
        detail=first.message,
        more=t("compare.more_problems", count=more) if more else "",
    )


def _fold(name: str) -> str:
    return nfc(name).casefold()


def _labels(sides: list[Side]) -> list[str]:
    """A label per plan: its id, with the file's name where two would be the same."""
    ids = [side.plan.id for side in sides]
    labels = []
    for side in sides:
        label = side.plan.id
        if ids.count(label) > 1 and side.file is not None:
            label = f"{label} ({Path(side.file).name})"
        labels.append(label)
    # Still the same (the same file twice): numbered, in the order given.
    for index, label in enumerate(labels):
        if labels.count(label) > 1:
            labels[index] = f"{label} #{index + 1}"
    return labels


def _ladder(plan: Plan) -> dict[str, Any]:
    steps = len(plan.ladder)
    positions = [
        collaboration.step / steps
        for measure in plan.measures
        for collaboration in measure.collaborations
        if 1 <= collaboration.step <= steps
    ]
    top = sum(1 for position in positions if position == 1)
    return {
        "steps": steps,
        "collaborations": len(positions),
        "mean_position": round(sum(positions) / len(positions), 4) if positions else None,
        "top_share": round(top / len(positions), 4) if positions else None,
        "per_step": [
            {
                "step": number,
                "name": name,
                "position": round(number / steps, 4),
                "collaborations": sum(1 for p in positions if round(p * steps) == number),
            }
            for number, name in enumerate(plan.ladder, start=1)
        ],
    }


def compare_plans(sides: list[Side]) -> dict[str, Any]:
    """The plans of ``sides`` side by side, as JSON-ready data (docs/json.md#compare)."""
    labels = _labels(sides)
    plans = []
    for label, side in zip(labels, sides, strict=True):
        plan = side.plan
        # The same counts as a year of ``kplan trend``, of the plan as it is.
        figures = plan_figures(plan)
        plans.append(
            {
                "label": label,
                "id": plan.id,
                "title": plan.title,
                "organisation": plan.organisation,
                "source": "file" if side.file is not None else "store",
                "file": side.file,
                "measures": figures["measures"],
                "statuses": figures["statuses"],
                "four_p": figures["four_p"],
                "perspectives": figures["perspectives"],
                "ladder": _ladder(plan),
                "indicators": figures["indicators"],
            }
        )
    return {
        "plans": plans,
        "perspectives": _matched_perspectives(plans),
        "indicators": _matched_indicators(plans),
    }


def _matched_perspectives(plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every perspective of any plan, once per name; ``shared`` when two plans or more have it."""
    found: dict[str, dict[str, Any]] = {}
    for plan in plans:
        for name, counts in plan["perspectives"].items():
            entry = found.setdefault(_fold(name), {"name": name, "plans": {}})
            entry["plans"][plan["label"]] = {
                "name": name,
                "yes": counts["yes"],
                "partly": counts["partly"],
                "no": counts["no"],
                "share_yes": counts["share_yes"],
            }
    return [{**entry, "shared": len(entry["plans"]) > 1} for entry in found.values()]


def _matched_indicators(plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Indicators two plans or more share: by id, and else by name."""
    by_id: dict[str, dict[str, Any]] = {}
    for plan in plans:
        for indicator in plan["indicators"]:
            entry = by_id.setdefault(
                indicator["id"],
                {"match": "id", "id": indicator["id"], "name": indicator["name"], "plans": {}},
            )
            entry["plans"].setdefault(plan["label"], _value(indicator))
    shared = [entry for entry in by_id.values() if len(entry["plans"]) > 1]
    matched = {(label, entry["id"]) for entry in shared for label in entry["plans"]}
    by_name: dict[str, dict[str, Any]] = {}
    for plan in plans:
        for indicator in plan["indicators"]:
            if (plan["label"], indicator["id"]) in matched:
                continue
            entry = by_name.setdefault(
                _fold(indicator["name"]),
                {"match": "name", "id": None, "name": indicator["name"], "plans": {}},
            )
            entry["plans"].setdefault(plan["label"], _value(indicator))
    shared += [entry for entry in by_name.values() if len(entry["plans"]) > 1]
    return shared


def _value(indicator: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": indicator["id"],
        "unit": indicator["unit"],
        "period": indicator["period"],
        "value": indicator["value"],
    }


def compare(store: Store | None, plan_ids: list[str], files: list[Path]) -> dict[str, Any]:
    """``kplan compare``: the plans named from the store, then those read from files."""
    if len(plan_ids) + len(files) < 2:
        raise UsageError(t("compare.too_few"))
    sides: list[Side] = []
    if plan_ids:
        assert store is not None
        with store.reading() as rows:
            for key in plan_ids:
                info = stored_plans.select_plan(rows, key)
                sides.append(Side(stored_plans.load_plan(rows, info).complete()))
    sides += [Side(read_export(path), str(path)) for path in files]
    return compare_plans(sides)
