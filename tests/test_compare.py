"""``kplan compare``: regions' plans side by side, from the store and from JSON exports (issue 14).

Runs on SQLite and PostgreSQL where a store is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kplan.cli import app
from kplan.core.compare import read_export
from kplan.errors import InvalidValueError
from tests.conftest import KRONOBERG, OREBRO, Kplan

OREBRO_ID = "orebro-kompetens"
KRONOBERG_ID = "kronoberg-kompetens"


@pytest.fixture
def both(kplan: Kplan) -> Kplan:
    """Both example plans in one store."""
    kplan("import", str(OREBRO))
    kplan("import", str(KRONOBERG))
    return kplan


def exported(kplan: Kplan, plan: str, folder: Path) -> Path:
    """The plan exported with ``kplan export --format json`` into ``folder``."""
    path = folder / f"{plan}.json"
    kplan("export", "--plan", plan, "--format", "json", "-o", str(path), "--force")
    return path


def by_label(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {plan["label"]: plan for plan in result["plans"]}


def test_two_plans_of_the_store_side_by_side(both: Kplan) -> None:
    result = both.json("compare", OREBRO_ID, KRONOBERG_ID)
    plans = by_label(result)
    assert list(plans) == [OREBRO_ID, KRONOBERG_ID]
    orebro, kronoberg = plans[OREBRO_ID], plans[KRONOBERG_ID]
    assert (orebro["source"], orebro["file"]) == ("store", None)
    assert (orebro["measures"], kronoberg["measures"]) == (22, 7)
    assert orebro["four_p"]["share"] == round(22 / 88, 4)
    assert kronoberg["four_p"]["of"] == 28
    assert orebro["statuses"]["done"] == 5
    # Each plan's own perspectives; none shared between these two.
    assert list(orebro["perspectives"]) == ["kön", "ålder", "etnicitet"]
    assert list(kronoberg["perspectives"]) == [
        "jämställdhet",
        "funktionsnedsättning",
        "landsbygd",
        "unga",
    ]
    assert [p["shared"] for p in result["perspectives"]] == [False] * 7
    assert orebro["perspectives"]["kön"]["share_yes"] == round(12 / 22, 4)
    # Ladder positions as a share of each plan's own ladder.
    assert orebro["ladder"]["steps"] == 4
    assert orebro["ladder"]["collaborations"] == 25
    positions = [s["position"] for s in orebro["ladder"]["per_step"]]
    assert positions == [0.25, 0.5, 0.75, 1.0]
    counts = [s["collaborations"] for s in orebro["ladder"]["per_step"]]
    assert counts == [5, 7, 7, 6]
    mean = (5 * 0.25 + 7 * 0.5 + 7 * 0.75 + 6 * 1.0) / 25
    assert orebro["ladder"]["mean_position"] == round(mean, 4)
    assert orebro["ladder"]["top_share"] == round(6 / 25, 4)


def test_the_text_table_has_a_column_per_plan(both: Kplan) -> None:
    lines = both("compare", OREBRO_ID, KRONOBERG_ID).stdout.splitlines()
    assert lines[0].split("\t") == ["Figure", OREBRO_ID, KRONOBERG_ID]
    assert all(len(line.split("\t")) == 3 for line in lines)
    four_p = next(line for line in lines if line.startswith("Fyra P done"))
    assert four_p.split("\t")[1:] == ["25% (22 of 88)", "0% (0 of 28)"]
    kon = next(line for line in lines if line.startswith("Perspective kön"))
    assert kon.split("\t")[1:] == ["55% (12/5/5)", "–"]


def test_a_plan_given_as_a_file_compares_as_it_does_from_the_store(
    both: Kplan, tmp_path: Path
) -> None:
    from_store = both.json("compare", OREBRO_ID, KRONOBERG_ID)
    path = exported(both, KRONOBERG_ID, tmp_path)
    from_file = both.json("compare", OREBRO_ID, "--file", str(path))
    kronoberg = by_label(from_file)[KRONOBERG_ID]
    assert (kronoberg["source"], kronoberg["file"]) == ("file", str(path))
    stored = by_label(from_store)[KRONOBERG_ID]
    for key in ("measures", "statuses", "four_p", "perspectives", "ladder", "indicators"):
        assert kronoberg[key] == stored[key], key
    assert from_file["perspectives"] == from_store["perspectives"]
    text = both("compare", OREBRO_ID, "--file", str(path)).stdout
    assert f"Read from\tthe store\t{path}" in text


def test_two_files_need_no_store(kplan: Kplan, tmp_path: Path) -> None:
    kplan("import", str(OREBRO))
    kplan("import", str(KRONOBERG))
    first, second = exported(kplan, OREBRO_ID, tmp_path), exported(kplan, KRONOBERG_ID, tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "compare",
            "--file",
            str(first),
            "--file",
            str(second),
            "--json",
            "--db",
            str(tmp_path / "none.db"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert [p["label"] for p in json.loads(result.stdout)["plans"]] == [OREBRO_ID, KRONOBERG_ID]
    assert not (tmp_path / "none.db").exists()


def test_shared_perspectives_and_indicators_are_matched(both: Kplan, tmp_path: Path) -> None:
    path = exported(both, OREBRO_ID, tmp_path)
    document = json.loads(path.read_text("utf-8"))
    # Another region: its own id, "KÖN" for kön, and one indicator by another id, same name.
    document["plan"]["id"] = "annan-region"
    document["plan"]["perspectives"] = ["KÖN", "ålder", "etnicitet"]
    for measure in document["measures"]:
        measure["perspectives"]["KÖN"] = measure["perspectives"].pop("kön")
        for indicator in measure["indicators"]:
            if indicator["id"] == "validerade":
                indicator["id"] = "validerade-2"
                indicator["values"] = {"2016": 400}
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    result = both.json("compare", OREBRO_ID, "--file", str(path))
    shared = {p["name"]: p for p in result["perspectives"]}
    assert shared["kön"]["shared"] is True
    assert set(shared["kön"]["plans"]) == {OREBRO_ID, "annan-region"}
    assert shared["kön"]["plans"]["annan-region"]["name"] == "KÖN"
    indicators = {(i["match"], i["id"] or i["name"]): i for i in result["indicators"]}
    by_id = indicators[("id", "matchning-utbildning")]
    assert set(by_id["plans"]) == {OREBRO_ID, "annan-region"}
    by_name = indicators[("name", "Personer som fått sitt yrkeskunnande validerat")]
    assert by_name["plans"]["annan-region"] == {
        "id": "validerade-2",
        "unit": "personer",
        "period": "2016",
        "value": 400,
    }
    assert by_name["plans"][OREBRO_ID]["id"] == "validerade"


def test_the_same_plan_twice_gets_two_labels(both: Kplan, tmp_path: Path) -> None:
    path = exported(both, OREBRO_ID, tmp_path)
    result = both.json("compare", OREBRO_ID, "--file", str(path))
    assert [p["label"] for p in result["plans"]] == [OREBRO_ID, f"{OREBRO_ID} ({path.name})"]
    assert len(result["indicators"]) == 20


def test_markdown_and_html_and_a_file(both: Kplan, tmp_path: Path) -> None:
    path = exported(both, KRONOBERG_ID, tmp_path)
    report = both("compare", OREBRO_ID, "--file", str(path), "--format", "md").stdout
    assert report.startswith("# Plans side by side\n")
    assert f"| Figure | {OREBRO_ID} | {KRONOBERG_ID} |" in report
    page = both("compare", OREBRO_ID, "--file", str(path), "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "<script" not in page.lower()
    assert 'aria-label="orebro-kompetens: 25%"' in page
    out = tmp_path / "side.html"
    result = both("compare", OREBRO_ID, KRONOBERG_ID, "-f", "html", "-o", str(out))
    assert result.stdout == ""
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    # The guarded writer: an existing file is not overwritten unasked.
    result = both("compare", OREBRO_ID, KRONOBERG_ID, "-f", "html", "-o", str(out), expect=None)
    assert result.exit_code != 0
    both("compare", OREBRO_ID, KRONOBERG_ID, "-f", "md", "-o", str(out), "--force")
    assert out.read_text("utf-8").startswith("# Plans side by side")


def test_hostile_text_in_a_file_stays_text(both: Kplan, tmp_path: Path) -> None:
    path = exported(both, KRONOBERG_ID, tmp_path)
    document = json.loads(path.read_text("utf-8"))
    hostile = "<script>alert(1)</script>|*x*\x1b[31m"
    document["plan"]["title"] = hostile
    document["plan"]["id"] = "x-region"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    page = both("compare", OREBRO_ID, "--file", str(path), "-f", "html").stdout
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text = both("compare", OREBRO_ID, "--file", str(path)).stdout
    assert "\x1b" not in text
    report = both("compare", OREBRO_ID, "--file", str(path), "-f", "md").stdout
    assert "\\<script\\>" in report and "<script>" not in report


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"not json", "is not JSON"),
        (b"[1, 2]", "is not a kplan JSON export"),
        (b'{"kplan_export": 2}', "kplan_export"),
        (b'{"kplan_export": true, "plan": {}}', "kplan_export"),
        (b'{"kplan_export": 1, "plan": {"id": "x", "title": "t"}, "measures": {}}', "measures"),
        (b'{"kplan_export": 1, "plan": {"id": "x"}}', "plan.title"),
        (
            b'{"kplan_export": 1, "plan": {"id": "x", "title": "t"}, "measures": [{"id": "1"}]}',
            "measures",
        ),
        (b"\xff\xfe", "UTF-8"),
        (
            b'{"kplan_export": 1, "plan": {"id": "x", "title": "t"}, "owners": [{"id": "o",'
            b' "name": "O"}], "measures": [{"id": "1", "title": "m", "owner": "o",'
            b' "progress": true, "indicators": [{"id": "i", "name": "n",'
            b' "values": {"2016": NaN}}]}]}',
            "and 1 more found",
        ),
        (b"[" * 100_000, "JSON"),
        (b'{"kplan_export": 1, "plan": {"id": "x", "title": "t"}}\n' + b"x", "JSON"),
    ],
)
def test_a_bad_file_is_one_line_and_exit_1(
    both: Kplan, tmp_path: Path, content: bytes, says: str
) -> None:
    path = tmp_path / "other.json"
    path.write_bytes(content)
    out = tmp_path / "out.html"
    result = both("compare", OREBRO_ID, "--file", str(path), "-f", "html", "-o", str(out), expect=1)
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("kplan: error: ") and str(path) in line
    assert says in line
    assert not out.exists()


def test_missing_file_folder_and_unknown_plan(both: Kplan, tmp_path: Path) -> None:
    for path in (tmp_path / "missing.json", tmp_path):
        result = both("compare", OREBRO_ID, "--file", str(path), expect=1)
        assert len(result.stderr.splitlines()) == 1
    result = both("compare", OREBRO_ID, "nowhere", expect=1)
    assert "nowhere" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ["compare", OREBRO_ID],
        ["compare"],
        ["compare", OREBRO_ID, KRONOBERG_ID, "--format", "pdf"],
        ["compare", OREBRO_ID, KRONOBERG_ID, "--format", "html", "--json"],
    ],
)
def test_usage_errors_exit_2(both: Kplan, arguments: list[str]) -> None:
    result = both(*arguments, expect=2)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_compare_in_swedish(both: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    lines = both("compare", OREBRO_ID, KRONOBERG_ID).stdout.splitlines()
    assert lines[0].startswith("Mått\t")
    assert any(line.startswith("Perspektivet kön: integrerat") for line in lines)
    page = both("compare", OREBRO_ID, KRONOBERG_ID, "-f", "html").stdout
    assert '<html lang="sv">' in page and "Planer sida vid sida" in page


def test_read_export_reads_back_what_export_writes(both: Kplan, tmp_path: Path) -> None:
    path = exported(both, OREBRO_ID, tmp_path)
    plan = read_export(path)
    assert plan.id == OREBRO_ID and len(plan.measures) == 22
    assert plan.measures[0].collaborations[0].id == "analysgrupp"
    assert plan.measures[0].indicators[0].values == {"2014": 7, "2015": 10}


# Fuzzing: whatever a file holds, and whatever options are given, the answer
# is a comparison (exit 0), one line and exit 1 (a bad file) or exit 2 (bad
# usage): never a traceback or kplan's internal error.

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_KEYS = ("plan", "measures", "organisations", "owners", "kplan_export")


def _valid_export() -> dict[str, Any]:
    plan = read_export_source()
    return json.loads(plan)


_VALID: dict[str, str] = {}


def read_export_source() -> str:
    """A JSON export of the Örebro example, made once (without a store)."""
    if "text" not in _VALID:
        import datetime as dt

        from kplan.core.planfile import read_plan_file
        from kplan.present.text import export_json

        _VALID["text"] = export_json(
            read_plan_file(OREBRO), generated_at=dt.datetime(2016, 3, 1, tzinfo=dt.UTC)
        )
    return _VALID["text"]


@st.composite
def mutated_exports(draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["replace", "measure", "bytes", "truncate"]))
    document = _valid_export()
    if how == "replace":
        document[draw(st.sampled_from(_KEYS))] = draw(_JSON)
    elif how == "measure":
        measure = document["measures"][draw(st.integers(0, 21))]
        key = draw(st.sampled_from([*measure.keys(), "extra"]))
        measure[key] = draw(_JSON)
    elif how == "bytes":
        return draw(st.binary(max_size=200))
    else:
        text = json.dumps(document, ensure_ascii=False).encode()
        return text[: draw(st.integers(0, len(text) - 1))]
    return json.dumps(document, ensure_ascii=False).encode()


def _compare_files(folder: Path, data: bytes, *extra: str) -> Any:
    good = folder / "good.json"
    if not good.exists():
        good.write_text(read_export_source(), "utf-8")
    other = folder / "other.json"
    other.write_bytes(data)
    return CliRunner().invoke(
        app,
        [
            "compare",
            "--file",
            str(good),
            "--file",
            str(other),
            *extra,
            "--db",
            str(folder / "x.db"),
        ],
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=mutated_exports(), fmt=st.sampled_from(["text", "json", "md", "html"]))
def test_fuzz_file_input(tmp_path: Path, data: bytes, fmt: str) -> None:
    result = _compare_files(tmp_path, data, "--format", fmt)
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr, result.exception)
    if result.exit_code == 1:
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith("kplan: error: ")
    else:
        assert result.stdout


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fmt=st.text(max_size=10),
    json_flag=st.booleans(),
    output=st.sampled_from([None, "out.x", "-", "sub/none/out.html"]),
)
def test_fuzz_options(tmp_path: Path, fmt: str, json_flag: bool, output: str | None) -> None:
    extra = ["--format", fmt]
    if json_flag:
        extra.append("--json")
    if output is not None:
        extra += ["-o", output if output == "-" else str(tmp_path / output), "--force"]
    result = _compare_files(tmp_path, read_export_source().encode(), *extra)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr, result.exception)
    if result.exit_code:
        assert len(result.stderr.strip().splitlines()) >= 1
        assert "Traceback" not in result.stderr


def test_read_export_refuses_a_plan_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError, match="is not JSON"):
        read_export(OREBRO)


@pytest.mark.sqlite_only
def test_the_installed_entry_point_compares_a_file(tmp_path: Path) -> None:
    from tests.test_entrypoint import heavy_modules_of, run

    db = tmp_path / "k.db"
    for plan in (OREBRO, KRONOBERG):
        assert run("import", str(plan), "--db", str(db), "--as", "demo").returncode == 0
    path = tmp_path / "kronoberg.json"
    made = run("export", "--plan", KRONOBERG_ID, "-f", "json", "-o", str(path), "--db", str(db))
    assert made.returncode == 0, made.stderr
    result = run("compare", OREBRO_ID, "--file", str(path), "--json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert [p["source"] for p in json.loads(result.stdout)["plans"]] == ["store", "file"]
    # The table and JSON need no template library; the page does.
    result, heavy = heavy_modules_of("compare", OREBRO_ID, KRONOBERG_ID, "--json", db=db)
    assert result.returncode == 0, result.stderr
    assert "jinja2" not in heavy and "sqlalchemy" not in heavy
    bad = tmp_path / "bad.json"
    bad.write_text('{"kplan_export": 1, "plan": []}', "utf-8")
    result = run("compare", OREBRO_ID, "--file", str(bad), "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
