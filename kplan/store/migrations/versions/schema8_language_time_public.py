"""Schema version 8: a plan's language, time zone and public exports; a measure's public läget.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def _set_schema_version(version: int) -> None:
    # Older kplan releases read this row, not alembic_version.
    op.execute("DELETE FROM store_info WHERE name = 'schema_version'")
    op.execute(f"INSERT INTO store_info (name, value) VALUES ('schema_version', '{version}')")


def upgrade() -> None:
    """Add plan.language, plan.timezone (both unset), plan.public and measure.situation_public.

    Every existing plan keeps what it had: no language or zone of its own (a
    Swedish plan's defaults), exports that are not public, and no läget
    published.
    """
    op.add_column("plan", sa.Column("language", sa.String(), nullable=True))
    op.add_column("plan", sa.Column("timezone", sa.String(), nullable=True))
    op.add_column(
        "plan", sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "measure",
        sa.Column("situation_public", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # The measure's guard lets its owner mark her läget public, as kplan does.
        from kplan.store.postgres_rules import install

        install(bind)
    _set_schema_version(8)


def downgrade() -> None:
    """Remove the four columns again."""
    with op.batch_alter_table("measure") as batch:
        batch.drop_column("situation_public")
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("public")
        batch.drop_column("timezone")
        batch.drop_column("language")
    _set_schema_version(7)
