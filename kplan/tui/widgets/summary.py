"""The overview's summary: measures per status, Fyra P use, perspective coverage, the open round."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from kplan.core.actor import today
from kplan.domain import STATUSES, is_overdue
from kplan.i18n import t
from kplan.model import Measure, Plan
from kplan.present.glyphs import OVERDUE_MARK, STATUS_SHADES
from kplan.present.labels import status_label
from kplan.present.rounds import deadline, unreported_of
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


def round_line(detail: dict[str, Any], actor: str) -> Text:
    """The open round (from ``rounds.show``): its name, days left or overdue, what is unreported.

    ``actor``'s own unreported measures when she owns some in the round;
    otherwise how many of all its measures are reported.
    """
    parts = [t("tui_rounds.summary_round", name=visible(detail["name"]))]
    when = deadline(detail)
    if when is not None:
        parts.append(when)
    unreported, total = unreported_of(detail, actor)
    if total:
        parts.append(t("tui_rounds.summary_mine", count=unreported, total=total))
    else:
        parts.append(
            t("tui_rounds.summary_all", reported=detail["reported"], total=detail["total"])
        )
    text = Text(parts[0], style="bold")
    for index, part in enumerate(parts[1:], start=1):
        text.append(" · ")
        late = index == 1 and when is not None and detail.get("overdue")
        text.append(part, style="bold red" if late else "")
    return text


def summary_text(
    plan: Plan,
    width: int = 80,
    current_round: dict[str, Any] | None = None,
    actor: str = "",
    figures: dict[str, Any] | None = None,
) -> Text:
    """The status bar with its legend, then Fyra P use, perspective coverage and how many
    measures are overdue.

    With a round open (``current_round``, from ``rounds.show``), a line about it comes last.
    ``figures`` is ``plan_summary(plan)`` when the caller has it already.
    """
    figures = figures if figures is not None else plan_summary(plan)
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
    shares = Text(t("tui.summary_four_p", share=round(100 * figures["four_p_done"])))
    shares.append("   ")
    shares.append(t("tui.summary_integrated"))
    shares.append(
        ", ".join(
            f"{visible(p)} {round(100 * levels['yes'] / total)}%"
            for p, levels in figures["perspectives"].items()
        )
    )
    text.append_text(shares)
    day = today()
    late = sum(is_overdue(m.due, m.status, day) for m in plan.measures)
    if late:
        # The mark the table shows in place of an overdue measure's status shade;
        # on a line of its own when it would not fit whole beside the shares.
        overdue = Text(OVERDUE_MARK, style="bold red")
        overdue.append(f" {t('year.count_overdue', count=late)}")
        fits = shares.cell_len + 3 + overdue.cell_len <= width
        text.append("   " if fits else "\n")
        text.append_text(overdue)
    if current_round is not None:
        text.append("\n")
        text.append_text(round_line(current_round, actor))
    return text


class SummaryBar(Static):
    """The plan at a glance, above the overview's table."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan: Plan | None = None
        self.current_round: dict[str, Any] | None = None
        # Whether the open round was read at least once (None in current_round then means none).
        self.round_read = False
        self.actor = ""
        self._figures: tuple[Plan, list[Measure], dict[str, Any]] | None = None

    def show_plan(self, plan: Plan) -> None:
        """Draw the summary of ``plan``."""
        self.plan = plan
        # Counting reads every measure: done again only when the measures change,
        # not when the round line or the width does.
        known = self._figures
        if known is None or known[0] is not plan or known[1] is not plan.measures:
            known = (plan, plan.measures, plan_summary(plan))
            self._figures = known
        text = summary_text(plan, self.size.width or 80, self.current_round, self.actor, known[2])
        self.update(text)

    def show_round(self, detail: dict[str, Any] | None, actor: str) -> None:
        """Show the open round (``rounds.show``'s detail), or no round line when None."""
        self.current_round = detail
        self.round_read = True
        self.actor = actor
        if self.plan is not None:
            self.show_plan(self.plan)
