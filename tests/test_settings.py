"""The plan's settings from the command line: ``kplan plan show`` and ``kplan plan edit``."""

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

from tests.conftest import OREBRO, Kplan, dump_store, query


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


def plan_events(kplan: Kplan, limit: int = 20) -> list[dict[str, Any]]:
    """The newest events of the plan as a whole (no measure), newest first."""
    events = kplan.json("log", "--limit", str(limit))
    return [event for event in events if event["field"].startswith("plan.")]


# --- kplan plan show -------------------------------------------------------------


def test_plan_show_prints_every_setting_in_text_and_json(orebro: Kplan) -> None:
    shown = orebro.json("plan", "show")
    assert shown["id"] == "orebro-kompetens"
    assert shown["title"] == "Handlingsplan för kompetensförsörjning"
    assert (shown["start"], shown["end"]) == ("2013-01-01", "2016-12-31")
    assert shown["description"].startswith("Länets politiskt antagna plan")
    assert shown["coordinators"] == ["ehedlund", "pnyberg"]
    assert shown["edit"] == "open"
    assert shown["perspectives"] == ["kön", "ålder", "etnicitet"]
    assert shown["ladder"][1] == {"step": 2, "name": "Samsyn", "question": "Vad bör göras?"}
    assert len(shown["ladder"]) == 4
    text = orebro("plan", "show").stdout
    assert "orebro-kompetens  Handlingsplan för kompetensförsörjning" in text
    assert "Coordinators: ehedlund, pnyberg" in text
    assert "Edit policy: open" in text
    assert "  2 Samsyn: Vad bör göras?" in text
    assert "2013-01-01–2016-12-31" in text


def test_plan_show_names_the_plan_to_choose_in_a_store_of_several(
    orebro: Kplan, tmp_path: Path
) -> None:
    other = tmp_path / "other.toml"
    other.write_text(
        OREBRO.read_text(encoding="utf-8").replace(
            'id = "orebro-kompetens"', 'id = "annan-plan"', 1
        ),
        encoding="utf-8",
    )
    orebro("import", str(other))
    refused = orebro("plan", "show", expect=1)
    assert "annan-plan" in refused.stderr and "orebro-kompetens" in refused.stderr
    assert orebro.json("plan", "show", "--plan", "annan-plan")["id"] == "annan-plan"
    orebro("plan", "edit", "--plan", "annan-plan", "--title", "Annan", "--as", "ehedlund")
    assert orebro.json("plan", "show", "--plan", "annan-plan")["title"] == "Annan"
    assert orebro.json("plan", "show", "--plan", "orebro-kompetens")["title"] != "Annan"


# --- kplan plan edit ---------------------------------------------------------------


def test_edit_changes_the_settings_logs_each_and_undo_reverts_them_all(orebro: Kplan) -> None:
    before = orebro.json("plan", "show")
    result = orebro.json(
        "plan",
        "edit",
        "--title",
        "Ny titel",
        "--start",
        "2014-01-01",
        "--end",
        "2020-12-31",
        "--description",
        "",
        "--note",
        "Ny period",
        "--as",
        "ehedlund",
    )
    assert result["batch"].startswith("edit:")
    assert [(c["field"], c["old"], c["new"]) for c in result["changes"]] == [
        ("plan.title", before["title"], "Ny titel"),
        ("plan.start", "2013-01-01", "2014-01-01"),
        ("plan.end", "2016-12-31", "2020-12-31"),
        ("plan.description", before["description"], None),
    ]
    shown = orebro.json("plan", "show")
    assert (shown["title"], shown["start"], shown["end"], shown["description"]) == (
        "Ny titel",
        "2014-01-01",
        "2020-12-31",
        None,
    )
    events = plan_events(orebro)
    assert {(e["field"], e["actor"], e["note"]) for e in events} == {
        ("plan.title", "ehedlund", "Ny period"),
        ("plan.start", "ehedlund", "Ny period"),
        ("plan.end", "ehedlund", "Ny period"),
        ("plan.description", "ehedlund", "Ny period"),
    }
    undone = orebro("undo", "--as", "ehedlund")
    assert "the plan's title: Ny titel → Handlingsplan för kompetensförsörjning" in undone.stdout
    assert orebro.json("plan", "show") == before
    # The plan file written from the store says the same.
    exported = orebro("export", "--format", "toml").stdout
    assert 'title = "Handlingsplan för kompetensförsörjning"' in exported


