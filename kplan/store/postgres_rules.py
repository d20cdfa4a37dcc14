"""A shared store's rules on PostgreSQL, enforced by the server itself.

On an SQLite file kplan's own checks are all there is: whoever can write
the file can write anything. On PostgreSQL every person connects with a
role of their own, so the server can hold the rules against anyone who
connects with psql as well as through kplan:

- identity: a role acts as its person, the role's name unless
  ``person_role`` maps it to another person id. Only the store's owner (the
  role that owns the tables) and members of the store's delegation role
  (``DATABASE_delegate``, for scripts) may write in someone else's name;
  every event records the role that wrote it (``event.db_role``);
- the event log is append-only for everyone, the owner included: no
  UPDATE, DELETE or TRUNCATE;
- under a plan's ``edit = "owners"``, a measure's rows (the measure, its
  Fyra P and perspective rows, its collaborations' steps, its indicators'
  values) may be changed by the measure's owner or a coordinator, the
  owner only in the columns kplan lets her change (a measure's texts,
  status and progress, a collaboration's step: ``kplan_changed_columns``
  compares OLD and NEW); the
  plan's own rows and its structure (adding or removing measures,
  organisations, owners...), rounds and snapshots by a coordinator only;
  round reports, wherever the plan names coordinators, by the measure's
  owner or a coordinator. The owner and delegates may do everything: a
  delegate may act for a coordinator, so it has a coordinator's reach.

The rules are row triggers rather than row-level security: a policy that
refuses an UPDATE or DELETE hides the row (``UPDATE 0``, no error), while a
trigger refuses with an error (SQLSTATE 42501, insufficient_privilege) that
says which rule, and holds for the tables' owner too (who could drop it, as
an owner can always switch row-level security off). Triggers also keep
holding when roles were given broader GRANTs by an older setup.

The functions run as the tables' owner (SECURITY DEFINER) with a fixed
search path and schema-qualified names, so nothing a person creates can
stand in for kplan's tables. ``install`` creates or repairs all of it and is
run when kplan creates a store on PostgreSQL, by the migration to schema
version 4, and by ``kplan init`` as the owner. The SQL holds no ``%``: the
driver would read it as a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.errors import InvalidValueError, NotFoundError, PermissionRefused, UsageError
from kplan.i18n import t
from kplan.store.engine import first_line, server_connection

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kplan.store.engine import Store

# The tables a plan's content lives in; persons may write them as the rules allow.
CONTENT_TABLES = (
    "plan",
    "organisation",
    "owner",
    "measure",
    "four_p",
    "perspective_coverage",
    "collaboration",
    "collaboration_actor",
    "indicator",
    "indicator_value",
    "indicator_group_value",
    "round",
    "round_report",
    "snapshot",
)
LOG_TABLE = "event"
# Read by everyone, written by the owner only.
INFO_TABLES = ("store_info", "alembic_version", "person_role")
# The owner's own bookkeeping, not even readable by persons.
PRIVATE_TABLES = ("kplan_plan_writer",)
# The tables the rules make themselves (not models).
RULES_TABLES = ("person_role", *PRIVATE_TABLES)
DELEGATE_SUFFIX = "_delegate"
MAX_NAME_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1
MAX_PERSON_LENGTH = 200

# Which guard each content table gets, and on which statements.
_GUARDS = {
    "plan": "kplan_guard_plan",
    "organisation": "kplan_guard_plan_rows",
    "owner": "kplan_guard_plan_rows",
    "measure": "kplan_guard_measure",
    "four_p": "kplan_guard_measure_rows",
    "perspective_coverage": "kplan_guard_measure_rows",
    "collaboration": "kplan_guard_measure_parts",
    "collaboration_actor": "kplan_guard_collaboration_actor",
    "indicator": "kplan_guard_measure_parts",
    "indicator_value": "kplan_guard_indicator_value",
    "indicator_group_value": "kplan_guard_indicator_value",
    "round": "kplan_guard_round",
    "round_report": "kplan_guard_round_report",
    "snapshot": "kplan_guard_snapshot",
}


@dataclass(frozen=True)
class Identity:
    """Who is connected to a server store, as the server's rules see it."""

    role: str
    person: str
    may_delegate: bool
    delegate_role: str | None
    owner: str | None
    is_owner: bool


def delegate_role_name(database: str) -> str:
    """The delegation role of a database: ``DATABASE_delegate``, cut to PostgreSQL's 63 bytes."""
    room = MAX_NAME_BYTES - len(DELEGATE_SUFFIX.encode())
    base = database.encode("utf-8")[:room].decode("utf-8", "ignore")
    return base + DELEGATE_SUFFIX


def _quote(connection: Connection, name: str) -> str:
    return str(connection.dialect.identifier_preparer.quote_identifier(name))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _run(connection: Connection, sql: str) -> None:
    # One statement of DDL; see the module's note on '%'.
    assert "%" not in sql
    connection.exec_driver_sql(sql)


