"""Where the store lives. Cheap to import: no database modules here."""

from __future__ import annotations

import os
from pathlib import Path

STORE_FILENAME = "kplan.db"


def data_folder() -> Path:
    """The folder for kplan's data: ``KPLAN_HOME``, else the platform's user data folder."""
    home = os.environ.get("KPLAN_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("kplan", appauthor=False))


def resolve_location(location: str | None = None) -> str:
    """The store's SQLAlchemy URL from ``--db``, ``KPLAN_DB`` or the data folder.

    A value with ``://`` is taken as a URL as it is; anything else is a path
    to an SQLite file.
    """
    value = location or os.environ.get("KPLAN_DB") or ""
    if "://" in value:
        return value
    path = Path(value).expanduser() if value else data_folder() / STORE_FILENAME
    return f"sqlite:///{path.absolute()}"
