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

The page is assembled by Jinja2 templates with autoescaping
(kplan/present/templates, through kplan.present.templating): the shell holds the
head and its Content-Security-Policy, page.html.j2 places the parts built here.

The output depends on the arguments only, so the same plan gives the same
bytes: no random ids, and no clock but ``generated_at``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

from kplan.domain import (
    COVERAGE_LEVELS,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    STATUSES,
    as_utc,
    format_number,
    period_sort_key,
    values_trend,
)
from kplan.i18n import CATALOGUE
from kplan.i18n import language as current_language
from kplan.model import Indicator, Measure, Plan
from kplan.present.glyphs import LEVEL_GLYPHS, STATUS_GLYPHS, TREND_ARROWS
from kplan.present.summary import plan_summary, steps_of
from kplan.present.templating import PageTemplate, render_custom_page, render_page
from kplan.present.text import Snapshot

__all__ = ["export_html"]

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
TRACK = "#e4e8ec"
LADDER_FILL = "#3f5f8f"

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

STYLE = """
:root {
  --ink: #1b2430; --muted: #505b68; --line: #d5dbe1; --soft: #f3f5f7;
  --accent: #1f4e79; --paper: #ffffff;
  --done: #1d5a37; --done-bg: #e3f1e8; --ongoing: #1f4f80; --ongoing-bg: #e4eef8;
  --delayed: #8a4306; --delayed-bg: #fcefdc; --not-started: #444c55; --not-started-bg: #eceff2;
  --cancelled: #3d444c; --cancelled-bg: #e6e8eb;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--soft); color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", "DejaVu Sans", sans-serif;
  font-variant-numeric: tabular-nums;
}
.defs { position: absolute; width: 0; height: 0; overflow: hidden; }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
.masthead { background: #e8eef4; border-bottom: 1px solid var(--line); padding: 2rem 0 1.5rem; }
.eyebrow {
  margin: 0 0 .25rem; color: var(--muted); font-size: .8rem; font-weight: 600;
  letter-spacing: .06em; text-transform: uppercase;
}
h1 { margin: 0 0 .5rem; font-size: clamp(1.6rem, 3vw, 2.2rem); line-height: 1.2; color: #102a43; }
h2 { margin: 2.5rem 0 .75rem; font-size: 1.35rem; line-height: 1.3; color: #102a43; }
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
.trend-up { color: #1d5a37; } .trend-down { color: #9b1c1c; }
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
@media (max-width: 50rem) {
  .measure-body { grid-template-columns: minmax(0, 1fr); }
  td.bar-cell { width: 25%; min-width: 4.5rem; }
  th, td { padding: .35rem .35rem; }
}
@media print {
  @page { margin: 14mm; }
  body { background: #fff; font-size: 10.5pt; }
  .masthead { background: none; border-bottom: 2px solid #000; padding-top: 0; }
  .card, .panel, .measure { border-color: #999; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .scroll { overflow: visible; }
  .glance a { color: inherit; text-decoration: none; }
}
"""