def _run_script(connection: Connection, sql: str) -> None:
    # Several statements at once go through the driver's own cursor without
    # parameters (the simple query protocol), in the same transaction.
    assert "%" not in sql
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def _scalar(connection: Connection, sql: str, **params: Any) -> Any:
    from sqlalchemy import text

    return connection.execute(text(sql), params).scalar()


def _has_function(connection: Connection, signature: str) -> bool:
    return bool(_scalar(connection, "SELECT to_regprocedure(:f) IS NOT NULL", f=signature))


def _schema(connection: Connection) -> str:
    return str(_scalar(connection, "SELECT current_schema()"))


# The helper functions. {s} is the quoted schema, {delegate} the delegation
# role's name as a literal, {event_seq} the event id sequence as a literal.
_FUNCTIONS = """
CREATE TABLE IF NOT EXISTS {s}.person_role (
    role VARCHAR NOT NULL PRIMARY KEY,
    person VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS {s}.kplan_plan_writer (
    plan_id INTEGER NOT NULL,
    xact xid8 NOT NULL,
    PRIMARY KEY (plan_id, xact)
);

CREATE OR REPLACE FUNCTION {s}.kplan_person() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT coalesce(
        (SELECT r.person::text FROM {s}.person_role r WHERE r.role = session_user::text),
        session_user::text)
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_delegate_role() RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $f$
    SELECT {delegate}::text
$f$;

-- The tables' owner and the members of the delegation role (superusers are
-- members of every role) may write in another person's name.
CREATE OR REPLACE FUNCTION {s}.kplan_may_delegate() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT pg_has_role(session_user, c.relowner, 'MEMBER')
        OR EXISTS (
            SELECT 1 FROM pg_roles r
            WHERE r.rolname = {s}.kplan_delegate_role()
              AND pg_has_role(session_user, r.oid, 'MEMBER'))
    FROM pg_class c WHERE c.oid = to_regclass({schema_literal} || '.event')
$f$;

-- The acting person as a message names them: "mholm", or "ehedlund (role coord)".
CREATE OR REPLACE FUNCTION {s}.kplan_who() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT CASE WHEN {s}.kplan_person() = session_user::text THEN session_user::text
           ELSE {s}.kplan_person() || ' (role ' || session_user::text || ')' END
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_coordinators(plan integer) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT coalesce(string_agg(c.person, ', '), '-')
    FROM {s}.plan p, json_array_elements_text(p.coordinators::json) AS c(person)
    WHERE p.id = plan
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_is_coordinator(plan integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT EXISTS (
        SELECT 1 FROM {s}.plan p, json_array_elements_text(p.coordinators::json) AS c(person)
        WHERE p.id = plan AND c.person = {s}.kplan_person())
$f$;

-- Whoever may write the plan's own row may write all of it: under "open"
-- anyone, under "owners" a coordinator. A transaction that has already been
-- allowed to write the plan's row (an import, which writes it first) keeps
-- that right to the end, so an import that switches the policy or the
-- coordinators is judged by the plan as it was, as kplan judges it.
CREATE OR REPLACE FUNCTION {s}.kplan_may_edit_plan(plan integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT {s}.kplan_may_delegate()
        OR coalesce((SELECT p.edit = 'open' FROM {s}.plan p WHERE p.id = plan), false)
        OR {s}.kplan_is_coordinator(plan)
        OR EXISTS (
            SELECT 1 FROM {s}.kplan_plan_writer w
            WHERE w.plan_id = plan AND w.xact = pg_current_xact_id())
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_may_edit_measure(plan integer, owner_row integer)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT {s}.kplan_may_edit_plan(plan)
        OR EXISTS (
            SELECT 1 FROM {s}.owner o
            WHERE o.id = owner_row AND o.plan_id = plan AND o.key = {s}.kplan_person())
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_owns_measure(measure_row integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT coalesce(
        (SELECT {s}.kplan_may_edit_measure(m.plan_id, m.owner_id)
         FROM {s}.measure m WHERE m.id = measure_row),
        false)
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_refuse(message text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    RAISE EXCEPTION USING MESSAGE = message, ERRCODE = 'insufficient_privilege';
END
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_refuse_plan(plan integer, what text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    PERFORM {s}.kplan_refuse({s}.kplan_who() || ' may not ' || what || ' of plan '
        || coalesce((SELECT p.key FROM {s}.plan p WHERE p.id = plan), plan::text)
        || ': its edit policy is "owners", so only a coordinator ('
        || {s}.kplan_coordinators(plan) || ') may');
END
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_refuse_measure(measure_row integer, what text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    found record;
BEGIN
    SELECT m.key AS measure, p.key AS plan, p.id AS plan_id, o.key AS owner INTO found
    FROM {s}.measure m JOIN {s}.plan p ON p.id = m.plan_id JOIN {s}.owner o ON o.id = m.owner_id
    WHERE m.id = measure_row;
    PERFORM {s}.kplan_refuse({s}.kplan_who() || ' may not change ' || what || 'measure '
        || coalesce(found.measure, '?') || ' in plan ' || coalesce(found.plan, '?')
        || ': its edit policy is "owners", so only the measure''s owner ('
        || coalesce(found.owner, '?') || ') or a coordinator ('
        || {s}.kplan_coordinators(found.plan_id) || ') may');
END
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_check_actor(actor text, what text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    IF actor IS DISTINCT FROM {s}.kplan_person() AND NOT {s}.kplan_may_delegate() THEN
        PERFORM {s}.kplan_refuse({s}.kplan_who() || ' may not write ' || what || ' as '
            || coalesce(actor, 'nobody') || ': a role acts as its own person; only the'
            || ' store''s owner and members of ' || {s}.kplan_delegate_role()
            || ' may act for someone else');
    END IF;
END
$f$;

-- The event log: appended to as oneself, never changed.
CREATE OR REPLACE FUNCTION {s}.kplan_event_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    -- Ids come from the sequence only: an id chosen by hand would make a
    -- later event collide with it.
    NEW.id := nextval({event_seq}::regclass);
    NEW.db_role := session_user::text;
    PERFORM {s}.kplan_check_actor(NEW.actor, 'an event');
    RETURN NEW;
END
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_event_append_only() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    PERFORM {s}.kplan_refuse('the event log is append-only: ' || TG_OP
        || ' of events is refused for every role, ' || session_user::text || ' too');
    RETURN NULL;
END
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_guard_plan() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    IF {s}.kplan_may_delegate() THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT {s}.kplan_may_edit_plan(OLD.id) THEN
        PERFORM {s}.kplan_refuse_plan(OLD.id, CASE TG_OP WHEN 'UPDATE' THEN 'change the settings'
            ELSE 'delete the row' END);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        -- A new plan is anyone's to create; its id comes from the sequence.
        NEW.id := nextval(pg_get_serial_sequence({plan_table}, 'id')::regclass);
    END IF;
    DELETE FROM {s}.kplan_plan_writer WHERE xact <> pg_current_xact_id();
    INSERT INTO {s}.kplan_plan_writer (plan_id, xact) VALUES (NEW.id, pg_current_xact_id())
        ON CONFLICT DO NOTHING;
    RETURN NEW;
END
$f$;

-- Rows that belong to the plan as a whole: organisations, owners.
CREATE OR REPLACE FUNCTION {s}.kplan_guard_plan_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    IF {s}.kplan_may_delegate() THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT {s}.kplan_may_edit_plan(OLD.plan_id) THEN
        PERFORM {s}.kplan_refuse_plan(OLD.plan_id, 'change the ' || TG_TABLE_NAME || ' '
            || OLD.key);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NOT {s}.kplan_may_edit_plan(NEW.plan_id) THEN
        PERFORM {s}.kplan_refuse_plan(NEW.plan_id, 'change the ' || TG_TABLE_NAME || ' '
            || NEW.key);
    END IF;
    RETURN coalesce(NEW, OLD);
END
$f$;

-- The columns of a row that differ from OLD to NEW other than ``allowed``,
-- by name ("area, due"), or NULL when there are none. Every column counts,
-- so a column added later is a coordinator's until it is allowed here.
CREATE OR REPLACE FUNCTION {s}.kplan_changed_columns(old_row jsonb, new_row jsonb,
    allowed text[]) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $f$
    SELECT string_agg(n.key, ', ' ORDER BY n.key)
    FROM jsonb_each(new_row) AS n(key, value)
    WHERE NOT n.key = ANY (allowed) AND n.value IS DISTINCT FROM old_row -> n.key
$f$;

-- An owner who is not a coordinator changing what only a coordinator may.
CREATE OR REPLACE FUNCTION {s}.kplan_refuse_columns(plan integer, what text, changed text,
    allowed text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    PERFORM {s}.kplan_refuse({s}.kplan_who() || ' may not change ' || changed || ' of '
        || what || ' in plan '
        || coalesce((SELECT p.key FROM {s}.plan p WHERE p.id = plan), plan::text)
        || ': its edit policy is "owners", so a measure''s owner may change only ' || allowed
        || ' of her own measure; the rest only a coordinator ('
        || {s}.kplan_coordinators(plan) || ') may');
END
$f$;

-- A measure: its owner may change its texts (title, goal, description,
-- situation, and whether the situation may be published) and follow it up
-- (status, progress); its owner, area, dates and place in the plan are a
-- coordinator's, as kplan's own rule has it;
-- adding or removing one is the plan's.
CREATE OR REPLACE FUNCTION {s}.kplan_guard_measure() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    changed text;
BEGIN
    IF {s}.kplan_may_delegate() THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NOT {s}.kplan_may_edit_measure(OLD.plan_id, OLD.owner_id) THEN
            PERFORM {s}.kplan_refuse_measure(OLD.id, '');
        END IF;
        IF NOT {s}.kplan_may_edit_measure(NEW.plan_id, NEW.owner_id) THEN
            PERFORM {s}.kplan_refuse_plan(NEW.plan_id, 'give measure ' || OLD.key
                || ' to another owner');
        END IF;
        IF NOT {s}.kplan_may_edit_plan(OLD.plan_id) THEN
            changed := {s}.kplan_changed_columns(to_jsonb(OLD), to_jsonb(NEW),
                ARRAY['title', 'goal', 'description', 'situation', 'situation_public',
                      'status', 'progress', 'version']);
            IF changed IS NOT NULL THEN
                PERFORM {s}.kplan_refuse_columns(OLD.plan_id, 'measure ' || OLD.key, changed,
                    'the title, goal, description, situation (and whether it is public),'
                    || ' status and progress');
            END IF;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND NOT {s}.kplan_may_edit_plan(OLD.plan_id) THEN
        PERFORM {s}.kplan_refuse_plan(OLD.plan_id, 'remove measure ' || OLD.key);
    END IF;
    IF TG_OP = 'INSERT' AND NOT {s}.kplan_may_edit_plan(NEW.plan_id) THEN
        PERFORM {s}.kplan_refuse_plan(NEW.plan_id, 'add measure ' || NEW.key);
    END IF;
    RETURN coalesce(NEW, OLD);
END
$f$;

-- A measure's Fyra P and perspective rows: the measure's owner may add,
-- change and remove them.
CREATE OR REPLACE FUNCTION {s}.kplan_guard_measure_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    IF {s}.kplan_may_delegate() THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT {s}.kplan_owns_measure(OLD.measure_id) THEN
        PERFORM {s}.kplan_refuse_measure(OLD.measure_id, 'the ' || TG_TABLE_NAME || ' rows of ');
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NOT {s}.kplan_owns_measure(NEW.measure_id) THEN
        PERFORM {s}.kplan_refuse_measure(NEW.measure_id, 'the ' || TG_TABLE_NAME || ' rows of ');
    END IF;
    RETURN coalesce(NEW, OLD);
END
$f$;

-- Collaborations and indicators: the measure's owner may follow them up (a
-- collaboration's step; an indicator's values live in indicator_value) and
-- their version goes up with that; the rest of them, and adding or removing
-- one, is the plan's.
CREATE OR REPLACE FUNCTION {s}.kplan_guard_measure_parts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    changed text;
BEGIN
    IF {s}.kplan_may_delegate() THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NOT {s}.kplan_owns_measure(OLD.measure_id) THEN
            PERFORM {s}.kplan_refuse_measure(OLD.measure_id,
                TG_TABLE_NAME || ' ' || OLD.key || ' of ');
        END IF;
        IF NOT {s}.kplan_owns_measure(NEW.measure_id)
           OR (NEW.plan_id <> OLD.plan_id AND NOT {s}.kplan_may_edit_plan(NEW.plan_id)) THEN
            PERFORM {s}.kplan_refuse_measure(NEW.measure_id,
                TG_TABLE_NAME || ' ' || NEW.key || ' of ');
        END IF;
        IF NOT {s}.kplan_may_edit_plan(OLD.plan_id) THEN
            changed := {s}.kplan_changed_columns(to_jsonb(OLD), to_jsonb(NEW),
                CASE TG_TABLE_NAME WHEN 'collaboration' THEN ARRAY['step', 'version']
                ELSE ARRAY['version'] END);
            IF changed IS NOT NULL THEN
                PERFORM {s}.kplan_refuse_columns(OLD.plan_id, TG_TABLE_NAME || ' ' || OLD.key,
                    changed, CASE TG_TABLE_NAME WHEN 'collaboration'
                    THEN 'the step of a collaboration' ELSE 'the values of an indicator' END);
            END IF;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND NOT {s}.kplan_may_edit_plan(OLD.plan_id) THEN
        PERFORM {s}.kplan_refuse_plan(OLD.plan_id, 'remove ' || TG_TABLE_NAME || ' ' || OLD.key);
    END IF;
    IF TG_OP = 'INSERT' AND NOT {s}.kplan_may_edit_plan(NEW.plan_id) THEN
        PERFORM {s}.kplan_refuse_plan(NEW.plan_id, 'add ' || TG_TABLE_NAME || ' ' || NEW.key);
    END IF;
    RETURN coalesce(NEW, OLD);
END
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_guard_collaboration_actor() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    plan integer;
BEGIN
    IF {s}.kplan_may_delegate() THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT c.plan_id INTO plan FROM {s}.collaboration c WHERE c.id = OLD.collaboration_id;
        IF NOT {s}.kplan_may_edit_plan(plan) THEN
            PERFORM {s}.kplan_refuse_plan(plan, 'change the organisations of a collaboration');
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        SELECT c.plan_id INTO plan FROM {s}.collaboration c WHERE c.id = NEW.collaboration_id;
        IF NOT {s}.kplan_may_edit_plan(plan) THEN
            PERFORM {s}.kplan_refuse_plan(plan, 'change the organisations of a collaboration');
        END IF;
    END IF;
    RETURN coalesce(NEW, OLD);
END
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_guard_indicator_value() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    measure_row integer;
BEGIN
    IF {s}.kplan_may_delegate() THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT i.measure_id INTO measure_row FROM {s}.indicator i WHERE i.id = OLD.indicator_id;
        IF NOT {s}.kplan_owns_measure(measure_row) THEN
            PERFORM {s}.kplan_refuse_measure(measure_row, 'the values of an indicator of ');
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        SELECT i.measure_id INTO measure_row FROM {s}.indicator i WHERE i.id = NEW.indicator_id;
        IF NOT {s}.kplan_owns_measure(measure_row) THEN
            PERFORM {s}.kplan_refuse_measure(measure_row, 'the values of an indicator of ');
        END IF;
    END IF;
    RETURN coalesce(NEW, OLD);
END
$f$;

-- Rounds: opening, closing (forced or not) and removing are a coordinator's,
-- under the person's own name.
CREATE OR REPLACE FUNCTION {s}.kplan_guard_round() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    IF {s}.kplan_may_delegate() THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT {s}.kplan_may_edit_plan(OLD.plan_id) THEN
        PERFORM {s}.kplan_refuse_plan(OLD.plan_id, CASE TG_OP WHEN 'UPDATE'
            THEN 'close or change the round ' ELSE 'delete the round ' END || OLD.name);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NOT {s}.kplan_may_edit_plan(NEW.plan_id) THEN
        PERFORM {s}.kplan_refuse_plan(NEW.plan_id, 'open the round ' || NEW.name);
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM {s}.kplan_check_actor(NEW.opened_by, 'a round');
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.opened_by IS DISTINCT FROM OLD.opened_by THEN
            PERFORM {s}.kplan_check_actor(NEW.opened_by, 'a round');
        END IF;
        IF NEW.closed_by IS DISTINCT FROM OLD.closed_by AND NEW.closed_by IS NOT NULL THEN
            PERFORM {s}.kplan_check_actor(NEW.closed_by, 'a round');
        END IF;
    END IF;
    RETURN coalesce(NEW, OLD);
END
$f$;

-- Snapshots: taking and deleting are a coordinator's.
CREATE OR REPLACE FUNCTION {s}.kplan_guard_snapshot() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    IF {s}.kplan_may_delegate() THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT {s}.kplan_may_edit_plan(OLD.plan_id) THEN
        PERFORM {s}.kplan_refuse_plan(OLD.plan_id, CASE TG_OP WHEN 'UPDATE'
            THEN 'change the snapshot ' ELSE 'delete the snapshot ' END || OLD.name);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NOT {s}.kplan_may_edit_plan(NEW.plan_id) THEN
        PERFORM {s}.kplan_refuse_plan(NEW.plan_id, 'take the snapshot ' || NEW.name);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.taken_by IS DISTINCT FROM
        (CASE WHEN TG_OP = 'UPDATE' THEN OLD.taken_by END) THEN
        PERFORM {s}.kplan_check_actor(NEW.taken_by, 'a snapshot');
    END IF;
    RETURN coalesce(NEW, OLD);
END
$f$;

-- Round reports: wherever the plan names coordinators, the measure's owner
-- or a coordinator; elsewhere anyone. Always under one's own name.
CREATE OR REPLACE FUNCTION {s}.kplan_may_report(round_row integer, measure_key text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT coalesce((
        SELECT json_array_length(p.coordinators::json) = 0
            OR {s}.kplan_is_coordinator(p.id)
            OR EXISTS (
                SELECT 1 FROM {s}.measure m JOIN {s}.owner o ON o.id = m.owner_id
                WHERE m.plan_id = p.id AND m.key = measure_key AND o.key = {s}.kplan_person())
        FROM {s}.round r JOIN {s}.plan p ON p.id = r.plan_id
        WHERE r.id = round_row), false)
$f$;

CREATE OR REPLACE FUNCTION {s}.kplan_guard_round_report() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    row_ record;
BEGIN
    IF {s}.kplan_may_delegate() THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    FOR row_ IN SELECT * FROM (VALUES (OLD.round_id, OLD.measure), (NEW.round_id, NEW.measure))
        AS v(round_id, measure) WHERE v.round_id IS NOT NULL LOOP
        IF NOT {s}.kplan_may_report(row_.round_id, row_.measure) THEN
            PERFORM {s}.kplan_refuse({s}.kplan_who() || ' may not report measure '
                || row_.measure || ': only its owner or a coordinator ('
                || {s}.kplan_coordinators(
                    (SELECT r.plan_id FROM {s}.round r WHERE r.id = row_.round_id))
                || ') may');
        END IF;
    END LOOP;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM {s}.kplan_check_actor(NEW.actor, 'a round report');
    END IF;
    RETURN coalesce(NEW, OLD);
END
$f$;
"""


