"""Robustness of every input but plan files: apply input, arguments, environment.

Whatever a person or a script hands kplan, the answer is success, a one-line
``kplan: error: ...`` (exit 1, or 3 and 4 for conflicts and permissions) or a
usage error (exit 2): never an internal error (exit 70, which
``kplan.cli.main`` makes of an unexpected exception) and never a traceback.
A command that fails leaves the store as it was.

The properties:

* ``kplan apply`` of records shaped like changes but holding hostile values
  (numbers written as "--5", "1e309", "nan", "١٢", huge integers, deep
  nesting, lone surrogates, NUL, very long texts), as JSON Lines (escaped or
  raw) and CSV, from a file and from standard input;
* ``kplan apply`` of bytes: good lines cut, spliced with bytes that are not
  UTF-8, nested deep, or random bytes;
* every command of the Typer app, found by walking the app (so a new command
  is fuzzed without a change here), with hostile values for each of its
  arguments and options;
* representative commands under hostile environment variables
  (``KPLAN_NOW``, ``KPLAN_USER``, ``KPLAN_LANG``, ``KPLAN_PLAN``,
  ``KPLAN_DEBUG``, ``KPLAN_MAX_FILE_MB`` and the login name).

The plain tests after them pin each trigger found this way. Properties run
derandomised, without a database and without shrinking, like tests/test_fuzz.py.

Through Typer's CliRunner an unexpected exception does not reach ``main()``:
the runner catches it; ``_run`` counts it as the 70 ``kplan`` would exit with.
Arguments and environment values hold no NUL (no operating system passes one)
and only the surrogates U+DC80..U+DCFF, which is what bytes that are not UTF-8
in a command line or the environment become in Python.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sqlite3
import subprocess
import sys
import traceback
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kplan.core.planfile import read_plan_file
from kplan.domain import MAX_TEXT_LENGTH, STATUSES
from tests.conftest import OREBRO, dump_store

PLAN = read_plan_file(OREBRO)
MEASURES = [measure.id for measure in PLAN.measures]
COLLABORATIONS = [c.id for m in PLAN.measures for c in m.collaborations]
INDICATORS = [i.id for m in PLAN.measures for i in m.indicators]
ERROR_PREFIX = "kplan: error:"
ERROR_PREFIXES = (ERROR_PREFIX, "kplan: fel:")  # KPLAN_LANG=sv speaks Swedish
INTERNAL_ERROR = 70
DOCUMENTED = (0, 1, 2, 3, 4)

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


Draw = Callable[[st.SearchStrategy[Any]], Any]


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
    context: str = ""

    def describe(self) -> str:
        shown = [arg if len(arg) <= 80 else f"{arg[:60]}...<{len(arg)} chars>" for arg in self.args]
        return (
            f"{self.context}kplan {shown!r} exited {self.code}\n"
            f"stderr: {self.stderr[:1500]!r}\nstdout: {self.stdout[:500]!r}\n"
            f"{self.crash or ''}"
        )


RUNNER = CliRunner()


@functools.cache
def _command() -> Any:
    """kplan's app as a click command, built once: building it costs more than most runs."""
    import typer.main

    from kplan.cli import app

    return typer.main.get_command(app)


def _run(
    args: list[str], *, input: bytes | None = None, env: dict[str, str | None] | None = None
) -> Outcome:
    """Run kplan in-process as CliRunner.invoke does, with the command built once."""
    code = 0
    crash = None
    with RUNNER.isolation(input=input, env=env) as (stdout, stderr, _):
        try:
            _command().main(args=args, prog_name="kplan")
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
        except Exception as exception:
            # kplan.cli.main would print "internal error" and exit 70.
            code = INTERNAL_ERROR
            lines = traceback.format_exception(exception)
            crash = "".join([*lines[:2], "  ...\n", *lines[-8:]])
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            out = stdout.getvalue().decode("utf-8", "replace")
            err = stderr.getvalue().decode("utf-8", "replace")
    return Outcome(list(args), code, out, err, crash)


def _assert_no_crash(outcome: Outcome, allowed: tuple[int, ...] = DOCUMENTED) -> None:
    assert outcome.code in allowed, outcome.describe()
    assert "Traceback" not in outcome.stderr, outcome.describe()
    assert "Traceback" not in outcome.stdout, outcome.describe()
    if outcome.code in (1, 3, 4):
        assert outcome.stderr.startswith(ERROR_PREFIXES), outcome.describe()


def _copy_store(source: Path, target: Path) -> None:
    # Through SQLite, not by copying files: the WAL must come along.
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
        import_plan(store, PLAN, actor="setup")
    finally:
        store.close()
    return path


