"""Everything the command line writes goes through here.

Human text (messages, tables, errors) is made safe for a terminal on its
way out: every line passes :func:`kplan.safetext.visible`, so a control,
bidi or invisible character that got into a composed message is spelled
out, and no line is longer than a screen can use. Values should already
be visible when a message is put together (``t()`` does that for its
values, the renderers for their cells); this is the last guard, and the
only place that writes. Data (``--json``, exports into a pipe) is written
as it is, except that JSON spells risky characters as ``\\uXXXX`` escapes,
which a JSON reader turns back into exactly the stored text.

A reader that goes away (``kplan log | head -1``) ends the command quietly
with :data:`EXIT_CLOSED_PIPE`; see :func:`closed_pipe`.

tests/test_safetext.py checks that no other module of kplan prints.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import IO, TYPE_CHECKING, Any, NoReturn

from kplan.errors import KplanError
from kplan.i18n import t
from kplan.safetext import (
    ELLIPSIS,
    HIDDEN_RANGES,
    LINE_LIMIT,
    keeps_lines,
    surely_visible,
    visible,
    visible_document,
    visible_lines,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from kplan.errors import KplanError

# What a command exits with when its reader closed the pipe: 0, as
# ripgrep and most filters do. The reader has what it asked for, and a
# change command prints only after its changes are saved; 141 (git's
# SIGPIPE status) would fail every ``set -o pipefail`` script that pipes
# kplan into ``head``.
EXIT_CLOSED_PIPE = 0

# A message line may quote a path and a list of valid ids; past this it is
# clipped with an ellipsis.
MESSAGE_LIMIT = 4 * LINE_LIMIT


@cache
def _json_risky() -> re.Pattern[str]:
    """Inside JSON strings: what json.dumps leaves raw and a terminal acts on or hides.

    DEL, C1 controls, bidi and other format characters, lone surrogates,
    line and paragraph separators. json.dumps already escapes C0 controls,
    so the newlines of its indentation are not touched. Compiled when first
    needed, not at every command's start.
    """
    return re.compile("[" + "".join(r for r in HIDDEN_RANGES if r != "\x00-\x1f") + "]")


def _json_escaped(char: str) -> str:
    """One character as a JSON escape; beyond the first plane, two, as JSON spells it."""
    code = ord(char)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return _json_escaped(match.group())


def json_text(data: Any) -> str:
    """``data`` as indented JSON whose strings read back exactly, safe to print anywhere.

    The bytes of ``json.dumps(data, ensure_ascii=False, indent=2)``; an array
    of flat records (the log, most lists) is written by :func:`_records`.
    """
    text = _records(data)
    if text is None:
        import json

        text = json.dumps(data, ensure_ascii=False, indent=2)
    return _json_risky().sub(_json_escape, text)


_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})
_KEY_TYPES = frozenset({str})


def _records(data: Any) -> str | None:
    """A list of dicts of plain values as ``json.dumps(..., indent=2)`` writes it, or None.

    The standard library indents with its pure-Python encoder, a generator
    step per token: 40,000 events of ``log --json`` took a quarter of a
    second. Without ``indent`` it uses the C encoder, which puts only its
    item separator between items: with the newline and indentation of a
    record's keys as that separator, the whole list comes out of one call
    of the C encoder as the indenting encoder writes it, but for the
    brackets. A separator between ``}`` and ``{`` can only stand between two
    records (a string ends in ``"``, a value holds no dict), so those are
    given the records' own line breaks. Anything else (nested values, other
    types, keys that are not strings, empty records) is None: the caller
    uses ``json.dumps`` as it is.
    """
    if type(data) is not list or not data:
        return None
    plain = _SCALAR_TYPES.issuperset
    for item in data:
        if (
            type(item) is not dict
            or not item
            or not plain(map(type, item.values()))
            or not _KEY_TYPES.issuperset(map(type, item))
        ):
            return None
    import json

    text = json.dumps(data, ensure_ascii=False, separators=(",\n    ", ": "))
    inner = text[2:-2].replace("},\n    {", "\n  },\n  {\n    ")
    return "[\n  {\n    " + inner + "\n  }\n]"


def _is_closed_pipe(exc: BaseException) -> bool:
    return isinstance(exc, BrokenPipeError) or (
        isinstance(exc, OSError) and exc.errno == errno.EPIPE
    )


def closed_pipe() -> NoReturn:
    """End the command quietly: the reader of standard output has gone.

    Standard output is pointed at the null device first, so what is still
    buffered cannot fail again when Python flushes it on the way out.
    """
    _drop_standard_output()
    raise SystemExit(EXIT_CLOSED_PIPE)


_interrupted = False


def reset_interrupted() -> None:
    """Start a command: no Ctrl-C has been reported yet (see :func:`interrupted`)."""
    global _interrupted
    _interrupted = False


def interrupted(message: str) -> None:
    """Say that Ctrl-C ended the command; what it had still to print is dropped.

    Said once, however many layers see the interruption. Standard output
    is pointed at the null device, so nothing buffered waits for a reader
    (a full pipe) on the way out.
    """
    global _interrupted
    if not _interrupted:
        _interrupted = True
        notice(message)
    _drop_standard_output()


def _drop_standard_output() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        # Not a real file (a test's captured output): nothing will block or fail.
        pass


def output_failed(exc: OSError) -> KplanError:
    """The error for standard output that cannot be written (a full disk), not a closed pipe.

    Standard output is pointed at the null device, so what is still
    buffered does not fail again on the way out.
    """

    _drop_standard_output()
    return KplanError(t("cli.output_failed", detail=exc.strerror or exc))


def standard_output_failed(exc: OSError) -> NoReturn:
    """End the command after writing to standard output failed: quietly for a closed pipe."""
    if _is_closed_pipe(exc):
        closed_pipe()
    raise output_failed(exc) from None


def _write(stream: IO[str], text: str) -> None:
    try:
        stream.write(text)
        stream.flush()
    except OSError as exc:
        if stream is not sys.stdout:
            # Standard error that cannot be written loses the message, not
            # the exit code.
            return
        standard_output_failed(exc)


def _safe_lines(text: str) -> str:
    # A long plain table (list of 10,000 measures) is usually safe already:
    # checked in one scan, and returned as it is when no line needs clipping.
    if keeps_lines(text) and (
        len(text) <= MESSAGE_LIMIT or max(map(len, text.split("\n"))) <= MESSAGE_LIMIT
    ):
        return text
    # A message's end says what is wrong ("...: the path is too long"), so an
    # over-long line loses its middle, never its end.
    return "\n".join(_middle_clipped(line) for line in visible_lines(text, limit=None).split("\n"))


def _middle_clipped(line: str) -> str:
    if len(line) <= MESSAGE_LIMIT:
        return line
    tail = MESSAGE_LIMIT // 3
    return line[: MESSAGE_LIMIT - tail] + ELLIPSIS + line[-tail:]


def say(text: str = "") -> None:
    """A message or plain-text lines on standard output, made safe line by line."""
    _write(sys.stdout, _safe_lines(text) + "\n")


def notice(text: str) -> None:
    """A message on standard error (progress, upgrades, "nothing found")."""
    _write(sys.stderr, _safe_lines(text) + "\n")


def error(message: str) -> None:
    """``kplan: error: MESSAGE`` on standard error; further lines of the message below it."""
    first, *rest = message.split("\n")
    lines = [t("cli.error", message=visible(first, limit=None)), *rest]
    notice("\n".join(lines))


def data(text: str) -> None:
    """Text for a program (JSON, an export) on standard output, exactly as it is."""
    _write(sys.stdout, text)


def binary(content: bytes) -> None:
    """A binary file (a workbook) on standard output, which the caller made sure is no terminal."""
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    except OSError as exc:
        standard_output_failed(exc)


def json(value: Any) -> None:
    """``value`` as JSON on standard output (see :func:`json_text`)."""
    data(json_text(value) + "\n")


def json_line(value: Any) -> str:
    """``value`` as one line of compact JSON, its strings spelled as :func:`json_text` does."""
    import json

    return _json_risky().sub(
        _json_escape, json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    )


def json_lines(values: Iterable[Any]) -> None:
    """``values`` as JSON Lines on standard output: one compact object a line, in chunks."""
    chunk: list[str] = []
    for value in values:
        chunk.append(json_line(value))
        if len(chunk) >= 500:
            data("\n".join(chunk) + "\n")
            chunk = []
    if chunk:
        data("\n".join(chunk) + "\n")


def json_pieces(pieces: Iterable[tuple[bytes, str]]) -> None:
    """JSON written piece by piece: each piece in UTF-8 and the plan texts it holds.

    The risky characters :func:`json_text` escapes can only come from the
    texts, so only they are searched; a piece is escaped when one holds one
    (a lone surrogate comes encoded with ``surrogatepass``). A piece goes to
    standard output's bytes as it is when that takes UTF-8, which spares
    encoding megabytes of text again; otherwise through its text layer.
    """
    raw = _takes_utf8(sys.stdout)
    for piece, texts in pieces:
        if not surely_visible(texts) and _json_risky().search(texts):
            text = piece.decode("utf-8", "surrogatepass")
            data(_json_risky().sub(_json_escape, text))
        elif raw:
            _write_bytes(piece)
        else:
            data(piece.decode("utf-8"))


def _takes_utf8(stream: Any) -> bool:

    try:
        return codecs.lookup(stream.encoding).name == "utf-8" and hasattr(stream, "buffer")
    except (LookupError, AttributeError, TypeError):
        return False


def _write_bytes(content: bytes) -> None:
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    except OSError as exc:
        standard_output_failed(exc)


def is_terminal() -> bool:
    """Whether standard output is a terminal a person is reading."""
    return sys.stdout.isatty()


def console() -> Console:
    """A rich console for standard output (honours NO_COLOR)."""
    from rich.console import Console

    made = Console(highlight=False, emoji=False, markup=False)
    if made.width < 1:
        # COLUMNS=0, as some CI systems set it: Rich would draw every table
        # zero characters wide, which prints nothing at all.
        made.width = 80
    return made


def width() -> int:
    """How many cells wide the terminal that standard output goes to is (80 when unknown)."""
    return console().width


def show(renderable: RenderableType | str, style: str | None = None) -> None:
    """A rich renderable on standard output; a string is plain text, never markup."""
    from rich.text import Text

    if isinstance(renderable, str):
        renderable = Text(_safe_lines(renderable), style=style or "")
    try:
        console().print(renderable)
        sys.stdout.flush()
    except OSError as exc:
        standard_output_failed(exc)


@contextmanager
def working(description: str) -> Iterator[None]:
    """A spinner on standard error while something slow runs, when a person watches it.

    ``description`` is kplan's own words from the catalogue (with a checked
    format name at most), never text from a plan or a person. Nothing is
    drawn into a pipe or a file.
    """
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        progress.add_task(description, total=None)
        yield


def table(
    title: str | None,
    headers: list[str],
    rows: list[list[Any]],
    styles: list[str | None] | None = None,
    widths: list[int] | None = None,
    light: bool = False,
) -> None:
    """A table on standard output, for a person at a terminal.

    Every title, heading and cell is text, never markup, and passes
    :func:`kplan.safetext.visible`; ``styles`` gives each row's style.
    With ``widths`` (cells fitted to them beforehand, see
    :mod:`kplan.present.listfit`), every column has that width and every row
    stays on one line. A ``light`` table has a rule under its headings and
    a blank between columns, no box: a narrow terminal's cells go to the text.
    """
    # Plan data is text, never markup: a title like "[/]" must print as it is.
    # The heavy rule under the headings sets them apart, so they need no
    # bold: a table of plain data (log, plans, snapshots) writes no escape
    # sequence at all, and `... | cat -v` shows only what was stored.
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(visible(title)) if title else None,
        header_style="",
        title_justify="left",
        expand=False,
    )
    if light:
        table.box = box.SIMPLE_HEAD
        table.show_edge = False
        table.padding = (0, 0)
    for index, header in enumerate(headers):
        if widths is None:
            table.add_column(Text(visible(header)), overflow="fold")
        else:
            table.add_column(
                Text(visible(header)), width=widths[index], no_wrap=True, overflow="ellipsis"
            )
    for index, row in enumerate(rows):
        table.add_row(
            *[Text(visible(cell)) for cell in row], style=styles[index] if styles else None
        )
    show(table)


def ensure_standard_streams() -> None:
    """Give a closed standard input, output or error the null device instead.

    Started with ``<&-`` or ``>&-``, Python has no stream there: kplan then
    reads nothing and writes into nothing, as with a reader that went away,
    rather than failing on the missing stream. Opening the null device also
    takes the descriptor, so no file kplan opens later can land on it.
    """
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        _escape_what_cannot_be_written(stream)


UNWRITABLE = "kplan-unwritable"


def _as_json_escape(error: UnicodeError) -> tuple[str, int]:
    """A character the stream's encoding lacks, written as JSON writes it: ``\\u00e5``.

    In JSON output the character stands inside a string (everything outside
    one is ASCII), where the escape means the same character; in text it
    reads as what it is.
    """
    if not isinstance(error, UnicodeEncodeError):
        raise error
    unwritable = error.object[error.start : error.end]
    return "".join(map(_json_escaped, unwritable)), error.end


def _escape_what_cannot_be_written(stream: Any) -> None:
    # A standard output in ASCII or Latin-1 (PYTHONIOENCODING, an old locale)
    # cannot take every character of a plan: kplan writes those as escapes
    # instead of failing halfway through a listing.
    encoding = getattr(stream, "encoding", None)
    if not encoding or not hasattr(stream, "reconfigure"):
        return
    try:
        if codecs.lookup(encoding).name in ("utf-8", "utf-16", "utf-32", "utf-8-sig"):
            return
    except LookupError:
        return
    try:
        codecs.lookup_error(UNWRITABLE)
    except LookupError:
        codecs.register_error(UNWRITABLE, _as_json_escape)
    if getattr(stream, "errors", "strict") == "strict":
        stream.reconfigure(errors=UNWRITABLE)


# What says yes to a question, in either language; anything else is no.
YES_ANSWERS = ("y", "yes", "j", "ja")


def confirm(question: str, *, on_stderr: bool = False) -> bool:
    """Ask a yes/no question at the terminal (no is the default).

    "y", "yes", "j" and "ja" say yes, whichever language kplan speaks. The
    question goes to standard error when standard output carries data.
    """
    stream = sys.stderr if on_stderr else sys.stdout
    _write(stream, _safe_lines(question).rstrip() + " " + t("cli.yes_no"))
    answer = sys.stdin.readline()
    return answer.strip().casefold() in YES_ANSWERS


def document(text: str) -> None:
    """An export on standard output: exact into a pipe or file, made safe on a terminal.

    A person reading an export on the terminal sees its lines and tabs as
    they are and every other hidden character spelled out; anything that
    reads it from a pipe or a redirection gets the exact text.
    """
    data(visible_document(text) if is_terminal() else text)
