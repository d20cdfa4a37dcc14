"""Text from plans, notes and people, made safe to show on a terminal.

Anything a plan file, a note or a command-line argument holds may be
hostile: an escape sequence retitles the terminal or clears it, a C1
control does the same on terminals that take 8-bit controls, a
right-to-left override makes ``txt.exe`` read ``exe.txt``, a zero-width
character makes two ids look the same, and a newline in a note starts a
line that looks like kplan's own. :func:`visible` turns every such
character into a visible escape (``\\x1b``, ``\\u202e``, ``\\n``) and
clips very long text, so what reaches the screen is exactly what is
stored, spelled out, and never more than a screen can use.

JSON output and exported files keep the exact text; only what is shown to
a person goes through here. This module imports nothing of kplan and
nothing heavy: every command uses it.
"""

from __future__ import annotations

import re

# How much of one value a table cell, a log line or a message shows. A
# title of megabytes is shown as its first few screens' worth, with an
# ellipsis; the whole text stays in the store and in --json.
LINE_LIMIT = 1_000
# How much of a text shown over several lines (a description, a goal).
BLOCK_LIMIT = 20_000
ELLIPSIS = "…"

# Characters never shown as they are: C0 controls (newline and tab
# included; callers that keep lines say so), DEL and C1 controls, lone
# surrogates, the line and paragraph separators, and every format
# character of Unicode (category Cf: soft hyphen, zero-width space and
# joiners, bidi marks, embeddings, overrides and isolates, the word
# joiner, the byte-order mark, interlinear annotation, tags). Then a few
# letters and marks that draw nothing and are used to fake blank or
# identical names (combining grapheme joiner, Hangul and Khmer fillers,
# Mongolian selectors). tests/test_safetext.py checks that every Cc, Cf,
# Cs, Zl and Zp character of the running Python is in this class.
HIDDEN_RANGES: tuple[str, ...] = (
    "\x00-\x1f",
    "\x7f-\x9f",
    "\u00ad",
    "\u034f",
    "\u0600-\u0605",
    "\u061c",
    "\u06dd",
    "\u070f",
    "\u0890-\u0891",
    "\u08e2",
    "\u115f-\u1160",
    "\u17b4-\u17b5",
    "\u180b-\u180f",
    "\u200b-\u200f",
    "\u2028-\u202e",
    "\u2060-\u206f",
    "\u3164",
    "\ud800-\udfff",
    "\ufeff",
    "\uffa0",
    "\ufff9-\ufffb",
    "\U000110bd",
    "\U000110cd",
    "\U00013430-\U0001343f",
    "\U0001bca0-\U0001bca3",
    "\U0001d173-\U0001d17a",
    "\U000e0001",
    "\U000e0020-\U000e007f",
)
_HIDDEN = re.compile("[" + "".join(HIDDEN_RANGES) + "]")
_PARTIAL_ESCAPE = re.compile(r"\\(x[0-9a-f]?|u[0-9a-f]{0,3}|U[0-9a-f]{0,7})?")


# What a document spells out: all hidden but its line breaks (CRLF too) and
# tabs. Compiled when first needed (see _hidden_in_document).
_IN_DOCUMENT = "(?!\r\n)[" + "".join(HIDDEN_RANGES).replace("\x00-\x1f", "\x00-\x08\x0b-\x1f") + "]"
_compiled: dict[str, re.Pattern[str]] = {}


