"""The event log: who changed what and when, newest first, with a filter.

Only the rows on the screen are drawn (:class:`~kplan.tui.widgets.line_table.LineTable`):
a row's cells are made when it first scrolls into view, so a filter costs the
matching alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.widgets import Footer, Header, Input, Static

from kplan.errors import KplanError
from kplan.i18n import t
from kplan.model import Plan
from kplan.moments import local_text
from kplan.present.labels import PlanNames, event_change
from kplan.safetext import BLOCK_LIMIT, visible
from kplan.tui.messages import MeasuresChanged, PlanLoaded, RoundsChanged
from kplan.tui.screens.base import KplanScreen
from kplan.tui.widgets.cells import plain
from kplan.tui.widgets.line_table import LineColumn, LineTable
from kplan.tui.widgets.measure_table import SCROLLBAR

LIMIT = 500
# Filter words, in English and Swedish alike, whatever the language shown.
MEASURE_WORDS = frozenset({"measure", "m", "åtgärd", "atgard"})
ACTOR_WORDS = frozenset({"actor", "who", "vem"})
WIDE = 110


def event_when(event: dict[str, Any]) -> str:
    """The event's time in the plan's zone, the zone named (the log stores UTC)."""
    return local_text(str(event["at"]))


def event_target(event: dict[str, Any]) -> str:
    """What the event is about: measure, and collaboration or indicator."""
    parts = [str(event[k]) for k in ("measure", "collaboration", "indicator") if event.get(k)]
    return " / ".join(parts)


def plan_names(plan: Plan | None) -> PlanNames:
    """The names of the plan shown (none before it is loaded)."""
    return PlanNames.of(plan)


@dataclass
class LogFilter:
    """What the filter bar asks for: measures, actors and free words (all must match)."""

    measures: set[str] = field(default_factory=set)
    actors: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    def matches(self, event: dict[str, Any], names: PlanNames | None = None) -> bool:
        """Whether the event passes: any named measure, any named actor, every word.

        A word is looked for in the change as shown (in words) and in its
        field's name as the log keeps it, so ``four_p`` finds Fyra P changes too.
        """
        if self.measures and str(event.get("measure") or "").casefold() not in self.measures:
            return False
        actor = str(event.get("actor") or "").casefold()
        if self.actors and not any(wanted in actor for wanted in self.actors):
            return False
        if self.words:
            haystack = " ".join(
                [
                    event_when(event),
                    actor,
                    event_target(event),
                    str(event.get("field") or ""),
                    event_change(event, names),
                    str(event.get("note") or ""),
                ]
            ).casefold()
            return all(word in haystack for word in self.words)
        return True


def parse_log_filter(expression: str) -> LogFilter:
    """Read ``measure:7 actor:lead1 words`` (or ``åtgärd:7 vem:lead1``) into a filter."""
    wanted = LogFilter()
    for token in expression.casefold().split():
        name, colon, value = token.partition(":")
        if colon and value and name in MEASURE_WORDS:
            wanted.measures.add(value)
        elif colon and value and name in ACTOR_WORDS:
            wanted.actors.append(value)
        else:
            wanted.words.append(token)
    return wanted


@dataclass(frozen=True)
class LogColumn:
    """A column of the log table: key, heading and width (None: whatever is left)."""

    key: str
    label: str
    width: int | None


def log_columns(width: int) -> list[LogColumn]:
    """The columns that fit: on a narrow screen the note is left to the line below.

    The last column (the note, or on a narrow screen the change) takes what
    the others leave.
    """
    wide = width >= WIDE
    columns = [
        # "2016-03-01 13:00 CEST": the time and its zone's name (kplan.moments).
        LogColumn("when", t("col.when"), 21),
        LogColumn("actor", t("col.actor"), 12 if wide else 9),
        LogColumn("target", t("col.measure"), 16 if wide else 10),
        LogColumn("change", t("words.col_change"), 44 if wide else None),
    ]
    if wide:
        columns.append(LogColumn("note", t("col.note"), None))
    # One cell before every column and after the last, and the scrollbar's width.
    taken = 1 + sum((c.width or 0) + 1 for c in columns) + SCROLLBAR
    return [
        LogColumn(c.key, c.label, max(12, width - taken)) if c.width is None else c for c in columns
    ]


def _cell(value: str) -> Text:
    # Cut long values with an ellipsis; the line below the table shows them
    # whole (up to what a screen can hold).
    return plain(value, no_wrap=True, overflow="ellipsis")


class LogTable(LineTable):
    """Events, one row each (row key = event id); ``enter`` opens the event's measure."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "key.open_measure"),
    ]


