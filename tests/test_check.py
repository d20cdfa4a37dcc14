"""``kplan check FILE...``: plan files validated without a store, as a person and a CI meet it.

Every problem of every file is listed with the line and column of the key
that is wrong; the exit code is 0 only when every file is valid. The same
problems come as JSON (docs/json.md) and as GitHub workflow annotations.
The end of the file checks what the key finder makes of every way TOML
can write a key, and fuzzes the command with arbitrary text.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kplan.core.planfile import parse_plan_text, plan_to_toml
from kplan.core.planfile_check import FileCheck, github_annotations
from kplan.core.planfile_places import key_places
from kplan.errors import PlanFileError, Problem
from kplan.names import visible
from tests.conftest import KRONOBERG, OREBRO, ROOT
from tests.test_entrypoint import kplan_executable
from tests.test_roundtrip import plans

runner = CliRunner()


def check(*args: str, expect: int | None = None) -> Any:
    """``kplan check ARGS`` in-process; the result (exit code checked when ``expect`` is given)."""
    from kplan.cli import app

    result = runner.invoke(app, ["check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if expect is not None:
        assert result.exit_code == expect, (result.exit_code, result.stdout, result.stderr)
    return result


def line_of(text: str, written: str) -> int:
    """The 1-based line where ``written`` (which occurs once) starts."""
    assert text.count(written) == 1, written
    return text[: text.index(written)].count("\n") + 1


def column_of(text: str, written: str) -> int:
    """The 1-based column where ``written`` (which occurs once) starts."""
    start = text.index(written)
    return start - (text.rfind("\n", 0, start) + 1) + 1


def place(text: str, written: str, offset: int = 0) -> str:
    """``line:column`` of ``written`` in ``text``, ``offset`` characters into it."""
    start = text.index(written) + offset
    line = text[:start].count("\n") + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return f"{line}:{column}"


# A plan with several wrong keys, each written a different way TOML allows.
BROKEN = """\
#:schema ../docs/plan.schema.json
kplan = 1

[plan]
id = "broken"
titel = "A plan with wrong keys"
description = \"\"\"
A multi-line text that holds what looks like a key:
status = "finished"
[[measures]]
\"\"\"

[[organisations]]
id = "region"
name = "Region"
kind = "universitet"

[[owners]]
id = "anna"
name = "Anna"
e-mail = "anna@example.org"

[[measures]]
id = "1"
title = "First"
owner = "anna"
status = "finished"
four_p = { perspektiv = "done", proces = "ongoing" }
"kön".x = 1

[measures.perspectives]
"etnicitet" = "kanske"

[[measures.collaborations]]
id = "c1"
name = "C1"
actors = ["region", "uni"]
steg = 2

