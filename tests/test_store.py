"""The store: its settings, several plans, versions, and one transaction per change."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kplan.core.changes import Change, apply_changes
from kplan.core.importing import import_plan
from kplan.core.planfile import read_plan_file
from kplan.core.queries import load, log
from kplan.errors import KplanError
from kplan.model import Measure, Plan
from kplan.store import plans
from kplan.store.engine import Store, open_store
from kplan.store.models import SCHEMA_VERSION
from tests.conftest import KRONOBERG, OREBRO, dump_store, query
from tests.test_roundtrip import SLOW, completed
from tests.test_roundtrip import plans as generated_plans


@pytest.mark.sqlite_only
def test_sqlite_is_opened_with_foreign_keys_wal_and_a_busy_timeout(db: Path) -> None:
    store = open_store(str(db))
    with store.writing(commit=False) as rows:
        assert rows("PRAGMA foreign_keys")[0][0] == 1
        assert rows("PRAGMA journal_mode")[0][0] == "wal"
        assert rows("PRAGMA busy_timeout")[0][0] >= 5000


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
    # (It undoes measure 7's follow-up since the last import: only with force.)
    import_plan(store, read_plan_file(OREBRO), actor="t", resolution="force")
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
    with store.reading() as rows:
        stored = plans.load_plan(rows, plans.select_plan(rows, "orebro-kompetens"))
    store.close()
    versions = {m.id: m.version for m in stored.measures}
    assert {k: v for k, v in versions.items() if v != 1} == {"2": 2, "3": 2, "4": 2}
    collabs = {c.id: c.version for m in stored.measures for c in m.collaborations}
    assert {k: v for k, v in collabs.items() if v != 1} == {collaboration.id: 2}
    indicators = {i.id: i.version for m in stored.measures for i in m.indicators}
    assert {k: v for k, v in indicators.items() if v != 1} == {indicator.id: 2}
    assert [m.id for m in stored.measures] == [m.id for m in changed.measures]
    assert stored == changed.complete()


def test_an_import_writes_its_values_as_stores_of_earlier_kplans_hold_them(db: Path) -> None:
    """Dates as ISO text and the plan's lists as json.dumps text, as the ORM wrote them."""
    import json

    plan = read_plan_file(OREBRO)
    store = open_store(str(db))
    import_plan(store, plan, actor="t")
    store.close()
    row = query(
        db,
        "SELECT CAST(perspectives AS TEXT) AS perspectives, CAST(ladder AS TEXT) AS ladder,"
        " CAST(ladder_questions AS TEXT) AS questions,"
        " CAST(coordinators AS TEXT) AS coordinators, CAST(start AS TEXT) AS start,"
        ' CAST("end" AS TEXT) AS "end" FROM plan',
    )[0]
    assert row == {
        "perspectives": json.dumps(plan.perspectives),
        "ladder": json.dumps(plan.ladder),
        "questions": json.dumps(plan.ladder_questions),
        "coordinators": json.dumps(plan.coordinators),
        "start": str(plan.start),
        "end": str(plan.end),
    }
    dates = query(
        db, "SELECT key, CAST(start AS TEXT) AS start, CAST(due AS TEXT) AS due FROM measure"
    )
    by_key = {m.id: m for m in plan.measures}
    assert dates and all(
        (d["start"], d["due"])
        == tuple(
            None if v is None else v.isoformat()
            for v in (by_key[d["key"]].start, by_key[d["key"]].due)
        )
        for d in dates
    )


def test_a_dry_run_import_over_a_plan_writes_nothing(db: Path) -> None:
    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    before = dump_store(db)
    changed = read_plan_file(OREBRO)
    changed.title += "!"
    changed.coordinators = ["someone"]
    changed.measures = changed.measures[1:]
    changed.measures[0].title += "!"
    result = import_plan(store, changed, actor="ehedlund", dry_run=True)
    assert result.dry_run and result.changes
    assert dump_store(db) == before
    store.close()