@pytest.fixture
def store(orebro_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The test's own copy of the Örebro store, with a scratch folder as working directory.

    Fuzzed file names (``backup FILE``, ``export -o FILE``) land in the scratch folder.
    """
    path = tmp_path / "store.db"
    _copy_store(orebro_template, path)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.chdir(scratch)
    yield path


class Guard:
    """Runs commands against a store and checks that a failed one changed nothing."""

    def __init__(self, db: Path) -> None:
        self.db = db

    def run(
        self,
        args: list[str],
        *,
        input: bytes | None = None,
        env: dict[str, str | None] | None = None,
        context: str = "",
    ) -> Outcome:
        before = dump_store(self.db)
        outcome = _run(args, input=input, env=env)
        outcome.context = context
        _assert_no_crash(outcome)
        if outcome.code != 0:
            assert dump_store(self.db) == before, (
                "a failed command changed the store\n" + outcome.describe()
            )
        return outcome


# ---------------------------------------------------------------------------
# Hostile values
# ---------------------------------------------------------------------------

# Numbers as text that int() or float() read wrongly, refuse with an exception
# or read as something no export writes back.
ODD_NUMBERS = [
    "--5",
    "+-5",
    "-+5",
    "++5",
    "-",
    "+",
    "-0",
    "+0",
    "00",
    "-1",
    "101",
    "1e3",
    "1e309",
    "-1e309",
    "1e-400",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-Infinity",
    "0x10",
    "0b1",
    "1_000",
    "1,5",
    "1.5",
    ".",
    " 5 ",
    "5\n",
    "١٢",  # Arabic-Indic twelve
    "１２",  # fullwidth twelve
    "²",  # superscript two: isdigit() says yes, int() says no
    "⑤",
    "9" * 19,
    "9" * 400,
    "9" * 4301,  # beyond Python's int-from-text limit
    "-" + "9" * 5000,
    str(2**63),
    str(-(2**63) - 1),
]

ODD_TEXT = [
    "",
    " ",
    "\t",
    "-",
    "--",
    "--help",
    "-h",
    "ö",
    "å",  # a + combining ring: the same to the eye as "å"
    "\x1b[2J\x1b]0;pwned\x07",
    "\x1b",
    "\x7f",
    "\x85",  # C1 next line
    "\u202e1",  # right-to-left override
    "\u200b",  # zero width space
    "\u2028",  # line separator
    "a\nb",
    "a\rb",
    "a\tb",
    "\ufeff",
    "\udcff",  # what byte 0xff in a command line becomes
    "\udc80x",
    "x" * 100_000,
    "x" * (MAX_TEXT_LENGTH + 1),
    "%s%n{0}{x}",
    "'; DROP TABLE event; --",
    "../../etc/passwd",
    "~nouser",
    "*",
    "?",
    "[",
    "{}",
]

# Arguments and environment values hold no NUL and only U+DC80..U+DCFF surrogates.
argument_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    max_size=20,
) | st.text(alphabet=st.sampled_from("\udc80\udcff\udce9ab-+ 1"), max_size=6)
odd_text = st.sampled_from(ODD_TEXT) | argument_text
odd_numbers = (
    st.sampled_from(ODD_NUMBERS)
    | st.integers().map(str)
    | st.integers(min_value=-(10**40), max_value=10**40).map(str)
)
ids = st.sampled_from(
    [*MEASURES[:5], *COLLABORATIONS[:3], *INDICATORS[:3], "orebro-kompetens", "kön", "policy"]
)


def _safe_file_name(text: str) -> str:
    """A file name in the working directory: no folders, never . or .."""
    name = text.replace("/", "_").lstrip("~")
    return name if name not in ("", ".", "..") else "f"


# File names stay in the scratch folder, short enough for the file system and
# free of surrogates: names beyond 255 bytes and names with bytes that are not
# UTF-8 are problems of the commands that write files, tested with them.
file_names = (
    st.sampled_from(["out.toml", "-", "store.db", "x.db", "ö.json", "a b", "x\x1b[2J"])
    | st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        max_size=20,
    )
).map(_safe_file_name)


# ---------------------------------------------------------------------------
# 1. kplan apply: records shaped like changes, with hostile values
# ---------------------------------------------------------------------------

FIELD_NAMES = [
    "measure",
    "collaboration",
    "indicator",
    "status",
    "progress",
    "four_p",
    "perspectives",
    "step",
    "period",
    "value",
    "note",
    "expect_version",
]


def _deep(depth: int) -> Any:
    value: Any = 1
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


# Values no field takes, each a trigger of its own class: half characters,
# NUL, texts at and past the limit, escapes, line breaks inside a JSON string,
# nesting, numbers past 64 bits, floats that are not finite, wrong types.
HOSTILE_VALUES: list[Any] = [
    "\ud800",  # a lone surrogate, as a \ud800 escape makes it
    "\udfff",
    "a\udc80",
    "\ud83d",  # half an emoji
    "a\x00b",
    "\x00",
    "x" * (MAX_TEXT_LENGTH + 1),
    "x" * MAX_TEXT_LENGTH,
    "\x1b[2J",
    "a\u2028b",
    "7\n8",
    "",
    " ",
    _deep(3),
    _deep(40),
    _deep(400),
    10**30,
    -(10**19),
    2**63,
    1e308,
    float("nan"),
    float("inf"),
    -0.0,
    True,
    None,
    [],
    {},
    ["done"],
    {"policy": {"policy": "done"}},
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
hostile_values = st.one_of(
    st.sampled_from(ODD_NUMBERS), st.sampled_from(HOSTILE_VALUES), json_values
)


def _plausible(field: str) -> st.SearchStrategy[Any]:
    return {
        "measure": st.sampled_from(MEASURES[:6]),
        "collaboration": st.sampled_from(COLLABORATIONS[:4]),
        "indicator": st.sampled_from(INDICATORS[:4]),
        "status": st.sampled_from([*STATUSES, "försenad", "DONE"]),
        "progress": st.integers(0, 100) | st.integers(0, 100).map(str),
        "four_p": st.fixed_dictionaries({"policy": st.sampled_from(["done", "ongoing"])}),
        "perspectives": st.fixed_dictionaries({"kön": st.sampled_from(["yes", "partly"])}),
        "step": st.sampled_from([1, 2, "3", "up", "down", "+1", "-1"]),
        "period": st.sampled_from(["2016", "2016-T2", "2015-Q1"]),
        "value": st.integers(0, 500) | st.sampled_from(["12,5", "7"]),
        "note": st.text(max_size=30),
        "expect_version": st.integers(0, 3),
    }[field]


# Which target each attacked field belongs to; "id" is the target's own id,
# "key" a field name that is not one, "part" the name of a Fyra P part.
ATTACKED = {
    "id": "measure",
    "status": "measure",
    "progress": "measure",
    "four_p": "measure",
    "perspectives": "measure",
    "part": "measure",
    "step": "collaboration",
    "period": "indicator",
    "value": "indicator",
    "note": "measure",
    "expect_version": "measure",
    "key": "measure",
}
FIELDS_OF = {
    "measure": ["status", "progress", "four_p", "perspectives"],
    "collaboration": ["step"],
    "indicator": ["period", "value"],
}


@st.composite
def change_records(draw: Draw, attacked: str) -> dict[str, Any]:
    """A plausible record whose ``attacked`` field holds a hostile value."""
    target = ATTACKED[attacked]
    if attacked == "id" and draw(st.booleans()):
        target = draw(st.sampled_from(["collaboration", "indicator"]))
    fields = FIELDS_OF[target]
    record: dict[str, Any] = {target: draw(_plausible(target))}
    extra = draw(st.lists(st.sampled_from([*fields, "note"]), max_size=2))
    for name in [fields[0], *extra]:
        record[name] = draw(_plausible(name))
    value = draw(hostile_values)
    if attacked == "id":
        record[target] = value
    elif attacked == "part":
        group = draw(st.sampled_from(["four_p", "perspectives"]))
        name = draw(st.sampled_from([v for v in HOSTILE_VALUES if isinstance(v, str)]))
        record[group] = {name: "done"}
    elif attacked == "key":
        name = draw(st.sampled_from([v for v in HOSTILE_VALUES if isinstance(v, str)]))
        record[name] = value
    else:
        record[attacked] = value
    return record


def _jsonl(records: list[Any], escaped: bool) -> bytes:
    lines = [json.dumps(record, ensure_ascii=escaped) for record in records]
    # A raw lone surrogate becomes three bytes that are not UTF-8, as a careless
    # program writes them.
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def _csv(records: list[dict[str, Any]]) -> bytes:
    header: list[str] = []
    for record in records:
        for name in record:
            if name not in header:
                header.append(name)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for record in records:
        row = []
        for name in header:
            value = record.get(name)
            row.append("" if value is None else value if isinstance(value, str) else str(value))
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8", "surrogatepass")


@dataclass
class ApplyInput:
    """An apply input and how to hand it over."""

    data: bytes
    fmt: str
    channel: str  # "file" or "stdin"
    how: str


@st.composite
def apply_inputs(draw: Draw, attacked: str) -> ApplyInput:
    records = [draw(change_records(attacked)) for _ in range(draw(st.integers(1, 3)))]
    fmt = draw(st.sampled_from(["jsonl", "jsonl-escaped", "csv"]))
    data = _csv(records) if fmt == "csv" else _jsonl(records, escaped=fmt == "jsonl-escaped")
    channel = draw(st.sampled_from(["file", "stdin"]))
    return ApplyInput(
        data, "csv" if fmt == "csv" else "jsonl", channel, f"{fmt} records {records!r:.2000}"
    )


def _apply(guard: Guard, given_input: ApplyInput, folder: Path, *extra: str) -> Outcome:
    suffix = ".csv" if given_input.fmt == "csv" else ".jsonl"
    if given_input.channel == "stdin":
        args = ["apply", "-", "-f", given_input.fmt]
        data: bytes | None = given_input.data
    else:
        path = folder / f"changes{suffix}"
        path.write_bytes(given_input.data)
        args = ["apply", str(path)]
        data = None
    return guard.run(
        [*args, *extra, "--db", str(guard.db), "--as", "fuzz"],
        input=data,
        context=f"input made as: {given_input.how}\n",
    )


def _assert_problem_lines(outcome: Outcome) -> None:
    """A refused apply says what is wrong, ending with how many problems there were."""
    if outcome.code != 1:
        return
    lines = outcome.stderr.removeprefix(ERROR_PREFIX).strip().split("\n")
    if len(lines) > 1:
        assert lines[0].lstrip().startswith("line "), outcome.describe()
        assert "nothing was applied" in lines[-1], outcome.describe()


@pytest.mark.parametrize("attacked", list(ATTACKED))
@fuzz(30)
@given(data=st.data())
def test_apply_of_hostile_records_never_crashes(
    store: Path, tmp_path: Path, attacked: str, data: Any
) -> None:
    given_input = data.draw(apply_inputs(attacked), label="input")
    outcome = _apply(Guard(store), given_input, tmp_path)
    _assert_problem_lines(outcome)


GOOD_LINES = [
    b'{"measure": "7", "status": "delayed", "progress": 30, "note": "V\xc3\xa4ntar"}',
    b'{"collaboration": "fastighet", "step": 3}',
    b'{"indicator": "validerade", "period": "2016", "value": 12}',
    b'{"measure": "7", "four_p": {"policy": "done"}}',
]
GOOD_CSV = b'measure,status,progress,note\n7,delayed,30,"V\xc3\xa4ntar, snart"\n8,done,,\n'


@st.composite
def apply_bytes(draw: Draw) -> ApplyInput:
    """Good input spliced with bytes that are not UTF-8, cut, nested deep, or random."""
    fmt = draw(st.sampled_from(["jsonl", "csv"]))
    data = b"\n".join(GOOD_LINES) if fmt == "jsonl" else GOOD_CSV
    how = draw(st.sampled_from(["splice", "cut", "deep", "random", "huge-int", "bom"]))
    if how == "splice":
        at = draw(st.integers(0, len(data)))
        junk = draw(
            st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\r", b"\xe2\x80\xa8"])
            | st.binary(max_size=4)
        )
        data = data[:at] + junk + data[at:]
    elif how == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "deep":
        depth = draw(st.sampled_from([33, 100, 1_000, 50_000, 100_000]))
        opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        data += b"\n" + b'{"measure": "7", "progress": ' + opener * depth + closer * depth + b"}"
    elif how == "huge-int":
        digits = draw(st.sampled_from([19, 400, 4301, 10_000]))
        field = draw(st.sampled_from([b"progress", b"expect_version", b"step", b"value"]))
        data += b'\n{"measure": "7", "' + field + b'": ' + b"9" * digits + b"}"
    elif how == "bom":
        data = b"\xef\xbb\xbf" + data
    else:
        data = draw(st.binary(max_size=200))
    channel = draw(st.sampled_from(["file", "stdin"]))
    return ApplyInput(data, fmt, channel, f"{how} {data[:300]!r}")


@fuzz(150)
@given(given_input=apply_bytes())
def test_apply_of_hostile_bytes_never_crashes(
    store: Path, tmp_path: Path, given_input: ApplyInput
) -> None:
    outcome = _apply(Guard(store), given_input, tmp_path)
    _assert_problem_lines(outcome)


# ---------------------------------------------------------------------------
# 2. Every command of the app, with hostile arguments
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One argument or option of a command, as the fuzzer needs to know it."""

    name: str
    option: bool
    flag: bool
    decls: tuple[str, ...]
    required: bool
    kind: type


@dataclass(frozen=True)
class Command:
    """A command of the app, by its words on the command line."""

    words: tuple[str, ...]
    parameters: tuple[Parameter, ...]


def _base_type(hint: Any) -> type:
    """The plain type of an annotation: Annotated[int | None, ...] is int."""
    if typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    candidates = [arg for arg in typing.get_args(hint) if arg is not type(None)] or [hint]
    base = candidates[0]
    return base if isinstance(base, type) else str


def app_commands() -> list[Command]:
    """Every command of kplan's Typer app, with its parameters and their types."""
    import typer.main

    from kplan.cli import app

    callbacks: dict[tuple[str, ...], Callable[..., Any]] = {}

    def collect(typer_app: Any, prefix: tuple[str, ...]) -> None:
        for info in typer_app.registered_commands:
            callbacks[(*prefix, info.name)] = info.callback
        for group in typer_app.registered_groups:
            collect(group.typer_instance, (*prefix, group.name))

    collect(app, ())
    found: list[Command] = []

    def walk(command: Any, words: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in sorted(subcommands.items()):
                walk(sub, (*words, name))
            return
        hints = typing.get_type_hints(callbacks[words], include_extras=True)
        parameters = tuple(
            Parameter(
                name=param.name,
                option=param.param_type_name == "option",
                flag=bool(param.param_type_name == "option" and param.is_flag),
                decls=tuple(param.opts),
                required=bool(param.required),
                # --lang is added to every command by kplan's Typer, not by a
                # parameter of the command's function: a text, as typed.
                kind=_base_type(hints.get(param.name, str)),
            )
            for param in command.params
        )
        found.append(Command(words, parameters))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = app_commands()


def test_the_fuzzer_finds_every_command() -> None:
    words = {" ".join(command.words) for command in COMMANDS}
    assert {"status", "apply", "round open", "snapshot delete", "restore", "log"} <= words
    assert len(words) >= 25, words
    kinds = {parameter.kind for command in COMMANDS for parameter in command.parameters}
    assert {int, str, Path, bool} <= kinds, kinds


def _value(draw: Draw, parameter: Parameter) -> str:
    if parameter.kind is int:
        return str(draw(odd_numbers | st.integers(0, 30).map(str)))
    if parameter.kind is Path:
        return str(draw(file_names))
    return str(draw(odd_text | ids | st.sampled_from(["2016-01-31", "7d", "9999-12-31"])))


@st.composite
def command_lines(draw: Draw, db: str) -> list[str]:
    """A command of the app with hostile values for some of its parameters."""
    command = draw(st.sampled_from(COMMANDS))
    options: list[str] = []
    positionals: list[str] = []
    for parameter in command.parameters:
        if parameter.name == "db":
            continue  # the store stays the test's own; paths of stores are tested elsewhere
        if not parameter.required and draw(st.booleans()):
            continue
        if parameter.flag:
            options.append(draw(st.sampled_from(parameter.decls)))
        elif parameter.option:
            value = _value(draw, parameter)
            decl = draw(st.sampled_from(parameter.decls))
            options.append(f"{decl}={value}" if decl.startswith("--") else decl + value)
        else:
            positionals.append(_value(draw, parameter))
    options += ["--db", db]
    # Without "--" a positional starting with "-" reads as an option: both are tried.
    if draw(st.booleans()):
        return [*command.words, *options, "--", *positionals]
    return [*command.words, *positionals, *options]


@fuzz(300)
@given(data=st.data())
def test_every_command_with_hostile_arguments_never_crashes(store: Path, data: Any) -> None:
    args = data.draw(command_lines(str(store)), label="args")
    Guard(store).run(args, input=b"")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command.words))
