"""Placeholder until the board screen is written."""

from __future__ import annotations

from textual.screen import Screen


class BoardScreen(Screen[None]):
    """Placeholder."""
