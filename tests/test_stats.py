"""Official statistics: values split by group, indicator sources, kplan indicator fetch."""

from __future__ import annotations

import csv
import hashlib
import http.server
import io
import json
import math
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kplan.core.planfile import parse_plan_text, plan_to_toml
from kplan.core.statistics import Answer, SourceError, observations, time_period
from kplan.domain import normalise_period
from tests.conftest import KRONOBERG, OREBRO, ROOT, Kplan, dump_store

INDICATOR = "matchning-utbildning"
OWNER = "jlindqvist"  # owns measure 2, which the indicator belongs to


def _split(kplan: Kplan, indicator: str = INDICATOR) -> list[dict[str, Any]]:
    shown = kplan.json("show", "2")
    found = next(i for i in shown["indicators"] if i["id"] == indicator)
    split: list[dict[str, Any]] = found["split"]
    return split


def _owners_only(tmp_path: Path) -> Path:
    text = OREBRO.read_text(encoding="utf-8")
    path = tmp_path / "owners.toml"
    path.write_text(text.replace("[plan]\n", '[plan]\nedit = "owners"\n', 1), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# Values split by group
# ---------------------------------------------------------------------------


def test_record_group_values_show_the_split_gap_and_its_trend(orebro: Kplan) -> None:
    for group, period, value in [
        ("kön=kvinnor", "2014", "65"),
        ("kön=män", "2014", "61"),
        ("kön=kvinnor", "2015", "66"),
        ("kön=män", "2015", "63,5"),
    ]:
        orebro("record", INDICATOR, period, value, "--group", group, "--as", OWNER)
    (split,) = _split(orebro)
    assert split == {
        "perspective": "kön",
        "groups": {"kvinnor": {"2014": 65, "2015": 66}, "män": {"2014": 61, "2015": 63.5}},
        "gap": {"2014": 4, "2015": 2.5},
        "gap_trend": "up",
    }
    # The indicator's own values are untouched.
    shown = orebro.json("show", "2")
    assert next(i for i in shown["indicators"] if i["id"] == INDICATOR)["values"] == {
        "2014": 63,
        "2015": 63.5,
    }
    text = orebro("show", "2").stdout
    assert "kön=kvinnor: 2014: 65, 2015: 66" in text
    assert "kön=män: 2014: 61, 2015: 63.5" in text
    assert "↑ gap between the groups of kön: 2014: 4, 2015: 2.5" in text
    event = orebro.json("log", "--limit", "1")[0]
    assert (event["field"], event["old"], event["new"]) == ("groups.2015.kön=män", None, "63.5")


def test_groups_of_any_perspective_of_the_plan_and_names_kept_as_first_written(
    orebro: Kplan,
) -> None:
    orebro("record", INDICATOR, "2016", "40", "--group", "ÅLDER=16–24 år", "--as", OWNER)
    orebro("record", INDICATOR, "2016", "41", "--group", "ålder=16–24 ÅR", "--as", OWNER)
    orebro("record", INDICATOR, "2016", "70", "--group", "etnicitet=Född i Sverige", "--as", OWNER)
    split = {s["perspective"]: s["groups"] for s in _split(orebro)}
    assert split == {
        "ålder": {"16–24 år": {"2016": 41}},
        "etnicitet": {"Född i Sverige": {"2016": 70}},
    }


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ("kön", "'kön' names no group: write PERSPECTIVE=GROUP (kön=kvinnor)"),
        ("kön=", "names no group"),
        ("=kvinnor", "names no group"),
        ("köns=kvinnor", "'köns' is not a valid perspective. Did you mean 'kön'?"),
        ("kön=kvin\x1bnor", "the group 'kvin\\x1bnor' cannot be used"),
    ],
)
def test_a_bad_group_is_one_line_exit_1_and_nothing_written(
    orebro: Kplan, db: Path, group: str, message: str
) -> None:
    before = orebro.json("log")
    result = orebro("record", INDICATOR, "2016", "3", "--group", group, "--as", OWNER, expect=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert orebro.json("log") == before


def test_group_values_follow_the_permissions_of_record(tmp_path: Path, kplan: Kplan) -> None:
    kplan("import", str(_owners_only(tmp_path)), "--as", "ehedlund")
    result = kplan(
        "record", INDICATOR, "2016", "3", "--group", "kön=kvinnor", "--as", "mholm", expect=4
    )
    assert "mholm" in result.stderr
    kplan("record", INDICATOR, "2016", "3", "--group", "kön=kvinnor", "--as", OWNER)


def test_undo_removes_a_first_group_value_and_restores_an_earlier_one(orebro: Kplan) -> None:
    orebro("record", INDICATOR, "2016", "50", "--group", "kön=kvinnor", "--as", OWNER)
    orebro("record", INDICATOR, "2016", "55", "--group", "kön=kvinnor", "--as", OWNER)
    orebro("undo", "--as", OWNER)
    assert _split(orebro)[0]["groups"] == {"kvinnor": {"2016": 50}}
    orebro("undo", "--as", OWNER)
    assert _split(orebro) == []


def test_group_values_in_the_plan_file_import_export_and_reimport(
    orebro: Kplan, tmp_path: Path
) -> None:
    orebro("record", INDICATOR, "2016", "50", "--group", "kön=kvinnor", "--as", OWNER)
    orebro("record", INDICATOR, "2016", "47.5", "--group", "kön=män", "--as", OWNER)
    exported = tmp_path / "plan.toml"
    orebro("export", "--format", "toml", "-o", str(exported))
    text = exported.read_text(encoding="utf-8")
    assert 'groups = { "kön" = { kvinnor = { 2016 = 50 }, "män" = { 2016 = 47.5 } } }' in text
    assert parse_plan_text(plan_to_toml(parse_plan_text(text))) == parse_plan_text(text)
    events = len(orebro.json("log"))
    orebro("import", str(exported), "--as", "ehedlund", "--force")
    assert len(orebro.json("log")) == events
    # A changed group value in the file is an event of its own field.
    # --force: a value recorded in the same second as the export may count as after its base.
    exported.write_text(text.replace("47.5", "48"), encoding="utf-8")
    orebro("import", str(exported), "--as", "ehedlund", "--force")
    event = orebro.json("log", "--limit", "1")[0]
    assert (event["field"], event["old"], event["new"]) == ("groups.2016.kön=män", "47.5", "48")


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (
            '{ "köns" = { kvinnor = { 2016 = 1 } } }',
            "groups.köns: 'köns' is not valid. Did you mean 'kön'?",
        ),
        ('{ "kön" = { kvinnor = { "2016x" = 1 } } }', "'2016x' is not a period"),
        ('{ "kön" = { kvinnor = { 2016 = "hög" } } }', "expected a number"),
        ('{ "kön" = { Kvinnor = { 2016 = 1 }, kvinnor = { 2015 = 1 } } }', "same name as"),
        ('{ "kön" = { "kvin\\u001bnor" = { 2016 = 1 } } }', "kvin\\x1bnor"),
        ('{ "kön" = [1] }', "expected a table"),
    ],
)
def test_a_plan_file_with_bad_groups_is_refused(
    kplan: Kplan, tmp_path: Path, groups: str, message: str
) -> None:
    text = unsourced().replace(
        'values = { "2014" = 63, "2015" = 63.5 }\n',
        f'values = {{ "2014" = 63, "2015" = 63.5 }}\ngroups = {groups}\n',
        1,
    )
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    result = kplan("import", str(path), "--as", "ehedlund", expect=1)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_group_values_in_the_json_and_csv_exports(orebro: Kplan, db: Path) -> None:
    orebro("record", INDICATOR, "2016", "50", "--group", "kön=kvinnor", "--as", OWNER)
    orebro("record", INDICATOR, "2016", "47", "--group", "kön=män", "--as", OWNER)
    document = json.loads(orebro("export", "--format", "json").stdout)
    indicator = next(
        i for m in document["measures"] for i in m["indicators"] if i["id"] == INDICATOR
    )
    assert indicator["split"][0]["gap"] == {"2016": 3}
    if isinstance(db, Path):
        assert len(dump_store(db)["indicator_group_value"]) == 2
    table = list(
        csv.DictReader(io.StringIO(orebro("export", "--format", "csv").stdout.lstrip("\ufeff")))
    )
    # Measure 2's second indicator is split by kön: the second place has a gap column.
    assert table[1]["indicator_2"] == "matchning-utbildning"
    assert [row["indicator_2_gap_kön"] for row in table[:2]] == ["", "3"]


