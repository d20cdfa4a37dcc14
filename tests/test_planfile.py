"""Plan-file validation as a person meets it: ``kplan import FILE`` with a broken file.

Every rejected import must exit 1, say on stderr which file, which key path and
what is wrong there (with the closest valid value where there is one), and leave
the store exactly as it was. The last part of the file checks the reader
directly: defaults, ISO date strings, ladder lengths.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from kplan.core.planfile import parse_plan_text
from kplan.domain import DEFAULT_LADDER, DEFAULT_LADDER_QUESTIONS, DEFAULT_PERSPECTIVES
from kplan.errors import PlanFileError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OREBRO = EXAMPLES / "orebro_plan.toml"


# ---------------------------------------------------------------------------
# Building bad files from the example
# ---------------------------------------------------------------------------


def orebro_text() -> str:
    return OREBRO.read_text(encoding="utf-8")


def edit(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old``; fail loudly if it isn't there exactly once."""
    assert text.count(old) == 1, (
        f"expected exactly one {old!r} in the example, found {text.count(old)}"
    )
    return text.replace(old, new)


def _block(text: str, header: str, block_id: str) -> tuple[int, int]:
    """Start and end offsets of the ``header`` block whose id is ``block_id``."""
    marker = f'{header}\nid = "{block_id}"\n'
    assert text.count(marker) == 1, f"no single {header} block with id {block_id!r}"
    start = text.index(marker)
    if header == "[[measures]]":
        end = text.find("\n[[measures]]\n", start + len(marker))
    else:
        end = text.find("\n\n", start)
    return start, len(text) if end == -1 else end


def edit_block(text: str, header: str, block_id: str, old: str, new: str) -> str:
    """Replace ``old`` (which must occur exactly once) inside one block of the file."""
    start, end = _block(text, header, block_id)
    block = text[start:end]
    assert block.count(old) == 1, (
        f"expected exactly one {old!r} in {header} {block_id!r}: {block!r}"
    )
    return text[:start] + block.replace(old, new) + text[end:]


def edit_measure(text: str, measure_id: str, old: str, new: str) -> str:
    return edit_block(text, "[[measures]]", measure_id, old, new)


def block_line(text: str, header: str, block_id: str) -> int:
    """The 1-based line of the header of a block, which problems in it point at."""
    start, _ = _block(text, header, block_id)
    return text[:start].count("\n") + 1


def key_line(text: str, header: str, block_id: str, written: str) -> int:
    """The 1-based line of ``written`` (a key as the file has it) inside one block."""
    start, end = _block(text, header, block_id)
    block = text[start:end]
    assert block.count(written) == 1, f"expected one {written!r} in {header} {block_id!r}"
    return text[: start + block.index(written)].count("\n") + 1


def changed_key_line(text: str, measure: str, new: str, path: str) -> int:
    """The line of the key ``path`` names, in the lines ``new`` put into measure ``measure``."""
    last = re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])
    lines = [line for line in new.splitlines() if line.strip()]
    written = next((line for line in reversed(lines) if last in line), lines[0])
    # The block as the example has it: the edit may have changed its id.
    start, _ = _block(orebro_text(), "[[measures]]", measure)
    return text[: text.index(written, start)].count("\n") + 1


def problem_line(
    stderr: str, file: Path, path: str, *fragments: str, line: int | None = None
) -> str:
    """The stderr line ``FILE[:LINE[:COLUMN]]: path: message`` holding every fragment."""
    location = re.escape(str(file)) + (
        rf":{line}(?::\d+)?" if line is not None else r"(?::\d+){0,2}"
    )
    pattern = re.compile(location + ": " + re.escape(path) + ": ")
    candidates = [entry for entry in stderr.splitlines() if pattern.search(entry)]
    for entry in candidates:
        if all(fragment in entry for fragment in fragments):
            return entry
    raise AssertionError(
        f"no problem line for {path!r} (line {line}) with {fragments!r} in stderr:\n{stderr}"
    )


@pytest.fixture
def reject(orebro: Any, db: Path, tmp_path: Path, store_dump: Any) -> Any:
    """Import a bad plan text into the Örebro store; check exit 1 and an unchanged store."""

    def run(text: str | bytes, name: str = "bad_plan.toml") -> tuple[Path, str]:
        file = tmp_path / name
        if isinstance(text, bytes):
            file.write_bytes(text)
        else:
            file.write_text(text, encoding="utf-8")
        before = store_dump(db)
        assert before["plan"], "the Örebro store should hold a plan before the bad import"
        result = orebro("import", str(file), expect=1)
        assert store_dump(db) == before, "a rejected import changed the store"
        assert result.stdout == ""
        assert str(file) in result.stderr
        return file, result.stderr

    return run


def test_the_untouched_example_is_accepted(kplan: Any, tmp_path: Path) -> None:
    """Guards the edits below: the example itself imports, so every failure is the edit's."""
    file = tmp_path / "plan.toml"
    file.write_text(orebro_text(), encoding="utf-8")
    result = kplan("import", str(file))
    assert "Imported plan orebro-kompetens: 22 measures, 11 owners." in result.stdout


# ---------------------------------------------------------------------------
# 1. TOML syntax errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "detail"),
    [
        ("[plan]\n", "[plan\n", "Expected ']' at the end of a table declaration"),
        (
            'status = "done"\nprogress = 100\nstart = 2013-02-01',
            'status = "done\nprogress = 100\nstart = 2013-02-01',
            "Illegal character",
        ),
        ("progress = 70\n", "progress = = 70\n", "Invalid value"),
    ],
    ids=["unclosed-table-header", "unterminated-string", "double-equals"],
)
def test_toml_syntax_error_names_file_and_line(
    reject: Any, old: str, new: str, detail: str
) -> None:
    text = orebro_text()
    offset = text.index(old)
    broken_line = text[:offset].count("\n") + 1
    file, stderr = reject(edit(text, old, new))
    assert f"{file}: TOML syntax error: " in stderr
    assert detail in stderr
    assert f"(at line {broken_line}, column" in stderr
    assert "problems in" not in stderr  # one problem, no count line


