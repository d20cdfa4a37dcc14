"""Shared fixtures: every test gets its own data folder and a fixed user and language."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
OREBRO = EXAMPLES / "orebro_plan.toml"
KRONOBERG = EXAMPLES / "kronoberg_plan.toml"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point kplan's data folder at a temporary directory; fix user and language."""
    home = tmp_path / "kplan-home"
    monkeypatch.setenv("KPLAN_HOME", str(home))
    for variable in (
        "KPLAN_DB",
        "KPLAN_PLAN",
        "KPLAN_LANG",
        "LC_ALL",
        "LC_MESSAGES",
        "KPLAN_DEBUG",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("KPLAN_USER", "tester")
    monkeypatch.setenv("NO_COLOR", "1")
    return home


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store path in the test's temporary folder (not created yet)."""
    return tmp_path / "store.db"


class Kplan:
    """Runs kplan commands in-process through Typer's CliRunner."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, db: Path | None = None, expect: int | None = 0) -> Any:
        from kplan.cli import app

        result = self.runner.invoke(app, [*args, "--db", str(db or self.db)])
        if expect is not None:
            assert result.exit_code == expect, (
                f"kplan {' '.join(args)} exited {result.exit_code}, expected {expect}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
            )
        return result

    def json(self, *args: str) -> Any:
        """Run a command with --json and parse its output."""
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def kplan(db: Path) -> Kplan:
    """Run kplan against the test's store: ``kplan("list", "--json")``."""
    return Kplan(db)


@pytest.fixture
def orebro(kplan: Kplan) -> Kplan:
    """A store holding the example Örebro plan."""
    kplan("import", str(OREBRO))
    return kplan


def dump_store(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of an SQLite store, to compare before and after."""
    if not path.exists():
        return {}
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        connection.close()


@pytest.fixture
def store_dump() -> Callable[[Path], dict[str, list[tuple[Any, ...]]]]:
    """The ``dump_store`` function, as a fixture."""
    return dump_store
