"""Fixtures for the TUI tests: a fixed store per test and a fixed clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.fixed_app import KRONOBERG, build_store


@pytest.fixture
def orebro_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with the Örebro example and its fixed history; changes get a fixed time."""
    path = build_store(tmp_path / "tui.db")
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    return path


@pytest.fixture
def kronoberg_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with the smaller Kronoberg example (its own perspectives and ladder)."""
    path = build_store(tmp_path / "kronoberg.db", KRONOBERG)
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T12:00:00Z")
    return path
