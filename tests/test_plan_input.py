"""Reading a plan file: one TOML verdict at any size, a BOM, bounded reads, limits.

* tomllib (TOML 1.0) decides what a valid file is; the faster tomli reads big
  files only because, and only while, it gives the same verdict: a construct
  that only TOML 1.1 allows is refused in a small file and in a big one;
* a UTF-8 byte order mark at the start is accepted;
* a file is read with a bound (``KPLAN_MAX_FILE_MB``), so ``/dev/zero`` or an
  endless pipe is refused instead of read for ever;
* nesting deeper than ``MAX_NESTING`` is refused with one message, whichever
  parser read the file and however deep it goes;
* a file that cannot be read is a data error (exit 1) with one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import types
from pathlib import Path
from typing import Any

import pytest

from kplan.core import planfile
from kplan.core.planfile import FAST_PARSE_FROM, parse_plan_text, read_plan_file
from kplan.domain import MAX_NESTING
from kplan.errors import PlanFileError
from tests.conftest import OREBRO, Kplan
from tests.test_entrypoint import kplan_executable

OREBRO_TEXT = OREBRO.read_text(encoding="utf-8")
TOO_DEEP = f"arrays or tables nested more than {MAX_NESTING} levels deep"


def big(text: str) -> str:
    """``text`` made bigger than FAST_PARSE_FROM by a comment at its end."""
    padded = text + "\n# " + "x" * FAST_PARSE_FROM + "\n"
    assert len(padded) > FAST_PARSE_FROM
    return padded


def verdict(text: str) -> list[str]:
    """The problems parse_plan_text finds in ``text`` (none if it is a valid plan)."""
    try:
        parse_plan_text(text, "plan.toml")
    except PlanFileError as error:
        return [problem.render("plan.toml") for problem in error.problems]
    return []


@pytest.fixture
def spy_fast_parser(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the length of every text the fast parser is handed."""
    loads = planfile.fast_parser()
    assert loads is not None, "tomli (2.2.x, as pyproject.toml pins it) should be installed"
    seen: list[int] = []

    def spying(text: str) -> dict[str, Any]:
        seen.append(len(text))
        return loads(text)

    monkeypatch.setattr(planfile, "_fast_parser", spying)
    return seen


# ---------------------------------------------------------------------------
# 1. One verdict, TOML 1.0, at any size
# ---------------------------------------------------------------------------

# Each replaces a line of the example with what TOML 1.1 allows and 1.0 does not.
TOML_1_1 = {
    "escape-e": ('area = "Strategisk kompetensförsörjning"', 'area = "Strategisk \\e"'),
    "escape-x": ('area = "Strategisk kompetensförsörjning"', 'area = "Strategisk \\x6e"'),
    "inline-table-newline": (
        'values = { "2014" = ',
        'values = {\n  "2014" = ',
    ),
    "inline-table-trailing-comma": ("}\n", ", }\n"),
    "time-without-seconds": ("start = 2013-02-01", "start = 2013-02-01T07:32Z"),
}


@pytest.mark.parametrize("name", list(TOML_1_1))
def test_a_toml_1_1_construct_is_refused_in_a_small_and_in_a_big_file(
    name: str, spy_fast_parser: list[int]
) -> None:
    old, new = TOML_1_1[name]
    assert old in OREBRO_TEXT
    if name == "inline-table-trailing-comma":
        start = OREBRO_TEXT.index("values = {")
        end = OREBRO_TEXT.index("}\n", start)
        text = OREBRO_TEXT[:end] + ", }\n" + OREBRO_TEXT[end + 2 :]
    else:
        text = OREBRO_TEXT.replace(old, new, 1)
    small = verdict(text)
    assert spy_fast_parser == []
    large = verdict(big(text))
    assert spy_fast_parser, "the big file should have gone through the fast parser"
    assert small == large
    assert len(small) == 1 and "TOML syntax error" in small[0], small


