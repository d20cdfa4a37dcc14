"""Messages: the app tells every screen on its stack that the plan changed; a dialog's
worker tells its dialog how a save went."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from kplan.core.changes import ChangeResult
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


class Saved(Message):
    """A dialog's worker saved through the core; ``result`` says what changed."""

    def __init__(self, result: ChangeResult) -> None:
        super().__init__()
        self.result: ChangeResult = result


class Refused(Message):
    """A dialog's worker was refused by the core; ``message`` says why, for the dialog."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message: str = message


class RoundsChanged(Message):
    """A round was opened, reported in or closed, here or elsewhere: read the rounds again."""


class RoundSaved(Message):
    """A round dialog's worker opened, reported in or closed a round; ``name`` is the round's."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name: str = name


class RoundsRead(Message):
    """A worker read the rounds: every round (``listing``) and one round's detail (or None)."""

    def __init__(self, listing: list[dict[str, Any]], detail: dict[str, Any] | None) -> None:
        super().__init__()
        self.listing: list[dict[str, Any]] = listing
        self.detail: dict[str, Any] | None = detail
