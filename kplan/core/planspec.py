"""What a plan file may hold: every key, its type, its allowed values, whether it is required.

One declaration with two readers. The checker in :mod:`kplan.core.planfile`
walks a parsed file along it and says in words what is wrong; :func:`schema`
turns it into the JSON Schema that editors validate and complete a plan file
with (``kplan schema``, docs/plan.schema.json). A key, a type, a set of
values or a rule about what is required is therefore changed here, once,
and both follow.

What depends on the rest of the file (an owner a measure names, a step
beyond this plan's ladder, ids used twice) is the checker's alone: a JSON
Schema cannot say it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from kplan.domain import (
    COVERAGE_ALIASES,
    COVERAGE_LEVELS,
    DIRECTION_ALIASES,
    DIRECTIONS,
    EDIT_POLICIES,
    FOUR_P_PART_ALIASES,
    FOUR_P_PARTS,
    FOUR_P_STATE_ALIASES,
    FOUR_P_STATES,
    LANGUAGE_ALIASES,
    MAX_ID_LENGTH,
    MAX_LADDER_STEPS,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    MIN_LADDER_STEPS,
    ORGANISATION_KIND_ALIASES,
    ORGANISATION_KINDS,
    PERIOD_FORMATS,
    PLAN_LANGUAGES,
    STATUS_ALIASES,
    STATUSES,
)
from kplan.i18n import CATALOGUE
from kplan.model import FORMAT_VERSION
from kplan.moments import MAX_ZONE_NAME

# The kinds of value a key holds.
VERSION = "version"  # the format version, an integer that must be FORMAT_VERSION
ID = "id"  # an id: 1 to MAX_ID_LENGTH printable characters, no spaces
STRING = "string"  # one line of text: a title, a name
TEXT = "text"  # a longer text: a goal, a description, a note
REFERENCE = "reference"  # the id of an owner or organisation defined in the file
DATE = "date"  # a TOML date (or a "YYYY-MM-DD" string)
INTEGER = "integer"  # a whole number in a range
NUMBER = "number"  # any finite number
CHOICE = "choice"  # one word of a fixed set (or a word that means one of them)
STRINGS = "strings"  # an array of strings
NAMES = "names"  # an array of distinct names
REFERENCES = "references"  # an array of ids defined elsewhere in the file
TABLE = "table"  # a table with its own keys
TABLES = "tables"  # an array of tables with their own keys
LEVELS = "levels"  # a table from names the plan defines to a choice
SERIES = "series"  # a table from periods to numbers
GROUPS = "groups"  # perspective -> group -> a table from periods to numbers
CODES = "codes"  # a table from names to arrays of strings (a PxWeb selection)
LABELS = "labels"  # a table from codes to names (a source's codes for the groups)
BOOLEAN = "boolean"  # true or false
ZONE = "zone"  # an IANA time zone name (Europe/Stockholm), checked with zoneinfo

# Kinds the checker walks itself, with what it knows of the rest of the file.
NESTED = frozenset({TABLE, TABLES, LEVELS, SERIES, GROUPS, CODES, LABELS})

# The period keys of an indicator's values, as kplan.domain.normalise_period
# reads them (blanks around it and any case), in a syntax JSON Schema
# validators share; tests/test_schema.py checks that the two agree.
PERIOD_SCHEMA_PATTERN = "^[ \\t]*[0-9]{4}(-(0[1-9]|1[0-2]|[Tt][1-3]|[Qq][1-4]|[Hh][12]))?[ \\t]*$"
# A TOML date, as an editor hands it to a JSON Schema: the date, or a date
# and time (kplan keeps the date of it).
DATE_SCHEMA_PATTERN = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    "([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?)?$"
)
# No spaces and no control characters (kplan.names.id_problem says the rest).
ID_SCHEMA_PATTERN = "^[^\\s\\u0000-\\u001f\\u007f-\\u009f]+$"
# An IANA zone's name, as kplan.moments reads it (whether the zone exists is kplan's check).
ZONE_SCHEMA_PATTERN = "^[A-Za-z][A-Za-z0-9_+\\-]*(/[A-Za-z0-9_+\\-]+){0,3}$"
# Something other than blanks.
NOT_BLANK_PATTERN = "\\S"


def _words(key: str, **values: Any) -> str:
    """A description for the schema: the catalogue's English, then its Swedish.

    The schema is one file for every reader, so it speaks both languages
    (an editor shows the description when a key is hovered or completed).
    """
    english, swedish = CATALOGUE[key]
    return english.format(**values) + "\n\n" + swedish.format(**values)


@dataclass(frozen=True)
class Choice:
    """A fixed set of words, and the other words that mean one of them.

    The aliases are the words the command line takes too (Swedish status
    words, "delvis" for partly...): a plan file takes them and kplan keeps
    and writes the canonical word.
    """

    values: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def accepted(self) -> tuple[str, ...]:
        """Every word a file may use: the canonical ones first."""
        return self.values + tuple(word for word in self.aliases if word not in self.values)

    def canonical(self, value: str) -> str | None:
        """The canonical word for ``value``, or None when it is none of them."""
        if value in self.values:
            return value
        return self.aliases.get(value)


def _choice(values: tuple[str, ...], aliases: Mapping[str, str] | None = None) -> Choice:
    return Choice(values, MappingProxyType(dict(aliases or {})))


STATUS = _choice(STATUSES, STATUS_ALIASES)
FOUR_P_STATE = _choice(FOUR_P_STATES, FOUR_P_STATE_ALIASES)
COVERAGE = _choice(COVERAGE_LEVELS, COVERAGE_ALIASES)
EDIT_POLICY = _choice(EDIT_POLICIES)
ORGANISATION_KIND = _choice(ORGANISATION_KINDS, ORGANISATION_KIND_ALIASES)
DIRECTION = _choice(DIRECTIONS, DIRECTION_ALIASES)
LANGUAGE = _choice(PLAN_LANGUAGES, LANGUAGE_ALIASES)
# Where an indicator's values come from: SCB's statistical database (PxWeb) or Kolada.
SOURCE_KINDS = ("pxweb", "kolada")
SOURCE_KIND = _choice(SOURCE_KINDS)


@dataclass(frozen=True)
class Key:
    """One key of a table: its name, the kind of value, and the rules on it."""

    name: str
    kind: str
    description: str
    required: bool = False
    # The longest text (STRING, TEXT, and the items of the array kinds).
    limit: int = MAX_NAME_LENGTH
    choice: Choice | None = None
    # INTEGER: the range of the value; array kinds: how many items.
    low: int | None = None
    high: int | None = None
    # What the key means when it is missing (or wrong, while the rest is checked).
    default: Any = None
    table: Table | None = None


@dataclass(frozen=True)
class Table:
    """A table of the file: its keys in the order a file lists them."""

    name: str
    description: str
    keys: tuple[Key, ...]
    # Other names a key may have: the English names of the Fyra P parts.
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        # The checker asks these for every key of every table of a file (half a
        # million times for a plan of 10,000 measures): worked out once here.
        by_name = {key.name: key for key in self.keys}
        object.__setattr__(self, "_names", tuple(by_name))
        object.__setattr__(self, "_by_name", by_name)
        canonical = dict(self.aliases) | {name: name for name in by_name}
        object.__setattr__(self, "_canonical", canonical)
        plain = tuple(key for key in self.keys if key.kind not in NESTED)
        object.__setattr__(self, "_plain", plain)

    def names(self) -> tuple[str, ...]:
        """The canonical key names, in order."""
        names: tuple[str, ...] = self.__dict__["_names"]
        return names

    def accepted(self) -> tuple[str, ...]:
        """Every key name a file may use."""
        return self.names() + tuple(self.aliases)

    def plain(self) -> tuple[Key, ...]:
        """The keys that hold a plain value (not a table of their own), in order."""
        keys: tuple[Key, ...] = self.__dict__["_plain"]
        return keys

    def canonical_names(self) -> Mapping[str, str]:
        """Every key name a file may use, to the canonical name it stands for."""
        names: Mapping[str, str] = self.__dict__["_canonical"]
        return names

    def canonical(self, name: str) -> str | None:
        """The canonical key name for ``name``, or None when the table has no such key."""
        found: str | None = self.__dict__["_canonical"].get(name)
        return found

    def required(self) -> tuple[str, ...]:
        """The keys a file must give."""
        return tuple(key.name for key in self.keys if key.required)

    def __getitem__(self, name: str) -> Key:
        key: Key = self.__dict__["_by_name"][name]
        return key


def _id() -> Key:
    return Key("id", ID, _words("check.schema_id", limit=MAX_ID_LENGTH), required=True)


def _named(words: str) -> tuple[Key, Key]:
    """The id and the required name (described by catalogue key ``words``) a table starts with."""
    return _id(), Key("name", STRING, _words(words), required=True)


def _choice_key(name: str, words: str, choice: Choice, default: str) -> Key:
    """A key holding one word of ``choice``, ``default`` when missing."""
    return Key(name, CHOICE, words, choice=choice, default=default)


def _text(name: str, words: str, **rules: Any) -> Key:
    """A key holding a longer text (a goal, a description, a note)."""
    return Key(name, TEXT, _words(words), limit=MAX_TEXT_LENGTH, **rules)


ORGANISATION = Table(
    "organisations",
    _words("check.schema_organisations"),
    (
        *_named("check.schema_organisation_name"),
        _choice_key("kind", _words("check.schema_organisation_kind"), ORGANISATION_KIND, "other"),
    ),
)

OWNER = Table(
    "owners",
    _words("check.schema_owners"),
    (
        *_named("check.schema_owner_name"),
        Key("organisation", REFERENCE, _words("check.schema_owner_organisation")),
        Key("email", STRING, _words("check.schema_owner_email")),
    ),
)

PLAN = Table(
    "plan",
    _words("check.schema_plan"),
    (
        _id(),
        Key("title", STRING, _words("check.schema_plan_title"), required=True),
        Key("organisation", STRING, _words("check.schema_plan_organisation"), default=""),
        Key("start", DATE, _words("check.schema_plan_start")),
        Key("end", DATE, _words("check.schema_plan_end")),
        _text("description", "check.schema_plan_description"),
        Key(
            "perspectives",
            NAMES,
            _words("check.schema_perspectives"),
        ),
        Key(
            "ladder",
            NAMES,
            _words("check.schema_ladder"),
            low=MIN_LADDER_STEPS,
            high=MAX_LADDER_STEPS,
        ),
        Key(
            "ladder_questions",
            STRINGS,
            _words("check.schema_ladder_questions"),
            high=MAX_LADDER_STEPS,
        ),
        Key(
            "coordinators",
            REFERENCES,
            _words("check.schema_coordinators"),
            limit=MAX_NAME_LENGTH,
        ),
        _choice_key("edit", _words("check.schema_edit"), EDIT_POLICY, "open"),
        Key("language", CHOICE, _words("langtime.schema_language"), choice=LANGUAGE),
        Key("timezone", ZONE, _words("langtime.schema_timezone"), limit=MAX_ZONE_NAME),
        Key("public", BOOLEAN, _words("langtime.schema_public"), default=False),
    ),
)

FOUR_P = Table(
    "four_p",
    _words("check.schema_four_p"),
    tuple(
        _choice_key(
            part, _words("check.schema_four_p_part", part=part), FOUR_P_STATE, "not-started"
        )
        for part in FOUR_P_PARTS
    ),
    MappingProxyType(dict(FOUR_P_PART_ALIASES)),
)

COLLABORATION = Table(
    "collaborations",
    _words("check.schema_collaborations"),
    (
        *_named("check.schema_collaboration_name"),
        Key(
            "actors",
            REFERENCES,
            _words("check.schema_actors"),
            required=True,
            low=1,
        ),
        Key(
            "step",
            INTEGER,
            _words("check.schema_step"),
            low=1,
            high=MAX_LADDER_STEPS,
            default=1,
        ),
        _text("note", "check.schema_note"),
    ),
)

SOURCE = Table(
    "source",
    _words("stats.schema_source"),
    (
        Key("kind", CHOICE, _words("stats.schema_source_kind"), required=True, choice=SOURCE_KIND),
        Key("url", STRING, _words("stats.schema_source_url"), limit=MAX_TEXT_LENGTH),
        Key("api", INTEGER, _words("stats.schema_source_api"), low=1, high=2, default=2),
        Key("table", STRING, _words("stats.schema_source_table")),
        Key("kpi", STRING, _words("stats.schema_source_kpi")),
        Key("region", STRING, _words("stats.schema_source_region")),
        Key("region_variable", STRING, _words("stats.schema_source_region_variable")),
        Key("time_variable", STRING, _words("stats.schema_source_time_variable")),
        Key("measure", STRING, _words("stats.schema_source_measure")),
        Key("measure_variable", STRING, _words("stats.schema_source_measure_variable")),
        Key("selection", CODES, _words("stats.schema_source_selection")),
        Key("split", STRING, _words("stats.schema_source_split")),
        Key("perspective", STRING, _words("stats.schema_source_perspective")),
        Key("groups", LABELS, _words("stats.schema_source_groups")),
        Key("total", STRING, _words("stats.schema_source_total")),
    ),
)

INDICATOR = Table(
    "indicators",
    _words("check.schema_indicators"),
    (
        *_named("check.schema_indicator_name"),
        Key("unit", STRING, _words("check.schema_unit"), default=""),
        Key("baseline", NUMBER, _words("check.schema_baseline")),
        Key("target", NUMBER, _words("check.schema_target")),
        _choice_key("direction", _words("check.schema_direction"), DIRECTION, "increase"),
        Key(
            "values",
            SERIES,
            _words("check.schema_values", formats=PERIOD_FORMATS),
        ),
        Key("groups", GROUPS, _words("stats.schema_groups", formats=PERIOD_FORMATS)),
        Key("source", TABLE, SOURCE.description, table=SOURCE),
    ),
)

MEASURE = Table(
    "measures",
    _words("check.schema_measures"),
    (
        _id(),
        Key("title", STRING, _words("check.schema_measure_title"), required=True),
        _text("goal", "check.schema_measure_goal", default=""),
        Key("area", STRING, _words("check.schema_measure_area")),
        Key("owner", REFERENCE, _words("check.schema_measure_owner"), required=True),
        _choice_key("status", _words("check.schema_measure_status"), STATUS, "not-started"),
        Key(
            "progress", INTEGER, _words("check.schema_measure_progress"), low=0, high=100, default=0
        ),
        Key("start", DATE, _words("check.schema_measure_start")),
        Key("due", DATE, _words("check.schema_measure_due")),
        _text("description", "check.schema_measure_description"),
        _text("situation", "structure.schema_situation"),
        Key(
            "situation_public",
            BOOLEAN,
            _words("langtime.schema_situation_public"),
            default=False,
        ),
        Key("four_p", TABLE, FOUR_P.description, table=FOUR_P),
        Key(
            "perspectives",
            LEVELS,
            _words("check.schema_measure_perspectives"),
            choice=COVERAGE,
        ),
        Key("collaborations", TABLES, COLLABORATION.description, table=COLLABORATION),
        Key("indicators", TABLES, INDICATOR.description, table=INDICATOR),
    ),
)

DOCUMENT = Table(
    "",
    _words("check.schema_document"),
    (
        Key(
            "kplan",
            VERSION,
            _words("check.schema_version", version=FORMAT_VERSION),
            required=True,
            default=FORMAT_VERSION,
        ),
        Key("plan", TABLE, PLAN.description, required=True, table=PLAN),
        Key("organisations", TABLES, ORGANISATION.description, table=ORGANISATION),
        Key("owners", TABLES, OWNER.description, table=OWNER),
        Key("measures", TABLES, MEASURE.description, table=MEASURE),
    ),
)


# ---------------------------------------------------------------------------
# The JSON Schema
# ---------------------------------------------------------------------------

SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"


def _string(limit: int, *, required: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": limit}
    if required:
        schema["minLength"] = 1
        schema["pattern"] = NOT_BLANK_PATTERN
    return schema


def _id_schema() -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_ID_LENGTH,
        "pattern": ID_SCHEMA_PATTERN,
    }


def _choice_schema(choice: Choice) -> dict[str, Any]:
    return {"type": "string", "enum": list(choice.accepted())}


def _value_schema(key: Key) -> dict[str, Any]:
    """The JSON Schema of one key's value."""
    kind = key.kind
    schema: dict[str, Any]
    if kind == VERSION:
        schema = {"type": "integer", "const": key.default}
    elif kind in (ID, REFERENCE):
        schema = _id_schema()
    elif kind in (STRING, TEXT):
        schema = _string(key.limit, required=key.required)
    elif kind == DATE:
        schema = {"type": "string", "pattern": DATE_SCHEMA_PATTERN}
    elif kind == INTEGER:
        schema = {"type": "integer", "minimum": key.low, "maximum": key.high}
    elif kind == NUMBER:
        schema = {"type": "number"}
    elif kind == BOOLEAN:
        schema = {"type": "boolean"}
    elif kind == ZONE:
        schema = {"type": "string", "maxLength": key.limit, "pattern": ZONE_SCHEMA_PATTERN}
    elif kind == CHOICE:
        assert key.choice is not None
        schema = _choice_schema(key.choice)
    elif kind in (STRINGS, NAMES, REFERENCES):
        item = _id_schema() if kind == REFERENCES else _string(key.limit)
        if kind == NAMES:
            item = _string(key.limit, required=True)
        schema = {"type": "array", "items": item}
        if kind != STRINGS:
            schema["uniqueItems"] = True
        if key.low is not None:
            schema["minItems"] = key.low
        if key.high is not None:
            schema["maxItems"] = key.high
    elif kind == TABLE:
        assert key.table is not None
        schema = table_schema(key.table)
    elif kind == TABLES:
        assert key.table is not None
        schema = {"type": "array", "items": table_schema(key.table)}
    elif kind == LEVELS:
        assert key.choice is not None
        schema = {
            "type": "object",
            "propertyNames": {"minLength": 1},
            "additionalProperties": _choice_schema(key.choice),
        }
    elif kind == SERIES:
        schema = {
            "type": "object",
            "propertyNames": {"pattern": PERIOD_SCHEMA_PATTERN},
            "additionalProperties": {"type": "number"},
        }
    elif kind == GROUPS:
        series = {
            "type": "object",
            "propertyNames": {"pattern": PERIOD_SCHEMA_PATTERN},
            "additionalProperties": {"type": "number"},
        }
        by_group = {
            "type": "object",
            "propertyNames": {"minLength": 1, "maxLength": MAX_NAME_LENGTH},
            "additionalProperties": series,
        }
        schema = {
            "type": "object",
            "propertyNames": {"minLength": 1},
            "additionalProperties": by_group,
        }
    elif kind == CODES:
        schema = {
            "type": "object",
            "propertyNames": {"minLength": 1},
            "additionalProperties": {
                "type": "array",
                "items": _string(key.limit, required=True),
                "minItems": 1,
            },
        }
    elif kind == LABELS:
        schema = {
            "type": "object",
            "propertyNames": {"minLength": 1},
            "additionalProperties": _string(MAX_NAME_LENGTH, required=True),
        }
    else:  # pragma: no cover - every kind is above
        raise ValueError(kind)
    schema["description"] = key.description
    return schema


def table_schema(table: Table) -> dict[str, Any]:
    """The JSON Schema of a table: its keys, the required ones, and no others."""
    properties = {key.name: _value_schema(key) for key in table.keys}
    for alias, name in table.aliases.items():
        properties[alias] = _value_schema(table[name]) | {
            "description": _words("check.schema_alias", name=name)
        }
    schema: dict[str, Any] = {
        "type": "object",
        "description": table.description,
        "properties": properties,
        "additionalProperties": False,
    }
    if table.required():
        schema["required"] = list(table.required())
    return schema


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 7) of a plan file, made from the specification above."""
    document = table_schema(DOCUMENT)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "kplan plan file",
        **document,
    }


def schema_text() -> str:
    """The JSON Schema as ``kplan schema`` prints it: sorted keys, indented, one final newline."""
    import json

    return json.dumps(schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
