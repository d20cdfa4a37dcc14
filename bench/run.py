"""How fast the kplan command line is, next to Taskwarrior and the floor of its own stack.

Run by ``make bench`` (``python bench/run.py``); not a test. Every kplan
operation runs the installed ``kplan`` command as a subprocess with its output
going to a pipe, as a script would run it. Each operation runs once as a
warm-up and then ``--runs`` times (fewer for slow ones); the median and the
spread of the wall time and the peak memory (the child's own ``ru_maxrss``)
go to bench/results.md with the machine, the references and the targets.

References, measured in the same run and interleaved with kplan's runs:

* Taskwarrior (Debian's ``taskwarrior``; installed with apt-get when it is
  missing and the script runs as root) on the same data as pending tasks.
* The floor: bench/floor.py, a bare Typer app that opens the same SQLite
  file with the standard library and prints its measures.

Fixtures are built in a temporary folder; the slow ones (the large store,
the 10,000-measure plan, the 500-measure store with snapshots) are cached
under bench/.cache, keyed by make_store.py, kplan's version and its schema.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fnmatch
import hashlib
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
EXAMPLE = ROOT / "examples" / "orebro_plan.toml"
RESULTS = BENCH / "results.md"
CACHE = BENCH / ".cache"
BIN = Path(sys.executable).parent
KPLAN = str(BIN / "kplan")
PYTHON = sys.executable

# Bump when the way the cached fixtures are built changes.
FIXTURES_VERSION = "2"
# The end of the generated event history: fixed, so a cached store and the
# `log --since` window stay the same from day to day.
HISTORY_END = "2026-01-01T00:00:00Z"
SINCE = "2025-12-02"  # the last 30 days of that history
TIMEOUT = 900.0  # one process; a hang is an error, not a slow result
MEMORY_LIMIT_MB = 200.0
PLANS_OF = 200  # measures per plan in the large store, as in make_store's preset

sys.path.insert(0, str(BENCH))

# Why a number is what it is: short explanations the team keeps up to date.
# Shown next to the automatic verdict, keyed by row.
WHY: dict[str, str] = {
    "help": "kplan's --help imports only Typer and the messages (cli.py keeps the store and "
    "the core inside the commands) and turns Rich help off; the floor is a default Typer app "
    "whose help is drawn with Rich.",
    "list-example": "Both pay Python's start-up and Typer, which imports pydantic to convert "
    "parameters (about 0.1 s of either). kplan adds its own modules (the messages, core, the "
    "store layer: about 45 ms) and reads the plan with sqlite3 in one transaction after a "
    "one-query schema check; SQLAlchemy and SQLModel are not imported (tests/test_entrypoint.py).",
    "show-example": "As `list`; only the one measure and its 10 newest events are read.",
    "status-example": "As `list`, then the change, its version and its event in one "
    "BEGIN IMMEDIATE transaction through sqlite3.",
    "list-task": "Taskwarrior is one C++ binary reading a small text file; kplan starts "
    "Python, Typer and pydantic first (about 0.2 s before any work).",
    "list-json-example": "As `list`: start-up is most of it.",
    "show-task": "As `list`: start-up is most of it.",
    "status-task": "As `list`: start-up is most of it.",
    "show-large": "Start-up is about 0.2 s of it; the measure and its newest events are "
    "read by index (a few ms).",
    "log-since-large": "Start-up as `show`; the plan's events of the last 30 days (--limit 0: "
    "all of them) are read by the plan index and printed as text.",
    "list-10k": "Own work: kplan's modules and Typer app above the floor's (about 25 ms; the "
    "plan model, the filters and the terminal tables are not imported), one query of the "
    "columns a list shows (about 50 ms: each Fyra P part and perspective joined by its unique "
    "index), the owners and the steps by row id in queries of their own (about 12 ms), and a "
    "template filled a measure with the repeated cells made once, written in chunks of 500 after "
    "one check for hidden characters at C speed; no plan objects. Taskwarrior reads and formats "
    "its tasks in C++.",
    "list-json-10k": "As `list`, the rows read the same way (about 65 ms), then each measure "
    "filled into a template that json.dumps made once, in UTF-8 bytes (about 30 ms with the "
    "write: the repeated values spelled and encoded once, ids and titles by the C encoder), "
    "byte for byte the indented JSON of before. Most of what is left is SQLite's seven index "
    "look-ups a measure, each followed by a look-up of the table row (the Fyra P states and "
    "perspective levels are not in their keys' indexes).",
    "list-jsonl-10k": "As `list --json`, with a compact template (one object a line).",
    "show-10k": "Start-up and one measure read by index: the plan's size does not matter.",
    "status-10k": "Start-up and one measure's change in one transaction: the plan's size does "
    "not matter.",
    "log-10k": "The newest 20 events by the plan's index, told in the plan's names, which are "
    "read alone (collaborations, indicators, owners by id), not with the whole plan. "
    "Taskwarrior keeps no event log; `task N info`, one task with its history, is its nearest "
    "read.",
    "apply": "About two thirds is start-up; the 1,000 lines are checked and applied in one "
    "transaction through sqlite3. Taskwarrior pays a process start per change instead.",
    "import-10k": "Start-up, then the 11 MB file read a measure at a time: each measure's part "
    "parsed by toml-rs (compiled Rust, about 0.15 s in all), checked and built at once (0.6 s), "
    "so the parsed document is never held whole; the new store's tables made with sqlite3 from "
    "SQL kept in kplan/store/sqlite_schema.py (no SQLAlchemy); the rows inserted straight from "
    "the plan as tuples handed to sqlite3 as they are made (0.7 s, most of it SQLite's own). "
    "Taskwarrior imports JSON in C++.",
    "diff-large": "Both snapshots are read with sqlite3 and compared as plans; no ORM.",
    "export-html": "About 0.2 s start-up, 0.1 s to read the plan and the states each snapshot "
    "keeps (a few kilobytes each, not the whole plan), and 0.25 s to compute the page's values "
    "and write its 3.5 MB through kplan's Jinja2 templates with autoescaping.",
    "export-json": "Start-up, the plan read with sqlite3, and the standard json module's "
    "indented output.",
    "export-csv-10k": "The whole plan read (its indicators' values too, for the latest value and "
    "gap), then a row per measure with four columns per place in a measure's indicators: the sheet "
    "keeps its width whatever the plan's size (2.7 MB here).",
    "tui-example": "A fresh process: Textual's and the store's imports are most of it; see "
    "results-tui.md for more.",
    "tui-large": "One plan of the large store; see results-tui.md for more.",
}


class BenchError(Exception):
    """A measurement could not be taken."""


# --------------------------------------------------------------------------
# Running one process
# --------------------------------------------------------------------------


@dataclass
class Sample:
    """One run: seconds of wall time and the peak RSS in KB.

    ``exact`` is False when the RSS may be the spawner's floor rather than
    the command's own (a small program measured without GNU time).
    """

    wall: float
    rss_kb: int
    exact: bool = True


@dataclass
class Outcome:
    """What a run printed, for the sanity checks."""

    sample: Sample
    stdout: bytes


def run_process(
    argv: list[str], env: dict[str, str], *, first_line: bool = False, cwd: Path | None = None
) -> Outcome:
    """Run ``argv`` with stdout to a pipe, for building fixtures (timed runs use Spawner).

    With ``first_line``, the wall time stops at the first line of output.
    """
    with tempfile.TemporaryFile() as errors:
        began = time.perf_counter()
        child = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env=env, cwd=cwd
        )
        watchdog = threading.Timer(TIMEOUT, child.kill)
        watchdog.start()
        try:
            assert child.stdout is not None
            stopped = None
            head = b""
            if first_line:
                head = child.stdout.readline()
                stopped = time.perf_counter() - began
            output = head + child.stdout.read()
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - began
        finally:
            watchdog.cancel()
            child.stdout.close()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip()[-1500:]
            raise BenchError(f"`{' '.join(argv[:6])}` exited with {child.returncode}: {tail}")
    return Outcome(Sample(stopped if stopped is not None else wall, usage.ru_maxrss), output)


# The process that starts every timed command. A child's ru_maxrss starts at
# the resident size of the process that spawned it (Linux carries the old
# memory's high-water mark over exec), so the harness, which holds whole
# outputs and fixtures, must not spawn them itself: this small interpreter
# (no site, no third-party imports) does, and reports wall time and rusage.
SPAWNER = r"""
import json, os, sys, time
for line in sys.stdin:
    job = json.loads(line)
    argv = job["argv"]
    read, write = os.pipe()
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, write, 1),
        (os.POSIX_SPAWN_OPEN, 2, job["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    began = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, job["env"], file_actions=actions)
    os.close(write)
    print(json.dumps({"pid": pid}), flush=True)
    first = None
    with open(job["out"], "wb") as out:
        while chunk := os.read(read, 65536):
            if first is None and job["first_line"] and b"\n" in chunk:
                first = time.perf_counter() - began
            out.write(chunk)
    os.close(read)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - began
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"wall": wall, "first": first, "rss": usage.ru_maxrss, "code": code}),
          flush=True)