def test_group_values_in_the_markdown_and_html_exports(orebro: Kplan) -> None:
    plain = orebro("export", "--format", "md").stdout
    assert "Values split by group" not in plain
    for part, value in [("2015", "66"), ("2016", "50")]:
        orebro("record", INDICATOR, part, value, "--group", "kön=kvinnor", "--as", OWNER)
    for part, value in [("2015", "60"), ("2016", "47")]:
        orebro("record", INDICATOR, part, value, "--group", "kön=män", "--as", OWNER)
    report = orebro("export", "--format", "md").stdout
    assert "## Values split by group" in report
    assert "| Group | 2015 | 2016 |" in report
    assert "| kön=kvinnor | 66 | 50 |" in report
    assert "| gap between the groups of kön (↑ narrowing) | 6 | 3 |" in report
    page = orebro("export", "--format", "html").stdout
    assert "kön=kvinnor" in page and "kön=män" in page
    assert "gap between the groups of kön" in page
    assert "narrowing" in page


# ---------------------------------------------------------------------------
# Indicator sources and kplan indicator fetch, against a server on 127.0.0.1
# ---------------------------------------------------------------------------

DATA = Path(__file__).resolve().parent / "data" / "statistics"
PXWEB_ANSWER = DATA / "pxweb-v2-matchning.json"


