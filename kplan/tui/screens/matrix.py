"""The perspective matrix: measures against the plan's perspectives and the four parts of Fyra P."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.widgets import Footer, Header, Static

from kplan.domain import FOUR_P_PARTS
from kplan.i18n import t
from kplan.model import Measure, Plan
from kplan.present.fit import abbreviate, clip, legend_lines, text_width
from kplan.present.glyphs import COVERAGE_MARKS, STATE_MARKS
from kplan.safetext import visible
from kplan.tui.messages import MeasuresChanged, PlanLoaded
from kplan.tui.screens.base import KplanScreen
from kplan.tui.widgets.cells import (
    COVERAGE_COLOURS,
    STATE_COLOURS,
    coverage_cell,
    four_p_cell,
    plain,
)
from kplan.tui.widgets.matrix_view import GridColumn, MatrixView

# The totals row's key: measure ids are short codes, never this.
TOTAL = "__total__"
ID_WIDTH = 4
MIN_TITLE = 20
MAX_TITLE = 70
# How wide a heading may be, tried in turn until the title keeps MIN_TITLE; a
# total like "100%" needs four cells anyway.
HEADING_CAPS = (None, 12, 9, 6, 4)


@dataclass(frozen=True)
class MarkColumn:
    """A perspective or a Fyra P part: one column of marks."""

    kind: str
    name: str

    @property
    def key(self) -> str:
        """The column's key in the table."""
        return f"{self.kind}:{self.name}"

    @property
    def label(self) -> str:
        """The full heading."""
        return visible(self.name) if self.kind == "perspective" else t(f"four_p.{self.name}")

    @property
    def best(self) -> str:
        """The level that counts as integrated (perspective) or done (Fyra P)."""
        return "yes" if self.kind == "perspective" else "done"

    @property
    def levels(self) -> tuple[str, str, str]:
        """Every level, best first."""
        if self.kind == "perspective":
            return ("yes", "partly", "no")
        return ("done", "ongoing", "not-started")

    def level(self, measure: Measure) -> str:
        """The measure's level in this column."""
        if self.kind == "perspective":
            return measure.perspectives.get(self.name, "no")
        return measure.four_p.get(self.name, "not-started")

    def cell(self, measure: Measure) -> Text:
        """The measure's mark, centred."""
        level = self.level(measure)
        text = coverage_cell(level) if self.kind == "perspective" else four_p_cell(level)
        text.justify = "center"
        return text

    def word(self, level: str) -> str:
        """A level in words."""
        return t(f"coverage.{level}" if self.kind == "perspective" else f"four_p_state.{level}")

    def counts(self, plan: Plan) -> dict[str, int]:
        """How many measures stand at each level."""
        counts = dict.fromkeys(self.levels, 0)
        for measure in plan.measures:
            counts[self.level(measure)] = counts.get(self.level(measure), 0) + 1
        return counts

    def total_cell(self, plan: Plan) -> Text:
        """The share of measures at the best level, like the overview's summary."""
        share = round(100 * self.counts(plan)[self.best] / (len(plan.measures) or 1))
        return Text(f"{share}%", style="bold", justify="center")

    def totals(self, plan: Plan) -> str:
        """Every level's count in words, e.g. ``kön: 12 integrated, 5 partly, 5 not``."""
        counts = self.counts(plan)
        key = "matrix.totals_perspective" if self.kind == "perspective" else "matrix.totals_four_p"
        return t(key, name=self.label, **{k.replace("-", "_"): v for k, v in counts.items()})


def mark_columns(plan: Plan) -> list[MarkColumn]:
    """The plan's perspectives, then the four parts of Fyra P."""
    return [MarkColumn("perspective", p) for p in plan.perspectives] + [
        MarkColumn("four_p", part) for part in FOUR_P_PARTS
    ]


@dataclass(frozen=True)
class Layout:
    """Headings and widths that fit the screen."""

    labels: tuple[str, ...]
    widths: tuple[int, ...]
    title_width: int
    # (short, full) for every heading shown short, named in full in the legend.
    shortened: tuple[tuple[str, str], ...] = ()


