"""Copies of an SQLite store: ``kplan backup``, ``kplan restore``, and the copy before an upgrade.

Every copy uses SQLite's online backup API, which reads the whole database
in one read transaction: the copy is the store as it was at one moment,
even while other kplan processes write to it, and it never blocks them.
Copies are written through kplan's one file writer (``kplan.store.files``):
the target is checked first (never the store or its working files, a
device, a pipe, a folder or a link; an existing file only with ``--force``),
then written to a temporary file beside it and renamed into place, so a
target is either the old file or the whole copy. The store is only read,
through SQLite's read-only mode. A restore copies into the live store
through the same API, as one write transaction: readers see the old store
until it commits and the restored one after. It replaces only a kplan
store, a damaged one, or an empty file; another program's file is refused.

A PostgreSQL store is backed up with PostgreSQL's own tools (``pg_dump``,
``pg_restore``); these functions refuse it.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kplan.errors import KplanError, StoreError, UsageError
from kplan.i18n import t
from kplan.store.files import WriteRefused, check_target, replace_atomically, write_file
from kplan.store.location import hide_password, resolve_location, sqlite_path
from kplan.store.probe import (
    EMPTY,
    FOREIGN,
    MISSING,
    NOT_DATABASE,
    SQLITE_HEADER,
    STORE,
    fingerprint,
    is_kplan_schema,
    open_reader,
    os_error_detail,
    probe,
    refusal,
    special_kind,
)

BUSY_TIMEOUT_S = 30.0
# SQLite's result codes for a database that is damaged, rather than a target
# that cannot be written.
_DAMAGED = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


@dataclass(frozen=True)
class StoreSummary:
    """What an SQLite store file holds, to show before it is replaced or restored."""

    path: Path
    schema_version: int
    plans: int
    events: int


@dataclass(frozen=True)
class RestorePlan:
    """A restore checked and ready: the file to restore and the store it replaces.

    ``replaces`` is ``store`` (a kplan store, ``current`` describes it),
    ``damaged`` (a store SQLite cannot read) or ``new`` (no file, or an empty one).
    """

    source: StoreSummary
    store: Path
    current: StoreSummary | None
    replaces: str = "store"


@dataclass(frozen=True)
class RestoreResult:
    """A restore done: what is in the store now, and where the replaced store was kept."""

    restored: StoreSummary
    store: Path
    kept: Path | None


def store_file(location: str | None, command: str) -> Path:
    """The SQLite file of the store at ``location``; a server store is refused (exit 2)."""
    url = resolve_location(location)
    path = sqlite_path(url)
    if path is None:
        tool = "pg_dump" if command == "backup" else "pg_restore"
        raise UsageError(t("backup.not_sqlite", url=hide_password(url), command=command, tool=tool))
    return path


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` to ``target``, consistently and atomically.

    For copies kplan names itself beside the store (before an upgrade or a
    restore); the copy is as private, or as shared, as the store it copies.
    """
    replace_atomically(target, _copy_of(source), mode=stat.S_IMODE(source.stat().st_mode))


def _checked_store(location: str | None) -> Path:
    """The store to copy: it must be there and be a kplan store; it is only read."""
    path = store_file(location, "backup")
    found = probe(path)
    if found.kind in (MISSING, EMPTY):
        raise StoreError(t("store.missing", path=path))
    if found.kind in (FOREIGN, NOT_DATABASE):
        raise refusal(path, found)
    return path


def backup(
    location: str | None,
    target: Path,
    *,
    force: bool = False,
    confirm: Callable[[Path], bool | None] | None = None,
) -> StoreSummary:
    """Copy the store to ``target``; a file there is replaced only if ``force`` or ``confirm``."""
    path = _checked_store(location)
    checked = check_target(
        target, location=location, force=force, confirm=confirm, example="kplan-backup.db"
    )
    write_file(checked, _copy_of(path, shown=checked.path), private_as=path)
    return describe(checked.path, own=True)


def backup_to(location: str | None, stream: BinaryIO) -> StoreSummary:
    """Copy the store into ``stream`` (standard output): made in a private folder, then sent."""
    import shutil
    import tempfile

    path = _checked_store(location)
    with tempfile.TemporaryDirectory(prefix="kplan-backup-") as folder:
        copy = Path(folder) / path.name
        try:
            replace_atomically(copy, _copy_of(path, shown=Path("-")), mode=0o600)
        except OSError as exc:
            raise WriteRefused(
                t("files.cannot_write", path=copy, detail=os_error_detail(copy, exc))
            ) from None
        summary = describe(copy, own=True)
        with open(copy, "rb") as data:
            shutil.copyfileobj(data, stream)
        stream.flush()
    return StoreSummary(Path("-"), summary.schema_version, summary.plans, summary.events)