def test_every_command_with_long_and_escaped_text_never_crashes(
    store: Path, command: Command
) -> None:
    """Each command once with every text parameter long, once with escapes and a surrogate."""
    for text in ("x" * 100_000, "\x1b[2J\u202e\udcff\n"):
        args: list[str] = list(command.words)
        positionals: list[str] = []
        for parameter in command.parameters:
            if parameter.name == "db" or parameter.flag:
                continue
            value = "12" if parameter.kind is int else text
            if parameter.kind is Path:
                value = "f\x1b.out"
            if parameter.option:
                args.append(f"{parameter.decls[0]}={value}")
            else:
                positionals.append(value)
        Guard(store).run([*args, "--db", str(store), "--", *positionals], input=b"")


# ---------------------------------------------------------------------------
# 3. Environment variables
# ---------------------------------------------------------------------------

ODD_MOMENTS = [
    "9999-12-31T23:59:59",
    "9999-12-31T23:00:00-02:00",
    "9999-12-31T12:00:00-23:59",
    "0001-01-01T00:30:00+01:00",
    "0001-01-01T12:00:00+23:59",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59+01:00",
    "9999-12-30T23:59:59Z",
    "0001-01-01",
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:00:00-01:00",
    "1969-12-31T23:59:59Z",
    "1970-01-01T00:00:00Z",
    "2016-02-30T00:00",
    "2016-01-01T00:00:00+25:00",
    "2016-03-01T12:00:00.123456Z",
    "2016-03-01T12:00:00+05:30",
    "2016",
    "now",
    "",
    " ",
    "9" * 5000,
    "٢٠١٦-٠١-٠١",
]

