"""The structure dialogs: a measure edited or added, its läget, its collaborations.

They change the plan as ``kplan measure edit|add`` and ``kplan collab add|edit``
do, through the same use case (``kplan.core.structure.edit_plan``) and so by
the same rules: the plan file's checks, the plan's edit policy, the version
the person saw. Läget and a move on the ladder are follow-up changes, saved
as ``kplan note`` and ``kplan step`` save them.

A field shows a plan's text with its hidden characters spelled out
(``kplan.safetext``); only a field the person changed is sent, so a text
that was shown spelled out and left alone stays as it is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select, SelectionList, TextArea

from kplan.core.changes import Change
from kplan.core.permissions import OWNER_TEXTS, OWNERS
from kplan.core.structure import FIELDS, Edit
from kplan.i18n import t
from kplan.model import Collaboration, Measure, Plan
from kplan.safetext import BLOCK_LIMIT, LINE_LIMIT, visible
from kplan.tui.dialogs.base import EditDialog
from kplan.tui.widgets.cells import plain

if TYPE_CHECKING:
    from kplan.core.changes import ChangeResult

# The longer texts get a TextArea of a few lines; the rest an Input.
_LONG = frozenset({"goal", "description", "situation"})
# Fields where spaces around the text can only be a slip of the keyboard.
_TRIMMED = frozenset({"id", "start", "due"})
# Each field's label; also names a field in the core's problems, which
# name it by its command-line option (--due: ...).
_LABELS = {
    "id": "tui_edit.id",
    "title": "tui_edit.title",
    "owner": "tui_edit.owner",
    "area": "tui_edit.area",
    "goal": "tui_edit.goal",
    "start": "tui_edit.start",
    "due": "tui_edit.due",
    "description": "tui_edit.description",
    "name": "tui_edit.name",
    "actors": "tui_edit.actors",
    "step": "tui_edit.step",
    "note": "tui_edit.collab_note",
    "measure": "tui_edit.measure",
}


def editable(text: str | None, *, lines: bool = False) -> str:
    """A plan's text for an editing field: hidden characters spelled out, long text clipped.

    A TextArea (``lines``) keeps the text's line breaks; an Input shows one line.
    """
    if not text:
        return ""
    if not lines:
        return visible(text, limit=LINE_LIMIT)
    clipped = text[:BLOCK_LIMIT].replace("\r\n", "\n")
    return "\n".join(visible(line, limit=None) for line in clipped.split("\n"))


def in_place(message: str) -> str:
    """The core's problems for a dialog: a command's ``--option:`` named by the field's label."""
    shown = []
    for line in message.split("\n"):
        option, colon, rest = line.partition(": ")
        name = option.removeprefix("--")
        if colon and option.startswith("--") and name in _LABELS:
            line = f"{t(_LABELS[name])}: {rest}"
        shown.append(line)
    return "\n".join(shown)


def texts_only(plan: Plan, measure: Measure, actor: str) -> bool:
    """Whether ``actor`` may change only the texts of ``measure`` (its owner, not a coordinator)."""
    return plan.edit == OWNERS and actor not in plan.coordinators and actor == measure.owner


def _label(name: str) -> Label:
    return Label(t(_LABELS[name]), classes="field-label", markup=False)


def _people(plan: Plan, current: str | None = None) -> list[tuple[Text, str]]:
    """The plan's people as Select options (name and id); an owner not among them too."""
    options: list[tuple[Text, str]] = [
        (plain(f"{person.name} ({person.id})"), person.id) for person in plan.owners
    ]
    if current and current not in {person.id for person in plan.owners}:
        options.append((plain(current), current))
    return options


def _steps(plan: Plan) -> list[tuple[Text, str]]:
    return [(plain(f"{n} {label}"), str(n)) for n, label in enumerate(plan.ladder, start=1)]


def _step_of(plan: Plan, collaboration: Collaboration) -> str:
    # A step outside a shortened ladder shows at the nearest end, as on the board.
    return str(min(max(collaboration.step, 1), len(plan.ladder)))


def _selected(select: Select[str]) -> str:
    value = select.value
    return "" if value is Select.NULL or value is None else str(value)


