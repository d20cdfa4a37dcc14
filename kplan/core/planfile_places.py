"""Where each key of a plan file is written: its line and column in the text.

tomllib hands over values without positions, so a problem found in the
parsed document would only have its key path (``measures[4].status``).
This module reads the text once more, as TOML is written, and notes where
every key, table header and array item starts, so that a problem can name
the line of the very key that is wrong. It understands what can hide or
move a key: dotted and quoted keys, inline tables, arrays (of inline tables
too), arrays of tables and their sub-tables, comments, and strings of every
kind (a ``key =`` inside a multi-line string is text, not a key).

It is only asked about text tomllib has accepted, and only once a problem
has been found, so a large valid file costs nothing here. Anything it
cannot follow leaves the problems without a place rather than failing.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import tomllib
from dataclasses import dataclass

from kplan.names import visible

_BLANK = re.compile(r"[ \t]*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_SCALAR = re.compile(r"[^,\]}\n#]*")

# Most lines of a plan file are one bare key and a one-line value, or a
# header of bare keys; these are read a line at a time. Anything else (a
# multi-line string, an array, an inline table, a quoted key) goes to the
# reader of single characters below. A value that starts like a
# multi-line string ("" followed by ") does not match here.
_END = r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)"
_SIMPLE_LINE = re.compile(
    r"[ \t]*(?P<key>[A-Za-z0-9_-]+|\"[^\"\\\n]*\")[ \t]*=[ \t]*"
    r"(?P<value>\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|[^\"'\[\]{}\n#,]*[^\"'\[\]{}\n#, \t\r])" + _END
)
_SIMPLE_HEADER = re.compile(
    r"[ \t]*(?P<open>\[\[?)[ \t]*(?P<key>[A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)"
    r"[ \t]*(?P<close>\]\]?)" + _END
)
_DOT = re.compile(r"[ \t]*\.[ \t]*")
# Blank lines and lines holding only a comment.
_EMPTY_LINES = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*")


class _Unreadable(Exception):
    """The text is not laid out as this reader expects; give up quietly."""


@dataclass
class Places:
    """Where the keys of one text are: offsets by key path, turned into lines when asked."""

    text: str
    # Key path (as the checker writes it) -> offsets of the key and of its value.
    offsets: dict[str, tuple[int, int]]
    _line_starts: list[int] | None = None

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of ``offset``."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def find(self, path: str, *, on_key: bool) -> tuple[int, int] | None:
        """The line and column a problem at ``path`` points at, or None.

        A wrong value is pointed at where the value starts, a wrong key where
        the key starts; a key that is missing at the header of its table (or
        wherever the nearest enclosing key is written).
        """
        found = self.offsets.get(path)
        if found is not None:
            return self.position(found[0] if on_key else found[1])
        # The nearest enclosing key, compared as text, so that a key with a
        # dot in its name ("a.b") is no trouble.
        for cut in range(len(path) - 1, 0, -1):
            if path[cut] in ".[":
                found = self.offsets.get(path[:cut])
                if found is not None:
                    return self.position(found[0])
        return None


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.places: dict[str, tuple[int, int]] = {}
        self.tables: dict[str, int] = {}  # arrays of tables: how many so far

    def note(self, path: str, key_at: int, value_at: int, *, replace: bool = True) -> None:
        if replace or path not in self.places:
            self.places[path] = (key_at, value_at)

    # -- characters ------------------------------------------------------------

    def peek(self, length: int = 1) -> str:
        return self.text[self.at : self.at + length]

    def blank(self) -> None:
        match = _BLANK.match(self.text, self.at)
        assert match is not None
        self.at = match.end()

    def rest_of_line(self) -> None:
        """Skip blanks and a comment up to (not past) the end of the line."""
        self.blank()
        if self.peek() == "#":
            end = self.text.find("\n", self.at)
            self.at = len(self.text) if end == -1 else end

    def space(self) -> None:
        """Skip blanks, comments and newlines (inside arrays)."""
        while True:
            self.rest_of_line()
            if self.peek() == "\n":
                self.at += 1
            elif self.peek(2) == "\r\n":
                self.at += 2
            else:
                return

    def expect(self, text: str) -> None:
        if not self.text.startswith(text, self.at):
            raise _Unreadable
        self.at += len(text)

    # -- keys --------------------------------------------------------------------

    def key_part(self) -> tuple[str, int]:
        start = self.at
        character = self.peek()
        pattern = _BASIC if character == '"' else _LITERAL if character == "'" else _BARE_KEY
        match = pattern.match(self.text, self.at)
        if match is None:
            raise _Unreadable
        self.at = match.end()
        raw = match.group()
        if character == '"':
            # A valid basic string (tomllib read it): tomllib turns its escapes back.
            name = tomllib.loads(f"k = {raw}")["k"] if "\\" in raw else raw[1:-1]
        elif character == "'":
            name = raw[1:-1]
        else:
            return raw, start  # printable ASCII already
        return visible(name), start

    def key(self) -> list[tuple[str, int]]:
        parts = [self.key_part()]
        while True:
            self.blank()
            if self.peek() != ".":
                return parts
            self.at += 1
            self.blank()
            parts.append(self.key_part())

    # -- values ------------------------------------------------------------------

    def multi_line_string(self, quote: str) -> None:
        self.at += 3
        while True:
            end = self.text.find(quote * 3, self.at)
            if end == -1:
                raise _Unreadable
            if quote == '"':
                # A closing quote counts only if no backslash escapes it.
                backslashes = 0
                while end - 1 - backslashes >= self.at and self.text[end - 1 - backslashes] == "\\":
                    backslashes += 1
                if backslashes % 2:
                    self.at = end + 1
                    continue
            self.at = end + 3
            # Up to two more quotes belong to the string's text.
            for _ in range(2):
                if self.peek() == quote:
                    self.at += 1
            return

    def value(self, path: str, depth: int) -> None:
        if depth > 200:
            raise _Unreadable
        character = self.peek()
        if self.peek(3) in ('"""', "'''"):
            self.multi_line_string(character)
        elif character in "\"'":
            match = (_BASIC if character == '"' else _LITERAL).match(self.text, self.at)
            if match is None:
                raise _Unreadable
            self.at = match.end()
        elif character == "[":
            self.array(path, depth)
        elif character == "{":
            self.inline_table(path, depth)
        else:
            match = _SCALAR.match(self.text, self.at)
            assert match is not None
            if not match.group().strip():
                raise _Unreadable
            self.at = match.end()
            # The scalar ends before blanks (a date-time may hold one space).
            while self.at > match.start() and self.text[self.at - 1] in " \t\r":
                self.at -= 1

    def array(self, path: str, depth: int) -> None:
        self.at += 1
        index = 0
        while True:
            self.space()
            if self.peek() == "]":
                self.at += 1
                return
            index += 1
            item = f"{path}[{index}]"
            self.note(item, self.at, self.at)
            self.value(item, depth + 1)
            self.space()
            if self.peek() == ",":
                self.at += 1
            elif self.peek() != "]":
                raise _Unreadable

    def inline_table(self, path: str, depth: int) -> None:
        self.at += 1
        while True:
            self.space()
            if self.peek() == "}":
                self.at += 1
                return
            self.key_value(path, depth + 1)
            self.space()
            if self.peek() == ",":
                self.at += 1
            elif self.peek() != "}":
                raise _Unreadable

    def key_value(self, table: str, depth: int) -> None:
        parts = self.key()
        path = table
        for name, start in parts[:-1]:
            path = _child(path, name)
            self.note(path, start, start, replace=False)
        name, start = parts[-1]
        path = _child(path, name)
        self.blank()
        self.expect("=")
        self.blank()
        self.note(path, start, self.at)
        self.value(path, depth)

    # -- headers -------------------------------------------------------------------

    def table_path(self, parts: list[tuple[str, int]], many: bool, start: int) -> str:
        path = ""
        for number, (name, _) in enumerate(parts):
            path = _child(path, name)
            last = number == len(parts) - 1
            if last and many:
                self.note(path, start, start, replace=False)
                count = self.tables.get(path, 0) + 1
                self.tables[path] = count
                path = f"{path}[{count}]"
            elif path in self.tables:
                path = f"{path}[{self.tables[path]}]"
            elif not last:
                self.note(path, start, start, replace=False)
        self.note(path, start, start)
        return path

    def header(self) -> str:
        start = self.at
        many = self.peek(2) == "[["
        self.at += 2 if many else 1
        self.blank()
        parts = self.key()
        self.expect("]]" if many else "]")
        return self.table_path(parts, many, start)

    def simple_line(self, table: str) -> str | None:
        """Read one line of the common shapes; the table it leaves, or None if it is another."""
        text = self.text
        match = _SIMPLE_LINE.match(text, self.at)
        if match is not None:
            name = match["key"]
            if name.startswith('"'):
                name = visible(name[1:-1])  # no escapes: the pattern has no backslash
            self.note(_child(table, name), match.start("key"), match.start("value"))
            self.at = match.end()
            return table
        match = _SIMPLE_HEADER.match(text, self.at)
        if match is not None and len(match["open"]) == len(match["close"]):
            parts = [(name, match.start("key")) for name in _DOT.split(match["key"])]
            self.at = match.end()
            return self.table_path(parts, len(match["open"]) == 2, match.start("open"))
        return None

    def read(self) -> None:
        table = ""
        while self.at < len(self.text):
            match = _EMPTY_LINES.match(self.text, self.at)
            assert match is not None
            self.at = match.end()
            self.space()
            if self.at >= len(self.text):
                break
            simple = self.simple_line(table)
            if simple is not None:
                table = simple
                continue
            if self.peek() == "[":
                table = self.header()
            else:
                self.key_value(table, 0)
            self.rest_of_line()
            if self.at < len(self.text) and self.peek() not in "\r\n":
                raise _Unreadable


def key_places(text: str) -> Places:
    """Where each key, table and array item of the TOML ``text`` starts.

    Keyed by the path as the checker writes it (``measures[4].four_p``,
    array indexes from 1). A text this reader cannot follow gives the
    places found up to there.
    """
    reader = _Reader(text)
    # What cannot be followed leaves the rest without a place, not a failure.
    with contextlib.suppress(_Unreadable, tomllib.TOMLDecodeError, RecursionError, ValueError):
        reader.read()
    return Places(text, reader.places)
