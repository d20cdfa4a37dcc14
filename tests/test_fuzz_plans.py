"""Hostile plan files, generated: plan-shaped TOML with hostile strings and values.

tests/test_fuzz.py mutates the example plan and writes random documents with
tomli-w, which can only write valid TOML with proper escapes. The documents
here are written by hand, so they also hold what tomli-w never writes:
control, text-direction and zero-width characters raw and escaped, escapes
of surrogates and of code points past U+10FFFF, TOML 1.1 escapes (``\\e``,
``\\x1b``), ids in two Unicode spellings and two cases, huge integers,
``nan`` and ``inf``, deep nesting and very long strings, in every place a
plan has an id, a name, a key or a value.

For each document:

* ``parse_plan_text`` accepts it or raises PlanFileError, nothing else, and
  every line of its message is printable (no raw control or bidi character);
* a document it accepts keeps the rules: ids valid and in NFC, no two ids of
  a kind nor two perspective or ladder names the same but for case or form,
  text within its length limit;
* the verdict is the same for the document padded past the size from which
  the faster parser reads it;
* through ``kplan import`` (fewer examples): exit 0 or 1, never 70, and a
  refused import leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kplan.core.planfile import FAST_PARSE_FROM, parse_plan_text
from kplan.domain import MAX_NAME_LENGTH, MAX_TEXT_LENGTH
from kplan.errors import PlanFileError
from kplan.model import Plan
from kplan.names import fold, id_problem, name_problem, nfc
from tests.test_fuzz import (  # noqa: F401 - fixtures
    Draw,
    Workbench,
    bench,
    fuzz,
    orebro_template,
    store,
)

# Characters that must never reach an id, a name or a terminal unescaped.
HOSTILE_CHARACTERS = [
    "\x00",
    "\x07",
    "\x08",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\u00ad",
    "\u061c",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u2028",
    "\ufeff",
    "\ue000",
    "\u0378",
    "\uffff",
    "\U0010ffff",
    "\u0301",  # a combining accent: fine inside a name, odd at its start
    "\u030a",
]
PLAIN_CHARACTERS = [*"aAåÅöÖ1-_. ", "kön", "KÖN", "a\u030a", "ＡＢ", "ﬁ"]
# Escapes TOML 1.0 refuses (surrogates, past U+10FFFF, TOML 1.1's \e and \x).
BAD_ESCAPES = ["\\uD800", "\\uDFFF", "\\U00110000", "\\e", "\\x1b", "\\u12", "\\q"]
SHARED_IDS = ["1", "a1", "A1", "å", "a\u030a", "Å", "kön", "KÖN", "x"]


def _escaped(value: str) -> str:
    out = []
    for character in value:
        code = ord(character)
        if character in '"\\':
            out.append("\\" + character)
        elif code < 0x20 or code == 0x7F or (0xD800 <= code <= 0xDFFF):
            out.append(f"\\u{code:04X}")
        elif code > 0xFFFF:
            out.append(f"\\U{code:08X}")
        else:
            out.append(character)
    return "".join(out)


# Each document has a level of hostility: the chance in 20 that a slot gets a
# hostile string or value instead of a tame one. Mostly tame documents with
# one hostile slot are what finds a rule missing; wholly hostile ones find
# crashes.
TAME_VALUES = ["1", "2", "7", "a1", "å", "kön", "x-1", "Ö", "A3", "ålder", "Q1 2016", "🎯"]
TAME_IDS = [value for value in TAME_VALUES if " " not in value]
_hostility = [0]


def _wild(draw: Draw) -> bool:
    return bool(draw(st.integers(0, 19)) < _hostility[0])


@st.composite
def hostile_text(draw: Draw) -> str:
    """A string that is mostly plain, with hostile characters mixed in."""
    if not _wild(draw):
        return str(draw(st.sampled_from(TAME_VALUES)))
    if draw(st.booleans()):  # one bad character in a good name
        tame = str(draw(st.sampled_from(TAME_VALUES)))
        where = draw(st.integers(0, len(tame)))
        return tame[:where] + draw(st.sampled_from(HOSTILE_CHARACTERS)) + tame[where:]
    parts = draw(
        st.lists(
            st.sampled_from(PLAIN_CHARACTERS)
            | st.sampled_from(HOSTILE_CHARACTERS)
            | st.sampled_from(SHARED_IDS),
            max_size=6,
        )
    )
    text = "".join(parts)
    if draw(st.integers(0, 20)) == 0:
        text *= draw(st.sampled_from([500, 5_000, 30_000]))
    return text


@st.composite
def string_source(draw: Draw, value: str, key: bool = False) -> str:
    """``value`` as TOML source, in one of several spellings, some of them not TOML 1.0.

    A ``key`` is never written as a multi-line string, which TOML keys cannot be.
    """
    how = draw(st.integers(0, 9) if _wild(draw) else st.sampled_from([0, 6, 8, 9]))
    if key and how == 8:
        how = 0
    if how <= 4:
        return '"' + _escaped(value) + '"'
    if how == 5:  # raw, as a careless editor writes it: controls make it invalid TOML
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if how == 6 and "'" not in value and "\n" not in value:
        return "'" + value + "'"
    if how == 7:
        escape = draw(st.sampled_from(BAD_ESCAPES))
        cut = draw(st.integers(0, len(value)))
        escaped = _escaped(value)
        cut = min(cut, len(escaped))
        return '"' + escaped[:cut] + escape + escaped[cut:] + '"'
    if how == 8:
        return '"""' + _escaped(value) + '"""'
    return '"' + _escaped(unicodedata.normalize("NFD", value)) + '"'


WILD_SOURCES = [
    "nan",
    "-inf",
    "+inf",
    str(10**30),
    "9" * 5000,
    "0x7FFFFFFFFFFFFFFFFF",
    "1e400",
    "true",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    "[]",
    "{}",
    "[1, 'a', [2]]",
    "[" * 40 + "]" * 40,
    "[" * 400 + "]" * 400,
    "{ a = " * 60 + "1" + " }" * 60,
    '"' + "x" * 100_000 + '"',
]


@st.composite
def value_source(draw: Draw, typical: st.SearchStrategy[str]) -> str:
    """Mostly a value of the right type (``typical``), now and then anything."""
    choice = draw(st.integers(0, 1)) if _wild(draw) else 9
    if choice == 0:
        return str(draw(st.sampled_from(WILD_SOURCES)))
    if choice == 1:
        return str(draw(string_source(draw(hostile_text()))))
    return str(draw(typical))


def _string(draw: Draw, pool: list[str] | None = None) -> str:
    """A string from ``pool`` (or anything, as hostile as the document) as TOML source."""
    if not pool:
        values: st.SearchStrategy[str] = hostile_text()
    elif _wild(draw):
        values = st.sampled_from(pool) | hostile_text()
    else:
        values = st.sampled_from(pool)
    return str(draw(string_source(draw(values))))


@st.composite
def id_lists(draw: Draw, min_size: int, max_size: int) -> list[str]:
    """Ids for one kind: valid and distinct, or (as hostile as the document) anything.

    Valid ones are drawn from SHARED_IDS too, which holds pairs that differ
    only in case or Unicode form.
    """
    wild = _wild(draw)
    source = st.sampled_from(SHARED_IDS) | (hostile_text() if wild else st.sampled_from(TAME_IDS))
    return list(draw(st.lists(source, min_size=min_size, max_size=max_size, unique=not wild)))


def _quoted(prefix: str, serial: Iterator[int]) -> str:
    return f'"{prefix}{next(serial)}"'


def _array(draw: Draw, items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


@st.composite
def hostile_plans(draw: Draw) -> str:
    """A plan file's text: the shape of a plan, hostile strings and values in its slots."""
    _hostility[0] = draw(st.sampled_from([0, 1, 2, 5, 20]))
    lines = ["kplan = 1", "", "[plan]"]
    lines.append(f"id = {_string(draw, ['orebro-kompetens', 'p', 'P', 'plån'])}")
    lines.append(f"title = {_string(draw, ['Plan'])}")
    perspectives = draw(
        st.lists(
            st.sampled_from(["kön", "Kön", "ålder", "a\u030alder"]) | hostile_text(),
            max_size=4,
            unique=not _wild(draw),
        )
    )
    if draw(st.booleans()):
        items = [draw(string_source(name)) for name in perspectives]
        lines.append(f"perspectives = {draw(value_source(st.just(_array(draw, items))))}")
    else:
        perspectives = ["kön", "ålder", "etnicitet"]
    if draw(st.booleans()):
        labels = draw(
            st.lists(
                st.sampled_from(["Samtal", "samtal", "Samsyn", "Steg"]) | hostile_text(),
                min_size=2,
                max_size=5,
                unique=not _wild(draw),
            )
        )
        lines.append(f"ladder = {_array(draw, [draw(string_source(label)) for label in labels])}")
        questions = [draw(string_source(draw(hostile_text()))) for _ in labels]
        lines.append(f"ladder_questions = {_array(draw, questions)}")

    organisations = draw(id_lists(0, 3))
    for key in organisations:
        lines += ["", "[[organisations]]", f"id = {draw(string_source(key))}", "name = 'Org'"]
    owners = draw(id_lists(1, 3))
    for key in owners:
        lines += ["", "[[owners]]", f"id = {draw(string_source(key))}", "name = 'Person'"]
        if organisations and draw(st.booleans()):
            lines.append(
                f"organisation = {draw(string_source(draw(st.sampled_from(organisations))))}"
            )
    if draw(st.booleans()):
        lines.insert(4, f"coordinators = {_array(draw, [draw(string_source(owners[0]))])}")

    serial = iter(range(1, 100))
    for key in draw(id_lists(0, 3)):
        lines += [
            "",
            "[[measures]]",
            f"id = {draw(string_source(key))}",
            f"title = {draw(value_source(st.just(_string(draw, ['Åtgärd']))))}",
            f"owner = {draw(string_source(draw(st.sampled_from(owners))))}",
            f"goal = {draw(value_source(st.just(_string(draw, ['Mål']))))}",
            f"progress = {draw(value_source(st.integers(0, 100).map(str)))}",
        ]
        if perspectives and draw(st.booleans()):
            lines.append("[measures.perspectives]")
            keys = st.sampled_from(perspectives)
            if _wild(draw):
                keys |= hostile_text()
            for name in draw(st.lists(keys, max_size=3)):
                level = draw(value_source(st.sampled_from(['"no"', '"partly"', '"yes"'])))
                lines.append(f"{draw(string_source(name, key=True))} = {level}")
        for _ in range(draw(st.integers(0, 2 if organisations else 0))):
            lines += [
                "",
                "[[measures.collaborations]]",
                f"id = {_string(draw, SHARED_IDS) if _wild(draw) else _quoted('c', serial)}",
                "name = 'Samverkan'",
                f"actors = {_array(draw, [_string(draw, organisations)])}",
                f"step = {draw(value_source(st.integers(1, 2).map(str)))}",
                f"note = {draw(value_source(st.just(_string(draw))))}",
            ]
        for _ in range(draw(st.integers(0, 2))):
            period = draw(
                st.sampled_from(["2015-Q5", "٢٠١٥", *TAME_VALUES]) | hostile_text()
                if _wild(draw)
                else st.sampled_from(["2015", "2015-t1", "2016-Q2"])
            )
            value = draw(value_source(st.integers(-10, 10**6).map(str)))
            lines += [
                "",
                "[[measures.indicators]]",
                f"id = {_string(draw, SHARED_IDS) if _wild(draw) else _quoted('i', serial)}",
                "name = 'Indikator'",
                f"baseline = {draw(value_source(st.just('1.5')))}",
                f"values = {{ {draw(string_source(period, key=True))} = {value} }}",
            ]
    if _wild(draw):  # a key that no plan has
        where = draw(st.integers(0, len(lines)))
        lines.insert(
            where,
            f"{draw(string_source(draw(hostile_text())))} = {draw(st.sampled_from(WILD_SOURCES))}",
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Judging one document
# ---------------------------------------------------------------------------


def _outcome(text: str) -> tuple[str, list[str] | Plan]:
    """("plan", the plan) or ("refused", its problem lines); anything else fails the test."""
    try:
        return "plan", parse_plan_text(text, "fuzz.toml")
    except PlanFileError as error:
        return "refused", [problem.render("fuzz.toml") for problem in error.problems]


def _assert_keeps_the_rules(plan: Plan) -> None:
    """A plan the reader accepted holds only what the rules allow."""
    kinds = {
        "plan": [plan.id],
        "organisation": [o.id for o in plan.organisations],
        "owner": [o.id for o in plan.owners],
        "measure": [m.id for m in plan.measures],
        "collaboration": [c.id for m in plan.measures for c in m.collaborations],
        "indicator": [i.id for m in plan.measures for i in m.indicators],
    }
    for kind, ids in kinds.items():
        for key in ids:
            assert key == nfc(key) and id_problem(key) is None, (kind, key)
        assert len({fold(key) for key in ids}) == len(ids), (kind, ids)
    for names in (plan.perspectives, plan.ladder):
        for name in names:
            assert name == nfc(name) and name_problem(name) is None, name
        assert len({fold(name) for name in names}) == len(names), names
    for measure in plan.measures:
        assert len(measure.title) <= MAX_NAME_LENGTH
        assert len(measure.goal) <= MAX_TEXT_LENGTH
        assert set(measure.perspectives) <= set(plan.perspectives)


def _judge(text: str) -> tuple[str, list[str] | Plan]:
    kind, result = _outcome(text)
    if kind == "plan":
        assert isinstance(result, Plan)
        _assert_keeps_the_rules(result)
    else:
        assert isinstance(result, list) and result
        for line in result:
            assert line.isprintable(), f"a problem line carries raw characters: {line!r:.300}"
            assert len(line) < 2_000, f"a problem line of {len(line)} characters"
    return kind, result


def _padded(text: str) -> str:
    return text + "\n# " + "x" * FAST_PARSE_FROM + "\n"


EXAMPLES = [
    'kplan = 1\n[plan]\nid = "p"\ntitle = "t"\nperspectives = ["Kön", "kön"]\n',
    'kplan = 1\n[plan]\nid = "p\\u202Eq"\ntitle = "t"\n',
    'kplan = 1\n[plan]\nid = "p"\ntitle = "t"\n[[owners]]\nid = "\\u00E5"\nname = "a"\n'
    '[[owners]]\nid = "a\\u030A"\nname = "b"\n',
    'kplan = 1\n[plan]\nid = "p"\ntitle = "\\e[2J"\n',
    'kplan = 1\n[plan]\nid = "p"\ntitle = "\\uD800"\n',
    'kplan = 1\n[plan]\nid = "p"\ntitle = "t"\nx = ' + "[" * 600 + "]" * 600 + "\n",
    'kplan = 1\n[plan]\nid = "p"\ntitle = "t"\nladder = ["A", "a"]\n',
    "\ufeffkplan = 1\n[plan]\nid = 'p'\ntitle = 't'\n",
]


def _with_examples(test: Any) -> Any:
    for text in EXAMPLES:
        test = example(text=text)(test)
    return test


@fuzz(400)
@_with_examples
@given(text=hostile_plans())
def test_a_hostile_plan_is_read_or_refused_by_the_rules(text: str) -> None:
    small = _judge(text)
    large = _judge(_padded(text))
    assert small == large, "the verdict changed with the file's size"


@pytest.mark.parametrize("text", EXAMPLES, ids=range(len(EXAMPLES)))
def test_each_hostile_example_is_refused_or_clean(text: str) -> None:
    kind, result = _judge(text)
    if text.startswith("\ufeff"):
        assert kind == "plan"
    else:
        assert kind == "refused", result


@fuzz(60)
@given(text=hostile_plans())
@example(text=EXAMPLES[1])
@example(text=EXAMPLES[5])
def test_import_of_a_hostile_plan_never_crashes(bench: Workbench, text: str) -> None:  # noqa: F811
    bench.import_bytes(text.encode("utf-8"), repr(text[:3000]))


def test_the_generator_reaches_both_verdicts() -> None:
    """A generator that only ever makes refused files would test little."""
    seen: set[str] = set()

    @fuzz(60)
    @given(text=hostile_plans())
    def collect(text: str) -> None:
        seen.add(_outcome(text)[0])

    collect()
    assert seen == {"plan", "refused"}, seen


# Not in the plans above: a date far off, which tomllib reads as a datetime.
def test_a_far_date_is_refused_or_kept() -> None:
    text = EXAMPLES[0].replace('perspectives = ["Kön", "kön"]', f"start = {dt.date.max}")
    assert _judge(text)[0] == "plan"
