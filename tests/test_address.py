"""The typed field address (kplan.address) and the changes made through it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kplan.address import KINDS, PARTED, TARGET, WHOLE, AddressError, FieldAddress
from kplan.core.changes import Change, apply_changes
from kplan.errors import KplanError
from kplan.store.changes import FIELD_COLUMNS
from kplan.store.engine import open_store
from tests.conftest import Kplan, query

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

EVERY_KIND = [
    ("status", "status", ""),
    ("progress", "progress", ""),
    ("step", "step", ""),
    ("four_p.policy", "four_p", "policy"),
    ("perspectives.kön", "perspectives", "kön"),
    ("values.2016", "values", "2016"),
    ("values.2016-Q1", "values", "2016-Q1"),
    # The part is what follows the first dot, as given; its own check refuses it later.
    ("four_p.", "four_p", ""),
    ("values.a.b", "values", "a.b"),
    ("perspectives.Kön ", "perspectives", "Kön "),
]

NOT_ADDRESSES = [
    "",
    ".",
    "title",
    "four_p",
    "perspectives",
    "values",
    "status.x",
    "step.",
    "Status",
    "FOUR_P.policy",
    " status",
    "plan.title",
    "round.opened",
    "measure",
    "x.y",
]


@pytest.mark.parametrize(("text", "kind", "part"), EVERY_KIND)
def test_every_kind_parses_and_gives_back_its_text(text: str, kind: str, part: str) -> None:
    address = FieldAddress.parse(text)
    assert (address.kind, address.part) == (kind, part)
    assert str(address) == text
    assert FieldAddress.parse(str(address)) == address
    assert FieldAddress.find(text) == address
    assert address.parted == (kind in PARTED)


def test_every_kind_belongs_to_a_thing_and_has_a_place_in_the_store() -> None:
    assert set(KINDS) == set(TARGET) == set(FIELD_COLUMNS)
    assert {TARGET[kind] for kind in KINDS} == {"measure", "collaboration", "indicator"}
    for kind in WHOLE:
        assert FIELD_COLUMNS[kind].part is None
        assert FIELD_COLUMNS[kind].table == TARGET[kind]
    for kind in PARTED:
        assert FIELD_COLUMNS[kind].part is not None


@pytest.mark.parametrize("text", NOT_ADDRESSES)
def test_a_text_that_names_no_field_is_refused_with_one_line(text: str) -> None:
    assert FieldAddress.find(text) is None
    with pytest.raises(AddressError) as caught:
        FieldAddress.parse(text)
    message = caught.value.message
    assert "\n" not in message
    assert "is not a field a change can set" in message
    assert (
        "status, progress, situation, four_p.PART, perspectives.NAME, step, values.PERIOD"
        in message
    )
    assert caught.value.exit_code == 1


def test_an_address_cannot_be_built_wrong() -> None:
    with pytest.raises(AddressError):
        FieldAddress("title")
    with pytest.raises(AddressError):
        FieldAddress("status", "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        FieldAddress("status").kind = "progress"  # type: ignore[misc]


def test_the_message_spells_out_what_a_terminal_would_obey() -> None:
    with pytest.raises(AddressError) as caught:
        FieldAddress.parse("\x1b[31mred")
    assert "\x1b" not in caught.value.message
    assert "\\x1b" in caught.value.message


def test_with_part_and_values_from_the_log() -> None:
    assert FieldAddress("four_p", "POLICY").with_part("policy") == FieldAddress.parse(
        "four_p.policy"
    )
    assert FieldAddress("progress").value_from_text("30") == 30
    assert FieldAddress("step").value_from_text("2") == 2
    assert FieldAddress("values", "2016").value_from_text("12.5") == 12.5
    assert FieldAddress("status").value_from_text("done") == "done"
    assert FieldAddress("values", "2016").value_from_text(None) is None


_texts = st.text(max_size=30) | st.builds(
    lambda kind, rest: kind + rest,
    st.sampled_from([*KINDS, *(f"{kind}." for kind in KINDS), "four_p.", "values."]),
    st.text(max_size=12),
)


@FUZZ
@given(_texts)
def test_any_text_parses_or_is_refused_with_the_documented_error(text: str) -> None:
    found = FieldAddress.find(text)
    try:
        parsed = FieldAddress.parse(text)
    except AddressError as error:
        assert found is None
        assert error.message
        return
    assert parsed == found
    assert str(parsed) == text
    assert FieldAddress(parsed.kind, parsed.part) == parsed


# Changes through apply_changes: the messages of today, kept ---------------------------

REFUSED = [
    ("measure", "7", "title", "x", "cannot change title of a measure"),
    ("measure", "7", "status.x", "done", "cannot change status.x of a measure"),
    ("measure", "7", "four_p", "done", "cannot change four_p of a measure"),
    (
        "measure",
        "7",
        "four_p.",
        "done",
        "'' is not a valid Fyra P part. Valid: perspektiv, policy, plattform, process",
    ),
    (
        "measure",
        "7",
        "four_p.nope",
        "done",
        "'nope' is not a valid Fyra P part. Valid: perspektiv, policy, plattform, process",
    ),
    (
        "measure",
        "7",
        "perspectives.okänd",
        "yes",
        "'okänd' is not a valid perspective. Valid: kön, ålder, etnicitet",
    ),
    ("measure", "7", "values.2016", 1, "cannot change values.2016 of a measure"),
    ("measure", "7", "step", 2, "cannot change step of a measure"),
    ("measure", "7", "", "x", "cannot change  of a measure"),
    ("measure", "nope", "title", 2, "unknown measure 'nope'. Valid: 1, 2, 3,"),
    ("collaboration", "fastighet", "status", "done", "cannot change status of a collaboration"),
    ("collaboration", "nope", "four_p.policy", "done", "unknown collaboration 'nope'."),
    (
        "indicator",
        "validerade",
        "values.20x6",
        1,
        "'20x6' is not a period. Use YYYY, YYYY-MM, YYYY-T1..T3, YYYY-Q1..Q4 or YYYY-H1..H2",
    ),
    ("indicator", "validerade", "progress", 1, "cannot change progress of a indicator"),
    ("thing", "7", "status", "done", "cannot change status of a thing"),
]


@pytest.mark.parametrize(("target", "key", "field", "value", "message"), REFUSED)
def test_a_change_to_no_settable_field_is_refused_as_before(
    orebro: Kplan, target: str, key: str, field: str, value: object, message: str
) -> None:
    before = query(orebro.db, "SELECT COUNT(*) AS n FROM event")
    store = open_store(str(orebro.db))
    try:
        with pytest.raises(KplanError) as caught:
            apply_changes(store, [Change(target, key, field, value)], actor="lead1")
    finally:
        store.close()
    assert caught.value.message.startswith(message)
    assert caught.value.exit_code == 1
    assert query(orebro.db, "SELECT COUNT(*) AS n FROM event") == before


def test_parts_are_normalised_and_logged_under_the_plans_spelling(orebro: Kplan) -> None:
    store = open_store(str(orebro.db))
    try:
        result = apply_changes(
            store,
            [
                Change("measure", "7", "four_p.POLICY", "done"),
                Change("measure", "7", "perspectives.KÖN", "yes"),
                Change("indicator", "validerade", "values.2014", None),
                # Nothing stored for 2030: removing it changes nothing and logs nothing.
                Change("indicator", "validerade", "values.2030", None),
            ],
            actor="lead1",
        )
    finally:
        store.close()
    assert [(c.field, c.old, c.new) for c in result.changes] == [
        ("four_p.policy", "not-started", "done"),
        ("perspectives.kön", "partly", "yes"),
        ("values.2014", 210.0, None),
    ]
    shown = orebro.json("show", "7")
    assert shown["four_p"]["policy"] == "done"
    assert shown["perspectives"]["kön"] == "yes"
    assert _values(orebro, "2014") == []


def _values(orebro: Kplan, period: str) -> list[dict[str, object]]:
    return query(
        orebro.db,
        "SELECT v.value FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id"
        " WHERE i.key = :k AND v.period = :p",
        k="validerade",
        p=period,
    )


def test_two_changes_of_one_part_in_a_batch_see_each_other(orebro: Kplan) -> None:
    store = open_store(str(orebro.db))
    try:
        result = apply_changes(
            store,
            [
                Change("indicator", "validerade", "values.2031", 1.0),
                Change("indicator", "validerade", "values.2031", 2.0),
                Change("indicator", "validerade", "values.2031", None),
                Change("measure", "7", "four_p.policy", "ongoing"),
                Change("measure", "7", "four_p.policy", "ongoing"),
            ],
            actor="lead1",
        )
    finally:
        store.close()
    assert [(c.field, c.old, c.new) for c in result.changes] == [
        ("values.2031", None, 1.0),
        ("values.2031", 1.0, 2.0),
        ("values.2031", 2.0, None),
        ("four_p.policy", "not-started", "ongoing"),
    ]
    assert _values(orebro, "2031") == []


@settings(FUZZ, max_examples=40)
@given(_texts)
def test_any_field_text_in_a_change_gives_a_kplan_error_or_a_change(
    orebro: Kplan, text: str
) -> None:
    store = open_store(str(orebro.db))
    try:
        for target in ("measure", "collaboration", "indicator"):
            key = {"measure": "7", "collaboration": "fastighet", "indicator": "validerade"}
            try:
                apply_changes(
                    store,
                    [Change(target, key[target], text, "1")],
                    actor="lead1",
                    dry_run=True,
                )
            except KplanError as error:
                assert error.message
    finally:
        store.close()


# End to end: apply and undo through the command line -----------------------------------


def test_apply_csv_part_columns_and_undo_every_kind(orebro: Kplan, tmp_path: Path) -> None:
    before = orebro.json("show", "7")
    csv = tmp_path / "c.csv"
    csv.write_text(
        "measure,status,progress,four_p.POLICY,perspectives.KÖN\n7,delayed,35,done,yes\n",
        encoding="utf-8",
    )
    orebro("apply", str(csv), "--as", "lead1")
    records = [
        {"collaboration": "fastighet", "step": "-1"},
        {"indicator": "validerade", "period": "2016", "value": 12},
    ]
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    orebro("apply", str(jsonl), "--as", "lead1")
    fields = {event["field"] for event in orebro.json("log", "--limit", "6")}
    assert fields == {
        "status",
        "progress",
        "four_p.policy",
        "perspectives.kön",
        "step",
        "values.2016",
    }
    orebro("undo", "--as", "lead1")
    orebro("undo", "--as", "lead1")
    after = orebro.json("show", "7")
    for name in ("status", "progress", "four_p", "perspectives"):
        assert after[name] == before[name]
    steps = query(orebro.db, "SELECT step FROM collaboration WHERE key = :k", k="fastighet")
    assert steps == [{"step": 4}]
    assert _values(orebro, "2016") == []


def test_apply_refuses_a_column_that_names_no_part_field(orebro: Kplan, tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("measure,status.x,values.2016\n7,done,3\n", encoding="utf-8")
    result = orebro("apply", str(csv), "--as", "lead1", expect=1)
    assert "line 1: status.x: unknown field" in result.stderr
    assert "line 1: values.2016: unknown field" in result.stderr
