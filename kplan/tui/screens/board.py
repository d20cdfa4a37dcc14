"""The ladder board: every collaboration of the plan, one column per step of its ladder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Click, Resize
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from kplan.core.changes import Change
from kplan.errors import KplanError
from kplan.i18n import t
from kplan.model import Collaboration, Measure, Plan
from kplan.safetext import visible
from kplan.tui.dialogs.note import NoteDialog
from kplan.tui.messages import MeasuresChanged, PlanLoaded
from kplan.tui.screens.base import KplanScreen
from kplan.tui.widgets.cells import clip_cell, plain

MIN_COLUMN = 20
# A step list's border and padding on either side of its cards.
LIST_GUTTER = 4
MAX_QUESTION_LINES = 4


@dataclass(frozen=True)
class Card:
    """A collaboration on the board, with the measure it belongs to."""

    collaboration: Collaboration
    measure: Measure


def ladder_step(plan: Plan, step: int) -> str:
    """A step as number and label, e.g. ``2 Samsyn``."""
    label = visible(plan.ladder[step - 1]) if 1 <= step <= len(plan.ladder) else ""
    return f"{step} {label}".strip()


def cards_by_step(plan: Plan) -> dict[int, list[Card]]:
    """The plan's collaborations per ladder step, in plan order."""
    steps = len(plan.ladder)
    columns: dict[int, list[Card]] = {step: [] for step in range(1, steps + 1)}
    for measure in plan.measures:
        for collaboration in measure.collaborations:
            # A step outside the ladder (a shortened ladder) still shows, at the nearest end.
            step = min(max(collaboration.step, 1), steps)
            columns[step].append(Card(collaboration, measure))
    return columns


