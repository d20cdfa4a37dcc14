"""SVG snapshots of every kplan screen and dialog, at 80×24 and 120×40.

The store is the fixed Örebro store (fixed clock and history), the app does
not poll (``live=False``) and no Input's cursor blinks, so every run draws the
same pictures. Update them with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the report before accepting a change.

Colour: the shared conftest sets ``NO_COLOR=1``, under which Textual draws
everything in monochrome. These snapshots are taken *in colour* (NO_COLOR
removed), because that is what most people see and the status colours are
part of the design; one extra snapshot keeps the NO_COLOR look, where the
glyphs alone must tell the states apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from kplan.tui.dialogs.base import EditDialog
from kplan.tui.screens.measure import MeasureScreen
from kplan.tui.widgets.measure_table import MeasureTable
from tests.tui.fixed_app import add_rounds, make_app, steady_inputs, wait_for_plan, wait_until

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

Before = Callable[[Any], Awaitable[None]]
SnapCompare = Callable[..., bool]


@pytest.fixture
def in_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the snapshots in colour (see the module's docstring)."""
    monkeypatch.delenv("NO_COLOR", raising=False)


async def settle(pilot: Any) -> None:
    """Steady cursors; the snapshot itself then waits for the screen to be idle."""
    steady_inputs(pilot.app)


async def on_measure(pilot: Any, measure: str) -> None:
    """Wait for the plan and put the overview's cursor on ``measure``."""
    await wait_for_plan(pilot)
    table = pilot.app.screen.query_one("#measures", MeasureTable)
    table.move_cursor(row=table.get_row_index(measure))
    await pilot.pause()


def overview() -> Before:
    async def before(pilot: Any) -> None:
        await wait_for_plan(pilot)
        await settle(pilot)

    return before


def overview_filtered(expression: str) -> Before:
    async def before(pilot: Any) -> None:
        await wait_for_plan(pilot)
        await pilot.press("slash")
        field = pilot.app.screen.query_one("#filter", Input)
        field.value = expression
        field.cursor_position = len(expression)
        await settle(pilot)

    return before


def measure(key: str) -> Before:
    async def before(pilot: Any) -> None:
        await on_measure(pilot, key)
        await pilot.press("enter")
        app = pilot.app
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        await wait_until(pilot, lambda: app.screen.events, what="its events")
        await settle(pilot)

    return before


def dialog(
    key: str, press: str, *, fields: dict[str, str] | None = None, save: bool = False
) -> Before:
    async def before(pilot: Any) -> None:
        await on_measure(pilot, key)
        await pilot.press(press)
        app = pilot.app
        await wait_until(pilot, lambda: isinstance(app.screen, EditDialog), what="the dialog")
        await pilot.pause()
        for widget_id, text in (fields or {}).items():
            field = app.screen.query_one(f"#{widget_id}", Input)
            field.value = text
            field.cursor_position = len(text)
        if save:
            await pilot.press("ctrl+s")
        await settle(pilot)

    return before


def view(press: str, screen_name: str, ready: Callable[[Any], object] | None = None) -> Before:
    """Open the board, matrix or log from the overview."""

    async def before(pilot: Any) -> None:
        await wait_for_plan(pilot)
        await pilot.press(press)
        app = pilot.app
        await wait_until(pilot, lambda: type(app.screen).__name__ == screen_name, 3.0, screen_name)
        if ready is not None:
            await wait_until(pilot, lambda: ready(app.screen), 3.0, f"{screen_name} to fill")
        await settle(pilot)

    return before


def board_note() -> Before:
    """The board, with the note dialog asking about moving the first card up."""
    board = view("b", "BoardScreen", lambda screen: screen.cards)

    async def before(pilot: Any) -> None:
        await board(pilot)
        await pilot.press("right_square_bracket")
        app = pilot.app
        await wait_until(pilot, lambda: type(app.screen).__name__ == "NoteDialog", what="note")
        await settle(pilot)

    return before


def edit_dialog(*, fields: dict[str, str] | None = None, save: bool = False) -> Before:
    """Measure 7's screen with its edit dialog (``e``) open."""
    on_screen = measure("7")

    async def before(pilot: Any) -> None:
        await on_screen(pilot)
        await pilot.press("e")
        app = pilot.app
        await wait_until(pilot, lambda: isinstance(app.screen, EditDialog), what="the dialog")
        await pilot.pause()
        for widget_id, text in (fields or {}).items():
            field = app.screen.query_one(f"#{widget_id}", Input)
            field.value = text
        if save:
            await pilot.press("ctrl+s")
            await wait_until(
                pilot,
                lambda: app.screen.query_one("#dialog-error").has_class("visible"),
                what="error",
            )
        await settle(pilot)

    return before


