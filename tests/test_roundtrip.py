"""Export and import are inverses: plan file -> store -> plan file gives back the same plan.

The example plans are checked through the CLI; generated plans (hypothesis) are
checked through the core: the writer and reader alone (fast), then a real store,
then a second plan imported over the first.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kplan.core.planfile import parse_plan_text, plan_to_toml, read_plan_file
from kplan.domain import (
    COVERAGE_LEVELS,
    DIRECTIONS,
    FOUR_P_PARTS,
    FOUR_P_STATES,
    ORGANISATION_KINDS,
    STATUSES,
)
from kplan.model import Collaboration, Indicator, Measure, Organisation, Owner, Plan
from kplan.names import fold, id_problem, name_problem, nfc

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_FILES = [EXAMPLES / "orebro_plan.toml", EXAMPLES / "kronoberg_plan.toml"]
VOLATILE = ("events", "version")


# ---------------------------------------------------------------------------
# 1. The example plans through the CLI
# ---------------------------------------------------------------------------


def _cli_json(kplan: Any, *args: str, db: Path) -> Any:
    return json.loads(kplan(*args, "--json", db=db).stdout)


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_export_then_import_gives_back_the_same_state(
    kplan: Any, db: Path, tmp_path: Path, example: Path
) -> None:
    kplan("import", str(example))
    exported = tmp_path / "exported.toml"
    kplan("export", "-o", str(exported))
    other = tmp_path / "other-store.db"
    kplan("import", str(exported), db=other)

    listed = _cli_json(kplan, "list", db=db)
    assert listed == _cli_json(kplan, "list", db=other)
    assert len(listed) == len(read_plan_file(example).measures) > 0
    for row in listed:
        first = _cli_json(kplan, "show", row["id"], db=db)
        second = _cli_json(kplan, "show", row["id"], db=other)
        for key in VOLATILE:
            first.pop(key)
            second.pop(key)
        assert first == second, f"measure {row['id']} differs after export and import"

    assert _cli_json(kplan, "plans", db=db) == _cli_json(kplan, "plans", db=other)
    text = exported.read_text(encoding="utf-8")
    assert parse_plan_text(text, str(exported)) == read_plan_file(example)
    # Exporting the re-imported store gives the same file again, but for the
    # base line: it names the newest change of each store, which differ.
    again = kplan("export", db=other).stdout.splitlines()
    lines = text.splitlines()
    assert again[1].startswith("#:kplan-base ") and lines[1].startswith("#:kplan-base ")
    assert again[:1] + again[2:] == lines[:1] + lines[2:]


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_reimporting_an_export_changes_nothing(
    kplan: Any, db: Path, tmp_path: Path, store_dump: Any, example: Path
) -> None:
    kplan("import", str(example))
    exported = tmp_path / "exported.toml"
    kplan("export", "-o", str(exported))
    before = store_dump(db)
    result = kplan("import", str(exported))
    assert "is already up to date; nothing changed." in result.stdout
    assert store_dump(db) == before


def test_reordering_organisations_only_is_imported(kplan: Any, db: Path, tmp_path: Path) -> None:
    """The file's order is part of its content: export keeps it, so import must store it.

    A file that differs from the store only in the order of its organisations
    (or owners, or a measure's collaborations or indicators) is reported as "up
    to date" and the store keeps the old order, so the next export does not
    give back the file that was imported.
    """
    original = EXAMPLE_FILES[1].read_text(encoding="utf-8")
    region = '[[organisations]]\nid = "region"\nname = "Region Kronoberg"\nkind = "public"\n'
    af = '[[organisations]]\nid = "af"\nname = "Arbetsförmedlingen"\nkind = "public"\n'
    assert original.count(region + "\n" + af) == 1
    reordered = original.replace(region + "\n" + af, af + "\n" + region)
    kplan("import", str(EXAMPLE_FILES[1]))
    file = tmp_path / "reordered.toml"
    file.write_text(reordered, encoding="utf-8")
    kplan("import", str(file))
    exported = parse_plan_text(kplan("export").stdout)
    assert [o.id for o in exported.organisations][:2] == ["af", "region"]
    assert exported == read_plan_file(file)


# ---------------------------------------------------------------------------
# 2. Generated plans
# ---------------------------------------------------------------------------

AWKWARD_TEXT = [
    "kön",
    "ålder",
    "etnicitet",
    'citat "inne"',
    "snedstreck \\ och \\n",
    "a = b",
    "# inte en kommentar",
    "rad ett\nrad två",
    "retur\r\nrad",
    "flik\there",
    "emoji 🎉🧑🏽‍🤝‍🧑🏻",
    "'enkla'",
    '"""',
    "[[measures]]",
    '\n[[measures]]\nid = "x"',
    "ключ",
    "日本語",
    " mellanslag ",
    "\\u00e5",
    "nul\x00tecken",
    "del\x7f",
]
awkward_text = st.one_of(st.sampled_from(AWKWARD_TEXT), st.text(max_size=24))
# Names the reader requires: anything with a non-whitespace character.
names = awkward_text.filter(lambda s: bool(s.strip()))
optional_text = st.none() | awkward_text
# Perspective names and ladder labels: printable, no spaces at the ends, in NFC
# (the reader normalises them); a plan's list holds no two that fold alike.
plan_names = awkward_text.map(nfc).filter(lambda s: name_problem(s) is None)

