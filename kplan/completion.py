"""Shell completion for kplan's arguments: ids from the store, states from the domain.

Typer calls these while the user presses TAB, with the command line parsed so
far. They read the store the line names (``--db``, ``--plan``) or the default
one, never create it, and answer nothing rather than fail: a completion that
raises would print a traceback into the user's prompt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

# Typer reads the completion functions' annotations at run time, so the
# Context type must be importable here, not only for type checkers.
import typer

from kplan.domain import COVERAGE_LEVELS, FOUR_P_PARTS, FOUR_P_STATES, STATUSES
from kplan.safetext import has_hidden, visible

if TYPE_CHECKING:
    from kplan.model import Plan

Completions = list[tuple[str, str]]


# A description beside a candidate: a title is cut well before a screen's width.
HELP_LIMIT = 80


def _matching(items: Iterable[tuple[str, str]], incomplete: str) -> Completions:
    # The shell prints the descriptions in the prompt, so they are shown
    # through visible(). A value is what the shell inserts: one holding a
    # character visible() would spell out is not offered at all, since its
    # escaped form would name nothing and its raw form would reach the
    # terminal.
    folded = incomplete.casefold()
    return [
        (value, visible(help_, limit=HELP_LIMIT))
        for value, help_ in items
        if value.casefold().startswith(folded) and not has_hidden(value)
    ]


def _plan(ctx: typer.Context) -> Plan | None:

    from kplan.core.queries import load
    from kplan.store.engine import open_store, store_exists

    params = ctx.params
    location = params.get("db")
    try:
        if not store_exists(location):
            return None
        store = open_store(location, create=False)
        try:
            return load(store, params.get("plan"))
        finally:
            store.close()
    except Exception:
        # Whatever goes wrong (no store, a bad --db, a locked file), a TAB
        # press must never print a traceback into the prompt.
        return None


def _from_plan(
    pick: Callable[[Plan], Iterable[tuple[str, str]]],
) -> Callable[[Any, str], Completions]:
    def complete(ctx: typer.Context, incomplete: str) -> Completions:
        plan = _plan(ctx)
        return [] if plan is None else _matching(pick(plan), incomplete)

    return complete


measures = _from_plan(lambda plan: ((m.id, m.title) for m in plan.measures))
owners = _from_plan(lambda plan: ((o.id, o.name) for o in plan.owners))
collaborations = _from_plan(
    lambda plan: ((c.id, c.name) for m in plan.measures for c in m.collaborations)
)
indicators = _from_plan(lambda plan: ((i.id, i.name) for m in plan.measures for i in m.indicators))
perspectives = _from_plan(lambda plan: ((p, "") for p in plan.perspectives))
steps = _from_plan(
    lambda plan: [
        *((str(n), label) for n, label in enumerate(plan.ladder, 1)),
        ("up", ""),
        ("down", ""),
    ]
)


def statuses(incomplete: str) -> Completions:
    """A measure's states."""
    return _matching(((s, "") for s in STATUSES), incomplete)


def four_p_parts(incomplete: str) -> Completions:
    """The parts of Fyra P."""
    return _matching(((p, "") for p in FOUR_P_PARTS), incomplete)


def four_p_states(incomplete: str) -> Completions:
    """The states of a Fyra P part."""
    return _matching(((s, "") for s in FOUR_P_STATES), incomplete)


def levels(incomplete: str) -> Completions:
    """How far a perspective is integrated."""
    return _matching(((level, "") for level in COVERAGE_LEVELS), incomplete)


def reminder_formats(incomplete: str) -> Completions:
    """The formats of ``kplan remind``'s digests."""
    return _matching(((f, "") for f in ("text", "md", "eml")), incomplete)


def rounds(ctx: typer.Context, incomplete: str) -> Completions:
    """The plan's rounds, open or closed, with when each opened."""
    from kplan.core.rounds import listing
    from kplan.store.engine import open_store, store_exists

    params = ctx.params
    location = params.get("db")
    try:
        if not store_exists(location):
            return []
        store = open_store(location, create=False)
        try:
            found = listing(store, params.get("plan"))
        finally:
            store.close()
    except Exception:
        # As in _plan: a TAB press never prints a traceback into the prompt.
        return []
    return _matching(((r["name"], r["opened_at"][:10]) for r in found), incomplete)


def formats(incomplete: str) -> Completions:
    """The export formats."""
    return _matching(((f, "") for f in ("toml", "json", "csv", "md", "html", "xlsx")), incomplete)
