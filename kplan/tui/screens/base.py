"""The base of kplan's screens and dialogs: typed access to the app that hosts them.

Screens never import the app module (the app imports the screens); they see
the app through ``Host``, the few things a screen may ask of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from kplan.core.workspace import Workspace
from kplan.model import Plan
from kplan.tui.keys import LocalisedBindings

if TYPE_CHECKING:
    from kplan.core.changes import Change, ChangeResult
    from kplan.core.structure import Edit

ResultType = TypeVar("ResultType")
Result = TypeVar("Result")


@runtime_checkable
class Host(Protocol):
    """What a screen may ask of the app: the workspace, the plan it holds, and navigation."""

    @property
    def workspace(self) -> Workspace:
        """The store and plan the app works on."""
        ...

    @property
    def plan(self) -> Plan | None:
        """The plan as last read from the store; None until it arrives."""
        ...

    @property
    def actor(self) -> str:
        """Who is acting: the name events are logged under."""
        ...

    def save(self, changes: list[Change]) -> ChangeResult:
        """Apply changes through the core and read them back (from a worker thread)."""
        ...

    def save_edit(self, edit: Edit) -> ChangeResult:
        """Make a structure change through the core and read it back (from a worker thread)."""
        ...

    def save_round(self, action: Callable[[Workspace], Result]) -> Result:
        """Open, report in or close a round through the core and read back (from a worker)."""
        ...

    def open_measure(self, key: str) -> None:
        """Open one measure's screen."""
        ...

    def open_view(self, name: str) -> None:
        """Open the board, the matrix, the log or the rounds over the current screen."""
        ...


class KplanScreen(LocalisedBindings[ResultType]):
    """A screen of kplan's workplace, hosted by the kplan app."""

    @property
    def kplan(self) -> Host:
        """The hosting app, typed."""
        app = self.app
        assert isinstance(app, Host)
        return app

    @property
    def workspace(self) -> Workspace:
        """The app's workspace: the store and plan being worked on."""
        return self.kplan.workspace
