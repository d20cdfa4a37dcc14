"""Paths as people and systems hand them over: odd bytes, no access, odd KPLAN_HOME.

Every command that takes a path (``--db``, ``KPLAN_DB``, ``KPLAN_HOME``,
the FILE of ``import``, ``apply``, ``backup`` and ``restore``, ``export
-o``) uses the very file named, whatever bytes its name holds, and judges
the file itself: a file it cannot read is one line with exit 1, never
Click's usage error (exit 2). These run the installed ``kplan``, where the
bytes of argv and the environment are real.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kplan.cli import app
from tests.conftest import OREBRO, dump_store
from tests.test_foreign import _other_user_runner, _state, shared_folder  # noqa: F401


def _installed(
    args: list[str | bytes], *, cwd: Path, env: dict[str | bytes, str | bytes] | None = None
) -> subprocess.CompletedProcess[bytes]:
    from tests.test_entrypoint import kplan_executable

    environment: dict[bytes, bytes] = {
        os.fsencode(key): os.fsencode(value) for key, value in os.environ.items()
    }
    for key, value in (env or {}).items():
        environment[os.fsencode(key)] = os.fsencode(value)
    return subprocess.run(
        [kplan_executable(), *args],
        capture_output=True,
        cwd=cwd,
        env=environment,
        timeout=120,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[bytes]) -> None:
    assert result.returncode == 0, result.stderr
    assert b"internal error" not in result.stderr and b"Traceback" not in result.stderr


def _one_line(result: subprocess.CompletedProcess[bytes], code: int = 1) -> str:
    said = result.stderr.decode("utf-8")
    assert result.returncode == code, said
    assert said.startswith("kplan: error: ") and said.count("\n") == 1, said
    return said


def _commands(typer_app: Any, words: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    for info in typer_app.registered_commands:
        yield " ".join([*words, info.name]), info.callback
    for group in typer_app.registered_groups:
        yield from _commands(group.typer_instance, (*words, group.name))


def test_no_path_parameter_lets_click_judge_the_file() -> None:
    """Click's checks would make a missing or unreadable file a usage error (exit 2)."""
    from typer.models import ParameterInfo

    found = []
    for name, callback in _commands(app):
        hints = typing.get_type_hints(inspect.unwrap(callback), include_extras=True)
        for parameter, hint in hints.items():
            if typing.get_origin(hint) is not typing.Annotated:
                continue
            kind, *metadata = typing.get_args(hint)
            if Path not in (kind, *typing.get_args(kind)):
                continue
            found.append(f"{name} {parameter}")
            for info in metadata:
                if isinstance(info, ParameterInfo):
                    checks = (info.exists, info.readable, info.writable)  # type: ignore[attr-defined]
                    assert not any(checks), (name, parameter)
    assert sorted(found) == [
        "apply file",
        "backup file",
        "calendar output_file",
        "check files",
        "compare output_file",
        "export output_file",
        "export template_file",
        "import file",
        "indicator fetch from_file",
        "remind output_dir",
        "remind smtp_config",
        "restore file",
    ]


def test_every_path_may_hold_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    """Each command uses the file whose name it was given, byte for byte."""
    folder = os.fsencode(tmp_path)
    store = b"st\xe9.db"
    _ok(_installed(["import", str(OREBRO), "--db", store], cwd=tmp_path))
    _ok(_installed(["init", "--db", b"new\xff.db"], cwd=tmp_path))
    done = _installed(["export", "-o", b"pl\xe9.toml", "--db", store], cwd=tmp_path)
    _ok(done)
    assert done.stderr == b"Wrote pl\\udce9.toml\n"
    _ok(_installed(["import", b"pl\xe9.toml", "--dry-run", "--db", store], cwd=tmp_path))
    done = _installed(["check", b"pl\xe9.toml"], cwd=tmp_path)
    _ok(done)
    assert done.stdout.startswith(b"pl\\udce9.toml: a valid plan file")
    with open(folder + b"/ch\xe9.jsonl", "wb") as changes:
        changes.write(b'{"measure": "7", "status": "delayed"}\n')
    _ok(_installed(["apply", b"ch\xe9.jsonl", "--db", store], cwd=tmp_path))
    done = _installed(["backup", b"co\xe9.db", "--db", store], cwd=tmp_path)
    _ok(done)
    assert b" to co\\udce9.db (1 plan, " in done.stdout
    _ok(_installed(["restore", b"co\xe9.db", "--yes", "--db", b"re\xe9.db"], cwd=tmp_path))
    listed = _installed(["list", "--json"], cwd=tmp_path, env={"KPLAN_DB": store})
    _ok(listed)
    assert b'"status": "delayed"' in listed.stdout
    home = folder + b"/h\xe9me"
    _ok(_installed(["import", str(OREBRO)], cwd=tmp_path, env={"KPLAN_HOME": home}))
    assert sorted(os.listdir(folder)) == sorted(
        [
            b"ch\xe9.jsonl",
            b"co\xe9.db",
            b"h\xe9me",
            b"new\xff.db",
            b"pl\xe9.toml",
            b"re\xe9.db",
            b"st\xe9.db",
        ]
    )
    assert os.listdir(home) == [b"kplan.db"]
    assert dump_store(os.fsdecode(folder + b"/re\xe9.db"))["event"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        b"postgresql://u\xe9@localhost:5432/kplan",
        b"postgresql://localhost/kplan\xe9",
        b"postgres://u:pass\xff@localhost/kplan",
    ],
    ids=["user", "database", "password"],
)
def test_a_server_url_with_bytes_that_are_not_utf8_is_one_line(tmp_path: Path, url: bytes) -> None:
    for args in (["list"], ["init"], ["status", "7", "done"]):
        said = _one_line(_installed([*args, "--db", url], cwd=tmp_path))
        assert "bytes that are not UTF-8 text, which a database URL cannot" in said
        assert "pass" not in said
        said = _one_line(_installed(args, cwd=tmp_path, env={"KPLAN_DB": url}))
        assert "not UTF-8" in said
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "home",
    [
        "{tmp}/" + "h" * 5000,
        "h" * 5000,
        "{tmp}/" + "d/" * 2100,
        "{tmp}/afile",
        "{tmp}/afile/sub",
        "/dev/null",
        "{tmp}/fifo",
    ],
    ids=["5000-long", "5000-relative", "deep", "a-file", "through-a-file", "device", "fifo"],
)
def test_a_kplan_home_that_cannot_hold_a_store_is_one_line(tmp_path: Path, home: str) -> None:
    (tmp_path / "afile").write_text("mine\n")
    os.mkfifo(tmp_path / "fifo")
    before = sorted(tmp_path.iterdir()), (tmp_path / "afile").stat().st_mtime_ns
    value = home.format(tmp=tmp_path)
    for args in (
        ["list"],
        ["init"],
        ["import", str(OREBRO)],
        ["status", "7", "done"],
        ["export"],
        ["backup", str(tmp_path / "copy.db")],
        ["round", "open", "r"],
    ):
        result = _installed(args, cwd=tmp_path, env={"KPLAN_HOME": value, "KPLAN_DB": ""})
        said = _one_line(result)
        assert "cannot use the store path" in said or "no store at" in said, said
    assert (sorted(tmp_path.iterdir()), (tmp_path / "afile").stat().st_mtime_ns) == before


