"""Ids and names: one rule wherever they come in, and duplicates blind to case and form.

Ids (plans, organisations, owners, measures, collaborations, indicators, the
acting person) and names (perspectives, ladder labels, rounds, snapshots) are
normalised to Unicode NFC and must be printable: no control characters, no
text-direction controls, no zero-width or other invisible characters. A plan
file that breaks the rule is refused with the key path of each bad value; a
command argument that breaks it is refused with one line (exit 1). Two ids of
one kind, or two names of one list, that differ only in case or Unicode form
are refused as duplicates, and an id typed in another Unicode spelling finds
the stored one.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from kplan.core.planfile import parse_plan_text
from kplan.errors import PlanFileError
from kplan.names import fold, id_problem, name_problem, nfc, visible
from tests.conftest import Kplan, query

# Characters no id or name may hold, by what they are.
HOSTILE = {
    "nul": "\x00",
    "esc": "\x1b",
    "bel": "\x07",
    "del": "\x7f",
    "c1-csi": "\x9b",
    "arabic-letter-mark": "\u061c",
    "lrm": "\u200e",
    "rlm": "\u200f",
    "lre": "\u202a",
    "rlo": "\u202e",
    "pdf": "\u202c",
    "lri": "\u2066",
    "pdi": "\u2069",
    "zero-width-space": "\u200b",
    "zero-width-joiner": "\u200d",
    "word-joiner": "\u2060",
    "bom": "\ufeff",
    "soft-hyphen": "\u00ad",
    "private-use": "\ue000",
    "unassigned": "\u0378",
}
# Characters that are whitespace: an id may not hold them, and says so in those words.
SPACES = {
    "space": " ",
    "tab": "\t",
    "newline": "\n",
    "next-line": "\x85",
    "no-break-space": "\u00a0",
    "ideographic-space": "\u3000",
    "line-separator": "\u2028",
}
A_RING_NFC = "\u00e5"  # å as one code point
A_RING_NFD = "a\u030a"  # å as a and a combining ring


def toml(value: Any) -> str:
    """A value as TOML source, escaped as tomli-w writes it."""
    return tomli_w.dumps({"v": value}).strip().removeprefix("v = ")


def plan_text(
    *,
    plan_id: str = "liten",
    organisation: str = "region",
    owner: str = "anna",
    measure: str = "1",
    collaboration: str = "samverkan",
    indicator: str = "andel",
    perspectives: list[str] | None = None,
    ladder: list[str] | None = None,
    measures: list[str] | None = None,
    owner_ref: str | None = None,
    actor_ref: str | None = None,
    coverage: dict[str, str] | None = None,
    title: str = "Första åtgärden",
    extra: str = "",
) -> str:
    """A small valid plan file with the given ids and names put in."""
    lines = [
        "kplan = 1",
        "",
        "[plan]",
        f"id = {toml(plan_id)}",
        'title = "En liten plan"',
        f"perspectives = {toml(perspectives or ['kön', 'ålder'])}",
    ]
    if ladder is not None:
        lines.append(f"ladder = {toml(ladder)}")
        lines.append(f"ladder_questions = {toml([''] * len(ladder))}")
    lines += [
        "",
        "[[organisations]]",
        f"id = {toml(organisation)}",
        'name = "Regionen"',
        "",
        "[[owners]]",
        f"id = {toml(owner)}",
        'name = "Anna"',
        f"organisation = {toml(organisation)}",
    ]
    for number, key in enumerate(measures or [measure]):
        lines += [
            "",
            "[[measures]]",
            f"id = {toml(key)}",
            f"title = {toml(title)}",
            f"owner = {toml(owner_ref or owner)}",
            extra,
        ]
        if coverage is not None:
            lines += ["[measures.perspectives]"]
            lines += [f"{toml(name)} = {toml(level)}" for name, level in coverage.items()]
        lines += [
            "",
            "[[measures.collaborations]]",
            f"id = {toml(collaboration + ('' if number == 0 else str(number)))}",
            'name = "Samverkan"',
            f"actors = [{toml(actor_ref or organisation)}]",
            "",
            "[[measures.indicators]]",
            f"id = {toml(indicator + ('' if number == 0 else str(number)))}",
            'name = "Andel"',
            'values = { "2015" = 1 }',
        ]
    return "\n".join(lines) + "\n"


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(text, "plan.toml")
    return [(problem.path, problem.message) for problem in caught.value.problems]


def problem_at(text: str, path: str) -> str:
    found = problems(text)
    messages = [message for where, message in found if where == path]
    assert messages, f"no problem at {path!r}: {found}"
    return messages[0]


# ---------------------------------------------------------------------------
# 1. The rule itself
# ---------------------------------------------------------------------------


def test_the_example_ids_and_names_pass_the_rule() -> None:
    for value in ["1", "A3", "ö-1", "orebro-kompetens", "🎯", "a.b", "x" * 64, "åtgärd"]:
        assert id_problem(value) is None, value
    for value in ["kön", "Samverkan", "Q1 2016", "etnicitet", "x" * 2000]:
        assert name_problem(value) is None, value


@pytest.mark.parametrize("character", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_characters_are_refused_in_ids_and_names_by_what_they_are(
    character: str,
) -> None:
    code = f"U+{ord(character):04X}"
    message = id_problem(f"a{character}b")
    assert message is not None
    assert "is not a valid id" in message
    assert f"({code}) at position 2" in message
    assert "printable characters without spaces" in message
    assert character not in message, "the message must not carry the character itself"
    named = name_problem(f"kö{character}n")
    assert named is not None
    assert f"({code}) at position 3" in named
    assert character not in named


@pytest.mark.parametrize("character", list(SPACES.values()), ids=list(SPACES))
def test_ids_hold_no_whitespace_anywhere(character: str) -> None:
    for value in (f"a{character}b", f"{character}ab", f"ab{character}"):
        message = id_problem(value)
        assert message is not None
        assert "use 1-64 characters without spaces" in message
        assert character not in message or character == " "


@pytest.mark.parametrize(
    ("kind", "character"),
    [
        ("control", "\x1b"),
        ("text direction", "\u202e"),
        ("invisible", "\u200b"),
        ("line break or an unusual space", "\u2028"),
        ("private-use or unassigned", "\ue000"),
    ],
)
def test_the_message_says_what_sort_of_character_it_is(kind: str, character: str) -> None:
    message = name_problem(f"kön{character}")
    assert message is not None and kind in message, message


def test_names_may_hold_inner_spaces_but_not_at_the_ends() -> None:
    assert name_problem("Q1 2016") is None
    for value in (" kön", "kön ", "kön\u00a0"):
        message = name_problem(value)
        assert message is not None
    assert "starts or ends with a space" in (name_problem(" kön") or "")


def test_one_spelling_and_one_fold() -> None:
    assert A_RING_NFC != A_RING_NFD
    assert nfc(A_RING_NFD) == A_RING_NFC
    assert fold("A1") == fold("a1")
    assert fold("Kön") == fold("kön") == fold("KÖN")
    assert fold(A_RING_NFD) == fold(A_RING_NFC.upper())
    assert fold("ｋön") == fold("kön")  # fullwidth k: a compatibility form
    assert fold("kön") != fold("kon")


def test_visible_escapes_and_shortens() -> None:
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("a\u202eb") == "a\\u202eb"
    assert visible("a\U000e0001b") == "a\\U000e0001b"
    long = visible("x" * 10_000)
    assert len(long) == 60 and long.endswith("…")


# ---------------------------------------------------------------------------
# 2. Plan files
# ---------------------------------------------------------------------------

ID_PATHS = {
    "plan_id": "plan.id",
    "organisation": "organisations[1].id",
    "owner": "owners[1].id",
    "measure": "measures[1].id",
    "collaboration": "measures[1].collaborations[1].id",
    "indicator": "measures[1].indicators[1].id",
}


@pytest.mark.parametrize("where", list(ID_PATHS))
@pytest.mark.parametrize("character", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_plan_file_id_with_a_hostile_character_is_refused_at_its_key(
    where: str, character: str
) -> None:
    message = problem_at(plan_text(**{where: f"x{character}y"}), ID_PATHS[where])
    assert f"'x{visible(character)}y' is not a valid id" in message
    assert f"U+{ord(character):04X}" in message


def test_the_problem_carries_the_line_of_its_key(tmp_path: Path, kplan: Kplan) -> None:
    text = plan_text(measure="7\x1b[2J")
    file = tmp_path / "plan.toml"
    file.write_text(text, encoding="utf-8")
    result = kplan("import", str(file), expect=1)
    lines = text.splitlines()
    header = lines.index("[[measures]]")
    line = next(n for n in range(header, len(lines)) if lines[n].startswith("id = ")) + 1
    # The id's value starts at column 6: id = "...
    assert result.stderr.startswith(f"kplan: error: {file}:{line}:6: measures[1].id: '7\\x1b[2J'")
    assert "\x1b" not in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("key", ["perspectives", "ladder"])
@pytest.mark.parametrize("character", ["\x1b", "\u202e", "\u200b", "\x00"])
def test_perspective_and_ladder_names_with_hostile_characters_are_refused(
    key: str, character: str
) -> None:
    values = ["Samtal", f"Sam{character}syn", "Samverkan"]
    text = plan_text(**{key: values})  # type: ignore[arg-type]
    message = problem_at(text, f"plan.{key}[2]")
    assert f"U+{ord(character):04X}" in message and "at position 4" in message


@pytest.mark.parametrize("key", ["perspectives", "ladder"])
def test_names_that_differ_only_in_case_or_form_are_duplicates(key: str) -> None:
    for first, second in [
        ("Kön", "kön"),
        ("kön", "KÖN"),
        (f"{A_RING_NFC}lder", f"{A_RING_NFD}lder"),
        ("ålder", f"{A_RING_NFD.upper()}LDER"),
    ]:
        text = plan_text(**{key: [first, "etnicitet", second]})  # type: ignore[arg-type]
        message = problem_at(text, f"plan.{key}[3]")
        assert f"is the same name as '{first}' at plan.{key}[1]" in message
        assert "differ only in upper and lower case or in Unicode form" in message


def test_the_same_ladder_label_twice_is_refused() -> None:
    text = plan_text(ladder=["Samtal", "Samsyn", "Samtal"])
    assert ("plan.ladder", "names a value more than once") in problems(text)


@pytest.mark.parametrize("key", ["perspectives", "ladder"])
def test_names_with_spaces_at_the_ends_are_refused(key: str) -> None:
    text = plan_text(**{key: ["Samtal", "Samsyn ", "Samverkan"]})  # type: ignore[arg-type]
    assert "starts or ends with a space" in problem_at(text, f"plan.{key}[2]")


def test_an_empty_ladder_label_is_refused() -> None:
    assert ("plan.ladder", "contains an empty name") in problems(
        plan_text(ladder=["Samtal", "", "Samverkan"])
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [("A1", "a1"), (A_RING_NFC, A_RING_NFD), ("x" + A_RING_NFD.upper(), "X" + A_RING_NFC)],
    ids=["case", "nfc-nfd", "case-and-form"],
)
def test_measure_ids_that_differ_only_in_case_or_form_are_duplicates(
    first: str, second: str
) -> None:
    message = problem_at(plan_text(measures=[first, second]), "measures[2].id")
    if nfc(first) == nfc(second):
        assert message == f"duplicate measure id '{nfc(first)}' (first used at measures[1])"
    else:
        assert (
            f"measure id '{nfc(second)}' is the same as '{nfc(first)}' (at measures[1])" in message
        )


@pytest.mark.parametrize("kind", ["organisations", "owners"])
def test_other_ids_that_differ_only_in_case_are_duplicates(kind: str) -> None:
    block = (
        '\n[[organisations]]\nid = "REGION"\nname = "Igen"\n'
        if kind == "organisations"
        else '\n[[owners]]\nid = "Anna"\nname = "Igen"\n'
    )
    text = plan_text()
    marker = "[[measures]]"
    text = text.replace(marker, block + "\n" + marker, 1)
    assert "differ only in upper and lower case" in problem_at(text, f"{kind}[2].id")


def test_a_plan_file_in_nfd_is_read_in_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "åsa-öl")
    plan = parse_plan_text(
        plan_text(
            plan_id=nfd + "-plan",
            organisation=nfd,
            owner=nfd,
            measure=nfd,
            collaboration=nfd + "-c",
            indicator=nfd + "-i",
            perspectives=[unicodedata.normalize("NFD", "kön"), "ålder"],
            coverage={"kön": "yes"},
        )
    )
    nfc_id = "åsa-öl"
    assert plan.id == nfc_id + "-plan"
    assert [o.id for o in plan.organisations] == [nfc_id]
    assert [o.id for o in plan.owners] == [nfc_id]
    assert plan.owners[0].organisation == nfc_id
    measure = plan.measures[0]
    assert (measure.id, measure.owner) == (nfc_id, nfc_id)
    assert measure.collaborations[0].id == nfc_id + "-c"
    assert measure.collaborations[0].actors == [nfc_id]
    assert measure.indicators[0].id == nfc_id + "-i"
    assert plan.perspectives == ["kön", "ålder"]
    assert measure.perspectives["kön"] == "yes"


def test_references_in_another_spelling_find_their_ids() -> None:
    plan = parse_plan_text(
        plan_text(
            owner=A_RING_NFC + "sa",
            owner_ref=A_RING_NFD + "sa",
            organisation=A_RING_NFC,
            actor_ref=A_RING_NFD,
        )
    )
    assert plan.measures[0].owner == A_RING_NFC + "sa"
    assert plan.measures[0].collaborations[0].actors == [A_RING_NFC]


def test_a_perspective_key_given_twice_in_two_spellings_is_refused() -> None:
    text = plan_text(coverage={"kön": "yes", unicodedata.normalize("NFD", "kön"): "no"})
    found = problems(text)
    assert any(
        path.startswith("measures[1].perspectives.") and "is given twice" in message
        for path, message in found
    ), found


# ---------------------------------------------------------------------------
# 3. Length limits
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "path", "limit"),
    [
        ('goal = "{x}"', "measures[1].goal", 20_000),
        ('description = "{x}"', "measures[1].description", 20_000),
        ('area = "{x}"', "measures[1].area", 2_000),
    ],
)
def test_text_longer_than_its_limit_is_refused(extra: str, path: str, limit: int) -> None:
    assert parse_plan_text(plan_text(extra=extra.format(x="x" * limit)))
    message = problem_at(plan_text(extra=extra.format(x="x" * (limit + 1))), path)
    assert message == f"too long: {limit + 1} characters, at most {limit} are allowed"


def test_a_five_megabyte_title_is_refused(tmp_path: Path, kplan: Kplan) -> None:
    file = tmp_path / "plan.toml"
    file.write_text(plan_text(title="x" * 5_000_000), encoding="utf-8")
    result = kplan("import", str(file), expect=1)
    assert "measures[1].title: too long: 5000000 characters, at most 2000 are allowed" in (
        result.stderr
    )
    assert len(result.stderr) < 500


def test_a_long_name_in_a_list_is_refused() -> None:
    text = plan_text(perspectives=["kön", "x" * 2001])
    assert "too long: 2001 characters" in problem_at(text, "plan.perspectives[2]")


def test_a_long_key_is_shown_short() -> None:
    text = plan_text(extra=f'"{"k" * 100_000}" = 1')
    found = problems(text)
    assert len(found) == 1
    path, message = found[0]
    assert len(path) < 100 and len(message) < 300 and "unknown key" in message


# ---------------------------------------------------------------------------
# 4. The command line: ids, names and lookups
# ---------------------------------------------------------------------------


@pytest.fixture
def nordic(kplan: Kplan, tmp_path: Path) -> Kplan:
    """A store holding a plan whose ids are not ASCII (written in NFC)."""
    file = tmp_path / "nordic.toml"
    file.write_text(
        plan_text(
            plan_id="plån",
            owner="åsa",
            measure="å1",
            collaboration="sämverkan",
            indicator="ändel",
            perspectives=["Kön", "ålder"],
        ),
        encoding="utf-8",
    )
    kplan("import", str(file))
    return kplan


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_ids_typed_in_nfd_find_the_stored_ids(nordic: Kplan) -> None:
    assert nfd("å1") != "å1"
    shown = nordic.json("show", nfd("å1"), "--plan", nfd("plån"))
    assert shown["id"] == "å1"
    nordic("status", nfd("å1"), "ongoing", "--as", nfd("åsa"))
    nordic("step", nfd("sämverkan"), "2")
    nordic("record", nfd("ändel"), "2016", "3")
    nordic("round", "open", "Q1")
    nordic("round", "report", nfd("å1"))
    listed = nordic.json("list", "--owner", nfd("åsa"))
    assert [row["id"] for row in listed] == ["å1"]
    assert listed[0]["status"] == "ongoing"
    events = nordic.json("log", nfd("å1"))
    assert {event["actor"] for event in events if event["field"] == "status"} == {"åsa"}
    assert all(event["actor"] == unicodedata.normalize("NFC", event["actor"]) for event in events)


def test_an_nfd_kplan_plan_and_kplan_user_are_normalised(
    nordic: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_PLAN", nfd("plån"))
    monkeypatch.setenv("KPLAN_USER", nfd("åsa"))
    nordic("status", "å1", "done")
    assert nordic.json("log", "--limit", "1")[0]["actor"] == "åsa"


CLI_ID_ARGUMENTS = {
    "show": ["show", "{v}"],
    "status": ["status", "{v}", "done"],
    "step": ["step", "{v}", "2"],
    "record": ["record", "{v}", "2016", "1"],
    "fourp": ["fourp", "{v}", "policy", "done"],
    "perspective": ["perspective", "{v}", "kön", "yes"],
    "log": ["log", "{v}"],
    "round-report": ["round", "report", "{v}"],
    "list-owner": ["list", "--owner", "{v}"],
    "plan": ["list", "--plan", "{v}"],
    "as": ["status", "1", "done", "--as", "{v}"],
    "mine": ["list", "--mine", "--as", "{v}"],
}


# The rule is applied before any SQL; one backend shows it.
@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", list(CLI_ID_ARGUMENTS))
@pytest.mark.parametrize("character", ["\x1b", "\u202e", "\u200b", "\x00", "\ufeff"])
def test_an_id_argument_with_a_hostile_character_is_refused(
    orebro: Kplan, store_dump: Any, command: str, character: str
) -> None:
    if command == "round-report":
        orebro("round", "open", "Q1")
    before = store_dump(orebro.db)
    args = [arg.format(v=f"1{character}") for arg in CLI_ID_ARGUMENTS[command]]
    result = orebro(*args, expect=1)
    assert character not in result.stderr
    assert store_dump(orebro.db) == before
    if command in ("as", "mine"):
        # Who acts has a message of its own (tests/test_fuzz_cli.py has the rest).
        assert result.stderr.startswith(
            f"kplan: error: '1{visible(character)}' cannot name who is acting: "
        )
        return
    assert result.stderr == (
        f"kplan: error: '1{visible(character)}' is not a valid id: it holds "
        + result.stderr.split("it holds ", 1)[1]
    )
    assert f"(U+{ord(character):04X}) at position 2" in result.stderr
    assert character not in result.stderr
    assert result.stderr.count("\n") == 1
    assert store_dump(orebro.db) == before


def test_kplan_user_with_a_hostile_character_is_refused(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_USER", "anna\u202e")
    result = orebro("status", "1", "done", expect=1)
    assert "'anna\\u202e' cannot name who is acting" in result.stderr


def test_a_long_id_argument_is_refused_shortly(orebro: Kplan) -> None:
    result = orebro("show", "x" * 100_000, expect=1)
    assert "is not a valid id: use 1-64 characters without spaces" in result.stderr
    assert len(result.stderr) < 300


@pytest.mark.parametrize("spelling", ["KÖN", "kön", nfd("KÖN"), "Kön"])
def test_a_perspective_argument_matches_whatever_its_case_and_form(
    nordic: Kplan, spelling: str
) -> None:
    nordic("perspective", "å1", spelling, "yes")
    assert nordic.json("show", "å1")["perspectives"]["Kön"] == "yes"
    assert [row["id"] for row in nordic.json("list", "--perspective", f"{spelling}=yes")] == ["å1"]


def test_a_perspective_that_matches_two_stored_ones_is_ambiguous(orebro: Kplan) -> None:
    """A store filled before the rule may hold "Kön" and "kön"; then only exact names work."""
    import json

    from kplan.store.engine import open_store

    store = open_store(str(orebro.db), create=False)
    try:
        with store.writing() as rows:
            rows(
                "UPDATE plan SET perspectives = :p",
                {"p": json.dumps(["kön", "Kön", "ålder"], ensure_ascii=False)},
            )
    finally:
        store.close()
    result = orebro("perspective", "1", "KÖN", "yes", expect=1)
    assert "'KÖN' matches more than one perspective: kön, Kön" in result.stderr
    result = orebro("list", "--perspective", "KÖN", expect=1)
    assert "matches more than one perspective" in result.stderr
    orebro("perspective", "1", "Kön", "yes")
    assert orebro.json("show", "1")["perspectives"]["Kön"] == "yes"


def test_a_plan_id_that_differs_only_in_case_from_a_stored_plan_is_refused(
    nordic: Kplan, tmp_path: Path, store_dump: Any
) -> None:
    before = store_dump(nordic.db)
    file = tmp_path / "other.toml"
    file.write_text(plan_text(plan_id="PLÅN"), encoding="utf-8")
    result = nordic("import", str(file), expect=1)
    assert "the store has plan 'plån', and 'PLÅN' differs from it only" in result.stderr
    nordic("import", str(file), "--dry-run", expect=1)
    assert store_dump(nordic.db) == before


@pytest.mark.sqlite_only
@pytest.mark.parametrize("character", ["\x1b", "\u202e", "\u200b", "\x07"])
@pytest.mark.parametrize("command", [["round", "open"], ["snapshot", "take"]])
def test_round_and_snapshot_names_with_hostile_characters_are_refused(
    orebro: Kplan, store_dump: Any, command: list[str], character: str
) -> None:
    before = store_dump(orebro.db)
    result = orebro(*command, f"Q1{character}2016", expect=1)
    assert f"'Q1{visible(character)}2016' holds" in result.stderr
    assert f"(U+{ord(character):04X}) at position 3" in result.stderr
    assert character not in result.stderr
    assert store_dump(orebro.db) == before


def test_round_names_are_kept_in_nfc(orebro: Kplan) -> None:
    orebro("round", "open", nfd("Vår 2016"))
    assert query(orebro.db, "SELECT name FROM round") == [{"name": "Vår 2016"}]


def test_a_round_may_not_take_a_snapshots_name_in_any_spelling(orebro: Kplan) -> None:
    orebro("snapshot", "take", "Vår")
    result = orebro("round", "open", nfd("Vår"), expect=1)
    assert "the plan has a snapshot named 'Vår', and closing the round" in result.stderr
    for name in ("vår", nfd("VÅR")):
        result = orebro("round", "open", name, expect=1)
        assert "is taken: the snapshot 'Vår' has that name" in result.stderr
    orebro("round", "open", "Höst")
    orebro("round", "close", "--force")


def test_a_round_name_that_differs_only_in_case_from_an_earlier_round_is_refused(
    orebro: Kplan,
) -> None:
    orebro("round", "open", "Q1")
    orebro("round", "close", "--force")
    assert "a round named 'Q1' existed already" in orebro("round", "open", "Q1", expect=1).stderr
    assert "the round 'Q1' has that name" in orebro("round", "open", "q1", expect=1).stderr


def test_a_snapshot_may_not_take_the_open_rounds_name(orebro: Kplan) -> None:
    orebro("round", "open", "Q1")
    assert "'Q1' is the name of a round" in orebro("snapshot", "take", "Q1", expect=1).stderr
    result = orebro("snapshot", "take", "q1", expect=1)
    assert "is taken: the round 'Q1' has that name" in result.stderr
    orebro("round", "close", "--force")
    assert [s["name"] for s in orebro.json("snapshot", "list")] == ["Q1"]


def test_snapshot_names_differing_only_in_case_or_form_are_refused(orebro: Kplan) -> None:
    orebro("snapshot", "take", "Vår")
    result = orebro("snapshot", "take", nfd("vår"), expect=1)
    assert "is taken: the snapshot 'Vår' has that name" in result.stderr
    # Looked up in any Unicode spelling.
    orebro("diff", nfd("Vår"))


def test_a_note_longer_than_its_limit_is_refused(orebro: Kplan, store_dump: Any) -> None:
    before = store_dump(orebro.db)
    result = orebro("status", "1", "done", "--note", "x" * 20_001, expect=1)
    assert "the note is too long: 20001 characters, at most 20000 are allowed" in result.stderr
    orebro("round", "open", "Q1")
    orebro("round", "report", "1", "--note", "x" * 20_001, expect=1)
    orebro("status", "1", "done", "--note", "x" * 20_000)
    assert store_dump(orebro.db) != before
