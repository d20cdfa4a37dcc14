"""Batch updates (kplan apply) and stale-edit protection (--expect-version)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Kplan, dump_store, query

GOOD = [
    {"measure": "7", "status": "delayed", "progress": 30, "note": "Väntar på besked"},
    {"collaboration": "fastighet", "step": 3},
    {"measure": "7", "four_p": {"policy": "done"}},
    {"measure": "7", "perspectives": {"kön": "yes"}},
    {"indicator": "validerade", "period": "2016", "value": 12},
]


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_apply_jsonl_in_one_batch(orebro: Kplan, tmp_path: Path) -> None:
    result = orebro.json("apply", str(write_jsonl(tmp_path / "c.jsonl", GOOD)), "--as", "lead1")
    assert len(result["changes"]) == 6
    shown = orebro.json("show", "7")
    assert (shown["status"], shown["progress"]) == ("delayed", 30)
    assert shown["four_p"]["policy"] == "done"
    assert shown["perspectives"]["kön"] == "yes"
    events = orebro.json("log", "--limit", "6")
    assert {e["actor"] for e in events} == {"lead1"}
    assert {e["field"] for e in events} == {
        "status",
        "progress",
        "step",
        "four_p.policy",
        "perspectives.kön",
        "values.2016",
    }
    batches = query(
        orebro.db,
        "SELECT COUNT(DISTINCT batch) AS n FROM event WHERE batch = :b",
        b=result["batch"],
    )
    assert batches == [{"n": 1}]


def test_one_bad_line_among_a_thousand_changes_nothing(orebro: Kplan, tmp_path: Path) -> None:
    records: list[object] = [{"measure": str(1 + n % 22), "progress": n % 101} for n in range(1000)]
    records[636] = {"measure": "7", "progress": 140}
    path = write_jsonl(tmp_path / "big.jsonl", records)
    before = dump_store(orebro.db)
    result = orebro("apply", str(path), expect=1)
    assert "line 637: progress: progress must be a whole number from 0 to 100" in result.stderr
    assert "1 problem; nothing was applied." in result.stderr
    assert dump_store(orebro.db) == before

    records[636] = {"measure": "7", "progress": 40}
    write_jsonl(path, records)
    applied = orebro.json("apply", str(path))
    assert applied["changes"]
    last = [r for r in records if isinstance(r, dict) and r["measure"] == "7"][-1]
    assert orebro.json("show", "7")["progress"] == last["progress"]


def test_every_bad_line_is_reported_with_its_number_and_field(
    orebro: Kplan, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            {"measure": "7", "status": "finished"},
            {"collaboration": "fastighet", "step": 9},
            {"measure": "77", "progress": 10},
            {"measure": "7", "colour": "red"},
            "not json",
            {"indicator": "validerade", "period": "2016-X", "value": 3},
            {"status": "done"},
        ],
    )
    before = dump_store(orebro.db)
    stderr = orebro("apply", str(path), expect=1).stderr
    for fragment in (
        "line 1: status: 'finished' is not a valid status",
        "line 2: step: step must be a whole number from 1 to 4",
        "line 3: progress: unknown measure '77'",
        "line 4: colour: unknown field",
        "line 5: -: not valid JSON",
        "line 6: values.2016-X: '2016-X' is not a period",
        "line 7: measure: name exactly one of measure, collaboration or indicator",
        "7 problems; nothing was applied.",
    ):
        assert fragment in stderr
    assert dump_store(orebro.db) == before


def test_apply_csv_and_standard_input(orebro: Kplan, tmp_path: Path) -> None:
    path = tmp_path / "changes.csv"
    path.write_text(
        "\ufeffmeasure,status,progress,four_p.policy,note\n"
        "7,ongoing,35,ongoing,från kalkylbladet\n"
        "5,försenad,,,\n",
        encoding="utf-8",
    )
    orebro("apply", str(path), "--as", "tstrom")
    assert orebro.json("show", "7")["four_p"]["policy"] == "ongoing"
    assert orebro.json("show", "5")["status"] == "delayed"

    from typer.testing import CliRunner

    from kplan.cli import app

    result = CliRunner().invoke(
        app,
        ["apply", "-", "--db", str(orebro.db)],
        input='{"measure": "3", "progress": 66}\n',
    )
    assert result.exit_code == 0, result.stderr
    assert orebro.json("show", "3")["progress"] == 66


def test_dry_run_writes_nothing(orebro: Kplan, tmp_path: Path) -> None:
    before = dump_store(orebro.db)
    out = orebro("apply", str(write_jsonl(tmp_path / "c.jsonl", GOOD)), "--dry-run").stdout
    assert "Would apply 6 changes" in out
    assert "measure 7 status: ongoing → delayed" in out
    assert dump_store(orebro.db) == before


def test_expect_version_refuses_a_stale_change(orebro: Kplan) -> None:
    version = orebro.json("show", "7")["version"]
    orebro("status", "7", "delayed", "--expect-version", str(version), "--as", "mholm")
    before = dump_store(orebro.db)
    stale = orebro(
        "status", "7", "done", "--expect-version", str(version), "--as", "sforsberg", expect=3
    )
    assert "measure 7 has changed since you read it" in stale.stderr
    assert f"version {version}, now {version + 1}" in stale.stderr
    assert "last changed by mholm (status: ongoing → delayed" in stale.stderr
    assert dump_store(orebro.db) == before
    orebro("status", "7", "done", "--expect-version", str(version + 1))


def test_expect_version_in_an_apply_line(orebro: Kplan, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "c.jsonl", [{"measure": "7", "status": "done", "expect_version": 99}]
    )
    result = orebro("apply", str(path), expect=3)
    assert "line 1: status: measure 7 has changed since you read it" in result.stderr


def test_undo_reverts_a_whole_apply(orebro: Kplan, tmp_path: Path) -> None:
    before = orebro.json("show", "7")
    orebro("apply", str(write_jsonl(tmp_path / "c.jsonl", GOOD)), "--as", "lead1")
    undone = orebro.json("undo", "--as", "lead1")
    assert len(undone["changes"]) == 6
    after = orebro.json("show", "7")
    for key in ("status", "progress", "four_p", "perspectives"):
        assert after[key] == before[key]
    indicator = next(
        i
        for m in orebro.json("list")
        for i in orebro.json("show", m["id"])["indicators"]
        if i["id"] == "validerade"
    )
    assert "2016" not in indicator["values"]
    events = orebro.json("log", "--limit", "6")
    assert {e["actor"] for e in events} == {"lead1"}
    assert all(e["note"].startswith("undo of ") for e in events)
    assert "nothing left to undo" in orebro("undo", "--as", "lead1", expect=1).stderr


def test_undo_refuses_when_someone_changed_the_same_field_since(orebro: Kplan) -> None:
    orebro("status", "7", "delayed", "--as", "sforsberg")
    orebro("status", "7", "done", "--as", "mholm")
    before = dump_store(orebro.db)
    refused = orebro("undo", "--as", "sforsberg", expect=3)
    assert "later changes touched the same fields" in refused.stderr
    assert "mholm changed 7 status" in refused.stderr
    assert dump_store(orebro.db) == before
    orebro("undo", "--as", "mholm")
    assert orebro.json("show", "7")["status"] == "delayed"


def test_undo_leaves_other_peoples_commands_alone(orebro: Kplan) -> None:
    orebro("status", "3", "--progress", "70", "--as", "nsaid")
    orebro("status", "5", "--progress", "31", "--as", "tstrom")
    orebro("undo", "--as", "nsaid")
    assert orebro.json("show", "3")["progress"] == 60
    assert orebro.json("show", "5")["progress"] == 31
