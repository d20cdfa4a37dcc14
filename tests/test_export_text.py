"""The text exports: JSON, CSV and the Markdown report (kplan.present.text).

The golden files in tests/golden/ hold each format for the example Örebro
plan, generated at 2016-03-01T12:00:00Z in English. After a deliberate change
to a format, regenerate them, read the difference, and commit it with the
change::

    cd /work/main && .venv/bin/python -m tests.test_export_text

(that runs ``regenerate_golden()`` below).
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from kplan.core.planfile import read_plan_file
from kplan.model import Indicator, Plan
from kplan.present.text import (
    Snapshot,
    export_csv,
    export_json,
    export_markdown,
    md_text,
)

ROOT = Path(__file__).resolve().parent.parent
OREBRO = ROOT / "examples" / "orebro_plan.toml"
GOLDEN = Path(__file__).resolve().parent / "golden"
GENERATED_AT = dt.datetime(2016, 3, 1, 12, 0, 0, tzinfo=dt.UTC)

HOSTILE_MD = [
    "| a | b |",
    "<script>alert(1)</script>",
    "*x*",
    "[x](y)",
    "a\\|b",
    "# not a heading",
    "1. not a list",
    "- not a list",
    "`code` _u_ ~~s~~ $x$",
    "&amp; &lt;b&gt;",
    "![img](http://example.org/x.png)",
    "<!-- comment -->",
    "ends with a backslash \\",
]


def orebro() -> Plan:
    return read_plan_file(OREBRO)


def golden_texts() -> dict[str, str]:
    """Each golden file's name and the text it must hold."""
    plan = orebro()
    return {
        "orebro.json": export_json(plan, generated_at=GENERATED_AT),
        # Overdue is judged on the day the JSON and Markdown files were generated.
        "orebro.csv": export_csv(plan, today=GENERATED_AT.date()),
        "orebro.md": export_markdown(plan, generated_at=GENERATED_AT),
    }


def regenerate_golden() -> None:
    """Write the golden files anew (in English, as the tests compare them)."""
    os.environ["KPLAN_LANG"] = "en"
    GOLDEN.mkdir(exist_ok=True)
    for name, text in golden_texts().items():
        (GOLDEN / name).write_bytes(text.encode("utf-8"))
        print(f"wrote {GOLDEN / name}")


# ---------------------------------------------------------------------------
# Golden files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["orebro.json", "orebro.csv", "orebro.md"])
def test_golden_file(name: str) -> None:
    expected = (GOLDEN / name).read_bytes()
    actual = golden_texts()[name].encode("utf-8")
    assert actual == expected, (
        f"{name} differs from tests/golden/{name}; if the change is deliberate, "
        "regenerate with: .venv/bin/python -m tests.test_export_text"
    )


