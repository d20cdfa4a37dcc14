"""Text exports of a plan: JSON (the whole state), CSV (for spreadsheets), Markdown (a report).

Pure functions: a Plan (and a moment, and perhaps an earlier snapshot) in,
text out. Nothing here touches a database or a terminal; ``kplan export``
reads the plan (kplan.core.exports) and picks the format
(kplan.present.exports). docs/export.md describes each format.

The JSON and CSV keys and values are stable English identifiers, whatever
language kplan speaks; the Markdown report is written for people, in their
language (kplan.i18n).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kplan.address import FieldAddress
from kplan.core.actor import today as current_day
from kplan.core.diff import FieldChange, diff_plans
from kplan.domain import (
    COVERAGE_LEVELS,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    STATUSES,
    as_utc,
    days_overdue,
    format_number,
    gap_trend,
    is_overdue,
    needs_formula_guard,
    period_sort_key,
    values_trend,
)
from kplan.i18n import t
from kplan.model import Collaboration, Indicator, Measure, Plan
from kplan.moments import local_day, local_text, plan_zone
from kplan.present.glyphs import COVERAGE_MARKS, STATE_MARKS, TREND_ARROWS
from kplan.present.labels import PlanNames, change_words
from kplan.present.summary import (
    compare_table,
    measure_summary,
    plan_summary,
    source_label,
    split_json,
    steps_of,
    trend_table,
)

EXPORT_VERSION = 1

# Excel where the decimal mark is a comma (Swedish settings) separates a
# CSV file's cells with the list separator, a semicolon.
EXCEL_DELIMITER = ";"


@dataclass(frozen=True)
class Snapshot:
    """A named, frozen state of a plan: what a report compares the plan with."""

    name: str
    taken_at: dt.datetime  # aware, UTC
    plan: Plan


# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------


def _completed(plan: Plan) -> Plan:
    """A copy of the plan with every Fyra P part and perspective named.

    The caller's plan is left as it is; figures such as the Fyra P rate need
    every measure to name all four parts. Only the plan, its measures and
    those two tables are new: the rest is shared, and the exports only read
    it (a deep copy cost seconds at 10,000 measures).
    """
    done = copy.copy(plan)
    done.measures = []
    for measure in plan.measures:
        filled = copy.copy(measure)
        filled.four_p = {part: measure.four_p.get(part, "not-started") for part in FOUR_P_PARTS}
        filled.perspectives = {
            name: measure.perspectives.get(name, "no") for name in plan.perspectives
        }
        done.measures.append(filled)
    return done


def _utc(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC, to the second (a naive moment is taken to be UTC)."""
    return as_utc(moment).replace(microsecond=0)


def _timestamp(moment: dt.datetime) -> str:
    """A moment as the JSON outputs write it: ``2016-03-01T12:00:00Z``."""
    return _utc(moment).isoformat().replace("+00:00", "Z")


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _periods(indicator: Indicator) -> list[str]:
    return sorted(indicator.values, key=period_sort_key)


def _latest(indicator: Indicator) -> int | float | None:
    periods = _periods(indicator)
    return format_number(indicator.values[periods[-1]]) if periods else None


def _trend(indicator: Indicator) -> str:
    """The trend as ``kplan show`` gives it: latest value against the one before it
    of the same length of period (a year with a year, a tertial with a tertial)."""
    return values_trend(indicator.values, indicator.direction)


def _step_label(plan: Plan, step: int) -> str | None:
    return plan.ladder[step - 1] if 1 <= step <= len(plan.ladder) else None


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------


def _collaboration_json(
    plan: Plan, collab: Collaboration, organisations: dict[str, str]
) -> dict[str, Any]:
    question = (
        plan.ladder_questions[collab.step - 1]
        if 1 <= collab.step <= len(plan.ladder_questions)
        else ""
    )
    return {
        "id": collab.id,
        "name": collab.name,
        "step": collab.step,
        "step_label": _step_label(plan, collab.step),
        "step_question": question or None,
        "actors": list(collab.actors),
        "actor_names": [organisations.get(a, a) for a in collab.actors],
        "note": collab.note,
    }


