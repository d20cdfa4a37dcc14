"""Schema version 9: the Fyra P and perspective tables kept in the order of their keys on SQLite.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

# The two tables, each a measure's row per Fyra P part or perspective.
TABLES = {"four_p": ("part", "state"), "perspective_coverage": ("perspective", "level")}


def _set_schema_version(version: int) -> None:
    # Older kplan releases read this row, not alembic_version.
    op.execute("DELETE FROM store_info WHERE name = 'schema_version'")
    op.execute(f"INSERT INTO store_info (name, value) VALUES ('schema_version', '{version}')")


def _rebuild(with_rowid: bool) -> None:
    """Make each table again, with or without row ids, keeping every row.

    The new table is created under its own name, so its SQL reads as a new
    store's does; the old one is renamed out of the way first and dropped
    once its rows are copied.
    """
    for name, (key, value) in TABLES.items():
        old = f"_{name}_before_schema9"
        op.execute(f"ALTER TABLE {name} RENAME TO {old}")
        op.create_table(
            name,
            sa.Column("measure_id", sa.Integer(), nullable=False),
            sa.Column(key, sa.String(), nullable=False),
            sa.Column(value, sa.String(), nullable=False),
            sa.PrimaryKeyConstraint("measure_id", key),
            sa.ForeignKeyConstraint(["measure_id"], ["measure.id"]),
            sqlite_with_rowid=with_rowid,
        )
        op.execute(
            f"INSERT INTO {name} (measure_id, {key}, {value})"
            f" SELECT measure_id, {key}, {value} FROM {old}"
        )
        op.execute(f"DROP TABLE {old}")


def upgrade() -> None:
    """Rebuild four_p and perspective_coverage without row ids on SQLite.

    Nothing changes in what they hold; a list of every measure reads them by
    key, which in a table without row ids is one look-up instead of two.
    PostgreSQL keeps its tables as they are.
    """
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(with_rowid=False)
    _set_schema_version(9)


def downgrade() -> None:
    """Rebuild the two tables with row ids again (SQLite)."""
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(with_rowid=True)
    _set_schema_version(8)
