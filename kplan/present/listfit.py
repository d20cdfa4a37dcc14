"""``kplan list`` on a terminal, fitted to its width: one line per measure.

The title is what a person reads a list for, so it takes the width the
other columns leave. Before a title is cut, the other columns give way, in
this order: perspective headings shorten (named in full in a legend), the
days overdue shrink to ``!12d``, the progress bar halves, then goes (the
percentage stays), the table's frame thins to a rule under the headings, an
owner's long id is cut, and last the status shows as its shade (explained in a
legend). The first step that shows every title whole is taken; when none
does, the first that leaves a title ``ENOUGH`` cells, else the last. Only
then is a title cut, at a word with an ellipsis (:func:`kplan.present.fit.clip`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kplan.i18n import t
from kplan.model import Plan
from kplan.present.fit import abbreviate, clip, legend_lines, text_width
from kplan.present.glyphs import COVERAGE_MARKS, OVERDUE_MARK, STATE_MARKS, STATUS_SHADES
from kplan.present.labels import progress_bar, status_label, steps_text
from kplan.safetext import visible

# Below this a title column says too little to be worth the table; Rich folds what is left.
MIN_TITLE = 12
# Where an owner's id is cut at the last steps.
OWNER_CAP = 10
# A title this wide reads well enough that the other columns need not give up more.
ENOUGH = 32


@dataclass(frozen=True)
class Step:
    """One way of drawing the other columns, from the most generous to the most frugal."""

    perspective_width: int | None
    short_overdue: bool
    bar: int
    light: bool = False
    owner_cap: int | None = None
    status_shade: bool = False

    def frame(self, columns: int) -> int:
        """The cells the table's frame takes beside its columns' contents."""
        # Boxed: a border before each column and after the last, a cell of
        # padding either side. Light: one blank between columns.
        return columns - 1 if self.light else 1 + 3 * columns


STEPS = (
    Step(None, False, 10),
    Step(4, False, 10),
    Step(4, True, 10),
    Step(4, True, 5),
    Step(3, True, 0),
    Step(3, True, 0, light=True),
    Step(3, True, 0, light=True, owner_cap=OWNER_CAP),
    Step(3, True, 0, light=True, owner_cap=OWNER_CAP, status_shade=True),
)


@dataclass(frozen=True)
class FittedList:
    """The table as it will be drawn: headings, cells, every column's width, the legend lines."""

    headers: list[str]
    body: list[list[str]]
    widths: list[int]
    legend: list[str]
    light: bool


def _status(row: dict[str, Any], short: bool, shade: bool) -> str:
    if shade:
        return STATUS_SHADES[row["status"]] + (OVERDUE_MARK if row.get("overdue") else "")
    label = status_label(row["status"])
    if not row.get("overdue"):
        return label
    key = "width.status_overdue_short" if short else "year.status_overdue"
    return t(key, status=label, days=row["days_overdue"])


def _progress(progress: int, bar: int) -> str:
    return progress_bar(progress, bar) if bar else f"{progress:>3}%"


def _cells(plan: Plan, row: dict[str, Any], step: Step) -> list[str]:
    owner = visible(row["owner"])
    return [
        visible(row["id"]),
        visible(row["title"]),
        clip(owner, step.owner_cap) if step.owner_cap else owner,
        visible(_status(row, step.short_overdue, step.status_shade)),
        _progress(row["progress"], step.bar),
        steps_text(row["steps"]),
        "".join(STATE_MARKS[state] for state in row["four_p"].values()),
        *[COVERAGE_MARKS[row["perspectives"].get(p, "no")] for p in plan.perspectives],
    ]


def _headers(plan: Plan, step: Step) -> tuple[list[str], tuple[tuple[str, str], ...]]:
    names = [visible(p) for p in plan.perspectives]
    if step.perspective_width is None:
        headings = abbreviate(names, max((text_width(n) for n in names), default=1))
    else:
        headings = abbreviate(names, step.perspective_width)
    headers = [
        t("col.id"),
        t("col.title"),
        t("col.owner"),
        t("col.status"),
        t("col.progress") if step.bar else "%",
        t("col.steps"),
        t("col.four_p"),
        *headings.labels,
    ]
    return [visible(h) for h in headers], headings.shortened


