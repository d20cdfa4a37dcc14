"""Words for a value wherever kplan shows one: a status, progress, ladder steps, a change.

The terminal tables, ``show``, the log, diff, the exports and the TUI's cells
and dialogs use these, so a status, and a change, reads the same words in each.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kplan.address import FieldAddress, short_removed
from kplan.core.diff import as_text
from kplan.domain import COVERAGE_LEVELS, FOUR_P_PARTS, FOUR_P_STATES, STATUSES
from kplan.i18n import language, t
from kplan.model import Plan
from kplan.present.glyphs import BAR_EMPTY, BAR_FULL


def status_label(status: str) -> str:
    """The status in the user's language."""
    return t(f"status.{status}")


def progress_bar(progress: int, width: int = 10) -> str:
    """A text bar for 0-100, with the number, so it reads without colour."""
    filled = round(progress * width / 100)
    return BAR_FULL * filled + BAR_EMPTY * (width - filled) + f" {progress:>3}%"


def steps_text(steps: dict[str, int | None]) -> str:
    """Lowest and highest ladder step as ``2-3`` (``–`` without collaborations)."""
    low, high = steps.get("lowest"), steps.get("highest")
    if low is None:
        return "–"
    return str(low) if low == high else f"{low}-{high}"


# ---------------------------------------------------------------------------
# A change in words
#
# The event log, diff, import and the change commands name a change by the
# address of its field (``four_p.perspektiv``, ``values.2016``) and keep its
# values as text. People read the change here: the field named in their
# language, with the plan's own names for what is the plan's (a perspective,
# a ladder step, an indicator), and the values in words.
# ---------------------------------------------------------------------------

# The whole things a structure change adds or removes, and their kind's word.
_WHOLE_KINDS = {
    "measure": "kind.measure",
    "collaboration": "kind.collaboration",
    "indicator": "kind.indicator",
    "organisations": "kind.organisation",
    "owners": "kind.owner",
}

# Fields with a name of their own in the catalogue (report.field_*).
_NAMED_FIELDS = frozenset(
    {
        "title",
        "goal",
        "area",
        "owner",
        "status",
        "progress",
        "start",
        "due",
        "end",
        "description",
        "organisation",
        "perspectives",
        "ladder",
        "ladder_questions",
        "coordinators",
        "measure_order",
        "organisation_order",
        "owner_order",
        "collaboration_order",
        "indicator_order",
        "name",
        "kind",
        "email",
        "actors",
        "step",
        "note",
        "measure",
        "unit",
        "baseline",
        "target",
        "direction",
    }
)

# Fields whose name is one of this section's own words (words.field_*).
_WORD_FIELDS = frozenset({"edit", "language", "timezone", "public", "source", "situation_public"})


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class PlanNames:
    """The plan's own names a change is told in: ladder steps, collaborations, indicators.

    Built from the plan the change belongs to; every name is data, which the
    caller's ``escape`` (and ``t``) make safe where it is shown. Without a
    plan (a change command's summary) ids stand for the names.
    """

    ladder: tuple[str, ...] = ()
    collaborations: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, tuple[str, str]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, *plans: Plan | None) -> PlanNames:
        """The names of ``plans`` (later plans win: the current one last)."""
        ladder: tuple[str, ...] = ()
        collaborations: dict[str, str] = {}
        indicators: dict[str, tuple[str, str]] = {}
        owners: dict[str, str] = {}
        for plan in plans:
            if plan is None:
                continue
            ladder = tuple(plan.ladder)
            owners |= {o.id: o.name for o in plan.owners}
            for measure in plan.measures:
                collaborations |= {c.id: c.name for c in measure.collaborations}
                indicators |= {i.id: (i.name, i.unit or "") for i in measure.indicators}
        return cls(ladder, collaborations, indicators, owners)


def level_word(kind: str, value: str) -> str:
    """A stored word of a field (``not-started``, ``partly``...) in the reader's language.

    ``kind`` is the address kind: ``status``, ``four_p`` or ``perspectives``.
    A word kplan does not know is given back as it is.
    """
    if kind == "status" and value in STATUSES:
        return t(f"status.{value}")
    if kind == "four_p" and value in FOUR_P_STATES:
        return t(f"four_p_state.{value}")
    if kind == "perspectives" and value in COVERAGE_LEVELS:
        return t(f"words.level_{value}")
    return value


