"""Files and databases that are not kplan stores, and --db values that name none.

Whatever the command, kplan changes nothing in another program's file: not
its tables, not its journal mode, not its bytes or its time of change, and
it leaves nothing beside it. Only ``kplan init`` and ``kplan import`` create
a store, and only where there is no file or an empty one; every other
command with a missing store says so and creates nothing, not even a folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kplan.store import schema
from tests.conftest import OREBRO, ROOT, Kplan, ServerStore, dump_store, libpq_url

KPLAN = Path(sys.executable).with_name("kplan")
SCHEMA1_STORE = ROOT / "tests" / "data" / "store-schema1.db"

# Every command that opens the store, with arguments that would work on a store.
COMMANDS: dict[str, list[str]] = {
    "plans": ["plans"],
    "list": ["list"],
    "show": ["show", "7"],
    "status": ["status", "7", "delayed"],
    "step": ["step", "fastighet", "2"],
    "fourp": ["fourp", "7", "policy", "done"],
    "perspective": ["perspective", "7", "kön", "integrated"],
    "record": ["record", "fastighet-platser", "2016", "3"],
    "apply": ["apply", "{changes}"],
    "apply-dry": ["apply", "{changes}", "--dry-run"],
    "undo": ["undo"],
    "log": ["log"],
    "round-open": ["round", "open", "Vår"],
    "round-report": ["round", "report", "7"],
    "round-status": ["round", "status"],
    "round-close": ["round", "close", "--force"],
    "snapshot-take": ["snapshot", "take", "s1"],
    "snapshot-list": ["snapshot", "list"],
    "snapshot-delete": ["snapshot", "delete", "s1"],
    "diff": ["diff", "s1"],
    "export": ["export"],
    "export-file": ["export", "-o", "{elsewhere}/plan.toml"],
    "backup": ["backup", "{elsewhere}/copy.db"],
    "restore": ["restore", "{copy}", "--yes"],
    "import": ["import", str(OREBRO)],
    "import-dry": ["import", str(OREBRO), "--dry-run"],
    "init": ["init"],
}
CREATING = {"init", "import"}


def _foreign_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.executescript(
        "CREATE TABLE event (id INTEGER PRIMARY KEY, at TEXT, what TEXT);"
        "CREATE TABLE plan (name TEXT);"
        "CREATE TABLE notes (body TEXT);"
        "INSERT INTO event (at, what) VALUES ('2020-01-01', 'someone else''s row');"
    )
    connection.commit()
    connection.close()


def _foreign_wal(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.executescript(
        "CREATE TABLE event (id INTEGER PRIMARY KEY, what TEXT);"
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);"
        "INSERT INTO alembic_version VALUES ('0003');"
    )
    connection.commit()
    connection.close()
    assert not Path(f"{path}-wal").exists()


def _database_without_tables(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 7")
    connection.commit()
    connection.close()
    assert path.stat().st_size > 0


def _text_file(path: Path) -> None:
    path.write_text("[plan]\nid = 'not a database'\n" * 20)


def _binary_file(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 16)


FOREIGN_FILES: dict[str, Callable[[Path], None]] = {
    "foreign-sqlite": _foreign_sqlite,
    "foreign-wal": _foreign_wal,
    "sqlite-without-tables": _database_without_tables,
    "text": _text_file,
    "binary": _binary_file,
}


def _state(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file in ``folder``: its hash, time of change and mode."""
    found = {}
    for path in sorted(folder.iterdir()):
        info = path.stat()
        found[path.name] = (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            info.st_mtime_ns,
            info.st_mode,
        )
    return found


def _journal_mode(path: Path) -> str:
    # Read from the header, so that asking does not change anything either.
    header = path.read_bytes()[:20]
    return {1: "rollback", 2: "wal"}.get(header[18], "?")


