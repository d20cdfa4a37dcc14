"""What a process owner does in the TUI, driven through Textual's Pilot.

Every flow checks what the user sees on the screen and what the store holds
afterwards, read back through the core (``kplan.core.queries``) on the same
store file. The tests are plain functions that run their scenario with
``asyncio.run`` (pytest-asyncio is not used in this project).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.widgets import Button, DataTable, HelpPanel, Input, Select, Static

from kplan.core.changes import Change, apply_changes
from kplan.core.filters import filter_measures, parse_expression
from kplan.core.queries import load, log, show
from kplan.domain import PERIOD_FORMATS
from kplan.errors import KplanError
from kplan.i18n import t
from kplan.present.summary import measure_detail
from kplan.store.engine import Store, open_store
from kplan.tui.app import KplanApp
from kplan.tui.dialogs.base import EditDialog
from kplan.tui.dialogs.edits import FourPDialog, PerspectiveDialog, RecordDialog, StatusDialog
from kplan.tui.screens.log import LogTable
from kplan.tui.screens.measure import MeasureScreen
from kplan.tui.screens.overview import OverviewScreen
from kplan.tui.widgets.measure_table import MeasureTable
from tests.conftest import dump_store
from tests.tui.fixed_app import (
    HISTORY,
    build_store,
    make_app,
    plain,
    row_keys,
    screen_text,
    wait_for_plan,
    wait_until,
    widget_text,
)

SIZE = (120, 40)
ALL = [str(n) for n in range(1, 23)]
NOW = "2016-03-01T12:00:00Z"  # the fixtures' KPLAN_NOW

Scenario = Callable[[Any], Awaitable[None]]


# Helpers ------------------------------------------------------------------------------------


def run(app: KplanApp, scenario: Scenario, size: tuple[int, int] = SIZE, **options: Any) -> None:
    """Run ``scenario(pilot)`` on ``app`` once its plan is on the screen."""

    async def main() -> None:
        async with app.run_test(size=size, **options) as pilot:
            await wait_for_plan(pilot)
            await scenario(pilot)

    asyncio.run(main())


@contextmanager
def store_at(path: Path) -> Iterator[Store]:
    """A second, independent connection to the test's store."""
    store = open_store(str(path), create=False)
    try:
        yield store
    finally:
        store.close()


def measure_in_store(path: Path, key: str) -> dict[str, Any]:
    """The core's view of one measure."""
    with store_at(path) as store:
        return measure_detail(*show(store, key))


def events_in_store(path: Path, measure: str | None = None) -> list[dict[str, Any]]:
    """Every event of the plan (or of one measure), newest first."""
    with store_at(path) as store:
        return log(store, measure=measure, limit=0)


def table_of(app: KplanApp) -> MeasureTable:
    """The overview's measure table (the overview is always at the bottom of the stack)."""
    return app.screen_stack[1].query_one("#measures", MeasureTable)


def cell(app: KplanApp, measure: str, column: str) -> str:
    """One overview cell as plain text."""
    return plain(table_of(app).get_cell(measure, column)).strip()


def headings(table: DataTable[Any]) -> list[str]:
    """The table's column headings as the user reads them."""
    return [str(column.label) for column in table.columns.values()]


def shown_line(app: KplanApp) -> str:
    """The overview's "N of M measures" line."""
    return widget_text(app.screen_stack[1].query_one("#shown", Static)).strip()


async def cursor_to(pilot: Any, measure: str, *, keys: bool = False) -> None:
    """Put the overview's cursor on a measure's row (with the arrow keys if ``keys``).

    Every key press costs Pilot a wait for idle, so most tests move the cursor directly.
    """
    table = table_of(pilot.app)
    table.focus()
    if keys:
        await pilot.press("ctrl+home", *["down"] * table.get_row_index(measure))
    else:
        table.move_cursor(row=table.get_row_index(measure))
    await pilot.pause()
    assert table.current_measure() == measure


async def open_dialog(pilot: Any, measure: str, key: str, kind: type[EditDialog]) -> EditDialog:
    """Put the cursor on ``measure`` and press ``key``; return the dialog that opens."""
    await cursor_to(pilot, measure)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), 2.0, kind.__name__)
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, kind)
    assert dialog.measure == measure
    return dialog


async def choose(pilot: Any, select: Select[str], value: str) -> None:
    """Choose a value in a Select and let the dialog react to it."""
    select.value = value
    await pilot.pause()
    await pilot.pause()


async def type_into(pilot: Any, field: Input, text: str) -> None:
    """Replace a field's text by typing it, key by key, the way a person does."""
    field.focus()
    await pilot.pause()
    field.value = ""
    await pilot.press(*text)


async def fill(pilot: Any, field: Input, text: str) -> None:
    """Set a field's text at once (cheaper than typing; the app sees the same Changed)."""
    field.focus()
    field.value = text
    await pilot.pause()


async def dialog_closed(pilot: Any) -> None:
    """Wait until no editing dialog is open any more."""
    await wait_until(
        pilot, lambda: not isinstance(pilot.app.screen, EditDialog), what="the dialog to close"
    )


def dialog_error(app: KplanApp) -> str:
    """The dialog's in-place error text."""
    return widget_text(app.screen.query_one("#dialog-error", Static)).strip()


# The overview -------------------------------------------------------------------------------


