"""The store: its settings, several plans, versions, and one transaction per change."""

from __future__ import annotations

from pathlib import Path

import pytest

from kplan.core.errors import KplanError
from kplan.core.operations import Change, apply_changes, import_plan
from kplan.core.planfile import read_plan_file
from kplan.core.queries import load
from kplan.store.engine import open_store
from kplan.store.models import SCHEMA_VERSION
from tests.conftest import KRONOBERG, OREBRO, dump_store


def test_sqlite_is_opened_with_foreign_keys_wal_and_a_busy_timeout(db: Path) -> None:
    store = open_store(str(db))
    with store.read() as session:
        connection = session.connection()
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_store_records_its_schema_version(db: Path) -> None:
    open_store(str(db)).close()
    assert ("schema_version", str(SCHEMA_VERSION)) in dump_store(db)["store_info"]


def test_two_plans_live_side_by_side(db: Path) -> None:
    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    import_plan(store, read_plan_file(KRONOBERG), actor="t")
    assert len(load(store, "orebro-kompetens").measures) == 22
    assert len(load(store, "kronoberg-kompetens").measures) == 7
    # The same measure id may exist in two plans; changes stay in their plan.
    apply_changes(
        store, [Change("measure", "A1", "progress", 99)], actor="t", plan="kronoberg-kompetens"
    )
    assert (
        next(m for m in load(store, "kronoberg-kompetens").measures if m.id == "A1").progress == 99
    )


def test_a_batch_with_one_bad_change_writes_nothing(db: Path) -> None:
    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    before = dump_store(db)
    with pytest.raises(KplanError, match="unknown measure '404'"):
        apply_changes(
            store,
            [
                Change("measure", "1", "status", "delayed"),
                Change("measure", "404", "status", "done"),
            ],
            actor="t",
        )
    assert dump_store(db) == before


def test_versions_count_changes(db: Path) -> None:
    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    from kplan.core.queries import show_measure

    assert show_measure(store, "7")["version"] == 1
    apply_changes(store, [Change("measure", "7", "status", "delayed")], actor="t")
    apply_changes(store, [Change("measure", "7", "four_p.policy", "done")], actor="t")
    assert show_measure(store, "7")["version"] == 3
    # Re-importing the unchanged file keeps ids and versions of untouched rows.
    import_plan(store, read_plan_file(OREBRO), actor="t")
    assert show_measure(store, "1")["version"] == 1
    assert show_measure(store, "7")["version"] == 4


def test_every_change_shares_one_batch_id(db: Path) -> None:
    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    result = apply_changes(
        store,
        [Change("measure", "1", "progress", 50), Change("collaboration", "fastighet", "step", 1)],
        actor="t",
    )
    import sqlite3

    connection = sqlite3.connect(db)
    fields = connection.execute(
        "SELECT field FROM event WHERE batch = ? ORDER BY id", (result.batch,)
    ).fetchall()
    connection.close()
    assert fields == [("progress",), ("step",)]


def test_concurrent_writers_lose_nothing(db: Path) -> None:
    """Four processes change the same store at once; every change and event lands."""
    import subprocess
    import sys

    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    store.close()
    script = (
        "import sys\n"
        "from kplan.core.operations import Change, apply_changes\n"
        "from kplan.store.engine import open_store\n"
        "store = open_store(sys.argv[1])\n"
        "worker = int(sys.argv[2])\n"
        "for n in range(10):\n"
        "    apply_changes(store, [Change('measure', str(worker + 1), 'progress', n + 1)],"
        " actor=f'w{worker}')\n"
    )
    command = [sys.executable, "-c", script, str(db)]
    workers = [subprocess.Popen([*command, str(worker)]) for worker in range(4)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0, 0]
    events = dump_store(db)["event"]
    for worker in range(4):
        assert sum(row[2] == f"w{worker}" for row in events) == 10
    assert [m.progress for m in load(store).measures[:4]] == [10, 10, 10, 10]


def test_an_import_raises_exactly_the_versions_of_what_it_changed(db: Path) -> None:
    """Each kind of change raises its own row's version once; a move in order raises none."""
    from kplan.core.repository import find_plan_row, load_plan

    plan = read_plan_file(OREBRO)
    store = open_store(str(db))
    import_plan(store, plan, actor="t")
    changed = read_plan_file(OREBRO)
    by_id = {m.id: m for m in changed.measures}
    by_id["2"].four_p["plattform"] = "done"  # a Fyra P part
    by_id["3"].perspectives["etnicitet"] = "yes"  # a perspective
    by_id["4"].title += "!"  # the measure itself
    collaboration = by_id["5"].collaborations[0]
    collaboration.actors = [*reversed(collaboration.actors), "region"]  # its actors
    indicator = by_id["6"].indicators[0]
    indicator.values["2016"] = 1.0  # a value
    changed.measures.reverse()  # order alone is no change
    import_plan(store, changed, actor="t")
    with store.read() as session:
        row = find_plan_row(session, "orebro-kompetens")
        assert row is not None
        stored = load_plan(session, row)
    store.close()
    versions = {m.id: m.version for m in stored.measures}
    assert {k: v for k, v in versions.items() if v != 1} == {"2": 2, "3": 2, "4": 2}
    collabs = {c.id: c.version for m in stored.measures for c in m.collaborations}
    assert {k: v for k, v in collabs.items() if v != 1} == {collaboration.id: 2}
    indicators = {i.id: i.version for m in stored.measures for i in m.indicators}
    assert {k: v for k, v in indicators.items() if v != 1} == {indicator.id: 2}
    assert [m.id for m in stored.measures] == [m.id for m in changed.measures]
    assert stored == changed.complete()
