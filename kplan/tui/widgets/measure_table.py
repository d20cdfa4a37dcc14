"""The overview's table: one row per measure, only the rows on the screen drawn.

The title takes the width the other columns leave. Those are as narrow as
their contents: the Fyra P parts and the perspectives are glyph columns under
short headings, which :func:`legend` spells out, and the progress bar shrinks
or goes before a title is cut. A title is cut (with an ellipsis) only when it
does not fit; the tooltip and the measure's screen show it whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from kplan.core.actor import today
from kplan.domain import FOUR_P_PARTS, STATUSES, is_overdue
from kplan.i18n import t
from kplan.model import Measure, Plan
from kplan.present.fit import clip, text_width
from kplan.present.labels import status_label
from kplan.safetext import ELLIPSIS, visible
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
from kplan.tui.widgets.line_table import LineColumn, LineTable

# From this width on, each Fyra P part and each perspective has a column of its own.
WIDE = 110
# The vertical scrollbar's width, kept free whether or not it shows.
SCROLLBAR = 2
# The title never gets less than this; a narrower screen scrolls sideways.
MIN_TITLE = 12
# Progress bar widths tried, widest first, while the longest title still fits.
BARS = (10, 5)
ABBREVIATION = 3


@dataclass(frozen=True)
class Column:
    """A column: key, heading, full name, width, how to draw a cell and to sort by it."""

    key: str
    label: str
    width: int | None
    cell: Callable[[Measure], Any]
    sort: Callable[[Measure], Any]
    name: str = ""

    @property
    def title(self) -> str:
        """What the column is called in words (the heading may be an abbreviation)."""
        return self.name or self.label


def _id_key(measure: Measure) -> tuple[int, Any]:
    # Measure ids are codes like "7" or "A3": numbers sort as numbers.
    return (0, int(measure.id)) if measure.id.isdigit() else (1, measure.id)


RANK = {"not-started": 0, "ongoing": 1, "done": 2}
LEVEL = {"no": 0, "partly": 1, "yes": 2}


def _four_p_column(part: str) -> Column:
    def cell(measure: Measure) -> Text:
        return four_p_cell(measure.four_p.get(part, "not-started"))

    def sort(measure: Measure) -> int:
        return RANK[measure.four_p.get(part, "not-started")]

    name = t(f"four_p.{part}")
    return Column(f"four_p.{part}", name[:2], 2, cell, sort, name)


def abbreviations(names: Sequence[str]) -> list[str]:
    """Short headings for ``names``: the shortest prefixes of three or more that differ."""
    shown = [visible(name) for name in names]
    result = []
    for index, name in enumerate(shown):
        others = [other for i, other in enumerate(shown) if i != index]
        length = ABBREVIATION
        while length < len(name) and any(o[:length] == name[:length] for o in others):
            length += 1
        short = name[:length]
        # Names alike to the end still get headings that differ.
        if short in [o[:length] for o in others]:
            short = f"{name[: ABBREVIATION - 1]}{index + 1}"
        result.append(short)
    return result


def _perspective_column(perspective: str, short: str) -> Column:
    def cell(measure: Measure) -> Text:
        return coverage_cell(measure.perspectives.get(perspective, "no"))

    def sort(measure: Measure) -> int:
        return LEVEL[measure.perspectives.get(perspective, "no")]

    return Column(
        f"perspective.{perspective}", short, cell_len(short), cell, sort, visible(perspective)
    )


@dataclass(frozen=True)
class Extent:
    """How wide the plan's own texts are: ids, owner ids, the longest title."""

    ids: int
    owners: int
    title: int

    @classmethod
    def of(cls, plan: Plan, title: int | None = None) -> Extent:
        """The plan's widths (``title``: the longest title, if already measured)."""
        if title is None:
            title = max((cell_len(visible(m.title)) for m in plan.measures), default=0)
        return cls(
            ids=max((cell_len(visible(m.id)) for m in plan.measures), default=0),
            owners=max((cell_len(visible(o.id)) for o in plan.owners), default=0),
            title=title,
        )