def number_words(text: str) -> str:
    """A number as the reader writes it: ``63,5`` in Swedish, ``63.5`` in English."""
    try:
        float(text)
    except ValueError:
        return text
    return text.replace(".", ",") if language() == "sv" else text


def _list_words(text: str) -> str | None:
    """A list the log keeps as JSON (``["1", "2"]``) as ``1, 2``; None if not one."""
    if not text.startswith("["):
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return None
    if not isinstance(found, list):
        return None
    return ", ".join(str(item) for item in found)


class _Words:
    """One change told in words; see ``change_words``."""

    def __init__(self, names: PlanNames, escape: Callable[[str], str]) -> None:
        self.names = names
        self.escape = escape

    def step(self, text: str) -> str:
        try:
            step = int(text)
        except ValueError:
            return self.escape(text)
        label = self.names.ladder[step - 1] if 1 <= step <= len(self.names.ladder) else ""
        if not label:
            return t("words.step", step=step)
        return t("words.step_label", step=step, label=self.escape(label))

    def value(self, address: FieldAddress | None, name: str, text: str | None) -> str:
        if text is None or text == "":
            return "–"
        kind = address.kind if address is not None else name
        if kind in ("status", "four_p", "perspectives"):
            return self.escape(level_word(kind, text))
        if kind == "progress":
            return f"{self.escape(text)}%"
        if kind == "step":
            return self.step(text)
        if kind in ("values", "groups", "baseline", "target"):
            return self.escape(number_words(text))
        if kind == "direction" and text in ("increase", "decrease"):
            return t(f"report.direction_{text}")
        if kind == "owner":
            return self.escape(self.names.owners.get(text, text))
        if kind == "edit" and text in ("open", "owners"):
            return self.escape(text)
        if text in ("true", "false"):
            return t("words.yes" if text == "true" else "words.no")
        listed = _list_words(text)
        return self.escape(listed if listed is not None else text)

    def unit(self, indicator: str | None) -> str:
        unit = self.names.indicators.get(indicator or "", ("", ""))[1]
        return f" {self.escape(unit)}" if unit else ""

    def indicator(self, key: str | None) -> str:
        name = self.names.indicators.get(key or "", (key or "", ""))[0]
        return self.escape(name or key or "")

    def collaboration(self, key: str | None) -> str:
        return self.escape(self.names.collaborations.get(key or "", key or "") or key or "")

    def field_word(self, name: str) -> str:
        """A field's own name, in words (an unknown one as it is)."""
        if name in _NAMED_FIELDS:
            return t(f"report.field_{name}")
        if name == "situation":
            return t("words.field_situation")
        if name in _WORD_FIELDS:
            return t(f"words.field_{name}")
        return self.escape(name)

    def what(self, address: FieldAddress | None, name: str, change: _Change) -> str:
        """What changed: the field's name, with whose field it is."""
        if address is not None and address.kind == "four_p":
            part = address.part
            shown = t(f"four_p.{part}") if part in FOUR_P_PARTS else self.escape(part)
            return t("report.field_four_p", part=shown)
        if address is not None and address.kind == "perspectives":
            return t("words.perspective", name=self.escape(address.part))
        if address is not None and address.kind == "values":
            return t(
                "words.value",
                indicator=self.indicator(change.indicator),
                period=self.escape(address.part),
            )
        if address is not None and address.kind == "groups":
            period, _, group = address.part.partition(".")
            perspective, _, group_name = group.partition("=")
            return t(
                "words.group_value",
                indicator=self.indicator(change.indicator),
                period=self.escape(period),
                perspective=self.escape(perspective),
                group=self.escape(group_name),
            )
        if name == "step" and change.collaboration:
            return self.collaboration(change.collaboration)
        if name.startswith("plan."):
            return t("words.plan_field", what=self.field_word(name.removeprefix("plan.")))
        if name.startswith(("organisations.", "owners.")):
            collection, rest = name.split(".", 1)
            key, _, attribute = rest.rpartition(".")
            template = (
                "report.in_organisation" if collection == "organisations" else "report.in_owner"
            )
            return t(template, key=self.escape(key), what=self.field_word(attribute))
        if change.collaboration:
            return t(
                "words.of_thing",
                thing=self.collaboration(change.collaboration),
                what=self.field_word(name),
            )
        if change.indicator:
            return t(
                "words.of_thing",
                thing=self.indicator(change.indicator),
                what=self.field_word(name),
            )
        return self.field_word(name)

    def sentence(self, change: _Change) -> str | None:
        """A change told as a sentence of its own (added, reported...), or None."""
        name, old, new = change.field, change.old, change.new
        kind = _WHOLE_KINDS.get(name)
        moved = name == "measure" and (change.collaboration or change.indicator)
        if kind is not None and not moved and (old is None or new is None):
            if old is None:
                return t("change.added", kind=t(kind), key=self.escape(new or ""))
            short = short_removed(name, old) or ""
            return t("change.removed", kind=t(kind), key=self.escape(short))
        if moved:
            return t(
                "words.moved",
                thing=self.collaboration(change.collaboration)
                if change.collaboration
                else self.indicator(change.indicator),
                old=self.escape(old or "–"),
                new=self.escape(new or "–"),
            )
        events = {
            "round.report": ("words.round_report", "words.round_report_undone"),
            "round.open": ("words.round_open", "words.round_open_undone"),
            "round.close": ("words.round_close", "words.round_close_undone"),
            "snapshot.take": ("words.snapshot_take", "words.snapshot_take_undone"),
            "snapshot.delete": ("words.snapshot_delete", "words.snapshot_delete"),
            "plan": ("words.plan_created", "words.plan_removed"),
        }
        if name in events:
            done, undone = events[name]
            if name in ("round.close", "snapshot.delete"):
                # These keep the name as the old value: it is what went away.
                key, subject = (done, old) if new is None else (undone, new)
            else:
                key, subject = (done, new) if new is not None else (undone, old)
            return t(key, name=self.escape(subject or "–"))
        return None

    def line(self, change: _Change) -> str:
        """The change in words: a sentence, or ``what: old → new``."""
        told = self.sentence(change)
        if told is not None:
            return told
        address = FieldAddress.find(change.field)
        old = self.value(address, change.field, change.old)
        new = self.value(address, change.field, change.new)
        if address is not None and address.kind in ("values", "groups"):
            unit = self.unit(change.indicator)
            old += unit if old != "–" else ""
            new += unit if new != "–" else ""
        return t(
            "report.change_line", what=self.what(address, change.field, change), old=old, new=new
        )


