"""Placeholder until the log screen is written."""

from __future__ import annotations

from textual.screen import Screen


class LogScreen(Screen[None]):
    """Placeholder."""