def unsourced() -> str:
    """The example plan's text without its indicator's source, for a test to give its own."""
    lines = OREBRO.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("source = "))


SOURCE_LINE = (
    'source = {{ kind = "pxweb", url = "{url}", api = {api}, table = "{table}", region = "18",'
    ' measure = "000007MX", split = "Kon", perspective = "kön",'
    ' groups = {{ "1" = "män", "2" = "kvinnor" }}, total = "1+2" }}\n'
)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers as PxWeb and Kolada do, from the files in tests/data/statistics."""

    requests: ClassVar[list[tuple[str, str, bytes]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: bytes, *, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.requests.append(("POST", self.path, body))
        table = self.path.split("?")[0].rstrip("/").removesuffix("/data").rsplit("/", 1)[-1]
        if table == "TAB-ERROR":
            self._answer(400, (DATA / "pxweb-v2-error.json").read_bytes())
        elif table == "TAB-SLOW":
            time.sleep(1.5)
            self._answer(200, PXWEB_ANSWER.read_bytes())
        elif table == "TAB-CUT":
            whole = PXWEB_ANSWER.read_bytes()
            self._answer(200, whole[: len(whole) // 2], length=len(whole))
            self.close_connection = True
        elif table == "TAB-HTML":
            self._answer(200, b"<html><body>Service unavailable</body></html>")
        elif table == "TAB-MISSING":
            self._answer(404, b"Not found")
        else:
            self._answer(200, PXWEB_ANSWER.read_bytes())

    def do_GET(self) -> None:
        self.requests.append(("GET", self.path, b""))
        self._answer(200, (DATA / "kolada-v2-data.json").read_bytes())


@pytest.fixture
def server() -> Iterator[str]:
    """An HTTP server on 127.0.0.1 answering like PxWeb and Kolada; its base address."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.requests.clear()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _sourced_plan(tmp_path: Path, url: str, table: str = "TAB-MATCH", api: int = 2) -> Path:
    """The example plan with its indicator matchning-utbildning sourced from a PxWeb table."""
    text = unsourced().replace(
        'values = { "2014" = 63, "2015" = 63.5 }\n',
        'values = { "2014" = 63, "2015" = 63.5 }\n'
        + SOURCE_LINE.format(url=url, api=api, table=table),
        1,
    )
    path = tmp_path / "sourced.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def sourced(kplan: Kplan, tmp_path: Path, server: str) -> Kplan:
    """The store with the example plan whose matchning-utbildning reads the local server."""
    kplan("import", str(_sourced_plan(tmp_path, f"{server}/api/v2")), "--as", "ehedlund")
    return kplan


EXPECTED_SPLIT = {
    "perspective": "kön",
    "groups": {
        "män": {"2014": 61, "2015": 61.2, "2016": 62},
        "kvinnor": {"2014": 65, "2015": 66, "2016": 66.4},
    },
    "gap": {"2014": 4, "2015": 4.8, "2016": 4.4},
    "gap_trend": "up",
}