class StructureDialog(EditDialog):
    """A dialog whose fields sit in a scrolling form, and whose save is an ``Edit``."""

    # A form too long for a short terminal: the dialog takes most of the
    # screen and the form scrolls.
    TALL = True

    def fields(self) -> ComposeResult:
        """A line of help above the form, then the form, scrolling when the terminal is short."""
        help_text = self.help_text()
        if help_text:
            yield Label(help_text, classes="help", markup=False)
        form = VerticalScroll(id="form")
        # The first field takes the focus, not the form around it: a
        # field in focus is scrolled into view, so tab still reaches them all.
        form.can_focus = False
        with form:
            yield from self.form()

    def on_mount(self) -> None:
        """A long form's dialog takes most of the screen, its first field's label in view."""
        if self.TALL:
            self.query_one("#dialog").add_class("tall")
        # Focusing the first field scrolls it into view before the form has
        # its height, which hides the label above it; start from the top.
        form = self.query_one("#form", VerticalScroll)
        self.call_after_refresh(form.scroll_home, animate=False)

    def form(self) -> ComposeResult:
        """The dialog's own fields."""
        yield from ()

    def help_text(self) -> str:
        """A line that stays above the form when it scrolls; empty for none."""
        return ""

    def plan(self) -> Plan:
        """The plan the dialog edits."""
        plan = self.kplan.plan
        assert plan is not None
        return plan

    def text_of(self, widget_id: str) -> str:
        """What the person wrote in an Input or a TextArea (a date or an id without spaces
        around it)."""
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input)
        return widget.value.strip() if widget_id in _TRIMMED else widget.value

    def edit_job(self, edit: Edit) -> Callable[[], ChangeResult]:
        """Saving ``edit`` through the core, for the worker."""
        return lambda: self.kplan.save_edit(edit)

    def show_error(self, message: str) -> None:
        """Say what is wrong, with the field's label where the core named an option."""
        super().show_error(in_place(message))


class MeasureEditDialog(StructureDialog):
    """Edit a measure: title, owner, area, goal, dates, description (``kplan measure edit``)."""

    def title_text(self) -> str:
        """The dialog's name."""
        return t("tui_edit.edit_title")

    def initial(self) -> dict[str, str]:
        """The fields as the dialog showed them when it opened."""
        measure = self.seen
        assert measure is not None
        return {
            "title": editable(measure.title),
            "owner": measure.owner,
            "area": editable(measure.area),
            "goal": editable(measure.goal, lines=True),
            "start": measure.start.isoformat() if measure.start else "",
            "due": measure.due.isoformat() if measure.due else "",
            "description": editable(measure.description, lines=True),
        }

    def locked(self) -> bool:
        """Whether the person may change only the measure's texts."""
        assert self.seen is not None
        return texts_only(self.plan(), self.seen, self.kplan.actor)

    def help_text(self) -> str:
        """Said to an owner who may change only the texts."""
        if not self.locked():
            return ""
        return t("tui_edit.texts_only", texts=", ".join(sorted(OWNER_TEXTS)))

    def form(self) -> ComposeResult:
        """Every field of ``kplan measure edit``; those the person may not change disabled."""
        plan = self.plan()
        measure = self.seen
        assert measure is not None
        shown = self.initial()
        locked = self.locked()
        for name in FIELDS["measure"]:
            yield _label(name)
            disabled = locked and name not in OWNER_TEXTS
            if name == "owner":
                yield Select(
                    _people(plan, measure.owner),
                    value=measure.owner,
                    allow_blank=False,
                    compact=True,
                    id="owner",
                    disabled=disabled,
                )
            elif name in _LONG:
                yield TextArea(shown[name], id=name, classes="long", disabled=disabled)
            else:
                placeholder = "YYYY-MM-DD" if name in ("start", "due") else ""
                yield Input(
                    shown[name],
                    placeholder=placeholder,
                    id=name,
                    compact=True,
                    disabled=disabled,
                )

    def prepare(self, note: str | None) -> Callable[[], ChangeResult] | None:
        """The fields the person changed, as one ``Edit`` of the measure."""
        shown = self.initial()
        values = {
            name: _selected(self.query_one("#owner", Select))
            if name == "owner"
            else self.text_of(name)
            for name in FIELDS["measure"]
        }
        changed = {name: value for name, value in values.items() if value != shown[name]}
        if not changed:
            return None
        edit = Edit("measure", "edit", self.measure, changed, note, self.seen_version())
        return self.edit_job(edit)


