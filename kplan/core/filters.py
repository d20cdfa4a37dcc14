"""Narrowing a plan's measures: one rule for ``kplan list`` and the TUI's filter bar."""

from __future__ import annotations

import operator
from dataclasses import dataclass

from kplan.core.actor import today
from kplan.domain import (
    COVERAGE_LEVELS,
    STATUSES,
    is_overdue,
    normalise_coverage,
    normalise_status,
    parse_integer,
)
from kplan.errors import InvalidValueError, did_you_mean, unknown
from kplan.i18n import t
from kplan.model import Measure, Plan
from kplan.names import check_id, find_name


@dataclass
class MeasureFilter:
    """What to narrow the measures to; None (or empty) means no narrowing.

    ``perspective`` is ``P`` (integrated at least partly) or ``P=LEVEL``;
    ``gap`` is a perspective that is not fully integrated; ``text`` matches
    words of the id, title, goal, area or owner; ``overdue`` keeps the
    measures past their due date that are neither done nor cancelled.
    """

    owner: str | None = None
    status: str | None = None
    step: int | None = None
    perspective: str | None = None
    gap: str | None = None
    text: str = ""
    overdue: bool = False

    def is_empty(self) -> bool:
        """Whether this filter lets every measure through."""
        return not (
            self.owner
            or self.status
            or self.step is not None
            or self.perspective
            or self.gap
            or self.text
            or self.overdue
        )


class SearchTexts:
    """The words of each measure a free-text filter looks in, kept between filters.

    A screen that filters the same plan again and again (the TUI's filter bar,
    one keystroke after another) passes one of these to :func:`filter_measures`,
    so each measure's text is put together and case-folded once, not once per
    keystroke. A measure is known by its object: a changed measure arrives as
    a new object, and its text is made again.
    """

    def __init__(self) -> None:
        self._texts: dict[str, tuple[Measure, str, str]] = {}
        self._measures: list[Measure] = []
        self._owners: dict[str, str] = {}
        self._column: list[str] = []

    def of_plan(self, plan: Plan, owner_names: dict[str, str]) -> list[str]:
        """The search text of each of the plan's measures, in plan order."""
        measures = plan.measures
        # The same measure objects in the same order (compared at C speed) and
        # the same owner names: the texts of the last call still hold.
        if (
            len(measures) == len(self._measures)
            and owner_names == self._owners
            and all(map(operator.is_, measures, self._measures))
        ):
            return self._column
        self._column = [self.text(m, owner_names.get(m.owner, "")) for m in measures]
        self._measures = list(measures)
        self._owners = dict(owner_names)
        return self._column

    def text(self, measure: Measure, owner_name: str) -> str:
        """The case-folded id, title, goal, area, owner id and owner name of ``measure``."""
        known = self._texts.get(measure.id)
        if known is not None and known[0] is measure and known[1] == owner_name:
            return known[2]
        text = search_text(measure, owner_name)
        self._texts[measure.id] = (measure, owner_name, text)
        return text


def search_text(measure: Measure, owner_name: str) -> str:
    """What a free-text filter looks in: id, title, goal, area, owner id and name, case-folded."""
    return " ".join(
        [
            measure.id,
            measure.title,
            measure.goal,
            measure.area or "",
            measure.owner,
            owner_name,
        ]
    ).casefold()


def _perspective(plan: Plan, name: str) -> str:
    return find_name(name, plan.perspectives, "field.perspective")


def filter_measures(
    plan: Plan, wanted: MeasureFilter, texts: SearchTexts | None = None
) -> list[Measure]:
    """The plan's measures that pass ``wanted``, in plan order.

    ``texts`` keeps the measures' search texts between calls (see
    :class:`SearchTexts`); without it they are made afresh. Raises a
    KplanError naming the bad value when the filter names an unknown owner,
    status, step or perspective.
    """
    owner = None if wanted.owner is None else check_id(wanted.owner)
    if owner is not None and owner not in {o.id for o in plan.owners}:
        raise unknown("kind.owner", owner, [o.id for o in plan.owners])
    status = None
    if wanted.status is not None:
        status = normalise_status(wanted.status)
        if status is None:
            raise InvalidValueError(
                t(
                    "change.invalid",
                    what=t("field.status"),
                    value=wanted.status,
                    valid=", ".join(STATUSES),
                    hint=did_you_mean(wanted.status, STATUSES),
                )
            )
    if wanted.step is not None and not 1 <= wanted.step <= len(plan.ladder):
        labels = ", ".join(f"{n} {label}" for n, label in enumerate(plan.ladder, 1))
        raise InvalidValueError(
            t("change.step", value=wanted.step, high=len(plan.ladder), labels=labels)
        )
    covered: tuple[str, tuple[str, ...]] | None = None
    if wanted.perspective is not None:
        name, _, level_text = wanted.perspective.partition("=")
        perspective = _perspective(plan, name)
        levels: tuple[str, ...] = ("partly", "yes")
        if level_text:
            level = normalise_coverage(level_text)
            if level is None:
                raise InvalidValueError(
                    t(
                        "change.invalid",
                        what=t("field.coverage"),
                        value=level_text,
                        valid=", ".join(COVERAGE_LEVELS),
                        hint=did_you_mean(level_text, COVERAGE_LEVELS),
                    )
                )
            levels = (level,)
        covered = (perspective, levels)
    gap = _perspective(plan, wanted.gap) if wanted.gap is not None else None
    words = [word.casefold() for word in wanted.text.split()]
    owner_names = {o.id: o.name for o in plan.owners}
    day = today() if wanted.overdue else None

    texts_in_order = texts.of_plan(plan, owner_names) if words and texts is not None else None
    step = wanted.step
    chosen = []
    for index, measure in enumerate(plan.measures):
        if owner is not None and measure.owner != owner:
            continue
        if status is not None and measure.status != status:
            continue
        if step is not None and all(c.step != step for c in measure.collaborations):
            continue
        if covered is not None and measure.perspectives.get(covered[0], "no") not in covered[1]:
            continue
        if gap is not None and measure.perspectives.get(gap, "no") == "yes":
            continue
        if day is not None and not is_overdue(measure.due, measure.status, day):
            continue
        if words:
            haystack = (
                texts_in_order[index]
                if texts_in_order is not None
                else search_text(measure, owner_names.get(measure.owner, ""))
            )
            if not all(word in haystack for word in words):
                continue
        chosen.append(measure)
    return chosen


# Filter-bar keys, in English and Swedish, to the MeasureFilter field they set.
EXPRESSION_KEYS = {
    "owner": "owner",
    "ansvarig": "owner",
    "status": "status",
    "step": "step",
    "steg": "step",
    "perspective": "perspective",
    "perspektiv": "perspective",
    "gap": "gap",
    "lucka": "gap",
}


def parse_expression(text: str) -> MeasureFilter:
    """A filter from the TUI's filter bar: ``owner:mholm status:delayed gap:kön växa``.

    ``key:value`` words set a field (keys in English or Swedish, see
    EXPRESSION_KEYS); the other words are free text. A step must be a number.
    """
    wanted = MeasureFilter()
    free: list[str] = []
    for word in text.split():
        key, separator, value = word.partition(":")
        field_name = EXPRESSION_KEYS.get(key.casefold()) if separator else None
        if field_name is None or not value:
            free.append(word)
            continue
        if field_name == "step":
            step = parse_integer(value)
            if step is None:
                raise InvalidValueError(t("filter.bad_step", value=value))
            wanted.step = step
        else:
            setattr(wanted, field_name, value)
    wanted.text = " ".join(free)
    return wanted
