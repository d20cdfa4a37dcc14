"""What a file given as a store is, found without changing a byte of it.

A kplan store is known by its tables: ``store_info``, which every kplan
release has written with its schema version, together with ``plan``,
``measure`` and ``event``. A file without them (another program's SQLite
database, even one with a table named ``event``; a text file; a copy of
something else) is not a store, and kplan neither creates tables in it nor
switches its journal mode. Only an empty (0-byte) or missing file may
become a new store, and only through ``kplan init`` or ``kplan import``.

The file is read with SQLite's read-only mode, which never writes, rolls
back, checkpoints or changes the journal mode; a file that is not a
database at all is recognised by its first 16 bytes before SQLite opens
it. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from kplan.errors import StoreError
from kplan.i18n import t

# The tables every kplan store has had since its first schema version.
KPLAN_TABLES = frozenset({"store_info", "plan", "measure", "event"})
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30.0
_SQLITE_READONLY = 8  # and its extended codes, in the low byte

MISSING = "missing"
EMPTY = "empty"
STORE = "store"
FOREIGN = "foreign"
NOT_DATABASE = "not_database"


def is_kplan_schema(tables: set[str] | frozenset[str]) -> bool:
    """Whether a database with these tables is a kplan store (of any schema version)."""
    return set(tables) >= KPLAN_TABLES


@dataclass(frozen=True)
class FileKind:
    """What is at a store path: ``kind`` is one of the constants above.

    For a store, ``revisions`` are the rows of ``alembic_version`` (None when
    the store predates that table).
    """

    kind: str
    revisions: tuple[str, ...] | None = None

    @property
    def current(self) -> bool:
        """Whether it is a store at the schema this kplan writes (nothing to create or upgrade)."""
        from kplan.store.schema import HEAD

        return self.kind == STORE and self.revisions == (HEAD,)


def probe(path: Path) -> FileKind:
    """What is at ``path``; a path that cannot hold a store at all is a StoreError."""
    try:
        # stat, not lstat: a link to a store is that store.
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.lexists(path):
            raise StoreError(
                t("store.bad_path", path=path, detail=t("files.broken_link"))
            ) from None
        return FileKind(MISSING)
    except OSError as exc:
        raise StoreError(
            t("store.bad_path", path=path, detail=os_error_detail(path, exc))
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(t("store.is_directory", path=path, example=Path(path) / "kplan.db"))
    if not stat.S_ISREG(info.st_mode):
        what = t(special_kind(info.st_mode))
        raise StoreError(t("store.bad_path", path=path, detail=t("files.it_is", what=what)))
    if info.st_size == 0:
        return FileKind(EMPTY)
    try:
        with open(path, "rb") as stream:
            header = stream.read(20)
    except OSError as exc:
        raise StoreError(
            t("store.bad_path", path=path, detail=os_error_detail(path, exc))
        ) from None
    if header[: len(SQLITE_HEADER)] != SQLITE_HEADER:
        return FileKind(NOT_DATABASE)
    # A database in WAL mode (byte 18 is 2) that nobody has open has no -wal
    # file; even a read-only connection would leave -wal and -shm files
    # beside it, so such a file is read as immutable. Should a writer start
    # meanwhile, the read is tried again the usual way.
    quiet = header[18:19] == b"\x02" and not os.path.lexists(f"{path}-wal")
    try:
        if quiet:
            try:
                return _tables(path, immutable=True)
            except sqlite3.Error:
                pass
        return _tables(path, immutable=False)
    except sqlite3.Error as exc:
        raise StoreError(t("store.unusable", url=path, detail=exc)) from None


def _tables(path: Path, *, immutable: bool) -> FileKind:
    connection = read_only(path, immutable=immutable)
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not is_kplan_schema(tables):
            return FileKind(FOREIGN)
        revisions = None
        if "alembic_version" in tables:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            revisions = tuple(str(row[0]) for row in rows)
        return FileKind(STORE, revisions)
    finally:
        connection.close()


def read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that can only read ``path`` (it never creates, writes or recovers)."""
    options = "mode=ro&immutable=1" if immutable else "mode=ro"
    connection = sqlite3.connect(
        f"{Path(path).absolute().as_uri()}?{options}", uri=True, timeout=BUSY_TIMEOUT_S
    )
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return connection


