"""How a measure's fields look in a table cell: text and glyph, never colour alone."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from kplan.model import Measure
from kplan.present.fit import clip
from kplan.present.glyphs import COVERAGE_MARKS, OVERDUE_MARK, STATE_MARKS, STATUS_SHADES
from kplan.present.labels import status_label
from kplan.safetext import ELLIPSIS, LINE_LIMIT, visible
from kplan.tui.widgets.summary import STATUS_COLOURS

STATE_COLOURS = {"done": "green", "ongoing": "yellow", "not-started": "grey50"}
COVERAGE_COLOURS = {"yes": "green", "partly": "yellow", "no": "red"}


def plain(
    value: object, style: str = "", *, limit: int | None = LINE_LIMIT, **options: Any
) -> Text:
    """Text from a plan or a person for a widget: through visible(), never markup.

    Every id, title, name and note the TUI shows is built with this (or
    :func:`kplan.safetext.visible` where a plain string is needed), so a
    control or bidi character shows spelled out, a newline as ``\\n``, and
    a megabyte of title as its first ``limit`` characters.
    """
    return Text(visible(value, limit=limit), style=style, **options)


def clip_cell(cell: Text, width: int) -> Text:
    """``cell`` in at most ``width`` cells, each line cut as :func:`kplan.present.fit.clip` cuts.

    A line that fits stays whole; a longer one ends after its last whole word
    that keeps most of the width, with an ellipsis, and keeps its styles.
    """
    lines = cell.split("\n", allow_blank=True) if "\n" in cell.plain else [cell]
    out: list[Text] = []
    for line in lines:
        if line.cell_len <= width:
            out.append(line)
            continue
        kept = clip(line.plain, width)
        keep = len(kept) - len(ELLIPSIS) if kept.endswith(ELLIPSIS) else len(kept)
        cut = line[:keep]
        cut.rstrip()
        end = len(cut)
        cut.append(ELLIPSIS)
        # The ellipsis wears the styles of the character it follows, as Rich's own cut does.
        for span in line.spans:
            if end and span.start < end <= span.end:
                cut.stylize(span.style, end, end + 1)
        out.append(cut)
    return Text("\n").join(out) if len(out) > 1 else out[0]


def status_cell(status: str, *, overdue: bool = False) -> Text:
    """The status as glyph and word, coloured; an overdue measure's glyph is the overdue mark.

    The mark takes the shade's place, so the word still fits the column
    and still says the status.
    """
    if not overdue:
        return Text(f"{STATUS_SHADES[status]} {status_label(status)}", style=STATUS_COLOURS[status])
    text = Text(OVERDUE_MARK, style="bold red")
    text.append(f" {status_label(status)}", style=STATUS_COLOURS[status])
    return text


def progress_cell(progress: int, width: int) -> Text:
    """A bar of ``width`` cells with the number; just the number when width is 0."""
    number = f"{progress:>3}%"
    if width <= 0:
        return Text(number)
    filled = round(progress * width / 100)
    text = Text("━" * filled, style="green")
    text.append("━" * (width - filled), style="grey30")
    text.append(f" {number}")
    return text


def steps_cell(measure: Measure) -> Text:
    """Lowest and highest ladder step of the measure's collaborations."""
    steps = [c.step for c in measure.collaborations]
    if not steps:
        return Text("–", style="grey50")
    low, high = min(steps), max(steps)
    return Text(str(low) if low == high else f"{low}–{high}")


def four_p_cell(state: str) -> Text:
    """One Fyra P part's state as a mark."""
    return Text(STATE_MARKS[state], style=STATE_COLOURS[state])


def four_p_cells(measure: Measure) -> Text:
    """All four Fyra P parts in one cell."""
    text = Text()
    for state in measure.four_p.values():
        text.append_text(four_p_cell(state))
    return text


def coverage_cell(level: str) -> Text:
    """One perspective's coverage as a mark."""
    return Text(COVERAGE_MARKS[level], style=COVERAGE_COLOURS[level])


def coverage_cells(measure: Measure, perspectives: list[str]) -> Text:
    """Every perspective's coverage in one cell."""
    text = Text()
    for perspective in perspectives:
        text.append_text(coverage_cell(measure.perspectives.get(perspective, "no")))
    return text