def test_overview_shows_every_measure(orebro_store: Path) -> None:
    with store_at(orebro_store) as store:
        plan = load(store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        assert isinstance(app.screen, OverviewScreen)
        table = table_of(app)
        assert row_keys(table) == [m.id for m in plan.measures] == ALL
        assert shown_line(app) == "22 of 22 measures"
        # At 120 columns the titles take the room a progress bar would: the
        # number stays, under a short heading.
        assert headings(table)[:6] == ["ID", "Title", "Owner", "Status", "%", "Steps"]
        # Glyph columns under short headings, spelled out in the legend below the table.
        assert headings(table)[-7:] == ["Pe", "Po", "Pl", "Pr", "kön", "åld", "etn"]
        legend = widget_text(app.screen.query_one("#legend")).strip()
        assert legend == (
            "Pe Perspektiv  Po Policy  Pl Plattform  Pr Process · åld ålder  etn etnicitet"
        )
        assert cell(app, "7", "title") == "Arbetslivskunskap i vägledningen"
        assert cell(app, "7", "status") == "▒ delayed"
        assert cell(app, "7", "progress").endswith("35%")
        assert cell(app, "7", "steps") == "1–2"
        summary = widget_text(app.screen.query_one("#summary"))
        for part in ("2 not started", "10 ongoing", "4 delayed", "5 done", "1 cancelled"):
            assert part in summary
        assert "Fyra P done: 25%" in summary
        assert "Handlingsplan för kompetensförsörjning · sforsberg" in screen_text(app)

    run(make_app(orebro_store), scenario)


def test_open_measure_shows_it_and_escape_goes_back(orebro_store: Path) -> None:
    expected = measure_in_store(orebro_store, "7")

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await cursor_to(pilot, "7", keys=True)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="the measure")
        screen = app.screen
        assert screen.measure == "7"
        await wait_until(pilot, lambda: screen.events, what="the measure's events")

        head = widget_text(screen.query_one("#measure-head"))
        assert "7  Arbetslivskunskap i vägledningen" in head
        assert "Sara Forsberg" in head
        assert "▒ delayed" in head
        assert "35%" in head
        goal = " ".join(widget_text(screen.query_one("#measure-goal")).split())
        assert f"Goal: {expected['goal']}" in goal

        collaborations = widget_text(screen.query_one("#measure-collaborations"))
        assert "syv-foretag: Vägledare möter arbetsgivare" in collaborations
        # The staircase names every step; the current one carries its question.
        assert "2 Samsyn  ◀ Vad bör göras?" in collaborations
        assert "1 Samtal  ◀ Vem vill och varför?" in collaborations
        assert "4 Samhandling" in collaborations

        # The recent events are the store's, the fixed history among them.
        assert [e["id"] for e in screen.events] == [e["id"] for e in expected["events"]]
        # The events are a grid (time | the rest), so shorter rows end in padding.
        shown = widget_text(screen.query_one("#measure-events")).splitlines()
        events = "\n".join(line.rstrip() for line in shown)
        assert events.startswith("Recent events\n")
        assert (
            "2016-01-18 10:31 CET  sforsberg  progress: 40% → 35%  «Praktikplatserna dröjer»\n"
            "2016-01-18 10:30 CET  sforsberg  status: ongoing → delayed  «Praktikplatserna dröjer»"
        ) in events
        assert "Arbetslivskunskap i vägledningen" in screen_text(app)

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen), what="overview")
        assert table_of(app).current_measure() == "7"

    run(make_app(orebro_store), scenario)


def test_filter_by_status_shows_the_delayed_measures(orebro_store: Path) -> None:
    with store_at(orebro_store) as store:
        delayed = [m.id for m in filter_measures(load(store), parse_expression("status:delayed"))]
    assert delayed == ["5", "7", "13", "21"]

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        bar = app.screen.query_one("#filter-bar")
        assert not bar.display
        await pilot.press("slash")
        await pilot.pause()
        field = app.screen.query_one("#filter", Input)
        assert bar.display and field.has_focus
        await pilot.press(*"status:delayed")
        await pilot.pause()
        table = table_of(app)
        assert row_keys(table) == delayed
        # 5 and 13 are past their due date: the overdue mark stands in place of the shade.
        assert all(
            cell(app, key, "status") == ("! delayed" if key in ("5", "13") else "▒ delayed")
            for key in delayed
        )
        assert shown_line(app) == "4 of 22 measures · filter: status:delayed"
        # Enter keeps the filter and goes back to the table.
        await pilot.press("enter")
        await pilot.pause()
        assert table.has_focus
        assert row_keys(table) == delayed

    run(make_app(orebro_store), scenario)


def test_bad_filter_shows_the_error_and_escape_clears_it(orebro_store: Path) -> None:
    with store_at(orebro_store) as store, pytest.raises(KplanError) as refused:
        filter_measures(load(store), parse_expression("owner:nobody"))

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("slash")
        await fill(pilot, app.screen.query_one("#filter", Input), "owner:nobody")
        error = widget_text(app.screen.query_one("#filter-error")).strip()
        assert error == refused.value.message
        assert "nobody" in error and "sforsberg" in error
        assert table_of(app).row_count == 0
        assert shown_line(app) == "0 of 22 measures · filter: owner:nobody"

        await pilot.press("escape")
        await pilot.pause()
        assert widget_text(app.screen.query_one("#filter-error")).strip() == ""
        assert app.screen.query_one("#filter", Input).value == ""
        assert not app.screen.query_one("#filter-bar").display
        assert row_keys(table_of(app)) == ALL
        assert shown_line(app) == "22 of 22 measures"
        assert table_of(app).has_focus

    run(make_app(orebro_store), scenario)


