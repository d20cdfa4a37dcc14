"""The TUI's log shows a removed measure in short, as `kplan log` does, not its kept table."""

from __future__ import annotations

import json

from kplan.tui.screens.log import event_change


def test_a_removal_shows_the_id_and_title_not_the_json() -> None:
    kept = {"position": 3, "measure": {"id": "23", "title": "Ny åtgärd", "owner": "mholm"}}
    event = {"field": "measure", "old": json.dumps(kept), "new": None}
    assert event_change(event) == "removed measure 23 (Ny åtgärd)"


def test_other_changes_show_in_words() -> None:
    assert event_change({"field": "status", "old": "ongoing", "new": "done"}) == (
        "status: ongoing → done"
    )
    assert event_change({"field": "measure", "old": None, "new": "23"}) == "added measure 23"
