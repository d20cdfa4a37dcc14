"""The TUI's measure screen shows an indicator's values split by group and the gap between them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kplan.core.changes import Change, apply_changes
from kplan.tui.screens.measure import MeasureScreen
from tests.tui.fixed_app import make_app, wait_until, widget_text
from tests.tui.test_flows import cursor_to, run, store_at


def test_measure_screen_shows_the_groups_and_the_gap(orebro_store: Path) -> None:
    with store_at(orebro_store) as store:
        apply_changes(
            store,
            [
                Change("indicator", "matchning-utbildning", f"groups.{part}", value)
                for part, value in [
                    ("2014.kön=kvinnor", 65),
                    ("2014.kön=män", 61),
                    ("2015.kön=kvinnor", 66),
                    ("2015.kön=män", 63.5),
                ]
            ],
            actor="jlindqvist",
        )

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await cursor_to(pilot, "2")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        text = widget_text(app.screen.query_one("#measure-indicators"))
        lines = [" ".join(line.split()) for line in text.splitlines()]
        assert any(line.startswith("kön=kvinnor 65 66") for line in lines), lines
        assert any(line.startswith("kön=män 61 63.5") for line in lines), lines
        gap = next(line for line in lines if line.startswith("gap between the groups of kön"))
        assert "4 2.5" in gap and "narrowing" in gap

    run(make_app(orebro_store), scenario, size=(200, 50))
