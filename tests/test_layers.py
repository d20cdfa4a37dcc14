"""The layers of kplan/ hold: the contracts pass, and a break of one is caught.

pyproject.toml declares the layers for import-linter (``lint-imports``, run
by ``make check``): the command line and the TUI over the presentation layer,
over the core, over the store, over the ground floor. These tests run the
same contracts, show that an import against them makes ``lint-imports``
fail, and keep two rules a contract cannot state: every module of kplan
belongs to a layer, and SQL text lives in the store only.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b")


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the kplan package found under ``root``, with its pyproject.toml."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(ROOT / "kplan", root / "kplan", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_contracts_hold() -> None:
    found = _lint(ROOT)
    assert found.returncode == 0, found.stdout + found.stderr
    assert "broken" not in found.stdout.lower().replace("0 broken", "")


@pytest.mark.parametrize(
    ("module", "line", "says"),
    [
        # The store reaching up into the core.
        ("kplan/store/tx.py", "import kplan.core.changes", "not allowed to import kplan.core"),
        # The core drawing for people.
        (
            "kplan/core/diff.py",
            "import kplan.present.glyphs",
            "not allowed to import kplan.present",
        ),
        # A database driver outside the store.
        ("kplan/core/diff.py", "import sqlite3", "not allowed to import sqlite3"),
        # A screen calling the command line.
        ("kplan/tui/messages.py", "import kplan.cli", "not allowed to import kplan.cli"),
        # The ground floor importing the store, inside a function (lazy imports count too).
        ("kplan/model.py", "def _late() -> None:\n    import kplan.store.tx", "kplan.store"),
    ],
)
def test_an_import_against_the_layers_fails_the_check(
    tmp_path: Path, module: str, line: str, says: str
) -> None:
    root = _copy(tmp_path)
    target = root / module
    target.write_text(target.read_text(encoding="utf-8") + "\n\n" + line + "\n", encoding="utf-8")
    found = _lint(root)
    assert found.returncode != 0, found.stdout
    assert says in found.stdout


def test_every_module_of_kplan_belongs_to_a_layer() -> None:
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    assert isinstance(layers, list)
    named = {name.strip() for layer in layers for name in re.split(r"[|:]", str(layer))}
    modules = {
        f"kplan.{path.stem if path.suffix == '.py' else path.name}"
        for path in (ROOT / "kplan").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert modules - named == set(), "put these in a layer of pyproject.toml"


def test_sql_text_lives_in_the_store_only() -> None:
    outside = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "kplan").rglob("*.py"))
        if "store" not in path.relative_to(ROOT / "kplan").parts[:1]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL.search(line)
    ]
    assert outside == []
