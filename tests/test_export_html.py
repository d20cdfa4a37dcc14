"""The HTML export: a golden page, and the rules a publishable page keeps.

The golden file tests/golden/orebro.html is the page for the example Örebro
plan with a history of two snapshots (see ``orebro_page``). When a change to
the page is intended, regenerate it and look at the difference before
committing it:

    KPLAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_export_html.py

tests/test_export_html_browser.py opens the page in a real browser.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kplan.core.planfile import read_plan_file
from kplan.model import Collaboration, Indicator, Measure, Owner, Plan
from kplan.present.html import CSP, export_html
from kplan.present.text import Snapshot
from tests.conftest import OREBRO, Kplan

GOLDEN = Path(__file__).resolve().parent / "golden" / "orebro.html"
GENERATED_AT = dt.datetime(2016, 3, 1, 12, 0, tzinfo=dt.UTC)
HOSTILE = "<script>document.title='pwned'</script>"


def _changed(plan: Plan, changes: dict[str, tuple[str, int]], *, drop: str = "") -> Plan:
    """A copy of the plan with some measures' status and progress changed."""
    earlier = copy.deepcopy(plan)
    earlier.measures = [
        dataclasses.replace(m, status=changes[m.id][0], progress=changes[m.id][1])
        if m.id in changes
        else m
        for m in earlier.measures
        if m.id != drop
    ]
    return earlier


def orebro_history(plan: Plan) -> list[Snapshot]:
    """Two yearly snapshots, oldest first; measure 14 was added after the first."""
    first = _changed(
        plan,
        {
            "1": ("ongoing", 70),
            "2": ("ongoing", 40),
            "4": ("ongoing", 60),
            "5": ("ongoing", 10),
            "9": ("ongoing", 80),
            "13": ("not-started", 0),
            "18": ("ongoing", 10),
            "21": ("ongoing", 20),
        },
        drop="14",
    )
    second = _changed(
        plan,
        {
            "1": ("done", 100),
            "2": ("ongoing", 55),
            "4": ("ongoing", 90),
            "5": ("delayed", 20),
            "13": ("delayed", 15),
            "21": ("delayed", 30),
        },
    )
    return [
        Snapshot("Uppföljning 2014", dt.datetime(2014, 12, 15, 9, 30, tzinfo=dt.UTC), first),
        Snapshot("Uppföljning 2015", dt.datetime(2015, 12, 14, 14, 0, tzinfo=dt.UTC), second),
    ]


def orebro_page(language: str | None = "en") -> str:
    plan = read_plan_file(OREBRO)
    return export_html(
        plan, generated_at=GENERATED_AT, history=orebro_history(plan), language=language
    )


def hostile_plan() -> Plan:
    """A plan whose every text tries to break out of the page."""
    evil = Plan(
        id='p"><b>',
        title=f"Plan {HOSTILE}",
        organisation="<img src=x onerror=alert(1)>",
        description="</style><script>alert(2)</script>",
        perspectives=["<i>kön</i>", 'ålder"'],
        ladder=["<b>Samtal</b>", "Samsyn & mer", "Samverkan", "Samhandling"],
        ladder_questions=["<q>?</q>", "", "", ""],
        owners=[Owner(id="o<1>", name="<em>Owner</em>", organisation="org")],
        measures=[
            Measure(
                id='1"><svg onload=alert(3)>',
                title=HOSTILE,
                owner="o<1>",
                goal="<marquee>goal</marquee>",
                area="<u>area</u>",
                status="delayed",
                progress=30,
                description="<iframe src=//evil.example>",
                perspectives={"<i>kön</i>": "yes"},
                collaborations=[
                    Collaboration(
                        id="c<1>", name="<b>collab</b>", actors=["<x>"], step=2, note="<s>n</s>"
                    )
                ],
                indicators=[
                    Indicator(
                        id="i<1>",
                        name="<h1>indicator</h1>",
                        unit="<%>",
                        baseline=1,
                        target=3,
                        values={"2015": 2},
                    )
                ],
            )
        ],
    ).complete()
    return evil


