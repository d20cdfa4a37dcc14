"""A shared PostgreSQL store's rules hold against people who connect with their own role.

Each test gets a new database on the test server, set up as a region would
set up its store: the test role (``kplan``, the owner) creates it and
imports the example plan under ``edit = "owners"``, then grants the people's
login roles. The attacks then run as those roles, through kplan and
straight through psycopg (what psql would send), and every refusal must
come from the server (SQLSTATE 42501) and leave the store as it was.

In the example plan sforsberg owns measures 6 and 7, mholm owns 10, 12
and 13, and ehedlund and pnyberg are the coordinators.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kplan.store.models import SCHEMA_VERSION
from tests.conftest import OREBRO, Kplan, ServerStore, dump_store, libpq_url, query

# Login roles the tests connect as (cluster-wide, made once, idempotently);
# a person's role has the person's id as its name, except kplan_test_coord,
# which is mapped to the coordinator pnyberg, and kplan_test_script, a delegate.
PEOPLE = ("mholm", "sforsberg", "ehedlund")
COORDINATOR_ROLE = "kplan_test_coord"
SCRIPT_ROLE = "kplan_test_script"
OUTSIDER_ROLE = "kplan_test_outsider"  # a login role nobody granted anything
ROLES = (*PEOPLE, COORDINATOR_ROLE, SCRIPT_ROLE, OUTSIDER_ROLE)

SFORSBERG_MEASURE = "(SELECT id FROM measure WHERE key = '6')"
MHOLM_MEASURE = "(SELECT id FROM measure WHERE key = '10')"


def owners_plan(tmp_path: Path, text: str | None = None) -> Path:
    """The example plan (or ``text``) with the "owners" edit policy, as a file."""
    text = text if text is not None else OREBRO.read_text(encoding="utf-8")
    path = tmp_path / "owners.toml"
    path.write_text(text.replace("[plan]\n", '[plan]\nedit = "owners"\n', 1), encoding="utf-8")
    return path


def as_role(server: str, role: str) -> ServerStore:
    """The store's URL with ``role`` as the user."""
    from sqlalchemy.engine import make_url

    return ServerStore(make_url(server).set(username=role).render_as_string(hide_password=False))


def connect(server: str, role: str) -> Any:
    """A psycopg connection as ``role``, in autocommit mode, as psql would make it."""
    import psycopg

    return psycopg.connect(libpq_url(as_role(server, role)), autocommit=True, connect_timeout=10)


def refused(server: str, role: str, sql: str) -> str:
    """Run ``sql`` as ``role``; it must be refused by the server. Returns the message."""
    import psycopg

    with connect(server, role) as connection, pytest.raises(psycopg.Error) as caught:
        connection.execute(sql)
    assert caught.value.sqlstate == "42501", (sql, caught.value.sqlstate, str(caught.value))
    return str(caught.value).splitlines()[0]


def run_sql(server: str, role: str, sql: str) -> list[tuple[Any, ...]]:
    """Run ``sql`` as ``role``; it must succeed. Returns its rows, if any."""
    with connect(server, role) as connection:
        cursor = connection.execute(sql)
        return list(cursor.fetchall()) if cursor.description else []


_roles_made: list[bool] = []


def _make_roles(server: str) -> None:
    if _roles_made:
        return
    import psycopg

    url = os.environ["KPLAN_TEST_POSTGRES_URL"]
    with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10) as admin:
        can = admin.execute(
            "SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        if not (can and can[0]):
            pytest.fail(
                "the test role needs CREATEROLE to make the people's roles: "
                "ALTER ROLE kplan CREATEROLE (.ci/postgres.sh makes it so)"
            )
        for role in ROLES:
            exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if exists.fetchone() is None:
                # Another test run may make it meanwhile.
                with contextlib.suppress(psycopg.errors.DuplicateObject):
                    admin.execute(f'CREATE ROLE "{role}" LOGIN')
    _roles_made.append(True)


def _end_sessions(database: str) -> None:
    """End the connections the people's roles left open to ``database``.

    kplan run in-process leaves its pooled connections to the collector; any
    left are ended by their own role (the test role may not end another's),
    so the database can be dropped.
    """
    import psycopg

    gc.collect()
    for role in ROLES:
        with contextlib.suppress(psycopg.Error), connect(database, role) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE"
                " datname = current_database() AND usename = current_user"
                " AND pid <> pg_backend_pid()"
            )


def _drop_delegate_role(database: str) -> None:
    """The delegation role is the database's; it goes with it."""
    import psycopg

    with psycopg.connect(libpq_url(database), autocommit=True) as admin:
        admin.execute(f'DROP ROLE IF EXISTS "{_delegate_role(database)}"')


@pytest.fixture
def server(postgres_db: ServerStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerStore]:
    """A new database with the people's roles at hand; nobody is named by KPLAN_USER."""
    _make_roles(postgres_db)
    monkeypatch.delenv("KPLAN_USER", raising=False)
    yield postgres_db
    _end_sessions(postgres_db)
    _drop_delegate_role(postgres_db)


def _delegate_role(server: str) -> str:
    from sqlalchemy.engine import make_url

    from kplan.store.postgres_rules import delegate_role_name

    return delegate_role_name(str(make_url(server).database))


def _set_up(server: ServerStore, folder: Path) -> None:
    """The example plan under "owners", imported by the owner for ehedlund; everyone granted."""
    owner = Kplan(server)
    owner("import", str(owners_plan(folder)), "--as", "ehedlund")
    for person in PEOPLE:
        owner("postgres", "grant", person)
    owner("postgres", "grant", COORDINATOR_ROLE, "--owner", "pnyberg")
    owner("postgres", "grant", SCRIPT_ROLE, "--delegate")


