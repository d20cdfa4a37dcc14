"""The vocabulary of an action plan: states, levels, parts and their rules.

Everything here is plain Python so that the plan-file reader, the CLI and the
TUI share one definition of what a valid value is.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Sequence

from kplan.errors import UsageError
from kplan.i18n import t

STATUSES: tuple[str, ...] = ("not-started", "ongoing", "delayed", "done", "cancelled")
# A measure in one of these statuses is finished: it can no longer be overdue.
FINISHED_STATUSES = frozenset({"done", "cancelled"})
FOUR_P_PARTS: tuple[str, ...] = ("perspektiv", "policy", "plattform", "process")
FOUR_P_STATES: tuple[str, ...] = ("not-started", "ongoing", "done")
COVERAGE_LEVELS: tuple[str, ...] = ("no", "partly", "yes")
# Who may change a measure: anyone ("open"), or only its owner and the plan's coordinators.
EDIT_POLICIES: tuple[str, ...] = ("open", "owners")
ORGANISATION_KINDS: tuple[str, ...] = (
    "public",
    "private",
    "education",
    "industry",
    "civil",
    "other",
)
DIRECTIONS: tuple[str, ...] = ("increase", "decrease")
# The languages a plan may be written in (its exports and reports speak it).
PLAN_LANGUAGES: tuple[str, ...] = ("sv", "en")
LANGUAGE_ALIASES: dict[str, str] = {
    "svenska": "sv",
    "swedish": "sv",
    "english": "en",
    "engelska": "en",
}
# The zone a Swedish plan's moments are shown in when it names none.
DEFAULT_TIMEZONE = "Europe/Stockholm"

DEFAULT_PERSPECTIVES: tuple[str, ...] = ("kön", "ålder", "etnicitet")
DEFAULT_LADDER: tuple[str, ...] = ("Samtal", "Samsyn", "Samverkan", "Samhandling")
DEFAULT_LADDER_QUESTIONS: tuple[str, ...] = (
    "Vem vill och varför?",
    "Vad bör göras?",
    "Vilka behövs för att göra?",
    "Hur ska det göras och av vilka?",
)
MIN_LADDER_STEPS = 2
MAX_LADDER_STEPS = 9

# Swedish follow-up tools use these words; people type them, so accept them.
STATUS_ALIASES: dict[str, str] = {
    "ej-påbörjad": "not-started",
    "ej påbörjad": "not-started",
    "påbörjad": "ongoing",
    "försenad": "delayed",
    "genomförd": "done",
    "avförd": "cancelled",
    "not_started": "not-started",
    "notstarted": "not-started",
    "todo": "not-started",
    "canceled": "cancelled",
}
FOUR_P_STATE_ALIASES: dict[str, str] = {
    "ej-påbörjad": "not-started",
    "ej påbörjad": "not-started",
    "påbörjad": "ongoing",
    "genomförd": "done",
    "not_started": "not-started",
}
FOUR_P_PART_ALIASES: dict[str, str] = {
    "perspective": "perspektiv",
    "platform": "plattform",
}
COVERAGE_ALIASES: dict[str, str] = {
    "nej": "no",
    "delvis": "partly",
    "ja": "yes",
}
# Plan files take these words for an organisation's kind and an indicator's
# direction, as they take the status words above.
ORGANISATION_KIND_ALIASES: dict[str, str] = {
    "offentlig": "public",
    "privat": "private",
    "utbildning": "education",
    "skola": "education",
    "school": "education",
    "näringsliv": "industry",
    "industri": "industry",
    "ideell": "civil",
    "civilsamhälle": "civil",
    "övrig": "other",
    "annan": "other",
}
DIRECTION_ALIASES: dict[str, str] = {
    "ökande": "increase",
    "öka": "increase",
    "minskande": "decrease",
    "minska": "decrease",
}

PERIOD_PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|T(?P<tertial>[1-3])"
    r"|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$",
    re.ASCII,
)
PERIOD_FORMATS = "YYYY, YYYY-MM, YYYY-T1..T3, YYYY-Q1..Q4 or YYYY-H1..H2"

# Limits on what people and files may hand kplan; each is checked where the
# value comes in, with a message naming the limit (docs/plan-format.md,
# docs/cli.md).
MAX_ID_LENGTH = 64  # ids (plans, organisations, owners, measures, ...) and who is acting
MAX_NAME_LENGTH = 2_000  # titles and names: one line of text someone reads in a table
MAX_TEXT_LENGTH = 20_000  # goals, descriptions, notes, every text of an apply line
MAX_LABEL_LENGTH = 100  # round and snapshot names, typed on the command line
MAX_NESTING = 32  # arrays and tables inside each other in a plan file or an apply line
MAX_INTEGER_DIGITS = 18  # a whole number kplan reads fits in 64 bits
DEFAULT_MAX_FILE_MB = 64  # a plan or apply file's size, unless KPLAN_MAX_FILE_MB says otherwise
MAX_FILE_MB_LIMIT = 100_000  # the most KPLAN_MAX_FILE_MB may allow
MAX_FILE_MB_VARIABLE = "KPLAN_MAX_FILE_MB"


def _normalise(value: str, valid: Sequence[str], aliases: dict[str, str]) -> str | None:
    token = value.strip().lower()
    if token in valid:
        return token
    return aliases.get(token)


def normalise_status(value: str) -> str | None:
    """The canonical status for ``value`` (English or Swedish), or None."""
    return _normalise(value, STATUSES, STATUS_ALIASES)


def normalise_four_p_state(value: str) -> str | None:
    """The canonical Fyra P state for ``value``, or None."""
    return _normalise(value, FOUR_P_STATES, FOUR_P_STATE_ALIASES)


def normalise_four_p_part(value: str) -> str | None:
    """The canonical Fyra P part name for ``value``, or None."""
    return _normalise(value, FOUR_P_PARTS, FOUR_P_PART_ALIASES)


def normalise_coverage(value: str) -> str | None:
    """The canonical perspective coverage level for ``value``, or None."""
    return _normalise(value, COVERAGE_LEVELS, COVERAGE_ALIASES)


def normalise_period(value: str) -> str | None:
    """The canonical period string (``2015``, ``2015-T2``...), or None if malformed."""
    token = value.strip().upper()
    return token if PERIOD_PATTERN.match(token) else None


def period_kind(period: str) -> str:
    """The length of a period: ``year``, ``month``, ``tertial``, ``quarter`` or ``half``."""
    match = PERIOD_PATTERN.match(period)
    if not match:
        return "unknown"
    for kind in ("month", "tertial", "quarter", "half"):
        if match[kind]:
            return kind
    return "year"


def period_sort_key(period: str) -> tuple[int, int, str]:
    """Sort periods chronologically by where they end; a year sorts after its parts.

    Periods that end together (2015-12, 2015-Q4, 2015-T3, 2015-H2) are ordered
    by their text, so every set of periods has one order.
    """
    match = PERIOD_PATTERN.match(period)
    if not match:
        return (0, 0, period)
    year = int(match["year"])
    if match["month"]:
        return (year, int(match["month"]) * 10, period)
    if match["tertial"]:
        return (year, int(match["tertial"]) * 40, period)
    if match["quarter"]:
        return (year, int(match["quarter"]) * 30, period)
    if match["half"]:
        return (year, int(match["half"]) * 60, period)
    return (year, 1000, period)


def as_finite(value: object) -> float | None:
    """A real number as a finite float, or None (booleans, text, nan, inf, too large)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


