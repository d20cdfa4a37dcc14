"""``kplan trend``: the plan across the years, from its snapshots and closed rounds (issue 14).

Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kplan.core.counts import figures, kept_figures, year_of
from kplan.core.snapshots import thaw
from kplan.core.trend import per_year
from tests.conftest import Kplan, execute, query


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every snapshot here is taken on 1 March 2017, 09:00 UTC, unless a test moves the clock."""
    monkeypatch.setenv("KPLAN_NOW", "2017-03-01T09:00:00Z")


def three_years(orebro: Kplan) -> None:
    """Snapshots "2014", "2015", "2016" of the example, the plan moving on between them."""
    orebro("snapshot", "take", "2014", "--as", "ehedlund")
    # Measure 1's Fyra P part process goes from not started to done; kön is already yes.
    orebro("fourp", "1", "process", "done", "--as", "ehedlund")
    orebro("perspective", "1", "etnicitet", "yes", "--as", "ehedlund")
    orebro("snapshot", "take", "2015", "--as", "ehedlund")
    orebro("perspective", "3", "etnicitet", "yes", "--as", "ehedlund")
    orebro("step", "analysgrupp", "3", "--as", "ehedlund")
    orebro("record", "kartlagda-branscher", "2016", "12", "--as", "ehedlund")
    orebro("snapshot", "take", "2016", "--as", "ehedlund")


def test_trend_has_a_row_per_year_with_fyra_p_and_perspectives(orebro: Kplan) -> None:
    three_years(orebro)
    result = orebro.json("trend")
    assert result["plan"] == "orebro-kompetens"
    assert result["by"] == "year"
    rows = result["rows"]
    assert [row["year"] for row in rows] == [2014, 2015, 2016]
    assert [row["snapshot"] for row in rows] == ["2014", "2015", "2016"]
    assert [row["measures"] for row in rows] == [22, 22, 22]
    four_p = [row["four_p"] for row in rows]
    assert [f["of"] for f in four_p] == [88, 88, 88]
    assert [f["done"] for f in four_p] == [22, 23, 23]
    assert four_p[1]["share"] == round(23 / 88, 4)
    assert [f["parts"]["process"]["done"] for f in four_p] == [1, 2, 2]
    etnicitet = [row["perspectives"]["etnicitet"] for row in rows]
    assert [e["yes"] for e in etnicitet] == [8, 9, 10]
    assert [e["yes"] + e["partly"] + e["no"] for e in etnicitet] == [22, 22, 22]
    assert etnicitet[2]["share_yes"] == round(10 / 22, 4)
    assert set(rows[0]["perspectives"]) == {"kön", "ålder", "etnicitet"}
    ladder = [[step["collaborations"] for step in row["ladder"]] for row in rows]
    assert ladder[1] == [5, 7, 7, 6]
    assert ladder[2] == [5, 7, 8, 5]
    assert rows[2]["ladder"][2]["name"] == "Samverkan"
    assert sum(rows[0]["statuses"].values()) == 22

    def indicator(row: dict[str, Any]) -> tuple[str, float]:
        found = next(i for i in row["indicators"] if i["id"] == "kartlagda-branscher")
        return found["period"], found["value"]

    # Each year's row shows the latest value of a period up to that year.
    assert [indicator(row) for row in rows] == [("2014", 7), ("2015", 10), ("2016", 12)]


def _kept_counts(orebro: Kplan) -> dict[str, Any]:
    rows = query(orebro.db, "SELECT name, states FROM snapshot")
    return {row["name"]: json.loads(row["states"]).get("figures") for row in rows}


def test_a_snapshot_keeps_the_counts_its_thawed_plan_gives(orebro: Kplan) -> None:
    three_years(orebro)
    orebro("round", "open", "Uppföljning 2017", "--as", "ehedlund")
    orebro("status", "4", "done", "--as", "ehedlund")
    orebro("round", "close", "--force", "--as", "ehedlund")
    kept = _kept_counts(orebro)
    assert set(kept) == {"2014", "2015", "2016", "Uppföljning 2017"}
    for row in query(orebro.db, "SELECT name, taken_at, content FROM snapshot"):
        taken_at = row["taken_at"]
        if isinstance(taken_at, str):  # SQLite keeps the moment as text
            taken_at = dt.datetime.fromisoformat(taken_at)
        if taken_at.tzinfo is None:
            taken_at = taken_at.replace(tzinfo=dt.UTC)
        year = year_of(row["name"], taken_at)
        counted = figures(thaw(row["content"], row["name"]), year)
        # As the store gives them back: JSON, the shape the reader checks.
        assert json.loads(json.dumps(counted)) == kept[row["name"]], row["name"]
        assert kept_figures(kept[row["name"]]) is not None


