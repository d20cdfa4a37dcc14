"""Import conflicts: follow-up work a plan file would undo without saying so.

A plan file carries follow-up values (status, progress, steps, Fyra P,
perspective levels, indicator values) as well as the plan's structure. A
file written before the owners' latest changes would put the old values
back. So an import compares the file with the store at the file's *base*
(the moment kplan exported it, else the plan's last import) and with the
store now: a follow-up value that the store changed after the base and that
the file changes as well is a conflict. The import refuses them (exit 3),
keeps the store's values (``--keep-store``) or lets the file win
(``--force``).

What a follow-up value is comes from :mod:`kplan.address`: every kind of
field a change can set is one, so a new kind there is a new kind here. The
kind is also the name of the attribute that holds it in the plan's model
(``Measure.status``, ``Indicator.values``...).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from kplan.address import FieldAddress
from kplan.core.actor import now
from kplan.core.diff import FieldChange, as_text
from kplan.domain import as_utc
from kplan.errors import InvalidValueError, KplanError
from kplan.i18n import t
from kplan.model import Plan
from kplan.store.events import newest_per_field

if TYPE_CHECKING:
    from kplan.store.tx import Rows

# The comment line ``kplan export --format toml`` writes after ``kplan = 1``:
# the moment the file holds the plan at, which an import of it takes as its
# base. It is looked for among the lines before the file's first table.
BASE_MARK = "#:kplan-base"

# How far into a file the base is looked for: it sits before the first table.
_HEAD_CHARACTERS = 4096

# What an import does with conflicts: refuse them (exit 3), keep the
# store's values, or let the file's win.
Resolution = Literal["refuse", "keep-store", "force"]
RESOLUTIONS: tuple[Resolution, ...] = ("refuse", "keep-store", "force")


def base_comment(moment: dt.datetime) -> str:
    """The line that records ``moment`` as the base of an exported plan file."""
    stamp = as_utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z")
    return f"{BASE_MARK} {stamp}"


def read_base(text: str) -> dt.datetime | None:
    """The base recorded in a plan file's text (its ``#:kplan-base`` line), or None.

    Only the lines before the file's first table are read. A base line
    that names no moment, or one later than now, is an error (exit 1): it
    would let the file undo changes made after the file was written.
    """
    for raw in text[:_HEAD_CHARACTERS].splitlines():
        line = raw.strip()
        if line.startswith("["):
            # The first table: the base line comes before it.
            return None
        if not line.startswith(BASE_MARK):
            continue
        value = line.removeprefix(BASE_MARK).strip()
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidValueError(
                t("importconflict.bad_base", mark=BASE_MARK, value=value[:40])
            ) from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        if moment > now() + dt.timedelta(minutes=5):
            raise InvalidValueError(
                t("importconflict.future_base", mark=BASE_MARK, value=value[:40])
            )
        return moment
    return None


@dataclass(frozen=True)
class Base:
    """The point the file is compared from: after an event id, or from a moment.

    ``exported`` tells which: the file's own moment (True) or the plan's
    last import (False).
    """

    at: dt.datetime
    exported: bool
    after_id: int | None = None


@dataclass(frozen=True)
class Conflict:
    """A follow-up value the store changed after the base and the file changes too."""

    change: FieldChange
    actor: str
    at: dt.datetime

    @property
    def target(self) -> str:
        """What the value belongs to: measure, collaboration or indicator."""
        return FieldAddress.parse(self.change.field).target

    @property
    def key(self) -> str:
        """The id of the measure, collaboration or indicator."""
        return str(getattr(self.change, self.target))

    @property
    def file_value(self) -> str | None:
        """The file's value, as the event log writes it."""
        return as_text(self.change.new)

    @property
    def store_value(self) -> str | None:
        """The store's value, as the event log writes it."""
        return as_text(self.change.old)


class ImportConflictError(KplanError):
    """An import would undo follow-up work made after the file's base (exit 3)."""

    exit_code = 3

    def __init__(self, plan: str, base: Base, conflicts: list[Conflict]) -> None:
        self.plan = plan
        self.base = base
        self.conflicts = conflicts
        super().__init__(
            t(
                "importconflict.refused_one" if len(conflicts) == 1 else "importconflict.refused",
                plan=plan,
                count=len(conflicts),
            ),
            cli_hint=t("importconflict.hint"),
        )


def find_base(exported: dt.datetime | None, last_import: tuple[int, Any] | None) -> Base | None:
    """The base of a file: its own moment, else the plan's last import, else None."""
    if exported is not None:
        return Base(at=exported, exported=True)
    if last_import is None:
        return None
    return Base(at=as_utc(last_import[1]), exported=False, after_id=last_import[0])


def find_conflicts(
    rows: Rows, plan_id: int, changes: list[FieldChange], base: Base, *, skip_batches: str
) -> list[Conflict]:
    """The changes of an import that would undo a store change made after ``base``.

    A store change is an event after the base that no import wrote; a
    file's moment is to the second, as the log's, so an event in the same
    second counts as after it.
    """
    wanted: dict[tuple[str, str, str], FieldChange] = {}
    for change in changes:
        address = FieldAddress.find(change.field)
        if address is None:
            continue
        key = getattr(change, address.target)
        if key is not None:
            wanted[(address.target, key, str(address))] = change
    if not wanted:
        return []
    latest: dict[tuple[str, str, str], Any] = {}
    for event in newest_per_field(
        rows,
        plan_id,
        after_id=base.after_id,
        since=None if base.after_id is not None else base.at,
        skip_batches=skip_batches,
    ):
        address = FieldAddress.find(event.field)
        if address is None:
            continue
        key = getattr(event, address.target)
        if key is not None:
            # Oldest first: a later event of the same field replaces it.
            latest[(address.target, key, str(address))] = event
    return [
        Conflict(change, latest[where].actor, as_utc(latest[where].at))
        for where, change in wanted.items()
        if where in latest
    ]


def keep_store_values(plan: Plan, conflicts: list[Conflict]) -> Plan:
    """A copy of ``plan`` with the store's values of ``conflicts`` in place of the file's."""
    if not conflicts:
        return plan
    kept = copy.deepcopy(plan)
    things: dict[str, dict[str, Any]] = {
        "measure": {m.id: m for m in kept.measures},
        "collaboration": {c.id: c for m in kept.measures for c in m.collaborations},
        "indicator": {i.id: i for m in kept.measures for i in m.indicators},
    }
    for conflict in conflicts:
        address = FieldAddress.parse(conflict.change.field)
        thing = things[address.target][conflict.key]
        value = conflict.change.old
        if not address.parted:
            setattr(thing, address.kind, value)
        elif value is None:
            getattr(thing, address.kind).pop(address.part, None)
        else:
            getattr(thing, address.kind)[address.part] = value
    return kept
