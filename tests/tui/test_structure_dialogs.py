"""The TUI's structure dialogs, driven through Pilot: a measure edited and added,
läget, a collaboration added, edited and moved a step.

Each dialog is tried the way the follow-up dialogs are: it saves through the
core (read back through the core afterwards), a wrong field is refused in
place with nothing written, an edit made meanwhile by someone else is refused
in place, escape writes nothing, and under ``edit = "owners"`` a change the
plan keeps from the person is refused in place with the command line's message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import HelpPanel, Input, Select, SelectionList, TextArea
from typer.testing import CliRunner

from kplan.cli import app as cli
from kplan.core.changes import Change, apply_changes
from kplan.core.structure import Edit, edit_plan
from kplan.i18n import t
from kplan.tui.dialogs.base import EditDialog
from kplan.tui.dialogs.structure import (
    AddMeasureDialog,
    CollabAddDialog,
    CollabEditDialog,
    MeasureEditDialog,
    SituationDialog,
    StepDialog,
    editable,
    in_place,
)
from kplan.tui.screens.measure import MeasureScreen
from kplan.tui.screens.overview import OverviewScreen
from tests.conftest import dump_store
from tests.test_hostile_text import HOSTILE
from tests.tui.fixed_app import build_store, make_app, screen_text, wait_until, widget_text
from tests.tui.test_flows import (
    NOW,
    cell,
    choose,
    cursor_to,
    dialog_closed,
    dialog_error,
    events_in_store,
    fill,
    measure_in_store,
    run,
    store_at,
    table_of,
    type_into,
)
from tests.tui.test_hostile import ESCAPED, assert_safe, hostile_store

# Helpers ------------------------------------------------------------------------------------


async def open_measure(pilot: Any, key: str) -> MeasureScreen:
    """Open a measure's screen from the overview, as a person does (cursor, enter)."""
    app = pilot.app
    await cursor_to(pilot, key)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
    screen = app.screen
    assert isinstance(screen, MeasureScreen)
    return screen


async def press_for(pilot: Any, key: str, kind: type[EditDialog]) -> Any:
    """Press ``key`` and return the dialog of type ``kind`` that opens."""
    app = pilot.app
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, kind), what=kind.__name__)
    await pilot.pause()
    return app.screen


async def set_text(pilot: Any, dialog: EditDialog, widget_id: str, text: str) -> None:
    """Replace the text of an Input or a TextArea."""
    widget = dialog.query_one(f"#{widget_id}")
    if isinstance(widget, TextArea):
        widget.text = text
        await pilot.pause()
    else:
        assert isinstance(widget, Input)
        await fill(pilot, widget, text)


async def refused_in_place(pilot: Any, dialog: EditDialog) -> str:
    """Save; the dialog stays open with an error. Returns the error."""
    app = pilot.app
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: dialog_error(app), what="the error in the dialog")
    assert app.screen is dialog
    return dialog_error(app)


def owners_store(tmp_path: Path) -> Path:
    """The Örebro store under ``edit = "owners"`` (coordinators ehedlund and pnyberg)."""
    from tests.tui.fixed_app import OREBRO

    text = OREBRO.read_text(encoding="utf-8")
    plan_file = tmp_path / "owners.toml"
    plan_file.write_text(text.replace("[plan]\n", '[plan]\nedit = "owners"\n', 1), "utf-8")
    return build_store(tmp_path / "owners.db", plan_file)


def someone_else_edits(store_path: Path, edit: Edit | Change) -> None:
    """A change made from another connection, as another person, while a dialog is open."""
    with store_at(store_path) as store:
        if isinstance(edit, Edit):
            edit_plan(store, edit, actor="ehedlund")
        else:
            apply_changes(store, [edit], actor="ehedlund")


# The done-when flow -------------------------------------------------------------------------