[[measures]]
id = "2"
owner = "anna"
indicators = [{ id = "i1", name = "I1", values = { "2015" = 1, "2015-X" = 2 } }]
"""


def broken_problems(text: str) -> list[tuple[str, str, str]]:
    """(line:column, key path, a fragment of the message) for each problem BROKEN has."""
    # The status of measure 1, not the text in the description that looks like it.
    status = text.index('status = "finished"\nfour_p') + len("status = ")
    second = text.index('[[measures]]\nid = "2"')
    return [
        (place(text, "titel ="), "plan.titel", "Did you mean 'title'?"),
        (place(text, "[plan]"), "plan.title", "missing"),
        (place(text, '"universitet"'), "organisations[1].kind", "'universitet' is not valid"),
        (place(text, "e-mail ="), "owners[1].e-mail", "Did you mean 'email'?"),
        (place(text, '"kön".x'), "measures[1].kön", "unknown key 'kön'"),
        (place(text, "", status), "measures[1].status", "'finished' is not valid"),
        (place(text, "proces ="), "measures[1].four_p.proces", "Did you mean 'process'?"),
        (place(text, '"kanske"'), "measures[1].perspectives.etnicitet", "'kanske' is not valid"),
        (place(text, '"uni"'), "measures[1].collaborations[1].actors[2]", "unknown organisation"),
        (place(text, "steg ="), "measures[1].collaborations[1].steg", "unknown key 'steg'"),
        (place(text, "", second), "measures[2].title", "missing"),
        (place(text, '"2015-X"'), "measures[2].indicators[1].values.2015-X", "is not a period"),
    ]


def test_the_examples_are_valid(tmp_path: Path) -> None:
    result = check(str(OREBRO), str(KRONOBERG), expect=0)
    assert result.stdout.splitlines() == [
        f"{OREBRO}: a valid plan file (22 measures, 11 owners)",
        f"{KRONOBERG}: a valid plan file (7 measures, 3 owners)",
    ]
    assert result.stderr == ""


def test_every_wrong_key_is_named_at_its_own_line_and_column(tmp_path: Path) -> None:
    file = tmp_path / "broken.toml"
    file.write_text(BROKEN, encoding="utf-8")
    result = check(str(file), expect=1)
    lines = result.stdout.splitlines()
    expected = broken_problems(BROKEN)
    assert lines[-1] == f"{file}: {len(expected)} problems"
    found = lines[:-1]
    assert len(found) == len(expected), result.stdout
    for where, path, fragment in expected:
        prefix = f"{file}:{where}: {path}: "
        assert any(line.startswith(prefix) and fragment in line for line in found), (
            prefix,
            fragment,
            result.stdout,
        )
    # The key inside the multi-line description is text, not a key of [plan].
    assert "plan.status" not in result.stdout
    assert result.stderr == ""


def test_every_file_is_checked_and_one_bad_file_fails_them_all(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    missing = tmp_path / "missing.toml"
    result = check(str(OREBRO), str(broken), str(missing), str(tmp_path), expect=1)
    lines = result.stdout.splitlines()
    assert lines[0] == f"{OREBRO}: a valid plan file (22 measures, 11 owners)"
    assert f"{missing}: no such file" in lines
    assert f"{missing}: 1 problem" in lines
    assert f"{tmp_path}: is a folder, not a plan file" in lines
    assert lines[-1] == f"{tmp_path}: 1 problem"


def test_a_toml_syntax_error_is_one_problem_with_its_line(tmp_path: Path) -> None:
    file = tmp_path / "plan.toml"
    file.write_text(OREBRO.read_text(encoding="utf-8").replace("[plan]\n", "[plan\n"), "utf-8")
    result = check(str(file), "--json", expect=1)
    [problem] = json.loads(result.stdout)
    assert problem["key"] is None and problem["line"] is None
    assert problem["message"].startswith("TOML syntax error: ")
    assert "(at line " in problem["message"]


def test_json_lists_every_problem_with_its_place(tmp_path: Path) -> None:
    file = tmp_path / "broken.toml"
    file.write_text(BROKEN, encoding="utf-8")
    missing = tmp_path / "missing.toml"
    result = check(str(OREBRO), str(file), str(missing), "--json", expect=1)
    problems = json.loads(result.stdout)
    assert all(list(p) == ["file", "line", "column", "key", "message"] for p in problems)
    expected = broken_problems(BROKEN)
    assert len(problems) == len(expected) + 1
    for where, path, fragment in expected:
        line, column = (int(n) for n in where.split(":"))
        assert any(
            p["file"] == str(file)
            and p["key"] == path
            and (p["line"], p["column"]) == (line, column)
            and fragment in p["message"]
            for p in problems
        ), (where, path)
    assert problems[-1] == {
        "file": str(missing),
        "line": None,
        "column": None,
        "key": None,
        "message": "no such file",
    }
    # The same with --format json; and a valid file gives an empty list.
    assert json.loads(check(str(file), "--format", "json").stdout) == problems[:-1]
    assert json.loads(check(str(OREBRO), "--json", expect=0).stdout) == []


def test_github_annotations(tmp_path: Path) -> None:
    file = tmp_path / "broken.toml"
    file.write_text(BROKEN, encoding="utf-8")
    result = check(str(file), "--format", "github", expect=1)
    lines = result.stdout.splitlines()
    assert len(lines) == len(broken_problems(BROKEN))
    where = place(BROKEN, "titel =").split(":")
    assert (
        f"::error file={file},line={where[0]},col={where[1]}::"
        "plan.titel: unknown key 'titel'. Did you mean 'title'?"
    ) in lines
    # In the order of the file.
    numbers = [int(re.search(r",line=(\d+)", line).group(1)) for line in lines]  # type: ignore[union-attr]
    assert numbers == sorted(numbers)
    assert all(line.startswith(f"::error file={file},line=") for line in lines)
    missing = tmp_path / "no, such: file.toml"
    result = check(str(missing), "--format", "github", expect=1)
    escaped = str(missing).replace(",", "%2C").replace(":", "%3A")
    assert result.stdout == f"::error file={escaped}::no such file\n"


def test_github_annotations_escape_what_workflow_commands_require() -> None:
    result = FileCheck(
        "a,b:c%.toml",
        [Problem("measures[1].x", "100% done\r\nnext", line=3, column=2), Problem("", "50%")],
    )
    assert github_annotations([result]) == [
        # The message is made visible first (\r\n spelled out), then % is escaped.
        "::error file=a%2Cb%3Ac%25.toml,line=3,col=2::measures[1].x: 100%25 done\\r\\nnext",
        "::error file=a%2Cb%3Ac%25.toml::50%25",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "unknown format 'xml'. Valid: text, json, github"),
        (["--format", "gitub"], "unknown format 'gitub'. Did you mean 'github'? Valid:"),
        (["--json", "--format", "github"], "--json asks for JSON and --format for github"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = check(str(OREBRO), *args, expect=2)
    assert message in result.stderr
    assert result.stdout == ""


def test_no_file_is_a_usage_error() -> None:
    result = check(expect=2)
    assert "FILE..." in result.stderr or "Missing argument" in result.stderr


def test_the_installed_entry_point(tmp_path: Path) -> None:
    file = tmp_path / "broken.toml"
    file.write_text(BROKEN, encoding="utf-8")
    done = subprocess.run(
        [kplan_executable(), "check", str(OREBRO), str(file)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr and done.stderr == ""
    assert f"{file}:{place(BROKEN, 'titel =')}: plan.titel: unknown key 'titel'." in done.stdout
    done = subprocess.run(
        [kplan_executable(), "check", str(OREBRO), str(KRONOBERG)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == ""


def test_check_needs_no_store_and_makes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(Path.home().rglob("*"))
    check(str(OREBRO), expect=0)
    assert sorted(Path.home().rglob("*")) == before
    assert list(tmp_path.iterdir()) == []


def test_swedish_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    file = tmp_path / "broken.toml"
    file.write_text(BROKEN, encoding="utf-8")
    result = check(str(file), expect=1)
    assert "okänd nyckel 'titel'. Menade du 'title'?" in result.stdout
    assert result.stdout.splitlines()[-1] == f"{file}: 12 fel"
    assert "en giltig planfil (22 åtgärder, 11 ansvariga)" in check(str(OREBRO)).stdout


# ---------------------------------------------------------------------------
# Swedish words in a plan file
# ---------------------------------------------------------------------------


def swedish_plan() -> str:
    return """\
