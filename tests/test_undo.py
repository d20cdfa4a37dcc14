"""kplan undo: a person's last N commands undone in turn; imports never; clashes refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import OREBRO, Kplan, dump_store, execute, query


def status(kplan: Kplan, measure: str = "7") -> str:
    return str(kplan.json("show", measure)["status"])


def progress(kplan: Kplan, measure: str = "7") -> int:
    return int(kplan.json("show", measure)["progress"])


def test_three_changes_of_one_field_undone_three_times_restore_the_first_value(
    orebro: Kplan,
) -> None:
    first = status(orebro)
    for value in ("delayed", "done", "not-started"):
        orebro("status", "7", value, "--as", "sforsberg")
    seen = []
    for _ in range(3):
        orebro("undo", "--as", "sforsberg")
        seen.append(status(orebro))
    assert seen == ["done", "delayed", first]
    refused = orebro("undo", "--as", "sforsberg", expect=1)
    assert "sforsberg has nothing left to undo" in refused.stderr


def test_interleaved_changes_of_two_fields_are_undone_newest_first(orebro: Kplan) -> None:
    start = (status(orebro), progress(orebro))
    orebro("status", "7", "delayed", "--as", "sforsberg")
    orebro("status", "7", "--progress", "50", "--as", "sforsberg")
    orebro("status", "7", "done", "--as", "sforsberg")
    orebro("status", "7", "--progress", "90", "--as", "sforsberg")
    orebro("fourp", "7", "policy", "done", "--as", "sforsberg")
    orebro("status", "7", "ongoing", "--progress", "95", "--as", "sforsberg")
    expected = [
        ("done", 90),
        ("done", 90),  # the Fyra P change
        ("done", 50),
        ("delayed", 50),
        ("delayed", start[1]),
        start,
    ]
    for want in expected:
        orebro("undo", "--as", "sforsberg")
        assert (status(orebro), progress(orebro)) == want
    assert orebro.json("show", "7")["four_p"]["policy"] != "done"
    orebro("undo", "--as", "sforsberg", expect=1)


def test_an_undo_after_another_persons_change_refuses_naming_them(orebro: Kplan) -> None:
    orebro("status", "7", "delayed", "--as", "sforsberg")
    orebro("status", "7", "--progress", "55", "--as", "sforsberg")
    orebro("status", "7", "done", "--as", "mholm")
    # The newest command (progress) is sforsberg's own and mholm did not touch it.
    orebro("undo", "--as", "sforsberg")
    before = dump_store(orebro.db)
    refused = orebro("undo", "--as", "sforsberg", expect=3)
    assert "later changes touched the same fields" in refused.stderr
    assert "mholm changed 7 status" in refused.stderr
    assert "sforsberg changed" not in refused.stderr
    assert "Traceback" not in refused.stderr
    assert dump_store(orebro.db) == before
    # Once mholm has undone theirs, the pair cancels out and sforsberg's goes.
    orebro("undo", "--as", "mholm")
    orebro("undo", "--as", "sforsberg")
    assert status(orebro) == "ongoing"


def test_a_later_change_by_the_same_person_is_no_clash_once_undone(orebro: Kplan) -> None:
    orebro("status", "7", "delayed", "--as", "sforsberg")
    orebro("status", "7", "done", "--as", "sforsberg")
    orebro("undo", "--as", "sforsberg")
    orebro("status", "5", "done", "--as", "mholm")  # another measure: no clash
    orebro("undo", "--as", "sforsberg")
    assert status(orebro) == "ongoing"
    assert status(orebro, "5") == "done"


def test_undoing_an_undo_is_not_possible_and_each_command_is_undone_once(orebro: Kplan) -> None:
    orebro("status", "7", "delayed", "--as", "sforsberg")
    orebro("undo", "--as", "sforsberg")
    orebro("undo", "--as", "sforsberg", expect=1)
    events = orebro.json("log", "--limit", "0")
    assert [e["field"] for e in events if e["actor"] == "sforsberg"] == ["status", "status"]


def reimport_with(kplan: Kplan, tmp_path: Path, old: str, new: str, actor: str) -> None:
    text = OREBRO.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    changed = tmp_path / "changed.toml"
    changed.write_text(text.replace(old, new, 1), encoding="utf-8")
    kplan("import", str(changed), "--as", actor)


def follow_up_line(measure: str) -> tuple[str, str]:
    """The status line of ``measure`` in the example file, and that line with another status."""
    text = OREBRO.read_text(encoding="utf-8")
    start = text.index(f'id = "{measure}"\n')
    line_start = text.index("status = ", start)
    line = text[line_start : text.index("\n", line_start)]
    other = "delayed" if '"delayed"' not in line else "done"
    return line, f'status = "{other}"'


def test_an_import_of_follow_up_fields_only_is_never_undone(orebro: Kplan, tmp_path: Path) -> None:
    orebro("status", "3", "--progress", "70", "--as", "ehedlund")
    # The plan as it is now, with one status changed: the import changes only that.
    exported = tmp_path / "now.toml"
    orebro("export", "--format", "toml", "-o", str(exported))
    text = exported.read_text(encoding="utf-8")
    start = text.index('id = "7"\n')
    line_start = text.index("status = ", start)
    line = text[line_start : text.index("\n", line_start)]
    exported.write_text(text.replace(line, 'status = "delayed"', 1), encoding="utf-8")
    orebro("import", str(exported), "--as", "ehedlund")
    events = orebro.json("log", "--limit", "2")
    assert [(e["field"], e["new"]) for e in events] == [("status", "delayed"), ("progress", "70")]
    before = dump_store(orebro.db)
    refused = orebro("undo", "--as", "ehedlund", expect=1)
    assert "last command was an import, which undo does not revert" in refused.stderr
    assert dump_store(orebro.db) == before
    # Nor is the import passed over to undo the command before it.
    orebro("undo", "--as", "ehedlund", expect=1)
    assert progress(orebro, "3") == 70


@pytest.mark.parametrize(("lang", "said"), [("en", "was an import"), ("sv", "var en inläsning")])
def test_an_import_in_a_store_written_before_imports_were_marked_is_recognised(
    orebro: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    """Older kplan gave an import's events a plain batch id; their note tells them apart."""
    monkeypatch.setenv("KPLAN_LANG", lang)
    line, changed = follow_up_line("7")
    reimport_with(orebro, tmp_path, line, changed, "ehedlund")
    execute(orebro.db, "UPDATE event SET batch = substr(batch, 8) WHERE batch LIKE 'import:%'")
    assert not query(orebro.db, "SELECT id FROM event WHERE batch LIKE 'import:%'")
    before = dump_store(orebro.db)
    refused = orebro("undo", "--as", "ehedlund", expect=1)
    assert said in refused.stderr
    assert dump_store(orebro.db) == before


