"""The published pages meet WCAG 2.1 AA as far as axe-core can tell, in both colour schemes.

Each page is made the way a person makes it (``kplan import``, ``kplan snapshot
take``, ``kplan export --format html``, ``kplan compare --format html``, run
through Typer's CliRunner; the Kronoberg pages by the installed ``kplan``),
loaded in Debian's headless Chromium, and checked by axe-core (the npm package
pinned in tests/a11y, installed there by ``npm ci``; ``make test`` and
``.ci/run`` do it) for the WCAG 2.0 and 2.1 A and AA rules, with
``prefers-color-scheme`` emulated as light and as dark over the DevTools
protocol (tests/axe.py), 1280 CSS pixels wide, and light on a 320-pixel phone.
Any violation fails the test, naming the rule and the element. Two pages
broken on purpose show that the check can fail.

The rules axe-core cannot see are checked here on the page's markup: a skip
link, the landmarks, one h1 and headings in order, a table or text with the
figures of every chart, ``lang`` on the plan's text in a page of another
language, the contrast of every colour pair of both themes (computed from the
stylesheet's custom properties) and the print layout.

Without Chromium or axe-core the browser tests are skipped, unless
KPLAN_REQUIRE_BROWSER=1 or KPLAN_REQUIRE_AXE=1 (as .ci/run sets), when they fail.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import tomli_w
from typer.testing import CliRunner

from kplan.cli import app
from kplan.core.planfile import read_plan_file
from kplan.present.html import (
    DARK_THEME,
    LADDER_FILL,
    LEVEL_FILLS,
    LIGHT_THEME,
    PATTERNS,
    STATUS_FILLS,
    STYLE,
    export_html,
    other_language,
)
from tests import axe
from tests.conftest import KRONOBERG, OREBRO
from tests.test_export_html import GENERATED_AT

KPLAN = Path(sys.executable).with_name("kplan")
OREBRO_ID = "orebro-kompetens"
KRONOBERG_ID = "kronoberg-kompetens"

# Hostile and very long text: markup, bidi and control characters, 500-character
# titles, words with no place to break.
MARKUP = "<script>alert(1)</script><b onmouseover=x>bold</b> & <!-- c --> \"q\" 'a'"
BIDI = (
    "\u202eexe.txt\u202c \u200f\u05e2\u05d1\u05e8\u05d9\u05ea\u200f "
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u2066iso\u2069"
)
CONTROL = "tab\there, bell\x07, escape\x1b[31m, zero\u200bwidth"
LONG_WORD = "Kompetensförsörjningsutvecklingsplattformssamordningsansvar" * 6
LONG_TITLE = (f"{MARKUP} {BIDI} {LONG_WORD} " * 4)[:500]


def required() -> bool:
    """Whether a missing browser or axe-core fails the tests rather than skips them."""
    return "1" in (os.environ.get("KPLAN_REQUIRE_BROWSER"), os.environ.get("KPLAN_REQUIRE_AXE"))


def _missing(message: str) -> None:
    if required():
        pytest.fail(f"{message}, and KPLAN_REQUIRE_BROWSER/KPLAN_REQUIRE_AXE require it")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[axe.Chromium]:
    found = shutil.which("chromium")
    if found is None:
        _missing("chromium is not installed (.ci/run installs it)")
    if not axe.AXE.exists():
        _missing("axe-core is not installed: run `npm ci` in tests/a11y (make test does)")
    assert found is not None
    with axe.chromium(found) as running:
        yield running


# The pages -------------------------------------------------------------------


class Cli:
    """kplan's commands through Typer's CliRunner, with their own home, store and clock."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "kplan.db"
        self.runner = CliRunner()
        self.env = {
            "KPLAN_HOME": str(folder / "home"),
            "KPLAN_USER": "tester",
            "KPLAN_NOW": "2016-03-01T12:00:00Z",
            "KPLAN_LANG": "en",
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
        }

    def __call__(self, *args: str, language: str = "en") -> str:
        env = {**self.env, "KPLAN_LANG": language}
        result = self.runner.invoke(app, [*args, "--db", str(self.db)], env=env)
        assert result.exit_code == 0, (
            f"kplan {' '.join(args)} exited {result.exit_code}\n{result.stdout}\n{result.stderr}"
        )
        return str(result.stdout)