AWKWARD_IDS = ["A3", "1", "ö-1", "7", "x" * 64, "a.b", "id=1", '"q"', "#1", "🎯", "[x]", "a\\b"]
# Ids: printable (no Cc, Cf, Cs, Co, Cn, Z*), without spaces, in NFC (the reader
# normalises them, and NFC can change a string's length, hence the filter).
id_chars = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")
)
free_ids = (
    st.text(id_chars, min_size=1, max_size=64).map(nfc).filter(lambda s: id_problem(s) is None)
)
identifiers = st.one_of(st.sampled_from(AWKWARD_IDS), free_ids)

# Small pools, for two plans that share some of their ids.
POOLS = {
    "organisation": ["region", "af", "ö-org", "lnu", "5"],
    "owner": ["anna", "bo", "ö", "7"],
    "measure": ["1", "2", "3", "A3", "ö-1", "10", "x", "9"],
    "collaboration": ["c1", "c2", "c3", "ö-c", "samverkan", "7"],
    "indicator": ["i1", "i2", "i3", "ö-i", "andel", "7"],
    "perspective": ["kön", "ålder", "etnicitet", 'klass "x"', "landsbygd"],
}

finite_numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**6), 10**6).map(float),
    st.sampled_from([0.0, -0.0, 0.1, 1e-300, 5e-324, 2.0**53, 1e20, 9.5, -12.25]),
)
# Mostly a few nearby years, so that one indicator often has several periods of
# one year (2015, 2015-03, 2015-Q1...); now and then any year 0000-9999.
years = st.one_of(
    st.sampled_from(["2014", "2015"]),
    st.integers(0, 9999).map(lambda year: f"{year:04d}"),
)
period_suffixes = st.one_of(
    st.just(""),
    st.integers(1, 12).map(lambda month: f"-{month:02d}"),
    st.integers(1, 3).map(lambda n: f"-T{n}"),
    st.integers(1, 4).map(lambda n: f"-Q{n}"),
    st.integers(1, 2).map(lambda n: f"-H{n}"),
)
periods = st.builds(lambda year, suffix: year + suffix, years, period_suffixes)


@st.composite
def date_pairs(draw: Any) -> tuple[dt.date | None, dt.date | None]:
    """Optional (start, end) dates with start <= end when both are given."""
    first = draw(st.none() | st.dates())
    second = draw(st.none() | st.dates())
    if first is not None and second is not None and second < first:
        first, second = second, first
    return first, second


