"""The plan's people: `kplan person`, `kplan org`, and the warning about someone not in the plan.

End to end through Typer's CliRunner (on SQLite and PostgreSQL) and the
installed entry point.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import OREBRO, Kplan, dump_store, query
from tests.test_entrypoint import kplan_executable

WARNING = "kplan: sfosberg is not a person of plan orebro-kompetens; did you mean sforsberg?\n"


def guarded_plan(tmp_path: Path) -> Path:
    """The Örebro plan with ``edit = "owners"`` (coordinators ehedlund and pnyberg)."""
    text = OREBRO.read_text(encoding="utf-8")
    marker = 'coordinators = ["ehedlund", "pnyberg"]\n'
    assert marker in text
    path = tmp_path / "guarded.toml"
    path.write_text(text.replace(marker, marker + 'edit = "owners"\n'), encoding="utf-8")
    return path


def people(kplan: Kplan) -> dict[str, Any]:
    """The plan's people and organisations as the plan file export shows them."""
    from kplan.core.queries import load
    from kplan.store.engine import open_store

    store = open_store(str(kplan.db), create=False)
    try:
        plan = load(store)
    finally:
        store.close()
    return {
        "owners": {o.id: (o.name, o.organisation, o.email) for o in plan.owners},
        "organisations": {o.id: (o.name, o.kind) for o in plan.organisations},
        "order": [o.id for o in plan.owners],
    }


def plan_events(kplan: Kplan) -> list[dict[str, Any]]:
    """The plan-wide events (no measure), newest first."""
    return [e for e in kplan.json("log", "--limit", "0") if e["measure"] is None]


# The warning -------------------------------------------------------------------------------


def test_as_a_typo_warns_once_on_stderr_and_the_command_runs(orebro: Kplan) -> None:
    result = orebro("status", "7", "delayed", "--as", "sfosberg")
    assert result.stderr == WARNING
    assert "delayed" in result.stdout
    event = orebro.json("log", "7")[0]
    assert (event["actor"], event["new"]) == ("sfosberg", "delayed")