def test_free_text_filter_matches_title_goal_and_area(orebro_store: Path) -> None:
    with store_at(orebro_store) as store:
        plan = load(store)
    expected = [m.id for m in filter_measures(plan, parse_expression("pendling"))]
    # 20 and 21 name it in the title, 22 only in its area ("Pendling och tillgänglighet").
    assert expected == ["20", "21", "22"]
    for measure in plan.measures:
        text = f"{measure.title} {measure.goal} {measure.area}".casefold()
        assert ("pendling" in text) == (measure.id in expected)

    async def scenario(pilot: Any) -> None:
        await pilot.press("slash")
        await fill(pilot, pilot.app.screen.query_one("#filter", Input), "PENDLING")
        assert row_keys(table_of(pilot.app)) == expected
        assert shown_line(pilot.app) == "3 of 22 measures · filter: PENDLING"

    run(make_app(orebro_store), scenario)


def test_mine_shows_my_measures_and_back(orebro_store: Path) -> None:
    with store_at(orebro_store) as store:
        hers = [m.id for m in load(store).measures if m.owner == "sforsberg"]
    assert hers == ["6", "7"]

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("m")
        await pilot.pause()
        assert row_keys(table_of(app)) == hers
        assert shown_line(app) == "2 of 22 measures · mine (sforsberg)"
        await pilot.press("m")
        await pilot.pause()
        assert row_keys(table_of(app)) == ALL
        assert shown_line(app) == "22 of 22 measures"

    run(make_app(orebro_store), scenario)


def test_mine_for_someone_who_owns_nothing_warns(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("m")
        await pilot.pause()
        warning = t("tui.not_an_owner", actor="tester")
        notes = list(app._notifications)
        # "tester" is not a person of the plan either, which the TUI said at start.
        stranger = t(
            "people.not_a_person", actor="tester", plan="orebro-kompetens", suggestion="tstrom"
        )
        assert [(n.message, n.severity) for n in notes] == [
            (stranger, "warning"),
            (warning, "warning"),
        ]
        await wait_until(pilot, lambda: "owns no measure" in screen_text(app), what="the toast")
        assert not app.screen.mine
        assert row_keys(table_of(app)) == ALL
        assert shown_line(app) == "22 of 22 measures"

    run(make_app(orebro_store, actor="tester"), scenario, notifications=True)


def test_sort_keys_order_the_table(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("o")  # first column: ID, ascending
        await pilot.pause()
        assert row_keys(table_of(app)) == ALL
        assert shown_line(app) == "22 of 22 measures · sorted by ID ↑"
        await pilot.press("o")  # next column: title
        await pilot.pause()
        titles = [cell(app, key, "title") for key in row_keys(table_of(app))]
        assert titles == sorted(titles, key=str.casefold)
        assert shown_line(app).endswith("sorted by Title ↑")

    run(make_app(orebro_store), scenario)


def test_shift_o_sorts_descending(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("O")
        await pilot.pause()
        assert row_keys(table_of(app)) == list(reversed(ALL))
        assert shown_line(app) == "22 of 22 measures · sorted by ID ↓"

    run(make_app(orebro_store), scenario)


# Editing dialogs ----------------------------------------------------------------------------


def test_change_status_with_the_keyboard(orebro_store: Path) -> None:
    before = events_in_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        dialog = await open_dialog(pilot, "7", "s", StatusDialog)
        assert "Status and progress · 7 Arbetslivskunskap i vägledningen" in screen_text(app)
        status = dialog.query_one("#status", Select)
        progress = dialog.query_one("#progress", Input)
        assert status.value == "delayed" and progress.value == "35"
        assert status.has_focus
        # Open the list, one down from "delayed" is "done", take it.
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert status.value == "done"
        await pilot.press("tab")  # to progress: its text is selected on focus
        await pilot.pause()
        assert progress.has_focus
        await pilot.press(*"100")
        assert progress.value == "100"
        await pilot.press("tab")
        note = dialog.query_one("#note", Input)
        assert note.has_focus
        await fill(pilot, note, "Alla platser klara")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)
        assert isinstance(app.screen, OverviewScreen)
        # The row shows the new state without waiting for a poll interval.
        await wait_until(pilot, lambda: cell(app, "7", "status") == "█ done", what="the row")
        assert cell(app, "7", "progress").endswith("100%")
        assert table_of(app).current_measure() == "7"

    run(make_app(orebro_store), scenario)

    stored = measure_in_store(orebro_store, "7")
    assert (stored["status"], stored["progress"]) == ("done", 100)
    after = events_in_store(orebro_store)
    new = after[: len(after) - len(before)]
    assert after[len(new) :] == before
    assert sorted((e["field"], e["old"], e["new"]) for e in new) == [
        ("progress", "35", "100"),
        ("status", "delayed", "done"),
    ]
    for event in new:
        assert event["actor"] == "sforsberg"
        assert event["note"] == "Alla platser klara"
        assert event["measure"] == "7"
        assert event["at"] == NOW


def test_save_button_saves_from_the_measure_screen(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await cursor_to(pilot, "6")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        measure_screen = app.screen
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, StatusDialog), what="dialog")
        dialog = app.screen
        await choose(pilot, dialog.query_one("#status", Select), "delayed")
        await fill(pilot, dialog.query_one("#note", Input), "Vänta på hösten")
        await pilot.click("#save")
        await dialog_closed(pilot)
        assert app.screen is measure_screen
        await wait_until(
            pilot,
            lambda: "▒ delayed" in widget_text(measure_screen.query_one("#measure-head")),
            2.0,
            "the measure screen to show the new status",
        )
        await wait_until(
            pilot,
            lambda: "«Vänta på hösten»" in widget_text(measure_screen.query_one("#measure-events")),
            2.0,
            "the new event",
        )
        # The overview underneath was kept current too.
        assert cell(app, "6", "status") == "▒ delayed"

    run(make_app(orebro_store), scenario)
    assert measure_in_store(orebro_store, "6")["status"] == "delayed"
    newest = events_in_store(orebro_store, "6")[0]
    assert (newest["field"], newest["new"], newest["note"]) == (
        "status",
        "delayed",
        "Vänta på hösten",
    )


def test_saving_unchanged_values_writes_nothing_and_says_so(orebro_store: Path) -> None:
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await open_dialog(pilot, "7", "s", StatusDialog)
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)
        messages = [n.message for n in app._notifications]
        assert messages == [t("change.nothing")]

    run(make_app(orebro_store), scenario, notifications=True)
    assert dump_store(orebro_store) == before


