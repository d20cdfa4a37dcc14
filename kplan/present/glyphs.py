"""The marks that stand beside a status, a level or a trend wherever kplan shows one.

Every mark is paired with a word or a colour where it is shown, never the only
signal; keeping them here means the terminal, the text exports and the HTML page
cannot drift apart.
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
