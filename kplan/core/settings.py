"""The plan's settings: ``kplan plan show`` and ``kplan plan edit``.

The settings that can change safely are the plan's title, period (start and
end), description, coordinators, edit policy, the questions of its
ladder's steps, its language, its time zone and whether its exports are
public by default. The ladder's step names and the list of perspectives are
not among them: a collaboration's step and a measure's perspective levels
are stored by them, so changing them is a plan file's matter (export, edit,
import), where the plan file's rules check everything that depends on them.

A settings change is made as a structure change is (kplan.core.structure):
the stored plan is read as a plan-file document, the new values are put in
its ``[plan]`` table, the document is checked by the plan file's own rules
(every problem at once: an end before the start, a coordinator who is not a
person of the plan, "owners" without a coordinator...), and what differs is
written with one event per setting (``plan.title``, ``plan.coordinators``...)
in one batch, which ``kplan undo`` reverts.

Who may: under ``edit = "owners"`` only a coordinator (exit 4). A change
that leaves the person making it outside the coordinators of a plan whose
policy is (or becomes) "owners" locks them out of the settings, and out of
undoing the change: it is refused (exit 2) unless ``force`` is given. A
plan under "owners" always keeps at least one coordinator (the plan file's
rule), so nobody can lock everyone out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kplan.core.actor import check_note
from kplan.core.changes import ChangeResult
from kplan.core.diff import diff_plans
from kplan.core.permissions import OWNERS, SETTINGS, check_coordinator
from kplan.core.planfile import parse_plan_document
from kplan.core.structure import PLAN_SETTINGS, StructureError, write_changes
from kplan.domain import parse_integer
from kplan.errors import PlanFileError, UsageError
from kplan.i18n import t
from kplan.model import Plan, plan_to_document
from kplan.names import visible
from kplan.store import plans

if TYPE_CHECKING:
    from kplan.store.engine import Store
    from kplan.store.plans import PlanInfo

# The command-line option that sets each plan-file key (for the messages).
OPTIONS = {
    "title": "--title",
    "start": "--start",
    "end": "--end",
    "description": "--description",
    "coordinators": "--coordinators",
    "edit": "--edit",
    "ladder_questions": "--ladder-question",
    "language": "--language",
    "timezone": "--timezone",
    "public": "--public",
}
# Settings a plan must keep: an empty value is refused, not removed.
_REQUIRED = {"title", "edit"}


@dataclass
class SettingsEdit:
    """A change of the plan's settings as a command asks for it.

    ``values`` maps a key of ``PLAN_SETTINGS`` other than ``ladder_questions``
    to the text given for it: an empty text clears an optional setting (the
    description, the start or the end), ``coordinators`` is a comma-separated
    list of person ids. ``questions`` are ``N=TEXT`` as typed: the question
    of the ladder's step N. ``force`` lets a person take themselves out of the
    coordinators of an "owners" plan.
    """

    values: dict[str, str] = field(default_factory=dict)
    questions: list[str] = field(default_factory=list)
    note: str | None = None
    force: bool = False


def show_plan(store: Store, plan: str | None = None) -> PlanInfo:
    """The plan's settings as stored."""
    with store.reading() as rows:
        return plans.select_plan(rows, plan)


def edit_settings(
    store: Store, wanted: SettingsEdit, *, actor: str, plan: str | None = None
) -> ChangeResult:
    """Check ``wanted`` against the plan's rules, then write it with its events, or raise.

    Nothing is written when anything is wrong: nothing asked (exit 2), a
    value the plan file would refuse or a step the ladder does not have
    (every one, exit 1), a change the plan's edit policy keeps from
    ``actor`` (exit 4), a change that locks ``actor`` out without ``force``
    (exit 2).
    """
    unknown_keys = set(wanted.values) - set(PLAN_SETTINGS) - {"ladder_questions"}
    if unknown_keys or "ladder_questions" in wanted.values:
        raise ValueError(", ".join(sorted(unknown_keys | {"ladder_questions"})))
    if not wanted.values and not wanted.questions:
        raise UsageError(t("settings.nothing", options=", ".join(OPTIONS.values())))
    check_note(wanted.note)
    with store.writing() as rows:
        info = plans.select_plan(rows, plan)
        old = plans.load_plan(rows, info)
        document = plan_to_document(old)
        problems: list[str] = []
        _change_table(document["plan"], old, wanted, problems)
        new = _checked(document, problems)
        check_coordinator(
            actor, policy=info.edit, coordinators=info.coordinators, plan=info.key, action=SETTINGS
        )
        if new.edit == OWNERS and actor not in new.coordinators and not wanted.force:
            raise UsageError(
                t(
                    "settings.locks_out",
                    actor=visible(actor),
                    plan=info.key,
                    coordinators=", ".join(new.coordinators),
                )
            )
        changes = diff_plans(old, new)
        return write_changes(rows, info, old, new, changes, actor=actor, note=wanted.note)


def _change_table(
    table: dict[str, Any], plan: Plan, wanted: SettingsEdit, problems: list[str]
) -> None:
    """Put the wanted values in the plan-file ``[plan]`` table (checked afterwards)."""
    for name, text in wanted.values.items():
        if name == "coordinators":
            table[name] = [part.strip() for part in text.split(",") if part.strip()]
        elif name == "public":
            table[name] = text == "true"
        elif name == "language" and text.strip():
            # Typed as people type it: "SV" and " en " are sv and en.
            table[name] = text.strip().lower()
        elif text == "" and name not in _REQUIRED:
            table.pop(name, None)
        else:
            table[name] = text
    if not wanted.questions:
        return
    questions = list(plan.ladder_questions)
    steps = len(plan.ladder)
    for given in wanted.questions:
        number, equals, question = given.partition("=")
        step = parse_integer(number.strip()) if equals else None
        if step is None or not 1 <= step <= steps:
            problems.append(
                t(
                    "settings.bad_step",
                    value=visible(given),
                    steps=steps,
                    ladder=", ".join(f"{i + 1} {name}" for i, name in enumerate(plan.ladder)),
                )
            )
            continue
        questions[step - 1] = question
    table["ladder_questions"] = questions


def _checked(document: dict[str, Any], problems: list[str]) -> Plan:
    """The plan the document describes, or StructureError with every problem."""
    try:
        new = parse_plan_document(document)
    except PlanFileError as error:
        problems += [_problem_line(p.path, p.message) for p in error.problems]
        new = None
    if problems or new is None:
        raise StructureError("\n".join(problems))
    return new


def _problem_line(path: str, message: str) -> str:
    # plan.coordinators[2] -> --coordinators, plan.ladder_questions[3] -> --ladder-question
    name = path.removeprefix("plan.").split("[", 1)[0]
    option = OPTIONS.get(name)
    return f"{option}: {message}" if option else message