def test_edit_owner_and_due_of_measure_7(orebro_store: Path) -> None:
    """Open measure 7, e, change owner and due date, save: the overview shows the new
    owner, and the log names the person who edited."""
    before = events_in_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "e", MeasureEditDialog)
        text = screen_text(app)
        assert "Edit the measure · 7 Arbetslivskunskap i vägledningen" in text
        owner = dialog.query_one("#owner", Select)
        due = dialog.query_one("#due", Input)
        assert owner.value == "sforsberg" and due.value == "2016-12-31"
        # The first field has the focus (not the scrolling form around it);
        # tab goes on to the owner, whose list opens with enter.
        assert dialog.query_one("#title", Input).has_focus
        await pilot.press("tab")
        assert owner.has_focus
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert owner.value == "mholm"
        await type_into(pilot, due, "2017-06-30")
        await fill(pilot, dialog.query_one("#note", Input), "Mikael tar över")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)
        assert isinstance(app.screen, MeasureScreen)
        head = app.screen.query_one("#measure-head")
        await wait_until(pilot, lambda: "Mikael Holm" in widget_text(head), what="new owner")
        assert "2014-09-01–2017-06-30" in widget_text(head)
        events = app.screen.query_one("#measure-events")
        await wait_until(
            pilot,
            lambda: "sforsberg  owner: Sara Forsberg → Mikael Holm" in widget_text(events),
            what="log",
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen), what="overview")
        await wait_until(pilot, lambda: cell(app, "7", "owner") == "mholm", what="the row")

    run(make_app(orebro_store, "sforsberg"), scenario)

    stored = measure_in_store(orebro_store, "7")
    assert (stored["owner"], stored["due"]) == ("mholm", "2017-06-30")
    after = events_in_store(orebro_store)
    new = after[: len(after) - len(before)]
    assert sorted((e["field"], e["old"], e["new"]) for e in new) == [
        ("due", "2016-12-31", "2017-06-30"),
        ("owner", "sforsberg", "mholm"),
    ]
    for event in new:
        assert (event["actor"], event["note"], event["at"]) == ("sforsberg", "Mikael tar över", NOW)


def test_kplan_log_names_the_person_who_edited(orebro_store: Path) -> None:
    """The same edit, then ``kplan log 7`` from the command line names the editor."""

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "e", MeasureEditDialog)
        await choose(pilot, dialog.query_one("#owner", Select), "mholm")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)

    run(make_app(orebro_store, "pnyberg"), scenario)
    result = CliRunner().invoke(cli, ["log", "7", "--db", str(orebro_store), "--json"])
    assert result.exit_code == 0, result.output
    newest = json.loads(result.stdout)[0]
    assert (newest["actor"], newest["field"], newest["new"]) == ("pnyberg", "owner", "mholm")
    # The TUI's structure change is one command to kplan undo, like the CLI's.
    undone = CliRunner().invoke(cli, ["undo", "--db", str(orebro_store), "--as", "pnyberg"])
    assert undone.exit_code == 0, undone.output
    assert measure_in_store(orebro_store, "7")["owner"] == "sforsberg"


# The measure edit dialog --------------------------------------------------------------------


def test_edit_dialog_refuses_a_bad_date_in_place(orebro_store: Path) -> None:
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "e", MeasureEditDialog)
        await set_text(pilot, dialog, "due", "2017-13-45")
        await set_text(pilot, dialog, "title", "")
        error = await refused_in_place(pilot, dialog)
        # Every problem at once, each named by the field's label, not by a CLI option.
        assert "Due (YYYY-MM-DD):" in error and "2017-13-45" in error
        assert "Title:" in error
        assert "--due" not in error
        # Put right, the same dialog saves.
        await set_text(pilot, dialog, "due", "2017-01-31")
        await set_text(pilot, dialog, "title", "Arbetslivskunskap")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)

    run(make_app(orebro_store), scenario)
    stored = measure_in_store(orebro_store, "7")
    assert (stored["title"], stored["due"]) == ("Arbetslivskunskap", "2017-01-31")
    assert dump_store(orebro_store) != before


def test_edit_dialog_refuses_a_stale_edit_in_place(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "e", MeasureEditDialog)
        await set_text(pilot, dialog, "area", "Vägledning")
        someone_else_edits(orebro_store, Edit("measure", "edit", "7", {"goal": "Nytt mål"}))
        before = dump_store(orebro_store)
        error = await refused_in_place(pilot, dialog)
        assert t("change.conflict_tui").strip() in error
        assert dump_store(orebro_store) == before

    run(make_app(orebro_store), scenario)
    stored = measure_in_store(orebro_store, "7")
    assert stored["goal"] == "Nytt mål"
    assert stored["area"] == "Utbildning och matchning"


