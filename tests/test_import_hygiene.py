"""Heavy dependencies sit behind one lazy seam each.

Importing any module of kplan loads none of SQLAlchemy, SQLModel, Alembic,
Textual, Rich or Jinja2: those arrive only when a function needs them (the
store's engine and schema check, the TUI that ``kplan tui`` opens, the
terminal tables, the HTML page). kplan's own light modules are imported at
the top of each file, so this holds for the whole import graph, not just
for the modules named. The exceptions are the modules that are the far side
of a seam: the TUI itself, the SQLModel tables and the migrations.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "textual",
    "rich",
    "jinja2",
    "psycopg",
    "icalendar",
    "httpx",
    "openpyxl",
)
# Reached only through a seam: `kplan tui` imports the app; the store's schema
# check imports the tables and the migrations.
BEYOND_A_SEAM = ("kplan.tui", "kplan.store.models", "kplan.store.migrations")


def _modules() -> list[str]:
    found = []
    for path in sorted((ROOT / "kplan").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if not name.startswith(BEYOND_A_SEAM):
            found.append(name)
    return found


def test_no_module_of_kplan_loads_a_heavy_dependency_when_imported() -> None:
    # One interpreter per module: what one import loads must not hide another's.
    script = (
        "import importlib, json, sys\n"
        "importlib.import_module(sys.argv[1])\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    loaded = {}
    for module in _modules():
        result = subprocess.run(
            [sys.executable, "-c", script, module],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        heavy = json.loads(result.stdout.strip().splitlines()[-1])
        if heavy:
            loaded[module] = heavy
    assert loaded == {}


@pytest.mark.parametrize("module", ["kplan.cli", "kplan.core.changes", "kplan.store.engine"])
def test_the_modules_checked_include_the_busy_ones(module: str) -> None:
    assert module in _modules()