def columns_for(plan: Plan, width: int, extent: Extent | None = None) -> list[Column]:
    """The columns for a screen ``width`` wide: every column but the title as narrow as it can."""
    wide = width >= WIDE
    extent = extent or Extent.of(plan)
    owners = {o.id: o.name for o in plan.owners}
    day = today()
    status_width = 2 + max(cell_len(status_label(s)) for s in STATUSES)
    others: list[Column] = [
        Column(
            "id", t("col.id"), max(2, min(8, extent.ids)), lambda m: plain(m.id, "bold"), _id_key
        ),
        Column(
            "owner",
            t("col.owner"),
            max(5, min(12 if wide else 9, extent.owners)),
            lambda m: plain(m.owner),
            lambda m: owners.get(m.owner, m.owner).casefold(),
        ),
        Column(
            "status",
            t("col.status"),
            status_width,
            lambda m: status_cell(m.status, overdue=is_overdue(m.due, m.status, day)),
            lambda m: STATUSES.index(m.status),
        ),
        # The progress column's width is settled below, once the title's need is known.
        Column("progress", t("col.progress"), 4, lambda m: m, lambda m: m.progress),
        Column(
            "steps",
            t("col.steps"),
            max(3, cell_len(t("col.steps"))),
            steps_cell,
            lambda m: (
                min((c.step for c in m.collaborations), default=0),
                max((c.step for c in m.collaborations), default=0),
            ),
        ),
    ]
    if wide:
        others += [_four_p_column(part) for part in FOUR_P_PARTS]
        shorts = abbreviations(plan.perspectives)
        others += [
            _perspective_column(p, s) for p, s in zip(plan.perspectives, shorts, strict=True)
        ]
    else:
        others.append(
            Column(
                "four_p",
                t("col.four_p_short"),
                4,
                four_p_cells,
                lambda m: sum(RANK[s] for s in m.four_p.values()),
                t("col.four_p"),
            )
        )
        others.append(
            Column(
                "perspectives",
                t("col.perspectives_short"),
                max(cell_len(t("col.perspectives_short")), len(plan.perspectives)),
                lambda m: coverage_cells(m, plan.perspectives),
                lambda m: sum(LEVEL[v] for v in m.perspectives.values()),
                t("field.perspective"),
            )
        )
    # One cell before each column and one after the last, and the scrollbar.
    taken = 1 + sum((c.width or 0) + 1 for c in others) + SCROLLBAR
    room = width - taken - 1
    bar = next((b for b in BARS if room - (b + 1) >= extent.title), 0)
    progress_width = bar + 5 if bar else 4
    title_width = max(MIN_TITLE, room - (progress_width - 4))
    title = Column(
        "title", t("col.title"), title_width, lambda m: plain(m.title), lambda m: m.title.casefold()
    )
    progress_label = t("col.progress") if bar else t("tuifast.col_progress_short")
    result = [others[0], title]
    for column in others[1:]:
        if column.key == "progress":
            column = Column(
                "progress",
                progress_label,
                progress_width,
                lambda m: progress_cell(m.progress, bar),
                column.sort,
                t("col.progress"),
            )
        result.append(column)
    return result


def _legend_groups(columns: Sequence[Column], plan: Plan) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for column in columns:
        group = column.key.partition(".")[0]
        if column.key == "four_p":
            names = " ".join(t(f"four_p.{part}") for part in FOUR_P_PARTS)
            groups[group] = [f"{column.label} {names}"]
        elif column.key == "perspectives":
            names = " ".join(visible(p) for p in plan.perspectives)
            groups[group] = [f"{column.label} {names}"]
        elif group in ("four_p", "perspective") and column.label != column.name:
            groups.setdefault(group, []).append(f"{column.label} {column.name}")
    return list(groups.values())


def legend(columns: Sequence[Column], plan: Plan) -> str:
    """What the short headings stand for, in the order of the columns.

    The Fyra P parts and the perspectives are two groups set apart with ``·``;
    within a group two spaces part one heading and its name from the next,
    which keeps the line short.
    """
    return GROUP_JOINER.join(ITEM_JOINER.join(items) for items in _legend_groups(columns, plan))


GROUP_JOINER = " · "
ITEM_JOINER = "  "


def legend_lines(columns: Sequence[Column], plan: Plan, width: int, most: int) -> list[str]:
    """:func:`legend` in at most ``most`` lines of ``width`` cells, broken between two headings.

    A heading never stands on one line and its name on the next; what does
    not fit in ``most`` lines is cut after a whole heading with an ellipsis
    (the caller shows it whole elsewhere).
    """
    lines: list[str] = []
    line = ""
    for group in _legend_groups(columns, plan):
        for index, item in enumerate(group):
            joiner = (ITEM_JOINER if index else GROUP_JOINER) if line else ""
            if line and text_width(line + joiner + item) > width:
                lines.append(line)
                line = item
            else:
                line += joiner + item
    if line:
        lines.append(line)
    fitted = [_cut_at_word(line, width) for line in lines[:most]]
    if len(lines) > most and not fitted[-1].endswith(ELLIPSIS):
        # More headings follow than the lines hold: the last line says so.
        last = fitted[-1]
        if text_width(last) + 2 <= width:
            fitted[-1] = f"{last} {ELLIPSIS}"
        else:
            cut = _cut_at_word(last, width - 1)
            fitted[-1] = cut if cut.endswith(ELLIPSIS) else cut + ELLIPSIS
    return fitted