def test_an_import_that_fails_halfway_writes_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving the rows and logging the events are one transaction: all or nothing."""
    from kplan.core import importing

    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    before = dump_store(db)
    logged: list[object] = []

    def fail_on_the_second(*args: object, **kwargs: object) -> None:
        logged.append(kwargs)
        if len(logged) == 2:
            raise KplanError("the disk is full")

    monkeypatch.setattr(importing, "insert_event", fail_on_the_second)
    changed = read_plan_file(OREBRO)
    changed.title += "!"
    changed.measures = changed.measures[2:]
    with pytest.raises(KplanError, match="the disk is full"):
        import_plan(store, changed, actor="ehedlund")
    store.close()
    assert dump_store(db) == before


@pytest.mark.sqlite_only
def test_an_import_over_a_stored_plan_needs_no_orm(db: Path, tmp_path: Path) -> None:
    """On an SQLite store an import runs on sqlite3 alone, as the reading commands do."""
    from tests.test_entrypoint import heavy_modules_of

    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    store.close()
    changed = tmp_path / "changed.toml"
    changed.write_text(
        OREBRO.read_text(encoding="utf-8").replace('title = "', 'title = "Ny: ', 1),
        encoding="utf-8",
    )
    result, heavy = heavy_modules_of("import", str(changed), "--as", "ehedlund", db=db)
    assert "Updated plan orebro-kompetens: 1 change" in result.stdout, result.stderr
    assert load(open_store(str(db))).title.startswith("Ny: ")
    # Typer imports pydantic for any command (see tests/test_entrypoint.py).
    assert [m for m in heavy if m != "pydantic"] == []


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
    store = open_store(str(db))
    import_plan(store, read_plan_file(OREBRO), actor="t")
    other = open_store(str(db))
    status = "SELECT status FROM measure WHERE key = :key"
    with store.reading() as rows:
        before = rows(status, {"key": "7"})[0][0]
        apply_changes(other, [Change("measure", "7", "status", "delayed")], actor="t")
        during = rows(status, {"key": "7"})[0][0]
    assert (before, during) == ("ongoing", "ongoing")
    with store.reading() as rows:
        assert rows(status, {"key": "7"})[0][0] == "delayed"
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


# Loading a plan (kplan.store.plans.load_plan): whole, in part, as an outline.


@contextmanager
def stored(*in_order: Plan) -> Iterator[Store]:
    """A fresh store holding the plans, each imported over the one before."""
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "store.db"))
        try:
            for plan in in_order:
                import_plan(store, copy.deepcopy(plan), actor="t")
            yield store
        finally:
            store.close()


def loaded(store: Store, key: str, only: list[str] | None = None, outline: bool = False) -> Plan:
    """The plan as the store loads it."""
    with store.reading() as rows:
        return plans.load_plan(rows, plans.select_plan(rows, key), only=only, outline=outline)


def versions(plan: Plan) -> list[Any]:
    """Every version counter of the plan (dataclass equality leaves them out)."""
    return [
        (
            m.id,
            m.version,
            [(c.id, c.version) for c in m.collaborations],
            [(i.id, i.version) for i in m.indicators],
        )
        for m in plan.measures
    ]


def same_types(plan: Plan) -> None:
    """A date comes back as a date, a number as the type the model holds, never as text."""
    for name in ("start", "end"):
        assert getattr(plan, name) is None or type(getattr(plan, name)) is dt.date, name
    for measure in plan.measures:
        for name in ("start", "due"):
            value = getattr(measure, name)
            assert value is None or type(value) is dt.date, name
        assert type(measure.progress) is int
        assert type(measure.version) is int
        for indicator in measure.indicators:
            for name in ("baseline", "target"):
                value = getattr(indicator, name)
                assert value is None or type(value) is float, name
            assert all(type(v) is float for v in indicator.values.values())
        assert all(type(c.step) is int for c in measure.collaborations)


@settings(SLOW, max_examples=30)
@given(
    first=generated_plans(pooled=True, plan_id="p"),
    second=generated_plans(pooled=True, plan_id="p"),
)
def test_a_plan_imported_over_another_loads_as_the_second(first: Plan, second: Plan) -> None:
    with stored(first, second) as store:
        plan = loaded(store, "p")
    assert plan == completed(second)
    same_types(plan)
    # A measure starts at version 1 and the import raised it once if its own
    # fields, Fyra P parts or perspectives changed.
    before = {m.id: m for m in completed(first).measures}

    def own(measure: Measure) -> Measure:
        return dataclasses.replace(measure, collaborations=[], indicators=[])

    for measure in plan.measures:
        old = before.get(measure.id)
        assert measure.version == (1 if old is None or own(old) == own(measure) else 2)


@settings(SLOW, max_examples=20)
@given(plan=generated_plans(plan_id="p"), data=st.data())
def test_some_measures_load_as_in_the_whole_plan(plan: Plan, data: st.DataObject) -> None:
    keys = [m.id for m in plan.measures]
    only = data.draw(st.lists(st.sampled_from(keys) if keys else st.just("none"), max_size=4))
    only.append("no-such-measure")
    with stored(plan) as store:
        some = loaded(store, "p", only)
        whole = loaded(store, "p")
    expected = [m for m in whole.measures if m.id in only]
    assert some.measures == expected
    assert versions(some) == [v for v in versions(whole) if v[0] in only]
    same_types(some)
    # The plan's own settings and people come whole with any part of it.
    some.measures, whole.measures = [], []
    assert some == whole


@settings(SLOW, max_examples=15)
@given(plan=generated_plans(plan_id="p"), data=st.data())
def test_the_event_log_lists_every_event_newest_first(plan: Plan, data: st.DataObject) -> None:
    with stored(plan) as store:
        for measure in plan.measures[:3]:
            progress = data.draw(st.integers(0, 100))
            apply_changes(store, [Change("measure", measure.id, "progress", progress)], actor="o")
        with store.reading() as rows:
            found = rows(
                "SELECT id, at, actor, measure, collaboration, indicator, field, old, new, note,"
                " db_role, source FROM event ORDER BY id DESC"
            )
        expected = [
            {
                "id": row[0],
                "at": dt.datetime.fromisoformat(row[1])
                .replace(tzinfo=dt.UTC)
                .isoformat()
                .replace("+00:00", "Z"),
                "actor": row[2],
                "measure": row[3],
                "collaboration": row[4],
                "indicator": row[5],
                "field": row[6],
                "old": row[7],
                "new": row[8],
                "note": row[9],
                "db_role": row[10] if row[10] != row[2] else None,
                # No change here was fetched from a source.
                "source": row[11],
            }
            for row in found
        ]
        assert log(store, limit=0) == expected
        limit = data.draw(st.integers(1, 5))
        assert log(store, limit=limit) == expected[:limit]
        if plan.measures:
            key = plan.measures[0].id
            assert log(store, measure=key, limit=0) == [e for e in expected if e["measure"] == key]
        newest = dt.datetime.fromisoformat(expected[0]["at"].replace("Z", "+00:00"))
        assert log(store, since=newest, limit=0) == [
            e for e in expected if e["at"] >= expected[0]["at"]
        ]
        later = newest + dt.timedelta(seconds=1)
        assert log(store, since=later, limit=0) == []


@settings(SLOW, max_examples=15)
@given(plan=generated_plans(plan_id="p"))
def test_an_outline_is_the_plan_without_indicators_and_actors(plan: Plan) -> None:
    with stored(plan) as store:
        outline = loaded(store, "p", outline=True)
        full = loaded(store, "p")
    for measure in full.measures:
        measure.indicators = []
        for collaboration in measure.collaborations:
            collaboration.actors = []
    assert outline == full
    assert versions(outline) == versions(full)
    same_types(outline)
