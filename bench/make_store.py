"""Generate kplan stores of a given size, for benchmarks.

Usable as a library (``make_store(...)``) and from the command line::

    python bench/make_store.py OUT.db --plans 1 --measures 2000 \\
        --collaborations 2 --indicators 2 --events 50000 [--seed 1] [--plan-file OUT.toml]
    python bench/make_store.py OUT.db --preset large      # 50 plans x 200 measures, 200,000 events

How a store is built
--------------------
1. Plans are built in memory as ``kplan.model`` dataclasses from a
   ``random.Random(seed)``: Swedish-ish titles, goals and areas from word
   lists, about one process owner per 20 measures, about 20 organisations,
   collaborations (ladder step 1-4, 1-3 actors), indicators with values for
   2014-2016, mixed statuses, Fyra P states and perspective coverage.
2. A history of field changes is simulated on those dataclasses (status,
   progress, ``four_p.X``, ``perspectives.X``, collaboration ``step``,
   indicator ``values.YYYY``), each change carrying the old and the new value,
   so the plan ends in the state its log leads to. Actors are owner ids
   (mostly the measure's own owner, sometimes a coordinator), batches hold 1-3
   changes to one measure, timestamps are spread over the two years before
   ``now`` in the order of the event ids.
3. Each plan (in its final state) is imported through the core,
   ``kplan.core.importing.import_plan``, exactly as ``kplan import`` would
   (clock fixed, through ``KPLAN_NOW``, to the start of the history, so the
   import event is the oldest one).
4. The simulated events are inserted in bulk.

Why events bypass the operations layer
--------------------------------------
Every real change goes through ``apply_changes``, which resolves the target,
updates the row, bumps its version and logs the event, one transaction per
call. Doing that 50,000 (or 200,000) times takes minutes, and it would only
exercise the write path, which these benchmarks do not measure: what they
need is an event log of a realistic size and shape for the readers (the TUI's
poll, ``kplan log``). So this fixture writes the event rows directly, in one
transaction, through the store's bulk insert
(``kplan.store.events.insert_events``), with the same column
values ``apply_changes`` would write (``kplan.core.diff.as_text`` formats old
and new). The rows of the plan itself still come from ``import_plan``. A
store made here is therefore a benchmark fixture, not a record of real use:
its measure ``version`` counters, for one, do not count the bulk events.

The content is deterministic for a given seed and ``now`` (which defaults to
today, 00:00 UTC, so a rebuild on the same day holds the same data); only the
import events' batch ids, which ``import_plan`` draws itself, differ.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import sys
import time
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kplan.core.diff import as_text
from kplan.domain import (
    COVERAGE_LEVELS,
    DEFAULT_LADDER,
    DEFAULT_PERSPECTIVES,
    FOUR_P_PARTS,
    FOUR_P_STATES,
)
from kplan.model import (
    Collaboration,
    Indicator,
    Measure,
    Organisation,
    Owner,
    Plan,
)

# Named shapes; command-line options override their fields.
PRESETS: dict[str, dict[str, int]] = {
    # The TUI benchmark's big store (bench/tui_bench.py).
    "tui": {"plans": 1, "measures": 2000, "collaborations": 2, "indicators": 2, "events": 50_000},
    # Issue 6's "large" store: many plans, a long log.
    "large": {
        "plans": 50,
        "measures": 200,
        "collaborations": 2,
        "indicators": 2,
        "events": 200_000,
    },
}

HISTORY = dt.timedelta(days=730)
PERIODS = ("2014", "2015", "2016")

# --------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------

# fmt: off
FIRST_NAMES = (
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Per", "Sara", "Anders",
    "Lena", "Mikael", "Kristina", "Jonas", "Elin", "Magnus", "Sofia", "Henrik", "Ingrid",
    "Fredrik", "Emma", "Oskar", "Malin", "Gustav", "Linnea", "Nils", "Helena", "Olof",
    "Annika", "Mats", "Ida", "Björn", "Åsa", "Tove", "Göran", "Märta", "Leila", "Ahmed",
)
LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Lindqvist", "Lindberg", "Hedlund", "Nyberg", "Sjöberg", "Holm",
    "Ström", "Åberg", "Lundgren", "Berg", "Forsberg", "Engström", "Wallin", "Ekström",
    "Söderberg", "Björk", "Hosseini", "Ali", "Novak",
)
MUNICIPALITIES = (
    "Örebro", "Karlskoga", "Lindesberg", "Kumla", "Hallsberg", "Askersund", "Nora",
    "Laxå", "Degerfors", "Hällefors", "Ljusnarsberg", "Lekeberg", "Växjö", "Ljungby",
    "Älmhult", "Tingsryd", "Uppvidinge", "Markaryd",
)
FIXED_ORGANISATIONS = (
    ("region", "Regionen", "public"),
    ("af", "Arbetsförmedlingen", "public"),
    ("lst", "Länsstyrelsen", "public"),
    ("uni", "Universitetet", "education"),
    ("handelskammaren", "Handelskammaren", "industry"),
    ("teknikcollege", "Teknikcollege", "education"),
    ("vocollege", "Vård- och omsorgscollege", "education"),
    ("komvux", "Komvux", "education"),
    ("fk", "Försäkringskassan", "public"),
    ("almi", "Almi Företagspartner", "private"),
    ("foretagarna", "Företagarna", "industry"),
    ("studieforbund", "Studieförbunden i samverkan", "civil"),
)
AREAS = (
    "Strategisk kompetensförsörjning",
    "Utbildning och matchning",
    "Integration och etablering",
    "Unga i arbete",
    "Vård och omsorg",
    "Industri och teknik",
    "Pendling och infrastruktur",
    "Validering",
)
VERBS = (
    "Utveckla", "Stärka", "Samordna", "Kartlägga", "Införa", "Bredda", "Följa upp",
    "Främja", "Etablera", "Förbättra", "Pröva", "Sprida",
)
OBJECTS = (
    "validering", "yrkesutbildning för vuxna", "praktikplatser", "lärlingsutbildning",
    "studie- och yrkesvägledning", "kompetensplattformen", "branschråden",
    "matchningen på arbetsmarknaden", "pendlingsmöjligheterna", "språkstöd för nyanlända",
    "kompetensutveckling i småföretag", "övergången från gymnasiet till arbete",
    "rekryteringen till vården", "prognoser för kompetensbehov", "mentorskap",
    "yrkeshögskoleutbildningar", "distansutbildning", "arbetsplatsförlagt lärande",
)
CONTEXTS = (
    "i norra länet", "inom vård och omsorg", "för unga utan gymnasieexamen",
    "i industrin", "för utrikes födda", "tillsammans med näringslivet", "i kommunerna",
    "inom besöksnäringen", "för långtidsarbetslösa", "i glesbygden", "för äldre arbetskraft",
    "inom byggsektorn", "i handeln", "för kvinnor i tekniska yrken",
)
GOAL_OPENINGS = (
    "Fler invånare", "Arbetsgivarna i länet", "Länets kommuner", "Unga vuxna",
    "Nyanlända", "Små och medelstora företag", "Utbildningsanordnarna",
)
GOAL_ENDINGS = (
    "hittar en väg till arbete inom två år.",
    "har tillgång till den kompetens de behöver.",
    "planerar utbildning utifrån gemensamma prognoser.",
    "får sin kompetens bedömd och erkänd.",
    "samarbetar kring rekrytering och praktik.",
    "når en gymnasieexamen eller motsvarande.",
)
GROUP_KINDS = ("Arbetsgrupp", "Nätverk", "Referensgrupp", "Styrgrupp", "Samverkansforum")
INDICATORS = (
    ("Deltagare i insatsen", "personer", "increase"),
    ("Andel i arbete efter ett år", "%", "increase"),
    ("Validerade yrkeskompetenser", "st", "increase"),
    ("Praktikplatser", "st", "increase"),
    ("Andel avbrott", "%", "decrease"),
    ("Väntetid till vägledning", "dagar", "decrease"),
    ("Medverkande arbetsgivare", "st", "increase"),
)
NOTES = (
    "Enligt uppföljningsmötet.",
    "Rapporterat av processägaren.",
    "Efter dialog med kompetenskansliet.",
    "Justerat efter årsuppföljningen.",
)

# Likely next statuses: a measure is started, runs late, is finished or dropped.
STATUS_MOVES = {
    "not-started": ("ongoing", "ongoing", "ongoing", "cancelled"),
    "ongoing": ("delayed", "delayed", "done"),
    "delayed": ("ongoing", "ongoing", "done", "cancelled"),
    "done": ("ongoing",),
    "cancelled": ("ongoing",),
}
# Progress is reported while work goes on.
PROGRESS_STATUSES = ("ongoing", "delayed")
INITIAL_STATUS_WEIGHTS = {
    "not-started": 3, "ongoing": 5, "delayed": 2, "done": 2, "cancelled": 1,
}  # fmt: skip

# Kinds of event and how often each comes up (weights).
EVENT_KINDS = (
    ("status", 20),
    ("progress", 25),
    ("four_p", 15),
    ("perspectives", 10),
    ("step", 15),
    ("values", 15),
)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _hex_id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


# --------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------


def _organisations(rng: random.Random, count: int) -> list[Organisation]:
    found = [Organisation(key, name, kind) for key, name, kind in FIXED_ORGANISATIONS[:count]]
    towns = list(MUNICIPALITIES)
    rng.shuffle(towns)
    for town in towns[: max(0, count - len(found))]:
        found.append(Organisation(f"{_ascii(town)}-kommun", f"{town}s kommun", "public"))
    return found


def _owners(rng: random.Random, count: int, organisations: list[Organisation]) -> list[Owner]:
    owners: list[Owner] = []
    taken: set[str] = set()
    for _ in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        base = _ascii(first[0] + last)
        key, number = base, 1
        while key in taken:
            number += 1
            key = f"{base}{number}"
        taken.add(key)
        owners.append(
            Owner(
                key,
                f"{first} {last}",
                rng.choice(organisations).id,
                f"{_ascii(first)}.{_ascii(last)}{'' if number == 1 else number}@example.org",
            )
        )
    return owners


def build_plan(
    rng: random.Random,
    index: int,
    *,
    measures: int,
    collaborations: int,
    indicators: int,
    organisations: int = 20,
) -> Plan:
    """One plan of ``measures`` measures with that many collaborations/indicators each."""
    orgs = _organisations(rng, organisations)
    owners = _owners(rng, max(1, round(measures / 20)), orgs)
    town = rng.choice(MUNICIPALITIES)
    plan = Plan(
        id=f"bench-{index}",
        title=f"Handlingsplan för kompetensförsörjning {index} ({town})",
        organisation=f"Region {town}",
        start=dt.date(2013, 1, 1),
        end=dt.date(2016, 12, 31),
        description="Genererad för prestandamätningar (bench/make_store.py).",
        perspectives=list(DEFAULT_PERSPECTIVES),
        ladder=list(DEFAULT_LADDER),
        coordinators=[owner.id for owner in owners[:2]],
        organisations=orgs,
        owners=owners,
    )
    statuses = list(INITIAL_STATUS_WEIGHTS)
    weights = list(INITIAL_STATUS_WEIGHTS.values())
    for number in range(1, measures + 1):
        status = rng.choices(statuses, weights)[0]
        progress = {
            "not-started": 0,
            "done": 100,
            "cancelled": rng.randrange(0, 60, 5),
        }.get(status, rng.randrange(5, 100, 5))
        start = dt.date(2013, 1, 1) + dt.timedelta(days=rng.randrange(0, 900))
        due = start + dt.timedelta(days=rng.randrange(180, 1100))
        measure = Measure(
            id=str(number),
            title=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CONTEXTS)}",
            owner=rng.choice(owners).id,
            goal=f"{rng.choice(GOAL_OPENINGS)} {rng.choice(GOAL_ENDINGS)}",
            area=rng.choice(AREAS),
            status=status,
            progress=progress,
            start=start,
            due=due,
            description=rng.choice((None, None, "Ingår i länets gemensamma uppföljning.")),
            four_p={part: rng.choice(FOUR_P_STATES) for part in FOUR_P_PARTS},
            perspectives={p: rng.choice(COVERAGE_LEVELS) for p in plan.perspectives},
        )
        for k in range(1, collaborations + 1):
            actors = rng.sample(orgs, rng.randint(1, min(3, len(orgs))))
            measure.collaborations.append(
                Collaboration(
                    id=f"m{number}-s{k}",
                    name=f"{rng.choice(GROUP_KINDS)} för {rng.choice(OBJECTS)}",
                    actors=[org.id for org in actors],
                    step=rng.randint(1, len(plan.ladder)),
                    note=rng.choice((None, None, "Träffas varje kvartal.")),
                )
            )
        for k in range(1, indicators + 1):
            name, unit, direction = rng.choice(INDICATORS)
            scale = 100 if unit == "%" else rng.choice((20, 50, 200, 1000))
            baseline = float(rng.randrange(scale // 10, scale // 2 + 1))
            step = max(1, scale // 10)
            target = baseline + step * 3 if direction == "increase" else max(0, baseline - step)
            periods = PERIODS[: rng.randint(2, len(PERIODS))]
            measure.indicators.append(
                Indicator(
                    id=f"m{number}-i{k}",
                    name=name,
                    unit=unit,
                    baseline=baseline,
                    target=float(target),
                    direction=direction,
                    values={p: baseline + rng.randint(-step, 3 * step) for p in periods},
                )
            )
        plan.measures.append(measure)
    return plan.complete()


# --------------------------------------------------------------------------
# History (events)
# --------------------------------------------------------------------------


@dataclass
class _Event:
    plan: str
    measure: str
    collaboration: str | None
    indicator: str | None
    field: str
    old: Any
    new: Any


def _next_different(rng: random.Random, options: tuple[str, ...], current: str) -> str:
    return rng.choice([o for o in options if o != current])


def _change(
    rng: random.Random, plan: Plan, measure: Measure, kind: str, room: int
) -> list[_Event]:
    """Change one field of ``measure`` (or of one of its parts) in place; say what changed.

    Finishing a measure also sets its progress to 100 when ``room`` allows a
    second event, as people do in one go.
    """
    if kind == "status":
        old = measure.status
        measure.status = rng.choice(STATUS_MOVES[old])
        changed = [_Event(plan.id, measure.id, None, None, "status", old, measure.status)]
        if measure.status == "done" and measure.progress < 100 and room > 1:
            changed.append(
                _Event(plan.id, measure.id, None, None, "progress", measure.progress, 100)
            )
            measure.progress = 100
        return changed
    if kind == "progress":
        if measure.status not in PROGRESS_STATUSES:
            return []
        old_progress = measure.progress
        if old_progress >= 95 or rng.random() < 0.1:
            new_progress = max(0, old_progress - rng.choice((5, 10)))
        else:
            new_progress = min(95, old_progress + rng.choice((5, 10, 15, 20)))
        if new_progress == old_progress:
            return []
        measure.progress = new_progress
        return [_Event(plan.id, measure.id, None, None, "progress", old_progress, new_progress)]
    event = _change_part(rng, plan, measure, kind)
    return [event] if event is not None else []


def _change_part(rng: random.Random, plan: Plan, measure: Measure, kind: str) -> _Event | None:
    if kind == "four_p":
        part = rng.choice(FOUR_P_PARTS)
        old = measure.four_p[part]
        measure.four_p[part] = _next_different(rng, FOUR_P_STATES, old)
        return _Event(
            plan.id, measure.id, None, None, f"four_p.{part}", old, measure.four_p[part]
        )
    if kind == "perspectives":
        perspective = rng.choice(plan.perspectives)
        old = measure.perspectives[perspective]
        measure.perspectives[perspective] = _next_different(rng, COVERAGE_LEVELS, old)
        return _Event(
            plan.id,
            measure.id,
            None,
            None,
            f"perspectives.{perspective}",
            old,
            measure.perspectives[perspective],
        )
    if kind == "step" and measure.collaborations:
        collab = rng.choice(measure.collaborations)
        old_step = collab.step
        moves = [s for s in (old_step - 1, old_step + 1) if 1 <= s <= len(plan.ladder)]
        collab.step = rng.choice(moves)
        return _Event(plan.id, measure.id, collab.id, None, "step", old_step, collab.step)
    if kind == "values" and measure.indicators:
        indicator = rng.choice(measure.indicators)
        period = rng.choice(PERIODS)
        old_value = indicator.values.get(period)
        base = old_value if old_value is not None else (indicator.baseline or 0.0)
        new_value = max(0.0, base + rng.choice((-3, -2, -1, 1, 2, 3, 5, 8)))
        if new_value == old_value:
            return None
        indicator.values[period] = new_value
        return _Event(
            plan.id, measure.id, None, indicator.id, f"values.{period}", old_value, new_value
        )
    return None


def simulate_history(
    rng: random.Random, plans: list[Plan], count: int, *, now: dt.datetime
) -> list[dict[str, Any]]:
    """Change the plans ``count`` times, field by field; return the event rows, oldest first.

    The rows lack ``plan_id`` (the store's integer id, known only after the
    import); ``plan_key`` names the plan instead.
    """
    kinds = [kind for kind, _ in EVENT_KINDS]
    weights = [weight for _, weight in EVENT_KINDS]
    chosen_plans = [plan for plan in plans if plan.measures]
    plan_weights = [len(plan.measures) for plan in chosen_plans]
    batches: list[tuple[str, str, str | None, list[_Event]]] = []
    made = 0
    while made < count and chosen_plans:
        plan = rng.choices(chosen_plans, plan_weights)[0]
        measure = rng.choice(plan.measures)
        if rng.random() < 0.85 or not plan.coordinators:
            actor = measure.owner
        else:
            actor = rng.choice(plan.coordinators)
        size = min(count - made, rng.choices((1, 2, 3), (70, 20, 10))[0])
        changes: list[_Event] = []
        while len(changes) < size:
            kind = rng.choices(kinds, weights)[0]
            changes += _change(rng, plan, measure, kind, size - len(changes))
        note = rng.choice(NOTES) if rng.random() < 0.1 else None
        batches.append((actor, _hex_id(rng), note, changes))
        made += size

    start = now - HISTORY
    span = HISTORY.total_seconds()
    moments = sorted(rng.uniform(0, span) for _ in batches)
    rows: list[dict[str, Any]] = []
    for (actor, batch, note, changes), offset in zip(batches, moments, strict=True):
        at = (start + dt.timedelta(seconds=offset)).replace(microsecond=0)
        for change in changes:
            rows.append(
                {
                    "at": at,
                    "actor": actor,
                    "plan_key": change.plan,
                    "batch": batch,
                    "measure": change.measure,
                    "collaboration": change.collaboration,
                    "indicator": change.indicator,
                    "field": change.field,
                    "old": as_text(change.old),
                    "new": as_text(change.new),
                    "note": note,
                }
            )
    return rows


# --------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------


@dataclass
class BuildReport:
    """What ``make_store`` built and how long each part took (seconds)."""

    path: Path
    plans: list[str]
    measures: int = 0
    collaborations: int = 0
    indicators: int = 0
    events: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        """A one-paragraph account for people."""
        parts = ", ".join(f"{name} {value:.1f} s" for name, value in self.seconds.items())
        plans = len(self.plans)
        return (
            f"{self.path}: {plans} plan{'s' if plans != 1 else ''}, {self.measures} measures, "
            f"{self.collaborations} collaborations, {self.indicators} indicators, "
            f"{self.events} bulk events ({parts})"
        )


@contextlib.contextmanager
def _clock(moment: dt.datetime) -> Iterator[None]:
    """Fix kplan's clock (``KPLAN_NOW``) for the duration."""
    before = os.environ.get("KPLAN_NOW")
    os.environ["KPLAN_NOW"] = moment.isoformat()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("KPLAN_NOW", None)
        else:
            os.environ["KPLAN_NOW"] = before


