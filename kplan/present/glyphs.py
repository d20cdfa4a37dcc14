"""The marks that stand beside a status, a level or a trend wherever kplan shows one.

Every mark is paired with a word or a colour where it is shown, never the only
signal; keeping them here means the terminal, the TUI, the text exports and the
HTML page cannot drift apart.
"""

from __future__ import annotations

# Fyra P states and perspective coverage share one three-level scale.
STATE_MARKS = {"done": "●", "ongoing": "◐", "not-started": "○"}
COVERAGE_MARKS = {"yes": "●", "partly": "◐", "no": "○"}
LEVEL_GLYPHS = {**STATE_MARKS, **COVERAGE_MARKS}

# A measure's status on the HTML page, where a glyph stands beside each status word.
STATUS_GLYPHS = {
    "done": "✓",
    "ongoing": "◐",
    "delayed": "⚠",
    "not-started": "○",
    "cancelled": "✕",
}

TREND_ARROWS = {"up": "↑", "flat": "→", "down": "↓", "none": "–"}

# The overview's status bar and the TUI's status cells: a shade per status, so
# the bar reads without colour.
STATUS_SHADES = {
    "done": "█",
    "ongoing": "▓",
    "delayed": "▒",
    "not-started": "░",
    "cancelled": "·",
}

# A measure past its due date that is neither done nor cancelled (kplan.domain.is_overdue),
# where the TUI shows its status: in place of the status's shade, beside the status word.
OVERDUE_MARK = "!"

# A progress bar in text: filled and empty cells, with the number beside it.
BAR_FULL = "█"
BAR_EMPTY = "░"

# Where a text shown over several lines (a description, a goal, a note in
# ``show`` and on the measure screen) goes on: its own margin, so none of its
# lines can pass for a line of kplan's (an event, a section heading).
MARGIN = "  │ "
