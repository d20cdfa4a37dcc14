"""Hostile text from plans, notes and people reaches no terminal raw, on every output.

Escape sequences (an OSC that retitles the terminal, a screen clear), BEL,
a C1 CSI, DEL, a right-to-left override, a newline followed by a forged log
line and Rich markup go into titles, names, notes, ids, perspectives and
round names, through a plan file and through commands. Every human output
must show them spelled out and recognisable; ``--json`` must keep the exact
text. Then the installed command under a pseudo-terminal, a closed pipe,
Ctrl-C before and after the commit, and text of megabytes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from tests.conftest import KRONOBERG, OREBRO, Kplan, dump_store

FORGED_LOG = "2016-01-01 00:00\tboss\tA1\tstatus\tongoing\tdone\tforged"
FORGED_EVENT = "  2016-01-01 00:00  boss  status: ongoing → done"
HOSTILE = (
    "Evil\x1b]0;pwned\x1b\\\x1b[2J\x07\x9b31m\x7f\u202eexe.txt"
    f"\n{FORGED_LOG}\n{FORGED_EVENT} [bold red]red[/] [link=http://e.vil]l[/link]"
)
# How HOSTILE shows: every part spelled out, on one line.
SHOWN = "Evil\\x1b]0;pwned\\x1b\\\\x1b[2J\\x07\\x9b31m\\x7f\\u202eexe.txt\\n2016-01-01 00:00\\tboss"
MARKUP = "[bold red]red[/] [link=http://e.vil]l[/link]"

# Written out here, not taken from kplan, so a gap in kplan's list shows.
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def assert_safe(text: str) -> None:
    """No control, bidi or invisible character in ``text`` but kplan's own newlines and tabs."""
    found = RAW.search(text)
    assert found is None, (
        f"raw {found.group()!r} at {found.start()} in {text[: found.start() + 20]!r}"
    )
    assert "\r" not in text


def check(result: Any) -> str:
    """Both streams of a command are safe; their text, for more checks."""
    assert_safe(result.stdout)
    assert_safe(result.stderr)
    return str(result.stdout) + str(result.stderr)


def hostile_plan(tmp_path: Path, name: str = "hostile.toml", **changes: Any) -> Path:
    """The Kronoberg example with HOSTILE in every free text field of measure A1 and around it."""
    plan = tomllib.loads(KRONOBERG.read_text(encoding="utf-8"))
    plan["plan"]["title"] = f"Plan {HOSTILE}"
    plan["organisations"][0]["name"] = f"Org {HOSTILE}"
    plan["owners"][0]["name"] = f"Owner {HOSTILE}"
    first = plan["measures"][0]
    first["title"] = f"Title {HOSTILE}"
    first["goal"] = f"Goal {HOSTILE}"
    first["description"] = f"Description {HOSTILE}"
    first["area"] = f"Area {HOSTILE}"
    first["collaborations"][0]["name"] = f"Collab {HOSTILE}"
    first["collaborations"][0]["note"] = f"Note {HOSTILE}"
    first["indicators"][0]["name"] = f"Indicator {HOSTILE}"
    for key, value in changes.items():
        section, _, field = key.partition("__")
        plan[section][field] = value
    path = tmp_path / name
    path.write_text(tomli_w.dumps(plan), encoding="utf-8")
    return path


def make_actor_hostile(db: Path, actor: str) -> None:
    """Give ``actor``'s events the actor HOSTILE, straight in the store.

    ``--as`` and ``KPLAN_USER`` refuse such a name (tests/test_names.py); a
    store filled before that rule, or by hand, can still hold one.
    """
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("UPDATE event SET actor = ? WHERE actor = ?", (HOSTILE, actor))
    connection.close()


@pytest.fixture
def hostile(kplan: Kplan, tmp_path: Path) -> Kplan:
    """A store with the hostile plan, a hostile note on A1 and a hostile actor."""
    check(kplan("import", str(hostile_plan(tmp_path))))
    check(kplan("status", "A1", "delayed", "--note", f"Status {HOSTILE}", "--as", "to-be-hostile"))
    make_actor_hostile(kplan.db, "to-be-hostile")
    return kplan


