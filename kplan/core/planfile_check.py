"""``kplan check``: plan files validated without a store, reported for people and programs.

The same reader as ``kplan import`` decides what is wrong, so a file that
passes here imports; this module only gathers every problem of every file
and says them in the three forms the command offers: lines for a person
(``file:line:column: key: message``), a JSON list for a program, and
GitHub workflow annotations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kplan.core.planfile import read_plan_file
from kplan.errors import PlanFileError, Problem
from kplan.i18n import t
from kplan.safetext import visible

FORMATS = ("text", "json", "github")


@dataclass
class FileCheck:
    """One file's verdict: its problems (none when it is a valid plan file)."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    measures: int = 0
    owners: int = 0

    @property
    def valid(self) -> bool:
        """Whether the file is a valid plan file."""
        return not self.problems


def check_file(path: str | Path) -> FileCheck:
    """Read and validate one plan file; its problems, or what it holds when it is valid."""
    name = str(path)
    try:
        plan = read_plan_file(path)
    except PlanFileError as error:
        # In the order of the file, as an editor lists them; a problem of
        # the whole file first. (sorted() is stable: ties keep the
        # checker's order.)
        problems = sorted(error.problems, key=lambda p: (p.line or 0, p.column or 0))
        return FileCheck(name, problems)
    return FileCheck(name, measures=len(plan.measures), owners=len(plan.owners))


def check_files(paths: list[Path] | list[str]) -> list[FileCheck]:
    """Every file's verdict, in the order given."""
    return [check_file(path) for path in paths]


def text_lines(results: list[FileCheck]) -> list[str]:
    """For a person: each problem on a line of its own, then one line per file."""
    lines: list[str] = []
    for result in results:
        if result.valid:
            lines.append(
                t("check.valid", file=result.file, measures=result.measures, owners=result.owners)
            )
            continue
        lines += [problem.render(result.file) for problem in result.problems]
        count = len(result.problems)
        key = "check.one_problem" if count == 1 else "check.problems"
        lines.append(t(key, file=result.file, count=count))
    return lines


def problems_json(results: list[FileCheck]) -> list[dict[str, Any]]:
    """For a program: every problem of every file as ``{file, line, column, key, message}``.

    ``key`` is the key path (``measures[4].status``), null for a problem of
    the whole file (it cannot be read, its TOML is broken); ``line`` and
    ``column`` are null where no place in the text is known.
    """
    return [
        {
            "file": result.file,
            "line": problem.line,
            "column": problem.column,
            "key": problem.path or None,
            "message": problem.message,
        }
        for result in results
        for problem in result.problems
    ]


def _escape_data(text: str) -> str:
    # What a workflow command's message must escape, % first.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(results: list[FileCheck]) -> list[str]:
    """For a GitHub workflow: one ``::error file=...,line=...,col=...::message`` per problem.

    The file name and the message are made visible first (no control
    character reaches the log), then escaped as workflow commands require.
    """
    lines = []
    for result in results:
        for problem in result.problems:
            properties = [f"file={_escape_property(visible(result.file))}"]
            if problem.line is not None:
                properties.append(f"line={problem.line}")
                if problem.column is not None:
                    properties.append(f"col={problem.column}")
            message = visible(problem.message)
            if problem.path:
                message = f"{visible(problem.path)}: {message}"
            lines.append(f"::error {','.join(properties)}::{_escape_data(message)}")
    return lines