env_text = odd_text | st.sampled_from(["sv", "en", "SV_se", "de", "orebro-kompetens", "1", "0"])
ENVIRONMENT: dict[str, st.SearchStrategy[str]] = {
    "KPLAN_NOW": st.sampled_from(ODD_MOMENTS) | env_text,
    "KPLAN_USER": env_text | ids,
    "KPLAN_LANG": env_text,
    "KPLAN_PLAN": env_text | st.just("orebro-kompetens"),
    "KPLAN_DEBUG": env_text,
    "KPLAN_MAX_FILE_MB": odd_numbers
    | env_text
    | st.sampled_from(["1", "64", "100000", "100001", "0.5"]),
    # getpass reads LOGNAME first: with KPLAN_USER unset, it names who acts.
    "LOGNAME": env_text,
}


# Representative commands: each reads the clock, the user, the language or the plan.
ENV_COMMANDS = [
    ["status", "7", "delayed", "--progress", "40", "--note", "n"],
    ["step", "fastighet", "up"],
    ["record", "validerade", "2016", "12,5"],
    ["fourp", "7", "policy", "done"],
    ["list", "--mine"],
    ["show", "7"],
    ["log", "--since", "2w"],
    ["round", "open", "vår", "--due", "2016-06-01"],
    ["round", "status"],
    ["snapshot", "take", "s1"],
    ["undo"],
    ["export", "-f", "md"],
    ["export", "-f", "json", "--with-log"],
    ["apply", "-"],
    ["plans"],
]