def _has_trigger(connection: Connection, schema: str, table: str, name: str) -> str | None:
    """The trigger's enabled state ('O', 'D', ...) or None when it is missing."""
    found = _scalar(
        connection,
        "SELECT t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = :schema AND c.relname = :table AND t.tgname = :name",
        schema=schema,
        table=table,
        name=name,
    )
    return None if found is None else str(found)


def _trigger(connection: Connection, schema: str, table: str, name: str, definition: str) -> None:
    # Create a missing trigger, switch a disabled one back on; one that is
    # there is left alone, so repairing takes no lock on a busy table.
    state = _has_trigger(connection, schema, table, name)
    s, q_table, q_name = _quote(connection, schema), _quote(connection, table), name
    if state is None:
        _run(connection, f"CREATE TRIGGER {q_name} {definition.format(s=s, table=q_table)}")
    elif state == "D":
        _run(connection, f"ALTER TABLE {s}.{q_table} ENABLE TRIGGER {q_name}")


def install(connection: Connection) -> None:
    """Create or repair the store's rules; run as the tables' owner, inside a transaction."""
    schema = _schema(connection)
    s = _quote(connection, schema)
    existing = None
    if _has_function(connection, f"{s}.kplan_delegate_role()"):
        # Keep the name the store was set up with, should the database be renamed.
        existing = _scalar(connection, f"SELECT {s}.kplan_delegate_role()")
    database = str(_scalar(connection, "SELECT current_database()"))
    delegate = existing or delegate_role_name(database)
    event_seq = _scalar(connection, "SELECT pg_get_serial_sequence(:t, 'id')", t=f"{s}.event")
    _run_script(
        connection,
        _FUNCTIONS.replace("{s}", s)
        .replace("{delegate}", _literal(delegate))
        .replace("{schema_literal}", _literal(s))
        .replace("{event_seq}", _literal(str(event_seq)))
        .replace("{plan_table}", _literal(f"{s}.plan")),
    )
    _trigger(
        connection,
        schema,
        "event",
        "kplan_event_insert",
        "BEFORE INSERT ON {s}.{table} FOR EACH ROW EXECUTE FUNCTION {s}.kplan_event_insert()",
    )
    _trigger(
        connection,
        schema,
        "event",
        "kplan_event_append_only",
        "BEFORE UPDATE OR DELETE ON {s}.{table} FOR EACH ROW"
        " EXECUTE FUNCTION {s}.kplan_event_append_only()",
    )
    _trigger(
        connection,
        schema,
        "event",
        "kplan_event_no_truncate",
        "BEFORE TRUNCATE ON {s}.{table} FOR EACH STATEMENT"
        " EXECUTE FUNCTION {s}.kplan_event_append_only()",
    )
    present = _present_tables(connection, schema)
    for table, function in _GUARDS.items():
        if table not in present:
            # An upgrade installs the rules at an older schema version (4) on
            # its way up; the revision that adds a table installs them again.
            continue
        _trigger(
            connection,
            schema,
            table,
            "kplan_guard",
            "BEFORE INSERT OR UPDATE OR DELETE ON {s}.{table} FOR EACH ROW"
            f" EXECUTE FUNCTION {{s}}.{function}()",
        )
    # Older setups granted every right on every table to everyone's group:
    # nobody but the owner keeps a right to change or empty the log.
    for grantee in connection.exec_driver_sql(
        "SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
        " ELSE pg_get_userbyid(a.grantee) END"
        " FROM pg_class c, aclexplode(c.relacl) AS a"
        f" WHERE c.oid = to_regclass({_literal(s + '.event')})"
        " AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')"
        " AND a.grantee <> c.relowner"
    ).scalars():
        who = "PUBLIC" if grantee == "PUBLIC" else _quote(connection, grantee)
        _run(connection, f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.event FROM {who}")
    _run(connection, f"REVOKE ALL ON {s}.kplan_plan_writer FROM PUBLIC")
    # A new kplan's tables reach everyone who was granted the older ones.
    for role in connection.exec_driver_sql(f"SELECT role FROM {s}.person_role").scalars():
        if _role_exists(connection, role):
            _grant_tables(connection, schema, role)


def uninstall(connection: Connection) -> None:
    """Remove the rules again (the downgrade to schema version 3)."""
    s = _quote(connection, _schema(connection))
    for table in _GUARDS:
        _run(connection, f"DROP TRIGGER IF EXISTS kplan_guard ON {s}.{_quote(connection, table)}")
    for name in ("kplan_event_insert", "kplan_event_append_only", "kplan_event_no_truncate"):
        _run(connection, f"DROP TRIGGER IF EXISTS {name} ON {s}.event")
    functions = connection.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n"
        f" ON n.oid = p.pronamespace WHERE n.nspname = {_literal(_schema(connection))}"
        " AND left(p.proname, 6) = 'kplan_'"
    ).scalars()
    for function in list(functions):
        _run(connection, f"DROP FUNCTION IF EXISTS {function}")
    _run(connection, f"DROP TABLE IF EXISTS {s}.kplan_plan_writer")
    _run(connection, f"DROP TABLE IF EXISTS {s}.person_role")


