"""Modal dialogs: editing a measure and its collaborations, adding one, a note for a move,
reporting a measure in the open round."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kplan.i18n import t
from kplan.tui.dialogs.rounds import ReportDialog

if TYPE_CHECKING:
    from kplan.tui.screens.base import KplanScreen


def open_edit_dialog(screen: KplanScreen[None], what: str, measure: str) -> None:
    """Open the dialog that edits ``what`` of a measure.

    ``what`` is a follow-up value (status, four_p, perspective, record), the
    measure itself (measure), its läget (situation), or its collaborations
    (collab_add, collab_edit, step).
    """
    from kplan.tui.dialogs.base import EditDialog
    from kplan.tui.dialogs.edits import FourPDialog, PerspectiveDialog, RecordDialog, StatusDialog
    from kplan.tui.dialogs.structure import (
        CollabAddDialog,
        CollabEditDialog,
        MeasureEditDialog,
        SituationDialog,
        StepDialog,
    )

    dialogs: dict[str, type[EditDialog]] = {
        "status": StatusDialog,
        "four_p": FourPDialog,
        "perspective": PerspectiveDialog,
        "record": RecordDialog,
        "measure": MeasureEditDialog,
        "situation": SituationDialog,
        "collab_add": CollabAddDialog,
        "collab_edit": CollabEditDialog,
        "step": StepDialog,
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
    if what in ("collab_edit", "step") and not found.collaborations:
        screen.notify(t("tui_edit.no_collaborations", measure=measure), severity="warning")
        return
    screen.app.push_screen(dialogs[what](measure))


def open_add_measure(screen: KplanScreen[None], added: Callable[[str], None]) -> None:
    """Open the dialog that adds a measure; ``added`` gets the new id once it is saved."""
    from kplan.tui.dialogs.structure import AddMeasureDialog

    if screen.kplan.plan is None:
        return
    dialog = AddMeasureDialog()

    def closed(saved: bool | None) -> None:
        if saved and dialog.added:
            added(dialog.added)

    screen.app.push_screen(dialog, closed)


def open_report_dialog(screen: KplanScreen[None], measure: str) -> None:
    """Open the dialog that reports ``measure`` in the open round, with a note."""
    plan = screen.kplan.plan
    if plan is None or plan.measure(measure) is None:
        return
    screen.app.push_screen(ReportDialog(measure))