@pytest.mark.parametrize("variable", list(ENVIRONMENT))
@fuzz(30)
@given(data=st.data())
def test_commands_under_hostile_environment_never_crash(
    store: Path, variable: str, data: Any
) -> None:
    value = data.draw(ENVIRONMENT[variable], label=variable)
    command = data.draw(st.sampled_from(ENV_COMMANDS), label="command")
    env: dict[str, str | None] = {"KPLAN_USER": None, variable: value}
    stdin = b'{"measure": "7", "status": "ongoing"}\n'
    Guard(store).run([*command, "--db", str(store)], input=stdin, env=env)


# ---------------------------------------------------------------------------
# 4. Each trigger found, pinned
# ---------------------------------------------------------------------------


def _with_db(args: list[str], store: Path) -> list[str]:
    """``args`` with ``--db``, before a ``--`` that ends the options."""
    if "--" in args:
        at = args.index("--")
        return [*args[:at], "--db", str(store), *args[at:]]
    return [*args, "--db", str(store)]


def _refused(store: Path, args: list[str], fragment: str, **how: Any) -> Outcome:
    outcome = Guard(store).run(_with_db(args, store), **how)
    assert outcome.code == 1, outcome.describe()
    assert fragment in outcome.stderr, outcome.describe()
    return outcome


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00+01:00",
        "1969-12-31T23:59:59Z",
        "9" * 5000,
        "\udcff",
    ],
    ids=["end-of-time", "end-of-time-west", "year-1-east", "before-1970", "digits", "surrogate"],
)
def test_kplan_now_outside_its_range_is_refused_with_the_range(store: Path, moment: str) -> None:
    outcome = _refused(
        store,
        ["status", "7", "done"],
        "from 1970-01-01T00:00:00Z to 9999-12-30T23:59:59Z",
        env={"KPLAN_NOW": moment},
    )
    assert outcome.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "moment", ["1970-01-01T00:00:00Z", "9999-12-30T23:59:59Z", "9999-12-31T00:59:59+01:00"]
)
def test_kplan_now_at_the_ends_of_its_range_works_for_every_command_that_reads_the_clock(
    store: Path, moment: str
) -> None:
    # A coordinator of the plan, who may do all of it.
    env: dict[str, str | None] = {"KPLAN_NOW": moment, "KPLAN_USER": "ehedlund"}
    guard = Guard(store)
    for args in (
        ["status", "7", "done"],
        ["undo"],
        ["log", "--since", "1d"],
        ["round", "open", "r1", "--due", "9999-12-31"],
        ["round", "report", "7"],
        ["round", "status"],
        ["round", "close", "--force"],
        ["snapshot", "take", "s1"],
        ["export", "-f", "md"],
        ["export", "-f", "html"],
        ["export", "-f", "json", "--with-log"],
    ):
        outcome = guard.run([*args, "--db", str(store)], env=env)
        assert outcome.code == 0, outcome.describe()


