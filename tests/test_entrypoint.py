"""The installed ``kplan`` command, run as a user runs it, in a separate process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kplan.present.exports import FORMATS
from tests.conftest import OREBRO, ROOT

HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "textual",
    "alembic",
    "rich",
    "pydantic",
    "jinja2",
    "icalendar",
    "httpx",
    "openpyxl",
)


def kplan_executable() -> str:
    """The console script installed beside this interpreter."""
    beside = Path(sys.executable).with_name("kplan")
    found = str(beside) if beside.exists() else shutil.which("kplan")
    if found is None:
        pytest.fail("the kplan entry point is not installed; run `make test`")
    return found


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [kplan_executable(), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
        check=False,
    )


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in (
        "init",
        "import",
        "plans",
        "list",
        "show",
        "status",
        "step",
        "fourp",
        "perspective",
        "record",
        "log",
        "export",
    ):
        assert f"  {command} " in result.stdout


def test_import_list_and_status_through_the_installed_command(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    assert run("import", str(OREBRO), "--db", db).returncode == 0
    listed = run("list", "--json", "--db", db)
    assert listed.returncode == 0
    assert len(json.loads(listed.stdout)) == 22

    changed = run(
        "status", "7", "delayed", "--note", "inväntar beslut", "--as", "lead1", "--db", db
    )
    assert changed.returncode == 0, changed.stderr
    event = json.loads(run("log", "7", "--json", "--db", db).stdout)[0]
    assert (event["actor"], event["new"], event["note"]) == ("lead1", "delayed", "inväntar beslut")


def test_errors_are_one_line_without_a_traceback(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    run("import", str(OREBRO), "--db", db)
    result = run("status", "7", "finished", "--db", db)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("kplan: error: 'finished' is not a valid status")
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2() -> None:
    result = run("status")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_environment_chooses_store_and_user(tmp_path: Path) -> None:
    env = {"KPLAN_DB": str(tmp_path / "env.db"), "KPLAN_USER": "envuser"}
    assert run("import", str(OREBRO), env=env).returncode == 0
    assert run("fourp", "1", "process", "done", env=env).returncode == 0
    event = json.loads(run("log", "--json", "--limit", "1", env=env).stdout)[0]
    assert (event["actor"], event["field"]) == ("envuser", "four_p.process")


def test_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    run("import", str(OREBRO), "--db", db)
    pipeline = subprocess.run(
        f"'{kplan_executable()}' export --db '{db}' | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert pipeline.stdout == "kplan = 1\n"
    assert "Traceback" not in pipeline.stderr


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "from kplan.cli import main\n"
        "sys.argv = ['kplan', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(','.join(heavy), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False
    )
    assert "Usage: kplan" in result.stdout
    assert result.stderr.strip() == "", f"--help imported: {result.stderr.strip()}"


def heavy_modules_of(*args: str, db: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``kplan ARGS`` in a fresh interpreter; the heavy modules it imported."""
    code = (
        "import sys\n"
        "from kplan.cli import main\n"
        f"sys.argv = ['kplan', *{list(args)!r}, '--db', {str(db)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n"
    )
    # errors="replace": an export may be binary (xlsx); only its being there is checked.
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=600,
        check=False,
    )
    marker = [line for line in result.stderr.splitlines() if line.startswith("HEAVY=")]
    assert marker, result.stderr
    found = marker[-1].removeprefix("HEAVY=")
    return result, [name for name in found.split(",") if name]


HOT_COMMANDS = [
    ["plans"],
    ["list"],
    ["list", "--json"],
    ["list", "--overdue"],
    ["remind", "--json"],
    ["round", "list", "--json"],
    ["list", "--status", "delayed", "--perspective", "kön=no"],
    ["show", "7"],
    ["show", "7", "--json"],
    ["log", "--since", "30d"],
    ["status", "7", "delayed", "--progress", "30"],
    ["step", "syv-praktik", "up"],
    ["record", "foretag-kompetensplan", "2016", "58"],
    # The exports that do not compare with earlier snapshots read none.
    ["export", "--format", "json", "--with-log"],
    ["export", "--format", "csv"],
    ["export", "--format", "toml"],
]


@pytest.mark.parametrize("args", HOT_COMMANDS, ids=" ".join)
def test_hot_commands_on_sqlite_import_no_heavy_module(args: list[str], tmp_path: Path) -> None:
    """The commands people and scripts run most pay for no ORM, TUI or migration library."""
    db = tmp_path / "store.db"
    assert run("import", str(OREBRO), "--db", str(db)).returncode == 0
    result, heavy = heavy_modules_of(*args, db=db)
    assert "error" not in result.stderr, result.stderr
    assert result.stdout.strip(), "the command printed nothing"
    # Typer itself imports pydantic to convert a command's parameters, as a
    # bare Typer command does too; everything else is kplan's choice.
    assert [m for m in heavy if m != "pydantic"] == [], f"kplan {' '.join(args)} imported {heavy}"


