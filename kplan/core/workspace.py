"""One person's open plan: the store, the plan, who is acting, and what changed.

The TUI holds a Workspace and calls it from worker threads. It loads the plan
once, then asks cheaply whether anything changed (the newest event id) and
reads back only the measures that did. Every change goes through
``core.changes.apply_changes``, like the command line's; a round is opened,
reported in and closed through ``core.rounds``, like ``kplan round``.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kplan.core import rounds as round_cases
from kplan.core.changes import apply_changes
from kplan.core.queries import changes_since, latest_event_id, load, load_measures, log
from kplan.core.structure import edit_plan
from kplan.model import Measure, Plan
from kplan.store.engine import open_store

if TYPE_CHECKING:
    from kplan.core.changes import Change, ChangeResult
    from kplan.core.structure import Edit
    from kplan.store.engine import Store


@dataclass
class Refresh:
    """What a poll found: measures read again, or a whole new plan; whether rounds moved."""

    measures: list[Measure] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)
    plan: Plan | None = None
    rounds: bool = False

    def is_empty(self) -> bool:
        """Whether nothing changed."""
        return not self.measures and not self.removed and self.plan is None and not self.rounds


class Workspace:
    """The store and plan a person works on, safe to use from worker threads."""

    def __init__(self, location: str | None, plan: str | None, actor: str) -> None:
        self.location = location
        self.requested_plan = plan
        self.actor = actor
        self.newest_event = 0
        self.plan_id: str | None = None
        self._store: Store | None = None
        self._lock = threading.Lock()
        self._poll_lock = threading.Lock()

    @property
    def store(self) -> Store:
        """The open store (opened on first use, never created here)."""
        with self._lock:
            if self._store is None:
                self._store = open_store(self.location, create=False)
            return self._store

    def load(self) -> Plan:
        """Read the whole plan and remember where the event log stands."""

        newest = latest_event_id(self.store, self.requested_plan)
        plan = load(self.store, self.requested_plan)
        self.plan_id = plan.id
        self.newest_event = newest
        return plan

    def poll(self) -> Refresh:
        """What changed since the last load or poll, read back measure by measure."""
        assert self.plan_id is not None, "load() first"
        # A save reads its change back while the timer may be polling too;
        # one poll at a time keeps newest_event from going backwards.
        with self._poll_lock:
            return self._poll()

    def _poll(self) -> Refresh:

        assert self.plan_id is not None
        changes = changes_since(self.store, self.plan_id, self.newest_event)
        if changes.newest == self.newest_event:
            return Refresh()
        if changes.whole_plan:
            return Refresh(plan=self.load(), rounds=changes.rounds)
        measures = load_measures(self.store, self.plan_id, changes.measures)
        self.newest_event = changes.newest
        return Refresh(
            measures=measures,
            removed=changes.measures - {m.id for m in measures},
            rounds=changes.rounds,
        )

    def apply(self, changes: list[Change]) -> ChangeResult:
        """Apply changes as the workspace's actor; raises KplanError when refused."""

        return apply_changes(self.store, changes, actor=self.actor, plan=self.plan_id)

    def edit(self, edit: Edit) -> ChangeResult:
        """Make a structure change as the workspace's actor (``kplan measure edit`` and kin)."""
        return edit_plan(self.store, edit, actor=self.actor, plan=self.plan_id)

    def rounds(self) -> list[dict[str, Any]]:
        """Every round of the plan, oldest first (``kplan round list``)."""
        return round_cases.listing(self.store, self.plan_id)

    def round_detail(self, name: str) -> dict[str, Any]:
        """One round, open or closed: its reports, and who has not reported (``round show``)."""
        return round_cases.show(self.store, name, self.plan_id)

    def round_status(self) -> dict[str, Any]:
        """The open round per owner (``round status``); refuses as it does when none is open."""
        return round_cases.status(self.store, self.plan_id)

    def open_round_detail(self) -> dict[str, Any] | None:
        """The open round as ``round_detail`` gives it; None when no round is open."""
        found = next((r for r in self.rounds() if r["open"]), None)
        return None if found is None else self.round_detail(found["name"])

    def open_round(self, name: str, due: dt.date | None) -> str:
        """Open a round as the workspace's actor (``kplan round open``); returns its name."""
        return round_cases.open_round(
            self.store, name, actor=self.actor, due=due, plan=self.plan_id
        )

    def report(self, measure: str, note: str | None) -> str:
        """Report a measure in the open round (``kplan round report``); returns the round's name."""
        return round_cases.report(
            self.store, measure, actor=self.actor, note=note, plan=self.plan_id
        )

    def close_round(self, *, force: bool = False) -> str:
        """Close the open round (``kplan round close [--force]``); returns its name."""
        return round_cases.close_round(self.store, actor=self.actor, force=force, plan=self.plan_id)

    def events(self, measure: str | None = None, limit: int = 200) -> list[dict[str, object]]:
        """The plan's newest events, optionally of one measure."""

        return log(self.store, plan=self.plan_id, measure=measure, limit=limit)

    def close(self) -> None:
        """Release the store."""
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
