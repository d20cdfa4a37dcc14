"""kplan import of a big plan file stores what it stored before it was made fast.

The import of a big file takes three short cuts (issue 16): the file is read
a measure at a time (kplan.core.planfile), a new SQLite store's tables are
made with sqlite3 from SQL text (kplan.store.sqlite_schema), and a new
plan's rows are inserted straight from the plan (kplan.store.plans). Each
test imports a file both ways, the plain way with the three short cuts
taken away, and finds the same rows in the store, the same output and the
same event log, on SQLite and on PostgreSQL: the two examples, a generated
plan (bench/make_store.py's, with values split by group too) and the
Kronoberg example with hostile text in every free text field.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kplan.core import planfile
from kplan.store import engine, plans
from tests.conftest import KRONOBERG, OREBRO, ROOT, Kplan, ServerStore, dump_store, execute
from tests.test_hostile_text import hostile_plan


def _padded(text: str) -> str:
    """``text`` past the size from which a plan file is read a measure at a time."""
    return text + "\n# " + "x" * planfile.FAST_PARSE_FROM + "\n"


def _generated(tmp_path: Path) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_store import build_plan
    finally:
        sys.path.remove(str(ROOT / "bench"))
    plan = build_plan(random.Random(7), 1, measures=120, collaborations=2, indicators=2)
    # Values split by group, which the generator does not make.
    for index, measure in enumerate(plan.measures[:30]):
        indicator = measure.indicators[0]
        indicator.groups = {
            plan.perspectives[0]: {"kvinnor": {"2014": 1.0 + index}, "män": {"2015": 2.5}}
        }
    return planfile.plan_to_toml(plan)


def _sources(tmp_path: Path) -> dict[str, str]:
    return {
        "orebro": OREBRO.read_text(encoding="utf-8"),
        "kronoberg": KRONOBERG.read_text(encoding="utf-8"),
        "generated": _generated(tmp_path),
        "hostile": hostile_plan(tmp_path).read_text(encoding="utf-8"),
    }


SOURCES = ["orebro", "kronoberg", "generated", "hostile"]


def _the_plain_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planfile, "_plan_in_pieces", lambda text: None)
    monkeypatch.setattr(engine, "_create_sqlite", lambda url, file: False)
    monkeypatch.setattr(
        plans, "_insert_new", lambda rows, plan_id, plan: plans._Saver(rows, plan_id).save(plan)
    )


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Count the calls of ``module.name`` (to know a short cut was taken)."""
    calls: list[int] = []
    original: Callable[..., Any] = getattr(module, name)

    def counting(*args: Any) -> Any:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(module, name, counting)
    return calls


def _without_batches(dump: dict[str, list[tuple[Any, ...]]], at: int = 4) -> dict[str, Any]:
    # An import's events share a batch id drawn at random (kplan.core.importing);
    # it is the fifth column (the sixth after a rowid).
    events = [row[:at] + row[at + 1 :] for row in dump.get("event", [])]
    return dump | {"event": events}


def _import(kplan: Kplan, file: Path) -> dict[str, str]:
    outputs = {}
    outputs["import"] = kplan("import", str(file), "--as", "tester", "--json").stdout
    outputs["list"] = kplan("list", "--json").stdout
    outputs["log"] = kplan("log", "--limit", "0").stdout
    outputs["export"] = kplan("export").stdout
    return outputs


def _empty(db: Path, backend: str) -> None:
    """Make ``db`` a database without kplan's tables again."""
    if backend == "postgres":
        execute(db, "DROP SCHEMA public CASCADE")
        execute(db, "CREATE SCHEMA public")
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