def test_coordinators_policy_and_ladder_questions_change_and_come_back(orebro: Kplan) -> None:
    before = orebro.json("plan", "show")
    orebro(
        "plan",
        "edit",
        "--coordinators",
        "ehedlund, sforsberg",
        "--edit",
        "owners",
        "--ladder-question",
        "2=Vad ska göras först?",
        "--ladder-question",
        "4=",
        "--as",
        "ehedlund",
    )
    shown = orebro.json("plan", "show")
    assert shown["coordinators"] == ["ehedlund", "sforsberg"]
    assert shown["edit"] == "owners"
    assert [step["question"] for step in shown["ladder"]] == [
        "Vem vill och varför?",
        "Vad ska göras först?",
        "Vilka behövs för att göra?",
        "",
    ]
    # The step names are not settings: they stay.
    assert [step["name"] for step in shown["ladder"]] == [s["name"] for s in before["ladder"]]
    # The new policy holds at once: mholm may no longer change sforsberg's measure.
    orebro("status", "6", "done", "--as", "mholm", expect=4)
    orebro("status", "6", "done", "--as", "sforsberg")
    orebro("undo", "--as", "sforsberg")
    orebro("undo", "--as", "ehedlund")
    assert orebro.json("plan", "show") == before


def test_every_problem_is_named_at_once_and_nothing_is_written(orebro: Kplan) -> None:
    before = dump_store(orebro.db)
    refused = orebro(
        "plan",
        "edit",
        "--title",
        "",
        "--end",
        "2012-12-31",
        "--coordinators",
        "sfosberg,ehedlund",
        "--edit",
        "alla",
        "--ladder-question",
        "5=Finns inte",
        "--ladder-question",
        "utan nummer",
        "--as",
        "ehedlund",
        expect=1,
    )
    message = refused.stderr
    assert message.startswith("kplan: error: ")
    for part in (
        "--title: must not be empty",
        "--end: the end 2012-12-31 is before the start 2013-01-01",
        "--coordinators: unknown owner 'sfosberg'",
        "sforsberg",
        "--edit: 'alla' is not valid. Valid: open, owners",
        "--ladder-question: '5=Finns inte' is not N=TEXT",
        "--ladder-question: 'utan nummer' is not N=TEXT",
        "1 to 4 (1 Samtal, 2 Samsyn, 3 Samverkan, 4 Samhandling)",
    ):
        assert part in message, (part, message)
    assert "Traceback" not in message
    assert dump_store(orebro.db) == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--start", "2013-02-30"], "--start: "),
        (["--end", "igår"], "--end: "),
        (["--start", "2017-01-01"], "--end: the end 2016-12-31 is before the start 2017-01-01"),
        (["--coordinators", "ehedlund,ehedlund"], "--coordinators: "),
        (["--title", "x" * 100_000], "--title: "),
        (["--ladder-question", "0=Noll"], "--ladder-question: '0=Noll'"),
        (["--ladder-question", "2,5=Halv"], "--ladder-question: '2,5=Halv'"),
    ],
)
def test_a_bad_value_is_refused_with_exit_1_naming_its_option(
    orebro: Kplan, args: list[str], expected: str
) -> None:
    before = dump_store(orebro.db)
    refused = orebro("plan", "edit", *args, "--as", "ehedlund", expect=1)
    assert expected in refused.stderr
    assert len(refused.stderr) < 2000
    assert dump_store(orebro.db) == before


