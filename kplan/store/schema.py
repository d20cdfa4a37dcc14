"""The store's schema: a cheap check on every open, creation and upgrades with Alembic.

Each schema version has an Alembic revision (``migrations/versions``). A
store records its revision in ``alembic_version`` and, for older kplan
releases, its version in ``store_info.schema_version``; stores made before
kplan used Alembic have only the latter and are stamped with the matching
revision before they are upgraded.

Opening a store whose revision is current costs one read and imports
nothing more: Alembic is imported only to create or upgrade a store. That
work happens under the store's write lock, so two first-time openers do not
both create or upgrade it. Before an SQLite file is upgraded, a copy of it
is made beside it; whoever opened the store hears of the upgrade through
:func:`upgrades_reported_to`.

This module imports nothing heavy at module level: the command line uses
:func:`upgrades_reported_to` without loading the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kplan.errors import StoreError
from kplan.i18n import t

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

    from kplan.store.engine import Store

# The Alembic revision of each schema version; the last is the current one.
REVISIONS: dict[int, str] = {
    1: "0001",
    2: "0002",
    3: "0003",
    4: "0004",
    5: "0005",
    6: "0006",
    7: "0007",
    8: "0008",
    9: "0009",
}
LATEST = max(REVISIONS)
HEAD = REVISIONS[LATEST]
VERSION_OF = {revision: version for version, revision in REVISIONS.items()}
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class SchemaUpgrade:
    """A store of an older schema version, brought up to date when it was opened."""

    store: str
    old_version: int
    new_version: int
    backup: Path | None


_listeners: list[Callable[[SchemaUpgrade], None]] = []


@contextmanager
def upgrades_reported_to(listener: Callable[[SchemaUpgrade], None]) -> Iterator[None]:
    """Call ``listener`` for every store upgraded while the block runs."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def ensure_schema(store: Store, *, create: bool = True) -> SchemaUpgrade | None:
    """Upgrade an older store, or (with ``create``) create one in an empty database.

    Say what was upgraded. A database that holds tables but not kplan's is
    refused, whatever ``create`` says; without ``create`` an empty one is
    reported missing. Neither is changed.
    """
    with store.engine.connect() as connection:
        found = _schema_version(connection, _display(store.url))
        if found == (LATEST, True):
            return None
        if found[0] is None and not create:
            raise StoreError(t("store.missing_server", url=_display(store.url)))
    # Look again under the write lock: another kplan may have created or
    # upgraded the store meanwhile, and nobody can from here on.
    with store.engine.execution_options(kplan_write=True).begin() as connection:
        version, stamped = _schema_version(connection, _display(store.url))
        if version is None:
            if not create:
                raise StoreError(t("store.missing_server", url=_display(store.url)))
            _create(connection)
            return None
        if version == LATEST:
            if not stamped:
                # A current store from before kplan kept a revision: the
                # schema is right, only the record of it is missing.
                _stamp(connection, version)
            return None
        if connection.dialect.name == "postgresql":
            # Only the tables' owner may alter them; anyone else hears whom to ask.
            from kplan.store.postgres_rules import require_owner_for_upgrade

            require_owner_for_upgrade(connection, _display(store.url), version, LATEST)
        backup = _backup_before_upgrade(store, version)
        if not stamped:
            _stamp(connection, version)
        _upgrade(connection)
    upgrade = SchemaUpgrade(_display(store.url), version, LATEST, backup)
    for listener in list(_listeners):
        listener(upgrade)
    return upgrade


def _schema_version(connection: Connection, url: str) -> tuple[int | None, bool]:
    """The store's schema version (None for an empty database), and whether it has a revision.

    A database with tables, none of them kplan's, is another program's: a
    StoreError, before anything is written to it.
    """
    from sqlalchemy import inspect, text

    from kplan.store.probe import is_kplan_schema

    tables = set(inspect(connection).get_table_names())
    if not is_kplan_schema(tables):
        if tables:
            raise StoreError(t("store.foreign_server", url=_display(url)))
        return None, False
    if "alembic_version" in tables:
        revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        found = list(revisions)
        if len(found) == 1 and found[0] in VERSION_OF:
            return VERSION_OF[found[0]], True
        if found:
            raise StoreError(
                t("store.unknown_revision", url=url, found=", ".join(found), known=HEAD)
            )
    value = connection.execute(
        text("SELECT value FROM store_info WHERE name = 'schema_version'")
    ).scalar()
    if value is None:
        # Older releases made the tables first and wrote the version after;
        # the tables tell which release it was.
        return (2 if "snapshot" in tables else 1), False
    try:
        version = int(value)
    except ValueError:
        raise StoreError(
            t("store.bad_schema_version", url=url, value=value, known=LATEST)
        ) from None
    if version > LATEST:
        raise StoreError(t("store.too_new", url=url, found=version, known=LATEST))
    if version not in REVISIONS:
        raise StoreError(t("store.bad_schema_version", url=url, value=value, known=LATEST))
    return version, False


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for kplan's migrations, with no ini file.

    Given ``connection``, migrations run on it, inside its transaction.
    """
    from alembic.config import Config

    config = Config()
    # Config values are interpolated: a '%' in the path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _create(connection: Connection) -> None:
    # The models are the current schema; stamping records that they are.
    # The stamp is the row Alembic's own stamp writes, in the table it makes,
    # written here so that creating a store does not import Alembic (a fifth
    # of a second); tests/test_migrations.py checks both agree.
    from sqlalchemy import text
    from sqlmodel import SQLModel

    from kplan.store import models  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(connection)
    connection.execute(
        text(
            "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL,"
            " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
    )
    connection.execute(text("DELETE FROM alembic_version"))
    connection.execute(
        text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": HEAD}
    )
    connection.execute(text("DELETE FROM store_info WHERE name = 'schema_version'"))
    connection.execute(
        text("INSERT INTO store_info (name, value) VALUES ('schema_version', :version)"),
        {"version": str(LATEST)},
    )
    if connection.dialect.name == "postgresql":
        # A shared store holds its rules from the start (see postgres_rules).
        from kplan.store.postgres_rules import install

        install(connection)


def _stamp(connection: Connection, version: int) -> None:
    from alembic import command

    command.stamp(alembic_config(connection), REVISIONS[version])


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), HEAD)


def _backup_before_upgrade(store: Store, version: int) -> Path | None:
    path = _sqlite_file(store.url)
    if path is None:
        return None
    from kplan.store.backup import copy_sqlite

    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    base = path.with_name(f"{path.name}.bak-schema{version}-{stamp}")
    target, n = base, 1
    while target.exists():
        n += 1
        target = base.with_name(f"{base.name}-{n}")
    # The copy is read through its own connection: the write lock held here
    # keeps writers out, and readers (this copy) are never blocked by it.
    copy_sqlite(path, target)
    return target


def _sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///")
    if not path or path == ":memory:":
        return None
    return Path(path)


def _display(url: str) -> str:
    from kplan.store.location import hide_password

    path = _sqlite_file(url)
    return str(path) if path is not None else hide_password(url)