def test_kplan_user_typo_warns_too(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_USER", "sfosberg")
    result = orebro("fourp", "7", "policy", "done")
    assert result.stderr == WARNING


@pytest.mark.sqlite_only
def test_the_login_name_is_checked_too(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KPLAN_USER")
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "sfosberg")
    result = orebro("status", "7", "delayed")
    assert result.stderr == WARNING


@pytest.mark.postgres_only
def test_on_a_server_the_roles_person_is_checked(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The role decides who acts; the login name plays no part.
    monkeypatch.delenv("KPLAN_USER")
    monkeypatch.setenv("LOGNAME", "sforsberg")
    result = orebro("status", "7", "delayed")
    actor = orebro.json("log", "7")[0]["actor"]
    assert actor != "sforsberg"
    assert result.stderr.startswith(f"kplan: {actor} is not a person of plan orebro-kompetens")
    # Acting for a person of the plan (the test role may: it owns the store) warns of nothing.
    assert orebro("status", "7", "ongoing", "--as", "sforsberg").stderr == ""


def test_a_person_of_the_plan_gets_no_warning(orebro: Kplan) -> None:
    result = orebro("status", "7", "delayed", "--as", "sforsberg")
    assert result.stderr == ""


def test_a_name_far_from_everyone_lists_the_people(orebro: Kplan) -> None:
    result = orebro("status", "7", "delayed", "--as", "zzzqqq")
    assert result.stderr.startswith(
        "kplan: zzzqqq is not a person of plan orebro-kompetens (its people: ehedlund, pnyberg,"
    )
    assert result.stderr.count("\n") == 1


def test_json_output_stays_clean(orebro: Kplan) -> None:
    result = orebro("status", "7", "delayed", "--as", "sfosberg", "--json")
    assert json.loads(result.stdout)["changes"][0]["new"] == "delayed"
    assert result.stderr == WARNING


def test_list_mine_says_the_closest_person_once(orebro: Kplan) -> None:
    # --mine filters by the name: one unknown is the filter's own error, said once.
    mine = orebro("list", "--mine", "--as", "sfosberg", "--json", expect=1)
    assert mine.stdout == ""
    assert mine.stderr.count("\n") == 1
    assert "Did you mean 'sforsberg'?" in mine.stderr
    assert orebro("list", "--json").stderr == ""


def test_undo_and_rounds_warn_too(orebro: Kplan) -> None:
    orebro("status", "7", "delayed", "--as", "sfosberg")
    assert orebro("undo", "--as", "sfosberg").stderr == WARNING
    assert orebro("round", "open", "2016-T1", "--as", "sfosberg").stderr == WARNING


def test_a_refused_command_still_names_the_closest_person(kplan: Kplan, tmp_path: Path) -> None:
    kplan("import", str(guarded_plan(tmp_path)), "--as", "ehedlund")
    before = dump_store(kplan.db)
    result = kplan("status", "7", "delayed", "--as", "sfosberg", expect=4)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("kplan: error: sfosberg may not change measure 7")
    assert lines[1:] == [WARNING.strip()]
    assert dump_store(kplan.db) == before


def test_a_data_error_is_said_alone(orebro: Kplan) -> None:
    result = orebro("status", "7", "finished", "--as", "sfosberg", expect=1)
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("kplan: error: 'finished' is not a valid status")


def test_warning_in_swedish(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    result = orebro("status", "7", "delayed", "--as", "sfosberg")
    assert result.stderr == (
        "kplan: sfosberg är inte en person i plan orebro-kompetens; menade du sforsberg?\n"
    )


def test_an_actor_like_markup_is_shown_as_typed(orebro: Kplan) -> None:
    result = orebro("status", "7", "delayed", "--as", "[bold]sforsberg")
    assert result.stderr == (
        "kplan: [bold]sforsberg is not a person of plan orebro-kompetens; did you mean sforsberg?\n"
    )


@pytest.mark.sqlite_only
def test_entry_point_warns_on_stderr_only(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    env = {**os.environ, "KPLAN_USER": "sfosberg", "KPLAN_DB": db}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [kplan_executable(), *args], capture_output=True, text=True, env=env, check=False
        )

    assert run("import", str(OREBRO)).returncode == 0
    result = run("status", "7", "delayed", "--progress", "41", "--json")
    assert result.returncode == 0
    fields = [change["field"] for change in json.loads(result.stdout)["changes"]]
    assert fields == ["status", "progress"]
    assert result.stderr == WARNING


# person and org ----------------------------------------------------------------------------


def test_person_add_edit_and_undo(orebro: Kplan) -> None:
    before = people(orebro)
    added = orebro.json(
        "person",
        "add",
        "anilsson",
        "--name",
        "Anna Nilsson",
        "--organisation",
        "region",
        "--note",
        "ny i gruppen",
        "--as",
        "ehedlund",
    )
    assert [(c["field"], c["old"], c["new"]) for c in added["changes"]] == [
        ("owners", None, "anilsson"),
        ("owners.anilsson.name", None, "Anna Nilsson"),
        ("owners.anilsson.organisation", None, "region"),
    ]
    now = people(orebro)
    assert now["owners"]["anilsson"] == ("Anna Nilsson", "region", None)
    assert now["order"][-1] == "anilsson"
    events = plan_events(orebro)[:4]
    assert [e["field"] for e in events] == [
        "owners.anilsson.organisation",
        "owners.anilsson.name",
        "owners",
        "plan",
    ]
    assert {(e["actor"], e["note"], e["at"]) for e in events[:3]} == {
        ("ehedlund", "ny i gruppen", events[0]["at"])
    }
    batches = query(orebro.db, "SELECT DISTINCT batch FROM event WHERE field LIKE 'owners%'")
    assert batches == [{"batch": added["batch"]}]

    edited = orebro.json(
        "person", "edit", "AnilssoN", "--email", "anna@example.se", "--organisation", "",
        "--as", "ehedlund",
    )  # fmt: skip
    assert [(c["field"], c["old"], c["new"]) for c in edited["changes"]] == [
        ("owners.anilsson.organisation", "region", None),
        ("owners.anilsson.email", None, "anna@example.se"),
    ]
    assert people(orebro)["owners"]["anilsson"] == ("Anna Nilsson", None, "anna@example.se")
    text = orebro("log").stdout
    assert "owner anilsson, email: – → anna@example.se" in text

    undone = orebro.json("undo", "--as", "ehedlund")
    assert [(c["field"], c["old"], c["new"]) for c in undone["changes"]] == [
        ("owners.anilsson.email", "anna@example.se", None),
        ("owners.anilsson.organisation", None, "region"),
    ]
    assert people(orebro)["owners"]["anilsson"] == ("Anna Nilsson", "region", None)
    orebro("undo", "--as", "ehedlund")
    assert people(orebro) == before
    orebro("undo", "--as", "ehedlund", expect=1)


def test_person_edit_without_a_change_logs_nothing(orebro: Kplan) -> None:
    count = len(plan_events(orebro))
    result = orebro(
        "person", "edit", "sforsberg", "--name", people(orebro)["owners"]["sforsberg"][0]
    )
    assert result.stdout == "Nothing changed: the values were already set.\n"
    assert len(plan_events(orebro)) == count


def test_org_add_takes_swedish_kinds_and_edit_and_undo(orebro: Kplan) -> None:
    before = people(orebro)
    result = orebro("org", "add", "orebro-uni", "--name", "Örebro universitet", "--kind", "Skola")
    assert "orebro-uni" in result.stdout
    assert people(orebro)["organisations"]["orebro-uni"] == ("Örebro universitet", "education")
    orebro("org", "edit", "orebro-uni", "--kind", "näringsliv", "--name", "ÖU")
    assert people(orebro)["organisations"]["orebro-uni"] == ("ÖU", "industry")
    default = orebro.json("org", "add", "annan", "--name", "Annan")
    assert default["changes"][-1] == {
        "measure": None,
        "collaboration": None,
        "indicator": None,
        "field": "organisations.annan.kind",
        "old": None,
        "new": "other",
    }
    orebro("undo")
    orebro("undo")
    orebro("undo")
    assert people(orebro) == before


def test_person_and_org_in_the_log_text(orebro: Kplan) -> None:
    orebro("org", "add", "nytt", "--name", "Nytt bolag", "--kind", "privat")
    orebro("person", "add", "np", "--name", "Ny Person", "--organisation", "nytt")
    text = orebro("log").stdout
    assert "owner np, organisation: – → nytt" in text
    assert "organisation nytt, kind: – → privat" in text


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["person", "add", "bad id", "--name", "X"], 1, "is not a valid id"),
        (["person", "add", "SForsberg", "--name", "X"], 1, "already in the plan"),
        (["person", "add", "ny", "--name", " "], 1, "name:"),
        (["person", "add", "ny", "--name", "X", "--organisation", "regoin"], 1, "region"),
        (["person", "add", "ny", "--name", "X", "--email", "a\nb"], 1, "e-mail address"),
        (["person", "add", "ny"], 2, "--name"),
        (["person", "edit", "sforsberg"], 2, "nothing to change"),
        (["person", "edit", "nobody", "--name", "X"], 1, "unknown owner 'nobody'"),
        (["person", "edit", "sforsberg", "--organisation", "nope"], 1, "unknown organisation"),
        (["org", "add", "region", "--name", "X"], 1, "already in the plan"),
        (["org", "add", "ny", "--name", "X", "--kind", "skol"], 1, "Did you mean 'skola'"),
        (["org", "edit", "region"], 2, "nothing to change"),
        (["org", "edit", "nope", "--kind", "public"], 1, "unknown organisation 'nope'"),
        (["person", "add", "ny", "--name", "X", "--note", "a\x00b"], 1, "note"),
    ],
)
def test_refused_input_is_one_message_and_writes_nothing(
    orebro: Kplan, args: list[str], code: int, says: str
) -> None:
    before = dump_store(orebro.db)
    result = orebro(*args, "--as", "ehedlund", expect=code)
    assert result.stdout == ""
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert dump_store(orebro.db) == before


