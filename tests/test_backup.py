"""kplan backup and kplan restore: consistent copies of a live SQLite store, and back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kplan.store import schema
from tests.conftest import KRONOBERG, OREBRO, ROOT, Kplan, dump_store

KPLAN = Path(sys.executable).with_name("kplan")
SCHEMA1_STORE = ROOT / "tests" / "data" / "store-schema1.db"


def _integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def test_backup_copies_every_row_into_one_file(orebro: Kplan, tmp_path: Path) -> None:
    orebro("status", "7", "delayed", "--note", "väntar på beslut")
    copy = tmp_path / "copy.db"
    result = orebro("backup", str(copy))
    assert result.stdout.strip() == (
        f"Backed up the store {orebro.db} to {copy} (1 plan, 2 events)."
    )
    assert dump_store(copy) == dump_store(orebro.db)
    assert _integrity(copy) == "ok"
    # One self-contained file: no log beside it, no temporary file left.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]
    assert not list(tmp_path.glob(".copy.db.*"))
    assert copy.stat().st_mode & 0o777 == orebro.db.stat().st_mode & 0o777
    # The copy is a store kplan opens as it is.
    assert Kplan(copy).json("show", "7")["status"] == "delayed"


def test_backup_refuses_to_overwrite_unless_forced(orebro: Kplan, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_text("keep me")
    result = orebro("backup", str(copy), expect=1)
    assert f"{copy} exists already" in result.stderr
    assert "--force" in result.stderr
    assert copy.read_text() == "keep me"
    orebro("backup", str(copy), "--force")
    assert dump_store(copy) == dump_store(orebro.db)


def test_backup_bad_targets_and_missing_store(orebro: Kplan, tmp_path: Path) -> None:
    result = orebro("backup", str(tmp_path), expect=1)
    assert "is a folder; give a file name" in result.stderr
    result = orebro("backup", str(tmp_path / "nowhere" / "copy.db"), expect=1)
    assert "does not exist; create it first" in result.stderr
    result = orebro("backup", str(orebro.db), "--force", expect=1)
    assert "is the store itself" in result.stderr
    result = orebro("backup", str(tmp_path / "copy.db"), db=tmp_path / "missing.db", expect=1)
    assert "no store at" in result.stderr
    assert not (tmp_path / "missing.db").exists()
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize("command", [["backup", "x.db"], ["restore", "x.db", "--yes"]])
def test_a_postgresql_store_points_to_its_own_tools(kplan: Kplan, command: list[str]) -> None:
    from kplan.cli import app

    result = kplan.runner.invoke(app, [*command, "--db", "postgresql://kplan@db.example/plans"])
    assert result.exit_code == 2
    assert "pg_dump and pg_restore" in result.stderr
    assert "SQLite" in result.stderr


def test_backup_while_another_process_writes(orebro: Kplan, tmp_path: Path) -> None:
    """Copies taken while a writer changes the store are whole, consistent stores."""
    changes = 60
    writer_script = (
        "import sys\n"
        "from kplan.core.changes import Change, apply_changes\n"
        "from kplan.store.engine import open_store\n"
        "store = open_store(sys.argv[1], create=False)\n"
        f"for n in range({changes}):\n"
        "    apply_changes(store, [Change('measure', '1', 'progress', n % 2 + 1)], actor='w')\n"
        "    if n == 0:\n"
        "        print('started', flush=True)\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", writer_script, str(orebro.db)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "started"
    copies = []
    while writer.poll() is None or not copies:
        copy = tmp_path / f"copy{len(copies)}.db"
        orebro("backup", str(copy))
        copies.append(copy)
    assert writer.wait(timeout=600) == 0
    for copy in copies:
        assert _integrity(copy) == "ok"
        connection = sqlite3.connect(copy)
        events = connection.execute("SELECT count(*) FROM event WHERE actor = 'w'").fetchone()[0]
        version = connection.execute("SELECT version FROM measure WHERE key = '1'").fetchone()[0]
        connection.close()
        # Every change is one event and one version step, committed together:
        # a copy from the middle of a change would break the equality.
        assert 1 <= events <= changes
        assert version == 1 + events
    final = sqlite3.connect(orebro.db)
    assert final.execute("SELECT count(*) FROM event WHERE actor = 'w'").fetchone()[0] == changes
    final.close()


def test_restore_puts_a_copy_back_and_keeps_the_replaced_store(
    orebro: Kplan, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    orebro("backup", str(copy))
    saved = dump_store(copy)
    orebro("status", "7", "delayed")
    orebro("import", str(KRONOBERG))
    replaced = dump_store(orebro.db)

    result = orebro("restore", str(copy), "--yes")
    kept = sorted(orebro.db.parent.glob("store.db.bak-restore-*"))
    assert len(kept) == 1
    assert result.stdout.splitlines() == [
        f"Restored {copy} into the store {orebro.db} (1 plan, 1 event).",
        f"The store it replaced is kept in {kept[0]}.",
    ]
    assert dump_store(orebro.db) == saved
    assert dump_store(kept[0]) == replaced
    assert orebro.json("show", "7")["status"] != "delayed"
    # The live store is still in write-ahead-log mode.
    connection = sqlite3.connect(orebro.db)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()


def test_readers_see_the_old_store_or_the_restored_one(orebro: Kplan, tmp_path: Path) -> None:
    orebro("import", str(KRONOBERG))
    fresh = tmp_path / "fresh.db"
    Kplan(fresh)("import", str(OREBRO))
    reader = sqlite3.connect(orebro.db, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM plan").fetchone()[0] == 2
    orebro("restore", str(fresh), "--yes")
    # A reader in the middle of a transaction keeps its view of the old store...
    assert reader.execute("SELECT count(*) FROM plan").fetchone()[0] == 2
    reader.execute("COMMIT")
    # ...and its next one sees the whole restored store.
    assert reader.execute("SELECT count(*) FROM plan").fetchone()[0] == 1
    reader.close()


def test_restore_outside_a_terminal_needs_yes(orebro: Kplan, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    orebro("backup", str(copy))
    orebro("status", "7", "delayed")
    before = dump_store(orebro.db)
    result = orebro("restore", str(copy), expect=2)
    assert "pass --yes" in result.stderr
    assert dump_store(orebro.db) == before
    assert not list(orebro.db.parent.glob("store.db.bak-*"))


def test_restore_asks_at_a_terminal(
    orebro: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kplan import cli

    copy = tmp_path / "copy.db"
    orebro("backup", str(copy))
    orebro("status", "7", "delayed")
    before = dump_store(orebro.db)
    monkeypatch.setattr(cli, "_interactive", lambda: True)

    def restore(answer: str, expect: int) -> str:
        result = orebro.runner.invoke(
            cli.app, ["restore", str(copy), "--db", str(orebro.db)], input=answer
        )
        assert result.exit_code == expect, result.output
        return str(result.output)

    said = restore("n\n", 1)
    assert (
        f"Replace the store at {orebro.db} (1 plan, 2 events) with {copy} (1 plan, 1 event)? [y/N]"
        in said
    )
    assert "nothing was restored" in said
    assert dump_store(orebro.db) == before
    said = restore("\n", 1)
    assert dump_store(orebro.db) == before
    said = restore("y\n", 0)
    assert f"Restored {copy}" in said
    assert dump_store(orebro.db) == dump_store(copy)


@pytest.mark.parametrize("content", [b"", b'[plan]\nid = "x"\n', b"SQLite format 3\x00broken"])
def test_restore_refuses_what_is_not_a_store(orebro: Kplan, tmp_path: Path, content: bytes) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(content)
    before = dump_store(orebro.db)
    result = orebro("restore", str(bogus), "--yes", expect=1)
    assert f"{bogus} is not a kplan store" in result.stderr
    assert "kplan backup" in result.stderr
    assert dump_store(orebro.db) == before
    assert not list(orebro.db.parent.glob("store.db.bak-*"))


def test_restore_refuses_other_databases_and_newer_stores(orebro: Kplan, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (text)")
    connection.close()
    assert "it has no kplan tables" in orebro("restore", str(other), "--yes", expect=1).stderr
    assert "no file" in orebro("restore", str(tmp_path / "none.db"), "--yes", expect=1).stderr
    assert "is the store itself" in orebro("restore", str(orebro.db), "--yes", expect=1).stderr
    newer = tmp_path / "newer.db"
    orebro("backup", str(newer))
    connection = sqlite3.connect(newer)
    connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.commit()
    connection.close()
    result = orebro("restore", str(newer), "--yes", expect=1)
    assert "newer than this kplan knows" in result.stderr


def test_restoring_a_store_of_the_first_schema_upgrades_it(kplan: Kplan, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copyfile(SCHEMA1_STORE, old)
    result = kplan("restore", str(old), "--yes")
    assert "(2 plans, 9 events)" in result.stdout
    assert f"from schema version 1 to {schema.LATEST}" in result.stderr
    assert dump_store(kplan.db)["alembic_version"] == [(schema.HEAD,)]
    # The file given to restore is only read.
    assert dump_store(old) == dump_store(SCHEMA1_STORE)


def test_backup_and_restore_with_the_installed_kplan(tmp_path: Path) -> None:
    env = {**os.environ, "KPLAN_DB": str(tmp_path / "kplan.db")}

    def run(*args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(KPLAN), *args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL
        )
        assert done.returncode == expect, done.stderr
        return done

    run("import", str(OREBRO))
    copy = tmp_path / "copy.db"
    assert "Backed up the store" in run("backup", str(copy)).stdout
    run("status", "7", "delayed")
    assert "pass --yes" in run("restore", str(copy), expect=2).stderr
    assert "The store it replaced is kept in" in run("restore", str(copy), "--yes").stdout
    assert dump_store(tmp_path / "kplan.db") == dump_store(copy)


def test_restore_asks_in_a_real_terminal(tmp_path: Path) -> None:
    """The installed kplan, at a pseudo-terminal, asks and restores on "y"."""
    import pty
    import select

    env = {**os.environ, "KPLAN_DB": str(tmp_path / "kplan.db")}
    subprocess.run([str(KPLAN), "import", str(OREBRO)], env=env, check=True, capture_output=True)
    copy = tmp_path / "copy.db"
    subprocess.run([str(KPLAN), "backup", str(copy)], env=env, check=True, capture_output=True)
    subprocess.run([str(KPLAN), "status", "7", "delayed"], env=env, check=True, capture_output=True)

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(KPLAN), "restore", str(copy)],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        close_fds=True,
    )
    os.close(terminal)
    said = b""
    answered = False
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 1024)
        except OSError:  # the terminal closed: kplan is done
            break
        if not chunk:
            break
        said += chunk
        if not answered and b"[y/N]" in said:
            os.write(controller, b"y\n")
            answered = True
    os.close(controller)
    assert process.wait(timeout=600) == 0, said.decode()
    text = said.decode()
    assert "Replace the store at" in text and "(1 plan, 2 events)" in text
    assert "Restored" in text
    assert dump_store(tmp_path / "kplan.db") == dump_store(copy)