@pytest.fixture
def store(server: ServerStore, tmp_path: Path) -> ServerStore:
    """A store of its own, set up as a region would (see ``_set_up``), for tests that change it."""
    _set_up(server, tmp_path)
    return server


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerStore]:
    """One store, set up once, for the tests whose attacks are all refused.

    Each of them checks that the store is the same after its attack as
    before, so none of them can leave a change behind for the next. A round
    is open, with a report by sforsberg, and a snapshot taken.
    """
    url = os.environ.get("KPLAN_TEST_POSTGRES_URL", "")
    if not url:
        pytest.skip("PostgreSQL tests are off; see tests/conftest.py")
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    from tests.conftest import _drop_database

    name = f"kplan_test_{uuid.uuid4().hex[:16]}"
    try:
        with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if os.environ.get("KPLAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL server at {url} unusable: {exc}")
        pytest.skip(f"PostgreSQL server at {url} unusable: {exc}")
    database = ServerStore(make_url(url).set(database=name).render_as_string(hide_password=False))
    try:
        _make_roles(database)
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv("KPLAN_USER", raising=False)
            _set_up(database, tmp_path_factory.mktemp("shared"))
            ehedlund = kplan_as(database, "ehedlund")
            ehedlund("snapshot", "take", "start")
            ehedlund("round", "open", "Vår 2016")
            kplan_as(database, "sforsberg")("round", "report", "6")
        yield database
    finally:
        _end_sessions(database)
        _drop_delegate_role(database)
        _drop_database(url, name)


@pytest.fixture
def shared(shared_server: ServerStore, monkeypatch: pytest.MonkeyPatch) -> ServerStore:
    """The shared store (see ``shared_server``); nobody is named by KPLAN_USER."""
    monkeypatch.delenv("KPLAN_USER", raising=False)
    return shared_server


def kplan_as(server: str, role: str) -> Kplan:
    """kplan (in-process) connecting as ``role``."""
    return Kplan(as_role(server, role))


# --- psql-level attacks on another owner's measure ----------------------------


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE measure SET status = 'done' WHERE id = {SFORSBERG_MEASURE}",
        f"UPDATE measure SET progress = 0, version = version + 1 WHERE id = {SFORSBERG_MEASURE}",
        # Taking the measure over: it becomes "his" only after the update.
        "UPDATE measure SET owner_id = (SELECT id FROM owner WHERE key = 'mholm')"
        f" WHERE id = {SFORSBERG_MEASURE}",
        f"DELETE FROM measure WHERE id = {SFORSBERG_MEASURE}",
        f"UPDATE four_p SET state = 'done' WHERE measure_id = {SFORSBERG_MEASURE}",
        f"DELETE FROM four_p WHERE measure_id = {SFORSBERG_MEASURE}",
        "INSERT INTO four_p (measure_id, part, state)"
        f" VALUES ({SFORSBERG_MEASURE}, 'plattform', 'done')",
        f"UPDATE perspective_coverage SET level = 'no' WHERE measure_id = {SFORSBERG_MEASURE}",
        f"DELETE FROM perspective_coverage WHERE measure_id = {SFORSBERG_MEASURE}",
        "UPDATE collaboration SET step = 1 WHERE key = 'syv-natverk'",
        # Moving his own collaboration under her measure, or hers under his.
        f"UPDATE collaboration SET measure_id = {SFORSBERG_MEASURE} WHERE key = 'validering'",
        f"UPDATE collaboration SET measure_id = {MHOLM_MEASURE} WHERE key = 'syv-natverk'",
        "DELETE FROM collaboration_actor WHERE collaboration_id ="
        " (SELECT id FROM collaboration WHERE key = 'syv-natverk')",
        "UPDATE indicator SET target = 1 WHERE key = 'vagledare-utbildade'",
        "UPDATE indicator_value SET value = 1 WHERE indicator_id ="
        " (SELECT id FROM indicator WHERE key = 'vagledare-utbildade')",
        "DELETE FROM indicator_value WHERE indicator_id ="
        " (SELECT id FROM indicator WHERE key = 'vagledare-utbildade')",
        "INSERT INTO indicator_value (indicator_id, period, value)"
        " SELECT id, '2016', 1 FROM indicator WHERE key = 'vagledare-utbildade'",
        # Values split by group (schema 7) are guarded as the indicator's values.
        "INSERT INTO indicator_group_value (indicator_id, part, value)"
        " SELECT id, '2016.kön=kvinnor', 1 FROM indicator WHERE key = 'vagledare-utbildade'",
        # The plan as a whole is the coordinators'.
        "INSERT INTO measure (plan_id, key, title, goal, owner_id, status, progress, position,"
        " version) SELECT p.id, 'ny', 'Ny', '', o.id, 'ongoing', 0, 99, 1 FROM plan p"
        " JOIN owner o ON o.plan_id = p.id AND o.key = 'mholm'",
        "UPDATE owner SET key = 'mholm2' WHERE key = 'sforsberg'",
        "UPDATE owner SET name = 'x' WHERE key = 'mholm'",
        "DELETE FROM organisation WHERE key = 'lo'",
    ],
)
def test_mholm_cannot_change_what_is_not_his_through_psql(shared: ServerStore, sql: str) -> None:
    before = dump_store(shared)
    message = refused(shared, "mholm", sql)
    assert message.startswith("mholm may not ")
    assert dump_store(shared) == before


def test_the_refusal_names_the_rule_and_who_may(shared: ServerStore) -> None:
    message = refused(
        shared, "mholm", f"UPDATE measure SET status = 'done' WHERE id = {SFORSBERG_MEASURE}"
    )
    assert message == (
        "mholm may not change measure 6 in plan orebro-kompetens: its edit policy is"
        ' "owners", so only the measure\'s owner (sforsberg) or a coordinator'
        " (ehedlund, pnyberg) may"
    )


