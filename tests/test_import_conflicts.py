"""kplan import never undoes follow-up work done in the store after the file's base unasked.

The base is the moment on an exported file's ``#:kplan-base`` line, else the
plan's last import; a conflict refuses the import (exit 3, nothing written),
``--keep-store`` keeps the store's values, ``--force`` lets the file win.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kplan.core.actor import now
from kplan.core.changes import Change, apply_changes
from kplan.core.conflicts import ImportConflictError, keep_store_values, read_base
from kplan.core.importing import import_plan
from kplan.core.planfile import read_plan_file
from kplan.core.queries import load
from kplan.store.engine import open_store
from tests.conftest import OREBRO, Kplan, dump_store

# A conflict line names the thing, the field, both values, who and when.
LINE = re.compile(
    r"measure 7 (?P<field>\S+): the file says (?P<file>\S+), the store says (?P<store>\S+)"
    r" \(changed by (?P<actor>\S+) at \d{4}-\d\d-\d\d \d\d:\d\d [A-Z]+\)"
)


def edited(
    tmp_path: Path, name: str, *replacements: tuple[str, str], source: Path = OREBRO
) -> Path:
    """A copy of a plan file with each (old, new) text replaced once."""
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def in_measure(path: Path, key: str, old: str, new: str) -> None:
    """Replace the first ``old`` in measure ``key``'s block of the plan file at ``path``."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f'[[measures]]\nid = "{key}"')
    at = text.index(old, start)
    assert "[[measures]]\nid" not in text[start + 1 : at], (key, old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")


def measure(kplan: Kplan, key: str) -> dict[str, Any]:
    result: dict[str, Any] = kplan.json("show", key)
    return result


# The block of measure 7 in the example, to edit it and nothing else.
SEVEN = 'id = "7"\ntitle = "Arbetslivskunskap i vägledningen"'


def test_a_changed_status_and_progress_refuse_the_same_file_again(
    orebro: Kplan, tmp_path: Path
) -> None:
    orebro("status", "7", "done", "--progress", "80", "--as", "sforsberg")
    before = dump_store(orebro.db)
    refused = orebro("import", str(OREBRO), "--as", "ehedlund", expect=3)
    found = {m["field"]: m.groupdict() for m in LINE.finditer(refused.stderr)}
    assert found == {
        "status": {"field": "status", "file": "ongoing", "store": "done", "actor": "sforsberg"},
        "progress": {"field": "progress", "file": "40%", "store": "80%", "actor": "sforsberg"},
    }
    assert "refused: 2 follow-up values" in refused.stderr
    assert "the plan's last import" in refused.stderr
    assert "--keep-store" in refused.stderr and "--force" in refused.stderr
    assert refused.stdout == ""
    assert dump_store(orebro.db) == before
    # A dry run foretells it, with the same exit status.
    dry = orebro("import", str(OREBRO), "--dry-run", expect=3)
    assert len(LINE.findall(dry.stderr)) == 2
    assert dump_store(orebro.db) == before


def test_keep_store_keeps_the_new_values_and_imports_the_rest(
    orebro: Kplan, tmp_path: Path
) -> None:
    orebro("status", "7", "done", "--progress", "80", "--as", "sforsberg")
    # The file also retitles measure 7 and moves measure 8 (untouched since).
    changed = edited(
        tmp_path, "plan.toml", (SEVEN, 'id = "7"\ntitle = "Vägledare på arbetsplatser"')
    )
    in_measure(changed, "8", "status = ", 'status = "delayed"\n#')
    kept = orebro("import", str(changed), "--keep-store", "--as", "ehedlund")
    assert "Kept the store's values of 2 follow-up values" in kept.stdout
    assert len(LINE.findall(kept.stdout)) == 2
    seven = measure(orebro, "7")
    assert (seven["status"], seven["progress"]) == ("done", 80)
    assert seven["title"] == "Vägledare på arbetsplatser"
    assert measure(orebro, "8")["status"] == "delayed"
    # The values kept stay conflicts for the same file: they are not undone later.
    again = orebro("import", str(changed), "--as", "ehedlund", expect=3)
    assert len(LINE.findall(again.stderr)) == 2
    assert orebro("import", str(changed), "--keep-store").stdout.startswith(
        "Plan orebro-kompetens: nothing else to change."
    )


def test_force_lets_the_file_win(orebro: Kplan) -> None:
    orebro("status", "7", "done", "--progress", "80", "--as", "sforsberg")
    forced = orebro.json("import", str(OREBRO), "--force", "--as", "ehedlund")
    assert {(c["field"], c["outcome"]) for c in forced["conflicts"]} == {
        ("status", "file"),
        ("progress", "file"),
    }
    seven = measure(orebro, "7")
    assert (seven["status"], seven["progress"]) == ("ongoing", 40)
    # The file is the store now: importing it again conflicts with nothing.
    assert "already up to date" in orebro("import", str(OREBRO)).stdout


def test_keep_store_and_force_together_are_a_usage_error(orebro: Kplan) -> None:
    refused = orebro("import", str(OREBRO), "--keep-store", "--force", expect=2)
    assert "--keep-store and --force" in refused.stderr


def test_the_json_of_a_refused_import_lists_the_conflicts(orebro: Kplan) -> None:
    orebro("status", "7", "done", "--as", "sforsberg")
    before = dump_store(orebro.db)
    refused = orebro("import", str(OREBRO), "--json", "--as", "ehedlund", expect=3)
    document = json.loads(refused.stdout)
    assert document["refused"] is True and document["changes"] == []
    assert document["base"]["from"] == "import"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["base"]["at"])
    [conflict] = document["conflicts"]
    assert {k: v for k, v in conflict.items() if k != "changed_at"} == {
        "measure": "7",
        "collaboration": None,
        "indicator": None,
        "field": "status",
        "file": "ongoing",
        "store": "done",
        "changed_by": "sforsberg",
        "outcome": "refused",
    }
    assert "refused" in refused.stderr
    assert dump_store(orebro.db) == before
    kept = orebro.json("import", str(OREBRO), "--keep-store")
    assert kept["refused"] is False and kept["changes"] == []
    assert [c["outcome"] for c in kept["conflicts"]] == ["store"]


