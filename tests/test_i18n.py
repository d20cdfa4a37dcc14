"""The string catalogue: complete in both languages, and every key used exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from kplan.i18n import CATALOGUE, language, t

SOURCE = Path(__file__).resolve().parent.parent / "kplan"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages_are_present_with_the_same_placeholders(key: str) -> None:
    english, swedish = CATALOGUE[key]
    assert english.strip() and swedish.strip()
    assert placeholders(english) == placeholders(swedish)


def test_every_literal_key_used_in_the_code_exists() -> None:
    used = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text("utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.\-]+)["']""", text))
        # Key bindings name their description by catalogue key (kplan.tui.keys).
        used |= set(re.findall(r"""["'](key\.[a-z_]+)["']""", text))
    assert used, "no catalogue keys found; the pattern is wrong"
    missing = sorted(used - set(CATALOGUE))
    assert missing == []


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"KPLAN_LANG": "sv"}, "sv"),
        ({"KPLAN_LANG": "en", "LANG": "sv_SE.UTF-8"}, "en"),
        ({"LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LC_ALL": "sv_FI.UTF-8", "LANG": "en_GB.UTF-8"}, "sv"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_language_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    for variable in ("KPLAN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert language() == expected


def test_swedish_status_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    words = [t(f"status.{s}") for s in ("not-started", "ongoing", "delayed", "done", "cancelled")]
    assert words == ["ej påbörjad", "påbörjad", "försenad", "genomförd", "avförd"]


def test_every_catalogue_string_fills_the_same_by_either_way() -> None:
    """fill() leaves a string without plurals to str.format: the formatter's result, in C."""
    from kplan import i18n

    checked = 0
    for english, swedish in i18n.CATALOGUE.values():
        for text in (english, swedish):
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            if not names:
                continue
            for value in (3, 1, "x<&>'\"", 2.5):
                values = {name.split(".")[0].split("[")[0]: value for name in names}
                try:
                    expected = i18n._FORMATTER.vformat(text, (), values)
                except (ValueError, TypeError, AttributeError, IndexError, KeyError):
                    continue
                assert i18n.fill(text, values) == expected, text
                checked += 1
    assert checked > 1000
