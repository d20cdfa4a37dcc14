"""The TUI uses its width: the footer's keys at 80 columns, in both languages.

At 80×24, with Swedish's longer words too, every screen's footer shows whole
keys, always the way back (or out) and ``?``; ``?`` lists every key of the
screen, those the footer had no room for too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import HelpPanel

from kplan.i18n import t
from kplan.present.fit import text_width
from tests.tui.fixed_app import make_app, screen_text, wait_until
from tests.tui.test_flows import run

# The screens opened from the overview: (key, screen class, a key the footer must show).
SCREENS = [
    ("b", "BoardScreen", "key.back"),
    ("p", "MatrixScreen", "key.back"),
    ("l", "LogScreen", "key.back"),
    ("u", "RoundsScreen", "key.back"),
]


def _footer(app: Any) -> str:
    return screen_text(app).splitlines()[-1]


def _check_footer(app: Any, width: int) -> None:
    footer = _footer(app)
    assert text_width(footer.rstrip()) <= width
    assert f"? {t('key.help')}" in footer
    assert "key." not in footer
    # Every key the footer shows, it shows whole: the description is there in full.
    for item in app.screen.active_bindings.values():
        binding = item.binding
        if binding.show and binding.action != "command_palette":
            assert f" {binding.description}" in footer, (binding.description, footer)


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)], ids=str)
def test_every_footer_shows_whole_keys_and_the_help_key(
    orebro_store: Path, monkeypatch: pytest.MonkeyPatch, language: str, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("KPLAN_LANG", language)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        _check_footer(app, size[0])
        assert f"q {t('key.quit')}" in _footer(app)
        for press, name, needed in SCREENS:
            await pilot.press(press)
            await wait_until(pilot, lambda name=name: type(app.screen).__name__ == name)
            await pilot.pause()
            _check_footer(app, size[0])
            assert f"esc {t(needed)}" in _footer(app)
            await pilot.press("escape")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "OverviewScreen")
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "MeasureScreen")
        await pilot.pause()
        _check_footer(app, size[0])
        assert f"esc {t('key.back')}" in _footer(app)

    run(make_app(orebro_store), scenario, size=size)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_help_lists_the_keys_the_footer_had_no_room_for(
    orebro_store: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    monkeypatch.setenv("KPLAN_LANG", language)

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        footer = _footer(app)
        # At 80 columns the views do not fit the overview's footer...
        assert t("key.log") not in footer
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: app.screen.query(HelpPanel))
        await pilot.pause()
        text = screen_text(app)
        # ...and the help panel lists them, with the rest.
        for key in ("key.board", "key.matrix", "key.log", "key.record", "key.quit"):
            assert t(key) in text
        # The footer, narrowed by the panel, still shows whole keys and ``?``.
        await wait_until(pilot, lambda: f"? {t('key.help')}" in _footer(app), what="the footer")
        footer = _footer(app).split("▏")[0]
        assert f"/ {t('key.filter')}" in footer

    # Tall enough that the help panel shows every key without scrolling.
    run(make_app(orebro_store), scenario, size=(80, 60))


def test_the_footer_follows_a_resize(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        assert t("key.log") not in _footer(app)
        await pilot.resize_terminal(160, 30)
        await wait_until(pilot, lambda: t("key.log") in _footer(app), what="a wider footer")
        _check_footer(app, 160)

    run(make_app(orebro_store), scenario, size=(80, 24))


# The matrix: headings that fit, and a grid that draws only the rows on screen ----------------

BIG = 10_000


def _grow(app: Any, count: int) -> None:
    """Make the app's plan hold ``count`` measures (copies of the example's), as loaded."""
    import dataclasses

    from kplan.tui.messages import PlanLoaded

    plan = app.plan
    examples = plan.measures
    plan.measures = [
        dataclasses.replace(examples[i % len(examples)], id=f"m{i}") for i in range(count)
    ]
    for screen in app.screen_stack:
        screen.post_message(PlanLoaded(plan))


def test_the_matrix_draws_only_the_rows_on_screen_at_10000_measures(orebro_store: Path) -> None:
    from kplan.tui.screens.matrix import MatrixScreen
    from kplan.tui.widgets.matrix_view import MatrixView

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        _grow(app, BIG)
        await pilot.pause()
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, MatrixScreen), what="matrix")
        screen = app.screen
        grid = screen.query_one("#matrix", MatrixView)
        await wait_until(pilot, lambda: grid.row_count == BIG + 1, what="the rows")
        drawn: list[str] = []
        cell = screen._cell

        def counted(row: str, column: str) -> Any:
            drawn.append(row)
            return cell(row, column)

        grid.show(grid.columns, grid.rows, counted)
        await pilot.pause()
        # The rows on screen, not the plan's 10,000.
        assert 0 < len(set(drawn)) <= 40
        await pilot.press("end")
        await wait_until(pilot, lambda: grid.cursor_keys()[0] == "__total__", what="the end")
        await pilot.press("up")
        await pilot.pause()
        assert grid.cursor_keys()[0] == f"m{BIG - 1}"
        assert f"m{BIG - 1}" in screen_text(app)
        assert len(set(drawn)) <= 80
        await pilot.press("pageup")
        await pilot.pause()
        row = grid.cursor_keys()[0]
        assert row is not None and row in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "MeasureScreen")
        assert app.screen.measure == row

    run(make_app(orebro_store), scenario, size=(100, 30))


def test_the_matrix_shortens_long_headings_and_names_them_in_the_legend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kplan.tui.screens.matrix import MatrixScreen
    from kplan.tui.widgets.matrix_view import MatrixView
    from tests.tui.fixed_app import build_store
    from tests.width_plan import long_plan

    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    store = build_store(tmp_path / "long.db", long_plan(tmp_path))

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, MatrixScreen), what="matrix")
        await pilot.pause()
        grid = app.screen.query_one("#matrix", MatrixView)
        assert grid.headings[2:] == ["Komp", "funk", "etni", "Pers", "Poli", "Plat", "Proc"]
        text = screen_text(app)
        for pair in ("Komp = Kompetensbehov", "funk = funktionsnedsättning", "Plat = Plattform"):
            assert pair in text
        # Every line of the legend holds whole pairs.
        for line in text.splitlines():
            assert not line.rstrip().endswith("=")
        # The mouse on a row: its whole title in the tooltip.
        await pilot.hover("#matrix", offset=(10, 1))
        await wait_until(pilot, lambda: grid.tooltip is not None, what="the tooltip")
        assert str(grid.tooltip).startswith("1 Regional analys av kompetensbehov med uppföljning")
        assert str(grid.tooltip).endswith("i hela länet")
        await pilot.resize_terminal(220, 40)
        await wait_until(pilot, lambda: "funktionsnedsättning" in grid.headings, what="wide")
        assert "Komp = Kompetensbehov" not in screen_text(app)

    run(make_app(store, "sforsberg"), scenario, size=(80, 24))


def test_the_matrix_scrolls_sideways_to_the_cursor_when_perspectives_are_many(
    orebro_store: Path,
) -> None:
    from kplan.tui.screens.matrix import MatrixScreen
    from kplan.tui.widgets.matrix_view import MatrixView

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        app.plan.perspectives = [f"perspektiv nummer {n}" for n in range(1, 13)]
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, MatrixScreen), what="matrix")
        await pilot.pause()
        grid = app.screen.query_one("#matrix", MatrixView)
        assert grid.virtual_size.width > grid.scrollable_content_region.width
        for _ in grid.columns:
            await pilot.press("right")
        await pilot.pause()
        assert grid.cursor_keys()[1] == "four_p:process"
        assert grid.scroll_offset.x > 0
        assert "Proc" in screen_text(app)
        await pilot.press("home")
        for _ in grid.columns:
            await pilot.press("left")
        await pilot.pause()
        assert grid.scroll_offset.x == 0

    run(make_app(orebro_store), scenario, size=(80, 24))


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 12)], ids=str)
def test_board_cards_are_cut_after_a_whole_word_within_their_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    from kplan.present.fit import clip
    from kplan.safetext import visible
    from kplan.tui.screens.board import BoardScreen, StepList
    from tests.tui.fixed_app import build_store
    from tests.width_plan import long_plan

    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    store = build_store(tmp_path / "long.db", long_plan(tmp_path))

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, BoardScreen), what="board")
        await pilot.pause()
        board = app.screen
        cut = 0
        for step_list in board.query(StepList):
            # The width the cards were cut to is the width the list shows: no cut behind ours.
            assert board.card_width <= step_list.scrollable_content_region.width
            for option in step_list.options:
                if option.id is None:
                    continue
                card = board.cards[option.id]
                first = str(option.prompt).split("\n")[0]
                whole = f"{visible(card.collaboration.id)} {visible(card.collaboration.name)}"
                assert first == clip(whole, board.card_width)
                cut += first != whole
        # The long plan's names do not fit a column at these sizes: some are cut.
        assert cut
        text = screen_text(app)
        assert "syv-praktik" in text

    run(make_app(store, "sforsberg"), scenario, size=size)
