"""Changes in the store: the things a batch changes, read once, and the one write of a field.

Every field a change can set is one entry of ``FIELD_COLUMNS``: the table
that holds it, the column naming the thing it belongs to, the column naming
its part (for fields with one value per part) and the column of its value.
``write_field`` writes any of them from that entry alone, so a new kind of
field is one entry here (and one kind in ``kplan.address``), not a new
branch of code.

The rules (which values are valid, who may change what, versions) are the
core's (``kplan.core.changes``); these functions only read and write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kplan.address import FieldAddress
from kplan.domain import split_group_part
from kplan.store.tx import Rows


@dataclass(frozen=True)
class FieldColumn:
    """Where one kind of field is stored.

    ``owner`` is the column holding the row id of the measure, collaboration
    or indicator; ``part`` the column naming the part (None: the field is a
    column of that thing's own row); ``absent`` the value a missing row
    stands for; ``number`` whether the stored value reads back as a float
    (a NUMERIC column, which PostgreSQL gives as a Decimal).
    """

    table: str
    owner: str
    part: str | None
    value: str
    absent: Any = None
    number: bool = False


FIELD_COLUMNS: dict[str, FieldColumn] = {
    "status": FieldColumn("measure", "id", None, "status"),
    "progress": FieldColumn("measure", "id", None, "progress"),
    "situation": FieldColumn("measure", "id", None, "situation"),
    "step": FieldColumn("collaboration", "id", None, "step"),
    "four_p": FieldColumn("four_p", "measure_id", "part", "state", absent="not-started"),
    "perspectives": FieldColumn(
        "perspective_coverage", "measure_id", "perspective", "level", absent="no"
    ),
    "values": FieldColumn("indicator_value", "indicator_id", "period", "value", number=True),
    # A value split by group: the part is ``PERIOD.PERSPECTIVE=GROUP`` (kplan.domain.group_part).
    "groups": FieldColumn("indicator_group_value", "indicator_id", "part", "value", number=True),
}

# The things a change targets; each names its measure (a measure itself).
TARGET_KINDS = ("measure", "collaboration", "indicator")


@dataclass(frozen=True)
class StoredValue:
    """A field's value as stored, and whether a row holds it (a missing part has none)."""

    exists: bool
    value: Any


@dataclass(frozen=True)
class TargetRow:
    """A measure, collaboration or indicator as a batch reads it at its start.

    ``fields`` holds the values of the fields that are columns of its own
    row (a measure's status and progress, a collaboration's step).
    """

    row_id: int
    key: str
    measure_id: int
    measure_key: str
    version: int
    fields: dict[FieldAddress, StoredValue]


def _own_columns(kind: str) -> list[tuple[str, str]]:
    """The (field kind, column) pairs stored in the row of a ``kind`` thing itself."""
    return [
        (name, column.value)
        for name, column in FIELD_COLUMNS.items()
        if column.part is None and column.table == kind
    ]


def _target_sql(kind: str) -> str:
    own = "".join(f", t.{column}" for _, column in _own_columns(kind))
    if kind == "measure":
        return (
            f"SELECT t.id, t.key, t.id, t.key, t.version{own} FROM measure t"
            " WHERE t.plan_id = :plan AND t.key = :key"
        )
    return (
        f"SELECT t.id, t.key, m.id, m.key, t.version{own} FROM {kind} t"
        " JOIN measure m ON m.id = t.measure_id WHERE t.plan_id = :plan AND t.key = :key"
    )


_TARGET_SQL = {
    kind: (_target_sql(kind), [FieldAddress(name) for name, _ in _own_columns(kind)])
    for kind in TARGET_KINDS
}


def read_target(rows: Rows, plan_id: int, kind: str, key: str) -> TargetRow | None:
    """The ``kind`` thing with id ``key`` in the plan, or None when it has none."""
    sql, names = _TARGET_SQL[kind]
    found = rows(sql, {"plan": plan_id, "key": key})
    if not found:
        return None
    row = found[0]
    return TargetRow(
        row_id=row[0],
        key=row[1],
        measure_id=row[2],
        measure_key=row[3],
        version=row[4],
        fields={
            address: StoredValue(True, value) for address, value in zip(names, row[5:], strict=True)
        },
    )


def target_keys(rows: Rows, plan_id: int, kind: str) -> list[str]:
    """The ids of the plan's ``kind`` things in plan order (for "did you mean")."""
    if kind not in TARGET_KINDS:
        raise ValueError(kind)
    found = rows(
        f"SELECT key FROM {kind} WHERE plan_id = :plan ORDER BY position", {"plan": plan_id}
    )
    return [row[0] for row in found]


def measure_owner(rows: Rows, measure_id: int) -> str:
    """The id of the process owner of a measure (by its row id)."""
    found = rows(
        "SELECT o.key FROM owner o JOIN measure m ON m.owner_id = o.id WHERE m.id = :measure",
        {"measure": measure_id},
    )
    return str(found[0][0])


def read_field(rows: Rows, address: FieldAddress, row_id: int) -> StoredValue:
    """The stored value of the field ``address`` of the thing with row id ``row_id``."""
    column = FIELD_COLUMNS[address.kind]
    where, params = _where(column, address, row_id)
    found = rows(f"SELECT {column.value} FROM {column.table} WHERE {where}", params)
    if not found:
        return StoredValue(False, column.absent)
    value = found[0][0]
    if column.number and value is not None:
        value = float(value)
    return StoredValue(True, value)


def write_field(
    rows: Rows, address: FieldAddress, row_id: int, value: Any, *, exists: bool
) -> StoredValue:
    """Set the field ``address`` of the thing ``row_id`` to ``value``; the stored result.

    ``exists`` says whether a row holds the field now (``read_field``): a
    part's row is updated or, the first time, inserted; None removes it.
    """
    column = FIELD_COLUMNS[address.kind]
    where, params = _where(column, address, row_id)
    params["value"] = value
    if column.part is not None and value is None:
        if exists:
            rows(f"DELETE FROM {column.table} WHERE {where}", params)
        return StoredValue(False, column.absent)
    if exists or column.part is None:
        rows(f"UPDATE {column.table} SET {column.value} = :value WHERE {where}", params)
    else:
        rows(
            f"INSERT INTO {column.table} ({column.owner}, {column.part}, {column.value})"
            " VALUES (:id, :part, :value)",
            params,
        )
    return StoredValue(True, value)


def _where(column: FieldColumn, address: FieldAddress, row_id: int) -> tuple[str, dict[str, Any]]:
    if column.part is None:
        return f"{column.owner} = :id", {"id": row_id}
    return (
        f"{column.owner} = :id AND {column.part} = :part",
        {"id": row_id, "part": address.part},
    )


def set_version(rows: Rows, kind: str, row_id: int, version: int) -> None:
    """Give the ``kind`` thing with row id ``row_id`` its new version number."""
    if kind not in TARGET_KINDS:
        raise ValueError(kind)
    rows(f"UPDATE {kind} SET version = :version WHERE id = :id", {"version": version, "id": row_id})


def group_names(rows: Rows, indicator_id: int, perspective: str) -> list[str]:
    """The groups of ``perspective`` the indicator with row id ``indicator_id`` has values for."""
    found = rows(
        "SELECT part FROM indicator_group_value WHERE indicator_id = :id", {"id": indicator_id}
    )
    names: list[str] = []
    for (part,) in found:
        pieces = split_group_part(str(part))
        if pieces is not None and pieces[1] == perspective and pieces[2] not in names:
            names.append(pieces[2])
    return names
