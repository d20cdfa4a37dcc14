"""``list`` of a whole plan streams rows from the store, byte for byte as before.

An unfiltered ``list`` (into a pipe), ``list --json`` and ``list --jsonl``
read the measures as rows of the columns they show (store.plans.measure_rows)
and write them in chunks, without building the plan. Their bytes are
compared with the old path (the plan loaded in outline, its summaries, then
``output.json_text`` or the plain table) on the examples, a generated plan,
hostile texts and edge cases: measures without Fyra P or perspective rows,
a perspective whose name holds ``%``, a plan without perspectives or
measures. ``--jsonl`` is checked against ``--json``'s items, and on ``log``
and ``plans`` too.
"""

from __future__ import annotations

import json
import random
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import KRONOBERG, OREBRO, Kplan, ServerStore, execute
from tests.test_hostile_text import hostile_plan

BENCH = Path(__file__).resolve().parent.parent / "bench"


def old_outputs(db: Path) -> tuple[str, str]:
    """What ``list`` and ``list --json`` wrote before they streamed: the plan's summaries."""
    from kplan.core.queries import list_measures
    from kplan.present import summary, terminal
    from kplan.present.output import json_text
    from kplan.store.engine import open_store

    loaded, chosen = list_measures(open_store(str(db), create=False))
    rows = summary.measure_summaries(loaded, chosen)
    plain = terminal.plain_text(*terminal._measures_plain(loaded, rows))
    # output.say makes each line safe once more, as it did then.
    from kplan.present.output import _safe_lines

    return _safe_lines(plain) + "\n", json_text(rows) + "\n"


def assert_streams_as_before(kplan: Kplan) -> None:
    """``list``, ``list --json`` and ``--jsonl`` against the old path, on the store as it is."""
    from kplan.present.output import json_line

    plain, indented = old_outputs(kplan.db)
    assert kplan("list").stdout == plain
    assert kplan("list", "--json").stdout == indented
    lines = kplan("list", "--jsonl").stdout
    items = json.loads(indented)
    assert lines == "".join(json_line(item) + "\n" for item in items)
    assert [json.loads(line) for line in lines.splitlines()] == items


@pytest.mark.parametrize("example", [OREBRO, KRONOBERG], ids=["orebro", "kronoberg"])
def test_examples_list_as_before(kplan: Kplan, example: Path) -> None:
    kplan("import", str(example))
    assert_streams_as_before(kplan)


def test_hostile_texts_list_as_before(kplan: Kplan, tmp_path: Path) -> None:
    kplan("import", str(hostile_plan(tmp_path)))
    assert_streams_as_before(kplan)
    # The escapes really are there: a hostile title is spelled out in JSON too.
    out = kplan("list", "--json").stdout + kplan("list", "--jsonl").stdout
    assert "\x9b" not in out and "\u202e" not in out
    assert "\\u202e" in out