@pytest.fixture
def spy_piece_parser(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the length of every part of a big file that is parsed on its own."""
    loads = planfile.piece_parser()
    seen: list[int] = []

    def spying(text: str) -> dict[str, Any]:
        seen.append(len(text))
        return loads(text)

    monkeypatch.setattr(planfile, "_piece_parser", spying)
    return seen


def test_the_example_reads_the_same_small_and_big(
    spy_fast_parser: list[int], spy_piece_parser: list[int]
) -> None:
    # A big file is read a measure at a time, never whole: tomli reads the
    # part before the first measure, toml-rs each measure's part.
    assert verdict(OREBRO_TEXT) == verdict(big(OREBRO_TEXT)) == []
    spy_piece_parser.clear()
    spy_fast_parser.clear()
    assert parse_plan_text(OREBRO_TEXT) == parse_plan_text(big(OREBRO_TEXT))
    assert len(spy_piece_parser) == OREBRO_TEXT.count("\n[[measures]]\n")
    assert spy_fast_parser == [OREBRO_TEXT.index("[[measures]]")]


def test_a_big_file_that_cannot_be_cut_is_read_whole(
    spy_fast_parser: list[int], spy_piece_parser: list[int]
) -> None:
    # No line is exactly "[[measures]]" (each carries a comment): one part.
    text = OREBRO_TEXT.replace("\n[[measures]]\n", "\n[[measures]] # a measure\n")
    assert parse_plan_text(big(text)) == parse_plan_text(OREBRO_TEXT)
    assert spy_piece_parser == []
    assert spy_fast_parser


def test_a_parser_of_a_newer_toml_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tomli that reads TOML 1.1 (2.3 and later) would accept what tomllib refuses."""
    import tomllib

    def lenient(text: str) -> dict[str, Any]:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return {"a": "accepted"}

    fake = types.ModuleType("tomli")
    fake.loads = lenient  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tomli", fake)
    monkeypatch.setattr(planfile, "_fast_parser", False)
    assert planfile.fast_parser() is None
    text = big(OREBRO_TEXT.replace('area = "Strategisk kompetensförsörjning"', 'area = "\\e"', 1))
    assert "TOML syntax error" in verdict(text)[0]


def test_a_missing_tomli_leaves_tomllib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tomli", None)
    monkeypatch.setattr(planfile, "_fast_parser", False)
    assert planfile.fast_parser() is None
    assert verdict(big(OREBRO_TEXT)) == []


# ---------------------------------------------------------------------------
# 2. Byte order mark and encoding
# ---------------------------------------------------------------------------


def test_a_plan_file_with_a_bom_imports(kplan: Kplan, tmp_path: Path) -> None:
    file = tmp_path / "bom.toml"
    file.write_bytes(b"\xef\xbb\xbf" + OREBRO.read_bytes())
    result = kplan("import", str(file))
    assert "Imported plan orebro-kompetens" in result.stdout
    assert read_plan_file(file) == read_plan_file(OREBRO)
    assert parse_plan_text("\ufeff" + OREBRO_TEXT) == read_plan_file(OREBRO)


def test_a_bom_elsewhere_is_not_skipped() -> None:
    found = verdict(OREBRO_TEXT.replace("\n[plan]", "\n\ufeff[plan]", 1))
    assert len(found) == 1 and "TOML syntax error" in found[0]


# ---------------------------------------------------------------------------
# 3. Nesting
# ---------------------------------------------------------------------------


def _nested(kind: str, depth: int) -> str:
    if kind == "array":
        return "x = " + "[" * depth + "]" * depth
    if kind == "inline-table":
        return "x = " + "{ a = " * depth + "1" + " }" * depth
    if kind == "mixed":
        return "x = " + "[{ a = " * (depth // 2) + "1" + " }]" * (depth // 2)
    return "x." + ".".join(["a"] * depth) + " = 1"  # dotted keys


@pytest.mark.parametrize("kind", ["array", "inline-table", "mixed", "dotted-key"])
@pytest.mark.parametrize("depth", [MAX_NESTING + 2, 100, 500, 5000])
def test_nesting_too_deep_has_one_message_at_any_depth_and_size(
    kind: str, depth: int, spy_fast_parser: list[int]
) -> None:
    text = OREBRO_TEXT.replace("[plan]\n", "[plan]\n" + _nested(kind, depth) + "\n", 1)
    for document in (text, big(text)):
        found = verdict(document)
        assert found == [f"plan.toml: TOML syntax error: {TOO_DEEP}"], (kind, depth, found)


@pytest.mark.parametrize("kind", ["array", "inline-table", "mixed", "dotted-key"])
def test_nesting_too_deep_in_a_measure_of_a_big_file_has_the_one_message(kind: str) -> None:
    # Deep in a measure's part, which a big file reads on its own: toml-rs
    # would overflow its stack, so that part goes to tomli.
    text = OREBRO_TEXT.replace(
        'owner = "akarlsson"\n', 'owner = "akarlsson"\n' + _nested(kind, 5000) + "\n", 1
    )
    assert verdict(big(text)) == verdict(text) == [f"plan.toml: TOML syntax error: {TOO_DEEP}"]


def _measure_part(text: str, number: int) -> tuple[int, int]:
    """Where the ``number``-th (from 1) ``[[measures]]`` part of ``text`` starts and ends."""
    start = -1
    for _ in range(number):
        start = text.index("\n[[measures]]\n", start + 1)
    end = text.find("\n[[measures]]\n", start + 1)
    return start + 1, end + 1 if end >= 0 else len(text)


def _edited(name: str) -> str:
    """The example changed where cutting it into measures' parts could go wrong."""
    text = OREBRO_TEXT
    start, end = _measure_part(text, 2)
    if name == "header-in-basic-string":
        return text.replace('owner = "akarlsson"\n', 'note = """\n[[measures]]\n"""\n', 1)
    if name == "header-in-literal-string":
        return text.replace('owner = "akarlsson"\n', "note = '''\n[[measures]]\nid = 'x'\n'''\n", 1)
    if name == "header-in-valid-string":
        return text[:end] + 'description = """\n[[measures]]\nid = "x"\n"""\n' + text[end:]
    if name == "table-after-the-measures":
        return text + "\n[extra]\nx = 1\n"
    if name == "plan-after-the-measures":
        return text.replace("[plan]\n", "[plan_]\n", 1) + "\n[plan]\nid = 'x'\n"
    if name == "measures-before-the-first-cut":
        return text.replace("[plan]\n", "measures = []\n[plan]\n", 1)
    if name == "a-measure-in-the-head":
        first, _ = _measure_part(text, 1)
        return text[:first] + "[[measures]] # the first\n" + text[first + 13 :]
    if name == "crlf":
        return text.replace("\n", "\r\n")
    if name == "lone-cr":
        return text[:end] + "x = 1\r" + text[end:]
    if name == "second-bom":
        return "\ufeff" + text
    if name == "unknown-owner":
        return text.replace('owner = "akarlsson"', 'owner = "akarlson"', 1)
    if name == "measures-twice-the-same":
        return text + text[start:end]
    if name == "subtable-redefined":
        return text[:end] + "[measures.four_p]\npolicy = 'done'\n" + text[end:]
    if name == "array-then-table":
        return text + "\n[measures]\nx = 1\n"
    if name == "dotted-measures-key":
        return text + "\nmeasures.x = 1\n"
    raise AssertionError(name)


EDITS = [
    "header-in-basic-string",
    "header-in-literal-string",
    "header-in-valid-string",
    "table-after-the-measures",
    "plan-after-the-measures",
    "measures-before-the-first-cut",
    "a-measure-in-the-head",
    "crlf",
    "lone-cr",
    "second-bom",
    "unknown-owner",
    "measures-twice-the-same",
    "subtable-redefined",
    "array-then-table",
    "dotted-measures-key",
]


@pytest.mark.parametrize("name", EDITS)
def test_a_big_file_read_by_measure_has_the_verdict_of_one_read_whole(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the file means, or what is wrong with it, whether it is cut into parts or not."""
    text = big(_edited(name))
    try:
        cut: Any = parse_plan_text(text, "plan.toml")
    except PlanFileError as error:
        cut = [problem.render("plan.toml") for problem in error.problems]
    monkeypatch.setattr(planfile, "_plan_in_pieces", lambda text: None)
    try:
        whole: Any = parse_plan_text(text, "plan.toml")
    except PlanFileError as error:
        whole = [problem.render("plan.toml") for problem in error.problems]
    assert cut == whole
    monkeypatch.setattr(planfile, "_fast_parser", None)  # tomllib itself
    try:
        standard: Any = parse_plan_text(text, "plan.toml")
    except PlanFileError as error:
        standard = [problem.render("plan.toml") for problem in error.problems]
    assert cut == standard


def test_nesting_within_the_limit_is_judged_as_usual() -> None:
    text = OREBRO_TEXT.replace("[plan]\n", "[plan]\n" + _nested("array", 10) + "\n", 1)
    # The line and column of the key x, just below [plan].
    line = text[: text.index("[plan]\n")].count("\n") + 2
    assert verdict(text) == [
        f"plan.toml:{line}:1: plan.x: unknown key 'x'. Valid keys: id, title, organisation,"
        " start, end,"
        " description, perspectives, ladder, ladder_questions, coordinators, edit,"
        " language, timezone, public"
    ]


def test_a_valid_plan_nests_far_less_than_the_limit() -> None:
    import tomllib

    # measures, a measure, its indicators, one of them, its source, the source's
    # selection, a variable's codes: seven is as deep as a valid plan goes.
    assert planfile.nesting_depth(tomllib.loads(OREBRO_TEXT)) <= 7 < MAX_NESTING


# ---------------------------------------------------------------------------
# 4. Size and bounded reading
# ---------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(
    kplan: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_MAX_FILE_MB", "1")
    file = tmp_path / "big.toml"
    text = OREBRO_TEXT + "\n# " + "x" * (1024 * 1024)
    file.write_text(text, encoding="utf-8")
    result = kplan("import", str(file), expect=1)
    assert result.stderr == (
        f"kplan: error: {file}: the file is larger than 1 MB, the most kplan reads;"
        " set KPLAN_MAX_FILE_MB to allow more\n"
    )
    monkeypatch.setenv("KPLAN_MAX_FILE_MB", "2")
    kplan("import", str(file))


def test_the_limit_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_MAX_FILE_MB", "1")
    file = tmp_path / "edge.toml"
    padding = 1024 * 1024 - len(OREBRO.read_bytes()) - 3
    file.write_bytes(OREBRO.read_bytes() + b"\n# " + b"x" * padding)
    assert file.stat().st_size == 1024 * 1024
    assert read_plan_file(file).id == "orebro-kompetens"
    file.write_bytes(file.read_bytes() + b"x")
    with pytest.raises(PlanFileError, match="larger than 1 MB"):
        read_plan_file(file)


def test_dev_zero_is_refused_after_reading_at_most_the_limit(
    kplan: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_MAX_FILE_MB", "1")
    started = time.monotonic()
    result = kplan("import", "/dev/zero", expect=1)
    assert time.monotonic() - started < 30
    assert "/dev/zero: the file is larger than 1 MB" in result.stderr


def test_an_endless_pipe_is_refused(
    kplan: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_MAX_FILE_MB", "1")
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    stop = threading.Event()

    def write_for_ever() -> None:
        try:
            with open(fifo, "wb") as stream:
                while not stop.is_set():
                    stream.write(b"# " + b"x" * 65536 + b"\n")
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=write_for_ever, daemon=True)
    writer.start()
    try:
        result = kplan("import", str(fifo), expect=1)
    finally:
        stop.set()
        writer.join(timeout=10)
    assert f"{fifo}: the file is larger than 1 MB" in result.stderr
    assert not writer.is_alive()


def test_a_plan_from_a_pipe_imports(kplan: Kplan, tmp_path: Path) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as stream:
            stream.write(OREBRO.read_bytes())

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    result = kplan("import", str(fifo))
    writer.join(timeout=10)
    assert "Imported plan orebro-kompetens" in result.stdout


def test_the_installed_kplan_refuses_dev_zero(tmp_path: Path) -> None:
    result = subprocess.run(
        [kplan_executable(), "import", "/dev/zero", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        env={**os.environ, "KPLAN_MAX_FILE_MB": "2"},
        timeout=600,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "kplan: error: /dev/zero: the file is larger than 2 MB, the most kplan reads;"
        " set KPLAN_MAX_FILE_MB to allow more\n"
    )
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "9" * 20, "100001", "１", "1e3"])
def test_a_bad_kplan_max_file_mb_is_a_usage_error(
    kplan: Kplan, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("KPLAN_MAX_FILE_MB", value)
    result = kplan("import", str(OREBRO), expect=2)
    assert result.stderr.startswith(
        "kplan: error: KPLAN_MAX_FILE_MB must be a whole number of megabytes from 1 to 100000"
    )
    assert result.stderr.count("\n") == 1


# ---------------------------------------------------------------------------
# 5. Files that cannot be read
# ---------------------------------------------------------------------------


def test_an_unreadable_plan_file_is_a_data_error(
    kplan: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_dump: Any
) -> None:
    """As root every file is readable; deny it the way a person without the right meets it."""
    file = tmp_path / "secret.toml"
    file.write_text(OREBRO_TEXT, encoding="utf-8")
    real_access = os.access

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if Path(path) == file:
            return False
        return real_access(path, mode, *args, **kwargs)

    def denied(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == file:
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(planfile, "open", denied, raising=False)
    before = store_dump(kplan.db)
    result = kplan("import", str(file), expect=1)
    assert result.stderr == f"kplan: error: {file}: cannot read the file: Permission denied\n"
    assert store_dump(kplan.db) == before


def test_a_missing_plan_file_is_a_data_error(kplan: Kplan, tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    result = kplan("import", str(missing), expect=1)
    assert result.stderr == f"kplan: error: {missing}: no such file\n"
