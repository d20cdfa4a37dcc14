"""Spreadsheets: CSV for Excel (semicolons, decimal commas), apply's two CSV dialects, xlsx."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import traceback
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kplan.core.batch import csv_delimiter, parse
from kplan.domain import FORMULA_PREFIXES, formula_unguarded
from kplan.present.text import spreadsheet_safe
from tests.conftest import OREBRO, Kplan, dump_store
from tests.test_entrypoint import kplan_executable

HOSTILE = {
    "title": '=HYPERLINK("http://x";"klick")',
    "situation": '-2+3; "citat", ny\nrad',
}


def rows_of(text: str, delimiter: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def column(rows: list[list[str]], name: str, measure: str) -> str:
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == measure)
    return row[header.index(name)]


def note(orebro: Kplan, text: str) -> None:
    """Set measure 7's läget to ``text``, which may start with a dash."""
    from kplan.cli import app

    args = ["note", "--as", "ehedlund", "--db", str(orebro.db), "7", "--", text]
    result = orebro.runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr


# ---------------------------------------------------------------------------
# kplan export --format csv --excel
# ---------------------------------------------------------------------------


def test_swedish_csv_opens_as_columns_with_decimal_commas(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    result = orebro("export", "--format", "csv")
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    rows = rows_of(result.stdout, ";")
    assert len({len(row) for row in rows}) == 1 and len(rows[0]) > 20
    cell = column(rows, "indicator_2_latest", "2")
    assert cell == "63,5" and float(cell.replace(",", ".")) == 63.5
    assert column(rows, "progress", "2") == "70"
    assert column(rows, "start", "2") == "2013-06-01"


def test_english_csv_keeps_commas_and_points_and_the_flags_choose(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    english = orebro("export", "--format", "csv").stdout
    assert column(rows_of(english, ","), "indicator_2_latest", "2") == "63.5"
    excel = orebro("export", "--format", "csv", "--excel").stdout
    assert column(rows_of(excel, ";"), "indicator_2_latest", "2") == "63,5"
    monkeypatch.setenv("KPLAN_LANG", "sv")
    assert orebro("export", "--format", "csv", "--no-excel").stdout == english
    assert orebro("export", "--format", "csv").stdout == excel


@pytest.mark.parametrize("fmt", ["json", "toml", "md", "html", "xlsx"])
def test_excel_goes_with_csv_only(orebro: Kplan, fmt: str) -> None:
    result = orebro("export", "--format", fmt, "--excel", expect=2)
    assert result.stderr.count("\n") == 1
    assert "--format csv" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("excel", ["--excel", "--no-excel"])
def test_the_formula_guard_holds_in_both_dialects(orebro: Kplan, excel: str) -> None:
    orebro("measure", "edit", "7", "--title", HOSTILE["title"], "--as", "ehedlund")
    note(orebro, HOSTILE["situation"])
    delimiter = ";" if excel == "--excel" else ","
    rows = rows_of(orebro("export", "--format", "csv", excel).stdout, delimiter)
    assert len({len(row) for row in rows}) == 1
    assert column(rows, "title", "7") == "'" + HOSTILE["title"]
    assert column(rows, "situation", "7") == "'" + HOSTILE["situation"]
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            if cell.startswith("-"):
                float(cell.replace(",", "."))  # a negative number, never text


# ---------------------------------------------------------------------------
# kplan apply: comma and semicolon CSV
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("measure;status;progress\r\n", ";"),
        ("measure;status\r7;done\r", ";"),
        (";;\r\n,,\nmeasure;status\n", ";"),
        ("\ufeffmeasure,status,progress\n", ","),
        ('"measure";"status"\n', ";"),
        ("\n\nindicator;period;value\n", ";"),
        ("title,area\n", ","),
        ("nothing at all\n", ","),
        ("a;b;c\n", ";"),
        ("", ","),
    ],
)
def test_the_separator_is_read_from_the_header(text: str, delimiter: str) -> None:
    assert csv_delimiter(text.removeprefix("\ufeff")) == delimiter


