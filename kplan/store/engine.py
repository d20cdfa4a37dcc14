"""Opening a store: where it lives, the engine, its settings and transactions.

This is the one module that knows which database is behind a store. SQLite
gets foreign keys, a write-ahead log and a busy timeout; writes start with
``BEGIN IMMEDIATE`` so two writers queue on the lock instead of failing
halfway through a transaction. PostgreSQL (``postgresql+psycopg://``) gets
the same guarantee from a transaction-level advisory lock that every write
takes first, and a session in UTC.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kplan.errors import InvalidValueError, StoreError
from kplan.i18n import t
from kplan.store.location import hide_password, resolve_location, sqlite_path
from kplan.store.probe import (
    EMPTY,
    FOREIGN,
    MISSING,
    NOT_DATABASE,
    STORE,
    fingerprint,
    may_write,
    open_reader,
    os_error_detail,
    probe,
    refusal,
)

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy import Connection
    from sqlalchemy.engine import Engine

    from kplan.store.postgres_rules import Identity
    from kplan.store.tx import Rows

BUSY_TIMEOUT_MS = 30_000
# The advisory lock every PostgreSQL write transaction holds ("kplan" in ASCII).
# One lock per database: a store is one database, and writes are short.
PG_WRITE_LOCK = 0x6B706C616E
PG_CONNECT_TIMEOUT_S = 10
PG_LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock_timeout that ran out
PG_INSUFFICIENT_PRIVILEGE = "42501"  # SQLSTATE of a refusal: GRANTs or kplan's rules


@dataclass
class Store:
    """An open store: its URL, and transactions for reading and writing.

    Every query of kplan runs in a transaction from ``reading`` or
    ``writing`` (the one transaction API, see ``kplan.store.tx``). An SQLite
    store is read and changed through the standard library's sqlite3, so the
    commands people run most never import SQLAlchemy; a server store runs
    the same SQL text through the SQLAlchemy engine, made the first time
    something asks for it.
    """

    url: str
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The store's SQLAlchemy engine (made on first use)."""
        if self._engine is None:
            self._engine = _make_engine(self.url)
        return self._engine

    @property
    def is_sqlite(self) -> bool:
        """Whether the store is an SQLite file."""
        return self.url.startswith("sqlite")

    def default_actor(self) -> str | None:
        """Who acts when nobody said: the database role's person on a server; None for SQLite."""
        found = self.identity()
        return found.person if found is not None else None

    def identity(self) -> Identity | None:
        """Who is connected to a server store, as its rules see it; None for SQLite."""
        if self.is_sqlite:
            return None
        from kplan.store.postgres_rules import identity

        with _translate_errors(self.url):
            return identity(self)

    @contextmanager
    def reading(self) -> Iterator[Rows]:
        """A read-only transaction: SQL text in, tuples out.

        An SQLite file is read with the standard library's sqlite3 directly,
        which is all a read needs; other stores go through the engine.
        """
        if self.is_sqlite:
            with _sqlite_reading(self.url) as rows:
                yield rows
            return
        from sqlalchemy import text

        with _translate_errors(self.url), self.engine.connect() as connection:
            yield _AlchemyRows(connection, text)

    @contextmanager
    def writing(self, *, commit: bool = True) -> Iterator[Rows]:
        """One write transaction for plain SQL, committed at the end (rolled back on error).

        Like ``write()``, writers queue for the store's write lock before
        reading anything, so what they check is still true when they write.
        With ``commit=False`` the work is rolled back: a dry run.
        """
        if self.is_sqlite:
            with _sqlite_writing(self.url, commit=commit) as rows:
                yield rows
            return
        from sqlalchemy import text

        engine = self.engine.execution_options(kplan_write=True)
        with _translate_errors(self.url), engine.connect() as connection:
            transaction = connection.begin()
            try:
                yield _AlchemyRows(connection, text)
            except BaseException:
                transaction.rollback()
                raise
            if commit:
                transaction.commit()
            else:
                transaction.rollback()

    def close(self) -> None:
        """Release the store's connections."""
        if self._engine is not None:
            self._engine.dispose()


def server_connection(rows: Rows) -> Connection:
    """The SQLAlchemy connection a server store's transaction runs on.

    For the server's own rules (kplan.store.postgres_rules), which quote
    names with the dialect and run DDL in savepoints; an SQLite file's
    transactions run on sqlite3 and have none.
    """
    if not isinstance(rows, _AlchemyRows):
        raise TypeError("not a transaction on an SQLAlchemy connection")
    connection: Connection = rows.connection
    return connection


