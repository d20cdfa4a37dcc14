"""Changing a plan where it lives: läget (kplan note), measures, collaborations, indicators."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import OREBRO, Kplan, dump_store


def owners_only(tmp_path: Path) -> Path:
    """The example plan with the "owners" edit policy (coordinators ehedlund, pnyberg)."""
    text = OREBRO.read_text(encoding="utf-8")
    path = tmp_path / "owners_only.toml"
    path.write_text(text.replace("[plan]\n", '[plan]\nedit = "owners"\n', 1), encoding="utf-8")
    return path


@pytest.fixture
def guarded(kplan: Kplan, tmp_path: Path) -> Kplan:
    """A store holding the example plan under the "owners" policy."""
    kplan("import", str(owners_only(tmp_path)), "--as", "ehedlund")
    return kplan


# --- läget -------------------------------------------------------------------


def test_note_sets_the_situation_logs_it_and_undo_puts_the_old_one_back(orebro: Kplan) -> None:
    result = orebro.json("note", "7", "Uppstart i maj", "--as", "sforsberg")
    assert [(c["field"], c["old"], c["new"]) for c in result["changes"]] == [
        ("situation", None, "Uppstart i maj")
    ]
    assert orebro.json("show", "7")["situation"] == "Uppstart i maj"
    orebro("note", "7", "Rekrytering klar", "--as", "sforsberg")
    event = orebro.json("log", "7", "--limit", "1")[0]
    assert (event["field"], event["old"], event["new"], event["actor"]) == (
        "situation",
        "Uppstart i maj",
        "Rekrytering klar",
        "sforsberg",
    )
    orebro("undo", "--as", "sforsberg")
    assert orebro.json("show", "7")["situation"] == "Uppstart i maj"
    orebro("note", "7", "", "--as", "sforsberg")
    assert orebro.json("show", "7")["situation"] is None


def test_note_on_a_stale_version_is_refused_with_exit_3_and_nothing_written(
    orebro: Kplan,
) -> None:
    version = orebro.json("show", "7")["version"]
    orebro("status", "7", "delayed")
    before = dump_store(orebro.db)
    refused = orebro("note", "7", "x", "--expect-version", str(version), expect=3)
    assert len(refused.stderr.strip().splitlines()) == 1
    assert dump_store(orebro.db) == before


def test_note_on_an_unknown_measure_names_it_with_exit_1(orebro: Kplan) -> None:
    refused = orebro("note", "77", "x", expect=1)
    assert "77" in refused.stderr and "Traceback" not in refused.stderr


def test_note_under_owners_is_for_the_owner_and_the_coordinators(guarded: Kplan) -> None:
    before = dump_store(guarded.db)
    refused = guarded("note", "7", "x", "--as", "mholm", expect=4)
    assert "mholm" in refused.stderr
    assert dump_store(guarded.db) == before
    guarded("note", "7", "ägaren", "--as", "sforsberg")
    guarded("note", "7", "samordnaren", "--as", "ehedlund")
    assert guarded.json("show", "7")["situation"] == "samordnaren"


def test_the_situation_is_in_every_export_and_hostile_text_is_shown_harmless(
    orebro: Kplan, tmp_path: Path
) -> None:
    hostile = "Läget \x1b[2J<script>alert(1)</script> | **x**"
    orebro("note", "7", hostile, "--as", "sforsberg")
    shown = orebro("show", "7").stdout
    assert "\x1b" not in shown and "Läget" in shown
    exported = json.loads(orebro("export", "--format", "json").stdout)
    measure = next(m for m in exported["measures"] if m["id"] == "7")
    assert measure["situation"] == hostile
    csv_text = orebro("export", "--format", "csv").stdout
    assert "situation" in csv_text.splitlines()[0]
    assert "<script>alert(1)</script>" in csv_text
    markdown = orebro("export", "--format", "md").stdout
    assert "\\<script\\>" in markdown and "<script>" not in markdown
    html = orebro("export", "--format", "html").stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    toml_path = tmp_path / "back.toml"
    orebro("export", "--format", "toml", "-o", str(toml_path))
    assert "situation = " in toml_path.read_text(encoding="utf-8")
    # The file reads back with the same situation.
    again = Kplan(tmp_path / "again.db")
    again("import", str(toml_path))
    assert again.json("show", "7")["situation"] == hostile
