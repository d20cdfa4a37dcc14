"""kplan undo: a person's last N commands undone in turn; imports never; clashes refused;
no change lost and no command undone twice when undo races another process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OREBRO, Kplan, ServerStore, dump_store, execute, query


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
    server = isinstance(orebro.db, ServerStore)
    if server:
        # A server store's log is append-only, for its owner too; this makes
        # the data of an older kplan, as a store from before the rule has it.
        execute(orebro.db, "ALTER TABLE event DISABLE TRIGGER kplan_event_append_only")
    execute(orebro.db, "UPDATE event SET batch = substr(batch, 8) WHERE batch LIKE 'import:%'")
    if server:
        execute(orebro.db, "ALTER TABLE event ENABLE TRIGGER kplan_event_append_only")
    assert not query(orebro.db, "SELECT id FROM event WHERE batch LIKE 'import:%'")
    before = dump_store(orebro.db)
    refused = orebro("undo", "--as", "ehedlund", expect=1)
    assert said in refused.stderr
    assert dump_store(orebro.db) == before


def test_an_import_by_someone_else_since_is_a_clash(orebro: Kplan, tmp_path: Path) -> None:
    orebro("status", "7", "delayed", "--as", "sforsberg")
    # The file still says what measure 7 was before; importing puts it back.
    orebro("import", str(OREBRO), "--as", "ehedlund", "--force")
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
            timeout=600,
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


# The race tests: ``kplan undo`` runs in a child process that pauses between
# its clash check and its revert (a stand-in for a slow machine, patched into
# that child only), while another process changes the same field or undoes
# too. Under the store's write lock the other process waits for the undo to
# commit, so the pause decides nothing but how wide the window is; without
# the lock the other process would slip in. The pause ends early once the
# other process is known to have finished, and never lasts more than PAUSE.
PAUSE = 3.0  # seconds an undo holds its check open for the other process
RACE_TIMEOUT = 600  # seconds: only a guard against a hang, never a measure of speed
KPLAN = str(Path(sys.executable).with_name("kplan"))


def _wait_for(path: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _undo_in_child(db: str, actor: str, folder: str, name: str, partner: str) -> None:
    """Run ``kplan undo`` in this process, pausing after its clash check.

    The pause lasts until the file ``partner`` exists in ``folder`` or PAUSE
    has passed. What the command did is written to ``<name>.json``.
    """
    from typer.testing import CliRunner

    import kplan.core.undo as undo_module
    from kplan.cli import app

    here = Path(folder)
    check = undo_module._refuse_clashes

    def paused(*args: object, **kwargs: object) -> None:
        check(*args, **kwargs)  # type: ignore[arg-type]
        (here / f"checked-{name}").touch()
        _wait_for(here / partner, PAUSE)

    undo_module._refuse_clashes = paused
    result = CliRunner().invoke(app, ["undo", "--as", actor, "--json", "--db", db])
    done = {"code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr}
    (here / f"{name}.json").write_text(json.dumps(done), encoding="utf-8")


def _start_undo(db: Path, actor: str, folder: Path, name: str, partner: str) -> Any:
    import multiprocessing

    # A fresh interpreter: the test process holds connections and threads
    # that a forked child must not share.
    child = multiprocessing.get_context("spawn").Process(
        target=_undo_in_child, args=(str(db), actor, str(folder), name, partner)
    )
    child.start()
    return child


def _finish(child: Any, folder: Path, name: str) -> dict[str, Any]:
    child.join(RACE_TIMEOUT)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail(f"the undo {name} did not finish in {RACE_TIMEOUT} s")
    outcome = folder / f"{name}.json"
    assert outcome.exists(), f"the undo {name} ended (exit {child.exitcode}) without a result"
    return dict(json.loads(outcome.read_text(encoding="utf-8")))


def _events_of(db: Path, measure: str = "7") -> list[dict[str, Any]]:
    return query(
        db,
        "SELECT id, batch, actor, field, old, new FROM event"
        " WHERE measure = :measure AND field = 'status' ORDER BY id",
        measure=measure,
    )


def test_a_change_made_while_an_undo_runs_is_never_overwritten(
    orebro: Kplan, tmp_path: Path
) -> None:
    orebro("status", "7", "delayed", "--as", "sforsberg")
    folder = tmp_path / "race"
    folder.mkdir()
    undoing = _start_undo(orebro.db, "sforsberg", folder, "undo", "changed")
    try:
        assert _wait_for(folder / "checked-undo", RACE_TIMEOUT), "the undo never got to its check"
        # The undo has checked and not yet written: mholm changes the field now.
        change = subprocess.run(
            [KPLAN, "status", "7", "done", "--as", "mholm", "--json", "--db", str(orebro.db)],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=RACE_TIMEOUT,
            check=False,
        )
        (folder / "changed").touch()
    finally:
        undone = _finish(undoing, folder, "undo")
    assert change.returncode == 0, change.stderr
    assert undone["code"] in (0, 3), undone
    assert "Traceback" not in undone["stderr"] + change.stderr
    # Whatever the order, mholm's change stands.
    assert status(orebro) == "done"
    events = _events_of(orebro.db)
    mholm = [e for e in events if e["actor"] == "mholm"]
    undos = [e for e in events if e["batch"].startswith("undo:")]
    assert len(mholm) == 1
    if undone["code"] == 0:
        # Undo first, then the change, which found the reverted value.
        assert len(undos) == 1
        assert undos[0]["id"] < mholm[0]["id"]
        assert (undos[0]["old"], undos[0]["new"]) == ("delayed", "ongoing")
        assert (mholm[0]["old"], mholm[0]["new"]) == ("ongoing", "done")
    else:
        # The change first: undo saw it and refused, writing nothing.
        assert "mholm changed 7 status" in undone["stderr"]
        assert undos == []
        assert (mholm[0]["old"], mholm[0]["new"]) == ("delayed", "done")
    assert events[-1]["id"] == mholm[0]["id"]


@pytest.mark.parametrize("commands", [1, 2])
def test_two_undos_at_once_never_revert_one_command_twice(
    orebro: Kplan, tmp_path: Path, commands: int
) -> None:
    first = status(orebro)
    batches = [
        orebro.json("status", "7", value, "--as", "sforsberg")["batch"]
        for value in ("delayed", "done")[:commands]
    ]
    folder = tmp_path / "race"
    folder.mkdir()
    # Each pauses after its check until the other has checked too (or PAUSE
    # has passed): under the lock the second cannot check before the first
    # has written, so both pauses run out.
    children = {
        "a": _start_undo(orebro.db, "sforsberg", folder, "a", "checked-b"),
        "b": _start_undo(orebro.db, "sforsberg", folder, "b", "checked-a"),
    }
    outcomes = {name: _finish(child, folder, name) for name, child in children.items()}
    codes = sorted(outcome["code"] for outcome in outcomes.values())
    assert all("Traceback" not in outcome["stderr"] for outcome in outcomes.values())
    reverted = sorted(
        json.loads(outcome["stdout"])["batch"]
        for outcome in outcomes.values()
        if outcome["code"] == 0
    )
    undo_batches = [
        e["batch"] for e in query(orebro.db, "SELECT batch FROM event WHERE batch LIKE 'undo:%'")
    ]
    if commands == 1:
        # Exactly one undoes the command; the other finds nothing left.
        assert codes == [0, 1], outcomes
        assert reverted == ["undo:" + batches[0]]
        assert next(o["stderr"] for o in outcomes.values() if o["code"] == 1).startswith(
            "kplan: error: sforsberg has nothing left to undo"
        )
    else:
        # One undoes the newer command, the other the one before it.
        assert codes == [0, 0], outcomes
        assert reverted == sorted("undo:" + batch for batch in batches)
    # The log shows one undo batch for each command undone, with one event each.
    assert sorted(undo_batches) == reverted
    assert status(orebro) == first