"""


class Spawner:
    """Runs timed commands through the small SPAWNER process (see there for why)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.out = folder / "spawned.out"
        self.err = folder / "spawned.err"
        self.memory_file = folder / "spawned.mem"
        self.process = subprocess.Popen(
            [PYTHON, "-S", "-c", SPAWNER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        # Replies are read from the pipe's file descriptor into this buffer
        # only: a buffered reader on top of select() could swallow a second
        # reply that select() would then wait for in vain.
        self._pending = b""
        # GNU time forks from a process of about 1 MB, so its %M is exact even
        # for small programs; without it, values near the floor are upper bounds.
        gnu = shutil.which("time")
        self.gnu_time = None
        if gnu:
            probe = subprocess.run([gnu, "--version"], capture_output=True, text=True)
            if "GNU" in probe.stdout + probe.stderr:
                self.gnu_time = gnu
        self.floor_kb = self.run(["/bin/true"], dict(os.environ)).sample.rss_kb

    def _reply(self, pid: int | None) -> dict[str, object]:
        import select

        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        deadline = time.monotonic() + TIMEOUT
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([descriptor], [], [], max(left, 0))
            if not ready:
                if pid:
                    with contextlib.suppress(OSError):
                        os.kill(pid, 9)
                raise BenchError(f"a command did not finish within {TIMEOUT:.0f} s")
            chunk = os.read(descriptor, 65536)
            if not chunk:
                raise BenchError("the spawner process died")
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return json.loads(line)  # type: ignore[no-any-return]

    def run(
        self,
        argv: list[str],
        env: dict[str, str],
        *,
        first_line: bool = False,
        memory: bool = False,
        output: bool = False,
    ) -> Outcome:
        """Run one command; with ``memory``, under GNU time for an exact peak RSS."""
        assert self.process.stdin is not None
        wrapped = argv
        if memory and self.gnu_time:
            self.memory_file.unlink(missing_ok=True)
            wrapped = [self.gnu_time, "-f", "%M", "-o", str(self.memory_file), *argv]
        job = {
            "argv": wrapped,
            "env": env,
            "out": str(self.out),
            "err": str(self.err),
            "first_line": first_line,
        }
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        pid = self._reply(None)["pid"]
        result = self._reply(pid)  # type: ignore[arg-type]
        if result["code"] != 0:
            tail = self.err.read_text("utf-8", "replace").strip()[-1500:]
            raise BenchError(f"`{' '.join(argv[:6])}` exited with {result['code']}: {tail}")
        rss = int(result["rss"])  # type: ignore[call-overload]
        exact = rss > 1.2 * getattr(self, "floor_kb", 0)
        if memory and self.gnu_time:
            rss = int(self.memory_file.read_text().split()[-1])
            exact = True
        wall = result["first"] if result["first"] is not None else result["wall"]
        sample = Sample(float(wall), rss, exact)  # type: ignore[arg-type]
        return Outcome(sample, self.out.read_bytes() if output else b"")

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=10)


# --------------------------------------------------------------------------
# Operations and rows
# --------------------------------------------------------------------------


@dataclass
class Op:
    """One thing to time: a command (or a loop of commands) of one tool."""

    key: str
    tool: str  # "kplan", "task" or "floor"
    label: str
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    runs: int | None = None  # None: the run's --runs
    warmup: int | None = None
    prepare: Callable[[], None] | None = None  # before each run, outside the timing
    check: Callable[[bytes], str | None] | None = None  # a problem with the output, or None
    custom: Callable[[], Sample] | None = None  # instead of argv
    first_line: bool = False
    samples: list[Sample] = field(default_factory=list)
    memory: list[Sample] = field(default_factory=list)  # the warm-ups, under GNU time
    parts: list[dict[str, float]] = field(default_factory=list)  # the TUI child's own timings

    def once(self, spawner: Spawner, *, memory: bool = False, output: bool = False) -> Outcome:
        if self.prepare is not None:
            self.prepare()
        if self.custom is not None:
            return Outcome(self.custom(), b"")
        return spawner.run(
            self.argv, self.env, first_line=self.first_line, memory=memory, output=output
        )

    @property
    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def peak_mb(self) -> float:
        """The warm-up's exact peak when there is one, else the largest of the timed runs."""
        taken = self.memory or self.samples
        return max(s.rss_kb for s in taken) / 1024

    def peak_text(self, floor_kb: int) -> str:
        taken = self.memory or self.samples
        if all(s.exact for s in taken):
            return f"{self.peak_mb:.0f}"
        # Spawned without GNU time and close to the spawner's own size: an upper bound.
        return f"≤ {max(self.peak_mb, floor_kb / 1024):.0f}"

    def spread(self) -> str:
        walls = [s.wall for s in self.samples]
        return f"{fmt(min(walls))}–{fmt(max(walls))}"


@dataclass
class Target:
    """What a row must reach; ``check`` returns (met, how far off)."""

    text: str
    check: Callable[[Op, Op | None], tuple[bool | None, str]]


@dataclass
class Row:
    """One line of a results table: a kplan operation, its reference and targets."""

    key: str  # for WHY and --only
    group: str
    op: str
    ref: str | None = None
    targets: list[Target] = field(default_factory=list)
    # Other ops measured in the same group, for the targets (the floor of "own work").
    also: list[str] = field(default_factory=list)


def fmt(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def under(limit: float) -> Target:
    def check(op: Op, ref: Op | None) -> tuple[bool | None, str]:
        over = op.median - limit
        if over < 0:
            return True, "yes"
        return False, f"**no**: over by {fmt(over)} ({op.median / limit:.1f}× the target)"

    return Target(f"< {fmt(limit)}", check)


def at_most(limit: float) -> Target:
    def check(op: Op, ref: Op | None) -> tuple[bool | None, str]:
        over = op.median - limit
        if over <= 0:
            return True, "yes"
        return False, f"**no**: over by {fmt(over)} ({op.median / limit:.1f}× the target)"

    return Target(f"≤ {fmt(limit)}", check)


def within(factor: float, name: str) -> Target:
    def check(op: Op, ref: Op | None) -> tuple[bool | None, str]:
        if ref is None or not ref.samples:
            return None, "not measured"
        ratio = op.median / ref.median
        if ratio <= factor:
            return True, "yes"
        allowed = factor * ref.median
        return False, (
            f"**no**: {ratio:.2f}×, over by {fmt(op.median - allowed)} "
            f"(+{100 * (op.median / allowed - 1):.0f}%)"
        )

    return Target(f"≤ {factor:g}× {name}", check)


def faster(factor: float, name: str) -> Target:
    def check(op: Op, ref: Op | None) -> tuple[bool | None, str]:
        if ref is None or not ref.samples:
            return None, "not measured"
        speedup = ref.median / op.median
        if speedup >= factor:
            return True, "yes"
        needed = ref.median / factor
        how = (
            f"kplan takes {times(1 / speedup)} as long"
            if speedup < 1
            else f"kplan is only {times(speedup)} faster"
        )
        return False, f"**no**: {how}; needs ≤ {fmt(needed)}, over by {fmt(op.median - needed)}"

    text = f"faster than {name}" if factor == 1 else f"≥ {factor:g}× faster than {name}"
    return Target(text, check)


def own_work(factor: float, name: str, floor: Callable[[], Op | None]) -> Target:
    """kplan's own work, its median above the floor's (bench/floor.py), against the reference.

    The floor is timed in the same group as the row, interleaved with it.
    """

    def check(op: Op, ref: Op | None) -> tuple[bool | None, str]:
        base = floor()
        if ref is None or not ref.samples or base is None or not base.samples:
            return None, "not measured"
        own = op.median - base.median
        allowed = factor * ref.median
        shown = f"own work {fmt(own)} ({fmt(op.median)} − floor {fmt(base.median)})"
        if own <= allowed:
            return True, f"yes: {shown}"
        return False, f"**no**: {shown}, over by {fmt(own - allowed)}"

    scale = "" if factor == 1 else f"{factor:g}× "
    return Target(f"own work (above the floor) ≤ {scale}{name}", check)


def times(factor: float) -> str:
    return f"{factor:.1f}×" if factor < 10 else f"{factor:.0f}×"


def ratio_text(op: Op, ref: Op) -> str:
    ratio = op.median / ref.median
    shown = f"{ratio:.2f}" if ratio < 10 else f"{ratio:.0f}"
    if ratio < 1:
        return f"{shown} (kplan is {times(1 / ratio)} faster)"
    return f"{shown} (kplan takes {times(ratio)} as long)"


# --------------------------------------------------------------------------
# Sizes and fixtures
# --------------------------------------------------------------------------


@dataclass
class Sizes:
    """How big each fixture is; --quick and --large-measures shrink them."""

    large: int = 10_000  # measures in the large store and the big plan file
    export: int = 500  # measures of the export store
    snapshots: int = 10  # snapshots of the export store
    apply_lines: int = 1000
    task_calls: int = 1000  # `task N modify` calls in the loop
    runs: int = 7
    slow_runs: int = 3
    loop_runs: int = 2

    @property
    def plans(self) -> int:
        return max(1, round(self.large / PLANS_OF))

    @property
    def per_plan(self) -> int:
        return self.large // self.plans

    @property
    def events(self) -> int:
        return 20 * self.large  # 200,000 for the full store, as in the preset

    @property
    def full(self) -> bool:
        full = Sizes()
        return (self.large, self.export, self.snapshots, self.apply_lines, self.task_calls) == (
            full.large,
            full.export,
            full.snapshots,
            full.apply_lines,
            full.task_calls,
        )


def file_hash(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def kplan_version() -> str:
    from importlib.metadata import version

    return version("kplan")


def checkpoint(db: Path) -> None:
    """Fold the WAL into the file so that copying the file copies the store."""
    with contextlib.closing(sqlite3.connect(db)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def copy_store(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


class Fixtures:
    """The data every operation runs on, built on first use."""

    def __init__(self, folder: Path, sizes: Sizes, cache: Path | None, env: dict[str, str]):
        self.folder = folder
        self.sizes = sizes
        self.cache = cache
        self.env = env
        self.built: dict[str, object] = {}
        self.descriptions: dict[str, str] = {}
        self.seconds: dict[str, float] = {}

    def kplan(self, *args: str) -> bytes:
        return run_process([KPLAN, *args], self.env).stdout

    def _once(self, name: str, build: Callable[[], object]) -> object:
        if name not in self.built:
            began = time.perf_counter()
            print(f"fixture: {name}...", flush=True)
            self.built[name] = build()
            self.seconds[name] = time.perf_counter() - began
            print(f"fixture: {name} ready in {self.seconds[name]:.1f} s", flush=True)
        return self.built[name]

    def _cached(self, name: str, build: Callable[[Path], None]) -> Path:
        """A folder built by ``build(folder)``, reused while its inputs stay the same."""
        s = self.sizes
        # Stores of other sizes stay cached side by side (a --quick run does not
        # evict the full ones); the hash covers what the stores are made from.
        sized = f"{name}-{s.large}-{s.export}-{s.snapshots}"
        key = hashlib.sha256(
            "\n".join(
                [
                    FIXTURES_VERSION,
                    file_hash(BENCH / "make_store.py"),
                    kplan_version(),
                    file_hash(ROOT / "kplan" / "store" / "models.py"),
                ]
            ).encode()
        ).hexdigest()[:16]
        if self.cache is None:
            target = self.folder / f"{sized}-{key}"
            target.mkdir()
            build(target)
            return target
        target = self.cache / f"{sized}-{key}"
        if target.exists():
            print(f"fixture: {name} from the cache ({target})", flush=True)
            return target
        self.cache.mkdir(parents=True, exist_ok=True)
        for old in self.cache.glob(f"{sized}-*"):
            shutil.rmtree(old, ignore_errors=True)  # built from other inputs
        building = Path(tempfile.mkdtemp(prefix=f"{sized}-", dir=self.cache, suffix=".tmp"))
        try:
            build(building)
            building.rename(target)
        finally:
            shutil.rmtree(building, ignore_errors=True)
        return target

    def _make_store(self, db: Path, *args: str) -> None:
        run_process(
            [PYTHON, str(BENCH / "make_store.py"), str(db), "--now", HISTORY_END, *args], self.env
        )
        checkpoint(db)

    # The stores ------------------------------------------------------------

    @property
    def example(self) -> Path:
        def build() -> Path:
            db = self.folder / "example.db"
            self.kplan("import", str(EXAMPLE), "--db", str(db), "--as", "bench")
            checkpoint(db)
            return db

        self.descriptions["example"] = (
            "**example**: examples/orebro_plan.toml imported (1 plan, 22 measures)"
        )
        return self._once("example", build)  # type: ignore[return-value]

    @property
    def large(self) -> Path:
        """The large store, with snapshots `before` and `after` of its first plan."""
        s = self.sizes

        def build(folder: Path) -> None:
            db = folder / "large.db"
            shape = ["--plans", str(s.plans), "--measures", str(s.per_plan)]
            self._make_store(db, "--preset", "large", *shape, "--events", str(s.events))
            common = ("--db", str(db), "--plan", "bench-1", "--as", "bench")
            self.kplan("snapshot", "take", "before", *common)
            changes = folder / "changes.jsonl"
            rng = random.Random(2)
            lines = []
            for number in range(1, s.per_plan + 1):
                line: dict[str, object] = {"measure": str(number), "progress": rng.randrange(101)}
                if number % 5 == 0:
                    line["status"] = rng.choice(("ongoing", "delayed", "done"))
                lines.append(json.dumps(line))
            changes.write_text("\n".join(lines) + "\n", encoding="utf-8")
            self.kplan("apply", str(changes), *common)
            self.kplan("snapshot", "take", "after", *common)
            checkpoint(db)

        def get() -> Path:
            return self._cached("large", build) / "large.db"

        self.descriptions["large"] = (
            f"**large**: bench/make_store.py --preset large with {s.plans} plans × {s.per_plan} "
            f"measures (2 collaborations, 2 indicators each), {s.events:,} events; snapshots "
            "`before` and `after` of plan bench-1 with one apply of a change to each of its "
            "measures between them. Commands on it name `--plan bench-1`"
        )
        return self._once("large", get)  # type: ignore[return-value]

    def _big(self) -> Path:
        s = self.sizes

        def build(folder: Path) -> None:
            self._make_store(
                folder / "big.db",
                "--plans",
                "1",
                "--measures",
                str(s.large),
                "--events",
                str(2 * s.large),
                "--plan-file",
                str(folder / "big.toml"),
            )

        self.descriptions["big"] = (
            f"**big plan**: one plan of {s.large:,} measures (2 collaborations, 2 indicators "
            f"each) and {2 * s.large:,} events from bench/make_store.py --plans 1 --measures "
            f"{s.large} --events {2 * s.large} --plan-file: the plan file that is imported, "
            "and the store it makes (for `list` of every measure, `show`, `status` and `log`)"
        )
        return self._once("big", lambda: self._cached("big", build))  # type: ignore[return-value]

    @property
    def big_plan_file(self) -> Path:
        return self._big() / "big.toml"

    @property
    def big_store(self) -> Path:
        return self._big() / "big.db"

    @property
    def exports(self) -> Path:
        """A store of one plan with snapshots taken between batches of changes."""
        s = self.sizes

        def build(folder: Path) -> None:
            db = folder / "exports.db"
            self._make_store(
                db, "--plans", "1", "--measures", str(s.export), "--events", str(20 * s.export)
            )
            rng = random.Random(3)
            common = ("--db", str(db), "--as", "bench")
            for index in range(1, s.snapshots + 1):
                changes = folder / f"round-{index}.jsonl"
                picked = rng.sample(range(1, s.export + 1), min(50, s.export))
                changes.write_text(
                    "".join(
                        json.dumps({"measure": str(n), "progress": rng.randrange(101)}) + "\n"
                        for n in picked
                    ),
                    encoding="utf-8",
                )
                self.kplan("apply", str(changes), *common)
                self.kplan("snapshot", "take", f"round-{index}", *common)
            checkpoint(db)

        def get() -> Path:
            return self._cached("exports", build) / "exports.db"

        self.descriptions["exports"] = (
            f"**exports**: one plan of {s.export} measures, {20 * s.export:,} events, and "
            f"{s.snapshots} snapshots, each after an apply of 50 progress changes"
        )
        return self._once("exports", get)  # type: ignore[return-value]

    @property
    def apply_file(self) -> Path:
        """JSON Lines of progress changes to the example's 22 measures, each a real change."""
        count = self.sizes.apply_lines

        def build() -> Path:
            path = self.folder / "apply.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for line in range(count):
                    number = line % 22 + 1
                    # Consecutive values for one measure differ, so every line changes it.
                    progress = (line // 22 * 7 + number) % 101
                    out.write(json.dumps({"measure": str(number), "progress": progress}) + "\n")
            return path

        return self._once("apply file", build)  # type: ignore[return-value]


# --------------------------------------------------------------------------
# Taskwarrior
# --------------------------------------------------------------------------


def ensure_taskwarrior(notes: list[str]) -> str | None:
    """The `task` command, installing Debian's taskwarrior when it is missing and we can."""
    found = shutil.which("task")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        why = "apt-get is not available" if apt is None else "the script is not running as root"
        notes.append(
            f"Taskwarrior is not installed and could not be installed ({why}); its rows are "
            "skipped. Install Debian's `taskwarrior` (`apt-get install taskwarrior`) and run again."
        )
        print(f"Taskwarrior is missing and cannot be installed here ({why}).", flush=True)
        return None
    print("Taskwarrior is missing: installing Debian's taskwarrior with apt-get...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [apt, "install", "-y", "--no-install-recommends", "taskwarrior"]
    done = subprocess.run(install, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        subprocess.run([apt, "update"], env=env, capture_output=True, text=True)
        done = subprocess.run(install, env=env, capture_output=True, text=True)
    found = shutil.which("task")
    if done.returncode != 0 or not found:
        notes.append(
            "Taskwarrior is not installed and `apt-get install taskwarrior` failed "
            f"({done.stderr.strip()[-300:]}); its rows are skipped."
        )
        print("Installing taskwarrior failed; skipping Taskwarrior.", flush=True)
        return None
    notes.append("Taskwarrior was not installed; run.py installed Debian's `taskwarrior`.")
    print(f"Installed Taskwarrior: {found}", flush=True)
    return found


TASKRC = """\
data.location={data}
confirmation=off
verbose=nothing
hooks=off
gc=off
color=off
detection=off
nag=
recurrence=off
uda.owner.type=string
uda.owner.label=Owner
uda.measure.type=string
uda.measure.label=Measure
"""


def measures_of(db: Path) -> list[tuple[str, str, str, str]]:
    """(plan, measure, title, owner) of every measure in a store, in order."""
    query = """
        SELECT plan.key, measure.key, measure.title, owner.key
        FROM measure
        JOIN owner ON owner.id = measure.owner_id
        JOIN plan ON plan.id = measure.plan_id
        ORDER BY measure.plan_id, measure.position, measure.id
    """
    with contextlib.closing(sqlite3.connect(db)) as connection:
        return list(connection.execute(query))


class Taskwarrior:
    """Taskwarrior data folders in the temporary folder, and the environment to use them."""

    def __init__(self, task: str, folder: Path, base_env: dict[str, str]):
        self.task = task
        self.folder = folder
        self.base_env = base_env
        self.version = subprocess.run(
            [task, "--version"], capture_output=True, text=True, env=base_env
        ).stdout.strip()
        self.built: dict[str, Path] = {}

    def env_for(self, data: Path) -> dict[str, str]:
        rc = data.parent / f"{data.name}.taskrc"
        if not rc.exists():
            rc.write_text(TASKRC.format(data=data), encoding="utf-8")
        env = dict(self.base_env, TASKRC=str(rc), TASKDATA=str(data))
        return env

    def data(self, name: str, measures: list[tuple[str, str, str, str]]) -> Path:
        """A data folder with one pending task per measure (owner, measure as UDAs)."""
        if name in self.built:
            return self.built[name]
        began = time.perf_counter()
        data = self.folder / name
        data.mkdir()
        tasks = [
            {
                "description": title,
                "status": "pending",
                "project": plan,
                "owner": owner,
                "measure": key,
                "entry": "20250101T000000Z",
            }
            for plan, key, title, owner in measures
        ]
        source = self.folder / f"{name}.json"
        source.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        run_process([self.task, "import", str(source)], self.env_for(data))
        print(
            f"fixture: Taskwarrior {name} ({len(tasks)} tasks) in "
            f"{time.perf_counter() - began:.1f} s",
            flush=True,
        )
        self.built[name] = data
        return data


# --------------------------------------------------------------------------
# The plan of the run
# --------------------------------------------------------------------------


def lines_check(expected: int) -> Callable[[bytes], str | None]:
    def check(output: bytes) -> str | None:
        count = len(output.decode("utf-8").strip().splitlines())
        return None if count == expected else f"{count} lines instead of {expected}"

    return check


def jsonl_check(expected: int) -> Callable[[bytes], str | None]:
    def check(output: bytes) -> str | None:
        count = sum(1 for line in output.decode("utf-8").splitlines() if json.loads(line))
        return None if count == expected else f"{count} lines instead of {expected}"

    return check


def json_check(expected: int) -> Callable[[bytes], str | None]:
    def check(output: bytes) -> str | None:
        count = len(json.loads(output))
        return None if count == expected else f"{count} items instead of {expected}"

    return check


class Plan:
    """Every operation and row of a run, built lazily from the fixtures."""

    def __init__(self, fx: Fixtures, tw: Taskwarrior | None, sizes: Sizes, spawner: Spawner):
        self.fx = fx
        self.spawner = spawner
        self.tw = tw
        self.s = sizes
        self.ops: dict[str, Callable[[], Op]] = {}
        self.rows: list[Row] = []
        self.done: dict[str, Op] = {}  # the ops measured so far, by key
        self._define()

    def op(self, key: str, tool: str, label: str, make: Callable[[Op], None], **kw: object) -> str:
        def build() -> Op:
            op = Op(key, tool, label, **kw)  # type: ignore[arg-type]
            make(op)
            return op

        self.ops[key] = build
        return key

    def kplan_op(self, key: str, label: str, args: Callable[[], list[str]], **kw: object) -> str:
        def make(op: Op) -> None:
            op.argv = [KPLAN, *args()]
            op.env = self.fx.env

        return self.op(key, "kplan", label, make, **kw)

    def write_op(
        self,
        key: str,
        label: str,
        store: Callable[[], Path],
        args: Callable[[], list[str]],
        **kw: object,
    ) -> str:
        """A kplan write on a fresh copy of ``store`` each run (copied outside the timing)."""
        work = self.fx.folder / f"work-{key}.db"

        def make(op: Op) -> None:
            source = store()
            op.argv = [KPLAN, *args(), "--db", str(work)]
            op.env = self.fx.env
            op.prepare = lambda: copy_store(source, work)

        return self.op(key, "kplan", label, make, **kw)

    def task_op(
        self,
        key: str,
        label: str,
        data: Callable[[], Path],
        args: list[str],
        *,
        write: bool = False,
        **kw: object,
    ) -> str:
        def make(op: Op) -> None:
            assert self.tw is not None
            source = data()
            if write:
                work = self.fx.folder / f"work-{key}"
                op.env = self.tw.env_for(work)

                def fresh() -> None:
                    shutil.rmtree(work, ignore_errors=True)
                    shutil.copytree(source, work)

                op.prepare = fresh
            else:
                op.env = self.tw.env_for(source)
            op.argv = [self.tw.task, *args]

        return self.op(key, "task", label, make, **kw)

    def row(
        self,
        group: str,
        key: str,
        op: str,
        ref: str | None,
        *targets: Target,
        also: tuple[str, ...] = (),
    ) -> None:
        self.rows.append(Row(key, group, op, ref, list(targets), list(also)))

    def _define(self) -> None:
        fx, s = self.fx, self.s
        ex = lambda: str(fx.example)  # noqa: E731
        large = lambda: ["--db", str(fx.large), "--plan", "bench-1"]  # noqa: E731
        big = lambda: str(fx.big_store)  # noqa: E731
        exports = lambda: str(fx.exports)  # noqa: E731
        floor = str(BENCH / "floor.py")
        mem = f"peak < {MEMORY_LIMIT_MB:.0f} MB"

        # The floor of the stack.
        def floor_op(key: str, label: str, args: Callable[[], list[str]], **kw: object) -> None:
            def make(op: Op) -> None:
                op.argv = [PYTHON, floor, *args()]
                op.env = fx.env

            self.op(key, "floor", label, make, **kw)

        floor_op("floor-help", "`python bench/floor.py --help`", lambda: ["--help"])
        floor_op(
            "floor-list",
            "`python bench/floor.py list` (example, 22 rows)",
            lambda: ["list", "--db", ex()],
            check=lines_check(23),
        )
        floor_op(
            "floor-list-10k",
            "`python bench/floor.py list` (example, 22 rows), timed with the 10,000-measure rows",
            lambda: ["list", "--db", ex()],
            check=lines_check(23),
        )

        # kplan on the example.
        self.kplan_op("help", "`kplan --help`", lambda: ["--help"])
        self.kplan_op(
            "list-example", "`kplan list`", lambda: ["list", "--db", ex()], check=lines_check(23)
        )
        self.kplan_op(
            "list-json-example",
            "`kplan list --json`",
            lambda: ["list", "--json", "--db", ex()],
            check=json_check(22),
        )
        self.kplan_op("show-example", "`kplan show 7`", lambda: ["show", "7", "--db", ex()])
        self.write_op(
            "status-example",
            "`kplan status 7 delayed --progress 35` (fresh copy each run)",
            lambda: fx.example,
            lambda: ["status", "7", "delayed", "--progress", "35", "--as", "bench"],
        )
        self.kplan_op(
            "log-since-example",
            "`kplan log --since 2000-01-01 --limit 0`",
            lambda: ["log", "--since", "2000-01-01", "--limit", "0", "--db", ex()],
        )

        # kplan on the large store (one of its plans).
        self.kplan_op("list-large", "`kplan list --plan bench-1`", lambda: ["list", *large()])
        self.kplan_op(
            "list-json-large",
            "`kplan list --json --plan bench-1`",
            lambda: ["list", "--json", *large()],
            check=json_check(s.per_plan),
        )
        self.kplan_op(
            "show-large", "`kplan show 7 --plan bench-1`", lambda: ["show", "7", *large()]
        )
        self.write_op(
            "status-large",
            "`kplan status 7 delayed --progress 35 --plan bench-1` (fresh copy)",
            lambda: fx.large,
            lambda: [*("status", "7", "delayed", "--progress", "35"), "--plan", "bench-1"],
        )
        self.kplan_op(
            "log-since-large",
            f"`kplan log --since {SINCE} --limit 0 --plan bench-1` (last 30 days)",
            lambda: ["log", "--since", SINCE, "--limit", "0", *large()],
        )
        self.kplan_op(
            "diff-large",
            "`kplan diff before after --plan bench-1`",
            lambda: ["diff", "before", "after", *large()],
        )
        self.kplan_op(
            "list-big",
            f"`kplan list`, one plan of {s.large:,} measures",
            lambda: ["list", "--db", big()],
            check=lines_check(s.large + 1),
        )
        self.kplan_op(
            "list-json-big",
            f"`kplan list --json`, one plan of {s.large:,} measures",
            lambda: ["list", "--json", "--db", big()],
            check=json_check(s.large),
        )
        self.kplan_op(
            "export-csv-big",
            f"`kplan export --format csv`, one plan of {s.large:,} measures",
            lambda: ["export", "--format", "csv", "--db", big()],
            check=lines_check(s.large + 1),
        )
        self.kplan_op(
            "list-jsonl-big",
            f"`kplan list --jsonl`, one plan of {s.large:,} measures",
            lambda: ["list", "--jsonl", "--db", big()],
            check=jsonl_check(s.large),
        )
        self.kplan_op(
            "show-big",
            f"`kplan show 7`, one plan of {s.large:,} measures",
            lambda: ["show", "7", "--db", big()],
        )
        self.kplan_op(
            "log-big",
            f"`kplan log` (the newest 20 events), one plan of {s.large:,} measures",
            lambda: ["log", "--db", big()],
            check=lines_check(21),
        )
        self.write_op(
            "status-big",
            f"`kplan status 7 delayed --progress 35`, {s.large:,} measures (fresh copy)",
            lambda: fx.big_store,
            lambda: ["status", "7", "delayed", "--progress", "35", "--as", "bench"],
        )

        # Bulk writes.
        self.write_op(
            "apply",
            f"`kplan apply` of {s.apply_lines:,} changes (example, fresh copy)",
            lambda: fx.example,
            lambda: ["apply", str(fx.apply_file), "--as", "bench"],
        )
        import_work = fx.folder / "work-import.db"

        def make_import(op: Op) -> None:
            op.argv = [
                KPLAN,
                "import",
                str(fx.big_plan_file),
                "--db",
                str(import_work),
                "--as",
                "bench",
            ]
            op.env = fx.env

            def fresh() -> None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{import_work}{suffix}").unlink(missing_ok=True)

            op.prepare = fresh

        self.op(
            "import-big",
            "kplan",
            f"`kplan import` of a {s.large:,}-measure plan file into a new store",
            make_import,
            runs=s.slow_runs,
            # A warm-up would cost another full import and buy nothing: the earlier
            # kplan runs have already warmed Python's bytecode and the file cache.
            warmup=0,
        )

        # Exports.
        self.kplan_op(
            "export-html",
            f"`kplan export --format html`, {s.export} measures, {s.snapshots} snapshots",
            lambda: ["export", "--format", "html", "--db", exports()],
        )
        self.kplan_op(
            "export-json",
            f"`kplan export --format json`, {s.export} measures, {s.snapshots} snapshots",
            lambda: ["export", "--format", "json", "--db", exports()],
        )

        # The TUI, headless, in a fresh process (bench/tui_bench.py's child script).
        def tui(key: str, label: str, store: Callable[[], Path], plan: str | None, rows: int):
            def make(op: Op) -> None:
                from tui_bench import CHILD, SIZE

                op.argv = [PYTHON, "-c", CHILD, str(store()), str(rows), *map(str, SIZE)]
                # The child opens the app with no plan named; KPLAN_PLAN picks one of many.
                op.env = dict(fx.env, KPLAN_PLAN=plan) if plan else fx.env
                op.first_line = True

            self.op(key, "kplan", label, make)

        tui(
            "tui-example",
            "TUI first paint, example (fresh process, headless)",
            lambda: fx.example,
            None,
            22,
        )
        tui(
            "tui-large",
            f"TUI first paint, large: plan bench-1, {s.per_plan} measures "
            "(fresh process, headless)",
            lambda: fx.large,
            "bench-1",
            s.per_plan,
        )

        # Taskwarrior.
        if self.tw is not None:
            tw = self.tw
            small = lambda: tw.data("tasks-22", measures_of(fx.example))  # noqa: E731
            many = lambda: tw.data(f"tasks-{s.large}", measures_of(fx.big_store))  # noqa: E731
            self.task_op("task-list-22", "`task list` (22)", small, ["list"], check=None)
            self.task_op("task-export-22", "`task export` (22)", small, ["export"])
            self.task_op(
                "task-modify-22",
                "`task 7 modify owner:bench` (22, fresh copy)",
                small,
                ["7", "modify", "owner:bench"],
                write=True,
            )
            self.task_op("task-info-22", "`task 7 info` (22)", small, ["7", "info"])
            self.task_op("task-list-big", f"`task list` ({s.large:,})", many, ["list"])
            self.task_op("task-info-big", f"`task 7 info` ({s.large:,})", many, ["7", "info"])

            def make_task_import(op: Op) -> None:
                assert self.tw is not None
                many()  # writes the import file, tasks-N.json, beside the data
                source = self.tw.folder / f"tasks-{s.large}.json"
                work = fx.folder / "work-task-import"
                op.env = self.tw.env_for(work)
                op.argv = [self.tw.task, "import", str(source)]

                def fresh() -> None:
                    shutil.rmtree(work, ignore_errors=True)
                    work.mkdir()

                op.prepare = fresh

            self.op(
                "task-import-big",
                "task",
                f"`task import` of {s.large:,} tasks (JSON) into new data",
                make_task_import,
                runs=s.slow_runs,
                warmup=0,
            )
            self.task_op(
                "task-export-big",
                f"`task export` ({s.large:,})",
                many,
                ["export"],
                check=json_check(s.large),
            )
            self.task_op(
                "task-modify-big",
                f"`task 7 modify owner:bench` ({s.large:,}, fresh copy)",
                many,
                ["7", "modify", "owner:bench"],
                write=True,
            )

            def make_loop(op: Op) -> None:
                source = small()
                work = fx.folder / "work-task-loop"
                env = tw.env_for(work)
                owners = sorted({owner for _, _, _, owner in measures_of(fx.example)})
                calls = [
                    [tw.task, str(n % 22 + 1), "modify", f"owner:{owners[n % len(owners)]}"]
                    for n in range(s.task_calls)
                ]

                def fresh() -> None:
                    shutil.rmtree(work, ignore_errors=True)
                    shutil.copytree(source, work)

                def loop() -> Sample:
                    # The total of the calls' own wall times, as a shell loop would spend.
                    taken = [self.spawner.run(argv, env).sample for argv in calls]
                    return Sample(
                        sum(x.wall for x in taken),
                        max(x.rss_kb for x in taken),
                        all(x.exact for x in taken),
                    )

                op.prepare = fresh
                op.custom = loop

            self.op(
                "task-loop",
                "task",
                f"{s.task_calls:,} × `task N modify owner:X` in a loop (22, fresh copy)",
                make_loop,
                runs=s.loop_runs,
                warmup=0,
            )

        with_tw = self.tw is not None

        def ref(key: str) -> str | None:
            return key if with_tw else None

        g = "Start-up and the floor of kplan's stack (example store, 22 measures)"
        self.row(g, "help", "help", "floor-help", within(1.2, "floor"), Target(mem, _memory))
        for key in ("list-example", "show-example", "status-example"):
            self.row(g, key, key, "floor-list", within(1.5, "floor"), Target(mem, _memory))

        g = "Example store (22 measures) against Taskwarrior (22 pending tasks)"
        self.row(g, "list-task", "list-example", ref("task-list-22"), Target(mem, _memory))
        self.row(
            g, "list-json-example", "list-json-example", ref("task-export-22"), Target(mem, _memory)
        )
        self.row(g, "show-task", "show-example", ref("task-info-22"), Target(mem, _memory))
        self.row(g, "status-task", "status-example", ref("task-modify-22"), Target(mem, _memory))
        self.row(g, "log-since-example", "log-since-example", None, Target(mem, _memory))

        g = f"Large store ({s.plans} plans × {s.per_plan} measures, {s.events:,} events)"
        self.row(g, "list-large", "list-large", None, Target(mem, _memory))
        self.row(g, "list-json-large", "list-json-large", None, Target(mem, _memory))
        self.row(g, "show-large", "show-large", None, under(0.3), Target(mem, _memory))
        self.row(g, "status-large", "status-large", None, Target(mem, _memory))
        self.row(g, "log-since-large", "log-since-large", None, under(0.3), Target(mem, _memory))
        self.row(g, "diff-large", "diff-large", None, at_most(0.3), Target(mem, _memory))
        g = f"One plan of {s.large:,} measures against Taskwarrior ({s.large:,} pending tasks)"
        # The targets compare kplan's own work, its time above the floor
        # of its stack (timed in this group), with Taskwarrior's whole run.
        floor_10k = lambda: self.done.get("floor-list-10k")  # noqa: E731
        near = ("floor-list-10k",)
        self.row(
            g,
            "list-10k",
            "list-big",
            ref("task-list-big"),
            own_work(1, "`task list`", floor_10k),
            Target(mem, _memory),
            also=near,
        )
        for key, op in (("list-json-10k", "list-json-big"), ("list-jsonl-10k", "list-jsonl-big")):
            self.row(
                g,
                key,
                op,
                ref("task-export-big"),
                own_work(1, "`task export`", floor_10k),
                Target(mem, _memory),
                also=near,
            )
        self.row(g, "show-10k", "show-big", ref("task-info-big"), Target(mem, _memory))
        self.row(
            g,
            "status-10k",
            "status-big",
            ref("task-modify-big"),
            own_work(1.5, "`task modify`", floor_10k),
            Target(mem, _memory),
            also=near,
        )
        self.row(g, "log-10k", "log-big", ref("task-info-big"), Target(mem, _memory))
        self.row(
            g, "export-csv-10k", "export-csv-big", ref("task-export-big"), Target(mem, _memory)
        )

        g = "Bulk writes"
        self.row(
            g,
            "apply",
            "apply",
            ref("task-loop"),
            under(1.0),
            faster(4, "the `task modify` loop"),
            Target(mem, _memory),
        )
        self.row(
            g,
            "import-10k",
            "import-big",
            ref("task-import-big"),
            within(5, "`task import` of the same number of tasks"),
            Target(f"peak < {IMPORT_MEMORY_MB:.0f} MB", _import_memory),
        )

        g = f"Exports ({s.export} measures, {s.snapshots} snapshots)"
        self.row(g, "export-html", "export-html", None, at_most(0.5), Target(mem, _memory))
        self.row(g, "export-json", "export-json", None, at_most(0.5), Target(mem, _memory))

        g = "TUI time to first paint"
        self.row(g, "tui-example", "tui-example", None, under(1.0), Target(mem, _memory))
        self.row(g, "tui-large", "tui-large", None, under(2.0), Target(mem, _memory))


# The import's own memory target (issue 16), below the general one.
IMPORT_MEMORY_MB = 150


def _import_memory(op: Op, ref: Op | None) -> tuple[bool | None, str]:
    if op.peak_mb < IMPORT_MEMORY_MB:
        return True, "yes"
    return (
        False,
        f"**no**: peak {op.peak_mb:.0f} MB, over by {op.peak_mb - IMPORT_MEMORY_MB:.0f} MB",
    )


def _memory(op: Op, ref: Op | None) -> tuple[bool | None, str]:
    if op.peak_mb < MEMORY_LIMIT_MB:
        return True, "yes"
    return False, f"**no**: peak {op.peak_mb:.0f} MB, over by {op.peak_mb - MEMORY_LIMIT_MB:.0f} MB"


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------


def measure(ops: list[Op], runs: int, warmup: int, spawner: Spawner) -> None:
    """Warm every op up, then take their runs in turn, so they share the machine's mood.

    The warm-up runs under GNU time (when there is one) for the exact peak memory;
    the timed runs are plain.
    """
    for op in ops:
        for _ in range(op.warmup if op.warmup is not None else warmup):
            outcome = op.once(spawner, memory=True, output=op.check is not None)
            if op.check is not None and (problem := op.check(outcome.stdout)):
                raise BenchError(f"{op.key}: unexpected output: {problem}")
            if spawner.gnu_time and op.custom is None:
                op.memory.append(outcome.sample)
        print(f"  {op.key}: warmed up", flush=True)
    wanted = {op.key: (op.runs if op.runs is not None else runs) for op in ops}
    for turn in range(max(wanted.values(), default=0)):
        for op in ops:
            if turn < wanted[op.key]:
                checking = op.check is not None and not op.samples
                outcome = op.once(spawner, output=checking or op.first_line)
                problem = op.check(outcome.stdout) if checking and op.check else None
                if problem:
                    raise BenchError(f"{op.key}: unexpected output: {problem}")
                op.samples.append(outcome.sample)
                if op.first_line:
                    # The TUI child's first line times its own parts (see tui_bench.CHILD).
                    op.parts.append(json.loads(outcome.stdout.splitlines()[0]))
    for op in ops:
        walls = ", ".join(fmt(x.wall) for x in op.samples)
        peak = op.peak_text(spawner.floor_kb)
        print(f"  {op.key}: median {fmt(op.median)} [{walls}], peak {peak} MB", flush=True)


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "kplan")
    return f"{commit} (kplan/ has uncommitted changes)" if dirty else commit


def machine(tw: Taskwarrior | None, load: tuple[str, str]) -> list[str]:
    from importlib.metadata import version

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    system = platform.platform()
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                name = line.split("=", 1)[1].strip().strip('"')
                system = f"{name} ({platform.platform()})"
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; RAM: {ram}",
        f"- OS: {system}",
        f"- Python: {platform.python_version()}; typer {version('typer')}, "
        f"SQLAlchemy {version('sqlalchemy')}, sqlmodel {version('sqlmodel')}, "
        f"textual {version('textual')}; SQLite {sqlite3.sqlite_version}",
        f"- kplan: {kplan_version()}, commit {git_commit()}",
        f"- Taskwarrior: {tw.version if tw else 'not available'}",
        f"- Load average (1, 5, 15 min): {load[0]} before the run, {load[1]} after",
    ]


def loadavg() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def op_label(plan: Plan, op: Op) -> str:
    return op.label or op.key


def parts_text(op: Op) -> str:
    if not op.parts:
        return ""
    names = {"imports": "imports", "check": "store check", "app": "app → all rows"}
    medians = [
        f"{label} {fmt(statistics.median(p[key] for p in op.parts))}"
        for key, label in names.items()
    ]
    return f"Medians inside the process: {', '.join(medians)}."


def table(plan: Plan, done: dict[str, Op], group: str) -> list[str]:
    lines = [
        f"### {group}",
        "",
        "| operation | kplan median (min–max) | peak MB | reference | reference median "
        "(min–max) | ref. peak MB | ratio kplan/ref. | target | met? | why |",
        "|---|---:|---:|---|---:|---:|---|---|---|---|",
    ]
    for row in plan.rows:
        if row.group != group or row.op not in done:
            continue
        op = done[row.op]
        ref = done.get(row.ref) if row.ref else None
        verdicts = []
        for target in row.targets:
            met, text = target.check(op, ref)
            if len(row.targets) > 1 and met is not True:
                text = f"{target.text}: {text}"
            verdicts.append((met, text))
        if all(met is True for met, _ in verdicts):
            verdict = "yes"
        else:
            verdict = "; ".join(text for met, text in verdicts if met is not True)
        cells = [
            op_label(plan, op),
            f"{fmt(op.median)} ({op.spread()})",
            op.peak_text(plan.spawner.floor_kb),
            op_label(plan, ref) if ref else ("not measured" if row.ref else "–"),
            f"{fmt(ref.median)} ({ref.spread()})" if ref else "–",
            ref.peak_text(plan.spawner.floor_kb) if ref else "–",
            ratio_text(op, ref) if ref else "–",
            "; ".join(t.text for t in row.targets) or "–",
            verdict,
            " ".join(filter(None, [WHY.get(row.key, ""), parts_text(op)])),
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return [*lines, ""]


def missed(plan: Plan, done: dict[str, Op]) -> list[str]:
    found = []
    for row in plan.rows:
        if row.op not in done:
            continue
        op = done[row.op]
        ref = done.get(row.ref) if row.ref else None
        for target in row.targets:
            met, text = target.check(op, ref)
            if met is False:
                why = WHY.get(row.key)
                found.append(
                    f"- {op_label(plan, op)}: {target.text}: {text.replace('**no**: ', '')}"
                    + (f". Why: {why}" if why else "")
                )
    return found or ["None."]


def report(
    plan: Plan,
    done: dict[str, Op],
    tw: Taskwarrior | None,
    notes: list[str],
    started: str,
    seconds: float,
    load: tuple[str, str],
    runs: int,
    warmup: int,
) -> str:
    s = plan.s
    lines = [
        "# kplan command-line benchmark",
        "",
        f"Written by `make bench` (bench/run.py) on {started}; took {seconds:.0f} s. "
        f"Each operation: {warmup} warm-up run, then {runs} timed run{'s' if runs != 1 else ''} "
        f"({s.slow_runs} for the import, {s.loop_runs} for the `task modify` loop, without "
        "warm-up); every command runs as a subprocess with its output to a pipe. Wall time is "
        "the median with the fastest and slowest run; peak MB is the peak resident memory of "
        "the command's process (see the notes). How to read this: bench/README.md.",
        "",
        "## Machine",
        "",
        *machine(tw, load),
        "",
        "## Data",
        "",
        *[f"- {text}" for text in plan.fx.descriptions.values()],
        "- Taskwarrior: the same measures as pending tasks (description = title, project = "
        "plan, UDAs `owner` and `measure`), loaded with `task import`; rc: confirmation, "
        "hooks, gc, colour and recurrence off, `verbose=nothing`.",
        "- The floor: bench/floor.py, a bare Typer app whose `list` opens the example store "
        "with `sqlite3` and prints its 22 measures.",
        "",
        "## Results",
        "",
    ]
    for group in dict.fromkeys(row.group for row in plan.rows):
        if any(row.group == group and row.op in done for row in plan.rows):
            lines += table(plan, done, group)
    refs = [op for op in done.values() if op.tool != "kplan"]
    if refs:
        lines += [
            "### The references on their own",
            "",
            "| reference | median (min–max) | peak MB |",
            "|---|---:|---:|",
            *[
                f"| {op_label(plan, op)} | {fmt(op.median)} ({op.spread()}) "
                f"| {op.peak_text(plan.spawner.floor_kb)} |"
                for op in refs
            ],
            "",
        ]
    lines += ["## Targets missed", "", *missed(plan, done), ""]
    lines += ["## Notes", "", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def isolated_env(home: Path) -> dict[str, str]:
    """Keep kplan and Taskwarrior away from the user's data; fix the language."""
    env = dict(os.environ)
    # Python caches compiled modules as an installed program's users have it;
    # a PYTHONDONTWRITEBYTECODE inherited from a CI or sandbox environment
    # would make every run compile kplan (and the floor) from source.
    for variable in (
        "KPLAN_DB",
        "KPLAN_PLAN",
        "KPLAN_NOW",
        "KPLAN_DEBUG",
        "TASKRC",
        "TASKDATA",
        "PYTHONDONTWRITEBYTECODE",
    ):
        env.pop(variable, None)
    env.update(KPLAN_HOME=str(home), KPLAN_USER="bench", KPLAN_LANG="en", HOME=str(home))
    home.mkdir(parents=True, exist_ok=True)
    return env


def selected(plan: Plan, only: list[str] | None) -> list[str]:
    """The ops to measure, in row order, with the references of the chosen rows."""
    keys: list[str] = []
    for row in plan.rows:
        if only and not any(
            fnmatch.fnmatch(row.key, p) or fnmatch.fnmatch(row.op, p) for p in only
        ):
            continue
        for key in (row.ref, row.op, *row.also):
            if key and key in plan.ops and key not in keys:
                keys.append(key)
    return keys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="timed runs per operation (7; 2 with --quick)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs per operation (1)")
    parser.add_argument(
        "--large-measures",
        type=int,
        help="measures in the large store and the big plan file (10000; 500 with --quick)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and 2 runs: a smoke run")
    parser.add_argument(
        "--only",
        action="append",
        help="rows to run, by key or glob (comma-separated or repeated), e.g. help,list-*",
    )
    parser.add_argument("--no-taskwarrior", action="store_true", help="skip Taskwarrior")
    parser.add_argument("--no-cache", action="store_true", help="build every fixture afresh")
    parser.add_argument("--cache-dir", type=Path, default=CACHE, help="where fixtures are cached")
    parser.add_argument("--note", action="append", default=[], help="a note for results.md")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the table")
    parser.add_argument("--list", action="store_true", help="list the row keys and exit")
    args = parser.parse_args(argv)

    sizes = Sizes()
    if args.quick:
        sizes = Sizes(
            large=500,
            export=100,
            snapshots=3,
            apply_lines=100,
            task_calls=50,
            runs=2,
            slow_runs=2,
            loop_runs=1,
        )
    if args.large_measures is not None:
        if args.large_measures < 22:
            parser.error("--large-measures must be at least 22")
        sizes.large = args.large_measures
    runs = args.runs if args.runs is not None else sizes.runs
    if runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    sizes.runs = runs

    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = loadavg()
    began = time.perf_counter()
    notes: list[str] = list(args.note)
    with tempfile.TemporaryDirectory(prefix="kplan-bench-") as scratch:
        folder = Path(scratch)
        env = isolated_env(folder / "home")
        fx = Fixtures(folder, sizes, None if args.no_cache else args.cache_dir, env)
        tw = None
        if not args.no_taskwarrior and not args.list:
            task = ensure_taskwarrior(notes)
            if task:
                tw = Taskwarrior(task, folder / "taskwarrior", env)
                tw.folder.mkdir()
        elif args.no_taskwarrior:
            notes.append("Taskwarrior was skipped (--no-taskwarrior).")
        spawner = Spawner(folder)
        try:
            return run(args, parser, fx, tw, sizes, spawner, notes, started, load_before, began)
        finally:
            spawner.close()


def run(
    args: argparse.Namespace,
    parser: argparse.ArgumentParser,
    fx: Fixtures,
    tw: Taskwarrior | None,
    sizes: Sizes,
    spawner: Spawner,
    notes: list[str],
    started: str,
    load_before: str,
    began: float,
) -> int:
    """Measure the chosen rows and write the report."""
    plan = Plan(fx, tw, sizes, spawner)
    if args.list:
        for row in plan.rows:
            print(f"{row.key:20} {row.group}")
        return 0
    only = [p for item in args.only or [] for p in item.split(",") if p] or None
    keys = selected(plan, only)
    if not keys:
        parser.error(f"--only matches no row; rows: {', '.join(r.key for r in plan.rows)}")
    done = plan.done
    try:
        for group in dict.fromkeys(row.group for row in plan.rows):
            chosen = [
                key
                for row in plan.rows
                if row.group == group
                for key in (row.op, row.ref, *row.also)
                if key in keys and key not in done
            ]
            if not chosen:
                continue
            print(f"\n== {group}", flush=True)
            ops = [plan.ops[key]() for key in dict.fromkeys(chosen)]
            measure(ops, sizes.runs, args.warmup, spawner)
            done.update((op.key, op) for op in ops)
    except BenchError as error:
        print(f"run.py: {error}", file=sys.stderr)
        return 1
    if not sizes.full:
        notes.append(
            "Sizes were reduced for this run (--quick or --large-measures); the targets "
            "are set for the full sizes."
        )
    if spawner.gnu_time:
        notes.append(
            "Peak memory is GNU time's %M of the warm-up run (exact even for small programs); "
            "the import and the `task modify` loop have no warm-up and use the timed runs' "
            'ru_maxrss, where "≤ N" means the program is smaller than the process that '
            "spawned it."
        )
    else:
        notes.append(
            f"GNU time is not installed: peak memory is ru_maxrss from os.wait4, which cannot "
            f"go below the spawning process's own {spawner.floor_kb / 1024:.0f} MB "
            '(shown as "≤ N").'
        )
    load_after = loadavg()
    if float(load_before.split(",")[0]) > 0.5 or float(load_after.split(",")[0]) > 2.5:
        notes.append(
            f"The machine was not idle (load average {load_before} before, {load_after} "
            f"after, on {os.cpu_count()} cores): other work shared it, so expect noise."
        )
    notes.append(
        "Commands run with Python's bytecode cache on, as an installed kplan runs for its "
        "users (a PYTHONDONTWRITEBYTECODE in the environment is dropped for them; the "
        "warm-up run writes the cache)."
    )
    notes.append(
        "The TUI's refresh (no full reload when the store changes) is timed by "
        "bench/tui_bench.py: see the live-refresh rows of bench/results-tui.md."
    )
    cached = [name for name in ("large", "big", "exports") if name in fx.built]
    if cached and fx.cache is not None:
        where = fx.cache.relative_to(ROOT) if fx.cache.is_relative_to(ROOT) else fx.cache
        notes.append(
            f"Fixtures {', '.join(cached)} are cached in {where} "
            "(rebuilt when make_store.py, kplan's version or kplan/store/models.py change)."
        )
    text = report(
        plan,
        done,
        tw,
        notes,
        started,
        time.perf_counter() - began,
        (load_before, load_after),
        sizes.runs,
        args.warmup,
    )
    args.output.write_text(text, encoding="utf-8")
    print("\n" + text)
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
