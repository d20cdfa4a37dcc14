"""Key bindings whose descriptions follow the language kplan speaks when a screen opens.

``BINDINGS`` are class attributes, made when a module is imported; writing
catalogue keys there and translating them per instance keeps the footer and
the help panel in the same language as the rest of the screen.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from kplan.i18n import CATALOGUE, t


class LocalisedBindings:
    """Mixin for a Textual node: binding descriptions are catalogue keys, translated here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bindings = getattr(self, "_bindings", None)
        if bindings is None:
            return
        for key, items in bindings.key_to_bindings.items():
            bindings.key_to_bindings[key] = [
                dataclasses.replace(item, description=t(item.description))
                if item.description in CATALOGUE
                else item
                for item in items
            ]