def _hidden_in_document() -> re.Pattern[str]:
    """The expression of :data:`_IN_DOCUMENT`, compiled once it is first needed.

    Most commands never show a document, and every one would pay for the
    compiling at its start.
    """
    found = _compiled.get(_IN_DOCUMENT)
    if found is None:
        found = _compiled[_IN_DOCUMENT] = re.compile(_IN_DOCUMENT)
    return found


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_char(char: str) -> str:
    """One hidden character as a visible escape: ``\\n``, ``\\x1b``, ``\\u202e``..."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape(match: re.Match[str]) -> str:
    return escape_char(match.group())


def visible(
    value: object, *, limit: int | None = LINE_LIMIT, continuation: str | None = None
) -> str:
    """``value`` as text safe to print on a terminal: hidden characters spelled out.

    Every control, bidi and invisible format character becomes a visible
    escape, so the text is recognisable and cannot steer the terminal or
    disguise itself. A newline becomes ``\\n`` too, so the text stays on one
    line: a tab-separated line, a table cell, an error message. Where a
    text is shown over several lines, ``continuation`` is put at the start
    of each of its following lines (an indentation, a margin mark), so no
    line of the text can pass for a line of kplan's own. Text longer than
    ``limit`` characters is cut there with an ellipsis (``None``: never).
    The result is plain text: escaping it again changes nothing.
    """
    text = value if isinstance(value, str) else str(value)
    clipped = limit is not None and len(text) > limit
    if clipped:
        # Cut before escaping, so the work is bounded by the limit, not by the text.
        text = text[:limit]
    if continuation is None:
        shown = _HIDDEN.sub(_escape, text) if _HIDDEN.search(text) else text
    else:
        lines = text.replace("\r\n", "\n").split("\n")
        shown = ("\n" + continuation).join(
            _HIDDEN.sub(_escape, line) if _HIDDEN.search(line) else line for line in lines
        )
    if limit is not None and len(shown) > limit:
        shown = _cut(shown, limit)
        clipped = True
    return shown + ELLIPSIS if clipped else shown


def _cut(shown: str, limit: int) -> str:
    """``shown`` cut to ``limit`` characters, never inside an escape it holds."""
    cut = shown[:limit]
    backslash = cut.rfind("\\", max(0, limit - 10))
    if backslash >= 0 and _PARTIAL_ESCAPE.fullmatch(cut[backslash:]):
        return cut[:backslash]
    return cut


def visible_lines(value: object, *, limit: int | None = LINE_LIMIT) -> str:
    """Lines composed by kplan, for a stream: each line made safe, tabs and line breaks kept.

    For messages and plain-text tables whose values were made visible as
    they were put together (so the newlines and tabs left are kplan's own
    line breaks and field separators): anything hidden that still got in
    is spelled out, and each line is clipped at ``limit`` characters.
    """
    text = value if isinstance(value, str) else str(value)
    lines = text.split("\n")
    hidden = _hidden_in_document()
    return "\n".join(
        _clip(hidden.sub(_escape, line[: limit + 1] if limit else line), limit) for line in lines
    )


def _clip(shown: str, limit: int | None) -> str:
    if limit is None or len(shown) <= limit:
        return shown
    return _cut(shown, limit) + ELLIPSIS


# Hidden but for kplan's own line breaks and tabs: what visible_lines spells out.
_HIDDEN_IN_LINES = re.compile(
    "[" + "".join(HIDDEN_RANGES).replace("\x00-\x1f", "\x00-\x08\x0b-\x1f") + "]"
)


def keeps_lines(text: str) -> bool:
    """Whether ``visible_lines(text, limit=None)`` is ``text`` itself: nothing to spell out.

    One scan of the whole text, where ``visible_lines`` takes a line at a
    time: a long table checks at the speed of the regular expression engine,
    or faster (see :func:`surely_visible`).
    """
    if surely_visible(text.replace("\t", " ").replace("\n", " ")):
        return True
    return _HIDDEN_IN_LINES.search(text) is None


def has_hidden(text: str) -> bool:
    """Whether ``text`` holds a character :func:`visible` would spell out (newlines count)."""
    return not surely_visible(text) and _HIDDEN.search(text) is not None


# The hidden characters Python counts as printable (str.isprintable): a
# combining grapheme joiner, fillers and variation selectors.
# tests/test_safetext.py derives them from HIDDEN_RANGES again.
PRINTABLE_HIDDEN = "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"


def surely_visible(text: str) -> bool:
    """Whether ``text`` holds no hidden character, found at C speed; False may be wrong.

    Every hidden character but those of :data:`PRINTABLE_HIDDEN` is one
    that ``str.isprintable`` refuses, and both tests run in C, many times
    faster than the regular expression over a long text. A text with a
    tab, a newline or an unprintable character is False here: the
    expression decides.
    """
    return text.isprintable() and all(char not in text for char in PRINTABLE_HIDDEN)


def visible_document(text: str) -> str:
    """A whole document (an export) for a terminal: lines and tabs kept, all else spelled out.

    Not clipped: the person asked for the whole document.
    """
    return _hidden_in_document().sub(_escape, text)