def may_write(path: Path) -> bool:
    """Whether this user may change the SQLite file ``path``.

    That is the file itself and its folder, where SQLite makes the journal
    or the write-ahead log.
    """
    folder = Path(path).absolute().parent
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)


def quiet_wal(path: Path) -> bool:
    """Whether ``path`` is a database in write-ahead-log mode that nobody is writing."""
    try:
        with open(path, "rb") as stream:
            header = stream.read(20)
    except OSError:
        return False
    return header[18:19] == b"\x02" and not os.path.lexists(f"{path}-wal")


def fingerprint(path: Path) -> tuple[int, int, bool]:
    """What changes when anyone writes ``path``: its time of change, size and -wal file."""
    info = os.stat(path)
    return info.st_mtime_ns, info.st_size, os.path.lexists(f"{path}-wal")


def open_reader(
    path: Path, *, store: bool = False, shown: object = None
) -> tuple[sqlite3.Connection, bool]:
    """A connection that only reads ``path``, and whether it reads the file as immutable.

    With ``store`` (a kplan store, not a file someone hands kplan) that this
    user may change, it is an ordinary connection set to query only, as
    every kplan command has: the last one to close it folds the write-ahead
    log back into the store and leaves no -wal or -shm file behind. So is
    it for any file in write-ahead-log mode without a -wal file beside it
    (there is nothing to fold back), if this user may change it.
    Otherwise it is SQLite's read-only mode. A database in write-ahead-log
    mode that this user cannot write (a read-only file, or a folder of
    someone else's) cannot be opened read-only the usual way: SQLite would
    create its -wal and -shm files and then fail. When no -wal file shows a
    writer at work, such a file is read as immutable; whoever reads it so
    checks its :func:`fingerprint` afterwards, as a writer may have begun.
    A file that cannot be read is a StoreError naming ``shown`` (the path
    by default).
    """
    where = path if shown is None else shown
    writable = may_write(path)
    quiet = quiet_wal(path)
    # A file in write-ahead-log mode with no log beside it has nothing to
    # recover: an ordinary connection reads it as it is, and the last to
    # close removes the -wal and -shm files it made. A read-only one could
    # not, and would leave them behind.
    if writable and (store or quiet):
        try:
            connection = sqlite3.connect(
                f"{Path(path).absolute().as_uri()}?mode=rw",
                uri=True,
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,
            )
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            connection.execute("PRAGMA query_only = ON")
            return connection, False
        except sqlite3.Error as exc:
            raise StoreError(t("store.unusable", url=where, detail=exc)) from None
    if quiet and not writable:
        return _read_only(path, where, immutable=True), True
    connection = _read_only(path, where, immutable=False)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection, False
    except sqlite3.Error as exc:
        connection.close()
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code != _SQLITE_READONLY or not quiet:
            raise StoreError(t("store.unusable", url=where, detail=exc)) from None
    return _read_only(path, where, immutable=True), True


def _read_only(path: Path, where: object, *, immutable: bool) -> sqlite3.Connection:
    try:
        connection = read_only(path, immutable=immutable)
    except sqlite3.Error as exc:
        raise StoreError(t("store.unusable", url=where, detail=exc)) from None
    connection.isolation_level = None
    return connection


def refusal(path: Path, kind: FileKind) -> StoreError:
    """The error for a file that is there but is not a kplan store."""
    key = "store.not_database" if kind.kind == NOT_DATABASE else "store.foreign"
    return StoreError(t(key, path=path))


def special_kind(mode: int) -> str:
    """The catalogue key naming a file that is not a regular file or a folder."""
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "files.a_device"
    if stat.S_ISFIFO(mode):
        return "files.a_fifo"
    if stat.S_ISSOCK(mode):
        return "files.a_socket"
    if stat.S_ISLNK(mode):
        return "files.a_link"
    if stat.S_ISDIR(mode):
        return "files.a_folder"
    return "files.a_special"


def os_error_detail(path: Path | str, exc: OSError) -> str:
    """Why ``path`` cannot be used, in words a person can act on."""
    if exc.errno == errno.ENOTDIR:
        # Name the part of the path that is a file, not a folder.
        for part in reversed(Path(path).parents):
            try:
                if not stat.S_ISDIR(os.stat(part).st_mode):
                    return t("files.part_is_file", part=part)
            except OSError:
                break
    if exc.errno == errno.ENAMETOOLONG:
        return t("files.too_long")
    return exc.strerror or str(exc)