def test_every_kind_of_follow_up_value_conflicts(orebro: Kplan) -> None:
    orebro("fourp", "7", "policy", "done", "--as", "sforsberg")
    orebro("perspective", "7", "kön", "yes", "--as", "sforsberg")
    orebro("step", "syv-foretag", "4", "--as", "sforsberg")
    orebro("record", "kartlagda-branscher", "2015", "12", "--as", "sforsberg")
    orebro("record", "kartlagda-branscher", "2016", "14", "--as", "sforsberg")
    refused = json.loads(orebro("import", str(OREBRO), "--json", expect=3).stdout)
    found = {
        (c["measure"], c["collaboration"], c["indicator"], c["field"], c["file"], c["store"])
        for c in refused["conflicts"]
    }
    assert found == {
        ("7", None, None, "four_p.policy", "not-started", "done"),
        ("7", None, None, "perspectives.kön", "partly", "yes"),
        ("7", "syv-foretag", None, "step", "2", "4"),
        ("1", None, "kartlagda-branscher", "values.2015", "10", "12"),
        # A value the file does not have is a value it removes.
        ("1", None, "kartlagda-branscher", "values.2016", None, "14"),
    }
    orebro("import", str(OREBRO), "--keep-store")
    seven = measure(orebro, "7")
    assert seven["four_p"]["policy"] == "done" and seven["perspectives"]["kön"] == "yes"
    assert {c["id"]: c["step"] for c in seven["collaborations"]}["syv-foretag"] == 4
    values = {i["id"]: i["values"] for i in measure(orebro, "1")["indicators"]}
    assert values["kartlagda-branscher"] == {"2014": 7, "2015": 12, "2016": 14}