@pytest.mark.parametrize("how", ["escape", "cancel button"])
def test_cancelled_dialog_writes_nothing(orebro_store: Path, how: str) -> None:
    before_log = events_in_store(orebro_store)
    before_dump = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        dialog = await open_dialog(pilot, "7", "s", StatusDialog)
        await choose(pilot, dialog.query_one("#status", Select), "done")
        await fill(pilot, dialog.query_one("#progress", Input), "100")
        await fill(pilot, dialog.query_one("#note", Input), "ångrar mig")
        if how == "escape":
            await pilot.press("escape")
        else:
            await pilot.click("#cancel")
        await dialog_closed(pilot)
        await wait_until(pilot, lambda: cell(app, "7", "status") == "▒ delayed", what="the row")
        assert isinstance(app.screen, OverviewScreen)
        assert cell(app, "7", "status") == "▒ delayed"

    run(make_app(orebro_store), scenario)
    assert events_in_store(orebro_store) == before_log
    assert dump_store(orebro_store) == before_dump


def test_progress_out_of_range_keeps_the_dialog_open(orebro_store: Path) -> None:
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        dialog = await open_dialog(pilot, "7", "s", StatusDialog)
        await type_into(pilot, dialog.query_one("#progress", Input), "150")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog_error(app), what="the error")
        assert app.screen is dialog
        error = dialog_error(app)
        assert "from 0 to 100" in error and "'150'" in error
        assert error == t("change.progress", value="150")
        assert error in screen_text(app)
        assert not dialog.query_one("#save", Button).disabled
        # Only digits (and a minus) can be typed at all.
        await type_into(pilot, dialog.query_one("#progress", Input), "4x2")
        assert dialog.query_one("#progress", Input).value == "42"
        await pilot.press("escape")
        await dialog_closed(pilot)

    run(make_app(orebro_store), scenario)
    assert dump_store(orebro_store) == before


def test_record_dialog_checks_period_and_value(orebro_store: Path) -> None:
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        dialog = await open_dialog(pilot, "10", "r", RecordDialog)
        assert dialog.query_one("#indicator", Select).value == "validerade"
        period = dialog.query_one("#period", Input)
        value = dialog.query_one("#value", Input)
        await fill(pilot, period, "2016-X")
        await fill(pilot, value, "130")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog_error(app), what="the error")
        assert app.screen is dialog
        error = dialog_error(app)
        assert error == t("change.period", period="2016-X", formats=PERIOD_FORMATS)
        assert PERIOD_FORMATS in error

        await fill(pilot, period, "2016-T2")
        await fill(pilot, value, "abc")
        await pilot.press("enter")  # Enter in a field saves too
        await wait_until(pilot, lambda: "abc" in dialog_error(app), what="the new error")
        assert app.screen is dialog
        assert dialog_error(app) == "'abc' is not a number"
        await pilot.press("escape")
        await dialog_closed(pilot)

    run(make_app(orebro_store), scenario)
    assert dump_store(orebro_store) == before


def test_record_dialog_saves_a_value(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        dialog = await open_dialog(pilot, "10", "r", RecordDialog)
        await fill(pilot, dialog.query_one("#period", Input), "2016-t2")
        await fill(pilot, dialog.query_one("#value", Input), "130,5")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)

    run(make_app(orebro_store), scenario)
    indicator = next(
        i for i in measure_in_store(orebro_store, "10")["indicators"] if i["id"] == "validerade"
    )
    assert indicator["values"]["2016-T2"] == 130.5
    newest = events_in_store(orebro_store)[0]
    assert (newest["indicator"], newest["field"], newest["actor"]) == (
        "validerade",
        "values.2016-T2",
        "sforsberg",
    )