class StepList(OptionList):
    """One step's collaborations; each option's id is a collaboration id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "key.open_measure"),
    ]

    def __init__(self, step: int) -> None:
        super().__init__(classes="board-list")
        self.step = step

    @property
    def current(self) -> str | None:
        """The id of the highlighted collaboration, if any."""
        option = self.highlighted_option
        if option is None or option.disabled:
            return None
        return option.id

    @property
    def card_count(self) -> int:
        """How many collaborations the list holds (the empty marker is not one)."""
        return sum(1 for option in self.options if not option.disabled)

    async def on_click(self, event: Click) -> None:
        """A click highlights a card; a click on the highlighted card opens its measure."""
        clicked = event.style.meta.get("option")
        if isinstance(clicked, int) and clicked != self.highlighted:
            # The option list would open the measure on the first click; a board
            # is clicked to pick a card before moving it with the keys.
            event.prevent_default()
            if not self.options[clicked].disabled:
                self.highlighted = clicked


class StepColumn(Vertical):
    """A ladder step: number, label, question and count above its collaborations."""

    def __init__(self, step: int) -> None:
        super().__init__(classes="board-column")
        self.step = step

    def compose(self) -> ComposeResult:
        """The heading and the list."""
        yield Static(classes="board-heading", markup=False)
        yield StepList(self.step)


class BoardScreen(KplanScreen[None]):
    """The collaborations on the ladder, and the keys to move them up or down."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "key.back"),
        Binding("left", "column(-1)", "key.previous_step", show=False),
        Binding("right", "column(1)", "key.next_step", show=False),
        Binding(
            "right_square_bracket,plus,shift+right",
            "move(1)",
            "key.step_up",
            key_display="]",
        ),
        Binding(
            "left_square_bracket,minus,shift+left",
            "move(-1)",
            "key.step_down",
            key_display="[",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.selected: str | None = None
        self.cards: dict[str, Card] = {}
        self.density = 0
        self.heading_height = 3
        self.card_width = MIN_COLUMN - LIST_GUTTER

    def compose(self) -> ComposeResult:
        """Header, the columns (built when the plan is known), footer."""
        yield Header(icon="▤")
        yield Static(t("tui.loading"), id="board-note", markup=False)
        # Not a HorizontalScroll: its left/right keys would scroll instead of changing step.
        yield Horizontal(id="board")
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        """Draw the board if the plan is already there."""
        self.title = t("palette.board")
        await self.redraw()

    async def on_plan_loaded(self, _message: PlanLoaded) -> None:
        """A fresh plan (perhaps another ladder): draw it all."""
        await self.redraw()

    async def on_measures_changed(self, _message: MeasuresChanged) -> None:
        """Collaborations may have moved: draw again, keeping the selection."""
        await self.redraw()

    def _lists(self) -> list[StepList]:
        return list(self.query(StepList))

    def _focused_list(self) -> StepList | None:
        focused = self.focused
        return focused if isinstance(focused, StepList) else None

    async def redraw(self) -> None:
        """Fill every column from the plan, keeping the highlighted collaboration."""
        plan = self.kplan.plan
        if plan is None:
            return
        focused = self._focused_list()
        wanted = (focused.current if focused else None) or self.selected
        old_step = focused.step if focused else 1
        old_row = (focused.highlighted or 0) if focused else 0

        board = self.query_one("#board", Horizontal)
        if len(self._lists()) != len(plan.ladder):
            # The ladder has its own length per plan: the columns follow it.
            await board.remove_children()
            await board.mount_all(StepColumn(step) for step in range(1, len(plan.ladder) + 1))

        self._fit_columns()
        columns = cards_by_step(plan)
        self.density = self._density(columns)
        self.card_width = self._card_width(columns, self.density)
        self.cards = {card.collaboration.id: card for cards in columns.values() for card in cards}
        owners = {owner.id: owner.name for owner in plan.owners}
        organisations = {o.id: o.name for o in plan.organisations}
        for column in self.query(StepColumn):
            cards = columns[column.step]
            column.query_one(".board-heading", Static).update(
                self._heading(plan, column.step, len(cards))
            )
            step_list = column.query_one(StepList)
            step_list.clear_options()
            if cards:
                options: list[Option | None] = []
                for card in cards:
                    options.append(self._option(card, owners, organisations))
                    if self.density:
                        options.append(None)
                step_list.add_options(options)
            else:
                step_list.add_option(Option(Text(t("board.empty"), style="italic"), disabled=True))

        note = self.query_one("#board-note", Static)
        note.update(t("board.no_collaborations"))
        note.display = not self.cards
        self._restore(wanted, old_step, old_row)

    def _density(self, columns: dict[int, list[Card]]) -> int:
        """How much each card shows: 0 two lines, 1 a rule below too, 2 also the actors.

        The most that lets the fullest column fit without scrolling.
        """
        tallest = max((len(cards) for cards in columns.values()), default=0)
        # Header, footer, the column's heading and the list's border take the rest.
        room = self.size.height - 4 - self.heading_height
        if tallest * 4 <= room:
            return 2
        return 1 if tallest * 3 <= room else 0

    def _card_width(self, columns: dict[int, list[Card]], density: int) -> int:
        """The cells a card's line has: its column's width less the list's gutter and scrollbar."""
        steps = max(len(columns), 1)
        width = self.size.width or 80
        column = width // steps if steps * MIN_COLUMN <= width else MIN_COLUMN
        room = self.size.height - 4 - self.heading_height
        lines = (2, 3, 4)[density]
        tallest = max((len(cards) for cards in columns.values()), default=0)
        # Only a list that scrolls shows its scrollbar.
        scrollbar = 2 if tallest * lines > room else 0
        return max(column - LIST_GUTTER - scrollbar, 4)

    def _fit_columns(self) -> None:
        """Share the width when every step fits, else scroll sideways; fit the questions."""
        steps = list(self.query(StepColumn))
        plan = self.kplan.plan
        if not steps or plan is None:
            return
        width = self.size.width or 80
        fits = len(steps) * MIN_COLUMN <= width
        for column in steps:
            # A fraction inside a scrolling container grows with the content, so a
            # long ladder gets fixed widths instead.
            column.styles.width = "1fr" if fits else MIN_COLUMN
        # Every heading gets the height of the longest question, so the lists line up.
        inner = (width // len(steps) if fits else MIN_COLUMN) - 2
        lines = max(
            (len(plain(q).wrap(self.app.console, max(inner, 1))) for q in plan.ladder_questions),
            default=0,
        )
        self.heading_height = 1 + min(lines, MAX_QUESTION_LINES)
        for heading in self.query(".board-heading"):
            heading.styles.height = self.heading_height

    async def on_resize(self, _event: Resize) -> None:
        """Columns share the width; cards show more or less with the room there is."""
        self._fit_columns()
        plan = self.kplan.plan
        if plan is None:
            return
        columns = cards_by_step(plan)
        density = self._density(columns)
        if density != self.density or self._card_width(columns, density) != self.card_width:
            await self.redraw()

    def _heading(self, plan: Plan, step: int, count: int) -> Text:
        text = Text(ladder_step(plan, step), style="bold")
        text.append(f" ({count})", style="bold")
        question = plan.ladder_questions[step - 1] if step <= len(plan.ladder_questions) else ""
        if question:
            text.append("\n" + visible(question), style="italic")
        return text

    def _option(self, card: Card, owners: dict[str, str], organisations: dict[str, str]) -> Option:
        collaboration, measure = card.collaboration, card.measure
        text = plain(collaboration.id, "bold")
        text.append(f" {visible(collaboration.name)}")
        owner = owners.get(measure.owner, measure.owner)
        mine = measure.owner == self.kplan.actor
        text.append("\n")
        text.append(
            t("board.card_meta", measure=measure.id, owner=owner),
            style="bold" if mine else "dim",
        )
        if self.density == 2 and collaboration.actors:
            actors = visible(", ".join(organisations.get(a, a) for a in collaboration.actors))
            text.append(f"\n{t('col.actors')}: {actors}", style="dim italic")
        # Cut after a whole word: the measure screen shows the name whole.
        return Option(clip_cell(text, self.card_width), id=collaboration.id)

    def _restore(self, wanted: str | None, old_step: int, old_row: int) -> None:
        """Highlight ``wanted`` wherever it now stands, else stay near where we were."""
        lists = self._lists()
        if not lists:
            return
        for step_list in lists:
            if wanted is not None and wanted in self._ids(step_list):
                self._select(step_list, step_list.get_option_index(wanted))
                return
        index = min(max(old_step, 1), len(lists)) - 1
        target = next(
            (
                lists[i]
                for i in sorted(range(len(lists)), key=lambda i: abs(i - index))
                if lists[i].card_count
            ),
            lists[index],
        )
        self._select(target, min(old_row, max(target.card_count - 1, 0)))

    @staticmethod
    def _ids(step_list: StepList) -> set[str]:
        return {option.id for option in step_list.options if option.id is not None}

    def _select(self, step_list: StepList, row: int) -> None:
        if step_list.card_count:
            step_list.highlighted = row
            self.selected = step_list.current
        step_list.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Lists redrawn in the background highlight their first card too; only the
        # focused list speaks for the selection.
        if event.option_list.has_focus and event.option.id is not None:
            self.selected = event.option.id

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        card = self.cards.get(event.option.id or "")
        if card is not None:
            self.kplan.open_measure(card.measure.id)

    def action_column(self, delta: int) -> None:
        """Go to the next step to the left or right that has collaborations."""
        lists = self._lists()
        focused = self._focused_list()
        if not lists or focused is None:
            return
        index = lists.index(focused)
        row = focused.highlighted or 0
        position = index + delta
        while 0 <= position < len(lists):
            candidate = lists[position]
            if candidate.card_count:
                self._select(candidate, min(row, candidate.card_count - 1))
                return
            position += delta

    def action_move(self, delta: int) -> None:
        """Ask for a note, then move the highlighted collaboration one step."""
        plan = self.kplan.plan
        focused = self._focused_list()
        card = self.cards.get(focused.current or "") if focused else None
        if plan is None or card is None:
            self.notify(t("board.nothing_selected"), severity="warning")
            return
        collaboration = card.collaboration
        current = min(max(collaboration.step, 1), len(plan.ladder))
        target = current + delta
        where = ladder_step(plan, current)
        if target > len(plan.ladder):
            self.notify(t("board.at_top", collaboration=collaboration.id, step=where))
            return
        if target < 1:
            self.notify(t("board.at_bottom", collaboration=collaboration.id, step=where))
            return
        question = t(
            "board.move_question",
            collaboration=collaboration.id,
            old=where,
            new=ladder_step(plan, target),
        )

        def answered(note: str | None) -> None:
            # Cancelling the dialog writes nothing.
            if note is not None:
                self.save_step(collaboration.id, target, note or None, collaboration.version)

        self.app.push_screen(NoteDialog(question), answered)

    @work(thread=True, group="board-save")
    def save_step(self, key: str, step: int, note: str | None, version: int | None = None) -> None:
        """Write the move through the core, off the event loop.

        ``version`` is the collaboration's version the person saw when moving it.
        """

        try:
            change = Change("collaboration", key, "step", step, note, version)
            result = self.kplan.save([change])
        except KplanError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error")
            return
        self.app.call_from_thread(self._saved, key, step, bool(result.changes))

    def _saved(self, key: str, step: int, changed: bool) -> None:
        plan = self.kplan.plan
        where = ladder_step(plan, step) if plan is not None else str(step)
        self.selected = key
        if changed:
            self.notify(t("board.moved", collaboration=key, step=where))
        else:
            self.notify(t("board.unchanged", collaboration=key, step=where), severity="warning")

    def action_back(self) -> None:
        """Back to where the board was opened from."""
        self.app.pop_screen()
