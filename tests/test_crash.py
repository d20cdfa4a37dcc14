"""A kplan process killed with SIGKILL in the middle of a write leaves the store as it was.

Each test runs the installed ``kplan`` on a big import or apply, kills it at a
spread of moments, and checks that the store is in exactly one of two states:
untouched, or fully changed as by a run that finished. Then kplan carries on.
"""

from __future__ import annotations

import copy
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

from kplan.core.planfile import plan_to_toml, read_plan_file
from kplan.model import Measure
from tests.conftest import OREBRO, Kplan, dump_store
from tests.test_entrypoint import kplan_executable

EXTRA_MEASURES = 400
KILLS = 6


def comparable(path: Path) -> dict[str, Any]:
    """The store's rows, with events counted rather than compared (their batch ids differ)."""
    tables = dump_store(path)
    events = tables.pop("event", [])
    return {**tables, "event count": len(events)}


def big_plan(tmp_path: Path) -> Path:
    """The example plan with every title changed and many more measures."""
    plan = read_plan_file(OREBRO)
    for measure in plan.measures:
        measure.title += " (reviderad)"
    template = plan.measures[0]
    for number in range(EXTRA_MEASURES):
        extra: Measure = copy.deepcopy(template)
        extra.id = f"x{number}"
        extra.title = f"Tillkommen åtgärd {number}"
        for collaboration in extra.collaborations:
            collaboration.id = f"{collaboration.id}-x{number}"
        for indicator in extra.indicators:
            indicator.id = f"{indicator.id}-x{number}"
        plan.measures.append(extra)
    path = tmp_path / "big.toml"
    path.write_text(plan_to_toml(plan), encoding="utf-8")
    return path


def apply_file(tmp_path: Path) -> Path:
    """A thousand changes to the example plan."""
    lines = []
    for number in range(1000):
        measure = str(number % 22 + 1)
        lines.append(f'{{"measure": "{measure}", "progress": {number % 101}}}')
    path = tmp_path / "changes.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_to_the_end(args: list[str], db: Path) -> None:
    result = subprocess.run(
        [kplan_executable(), *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "KPLAN_NOW": "2016-03-01T12:00:00Z"},
    )
    assert result.returncode == 0, result.stderr


def killed_at(args: list[str], db: Path, delay: float) -> int | None:
    """Start kplan, SIGKILL it after ``delay`` seconds; its exit code if it finished first."""
    process = subprocess.Popen(
        [kplan_executable(), *args, "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "KPLAN_NOW": "2016-03-01T12:00:00Z"},
    )
    time.sleep(delay)
    finished = process.poll()
    if finished is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=600)
    return finished


def check_interrupted(kplan: Kplan, tmp_path: Path, args: list[str]) -> None:
    start = tmp_path / "start.db"
    shutil.copy(kplan.db, start)
    before = comparable(start)
    finished_copy = tmp_path / "finished.db"
    shutil.copy(start, finished_copy)
    began = time.monotonic()
    run_to_the_end(args, finished_copy)
    duration = time.monotonic() - began
    after = comparable(finished_copy)
    assert after != before

    # Spread the kills over the whole run, from start-up to the last commit.
    moments = random.Random(5).sample(range(1, 100), KILLS)
    outcomes = []
    for index, percent in enumerate(sorted(moments)):
        victim = tmp_path / f"victim{index}.db"
        shutil.copy(start, victim)
        finished = killed_at(args, victim, duration * percent / 100)
        state = comparable(victim)
        assert state in (before, after), f"a kill at {percent}% of the run left a partial store"
        outcomes.append("after" if state == after else "before")
        connection = sqlite3.connect(victim)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            connection.close()
        if finished is None:
            # The next command works on the store as if nothing had happened.
            kplan("status", "7", "delayed", db=victim)
    assert "before" in outcomes, "no kill landed before the commit; the test proved nothing"


def test_a_killed_import_changes_nothing(orebro: Kplan, tmp_path: Path) -> None:
    check_interrupted(orebro, tmp_path, ["import", str(big_plan(tmp_path)), "--as", "tester"])


def test_a_killed_apply_changes_nothing(orebro: Kplan, tmp_path: Path) -> None:
    check_interrupted(orebro, tmp_path, ["apply", str(apply_file(tmp_path)), "--as", "tester"])