def test_record_on_a_measure_without_indicators_warns(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await cursor_to(pilot, "7")
        await pilot.press("r")
        await wait_until(pilot, lambda: app._notifications, what="the message")
        assert isinstance(app.screen, OverviewScreen)
        messages = [(n.message, n.severity) for n in app._notifications]
        assert messages == [(t("tui.no_indicators", measure="7"), "warning")]

    run(make_app(orebro_store), scenario, notifications=True)


def test_four_p_dialog_saves_and_shows(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        assert cell(app, "7", "four_p.policy") == "○"
        dialog = await open_dialog(pilot, "7", "f", FourPDialog)
        part = dialog.query_one("#part", Select)
        state = dialog.query_one("#state", Select)
        assert (part.value, state.value) == ("perspektiv", "ongoing")
        await choose(pilot, part, "policy")
        # Choosing a part shows its meaning and its current state.
        assert state.value == "not-started"
        assert widget_text(dialog.query_one("#part-help")).strip() == t("four_p_help.policy")
        await choose(pilot, state, "done")
        await fill(pilot, dialog.query_one("#note", Input), "Beslut i nämnden")
        await pilot.click("#save")
        await dialog_closed(pilot)
        await wait_until(pilot, lambda: cell(app, "7", "four_p.policy") == "●", what="the cell")

    run(make_app(orebro_store), scenario)
    assert measure_in_store(orebro_store, "7")["four_p"]["policy"] == "done"
    newest = events_in_store(orebro_store)[0]
    assert (newest["field"], newest["old"], newest["new"], newest["note"]) == (
        "four_p.policy",
        "not-started",
        "done",
        "Beslut i nämnden",
    )


def test_perspective_dialog_saves_and_shows(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        assert cell(app, "7", "perspective.ålder") == "○"
        dialog = await open_dialog(pilot, "7", "v", PerspectiveDialog)
        perspective = dialog.query_one("#perspective", Select)
        level = dialog.query_one("#level", Select)
        assert (perspective.value, level.value) == ("kön", "partly")
        await choose(pilot, perspective, "ålder")
        assert level.value == "no"
        await choose(pilot, level, "yes")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)
        await wait_until(pilot, lambda: cell(app, "7", "perspective.ålder") == "●", what="the cell")

    run(make_app(orebro_store), scenario)
    assert measure_in_store(orebro_store, "7")["perspectives"]["ålder"] == "yes"
    newest = events_in_store(orebro_store)[0]
    assert (newest["field"], newest["new"], newest["note"]) == ("perspectives.ålder", "yes", None)


def test_narrow_overview_shows_four_p_and_perspectives_in_one_cell(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        assert headings(table_of(app)) == [
            "ID",
            "Title",
            "Owner",
            "Status",
            "%",
            "Steps",
            "4P",
            "Persp.",
        ]
        legend = widget_text(app.screen.query_one("#legend")).strip()
        assert legend == "4P Perspektiv Policy Plattform Process · Persp. kön ålder etnicitet"
        assert cell(app, "7", "four_p") == "◐○○○"
        assert cell(app, "7", "perspectives") == "◐○○"
        assert cell(app, "7", "progress") == "35%"

    run(make_app(orebro_store), scenario, size=(80, 24))


# Live refresh -------------------------------------------------------------------------------


def _live_refresh_scenario(store_location: Path | str, timeout: float) -> None:
    """Someone else changes measure 3; the open TUI shows it, reading only that measure."""

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        before = list(app.plan.measures)
        third = next(m for m in before if m.id == "3")
        assert cell(app, "3", "progress").endswith("60%")
        with store_at(store_location) as store:
            apply_changes(
                store, [Change("measure", "3", "progress", 90, "Snabbare")], actor="other"
            )
        await wait_until(
            pilot, lambda: cell(app, "3", "progress").endswith("90%"), timeout, "the live change"
        )
        # Only measure 3 was read again: the other measures are the same objects.
        assert app.plan.measures[0] is before[0]
        assert all(
            now is then
            for now, then in zip(app.plan.measures, before, strict=True)
            if now.id != "3"
        )
        fresh = next(m for m in app.plan.measures if m.id == "3")
        assert fresh is not third and fresh.progress == 90
        assert row_keys(table_of(app)) == ALL

    run(make_app(store_location, live=True), scenario)


def test_live_refresh_shows_someone_elses_change(orebro_store: Path) -> None:
    _live_refresh_scenario(orebro_store, 2.0)


def test_live_refresh_on_a_postgresql_store(
    postgres_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same on a server store: another connection's change reaches the open TUI."""
    build_store(postgres_db)
    monkeypatch.setenv("KPLAN_NOW", NOW)
    _live_refresh_scenario(postgres_db, 5.0)


def test_live_change_with_a_bad_filter_does_not_crash(orebro_store: Path) -> None:
    """A filter that does not parse (``step:x``) must survive a change arriving.

    Regression test: the overview's MeasuresChanged handler used to parse the
    filter outside the try that ``redraw`` has, so this crashed the app.
    """

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("slash")
        await fill(pilot, app.screen.query_one("#filter", Input), "step:x")
        assert widget_text(app.screen.query_one("#filter-error")).strip() == t(
            "filter.bad_step", value="x"
        )
        with store_at(orebro_store) as store:
            apply_changes(store, [Change("measure", "3", "progress", 90)], actor="other")
        app.poll_store()
        await wait_until(
            pilot,
            lambda: (
                app.plan is not None
                and next(m for m in app.plan.measures if m.id == "3").progress == 90
            ),
            what="the reload",
        )
        assert app.is_running
        assert app.plan is not None
        assert next(m for m in app.plan.measures if m.id == "3").progress == 90

    run(make_app(orebro_store), scenario)


def test_live_change_keeps_a_sorted_table_sorted(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press(*"ooooo")  # ID, Title, Owner, Status, Progress
        await pilot.pause()
        assert shown_line(app).endswith("sorted by Progress ↑")
        assert row_keys(table_of(app))[0] == "14"  # 0%
        with store_at(orebro_store) as store:
            apply_changes(store, [Change("measure", "14", "progress", 100)], actor="other")
        app.poll_store()
        await wait_until(
            pilot, lambda: cell(app, "14", "progress").endswith("100%"), what="the change"
        )
        progress = [app.plan.measures[int(key) - 1].progress for key in row_keys(table_of(app))]
        assert progress == sorted(progress)

    run(make_app(orebro_store), scenario)


# Language -----------------------------------------------------------------------------------


def test_swedish_overview_and_dialog(orebro_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        table = table_of(app)
        assert headings(table)[:6] == ["ID", "Titel", "Ansvarig", "Status", "%", "Steg"]
        summary = widget_text(app.screen.query_one("#summary"))
        for part in (
            "2 ej påbörjad",
            "10 påbörjad",
            "4 försenad",
            "5 genomförd",
            "1 avförd",
            "Fyra P klart: 25%",
            "Integrerat: kön 55%",
        ):
            assert part in summary
        assert shown_line(app) == "22 av 22 åtgärder"
        assert cell(app, "7", "status") == "▒ försenad"
        await pilot.press("m")
        await pilot.pause()
        assert shown_line(app) == "2 av 22 åtgärder · mina (sforsberg)"
        await pilot.press("m")
        # Swedish filter words work too.
        await pilot.press("slash")
        await fill(pilot, app.screen.query_one("#filter", Input), "status:försenad")
        assert row_keys(table) == ["5", "7", "13", "21"]
        await pilot.press("escape")
        await pilot.pause()
        assert shown_line(app) == "22 av 22 åtgärder"

        dialog = await open_dialog(pilot, "7", "s", StatusDialog)
        text = screen_text(app)
        assert "Status och framsteg · 7 Arbetslivskunskap i vägledningen" in text
        assert "Framsteg (0-100)" in text and "Kommentar (valfri)" in text
        assert str(dialog.query_one("#save", Button).label) == "Spara"
        assert str(dialog.query_one("#cancel", Button).label) == "Avbryt"
        await fill(pilot, dialog.query_one("#progress", Input), "150")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog_error(app), what="the error")
        assert dialog_error(app) == "framsteg måste vara ett heltal från 0 till 100, inte '150'"
        await pilot.press("escape")
        await dialog_closed(pilot)

    run(make_app(orebro_store), scenario)


def test_swedish_footer(orebro_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")

    async def scenario(pilot: Any) -> None:
        footer = screen_text(pilot.app).splitlines()[-1]
        assert "Mina" in footer and "Avsluta" in footer and "Tangenter" in footer

    run(make_app(orebro_store), scenario)


# Keys, help, palette, quitting --------------------------------------------------------------


def test_question_mark_toggles_the_help_panel(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        assert not app.screen.query(HelpPanel)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query(HelpPanel)
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query(HelpPanel)

    run(make_app(orebro_store), scenario)


def test_q_quits_from_the_overview(orebro_store: Path) -> None:
    app = make_app(orebro_store)

    async def scenario(pilot: Any) -> None:
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, what="the app to exit")

    run(app, scenario)
    assert app.return_code == 0
    assert app.error is None


def test_command_palette_lists_kplans_actions(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for wanted in (
            "Overview",
            "Ladder board",
            "Perspective matrix",
            "Event log",
            "My measures",
            "Light or dark",
        ):
            assert wanted in titles
        # The palette itself opens on ctrl+p and finds them by name.
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        await pilot.press(*"event log")
        await wait_until(pilot, lambda: "Event log" in screen_text(app), what="the entry")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen), what="overview")

    run(make_app(orebro_store), scenario)


# Another region's plan ----------------------------------------------------------------------


def test_kronoberg_uses_its_own_perspectives_and_ladder(kronoberg_store: Path) -> None:
    with store_at(kronoberg_store) as store:
        plan = load(store)
    assert plan.ladder[2] == "Samarbete"
    first = plan.measures[0]

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        table = table_of(app)
        assert row_keys(table) == [m.id for m in plan.measures]
        shown = headings(table)
        # Headings of three letters (more where two would be alike), named in the legend.
        assert shown[-len(plan.perspectives) :] == ["jäm", "fun", "lan", "ung"]
        assert "kön" not in shown
        legend = widget_text(app.screen.query_one("#legend"))
        for perspective, short in zip(plan.perspectives, shown[-4:], strict=True):
            assert f"{short} {perspective}" in legend
        # 200 columns leave room for the progress bar and its heading.
        assert "Progress" in shown
        await cursor_to(pilot, first.id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        collaborations = widget_text(app.screen.query_one("#measure-collaborations"))
        for number, label in enumerate(plan.ladder, 1):
            assert f"{number} {label}" in collaborations
        assert "Samhandling" not in collaborations
        perspectives = widget_text(app.screen.query_one("#measure-perspectives"))
        for perspective in plan.perspectives:
            assert perspective in perspectives

    run(make_app(kronoberg_store), scenario, size=(200, 50))


def test_the_fixed_history_is_in_the_store(orebro_store: Path) -> None:
    """The fixture the screens rely on: the fixed history, newest first."""
    assert len(HISTORY) == 5
    history = events_in_store(orebro_store)
    assert [(e["at"], e["actor"], e["field"]) for e in history] == [
        ("2016-02-11T10:15:00Z", "nsaid", "four_p.perspektiv"),
        ("2016-02-10T08:00:00Z", "mholm", "values.2016-T1"),
        ("2016-02-02T14:05:00Z", "tstrom", "step"),
        ("2016-01-18T09:31:00Z", "sforsberg", "progress"),
        ("2016-01-18T09:30:00Z", "sforsberg", "status"),
        ("2016-01-15T08:00:00Z", "ehedlund", "plan"),
    ]


# Board, matrix and log (written last: these screens were being written alongside) -----------


def board_headings(screen: Any) -> list[str]:
    """The board's column headings (first line of each)."""
    return [widget_text(h).splitlines()[0].strip() for h in screen.query(".board-heading")]


def board_column_of(screen: Any, collaboration: str) -> int | None:
    """The ladder step whose column lists ``collaboration``."""
    from kplan.tui.screens.board import StepList

    for step_list in screen.query(StepList):
        if any(option.id == collaboration for option in step_list.options):
            return step_list.step
    return None


async def highlight_card(pilot: Any, collaboration: str) -> None:
    """Focus the board's column holding ``collaboration`` and highlight its card."""
    from kplan.tui.screens.board import StepList

    for step_list in pilot.app.screen.query(StepList):
        if any(option.id == collaboration for option in step_list.options):
            step_list.focus()
            step_list.highlighted = step_list.get_option_index(collaboration)
            await pilot.pause()
            assert step_list.current == collaboration
            return
    raise AssertionError(f"{collaboration} is not on the board")


async def open_board(pilot: Any) -> Any:
    from kplan.tui.screens.board import BoardScreen

    await pilot.press("b")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, BoardScreen), what="the board")
    await wait_until(pilot, lambda: pilot.app.screen.cards, what="the cards")
    await pilot.pause()
    return pilot.app.screen


def test_board_shows_the_ladder_as_columns(orebro_store: Path) -> None:
    with store_at(orebro_store) as store:
        plan = load(store)
    counts = {step: 0 for step in range(1, len(plan.ladder) + 1)}
    for measure in plan.measures:
        for collaboration in measure.collaborations:
            counts[collaboration.step] += 1

    async def scenario(pilot: Any) -> None:
        screen = await open_board(pilot)
        assert board_headings(screen) == [
            f"{step} {label} ({counts[step]})" for step, label in enumerate(plan.ladder, 1)
        ]
        assert board_headings(screen)[0] == "1 Samtal (5)"
        text = screen_text(pilot.app)
        for question in plan.ladder_questions[:3]:
            assert question in text
        for measure in plan.measures:
            for collaboration in measure.collaborations:
                assert board_column_of(screen, collaboration.id) == collaboration.step
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, OverviewScreen), what="back")

    run(make_app(orebro_store), scenario)


def test_board_moves_a_collaboration_up_with_a_note(orebro_store: Path) -> None:
    from kplan.tui.dialogs.note import NoteDialog

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_board(pilot)
        await highlight_card(pilot, "syv-praktik")
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteDialog), what="the note")
        assert "Move syv-praktik from 1 Samtal to 2 Samsyn?" in screen_text(app)
        await fill(pilot, app.screen.query_one("#note", Input), "Två företag har sagt ja")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, what="the board again")
        await wait_until(
            pilot, lambda: board_column_of(screen, "syv-praktik") == 2, what="the card to move"
        )
        assert board_headings(screen)[:2] == ["1 Samtal (4)", "2 Samsyn (8)"]
        assert screen.selected == "syv-praktik"

    run(make_app(orebro_store), scenario)
    stored = measure_in_store(orebro_store, "7")
    steps = {c["id"]: c["step"] for c in stored["collaborations"]}
    assert steps["syv-praktik"] == 2
    newest = events_in_store(orebro_store)[0]
    assert {k: newest[k] for k in ("actor", "collaboration", "field", "old", "new", "note")} == {
        "actor": "sforsberg",
        "collaboration": "syv-praktik",
        "field": "step",
        "old": "1",
        "new": "2",
        "note": "Två företag har sagt ja",
    }


