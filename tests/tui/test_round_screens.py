"""Rounds in the TUI, driven through Pilot: the open round in the overview's summary, a
measure reported from its screen with a note, the rounds screen (list, each owner's
progress, a round opened and closed, refusals), and overdue measures marked.

Every write goes through the same use cases as ``kplan round``; each test reads the
result back through the core (or the command line) on the same store file, and checks
that a refusal shows the command line's message in place with nothing written.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.widgets import Checkbox, DataTable, Input, Static
from typer.testing import CliRunner

from kplan.cli import app as cli
from kplan.core import rounds
from kplan.core.changes import Change, apply_changes
from kplan.core.filters import MeasureFilter, filter_measures
from kplan.core.queries import load
from kplan.errors import KplanError
from kplan.i18n import t
from kplan.tui.dialogs.rounds import CloseRoundDialog, OpenRoundDialog, ReportDialog, RoundDialog
from kplan.tui.screens.measure import MeasureScreen
from kplan.tui.screens.overview import OverviewScreen
from kplan.tui.screens.rounds import RoundsScreen
from kplan.tui.widgets.summary import SummaryBar
from tests.conftest import dump_store
from tests.test_hostile_text import HOSTILE
from tests.tui.fixed_app import (
    ROUND_HISTORY,
    add_rounds,
    build_store,
    make_app,
    plain,
    screen_text,
    wait_until,
    widget_text,
)
from tests.tui.test_flows import ALL, cell, cursor_to, fill, run, store_at
from tests.tui.test_hostile import assert_safe, hostile_store
from tests.tui.test_hostile import run as run_hostile
from tests.tui.test_structure_dialogs import owners_store

# Helpers ------------------------------------------------------------------------------------


def summary(app: Any) -> str:
    """The overview's summary as one line of words."""
    return " ".join(widget_text(app.screen_stack[1].query_one("#summary")).split())


def rounds_in_store(path: Path) -> list[dict[str, Any]]:
    """What ``kplan round list --json`` reads."""
    with store_at(path) as store:
        return rounds.listing(store)


def round_in_store(path: Path, name: str) -> dict[str, Any]:
    """What ``kplan round show NAME --json`` reads."""
    with store_at(path) as store:
        return rounds.show(store, name)


def rows_of(table: DataTable[Any]) -> list[list[str]]:
    """A table's rows as plain text, in the order shown."""
    return [[plain(cell).strip() for cell in table.get_row(row.key)] for row in table.ordered_rows]


async def open_rounds(pilot: Any) -> RoundsScreen:
    """``u`` on the overview; wait until the rounds are read."""
    app = pilot.app
    await pilot.press("u")
    await wait_until(pilot, lambda: isinstance(app.screen, RoundsScreen), what="the rounds")
    screen = app.screen
    assert isinstance(screen, RoundsScreen)
    await wait_until(pilot, lambda: screen.listing is not None, what="the rounds to be read")
    await pilot.pause()
    return screen


async def press_dialog(pilot: Any, key: str, kind: type[RoundDialog]) -> Any:
    """Press ``key`` and return the round dialog of type ``kind`` that opens."""
    app = pilot.app
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, kind), what=kind.__name__)
    await pilot.pause()
    return app.screen


def error_of(app: Any) -> str:
    """The dialog's in-place error, as one line of words."""
    return " ".join(widget_text(app.screen.query_one("#dialog-error", Static)).split())


async def refused(pilot: Any) -> str:
    """Save the dialog on screen and wait for its in-place error."""
    app = pilot.app
    dialog = app.screen
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: error_of(app), what="the error in the dialog")
    assert app.screen is dialog
    return error_of(app)


async def closed(pilot: Any) -> None:
    """Wait until no round dialog is open any more."""
    await wait_until(
        pilot, lambda: not isinstance(pilot.app.screen, RoundDialog), what="the dialog to close"
    )


