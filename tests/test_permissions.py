"""The plan's edit policy: with edit = "owners" only owners and coordinators change measures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import OREBRO, Kplan, dump_store


def owners_only(tmp_path: Path) -> Path:
    """The example plan with the "owners" edit policy."""
    text = OREBRO.read_text(encoding="utf-8")
    path = tmp_path / "owners_only.toml"
    path.write_text(text.replace("[plan]\n", '[plan]\nedit = "owners"\n', 1), encoding="utf-8")
    return path


@pytest.fixture
def guarded(kplan: Kplan, tmp_path: Path) -> Kplan:
    """A store holding the example plan under the "owners" policy (imported by a coordinator)."""
    kplan("import", str(owners_only(tmp_path)), "--as", "ehedlund")
    return kplan


@pytest.mark.parametrize(
    "command",
    [
        ["status", "1", "delayed"],
        ["status", "1", "--progress", "10"],
        ["fourp", "1", "plattform", "done"],
        ["perspective", "1", "etnicitet", "yes"],
        ["step", "analysgrupp", "down"],
        ["record", "kartlagda-branscher", "2016", "9"],
    ],
)
def test_someone_else_is_refused_with_exit_4_and_nothing_written(
    guarded: Kplan, command: list[str]
) -> None:
    before = dump_store(guarded.db)
    refused = guarded(*command, "--as", "mholm", expect=4)
    assert "mholm may not change" in refused.stderr
    assert "akarlsson" in refused.stderr and "ehedlund, pnyberg" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert dump_store(guarded.db) == before


def test_a_collaboration_is_named_with_its_measure(guarded: Kplan) -> None:
    refused = guarded("step", "analysgrupp", "down", "--as", "mholm", expect=4)
    assert "collaboration analysgrupp (measure 1)" in refused.stderr


@pytest.mark.parametrize("actor", ["akarlsson", "ehedlund", "pnyberg"])
def test_the_owner_and_the_coordinators_may_change_it(guarded: Kplan, actor: str) -> None:
    guarded("status", "1", "delayed", "--as", actor)
    guarded("step", "analysgrupp", "3", "--as", actor)
    shown = guarded.json("show", "1")
    assert shown["status"] == "delayed"
    events = guarded.json("log", "1", "--limit", "2")
    assert {event["actor"] for event in events} == {actor}


def test_one_refused_line_of_an_apply_stops_the_whole_batch(guarded: Kplan, tmp_path: Path) -> None:
    changes = tmp_path / "changes.jsonl"
    changes.write_text(
        '{"measure": "1", "status": "delayed"}\n{"measure": "2", "status": "delayed"}\n',
        encoding="utf-8",
    )
    before = dump_store(guarded.db)
    refused = guarded("apply", str(changes), "--as", "akarlsson", expect=4)
    assert "line 2" in refused.stderr and "measure 2" in refused.stderr
    assert dump_store(guarded.db) == before


def test_only_a_coordinator_may_import_over_the_plan(guarded: Kplan, tmp_path: Path) -> None:
    changed = tmp_path / "changed.toml"
    text = owners_only(tmp_path).read_text(encoding="utf-8")
    changed.write_text(
        text.replace("Regional analys", "Regional kartläggning", 1), encoding="utf-8"
    )
    before = dump_store(guarded.db)
    refused = guarded("import", str(changed), "--as", "akarlsson", expect=4)
    assert "only a coordinator (ehedlund, pnyberg)" in refused.stderr
    assert dump_store(guarded.db) == before
    guarded("import", str(changed), "--as", "pnyberg")
    assert guarded.json("show", "1")["title"].startswith("Regional kartläggning")


def test_the_open_default_lets_anyone_change_anything(orebro: Kplan) -> None:
    orebro("status", "1", "delayed", "--as", "mholm")
    assert orebro.json("show", "1")["status"] == "delayed"


def test_owners_policy_without_coordinators_is_a_plan_file_error(
    kplan: Kplan, tmp_path: Path
) -> None:
    text = owners_only(tmp_path).read_text(encoding="utf-8")
    start = text.index("coordinators = ")
    end = text.index("\n", start)
    path = tmp_path / "nobody.toml"
    path.write_text(text[:start] + "coordinators = []" + text[end:], encoding="utf-8")
    refused = kplan("import", str(path), expect=1)
    assert "plan.edit" in refused.stderr and "at least one coordinator" in refused.stderr
    assert not kplan.db.exists()


def test_an_unknown_policy_names_the_valid_ones(kplan: Kplan, tmp_path: Path) -> None:
    text = OREBRO.read_text(encoding="utf-8")
    path = tmp_path / "typo.toml"
    path.write_text(text.replace("[plan]\n", '[plan]\nedit = "owner"\n', 1), encoding="utf-8")
    refused = kplan("import", str(path), expect=1)
    assert "plan.edit" in refused.stderr and "open, owners" in refused.stderr
    assert "owners" in refused.stderr


def test_the_policy_survives_export_and_reimport(guarded: Kplan, tmp_path: Path) -> None:
    exported = tmp_path / "exported.toml"
    guarded("export", "--format", "toml", "-o", str(exported))
    assert 'edit = "owners"' in exported.read_text(encoding="utf-8")
    other = Kplan(tmp_path / "other.db")
    other("import", str(exported))
    refused = other("status", "1", "delayed", "--as", "mholm", expect=4)
    assert "mholm may not change" in refused.stderr


def test_the_tui_shows_the_refusal_in_the_dialog(guarded: Kplan) -> None:
    import asyncio

    from textual.widgets import Static

    from kplan.core.workspace import Workspace
    from kplan.tui.app import KplanApp
    from kplan.tui.dialogs.edits import StatusDialog

    async def scenario() -> None:
        app = KplanApp(Workspace(str(guarded.db), None, "mholm"), live=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.open_measure("1")
            await pilot.pause()
            await pilot.press("s")
            await pilot.pause()
            assert isinstance(app.screen, StatusDialog)
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
            assert isinstance(app.screen, StatusDialog)
            error = str(app.screen.query_one("#dialog-error", Static).render())
            assert "mholm may not change measure 1" in error

    before = dump_store(guarded.db)
    asyncio.run(scenario())
    assert dump_store(guarded.db) == before


def test_a_file_cannot_turn_the_policy_off_unless_a_stored_coordinator_imports_it(
    guarded: Kplan, tmp_path: Path
) -> None:
    """The policy and coordinators in the store decide, not the file's, dry run or not."""
    opened = tmp_path / "opened.toml"
    text = owners_only(tmp_path).read_text(encoding="utf-8")
    opened.write_text(
        text.replace('edit = "owners"\n', "", 1).replace(
            'coordinators = ["ehedlund", "pnyberg"]', 'coordinators = ["mholm"]', 1
        ),
        encoding="utf-8",
    )
    before = dump_store(guarded.db)
    for dry_run in ([], ["--dry-run"]):
        refused = guarded("import", str(opened), *dry_run, "--as", "mholm", expect=4)
        assert "mholm may not import over plan" in refused.stderr
        assert dump_store(guarded.db) == before
    guarded("import", str(opened), "--as", "ehedlund")
    guarded("status", "1", "delayed", "--as", "tstrom")