def test_every_problem_is_said_at_once(orebro: Kplan) -> None:
    result = orebro(
        "person", "add", "bad id", "--name", " x", "--organisation", "nope", "--email", "a\x01",
        expect=1,
    )  # fmt: skip
    lines = result.stderr.splitlines()
    assert lines[0].startswith("kplan: error: 'bad id' is not a valid id")
    assert len(lines) == 4
    assert "unknown organisation 'nope'" in lines[2]
    assert lines[3].startswith("e-mail address:")


def test_under_owners_only_coordinators_change_people(kplan: Kplan, tmp_path: Path) -> None:
    kplan("import", str(guarded_plan(tmp_path)), "--as", "ehedlund")
    before = dump_store(kplan.db)
    for args in (
        ["person", "add", "ny", "--name", "Ny"],
        ["person", "edit", "sforsberg", "--name", "S F"],
        ["org", "add", "ny", "--name", "Ny"],
        ["org", "edit", "region", "--kind", "private"],
    ):
        result = kplan(*args, "--as", "sforsberg", expect=4)
        assert result.stderr.startswith(
            "kplan: error: sforsberg may not add or change the plan's people and organisations"
        )
        assert result.stderr.count("\n") == 1
    assert dump_store(kplan.db) == before
    kplan("person", "add", "ny", "--name", "Ny", "--as", "pnyberg")
    # Undo of it is the coordinators' too: a coordinator no more cannot take it back.
    assert people(kplan)["owners"]["ny"] == ("Ny", None, None)