def _copy_of(
    source: Path, *, shown: Path | None = None, own: bool = True
) -> Callable[[Path, int], None]:
    """What fills a temporary file with a copy of ``source`` (for the atomic writer).

    ``own``: ``source`` is a kplan store (see kplan.store.probe.open_reader);
    a file someone hands kplan to restore is not.
    """

    def fill(temporary: Path, _descriptor: int) -> None:
        reader, immutable = open_reader(source, store=own)
        before = fingerprint(source) if immutable else None
        try:
            copy = sqlite3.connect(temporary)
            try:
                # pages=-1: the whole database in one step, so one read
                # transaction and one moment's state.
                reader.backup(copy, pages=-1)
                # A copy is one self-contained file, with no write-ahead log
                # beside it; kplan turns the log back on when it opens one.
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        except sqlite3.Error as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code in _DAMAGED:
                raise StoreError(t("store.unusable", url=source, detail=exc)) from None
            raise WriteRefused(
                t("files.cannot_write", path=shown or temporary, detail=exc)
            ) from None
        finally:
            reader.close()
        if before is not None and fingerprint(source) != before:
            raise StoreError(t("backup.changed", path=source))

    return fill


def describe(path: Path, *, own: bool = False) -> StoreSummary:
    """Check that ``path`` is a kplan store of a schema this kplan knows; count what it holds.

    ``own``: ``path`` is the store or a copy kplan just made, not a file
    someone handed it (see kplan.store.probe.open_reader).
    """
    from kplan.store.schema import LATEST, VERSION_OF

    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise KplanError(t("restore.no_file", path=path)) from None
    except OSError as exc:
        raise KplanError(
            t("restore.cannot_read", path=path, detail=os_error_detail(path, exc))
        ) from None
    if not stat.S_ISREG(info.st_mode):
        what = t(special_kind(info.st_mode))
        raise KplanError(t("restore.not_a_store", path=path, detail=t("files.it_is", what=what)))
    try:
        # Read here, so a file this user may not read is said to be that,
        # not something that is not a database.
        with open(path, "rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise KplanError(
            t("restore.cannot_read", path=path, detail=os_error_detail(path, exc))
        ) from None
    if info.st_size and header != SQLITE_HEADER:
        raise KplanError(t("restore.not_a_store", path=path, detail=t("files.not_sqlite")))
    try:
        connection, _ = open_reader(path, store=own)
    except StoreError as exc:
        raise KplanError(t("restore.not_a_store", path=path, detail=exc.message)) from None
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if not is_kplan_schema(tables):
            raise KplanError(t("restore.not_a_store", path=path, detail=t("restore.no_tables")))
        version_text = connection.execute(
            "SELECT value FROM store_info WHERE name = 'schema_version'"
        ).fetchone()
        if "alembic_version" in tables:
            revisions = [row[0] for row in connection.execute("SELECT * FROM alembic_version")]
            if len(revisions) != 1 or revisions[0] not in VERSION_OF:
                raise KplanError(
                    t("restore.too_new", path=path, found=", ".join(revisions), known=LATEST)
                )
            version = VERSION_OF[revisions[0]]
        elif version_text is not None and str(version_text[0]).isdigit():
            version = int(version_text[0])
            if version > LATEST:
                raise KplanError(t("restore.too_new", path=path, found=version, known=LATEST))
        else:
            version = 2 if "snapshot" in tables else 1
        plans = connection.execute("SELECT count(*) FROM plan").fetchone()[0]
        events = connection.execute("SELECT count(*) FROM event").fetchone()[0]
    except sqlite3.Error as exc:
        raise KplanError(t("restore.not_a_store", path=path, detail=exc)) from None
    finally:
        connection.close()
    return StoreSummary(path, version, plans, events)


