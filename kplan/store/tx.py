"""The one transaction API: SQL text with ``:named`` parameters in, tuples out.

Every query of kplan is written once, as SQL text that SQLite and PostgreSQL
both answer, and runs inside a transaction a ``Store`` opens with
``reading()`` or ``writing()``. For an SQLite file the transaction is the
standard library's sqlite3, so the commands people run most never import
SQLAlchemy; a server store runs the same text through an SQLAlchemy
connection. Values arrive as each driver gives them (SQLite: dates and JSON
as text; PostgreSQL: as Python objects), so every reader accepts both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class Rows(Protocol):
    """One open transaction: run a statement, or one statement for many rows."""

    def __call__(
        self, sql: str, params: Mapping[str, Any] | None = None
    ) -> Sequence[Sequence[Any]]:
        """Run one statement and return its rows (none for a statement that returns none)."""
        ...

    def many(self, sql: str, params: Sequence[Mapping[str, Any]]) -> None:
        """Run one statement once for each set of parameters (inserts and updates in bulk)."""
        ...

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        values: Iterable[Sequence[Any]],
        *,
        dates: Sequence[int] = (),
    ) -> None:
        """Insert rows of ``columns``, each given as its values in that order, in bulk.

        ``values`` may be a generator: SQLite takes the rows one by one and
        never holds them all. ``dates`` are the positions of the columns that
        may hold a date (which SQLite keeps as ISO text).
        """
        ...


class Readable(Protocol):
    """Something that opens a read-only transaction: a Store."""

    def reading(self) -> AbstractContextManager[Rows]:
        """A transaction that only reads, and sees one state of the store throughout."""
        ...


class Writable(Readable, Protocol):
    """Something that also opens a write transaction: a Store."""

    def writing(self, *, commit: bool = True) -> AbstractContextManager[Rows]:
        """A transaction that holds the store's write lock from its start to its commit."""
        ...