def test_undo_of_an_add_refuses_when_the_person_is_in_use(orebro: Kplan, tmp_path: Path) -> None:
    orebro("person", "add", "np", "--name", "Ny Person", "--as", "ehedlund")
    orebro("person", "edit", "np", "--email", "np@example.se", "--as", "pnyberg")
    before = dump_store(orebro.db)
    result = orebro("undo", "--as", "ehedlund", expect=3)
    assert "pnyberg" in result.stderr and "owners.np.email" in result.stderr
    assert dump_store(orebro.db) == before
    # Once the later change is undone, the add can be.
    orebro("undo", "--as", "pnyberg")
    orebro("undo", "--as", "ehedlund")
    assert "np" not in people(orebro)["owners"]


def test_undo_of_an_add_refuses_when_a_measure_is_owned(orebro: Kplan, tmp_path: Path) -> None:
    orebro("person", "add", "np", "--name", "Ny Person", "--as", "ehedlund")
    exported = tmp_path / "plan.toml"
    orebro("export", "--format", "toml", "-o", str(exported))
    text = exported.read_text(encoding="utf-8")
    assert 'owner = "sforsberg"' in text
    exported.write_text(text.replace('owner = "sforsberg"', 'owner = "np"', 1), encoding="utf-8")
    orebro("import", str(exported), "--as", "pnyberg")
    before = dump_store(orebro.db)
    result = orebro("undo", "--as", "ehedlund", expect=3)
    assert "np" in result.stderr
    assert dump_store(orebro.db) == before


def test_undo_of_an_org_add_refuses_when_a_person_names_it(orebro: Kplan) -> None:
    orebro("org", "add", "nytt", "--name", "Nytt", "--as", "ehedlund")
    orebro("person", "add", "np", "--name", "Ny", "--organisation", "nytt", "--as", "pnyberg")
    before = dump_store(orebro.db)
    result = orebro("undo", "--as", "ehedlund", expect=3)
    assert "nytt" in result.stderr
    assert dump_store(orebro.db) == before


def test_person_help_and_swedish(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    result = orebro("person", "edit", "sforsberg", expect=2)
    assert "inget att ändra" in result.stderr


# Fuzz --------------------------------------------------------------------------------------

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80
)


@pytest.mark.sqlite_only
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    command=st.sampled_from(["person add", "person edit", "org add", "org edit"]),
    key=st.one_of(
        TEXT.filter(lambda text: not text.startswith("-")),
        st.sampled_from(["sforsberg", "region", "ny", "SFORSBERG"]),
    ),
    name=st.one_of(st.none(), TEXT),
    other=st.one_of(st.none(), TEXT, st.sampled_from(["region", "skola", "Public", ""])),
)
def test_fuzzed_people_commands_never_crash(
    orebro: Kplan, command: str, key: str, name: str | None, other: str | None
) -> None:
    options: list[str] = []
    if name is not None:
        options += ["--name", name]
    if other is not None:
        options += ["--kind" if command.startswith("org") else "--organisation", other]
    result = orebro(*command.split(), key, *options, "--as", "ehedlund", expect=None)
    assert result.exit_code in (0, 1, 2), (key, options, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    if result.exit_code:
        assert result.stdout == ""