@pytest.mark.parametrize(
    ("user", "fragment"),
    [
        ("\udcff", "half of a character"),
        ("x" * 65, "at most 64"),
        ("x" * 100_000, "at most 64"),
        ("\x1b[2J", "control or format characters"),
        ("mholm\nsforsberg", "control or format characters"),
        ("\u202emholm", "control or format characters"),
    ],
    ids=["surrogate", "65-characters", "100000-characters", "escape", "newline", "bidi"],
)
def test_kplan_user_that_cannot_be_logged_is_refused(store: Path, user: str, fragment: str) -> None:
    _refused(store, ["status", "7", "done"], fragment, env={"KPLAN_USER": user})


@pytest.mark.parametrize(
    "user",
    ["x" * 65, "a\tb", "\x1b[2J", "\u200bmholm"],
    ids=["long", "tab", "escape", "zero-width"],
)
def test_as_that_cannot_be_logged_is_refused(store: Path, user: str) -> None:
    _refused(store, ["status", "7", "done", "--as", user], "cannot name who is acting")


def test_login_name_that_cannot_be_logged_is_refused(store: Path) -> None:
    # getpass reads LOGNAME first; without KPLAN_USER and --as it names who acts.
    env: dict[str, str | None] = {"KPLAN_USER": None, "LOGNAME": "\x1b]0;x\x07"}
    _refused(store, ["status", "7", "done"], "control or format characters", env=env)


@pytest.mark.parametrize("user", ["", "   "], ids=["empty", "blank"])
def test_empty_kplan_user_falls_back_to_the_login_name(store: Path, user: str) -> None:
    env: dict[str, str | None] = {"KPLAN_USER": user, "LOGNAME": "lognamn"}
    Guard(store).run(["status", "7", "done", "--db", str(store)], env=env)
    outcome = _run(["log", "--limit", "1", "--json", "--db", str(store)])
    assert json.loads(outcome.stdout)[0]["actor"] == "lognamn"


