"""Schema version 7: indicator sources, values split by group, and where fetched values came from.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def _set_schema_version(version: int) -> None:
    # Older kplan releases read this row, not alembic_version.
    op.execute("DELETE FROM store_info WHERE name = 'schema_version'")
    op.execute(f"INSERT INTO store_info (name, value) VALUES ('schema_version', '{version}')")


def upgrade() -> None:
    """Add indicator.source, event.source (both empty) and the table of values split by group."""
    op.add_column("indicator", sa.Column("source", sa.String(), nullable=True))
    op.add_column("event", sa.Column("source", sa.String(), nullable=True))
    op.create_table(
        "indicator_group_value",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("indicator_id", "part"),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # The new table gets its guard, and everyone granted the others gets it too.
        from kplan.store.postgres_rules import install

        install(bind)
    _set_schema_version(7)


def downgrade() -> None:
    """Remove the values split by group, event.source and indicator.source again."""
    op.drop_table("indicator_group_value")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("source")
    with op.batch_alter_table("indicator") as batch:
        batch.drop_column("source")
    _set_schema_version(6)
