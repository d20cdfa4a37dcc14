"""What every editing dialog shares: a form, a note, in-place errors, save and cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from kplan.errors import KplanError
from kplan.i18n import t
from kplan.safetext import visible, visible_lines
from kplan.tui.messages import Refused, Saved
from kplan.tui.screens.base import KplanScreen

if TYPE_CHECKING:
    from kplan.core.changes import Change, ChangeResult
    from kplan.model import Measure


# ModalScreen comes first: Textual takes default CSS (the see-through backdrop)
# from the first DOM base of each class only.
class FormDialog(ModalScreen[bool], KplanScreen[bool]):
    """A modal form with an error line, save and cancel: what every dialog shares.

    ``ctrl+s``, the save button and enter in a one-line field save;
    ``escape`` and the cancel button close with False, having written nothing.
    Subclasses say what saving does in ``action_save``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "save", "key.save"),
    ]

    def show_error(self, message: str) -> None:
        """Say what is wrong, in the dialog."""
        self.query_one("#dialog-error", Static).update(visible_lines(message))
        self.query_one("#dialog-error").add_class("visible")

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        """Close and write nothing."""
        self.dismiss(False)

    def action_save(self) -> None:
        """Check the form and save it."""
        raise NotImplementedError


class EditDialog(FormDialog):
    """A modal form that turns its fields into changes and saves them through the core.

    Subclasses yield their fields in ``fields`` and build the changes in
    ``changes``; raising ValueError there shows the message in place. The
    dialog closes with True once the core has saved, and with False on
    ``escape``, having written nothing.
    """

    def __init__(self, measure: str) -> None:
        super().__init__()
        self.measure = measure
        self.seen: Measure | None = None

    def compose(self) -> ComposeResult:
        """Title, fields, note, error line and buttons."""
        # The measure as the person sees it now: its versions go with the
        # changes, so an edit made meanwhile by someone else is caught.
        self.seen = self._current_measure()
        with Vertical(id="dialog"):
            yield Label(self.heading(), id="dialog-title", markup=False)
            yield from self.fields()
            yield Label(t("dialog.note"), classes="field-label", markup=False)
            yield Input(placeholder=t("dialog.note_placeholder"), id="note", compact=True)
            yield Static("", id="dialog-error", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(t("dialog.save"), variant="primary", id="save")
                yield Button(t("dialog.cancel"), id="cancel")

    def _current_measure(self) -> Measure | None:
        plan = self.kplan.plan
        if plan is None:
            return None
        return plan.measure(self.measure)

    def seen_version(self, indicator: str | None = None) -> int | None:
        """The version of the measure (or one of its indicators) when the dialog opened."""
        if self.seen is None:
            return None
        if indicator is None:
            return self.seen.version
        return next((i.version for i in self.seen.indicators if i.id == indicator), None)

    def heading(self) -> str:
        """The dialog's title line."""
        plan = self.kplan.plan
        measure = None if plan is None else plan.measure(self.measure)
        title = "" if measure is None else measure.title
        return f"{self.title_text()} · {visible(self.measure)} {visible(title)}"

    def title_text(self) -> str:
        """The dialog's name."""
        return ""

    def fields(self) -> ComposeResult:
        """The dialog's own fields."""
        yield from ()

    def changes(self, note: str | None) -> list[Change]:
        """The changes the form asks for; ValueError with a message when a field is wrong."""
        raise NotImplementedError

    def action_save(self) -> None:
        """Check the form, then save through the core off the event loop."""
        note = self.query_one("#note", Input).value.strip() or None
        try:
            job = self.prepare(note)
        except ValueError as problem:
            self.show_error(str(problem))
            return
        if job is None:
            self.notify(t("change.nothing"))
            self.dismiss(False)
            return
        self.query_one("#save", Button).disabled = True
        self._save(job)

    def prepare(self, note: str | None) -> Callable[[], ChangeResult] | None:
        """What saving does, to run in a worker; None when the form asks for nothing.

        The follow-up dialogs save their ``changes``; the structure dialogs
        make an ``Edit`` instead. Raising ValueError shows the message in place.
        """
        changes = self.changes(note)
        return lambda: self.kplan.save(changes)

    @work(thread=True, exclusive=True, group="save")
    def _save(self, job: Callable[[], ChangeResult]) -> None:
        try:
            result = job()
        except KplanError as error:
            message = error.message
            if error.exit_code == 3:
                message += t("change.conflict_tui")
            self.post_message(Refused(message))
            return
        self.post_message(Saved(result))

    def on_refused(self, message: Refused) -> None:
        """The core refused: say why in place; nothing was written."""
        message.stop()
        self.query_one("#save", Button).disabled = False
        self.show_error(message.message)

    def on_saved(self, message: Saved) -> None:
        """Saved: close the dialog."""
        message.stop()
        if not message.result.changes:
            self.notify(t("change.nothing"))
        self.dismiss(True)
