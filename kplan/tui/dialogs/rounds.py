"""The round dialogs: report a measure with a note, open a round, close the open round.

They do what ``kplan round report``, ``round open`` and ``round close`` do,
through the same use cases (``kplan.core.rounds``, reached through the
workspace), so by the same rules and with the same messages: only the
measure's owner or a coordinator reports it, only a coordinator opens and
closes rounds under ``edit = "owners"``, one round is open at a time, a
round with unreported measures closes only when asked to anyway. The core
refuses in place, nothing written; ``escape`` writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from kplan.core.workspace import Workspace
from kplan.errors import KplanError
from kplan.i18n import t
from kplan.present.rounds import moment
from kplan.safetext import visible
from kplan.tui.dialogs.base import FormDialog
from kplan.tui.messages import Refused, RoundSaved, RoundsRead

# What a dialog asks the core to do, run in a worker; it returns the round's name.
Job = Callable[[Workspace], str]


class RoundDialog(FormDialog):
    """A modal form whose save is one round use case, run in a worker.

    Subclasses yield their fields in ``fields``, say what saving does in
    ``job`` (raising ValueError shows the message in place) and what to tell
    the person once it is done in ``done``. The dialog closes with True once
    the core has done it, and with False on ``escape``, having written nothing.
    """

    def compose(self) -> ComposeResult:
        """Title, a line of help, fields, error line and buttons."""
        with Vertical(id="dialog"):
            yield Label(self.heading(), id="dialog-title", markup=False)
            yield Label(self.help_text(), id="dialog-help", classes="help", markup=False)
            yield from self.fields()
            yield Static("", id="dialog-error", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(self.save_label(), variant="primary", id="save")
                yield Button(t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        """A line of help only when there is something to say."""
        self.query_one("#dialog-help").display = bool(self.help_text())

    def heading(self) -> str:
        """The dialog's title line."""
        return ""

    def help_text(self) -> str:
        """A line under the title; empty for none."""
        return ""

    def save_label(self) -> str:
        """The word on the button that does it."""
        return t("dialog.save")

    def fields(self) -> ComposeResult:
        """The dialog's own fields."""
        yield from ()

    def job(self) -> Job:
        """What saving does; ValueError with a message when a field is wrong."""
        raise NotImplementedError

    def done(self, name: str) -> str:
        """What to tell the person once the core has done it (the command line's words)."""
        raise NotImplementedError

    def show_help(self, text: str) -> None:
        """Put ``text`` (kplan's words, plan text already made visible) under the title."""
        line = self.query_one("#dialog-help", Label)
        line.update(text)
        line.display = bool(text)

    def action_save(self) -> None:
        """Check the form, then ask the core off the event loop."""
        try:
            job = self.job()
        except ValueError as problem:
            self.show_error(str(problem))
            return
        self.query_one("#save", Button).disabled = True
        self._save(job)

    @work(thread=True, exclusive=True, group="save")
    def _save(self, job: Job) -> None:
        try:
            name = self.kplan.save_round(job)
        except KplanError as error:
            self.post_message(Refused(error.message))
            return
        self.post_message(RoundSaved(name))

    def on_refused(self, message: Refused) -> None:
        """The core refused: say why in place; nothing was written."""
        message.stop()
        self.query_one("#save", Button).disabled = False
        self.show_error(message.message)

    def on_round_saved(self, message: RoundSaved) -> None:
        """Done: say so as the command line does, and close."""
        message.stop()
        self.notify(self.done(message.name))
        self.dismiss(True)