def hostile_plan_file(folder: Path) -> Path:
    """The Örebro example with hostile and very long text in every kind of free text."""
    plan = tomllib.loads(OREBRO.read_text(encoding="utf-8"))
    plan["plan"]["id"] = "hostile"
    plan["plan"]["title"] = LONG_TITLE
    plan["plan"]["description"] = f"{MARKUP} {CONTROL} {BIDI} {LONG_WORD}"
    plan["organisations"][0]["name"] = f"Org {MARKUP} {BIDI}"
    plan["owners"][0]["name"] = f"Owner {MARKUP} {LONG_WORD}"
    for index, measure in enumerate(plan["measures"][:3]):
        measure["title"] = LONG_TITLE if index == 0 else f"{MARKUP} {BIDI} {index}"
        measure["goal"] = f"Goal {MARKUP} {CONTROL} {LONG_WORD}"
        measure["description"] = f"{BIDI} {LONG_WORD} {MARKUP}"
        measure["area"] = f"Area {MARKUP}"
        for collaboration in measure.get("collaborations", []):
            collaboration["name"] = f"Collab {MARKUP} {LONG_WORD}"
            collaboration["note"] = f"Note {BIDI} {CONTROL}"
        for indicator in measure.get("indicators", []):
            indicator["name"] = f"Indicator {MARKUP} {LONG_WORD}"
    path = folder / "hostile.toml"
    path.write_text(tomli_w.dumps(plan), encoding="utf-8")
    return path


@dataclass
class Pages:
    """The pages checked, by name."""

    paths: dict[str, Path] = field(default_factory=dict)


