"""Robustness: malformed plan files and odd command arguments never crash kplan.

A person can hand kplan any file and type any argument. Whatever it is, kplan
must answer with a one-line ``kplan: error: ...`` (exit 1), a usage error
(exit 2) or success (exit 0): never an internal error (exit 70, which
``kplan.cli.main`` makes of any unexpected exception) and never a traceback.
A rejected import must leave the store exactly as it was.

The checks:

* a catalogue of known-nasty values (huge integers, ``nan``/``inf``, deeply
  nested arrays, impossible dates, 100,000-character titles...) put in place
  of values of the example plan, checked one by one so a failure names it,
  and a handful of broken files (empty, UTF-16, BOM, NUL bytes, repeated
  tables);
* hypothesis properties over the example plan mutated at random (byte edits,
  truncation, control characters, invalid UTF-8, wrong-typed values,
  duplicated keys and tables), over whole documents of random TOML values,
  and over valid generated plans with a few values changed, all written
  with tomli-w: through the CLI and directly through ``parse_plan_text``;
* ``parse_plan_text`` on any text, TOML-like token soup and any bytes;
* hypothesis properties over the arguments of ``status``, ``record`` and
  ``step``, plus a list of known-odd ones;
* periods written in non-ASCII digits (``٢٠١٦``), which must not become a
  second 2016.

Through Typer's CliRunner an unexpected exception does not reach ``main()``:
the runner catches it and reports exit code 1 with ``result.exception`` set.
``_run`` turns that back into the 70 the installed ``kplan`` would exit with.

Every property runs derandomised, without a database and without shrinking,
so CI sees the same examples every time and a failure costs no extra time;
each mutated file carries a description of how it was made instead. (The
examples still change when kplan's or the tests' source changes: hypothesis
also draws from the constants it finds in loaded modules.)
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
import sqlite3
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import kplan
from kplan.core.planfile import (
    COLLABORATION_KEYS,
    INDICATOR_KEYS,
    MEASURE_KEYS,
    ORGANISATION_KEYS,
    OWNER_KEYS,
    PLAN_KEYS,
    TOP_KEYS,
    parse_plan_text,
    read_plan_file,
)
from kplan.domain import (
    COVERAGE_LEVELS,
    DIRECTIONS,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    ORGANISATION_KINDS,
    STATUS_ALIASES,
    STATUSES,
)
from kplan.errors import PlanFileError
from kplan.model import plan_to_document
from tests.conftest import OREBRO, dump_store
from tests.test_roundtrip import plans as valid_plans

# Hypothesis draws some values from the constants of the modules loaded so far,
# so import everything the commands import lazily now: the examples then do not
# depend on which tests ran before in the same process.
for _module in pkgutil.walk_packages(kplan.__path__, "kplan."):
    if not _module.name.startswith("kplan.tui"):
        importlib.import_module(_module.name)

BASE_TEXT = OREBRO.read_text(encoding="utf-8")
BASE_BYTES = BASE_TEXT.encode("utf-8")
BASE_PLAN = read_plan_file(OREBRO)
MEASURE_IDS = [measure.id for measure in BASE_PLAN.measures]
COLLABORATION_IDS = [c.id for m in BASE_PLAN.measures for c in m.collaborations]
INDICATOR_IDS = [i.id for m in BASE_PLAN.measures for i in m.indicators]
ERROR_PREFIX = "kplan: error:"
INTERNAL_ERROR = 70
DEEP = 500  # enough to exhaust the default recursion limit of 1000 frames
DEEPER = 5000  # hypothesis raises the recursion limit while it runs a test

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)


def fuzz(max_examples: int) -> settings:
    """The shared settings with a number of examples."""
    return settings(FUZZ, max_examples=max_examples)


# ---------------------------------------------------------------------------
# Running the CLI and judging what it did
# ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a CLI run did, with an unexpected exception counted as exit 70."""

    args: list[str]
    code: int
    stdout: str
    stderr: str
    crash: str | None

    def __repr__(self) -> str:
        return f"Outcome(code={self.code})"

    def describe(self) -> str:
        shown = [arg if len(arg) <= 80 else f"{arg[:60]}...<{len(arg)} chars>" for arg in self.args]
        return (
            f"kplan {shown!r} exited {self.code}\n"
            f"stderr: {self.stderr[:1500]!r}\nstdout: {self.stdout[:500]!r}\n"
            f"{self.crash or ''}"
        )


RUNNER = CliRunner()


def _run(*args: str) -> Outcome:
    from kplan.cli import app

    result = RUNNER.invoke(app, list(args))
    exception = result.exception
    crash = None
    code = result.exit_code
    if exception is not None and not isinstance(exception, SystemExit):
        # kplan.cli.main would print "internal error" and exit 70.
        code = INTERNAL_ERROR
        lines = traceback.format_exception(exception)
        crash = "".join([*lines[:2], "  ...\n", *lines[-8:]])
    return Outcome(list(args), code, result.stdout, result.stderr, crash)


