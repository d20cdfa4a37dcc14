"""Alembic's environment for kplan's store: how migrations reach the database.

kplan runs migrations itself when it opens a store (``kplan.store.schema``),
handing over a connection that already holds the store's write lock. The
``alembic`` command works too, for people writing a new revision: give it
``-x db=PATH|URL`` or let it find the store as kplan does.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

from kplan.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def _ignore_rules_tables(name: str | None, kind: str, parent: object) -> bool:
    # The PostgreSQL rules' own tables are not models (postgres_rules makes
    # them); a revision drafted against a server store must not drop them.
    from kplan.store.postgres_rules import RULES_TABLES

    return not (kind == "table" and name in RULES_TABLES)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=_ignore_rules_tables,
        # SQLite alters a table by copying it; batch mode writes that for us.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_offline() -> None:
    """Write the migrations as SQL instead of running them (``alembic upgrade --sql``)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on kplan's connection, or on one opened here."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    with engine.begin() as own:
        _configure(own)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def _url() -> str:
    from kplan.store.location import resolve_location

    return resolve_location(context.get_x_argument(as_dictionary=True).get("db"))


if context.is_offline_mode():
    run_offline()
else:
    run_online()