def words(text: str) -> str:
    """``text`` with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


# The open round in the overview's summary -----------------------------------------------


def test_summary_names_the_open_round_days_left_and_my_unreported(orebro_store: Path) -> None:
    add_rounds(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        # sforsberg owns 6 (reported) and 7 (not reported in this round).
        await wait_until(pilot, lambda: "Uppföljning 2015" in summary(app), what="the round")
        line = summary(app)
        assert "Round 'Uppföljning 2015' open" in line
        assert "14 days left (due 2016-03-15)" in line
        assert "1 of your 2 measures unreported" in line
        assert "Uppföljning 2014" not in line

    run(make_app(orebro_store), scenario)


def test_summary_of_a_coordinator_counts_the_whole_round(orebro_store: Path) -> None:
    add_rounds(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: "Uppföljning 2015" in summary(app), what="the round")
        # ehedlund owns no measure: the round's own count stands in.
        assert "2 of 22 measures reported" in summary(app)
        assert "of your" not in summary(app)

    run(make_app(orebro_store, "ehedlund"), scenario)


def test_summary_says_a_round_past_its_due_date_is_overdue(
    orebro_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_rounds(orebro_store)
    monkeypatch.setenv("KPLAN_NOW", "2016-03-20T09:00:00Z")

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: "Uppföljning 2015" in summary(app), what="the round")
        # As `kplan round status` says it.
        assert t("round.overdue", days=5, due="2016-03-15") in summary(app)
        assert "5 days overdue (due 2016-03-15)" in summary(app)

    run(make_app(orebro_store), scenario)


def test_summary_of_a_round_without_a_due_date_counts_no_days(orebro_store: Path) -> None:
    add_rounds(orebro_store, [("2016-02-15T08:00:00Z", "ehedlund", "open", {"name": "Löpande"})])

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: "Löpande" in summary(app), what="the round")
        assert "Round 'Löpande' open · 2 of your 2 measures unreported" in summary(app)
        assert "days" not in summary(app)
        screen = await open_rounds(pilot)
        assert rows_of(screen.query_one("#rounds", DataTable))[0][2] == "–"
        assert "days" not in widget_text(screen.query_one("#round-note"))

    run(make_app(orebro_store), scenario)


def test_summary_has_no_round_line_without_an_open_round(orebro_store: Path) -> None:
    # Only the closed round of the history.
    add_rounds(orebro_store, ROUND_HISTORY[:3])

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        bar = app.screen.query_one(SummaryBar)
        await wait_until(pilot, lambda: bar.round_read, what="the round to be read")
        await pilot.pause()
        assert "Round" not in summary(app)
        assert "Uppföljning" not in summary(app)

    run(make_app(orebro_store), scenario)


def test_summary_follows_a_round_opened_and_reported_elsewhere(orebro_store: Path) -> None:
    """A round opened and a report made by another program show within a poll or two."""

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        assert "Round" not in summary(app)
        with store_at(orebro_store) as store:
            rounds.open_round(store, "Extra", actor="ehedlund", due=dt.date(2016, 3, 8))
        await wait_until(pilot, lambda: "Round 'Extra' open" in summary(app), what="the round")
        assert "7 days left (due 2016-03-08)" in summary(app)
        assert "2 of your 2 measures unreported" in summary(app)
        with store_at(orebro_store) as store:
            rounds.report(store, "7", actor="sforsberg", note="från skriptet")
        await wait_until(
            pilot, lambda: "1 of your 2 measures unreported" in summary(app), what="the report"
        )

    run(make_app(orebro_store, live=True), scenario)


# Reporting from the measure screen ---------------------------------------------------------


async def open_measure(pilot: Any, key: str) -> MeasureScreen:
    """Open a measure's screen from the overview (cursor, enter)."""
    app = pilot.app
    await cursor_to(pilot, key)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
    screen = app.screen
    assert isinstance(screen, MeasureScreen)
    return screen