def test_a_temporary_table_cannot_stand_in_for_the_plan(shared: ServerStore) -> None:
    """A session's own temporary tables come first in its search path; not in kplan's."""
    import psycopg

    before = dump_store(shared)
    with connect(shared, "mholm") as connection:
        connection.execute(
            "CREATE TEMP TABLE plan AS SELECT * FROM public.plan;"
            " UPDATE pg_temp.plan SET coordinators = '[\"mholm\"]', edit = 'open';"
            " CREATE TEMP TABLE person_role (role varchar, person varchar);"
            " INSERT INTO pg_temp.person_role VALUES ('mholm', 'sforsberg')"
        )
        with pytest.raises(psycopg.Error) as caught:
            connection.execute(
                f"UPDATE public.measure SET status = 'done' WHERE id = {SFORSBERG_MEASURE}"
            )
        assert caught.value.sqlstate == "42501"
    assert dump_store(shared) == before


def test_mholm_changes_his_own_measure_through_psql_and_kplan(store: ServerStore) -> None:
    run_sql(
        store,
        "mholm",
        f"UPDATE measure SET progress = 77 WHERE id = {MHOLM_MEASURE};"
        f" UPDATE four_p SET state = 'done' WHERE measure_id = {MHOLM_MEASURE};"
        " INSERT INTO indicator_value (indicator_id, period, value)"
        " SELECT id, '2016', 400 FROM indicator WHERE key = 'validerade';"
        " UPDATE collaboration SET step = 4 WHERE key = 'validering'",
    )
    mholm = kplan_as(store, "mholm")
    assert mholm.json("show", "10")["progress"] == 77
    mholm("status", "10", "delayed", "--note", "Väntar på besked")
    mholm("step", "validering", "3")
    mholm("record", "validerade", "2017", "450")
    mholm("status", "10", "--progress", "80", "--as", "mholm")  # naming oneself is fine
    events = mholm.json("log", "10", "--limit", "4")
    assert {event["actor"] for event in events} == {"mholm"}
    assert {event["db_role"] for event in events} == {None}  # the role is the actor's own
    written = query(store, "SELECT DISTINCT db_role FROM event WHERE actor = 'mholm'")
    assert written == [{"db_role": "mholm"}]


# --- The event log ---------------------------------------------------------------


def test_nobody_may_write_an_event_as_someone_else(shared: ServerStore) -> None:
    before = dump_store(shared)
    message = refused(
        shared,
        "mholm",
        "INSERT INTO event (at, actor, plan_id, batch, field, new)"
        " SELECT now(), 'sforsberg', id, 'x', 'status', 'done' FROM plan",
    )
    assert message == (
        "mholm may not write an event as sforsberg: a role acts as its own person; only the"
        f" store's owner and members of {_delegate_role(shared)} may act for someone else"
    )
    assert dump_store(shared) == before


def test_an_event_records_the_role_that_wrote_it_whatever_was_sent(store: ServerStore) -> None:
    (row,) = run_sql(
        store,
        "mholm",
        "INSERT INTO event (id, at, actor, plan_id, batch, field, db_role)"
        " SELECT 1000000, now(), 'mholm', id, 'x', 'note', 'sforsberg' FROM plan"
        " RETURNING id, db_role",
    )
    # The id comes from the sequence (a chosen one would collide with a later
    # event), the role from the server.
    assert row[0] < 1000000 and row[1] == "mholm"
    kplan_as(store, "mholm")("status", "10", "delayed")


@pytest.mark.parametrize("role", ["mholm", "ehedlund", SCRIPT_ROLE, "kplan"])
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE event SET actor = 'someone', note = 'rewritten'",
        "DELETE FROM event",
        "DELETE FROM event WHERE id = (SELECT max(id) FROM event)",
        "TRUNCATE event",
        "TRUNCATE event CASCADE",
    ],
)
def test_no_role_may_change_or_delete_an_event(shared: ServerStore, role: str, sql: str) -> None:
    """Persons lack the GRANT; the owner and delegates meet the trigger."""
    before = dump_store(shared)
    refused(shared, role, sql)
    assert dump_store(shared) == before


def test_the_owner_meets_the_append_only_rule_by_name(shared: ServerStore) -> None:
    message = refused(shared, "kplan", "DELETE FROM event")
    assert message == (
        "the event log is append-only: DELETE of events is refused for every role, kplan too"
    )


# --- Identity through kplan ---------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["status", "6", "done"],
        ["status", "10", "done"],  # his own measure, but in another's name
        ["fourp", "6", "plattform", "done"],
        ["step", "syv-natverk", "1"],
        ["record", "vagledare-utbildade", "2016", "1"],
        ["round", "open", "Vår 2016"],
        ["snapshot", "take", "forged"],
        ["undo"],
    ],
)
@pytest.mark.parametrize("how", ["--as", "KPLAN_USER"])
def test_naming_someone_else_is_refused_with_exit_4_and_nothing_written(
    shared: ServerStore, monkeypatch: pytest.MonkeyPatch, command: list[str], how: str
) -> None:
    mholm = kplan_as(shared, "mholm")
    before = dump_store(shared)
    if how == "--as":
        result = mholm(*command, "--as", "sforsberg", expect=4)
        named = "--as sforsberg"
    else:
        monkeypatch.setenv("KPLAN_USER", "sforsberg")
        result = mholm(*command, expect=4)
        named = "KPLAN_USER=sforsberg"
    assert result.stderr == (
        f"kplan: error: role mholm acts as mholm on this store; {named} is refused: only the"
        f" store's owner and members of the delegation role {_delegate_role(shared)} may act"
        " for someone else\n"
    )
    assert dump_store(shared) == before


