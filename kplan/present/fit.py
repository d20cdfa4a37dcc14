"""Text that fits a width: cells on a terminal, cuts at words, short headings with a legend.

Shared by the command line's tables (``kplan list``) and the TUI's matrix, so
both cut a title and shorten a heading the same way. Pure text work: no Rich,
nothing of kplan's above the ground floor, fast enough to run per row.

The text given here is already visible (:func:`kplan.safetext.visible`): a
cut never splits one of its escapes (``\\x1b``, ``\\u202e``), so what is
shown stays recognisable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from kplan.safetext import ELLIPSIS

# A cut at a word keeps at least this share of the width; a title whose last
# word boundary lies further back is cut inside its word, with the ellipsis.
WORD_CUT_SHARE = 0.6
# Where a cut would leave the start of an escape that visible() wrote.
_PARTIAL_ESCAPE = re.compile(r"\\(x[0-9a-f]?|u[0-9a-f]{0,3}|U[0-9a-f]{0,7})?$")
_WIDE = frozenset("WF")
# Latin letters, with their accents precomposed (å, ä, ö, é): one cell each. Most
# text of a plan is only these, and is measured without a look at each character.
_NARROW = re.compile("[\x20-\u02ff]*")


def char_width(char: str) -> int:
    """How many terminal cells one character takes: 0, 1 or 2."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in _WIDE else 1


def text_width(text: str) -> int:
    """How many terminal cells ``text`` takes on one line."""
    if text.isascii() or _NARROW.fullmatch(text):
        return len(text)
    return sum(char_width(char) for char in text)


def _prefix(text: str, width: int) -> str:
    """The longest start of ``text`` that takes at most ``width`` cells."""
    if text.isascii() or _NARROW.fullmatch(text):
        return text[:width]
    used = 0
    for index, char in enumerate(text):
        used += char_width(char)
        if used > width:
            return text[:index]
    return text


def clip(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells: whole if it fits, else cut with an ellipsis.

    The cut falls after the last whole word that fits when that keeps most of
    the width (``WORD_CUT_SHARE``); otherwise inside the word, and the
    ellipsis says so. Never inside an escape of :func:`kplan.safetext.visible`.
    """
    if text_width(text) <= width:
        return text
    if width <= 0:
        return ""
    room = _prefix(text, width - 1)
    space = room.rfind(" ")
    if space > 0 and text_width(room[:space]) >= WORD_CUT_SHARE * (width - 1):
        room = room[:space]
    partial = _PARTIAL_ESCAPE.search(room)
    if partial is not None and partial.group():
        room = room[: partial.start()]
    return room.rstrip() + ELLIPSIS


@dataclass(frozen=True)
class Headings:
    """Column headings that fit their width, and the legend the short ones need."""

    labels: tuple[str, ...]
    # (short, full) for every heading shown shorter than its name.
    shortened: tuple[tuple[str, str], ...]


def abbreviate(names: Sequence[str], width: int) -> Headings:
    """Headings of at most ``width`` cells: a name whole when it fits, else a short form.

    A short form is the start of the name, made one character longer while
    two of them would read the same (``fun`` and ``fun2`` only when two
    names share all of their width). No ellipsis: the short form is a name of
    its own, explained in the legend (:attr:`Headings.shortened`).
    """
    width = max(1, width)
    labels: list[str] = []
    shortened: list[tuple[str, str]] = []
    taken: set[str] = set()
    for name in names:
        if text_width(name) <= width:
            label = name
        else:
            label = _prefix(name, width).rstrip() or _prefix(name, width)
            number = 2
            while label.casefold() in taken:
                suffix = str(number)
                label = _prefix(name, max(1, width - len(suffix))) + suffix
                number += 1
            shortened.append((label, name))
        taken.add(label.casefold())
        labels.append(label)
    return Headings(tuple(labels), tuple(shortened))


LEGEND_JOINER = " · "


def legend_text(shortened: Sequence[tuple[str, str]]) -> str:
    """The short headings explained, ``ålde = ålder · etni = etnicitet``."""
    return LEGEND_JOINER.join(f"{short} = {full}" for short, full in shortened)


def legend_lines(shortened: Sequence[tuple[str, str]], width: int, lead: str = "") -> list[str]:
    """:func:`legend_text` in lines of at most ``width`` cells, never breaking a pair.

    ``lead`` starts the first line (``Perspectives: ``); a pair longer than a
    whole line has a line of its own, and the screen folds it.
    """
    lines: list[str] = []
    line = lead
    for short, full in shortened:
        pair = f"{short} = {full}"
        joined = f"{line}{LEGEND_JOINER}{pair}" if line and line != lead else line + pair
        if line and line != lead and text_width(joined) > width:
            lines.append(line)
            line = pair
        else:
            line = joined
    if line and line != lead:
        lines.append(line)
    return lines
