"""The follow-up year through the command line: rounds' history, overdue measures,
reminders by e-mail and the year's calendar (issue 13). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kplan.domain import STATUSES, days_overdue, is_overdue
from tests.conftest import Kplan

ROUND = "Uppföljning 2015"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here runs on 1 February 2016, 09:00 UTC, unless it moves the clock."""
    monkeypatch.setenv("KPLAN_NOW", "2016-02-01T09:00:00Z")


def _a_round_with_two_reports(orebro: Kplan, name: str = ROUND) -> None:
    orebro("round", "open", name, "--due", "2016-02-15", "--as", "ehedlund")
    orebro("round", "report", "7", "--note", "Allt enligt plan", "--as", "sforsberg")
    orebro("round", "report", "10", "--note", "Väntar på länsstyrelsen", "--as", "mholm")


# Rounds with a history ------------------------------------------------------------------


def test_a_closed_round_is_listed_and_shown_with_its_reports(orebro: Kplan) -> None:
    assert orebro.json("round", "list") == []
    assert "No rounds yet" in orebro("round", "list").stderr
    _a_round_with_two_reports(orebro)

    [listed] = orebro.json("round", "list")
    assert listed["open"] is True
    assert (listed["reported"], listed["total"], listed["days_left"]) == (2, 22, 14)

    orebro("round", "close", "--force", "--as", "ehedlund")
    [listed] = orebro.json("round", "list")
    assert listed == {
        "name": ROUND,
        "open": False,
        "opened_at": "2016-02-01T09:00:00Z",
        "opened_by": "ehedlund",
        "due": "2016-02-15",
        "days_left": None,
        "overdue": False,
        "closed_at": "2016-02-01T09:00:00Z",
        "closed_by": "ehedlund",
        "reported": 2,
        "total": 22,
        "previous": None,
    }
    text = orebro("round", "list").stdout
    assert f"{ROUND}\t2016-02-01 09:00\t2016-02-15\t2016-02-01 09:00\t2 of 22" in text

    shown = orebro.json("round", "show", ROUND)
    assert [(r["measure"], r["by"], r["note"]) for r in shown["reports"]] == [
        ("7", "sforsberg", "Allt enligt plan"),
        ("10", "mholm", "Väntar på länsstyrelsen"),
    ]
    assert len(shown["not_reported"]) == 20
    assert shown["changes"] is None
    text = orebro("round", "show", ROUND).stdout
    assert "Allt enligt plan" in text and "Väntar på länsstyrelsen" in text
    assert "2 of 22 reported" in text


def test_round_status_names_the_round_that_closed_last(orebro: Kplan) -> None:
    refused = orebro("round", "status", expect=1)
    assert "no follow-up round is open. Open one with" in refused.stderr
    _a_round_with_two_reports(orebro)
    orebro("round", "close", "--force", "--as", "ehedlund")
    refused = orebro("round", "status", expect=1)
    assert f"the last one, '{ROUND}', closed on 2016-02-01 with 2 of 22" in refused.stderr