@pytest.mark.parametrize("size", ["0", "-1", "0.5", "abc", "1e999", "nan", "100001", "\udcff"])
def test_kplan_max_file_mb_that_is_not_a_size_is_a_usage_error(store: Path, size: str) -> None:
    outcome = Guard(store).run(
        ["apply", "-", "--db", str(store)], input=b"", env={"KPLAN_MAX_FILE_MB": size}
    )
    assert outcome.code == 2, outcome.describe()
    assert "KPLAN_MAX_FILE_MB must be a whole number of megabytes from 1 to 100000" in (
        outcome.stderr
    )


@pytest.mark.parametrize(
    "language", ["", "xx", "\udcff", "sv" + "x" * 1000], ids=["empty", "xx", "surrogate", "long"]
)
def test_odd_kplan_lang_falls_back_without_a_crash(store: Path, language: str) -> None:
    outcome = Guard(store).run(
        ["status", "7", "bogus", "--db", str(store)], env={"KPLAN_LANG": language}
    )
    assert outcome.code == 1, outcome.describe()


@pytest.mark.parametrize("plan", ["\udcff"], ids=["surrogate"])
def test_odd_kplan_plan_is_an_unknown_plan(store: Path, plan: str) -> None:
    # Bytes that are not UTF-8 are refused as such, not looked up as "?".
    _refused(store, ["list"], "bytes that are not UTF-8 text (byte 0xFF)", env={"KPLAN_PLAN": plan})


@pytest.mark.parametrize(
    "args",
    [
        ["status", "7", "done", "--as", "\udce5sa"],
        ["status", "7", "done", "--note", "caf\udce9"],
        ["status", "\udcff", "done"],
        ["round", "open", "v\udce5r"],
        ["snapshot", "take", "\udc80"],
        ["list", "--owner", "sforsberg\udcff"],
        ["log", "--since", "7d\udcff"],
    ],
    ids=["as", "note", "measure", "round", "snapshot", "owner", "since"],
)
def test_an_argument_of_bytes_that_are_not_utf8_is_refused_not_replaced(
    store: Path, args: list[str]
) -> None:
    """A replacement would act, log or look up something nobody typed ("?sa" acting)."""
    before = dump_store(store)
    outcome = _refused(store, args, "holds bytes that are not UTF-8 text (byte 0x")
    assert outcome.stderr.count("\n") == 1
    assert dump_store(store) == before


def test_installed_kplan_refuses_an_actor_of_latin1_bytes(store: Path) -> None:
    before = dump_store(store)
    result = _installed(["status", "7", "done", "--as", b"\xe5sa", "--db", str(store)])
    assert result.returncode == 1, result.stderr
    assert result.stderr.decode() == (
        "kplan: error: '\\udce5sa' holds bytes that are not UTF-8 text (byte 0xE5); kplan"
        " reads its arguments as UTF-8: set the terminal, or the script's locale, to UTF-8\n"
    )
    assert dump_store(store) == before


@pytest.mark.parametrize("plan", [" ", "x" * 100_000, "\x1b[2J"], ids=["blank", "long", "escape"])
def test_kplan_plan_that_cannot_be_an_id_is_refused(store: Path, plan: str) -> None:
    # The id rule (tests/test_names.py) answers before any plan is looked up.
    _refused(store, ["list"], "is not a valid id", env={"KPLAN_PLAN": plan})


@pytest.mark.parametrize("debug", ["1", "\udcff", " "])
def test_kplan_debug_does_not_turn_a_usage_mistake_into_a_crash(store: Path, debug: str) -> None:
    _refused(store, ["status", "7", "bogus"], "not a valid status", env={"KPLAN_DEBUG": debug})


def test_kplan_home_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "a-file"
    home.write_text("not a folder")
    env: dict[str, str | None] = {"KPLAN_HOME": str(home), "KPLAN_DB": None}
    for args in (["list"], ["status", "7", "done"], ["apply", "-"]):
        outcome = _run(args, input=b'{"measure": "7", "status": "done"}', env=env)
        _assert_no_crash(outcome, (1,))
    assert home.read_text() == "not a folder"


@pytest.mark.parametrize(
    "args",
    [
        ["status", "7", "done", "--expect-version", "-1"],
        ["status", "7", "--progress", "--5"],
        ["status", "7", "--progress", "9" * 5000],
        ["log", "--limit", "-1"],
        ["log", "--limit", str(10**30)],
        ["show", "7", "--events", "1e3"],
        ["list", "--step", "²"],
    ],
    ids=lambda args: " ".join(arg if len(arg) < 12 else arg[:8] + "..." for arg in args),
)
def test_malformed_numeric_options_are_usage_errors(store: Path, args: list[str]) -> None:
    outcome = Guard(store).run([*args, "--db", str(store)])
    assert outcome.code == 2, outcome.describe()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["step", "fastighet", "--", "--1"], "step must be a whole number"),
        (["step", "fastighet", "²"], "step must be a whole number"),
        (["step", "fastighet", "+" + "9" * 30], "step must be a whole number"),
        (["record", "validerade", "2016", "١٢"], "is not a number"),
        (["record", "validerade", "2016", "1_000"], "is not a number"),
        (["round", "open", "r", "--due", "9999-12-32"], "not a date"),
    ],
    ids=[
        "step-double-minus",
        "step-superscript",
        "step-30-digits",
        "value-arabic-indic",
        "value-underscore",
        "due-day-32",
    ],
)
def test_malformed_numbers_in_arguments_are_data_errors(
    store: Path, args: list[str], fragment: str
) -> None:
    _refused(store, args, fragment)


