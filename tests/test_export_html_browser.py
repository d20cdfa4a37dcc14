"""The HTML export in a real browser: Debian's headless Chromium.

Chromium opens the page from a file three ways: ``--dump-dom`` gives the DOM
after loading (what the browser made of the page: no script ran, nothing was
injected, the text reads as expected), ``--screenshot`` shows that it paints,
and ``--log-net-log`` records every request the browser started, so the test
sees that the page asked for nothing from anywhere.

Chromium talks to its own services at start-up (time, updates, accounts)
whatever the flags say; those requests carry no page as their initiator and
are told apart from the page's own by that. A control page that does load
an image shows that the page's requests are seen. ``--host-resolver-rules``
makes every host name unresolvable, so no request leaves the machine.

Without Chromium the tests are skipped, unless KPLAN_REQUIRE_BROWSER=1 (as
.ci/run sets after installing it), when they fail.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import struct
import subprocess
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from kplan.core.counts import figures, year_of
from kplan.core.planfile import read_plan_file
from kplan.core.trend import TrendPoint, trend_rows
from kplan.model import Plan
from kplan.present.html import export_html
from tests.conftest import OREBRO
from tests.test_export_html import GENERATED_AT, HOSTILE, orebro_history

TIMEOUT = 600  # seconds: a guard against a hang, not a measure of speed


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("KPLAN_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is not installed, and KPLAN_REQUIRE_BROWSER=1 requires it")
        pytest.skip("chromium is not installed; .ci/run installs it")
    return found


def run_chromium(chromium: str, folder: Path, name: str, *arguments: str) -> tuple[str, Path]:
    """Run headless Chromium with its own profile and a net log; its stdout and the log."""
    profile = folder / f"profile-{name}"
    net_log = folder / f"net-{name}.json"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-pings",
        "--hide-scrollbars",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        f"--log-net-log={net_log}",
        *arguments,
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, f"chromium failed ({result.returncode}):\n{result.stderr}"
    assert net_log.exists(), "chromium wrote no net log"
    return result.stdout, net_log


@dataclass(frozen=True)
class Request:
    url: str
    initiator: str | None


def requests_in(net_log: Path) -> list[Request]:
    """Every URL request of the net log with its initiator (None: the browser itself)."""
    log: dict[str, Any] = json.loads(net_log.read_text("utf-8"))
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    found = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params:
            initiator = params.get("initiator")
            found.append(
                Request(params["url"], None if initiator == "not an origin" else initiator)
            )
    return found


def page_requests(net_log: Path) -> list[str]:
    """The URLs that a page, not the browser, asked for."""
    return [request.url for request in requests_in(net_log) if request.initiator is not None]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.text: list[str] = []
        self.labels: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        label = dict(attrs).get("aria-label")
        if label:
            self.labels.append(label)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(document: str) -> _Elements:
    parser = _Elements()
    parser.feed(document)
    parser.close()
    return parser


def page_plan() -> Plan:
    """The example plan, with one measure's title trying to run a script."""
    plan = copy.deepcopy(read_plan_file(OREBRO))
    plan.measures[18].title = HOSTILE
    return plan


def page_trend(plan: Plan, history: list[Any]) -> dict[str, Any]:
    """``kplan trend``'s result over the page's snapshots, one a year."""
    points = [
        TrendPoint(
            str(year_of(snap.name, snap.taken_at)),
            year_of(snap.name, snap.taken_at),
            snap.name,
            snap.taken_at,
            figures(snap.plan, year_of(snap.name, snap.taken_at)),
        )
        for snap in history
    ]
    return trend_rows((plan.id, plan.title), points)


@dataclass(frozen=True)
class Rendered:
    source: str
    dom: str
    dom_log: Path
    screenshot: Path
    screenshot_log: Path
    control_log: Path


