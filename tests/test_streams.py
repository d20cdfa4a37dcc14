"""Standard streams that fail or are not there: a full disk, ``>&-``, ``<&-``.

A redirection is something a person supplies, so what goes wrong with it is
one line and a documented exit code, never an internal error: output that
cannot be written (``> /dev/full``, a full disk) is exit 1 with
``cannot write to standard output: ...``; a closed standard output or error
is written into nothing, as a pipe whose reader went away; a closed
standard input reads as empty.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import OREBRO, Kplan, dump_store
from tests.test_entrypoint import kplan_executable

FULL = "/dev/full"
FAILED = (
    "kplan: error: cannot write to standard output: No space left on device. A command's"
    " changes are saved whole or not at all; `kplan log` shows whether this one's were\n"
)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "k.db"
    Kplan(db)("import", str(OREBRO))
    Kplan(db)("backup", str(tmp_path / "copy.db"))
    return db


def _run(
    args: list[str], db: Path, *, closed: tuple[int, ...] = (), stdout: str | None = None
) -> subprocess.CompletedProcess[str]:
    def close() -> None:
        for descriptor in closed:
            os.close(descriptor)

    with open(stdout or os.devnull, "w") as sink:
        return subprocess.run(
            [kplan_executable(), *args],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "KPLAN_DB": str(db), "KPLAN_USER": "ehedlund"},
            preexec_fn=close if closed else None,
            cwd=db.parent,
            timeout=120,
            check=False,
        )


@pytest.mark.skipif(not os.path.exists(FULL), reason="no /dev/full here")
@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "7"],
        ["log", "--json"],
        ["export", "-f", "html"],
        ["backup", "-"],
        ["status", "7", "done"],
        ["--help"],
        ["list", "--help"],
        ["--version"],
        [],
    ],
    ids=lambda args: " ".join(args) or "plain",
)
def test_output_to_a_full_disk_is_one_line_not_an_internal_error(
    store: Path, args: list[str]
) -> None:
    done = _run(args, store, stdout=FULL)
    assert done.returncode == 1, done.stderr
    assert done.stderr == FAILED


def test_a_change_whose_report_cannot_be_written_is_saved_all_the_same(store: Path) -> None:
    done = _run(["status", "7", "done"], store, stdout=FULL)
    assert done.stderr == FAILED
    assert Kplan(store).json("show", "7")["status"] == "done"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["list"], 0),
        (["status", "7", "delayed"], 0),
        (["backup", "-"], 0),
        (["apply", "-"], 1),  # an empty input holds no changes
        (["restore", "copy.db"], 2),  # no terminal to ask: --yes is needed
        (["tui"], 2),
        ([], 0),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else str(value),
)
@pytest.mark.parametrize("closed", [(0,), (1,), (2,), (0, 1, 2)], ids=["in", "out", "err", "all"])
def test_a_closed_standard_stream_is_no_internal_error(
    store: Path, args: list[str], code: int, closed: tuple[int, ...]
) -> None:
    done = _run(args, store, closed=closed)
    assert done.returncode == code, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    if 2 not in closed and code:
        assert done.stderr.startswith("kplan: error: ") and done.stderr.count("\n") == 1


def test_with_standard_output_closed_no_file_takes_its_place(store: Path) -> None:
    """What kplan opens next must not become descriptor 1 and receive its output."""
    before = dump_store(store)
    done = _run(["list"], store, closed=(1,))
    assert done.returncode == 0, done.stderr
    assert dump_store(store) == before
    assert Kplan(store)("list").exit_code == 0


@pytest.mark.parametrize("columns", ["0", "abc", "-5", "99999999999"])
def test_an_odd_columns_at_a_terminal_still_shows_the_table(store: Path, columns: str) -> None:
    """COLUMNS=0 (some CI systems) made Rich draw tables zero wide: nothing, exit 0."""
    from tests.test_hostile_text import run_in_a_terminal

    env = {**os.environ, "KPLAN_DB": str(store), "COLUMNS": columns, "TERM": "xterm"}
    for args, expected in ((["list"], "22 of 22 measures"), (["plans"], "ID"), (["log"], "Who")):
        shown = run_in_a_terminal(args, env).decode("utf-8", "replace")
        assert expected in shown, (args, columns, shown[:200])