# ASCII digits only: int() and float() also read "١٢" and "１２", "1_000" and
# (float) "nan" and "infinity", none of which a plan file or an export holds.
_INTEGER = re.compile(rf"[+-]?[0-9]{{1,{MAX_INTEGER_DIGITS}}}", re.ASCII)
_DECIMAL = re.compile(
    r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]{1,4})?", re.ASCII
)
_SURROGATE = re.compile("[\ud800-\udfff]")

# A spreadsheet reads a cell starting with one of these as a formula (or strips
# the character and then does): the OWASP list for CSV injection. The CSV
# export writes such a text with an apostrophe in front; apply takes it off.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def needs_formula_guard(text: str) -> bool:
    """Whether the CSV export writes ``text`` with an apostrophe in front.

    A text a spreadsheet would run as a formula, and a text that already
    starts with apostrophes before one (``'=1``): guarded too, so taking one
    apostrophe off (``formula_unguarded``) gives back exactly what was written.
    """
    return text.lstrip("'").startswith(FORMULA_PREFIXES)


def formula_unguarded(cell: str) -> str:
    """A CSV cell as it was before the export's formula guard (see needs_formula_guard)."""
    return cell[1:] if cell.startswith("'") and needs_formula_guard(cell[1:]) else cell


def parse_integer(value: object) -> int | None:
    """A whole number as a person or a file gives it, or None.

    Integers pass (not booleans); text is an optional sign and 1 to 18 ASCII
    digits, with blanks around it. The one reader of whole numbers for the
    command line, apply files and the TUI, so all three refuse the same things
    ("--5", "1e3", "²", "١٢", numbers beyond 64 bits) instead of crashing.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    token = value.strip()
    return int(token) if _INTEGER.fullmatch(token) else None


def parse_number(text: str) -> float | None:
    """A number as a person types it (``12``, ``12.5``, ``12,5``) as a finite float, or None.

    Only ASCII digits, a sign, one decimal point or comma and an exponent are
    read; ``nan``, ``inf``, hex and numbers too large for a float are refused.
    """
    token = text.strip()
    # Beyond a few hundred characters no text is a number a float can hold.
    if len(token) > 400 or not _DECIMAL.fullmatch(token):
        return None
    try:
        number = float(token.replace(",", "."))
    except ValueError:
        return None
    return as_finite(number)


def text_problem(text: str, limit: int = MAX_TEXT_LENGTH) -> str | None:
    """What makes ``text`` unfit to store, in words, or None when it is fine.

    A lone surrogate (what a broken \\ud800 escape or an undecodable byte
    becomes) cannot be stored or shown; PostgreSQL refuses NUL in text; and
    a text beyond ``limit`` characters is refused rather than slowing every
    listing that shows it.
    """
    if len(text) > limit:
        return t("text.too_long", length=len(text), limit=limit)
    if "\x00" in text:
        return t("text.nul")
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        return t("text.surrogate", code=f"\\u{ord(surrogate.group()):04x}")
    return None


def max_file_bytes() -> int:
    """The largest input file kplan reads, in bytes.

    ``KPLAN_MAX_FILE_MB`` (a whole number of megabytes, 1 to 100,000) raises
    or lowers the default of 64; without a limit, ``kplan apply /dev/zero``
    would read until memory runs out.
    """
    setting = os.environ.get(MAX_FILE_MB_VARIABLE, "").strip()
    if not setting:
        return DEFAULT_MAX_FILE_MB * 1024 * 1024
    megabytes = parse_integer(setting)
    if megabytes is None or not 1 <= megabytes <= MAX_FILE_MB_LIMIT:
        shown = setting[:40].encode("unicode_escape").decode("ascii")
        raise UsageError(
            t(
                "limits.bad_max_file",
                variable=MAX_FILE_MB_VARIABLE,
                value=shown,
                high=MAX_FILE_MB_LIMIT,
            )
        )
    return megabytes * 1024 * 1024


def as_utc(value: dt.datetime | str) -> dt.datetime:
    """A moment from the store or a file as aware UTC.

    Drivers hand moments over as naive UTC (SQLite, as text or datetime) or
    aware in the session's zone (PostgreSQL); a naive one is UTC.
    """
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def format_number(value: float | None) -> int | float | None:
    """An integral float as int, so 12.0 reads and exports as 12."""
    if value is None:
        return None
    # Beyond 64 bits an integer is no longer valid TOML; keep such values floats.
    if float(value).is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def trend(values: Sequence[float], direction: str) -> str:
    """Trend of the last two values given the indicator's direction.

    Returns ``up``/``flat``/``down`` for the value's movement judged as
    positive, unchanged or negative, or ``none`` when there is too little data.
    """
    if len(values) < 2:
        return "none"
    delta = values[-1] - values[-2]
    if delta == 0:
        return "flat"
    improving = delta > 0 if direction == "increase" else delta < 0
    return "up" if improving else "down"


def values_trend(values: dict[str, float], direction: str) -> str:
    """The trend of an indicator's values by period, comparing like with like.

    The latest value is set against the one before it of the same length of
    period (a year with a year, a tertial with a tertial), so a tertial after
    a whole year does not read as a fall.
    """
    periods = sorted(values, key=period_sort_key)
    if not periods:
        return trend([], direction)
    kind = period_kind(periods[-1])
    return trend([values[p] for p in periods if period_kind(p) == kind], direction)


def is_overdue(due: dt.date | None, status: str, today: dt.date) -> bool:
    """Whether a measure is overdue: past its due date and neither done nor cancelled.

    The one rule for ``list --overdue``, the marks in ``list`` and ``show``,
    the exports and the reminders. A measure due today is not overdue yet.
    """
    return due is not None and due < today and status not in FINISHED_STATUSES


def days_overdue(due: dt.date | None, status: str, today: dt.date) -> int | None:
    """How many days past due an overdue measure is (see :func:`is_overdue`); None if it is not."""
    if due is None or not is_overdue(due, status, today):
        return None
    return (today - due).days


# A value split by group is addressed ``PERIOD.PERSPECTIVE=GROUP`` (``2016.kön=kvinnor``):
# a period holds no dot, so the first dot ends it, and the first ``=`` after it ends the
# perspective (a perspective whose name holds ``=`` cannot be split by group).
GROUP_SEPARATOR = "="


def group_part(period: str, perspective: str, group: str) -> str:
    """The part text of a value split by group: ``2016.kön=kvinnor``."""
    return f"{period}.{perspective}{GROUP_SEPARATOR}{group}"


def split_group_part(part: str) -> tuple[str, str, str] | None:
    """The (period, perspective, group) a part text names, or None when it names none."""
    period, dot, rest = part.partition(".")
    perspective, equals, group = rest.partition(GROUP_SEPARATOR)
    if not (dot and equals and period and perspective and group):
        return None
    return period, perspective, group


def group_gap(values: dict[str, float]) -> float | None:
    """The gap between the highest and the lowest group's value, or None with fewer than two."""
    if len(values) < 2:
        return None
    return max(values.values()) - min(values.values())


def gap_trend(groups: dict[str, dict[str, float]]) -> tuple[dict[str, float], str]:
    """The gap between groups per period (where two or more groups have a value) and its trend.

    A narrowing gap is the good direction (``up``), a widening one ``down``;
    periods are compared like with like, as :func:`values_trend` does.
    """
    periods: set[str] = set()
    for series in groups.values():
        periods |= set(series)
    gaps: dict[str, float] = {}
    for period in sorted(periods, key=period_sort_key):
        found = {name: s[period] for name, s in groups.items() if period in s}
        gap = group_gap(found)
        if gap is not None:
            gaps[period] = round(gap, 10)
    return gaps, values_trend(gaps, "decrease")