# ---------------------------------------------------------------------------
# 2. Unknown or misspelt keys
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "block", "old", "new", "path", "fragments"),
    [
        (
            "[[measures]]",
            "1",
            'title = "Regional analys',
            'titel = "Regional analys',
            "measures[1].titel",
            ["unknown key 'titel'", "Did you mean 'title'?"],
        ),
        (
            "[[measures]]",
            "5",
            'goal = "Fler mindre',
            '"mål" = "Fler mindre',
            "measures[5].mål",
            ["unknown key 'mål'", "Valid keys: id, title, goal"],
        ),
        (
            "[[measures]]",
            "4",
            'process = "ongoing"',
            'proces = "ongoing"',
            "measures[4].four_p.proces",
            ["unknown key 'proces'", "Did you mean 'process'?"],
        ),
        (
            "[[measures]]",
            "1",
            'note = "Gemensam rapport',
            'notes = "Gemensam rapport',
            "measures[1].collaborations[1].notes",
            ["unknown key 'notes'", "Did you mean 'note'?"],
        ),
        (
            "[[measures]]",
            "8",
            'values = { "2014" = 16',
            'value = { "2014" = 16',
            "measures[8].indicators[1].value",
            ["unknown key 'value'", "Did you mean 'values'?"],
        ),
        (
            "[[owners]]",
            "mholm",
            'email = "mikael.holm',
            'e-mail = "mikael.holm',
            "owners[7].e-mail",
            ["unknown key 'e-mail'", "Did you mean 'email'?"],
        ),
        (
            "[[organisations]]",
            "oru",
            'kind = "education"',
            'typ = "education"',
            "organisations[4].typ",
            ["unknown key 'typ'", "Valid keys: id, name, kind"],
        ),
    ],
    ids=[
        "measure-titel",
        "measure-no-suggestion",
        "four_p-part",
        "collaboration",
        "indicator",
        "owner",
        "organisation",
    ],
)
def test_unknown_key_in_a_block(
    reject: Any, header: str, block: str, old: str, new: str, path: str, fragments: list[str]
) -> None:
    text = edit_block(orebro_text(), header, block, old, new)
    file, stderr = reject(text)
    # The line of the misspelt key, not of the block's header.
    problem_line(stderr, file, path, *fragments, line=key_line(text, header, block, new))


@pytest.mark.parametrize(
    ("old", "new", "path", "fragments"),
    [
        (
            "kplan = 1\n",
            'kplan = 1\nauthor = "me"\n',
            "author",
            ["unknown key 'author'", "Valid keys: kplan, plan, organisations, owners, measures"],
        ),
        (
            '[[owners]]\nid = "ehedlund"',
            '[[owner]]\nid = "ehedlund"',
            "owner",
            ["unknown key 'owner'", "Did you mean 'owners'?"],
        ),
        (
            'organisation = "Region Örebro län"\nstart',
            'organization = "Region Örebro län"\nstart',
            "plan.organization",
            ["unknown key 'organization'", "Did you mean 'organisation'?"],
        ),
    ],
    ids=["top-level", "top-level-misspelt-array", "plan-table"],
)
def test_unknown_top_level_and_plan_keys(
    reject: Any, old: str, new: str, path: str, fragments: list[str]
) -> None:
    file, stderr = reject(edit(orebro_text(), old, new))
    problem_line(stderr, file, path, *fragments)


# ---------------------------------------------------------------------------
# 3. Wrong types
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "old", "new", "path", "fragments"),
    [
        (
            "7",
            "progress = 40\n",
            'progress = "40"\n',
            "measures[7].progress",
            ["expected a whole number from 0 to 100, got a string"],
        ),
        (
            "7",
            "progress = 40\n",
            "progress = 40.5\n",
            "measures[7].progress",
            ["expected a whole number from 0 to 100, got a decimal number"],
        ),
        (
            "7",
            'id = "7"\n',
            "id = 7\n",
            "measures[7].id",
            ["expected a string, got the number 7", 'write it in quotes: id = "7"'],
        ),
        (
            "7",
            "start = 2014-09-01\n",
            'start = "not a date"\n',
            "measures[7].start",
            ["expected a date like 2016-12-31, got 'not a date'"],
        ),
        (
            "7",
            "due = 2016-12-31\n",
            "due = 2016\n",
            "measures[7].due",
            ["expected a date like 2016-12-31, got an integer"],
        ),
        (
            "7",
            'status = "ongoing"\n',
            "status = 2\n",
            "measures[7].status",
            ["expected a string, got an integer"],
        ),
        (
            "19",
            "due = 2016-12-31\n",
            'due = 2016-12-31\nperspectives = "kön"\n',
            "measures[19].perspectives",
            ["expected a table, got a string"],
        ),
        (
            "7",
            "step = 2\n",
            'step = "2"\n',
            "measures[7].collaborations[1].step",
            ["expected a whole number from 1 to 4, got a string"],
        ),
        (
            "8",
            "baseline = 14\n",
            'baseline = "14"\n',
            "measures[8].indicators[1].baseline",
            ["expected a number, got a string"],
        ),
        (
            "8",
            'values = { "2014" = 16, "2015" = 17 }',
            'values = { "2014" = "16", "2015" = 17 }',
            "measures[8].indicators[1].values.2014",
            ["expected a number, got a string"],
        ),
        (
            "8",
            'actors = ["teknikcollege", "karlskoga", "orebro", "sydnarke", "lindesberg"]',
            'actors = "teknikcollege"',
            "measures[8].collaborations[1].actors",
            ["expected an array of strings, got 'teknikcollege'"],
        ),
    ],
    ids=[
        "progress-string",
        "progress-float",
        "id-number",
        "start-not-a-date",
        "due-integer",
        "status-integer",
        "perspectives-string",
        "step-string",
        "baseline-string",
        "value-string",
        "actors-string",
    ],
)
def test_wrong_type_in_a_measure(
    reject: Any, measure: str, old: str, new: str, path: str, fragments: list[str]
) -> None:
    text = edit_measure(orebro_text(), measure, old, new)
    file, stderr = reject(text)
    # The line of the key that is wrong, not of the measure's header.
    problem_line(stderr, file, path, *fragments, line=changed_key_line(text, measure, new, path))


