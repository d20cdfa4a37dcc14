"""Schema migrations: the revisions match the models, and old stores are upgraded intact."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kplan.errors import StoreError
from kplan.store import schema
from kplan.store.engine import open_store
from tests.conftest import OREBRO, ROOT, Kplan, dump_store

SCHEMA1_STORE = ROOT / "tests" / "data" / "store-schema1.db"
SCHEMA1_TABLES = {
    "store_info",
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
    "event",
}
SCHEMA2_TABLES = {"round", "round_report", "snapshot"}


def _upgrade_from_empty(path: Path, revision: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.upgrade(schema.alembic_config(connection), revision)
    engine.dispose()


def _differences(path: Path, metadata: Any) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _reflected(path: Path) -> Any:
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(f"sqlite:///{path}")
    metadata = MetaData()
    metadata.reflect(engine)
    engine.dispose()
    return metadata


def _schema1_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "kplan.db"
    shutil.copyfile(SCHEMA1_STORE, copy)
    return copy


SCHEMA8_KEYED = {
    "four_p": ("part", "state"),
    "perspective_coverage": ("perspective", "level"),
}


def _drop_schema9(connection: sqlite3.Connection) -> None:
    """Take a current store back to what schema 8 had: the keyed tables with row ids."""
    for name, (key, value) in SCHEMA8_KEYED.items():
        connection.execute(f"ALTER TABLE {name} RENAME TO old_{name}")
        connection.execute(
            f"CREATE TABLE {name} (measure_id INTEGER NOT NULL, {key} VARCHAR NOT NULL,"
            f" {value} VARCHAR NOT NULL, PRIMARY KEY (measure_id, {key}),"
            " FOREIGN KEY(measure_id) REFERENCES measure (id))"
        )
        connection.execute(f"INSERT INTO {name} SELECT * FROM old_{name}")
        connection.execute(f"DROP TABLE old_{name}")


def _without_rowid(path: Path) -> dict[str, bool]:
    connection = sqlite3.connect(path)
    try:
        return {
            name: "WITHOUT ROWID" in sql
            for name, sql in connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE name IN (?, ?)", tuple(SCHEMA8_KEYED)
            )
        }
    finally:
        connection.close()


def _drop_schema8(connection: sqlite3.Connection) -> None:
    """Take a current store back to what schema 7 had (for the tests of older versions)."""
    _drop_schema9(connection)
    connection.execute("ALTER TABLE plan DROP COLUMN language")
    connection.execute("ALTER TABLE plan DROP COLUMN timezone")
    connection.execute("ALTER TABLE plan DROP COLUMN public")
    connection.execute("ALTER TABLE measure DROP COLUMN situation_public")


def _drop_schema7(connection: sqlite3.Connection) -> None:
    """Take a current store back to what schema 6 had (for the tests of older versions)."""
    _drop_schema8(connection)
    connection.execute("DROP TABLE indicator_group_value")
    connection.execute("ALTER TABLE indicator DROP COLUMN source")
    connection.execute("ALTER TABLE event DROP COLUMN source")


def _backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.bak-*"))


def test_the_head_revision_is_the_models(tmp_path: Path) -> None:
    from sqlmodel import SQLModel

    from kplan.store import models  # noqa: F401

    path = tmp_path / "migrated.db"
    _upgrade_from_empty(path, "head")
    assert _differences(path, SQLModel.metadata) == []
    # A store created from the models is the same as one built by the revisions.
    created = tmp_path / "created.db"
    open_store(str(created)).close()
    assert _differences(created, _reflected(path)) == []

    # kplan writes the stamp itself: the same table (but for its layout) and row as Alembic's.
    def stamp(store: Path) -> tuple[str, list[tuple[str, ...]]]:
        connection = sqlite3.connect(store)
        try:
            (sql,) = connection.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'alembic_version'"
            ).fetchone()
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
        return "".join(sql.split()), rows

    assert stamp(created) == stamp(path)


def test_revision_0001_is_the_first_schema_exactly(tmp_path: Path) -> None:
    path = tmp_path / "first.db"
    _upgrade_from_empty(path, "0001")
    first = _reflected(SCHEMA1_STORE)
    assert set(first.tables) == SCHEMA1_TABLES
    assert _differences(path, first) == []
    assert dump_store(path)["store_info"] == [("schema_version", "1")]


def test_schema_versions_and_revisions_agree() -> None:
    from alembic.script import ScriptDirectory

    from kplan.store import models

    script = ScriptDirectory.from_config(schema.alembic_config())
    assert script.get_heads() == [schema.HEAD]
    assert schema.LATEST == models.SCHEMA_VERSION
    chain = [revision.revision for revision in script.walk_revisions("base", "heads")]
    assert sorted(chain) == sorted(schema.REVISIONS.values())


def test_a_store_of_the_first_schema_keeps_every_row(tmp_path: Path) -> None:
    path = _schema1_copy(tmp_path)
    before = dump_store(path)
    assert set(before) == SCHEMA1_TABLES
    assert len(before["event"]) == 9 and len(before["measure"]) == 29

    result = Kplan(path)("plans", "--json")
    backups = _backups(path)
    assert len(backups) == 1
    assert backups[0].name.startswith("kplan.db.bak-schema1-")
    assert result.stderr.strip() == (
        f"kplan: upgraded the store {path} from schema version 1 to {schema.LATEST}; "
        f"the store as it was is kept in {backups[0]}"
    )
    after = dump_store(path)
    for table in SCHEMA1_TABLES - {"store_info", "plan", "event", "measure", "indicator"}:
        assert after[table] == before[table], table
    # Version 3 gave every plan an edit policy, open as before; version 8 no
    # language or zone of its own, and exports that are not public.
    assert [row[:-4] for row in after["plan"]] == before["plan"]
    assert {row[-4:] for row in after["plan"]} == {("open", None, None, 0)}
    # Version 4 gave every event the role that wrote it: none on SQLite; version 7 its source.
    assert [row[:-2] for row in after["event"]] == before["event"]
    assert {row[-2:] for row in after["event"]} == {(None, None)}
    # Version 5 gave every measure an empty current state (läget); version 8 not public.
    assert [row[:-2] for row in after["measure"]] == before["measure"]
    assert {row[-2:] for row in after["measure"]} == {(None, 0)}
    # Version 7 gave every indicator an empty source, and a table of values split by group.
    assert [row[:-1] for row in after["indicator"]] == before["indicator"]
    assert {row[-1] for row in after["indicator"]} == {None}
    assert after["indicator_group_value"] == []
    assert after["store_info"] == [("schema_version", str(schema.LATEST))]
    assert after["alembic_version"] == [(schema.HEAD,)]
    assert set(after) >= SCHEMA2_TABLES
    assert all(after[table] == [] for table in SCHEMA2_TABLES)
    # The copy is the store as it was, rows and schema, in one file.
    assert dump_store(backups[0]) == before
    assert not Path(f"{backups[0]}-wal").exists()

    # The second open finds the store current: no message, no copy.
    again = Kplan(path)("plans", "--json")
    assert again.stderr == ""
    assert _backups(path) == backups
    assert dump_store(path) == after


def test_the_upgraded_store_works_and_matches_the_models(tmp_path: Path) -> None:
    from sqlmodel import SQLModel

    path = _schema1_copy(tmp_path)
    kplan = Kplan(path)
    assert kplan.json("show", "5", "--plan", "orebro-kompetens")["progress"] == 45
    kplan("round", "open", "Vår 2026", "--plan", "orebro-kompetens", "--as", "ehedlund")
    kplan("snapshot", "take", "efter-uppgradering", "--plan", "orebro-kompetens")
    assert _differences(path, SQLModel.metadata) == []


def test_a_current_store_from_before_alembic_is_only_stamped(tmp_path: Path) -> None:
    path = tmp_path / "kplan.db"
    open_store(str(path)).close()
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE alembic_version")
    connection.commit()
    connection.close()

    result = Kplan(path)("plans", "--json")
    assert result.stderr == ""
    assert _backups(path) == []
    assert dump_store(path)["alembic_version"] == [(schema.HEAD,)]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE alembic_version SET version_num = '0099'", "schema revision 0099"),
        (
            "DROP TABLE alembic_version; UPDATE store_info SET value = '99'",
            f"schema version 99, newer than this kplan knows (up to {schema.LATEST})",
        ),
    ],
)
def test_a_store_of_a_newer_kplan_is_refused(tmp_path: Path, sql: str, expected: str) -> None:
    path = tmp_path / "kplan.db"
    open_store(str(path)).close()
    connection = sqlite3.connect(path)
    connection.executescript(sql)
    connection.close()
    before = dump_store(path)

    result = Kplan(path)("plans", expect=1)
    assert expected in result.stderr
    assert "upgrade kplan" in result.stderr
    assert dump_store(path) == before
    with pytest.raises(StoreError, match="upgrade kplan"):
        open_store(str(path))


def test_opening_a_current_store_needs_no_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kplan.core.queries import plans
    from kplan.present.summary import plan_rows
    from kplan.store import engine

    path = tmp_path / "kplan.db"
    Kplan(path)("import", str(ROOT / "examples" / "orebro_plan.toml"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # Anyone asking for the write lock now would give up at once.
        monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 1)
        store = open_store(str(path), create=False)
        assert [plan["id"] for plan in plan_rows(plans(store))] == ["orebro-kompetens"]
        # ...as a write does.
        with pytest.raises(StoreError, match="locked"), store.writing() as rows:
            rows("SELECT 1")
        store.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_opening_a_current_store_does_not_import_alembic(tmp_path: Path) -> None:
    path = tmp_path / "kplan.db"
    open_store(str(path)).close()
    script = (
        "import sys\n"
        "from kplan.store.engine import open_store\n"
        "open_store(sys.argv[1], create=False).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"


def test_concurrent_first_opens_upgrade_once(tmp_path: Path) -> None:
    """Four processes open the same old store at once: one upgrades, with one copy."""
    path = _schema1_copy(tmp_path)
    fresh = tmp_path / "fresh.db"
    script = (
        "import sys\n"
        "from kplan.store.engine import open_store\n"
        "from kplan.store.schema import upgrades_reported_to\n"
        "with upgrades_reported_to(lambda u: print('upgraded', u.backup)):\n"
        "    open_store(sys.argv[1]).close()\n"
        "    open_store(sys.argv[2]).close()\n"
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path), str(fresh)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [worker.communicate(timeout=600) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], outputs
    said = [line for stdout, _ in outputs for line in stdout.splitlines()]
    assert len(said) == 1 and said[0].startswith("upgraded ")
    assert len(_backups(path)) == 1
    assert dump_store(path)["alembic_version"] == [(schema.HEAD,)]
    assert dump_store(fresh)["alembic_version"] == [(schema.HEAD,)]
    assert dump_store(fresh)["store_info"] == [("schema_version", str(schema.LATEST))]


def test_the_upgrade_message_in_swedish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    path = _schema1_copy(tmp_path)
    result = Kplan(path)("plans")
    assert "uppgraderade lagret" in result.stderr
    assert str(_backups(path)[0]) in result.stderr


def test_a_store_of_version_2_gains_the_edit_policy(tmp_path: Path) -> None:
    path = tmp_path / "kplan.db"
    kplan = Kplan(path)
    kplan("import", str(OREBRO))
    connection = sqlite3.connect(path)
    connection.execute("ALTER TABLE plan DROP COLUMN edit")
    connection.execute("ALTER TABLE event DROP COLUMN db_role")
    connection.execute("ALTER TABLE measure DROP COLUMN situation")
    connection.execute("ALTER TABLE snapshot DROP COLUMN states")
    _drop_schema7(connection)
    connection.execute("UPDATE alembic_version SET version_num = '0002'")
    connection.execute("UPDATE store_info SET value = '2' WHERE name = 'schema_version'")
    connection.commit()
    connection.close()
    before = dump_store(path)

    result = kplan("plans", "--json")
    assert f"from schema version 2 to {schema.LATEST}" in result.stderr
    assert json.loads(result.stdout)[0]["edit"] == "open"
    after = dump_store(path)
    # The edit policy (version 3), then language, zone and public (version 8).
    assert [row[:-4] for row in after["plan"]] == before["plan"]
    # The läget (version 5), then whether it is public (version 8).
    assert [row[:-2] for row in after["measure"]] == before["measure"]
    assert [row[:-2] for row in after["event"]] == before["event"]
    assert len(_backups(path)) == 1
    kplan("status", "7", "delayed")


def test_a_store_of_version_3_gains_the_event_role_empty_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "kplan.db"
    kplan = Kplan(path)
    kplan("import", str(OREBRO))
    connection = sqlite3.connect(path)
    connection.execute("ALTER TABLE event DROP COLUMN db_role")
    connection.execute("ALTER TABLE measure DROP COLUMN situation")
    connection.execute("ALTER TABLE snapshot DROP COLUMN states")
    _drop_schema7(connection)
    connection.execute("UPDATE alembic_version SET version_num = '0003'")
    connection.execute("UPDATE store_info SET value = '3' WHERE name = 'schema_version'")
    connection.commit()
    connection.close()
    before = dump_store(path)

    result = kplan("status", "7", "delayed", "--as", "someone")
    assert f"from schema version 3 to {schema.LATEST}" in result.stderr
    after = dump_store(path)
    kept = {row[0] for row in before["event"]}
    assert [row[:-2] for row in after["event"] if row[0] in kept] == before["event"]
    assert len(after["event"]) == len(before["event"]) + 1
    assert {row[-2:] for row in after["event"]} == {(None, None)}
    event = kplan.json("log", "--limit", "1")[0]
    assert (event["actor"], event["db_role"]) == ("someone", None)


def test_a_store_of_version_4_gains_an_empty_situation_for_every_measure(tmp_path: Path) -> None:
    path = tmp_path / "kplan.db"
    kplan = Kplan(path)
    kplan("import", str(OREBRO))
    connection = sqlite3.connect(path)
    connection.execute("ALTER TABLE measure DROP COLUMN situation")
    connection.execute("ALTER TABLE snapshot DROP COLUMN states")
    _drop_schema7(connection)
    connection.execute("UPDATE alembic_version SET version_num = '0004'")
    connection.execute("UPDATE store_info SET value = '4' WHERE name = 'schema_version'")
    connection.commit()
    connection.close()
    before = dump_store(path)

    result = kplan("show", "7", "--json")
    assert f"from schema version 4 to {schema.LATEST}" in result.stderr
    assert json.loads(result.stdout)["situation"] is None
    after = dump_store(path)
    # The läget (version 5), then whether it is public (version 8).
    assert [row[:-2] for row in after["measure"]] == before["measure"]
    assert {row[-2:] for row in after["measure"]} == {(None, 0)}
    assert [row[:-1] for row in after["event"]] == before["event"]
    kplan("note", "7", "Uppstart i maj", "--as", "sforsberg")
    assert kplan.json("show", "7")["situation"] == "Uppstart i maj"


def test_a_store_of_version_5_gains_the_states_of_its_snapshots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_NOW", "2026-03-01T12:00:00")
    path = tmp_path / "kplan.db"
    kplan = Kplan(path)
    # Schema 5 knew no indicator sources: the example without its one.
    lines = OREBRO.read_text(encoding="utf-8").splitlines(keepends=True)
    unsourced = tmp_path / "unsourced.toml"
    unsourced.write_text("".join(x for x in lines if not x.startswith("source = ")), "utf-8")
    kplan("import", str(unsourced))
    kplan("snapshot", "take", "före", "--as", "ehedlund")
    kplan("status", "7", "delayed", "--progress", "35", "--as", "sforsberg")
    kplan("snapshot", "take", "efter", "--as", "ehedlund")
    page = kplan("export", "--format", "html").stdout
    kplan("snapshot", "take", "trasig", "--as", "ehedlund")
    connection = sqlite3.connect(path)
    written = dict(connection.execute("SELECT name, states FROM snapshot"))
    connection.execute("UPDATE snapshot SET content = '{' WHERE name = 'trasig'")
    connection.execute("ALTER TABLE snapshot DROP COLUMN states")
    _drop_schema7(connection)
    connection.execute("UPDATE alembic_version SET version_num = '0005'")
    connection.execute("UPDATE store_info SET value = '5' WHERE name = 'schema_version'")
    connection.commit()
    connection.close()
    before = dump_store(path)

    result = kplan("snapshot", "list", "--json")
    assert f"from schema version 5 to {schema.LATEST}" in result.stderr
    after = dump_store(path)
    assert [row[:-1] for row in after["snapshot"]] == before["snapshot"]
    states = {row[2]: row[-1] for row in after["snapshot"]}
    # Filled from the content each snapshot keeps: what kplan writes when it takes one,
    # less the year's counts (kplan trend thaws a snapshot kept without them).
    for name in ("före", "efter"):
        taken = json.loads(written[name])
        assert "figures" in taken
        del taken["figures"]
        assert json.loads(states[name]) == taken
    assert states["trasig"] is None
    assert "snapshot 'trasig'" in kplan("export", "--format", "html", expect=1).stderr
    kplan("snapshot", "delete", "trasig", "--as", "ehedlund")
    assert kplan("export", "--format", "html").stdout == page


def test_a_store_of_version_6_gains_indicator_sources_and_values_by_group(tmp_path: Path) -> None:
    path = tmp_path / "kplan.db"
    kplan = Kplan(path)
    kplan("import", str(OREBRO))
    connection = sqlite3.connect(path)
    _drop_schema7(connection)
    connection.execute("UPDATE alembic_version SET version_num = '0006'")
    connection.execute("UPDATE store_info SET value = '6' WHERE name = 'schema_version'")
    connection.commit()
    connection.close()
    before = dump_store(path)

    result = kplan("show", "7", "--json")
    assert f"from schema version 6 to {schema.LATEST}" in result.stderr
    after = dump_store(path)
    assert [row[:-1] for row in after["indicator"]] == before["indicator"]
    assert {row[-1] for row in after["indicator"]} == {None}
    assert after["indicator_value"] == before["indicator_value"]
    assert after["indicator_group_value"] == []
    assert [row[:-1] for row in after["event"]] == before["event"]
    assert {row[-1] for row in after["event"]} == {None}
    kplan(
        "record",
        "matchning-utbildning",
        "2016",
        "63.5",
        "--group",
        "kön=kvinnor",
        "--as",
        "sforsberg",
    )
    assert dump_store(path)["indicator_group_value"] != []


def test_a_store_of_version_7_gains_language_time_zone_and_public_settings(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kplan.db"
    kplan = Kplan(path)
    kplan("import", str(OREBRO))
    connection = sqlite3.connect(path)
    _drop_schema8(connection)
    connection.execute("UPDATE alembic_version SET version_num = '0007'")
    connection.execute("UPDATE store_info SET value = '7' WHERE name = 'schema_version'")
    connection.commit()
    connection.close()
    before = dump_store(path)

    result = kplan("plan", "show", "--json")
    assert f"from schema version 7 to {schema.LATEST}" in result.stderr
    settings = json.loads(result.stdout)
    # Every plan keeps what it had: no language or zone of its own, not public.
    assert (settings["language"], settings["timezone"], settings["public"]) == (None, None, False)
    assert settings["zone"] == "Europe/Stockholm"
    after = dump_store(path)
    assert [row[:-3] for row in after["plan"]] == before["plan"]
    assert {row[-3:] for row in after["plan"]} == {(None, None, 0)}
    assert [row[:-1] for row in after["measure"]] == before["measure"]
    assert {row[-1] for row in after["measure"]} == {0}
    assert after["event"] == before["event"]
    kplan("plan", "edit", "--language", "en", "--timezone", "UTC", "--public", "--as", "ehedlund")
    kplan("measure", "edit", "19", "--situation-public", "--as", "ehedlund")
    exported = kplan("export").stdout
    assert 'language = "en"' in exported and 'timezone = "UTC"' in exported
    assert "public = true" in exported and "situation_public = true" in exported


def test_a_store_of_version_8_keeps_its_fyra_p_and_perspectives_in_tables_by_key(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kplan.db"
    kplan = Kplan(path)
    kplan("import", str(OREBRO))
    assert _without_rowid(path) == {"four_p": True, "perspective_coverage": True}
    listed = kplan("list", "--json").stdout
    connection = sqlite3.connect(path)
    _drop_schema9(connection)
    connection.execute("UPDATE alembic_version SET version_num = '0008'")
    connection.execute("UPDATE store_info SET value = '8' WHERE name = 'schema_version'")
    connection.commit()
    connection.close()
    assert _without_rowid(path) == {"four_p": False, "perspective_coverage": False}
    before = dump_store(path)

    result = kplan("plans")
    assert f"from schema version 8 to {schema.LATEST}" in result.stderr
    assert _without_rowid(path) == {"four_p": True, "perspective_coverage": True}
    after = dump_store(path)
    assert after["four_p"] == before["four_p"] and len(after["four_p"]) == 22 * 4
    assert after["perspective_coverage"] == before["perspective_coverage"]
    stamps = ("store_info", "alembic_version")
    assert {k: v for k, v in after.items() if k not in stamps} == {
        k: v for k, v in before.items() if k not in stamps
    }
    assert kplan("list", "--json").stdout == listed
    # The tables work as before: a change to a Fyra P part and a perspective.
    kplan("fourp", "7", "policy", "done", "--as", "sforsberg")
    kplan("perspective", "7", "kön", "yes", "--as", "sforsberg")
    shown = kplan.json("show", "7")
    assert shown["four_p"]["policy"] == "done" and shown["perspectives"]["kön"] == "yes"
