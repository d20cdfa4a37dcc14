"""``kplan export --format html``: one self-contained page a region can publish.

The page shows where each measure, and so each of the plan's goals, stands
against its target: summary cards, measures per status, Fyra P usage, the
collaboration ladder, perspective coverage, every measure with its indicators,
and how things moved across the plan's snapshots.

The page loads nothing: no script, font, stylesheet, image or link to anywhere
(a Content-Security-Policy meta element says so to the browser as well).
Charts are inline SVG, each with a text alternative and the same numbers in a
table or text beside it; colour is never the only signal (glyphs, patterns
and words go with every colour). Every text taken from the plan is escaped.

The page is written by Jinja2 templates with autoescaping
(kplan/present/templates, through kplan.present.templating): this module
computes plain values (numbers, words from the catalogue, the plan's text,
SVG coordinates) and escapes nothing itself; sections.html.j2 writes each
part of the page from them (one macro a part), page.html.j2 places the parts
and the shell holds the head and its Content-Security-Policy. Only PATTERNS
and STYLE, kplan's own fixed fragments, go into the page as markup.

The output depends on the arguments only, so the same plan gives the same
bytes: no random ids, and no clock but ``generated_at``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kplan.core import collector
from kplan.domain import (
    COVERAGE_LEVELS,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    STATUSES,
    as_utc,
    days_overdue,
    format_number,
    gap_trend,
    is_overdue,
    period_sort_key,
    values_trend,
)
from kplan.i18n import CATALOGUE
from kplan.i18n import fill as fill_in
from kplan.i18n import language as current_language
from kplan.model import Indicator, Measure, Plan
from kplan.moments import local_text, plan_zone
from kplan.present.glyphs import LEVEL_GLYPHS, STATUS_GLYPHS, TREND_ARROWS
from kplan.present.summary import compare_table, plan_summary, source_label, steps_of
from kplan.present.templating import (
    PageTemplate,
    render_custom_page,
    render_page,
    render_sections,
)
from kplan.present.text import Snapshot

__all__ = ["compare_html", "export_html"]

SECTIONS = "sections.html.j2"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# Each status has a glyph (kplan.present.glyphs) and a fill (colour, and a pattern
# for three of them), so the page reads in greyscale, in print and without colour vision.
STATUS_FILLS = {
    "done": "#2e7d4f",
    "ongoing": "#2f6fb0",
    "delayed": "url(#kp-hatch-amber)",
    "not-started": "url(#kp-dots)",
    "cancelled": "url(#kp-cross)",
}
# Fyra P states and perspective coverage share one three-level scale.
LEVEL_FILLS = {
    "done": "#1f6f78",
    "ongoing": "url(#kp-hatch-teal)",
    "not-started": "url(#kp-dots)",
    "yes": "#1f6f78",
    "partly": "url(#kp-hatch-teal)",
    "no": "url(#kp-dots)",
}
# The order statuses are shown in: from finished to not begun, cancelled last.
SHOWN_STATUSES = ("done", "ongoing", "delayed", "not-started", "cancelled")
# Each solid fill, or a colour of each pattern, stands out by 3:1 from the bars' track
# in both themes (WCAG 1.4.11; tests/test_a11y.py computes it).
LADDER_FILL = "#4a6fa5"

PATTERNS = (
    '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>'
    '<pattern id="kp-hatch-amber" width="6" height="6" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#c76a12"/>'
    '<rect width="2" height="6" fill="#fbe3c7"/></pattern>'
    '<pattern id="kp-hatch-teal" width="6" height="6" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#7fb5ba"/>'
    '<rect width="2.5" height="6" fill="#1f6f78"/></pattern>'
    '<pattern id="kp-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<rect width="5" height="5" fill="#d9dee4"/><circle cx="2.5" cy="2.5" r="1" fill="#6c7681"/>'
    "</pattern>"
    '<pattern id="kp-cross" width="6" height="6" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#5d6671"/>'
    '<rect width="1.5" height="6" fill="#c9ced4"/><rect width="6" height="1.5" fill="#c9ced4"/>'
    "</pattern></defs></svg>"
)

# The page's colours, as CSS custom properties: the light theme, and the dark one a
# reader's system asks for (prefers-color-scheme). Every text colour is one of these,
# on one of these backgrounds; tests/test_a11y.py computes each pair's contrast in both
# themes. Print always takes the light one.
LIGHT_THEME = {
    "ink": "#1b2430",
    "muted": "#505b68",
    "line": "#d5dbe1",
    "soft": "#f3f5f7",
    "accent": "#1f4e79",
    "paper": "#ffffff",
    "heading": "#102a43",
    "masthead": "#e8eef4",
    "track": "#e4e8ec",
    "up": "#1d5a37",
    "down": "#9b1c1c",
    "done": "#1d5a37",
    "done-bg": "#e3f1e8",
    "ongoing": "#1f4f80",
    "ongoing-bg": "#e4eef8",
    "delayed": "#8a4306",
    "delayed-bg": "#fcefdc",
    "not-started": "#444c55",
    "not-started-bg": "#eceff2",
    "cancelled": "#3d444c",
    "cancelled-bg": "#e6e8eb",
}
DARK_THEME = {
    "ink": "#e3e8ee",
    "muted": "#a9b4c0",
    "line": "#3b4550",
    "soft": "#0f1419",
    "accent": "#9cc4ee",
    "paper": "#182028",
    "heading": "#dce8f5",
    "masthead": "#16202b",
    "track": "#0b0f14",
    "up": "#86d6a2",
    "down": "#ff9d9d",
    "done": "#8fd6a8",
    "done-bg": "#15301f",
    "ongoing": "#9cc4ee",
    "ongoing-bg": "#16283b",
    "delayed": "#f3b36b",
    "delayed-bg": "#33220f",
    "not-started": "#c5ccd3",
    "not-started-bg": "#262d35",
    "cancelled": "#b9c0c8",
    "cancelled-bg": "#22282f",
}


def _properties(theme: dict[str, str]) -> str:
    return "".join(f"  --{name}: {value};\n" for name, value in theme.items())


STYLE = (
    "\n:root {\n  color-scheme: light dark;\n"
    + _properties(LIGHT_THEME)
    + "}\n@media (prefers-color-scheme: dark) {\n:root {\n"
    + _properties(DARK_THEME)
    + "}\n}\n"
    + """* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--soft); color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", "DejaVu Sans", sans-serif;
  font-variant-numeric: tabular-nums;
}
.defs { position: absolute; width: 0; height: 0; overflow: hidden; }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
.masthead { background: var(--masthead); border-bottom: 1px solid var(--line);
  padding: 2rem 0 1.5rem; }