def test_the_page_matches_the_golden_file() -> None:
    page = orebro_page()
    if os.environ.get("KPLAN_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(page.encode("utf-8"))
    assert GOLDEN.exists(), "no golden file; see the module docstring to create it"
    assert page.encode("utf-8") == GOLDEN.read_bytes(), (
        "the page differs from tests/golden/orebro.html; if the change is intended, "
        "regenerate it (see this module's docstring)"
    )


def test_the_same_input_gives_the_same_bytes() -> None:
    assert orebro_page() == orebro_page()


def test_the_page_loads_nothing_and_runs_nothing() -> None:
    page = orebro_page()
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in page
    assert CSP == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    lowered = page.lower()
    assert "<script" not in lowered
    assert "http://" not in lowered and "https://" not in lowered
    assert "<link" not in lowered
    assert "<img" not in lowered
    assert "<iframe" not in lowered and "<object" not in lowered and "<embed" not in lowered
    assert "@import" not in lowered
    assert "javascript:" not in lowered
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    assert len(styles) == 1, "one style element"
    assert "url(" not in styles[0]
    # Links only go to places on the page itself.
    assert set(re.findall(r'href="(.)', page)) <= {"#"}
    # References inside SVG only point at this page's own patterns.
    assert set(re.findall(r"url\((.)", page)) == {"#"}


class _Outline(HTMLParser):
    """Collects headings, tables and charts, and checks that tags nest."""

    VOID = frozenset({"meta", "br", "rect", "circle", "line", "polyline", "path"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.headings: list[int] = []
        self.tables = 0
        self.captions = 0
        self.charts: list[dict[str, str | None]] = []
        self.svg_titles = 0
        self.scopes: list[str | None] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.add(tag)
        self.attributes |= set(attributes)
        if "id" in attributes and attributes["id"] is not None:
            self.ids.append(attributes["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1
        if tag == "th":
            self.scopes.append(attributes.get("scope"))
        if tag == "svg" and attributes.get("aria-hidden") != "true":
            self.charts.append(attributes)
        if tag == "title" and "svg" in self.stack:
            self.svg_titles += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], f"unclosed tags: {parser.stack}"
    return parser


# Every element and attribute the page uses; a plan's text adds none.
# fmt: off
PAGE_TAGS = frozenset({
    "html", "head", "meta", "title", "style", "body", "header", "nav", "main", "footer", "section",
    "article", "div", "p", "span", "h1", "h2", "h3", "h4", "ul", "li", "dl", "dt", "dd",
    "strong", "br", "a", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "svg", "defs", "pattern", "rect", "circle", "line", "polyline",
})
PAGE_ATTRIBUTES = frozenset({
    "lang", "charset", "http-equiv", "content", "name", "id", "class", "href",
    "aria-labelledby", "aria-label", "aria-hidden", "role", "focusable", "scope", "colspan",
    "tabindex",
    "width", "height", "viewbox", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx",
    "fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linejoin", "points",
    "patternunits", "patterntransform",
})
# fmt: on


def test_the_page_uses_only_its_own_elements_and_attributes() -> None:
    parsed = outline(orebro_page())
    assert parsed.tags <= PAGE_TAGS, parsed.tags - PAGE_TAGS
    assert parsed.attributes <= PAGE_ATTRIBUTES, parsed.attributes - PAGE_ATTRIBUTES
    assert not any(name.startswith("on") for name in parsed.attributes)


def test_the_page_is_accessible_in_structure() -> None:
    page = orebro_page()
    parsed = outline(page)
    # One h1, and no heading skips a level.
    assert parsed.headings[0] == 1 and parsed.headings.count(1) == 1
    for before, after in zip(parsed.headings, parsed.headings[1:], strict=False):
        assert after <= before + 1, f"h{before} followed by h{after}"
    # Every table has a caption, every header cell a scope.
    assert parsed.tables > 22 and parsed.captions == parsed.tables
    assert all(scope in {"col", "row"} for scope in parsed.scopes)
    # Every chart is an image with a label and a title.
    assert len(parsed.charts) > 22 + 22
    for chart in parsed.charts:
        assert chart.get("role") == "img" and chart.get("aria-label"), chart
    assert parsed.svg_titles == len(parsed.charts)
    # Ids are unique.
    assert len(parsed.ids) == len(set(parsed.ids))


def test_the_page_shows_where_each_measure_stands() -> None:
    page = orebro_page()
    plan = read_plan_file(OREBRO)
    text = " ".join(outline(page).text)
    assert plan.title in text
    for measure in plan.measures:
        assert measure.title in text
        assert measure.goal in text
    for word in ("done", "ongoing", "delayed", "not started", "cancelled"):
        assert word in text
    # The Fyra P usage rate: 22 of the 88 measure × part cells are done.
    assert "Fyra P usage rate: 25% (22 of 88 parts done)" in text
    assert 'aria-label="Measures per status: done 5, ongoing 11, delayed 3, not started 2' in page
    assert "Step 4, Samhandling: 6 collaborations" in page
    # Indicators with baseline, target, latest and trend.
    assert "Branscher med kartlagt kompetensbehov" in text
    assert "10 (2015)" in text
    assert "↑" in page and "positive" in text and "no data" in text
    # The history: each snapshot, oldest first, then now.
    first, second, now = (
        page.index("Uppföljning 2014"),
        page.index("Uppföljning 2015"),
        page.index(">Now<"),
    )
    assert first < second < now
    assert "not in the plan" in text
    assert "Figures as of 2016-03-01 13:00 CET" in text


def test_every_colour_comes_with_a_word_or_glyph() -> None:
    page = orebro_page()
    for glyph in ("✓", "◐", "⚠", "○", "✕", "●"):
        assert glyph in page
    # Three statuses are patterned as well as coloured.
    for pattern in ("kp-hatch-amber", "kp-dots", "kp-cross", "kp-hatch-teal"):
        assert f'<pattern id="{pattern}"' in page
        assert f"url(#{pattern})" in page


def test_print_styles_avoid_dark_backgrounds_and_broken_cards() -> None:
    page = orebro_page()
    style = re.search(r"<style>(.*?)</style>", page, flags=re.S)
    assert style is not None
    print_rules = style.group(1).split("@media print", 1)[1]
    assert "background: #fff" in print_rules
    assert "break-inside: avoid" in style.group(1)


def test_hostile_text_is_escaped() -> None:
    page = export_html(hostile_plan(), generated_at=GENERATED_AT, history=[], language="en")
    lowered = page.lower()
    assert "<script" not in lowered
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    for raw in (
        "<img",
        "<iframe",
        "<svg onload",
        "<marquee",
        "<em>Owner",
        "<b>collab",
        "<h1>indicator",
        "<i>kön",
    ):
        assert raw.lower() not in lowered, raw
    # Only the page's own elements and attributes: nothing the plan's text added.
    parsed = outline(page)
    assert parsed.tags <= PAGE_TAGS, parsed.tags - PAGE_TAGS
    assert parsed.attributes <= PAGE_ATTRIBUTES, parsed.attributes - PAGE_ATTRIBUTES
    # The text still reads as the plan wrote it.
    text = " ".join(parsed.text)
    assert HOSTILE in text
    assert "<b>Samtal</b>" in text and "Samsyn & mer" in text
    assert "<%>" in text


def test_the_page_speaks_swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    page = orebro_page(language=None)
    assert '<html lang="sv">' in page
    text = " ".join(outline(page).text)
    for word in ("genomförd", "påbörjad", "försenad", "ej påbörjad", "avförd"):
        assert word in text
    assert "Användning av Fyra P: 25\u00a0% (22 av 88 delar klara)" in text
    assert "Läget för åtgärderna" in text and "Nu" in text
    assert "23\u00a0700 (2015)" in text and "63,5 (2015)" in text


def test_the_language_argument_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KPLAN_LANG", "en")
    swedish = orebro_page(language="sv")
    assert '<html lang="sv">' in swedish and "genomförd" in swedish
    monkeypatch.setenv("KPLAN_LANG", "sv")
    english = orebro_page(language="en")
    assert '<html lang="en">' in english and "genomförd" not in english


def test_a_snapshot_page_names_the_snapshot() -> None:
    plan = read_plan_file(OREBRO)
    history = orebro_history(plan)
    page = export_html(
        history[1].plan,
        generated_at=GENERATED_AT,
        history=history[:1],
        snapshot="Uppföljning 2015",
        language="en",
    )
    assert "As recorded in snapshot Uppföljning 2015" in page
    assert "Page made 2016-03-01 13:00 CET" in page
    assert "Figures as of" not in page
    assert ">Now<" not in page
    over_time = page.index("Development over time")
    assert page.index("Uppföljning 2014", over_time) < page.index("Uppföljning 2015", over_time)


def test_a_plan_without_history_or_measures_still_renders() -> None:
    empty = Plan(id="empty", title="Empty plan")
    page = export_html(empty, generated_at=GENERATED_AT, history=[], language="en")
    parsed = outline(page)
    assert "Empty plan" in " ".join(parsed.text)
    assert "Development over time" not in page
    assert "Fyra P usage rate: 0% (0 of 0 parts done)" in page


def test_a_naive_moment_is_read_as_utc() -> None:
    plan = Plan(id="p", title="P")
    aware = export_html(plan, generated_at=GENERATED_AT, history=[], language="en")
    naive = export_html(
        plan, generated_at=GENERATED_AT.replace(tzinfo=None), history=[], language="en"
    )
    assert aware == naive


def test_the_page_module_escapes_nothing_itself() -> None:
    """html.py computes values; the templates write the markup and autoescaping escapes."""
    import kplan.present.html as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    # PATTERNS and STYLE are kplan's own fixed markup; no other markup is written here.
    for forbidden in ("html.escape", "import html", "Markup", "_e(", "<td", "<th", "<tr", "<li"):
        assert forbidden not in source, forbidden
    for forbidden in ("<span", "<section", "<article", "<h2", "<table", "<p "):
        assert forbidden not in source, forbidden
    templates = Path(module.__file__).with_name("templates")
    assert (templates / "sections.html.j2").is_file()


def test_quotes_in_plan_text_keep_the_page_s_spelling() -> None:
    """Every part escapes a quote and an apostrophe as kplan's page always has."""
    plan = read_plan_file(OREBRO)
    plan.title = "Plan \"quoted\" and 'single'"
    plan.organisation = 'Org "x"'
    plan.description = 'It\'s "here"'
    measure = plan.measures[0]
    measure.title = 'Measure "one" isn\'t'
    measure.goal = 'Goal "g"'
    measure.description = "Desc 'd'"
    page = export_html(plan, generated_at=GENERATED_AT, history=orebro_history(plan))
    body = page.split("<body>", 1)[1]
    for text in (
        "Plan &quot;quoted&quot; and &#x27;single&#x27;",
        "Org &quot;x&quot;",
        "It&#x27;s &quot;here&quot;",
        "Measure &quot;one&quot; isn&#x27;t",
        "Goal &quot;g&quot;",
        "Desc &#x27;d&#x27;",
    ):
        assert text in body, text
    assert "&#34;" not in body and "&#39;" not in body


def test_an_unusable_template_cache_only_makes_the_page_slower(
    tmp_path: Path, kplan: Kplan
) -> None:
    """A cache folder Jinja2 refuses (here a file in its place) still gives the same page."""
    import subprocess
    import sys

    kplan("import", str(OREBRO))
    executable = Path(sys.executable).with_name("kplan")
    base = {**os.environ, "KPLAN_DB": str(kplan.db), "KPLAN_NOW": "2016-03-01T12:00:00Z"}
    pages = []
    for name, spoil in (("usable", False), ("unusable", True)):
        temporary = tmp_path / name
        temporary.mkdir()
        if spoil:
            (temporary / f"_jinja2-cache-{os.getuid()}").write_text("not a folder")
        done = subprocess.run(
            [str(executable), "export", "--format", "html"],
            env={**base, "TMPDIR": str(temporary)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        pages.append(done.stdout)
    assert pages[0] == pages[1]
    assert '<article class="measure"' in pages[0]
    assert list((tmp_path / "usable" / f"_jinja2-cache-{os.getuid()}").glob("kplan-*.cache"))