# --- Who is connected ---------------------------------------------------------


def identity_of(connection: Connection) -> Identity:
    """The connected role, its person, and whether it may act for others."""
    from sqlalchemy import text

    schema = _schema(connection)
    s = _quote(connection, schema)
    role, owner, is_owner = connection.execute(
        text(
            "SELECT session_user::text, pg_get_userbyid(c.relowner),"
            " pg_has_role(session_user, c.relowner, 'MEMBER')"
            " FROM (SELECT 1) AS one LEFT JOIN pg_class c ON c.oid = to_regclass(:event)"
        ),
        {"event": f"{s}.event"},
    ).one()
    if owner is None:
        # No store yet: whoever creates it will own it, and an owner may act
        # for others (the first import into an empty database, say).
        return Identity(str(role), str(role), True, None, None, False)
    if not _has_function(connection, f"{s}.kplan_person()"):
        # A store whose rules are not set up: the role is the person, and
        # only the owner speaks for others, as the server would have it.
        return Identity(str(role), str(role), bool(is_owner), None, owner, bool(is_owner))
    person, may_delegate, delegate = connection.execute(
        text(f"SELECT {s}.kplan_person(), {s}.kplan_may_delegate(), {s}.kplan_delegate_role()")
    ).one()
    return Identity(
        str(role), str(person), bool(may_delegate), str(delegate), owner, bool(is_owner)
    )