.eyebrow {
  margin: 0 0 .25rem; color: var(--muted); font-size: .8rem; font-weight: 600;
  letter-spacing: .06em; text-transform: uppercase;
}
h1 { margin: 0 0 .5rem; font-size: clamp(1.6rem, 3vw, 2.2rem); line-height: 1.2;
  color: var(--heading); }
h2 { margin: 2.5rem 0 .75rem; font-size: 1.35rem; line-height: 1.3; color: var(--heading); }
h3 { margin: 0 0 .5rem; font-size: 1.1rem; line-height: 1.35; }
h4 { margin: 1rem 0 .4rem; font-size: .8rem; color: var(--muted); text-transform: uppercase;
  letter-spacing: .05em; }
p { margin: 0 0 .75rem; }
.lede { max-width: 46rem; font-size: 1.05rem; }
.meta { margin: 0; color: var(--muted); font-size: .9rem; }
.meta span + span::before { content: " · "; }
.intro { max-width: 46rem; color: var(--muted); }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap;
}
.cards {
  list-style: none; margin: 1.5rem 0 0; padding: 0; display: grid; gap: .75rem;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 9.5rem), 1fr));
}
.card, .panel, .measure {
  background: var(--paper); border: 1px solid var(--line); border-radius: .5rem;
}
.card, .measure, .keep { break-inside: avoid; page-break-inside: avoid; }
.card { padding: .9rem 1rem; border-top: 4px solid var(--accent); }
.card-label { margin: 0; color: var(--muted); font-size: .85rem; font-weight: 600; }
.card-value { margin: .1rem 0; font-size: 2rem; font-weight: 700; line-height: 1.2; }
.card-note { margin: 0; color: var(--muted); font-size: .85rem; }
.panel { padding: 1.1rem 1.25rem; }
.panel p:last-child { margin-bottom: 0; }
.stack { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
.chart { display: block; width: 100%; margin: .5rem 0 1rem; border-radius: .3rem; }
.scroll { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: 0 0 .4rem; color: var(--ink); }
th, td { padding: .4rem .5rem; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
thead th { font-size: .8rem; vertical-align: bottom; color: var(--muted); font-weight: 600;
  border-bottom-width: 2px; }
tbody th { font-weight: 600; }
tfoot th, tfoot td { font-weight: 700; border-bottom: 0; }
td.num, th.num { text-align: right; }
td.num, td.nowrap { white-space: nowrap; }
td.bar-cell { width: 35%; min-width: 7rem; vertical-align: middle; }
.bar { display: block; width: 100%; border-radius: .25rem; }
.swatch { vertical-align: -2px; margin-right: .35rem; }
.status {
  display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-size: .85rem;
  font-weight: 600; white-space: nowrap; border: 1px solid currentColor;
  print-color-adjust: exact; -webkit-print-color-adjust: exact;
}
.status-done { color: var(--done); background: var(--done-bg); }
.status-ongoing { color: var(--ongoing); background: var(--ongoing-bg); }
.status-delayed { color: var(--delayed); background: var(--delayed-bg); }
.status-not-started { color: var(--not-started); background: var(--not-started-bg); }
.status-cancelled { color: var(--cancelled); background: var(--cancelled-bg); }
.trend { white-space: nowrap; font-weight: 600; }
.trend-up { color: var(--up); } .trend-down { color: var(--down); }
.trend-flat, .trend-none { color: var(--muted); }
.glance td:first-child, .glance th:first-child { width: 2.5rem; }
.glance td, .glance tbody th { vertical-align: middle; }
.glance td.bar-cell { width: 14%; }
.glance a { color: var(--accent); }
.measures { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
.measure { padding: 1.1rem 1.25rem 1.25rem; }
.measure-head { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: baseline;
  justify-content: space-between; }
.measure-head h3 { flex: 1 1 24rem; }
.measure-body { display: grid; gap: 0 2rem;
  grid-template-columns: minmax(0, 1fr) minmax(0, 1.5fr); }
.measure-body > div > h4:first-child { margin-top: .1rem; }
.facts { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: .2rem .9rem;
  font-size: .92rem; }
.facts dt { color: var(--muted); font-weight: 600; }
.facts dd { margin: 0; }
.progress { display: flex; align-items: center; gap: .75rem; margin: .9rem 0 .25rem; }
.progress .bar { flex: 1 1 auto; }
.progress strong { min-width: 3.5rem; text-align: right; }
.description { color: var(--muted); font-size: .92rem; margin-top: .75rem; }
.marks { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem .9rem;
  font-size: .9rem; }
.marks li { white-space: nowrap; }
.plain { list-style: none; margin: 0; padding: 0; font-size: .92rem; }
.plain li + li { margin-top: .4rem; }
.glyph { display: inline-block; min-width: 1.1em; margin-right: .15em; font-weight: 700; }
.nowrap { white-space: nowrap; }
table.compact { width: auto; min-width: min(100%, 30rem); }
.history { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: flex-start; }
.history table { width: auto; }
.spark { flex: 0 0 auto; }
.none { color: var(--muted); font-style: italic; }
.unit { color: var(--muted); font-weight: 400; white-space: nowrap; }
.reached { color: var(--done); font-weight: 600; }
footer { margin: 3rem 0 0; padding: 1.25rem 0 2rem; border-top: 1px solid var(--line);
  color: var(--muted); font-size: .85rem; }
.skip-link {
  position: absolute; left: .75rem; top: -4rem; z-index: 10; padding: .5rem .9rem;
  background: var(--paper); color: var(--accent); border: 2px solid var(--accent);
  border-radius: .3rem; font-weight: 600;
}
.skip-link:focus { top: .75rem; }
a:focus-visible, .scroll:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
main:focus { outline: none; }
.contents { border-bottom: 1px solid var(--line); background: var(--paper); font-size: .92rem; }
.contents ul { list-style: none; margin: 0; padding: .6rem 0; display: flex; flex-wrap: wrap;
  gap: .3rem 1.25rem; }
.contents a { color: var(--accent); }
h1, h3, .lede, .description, dd, li, .meta, footer p { overflow-wrap: anywhere; }
th, td, caption { overflow-wrap: break-word; }
.bar > rect:first-of-type, .chart > rect:first-of-type { fill: var(--track); }
rect[stroke="#fff"] { stroke: var(--paper); }
.spark line { stroke: var(--line); }
.spark polyline, .spark circle { stroke: var(--accent); }
@media (max-width: 50rem) {
  .measure-body { grid-template-columns: minmax(0, 1fr); }
  td.bar-cell { width: 25%; min-width: 4.5rem; }
  th, td { padding: .35rem .35rem; }
  .marks li { white-space: normal; }
}
@media print {
  @page { margin: 14mm; }
  html { color-scheme: light; }
  body { background: #fff; font-size: 10.5pt; }
  .masthead { background: none; border-bottom: 2px solid #000; padding-top: 0; }
  .card, .panel, .measure { border-color: #999; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .scroll { overflow: visible; }
  .skip-link, .contents { display: none; }
  .visually-hidden { position: static; width: auto; height: auto; overflow: visible; clip: auto;
    white-space: normal; }
  .glance a { color: inherit; text-decoration: none; }
  a[href^="http"]::after, a[href^="mailto:"]::after { content: " <" attr(href) ">";
    overflow-wrap: anywhere; }
}
"""
    # Paper is light whatever the screen's theme: the light colours, last, win in print.
    + "@media print {\n:root {\n"
    + _properties(LIGHT_THEME)
    + "}\n}\n"
)


class _Words:
    """The catalogue's text in one language, whatever KPLAN_LANG says.

    ``kplan.i18n.t`` speaks the current language; a page can be asked for
    another one, so this reads the same catalogue for the chosen language.
    """

    def __init__(self, language: str) -> None:
        self.language = "sv" if language == "sv" else "en"
        self._index = 1 if self.language == "sv" else 0
        # A page of 500 measures asks for the same few words and shares thousands of times.
        self._percents: dict[float, str] = {}
        self._statuses: dict[str, str] = {}

    def t(self, key: str, /, **values: object) -> str:
        text = CATALOGUE[key][self._index]
        return fill_in(text, values) if values else text

    def number(self, value: float | None) -> str:
        """A number the way the language writes it (21 000 and 63,5 in Swedish)."""
        shown = format_number(value)
        if shown is None:
            return "–"
        text = f"{shown:,}"
        if self.language == "sv":
            return text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")
        return text

    def percent(self, share: float) -> str:
        """A share from 0 to 1 as a whole percentage."""
        shown = self._percents.get(share)
        if shown is None:
            whole = round(100 * share)
            shown = f"{whole}\u00a0%" if self.language == "sv" else f"{whole}%"
            self._percents[share] = shown
        return shown

    def status(self, status: str) -> str:
        word = self._statuses.get(status)
        if word is None:
            word = self._statuses[status] = self.t(f"status.{status}")
        return word


# A language tag as BCP 47 writes the common ones: sv, en, sv-SE, se-Latn-NO.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def other_language(plan_language: str | None, page_language: str) -> str:
    """The plan's language when its text is in another language than the page's, else "".

    A plan that names no language, or names it in a form that is no language tag,
    gets no lang attribute on its text: it is then read in the page's language.
    """
    if not plan_language or _LANGUAGE_TAG.fullmatch(plan_language) is None:
        return ""
    primary = plan_language.split("-", 1)[0].lower()
    return "" if primary == page_language.lower() else plan_language


def _f(value: float) -> str:
    """A coordinate or percentage for SVG, short and always the same."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _when(moment: dt.datetime, zone: str | None = None) -> str:
    """A moment in ``zone`` (the reader's when None), the zone named: ``2025-02-20 09:00 CET``."""
    return local_text(moment, zone)


# The values the templates draw: plain strings, numbers, tuples, lists and dicts.
Values = dict[str, Any]


@dataclass(slots=True)
class _StackedBar:
    """A horizontal stacked bar: each rect is (x, width, fill), x and width in percent."""

    css: str
    height: int
    label: str
    rects: list[tuple[str, str, str]]


@dataclass(slots=True)
class _ShareBar:
    """A bar filled to ``width`` percent (empty: nothing filled) on a light track."""

    height: int
    rx: str
    width: str
    fill: str
    label: str


def _stacked_bar(
    parts: Sequence[tuple[int, str]], label: str, *, height: int = 14, css: str = "bar"
) -> _StackedBar:
    """A horizontal stacked bar: ``parts`` are (count, fill); ``label`` says the numbers."""
    total = sum(count for count, _ in parts)
    rects = []
    start = 0.0
    for count, fill in parts:
        if not count or not total:
            continue
        width = 100 * count / total
        rects.append((_f(start), _f(width), fill))
        start += width
    return _StackedBar(css, height, label, rects)


def _share_bar(share: float, fill: str, label: str, *, height: int = 10) -> _ShareBar:
    """A bar filled to ``share`` (0 to 1) on a light track."""
    width = max(0.0, min(1.0, share)) * 100
    return _ShareBar(height, f"{height / 2:g}", _f(width) if width else "", fill, label)


def _badge(words: _Words, status: str) -> tuple[str, str, str]:
    """A status as the page shows it: (identifier, glyph, word)."""
    word = words.status(status) if status in STATUSES else status
    return status, STATUS_GLYPHS.get(status, "?"), word


@dataclass(frozen=True)
class _IndicatorState:
    latest: float | None
    latest_period: str | None
    trend: str
    toward: float | None


def _indicator_state(indicator: Indicator) -> _IndicatorState:
    periods = sorted(indicator.values, key=period_sort_key)
    latest_period = periods[-1] if periods else None
    latest = indicator.values[latest_period] if latest_period is not None else None
    toward: float | None = None
    if (
        latest is not None
        and indicator.baseline is not None
        and indicator.target is not None
        and indicator.target != indicator.baseline
    ):
        toward = (latest - indicator.baseline) / (indicator.target - indicator.baseline)
    return _IndicatorState(
        latest, latest_period, values_trend(indicator.values, indicator.direction), toward
    )


@dataclass(slots=True)
class _IndicatorRow:
    """One indicator's row in a measure's table, as the page writes it."""

    name: str
    unit: str
    baseline: str
    target: str
    latest: str
    toward: str
    reached: bool
    trend: str
    arrow: str
    trend_word: str
    # The values split by group (each group's latest), then the gap between them.
    groups: list[_GroupRow]
    source: str


def _indicator_cell(w: _Words, found: dict[str, Any] | None) -> str:
    """An indicator's latest value with its unit and period, in a trend or comparison table."""
    if found is None or found["value"] is None:
        return "–"
    value = w.number(found["value"])
    if found["unit"]:
        value = f"{value}\u00a0{found['unit']}"
    return w.t("trend.indicator_cell", value=value, period=found["period"])


@dataclass(slots=True)
class _GroupRow:
    """A group's latest value under its indicator, or (``gap``) the gap between the groups."""

    label: str
    latest: str
    gap: bool
    trend: str
    arrow: str
    trend_word: str


@dataclass(slots=True)
class _Sparkline:
    """A measure's progress over time: ``line`` joins the dots (x, y, fill); empty for one dot."""

    label: str
    line: str
    dots: list[tuple[str, str, str]]


@dataclass(slots=True)
class _MeasureHistory:
    """A measure in each snapshot and now: (name, None when absent, else (glyph, status, %))."""

    caption: str
    states: list[tuple[str, tuple[str, str, str] | None]]
    spark: _Sparkline


@dataclass(slots=True)
class _MeasureCard:
    """One measure's card: every value it shows, in the page's language."""

    anchor: str
    eyebrow: str
    area: str
    title: str
    badge: tuple[str, str, str]
    # (name, value, whether the value is the plan's own text rather than kplan's words)
    facts: list[tuple[str, str, bool]]
    progress: str
    bar: _ShareBar
    description: str
    four_p: list[tuple[str, str, str]]
    perspectives: list[tuple[str, str, str]]
    collaborations: list[tuple[str, str, str, str]]
    indicators: list[_IndicatorRow]
    indicators_caption: str
    history: _MeasureHistory | None


class _Page:
    """Computes the values of the page's parts; the templates write them as HTML."""

    def __init__(
        self,
        plan: Plan,
        words: _Words,
        generated_at: dt.datetime,
        history: Sequence[Snapshot],
        snapshot: str | None,
        today: dt.date,
        trend: dict[str, Any] | None = None,
    ) -> None:
        self.plan = plan
        self.trend = trend
        self.today = today
        self.w = words
        self.generated_at = generated_at
        # The page shows moments in the plan's own zone, whoever writes it where.
        self.zone = plan_zone(plan.language, plan.timezone)
        self.history = list(history)
        # Each measure looks itself up in every snapshot: once by id, not by search.
        self.history_measures = [{m.id: m for m in snap.plan.measures} for snap in self.history]
        self.snapshot = snapshot
        self.figures = plan_summary(plan)
        self.owners = {owner.id: owner for owner in plan.owners}
        self.organisations = {org.id: org.name for org in plan.organisations}
        self.plan_language = other_language(plan.language, words.language)

    # The figures -------------------------------------------------------------

    def four_p_counts(self, plan: Plan) -> dict[str, dict[str, int]]:
        return {
            part: {
                state: sum(m.four_p.get(part, "not-started") == state for m in plan.measures)
                for state in FOUR_P_STATES
            }
            for part in FOUR_P_PARTS
        }

    def four_p_share(self, plan: Plan) -> float:
        """The Fyra P usage rate: the share of measure × part that is done."""
        cells = len(plan.measures) * len(FOUR_P_PARTS)
        done = sum(
            m.four_p.get(part, "not-started") == "done"
            for m in plan.measures
            for part in FOUR_P_PARTS
        )
        return done / cells if cells else 0.0

    @staticmethod
    def average_progress(plan: Plan) -> tuple[float, int]:
        """The mean progress of the measures that are not cancelled, and their number."""
        active = [m.progress for m in plan.measures if m.status != "cancelled"]
        return (sum(active) / len(active) / 100 if active else 0.0), len(active)

    def status_counts(self, plan: Plan) -> dict[str, int]:
        return {status: sum(m.status == status for m in plan.measures) for status in STATUSES}

    def status_parts(self, counts: dict[str, int]) -> list[tuple[int, str]]:
        return [(counts[status], STATUS_FILLS[status]) for status in SHOWN_STATUSES]

    def status_label(self, counts: dict[str, int]) -> str:
        return ", ".join(f"{self.w.status(status)} {counts[status]}" for status in SHOWN_STATUSES)

    def now_name(self) -> str:
        return self.snapshot if self.snapshot is not None else self.w.t("html.now")

    # The page ----------------------------------------------------------------

    def parts(self) -> dict[str, Values]:
        """The values of each of the page's parts, by the name of its macro in sections.html.j2.

        An empty dict stands for a part that has nothing to show.
        """
        return {
            "skip": {"target": "#main"},
            "masthead": self.masthead(),
            "contents": self.contents(),
            "cards": self.cards(),
            "status": self.status_section(),
            "method": self.method_section(),
            "history": self.history_section(),
            "trend": self.trend_section(),
            "glance": self.glance_section(),
            "measures": self.measures_section(),
            "footer": self.footer(),
        }

    def sections(self) -> dict[str, str]:
        """The page's parts as HTML, written by kplan's templates; a page template places them."""
        return {"patterns": PATTERNS, **render_sections(SECTIONS, self.parts(), t=self.w.t)}

    def head(self, *, style: str) -> dict[str, str]:
        """What kplan's shell puts in the page's head."""
        return {
            "language": self.w.language,
            "title": self.w.t("html.page_title", plan=self.plan.title),
            "csp": CSP,
            "style": style,
        }

    def render(self) -> str:
        return render_page(
            "page.html.j2", context={}, sections=self.sections(), head=self.head(style=STYLE)
        )

    def template_values(self) -> dict[str, object]:
        """What a region's own template receives besides ``sections`` (docs/export.md).

        Plain strings, numbers, lists and dicts: the template reads them, escaped,
        and cannot reach kplan's objects through them.
        """
        plan, w = self.plan, self.w
        return {
            "language": w.language,
            "title": w.t("html.page_title", plan=plan.title),
            "csp": CSP,
            "generated_at": self.generated_at.isoformat(),
            "snapshot": self.snapshot,
            "plan": {
                "id": plan.id,
                "title": plan.title,
                "organisation": plan.organisation or "",
                "description": plan.description or "",
                "start": plan.start.isoformat() if plan.start else "",
                "end": plan.end.isoformat() if plan.end else "",
            },
            "counts": dict(self.status_counts(plan)),
            "measures": [
                {
                    "id": m.id,
                    "title": m.title,
                    "owner": self.owner_text(m),
                    "goal": m.goal,
                    "situation": m.situation or "",
                    "area": m.area or "",
                    "status": m.status,
                    "status_label": w.status(m.status) if m.status in STATUSES else m.status,
                    "status_glyph": STATUS_GLYPHS.get(m.status, "?"),
                    "progress": m.progress,
                    "due": m.due.isoformat() if m.due else "",
                    "overdue": is_overdue(m.due, m.status, self.today),
                }
                for m in plan.measures
            ],
        }

    def render_with(self, template: PageTemplate) -> str:
        return render_custom_page(
            template,
            context=self.template_values(),
            markup={"style": STYLE},
            sections=self.sections(),
            head=self.head(style=""),
        )

    def masthead(self) -> Values:
        w, plan = self.w, self.plan
        meta = []
        if plan.start or plan.end:
            meta.append(
                w.t(
                    "html.plan_period",
                    start=plan.start.isoformat() if plan.start else "…",
                    end=plan.end.isoformat() if plan.end else "…",
                )
            )
        if self.snapshot is not None:
            meta.append(w.t("html.snapshot_shown", name=self.snapshot))
            meta.append(w.t("html.generated", when=_when(self.generated_at, self.zone)))
        else:
            meta.append(w.t("html.figures_as_of", when=_when(self.generated_at, self.zone)))
        return {
            "organisation": plan.organisation or "",
            "title": plan.title,
            "description": plan.description or "",
            "meta": meta,
            "pl": self.plan_language,
        }

    def contents(self) -> Values:
        """The page's table of contents: a link to each of its sections that has something."""
        w = self.w
        links = [
            ("#status-h", w.t("html.status_heading")),
            ("#method-h", w.t("html.method_heading")),
        ]
        if self.history:
            links.append(("#history-h", w.t("html.history_heading")))
        if self.trend and self.trend["rows"]:
            links.append(("#trend-h", w.t("trend.heading")))
        links.append(("#glance-h", w.t("html.glance_heading")))
        links.append(("#measures-h", w.t("html.measures_heading")))
        return {"links": links}

    def cards(self) -> Values:
        w, plan = self.w, self.plan
        counts = self.figures["statuses"]
        total = len(plan.measures)
        average, active = self.average_progress(plan)
        cells = total * len(plan.perspectives)
        integrated = sum(levels["yes"] for levels in self.figures["perspectives"].values())
        collaborations = [c for m in plan.measures for c in m.collaborations]
        top = len(plan.ladder)
        at_top = sum(c.step == top for c in collaborations)
        cards = [
            (
                w.t("html.card_measures"),
                str(total),
                w.t("html.card_measures_note", done=counts["done"], delayed=counts["delayed"]),
            ),
            (
                w.t("html.card_progress"),
                w.percent(average),
                w.t("html.card_progress_note", count=active),
            ),
            (
                w.t("html.card_four_p"),
                w.percent(self.four_p_share(plan)),
                w.t("html.card_four_p_note"),
            ),
            (
                w.t("html.card_integrated"),
                w.percent(integrated / cells if cells else 0.0),
                w.t("html.card_integrated_note"),
            ),
            (
                w.t("html.card_collaborations"),
                str(len(collaborations)),
                w.t(
                    "html.card_collaborations_note",
                    count=at_top,
                    label=plan.ladder[-1] if plan.ladder else "",
                ),
            ),
        ]
        return {"cards": cards}

    def status_section(self) -> Values:
        w = self.w
        counts = self.figures["statuses"]
        total = self.figures["measures"]
        label = w.t("html.status_chart_label", parts=self.status_label(counts))
        rows = [
            (
                STATUS_FILLS[status],
                STATUS_GLYPHS.get(status, "?"),
                w.status(status),
                counts[status],
                w.percent(counts[status] / total if total else 0.0),
            )
            for status in SHOWN_STATUSES
        ]
        return {
            "total": total,
            "total_share": w.percent(1.0 if total else 0.0),
            "bar": _stacked_bar(self.status_parts(counts), label, height=36, css="chart"),
            "rows": rows,
        }

    def method_section(self) -> Values:
        return {
            "four_p": self.four_p_panel(),
            "ladder": self.ladder_panel(),
            "perspectives": self.perspectives_panel(),
            "pl": self.plan_language,
        }

    def four_p_panel(self) -> Values:
        w, plan = self.w, self.plan
        counts = self.four_p_counts(plan)
        total = len(plan.measures)
        overall = self.four_p_share(plan)
        states = FOUR_P_STATES[::-1]
        rows = []
        for part in FOUR_P_PARTS:
            part_counts = counts[part]
            name = w.t(f"four_p.{part}")
            share = part_counts["done"] / total if total else 0.0
            label = w.t(
                "html.four_p_bar_label",
                part=name,
                states=", ".join(
                    f"{w.t(f'four_p_state.{state}')} {part_counts[state]}" for state in states
                ),
            )
            bar = _stacked_bar([(part_counts[s], LEVEL_FILLS[s]) for s in states], label)
            rows.append((name, bar, [part_counts[s] for s in states], w.percent(share)))
        done_all = sum(counts[part]["done"] for part in FOUR_P_PARTS)
        return {
            "headline": w.t(
                "html.four_p_headline",
                share=w.percent(overall),
                done=done_all,
                cells=total * len(FOUR_P_PARTS),
            ),
            "heads": [f"{LEVEL_GLYPHS[s]}\u00a0{w.t(f'four_p_state.{s}')}" for s in states],
            "rows": rows,
            "totals": [sum(counts[p][s] for p in FOUR_P_PARTS) for s in states],
            "overall": w.percent(overall),
        }

    def ladder_panel(self) -> Values:
        w, plan = self.w, self.plan
        steps = len(plan.ladder)
        counts = [0] * steps
        for measure in plan.measures:
            for collab in measure.collaborations:
                if 1 <= collab.step <= steps:
                    counts[collab.step - 1] += 1
        most = max(counts, default=0)
        rows = []
        for index, label in enumerate(plan.ladder):
            question = plan.ladder_questions[index] if index < len(plan.ladder_questions) else ""
            bar_label = w.t(
                "html.ladder_bar_label", step=index + 1, label=label, count=counts[index]
            )
            bar = _share_bar(counts[index] / most if most else 0.0, LADDER_FILL, bar_label)
            rows.append((f"{index + 1}\u00a0{label}", question, bar, counts[index]))
        return {"rows": rows, "total": sum(counts)}

    def perspectives_panel(self) -> Values:
        w, plan = self.w, self.plan
        coverage = self.figures["perspectives"]
        total = len(plan.measures)
        levels = COVERAGE_LEVELS[::-1]
        rows = []
        for perspective in plan.perspectives:
            counts = coverage[perspective]
            label = w.t(
                "html.perspective_bar_label",
                perspective=perspective,
                levels=", ".join(f"{w.t(f'coverage.{lv}')} {counts[lv]}" for lv in levels),
            )
            bar = _stacked_bar([(counts[lv], LEVEL_FILLS[lv]) for lv in levels], label)
            share = counts["yes"] / total if total else 0.0
            rows.append((perspective, bar, [counts[lv] for lv in levels], w.percent(share)))
        return {
            "heads": [f"{LEVEL_GLYPHS[lv]}\u00a0{w.t(f'coverage.{lv}')}" for lv in levels],
            "rows": rows,
        }

    def history_section(self) -> Values:
        if not self.history:
            return {}
        w = self.w
        # (name, moment, plan, whether the name is the plan's own text: a snapshot's name)
        states: list[tuple[str, str, Plan, bool]] = [
            (s.name, _when(s.taken_at, self.zone), s.plan, True) for s in self.history
        ]
        # A snapshot's own moment is not known here; the current state's is now.
        now = _when(self.generated_at, self.zone) if self.snapshot is None else "–"
        states.append((self.now_name(), now, self.plan, self.snapshot is not None))
        rows = []
        for name, when, plan, named in states:
            counts = self.status_counts(plan)
            label = w.t("html.history_bar_label", name=name, parts=self.status_label(counts))
            average, _ = self.average_progress(plan)
            rows.append(
                (
                    name,
                    when,
                    _stacked_bar(self.status_parts(counts), label),
                    [counts[s] for s in SHOWN_STATUSES],
                    w.percent(average),
                    w.percent(self.four_p_share(plan)),
                    named,
                )
            )
        heads = [(STATUS_GLYPHS.get(s, "?"), w.status(s)) for s in SHOWN_STATUSES]
        return {"heads": heads, "rows": rows, "pl": self.plan_language}

    def trend_section(self) -> Values:
        """The development over the years: a row per year, a bar and its number in each cell."""
        result = self.trend
        if not result or not result["rows"]:
            return {}
        w = self.w
        rows = result["rows"]

        def share_cell(share: float | None, fill: str, label: str) -> tuple[_ShareBar, str]:
            shown = "–" if share is None else w.percent(share)
            text = w.t("trend.bar_text", label=label, value=shown)
            return _share_bar(share or 0.0, fill, text), shown

        statuses = []
        for row in rows:
            counts = row["statuses"]
            label = w.t(
                "html.history_bar_label", name=row["label"], parts=self.status_label(counts)
            )
            statuses.append(
                (
                    row["label"],
                    _stacked_bar(self.status_parts(counts), label),
                    [counts[s] for s in SHOWN_STATUSES],
                )
            )
        four_p = [
            (
                row["label"],
                share_cell(row["four_p"]["share"], LEVEL_FILLS["done"], row["label"]),
                [
                    "–"
                    if row["four_p"]["parts"][part]["share"] is None
                    else w.percent(row["four_p"]["parts"][part]["share"])
                    for part in FOUR_P_PARTS
                ],
            )
            for row in rows
        ]
        perspectives = [
            (
                row["label"],
                [
                    share_cell(
                        row["perspectives"][name]["share_yes"],
                        LEVEL_FILLS["yes"],
                        f"{row['label']}, {name}",
                    )
                    if name in row["perspectives"]
                    else None
                    for name in result["perspectives"]
                ],
            )
            for row in rows
        ]
        steps = max(len(row["ladder"]) for row in rows)
        most = max((step["collaborations"] for row in rows for step in row["ladder"]), default=0)
        step_names = [
            next(r["ladder"][i]["name"] for r in reversed(rows) if len(r["ladder"]) > i)
            for i in range(steps)
        ]
        ladder = []
        for row in rows:
            cells: list[tuple[_ShareBar, str] | None] = []
            for index in range(steps):
                if index >= len(row["ladder"]):
                    cells.append(None)
                    continue
                count = row["ladder"][index]["collaborations"]
                label = w.t(
                    "trend.bar_text",
                    label=f"{row['label']}, {index + 1}\u00a0{step_names[index]}",
                    value=count,
                )
                cells.append(
                    (_share_bar(count / most if most else 0.0, LADDER_FILL, label), str(count))
                )
            ladder.append((row["label"], cells))
        indicators = []
        # Each row's indicators by id: a plan of 500 measures has 1,000 of them.
        by_id = [{i["id"]: i for i in reversed(row["indicators"])} for row in rows]
        for indicator in result["indicators"]:
            cells_text = []
            for row_indicators in by_id:
                cells_text.append(_indicator_cell(w, row_indicators.get(indicator["id"])))
            indicators.append((indicator["name"], cells_text))
        return {
            "years": [row["label"] for row in rows],
            "status_heads": [(STATUS_GLYPHS.get(s, "?"), w.status(s)) for s in SHOWN_STATUSES],
            "statuses": statuses,
            "parts": [w.t(f"four_p.{part}") for part in FOUR_P_PARTS],
            "four_p": four_p,
            "perspective_names": list(result["perspectives"]),
            "perspectives": perspectives,
            "steps": [f"{index + 1}\u00a0{name}" for index, name in enumerate(step_names)],
            "ladder": ladder,
            "indicators": indicators,
            "pl": self.plan_language,
        }

    def owner_parts(self, measure: Measure) -> tuple[str, str]:
        """The owner's name and organisation (empty when unknown)."""
        owner = self.owners.get(measure.owner)
        if owner is None:
            return measure.owner, ""
        organisation = self.organisations.get(owner.organisation or "", owner.organisation)
        # A public export shows an owner by organisation: named once, not twice.
        if organisation == owner.name:
            return owner.name, ""
        return owner.name, organisation or ""

    def owner_text(self, measure: Measure) -> str:
        name, organisation = self.owner_parts(measure)
        return f"{name}, {organisation}" if organisation else name

    def highest_step(self, measure: Measure) -> str:
        highest = steps_of(measure)["highest"]
        if highest is None:
            return "–"
        label = self.plan.ladder[highest - 1] if highest <= len(self.plan.ladder) else ""
        return f"{highest}\u00a0{label}".strip()

    def glance_section(self) -> Values:
        w = self.w
        rows = []
        for index, measure in enumerate(self.plan.measures, 1):
            percent = w.percent(measure.progress / 100)
            label = w.t("html.progress_label", value=percent)
            name, organisation = self.owner_parts(measure)
            badge = _badge(w, measure.status)
            late = days_overdue(measure.due, measure.status, self.today)
            if late is not None:
                badge = (*badge[:2], w.t("year.status_overdue", status=badge[2], days=late))
            rows.append(
                (
                    measure.id,
                    f"#m{index}",
                    measure.title,
                    name,
                    organisation,
                    badge,
                    _share_bar(measure.progress / 100, _progress_fill(measure), label),
                    percent,
                    self.highest_step(measure),
                )
            )
        return {"rows": rows, "pl": self.plan_language}

    def measures_section(self) -> Values:
        return {
            "measures": [
                self.measure_card(index, measure)
                for index, measure in enumerate(self.plan.measures, 1)
            ],
            "pl": self.plan_language,
        }

    def measure_card(self, index: int, measure: Measure) -> _MeasureCard:
        w = self.w
        facts = []
        if measure.goal:
            facts.append((w.t("col.goal"), measure.goal, True))
        facts.append((w.t("col.owner"), self.owner_text(measure), True))
        if measure.situation:
            facts.append((w.t("structure.col_situation"), measure.situation, True))
        if measure.start or measure.due:
            facts.append(
                (
                    w.t("html.col_time"),
                    w.t(
                        "html.time_span",
                        start=measure.start.isoformat() if measure.start else "…",
                        due=measure.due.isoformat() if measure.due else "…",
                    ),
                    False,
                )
            )
        late = days_overdue(measure.due, measure.status, self.today)
        if late is not None:
            facts.append((w.t("year.col_overdue"), w.t("year.overdue_days", days=late), False))
        progress = w.percent(measure.progress / 100)
        return _MeasureCard(
            anchor=f"m{index}",
            eyebrow=w.t("html.measure_number", id=measure.id),
            area=measure.area or "",
            title=measure.title,
            badge=_badge(w, measure.status),
            facts=facts,
            progress=progress,
            bar=_share_bar(
                measure.progress / 100,
                _progress_fill(measure),
                w.t("html.progress_label", value=progress),
                height=12,
            ),
            description=measure.description or "",
            four_p=self.four_p_marks(measure),
            perspectives=self.perspective_marks(measure),
            collaborations=self.collaborations(measure),
            indicators=self.indicators(measure),
            indicators_caption=w.t("html.indicators_table", title=measure.title),
            history=self.measure_history(measure) if self.history else None,
        )

    def four_p_marks(self, measure: Measure) -> list[tuple[str, str, str]]:
        """Each Fyra P part: (its name, the state's glyph, the state's word)."""
        w = self.w
        return [
            (w.t(f"four_p.{part}"), LEVEL_GLYPHS.get(state, "?"), w.t(f"four_p_state.{state}"))
            for part in FOUR_P_PARTS
            for state in [measure.four_p.get(part, "not-started")]
            if state in FOUR_P_STATES
        ]

    def perspective_marks(self, measure: Measure) -> list[tuple[str, str, str]]:
        """Each perspective: (its name, the level's glyph, the level's word)."""
        w = self.w
        return [
            (p, LEVEL_GLYPHS.get(level, "?"), w.t(f"coverage.{level}"))
            for p in self.plan.perspectives
            for level in [measure.perspectives.get(p, "no")]
            if level in COVERAGE_LEVELS
        ]

    def indicators(self, measure: Measure) -> list[_IndicatorRow]:
        w = self.w
        rows = []
        for indicator in measure.indicators:
            state = _indicator_state(indicator)
            latest = w.number(state.latest)
            if state.latest_period is not None:
                latest = w.t("html.latest_value", value=latest, period=state.latest_period)
            if state.toward is None:
                toward = ""
            elif state.toward >= 1:
                toward = f"{STATUS_GLYPHS['done']}\u00a0{w.t('html.target_reached')}"
            else:
                toward = w.percent(max(0.0, state.toward))
            rows.append(
                _IndicatorRow(
                    name=indicator.name,
                    unit=indicator.unit or "",
                    baseline=w.number(indicator.baseline),
                    target=w.number(indicator.target),
                    latest=latest,
                    toward=toward,
                    reached=state.toward is not None and state.toward >= 1,
                    trend=state.trend,
                    arrow=TREND_ARROWS[state.trend],
                    trend_word=w.t(f"trend.{state.trend}"),
                    groups=self.groups(indicator),
                    source=w.t("stats.source_line", source=source_label(indicator.source))
                    if indicator.source
                    else "",
                )
            )
        return rows

    def groups(self, indicator: Indicator) -> list[_GroupRow]:
        """An indicator's groups, each with its latest value, and the gap with its trend."""
        w = self.w
        rows = []
        for perspective, groups in indicator.groups.items():
            for group, series in groups.items():
                periods = sorted(series, key=period_sort_key)
                latest = ""
                if periods:
                    latest = w.t(
                        "html.latest_value",
                        value=w.number(series[periods[-1]]),
                        period=periods[-1],
                    )
                rows.append(_GroupRow(f"{perspective}={group}", latest, False, "", "", ""))
            gaps, direction = gap_trend(groups)
            if gaps:
                last = sorted(gaps, key=period_sort_key)[-1]
                rows.append(
                    _GroupRow(
                        w.t("stats.gap", perspective=perspective),
                        w.t("html.latest_value", value=w.number(gaps[last]), period=last),
                        True,
                        direction,
                        TREND_ARROWS[direction],
                        w.t(f"stats.gap_{direction}"),
                    )
                )
        return rows

    def collaborations(self, measure: Measure) -> list[tuple[str, str, str, str]]:
        """Each collaboration: (name, its step in words, its actors, its note)."""
        w = self.w
        items = []
        for collab in measure.collaborations:
            label = (
                self.plan.ladder[collab.step - 1] if collab.step <= len(self.plan.ladder) else ""
            )
            actors = ", ".join(self.organisations.get(a, a) for a in collab.actors)
            items.append(
                (
                    collab.name,
                    w.t("show.step", step=collab.step, label=label),
                    actors,
                    collab.note or "",
                )
            )
        return items

    def measure_history(self, measure: Measure) -> _MeasureHistory:
        w = self.w
        points: list[tuple[str, Measure | None]] = []
        for snap, measures in zip(self.history, self.history_measures, strict=True):
            points.append((snap.name, measures.get(measure.id)))
        points.append((self.now_name(), measure))
        states: list[tuple[str, tuple[str, str, str] | None]] = [
            (name, None)
            if m is None
            else (
                name,
                (STATUS_GLYPHS.get(m.status, "?"), w.status(m.status), w.percent(m.progress / 100)),
            )
            for name, m in points
        ]
        described = "; ".join(
            f"{name}: {state[1]}, {state[2]}" for name, state in states if state is not None
        )
        return _MeasureHistory(
            caption=w.t("html.measure_history_table", title=measure.title),
            states=states,
            spark=_sparkline(points, w.t("html.sparkline_label", points=described)),
        )

    def footer(self) -> Values:
        w = self.w
        when = _when(self.generated_at, self.zone)
        footer = (
            w.t("html.footer", when=when)
            if self.snapshot is None
            else w.t("html.footer_snapshot", when=when, name=self.snapshot)
        )
        return {"footer": footer}


def _progress_fill(measure: Measure) -> str:
    return STATUS_FILLS.get(measure.status, STATUS_FILLS["ongoing"])


def _sparkline(points: Sequence[tuple[str, Measure | None]], label: str) -> _Sparkline:
    """Progress across the snapshots and now, as a small line with a dot per state."""
    width, height, pad = 200, 56, 7
    count = len(points)
    step = (width - 2 * pad) / (count - 1) if count > 1 else 0.0

    def place(index: int, progress: int) -> tuple[str, str]:
        x = pad + index * step if count > 1 else width / 2
        y = height - pad - (height - 2 * pad) * max(0, min(100, progress)) / 100
        return _f(x), _f(y)

    coords = [
        (place(index, m.progress), m.status) for index, (_, m) in enumerate(points) if m is not None
    ]
    line = " ".join(f"{x},{y}" for (x, y), _ in coords) if len(coords) > 1 else ""
    dots = [(x, y, STATUS_FILLS.get(status, "#1f4e79")) for (x, y), status in coords]
    return _Sparkline(label, line, dots)


def export_html(
    plan: Plan,
    *,
    generated_at: dt.datetime,
    history: list[Snapshot],
    snapshot: str | None = None,
    language: str | None = None,
    template: PageTemplate | None = None,
    today: dt.date | None = None,
    trend: dict[str, Any] | None = None,
) -> str:
    """The plan as one self-contained HTML5 page.

    ``history`` holds earlier snapshots, oldest first; each measure shows its
    status and progress in each of them and now. ``snapshot`` names the
    snapshot the page shows, when it shows one rather than the current state.
    ``language`` is ``en`` or ``sv``; None means kplan's current language.
    ``template`` is a region's own page template (kplan.present.templating).
    ``today`` is the day measures are judged overdue on (that of
    ``generated_at`` in UTC when None). ``trend`` is ``kplan trend``'s result:
    with a row, the page has a section on the development over the years.
    """
    words = _Words(language if language is not None else current_language())
    day = today or as_utc(generated_at).date()
    page = _Page(plan, words, generated_at, history, snapshot, day, trend)
    # The page is built from tens of thousands of small values that form no cycles;
    # the cyclic collector, run again and again over the plans it walks, took a
    # quarter of the time of a page of 500 measures.
    with collector.paused():
        return page.render() if template is None else page.render_with(template)


def _compare_parts(result: dict[str, Any], words: _Words) -> Values:
    """The values of the comparison's section (the ``compare`` macro)."""
    w = words
    plans = result["plans"]

    def percent(share: float | None) -> str:
        return "–" if share is None else w.percent(share)

    def bar(share: float | None, fill: str, label: str) -> _ShareBar:
        return _share_bar(
            share or 0.0, fill, w.t("trend.bar_text", label=label, value=percent(share))
        )

    statuses = []
    for plan in plans:
        counts = plan["statuses"]
        label = w.t(
            "trend.bar_text",
            label=plan["label"],
            value=", ".join(f"{w.status(s)} {counts.get(s, 0)}" for s in SHOWN_STATUSES),
        )
        statuses.append(
            (
                plan["label"],
                _stacked_bar([(counts.get(s, 0), STATUS_FILLS[s]) for s in SHOWN_STATUSES], label),
                [counts.get(s, 0) for s in SHOWN_STATUSES],
            )
        )
    four_p = [
        (
            plan["label"],
            bar(plan["four_p"]["share"], LEVEL_FILLS["done"], plan["label"]),
            percent(plan["four_p"]["share"]),
            [percent(plan["four_p"]["parts"][part]["share"]) for part in FOUR_P_PARTS],
        )
        for plan in plans
    ]
    perspectives = []
    for perspective in result["perspectives"]:
        cells: list[tuple[_ShareBar, str] | None] = []
        for plan in plans:
            found = perspective["plans"].get(plan["label"])
            if found is None:
                cells.append(None)
                continue
            label = f"{plan['label']}, {found['name']}"
            cells.append(
                (
                    bar(found["share_yes"], LEVEL_FILLS["yes"], label),
                    w.t(
                        "compare.perspective_cell",
                        share=percent(found["share_yes"]),
                        yes=found["yes"],
                        partly=found["partly"],
                        no=found["no"],
                    ),
                )
            )
        perspectives.append((perspective["name"], cells))
    ladder = [
        (
            plan["label"],
            bar(plan["ladder"]["mean_position"], LADDER_FILL, plan["label"]),
            percent(plan["ladder"]["mean_position"]),
            percent(plan["ladder"]["top_share"]),
            plan["ladder"]["collaborations"],
            plan["ladder"]["steps"],
        )
        for plan in plans
    ]
    indicators = []
    for indicator in result["indicators"]:
        texts: list[str] = []
        for plan in plans:
            texts.append(_indicator_cell(w, indicator["plans"].get(plan["label"])))
        indicators.append((indicator["name"], texts))
    return {
        "labels": [plan["label"] for plan in plans],
        "status_heads": [(STATUS_GLYPHS.get(s, "?"), w.status(s)) for s in SHOWN_STATUSES],
        "statuses": statuses,
        "parts": [w.t(f"four_p.{part}") for part in FOUR_P_PARTS],
        "four_p": four_p,
        "perspectives": perspectives,
        "ladder": ladder,
        "indicators": indicators,
        # Every figure again as text: the table ``kplan compare`` prints.
        "figures": compare_table(result),
    }


def compare_html(result: dict[str, Any], *, generated_at: dt.datetime) -> str:
    """``kplan compare``'s result as one self-contained page, with the plan export's standards.

    No script, the same Content-Security-Policy and stylesheet, every chart
    labelled in words with its number beside it, every text escaped. The
    page is in kplan's current language (``KPLAN_LANG``).
    """
    words = _Words(current_language())
    labels = ", ".join(plan["label"] for plan in result["plans"])
    parts: dict[str, Values] = {
        "masthead": {
            "organisation": "",
            "title": words.t("compare.heading"),
            "description": words.t("compare.intro"),
            "meta": [
                ", ".join(f"{plan['label']}: {plan['title']}" for plan in result["plans"]),
                words.t("compare.generated", moment=_when(generated_at)),
            ],
        },
        "contents": {
            "links": [
                (f"#compare-{name}-h", words.t(f"compare.section_{section}"))
                for name, section in (
                    ("status", "status"),
                    ("four-p", "four_p"),
                    ("perspectives", "perspectives"),
                    ("ladder", "ladder"),
                    ("indicators", "indicators"),
                    ("figures", "figures"),
                )
            ]
        },
        "compare": _compare_parts(result, words),
        "footer": {"footer": words.t("a11y.compare_footer", moment=_when(generated_at))},
    }
    with collector.paused():
        sections = {
            "patterns": PATTERNS,
            **render_sections(SECTIONS, {"skip": {"target": "#main"}, **parts}, t=words.t),
        }
        head = {
            "language": words.language,
            "title": words.t("compare.page_title", plans=labels),
            "csp": CSP,
            "style": STYLE,
        }
        return render_page("compare.html.j2", context={}, sections=sections, head=head)