def test_board_note_escape_writes_nothing(orebro_store: Path) -> None:
    from kplan.tui.dialogs.note import NoteDialog

    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_board(pilot)
        await highlight_card(pilot, "syv-praktik")
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteDialog), what="the note")
        await fill(pilot, app.screen.query_one("#note", Input), "nej, inte än")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="the board again")
        await pilot.pause(0.2)
        assert board_column_of(screen, "syv-praktik") == 1
        # At the bottom of the ladder there is no step below: a message, no dialog.
        await highlight_card(pilot, "syv-praktik")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.screen is screen
        assert any("bottom step" in n.message for n in app._notifications)

    run(make_app(orebro_store), scenario, notifications=True)
    assert dump_store(orebro_store) == before


def test_board_uses_the_plans_own_ladder(kronoberg_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        screen = await open_board(pilot)
        labels = [" ".join(h.split()[:2]) for h in board_headings(screen)]
        assert labels == ["1 Samtal", "2 Samsyn", "3 Samarbete", "4 Samverkan"]

    run(make_app(kronoberg_store), scenario)


async def open_matrix(pilot: Any) -> Any:
    from kplan.tui.screens.matrix import MatrixScreen

    await pilot.press("p")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, MatrixScreen), what="the matrix")
    await pilot.pause()
    return pilot.app.screen