def test_files_this_user_cannot_read_are_data_errors(shared_folder: Path) -> None:  # noqa: F811
    """An unreadable FILE is one line with exit 1 for every command, never a usage error."""
    run = _other_user_runner()
    if run is None:
        pytest.skip("no way here to run kplan as a user who cannot read a file")
    from tests.conftest import Kplan

    store = shared_folder / "kplan.db"
    Kplan(store)("import", str(OREBRO))
    Kplan(store)("backup", str(shared_folder / "copy.db"))
    (shared_folder / "changes.jsonl").write_text('{"measure": "7", "status": "done"}\n')
    (shared_folder / "plan.toml").write_text(OREBRO.read_text())
    (shared_folder / "empty.db").write_bytes(b"")
    for name in ("copy.db", "changes.jsonl", "plan.toml", "empty.db"):
        (shared_folder / name).chmod(0o600)
    secret = shared_folder / "secret"
    secret.mkdir(mode=0o700)
    store.chmod(0o666)
    shared_folder.chmod(0o777)
    before = dump_store(store)
    cases = [
        (["restore", "{dir}/copy.db", "--yes"], "cannot read {dir}/copy.db: Permission denied"),
        (["restore", "{dir}/empty.db", "--yes"], "cannot read {dir}/empty.db: Permission denied"),
        (
            ["restore", "{dir}/secret/x.db", "--yes"],
            "cannot read {dir}/secret/x.db: Permission denied",
        ),
        (["restore", "{dir}/missing.db", "--yes"], "no file {dir}/missing.db"),
        (["apply", "{dir}/changes.jsonl"], "cannot read {dir}/changes.jsonl: Permission denied"),
        (["import", "{dir}/plan.toml"], "cannot read the file: Permission denied"),
        (["backup", "{dir}/copy.db"], "exists already"),
        (["export", "-o", "{dir}/plan.toml"], "exists already"),
    ]
    for args, expected in cases:
        filled = [arg.format(dir=shared_folder) for arg in args]
        done = run(*filled, "--db", str(store))
        assert done.returncode == 1, (args, done.stderr)
        assert done.stderr.startswith("kplan: error: ") and done.stderr.count("\n") == 1
        assert expected.format(dir=shared_folder) in done.stderr, done.stderr
    assert dump_store(store) == before
    # With --force a file one cannot read is replaced like any other (the folder is open).
    for args in (
        ["backup", str(shared_folder / "copy.db")],
        ["export", "-o", str(shared_folder / "plan.toml")],
    ):
        done = run(*args, "--force", "--db", str(store))
        assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("value", ["/", "sqlite:////"])
def test_the_root_folder_as_the_store_suggests_a_file_in_it(value: str) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["list", "--db", value])
    assert result.exit_code == 1
    assert result.stderr == (
        "kplan: error: the store path / is a folder; give a file name, e.g. /kplan.db\n"
    )


def test_a_relative_store_path_from_a_removed_folder_is_one_line(tmp_path: Path) -> None:
    """A shell still in a folder that was removed: there is no "here" to resolve from."""
    gone = tmp_path / "gone"
    gone.mkdir()
    code = (
        "import os, sys\n"
        f"os.chdir({str(gone)!r}); os.rmdir({str(gone)!r})\n"
        "from kplan.cli import main\n"
        "main()\n"
    )
    for args, env in (
        (["list", "--db", "rel.db"], {}),
        (["init", "--db", "sqlite:///rel.db"], {}),
        (["status", "7", "done"], {"KPLAN_DB": "rel.db"}),
        (["list"], {"KPLAN_HOME": "rel", "KPLAN_DB": ""}),
    ):
        gone.mkdir(exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=60,
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith("kplan: error: '") and done.stderr.count("\n") == 1
        assert "the current folder no longer exists" in done.stderr
    assert list(tmp_path.iterdir()) == []