@pytest.mark.parametrize("how", ["escape", "escape in a text area", "cancel button"])
def test_edit_dialog_cancelled_writes_nothing(orebro_store: Path, how: str) -> None:
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "e", MeasureEditDialog)
        await choose(pilot, dialog.query_one("#owner", Select), "mholm")
        await set_text(pilot, dialog, "goal", "Ett annat mål")
        if how == "escape":
            dialog.query_one("#title", Input).focus()
            await pilot.press("escape")
        elif how == "escape in a text area":
            dialog.query_one("#goal", TextArea).focus()
            await pilot.press("escape")
        else:
            await pilot.click("#cancel")
        await dialog_closed(pilot)
        assert isinstance(app.screen, MeasureScreen)

    run(make_app(orebro_store), scenario)
    assert dump_store(orebro_store) == before


def test_edit_dialog_with_nothing_changed_writes_nothing(orebro_store: Path) -> None:
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await open_measure(pilot, "7")
        await press_for(pilot, "e", MeasureEditDialog)
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)
        assert [n.message for n in app._notifications] == [t("change.nothing")]

    run(make_app(orebro_store), scenario, notifications=True)
    assert dump_store(orebro_store) == before


def test_owner_edits_only_the_texts_of_her_measure(tmp_path: Path, monkeypatch: Any) -> None:
    """Under edit = "owners" the owner's dialog disables what she may not change;
    her texts save."""
    monkeypatch.setenv("KPLAN_NOW", NOW)
    store = owners_store(tmp_path)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "e", MeasureEditDialog)
        for name in ("owner", "area", "start", "due"):
            assert dialog.query_one(f"#{name}").disabled, name
        for name in ("title", "goal", "description"):
            assert not dialog.query_one(f"#{name}").disabled, name
        assert "a coordinator changes the rest" in screen_text(app)
        await set_text(pilot, dialog, "goal", "Vägledarna besöker arbetsplatser varje termin.")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)

    run(make_app(store, "sforsberg"), scenario)
    assert measure_in_store(store, "7")["goal"] == "Vägledarna besöker arbetsplatser varje termin."


def test_a_coordinator_edits_everything_under_owners(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("KPLAN_NOW", NOW)
    store = owners_store(tmp_path)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "e", MeasureEditDialog)
        for name in ("title", "owner", "area", "goal", "start", "due", "description"):
            assert not dialog.query_one(f"#{name}").disabled, name
        assert "a coordinator changes the rest" not in screen_text(app)
        await choose(pilot, dialog.query_one("#owner", Select), "kfalk")
        await set_text(pilot, dialog, "start", "2015-01-01")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)

    run(make_app(store, "ehedlund"), scenario)
    stored = measure_in_store(store, "7")
    assert (stored["owner"], stored["start"]) == ("kfalk", "2015-01-01")


def test_someone_elses_measure_is_refused_in_place_with_the_cli_message(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("KPLAN_NOW", NOW)
    store = owners_store(tmp_path)
    before = dump_store(store)

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "e", MeasureEditDialog)
        await set_text(pilot, dialog, "title", "Mitt namn på den")
        error = await refused_in_place(pilot, dialog)
        assert error.startswith("mholm may not change measure 7:")
        assert "coordinator (ehedlund, pnyberg)" in error

    run(make_app(store, "mholm"), scenario)
    assert dump_store(store) == before


def test_hostile_texts_show_spelled_out_and_stay_as_stored(orebro_store: Path) -> None:
    hostile = "Mål\x1b]0;pwned\x07 \u202eslutet"
    someone_else_edits(orebro_store, Edit("measure", "edit", "7", {"goal": hostile}))

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "e", MeasureEditDialog)
        shown = dialog.query_one("#goal", TextArea).text
        assert "\x1b" not in shown and "\u202e" not in shown
        assert "\\x1b" in shown and "\\u202e" in shown
        # Another field changed; the goal, left alone, is not sent.
        await set_text(pilot, dialog, "area", "Vägledning")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)

    run(make_app(orebro_store), scenario)
    stored = measure_in_store(orebro_store, "7")
    assert (stored["goal"], stored["area"]) == (hostile, "Vägledning")


