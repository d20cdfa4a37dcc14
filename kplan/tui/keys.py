"""Key bindings whose descriptions follow the language kplan speaks.

``BINDINGS`` are class attributes, made when a module is imported; their
descriptions are catalogue keys. A screen translates them when it tells the
footer and the help panel which keys are active (``Screen.active_bindings``,
Textual's public view of the bindings), so both speak the same language as
the rest of the screen. The bindings themselves, and so what each key does,
are Textual's own and are never rewritten.

The footer is one line: on a narrow terminal (80 columns, Swedish words) it
shows the keys that matter most and leaves the rest to the help panel (``?``),
which lists every key (:func:`fitted_to_footer`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar

from textual import on
from textual.binding import ActiveBinding, Binding
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer

from kplan.i18n import CATALOGUE, t
from kplan.present.fit import text_width

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


# Kept in the footer whatever its width: the way out of a screen and the key that lists them all.
ESSENTIAL_ACTIONS = frozenset({"back", "quit", "toggle_help"})
# A key in the compact footer: its key, a blank, its description, a blank after it.
KEY_FRAME = 2
# The command palette's key at the footer's right end: a bar before it, a blank between.
PALETTE_FRAME = 2


def fitted_to_footer(
    active: dict[str, ActiveBinding],
    width: int,
    display: Callable[[Binding], str],
    palette: str | None = None,
) -> dict[str, ActiveBinding]:
    """The bindings with ``show`` taken off those the footer has no room for.

    The footer keeps the essential keys (back, quit, ``?``), then the others in
    the order the screen lists them, as long as they fit in ``width`` beside
    the command palette's key (``palette``, when the footer shows it). The help
    panel lists every binding whatever its ``show``, so a key left out of the
    footer is still one ``?`` away. Keys bound to one action share a place,
    as in the footer. ``width`` 0 (not laid out yet) keeps every key.
    """
    if width <= 0:
        return active
    budget = width
    if palette is not None and palette in active:
        binding = active[palette].binding
        budget -= text_width(display(binding)) + text_width(binding.description) + PALETTE_FRAME
    places: dict[str, int] = {}
    for item in active.values():
        binding = item.binding
        if binding.show and binding.action not in places:
            places[binding.action] = (
                text_width(display(binding)) + text_width(binding.description) + KEY_FRAME
            )
    kept: set[str] = set()
    for action, cost in places.items():
        if action in ESSENTIAL_ACTIONS:
            kept.add(action)
            budget -= cost
    for action, cost in places.items():
        if action in kept:
            continue
        if cost > budget:
            break
        kept.add(action)
        budget -= cost
    return {
        key: item
        if not item.binding.show or item.binding.action in kept
        else item._replace(binding=dataclasses.replace(item.binding, show=False))
        for key, item in active.items()
    }


class LocalisedBindings(Screen[ResultType]):
    """Base for kplan's screens: the keys they show are described in kplan's language.

    The footer shows the keys that fit its line (:func:`fitted_to_footer`).
    """

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys active on this screen, their descriptions translated."""
        app = self.app
        # The footer's own width: the help panel, docked at the right, narrows it.
        footer = next((f.size.width for f in self.query(Footer) if f.size.width), 0)
        return fitted_to_footer(
            localised(super().active_bindings),
            footer or self.size.width or app.size.width,
            app.get_key_display,
            app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None,
        )

    @on(Resize)
    def refit_footer(self, _event: Resize) -> None:
        """Another width holds other keys: the footer asks again which to show."""
        self.refresh_bindings()
