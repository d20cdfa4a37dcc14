"""A new SQLite store made with sqlite3 from kplan.store.sqlite_schema's SQL.

* the SQL kept there is what ``SQLModel.metadata.create_all`` emits for SQLite;
* a store made from it has the very schema (every table and index, as SQLite
  keeps their SQL) of one made through SQLAlchemy, and the same stamp;
* Alembic knows where such a store stands: it takes it down a revision and
  kplan brings it back up, as for any store of an older kplan;
* making one imports neither SQLAlchemy nor Alembic, and a store made
  meanwhile by another kplan is opened, not made again.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from kplan.store import schema, sqlite_schema
from kplan.store.engine import Store, open_store
from tests.conftest import OREBRO, ROOT, Kplan, dump_store


def _master(path: Path) -> set[tuple[str, str, str, str | None]]:
    connection = sqlite3.connect(path)
    try:
        # SQLite keeps the blank lines SQLAlchemy writes after a table WITHOUT
        # ROWID (and only there); the kept statements end at their last word.
        return {
            (kind, name, table, sql.rstrip() if sql else sql)
            for kind, name, table, sql in connection.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master"
            )
        }
    finally:
        connection.close()


def _through_sqlalchemy(path: Path) -> None:
    """A store made as kplan made every store before: create_all on an engine."""
    from kplan.store.engine import _make_engine

    path.touch()
    store = Store(url=f"sqlite:///{path}", _engine=_make_engine(f"sqlite:///{path}"))
    try:
        schema.ensure_schema(store, create=True)
    finally:
        store.close()


def test_the_kept_sql_is_what_create_all_emits() -> None:
    generated = sqlite_schema.generated()
    # The tables come in create_all's order (parents first); a table's indexes
    # follow it in an order of SQLAlchemy's choosing.
    assert sorted(sqlite_schema.STATEMENTS) == sorted(generated), (
        "kplan/store/models.py changed: write the new statements into "
        "kplan/store/sqlite_schema.py with .venv/bin/python -m tests.test_sqlite_schema"
    )

    def tables(statements: list[str] | tuple[str, ...]) -> list[str]:
        return [s for s in statements if s.startswith("CREATE TABLE")]

    assert tables(sqlite_schema.STATEMENTS) == tables(generated)


def test_a_store_made_with_sqlite3_is_one_made_through_sqlalchemy(tmp_path: Path) -> None:
    made = tmp_path / "made.db"
    open_store(str(made)).close()
    old = tmp_path / "old.db"
    _through_sqlalchemy(old)
    assert _master(made) == _master(old)
    assert dump_store(made) == dump_store(old)
    assert dump_store(made)["alembic_version"] == [(schema.HEAD,)]
    connection = sqlite3.connect(made)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        connection.close()


def test_alembic_takes_such_a_store_down_and_kplan_brings_it_up(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    path = tmp_path / "kplan.db"
    kplan = Kplan(path)
    kplan("import", str(OREBRO))
    before = dump_store(path)
    listed = kplan("list", "--json").stdout
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            command.downgrade(schema.alembic_config(connection), schema.REVISIONS[7])
    finally:
        engine.dispose()
    assert dump_store(path)["alembic_version"] == [(schema.REVISIONS[7],)]

    result = kplan("list", "--json")
    assert f"from schema version 7 to {schema.LATEST}" in result.stderr
    assert result.stdout == listed
    after = dump_store(path)
    assert after["alembic_version"] == [(schema.HEAD,)]
    # The columns schema 8 added come back last, with their defaults.
    for table in ("event", "four_p", "collaboration", "indicator", "indicator_value"):
        assert after[table] == before[table], table
    # Alembic rebuilds an upgraded table with its own layout of the SQL: the
    # same tables, indexes and columns, not the same text.
    fresh = tmp_path / "fresh.db"
    _through_sqlalchemy(fresh)
    assert _shape(path) == _shape(fresh)


def _shape(path: Path) -> dict[str, list[tuple[str, str, int]]]:
    connection = sqlite3.connect(path)
    try:
        names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
        return {
            name: sorted(
                (row[1], row[2], row[3])
                for row in connection.execute(f'PRAGMA table_info("{name}")')
            )
            for name in names
        }
    finally:
        connection.close()


def test_making_a_store_imports_neither_sqlalchemy_nor_alembic(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from kplan.store.engine import open_store\n"
        f"open_store({str(tmp_path / 'new.db')!r}).close()\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert found.stdout.strip() == "[]"


def test_a_store_made_meanwhile_is_opened_not_made_again(tmp_path: Path) -> None:
    path = tmp_path / "kplan.db"
    open_store(str(path)).close()
    Kplan(path)("import", str(OREBRO))
    before = dump_store(path)
    from kplan.store.engine import _create_sqlite

    # Another kplan made the tables after this one found the file empty.
    assert _create_sqlite(f"sqlite:///{path}", path) is False
    assert dump_store(path) == before


def statements_source() -> str:
    """``sqlite_schema.STATEMENTS`` as Python source, as the module keeps it."""
    lines = ["STATEMENTS: tuple[str, ...] = ("]
    for statement in sqlite_schema.generated():
        parts = statement.split("\n")
        lines.append("    (")
        lines += [
            "        " + repr(part + ("\n" if i < len(parts) - 1 else ""))
            for i, part in enumerate(parts)
        ]
        lines.append("    ),")
    lines.append(")")
    return "\n".join(lines)


if __name__ == "__main__":
    # Write the statements of kplan/store/models.py into kplan/store/sqlite_schema.py.
    module = Path(sqlite_schema.__file__)
    text = module.read_text(encoding="utf-8")
    start = text.index("STATEMENTS: tuple[str, ...] = (")
    end = text.index("\n)\n", start) + 3
    module.write_text(text[:start] + statements_source() + "\n" + text[end:], encoding="utf-8")
    subprocess.run([sys.executable, "-m", "ruff", "format", str(module)], check=True)
    print(f"wrote {module}")