def test_matrix_shows_perspectives_and_fyra_p_and_opens_a_measure(orebro_store: Path) -> None:
    from kplan.present.summary import plan_summary
    from kplan.tui.widgets.matrix_view import MatrixView

    with store_at(orebro_store) as store:
        plan = load(store)
    figures = plan_summary(plan)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_matrix(pilot)
        # A grid that draws only the rows on screen (kplan.tui.widgets.matrix_view).
        table = screen.query_one("#matrix", MatrixView)
        assert table.headings == [
            "ID",
            "Title",
            "kön",
            "ålder",
            "etnicitet",
            "Perspektiv",
            "Policy",
            "Plattform",
            "Process",
        ]
        keys = table.rows
        assert keys[:-1] == ALL  # and a totals row
        for perspective in plan.perspectives:
            share = round(100 * figures["perspectives"][perspective]["yes"] / len(plan.measures))
            total = plain(table.get_cell(keys[-1], f"perspective:{perspective}")).strip()
            assert total == f"{share}%"
        assert plain(table.get_cell("7", "perspective:kön")).strip() == "◐"
        assert plain(table.get_cell("7", "four_p:perspektiv")).strip() == "◐"
        # The cursor's cell is told in words below the table.
        table.move_cursor(
            row=table.get_row_index("7"), column=table.get_column_index("perspective:kön")
        )
        await pilot.pause()
        detail = widget_text(screen.query_one("#matrix-detail"))
        assert "7 Arbetslivskunskap i vägledningen · kön: ◐ partly integrated" in detail
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure 7")
        assert app.screen.measure == "7"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="the matrix again")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen), what="overview")

    run(make_app(orebro_store), scenario)


