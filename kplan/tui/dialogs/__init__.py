"""Modal dialogs: editing a measure, and a note for a move on the ladder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kplan.i18n import t

if TYPE_CHECKING:
    from kplan.tui.screens.base import KplanScreen


def open_edit_dialog(screen: KplanScreen[None], what: str, measure: str) -> None:
    """Open the dialog that edits ``what`` (status, four_p, perspective, record) of a measure."""
    from kplan.tui.dialogs.edits import FourPDialog, PerspectiveDialog, RecordDialog, StatusDialog

    dialogs = {
        "status": StatusDialog,
        "four_p": FourPDialog,
        "perspective": PerspectiveDialog,
        "record": RecordDialog,
    }
    plan = screen.kplan.plan
    if plan is None:
        return
    found = plan.measure(measure)
    if found is None:
        return
    if what == "record" and not found.indicators:
        screen.notify(t("tui.no_indicators", measure=measure), severity="warning")
        return
    screen.app.push_screen(dialogs[what](measure))