@dataclass(frozen=True)
class _Change:
    field: str
    old: str | None
    new: str | None
    collaboration: str | None = None
    indicator: str | None = None


def change_words(
    field_name: str,
    old: Any,
    new: Any,
    *,
    collaboration: str | None = None,
    indicator: str | None = None,
    names: PlanNames | None = None,
    escape: Callable[[str], str] = _same,
) -> str:
    """One change in words of the reader's language, for every human-readable line.

    ``field_name`` is the change's field as the event log keeps it (a
    ``FieldAddress``'s text, ``plan.title``, ``round.report``...), ``old``
    and ``new`` its values (as the log keeps them, or as a plan holds them).
    ``Fyra P Perspektiv: ej påbörjad → pågår``, ``kön: nej → delvis``,
    ``rapporterad i Uppföljning 2015``. The plan's own names (``names``) and
    every value are data: ``escape`` is applied to each (``md_text`` for
    Markdown); ``t`` then spells out what a terminal would act on.
    """
    change = _Change(field_name, as_text(old), as_text(new), collaboration, indicator)
    return _Words(names or PlanNames(), escape).line(change)


def event_change(event: Mapping[str, Any], names: PlanNames | None = None) -> str:
    """A logged event's change in words: :func:`change_words` of its field, values and item."""
    return change_words(
        str(event.get("field") or ""),
        event.get("old"),
        event.get("new"),
        collaboration=event.get("collaboration"),
        indicator=event.get("indicator"),
        names=names,
    )


def field_words(
    field_name: str,
    *,
    collaboration: str | None = None,
    indicator: str | None = None,
    names: PlanNames | None = None,
) -> str:
    """What a change sets, in words (``Fyra P Perspektiv``, ``kön``), without its values."""
    change = _Change(field_name, None, None, collaboration, indicator)
    # Without its indicator a value's words are just its period.
    return (
        _Words(names or PlanNames(), _same)
        .what(FieldAddress.find(field_name), field_name, change)
        .strip()
    )


def value_words(field_name: str, value: Any, *, indicator: str | None = None) -> str:
    """One value of a field in words (``ej påbörjad``, ``delvis``, ``40%``, ``63,5``)."""
    words = _Words(PlanNames(), _same)
    shown = words.value(FieldAddress.find(field_name), field_name, as_text(value))
    return shown + (words.unit(indicator) if shown != "–" else "")