def test_the_installed_kplan_refuses_another_name_too(shared: ServerStore) -> None:
    kplan = Path(sys.executable).with_name("kplan")
    env = {k: v for k, v in os.environ.items() if k != "KPLAN_USER"}
    before = dump_store(shared)
    done = subprocess.run(
        [str(kplan), "status", "6", "done", "--as", "sforsberg", "--db", as_role(shared, "mholm")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 4, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "--as sforsberg is refused" in done.stderr
    assert dump_store(shared) == before


def test_plain_kplan_at_a_terminal_refuses_another_name_with_exit_4(
    shared: ServerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kplan`` alone opens the workplace at a terminal; not in another's name."""
    import types

    from typer.testing import CliRunner

    from kplan import cli

    terminal = types.SimpleNamespace(isatty=lambda: True)
    monkeypatch.setattr(cli, "sys", types.SimpleNamespace(stdin=terminal, stdout=terminal))
    monkeypatch.setenv("KPLAN_DB", as_role(shared, "mholm"))
    monkeypatch.setenv("KPLAN_USER", "sforsberg")
    result = CliRunner().invoke(cli.app, [])
    assert result.exit_code == 4, (result.stdout, result.stderr, result.exception)
    assert "KPLAN_USER=sforsberg is refused" in result.stderr


def test_mholm_is_refused_sforsbergs_measure_through_kplan(shared: ServerStore) -> None:
    mholm = kplan_as(shared, "mholm")
    before = dump_store(shared)
    for command in (
        ["status", "6", "done"],
        ["perspective", "6", "kön", "no"],
        ["step", "syv-natverk", "down"],
        ["record", "vagledare-utbildade", "2016", "1"],
    ):
        result = mholm(*command, expect=4)
        assert "mholm may not change" in result.stderr
    assert dump_store(shared) == before


def test_listing_someone_elses_measures_is_only_reading(shared: ServerStore) -> None:
    mine = kplan_as(shared, "mholm").json("list", "--mine", "--as", "sforsberg")
    assert [row["id"] for row in mine] == ["6", "7"]
    assert [row["id"] for row in kplan_as(shared, "mholm").json("list", "--mine")] == [
        "10",
        "12",
        "13",
    ]


# --- Imports and the plan's own row ----------------------------------------------


def _without_policy(tmp_path: Path) -> Path:
    path = tmp_path / "open.toml"
    path.write_text(OREBRO.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE plan SET edit = 'open'",
        "UPDATE plan SET coordinators = '[\"mholm\"]'",
        "UPDATE plan SET title = 'Min plan'",
        "DELETE FROM plan",
        "INSERT INTO person_role (role, person) VALUES ('mholm', 'ehedlund')",
        "UPDATE person_role SET person = 'ehedlund'",
        "DELETE FROM kplan_plan_writer",
        "INSERT INTO kplan_plan_writer (plan_id, xact) SELECT id, pg_current_xact_id() FROM plan",
    ],
)
def test_mholm_cannot_switch_the_policy_or_the_coordinators_through_psql(
    shared: ServerStore, sql: str
) -> None:
    before = dump_store(shared)
    refused(shared, "mholm", sql)
    assert dump_store(shared) == before


def test_mholm_cannot_import_a_file_that_opens_the_plan(
    shared: ServerStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mholm = kplan_as(shared, "mholm")
    before = dump_store(shared)
    opened = _without_policy(tmp_path)
    result = mholm("import", str(opened), expect=4)
    assert "mholm may not import over plan orebro-kompetens" in result.stderr
    # Naming a coordinator does not help.
    monkeypatch.setenv("KPLAN_USER", "ehedlund")
    result = mholm("import", str(opened), expect=4)
    assert "KPLAN_USER=ehedlund is refused" in result.stderr
    monkeypatch.delenv("KPLAN_USER")
    text = owners_plan(tmp_path).read_text(encoding="utf-8")
    more = tmp_path / "more.toml"
    more.write_text(
        text.replace('coordinators = ["ehedlund", "pnyberg"]', 'coordinators = ["mholm"]'),
        encoding="utf-8",
    )
    mholm("import", str(more), expect=4)
    assert dump_store(shared) == before


def test_the_server_refuses_an_import_that_kplan_would_let_through(
    shared: ServerStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With kplan's own check out of the way, the server still refuses the rewrite."""
    from kplan.core import permissions

    monkeypatch.setattr(permissions, "check_import", lambda *args, **kwargs: None)
    before = dump_store(shared)
    result = kplan_as(shared, "mholm")("import", str(_without_policy(tmp_path)), expect=4)
    assert result.stderr.startswith("kplan: error: the server refused: mholm may not change")
    assert dump_store(shared) == before


def test_a_coordinator_may_open_the_plan_and_leave_the_coordinators(
    store: ServerStore, tmp_path: Path
) -> None:
    """An import is judged by the plan as it was, on the server as in kplan."""
    text = owners_plan(tmp_path).read_text(encoding="utf-8")
    changed = tmp_path / "changed.toml"
    changed.write_text(
        text.replace('coordinators = ["ehedlund", "pnyberg"]', 'coordinators = ["pnyberg"]')
        .replace('edit = "owners"', 'edit = "open"')
        .replace("Gemensam utveckling av studie", "Samordnad utveckling av studie", 1),
        encoding="utf-8",
    )
    ehedlund = kplan_as(store, "ehedlund")
    ehedlund("import", str(changed))
    (plan,) = ehedlund.json("plans")
    assert plan["edit"] == "open"
    assert ehedlund.json("show", "6")["title"].startswith("Samordnad")
    # Now open: mholm may change sforsberg's measure, but still only as himself.
    kplan_as(store, "mholm")("status", "6", "done")
    refused(store, "mholm", "DELETE FROM event")


def test_anyone_may_create_a_new_plan_under_owners_naming_others(
    store: ServerStore, tmp_path: Path
) -> None:
    text = OREBRO.read_text(encoding="utf-8").replace(
        'id = "orebro-kompetens"', 'id = "orebro-ny"', 1
    )
    new = owners_plan(tmp_path, text)
    mholm = kplan_as(store, "mholm")
    mholm("import", str(new))
    shown = mholm.json("show", "1", "--plan", "orebro-ny")
    assert shown["owner"] == "akarlsson"
    # Once made, the new plan is the coordinators' like the other.
    mholm("status", "1", "done", "--plan", "orebro-ny", expect=4)


def test_under_open_an_import_may_hand_the_plan_to_coordinators(
    server: ServerStore, tmp_path: Path
) -> None:
    owner = Kplan(server)
    owner("import", str(_without_policy(tmp_path)))
    owner("postgres", "grant", "mholm")
    mholm = kplan_as(server, "mholm")
    mholm("import", str(owners_plan(tmp_path)))
    assert mholm.json("plans")[0]["edit"] == "owners"
    mholm("status", "6", "done", expect=4)


# --- Rounds and snapshots ------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO round (plan_id, name, opened_at, opened_by)"
        " SELECT id, 'Egen', now(), 'mholm' FROM plan",
        "UPDATE round SET closed_at = now(), closed_by = 'mholm'",
        "DELETE FROM round",
        "INSERT INTO snapshot (plan_id, name, taken_at, taken_by, content)"
        " SELECT id, 'egen', now(), 'mholm', '{}' FROM plan",
        "DELETE FROM snapshot",
        "UPDATE snapshot SET content = '{}'",
        # A report on another's measure, or in another's name.
        "INSERT INTO round_report (round_id, measure, at, actor)"
        " SELECT id, '6', now(), 'mholm' FROM round",
        "INSERT INTO round_report (round_id, measure, at, actor)"
        " SELECT id, '10', now(), 'sforsberg' FROM round",
        "UPDATE round_report SET note = 'x'",
    ],
)
def test_rounds_and_snapshots_are_the_coordinators_through_psql(
    shared: ServerStore, sql: str
) -> None:
    # The shared store has an open round, a report by sforsberg and a snapshot.
    before = dump_store(shared)
    refused(shared, "mholm", sql)
    assert dump_store(shared) == before


@pytest.mark.parametrize(
    "command",
    [["round", "close", "--force"], ["snapshot", "take", "egen"], ["snapshot", "delete", "start"]],
)
def test_the_server_refuses_rounds_and_snapshots_that_kplan_would_let_through(
    shared: ServerStore, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """With kplan's own coordinator check out of the way, the server still refuses."""
    from kplan.core import permissions, rounds

    monkeypatch.setattr(permissions, "check_coordinator", lambda *args, **kwargs: None)
    monkeypatch.setattr(rounds, "check_coordinator", lambda *args, **kwargs: None)
    before = dump_store(shared)
    result = kplan_as(shared, "mholm")(*command, expect=4)
    assert result.stderr.startswith("kplan: error: the server refused: mholm may not ")
    assert 'its edit policy is "owners", so only a coordinator' in result.stderr
    assert dump_store(shared) == before


def test_rounds_and_snapshots_through_kplan(store: ServerStore) -> None:
    ehedlund, mholm = kplan_as(store, "ehedlund"), kplan_as(store, "mholm")
    before = dump_store(store)
    for command in (["round", "open", "Egen"], ["snapshot", "take", "egen"]):
        mholm(*command, expect=4)
    assert dump_store(store) == before
    ehedlund("round", "open", "Vår 2016")
    mholm("round", "report", "10", "--note", "Klar")
    mholm("round", "report", "6", expect=4)
    ehedlund("snapshot", "take", "mellan")
    before = dump_store(store)
    mholm("snapshot", "delete", "mellan", expect=4)
    mholm("round", "close", "--force", expect=4)
    assert dump_store(store) == before
    kplan_as(store, COORDINATOR_ROLE)("round", "close", "--force")
    ehedlund("snapshot", "delete", "mellan")
    events = ehedlund.json("log", "--limit", "3")
    assert [(e["field"], e["actor"], e["db_role"]) for e in events] == [
        ("snapshot.delete", "ehedlund", None),
        ("round.close", "pnyberg", COORDINATOR_ROLE),
        ("snapshot.take", "pnyberg", COORDINATOR_ROLE),
    ]


# --- An owner's own measure: the texts and the follow-up, nothing else ------------------


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE measure SET due = '2030-12-31' WHERE id = {MHOLM_MEASURE}",
        f"UPDATE measure SET start = NULL WHERE id = {MHOLM_MEASURE}",
        f"UPDATE measure SET area = 'Annat' WHERE id = {MHOLM_MEASURE}",
        f"UPDATE measure SET position = 0 WHERE id = {MHOLM_MEASURE}",
        f"UPDATE measure SET key = '10b' WHERE id = {MHOLM_MEASURE}",
        # Giving his own measure away: to her, or to nobody of the plan.
        "UPDATE measure SET owner_id = (SELECT id FROM owner WHERE key = 'sforsberg')"
        f" WHERE id = {MHOLM_MEASURE}",
        # A text and a date at once: the date spoils the whole statement.
        f"UPDATE measure SET title = 'Ny', due = NULL WHERE id = {MHOLM_MEASURE}",
        "UPDATE collaboration SET name = 'Ny samverkan' WHERE key = 'validering'",
        "UPDATE collaboration SET note = 'x', step = 2 WHERE key = 'validering'",
        "UPDATE indicator SET target = 1 WHERE key = 'validerade'",
        "UPDATE indicator SET unit = 'st', version = version + 1 WHERE key = 'validerade'",
    ],
)
def test_an_owner_may_not_change_the_structure_of_her_own_measure_through_psql(
    shared: ServerStore, sql: str
) -> None:
    before = dump_store(shared)
    message = refused(shared, "mholm", sql)
    assert message.startswith("mholm may not "), message
    assert dump_store(shared) == before


def test_the_refusal_of_an_owners_structure_change_names_the_columns_and_who_may(
    shared: ServerStore,
) -> None:
    message = refused(
        shared,
        "mholm",
        f"UPDATE measure SET due = '2030-12-31', area = 'x' WHERE id = {MHOLM_MEASURE}",
    )
    assert message == (
        "mholm may not change area, due of measure 10 in plan orebro-kompetens: its edit policy"
        ' is "owners", so a measure\'s owner may change only the title, goal, description,'
        " situation (and whether it is public), status and progress of her own measure;"
        " the rest only a coordinator"
        " (ehedlund, pnyberg) may"
    )


def test_an_owner_changes_the_texts_and_follow_up_of_her_own_measure_through_psql(
    store: ServerStore,
) -> None:
    run_sql(
        store,
        "mholm",
        f"UPDATE measure SET title = 'Validering nu', goal = 'Fler', description = 'Text',"
        f" situation = 'Läget', status = 'delayed', progress = 5, version = version + 1"
        f" WHERE id = {MHOLM_MEASURE};"
        " UPDATE collaboration SET step = 2, version = version + 1 WHERE key = 'validering';"
        " UPDATE indicator SET version = version + 1 WHERE key = 'validerade'",
    )
    shown = kplan_as(store, "mholm").json("show", "10")
    assert (shown["title"], shown["situation"], shown["status"]) == (
        "Validering nu",
        "Läget",
        "delayed",
    )
    # Through kplan as well: the texts pass the server, the due date does not pass kplan.
    mholm = kplan_as(store, "mholm")
    mholm("measure", "edit", "10", "--title", "Validering igen", "--goal", "Ännu fler")
    mholm("note", "10", "Uppstart")
    mholm("measure", "edit", "10", "--due", "2030-12-31", expect=4)
    assert mholm.json("show", "10")["title"] == "Validering igen"


def test_a_coordinator_changes_any_column_of_a_measure_through_psql(store: ServerStore) -> None:
    run_sql(
        store,
        COORDINATOR_ROLE,
        f"UPDATE measure SET due = '2030-12-31', area = 'Annat',"
        f" owner_id = (SELECT id FROM owner WHERE key = 'sforsberg') WHERE id = {MHOLM_MEASURE};"
        " UPDATE indicator SET target = 1 WHERE key = 'validerade';"
        " UPDATE collaboration SET name = 'Ny' WHERE key = 'validering'",
    )
    shown = kplan_as(store, "ehedlund").json("show", "10")
    assert (shown["due"], shown["owner"]) == ("2030-12-31", "sforsberg")


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO owner (plan_id, key, name, position) SELECT id, 'ny', 'Ny Person', 99"
        " FROM plan",
        "INSERT INTO organisation (plan_id, key, name, kind, position)"
        " SELECT id, 'ny-org', 'Ny', 'other', 99 FROM plan",
        "UPDATE organisation SET name = 'Annan' WHERE key = 'lo'",
        "UPDATE owner SET email = 'x@example.org' WHERE key = 'mholm'",
        "DELETE FROM owner WHERE key = 'rsandberg'",
        "UPDATE plan SET title = 'Min plan'",
        'UPDATE plan SET ladder_questions = \'["a", "b", "c", "d"]\'',
        "UPDATE plan SET \"end\" = '2030-12-31'",
    ],
)
def test_people_organisations_and_settings_are_refused_to_a_granted_non_coordinator(
    shared: ServerStore, sql: str
) -> None:
    before = dump_store(shared)
    message = refused(shared, "mholm", sql)
    assert message.startswith("mholm may not "), message
    assert dump_store(shared) == before


