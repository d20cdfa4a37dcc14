"""The perspective matrix's grid: a line-based widget that draws only the rows on screen.

A DataTable builds and measures every cell of every row up front, so a plan of
10,000 measures costs the matrix seconds to open and to redraw. This grid
holds only the rows' keys; a row's cells are asked for (``cell``) when its
line is drawn, so opening, scrolling and redrawing cost what the screen shows,
whatever the plan's size. The headings stay at the top; the cursor is a cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

# One blank either side of every cell, as a DataTable draws them.
CELL_PADDING = 1
HEADER_LINES = 1


@dataclass(frozen=True)
class GridColumn:
    """A column: its key, its heading, its width in cells (padding not counted)."""

    key: str
    heading: Text
    width: int


CellSource = Callable[[str, str], Text]
# What a row says in full when the mouse rests on it (a measure's whole title).
TipSource = Callable[[str], str | None]


class MatrixView(ScrollView, can_focus=True):
    """Rows of cells under fixed headings; ``enter`` selects the cell under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "key.open_measure"),
        Binding("up", "cursor(-1, 0)", show=False),
        Binding("down", "cursor(1, 0)", show=False),
        Binding("left", "cursor(0, -1)", show=False),
        Binding("right", "cursor(0, 1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "edge(-1)", show=False),
        Binding("end", "edge(1)", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "matrix--header",
        "matrix--cursor",
        "matrix--even-row",
    }

    DEFAULT_CSS = """
    MatrixView {
        background: $surface;
        color: $foreground;
        & > .matrix--header {
            text-style: bold;
            background: $panel;
        }
        & > .matrix--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .matrix--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .matrix--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        &:dark > .matrix--even-row {
            background: $surface-darken-1 40%;
        }
    }
    """

    class CellMessage(Message):
        """Something about one cell of the grid: its row (a measure) and column keys."""

        def __init__(self, grid: MatrixView, row_key: str, column_key: str) -> None:
            super().__init__()
            self.grid = grid
            self.row_key = row_key
            self.column_key = column_key

        @property
        def control(self) -> MatrixView:
            """The grid the cell is in."""
            return self.grid

    class CellHighlighted(CellMessage):
        """The cursor moved to another cell."""

    class CellSelected(CellMessage):
        """``enter`` (or a click on the cursor's cell) chose a cell."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: list[GridColumn] = []
        self.rows: list[str] = []
        self._row_index: dict[str, int] = {}
        self._cell: CellSource = lambda _row, _column: Text("")
        self._tip: TipSource = lambda _row: None
        self.cursor_row = 0
        self.cursor_column = 0

    # What the screen asks of the grid ---------------------------------------------------

    def show(
        self,
        columns: Sequence[GridColumn],
        rows: Sequence[str],
        cell: CellSource,
        tip: TipSource | None = None,
    ) -> None:
        """Show these columns and rows; ``cell(row, column)`` draws a cell when it is on screen.

        ``tip(row)``, when given, is the tooltip of the row under the mouse.
        """
        if tip is not None:
            self._tip = tip
        self.columns = list(columns)
        self.rows = list(rows)
        self._row_index = {key: index for index, key in enumerate(self.rows)}
        self._cell = cell
        width = sum(c.width + 2 * CELL_PADDING for c in self.columns)
        self.virtual_size = Size(width, len(self.rows) + HEADER_LINES)
        self.cursor_row = min(self.cursor_row, max(0, len(self.rows) - 1))
        self.cursor_column = min(self.cursor_column, max(0, len(self.columns) - 1))
        self.refresh()

    @property
    def row_count(self) -> int:
        """How many rows the grid holds."""
        return len(self.rows)

    @property
    def headings(self) -> list[str]:
        """The columns' headings as plain text."""
        return [c.heading.plain for c in self.columns]

    def get_row_index(self, key: str) -> int:
        """The row of ``key`` (KeyError when there is none)."""
        return self._row_index[key]

    def get_column_index(self, key: str) -> int:
        """The column of ``key`` (KeyError when there is none)."""
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def get_cell(self, row_key: str, column_key: str) -> Text:
        """The cell as it is drawn."""
        return self._cell(row_key, column_key)

    def cursor_keys(self) -> tuple[str | None, str | None]:
        """The row and column keys under the cursor; None for an empty grid."""
        if not self.rows or not self.columns:
            return None, None
        return self.rows[self.cursor_row], self.columns[self.cursor_column].key

    def move_cursor(self, *, row: int | None = None, column: int | None = None) -> None:
        """Put the cursor on a cell, scrolled into view, and say so."""
        if not self.rows or not self.columns:
            return
        if row is not None:
            self.cursor_row = max(0, min(row, len(self.rows) - 1))
        if column is not None:
            self.cursor_column = max(0, min(column, len(self.columns) - 1))
        self._scroll_to_cursor()
        self.refresh()
        row_key, column_key = self.cursor_keys()
        if row_key is not None and column_key is not None:
            self.post_message(self.CellHighlighted(self, row_key, column_key))

    # Keys and the mouse ------------------------------------------------------------------

    def action_cursor(self, rows: int, columns: int) -> None:
        """Move the cursor by rows and columns."""
        self.move_cursor(row=self.cursor_row + rows, column=self.cursor_column + columns)

    def action_page(self, direction: int) -> None:
        """Move the cursor a screenful up or down."""
        self.move_cursor(row=self.cursor_row + direction * self._body_height())

    def action_edge(self, direction: int) -> None:
        """To the first or the last row."""
        self.move_cursor(row=0 if direction < 0 else len(self.rows) - 1)

    def action_select_cursor(self) -> None:
        """Choose the cell under the cursor."""
        row_key, column_key = self.cursor_keys()
        if row_key is not None and column_key is not None:
            self.post_message(self.CellSelected(self, row_key, column_key))

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the cell; a click on the cursor's cell chooses it."""
        if event.y < HEADER_LINES:
            return
        row = int(self.scroll_offset.y) + event.y - HEADER_LINES
        column = self._column_at(event.x + int(self.scroll_offset.x))
        if row >= len(self.rows) or column is None:
            return
        if (row, column) == (self.cursor_row, self.cursor_column):
            self.action_select_cursor()
        else:
            self.move_cursor(row=row, column=column)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """The row under the mouse says in full what its cells cut (its tooltip)."""
        row = int(self.scroll_offset.y) + event.y - HEADER_LINES
        tip = (
            self._tip(self.rows[row]) if event.y >= HEADER_LINES and row < len(self.rows) else None
        )
        if tip != self.tooltip:
            self.tooltip = tip

    def _column_at(self, x: int) -> int | None:
        start = 0
        for index, column in enumerate(self.columns):
            start += column.width + 2 * CELL_PADDING
            if x < start:
                return index
        return None

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_LINES)

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        height = self._body_height()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False)
        # Sideways too, when a plan's many perspectives make the grid wider than the screen.
        left = sum(c.width + 2 * CELL_PADDING for c in self.columns[: self.cursor_column])
        right = left + self.columns[self.cursor_column].width + 2 * CELL_PADDING
        start, width = int(self.scroll_offset.x), self.scrollable_content_region.width
        if left < start:
            self.scroll_to(x=left, animate=False)
        elif right > start + width:
            self.scroll_to(x=right - width, animate=False)

    # Drawing ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """One line of the screen: the headings, or the row scrolled to it."""
        width = self.scrollable_content_region.width
        scroll_x = int(self.scroll_offset.x)
        base = self.rich_style
        if y < HEADER_LINES:
            style = base + self.get_component_rich_style("matrix--header")
            segments = self._segments([c.heading for c in self.columns], style, None)
        else:
            row = int(self.scroll_offset.y) + y - HEADER_LINES
            if row >= len(self.rows):
                return Strip.blank(width, base)
            style = base
            if row % 2 == 1:
                style += self.get_component_rich_style("matrix--even-row")
            key = self.rows[row]
            cells = [self._cell(key, c.key) for c in self.columns]
            cursor = self.cursor_column if row == self.cursor_row else None
            segments = self._segments(cells, style, cursor)
        strip = Strip(segments).crop(scroll_x, scroll_x + width)
        return strip.extend_cell_length(width, base)

    def _segments(self, cells: list[Text], style: Style, cursor: int | None) -> list[Segment]:
        console = self.app.console
        segments: list[Segment] = []
        pad = " " * CELL_PADDING
        for index, (column, cell) in enumerate(zip(self.columns, cells, strict=True)):
            text = cell.copy()
            text.no_wrap = True
            text.truncate(column.width, overflow="ellipsis")
            room = column.width - text.cell_len
            if text.justify == "center":
                text.pad_left(room // 2)
                text.pad_right(room - room // 2)
            elif text.justify == "right":
                text.pad_left(room)
            else:
                text.pad_right(room)
            cell_style = style
            text.stylize_before(style)
            if index == cursor:
                # Over the cell's own colours, as a DataTable's cursor is.
                cell_style = style + self.get_component_rich_style("matrix--cursor")
                text.stylize(cell_style)
            segments.append(Segment(pad, cell_style))
            segments.extend(
                segment for segment in text.render(console) if segment.text and segment.text != "\n"
            )
            segments.append(Segment(pad, cell_style))
        return segments
