"""The command line, end to end through Typer's CliRunner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import KRONOBERG, OREBRO, Kplan, dump_store

MEASURE_KEYS = {"id", "title", "owner", "status", "progress", "four_p", "perspectives", "steps"}


def test_list_json_has_every_measure_with_documented_keys(orebro: Kplan) -> None:
    measures = orebro.json("list")
    assert [m["id"] for m in measures] == [str(n) for n in range(1, 23)]
    for measure in measures:
        assert set(measure) >= MEASURE_KEYS
        assert set(measure["four_p"]) == {"perspektiv", "policy", "plattform", "process"}
        assert set(measure["perspectives"]) == {"kön", "ålder", "etnicitet"}
        assert set(measure["steps"]) == {"lowest", "highest"}


def test_status_change_is_visible_in_show_and_log_with_its_actor(orebro: Kplan) -> None:
    before = orebro.json("show", "7")
    orebro(
        "status", "7", "delayed", "--note", "Väntar på besked om finansiering", "--as", "someone"
    )

    shown = orebro.json("show", "7")
    assert shown["status"] == "delayed"
    assert shown["version"] == before["version"] + 1
    latest = shown["events"][0]
    assert (latest["actor"], latest["field"], latest["old"], latest["new"]) == (
        "someone",
        "status",
        before["status"],
        "delayed",
    )
    assert latest["note"] == "Väntar på besked om finansiering"

    log = orebro.json("log", "7")
    assert log[0]["actor"] == "someone"
    assert log[0]["measure"] == "7"
    assert log[0]["new"] == "delayed"
    assert set(log[0]) >= {"at", "actor", "measure", "field", "old", "new", "note"}
    assert log[0]["at"].endswith("Z")


def test_actor_defaults_to_kplan_user(orebro: Kplan) -> None:
    orebro("status", "3", "--progress", "65")
    assert orebro.json("log", "3")[0]["actor"] == "tester"


def test_status_and_progress_together_make_two_events_of_one_batch(orebro: Kplan) -> None:
    result = orebro.json("status", "5", "ongoing", "--progress", "45")
    assert [c["field"] for c in result["changes"]] == ["status", "progress"]
    events = orebro.json("log", "5", "--limit", "2")
    assert {e["field"] for e in events} == {"status", "progress"}
    shown = orebro.json("show", "5")
    assert (shown["status"], shown["progress"]) == ("ongoing", 45)


def test_swedish_status_words_are_accepted(orebro: Kplan) -> None:
    orebro("status", "14", "påbörjad")
    assert orebro.json("show", "14")["status"] == "ongoing"
    orebro("status", "14", "avförd")
    assert orebro.json("show", "14")["status"] == "cancelled"


def test_setting_the_same_value_changes_and_logs_nothing(orebro: Kplan) -> None:
    status = orebro.json("show", "2")["status"]
    events_before = orebro.json("log", "--limit", "0")
    result = orebro("status", "2", status)
    assert "Nothing changed" in result.stdout
    assert orebro.json("log", "--limit", "0") == events_before


def test_status_without_status_or_progress_is_a_usage_error(orebro: Kplan) -> None:
    result = orebro("status", "7", expect=2)
    assert "--progress" in result.stderr


BAD_INPUT: list[tuple[tuple[str, ...], list[str]]] = [
    (("status", "77", "done"), ["unknown measure '77'", "Did you mean '7'?", "Valid: 1, 2"]),
    (("status", "7", "finished"), ["'finished' is not a valid status", "not-started, ongoing"]),
    (("status", "7", "ongoin"), ["Did you mean 'ongoing'?"]),
    (("status", "7", "--progress", "101"), ["from 0 to 100", "101"]),
    (("status", "7", "--progress", "-3"), ["from 0 to 100", "-3"]),
    (("step", "fastighet", "5"), ["from 1 to 4", "1 Samtal", "4 Samhandling"]),
    (("step", "fastighet", "0"), ["from 1 to 4"]),
    (("step", "fastighet", "high"), ["from 1 to 4", "'high'"]),
    (
        ("step", "fastigheter", "3"),
        ["unknown collaboration 'fastigheter'", "Did you mean 'fastighet'?"],
    ),
    (("fourp", "7", "polcy", "done"), ["not a valid Fyra P part", "Did you mean 'policy'?"]),
    (
        ("fourp", "7", "policy", "finished"),
        ["not a valid Fyra P state", "not-started, ongoing, done"],
    ),
    (
        ("perspective", "7", "klass", "yes"),
        ["'klass' is not a valid perspective", "kön, ålder, etnicitet"],
    ),
    (("perspective", "7", "kön", "maybe"), ["not a valid coverage level", "no, partly, yes"]),
    (("record", "nope", "2016", "3"), ["unknown indicator 'nope'"]),
    (
        ("record", "fastighet-platser", "2016-X", "3"),
        ["'2016-X' is not a period", "YYYY-T1..T3"],
    ),
    (("record", "fastighet-platser", "2016", "many"), ["'many' is not a number"]),
    (
        ("list", "--owner", "sforsbrg"),
        ["unknown owner 'sforsbrg'", "Did you mean 'sforsberg'?"],
    ),
    (("list", "--status", "late"), ["'late' is not a valid status"]),
    (("list", "--perspective", "klass"), ["'klass' is not a valid perspective"]),
    (("log", "--since", "yesterday"), ["'yesterday' is not a date or time"]),
    (("show", "99"), ["unknown measure '99'"]),
]


# On SQLite one test per case; on PostgreSQL (where only the store differs)
# every case runs against one store, to keep the run short.
@pytest.mark.sqlite_only
@pytest.mark.parametrize(("args", "fragments"), BAD_INPUT)
def test_bad_input_is_one_line_on_stderr_exit_1_and_writes_nothing(
    orebro: Kplan, args: tuple[str, ...], fragments: list[str]
) -> None:
    before = dump_store(orebro.db)
    result = orebro(*args, expect=1)
    assert result.stdout == ""
    assert result.stderr.startswith("kplan: error: ")
    assert result.stderr.count("\n") == 1
    for fragment in fragments:
        assert fragment in result.stderr
    assert dump_store(orebro.db) == before


@pytest.mark.postgres_only
def test_bad_input_is_one_line_and_writes_nothing_on_a_server_store(orebro: Kplan) -> None:
    before = dump_store(orebro.db)
    for args, fragments in BAD_INPUT:
        result = orebro(*args, expect=1)
        assert result.stdout == "", args
        assert result.stderr.startswith("kplan: error: "), args
        assert result.stderr.count("\n") == 1, args
        for fragment in fragments:
            assert fragment in result.stderr, args
    assert dump_store(orebro.db) == before


def test_step_moves_a_collaboration_up_and_down(orebro: Kplan) -> None:
    collab = next(c for c in orebro.json("show", "4")["collaborations"] if c["id"] == "fastighet")
    start = collab["step"]
    lower = 1 if start != 1 else 2
    orebro("step", "fastighet", str(lower), "--note", "Ny ledning hos en part")
    shown = orebro.json("show", "4")
    moved = next(c for c in shown["collaborations"] if c["id"] == "fastighet")
    assert moved["step"] == lower
    assert moved["step_label"] == ["Samtal", "Samsyn", "Samverkan", "Samhandling"][lower - 1]
    event = shown["events"][0]
    assert (event["collaboration"], event["field"], event["old"], event["new"]) == (
        "fastighet",
        "step",
        str(start),
        str(lower),
    )


def test_fourp_and_perspective_accept_aliases(orebro: Kplan) -> None:
    orebro("fourp", "19", "platform", "påbörjad")
    orebro("perspective", "19", "ålder", "delvis")
    shown = orebro.json("show", "19")
    assert shown["four_p"]["plattform"] == "ongoing"
    assert shown["perspectives"]["ålder"] == "partly"
    fields = [e["field"] for e in shown["events"][:2]]
    assert fields == ["perspectives.ålder", "four_p.plattform"]


def test_record_adds_and_updates_an_indicator_value(orebro: Kplan) -> None:
    orebro("record", "fastighet-platser", "2016", "80")
    orebro("record", "fastighet-platser", "2016-t1", "12,5")
    indicator = next(
        i for i in orebro.json("show", "4")["indicators"] if i["id"] == "fastighet-platser"
    )
    assert indicator["values"]["2016"] == 80
    assert indicator["values"]["2016-T1"] == 12.5
    assert indicator["latest"] == 80
    event = orebro.json("log", "4", "--limit", "1")[0]
    assert (event["indicator"], event["field"], event["new"]) == (
        "fastighet-platser",
        "values.2016-T1",
        "12.5",
    )


def test_list_filters(orebro: Kplan) -> None:
    everything = orebro.json("list")
    by_owner = orebro.json("list", "--owner", "mholm")
    assert by_owner and {m["owner"] for m in by_owner} == {"mholm"}
    assert len(by_owner) == sum(m["owner"] == "mholm" for m in everything)

    delayed = orebro.json("list", "--status", "försenad")
    assert delayed and {m["status"] for m in delayed} == {"delayed"}

    at_step_four = orebro.json("list", "--step", "4")
    assert at_step_four
    for measure in at_step_four:
        steps = [c["step"] for c in orebro.json("show", measure["id"])["collaborations"]]
        assert 4 in steps

    gaps = orebro.json("list", "--perspective", "etnicitet=no")
    covered = orebro.json("list", "--perspective", "etnicitet")
    assert {m["perspectives"]["etnicitet"] for m in gaps} == {"no"}
    assert {m["perspectives"]["etnicitet"] for m in covered} <= {"partly", "yes"}
    assert len(gaps) + len(covered) == len(everything)


def test_mine_lists_the_acting_owners_measures(orebro: Kplan) -> None:
    mine = orebro.json("list", "--mine", "--as", "lbergman")
    assert mine and {m["owner"] for m in mine} == {"lbergman"}


def test_log_since_and_limit(orebro: Kplan) -> None:
    for progress in ("10", "20", "30"):
        orebro("status", "14", "--progress", progress)
    assert len(orebro.json("log", "14", "--limit", "2")) == 2
    assert len(orebro.json("log", "14", "--limit", "0")) == 3
    assert len(orebro.json("log", "14", "--since", "1d")) == 3
    assert orebro.json("log", "14", "--since", "2999-01-01") == []
    newest_first = [e["new"] for e in orebro.json("log", "14")]
    assert newest_first == ["30", "20", "10"]


def test_plain_output_in_a_pipe_is_tab_separated(orebro: Kplan) -> None:
    lines = orebro("list").stdout.splitlines()
    header = lines[0].split("\t")
    assert header[:5] == ["ID", "Title", "Owner", "Status", "Progress"]
    # The days overdue come last, after the perspectives (issue 15: input words in a pipe).
    assert header[-4:] == ["kön", "ålder", "etnicitet", "Days overdue"]
    assert len(lines) == 23
    assert "\x1b[" not in orebro("show", "7").stdout


def test_swedish_when_the_locale_is_swedish(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    result = orebro("status", "77", "done", expect=1)
    assert "okänd åtgärd '77'" in result.stderr
    header = orebro("list").stdout.splitlines()[0].split("\t")
    assert header[:3] == ["ID", "Titel", "Ansvarig"]
    monkeypatch.setenv("KPLAN_LANG", "en")
    assert "unknown measure" in orebro("show", "77", expect=1).stderr


def test_import_of_a_changed_file_logs_one_event_per_changed_field(
    orebro: Kplan, tmp_path: Path
) -> None:
    text = OREBRO.read_text(encoding="utf-8")
    shown = orebro.json("show", "1")
    changed = text.replace(f'title = "{shown["title"]}"', 'title = "Ny titel för åtgärd 1"', 1)
    assert changed != text
    plan_file = tmp_path / "changed.toml"
    plan_file.write_text(changed, encoding="utf-8")

    dry = orebro("import", str(plan_file), "--dry-run")
    assert "Ny titel för åtgärd 1" in dry.stdout
    assert orebro.json("show", "1")["title"] == shown["title"]

    orebro("import", str(plan_file), "--as", "coordinator")
    assert orebro.json("show", "1")["title"] == "Ny titel för åtgärd 1"
    event = orebro.json("log", "1", "--limit", "1")[0]
    assert (event["actor"], event["field"], event["old"], event["new"]) == (
        "coordinator",
        "title",
        shown["title"],
        "Ny titel för åtgärd 1",
    )
    assert str(plan_file) in event["note"]
    again = orebro("import", str(plan_file))
    assert "already up to date" in again.stdout


def test_import_removes_what_the_file_no_longer_has(orebro: Kplan, tmp_path: Path) -> None:
    text = OREBRO.read_text(encoding="utf-8")
    start = text.index('[[measures]]\nid = "22"')
    plan_file = tmp_path / "shorter.toml"
    plan_file.write_text(text[:start], encoding="utf-8")
    orebro("import", str(plan_file))
    assert [m["id"] for m in orebro.json("list")] == [str(n) for n in range(1, 22)]
    assert orebro.json("log", "22", "--limit", "1")[0]["field"] == "measure"
    assert "unknown measure '22'" in orebro("show", "22", expect=1).stderr


def test_export_imported_into_an_empty_store_lists_the_same(
    orebro: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    orebro("status", "7", "delayed", "--progress", "33")
    # Both exports name the same moment as their base, however far apart they run.
    monkeypatch.setenv("KPLAN_NOW", "2030-01-01T12:00:00")
    exported = tmp_path / "export.toml"
    result = orebro("export", "-o", str(exported))
    assert f"Wrote {exported}" in result.stderr
    assert orebro("export").stdout == exported.read_text(encoding="utf-8")

    fresh = tmp_path / "fresh.db"
    orebro("import", str(exported), db=fresh)
    assert orebro("list", "--json", db=fresh).stdout == orebro("list", "--json").stdout


def test_export_to_an_unwritable_place_fails_cleanly(orebro: Kplan, tmp_path: Path) -> None:
    result = orebro("export", "-o", str(tmp_path / "missing" / "plan.toml"), expect=1)
    assert result.stderr.startswith("kplan: error: cannot write")


def test_several_plans_in_one_store(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    orebro("import", str(KRONOBERG))
    plans = orebro.json("plans")
    assert [p["id"] for p in plans] == ["kronoberg-kompetens", "orebro-kompetens"]
    assert [p["measures"] for p in plans] == [7, 22]

    result = orebro("list", expect=1)
    assert "several plans" in result.stderr
    assert "kronoberg-kompetens, orebro-kompetens" in result.stderr

    assert len(orebro.json("list", "--plan", "orebro-kompetens")) == 22
    monkeypatch.setenv("KPLAN_PLAN", "kronoberg-kompetens")
    assert len(orebro.json("list")) == 7
    assert "Did you mean 'orebro-kompetens'?" in orebro("list", "--plan", "orebro", expect=1).stderr


def test_another_regions_plan_uses_its_own_perspectives_and_ladder(kplan: Kplan) -> None:
    kplan("import", str(KRONOBERG))
    measures = kplan.json("list")
    assert len(measures) == 7
    perspectives = {"jämställdhet", "funktionsnedsättning", "landsbygd", "unga"}
    assert all(set(m["perspectives"]) == perspectives for m in measures)
    # The perspectives' columns, then the days overdue (the last column).
    assert kplan("list").stdout.splitlines()[0].split("\t")[-5:] == [
        "jämställdhet",
        "funktionsnedsättning",
        "landsbygd",
        "unga",
        "Days overdue",
    ]

    first = measures[0]["id"]
    kplan("perspective", first, "landsbygd", "yes")
    assert kplan.json("show", first)["perspectives"]["landsbygd"] == "yes"
    assert (
        "'kön' is not a valid perspective"
        in kplan("perspective", first, "kön", "yes", expect=1).stderr
    )

    collaborations = [c for m in measures for c in kplan.json("show", m["id"])["collaborations"]]
    target = collaborations[0]
    kplan("step", target["id"], "3")
    moved = next(
        c
        for m in measures
        for c in kplan.json("show", m["id"])["collaborations"]
        if c["id"] == target["id"]
    )
    assert moved["step_label"] == "Samarbete"


def test_init_creates_the_store_in_the_data_folder(isolated_home: Path) -> None:
    from typer.testing import CliRunner

    from kplan.cli import app

    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert (isolated_home / "kplan.db").exists()
    assert str(isolated_home / "kplan.db") in result.stdout


@pytest.mark.sqlite_only
def test_reading_commands_never_create_a_store(kplan: Kplan) -> None:
    for command in (["list"], ["plans"], ["show", "1"], ["log"], ["export"]):
        result = kplan(*command, expect=1)
        assert f"no store at {kplan.db} yet" in result.stderr
        assert "kplan import FILE" in result.stderr
    dry = kplan("import", str(OREBRO), "--dry-run")
    assert "Would import new plan orebro-kompetens: 22 measures" in dry.stdout
    assert not kplan.db.exists()


def test_commands_on_an_empty_store_say_how_to_start(kplan: Kplan) -> None:
    kplan("init")
    assert "kplan import FILE" in kplan("list", expect=1).stderr
    assert kplan.json("plans") == []


@pytest.mark.sqlite_only
def test_a_folder_as_store_is_refused(kplan: Kplan, tmp_path: Path) -> None:
    result = kplan("list", db=tmp_path, expect=1)
    assert "is a folder" in result.stderr


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_store_is_refused(kplan: Kplan, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a database\n" * 100)
    result = kplan("list", db=junk, expect=1)
    assert result.stderr.startswith("kplan: error: cannot use the store")


def test_change_commands_print_json_when_asked(orebro: Kplan) -> None:
    result = json.loads(orebro("step", "fastighet", "1", "--json").stdout)
    assert set(result) == {"batch", "changes"}
    assert result["changes"][0]["collaboration"] == "fastighet"


def test_step_moves_relative_to_the_current_step(orebro: Kplan) -> None:
    def step_of(collaboration: str) -> int:
        for measure in orebro.json("list"):
            for collab in orebro.json("show", measure["id"])["collaborations"]:
                if collab["id"] == collaboration:
                    return int(collab["step"])
        raise AssertionError(collaboration)

    orebro("step", "fastighet", "2")
    orebro("step", "fastighet", "up")
    assert step_of("fastighet") == 3
    orebro("step", "fastighet", "+1")
    assert step_of("fastighet") == 4
    orebro("step", "fastighet", "down")
    assert step_of("fastighet") == 3
    result = orebro("step", "fastighet", "+2", expect=1)
    assert "cannot move fastighet from step 3 by +2" in result.stderr
    assert step_of("fastighet") == 3


def test_show_events_zero_shows_none(orebro: Kplan) -> None:
    orebro("status", "7", "delayed")
    assert orebro.json("show", "7", "--events", "0")["events"] == []
    assert len(orebro.json("show", "7", "--events", "1")["events"]) == 1


def test_an_infinite_value_is_refused_as_typed(orebro: Kplan) -> None:
    result = orebro("record", "fastighet-platser", "2016", "1e400", expect=1)
    assert "'1e400' is not a number" in result.stderr


def test_a_database_url_without_its_driver_is_a_clear_error(kplan: Kplan) -> None:
    from typer.testing import CliRunner

    from kplan.cli import app

    result = CliRunner().invoke(app, ["list", "--db", "nosuchdb+nodriver://user@host/db"])
    assert result.exit_code == 1
    assert result.stderr.startswith("kplan: error: cannot open nosuchdb+nodriver://")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.postgres_only
def test_a_server_store_that_cannot_be_used_is_a_one_line_error(kplan: Kplan) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(str(kplan.db))
    cases = {
        "server down": (url.set(host="127.0.0.1", port=_free_port()), "Connection refused"),
        "no such database": (url.set(database="kplan_no_such_db"), '"kplan_no_such_db"'),
        "no such role": (url.set(username="nobody_here", password="s3cret"), '"nobody_here"'),
    }
    for case, (bad, fragment) in cases.items():
        shown = bad.render_as_string(hide_password=True)
        result = kplan("list", db=bad.render_as_string(hide_password=False), expect=1)
        assert result.stdout == "", case
        assert result.stderr.startswith(f"kplan: error: cannot use the store {shown}: "), case
        assert fragment in result.stderr, case
        assert result.stderr.count("\n") == 1, (case, result.stderr)
        assert "Traceback" not in result.stderr and "s3cret" not in result.stderr, case


@pytest.mark.postgres_only
def test_on_a_server_the_actor_is_the_database_user(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --as or KPLAN_USER the change is logged under the server's current_user;
    the installed kplan takes the plain postgresql:// form of the URL too."""
    import subprocess
    import sys

    from sqlalchemy.engine import make_url

    url = make_url(str(orebro.db))
    monkeypatch.delenv("KPLAN_USER")
    orebro("status", "7", "delayed")
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    kplan = Path(sys.executable).with_name("kplan")
    done = subprocess.run(
        [str(kplan), "fourp", "7", "policy", "done", "--db", plain],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "KPLAN_USER"},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    events = orebro.json("log", "--limit", "2")
    assert [(e["field"], e["actor"]) for e in events] == [
        ("four_p.policy", url.username),
        ("status", url.username),
    ]
    orebro("status", "7", "done", "--as", "lead1")
    assert orebro.json("log", "--limit", "1")[0]["actor"] == "lead1"


@pytest.mark.postgres_only
def test_a_password_in_a_server_url_is_never_printed(kplan: Kplan) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(str(kplan.db)).set(password="s3cret")
    result = kplan("init", db=url.render_as_string(hide_password=False))
    assert url.render_as_string(hide_password=True) in result.stdout
    assert "s3cret" not in result.stdout + result.stderr


@pytest.mark.postgres_only
def test_text_with_a_nul_character_is_refused_on_a_server_and_nothing_is_written(
    orebro: Kplan,
) -> None:
    before = dump_store(orebro.db)
    result = orebro("status", "7", "delayed", "--note", "a\x00b", expect=1)
    # A note is checked before the store sees it, with the same line on every backend.
    assert result.stderr == (
        "kplan: error: the note holds a NUL character (\\u0000), which cannot be stored\n"
    )
    assert dump_store(orebro.db) == before