def test_helpers_for_fields() -> None:
    assert editable("a\nb\u202ec", lines=True) == "a\nb\\u202ec"
    assert editable("a\nb") == "a\\nb"
    assert editable(None) == ""
    assert in_place("--due: not a date\nid: bad") == f"{t('tui_edit.due')}: not a date\nid: bad"


# Läget --------------------------------------------------------------------------------------


def test_situation_dialog_saves_and_the_measure_screen_shows_it(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        screen = await open_measure(pilot, "7")
        dialog = await press_for(pilot, "n", SituationDialog)
        await set_text(pilot, dialog, "situation", "Uppstart i maj\nPraktik till hösten")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)
        goal = screen.query_one("#measure-goal")
        await wait_until(pilot, lambda: "Current state: Uppstart i maj" in widget_text(goal))
        assert app.screen is screen

    run(make_app(orebro_store), scenario)
    assert measure_in_store(orebro_store, "7")["situation"] == "Uppstart i maj\nPraktik till hösten"
    newest = events_in_store(orebro_store, "7")[0]
    assert (newest["actor"], newest["field"]) == ("sforsberg", "situation")


def test_situation_dialog_stale_and_escape(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "n", SituationDialog)
        await set_text(pilot, dialog, "situation", "Mitt läge")
        someone_else_edits(orebro_store, Change("measure", "7", "progress", 50, None))
        before = dump_store(orebro_store)
        error = await refused_in_place(pilot, dialog)
        assert t("change.conflict_tui").strip() in error
        assert dump_store(orebro_store) == before
        await pilot.press("escape")
        await dialog_closed(pilot)
        assert dump_store(orebro_store) == before

    run(make_app(orebro_store), scenario)
    assert measure_in_store(orebro_store, "7").get("situation") in (None, "")


def test_situation_of_someone_elses_measure_is_refused_in_place(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("KPLAN_NOW", NOW)
    store = owners_store(tmp_path)
    before = dump_store(store)

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "n", SituationDialog)
        await set_text(pilot, dialog, "situation", "Inte min")
        error = await refused_in_place(pilot, dialog)
        assert "mholm" in error

    run(make_app(store, "mholm"), scenario)
    assert dump_store(store) == before


# Collaborations -----------------------------------------------------------------------------


def test_add_a_collaboration_from_the_measure_screen(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        screen = await open_measure(pilot, "7")
        dialog = await press_for(pilot, "a", CollabAddDialog)
        # Wrong first: no id, no actors.
        await set_text(pilot, dialog, "name", "Ny samverkan")
        error = await refused_in_place(pilot, dialog)
        assert error
        await set_text(pilot, dialog, "id", "ny-samverkan")
        dialog.query_one("#actors", SelectionList).select("af")
        await choose(pilot, dialog.query_one("#step", Select), "2")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)
        section = screen.query_one("#measure-collaborations")
        await wait_until(pilot, lambda: "ny-samverkan: Ny samverkan" in widget_text(section))

    run(make_app(orebro_store), scenario)
    collabs = {c["id"]: c for c in measure_in_store(orebro_store, "7")["collaborations"]}
    assert (collabs["ny-samverkan"]["actors"], collabs["ny-samverkan"]["step"]) == (["af"], 2)


def test_collaboration_add_refused_for_an_owner_under_owners(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("KPLAN_NOW", NOW)
    store = owners_store(tmp_path)
    before = dump_store(store)

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "a", CollabAddDialog)
        await set_text(pilot, dialog, "id", "egen")
        await set_text(pilot, dialog, "name", "Egen samverkan")
        dialog.query_one("#actors", SelectionList).select("af")
        await pilot.pause()
        error = await refused_in_place(pilot, dialog)
        assert error.startswith("sforsberg may not change collaboration egen:")
        await pilot.press("escape")
        await dialog_closed(pilot)

    run(make_app(store, "sforsberg"), scenario)
    assert dump_store(store) == before