def _cut_at_word(text: str, width: int) -> str:
    # A legend is read word by word: unlike a title it is cut between words
    # whenever there is a space to cut at, however much room that leaves.
    cut = clip(text, width)
    if not cut.endswith(ELLIPSIS) or cut == text:
        return cut
    kept = cut[: -len(ELLIPSIS)]
    if text[len(kept) : len(kept) + 1] not in (" ", "") and " " in kept:
        kept = kept[: kept.rfind(" ")].rstrip(" ·")
    return kept + ELLIPSIS


class MeasureTable(LineTable):
    """Measures of a plan, one row each (row key = measure id)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan: Plan | None = None
        self.shown: list[Measure] = []
        self.columns_now: list[Column] = []
        self.sort_key: str | None = None
        self.sort_reverse = False
        self._by_id: dict[str, Measure] = {}
        self._row_cells: dict[str, tuple[Measure, list[Any]]] = {}
        self._titles: dict[str, tuple[Measure, int]] = {}
        self._measures: list[Measure] | None = None
        self._width = 0

    def _extent(self, plan: Plan) -> Extent:
        # Measuring every title is the one pass over all the measures a layout
        # needs, so it is done once per measure object, not once per redraw.
        longest = 0
        titles = self._titles
        fresh: dict[str, tuple[Measure, int]] = {}
        for measure in plan.measures:
            known = titles.get(measure.id)
            if known is None or known[0] is not measure:
                known = (measure, cell_len(visible(measure.title)))
            fresh[measure.id] = known
            longest = max(longest, known[1])
        self._titles = fresh
        return Extent.of(plan, longest)

    def show(self, plan: Plan, measures: list[Measure], width: int) -> None:
        """Show ``measures`` (sorted as asked), keeping the cursor on the same measure."""
        # A filter or a sort keeps the plan's list of measures; a change read
        # from the store makes a new one, and only then is the plan measured again.
        if plan.measures is not self._measures or self._width != width:
            self._by_id = {m.id: m for m in plan.measures}
            extent = self._extent(plan)
            self._measures = plan.measures
            self._width = width
            columns = columns_for(plan, width, extent)
            if [(c.key, c.label, c.width) for c in columns] != [
                (c.key, c.label, c.width) for c in self.columns_now
            ]:
                self.columns_now = columns
                self._row_cells.clear()
                self.set_columns([LineColumn(c.key, c.label, c.width or 0) for c in columns])
        self.plan = plan
        self.shown = self._sorted(measures)
        self.set_rows([m.id for m in self.shown], self._cells_of)

    def _cells_of(self, key: str) -> list[Any]:
        # A changed measure arrives as a new object, so its identity is the
        # cache key: a row drawn again after a filter reuses its cells.
        measure = self._by_id[key]
        cached = self._row_cells.get(key)
        if cached is not None and cached[0] is measure:
            return cached[1]
        cells = [column.cell(measure) for column in self.columns_now]
        self._row_cells[key] = (measure, cells)
        return cells

    def _sort_column(self, key: str) -> Column | None:
        if self.plan is None:
            return None
        for width in (WIDE, WIDE - 1):
            column = next((c for c in columns_for(self.plan, width) if c.key == key), None)
            if column is not None:
                return column
        return None

    def _sorted(self, measures: list[Measure]) -> list[Measure]:
        if self.sort_key is None:
            return list(measures)
        column = next((c for c in self.columns_now if c.key == self.sort_key), None)
        column = column or self._sort_column(self.sort_key)
        if column is None:
            return list(measures)
        return sorted(measures, key=column.sort, reverse=self.sort_reverse)

    def current_measure(self) -> str | None:
        """The id of the measure under the cursor, if any."""
        return self.cursor_key

    def move_to(self, measure: str) -> None:
        """Put the cursor on a measure's row, if it is shown."""
        try:
            self.move_cursor(row=self.get_row_index(measure))
        except KeyError:
            return

    def refresh_measure(self, measure: Measure) -> None:
        """Redraw one measure's row in place."""
        self.shown = [measure if m.id == measure.id else m for m in self.shown]
        if measure.id in self._by_id:
            self._by_id[measure.id] = measure
        self.refresh_row(measure.id)

    def sort_by(self, key: str, reverse: bool = False) -> None:
        """Sort by a column: the rows shown now are reordered, nothing else is read."""
        self.sort_key = key
        self.sort_reverse = reverse
        column = next((c for c in self.columns_now if c.key == key), None)
        if column is None or not self.shown:
            return
        self.shown = sorted(self.shown, key=column.sort, reverse=reverse)
        self.set_rows([m.id for m in self.shown], self._cells_of)
