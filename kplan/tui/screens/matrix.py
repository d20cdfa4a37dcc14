"""Placeholder until the matrix screen is written."""

from __future__ import annotations

from textual.screen import Screen


class MatrixScreen(Screen[None]):
    """Placeholder."""