@st.composite
def plans(draw: Any, *, pooled: bool = False, plan_id: str | None = None) -> Plan:
    """A valid Plan, not yet completed (four_p and perspectives may be partial)."""

    def ids(kind: str, min_size: int, max_size: int) -> list[str]:
        # Draw the count first: plain st.lists favours very short lists.
        if pooled:
            max_size = min(max_size, len(POOLS[kind]))
        count = draw(st.integers(min_size, max_size))
        source = st.sampled_from(POOLS[kind]) if pooled else identifiers
        # Ids of one kind may not differ only in case or Unicode form.
        return draw(st.lists(source, min_size=count, max_size=count, unique_by=fold))

    perspective_source = st.sampled_from(POOLS["perspective"]) if pooled else plan_names
    perspectives = draw(st.lists(perspective_source, min_size=1, max_size=5, unique_by=fold))
    ladder = draw(st.lists(plan_names, min_size=2, max_size=9, unique_by=fold))
    questions = draw(st.lists(awkward_text, min_size=len(ladder), max_size=len(ladder)))
    start, end = draw(date_pairs())

    organisations = [
        Organisation(id=key, name=draw(names), kind=draw(st.sampled_from(ORGANISATION_KINDS)))
        for key in ids("organisation", 1, 5)
    ]
    org_ids = [o.id for o in organisations]
    owners = [
        Owner(
            id=key,
            name=draw(names),
            organisation=draw(st.none() | st.sampled_from(org_ids)),
            email=draw(optional_text),
        )
        for key in ids("owner", 1, 4)
    ]
    owner_ids = [o.id for o in owners]
    coordinators = draw(st.lists(st.sampled_from(owner_ids), unique=True, max_size=len(owner_ids)))

    measure_ids = ids("measure", 0, 8)
    # Collaboration and indicator ids are unique in the whole plan; each goes to one measure.
    collaboration_homes: dict[int, list[str]] = {i: [] for i in range(len(measure_ids))}
    indicator_homes: dict[int, list[str]] = {i: [] for i in range(len(measure_ids))}
    if measure_ids:
        home = st.integers(0, len(measure_ids) - 1)
        for key in ids("collaboration", 0, 8):
            collaboration_homes[draw(home)].append(key)
        for key in ids("indicator", 0, 8):
            indicator_homes[draw(home)].append(key)

    measures = []
    for index, key in enumerate(measure_ids):
        measure_start, due = draw(date_pairs())
        collaborations = [
            Collaboration(
                id=collab_id,
                name=draw(names),
                actors=draw(
                    st.lists(
                        st.sampled_from(org_ids), min_size=1, max_size=len(org_ids), unique=True
                    )
                ),
                step=draw(st.integers(1, len(ladder))),
                note=draw(optional_text),
            )
            for collab_id in collaboration_homes[index]
        ]
        indicators = [
            Indicator(
                id=indicator_id,
                name=draw(names),
                unit=draw(awkward_text),
                baseline=draw(st.none() | finite_numbers),
                target=draw(st.none() | finite_numbers),
                direction=draw(st.sampled_from(DIRECTIONS)),
                values=draw(st.dictionaries(periods, finite_numbers, max_size=6)),
            )
            for indicator_id in indicator_homes[index]
        ]
        measures.append(
            Measure(
                id=key,
                title=draw(names),
                owner=draw(st.sampled_from(owner_ids)),
                goal=draw(awkward_text),
                area=draw(optional_text),
                status=draw(st.sampled_from(STATUSES)),
                progress=draw(st.integers(0, 100)),
                start=measure_start,
                due=due,
                description=draw(optional_text),
                situation=draw(optional_text),
                four_p=draw(
                    st.dictionaries(st.sampled_from(FOUR_P_PARTS), st.sampled_from(FOUR_P_STATES))
                ),
                perspectives=draw(
                    st.dictionaries(st.sampled_from(perspectives), st.sampled_from(COVERAGE_LEVELS))
                ),
                collaborations=collaborations,
                indicators=indicators,
            )
        )

    return Plan(
        id=plan_id if plan_id is not None else draw(identifiers),
        title=draw(names),
        organisation=draw(awkward_text),
        start=start,
        end=end,
        description=draw(optional_text),
        perspectives=perspectives,
        ladder=ladder,
        ladder_questions=questions,
        coordinators=coordinators,
        organisations=organisations,
        owners=owners,
        measures=measures,
    )