def test_fetch_records_the_values_split_by_kon_with_their_provenance(
    sourced: Kplan, server: str
) -> None:
    before = len(sourced.json("log", "--limit", "0"))
    result = sourced("indicator", "fetch", INDICATOR, "--as", OWNER)
    assert "matchning-utbildning: SCB PxWeb TAB-MATCH (18), updated 2025-02-20T07:00:00Z" in (
        result.stdout
    )
    assert "Recorded 7 values:" in result.stdout
    shown = sourced.json("show", "2")
    indicator = next(i for i in shown["indicators"] if i["id"] == INDICATOR)
    assert indicator["values"] == {"2014": 63, "2015": 63.5, "2016": 64.2}
    assert indicator["split"] == [EXPECTED_SPLIT]
    events = sourced.json("log", "--limit", "0")[
        : len(sourced.json("log", "--limit", "0")) - before
    ]
    assert len(events) == 7
    digest = hashlib.sha256(PXWEB_ANSWER.read_bytes()).hexdigest()
    for event in events:
        assert event["actor"] == OWNER
        assert event["source"] == {
            "kind": "pxweb",
            "table": "TAB-MATCH",
            "region": "18",
            "updated": "2025-02-20T07:00:00Z",
            "sha256": digest,
            "from": "http",
        }
    assert {e["field"] for e in events} == {
        "values.2016",
        "groups.2014.kön=män",
        "groups.2015.kön=män",
        "groups.2016.kön=män",
        "groups.2014.kön=kvinnor",
        "groups.2015.kön=kvinnor",
        "groups.2016.kön=kvinnor",
    }
    text = sourced("log", "--limit", "1").stdout
    assert "SCB PxWeb TAB-MATCH (18), updated 2025-02-20T07:00:00Z" in text
    # The query asked for the region, the measure, the groups and every period.
    method, path, body = _Handler.requests[-1]
    assert (method, path) == (
        "POST",
        "/api/v2/tables/TAB-MATCH/data?lang=sv&outputFormat=json-stat2",
    )
    assert json.loads(body) == {
        "selection": [
            {"variableCode": "Region", "valueCodes": ["18"]},
            {"variableCode": "ContentsCode", "valueCodes": ["000007MX"]},
            {"variableCode": "Kon", "valueCodes": ["1", "2", "1+2"]},
            {"variableCode": "Tid", "valueCodes": ["*"]},
        ]
    }
    # The same data again records nothing.
    count = len(sourced.json("log", "--limit", "0"))
    again = sourced("indicator", "fetch", "--as", OWNER)
    assert "Nothing changed" in again.stdout
    assert len(sourced.json("log", "--limit", "0")) == count


def test_fetch_from_a_saved_file_without_a_server(kplan: Kplan, tmp_path: Path) -> None:
    # Nothing listens on port 9 of 127.0.0.1: only the file can answer.
    kplan("import", str(_sourced_plan(tmp_path, "http://127.0.0.1:9/api/v2")), "--as", "ehedlund")
    dry = kplan.json(
        "indicator",
        "fetch",
        INDICATOR,
        "--from-file",
        str(PXWEB_ANSWER),
        "--dry-run",
        "--as",
        OWNER,
    )
    assert dry["dry_run"] is True and dry["batch"] is None
    assert len(dry["changes"]) == 7
    assert len(kplan.json("log", "--limit", "0")) == 1
    done = kplan.json(
        "indicator", "fetch", INDICATOR, "--from-file", str(PXWEB_ANSWER), "--as", OWNER
    )
    assert done["sources"][0]["from"] == "file"
    assert done["sources"][0]["updated"] == "2025-02-20T07:00:00Z"
    assert len(done["changes"]) == 7
    assert _split(kplan) == [EXPECTED_SPLIT]
    again = kplan.json(
        "indicator", "fetch", INDICATOR, "--from-file", str(PXWEB_ANSWER), "--as", OWNER
    )
    assert again["changes"] == [] and again["batch"] is None


def test_fetch_through_pxweb_api_version_1(kplan: Kplan, tmp_path: Path, server: str) -> None:
    plan = _sourced_plan(tmp_path, f"{server}/api/v1/doris/sv/ssd", table="AM/AM0208/TAB-V1", api=1)
    kplan("import", str(plan), "--as", "ehedlund")
    kplan("indicator", "fetch", "--as", OWNER)
    assert _split(kplan) == [EXPECTED_SPLIT]
    method, path, body = _Handler.requests[-1]
    assert (method, path) == ("POST", "/api/v1/doris/sv/ssd/AM/AM0208/TAB-V1")
    query = json.loads(body)
    assert query["response"] == {"format": "json-stat2"}
    assert {"code": "Tid", "selection": {"filter": "all", "values": ["*"]}} in query["query"]