class _Words:
    """The catalogue's text in one language, whatever KPLAN_LANG says.

    ``kplan.i18n.t`` speaks the current language; a page can be asked for
    another one, so this reads the same catalogue for the chosen language.
    """

    def __init__(self, language: str) -> None:
        self.language = "sv" if language == "sv" else "en"
        self._index = 1 if self.language == "sv" else 0

    def t(self, key: str, /, **values: object) -> str:
        text = CATALOGUE[key][self._index]
        return text.format(**values) if values else text

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
        whole = round(100 * share)
        return f"{whole}\u00a0%" if self.language == "sv" else f"{whole}%"

    def status(self, status: str) -> str:
        return self.t(f"status.{status}")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _f(value: float) -> str:
    """A coordinate or percentage for SVG, short and always the same."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _when(moment: dt.datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%d %H:%M")


def _svg_title(label: str) -> str:
    return f"<title>{_e(label)}</title>"


def _stacked_bar(
    parts: Sequence[tuple[int, str]], label: str, *, height: int = 14, css: str = "bar"
) -> str:
    """A horizontal stacked bar: ``parts`` are (count, fill); ``label`` says the numbers."""
    total = sum(count for count, _ in parts)
    shapes = [f'<rect width="100%" height="{height}" fill="{TRACK}"/>']
    start = 0.0
    for count, fill in parts:
        if not count or not total:
            continue
        width = 100 * count / total
        shapes.append(
            f'<rect x="{_f(start)}%" width="{_f(width)}%" height="{height}" fill="{fill}"'
            ' stroke="#fff" stroke-width="1"/>'
        )
        start += width
    return (
        f'<svg class="{css}" width="100%" height="{height}" role="img" aria-label="{_e(label)}">'
        f"{_svg_title(label)}{''.join(shapes)}</svg>"
    )


def _share_bar(share: float, fill: str, label: str, *, height: int = 10) -> str:
    """A bar filled to ``share`` (0 to 1) on a light track."""
    width = max(0.0, min(1.0, share)) * 100
    filled = (
        f'<rect width="{_f(width)}%" height="{height}" rx="{height / 2:g}" fill="{fill}"/>'
        if width
        else ""
    )
    return (
        f'<svg class="bar" width="100%" height="{height}" role="img" aria-label="{_e(label)}">'
        f'{_svg_title(label)}<rect width="100%" height="{height}" rx="{height / 2:g}"'
        f' fill="{TRACK}"/>{filled}</svg>'
    )


def _swatch(fill: str) -> str:
    return (
        '<svg class="swatch" width="14" height="14" aria-hidden="true" focusable="false">'
        f'<rect x=".5" y=".5" width="13" height="13" rx="2" fill="{fill}" stroke="#6c7681"'
        ' stroke-width="1"/></svg>'
    )


def _status_badge(words: _Words, status: str) -> str:
    glyph = STATUS_GLYPHS.get(status, "?")
    return (
        f'<span class="status status-{_e(status)}"><span class="glyph" aria-hidden="true">'
        f"{glyph}</span>{_e(words.status(status) if status in STATUSES else status)}</span>"
    )


def _level(words: _Words, level: str, word_key: str) -> str:
    glyph = LEVEL_GLYPHS.get(level, "?")
    return f'<span class="glyph" aria-hidden="true">{glyph}</span>{_e(words.t(word_key))}'


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


class _Page:
    """Builds the page's parts; each method returns HTML text."""

    def __init__(
        self,
        plan: Plan,
        words: _Words,
        generated_at: dt.datetime,
        history: Sequence[Snapshot],
        snapshot: str | None,
    ) -> None:
        self.plan = plan
        self.w = words
        self.generated_at = generated_at
        self.history = list(history)
        # Each measure looks itself up in every snapshot: once by id, not by search.
        self.history_measures = [{m.id: m for m in snap.plan.measures} for snap in self.history]
        self.snapshot = snapshot
        self.figures = plan_summary(plan)
        self.owners = {owner.id: owner for owner in plan.owners}
        self.organisations = {org.id: org.name for org in plan.organisations}

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

    def sections(self) -> dict[str, str]:
        """The page's parts as HTML, each escaped here; a template places them."""
        return {
            "patterns": PATTERNS,
            "masthead": self.masthead(),
            "cards": self.cards(),
            "status": self.status_section(),
            "method": self.method_section(),
            "history": self.history_section(),
            "glance": self.glance_section(),
            "measures": self.measures_section(),
            "footer": self.footer(),
        }

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

    def masthead(self) -> str:
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
            meta.append(w.t("html.generated", when=_when(self.generated_at)))
        else:
            meta.append(w.t("html.figures_as_of", when=_when(self.generated_at)))
        parts = ['<header class="masthead"><div class="wrap">']
        if plan.organisation:
            parts.append(f'<p class="eyebrow">{_e(plan.organisation)}</p>')
        parts.append(f"<h1>{_e(plan.title)}</h1>")
        if plan.description:
            parts.append(f'<p class="lede">{_e(plan.description)}</p>')
        parts.append(
            '<p class="meta">' + "".join(f"<span>{_e(item)}</span>" for item in meta) + "</p>"
        )
        parts.append("</div></header>")
        return "\n".join(parts)

    def cards(self) -> str:
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
        items = "".join(
            f'<li class="card"><p class="card-label">{_e(label)}</p>'
            f'<p class="card-value">{_e(value)}</p><p class="card-note">{_e(note)}</p></li>'
            for label, value, note in cards
        )
        return (
            '<section aria-labelledby="summary-h">'
            f'<h2 id="summary-h" class="visually-hidden">{_e(w.t("html.summary"))}</h2>'
            f'<ul class="cards">{items}</ul></section>'
        )

    def status_section(self) -> str:
        w = self.w
        counts = self.figures["statuses"]
        total = self.figures["measures"]
        label = w.t("html.status_chart_label", parts=self.status_label(counts))
        rows = "".join(
            f'<tr><th scope="row">{_swatch(STATUS_FILLS[status])}{_status_glyph(status)}'
            f'{_e(w.status(status))}</th><td class="num">{counts[status]}</td>'
            f'<td class="num">{_e(w.percent(counts[status] / total if total else 0.0))}</td></tr>'
            for status in SHOWN_STATUSES
        )
        table = (
            f'<table class="compact"><caption>{_e(w.t("html.status_table"))}</caption><thead><tr>'
            f'<th scope="col">{_e(w.t("col.status"))}</th>'
            f'<th scope="col" class="num">{_e(w.t("col.measures"))}</th>'
            f'<th scope="col" class="num">{_e(w.t("html.col_share"))}</th></tr></thead>'
            f'<tbody>{rows}</tbody><tfoot><tr><th scope="row">{_e(w.t("html.total"))}</th>'
            f'<td class="num">{total}</td><td class="num">{_e(w.percent(1.0 if total else 0.0))}'
            "</td></tr></tfoot></table>"
        )
        return (
            '<section aria-labelledby="status-h">'
            f'<h2 id="status-h">{_e(w.t("html.status_heading"))}</h2>'
            '<div class="panel keep">'
            f'<p class="intro">{_e(w.t("html.status_intro", count=total))}</p>'
            f"{_stacked_bar(self.status_parts(counts), label, height=36, css='chart')}"
            f"{table}</div></section>"
        )

    def method_section(self) -> str:
        w = self.w
        return (
            '<section aria-labelledby="method-h">'
            f'<h2 id="method-h">{_e(w.t("html.method_heading"))}</h2><div class="stack">'
            f"{self.four_p_panel()}{self.ladder_panel()}{self.perspectives_panel()}"
            "</div></section>"
        )

    def four_p_panel(self) -> str:
        w, plan = self.w, self.plan
        counts = self.four_p_counts(plan)
        total = len(plan.measures)
        overall = self.four_p_share(plan)
        rows = []
        for part in FOUR_P_PARTS:
            part_counts = counts[part]
            name = w.t(f"four_p.{part}")
            share = part_counts["done"] / total if total else 0.0
            label = w.t(
                "html.four_p_bar_label",
                part=name,
                states=", ".join(
                    f"{w.t(f'four_p_state.{state}')} {part_counts[state]}"
                    for state in FOUR_P_STATES[::-1]
                ),
            )
            bar = _stacked_bar(
                [(part_counts[s], LEVEL_FILLS[s]) for s in FOUR_P_STATES[::-1]], label
            )
            cells = "".join(
                f'<td class="num">{part_counts[state]}</td>' for state in FOUR_P_STATES[::-1]
            )
            rows.append(
                f'<tr><th scope="row">{_e(name)}</th><td class="bar-cell">{bar}</td>{cells}'
                f'<td class="num">{_e(w.percent(share))}</td></tr>'
            )
        heads = "".join(
            f'<th scope="col" class="num">{LEVEL_GLYPHS[state]}\u00a0'
            f"{_e(w.t(f'four_p_state.{state}'))}</th>"
            for state in FOUR_P_STATES[::-1]
        )
        done_all = sum(counts[part]["done"] for part in FOUR_P_PARTS)
        table = (
            f"<table><caption>{_e(w.t('html.four_p_table'))}</caption><thead><tr>"
            f'<th scope="col">{_e(w.t("html.col_part"))}</th>'
            f'<th scope="col">{_e(w.t("html.col_chart"))}</th>{heads}'
            f'<th scope="col" class="num">{_e(w.t("html.col_usage"))}</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody><tfoot><tr>"
            f'<th scope="row" colspan="2">{_e(w.t("html.four_p_overall_row"))}</th>'
            + "".join(
                f'<td class="num">{sum(counts[p][state] for p in FOUR_P_PARTS)}</td>'
                for state in FOUR_P_STATES[::-1]
            )
            + f'<td class="num">{_e(w.percent(overall))}</td></tr></tfoot></table>'
        )
        headline = w.t(
            "html.four_p_headline",
            share=w.percent(overall),
            done=done_all,
            cells=total * len(FOUR_P_PARTS),
        )
        return (
            '<article class="panel keep" aria-labelledby="four-p-h">'
            f'<h3 id="four-p-h">{_e(w.t("html.four_p_heading"))}</h3>'
            f'<p class="intro">{_e(w.t("html.four_p_intro"))}</p>'
            f"<p><strong>{_e(headline)}</strong></p>"
            f'<div class="scroll">{table}</div></article>'
        )

    def ladder_panel(self) -> str:
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
            rows.append(
                f'<tr><th scope="row">{index + 1}\u00a0{_e(label)}</th>'
                f"<td>{_e(question)}</td>"
                f'<td class="bar-cell">{bar}</td><td class="num">{counts[index]}</td></tr>'
            )
        table = (
            f"<table><caption>{_e(w.t('html.ladder_table'))}</caption><thead><tr>"
            f'<th scope="col">{_e(w.t("html.col_step"))}</th>'
            f'<th scope="col">{_e(w.t("html.col_question"))}</th>'
            f'<th scope="col">{_e(w.t("html.col_chart"))}</th>'
            f'<th scope="col" class="num">{_e(w.t("html.col_collaborations"))}</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody><tfoot><tr>"
            f'<th scope="row" colspan="3">{_e(w.t("html.total"))}</th>'
            f'<td class="num">{sum(counts)}</td></tr></tfoot></table>'
        )
        return (
            '<article class="panel keep" aria-labelledby="ladder-h">'
            f'<h3 id="ladder-h">{_e(w.t("html.ladder_heading"))}</h3>'
            f'<p class="intro">{_e(w.t("html.ladder_intro"))}</p>'
            f'<div class="scroll">{table}</div></article>'
        )

    def perspectives_panel(self) -> str:
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
            cells = "".join(f'<td class="num">{counts[lv]}</td>' for lv in levels)
            share = counts["yes"] / total if total else 0.0
            rows.append(
                f'<tr><th scope="row">{_e(perspective)}</th><td class="bar-cell">{bar}</td>'
                f'{cells}<td class="num">{_e(w.percent(share))}</td></tr>'
            )
        heads = "".join(
            f'<th scope="col" class="num">{LEVEL_GLYPHS[lv]}\u00a0{_e(w.t(f"coverage.{lv}"))}</th>'
            for lv in levels
        )
        table = (
            f"<table><caption>{_e(w.t('html.perspectives_table'))}</caption><thead><tr>"
            f'<th scope="col">{_e(w.t("html.col_perspective"))}</th>'
            f'<th scope="col">{_e(w.t("html.col_chart"))}</th>{heads}'
            f'<th scope="col" class="num">{_e(w.t("html.col_integrated"))}</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        return (
            '<article class="panel keep" aria-labelledby="perspectives-h">'
            f'<h3 id="perspectives-h">{_e(w.t("html.perspectives_heading"))}</h3>'
            f'<p class="intro">{_e(w.t("html.perspectives_intro"))}</p>'
            f'<div class="scroll">{table}</div></article>'
        )

    def history_section(self) -> str:
        if not self.history:
            return ""
        w = self.w
        states: list[tuple[str, str, Plan]] = [
            (s.name, _when(s.taken_at), s.plan) for s in self.history
        ]
        # A snapshot's own moment is not known here; the current state's is now.
        now = _when(self.generated_at) if self.snapshot is None else "–"
        states.append((self.now_name(), now, self.plan))
        rows = []
        for name, when, plan in states:
            counts = self.status_counts(plan)
            label = w.t("html.history_bar_label", name=name, parts=self.status_label(counts))
            bar = _stacked_bar(self.status_parts(counts), label)
            cells = "".join(f'<td class="num">{counts[s]}</td>' for s in SHOWN_STATUSES)
            average, _ = self.average_progress(plan)
            rows.append(
                f'<tr><th scope="row">{_e(name)}</th><td class="nowrap">{_e(when)}</td>'
                f'<td class="bar-cell">{bar}</td>{cells}'
                f'<td class="num">{_e(w.percent(average))}</td>'
                f'<td class="num">{_e(w.percent(self.four_p_share(plan)))}</td></tr>'
            )
        heads = "".join(
            f'<th scope="col" class="num"><span class="nowrap">{_status_glyph(s)}'
            f"{_e(w.status(s))}</span></th>"
            for s in SHOWN_STATUSES
        )
        table = (
            f"<table><caption>{_e(w.t('html.history_table'))}</caption><thead><tr>"
            f'<th scope="col">{_e(w.t("html.col_snapshot"))}</th>'
            f'<th scope="col">{_e(w.t("html.col_taken"))}</th>'
            f'<th scope="col">{_e(w.t("html.col_chart"))}</th>{heads}'
            f'<th scope="col" class="num">{_e(w.t("html.card_progress"))}</th>'
            f'<th scope="col" class="num nowrap">{_e(w.t("col.four_p"))}</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        return (
            '<section aria-labelledby="history-h">'
            f'<h2 id="history-h">{_e(w.t("html.history_heading"))}</h2>'
            f'<div class="panel"><p class="intro">{_e(w.t("html.history_intro"))}</p>'
            f'<div class="scroll">{table}</div></div></section>'
        )

    def owner_parts(self, measure: Measure) -> tuple[str, str]:
        """The owner's name and organisation (empty when unknown)."""
        owner = self.owners.get(measure.owner)
        if owner is None:
            return measure.owner, ""
        organisation = self.organisations.get(owner.organisation or "", owner.organisation)
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

    def glance_section(self) -> str:
        w = self.w
        rows = []
        for index, measure in enumerate(self.plan.measures, 1):
            label = w.t("html.progress_label", value=w.percent(measure.progress / 100))
            bar = _share_bar(measure.progress / 100, _progress_fill(measure), label)
            name, organisation = self.owner_parts(measure)
            owner = _e(name) + (
                f'<br><span class="card-note">{_e(organisation)}</span>' if organisation else ""
            )
            rows.append(
                f'<tr><td>{_e(measure.id)}</td><th scope="row"><a href="#m{index}">'
                f"{_e(measure.title)}</a></th><td>{owner}</td>"
                f"<td>{_status_badge(w, measure.status)}</td>"
                f'<td class="bar-cell">{bar}</td>'
                f'<td class="num">{_e(w.percent(measure.progress / 100))}</td>'
                f"<td>{_e(self.highest_step(measure))}</td></tr>"
            )
        table = (
            f'<table class="glance"><caption>{_e(w.t("html.glance_table"))}</caption>'
            f'<thead><tr><th scope="col">{_e(w.t("col.id"))}</th>'
            f'<th scope="col">{_e(w.t("col.measure"))}</th>'
            f'<th scope="col">{_e(w.t("col.owner"))}</th>'
            f'<th scope="col">{_e(w.t("col.status"))}</th>'
            f'<th scope="col">{_e(w.t("html.col_chart"))}</th>'
            f'<th scope="col" class="num">{_e(w.t("col.progress"))}</th>'
            f'<th scope="col">{_e(w.t("html.col_highest_step"))}</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        return (
            '<section aria-labelledby="glance-h">'
            f'<h2 id="glance-h">{_e(w.t("html.glance_heading"))}</h2>'
            f'<div class="panel scroll">{table}</div></section>'
        )

    def measures_section(self) -> str:
        w = self.w
        cards = "\n".join(
            self.measure_card(index, measure) for index, measure in enumerate(self.plan.measures, 1)
        )
        return (
            '<section aria-labelledby="measures-h">'
            f'<h2 id="measures-h">{_e(w.t("html.measures_heading"))}</h2>'
            f'<div class="measures">\n{cards}\n</div></section>'
        )

    def measure_card(self, index: int, measure: Measure) -> str:
        w = self.w
        anchor = f"m{index}"
        eyebrow = w.t("html.measure_number", id=measure.id)
        if measure.area:
            eyebrow += f" · {measure.area}"
        facts = []
        if measure.goal:
            facts.append((w.t("col.goal"), measure.goal))
        facts.append((w.t("col.owner"), self.owner_text(measure)))
        if measure.situation:
            facts.append((w.t("structure.col_situation"), measure.situation))
        if measure.start or measure.due:
            facts.append(
                (
                    w.t("html.col_time"),
                    w.t(
                        "html.time_span",
                        start=measure.start.isoformat() if measure.start else "…",
                        due=measure.due.isoformat() if measure.due else "…",
                    ),
                )
            )
        facts_html = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in facts)
        progress = w.percent(measure.progress / 100)
        bar = _share_bar(
            measure.progress / 100,
            _progress_fill(measure),
            w.t("html.progress_label", value=progress),
            height=12,
        )
        left = [
            f'<dl class="facts">{facts_html}</dl>',
            f'<div class="progress"><span>{_e(w.t("col.progress"))}</span>{bar}'
            f"<strong>{_e(progress)}</strong></div>",
        ]
        if measure.description:
            left.append(f'<p class="description">{_e(measure.description)}</p>')
        right = [self.marks_block(measure), self.collaborations_block(measure)]
        below = [self.indicators_block(measure)]
        if self.history:
            below.append(self.measure_history(measure))
        return (
            f'<article class="measure" id="{anchor}" aria-labelledby="{anchor}-h">'
            f'<div class="measure-head"><h3 id="{anchor}-h"><span class="eyebrow">{_e(eyebrow)}'
            f"</span><br>{_e(measure.title)}</h3>{_status_badge(w, measure.status)}</div>"
            f'<div class="measure-body"><div>{"".join(left)}</div>'
            f"<div>{''.join(right)}</div></div>{''.join(below)}</article>"
        )

    def marks_block(self, measure: Measure) -> str:
        w = self.w
        four_p = "".join(
            f"<li>{_e(w.t(f'four_p.{part}'))}: {_level(w, state, f'four_p_state.{state}')}</li>"
            for part in FOUR_P_PARTS
            for state in [measure.four_p.get(part, "not-started")]
            if state in FOUR_P_STATES
        )
        perspectives = "".join(
            f"<li>{_e(p)}: {_level(w, level, f'coverage.{level}')}</li>"
            for p in self.plan.perspectives
            for level in [measure.perspectives.get(p, "no")]
            if level in COVERAGE_LEVELS
        )
        return (
            f'<h4>{_e(w.t("show.four_p"))}</h4><ul class="marks">{four_p}</ul>'
            f"<h4>{_e(w.t('show.perspectives'))}</h4>"
            f'<ul class="marks">{perspectives or _none(w)}</ul>'
        )

    def indicators_block(self, measure: Measure) -> str:
        w = self.w
        heading = f"<h4>{_e(w.t('show.indicators'))}</h4>"
        if not measure.indicators:
            return heading + f'<p class="none">{_e(w.t("html.no_indicators"))}</p>'
        rows = []
        for indicator in measure.indicators:
            state = _indicator_state(indicator)
            latest = w.number(state.latest)
            if state.latest_period is not None:
                latest = w.t("html.latest_value", value=latest, period=state.latest_period)
            if state.toward is None:
                toward = '<span class="none">–</span>'
            elif state.toward >= 1:
                reached = _e(w.t("html.target_reached"))
                toward = f'<span class="reached">{STATUS_GLYPHS["done"]}\u00a0{reached}</span>'
            else:
                toward = _e(w.percent(max(0.0, state.toward)))
            unit = f' <span class="unit">({_e(indicator.unit)})</span>' if indicator.unit else ""
            rows.append(
                f'<tr><th scope="row">{_e(indicator.name)}{unit}</th>'
                f'<td class="num">{_e(w.number(indicator.baseline))}</td>'
                f'<td class="num">{_e(w.number(indicator.target))}</td>'
                f'<td class="num">{_e(latest)}</td><td class="num">{toward}</td>'
                f'<td><span class="trend trend-{state.trend}">'
                f'<span aria-hidden="true">{TREND_ARROWS[state.trend]}</span>\u00a0'
                f"{_e(w.t(f'trend.{state.trend}'))}</span></td></tr>"
            )
        return (
            heading
            + '<div class="scroll"><table><caption class="visually-hidden">'
            + _e(w.t("html.indicators_table", title=measure.title))
            + "</caption><thead><tr>"
            + f'<th scope="col">{_e(w.t("html.col_indicator"))}</th>'
            + f'<th scope="col" class="num">{_e(w.t("col.baseline"))}</th>'
            + f'<th scope="col" class="num">{_e(w.t("col.target"))}</th>'
            + f'<th scope="col" class="num">{_e(w.t("html.col_latest"))}</th>'
            + f'<th scope="col" class="num">{_e(w.t("html.col_toward"))}</th>'
            + f'<th scope="col">{_e(w.t("col.trend"))}</th></tr></thead>'
            + f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    def collaborations_block(self, measure: Measure) -> str:
        w = self.w
        heading = f"<h4>{_e(w.t('show.collaborations'))}</h4>"
        if not measure.collaborations:
            return heading + f'<p class="none">{_e(w.t("html.no_collaborations"))}</p>'
        items = []
        for collab in measure.collaborations:
            label = (
                self.plan.ladder[collab.step - 1] if collab.step <= len(self.plan.ladder) else ""
            )
            actors = ", ".join(self.organisations.get(a, a) for a in collab.actors)
            note = f" {_e(collab.note)}" if collab.note else ""
            items.append(
                f"<li><strong>{_e(collab.name)}</strong> · "
                f"{_e(w.t('show.step', step=collab.step, label=label))}"
                f'<br><span class="card-note">{_e(actors)}.{note}</span></li>'
            )
        return heading + f'<ul class="plain">{"".join(items)}</ul>'

    def measure_history(self, measure: Measure) -> str:
        w = self.w
        points: list[tuple[str, Measure | None]] = []
        for snap, measures in zip(self.history, self.history_measures, strict=True):
            points.append((snap.name, measures.get(measure.id)))
        points.append((self.now_name(), measure))
        present = [(name, m) for name, m in points if m is not None]
        described = "; ".join(
            f"{name}: {w.status(m.status)}, {w.percent(m.progress / 100)}" for name, m in present
        )
        label = w.t("html.sparkline_label", points=described)
        heads = "".join(f'<th scope="col">{_e(name)}</th>' for name, _ in points)
        status_cells = "".join(
            f"<td>{_status_glyph(m.status)}{_e(w.status(m.status))}</td>"
            if m is not None
            else f'<td class="none">{_e(w.t("html.not_in_plan"))}</td>'
            for _, m in points
        )
        progress_cells = "".join(
            f'<td class="num">{_e(w.percent(m.progress / 100))}</td>'
            if m is not None
            else '<td class="num none">–</td>'
            for _, m in points
        )
        table = (
            f'<table><caption class="visually-hidden">'
            f"{_e(w.t('html.measure_history_table', title=measure.title))}</caption>"
            f"<thead><tr><td></td>{heads}</tr></thead><tbody>"
            f'<tr><th scope="row">{_e(w.t("col.status"))}</th>{status_cells}</tr>'
            f'<tr><th scope="row">{_e(w.t("col.progress"))}</th>{progress_cells}</tr>'
            "</tbody></table>"
        )
        return (
            f'<h4>{_e(w.t("html.measure_history"))}</h4><div class="history">'
            f'{_sparkline(points, label)}<div class="scroll">{table}</div></div>'
        )

    def footer(self) -> str:
        w = self.w
        when = _when(self.generated_at)
        footer = (
            w.t("html.footer", when=when)
            if self.snapshot is None
            else w.t("html.footer_snapshot", when=when, name=self.snapshot)
        )
        return (
            '<footer><div class="wrap">'
            f"<p>{_e(footer)}</p>"
            f"<p>{_e(w.t('html.legend'))}</p></div></footer>"
        )


def _status_glyph(status: str) -> str:
    return f'<span class="glyph" aria-hidden="true">{STATUS_GLYPHS.get(status, "?")}</span>'


def _progress_fill(measure: Measure) -> str:
    return STATUS_FILLS.get(measure.status, STATUS_FILLS["ongoing"])


def _none(words: _Words) -> str:
    return f'<li class="none">{_e(words.t("show.none"))}</li>'


def _sparkline(points: Sequence[tuple[str, Measure | None]], label: str) -> str:
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
    shapes = [
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}"'
        ' stroke="#c3cad2" stroke-width="1"/>',
        f'<line x1="{pad}" y1="{pad}" x2="{width - pad}" y2="{pad}" stroke="#e1e5ea"'
        ' stroke-width="1" stroke-dasharray="3 3"/>',
    ]
    if len(coords) > 1:
        line = " ".join(f"{x},{y}" for (x, y), _ in coords)
        shapes.append(
            f'<polyline points="{line}" fill="none" stroke="#1f4e79" stroke-width="2"'
            ' stroke-linejoin="round"/>'
        )
    for (x, y), status in coords:
        shapes.append(
            f'<circle cx="{x}" cy="{y}" r="4" fill="{STATUS_FILLS.get(status, "#1f4e79")}"'
            ' stroke="#1f4e79" stroke-width="1.5"/>'
        )
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{_e(label)}">{_svg_title(label)}{"".join(shapes)}</svg>'
    )


def export_html(
    plan: Plan,
    *,
    generated_at: dt.datetime,
    history: list[Snapshot],
    snapshot: str | None = None,
    language: str | None = None,
    template: PageTemplate | None = None,
) -> str:
    """The plan as one self-contained HTML5 page.

    ``history`` holds earlier snapshots, oldest first; each measure shows its
    status and progress in each of them and now. ``snapshot`` names the
    snapshot the page shows, when it shows one rather than the current state.
    ``language`` is ``en`` or ``sv``; None means kplan's current language.
    ``template`` is a region's own page template (kplan.present.templating).
    """
    words = _Words(language if language is not None else current_language())
    page = _Page(plan, words, generated_at, history, snapshot)
    return page.render() if template is None else page.render_with(template)
