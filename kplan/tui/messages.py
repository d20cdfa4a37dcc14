"""Messages the app sends to every screen on its stack when the plan changes."""

from __future__ import annotations

from textual.message import Message

from kplan.model import Plan


class PlanLoaded(Message):
    """The whole plan was (re)loaded; ``plan`` is the app's new plan."""

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan: Plan = plan


class MeasuresChanged(Message):
    """Some measures changed in the store; the app's plan holds their new state.

    ``keys`` names the measures that changed or went away.
    """

    def __init__(self, keys: set[str]) -> None:
        super().__init__()
        self.keys: frozenset[str] = frozenset(keys)
