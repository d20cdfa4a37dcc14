"""Hostile text in the TUI: spelled out on every screen, never markup, never a raw control.

The plan is the Kronoberg example with escape sequences, BEL, a C1 CSI,
DEL, a right-to-left override, newlines and Rich markup in its titles,
names and notes (see tests/test_hostile_text.py). Every screen a person
can open is read back as the terminal would show it.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import Any

from kplan.core.changes import Change, apply_changes
from kplan.core.importing import import_plan
from kplan.core.planfile import read_plan_file
from kplan.store.engine import open_store
from kplan.tui.app import KplanApp
from kplan.tui.dialogs.edits import StatusDialog
from kplan.tui.screens.board import BoardScreen
from kplan.tui.screens.log import LogScreen
from kplan.tui.screens.matrix import MatrixScreen
from kplan.tui.screens.measure import MeasureScreen
from tests.test_hostile_text import HOSTILE, MARKUP, RAW, hostile_plan
from tests.tui.fixed_app import make_app, screen_text, wait_for_plan, wait_until

ESCAPED = "Evil\\x1b]0;pwned\\x1b\\\\x1b[2J\\x07"


def hostile_store(tmp_path: Path) -> Path:
    """A store with the hostile plan; measure A2 is titled with markup only."""
    path = tmp_path / "hostile.db"
    plan = read_plan_file(hostile_plan(tmp_path))
    plan.measures[1].title = MARKUP
    store = open_store(str(path))
    try:
        import_plan(store, plan, actor="hjonsson", source="hostile.toml")
        apply_changes(
            store, [Change("measure", "A1", "status", "delayed", f"Said {HOSTILE}")], actor=HOSTILE
        )
    finally:
        store.close()
    return path


def assert_safe(text: str) -> None:
    found = RAW.search(text)
    assert found is None, f"raw {found.group()!r} on the screen: {text[: found.start() + 20]!r}"


def run(app: KplanApp, scenario: Any) -> None:
    async def main() -> None:
        async with app.run_test(size=(160, 120), notifications=True) as pilot:
            await wait_for_plan(pilot)
            await scenario(pilot)

    asyncio.run(main())


def test_every_screen_shows_hostile_text_spelled_out(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    store = hostile_store(tmp_path)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        overview = screen_text(app)
        assert_safe(overview)
        assert f"Title {ESCAPED}"[:30] in overview
        # Cut by the column's width, but as typed: markup in a title is text.
        assert MARKUP[:30] in overview
        assert "Plan Evil\\x1b]0;pwned" in overview  # the header's plan title

        app.open_measure("A1")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        await wait_until(pilot, lambda: "«Said" in screen_text(app), what="its events")
        measure = screen_text(app)
        assert_safe(measure)
        for shown in (f"Title {ESCAPED}", f"Owner {ESCAPED}", f"Collab {ESCAPED}"):
            assert shown in measure, shown
        assert f"Note {ESCAPED}" in measure
        events = measure[measure.index("Recent events") :].splitlines()[1:]
        # Each event's time stands in the first column; a note wraps beside it.
        # The moment in the plan's zone, the zone named, then who.
        assert re.match(r" \d{4}-\d\d-\d\d \d\d:\d\d [A-Z]+  Evil", events[0])
        assert not any(re.match(r" *2016-01-01 00:00", line) for line in events)
        joined = " ".join(line.strip() for line in events)
        assert f"«Said {ESCAPED}" in joined and "\\n2016-01-01 00:00\\tboss" in joined

        app.push_screen(StatusDialog("A1"))
        await pilot.pause()
        dialog = screen_text(app)
        assert_safe(dialog)
        assert "· A1 Title" in dialog and "Evil\\x1b]0;pwned" in dialog
        app.pop_screen()
        await pilot.pause()

        for view, screen in (("log", LogScreen), ("matrix", MatrixScreen), ("board", BoardScreen)):
            app.go_overview()
            app.open_view(view)
            await wait_until(pilot, lambda screen=screen: isinstance(app.screen, screen), what=view)
            await pilot.pause(0.2)
            if view == "log":
                await wait_until(pilot, lambda: "Said Evil" in screen_text(app), what="the log")
            text = screen_text(app)
            assert_safe(text)
            assert "Evil\\x1b]0;pwned" in text, view

        app.notify(f"Saved {HOSTILE}", title=HOSTILE)
        await wait_until(pilot, lambda: "Saved" in screen_text(app), what="the toast")
        toast = screen_text(app)
        assert_safe(toast)
        assert "Evil\\x1b]0;pwned" in toast
        (note,) = [n for n in app._notifications if n.message.startswith("Saved")]
        assert not note.markup
        assert note.message.startswith("Saved Evil\\x1b]0;pwned") and MARKUP in note.message

    run(make_app(store, actor="hjonsson"), scenario)


def test_megabytes_of_title_do_not_stall_the_overview(tmp_path: Path, monkeypatch: Any) -> None:
    """A title of 5 MB (from a store older than any input limit) is clipped on screen."""
    import sqlite3

    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    store = hostile_store(tmp_path)
    connection = sqlite3.connect(store)
    with connection:
        connection.execute("UPDATE measure SET title = ? WHERE key = 'B1'", ("T" * 5_000_000,))
        connection.execute("UPDATE owner SET name = ? WHERE key = 'oeklund'", ("N" * 5_000_000,))
    connection.close()

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        assert "TTTTTTTT" in screen_text(app)
        app.open_measure("B1")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        await wait_until(pilot, lambda: "…" in screen_text(app), what="the clipped title")
        text = screen_text(app)
        assert "…" in text
        app.go_overview()
        app.open_view("matrix")
        await wait_until(pilot, lambda: isinstance(app.screen, MatrixScreen), what="matrix")
        await wait_until(pilot, lambda: "TTTT" in screen_text(app), what="the matrix's rows")
        assert "TTTT" in screen_text(app)

    assert os.path.getsize(store) > 5_000_000
    run(make_app(store, actor="hjonsson"), scenario)