def second_guarded_plan(tmp_path: Path) -> Path:
    """Another plan under "owners", coordinated by pnyberg alone."""
    text = owners_only(tmp_path).read_text(encoding="utf-8")
    path = tmp_path / "second.toml"
    path.write_text(
        text.replace('id = "orebro-kompetens"', 'id = "andra-planen"', 1).replace(
            'coordinators = ["ehedlund", "pnyberg"]', 'coordinators = ["pnyberg"]', 1
        ),
        encoding="utf-8",
    )
    return path


def test_only_a_coordinator_of_every_guarded_plan_may_restore(
    guarded: Kplan, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    guarded("backup", str(copy))
    guarded("import", str(second_guarded_plan(tmp_path)), "--as", "pnyberg")
    before = dump_store(guarded.db)
    for actor, plan in (("mholm", "orebro-kompetens"), ("ehedlund", "andra-planen")):
        for yes in (["--yes"], []):
            refused = guarded("restore", str(copy), *yes, "--as", actor, expect=4)
            assert f"{actor} may not restore over this store" in refused.stderr
            assert f"plan {plan}" in refused.stderr
            assert dump_store(guarded.db) == before
    assert not list(guarded.db.parent.glob("store.db.bak-restore-*"))
    guarded("restore", str(copy), "--yes", "--as", "pnyberg")
    assert [p["id"] for p in guarded.json("plans")] == ["orebro-kompetens"]


def test_kplan_user_names_who_restores(
    guarded: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy.db"
    guarded("backup", str(copy))
    monkeypatch.setenv("KPLAN_USER", "mholm")
    assert "mholm may not restore" in guarded("restore", str(copy), "--yes", expect=4).stderr
    monkeypatch.setenv("KPLAN_USER", "ehedlund")
    guarded("restore", str(copy), "--yes")


def test_anyone_may_restore_over_open_plans_or_a_missing_store(
    orebro: Kplan, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    orebro("backup", str(copy))
    orebro("restore", str(copy), "--yes", "--as", "mholm")
    orebro("restore", str(copy), "--yes", "--as", "mholm", db=tmp_path / "new.db")


def test_a_store_of_a_schema_before_the_edit_policy_has_no_guarded_plans(
    kplan: Kplan, tmp_path: Path
) -> None:
    """A store from before the edit policy existed has only open plans."""
    import sqlite3

    from kplan.store.backup import guarded_plans

    kplan("import", str(owners_only(tmp_path)))
    assert guarded_plans(kplan.db) == [("orebro-kompetens", ["ehedlund", "pnyberg"])]
    connection = sqlite3.connect(kplan.db)
    connection.execute("ALTER TABLE plan DROP COLUMN edit")
    connection.commit()
    connection.close()
    assert guarded_plans(kplan.db) == []