def test_plan_settings_through_kplan_are_the_coordinators(store: ServerStore) -> None:
    mholm = kplan_as(store, "mholm")
    refused_edit = mholm("plan", "edit", "--title", "Min plan", expect=4)
    assert "coordinator" in refused_edit.stderr
    coordinator = kplan_as(store, COORDINATOR_ROLE)
    coordinator("plan", "edit", "--title", "Vår plan", "--end", "2020-12-31")
    assert coordinator.json("plan", "show")["title"] == "Vår plan"
    coordinator("undo")
    assert mholm.json("plan", "show")["title"] == "Handlingsplan för kompetensförsörjning"


# --- Coordinators, mapped roles and delegates -------------------------------------------


def test_a_coordinator_changes_anything(store: ServerStore) -> None:
    ehedlund = kplan_as(store, "ehedlund")
    ehedlund("status", "6", "done")
    ehedlund("step", "validering", "1")
    run_sql(
        store,
        "ehedlund",
        f"UPDATE four_p SET state = 'done' WHERE measure_id = {SFORSBERG_MEASURE}",
    )
    assert ehedlund.json("show", "6")["status"] == "done"


def test_a_role_mapped_to_a_coordinator_acts_as_that_person(store: ServerStore) -> None:
    coordinator = kplan_as(store, COORDINATOR_ROLE)
    coordinator("status", "7", "delayed")
    (event,) = coordinator.json("log", "7", "--limit", "1")
    assert (event["actor"], event["db_role"]) == ("pnyberg", COORDINATOR_ROLE)
    text = coordinator("log", "7", "--limit", "1").stdout
    assert f"pnyberg (via {COORDINATOR_ROLE})" in text
    # It may name itself by its person id, not by anyone else.
    coordinator("status", "7", "ongoing", "--as", "pnyberg")
    coordinator("status", "7", "done", "--as", "ehedlund", expect=4)