kplan = 1

[plan]
id = "p"
title = "P"
edit = "open"

[[organisations]]
id = "skolan"
name = "Skolan"
kind = "school"

[[organisations]]
id = "kommunen"
name = "Kommunen"
kind = "offentlig"

[[owners]]
id = "anna"
name = "Anna"

[[measures]]
id = "1"
title = "Första"
owner = "anna"
status = "påbörjad"

[measures.four_p]
perspective = "genomförd"
policy = "ej påbörjad"
platform = "påbörjad"

[measures.perspectives]
"kön" = "delvis"
"ålder" = "ja"
"etnicitet" = "nej"

[[measures.collaborations]]
id = "c"
name = "C"
actors = ["skolan", "kommunen"]

[[measures.indicators]]
id = "i"
name = "I"
direction = "minskande"
"""


def test_swedish_state_words_are_read_and_written_as_the_canonical_words(
    tmp_path: Path,
) -> None:
    text = swedish_plan()
    plan = parse_plan_text(text)
    measure = plan.measures[0]
    assert measure.status == "ongoing"
    assert measure.four_p == {
        "perspektiv": "done",
        "policy": "not-started",
        "plattform": "ongoing",
        "process": "not-started",
    }
    assert measure.perspectives == {"kön": "partly", "ålder": "yes", "etnicitet": "no"}
    assert [o.kind for o in plan.organisations] == ["education", "public"]
    assert measure.indicators[0].direction == "decrease"
    written = plan_to_toml(plan)
    for word in ("påbörjad", "genomförd", "delvis", "school", "offentlig", "minskande"):
        assert word not in written
    assert 'status = "ongoing"' in written and 'kind = "education"' in written
    assert parse_plan_text(written) == plan
    file = tmp_path / "plan.toml"
    file.write_text(text, encoding="utf-8")
    check(str(file), expect=0)


def test_swedish_words_are_accepted_on_import(kplan: Any, tmp_path: Path) -> None:
    file = tmp_path / "plan.toml"
    file.write_text(swedish_plan(), encoding="utf-8")
    kplan("import", str(file))
    shown = kplan.json("show", "1")
    text = json.dumps(shown, ensure_ascii=False)
    assert '"ongoing"' in text and '"partly"' in text
    assert "påbörjad" not in text and "delvis" not in text


@pytest.mark.parametrize(
    ("old", "new", "path", "suggestion"),
    [
        ('status = "påbörjad"', 'status = "påbörjd"', "measures[1].status", "påbörjad"),
        ('status = "påbörjad"', 'status = "Ongoing"', "measures[1].status", "ongoing"),
        ('"kön" = "delvis"', '"kön" = "delvs"', "measures[1].perspectives.kön", "delvis"),
        ('kind = "school"', 'kind = "schol"', "organisations[1].kind", "school"),
        (
            'platform = "påbörjad"',
            'platfrom = "påbörjad"',
            "measures[1].four_p.platfrom",
            "plattform",
        ),
        (
            'policy = "ej påbörjad"',
            'policy = "genomford"',
            "measures[1].four_p.policy",
            "genomförd",
        ),
    ],
)
def test_a_word_close_to_a_swedish_word_is_suggested(
    tmp_path: Path, old: str, new: str, path: str, suggestion: str
) -> None:
    text = swedish_plan().replace(old, new)
    assert new in text
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(text, "plan.toml")
    [problem] = caught.value.problems
    assert problem.path == path
    assert f"Did you mean '{suggestion}'?" in problem.message
    assert problem.line == line_of(text, new)


def test_a_part_named_twice_is_refused(tmp_path: Path) -> None:
    text = swedish_plan().replace('policy = "ej påbörjad"', 'plattform = "done"')
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(text, "plan.toml")
    [problem] = caught.value.problems
    assert problem.message == "'platform' names the part plattform a second time"
    assert (problem.line, problem.column) == (line_of(text, "platform ="), 1)


# ---------------------------------------------------------------------------
# The key finder: every way TOML writes a key
# ---------------------------------------------------------------------------

MINIMAL = 'kplan = 1\n[plan]\nid = "p"\ntitle = "P"\n[[owners]]\nid = "a"\nname = "A"\n'


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(text, "plan.toml")
    return caught.value.problems


@pytest.mark.parametrize(
    ("measures", "path", "written", "offset"),
    [
        # A dotted key.
        (
            '[[measures]]\nid = "1"\ntitle = "T"\nowner = "a"\nfour_p.proces = "done"\n',
            "measures[1].four_p.proces",
            "proces",
            0,
        ),
        # Quoted keys, with a dot inside the quotes.
        (
            '[[measures]]\nid = "1"\ntitle = "T"\nowner = "a"\n"ti.tel" = "T"\n',
            "measures[1].ti.tel",
            '"ti.tel"',
            0,
        ),
        (
            "[[measures]]\nid = '1'\ntitle = 'T'\nowner = 'a'\n'stat' = 'done'\n",
            "measures[1].stat",
            "'stat'",
            0,
        ),
        # An inline table: the column tells the keys on one line apart.
        (
            '[[measures]]\nid = "1"\ntitle = "T"\nowner = "a"\n'
            'four_p = { policy = "done", proces = "x" }\n',
            "measures[1].four_p.proces",
            "proces",
            0,
        ),
        # An array of inline tables.
        (
            'measures = [\n  { id = "1", title = "T", owner = "a" },\n'
            '  { id = "2", title = "U", owner = "a", progres = 5 },\n]\n',
            "measures[2].progres",
            "progres",
            0,
        ),
        # A value inside an array of tables' sub-table.
        (
            '[[measures]]\nid = "1"\ntitle = "T"\nowner = "a"\n[measures.four_p]\npolicy = "done"\n'
            '[[measures]]\nid = "2"\ntitle = "T"\nowner = "a"\n'
            '[measures.four_p]\npolicy = "klar"\n',
            "measures[2].four_p.policy",
            '"klar"',
            0,
        ),
        # A multi-line string that holds a key and a header is text.
        (
            '[[measures]]\nid = "1"\ntitle = "T"\nowner = "a"\ndescription = """\nstatus = 1\n'
            '[[measures]]\nx = \\"""\n"""\nstatus = "klar"\n',
            "measures[1].status",
            '"klar"',
            0,
        ),
        (
            "[[measures]]\nid = '1'\ntitle = 'T'\nowner = 'a'\ngoal = '''\nstatus = 1\n''''\n"
            'status = "klar"\n',
            "measures[1].status",
            '"klar"',
            0,
        ),
        # Comments that hold keys, and CRLF line ends.
        (
            '[[measures]] # status = "x"\r\nid = "1"\r\ntitle = "T"\r\nowner = "a"\r\n'
            '# status = "y"\r\nstatus = "klar" # a comment\r\n',
            "measures[1].status",
            '"klar"',
            0,
        ),
        # An item of a multi-line array.
        (
            '[[organisations]]\nid = "o"\nname = "O"\n[[measures]]\nid = "1"\ntitle = "T"\n'
            'owner = "a"\n[[measures.collaborations]]\nid = "c"\nname = "C"\nactors = [\n  "o",\n'
            '  "x", # a comment\n]\n',
            "measures[1].collaborations[1].actors[2]",
            '"x"',
            0,
        ),
    ],
    ids=[
        "dotted-key",
        "quoted-key-with-dot",
        "literal-quoted-key",
        "inline-table",
        "array-of-inline-tables",
        "sub-table-of-second-block",
        "multi-line-basic-string",
        "multi-line-literal-string",
        "comments-and-crlf",
        "multi-line-array-item",
    ],
)
def test_the_key_is_found_however_it_is_written(
    measures: str, path: str, written: str, offset: int
) -> None:
    # An array written as a value goes before the first table header.
    text = (
        MINIMAL[:10] + measures + MINIMAL[10:]
        if measures.startswith("measures =")
        else MINIMAL + measures
    )
    problems = [p for p in problems_of(text) if p.path == path]
    assert problems, [p.path for p in problems_of(text)]
    expected = text.rindex(written) + offset
    line = text[:expected].count("\n") + 1
    column = expected - (text.rfind("\n", 0, expected) + 1) + 1
    assert (problems[0].line, problems[0].column) == (line, column)