def test_generated_plan_lists_as_before(kplan: Kplan, tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from make_store import build_plan
    finally:
        sys.path.remove(str(BENCH))
    from kplan.model import plan_to_document

    plan = build_plan(random.Random(5), 1, measures=1200, collaborations=2, indicators=1)
    path = tmp_path / "generated.toml"
    path.write_text(tomli_w.dumps(plan_to_document(plan)), encoding="utf-8")
    kplan("import", str(path))
    # More than two chunks of the streamed output, some measures overdue.
    assert_streams_as_before(kplan)
    assert '"overdue": true' in kplan("list", "--json").stdout


def test_missing_rows_and_odd_perspectives_list_as_before(kplan: Kplan, tmp_path: Path) -> None:
    plan = tomllib.loads(OREBRO.read_text(encoding="utf-8"))
    plan["plan"]["perspectives"] += ["%s", "50 % av målet"]
    plan["measures"][0]["perspectives"] = {"50 % av målet": "yes", "%s": "partly"}
    plan["measures"][2].pop("perspectives", None)
    plan["measures"][1]["collaborations"] = []
    path = tmp_path / "odd.toml"
    path.write_text(tomli_w.dumps(plan), encoding="utf-8")
    kplan("import", str(path))
    # A store filled by an older kplan, or by hand, may lack a measure's rows.
    execute(kplan.db, "DELETE FROM four_p WHERE measure_id IN (SELECT id FROM measure LIMIT 2)")
    assert_streams_as_before(kplan)


def test_plan_without_perspectives_or_measures_lists_as_before(
    kplan: Kplan, tmp_path: Path
) -> None:
    plan = tomllib.loads(OREBRO.read_text(encoding="utf-8"))
    plan["plan"]["perspectives"] = []
    for measure in plan["measures"]:
        measure.pop("perspectives", None)
        for indicator in measure.get("indicators", []):
            # A source splits by a perspective, which this plan no longer has.
            indicator.pop("source", None)
    path = tmp_path / "flat.toml"
    path.write_text(tomli_w.dumps(plan), encoding="utf-8")
    kplan("import", str(path))
    assert_streams_as_before(kplan)
    plan["measures"] = []
    path.write_text(tomli_w.dumps(plan), encoding="utf-8")
    empty = tmp_path / "empty.db"
    kplan("import", str(path), db=empty)
    other = Kplan(empty)
    assert other("list", "--json").stdout == "[]\n"
    assert other("list", "--jsonl").stdout == ""
    assert_streams_as_before(other)


def test_dates_steps_and_overdue_as_before(kplan: Kplan, tmp_path: Path) -> None:
    """Odd cases of the values spelled once: no dates, one step, the same date open and done."""
    plan = tomllib.loads(OREBRO.read_text(encoding="utf-8"))
    first, second, third = plan["measures"][:3]
    first.pop("start", None)
    first.pop("due", None)
    second["due"] = third["due"] = "2014-06-30"
    second["status"], third["status"] = "ongoing", "done"
    for collaboration in second.get("collaborations", []):
        collaboration["step"] = 2
    path = tmp_path / "odd-dates.toml"
    path.write_text(tomli_w.dumps(plan), encoding="utf-8")
    kplan("import", str(path))
    assert_streams_as_before(kplan)
    items = {item["id"]: item for item in kplan.json("list")}
    assert items[first["id"]]["start"] is None and items[first["id"]]["due"] is None
    assert items[second["id"]]["overdue"] and not items[third["id"]]["overdue"]


def test_a_measure_whose_owner_is_another_plans_or_gone(kplan: Kplan) -> None:
    """A store mended by hand: the owner shown as the join on owners showed it, or no measure."""
    kplan("import", str(OREBRO))
    kplan("import", str(KRONOBERG))
    plan = ["--plan", "orebro-kompetens"]
    before = kplan.json("list", *plan)
    execute(
        kplan.db,
        "UPDATE measure SET owner_id = (SELECT o.id FROM owner o JOIN plan p ON p.id = o.plan_id"
        " WHERE p.key = 'kronoberg-kompetens' ORDER BY o.position LIMIT 1)"
        " WHERE key = :key AND plan_id = (SELECT id FROM plan WHERE key = 'orebro-kompetens')",
        key=before[0]["id"],
    )
    other = execute_one(
        kplan,
        "SELECT o.key, o.name FROM owner o JOIN plan p ON p.id = o.plan_id"
        " WHERE p.key = 'kronoberg-kompetens' ORDER BY o.position LIMIT 1",
    )
    after = kplan.json("list", *plan)
    assert (after[0]["owner"], after[0]["owner_name"]) == other
    assert after[1:] == before[1:]
    lines = kplan("list", "--jsonl", *plan).stdout.splitlines()
    assert [json.loads(line) for line in lines] == after
    assert kplan("list", *plan).stdout.splitlines()[1].split("\t")[2] == other[0]
    if isinstance(kplan.db, ServerStore):
        return  # PostgreSQL keeps its foreign keys: an owner cannot go.
    execute(kplan.db, "DELETE FROM owner WHERE key = :key", key=other[0])
    assert kplan.json("list", *plan) == before[1:]
    assert len(kplan("list", *plan).stdout.splitlines()) == len(before)


def execute_one(kplan: Kplan, sql: str) -> tuple[Any, ...]:
    """The first row of a query on the test's store."""
    from sqlalchemy import create_engine, text

    url = kplan.db if isinstance(kplan.db, ServerStore) else f"sqlite:///{kplan.db}"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return tuple(connection.execute(text(sql)).one())
    finally:
        engine.dispose()


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_streamed_json_through_any_standard_output(
    orebro: Kplan, encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UTF-8 pieces go to a UTF-8 output's bytes as they are, to any other through its text."""
    import io

    from kplan.present import output, streamed

    _, indented = old_outputs(orebro.db)
    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding=encoding)
    monkeypatch.setattr(sys, "stdout", stream)
    output.json_pieces(streamed.measure_rows_json(measures_of(orebro.db)))
    stream.flush()
    assert buffer.getvalue() == indented.encode(encoding)


def measures_of(db: Path) -> Any:
    """The store's one plan as the rows a whole list is written from."""
    from kplan.core.queries import measure_rows
    from kplan.store.engine import open_store

    return measure_rows(open_store(str(db), create=False))


def test_a_plan_whose_measures_are_saved_around_anothers(
    kplan: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A measure added after another plan's import: the steps read between stay that plan's."""
    kplan("import", str(OREBRO))
    kplan("import", str(KRONOBERG))
    monkeypatch.setenv("KPLAN_PLAN", "orebro-kompetens")
    kplan("measure", "add", "99", "--title", "Sent tillagd", "--owner", "akarlsson", "--as", "t")
    kplan("collab", "add", "sent-1", "--measure", "99", "--name", "Sent", "--actors", "af")
    kplan("collab", "edit", "sent-1", "--step", "3", "--as", "t")
    assert_streams_as_before(kplan)
    assert kplan.json("list")[-1]["steps"] == {"lowest": 3, "highest": 3}
    monkeypatch.setenv("KPLAN_PLAN", "kronoberg-kompetens")
    assert_streams_as_before(kplan)


def test_the_cycle_collector_is_back_after_a_whole_list(orebro: Kplan) -> None:
    """list pauses the cycle collector while it streams, never for whoever called it."""
    import gc

    for args in (["list", "--json"], ["list", "--jsonl"], ["list"]):
        assert gc.isenabled()
        orebro(*args)
        assert gc.isenabled()
    gc.disable()
    try:
        orebro("list", "--json")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_filtered_list_jsonl_matches_json(orebro: Kplan) -> None:
    items = orebro.json("list", "--status", "ongoing")
    lines = orebro("list", "--status", "ongoing", "--jsonl").stdout.splitlines()
    assert items and [json.loads(line) for line in lines] == items


@pytest.mark.parametrize(
    "command",
    [["list"], ["log"], ["plans"], ["snapshot", "list"], ["round", "list"]],
    ids=" ".join,
)
def test_json_and_jsonl_together_are_refused(orebro: Kplan, command: list[str]) -> None:
    result = orebro(*command, "--json", "--jsonl", expect=2)
    assert result.stdout == ""
    assert "--jsonl" in result.stderr and "Traceback" not in result.stderr


def test_other_lists_jsonl_match_json(orebro: Kplan) -> None:
    orebro("status", "7", "delayed", "--note", "x", "--as", "tester")
    orebro("snapshot", "take", "först", "--as", "tester")
    orebro("round", "open", "Uppföljning 2015", "--as", "tester")
    for command in (["log", "--limit", "0"], ["plans"], ["snapshot", "list"], ["round", "list"]):
        items = orebro.json(*command)
        lines = orebro(*command, "--jsonl").stdout.splitlines()
        assert items and [json.loads(line) for line in lines] == items


@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.sampled_from("ab\t\n\r\x1b\x7f\x9b\u202e\u200bå"), max_size=30),
            st.just("x" * 4100),
        ),
        max_size=6,
    )
)
def test_safe_lines_fast_path_changes_nothing(parts: list[str]) -> None:
    """output.say's one-scan check gives what the line-by-line escaping gives."""
    from kplan.present.output import _middle_clipped, _safe_lines
    from kplan.safetext import visible_lines

    text = "".join(parts)
    slow = "\n".join(_middle_clipped(line) for line in visible_lines(text, limit=None).split("\n"))
    assert _safe_lines(text) == slow


def old_log(db: Path, capsys: pytest.CaptureFixture[str], *args: Any) -> str:
    """What ``log`` wrote when it loaded the whole plan for its names."""
    from kplan.core.queries import load, log
    from kplan.present import terminal
    from kplan.present.labels import PlanNames
    from kplan.store.engine import open_store

    store = open_store(str(db), create=False)
    capsys.readouterr()
    terminal.events_table(log(store, **dict(args)), PlanNames.of(load(store)))
    return capsys.readouterr().out


def test_log_tells_changes_in_the_plans_names_as_before(
    kplan: Kplan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kplan("import", str(hostile_plan(tmp_path)))
    kplan("step", "yrkesvux", "3", "--as", "tester")
    kplan("record", "yrkesvux-platser", "2016", "12", "--as", "tester")
    kplan("status", "A1", "delayed", "--note", "late", "--as", "tester")
    result = kplan("log", "--limit", "0")
    assert "Collab" in result.stdout
    assert result.stdout == old_log(kplan.db, capsys, ("limit", 0))
    assert kplan("log", "A1").stdout == old_log(kplan.db, capsys, ("measure", "A1"))


TRICKY = st.text(alphabet=st.sampled_from('ab{}[],:" \\\n\t\x00\x7f\u202eå'), max_size=12)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TRICKY, st.just("},\n    {")
)


@given(
    st.one_of(
        st.lists(st.dictionaries(TRICKY, SCALARS, max_size=5), max_size=5),
        st.lists(
            st.dictionaries(TRICKY, st.one_of(SCALARS, st.lists(SCALARS, max_size=2))), max_size=3
        ),
        SCALARS,
    )
)
def test_json_text_writes_what_json_dumps_writes(data: Any) -> None:
    """output.json_text's fast way for arrays of flat records gives json.dumps's exact bytes."""
    from kplan.present.output import _json_escape, _json_risky, json_text

    expected = _json_risky().sub(_json_escape, json.dumps(data, ensure_ascii=False, indent=2))
    assert json_text(data) == expected


@given(
    st.one_of(
        st.none(),
        st.dictionaries(
            st.text(max_size=8),
            st.one_of(st.text(max_size=8), st.integers(), st.lists(st.text(max_size=4))),
            max_size=4,
        ),
    )
)
def test_the_store_spells_a_source_as_the_model_does(source: Any) -> None:
    """store.plans keeps its own source_text, so a list need not import the plan model."""
    from kplan.model import source_text
    from kplan.store import plans

    assert plans.source_text(source) == source_text(source)


def test_a_whole_list_imports_neither_the_plan_model_nor_the_filters(tmp_path: Path) -> None:
    """list --json, --jsonl and list into a pipe read rows without kplan.model or the filters."""
    import subprocess

    db = tmp_path / "kplan.db"
    Kplan(db)("import", str(OREBRO))
    for args in (["list", "--json"], ["list", "--jsonl"], ["list"]):
        code = (
            "import sys\n"
            "from kplan.cli import main\n"
            f"sys.argv = ['kplan', *{args!r}, '--db', {str(db)!r}]\n"
            "try:\n"
            "    main()\n"
            "except SystemExit:\n"
            "    pass\n"
            "loaded = [m for m in ('kplan.model', 'kplan.core.filters', 'kplan.present.terminal')"
            " if m in sys.modules]\n"
            "print('LOADED', loaded, file=sys.stderr)\n"
        )
        found = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "LOADED []" in found.stderr, (args, found.stderr)


@pytest.mark.parametrize(("low", "high"), [(None, None), (1, 1), (2, 3), (4, 4)])
def test_a_whole_list_writes_steps_as_the_labels_do(low: int | None, high: int | None) -> None:
    from kplan.present.labels import steps_text
    from kplan.present.streamed import _steps_text

    assert _steps_text(low, high) == steps_text({"lowest": low, "highest": high})


@pytest.mark.parametrize("output", [[], ["--json"], ["--jsonl"]])
def test_step_0_is_a_filter_refused_like_any_step_outside_the_ladder(
    orebro: Kplan, output: list[str]
) -> None:
    # A whole list streams past the filters; --step 0 must not pass for "no filter".
    refused = orebro("list", "--step", "0", *output, expect=None)
    outside = orebro("list", "--step", "9", *output, expect=None)
    assert refused.exit_code == outside.exit_code != 0
    assert refused.stdout == ""
    assert "from 1 to 4, not '0'" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
