"""The overview and the log draw only the rows on the screen, and the title uses the width.

A plan of thousands of measures (bench/make_store.py) is filtered, sorted and
scrolled through Pilot: the rows are the core's, in the order asked, and only
about a screenful of rows has ever been drawn. Every row drawn says what the
cell functions say, whole where it fits and cut with an ellipsis where it
does not, hostile text included. No timing is asserted here: bench/tui_bench.py
measures the speed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from kplan.core.filters import SearchTexts, filter_measures, parse_expression
from kplan.core.queries import load
from kplan.present.fit import clip
from kplan.safetext import visible
from kplan.store.engine import open_store
from kplan.tui.app import KplanApp
from kplan.tui.screens.log import LogScreen, LogTable, log_columns
from kplan.tui.screens.measure import MeasureScreen
from kplan.tui.widgets.line_table import fit
from kplan.tui.widgets.measure_table import (
    SCROLLBAR,
    MeasureTable,
    abbreviations,
    columns_for,
)
from tests.conftest import ROOT
from tests.tui.fixed_app import (
    make_app,
    row_keys,
    screen_text,
    wait_for_plan,
    wait_until,
    widget_text,
)
from tests.tui.test_hostile import assert_safe, hostile_store

MANY = 3000


@pytest.fixture(scope="module")
def large_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One plan of 3,000 measures and a short history, made as the benchmark makes it."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_store import make_store
    finally:
        sys.path.remove(str(ROOT / "bench"))
    path = tmp_path_factory.mktemp("large") / "large.db"
    make_store(path, plans=1, measures=MANY, events=200, seed=3)
    return path


def plan_of(path: Path) -> Any:
    store = open_store(str(path), create=False)
    try:
        return load(store)
    finally:
        store.close()


def run(app: KplanApp, scenario: Any, size: tuple[int, int] = (120, 40)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await wait_for_plan(pilot, timeout=60)
            await scenario(pilot)

    asyncio.run(main())


def table_of(app: Any) -> MeasureTable:
    return app.screen_stack[1].query_one("#measures", MeasureTable)


def drawn_rows(table: MeasureTable) -> list[str]:
    """The table's lines as the terminal shows them (heading first)."""
    return [table.render_line(y).text for y in range(table.size.height)]


def cells_of_line(line: str, widths: list[int]) -> list[str]:
    """A drawn line split at the column boundaries (one cell before each column)."""
    cells, left = [], 1
    for width in widths:
        cells.append(line[left : left + width])
        left += width + 1
    return cells


def assert_rows_say_the_cells(table: MeasureTable, rows: int) -> None:
    """Every row on the screen is its cells, each whole or cut after a word with an ellipsis."""
    widths = [c.width or 0 for c in table.columns_now]
    top = round(table.scroll_y)
    for y, line in enumerate(drawn_rows(table)[1 : rows + 1]):
        key = table.keys[top + y]
        for column, shown in zip(table.columns_now, cells_of_line(line, widths), strict=True):
            whole = table.get_cell(key, column.key).plain
            assert shown == fit(table.get_cell(key, column.key), column.width or 0).plain
            if cell_len(whole) <= (column.width or 0):
                assert shown.rstrip() == whole.rstrip()
            else:
                cut = shown.rstrip()
                assert cut.endswith("…") and whole.startswith(cut[:-1])
                # Cut after a whole word when that keeps most of the column.
                assert cut == clip(whole, column.width or 0)


def test_a_large_plan_filters_sorts_and_scrolls_drawing_only_what_shows(
    large_store: Path,
) -> None:
    plan = plan_of(large_store)
    delayed = [m.id for m in filter_measures(plan, parse_expression("status:delayed"))]
    by_title = sorted(
        filter_measures(plan, parse_expression("status:delayed")),
        key=lambda m: m.title.casefold(),
    )

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        table = table_of(app)
        height = table.size.height
        assert row_keys(table) == [m.id for m in plan.measures]
        assert f"{MANY} of {MANY} measures" in screen_text(app)
        # Only the rows on the screen were made into cells.
        assert 0 < len(table._row_cells) <= height
        assert_rows_say_the_cells(table, height - 1)

        await pilot.press("slash", *"status:delayed", "enter")
        await wait_until(pilot, lambda: table.row_count == len(delayed), what="the filter")
        assert row_keys(table) == delayed
        await pilot.press("o", "o")  # ID, then Title
        await pilot.pause()
        assert row_keys(table) == [m.id for m in by_title]
        assert_rows_say_the_cells(table, height - 1)

        # The filter bar now stands above the table: a screenful is what is left under the heading.
        height = table.size.height
        await pilot.press("ctrl+home", "pagedown")
        await pilot.pause()
        assert table.cursor_row == height - 1
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.cursor_key == by_title[-1].id
        assert round(table.scroll_y) == len(delayed) - (height - 1)
        assert visible(by_title[-1].title)[:20] in screen_text(app)
        assert_rows_say_the_cells(table, height - 1)
        # Six screens were shown (the start, the filter, two sorts, a page down, the end):
        # no more rows than those were made, of the thousands held.
        assert len(table._row_cells) <= 6 * (height + 4) < MANY // 10

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        assert app.screen.measure == by_title[-1].id

    run(make_app(large_store, actor="bench"), scenario)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
