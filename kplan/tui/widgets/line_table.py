"""A table that draws only the rows on the screen (Textual's line API).

Textual's DataTable keeps a row object, a cell dictionary and a measured
width for every row it holds, so filling it costs time in proportion to the
rows, shown or not: at thousands of measures a filter keystroke rebuilt them
all. This table holds only the row keys in the order shown and asks its owner
for a row's cells when that row comes into view, so a filter, a sort or a
scroll costs the same at 10,000 rows as at 22. Every column has a fixed
width; a cell longer than its column is cut with an ellipsis, and the mouse
pointer on a cut cell shows it whole in a tooltip.
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

from kplan.tui.widgets.cells import clip_cell

# How many rows' drawn cells are kept; past it the cache starts afresh.
CACHE_ROWS = 4096


@dataclass(frozen=True)
class LineColumn:
    """A column: its key, the heading drawn, and its width in terminal cells."""

    key: str
    label: str
    width: int


Cells = Callable[[str], Sequence[Text]]


def _no_cells(_key: str) -> Sequence[Text]:
    return ()


def fit(cell: Text, width: int) -> Text:
    """``cell`` cut after a whole word with an ellipsis if it is longer, padded if shorter."""
    fitted = clip_cell(cell, width) if cell.cell_len > width else cell.copy()
    fitted.truncate(width, overflow="ellipsis", pad=True)
    return fitted


class LineTable(ScrollView, can_focus=True):
    """Rows of fixed-width cells with a row cursor; only the visible rows are drawn.

    The owner gives the columns (:meth:`set_columns`) and the row keys in the
    order shown with a function that returns a row's cells (:meth:`set_rows`).
    The table posts :class:`RowHighlighted` when the cursor moves to another
    row, :class:`RowSelected` on ``enter`` or a click on the cursor's row, and
    :class:`HeaderSelected` on a click on a heading.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "key.open", show=False),
        Binding("up", "cursor_up", "tuifast.key_up", show=False),
        Binding("down", "cursor_down", "tuifast.key_down", show=False),
        Binding("pageup", "page_up", "tuifast.key_page_up", show=False),
        Binding("pagedown", "page_down", "tuifast.key_page_down", show=False),
        Binding("ctrl+home,home", "cursor_top", "tuifast.key_first", show=False),
        Binding("ctrl+end,end", "cursor_bottom", "tuifast.key_last", show=False),
        # The scrolling keys a ScrollView has, described in kplan's language.
        Binding("left", "scroll_left", "tuifast.key_left", show=False),
        Binding("right", "scroll_right", "tuifast.key_right", show=False),
        Binding("ctrl+pageup", "page_left", "tuifast.key_page_left", show=False),
        Binding("ctrl+pagedown", "page_right", "tuifast.key_page_right", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-table--header",
        "line-table--cursor",
        "line-table--hover",
        "line-table--even-row",
        "line-table--odd-row",
    }

    # The look of Textual's DataTable, so the screens keep their appearance.
    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .line-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .line-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .line-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .line-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .line-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .line-table--hover {
            background: $block-hover-background;
        }
    }
    """

    class RowHighlighted(Message):
        """The cursor moved to another row (``key`` is None when the table is empty)."""

        def __init__(self, table: LineTable, row: int, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.key = key

        @property
        def control(self) -> LineTable:
            """The table the cursor moved in."""
            return self.table

    class RowSelected(Message):
        """A row was chosen: ``enter``, or a click on the row under the cursor."""

        def __init__(self, table: LineTable, row: int, key: str) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.key = key

        @property
        def control(self) -> LineTable:
            """The table the row was chosen in."""
            return self.table

    class HeaderSelected(Message):
        """A column's heading was clicked."""

        def __init__(self, table: LineTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

        @property
        def control(self) -> LineTable:
            """The table whose heading was clicked."""
            return self.table

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        zebra_stripes: bool = True,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.zebra_stripes = zebra_stripes
        self._columns: list[LineColumn] = []
        self._keys: list[str] = []
        self._index: dict[str, int] | None = None
        self._cells: Cells = _no_cells
        self._drawn: dict[str, Strip] = {}
        self._cursor = 0
        self._hover: int | None = None
        self._line_width = 0

    # What the table holds ---------------------------------------------------------------

    @property
    def columns(self) -> dict[str, LineColumn]:
        """The columns by key, in the order shown."""
        return {column.key: column for column in self._columns}

    @property
    def keys(self) -> list[str]:
        """The row keys in the order shown (a copy)."""
        return list(self._keys)

    @property
    def row_count(self) -> int:
        """How many rows the table holds (shown or scrolled away)."""
        return len(self._keys)

    @property
    def cursor_row(self) -> int:
        """The index of the row under the cursor (0 when the table is empty)."""
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, if any."""
        return self._keys[self._cursor] if self._keys else None

    def get_row_index(self, key: str) -> int:
        """Where the row ``key`` is shown; KeyError when it is not."""
        if self._index is None:
            self._index = {row: index for index, row in enumerate(self._keys)}
        return self._index[key]

    def get_cell(self, key: str, column: str) -> Text:
        """The cell of row ``key`` in ``column``, as given (not cut to the column).

        KeyError when the table has no such column.
        """
        for position, known in enumerate(self._columns):
            if known.key == column:
                return self._cells(key)[position]
        raise KeyError(column)

    def set_columns(self, columns: Sequence[LineColumn]) -> None:
        """Use these columns; every row is drawn afresh."""
        self._columns = list(columns)
        self._drawn.clear()
        self._line_width = 1 + sum(column.width + 1 for column in self._columns)
        self._resize()

    def set_rows(self, keys: Sequence[str], cells: Cells, *, keep: str | None = None) -> None:
        """Show the rows ``keys`` in this order; ``cells(key)`` gives a row's cells.

        The cursor stays on the row ``keep`` (by default the row it is on) when
        that row is still shown. Rows drawn before are drawn again only if
        :meth:`refresh_row` says they changed or the columns change.
        """
        before = self.cursor_key
        wanted = keep if keep is not None else before
        self._keys = list(keys)
        self._index = None
        self._cells = cells
        cursor = 0
        if wanted is not None and self._keys:
            try:
                cursor = self.get_row_index(wanted)
            except KeyError:
                cursor = min(self._cursor, len(self._keys) - 1)
        self._cursor = cursor
        self._hover = None
        self._resize()
        self.refresh()
        self._scroll_to_cursor()
        if self.cursor_key != before:
            self.post_message(self.RowHighlighted(self, self._cursor, self.cursor_key))

    def refresh_row(self, key: str) -> None:
        """Row ``key``'s cells changed: draw it again if it is on the screen."""
        self._drawn.pop(key, None)
        try:
            index = self.get_row_index(key)
        except KeyError:
            return
        self._refresh_index(index)

    def clear(self) -> None:
        """Show no rows."""
        self.set_rows([], _no_cells)

    # The cursor -------------------------------------------------------------------------

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        """Put the cursor on row ``row`` (kept within the rows shown)."""
        if not self._keys:
            return
        row = max(0, min(row, len(self._keys) - 1))
        if row == self._cursor:
            if scroll:
                self._scroll_to_cursor()
            return
        old, self._cursor = self._cursor, row
        self._refresh_index(old)
        self._refresh_index(row)
        if scroll:
            self._scroll_to_cursor()
        self.post_message(self.RowHighlighted(self, row, self._keys[row]))

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_up(self) -> None:
        """One row up."""
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        """One row down."""
        self.move_cursor(row=self._cursor + 1)

    def action_page_up(self) -> None:
        """A screenful up."""
        self.move_cursor(row=self._cursor - self._page())

    def action_page_down(self) -> None:
        """A screenful down."""
        self.move_cursor(row=self._cursor + self._page())

    def action_cursor_top(self) -> None:
        """The first row."""
        self.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        """The last row."""
        self.move_cursor(row=len(self._keys) - 1)

    def action_select_cursor(self) -> None:
        """Choose the row under the cursor."""
        if self._keys:
            self.post_message(self.RowSelected(self, self._cursor, self._keys[self._cursor]))

    def _scroll_to_cursor(self) -> None:
        if not self._keys:
            return
        top = round(self.scroll_y)
        page = self._page()
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, force=True, immediate=True)
        elif self._cursor >= top + page:
            self.scroll_to(y=self._cursor - page + 1, animate=False, force=True, immediate=True)

    # Mouse ------------------------------------------------------------------------------

    def _row_at(self, y: int) -> int | None:
        # Line 0 is the heading; the rows below it scroll.
        if y < 1:
            return None
        index = round(self.scroll_y) + y - 1
        return index if 0 <= index < len(self._keys) else None

    def _column_at(self, x: int) -> LineColumn | None:
        left = 1 - round(self.scroll_x)
        for column in self._columns:
            if left <= x < left + column.width + 1:
                return column
            left += column.width + 1
        return None

    async def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x)
            if column is not None:
                self.post_message(self.HeaderSelected(self, column.key))
            return
        row = self._row_at(offset.y)
        if row is None:
            return
        event.stop()
        if row == self._cursor:
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        row = None if offset is None else self._row_at(offset.y)
        if row != self._hover:
            old, self._hover = self._hover, row
            for index in (old, row):
                if index is not None:
                    self._refresh_index(index)
        column = None if offset is None else self._column_at(offset.x)
        self.tooltip = None if row is None or column is None else self._cut(row, column)

    def on_leave(self, _event: events.Leave) -> None:
        if self._hover is not None:
            old, self._hover = self._hover, None
            self._refresh_index(old)
        self.tooltip = None

    def _cut(self, row: int, column: LineColumn) -> str | None:
        # A cell cut to its column reads whole in the tooltip.
        cell = self.get_cell(self._keys[row], column.key)
        return cell.plain if cell.cell_len > column.width else None

    # Drawing ----------------------------------------------------------------------------

    def _resize(self) -> None:
        self.virtual_size = Size(self._line_width, len(self._keys) + 1)

    def _refresh_index(self, index: int) -> None:
        # The row's line on the screen: the heading is line 0.
        y = index - round(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh_line(y + round(self.scroll_y))

    def on_focus(self, _event: events.Focus) -> None:
        self.refresh()

    def on_blur(self, _event: events.Blur) -> None:
        self.refresh()

    def _draw(self, cells: Sequence[Text]) -> Strip:
        line = Text(" ", no_wrap=True, end="")
        for column, cell in zip(self._columns, cells, strict=False):
            line.append_text(fit(cell, column.width))
            line.append(" ")
        segments = list(line.render(self.app.console))
        return Strip(segments, self._line_width)

    def _row_strip(self, key: str) -> Strip:
        strip = self._drawn.get(key)
        if strip is None:
            if len(self._drawn) >= CACHE_ROWS:
                self._drawn.clear()
            strip = self._draw(self._cells(key))
            self._drawn[key] = strip
        return strip

    def _header_strip(self) -> Strip:
        return self._draw([Text(column.label) for column in self._columns])

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the heading, or the row scrolled to that line."""
        width = self.size.width
        base = self.rich_style
        scroll_x = round(self.scroll_x)
        if y == 0:
            style = base + self.get_component_rich_style("line-table--header")
            strip = self._header_strip()
            return _finish(strip, scroll_x, width, style, None)
        index = self._row_at(y)
        if index is None:
            return Strip.blank(width, base)
        style = base
        if self.zebra_stripes:
            stripe = "line-table--odd-row" if index % 2 else "line-table--even-row"
            style = style + self.get_component_rich_style(stripe)
        over: Style | None = None
        if index == self._cursor:
            over = self.get_component_rich_style("line-table--cursor")
        elif index == self._hover:
            style = style + self.get_component_rich_style("line-table--hover")
        return _finish(self._row_strip(self._keys[index]), scroll_x, width, style, over)


def _finish(strip: Strip, scroll_x: int, width: int, style: Style, over: Style | None) -> Strip:
    # Cut to the part scrolled into view, pad to the width, then lay the row's
    # background under the cells' own colours (the cursor's over them).
    cropped = strip.crop(scroll_x, scroll_x + width).adjust_cell_length(width)
    segments = Segment.apply_style(iter(cropped), style, over)
    return Strip(segments, width)
