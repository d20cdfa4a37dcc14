"""Schema version 1: plans, their measures and the event log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _plan_id() -> tuple[sa.Column[int], sa.ForeignKeyConstraint]:
    # Most tables belong to a plan.
    return (
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
    )


def upgrade() -> None:
    """Create the tables of the first schema, as kplan 0.1 made them."""
    op.create_table(
        "store_info",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("organisation", sa.String(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("perspectives", sa.JSON(), nullable=False),
        sa.Column("ladder", sa.JSON(), nullable=False),
        sa.Column("ladder_questions", sa.JSON(), nullable=False),
        sa.Column("coordinators", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_key", "plan", ["key"], unique=True)
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        *_plan_id(),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "key"),
    )
    op.create_index("ix_organisation_plan_id", "organisation", ["plan_id"])
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        *_plan_id(),
        sa.Column("batch", sa.String(), nullable=False),
        sa.Column("measure", sa.String(), nullable=True),
        sa.Column("collaboration", sa.String(), nullable=True),
        sa.Column("indicator", sa.String(), nullable=True),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("old", sa.String(), nullable=True),
        sa.Column("new", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_event_plan_id", "event", ["plan_id"])
    op.create_index("ix_event_batch", "event", ["batch"])
    op.create_index("ix_event_at", "event", ["at"])
    op.create_index("ix_event_measure", "event", ["measure"])
    op.create_table(
        "owner",
        sa.Column("id", sa.Integer(), nullable=False),
        *_plan_id(),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "key"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
    )
    op.create_index("ix_owner_plan_id", "owner", ["plan_id"])
    op.create_table(
        "measure",
        sa.Column("id", sa.Integer(), nullable=False),
        *_plan_id(),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("goal", sa.String(), nullable=False),
        sa.Column("area", sa.String(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "key"),
        sa.ForeignKeyConstraint(["owner_id"], ["owner.id"]),
    )
    op.create_index("ix_measure_owner_id", "measure", ["owner_id"])
    op.create_index("ix_measure_plan_id", "measure", ["plan_id"])
    op.create_table(
        "four_p",
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("measure_id", "part"),
        sa.ForeignKeyConstraint(["measure_id"], ["measure.id"]),
    )
    op.create_table(
        "perspective_coverage",
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("perspective", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("measure_id", "perspective"),
        sa.ForeignKeyConstraint(["measure_id"], ["measure.id"]),
    )
    op.create_table(
        "collaboration",
        sa.Column("id", sa.Integer(), nullable=False),
        *_plan_id(),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "key"),
        sa.ForeignKeyConstraint(["measure_id"], ["measure.id"]),
    )
    op.create_index("ix_collaboration_plan_id", "collaboration", ["plan_id"])
    op.create_index("ix_collaboration_measure_id", "collaboration", ["measure_id"])
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        *_plan_id(),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "key"),
        sa.ForeignKeyConstraint(["measure_id"], ["measure.id"]),
    )
    op.create_index("ix_indicator_measure_id", "indicator", ["measure_id"])
    op.create_index("ix_indicator_plan_id", "indicator", ["plan_id"])
    op.create_table(
        "collaboration_actor",
        sa.Column("collaboration_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("collaboration_id", "organisation_id"),
        sa.ForeignKeyConstraint(["collaboration_id"], ["collaboration.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
    )
    op.create_table(
        "indicator_value",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("indicator_id", "period"),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
    )
    op.execute("INSERT INTO store_info (name, value) VALUES ('schema_version', '1')")


def downgrade() -> None:
    """Drop every table of the first schema."""
    for table in (
        "indicator_value",
        "collaboration_actor",
        "indicator",
        "collaboration",
        "perspective_coverage",
        "four_p",
        "measure",
        "owner",
        "event",
        "organisation",
        "plan",
        "store_info",
    ):
        op.drop_table(table)