def test_a_value_nobody_touched_since_the_base_imports_without_a_word(
    orebro: Kplan, tmp_path: Path
) -> None:
    orebro("status", "8", "done", "--as", "sforsberg")
    changed = edited(tmp_path, "plan.toml")
    in_measure(changed, "7", "progress = 40", "progress = 60")
    # Measure 8 changed in the store; the file agrees with the store there.
    in_measure(changed, "8", 'status = "ongoing"', 'status = "done"')
    done = orebro("import", str(changed), "--as", "ehedlund")
    assert done.stdout.startswith("Updated plan orebro-kompetens: 1 change.")
    assert "measure 7, progress: 40% → 60%" in done.stdout
    assert "Kept" not in done.stdout and "replaced" not in done.stdout
    assert measure(orebro, "7")["progress"] == 60
    assert measure(orebro, "8")["status"] == "done"


def test_an_undo_after_the_base_is_a_store_change(orebro: Kplan, tmp_path: Path) -> None:
    changed = edited(tmp_path, "plan.toml")
    in_measure(changed, "7", "progress = 40", "progress = 60")
    orebro("import", str(changed), "--as", "ehedlund")
    orebro("status", "7", "done", "--as", "sforsberg")
    orebro("undo", "--as", "sforsberg")
    # The undo set the status back to the file's own value: nothing to refuse.
    assert "already up to date" in orebro("import", str(changed)).stdout


def test_an_exported_file_takes_its_export_as_the_base(
    orebro: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_NOW", "2030-03-02T09:00:00Z")
    orebro("status", "9", "done", "--as", "ehedlund")
    monkeypatch.setenv("KPLAN_NOW", "2030-03-02T09:05:00Z")
    exported = tmp_path / "exported.toml"
    orebro("export", "-o", str(exported))
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["kplan = 1", "#:kplan-base 2030-03-02T09:05:00Z"]
    monkeypatch.setenv("KPLAN_NOW", "2030-03-02T09:10:00Z")
    orebro("status", "7", "done", "--progress", "80", "--as", "sforsberg")
    # The file's edits: measure 9 back to ongoing (changed before the export,
    # so no conflict though it is after the last import) and measure 7's
    # status (changed after the export: a conflict).
    in_measure(exported, "9", 'status = "done"', 'status = "ongoing"')
    in_measure(exported, "7", 'status = "ongoing"', 'status = "delayed"')
    monkeypatch.setenv("KPLAN_NOW", "2030-03-02T09:15:00Z")
    refused = orebro("import", str(exported), "--as", "ehedlund", expect=3)
    # In the plan's zone, named: 09:05 UTC is 10:05 in Stockholm.
    assert "exported at 2030-03-02 10:05:00 CET" in refused.stderr
    assert [m.group("field") for m in LINE.finditer(refused.stderr)] == ["status", "progress"]
    assert "10:10 CET" in refused.stderr
    orebro("import", str(exported), "--keep-store", "--as", "ehedlund")
    assert measure(orebro, "9")["status"] == "ongoing"
    seven_now = measure(orebro, "7")
    assert (seven_now["status"], seven_now["progress"]) == ("done", 80)


def test_an_unchanged_export_imports_after_follow_up(orebro: Kplan, tmp_path: Path) -> None:
    exported = tmp_path / "exported.toml"
    orebro("export", "-o", str(exported))
    orebro("status", "7", "done", "--as", "sforsberg")
    # The file does not change the status (it says what the store said).
    # Yet it differs from the store now: the change came after the export.
    refused = orebro("import", str(exported), expect=3)
    assert "exported at" in refused.stderr
    assert "measure 7 status" in refused.stderr


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("#:kplan-base yesterday", "names no moment: 'yesterday'"),
        ("#:kplan-base 2999-01-01T00:00:00Z", "has not come yet"),
    ],
)
def test_a_bad_base_line_is_refused_in_one_line(
    orebro: Kplan, tmp_path: Path, line: str, message: str
) -> None:
    changed = edited(tmp_path, "plan.toml", ("kplan = 1\n", f"kplan = 1\n{line}\n"))
    before = dump_store(orebro.db)
    refused = orebro("import", str(changed), expect=1)
    assert message in refused.stderr and "Traceback" not in refused.stderr
    assert dump_store(orebro.db) == before


