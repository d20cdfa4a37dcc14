"""Schema version 2: follow-up rounds, their reports, and snapshots.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _set_schema_version(version: int) -> None:
    # Older kplan releases read this row, not alembic_version.
    op.execute("DELETE FROM store_info WHERE name = 'schema_version'")
    op.execute(f"INSERT INTO store_info (name, value) VALUES ('schema_version', '{version}')")


def upgrade() -> None:
    """Add the round, round_report and snapshot tables."""
    op.create_table(
        "round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by", sa.String(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(), nullable=True),
        sa.Column("previous_snapshot", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "name"),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
    )
    op.create_index("ix_round_plan_id", "round", ["plan_id"])
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("taken_by", sa.String(), nullable=False),
        sa.Column("content", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "name"),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
    )
    op.create_index("ix_snapshot_plan_id", "snapshot", ["plan_id"])
    op.create_table(
        "round_report",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("round_id", "measure"),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"]),
    )
    _set_schema_version(2)


def downgrade() -> None:
    """Drop the round and snapshot tables."""
    op.drop_table("round_report")
    op.drop_index("ix_snapshot_plan_id", table_name="snapshot")
    op.drop_table("snapshot")
    op.drop_index("ix_round_plan_id", table_name="round")
    op.drop_table("round")
    _set_schema_version(1)
