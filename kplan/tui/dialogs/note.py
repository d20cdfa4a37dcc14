"""Asking for a note before a collaboration moves on the ladder."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from kplan.i18n import t
from kplan.tui.keys import LocalisedBindings


# ModalScreen comes first: Textual takes default CSS (the see-through backdrop)
# from the first DOM base of each class only.
class NoteDialog(ModalScreen[str | None], LocalisedBindings[str | None]):
    """A question and a note; returns the note (possibly empty), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.cancel"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question, the note field and the buttons."""
        with Vertical(id="dialog"):
            yield Label(self.question, id="dialog-title", markup=False)
            yield Label(t("dialog.note"), classes="field-label", markup=False)
            yield Input(placeholder=t("dialog.note_placeholder"), id="note", compact=True)
            with Horizontal(id="dialog-buttons"):
                yield Button(t("dialog.move"), variant="primary", id="save")
                yield Button(t("dialog.cancel"), id="cancel")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#note")
    def _confirm(self) -> None:
        self.dismiss(self.query_one("#note", Input).value.strip())

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        """Close without moving."""
        self.dismiss(None)
