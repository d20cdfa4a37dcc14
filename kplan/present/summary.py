"""Plans and results shaped for people and scripts: the dicts ``--json`` prints.

The shapes built here are the ones docs/json.md documents, so the CLI, the
TUI, the exports and scripts all see the same fields. Everything here works
on what is already loaded (a Plan, a Measure, a change result): the reads
that load it are in :mod:`kplan.core.queries`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kplan.core.actor import today as current_day
from kplan.core.diff import FieldChange, as_text
from kplan.domain import (
    COVERAGE_LEVELS,
    FOUR_P_PARTS,
    STATUSES,
    as_utc,
    days_overdue,
    format_number,
    gap_trend,
    period_sort_key,
    values_trend,
)
from kplan.i18n import t
from kplan.model import Indicator, Measure, Owner, Plan

if TYPE_CHECKING:
    from kplan.core.changes import ChangeResult
    from kplan.core.conflicts import Base, Conflict, ImportConflictError
    from kplan.core.importing import ImportResult
    from kplan.core.statistics import FetchResult
    from kplan.store.plans import PlanInfo


def plan_rows(found: Sequence[tuple[PlanInfo, int]]) -> list[dict[str, Any]]:
    """The store's plans, each with its number of measures, as ``plans --json`` prints them."""
    return [
        {
            "id": info.key,
            "title": info.title,
            "organisation": info.organisation,
            "start": info.start.isoformat() if info.start else None,
            "end": info.end.isoformat() if info.end else None,
            "measures": measures,
            "perspectives": list(info.perspectives),
            "ladder": list(info.ladder),
            "ladder_questions": list(info.ladder_questions),
            "coordinators": list(info.coordinators),
            "edit": info.edit,
        }
        for info, measures in found
    ]


def plan_settings(info: PlanInfo) -> dict[str, Any]:
    """One plan's settings, as ``plan show --json`` prints them."""
    return {
        "id": info.key,
        "title": info.title,
        "organisation": info.organisation,
        "start": info.start.isoformat() if info.start else None,
        "end": info.end.isoformat() if info.end else None,
        "description": info.description,
        "coordinators": list(info.coordinators),
        "edit": info.edit,
        "language": info.language,
        "timezone": info.timezone,
        "zone": info.zone,
        "public": info.public,
        "perspectives": list(info.perspectives),
        "ladder": [
            {"step": number, "name": name, "question": question}
            for number, (name, question) in enumerate(
                zip(info.ladder, info.ladder_questions, strict=False), start=1
            )
        ],
    }


def steps_of(measure: Measure) -> dict[str, int | None]:
    """The lowest and highest ladder step among a measure's collaborations."""
    steps = [c.step for c in measure.collaborations]
    return {"lowest": min(steps) if steps else None, "highest": max(steps) if steps else None}


