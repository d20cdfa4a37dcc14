"""The read commands' plain-SQL reads return exactly what the ORM reads return.

``kplan.store.plans`` answers ``list``, ``show``, ``log`` and the TUI without
the ORM; ``kplan.core.repository.load_plan`` (SQLModel) serves imports and
snapshots. These tests load generated stores both ways and compare every
field, versions included, and the event log row by row.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kplan.core.changes import Change, apply_changes
from kplan.core.importing import import_plan
from kplan.core.queries import log
from kplan.core.repository import find_plan_row, load_plan
from kplan.model import Plan
from kplan.store import plans as reads
from kplan.store.engine import Store, open_store
from tests.test_roundtrip import SLOW, plans


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


def through_the_orm(store: Store, key: str, only: list[str] | None = None) -> Plan:
    with store.read() as session:
        row = find_plan_row(session, key)
        assert row is not None
        return load_plan(session, row, only=only)


def through_plain_sql(store: Store, key: str, only: list[str] | None = None) -> Plan:
    with store.reading() as rows:
        return reads.load_plan(rows, reads.select_plan(rows, key), only=only)


def same(left: Plan, right: Plan) -> None:
    assert left == right
    assert versions(left) == versions(right)
    # Types too: a date must not come back as text, nor a float as an int.
    for a, b in zip(left.measures, right.measures, strict=True):
        for name in ("start", "due", "progress"):
            assert type(getattr(a, name)) is type(getattr(b, name)), name
        for x, y in zip(a.indicators, b.indicators, strict=True):
            assert [type(v) for v in x.values.values()] == [type(v) for v in y.values.values()]


@settings(SLOW, max_examples=30)
@given(first=plans(pooled=True, plan_id="p"), second=plans(pooled=True, plan_id="p"))
def test_a_whole_plan_reads_the_same(first: Plan, second: Plan) -> None:
    with stored(first, second) as store:
        same(through_plain_sql(store, "p"), through_the_orm(store, "p"))
        plain = dataclasses.asdict(through_plain_sql(store, "p"))
        orm = dataclasses.asdict(through_the_orm(store, "p"))
        assert plain == orm


@settings(SLOW, max_examples=20)
@given(plan=plans(plan_id="p"), data=st.data())
def test_some_measures_read_the_same(plan: Plan, data: st.DataObject) -> None:
    keys = [m.id for m in plan.measures]
    only = data.draw(st.lists(st.sampled_from(keys) if keys else st.just("none"), max_size=4))
    only.append("no-such-measure")
    with stored(plan) as store:
        same(through_plain_sql(store, "p", only), through_the_orm(store, "p", only))


@settings(SLOW, max_examples=15)
@given(plan=plans(plan_id="p"), data=st.data())
def test_the_event_log_reads_the_same(plan: Plan, data: st.DataObject) -> None:
    from sqlmodel import col, select

    from kplan.store.models import EventRow

    with stored(plan) as store:
        for measure in plan.measures[:3]:
            progress = data.draw(st.integers(0, 100))
            apply_changes(store, [Change("measure", measure.id, "progress", progress)], actor="o")
        with store.read() as session:
            expected = [
                {
                    "id": row.id,
                    "at": row.at.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z"),
                    "actor": row.actor,
                    "measure": row.measure,
                    "collaboration": row.collaboration,
                    "indicator": row.indicator,
                    "field": row.field,
                    "old": row.old,
                    "new": row.new,
                    "note": row.note,
                    "db_role": row.db_role if row.db_role != row.actor else None,
                }
                for row in session.exec(select(EventRow).order_by(col(EventRow.id).desc()))
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
@given(plan=plans(plan_id="p"))
def test_an_outline_is_the_plan_without_indicators_and_actors(plan: Plan) -> None:
    with stored(plan) as store:
        with store.reading() as rows:
            outline = reads.load_plan(rows, reads.select_plan(rows, "p"), outline=True)
        full = through_the_orm(store, "p")
    for measure in full.measures:
        measure.indicators = []
        for collaboration in measure.collaborations:
            collaboration.actors = []
    same(outline, full)