@pytest.mark.parametrize(
    ("old", "new", "path", "fragments"),
    [
        (
            'län"\nstart = 2013-01-01\n',
            'län"\nstart = "not a date"\n',
            "plan.start",
            ["expected a date like 2016-12-31, got 'not a date'"],
        ),
        (
            'perspectives = ["kön", "ålder", "etnicitet"]',
            'perspectives = "kön"',
            "plan.perspectives",
            ["expected an array of strings, got 'kön'"],
        ),
        (
            'ladder = ["Samtal", "Samsyn", "Samverkan", "Samhandling"]',
            'ladder = ["Samtal", 2, "Samverkan", "Samhandling"]',
            "plan.ladder",
            ["expected an array of strings, got an array"],
        ),
        (
            'id = "orebro-kompetens"',
            "id = 2013",
            "plan.id",
            ["expected a string, got the number 2013", 'id = "2013"'],
        ),
        (
            "kplan = 1\n\n[plan]\n",
            'kplan = 1\nplan = "orebro"\n\n[planen]\n',
            "plan",
            ["expected a table, got a string"],
        ),
    ],
    ids=[
        "plan-start",
        "plan-perspectives-string",
        "ladder-mixed",
        "plan-id-number",
        "plan-not-a-table",
    ],
)
def test_wrong_type_in_the_plan_table(
    reject: Any, old: str, new: str, path: str, fragments: list[str]
) -> None:
    file, stderr = reject(edit(orebro_text(), old, new))
    problem_line(stderr, file, path, *fragments)


# ---------------------------------------------------------------------------
# 4. Values outside their set or range
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "old", "new", "path", "fragments"),
    [
        (
            "2",
            'status = "ongoing"',
            'status = "ongoin"',
            "measures[2].status",
            [
                "'ongoin' is not valid.",
                "Did you mean 'ongoing'?",
                "Valid: not-started, ongoing, delayed, done, cancelled",
            ],
        ),
        (
            "2",
            'status = "ongoing"',
            'status = "finished"',
            "measures[2].status",
            ["'finished' is not valid.", "Valid: not-started, ongoing, delayed, done, cancelled"],
        ),
        (
            "1",
            "step = 4\n",
            "step = 5\n",
            "measures[1].collaborations[1].step",
            ["5 is out of range: must be from 1 to 4"],
        ),
        (
            "2",
            "step = 3\n",
            "step = 0\n",
            "measures[2].collaborations[1].step",
            ["0 is out of range: must be from 1 to 4"],
        ),
        (
            "1",
            "progress = 100\n",
            "progress = 101\n",
            "measures[1].progress",
            ["101 is out of range: must be from 0 to 100"],
        ),
        (
            "2",
            "progress = 70\n",
            "progress = -1\n",
            "measures[2].progress",
            ["-1 is out of range: must be from 0 to 100"],
        ),
        (
            "1",
            'policy = "done"',
            'policy = "on-going"',
            "measures[1].four_p.policy",
            [
                "'on-going' is not valid.",
                "Did you mean 'ongoing'?",
                "Valid: not-started, ongoing, done",
            ],
        ),
        (
            "1",
            '"etnicitet" = "partly"',
            '"etnicitet" = "maybe"',
            "measures[1].perspectives.etnicitet",
            ["'maybe' is not valid.", "Valid: no, partly, yes"],
        ),
        (
            "1",
            '"etnicitet" = "partly"',
            '"etnicitet" = "yess"',
            "measures[1].perspectives.etnicitet",
            ["'yess' is not valid.", "Did you mean 'yes'?"],
        ),
        (
            "1",
            '"etnicitet" = "partly"',
            '"klass" = "partly"',
            "measures[1].perspectives.klass",
            ["'klass' is not valid.", "Valid: kön, ålder, etnicitet"],
        ),
        (
            "1",
            '"kön" = "yes"',
            '"kon" = "yes"',
            "measures[1].perspectives.kon",
            ["'kon' is not valid.", "Did you mean 'kön'?"],
        ),
        (
            "12",
            'direction = "decrease"',
            'direction = "decreasing"',
            "measures[12].indicators[1].direction",
            ["'decreasing' is not valid.", "Did you mean 'decrease'?", "Valid: increase, decrease"],
        ),
        (
            "1",
            'values = { "2014" = 7, "2015" = 10 }',
            'values = { "2014" = 7, "2015-X" = 10 }',
            "measures[1].indicators[1].values.2015-X",
            [
                "'2015-X' is not a period.",
                "Use YYYY, YYYY-MM, YYYY-T1..T3, YYYY-Q1..Q4 or YYYY-H1..H2",
            ],
        ),
        (
            "1",
            'values = { "2014" = 7, "2015" = 10 }',
            'values = { "2014" = 7, "2015-13" = 10 }',
            "measures[1].indicators[1].values.2015-13",
            ["'2015-13' is not a period."],
        ),
        (
            "1",
            'values = { "2014" = 7, "2015" = 10 }',
            'values = { "2015-q1" = 7, "2015-Q1" = 10 }',
            "measures[1].indicators[1].values.2015-Q1",
            ["the period 2015-Q1 is given twice"],
        ),
        (
            "1",
            "baseline = 0\n",
            "baseline = nan\n",
            "measures[1].indicators[1].baseline",
            ["expected a number, got nan"],
        ),
        (
            "1",
            "due = 2014-12-31\n",
            "due = 2012-12-31\n",
            "measures[1].due",
            ["the due date 2012-12-31 is before the start 2013-02-01"],
        ),
        (
            "1",
            'actors = ["region", "af", "oru", "lst"]',
            "actors = []",
            "measures[1].collaborations[1].actors",
            ["a collaboration needs at least one actor"],
        ),
        (
            "1",
            'actors = ["region", "af", "oru", "lst"]',
            'actors = ["region", "af", "region"]',
            "measures[1].collaborations[1].actors",
            ["names a value more than once"],
        ),
        (
            "1",
            'id = "1"\n',
            'id = "åtgärd 1"\n',
            "measures[1].id",
            ["'åtgärd 1' is not a valid id: use 1-64 characters without spaces"],
        ),
        ("1", 'id = "1"\n', 'id = "   "\n', "measures[1].id", ["must not be empty"]),
    ],
    ids=[
        "status-suggest",
        "status-no-suggestion",
        "step-5",
        "step-0",
        "progress-101",
        "progress-minus-1",
        "four_p-state",
        "coverage-maybe",
        "coverage-suggest",
        "perspective-not-in-plan",
        "perspective-suggest",
        "direction",
        "period-2015-X",
        "period-month-13",
        "period-twice",
        "baseline-nan",
        "due-before-start",
        "no-actors",
        "repeated-actor",
        "id-with-space",
        "id-blank",
    ],
)
def test_value_outside_its_set_or_range(
    reject: Any, measure: str, old: str, new: str, path: str, fragments: list[str]
) -> None:
    text = edit_measure(orebro_text(), measure, old, new)
    file, stderr = reject(text)
    # The line of the key that is wrong, not of the measure's header.
    problem_line(stderr, file, path, *fragments, line=changed_key_line(text, measure, new, path))