@pytest.fixture(params=["pipe", "terminal"])
def where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Plain tab-separated text (a pipe), or rich tables (a terminal)."""
    if request.param == "terminal":
        monkeypatch.setattr("kplan.present.output.is_terminal", lambda: True)
        # Wide enough that Rich does not fold the markup across lines.
        monkeypatch.setenv("COLUMNS", "3000")
    return str(request.param)


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "A1"],
        ["log"],
        ["log", "A1", "--limit", "3"],
        ["plans"],
        ["show", "A1", "--events", "5"],
    ],
    ids=" ".join,
)
def test_reading_commands_show_hostile_text_spelled_out(
    hostile: Kplan, where: str, args: list[str]
) -> None:
    text = check(hostile(*args))
    assert SHOWN[:40] in text
    # Markup is text: it shows as typed, on a terminal too.
    assert MARKUP in text


def test_log_lines_cannot_be_forged_by_a_note(hostile: Kplan) -> None:
    lines = hostile("log").stdout.splitlines()
    fields = {len(line.split("\t")) for line in lines}
    assert fields == {5}, "a note added a line or a field to the log"
    assert not any(line.startswith("2016-01-01 00:00\tboss") for line in lines)
    assert any("\\n2016-01-01 00:00\\tboss" in line for line in lines)


def test_show_cannot_print_a_forged_event_line(hostile: Kplan) -> None:
    out = hostile("show", "A1").stdout
    lines = out.splitlines()
    assert FORGED_EVENT not in lines
    assert not any(line.startswith("2016-01-01 00:00") for line in lines)
    events = lines[lines.index("Recent events") + 1 :]
    # Each event line starts with its moment in the plan's zone, the zone named.
    assert events and all(
        re.match(r"  \d{4}-\d\d-\d\d \d\d:\d\d [A-Z]+  ", line) for line in events
    )
    # The description keeps its own lines, each in the margin under it.
    assert "  │ " + FORGED_LOG.replace("\t", "\\t") in lines


def test_json_keeps_the_exact_text_and_is_safe_to_print(hostile: Kplan) -> None:
    for args in (["list"], ["show", "A1"], ["log", "A1"], ["plans"]):
        result = hostile(*args, "--json")
        assert_safe(result.stdout)
        data = json.loads(result.stdout)
        text = json.dumps(data, ensure_ascii=False)
        assert json.dumps(HOSTILE, ensure_ascii=False)[1:-1] in text, args
    assert hostile.json("show", "A1")["title"] == f"Title {HOSTILE}"
    event = hostile.json("log", "A1", "--limit", "1")[0]
    assert (event["note"], event["actor"]) == (f"Status {HOSTILE}", HOSTILE)


def test_change_commands_and_import_show_hostile_values_spelled_out(
    hostile: Kplan, tmp_path: Path, where: str
) -> None:
    text = check(hostile("step", "yrkesvux", "down", "--note", HOSTILE))
    # The file still has the step from before: --force lets it win (an import
    # conflict), and the conflict's line is shown as well.
    text = check(
        hostile("import", str(hostile_plan(tmp_path, plan__organisation=HOSTILE)), "--force")
    )
    assert SHOWN[:40] in text and MARKUP in text
    dry = check(
        hostile("import", str(hostile_plan(tmp_path, "two.toml", plan__title=HOSTILE)), "--dry-run")
    )
    assert SHOWN[:40] in dry
    check(hostile("undo", "--as", HOSTILE, expect=None))


def test_rounds_snapshots_and_diff_show_hostile_text_spelled_out(
    hostile: Kplan, where: str
) -> None:
    check(hostile("round", "open", "spring", "--as", "hjonsson"))
    check(hostile("round", "report", "A1", "--note", HOSTILE, "--as", "hjonsson"))
    text = check(hostile("round", "status"))
    assert "Owner " + SHOWN[:30] in text
    check(hostile("round", "close", "--force", "--as", "hjonsson"))
    check(hostile("snapshot", "take", "after", "--as", "hjonsson"))
    check(hostile("status", "A1", "--progress", "70", "--note", HOSTILE))
    check(hostile("snapshot", "list"))
    text = check(hostile("diff", "spring"))
    assert "A1  Title " + SHOWN[:30] in text


@pytest.mark.parametrize(
    "args",
    [
        ["status", HOSTILE, "done"],
        ["show", HOSTILE],
        ["list", "--owner", HOSTILE],
        ["list", "--perspective", HOSTILE],
        ["status", "A1", HOSTILE],
        ["step", "yrkesvux", HOSTILE],
        ["record", "yrkesvux-platser", HOSTILE, "3"],
        ["diff", HOSTILE],
        ["snapshot", "delete", HOSTILE, "--as", "hjonsson"],
        ["export", "--snapshot", HOSTILE],
        ["log", "--since", HOSTILE],
        ["apply", HOSTILE],
    ],
    ids=lambda args: args[0] + " " + args[1][:5].encode("unicode_escape").decode(),
)
def test_error_messages_quote_hostile_values_spelled_out(hostile: Kplan, args: list[str]) -> None:
    result = hostile(*args, expect=None)
    assert result.exit_code in (1, 2), result.stdout
    check(result)
    assert result.stderr.startswith("kplan: error: ")
    assert "kplan: error: kplan:" not in result.stderr
    if result.exit_code == 1:
        assert "\\x1b]0;pwned" in result.stderr


def test_plan_file_problems_and_file_names_are_spelled_out(kplan: Kplan, tmp_path: Path) -> None:
    plan = tomllib.loads(KRONOBERG.read_text(encoding="utf-8"))
    plan["measures"][0]["owner"] = HOSTILE
    plan["measures"][0]["perspectives"] = {HOSTILE: "yes"}
    plan["measures"][1]["status"] = HOSTILE
    name = tmp_path / "plan\x1b]0;pwned\x07\n2016-01-01 00:00.toml"
    name.write_text(tomli_w.dumps(plan), encoding="utf-8")
    result = kplan("import", str(name), expect=None)
    assert result.exit_code == 1
    check(result)
    lines = result.stderr.splitlines()
    assert len(lines) >= 3, result.stderr
    assert all("plan\\x1b]0;pwned\\x07\\n2016-01-01 00:00.toml" in line for line in lines)
    assert "\\x1b]0;pwned" in "".join(lines[:-1])
    syntax = tmp_path / "broken\x9b2J.toml"
    syntax.write_text('kplan = 1\n[plan\nid = "x\x1b"\n', encoding="utf-8")
    result = kplan("import", str(syntax), expect=None)
    assert result.exit_code in (1, 2)
    check(result)
    assert "broken\\x9b2J.toml" in result.stderr


@pytest.mark.parametrize(
    "field, value",
    [
        ("id", f"M{HOSTILE}"),
        ("perspective", f"p\x1b[2J\u202e{MARKUP}"),
        ("ladder", f"Step\x1b]0;x\x07\n{FORGED_EVENT}"),
        ("owner_id", f"o\x9b31m\u202e{MARKUP}"),
    ],
)
def test_hostile_ids_and_names_are_refused_or_shown_spelled_out(
    kplan: Kplan, tmp_path: Path, field: str, value: str, where: str
) -> None:
    """Ids and names may be refused when a plan is read; if they are kept, they show safely."""
    plan = tomllib.loads(KRONOBERG.read_text(encoding="utf-8"))
    first = plan["measures"][0]
    if field == "id":
        first["id"] = value
    elif field == "perspective":
        plan["plan"]["perspectives"].append(value)
        first["perspectives"][value] = "yes"
    elif field == "ladder":
        plan["plan"]["ladder"][1] = value
        first["collaborations"][0]["step"] = 2
    else:
        old = plan["owners"][0]["id"]
        plan["owners"][0]["id"] = value
        plan["plan"]["coordinators"] = [value]
        for measure in plan["measures"]:
            if measure["owner"] == old:
                measure["owner"] = value
    path = tmp_path / "ids.toml"
    path.write_text(tomli_w.dumps(plan), encoding="utf-8")
    imported = kplan("import", str(path), expect=None)
    check(imported)
    if imported.exit_code != 0:
        assert imported.exit_code == 1 and "kplan: error: " in imported.stderr
        return
    key = next(m["id"] for m in kplan.json("list") if m["id"].startswith(("A1", "M")))
    outputs = [kplan(*args) for args in (["list"], ["show", key], ["log"], ["plans"])]
    outputs.append(kplan("status", key, "done", "--note", "n", "--as", "hjonsson", expect=None))
    outputs.append(kplan("round", "open", value, "--as", value, expect=None))
    outputs.append(kplan("round", "status", expect=None))
    outputs.append(kplan("step", "yrkesvux", "up", expect=None))
    text = "".join(check(result) for result in outputs)
    shown = value.encode("unicode_escape").decode()[:5]
    assert shown in text or value[:5] in text


def test_hostile_round_and_snapshot_names_are_refused_or_spelled_out(
    orebro: Kplan, where: str
) -> None:
    name = f"r\x1b]0;pwned\x07\u202e{MARKUP}\n{FORGED_LOG}"
    opened = orebro("round", "open", name, "--as", "ehedlund", expect=None)
    check(opened)
    texts = [
        check(orebro("round", "status", expect=None)),
        check(orebro("round", "report", "7", "--as", "sforsberg", expect=None)),
        check(orebro("round", "close", "--force", "--as", "ehedlund", expect=None)),
        check(orebro("snapshot", "take", name, "--as", "ehedlund", expect=None)),
        check(orebro("snapshot", "list", expect=None)),
        check(orebro("diff", name, expect=None)),
        check(orebro("snapshot", "delete", name, "--as", "ehedlund", expect=None)),
    ]
    if opened.exit_code == 0:
        assert "r\\x1b]0;pwned\\x07\\u202e" in "".join(texts)


def test_export_to_a_terminal_is_spelled_out_and_to_a_pipe_exact(
    hostile: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    for fmt in ("toml", "csv", "md", "json"):
        piped = hostile("export", "-f", fmt).stdout
        if fmt == "toml":
            assert tomllib.loads(piped)["plan"]["title"] == f"Plan {HOSTILE}"
        if fmt == "csv":
            assert "\u202e" in piped  # the exact text, for a program to read
    monkeypatch.setattr("kplan.present.output.is_terminal", lambda: True)
    for fmt in ("toml", "csv", "md", "json", "html"):
        check(hostile("export", "-f", fmt))


def test_a_hostile_argument_of_bad_bytes_does_not_crash_output(kplan: Kplan) -> None:
    result = kplan("show", "x\udcff\x1b[2J", expect=None)
    assert result.exit_code in (1, 2)
    check(result)


# Shell completion ---------------------------------------------------------------------------


def test_completion_descriptions_are_spelled_out_and_hostile_values_not_offered(
    hostile: Kplan,
) -> None:
    from kplan import completion

    class Context:
        def __init__(self) -> None:
            self.params = {"db": str(hostile.db), "plan": None}

    offered = completion.measures(Context(), "A")  # type: ignore[arg-type]
    assert offered and all(not RAW.search(value + help_) for value, help_ in offered)
    assert any(help_.startswith("Title Evil\\x1b]0;pwned") for _, help_ in offered)
    owners = completion.owners(Context(), "")  # type: ignore[arg-type]
    assert all(not RAW.search(value + help_) for value, help_ in owners)


# Ctrl-C ------------------------------------------------------------------------------------


def test_ctrl_c_before_the_commit_saves_nothing_and_says_how_to_check(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kplan.core.changes as operations

    before = dump_store(orebro.db)
    real = operations._apply_one

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        # The change is written inside the transaction, then Ctrl-C comes before the commit.
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(operations, "_apply_one", interrupted)
    result = orebro("status", "7", "done", expect=130)
    assert dump_store(orebro.db) == before
    assert_interrupted_message(result.stderr)


def test_ctrl_c_after_the_commit_keeps_the_change_and_does_not_claim_otherwise(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("kplan.present.terminal.changes", interrupted)
    result = orebro("status", "7", "done", expect=130)
    assert orebro.json("show", "7")["status"] == "done"
    assert_interrupted_message(result.stderr)


def test_ctrl_c_while_the_arguments_are_read_is_the_same_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Typer turns a Ctrl-C outside the command's body into exit 130 without a word."""
    from kplan.cli import main

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    # Called by Typer while it parses the line, before any command runs.
    monkeypatch.setattr("kplan.cli._keep_only_the_invoked_command", lambda argv: None)
    monkeypatch.setattr("typer.core.TyperCommand.parse_args", interrupted)
    monkeypatch.setattr(sys, "argv", ["kplan", "list", "--db", str(tmp_path / "k.db")])
    with pytest.raises(SystemExit) as ended:
        main()
    assert ended.value.code == 130
    assert_interrupted_message(capsys.readouterr().err)


