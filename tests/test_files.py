"""Files kplan writes at a person's word (export -o, backup): one guarded, atomic writer.

Every refusal leaves the target, the store and the folder as they were;
every write is whole or not at all.
"""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kplan.present.exports import FORMATS
from tests.conftest import OREBRO, Kplan, dump_store

KPLAN = Path(sys.executable).with_name("kplan")


def fingerprint(path: Path) -> tuple[Any, ...]:
    """What a path is and holds, without following a link or opening anything special."""
    info = os.lstat(path)
    if stat.S_ISREG(info.st_mode):
        content = hashlib.sha256(path.read_bytes()).hexdigest()
    elif stat.S_ISLNK(info.st_mode):
        content = os.readlink(path)
    else:
        content = None
    return stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode), info.st_mtime_ns, content


def folder_state(folder: Path) -> dict[str, tuple[Any, ...]]:
    return {p.name: fingerprint(p) for p in folder.iterdir()}


def one_error_line(result: Any) -> str:
    """The single line a refusal says, checked to be one line and no traceback."""
    assert result.stdout == ""
    assert result.stderr.startswith("kplan: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return str(result.stderr)


@pytest.fixture
def store(orebro: Kplan) -> Kplan:
    orebro("status", "7", "delayed", "--note", "väntar")
    return orebro


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder for the files a test writes, apart from the store's."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


# The store and its working files, by the spellings a person might use.
def store_spellings(db: Path) -> list[tuple[str, str]]:
    cwd_relative = os.path.relpath(db)
    return [
        (str(db), "is the store itself"),
        (cwd_relative, "is the store itself"),
        (str(db.parent / "." / db.name), "is the store itself"),
        (str(db.parent / ".." / db.parent.name / db.name), "is the store itself"),
        (f"{db}-wal", "the store's own -wal file"),
        (f"{db}-shm", "the store's own -shm file"),
        (f"{db}-journal", "the store's own -journal file"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_never_writes_over_the_store_or_its_files(store: Kplan, fmt: str) -> None:
    before = dump_store(store.db)
    folder = folder_state(store.db.parent)
    for target, said in store_spellings(store.db):
        for extra in ([], ["--force"]):
            result = store("export", "-f", fmt, "-o", target, *extra, expect=1)
            assert said in one_error_line(result), target
    assert dump_store(store.db) == before
    assert folder_state(store.db.parent).keys() == folder.keys()
    assert store.json("show", "7")["status"] == "delayed"


def test_the_store_named_by_kplan_db_is_protected_too(
    store: Kplan, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The issue's example: KPLAN_DB=store.db, kplan export -o store.db."""
    from typer.testing import CliRunner

    from kplan.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KPLAN_DB", "store.db")
    before = fingerprint(Path("store.db"))
    for args in (["export", "-o", "store.db"], ["backup", "store.db", "--force"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1
        assert "is the store itself" in one_error_line(result)
    assert fingerprint(Path("store.db")) == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_never_replaces_another_kplan_store_even_with_force(
    store: Kplan, out: Path, isolated_home: Path, fmt: str
) -> None:
    """The default store (KPLAN_HOME) or an old backup, while --db names another store."""
    default = isolated_home / "kplan.db"
    Kplan(default)("import", str(OREBRO))
    old_backup = out / "old-backup.db"
    store("backup", str(old_backup))
    before = {path: fingerprint(path) for path in (default, old_backup)}
    for target in (default, old_backup):
        for extra in ([], ["--force"]):
            result = store("export", "-f", fmt, "-o", str(target), *extra, expect=1)
            said = one_error_line(result)
            assert (
                f"{target} is a kplan store; an export never replaces one, even with --force"
                in said
            )
    assert {path: fingerprint(path) for path in before} == before
    # A backup may replace an older backup: that is how copies are rotated.
    store("backup", str(old_backup), "--force")


def test_a_hard_link_or_a_symbolic_link_to_the_store_is_refused(store: Kplan, out: Path) -> None:
    hard = out / "hard.db"
    os.link(store.db, hard)
    soft = out / "soft.db"
    soft.symlink_to(store.db)
    before = fingerprint(store.db)
    for command in (["export", "-o"], ["backup"]):
        for target in (hard, soft):
            result = store(*command, str(target), "--force", expect=1)
            assert "is the store itself" in one_error_line(result)
    assert fingerprint(store.db) == before
    assert fingerprint(hard)[3] == before[3]
    assert soft.is_symlink()


def test_a_device_is_refused_and_never_opened(store: Kplan) -> None:
    before = os.lstat("/dev/null")
    for command in (["export", "-o"], ["backup"]):
        result = store(*command, "/dev/null", "--force", expect=1)
        said = one_error_line(result)
        assert "/dev/null is a device, not a regular file" in said
        assert "- writes to standard output" in said
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_fifo_a_socket_and_a_folder_are_refused(store: Kplan, out: Path) -> None:
    fifo = out / "pipe"
    os.mkfifo(fifo)
    folder = out / "reports"
    folder.mkdir()
    places = {fifo: "is a named pipe (FIFO), not a regular file", folder: "is a folder"}
    # A socket's path must be short (about 100 bytes).
    sock_path = Path(f"/tmp/kplan-test-{os.getpid()}.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    places[sock_path] = "is a socket, not a regular file"
    try:
        before = {place: fingerprint(place) for place in places}
        for place, said in places.items():
            for command in (["export", "-o"], ["backup"]):
                result = store(*command, str(place), "--force", expect=1)
                assert said in one_error_line(result), place
        assert {place: fingerprint(place) for place in places} == before
        assert list(folder.iterdir()) == []
        result = store("export", "-o", str(folder), expect=1)
        assert f"e.g. {folder / 'plan.toml'}" in result.stderr
    finally:
        server.close()
        sock_path.unlink()


def test_a_symbolic_link_as_the_target_is_refused(store: Kplan, out: Path) -> None:
    real = out / "real.toml"
    real.write_text("keep me\n")
    links = {
        out / "to-file": real,
        out / "dangling": out / "nothing-here",
        out / "to-folder": out,
    }
    for link, points_to in links.items():
        link.symlink_to(points_to)
    before = folder_state(out)
    for link, points_to in links.items():
        for command in (["export", "-o"], ["backup"]):
            result = store(*command, str(link), "--force", expect=1)
            said = one_error_line(result)
            assert f"{link} is a symbolic link (to {points_to})" in said
            assert "does not replace links" in said
    assert folder_state(out) == before
    assert not (out / "nothing-here").exists()


def test_links_among_the_folders_of_the_path_are_followed(store: Kplan, out: Path) -> None:
    real = out / "real-folder"
    real.mkdir()
    (out / "via").symlink_to(real)
    store("export", "-o", str(out / "via" / "plan.toml"))
    assert (real / "plan.toml").read_text().startswith("kplan = 1")
    assert (out / "via").is_symlink()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_existing_file_needs_force_and_keeps_its_permissions(
    store: Kplan, out: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fixed clock, so two exports of the same state are the same text.
    monkeypatch.setenv("KPLAN_NOW", "2026-03-01T12:00:00Z")
    target = out / f"plan.{fmt}"
    target.write_text("old\n")
    target.chmod(0o600)
    before = fingerprint(target)
    result = store("export", "-f", fmt, "-o", str(target), expect=1)
    said = one_error_line(result)
    assert f"{target} exists already" in said and "--force" in said
    assert fingerprint(target) == before

    result = store("export", "-f", fmt, "-o", str(target), "--force")
    assert result.stderr == f"Wrote {target}\n"
    # The bytes, as a workbook (xlsx) is not text: the file is what standard output gets.
    assert target.read_bytes() == store("export", "-f", fmt).stdout_bytes
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.iterdir()) == [target.name]


def test_a_new_file_gets_the_mode_of_the_umask(store: Kplan, out: Path) -> None:
    old = os.umask(0o027)
    try:
        store("export", "-o", str(out / "new.toml"))
        store("backup", str(out / "new.db"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((out / "new.toml").stat().st_mode) == 0o640
    assert stat.S_IMODE((out / "new.db").stat().st_mode) == 0o640


def test_a_backup_is_never_more_open_than_the_store(store: Kplan, out: Path) -> None:
    store.db.chmod(0o600)
    copy = out / "copy.db"
    copy.write_text("old")
    copy.chmod(0o644)
    store("backup", str(out / "new.db"))
    store("backup", str(copy), "--force")
    assert stat.S_IMODE((out / "new.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_backup_refuses_an_existing_file_without_force(store: Kplan, out: Path) -> None:
    copy = out / "copy.db"
    copy.write_bytes(b"precious")
    copy.chmod(0o640)
    result = store("backup", str(copy), expect=1)
    assert "exists already" in one_error_line(result)
    assert copy.read_bytes() == b"precious"
    store("backup", str(copy), "--force")
    assert dump_store(copy) == dump_store(store.db)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o640


@pytest.mark.parametrize("answer", ["y", "yes", "j", "ja", "Ja", " YES "])
def test_at_a_terminal_kplan_asks_and_yes_overwrites(
    store: Kplan, out: Path, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    from kplan import cli

    monkeypatch.setattr(cli, "_interactive", lambda: True)
    target = out / "plan.toml"
    copy = out / "copy.db"
    for path, command in ((target, ["export", "-o"]), (copy, ["backup"])):
        path.write_text("old\n")
        result = store.runner.invoke(
            cli.app, [*command, str(path), "--db", str(store.db)], input=f"{answer}\n"
        )
        assert result.exit_code == 0, result.output
        assert f"{path} exists already. Overwrite it? [y/N] " in result.stderr
        assert path.read_bytes() != b"old\n"


@pytest.mark.parametrize("answer", ["n", "", "nej", "no", "yess", "q"])
def test_at_a_terminal_anything_but_yes_keeps_the_file(
    store: Kplan, out: Path, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    from kplan import cli

    monkeypatch.setattr(cli, "_interactive", lambda: True)
    for command in (["export", "-o"], ["backup"]):
        path = out / "kept"
        path.write_text("old\n")
        before = fingerprint(path)
        result = store.runner.invoke(
            cli.app, [*command, str(path), "--db", str(store.db)], input=f"{answer}\n"
        )
        assert result.exit_code == 1
        assert f"nothing was written; {path} is as it was" in result.stderr
        assert fingerprint(path) == before


def test_the_question_in_swedish(store: Kplan, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kplan import cli

    monkeypatch.setattr(cli, "_interactive", lambda: True)
    monkeypatch.setenv("KPLAN_LANG", "sv")
    path = out / "plan.toml"
    path.write_text("old\n")
    result = store.runner.invoke(
        cli.app, ["export", "-o", str(path), "--db", str(store.db)], input="ja\n"
    )
    assert result.exit_code == 0
    assert f"{path} finns redan. Skriva över den? [j/N] " in result.stderr


def test_dash_writes_to_standard_output(
    store: Kplan, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The plan file names the moment it was written: both exports at one moment.
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    assert store("export", "-o", "-").stdout == store("export").stdout
    monkeypatch.delenv("KPLAN_NOW")
    result = store("backup", "-")
    assert result.stdout_bytes.startswith(b"SQLite format 3\x00")
    assert result.stderr.startswith(f"Backed up the store {store.db} to standard output")
    copy = out / "from-stdout.db"
    copy.write_bytes(result.stdout_bytes)
    assert dump_store(copy) == dump_store(store.db)
    # No file named "-" anywhere.
    assert not Path("-").exists() and not (out / "-").exists()


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("{tmp}/missing/plan.toml", "the folder {tmp}/missing does not exist; create it first"),
        ("{tmp}/afile/plan.toml", "{tmp}/afile is a file, not a folder"),
        ("{tmp}/afile/deeper/plan.toml", "{tmp}/afile is a file, not a folder"),
        ("{tmp}/" + "x" * 300, "the path or a name in it is too long"),
        ("{tmp}/" + "x/" * 3000 + "p", "the path or a name in it is too long"),
        # An empty name is the current folder to the command line.
        ("", "kplan: error: . is a folder"),
    ],
)
def test_paths_that_cannot_be_written_are_one_line_each(
    store: Kplan, out: Path, target: str, said: str
) -> None:
    (out / "afile").write_text("a file\n")
    before = folder_state(out)
    for command in (["export", "-o"], ["backup"]):
        result = store(*command, target.format(tmp=out), expect=1)
        line = one_error_line(result)
        assert said.format(tmp=out) in line
        assert line.startswith("kplan: error: cannot write") or not target
    assert folder_state(out) == before


def test_a_write_that_fails_midway_leaves_the_target_as_it_was(
    store: Kplan, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kplan.store import files

    target = out / "plan.toml"
    target.write_text("old\n")
    target.chmod(0o640)
    before = folder_state(out)
    real_write = os.write
    calls = []

    def full_disk(descriptor: int, data: Any) -> int:
        calls.append(1)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(descriptor, bytes(data)[:100])

    monkeypatch.setattr(files.os, "write", full_disk)
    result = store("export", "-o", str(target), "--force", expect=1)
    assert f"cannot write {target}: No space left on device" in one_error_line(result)
    assert len(calls) == 2
    assert folder_state(out) == before


@pytest.mark.parametrize("command", [["export", "-o"], ["backup"]])
def test_a_failed_rename_leaves_no_temporary_file(
    store: Kplan, out: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    from kplan.store import files

    target = out / "out"
    target.write_text("old\n")
    before = folder_state(out)

    def refuse(*_args: Any) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(files.os, "replace", refuse)
    result = store(*command, str(target), "--force", expect=1)
    assert f"cannot write {target}: Input/output error" in one_error_line(result)
    assert folder_state(out) == before


def test_an_interrupted_backup_leaves_the_target_as_it_was(
    store: Kplan, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kplan.store import backup

    target = out / "copy.db"
    target.write_bytes(b"old copy")
    before = folder_state(out)
    real_copy = backup._copy_of

    def copy_then_interrupt(source: Path, **kwargs: Any) -> Any:
        fill = real_copy(source, **kwargs)

        def interrupted(temporary: Path, descriptor: int) -> None:
            fill(temporary, descriptor)
            assert temporary.stat().st_size > 0
            raise KeyboardInterrupt

        return interrupted

    monkeypatch.setattr(backup, "_copy_of", copy_then_interrupt)
    result = store("backup", str(target), "--force", expect=130)
    assert "Interrupted" in result.stderr or "interrupted" in result.stderr
    assert folder_state(out) == before


def test_the_target_is_checked_again_just_before_it_is_replaced(
    store: Kplan, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A target swapped for a link while the export was built is not replaced."""
    from kplan.present import exports

    target = out / "plan.toml"
    elsewhere = out / "elsewhere"
    elsewhere.write_text("someone's\n")
    real_export = exports.export

    def export_then_swap(*args: Any, **kwargs: Any) -> str:
        text = real_export(*args, **kwargs)
        target.symlink_to(elsewhere)
        return text

    monkeypatch.setattr(exports, "export", export_then_swap)
    result = store("export", "-o", str(target), expect=1)
    assert "is a symbolic link" in one_error_line(result)
    assert target.is_symlink() and elsewhere.read_text() == "someone's\n"
    assert sorted(p.name for p in out.iterdir()) == ["elsewhere", "plan.toml"]


def test_the_writer_refuses_a_nul_byte_or_no_name() -> None:
    """Names the command line cannot pass, from code that calls the writer."""
    from kplan.store.files import WriteRefused, check_target

    with pytest.raises(WriteRefused, match="contains a NUL character"):
        check_target("a\x00b", location=None)
    with pytest.raises(WriteRefused, match="no file name was given"):
        check_target("", location=None)


def test_the_installed_kplan_refuses_the_store_and_asks_nobody_in_a_pipe(tmp_path: Path) -> None:
    env = {**os.environ, "KPLAN_DB": str(tmp_path / "store.db")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(KPLAN), *args],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            cwd=tmp_path,
            timeout=600,
        )

    assert run("import", str(OREBRO)).returncode == 0
    before = dump_store(tmp_path / "store.db")
    done = run("export", "-o", "store.db")
    assert done.returncode == 1
    assert done.stderr == (
        "kplan: error: store.db is the store itself; kplan never writes over its store."
        " Choose another file\n"
    )
    (tmp_path / "plan.toml").write_text("old\n")
    done = run("export", "-o", "plan.toml")
    assert done.returncode == 1 and "pass --force" in done.stderr
    assert (tmp_path / "plan.toml").read_text() == "old\n"
    assert dump_store(tmp_path / "store.db") == before


def test_the_installed_kplan_asks_at_a_real_terminal(tmp_path: Path) -> None:
    """At a pseudo-terminal kplan asks, and a Swedish "ja" overwrites."""
    import pty
    import select

    env = {**os.environ, "KPLAN_DB": str(tmp_path / "store.db")}
    subprocess.run([str(KPLAN), "import", str(OREBRO)], env=env, check=True, capture_output=True)
    target = tmp_path / "plan.toml"
    target.write_text("old\n")
    target.chmod(0o600)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(KPLAN), "export", "-o", str(target)],
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
        except OSError:
            break
        if not chunk:
            break
        said += chunk
        if not answered and b"[y/N]" in said:
            os.write(controller, b"ja\n")
            answered = True
    os.close(controller)
    assert process.wait(timeout=600) == 0, said.decode()
    assert b"exists already. Overwrite it?" in said
    assert target.read_text().startswith("kplan = 1")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_backup_to_a_terminal_is_refused(tmp_path: Path) -> None:
    import pty

    env = {**os.environ, "KPLAN_DB": str(tmp_path / "store.db")}
    subprocess.run([str(KPLAN), "import", str(OREBRO)], env=env, check=True, capture_output=True)
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [str(KPLAN), "backup", "-"],
            stdout=terminal,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=600,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert done.returncode == 2
    assert b"standard output is a terminal" in done.stderr


def test_a_copy_is_a_whole_sqlite_file(store: Kplan, out: Path) -> None:
    copy = out / "copy.db"
    store("backup", str(copy))
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        connection.close()
