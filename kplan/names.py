"""Ids and names: the one rule for what they may hold and when two are the same.

Ids (of plans, organisations, owners, measures, collaborations, indicators
and the acting person) and names (perspectives, ladder labels, rounds and
snapshots) come from plan files, the command line, ``kplan apply`` and the
TUI. Each of those paths goes through this module, so an id that one of
them accepts is one every other path accepts and finds.

The rules:

* text is normalised to Unicode NFC first, so ``å`` typed as one code point
  and as ``a`` plus a combining ring is the same id;
* only printable characters: no control characters (C0, C1, DEL), no
  text-direction controls, no zero-width or other invisible formatting
  characters, no line or paragraph separators or unusual spaces, no lone
  surrogates, no private-use or unassigned code points;
* an id has 1 to ``MAX_ID_LENGTH`` characters and no spaces at all; a name
  has no space at either end and is at most as long as its kind allows;
* two ids of one kind, or two names of one list, are the same when they are
  equal after Unicode compatibility normalisation and case folding
  (``fold``): ``A1`` and ``a1``, ``Kön`` and ``kön``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from kplan.domain import MAX_ID_LENGTH, MAX_NAME_LENGTH
from kplan.errors import InvalidValueError, invalid
from kplan.i18n import t
from kplan.safetext import escape_char

# Explicit text-direction controls: they reorder what a terminal shows
# (U+202E makes "exe.txt" read "txt.exe").
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# How much of a refused value a message quotes.
_SHOWN_LENGTH = 60


def nfc(value: str) -> str:
    """``value`` in Unicode normal form C (composed), as kplan keeps ids and names."""
    if value.isascii():
        return value
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """The key under which two ids or names count as the same (case and Unicode form)."""
    if value.isascii():
        return value.lower()
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


def visible(value: str, limit: int = _SHOWN_LENGTH) -> str:
    """``value`` fit to quote in a message about it: cut short, unprintables spelled out.

    Wider than what ``kplan.safetext`` hides on every output: an id or name
    is refused for any character that is not printable (an unusual space, a
    private-use character), so each of them is shown as the escape that
    names it.
    """
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    if shown.isprintable():
        return shown
    return "".join(
        character if character.isprintable() else escape_char(character) for character in shown
    )


def _character_kind(character: str) -> str:
    """The catalogue key that names what sort of unusable character this is."""
    category = unicodedata.category(character)
    if category == "Cc":
        return "names.char_control"
    if character in BIDI_CONTROLS:
        return "names.char_bidi"
    if category == "Cf":
        return "names.char_invisible"
    if category == "Cs":
        return "names.char_surrogate"
    if category.startswith("Z"):
        return "names.char_space"
    return "names.char_unusable"


def _unusable_character(value: str) -> tuple[int, str] | None:
    """The first character an id or name may not hold, as (position from 1, description)."""
    # isprintable() is False exactly for Unicode's "Other" and "Separator"
    # categories, except the ASCII space: the characters refused here.
    if value.isprintable():
        return None
    for index, character in enumerate(value):
        if not character.isprintable():
            what = t(_character_kind(character))
            return index + 1, t("names.character", what=what, code=f"U+{ord(character):04X}")
    return None  # pragma: no cover - isprintable() said there is one


def id_problem(value: str) -> str | None:
    """What is wrong with ``value`` (already NFC) as an id, or None if it is a valid id."""
    if 0 < len(value) <= MAX_ID_LENGTH and value.isprintable() and " " not in value:
        return None
    shown = visible(value)
    found = _unusable_character(value)
    if found is not None and not value[found[0] - 1].isspace():
        position, what = found
        return t(
            "names.bad_id_character",
            value=shown,
            what=what,
            position=position,
            limit=MAX_ID_LENGTH,
        )
    return t("names.bad_id", value=shown, limit=MAX_ID_LENGTH)


def name_problem(value: str, limit: int = MAX_NAME_LENGTH) -> str | None:
    """What is wrong with ``value`` (already NFC) as a name, or None if it is a valid name."""
    if not value.strip():
        return t("planfile.empty")
    if len(value) > limit:
        return t("names.too_long", length=len(value), limit=limit)
    found = _unusable_character(value)
    if found is not None:
        position, what = found
        return t("names.bad_name_character", value=visible(value), what=what, position=position)
    if value != value.strip():
        return t("names.name_spaces", value=visible(value))
    return None


def check_id(value: str) -> str:
    """An id given on the command line or in a change, in NFC; InvalidValueError if invalid."""
    normal = nfc(value)
    problem = id_problem(normal)
    if problem is not None:
        raise InvalidValueError(problem)
    return normal


def matching(value: str, choices: Iterable[str]) -> list[str]:
    """The choices ``value`` names: itself when it is one, else those equal by ``fold``."""
    options = list(choices)
    normal = nfc(value)
    if normal in options:
        return [normal]
    key = fold(normal)
    return [option for option in options if fold(option) == key]


def find_name(value: str, choices: list[str], what: str) -> str:
    """The one of ``choices`` (perspectives...) that ``value`` names, whatever its case and form.

    ``what`` is the catalogue key of the kind of name, for the messages. A
    plan file cannot hold two names that differ only in case or Unicode
    form, but a store filled before that rule can: then the exact name is
    taken, and one that matches several without being any of them is refused.
    """
    found = matching(value, choices)
    if len(found) == 1:
        return found[0]
    if not found:
        raise invalid(t(what), visible(value), choices)
    raise InvalidValueError(
        t("names.ambiguous", value=visible(value), what=t(what), matches=", ".join(found))
    )


def same_as(value: str, names: Iterable[str]) -> str | None:
    """The name among ``names`` that counts as the same as ``value``, if any."""
    key = fold(value)
    for name in names:
        if fold(name) == key:
            return name
    return None
