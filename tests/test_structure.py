"""Changing a plan where it lives: läget (kplan note), measures, collaborations, indicators."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import OREBRO, Kplan, dump_store


def owners_only(tmp_path: Path) -> Path:
    """The example plan with the "owners" edit policy (coordinators ehedlund, pnyberg)."""
    text = OREBRO.read_text(encoding="utf-8")
    path = tmp_path / "owners_only.toml"
    path.write_text(text.replace("[plan]\n", '[plan]\nedit = "owners"\n', 1), encoding="utf-8")
    return path


@pytest.fixture
def guarded(kplan: Kplan, tmp_path: Path) -> Kplan:
    """A store holding the example plan under the "owners" policy."""
    kplan("import", str(owners_only(tmp_path)), "--as", "ehedlund")
    return kplan


# --- läget -------------------------------------------------------------------


def test_note_sets_the_situation_logs_it_and_undo_puts_the_old_one_back(orebro: Kplan) -> None:
    result = orebro.json("note", "7", "Uppstart i maj", "--as", "sforsberg")
    assert [(c["field"], c["old"], c["new"]) for c in result["changes"]] == [
        ("situation", None, "Uppstart i maj")
    ]
    assert orebro.json("show", "7")["situation"] == "Uppstart i maj"
    orebro("note", "7", "Rekrytering klar", "--as", "sforsberg")
    event = orebro.json("log", "7", "--limit", "1")[0]
    assert (event["field"], event["old"], event["new"], event["actor"]) == (
        "situation",
        "Uppstart i maj",
        "Rekrytering klar",
        "sforsberg",
    )
    orebro("undo", "--as", "sforsberg")
    assert orebro.json("show", "7")["situation"] == "Uppstart i maj"
    orebro("note", "7", "", "--as", "sforsberg")
    assert orebro.json("show", "7")["situation"] is None


def test_note_on_a_stale_version_is_refused_with_exit_3_and_nothing_written(
    orebro: Kplan,
) -> None:
    version = orebro.json("show", "7")["version"]
    orebro("status", "7", "delayed")
    before = dump_store(orebro.db)
    refused = orebro("note", "7", "x", "--expect-version", str(version), expect=3)
    assert len(refused.stderr.strip().splitlines()) == 1
    assert dump_store(orebro.db) == before


def test_note_on_an_unknown_measure_names_it_with_exit_1(orebro: Kplan) -> None:
    refused = orebro("note", "77", "x", expect=1)
    assert "77" in refused.stderr and "Traceback" not in refused.stderr


def test_note_under_owners_is_for_the_owner_and_the_coordinators(guarded: Kplan) -> None:
    before = dump_store(guarded.db)
    refused = guarded("note", "7", "x", "--as", "mholm", expect=4)
    assert "mholm" in refused.stderr
    assert dump_store(guarded.db) == before
    guarded("note", "7", "ägaren", "--as", "sforsberg")
    guarded("note", "7", "samordnaren", "--as", "ehedlund")
    assert guarded.json("show", "7")["situation"] == "samordnaren"


def test_the_situation_is_in_every_export_and_hostile_text_is_shown_harmless(
    orebro: Kplan, tmp_path: Path
) -> None:
    hostile = "Läget \x1b[2J<script>alert(1)</script> | **x**"
    orebro("note", "7", hostile, "--as", "sforsberg")
    shown = orebro("show", "7").stdout
    assert "\x1b" not in shown and "Läget" in shown
    exported = json.loads(orebro("export", "--format", "json").stdout)
    measure = next(m for m in exported["measures"] if m["id"] == "7")
    assert measure["situation"] == hostile
    csv_text = orebro("export", "--format", "csv").stdout
    assert "situation" in csv_text.splitlines()[0]
    assert "<script>alert(1)</script>" in csv_text
    markdown = orebro("export", "--format", "md").stdout
    assert "\\<script\\>" in markdown and "<script>" not in markdown
    html = orebro("export", "--format", "html").stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    toml_path = tmp_path / "back.toml"
    orebro("export", "--format", "toml", "-o", str(toml_path))
    assert "situation = " in toml_path.read_text(encoding="utf-8")
    # The file reads back with the same situation.
    again = Kplan(tmp_path / "again.db")
    again("import", str(toml_path))
    assert again.json("show", "7")["situation"] == hostile


# --- the issue's example, end to end --------------------------------------------


def test_the_issue_example_shows_everything_and_undo_reverts_each_command(orebro: Kplan) -> None:
    orebro(
        "measure",
        "add",
        "23",
        "--title",
        "Ny åtgärd",
        "--owner",
        "sforsberg",
        "--due",
        "2016-06-30",
    )
    orebro("measure", "edit", "23", "--owner", "mholm")
    orebro(
        "collab",
        "add",
        "ny-samverkan",
        "--measure",
        "23",
        "--name",
        "Ny samverkan",
        "--actors",
        "af",
    )
    orebro("step", "ny-samverkan", "2")
    orebro("note", "23", "Uppstart i maj")

    shown = orebro.json("show", "23")
    assert (shown["title"], shown["owner"], shown["due"], shown["situation"]) == (
        "Ny åtgärd",
        "mholm",
        "2016-06-30",
        "Uppstart i maj",
    )
    assert [(c["id"], c["name"], c["actors"], c["step"]) for c in shown["collaborations"]] == [
        ("ny-samverkan", "Ny samverkan", ["af"], 2)
    ]
    logged = [
        (e["field"], e["collaboration"], e["old"], e["new"], e["actor"])
        for e in orebro.json("log", "23")
    ]
    assert logged == [
        ("situation", None, None, "Uppstart i maj", "tester"),
        ("step", "ny-samverkan", "1", "2", "tester"),
        ("collaboration", "ny-samverkan", None, "ny-samverkan", "tester"),
        ("owner", None, "sforsberg", "mholm", "tester"),
        ("measure", None, None, "23", "tester"),
    ]
    assert shown["events"][0]["field"] == "situation"

    orebro("undo")
    assert orebro.json("show", "23")["situation"] is None
    orebro("undo")
    assert orebro.json("show", "23")["collaborations"][0]["step"] == 1
    orebro("undo")
    assert orebro.json("show", "23")["collaborations"] == []
    orebro("undo")
    assert orebro.json("show", "23")["owner"] == "sforsberg"
    orebro("undo")
    assert "23" not in [m["id"] for m in orebro.json("list")]


def test_the_issue_example_with_the_installed_kplan(orebro: Kplan) -> None:
    env = {**os.environ, "KPLAN_USER": "ehedlund"}
    kplan = Path(sys.executable).with_name("kplan")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(kplan), *args, "--db", str(orebro.db)],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=600,
            check=False,
        )

    for command in (
        [
            "measure",
            "add",
            "23",
            "--title",
            "Ny åtgärd",
            "--owner",
            "sforsberg",
            "--due",
            "2016-06-30",
        ],
        ["measure", "edit", "23", "--owner", "mholm"],
        [
            "collab",
            "add",
            "ny-samverkan",
            "--measure",
            "23",
            "--name",
            "Ny samverkan",
            "--actors",
            "af",
        ],
        ["step", "ny-samverkan", "2"],
        ["note", "23", "Uppstart i maj"],
    ):
        done = run(*command)
        assert done.returncode == 0, done.stderr
    shown = json.loads(run("show", "23", "--json").stdout)
    assert (shown["owner"], shown["situation"]) == ("mholm", "Uppstart i maj")
    assert shown["collaborations"][0]["step"] == 2
    assert len(json.loads(run("log", "23", "--json").stdout)) == 5
    refused = run("measure", "add", "23", "--title", "x", "--owner", "mholm")
    assert refused.returncode == 1
    assert refused.stderr.startswith("kplan: error: The plan has a measure 23 already")
    undone = run("undo", "--json")
    assert undone.returncode == 0, undone.stderr
    assert json.loads(undone.stdout)["changes"][0]["field"] == "situation"


# --- refused: one line each (or every problem at once), nothing written --------------


REFUSED = [
    (["measure", "add", "7", "--title", "x", "--owner", "mholm"], 1, "measure 7 already"),
    (["measure", "add", "a b", "--title", "x", "--owner", "mholm"], 1, "not a valid id"),
    (["measure", "add", "30", "--owner", "mholm"], 1, "--title: missing"),
    (["measure", "add", "30", "--title", "x", "--owner", "sfosberg"], 1, "'sforsberg'"),
    (
        ["measure", "add", "30", "--title", "x", "--owner", "mholm", "--due", "2016-02-30"],
        1,
        "--due",
    ),
    (
        [
            "measure",
            "add",
            "30",
            "--title",
            "x",
            "--owner",
            "mholm",
            "--start",
            "2016-05-01",
            "--due",
            "2016-01-01",
        ],
        1,
        "before the start",
    ),
    (["measure", "edit", "77", "--title", "x"], 1, "unknown measure '77'"),
    (["measure", "edit", "7"], 2, "Nothing to change"),
    (["measure", "edit", "7", "--title", ""], 1, "--title"),
    (["measure", "edit", "7", "--owner", ""], 1, "--owner"),
    (["measure", "remove", "77"], 1, "unknown measure"),
    (["collab", "add", "c1", "--name", "x", "--actors", "af"], 2, "--measure"),
    (
        ["collab", "add", "c1", "--measure", "7", "--name", "x", "--actors", "nope"],
        1,
        "unknown organisation 'nope'",
    ),
    (["collab", "add", "c1", "--measure", "7", "--name", "x", "--actors", ""], 1, "--actors"),
    (
        ["collab", "add", "c1", "--measure", "77", "--name", "x", "--actors", "af"],
        1,
        "unknown measure",
    ),
    (
        ["collab", "add", "c1", "--measure", "7", "--name", "x", "--actors", "af", "--step", "9"],
        1,
        "--step",
    ),
    (
        ["collab", "add", "fastighet", "--measure", "7", "--name", "x", "--actors", "af"],
        1,
        "already",
    ),
    (["collab", "edit", "fastighet", "--step", "zero"], 1, "--step"),
    (["collab", "remove", "nope"], 1, "unknown collaboration"),
    (["indicator", "add", "i1", "--measure", "7", "--name", "x", "--target", "abc"], 1, "--target"),
    (
        ["indicator", "add", "i1", "--measure", "7", "--name", "x", "--direction", "upp"],
        1,
        "--direction",
    ),
    (["indicator", "add", "i1", "--measure", "7"], 1, "--name"),
    (["indicator", "edit", "nope", "--name", "x"], 1, "unknown indicator"),
    (["indicator", "remove", "nope"], 1, "unknown indicator"),
]


@pytest.mark.parametrize(("command", "code", "words"), REFUSED)
def test_a_wrong_structure_change_is_refused_with_one_line_and_nothing_written(
    orebro: Kplan, command: list[str], code: int, words: str
) -> None:
    before = dump_store(orebro.db)
    refused = orebro(*command, expect=code)
    assert words in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    assert dump_store(orebro.db) == before


def test_every_problem_is_reported_at_once(orebro: Kplan) -> None:
    before = dump_store(orebro.db)
    refused = orebro(
        "measure",
        "add",
        "30",
        "--title",
        "",
        "--owner",
        "sfosberg",
        "--due",
        "2016-02-30",
        expect=1,
    )
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 3
    assert any(line.endswith("'2016-02-30'") for line in lines)
    assert any("sforsberg" in line for line in lines)
    assert any("--title" in line for line in lines)
    assert dump_store(orebro.db) == before


@pytest.mark.parametrize(
    "command",
    [
        ["measure", "edit", "7", "--title", "y"],
        ["measure", "remove", "7"],
        ["collab", "edit", "fastighet", "--name", "y"],
        ["indicator", "edit", "fastighet-platser", "--unit", "st"],
    ],
)
def test_a_stale_expect_version_is_refused_with_exit_3(orebro: Kplan, command: list[str]) -> None:
    before = dump_store(orebro.db)
    refused = orebro(*command, "--expect-version", "99", expect=3)
    assert "version 99" in refused.stderr
    assert dump_store(orebro.db) == before


def test_a_current_expect_version_is_taken(orebro: Kplan) -> None:
    version = orebro.json("show", "7")["version"]
    orebro("measure", "edit", "7", "--title", "Ny titel", "--expect-version", str(version))
    assert orebro.json("show", "7")["version"] == version + 1


def test_swedish_words_and_decimal_commas_are_taken_as_in_a_plan_file(orebro: Kplan) -> None:
    orebro(
        "indicator",
        "add",
        "nya-platser",
        "--measure",
        "7",
        "--name",
        "Nya platser",
        "--target",
        "40,5",
        "--baseline",
        "3",
        "--direction",
        "minska",
        "--unit",
        "st",
    )
    found = next(i for i in orebro.json("show", "7")["indicators"] if i["id"] == "nya-platser")
    assert (found["target"], found["baseline"], found["direction"], found["unit"]) == (
        40.5,
        3,
        "decrease",
        "st",
    )


# --- permissions under edit = "owners" -----------------------------------------------


def test_an_owner_may_edit_the_texts_of_her_own_measure(guarded: Kplan) -> None:
    guarded(
        "measure",
        "edit",
        "7",
        "--title",
        "Ny titel",
        "--goal",
        "Mål",
        "--description",
        "Text",
        "--as",
        "sforsberg",
    )
    shown = guarded.json("show", "7")
    assert (shown["title"], shown["goal"], shown["description"]) == ("Ny titel", "Mål", "Text")
    assert guarded.json("log", "7", "--limit", "1")[0]["actor"] == "sforsberg"


@pytest.mark.parametrize(
    "command",
    [
        ["measure", "edit", "7", "--owner", "mholm"],
        ["measure", "edit", "7", "--due", "2017-01-01"],
        ["measure", "edit", "7", "--title", "x", "--area", "y"],
        ["measure", "add", "30", "--title", "x", "--owner", "sforsberg"],
        ["measure", "remove", "7", "--force"],
        ["collab", "add", "c1", "--measure", "7", "--name", "x", "--actors", "af"],
        ["collab", "edit", "syv-praktik", "--name", "x"],
        ["indicator", "add", "i1", "--measure", "7", "--name", "x"],
    ],
)
def test_structure_changes_under_owners_are_for_coordinators(
    guarded: Kplan, command: list[str]
) -> None:
    before = dump_store(guarded.db)
    refused = guarded(*command, "--as", "sforsberg", expect=4)
    assert "coordinator" in refused.stderr and "ehedlund, pnyberg" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert dump_store(guarded.db) == before
    guarded(*command, "--as", "ehedlund")


@pytest.mark.parametrize(
    "command",
    [
        ["measure", "edit", "7", "--due", "2017-01-01"],
        ["measure", "add", "30", "--title", "x", "--owner", "sforsberg"],
        ["measure", "remove", "7", "--force"],
        ["collab", "add", "c1", "--measure", "7", "--name", "x", "--actors", "af"],
        ["indicator", "add", "i1", "--measure", "7", "--name", "x"],
    ],
)
def test_undo_asks_the_edit_policy_again(guarded: Kplan, command: list[str]) -> None:
    """A coordinator who is one no longer cannot undo her structure change; nothing is written."""
    guarded(*command, "--as", "ehedlund")
    guarded("plan", "edit", "--coordinators", "pnyberg", "--as", "pnyberg")
    before = dump_store(guarded.db)
    refused = guarded("undo", "--as", "ehedlund", expect=4)
    assert "coordinator" in refused.stderr and "pnyberg" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert dump_store(guarded.db) == before


def test_an_owner_undoes_the_text_of_her_own_measure_under_owners(guarded: Kplan) -> None:
    guarded("measure", "edit", "7", "--title", "Ny titel", "--as", "sforsberg")
    guarded("undo", "--as", "sforsberg")
    assert guarded.json("show", "7")["title"] != "Ny titel"


def test_someone_else_may_not_edit_the_texts_of_a_measure_under_owners(guarded: Kplan) -> None:
    before = dump_store(guarded.db)
    guarded("measure", "edit", "7", "--title", "x", "--as", "mholm", expect=4)
    assert dump_store(guarded.db) == before


# --- removal, its history and its undo ---------------------------------------------------


def test_removing_a_measure_with_a_history_needs_force_and_undo_restores_it_whole(
    orebro: Kplan,
) -> None:
    orebro("status", "6", "delayed", "--progress", "45")
    orebro("record", "vagledare-utbildade", "2016", "12")
    orebro("note", "6", "Läget")
    orebro("snapshot", "take", "före")
    before = orebro.json("show", "6")
    order = [m["id"] for m in orebro.json("list")]
    stored = dump_store(orebro.db)

    refused = orebro("measure", "remove", "6", expect=2)
    assert "--force" in refused.stderr
    assert dump_store(orebro.db) == stored

    orebro("measure", "remove", "6", "--force", "--note", "Utgår")
    assert "6" not in [m["id"] for m in orebro.json("list")]
    logged = orebro.json("log", "6", "--limit", "100")
    assert {"status", "situation", "values.2016"} <= {e["field"] for e in logged}
    removal = logged[0]
    assert (removal["field"], removal["new"], removal["note"]) == ("measure", None, "Utgår")
    assert json.loads(removal["old"])["measure"]["title"] == before["title"]
    shown_log = orebro("log", "6", "--limit", "1").stdout
    assert f"6 ({before['title']})" in shown_log and "{" not in shown_log
    snapshot = json.loads(orebro("export", "--format", "json", "--snapshot", "före").stdout)
    assert "6" in [m["id"] for m in snapshot["measures"]]

    orebro("undo")
    after = orebro.json("show", "6")
    for key in ("title", "owner", "status", "progress", "situation", "four_p", "perspectives"):
        assert after[key] == before[key], key
    assert after["collaborations"] == before["collaborations"]
    assert after["indicators"] == before["indicators"]
    assert [m["id"] for m in orebro.json("list")] == order


def test_a_new_measure_without_events_but_its_own_is_removed_only_with_force(orebro: Kplan) -> None:
    orebro("measure", "add", "30", "--title", "x", "--owner", "mholm")
    orebro("measure", "remove", "30", expect=2)
    orebro("measure", "remove", "30", "--force")


def test_collab_and_indicator_edit_move_and_remove_are_undone(orebro: Kplan) -> None:
    collab = next(c for c in orebro.json("show", "7")["collaborations"] if c["id"] == "syv-praktik")
    orebro(
        "collab",
        "edit",
        "syv-praktik",
        "--measure",
        "6",
        "--note",
        "Flyttad",
        "--actors",
        "af,region",
    )
    moved = next(c for c in orebro.json("show", "6")["collaborations"] if c["id"] == "syv-praktik")
    assert (moved["note"], moved["actors"]) == ("Flyttad", ["af", "region"])
    orebro("undo")
    assert (
        next(c for c in orebro.json("show", "7")["collaborations"] if c["id"] == "syv-praktik")
        == collab
    )
    orebro("collab", "remove", "syv-praktik")
    orebro("undo")
    assert [c["id"] for c in orebro.json("show", "7")["collaborations"]] == [
        "syv-foretag",
        "syv-praktik",
    ]
    orebro("record", "vagledare-utbildade", "2016", "12")
    indicator = orebro.json("show", "6")["indicators"]
    orebro("indicator", "remove", "vagledare-utbildade")
    assert orebro.json("show", "6")["indicators"] == []
    orebro("undo")
    assert orebro.json("show", "6")["indicators"] == indicator


def test_an_undo_of_an_added_measure_someone_changed_since_is_refused(orebro: Kplan) -> None:
    orebro("measure", "add", "30", "--title", "x", "--owner", "mholm")
    orebro("status", "30", "ongoing", "--as", "mholm")
    before = dump_store(orebro.db)
    refused = orebro("undo", expect=3)
    assert "mholm" in refused.stderr
    assert dump_store(orebro.db) == before


# --- fuzz: every new command's inputs ---------------------------------------------------

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=150,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values near the valid ones (ids of the plan, Swedish words, decimal commas)
# and hostile ones (escapes, bytes that were not UTF-8, huge or odd numbers).
_values = st.one_of(
    st.sampled_from(
        [
            "7",
            "23",
            "fastighet",
            "syv-praktik",
            "fastighet-platser",
            "af",
            "af,region",
            "af,af",
            "mholm",
            "sforsberg",
            "sfosberg",
            "öka",
            "minska",
            "decrease",
            "upp",
            "2016-06-30",
            "2016-02-30",
            "2016-6-1",
            "0",
            "1",
            "4",
            "9",
            "-1",
            "40,5",
            "1e309",
            "nan",
            "--5",
            "",
            " ",
            "x" * 300,
            "\x1b[2J\u202e",
            "\udcff",
            "a b",
            ",",
            "١٢",
        ]
    ),
    st.text(max_size=12),
)

_OPTIONS = {
    "measure": ["--title", "--owner", "--area", "--goal", "--start", "--due", "--description"],
    "collab": ["--measure", "--name", "--actors", "--step", "--note"],
    "indicator": ["--measure", "--name", "--unit", "--baseline", "--target", "--direction"],
}


_KEYS = {
    "measure": ["7", "23", "6"],
    "collab": ["fastighet", "syv-praktik", "ny-samverkan"],
    "indicator": ["fastighet-platser", "vagledare-utbildade", "nya-platser"],
    "note": ["7", "6"],
}
# What an addition needs, so that many drawn additions get as far as their values.
_NEEDED = {
    "measure": ["--title=Ny åtgärd", "--owner=mholm"],
    "collab": ["--measure=7", "--name=Ny samverkan", "--actors=af"],
    "indicator": ["--measure=7", "--name=Nya platser"],
}


@st.composite
def structure_commands(draw: Any) -> list[str]:
    """A structure command or kplan note with drawn values for some of its options."""
    group = draw(st.sampled_from([*_OPTIONS, "note"]))
    key = draw(st.sampled_from(_KEYS[group]) | _values.filter(lambda v: not v.startswith("-")))
    if group == "note":
        return ["note", key, draw(_values), *draw(st.sampled_from([[], ["--as", "mholm"]]))]
    action = draw(st.sampled_from(["add", "edit", "remove"]))
    args = [group, action, key]
    if action == "add" and draw(st.booleans()):
        args += _NEEDED[group]
    if action != "remove":
        for option in draw(st.lists(st.sampled_from(_OPTIONS[group]), unique=True, max_size=3)):
            args.append(f"{option}={draw(_values)}")
    elif group == "measure" and draw(st.booleans()):
        args.append("--force")
    if draw(st.booleans()):
        args.append(f"--expect-version={draw(st.sampled_from(['1', '2', '99']))}")
    if draw(st.booleans()):
        args.append("--json")
    return args


@pytest.mark.sqlite_only
@FUZZ
@given(args=structure_commands())
def test_fuzzed_structure_commands_never_crash_and_a_refusal_writes_nothing(
    orebro: Kplan, args: list[str]
) -> None:
    before = dump_store(orebro.db)
    result = orebro(*args, expect=None)
    assert result.exit_code in (0, 1, 2, 3, 4), (args, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    if result.exit_code != 0:
        assert result.stderr.startswith(("kplan: error:", "Usage:")), (args, result.stderr)
        assert dump_store(orebro.db) == before, args
    elif "--json" in args:
        json.loads(result.stdout)