def _first_collaboration_measure(store: Path) -> tuple[str, dict[str, Any]]:
    for key in [str(n) for n in range(1, 23)]:
        collabs = measure_in_store(store, key)["collaborations"]
        if collabs:
            return key, collabs[0]
    raise AssertionError("no collaboration in the example")


def test_edit_a_collaboration(orebro_store: Path) -> None:
    key, first = _first_collaboration_measure(orebro_store)
    added = next(o for o in ("sv", "lo", "almi", "fk") if o not in first["actors"])

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, key)
        dialog = await press_for(pilot, "c", CollabEditDialog)
        assert dialog.query_one("#collaboration", Select).value == first["id"]
        assert dialog.query_one("#name", Input).value == first["name"]
        await set_text(pilot, dialog, "name", "Nytt namn")
        await set_text(pilot, dialog, "collab-note", "Ses varje månad")
        actors = dialog.query_one("#actors", SelectionList)
        actors.select(added)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)

    run(make_app(orebro_store, "ehedlund"), scenario)
    stored = next(
        c for c in measure_in_store(orebro_store, key)["collaborations"] if c["id"] == first["id"]
    )
    assert (stored["name"], stored["note"]) == ("Nytt namn", "Ses varje månad")
    assert set(stored["actors"]) == {*first["actors"], added}


def test_edit_a_collaboration_stale_refused_and_escape(orebro_store: Path) -> None:
    key, first = _first_collaboration_measure(orebro_store)

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, key)
        dialog = await press_for(pilot, "c", CollabEditDialog)
        await set_text(pilot, dialog, "name", "Mitt namn")
        someone_else_edits(
            orebro_store, Edit("collaboration", "edit", first["id"], {"name": "Deras namn"})
        )
        before = dump_store(orebro_store)
        error = await refused_in_place(pilot, dialog)
        assert t("change.conflict_tui").strip() in error
        await pilot.press("escape")
        await dialog_closed(pilot)
        assert dump_store(orebro_store) == before

    run(make_app(orebro_store), scenario)


def test_move_a_collaboration_a_step(orebro_store: Path) -> None:
    key, first = _first_collaboration_measure(orebro_store)
    target = "1" if first["step"] != 1 else "2"

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, key)
        dialog = await press_for(pilot, "t", StepDialog)
        assert dialog.query_one("#step", Select).value == str(first["step"])
        await choose(pilot, dialog.query_one("#step", Select), target)
        await fill(pilot, dialog.query_one("#note", Input), "Nytt läge")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)

    run(make_app(orebro_store), scenario)
    stored = next(
        c for c in measure_in_store(orebro_store, key)["collaborations"] if c["id"] == first["id"]
    )
    assert stored["step"] == int(target)
    newest = events_in_store(orebro_store, key)[0]
    assert (newest["field"], newest["note"]) == ("step", "Nytt läge")


def test_collaboration_keys_on_a_measure_without_collaborations_warn(orebro_store: Path) -> None:
    lonely = "19"
    for collaboration in measure_in_store(orebro_store, lonely)["collaborations"]:
        someone_else_edits(orebro_store, Edit("collaboration", "remove", collaboration["id"]))

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await open_measure(pilot, lonely)
        await pilot.press("c")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, MeasureScreen)
        messages = [n.message for n in app._notifications]
        assert messages == [t("tui_edit.no_collaborations", measure=lonely)] * 2

    run(make_app(orebro_store), scenario, notifications=True)


# Adding a measure from the overview ---------------------------------------------------------