@pytest.mark.parametrize(
    "args",
    [
        ["status", "7", "done", "--note", "x" * (MAX_TEXT_LENGTH + 1)],
        ["round", "report", "7", "--note", "x" * (MAX_TEXT_LENGTH + 1)],
    ],
    ids=["status-note", "round-report-note"],
)
def test_a_note_beyond_the_text_limit_is_refused(store: Path, args: list[str]) -> None:
    guard = Guard(store)
    if args[0] == "round":
        assert guard.run(["round", "open", "r", "--db", str(store)]).code == 0
    _refused(store, args, f"at most {MAX_TEXT_LENGTH}")


def test_a_note_at_the_text_limit_is_kept_whole(store: Path) -> None:
    note = "å" * MAX_TEXT_LENGTH
    Guard(store).run(["status", "7", "done", "--note", note, "--db", str(store)])
    outcome = _run(["log", "--limit", "1", "--json", "--db", str(store)])
    assert json.loads(outcome.stdout)[0]["note"] == note


# ---------------------------------------------------------------------------
# 5. The installed command, where the real standard input and argv matter
# ---------------------------------------------------------------------------


def _installed(
    args: list[str | bytes], *, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    from tests.test_entrypoint import kplan_executable

    return subprocess.run(
        [kplan_executable(), *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_installed_apply_names_each_line_of_undecodable_standard_input(
    store: Path, locale: str
) -> None:
    before = dump_store(store)
    data = (
        b'{"measure": "7", "status": "done"}\n{"measure": "7", "note": "\xff\xfe"}\n\xed\xa0\x80\n'
    )
    result = _installed(["apply", "-", "--db", str(store)], stdin=data, env={"LANG": locale})
    assert result.returncode == 1, result.stderr
    assert result.stderr.decode().splitlines() == [
        "kplan: error: line 2: -: byte 0xff is not UTF-8 text; save the file as UTF-8",
        "line 3: -: byte 0xed is not UTF-8 text; save the file as UTF-8",
        "2 problems; nothing was applied.",
    ]
    assert dump_store(store) == before


def test_installed_apply_reads_a_file_whose_name_is_not_utf8(store: Path, tmp_path: Path) -> None:
    path = os.fsencode(tmp_path) + b"/\xff\xe5ndringar.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"measure": "7", "status": "delayed"}\n')
    result = _installed(["apply", path, "--db", str(store)])
    assert result.returncode == 0, result.stderr
    shown = _run(["show", "7", "--json", "--db", str(store)])
    assert json.loads(shown.stdout)["status"] == "delayed"


def test_installed_apply_stops_reading_an_endless_input(store: Path) -> None:
    result = _installed(["apply", "/dev/zero", "--db", str(store)], env={"KPLAN_MAX_FILE_MB": "1"})
    assert result.returncode == 1
    assert result.stderr.decode().startswith("kplan: error: /dev/zero is larger than 1 MB")


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59", "0001-01-01T00:00:00+01:00"])
def test_installed_command_refuses_kplan_now_at_the_ends_of_time(store: Path, moment: str) -> None:
    result = _installed(["status", "7", "done", "--db", str(store)], env={"KPLAN_NOW": moment})
    assert result.returncode == 1, result.stderr
    assert b"internal error" not in result.stderr
    assert b"from 1970-01-01T00:00:00Z to 9999-12-30T23:59:59Z" in result.stderr


def test_plain_kplan_at_a_terminal_with_a_user_that_cannot_act_is_one_line(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Plain `kplan` at a terminal opens the TUI as the acting user, outside the
    # commands' error handling; a bad KPLAN_USER must stop it with one line too.
    import kplan.cli

    monkeypatch.setattr(kplan.cli, "_store_has_one_plan", lambda: True)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("KPLAN_DB", str(store))
    monkeypatch.setenv("KPLAN_USER", "\x1b[2J")
    code: object = None
    with RUNNER.isolation() as (_, stderr, _):
        sys.stdin = Terminal()
        sys.stdout = Terminal()
        try:
            _command().main(args=[], prog_name="kplan")
        except SystemExit as exit:
            code = exit.code
        message = stderr.getvalue().decode()
    assert code == 1
    assert message.startswith("kplan: error: '\\x1b[2J' cannot name who is acting")