@pytest.fixture
def places(tmp_path: Path) -> dict[str, Path]:
    """A changes file, a good backup copy, and a folder for what commands write."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    changes = elsewhere / "changes.jsonl"
    changes.write_text('{"measure": "7", "status": "delayed"}\n')
    good = tmp_path / "good"
    good.mkdir()
    Kplan(good / "kplan.db")("import", str(OREBRO))
    copy = elsewhere / "copy-of-good.db"
    Kplan(good / "kplan.db")("backup", str(copy))
    return {"elsewhere": elsewhere, "changes": changes, "copy": copy}


def _args(command: str, places: dict[str, Path]) -> list[str]:
    return [
        part.format(elsewhere=places["elsewhere"], changes=places["changes"], copy=places["copy"])
        for part in COMMANDS[command]
    ]


def _one_line_error(result: Any) -> str:
    assert result.stderr.startswith("kplan: error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return str(result.stderr)


@pytest.mark.parametrize("kind", sorted(FOREIGN_FILES))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_changes_a_file_that_is_not_a_store(
    tmp_path: Path, places: dict[str, Path], command: str, kind: str
) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    theirs = folder / "data.db"
    FOREIGN_FILES[kind](theirs)
    before = _state(folder)
    elsewhere = _state(places["elsewhere"])
    mode = _journal_mode(theirs) if kind.startswith(("foreign", "sqlite")) else None

    result = Kplan(theirs)(*_args(command, places), expect=1)

    said = _one_line_error(result)
    if command == "restore":
        assert "not a kplan store" in said and "Move that file away" in said
    elif kind in ("text", "binary"):
        assert f"cannot use the store {theirs}: it is not an SQLite database" in said
    else:
        assert f"cannot use the store {theirs}: it is an SQLite database without kplan's" in said
    assert "kplan leaves it as it is" in said or command == "restore"
    assert _state(folder) == before
    assert _state(places["elsewhere"]) == elsewhere
    if mode is not None:
        assert _journal_mode(theirs) == mode


@pytest.mark.parametrize("command", sorted(set(COMMANDS) - CREATING - {"restore"}))
def test_a_missing_store_is_created_by_no_other_command(
    tmp_path: Path, places: dict[str, Path], command: str
) -> None:
    missing = tmp_path / "typo" / "deeper" / "kplan.db"
    before = sorted(p.name for p in tmp_path.iterdir())
    elsewhere = _state(places["elsewhere"])

    result = Kplan(missing)(*_args(command, places), expect=None)

    if command == "import-dry":
        # A dry run into no store says what it would do, and creates nothing either.
        assert result.exit_code == 0
        assert "Would import new plan orebro-kompetens" in result.stdout
    else:
        assert result.exit_code == 1
        assert f"no store at {missing} yet" in _one_line_error(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not (tmp_path / "typo").exists()
    assert _state(places["elsewhere"]) == elsewhere


@pytest.mark.parametrize("command", sorted(set(COMMANDS) - CREATING - {"restore"}))
def test_an_empty_file_is_no_store_and_stays_empty(
    tmp_path: Path, places: dict[str, Path], command: str
) -> None:
    empty = tmp_path / "empty" / "kplan.db"
    empty.parent.mkdir()
    empty.touch()
    before = _state(empty.parent)
    result = Kplan(empty)(*_args(command, places), expect=None)
    if command == "import-dry":
        assert result.exit_code == 0
    else:
        assert result.exit_code == 1
        assert f"no store at {empty} yet" in _one_line_error(result)
    assert _state(empty.parent) == before


@pytest.mark.parametrize("command", ["init", "import"])
def test_init_and_import_create_a_store_in_a_missing_or_empty_file(
    tmp_path: Path, command: str
) -> None:
    args = ["init"] if command == "init" else ["import", str(OREBRO)]
    missing = tmp_path / "new" / "folder" / "kplan.db"
    Kplan(missing)(*args)
    empty = tmp_path / "empty.db"
    empty.touch()
    empty.chmod(0o600)
    Kplan(empty)(*args)
    for store in (missing, empty):
        tables = set(dump_store(store))
        assert {"store_info", "plan", "measure", "event", "alembic_version"} <= tables
        assert dump_store(store)["alembic_version"] == [(schema.HEAD,)]
        assert _journal_mode(store) == "wal"
    # The empty file keeps its mode: it is the same file, now a store.
    assert empty.stat().st_mode & 0o777 == 0o600


def test_a_table_named_event_does_not_make_a_store(tmp_path: Path) -> None:
    """The issue's example: a foreign file with a table named ``event`` was stamped."""
    theirs = tmp_path / "theirs.db"
    _foreign_sqlite(theirs)
    before = dump_store(theirs)
    for args in (["list"], ["init"], ["import", str(OREBRO)], ["status", "7", "done"]):
        Kplan(theirs)(*args, expect=1)
    assert dump_store(theirs) == before
    assert set(dump_store(theirs)) == {"event", "plan", "notes"}