def test_a_missing_key_of_an_inline_table_names_where_the_table_starts() -> None:
    text = 'kplan = 1\nmeasures = [\n  { id = "1", owner = "a" },\n]\n' + MINIMAL[10:]
    [problem] = problems_of(text)
    assert problem.path == "measures[1].title"
    assert (problem.line, problem.column) == (line_of(text, "{ id"), column_of(text, "{ id"))


def test_problems_of_the_plan_table_have_lines_too() -> None:
    text = OREBRO.read_text(encoding="utf-8").replace(
        'coordinators = ["ehedlund", "pnyberg"]', 'coordinators = ["ehedlund", "nobody"]'
    )
    [problem] = problems_of(text)
    assert (problem.line, problem.column) == (
        line_of(text, 'coordinators = ["ehedlund", "nobody"]'),
        column_of(text, '"nobody"'),
    )


def document_paths(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every key path of a parsed document as the checker writes it, with its value."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{visible(key)}" if path else visible(key)
            found += [(child, key), *document_paths(value, child)]
    elif isinstance(node, list):
        for index, value in enumerate(node):
            child = f"{path}[{index + 1}]"
            found += [(child, None), *document_paths(value, child)]
    return found


def assert_every_key_is_found(text: str) -> None:
    places = key_places(text)
    lines = text.split("\n")
    for path, key in document_paths(tomllib.loads(text)):
        found = places.find(path, on_key=True)
        assert found is not None, path
        line, column = found
        at = lines[line - 1][column - 1 :]
        if key is None:
            # An array item: where its value starts.
            assert at[:1] in "\"'[{+-" or at[:1].isalnum(), (path, at)
        elif at.startswith("["):
            # A table written as a header: the header names the key.
            assert key in at.split("]")[0] or "\\" in at, (path, at)
        else:
            # The key as written: bare, or quoted (then the quote comes first).
            assert at.startswith(key) or at[:1] in "\"'", (path, at)


@settings(max_examples=60, deadline=None, database=None)
@given(plan=plans())
def test_every_key_of_a_written_plan_is_found_where_it_is(plan: Any) -> None:
    """Whatever kplan writes, and the same document laid out by tomli-w, every key is found."""
    import tomli_w

    text = plan_to_toml(plan)
    assert_every_key_is_found(text)
    assert_every_key_is_found(tomli_w.dumps(tomllib.loads(text)))


# ---------------------------------------------------------------------------
# Hostile and arbitrary input: never a traceback, never exit 70
# ---------------------------------------------------------------------------

EXAMPLE_LINES = OREBRO.read_text(encoding="utf-8").splitlines(keepends=True)[:120]


@st.composite
def mangled_plans(draw: Any) -> str:
    """The start of the example with lines dropped, repeated or replaced by arbitrary text."""
    lines = list(EXAMPLE_LINES)
    for _ in range(draw(st.integers(0, 6))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "replace", "insert"]))
        if action == "drop":
            del lines[index]
        elif action == "repeat":
            lines.insert(index, lines[index])
        else:
            junk = draw(
                st.text(alphabet=st.sampled_from(list("abc =.\"'[]{},#\n\\1ö-_ \t\r")), max_size=30)
            )
            if action == "replace":
                lines[index] = junk + "\n"
            else:
                lines.insert(index, junk + "\n")
        if not lines:
            break
    return "".join(lines)


@settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.one_of(st.text(max_size=300), mangled_plans()))
@example(text='kplan = 1\n[plan]\nid = "p"\ntitle = """\n[plan]\n"""\nx = 1\n')
@example(text="a = '''x''''\nb = 1\n")
@example(text='a."b.c".d = 1\n')
def test_check_never_fails_on_arbitrary_text(tmp_path: Path, text: str) -> None:
    file = tmp_path / "fuzz.toml"
    file.write_bytes(text.encode("utf-8", "surrogatepass"))
    result = check(str(file), "--json")
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    problems = json.loads(result.stdout)
    assert (result.exit_code == 1) == bool(problems)
    line_count = text.count("\n") + 1
    for problem in problems:
        if problem["line"] is not None:
            assert 1 <= problem["line"] <= line_count, (problem, text)
            assert problem["column"] >= 1


# ---------------------------------------------------------------------------
# The pre-commit hook
# ---------------------------------------------------------------------------


def test_pre_commit_offers_the_check_as_a_hook() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert re.search(r"^- id: kplan-check$", text, flags=re.MULTILINE)
    assert re.search(r"^  entry: kplan check$", text, flags=re.MULTILINE)
    assert re.search(r"^  language: python$", text, flags=re.MULTILINE)
    assert "\n  files: '\\.toml$'\n" in text
    # The entry is a command that exists and takes the files pre-commit passes.
    check(str(OREBRO), str(KRONOBERG), expect=0)


def test_a_second_python_interpreter_gives_the_same_json(tmp_path: Path) -> None:
    file = tmp_path / "broken.toml"
    file.write_text(BROKEN, encoding="utf-8")
    code = "import sys; from kplan.cli import main; sys.argv = sys.argv[1:]; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "kplan", "check", "--json", str(file)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout) == json.loads(check(str(file), "--json").stdout)


@pytest.mark.parametrize("args", [["check", str(OREBRO)], ["schema"]], ids=["check", "schema"])
def test_check_and_schema_import_no_heavy_module(args: list[str]) -> None:
    """Run in a hook on every commit, the check pays for no ORM, TUI or rendering library."""
    from tests.test_entrypoint import HEAVY

    code = (
        "import sys\n"
        "from kplan.cli import main\n"
        f"sys.argv = ['kplan', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False
    )
    marker = [line for line in done.stderr.splitlines() if line.startswith("HEAVY=")]
    assert marker, done.stderr
    heavy = [name for name in marker[-1].removeprefix("HEAVY=").split(",") if name]
    # Typer itself imports pydantic (see tests/test_entrypoint.py).
    assert [name for name in heavy if name != "pydantic"] == []
