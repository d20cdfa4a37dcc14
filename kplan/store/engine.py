"""Opening a store: where it lives, the engine, its settings and transactions.

This is the one module that knows which database is behind a store. SQLite
gets foreign keys, a write-ahead log and a busy timeout; writes start with
``BEGIN IMMEDIATE`` so two writers queue on the lock instead of failing
halfway through a transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, create_engine

from kplan.core.errors import StoreError
from kplan.i18n import t
from kplan.store.location import resolve_location

BUSY_TIMEOUT_MS = 30_000


@dataclass
class Store:
    """An open store: its URL and engine, and sessions for reading and writing."""

    url: str
    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        """Whether the store is an SQLite file."""
        return self.url.startswith("sqlite")

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with _translate_errors(self.url), Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is one transaction, committed at the end or rolled back."""
        engine = self.engine.execution_options(kplan_write=True)
        with _translate_errors(self.url), Session(engine) as session, session.begin():
            yield session

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy's begin event, below; the sqlite3
    # module would otherwise open transactions on its own schedule.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_begin(connection: Any) -> None:
    if connection.get_execution_options().get("kplan_write"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


@contextmanager
def _translate_errors(url: str) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        detail = str(exc.orig) if exc.orig is not None else str(exc)
        if "locked" in detail or "busy" in detail:
            raise StoreError(t("store.locked", url=url)) from None
        raise StoreError(t("store.unusable", url=url, detail=detail)) from None
    except DatabaseError as exc:
        detail = str(exc.orig) if exc.orig is not None else str(exc)
        raise StoreError(t("store.unusable", url=url, detail=detail)) from None


def open_store(location: str | None = None, *, create: bool = True) -> Store:
    """Open (and, unless told not to, create) the store at ``location``.

    ``location`` is a path, an SQLAlchemy URL, or None for ``KPLAN_DB`` or the
    user's data folder.
    """
    url = resolve_location(location)
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            file = Path(path)
            if file.is_dir():
                raise StoreError(t("store.is_directory", path=path))
            if not file.exists():
                if not create:
                    raise StoreError(t("store.missing", path=path))
                try:
                    file.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(
                        t("store.cannot_create", path=path, detail=exc.strerror)
                    ) from None
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
    else:
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            engine = create_engine(url)
        except (ImportError, NoSuchModuleError) as exc:
            raise StoreError(t("store.no_driver", url=url, detail=exc)) from None
        except ArgumentError as exc:
            raise StoreError(t("store.bad_url", url=url, detail=exc)) from None
    store = Store(url=url, engine=engine)
    _ensure_schema(store)
    return store


def _ensure_schema(store: Store) -> None:
    # Most opens find the schema current after one plain read, so read-only
    # commands never take the write lock; creating and upgrading happen in
    # kplan.store.schema, under the lock.
    from kplan.store.schema import ensure_schema

    with _translate_errors(store.url):
        ensure_schema(store)


def store_exists(location: str | None = None) -> bool:
    """Whether the store is there already (a server store always counts as there)."""
    url = resolve_location(location)
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        return path == ":memory:" or Path(path).is_file()
    return True


def store_path_for_display(location: str | None = None) -> str:
    """Where the store is, as a person would write it (a path for SQLite)."""
    url = resolve_location(location)
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    return url
