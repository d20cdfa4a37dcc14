"""Concurrent writers lose nothing.

Eight processes change one store at the same time, first through kplan's
core (``apply_changes``), then through the installed ``kplan`` command; on an
SQLite file and on a PostgreSQL database. Half of them change the same
measure, to show that writes are serialised (SQLite: ``BEGIN IMMEDIATE`` plus
the busy timeout; PostgreSQL: an advisory lock per write transaction) rather
than lost or refused with "database is locked"; the other half change a
measure each.

Every write sets a value the measure does not have at that moment, so every
write must log exactly one event:

* the processes on the shared measure draw from disjoint blocks of values
  (worker 0 writes 1-10, worker 1 11-20, ...), so no write can repeat the
  value another worker left behind;
* consecutive writes of one worker always differ;
* before the run every measure involved is set to 0, outside every block.

That makes the checks exact: 50 events per worker, the values each worker
wrote in the order it wrote them, an unbroken old -> new chain on the shared
measure (a lost update would show as two events with the same ``old``), and
final values that are the last value some worker wrote.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kplan.core.changes import Change, apply_changes
from kplan.core.importing import import_plan
from kplan.core.planfile import read_plan_file
from kplan.store.engine import open_store
from tests.conftest import OREBRO, ROOT, query

WORKERS = 8
SHARED_WORKERS = WORKERS // 2
START_TIMEOUT = 600  # seconds for every worker to be ready to start
RUN_TIMEOUT = 900  # seconds for every worker to finish once started
KPLAN = Path(sys.executable).with_name("kplan")

# The core run: measure 1 is shared; measures 2-5 are one worker's each.
CORE_CHANGES = 50
CORE_SHARED = "1"
CORE_OWN = ["2", "3", "4", "5"]
# The CLI run, on other measures: 6 is shared; 7-10 are one worker's each.
CLI_CHANGES = 10
CLI_SHARED = "6"
CLI_OWN = ["7", "8", "9", "10"]


def _values(worker: int, count: int) -> list[int]:
    """The progress values a worker writes: its own block of ten, never twice in a row."""
    block = 1 + 10 * worker if worker < SHARED_WORKERS else 50 + 10 * (worker - SHARED_WORKERS)
    return [block + step % 10 for step in range(count)]


def _measure(worker: int, shared: str, own: list[str]) -> str:
    return shared if worker < SHARED_WORKERS else own[worker - SHARED_WORKERS]


# Each core worker opens the store once, waits for the go file, then makes its
# changes one batch at a time and prints the batch ids it got back.
CORE_WORKER = """
import json, sys, time
from pathlib import Path
from kplan.core.changes import Change, apply_changes
from kplan.store.engine import open_store

db, actor, measure, values, folder = sys.argv[1:6]
folder = Path(folder)
store = open_store(db, create=False)
(folder / f"ready-{actor}").touch()
deadline = time.monotonic() + float(sys.argv[6])
while not (folder / "go").exists():
    if time.monotonic() > deadline:
        sys.exit(f"{actor}: no go signal")
    time.sleep(0.002)
batches = []
for value in json.loads(values):
    result = apply_changes(store, [Change("measure", measure, "progress", value)], actor=actor)
    if len(result.changes) != 1:
        sys.exit(f"{actor}: setting {measure} to {value} changed {len(result.changes)} fields")
    batches.append(result.batch)
store.close()
print(json.dumps(batches))
"""

# Each CLI worker waits for the go file, then runs ``kplan status`` once per
# value, one after the other, and prints what every command did.
CLI_WORKER = """
import json, subprocess, sys, time
from pathlib import Path

kplan, db, actor, measure, values, folder = sys.argv[1:7]
folder = Path(folder)
(folder / f"ready-{actor}").touch()
deadline = time.monotonic() + float(sys.argv[7])
while not (folder / "go").exists():
    if time.monotonic() > deadline:
        sys.exit(f"{actor}: no go signal")
    time.sleep(0.002)
