"""The overview: every measure of the plan, a summary above, a filter bar on demand."""

from __future__ import annotations

from time import monotonic
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static

from kplan.core.filters import MeasureFilter, SearchTexts, filter_measures, parse_expression
from kplan.errors import KplanError
from kplan.i18n import t
from kplan.tui.dialogs import open_add_measure, open_edit_dialog
from kplan.tui.messages import MeasuresChanged, PlanLoaded, RoundsChanged
from kplan.tui.screens.base import KplanScreen
from kplan.tui.widgets.line_table import LineTable
from kplan.tui.widgets.measure_table import MeasureTable, legend, legend_lines
from kplan.tui.widgets.summary import SummaryBar

LARGE_PLAN = 500
FILTER_DELAY = 0.08
# The legend under the table takes at most this many lines of the screen.
LEGEND_LINES = 2


class OverviewScreen(KplanScreen[None]):
    """Where each measure stands, with the keys to open and update them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "key.open", show=False),
        Binding("slash", "filter", "key.filter", key_display="/"),
        Binding("escape", "clear_filter", "key.clear_filter", show=False),
        Binding("m", "mine", "key.mine"),
        Binding("s", "edit('status')", "key.status"),
        Binding("f", "edit('four_p')", "key.four_p"),
        Binding("v", "edit('perspective')", "key.perspective"),
        Binding("r", "edit('record')", "key.record"),
        # In the help panel (?), not the footer: the footer is full at 120 columns.
        Binding("e", "edit('measure')", "tui_edit.key_edit", show=False),
        Binding("n", "edit('situation')", "tui_edit.key_situation", show=False),
        Binding("a", "add_measure", "tui_edit.key_add_measure", show=False),
        Binding("u", "view('rounds')", "tui_rounds.key_rounds", show=False),
        Binding("b", "view('board')", "key.board"),
        Binding("p", "view('matrix')", "key.matrix"),
        Binding("l", "view('log')", "key.log"),
        Binding("o", "sort(False)", "key.sort", show=False),
        Binding("O", "sort(True)", "key.sort_reverse", show=False),
        Binding("q", "quit", "key.quit"),
    ]

    AUTO_FOCUS = "#measures"

    def __init__(self) -> None:
        super().__init__()
        self._pending_filter: Timer | None = None
        self._last_filter = 0.0
        self.expression = ""
        self.mine = False
        self._texts = SearchTexts()
        self._legend: tuple[str, int] | None = None

    def compose(self) -> ComposeResult:
        """Header, summary, filter bar, table and footer."""
        yield Header(icon="▤")
        yield SummaryBar(t("tui.loading"), id="summary")
        with Vertical(id="filter-bar"):
            yield Input(placeholder=t("tui.filter_placeholder"), id="filter")
            yield Static("", id="filter-error", markup=False)
        yield Static("", id="shown", markup=False)
        yield MeasureTable(id="measures")
        yield Static("", id="legend", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Draw the plan if it is already there."""
        self.query_one("#filter-bar").display = False
        self.query_one(MeasureTable).focus()
        if self.kplan.plan is not None:
            self.redraw()
            self.load_round()

    def on_plan_loaded(self, _message: PlanLoaded) -> None:
        """A fresh plan: draw it all, and read the open round again."""
        self.redraw()
        self.load_round()

    def on_rounds_changed(self, _message: RoundsChanged) -> None:
        """A round opened, closed or was reported in: read the open round again."""
        self.load_round()

    @work(thread=True, exclusive=True, group="round")
    def load_round(self) -> None:
        """Read the open round, if any, off the event loop, for the summary."""
        try:
            detail = self.workspace.open_round_detail()
        except KplanError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error")
            return
        self.app.call_from_thread(self._show_round, detail)

    def _show_round(self, detail: dict[str, Any] | None) -> None:
        self.query_one(SummaryBar).show_round(detail, self.kplan.actor)

    def on_measures_changed(self, message: MeasuresChanged) -> None:
        """Some measures changed: redraw their rows, or re-filter when a filter is on."""
        plan = self.kplan.plan
        if plan is None:
            return
        keys = message.keys
        table = self.query_one(MeasureTable)
        shown = {m.id for m in table.shown}
        if not self.expression and not self.mine and table.sort_key is None and keys <= shown:
            for measure in plan.measures:
                if measure.id in keys:
                    table.refresh_measure(measure)
            self._draw_summary()
        else:
            self.redraw()

    def on_resize(self, event: Resize) -> None:
        """Columns follow the width: wide screens get a cell per part."""
        if self.kplan.plan is not None:
            self.redraw()

    def _filter(self) -> MeasureFilter:
        wanted = parse_expression(self.expression)
        if self.mine:
            wanted.owner = self.kplan.actor
        return wanted

    def _draw_summary(self) -> None:
        plan = self.kplan.plan
        assert plan is not None
        self.query_one(SummaryBar).show_plan(plan)

    def redraw(self) -> None:
        """Draw the summary, apply the filter and fill the table."""
        if self.kplan.plan is None:
            return
        self._draw_summary()
        self._refilter()

    def _refilter(self) -> None:
        # The plan is unchanged while the filter or the selection changes, so
        # the summary above stays as it is.
        plan = self.kplan.plan
        if plan is None:
            return
        error = self.query_one("#filter-error", Static)
        try:
            measures = filter_measures(plan, self._filter(), self._texts)
            # The error line's height follows its text: lay out again only when it goes.
            if error.content:
                error.update("")
        except KplanError as problem:
            error.update(problem.message)
            measures = []
        table = self.query_one(MeasureTable)
        table.show(plan, measures, self.size.width or 80)
        self._show_notes()
        self._show_legend()

    def _show_legend(self) -> None:
        plan = self.kplan.plan
        if plan is None:
            return
        columns = self.query_one(MeasureTable).columns_now
        words = legend(columns, plan)
        line = self.query_one("#legend", Static)
        # Up to two lines, broken between headings; what does not fit is cut
        # with an ellipsis and the tooltip holds it whole.
        width = max(1, (self.size.width or 80) - 2)
        if (words, width) != self._legend:
            self._legend = (words, width)
            lines = legend_lines(columns, plan, width, LEGEND_LINES)
            height = max(len(lines), 1)
            relayout = line.styles.height is None or line.styles.height.value != height
            line.styles.height = height
            line.update(Text("\n".join(lines), end=""), layout=relayout)
            line.tooltip = None if " ".join(lines).split() == words.split() else words

    def _show_notes(self) -> None:
        plan = self.kplan.plan
        if plan is None:
            return
        table = self.query_one(MeasureTable)
        notes = [t("tui.shown", shown=len(table.shown), total=len(plan.measures))]
        if self.mine:
            notes.append(t("tui.mine_on", actor=self.kplan.actor))
        if self.expression:
            notes.append(t("tui.filter_on", expression=self.expression))
        if table.sort_key:
            label = next((c.title for c in table.columns_now if c.key == table.sort_key), "")
            arrow = "↓" if table.sort_reverse else "↑"
            notes.append(t("tui.sorted_by", column=label, arrow=arrow))
        # One line, as wide as the screen: nothing else moves when it changes.
        self.query_one("#shown", Static).update(" · ".join(notes), layout=False)

    @on(LineTable.RowSelected, "#measures")
    def _open_row(self, event: LineTable.RowSelected) -> None:
        self.kplan.open_measure(event.key)

    @on(LineTable.HeaderSelected, "#measures")
    def _sort_by_header(self, event: LineTable.HeaderSelected) -> None:
        table = self.query_one(MeasureTable)
        key = event.column
        reverse = table.sort_key == key and not table.sort_reverse
        table.sort_by(key, reverse)
        self._show_notes()

    def action_open(self) -> None:
        """Open the measure under the cursor."""
        current = self.query_one(MeasureTable).current_measure()
        if current:
            self.kplan.open_measure(current)

    def action_filter(self) -> None:
        """Show the filter bar and type into it."""
        self.query_one("#filter-bar").display = True
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.expression = event.value.strip()
        # On a large plan, a key typed right after another waits for the
        # typing to pause; a single change still filters at once.
        plan = self.kplan.plan
        now = monotonic()
        if self._pending_filter is not None:
            self._pending_filter.stop()
            self._pending_filter = None
        recent = now - self._last_filter < FILTER_DELAY
        self._last_filter = now
        if plan is not None and len(plan.measures) > LARGE_PLAN and recent:
            self._pending_filter = self.set_timer(FILTER_DELAY, self._refilter)
        else:
            self._refilter()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, _event: Input.Submitted) -> None:
        self.query_one(MeasureTable).focus()

    def action_clear_filter(self) -> None:
        """Clear the filter and hide its bar."""
        field = self.query_one("#filter", Input)
        if field.value:
            field.value = ""
        self.expression = ""
        self.query_one("#filter-bar").display = False
        self.query_one(MeasureTable).focus()
        self._refilter()

    def action_mine(self) -> None:
        """Show only my measures (owner = the acting user), or all again."""
        plan = self.kplan.plan
        owners = {o.id for o in plan.owners} if plan is not None else set()
        if plan is not None and not self.mine and self.kplan.actor not in owners:
            self.notify(t("tui.not_an_owner", actor=self.kplan.actor), severity="warning")
            return
        self.mine = not self.mine
        self._refilter()

    def action_sort(self, reverse: bool) -> None:
        """``o``: sort by the next column, ascending; ``O``: this column, descending."""
        table = self.query_one(MeasureTable)
        if not table.columns_now:
            return
        keys = [c.key for c in table.columns_now]
        if reverse and table.sort_key in keys:
            key = table.sort_key
        else:
            position = keys.index(table.sort_key) + 1 if table.sort_key in keys else 0
            key = keys[position % len(keys)]
        assert key is not None
        table.sort_by(key, reverse)
        self._show_notes()

    def action_edit(self, what: str) -> None:
        """Open the dialog that edits the measure under the cursor."""

        current = self.query_one(MeasureTable).current_measure()
        if current:
            open_edit_dialog(self, what, current)

    def action_add_measure(self) -> None:
        """Add a measure; once saved, the cursor stands on it."""
        open_add_measure(self, self._show_added)

    def _show_added(self, key: str) -> None:
        self.redraw()
        self.query_one(MeasureTable).move_to(key)

    def action_view(self, name: str) -> None:
        """Open the board, the matrix or the log."""
        self.kplan.open_view(name)

    async def action_quit(self) -> None:
        """Leave kplan."""
        self.app.exit()