def _remove_store(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        candidate.unlink(missing_ok=True)


def plan_file_paths(plan_file: Path, plans: list[Plan]) -> list[Path]:
    """Where ``--plan-file`` writes each plan: the path itself, or one file per plan."""
    if len(plans) == 1:
        return [plan_file]
    return [plan_file.with_name(f"{plan_file.stem}-{p.id}{plan_file.suffix}") for p in plans]


def make_store(
    path: str | Path,
    *,
    plans: int = 1,
    measures: int = 2000,
    collaborations: int = 2,
    indicators: int = 2,
    events: int = 50_000,
    seed: int = 1,
    now: dt.datetime | None = None,
    plan_file: str | Path | None = None,
    actor: str = "bench",
    force: bool = False,
    verbose: bool = False,
) -> BuildReport:
    """Build a store at ``path``: ``plans`` plans of ``measures`` measures, ``events`` events.

    ``collaborations`` and ``indicators`` are per measure. The store must not
    exist unless ``force`` (which replaces it).
    """
    from kplan.core.importing import import_plan
    from kplan.store.engine import open_store
    from kplan.store.events import insert_events
    from kplan.store.plans import plan_infos

    def say(message: str) -> None:
        if verbose:
            print(message, file=sys.stderr, flush=True)

    target = Path(path)
    if target.exists():
        if not force:
            raise FileExistsError(f"{target} exists (use force=True / --force to replace it)")
        _remove_store(target)
    if now is None:
        today = dt.datetime.now(dt.UTC).date()
        now = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)
    rng = random.Random(seed)
    report = BuildReport(path=target, plans=[])
    began = time.perf_counter()

    built = [
        build_plan(
            rng, index, measures=measures, collaborations=collaborations, indicators=indicators
        )
        for index in range(1, plans + 1)
    ]
    rows = simulate_history(rng, built, events, now=now)
    report.seconds["plans and history in memory"] = time.perf_counter() - began
    say(f"built {plans} plan(s) and {len(rows)} events in memory")

    if plan_file is not None:
        from kplan.core.planfile import plan_to_toml
        from kplan.store.files import check_target, write_text

        for plan, file in zip(built, plan_file_paths(Path(plan_file), built), strict=True):
            # The bench's own files, replaced on every run; never the store it makes.
            write_text(check_target(file, location=str(target), force=True), plan_to_toml(plan))
            say(f"wrote {file}")

    store = open_store(str(target))
    try:
        step = time.perf_counter()
        with _clock(now - HISTORY - dt.timedelta(days=1)):
            for plan in built:
                import_plan(store, plan, actor=actor, source="bench/make_store.py")
                say(f"imported {plan.id} ({len(plan.measures)} measures)")
        report.seconds["import_plan"] = time.perf_counter() - step

        step = time.perf_counter()
        with store.writing() as transaction:
            plan_ids = {info.key: info.row_id for info in plan_infos(transaction)}
            for row in rows:
                row["plan"] = plan_ids[row.pop("plan_key")]
            insert_events(transaction, rows)
        report.seconds["bulk events"] = time.perf_counter() - step
    finally:
        store.close()

    report.plans = [plan.id for plan in built]
    report.measures = sum(len(p.measures) for p in built)
    report.collaborations = sum(len(m.collaborations) for p in built for m in p.measures)
    report.indicators = sum(len(m.indicators) for p in built for m in p.measures)
    report.events = len(rows)
    report.seconds["total"] = time.perf_counter() - began
    return report


