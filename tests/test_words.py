"""Human output tells changes in words, not field addresses (log, diff, show, exports).

JSON keeps the addresses (``four_p.perspektiv``); everything a person reads
names the change in their language, with the plan's own names, and counts
in the right number.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kplan import address
from kplan.i18n import plural, t
from tests.conftest import OREBRO, Kplan

# Every prefix of a field address the log keeps: the parted kinds of
# kplan/address.py and the other dotted fields (settings, people, rounds...).
PREFIXES = (*address.PARTED, "plan", "round", "snapshot", "owners", "organisations")
RAW = re.compile(r"(?<![\w.])(" + "|".join(re.escape(p) for p in PREFIXES) + r")\.\w")


# The placeholders that hold a count.
COUNTS = frozenset(
    {
        "count",
        "measures",
        "owners",
        "changes",
        "targets",
        "days",
        "total",
        "shown",
        "length",
        "cells",
        "steps",
        "reported",
        "not_reported",
        "done",
        "delayed",
        "not_started",
        "values",
        "added",
        "removed",
        "found",
        "pages",
        "parts",
        "step",
        "perspectives",
    }
)


def raw_lines(text: str) -> list[str]:
    """The lines of ``text`` that name a field by its address."""
    return [line for line in text.splitlines() if RAW.search(line)]


def every_kind_of_change(kplan: Kplan) -> None:
    """The example plan, a snapshot, a change of every kind, a second snapshot, one more."""
    kplan("import", str(OREBRO), "--as", "ehedlund")
    me = ("--as", "ehedlund")
    kplan("snapshot", "take", "before", *me)
    kplan("fourp", "19", "perspektiv", "ongoing", "-n", "Workshop i mars", *me)
    kplan("perspective", "19", "etnicitet", "partly", *me)
    kplan("status", "19", "delayed", "--progress", "40", "-n", "Väntar på medel", *me)
    kplan("record", "matchning-utbildning", "2016", "64.2", *me)
    kplan("record", "matchning-utbildning", "2016", "30.5", "--group", "kön=kvinnor", *me)
    kplan("step", "indikatorer", "4", "-n", "Avtal klart", *me)
    kplan("note", "19", "Uppstart i maj", *me)
    kplan("round", "open", "Uppföljning 2015", *me)
    kplan("round", "report", "19", *me)
    kplan("plan", "edit", "--title", "Ny titel", *me)
    kplan("measure", "add", "23", "--title", "Ny åtgärd", "--owner", "mholm", *me)
    kplan("measure", "edit", "5", "--title", "Ny rubrik", *me)
    kplan("person", "add", "ny", "--name", "Ny Person", *me)
    kplan("snapshot", "take", "after", *me)
    kplan("status", "5", "done", *me)


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_no_line_of_log_diff_show_or_export_names_a_field_address(
    kplan: Kplan, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("KPLAN_LANG", lang)
    every_kind_of_change(kplan)
    outputs = {
        "log": kplan("log", "--limit", "0").stdout,
        "diff": kplan("diff", "before", "after").stdout,
        "diff now": kplan("diff", "before").stdout,
        "md": kplan("export", "--format", "md").stdout,
        "html": kplan("export", "--format", "html").stdout,
    }
    for measure in kplan.json("list"):
        outputs[f"show {measure['id']}"] = kplan("show", measure["id"], "--events", "50").stdout
    for name, text in outputs.items():
        assert raw_lines(text) == [], name
    # The test can fail: the JSON log still names the fields by address.
    assert raw_lines(kplan("log", "--limit", "0", "--json").stdout)

    log = outputs["log"]
    diff = outputs["diff"]
    if lang == "sv":
        expected = [
            "Fyra P Perspektiv: ej påbörjad → pågår",
            "etnicitet: nej → delvis",
            "status: ej påbörjad → försenad",
            "framsteg: 0% → 40%",
            "rapporterad i Uppföljning 2015",
            "Arbetsgrupp för matchningsindikatorer: steg 3 Samverkan → steg 4 Samhandling",
            "Matchning: sysselsatta vars utbildning motsvarar yrket 2016: – → 64,2 %",
            "yrket 2016, kön kvinnor: – → 30,5 %",
            "läget: – → Uppstart i maj",
            "planens titel: Handlingsplan för kompetensförsörjning → Ny titel",
            "ny åtgärd: 23",
            "titel: Kompetensplanering i små och medelstora företag → Ny rubrik",
        ]
        assert re.search(r"\n\d+ åtgärder ändrade: ", diff)
    else:
        expected = [
            "Fyra P Perspektiv: not started → ongoing",
            "etnicitet: no → partly",
            "status: not started → delayed",
            "reported in Uppföljning 2015",
            "Arbetsgrupp för matchningsindikatorer: step 3 Samverkan → step 4 Samhandling",
            "Matchning: sysselsatta vars utbildning motsvarar yrket 2016: – → 64.2 %",
            "the plan's title: Handlingsplan för kompetensförsörjning → Ny titel",
            "added measure 23",
        ]
        assert re.search(r"\n\d+ measures changed: ", diff)
    for words in expected:
        assert words in log, words
    for words in expected:
        if "Uppföljning 2015" not in words:  # a report is no part of the plan's state
            assert words in diff, words


@pytest.mark.parametrize(
    ("lang", "fourp", "perspective"),
    [
        ("sv", "Fyra P Perspektiv: ej påbörjad → pågår", "etnicitet: nej → delvis"),
        ("en", "Fyra P Perspektiv: not started → ongoing", "etnicitet: no → partly"),
    ],
)
def test_the_issues_example_reads_in_words(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch, lang: str, fourp: str, perspective: str
) -> None:
    monkeypatch.setenv("KPLAN_LANG", lang)
    orebro("fourp", "19", "perspektiv", "ongoing", "--as", "nsaid")
    orebro("perspective", "19", "etnicitet", "partly", "--as", "nsaid")
    log = orebro("log", "19").stdout
    assert fourp in log and perspective in log
    assert raw_lines(log) == []
    shown = orebro("show", "19").stdout
    assert fourp in shown and perspective in shown


def test_diff_shows_the_notes_that_say_why(kplan: Kplan) -> None:
    every_kind_of_change(kplan)
    diff = kplan("diff", "before", "after").stdout
    assert "Fyra P Perspektiv: not started → ongoing  «Workshop i mars»" in diff
    assert "status: not started → delayed  «Väntar på medel»" in diff
    assert "step 4 Samhandling  «Avtal klart»" in diff
    # A change made after the second snapshot is not in it, nor its note.
    assert "done" not in diff.split("5  ", 1)[1].split("\n\n", 1)[0]


def test_json_keeps_the_field_addresses_and_no_notes_in_diff(kplan: Kplan) -> None:
    every_kind_of_change(kplan)
    fields = {event["field"] for event in kplan.json("log", "--limit", "0")}
    assert {"four_p.perspektiv", "perspectives.etnicitet", "round.report"} <= fields
    diff = kplan.json("diff", "before", "after")
    changes = [c for m in diff["measures"] for c in m["changes"]] + diff["plan"]
    assert {"field", "collaboration", "indicator", "old", "new"} == set(changes[0])
    assert all("notes" not in change for change in changes)
    assert any(c["field"] == "four_p.perspektiv" for c in changes)


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        ("en", "1 measure changed", "2 measures changed"),
        ("sv", "1 åtgärd ändrad", "2 åtgärder ändrade"),
    ],
)
def test_counts_are_singular_for_one_and_plural_otherwise(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch, lang: str, one: str, two: str
) -> None:
    monkeypatch.setenv("KPLAN_LANG", lang)
    orebro("snapshot", "take", "a", "--as", "ehedlund")
    orebro("status", "5", "done", "--as", "ehedlund")
    summary = orebro("diff", "a").stdout.strip().splitlines()[-1]
    assert summary.startswith(one), summary
    assert ("1 status," in summary) and ("0 " in summary)
    orebro("status", "7", "done", "--as", "ehedlund")
    assert orebro("diff", "a").stdout.strip().splitlines()[-1].startswith(two)


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_every_counting_message_agrees_with_its_count(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("KPLAN_LANG", lang)
    wrong = {
        "en": re.compile(r"\b1 (measures|changes|values|days|events|problems|plans|owners)\b"),
        "sv": re.compile(r"\b1 (åtgärder|ändringar|värden|dagar|händelser|planer|ändrade)\b"),
    }[lang]
    for key, texts in t.__globals__["CATALOGUE"].items():
        text = texts[1] if lang == "sv" else texts[0]
        if "{" not in text:
            continue
        names = {name for _, name, _, _ in __import__("string").Formatter().parse(text) if name}
        values = {name: 1 if name in COUNTS else "x" for name in names}
        try:
            shown = t(key, **values)
        except ValueError:  # a number's own format ({share:g}): every value a number
            shown = t(key, **dict.fromkeys(names, 1))
        assert not wrong.search(shown), (key, shown)
    assert plural(1, "a", "b") == "a" and plural(0, "a", "b") == plural(2, "a", "b") == "b"


def test_list_in_a_pipe_prints_the_words_input_accepts(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    lines = orebro("list").stdout.splitlines()
    header = lines[0].split("\t")
    rows = {
        line.split("\t")[0]: dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]
    }
    nineteen = rows["19"]
    assert nineteen["Status"] == "not-started"
    assert nineteen["Fyra P"] == "not-started/not-started/not-started/not-started"
    assert {nineteen["kön"], nineteen["ålder"], nineteen["etnicitet"]} <= {"no", "partly", "yes"}
    assert rows["5"]["Dagar försenad"].isdigit()
    # What the pipe prints goes back in as it is.
    orebro("status", "19", rows["4"]["Status"], "--as", "nsaid")
    orebro("fourp", "19", "policy", rows["4"]["Fyra P"].split("/")[1], "--as", "nsaid")
    orebro("perspective", "19", "kön", rows["4"]["kön"], "--as", "nsaid")
    after = orebro.json("show", "19")
    assert after["status"] == rows["4"]["Status"]
    assert after["perspectives"]["kön"] == rows["4"]["kön"]


def test_the_installed_command_tells_the_log_in_words(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    entry = Path(sys.executable).parent / "kplan"
    environment = {**os.environ, "KPLAN_DB": str(db), "KPLAN_LANG": "sv", "KPLAN_USER": "nsaid"}

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(entry), *args], env=environment, capture_output=True, text=True, check=True
        )
        return done.stdout

    run("import", str(OREBRO))
    run("fourp", "19", "perspektiv", "ongoing")
    run("perspective", "19", "etnicitet", "partly")
    log = run("log", "19")
    assert "Fyra P Perspektiv: ej påbörjad → pågår" in log
    assert "etnicitet: nej → delvis" in log
    assert raw_lines(log) == []