@pytest.mark.parametrize(
    "damage",
    [
        None,
        {"measures": "22"},
        "figures",
        {
            "measures": 22,
            "statuses": {},
            "four_p": {},
            "perspectives": {},
            "ladder": [],
            "indicators": 1,
        },
    ],
    ids=["none", "a wrong type", "a text", "wrong inner shapes"],
)
def test_a_snapshot_without_kept_counts_is_counted_from_its_plan(
    orebro: Kplan, damage: Any
) -> None:
    """Snapshots taken before kplan kept the counts, or whose counts are not as it writes them."""
    three_years(orebro)
    before = orebro.json("trend")
    page = orebro("export", "--format", "html").stdout
    for row in query(orebro.db, "SELECT name, states FROM snapshot"):
        states = json.loads(row["states"])
        if damage is None:
            del states["figures"]
        else:
            states["figures"] = damage
        execute(
            orebro.db,
            "UPDATE snapshot SET states = :s WHERE name = :n",
            s=json.dumps(states),
            n=row["name"],
        )
    assert orebro.json("trend") == before
    assert orebro("export", "--format", "html").stdout == page


def test_trend_table_on_a_pipe_is_tab_separated(orebro: Kplan) -> None:
    three_years(orebro)
    lines = orebro("trend").stdout.splitlines()
    assert lines[0].split("\t") == ["Figure", "2014", "2015", "2016"]
    four_p = next(line for line in lines if line.startswith("Fyra P done"))
    assert four_p.split("\t")[1:] == ["25% (22 of 88)", "26% (23 of 88)", "26% (23 of 88)"]
    etnicitet = next(line for line in lines if line.startswith("Perspective etnicitet"))
    assert etnicitet.split("\t")[1:] == ["8/6/8 (36%)", "9/5/8 (41%)", "10/4/8 (45%)"]
    assert all(len(line.split("\t")) == 4 for line in lines)


def test_trend_picks_the_last_snapshot_of_each_year(orebro: Kplan) -> None:
    orebro("snapshot", "take", "spring", "--as", "ehedlund")
    orebro("fourp", "1", "process", "done", "--as", "ehedlund")
    orebro("snapshot", "take", "autumn", "--as", "ehedlund")
    # Named after a year: stands for that year, whenever it was taken.
    orebro("snapshot", "take", "Uppföljning 2015", "--as", "ehedlund")
    rows = orebro.json("trend")["rows"]
    assert [(row["year"], row["snapshot"]) for row in rows] == [
        (2015, "Uppföljning 2015"),
        (2017, "autumn"),
    ]
    assert rows[1]["four_p"]["parts"]["process"]["done"] == 2


def test_a_closed_round_is_a_year_of_the_trend(orebro: Kplan) -> None:
    orebro("round", "open", "Uppföljning 2016", "--as", "ehedlund")
    orebro("fourp", "1", "process", "done", "--as", "ehedlund")
    orebro("round", "close", "--force", "--as", "ehedlund")
    [row] = orebro.json("trend")["rows"]
    assert (row["year"], row["snapshot"]) == (2016, "Uppföljning 2016")
    assert row["four_p"]["parts"]["process"]["done"] == 2


def test_trend_of_named_snapshots_oldest_first(orebro: Kplan) -> None:
    three_years(orebro)
    result = orebro.json("trend", "--snapshot", "2016", "--snapshot", "2014", "--snapshot", "2016")
    assert result["by"] == "snapshot"
    assert [row["label"] for row in result["rows"]] == ["2014", "2016"]


def test_trend_of_an_unknown_snapshot_is_one_line_and_exit_1(orebro: Kplan) -> None:
    three_years(orebro)
    result = orebro("trend", "--snapshot", "2017", expect=1)
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "2017" in line and "2014, 2015, 2016" in line


def test_trend_without_snapshots_says_how_to_get_one(orebro: Kplan) -> None:
    assert orebro.json("trend")["rows"] == []
    result = orebro("trend")
    assert result.stdout == ""
    assert "kplan snapshot take" in result.stderr


def test_trend_shows_hostile_names_spelled_out(orebro: Kplan) -> None:
    orebro("indicator", "edit", "kartlagda-branscher", "--name", "a\tb\x1b[31m", "--as", "ehedlund")
    orebro("snapshot", "take", "2014", "--as", "ehedlund")
    lines = orebro("trend").stdout.splitlines()
    assert "\x1b" not in "".join(lines)
    assert all(len(line.split("\t")) == 2 for line in lines)
    assert orebro.json("trend")["indicators"][0]["name"] == "a\tb\x1b[31m"