def completed(plan: Plan) -> Plan:
    """A completed copy: every four_p part and plan perspective named."""
    return copy.deepcopy(plan).complete()


@settings(max_examples=150, deadline=None, database=None)
@given(plan=plans())
def test_writer_and_reader_are_inverses(plan: Plan) -> None:
    expected = completed(plan)
    text = plan_to_toml(plan)
    assert parse_plan_text(text, "generated.toml") == expected
    # Writing the parsed plan again gives the same text.
    assert plan_to_toml(parse_plan_text(text)) == text


def _store_round_trip(plans_in_order: list[Plan]) -> Plan:
    """Import each plan into one fresh store, in order; return what the store then holds."""
    from kplan.core.importing import import_plan
    from kplan.core.queries import load
    from kplan.store.engine import open_store

    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "store.db"))
        try:
            for plan in plans_in_order:
                import_plan(store, copy.deepcopy(plan), actor="t")
            return load(store)
        finally:
            store.close()


SLOW = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _tied_periods_plan() -> Plan:
    """One indicator whose periods sort as equals: 2015-03 and 2015-Q1 both end in March."""
    return Plan(
        id="p",
        title="P",
        organisations=[Organisation("o", "O")],
        owners=[Owner("w", "W")],
        measures=[
            Measure(
                id="1",
                title="M",
                owner="w",
                indicators=[
                    Indicator(
                        "i",
                        "I",
                        values={"2015-Q1": 1.0, "2015-03": 2.0, "2015-H1": 3.0, "2015-06": 4.0},
                    )
                ],
            )
        ],
    )


def test_equal_plans_are_written_as_the_same_text() -> None:
    """plan_to_toml must be a function of the plan's value, not of dict insertion order.

    ``period_sort_key`` gives 2015-03 and 2015-Q1 (also 2015-06/2015-H1,
    2015-04/2015-T1, 2015-12/2015-Q4/2015-T3/2015-H2...) the same key, so the
    written order of such periods follows the dict, and two equal plans are
    written differently. The store hands values back in its own order, so an
    export differs from the file that was imported.
    """
    plan = _tied_periods_plan()
    same = copy.deepcopy(plan)
    indicator = same.measures[0].indicators[0]
    indicator.values = dict(reversed(list(indicator.values.items())))
    assert same == plan
    assert plan_to_toml(same) == plan_to_toml(plan)


@settings(SLOW, max_examples=25)
@given(plan=plans())
def test_a_generated_plan_survives_the_store(plan: Plan) -> None:
    expected = completed(plan)
    # Through the file first, as ``kplan import`` does.
    parsed = parse_plan_text(plan_to_toml(plan), "generated.toml")
    assert _store_round_trip([parsed]) == expected


@settings(SLOW, max_examples=15)
@example(plan=_tied_periods_plan())
@given(plan=plans())
def test_export_of_a_stored_plan_is_the_imported_file(plan: Plan) -> None:
    text = plan_to_toml(plan)
    loaded = _store_round_trip([parse_plan_text(text, "generated.toml")])
    assert plan_to_toml(loaded) == text


@settings(SLOW, max_examples=25)
@given(first=plans(pooled=True, plan_id="p"), second=plans(pooled=True, plan_id="p"))
def test_importing_over_a_plan_makes_the_store_equal_to_the_new_plan(
    first: Plan, second: Plan
) -> None:
    shared = {m.id for m in first.measures} & {m.id for m in second.measures}
    assert _store_round_trip([first, second]) == completed(second), (
        f"shared measure ids: {sorted(shared)}"
    )