def test_a_title_with_terminal_escapes_is_kept_and_shown_harmless(orebro: Kplan) -> None:
    orebro("plan", "edit", "--title", "Röd\x1b[31m titel", "--as", "ehedlund")
    assert orebro.json("plan", "show")["title"] == "Röd\x1b[31m titel"
    shown = orebro("plan", "show").stdout
    assert "\x1b" not in shown and "Röd\\x1b[31m titel" in shown


def test_nothing_to_change_is_a_usage_error(orebro: Kplan) -> None:
    refused = orebro("plan", "edit", "--as", "ehedlund", expect=2)
    assert "Nothing to change" in refused.stderr and "--ladder-question" in refused.stderr


def test_the_same_values_again_change_nothing_and_log_nothing(orebro: Kplan) -> None:
    result = orebro.json("plan", "edit", "--title", "Handlingsplan för kompetensförsörjning")
    assert result["changes"] == []
    assert plan_events(orebro) == []


def test_under_owners_only_a_coordinator_changes_the_settings(guarded: Kplan) -> None:
    before = dump_store(guarded.db)
    refused = guarded("plan", "edit", "--title", "Min plan", "--as", "sforsberg", expect=4)
    assert refused.stderr.startswith(
        "kplan: error: sforsberg may not change the plan's settings in plan orebro-kompetens"
    )
    assert "ehedlund, pnyberg" in refused.stderr
    assert dump_store(guarded.db) == before
    guarded("plan", "edit", "--title", "Vår plan", "--as", "pnyberg")
    assert guarded.json("plan", "show")["title"] == "Vår plan"


def test_owners_without_a_coordinator_is_refused(guarded: Kplan) -> None:
    refused = guarded("plan", "edit", "--coordinators", "", "--as", "ehedlund", expect=1)
    assert "needs at least one coordinator" in refused.stderr
    assert guarded.json("plan", "show")["coordinators"] == ["ehedlund", "pnyberg"]


def test_taking_oneself_out_of_the_coordinators_needs_force(guarded: Kplan) -> None:
    before = dump_store(guarded.db)
    refused = guarded("plan", "edit", "--coordinators", "pnyberg", "--as", "ehedlund", expect=2)
    assert "ehedlund would not be a coordinator of plan orebro-kompetens" in refused.stderr
    assert "--force" in refused.stderr
    assert dump_store(guarded.db) == before
    guarded("plan", "edit", "--coordinators", "pnyberg", "--force", "--as", "ehedlund")
    assert guarded.json("plan", "show")["coordinators"] == ["pnyberg"]
    # Locked out, as she was told: no further change, and no undo of this one.
    guarded("plan", "edit", "--title", "Tillbaka", "--as", "ehedlund", expect=4)
    guarded("undo", "--as", "ehedlund", expect=4)
    assert guarded.json("plan", "show")["coordinators"] == ["pnyberg"]
    guarded("plan", "edit", "--coordinators", "pnyberg,ehedlund", "--as", "pnyberg")
    assert guarded.json("plan", "show")["coordinators"] == ["pnyberg", "ehedlund"]


def test_switching_an_open_plan_to_owners_without_oneself_needs_force(orebro: Kplan) -> None:
    refused = orebro("plan", "edit", "--edit", "owners", "--as", "mholm", expect=2)
    assert "mholm would not be a coordinator" in refused.stderr
    assert orebro.json("plan", "show")["edit"] == "open"
    orebro("plan", "edit", "--edit", "owners", "--as", "ehedlund")
    assert orebro.json("plan", "show")["edit"] == "owners"


def test_undo_of_a_setting_changed_since_by_someone_else_is_refused(orebro: Kplan) -> None:
    orebro("plan", "edit", "--title", "Första", "--as", "ehedlund")
    orebro("plan", "edit", "--title", "Andra", "--as", "pnyberg")
    refused = orebro("undo", "--as", "ehedlund", expect=3)
    assert "pnyberg" in refused.stderr and "plan.title" in refused.stderr
    assert orebro.json("plan", "show")["title"] == "Andra"
    orebro("undo", "--as", "pnyberg")
    orebro("undo", "--as", "ehedlund")
    assert orebro.json("plan", "show")["title"] == "Handlingsplan för kompetensförsörjning"