def test_exports_do_not_load_a_database_or_terminal_library() -> None:
    code = (
        "import sys, kplan.present.text\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in "
        "('sqlmodel', 'sqlalchemy', 'textual', 'rich')]\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"


def test_exports_leave_the_plan_as_it_was() -> None:
    plan = orebro()
    plan.measures[0].four_p.pop("policy")
    before = copy.deepcopy(plan)
    export_json(plan, generated_at=GENERATED_AT)
    export_csv(plan)
    export_markdown(plan, generated_at=GENERATED_AT, previous=Snapshot("s", GENERATED_AT, plan))
    assert plan == before


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------


def test_json_holds_the_whole_state() -> None:
    text = export_json(orebro(), generated_at=GENERATED_AT)
    assert text.endswith("}\n")
    assert "Örebro" in text  # not \u00d6rebro
    document = json.loads(text)
    assert list(document) == [
        "kplan_export",
        "generated_at",
        "snapshot",
        "plan",
        "organisations",
        "owners",
        "measures",
        "summary",
    ]
    assert document["kplan_export"] == 1
    assert document["generated_at"] == "2016-03-01T12:00:00Z"
    assert document["snapshot"] is None
    assert document["plan"]["id"] == "orebro-kompetens"
    assert document["plan"]["ladder"] == ["Samtal", "Samsyn", "Samverkan", "Samhandling"]
    assert len(document["organisations"]) == 18
    assert len(document["owners"]) == 11
    assert len(document["measures"]) == 22
    assert document["summary"]["measures"] == 22
    assert sum(document["summary"]["statuses"].values()) == 22
    assert "events" not in document

    measure = next(m for m in document["measures"] if m["id"] == "5")
    assert measure["owner_name"] == "Tomas Ström"
    assert measure["four_p"] == {
        "perspektiv": "ongoing",
        "policy": "not-started",
        "plattform": "not-started",
        "process": "not-started",
    }
    assert measure["perspectives"] == {"kön": "no", "ålder": "partly", "etnicitet": "no"}
    assert measure["steps"] == {"lowest": 2, "highest": 2}
    collab = measure["collaborations"][0]
    assert (collab["id"], collab["step"], collab["step_label"]) == ("smf-stod", 2, "Samsyn")
    assert collab["actors"] == ["foretagarna", "almi", "handelskammaren"]
    indicator = measure["indicators"][0]
    assert indicator["values"] == {"2014": 18, "2015": 41}
    assert (indicator["latest"], indicator["target"], indicator["trend"]) == (41, 150, "up")


def test_json_values_are_in_period_order_and_trend_compares_like_periods() -> None:
    plan = orebro()
    indicator = plan.measures[0].indicators[0]
    indicator.values = {"2016": 4.0, "2015-T2": 9.5, "2015": 3.0, "2015-T1": 8.0}
    measure = json.loads(export_json(plan, generated_at=GENERATED_AT))["measures"][0]
    exported = measure["indicators"][0]
    assert list(exported["values"]) == ["2015-T1", "2015-T2", "2015", "2016"]
    assert exported["values"]["2015-T2"] == 9.5
    assert exported["latest"] == 4
    assert exported["trend"] == "up"  # 2016 against 2015, not against 2015-T2


def test_json_events_only_when_given() -> None:
    event: dict[str, Any] = {
        "id": 3,
        "at": "2016-02-01T09:00:00Z",
        "actor": "tstrom",
        "measure": "5",
        "collaboration": None,
        "indicator": None,
        "field": "status",
        "old": "ongoing",
        "new": "delayed",
        "note": None,
    }
    plan = orebro()
    document = json.loads(
        export_json(plan, generated_at=GENERATED_AT, snapshot="Vår 2016", events=[event])
    )
    assert document["snapshot"] == "Vår 2016"
    assert list(document)[-1] == "events"
    assert document["events"] == [event]
    assert json.loads(export_json(plan, generated_at=GENERATED_AT, events=[]))["events"] == []


def test_json_generated_at_is_utc_to_the_second() -> None:
    moment = dt.datetime(2016, 3, 1, 13, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    document = json.loads(export_json(orebro(), generated_at=moment))
    assert document["generated_at"] == "2016-03-01T12:00:00Z"


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def parse_csv(text: str) -> list[dict[str, str]]:
    raw = text.encode("utf-8")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_is_excel_friendly_utf8_with_bom_and_crlf() -> None:
    raw = export_csv(orebro()).encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbfid,title,")
    lines = raw.split(b"\r\n")
    assert lines[-1] == b""  # every line, the last too, ends in CRLF
    assert not any(b"\n" in line for line in lines)
    assert len(lines) == 1 + 22 + 1


def test_csv_rows_and_header() -> None:
    text = export_csv(orebro())
    rows = parse_csv(text)
    assert len(rows) == 22
    header = list(rows[0])
    assert header[:19] == [
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
        "four_p_perspektiv",
        "four_p_policy",
        "four_p_plattform",
        "four_p_process",
        "perspective_kön",
        "perspective_ålder",
        "perspective_etnicitet",
        "steps_lowest",
        "steps_highest",
    ]
    most = max(len(m.indicators) for m in orebro().measures)
    # Läget (a column added with it) comes after the fixed columns, before the indicators:
    # four columns for each place in a measure's list of indicators, as many places as
    # the measure with the most indicators has.
    assert header[19] == "situation"
    assert most >= 2
    assert header[20:] == [
        f"indicator_{place}{column}"
        for place in range(1, most + 1)
        for column in ("", "_name", "_latest", "_target")
    ]

    five = next(row for row in rows if row["id"] == "5")
    assert five["title"] == "Kompetensplanering i små och medelstora företag"
    assert five["owner_name"] == "Tomas Ström"
    assert five["area"] == "Strategisk kompetensförsörjning"
    assert (five["status"], five["progress"], five["start"], five["due"]) == (
        "delayed",
        "30",
        "2014-03-01",
        "2015-12-31",
    )
    assert five["four_p_policy"] == "not-started"
    assert five["perspective_kön"] == "no"
    assert (five["steps_lowest"], five["steps_highest"]) == ("2", "2")
    assert five["indicator_1"] == "foretag-kompetensplan"
    assert five["indicator_1_name"] == "Företag med dokumenterad kompetensplan"
    assert five["indicator_1_latest"] == "41"
    assert five["indicator_1_target"] == "150"
    # A place the measure has no indicator for is empty on its row.
    assert [five[f"indicator_2{column}"] for column in ("", "_name", "_latest")] == ["", "", ""]
    nineteen = next(row for row in rows if row["id"] == "19")
    assert (nineteen["start"], nineteen["steps_lowest"]) == ("", "1")
    fourteen = next(row for row in rows if row["id"] == "14")
    assert fourteen["indicator_1"] == "utradesalder"
    assert fourteen["indicator_1_latest"] == ""
    assert fourteen["indicator_1_target"] == "65"


@pytest.mark.parametrize(
    "title",
    ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx=1", "\r=1", '=HYPERLINK("http://x","y")'],
)
def test_csv_guards_text_that_a_spreadsheet_would_run(title: str) -> None:
    plan = orebro()
    plan.measures[0].title = title
    plan.measures[0].area = title
    row = parse_csv(export_csv(plan))[0]
    assert row["title"] == "'" + title
    assert row["area"] == "'" + title


def test_csv_numbers_stay_numbers_and_negative_ones_are_not_guarded() -> None:
    plan = orebro()
    plan.measures[0].indicators[0] = Indicator(
        id="saldo", name="-saldo", target=-2.5, values={"2014": -3.0, "2015": -1.25}
    )
    plan.measures[1].title = "-1"
    rows = parse_csv(export_csv(plan))
    assert rows[0]["indicator_1"] == "saldo"
    assert rows[0]["indicator_1_name"] == "'-saldo"  # a name is text, and guarded
    assert rows[0]["indicator_1_latest"] == "-1.25"
    assert rows[0]["indicator_1_target"] == "-2.5"
    assert rows[0]["progress"] == "100"
    assert rows[1]["title"] == "'-1"  # text that looks like a number is still text
    assert rows[1]["progress"] == "70"


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------

RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# A < or > not preceded by an odd number of backslashes: raw HTML in the Markdown.
UNESCAPED_ANGLE = re.compile(r"(?<!\\)(?:\\\\)*[<>]")


def table_rows(text: str) -> list[list[Token]]:
    """The inline tokens of each cell, per table row, in document order."""
    rows: list[list[Token]] = []
    cells: list[Token] | None = None
    for token in RENDERER.parse(text):
        if token.type == "tr_open":
            cells = []
        elif token.type == "inline" and cells is not None:
            cells.append(token)
        elif token.type == "tr_close" and cells is not None:
            rows.append(cells)
            cells = None
    return rows


def plain(token: Token) -> str:
    """The text an inline token shows, failing on any markup (emphasis, links, HTML)."""
    children = token.children or []
    kinds = {child.type for child in children}
    assert kinds <= {"text"}, f"markup in {token.content!r}: {kinds}"
    return "".join(child.content for child in children)


def hostile_plan() -> Plan:
    plan = orebro()
    for measure, title in zip(plan.measures, HOSTILE_MD, strict=False):
        measure.title = title
    plan.title = "<script>alert(1)</script> | *plan*"
    plan.perspectives[0] = "k|ön"
    for measure in plan.measures:
        measure.perspectives["k|ön"] = measure.perspectives.pop("kön", "no")
    plan.owners[2].name = "[Annika](javascript:alert(1))"
    return plan


def test_md_escapes_every_text_from_the_plan() -> None:
    plan = hostile_plan()
    text = export_markdown(plan, generated_at=GENERATED_AT, snapshot="<b>s</b>")
    assert "<script>" not in text
    assert not UNESCAPED_ANGLE.search(text)
    html = RENDERER.render(text)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | *plan*" in html

    rows = table_rows(text)
    measure_rows = [row for row in rows if len(row) == 10]
    assert len(measure_rows) == 1 + 22  # header and 22 measures, all with ten cells
    assert [plain(cell) for cell in measure_rows[0]][-3:] == ["k|ön", "ålder", "etnicitet"]
    titles = [plain(row[1]) for row in measure_rows[1:]]
    assert titles[: len(HOSTILE_MD)] == HOSTILE_MD
    assert plain(measure_rows[1][2]) == "[Annika](javascript:alert(1))"

    # In prose (the gaps lists, the heading) too.
    items = [
        plain(token)
        for token in RENDERER.parse(text)
        if token.type == "inline" and token.content.startswith("1 ")
    ]
    assert items and set(items) == {"1 | a | b |"}
    title = next(token for token in RENDERER.parse(text) if token.type == "inline")
    assert plain(title) == "<script>alert(1)</script> | *plan*: status report 2016-03-01"
    headings = [t for t in RENDERER.parse(text) if t.type == "heading_open"]
    assert [h.tag for h in headings].count("h1") == 1


def test_md_table_rows_keep_their_column_count() -> None:
    text = export_markdown(hostile_plan(), generated_at=GENERATED_AT)
    # Count the unescaped pipes of every table line in the raw text, too.
    widths: list[int] = []
    for line in text.splitlines():
        if line.startswith("| "):
            widths.append(len(re.findall(r"(?<!\\)(?:\\\\)*\|", line)))
        elif widths:
            assert len(set(widths)) == 1, widths
            widths = []
    for row in table_rows(text):
        assert len(row) in (3, 4, 10)


@pytest.mark.parametrize(
    "text", [*HOSTILE_MD, "line\nbreak", "=1", "+ x", "2) x", "> q", "---", "1.", "63.5"]
)
def test_md_text_renders_as_the_literal_text(text: str) -> None:
    tokens = RENDERER.parse(md_text(text))
    assert [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert plain(tokens[1]) == " ".join(text.split())


def test_md_keeps_decimal_numbers_readable() -> None:
    assert md_text("63.5") == "63.5"
    assert md_text("1. a") == "1\\. a"


def test_exports_of_an_empty_plan_and_of_another_plan() -> None:
    empty = Plan(id="tom", title="Tom plan")
    text = export_markdown(empty, generated_at=GENERATED_AT)
    assert "The plan has 0 measures." in text
    assert export_csv(empty).count("\r\n") == 1
    assert json.loads(export_json(empty, generated_at=GENERATED_AT))["measures"] == []

    kronoberg = read_plan_file(ROOT / "examples" / "kronoberg_plan.toml")
    text = export_markdown(kronoberg, generated_at=GENERATED_AT)
    assert "| 3 | Samarbete |" in text  # the plan's own ladder labels
    rows = parse_csv(export_csv(kronoberg))
    assert len(rows) == len(kronoberg.measures)
    assert [key for key in rows[0] if key.startswith("perspective_")] == [
        f"perspective_{name}" for name in kronoberg.perspectives
    ]


def section(text: str, heading: str) -> str:
    """The text of a ``## heading`` section."""
    return text.split(f"\n## {heading}", 1)[1].split("\n## ", 1)[0]


def test_md_summary_and_gaps() -> None:
    text = export_markdown(orebro(), generated_at=GENERATED_AT)
    assert text.startswith("# Handlingsplan för kompetensförsörjning: status report 2016-03-01\n")
    summary = section(text, "Summary")
    assert "| Delayed | 3 | 14% |" in summary
    assert "25% of the Fyra P work is done: 22 of 88 parts" in summary
    assert "| kön | 12 (55%) | 5 (23%) | 5 (23%) |" in summary
    assert "| 1 | Samtal | Vem vill och varför? | 5 |" in summary

    gaps = section(text, "Gaps")
    perspectives = gaps.split("### Perspectives not integrated", 1)[1].split("###", 1)[0]
    # Measure 5 has kön at "no" (the plan file leaves it out).
    kon = perspectives.split("**kön**", 1)[1].split("**ålder**", 1)[0]
    assert "- 5 Kompetensplanering i små och medelstora företag" in kon
    assert "- 1 Regional" not in kon
    # Measure 18 is cancelled: no gap to close.
    assert "- 18 " not in gaps
    four_p = gaps.split("### Fyra P parts not started", 1)[1].split("###", 1)[0]
    assert "**Process**: 16 measures" in four_p
    step_one = gaps.split("### Collaborations still on step 1, Samtal", 1)[1]
    assert "- syv-praktik Praktikplatser för vägledare (measure 7 " in step_one

    assert section(text, "Changes").strip() == "There is no earlier snapshot to compare with."


def test_md_changes_since_the_previous_snapshot() -> None:
    earlier = orebro()
    plan = copy.deepcopy(earlier)
    seven = next(m for m in plan.measures if m.id == "7")
    seven.status = "delayed"
    seven.progress = 45
    seven.four_p["policy"] = "ongoing"
    seven.collaborations[1].step = 2
    five = next(m for m in plan.measures if m.id == "5")
    five.perspectives["kön"] = "partly"
    five.indicators[0].values["2016"] = 58
    plan.title = "Handlingsplan 2016"
    previous = Snapshot(
        "Uppföljning 2015", dt.datetime(2015, 12, 15, 9, 30, tzinfo=dt.UTC), earlier
    )

    text = export_markdown(plan, generated_at=GENERATED_AT, previous=previous)
    changes = section(text, "Changes since Uppföljning 2015")
    assert changes.strip().splitlines() == [
        "Compared with the snapshot Uppföljning 2015, taken 2015-12-15 10:30 CET.",
        "",
        "### The plan",
        "",
        "- The plan's title: Handlingsplan för kompetensförsörjning → Handlingsplan 2016",
        "",
        "### 5 Kompetensplanering i små och medelstora företag",
        "",
        "- kön: no → partly",
        "- Företag med dokumenterad kompetensplan 2016: – → 58 st",
        "",
        "### 7 Arbetslivskunskap i vägledningen",
        "",
        "- Status: ongoing → delayed",
        "- Progress: 40% → 45%",
        "- Fyra P Policy: not started → ongoing",
        "- Praktikplatser för vägledare: step 1 Samtal → step 2 Samsyn",
    ]

    unchanged = export_markdown(
        earlier, generated_at=GENERATED_AT, previous=Snapshot("Vår", GENERATED_AT, earlier)
    )
    assert "Nothing has changed since then." in section(unchanged, "Changes since Vår")


def test_md_changes_name_added_removed_and_hostile_values() -> None:
    earlier = orebro()
    plan = copy.deepcopy(earlier)
    removed = plan.measures.pop(17)
    assert removed.id == "18"
    plan.measures[0].title = "<img src=x onerror=alert(1)>"
    previous = Snapshot("*före*", GENERATED_AT, earlier)
    text = export_markdown(plan, generated_at=GENERATED_AT, previous=previous)
    assert not UNESCAPED_ANGLE.search(text)
    assert "<img" not in RENDERER.render(text)
    changes = text.split("## Changes since", 1)[1]
    assert "### 18 Mentorsprogram för utrikes födda akademiker" in changes
    assert "- Removed measure 18" in changes
    assert "- Removed collaboration mentorer" in changes
    assert "→ \\<img src=x onerror=alert(1)\\>" in changes
    heading = next(
        token
        for token in RENDERER.parse(text)
        if token.type == "inline" and token.content.startswith("Changes since")
    )
    assert plain(heading) == "Changes since *före*"


def test_md_in_swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    earlier = orebro()
    plan = copy.deepcopy(earlier)
    plan.measures[6].status = "delayed"
    text = export_markdown(
        plan,
        generated_at=GENERATED_AT,
        previous=Snapshot("Uppföljning 2015", GENERATED_AT, earlier),
    )
    assert text.startswith("# Handlingsplan för kompetensförsörjning: lägesrapport 2016-03-01\n")
    headings = re.findall(r"^#{2,3} (.+)$", text, flags=re.MULTILINE)
    for expected in (
        "Sammanfattning",
        "Åtgärder per status",
        "Genomsyrande perspektiv",
        "Samverkanstrappan",
        "Åtgärder",
        "Luckor",
        "Perspektiv som inte är integrerade",
        "Delar av Fyra P som inte har påbörjats",
        "Samverkan som står kvar på steg 1, Samtal",
        "Ändringar sedan Uppföljning 2015",
    ):
        assert expected in headings
    assert "| 1 | Regional analys av kompetensbehov | Annika Karlsson | genomförd |" in text
    assert "| 2 | Matchningsindikatorer för länet | Johan Lindqvist | påbörjad |" in text
    assert (
        "| 14 | Äldre medarbetares kompetens tas tillvara | Annika Karlsson | ej påbörjad |" in text
    )
    assert "| Försenad | 4 | 18% |" in text
    assert "- Status: påbörjad → försenad" in text
    assert "| ID | Titel | Ansvarig | Status | Framsteg | Steg | Fyra P |" in text
    assert "Avförda åtgärder är inte med." in text
    for english in ("Summary", "Gaps", "not started", "ongoing", "Changes since"):
        assert english not in text


# ---------------------------------------------------------------------------
# Documentation
# ---------------------------------------------------------------------------


def test_docs_name_every_json_key_and_csv_column() -> None:
    docs = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    document = json.loads(export_json(orebro(), generated_at=GENERATED_AT, events=[]))
    measure = document["measures"][0]
    keys = {
        *document,
        *document["plan"],
        *document["organisations"][0],
        *document["owners"][0],
        *measure,
        *measure["collaborations"][0],
        *measure["indicators"][0],
        *document["summary"],
    }
    for key in sorted(keys):
        assert f"`{key}`" in docs, f"JSON key {key} is not in docs/export.md"
    header = next(csv.reader(io.StringIO(export_csv(orebro()).lstrip("\ufeff"))))
    for column in header:
        if not column.startswith(("perspective_", "indicator_")):
            assert f"`{column}`" in docs, f"CSV column {column} is not in docs/export.md"
    assert "`perspective_NAME`" in docs
    assert "`indicator_N`, `indicator_N_name`, `indicator_N_latest`, `indicator_N_target`" in docs
    assert "`indicator_N_gap_PERSPECTIVE`" in docs


if __name__ == "__main__":
    regenerate_golden()


def test_csv_columns_grow_with_one_measures_indicators_not_the_plans() -> None:
    plan = orebro()
    template = plan.measures[0]
    plan.measures = [_with_indicators(template, number) for number in range(1, 601)]
    # The first measure's first indicator is split by ålder, the last one's by kön:
    # the first place gets both gap columns, in the plan's order of perspectives.
    plan.measures[0].indicators[0].groups = {
        "ålder": {"unga": {"2016": 10.0}, "äldre": {"2016": 4.0}}
    }
    plan.measures[-1].indicators[0].groups = {
        "kön": {"kvinnor": {"2016": 7.0}, "män": {"2016": 9.0}}
    }
    rows = parse_csv(export_csv(plan, dt.date(2026, 1, 1)))
    assert len(rows) == 600
    assert list(rows[0])[20:] == [
        "indicator_1",
        "indicator_1_name",
        "indicator_1_latest",
        "indicator_1_target",
        "indicator_1_gap_kön",
        "indicator_1_gap_ålder",
        "indicator_2",
        "indicator_2_name",
        "indicator_2_latest",
        "indicator_2_target",
    ]
    assert (rows[0]["indicator_1_gap_ålder"], rows[0]["indicator_1_gap_kön"]) == ("6", "")
    assert (rows[-1]["indicator_1_gap_ålder"], rows[-1]["indicator_1_gap_kön"]) == ("", "2")
    assert (rows[299]["indicator_1"], rows[299]["indicator_1_latest"]) == ("m300-a", "300")
    assert (rows[299]["indicator_2"], rows[299]["indicator_2_target"]) == ("m300-b", "300")


def _with_indicators(template: Any, number: int) -> Any:
    return dataclasses.replace(
        template,
        id=str(number),
        indicators=[
            Indicator(id=f"m{number}-a", name="A", values={"2016": number}),
            Indicator(id=f"m{number}-b", name="B", target=number),
        ],
    )