def add_measure_dialog() -> Before:
    """The overview with the add-measure dialog (``a``) open."""

    async def before(pilot: Any) -> None:
        await wait_for_plan(pilot)
        await pilot.press("a")
        app = pilot.app
        await wait_until(pilot, lambda: isinstance(app.screen, EditDialog), what="the dialog")
        await pilot.pause()
        await settle(pilot)

    return before


CASES: dict[str, Before] = {
    "overview": overview(),
    "overview_filter": overview_filtered("status:delayed"),
    "overview_filter_error": overview_filtered("owner:nobody"),
    "measure_7": measure("7"),
    "status_dialog": dialog("7", "s"),
    "status_dialog_error": dialog("7", "s", fields={"progress": "150"}, save=True),
    "four_p_dialog": dialog("7", "f"),
    "perspective_dialog": dialog("7", "v"),
    "record_dialog": dialog("10", "r"),
    "record_dialog_error": dialog("10", "r", fields={"period": "2016-X", "value": "5"}, save=True),
    "board": view("b", "BoardScreen", lambda screen: screen.cards),
    "board_note_dialog": board_note(),
    "matrix": view("p", "MatrixScreen"),
    "log": view("l", "LogScreen", lambda screen: screen.events is not None),
    "edit_dialog": edit_dialog(),
    "edit_dialog_error": edit_dialog(fields={"due": "2017-13-45"}, save=True),
    "add_measure_dialog": add_measure_dialog(),
}


@pytest.mark.usefixtures("in_colour")
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(CASES))
def test_screen(
    snap_compare: SnapCompare, orebro_store: Path, case: str, size: tuple[int, int]
) -> None:
    app = make_app(orebro_store)
    assert snap_compare(app, terminal_size=size, run_before=CASES[case])


def test_overview_without_colour(snap_compare: SnapCompare, orebro_store: Path) -> None:
    """NO_COLOR=1 (from the shared conftest): states read from their glyphs alone."""
    app = make_app(orebro_store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=overview())


def test_kronoberg_overview(
    snap_compare: SnapCompare, kronoberg_store: Path, in_colour: None
) -> None:
    """Another plan's perspectives in the headings, on a wide terminal."""
    # A person of that plan: anyone else gets a warning over the overview.
    app = make_app(kronoberg_store, "hjonsson")
    assert snap_compare(app, terminal_size=(200, 50), run_before=overview())


# Rounds: the store holds a closed round and an open one due in 14 days (fixed_app.ROUND_HISTORY).


def overview_with_round() -> Before:
    """The overview once the open round is in its summary."""

    async def before(pilot: Any) -> None:
        await wait_for_plan(pilot)
        summary = pilot.app.screen.query_one("#summary")
        await wait_until(pilot, lambda: summary.current_round is not None, what="the round")
        await settle(pilot)

    return before


def rounds_screen() -> Before:
    """The rounds screen (``u``), the open round's owners below the list, one owner's reports."""

    async def before(pilot: Any) -> None:
        await wait_for_plan(pilot)
        await pilot.press("u")
        app = pilot.app
        await wait_until(pilot, lambda: type(app.screen).__name__ == "RoundsScreen", what="rounds")
        await wait_until(pilot, lambda: app.screen.detail is not None, what="the open round")
        # tstrom's report, with its note, below the owners.
        owners = app.screen.query_one("#round-owners")
        owners.move_cursor(row=owners.get_row_index("tstrom"))
        reports = app.screen.query_one("#round-reports")
        await wait_until(pilot, lambda: "tstrom" in str(reports.render()), what="the reports")
        await settle(pilot)

    return before


def report_dialog() -> Before:
    """Measure 7's screen with the report dialog (``u``) open and a note written."""
    on_screen = measure("7")

    async def before(pilot: Any) -> None:
        await on_screen(pilot)
        await pilot.press("u")
        app = pilot.app
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ReportDialog", what="dialog")
        await wait_until(pilot, lambda: app.screen.current is not None, what="the round")
        field = app.screen.query_one("#note", Input)
        field.value = "Praktikplatserna är klara"
        field.cursor_position = len(field.value)
        await settle(pilot)

    return before


ROUND_CASES: dict[str, Before] = {
    "overview_round": overview_with_round(),
    "rounds": rounds_screen(),
    "report_dialog": report_dialog(),
}


@pytest.mark.usefixtures("in_colour")
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(ROUND_CASES))
def test_round_screen(
    snap_compare: SnapCompare, orebro_store: Path, case: str, size: tuple[int, int]
) -> None:
    add_rounds(orebro_store)
    app = make_app(orebro_store)
    assert snap_compare(app, terminal_size=size, run_before=ROUND_CASES[case])