def test_add_a_measure_from_the_overview(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        dialog = await press_for(pilot, "a", AddMeasureDialog)
        await set_text(pilot, dialog, "id", "23")
        await set_text(pilot, dialog, "title", "Ny åtgärd")
        # Spaces around a date are a slip of the keyboard, not an error.
        await set_text(pilot, dialog, "due", " 2016-06-30 ")
        # No owner chosen yet: refused in place.
        error = await refused_in_place(pilot, dialog)
        assert "Owner" in error
        await choose(pilot, dialog.query_one("#owner", Select), "sforsberg")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)
        assert isinstance(app.screen, OverviewScreen)
        await wait_until(pilot, lambda: table_of(app).current_measure() == "23", what="new row")
        assert cell(app, "23", "owner") == "sforsberg"

    run(make_app(orebro_store, "ehedlund"), scenario)
    stored = measure_in_store(orebro_store, "23")
    assert (stored["title"], stored["owner"], stored["due"]) == (
        "Ny åtgärd",
        "sforsberg",
        "2016-06-30",
    )


@pytest.mark.parametrize("key", ["7", "bad id", ""])
def test_add_measure_refuses_a_taken_or_bad_id_in_place(orebro_store: Path, key: str) -> None:
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        dialog = await press_for(pilot, "a", AddMeasureDialog)
        await set_text(pilot, dialog, "id", key)
        await set_text(pilot, dialog, "title", "Ny åtgärd")
        await choose(pilot, dialog.query_one("#owner", Select), "sforsberg")
        await refused_in_place(pilot, dialog)
        await pilot.press("escape")
        await dialog_closed(pilot)

    run(make_app(orebro_store, "ehedlund"), scenario)
    assert dump_store(orebro_store) == before


def test_add_measure_refused_for_an_owner_under_owners(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("KPLAN_NOW", NOW)
    store = owners_store(tmp_path)
    before = dump_store(store)

    async def scenario(pilot: Any) -> None:
        dialog = await press_for(pilot, "a", AddMeasureDialog)
        await set_text(pilot, dialog, "id", "23")
        await set_text(pilot, dialog, "title", "Ny åtgärd")
        await choose(pilot, dialog.query_one("#owner", Select), "sforsberg")
        error = await refused_in_place(pilot, dialog)
        assert error.startswith("sforsberg may not change measure 23:")

    run(make_app(store, "sforsberg"), scenario)
    assert dump_store(store) == before


def test_the_new_keys_are_in_the_footer_and_the_help(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: app.screen.query(HelpPanel), what="help")
        await pilot.pause()
        assert "Add measure" in screen_text(app)
        await pilot.press("question_mark")
        await open_measure(pilot, "7")
        footer = screen_text(app).splitlines()[-1]
        for shown in ("e Edit", "? Keys"):
            assert shown in footer, shown
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: app.screen.query(HelpPanel), what="help")
        await pilot.pause()
        text = screen_text(app)
        for shown in ("Edit", "Current state", "Add collab.", "Edit collab.", "Step"):
            assert shown in text, shown

    run(make_app(orebro_store), scenario)


# Hostile text -------------------------------------------------------------------------------


def test_every_structure_dialog_shows_hostile_text_spelled_out(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """The hostile plan (tests/tui/test_hostile.py): titles, names, actors and notes full
    of escape sequences, bidi overrides, newlines and markup, in every new dialog."""
    monkeypatch.setenv("KPLAN_NOW", NOW)
    store = hostile_store(tmp_path)
    with store_at(store) as opened:
        apply_changes(opened, [Change("measure", "A1", "situation", HOSTILE)], actor="hjonsson")

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        app.open_measure("A1")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        screen = app.screen
        await wait_until(pilot, lambda: "Current state: Evil" in screen_text(app), what="läget")
        assert_safe(screen_text(app))
        for key, kind in (
            ("e", MeasureEditDialog),
            ("n", SituationDialog),
            ("a", CollabAddDialog),
            ("c", CollabEditDialog),
            ("t", StepDialog),
        ):
            dialog = await press_for(pilot, key, kind)
            text = screen_text(app)
            assert_safe(text)
            heading = widget_text(dialog.query_one("#dialog-title"))
            assert f"· A1 Title {ESCAPED}" in heading, kind.__name__
            if kind in (CollabEditDialog, StepDialog):
                chooser = dialog.query_one("#collaboration", Select)
                assert ESCAPED in widget_text(chooser.query_one("#label")), kind.__name__
            for area in dialog.query(TextArea):
                assert_safe(area.text)
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen, what="back")
        app.go_overview()
        await pilot.pause()
        await press_for(pilot, "a", AddMeasureDialog)
        assert_safe(screen_text(app))

    run(make_app(store, "hjonsson"), scenario, size=(160, 120))


