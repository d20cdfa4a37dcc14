"""Key bindings whose descriptions follow the language kplan speaks.

``BINDINGS`` are class attributes, made when a module is imported; their
descriptions are catalogue keys. A screen translates them when it tells the
footer and the help panel which keys are active (``Screen.active_bindings``,
Textual's public view of the bindings), so both speak the same language as
the rest of the screen. The bindings themselves, and so what each key does,
are Textual's own and are never rewritten.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from textual.binding import ActiveBinding
from textual.screen import Screen

from kplan.i18n import CATALOGUE, t

ResultType = TypeVar("ResultType")


def localised(active: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """The active bindings with every catalogue-key description translated."""
    return {
        key: item._replace(
            binding=dataclasses.replace(item.binding, description=t(item.binding.description))
        )
        if item.binding.description in CATALOGUE
        else item
        for key, item in active.items()
    }


class LocalisedBindings(Screen[ResultType]):
    """Base for kplan's screens: the keys they show are described in kplan's language."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys active on this screen, their descriptions translated."""
        return localised(super().active_bindings)
