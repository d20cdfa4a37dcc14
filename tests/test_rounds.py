"""Follow-up rounds, snapshots and diffs through the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kplan.store import schema
from tests.conftest import KRONOBERG, OREBRO, Kplan, dump_store, execute
from tests.test_concurrency import _run_together

ROUND = "Uppföljning 2015"


def test_a_round_from_open_to_diff(orebro: Kplan) -> None:
    """The whole cycle as a coordinator and two owners live it."""
    opened = orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    assert f"Opened round '{ROUND}', due 2016-02-15." in opened.stdout

    orebro("round", "report", "7", "--note", "Allt enligt plan", "--as", "sforsberg")
    orebro("round", "report", "10", "--as", "mholm")

    status = orebro.json("round", "status")
    assert (status["round"], status["due"], status["reported"]) == (ROUND, "2016-02-15", 2)
    assert status["not_reported"] == 20
    by_owner = {o["owner"]: o for o in status["owners"]}
    assert by_owner["sforsberg"]["reported"] == ["7"]
    assert "6" in by_owner["sforsberg"]["not_reported"]
    assert by_owner["mholm"]["reported"] == ["10"]
    assert status["previous"] is None

    refused = orebro("round", "close", "--as", "ehedlund", expect=1)
    assert "20 unreported measures" in refused.stderr
    assert "sforsberg: 6" in refused.stderr
    assert "--force" in refused.stderr

    closed = orebro("round", "close", "--force", "--as", "ehedlund")
    assert f"took snapshot '{ROUND}'" in closed.stdout
    assert [s["name"] for s in orebro.json("snapshot", "list")] == [ROUND]

    orebro("status", "7", "delayed", "--as", "sforsberg")
    diff = orebro.json("diff", ROUND)
    assert diff["measures"] == [
        {
            "id": "7",
            "title": "Arbetslivskunskap i vägledningen",
            "changes": [
                {
                    "field": "status",
                    "collaboration": None,
                    "indicator": None,
                    "old": "ongoing",
                    "new": "delayed",
                }
            ],
        }
    ]
    assert diff["summary"]["status"] == 1
    assert diff["summary"]["measures_changed"] == 1
    text = orebro("diff", ROUND).stdout
    assert "7  Arbetslivskunskap i vägledningen" in text
    assert "status: ongoing → delayed" in text

    events = orebro.json("log", "--limit", "0")
    fields = [
        (e["actor"], e["field"]) for e in events if e["field"].startswith(("round.", "snapshot."))
    ]
    assert ("ehedlund", "round.open") in fields
    assert ("sforsberg", "round.report") in fields
    assert ("ehedlund", "round.close") in fields
    assert ("ehedlund", "snapshot.take") in fields


def test_only_the_owner_or_a_coordinator_reports(orebro: Kplan) -> None:
    orebro("round", "open", ROUND, "--as", "ehedlund")
    before = dump_store(orebro.db)
    refused = orebro("round", "report", "1", "--as", "mholm", expect=4)
    assert "mholm may not report measure 1" in refused.stderr
    assert "akarlsson" in refused.stderr
    assert dump_store(orebro.db) == before
    orebro("round", "report", "1", "--as", "pnyberg")
    orebro("round", "report", "14", "--as", "akarlsson")
    assert orebro.json("round", "status")["reported"] == 2


def test_without_coordinators_anyone_may_report(kplan: Kplan) -> None:
    kplan("import", str(KRONOBERG))
    plan_has_coordinators = bool(kplan.json("plans")[0]["coordinators"])
    kplan("round", "open", "2022", "--as", "someone")
    result = kplan("round", "report", "A1", "--as", "someone", expect=None)
    assert result.exit_code == (4 if plan_has_coordinators else 0)


def test_one_open_round_at_a_time(orebro: Kplan) -> None:
    orebro("round", "open", ROUND)
    again = orebro("round", "open", "Uppföljning 2016", expect=1)
    assert f"'{ROUND}' is still open" in again.stderr


def test_round_commands_without_an_open_round(orebro: Kplan) -> None:
    for command in (["round", "status"], ["round", "close"], ["round", "report", "1"]):
        assert "no follow-up round is open" in orebro(*command, expect=1).stderr


def test_status_counts_changes_since_the_previous_round(orebro: Kplan) -> None:
    orebro("round", "open", "2014")
    orebro("round", "close", "--force")
    orebro("status", "13", "ongoing", "--as", "mholm")
    orebro("round", "open", "2015")
    status = orebro.json("round", "status")
    assert status["previous"] == "2014"
    mholm = next(o for o in status["owners"] if o["owner"] == "mholm")
    assert mholm["changed"] == ["13"]
    assert "Changed since 2014" in orebro("round", "status").stdout


def test_bad_due_date_and_round_name(orebro: Kplan) -> None:
    assert "not a date" in orebro("round", "open", "X", "--due", "15/2", expect=1).stderr
    assert "not a usable name" in orebro("round", "open", "  ", expect=1).stderr


def test_snapshots_keep_their_content_when_the_plan_changes(orebro: Kplan, tmp_path: Path) -> None:
    orebro("snapshot", "take", "före")
    before = orebro("export", "--snapshot", "före").stdout
    text = OREBRO.read_text(encoding="utf-8")
    start = text.index('[[measures]]\nid = "22"')
    smaller = tmp_path / "smaller.toml"
    smaller.write_text(text[:start].replace("Sara Forsberg", "Sara Forsberg-Ek"), encoding="utf-8")
    orebro("import", str(smaller))
    assert orebro("export", "--snapshot", "före").stdout == before
    diff = orebro.json("diff", "före")
    assert diff["summary"]["removed"] >= 1
    assert any(c["field"] == "owners.sforsberg.name" for c in diff["plan"])

    # The snapshot's plan file imports to the snapshot's state.
    restored = tmp_path / "restored.toml"
    restored.write_text(before, encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    orebro("import", str(restored), db=fresh)
    # But for the base line: the snapshot's moment there, the export's here.
    again = orebro("export", db=fresh).stdout.splitlines()
    assert before.splitlines()[1].startswith("#:kplan-base ")
    assert again[:1] + again[2:] == before.splitlines()[:1] + before.splitlines()[2:]


def test_diff_between_two_snapshots(orebro: Kplan) -> None:
    orebro("snapshot", "take", "a")
    orebro("step", "fastighet", "down")
    orebro("record", "validerade", "2016", "400")
    orebro("snapshot", "take", "b")
    orebro("status", "3", "done")
    diff = orebro.json("diff", "a", "b")
    assert diff["to"] == "b"
    assert diff["summary"]["step"] == 1
    assert diff["summary"]["values"] == 1
    assert diff["summary"]["status"] == 0


def test_snapshot_errors_and_delete(orebro: Kplan) -> None:
    orebro("snapshot", "take", "x")
    assert "exists already" in orebro("snapshot", "take", "x", expect=1).stderr
    assert "Did you mean 'x'?" in orebro("diff", "X", expect=1).stderr
    orebro("snapshot", "delete", "x")
    assert orebro.json("snapshot", "list") == []
    assert "has no snapshots yet" in orebro("diff", "x", expect=1).stderr
    assert orebro.json("log", "--limit", "1")[0]["field"] == "snapshot.delete"


@pytest.mark.parametrize("fmt", ["pdf", "ods"])
def test_unknown_export_format(orebro: Kplan, fmt: str) -> None:
    result = orebro("export", "--format", fmt, expect=1)
    assert "toml, json, csv, md, html, xlsx" in result.stderr


def test_a_store_of_the_first_schema_is_upgraded(tmp_path: Path) -> None:
    import sqlite3

    from kplan.store.engine import open_store

    path = tmp_path / "old.db"
    open_store(str(path)).close()
    connection = sqlite3.connect(path)
    # A store as kplan made it before it kept an Alembic revision.
    for table in ("round_report", "round", "snapshot", "alembic_version", "indicator_group_value"):
        connection.execute(f'DROP TABLE "{table}"')
    connection.execute("ALTER TABLE indicator DROP COLUMN source")
    connection.execute("ALTER TABLE event DROP COLUMN source")
    connection.execute("ALTER TABLE plan DROP COLUMN edit")
    connection.execute("ALTER TABLE event DROP COLUMN db_role")
    connection.execute("ALTER TABLE measure DROP COLUMN situation")
    for table, column in (
        ("plan", "language"),
        ("plan", "timezone"),
        ("plan", "public"),
        ("measure", "situation_public"),
    ):
        connection.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    connection.execute("UPDATE store_info SET value = '1' WHERE name = 'schema_version'")
    connection.commit()
    connection.close()

    open_store(str(path)).close()
    tables = dump_store(path)
    assert {"round", "round_report", "snapshot"} <= set(tables)
    assert ("schema_version", str(schema.LATEST)) in tables["store_info"]
    assert "edit" in {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(plan)")}
    assert "db_role" in {
        row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(event)")
    }
    assert "situation" in {
        row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(measure)")
    }
    assert "indicator_group_value" in tables


def test_diff_between_two_rounds(orebro: Kplan) -> None:
    orebro("round", "open", "Uppföljning 2014", "--as", "ehedlund")
    orebro("round", "close", "--force", "--as", "ehedlund")
    orebro("fourp", "5", "policy", "done", "--as", "tstrom")
    orebro("perspective", "5", "kön", "partly", "--as", "tstrom")
    orebro("round", "open", ROUND, "--as", "ehedlund")
    orebro("round", "report", "5", "--as", "tstrom")
    orebro("round", "close", "--force", "--as", "ehedlund")
    diff = orebro.json("diff", "Uppföljning 2014", ROUND)
    assert [m["id"] for m in diff["measures"]] == ["5"]
    fields = [c["field"] for c in diff["measures"][0]["changes"]]
    assert fields == ["four_p.policy", "perspectives.kön"]
    assert (diff["summary"]["four_p"], diff["summary"]["perspectives"]) == (1, 1)


def test_every_format_exports_a_snapshot(orebro: Kplan, tmp_path: Path) -> None:
    orebro("snapshot", "take", "s1")
    orebro("status", "7", "done", "--progress", "100")
    for fmt in ("toml", "json", "csv", "md", "html"):
        target = tmp_path / f"plan.{fmt}"
        orebro("export", "--format", fmt, "--snapshot", "s1", "-o", str(target))
        text = target.read_text(encoding="utf-8-sig")
        assert "Arbetslivskunskap i vägledningen" in text
    import json

    exported = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    seven = next(m for m in exported["measures"] if m["id"] == "7")
    assert (exported["snapshot"], seven["status"]) == ("s1", "ongoing")


def test_an_unknown_measure_in_a_report_lists_the_measures_in_plan_order(orebro: Kplan) -> None:
    # A changed row may come back last from a server's table; the list must not.
    orebro("status", "1", "delayed", "--as", "ehedlund")
    orebro("round", "open", ROUND, "--as", "ehedlund")
    result = orebro("round", "report", "404", "--as", "ehedlund", expect=1)
    assert "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11" in result.stderr


# The "owners" edit policy: rounds and snapshots are the coordinators' work.

COORDINATORS = "only a coordinator (ehedlund, pnyberg)"
COORDINATOR_ONLY = [
    ["round", "open", "R2"],
    ["round", "close"],
    ["round", "close", "--force"],
    ["snapshot", "take", "S2"],
    ["snapshot", "delete", "S1"],
]


@pytest.fixture
def guarded(kplan: Kplan, tmp_path: Path) -> Kplan:
    """The example plan under edit = "owners", with a snapshot S1 and, open, round R1."""
    from tests.test_permissions import owners_only

    kplan("import", str(owners_only(tmp_path)), "--as", "ehedlund")
    kplan("snapshot", "take", "S1", "--as", "ehedlund")
    return kplan


@pytest.mark.parametrize("command", COORDINATOR_ONLY, ids=" ".join)
@pytest.mark.parametrize("actor", ["akarlsson", "mholm"])
def test_under_owners_only_a_coordinator_opens_closes_and_keeps_snapshots(
    guarded: Kplan, command: list[str], actor: str
) -> None:
    """akarlsson owns measure 1, mholm owns others; neither coordinates."""
    if command[:2] == ["round", "close"]:
        guarded("round", "open", "R1", "--as", "ehedlund")
    before = dump_store(guarded.db)
    refused = guarded(*command, "--as", actor, expect=4)
    assert refused.stderr.startswith(f"kplan: error: {actor} may not ")
    assert 'its edit policy is "owners"' in refused.stderr and COORDINATORS in refused.stderr
    assert "Traceback" not in refused.stderr
    assert dump_store(guarded.db) == before
    # A coordinator passes the rule (a plain close then stops at the unreported measures).
    allowed = guarded(*command, "--as", "pnyberg", expect=None)
    if command == ["round", "close"]:
        assert allowed.exit_code == 1 and "unreported measures" in allowed.stderr
    else:
        assert allowed.exit_code == 0, allowed.stderr


def test_under_owners_a_refusal_comes_before_what_the_round_would_say(guarded: Kplan) -> None:
    """No open round, or one open already: a non-coordinator hears about the rule first."""
    assert "may not close the round" in guarded("round", "close", "--as", "mholm", expect=4).stderr
    guarded("round", "open", "R1", "--as", "ehedlund")
    assert (
        "may not open a round" in guarded("round", "open", "R2", "--as", "mholm", expect=4).stderr
    )


def test_under_owners_the_coordinators_run_a_whole_round(guarded: Kplan) -> None:
    guarded("round", "open", "R1", "--as", "pnyberg")
    guarded("round", "report", "1", "--as", "akarlsson")  # the owner
    guarded("round", "report", "7", "--as", "ehedlund")  # a coordinator
    refused = guarded("round", "report", "7", "--as", "mholm", expect=4)
    assert "mholm may not report measure 7" in refused.stderr
    guarded("round", "close", "--force", "--as", "ehedlund")
    guarded("snapshot", "delete", "R1", "--as", "pnyberg")
    guarded("snapshot", "delete", "S1", "--as", "ehedlund")
    assert guarded.json("snapshot", "list") == []


def test_under_the_open_default_anyone_runs_rounds_and_snapshots(orebro: Kplan) -> None:
    orebro("snapshot", "take", "S1", "--as", "mholm")
    orebro("round", "open", "R1", "--as", "mholm")
    orebro("round", "close", "--force", "--as", "tstrom")
    orebro("snapshot", "delete", "S1", "--as", "nsaid")
    orebro("round", "open", "R2", "--as", "nsaid")
    refused = orebro("round", "close", "--as", "nsaid", expect=1)
    assert "unreported measures" in refused.stderr
    assert [s["name"] for s in orebro.json("snapshot", "list")] == ["R1"]


# Round and snapshot names: closing a round takes a snapshot with its name.


def test_a_round_may_not_take_the_name_of_a_snapshot(orebro: Kplan) -> None:
    orebro("snapshot", "take", "Vår 2016")
    before = dump_store(orebro.db)
    refused = orebro("round", "open", "Vår 2016", expect=1)
    lines = refused.stderr.strip().splitlines()
    assert lines == [
        "kplan: error: the plan has a snapshot named 'Vår 2016', and closing the round takes a"
        " snapshot with the round's name; choose another name for the round"
    ]
    assert dump_store(orebro.db) == before
    # Trimmed names are the same name.
    orebro("round", "open", "  Vår 2016 ", expect=1)


def test_a_snapshot_may_not_take_the_name_of_a_round(orebro: Kplan) -> None:
    orebro("round", "open", "R1")
    before = dump_store(orebro.db)
    refused = orebro("snapshot", "take", "R1", expect=1)
    assert "'R1' is the name of a round of this plan" in refused.stderr
    assert dump_store(orebro.db) == before
    orebro("round", "close", "--force")
    # The closed round's own snapshot may go, and its name stays the round's.
    orebro("snapshot", "delete", "R1")
    orebro("snapshot", "take", "R1", expect=1)


def test_closing_a_round_whose_name_an_old_stores_snapshot_holds_says_what_to_do(
    orebro: Kplan,
) -> None:
    orebro("snapshot", "take", "S1", "--as", "mholm")
    orebro("round", "open", "R1")
    # A store from before names were kept apart: the snapshot takes the round's name.
    execute(orebro.db, "UPDATE snapshot SET name = 'R1' WHERE name = 'S1'")
    before = dump_store(orebro.db)
    for force in ([], ["--force"]):
        refused = orebro("round", "close", *force, expect=1)
        message = refused.stderr.strip()
        assert "\n" not in message
        assert message.startswith("kplan: error: cannot close round 'R1': closing takes a snapshot")
        assert "taken by mholm at " in message
        assert "kplan snapshot delete 'R1'" in message
        assert "Traceback" not in message and "internal error" not in message
        assert dump_store(orebro.db) == before
    orebro("snapshot", "delete", "R1")
    orebro("round", "close", "--force")
    assert [s["name"] for s in orebro.json("snapshot", "list")] == ["R1"]


ROUND_WORKER = """
import sys, time
import sys
from pathlib import Path
from kplan.core.rounds import RoundConflict, open_round
from kplan.store.engine import open_store