def test_an_owner_undoes_her_own_title_edit_under_owners(guarded: Kplan) -> None:
    """A measure's title is no plan setting: its undo is the owner's, not the coordinators'."""
    guarded("measure", "edit", "7", "--title", "Ny rubrik", "--as", "sforsberg")
    guarded("undo", "--as", "sforsberg")
    assert guarded.json("show", "7")["title"] == "Arbetslivskunskap i vägledningen"


def test_a_person_who_is_not_of_the_plan_is_warned(orebro: Kplan) -> None:
    result = orebro("plan", "edit", "--title", "Ny", "--as", "sfosberg")
    assert "did you mean sforsberg" in result.stderr


def test_the_installed_kplan_edits_and_shows_the_settings(orebro: Kplan) -> None:
    kplan = Path(sys.executable).with_name("kplan")
    environment = {**os.environ, "KPLAN_DB": str(orebro.db)}
    edited = subprocess.run(
        [str(kplan), "plan", "edit", "--title", "Från skalet", "--as", "ehedlund"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert edited.returncode == 0, edited.stderr
    shown = subprocess.run(
        [str(kplan), "plan", "show", "--json"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert json.loads(shown.stdout)["title"] == "Från skalet"


# --- fuzzed input -------------------------------------------------------------------

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=150,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_values = st.one_of(
    st.sampled_from(
        [
            "",
            "ehedlund",
            "ehedlund,pnyberg",
            "sforsberg",
            "nobody",
            ",",
            "open",
            "owners",
            "ägare",
            "2013-01-01",
            "2016-02-29",
            "2015-02-29",
            "9999-12-31",
            "0001-01-01",
            "1=Fråga",
            "4=",
            "=x",
            "-1=x",
            "1e3=x",
            "２=x",
            "\x1b[2J",
            "\udce9",
            "a\x00b",
            "x" * 5000,
        ]
    ),
    st.text(max_size=30),
)
_SETTING_OPTIONS = [
    "--title",
    "--start",
    "--end",
    "--description",
    "--coordinators",
    "--edit",
    "--ladder-question",
]


@st.composite
def plan_edits(draw: Any) -> list[str]:
    """A ``kplan plan edit`` with drawn values for some of its options."""
    args = ["plan", "edit"]
    for option in draw(st.lists(st.sampled_from(_SETTING_OPTIONS), max_size=4)):
        args.append(f"{option}={draw(_values)}")
    if draw(st.booleans()):
        args.append("--force")
    args += draw(st.sampled_from([[], ["--as", "ehedlund"], ["--as", "mholm"]]))
    if draw(st.booleans()):
        args.append("--json")
    return args


@pytest.mark.sqlite_only
@FUZZ
@given(args=plan_edits())
def test_fuzzed_plan_edits_never_crash_and_a_refusal_writes_nothing(
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
    shown = orebro.json("plan", "show")
    assert shown["edit"] in ("open", "owners")
    assert shown["edit"] == "open" or shown["coordinators"]


def test_a_plan_file_naming_a_coordinator_twice_is_refused(kplan: Kplan, tmp_path: Path) -> None:
    path = tmp_path / "twice.toml"
    path.write_text(
        OREBRO.read_text(encoding="utf-8").replace(
            'coordinators = ["ehedlund", "pnyberg"]',
            'coordinators = ["ehedlund", "pnyberg", "ehedlund"]',
            1,
        ),
        encoding="utf-8",
    )
    assert path.read_text(encoding="utf-8") != OREBRO.read_text(encoding="utf-8")
    refused = kplan("import", str(path), expect=1)
    assert "plan.coordinators: names a value more than once" in refused.stderr
    listed = kplan("plans", "--json", expect=None)
    assert listed.exit_code == 1 or json.loads(listed.stdout) == []


# --- small fixes of the structure and people commands ---------------------------------


def test_a_measure_restored_by_undo_goes_on_above_its_version(orebro: Kplan) -> None:
    orebro("status", "7", "done", "--as", "ehedlund")
    orebro("step", "syv-praktik", "2", "--as", "ehedlund")
    before = orebro.json("show", "7")
    collab_before = collaboration_versions(orebro)
    assert before["version"] > 1
    orebro("measure", "remove", "7", "--force", "--as", "ehedlund")
    orebro("undo", "--as", "ehedlund")
    after = orebro.json("show", "7")
    assert after["version"] == before["version"] + 1
    assert collaboration_versions(orebro) == {
        key: version + 1 for key, version in collab_before.items()
    }
    # An edit from before the removal is stale now; one from after it is not.
    stale = orebro("status", "7", "ongoing", "--expect-version", str(before["version"]), expect=3)
    assert f"now {after['version']}" in stale.stderr
    orebro("status", "7", "ongoing", "--expect-version", str(after["version"]))


def collaboration_versions(kplan: Kplan) -> dict[str, int]:
    """The store versions of measure 7's collaborations, by id."""
    found = query(
        kplan.db,
        "SELECT c.key, c.version FROM collaboration c JOIN measure m ON m.id = c.measure_id"
        " WHERE m.key = '7'",
    )
    return {row["key"]: row["version"] for row in found}


def test_a_collaboration_restored_by_undo_goes_on_above_its_version(orebro: Kplan) -> None:
    orebro("step", "syv-praktik", "2", "--as", "ehedlund")
    version = collaboration_versions(orebro)["syv-praktik"]
    assert version > 1
    orebro("collab", "remove", "syv-praktik", "--as", "ehedlund")
    orebro("undo", "--as", "ehedlund")
    assert collaboration_versions(orebro)["syv-praktik"] == version + 1
    stale = orebro(
        "step", "syv-praktik", "3", "--expect-version", str(version), "--as", "ehedlund", expect=3
    )
    assert "syv-praktik" in stale.stderr


def test_a_measure_without_events_is_removed_without_force(orebro: Kplan) -> None:
    orebro("measure", "remove", "9", "--as", "ehedlund")
    assert "9" not in [m["id"] for m in orebro.json("list")]
    orebro("measure", "add", "99", "--title", "Ny", "--owner", "mholm", "--as", "ehedlund")
    orebro("measure", "remove", "99", "--as", "ehedlund", expect=2)


@pytest.fixture
def two_plans(orebro: Kplan) -> Kplan:
    """The Örebro and Kronoberg example plans in one store."""
    orebro("import", str(OREBRO.with_name("kronoberg_plan.toml")))
    return orebro


def test_as_a_stranger_to_every_plan_is_warned_without_a_plan_named(two_plans: Kplan) -> None:
    # An import names its plan in the file, so it runs without --plan.
    result = two_plans("import", str(OREBRO), "--as", "sfosberg")
    assert (
        "kplan: sfosberg is not a person of any plan of this store"
        " (kronoberg-kompetens, orebro-kompetens); did you mean sforsberg?"
    ) in result.stderr
    unknown = two_plans("import", str(OREBRO), "--as", "zzzzzzzzzzz")
    assert "zzzzzzzzzzz is not a person of any plan of this store" in unknown.stderr
    assert "their people:" in unknown.stderr


def test_as_a_person_of_some_plan_is_not_warned_without_a_plan_named(two_plans: Kplan) -> None:
    kronoberg = two_plans.json("plan", "show", "--plan", "kronoberg-kompetens")
    person = kronoberg["coordinators"][0]
    for actor in ("sforsberg", person):
        result = two_plans("import", str(OREBRO), "--as", actor)
        assert "not a person" not in result.stderr, (actor, result.stderr)
    # With a plan named, the plan's own people decide, as before.
    named = two_plans(
        "plan", "edit", "--plan", "kronoberg-kompetens", "--title", "K", "--as", "sforsberg"
    )
    assert "sforsberg is not a person of plan kronoberg-kompetens" in named.stderr