def test_a_delegate_acts_for_sforsberg_and_the_event_shows_both(store: ServerStore) -> None:
    script = kplan_as(store, SCRIPT_ROLE)
    script("status", "6", "done", "--as", "sforsberg", "--note", "Nattlig synk")
    (event,) = script.json("log", "6", "--limit", "1")
    assert (event["actor"], event["db_role"]) == ("sforsberg", SCRIPT_ROLE)
    assert f"sforsberg (via {SCRIPT_ROLE})" in script("log", "6", "--limit", "1").stdout
    assert f"sforsberg (via {SCRIPT_ROLE})" in script("show", "6").stdout
    # kplan still applies the plan's rule to the person acted for.
    script("status", "10", "done", "--as", "sforsberg", expect=4)
    # Through psql too, a delegate writes in another's name, and the role is kept.
    run_sql(
        store,
        SCRIPT_ROLE,
        "INSERT INTO event (at, actor, plan_id, batch, field)"
        " SELECT now(), 'sforsberg', id, 'y', 'note' FROM plan",
    )
    rows = query(store, "SELECT actor, db_role FROM event WHERE batch = 'y'")
    assert rows == [{"actor": "sforsberg", "db_role": SCRIPT_ROLE}]


def test_the_owner_may_act_for_anyone(store: ServerStore) -> None:
    owner = Kplan(store)
    owner("status", "6", "done", "--as", "sforsberg")
    (event,) = owner.json("log", "6", "--limit", "1")
    assert (event["actor"], event["db_role"]) == ("sforsberg", "kplan")