def test_hostile_titles_are_drawn_safely_whole_or_cut(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    async def scenario(pilot: Any) -> None:
        table = table_of(pilot.app)
        for line in drawn_rows(table):
            assert_safe(line)
        assert_rows_say_the_cells(table, table.row_count)

    run(make_app(hostile_store(tmp_path)), scenario, size)


def test_the_examples_titles_show_whole_at_120_columns(orebro_store: Path) -> None:
    plan = plan_of(orebro_store)

    async def scenario(pilot: Any) -> None:
        table = table_of(pilot.app)
        title = table.columns["title"]
        assert title.width >= 40
        text = screen_text(pilot.app)
        for measure in plan.measures:
            assert measure.title in text
        assert "…" not in text.split("\n", 5)[-1]
        # The line fills the width the scrollbar leaves, and no more.
        assert len(drawn_rows(table)[0].rstrip()) <= 120 - SCROLLBAR
        assert sum(c.width + 1 for c in table.columns.values()) + 1 == 120 - SCROLLBAR

    run(make_app(orebro_store), scenario)


def test_a_cut_title_reads_whole_in_the_tooltip(orebro_store: Path) -> None:
    plan = plan_of(orebro_store)
    title_of = {m.id: m.title for m in plan.measures}

    async def scenario(pilot: Any) -> None:
        table = table_of(pilot.app)
        width = table.columns["title"].width
        first = table.keys[0]
        assert len(title_of[first]) > width  # "Regional analys av kompetensbehov" at 80 columns
        x = 1 + table.columns["id"].width + 1 + 2
        await pilot.hover("#measures", offset=(x, 1))
        await pilot.pause()
        assert table.tooltip == title_of[first]
        line = drawn_rows(table)[1]
        assert "…" in line and title_of[first] not in line
        # A cell that fits has no tooltip.
        await pilot.hover("#measures", offset=(1, 1))
        await pilot.pause()
        assert table.tooltip is None

    run(make_app(orebro_store), scenario, (80, 24))


def test_a_click_on_a_heading_sorts_and_a_second_click_on_a_row_opens(
    orebro_store: Path,
) -> None:
    plan = plan_of(orebro_store)
    titles = sorted(plan.measures, key=lambda m: m.title.casefold())

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        table = table_of(app)
        x = 1 + table.columns["id"].width + 1 + 2
        await pilot.click("#measures", offset=(x, 0))
        await pilot.pause()
        assert row_keys(table) == [m.id for m in titles]
        assert "sorted by Title ↑" in screen_text(app)
        await pilot.click("#measures", offset=(x, 3))
        await pilot.pause()
        assert table.cursor_key == titles[2].id
        assert isinstance(app.screen, type(app.screen_stack[1]))
        await pilot.click("#measures", offset=(x, 3))
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        assert app.screen.measure == titles[2].id

    run(make_app(orebro_store), scenario)


def test_short_headings_differ_and_keep_three_letters() -> None:
    assert abbreviations(["kön", "ålder", "etnicitet"]) == ["kön", "åld", "etn"]
    assert abbreviations(["Kompetensbehov", "Kompetensförsörjning", "unga"]) == [
        "Kompetensb",
        "Kompetensf",
        "ung",
    ]
    assert abbreviations(["ab", "abc"]) == ["ab", "abc"]
    # Alike to the end: numbered.
    assert abbreviations(["same", "same"]) == ["sa1", "sa2"]


def test_the_progress_bar_goes_before_a_title_is_cut(orebro_store: Path) -> None:
    plan = plan_of(orebro_store)
    longest = max(len(m.title) for m in plan.measures)
    for width in (80, 100, 110, 120, 140, 160, 200):
        columns = {c.key: c for c in columns_for(plan, width)}
        title = columns["title"].width or 0
        progress = columns["progress"].width or 0
        assert 1 + sum((c.width or 0) + 1 for c in columns.values()) + SCROLLBAR == width
        if progress > 4:  # a bar is shown only when the longest title fits beside it
            assert title >= longest


@pytest.mark.parametrize("width", [80, 100, 120, 160])
def test_the_logs_columns_fill_the_width(width: int) -> None:
    columns = log_columns(width)
    assert 1 + sum((c.width or 0) + 1 for c in columns) + SCROLLBAR == width


def test_the_log_draws_its_rows_and_opens_a_measure(orebro_store: Path) -> None:
    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogScreen), what="the log")
        screen = app.screen
        table = screen.query_one("#log", LogTable)
        await wait_until(pilot, lambda: table.row_count == 6, what="the events")
        assert len(screen._row_cells) <= table.row_count
        table.focus()
        await pilot.press("down", "down")
        await pilot.pause()
        assert table.cursor_row == 2
        event = screen.shown[2]
        assert visible(event["actor"]) in widget_text(screen.query_one("#log-detail"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen), what="measure")
        assert app.screen.measure == event["measure"]

    run(make_app(orebro_store), scenario)