def _assert_no_crash(outcome: Outcome, allowed: tuple[int, ...]) -> None:
    assert outcome.code in allowed, outcome.describe()
    assert "Traceback" not in outcome.stderr, outcome.describe()
    assert "Traceback" not in outcome.stdout, outcome.describe()
    if outcome.code == 1:
        assert outcome.stderr.startswith(ERROR_PREFIX), outcome.describe()


def _copy_store(source: Path, target: Path) -> None:
    # Through SQLite, not by copying files: commands run in this process may
    # leave pooled connections to the store open, and its WAL must come along.
    reader = sqlite3.connect(source)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        reader.close()
        writer.close()


@pytest.fixture(scope="module")
def orebro_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the Örebro plan, made once for this module."""
    from kplan.core.importing import import_plan
    from kplan.store.engine import open_store

    path = tmp_path_factory.mktemp("template") / "orebro.db"
    store = open_store(str(path))
    try:
        import_plan(store, read_plan_file(OREBRO), actor="setup")
    finally:
        store.close()
    return path


@pytest.fixture
def store(orebro_template: Path, db: Path) -> Path:
    """The test's own copy of the Örebro store (cheaper than importing it every time)."""
    _copy_store(orebro_template, db)
    return db


class Workbench:
    """A store holding the Örebro plan, put back as it was after a successful import."""

    def __init__(self, db: Path, folder: Path, template: Path) -> None:
        self.db = db
        self.folder = folder
        self.template = template
        self.before = dump_store(db)
        self.plan_file = folder / "plan.toml"

    def restore(self) -> None:
        _copy_store(self.template, self.db)

    def import_bytes(self, data: bytes, how: str) -> None:
        """Import ``data`` as a plan file; check the outcome; reset the store after a success."""
        self.plan_file.write_bytes(data)
        outcome = _run("import", str(self.plan_file), "--db", str(self.db), "--as", "fuzz")
        context = f"plan file made by: {how}\n"
        _assert_no_crash(outcome, (0, 1))
        if outcome.code == 1:
            assert dump_store(self.db) == self.before, (
                context + "a rejected import changed the store\n" + outcome.describe()
            )
            return
        # kplan accepted the file: the plan must now be usable.
        try:
            plan_id = parse_plan_text(data.decode("utf-8")).id
        except (PlanFileError, UnicodeDecodeError) as error:
            raise AssertionError(
                f"{context}import succeeded but the file does not parse: {error}"
            ) from None
        for command in (["list", "--json"], ["export"]):
            used = _run(*command, "--plan", plan_id, "--db", str(self.db))
            assert used.code == 0, context + "after a successful import:\n" + used.describe()
        self.restore()


@pytest.fixture
def bench(store: Path, orebro_template: Path, tmp_path: Path) -> Workbench:
    """A store with the Örebro plan and a scratch folder for plan files."""
    folder = tmp_path / "fuzz"
    folder.mkdir()
    return Workbench(store, folder, orebro_template)


# ---------------------------------------------------------------------------
# Nasty values, as TOML source text
# ---------------------------------------------------------------------------