def identity(store: Store) -> Identity:
    """Who is connected to the server store ``store``."""
    with store.reading() as rows:
        return identity_of(server_connection(rows))


def require_owner_for_upgrade(connection: Connection, url: str, old: int, new: int) -> None:
    """Refuse (exit 4) to upgrade a store as anyone but its owner, saying whom to ask."""
    found = identity_of(connection)
    if found.is_owner:
        return
    raise PermissionRefused(
        t(
            "postgres.upgrade_needs_owner",
            url=url,
            old=old,
            new=new,
            owner=found.owner or "?",
            role=found.role,
        )
    )


# --- Granting -------------------------------------------------------------------


@dataclass(frozen=True)
class Grantee:
    """A role granted the use of the store: the person it acts as, and whether it delegates."""

    role: str
    person: str
    delegate: bool
    group: str | None = None


def _role_exists(connection: Connection, role: str) -> bool:
    return bool(
        _scalar(connection, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :r)", r=role)
    )


def _kplan_sequences(connection: Connection, schema: str) -> list[str]:
    s = _quote(connection, schema)
    found = []
    for table in (*CONTENT_TABLES, LOG_TABLE):
        if not _has_column(connection, schema, table, "id"):
            continue
        name = f"{s}.{_quote(connection, table)}"
        sequence = _scalar(connection, "SELECT pg_get_serial_sequence(:t, 'id')", t=name)
        if sequence:
            found.append(str(sequence))
    return found