def measure_summary(
    plan: Plan,
    measure: Measure,
    owners: dict[str, Owner] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The fields of a measure that ``list --json`` prints.

    ``owners`` (the plan's owners by id) saves building that index again
    for every measure of a long list. ``today`` is the day "overdue" is
    judged on (kplan's clock's day when None).
    """
    if owners is None:
        owners = {o.id: o for o in plan.owners}
    owner = owners.get(measure.owner)
    late = days_overdue(measure.due, measure.status, today or current_day())
    return {
        "id": measure.id,
        "title": measure.title,
        "owner": measure.owner,
        "owner_name": owner.name if owner else None,
        "area": measure.area,
        "status": measure.status,
        "progress": measure.progress,
        "start": measure.start.isoformat() if measure.start else None,
        "due": measure.due.isoformat() if measure.due else None,
        "overdue": late is not None,
        "days_overdue": late,
        "four_p": dict(measure.four_p),
        "perspectives": dict(measure.perspectives),
        "steps": steps_of(measure),
    }


def measure_summaries(
    plan: Plan, measures: Sequence[Measure], today: dt.date | None = None
) -> list[dict[str, Any]]:
    """:func:`measure_summary` for each of ``measures`` (the rows of ``list``)."""
    owners = {o.id: o for o in plan.owners}
    day = today or current_day()
    return [measure_summary(plan, measure, owners, day) for measure in measures]


def plan_summary(plan: Plan, measures: list[Measure] | None = None) -> dict[str, Any]:
    """Roll-up figures: measures per status, Fyra P use and perspective coverage."""
    chosen = plan.measures if measures is None else measures
    statuses = {status: sum(m.status == status for m in chosen) for status in STATUSES}
    parts = [state for m in chosen for state in m.four_p.values()]
    coverage = {
        p: {
            level: sum(m.perspectives.get(p, "no") == level for m in chosen)
            for level in COVERAGE_LEVELS
        }
        for p in plan.perspectives
    }
    return {
        "measures": len(chosen),
        "statuses": statuses,
        "four_p_done": (parts.count("done") / len(parts)) if parts else 0.0,
        "perspectives": coverage,
    }


def measure_detail(plan: Plan, measure: Measure, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything about one measure, as ``show --json`` prints it.

    ``events`` are the measure's newest events as the log reads them.
    """
    organisations = {o.id: o.name for o in plan.organisations}
    detail = measure_summary(plan, measure)
    detail["plan"] = plan.id
    detail["goal"] = measure.goal
    detail["description"] = measure.description
    detail["situation"] = measure.situation
    detail["collaborations"] = [
        {
            "id": c.id,
            "name": c.name,
            "step": c.step,
            "step_label": plan.ladder[c.step - 1] if c.step <= len(plan.ladder) else None,
            "step_question": (
                plan.ladder_questions[c.step - 1] or None
                if c.step <= len(plan.ladder_questions)
                else None
            ),
            "actors": list(c.actors),
            "actor_names": [organisations.get(a, a) for a in c.actors],
            "note": c.note,
        }
        for c in measure.collaborations
    ]
    detail["indicators"] = []
    for ind in measure.indicators:
        periods = sorted(ind.values, key=period_sort_key)
        series = [ind.values[p] for p in periods]
        detail["indicators"].append(
            {
                "id": ind.id,
                "name": ind.name,
                "unit": ind.unit,
                "baseline": format_number(ind.baseline),
                "target": format_number(ind.target),
                "direction": ind.direction,
                "values": {p: format_number(ind.values[p]) for p in periods},
                "latest": format_number(series[-1]) if series else None,
                "trend": values_trend(ind.values, ind.direction),
                "split": split_json(ind),
                "source": dict(ind.source) if ind.source else None,
            }
        )
    detail["events"] = events
    detail["version"] = measure.version
    return detail


def source_label(source: dict[str, Any]) -> str:
    """A source in short, for a line of text: ``PxWeb AM0208X (18)``, ``Kolada N00914 (1880)``."""
    if source.get("kind") == "kolada":
        return f"Kolada (RKA) {source.get('kpi', '')} ({source.get('region', '')})"
    return f"SCB PxWeb {source.get('table', '')} ({source.get('region', '')})".replace(" ()", "")


def split_json(indicator: Indicator) -> list[dict[str, Any]]:
    """An indicator's values split by group, one entry per perspective, with the gap.

    ``gap`` is, per period where two or more groups have a value, the highest
    group's value less the lowest's; ``gap_trend`` is ``up`` when the latest
    gap is narrower than the one before it (like periods compared), ``down``
    when wider, ``flat`` or ``none`` as for values.
    """
    split = []
    for perspective, groups in indicator.groups.items():
        gaps, trend = gap_trend(groups)
        split.append(
            {
                "perspective": perspective,
                "groups": {
                    group: {
                        period: format_number(series[period])
                        for period in sorted(series, key=period_sort_key)
                    }
                    for group, series in groups.items()
                },
                "gap": {period: format_number(gap) for period, gap in gaps.items()},
                "gap_trend": trend,
            }
        )
    return split


def _field_changes(changes: Sequence[FieldChange]) -> list[dict[str, Any]]:
    return [
        {
            "measure": c.measure,
            "collaboration": c.collaboration,
            "indicator": c.indicator,
            "field": c.field,
            "old": as_text(c.old),
            "new": as_text(c.new),
        }
        for c in changes
    ]


def changes_json(result: ChangeResult) -> dict[str, Any]:
    """What a change command changed, for ``--json``."""
    return {"batch": result.batch, "changes": _field_changes(result.changes)}


def fetch_json(found: FetchResult) -> dict[str, Any]:
    """What ``kplan indicator fetch`` read and recorded (or would record), for ``--json``."""
    return {
        "batch": None if found.dry_run or not found.result.changes else found.result.batch,
        "dry_run": found.dry_run,
        "sources": [{"indicator": item.indicator, **item.provenance} for item in found.fetched],
        "changes": _field_changes(found.result.changes),
    }


def import_json(result: ImportResult, plan: Plan) -> dict[str, Any]:
    """What an import did, for ``--json``."""
    return {
        "plan": result.plan,
        "created": result.created,
        "dry_run": result.dry_run,
        "refused": False,
        "measures": len(plan.measures),
        "changes": _field_changes(result.changes) if not result.created else [],
        "base": base_json(result.base),
        "conflicts": conflicts_json(result.conflicts, result.resolution),
    }


def base_json(base: Base | None) -> dict[str, Any] | None:
    """The point an import compared the file from, for ``--json`` (None: no base)."""
    if base is None:
        return None
    return {
        "from": "export" if base.exported else "import",
        "at": as_utc(base.at).isoformat().replace("+00:00", "Z"),
    }


# What became of a conflict, by the import's resolution.
_OUTCOME = {"refuse": "refused", "keep-store": "store", "force": "file"}


def conflicts_json(conflicts: Sequence[Conflict], resolution: str) -> list[dict[str, Any]]:
    """An import's conflicts, for ``--json`` (docs/json.md, import)."""
    return [
        {
            "measure": c.change.measure,
            "collaboration": c.change.collaboration,
            "indicator": c.change.indicator,
            "field": c.change.field,
            "file": c.file_value,
            "store": c.store_value,
            "changed_by": c.actor,
            "changed_at": as_utc(c.at).isoformat().replace("+00:00", "Z"),
            "outcome": _OUTCOME[resolution],
        }
        for c in conflicts
    ]


def refused_import_json(error: ImportConflictError, plan: Plan, dry_run: bool) -> dict[str, Any]:
    """A refused import, for ``--json``: what conflicts, and that nothing was written."""
    return {
        "plan": error.plan,
        "created": False,
        "dry_run": dry_run,
        "refused": True,
        "measures": len(plan.measures),
        "changes": [],
        "base": base_json(error.base),
        "conflicts": conflicts_json(error.conflicts, "refuse"),
    }


def share_text(share: float | None) -> str:
    """A share of 0 to 1 as a whole percent, or a dash when there was nothing to share."""
    return "–" if share is None else f"{round(share * 100)}%"


def trend_table(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """``kplan trend``'s result as a table: a line per figure, a column per year.

    The cells are plain text (the plan's own names unescaped): a terminal
    shows them through ``visible`` and the Markdown report through its own
    escaping.
    """
    rows = result["rows"]
    headers = [t("trend.col_figure")] + [row["label"] for row in rows]
    body: list[list[str]] = []

    def line(label: str, cells: list[str]) -> None:
        body.append([label, *cells])

    line(t("trend.row_measures"), [str(row["measures"]) for row in rows])
    for status in result["statuses"]:
        line(
            t("trend.row_status", status=t(f"status.{status}")),
            [str(row["statuses"].get(status, 0)) for row in rows],
        )
    line(
        t("trend.row_four_p"),
        [four_p_cell(row["four_p"]) for row in rows],
    )
    for part in result["four_p_parts"]:
        line(
            t("trend.row_four_p_part", part=t(f"four_p.{part}")),
            [share_text(row["four_p"]["parts"][part]["share"]) for row in rows],
        )
    for name in result["perspectives"]:
        cells = []
        for row in rows:
            found = row["perspectives"].get(name)
            cells.append(
                "–"
                if found is None
                else t(
                    "trend.perspective_cell",
                    yes=found["yes"],
                    partly=found["partly"],
                    no=found["no"],
                    share=share_text(found["share_yes"]),
                )
            )
        line(t("trend.row_perspective", name=name), cells)
    steps = max((len(row["ladder"]) for row in rows), default=0)
    for number in range(1, steps + 1):
        # The step's name as the latest row that has the step calls it.
        name = next(
            r["ladder"][number - 1]["name"] for r in reversed(rows) if len(r["ladder"]) >= number
        )
        line(
            t("trend.row_step", step=number, name=name),
            [
                str(row["ladder"][number - 1]["collaborations"])
                if len(row["ladder"]) >= number
                else "–"
                for row in rows
            ],
        )
    # Each row's indicators by id (the first of an id, as the plan lists them).
    by_id = [{i["id"]: i for i in reversed(row["indicators"])} for row in rows]
    for indicator in result["indicators"]:
        cells = [_indicator_text(row_indicators.get(indicator["id"])) for row_indicators in by_id]
        line(t("trend.row_indicator", name=indicator["name"]), cells)
    return headers, body


def four_p_cell(four_p: dict[str, Any]) -> str:
    """A plan's Fyra P use in a cell of the trend or the comparison: ``25% (22 of 88)``."""
    return t(
        "trend.four_p_cell",
        share=share_text(four_p["share"]),
        done=four_p["done"],
        of=four_p["of"],
    )


def _indicator_text(found: dict[str, Any] | None) -> str:
    if found is None or found["value"] is None:
        return "–"
    value = f"{format_number(found['value'])}"
    if found["unit"]:
        value = f"{value} {found['unit']}"
    return t("trend.indicator_cell", value=value, period=found["period"])


def compare_table(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """``kplan compare``'s result as a table: a line per figure, a column per plan.

    Plain text, as :func:`trend_table`'s.
    """
    plans = result["plans"]
    headers = [t("trend.col_figure")] + [plan["label"] for plan in plans]
    body: list[list[str]] = []

    def line(label: str, cells: list[str]) -> None:
        body.append([label, *cells])

    line(t("compare.row_title"), [plan["title"] for plan in plans])
    line(t("compare.row_organisation"), [plan["organisation"] for plan in plans])
    line(
        t("compare.row_source"),
        [plan["file"] if plan["file"] is not None else t("compare.source_store") for plan in plans],
    )
    line(t("trend.row_measures"), [str(plan["measures"]) for plan in plans])
    for status in STATUSES:
        cells = []
        for plan in plans:
            count = plan["statuses"].get(status, 0)
            share = count / plan["measures"] if plan["measures"] else None
            cells.append(t("compare.count_share", count=count, share=share_text(share)))
        line(t("trend.row_status", status=t(f"status.{status}")), cells)
    line(
        t("trend.row_four_p"),
        [four_p_cell(plan["four_p"]) for plan in plans],
    )
    for part in FOUR_P_PARTS:
        line(
            t("trend.row_four_p_part", part=t(f"four_p.{part}")),
            [share_text(plan["four_p"]["parts"][part]["share"]) for plan in plans],
        )
    for perspective in result["perspectives"]:
        cells = []
        for plan in plans:
            found = perspective["plans"].get(plan["label"])
            cells.append(
                "–"
                if found is None
                else t(
                    "compare.perspective_cell",
                    share=share_text(found["share_yes"]),
                    yes=found["yes"],
                    partly=found["partly"],
                    no=found["no"],
                )
            )
        line(t("compare.row_perspective", name=perspective["name"]), cells)
    line(t("compare.row_steps"), [str(plan["ladder"]["steps"]) for plan in plans])
    line(t("compare.row_collaborations"), [str(plan["ladder"]["collaborations"]) for plan in plans])
    line(
        t("compare.row_position"),
        [share_text(plan["ladder"]["mean_position"]) for plan in plans],
    )
    line(t("compare.row_top"), [share_text(plan["ladder"]["top_share"]) for plan in plans])
    for indicator in result["indicators"]:
        line(
            t("compare.row_indicator", name=indicator["name"]),
            [_indicator_text(indicator["plans"].get(plan["label"])) for plan in plans],
        )
    return headers, body
