"""Writing the files people name: one guarded, atomic writer for every command.

``kplan export -o FILE`` and ``kplan backup FILE`` (and whatever writes a
file a person names) go through :func:`check_target`, then :func:`write_text`
or :func:`write_file`. The check refuses, before anything is written:

- the store itself and its working files (``-wal``, ``-shm``,
  ``-journal``), compared by device and inode, so a hard link or another
  spelling of the path is caught too;
- a device, a named pipe (FIFO), a socket, a folder, and a symbolic link
  as the last part of the path (it would be replaced, not followed).
  Links among the folders of the path are followed: they are how people
  lay out their folders, and the file is written where they lead;
- an existing regular file, unless the person passed ``--force`` or said
  yes when asked at a terminal.

The content goes to a temporary file in the same folder, is flushed to
disk, and is renamed over the target in one step, so the target is either
the old file or the whole new one; on any failure the temporary file is
removed and the target is as it was. A file that is replaced keeps its
permission bits (a 0600 file stays 0600); a new file gets the usual mode
from the umask.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kplan.errors import KplanError
from kplan.i18n import t

STDOUT = "-"
# What the store keeps beside its file, by SQLite's naming.
STORE_SUFFIXES = ("-wal", "-shm", "-journal")
# Room for mkstemp's random part in a temporary name, within a file name's limit.
_NAME_ROOM = 200


class WriteRefused(KplanError):
    """A file kplan will not write (exit 1): what it is, and what to do instead."""


@dataclass(frozen=True)
class Target:
    """A checked place to write: the path, and what the file there keeps when replaced."""

    path: Path
    location: str | None
    mode: int | None = None
    owner: tuple[int, int] | None = None
    spare_stores: bool = False

    @property
    def exists(self) -> bool:
        """Whether a file is there now, to be replaced."""
        return self.mode is not None


def is_stdout(path: str | os.PathLike[str] | None) -> bool:
    """Whether ``path`` is ``-``, which means standard output."""
    return path is not None and os.fspath(path) == STDOUT


def check_target(
    path: str | os.PathLike[str],
    *,
    location: str | None,
    force: bool = False,
    confirm: Callable[[Path], bool | None] | None = None,
    example: str = "kplan-file",
    spare_stores: bool = False,
) -> Target:
    """Check that ``path`` may be written, asking through ``confirm`` before replacing a file.

    ``location`` is the store (``--db``, else ``KPLAN_DB``, else the default),
    whose files are never written. ``confirm`` asks whether to replace an
    existing file: True yes, False no, None when nobody can be asked.
    ``example`` is a file name to suggest when ``path`` is a folder. With
    ``spare_stores`` no kplan store is replaced, even with ``force`` (an
    export over one would lose its whole event log).
    """
    target = _checked(path, location, example, spare_stores=spare_stores)
    if target.exists and not force:
        answer = confirm(target.path) if confirm is not None else None
        if answer is None:
            raise WriteRefused(t("files.exists", path=target.path))
        if not answer:
            raise WriteRefused(t("files.declined", path=target.path))
    return target


def write_text(target: Target, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as ``\\n``) to the checked target, atomically."""
    write_bytes(target, text.encode("utf-8"))


def write_bytes(target: Target, data: bytes) -> None:
    """Write ``data`` (a workbook, encoded text) to the checked target, atomically."""

    def fill(_temporary: Path, descriptor: int) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]

    write_file(target, fill)


def write_file(
    target: Target,
    fill: Callable[[Path, int], None],
    *,
    private_as: Path | None = None,
) -> None:
    """Have ``fill`` write the content into a temporary file, then put it in place.

    ``fill`` gets the temporary file's path and an open descriptor of it.
    With ``private_as``, the file is readable by no more people than that
    file (a copy of the store is as private as the store). An OSError from
    writing becomes a WriteRefused naming the target; anything else ``fill``
    raises passes through, after the temporary file is removed.
    """
    mode = target.mode if target.mode is not None else _default_mode()
    if private_as is not None:
        try:
            mode &= stat.S_IMODE(os.stat(private_as).st_mode)
        except OSError:
            mode &= 0o600
    try:
        replace_atomically(
            target.path,
            fill,
            mode=mode,
            owner=target.owner,
            before_replace=lambda: _checked(
                target.path, target.location, "x", again=True, spare_stores=target.spare_stores
            ),
        )
    except OSError as exc:
        raise WriteRefused(
            t("files.cannot_write", path=target.path, detail=_detail(target.path, exc))
        ) from None