def test_report_from_the_measure_screen_with_a_note(orebro_store: Path) -> None:
    add_rounds(orebro_store)
    note = "Praktikplatserna är klara; «åtta» arbetsgivare"

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: "1 of your 2" in summary(app), what="the round")
        screen = await open_measure(pilot, "7")
        # The key is in the footer.
        assert "u Report" in screen_text(app).splitlines()[-1]
        dialog = await press_dialog(pilot, "u", ReportDialog)
        await wait_until(
            pilot, lambda: dialog.current is not None, what="the dialog to read the round"
        )
        title = widget_text(dialog.query_one("#dialog-title"))
        assert "Report in round 'Uppföljning 2015' · 7 Arbetslivskunskap" in words(title)
        await fill(pilot, dialog.query_one("#note", Input), note)
        await pilot.press("ctrl+s")
        await closed(pilot)
        assert app.screen is screen
        # The summary counts it at once, and the measure's events show the report.
        await wait_until(pilot, lambda: "0 of your 2" in summary(app), what="the summary")
        await wait_until(
            pilot, lambda: any(e["field"] == "round.report" for e in screen.events), what="event"
        )
        assert note in widget_text(screen.query_one("#measure-events"))

    run(make_app(orebro_store), scenario)

    found = round_in_store(orebro_store, "Uppföljning 2015")
    report = next(r for r in found["reports"] if r["measure"] == "7")
    assert report["by"] == "sforsberg"
    assert report["note"] == note
    assert report["at"] == "2016-03-01T12:00:00Z"
    assert found["reported"] == 3
    # `kplan round show` shows it with its note.
    result = CliRunner().invoke(
        cli, ["round", "show", "Uppföljning 2015", "--db", str(orebro_store)]
    )
    assert result.exit_code == 0, result.output
    assert "reported by sforsberg, 2016-03-01 13:00 CET" in result.output
    assert note in result.output


