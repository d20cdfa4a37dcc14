"""Schema version 6: each snapshot keeps its measures' states beside the whole plan.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from kplan.store.snapshots import states_of

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def _set_schema_version(version: int) -> None:
    # Older kplan releases read this row, not alembic_version.
    op.execute("DELETE FROM store_info WHERE name = 'schema_version'")
    op.execute(f"INSERT INTO store_info (name, value) VALUES ('schema_version', '{version}')")


def upgrade() -> None:
    """Add snapshot.states and fill it from each snapshot's content where that can be read."""
    op.add_column("snapshot", sa.Column("states", sa.String(), nullable=True))
    connection = op.get_bind()
    found = connection.execute(sa.text("SELECT id, content FROM snapshot")).all()
    for key, content in found:
        try:
            states = states_of(json.loads(content))
        except (ValueError, RecursionError):
            states = None
        if states is None:
            # Left NULL: kplan reads the whole content, and says what is wrong with it.
            continue
        connection.execute(
            sa.text("UPDATE snapshot SET states = :states WHERE id = :id"),
            {"states": json.dumps(states, ensure_ascii=False), "id": key},
        )
    _set_schema_version(6)


def downgrade() -> None:
    """Remove snapshot.states again."""
    with op.batch_alter_table("snapshot") as batch:
        batch.drop_column("states")
    _set_schema_version(5)
