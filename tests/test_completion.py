"""Shell completion, asked of the installed ``kplan`` the way bash and zsh ask it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import KRONOBERG, OREBRO, Kplan
from tests.test_entrypoint import kplan_executable, run


def bash(line: str, **env: str) -> list[str]:
    """What bash would offer after ``line`` (the last word is the one being completed)."""
    words = line.split(" ")
    result = run(
        env={
            "_KPLAN_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
            **env,
        }
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return result.stdout.split()


def zsh(line: str, **env: str) -> str:
    """zsh's answer, which carries each value's description."""
    result = run(env={"_KPLAN_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def store(kplan: Kplan) -> Path:
    kplan("import", str(OREBRO))
    return kplan.db


def test_commands_complete(store: Path) -> None:
    assert bash("kplan sh") == ["show"]
    assert set(bash("kplan s")) >= {"show", "status", "step", "snapshot"}


def test_measure_ids_come_from_the_store(store: Path) -> None:
    assert bash("kplan show 1", KPLAN_DB=str(store)) == ["1", *(str(n) for n in range(10, 20))]
    assert "Regional analys av kompetensbehov" in zsh("kplan show 1", KPLAN_DB=str(store))


def test_db_typed_on_the_line_is_used(store: Path) -> None:
    assert bash(f"kplan status --db {store} 2", KPLAN_DB="/nowhere.db") == [
        "2",
        "20",
        "21",
        "22",
    ]


def test_states_owners_and_levels(store: Path) -> None:
    assert bash("kplan status 7 d", KPLAN_DB=str(store)) == ["delayed", "done"]
    assert bash("kplan list --owner s", KPLAN_DB=str(store)) == ["sforsberg"]
    assert bash("kplan fourp 7 pl", KPLAN_DB=str(store)) == ["plattform"]
    assert bash("kplan perspective 7 kön p", KPLAN_DB=str(store)) == ["partly"]
    assert bash("kplan export --format h", KPLAN_DB=str(store)) == ["html"]


def test_collaborations_and_the_plans_own_ladder(kplan: Kplan) -> None:
    kplan("import", str(KRONOBERG))
    collaborations = bash("kplan step ", KPLAN_DB=str(kplan.db))
    assert collaborations and all(c for c in collaborations)
    from kplan.core.planfile import read_plan_file

    plan = read_plan_file(KRONOBERG)
    assert collaborations == [c.id for m in plan.measures for c in m.collaborations]
    first = collaborations[0]
    steps = zsh(f"kplan step {first} ", KPLAN_DB=str(kplan.db))
    assert "Samarbete" in steps and "up" in steps
    assert bash("kplan perspective A1 l", KPLAN_DB=str(kplan.db)) == ["landsbygd"]


def test_without_a_store_nothing_is_offered_and_nothing_is_created(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    assert bash("kplan show ", KPLAN_DB=str(missing)) == []
    assert not missing.exists()
    assert bash("kplan show ", KPLAN_DB=str(tmp_path)) == []


def test_show_completion_prints_a_script() -> None:
    result = subprocess.run(
        [kplan_executable(), "--show-completion", "bash"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "_KPLAN_COMPLETE=complete_bash" in result.stdout


def test_round_names_and_reminder_formats(store: Path) -> None:
    kplan = Kplan(store)
    kplan("round", "open", "Uppföljning 2015", "--as", "ehedlund")
    kplan("round", "close", "--force", "--as", "ehedlund")
    kplan("round", "open", "Tertial 1", "--as", "ehedlund")
    offered = zsh("kplan round show U", KPLAN_DB=str(store))
    assert "Uppföljning 2015" in offered and "Tertial" not in offered
    assert "Tertial 1" in zsh("kplan round show T", KPLAN_DB=str(store))
    assert bash("kplan remind --format e", KPLAN_DB=str(store)) == ["eml"]
    assert bash("kplan round show X", KPLAN_DB=str(tmp_store_missing(store))) == []


def tmp_store_missing(store: Path) -> Path:
    """A store path beside the test's that does not exist."""
    return store.with_name("missing.db")