async def open_log(pilot: Any) -> Any:
    from kplan.tui.screens.log import LogScreen

    await pilot.press("l")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, LogScreen), what="the log")
    await wait_until(pilot, lambda: pilot.app.screen.events is not None, what="the events")
    await pilot.pause()
    return pilot.app.screen


def test_log_shows_the_history_and_filters_by_actor(orebro_store: Path) -> None:
    history = events_in_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_log(pilot)
        table = screen.query_one("#log", LogTable)
        assert row_keys(table) == [str(e["id"]) for e in history]
        text = screen_text(app)
        # The moment in the plan's zone, the zone named, in a column that holds it whole.
        assert re.search(r"2016-01-18 10:30 CET +sforsberg", text)
        assert "ongoing → delayed" in text
        assert "6 of 6 events, newest first" in text

        await pilot.press("slash")
        await fill(pilot, screen.query_one("#log-filter", Input), "actor:mholm")
        mholm = [str(e["id"]) for e in history if e["actor"] == "mholm"]
        assert mholm and row_keys(table) == mholm
        assert widget_text(screen.query_one("#log-shown")).strip() == (
            "1 of 6 events, newest first"
        )
        await pilot.press("escape")  # from the filter to the log
        await pilot.pause()
        assert app.screen is screen and table.has_focus
        # Enter opens the event's measure.
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        assert app.screen.measure == "10"

    run(make_app(orebro_store), scenario)


def test_log_shows_a_new_event(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_log(pilot)
        table = screen.query_one("#log", LogTable)
        assert table.row_count == 6
        with store_at(orebro_store) as store:
            apply_changes(
                store, [Change("measure", "3", "progress", 90, "Snabbare")], actor="other"
            )
        app.poll_store()
        await wait_until(pilot, lambda: table.row_count == 7, what="the new event")
        newest = events_in_store(orebro_store)[0]
        assert row_keys(table)[0] == str(newest["id"])
        assert "other" in screen_text(app)

    run(make_app(orebro_store), scenario)


# Stale edits ---------------------------------------------------------------------------------


def test_a_dialog_refuses_a_save_over_someone_elses_change(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        dialog = await open_dialog(pilot, "7", "s", StatusDialog)
        # While the dialog is open, another owner changes the measure.
        with store_at(orebro_store) as store:
            apply_changes(store, [Change("measure", "7", "progress", 40)], actor="mholm")
        await fill(pilot, dialog.query_one("#progress", Input), "60")
        await pilot.press("ctrl+s")
        error = dialog.query_one("#dialog-error", Static)
        await wait_until(pilot, lambda: "mholm" in widget_text(error), what="the refusal")
        text = widget_text(error)
        assert "measure 7 has changed since you read it" in text
        assert "progress" in text and "35" in text and "40" in text
        assert "Close this dialog to see the new state" in text
        assert "--expect-version" not in text
        assert app.screen is dialog

    run(make_app(orebro_store), scenario)
    stored = measure_in_store(orebro_store, "7")
    assert stored["progress"] == 40
    assert events_in_store(orebro_store)[0]["actor"] == "mholm"


def test_two_edits_in_a_row_do_not_conflict_with_each_other(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        for progress in ("50", "55"):
            dialog = await open_dialog(pilot, "7", "s", StatusDialog)
            await fill(pilot, dialog.query_one("#progress", Input), progress)
            await pilot.press("ctrl+s")
            await dialog_closed(pilot)

    run(make_app(orebro_store), scenario)
    assert measure_in_store(orebro_store, "7")["progress"] == 55


def test_a_board_move_over_someone_elses_move_is_refused(orebro_store: Path) -> None:
    from kplan.tui.dialogs.note import NoteDialog

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_board(pilot)
        await highlight_card(pilot, "syv-praktik")
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteDialog), what="the note")
        with store_at(orebro_store) as store:
            apply_changes(store, [Change("collaboration", "syv-praktik", "step", 3)], actor="mholm")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, what="the board again")
        await wait_until(
            pilot,
            lambda: any("has changed since" in str(n.message) for n in app._notifications),
            3.0,
            "the refusal",
        )

    run(make_app(orebro_store), scenario)
    stored = measure_in_store(orebro_store, "7")
    assert {c["id"]: c["step"] for c in stored["collaborations"]}["syv-praktik"] == 3