def test_round_show_says_what_changed_since_the_round_before(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    _a_round_with_two_reports(orebro)
    orebro("round", "close", "--force", "--as", "ehedlund")
    monkeypatch.setenv("KPLAN_NOW", "2017-02-01T09:00:00Z")
    orebro("round", "open", "Uppföljning 2016", "--as", "ehedlund")
    orebro("status", "7", "done", "--as", "sforsberg")
    orebro("status", "12", "delayed", "--as", "mholm")

    # Open: compared with the plan as it is now.
    shown = orebro.json("round", "show", "Uppföljning 2016")
    assert shown["open"] is True and shown["previous"] == ROUND
    changed = {m["id"]: m["changes"] for m in shown["changes"]["measures"]}
    assert changed["7"][0]["old"] == "ongoing" and changed["7"][0]["new"] == "done"
    assert set(changed) == {"7", "12"}

    orebro("round", "close", "--force", "--as", "ehedlund")
    # Closed: compared with the snapshot it closed into, whatever happens after.
    orebro("status", "1", "done", "--as", "akarlsson")
    shown = orebro.json("round", "show", "Uppföljning 2016")
    assert {m["id"] for m in shown["changes"]["measures"]} == {"7", "12"}
    text = orebro("round", "show", "Uppföljning 2016").stdout
    assert f"Changed since '{ROUND}':" in text
    assert "status: ongoing → done" in text
    # The first round's total is what its snapshot held.
    assert [r["total"] for r in orebro.json("round", "list")] == [22, 22]


def test_round_show_refuses_an_unknown_name_and_suggests_one(orebro: Kplan) -> None:
    _a_round_with_two_reports(orebro)
    refused = orebro("round", "show", "Uppföljning 2016", expect=1)
    assert "no round named 'Uppföljning 2016'" in refused.stderr
    assert ROUND in refused.stderr
    assert refused.stdout == ""


def test_round_list_and_show_in_swedish(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    _a_round_with_two_reports(orebro)
    monkeypatch.setenv("KPLAN_LANG", "sv")
    assert "2 av 22" in orebro("round", "list").stdout
    text = orebro("round", "show", ROUND).stdout
    assert f"Omgången '{ROUND}' (öppen): 2 av 22 rapporterade" in text
    assert "14 dagar kvar" in text


# Overdue measures -----------------------------------------------------------------------

# On 1 February 2016 the example's measures 5 and 13 (delayed, due 2015-12-31) are overdue;
# 18 (cancelled) and 1, 20 and 22 (done) are past their due dates too, but finished.
OVERDUE = ["5", "13"]


def test_list_overdue_is_exactly_the_measures_past_due_and_not_finished(orebro: Kplan) -> None:
    assert [m["id"] for m in orebro.json("list", "--overdue")] == OVERDUE
    everything = orebro.json("list")
    assert [m["id"] for m in everything if m["overdue"]] == OVERDUE
    by_id = {m["id"]: m for m in everything}
    assert by_id["5"]["days_overdue"] == 32
    assert by_id["18"]["overdue"] is False and by_id["18"]["days_overdue"] is None

    # Due today is not overdue yet; due yesterday is. Done and cancelled never are.
    orebro("measure", "edit", "7", "--due", "2016-02-01", "--as", "ehedlund")
    orebro("measure", "edit", "8", "--due", "2016-01-31", "--as", "ehedlund")
    orebro("status", "5", "done", "--as", "tstrom")
    orebro("status", "13", "cancelled", "--as", "mholm")
    assert [m["id"] for m in orebro.json("list", "--overdue")] == ["8"]
    # Filters combine.
    assert orebro.json("list", "--overdue", "--owner", "tstrom") == []
    assert [m["id"] for m in orebro.json("list", "--overdue", "--owner", "lbergman")] == ["8"]


def test_list_and_show_mark_an_overdue_measure(orebro: Kplan) -> None:
    listed = orebro("list").stdout
    assert "tstrom\tdelayed, 32 days overdue\t30%" in listed
    assert "jlindqvist\tdelayed\t35%" in listed  # measure 21: due 2016-06-30
    shown = orebro("show", "5").stdout
    assert "Overdue: 32 days past the due date (2015-12-31), neither done nor cancelled" in shown
    assert orebro.json("show", "5")["overdue"] is True
    assert "Overdue" not in orebro("show", "18").stdout
    assert orebro.json("show", "18")["overdue"] is False


def test_overdue_in_swedish(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    assert "försenad, 32 dagar efter slutdatum" in orebro("list", "--overdue").stdout
    assert "Förfallen: 32 dagar efter slutdatum" in orebro("show", "13").stdout


def test_the_overdue_day_moves_with_the_clock(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_NOW", "2015-12-31T23:59:59Z")
    assert orebro.json("list", "--overdue") == []
    monkeypatch.setenv("KPLAN_NOW", "2017-01-01T00:00:00Z")
    overdue = [m["id"] for m in orebro.json("list", "--overdue")]
    # Every measure not done or cancelled is past its due date by 2017.
    expected = [m["id"] for m in orebro.json("list") if m["status"] not in ("done", "cancelled")]
    assert overdue == expected and "2" in overdue


def test_every_export_marks_the_overdue_measures(orebro: Kplan) -> None:
    document = json.loads(orebro("export", "--format", "json").stdout)
    assert [m["id"] for m in document["measures"] if m["overdue"]] == OVERDUE

    rows = list(
        csv.DictReader(io.StringIO(orebro("export", "--format", "csv").stdout.lstrip("\ufeff")))
    )
    assert [r["id"] for r in rows if r["overdue"] == "true"] == OVERDUE
    assert {r["overdue"] for r in rows} == {"true", "false"}

    markdown = orebro("export", "--format", "md").stdout
    assert markdown.count("days overdue") == 2
    assert "| Tomas Ström | delayed, 32 days overdue |" in markdown

    page = orebro("export", "--format", "html").stdout
    assert page.count("32 days past the due date") == 2
    assert page.count("delayed, 32 days overdue") == 2


def test_a_snapshot_export_judges_overdue_on_the_day_it_was_taken(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_NOW", "2015-06-01T12:00:00Z")
    orebro("snapshot", "take", "Juni 2015", "--as", "ehedlund")
    monkeypatch.setenv("KPLAN_NOW", "2016-02-01T09:00:00Z")
    then = json.loads(orebro("export", "--format", "json", "--snapshot", "Juni 2015").stdout)
    assert [m["id"] for m in then["measures"] if m["overdue"]] == []
    now = json.loads(orebro("export", "--format", "json").stdout)
    assert [m["id"] for m in now["measures"] if m["overdue"]] == OVERDUE


@given(
    due=st.none() | st.dates(),
    status=st.sampled_from(STATUSES),
    today=st.dates(),
)
def test_the_overdue_rule(due: dt.date | None, status: str, today: dt.date) -> None:
    late = days_overdue(due, status, today)
    assert is_overdue(due, status, today) == (late is not None)
    if due is None or status in ("done", "cancelled") or due >= today:
        assert late is None
    else:
        assert late == (today - due).days > 0


# The year's calendar --------------------------------------------------------------------


def _events(text: str) -> dict[str, Any]:
    import icalendar

    parsed = icalendar.Calendar.from_ical(text)
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def test_the_calendar_holds_the_period_every_due_date_and_the_rounds_deadline(
    orebro: Kplan, tmp_path: Path
) -> None:
    orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    target = tmp_path / "plan.ics"
    said = orebro("calendar", "-o", str(target))
    assert f"Wrote {target}" in said.stderr
    first = target.read_bytes()
    assert b"\r\n" in first and first.startswith(b"BEGIN:VCALENDAR")
    events = _events(first.decode("utf-8"))
    by_summary = {str(e["SUMMARY"]): e for e in events.values()}
    assert len(events) == 1 + 22 + 1

    period = by_summary["Plan period: Handlingsplan för kompetensförsörjning"]
    assert period.decoded("DTSTART") == dt.date(2013, 1, 1)
    assert period.decoded("DTEND") == dt.date(2017, 1, 1)  # the day after the plan's end
    deadline = by_summary[f"Follow-up round '{ROUND}': reports due"]
    assert deadline.decoded("DTSTART") == dt.date(2016, 2, 15)
    plan = orebro.json("list")
    for measure in plan:
        event = by_summary[f"Due: {measure['id']} {measure['title']}"]
        assert event.decoded("DTSTART").isoformat() == measure["due"]
    assert "32 days past the due date" in str(
        by_summary[f"Due: 5 {plan[4]['title']}"]["DESCRIPTION"]
    )

    # A second run, after follow-up work and later, gives the same UIDs.
    orebro("status", "7", "done", "--as", "sforsberg")
    orebro("calendar", "-o", str(target), "--force")
    again = _events(target.read_text(encoding="utf-8"))
    assert set(again) == set(events)
    assert orebro("calendar").stdout_bytes == target.read_bytes()


def test_the_calendar_of_one_owner_and_in_swedish(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    everyone = _events(orebro("calendar").stdout)
    monkeypatch.setenv("KPLAN_LANG", "sv")
    mine = _events(orebro("calendar", "--owner", "tstrom").stdout)
    summaries = sorted(str(e["SUMMARY"]) for e in mine.values())
    assert summaries == [
        "Planperiod: Handlingsplan för kompetensförsörjning",
        "Slutdatum: 4 Fastighetsbranschens framtida kompetensbehov",
        "Slutdatum: 5 Kompetensplanering i små och medelstora företag",
    ]
    # The same events keep their UIDs whatever the language and the selection.
    assert set(mine) <= set(everyone)
    refused = orebro("calendar", "--owner", "nobody", expect=1)
    assert "okänd ansvarig 'nobody'" in refused.stderr


def test_the_calendar_goes_through_the_guarded_writer(orebro: Kplan, tmp_path: Path) -> None:
    store = orebro.db if isinstance(orebro.db, Path) and orebro.db.exists() else None
    if store is not None:
        refused = orebro("calendar", "-o", str(store), "--force", expect=1)
        assert "is the store itself" in refused.stderr
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "named pipe" in orebro("calendar", "-o", str(fifo), expect=1).stderr
    link = tmp_path / "link.ics"
    link.symlink_to(tmp_path / "elsewhere.ics")
    orebro("calendar", "-o", str(link), "--force", expect=1)
    assert not (tmp_path / "elsewhere.ics").exists()
    existing = tmp_path / "old.ics"
    existing.write_text("keep me", encoding="utf-8")
    assert "exists already" in orebro("calendar", "-o", str(existing), expect=1).stderr
    assert existing.read_text(encoding="utf-8") == "keep me"


def test_hostile_titles_stay_inside_their_calendar_fields(orebro: Kplan) -> None:
    title = "Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged\u202e;,\\ \x1b[31m"
    orebro("measure", "edit", "7", "--title", title, "--as", "ehedlund")
    text = orebro("calendar").stdout
    events = _events(text)
    assert len(events) == 1 + 22
    assert "forged" not in events
    assert "\x1b" not in text and "\u202e" not in text
    summary = next(str(e["SUMMARY"]) for e in events.values() if "Evil" in str(e["SUMMARY"]))
    assert summary.startswith("Due: 7 Evil")
