"""A plan with long titles and long perspective names, for the tests of a screen's width.

The Örebro example with its perspectives renamed to long words ("Kompetensbehov",
"funktionsnedsättning") and every measure's title made longer than any
terminal gives it, so every width has to choose what to shorten.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OREBRO = ROOT / "examples" / "orebro_plan.toml"

PERSPECTIVES = {
    "kön": "Kompetensbehov",
    "ålder": "funktionsnedsättning",
    "etnicitet": "etnicitet och utrikes födda",
}
LONGER = " med uppföljning i samverkan med kommunerna och arbetsgivarna i hela länet"


def long_plan_text() -> str:
    """The plan file's text: long perspective names, long measure titles."""
    text = OREBRO.read_text(encoding="utf-8")
    for short, long in PERSPECTIVES.items():
        text = text.replace(f'"{short}"', f'"{long}"')
    head, _, measures = text.partition("[[measures]]")
    measures = re.sub(
        r'^title = "([^"]*)"$', lambda m: f'title = "{m.group(1)}{LONGER}"', measures, flags=re.M
    )
    return f"{head}[[measures]]{measures}"


def long_plan(directory: Path) -> Path:
    """Write the plan file into ``directory`` and return its path."""
    path = directory / "long_plan.toml"
    path.write_text(long_plan_text(), encoding="utf-8")
    return path