def _indicator_json(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": indicator.id,
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": format_number(indicator.baseline),
        "target": format_number(indicator.target),
        "direction": indicator.direction,
        "values": {p: format_number(indicator.values[p]) for p in _periods(indicator)},
        "latest": _latest(indicator),
        "trend": _trend(indicator),
        "split": split_json(indicator),
        "source": dict(indicator.source) if indicator.source else None,
    }


def _measure_json(
    plan: Plan, measure: Measure, organisations: dict[str, str], today: dt.date
) -> dict[str, Any]:
    # The keys of ``kplan list --json``, then those ``kplan show --json`` adds.
    table = measure_summary(plan, measure, today=today)
    table["goal"] = measure.goal
    table["description"] = measure.description
    table["situation"] = measure.situation
    table["collaborations"] = [
        _collaboration_json(plan, c, organisations) for c in measure.collaborations
    ]
    table["indicators"] = [_indicator_json(i) for i in measure.indicators]
    return table


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return _timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def export_json(
    plan: Plan,
    *,
    generated_at: dt.datetime,
    snapshot: str | None = None,
    events: list[dict[str, Any]] | None = None,
    today: dt.date | None = None,
    public: bool = False,
) -> str:
    """The plan's whole state as a JSON document (docs/export.md#json).

    ``public`` marks a public export (``"public": true``); the plan given is
    then already the public copy (:func:`kplan.core.publishing.public_plan`).

    ``events`` (the shape of ``kplan log --json``) are included, in the order
    given, only when they are given; an empty list gives ``"events": []``.
    ``today`` is the day measures are judged overdue on (that of ``generated_at``
    when None).
    """
    day = today or _utc(generated_at).date()
    plan = _completed(plan)
    organisations = {o.id: o.name for o in plan.organisations}
    document: dict[str, Any] = {
        "kplan_export": EXPORT_VERSION,
        "generated_at": _timestamp(generated_at),
        "snapshot": snapshot,
        # Only a public export says so; a full export's keys stay as they were.
        **({"public": True} if public else {}),
        "plan": {
            "id": plan.id,
            "title": plan.title,
            "organisation": plan.organisation,
            "start": _date(plan.start),
            "end": _date(plan.end),
            "description": plan.description,
            "perspectives": list(plan.perspectives),
            "ladder": list(plan.ladder),
            "ladder_questions": list(plan.ladder_questions),
            "coordinators": list(plan.coordinators),
        },
        "organisations": [{"id": o.id, "name": o.name, "kind": o.kind} for o in plan.organisations],
        "owners": [
            {"id": o.id, "name": o.name, "organisation": o.organisation, "email": o.email}
            for o in plan.owners
        ],
        "measures": [_measure_json(plan, m, organisations, day) for m in plan.measures],
        "summary": plan_summary(plan),
    }
    if events is not None:
        document["events"] = [dict(event) for event in events]
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default) + "\n"


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: a leading ``'`` before a formula character."""
    return "'" + text if needs_formula_guard(text) else text


