"""The domain rules shared by show, the TUI and every export."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kplan.core.filters import parse_expression
from kplan.domain import (
    MAX_TEXT_LENGTH,
    max_file_bytes,
    parse_integer,
    parse_number,
    text_problem,
    values_trend,
)
from kplan.errors import KplanError


def test_trend_compares_like_periods() -> None:
    # A tertial after a whole year is set against the tertial before it, not the year.
    values = {"2015": 300.0, "2016-T1": 90.0, "2016-T2": 120.0}
    assert values_trend(values, "increase") == "up"
    assert values_trend(values, "decrease") == "down"
    assert values_trend({"2015": 300.0, "2016-T1": 90.0}, "increase") == "none"
    assert values_trend({"2014": 5.0, "2015": 5.0}, "increase") == "flat"
    assert values_trend({}, "increase") == "none"


# ---------------------------------------------------------------------------
# One reader of numbers, and the limits on text, for every input path
# ---------------------------------------------------------------------------

WHOLE = [("5", 5), (" +5 ", 5), ("-5", -5), ("0", 0), ("-0", 0), ("9" * 18, int("9" * 18)), (7, 7)]
NOT_WHOLE = ["--5", "+-5", "-", "", " ", "1e3", "0x10", "1_000", "1.0", "²", "١٢", "１２", "9" * 19]


@pytest.mark.parametrize(("value", "expected"), WHOLE)
def test_parse_integer_reads_ascii_whole_numbers(value: object, expected: int) -> None:
    assert parse_integer(value) == expected


@pytest.mark.parametrize("value", [*NOT_WHOLE, True, None, 1.0, [1]])
def test_parse_integer_refuses_everything_else(value: object) -> None:
    assert parse_integer(value) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12.0), ("12,5", 12.5), (" .5", 0.5), ("1.", 1.0), ("1e3", 1000.0), ("-2,25", -2.25)],
)
def test_parse_number_reads_numbers_as_people_write_them(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text", ["nan", "inf", "-Infinity", "1e309", "1_000", "0x10", "١٢", "١.٥", "1e99999", ".", ""]
)
def test_parse_number_refuses_what_is_not_a_finite_ascii_number(text: str) -> None:
    assert parse_number(text) is None


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(text=st.text() | st.sampled_from(["9" * 5000, "-" + "9" * 4301, "1e" + "9" * 5000]))
def test_the_number_readers_never_raise(text: str) -> None:
    whole = parse_integer(text)
    assert whole is None or int(text.strip()) == whole
    number = parse_number(text)
    assert number is None or math.isfinite(number)


def test_text_problem_names_each_limit() -> None:
    assert text_problem("å" * MAX_TEXT_LENGTH) is None
    assert f"at most {MAX_TEXT_LENGTH}" in str(text_problem("å" * (MAX_TEXT_LENGTH + 1)))
    assert "NUL" in str(text_problem("a\x00b"))
    assert "\\ud800" in str(text_problem("a\ud800"))
    assert text_problem("rad ett\nrad två\t\x1b[0m") is None  # shown escaped, stored as is


@pytest.mark.parametrize(
    ("value", "expected"), [("", 64 * 2**20), ("1", 2**20), (" 100000 ", 100_000 * 2**20)]
)
def test_max_file_bytes_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: int
) -> None:
    monkeypatch.setenv("KPLAN_MAX_FILE_MB", value)
    assert max_file_bytes() == expected


@pytest.mark.parametrize("value", ["0", "-1", "0.5", "x", "nan", "1e999", "100001", "٣"])
def test_max_file_bytes_refuses_what_is_not_a_size(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("KPLAN_MAX_FILE_MB", value)
    with pytest.raises(KplanError, match="KPLAN_MAX_FILE_MB must be a whole number") as refused:
        max_file_bytes()
    assert refused.value.exit_code == 2


@pytest.mark.parametrize("step", ["²", "٣", "9" * 30, "--1"])
def test_a_filter_step_that_is_not_a_number_is_a_kplan_error(step: str) -> None:
    # "²".isdigit() is true, and int("²") raised a ValueError inside the TUI.
    with pytest.raises(KplanError, match="is not a step"):
        parse_expression(f"step:{step}")


def test_a_filter_step_may_carry_a_sign() -> None:
    assert parse_expression("step:+2").step == 2