class _AlchemyRows:
    """A transaction on an SQLAlchemy connection (a server store), as ``Rows``."""

    def __init__(
        self,
        connection: Any,
        text: Any,
        convert: Callable[[Mapping[str, Any] | None], dict[str, Any]] = lambda found: dict(
            found or {}
        ),
    ) -> None:
        self._connection, self._text, self._convert = connection, text, convert

    @property
    def connection(self) -> Any:
        """The SQLAlchemy connection the transaction runs on."""
        return self._connection

    def __call__(self, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Any]:
        found = self._connection.execute(self._text(sql), self._convert(params))
        return found.all() if found.returns_rows else []

    def many(self, sql: str, params: Sequence[Mapping[str, Any]]) -> None:
        if params:
            self._connection.execute(self._text(sql), [self._convert(p) for p in params])

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        values: Iterable[Sequence[Any]],
        *,
        dates: Sequence[int] = (),
    ) -> None:
        self.many(
            f"INSERT INTO {table} ({', '.join(columns)})"
            f" VALUES ({', '.join(':' + c for c in columns)})",
            [dict(zip(columns, row, strict=True)) for row in values],
        )


class _SqliteRows:
    """A transaction on an sqlite3 connection, as ``Rows``."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __call__(self, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Any]:
        return self._connection.execute(sql, _sqlite_values(params)).fetchall()

    def many(self, sql: str, params: Sequence[Mapping[str, Any]]) -> None:
        self._connection.executemany(sql, [_sqlite_row(p) for p in params])

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        values: Iterable[Sequence[Any]],
        *,
        dates: Sequence[int] = (),
    ) -> None:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        if dates:
            values = (_sqlite_dated(row, dates) for row in values)
        self._connection.executemany(sql, values)


def _sqlite_dated(row: Sequence[Any], dates: Sequence[int]) -> Sequence[Any]:
    """``row`` with the dates at the positions ``dates`` as SQLite keeps them."""
    if all(row[i] is None for i in dates):
        return row
    converted = list(row)
    for i in dates:
        converted[i] = _sqlite_value(converted[i])
    return converted


def _sqlite_row(params: Mapping[str, Any]) -> Mapping[str, Any]:
    # A bulk write passes many rows, most with no moment or date to convert:
    # those pass as they are, which saves an import much of its time.
    for value in params.values():
        if isinstance(value, dt.date):
            return _sqlite_values(params)
    return params


# How SQLAlchemy writes a datetime into SQLite, so comparisons with stored
# moments are comparisons of like strings.
_SQLITE_MOMENT = "%Y-%m-%d %H:%M:%S.%f"


def _sqlite_values(params: Mapping[str, Any] | None) -> dict[str, Any]:
    # SQLite keeps moments as naive UTC text (an aware moment is turned to UTC
    # first) and dates as ISO text, as SQLAlchemy writes them; the sqlite3
    # module's own date adapters are deprecated.
    return {name: _sqlite_value(value) for name, value in (params or {}).items()}


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _sqlite_moment(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sqlite_moment(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime(_SQLITE_MOMENT)


def _sqlite_connect(path: str) -> sqlite3.Connection:
    """A connection to an existing SQLite file, in autocommit mode (BEGIN is ours).

    ``mode=rw`` makes a file that has gone missing an error rather than a
    new empty database: reading or changing a store never creates one.
    """
    import sqlite3

    target, uri = path, False
    if path and path != ":memory:":
        target, uri = Path(path).absolute().as_uri() + "?mode=rw", True
    return sqlite3.connect(target, uri=uri, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


@contextmanager
def _sqlite_errors(url: str) -> Iterator[None]:
    import sqlite3

    try:
        yield
    except sqlite3.OperationalError as exc:
        detail = str(exc)
        if "locked" in detail or "busy" in detail:
            raise StoreError(t("store.locked", url=url)) from None
        raise _not_writable(url) or StoreError(
            t("store.unusable", url=url, detail=detail)
        ) from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(t("store.unusable", url=url, detail=str(exc))) from None


def _older_schema(revisions: tuple[str, ...] | None) -> bool:
    """Whether a store with these schema revisions is one this kplan upgrades."""
    from kplan.store.schema import HEAD, VERSION_OF

    if revisions is None:
        return True  # made before kplan kept a revision: schema 1 or 2
    return len(revisions) == 1 and revisions[0] in VERSION_OF and revisions[0] != HEAD


def _why_not_writable(file: Path) -> str:
    if os.access(file, os.W_OK):
        return t("files.folder_not_writable", folder=file.absolute().parent)
    return t("files.file_not_writable")


def _not_writable(url: str) -> StoreError | None:
    """The error for a change to an SQLite store this user may only read, if it is one.

    SQLite says "attempt to write a readonly database" or "unable to open
    database file"; this says which: the file, or the folder its journal
    goes in.
    """
    file = sqlite_path(url)
    if file is None or may_write(file) or not os.path.exists(file):
        return None
    return StoreError(t("store.read_only", path=file, detail=_why_not_writable(file)))


@contextmanager
def _sqlite_writing(url: str, *, commit: bool) -> Iterator[Rows]:
    # A file this user may only read is refused before it is opened: SQLite
    # would open it read-only and, in a folder anyone may write, leave a
    # write-ahead log and its index beside it before the write fails.
    refused = _not_writable(url)
    if refused is not None:
        raise refused
    path = url.removeprefix("sqlite:///")
    with _sqlite_errors(url):
        connection = _sqlite_connect(path)
    try:
        with _sqlite_errors(url):
            # The same settings as the engine's connections (see _on_connect).
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteRows(connection)
            except BaseException:
                connection.rollback()
                raise
            if commit:
                connection.commit()
            else:
                connection.rollback()
    finally:
        connection.close()


@contextmanager
def _sqlite_reading(url: str) -> Iterator[Rows]:
    # A store this user may only read is read all the same, without a byte
    # written beside it (see kplan.store.probe.open_reader).
    path = Path(url.removeprefix("sqlite:///"))
    with _read_only_guard(url, path) as connection, _sqlite_errors(url):
        # One transaction, so every query of a command sees the same state.
        connection.execute("BEGIN")
        yield _SqliteRows(connection)


@contextmanager
def _read_only_guard(url: str, path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that only reads the store, closed at the end.

    A store read as immutable (one this user cannot write, with no writer
    at work when the read began) is checked afterwards: should a writer
    have changed it meanwhile, what was read may be a mix of two states,
    and the command stops with a line asking to run it again.
    """
    import sqlite3

    connection, immutable = open_reader(path, store=True, shown=url)
    before = fingerprint(path) if immutable else None
    try:
        yield connection
    except (sqlite3.Error, StoreError):
        if before is not None and _changed(path, before):
            raise StoreError(t("store.changed_while_read", path=path)) from None
        raise
    finally:
        connection.close()
    if before is not None and _changed(path, before):
        raise StoreError(t("store.changed_while_read", path=path))


