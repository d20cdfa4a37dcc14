"""Copies of an SQLite store: ``kplan backup``, ``kplan restore``, and the copy before an upgrade.

Every copy uses SQLite's online backup API, which reads the whole database
in one read transaction: the copy is the store as it was at one moment,
even while other kplan processes write to it, and it never blocks them.
Copies are written to a temporary file beside the target and renamed into
place, so a target is either the old file or the whole copy. A restore
copies into the live store through the same API, as one write transaction:
readers see the old store until it commits and the restored one after.

A PostgreSQL store is backed up with PostgreSQL's own tools (``pg_dump``,
``pg_restore``); these functions refuse it.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kplan.core.errors import KplanError, StoreError, UsageError
from kplan.i18n import t
from kplan.store.location import resolve_location

BUSY_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class StoreSummary:
    """What an SQLite store file holds, to show before it is replaced or restored."""

    path: Path
    schema_version: int
    plans: int
    events: int


@dataclass(frozen=True)
class RestorePlan:
    """A restore checked and ready: the file to restore and the store it replaces."""

    source: StoreSummary
    store: Path
    current: StoreSummary | None


@dataclass(frozen=True)
class RestoreResult:
    """A restore done: what is in the store now, and where the replaced store was kept."""

    restored: StoreSummary
    store: Path
    kept: Path | None


def store_file(location: str | None, command: str) -> Path:
    """The SQLite file of the store at ``location``; a server store is refused (exit 2)."""
    url = resolve_location(location)
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else ""
    if not path or path == ":memory:":
        tool = "pg_dump" if command == "backup" else "pg_restore"
        raise UsageError(t("backup.not_sqlite", url=url, command=command, tool=tool))
    return Path(path)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` to ``target``, consistently and atomically."""
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(descriptor)
    temporary = Path(name)
    try:
        # The copy is as private, or as shared, as the store it copies.
        os.chmod(temporary, source.stat().st_mode & 0o777)
        reader = _connect(source)
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
        finally:
            reader.close()
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def backup(location: str | None, target: Path, *, force: bool = False) -> StoreSummary:
    """Copy the store to ``target`` (refusing to overwrite it unless ``force``)."""
    path = store_file(location, "backup")
    if not path.is_file():
        raise StoreError(t("store.missing", path=path))
    if target.is_dir():
        raise KplanError(t("backup.target_is_directory", path=target))
    if target.exists() and not force:
        raise KplanError(t("backup.target_exists", path=target))
    if target.exists() and target.resolve() == path.resolve():
        raise KplanError(t("backup.same_file", path=target))
    if not target.parent.is_dir():
        raise KplanError(t("backup.no_folder", path=target.parent))
    try:
        copy_sqlite(path, target)
    except sqlite3.Error as exc:
        raise StoreError(t("store.unusable", url=path, detail=exc)) from None
    except OSError as exc:
        raise KplanError(t("backup.cannot_write", path=target, detail=exc.strerror)) from None
    return describe(target)


def describe(path: Path) -> StoreSummary:
    """Check that ``path`` is a kplan store of a schema this kplan knows; count what it holds."""
    from kplan.store.schema import LATEST, VERSION_OF

    if not path.is_file():
        raise KplanError(t("restore.no_file", path=path))
    try:
        connection = _connect(path, read_only=True)
    except sqlite3.Error as exc:
        raise KplanError(t("restore.not_a_store", path=path, detail=exc)) from None
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if not {"store_info", "plan", "event"} <= tables:
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
        elif version_text is not None and version_text[0].isdigit():
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


def plan_restore(location: str | None, source: Path, *, actor: str) -> RestorePlan:
    """Check a restore of ``source`` into the store before anything is asked or written.

    ``actor`` must coordinate every plan of the store being replaced whose
    edit policy is "owners" (kplan.core.permissions.check_restore).
    """
    from kplan.core.permissions import check_restore

    store = store_file(location, "restore")
    summary = describe(source)
    current = None
    if store.exists():
        if store.is_dir():
            raise StoreError(t("store.is_directory", path=store))
        if store.resolve() == source.resolve():
            raise KplanError(t("restore.same_file", path=source))
        try:
            current = describe(store)
        except KplanError:
            # A damaged store is what one restores over: replace it all the same.
            current = None
        if current is not None:
            check_restore(actor, guarded_plans(store))
    return RestorePlan(summary, store, current)


def guarded_plans(path: Path) -> list[tuple[str, list[str]]]:
    """The plans of the store file with the "owners" edit policy, each with its coordinators."""
    import json

    connection = _connect(path, read_only=True)
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
    if plan.store.exists():
        kept = _keep_copy(plan.store)
    else:
        plan.store.parent.mkdir(parents=True, exist_ok=True)
    try:
        reader = _connect(plan.source.path, read_only=True)
        try:
            live = sqlite3.connect(plan.store, timeout=BUSY_TIMEOUT_S)
            try:
                reader.backup(live, pages=-1)
            finally:
                live.close()
        finally:
            reader.close()
    except sqlite3.Error as exc:
        raise StoreError(t("store.unusable", url=plan.store, detail=exc)) from None
    return RestoreResult(describe(plan.store), plan.store, kept)


def _keep_copy(store: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    base = store.with_name(f"{store.name}.bak-restore-{stamp}")
    target, n = base, 1
    while target.exists():
        n += 1
        target = base.with_name(f"{base.name}-{n}")
    try:
        copy_sqlite(store, target)
    except sqlite3.Error:
        # Not a database SQLite can read (a damaged store): keep its bytes.
        import shutil

        shutil.copyfile(store, target)
    return target


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    # mode=rw never creates a missing file; mode=ro also never writes.
    mode = "ro" if read_only else "rw"
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_S
    )
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return connection
