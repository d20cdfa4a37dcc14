"""The store's tables, as SQLModel models.

Rows refer to each other by integer keys; the ids people type (measure "7",
owner "lead1") are ``key`` columns, unique within their plan. The event log
keeps keys as text so it still reads correctly after a measure is removed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, UniqueConstraint, false
from sqlmodel import Field, SQLModel

# 1: plans, measures and the event log; 2: follow-up rounds and snapshots;
# 3: the plan's edit policy; 4: the database role that wrote each event (and,
# on PostgreSQL, the server's rules: kplan/store/postgres_rules.py); 5: a
# measure's situation; 6: snapshot states; 7: indicator sources and values split by group;
# 8: a plan's language, time zone and public exports, and whether a measure's läget is public.
SCHEMA_VERSION = 9


class StoreInfo(SQLModel, table=True):
    """Facts about the store itself, such as its schema version."""

    __tablename__ = "store_info"

    name: str = Field(primary_key=True)
    value: str


class PlanRow(SQLModel, table=True):
    """A plan and its settings (perspectives, ladder labels, coordinators)."""

    __tablename__ = "plan"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    title: str
    organisation: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    description: str | None = None
    perspectives: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    ladder: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    ladder_questions: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    coordinators: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    edit: str = Field(default="open", sa_column_kwargs={"server_default": "open"})
    language: str | None = None
    timezone: str | None = None
    public: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class OrganisationRow(SQLModel, table=True):
    """An organisation of a plan."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    key: str
    name: str
    kind: str = "other"
    position: int = 0


class OwnerRow(SQLModel, table=True):
    """A process owner or coordinator of a plan."""

    __tablename__ = "owner"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    key: str
    name: str
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    email: str | None = None
    position: int = 0


class MeasureRow(SQLModel, table=True):
    """A measure of a plan."""

    __tablename__ = "measure"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    key: str
    title: str
    goal: str = ""
    area: str | None = None
    owner_id: int = Field(foreign_key="owner.id", index=True)
    status: str = "not-started"
    progress: int = 0
    start: dt.date | None = None
    due: dt.date | None = None
    description: str | None = None
    situation: str | None = None
    situation_public: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    position: int = 0
    version: int = 1


class FourPRow(SQLModel, table=True):
    """The state of one Fyra P part of one measure."""

    __tablename__ = "four_p"
    # Kept in the order of its key on SQLite (schema 9): a list reads the
    # four parts of every measure by key, and a table without row ids is one
    # look-up each instead of two.
    __table_args__ = {"sqlite_with_rowid": False}

    measure_id: int = Field(foreign_key="measure.id", primary_key=True)
    part: str = Field(primary_key=True)
    state: str = "not-started"


class CoverageRow(SQLModel, table=True):
    """How far one cross-cutting perspective is integrated in one measure."""

    __tablename__ = "perspective_coverage"
    # As four_p: read by its key, measure and perspective.
    __table_args__ = {"sqlite_with_rowid": False}

    measure_id: int = Field(foreign_key="measure.id", primary_key=True)
    perspective: str = Field(primary_key=True)
    level: str = "no"


class CollaborationRow(SQLModel, table=True):
    """A collaboration of a measure and its step on the ladder."""

    __tablename__ = "collaboration"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    key: str
    name: str
    step: int = 1
    note: str | None = None
    position: int = 0
    version: int = 1


class CollaborationActorRow(SQLModel, table=True):
    """An organisation taking part in a collaboration."""

    __tablename__ = "collaboration_actor"

    collaboration_id: int = Field(foreign_key="collaboration.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    position: int = 0


class IndicatorRow(SQLModel, table=True):
    """An indicator of a measure."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    key: str
    name: str
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    direction: str = "increase"
    position: int = 0
    version: int = 1
    # The plan file's source table (PxWeb, Kolada) as JSON text; None: values typed by hand.
    source: str | None = None


class IndicatorValueRow(SQLModel, table=True):
    """An indicator's value for one period."""

    __tablename__ = "indicator_value"

    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True)
    period: str = Field(primary_key=True)
    value: float


class IndicatorGroupValueRow(SQLModel, table=True):
    """An indicator's value for one period and one group of a perspective (schema 7).

    ``part`` is ``PERIOD.PERSPECTIVE=GROUP`` (kplan.domain.group_part), the
    same text the event log names the field by.
    """

    __tablename__ = "indicator_group_value"

    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True)
    part: str = Field(primary_key=True)
    value: float


class EventRow(SQLModel, table=True):
    """One entry of the append-only event log: who changed what, when and why."""

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    actor: str
    plan_id: int = Field(foreign_key="plan.id", index=True)
    batch: str = Field(index=True)
    measure: str | None = Field(default=None, index=True)
    collaboration: str | None = None
    indicator: str | None = None
    field: str
    old: str | None = None
    new: str | None = None
    note: str | None = None
    # On PostgreSQL, the role that wrote the event (set by the server, which
    # may differ from the actor: a script acting for someone); None on SQLite.
    db_role: str | None = None
    # Where a fetched value came from (kplan indicator fetch), as JSON text:
    # the source, its table or key figure, the response's updated date and
    # the sha256 of the response; None for every other change.
    source: str | None = None


class RoundRow(SQLModel, table=True):
    """A follow-up round of a plan: opened, reported on by owners, closed."""

    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("plan_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    name: str
    due: dt.date | None = None
    opened_at: dt.datetime
    opened_by: str
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    # The snapshot the round was compared with when it opened: the previous
    # round's, so "changed since the previous round" has a fixed meaning.
    previous_snapshot: str | None = None


class RoundReportRow(SQLModel, table=True):
    """One measure reported on in a round."""

    __tablename__ = "round_report"

    round_id: int = Field(foreign_key="round.id", primary_key=True)
    measure: str = Field(primary_key=True)
    at: dt.datetime
    actor: str
    note: str | None = None


class SnapshotRow(SQLModel, table=True):
    """A frozen copy of a plan's whole state, as JSON text of its plan file."""

    __tablename__ = "snapshot"
    __table_args__ = (UniqueConstraint("plan_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    name: str
    taken_at: dt.datetime
    taken_by: str
    content: str
    # The measures' states alone (id, title, owner, status, progress, Fyra P),
    # in the shape of ``content``: pages that draw how the plan moved read
    # these few kilobytes instead of the whole plan. NULL when a snapshot
    # taken before schema 6 could not be read for them; ``content`` serves.
    states: str | None = None