PAGE_NAMES = (
    "orebro-en",
    "orebro-sv",
    "kronoberg-en",
    "kronoberg-sv",
    "hostile-en",
    "hostile-sv",
    "public-sv",
    "compare-en",
    "compare-sv",
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Pages:
    folder = tmp_path_factory.mktemp("a11y-pages")
    kplan = Cli(folder)
    kplan("import", str(OREBRO))
    kplan("import", str(KRONOBERG))
    kplan("import", str(hostile_plan_file(folder)))
    # Two snapshots a year apart: the page then shows the history and the years' development.
    kplan("snapshot", "take", "Uppföljning 2014", "--plan", OREBRO_ID)
    kplan("status", "5", "delayed", "--plan", OREBRO_ID)
    kplan("snapshot", "take", "hostile <b>2015</b> & 'x'", "--plan", "hostile")
    found = Pages()

    def export(name: str, plan: str, language: str, *extra: str) -> None:
        path = folder / f"{name}.html"
        kplan(
            "export", "--format", "html", "-o", str(path), "--plan", plan, *extra, language=language
        )
        found.paths[name] = path

    for language in ("en", "sv"):
        export(f"orebro-{language}", OREBRO_ID, language)
        export(f"hostile-{language}", "hostile", language)
        # The Kronoberg pages come from the installed command, as a person runs it.
        path = folder / f"kronoberg-{language}.html"
        command = ["export", "--format", "html", "-o", str(path), "--plan", KRONOBERG_ID]
        installed = subprocess.run(
            [str(KPLAN), *command, "--db", str(kplan.db)],
            env={**os.environ, **kplan.env, "KPLAN_LANG": language},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert installed.returncode == 0, installed.stderr
        found.paths[f"kronoberg-{language}"] = path
        path = folder / f"compare-{language}.html"
        kplan(
            "compare",
            OREBRO_ID,
            KRONOBERG_ID,
            "--format",
            "html",
            "-o",
            str(path),
            language=language,
        )
        found.paths[f"compare-{language}"] = path
    export("public-sv", OREBRO_ID, "sv", "--public")
    return found


def page_path(pages: Pages, name: str) -> Path:
    return pages.paths[name]


# axe-core in Chromium ------------------------------------------------------------


# Each page in both colour schemes on a wide screen, and light on a phone's 320 CSS
# pixels (WCAG's reflow width), where tables scroll and the layout is another.
VIEWS = (("light", 1280), ("dark", 1280), ("light", 320))


@pytest.mark.parametrize(("scheme", "width"), VIEWS, ids=[f"{s}-{w}" for s, w in VIEWS])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_axe_finds_no_violation(
    browser: axe.Chromium, pages: Pages, name: str, scheme: str, width: int
) -> None:
    report = axe.check_page(
        browser,
        page_path(pages, name),
        colour_scheme=scheme,
        script=axe.axe_source(),
        width=width,
    )
    assert report.version == axe.axe_version()
    # The rules ran: a page this size passes dozens of them.
    assert report.rules_passed >= 20, report
    assert not report.violations, report.describe()


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_the_page_reflows_to_320_css_pixels(browser: axe.Chromium, pages: Pages, name: str) -> None:
    """WCAG 1.4.10: on a 320 px screen nothing but a data table scrolls sideways."""
    with browser.tab(page_path(pages, name).as_uri(), width=320) as session:
        wide = browser.evaluate(
            session,
            "[...document.querySelectorAll('body *')]"
            ".filter(e => !e.closest('.scroll, .skip-link, .defs'))"
            ".filter(e => e.getBoundingClientRect().right > 321)"
            ".map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 60))",
        )
        assert wide == [], wide
        assert browser.evaluate(session, "document.documentElement.scrollWidth") == 320


def broken(pages: Pages, name: str, source: str) -> Path:
    path = pages.paths["orebro-en"].with_name(name)
    path.write_text(source, "utf-8")
    return path


def test_a_chart_without_a_text_alternative_fails_the_check(
    browser: axe.Chromium, pages: Pages
) -> None:
    source = pages.paths["orebro-en"].read_text("utf-8")
    # The first chart loses its label and its title: an image with no text alternative.
    chart = re.compile(
        r'(<svg class="chart"[^>]*role="img") aria-label="[^"]*"><title>[^<]*</title>'
    )
    assert chart.search(source) is not None
    path = broken(pages, "no-alt.html", chart.sub(r"\1><title></title>", source, count=1))
    report = axe.check_page(browser, path, colour_scheme="light", script=axe.axe_source())
    rules = {violation.rule for violation in report.violations}
    assert "svg-img-alt" in rules, report.describe()
    described = report.describe()
    assert "svg-img-alt" in described and '<svg class="chart"' in described
    (found,) = [v for v in report.violations if v.rule == "svg-img-alt"]
    assert ".chart" in found.target and found.html.startswith('<svg class="chart"'), found


def test_a_colour_too_faint_in_the_dark_theme_fails_the_check_in_that_theme_only(
    browser: axe.Chromium, pages: Pages
) -> None:
    source = pages.paths["orebro-en"].read_text("utf-8")
    faint = f"--muted: {DARK_THEME['muted']};"
    assert source.count(faint) == 1
    path = broken(pages, "faint.html", source.replace(faint, "--muted: #30363d;"))
    dark = axe.check_page(browser, path, colour_scheme="dark", script=axe.axe_source())
    assert "color-contrast" in {v.rule for v in dark.violations}, dark.describe()
    light = axe.check_page(browser, path, colour_scheme="light", script=axe.axe_source())
    assert not light.violations, light.describe()


# What axe-core does not check: the page's markup -------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def language(self) -> str | None:
        for node in (self, *self.ancestors()):
            if "lang" in node.attrs:
                return node.attrs["lang"]
        return None


class _Tree(HTMLParser):
    VOID = frozenset({"meta", "br", "rect", "circle", "line", "polyline", "path", "link", "img"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def tree(source: str) -> Node:
    parser = _Tree()
    parser.feed(source)
    parser.close()
    return parser.root


def find(root: Node, tag: str) -> list[Node]:
    return [node for node in root.walk() if node.tag == tag]


def body_of(root: Node) -> Node:
    (body,) = find(root, "body")
    return body


MARKUP_PAGES = ("orebro-en", "orebro-sv", "kronoberg-sv", "hostile-en", "compare-en", "compare-sv")


@pytest.mark.parametrize("name", MARKUP_PAGES)
def test_a_skip_link_leads_to_the_main_content(pages: Pages, name: str) -> None:
    body = body_of(tree(pages.paths[name].read_text("utf-8")))
    links = [node for node in body.walk() if node.tag == "a" or "tabindex" in node.attrs]
    first = links[0]
    assert first.tag == "a" and first.attrs["class"] == "skip-link", first
    assert first.attrs["href"] == "#main"
    assert first.text() in ("Skip to the main content", "Hoppa till huvudinnehållet")
    (main,) = find(body, "main")
    assert main.attrs["id"] == "main" and main.attrs["tabindex"] == "-1"


@pytest.mark.parametrize("name", MARKUP_PAGES)
def test_the_landmarks_are_there_once_each_at_the_top(pages: Pages, name: str) -> None:
    body = body_of(tree(pages.paths[name].read_text("utf-8")))
    top = [child.tag for child in body.children if isinstance(child, Node)]
    for landmark in ("header", "nav", "main", "footer"):
        assert top.count(landmark) == 1, (landmark, top)
        # Not nested in one another: each is a landmark of its own.
        assert len(find(body, landmark)) == 1, landmark
    assert top.index("header") < top.index("nav") < top.index("main") < top.index("footer")
    # Nothing a reader sees stands outside the landmarks but the skip link.
    outside = [c for c in top if c not in ("header", "nav", "main", "footer")]
    assert outside == ["a", "svg"], outside
    # Every link of the table of contents leads to a heading on the page.
    ids = {node.attrs.get("id") for node in body.walk()}
    (nav,) = find(body, "nav")
    assert nav.attrs["aria-label"] in ("On this page", "På den här sidan")
    targets = [a.attrs["href"] for a in find(nav, "a")]
    assert len(targets) >= 4
    assert all(target[0] == "#" and target[1:] in ids for target in targets), targets


@pytest.mark.parametrize("name", MARKUP_PAGES)
def test_one_h1_and_no_heading_skips_a_level(pages: Pages, name: str) -> None:
    root = tree(pages.paths[name].read_text("utf-8"))
    levels = [int(node.tag[1]) for node in root.walk() if re.fullmatch(r"h[1-6]", node.tag)]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"h{before} followed by h{after}"


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def visible_text(node: Node) -> str:
    """The text a reader sees in the node: a chart's own title and label left out."""
    return "".join(
        c if isinstance(c, str) else f" {visible_text(c)} " if c.tag != "svg" else " "
        for c in node.children
    )


def _enclosing(node: Node, tag: str) -> Node | None:
    return next((a for a in node.ancestors() if a.tag == tag), None)


@pytest.mark.parametrize("name", MARKUP_PAGES)
def test_every_chart_has_its_figures_in_a_table_or_beside_it(pages: Pages, name: str) -> None:
    root = tree(pages.paths[name].read_text("utf-8"))
    charts = [node for node in root.walk() if node.tag == "svg" and node.attrs.get("role") == "img"]
    assert len(charts) > 5
    for chart in charts:
        label = chart.attrs["aria-label"]
        (title,) = find(chart, "title")
        assert label.strip() and title.text() == label, chart.attrs
        figures = _numbers(label)
        assert figures, label
        parent = chart.parent
        assert parent is not None
        table = _enclosing(chart, "table")
        if table is None:
            tables = find(parent, "table")
            # A chart with its data table beside it, or a single figure written next to it.
            table = tables[0] if tables else parent
        shown = _numbers(visible_text(table))
        assert all(figure in shown for figure in figures), (label, visible_text(table)[:300])


@pytest.mark.parametrize("name", ("orebro-en", "hostile-en", "compare-en"))
def test_every_table_that_may_scroll_can_be_reached_by_keyboard(pages: Pages, name: str) -> None:
    root = tree(pages.paths[name].read_text("utf-8"))
    scrolling = [n for n in root.walk() if "scroll" in n.attrs.get("class", "").split()]
    assert scrolling
    for node in scrolling:
        assert node.attrs.get("tabindex") == "0" and node.attrs.get("role") == "group"
        (caption,) = find(node, "caption")
        assert node.attrs["aria-label"] == caption.text()


def test_the_page_says_its_language_and_the_plans_where_it_differs() -> None:
    plan = copy.deepcopy(read_plan_file(OREBRO))
    plan.language = "sv"
    english = tree(export_html(plan, generated_at=GENERATED_AT, history=[], language="en"))
    (html,) = find(english, "html")
    assert html.attrs["lang"] == "en"
    texts = {plan.title, plan.description, plan.organisation}
    texts |= set(plan.perspectives) | set(plan.ladder_questions) - {""}
    for measure in plan.measures:
        texts |= {measure.title, measure.goal, measure.description, measure.area}
        texts |= {c.name for c in measure.collaborations} | {c.note for c in measure.collaborations}
        texts |= {i.name for i in measure.indicators}
    texts -= {None, ""}
    found: dict[str, set[str | None]] = {}
    for node in english.walk():
        own = "".join(c for c in node.children if isinstance(c, str)).strip()
        if own in texts:
            found.setdefault(own, set()).add(node.language())
    # Every text of the plan is on the page, each time marked as Swedish.
    assert set(found) == texts, texts - set(found)
    assert all(languages == {"sv"} for languages in found.values()), found
    # kplan's own words stay English.
    (status,) = [n for n in find(english, "h2") if n.attrs.get("id") == "status-h"]
    assert status.language() == "en"
    # In a Swedish page the plan's Swedish text needs no mark of its own.
    swedish = export_html(plan, generated_at=GENERATED_AT, history=[], language="sv")
    assert swedish.count('lang="sv"') == 1 and '<html lang="sv">' in swedish
    # A plan that names no language leaves its text in the page's language.
    plan.language = None
    assert (
        export_html(plan, generated_at=GENERATED_AT, history=[], language="en").count("lang=") == 1
    )


@pytest.mark.parametrize(
    ("plan_language", "page", "expected"),
    [
        ("sv", "en", "sv"),
        ("sv-SE", "en", "sv-SE"),
        ("SV", "sv", ""),
        ("en-GB", "en", ""),
        ("en", "sv", "en"),
        (None, "en", ""),
        ("", "sv", ""),
        ('sv" onload="x', "en", ""),
        ("svenska språket", "en", ""),
        ("s", "en", ""),
    ],
)
def test_the_plans_language_is_used_only_when_it_is_a_language_tag(
    plan_language: str | None, page: str, expected: str
) -> None:
    assert other_language(plan_language, page) == expected


# Colours: every pair, both themes ---------------------------------------------------------


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2.1's contrast ratio of two colours written #rrggbb or #rgb."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def themes_in(style: str) -> dict[str, dict[str, str]]:
    """The custom properties of each :root block of the stylesheet: light, dark and print."""
    blocks = re.findall(r"(@media [^{]*\{\s*)?:root \{([^}]*)\}", style)
    found = {}
    for media, body in blocks:
        name = (
            "dark"
            if "prefers-color-scheme: dark" in media
            else "print"
            if "print" in media
            else "light"
        )
        found[name] = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", body))
    return found


# Each text colour and the backgrounds it stands on; every colour of the themes is here
# but the lines and the chart track, which carry no text.
TEXT_ON = {
    "ink": ("soft", "paper", "masthead"),
    "muted": ("soft", "paper", "masthead"),
    "heading": ("soft", "paper", "masthead"),
    "accent": ("soft", "paper"),
    "up": ("paper",),
    "down": ("paper",),
    "done": ("paper", "done-bg"),
    "ongoing": ("ongoing-bg",),
    "delayed": ("delayed-bg",),
    "not-started": ("not-started-bg",),
    "cancelled": ("cancelled-bg",),
}
NO_TEXT = {"line", "track"}


def test_every_colour_pair_has_enough_contrast_in_both_themes() -> None:
    themes = themes_in(STYLE)
    assert set(themes) == {"light", "dark", "print"}
    assert themes["light"] == LIGHT_THEME and themes["dark"] == DARK_THEME
    # Print is always the light theme.
    assert themes["print"] == themes["light"]
    for name in ("light", "dark"):
        theme = themes[name]
        used = set(TEXT_ON) | {bg for bgs in TEXT_ON.values() for bg in bgs} | NO_TEXT
        assert used == set(theme), f"{name}: colours not paired: {set(theme) ^ used}"
        for text, backgrounds in TEXT_ON.items():
            for background in backgrounds:
                ratio = contrast(theme[text], theme[background])
                assert ratio >= 4.5, f"{name}: --{text} on --{background} is {ratio:.2f}:1"
        # The lines between table rows and around panels are seen against the paper.
        assert contrast(theme["line"], theme["paper"]) >= 1.2


def test_every_chart_fill_stands_out_from_the_track_in_both_themes() -> None:
    """WCAG 1.4.11: a bar's fill against its empty track, 3:1 (a pattern: one of its colours)."""
    patterns = {
        name: re.findall(r'fill="(#[0-9a-f]{6})"', body)
        for name, body in re.findall(r'<pattern id="([\w-]+)"(.*?)</pattern>', PATTERNS)
    }
    assert set(patterns) == {"kp-hatch-amber", "kp-hatch-teal", "kp-dots", "kp-cross"}
    fills = {*STATUS_FILLS.values(), *LEVEL_FILLS.values(), LADDER_FILL}
    for name, theme in (("light", LIGHT_THEME), ("dark", DARK_THEME)):
        for fill in fills:
            reference = re.fullmatch(r"url\(#([\w-]+)\)", fill)
            colours = patterns[reference.group(1)] if reference else [fill]
            best = max(contrast(colour, theme["track"]) for colour in colours)
            assert best >= 3, f"{name}: {fill} on the track {theme['track']} is {best:.2f}:1"


def test_contrast_is_computed_as_wcag_says() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#fff", "#fff") == pytest.approx(1.0)


def _screen_rules(style: str) -> str:
    """The stylesheet without its print block and its custom properties."""
    screen = style[: style.index("@media print")]
    return re.sub(r":root \{[^}]*\}", "", screen)


def test_every_text_and_background_colour_comes_from_the_themes() -> None:
    declarations = re.findall(
        r"(?<![\w-])(color|background|background-color|fill|stroke)\s*:\s*([^;}]+)",
        _screen_rules(STYLE),
    )
    assert declarations
    for prop, value in declarations:
        value = value.strip()
        assert value.startswith("var(--") or value in ("none", "inherit", "currentColor"), (
            prop,
            value,
        )


def test_the_print_layout_is_light_shows_everything_and_says_where_links_go() -> None:
    printed = STYLE[STYLE.index("@media print {") :]
    assert "body { background: #fff;" in printed
    assert ".scroll { overflow: visible; }" in printed
    # Captions and headings hidden on screen (for screen readers) are printed.
    assert re.search(r"\.visually-hidden \{ position: static;[^}]*clip: auto;", printed)
    # Links to other places print their address; the links within the page do not need one.
    assert 'a[href^="http"]::after' in printed and "attr(href)" in printed
    # Only the skip link and the table of contents, which are for moving on screen, are left out.
    hidden = re.findall(r"([^{}]+)\{\s*display:\s*none", printed)
    assert [h.strip() for h in hidden] == [".skip-link, .contents"]
    # The charts keep their colours and patterns on paper.
    assert "print-color-adjust: exact" in STYLE


def test_the_page_is_printed_light_even_on_a_dark_screen(
    browser: axe.Chromium, pages: Pages
) -> None:
    page = pages.paths["orebro-en"]
    script = "getComputedStyle(document.body).backgroundColor"
    with browser.tab(page.as_uri(), colour_scheme="dark") as session:
        assert browser.evaluate(session, script) == "rgb(15, 20, 25)"
        # The charts' empty track takes the dark theme's colour too.
        track = browser.evaluate(
            session, "getComputedStyle(document.querySelector('svg.bar > rect')).fill"
        )
        assert track == "rgb(11, 15, 20)"
        browser.send(
            "Emulation.setEmulatedMedia",
            session,
            media="print",
            features=[{"name": "prefers-color-scheme", "value": "dark"}],
        )
        assert browser.evaluate(session, script) == "rgb(255, 255, 255)"
        colour = browser.evaluate(session, "getComputedStyle(document.querySelector('h1')).color")
        assert colour == "rgb(16, 42, 67)"
        # Nothing is cut off: the tables do not scroll on paper.
        overflow = browser.evaluate(
            session, "getComputedStyle(document.querySelector('.scroll')).overflowX"
        )
        assert overflow == "visible"


def test_pages_parse_as_trees(pages: Pages) -> None:
    """The markup checks above read the pages as kplan wrote them: every tag closed."""
    for name in MARKUP_PAGES:
        assert find(tree(pages.paths[name].read_text("utf-8")), "main")


@pytest.mark.parametrize("variable", ["KPLAN_REQUIRE_BROWSER", "KPLAN_REQUIRE_AXE"])
def test_a_missing_browser_or_axe_core_fails_when_required(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.delenv("KPLAN_REQUIRE_BROWSER", raising=False)
    monkeypatch.delenv("KPLAN_REQUIRE_AXE", raising=False)
    with pytest.raises(pytest.skip.Exception):
        _missing("axe-core is not installed")
    monkeypatch.setenv(variable, "1")
    with pytest.raises(pytest.fail.Exception, match="axe-core is not installed"):
        _missing("axe-core is not installed")


def test_axe_core_is_pinned_and_installed_as_pinned() -> None:
    package = json.loads((axe.A11Y / "package.json").read_text("utf-8"))
    lock = json.loads((axe.A11Y / "package-lock.json").read_text("utf-8"))
    pinned = package["devDependencies"]["axe-core"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "an exact version, not a range"
    assert lock["packages"]["node_modules/axe-core"]["version"] == pinned
    if axe.AXE.exists():
        assert axe.axe_version() == pinned