def _has_column(connection: Connection, schema: str, table: str, column: str) -> bool:
    return bool(
        _scalar(
            connection,
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = :s"
            " AND table_name = :t AND column_name = :c)",
            s=schema,
            t=table,
            c=column,
        )
    )


def _present_tables(connection: Connection, schema: str) -> set[str]:
    """The names of the tables the schema holds now."""
    found = connection.exec_driver_sql(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE n.nspname = {_literal(schema)} AND c.relkind IN ('r', 'p')"
    ).scalars()
    return {str(name) for name in found}


def _grant_tables(connection: Connection, schema: str, role: str) -> None:
    s, who = _quote(connection, schema), _quote(connection, role)
    database = _quote(connection, str(_scalar(connection, "SELECT current_database()")))
    present = _present_tables(connection, schema)

    def tables(names: tuple[str, ...]) -> str:
        return ", ".join(f"{s}.{_quote(connection, name)}" for name in names if name in present)

    if not _scalar(
        connection, "SELECT has_database_privilege(:r, current_database(), 'CONNECT')", r=role
    ):
        _run(connection, f"GRANT CONNECT ON DATABASE {database} TO {who}")
    _run(connection, f"GRANT USAGE ON SCHEMA {s} TO {who}")
    readable = tables((*CONTENT_TABLES, LOG_TABLE, *INFO_TABLES))
    _run(connection, f"GRANT SELECT ON {readable} TO {who}")
    _run(connection, f"GRANT INSERT, UPDATE, DELETE ON {tables(CONTENT_TABLES)} TO {who}")
    _run(connection, f"GRANT INSERT ON {s}.event TO {who}")
    sequences = _kplan_sequences(connection, schema)
    if sequences:
        _run(connection, f"GRANT USAGE, SELECT ON SEQUENCE {', '.join(sequences)} TO {who}")


