"""Modal dialogs: editing a measure, and a note for a move on the ladder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kplan.i18n import t

if TYPE_CHECKING:
    from kplan.tui.app import KplanApp


def open_edit_dialog(app: KplanApp, what: str, measure: str) -> None:
    """Open the dialog that edits ``what`` (status, four_p, perspective, record) of a measure."""
    from kplan.tui.dialogs.edits import FourPDialog, PerspectiveDialog, RecordDialog, StatusDialog

    dialogs = {
        "status": StatusDialog,
        "four_p": FourPDialog,
        "perspective": PerspectiveDialog,
        "record": RecordDialog,
    }
    plan = app.plan
    if plan is None:
        return
    found = next((m for m in plan.measures if m.id == measure), None)
    if found is None:
        return
    if what == "record" and not found.indicators:
        app.notify(t("tui.no_indicators", measure=measure), severity="warning")
        return
    app.push_screen(dialogs[what](measure))
