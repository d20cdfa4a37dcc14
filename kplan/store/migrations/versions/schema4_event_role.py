"""Schema version 4: the database role that wrote each event, and the server's rules.

On PostgreSQL the server from now on holds the rules itself (an append-only
event log, identity, the edit policy): kplan.store.postgres_rules installs
them as the tables' owner. On SQLite the new column stays empty.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def _set_schema_version(version: int) -> None:
    # Older kplan releases read this row, not alembic_version.
    op.execute("DELETE FROM store_info WHERE name = 'schema_version'")
    op.execute(f"INSERT INTO store_info (name, value) VALUES ('schema_version', '{version}')")


def upgrade() -> None:
    """Add event.db_role; on PostgreSQL, set up the server's rules."""
    op.add_column("event", sa.Column("db_role", sa.String(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from kplan.store.postgres_rules import install

        install(bind)
    _set_schema_version(4)


def downgrade() -> None:
    """Remove the server's rules and event.db_role again."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from kplan.store.postgres_rules import uninstall

        uninstall(bind)
    with op.batch_alter_table("event") as batch:
        batch.drop_column("db_role")
    _set_schema_version(3)