class LogScreen(KplanScreen[None]):
    """The plan's event log, newest first, filtered by measure, actor or any word."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "key.back"),
        Binding("slash", "filter", "key.filter", key_display="/"),
    ]

    AUTO_FOCUS = "#log"

    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] | None = None
        self.shown: list[dict[str, Any]] = []
        self.columns: list[LogColumn] = []
        self.expression = ""
        self._by_id: dict[str, dict[str, Any]] = {}
        self._row_cells: dict[str, list[Text]] = {}
        self._names: PlanNames | None = None
        self._names_of: tuple[object, object] | None = None

    def compose(self) -> ComposeResult:
        """Header, filter, count, the log, the highlighted event in full, footer."""
        yield Header(icon="▤")
        yield Input(placeholder=t("log_view.placeholder"), id="log-filter")
        yield Static(t("log_view.loading"), id="log-shown", markup=False)
        yield LogTable(id="log")
        yield Static("", id="log-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Read the log."""
        self.title = t("palette.log")
        self.load()

    def on_plan_loaded(self, _message: PlanLoaded) -> None:
        """The plan changed: read the log again."""
        self.load()

    def on_measures_changed(self, _message: MeasuresChanged) -> None:
        """Measures changed, so there are new events: read the log again."""
        self.load()

    def on_rounds_changed(self, _message: RoundsChanged) -> None:
        """Rounds are logged too: read the log again."""
        self.load()

    def on_resize(self, _event: Resize) -> None:
        """Column widths follow the screen."""
        if self.events is not None and log_columns(self.size.width) != self.columns:
            self.redraw()

    @work(thread=True, exclusive=True, group="log")
    def load(self) -> None:
        """Read the newest events off the event loop."""
        try:
            events = self.workspace.events(limit=LIMIT)
        except KplanError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error")
            return
        self.app.call_from_thread(self._loaded, events)

    def _loaded(self, events: list[dict[str, Any]]) -> None:
        self.events = events
        self._by_id = {str(event["id"]): event for event in events}
        self._row_cells.clear()
        self.redraw()

    def redraw(self) -> None:
        """Filter the events and fill the table, keeping the cursor on the same event."""
        if self.events is None:
            return
        table = self.query_one(LogTable)
        names = self._plan_names()
        columns = log_columns(self.size.width or 80)
        if columns != self.columns:
            self.columns = columns
            self._row_cells.clear()
            table.set_columns([LineColumn(c.key, c.label, c.width or 0) for c in columns])
        wanted = parse_log_filter(self.expression)
        self.shown = [event for event in self.events if wanted.matches(event, names)]
        table.set_rows([str(event["id"]) for event in self.shown], self._cells_of)
        if not self.events:
            count = t("log.none")
        elif len(self.events) >= LIMIT:
            count = t("log_view.shown_newest", shown=len(self.shown), total=len(self.events))
        else:
            count = t("log_view.shown", shown=len(self.shown), total=len(self.events))
        self.query_one("#log-shown", Static).update(count)
        self._show_detail()

    def _plan_names(self) -> PlanNames:
        # Naming reads every measure of the plan, so it is done again only when
        # the plan or its measures change, not on every keystroke in the filter.
        plan = self.kplan.plan
        seen = (plan, None if plan is None else plan.measures)
        if (
            self._names is None
            or self._names_of is None
            or any(a is not b for a, b in zip(seen, self._names_of, strict=True))
        ):
            self._names = plan_names(plan)
            self._names_of = seen
            self._row_cells.clear()
        return self._names

    def _cells_of(self, key: str) -> list[Text]:
        # Made when the row first comes into view, and kept until the log is read again.
        cells = self._row_cells.get(key)
        if cells is None:
            event = self._by_id[key]
            values = {
                "when": event_when(event),
                "actor": str(event["actor"]),
                "target": event_target(event),
                "change": event_change(event, self._names),
                "note": str(event.get("note") or ""),
            }
            cells = [_cell(values[column.key]) for column in self.columns]
            self._row_cells[key] = cells
        return cells

    def _current_id(self) -> str | None:
        return self.query_one(LogTable).cursor_key

    def _current_event(self) -> dict[str, Any] | None:
        current = self._current_id()
        return None if current is None else self._by_id.get(current)

    @on(LineTable.RowHighlighted, "#log")
    def _row_highlighted(self, _event: LineTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted event in full: a truncated change or note reads here."""
        event = self._current_event()
        text = Text()
        if event is not None:
            text.append(t("log_view.when", when=event_when(event)) + "  ", style="dim")
            text.append(f"{visible(event['actor'])}  ", style="bold")
            target = visible(event_target(event))
            text.append(f"{target} · " if target else "")
            text.append(visible(event_change(event, self._plan_names())))
            if event.get("note"):
                text.append(f"\n{t('col.note')}: ", style="bold")
                # The note's own lines, indented under it.
                note = visible(event["note"], limit=BLOCK_LIMIT, continuation="  ")
                text.append(note, style="italic")
        self.query_one("#log-detail", Static).update(text)

    @on(LineTable.RowSelected, "#log")
    def _open(self, _event: LineTable.RowSelected) -> None:
        event = self._current_event()
        plan = self.kplan.plan
        if event is None or plan is None:
            return
        measure = event.get("measure")
        if not measure:
            self.notify(t("log_view.no_measure"), severity="warning")
        elif not isinstance(measure, str) or plan.measure(measure) is None:
            self.notify(t("tui.measure_gone", measure=measure), severity="warning")
        else:
            self.kplan.open_measure(str(measure))

    @on(Input.Changed, "#log-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.expression = event.value.strip()
        self.redraw()

    @on(Input.Submitted, "#log-filter")
    def _filter_done(self, _event: Input.Submitted) -> None:
        self.query_one(LogTable).focus()

    def action_filter(self) -> None:
        """Type into the filter."""
        self.query_one("#log-filter", Input).focus()

    def action_back(self) -> None:
        """From the filter back to the log; from the log back to where it was opened."""
        if self.focused is self.query_one("#log-filter", Input):
            self.query_one(LogTable).focus()
            return
        self.app.pop_screen()
