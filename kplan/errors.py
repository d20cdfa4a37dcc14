"""Errors that kplan reports to people, each with the exit code it maps to."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from kplan.i18n import t
from kplan.safetext import visible

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


class KplanError(Exception):
    """A problem a person can fix; its message is shown as is, without a traceback."""

    exit_code = EXIT_DATA

    def __init__(self, message: str, *, cli_hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        # What to do next at the command line; other front ends say it their way.
        self.cli_hint = cli_hint


class NotFoundError(KplanError):
    """Something named on the command line does not exist."""


class InvalidValueError(KplanError):
    """A value outside its set or range."""


class UsageError(KplanError):
    """The command was called in a way it cannot work (exit 2)."""

    exit_code = EXIT_USAGE


class PermissionRefused(KplanError):
    """The acting person may not do this (exit 4)."""

    exit_code = 4


class StoreError(KplanError):
    """The store cannot be opened or used."""


@dataclass
class Problem:
    """One problem in a plan file: the key path and what is wrong there."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def render(self, source: str) -> str:
        """The problem as one line: ``file:line:column: key.path: message``.

        The file's name and the key path come from the person and the file,
        so they are shown through visible(): a newline in either cannot
        start a line that looks like another problem.
        """
        where = visible(source)
        if self.line is not None:
            where = f"{where}:{self.line}"
            if self.column is not None:
                where = f"{where}:{self.column}"
        if self.path:
            return f"{where}: {visible(self.path)}: {visible(self.message)}"
        return f"{where}: {visible(self.message)}"


class PlanFileError(KplanError):
    """A plan file that cannot be used, with every problem found in it."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        lines = [problem.render(source) for problem in problems]
        if len(problems) > 1:
            lines.append(t("planfile.problem_count", count=len(problems), source=source))
        super().__init__("\n".join(lines))


def closest(value: str, choices: Iterable[str]) -> str | None:
    """Return the valid choice most like ``value``, or None when none is close."""
    options = list(choices)
    folded = value.casefold()
    for option in options:
        if option.casefold() == folded:
            return option
    # People often type the start of a long id ("orebro" for "orebro-kompetens").
    starting = [option for option in options if option.casefold().startswith(folded)]
    if folded and len(starting) == 1:
        return starting[0]
    matches = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(value: str, valid: list[str] | tuple[str, ...]) -> str:
    """`` Did you mean 'x'?`` for the closest valid value, or nothing."""
    suggestion = closest(value, valid)
    return t("common.did_you_mean", suggestion=suggestion) if suggestion else ""


def unknown(kind: str, key: str, valid: list[str]) -> NotFoundError:
    """The error for an unknown measure, owner, collaboration... (``kind`` is a catalogue key)."""
    if not valid:
        return NotFoundError(t("change.unknown_none", kind=t(kind), key=key))
    shown = ", ".join(valid[:30]) + (", ..." if len(valid) > 30 else "")
    hint = did_you_mean(key, valid)
    return NotFoundError(t("change.unknown", kind=t(kind), key=key, valid=shown, hint=hint))


def invalid(what: str, value: object, valid: list[str] | tuple[str, ...]) -> InvalidValueError:
    """The error for a value outside its set (``what`` is already in words)."""
    hint = did_you_mean(str(value), valid)
    return InvalidValueError(
        t("change.invalid", what=what, value=value, valid=", ".join(valid), hint=hint)
    )
