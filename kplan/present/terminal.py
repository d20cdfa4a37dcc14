"""Human output of the command line: rich tables on a terminal, plain text in a pipe.

Plain text is tab-separated with a header line, so it survives ``cut`` and
``sort``; scripts that want structure use ``--json``.

Every value from a plan, a note or a person is shown through
:func:`kplan.safetext.visible`: a cell or a line shows hidden characters
spelled out (a note's newline as ``\\n``, so it cannot start a line of its
own) and at most ``LINE_LIMIT`` characters; tables are drawn (and Rich is
loaded) by :mod:`kplan.present.output`, which writes everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kplan.i18n import t
from kplan.model import Plan
from kplan.moments import local_text
from kplan.present import output
from kplan.present.glyphs import COVERAGE_MARKS, MARGIN, STATE_MARKS, TREND_ARROWS
from kplan.present.labels import (
    PlanNames,
    change_words,
    event_change,
    field_words,
    progress_bar,
    status_label,
    steps_text,
    value_words,
)
from kplan.present.streamed import pipe_headers
from kplan.present.summary import compare_table, plan_summary, source_label, trend_table
from kplan.safetext import BLOCK_LIMIT, visible

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kplan.core.changes import ChangeResult
    from kplan.core.conflicts import Conflict, ImportConflictError
    from kplan.core.importing import ImportResult
    from kplan.core.statistics import FetchResult

STATUS_STYLES = {
    "not-started": "dim",
    "ongoing": "cyan",
    "delayed": "bold yellow",
    "done": "green",
    "cancelled": "strike dim",
}


def is_terminal() -> bool:
    """Whether standard output is a terminal a person is reading."""
    return output.is_terminal()


def plain_text(headers: list[str], rows: list[list[str]]) -> str:
    """A table as tab-separated lines with a header line, every value made safe to show."""
    # A tab or newline in a value is spelled out, so every row stays one
    # line of exactly as many fields as the header.
    lines = ["\t".join(visible(header) for header in headers)] + [
        "\t".join(visible(cell) for cell in row) for row in rows
    ]
    return "\n".join(lines)


def _plain(headers: list[str], rows: list[list[str]]) -> None:
    output.say(plain_text(headers, rows))


def plans_table(rows: list[dict[str, Any]]) -> None:
    """The store's plans."""
    if not rows:
        output.notice(t("plans.none"))
        return
    headers = [
        t("col.id"),
        t("col.title"),
        t("col.organisation"),
        t("col.period"),
        t("col.measures"),
    ]
    body = [
        [
            r["id"],
            r["title"],
            r["organisation"],
            f"{r['start'] or ''}–{r['end'] or ''}",
            str(r["measures"]),
        ]
        for r in rows
    ]
    if is_terminal():
        output.table(None, headers, body)
    else:
        _plain(headers, body)


def measures_table(plan: Plan, rows: list[dict[str, Any]]) -> None:
    """The plan's measures, one line each.

    On a terminal, words in the reader's language and marks; in a pipe, the
    words the change commands accept (``not-started``, ``partly``), the same
    in every language, with the days overdue in a column of their own, so
    that a script can feed what it reads back to ``kplan status`` and the rest.
    """
    if not is_terminal():
        _plain(*_measures_plain(plan, rows))
        return
    from kplan.present.listfit import fit_measures

    fitted = fit_measures(plan, rows, output.width())
    title = t("list.title", plan=plan.title, shown=len(rows), total=len(plan.measures))
    styles = [STATUS_STYLES.get(r["status"]) for r in rows]
    output.table(
        title, fitted.headers, fitted.body, styles, widths=fitted.widths, light=fitted.light
    )
    output.show(summary_line(plan))
    output.show(t("list.legend"), style="dim")
    for line in fitted.legend:
        output.show(line, style="dim")


