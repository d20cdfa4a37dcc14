"""Batch updates (kplan apply) and stale-edit protection (--expect-version)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kplan.domain import MAX_TEXT_LENGTH
from tests.conftest import Kplan, dump_store, query

GOOD = [
    {"measure": "7", "status": "delayed", "progress": 30, "note": "Väntar på besked"},
    {"collaboration": "fastighet", "step": 3},
    {"measure": "7", "four_p": {"policy": "done"}},
    {"measure": "7", "perspectives": {"kön": "yes"}},
    {"indicator": "validerade", "period": "2016", "value": 12},
]


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_apply_jsonl_in_one_batch(orebro: Kplan, tmp_path: Path) -> None:
    result = orebro.json("apply", str(write_jsonl(tmp_path / "c.jsonl", GOOD)), "--as", "lead1")
    assert len(result["changes"]) == 6
    shown = orebro.json("show", "7")
    assert (shown["status"], shown["progress"]) == ("delayed", 30)
    assert shown["four_p"]["policy"] == "done"
    assert shown["perspectives"]["kön"] == "yes"
    events = orebro.json("log", "--limit", "6")
    assert {e["actor"] for e in events} == {"lead1"}
    assert {e["field"] for e in events} == {
        "status",
        "progress",
        "step",
        "four_p.policy",
        "perspectives.kön",
        "values.2016",
    }
    batches = query(
        orebro.db,
        "SELECT COUNT(DISTINCT batch) AS n FROM event WHERE batch = :b",
        b=result["batch"],
    )
    assert batches == [{"n": 1}]


def test_one_bad_line_among_a_thousand_changes_nothing(orebro: Kplan, tmp_path: Path) -> None:
    records: list[object] = [{"measure": str(1 + n % 22), "progress": n % 101} for n in range(1000)]
    records[636] = {"measure": "7", "progress": 140}
    path = write_jsonl(tmp_path / "big.jsonl", records)
    before = dump_store(orebro.db)
    result = orebro("apply", str(path), expect=1)
    assert "line 637: progress: progress must be a whole number from 0 to 100" in result.stderr
    assert "1 problem; nothing was applied." in result.stderr
    assert dump_store(orebro.db) == before

    records[636] = {"measure": "7", "progress": 40}
    write_jsonl(path, records)
    applied = orebro.json("apply", str(path))
    assert applied["changes"]
    last = [r for r in records if isinstance(r, dict) and r["measure"] == "7"][-1]
    assert orebro.json("show", "7")["progress"] == last["progress"]


def test_every_bad_line_is_reported_with_its_number_and_field(
    orebro: Kplan, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            {"measure": "7", "status": "finished"},
            {"collaboration": "fastighet", "step": 9},
            {"measure": "77", "progress": 10},
            {"measure": "7", "colour": "red"},
            "not json",
            {"indicator": "validerade", "period": "2016-X", "value": 3},
            {"status": "done"},
        ],
    )
    before = dump_store(orebro.db)
    stderr = orebro("apply", str(path), expect=1).stderr
    for fragment in (
        "line 1: status: 'finished' is not a valid status",
        "line 2: step: step must be a whole number from 1 to 4",
        "line 3: progress: unknown measure '77'",
        "line 4: colour: unknown field",
        "line 5: -: not valid JSON",
        "line 6: values.2016-X: '2016-X' is not a period",
        "line 7: measure: name exactly one of measure, collaboration or indicator",
        "7 problems; nothing was applied.",
    ):
        assert fragment in stderr
    assert dump_store(orebro.db) == before


def test_apply_csv_and_standard_input(orebro: Kplan, tmp_path: Path) -> None:
    path = tmp_path / "changes.csv"
    path.write_text(
        "\ufeffmeasure,status,progress,four_p.policy,note\n"
        "7,ongoing,35,ongoing,från kalkylbladet\n"
        "5,försenad,,,\n",
        encoding="utf-8",
    )
    orebro("apply", str(path), "--as", "tstrom")
    assert orebro.json("show", "7")["four_p"]["policy"] == "ongoing"
    assert orebro.json("show", "5")["status"] == "delayed"

    from typer.testing import CliRunner

    from kplan.cli import app

    result = CliRunner().invoke(
        app,
        ["apply", "-", "--db", str(orebro.db)],
        input='{"measure": "3", "progress": 66}\n',
    )
    assert result.exit_code == 0, result.stderr
    assert orebro.json("show", "3")["progress"] == 66


def test_dry_run_writes_nothing(orebro: Kplan, tmp_path: Path) -> None:
    before = dump_store(orebro.db)
    out = orebro("apply", str(write_jsonl(tmp_path / "c.jsonl", GOOD)), "--dry-run").stdout
    assert "Would apply 6 changes" in out
    assert "measure 7, status: ongoing → delayed" in out
    assert dump_store(orebro.db) == before


def test_expect_version_refuses_a_stale_change(orebro: Kplan) -> None:
    version = orebro.json("show", "7")["version"]
    orebro("status", "7", "delayed", "--expect-version", str(version), "--as", "mholm")
    before = dump_store(orebro.db)
    stale = orebro(
        "status", "7", "done", "--expect-version", str(version), "--as", "sforsberg", expect=3
    )
    assert "measure 7 has changed since you read it" in stale.stderr
    assert f"version {version}, now {version + 1}" in stale.stderr
    assert "last changed by mholm (status: ongoing → delayed" in stale.stderr
    assert dump_store(orebro.db) == before
    orebro("status", "7", "done", "--expect-version", str(version + 1))


def test_expect_version_in_an_apply_line(orebro: Kplan, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "c.jsonl", [{"measure": "7", "status": "done", "expect_version": 99}]
    )
    result = orebro("apply", str(path), expect=3)
    assert "line 1: status: measure 7 has changed since you read it" in result.stderr


def test_undo_reverts_a_whole_apply(orebro: Kplan, tmp_path: Path) -> None:
    before = orebro.json("show", "7")
    orebro("apply", str(write_jsonl(tmp_path / "c.jsonl", GOOD)), "--as", "lead1")
    undone = orebro.json("undo", "--as", "lead1")
    assert len(undone["changes"]) == 6
    after = orebro.json("show", "7")
    for key in ("status", "progress", "four_p", "perspectives"):
        assert after[key] == before[key]
    indicator = next(
        i
        for m in orebro.json("list")
        for i in orebro.json("show", m["id"])["indicators"]
        if i["id"] == "validerade"
    )
    assert "2016" not in indicator["values"]
    events = orebro.json("log", "--limit", "6")
    assert {e["actor"] for e in events} == {"lead1"}
    assert all(e["note"].startswith("undo of ") for e in events)
    assert "nothing left to undo" in orebro("undo", "--as", "lead1", expect=1).stderr


def test_undo_refuses_when_someone_changed_the_same_field_since(orebro: Kplan) -> None:
    orebro("status", "7", "delayed", "--as", "sforsberg")
    orebro("status", "7", "done", "--as", "mholm")
    before = dump_store(orebro.db)
    refused = orebro("undo", "--as", "sforsberg", expect=3)
    assert "later changes touched the same fields" in refused.stderr
    assert "mholm changed 7 status" in refused.stderr
    assert dump_store(orebro.db) == before
    orebro("undo", "--as", "mholm")
    assert orebro.json("show", "7")["status"] == "delayed"


def test_undo_leaves_other_peoples_commands_alone(orebro: Kplan) -> None:
    orebro("status", "3", "--progress", "70", "--as", "nsaid")
    orebro("status", "5", "--progress", "31", "--as", "tstrom")
    orebro("undo", "--as", "nsaid")
    assert orebro.json("show", "3")["progress"] == 60
    assert orebro.json("show", "5")["progress"] == 31


# ---------------------------------------------------------------------------
# Input that once ended in an internal error: each is one line, exit 1, nothing written
# ---------------------------------------------------------------------------


def apply_input(kplan: Kplan, data: bytes, *args: str, env: dict[str, str] | None = None) -> Any:
    """Run ``kplan apply -`` with ``data`` on standard input."""
    from typer.testing import CliRunner

    from kplan.cli import app

    return CliRunner().invoke(
        app, ["apply", "-", *args, "--db", str(kplan.db)], input=data, env=env
    )


def _jsonl_line(text: str) -> bytes:
    return text.encode("utf-8")


LONG = MAX_TEXT_LENGTH + 1
TRIGGERS: dict[str, tuple[bytes, str, str]] = {
    # name: (input, format, what the one line says)
    "progress-two-minus-signs": (
        b'{"measure": "7", "progress": "--5"}',
        "jsonl",
        "line 1: progress: progress must be a whole number from 0 to 100, not '--5'",
    ),
    "progress-plus-minus": (
        b'{"measure": "7", "progress": "+-5"}',
        "jsonl",
        "line 1: progress: progress must be a whole number from 0 to 100, not '+-5'",
    ),
    "progress-superscript-two": (
        _jsonl_line('{"measure": "7", "progress": "²"}'),
        "jsonl",
        "line 1: progress: progress must be a whole number from 0 to 100, not '²'",
    ),
    "progress-arabic-indic-digits": (
        _jsonl_line('{"measure": "7", "progress": "١٢"}'),
        "jsonl",
        "line 1: progress: progress must be a whole number from 0 to 100, not '١٢'",
    ),
    "progress-text-of-4301-digits": (
        _jsonl_line('{"measure": "7", "progress": "' + "9" * 4301 + '"}'),
        "jsonl",
        "line 1: progress: progress must be a whole number from 0 to 100",
    ),
    "progress-json-integer-of-5000-digits": (
        _jsonl_line('{"measure": "7", "progress": ' + "9" * 5000 + "}"),
        "jsonl",
        "line 1: -: a number of more than 18 digits",
    ),
    "step-two-minus-signs": (
        b'{"collaboration": "fastighet", "step": "--1"}',
        "jsonl",
        "line 1: step: step must be a whole number from 1 to 4, not '--1'",
    ),
    "expect-version-two-minus-signs": (
        b'{"measure": "7", "status": "done", "expect_version": "--1"}',
        "jsonl",
        "line 1: expect_version: expect_version must be a whole number from 0 up, not '--1'",
    ),
    "expect-version-negative": (
        b'{"measure": "7", "status": "done", "expect_version": -1}',
        "jsonl",
        "line 1: expect_version: expect_version must be a whole number from 0 up, not '-1'",
    ),
    "expect-version-beyond-64-bits": (
        _jsonl_line('{"measure": "7", "status": "done", "expect_version": ' + "9" * 30 + "}"),
        "jsonl",
        "line 1: -: a number of more than 18 digits",
    ),
    "value-arabic-indic-digits": (
        _jsonl_line('{"indicator": "validerade", "period": "2016", "value": "١٢"}'),
        "jsonl",
        "line 1: value: '١٢' is not a number",
    ),
    "value-text-of-5000-digits": (
        _jsonl_line('{"indicator": "validerade", "period": "2016", "value": "' + "9" * 5000 + '"}'),
        "jsonl",
        "line 1: value: '99999",  # the rest of the line is clipped on a terminal
    ),
    "nesting-1000-deep": (
        _jsonl_line('{"measure": "7", "progress": ' + "[" * 1000 + "]" * 1000 + "}"),
        "jsonl",
        "line 1: -: arrays and objects nested more than 32 deep",
    ),
    "nesting-100000-deep": (
        _jsonl_line('{"measure": "7", "progress": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        "jsonl",
        "line 1: -: the line is 200030 characters long; at most 160000 are read",
    ),
    "surrogate-escape-in-note": (
        b'{"measure": "7", "status": "done", "note": "a\\ud800"}',
        "jsonl",
        "line 1: note: the text holds \\ud800, half of a character",
    ),
    "surrogate-escape-in-id": (
        b'{"measure": "\\udfff", "status": "done"}',
        "jsonl",
        "line 1: measure: the text holds \\udfff",
    ),
    "surrogate-escape-in-field-name": (
        b'{"measure": "7", "status": "done", "\\ud83d": 1}',
        "jsonl",
        "line 1: \\ud83d: the text holds \\ud83d",
    ),
    "nul-in-id": (
        b'{"measure": "7\\u0000", "status": "done"}',
        "jsonl",
        "line 1: measure: the text holds a NUL character",
    ),
    "nul-in-perspective-name": (
        b'{"measure": "7", "perspectives": {"k\\u0000n": "yes"}}',
        "jsonl",
        "line 1: perspectives.k\\x00n: the text holds a NUL character",
    ),
    "note-over-the-text-limit": (
        _jsonl_line('{"measure": "7", "status": "done", "note": "' + "å" * LONG + '"}'),
        "jsonl",
        f"line 1: note: the text is {LONG} characters long; at most {MAX_TEXT_LENGTH} are allowed",
    ),
    "repeated-field": (
        b'{"measure": "7", "status": "done", "status": "delayed"}',
        "jsonl",
        "line 1: status: the field is given twice in one line",
    ),
    "undecodable-byte": (
        b'{"measure": "7", "status": "done"}\n{"measure": "7", "note": "\xff"}',
        "jsonl",
        "line 2: -: byte 0xff is not UTF-8 text; save the file as UTF-8",
    ),
    "surrogate-as-raw-bytes": (
        b'{"measure": "7", "status": "done", "note": "\xed\xa0\x80"}',
        "jsonl",
        "line 1: -: byte 0xed is not UTF-8 text",
    ),
    "csv-progress-two-minus-signs": (
        b"measure,progress\n7,--5\n",
        "csv",
        "line 2: progress: progress must be a whole number from 0 to 100, not '--5'",
    ),
    "csv-field-beyond-the-csv-limit": (
        b'measure,status,note\n7,done,"' + b"x" * 200_000 + b'"\n',
        "csv",
        f"line 2: -: a field is longer than {MAX_TEXT_LENGTH} characters",
    ),
    "csv-note-over-the-text-limit": (
        b"measure,status,note\n7,done," + b"x" * LONG + b"\n",
        "csv",
        f"line 2: note: the text is {LONG} characters long",
    ),
    "csv-more-cells-than-the-header": (
        "measure,status,note\n7,done,Väntar, på besked\n".encode(),
        "csv",
        "line 2: -: 4 cells, but the header names 3",
    ),
    "csv-repeated-column": (
        b"measure,status,status\n7,done,delayed\n",
        "csv",
        "line 1: status: the field is given twice in one line",
    ),
    "csv-nul-in-a-cell": (
        b"measure,status\n7,do\x00ne\n",
        "csv",
        "line 2: status: the text holds a NUL character",
    ),
    "csv-undecodable-byte": (
        b"measure,status\n7,d\xf6ne\n",
        "csv",
        "line 2: -: byte 0xf6 is not UTF-8 text",
    ),
    # A quote left open swallowed every later line into one cell: those
    # changes were silently never applied.
    "csv-quote-never-closed": (
        b'measure,status,note\n7,done,"first note\n8,done,second\n9,delayed,third\n',
        "csv",
        'line 2: -: a quoted cell that starts on this line is never closed (a " is missing)',
    ),
    "csv-text-after-a-closing-quote": (
        b'measure,status\n7,"do"ne\n',
        "csv",
        "line 2: -: not valid CSV: ',' expected after '\"'",
    ),
    # A repeated field is named as written, not as Python escapes it (k\xf6n).
    "repeated-perspective": (
        '{"measure": "7", "perspectives": {"kön": "yes", "kön": "no"}}'.encode(),
        "jsonl",
        "line 1: kön: the field is given twice in one line",
    ),
}


def _assert_refused(kplan: Kplan, folder: Path, name: str) -> None:
    """Apply trigger ``name`` from a file and from standard input: one line each time."""
    data, fmt, expected = TRIGGERS[name]
    path = folder / f"{name}.{fmt}"
    path.write_bytes(data)
    for result in (
        kplan("apply", str(path), "--as", "lead1", expect=None),
        apply_input(kplan, data, "-f", fmt, "--as", "lead1"),
    ):
        assert result.exit_code == 1, (name, result.stderr, result.exception)
        assert result.stderr.startswith("kplan: error: "), (name, result.stderr)
        assert expected in result.stderr, name
        lines = result.stderr.rstrip("\n").split("\n")
        assert lines[-1] == "1 problem; nothing was applied.", (name, lines)
        assert len(lines) == 2, (name, lines)


# One store serves every trigger on the server, where making one costs seconds.
@pytest.mark.sqlite_only
@pytest.mark.parametrize("name", list(TRIGGERS))
def test_bad_apply_input_is_one_line_per_problem_and_changes_nothing(
    orebro: Kplan, tmp_path: Path, name: str
) -> None:
    before = dump_store(orebro.db)
    _assert_refused(orebro, tmp_path, name)
    assert dump_store(orebro.db) == before


@pytest.mark.postgres_only
def test_bad_apply_input_changes_nothing_on_a_server_store(orebro: Kplan, tmp_path: Path) -> None:
    before = dump_store(orebro.db)
    for name in TRIGGERS:
        _assert_refused(orebro, tmp_path, name)
    assert dump_store(orebro.db) == before


def test_a_note_at_the_text_limit_is_applied_whole(orebro: Kplan) -> None:
    note = "å" * MAX_TEXT_LENGTH
    line = json.dumps({"measure": "7", "status": "done", "note": note}, ensure_ascii=False)
    result = apply_input(orebro, line.encode())
    assert result.exit_code == 0, result.stderr
    assert orebro.json("log", "--limit", "1")[0]["note"] == note


def test_a_line_separator_inside_a_json_string_does_not_end_the_line(orebro: Kplan) -> None:
    # U+2028 may stand raw in a JSON string; str.splitlines() broke such a line in two.
    good = json.dumps({"measure": "7", "status": "done", "note": "a\u2028b"}, ensure_ascii=False)
    bad = json.dumps({"measure": "7", "status": "finished"})
    result = apply_input(orebro, f"{good}\n{bad}\n".encode())
    assert result.exit_code == 1
    assert "line 2: status: 'finished' is not a valid status" in result.stderr
    result = apply_input(orebro, good.encode())
    assert result.exit_code == 0, result.stderr
    assert orebro.json("log", "--limit", "1")[0]["note"] == "a\u2028b"


@pytest.mark.sqlite_only
def test_a_csv_row_is_numbered_by_the_line_it_starts_on(orebro: Kplan) -> None:
    data = 'measure,status,note\n7,done,"två\nrader"\n\n8,finished,\n'.encode()
    result = apply_input(orebro, data, "-f", "csv")
    assert "line 5: status: 'finished' is not a valid status" in result.stderr
    # Rows ended by a lone carriage return, as old spreadsheets save them.
    result = apply_input(orebro, b"measure,status\r7,done\r8,finished\r", "-f", "csv")
    assert "line 3: status: 'finished' is not a valid status" in result.stderr
    assert result.stderr.count("\n") == 2


def test_a_step_move_in_an_apply_line_is_relative_as_on_the_command_line(
    orebro: Kplan,
) -> None:
    before = next(
        c["step"]
        for m in orebro.json("list")
        for c in orebro.json("show", m["id"])["collaborations"]
        if c["id"] == "fastighet"
    )
    result = apply_input(orebro, b'{"collaboration": "fastighet", "step": "-1"}')
    assert result.exit_code == 0, result.stderr
    changed = orebro.json("log", "--limit", "1")[0]
    assert (changed["old"], changed["new"]) == (str(before), str(before - 1))


@pytest.mark.sqlite_only
def test_an_apply_input_larger_than_the_limit_is_refused_unread(
    orebro: Kplan, tmp_path: Path
) -> None:
    before = dump_store(orebro.db)
    line = b'{"measure": "7", "status": "done"}\n'
    too_many = 1024 * 1024 // len(line) + 1
    path = tmp_path / "big.jsonl"
    path.write_bytes(line * too_many)
    env = {"KPLAN_MAX_FILE_MB": "1"}
    from typer.testing import CliRunner

    from kplan.cli import app

    result = CliRunner().invoke(app, ["apply", str(path), "--db", str(orebro.db)], env=env)
    assert result.exit_code == 1
    assert f"{path} is larger than 1 MB" in result.stderr
    assert "KPLAN_MAX_FILE_MB" in result.stderr
    result = apply_input(orebro, line * too_many, env=env)
    assert result.exit_code == 1
    assert "standard input is larger than 1 MB" in result.stderr
    result = CliRunner().invoke(app, ["apply", "/dev/zero", "--db", str(orebro.db)], env=env)
    assert result.exit_code == 1
    assert "/dev/zero is larger than 1 MB" in result.stderr
    assert dump_store(orebro.db) == before
    # Within the limit the same lines apply.
    assert apply_input(orebro, line * (too_many - 1), env=env).exit_code == 0
