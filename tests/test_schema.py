"""The plan file's JSON Schema: made from the checker's specification, kept in docs, true to kplan.

``kplan schema`` prints it, docs/plan.schema.json holds the same text, the
examples name it with a ``#:schema`` line, and a JSON Schema validator
(the ``jsonschema`` package, as an editor would) accepts every file kplan
writes and refuses what kplan refuses for a key or a type.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kplan.core import planspec
from kplan.core.planfile import plan_to_toml
from kplan.domain import normalise_period
from tests.conftest import KRONOBERG, OREBRO, ROOT
from tests.test_entrypoint import kplan_executable
from tests.test_roundtrip import plans

SCHEMA_FILE = ROOT / "docs" / "plan.schema.json"


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def as_json(value: Any) -> Any:
    """A parsed TOML document as an editor hands it to a JSON Schema: dates as text."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def schema_errors(text: str) -> list[str]:
    validator = jsonschema.Draft7Validator(schema())
    document = as_json(tomllib.loads(text))
    return sorted(
        "/".join(str(part) for part in error.absolute_path) + ": " + error.message
        for error in validator.iter_errors(document)
    )


def test_kplan_schema_prints_the_file_in_docs() -> None:
    from kplan.cli import app

    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.stderr
    # A test keeps the two equal: regenerate with `kplan schema > docs/plan.schema.json`.
    assert result.stdout == SCHEMA_FILE.read_text(encoding="utf-8")
    assert result.stdout == planspec.schema_text()


def test_the_installed_entry_point_prints_it_too() -> None:
    done = subprocess.run(
        [kplan_executable(), "schema"], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout) == schema()


def test_the_schema_is_stable_sorted_and_indented() -> None:
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert planspec.schema_text() == planspec.schema_text()


def test_the_schema_is_a_valid_draft_7_schema() -> None:
    jsonschema.Draft7Validator.check_schema(schema())
    assert schema()["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_the_schema_and_the_checker_know_the_same_keys() -> None:
    from kplan.core import planfile

    document = schema()
    measure = document["properties"]["measures"]["items"]
    assert tuple(document["properties"]) == tuple(sorted(planfile.TOP_KEYS))
    assert set(document["properties"]["plan"]["properties"]) == set(planfile.PLAN_KEYS)
    assert set(measure["properties"]) == set(planfile.MEASURE_KEYS)
    collaboration = measure["properties"]["collaborations"]["items"]
    assert set(collaboration["properties"]) == set(planfile.COLLABORATION_KEYS)
    assert collaboration["required"] == ["id", "name", "actors"]
    assert measure["required"] == ["id", "title", "owner"]
    assert document["required"] == ["kplan", "plan"]
    assert measure["properties"]["status"]["enum"][:5] == [
        "not-started",
        "ongoing",
        "delayed",
        "done",
        "cancelled",
    ]
    assert "påbörjad" in measure["properties"]["status"]["enum"]


@pytest.mark.parametrize("example", [OREBRO, KRONOBERG], ids=["orebro", "kronoberg"])
def test_the_examples_name_the_schema_and_validate_against_it(example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first == "#:schema ../docs/plan.schema.json"
    # Taplo reads the path relative to the file.
    assert (example.parent / first.removeprefix("#:schema ")).resolve() == SCHEMA_FILE
    assert schema_errors(text) == []


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        ('title = "Regional analys', 'titel = "Regional analys', "'titel' was unexpected"),
        ("progress = 40\n", 'progress = "40"\n', "'40' is not of type 'integer'"),
        ('status = "ongoing"', 'status = "ongoin"', "'ongoin' is not one of"),
        ("[plan]\nid =", "[plan]\nidentity =", "'id' is a required property"),
        ("kplan = 1", "kplan = 2", "1 was expected"),
        ('kind = "education"', 'kind = "university"', "'university' is not one of"),
    ],
    ids=["misspelt-key", "wrong-type", "unknown-status", "missing-id", "version", "kind"],
)
def test_a_wrong_file_is_refused_by_the_schema_and_by_kplan_check(
    tmp_path: Path, old: str, new: str, found: str
) -> None:
    text = OREBRO.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    errors = schema_errors(text)
    assert any(found in error for error in errors), errors
    file = tmp_path / "plan.toml"
    file.write_text(text, encoding="utf-8")
    from kplan.cli import app

    result = CliRunner().invoke(app, ["check", str(file)])
    assert result.exit_code == 1
    # kplan names the line where the change is.
    line = text[: text.index(new)].count("\n") + 1
    assert f"{file}:{line}:" in result.stdout or f"{file}:{line - 1}:" in result.stdout, (
        result.stdout
    )


def test_a_misspelt_key_is_named_at_its_line(tmp_path: Path) -> None:
    text = OREBRO.read_text(encoding="utf-8").replace(
        'title = "Regional analys', 'titel = "Regional analys', 1
    )
    assert [e for e in schema_errors(text) if "titel" in e] == [
        "measures/0: Additional properties are not allowed ('titel' was unexpected)"
    ]
    file = tmp_path / "plan.toml"
    file.write_text(text, encoding="utf-8")
    from kplan.cli import app

    result = CliRunner().invoke(app, ["check", str(file)])
    line = text[: text.index("titel =")].count("\n") + 1
    assert f"{file}:{line}:1: measures[1].titel: unknown key 'titel'." in result.stdout


def test_swedish_words_are_in_the_schema_too() -> None:
    text = OREBRO.read_text(encoding="utf-8")
    for old, new in [
        ('status = "ongoing"', 'status = "påbörjad"'),
        ('"etnicitet" = "partly"', '"etnicitet" = "delvis"'),
        ('kind = "education"', 'kind = "school"'),
        ('process = "ongoing"', 'process = "genomförd"'),
    ]:
        text = text.replace(old, new, 1)
    assert schema_errors(text) == []


@settings(max_examples=60, deadline=None, database=None)
@given(plan=plans())
def test_every_plan_kplan_writes_is_valid_under_the_schema(plan: Any) -> None:
    text = plan_to_toml(plan)
    assert schema_errors(text) == [], text


@settings(max_examples=300, deadline=None, database=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("0123456789-TQHMtqh \t12")), max_size=10)
    | st.from_regex(r"\A[0-9]{4}(-(0[0-9]|1[0-4]|[TtQqHh][0-5]))?\Z")
)
def test_the_schema_reads_periods_as_kplan_does(text: str) -> None:
    pattern = re.compile(planspec.PERIOD_SCHEMA_PATTERN)
    assert (pattern.search(text) is not None) == (normalise_period(text) is not None), text