def test_organisation_kind_outside_its_set(reject: Any) -> None:
    text = edit_block(
        orebro_text(), "[[organisations]]", "oru", 'kind = "education"', 'kind = "university"'
    )
    file, stderr = reject(text)
    problem_line(
        stderr,
        file,
        "organisations[4].kind",
        "'university' is not valid.",
        "Valid: public, private, education, industry, civil, other",
        line=key_line(text, "[[organisations]]", "oru", 'kind = "university"'),
    )
    text = edit_block(
        orebro_text(), "[[organisations]]", "af", 'kind = "public"', 'kind = "publik"'
    )
    file, stderr = reject(text)
    problem_line(
        stderr, file, "organisations[2].kind", "'publik' is not valid.", "Did you mean 'public'?"
    )


@pytest.mark.parametrize(
    ("old", "new", "path", "fragments"),
    [
        (
            "end = 2016-12-31\n",
            "end = 2012-12-31\n",
            "plan.end",
            ["the end 2012-12-31 is before the start 2013-01-01"],
        ),
        (
            'perspectives = ["kön", "ålder", "etnicitet"]',
            'perspectives = ["kön", "ålder", "etnicitet", "kön"]',
            "plan.perspectives",
            ["names a value more than once"],
        ),
        (
            'perspectives = ["kön", "ålder", "etnicitet"]',
            'perspectives = ["kön", "ålder", "etnicitet", " "]',
            "plan.perspectives",
            ["contains an empty name"],
        ),
        (
            'ladder = ["Samtal", "Samsyn", "Samverkan", "Samhandling"]',
            'ladder = ["Samtal"]',
            "plan.ladder",
            ["a ladder has 2 to 9 steps, this one has 1"],
        ),
        (
            '    "Hur ska det göras och av vilka?",\n',
            "",
            "plan.ladder_questions",
            ["has 3 questions for a ladder of 4 steps; give one per step"],
        ),
    ],
    ids=[
        "end-before-start",
        "repeated-perspective",
        "empty-perspective",
        "ladder-of-1",
        "too-few-questions",
    ],
)
def test_plan_settings_outside_their_range(
    reject: Any, old: str, new: str, path: str, fragments: list[str]
) -> None:
    file, stderr = reject(edit(orebro_text(), old, new))
    problem_line(stderr, file, path, *fragments)


# ---------------------------------------------------------------------------
# 5. Duplicate ids
# ---------------------------------------------------------------------------

AF_BLOCK = '[[organisations]]\nid = "af"\nname = "Arbetsförmedlingen"\nkind = "public"\n'
EHEDLUND_BLOCK = (
    '[[owners]]\nid = "ehedlund"\nname = "Elin Hedlund"\norganisation = "region"\n'
    'email = "elin.hedlund@example.org"\n'
)


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda text: edit_measure(text, "2", 'id = "2"\n', 'id = "1"\n'),
            "measures[2].id",
            "duplicate measure id '1' (first used at measures[1])",
        ),
        (
            lambda text: edit(text, AF_BLOCK, AF_BLOCK + "\n" + AF_BLOCK),
            "organisations[3].id",
            "duplicate organisation id 'af' (first used at organisations[2])",
        ),
        (
            lambda text: edit(text, EHEDLUND_BLOCK, EHEDLUND_BLOCK + "\n" + EHEDLUND_BLOCK),
            "owners[2].id",
            "duplicate owner id 'ehedlund' (first used at owners[1])",
        ),
        (
            lambda text: edit_measure(text, "4", 'id = "fastighet"\n', 'id = "analysgrupp"\n'),
            "measures[4].collaborations[1].id",
            "duplicate collaboration id 'analysgrupp'"
            " (first used at measures[1].collaborations[1])",
        ),
        (
            lambda text: edit_measure(
                text, "3", 'id = "valfard-utbildning"\n', 'id = "kommunmodell"\n'
            ),
            "measures[3].collaborations[2].id",
            "duplicate collaboration id 'kommunmodell'"
            " (first used at measures[3].collaborations[1])",
        ),
        (
            lambda text: edit_measure(
                text, "4", 'id = "fastighet-platser"\n', 'id = "kartlagda-branscher"\n'
            ),
            "measures[4].indicators[1].id",
            "duplicate indicator id 'kartlagda-branscher'"
            " (first used at measures[1].indicators[1])",
        ),
    ],
    ids=[
        "measure",
        "organisation",
        "owner",
        "collaboration-across-measures",
        "collaboration-same-measure",
        "indicator",
    ],
)
def test_duplicate_ids(reject: Any, change: Any, path: str, message: str) -> None:
    file, stderr = reject(change(orebro_text()))
    problem_line(stderr, file, path, message)
    # The only problem: the copy is otherwise valid, so no count line.
    assert "problems in" not in stderr


