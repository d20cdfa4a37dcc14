"""Reading a snapshot back: as kplan wrote it, and as the plan-file reader judges anything else."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given

from kplan.core.planfile import parse_plan_document, parse_plan_text, read_plan_file
from kplan.core.snapshots import _as_written, _states_as_written, freeze, thaw
from kplan.errors import PlanFileError
from kplan.model import Plan
from kplan.store.snapshots import states_of
from tests.conftest import KRONOBERG, OREBRO, Kplan, execute, query
from tests.test_fuzz import fuzz
from tests.test_fuzz_plans import hostile_plans


def _same_as_the_reader(document: dict[str, Any]) -> None:
    """thaw reads ``document`` exactly as the plan-file reader does: the same plan or error."""
    content = json.dumps(document, ensure_ascii=False)
    try:
        expected: Plan | list[str] = parse_plan_document(copy.deepcopy(document), "snapshot 'x'")
    except PlanFileError as error:
        expected = [problem.render("snapshot 'x'") for problem in error.problems]
    try:
        found: Plan | list[str] = thaw(content, "x")
    except PlanFileError as error:
        found = [problem.render("snapshot 'x'") for problem in error.problems]
    assert found == expected


@pytest.mark.parametrize("path", [OREBRO, KRONOBERG], ids=lambda p: p.name)
def test_the_example_plans_read_back_as_written(path: Any) -> None:
    plan = read_plan_file(path)
    document = json.loads(freeze(plan))
    assert _as_written(copy.deepcopy(document)) == parse_plan_document(document) == plan


@fuzz(200)
@given(text=hostile_plans())
def test_every_plan_the_reader_accepts_reads_back_as_written(text: str) -> None:
    """What freeze writes of any valid plan is read back quickly, and to the same plan."""
    try:
        plan = parse_plan_text(text, "fuzz.toml")
    except PlanFileError:
        return
    document = json.loads(freeze(plan))
    fast = _as_written(copy.deepcopy(document))
    assert fast is not None, "a snapshot kplan wrote was not read back as written"
    assert fast == parse_plan_document(document)


def _measure(document: dict[str, Any]) -> dict[str, Any]:
    measure: dict[str, Any] = document["measures"][6]
    return measure


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        _measure(document)[key] = value

    return change


def _indicator(document: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in document["measures"] if m.get("indicators"))
    indicator: dict[str, Any] = found["indicators"][0]
    return indicator


DAMAGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "unknown status": _set("status", "finished"),
    "progress out of range": _set("progress", 101),
    "progress a boolean": _set("progress", True),
    "progress a float": _set("progress", 5.0),
    "title null": _set("title", None),
    "title blank": _set("title", "  "),
    "unknown key": _set("colour", "red"),
    "unknown owner": _set("owner", "nobody"),
    "due before start": lambda d: _measure(d).update(start="2016-05-01", due="2016-01-01"),
    "week date": _set("due", "2016-W01-1"),
    "bad date": _set("due", "2016-02-30"),
    "fourp state": lambda d: _measure(d)["four_p"].update(process="finished"),
    "fourp part": lambda d: _measure(d)["four_p"].update(profit="done"),
    "unknown perspective": lambda d: _measure(d)["perspectives"].update(
        {"okänt perspektiv": "yes"}
    ),
    "coverage level": lambda d: _measure(d)["perspectives"].update(
        {next(iter(_measure(d)["perspectives"])): "maybe"}
    ),
    "no actors": lambda d: next(m for m in d["measures"] if m.get("collaborations"))[
        "collaborations"
    ][0].update(actors=[]),
    "step beyond the ladder": lambda d: next(m for m in d["measures"] if m.get("collaborations"))[
        "collaborations"
    ][0].update(step=99),
    "not a number": lambda d: _indicator(d).update(baseline="12"),
    "not finite": lambda d: _indicator(d).update(target=float("inf")),
    "period in another spelling": lambda d: _indicator(d).update(values={"2016-t2": 1}),
    "bad period": lambda d: _indicator(d).update(values={"2016-13": 1}),
    "measure twice": lambda d: d["measures"].append(copy.deepcopy(d["measures"][0])),
    "no plan": lambda d: d.pop("plan"),
    "other version": lambda d: d.update(kplan=2),
    "measures not a list": lambda d: d.update(measures={}),
    "unknown coordinator": lambda d: d["plan"].update(coordinators=["nobody"]),
    "ladder of one": lambda d: d["plan"].update(ladder=["A"], ladder_questions=["?"]),
}


@pytest.mark.parametrize("damage", list(DAMAGES), ids=list(DAMAGES))
def test_a_snapshot_in_another_shape_goes_to_the_plan_file_reader(damage: str) -> None:
    document = json.loads(freeze(read_plan_file(OREBRO)))
    DAMAGES[damage](document)
    assert _as_written(copy.deepcopy(document)) is None
    _same_as_the_reader(document)


def test_a_damaged_snapshot_is_one_line_and_exit_1(orebro: Kplan) -> None:
    """A row changed by hand is refused by every command that reads it, never a crash."""
    orebro("snapshot", "take", "före", "--as", "ehedlund")
    content = json.loads(freeze(read_plan_file(OREBRO)))
    content["measures"][0]["status"] = "finished"
    # Both what the snapshot keeps whole and the states the HTML page reads.
    execute(
        orebro.db,
        "UPDATE snapshot SET content = :c, states = :s",
        c=json.dumps(content),
        s=json.dumps(states_of(content)),
    )
    for command in (["diff", "före"], ["export", "--format", "html"], ["snapshot", "list"]):
        result = orebro(*command, expect=None)
        if command[0] == "snapshot":
            assert result.exit_code == 0  # the listing only counts the measures
            continue
        assert result.exit_code == 1, (command, result.stderr)
        assert "snapshot 'före'" in result.stderr
        assert "'finished'" in result.stderr


@pytest.mark.parametrize(
    "content",
    ["not json", "", "[]", '"plan"', "[" * 100_000 + "]" * 100_000, '{"kplan": NaN}'],
    ids=["text", "empty", "a list", "a string", "deep", "nan"],
)
def test_a_snapshot_that_is_not_a_plan_is_one_line_and_exit_1(orebro: Kplan, content: str) -> None:
    orebro("snapshot", "take", "före", "--as", "ehedlund")
    execute(orebro.db, "UPDATE snapshot SET content = :c", c=content)
    for command in (["diff", "före"], ["export", "--format", "md"], ["round", "open", "Vår"]):
        if command[0] == "round":
            orebro(*command, "--as", "ehedlund")
            result = orebro("round", "status", expect=1)
        else:
            result = orebro(*command, expect=1)
        assert result.stderr.startswith("kplan: error: snapshot 'före': "), result.stderr
        assert "kplan snapshot delete" in result.stderr or "kplan" in result.stderr
    listed = orebro.json("snapshot", "list")
    assert [(s["name"], s["measures"]) for s in listed] == [("före", 0)]
    orebro("snapshot", "delete", "före", "--as", "ehedlund")
    assert orebro.json("snapshot", "list") == []


def _states(plan: Plan) -> list[tuple[str, str, str, str, int, dict[str, str]]]:
    return [(m.id, m.title, m.owner, m.status, m.progress, m.four_p) for m in plan.measures]


@fuzz(100)
@given(text=hostile_plans())
def test_the_states_of_a_snapshot_are_those_of_the_whole_plan(text: str) -> None:
    """What the HTML page draws from a snapshot is what a whole thaw would give it."""
    try:
        plan = parse_plan_text(text, "fuzz.toml")
    except PlanFileError:
        return
    content = freeze(plan)
    states = _states_as_written(states_of(json.loads(content)))
    assert states is not None
    assert _states_as_written(json.loads(content)) is not None
    assert (states.id, states.title) == (plan.id, plan.title)
    assert _states(states) == _states(thaw(content, "x"))


@pytest.mark.parametrize("states", ["damaged", "none"])
def test_a_damaged_state_is_read_by_the_whole_thaw_and_refused(orebro: Kplan, states: str) -> None:
    orebro("snapshot", "take", "före", "--as", "ehedlund")
    content = json.loads(freeze(read_plan_file(OREBRO)))
    content["measures"][3]["progress"] = 140
    kept = json.dumps(states_of(content)) if states == "damaged" else None
    execute(
        orebro.db, "UPDATE snapshot SET content = :c, states = :s", c=json.dumps(content), s=kept
    )
    assert _states_as_written(content) is None
    result = orebro("export", "--format", "html", expect=1)
    assert "snapshot 'före'" in result.stderr
    assert "140" in result.stderr


def test_the_page_draws_a_snapshot_from_its_kept_states(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The states a snapshot keeps draw the same page as the whole plan it keeps."""
    monkeypatch.setenv("KPLAN_NOW", "2026-03-01T12:00:00")
    orebro("status", "7", "delayed", "--progress", "35", "--as", "sforsberg")
    orebro("snapshot", "take", "före", "--as", "ehedlund")
    orebro("status", "7", "ongoing", "--progress", "60", "--as", "sforsberg")
    (kept,) = query(orebro.db, "SELECT states FROM snapshot")
    assert json.loads(kept["states"])["measures"][6] == {
        "id": "7",
        "title": read_plan_file(OREBRO).measures[6].title,
        "owner": "sforsberg",
        "status": "delayed",
        "progress": 35,
        "four_p": json.loads(freeze(read_plan_file(OREBRO)))["measures"][6]["four_p"],
    }
    page = orebro("export", "--format", "html").stdout
    assert "före: delayed, 35" in page
    execute(orebro.db, "UPDATE snapshot SET states = NULL")
    assert orebro("export", "--format", "html").stdout == page