@pytest.mark.parametrize(("fmt", "imports_jinja"), [("json", False), ("md", False), ("html", True)])
def test_only_the_html_export_imports_jinja2(fmt: str, imports_jinja: bool, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    assert run("import", str(OREBRO), "--db", str(db), "--as", "demo").returncode == 0
    result, heavy = heavy_modules_of("export", "--format", fmt, "-o", str(tmp_path / "out"), db=db)
    assert "Traceback" not in result.stderr
    assert (tmp_path / "out").exists()
    assert ("jinja2" in heavy) is imports_jinja


# Commands that read snapshots, and every export format: each reads its
# snapshots in SQL and thaws them, so none needs the ORM.
SNAPSHOT_COMMANDS = [
    ["diff", "before"],
    ["diff", "before", "after", "--json"],
    ["snapshot", "list"],
    ["snapshot", "list", "--json"],
    ["round", "status", "--json"],
    *(["export", "--format", fmt] for fmt in FORMATS),
    ["export", "--format", "json", "--with-log"],
    ["export", "--format", "html", "--snapshot", "before"],
    ["export", "--format", "md", "--snapshot", "after"],
]


@pytest.fixture(scope="module")
def with_snapshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example store with snapshots `before` and `after` of a change, and an open round."""
    db = tmp_path_factory.mktemp("snapshots") / "store.db"
    common = ("--db", str(db), "--as", "ehedlund")
    for args in (
        ("import", str(OREBRO)),
        ("snapshot", "take", "before"),
        ("status", "7", "delayed"),
        ("snapshot", "take", "after"),
        ("round", "open", "Vår"),
    ):
        done = run(*args, *common)
        assert done.returncode == 0, done.stderr
    return db


@pytest.mark.parametrize("args", SNAPSHOT_COMMANDS, ids=" ".join)
def test_snapshot_commands_on_sqlite_import_no_orm(args: list[str], with_snapshots: Path) -> None:
    """diff, snapshot list, round status and every export read in SQL, without SQLAlchemy."""
    result, heavy = heavy_modules_of(*args, db=with_snapshots)
    assert "error" not in result.stderr, result.stderr
    assert result.stdout.strip(), "the command printed nothing"
    orm = [m for m in heavy if m in ("sqlalchemy", "sqlmodel", "alembic")]
    assert orm == [], f"kplan {' '.join(args)} imported {heavy}"


@pytest.mark.parametrize(
    "args", [["list"], ["list", "--json"], ["show", "7"], ["log", "--since", "30d"]], ids=" ".join
)
def test_reading_commands_do_not_load_the_plan_file_reader(args: list[str], tmp_path: Path) -> None:
    """Showing the store needs no TOML parser and no plan-file checks (a few ms of each start)."""
    db = tmp_path / "store.db"
    assert run("import", str(OREBRO), "--db", str(db)).returncode == 0
    code = (
        "import sys\n"
        "from kplan.cli import main\n"
        f"sys.argv = ['kplan', *{args!r}, '--db', {str(db)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "wide = sorted(m for m in sys.modules if m in ('tomllib', 'kplan.core.planfile',"
        " 'kplan.core.planspec', 'kplan.core.structure'))\n"
        "print('WIDE=' + ','.join(wide), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False
    )
    assert result.stdout.strip(), result.stderr
    assert result.stderr.splitlines()[-1] == "WIDE=", result.stderr


def test_the_command_line_keeps_its_annotations_evaluated() -> None:
    """Typer reads every command's annotations at each start; as text each costs an eval."""
    source = (ROOT / "kplan" / "cli.py").read_text(encoding="utf-8")
    assert "from __future__ import annotations" not in source


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_standard_output_without_every_character_gets_escapes_not_an_error(
    encoding: str, tmp_path: Path
) -> None:
    db = str(tmp_path / "k.db")
    assert run("import", str(OREBRO), "--db", db).returncode == 0
    narrow = {"PYTHONIOENCODING": encoding}
    for args in (["list", "--json"], ["export", "--format", "json"], ["log", "--json"]):
        wide = run(*args, "--db", db)
        shown = subprocess.run(
            [kplan_executable(), *args, "--db", db],
            capture_output=True,
            env={**os.environ, **narrow},
            timeout=600,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr
        # Valid JSON with the same data: a missing character is a JSON escape.
        data = json.loads(shown.stdout.decode(encoding))
        expected = json.loads(wide.stdout)
        if args[0] == "export":
            data.pop("generated_at"), expected.pop("generated_at")
        assert data == expected
    for args in (["list"], ["show", "7"], ["status", "7", "delayed", "--as", "sforsberg"]):
        shown = subprocess.run(
            [kplan_executable(), *args, "--db", db],
            capture_output=True,
            env={**os.environ, **narrow},
            timeout=600,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr
        assert b"internal error" not in shown.stderr
    # Text reads the missing character as its escape: "vägledningen" in ASCII.
    listed = run("list", "--db", db, env={"PYTHONIOENCODING": "ascii"}).stdout
    assert "Arbetslivskunskap i v\\u00e4gledningen" in listed
    # An error message with such a character is one line, not an internal error.
    failed = run("show", "åtgärd-saknas", "--db", db, env={"PYTHONIOENCODING": "ascii"})
    assert failed.returncode != 0 and "internal error" not in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1