# ---------------------------------------------------------------------------
# 6. Unknown references
# ---------------------------------------------------------------------------


def test_unknown_measure_owner(reject: Any) -> None:
    text = edit_measure(orebro_text(), "4", 'owner = "tstrom"', 'owner = "bob"')
    file, stderr = reject(text)
    problem_line(
        stderr,
        file,
        "measures[4].owner",
        "unknown owner 'bob'",
        "Defined: ehedlund, pnyberg, akarlsson",
        "rsandberg",
        line=key_line(text, "[[measures]]", "4", 'owner = "bob"'),
    )


def test_misspelt_measure_owner_suggests_the_closest(reject: Any) -> None:
    text = edit_measure(orebro_text(), "4", 'owner = "tstrom"', 'owner = "tstrm"')
    file, stderr = reject(text)
    problem_line(
        stderr, file, "measures[4].owner", "unknown owner 'tstrm'.", "Did you mean 'tstrom'?"
    )


@pytest.mark.parametrize(
    ("change", "path", "fragments"),
    [
        (
            lambda text: edit_block(
                text, "[[owners]]", "mholm", 'organisation = "af"', 'organisation = "afx"'
            ),
            "owners[7].organisation",
            ["unknown organisation 'afx'.", "Did you mean 'af'?"],
        ),
        (
            lambda text: edit_block(
                text, "[[owners]]", "mholm", 'organisation = "af"', 'organisation = "myndighet"'
            ),
            "owners[7].organisation",
            ["unknown organisation 'myndighet'.", "Defined: region, af, lst"],
        ),
        (
            lambda text: edit(
                text,
                'coordinators = ["ehedlund", "pnyberg"]',
                'coordinators = ["ehedlund", "nobody"]',
            ),
            "plan.coordinators[2]",
            ["unknown owner 'nobody'.", "Defined: ehedlund, pnyberg"],
        ),
        (
            lambda text: edit(
                text,
                'coordinators = ["ehedlund", "pnyberg"]',
                'coordinators = ["ehedlund", "pnyber"]',
            ),
            "plan.coordinators[2]",
            ["unknown owner 'pnyber'.", "Did you mean 'pnyberg'?"],
        ),
        (
            lambda text: edit_measure(
                text,
                "1",
                'actors = ["region", "af", "oru", "lst"]',
                'actors = ["region", "af", "uni", "lst"]',
            ),
            "measures[1].collaborations[1].actors[3]",
            ["unknown organisation 'uni'."],
        ),
        (
            lambda text: edit_measure(
                text, "16", 'actors = ["komvux", "af"]', 'actors = ["komvux", "arbetsformedlingen"]'
            ),
            "measures[16].collaborations[2].actors[2]",
            ["unknown organisation 'arbetsformedlingen'."],
        ),
    ],
    ids=[
        "owner-organisation-suggest",
        "owner-organisation-list",
        "coordinator",
        "coordinator-suggest",
        "actor",
        "actor-second-collaboration",
    ],
)
def test_unknown_references(reject: Any, change: Any, path: str, fragments: list[str]) -> None:
    file, stderr = reject(change(orebro_text()))
    problem_line(stderr, file, path, *fragments)
    assert "problems in" not in stderr


def test_references_to_a_file_without_owners(reject: Any) -> None:
    text = (
        'kplan = 1\n[plan]\nid = "p"\ntitle = "P"\n\n'
        '[[measures]]\nid = "1"\ntitle = "M"\nowner = "anna"\n'
    )
    file, stderr = reject(text)
    problem_line(
        stderr, file, "measures[1].owner", "unknown owner 'anna': the file defines none", line=9
    )


# ---------------------------------------------------------------------------
# 7. Every problem of a file in one run
# ---------------------------------------------------------------------------


def test_all_problems_are_reported_together(reject: Any) -> None:
    text = orebro_text()
    text = edit(text, "kplan = 1\n", "kplan = 1\nversion = 3\n")
    text = edit(
        text, 'coordinators = ["ehedlund", "pnyberg"]', 'coordinators = ["ehedlund", "nobody"]'
    )
    text = edit_measure(text, "4", 'owner = "tstrom"', 'owner = "bob"')
    text = edit_measure(text, "5", 'status = "delayed"', 'status = "ongoin"')
    text = edit_measure(text, "6", "progress = 55\n", 'progress = "55"\n')
    text = edit_measure(text, "7", 'id = "syv-praktik"\n', 'id = "syv-foretag"\n')
    file, stderr = reject(text)
    problem_line(stderr, file, "version", "unknown key 'version'")
    problem_line(stderr, file, "plan.coordinators[2]", "unknown owner 'nobody'")
    problem_line(
        stderr,
        file,
        "measures[4].owner",
        "unknown owner 'bob'",
        line=key_line(text, "[[measures]]", "4", 'owner = "bob"'),
    )
    problem_line(
        stderr,
        file,
        "measures[5].status",
        "Did you mean 'ongoing'?",
        line=key_line(text, "[[measures]]", "5", 'status = "ongoin"'),
    )
    problem_line(
        stderr,
        file,
        "measures[6].progress",
        "got a string",
        line=key_line(text, "[[measures]]", "6", 'progress = "55"'),
    )
    problem_line(
        stderr, file, "measures[7].collaborations[2].id", "duplicate collaboration id 'syv-foretag'"
    )
    lines = stderr.strip().splitlines()
    assert lines[0].startswith(f"kplan: error: {file}")
    assert lines[-1] == f"6 problems in {file}; nothing was written."
    assert len(lines) == 7