def test_search_texts_kept_between_filters_find_what_a_fresh_filter_finds(
    large_store: Path, tmp_path: Path
) -> None:
    import dataclasses

    plans = [plan_of(large_store), plan_of(hostile_store(tmp_path))]
    expressions = ["utbildning", "KOMPETENS", "1", "status:delayed unga", "Evil", "\\x1b", "zz"]
    for plan in plans:
        texts = SearchTexts()
        for expression in expressions * 2:
            wanted = parse_expression(expression)
            fresh = [m.id for m in filter_measures(plan, wanted)]
            assert [m.id for m in filter_measures(plan, wanted, texts)] == fresh
        # A changed measure is a new object: its new title is searched, not the old one.
        changed = dataclasses.replace(plan.measures[0], title="Ett helt nytt namn")
        plan.measures = [changed, *plan.measures[1:]]
        found = filter_measures(plan, parse_expression("helt nytt"), texts)
        assert [m.id for m in found] == [changed.id]
        # Even when the list itself is changed in place.
        plan.measures[1] = dataclasses.replace(plan.measures[1], title="Ännu ett namn")
        found = filter_measures(plan, parse_expression("ännu ett"), texts)
        assert [m.id for m in found] == [plan.measures[1].id]


def test_a_legend_too_long_for_one_line_folds_between_headings_and_is_cut_after_two(
    kronoberg_store: Path,
) -> None:
    async def scenario(pilot: Any) -> None:
        line = pilot.app.screen.query_one("#legend")
        whole = "Pe Perspektiv  Po Policy  Pl Plattform  Pr Process · " + (
            "jäm jämställdhet  fun funktionsnedsättning  lan landsbygd  ung unga"
        )
        # 120 columns: two lines, broken between two headings, nothing cut.
        shown = widget_text(line).rstrip().split("\n")
        assert len(shown) == 2 and line.size.height == 2
        assert all(len(part.strip()) <= 118 for part in shown)
        assert f"{shown[0].strip()}  {shown[1].strip()}" == whole
        assert line.tooltip is None
        # 40 columns: glyph columns, and two lines do not hold their legend; the
        # second ends after a whole word with an ellipsis, the tooltip holds it whole.
        await pilot.resize_terminal(40, 24)
        await wait_until(pilot, lambda: "Persp." in widget_text(line), what="glyph columns")
        await pilot.pause()
        shown = [part.strip() for part in widget_text(line).rstrip().split("\n")]
        whole = "4P Perspektiv Policy Plattform Process · " + (
            "Persp. jämställdhet funktionsnedsättning landsbygd unga"
        )
        assert shown[0] == "4P Perspektiv Policy Plattform Process"
        assert shown[1] == "Persp. jämställdhet…"
        assert str(line.tooltip) == whole

    run(make_app(kronoberg_store), scenario)


def test_the_plan_stays_out_of_the_collectors_walks_while_the_app_shows_it(
    orebro_store: Path,
) -> None:
    import gc

    frozen: list[int] = []

    async def scenario(pilot: Any) -> None:
        # The plan arrived: it and what the app holds are left out of full collections.
        frozen.append(gc.get_freeze_count())
        assert pilot.app.plan is not None

    assert gc.get_freeze_count() == 0
    run(make_app(orebro_store), scenario)
    assert frozen[0] > 1000
    # The app is done: everything is the collector's again.
    assert gc.get_freeze_count() == 0
