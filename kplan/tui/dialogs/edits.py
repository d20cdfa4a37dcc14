"""The editing dialogs: status and progress, a Fyra P part, a perspective, a value."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from kplan.core.changes import Change
from kplan.domain import (
    COVERAGE_LEVELS,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    PERIOD_FORMATS,
    STATUSES,
    normalise_period,
    parse_integer,
    parse_number,
)
from kplan.i18n import t
from kplan.model import Measure
from kplan.present.labels import status_label
from kplan.tui.dialogs.base import EditDialog
from kplan.tui.widgets.cells import plain


def _measure(dialog: EditDialog) -> Measure:
    plan = dialog.kplan.plan
    assert plan is not None
    measure = plan.measure(dialog.measure)
    assert measure is not None
    return measure


def _chosen(select: Select[str], what: str) -> str:
    value = select.value
    if value is Select.NULL or value is None:
        raise ValueError(t("dialog.choose", what=what))
    return str(value)


class StatusDialog(EditDialog):
    """Set a measure's status and progress, with a note."""

    def title_text(self) -> str:
        """The dialog's name."""
        return t("dialog.status_title")

    def fields(self) -> ComposeResult:
        """Status and progress."""
        measure = _measure(self)
        yield Label(t("col.status"), classes="field-label", markup=False)
        yield Select(
            [(status_label(s), s) for s in STATUSES],
            value=measure.status,
            allow_blank=False,
            compact=True,
            id="status",
        )
        yield Label(t("dialog.progress"), classes="field-label", markup=False)
        yield Input(str(measure.progress), id="progress", restrict=r"-?[0-9]*", compact=True)

    def changes(self, note: str | None) -> list[Change]:
        """Status and progress as changes; the core checks the range of progress."""
        status = _chosen(self.query_one("#status", Select), t("field.status"))
        text = self.query_one("#progress", Input).value.strip()
        progress = parse_integer(text)
        if progress is None:
            raise ValueError(t("change.progress", value=text))
        return [
            Change("measure", self.measure, "status", status, note, self.seen_version()),
            Change("measure", self.measure, "progress", progress, note, self.seen_version()),
        ]


class FourPDialog(EditDialog):
    """Set one Fyra P part of a measure."""

    def title_text(self) -> str:
        """The dialog's name."""
        return t("dialog.four_p_title")

    def fields(self) -> ComposeResult:
        """The part, its meaning, and its state."""
        measure = _measure(self)
        yield Label(t("dialog.four_p_part"), classes="field-label", markup=False)
        yield Select(
            [(t(f"four_p.{p}"), p) for p in FOUR_P_PARTS],
            value=FOUR_P_PARTS[0],
            allow_blank=False,
            compact=True,
            id="part",
        )
        yield Label(
            t(f"four_p_help.{FOUR_P_PARTS[0]}"), id="part-help", classes="help", markup=False
        )
        yield Label(t("dialog.four_p_state"), classes="field-label", markup=False)
        yield Select(
            [(t(f"four_p_state.{s}"), s) for s in FOUR_P_STATES],
            value=measure.four_p.get(FOUR_P_PARTS[0], "not-started"),
            allow_blank=False,
            compact=True,
            id="state",
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        """Choosing a part shows its meaning and its current state."""
        if event.select.id == "part" and event.value is not Select.NULL:
            part = str(event.value)
            self.query_one("#part-help", Label).update(t(f"four_p_help.{part}"))
            self.query_one("#state", Select).value = _measure(self).four_p.get(part, "not-started")

    def changes(self, note: str | None) -> list[Change]:
        """The part's new state."""
        part = _chosen(self.query_one("#part", Select), t("field.four_p_part"))
        state = _chosen(self.query_one("#state", Select), t("field.four_p_state"))
        return [Change("measure", self.measure, f"four_p.{part}", state, note, self.seen_version())]


class PerspectiveDialog(EditDialog):
    """Set how far a cross-cutting perspective is integrated in a measure."""

    def title_text(self) -> str:
        """The dialog's name."""
        return t("dialog.perspective_title")

    def fields(self) -> ComposeResult:
        """The perspective and its level."""
        plan = self.kplan.plan
        assert plan is not None
        measure = _measure(self)
        first = plan.perspectives[0]
        yield Label(t("field.perspective").capitalize(), classes="field-label", markup=False)
        yield Select(
            [(plain(p), p) for p in plan.perspectives],
            value=first,
            allow_blank=False,
            id="perspective",
        )
        yield Label(t("field.coverage").capitalize(), classes="field-label", markup=False)
        yield Select(
            [(t(f"coverage.{level}"), level) for level in COVERAGE_LEVELS],
            value=measure.perspectives.get(first, "no"),
            allow_blank=False,
            compact=True,
            id="level",
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        """Choosing a perspective shows its current level."""
        if event.select.id == "perspective" and event.value is not Select.NULL:
            self.query_one("#level", Select).value = _measure(self).perspectives.get(
                str(event.value), "no"
            )

    def changes(self, note: str | None) -> list[Change]:
        """The perspective's new level."""
        perspective = _chosen(self.query_one("#perspective", Select), t("field.perspective"))
        level = _chosen(self.query_one("#level", Select), t("field.coverage"))
        field = f"perspectives.{perspective}"
        return [Change("measure", self.measure, field, level, note, self.seen_version())]


class RecordDialog(EditDialog):
    """Record a value of one of the measure's indicators for a period."""

    def title_text(self) -> str:
        """The dialog's name."""
        return t("dialog.record_title")

    def fields(self) -> ComposeResult:
        """Indicator, period and value."""
        measure = _measure(self)
        yield Label(t("kind.indicator").capitalize(), classes="field-label", markup=False)
        yield Select(
            [
                (plain(f"{i.name} ({i.unit})" if i.unit else i.name), i.id)
                for i in measure.indicators
            ],
            value=measure.indicators[0].id,
            allow_blank=False,
            compact=True,
            id="indicator",
        )
        yield Label(t("dialog.period", formats=PERIOD_FORMATS), classes="field-label", markup=False)
        yield Input(placeholder="2016", id="period", compact=True)
        yield Label(t("dialog.value"), classes="field-label", markup=False)
        yield Input(placeholder="0", id="value", compact=True)

    def changes(self, note: str | None) -> list[Change]:
        """The value as a change; the period must be known and the value a number."""
        indicator = _chosen(self.query_one("#indicator", Select), t("kind.indicator"))
        raw_period = self.query_one("#period", Input).value.strip()
        period = normalise_period(raw_period)
        if period is None:
            raise ValueError(t("change.period", period=raw_period, formats=PERIOD_FORMATS))
        raw_value = self.query_one("#value", Input).value.strip()
        value = parse_number(raw_value)
        if value is None:
            raise ValueError(t("change.number", value=raw_value))
        version = self.seen_version(indicator)
        return [Change("indicator", indicator, f"values.{period}", value, note, version)]
