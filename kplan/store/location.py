"""Where the store lives. Cheap to import: no database modules here.

Every form of ``--db`` and ``KPLAN_DB`` is checked here, once, so a value
that cannot name a store is one clear error wherever it is used, never an
exception from deep inside a driver: a path (``~`` and ``~user`` expanded),
``sqlite:///PATH``, or a PostgreSQL URL with a port from 1 to 65535.
"""

from __future__ import annotations

import os
from pathlib import Path

from kplan.errors import StoreError
from kplan.i18n import t

STORE_FILENAME = "kplan.db"

SQLITE_SCHEMES = ("sqlite", "sqlite+pysqlite")
POSTGRES_SCHEMES = ("postgresql", "postgres")


def data_folder() -> Path:
    """The folder for kplan's data: ``KPLAN_HOME``, else the platform's user data folder."""
    home = os.environ.get("KPLAN_HOME")
    if home:
        return _path(home, home)
    import platformdirs

    return Path(platformdirs.user_data_dir("kplan", appauthor=False))


def resolve_location(location: str | None = None) -> str:
    """The store's SQLAlchemy URL from ``--db``, ``KPLAN_DB`` or the data folder.

    A value with ``://`` is taken as a URL; anything else is a path to an
    SQLite file. An SQLite store always comes back as ``sqlite:///`` and an
    absolute path; a value that cannot name a store is a StoreError.
    """
    value = location or os.environ.get("KPLAN_DB") or ""
    if "\x00" in value:
        raise _bad(value, t("location.nul"))
    if "://" in value:
        return _checked_url(value)
    path = _path(value, value) if value else data_folder() / STORE_FILENAME
    return f"sqlite:///{_absolute(path, value or str(path))}"


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL made by :func:`resolve_location` (None for a server)."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///"))
    return None


def hide_password(url: str) -> str:
    """``url`` with its password, if any, shown as ``***`` (without parsing it as SQLAlchemy)."""
    scheme, found, rest = url.partition("://")
    if not found:
        return url
    netloc, slash, tail = rest.partition("/")
    if "@" not in netloc:
        return url
    userinfo, _, host = netloc.rpartition("@")
    if ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}{slash}{tail}"


def _path(value: str, shown: str) -> Path:
    try:
        return Path(value).expanduser()
    except RuntimeError:
        # "~name" for a user the system does not know: say so, not Python's words.
        user = value[1:].split("/", 1)[0].split(os.sep, 1)[0]
        raise _bad(shown, t("location.no_home", user=user)) from None


def _absolute(path: Path, shown: str) -> Path:
    try:
        return path.absolute()
    except OSError:
        # A relative path, from a folder that has been removed since the
        # shell went into it: there is no "here" to resolve it from.
        raise _bad(shown, t("location.no_current_folder")) from None


def _checked_url(value: str) -> str:
    scheme, _, rest = value.partition("://")
    base = scheme.lower()
    if base in SQLITE_SCHEMES:
        # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy writes them.
        if not rest.startswith("/"):
            raise _bad(value, t("location.sqlite_form"))
        path = rest[1:]
        if path in ("", ":memory:"):
            raise _bad(value, t("location.memory"))
        if "?" in path:
            raise _bad(value, t("location.sqlite_query"))
        return f"sqlite:///{_absolute(Path(path), value)}"
    if base.split("+", 1)[0] not in POSTGRES_SCHEMES:
        raise StoreError(
            t("store.unknown_scheme", url=hide_password(value), scheme=scheme or "://")
        )
    if any("\udc80" <= char <= "\udcff" for char in value):
        # Bytes that are not UTF-8 (as the system hands them over): a file's
        # name may hold them, but no server URL can.
        raise _bad(value, t("location.not_utf8"))
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise _bad(value, str(exc)) from None
    port_text = parts.netloc.rpartition("@")[2]
    if port_text.startswith("["):
        port_text = port_text.partition("]")[2]
    port_text = port_text.partition(":")[2] if ":" in port_text else ""
    if port_text and not (port_text.isascii() and port_text.isdigit()):
        raise _bad(value, t("location.bad_port", port=port_text))
    if port_text and not 1 <= int(port_text) <= 65535:
        raise _bad(value, t("location.bad_port", port=port_text))
    return value


def _bad(value: str, detail: str) -> StoreError:
    shown = hide_password(value).replace("\x00", "\\0")
    return StoreError(t("store.bad_location", value=shown, detail=detail))