def test_fetch_a_kolada_key_figure_split_by_gender(
    kplan: Kplan, tmp_path: Path, server: str
) -> None:
    text = unsourced().replace(
        'values = { "2014" = 63, "2015" = 63.5 }\n',
        'values = { "2014" = 63, "2015" = 63.5 }\n'
        f'source = {{ kind = "kolada", url = "{server}/kolada/v2", kpi = "N00914",'
        ' region = "1880", perspective = "kön" }\n',
        1,
    )
    plan = tmp_path / "kolada.toml"
    plan.write_text(text, encoding="utf-8")
    kplan("import", str(plan), "--as", "ehedlund")
    kplan("indicator", "fetch", INDICATOR, "--as", OWNER)
    assert _Handler.requests[-1][:2] == ("GET", "/kolada/v2/data/kpi/N00914/municipality/1880")
    (split,) = _split(kplan)
    assert split["groups"] == {"kvinnor": {"2015": 66, "2016": 66.4}, "män": {"2015": 61.2}}
    event = kplan.json("log", "--limit", "1")[0]
    assert event["source"]["kind"] == "kolada" and event["source"]["kpi"] == "N00914"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("TAB-ERROR", "refused the query: HTTP 400: Bad Request – Non-existent value code: 99"),
        ("TAB-SLOW", "no answer from 127.0.0.1:"),
        ("TAB-CUT", "was cut short"),
        ("TAB-HTML", "is not JSON, or it is cut short"),
        ("TAB-MISSING", "refused the query: HTTP 404: Not found"),
    ],
)
def test_a_failing_source_is_one_line_exit_1_and_nothing_written(
    kplan: Kplan, tmp_path: Path, server: str, table: str, message: str
) -> None:
    kplan(
        "import", str(_sourced_plan(tmp_path, f"{server}/api/v2", table=table)), "--as", "ehedlund"
    )
    before = kplan.json("log", "--limit", "0")
    result = kplan("indicator", "fetch", "--timeout", "0.5", "--as", OWNER, expect=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert kplan.json("log", "--limit", "0") == before


def test_an_unreachable_host_is_one_line_exit_1(kplan: Kplan, tmp_path: Path) -> None:
    kplan("import", str(_sourced_plan(tmp_path, "http://127.0.0.1:9/api/v2")), "--as", "ehedlund")
    result = kplan("indicator", "fetch", "--as", OWNER, expect=1)
    assert "cannot reach 127.0.0.1:9" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_fetch_follows_the_permissions_of_record(tmp_path: Path, kplan: Kplan, server: str) -> None:
    text = _sourced_plan(tmp_path, f"{server}/api/v2").read_text(encoding="utf-8")
    path = tmp_path / "owners.toml"
    path.write_text(text.replace("[plan]\n", '[plan]\nedit = "owners"\n', 1), encoding="utf-8")
    kplan("import", str(path), "--as", "ehedlund")
    before = kplan.json("log", "--limit", "0")
    result = kplan("indicator", "fetch", "--as", "mholm", expect=4)
    assert "mholm" in result.stderr
    assert kplan.json("log", "--limit", "0") == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("kartlagda-branscher",), 1, "has no source"),
        (("nope",), 1, "unknown indicator 'nope'"),
        (("--timeout", "0"), 2, "--timeout must be a number of seconds above 0"),
        (("--timeout", "nan"), 2, "--timeout must be a number of seconds above 0"),
        (("--from-file", "/nonexistent/x.json"), 1, "cannot read /nonexistent/x.json"),
    ],
)
def test_bad_fetch_options_are_one_line(
    sourced: Kplan, args: tuple[str, ...], code: int, message: str
) -> None:
    result = sourced("indicator", "fetch", *args, "--as", OWNER, expect=code)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_plan_without_sources_has_nothing_to_fetch(kplan: Kplan) -> None:
    kplan("import", str(KRONOBERG), "--as", "ehedlund")
    result = kplan("indicator", "fetch", "--as", "ehedlund", expect=1)
    assert "no indicator of plan kronoberg-kompetens has a source" in result.stderr


EXAMPLE_ANSWER = ROOT / "examples" / "statistics" / "matchning-utbildning.json"


def test_the_example_plan_fetches_its_saved_answer(orebro: Kplan) -> None:
    """The example's sourced indicator, read from the answer kept beside the example."""
    before = dump_store(orebro.db)
    dry = orebro.json("indicator", "fetch", "--from-file", str(EXAMPLE_ANSWER), "--dry-run")
    assert dry["dry_run"] is True and dry["batch"] is None
    assert dump_store(orebro.db) == before
    result = orebro("indicator", "fetch", "--from-file", str(EXAMPLE_ANSWER), "--as", OWNER)
    assert "Recorded 7 values:" in result.stdout
    shown = orebro.json("show", "2")
    indicator = next(i for i in shown["indicators"] if i["id"] == INDICATOR)
    assert indicator["values"] == {"2014": 63, "2015": 63.5, "2016": 64.2}
    assert indicator["split"] == [EXPECTED_SPLIT]
    event = orebro.json("log", "--limit", "1")[0]
    assert event["source"]["table"] == "AM/AM9906/AM9906A/RegionIndE3N"
    assert event["source"]["updated"] == "2025-02-20T07:00:00Z"
    assert event["source"]["from"] == "file"
    again = orebro("indicator", "fetch", "--from-file", str(EXAMPLE_ANSWER), "--as", OWNER)
    assert "Nothing changed" in again.stdout