def _csv_cell(value: Any, excel: bool = False) -> str | int | float:
    """A cell: numbers stay numbers, everything else is guarded text.

    With ``excel`` a number that has decimals is written with a decimal
    comma (``63,5``), as a spreadsheet set up for Swedish reads it.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        number = format_number(value)
        if number is None:
            return ""
        # Never guarded: a number is not text, and "-2,5" must stay a number.
        return str(number).replace(".", ",") if excel else number
    if isinstance(value, dt.date):
        return value.isoformat()
    return spreadsheet_safe(str(value))


def csv_header(plan: Plan) -> list[str]:
    """The CSV column names for this plan (docs/export.md#csv)."""
    header = [
        "id",
        "title",
        "owner",
        "owner_name",
        "area",
        "status",
        "progress",
        "start",
        "due",
        "overdue",
    ]
    header += [f"four_p_{part}" for part in FOUR_P_PARTS]
    header += [f"perspective_{name}" for name in plan.perspectives]
    header += ["steps_lowest", "steps_highest", "situation"]
    for place, gaps in enumerate(_indicator_places(plan), 1):
        header += [f"indicator_{place}", f"indicator_{place}_name"]
        header += [f"indicator_{place}_latest", f"indicator_{place}_target"]
        # The latest gap between the groups of each perspective the values are split by.
        header += [f"indicator_{place}_gap_{name}" for name in gaps]
    return header


def _indicator_places(plan: Plan) -> list[list[str]]:
    """Per place in a measure's list of indicators, the perspectives split at that place.

    A measure's first indicator fills the first place's columns, its second the
    second's: the columns grow with the most indicators one measure has, not with
    the plan's, so a plan of thousands of measures keeps a sheet of dozens of columns.
    """
    places: list[dict[str, None]] = []
    for measure in plan.measures:
        for index, indicator in enumerate(measure.indicators):
            if index == len(places):
                places.append({})
            for name in indicator.groups:
                places[index].setdefault(name, None)
    # The plan's perspectives in its order, then any other grouping as first met
    # (a stable sort keeps that order among them).
    order = {name: number for number, name in enumerate(plan.perspectives)}
    return [sorted(names, key=lambda name: order.get(name, len(order))) for names in places]


def _latest_gaps(indicator: Indicator) -> list[int | float | None]:
    """The latest gap between the groups of each of the indicator's perspectives (or None)."""
    found: list[int | float | None] = []
    for groups in indicator.groups.values():
        gaps, _ = gap_trend(groups)
        last = sorted(gaps, key=period_sort_key)[-1] if gaps else None
        found.append(format_number(gaps[last]) if last is not None else None)
    return found


def measure_rows(plan: Plan, today: dt.date | None = None) -> list[list[Any]]:
    """The CSV export's rows of values, one per measure, in :func:`csv_header`'s order.

    Values as they are (numbers, dates, booleans, text, None): the CSV
    writes them as text, the workbook (kplan.present.workbook) as typed cells.
    """
    day = today or current_day()
    plan = _completed(plan)
    owners = {o.id: o.name for o in plan.owners}
    places = _indicator_places(plan)
    rows: list[list[Any]] = []
    for measure in plan.measures:
        steps = steps_of(measure)
        row: list[Any] = [
            measure.id,
            measure.title,
            measure.owner,
            owners.get(measure.owner),
            measure.area,
            measure.status,
            measure.progress,
            measure.start,
            measure.due,
            is_overdue(measure.due, measure.status, day),
        ]
        row += [measure.four_p.get(part, "not-started") for part in FOUR_P_PARTS]
        row += [measure.perspectives.get(name, "no") for name in plan.perspectives]
        row += [steps["lowest"], steps["highest"], measure.situation]
        for index, gaps in enumerate(places):
            if index >= len(measure.indicators):
                row += [None] * (4 + len(gaps))
                continue
            indicator = measure.indicators[index]
            row += [indicator.id, indicator.name, _latest(indicator)]
            row += [format_number(indicator.target)]
            found = dict(zip(indicator.groups, _latest_gaps(indicator), strict=True))
            row += [found.get(name) for name in gaps]
        rows.append(row)
    return rows


def export_csv(plan: Plan, today: dt.date | None = None, *, excel: bool = False) -> str:
    """One row per measure, for a spreadsheet (docs/export.md#csv).

    The text starts with a byte order mark (U+FEFF) so that Excel reads it
    as UTF-8, and its lines end in CRLF: write it out unchanged, encoded as
    UTF-8 and without newline translation. ``today`` is the day measures
    are judged overdue on (kplan's clock's day when None). With ``excel``
    the cells are separated by semicolons and numbers have a decimal comma,
    the dialect Excel reads as columns where the decimal mark is a comma
    (Swedish settings); without it, commas and decimal points.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=EXCEL_DELIMITER if excel else ",")
    writer.writerow([_csv_cell(name) for name in csv_header(plan)])
    for row in measure_rows(plan, today):
        writer.writerow([_csv_cell(value, excel) for value in row])
    return "\ufeff" + buffer.getvalue()


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------

# Characters with a meaning somewhere in CommonMark or GitHub Markdown (and
# its extensions: tables, strikethrough, math), escaped wherever they occur.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~&$])")
# Block markers that only count at the start of a line: list items, setext
# heading underlines and ordered-list numbers.
_MD_LEADING_MARK = re.compile(r"^([-+=])")
_MD_LEADING_NUMBER = re.compile(r"^(\d{1,9})([.)])(?= |$)")


def md_text(value: object) -> str:
    """Any text as Markdown that renders as exactly that text, on one line.

    Runs of whitespace (newlines included) become one space, so the text
    fits a table cell or a list item; every character with a Markdown
    meaning is escaped with a backslash.
    """
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LEADING_MARK.sub(r"\\\1", text)
    return _MD_LEADING_NUMBER.sub(r"\1\\\2", text)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _same(text: str) -> str:
    return text


def _percent(part: int, whole: int) -> str:
    share = math.floor(100 * part / whole + 0.5) if whole else 0
    return f"{share}%"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """A Markdown table; the cells are Markdown already, ``right`` holds right-aligned columns."""
    rule = ["---:" if index in right else "---" for index in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _count_measures(count: int) -> str:
    if count == 0:
        return t("report.count_measures_none")
    if count == 1:
        return t("report.count_measures_one")
    return t("report.count_measures", count=count)


def _measure_name(measure: Measure) -> str:
    return f"{md_text(measure.id)} {md_text(measure.title)}"


def _status_word(status: str) -> str:
    return t(f"status.{status}") if status in STATUSES else status


def _status_cell(measure: Measure, today: dt.date) -> str:
    """The status word, and how many days overdue the measure is if it is."""
    late = days_overdue(measure.due, measure.status, today)
    word = _status_word(measure.status)
    return word if late is None else t("year.status_overdue", status=word, days=late)


def _state_word(state: str) -> str:
    return t(f"four_p_state.{state}") if state in FOUR_P_STATES else state


def _coverage_word(level: str) -> str:
    return t(f"coverage.{level}") if level in COVERAGE_LEVELS else level


def _heading_block(plan: Plan, generated_at: dt.datetime, snapshot: str | None) -> list[str]:
    # The report shows moments in the plan's own zone, the zone named.
    zone = plan_zone(plan.language, plan.timezone)
    lines = [
        "# " + t("report.title", plan=md_text(plan.title), date=local_day(generated_at, zone)),
        "",
    ]
    if plan.organisation:
        lines.append(f"- **{t('report.meta_organisation')}:** {md_text(plan.organisation)}")
    lines.append(f"- **{t('report.meta_plan')}:** {md_text(plan.id)}")
    if plan.start or plan.end:
        period = f"{_date(plan.start) or '…'} – {_date(plan.end) or '…'}"
        lines.append(f"- **{t('report.meta_period')}:** {period}")
    lines.append(f"- **{t('report.meta_generated')}:** {local_text(generated_at, zone)}")
    if snapshot is not None:
        lines.append(f"- **{t('report.meta_snapshot')}:** {md_text(snapshot)}")
    return lines


def _summary_block(plan: Plan) -> list[str]:
    figures = plan_summary(plan)
    total = figures["measures"]
    lines = [
        "## " + t("report.summary"),
        "",
        t(
            "report.measure_total",
            count=_count_measures(total) if total else t("report.count_measures", count=0),
        ),
    ]

    lines += ["", "### " + t("report.status_heading"), ""]
    lines += _table(
        [t("col.status"), t("col.measures"), t("report.col_share")],
        [
            [_cap(_status_word(status)), str(count), _percent(count, total)]
            for status, count in figures["statuses"].items()
        ],
        right={1, 2},
    )

    parts_total = total * len(FOUR_P_PARTS)
    done = sum(m.four_p.get(p) == "done" for m in plan.measures for p in FOUR_P_PARTS)
    lines += ["", "### " + t("report.four_p_heading"), ""]
    lines.append(
        t(
            "report.four_p_rate",
            percent=_percent(done, parts_total),
            done=done,
            total=parts_total,
            measures=total,
            parts=len(FOUR_P_PARTS),
        )
    )
    lines.append("")
    states = ("done", "ongoing", "not-started")
    lines += _table(
        [t("report.col_part")] + [_cap(_state_word(s)) for s in states],
        [
            [t(f"four_p.{part}")]
            + [str(sum(m.four_p.get(part) == s for m in plan.measures)) for s in states]
            for part in FOUR_P_PARTS
        ],
        right={1, 2, 3},
    )

    levels = ("yes", "partly", "no")
    lines += ["", "### " + t("report.perspectives_heading"), ""]
    lines.append(t("report.perspectives_intro", total=total))
    lines.append("")
    lines += _table(
        [t("report.col_perspective")] + [_cap(_coverage_word(level)) for level in levels],
        [
            [md_text(name)]
            + [f"{coverage[level]} ({_percent(coverage[level], total)})" for level in levels]
            for name, coverage in figures["perspectives"].items()
        ],
        right={1, 2, 3},
    )

    collaborations = [c for m in plan.measures for c in m.collaborations]
    lines += ["", "### " + t("report.ladder_heading"), ""]
    lines.append(t("report.ladder_intro", count=len(collaborations)))
    lines.append("")
    rows = []
    for step, label in enumerate(plan.ladder, start=1):
        question = plan.ladder_questions[step - 1] if step <= len(plan.ladder_questions) else ""
        count = sum(c.step == step for c in collaborations)
        rows.append([str(step), md_text(label), md_text(question), str(count)])
    lines += _table(
        [
            t("report.col_step"),
            t("report.col_level"),
            t("report.col_question"),
            t("report.col_collaborations"),
        ],
        rows,
        right={0, 3},
    )
    return lines


def _measures_block(plan: Plan, today: dt.date) -> list[str]:
    owners = {o.id: o.name for o in plan.owners}
    headers = [
        t("col.id"),
        t("col.title"),
        t("col.owner"),
        t("col.status"),
        t("col.progress"),
        t("col.steps"),
        t("col.four_p"),
        *[md_text(name) for name in plan.perspectives],
    ]
    rows = []
    for measure in plan.measures:
        steps = steps_of(measure)
        low, high = steps["lowest"], steps["highest"]
        steps_cell = "–" if low is None else str(low) if low == high else f"{low}–{high}"
        rows.append(
            [
                md_text(measure.id),
                md_text(measure.title),
                md_text(owners.get(measure.owner, measure.owner)),
                _status_cell(measure, today),
                f"{measure.progress}%",
                steps_cell,
                "".join(
                    STATE_MARKS.get(measure.four_p.get(part, "not-started"), "?")
                    for part in FOUR_P_PARTS
                ),
                *[
                    COVERAGE_MARKS.get(measure.perspectives.get(p, "no"), "?")
                    for p in plan.perspectives
                ],
            ]
        )
    lines = ["## " + t("report.measures_heading"), ""]
    lines += _table(headers, rows, right={4})
    lines += ["", t("report.legend")]
    told = [measure for measure in plan.measures if measure.situation]
    if told:
        # Läget in the owners' own words, after the table it would not fit in.
        lines += ["", "### " + t("structure.col_situation"), ""]
        lines += [
            f"- **{_measure_name(measure)}:** {md_text(measure.situation)}" for measure in told
        ]
    return lines


def _groups_block(plan: Plan) -> list[str]:
    """The indicators whose values are split by group: each group's values, and the gap.

    Empty (and left out of the report) when no indicator is split.
    """
    split = [i for m in plan.measures for i in m.indicators if i.groups]
    if not split:
        return []
    lines = ["## " + t("stats.report_heading"), "", t("stats.report_intro")]
    for indicator in split:
        unit = f" ({md_text(indicator.unit)})" if indicator.unit else ""
        lines += ["", f"### {md_text(indicator.name)}{unit}", ""]
        for perspective, groups in indicator.groups.items():
            gaps, direction = gap_trend(groups)
            periods = sorted({p for series in groups.values() for p in series}, key=period_sort_key)
            rows = [
                [md_text(f"{perspective}={group}")] + [_md_number(series.get(p)) for p in periods]
                for group, series in groups.items()
            ]
            gap_label = (
                f"{t('stats.gap', perspective=md_text(perspective))}"
                f" ({TREND_ARROWS[direction]} {t(f'stats.gap_{direction}')})"
            )
            rows.append([gap_label] + [_md_number(gaps.get(p)) for p in periods])
            lines += _table(
                [t("stats.col_group"), *periods], rows, right=set(range(1, len(periods) + 1))
            )
            lines.append("")
        if indicator.source:
            lines.append(t("stats.source_line", source=md_text(source_label(indicator.source))))
    return lines


def _md_number(value: float | None) -> str:
    return "–" if value is None else str(format_number(value))


def _measure_list(lead: str, measures: list[Measure]) -> list[str]:
    lines = [f"{lead}: {_count_measures(len(measures))}"]
    if measures:
        lines.append("")
        lines += [f"- {_measure_name(m)}" for m in measures]
    return lines


def _gaps_block(plan: Plan) -> list[str]:
    active = [m for m in plan.measures if m.status != "cancelled"]
    lines = ["## " + t("report.gaps"), "", t("report.gaps_intro")]

    lines += ["", "### " + t("report.gaps_perspectives")]
    for name in plan.perspectives:
        missing = [m for m in active if m.perspectives.get(name, "no") == "no"]
        lines += ["", *_measure_list(f"**{md_text(name)}**", missing)]

    lines += ["", "### " + t("report.gaps_four_p")]
    for part in FOUR_P_PARTS:
        waiting = [m for m in active if m.four_p.get(part, "not-started") == "not-started"]
        lines += ["", *_measure_list(f"**{t(f'four_p.{part}')}**", waiting)]

    label = _step_label(plan, 1) or "1"
    lines += ["", "### " + t("report.gaps_step_one", label=md_text(label)), ""]
    first = [(m, c) for m in active for c in m.collaborations if c.step == 1]
    if not first:
        lines.append(t("report.no_collaborations"))
    for measure, collab in first:
        lines.append(
            "- "
            + t(
                "report.collaboration_item",
                collaboration=f"{md_text(collab.id)} {md_text(collab.name)}",
                measure=_measure_name(measure),
            )
        )
    return lines


class _ChangeWriter:
    """Readable lines for the changes between an earlier and the current plan.

    Each change in the words ``change_words`` gives every human-readable
    line, the plan's own names (of either state) in it, escaped for Markdown.
    """

    def __init__(self, old: Plan, new: Plan) -> None:
        self.names = PlanNames.of(old, new)

    def line(self, change: FieldChange) -> str:
        """The change as one Markdown line (without the list mark).

        A line that starts with the plan's own name (a perspective, an
        indicator, a collaboration) keeps it as written; others start upper case.
        """
        address = FieldAddress.find(change.field)
        whole = change.field in ("measure", "collaboration", "indicator") and (
            change.old is None or change.new is None
        )
        named = (address is not None and address.kind in ("perspectives", "values", "groups")) or (
            bool(change.collaboration or change.indicator) and not whole
        )
        shown = _same if named else _cap
        return shown(
            change_words(
                change.field,
                change.old,
                change.new,
                collaboration=change.collaboration,
                indicator=change.indicator,
                names=self.names,
                escape=md_text,
            )
        )


def _changes_block(plan: Plan, previous: Snapshot | None) -> list[str]:
    if previous is None:
        return ["## " + t("report.changes"), "", t("report.no_previous")]
    old = _completed(previous.plan)
    taken = local_text(previous.taken_at, plan_zone(plan.language, plan.timezone))
    lines = [
        "## " + t("report.changes_since", name=md_text(previous.name)),
        "",
        t("report.changes_intro", name=md_text(previous.name), moment=taken),
    ]
    changes = diff_plans(old, plan)
    if not changes:
        return [*lines, "", t("report.no_changes")]

    writer = _ChangeWriter(old, plan)
    groups: dict[str | None, list[str]] = {}
    for change in changes:
        groups.setdefault(change.measure, []).append(writer.line(change))
    current = {m.id: m for m in plan.measures}
    earlier = {m.id: m for m in old.measures}
    order: list[str | None] = [None]
    order += [m.id for m in plan.measures] + [m.id for m in old.measures if m.id not in current]
    for key in order:
        if key not in groups:
            continue
        if key is None:
            heading = t("report.plan_changes")
        else:
            measure = current.get(key) or earlier.get(key)
            heading = _measure_name(measure) if measure else md_text(key)
        lines += ["", f"### {heading}", ""]
        lines += [f"- {text}" for text in groups[key]]
    return lines


def _trend_block(trend: dict[str, Any]) -> list[str]:
    headers, body = trend_table(trend)
    lines = ["## " + t("trend.heading"), "", t("trend.intro"), ""]
    lines += _table(
        [md_text(header) for header in headers],
        [[md_text(cell) for cell in row] for row in body],
        right=set(range(1, len(headers))),
    )
    return lines


def export_markdown(
    plan: Plan,
    *,
    generated_at: dt.datetime,
    snapshot: str | None = None,
    previous: Snapshot | None = None,
    today: dt.date | None = None,
    trend: dict[str, Any] | None = None,
) -> str:
    """A report on the plan for a steering group, in the user's language.

    Summary figures, a table of the measures, the gaps, what changed since
    ``previous`` and, with ``trend`` (``kplan trend``'s result) holding a
    row, the development over the years (docs/export.md#markdown). Every text that comes from
    the plan is escaped, so it reads as written whatever characters it holds.
    ``today`` is the day measures are judged overdue on (that of
    ``generated_at`` when None).
    """
    day = today or _utc(generated_at).date()
    plan = _completed(plan)
    blocks = [
        _heading_block(plan, generated_at, snapshot),
        _summary_block(plan),
        _measures_block(plan, day),
        _groups_block(plan),
        _gaps_block(plan),
        _changes_block(plan, previous),
    ]
    if trend is not None and trend["rows"]:
        blocks.append(_trend_block(trend))
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n"


def compare_markdown(result: dict[str, Any], *, generated_at: dt.datetime) -> str:
    """``kplan compare``'s result as a Markdown report: the figures, a column per plan.

    Every text from the plans is escaped, as in the plan's report.
    """
    headers, body = compare_table(result)
    lines = [
        "# " + t("compare.heading"),
        "",
        t("compare.generated", moment=local_text(generated_at)),
        "",
        t("compare.intro"),
        "",
    ]
    lines += _table(
        [md_text(header) for header in headers],
        [[md_text(cell) for cell in row] for row in body],
        right=set(),
    )
    if not result["indicators"]:
        lines += ["", t("compare.no_shared_indicators")]
    return "\n".join(lines) + "\n"
