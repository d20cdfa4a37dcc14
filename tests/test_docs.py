"""The documentation keeps up with the program."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from kplan.cli import app

ROOT = Path(__file__).resolve().parent.parent


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    assert hasattr(group, "commands")
    return sorted(group.commands)


def test_every_command_has_a_section_in_the_cli_docs() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## kplan (\S+)", text, flags=re.MULTILINE))
    assert command_names(), "no commands found"
    assert set(command_names()) - documented == set()


def test_every_option_of_every_command_is_mentioned_in_its_section() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    # --lang is every command's (and every group's): it is documented once,
    # under Common options, not in each command's own section.
    common = text.split("## Common options", 1)[1].split("\n## ", 1)[0]
    assert "`--lang sv|en`" in common
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        section = text.split(f"## kplan {name}", 1)[1].split("\n## ", 1)[0]
        for parameter in command.params:
            for option in parameter.opts:
                if option.startswith("--") and option not in ("--help", "--lang"):
                    assert option in section, f"kplan {name}: {option} is not documented"


def test_readme_quick_start_is_the_two_make_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^make \w+", quick_start, flags=re.MULTILINE)
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_plan_file_key_is_documented() -> None:
    from kplan.core import planfile

    text = (ROOT / "docs" / "plan-format.md").read_text(encoding="utf-8")
    for keys in (
        planfile.PLAN_KEYS,
        planfile.ORGANISATION_KEYS,
        planfile.OWNER_KEYS,
        planfile.MEASURE_KEYS,
        planfile.COLLABORATION_KEYS,
        planfile.INDICATOR_KEYS,
    ):
        for key in keys:
            assert f"`{key}`" in text, f"plan-file key {key} is not documented"
