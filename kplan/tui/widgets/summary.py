"""The overview's summary line: measures per status, Fyra P use, perspective coverage."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from kplan.domain import STATUSES
from kplan.i18n import t
from kplan.model import Plan
from kplan.present.glyphs import STATUS_SHADES
from kplan.present.labels import status_label
from kplan.present.summary import plan_summary
from kplan.safetext import visible

# Each status has a shade (kplan.present.glyphs) as well as a colour, so the
# bar reads without colour.
STATUS_COLOURS = {
    "done": "green",
    "ongoing": "cyan",
    "delayed": "yellow",
    "not-started": "grey50",
    "cancelled": "grey35",
}


def status_bar(figures: dict[str, Any], width: int) -> Text:
    """A stacked bar of measures per status (from ``plan_summary``), ``width`` cells wide."""
    total = figures["measures"] or 1
    bar = Text()
    used = 0
    counts = [(status, figures["statuses"][status]) for status in STATUSES]
    for index, (status, count) in enumerate(counts):
        cells = round(count * width / total)
        if index == len(counts) - 1:
            cells = max(0, width - used) if count else 0
        cells = min(cells, width - used)
        used += cells
        bar.append(STATUS_SHADES[status] * cells, style=STATUS_COLOURS[status])
    return bar


def summary_text(plan: Plan, width: int = 80) -> Text:
    """The status bar with its legend, then Fyra P use and perspective coverage."""
    figures = plan_summary(plan)
    legend = Text()
    for status in STATUSES:
        count = figures["statuses"][status]
        if not count:
            continue
        if legend:
            legend.append(" · ")
        legend.append(f"{STATUS_SHADES[status]} ", style=STATUS_COLOURS[status])
        legend.append(f"{count} {status_label(status)}")
    # The bar takes what the legend leaves; when too little is left, the
    # legend goes on a line of its own rather than wrapping mid-item.
    room = width - 2 - legend.cell_len - 2
    text = Text()
    if room >= 10:
        text.append_text(status_bar(figures, min(40, room)))
        text.append("  ")
    else:
        text.append_text(status_bar(figures, max(10, width - 4)))
        text.append("\n")
    text.append_text(legend)
    text.append("\n")
    total = figures["measures"] or 1
    text.append(t("tui.summary_four_p", share=round(100 * figures["four_p_done"])))
    text.append("   ")
    text.append(t("tui.summary_integrated"))
    text.append(
        ", ".join(
            f"{visible(p)} {round(100 * levels['yes'] / total)}%"
            for p, levels in figures["perspectives"].items()
        )
    )
    return text


class SummaryBar(Static):
    """The plan at a glance, above the overview's table."""

    def show_plan(self, plan: Plan) -> None:
        """Draw the summary of ``plan``."""
        self.update(summary_text(plan, self.size.width or 80))