def replace_atomically(
    path: Path,
    fill: Callable[[Path, int], None],
    *,
    mode: int,
    owner: tuple[int, int] | None = None,
    before_replace: Callable[[], object] | None = None,
) -> None:
    """Write through a temporary file beside ``path``, flushed to disk, renamed into place.

    Without checks of its own: for paths kplan has checked, or names it
    chose itself (the copies kept beside a store).
    """
    folder = path.parent
    descriptor, name = tempfile.mkstemp(
        prefix=f".{path.name[:_NAME_ROOM]}.", suffix=".tmp", dir=folder
    )
    temporary = Path(name)
    try:
        try:
            fill(temporary, descriptor)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        # The mode last: a read-only mode set first would keep fill out.
        os.chmod(temporary, mode)
        if owner is not None and os.geteuid() == 0 and owner != (0, 0):
            # Run as root over someone's file: it stays theirs.
            with contextlib.suppress(OSError):
                os.chown(temporary, *owner)
        if before_replace is not None:
            before_replace()
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        # SQLite's journal beside a copy that failed halfway.
        Path(f"{temporary}-journal").unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _checked(
    path: str | os.PathLike[str],
    location: str | None,
    example: str,
    *,
    again: bool = False,
    spare_stores: bool = False,
) -> Target:
    text = os.fspath(path)
    shown = text.replace("\x00", "\\0")
    if "\x00" in text:
        raise WriteRefused(t("files.cannot_write", path=shown, detail=t("files.nul")))
    if not text:
        raise WriteRefused(t("files.cannot_write", path="''", detail=t("files.no_name")))
    target = Path(text)
    store = _store_file_of(target, location)
    if store is not None:
        key = "files.is_store" if store[1] == "" else "files.is_store_file"
        raise WriteRefused(t(key, path=target, store=store[0], suffix=store[1]))
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteRefused(
            t("files.cannot_write", path=target, detail=_detail(target, exc))
        ) from None
    if info is None:
        _check_folder(target)
        return Target(target, location, spare_stores=spare_stores)
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        try:
            points_to = os.readlink(target)
        except OSError:
            points_to = "?"
        raise WriteRefused(t("files.is_link", path=target, target=points_to))
    if stat.S_ISDIR(mode):
        raise WriteRefused(t("files.is_folder", path=target, example=target / example))
    if not stat.S_ISREG(mode):
        from kplan.store.probe import special_kind

        raise WriteRefused(t("files.not_regular", path=target, what=t(special_kind(mode))))
    if spare_stores and _is_kplan_store(target):
        raise WriteRefused(t("files.is_a_store", path=target))
    if again:
        return Target(target, location, spare_stores=spare_stores)
    owner = (info.st_uid, info.st_gid)
    return Target(target, location, stat.S_IMODE(mode) & 0o777, owner, spare_stores)


def _is_kplan_store(path: Path) -> bool:
    """Whether the regular file ``path`` is a kplan store (found without changing it)."""
    from kplan.store.probe import STORE, probe

    try:
        return probe(path).kind == STORE
    except KplanError:
        return False


def _store_file_of(target: Path, location: str | None) -> tuple[Path, str] | None:
    """The store and the suffix of its file that ``target`` is, if it is one of them."""
    from kplan.store.location import resolve_location, sqlite_path

    store = sqlite_path(resolve_location(location))
    if store is None:
        return None
    try:
        wanted = os.path.realpath(target)
    except (OSError, ValueError):
        return None
    for suffix in ("", *STORE_SUFFIXES):
        candidate = Path(f"{store}{suffix}")
        try:
            if os.path.realpath(candidate) == wanted:
                return store, suffix
            if (
                os.path.lexists(target)
                and candidate.exists()
                and os.path.samefile(target, candidate)
            ):
                return store, suffix
        except (OSError, ValueError):
            continue
    return None


def _check_folder(target: Path) -> None:
    folder = target.parent
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        raise WriteRefused(
            t("files.cannot_write", path=target, detail=t("files.no_folder", path=folder))
        ) from None
    except OSError as exc:
        raise WriteRefused(
            t("files.cannot_write", path=target, detail=_detail(target, exc))
        ) from None
    if not stat.S_ISDIR(info.st_mode):
        raise WriteRefused(
            t("files.cannot_write", path=target, detail=t("files.part_is_file", part=folder))
        )


def _detail(path: Path, exc: OSError) -> str:
    from kplan.store.probe import os_error_detail

    return os_error_detail(path, exc)


def _default_mode() -> int:
    # The mode a new file gets from open(): 0666 less the umask, which can
    # only be read by setting it.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    # The rename is on disk only once the folder is; not every system can
    # open a folder for that, and the file itself is safe either way.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