@pytest.mark.parametrize("bom", ["", "\ufeff"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_apply_reads_both_dialects_and_decimal_commas(
    orebro: Kplan, tmp_path: Path, bom: str, delimiter: str
) -> None:
    value, whole = ("63,5", "30,0") if delimiter == ";" else ('"63,5"', '"30,0"')
    lines = [
        delimiter.join(["measure", "status", "progress", "four_p.policy", "note"]),
        delimiter.join(["7", "delayed", whole, "done", "från Excel"]),
        "",
        delimiter.join(["indicator", "period", "value"]),
    ]
    path = tmp_path / "c.csv"
    path.write_text(bom + "\r\n".join(lines[:2]) + "\r\n", encoding="utf-8")
    orebro("apply", str(path), "--as", "ehedlund")
    shown = orebro.json("show", "7")
    assert (shown["status"], shown["progress"], shown["four_p"]["policy"]) == (
        "delayed",
        30,
        "done",
    )
    path.write_text(
        bom + lines[3] + "\n" + delimiter.join(["validerade", "2016", value]) + "\n",
        encoding="utf-8",
    )
    orebro("apply", str(path), "--as", "ehedlund")
    indicator = next(i for i in orebro.json("show", "10")["indicators"] if i["id"] == "validerade")
    assert indicator["values"]["2016"] == 63.5


def test_a_decimal_progress_is_refused_not_rounded(orebro: Kplan, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("measure;progress\n7;63,5\n", encoding="utf-8")
    before = dump_store(orebro.db)
    result = orebro("apply", str(path), expect=1)
    assert "line 2: progress: progress must be a whole number from 0 to 100" in result.stderr
    assert dump_store(orebro.db) == before


def test_an_unknown_header_names_the_fields_and_the_separator(
    orebro: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("mesure;statuz;progres\n7;done;100\n", encoding="utf-8")
    before = dump_store(orebro.db)
    result = orebro("apply", str(path), expect=1)
    first = result.stderr.splitlines()[0]
    assert first.startswith("kplan: error: line 1: -: the header names no column")
    assert "semicolon" in first
    for name in ("measure", "status", "progress", "four_p.PART", "perspectives.NAME"):
        assert name in first
    assert result.stderr.count("\n") == 2  # that line and the count
    monkeypatch.setenv("KPLAN_LANG", "sv")
    swedish = orebro("apply", str(path), expect=1).stderr
    assert "semikolon" in swedish and "rubrikraden" in swedish
    assert dump_store(orebro.db) == before

    # One known column among unknown ones: the unknown ones are named, with the separator.
    path.write_text("measure;statuz\n7;done\n", encoding="utf-8")
    said = orebro("apply", str(path), expect=1).stderr
    assert "rad 1: statuz: okänt fält" in said and "semikolon" in said


def test_a_row_with_too_many_cells_names_the_separator(orebro: Kplan, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("indicator;period;value\nvaliderade;2016;12;5\n", encoding="utf-8")
    result = orebro("apply", str(path), expect=1)
    assert "put a text that holds a semicolon in double quotes" in result.stderr


def test_round_trip_export_excel_edit_apply(orebro: Kplan, tmp_path: Path) -> None:
    """The issue's case: an export for Swedish Excel, a cell edited, applied back."""
    note(orebro, HOSTILE["situation"])
    orebro("measure", "edit", "7", "--title", HOSTILE["title"], "--as", "ehedlund")
    path = tmp_path / "plan.csv"
    orebro("export", "--format", "csv", "--excel", "-o", str(path))
    before = dump_store(orebro.db)
    unchanged = orebro.json("apply", str(path), "--as", "ehedlund")
    assert unchanged["changes"] == []
    assert dump_store(orebro.db) == before

    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header = rows[0]
    row = next(r for r in rows if r[0] == "7")
    row[header.index("status")] = "done"
    row[header.index("progress")] = "100"
    row[header.index("perspective_kön")] = "yes"
    row[header.index("four_p_process")] = "ongoing"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    applied = orebro.json("apply", str(path), "--as", "ehedlund")
    assert {change["field"] for change in applied["changes"]} == {
        "status",
        "progress",
        "perspectives.kön",
        "four_p.process",
    }
    shown = orebro.json("show", "7")
    assert (shown["status"], shown["progress"]) == ("done", 100)
    assert shown["perspectives"]["kön"] == "yes" and shown["four_p"]["process"] == "ongoing"
    # The guarded texts were read back as they are: nothing to refuse.
    assert shown["title"] == HOSTILE["title"]


def test_an_edited_title_in_an_export_is_refused_not_ignored(orebro: Kplan, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    orebro("export", "--format", "csv", "-o", str(path))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index("title")] = "En ny titel"
    rows[3][rows[0].index("status")] = "done"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    before = dump_store(orebro.db)
    result = orebro("apply", str(path), expect=1)
    assert "line 4: title: kplan apply does not change title" in result.stderr
    assert "kplan measure edit" in result.stderr
    assert dump_store(orebro.db) == before


# ---------------------------------------------------------------------------
# Hypothesis: no CSV input gives a traceback or exit 70
# ---------------------------------------------------------------------------

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAMES = [
    "measure",
    "status",
    "progress",
    "indicator",
    "period",
    "value",
    "group",
    "note",
    "step",
    "collaboration",
    "expect_version",
    "four_p.policy",
    "perspectives.kön",
    "id",
    "title",
    "situation",
    "four_p_process",
    "perspective_ålder",
    "indicator_1_latest",
    "",
    "statuz",
    "'=1",
]
CELLS = st.one_of(
    st.sampled_from(["7", "2", "validerade", "2016", "done", "delayed", "yes", "'=1+1"]),
    st.sampled_from(["63,5", "63.5", "1,000", "-2,5", "30,0", "1e3", "", " ", "nan"]),
    st.text(alphabet=st.sampled_from(list(";,\"'\r\n\t =+-@0123456789,.aå\ufeff\x00")), max_size=8),
    st.text(max_size=6),
)


@st.composite
def csv_inputs(draw: st.DrawFn) -> str:
    delimiter = draw(st.sampled_from([",", ";", ",;"]))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = [delimiter[-1].join(names)]
    for _ in range(draw(st.integers(0, 4))):
        cells = draw(st.lists(CELLS, min_size=0, max_size=len(names) + 1))
        rows.append(delimiter[0].join(cells))
    return draw(st.sampled_from(["", "\ufeff"])) + end.join(rows) + draw(st.sampled_from(["", end]))


@settings(FUZZ, max_examples=400)
@given(text=csv_inputs())
def test_parsing_any_csv_never_raises(text: str) -> None:
    lines, problems = parse(text, "csv")
    for number, _, message in problems:
        assert number >= 1 and "\n" not in message
    # Every row that asks for something is numbered within the text.
    assert all(1 <= line.number <= text.count("\n") + text.count("\r") + 1 for line in lines)


@pytest.mark.sqlite_only
@settings(FUZZ, max_examples=60)
@given(text=csv_inputs())
def test_applying_any_csv_is_an_answer_never_a_crash(
    orebro_store: Path, tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    from kplan.cli import app

    path = tmp_path_factory.mktemp("csv") / "c.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    result = CliRunner().invoke(app, ["apply", str(path), "--dry-run", "--db", str(orebro_store)])
    crash = result.exception
    if crash is not None and not isinstance(crash, SystemExit):
        pytest.fail("".join(traceback.format_exception(crash)))
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 1:
        assert result.stderr.startswith("kplan: error: ")


@pytest.fixture(scope="module")
def orebro_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One example store for the fuzzed applies (all dry runs, so it never changes)."""
    db = tmp_path_factory.mktemp("fuzz") / "store.db"
    Kplan(db)("import", str(OREBRO))
    return db


# ---------------------------------------------------------------------------
# kplan export --format xlsx
# ---------------------------------------------------------------------------


def test_xlsx_reads_back_typed_with_four_sheets(orebro: Kplan, tmp_path: Path) -> None:
    orebro("measure", "edit", "7", "--title", HOSTILE["title"], "--as", "ehedlund")
    note(orebro, "@SUM(A1)\x07")
    orebro("status", "7", "delayed", "--as", "ehedlund")
    path = tmp_path / "plan.xlsx"
    result = orebro("export", "--format", "xlsx", "-o", str(path))
    assert result.stderr == f"Wrote {path}\n"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["measures", "collaborations", "indicators", "log"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])

    measures = book["measures"]
    header = [cell.value for cell in measures[1]]
    rows = {row[0].value: row for row in measures.iter_rows(min_row=2)}
    assert len(rows) == 22
    second = rows["2"]
    assert second[header.index("progress")].value == 70
    assert second[header.index("progress")].data_type == "n"
    latest = second[header.index("indicator_2_latest")]
    assert latest.value == 63.5 and latest.data_type == "n"
    start = second[header.index("start")]
    assert start.is_date and start.value == dt.datetime(2013, 6, 1)
    assert second[header.index("overdue")].value is True
    title = rows["7"][header.index("title")]
    assert title.value == HOSTILE["title"] and title.data_type == "s"
    # A character XML cannot hold is spelled out, not dropped or crashed on.
    assert rows["7"][header.index("situation")].value == "@SUM(A1)\\x07"

    collaborations = book["collaborations"]
    names = [cell.value for cell in collaborations[1]]
    assert names[:4] == ["measure", "id", "name", "step"]
    steps = [row[3].value for row in collaborations.iter_rows(min_row=2)]
    assert steps and all(isinstance(step, int) for step in steps)

    indicators = book["indicators"]
    names = [cell.value for cell in indicators[1]]
    assert {"2014", "2015"} <= set(names)
    row = next(r for r in indicators.iter_rows(min_row=2) if r[1].value == "matchning-utbildning")
    values = [cell.value for cell in row[names.index("2014") :] if cell.value is not None]
    assert values and all(isinstance(value, int | float) for value in values)

    log = book["log"]
    names = [cell.value for cell in log[1]]
    assert names[:3] == ["id", "at_utc", "actor"]
    newest = next(log.iter_rows(min_row=2))
    assert newest[names.index("field")].value == "status"
    assert newest[names.index("new")].value == "delayed"
    assert isinstance(newest[1].value, dt.datetime)


def test_xlsx_is_the_same_bytes_for_the_same_moment(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_NOW", "2026-03-01T12:00:00Z")
    first = orebro("export", "--format", "xlsx").stdout_bytes
    assert first.startswith(b"PK")
    assert orebro("export", "--format", "xlsx").stdout_bytes == first


def test_xlsx_is_not_written_onto_a_terminal(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kplan.present import output

    monkeypatch.setattr(output, "is_terminal", lambda: True)
    result = orebro("export", "--format", "xlsx", expect=2)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "-o plan.xlsx" in result.stderr


@pytest.mark.sqlite_only
def test_installed_kplan_writes_a_workbook_into_a_pipe(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    env = {**os.environ, "KPLAN_DB": str(db), "KPLAN_LANG": "sv"}
    subprocess.run([kplan_executable(), "import", str(OREBRO)], env=env, check=True)
    done = subprocess.run(
        [kplan_executable(), "export", "--format", "xlsx"],
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(io.BytesIO(done.stdout))
    assert book["measures"].max_row == 23
    csv_done = subprocess.run(
        [kplan_executable(), "export", "--format", "csv"],
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    )
    text = csv_done.stdout.decode("utf-8")
    assert column(rows_of(text, ";"), "indicator_2_latest", "2") == "63,5"


@settings(FUZZ, max_examples=300)
@given(text=st.text(alphabet=st.sampled_from(list("'=+-@\t\rax ")), max_size=8))
def test_the_formula_guard_is_undone_exactly(text: str) -> None:
    """What the export guards, apply reads back as written: also a text that starts with '=."""
    guarded = spreadsheet_safe(text)
    assert not guarded.startswith(FORMULA_PREFIXES)
    assert formula_unguarded(guarded) == text


def test_a_csv_not_in_utf8_says_how_excel_saves_utf8(orebro: Kplan, tmp_path: Path) -> None:
    """Excel's plain "CSV" is Windows-1252: å is the byte 0xe5."""
    path = tmp_path / "from-excel.csv"
    path.write_bytes("measure;status;note\n7;done;åtgärd klar\n".encode("cp1252"))
    before = dump_store(orebro.db)
    result = orebro("apply", str(path), expect=1)
    assert result.stderr.splitlines() == [
        "kplan: error: line 2: -: byte 0xe5 is not UTF-8 text; save the file as UTF-8"
        ' (in Excel: Save As, "CSV UTF-8")',
        "1 problem; nothing was applied.",
    ]
    assert dump_store(orebro.db) == before


def test_xlsx_goes_through_the_guarded_writer(orebro: Kplan, tmp_path: Path) -> None:
    """The store, a FIFO and a symbolic link are refused for a workbook as for text."""
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    real = tmp_path / "real.xlsx"
    real.write_bytes(b"keep me")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    before = dump_store(orebro.db)
    for target, said in (
        (orebro.db, "is the store itself"),
        (fifo, "is a named pipe (FIFO), not a regular file"),
        (link, "symbolic link"),
    ):
        result = orebro("export", "-f", "xlsx", "-o", str(target), "--force", expect=1)
        assert said in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert real.read_bytes() == b"keep me" and link.is_symlink()
    assert dump_store(orebro.db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_a_sheet_beyond_excels_limits_is_refused_in_one_line(
    orebro: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kplan.present import workbook

    monkeypatch.setattr(workbook, "MAX_COLUMNS", 12)
    path = tmp_path / "plan.xlsx"
    result = orebro("export", "-f", "xlsx", "-o", str(path), expect=1)
    assert result.stderr.count("\n") == 1
    assert "sheet measures would have" in result.stderr and "at most 12 columns" in result.stderr
    assert not path.exists()


TEXTS = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(";,\"'\r\n\t=+-@ 0123456789,.åÄ\u202e")), st.characters(codec="utf-8")
    ),
    max_size=12,
)
NUMBERS = st.one_of(
    st.integers(-(10**6), 10**6), st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)
)


@settings(FUZZ, max_examples=200)
@given(
    title=TEXTS,
    situation=st.one_of(st.none(), TEXTS),
    area=st.one_of(st.none(), TEXTS),
    value=NUMBERS,
    excel=st.booleans(),
)
def test_any_text_and_number_survive_either_dialect(
    title: str, situation: str | None, area: str | None, value: float, excel: bool
) -> None:
    """Every row has the header's cells; texts come back exactly; numbers read as numbers."""
    from kplan.model import Indicator, Measure, Owner, Plan
    from kplan.present.text import export_csv

    indicator = Indicator(id="i", name="I", values={"2016": value}, target=value)
    measure = Measure(
        id="1", title=title, owner="o", area=area, situation=situation, indicators=[indicator]
    )
    plan = Plan(id="p", title="P", owners=[Owner("o", "O")], measures=[measure])
    text = export_csv(plan, dt.date(2026, 1, 1), excel=excel)
    rows = rows_of(text, ";" if excel else ",")
    assert len(rows) == 2 and len(rows[0]) == len(rows[1])
    header, row = rows
    assert formula_unguarded(row[header.index("title")]) == title
    assert formula_unguarded(row[header.index("situation")]) == (situation or "")
    for name in ("indicator_1_latest", "indicator_1_target"):
        cell = row[header.index(name)]
        assert ("," in cell) is (excel and not float(value).is_integer()) or "e" in cell
        assert float(cell.replace(",", ".")) == pytest.approx(value)


def test_applying_a_workbook_is_one_line_not_a_line_per_byte(orebro: Kplan, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    orebro("export", "-f", "xlsx", "-o", str(path))
    for name in ("plan.xlsx", "plan.csv"):
        renamed = path.rename(tmp_path / name)
        result = orebro("apply", str(renamed), expect=1)
        assert result.stderr == (
            f"kplan: error: {renamed} is a workbook, not text: kplan apply reads JSON Lines"
            ' or CSV; in Excel, Save As "CSV UTF-8" and apply that file\n'
        )
        path = renamed