def test_problems_are_kept_on_the_exception(tmp_path: Path) -> None:
    text = orebro_text()
    text = edit_measure(text, "4", 'owner = "tstrom"', 'owner = "bob"')
    text = edit_measure(text, "5", 'status = "delayed"', 'status = "ongoin"')
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(text, "plan.toml")
    problems = caught.value.problems
    assert [(p.path, p.line) for p in problems] == [
        ("measures[4].owner", key_line(text, "[[measures]]", "4", 'owner = "bob"')),
        ("measures[5].status", key_line(text, "[[measures]]", "5", 'status = "ongoin"')),
    ]
    assert problems[0].message.startswith("unknown owner 'bob'.")
    assert (
        problems[1]
        .render("plan.toml")
        .startswith(f"plan.toml:{problems[1].line}:10: measures[5].status: 'ongoin' is not valid.")
    )
    # The column is where the wrong value starts: status = "ongoin".
    assert problems[1].column == len('status = "') - 1 + 1


def test_a_missing_key_names_the_header_of_its_block(reject: Any) -> None:
    """With no key to point at, a problem names the line of its block's header."""
    text = edit_measure(orebro_text(), "4", 'owner = "tstrom"\n', "")
    file, stderr = reject(text)
    problem_line(
        stderr,
        file,
        "measures[4].owner",
        "missing; this key is required",
        line=block_line(text, "[[measures]]", "4"),
    )
    text = edit_block(orebro_text(), "[[owners]]", "mholm", 'name = "', 'namn = "')
    file, stderr = reject(text)
    problem_line(
        stderr, file, "owners[7].name", "missing", line=block_line(text, "[[owners]]", "mholm")
    )
    problem_line(
        stderr,
        file,
        "owners[7].namn",
        "Did you mean 'name'?",
        line=key_line(text, "[[owners]]", "mholm", "namn = "),
    )


# ---------------------------------------------------------------------------
# 8. Missing required keys and the format version
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda text: edit(text, 'id = "orebro-kompetens"\n', ""),
            "plan.id",
            "missing; this key is required",
        ),
        (
            lambda text: edit(text, 'title = "Handlingsplan för kompetensförsörjning"\n', ""),
            "plan.title",
            "missing; this key is required",
        ),
        (
            lambda text: edit_measure(
                text, "1", 'title = "Regional analys av kompetensbehov"\n', ""
            ),
            "measures[1].title",
            "missing; this key is required",
        ),
        (
            lambda text: edit_measure(text, "2", 'owner = "jlindqvist"\n', ""),
            "measures[2].owner",
            "missing; this key is required",
        ),
        (
            lambda text: edit_measure(text, "2", 'id = "2"\n', ""),
            "measures[2].id",
            "missing; this key is required",
        ),
        (
            lambda text: edit_block(
                text, "[[organisations]]", "af", 'name = "Arbetsförmedlingen"\n', ""
            ),
            "organisations[2].name",
            "missing; this key is required",
        ),
        (
            lambda text: edit_measure(text, "1", 'actors = ["region", "af", "oru", "lst"]\n', ""),
            "measures[1].collaborations[1].actors",
            "missing; this key is required",
        ),
        (
            lambda text: edit_measure(
                text, "1", 'name = "Branscher med kartlagt kompetensbehov"\n', ""
            ),
            "measures[1].indicators[1].name",
            "missing; this key is required",
        ),
        (
            lambda text: edit(text, "kplan = 1\n", ""),
            "kplan",
            "missing; the first line of a plan file is kplan = 1",
        ),
        (
            lambda text: edit(text, "kplan = 1\n", "kplan = 2\n"),
            "kplan",
            "unsupported format version 2; this kplan reads version 1",
        ),
        (
            lambda text: edit(text, "kplan = 1\n", "kplan = 0\n"),
            "kplan",
            "unsupported format version 0; this kplan reads version 1",
        ),
    ],
    ids=[
        "plan-id",
        "plan-title",
        "measure-title",
        "measure-owner",
        "measure-id",
        "organisation-name",
        "collaboration-actors",
        "indicator-name",
        "version-line",
        "version-2",
        "version-0",
    ],
)
def test_missing_required_keys_and_version(
    reject: Any, change: Any, path: str, message: str
) -> None:
    file, stderr = reject(change(orebro_text()))
    problem_line(stderr, file, path, message)
    assert "problems in" not in stderr


def test_a_file_without_a_plan_table(reject: Any) -> None:
    file, stderr = reject("kplan = 1\n")
    problem_line(stderr, file, "plan", "missing; a plan file needs a [plan] table")
    problem_line(stderr, file, "plan.id", "missing; this key is required")
    problem_line(stderr, file, "plan.title", "missing; this key is required")
    assert stderr.strip().splitlines()[-1] == f"3 problems in {file}; nothing was written."


def test_a_quoted_version_says_it_is_a_string(reject: Any) -> None:
    """``kplan = "1"`` is a string, not "unsupported version 1; this kplan reads version 1"."""
    file, stderr = reject(edit(orebro_text(), "kplan = 1\n", 'kplan = "1"\n'))
    entry = problem_line(stderr, file, "kplan")
    assert "a string" in entry, (
        f"the message contradicts itself instead of naming the type: {entry}"
    )


# ---------------------------------------------------------------------------
# 9. Files that can't be read
# ---------------------------------------------------------------------------


def test_a_file_that_does_not_exist(orebro: Any, db: Path, tmp_path: Path, store_dump: Any) -> None:
    missing = tmp_path / "no_such_plan.toml"
    before = store_dump(db)
    result = orebro("import", str(missing), expect=1)
    assert result.stderr.strip() == f"kplan: error: {missing}: no such file"
    assert store_dump(db) == before