NASTY_VALUES: dict[str, str] = {
    "huge-int": str(10**30),
    "huge-negative-int": str(-(10**30)),
    "int-400-digits": "9" * 400,  # parses, but float() of it overflows
    "int-5000-digits": "9" * 5000,  # beyond Python's int-from-string limit (4300 digits)
    "int-max-64": str(2**63 - 1),
    "int-min-64": str(-(2**63)),
    "hex-int": "0xDEADBEEF",
    "nan": "nan",
    "plus-nan": "+nan",
    "minus-nan": "-nan",
    "inf": "inf",
    "minus-inf": "-inf",
    "float-max": "1.7976931348623157e308",
    "float-overflow": "1e309",
    "float-tiny": "5e-324",
    "minus-zero": "-0.0",
    "fraction": "3.5",
    "bool": "true",
    "empty-string": '""',
    "blank-string": '"   "',
    "nul-escape": '"a\\u0000b"',
    "newline-string": '"a\\nb"',
    "number-as-string": '"30"',
    "long-string": '"' + "x" * 100_000 + '"',
    "long-literal-string": "'" + "å" * 100_000 + "'",
    "empty-array": "[]",
    "mixed-array": '[1, "a", 2.5, true, [], {}]',
    "repeated-strings": '["kön", "kön"]',
    "empty-inline-table": "{}",
    "inline-table": '{ a = 1, "b c" = "d" }',
    "deep-array": "[" * DEEP + "]" * DEEP,
    "deep-inline-table": "{ a = " * DEEP + "1" + " }" * DEEP,
    "deep-mixed": "[{ a = " * (DEEP // 2) + "1" + " }]" * (DEEP // 2),
    "deeper-array": "[" * DEEPER + "]" * DEEPER,
    "deeper-inline-table": "{ a = " * DEEPER + "1" + " }" * DEEPER,
    "date-min": "0001-01-01",
    "date-max": "9999-12-31",
    "date-year-0": "0000-01-01",
    "date-month-13": "2015-13-01",
    "date-feb-30": "2015-02-30",
    "date-year-10000": "10000-01-01",
    "date-as-bad-string": '"2015-02-30"',
    "date-as-unicode-digits": '"２０１５-01-01"',
    "datetime-max-offset": "9999-12-31T23:59:59-23:59",
    "datetime-min-offset": "0001-01-01T00:00:00+23:59",
    "datetime-bad-offset": "1979-05-27T07:32:00+25:00",
    "datetime-utc": "1979-05-27T07:32:00Z",
    "local-time": "07:32:00.999999",
}

# Keys of the example plan to put the nasty values in: (description, line regex).
TARGETS: dict[str, str] = {
    "kplan": r"^kplan = ",
    "plan.title": r"^title = ",
    "plan.start": r"^start = ",
    "plan.ladder": r"^ladder = ",
    "measures[1].progress": r"^progress = ",
    "measures[1].due": r"^due = ",
    "measures[1].collaborations[1].step": r"^step = ",
    "measures[1].indicators[1].baseline": r"^baseline = ",
    "measures[1].indicators[1].values.2014": r"^values = ",
}


def _replace_value(text: str, pattern: str, value: str) -> str:
    """The text with the first line matching ``pattern`` given ``value`` as its value."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if re.match(pattern, line):
            key = line.split("=", 1)[0].rstrip()
            if key == "values":
                value = '{ "2014" = ' + value + " }"
            lines[index] = f"{key} = {value}"
            return "\n".join(lines)
    raise AssertionError(f"no line matches {pattern!r}")


# ---------------------------------------------------------------------------
# 1. The catalogue, one value and one key at a time
# ---------------------------------------------------------------------------


def _parse_failure(text: str) -> str | None:
    """None if ``parse_plan_text`` accepts the text or raises PlanFileError; else what it did."""
    try:
        parse_plan_text(text, "fuzz.toml")
    except PlanFileError as error:
        if not error.problems or not error.message.startswith("fuzz.toml"):
            return f"PlanFileError without problems or source: {error.message!r}"
        return None
    except BaseException as error:  # anything else is the bug
        lines = traceback.format_exception(error)
        return f"{type(error).__name__}: {str(error)[:200]}\n" + "".join(lines[-6:])
    return None


@pytest.mark.parametrize("name", list(NASTY_VALUES), ids=list(NASTY_VALUES))
def test_parse_plan_text_rejects_nasty_values_with_plan_file_errors(name: str) -> None:
    failures = []
    for target, pattern in TARGETS.items():
        failure = _parse_failure(_replace_value(BASE_TEXT, pattern, NASTY_VALUES[name]))
        if failure:
            failures.append(f"{target} = <{name}>: parse_plan_text raised {failure}")
    # Failing outside the except block keeps a RecursionError's 1000 frames out of the report.
    assert not failures, "\n".join(failures)


# Through the CLI, every value once, in the key where it is most likely to hurt.
CLI_TARGETS = {
    name: (
        "measures[1].indicators[1].baseline"
        if name.startswith(("int", "huge", "float", "nan", "inf", "minus", "plus"))
        else "measures[1].due"
        if name.startswith(("date", "datetime", "local"))
        else "plan.title"
    )
    for name in NASTY_VALUES
}


@pytest.mark.parametrize("name", list(NASTY_VALUES), ids=list(NASTY_VALUES))
def test_import_of_a_nasty_value_is_an_error_or_a_success_never_a_crash(
    bench: Workbench, name: str
) -> None:
    target = CLI_TARGETS[name]
    text = _replace_value(BASE_TEXT, TARGETS[target], NASTY_VALUES[name])
    bench.import_bytes(text.encode("utf-8"), f"{target} = <{name}>")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty-file", b""),
        ("bom", b"\xef\xbb\xbf" + BASE_BYTES),
        ("utf-16", BASE_TEXT.encode("utf-16")),
        ("latin-1", BASE_TEXT.encode("latin-1", errors="replace")),
        ("lone-surrogate-bytes", BASE_BYTES.replace(b"Region", b"Re\xed\xa0\x80gion", 1)),
        ("nul-byte", BASE_BYTES.replace(b"Region", b"Re\x00gion", 1)),
        ("crlf", BASE_BYTES.replace(b"\n", b"\r\n")),
        ("bare-cr", BASE_BYTES.replace(b"\n", b"\r")),
        ("duplicate-plan-table", BASE_BYTES + b"\n[plan]\nid = 'x'\n"),
        ("duplicate-key", BASE_BYTES.replace(b'id = "1"\n', b'id = "1"\nid = "1"\n', 1)),
        (
            "duplicate-four-p",
            BASE_BYTES.replace(b"[measures.four_p]", b"[measures.four_p]\n[measures.four_p]", 1),
        ),
        ("measure-twice", BASE_BYTES + BASE_BYTES[BASE_BYTES.index(b"[[measures]]") :]),
        ("plan-as-array", BASE_BYTES.replace(b"[plan]", b"[[plan]]", 1)),
        ("measures-as-table", b"kplan = 1\n[plan]\nid='a'\ntitle='b'\n[measures]\nid = 1\n"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_import_of_a_broken_file_is_an_error_or_a_success_never_a_crash(
    bench: Workbench, name: str, data: bytes
) -> None:
    bench.import_bytes(data, name)


# ---------------------------------------------------------------------------
# 2. The example plan mutated at random
# ---------------------------------------------------------------------------

Draw = Callable[[st.SearchStrategy[Any]], Any]
CONTROL_CHARACTERS = [chr(code) for code in [*range(32), 127]]
INVALID_UTF8 = [
    b"\xff",
    b"\xfe",
    b"\xc3",
    b"\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
]
_LINE_WITH_VALUE = re.compile(r"^[A-Za-z_\"][^=\n]*=")


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def _byte_edits(draw: Draw, data: bytes) -> tuple[bytes, str]:
    done = []
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = draw(st.binary(min_size=1, max_size=1))
        if operation == "insert" or position == len(data):
            data = data[:position] + byte + data[position:]
        elif operation == "replace":
            data = data[:position] + byte + data[position + 1 :]
        else:
            data = data[:position] + data[position + 1 :]
        done.append(f"{operation} {byte!r}@{position}")
    return data, "byte edits " + ", ".join(done)


def _truncate(draw: Draw, data: bytes) -> tuple[bytes, str]:
    position = draw(st.integers(0, len(data)))
    return data[:position], f"truncated at byte {position}"


def _control_characters(draw: Draw, data: bytes) -> tuple[bytes, str]:
    text = _text(data)
    done = []
    for _ in range(draw(st.integers(1, 5))):
        position = draw(st.integers(0, len(text)))
        character = draw(st.sampled_from(CONTROL_CHARACTERS))
        text = text[:position] + character + text[position:]
        done.append(f"{character!r}@{position}")
    return _bytes(text), "control characters " + ", ".join(done)


def _invalid_utf8(draw: Draw, data: bytes) -> tuple[bytes, str]:
    position = draw(st.integers(0, len(data)))
    junk = draw(st.sampled_from(INVALID_UTF8))
    return data[:position] + junk + data[position:], f"invalid UTF-8 {junk!r}@{position}"


def _value_lines(lines: list[str]) -> list[int]:
    return [index for index, line in enumerate(lines) if _LINE_WITH_VALUE.match(line)]


def _wrong_value(draw: Draw) -> tuple[str, str]:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        number = draw(st.integers(min_value=-(10**40), max_value=10**40))
        return str(number), f"int {number}"
    if choice == 1:
        value = draw(st.text(max_size=30))
        return tomli_w.dumps({"v": value})[4:].strip(), f"string {value!r}"
    name = draw(st.sampled_from(list(NASTY_VALUES)))
    return NASTY_VALUES[name], f"<{name}>"


def _replace_random_value(draw: Draw, data: bytes) -> tuple[bytes, str]:
    lines = _text(data).split("\n")
    candidates = _value_lines(lines)
    if not candidates:
        return data, "no value to replace"
    index = draw(st.sampled_from(candidates))
    value, label = _wrong_value(draw)
    key = lines[index].split("=", 1)[0].rstrip()
    if draw(st.booleans()) and key == "values":
        value = '{ "2015" = ' + value + " }"
    lines[index] = f"{key} = {value}"
    return _bytes("\n".join(lines)), f"line {index + 1} {key!r} = {label}"


def _duplicate_line(draw: Draw, data: bytes) -> tuple[bytes, str]:
    lines = _text(data).split("\n")
    if not lines:
        return data, "nothing to duplicate"
    index = draw(st.integers(0, len(lines) - 1))
    lines.insert(index + draw(st.integers(1, 3)), lines[index])
    return _bytes("\n".join(lines)), f"line {index + 1} duplicated"


def _duplicate_block(draw: Draw, data: bytes) -> tuple[bytes, str]:
    text = _text(data)
    headers = [match.start() for match in re.finditer(r"(?m)^\[", text)]
    if not headers:
        return data, "no table to duplicate"
    start = draw(st.sampled_from(headers))
    later = [position for position in headers if position > start]
    end = later[0] if later else len(text)
    block = text[start:end]
    where = draw(st.sampled_from([start, end, len(text)]))
    text = text[:where] + block.rstrip("\n") + "\n\n" + text[where:]
    return _bytes(text), f"table at char {start} repeated at {where}"


def _delete_or_swap_lines(draw: Draw, data: bytes) -> tuple[bytes, str]:
    lines = _text(data).split("\n")
    first = draw(st.integers(0, len(lines) - 1))
    second = draw(st.integers(0, len(lines) - 1))
    if draw(st.booleans()):
        del lines[first]
        return _bytes("\n".join(lines)), f"line {first + 1} deleted"
    lines[first], lines[second] = lines[second], lines[first]
    return _bytes("\n".join(lines)), f"lines {first + 1} and {second + 1} swapped"


MUTATIONS = [
    _byte_edits,
    _truncate,
    _control_characters,
    _invalid_utf8,
    _replace_random_value,
    _replace_random_value,
    _duplicate_line,
    _duplicate_block,
    _delete_or_swap_lines,
]


class Mutated:
    """A mutated plan file; its repr says how it was made, not its 30 kB."""

    def __init__(self, data: bytes, how: str) -> None:
        self.data = data
        self.how = how

    def __repr__(self) -> str:
        return f"Mutated({self.how!r})"


@st.composite
def mutated_plans(draw: Draw) -> Mutated:
    """The example plan with one to three random mutations, and what they were."""
    data = BASE_BYTES
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        mutation = draw(st.sampled_from(MUTATIONS))
        data, label = mutation(draw, data)
        steps.append(label)
    return Mutated(data, "; ".join(steps))


@fuzz(120)
@given(mutated=mutated_plans())
def test_import_of_a_mutated_plan_never_crashes(bench: Workbench, mutated: Mutated) -> None:
    bench.import_bytes(mutated.data, mutated.how)


# ---------------------------------------------------------------------------
# 3. Whole generated documents, written with tomli-w
# ---------------------------------------------------------------------------

_OFFSETS = [None, dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(-dt.timedelta(hours=5))]
toml_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(timezones=st.sampled_from(_OFFSETS)),
    st.times(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)
ids = st.sampled_from(["a", "b", "1", "2", "m-1", "x y", ""]) | st.text(max_size=6)


def _field(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(plausible, plausible, toml_values)


def _table(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    optional = {key: _field(strategy) for key, strategy in fields.items()}
    extra = st.dictionaries(st.text(max_size=8), toml_values, max_size=1)
    return st.builds(
        lambda table, more: {**table, **more},
        st.fixed_dictionaries({}, optional=optional),  # type: ignore[arg-type]
        extra,
    )


_names = st.text(min_size=1, max_size=12)
_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)) | st.dates()
plan_tables = _table(
    {
        "id": ids,
        "title": _names,
        "organisation": _names,
        "start": _dates,
        "end": _dates,
        "description": st.text(max_size=30),
        "perspectives": st.lists(_names, max_size=4),
        "ladder": st.lists(_names, max_size=10),
        "ladder_questions": st.lists(st.text(max_size=10), max_size=10),
        "coordinators": st.lists(ids, max_size=3),
    }
)
organisation_tables = _table(
    {"id": ids, "name": _names, "kind": st.sampled_from(ORGANISATION_KINDS) | _names}
)
owner_tables = _table({"id": ids, "name": _names, "organisation": ids, "email": _names})
collaboration_tables = _table(
    {
        "id": ids,
        "name": _names,
        "actors": st.lists(ids, max_size=3),
        "step": st.integers(-1, 11),
        "note": st.text(max_size=10),
    }
)
indicator_tables = _table(
    {
        "id": ids,
        "name": _names,
        "unit": st.text(max_size=4),
        "baseline": st.floats() | st.integers(),
        "target": st.floats() | st.integers(),
        "direction": st.sampled_from(DIRECTIONS) | _names,
        "values": st.dictionaries(
            st.sampled_from(["2015", "2015-Q1", "2015-t2", "2015-13", "2015-H3", " 2016 "])
            | st.text(max_size=8),
            st.floats() | st.integers(min_value=-(10**400), max_value=10**400),
            max_size=3,
        ),
    }
)
measure_tables = _table(
    {
        "id": ids,
        "title": _names,
        "goal": st.text(max_size=10),
        "area": st.text(max_size=10),
        "owner": ids,
        "status": st.sampled_from([*STATUSES, *STATUS_ALIASES]) | _names,
        "progress": st.integers(-1, 101) | st.integers(),
        "start": _dates,
        "due": _dates,
        "description": st.text(max_size=10),
        "four_p": st.dictionaries(
            st.sampled_from(FOUR_P_PARTS) | _names,
            st.sampled_from(FOUR_P_STATES) | _names,
            max_size=4,
        ),
        "perspectives": st.dictionaries(
            st.sampled_from(["kön", "ålder", "etnicitet"]) | _names,
            st.sampled_from(COVERAGE_LEVELS) | _names,
            max_size=3,
        ),
        "collaborations": st.lists(collaboration_tables, max_size=2),
        "indicators": st.lists(indicator_tables, max_size=2),
    }
)
documents = _table(
    {
        "kplan": st.just(1),
        "plan": plan_tables,
        "organisations": st.lists(organisation_tables, max_size=3),
        "owners": st.lists(owner_tables, max_size=3),
        "measures": st.lists(measure_tables, max_size=3),
    }
)


def _dumps(document: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(document)
    except (TypeError, ValueError, RecursionError):
        return None


@fuzz(60)
@given(document=documents)
def test_import_of_a_generated_document_never_crashes(
    bench: Workbench, document: dict[str, Any]
) -> None:
    text = _dumps(document)
    if text is None:  # not representable in TOML; nothing to test
        return
    bench.import_bytes(text.encode("utf-8"), f"tomli_w.dumps({document!r:.3000})")


# Random documents almost never get past validation; valid plans with a few
# values changed reach the store, and an update of the plan already there.
WILD_VALUES = [
    10**30,
    -(10**30),
    2**63,
    10**400,
    float("nan"),
    float("inf"),
    -0.0,
    1e308,
    "",
    " ",
    "x" * 100_000,
    "a\x00b",
    "\u202e",
    dt.date.min,
    dt.date.max,
    dt.datetime.max,
    dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=23))),
    dt.time(23, 59, 59, 999999),
    [],
    {},
    [[[[]]]],
]
ALL_KEYS = sorted(
    {
        *TOP_KEYS,
        *PLAN_KEYS,
        *ORGANISATION_KEYS,
        *OWNER_KEYS,
        *MEASURE_KEYS,
        *COLLABORATION_KEYS,
        *INDICATOR_KEYS,
        *FOUR_P_PARTS,
    }
)


def _tables_in(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node] + [table for value in node.values() for table in _tables_in(value)]
    if isinstance(node, list):
        return [table for value in node for table in _tables_in(value)]
    return []


class Generated:
    """A generated plan document; its repr says how it was changed."""

    def __init__(self, document: dict[str, Any], how: str) -> None:
        self.document = document
        self.how = how

    def __repr__(self) -> str:
        return f"Generated({self.how!r})"


@st.composite
def perturbed_documents(draw: Draw) -> Generated:
    """A valid plan (the round-trip tests' strategy) as a document, with 0-3 values changed."""
    plan_id = draw(st.sampled_from([BASE_PLAN.id, "fuzz-plan"]))
    document = plan_to_document(draw(valid_plans(pooled=True, plan_id=plan_id)))
    done = [f"plan {plan_id}"]
    for _ in range(draw(st.integers(0, 3))):
        tables = _tables_in(document)
        index = draw(st.integers(0, len(tables) - 1))
        table = tables[index]
        action = draw(st.sampled_from(["set", "set", "set", "delete", "repeat"]))
        keys = sorted(table)
        if action == "delete" and keys:
            key = draw(st.sampled_from(keys))
            del table[key]
            done.append(f"table {index}: deleted {key!r}")
        elif action == "repeat" and any(
            isinstance(table[key], list) and table[key] for key in keys
        ):
            key = draw(
                st.sampled_from([k for k in keys if isinstance(table[k], list) and table[k]])
            )
            table[key] = [*table[key], draw(st.sampled_from(table[key]))]
            done.append(f"table {index}: repeated an item of {key!r}")
        else:
            key = draw(st.sampled_from(keys or ALL_KEYS) | st.sampled_from(ALL_KEYS))
            value = draw(st.sampled_from(WILD_VALUES) | toml_values)
            table[key] = value
            done.append(f"table {index}: {key!r} = {value!r:.100}")
    return Generated(document, "; ".join(done))


@fuzz(40)
@given(generated=perturbed_documents())
def test_import_of_a_perturbed_valid_plan_never_crashes(
    bench: Workbench, generated: Generated
) -> None:
    text = _dumps(generated.document)
    if text is None:  # not representable in TOML; nothing to test
        return
    bench.import_bytes(text.encode("utf-8"), generated.how)


# ---------------------------------------------------------------------------
# 4. parse_plan_text raises PlanFileError and nothing else
# ---------------------------------------------------------------------------


def _assert_parses_or_plan_file_error(text: str, how: str) -> None:
    failure = _parse_failure(text)
    assert failure is None, f"input: {how}\nparse_plan_text raised {failure}"


TOML_TOKENS = [
    *"[]{}=\"'.,#\n\t -+:_0123456789aefilnrstuxzTZ\\",
    "kplan = 1\n",
    "[plan]\n",
    "[[measures]]\n",
    "[[measures.indicators]]\n",
    "[measures.four_p]\n",
    "id = ",
    "title = ",
    "progress = ",
    "values = ",
    '"x"',
    "'''",
    '"""',
    "nan",
    "inf",
    "true",
    "2015-02-30",
    "1979-05-27T07:32:00Z",
    "9" * 400,
]


@fuzz(300)
@given(text=st.text())
def test_parse_plan_text_raises_only_plan_file_errors_for_any_text(text: str) -> None:
    _assert_parses_or_plan_file_error(text, repr(text[:500]))


@fuzz(300)
@given(text=st.lists(st.sampled_from(TOML_TOKENS), max_size=60).map("".join))
def test_parse_plan_text_raises_only_plan_file_errors_for_toml_like_text(text: str) -> None:
    _assert_parses_or_plan_file_error(text, repr(text[:500]))


@fuzz(300)
@given(data=st.binary(), errors=st.sampled_from(["replace", "ignore", "backslashreplace"]))
def test_parse_plan_text_raises_only_plan_file_errors_for_any_bytes(
    data: bytes, errors: str
) -> None:
    _assert_parses_or_plan_file_error(data.decode("utf-8", errors=errors), repr(data[:500]))


@fuzz(300)
@given(mutated=mutated_plans())
def test_parse_plan_text_raises_only_plan_file_errors_for_mutated_plans(mutated: Mutated) -> None:
    _assert_parses_or_plan_file_error(mutated.data.decode("utf-8", errors="replace"), mutated.how)


# ---------------------------------------------------------------------------
# 5. The change commands with odd arguments
# ---------------------------------------------------------------------------

ODD_TEXT = [
    "",
    " ",
    "\t",
    "-",
    "--",
    "-0",
    "+0",
    "0",
    "-1",
    "101",
    "1e309",
    "-1e309",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "1_000",
    "1,5",
    "１２",  # fullwidth digits
    "٣",  # Arabic-Indic three
    "²",  # superscript two: isdigit() but not int()
    "+①",
    "9" * 5000,
    "+" + "9" * 5000,
    str(10**30),
    str(-(10**30)),
    "x" * 100_000,
    "ö",
    "\u202e1",  # right-to-left override
    "1\n2",
]
odd_text = st.sampled_from(ODD_TEXT) | st.text(max_size=20)
odd_numbers = st.integers().map(str) | st.integers(min_value=-(10**60), max_value=10**60).map(str)


def _with_separator(draw: Draw, options: list[str], positionals: list[str]) -> list[str]:
    """Arguments with or without ``--``: without it, a leading ``-`` reads as an option."""
    if draw(st.booleans()):
        return [*options, "--", *positionals]
    return [*positionals, *options]


@st.composite
def status_arguments(draw: Draw, db: str) -> list[str]:
    measure = draw(st.sampled_from(MEASURE_IDS) | odd_text)
    options = ["--db", db, "--as", "fuzz"]
    positionals = [measure]
    if draw(st.booleans()):
        positionals.append(
            draw(st.sampled_from([*STATUSES, *STATUS_ALIASES, "DONE", " done "]) | odd_text)
        )
    if len(positionals) == 1 or draw(st.booleans()):
        progress = draw(st.integers(0, 100).map(str) | odd_numbers | odd_text)
        options.append(f"--progress={progress}")
    return ["status", *_with_separator(draw, options, positionals)]


@st.composite
def record_arguments(draw: Draw, db: str) -> list[str]:
    indicator = draw(st.sampled_from(INDICATOR_IDS) | odd_text)
    period = draw(
        st.sampled_from(["2015", "2016-Q3", "2016-t2", "2016-h1", "2016-12", "２０１５", "2015-13"])
        | odd_text
    )
    value = draw(
        st.floats().map(str) | st.integers(0, 1000).map(str) | odd_numbers | odd_text,
    )
    options = ["--db", db, "--as", "fuzz"]
    return ["record", *_with_separator(draw, options, [indicator, period, value])]


@st.composite
def step_arguments(draw: Draw, db: str) -> list[str]:
    collaboration = draw(st.sampled_from(COLLABORATION_IDS) | odd_text)
    step = draw(
        st.sampled_from(["1", "2", "3", "4", "up", "down", "upp", "ned", "UP", "+1", "-1", "+0"])
        | odd_numbers
        | odd_text
    )
    options = ["--db", db, "--as", "fuzz"]
    return ["step", *_with_separator(draw, options, [collaboration, step])]


@fuzz(80)
@given(data=st.data())
def test_status_with_odd_arguments_never_crashes(store: Path, data: Any) -> None:
    args = data.draw(status_arguments(str(store)), label="args")
    _assert_no_crash(_run(*args), (0, 1, 2))


@fuzz(80)
@given(data=st.data())
def test_record_with_odd_arguments_never_crashes(store: Path, data: Any) -> None:
    args = data.draw(record_arguments(str(store)), label="args")
    _assert_no_crash(_run(*args), (0, 1, 2))


@fuzz(80)
@given(data=st.data())
def test_step_with_odd_arguments_never_crashes(store: Path, data: Any) -> None:
    args = data.draw(step_arguments(str(store)), label="args")
    _assert_no_crash(_run(*args), (0, 1, 2))


@pytest.mark.parametrize(
    "args",
    [
        ["status", "1", "--progress", str(10**30)],
        ["status", "1", "--progress=-0"],
        ["status", "1", "--progress", "1e309"],
        ["status", "1", "--progress", "nan"],
        ["status", "1", "ej påbörjad"],
        ["status", "x" * 100_000, "done"],
        ["record", "kartlagda-branscher", "2016", "1e309"],
        ["record", "kartlagda-branscher", "2016", "nan"],
        ["record", "kartlagda-branscher", "2016", "9" * 5000],
        ["record", "kartlagda-branscher", "2016", "-1e308"],
        ["record", "kartlagda-branscher", "2016-13", "1"],
        ["step", "analysgrupp", "0"],
        ["step", "analysgrupp", "+" + "9" * 30],
        ["step", "analysgrupp", "9" * 5000],
        ["step", "analysgrupp", "+" + "9" * 5000],
        ["step", "analysgrupp", "²"],
        ["step", "analysgrupp", "+①"],
        ["step", "analysgrupp", "٣"],
        # What a non-UTF-8 byte on the command line becomes (os.fsdecode, surrogateescape).
        ["status", "\udcff", "done"],
        ["step", "\udcff", "2"],
        ["record", "kartlagda-branscher", "2016-\udcff", "1"],
    ],
    ids=lambda args: " ".join(arg if len(arg) < 12 else arg[:8] + "..." for arg in args),
)
def test_change_commands_with_known_odd_arguments_never_crash(store: Path, args: list[str]) -> None:
    _assert_no_crash(_run(*args, "--db", str(store), "--as", "fuzz"), (0, 1, 2))


# ---------------------------------------------------------------------------
# 6. Digits that are not ASCII
# ---------------------------------------------------------------------------

# Python's \d and int() accept every script's digits: ٢٠١٦ (Arabic-Indic),
# ２０１６ (fullwidth). A period written so must not become a second 2016.
FOREIGN_2016 = ["٢٠١٦", "２０１６", "२०१६"]
FOREIGN_NAMES = ["arabic-indic", "fullwidth", "devanagari"]


@pytest.mark.parametrize("period", FOREIGN_2016, ids=FOREIGN_NAMES)
def test_record_does_not_store_a_period_in_foreign_digits(store: Path, period: str) -> None:
    outcome = _run("record", "kartlagda-branscher", period, "3", "--db", str(store))
    _assert_no_crash(outcome, (0, 1))
    connection = sqlite3.connect(store)
    try:
        periods = [row[0] for row in connection.execute("SELECT period FROM indicator_value")]
    finally:
        connection.close()
    assert period not in periods, f"period {period!r} stored as is: {outcome.stdout!r}"


@pytest.mark.parametrize("period", FOREIGN_2016, ids=FOREIGN_NAMES)
def test_plan_file_periods_in_foreign_digits_are_rejected_or_normalised(period: str) -> None:
    text = _replace_value(BASE_TEXT, TARGETS["measures[1].indicators[1].values.2014"], "1")
    text = text.replace('values = { "2014" = 1 }', f'values = {{ "{period}" = 1 }}', 1)
    try:
        plan = parse_plan_text(text)
    except PlanFileError:
        return
    values = plan.measures[0].indicators[0].values
    assert period not in values, f"period {period!r} kept as is: {values}"


# ---------------------------------------------------------------------------
# 7. The reading commands with odd arguments
# ---------------------------------------------------------------------------

ODD_MOMENTS = [
    "0001-01-01",
    "0001-01-01T00:00+01:00",
    "9999-12-31",
    "9999-12-31T23:59-01:00",
    "2016-02-30",
    "2016-01-31T25:00",
    "0d",
    "-1d",
    "99999999999d",
    "1000000000w",
    "9" * 5000 + "h",
    "٣d",
]


@st.composite
def read_arguments(draw: Draw, db: str) -> list[str]:
    measure = draw(st.sampled_from(MEASURE_IDS) | odd_text)
    number = draw(st.integers(0, 100).map(str) | odd_numbers | odd_text)
    text = draw(odd_text)
    moment = draw(st.sampled_from(ODD_MOMENTS) | odd_text)
    command = draw(
        st.sampled_from(
            [
                ["log", f"--since={moment}"],
                ["log", f"--limit={number}"],
                ["log", "--", measure],
                ["show", f"--events={number}", "--", measure],
                ["list", f"--step={number}"],
                ["list", f"--status={text}"],
                ["list", f"--perspective={text}"],
                ["list", f"--perspective=kön={text}"],
                ["list", f"--owner={text}"],
                ["export", f"--format={text}"],
                ["diff", "--", text, measure],
            ]
        )
    )
    return [*command, "--db", db]


@fuzz(80)
@given(data=st.data())
def test_read_commands_with_odd_arguments_never_crash(store: Path, data: Any) -> None:
    args = data.draw(read_arguments(str(store)), label="args")
    _assert_no_crash(_run(*args), (0, 1, 2))


@pytest.mark.parametrize(
    "args",
    [
        ["log", "--since", "0001-01-01"],
        ["log", "--since", "0001-01-01T00:00+01:00"],
        ["log", "--since", "9999-12-31T23:59-01:00"],
        ["log", "--since", "99999999999d"],
        ["log", "--since", "9" * 5000 + "h"],
        ["log", "--limit", str(10**20)],
        ["show", "1", "--events", str(10**20)],
        ["list", "--step", str(10**20)],
    ],
    ids=lambda args: " ".join(arg if len(arg) < 24 else arg[:8] + "..." for arg in args),
)
def test_read_commands_with_known_odd_arguments_never_crash(store: Path, args: list[str]) -> None:
    _assert_no_crash(_run(*args, "--db", str(store)), (0, 1, 2))
