"""Schema version 5: a measure's current state in its owner's words (läget).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def _set_schema_version(version: int) -> None:
    # Older kplan releases read this row, not alembic_version.
    op.execute("DELETE FROM store_info WHERE name = 'schema_version'")
    op.execute(f"INSERT INTO store_info (name, value) VALUES ('schema_version', '{version}')")


def upgrade() -> None:
    """Add measure.situation, empty for every measure."""
    op.add_column("measure", sa.Column("situation", sa.String(), nullable=True))
    _set_schema_version(5)


def downgrade() -> None:
    """Remove measure.situation again."""
    with op.batch_alter_table("measure") as batch:
        batch.drop_column("situation")
    _set_schema_version(4)