class ReportDialog(RoundDialog):
    """Report a measure in the open round, with an optional note (``kplan round report``)."""

    def __init__(self, measure: str) -> None:
        super().__init__()
        self.measure = measure
        self.current: dict[str, Any] | None = None

    def heading(self) -> str:
        """Which round, once read, and which measure."""
        plan = self.kplan.plan
        found = None if plan is None else plan.measure(self.measure)
        title = "" if found is None else found.title
        if self.current is None:
            what = t("tui_rounds.report_title_none")
        else:
            what = t("tui_rounds.report_title", name=visible(self.current["name"]))
        return f"{what} · {visible(self.measure)} {visible(title)}"

    def save_label(self) -> str:
        """The button reports."""
        return t("tui_rounds.report")

    def fields(self) -> ComposeResult:
        """The note, optional as in ``kplan round report --note``."""
        yield Label(t("dialog.note"), classes="field-label", markup=False)
        yield Input(placeholder=t("dialog.note_placeholder"), id="note", compact=True)

    def on_mount(self) -> None:
        """Read the open round: its name, and whether the measure is reported already."""
        super().on_mount()
        self.read_round()

    @work(thread=True, exclusive=True, group="read")
    def read_round(self) -> None:
        """The open round's detail, off the event loop; no open round is said in place."""
        try:
            # status() refuses as `kplan round report` would when no round is open.
            name = self.workspace.round_status()["round"]
            detail = self.workspace.round_detail(name)
        except KplanError as error:
            self.post_message(Refused(error.message))
            return
        self.post_message(RoundsRead([], detail))

    def on_rounds_read(self, message: RoundsRead) -> None:
        """Name the round in the title; say who reported the measure already, if anyone."""
        message.stop()
        self.current = message.detail
        self.query_one("#dialog-title", Label).update(self.heading())
        if self.current is None:
            return
        earlier = next((r for r in self.current["reports"] if r["measure"] == self.measure), None)
        if earlier is not None:
            self.show_help(
                t(
                    "tui_rounds.reported_before",
                    by=visible(earlier["by"]),
                    at=moment(earlier["at"]),
                )
            )

    def job(self) -> Job:
        """Report the measure with the note written, if any."""
        note = self.query_one("#note", Input).value.strip() or None
        measure = self.measure
        return lambda workspace: workspace.report(measure, note)

    def done(self, name: str) -> str:
        """As ``kplan round report`` says it."""
        return t("round.reported", measure=visible(self.measure), name=visible(name))


class OpenRoundDialog(RoundDialog):
    """Open a follow-up round: its name and due date (``kplan round open NAME --due``)."""

    def __init__(self) -> None:
        super().__init__()
        self.due: dt.date | None = None

    def heading(self) -> str:
        """The dialog's name."""
        return t("tui_rounds.open_title")

    def help_text(self) -> str:
        """What opening a round leads to."""
        return t("tui_rounds.open_help")

    def save_label(self) -> str:
        """The button opens."""
        return t("tui_rounds.open")

    def fields(self) -> ComposeResult:
        """Name and due date."""
        yield Label(t("tui_rounds.name"), classes="field-label", markup=False)
        yield Input(placeholder=t("tui_rounds.name_placeholder"), id="name", compact=True)
        yield Label(t("tui_rounds.due"), classes="field-label", markup=False)
        yield Input(placeholder="YYYY-MM-DD", id="due", compact=True)

    def job(self) -> Job:
        """Open the round; a due date that is not a date is refused as ``--due`` is."""
        name = self.query_one("#name", Input).value
        written = self.query_one("#due", Input).value.strip()
        due = None
        if written:
            try:
                due = dt.date.fromisoformat(written)
            except ValueError:
                raise ValueError(t("opt.bad_date", value=visible(written))) from None
        self.due = due
        return lambda workspace: workspace.open_round(name, due)

    def done(self, name: str) -> str:
        """As ``kplan round open`` says it."""
        key = "round.opened_due" if self.due else "round.opened"
        return t(key, name=visible(name), due=self.due)


class CloseRoundDialog(RoundDialog):
    """Close the open round into a snapshot (``kplan round close [--force]``)."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__()
        self.current = current

    def heading(self) -> str:
        """The round to close."""
        name = "–" if self.current is None else visible(self.current["name"])
        return t("tui_rounds.close_title", name=name)

    def help_text(self) -> str:
        """How far the round has come, and what closing does."""
        if self.current is None:
            return ""
        return t(
            "tui_rounds.close_question",
            reported=self.current["reported"],
            total=self.current["total"],
            name=visible(self.current["name"]),
        )

    def save_label(self) -> str:
        """The button closes."""
        return t("tui_rounds.close")

    def fields(self) -> ComposeResult:
        """Whether to close with measures unreported (``--force``)."""
        yield Checkbox(t("tui_rounds.force"), id="force", compact=True)

    def job(self) -> Job:
        """Close the round; the core refuses while measures are unreported, unless forced."""
        force = self.query_one("#force", Checkbox).value
        return lambda workspace: workspace.close_round(force=force)

    def done(self, name: str) -> str:
        """As ``kplan round close`` says it."""
        return t("round.closed", name=visible(name))
