"""The domain rules shared by show, the TUI and every export."""

from __future__ import annotations

from kplan.core.domain import values_trend


def test_trend_compares_like_periods() -> None:
    # A tertial after a whole year is set against the tertial before it, not the year.
    values = {"2015": 300.0, "2016-T1": 90.0, "2016-T2": 120.0}
    assert values_trend(values, "increase") == "up"
    assert values_trend(values, "decrease") == "down"
    assert values_trend({"2015": 300.0, "2016-T1": 90.0}, "increase") == "none"
    assert values_trend({"2014": 5.0, "2015": 5.0}, "increase") == "flat"
    assert values_trend({}, "increase") == "none"