def layout_for(columns: list[MarkColumn], width: int) -> Layout:
    """The longest headings that leave a readable title; the legend names short ones in full.

    A heading too long for its cap is shortened to a name of its own (``Kom``,
    ``funk``, :func:`kplan.present.fit.abbreviate`), never chopped.
    """

    def build(cap: int | None) -> Layout:
        full = [c.label for c in columns]
        headings = abbreviate(full, cap if cap is not None else max(map(text_width, full)))
        # Four cells at least, so a total like "100%" fits under a short heading.
        widths = tuple(max(4, text_width(label)) for label in headings.labels)
        # Each column has one cell of padding either side; 2 more for the scrollbar.
        taken = ID_WIDTH + sum(widths) + 2 * (len(columns) + 2) + 2
        return Layout(headings.labels, widths, min(MAX_TITLE, width - taken), headings.shortened)

    for cap in HEADING_CAPS:
        fit = build(cap)
        if fit.title_width >= MIN_TITLE:
            return fit
    return Layout(fit.labels, fit.widths, max(12, fit.title_width))


class MatrixScreen(KplanScreen[None]):
    """Where each measure stands on every perspective and Fyra P part: the gaps at a glance."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "key.back"),
    ]

    AUTO_FOCUS = "#matrix"

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[MarkColumn] = []
        self.fit: Layout | None = None
        self.rows: list[str] = []
        self._measures: dict[str, Measure] = {}

    def compose(self) -> ComposeResult:
        """Header, legend, the matrix, a line about the cell under the cursor, footer."""
        yield Header(icon="▤")
        yield Static(id="matrix-legend", markup=False)
        yield MatrixView(id="matrix")
        yield Static("", id="matrix-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Draw the matrix if the plan is already there."""
        self.title = t("palette.matrix")
        self.rebuild()

    def on_plan_loaded(self, _message: PlanLoaded) -> None:
        """A fresh plan (perhaps other perspectives): build the table again."""
        self.rebuild()

    def on_measures_changed(self, _message: MeasuresChanged) -> None:
        """Redraw with the changed measures: the grid asks for the cells it shows."""
        plan = self.kplan.plan
        if plan is None:
            return
        same_rows = [m.id for m in plan.measures] == self.rows
        if not same_rows or mark_columns(plan) != self.columns:
            self.rebuild()
            return
        self._measures = {m.id: m for m in plan.measures}
        self.query_one(MatrixView).refresh()
        self._show_detail()

    def on_resize(self, _event: Resize) -> None:
        """Headings and the title's width follow the screen."""
        plan = self.kplan.plan
        if plan is not None and layout_for(mark_columns(plan), self.size.width) != self.fit:
            self.rebuild()
        else:
            self.query_one("#matrix-legend", Static).update(self._legend(self.size.width))

    def _title_width(self) -> int:
        return self.fit.title_width if self.fit else MIN_TITLE

    def _legend(self, width: int) -> Text:
        """What the marks mean: on one line when it fits, else a line per group."""
        perspectives = Text(f"{t('matrix.legend_perspectives')}: ", style="bold")
        for level in ("yes", "partly", "no"):
            perspectives.append(COVERAGE_MARKS[level], style=COVERAGE_COLOURS[level])
            perspectives.append(f" {t(f'coverage.{level}')}  ", style="not bold")
        four_p = Text(f"{t('show.four_p')}: ", style="bold")
        for state in ("done", "ongoing", "not-started"):
            four_p.append(STATE_MARKS[state], style=STATE_COLOURS[state])
            four_p.append(f" {t(f'four_p_state.{state}')}  ", style="not bold")
        perspectives.rstrip()
        four_p.rstrip()
        joiner = "   " if perspectives.cell_len + four_p.cell_len + 5 <= width else "\n"
        legend = Text(joiner).join([perspectives, four_p])
        if self.fit is not None and self.fit.shortened:
            # Two cells of the legend's padding.
            for line in legend_lines(self.fit.shortened, width - 2):
                legend.append("\n")
                legend.append(line, style="italic")
        return legend

    def _cell(self, row: str, column: str) -> Text:
        """One cell, drawn when its row is on screen."""
        plan = self.kplan.plan
        if plan is None:
            return Text("")
        if row == TOTAL:
            if column == "id":
                return Text("Σ", style="bold")
            if column == "title":
                return Text(t("matrix.total_row"), style="bold")
            return next(c for c in self.columns if c.key == column).total_cell(plan)
        measure = self._measures.get(row)
        if measure is None:
            return Text("")
        if column == "id":
            return plain(measure.id, "bold")
        if column == "title":
            # Cut at a word where it can be; the detail line and the measure screen show it whole.
            width = self._title_width()
            return plain(clip(visible(measure.title, limit=width * 2), width))
        return next(c for c in self.columns if c.key == column).cell(measure)

    def _tip(self, row: str) -> str | None:
        """A measure's id and whole title, for the tooltip of its row."""
        measure = self._measures.get(row)
        return None if measure is None else f"{visible(measure.id)} {visible(measure.title)}"

    def rebuild(self) -> None:
        """Lay the grid out again, keeping the cursor on the same measure and column."""
        plan = self.kplan.plan
        if plan is None:
            return
        grid = self.query_one(MatrixView)
        row_key, column_key = grid.cursor_keys()
        self.columns = mark_columns(plan)
        self.fit = layout_for(self.columns, self.size.width or 80)
        self.query_one("#matrix-legend", Static).update(self._legend(self.size.width or 80))
        self._measures = {m.id: m for m in plan.measures}
        self.rows = [m.id for m in plan.measures]
        columns = [
            GridColumn("id", Text(t("col.id")), ID_WIDTH),
            GridColumn("title", Text(t("col.title")), self.fit.title_width),
            *[
                GridColumn(column.key, Text(label, justify="center"), width)
                for column, label, width in zip(
                    self.columns, self.fit.labels, self.fit.widths, strict=True
                )
            ],
        ]
        grid.show(columns, [*self.rows, TOTAL], self._cell, self._tip)
        if row_key is not None and column_key is not None:
            with contextlib.suppress(KeyError, StopIteration):
                grid.move_cursor(
                    row=grid.get_row_index(row_key), column=grid.get_column_index(column_key)
                )
        self._show_detail()

    def _cursor_keys(self) -> tuple[str | None, str | None]:
        return self.query_one(MatrixView).cursor_keys()

    @on(MatrixView.CellHighlighted, "#matrix")
    def _cell_highlighted(self, _event: MatrixView.CellHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """Say in words what the cell under the cursor means, and its column's totals."""
        plan = self.kplan.plan
        detail = self.query_one("#matrix-detail", Static)
        row_key, column_key = self._cursor_keys()
        if plan is None or row_key is None:
            detail.update("")
            return
        column = next((c for c in self.columns if c.key == column_key), None)
        measure = plan.measure(row_key)
        text = Text()
        if measure is not None:
            text.append(f"{visible(measure.id)} {visible(measure.title)}", style="bold")
            if column is not None:
                level = column.level(measure)
                text.append(f" · {column.label}: ")
                marks = COVERAGE_MARKS if column.kind == "perspective" else STATE_MARKS
                colours = COVERAGE_COLOURS if column.kind == "perspective" else STATE_COLOURS
                text.append(f"{marks[level]} {column.word(level)}", style=colours[level])
        if column is not None:
            if text:
                text.append("\n")
            text.append(column.totals(plan))
        detail.update(text)

    @on(MatrixView.CellSelected, "#matrix")
    def _open(self, event: MatrixView.CellSelected) -> None:
        if event.row_key != TOTAL:
            self.kplan.open_measure(event.row_key)

    def action_back(self) -> None:
        """Back to where the matrix was opened from."""
        self.app.pop_screen()