def main(argv: list[str] | None = None) -> int:
    """The command line: build one store and say what was built."""
    parser = argparse.ArgumentParser(
        description="Generate a kplan store of a given size for benchmarks.",
        epilog="Presets: "
        + "; ".join(
            f"{name} = " + ", ".join(f"{k} {v}" for k, v in shape.items())
            for name, shape in PRESETS.items()
        ),
    )
    parser.add_argument("out", type=Path, help="the store to create (an SQLite file)")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="a named shape (default: tui)")
    parser.add_argument("--plans", type=int, help="number of plans")
    parser.add_argument("--measures", type=int, help="measures per plan")
    parser.add_argument("--collaborations", type=int, help="collaborations per measure")
    parser.add_argument("--indicators", type=int, help="indicators per measure")
    parser.add_argument("--events", type=int, help="events in the whole store")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--now",
        help="end of the event history, ISO date/time in UTC (default: today 00:00 UTC)",
    )
    parser.add_argument(
        "--plan-file",
        type=Path,
        help="also write the plan as a plan file (one file per plan, suffixed, if several)",
    )
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = parser.parse_args(argv)

    shape = dict(PRESETS[args.preset or "tui"])
    for name in shape:
        value = getattr(args, name)
        if value is not None:
            least = 1 if name in ("plans", "measures") else 0
            if value < least:
                parser.error(f"--{name} must be at least {least}")
            shape[name] = value
    now = None
    if args.now:
        moment = dt.datetime.fromisoformat(args.now.replace("Z", "+00:00"))
        now = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    try:
        report = make_store(
            args.out,
            plans=shape["plans"],
            measures=shape["measures"],
            collaborations=shape["collaborations"],
            indicators=shape["indicators"],
            events=shape["events"],
            seed=args.seed,
            now=now,
            plan_file=args.plan_file,
            force=args.force,
            verbose=True,
        )
    except FileExistsError as error:
        print(f"make_store: {error}", file=sys.stderr)
        return 1
    print(report.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
