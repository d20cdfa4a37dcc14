"""The presentation layer: core reads, kplan.present shapes and writes, the CLI and TUI apart."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from kplan.core import exports as core_exports
from kplan.core import snapshots
from kplan.core.queries import list_measures, load, plans, show
from kplan.present import exports
from kplan.present.glyphs import STATUS_SHADES
from kplan.present.summary import measure_detail, measure_summaries, plan_rows, plan_summary
from kplan.store.engine import open_store
from tests.conftest import OREBRO, Kplan

KPLAN = Path(__file__).resolve().parent.parent / "kplan"

# The marks of a status, a Fyra P state, a coverage level and a status shade.
GLYPHS = set("●◐○✓⚠✕") | set(STATUS_SHADES.values()) - {"·", "█", "░"}


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def _offenders(
    package: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()
) -> list[str]:
    root = KPLAN / package if package else KPLAN
    paths = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    return [
        f"{path.relative_to(KPLAN)}: {name}"
        for path in paths
        for name in _imports(path)
        if name.startswith(forbidden) and name not in allowed
    ]


def test_the_scan_sees_imports_at_the_top_and_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import kplan.present.text\n"
        "from kplan.present import summary\n"
        "def f():\n"
        "    from kplan.tui.app import run\n",
        encoding="utf-8",
    )
    assert _imports(sample) == [
        "kplan.present.text",
        "kplan.present",
        "kplan.present.summary",
        "kplan.tui.app",
        "kplan.tui.app.run",
    ]


def test_core_and_store_import_nothing_above_them() -> None:
    above = ("kplan.present", "kplan.tui", "kplan.cli", "kplan.render", "kplan.output")
    assert _offenders("core", above) == []
    assert _offenders("store", (*above, "kplan.core")) == []


def test_the_presentation_layer_imports_neither_the_cli_nor_the_tui() -> None:
    assert _offenders("present", ("kplan.tui", "kplan.cli")) == []


def test_the_tui_imports_neither_the_cli_nor_its_terminal_output() -> None:
    assert _offenders("tui", ("kplan.cli", "kplan.present.terminal", "kplan.render")) == []


def test_the_cli_reaches_the_tui_only_through_its_app() -> None:
    assert _offenders("cli.py", ("kplan.tui",), ("kplan.tui.app", "kplan.tui.app.run")) == []


def test_outside_the_tui_rich_enters_only_through_the_output_module() -> None:
    """One seam for Rich on the command line: kplan.present.output draws and writes."""
    found = [
        hit
        for hit in _offenders("", ("rich",))
        if not hit.startswith(("tui/", "present/output.py:"))
    ]
    assert found == []


def test_the_old_modules_are_gone() -> None:
    assert not (KPLAN / "render.py").exists()
    assert not (KPLAN / "output.py").exists()


def test_the_glyphs_are_written_down_once() -> None:
    """A status or level mark in code is a mark from kplan.present.glyphs, never a copy."""
    found = []
    for path in sorted(KPLAN.rglob("*.py")):
        if path.name in {"glyphs.py", "i18n.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and GLYPHS & set(text):
                found.append(f"{path.relative_to(KPLAN)}:{node.lineno}")
    assert found == []


@pytest.fixture
def orebro_store(tmp_path: Path) -> Path:
    path = tmp_path / "kplan.db"
    Kplan(path)("import", str(OREBRO))
    return path


def test_plans_list_and_show_json_are_the_core_reads_shaped_by_present(
    orebro_store: Path,
) -> None:
    kplan = Kplan(orebro_store)
    store = open_store(str(orebro_store), create=False)
    try:
        found = plans(store)
        assert [(info.key, size) for info, size in found] == [("orebro-kompetens", 22)]
        assert kplan.json("plans") == plan_rows(found)
        plan, chosen = list_measures(store)
        assert kplan.json("list") == measure_summaries(plan, chosen)
        assert [m["id"] for m in kplan.json("list", "--status", "ongoing")] == [
            m.id for m in chosen if m.status == "ongoing"
        ]
        plan, measure, events = show(store, "7")
        assert plan.measures == [measure]
        assert kplan.json("show", "7") == measure_detail(plan, measure, events)
        assert plan_summary(load(store))["measures"] == len(chosen)
    finally:
        store.close()


@pytest.mark.parametrize("fmt", ["toml", "json", "csv"])
def test_formats_that_do_not_look_back_read_no_snapshot(
    orebro_store: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the reports compare with earlier snapshots; the others never read them."""
    kplan = Kplan(orebro_store)
    kplan("snapshot", "take", "before")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the snapshots' history was read")

    monkeypatch.setattr(snapshots, "history", refuse)
    assert kplan("export", "--format", fmt).stdout
    assert kplan("export", "--format", fmt, "--snapshot", "before").stdout


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_reports_look_back_on_the_snapshots_before_theirs(orebro_store: Path, fmt: str) -> None:
    kplan = Kplan(orebro_store)
    kplan("snapshot", "take", "first")
    kplan("status", "7", "done")
    kplan("snapshot", "take", "second")
    store = open_store(str(orebro_store), create=False)
    try:
        now = core_exports.gather(store, history=fmt in exports.LOOKS_BACK)
        then = core_exports.gather(store, snapshot="second", history=True)
        plain = core_exports.gather(store, history=False)
    finally:
        store.close()
    assert [name for name, _, _ in now.history] == ["first", "second"]
    assert [name for name, _, _ in then.history] == ["first"]
    assert plain.history == ()
    assert exports.export(now, fmt) != exports.export(plain, fmt)


def test_the_log_rides_only_with_json(orebro_store: Path) -> None:
    kplan = Kplan(orebro_store)
    assert "events" in json.loads(kplan("export", "--format", "json", "--with-log").stdout)
    assert "events" not in json.loads(kplan("export", "--format", "json").stdout)
    store = open_store(str(orebro_store), create=False)
    try:
        source = core_exports.gather(store, events=True)
        without = core_exports.gather(store)
    finally:
        store.close()
    assert source.events
    # CSV has no place for the log: the same bytes with or without it.
    assert without.events is None
    assert exports.export(source, "csv") == exports.export(without, "csv")