def test_an_import_by_someone_else_since_is_a_clash(orebro: Kplan, tmp_path: Path) -> None:
    orebro("status", "7", "delayed", "--as", "sforsberg")
    # The file still says what measure 7 was before; importing puts it back.
    orebro("import", str(OREBRO), "--as", "ehedlund")
    assert status(orebro) != "delayed"
    before = dump_store(orebro.db)
    refused = orebro("undo", "--as", "sforsberg", expect=3)
    assert "ehedlund changed 7 status" in refused.stderr
    assert dump_store(orebro.db) == before


def test_round_and_snapshot_commands_are_passed_over(orebro: Kplan) -> None:
    orebro("status", "7", "delayed", "--as", "ehedlund")
    orebro("round", "open", "R1", "--as", "ehedlund")
    orebro("round", "report", "7", "--as", "ehedlund")
    orebro("snapshot", "take", "S1", "--as", "ehedlund")
    undone = orebro.json("undo", "--as", "ehedlund")
    assert [(c["field"], c["new"]) for c in undone["changes"]] == [("status", "ongoing")]
    # The round and the snapshot are as they were.
    assert orebro.json("round", "status")["reported"] == 1
    assert [s["name"] for s in orebro.json("snapshot", "list")] == ["S1"]
    assert "nothing left to undo" in orebro("undo", "--as", "ehedlund", expect=1).stderr


def test_undo_of_a_measure_an_import_removed_and_added_again_refuses(
    orebro: Kplan, tmp_path: Path
) -> None:
    orebro("status", "7", "delayed", "--as", "sforsberg")
    text = OREBRO.read_text(encoding="utf-8")
    start = text.index("[[measures]]\n" + 'id = "7"')
    end = text.index("[[measures]]", start + 1)
    without = tmp_path / "without7.toml"
    without.write_text(text[:start] + text[end:], encoding="utf-8")
    orebro("import", str(without), "--as", "ehedlund")
    orebro("import", str(OREBRO), "--as", "ehedlund")
    refused = orebro("undo", "--as", "sforsberg", expect=3)
    assert "ehedlund changed 7 measure" in refused.stderr


def test_undo_json_through_the_command_line(orebro: Kplan) -> None:
    changed = orebro.json("status", "7", "delayed", "--progress", "45", "--as", "sforsberg")
    undone = orebro.json("undo", "--as", "sforsberg")
    assert undone["batch"] == "undo:" + changed["batch"]
    assert [(c["field"], c["old"], c["new"]) for c in undone["changes"]] == [
        ("progress", "45", "40"),
        ("status", "delayed", "ongoing"),
    ]
    second = orebro("undo", "--as", "sforsberg", "--json", expect=1)
    assert second.stdout == ""
    assert "nothing left to undo" in second.stderr


def test_undo_with_the_installed_kplan(orebro: Kplan) -> None:
    env = {**os.environ, "KPLAN_USER": "sforsberg"}
    kplan = Path(sys.executable).with_name("kplan")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(kplan), *args, "--db", str(orebro.db)],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )

    for value in ("delayed", "done"):
        assert run("status", "7", value).returncode == 0
    for want in ("delayed", "ongoing"):
        done = run("undo", "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["changes"][0]["new"] == want
    done = run("undo")
    assert done.returncode == 1
    assert done.stderr.startswith("kplan: error: sforsberg has nothing left to undo")