def test_url_asks_another_server_for_the_example_plans_source(orebro: Kplan, server: str) -> None:
    """--url: the example's own source (PxWeb API 1, SCB's address) asked at a local server."""
    orebro("indicator", "fetch", "--url", f"{server}/api/v1/sv/ssd", "--as", OWNER)
    method, path, body = _Handler.requests[-1]
    assert (method, path) == ("POST", "/api/v1/sv/ssd/AM/AM9906/AM9906A/RegionIndE3N")
    query = json.loads(body)
    assert {"code": "Region", "selection": {"filter": "item", "values": ["18"]}} in query["query"]
    assert query["response"] == {"format": "json-stat2"}
    event = orebro.json("log", "--limit", "1")[0]
    assert event["source"]["from"] == "http"
    # The plan's own address is kept: --url is for this fetch only.
    exported = orebro("export", "--format", "toml").stdout
    assert "127.0.0.1" not in exported


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/api",
        "http://",
        "127.0.0.1:8080/api/v2",
        "http://exa mple.org",
        "http://[::1",
        "",
        "http://example.org/\x1b[31m",
        "https://" + "a" * 3000 + ".org",
    ],
)
def test_a_bad_url_is_one_line_and_exit_2(orebro: Kplan, url: str) -> None:
    before = dump_store(orebro.db)
    result = orebro("indicator", "fetch", "--url", url, "--as", OWNER, expect=2)
    assert result.stderr.startswith("kplan: error: --url must be an http or https address")
    assert len(result.stderr.splitlines()) == 1
    assert "\x1b" not in result.stderr
    assert dump_store(orebro.db) == before


def test_a_source_round_trips_through_the_store_and_the_plan_file(
    sourced: Kplan, tmp_path: Path, server: str
) -> None:
    exported = tmp_path / "again.toml"
    sourced("export", "--format", "toml", "-o", str(exported))
    text = exported.read_text(encoding="utf-8")
    assert (
        f'source = {{ kind = "pxweb", url = "{server}/api/v2", api = 2, table = "TAB-MATCH"' in text
    )
    assert 'groups = { 1 = "män", 2 = "kvinnor" }' in text
    events = len(sourced.json("log", "--limit", "0"))
    sourced("import", str(exported), "--as", "ehedlund")
    assert len(sourced.json("log", "--limit", "0")) == events


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('{ kind = "scb" }', "'scb' is not valid"),
        ('{ kind = "pxweb" }', "a pxweb source needs 'table'"),
        ('{ kind = "kolada", kpi = "N1" }', "a kolada source needs 'region'"),
        ('{ kind = "pxweb", table = "T", groups = { "1" = "män" } }', "needs 'perspective'"),
        ('{ kind = "pxweb", table = "T", api = 3 }', "3"),
        ('{ kind = "pxweb", table = "T", selection = { Alder = [] } }', "array of value codes"),
        ('{ kind = "pxweb", table = "T", colour = "red" }', "colour"),
    ],
)
def test_a_bad_source_table_is_refused(
    kplan: Kplan, tmp_path: Path, source: str, message: str
) -> None:
    text = unsourced().replace(
        'values = { "2014" = 63, "2015" = 63.5 }\n',
        f'values = {{ "2014" = 63, "2015" = 63.5 }}\nsource = {source}\n',
        1,
    )
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    result = kplan("import", str(path), "--as", "ehedlund", expect=1)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("timeout", ["1e308", "inf", "-1", "86401"])
def test_a_timeout_out_of_range_is_a_usage_error(sourced: Kplan, timeout: str) -> None:
    result = sourced("indicator", "fetch", "--timeout", timeout, "--as", OWNER, expect=2)
    assert "at most 86400" in result.stderr


# ---------------------------------------------------------------------------
# The decoders, fuzzed: whatever an answer holds, a SourceError or observations
# ---------------------------------------------------------------------------

