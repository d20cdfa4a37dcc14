"""The overview's table: one row per measure, built once and updated in place."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from kplan.core.actor import today
from kplan.domain import FOUR_P_PARTS, STATUSES, is_overdue
from kplan.i18n import t
from kplan.model import Measure, Plan
from kplan.safetext import visible
from kplan.tui.widgets.cells import (
    coverage_cell,
    coverage_cells,
    four_p_cell,
    four_p_cells,
    plain,
    progress_cell,
    status_cell,
    steps_cell,
)

WIDE = 110


@dataclass(frozen=True)
class Column:
    """A column: its key, heading, width, how to draw a cell and how to sort by it."""

    key: str
    label: str
    width: int | None
    cell: Callable[[Measure], Any]
    sort: Callable[[Measure], Any]


def _id_key(measure: Measure) -> tuple[int, Any]:
    # Measure ids are codes like "7" or "A3": numbers sort as numbers.
    return (0, int(measure.id)) if measure.id.isdigit() else (1, measure.id)


def _four_p_column(part: str, rank: dict[str, int]) -> Column:
    def cell(measure: Measure) -> Text:
        return four_p_cell(measure.four_p.get(part, "not-started"))

    def sort(measure: Measure) -> int:
        return rank[measure.four_p.get(part, "not-started")]

    return Column(f"four_p.{part}", t(f"four_p.{part}")[:2], 2, cell, sort)


def _perspective_column(perspective: str, level: dict[str, int]) -> Column:
    def cell(measure: Measure) -> Text:
        return coverage_cell(measure.perspectives.get(perspective, "no"))

    def sort(measure: Measure) -> int:
        return level[measure.perspectives.get(perspective, "no")]

    label = visible(perspective)[:9]
    width = max(3, min(9, len(label)))
    return Column(f"perspective.{perspective}", label, width, cell, sort)


def columns_for(plan: Plan, width: int) -> list[Column]:
    """The columns that fit ``width``: separate Fyra P and perspective cells when wide."""
    wide = width >= WIDE
    owners = {o.id: o.name for o in plan.owners}
    day = today()
    progress_width = 10 if wide else 0
    fixed = [
        Column("id", t("col.id"), 4, lambda m: plain(m.id, "bold"), _id_key),
        Column(
            "title", t("col.title"), None, lambda m: plain(m.title), lambda m: m.title.casefold()
        ),
        Column(
            "owner",
            t("col.owner"),
            12 if wide else 9,
            lambda m: plain(m.owner),
            lambda m: owners.get(m.owner, m.owner).casefold(),
        ),
        Column(
            "status",
            t("col.status"),
            13,
            lambda m: status_cell(m.status, overdue=is_overdue(m.due, m.status, day)),
            lambda m: STATUSES.index(m.status),
        ),
        Column(
            "progress",
            t("col.progress"),
            progress_width + 5 if wide else 4,
            lambda m: progress_cell(m.progress, progress_width),
            lambda m: m.progress,
        ),
        Column(
            "steps",
            t("col.steps"),
            5,
            steps_cell,
            lambda m: (
                min((c.step for c in m.collaborations), default=0),
                max((c.step for c in m.collaborations), default=0),
            ),
        ),
    ]
    rank = {"not-started": 0, "ongoing": 1, "done": 2}
    level = {"no": 0, "partly": 1, "yes": 2}
    if wide:
        fixed += [_four_p_column(part, rank) for part in FOUR_P_PARTS]
        fixed += [_perspective_column(p, level) for p in plan.perspectives]
    else:
        fixed.append(
            Column(
                "four_p",
                t("col.four_p_short"),
                4,
                four_p_cells,
                lambda m: sum(rank[s] for s in m.four_p.values()),
            )
        )
        fixed.append(
            Column(
                "perspectives",
                t("col.perspectives_short"),
                max(4, len(plan.perspectives)),
                lambda m: coverage_cells(m, plan.perspectives),
                lambda m: sum(level[v] for v in m.perspectives.values()),
            )
        )
    taken = sum(c.width or 0 for c in fixed) + 2 * len(fixed) + 2
    title_width = max(12, width - taken)
    return [
        Column(c.key, c.label, title_width, c.cell, c.sort) if c.key == "title" else c
        for c in fixed
    ]


class MeasureTable(DataTable[Any]):
    """Measures of a plan, one row each (row key = measure id)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.plan: Plan | None = None
        self.shown: list[Measure] = []
        self.columns_now: list[Column] = []
        self.sort_key: str | None = None
        self.sort_reverse = False
        self._cells: dict[str, tuple[Measure, list[Any]]] = {}

    def _update_dimensions(self, new_rows: Any) -> None:
        # Every column has a fixed width and every row one line, so measuring
        # each new cell (what DataTable does after a fill) learns nothing and
        # costs most of a refill on a large plan. The table has no row labels
        # and one line per row, so its size follows from public numbers alone.
        # (Textual offers no public hook to skip the measuring: this override is
        # the one private seam left, guarded by tests/tui/test_layout.py.)
        if self.columns and all(not column.auto_width for column in self.columns.values()):
            width = sum(column.get_render_width(self) for column in self.columns.values())
            header = self.header_height if self.show_header else 0
            self.virtual_size = Size(width, self.row_count + header)
            return
        super()._update_dimensions(new_rows)

    def show(self, plan: Plan, measures: list[Measure], width: int) -> None:
        """Fill the table with ``measures``, keeping the cursor on the same measure."""
        current = self.current_measure()
        self.plan = plan
        self.shown = self._sorted(measures)
        columns = columns_for(plan, width)
        if [c.key for c in columns] != [c.key for c in self.columns_now] or [
            c.width for c in columns
        ] != [c.width for c in self.columns_now]:
            self.clear(columns=True)
            for column in columns:
                self.add_column(Text(column.label), width=column.width, key=column.key)
            self.columns_now = columns
            self._cells.clear()
        else:
            self.clear()
        for measure in self.shown:
            self.add_row(*self._cells_of(measure), key=measure.id)
        if current is not None:
            self.move_to(current)

    def _cells_of(self, measure: Measure) -> list[Any]:
        # A changed measure arrives as a new object, so its identity is the
        # cache key: refilling after a filter reuses every unchanged row's cells.
        cached = self._cells.get(measure.id)
        if cached is not None and cached[0] is measure:
            return cached[1]
        cells = [column.cell(measure) for column in self.columns_now]
        self._cells[measure.id] = (measure, cells)
        return cells

    def _sorted(self, measures: list[Measure]) -> list[Measure]:
        if self.sort_key is None or self.plan is None:
            return list(measures)
        column = next((c for c in columns_for(self.plan, 200) if c.key == self.sort_key), None)
        if column is None:
            column = next((c for c in self.columns_now if c.key == self.sort_key), None)
        if column is None:
            return list(measures)
        return sorted(measures, key=column.sort, reverse=self.sort_reverse)

    def current_measure(self) -> str | None:
        """The id of the measure under the cursor, if any."""
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return str(key.value) if key.value is not None else None

    def move_to(self, measure: str) -> None:
        """Put the cursor on a measure's row, if it is shown."""
        with contextlib.suppress(KeyError, RowDoesNotExist):
            self.move_cursor(row=self.get_row_index(measure))

    def refresh_measure(self, measure: Measure) -> None:
        """Redraw one measure's row in place."""
        self.shown = [measure if m.id == measure.id else m for m in self.shown]
        # A measure filtered out of view has no row to redraw.
        with contextlib.suppress(CellDoesNotExist, KeyError):
            for column, cell in zip(self.columns_now, self._cells_of(measure), strict=True):
                self.update_cell(measure.id, column.key, cell)

    def sort_by(self, key: str, reverse: bool = False) -> None:
        """Sort by a column: the rows shown now are reordered in place, not rebuilt."""
        self.sort_key = key
        self.sort_reverse = reverse
        column = next((c for c in self.columns_now if c.key == key), None)
        if column is None or not self.row_count:
            return
        self.shown = sorted(self.shown, key=column.sort, reverse=reverse)
        rank = {measure.id: index for index, measure in enumerate(self.shown)}
        self.sort("id", key=lambda cell: rank[str(cell)])