def test_an_old_store_is_still_upgraded(tmp_path: Path) -> None:
    """A store of the first schema has no alembic_version: its store_info shows it is kplan's."""
    old = tmp_path / "old.db"
    shutil.copyfile(SCHEMA1_STORE, old)
    result = Kplan(old)("plans", "--json")
    assert f"from schema version 1 to {schema.LATEST}" in result.stderr
    assert dump_store(old)["alembic_version"] == [(schema.HEAD,)]


def test_a_foreign_file_in_the_default_place_is_left_alone(
    isolated_home: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from kplan.cli import app

    isolated_home.mkdir(parents=True)
    theirs = isolated_home / "kplan.db"
    _foreign_wal(theirs)
    before = _state(isolated_home)
    for args in (["list"], ["init"], ["round", "open", "x"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1
        _one_line_error(result)
    assert _state(isolated_home) == before


def test_the_installed_kplan_leaves_foreign_and_missing_stores_alone(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.db"
    _foreign_sqlite(theirs)
    before = _state(tmp_path)
    missing = tmp_path / "nowhere" / "kplan.db"
    for db in (theirs, missing):
        for args in (["list"], ["round", "open", "x"], ["snapshot", "take", "s"], ["undo"]):
            done = subprocess.run(
                [str(KPLAN), *args, "--db", str(db)],
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                timeout=600,
            )
            assert done.returncode == 1, done.stderr
            assert done.stderr.startswith("kplan: error: ") and done.stderr.count("\n") == 1
    assert _state(tmp_path) == before


# --db values that cannot name a store: one line, exit 1, nothing created.
BAD_LOCATIONS = {
    "unknown user": ("~nosuchuser_kplan/x.db", "there is no such user"),
    "through a file": ("{tmp}/afile/x.db", "{tmp}/afile is a file, not a folder"),
    "deep through a file": ("{tmp}/afile/a/b/x.db", "{tmp}/afile is a file, not a folder"),
    "long name": ("{tmp}/" + "n" * 300 + ".db", "too long"),
    "long path": ("{tmp}/" + "d/" * 3000 + "x.db", "too long"),
    "a folder": ("{tmp}", "is a folder"),
    "a device": ("/dev/null", "it is a device, not a regular file"),
    "a fifo": ("{tmp}/fifo", "it is a named pipe (FIFO), not a regular file"),
    "a broken link": ("{tmp}/broken", "a symbolic link to a file that does not exist"),
    "port abc": ("postgresql://u@localhost:abc/db", "the port 'abc' is not a number"),
    "port 99999": ("postgresql://u:pw@localhost:99999/db", "the port '99999' is not a number"),
    "port 0": ("postgresql+psycopg://u@localhost:0/db", "the port '0' is not a number"),
    "port -1": ("postgres://u@localhost:-1/db", "the port '-1' is not a number"),
    "bad IPv6": ("postgresql://u@[::1/db", "Invalid IPv6 URL"),
    "unknown scheme": ("foo://x", "not in 'foo'"),
    "another database": ("mysql://u:pw@localhost/db", "not in 'mysql'"),
    "no scheme": ("://x", "cannot open"),
    "sqlite two slashes": ("sqlite://relative.db", "three slashes"),
    "sqlite memory": ("sqlite:///:memory:", "in-memory database"),
    "sqlite empty": ("sqlite://", "three slashes"),
    "sqlite options": ("sqlite:///x.db?mode=ro", "no options"),
}


@pytest.fixture
def odd_places(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "afile").write_text("a file\n")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "broken").symlink_to(tmp_path / "nothing")
    yield tmp_path


@pytest.mark.parametrize("case", sorted(BAD_LOCATIONS))
@pytest.mark.parametrize(
    "args",
    [["list"], ["init"], ["import", str(OREBRO)], ["apply", "-"], ["round", "open", "x"]],
    ids=lambda args: args[0],
)
def test_a_db_that_cannot_name_a_store_is_one_line(
    odd_places: Path, monkeypatch: pytest.MonkeyPatch, case: str, args: list[str]
) -> None:
    from typer.testing import CliRunner

    from kplan.cli import app

    monkeypatch.chdir(odd_places)
    value, said = BAD_LOCATIONS[case]
    value = value.format(tmp=odd_places)
    before = sorted(p.name for p in odd_places.iterdir())
    result = CliRunner().invoke(app, [*args, "--db", value], input="")
    assert result.exit_code == 1, result.output
    line = _one_line_error(result)
    assert said.format(tmp=odd_places) in line
    assert "pw@" not in line  # a password is never shown
    assert sorted(p.name for p in odd_places.iterdir()) == before


@pytest.mark.parametrize("case", ["unknown user", "port abc", "unknown scheme", "a device"])
def test_the_same_values_in_kplan_db(
    odd_places: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    from typer.testing import CliRunner

    from kplan.cli import app

    value, said = BAD_LOCATIONS[case]
    monkeypatch.setenv("KPLAN_DB", value.format(tmp=odd_places))
    for args in (["list"], ["backup", str(odd_places / "c.db")], ["export"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code in (1, 2), result.output
        assert said in _one_line_error(result) or "pg_dump" in result.stderr


def test_a_nul_character_in_the_location_is_refused() -> None:
    from kplan.errors import StoreError
    from kplan.store.location import resolve_location

    with pytest.raises(StoreError, match="contains a NUL character"):
        resolve_location("a\x00b.db")


def test_an_unknown_user_in_kplan_home_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from kplan.cli import app

    monkeypatch.setenv("KPLAN_HOME", "~nosuchuser_kplan/data")
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 1
    assert "there is no such user" in _one_line_error(result)


def test_the_installed_kplan_explains_bad_urls(tmp_path: Path) -> None:
    for value in ("postgresql://u@h:abc/db", "~nosuchuser_kplan/x.db", "sqlite://x"):
        done = subprocess.run(
            [str(KPLAN), "list", "--db", value],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=600,
        )
        assert done.returncode == 1
        assert done.stderr.startswith("kplan: error: ") and done.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


# Restore's target: only a kplan store, a damaged one, an empty file or nothing.


def test_restore_into_a_missing_store_makes_a_whole_store(
    tmp_path: Path, places: dict[str, Path]
) -> None:
    store = tmp_path / "restored" / "kplan.db"
    Kplan(store)("restore", str(places["copy"]), "--yes")
    assert dump_store(store) == dump_store(places["copy"])
    assert _journal_mode(store) == "wal"
    assert sorted(p.name for p in store.parent.iterdir()) == ["kplan.db"]


def test_restore_over_a_damaged_store_keeps_its_bytes(
    tmp_path: Path, places: dict[str, Path]
) -> None:
    store = tmp_path / "kplan.db"
    damaged = b"SQLite format 3\x00" + b"\xff" * 5000
    store.write_bytes(damaged)
    result = Kplan(store)("restore", str(places["copy"]), "--yes")
    kept = sorted(tmp_path.glob("kplan.db.bak-restore-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert f"The store it replaced is kept in {kept[0]}" in result.stdout
    assert dump_store(store) == dump_store(places["copy"])


def test_restore_into_a_folder_that_cannot_be_written(
    tmp_path: Path, places: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused before asking and before anything is written, with the folder named."""
    real_access = os.access
    locked = tmp_path / "locked"
    locked.mkdir()

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        if Path(path) == locked and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    for store in (locked / "kplan.db", locked / "new" / "kplan.db"):
        result = Kplan(store)("restore", str(places["copy"]), "--yes", expect=1)
        said = _one_line_error(result)
        assert f"cannot restore into {store}: the folder {locked} cannot be written" in said
        assert "nothing was changed" in said
    assert list(locked.iterdir()) == []


def test_restore_that_fails_while_writing_is_one_line_and_changes_nothing(
    tmp_path: Path, places: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile as tempfile_module

    store = tmp_path / "store" / "kplan.db"
    Kplan(store)("import", str(OREBRO))
    Kplan(store)("status", "7", "delayed")
    before = dump_store(store)
    new_store = tmp_path / "fresh" / "kplan.db"

    def denied(*_args: Any, **_kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile_module, "mkstemp", denied)
    for target in (store, new_store):
        result = Kplan(target)("restore", str(places["copy"]), "--yes", expect=1)
        said = _one_line_error(result)
        assert f"cannot restore into {target}: Permission denied" in said
    assert dump_store(store) == before
    assert not list(store.parent.glob("*.bak-restore-*"))
    assert not new_store.exists()


# A store that this user may read but not write: backup copies it all the same.


def _other_user_runner() -> Callable[..., subprocess.CompletedProcess[str]] | None:
    """Run kplan as a user who cannot write what the test makes read-only.

    As root (who may write anything) that is the user nobody, through
    setpriv and a system Python of the same version with kplan on its path;
    as anyone else, the installed kplan itself.
    """
    if os.geteuid() != 0:

        def direct(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [str(KPLAN), *args], capture_output=True, text=True, timeout=600, cwd="/"
            )

        return direct
    setpriv = shutil.which("setpriv")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    python = shutil.which(version, path="/usr/bin:/usr/local/bin")
    if not setpriv or not python:
        return None
    site = next(p for p in sys.path if p.endswith("site-packages"))
    path = f"{ROOT}:{site}"

    def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
        code = (
            f"import sys; sys.argv = ['kplan', *{list(args)!r}]; from kplan.cli import main; main()"
        )
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        env = {"PYTHONPATH": path, "HOME": "/tmp", "LANG": "C.UTF-8", "KPLAN_USER": "x"}
        return subprocess.run(
            [*command, python, "-c", code],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
            cwd="/",
        )

    check = as_nobody("--version")
    return as_nobody if check.returncode == 0 else None


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder outside the test's own (which only its owner may enter)."""
    folder = Path(tempfile.mkdtemp(prefix="kplan-shared-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        folder.chmod(0o777)
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o777)
        shutil.rmtree(folder)


@pytest.mark.parametrize("wal", [True, False], ids=["wal", "rollback-journal"])
@pytest.mark.parametrize("folder_mode", [0o555, 0o777], ids=["locked-folder", "open-folder"])
def test_backup_of_a_read_only_store(shared_folder: Path, wal: bool, folder_mode: int) -> None:
    run = _other_user_runner()
    if run is None:
        pytest.skip("no way here to run kplan as a user who cannot write the store")
    store_folder = shared_folder / "store"
    store_folder.mkdir()
    store = store_folder / "kplan.db"
    Kplan(store)("import", str(OREBRO))
    if not wal:
        connection = sqlite3.connect(store)
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.close()
    store.chmod(0o444)
    store_folder.chmod(folder_mode)
    out = shared_folder / "out"
    out.mkdir()
    out.chmod(0o777)
    before = _state(store_folder)

    done = run("backup", str(out / "copy.db"), "--db", str(store))

    assert done.returncode == 0, done.stderr
    assert "Backed up the store" in done.stdout
    assert dump_store(out / "copy.db") == dump_store(store)
    assert _state(store_folder) == before
    # A read-only store's copy is read-only too: no more open than the store.
    assert (out / "copy.db").stat().st_mode & 0o777 == 0o444


@pytest.mark.postgres_only
def test_an_empty_server_database_is_no_store_to_anything_but_init_and_import(
    db: ServerStore, places: dict[str, Path]
) -> None:
    from sqlalchemy.engine import make_url

    with_password = make_url(str(db)).set(password="s3cret")
    kplan = Kplan(with_password.render_as_string(hide_password=False))  # type: ignore[arg-type]
    shown = with_password.render_as_string(hide_password=True)
    for command in ("list", "status", "apply", "round-open", "snapshot-take", "undo", "export"):
        result = kplan(*_args(command, places), expect=1)
        said = _one_line_error(result)
        assert f"no kplan store in {shown} yet" in said and "kplan init" in said
        assert "s3cret" not in said
    assert dump_store(db) == {}
    kplan("init")
    assert "store_info" in dump_store(db)


@pytest.mark.postgres_only
def test_a_server_database_of_another_program_is_left_alone(db: ServerStore) -> None:
    import psycopg

    with psycopg.connect(libpq_url(str(db)), autocommit=True) as connection:
        connection.execute("CREATE TABLE event (id serial PRIMARY KEY, what text)")
        connection.execute("INSERT INTO event (what) VALUES ('theirs')")
    before = dump_store(db)
    kplan = Kplan(db)  # type: ignore[arg-type]
    for args in (["list"], ["init"], ["import", str(OREBRO)], ["status", "7", "done"]):
        result = kplan(*args, expect=1)
        said = _one_line_error(result)
        assert "the database holds tables, but not kplan's" in said
    assert dump_store(db) == before
    assert json.dumps(sorted(before)) == '["event"]'


def test_restore_into_a_folder_this_user_cannot_write_is_one_line(
    shared_folder: Path, places: dict[str, Path]
) -> None:
    """The issue's example, for real: no internal error, nothing written, the store intact."""
    run = _other_user_runner()
    if run is None:
        pytest.skip("no way here to run kplan as a user who cannot write the folder")
    copy = shared_folder / "copy.db"
    shutil.copyfile(places["copy"], copy)
    copy.chmod(0o644)
    locked = shared_folder / "locked"
    locked.mkdir()
    Kplan(locked / "kplan.db")("import", str(OREBRO))
    (locked / "kplan.db").chmod(0o644)
    locked.chmod(0o755)
    before = _state(locked)
    for store in (locked / "kplan.db", locked / "new.db", locked / "sub" / "kplan.db"):
        done = run("restore", str(copy), "--yes", "--db", str(store))
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith(f"kplan: error: cannot restore into {store}: ")
        assert done.stderr.count("\n") == 1
        assert "nothing was changed" in done.stderr
    assert _state(locked) == before


# A store this user may read but not change: every read command reads it,
# writing nothing beside it; every change is one line saying why not.

READ_COMMANDS = [
    ["plans"],
    ["list"],
    ["show", "7"],
    ["log", "--limit", "50"],
    ["round", "status"],
    ["snapshot", "list"],
    ["diff", "s1"],
    ["export"],
    ["export", "--snapshot", "s1", "--format", "json"],
]
CHANGE_COMMANDS = [
    ["status", "7", "delayed"],
    ["undo"],
    ["round", "close", "--force"],
    ["snapshot", "take", "s2"],
    ["import", str(OREBRO)],
]


def _read_only_store(shared_folder: Path, *, wal: bool, folder_mode: int) -> Path:
    store_folder = shared_folder / "store"
    store_folder.mkdir()
    store = store_folder / "kplan.db"
    kplan = Kplan(store)
    kplan("import", str(OREBRO))
    kplan("snapshot", "take", "s1")
    # By the user the other user's runner acts as, so that undo has a command to undo.
    kplan("status", "7", "done", "--note", "read me", "--as", "x")
    kplan("round", "open", "r1")
    if not wal:
        import gc

        gc.collect()  # the engines of the commands above, with their connections
        connection = sqlite3.connect(store)
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.close()
    store.chmod(0o444 if folder_mode == 0o777 else 0o644)
    store_folder.chmod(folder_mode)
    return store


@pytest.mark.parametrize("writer", [False, True], ids=["quiet", "writer-at-work"])
@pytest.mark.parametrize("wal", [True, False], ids=["wal", "rollback-journal"])
@pytest.mark.parametrize(
    "folder_mode", [0o555, 0o777], ids=["their-folder", "read-only-file-in-open-folder"]
)
def test_a_store_this_user_may_only_read_is_read_and_left_alone(
    shared_folder: Path, wal: bool, folder_mode: int, writer: bool
) -> None:
    run = _other_user_runner()
    if run is None:
        pytest.skip("no way here to run kplan as a user who cannot write the store")
    store = _read_only_store(shared_folder, wal=wal, folder_mode=folder_mode)
    expected = {
        " ".join(args): Kplan(store)(*args, "--json" if args[0] != "export" else "--")
        for args in READ_COMMANDS
        if args[0] != "export"
    }
    holder = None
    if writer:
        # Someone who may write has the store open: its -wal and -shm are there.
        holder = sqlite3.connect(store)
        holder.execute("SELECT count(*) FROM event").fetchone()
    try:
        before = _state(store.parent)
        for args in READ_COMMANDS:
            json_flag = [] if args[0] == "export" else ["--json"]
            done = run(*args, *json_flag, "--db", str(store))
            assert done.returncode == 0, (args, done.stderr)
            assert done.stderr == ""
            key = " ".join(args)
            if key in expected:
                assert json.loads(done.stdout) == json.loads(expected[key].stdout), args
        assert _state(store.parent) == before
        for args in CHANGE_COMMANDS:
            done = run(*args, "--db", str(store))
            assert done.returncode == 1, (args, done.stderr)
            said = _one_line_error(done)
            assert f"cannot change the store {store}: " in said
            assert "You may read it; nothing was changed" in said
        assert _state(store.parent) == before
    finally:
        if holder is not None:
            holder.close()
    dump = dump_store(store)
    assert [row for row in dump["event"] if "r1" in str(row)]  # the round is still open


def test_a_read_as_immutable_that_a_writer_overtakes_asks_to_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store read as immutable is checked afterwards; a change meanwhile is one clear line."""
    import kplan.store.engine as engine
    from kplan.core.queries import list_measures
    from kplan.errors import StoreError
    from kplan.store.engine import open_store

    store = tmp_path / "kplan.db"
    Kplan(store)("import", str(OREBRO))
    monkeypatch.setattr(engine, "may_write", lambda _path: False)
    monkeypatch.setattr("kplan.store.probe.may_write", lambda _path: False)
    real = engine.fingerprint
    calls = iter([real(store), (0, 0, True)])
    monkeypatch.setattr(engine, "fingerprint", lambda path: next(calls))
    with pytest.raises(StoreError, match="changed while it was read; run the command again"):
        list_measures(open_store(str(store), create=False), None, None)


def test_backup_and_restore_leave_nothing_beside_the_store(tmp_path: Path) -> None:
    """The owner's backup reads the store as every command does: no -wal or -shm stays."""
    store = tmp_path / "kplan.db"
    kplan = Kplan(store)
    kplan("import", str(OREBRO))
    kplan("backup", str(tmp_path / "copy.db"))
    kplan("restore", str(tmp_path / "copy.db"), "--yes")
    Kplan(tmp_path / "new.db")("restore", str(tmp_path / "copy.db"), "--yes")
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("kplan.db.bak"))
    assert left == ["copy.db", "kplan.db", "new.db"]


def test_restore_reads_its_file_without_leaving_anything_beside_it(tmp_path: Path) -> None:
    """A file to restore that is in write-ahead-log mode (another live store) stays as it was."""
    source_folder = tmp_path / "theirs"
    source_folder.mkdir()
    source = source_folder / "other.db"
    Kplan(source)("import", str(OREBRO))
    _foreign_wal(source_folder / "foreign.db")
    assert _journal_mode(source) == "wal"
    before = _state(source_folder)
    store = tmp_path / "kplan.db"
    Kplan(store)("restore", str(source), "--yes")
    Kplan(store)("restore", str(source_folder / "foreign.db"), "--yes", expect=1)
    Kplan(tmp_path / "new.db")("restore", str(source), "--yes")
    # A hard link to the store is the store, and is refused as it.
    os.link(store, tmp_path / "hard.db")
    Kplan(store)("restore", str(tmp_path / "hard.db"), "--yes", expect=1)
    assert _state(source_folder) == before
    left = sorted(p.name for p in tmp_path.iterdir() if ".bak-restore-" not in p.name)
    assert left == ["hard.db", "kplan.db", "new.db", "theirs"]


def test_an_older_store_this_user_may_only_read_says_it_needs_an_upgrade(
    shared_folder: Path,
) -> None:
    run = _other_user_runner()
    if run is None:
        pytest.skip("no way here to run kplan as a user who cannot write the store")
    store = shared_folder / "old" / "kplan.db"
    store.parent.mkdir()
    shutil.copyfile(SCHEMA1_STORE, store)
    store.chmod(0o644)
    store.parent.chmod(0o755)
    before = _state(store.parent)
    for args in (["list"], ["status", "7", "done"], ["log"]):
        done = run(*args, "--db", str(store))
        assert done.returncode == 1, done.stderr
        said = _one_line_error(done)
        assert f"the store {store} was made by an older kplan and must be upgraded" in said
        assert "cannot be written by you; nothing was changed" in said
    # A copy needs no upgrade of the store itself.
    out = shared_folder / "out"
    out.mkdir()
    out.chmod(0o777)
    done = run("backup", str(out / "copy.db"), "--db", str(store))
    assert done.returncode == 0, done.stderr
    assert _state(store.parent) == before