PXWEB_SOURCE = {
    "kind": "pxweb",
    "table": "TAB-MATCH",
    "region": "18",
    "measure": "000007MX",
    "split": "Kon",
    "perspective": "kön",
    "groups": {"1": "män", "2": "kvinnor"},
    "total": "1+2",
}
KOLADA_SOURCE = {"kind": "kolada", "kpi": "N00914", "region": "1880", "perspective": "kön"}
KOLADA_ANSWER = DATA / "kolada-v2-data.json"

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def _mutations(document: Any) -> st.SearchStrategy[Any]:
    """A document with one of its values (at any depth) replaced by something else."""

    def paths(node: Any, prefix: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        found = [prefix]
        if isinstance(node, dict):
            for key, value in node.items():
                found += paths(value, (*prefix, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                found += paths(value, (*prefix, index))
        return found

    def replaced(path: tuple[Any, ...], value: Any) -> Any:
        copy = json.loads(json.dumps(document))
        if not path:
            return value
        node = copy
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        return copy

    return st.tuples(st.sampled_from(paths(document, ())), json_values).map(
        lambda pair: replaced(*pair)
    )


def _decodes_or_refuses(source: dict[str, Any], body: bytes) -> None:
    try:
        found = observations(source, Answer(body, "http://127.0.0.1/x"))
    except SourceError as error:
        assert "\n" not in error.message
        return
    for series in [found.values, *found.groups.values()]:
        assert all(normalise_period(period) == period for period in series)
        assert all(math.isfinite(value) for value in series.values())


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=st.data())
def test_the_jsonstat_decoder_takes_any_mutation(data: Any) -> None:
    document = json.loads(PXWEB_ANSWER.read_bytes())
    body = json.dumps(data.draw(_mutations(document))).encode()
    _decodes_or_refuses(PXWEB_SOURCE, body)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.data())
def test_the_kolada_decoder_takes_any_mutation(data: Any) -> None:
    document = json.loads(KOLADA_ANSWER.read_bytes())
    body = json.dumps(data.draw(_mutations(document))).encode()
    _decodes_or_refuses(KOLADA_SOURCE, body)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(cut=st.integers(0, 4000), junk=st.binary(max_size=20))
def test_the_decoders_take_a_cut_or_spliced_answer(cut: int, junk: bytes) -> None:
    for source, path in [(PXWEB_SOURCE, PXWEB_ANSWER), (KOLADA_SOURCE, KOLADA_ANSWER)]:
        whole = path.read_bytes()
        _decodes_or_refuses(source, whole[: cut % (len(whole) + 1)] + junk)


@pytest.mark.parametrize(
    ("code", "period"),
    [
        ("2016", "2016"),
        ("2016M03", "2016-03"),
        ("2016K1", "2016-Q1"),
        ("2016T2", "2016-T2"),
        ("2016H1", "2016-H1"),
        ("2016M13", None),
        ("2016K5", None),
        ("2015/16", None),
        ("", None),
    ],
)
def test_time_codes_of_the_sources_become_periods(code: str, period: str | None) -> None:
    assert time_period(code) == period


@pytest.mark.parametrize("key", ["²", "١", "-1", "9", "1e3", " 1"])
def test_a_sparse_value_at_no_position_is_refused(key: str) -> None:
    document = json.loads(PXWEB_ANSWER.read_bytes())
    document["value"] = {"0": 1.5, key: 2.5}
    with pytest.raises(SourceError, match="'value' must hold 9 cells"):
        observations(PXWEB_SOURCE, Answer(json.dumps(document).encode(), "http://127.0.0.1/x"))


def test_a_sparse_dataset_and_an_index_as_a_list_decode() -> None:
    document = json.loads(PXWEB_ANSWER.read_bytes())
    document["value"] = {"2": 62.0, "8": 64.2}
    document["dimension"]["Tid"]["category"]["index"] = ["2014", "2015", "2016"]
    found = observations(PXWEB_SOURCE, Answer(json.dumps(document).encode(), "http://127.0.0.1/x"))
    assert found.values == {"2016": 64.2}
    assert found.groups == {"män": {"2016": 62.0}}
    assert found.updated == "2025-02-20T07:00:00Z"


def test_undo_reverts_a_whole_fetch(sourced: Kplan) -> None:
    before = _split(sourced)
    sourced("indicator", "fetch", "--as", OWNER)
    assert _split(sourced) == [EXPECTED_SPLIT]
    sourced("undo", "--as", OWNER)
    assert _split(sourced) == before == []
    shown = sourced.json("show", "2")
    values = next(i for i in shown["indicators"] if i["id"] == INDICATOR)["values"]
    assert values == {"2014": 63, "2015": 63.5}


def test_hostile_group_names_are_shown_harmless(orebro: Kplan) -> None:
    group = "kön=<script>alert(1)</script> | **x**"
    orebro("record", INDICATOR, "2016", "5", "--group", group, "--as", OWNER)
    orebro("record", INDICATOR, "2016", "7", "--group", "kön=män", "--as", OWNER)
    shown = orebro("show", "2").stdout
    assert "kön=<script>alert(1)</script> | **x**: 2016: 5" in shown
    report = orebro("export", "--format", "md").stdout
    assert "<script>" not in report and "\\<script\\>" in report
    page = orebro("export", "--format", "html").stdout
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_apply_records_group_values_from_json_lines_and_csv(orebro: Kplan, tmp_path: Path) -> None:
    lines = tmp_path / "values.jsonl"
    lines.write_text(
        json.dumps({"indicator": INDICATOR, "period": "2016", "value": 50, "group": "kön=kvinnor"})
        + "\n"
        + json.dumps({"indicator": INDICATOR, "period": 2016, "value": "47,5", "group": "kön=män"})
        + "\n",
        encoding="utf-8",
    )
    orebro("apply", str(lines), "--as", OWNER)
    assert _split(orebro)[0]["groups"] == {"kvinnor": {"2016": 50}, "män": {"2016": 47.5}}
    table = tmp_path / "values.csv"
    table.write_text(
        f"indicator,period,value,group\n{INDICATOR},2017,51,kön=kvinnor\n", encoding="utf-8"
    )
    orebro("apply", str(table), "--as", OWNER)
    assert _split(orebro)[0]["groups"]["kvinnor"] == {"2016": 50, "2017": 51}
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"indicator": INDICATOR, "period": "2016", "value": 1, "group": ["kön"]}) + "\n",
        encoding="utf-8",
    )
    result = orebro("apply", str(bad), "--as", OWNER, expect=1)
    assert "group" in result.stderr and "Traceback" not in result.stderr