def fit_measures(plan: Plan, rows: Sequence[dict[str, Any]], width: int) -> FittedList:
    """``list``'s table in ``width`` cells, by the first step that leaves the titles room.

    See the module's docstring for the steps and the choice between them. Each
    step is judged by its columns' widths alone; only the chosen one's cells
    are made, so a plan of 10,000 measures is fitted in one pass over its rows.
    """
    titles = [visible(r["title"]) for r in rows]
    longest = max(map(text_width, titles), default=0)
    widest = _Widest.of(rows)
    chosen: tuple[Step, int] | None = None
    fallback: tuple[Step, int] | None = None
    for step in STEPS:
        room = width - step.frame(len(plan.perspectives) + 7) - widest.others(plan, step)
        if room >= longest:
            chosen = (step, room)
            break
        if fallback is None and room >= min(ENOUGH, longest):
            fallback = (step, room)
    # Neither: the last step, whose room the loop measured last.
    step, room = chosen or fallback or (STEPS[-1], room)
    headers, shortened = _headers(plan, step)
    body = [_cells(plan, row, step) for row in rows]
    widths = [
        max([text_width(h), *(text_width(cells[i]) for cells in body)]) if i != 1 else 0
        for i, h in enumerate(headers)
    ]
    title_width = max(MIN_TITLE, text_width(headers[1]), min(room, longest))
    widths[1] = title_width
    for cells, title in zip(body, titles, strict=True):
        cells[1] = clip(title, title_width)
    legend: list[str] = []
    if shortened:
        lead = t("width.perspective_legend", pairs="")
        legend.extend(legend_lines(shortened, width, lead))
    if step.status_shade:
        legend.append(
            "  ".join(f"{STATUS_SHADES[s]} {status_label(s)}" for s in STATUS_SHADES)
            + f"  {OVERDUE_MARK} {t('width.overdue')}"
        )
    elif step.short_overdue and any(r.get("overdue") for r in rows):
        legend.append(t("width.overdue_legend"))
    return FittedList(headers, body, widths, legend, step.light)


@dataclass(frozen=True)
class _Widest:
    """What the columns beside the title need, read off the rows once."""

    ids: int
    owners: int
    steps: int
    # Each status with the most days overdue it has (None: none of it is overdue).
    statuses: dict[str, int | None]

    @classmethod
    def of(cls, rows: Sequence[dict[str, Any]]) -> _Widest:
        """The widest id, owner and steps, and every status's most days overdue."""
        statuses: dict[str, int | None] = {}
        for row in rows:
            if row.get("overdue"):
                statuses[row["status"]] = max(statuses.get(row["status"]) or 0, row["days_overdue"])
            else:
                statuses.setdefault(row["status"], None)
        return cls(
            ids=max((text_width(visible(r["id"])) for r in rows), default=0),
            owners=max((text_width(visible(r["owner"])) for r in rows), default=0),
            steps=max((len(steps_text(r["steps"])) for r in rows), default=0),
            statuses=statuses,
        )

    def others(self, plan: Plan, step: Step) -> int:
        """The cells every column but the title takes (headings included), frame not counted."""
        headers, _shortened = _headers(plan, step)
        owner = min(self.owners, step.owner_cap) if step.owner_cap else self.owners
        status = 0
        for name, days in self.statuses.items():
            # The most days overdue is the widest number: the status's widest cell.
            row = {"status": name, "overdue": days is not None, "days_overdue": days}
            status = max(status, text_width(_status(row, step.short_overdue, step.status_shade)))
            status = max(status, text_width(_status({"status": name}, False, step.status_shade)))
        contents = [
            self.ids,
            owner,
            status,
            len(_progress(100, step.bar)),
            self.steps,
            4,
            *[1] * len(plan.perspectives),
        ]
        others = [h for i, h in enumerate(headers) if i != 1]
        return sum(max(text_width(h), c) for h, c in zip(others, contents, strict=True))
