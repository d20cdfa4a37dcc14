"""bench/run.py still runs: a quick smoke run of a few cheap rows (no timings are judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

RUN = ROOT / "bench" / "run.py"


def test_quick_run_writes_the_chosen_rows(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    done = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--quick",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--only",
            "help,status-example",
            "--no-taskwarrior",
            "--no-cache",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# kplan command-line benchmark")
    for heading in ("## Machine", "## Data", "## Results", "## Targets missed", "## Notes"):
        assert heading in text
    assert "- Taskwarrior: not available" in text
    assert "Taskwarrior was skipped (--no-taskwarrior)." in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    # Each chosen kplan row, with the floor as its reference where it has one.
    assert any(row.startswith("| `kplan --help` |") and "floor.py --help" in row for row in rows)
    assert any(
        row.startswith("| `kplan status 7 delayed") and "floor.py list" in row for row in rows
    )
    assert any(row.startswith("| `python bench/floor.py list`") for row in rows)
    # Rows that were not chosen are left out.
    assert "`kplan list`" not in text
    assert "kplan show" not in text
    assert "kplan import" not in text


def test_every_row_has_a_key() -> None:
    done = subprocess.run(
        [sys.executable, str(RUN), "--list", "--no-taskwarrior"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    keys = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    for key in ("help", "list-example", "apply", "import-10k", "list-json-10k", "tui-large"):
        assert key in keys
    # The rows of one plan of 10,000 measures against Taskwarrior (issue 16).
    for key in ("list-10k", "list-jsonl-10k", "show-10k", "status-10k", "log-10k"):
        assert key in keys


def test_own_work_is_the_median_above_the_floor() -> None:
    sys.path.insert(0, str(RUN.parent))
    try:
        from run import Op, Sample, own_work
    finally:
        sys.path.remove(str(RUN.parent))

    def timed(key: str, *walls: float) -> Op:
        op = Op(key, "kplan", key)
        op.samples = [Sample(wall, 1000) for wall in walls]
        return op

    floor = timed("floor", 0.14, 0.15, 0.16)
    target = own_work(1, "`task export`", lambda: floor)
    met, text = target.check(timed("kplan", 0.25, 0.24, 0.26), timed("task", 0.11, 0.1, 0.12))
    assert met is True and "own work 100 ms" in text
    met, text = target.check(timed("kplan", 0.3, 0.3, 0.3), timed("task", 0.1, 0.1, 0.1))
    assert met is False and "over by 50 ms" in text
    met, _ = own_work(1.5, "`task modify`", lambda: None).check(floor, floor)
    assert met is None
