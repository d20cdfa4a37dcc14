"""One measure in full: goal, indicators, collaborations on the ladder, Fyra P, perspectives."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from kplan.core.actor import today
from kplan.domain import days_overdue, format_number, gap_trend, period_sort_key, values_trend
from kplan.errors import KplanError
from kplan.i18n import t
from kplan.model import Collaboration, Indicator, Measure, Plan
from kplan.moments import local_text
from kplan.present.glyphs import (
    COVERAGE_MARKS,
    MARGIN,
    OVERDUE_MARK,
    STATE_MARKS,
    TREND_ARROWS,
)
from kplan.present.labels import PlanNames, event_change
from kplan.safetext import BLOCK_LIMIT, visible
from kplan.tui.dialogs import open_edit_dialog, open_report_dialog
from kplan.tui.messages import MeasuresChanged, PlanLoaded, RoundsChanged
from kplan.tui.screens.base import KplanScreen
from kplan.tui.widgets.cells import (
    COVERAGE_COLOURS,
    STATE_COLOURS,
    plain,
    progress_cell,
    status_cell,
)

TREND_COLOURS = {"up": "green", "flat": "yellow", "down": "red", "none": "grey50"}
SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float], target: float | None) -> Text:
    """A small line of the values, scaled so the target (if any) is the top."""
    if not values:
        return Text("–", style="grey50")
    top = max([*values, target or 0.0]) or 1.0
    low = min([*values, 0.0])
    span = (top - low) or 1.0
    return Text("".join(SPARK[min(7, int((v - low) / span * 7))] for v in values), style="cyan")


def target_bar(indicator: Indicator, latest: float | None, width: int = 10) -> Text:
    """How far the latest value has come from the baseline towards the target."""
    if latest is None or indicator.target is None:
        return Text("")
    start = indicator.baseline if indicator.baseline is not None else 0.0
    distance = indicator.target - start
    share = 1.0 if distance == 0 else max(0.0, min(1.0, (latest - start) / distance))
    filled = round(share * width)
    text = Text("■" * filled, style="green")
    text.append("□" * (width - filled), style="grey50")
    text.append(f" {round(share * 100)}%")
    return text


def staircase(plan: Plan, collaboration: Collaboration) -> Text:
    """The ladder as a staircase: reached steps filled, the current one with its question."""
    steps = len(plan.ladder)
    text = Text()
    for level in range(steps, 0, -1):
        for step in range(1, steps + 1):
            if step >= level:
                reached = level <= collaboration.step
                text.append("██ " if reached else "░░ ", style="green" if reached else "grey35")
            else:
                text.append("   ")
        label = f" {level} {visible(plan.ladder[level - 1])}"
        if level == collaboration.step:
            text.append(label, style="bold")
            question = (
                plan.ladder_questions[level - 1] if level <= len(plan.ladder_questions) else ""
            )
            if question:
                text.append(f"  ◀ {visible(question)}", style="italic")
        else:
            text.append(label, style="grey50")
        text.append("\n")
    return text


class MeasureScreen(KplanScreen[None]):
    """Everything about one measure, and the keys to change it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "key.back"),
        Binding("s", "edit('status')", "key.status"),
        Binding("f", "edit('four_p')", "key.four_p"),
        Binding("v", "edit('perspective')", "key.perspective"),
        Binding("r", "edit('record')", "key.record"),
        Binding("e", "edit('measure')", "tui_edit.key_edit"),
        Binding("u", "report", "tui_rounds.key_report"),
        # The footer shows as many of the keys as its width holds, in this order;
        # the help panel (?) lists them all.
        Binding("n", "edit('situation')", "tui_edit.key_situation"),
        Binding("a", "edit('collab_add')", "tui_edit.key_collab_add"),
        Binding("c", "edit('collab_edit')", "tui_edit.key_collab_edit"),
        Binding("t", "edit('step')", "tui_edit.key_step"),
    ]

    def __init__(self, measure: str) -> None:
        super().__init__()
        self.measure = measure
        self.events: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        """Header, the measure's sections, footer."""
        yield Header(icon="▤")
        with VerticalScroll(id="measure-body"):
            yield Static(id="measure-head", markup=False)
            yield Static(id="measure-goal", markup=False)
            yield Static(id="measure-indicators", classes="section", markup=False)
            yield Static(id="measure-collaborations", classes="section", markup=False)
            yield Static(id="measure-four-p", classes="section", markup=False)
            yield Static(id="measure-perspectives", classes="section", markup=False)
            yield Static(id="measure-events", classes="section", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Draw the measure and fetch its events."""
        self.redraw()
        self.load_events()

    def on_measures_changed(self, message: MeasuresChanged) -> None:
        """Redraw when this measure changed."""
        if self.measure in message.keys:
            self.redraw()
            self.load_events()

    def on_plan_loaded(self, _message: PlanLoaded) -> None:
        """A fresh plan: draw again."""
        self.redraw()
        self.load_events()

    def on_rounds_changed(self, _message: RoundsChanged) -> None:
        """A report is an event of its measure: read the events again."""
        self.load_events()

    @work(thread=True, exclusive=True, group="events")
    def load_events(self) -> None:
        """Read the measure's recent events off the event loop."""
        try:
            events = self.workspace.events(self.measure, limit=10)
        except KplanError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error")
            return
        self.app.call_from_thread(self._show_events, events)

    def _found(self) -> Measure | None:
        plan = self.kplan.plan
        if plan is None:
            return None
        return plan.measure(self.measure)

    def redraw(self) -> None:
        """Fill every section from the plan held by the app."""
        plan = self.kplan.plan
        measure = self._found()
        if plan is None or measure is None:
            self.query_one("#measure-head", Static).update(
                t("tui.measure_gone", measure=self.measure)
            )
            return
        self.query_one("#measure-head", Static).update(self._head(plan, measure))
        goal = Text()
        if measure.goal:
            goal.append(f"{t('col.goal')}: ", style="bold")
            goal.append(_block(measure.goal))
        if measure.description:
            goal.append("\n\n" + _block(measure.description))
        if measure.situation:
            goal.append("\n\n" if goal else "")
            goal.append(f"{t('structure.col_situation')}: ", style="bold")
            goal.append(_block(measure.situation))
        self.query_one("#measure-goal", Static).update(goal)
        self.query_one("#measure-indicators", Static).update(self._indicators(measure))
        self.query_one("#measure-collaborations", Static).update(
            self._collaborations(plan, measure)
        )
        self.query_one("#measure-four-p", Static).update(self._four_p(measure))
        self.query_one("#measure-perspectives", Static).update(self._perspectives(plan, measure))

    def _head(self, plan: Plan, measure: Measure) -> Text:
        owner = next((o for o in plan.owners if o.id == measure.owner), None)
        organisations = {o.id: o.name for o in plan.organisations}
        text = Text(f"{visible(measure.id)}  {visible(measure.title)}\n", style="bold")
        owner_text = visible(owner.name if owner else measure.owner)
        if owner and owner.organisation:
            organisation = organisations.get(owner.organisation, owner.organisation)
            owner_text += f", {visible(organisation)}"
        text.append(f"{t('col.owner')}: {owner_text}\n")
        # The status and its bar on a line of their own: beside a long owner's
        # name the bar would wrap, leaving its percentage on the next line.
        late = days_overdue(measure.due, measure.status, today())
        text.append_text(status_cell(measure.status, overdue=late is not None))
        text.append("   ")
        text.append_text(progress_cell(measure.progress, 20))
        if measure.area or measure.start or measure.due:
            text.append("\n")
        if measure.area:
            text.append(f"{t('col.area')}: {visible(measure.area)}   ")
        if measure.start or measure.due:
            text.append(f"{t('col.period')}: {measure.start or ''}–{measure.due or ''}")
        if late is not None:
            # As `kplan show` says it, under the mark the overview shows.
            text.append("\n")
            text.append(f"{OVERDUE_MARK} ", style="bold red")
            text.append(t("year.show_overdue", days=late, due=measure.due), style="red")
        return text

    def _indicators(self, measure: Measure) -> Group | Text:
        heading = Text(t("show.indicators"), style="bold underline")
        if not measure.indicators:
            return Group(heading, Text(t("show.none"), style="grey50"))
        periods = sorted(
            {p for ind in measure.indicators for p in ind.values}
            | {
                p
                for ind in measure.indicators
                for groups in ind.groups.values()
                for series in groups.values()
                for p in series
            },
            key=period_sort_key,
        )
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
        table.add_column(t("kind.indicator").capitalize())
        table.add_column(t("col.baseline"), justify="right")
        for period in periods:
            table.add_column(plain(period), justify="right")
        table.add_column(t("col.target"), justify="right")
        table.add_column(t("col.trend"), justify="center")
        table.add_column("", no_wrap=True)
        for ind in measure.indicators:
            ordered = sorted(ind.values, key=period_sort_key)
            latest = ind.values[ordered[-1]] if ordered else None
            direction = values_trend(ind.values, ind.direction)
            arrow = Text(
                f"{TREND_ARROWS[direction]} {t(f'trend.{direction}')}",
                style=TREND_COLOURS[direction],
            )
            unit = f" ({ind.unit})" if ind.unit else ""
            table.add_row(
                plain(f"{ind.name}{unit}"),
                _number(ind.baseline),
                *[_number(ind.values.get(p)) for p in periods],
                _number(ind.target),
                arrow,
                Text.assemble(
                    sparkline([ind.values[p] for p in ordered], ind.target),
                    " ",
                    target_bar(ind, latest),
                ),
            )
            # The values split by group, then the gap between the groups and its trend.
            for perspective, groups in ind.groups.items():
                for group, series in groups.items():
                    table.add_row(
                        plain(f"  {perspective}={group}"),
                        "",
                        *[_number(series.get(p)) for p in periods],
                        "",
                        "",
                        "",
                        style="grey70",
                    )
                gaps, gap_direction = gap_trend(groups)
                if gaps:
                    table.add_row(
                        plain(f"  {t('stats.gap', perspective=perspective)}"),
                        "",
                        *[_number(gaps.get(p)) for p in periods],
                        "",
                        Text(
                            f"{TREND_ARROWS[gap_direction]} {t(f'stats.gap_{gap_direction}')}",
                            style=TREND_COLOURS[gap_direction],
                        ),
                        "",
                    )
        return Group(heading, table)

    def _collaborations(self, plan: Plan, measure: Measure) -> Group:
        parts: list[Any] = [Text(t("show.collaborations"), style="bold underline")]
        organisations = {o.id: o.name for o in plan.organisations}
        if not measure.collaborations:
            parts.append(Text(t("show.none"), style="grey50"))
        for collab in measure.collaborations:
            parts.append(Text(f"{visible(collab.id)}: {visible(collab.name)}", style="bold"))
            actors = ", ".join(organisations.get(a, a) for a in collab.actors)
            parts.append(Text(f"{t('col.actors')}: {visible(actors)}"))
            if collab.note:
                parts.append(Text(_block(collab.note), style="italic"))
            parts.append(staircase(plan, collab))
        return Group(*parts)

    def _four_p(self, measure: Measure) -> Group:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column()
        for part, state in measure.four_p.items():
            table.add_row(
                Text(f"{STATE_MARKS[state]} {t(f'four_p.{part}')}", style=STATE_COLOURS[state]),
                t(f"four_p_state.{state}"),
                Text(t(f"four_p_help.{part}"), style="grey62"),
            )
        return Group(Text(t("show.four_p"), style="bold underline"), table)

    def _perspectives(self, plan: Plan, measure: Measure) -> Group:
        lines = Text()
        for perspective in plan.perspectives:
            level = measure.perspectives.get(perspective, "no")
            lines.append(
                f"{COVERAGE_MARKS[level]} {visible(perspective)}", style=COVERAGE_COLOURS[level]
            )
            lines.append(f"  {t(f'coverage.{level}')}\n")
        return Group(Text(t("show.perspectives"), style="bold underline"), lines)

    def _show_events(self, events: list[dict[str, Any]]) -> None:
        self.events = events
        heading = Text(t("show.events"), style="bold underline")
        if not events:
            self.query_one("#measure-events", Static).update(
                Group(heading, Text(t("show.none"), style="grey50"))
            )
            return
        # The time in a column of its own: a long event wraps inside the
        # second column, so no wrapped piece of a note can stand where an
        # event's time stands; a note's newline shows as \n.
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, style="grey62")
        table.add_column()
        names = PlanNames.of(self.kplan.plan)
        for event in events:
            words = event_change(event, names)
            text = Text(f"{visible(event['actor'])}", style="bold")
            text.append(f"  {visible(words)}", style="not bold")
            if event["note"]:
                text.append(f"  «{visible(event['note'])}»", style="italic not bold")
            table.add_row(local_text(event["at"]), text)
        # The blank line below keeps the section as tall as it always was.
        self.query_one("#measure-events", Static).update(Group(heading, table, Text("")))

    def action_back(self) -> None:
        """Back to where the measure was opened from."""
        self.app.pop_screen()

    def action_edit(self, what: str) -> None:
        """Open the dialog that edits this measure."""

        open_edit_dialog(self, what, self.measure)

    def action_report(self) -> None:
        """Report this measure in the open round, with a note."""
        open_report_dialog(self, self.measure)


def _block(text: str) -> str:
    """A goal, description or note: its own lines kept in a margin, all hidden spelled out."""
    return visible(text, limit=BLOCK_LIMIT, continuation=MARGIN)


def _number(value: float | None) -> str:
    number = format_number(value)
    return "–" if number is None else str(number)
