"""A kplan TUI on fixed data, for Pilot and snapshot tests.

The store is the Örebro example plus a few changes made at fixed moments by
fixed people, so every screen looks the same on every run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kplan.core import rounds
from kplan.core.changes import Change, apply_changes
from kplan.core.importing import import_plan
from kplan.core.planfile import read_plan_file
from kplan.core.workspace import Workspace
from kplan.store.engine import open_store
from kplan.tui.app import KplanApp

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot
    from textual.widget import Widget
    from textual.widgets import DataTable

    from kplan.tui.widgets.line_table import LineTable

ROOT = Path(__file__).resolve().parent.parent.parent
OREBRO = ROOT / "examples" / "orebro_plan.toml"
KRONOBERG = ROOT / "examples" / "kronoberg_plan.toml"

HISTORY = [
    (
        "2016-01-18T09:30:00Z",
        "sforsberg",
        Change("measure", "7", "status", "delayed", "Praktikplatserna dröjer"),
    ),
    (
        "2016-01-18T09:31:00Z",
        "sforsberg",
        Change("measure", "7", "progress", 35, "Praktikplatserna dröjer"),
    ),
    (
        "2016-02-02T14:05:00Z",
        "tstrom",
        Change("collaboration", "syv-natverk", "step", 4, "Avtal undertecknat"),
    ),
    (
        "2016-02-10T08:00:00Z",
        "mholm",
        Change("indicator", "validerade", "values.2016-T1", 120, None),
    ),
    (
        "2016-02-11T10:15:00Z",
        "nsaid",
        Change("measure", "19", "four_p.perspektiv", "ongoing", None),
    ),
]


def build_store(path: Path, plan_file: Path = OREBRO) -> Path:
    """Make a store at ``path`` holding the plan and, for Örebro, a fixed history."""
    previous = os.environ.get("KPLAN_NOW")
    try:
        os.environ["KPLAN_NOW"] = "2016-01-15T08:00:00Z"
        store = open_store(str(path))
        import_plan(store, read_plan_file(plan_file), actor="ehedlund", source=plan_file.name)
        if plan_file == OREBRO:
            for moment, actor, change in HISTORY:
                os.environ["KPLAN_NOW"] = moment
                apply_changes(store, [change], actor=actor)
        store.close()
    finally:
        if previous is None:
            os.environ.pop("KPLAN_NOW", None)
        else:
            os.environ["KPLAN_NOW"] = previous
    return path


def make_app(store: Path, actor: str = "sforsberg", *, live: bool = False) -> KplanApp:
    """The TUI on ``store`` as ``actor``; not polling unless ``live``."""
    return KplanApp(Workspace(str(store), None, actor), live=live, poll_interval=0.2)


# Helpers for Pilot and snapshot tests -------------------------------------------------------

SHORT = 0.05
# How long a Pilot test waits for the app to get somewhere. Only a guard
# against a hang: on a machine kept busy by other work a step can take
# seconds, and a test must not fail for that.
WAIT = 120.0


async def wait_until(
    pilot: Pilot[None],
    condition: Callable[[], object],
    timeout: float = WAIT,
    what: str = "condition",
) -> None:
    """Let the app run until ``condition()`` is true; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await pilot.pause(SHORT)


async def wait_for_plan(pilot: Pilot[None], timeout: float = WAIT) -> None:
    """Wait until the plan is loaded and the overview's table holds its rows."""
    from kplan.tui.widgets.measure_table import MeasureTable

    app = pilot.app
    assert isinstance(app, KplanApp)

    def ready() -> bool:
        if app.plan is None:
            return False
        tables = app.screen.query(MeasureTable)
        return not tables or tables.first().row_count > 0

    await wait_until(pilot, ready, timeout, "the plan to load")
    await pilot.pause()


def row_keys(table: DataTable[object] | LineTable) -> list[str]:
    """The row keys of a table, in the order the user sees them."""
    from kplan.tui.widgets.line_table import LineTable

    if isinstance(table, LineTable):
        return table.keys
    return [str(row.key.value) for row in table.ordered_rows]


def plain(renderable: object, width: int = 200) -> str:
    """Any Rich renderable (Text, Group, Table, str) as plain text."""
    from rich.console import Console

    if isinstance(renderable, str):
        return renderable
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def widget_text(widget: Widget) -> str:
    """What a Static (or Label) widget holds, as plain text."""
    content = getattr(widget, "content", None)
    if content is None:
        content = widget.render()
    return plain(content)


def screen_text(app: App[object]) -> str:
    """The text the user sees on the terminal right now, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def steady_inputs(app: App[object]) -> None:
    """Stop every Input's and TextArea's cursor from blinking, so screenshots do not
    depend on timing."""
    from textual.widgets import Input, TextArea

    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False


# A year of rounds: one closed, one open and due in 14 days of the fixtures' clock, with
# reports made at fixed moments by fixed people.
ROUND_HISTORY: list[tuple[str, str, str, dict[str, object]]] = [
    ("2015-03-02T08:00:00Z", "ehedlund", "open", {"name": "Uppföljning 2014"}),
    ("2015-03-10T09:00:00Z", "sforsberg", "report", {"measure": "7", "note": "Enligt plan"}),
    ("2015-03-20T16:00:00Z", "ehedlund", "close", {"force": True}),
    (
        "2016-02-15T08:00:00Z",
        "ehedlund",
        "open",
        {"name": "Uppföljning 2015", "due": "2016-03-15"},
    ),
    ("2016-02-20T10:00:00Z", "tstrom", "report", {"measure": "4", "note": "Klart och utvärderat"}),
    ("2016-02-22T13:30:00Z", "sforsberg", "report", {"measure": "6", "note": None}),
]


def add_rounds(
    path: Path, history: list[tuple[str, str, str, dict[str, object]]] = ROUND_HISTORY
) -> Path:
    """Open, report in and close rounds in the store at ``path``, each at its fixed moment."""
    previous = os.environ.get("KPLAN_NOW")
    store = open_store(str(path), create=False)
    try:
        for moment, actor, action, options in history:
            os.environ["KPLAN_NOW"] = moment
            if action == "open":
                due = options.get("due")
                rounds.open_round(
                    store,
                    str(options["name"]),
                    actor=actor,
                    due=None if due is None else dt.date.fromisoformat(str(due)),
                )
            elif action == "report":
                note = options.get("note")
                rounds.report(
                    store,
                    str(options["measure"]),
                    actor=actor,
                    note=None if note is None else str(note),
                )
            else:
                rounds.close_round(store, actor=actor, force=bool(options.get("force")))
    finally:
        store.close()
        if previous is None:
            os.environ.pop("KPLAN_NOW", None)
        else:
            os.environ["KPLAN_NOW"] = previous
    return path