# --- kplan postgres grant / revoke / list, and init --------------------------------------


def test_grant_list_and_revoke(store: ServerStore) -> None:
    owner = Kplan(store)
    listed = owner.json("postgres", "list")
    assert listed == [
        {"role": "ehedlund", "person": "ehedlund", "delegate": False},
        {"role": COORDINATOR_ROLE, "person": "pnyberg", "delegate": False},
        {"role": SCRIPT_ROLE, "person": SCRIPT_ROLE, "delegate": True},
        {"role": "mholm", "person": "mholm", "delegate": False},
        {"role": "sforsberg", "person": "sforsberg", "delegate": False},
    ]
    granted = owner("postgres", "grant", OUTSIDER_ROLE, "--owner", "tstrom", "--delegate")
    assert granted.stdout == (
        f"Granted {OUTSIDER_ROLE} the use of the store, acting as tstrom; as a member of"
        f" {_delegate_role(store)} it may act for anyone (--as).\n"
    )
    outsider = kplan_as(store, OUTSIDER_ROLE)
    outsider("status", "4", "delayed")
    assert outsider.json("log", "4", "--limit", "1")[0]["actor"] == "tstrom"
    revoked = owner("postgres", "revoke", OUTSIDER_ROLE)
    assert "its events stay in the log" in revoked.stdout
    result = outsider("list", expect=4)
    assert result.stderr.startswith("kplan: error: the server refused: permission denied")
    assert "kplan postgres grant ROLE" in result.stderr
    assert OUTSIDER_ROLE not in {row["role"] for row in owner.json("postgres", "list")}
    (event,) = owner.json("log", "4", "--limit", "1")
    assert event["actor"] == "tstrom"


def test_everyone_granted_may_list_who_acts_as_whom(shared: ServerStore) -> None:
    listed = kplan_as(shared, "mholm").json("postgres", "list")
    assert {"role": COORDINATOR_ROLE, "person": "pnyberg", "delegate": False} in listed
    assert {"role": SCRIPT_ROLE, "person": SCRIPT_ROLE, "delegate": True} in listed
    # --jsonl: the same objects, one compact object a line.
    lines = kplan_as(shared, "mholm")("postgres", "list", "--jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == listed


def test_a_role_without_a_grant_is_refused_with_exit_4(shared: ServerStore) -> None:
    before = dump_store(shared)
    outsider = kplan_as(shared, OUTSIDER_ROLE)
    for command in (["list"], ["status", "6", "done"]):
        result = outsider(*command, expect=4)
        assert "permission denied" in result.stderr
    refused(shared, OUTSIDER_ROLE, "SELECT * FROM event")
    assert dump_store(shared) == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["grant", "sforsberg"], 4, "only the store's owner (kplan) may grant access"),
        (["revoke", "sforsberg"], 4, "only the store's owner (kplan) may revoke access"),
    ],
)
def test_only_the_owner_grants(
    shared: ServerStore, args: list[str], code: int, message: str
) -> None:
    before = dump_store(shared)
    result = kplan_as(shared, "mholm")("postgres", *args, expect=code)
    assert message in result.stderr and "you are connected as mholm" in result.stderr
    assert dump_store(shared) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grant", "nosuchrole_kplan"], "there is no role 'nosuchrole_kplan' on the server"),
        (["grant", "mholm", "--owner", "  "], "is not a usable person id"),
        (["grant", "mholm", "--owner", "a\x1bb"], "is not a usable person id"),
        (["grant", "kplan"], "kplan owns the store and may do everything already"),
        (["revoke", "nosuchrole_kplan"], "there is no role 'nosuchrole_kplan'"),
    ],
)
def test_grant_refuses_bad_input_with_exit_1(
    shared: ServerStore, args: list[str], message: str
) -> None:
    before = dump_store(shared)
    result = Kplan(shared)("postgres", *args, expect=1)
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert dump_store(shared) == before


def test_a_role_name_is_quoted_not_run(shared: ServerStore) -> None:
    result = Kplan(shared)("postgres", "grant", 'mholm"; DROP TABLE event; --', expect=1)
    assert "there is no role" in result.stderr
    assert query(shared, "SELECT count(*) AS n FROM event")[0]["n"] > 0


