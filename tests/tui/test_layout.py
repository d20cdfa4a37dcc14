"""The TUI's layout: no import circle, no import of the CLI, no private Textual attribute.

The import graph is read statically with ``ast`` from every module under
kplan/tui, counting every import wherever it sits (top of the file, inside a
function, under ``TYPE_CHECKING``): a circle hidden in a function or in a
type-checking block is still a circle for whoever reads the code.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import kplan
from kplan.model import Measure, Plan
from kplan.tui.app import KplanApp
from kplan.tui.screens.base import Host
from tests.tui.fixed_app import make_app

ROOT = Path(kplan.__file__).parent
TUI = ROOT / "tui"

# NamedTuple's documented methods start with an underscore but are public.
NAMEDTUPLE_API = {"_replace", "_asdict", "_fields", "_make"}

# Private Textual methods kplan overrides, by class: none. (The overview's table used to
# override DataTable's measuring of every cell; it is a line-API widget of kplan's own now.)
# Any private Textual name fails the test.
OVERRIDDEN: set[str] = set()


def module_name(path: Path) -> str:
    """The dotted name of a module file under kplan/."""
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    """Whether a dotted kplan name is a module or package (not a name inside one)."""
    base = ROOT.parent.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path) -> set[str]:
    """Every kplan module the file imports, anywhere in it."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                source = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            found.add(source)
            # ``from package import module`` imports the module too.
            found.update(
                f"{source}.{alias.name}"
                for alias in node.names
                if is_module(f"{source}.{alias.name}")
            )
    return {name for name in found if name == "kplan" or name.startswith("kplan.")}


def tui_graph() -> dict[str, set[str]]:
    """kplan.tui's modules and the kplan.tui modules each one imports."""
    graph = {module_name(path): imports_of(path) for path in sorted(TUI.rglob("*.py"))}
    return {name: {i for i in imports if i in graph} for name, imports in graph.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle in ``graph`` (its modules in order, first repeated last), or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph.get(node, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return None


def test_the_cycle_finder_finds_circles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = tui_graph()
    # At the top of the file.
    assert "kplan.tui.screens.overview" in graph["kplan.tui.app"]
    # Inside a function (the overview opens the edit dialogs lazily).
    assert "kplan.tui.dialogs" in graph["kplan.tui.screens.overview"]
    # Under TYPE_CHECKING.
    assert "kplan.tui.screens.base" in graph["kplan.tui.dialogs"]


def test_kplan_tui_has_no_import_circle() -> None:
    assert find_cycle(tui_graph()) is None


def test_screens_never_import_the_app() -> None:
    importers = [name for name, imports in tui_graph().items() if "kplan.tui.app" in imports]
    assert importers == []


def test_no_tui_module_imports_the_cli() -> None:
    for path in sorted(TUI.rglob("*.py")):
        assert "kplan.cli" not in imports_of(path), path


def private_names_defined(tree: ast.AST) -> set[str]:
    """Underscored names kplan itself defines: functions, classes, attributes it assigns."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return {name for name in names if name.startswith("_")}


def test_no_private_textual_attribute_is_touched() -> None:
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in TUI.rglob("*.py")}
    ours = set().union(*(private_names_defined(tree) for tree in trees.values()))
    ours |= NAMEDTUPLE_API
    touched: list[str] = []
    for path, tree in sorted(trees.items()):
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Attribute):
                name = node.attr
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
            ):
                name = node.args[1].value
            if (
                name is not None
                and name.startswith("_")
                and not name.startswith("__")
                and name not in ours
            ):
                touched.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert touched == []


def test_no_private_textual_method_is_overridden_but_the_known_one() -> None:
    import importlib
    import inspect

    from textual.dom import DOMNode

    overridden: set[str] = set()
    for path in sorted(TUI.rglob("*.py")):
        module = importlib.import_module(module_name(path))
        for cls in vars(module).values():
            if not (
                inspect.isclass(cls)
                and issubclass(cls, DOMNode)
                and cls.__module__ == module.__name__
            ):
                continue
            textual_bases = [b for b in cls.__mro__ if b.__module__.startswith("textual.")]
            for name, value in vars(cls).items():
                # Textual's own class machinery sets underscored attributes on
                # every subclass; only methods written in kplan count.
                written_here = inspect.isfunction(value) and value.__module__ == module.__name__
                private = name.startswith("_") and not name.startswith("__")
                if written_here and private and any(name in vars(b) for b in textual_bases):
                    overridden.add(f"{cls.__name__}.{name}")
    assert overridden == OVERRIDDEN


def test_the_app_is_the_screens_host(orebro_store: Path) -> None:
    app = make_app(orebro_store)
    assert isinstance(app, KplanApp)
    assert isinstance(app, Host)


def test_plan_measure_finds_by_exact_id() -> None:
    plan = Plan(id="p", title="P", measures=[Measure(id="7", title="Seven", owner="o")])
    found = plan.measure("7")
    assert found is not None and found.title == "Seven"
    assert plan.measure("8") is None
    assert plan.measure(" 7") is None
    assert Plan(id="p", title="P").measure("7") is None


WORDS = {
    # The app's key, the overview's, and (in the log) a table's and the log screen's.
    "en": (["Keys", "Mine", "Quit"], ["Open measure", "Back"]),
    "sv": (["Tangenter", "Mina", "Avsluta"], ["Öppna åtgärd", "Tillbaka"]),
}


@pytest.mark.parametrize("language", ["en", "sv"])
def test_keys_are_described_in_the_language(
    orebro_store: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    from textual.widgets import HelpPanel

    from tests.tui.fixed_app import screen_text, wait_until
    from tests.tui.test_flows import run

    monkeypatch.setenv("KPLAN_LANG", language)
    overview_words, log_words = WORDS[language]

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query(HelpPanel)
        text = screen_text(app)
        for word in overview_words:
            assert word in text
        # No description is left as a catalogue key.
        assert "key." not in text
        await pilot.press("question_mark")
        await pilot.press("l")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LogScreen", 2.0, "log")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        for word in log_words:
            assert word in footer
        assert "key." not in footer

    run(make_app(orebro_store), scenario)