def _measures_plain(plan: Plan, rows: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """``list``'s table for a pipe: the input words, the same in every language."""
    headers = pipe_headers(plan.perspectives)
    body = [
        [
            r["id"],
            r["title"],
            r["owner"],
            r["status"],
            f"{r['progress']}%",
            steps_text(r["steps"]),
            "/".join(r["four_p"].values()),
            *[r["perspectives"].get(p, "no") for p in plan.perspectives],
            str(r["days_overdue"]) if r.get("overdue") else "",
        ]
        for r in rows
    ]
    return headers, body


def summary_line(plan: Plan) -> str:
    """The plan at a glance: measures per status, Fyra P done, perspectives integrated."""
    figures = plan_summary(plan)
    statuses = " · ".join(
        f"{count} {status_label(status)}" for status, count in figures["statuses"].items() if count
    )
    total = figures["measures"] or 1
    coverage = ", ".join(
        f"{visible(p)} {round(100 * levels['yes'] / total)}%"
        for p, levels in figures["perspectives"].items()
    )
    return t(
        "list.summary",
        statuses=statuses,
        four_p=round(100 * figures["four_p_done"]),
        coverage=coverage,
    )


def measure_detail(plan: Plan, detail: dict[str, Any]) -> None:
    """Everything about one measure, as sections of text."""
    lines: list[str] = []
    add = lines.append
    add(f"{visible(detail['id'])}  {visible(detail['title'])}")
    add("")
    add(f"{t('col.owner')}: {visible(detail['owner'])} ({visible(detail['owner_name'])})")
    add(
        f"{t('col.status')}: {status_label(detail['status'])}   "
        f"{t('col.progress')}: {progress_bar(detail['progress'])}"
    )
    if detail["area"]:
        add(f"{t('col.area')}: {visible(detail['area'])}")
    if detail["start"] or detail["due"]:
        add(f"{t('col.period')}: {detail['start'] or ''}–{detail['due'] or ''}")
    if detail.get("overdue"):
        add(t("year.show_overdue", days=detail["days_overdue"], due=detail["due"]))
    if detail["goal"]:
        add(f"{t('col.goal')}: {_block(detail['goal'])}")
    if detail["description"]:
        add(_block(detail["description"]))
    if detail.get("situation"):
        add(f"{t('structure.col_situation')}: {_block(detail['situation'])}")
    add("")
    add(t("show.four_p"))
    for part, state in detail["four_p"].items():
        add(f"  {STATE_MARKS[state]} {t(f'four_p.{part}'):<12} {t(f'four_p_state.{state}')}")
    add(t("show.perspectives"))
    for perspective, level in detail["perspectives"].items():
        add(f"  {COVERAGE_MARKS[level]} {visible(perspective):<12} {t(f'coverage.{level}')}")
    add(t("show.collaborations"))
    if not detail["collaborations"]:
        add(f"  {t('show.none')}")
    for collab in detail["collaborations"]:
        ladder = "".join(
            "▮" if n <= collab["step"] else "▯" for n in range(1, len(plan.ladder) + 1)
        )
        add(f"  {visible(collab['id'])}: {visible(collab['name'])}")
        question = f" ({visible(collab['step_question'])})" if collab["step_question"] else ""
        add(
            f"    {ladder} "
            f"{t('show.step', step=collab['step'], label=collab['step_label'])}{question}"
        )
        actors = visible(", ".join(collab["actor_names"]))
        add(f"    {t('col.actors')}: {actors}")
        if collab["note"]:
            add(f"    {_block(collab['note'])}")
    add(t("show.indicators"))
    if not detail["indicators"]:
        add(f"  {t('show.none')}")
    for ind in detail["indicators"]:
        unit = f" {visible(ind['unit'])}" if ind["unit"] else ""
        values = visible(", ".join(f"{p}: {v}" for p, v in ind["values"].items())) or t(
            "show.no_values"
        )
        add(f"  {TREND_ARROWS[ind['trend']]} {visible(ind['id'])}: {visible(ind['name'])}")
        add(
            f"    {t('col.baseline')}: {_number(ind['baseline'], unit)}   "
            f"{t('col.target')}: {_number(ind['target'], unit)}   {values}"
        )
        for split in ind.get("split", []):
            for group, series in split["groups"].items():
                shown = ", ".join(f"{p}: {v}" for p, v in series.items())
                add(f"    {visible(split['perspective'])}={visible(group)}: {visible(shown)}")
            if split["gap"]:
                gaps = ", ".join(f"{p}: {v}" for p, v in split["gap"].items())
                add(
                    f"    {TREND_ARROWS[split['gap_trend']]} "
                    f"{t('stats.gap', perspective=split['perspective'])}: {gaps}"
                )
        if ind.get("source"):
            add(f"    {t('stats.source_line', source=source_label(ind['source']))}")
    add(t("show.events"))
    if not detail["events"]:
        add(f"  {t('show.none')}")
    names = PlanNames.of(plan)
    for event in detail["events"]:
        add(f"  {_event_line(event, names)}")
    output.say("\n".join(lines))


def plan_settings(settings: dict[str, Any]) -> None:
    """One plan's settings (``plan show``), as lines of text."""
    lines = [f"{visible(settings['id'])}  {visible(settings['title'])}", ""]
    add = lines.append
    if settings["organisation"]:
        add(f"{t('col.organisation')}: {visible(settings['organisation'])}")
    add(f"{t('col.period')}: {settings['start'] or ''}–{settings['end'] or ''}")
    if settings["description"]:
        add(_block(settings["description"]))
    policy = t("settings.edit_owners" if settings["edit"] == "owners" else "settings.edit_open")
    add(f"{t('settings.col_edit')}: {policy}")
    coordinators = ", ".join(visible(c) for c in settings["coordinators"])
    add(f"{t('settings.col_coordinators')}: {coordinators or '–'}")
    language = t(_LANGUAGE_WORDS.get(settings["language"], "langtime.language_unset"))
    add(f"{t('langtime.col_language')}: {language}")
    zone = settings["timezone"] or t("langtime.zone_default", zone=settings["zone"])
    add(f"{t('langtime.col_timezone')}: {visible(zone)}")
    public = t("langtime.public_yes" if settings["public"] else "langtime.public_no")
    add(f"{t('langtime.col_public')}: {public}")
    perspectives = ", ".join(visible(p) for p in settings["perspectives"])
    add(f"{t('settings.col_perspectives')}: {perspectives or '–'}")
    add(t("settings.col_ladder"))
    for step in settings["ladder"]:
        question = f": {visible(step['question'])}" if step["question"] else ""
        add(f"  {step['step']} {visible(step['name'])}{question}")
    output.say("\n".join(lines))


_LANGUAGE_WORDS = {"sv": "langtime.language_sv", "en": "langtime.language_en"}


def _block(text: str) -> str:
    """A text of several lines for ``show``: each further line in the margin."""
    return visible(text, limit=BLOCK_LIMIT, continuation=MARGIN)


def _or_dash(value: Any) -> str:
    return "–" if value is None else str(value)


def _number(value: Any, unit: str) -> str:
    return "–" if value is None else f"{value}{unit}"


def event_words(event: dict[str, Any], names: PlanNames | None = None) -> str:
    """An event's change in words (``Fyra P Perspektiv: not started → ongoing``), one line."""
    return visible(event_change(event, names))


def _event_line(event: dict[str, Any], names: PlanNames | None = None) -> str:
    # One line per event: a newline in the note shows as \n, so a note can
    # never print a line that looks like another event.
    shown = _event_note(event)
    note = f"  «{visible(shown)}»" if shown else ""
    when = local_text(event["at"])
    return f"{when}  {_actor(event)}  {event_words(event, names)}{note}"


def _event_note(event: dict[str, Any]) -> str:
    """An event's note, and for a fetched value where it came from."""
    note = event["note"] or ""
    source = event.get("source")
    if not source:
        return note
    fetched = t(
        "stats.fetched_from",
        source=source_label(source),
        updated=source.get("updated") or "–",
        sha=str(source.get("sha256") or "")[:12],
    )
    return f"{note}; {fetched}" if note else fetched


def _actor(event: dict[str, Any]) -> str:
    """Who made a change, and the database role that wrote it when that is someone else."""
    if event.get("db_role"):
        return t("log.via", actor=event["actor"], role=event["db_role"])
    return visible(event["actor"])


def events_table(events: list[dict[str, Any]], names: PlanNames | None = None) -> None:
    """Events, newest first, each change in words (``names``: the plan's own names)."""
    if not events:
        output.notice(t("log.none"))
        return
    headers = [
        t("col.when"),
        t("col.actor"),
        t("col.measure"),
        t("words.col_change"),
        t("col.note"),
    ]
    body = []
    for e in events:
        body.append(
            [
                local_text(e["at"]),
                _actor(e),
                e["measure"] or "",
                event_words(e, names),
                _event_note(e),
            ]
        )
    if is_terminal():
        output.table(None, headers, body)
    else:
        _plain(headers, body)


def _change_line(change: Any, names: PlanNames | None = None) -> str:
    """A change a command made, in words, with the measure it belongs to."""
    words = change_words(
        change.field,
        change.old,
        change.new,
        collaboration=change.collaboration,
        indicator=change.indicator,
        names=names,
    )
    if change.measure and change.field not in ("measure", "collaboration", "indicator"):
        return visible(t("words.on_measure", key=change.measure, what=words))
    return visible(words)


def changes(result: ChangeResult) -> None:
    """What a change command changed."""
    if not result.changes:
        output.say(t("change.nothing"))
        return
    output.say("\n".join(_change_line(c) for c in result.changes))


def fetch_result(found: FetchResult) -> None:
    """What a fetch read, and what it recorded (or, with --dry-run, would record)."""
    lines = []
    for item in found.fetched:
        updated = item.provenance.get("updated") or "–"
        lines.append(
            t(
                "stats.fetched",
                indicator=item.indicator,
                source=source_label(item.source),
                updated=updated,
            )
        )
    if not found.result.changes:
        lines.append(t("stats.nothing_changed"))
    else:
        key = "stats.would_record" if found.dry_run else "stats.recorded"
        lines.append(t(key, count=len(found.result.changes)))
        lines += [f"  {_change_line(change)}" for change in found.result.changes]
    output.say("\n".join(lines))


def import_result(result: ImportResult, plan: Plan) -> None:
    """What an import did, in words."""
    if result.created:
        key = "import.would_create" if result.dry_run else "import.created"
        output.say(t(key, plan=plan.id, measures=len(plan.measures), owners=len(plan.owners)))
        return
    if not result.changes and not result.conflicts:
        output.say(t("import.unchanged", plan=plan.id))
        return
    lines: list[str] = []
    if result.changes:
        key = "import.would_change" if result.dry_run else "import.changed"
        if len(result.changes) == 1:
            key += "_one"
        lines = [t(key, plan=plan.id, count=len(result.changes))]
        names = PlanNames.of(plan)
        lines += [f"  {_change_line(change, names)}" for change in result.changes]
    else:
        lines = [t("importconflict.nothing_else", plan=plan.id)]
    if result.conflicts:
        if result.resolution == "keep-store":
            key = "importconflict.would_keep" if result.dry_run else "importconflict.kept"
            if len(result.conflicts) == 1 and not result.dry_run:
                key += "_one"
        else:
            key = "importconflict.would_force" if result.dry_run else "importconflict.forced"
        lines.append(t(key, count=len(result.conflicts)))
        lines += [f"  {line}" for line in conflict_lines(result.conflicts)]
    output.say("\n".join(lines))


def conflict_lines(conflicts: Sequence[Conflict]) -> list[str]:
    """One line per conflict of an import: what, the file's value, the store's, who and when."""
    lines = []
    for conflict in conflicts:
        lines.append(
            t(
                "importconflict.line",
                what=f"{t('kind.' + conflict.target)} {conflict.key}",
                # The line names the thing first; the field's words follow it.
                field=field_words(conflict.change.field),
                file=value_words(conflict.change.field, conflict.file_value),
                store=value_words(conflict.change.field, conflict.store_value),
                actor=conflict.actor,
                at=local_text(conflict.at),
            )
        )
    return lines


def import_refused(error: ImportConflictError) -> str:
    """Why an import was refused: the message, the base, each conflict, what to do."""
    base = error.base
    key = "importconflict.base_exported" if base.exported else "importconflict.base_import"
    lines = [error.message, t(key, at=local_text(base.at, seconds=True))]
    lines += [f"  {line}" for line in conflict_lines(error.conflicts)]
    return "\n".join(lines) + "\n" + error.cli_hint.strip()


def round_status(result: dict[str, Any]) -> None:
    """Where the open round stands, per owner."""
    lines = [
        t(
            "round.status_head",
            name=result["round"],
            reported=result["reported"],
            not_reported=result["not_reported"],
        )
    ]
    if result["days_left"] is not None:
        days = result["days_left"]
        key = "round.days_left" if days >= 0 else "round.overdue"
        lines.append(t(key, days=abs(days), due=result["due"]))
    if result["previous"] is None:
        lines.append(t("round.no_previous"))
    output.say("\n".join(lines))
    headers = [t("col.owner"), t("col.reported"), t("col.not_reported")]
    if result["previous"] is not None:
        headers.append(t("col.changed", previous=result["previous"]))
    body = []
    for owner in result["owners"]:
        row = [
            f"{owner['owner']} ({owner['name']})",
            ", ".join(owner["reported"]) or "–",
            ", ".join(owner["not_reported"]) or "–",
        ]
        if result["previous"] is not None:
            row.append(", ".join(owner["changed"] or []) or "–")
        body.append(row)
    if is_terminal():
        output.table(None, headers, body)
    else:
        _plain(headers, body)


def _day(moment: str | None) -> str:
    return local_text(moment)


def rounds_table(rows: list[dict[str, Any]]) -> None:
    """The plan's rounds, oldest first: when each opened, was due and closed, how many reported."""
    if not rows:
        output.notice(t("year.list_none"))
        return
    headers = [
        t("col.name"),
        t("year.col_opened"),
        t("year.col_due"),
        t("year.col_closed"),
        t("col.reported"),
    ]
    body = []
    for r in rows:
        due = r["due"] or "–"
        if r["overdue"]:
            due = t("year.due_overdue", due=due, days=-r["days_left"])
        closed = _day(r["closed_at"]) if r["closed_at"] else t("year.still_open")
        reported = t("year.reported_of", reported=r["reported"], total=r["total"])
        body.append([r["name"], _day(r["opened_at"]), due, closed, reported])
    if is_terminal():
        output.table(None, headers, body)
    else:
        _plain(headers, body)


def round_detail(result: dict[str, Any], names: PlanNames | None = None) -> None:
    """One round: when it ran, who reported what with which note, and what changed.

    The changes are told in words, with the plan's own names (``names``).
    """
    lines: list[str] = []
    add = lines.append
    reported = t("year.reported_of", reported=result["reported"], total=result["total"])
    if result["open"]:
        add(t("year.show_head_open", name=result["name"], reported=reported))
    else:
        add(
            t(
                "year.show_head_closed",
                name=result["name"],
                closed=_day(result["closed_at"]),
                by=result["closed_by"],
                reported=reported,
            )
        )
    add(t("year.show_opened", at=_day(result["opened_at"]), by=result["opened_by"]))
    if result["due"]:
        if result["days_left"] is None:
            add(t("year.show_due", due=result["due"]))
        else:
            days = result["days_left"]
            key = "round.days_left" if days >= 0 else "round.overdue"
            add(t(key, days=abs(days), due=result["due"]))
    add("")
    add(t("year.show_reports", count=len(result["reports"])))
    for report in result["reports"]:
        add(
            "  "
            + t(
                "year.show_report",
                measure=report["measure"],
                title=report["title"] or "–",
                by=report["by"],
                at=_day(report["at"]),
            )
        )
        if report["note"]:
            add(f"      {_block(report['note'])}")
    if result["owners"]:
        add("")
        add(t("year.show_owners"))
        for owner in result["owners"]:
            progress = t("year.reported_of", reported=owner["reported"], total=owner["total"])
            add(f"  {visible(owner['owner'])} ({visible(owner['name'] or '–')}): {progress}")
    if result["not_reported"]:
        add("")
        add(t("year.show_unreported", count=len(result["not_reported"])))
        for missing in result["not_reported"]:
            add(
                f"  {visible(missing['measure'])}  {visible(missing['title'] or '–')}"
                f"  ({visible(missing['owner'] or '–')})"
            )
    add("")
    if result["changes"] is None:
        add(t("year.show_no_changes"))
    elif not result["changes"]["measures"] and not result["changes"]["plan"]:
        add(t("year.show_nothing_changed", previous=result["previous"]))
    else:
        add(t("year.show_changes", previous=result["previous"]))
        for change in result["changes"]["plan"]:
            add(f"  {_diff_line(change, names)}")
        for measure in result["changes"]["measures"]:
            add(f"  {visible(measure['id'])}  {visible(measure['title'])}")
            for change in measure["changes"]:
                add(f"    {_diff_line(change, names)}")
    output.say("\n".join(lines))


def snapshots_table(rows: list[dict[str, Any]]) -> None:
    """The plan's snapshots."""
    if not rows:
        output.notice(t("snapshot.list_none"))
        return
    headers = [t("col.name"), t("col.taken"), t("col.by"), t("col.measures")]
    body = [[r["name"], local_text(r["taken_at"]), r["taken_by"], str(r["measures"])] for r in rows]
    if is_terminal():
        output.table(None, headers, body)
    else:
        _plain(headers, body)


def grantees_table(rows: list[dict[str, Any]]) -> None:
    """The roles granted the use of a PostgreSQL store."""
    if not rows:
        output.notice(t("postgres.list_none"))
        return
    headers = [t("col.role"), t("col.person"), t("col.delegate")]
    yes = t("postgres.delegate_yes")
    body = [[r["role"], r["person"], yes if r["delegate"] else ""] for r in rows]
    if is_terminal():
        output.table(None, headers, body)
    else:
        _plain(headers, body)


def diff_report(result: dict[str, Any], names: PlanNames | None = None) -> None:
    """What changed between two states, per measure, then the counts.

    Each change is told in words (``names``: the plans' own names), with the
    notes of the events that made it where ``result``'s entries hold them.
    """
    lines: list[str] = []
    out = lines.append
    second = result["to"] if result["to"] is not None else t("diff.now")
    out(t("diff.head", first=result["from"], second=second))
    if not result["measures"] and not result["plan"]:
        out(t("diff.none"))
        output.say("\n".join(lines))
        return
    if result["plan"]:
        out(f"\n{t('diff.plan')}")
        for change in result["plan"]:
            out(f"  {_diff_line(change, names)}")
    for measure in result["measures"]:
        out(f"\n{visible(measure['id'])}  {visible(measure['title'])}")
        for change in measure["changes"]:
            out(f"  {_diff_line(change, names)}")
    summary = result["summary"]
    out(
        "\n"
        + t(
            "diff.summary",
            measures=summary["measures_changed"],
            status=summary["status"],
            progress=summary["progress"],
            step=summary["step"],
            four_p=summary["four_p"],
            perspectives=summary["perspectives"],
            values=summary["values"],
            added=summary["added"],
            removed=summary["removed"],
            other=summary["other"],
        )
    )
    output.say("\n".join(lines))


def _diff_line(change: dict[str, Any], names: PlanNames | None = None) -> str:
    """A change between two states in words, with the notes of the events that made it."""
    words = event_change(change, names)
    notes = "; ".join(change.get("notes") or [])
    return visible(words) + (f"  «{visible(notes)}»" if notes else "")


def apply_summary(result: ChangeResult, dry_run: bool) -> None:
    """What an apply did, or would do."""
    targets = {(c.measure, c.collaboration, c.indicator) for c in result.changes}
    if dry_run:
        lines = [t("apply.dry", changes=len(result.changes))]
        lines += [f"  {_change_line(c)}" for c in result.changes]
        output.say("\n".join(lines))
        return
    output.say(t("apply.done", changes=len(result.changes), targets=len(targets)))


def trend_report(result: dict[str, Any]) -> None:
    """``kplan trend``: a line per figure, a column per year (or named snapshot)."""
    if not result["rows"]:
        output.notice(t("trend.no_snapshots"))
        return
    headers, body = trend_table(result)
    if is_terminal():
        output.table(None, headers, body)
        if result["by"] == "year":
            output.notice(t("trend.by_year"))
    else:
        _plain(headers, body)


def compare_plain(result: dict[str, Any]) -> str:
    """``kplan compare``'s table as tab-separated text, for a file."""
    return plain_text(*compare_table(result)) + "\n"


def compare_report(result: dict[str, Any]) -> None:
    """``kplan compare``: a line per figure, a column per plan."""
    headers, body = compare_table(result)
    if is_terminal():
        output.table(None, headers, body)
    else:
        _plain(headers, body)