def test_a_base_line_after_the_first_table_is_not_read(tmp_path: Path) -> None:
    changed = edited(
        tmp_path, "plan.toml", ("[plan]\n", "[plan]\n#:kplan-base 2030-03-02T09:05:00Z\n")
    )
    assert read_base(changed.read_text(encoding="utf-8")) is None
    assert read_base(OREBRO.read_text(encoding="utf-8")) is None


def test_a_new_plan_has_no_base(kplan: Kplan) -> None:
    created = kplan.json("import", str(OREBRO))
    assert created["created"] is True and created["base"] is None and created["conflicts"] == []


def test_the_demo_import_twice_keeps_a_change_made_between(tmp_path: Path) -> None:
    """The Makefile's demo import, run by the installed kplan, twice with a change between."""
    makefile = (Path(__file__).parent.parent / "Makefile").read_text(encoding="utf-8")
    [command] = re.findall(r"^\t\$\(BIN\)/kplan (import .*)$", makefile, re.MULTILINE)
    assert "--keep-store" in command
    words = (
        command.replace("$(EXAMPLE)", str(OREBRO))
        .replace("$(DEMO_DB)", str(tmp_path / "demo.db"))
        .split()
    )
    program = str(Path(sys.executable).with_name("kplan"))
    env = {k: v for k, v in os.environ.items() if k != "KPLAN_DB"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [program, *args], capture_output=True, text=True, env=env, timeout=600, check=False
        )

    assert run(*words).returncode == 0
    db = ["--db", str(tmp_path / "demo.db")]
    assert run("status", "7", "done", "--progress", "90", "--as", "sforsberg", *db).returncode == 0
    second = run(*words)
    assert second.returncode == 0, second.stderr
    assert "Kept the store's values of 2" in second.stdout
    shown = run("show", "7", "--json", *db)
    assert '"status": "done"' in shown.stdout and '"progress": 90' in shown.stdout
    # Without --keep-store the installed kplan refuses with exit 3.
    refused = run("import", str(OREBRO), *db)
    assert refused.returncode == 3 and "changed by sforsberg" in refused.stderr


# Random follow-up and re-imports of one file never lose a store change
# unless the import is forced.

MEASURES = ("7", "8")
STATUSES = ("not-started", "ongoing", "delayed", "done")
step = st.one_of(
    st.tuples(st.just("change"), st.sampled_from(MEASURES), st.sampled_from(STATUSES)),
    st.tuples(st.just("progress"), st.sampled_from(MEASURES), st.integers(0, 100)),
    st.tuples(st.just("import"), st.sampled_from(("refuse", "keep-store", "force")), st.none()),
    # An export of the store as it is, with its moment as its base, imported later.
    st.tuples(st.just("export"), st.none(), st.none()),
    st.tuples(
        st.just("import-export"), st.sampled_from(("refuse", "keep-store", "force")), st.none()
    ),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file_status=st.sampled_from(STATUSES),
    steps=st.lists(step, min_size=1, max_size=8),
)
def test_random_follow_up_is_never_lost_without_force(
    file_status: str, steps: list[tuple[str, Any, Any]]
) -> None:
    source = read_plan_file(OREBRO)
    source.measures[6].status = file_status
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "kplan.db"))
        try:
            import_plan(store, source, actor="importer")
            # Where each field's value came from: the file or a change command.
            by_change: dict[tuple[str, str], Any] = {}
            exported: tuple[Any, Any] | None = None
            for kind, first, second in steps:
                if kind == "export":
                    exported = (now(), load(store))
                    continue
                if kind in ("change", "progress"):
                    field = "status" if kind == "change" else "progress"
                    result = apply_changes(
                        store, [Change("measure", first, field, second)], actor="owner"
                    )
                    if result.changes:
                        by_change[(first, field)] = second
                    continue
                if kind == "import-export" and exported is None:
                    continue
                base, plan = exported if kind == "import-export" and exported else (None, source)
                before = load(store)
                try:
                    import_plan(store, plan, actor="importer", resolution=first, base=base)
                except ImportConflictError as error:
                    assert first == "refuse" and error.conflicts
                    assert load(store) == before
                    continue
                after = load(store)
                for (key, field), value in by_change.items():
                    stored = getattr(after.measure(key), field)
                    if first == "force":
                        continue
                    assert stored == value, (key, field, steps)
                if first == "force":
                    by_change.clear()
        finally:
            store.close()


