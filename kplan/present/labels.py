"""Short words for a value wherever kplan shows one: a status, progress, ladder steps.

The terminal tables, ``show`` and the TUI's cells and dialogs use these, so a
status reads the same word in each.
"""

from __future__ import annotations

from kplan.i18n import t
from kplan.present.glyphs import BAR_EMPTY, BAR_FULL


def status_label(status: str) -> str:
    """The status in the user's language."""
    return t(f"status.{status}")


def progress_bar(progress: int, width: int = 10) -> str:
    """A text bar for 0-100, with the number, so it reads without colour."""
    filled = round(progress * width / 100)
    return BAR_FULL * filled + BAR_EMPTY * (width - filled) + f" {progress:>3}%"


def steps_text(steps: dict[str, int | None]) -> str:
    """Lowest and highest ladder step as ``2-3`` (``–`` without collaborations)."""
    low, high = steps.get("lowest"), steps.get("highest")
    if low is None:
        return "–"
    return str(low) if low == high else f"{low}-{high}"