# Each collaboration dialog: checked in place, stale refused, permission refused ---------------


def test_collaboration_edit_checks_in_place(orebro_store: Path) -> None:
    before = dump_store(orebro_store)

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "c", CollabEditDialog)
        await set_text(pilot, dialog, "name", "")
        dialog.query_one("#actors", SelectionList).deselect_all()
        await pilot.pause()
        error = await refused_in_place(pilot, dialog)
        assert "Name:" in error and "Actors (space ticks one):" in error
        await pilot.press("escape")
        await dialog_closed(pilot)

    run(make_app(orebro_store), scenario)
    assert dump_store(orebro_store) == before


def test_choosing_another_collaboration_edits_that_one(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "c", CollabEditDialog)
        await choose(pilot, dialog.query_one("#collaboration", Select), "syv-praktik")
        assert dialog.query_one("#name", Input).value == "Praktikplatser för vägledare"
        assert dialog.query_one("#actors", SelectionList).selected == ["foretagarna"]
        await set_text(pilot, dialog, "name", "Praktik för vägledare")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)

    run(make_app(orebro_store), scenario)
    names = {c["id"]: c["name"] for c in measure_in_store(orebro_store, "7")["collaborations"]}
    assert names == {
        "syv-foretag": "Vägledare möter arbetsgivare",
        "syv-praktik": "Praktik för vägledare",
    }


def test_step_dialog_stale_refused_and_escape(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        dialog = await press_for(pilot, "t", StepDialog)
        await choose(pilot, dialog.query_one("#step", Select), "3")
        someone_else_edits(orebro_store, Change("collaboration", "syv-foretag", "step", 4, None))
        before = dump_store(orebro_store)
        error = await refused_in_place(pilot, dialog)
        assert t("change.conflict_tui").strip() in error
        await pilot.press("escape")
        await dialog_closed(pilot)
        assert dump_store(orebro_store) == before

    run(make_app(orebro_store), scenario)
    steps = {c["id"]: c["step"] for c in measure_in_store(orebro_store, "7")["collaborations"]}
    assert steps["syv-foretag"] == 4


@pytest.mark.parametrize(("actor", "key"), [("mholm", "t"), ("sforsberg", "c")])
def test_collaboration_changes_refused_in_place_under_owners(
    tmp_path: Path, monkeypatch: Any, actor: str, key: str
) -> None:
    """Moving a step is for the measure's owner or a coordinator; editing a
    collaboration for a coordinator only."""
    monkeypatch.setenv("KPLAN_NOW", NOW)
    store = owners_store(tmp_path)
    before = dump_store(store)

    async def scenario(pilot: Any) -> None:
        await open_measure(pilot, "7")
        kind = StepDialog if key == "t" else CollabEditDialog
        dialog = await press_for(pilot, key, kind)
        if key == "t":
            await choose(pilot, dialog.query_one("#step", Select), "3")
        else:
            await set_text(pilot, dialog, "name", "Mitt namn")
        error = await refused_in_place(pilot, dialog)
        assert error.startswith(f"{actor} ")
        await pilot.press("escape")
        await dialog_closed(pilot)

    run(make_app(store, actor), scenario)
    assert dump_store(store) == before


def test_e_and_n_on_the_overview_edit_the_measure_under_the_cursor(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await cursor_to(pilot, "12")
        dialog = await press_for(pilot, "e", MeasureEditDialog)
        assert dialog.measure == "12"
        await set_text(pilot, dialog, "area", "Matchning")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)
        assert isinstance(app.screen, OverviewScreen)
        dialog = await press_for(pilot, "n", SituationDialog)
        assert dialog.measure == "12"
        await set_text(pilot, dialog, "situation", "Klart till sommaren")
        await pilot.press("ctrl+s")
        await dialog_closed(pilot)

    run(make_app(orebro_store, "ehedlund"), scenario)
    stored = measure_in_store(orebro_store, "12")
    assert (stored["area"], stored["situation"]) == ("Matchning", "Klart till sommaren")