def test_report_without_a_note_and_again_replaces_the_first(orebro_store: Path) -> None:
    add_rounds(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await open_measure(pilot, "6")
        dialog = await press_dialog(pilot, "u", ReportDialog)
        # 6 is reported already: the dialog says by whom and when, as the core will replace it.
        await wait_until(
            pilot,
            lambda: "Reported already" in widget_text(dialog.query_one("#dialog-help")),
            what="the earlier report",
        )
        assert "by sforsberg, 2016-02-22 14:30 CET" in widget_text(dialog.query_one("#dialog-help"))
        await pilot.press("enter")
        await closed(pilot)
        assert isinstance(app.screen, MeasureScreen)

    run(make_app(orebro_store), scenario)
    report = next(
        r
        for r in round_in_store(orebro_store, "Uppföljning 2015")["reports"]
        if r["measure"] == "6"
    )
    assert report["note"] is None
    assert report["at"] == "2016-03-01T12:00:00Z"


def test_report_of_someone_elses_measure_is_refused_in_place(orebro_store: Path) -> None:
    add_rounds(orebro_store)
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        # Measure 5 is tstrom's; the plan names coordinators, so only they or tstrom report it.
        await open_measure(pilot, "5")
        dialog = await press_dialog(pilot, "u", ReportDialog)
        await fill(pilot, dialog.query_one("#note", Input), "inte min")
        message = await refused(pilot)
        assert message == t(
            "round.not_yours",
            actor="sforsberg",
            measure="5",
            owner="tstrom",
            coordinators="ehedlund, pnyberg",
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")

    run(make_app(orebro_store), scenario)
    assert dump_store(orebro_store) == before


def test_report_with_no_round_open_says_so_in_place(orebro_store: Path) -> None:
    add_rounds(orebro_store, ROUND_HISTORY[:3])
    before = dump_store(orebro_store)
    with store_at(orebro_store) as store, pytest.raises(rounds.RoundConflict) as expected:
        rounds.report(store, "7", actor="sforsberg")

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await open_measure(pilot, "7")
        await press_dialog(pilot, "u", ReportDialog)
        # Said at once, in the words `kplan round report` uses (naming the last round).
        await wait_until(pilot, lambda: error_of(app), what="the refusal")
        assert error_of(app) == words(expected.value.message)
        assert "'Uppföljning 2014', closed on 2015-03-20 with 1 of 22" in error_of(app)
        # Saving anyway is refused the same way.
        assert await refused(pilot) == words(expected.value.message)

    run(make_app(orebro_store), scenario)
    assert dump_store(orebro_store) == before


def test_escape_in_the_report_dialog_writes_nothing(orebro_store: Path) -> None:
    add_rounds(orebro_store)
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await open_measure(pilot, "7")
        dialog = await press_dialog(pilot, "u", ReportDialog)
        await fill(pilot, dialog.query_one("#note", Input), "ångrar mig")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")

    run(make_app(orebro_store), scenario)
    assert dump_store(orebro_store) == before


# The rounds screen --------------------------------------------------------------------------


def test_rounds_screen_lists_every_round_and_each_owners_progress(orebro_store: Path) -> None:
    add_rounds(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_rounds(pilot)
        listing = screen.query_one("#rounds", DataTable)
        assert rows_of(listing) == [
            ["Uppföljning 2014", "2015-03-02 09:00 CET", "–", "2015-03-20 17:00 CET", "1 of 22"],
            ["Uppföljning 2015", "2016-02-15 09:00 CET", "2016-03-15", "open", "2 of 22"],
        ]
        # The open round is the one shown below, owner by owner in the plan's order.
        note = words(widget_text(screen.query_one("#round-note")))
        assert "Round 'Uppföljning 2015' (open): 2 of 22 reported" in note
        assert "Opened 2016-02-15 09:00 CET by ehedlund" in note
        assert "14 days left (due 2016-03-15)" in note
        owners = rows_of(screen.query_one("#round-owners", DataTable))
        with store_at(orebro_store) as store:
            plan = load(store)
        assert [row[0].split()[0] for row in owners] == [
            o.id for o in plan.owners if any(m.owner == o.id for m in plan.measures)
        ]
        assert ["sforsberg (Sara Forsberg)", "1 of 2", "7"] in owners
        assert ["tstrom (Tomas Ström)", "1 of 2", "5"] in owners
        assert ["mholm (Mikael Holm)", "0 of 3", "10, 12, 13"] in owners
        # The per-owner figures are the core's `round status`.
        with store_at(orebro_store) as store:
            status = rounds.status(store)
        for entry in status["owners"]:
            mine = len(entry["reported"]) + len(entry["not_reported"])
            done = f"{len(entry['reported'])} of {mine}"
            assert [f"{entry['owner']} ({entry['name']})", done] in [row[:2] for row in owners]

        # The owner under the cursor: her reports in the round, with their notes.
        table = screen.query_one("#round-owners", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("tstrom"))
        await wait_until(
            pilot,
            lambda: "tstrom" in widget_text(screen.query_one("#round-reports")),
            what="tstrom's reports",
        )
        reports = words(widget_text(screen.query_one("#round-reports")))
        assert reports == (
            "Reports of tstrom: 4 Fastighetsbranschens framtida kompetensbehov reported by tstrom,"
            " 2016-02-20 11:00 CET │ «Klart och utvärderat»"
        )
        table.move_cursor(row=table.get_row_index("mholm"))
        await wait_until(
            pilot,
            lambda: "mholm" in widget_text(screen.query_one("#round-reports")),
            what="mholm's reports",
        )
        assert words(widget_text(screen.query_one("#round-reports"))) == "Reports of mholm: none"

        # The closed round, chosen in the list, shows who reported in it.
        listing.focus()
        await pilot.press("up")
        await wait_until(
            pilot,
            lambda: screen.detail is not None and screen.detail["name"] == "Uppföljning 2014",
            what="the closed round",
        )
        await pilot.pause()
        note = words(widget_text(screen.query_one("#round-note")))
        assert "No round is open" not in note
        assert "Round 'Uppföljning 2014' (closed 2015-03-20 17:00 CET by ehedlund)" in note
        owners = rows_of(screen.query_one("#round-owners", DataTable))
        assert ["sforsberg (Sara Forsberg)", "1 of 2", "6"] in owners
        assert ["tstrom (Tomas Ström)", "0 of 2", "4, 5"] in owners
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen), what="overview")

    run(make_app(orebro_store), scenario)


def test_a_narrow_rounds_list_keeps_to_days(orebro_store: Path) -> None:
    add_rounds(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_rounds(pilot)
        listing = screen.query_one("#rounds", DataTable)
        assert rows_of(listing)[0][:4] == ["Uppföljning 2014", "2015-03-02", "–", "2015-03-20"]
        # The whole list fits 80 columns; the line below the list gives the times.
        assert listing.virtual_size.width <= 80
        assert "Opened 2016-02-15 09:00 CET" in screen_text(app)
        await pilot.resize_terminal(120, 40)
        await wait_until(
            pilot, lambda: rows_of(listing)[0][1] == "2015-03-02 09:00 CET", what="the times"
        )
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: rows_of(listing)[0][1] == "2015-03-02", what="the days")
        assert listing.virtual_size.width <= 80

    run(make_app(orebro_store), scenario, size=(80, 24))


def test_rounds_screen_without_rounds_says_how_to_open_one(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        screen = await open_rounds(pilot)
        assert screen.query_one("#rounds", DataTable).row_count == 0
        assert "No rounds yet. A coordinator opens one with o." in widget_text(
            screen.query_one("#round-note")
        )
        assert not screen.query_one("#round-owners").display

    run(make_app(orebro_store), scenario)


def test_the_palette_opens_the_rounds(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Rounds" in titles
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        await pilot.press(*"round")
        await wait_until(pilot, lambda: "Rounds" in screen_text(app), what="the entry")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RoundsScreen), what="the rounds")

    run(make_app(orebro_store), scenario)


def test_the_palette_speaks_swedish(orebro_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Omgångar" in titles

    run(make_app(orebro_store), scenario)


def test_the_round_keys_are_described_in_the_help(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        keys = app.screen.active_bindings
        assert keys["u"].binding.description == "Rounds"
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: "Rounds" in screen_text(app), what="the help panel")
        await pilot.press("question_mark")
        await open_measure(pilot, "7")
        assert app.screen.active_bindings["u"].binding.description == "Report"
        screen = await open_rounds_from(pilot)
        keys = screen.active_bindings
        assert (keys["o"].binding.description, keys["c"].binding.description) == (
            "Open round",
            "Close round",
        )
        assert "o Open round" in screen_text(app).splitlines()[-1]

    run(make_app(orebro_store), scenario)


async def open_rounds_from(pilot: Any) -> RoundsScreen:
    """The rounds from the palette, wherever the person is."""
    app = pilot.app
    app.open_view("rounds")
    await wait_until(pilot, lambda: isinstance(app.screen, RoundsScreen), what="the rounds")
    screen = app.screen
    assert isinstance(screen, RoundsScreen)
    await wait_until(pilot, lambda: screen.listing is not None, what="the rounds to be read")
    await pilot.pause()
    return screen


def test_a_coordinator_opens_a_round(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_rounds(pilot)
        dialog = await press_dialog(pilot, "o", OpenRoundDialog)
        await fill(pilot, dialog.query_one("#name", Input), "Uppföljning 2015")
        await fill(pilot, dialog.query_one("#due", Input), " 2016-03-15 ")
        await pilot.press("ctrl+s")
        await closed(pilot)
        assert app.screen is screen
        await wait_until(pilot, lambda: screen.detail is not None, what="the new round")
        assert rows_of(screen.query_one("#rounds", DataTable)) == [
            ["Uppföljning 2015", "2016-03-01 13:00 CET", "2016-03-15", "open", "0 of 22"]
        ]
        # The overview's summary has it too.
        await wait_until(
            pilot, lambda: "Round 'Uppföljning 2015' open" in summary(app), what="summary"
        )

    run(make_app(orebro_store, "ehedlund"), scenario)
    [found] = rounds_in_store(orebro_store)
    assert found["name"] == "Uppföljning 2015"
    assert found["due"] == "2016-03-15"
    assert found["opened_by"] == "ehedlund"
    assert found["open"]


@pytest.mark.parametrize(
    ("name", "due", "expected"),
    [
        ("Ny", "2016-13-45", t("opt.bad_date", value="2016-13-45")),
        ("Ny", "15 mars", t("opt.bad_date", value="15 mars")),
        ("   ", "", None),
        ("Uppföljning 2014", "", t("round.exists", name="Uppföljning 2014")),
    ],
)
def test_opening_a_round_is_refused_in_place_as_on_the_command_line(
    orebro_store: Path, name: str, due: str, expected: str | None
) -> None:
    add_rounds(orebro_store, ROUND_HISTORY[:3])
    before = dump_store(orebro_store)
    if expected is None:
        # Whatever the core says for it, as `kplan round open` does.
        with store_at(orebro_store) as store, pytest.raises(KplanError) as problem:
            rounds.open_round(store, name, actor="ehedlund")
        expected = problem.value.message

    async def scenario(pilot: Any) -> None:
        await open_rounds(pilot)
        dialog = await press_dialog(pilot, "o", OpenRoundDialog)
        await fill(pilot, dialog.query_one("#name", Input), name)
        await fill(pilot, dialog.query_one("#due", Input), due)
        assert expected is not None
        assert await refused(pilot) == words(expected)

    run(make_app(orebro_store, "ehedlund"), scenario)
    assert dump_store(orebro_store) == before


def test_a_second_open_round_is_refused_in_place(orebro_store: Path) -> None:
    add_rounds(orebro_store)
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        await open_rounds(pilot)
        dialog = await press_dialog(pilot, "o", OpenRoundDialog)
        await fill(pilot, dialog.query_one("#name", Input), "Extra")
        assert await refused(pilot) == t("round.already_open", name="Uppföljning 2015")

    run(make_app(orebro_store, "ehedlund"), scenario)
    assert dump_store(orebro_store) == before


def test_closing_with_measures_unreported_is_refused_then_forced(orebro_store: Path) -> None:
    add_rounds(orebro_store)
    with store_at(orebro_store) as store, pytest.raises(rounds.RoundConflict) as expected:
        rounds.close_round(store, actor="ehedlund")
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_rounds(pilot)
        dialog = await press_dialog(pilot, "c", CloseRoundDialog)
        assert "Close round 'Uppföljning 2015'" in widget_text(dialog.query_one("#dialog-title"))
        assert "2 of 22 measures are reported" in words(
            widget_text(dialog.query_one("#dialog-help"))
        )
        # As `kplan round close` without --force: the unreported measures, per owner.
        assert await refused(pilot) == words(expected.value.message)
        assert dump_store(orebro_store) == before
        dialog.query_one("#force", Checkbox).value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await closed(pilot)
        assert app.screen is screen
        await wait_until(
            pilot,
            lambda: screen.listing is not None and not any(r["open"] for r in screen.listing),
            what="the round closed",
        )
        await pilot.pause()
        row = rows_of(screen.query_one("#rounds", DataTable))[-1]
        assert row[0] == "Uppföljning 2015"
        assert row[3] == "2016-03-01 13:00 CET"
        assert "No round is open" in widget_text(screen.query_one("#round-note"))
        # The summary's round line is gone.
        await wait_until(pilot, lambda: "Round" not in summary(app), what="the summary")

    run(make_app(orebro_store, "ehedlund"), scenario)
    found = round_in_store(orebro_store, "Uppföljning 2015")
    assert not found["open"]
    assert found["closed_by"] == "ehedlund"
    assert (found["reported"], found["total"]) == (2, 22)
    result = CliRunner().invoke(cli, ["round", "list", "--db", str(orebro_store)])
    assert result.exit_code == 0
    assert "2 of 22" in result.output


def test_closing_with_no_round_open_is_refused_in_place(orebro_store: Path) -> None:
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        await open_rounds(pilot)
        await press_dialog(pilot, "c", CloseRoundDialog)
        assert await refused(pilot) == words(t("round.none_open"))

    run(make_app(orebro_store, "ehedlund"), scenario)
    assert dump_store(orebro_store) == before


def test_escape_in_the_round_dialogs_writes_nothing(orebro_store: Path) -> None:
    add_rounds(orebro_store)
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_rounds(pilot)
        dialog = await press_dialog(pilot, "c", CloseRoundDialog)
        dialog.query_one("#force", Checkbox).value = True
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="the rounds")
        dialog = await press_dialog(pilot, "o", OpenRoundDialog)
        await fill(pilot, dialog.query_one("#name", Input), "Aldrig")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="the rounds")

    run(make_app(orebro_store, "ehedlund"), scenario)
    assert dump_store(orebro_store) == before


def test_an_owner_may_not_open_or_close_rounds_under_owners(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    store = owners_store(tmp_path)
    add_rounds(store, ROUND_HISTORY[3:4])
    before = dump_store(store)

    def refusal(action: str) -> str:
        return t(
            "permission.coordinators_only",
            actor="sforsberg",
            action=t(action),
            plan="orebro-kompetens",
            coordinators="ehedlund, pnyberg",
        )

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_rounds(pilot)
        dialog = await press_dialog(pilot, "c", CloseRoundDialog)
        dialog.query_one("#force", Checkbox).value = True
        assert await refused(pilot) == refusal("permission.round_close")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="the rounds")
        dialog = await press_dialog(pilot, "o", OpenRoundDialog)
        await fill(pilot, dialog.query_one("#name", Input), "Min egen")
        assert await refused(pilot) == refusal("permission.round_open")

    run(make_app(store, "sforsberg"), scenario)
    assert dump_store(store) == before
    # The command line says the same, with exit code 4.
    result = CliRunner().invoke(cli, ["round", "close", "--db", str(store), "--as", "sforsberg"])
    assert result.exit_code == 4
    assert words(refusal("permission.round_close")) in words(result.output)


def test_the_rounds_screen_speaks_swedish(orebro_store: Path, monkeypatch: Any) -> None:
    add_rounds(orebro_store)
    monkeypatch.setenv("KPLAN_LANG", "sv")

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: "Uppföljning 2015" in summary(app), what="the round")
        assert "Omgången 'Uppföljning 2015' är öppen" in summary(app)
        assert "14 dagar kvar (klar senast 2016-03-15)" in summary(app)
        assert "1 av dina 2 åtgärder orapporterade" in summary(app)
        screen = await open_rounds(pilot)
        assert rows_of(screen.query_one("#rounds", DataTable))[1][3:] == ["öppen", "2 av 22"]
        assert "Varje ansvarigs framsteg i 'Uppföljning 2015'" in widget_text(
            screen.query_one("#round-note")
        )

    run(make_app(orebro_store), scenario)