class AddMeasureDialog(StructureDialog):
    """Add a measure to the plan (``kplan measure add``)."""

    def __init__(self) -> None:
        super().__init__("")
        self.added: str | None = None

    def title_text(self) -> str:
        """The dialog's name."""
        return t("tui_edit.add_title")

    def heading(self) -> str:
        """The dialog's title line: no measure yet."""
        return self.title_text()

    def form(self) -> ComposeResult:
        """The new measure's id and fields."""
        plan = self.plan()
        yield _label("id")
        yield Input(id="id", compact=True)
        for name in FIELDS["measure"]:
            yield _label(name)
            if name == "owner":
                yield Select(
                    _people(plan),
                    prompt=t("tui_edit.choose_owner"),
                    compact=True,
                    id="owner",
                )
            elif name in _LONG:
                yield TextArea(id=name, classes="long")
            else:
                placeholder = "YYYY-MM-DD" if name in ("start", "due") else ""
                yield Input(placeholder=placeholder, id=name, compact=True)

    def prepare(self, note: str | None) -> Callable[[], ChangeResult] | None:
        """The new measure as an ``Edit``; the core checks the id and every field."""
        key = self.text_of("id")
        values = {
            name: _selected(self.query_one("#owner", Select))
            if name == "owner"
            else self.text_of(name)
            for name in FIELDS["measure"]
        }
        # A field left empty is not given, as an option left out is not.
        given = {name: value for name, value in values.items() if value.strip()}
        self.added = key
        return self.edit_job(Edit("measure", "add", key, given, note))


class SituationDialog(StructureDialog):
    """Läget: the measure's current state in its owner's words (``kplan note``)."""

    TALL = False

    def title_text(self) -> str:
        """The dialog's name."""
        return t("structure.col_situation")

    def help_text(self) -> str:
        """What läget is."""
        return t("tui_edit.situation_help")

    def form(self) -> ComposeResult:
        """The text, as it stands."""
        measure = self.seen
        assert measure is not None
        yield TextArea(editable(measure.situation, lines=True), id="situation", classes="long")

    def changes(self, note: str | None) -> list[Change]:
        """Läget as a follow-up change, checked against the version the person saw."""
        text = self.text_of("situation")
        return [Change("measure", self.measure, "situation", text, note, self.seen_version())]

    def prepare(self, note: str | None) -> Callable[[], ChangeResult] | None:
        """Nothing to save when the text was left as it was shown."""
        measure = self.seen
        assert measure is not None
        if self.text_of("situation") == editable(measure.situation, lines=True):
            return None
        return super().prepare(note)


class CollaborationDialog(StructureDialog):
    """What the collaboration dialogs share: the chosen collaboration and the plan's actors."""

    def collaboration(self, key: str) -> Collaboration | None:
        """One of the measure's collaborations as the dialog saw it."""
        if self.seen is None:
            return None
        return next((c for c in self.seen.collaborations if c.id == key), None)

    def chooser(self) -> ComposeResult:
        """A Select of the measure's collaborations, the first chosen."""
        measure = self.seen
        assert measure is not None
        yield Label(t("kind.collaboration").capitalize(), classes="field-label", markup=False)
        yield Select(
            [(plain(f"{c.id}: {c.name}"), c.id) for c in measure.collaborations],
            value=measure.collaborations[0].id,
            allow_blank=False,
            compact=True,
            id="collaboration",
        )

    def chosen(self) -> Collaboration:
        """The collaboration chosen in the dialog."""
        found = self.collaboration(_selected(self.query_one("#collaboration", Select)))
        if found is None:
            raise ValueError(t("dialog.choose", what=t("kind.collaboration")))
        return found

    def actors(self, chosen: list[str] | None = None) -> SelectionList[str]:
        """The plan's organisations to choose the actors from."""
        wanted = set(chosen or [])
        return SelectionList[str](
            *[(plain(o.name), o.id, o.id in wanted) for o in self.plan().organisations],
            id="actors",
        )

    def chosen_actors(self, before: list[str] | None = None) -> str:
        """The actors ticked, in the plan's order (an unchanged set keeps its order)."""
        ticked = set(self.query_one("#actors", SelectionList).selected)
        if before is not None and ticked == set(before):
            return ",".join(before)
        return ",".join(o.id for o in self.plan().organisations if o.id in ticked)