db, name, folder = sys.argv[1], sys.argv[2], Path(sys.argv[3])
store = open_store(db, create=False)
(folder / f"ready-{name}").touch()
while not (folder / "go").exists():
    time.sleep(0.002)
try:
    open_round(store, name, actor="ehedlund")
except RoundConflict as error:
    print("refused:", error)
else:
    print("opened")
"""


def test_of_rounds_opened_at_once_exactly_one_opens(orebro: Kplan, tmp_path: Path) -> None:
    """The check for an open round and the opening are one write under the store's lock."""
    names = [f"Omgång {index}" for index in range(4)]
    commands = [
        [sys.executable, "-c", ROUND_WORKER, str(orebro.db), name, str(tmp_path / "barrier")]
        for name in names
    ]
    outcomes = _run_together(commands, tmp_path / "barrier")
    for code, _stdout, stderr in outcomes:
        assert code == 0, stderr[-2000:]
    said = [stdout.strip() for _code, stdout, _stderr in outcomes]
    assert said.count("opened") == 1, said
    opened = names[said.index("opened")]
    assert all(
        line == f"refused: the round '{opened}' is still open; close it first (kplan round close)"
        for line in said
        if line != "opened"
    ), said
    assert orebro.json("round", "status")["round"] == opened
    events = orebro.json("log", "--limit", "0")
    assert [e["new"] for e in events if e["field"] == "round.open"] == [opened]