def _changed(path: Path, before: tuple[int, int, bool]) -> bool:
    try:
        return fingerprint(path) != before
    except OSError:
        return True


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy's begin event, below; the sqlite3
    # module would otherwise open transactions on its own schedule.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # The engine is made only for a file known to be a kplan store, or an
    # empty one becoming a store: an empty file stays in rollback-journal
    # mode until its tables are there (see open_store).
    if cursor.execute("PRAGMA page_count").fetchone()[0]:
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_begin(connection: Any) -> None:
    if connection.get_execution_options().get("kplan_write"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def _on_begin_postgres(connection: Any) -> None:
    # Writers queue here, as SQLite's do on BEGIN IMMEDIATE: the version check
    # and the write of one command are then atomic, and event ids are handed
    # out in commit order, which the TUI's "newest event id" check relies on.
    # A lock rather than SERIALIZABLE with retries: writes are short and few,
    # and a retry loop would have to replay whole commands. The lock ends with
    # the transaction, so a crashed client cannot leave it held. Creating the
    # tables of a new store is a write too, and PostgreSQL's DDL is
    # transactional, so of two first openers the second finds the tables made
    # and creates nothing. Reads take no
    # lock; they see one snapshot throughout, as SQLite's readers do, so a
    # plan loaded in several queries never mixes states before and after a
    # write (read-only work cannot fail to serialise at this level).
    if connection.get_execution_options().get("kplan_write"):
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")
    else:
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _display_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return hide_password(url)


def first_line(text: str) -> str:
    """The first non-empty line of a server message, its spaces collapsed."""
    # Server messages run over several lines (a hint, a traceback-like
    # context); the first says what is wrong.
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return lines[0] if lines else text.strip()


def _refused_by_server(exc: Any, detail: str) -> None:
    """A server's refusal is a permission error (exit 4), whichever rule refused."""
    if getattr(exc.orig, "sqlstate", None) != PG_INSUFFICIENT_PRIVILEGE:
        return
    from kplan.errors import PermissionRefused

    # A missing GRANT ("permission denied for table ...") is the owner's to
    # give; kplan's own rules say in their message who may.
    granted = detail.startswith("permission denied")
    key = "permission.server_grant" if granted else "permission.server"
    raise PermissionRefused(t(key, detail=detail)) from None


@contextmanager
def _translate_errors(store_url: str) -> Iterator[None]:
    from sqlalchemy.exc import DatabaseError, OperationalError

    url = _display_url(store_url)
    try:
        yield
    except OperationalError as exc:
        detail = first_line(str(exc.orig) if exc.orig is not None else str(exc))
        if not url.startswith("sqlite"):
            _refused_by_server(exc, detail)
            if getattr(exc.orig, "sqlstate", None) == PG_LOCK_NOT_AVAILABLE:
                raise StoreError(t("store.locked", url=url)) from None
            raise StoreError(t("store.unusable", url=url, detail=detail)) from None
        if "locked" in detail or "busy" in detail:
            raise StoreError(t("store.locked", url=url)) from None
        raise _not_writable(store_url) or StoreError(
            t("store.unusable", url=url, detail=detail)
        ) from None
    except DatabaseError as exc:
        detail = first_line(str(exc.orig) if exc.orig is not None else str(exc))
        _refused_by_server(exc, detail)
        if "NUL (0x00)" in detail:
            # psycopg refuses the value before it reaches the server; SQLite
            # stores it. Say what is wrong with the input, not the store.
            raise InvalidValueError(t("store.nul_text")) from None
        raise StoreError(t("store.unusable", url=url, detail=detail)) from None


def open_store(location: str | None = None, *, create: bool = True) -> Store:
    """Open the kplan store at ``location``; with ``create``, make one where there is none.

    ``location`` is a path, an SQLAlchemy URL, or None for ``KPLAN_DB`` or the
    user's data folder. A store is created only with ``create`` (``kplan
    init`` and ``kplan import``), and only in a missing or empty (0-byte)
    file or an empty database; anything else that is not a kplan store is
    refused and left exactly as it was (see ``kplan.store.probe``).
    """
    url = _with_driver(resolve_location(location))
    file = sqlite_path(url)
    if file is None:
        store = Store(url=url, _engine=_make_engine(url))
        try:
            _ensure_schema(store, create=create)
        except BaseException:
            store.close()
            raise
        return store
    found = probe(file)
    if found.current:
        # The usual case: no engine yet, and nothing more to check.
        return Store(url=url)
    if found.kind in (FOREIGN, NOT_DATABASE):
        raise refusal(file, found)
    if found.kind == STORE and _older_schema(found.revisions) and not may_write(file):
        # The upgrade writes the store (and a copy beside it) before anything
        # can be read; say so, rather than that a read would change it.
        raise StoreError(t("store.upgrade_read_only", path=file, detail=_why_not_writable(file)))
    new = found.kind in (MISSING, EMPTY)
    if new and not create:
        raise StoreError(t("store.missing", path=file))
    made = found.kind == MISSING and _make_file(file)
    if new:
        try:
            created = _create_sqlite(url, file)
        except BaseException:
            if made:
                _remove_if_empty(file)
            raise
        if created:
            return Store(url=url)
        # Another kplan made the store meanwhile: opened as any other below.
    store = Store(url=url)
    try:
        # Inside the try: loading SQLAlchemy takes long enough for a Ctrl-C
        # to land in it, and the empty file just made must not stay behind.
        store._engine = _make_engine(url)
        _ensure_schema(store, create=create)
    except BaseException:
        store.close()
        if made:
            _remove_if_empty(file)
        raise
    if new:
        _use_wal(store)
    return store


def _create_sqlite(url: str, file: Path) -> bool:
    """Create a new store's tables in the empty file with sqlite3; False if it is not empty.

    The SQL is kept in kplan.store.sqlite_schema, so making a store imports
    neither SQLAlchemy nor Alembic. The file is empty again should this
    fail or be interrupted: the tables are made in one transaction, in
    SQLite's rollback-journal mode, and only then is the write-ahead log
    switched on (as every later connection would).
    """
    import sqlite3

    from kplan.store.sqlite_schema import create

    with _sqlite_errors(url):
        connection = _sqlite_connect(str(file))
    try:
        with _sqlite_errors(url):
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Under the write lock: of two first openers, the second finds the tables made.
            connection.execute("BEGIN IMMEDIATE")
            if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                connection.rollback()
                return False
            try:
                create(connection)
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
        # Should another kplan hold the file, the store works as it is, and a
        # later connection switches the log on (see _on_connect).
        with contextlib.suppress(sqlite3.OperationalError):
            connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()
    return True


def _make_file(file: Path) -> bool:
    """Create the empty file of a new store (and its folders); False if someone just did."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        if file.is_file():
            return False
        raise StoreError(t("store.cannot_create", path=file, detail=t("files.a_folder"))) from None
    except OSError as exc:
        raise StoreError(
            t("store.cannot_create", path=file, detail=os_error_detail(file, exc))
        ) from None
    os.close(descriptor)
    return True


def _remove_if_empty(file: Path) -> None:
    # A store that could not be created leaves no empty file behind to be
    # mistaken for one (a 0-byte file is still "no store" to every command).
    try:
        if file.stat().st_size == 0:
            file.unlink()
    except OSError:
        pass


def _use_wal(store: Store) -> None:
    # A new store is created in SQLite's rollback-journal mode, so a creator
    # that dies halfway leaves a file that is empty again, not a database
    # without tables. Now that the tables are there, the engine's next
    # connection switches the write-ahead log on (see _on_connect). Should
    # another kplan hold the file that long, the store works as it is, and
    # a later connection switches it.
    store.engine.dispose()
    try:
        with _translate_errors(store.url), store.engine.connect():
            pass
    except StoreError:
        store.engine.dispose()


def _make_engine(url: str) -> Engine:
    from sqlalchemy import event
    from sqlmodel import create_engine

    file = sqlite_path(url)
    if file is not None:
        from sqlalchemy.engine import URL

        # The path as it is: a URL string would read "?" or "#" in a file
        # name as the start of options.
        engine = create_engine(
            URL.create("sqlite", database=str(file)),
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
        return engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    shown = _display_url(url)
    postgres = url.startswith(("postgresql:", "postgresql+", "postgres:"))
    connect_args: dict[str, Any] = {}
    if postgres:
        # Timestamps are stored with their zone and read back as UTC either
        # way; a UTC session also makes what psql and reports on the
        # database show agree with kplan's log. A writer waits for the
        # write lock as long as an SQLite writer waits for a busy file,
        # then gives up with the same message.
        connect_args = {
            "connect_timeout": PG_CONNECT_TIMEOUT_S,
            "options": f"-c timezone=UTC -c lock_timeout={BUSY_TIMEOUT_MS}",
            "application_name": "kplan",
        }
    try:
        engine = create_engine(url, connect_args=connect_args)
    except (ImportError, NoSuchModuleError) as exc:
        raise StoreError(t("store.no_driver", url=shown, detail=exc)) from None
    except (ArgumentError, ValueError) as exc:
        raise StoreError(t("store.bad_url", url=shown, detail=exc)) from None
    if postgres:
        event.listen(engine, "begin", _on_begin_postgres)
    return engine


def _with_driver(url: str) -> str:
    # A plain postgresql:// URL, as libpq and psql write it, means psycopg 3:
    # the driver the postgres extra installs (SQLAlchemy would pick psycopg2).
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def default_actor(location: str | None = None) -> str | None:
    """The person of the database role of a server store (None for SQLite, without connecting)."""
    found = server_identity(location)
    return found.person if found is not None else None


def server_identity(location: str | None = None) -> Identity | None:
    """Who is connected to a server store (None for SQLite, without connecting).

    Only the connection is needed, not kplan's tables: the first import into
    an empty database needs to know who imports.
    """
    url = resolve_location(location)
    if sqlite_path(url) is not None:
        return None
    store = Store(url=_with_driver(url))
    try:
        return store.identity()
    finally:
        store.close()


def _ensure_schema(store: Store, *, create: bool) -> None:
    # Most opens find the schema current after one plain read, so read-only
    # commands never take the write lock; creating and upgrading happen in
    # kplan.store.schema, under the lock.
    from kplan.store.schema import ensure_schema

    with _translate_errors(store.url):
        ensure_schema(store, create=create)


def store_exists(location: str | None = None) -> bool:
    """Whether there is a file at the store's path that is not empty (a server store
    always counts as there). Whether it is a kplan store, opening it tells."""
    file = sqlite_path(resolve_location(location))
    if file is None:
        return True
    try:
        return file.stat().st_size > 0
    except (OSError, ValueError):
        return False


def store_path_for_display(location: str | None = None) -> str:
    """Where the store is, as a person would write it (a path for SQLite, no password)."""
    url = resolve_location(location)
    file = sqlite_path(url)
    return str(file) if file is not None else _display_url(url)