def test_a_folder_instead_of_a_file(orebro: Any, db: Path, tmp_path: Path, store_dump: Any) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    before = store_dump(db)
    result = orebro("import", str(folder), expect=1)
    assert f"{folder}: is a folder, not a plan file" in result.stderr
    assert store_dump(db) == before


def test_a_file_that_is_not_utf8(reject: Any) -> None:
    raw = orebro_text().encode("utf-8")
    latin = orebro_text().replace("–", "-").encode("latin-1")
    assert raw != latin
    first_bad = next(i for i, (a, b) in enumerate(zip(raw, latin, strict=False)) if a != b)
    file, stderr = reject(latin, name="latin1_plan.toml")
    assert (
        f"{file}: not UTF-8 text (bad byte at position {first_bad}); save the file as UTF-8"
        in stderr
    )


# ---------------------------------------------------------------------------
# 10. A rejected import into an empty store
# ---------------------------------------------------------------------------


def test_rejected_import_into_an_empty_store_leaves_no_plan(
    kplan: Any, db: Path, tmp_path: Path, store_dump: Any
) -> None:
    kplan("init")
    before = store_dump(db)
    file = tmp_path / "bad_plan.toml"
    file.write_text(
        edit_measure(orebro_text(), "4", 'owner = "tstrom"', 'owner = "bob"'), encoding="utf-8"
    )
    result = kplan("import", str(file), expect=1)
    assert "measures[4].owner: unknown owner 'bob'" in result.stderr
    assert store_dump(db) == before
    assert kplan.json("plans") == []
    result = kplan("list", expect=1)
    assert "the store holds no plan yet" in result.stderr


# ---------------------------------------------------------------------------
# 11. --dry-run
# ---------------------------------------------------------------------------


def test_dry_run_of_a_changed_file_writes_nothing(
    orebro: Any, db: Path, tmp_path: Path, store_dump: Any
) -> None:
    text = orebro_text()
    text = edit_measure(text, "5", 'status = "delayed"', 'status = "done"')
    text = edit_measure(text, "7", "step = 1\n", "step = 2\n")
    text = edit_measure(
        text, "21", 'values = { "2014" = 15 }', 'values = { "2014" = 15, "2015" = 17 }'
    )
    file = tmp_path / "changed.toml"
    file.write_text(text, encoding="utf-8")
    before = store_dump(db)
    result = orebro("import", "--dry-run", str(file))
    assert store_dump(db) == before
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "Would update plan orebro-kompetens with 3 changes. Nothing written (dry run):"
    )
    assert "  measure 5, status: delayed → done" in lines
    assert any(
        line.startswith("  measure ") and line.endswith("step 1 Samtal → step 2 Samsyn")
        for line in lines
    )
    assert (
        "  measure 21, Orter med högst en timmes restid till Örebro med kollektivtrafik"
        " 2015: – → 17 st"
    ) in lines
    assert len(lines) == 4
    # The same file without --dry-run does write, and the next dry run has nothing to do.
    orebro("import", str(file))
    assert store_dump(db) != before
    assert orebro("import", "--dry-run", str(file)).stdout.strip() == (
        "Plan orebro-kompetens is already up to date; nothing changed."
    )


def test_dry_run_of_a_new_plan_creates_no_plan(kplan: Any, db: Path, store_dump: Any) -> None:
    kplan("init")
    before = store_dump(db)
    result = kplan("import", "--dry-run", str(OREBRO))
    assert store_dump(db) == before
    assert result.stdout.strip() == (
        "Would import new plan orebro-kompetens: 22 measures, 11 owners. Nothing written (dry run)."
    )
    assert kplan.json("plans") == []


# ---------------------------------------------------------------------------
# The reader, directly
# ---------------------------------------------------------------------------

SMALL_PLAN = """\
kplan = 1

[plan]
id = "liten"
title = "En liten plan"
{plan_extra}

[[organisations]]
id = "org"
name = "Organisationen"

[[owners]]
id = "anna"
name = "Anna"
organisation = "org"

[[measures]]
id = "1"
title = "Första åtgärden"
owner = "anna"
{measure_extra}
"""


def small_plan(plan_extra: str = "", measure_extra: str = "") -> str:
    return SMALL_PLAN.format(plan_extra=plan_extra, measure_extra=measure_extra)


def problems_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(text, "small.toml")
    return [(p.path, p.message) for p in caught.value.problems]


def test_defaults_are_filled() -> None:
    plan = parse_plan_text(
        small_plan(
            measure_extra=(
                '\n[measures.four_p]\npolicy = "done"\n\n[measures.perspectives]\n"ålder" = "yes"\n'
            )
        )
    )
    assert plan.perspectives == list(DEFAULT_PERSPECTIVES) == ["kön", "ålder", "etnicitet"]
    assert plan.ladder == list(DEFAULT_LADDER)
    assert plan.ladder_questions == list(DEFAULT_LADDER_QUESTIONS)
    assert plan.coordinators == []
    assert plan.organisations[0].kind == "other"
    assert plan.owners[0].email is None
    measure = plan.measures[0]
    assert measure.four_p == {
        "perspektiv": "not-started",
        "policy": "done",
        "plattform": "not-started",
        "process": "not-started",
    }
    assert measure.perspectives == {"kön": "no", "ålder": "yes", "etnicitet": "no"}
    assert (measure.status, measure.progress, measure.goal) == ("not-started", 0, "")
    assert (measure.area, measure.start, measure.due, measure.description) == (
        None,
        None,
        None,
        None,
    )
    assert measure.collaborations == [] and measure.indicators == []


def test_measure_without_four_p_or_perspectives_gets_every_key() -> None:
    plan = parse_plan_text(small_plan(plan_extra='perspectives = ["klass", "kön"]'))
    measure = plan.measures[0]
    assert measure.four_p == dict.fromkeys(
        ("perspektiv", "policy", "plattform", "process"), "not-started"
    )
    assert measure.perspectives == {"klass": "no", "kön": "no"}