def _require_owner(connection: Connection, action: str) -> Identity:
    found = identity_of(connection)
    if not found.is_owner:
        raise PermissionRefused(
            t("postgres.needs_owner", action=action, role=found.role, owner=found.owner or "?")
        )
    return found


def _require_role(connection: Connection, role: str) -> None:
    if not role or not _role_exists(connection, role):
        raise NotFoundError(t("postgres.no_role", role=role))


def check_person(person: str) -> str:
    """A person id for ``--owner``: trimmed, printable, not empty, not too long."""
    cleaned = person.strip()
    if not cleaned or not cleaned.isprintable() or len(cleaned) > MAX_PERSON_LENGTH:
        raise InvalidValueError(t("postgres.bad_person", person=person, most=MAX_PERSON_LENGTH))
    return cleaned


def _server(store: Store) -> None:
    if store.is_sqlite:
        raise UsageError(t("postgres.sqlite"))


def require_server(location: str | None) -> None:
    """Refuse (exit 2) a store that is an SQLite file, before opening anything."""
    from kplan.store.location import resolve_location

    if resolve_location(location).startswith("sqlite"):
        raise UsageError(t("postgres.sqlite"))


def grant(store: Store, role: str, *, person: str | None = None, delegate: bool = False) -> Grantee:
    """Let ``role`` use the store as ``person`` (its own name by default), maybe as a delegate."""
    _server(store)
    acting = check_person(person) if person is not None else role
    with store.writing() as rows:
        connection = server_connection(rows)
        found = _require_owner(connection, "grant")
        _require_role(connection, role)
        if role == found.owner:
            raise InvalidValueError(t("postgres.grant_owner", role=role))
        schema = _schema(connection)
        s = _quote(connection, schema)
        _grant_tables(connection, schema, role)
        from sqlalchemy import text

        connection.execute(
            text(
                f"INSERT INTO {s}.person_role (role, person) VALUES (:role, :person)"
                " ON CONFLICT (role) DO UPDATE SET person = EXCLUDED.person"
            ),
            {"role": role, "person": acting},
        )
        if delegate:
            _make_delegate(connection, found, role)
        is_delegate = _is_member(connection, role, found.delegate_role)
    return Grantee(role, acting, is_delegate, found.delegate_role)