runs = []
for value in json.loads(values):
    command = [kplan, "status", measure, "--progress", str(value), "--json"]
    command += ["--db", db, "--as", actor]
    done = subprocess.run(command, capture_output=True, text=True)
    runs.append({"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr})
print(json.dumps(runs))
"""


def _prepare(db: Path, measures: list[str]) -> int:
    """A store with the Örebro plan and the measures at progress 0; its event count."""
    store = open_store(str(db))
    try:
        import_plan(store, read_plan_file(OREBRO), actor="setup")
        changes = [Change("measure", key, "progress", 0) for key in measures]
        apply_changes(store, changes, actor="setup")
    finally:
        store.close()
    return len(_events(db))


def _events(db: Path) -> list[dict[str, Any]]:
    return query(db, "SELECT * FROM event ORDER BY id")


def _progress(db: Path) -> dict[str, int]:
    return {row["key"]: row["progress"] for row in query(db, "SELECT key, progress FROM measure")}


def _run_together(commands: list[list[str]], folder: Path) -> list[tuple[int, str, str]]:
    """Start every command, let them all go at once, wait; (exit code, stdout, stderr) each."""
    folder.mkdir()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    processes = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while len(list(folder.glob("ready-*"))) < len(commands):
            failed = [p.returncode for p in processes if p.poll() not in (None, 0)]
            assert not failed, f"a worker failed before the start: {failed}"
            assert time.monotonic() < deadline, "the workers were not ready in time"
            time.sleep(0.01)
        (folder / "go").touch()
        outcomes = []
        for process in processes:
            stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
            outcomes.append((process.returncode, stdout, stderr))
        return outcomes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def _check_events(
    new_events: list[dict[str, Any]],
    shared: str,
    own: list[str],
    count: int,
) -> None:
    """One event per write, in each worker's order, and an unbroken chain per measure."""
    assert len(new_events) == WORKERS * count
    # Had the workers run one after the other, the actor would change only 7 times.
    switches = sum(a["actor"] != b["actor"] for a, b in itertools.pairwise(new_events))
    assert switches > WORKERS - 1, "the workers never overlapped, so this proved nothing"
    for worker in range(WORKERS):
        actor = f"w{worker}"
        mine = [event for event in new_events if event["actor"] == actor]
        assert len(mine) == count, f"{actor} has {len(mine)} events, expected {count}"
        measure = _measure(worker, shared, own)
        assert {(event["measure"], event["field"]) for event in mine} == {(measure, "progress")}
        assert [event["new"] for event in mine] == [str(v) for v in _values(worker, count)]
    for measure in [shared, *own]:
        chain = [event for event in new_events if event["measure"] == measure]
        olds = [event["old"] for event in chain]
        news = [event["new"] for event in chain]
        # A lost update shows as an event whose "old" is not the value before it.
        assert olds == ["0", *news[:-1]], f"measure {measure}: broken chain {olds} / {news}"


def _check_final_progress(db: Path, shared: str, own: list[str], count: int) -> None:
    progress = _progress(db)
    last_values = {worker: _values(worker, count)[-1] for worker in range(WORKERS)}
    shared_last = {last_values[worker] for worker in range(SHARED_WORKERS)}
    assert progress[shared] in shared_last, (progress[shared], shared_last)
    for index, measure in enumerate(own):
        assert progress[measure] == last_values[SHARED_WORKERS + index]


def test_concurrent_core_writers_lose_nothing(db: Path, tmp_path: Path) -> None:
    before = _prepare(db, [CORE_SHARED, *CORE_OWN])
    folder = tmp_path / "core-barrier"
    commands = [
        [
            sys.executable,
            "-c",
            CORE_WORKER,
            str(db),
            f"w{worker}",
            _measure(worker, CORE_SHARED, CORE_OWN),
            json.dumps(_values(worker, CORE_CHANGES)),
            str(folder),
            str(START_TIMEOUT),
        ]
        for worker in range(WORKERS)
    ]
    outcomes = _run_together(commands, folder)

    for worker, (code, _stdout, stderr) in enumerate(outcomes):
        assert code == 0, f"w{worker} exited {code}: {stderr[-2000:]}"
        assert "locked" not in stderr, f"w{worker}: {stderr[-2000:]}"
        assert "Traceback" not in stderr, f"w{worker}: {stderr[-2000:]}"
    new_events = _events(db)[before:]
    _check_events(new_events, CORE_SHARED, CORE_OWN, CORE_CHANGES)
    # Every batch a worker was told about is in the log under its name, once.
    for worker, (_code, stdout, _stderr) in enumerate(outcomes):
        batches = json.loads(stdout)
        logged = [event["batch"] for event in new_events if event["actor"] == f"w{worker}"]
        assert batches == logged
    _check_final_progress(db, CORE_SHARED, CORE_OWN, CORE_CHANGES)


# The CLI run spawns 80 kplan processes; on PostgreSQL the core run above
# already shows that the server serialises writers, so this one runs on SQLite.
@pytest.mark.sqlite_only
def test_concurrent_cli_writers_lose_nothing(db: Path, tmp_path: Path) -> None:
    assert KPLAN.exists(), f"kplan is not installed next to {sys.executable}"
    before = _prepare(db, [CLI_SHARED, *CLI_OWN])
    folder = tmp_path / "cli-barrier"
    commands = [
        [
            sys.executable,
            "-c",
            CLI_WORKER,
            str(KPLAN),
            str(db),
            f"w{worker}",
            _measure(worker, CLI_SHARED, CLI_OWN),
            json.dumps(_values(worker, CLI_CHANGES)),
            str(folder),
            str(START_TIMEOUT),
        ]
        for worker in range(WORKERS)
    ]
    outcomes = _run_together(commands, folder)

    logged_batches: dict[str, list[str]] = {}
    for worker, (code, stdout, stderr) in enumerate(outcomes):
        assert code == 0, f"w{worker} exited {code}: {stderr[-2000:]}"
        runs = json.loads(stdout)
        assert len(runs) == CLI_CHANGES
        for value, run in zip(_values(worker, CLI_CHANGES), runs, strict=True):
            where = f"w{worker}: kplan status --progress {value}"
            assert run["code"] == 0, f"{where} exited {run['code']}: {run['stderr']}"
            assert "locked" not in run["stderr"], f"{where}: {run['stderr']}"
            assert "Traceback" not in run["stderr"], f"{where}: {run['stderr']}"
            changed = json.loads(run["stdout"])
            assert [(c["field"], c["new"]) for c in changed["changes"]] == [
                ("progress", str(value))
            ], where
            logged_batches.setdefault(f"w{worker}", []).append(changed["batch"])
    new_events = _events(db)[before:]
    _check_events(new_events, CLI_SHARED, CLI_OWN, CLI_CHANGES)
    for actor, batches in logged_batches.items():
        assert batches == [event["batch"] for event in new_events if event["actor"] == actor]
    _check_final_progress(db, CLI_SHARED, CLI_OWN, CLI_CHANGES)
