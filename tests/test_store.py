"""The store: its settings, several plans, versions, and one transaction per change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kplan.core.changes import Change, apply_changes
from kplan.core.importing import import_plan
from kplan.core.planfile import read_plan_file
from kplan.core.queries import load
from kplan.errors import KplanError
from kplan.store.engine import Store, open_store
from kplan.store.models import SCHEMA_VERSION
from tests.conftest import KRONOBERG, OREBRO, dump_store, query


@pytest.mark.sqlite_only
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
    from kplan.core.queries import show
    from kplan.present.summary import measure_detail

    def show_measure(store: Store, key: str) -> dict[str, Any]:
        return measure_detail(*show(store, key))

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
    fields = query(db, "SELECT field FROM event WHERE batch = :b ORDER BY id", b=result.batch)
    assert fields == [{"field": "progress"}, {"field": "step"}]


def test_concurrent_writers_lose_nothing(db: Path) -> None:
    """Four processes change the same store at once; every change and event lands."""
    import subprocess
    import sys

    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    store.close()
    script = (
        "import sys\n"
        "from kplan.core.changes import Change, apply_changes\n"
        "from kplan.store.engine import open_store\n"
        "store = open_store(sys.argv[1])\n"
        "worker = int(sys.argv[2])\n"
        "for n in range(10):\n"
        "    apply_changes(store, [Change('measure', str(worker + 1), 'progress', n + 1)],"
        " actor=f'w{worker}')\n"
    )
    command = [sys.executable, "-c", script, str(db)]
    workers = [subprocess.Popen([*command, str(worker)]) for worker in range(4)]
    assert [worker.wait(timeout=600) for worker in workers] == [0, 0, 0, 0]
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


def test_first_openers_of_an_empty_store_race_safely(db: Path) -> None:
    """Four processes open a new, empty store at once; one schema, one version row."""
    import subprocess
    import sys

    script = (
        "import sys\nfrom kplan.store.engine import open_store\nopen_store(sys.argv[1]).close()\n"
    )
    workers = [subprocess.Popen([sys.executable, "-c", script, str(db)]) for _ in range(4)]
    assert [worker.wait(timeout=600) for worker in workers] == [0, 0, 0, 0]
    assert dump_store(db)["store_info"] == [("schema_version", str(SCHEMA_VERSION))]
    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    assert len(load(store).measures) == 22


def test_actor_defaults_to_the_database_user_on_a_server(
    db: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    from sqlalchemy.engine import make_url

    from kplan.core.actor import current_actor

    monkeypatch.delenv("KPLAN_USER")
    store = open_store(str(db))
    if backend == "postgres":
        expected = make_url(str(db)).username
        assert store.default_actor() == expected
    else:
        expected = getpass.getuser()
        assert store.default_actor() is None
    assert current_actor(None, str(db)) == expected
    monkeypatch.setenv("KPLAN_DB", str(db))
    assert current_actor() == expected
    # --as and KPLAN_USER still come first.
    assert current_actor("lead1", str(db)) == "lead1"
    monkeypatch.setenv("KPLAN_USER", "someone")
    assert current_actor(None, str(db)) == "someone"


@pytest.mark.postgres_only
def test_a_server_store_keeps_timestamps_in_utc_whatever_the_session_zone(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's or the client's time zone must not shift the times kplan logs."""
    import datetime as dt

    monkeypatch.setenv("PGTZ", "America/New_York")
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    apply_changes(store, [Change("measure", "7", "status", "delayed")], actor="t")
    from kplan.core.queries import log

    assert log(store)[0]["at"].startswith("2016-03-01T12:00")
    from kplan.core import rounds

    rounds.open_round(store, "Vår 2016", actor="t")
    assert rounds.status(store)["opened_at"] == "2016-03-01T12:00:00Z"
    stored = query(db, "SELECT at FROM event ORDER BY id DESC LIMIT 1")[0]["at"]
    assert stored == dt.datetime(2016, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.postgres_only
def test_a_writer_gives_up_when_the_write_lock_stays_taken(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on SQLite: a writer kept waiting past the busy timeout gets a clear error."""
    import psycopg

    from kplan.errors import StoreError
    from kplan.store import engine
    from tests.conftest import libpq_url

    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    store.close()
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    store = open_store(str(db))
    with psycopg.connect(libpq_url(str(db))) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (engine.PG_WRITE_LOCK,))
        with pytest.raises(StoreError, match="stayed locked by another kplan"):
            apply_changes(store, [Change("measure", "7", "status", "delayed")], actor="t")
        # Reading needs no lock.
        assert next(m for m in load(store).measures if m.id == "7").status == "ongoing"
    apply_changes(store, [Change("measure", "7", "status", "delayed")], actor="t")
    assert next(m for m in load(store).measures if m.id == "7").status == "delayed"


def test_a_read_sees_one_state_while_a_write_lands(db: Path) -> None:
    """A plan read in several queries never mixes states from before and after a change."""
    from sqlmodel import select

    from kplan.store.models import MeasureRow

    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    other = open_store(str(db))
    status = select(MeasureRow.status).where(MeasureRow.key == "7")
    with store.read() as session:
        before = session.exec(status).one()
        apply_changes(other, [Change("measure", "7", "status", "delayed")], actor="t")
        during = session.exec(status).one()
    assert (before, during) == ("ongoing", "ongoing")
    with store.read() as session:
        assert session.exec(status).one() == "delayed"
    other.close()


@pytest.mark.sqlite_only
def test_a_store_that_goes_missing_is_not_made_again_by_reading_or_writing(db: Path) -> None:
    from kplan.core.queries import load as load_plan
    from kplan.errors import StoreError

    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    store = open_store(str(db), create=False)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with pytest.raises(StoreError):
        load_plan(store)
    with pytest.raises(StoreError):
        apply_changes(store, [Change("measure", "7", "status", "delayed")], actor="t")
    assert not db.exists()