# Overdue measures ---------------------------------------------------------------------------


def test_overdue_measures_are_marked_in_the_overview_and_on_their_screen(
    orebro_store: Path,
) -> None:
    with store_at(orebro_store) as store:
        plan = load(store)
    # The rule of `kplan list --overdue`: past due, neither done nor cancelled.
    overdue = [m.id for m in filter_measures(plan, MeasureFilter(overdue=True))]
    assert overdue == ["5", "13"]
    # Done (4 and 9: due 2015-06-30) and not yet due measures are not marked.
    assert {"4", "9", "7"}.isdisjoint(overdue)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        for key in ALL:
            status = cell(app, key, "status")
            assert status.startswith("!") == (key in overdue), (key, status)
        assert cell(app, "5", "status") == "! delayed"
        assert "! 2 overdue" in summary(app)
        screen = await open_measure(pilot, "5")
        head = words(widget_text(screen.query_one("#measure-head")))
        assert "! Overdue: 61 days past the due date (2015-12-31), neither done nor cancelled" in (
            head
        )
        await pilot.press("escape")
        screen = await open_measure(pilot, "7")
        assert "Overdue" not in widget_text(screen.query_one("#measure-head"))

    run(make_app(orebro_store), scenario)


def test_a_measure_done_is_no_longer_marked_overdue(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        assert cell(app, "13", "status") == "! delayed"
        with store_at(orebro_store) as store:
            apply_changes(store, [Change("measure", "13", "status", "done", None)], actor="mholm")
        await wait_until(
            pilot, lambda: cell(app, "13", "status") == "█ done", what="the mark to go"
        )
        assert "! 1 overdue" in summary(app)

    run(make_app(orebro_store, live=True), scenario)


def test_a_wrong_clock_is_said_once_at_start(orebro_store: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("KPLAN_NOW", "not a time")
    app = make_app(orebro_store)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: app.error is not None, what="the error")

    asyncio.run(main())
    assert app.error is not None
    assert "KPLAN_NOW" in app.error


# Hostile text ---------------------------------------------------------------------------------


def test_rounds_show_hostile_names_spelled_out(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    store = hostile_store(tmp_path)
    with store_at(store) as opened:
        plan = load(opened)
        rounds.open_round(opened, "Hösten", actor="hjonsson", due=dt.date(2016, 2, 1))
        measure = plan.measures[0]
        rounds.report(opened, measure.id, actor=measure.owner, note=f"Note {HOSTILE}")

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: "Hösten" in summary(app), what="the round")
        assert_safe(screen_text(app))
        assert "29 days overdue (due 2016-02-01)" in summary(app)
        screen = await open_rounds(pilot)
        text = screen_text(app)
        assert_safe(text)
        assert "Evil\\x1b]0;pwned" in text
        owners = screen.query_one("#round-owners", DataTable)
        assert owners.row_count >= 1
        # Whoever reported A1 (a hostile owner id and name): her report's note, spelled out.
        owners.focus()
        owners.move_cursor(row=owners.get_row_index(measure.owner))
        await wait_until(
            pilot,
            lambda: "Note Evil" in widget_text(screen.query_one("#round-reports")),
            what="the note",
        )
        text = screen_text(app)
        assert_safe(text)
        assert "«Note Evil\\x1b]0;pwned" in text
        await pilot.press("escape")
        app.open_measure("A1")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        dialog = await press_dialog(pilot, "u", ReportDialog)
        await wait_until(pilot, lambda: dialog.current is not None, what="the round")
        text = screen_text(app)
        assert_safe(text)
        assert "Report in round 'Hösten' · A1 Title" in text
        title = widget_text(dialog.query_one("#dialog-title"))
        # However the title wraps in the dialog, it is spelled out.
        assert "A1TitleEvil\\x1b]0;pwned" in "".join(title.split())

    run_hostile(make_app(store, actor="hjonsson"), scenario)


# The flow ---------------------------------------------------------------------------


def test_a_round_from_open_to_close_with_a_report_from_the_tui(orebro_store: Path) -> None:
    """Open a round due in 14 days; one owner reports on the command line, another from
    the TUI with a note; a coordinator closes it in the TUI; ``round list`` and ``round
    show`` tell the story."""
    db = ["--db", str(orebro_store)]
    runner = CliRunner()

    def kplan(*args: str) -> str:
        result = runner.invoke(cli, [*args, *db])
        assert result.exit_code == 0, result.output
        return result.output

    kplan("round", "open", "Uppföljning 2015", "--due", "2016-03-15", "--as", "ehedlund")
    kplan("round", "report", "5", "--note", "Försenat men på väg", "--as", "tstrom")

    async def owner(pilot: Any) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: "2 of your 2" in summary(app), what="the round")
        await open_measure(pilot, "7")
        dialog = await press_dialog(pilot, "u", ReportDialog)
        await fill(pilot, dialog.query_one("#note", Input), "Praktikplatserna klara")
        await pilot.press("ctrl+s")
        await closed(pilot)
        await wait_until(pilot, lambda: "1 of your 2" in summary(app), what="the summary")

    run(make_app(orebro_store, "sforsberg"), owner)

    async def coordinator(pilot: Any) -> None:
        app = pilot.app
        screen = await open_rounds(pilot)
        owners = rows_of(screen.query_one("#round-owners", DataTable))
        assert ["sforsberg (Sara Forsberg)", "1 of 2", "6"] in owners
        assert ["tstrom (Tomas Ström)", "1 of 2", "4"] in owners
        dialog = await press_dialog(pilot, "c", CloseRoundDialog)
        dialog.query_one("#force", Checkbox).value = True
        await pilot.press("ctrl+s")
        await closed(pilot)
        assert app.screen is screen

    run(make_app(orebro_store, "ehedlund"), coordinator)

    listed = kplan("round", "list")
    assert "Uppföljning 2015" in listed and "2 of 22" in listed and "open" not in listed
    shown = kplan("round", "show", "Uppföljning 2015")
    assert "5  Kompetensplanering i små och medelstora företag  reported by tstrom" in shown
    assert "Försenat men på väg" in shown
    assert "7  Arbetslivskunskap i vägledningen  reported by sforsberg" in shown
    assert "Praktikplatserna klara" in shown


def test_rounds_on_a_postgresql_store(postgres_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary, a report from the TUI and the rounds screen on a server store."""
    build_store(postgres_db)
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    add_rounds(postgres_db)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: "1 of your 2" in summary(app), what="the round")
        await open_measure(pilot, "7")
        dialog = await press_dialog(pilot, "u", ReportDialog)
        await fill(pilot, dialog.query_one("#note", Input), "på servern")
        await pilot.press("ctrl+s")
        await closed(pilot)
        await wait_until(pilot, lambda: "0 of your 2" in summary(app), what="the summary")
        await pilot.press("escape")
        screen = await open_rounds(pilot)
        owners = rows_of(screen.query_one("#round-owners", DataTable))
        assert ["sforsberg (Sara Forsberg)", "2 of 2", "–"] in owners

    run(make_app(postgres_db), scenario)
    found = round_in_store(postgres_db, "Uppföljning 2015")
    assert next(r for r in found["reports"] if r["measure"] == "7")["note"] == "på servern"
