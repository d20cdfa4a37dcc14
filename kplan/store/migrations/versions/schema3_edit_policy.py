"""Schema version 3: the plan's edit policy (who may change a measure).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def _set_schema_version(version: int) -> None:
    # Older kplan releases read this row, not alembic_version.
    op.execute("DELETE FROM store_info WHERE name = 'schema_version'")
    op.execute(f"INSERT INTO store_info (name, value) VALUES ('schema_version', '{version}')")


def upgrade() -> None:
    """Add plan.edit; every existing plan keeps the open policy it had."""
    op.add_column("plan", sa.Column("edit", sa.String(), nullable=False, server_default="open"))
    _set_schema_version(3)


def downgrade() -> None:
    """Drop plan.edit again."""
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("edit")
    _set_schema_version(2)
