"""The address of a field a change can set: ``status``, ``four_p.policy``, ``values.2016``...

A change names its field as text (on the command line, in ``kplan apply``
input, in the TUI and in the event log). That text is parsed once, where the
change is made, into a ``FieldAddress``: its kind (which field of which
thing) and, for the kinds that hold one value per part, the part (a Fyra P
part, a perspective, a period). Everything after that point asks the address,
never the text's prefix. ``str()`` gives back the text, so the event log
keeps the same strings.

Which part a text names is not checked here: a Fyra P part, a perspective
and a period each have their own rule (and a perspective depends on the
plan), which the change's checks apply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kplan.errors import InvalidValueError
from kplan.i18n import t
from kplan.names import visible

# Kinds that are one column of the thing itself.
WHOLE = ("status", "progress", "step", "situation")
# Kinds that hold one value per part, written ``kind.part``.
PARTED = ("four_p", "perspectives", "values", "groups")
KINDS = WHOLE + PARTED

# The thing (measure, collaboration or indicator) a kind of field belongs to.
TARGET = {
    "status": "measure",
    "progress": "measure",
    "situation": "measure",
    "four_p": "measure",
    "perspectives": "measure",
    "step": "collaboration",
    "values": "indicator",
    "groups": "indicator",
}

# How the event log's text of a value reads back; kinds not named are text.
_FROM_TEXT: dict[str, type[int] | type[float]] = {
    "progress": int,
    "step": int,
    "values": float,
    "groups": float,
}

# What a message lists as valid.
VALID = (
    "status, progress, situation, four_p.PART, perspectives.NAME, step, values.PERIOD,"
    " groups.PERIOD.PERSPECTIVE=GROUP"
)


class AddressError(InvalidValueError):
    """A text that names no field a change can set (exit 1)."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(t("change.unknown_field", field=visible(text), valid=VALID))


@dataclass(frozen=True, slots=True)
class FieldAddress:
    """One field a change can set: its ``kind`` and, for parted kinds, its ``part``.

    ``part`` is ``""`` for the whole kinds (``status``, ``progress``,
    ``step``); for the parted kinds it is what follows the first dot, as
    given (``four_p.`` has the empty part, which the change's checks refuse
    with the part's own message).
    """

    kind: str
    part: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS or (self.kind in WHOLE and self.part):
            raise AddressError(self.kind if self.kind not in KINDS else f"{self.kind}.{self.part}")

    @classmethod
    def parse(cls, text: str) -> FieldAddress:
        """The address ``text`` names; AddressError when it names no settable field."""
        found = cls.find(text)
        if found is None:
            raise AddressError(text)
        return found

    @classmethod
    def find(cls, text: str) -> FieldAddress | None:
        """The address ``text`` names, or None (an event of another field: ``title``...)."""
        if text in WHOLE:
            return cls(text)
        kind, dot, part = text.partition(".")
        if dot and kind in PARTED:
            return cls(kind, part)
        return None

    def __str__(self) -> str:
        return f"{self.kind}.{self.part}" if self.kind in PARTED else self.kind

    @property
    def target(self) -> str:
        """The kind of thing the field belongs to: measure, collaboration or indicator."""
        return TARGET[self.kind]

    @property
    def parted(self) -> bool:
        """Whether the field holds one value per part (``four_p.X``, ``values.P``...)."""
        return self.kind in PARTED

    def with_part(self, part: str) -> FieldAddress:
        """The same kind of field for another part (the part normalised, say)."""
        return FieldAddress(self.kind, part)

    def value_from_text(self, text: str | None) -> Any:
        """A value as the event log writes it (text) back as the value a change takes."""
        if text is None:
            return None
        convert = _FROM_TEXT.get(self.kind)
        return text if convert is None else convert(text)


# The things a structure change adds and removes whole; a removal event keeps
# the removed table (``{"measure": {...}, "position": 3}``) as its old value,
# so that undo can put it back where it was.
WHOLE_ITEMS = ("measure", "collaboration", "indicator")


def removed_table(text: str | None) -> dict[str, Any] | None:
    """The table a removal event keeps (``{"measure": ..., "position": ...}``), or None."""
    if not text or not text.startswith("{"):
        return None
    try:
        kept = json.loads(text)
    except ValueError:
        return None
    return kept if isinstance(kept, dict) else None


def short_removed(field_name: str, text: str | None) -> str | None:
    """A removal event's old value in short: ``23 (Ny åtgärd)`` for the kept table."""
    kept = removed_table(text) if field_name in WHOLE_ITEMS else None
    if kept is None:
        return text
    table = kept.get(field_name)
    if not isinstance(table, dict):
        return text
    label = table.get("title") or table.get("name") or ""
    return f"{table.get('id', '')} ({label})" if label else str(table.get("id", ""))