class CollabAddDialog(CollaborationDialog):
    """Add a collaboration to the measure (``kplan collab add``)."""

    def title_text(self) -> str:
        """The dialog's name."""
        return t("tui_edit.collab_add_title")

    def form(self) -> ComposeResult:
        """Id, name, actors and step."""
        plan = self.plan()
        yield _label("id")
        yield Input(id="id", compact=True)
        yield _label("name")
        yield Input(id="name", compact=True)
        yield _label("actors")
        yield self.actors()
        yield _label("step")
        yield Select(_steps(plan), value="1", allow_blank=False, compact=True, id="step")

    def prepare(self, note: str | None) -> Callable[[], ChangeResult] | None:
        """The new collaboration as an ``Edit``; the core checks id, name and actors."""
        values = {
            "measure": self.measure,
            "name": self.text_of("name"),
            "actors": self.chosen_actors(),
            "step": _selected(self.query_one("#step", Select)),
        }
        key = self.text_of("id")
        return self.edit_job(Edit("collaboration", "add", key, values, note))


class CollabEditDialog(CollaborationDialog):
    """Edit one of the measure's collaborations: name, actors, note (``kplan collab edit``)."""

    def title_text(self) -> str:
        """The dialog's name."""
        return t("tui_edit.collab_edit_title")

    def form(self) -> ComposeResult:
        """Which collaboration, then its name, actors and note."""
        yield from self.chooser()
        first = self.chosen_first()
        yield _label("name")
        yield Input(editable(first.name), id="name", compact=True)
        yield _label("actors")
        yield self.actors(first.actors)
        yield _label("note")
        yield TextArea(editable(first.note, lines=True), id="collab-note", classes="long")

    def chosen_first(self) -> Collaboration:
        """The collaboration chosen when the dialog opens."""
        measure = self.seen
        assert measure is not None
        return measure.collaborations[0]

    def on_select_changed(self, event: Select.Changed) -> None:
        """Choosing another collaboration shows its fields."""
        if event.select.id != "collaboration" or event.value is Select.NULL:
            return
        found = self.collaboration(str(event.value))
        if found is None:
            return
        self.query_one("#name", Input).value = editable(found.name)
        actors = self.query_one("#actors", SelectionList)
        actors.deselect_all()
        for actor in found.actors:
            if actor in {o.id for o in self.plan().organisations}:
                actors.select(actor)
        self.query_one("#collab-note", TextArea).text = editable(found.note, lines=True)

    def prepare(self, note: str | None) -> Callable[[], ChangeResult] | None:
        """The fields the person changed, as one ``Edit`` of the collaboration."""
        collaboration = self.chosen()
        shown = {
            "name": editable(collaboration.name),
            "actors": ",".join(collaboration.actors),
            "note": editable(collaboration.note, lines=True),
        }
        values = {
            "name": self.text_of("name"),
            "actors": self.chosen_actors(collaboration.actors),
            "note": self.text_of("collab-note"),
        }
        changed = {name: value for name, value in values.items() if value != shown[name]}
        if not changed:
            return None
        edit = Edit("collaboration", "edit", collaboration.id, changed, note, collaboration.version)
        return self.edit_job(edit)


class StepDialog(CollaborationDialog):
    """Move one of the measure's collaborations on the ladder (``kplan step``)."""

    TALL = False

    def title_text(self) -> str:
        """The dialog's name."""
        return t("tui_edit.step_title")

    def form(self) -> ComposeResult:
        """Which collaboration, and the step it stands on."""
        yield from self.chooser()
        measure = self.seen
        assert measure is not None
        yield _label("step")
        yield Select(
            _steps(self.plan()),
            value=_step_of(self.plan(), measure.collaborations[0]),
            allow_blank=False,
            compact=True,
            id="step",
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        """Choosing a collaboration shows its step."""
        if event.select.id == "collaboration" and event.value is not Select.NULL:
            found = self.collaboration(str(event.value))
            if found is not None:
                self.query_one("#step", Select).value = _step_of(self.plan(), found)

    def prepare(self, note: str | None) -> Callable[[], ChangeResult] | None:
        """Nothing to save when the step shown was left as it was.

        (A step outside a shortened ladder is shown at its end; left
        there, it is not moved.)
        """
        chosen = self.chosen()
        if _selected(self.query_one("#step", Select)) == _step_of(self.plan(), chosen):
            return None
        return super().prepare(note)

    def changes(self, note: str | None) -> list[Change]:
        """The move, checked against the collaboration's version as the person saw it."""
        collaboration = self.chosen()
        step = _selected(self.query_one("#step", Select))
        return [
            Change("collaboration", collaboration.id, "step", step, note, collaboration.version)
        ]