def test_the_installed_kplan_fetches_and_fails_cleanly(tmp_path: Path, server: str) -> None:
    from tests.test_entrypoint import kplan_executable

    store = str(tmp_path / "installed.db")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [kplan_executable(), *args, "--db", store],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    plan = _sourced_plan(tmp_path, f"{server}/api/v2")
    assert run("import", str(plan), "--as", "ehedlund").returncode == 0
    done = run("indicator", "fetch", "--as", OWNER, "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["changes"]) == 7
    slow = _sourced_plan(tmp_path, f"{server}/api/v2", table="TAB-SLOW")
    assert run("import", str(slow), "--as", "ehedlund", "--force").returncode == 0
    failed = run("indicator", "fetch", "--timeout", "0.3", "--as", OWNER)
    assert failed.returncode == 1
    assert failed.stderr.startswith("kplan: error: no answer from 127.0.0.1:")
    assert len(failed.stderr.strip().splitlines()) == 1


def test_kolada_pages_are_followed_and_hashed_together(tmp_path: Path, kplan: Kplan) -> None:
    pages: dict[str, bytes] = {}

    class Pages(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        document = json.loads(KOLADA_ANSWER.read_bytes())
        first = {"values": document["values"][:1], "count": 1, "next_url": f"{base}/page2"}
        second = {"values": document["values"][1:], "count": 1}
        pages["/v3/data/kpi/N00914/municipality/1880"] = json.dumps(first).encode()
        pages["/page2"] = json.dumps(second).encode()
        text = unsourced().replace(
            'values = { "2014" = 63, "2015" = 63.5 }\n',
            'values = { "2014" = 63, "2015" = 63.5 }\n'
            f'source = {{ kind = "kolada", url = "{base}/v3", kpi = "N00914", region = "1880" }}\n',
            1,
        )
        plan = tmp_path / "pages.toml"
        plan.write_text(text, encoding="utf-8")
        kplan("import", str(plan), "--as", "ehedlund")
        done = kplan.json("indicator", "fetch", "--as", OWNER)
    finally:
        httpd.shutdown()
        httpd.server_close()
    digest = hashlib.sha256(
        b"".join(pages[p] for p in ["/v3/data/kpi/N00914/municipality/1880", "/page2"])
    )
    assert done["sources"][0]["sha256"] == digest.hexdigest()
    # Without a perspective the genders are not groups: only the totals are values.
    assert [c["field"] for c in done["changes"]] == ["values.2016"]


def test_snapshots_keep_the_groups_and_the_source_and_diff_shows_them(sourced: Kplan) -> None:
    sourced("indicator", "fetch", "--as", OWNER)
    sourced("snapshot", "take", "före", "--as", "ehedlund")
    sourced("record", INDICATOR, "2017", "70", "--group", "kön=kvinnor", "--as", OWNER)
    sourced("snapshot", "take", "efter", "--as", "ehedlund")
    between = sourced.json("diff", "före", "efter")
    assert between["measures"][0]["changes"] == [
        {
            "field": "groups.2017.kön=kvinnor",
            "collaboration": None,
            "indicator": INDICATOR,
            "old": None,
            "new": "70",
        }
    ]
    assert between["summary"]["values"] == 1
    assert sourced.json("diff", "efter")["measures"] == []
    page = sourced("export", "--format", "html", "--snapshot", "före").stdout
    assert "kön=kvinnor" in page and "SCB PxWeb TAB-MATCH" in page
