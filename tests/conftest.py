"""Shared fixtures: every test gets its own data folder and a fixed user and language.

The store, CLI, apply, rounds and concurrency tests run twice: on an SQLite
file and on a fresh database of a PostgreSQL server. The server is the one
``KPLAN_TEST_POSTGRES_URL`` names (a role that may create databases, and
roles for tests/test_postgres_rules.py, e.g.
``postgresql+psycopg://kplan@127.0.0.1:5432/postgres``; ``.ci/postgres.sh``
starts one). Without it those cases are skipped; with
``KPLAN_REQUIRE_POSTGRES=1`` an unreachable server fails them instead.
A test that is about SQLite files, or too slow to be worth repeating, is
marked ``sqlite_only``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from typer.testing import CliRunner

from kplan import i18n, moments

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
OREBRO = EXAMPLES / "orebro_plan.toml"
KRONOBERG = EXAMPLES / "kronoberg_plan.toml"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point kplan's data folder at a temporary directory; fix user and language."""
    home = tmp_path / "kplan-home"
    monkeypatch.setenv("KPLAN_HOME", str(home))
    for variable in (
        "KPLAN_DB",
        "KPLAN_PLAN",
        "KPLAN_LANG",
        "LC_ALL",
        "LC_MESSAGES",
        "KPLAN_DEBUG",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("KPLAN_USER", "tester")
    monkeypatch.setenv("NO_COLOR", "1")
    # What --lang chose and the zone of the plan last read are the process's:
    # each test starts without them, as each run of kplan does.
    i18n.choose(None)
    moments.read_in(None)
    return home


# Test modules whose tests that use a store run on both backends.
BOTH_BACKENDS = {
    "test_import_big",
    "test_store",
    "test_cli",
    "test_apply",
    "test_rounds",
    "test_concurrency",
    "test_undo",
    "test_names",
    "test_people",
    "test_structure",
    "test_import_conflicts",
    "test_year",
    "test_settings",
    "test_stats",
    "test_trend",
    "test_compare",
    "test_langtime",
    "test_list_stream",
}
POSTGRES_HOW = (
    "set KPLAN_TEST_POSTGRES_URL to a PostgreSQL role that may create databases and roles, e.g. "
    "postgresql+psycopg://kplan@127.0.0.1:5432/postgres (.ci/postgres.sh starts a server; "
    "see docs/postgres.md)"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only: runs on SQLite only (it is about SQLite files, or too slow to repeat)",
    )
    config.addinivalue_line("markers", "postgres_only: runs on PostgreSQL only")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the store tests of the modules in BOTH_BACKENDS on SQLite and PostgreSQL."""
    if "backend" not in metafunc.fixturenames:
        return
    module = metafunc.module.__name__.rpartition(".")[2]
    marked = metafunc.definition.get_closest_marker
    if marked("postgres_only"):
        backends = ["postgres"]
    elif module in BOTH_BACKENDS and not marked("sqlite_only"):
        backends = ["sqlite", "postgres"]
    else:
        backends = ["sqlite"]
    metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test's store is on: "sqlite" or "postgres"."""
    return str(getattr(request, "param", "sqlite"))


class ServerStore(str):
    """The URL of a store on a PostgreSQL server, where tests put a store path."""

    __slots__ = ()


def libpq_url(url: str) -> str:
    """A URL psycopg itself takes (no SQLAlchemy driver name)."""
    scheme, _, rest = url.partition("://")
    return f"postgresql://{rest}" if scheme.startswith("postgres") else url


# The first failure to reach the server, so later tests do not wait for it again.
_server_problem: list[str] = []


def _unavailable(message: str, required: bool) -> NoReturn:
    if required:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def postgres_db() -> Iterator[ServerStore]:
    """A new, empty database on the test server, dropped afterwards."""
    url = os.environ.get("KPLAN_TEST_POSTGRES_URL", "")
    required = os.environ.get("KPLAN_REQUIRE_POSTGRES") == "1"
    if not url:
        if required:
            pytest.fail(f"KPLAN_REQUIRE_POSTGRES=1 but no server: {POSTGRES_HOW}")
        pytest.skip(f"PostgreSQL tests are off; to run them, {POSTGRES_HOW}")
    try:
        import psycopg
    except ImportError:
        pytest.fail("psycopg is missing: pip install -e '.[test]'")
    if _server_problem:
        _unavailable(f"PostgreSQL server at {url} unusable: {_server_problem[0]}", required)
    name = f"kplan_test_{uuid.uuid4().hex[:16]}"
    try:
        admin = psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        _server_problem.append(" ".join(str(exc).split()))
        _unavailable(f"PostgreSQL server at {url} unusable: {_server_problem[0]}", required)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    from sqlalchemy.engine import make_url

    yield ServerStore(make_url(url).set(database=name).render_as_string(hide_password=False))
    _drop_database(url, name)


def _drop_database(url: str, name: str) -> None:
    import psycopg

    # FORCE ends the test's own leftover connections; an autovacuum worker on
    # the new database can still refuse a role without superuser rights, so
    # try again a few times and only warn: a leftover database harms no test.
    problem = ""
    for attempt in range(5):
        try:
            with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.Error as exc:
            problem = " ".join(str(exc).split())
            time.sleep(0.2 * (attempt + 1))
    warnings.warn(f"could not drop the test database {name}: {problem}", stacklevel=1)


@pytest.fixture
def db(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Path:
    """The test's store: a path in its temporary folder (not created yet), or on
    the ``postgres`` backend the URL of a new, empty server database."""
    if backend == "postgres":
        server: Path = request.getfixturevalue("postgres_db")
        return server
    return tmp_path / "store.db"


class Kplan:
    """Runs kplan commands in-process through Typer's CliRunner."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, db: Path | None = None, expect: int | None = 0) -> Any:
        from kplan.cli import app

        result = self.runner.invoke(app, [*args, "--db", str(db or self.db)])
        if expect is not None:
            assert result.exit_code == expect, (
                f"kplan {' '.join(args)} exited {result.exit_code}, expected {expect}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
            )
        return result

    def json(self, *args: str) -> Any:
        """Run a command with --json and parse its output."""
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def kplan(db: Path) -> Kplan:
    """Run kplan against the test's store: ``kplan("list", "--json")``."""
    return Kplan(db)


@pytest.fixture
def orebro(kplan: Kplan) -> Kplan:
    """A store holding the example Örebro plan."""
    kplan("import", str(OREBRO))
    return kplan


def query(store: Path | str, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of an SQL query (``:name`` parameters) on a test store, SQLite or server."""
    from sqlalchemy import create_engine, text

    url = store if isinstance(store, ServerStore) else f"sqlite:///{store}"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def execute(store: Path | str, sql: str, **params: Any) -> None:
    """Run one SQL statement on a test store and commit (to make an old store's data)."""
    from sqlalchemy import create_engine, text

    url = store if isinstance(store, ServerStore) else f"sqlite:///{store}"
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        engine.dispose()


def dump_store(path: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a store, to compare before and after."""
    if isinstance(path, ServerStore):
        tables = query(
            path,
            "SELECT table_name AS name FROM information_schema.tables"
            " WHERE table_schema = 'public' ORDER BY table_name",
        )
        return {
            table["name"]: sorted(
                (tuple(row.values()) for row in query(path, f'SELECT * FROM "{table["name"]}"')),
                key=repr,
            )
            for table in tables
        }
    path = Path(path)
    if not path.exists():
        return {}
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        connection.close()


@pytest.fixture
def store_dump() -> Callable[[Path], dict[str, list[tuple[Any, ...]]]]:
    """The ``dump_store`` function, as a fixture."""
    return dump_store