@pytest.mark.parametrize("source", SOURCES)
def test_a_big_file_imports_the_same_rows_both_ways(
    db: Path, backend: str, tmp_path: Path, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T09:30:00")
    file = tmp_path / f"{source}.toml"
    file.write_text(_padded(_sources(tmp_path)[source]), encoding="utf-8")
    kplan = Kplan(db)

    with monkeypatch.context() as plain:
        _the_plain_way(plain)
        before = _import(kplan, file)
        stored_before = dump_store(db)
        in_order_before = {} if isinstance(db, ServerStore) else _in_order(db)
    _empty(db, backend)

    pieces = _spy(monkeypatch, planfile, "_measure_tables")
    inserts = _spy(monkeypatch, plans, "_insert_new")
    after = _import(kplan, file)
    assert pieces and inserts, "the short cuts were not taken"
    assert after == before
    assert _without_batches(dump_store(db)) == _without_batches(stored_before)
    if not isinstance(db, ServerStore):
        assert stored_before["alembic_version"] == dump_store(db)["alembic_version"]
        # In the order they were inserted, too (dump_store sorts them).
        assert _without_batches(_in_order(db), 5) == _without_batches(in_order_before, 5)


def _rows_in_order(connection: sqlite3.Connection, table: str) -> list[tuple[Any, ...]]:
    try:
        return connection.execute(f'SELECT rowid, * FROM "{table}" ORDER BY rowid').fetchall()
    except sqlite3.OperationalError:
        # A table without row ids (four_p, perspective_coverage) keeps its key's order:
        # its rows are the same whatever order they came in.
        return [(None, *row) for row in connection.execute(f'SELECT * FROM "{table}"')]


def _in_order(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {table: _rows_in_order(connection, table) for table in tables}
    finally:
        connection.close()


@pytest.mark.parametrize("source", SOURCES)
def test_a_plan_read_by_measure_is_the_plan_read_whole(
    tmp_path: Path, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every value, of the same type, and every table's keys in the same order."""
    text = _padded(_sources(tmp_path)[source])
    pieces = _spy(monkeypatch, planfile, "_measure_tables")
    fast = planfile.parse_plan_text(text, "plan.toml")
    assert pieces
    monkeypatch.setattr(planfile, "_plan_in_pieces", lambda text: None)
    whole = planfile.parse_plan_text(text, "plan.toml")
    assert repr(fast) == repr(whole)
    monkeypatch.setattr(planfile, "_fast_parser", None)  # tomllib itself
    assert repr(planfile.parse_plan_text(text, "plan.toml")) == repr(fast)


@pytest.mark.parametrize("source", ["orebro", "generated"])
def test_a_dry_run_and_a_second_import_say_the_same_both_ways(
    db: Path, backend: str, tmp_path: Path, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan read a measure at a time compares with a stored one as the plan read whole."""
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T09:30:00")
    text = _sources(tmp_path)[source]
    file = tmp_path / "plan.toml"
    file.write_text(_padded(text), encoding="utf-8")
    kplan = Kplan(db)
    kplan("import", str(file), "--as", "tester")
    # The same file but one measure's title, one status, one value.
    changed = text.replace('status = "ongoing"', 'status = "done"', 1)
    file.write_text(_padded(changed), encoding="utf-8")
    fast = kplan("import", str(file), "--as", "tester", "--dry-run", "--json").stdout
    with monkeypatch.context() as plain:
        _the_plain_way(plain)
        slow = kplan("import", str(file), "--as", "tester", "--dry-run", "--json").stdout
    assert fast == slow
    assert '"changes": []' not in fast


def test_a_new_plan_beside_others_gets_the_same_rows_both_ways(
    db: Path, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan new to a store that holds another: its rows are inserted straight too."""
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T09:30:00")
    sources = _sources(tmp_path)
    first = tmp_path / "orebro.toml"
    first.write_text(sources["orebro"], encoding="utf-8")
    second = tmp_path / "generated.toml"
    second.write_text(_padded(sources["generated"]), encoding="utf-8")
    kplan = Kplan(db)
    monkeypatch.setenv("KPLAN_PLAN", "bench-1")

    with monkeypatch.context() as plain:
        _the_plain_way(plain)
        kplan("import", str(first), "--as", "tester")
        before = _import(kplan, second)
        stored_before = dump_store(db)
    _empty(db, backend)

    kplan("import", str(first), "--as", "tester")
    inserts = _spy(monkeypatch, plans, "_insert_new")
    after = _import(kplan, second)
    assert inserts
    assert after == before
    assert _without_batches(dump_store(db)) == _without_batches(stored_before)