def test_ctrl_c_while_kplan_loads_is_the_one_line_not_a_traceback(tmp_path: Path) -> None:
    """A Ctrl-C that lands while Typer is imported (the first tenth of a second)."""
    code = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "from kplan.cli import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "KPLAN_DB": str(tmp_path / "k.db")},
        timeout=60,
    )
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert_interrupted_message(done.stderr)


def test_ctrl_c_while_a_new_store_is_made_leaves_no_empty_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C while a new store's tables are made leaves no file behind.

    (Before a new SQLite store was made with sqlite3, the landing place was the
    loading of SQLAlchemy, kplan.store.engine._make_engine.)
    """

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("kplan.store.sqlite_schema.create", interrupted)
    kplan = Kplan(tmp_path / "sub" / "k.db")
    result = kplan("import", str(OREBRO), expect=130)
    assert_interrupted_message(result.stderr)
    assert not (tmp_path / "sub" / "k.db").exists()


def assert_interrupted_message(stderr: str) -> None:
    assert stderr.count("kplan:") == 1, stderr
    assert stderr.startswith("kplan: interrupted.")
    assert "error" not in stderr
    assert "nothing" not in stderr.casefold()
    assert "saved whole or not at all" in stderr
    assert "`kplan log`" in stderr


# The installed command ---------------------------------------------------------------------


def kplan_executable() -> str:
    return str(Path(sys.executable).with_name("kplan"))


def installed_env(db: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "KPLAN_DB": str(db), "KPLAN_USER": "tester", **extra}
    env.pop("NO_COLOR", None)
    return env


def run_in_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """``kplan ARGS`` with a pseudo-terminal as its standard input, output and error."""
    import pty

    master, slave = pty.openpty()
    os.set_blocking(master, True)
    process = subprocess.Popen(
        [kplan_executable(), *args], stdin=slave, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=600) == 0
    return b"".join(chunks)


# Only what kplan itself styles with: SGR (bold, colour) sequences.
OWN_STYLING = re.compile(rb"\x1b\[[0-9;]*m")


@pytest.mark.sqlite_only
def test_log_on_a_real_terminal_writes_no_hostile_escape(tmp_path: Path) -> None:
    """The issue's check: ``script -qc 'kplan log --limit 5' /dev/null | cat -v``."""
    db = tmp_path / "k.db"
    env = installed_env(db, TERM="xterm-256color", COLUMNS="200")
    subprocess.run([kplan_executable(), "import", str(hostile_plan(tmp_path))], env=env, check=True)
    for number in range(3):
        change = ["status", "A1", "--progress", str(61 + number), "--note", f"{number} {HOSTILE}"]
        subprocess.run(
            [kplan_executable(), *change, "--as", "to-be-hostile"],
            env=env,
            check=True,
            capture_output=True,
        )
    make_actor_hostile(db, "to-be-hostile")
    for args in (["log", "--limit", "5"], ["plans"]):
        # Tables of plain data are not styled: no escape sequence at all.
        raw = run_in_a_terminal(args, env)
        assert b"\x1b" not in raw and b"\x07" not in raw, args
    for args in (["log", "--limit", "5"], ["list"], ["show", "A1"], ["plans"]):
        raw = run_in_a_terminal(args, env)
        rest = OWN_STYLING.sub(b"", raw)
        assert b"\x1b" not in rest and b"\x07" not in rest and b"\xc2\x9b" not in rest, args
        assert "\u202e".encode() not in rest
        text = rest.decode()
        assert "\\x1b]0;pwned" in text.replace("\r\n", "").replace("\n", "") or "\\x1b" in text

    if not Path("/usr/bin/script").exists():
        return
    shown = subprocess.run(
        ["sh", "-c", f"script -qc '{kplan_executable()} log --limit 5' /dev/null | cat -v"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    # cat -v writes ESC as ^[ and BEL as ^G; M-^[ and M-^G are bytes of UTF-8 text.
    assert not re.search(r"(?<!M-)\^[\[G]", shown), shown
    assert "\\x1b]0;pwned" in shown


def pipe_closed_at_once(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``kplan ARGS`` with nobody reading its standard output."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [kplan_executable(), *args],
            stdout=writer,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        os.close(writer)


CLOSED_PIPE_COMMANDS = [
    ["list"],
    ["list", "--json"],
    ["show", "7"],
    ["log"],
    ["plans"],
    ["export"],
    ["export", "-f", "csv"],
    ["round", "status"],
    ["snapshot", "list"],
    ["--help"],
    ["list", "--help"],
    ["--version"],
    ["import", str(OREBRO), "--dry-run"],
    ["status", "7", "delayed", "--note", "x"],
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args", CLOSED_PIPE_COMMANDS, ids=" ".join)
def test_a_closed_pipe_ends_every_command_quietly_with_exit_0(
    args: list[str], tmp_path: Path
) -> None:
    db = tmp_path / "k.db"
    env = installed_env(db)
    subprocess.run([kplan_executable(), "import", str(OREBRO)], env=env, check=True)
    for setup in (["round", "open", "spring"], ["snapshot", "take", "base"]):
        # With a snapshot there, `snapshot list` has rows to write, not a notice.
        subprocess.run(
            [kplan_executable(), *setup, "--as", "ehedlund"],
            env=env,
            check=True,
            capture_output=True,
        )
    done = pipe_closed_at_once(args, env)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.sqlite_only
def test_an_import_into_a_closed_pipe_keeps_its_changes(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    # A person of the plan imports, so standard error has nothing to say.
    env = installed_env(db, KPLAN_USER="ehedlund")
    subprocess.run([kplan_executable(), "import", str(OREBRO)], env=env, check=True)
    plan = tomllib.loads(OREBRO.read_text(encoding="utf-8"))
    for measure in plan["measures"]:
        measure["title"] += " (ny)"
    changed = tmp_path / "changed.toml"
    changed.write_text(tomli_w.dumps(plan), encoding="utf-8")

    pipeline = subprocess.run(
        ["bash", "-c", f"set -o pipefail; '{kplan_executable()}' import '{changed}' | head -1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert pipeline.returncode == 0, pipeline.stderr
    assert pipeline.stderr == ""
    assert len(pipeline.stdout.splitlines()) == 1
    titles = [row[0] for row in sqlite3.connect(db).execute("SELECT title FROM measure")]
    assert titles and all(title.endswith(" (ny)") for title in titles)

    dry = pipe_closed_at_once(["import", str(OREBRO), "--dry-run"], env)
    assert (dry.returncode, dry.stderr) == (0, "")


@pytest.mark.sqlite_only
def test_ctrl_c_after_the_commit_in_the_installed_command(tmp_path: Path) -> None:
    """An import that has saved its changes and is printing them is interrupted."""
    import time

    db = tmp_path / "k.db"
    env = installed_env(db)
    subprocess.run([kplan_executable(), "import", str(OREBRO)], env=env, check=True)
    plan = tomllib.loads(OREBRO.read_text(encoding="utf-8"))
    template = plan["measures"][0]
    for number in range(6000):
        plan["measures"].append(
            {**template, "id": f"x{number}", "collaborations": [], "indicators": []}
        )
    bigger = tmp_path / "bigger.toml"
    bigger.write_text(tomli_w.dumps(plan), encoding="utf-8")
    # Nobody reads the list of changes, so once its first 64 KiB fill the
    # pipe the command waits there, after its commit, for the Ctrl-C.
    process = subprocess.Popen(
        [kplan_executable(), "import", str(bigger)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    deadline = time.monotonic() + 600
    committed = 0
    while not committed and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        connection = sqlite3.connect(db, timeout=0.1)
        try:
            committed = connection.execute(
                "SELECT count(*) FROM measure WHERE key = 'x5999'"
            ).fetchone()[0]
        except sqlite3.OperationalError:
            committed = 0
        finally:
            connection.close()
    assert committed, "the import did not commit"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=600)[1].decode()
    code = process.returncode
    assert code == 130, stderr
    assert_interrupted_message(stderr)
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM measure").fetchone()[0]
    assert rows == 22 + 6000


# Text of megabytes -------------------------------------------------------------------------

HUGE = 5_000_000


@pytest.mark.sqlite_only
def test_megabytes_of_title_note_and_owner_name_show_clipped_and_quickly(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    env = installed_env(db, COLUMNS="120", TERM="xterm")
    subprocess.run([kplan_executable(), "import", str(OREBRO)], env=env, check=True)
    subprocess.run(
        [kplan_executable(), "status", "7", "delayed", "--note", "short"], env=env, check=True
    )
    # Straight into the store, as a store from before any input limit could hold it.
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("UPDATE measure SET title = ? WHERE key = '7'", ("T" * HUGE,))
        connection.execute("UPDATE owner SET name = ? WHERE key = 'sforsberg'", ("N" * HUGE,))
        connection.execute("UPDATE event SET note = ? WHERE note = 'short'", ("E" * HUGE,))
    connection.close()

    for args in (["list"], ["show", "7"], ["log", "--limit", "3"]):
        # The timeout is generous on purpose: unclipped, a terminal's table takes minutes.
        piped = subprocess.run(
            [kplan_executable(), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        assert "…" in piped.stdout, args
        assert max(len(line) for line in piped.stdout.splitlines()) < 20_000
        terminal = run_in_a_terminal(args, env).decode()
        assert "…" in terminal
        assert len(terminal) < 200_000
    full = json.loads(
        subprocess.run(
            [kplan_executable(), "show", "7", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        ).stdout
    )
    assert len(full["title"]) == HUGE
