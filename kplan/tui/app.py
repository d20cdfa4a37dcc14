"""The kplan TUI application: loads the plan, keeps it fresh, and hosts the screens."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from kplan.core.actor import today
from kplan.core.people import stranger_among, stranger_warning
from kplan.core.workspace import Refresh, Workspace
from kplan.errors import KplanError
from kplan.i18n import t
from kplan.model import Plan
from kplan.present import output
from kplan.safetext import visible, visible_lines
from kplan.tui.messages import MeasuresChanged, PlanLoaded, RoundsChanged
from kplan.tui.screens.board import BoardScreen
from kplan.tui.screens.log import LogScreen
from kplan.tui.screens.matrix import MatrixScreen
from kplan.tui.screens.measure import MeasureScreen
from kplan.tui.screens.overview import OverviewScreen
from kplan.tui.screens.rounds import RoundsScreen

if TYPE_CHECKING:
    from kplan.core.changes import Change, ChangeResult
    from kplan.core.structure import Edit

Result = TypeVar("Result")


def _keep_out_of_collections(*, first: bool) -> None:
    """Leave the plan, which lives as long as the app shows it, out of the cycle collector's walks.

    A plan of 10,000 measures is some hundreds of thousands of objects; each
    full collection walked them all, some 50 ms at whatever keystroke it fell
    on. They go to the permanent generation instead. A plan read again
    replaces the one before: that one is let back and collected first, once.
    """
    if not first:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


class KplanApp(App[None]):
    """The process owner's workplace: overview, measure, board, matrix, log and rounds."""

    CSS_PATH = "kplan.tcss"
    TITLE = "kplan"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "toggle_help", "key.help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "key.theme", show=False),
    ]

    def __init__(
        self,
        workspace: Workspace,
        *,
        poll_interval: float = 1.0,
        live: bool = True,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.plan: Plan | None = None
        self.poll_interval = poll_interval
        self.live = live
        self.error: str | None = None

    @property
    def actor(self) -> str:
        """Who is acting: the name events are logged under."""
        return self.workspace.actor

    def on_mount(self) -> None:
        """Show the overview at once and fill it when the plan arrives."""
        self.title = "kplan"
        self.push_screen(OverviewScreen())
        self.load_plan()

    @work(thread=True, exclusive=True, group="load")
    def load_plan(self) -> None:
        """Read the plan off the event loop."""
        try:
            # The clock (KPLAN_NOW) judges what is overdue on every screen: a
            # wrong one is said once, here, as the command line says it.
            today()
            plan = self.workspace.load()
        except KplanError as error:
            self.call_from_thread(self.fail, error.message)
            return
        self.call_from_thread(self._plan_arrived, plan)

    def on_unmount(self) -> None:
        """Let the plan's objects back to the collector: the app that held them is done."""
        gc.unfreeze()

    def fail(self, message: str) -> None:
        """Leave with a message: the TUI cannot work without its plan."""
        self.error = message
        self.exit(message=message, return_code=1)

    def _plan_arrived(self, plan: Plan) -> None:
        if self.plan is None:
            # Said once, at start: someone who is not a person of the plan
            # (a mistyped --as) would otherwise only see that they own nothing.
            found = stranger_among(self.actor, plan.id, [owner.id for owner in plan.owners])
            if found is not None:
                self.notify(stranger_warning(found), severity="warning", timeout=15)
        self.plan = plan
        _keep_out_of_collections(first=True)
        self.sub_title = f"{visible(plan.title)} · {visible(self.actor)}"
        self._broadcast(PlanLoaded(plan))
        if self.live:
            self.set_interval(self.poll_interval, self.poll_store, name="poll")

    def poll_store(self) -> None:
        """Ask the store, off the event loop, whether anything changed."""
        self._poll()

    @work(thread=True, exclusive=True, group="poll")
    def _poll(self) -> None:
        try:
            refresh = self.workspace.poll()
        except KplanError as error:
            self.call_from_thread(self.notify, error.message, severity="error")
            return
        if not refresh.is_empty():
            self.call_from_thread(self._merge, refresh)

    def _merge(self, refresh: Refresh) -> None:
        if refresh.plan is not None:
            # A new plan makes every screen read its rounds again too.
            self._plan_arrived_again(refresh.plan)
            return
        assert self.plan is not None
        if refresh.measures or refresh.removed:
            fresh = {measure.id: measure for measure in refresh.measures}
            self.plan.measures = [
                fresh.get(measure.id, measure)
                for measure in self.plan.measures
                if measure.id not in refresh.removed
            ]
            self._broadcast(MeasuresChanged(set(fresh) | refresh.removed))
        if refresh.rounds:
            self._broadcast(RoundsChanged())

    def _plan_arrived_again(self, plan: Plan) -> None:
        self.plan = plan
        _keep_out_of_collections(first=False)
        self._broadcast(PlanLoaded(plan))

    def _broadcast(self, message: Message) -> None:
        # Every screen on the stack keeps its view current, not only the top one,
        # so going back shows the new state at once.
        for screen in self.screen_stack:
            screen.post_message(message)

    def save(self, changes: list[Change]) -> ChangeResult:
        """Apply changes through the core (call from a worker thread).

        The change is read back at once, with anyone else's made meanwhile.
        """
        result = self.workspace.apply(changes)
        self._read_back()
        return result

    def save_edit(self, edit: Edit) -> ChangeResult:
        """Make a structure change through the core (call from a worker thread).

        Read back at once like ``save``: a new measure is in the table when the dialog closes.
        """
        result = self.workspace.edit(edit)
        self._read_back()
        return result

    def save_round(self, action: Callable[[Workspace], Result]) -> Result:
        """Open, report in or close a round through the core (call from a worker thread).

        Read back at once like ``save``: the summary and the rounds screen show it when
        the dialog closes.
        """
        result = action(self.workspace)
        self._read_back()
        return result

    def _read_back(self) -> None:
        # Read the change back before the dialog closes, so the next edit
        # carries the new versions rather than conflicting with this one.
        try:
            refresh = self.workspace.poll()
        except KplanError:
            refresh = Refresh()
        if not refresh.is_empty():
            self.call_from_thread(self._merge, refresh)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification, from every screen: plain text, hidden characters spelled out.

        A message quotes ids, names and store errors; none of them is ever
        read as markup, whatever the caller asked.
        """
        super().notify(
            visible_lines(message),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_toggle_help(self) -> None:
        """Show or hide the keys of the current screen."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()
        # The panel narrows the footer, and closing it widens the footer again:
        # once laid out, the footer chooses its keys for its new width.
        self.call_after_refresh(self.screen.refresh_bindings)

    def action_toggle_theme(self) -> None:
        """Switch between the dark and the light theme."""
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The command palette lists the workplace's actions too."""
        yield from super().get_system_commands(screen)
        yield SystemCommand(t("palette.overview"), t("palette.overview_help"), self.go_overview)
        for action, name in (
            ("board", "palette.board"),
            ("matrix", "palette.matrix"),
            ("log", "palette.log"),
            ("rounds", "tui_rounds.palette"),
        ):
            yield SystemCommand(
                t(name), t(f"{name}_help"), lambda action=action: self.open_view(action)
            )
        if isinstance(screen, OverviewScreen):
            yield SystemCommand(t("palette.mine"), t("palette.mine_help"), screen.action_mine)
        yield SystemCommand(t("palette.theme"), t("palette.theme_help"), self.action_toggle_theme)

    def go_overview(self) -> None:
        """Back to the overview, closing every screen above it."""
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def open_view(self, name: str) -> None:
        """Open the board, the matrix, the log or the rounds over the current screen."""
        if self.plan is None:
            return
        screens: dict[str, type[Screen[None]]] = {
            "board": BoardScreen,
            "matrix": MatrixScreen,
            "log": LogScreen,
            "rounds": RoundsScreen,
        }
        self.push_screen(screens[name]())

    def open_measure(self, key: str) -> None:
        """Open one measure's screen."""
        if self.plan is not None and self.plan.measure(key) is not None:
            self.push_screen(MeasureScreen(key))


def run(location: str | None, plan: str | None, actor: str) -> int:
    """Start the TUI; returns the exit code."""
    app = KplanApp(Workspace(location, plan, actor))
    try:
        app.run()
    finally:
        app.workspace.close()
    if app.error:
        output.error(app.error)
        return 1
    return 0