def test_year_of_a_snapshot() -> None:
    taken = dt.datetime(2017, 3, 1, 9, tzinfo=dt.UTC)
    assert year_of("2016", taken) == 2016
    assert year_of("Uppföljning 2015", taken) == 2015
    assert year_of("v12345", taken) == 2017
    assert year_of("20160", taken) == 2017
    assert year_of("spring", dt.datetime(2016, 12, 31, 23, 30, tzinfo=dt.UTC)) == 2016
    assert per_year([("a", taken), ("2016", taken), ("b", taken)]) == [
        (2016, "2016", taken),
        (2017, "b", taken),
    ]


def test_trend_in_swedish(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    three_years(orebro)
    monkeypatch.setenv("KPLAN_LANG", "sv")
    lines = orebro("trend").stdout.splitlines()
    assert lines[0].split("\t")[0] == "Mått"
    assert any(line.startswith("Perspektivet kön: ja/delvis/nej") for line in lines)
    assert os.environ["KPLAN_LANG"] == "sv"


def test_the_exports_show_the_development_over_the_years(orebro: Kplan) -> None:
    three_years(orebro)
    page = orebro("export", "--format", "html").stdout
    assert '<h2 id="trend-h">Development over the years</h2>' in page
    section = page[
        page.index('id="trend-h"') : page.index("</section>", page.index('id="trend-h"'))
    ]
    for year in ("2014", "2015", "2016"):
        assert f'<th scope="row">{year}</th>' in section
    # Every chart says its figure in words, and the same figure stands beside it.
    assert 'aria-label="2016, etnicitet: 45%"' in section
    assert '<span class="num">45%</span>' in section
    assert 'aria-label="2016: done 5, ongoing 11, delayed 3, not started 2, cancelled 1"' in section
    assert "<script" not in page.lower()
    report = orebro("export", "--format", "md").stdout
    trend_part = report[report.index("## Development over the years") :]
    assert "| Figure | 2014 | 2015 | 2016 |" in trend_part
    assert (
        "| Perspective etnicitet: yes/partly/no | 8/6/8 (36%) | 9/5/8 (41%) | 10/4/8 (45%) |"
        in (trend_part)
    )


def test_an_export_of_a_snapshot_looks_back_from_it(orebro: Kplan) -> None:
    three_years(orebro)
    report = orebro("export", "--format", "md", "--snapshot", "2015").stdout
    assert "| Figure | 2014 | 2015 |" in report
    page = orebro("export", "--format", "html", "--snapshot", "2014").stdout
    section = page[page.index('id="trend-h"') :]
    assert '<th scope="row">2015</th>' not in section


def test_without_snapshots_the_exports_have_no_development_section(orebro: Kplan) -> None:
    assert "trend-h" not in orebro("export", "--format", "html").stdout
    assert "Development over the years" not in orebro("export", "--format", "md").stdout


def test_hostile_names_in_the_development_section_stay_text(orebro: Kplan) -> None:
    hostile = "<img src=x onerror=alert(1)>|*x*"
    orebro("indicator", "edit", "kartlagda-branscher", "--name", hostile, "--as", "ehedlund")
    orebro("snapshot", "take", "2014", "--as", "ehedlund")
    page = orebro("export", "--format", "html").stdout
    section = page[page.index('id="trend-h"') :]
    assert "<img src=x" not in section
    assert "&lt;img src=x onerror=alert(1)&gt;|*x*" in section
    report = orebro("export", "--format", "md").stdout
    assert "| Indicator \\<img src=x onerror=alert(1)\\>\\|\\*x\\* | 7 st (2014) |" in report


@pytest.mark.sqlite_only
def test_the_installed_entry_point_shows_the_trend(tmp_path: Path) -> None:
    from tests.conftest import OREBRO
    from tests.test_entrypoint import heavy_modules_of, run

    db = tmp_path / "k.db"
    assert run("import", str(OREBRO), "--db", str(db), "--as", "demo").returncode == 0
    for name in ("2014", "2015"):
        assert run("snapshot", "take", name, "--db", str(db), "--as", "ehedlund").returncode == 0
    result = run("trend", "--json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert [row["year"] for row in json.loads(result.stdout)["rows"]] == [2014, 2015]
    result, heavy = heavy_modules_of("trend", db=db)
    assert result.returncode == 0 and "2014\t2015" in result.stdout
    assert [m for m in heavy if m != "pydantic"] == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=3))
def test_fuzz_snapshot_names(orebro: Kplan, names: list[str]) -> None:
    if not orebro.json("trend")["rows"]:
        orebro("snapshot", "take", "2014", "--as", "ehedlund")
    arguments = [part for name in names for part in ("--snapshot", name)]
    result = orebro("trend", *arguments, "--json", expect=None)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr, result.exception)
    if result.exit_code == 0:
        assert [row["snapshot"] for row in json.loads(result.stdout)["rows"]] == ["2014"]
    else:
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