def test_custom_ladder_without_questions_gets_empty_questions() -> None:
    plan = parse_plan_text(small_plan(plan_extra='ladder = ["Prata", "Göra", "Fortsätta"]'))
    assert plan.ladder == ["Prata", "Göra", "Fortsätta"]
    assert plan.ladder_questions == ["", "", ""]


def test_iso_date_strings_are_accepted() -> None:
    plan = parse_plan_text(
        small_plan(
            plan_extra='start = "2013-01-01"\nend = 2016-12-31',
            measure_extra='start = "2014-02-01"\ndue = "2014-12-31"',
        )
    )
    assert (plan.start, plan.end) == (dt.date(2013, 1, 1), dt.date(2016, 12, 31))
    assert (plan.measures[0].start, plan.measures[0].due) == (
        dt.date(2014, 2, 1),
        dt.date(2014, 12, 31),
    )
    assert type(plan.start) is dt.date


def test_a_date_string_that_is_not_a_date_is_rejected() -> None:
    assert problems_of(small_plan(measure_extra='due = "2014-02-30"')) == [
        ("measures[1].due", "expected a date like 2016-12-31, got '2014-02-30'")
    ]


@pytest.mark.parametrize("steps", range(2, 10))
def test_ladders_of_two_to_nine_steps_are_accepted(steps: int) -> None:
    labels = [f"Steg {n}" for n in range(1, steps + 1)]
    ladder = "ladder = [" + ", ".join(f'"{label}"' for label in labels) + "]"
    collaboration = (
        f'\n[[measures.collaborations]]\nid = "c"\nname = "C"\nactors = ["org"]\nstep = {steps}\n'
    )
    plan = parse_plan_text(small_plan(plan_extra=ladder, measure_extra=collaboration))
    assert plan.ladder == labels
    assert plan.measures[0].collaborations[0].step == steps


@pytest.mark.parametrize(("steps", "count"), [(1, "1"), (10, "10"), (0, "0")])
def test_ladders_outside_two_to_nine_steps_are_rejected(steps: int, count: str) -> None:
    ladder = "ladder = [" + ", ".join(f'"Steg {n}"' for n in range(1, steps + 1)) + "]"
    assert problems_of(small_plan(plan_extra=ladder)) == [
        ("plan.ladder", f"a ladder has 2 to 9 steps, this one has {count}")
    ]


def test_a_step_above_a_custom_ladder_is_rejected() -> None:
    ladder = 'ladder = ["Prata", "Göra", "Fortsätta"]'
    collaboration = (
        '\n[[measures.collaborations]]\nid = "c"\nname = "C"\nactors = ["org"]\nstep = {step}\n'
    )
    plan = parse_plan_text(
        small_plan(plan_extra=ladder, measure_extra=collaboration.format(step=3))
    )
    assert plan.measures[0].collaborations[0].step == 3
    assert problems_of(
        small_plan(plan_extra=ladder, measure_extra=collaboration.format(step=4))
    ) == [("measures[1].collaborations[1].step", "4 is out of range: must be from 1 to 3")]


def test_periods_are_stored_in_canonical_form_and_numbers_as_floats() -> None:
    indicator = (
        '\n[[measures.indicators]]\nid = "i"\nname = "I"\nbaseline = 3\ntarget = 4.5\n'
        'values = { "2015-q1" = 1, " 2015-h2 " = 2.5, 2016 = 3 }\n'
    )
    found = parse_plan_text(small_plan(measure_extra=indicator)).measures[0].indicators[0]
    assert found.values == {"2015-Q1": 1.0, "2015-H2": 2.5, "2016": 3.0}
    assert all(type(v) is float for v in found.values.values())
    assert (type(found.baseline), type(found.target)) == (float, float)


@pytest.mark.parametrize(
    ("where", "extra", "path"),
    [
        ("measure", 'id = "A1\\n"', "measures[1].id"),
        ("measure", 'id = "A1\\u2028"', "measures[1].id"),
        ("plan", 'id = "liten\\n"', "plan.id"),
    ],
    ids=["measure-id-trailing-newline", "measure-id-line-separator", "plan-id-trailing-newline"],
)
def test_ids_ending_in_a_line_break_are_rejected(where: str, extra: str, path: str) -> None:
    """Ids are 1-64 characters without whitespace; a trailing line break is whitespace."""
    if where == "measure":
        text = small_plan().replace('[[measures]]\nid = "1"\n', f"[[measures]]\n{extra}\n")
    else:
        text = small_plan().replace('id = "liten"\n', f"{extra}\n")
    assert text != small_plan()
    found = problems_of(text)
    assert [p for p, _ in found] == [path]
    assert "is not a valid id: use 1-64 characters without spaces" in found[0][1]


def test_a_big_plan_file_reads_the_same_through_the_fast_parser(tmp_path: Path) -> None:
    import copy
    import tomllib

    from kplan.core import planfile

    plan = planfile.read_plan_file(OREBRO)
    template = plan.measures[0]
    while len(planfile.plan_to_toml(plan)) < planfile.FAST_PARSE_FROM:
        extra = copy.deepcopy(template)
        extra.id = f"x{len(plan.measures)}"
        extra.collaborations = []
        extra.indicators = []
        plan.measures.append(extra)
    text = planfile.plan_to_toml(plan)
    assert planfile._parse_toml(text) == tomllib.loads(text)
    assert planfile.parse_plan_text(text) == plan.complete()

    broken = text.replace('status = "done"', 'status = "done', 1)
    path = tmp_path / "big.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(PlanFileError) as refused:
        planfile.read_plan_file(path)
    with pytest.raises(tomllib.TOMLDecodeError) as stdlib:
        tomllib.loads(broken)
    assert str(stdlib.value) in str(refused.value)
