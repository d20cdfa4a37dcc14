"""The floor of kplan's stack: a bare Typer app that lists a store's measures.

bench/run.py times ``python bench/floor.py list --db STORE`` and
``python bench/floor.py --help`` next to ``kplan list`` and ``kplan --help``.
It does the least a listing command on kplan's stack can do: start Python,
import Typer, open the SQLite file with the standard library and print one
tab-separated line per measure (id, title, owner, status, progress). The
difference between this and a kplan command is what kplan itself adds.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="A bare Typer app reading a kplan store: the benchmark's floor.")

# The store's tables and columns, as kplan/store/models.py defines them.
QUERY = """
SELECT measure.key, measure.title, owner.key, measure.status, measure.progress
FROM measure JOIN owner ON owner.id = measure.owner_id
ORDER BY measure.plan_id, measure.position, measure.id
"""


@app.callback()
def main() -> None:
    """A bare Typer app reading a kplan store: the benchmark's floor."""


@app.command("list")
def list_measures(
    db: Annotated[Path, typer.Option("--db", help="the kplan store (an SQLite file)")],
) -> None:
    """Print every measure: id, title, owner, status, progress."""
    # Read-only, as kplan's read commands never write or create a store.
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        lines = ["ID\tTitle\tOwner\tStatus\tProgress"]
        for key, title, owner, status, progress in connection.execute(QUERY):
            lines.append(f"{key}\t{title}\t{owner}\t{status}\t{progress}%")
    finally:
        connection.close()
    print("\n".join(lines))


if __name__ == "__main__":
    app()