@pytest.mark.parametrize("command", [["grant", "mholm"], ["revoke", "mholm"], ["list"]])
def test_the_postgres_commands_need_a_server(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "store.db"
    result = Kplan(path)("postgres", *command, expect=2)
    assert result.stderr == (
        "kplan: error: kplan postgres works on a PostgreSQL store only; on an SQLite file"
        " whoever may write the file may do anything\n"
    )
    assert not path.exists()


def test_init_by_the_owner_repairs_the_rules_and_by_anyone_else_says_who_they_are(
    store: ServerStore,
) -> None:
    run_sql(store, "kplan", "ALTER TABLE event DISABLE TRIGGER kplan_event_append_only")
    run_sql(store, "kplan", "DROP TRIGGER kplan_guard ON measure")
    owner = Kplan(store)
    result = owner("init")
    assert "You own this store (kplan); its rules are in place" in result.stdout
    refused(store, "kplan", "DELETE FROM event")
    refused(store, "mholm", f"UPDATE measure SET status = 'done' WHERE id = {SFORSBERG_MEASURE}")
    result = kplan_as(store, COORDINATOR_ROLE)("init")
    assert f"You act as pnyberg (role {COORDINATOR_ROLE}); the store is owned by kplan." in (
        result.stdout
    )


# --- Upgrading a store of schema version 3 ---------------------------------------------


def _downgrade_to_3(server: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from kplan.store.schema import alembic_config

    engine = create_engine(server)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    engine.dispose()


def test_a_server_store_of_version_3_gains_the_rules_when_its_owner_opens_it(
    store: ServerStore,
) -> None:
    owner = Kplan(store)
    owner("status", "6", "done", "--as", "sforsberg")
    _downgrade_to_3(store)
    # What the old setup in docs/postgres.md gave everyone: any right on any table.
    run_sql(store, "kplan", "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON event TO mholm")
    run_sql(store, "kplan", "GRANT UPDATE, DELETE ON event TO PUBLIC")
    run_sql(store, "kplan", "DELETE FROM event WHERE field = 'status'")  # no rules at 3
    events_before = query(store, "SELECT id, actor, field FROM event ORDER BY id")

    # A person cannot upgrade it, and hears whom to ask.
    result = kplan_as(store, "mholm")("list", expect=4)
    assert result.stderr == (
        f"kplan: error: the store {as_role(store, 'mholm')} has schema version 3 and needs"
        f" an upgrade to {SCHEMA_VERSION} that only its owner may make; run kplan init as"
        " the role kplan"
        " (you are mholm)\n"
    )

    result = owner("init")
    assert f"from schema version 3 to {SCHEMA_VERSION}" in result.stderr
    assert query(store, "SELECT id, actor, field FROM event ORDER BY id") == events_before
    assert {row["db_role"] for row in query(store, "SELECT db_role FROM event")} == {None}
    # The old grant to change the log is gone; the rule holds for the owner too.
    (left,) = run_sql(
        store,
        "kplan",
        "SELECT count(*) FROM pg_class c, aclexplode(c.relacl) AS a"
        " WHERE c.oid = 'event'::regclass AND a.grantee <> c.relowner"
        " AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')",
    )
    assert left == (0,)
    refused(store, "mholm", "DELETE FROM event")
    refused(store, "kplan", "TRUNCATE event")
    # The record of who acts as whom went with the downgrade: granted again.
    owner("postgres", "grant", "mholm")
    kplan_as(store, "mholm")("status", "10", "done")
    refused(store, "mholm", f"UPDATE measure SET status = 'done' WHERE id = {SFORSBERG_MEASURE}")


def test_every_table_of_the_store_has_its_rule() -> None:
    """A new table must be placed among the rules' tables, or it would be open to all."""
    from sqlmodel import SQLModel

    from kplan.store import models  # noqa: F401
    from kplan.store.postgres_rules import CONTENT_TABLES, INFO_TABLES, LOG_TABLE

    known = {*CONTENT_TABLES, LOG_TABLE, *INFO_TABLES}
    assert set(SQLModel.metadata.tables) <= known
    assert set(SQLModel.metadata.tables) >= set(CONTENT_TABLES)


def test_a_server_store_of_version_6_guards_the_values_split_by_group_once_upgraded(
    store: ServerStore,
) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from kplan.store.schema import alembic_config

    owner = Kplan(store)
    engine = create_engine(store)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0006")
    engine.dispose()
    result = owner("init")
    assert f"from schema version 6 to {SCHEMA_VERSION}" in result.stderr
    message = refused(
        store,
        "mholm",
        "INSERT INTO indicator_group_value (indicator_id, part, value)"
        " SELECT id, '2016.kön=kvinnor', 1 FROM indicator WHERE key = 'vagledare-utbildade'",
    )
    assert message.startswith("mholm may not ")
    # His own indicator's groups are his to record, through kplan and as granted before.
    kplan_as(store, "mholm")("record", "validerade", "2016", "12", "--group", "kön=kvinnor")
    assert query(store, "SELECT part FROM indicator_group_value") == [{"part": "2016.kön=kvinnor"}]


def test_an_owner_may_mark_her_own_laget_public_through_psql_and_kplan(
    store: ServerStore,
) -> None:
    run_sql(
        store, "mholm", f"UPDATE measure SET situation_public = true WHERE id = {MHOLM_MEASURE}"
    )
    mholm = kplan_as(store, "mholm")
    assert "situation_public = true" in mholm("export").stdout
    mholm("measure", "edit", "10", "--no-situation-public")
    assert "situation_public" not in mholm("export").stdout
    # Another owner's measure stays hers, this column too.
    message = refused(
        store,
        "mholm",
        f"UPDATE measure SET situation_public = true WHERE id = {SFORSBERG_MEASURE}",
    )
    assert "mholm may not" in message
