"""A whole plan's ``list`` into a pipe: ``--json``, ``--jsonl`` and plain text, from rows.

An unfiltered list of every measure is written straight from the rows the
store reads (``store.plans.MeasureRows``), in chunks, without a Plan or a
summary dict per measure. The bytes are those the summaries gave
(:func:`kplan.present.summary.measure_summaries` through
``output.json_text``, ``output.json_line`` or the plain table): the layout
of one measure comes from ``json.dumps`` itself, once, as a template whose
holes take the values as the C encoder spells them
(tests/test_list_stream.py compares both ways).

At 10,000 measures the Python work per row is what is left to pay, so a
row is one ``%`` of a template: the values that repeat from measure to
measure (owners, areas, statuses, dates, the Fyra P states, the
perspective levels and the steps as a group) are spelled once each and
looked up after that. This module imports only what that needs, not the
plan model or the terminal tables.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Sequence
from json import encoder as json_encoder
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from kplan.core.actor import today as current_day
from kplan.domain import FINISHED_STATUSES, FOUR_P_PARTS
from kplan.i18n import t
from kplan.present import output
from kplan.safetext import LINE_LIMIT, has_hidden, visible

if TYPE_CHECKING:
    from kplan.store.plans import MeasureRows

# How many measures go into one write.
CHUNK = 500

# Where a row's first values sit (see store.plans.MeasureRows).
_KEY, _TITLE, _OWNER, _AREA, _STATUS, _PROGRESS, _START, _DUE, _FOUR_P = range(9)

# The C encoder's spelling of a string (json.dumps with ensure_ascii=False uses it).
_ENCODE_STRING = json_encoder.encode_basestring


def pipe_headers(perspectives: Sequence[str]) -> list[str]:
    """The headings of `kplan list` into a pipe, the plan's perspectives among them."""
    return [
        t("col.id"),
        t("col.title"),
        t("col.owner"),
        t("col.status"),
        t("col.progress"),
        t("col.steps"),
        t("col.four_p"),
        *perspectives,
        # Last, so that the columns before keep the places they always had.
        t("words.col_overdue"),
    ]


def _json_scalar(value: Any) -> str:
    """``value`` as ``json.dumps(value, ensure_ascii=False)`` spells it."""
    if type(value) is str:
        return _ENCODE_STRING(value)
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    return json.dumps(value, ensure_ascii=False)


class _Spelled(dict[Any, Any]):
    """Values as they are written, each spelled once: ``spelled[value]`` spells it on a miss.

    ``words``, when given, collects the texts of the values spelled (each of
    a tuple's), for the check for characters a terminal would act on.
    """

    def __init__(self, spell: Callable[[Any], Any], words: list[str] | None = None) -> None:
        super().__init__()
        self._spell = spell
        self._words = words

    def __missing__(self, value: Any) -> Any:
        found = self[value] = self._spell(value)
        if self._words is not None:
            for word in value if type(value) is tuple else (value,):
                self._words.append(word if type(word) is str else str(word))
        return found


def _groups(text: str, sizes: Sequence[int]) -> tuple[str, list[str]]:
    """A template made by ``json.dumps`` with numbered markers, its holes taken in groups.

    ``sizes`` says how many holes, in order, each group takes. Returned: the
    template with one ``%s`` per group, and for each group the text it puts
    in that hole, with a ``%s`` for each of its values and the template's own
    text between them (every ``%`` of the template's text doubled).
    """
    # json.dumps spells a marker "\x00N\x00" as "\u0000N\u0000".
    parts = re.split(r'"\\u0000([0-9]+)\\u0000"', text.replace("%", "%%"))
    texts, holes = parts[0::2], [int(number) for number in parts[1::2]]
    if holes != list(range(sum(sizes))):
        raise AssertionError(f"the template's holes are out of order: {holes}")
    template = [texts[0]]
    groups: list[str] = []
    hole = 0
    for size in sizes:
        # No values (a plan without perspectives) make a hole for nothing.
        groups.append("%s".join(["", *texts[hole + 1 : hole + size], ""]) if size else "")
        hole += size
        template.append("%s" + texts[hole] if size else "%s")
    return "".join(template), groups