@pytest.fixture(scope="module")
def rendered(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    folder = tmp_path_factory.mktemp("browser")
    plan = page_plan()
    history = orebro_history(plan)
    source = export_html(
        plan,
        generated_at=GENERATED_AT,
        history=history,
        language="en",
        trend=page_trend(plan, history),
    )
    page = folder / "plan.html"
    page.write_text(source, "utf-8")
    dom, dom_log = run_chromium(chromium, folder, "dom", "--dump-dom", page.as_uri())
    screenshot = folder / "shot.png"
    _, screenshot_log = run_chromium(
        chromium,
        folder,
        "screenshot",
        f"--screenshot={screenshot}",
        "--window-size=1280,2400",
        page.as_uri(),
    )
    # A control page without a policy that loads an image and a background: it
    # shows that a page's requests do show in the net log.
    control = folder / "control.html"
    control.write_text(
        "<!DOCTYPE html><html><head><title>control</title><style>"
        "body { background: url(http://kplan-test.invalid/background.png); }</style></head>"
        '<body><img src="http://kplan-test.invalid/pixel.png" alt=""></body></html>',
        "utf-8",
    )
    _, control_log = run_chromium(chromium, folder, "control", "--dump-dom", control.as_uri())
    return Rendered(source, dom, dom_log, screenshot, screenshot_log, control_log)


def test_the_net_log_sees_a_page_that_loads_something(rendered: Rendered) -> None:
    wanted = page_requests(rendered.control_log)
    assert "http://kplan-test.invalid/pixel.png" in wanted
    assert "http://kplan-test.invalid/background.png" in wanted


def test_the_page_requests_nothing(rendered: Rendered) -> None:
    for log in (rendered.dom_log, rendered.screenshot_log):
        for url in page_requests(log):
            assert url.startswith(("file:", "data:")), f"the page requested {url}"


def test_no_script_ran_and_nothing_was_injected(rendered: Rendered) -> None:
    dom = rendered.dom
    assert "<script" not in dom.lower()
    title = re.search(r"<title>(.*?)</title>", dom, flags=re.S)
    assert title is not None
    assert title.group(1) == "Handlingsplan för kompetensförsörjning – follow-up"
    # The hostile title is text: escaped in the DOM, readable on the page.
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom
    assert HOSTILE in " ".join(elements(dom).text)
    # The browser built exactly the elements the page has: none came from text.
    assert elements(dom).tags == elements(rendered.source).tags


def test_the_rendered_page_says_what_it_should(rendered: Rendered) -> None:
    parsed = elements(rendered.dom)
    text = " ".join(" ".join(parsed.text).split())
    plan = page_plan()
    assert plan.title in text
    for measure in plan.measures:
        assert " ".join(measure.title.split()) in text
    assert "Fyra P usage rate: 25% (22 of 88 parts done)" in text
    for word in ("done", "ongoing", "delayed", "not started", "cancelled"):
        assert word in text
    for heading in (
        "Where the measures stand",
        "Measures per status",
        "Fyra P parts by state",
        "Collaborations per step",
        "Measures per perspective and level",
        "Development over time",
        "Development over the years",
        "Fyra P done, share of measures × parts, per year",
        "Collaborations per ladder step, per year",
    ):
        assert heading in text
    labels = set(parsed.labels)
    assert "Measures per status: done 5, ongoing 11, delayed 3, not started 2, cancelled 1" in (
        labels
    )
    assert "Step 4, Samhandling: 6 collaborations" in labels
    assert any(label.startswith("Progress over time: Uppföljning 2014:") for label in labels)
    # Every chart of the development over the years says its figure in words.
    assert "2014: 26%" in labels and "2015: 25%" in labels
    assert "2015, etnicitet: 36%" in labels
    assert "2015, 4\u00a0Samhandling: 6" in labels


def test_the_page_paints(rendered: Rendered) -> None:
    data = rendered.screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2400)
    # A blank or broken page compresses to a few kilobytes; this one has charts and text.
    assert len(data) > 100_000


# The page of ``kplan compare``: the same standards, the same checks.


@dataclass(frozen=True)
class ComparePage:
    source: str
    dom: str
    dom_log: Path
    screenshot: Path


@pytest.fixture(scope="module")
def compare_page(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> ComparePage:
    from kplan.core.compare import Side, compare_plans
    from kplan.present.html import compare_html
    from tests.conftest import KRONOBERG

    folder = tmp_path_factory.mktemp("compare")
    result = compare_plans([Side(page_plan()), Side(read_plan_file(KRONOBERG), "kronoberg.json")])
    old = os.environ.get("KPLAN_LANG")
    os.environ["KPLAN_LANG"] = "en"
    try:
        source = compare_html(result, generated_at=GENERATED_AT)
    finally:
        if old is None:
            del os.environ["KPLAN_LANG"]
        else:
            os.environ["KPLAN_LANG"] = old
    page = folder / "compare.html"
    page.write_text(source, "utf-8")
    dom, dom_log = run_chromium(chromium, folder, "compare-dom", "--dump-dom", page.as_uri())
    screenshot = folder / "compare.png"
    run_chromium(
        chromium,
        folder,
        "compare-shot",
        f"--screenshot={screenshot}",
        "--window-size=1280,2400",
        page.as_uri(),
    )
    return ComparePage(source, dom, dom_log, screenshot)


def test_the_compare_page_requests_nothing_and_runs_nothing(compare_page: ComparePage) -> None:
    for url in page_requests(compare_page.dom_log):
        assert url.startswith(("file:", "data:")), f"the page requested {url}"
    dom = compare_page.dom
    assert "<script" not in dom.lower()
    assert "default-src 'none'" in compare_page.source
    assert elements(dom).tags == elements(compare_page.source).tags
    # The hostile measure title is not on this page, but the plans' titles are text.
    assert "Handlingsplan för kompetensförsörjning" in " ".join(elements(dom).text)


def test_the_compare_page_says_its_figures_in_words(compare_page: ComparePage) -> None:
    parsed = elements(compare_page.dom)
    text = " ".join(" ".join(parsed.text).split())
    for heading in (
        "Plans side by side",
        "Statuses",
        "Fyra P done",
        "Share of measures where the perspective is integrated",
        "Collaborations on the ladder, as a share of each plan's own ladder",
        "All figures",
    ):
        assert heading in text
    labels = set(parsed.labels)
    assert "orebro-kompetens: 25%" in labels
    assert "kronoberg-kompetens, jämställdhet: 43%" in labels
    assert any(label.startswith("orebro-kompetens: done 5, ongoing 11") for label in labels)
    # Every chart has its text: each bar's number also stands in a cell.
    assert "55% (12/5/5)" in text and "43% (3/1/3)" in text


def test_the_compare_page_paints(compare_page: ComparePage) -> None:
    data = compare_page.screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2400)
    assert len(data) > 30_000