def _is_member(connection: Connection, role: str, group: str | None) -> bool:
    if not group or not _role_exists(connection, group):
        return False
    return bool(_scalar(connection, "SELECT pg_has_role(:r, :g, 'MEMBER')", r=role, g=group))


def _make_delegate(connection: Connection, found: Identity, role: str) -> None:
    from sqlalchemy.exc import DBAPIError

    group = found.delegate_role
    assert group is not None
    quoted = _quote(connection, group)
    try:
        with connection.begin_nested():
            if not _role_exists(connection, group):
                _run(connection, f"CREATE ROLE {quoted} NOLOGIN")
            _run(connection, f"GRANT {quoted} TO {_quote(connection, role)}")
    except DBAPIError as exc:
        detail = first_line(str(exc.orig) if exc.orig is not None else str(exc))
        raise PermissionRefused(
            t("postgres.cannot_delegate", group=group, owner=found.owner or "?", detail=detail)
        ) from None


def revoke(store: Store, role: str) -> None:
    """Take away everything ``grant`` gave ``role``; its events stay in the log."""
    _server(store)
    with store.writing() as rows:
        connection = server_connection(rows)
        found = _require_owner(connection, "revoke")
        _require_role(connection, role)
        if role == found.owner:
            raise InvalidValueError(t("postgres.grant_owner", role=role))
        schema = _schema(connection)
        s, who = _quote(connection, schema), _quote(connection, role)
        tables = ", ".join(
            f"{s}.{_quote(connection, name)}" for name in (*CONTENT_TABLES, LOG_TABLE, *INFO_TABLES)
        )
        _run(connection, f"REVOKE ALL ON {tables} FROM {who}")
        sequences = _kplan_sequences(connection, schema)
        if sequences:
            _run(connection, f"REVOKE ALL ON SEQUENCE {', '.join(sequences)} FROM {who}")
        from sqlalchemy import text

        connection.execute(text(f"DELETE FROM {s}.person_role WHERE role = :role"), {"role": role})
        group = found.delegate_role
        if (
            group
            and _role_exists(connection, group)
            and _scalar(
                connection,
                "SELECT EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = to_regrole(:g)"
                " AND m.member = to_regrole(:r))",
                g=group,
                r=role,
            )
        ):
            _make_revoke_delegate(connection, found, role)


def _make_revoke_delegate(connection: Connection, found: Identity, role: str) -> None:
    from sqlalchemy.exc import DBAPIError

    group = found.delegate_role
    assert group is not None
    try:
        with connection.begin_nested():
            _run(connection, f"REVOKE {_quote(connection, group)} FROM {_quote(connection, role)}")
    except DBAPIError as exc:
        detail = first_line(str(exc.orig) if exc.orig is not None else str(exc))
        raise PermissionRefused(
            t("postgres.cannot_delegate", group=group, owner=found.owner or "?", detail=detail)
        ) from None


def grantees(store: Store) -> list[Grantee]:
    """The roles granted the use of the store, with their persons, by role name."""
    _server(store)
    with store.reading() as rows:
        connection = server_connection(rows)
        found = identity_of(connection)
        s = _quote(connection, _schema(connection))
        granted = connection.exec_driver_sql(
            f"SELECT role, person FROM {s}.person_role ORDER BY role"
        ).all()
        return [
            Grantee(str(role), str(person), _is_member(connection, role, found.delegate_role))
            for role, person in granted
        ]


def refresh(store: Store) -> bool:
    """Repair the rules as the owner (``kplan init``); False, doing nothing, for anyone else."""
    if store.is_sqlite:
        return False
    with store.writing() as rows:
        connection = server_connection(rows)
        if not identity_of(connection).is_owner:
            return False
        install(connection)
    return True