def _summary_template(perspectives: Sequence[str], compact: bool) -> str:
    """The text of one summary in ``--json``'s array (or a ``--jsonl`` line), with markers.

    Made by ``json.dumps`` from a summary whose values are markers, so the
    layout (indentation, separators, the keys as spelled) is the standard
    library's own, key for key the dict ``summary.measure_summary`` makes.
    """
    marker = "\x00{}\x00"
    holes = iter(range(1_000_000))

    def hole() -> str:
        return marker.format(next(holes))

    sample: dict[str, Any] = {
        key: hole()
        for key in (
            "id",
            "title",
            "owner",
            "owner_name",
            "area",
            "status",
            "progress",
            "start",
            "due",
            "overdue",
            "days_overdue",
        )
    }
    sample["four_p"] = {part: hole() for part in FOUR_P_PARTS}
    sample["perspectives"] = {p: hole() for p in perspectives}
    sample["steps"] = {"lowest": hole(), "highest": hole()}
    if compact:
        return json.dumps(sample, ensure_ascii=False, separators=(",", ":"))
    # The item as it sits in the array: one level in.
    return json.dumps([sample], ensure_ascii=False, indent=2)[2:-2]


def measure_rows_json(
    measures: MeasureRows, *, compact: bool = False, today: dt.date | None = None
) -> Iterator[tuple[bytes, str]]:
    """``list --json`` (or with ``compact``, ``--jsonl``) of these rows, in pieces to write.

    Each piece is a stretch of the output in UTF-8 and the plan texts in it,
    for ``output.json_pieces``, which then needs to look at those texts only
    for characters a terminal would act on. The indented array is byte for
    byte what ``json.dumps([measure_summary(...) ...], ensure_ascii=False,
    indent=2)`` writes, and each compact line what ``output.json_line``
    writes of one summary. The pieces are bytes, put together from values
    each encoded once: encoding the whole output took as long as filling in
    the template. A lone surrogate (a store's bad text) is encoded as it is
    (``surrogatepass``), for the writer to spell out.
    """
    day = today or current_day()
    rows, owners, perspectives = measures.rows, measures.owners, measures.perspectives
    if not compact and not rows:
        yield b"[]\n", ""
        return
    four_p_end, row_id = measures.four_p_end, measures.row_id
    steps_of, no_steps = measures.steps, (None, None)
    # The template's holes in groups: id, title, owner and name, area, status,
    # progress, start, due with overdue and days, the Fyra P, the perspectives,
    # the steps.
    sizes = [1, 1, 2, 1, 1, 1, 1, 3, len(FOUR_P_PARTS), len(perspectives), 2]
    made, holes = _groups(_summary_template(perspectives, compact), sizes)
    template, groups = _utf8(made), [_utf8(group) for group in holes]
    words: list[str] = list(perspectives)

    def spell(value: Any) -> bytes:
        return _utf8(_json_scalar(value))

    def spell_owner(owner_id: Any) -> bytes:
        key, name = owners[owner_id]
        words.append(key)
        words.append(name)
        return groups[2] % (spell(key), spell(name))

    def read_day(value: Any) -> dt.date | None:
        # SQLite gives dates as ISO text; the usual form is read without a detour.
        return iso(value) if type(value) is str and len(value) == 10 else measures.day(value)

    def spell_start(value: Any) -> bytes:
        # A date is written as its ISO text, whatever form the store held.
        date = read[value]
        return b"null" if date is None else b'"%s"' % date.isoformat().encode()

    def spell_due(value: Any) -> bytes:
        date = read[value]
        if date is None or date >= day:
            done: bytes = dues[True][value]
            return done
        return groups[7] % (starts[value], b"true", b"%d" % (day - date).days)

    def spell_done(value: Any) -> bytes:
        # Done or cancelled: never overdue.
        return groups[7] % (starts[value], b"false", b"null")

    def spell_group(text: bytes) -> Callable[[Any], bytes]:
        return lambda values: text % tuple(map(spell, values))

    iso = dt.date.fromisoformat
    read = _Spelled(read_day)
    owner_of = _Spelled(spell_owner, words)
    scalar = _Spelled(spell, words)
    progress = _Spelled(spell)
    starts = _Spelled(spell_start)
    # The due date with whether the measure is overdue and by how many days,
    # for the measures still open and for those done or cancelled.
    dues = (_Spelled(spell_due), _Spelled(spell_done))
    four_p = _Spelled(spell_group(groups[8]), words)
    coverage = _Spelled(spell_group(groups[9]), words)
    ladder = _Spelled(spell_group(groups[10]), words)
    finished = FINISHED_STATUSES
    encode, utf8 = _ENCODE_STRING, str.encode
    keys, titles = itemgetter(_KEY), itemgetter(_TITLE)
    separator = b"\n" if compact else b",\n"
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        # One % of the template a measure; a row's values in the template's order.
        items = [
            template
            % (
                utf8(encode(row[_KEY]), "utf-8", "surrogatepass"),
                utf8(encode(row[_TITLE]), "utf-8", "surrogatepass"),
                owner_of[row[_OWNER]],
                scalar[row[_AREA]],
                scalar[row[_STATUS]],
                progress[row[_PROGRESS]],
                starts[row[_START]],
                dues[row[_STATUS] in finished][row[_DUE]],
                four_p[row[_FOUR_P:four_p_end]],
                coverage[row[four_p_end:row_id]],
                ladder[steps_of.get(row[row_id], no_steps)],
            )
            for row in chunk
        ]
        text = separator.join(items)
        if compact:
            text += b"\n"
        else:
            text = (b"[\n" if start == 0 else b",\n") + text
            if start + CHUNK >= len(rows):
                text += b"\n]\n"
        texts = "".join(map(keys, chunk)) + "".join(map(titles, chunk))
        yield text, texts + "".join(words)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def measure_rows_plain(measures: MeasureRows, today: dt.date | None = None) -> None:
    """``list`` of a whole plan into a pipe, straight from its rows, written in chunks.

    The bytes the plain table of the plan's summaries gives there: a header
    line, then a tab-separated line a measure with the same cells, each
    made visible. A chunk whose cells hold nothing to spell out and none
    too long is written as it is (most are); otherwise its cells are made
    visible one by one, as the table makes them.
    """
    day = today or current_day()
    rows, owners, perspectives = measures.rows, measures.owners, measures.perspectives
    four_p_end, row_id = measures.four_p_end, measures.row_id
    steps_of, no_steps = measures.steps, (None, None)
    headers = pipe_headers(perspectives)
    # The cells spelled once (owners, statuses, the Fyra P, the levels, the
    # steps), for the check of each chunk.
    cells: list[str] = []

    def cell(text: str) -> str:
        cells.append(text)
        return text

    def spell_late(value: Any) -> str:
        date = measures.day(value)
        return str((day - date).days) if date is not None and date < day else ""

    owner_of = _Spelled(lambda owner_id: cell(owners[owner_id][0]))
    status_of = _Spelled(lambda status: cell(status))
    late = _Spelled(spell_late)
    four_p = _Spelled(lambda states: cell("/".join(states)))
    # A level is a cell of its own: each comes after a tab.
    coverage = _Spelled(lambda levels: "".join(f"\t{cell(level)}" for level in levels))
    ladder = _Spelled(lambda values: cell(_steps_text(*values)))
    finished = FINISHED_STATUSES
    keys, titles = itemgetter(_KEY), itemgetter(_TITLE)
    text = "\t".join(visible(header) for header in headers)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        lines = [
            f"{row[_KEY]}\t{row[_TITLE]}\t{owner_of[row[_OWNER]]}\t{status_of[row[_STATUS]]}"
            f"\t{row[_PROGRESS]}%\t{ladder[steps_of.get(row[row_id], no_steps)]}"
            f"\t{four_p[row[_FOUR_P:four_p_end]]}{coverage[row[four_p_end:row_id]]}"
            f"\t{'' if row[_STATUS] in finished else late[row[_DUE]]}"
            for row in chunk
        ]
        texts = "".join(map(keys, chunk)) + "".join(map(titles, chunk)) + "".join(cells)
        longest = max(max(map(len, map(keys, chunk))), max(map(len, map(titles, chunk))))
        if has_hidden(texts) or max(longest, *map(len, cells)) > LINE_LIMIT:
            lines = [_visible_line(row, measures, spell_late) for row in chunk]
        # The first chunk carries the header line.
        text += ("\n" if text else "") + "\n".join(lines)
        output.say(text)
        text = ""
    if text:
        output.say(text)


def _steps_text(low: int | None, high: int | None) -> str:
    """Lowest and highest ladder step as ``2-3`` (``–`` without collaborations).

    As ``labels.steps_text`` writes a summary's steps, without importing the
    labels (and with them the plan model) for a whole list.
    """
    if low is None:
        return "–"
    return str(low) if low == high else f"{low}-{high}"


def _visible_line(row: Sequence[Any], measures: MeasureRows, late: Callable[[Any], str]) -> str:
    """One measure's line with each cell made visible: for rows with texts to spell out."""
    four_p_end, row_id = measures.four_p_end, measures.row_id
    cells = [
        row[_KEY],
        row[_TITLE],
        measures.owners[row[_OWNER]][0],
        row[_STATUS],
        f"{row[_PROGRESS]}%",
        _steps_text(*measures.steps.get(row[row_id], (None, None))),
        "/".join(row[_FOUR_P:four_p_end]),
        *row[four_p_end:row_id],
        "" if row[_STATUS] in FINISHED_STATUSES else late(row[_DUE]),
    ]
    return "\t".join(visible(cell) for cell in cells)
