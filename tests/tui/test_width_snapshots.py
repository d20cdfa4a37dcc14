"""SVG snapshots of a plan with long titles and long perspective names, at three sizes.

The plan is tests/width_plan.py's: "Kompetensbehov", "funktionsnedsättning"
and titles longer than any terminal. At 80×24, 100×30 and 120×40 the
overview, the board, the log, the matrix, a measure and the help panel show
whole words (short
headings named in a legend, titles cut at a word with an ellipsis, whole on
the measure screen) and the footer shows whole keys with ``?``. Taken in
colour, on a fixed clock, like tests/tui/test_snapshots.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from kplan.core.changes import apply_changes
from kplan.store.engine import open_store
from kplan.tui.screens.measure import MeasureScreen
from tests.tui.fixed_app import (
    HISTORY,
    build_store,
    make_app,
    steady_inputs,
    wait_for_plan,
    wait_until,
)
from tests.width_plan import long_plan

SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((100, 30), id="100x30"),
    pytest.param((120, 40), id="120x40"),
]

Before = Callable[[Any], Awaitable[None]]
SnapCompare = Callable[..., bool]


@pytest.fixture
def long_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with the long plan and the example's fixed history; a fixed clock."""
    path = build_store(tmp_path / "long.db", long_plan(tmp_path))
    store = open_store(str(path), create=False)
    try:
        for moment, actor, change in HISTORY:
            monkeypatch.setenv("KPLAN_NOW", moment)
            apply_changes(store, [change], actor=actor)
    finally:
        store.close()
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return path


def view(press: str, screen_name: str) -> Before:
    async def before(pilot: Any) -> None:
        await wait_for_plan(pilot)
        await pilot.press(press)
        app = pilot.app
        await wait_until(pilot, lambda: type(app.screen).__name__ == screen_name, what=screen_name)
        await pilot.pause()
        steady_inputs(app)

    return before


def measure(help_panel: bool = False) -> Before:
    async def before(pilot: Any) -> None:
        await wait_for_plan(pilot)
        app = pilot.app
        # Measure 7, whose history the store holds.
        app.open_measure("7")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        await wait_until(pilot, lambda: app.screen.events, what="its events")
        if help_panel:
            await pilot.press("question_mark")
            await wait_until(pilot, lambda: app.screen.query("HelpPanel"), what="help")
            await pilot.pause()
        steady_inputs(app)

    return before


async def overview(pilot: Any) -> None:
    await wait_for_plan(pilot)
    await pilot.pause()
    steady_inputs(pilot.app)


CASES: dict[str, Before] = {
    "overview": overview,
    "board": view("b", "BoardScreen"),
    "log": view("l", "LogScreen"),
    "matrix": view("p", "MatrixScreen"),
    "measure": measure(),
    "measure_help": measure(help_panel=True),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(CASES))
def test_long_words(
    snap_compare: SnapCompare, long_store: Path, case: str, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(long_store), terminal_size=size, run_before=CASES[case])