def _has_sqlite_header(path: Path) -> bool:
    """Whether ``path`` is a regular file that starts as an SQLite database does."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as stream:
            return stream.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except (OSError, ValueError):
        return False


def plan_restore(
    location: str | None, source: Path, *, check: Callable[[list[tuple[str, list[str]]]], None]
) -> RestorePlan:
    """Check a restore of ``source`` into the store before anything is asked or written.

    The store's path may hold a kplan store (it is kept beside it), a
    damaged SQLite file (its bytes are kept), an empty file or nothing;
    another program's file is refused and left as it is. ``check`` is
    handed the plans of the store being replaced whose edit policy is
    "owners", each with its coordinators, and refuses a person who may not
    replace them (the rule is the core's, which calls this).
    """

    store = store_file(location, "restore")
    summary = describe(source)
    try:
        found = probe(store)
    except StoreError:
        # A regular file SQLite cannot read: a damaged store, if it starts as one.
        if not _has_sqlite_header(store):
            raise
        found = None
    if found is not None and found.kind in (FOREIGN, NOT_DATABASE):
        raise KplanError(t("restore.foreign_store", store=store))
    if found is not None and found.kind != MISSING and os.path.samefile(store, source):
        raise KplanError(t("restore.same_file", path=source))
    current = None
    replaces = "new"
    if found is None:
        replaces = "damaged"
    elif found.kind == STORE:
        try:
            current = describe(store, own=True)
            replaces = "store"
        except KplanError:
            # A damaged store is what one restores over: replace it all the same.
            replaces = "damaged"
        if current is not None:
            check(guarded_plans(store))
    _check_writable(store, exists=found is None or found.kind != MISSING)
    return RestorePlan(summary, store, current, replaces)


def _check_writable(store: Path, *, exists: bool) -> None:
    """Refuse, before asking, a restore that could not write the store's folder or file.

    The folder must take the copy kept of the store (or the new store), and
    SQLite's journal beside it.
    """
    folder = store.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        detail = t("files.folder_not_writable", folder=folder)
    elif exists and not os.access(store, os.W_OK):
        detail = t("files.file_not_writable")
    else:
        return
    raise KplanError(t("restore.cannot_write", store=store, detail=detail))


def guarded_plans(path: Path) -> list[tuple[str, list[str]]]:
    """The plans of the store file with the "owners" edit policy, each with its coordinators."""
    import json

    connection, _immutable = open_reader(path, store=True)
    try:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(plan)")}
        if not {"edit", "coordinators"} <= columns:
            # Schema 1 and 2 stores had no edit policy: every plan was open.
            return []
        found = connection.execute(
            "SELECT key, coordinators FROM plan WHERE edit = 'owners' ORDER BY id"
        ).fetchall()
    except sqlite3.Error as exc:
        raise KplanError(t("restore.not_a_store", path=path, detail=exc)) from None
    finally:
        connection.close()
    guarded = []
    for key, coordinators in found:
        try:
            listed = json.loads(coordinators) if coordinators else []
        except ValueError:
            listed = []
        names = [str(name) for name in listed] if isinstance(listed, list) else []
        guarded.append((str(key), names))
    return guarded


def restore(plan: RestorePlan) -> RestoreResult:
    """Copy the checked file into the live store, keeping a copy of the store it replaces."""
    kept = None
    try:
        if plan.replaces == "new":
            _restore_new(plan)
        else:
            kept = _keep_copy(plan.store)
            try:
                _restore_into_live(plan)
            except KplanError:
                if plan.replaces != "damaged" or os.path.lexists(f"{plan.store}-wal"):
                    raise
                # Too damaged for SQLite to write into, and no log beside it
                # that could belong to it: put the copy in its place whole.
                _restore_new(plan)
    except OSError as exc:
        _forget(kept)
        raise KplanError(
            t("restore.cannot_write", store=plan.store, detail=os_error_detail(plan.store, exc))
        ) from None
    except BaseException:
        _forget(kept)
        raise
    return RestoreResult(describe(plan.store, own=True), plan.store, kept)


def _forget(kept: Path | None) -> None:
    # The store is as it was: the copy kept of it would only mislead.
    if kept is not None:
        kept.unlink(missing_ok=True)


def _restore_new(plan: RestorePlan) -> None:
    # No store to keep readers consistent with: the copy is made beside the
    # store's path and renamed into place, so a restore that fails leaves no
    # half-made store (and no empty file) behind.
    plan.store.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(plan.store.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        mode = 0o666 & ~umask
    source = _copy_of(plan.source.path, shown=plan.store, own=False)
    replace_atomically(plan.store, source, mode=mode)
    try:
        live = sqlite3.connect(
            f"{plan.store.absolute().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S
        )
        try:
            live.execute("PRAGMA journal_mode = WAL")
        finally:
            live.close()
    except sqlite3.Error:
        pass  # kplan switches the log on when it next opens the store


def _restore_into_live(plan: RestorePlan) -> None:
    try:
        reader, _ = open_reader(plan.source.path)
        try:
            # mode=rw: the store is there (checked); a restore never creates one here.
            live = sqlite3.connect(
                f"{plan.store.absolute().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S
            )
            try:
                reader.backup(live, pages=-1)
            finally:
                live.close()
        finally:
            reader.close()
    except sqlite3.Error as exc:
        raise KplanError(t("restore.cannot_write", store=plan.store, detail=exc)) from None


def _keep_copy(store: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    base = store.with_name(f"{store.name}.bak-restore-{stamp}")
    target, n = base, 1
    while os.path.lexists(target):
        n += 1
        target = base.with_name(f"{base.name}-{n}")
    try:
        copy_sqlite(store, target)
    except (sqlite3.Error, StoreError, WriteRefused):
        # Not a database SQLite can read (a damaged store): keep its bytes.
        import shutil

        def fill(_temporary: Path, descriptor: int) -> None:
            with open(store, "rb") as source, os.fdopen(os.dup(descriptor), "wb") as copy:
                shutil.copyfileobj(source, copy)

        replace_atomically(target, fill, mode=stat.S_IMODE(store.stat().st_mode))
    return target