def test_keep_store_values_touches_a_copy_only() -> None:
    plan = read_plan_file(OREBRO)
    assert keep_store_values(plan, []) is plan


def test_a_snapshot_export_takes_the_snapshot_as_its_base(
    orebro: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_NOW", "2030-03-02T09:00:00Z")
    orebro("snapshot", "take", "vår")
    monkeypatch.setenv("KPLAN_NOW", "2030-03-02T10:00:00Z")
    orebro("status", "7", "done", "--as", "sforsberg")
    monkeypatch.setenv("KPLAN_NOW", "2030-03-02T11:00:00Z")
    exported = tmp_path / "spring.toml"
    orebro("export", "--snapshot", "vår", "-o", str(exported))
    assert exported.read_text(encoding="utf-8").splitlines()[1] == (
        "#:kplan-base 2030-03-02T09:00:00Z"
    )
    # The snapshot holds measure 7 before the change: importing it would undo it.
    refused = orebro("import", str(exported), expect=3)
    assert "exported at 2030-03-02 10:00:00 CET" in refused.stderr
    assert "measure 7 status" in refused.stderr


def test_conflicts_are_told_in_swedish(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    orebro("status", "7", "done", "--as", "sforsberg")
    monkeypatch.setenv("KPLAN_LANG", "sv")
    refused = orebro("import", str(OREBRO), expect=3)
    assert "avbröts: 1 uppföljningsvärde" in refused.stderr
    # The values in words of the reader's language (issue 15: words, not field names).
    assert (
        "status: filen säger påbörjad, lagret säger genomförd (ändrat av sforsberg"
        in refused.stderr
    )
    kept = orebro("import", str(OREBRO), "--keep-store")
    assert "Behöll lagrets värde för 1 uppföljningsvärde" in kept.stdout


def test_the_base_line_of_a_file_read_from_a_pipe_counts(orebro: Kplan, tmp_path: Path) -> None:
    """A pipe can be read once: the plan and its base line come from that one reading."""
    exported = tmp_path / "exported.toml"
    orebro("export", "-o", str(exported))
    orebro("status", "7", "done", "--as", "sforsberg")
    # A later file, made after the change, is imported: the plan's last import.
    later = tmp_path / "later.toml"
    orebro("export", "-o", str(later))
    renamed = edited(tmp_path, "renamed.toml", ("Sara Forsberg", "Sara Forsberg-Ek"), source=later)
    orebro("import", str(renamed))
    program = str(Path(sys.executable).with_name("kplan"))
    piped = subprocess.run(
        [program, "import", "/dev/stdin", "--db", str(orebro.db)],
        input=exported.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # The first export, not the later import, is the base: measure 7's change
    # is after the one and before the other.
    assert piped.returncode == 3, piped.stderr
    assert "exported at" in piped.stderr and "measure 7 status" in piped.stderr
