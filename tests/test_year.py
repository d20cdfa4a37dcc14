"""The follow-up year through the command line: rounds' history, overdue measures,
reminders by e-mail and the year's calendar (issue 13). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import io
import json
import os
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kplan.domain import STATUSES, days_overdue, is_overdue
from tests.conftest import OREBRO, Kplan, execute

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
    # The moments in the plan's zone (Stockholm: 09:00 UTC is 10:00 CET), the zone named.
    assert f"{ROUND}\t2016-02-01 10:00 CET\t2016-02-15\t2016-02-01 10:00 CET\t2 of 22" in text

    shown = orebro.json("round", "show", ROUND)
    assert [(r["measure"], r["by"], r["note"]) for r in shown["reports"]] == [
        ("7", "sforsberg", "Allt enligt plan"),
        ("10", "mholm", "Väntar på länsstyrelsen"),
    ]
    assert len(shown["not_reported"]) == 20
    assert shown["changes"] is None
    by_owner = {o["owner"]: o for o in shown["owners"]}
    assert by_owner["sforsberg"] == {
        "owner": "sforsberg",
        "name": "Sara Forsberg",
        "reported": 1,
        "total": 2,
    }
    assert by_owner["tstrom"]["reported"] == 0 and by_owner["tstrom"]["total"] == 2
    assert sum(o["total"] for o in shown["owners"]) == 22
    text = orebro("round", "show", ROUND).stdout
    assert "Allt enligt plan" in text and "Väntar på länsstyrelsen" in text
    assert "2 of 22 reported" in text
    assert "  sforsberg (Sara Forsberg): 1 of 2" in text


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
    # In a pipe the status is the word `kplan status` takes, the days in a column of their own.
    rows = {line.split("\t")[0]: line.split("\t") for line in listed.splitlines()}
    assert rows["5"][2:5] == ["tstrom", "delayed", "30%"] and rows["5"][-1] == "32"
    assert rows["21"][3] == "delayed" and rows["21"][-1] == ""  # measure 21: due 2016-06-30
    shown = orebro("show", "5").stdout
    assert "Overdue: 32 days past the due date (2015-12-31), neither done nor cancelled" in shown
    assert orebro.json("show", "5")["overdue"] is True
    assert "Overdue" not in orebro("show", "18").stdout
    assert orebro.json("show", "18")["overdue"] is False


def test_overdue_in_swedish(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    assert "mholm\tdelayed\t25%" in orebro("list", "--overdue").stdout
    assert "| försenad, 32 dagar efter slutdatum |" in orebro("export", "--format", "md").stdout
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


# Reminders ------------------------------------------------------------------------------


class Inbox:
    """What a real SMTP server on 127.0.0.1 received: one entry per message."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages delivered to ``address``."""
        return [message for _, rcpts, message in self.received if address in rcpts]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """An aiosmtpd server on 127.0.0.1, and kplan's SMTP settings pointing at it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("KPLAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KPLAN_SMTP_PORT", str(port))
    monkeypatch.setenv("KPLAN_SMTP_TLS", "none")
    monkeypatch.setenv("KPLAN_SMTP_SENDER", "Samordnare Örebro <kplan@example.org>")
    try:
        yield inbox
    finally:
        controller.stop()


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content: str = part.get_content()
    return content


UNREPORTED_OWNERS = [
    "akarlsson",
    "jlindqvist",
    "nsaid",
    "tstrom",
    "sforsberg",
    "lbergman",
    "mholm",
    "kfalk",
    "rsandberg",
]


def test_the_first_done_when_of_issue_13_end_to_end(orebro: Kplan, smtp: Inbox) -> None:
    """Open a round due in 14 days, two owners report, remind --send, close, list, show."""
    orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    orebro("round", "report", "7", "--note", "Allt enligt plan", "--as", "sforsberg")
    orebro("round", "report", "10", "--note", "Väntar på beslut", "--as", "mholm")
    # Only the round: nothing overdue, quiet or stuck gets into these messages.
    sent = orebro("remind", "--send", "--quiet-days", "36500", "--stuck-days", "36500")
    assert len(smtp.received) == len(UNREPORTED_OWNERS)
    for owner in UNREPORTED_OWNERS:
        [message] = smtp.to(f"{EMAILS[owner]}")
        body = _body(message)
        for measure, days in _unreported_of(orebro, owner):
            assert f"  - {measure} " in body and f"{days} days left (due 2016-02-15)" in body
        assert f"Sent to {message['To']}" in sent.stdout
    # The reported measures are named in no message.
    sara = _body(smtp.to(EMAILS["sforsberg"])[0])
    assert "  - 6 Gemensam" in sara and "  - 7 " not in sara
    assert "  - 10 " not in _body(smtp.to(EMAILS["mholm"])[0])
    # The coordinators own no measures: nothing for them.
    assert smtp.to(EMAILS["ehedlund"]) == [] and smtp.to(EMAILS["pnyberg"]) == []
    assert all(sender == "kplan@example.org" for sender, _, _ in smtp.received)

    orebro("round", "close", "--force", "--as", "ehedlund")
    [listed] = orebro.json("round", "list")
    assert (listed["open"], listed["reported"], listed["total"]) == (False, 2, 22)
    shown = orebro("round", "show", ROUND).stdout
    assert "7  Arbetslivskunskap i vägledningen  reported by sforsberg" in shown
    assert "Allt enligt plan" in shown and "Väntar på beslut" in shown


def test_an_owner_who_reported_everything_gets_no_message(orebro: Kplan, smtp: Inbox) -> None:
    orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    orebro("round", "report", "11", "--as", "kfalk")
    orebro("round", "report", "18", "--as", "kfalk")
    orebro("remind", "--send", "--quiet-days", "36500", "--stuck-days", "36500")
    assert smtp.to(EMAILS["kfalk"]) == []
    assert len(smtp.received) == len(UNREPORTED_OWNERS) - 1


EMAILS = {
    "ehedlund": "elin.hedlund@example.org",
    "pnyberg": "per.nyberg@example.org",
    "akarlsson": "annika.karlsson@example.org",
    "jlindqvist": "johan.lindqvist@example.org",
    "sforsberg": "sara.forsberg@example.org",
    "lbergman": "lars.bergman@example.org",
    "mholm": "mikael.holm@example.org",
    "kfalk": "karin.falk@example.org",
    "nsaid": "nadia.said@example.org",
    "tstrom": "tomas.strom@example.org",
    "rsandberg": "rebecka.sandberg@example.org",
}


def _unreported_of(orebro: Kplan, owner: str) -> list[tuple[str, int]]:
    status = orebro.json("round", "status")
    [mine] = [o for o in status["owners"] if o["owner"] == owner]
    return [(key, status["days_left"]) for key in mine["not_reported"]]


def test_messages_in_both_languages_with_utf8_names(
    orebro: Kplan, smtp: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    orebro("remind", "--send", "--owner", "tstrom")
    [english] = smtp.to(EMAILS["tstrom"])
    assert english["To"].addresses[0].display_name == "Tomas Ström"
    assert english["From"].addresses[0].display_name == "Samordnare Örebro"
    assert english["Subject"] == "Handlingsplan för kompetensförsörjning: 3 things to follow up"
    body = _body(english)
    assert body.startswith("Hello Tomas Ström,")
    assert "Not yet reported in the follow-up round 'Uppföljning 2015':" in body
    assert (
        "  - 4 Fastighetsbranschens framtida kompetensbehov: 14 days left (due 2016-02-15)" in body
    )
    assert (
        "  - 5 Kompetensplanering i små och medelstora företag: due 2015-12-31, 32 days overdue"
        in body
    )
    assert english["Auto-Submitted"] == "auto-generated"

    monkeypatch.setenv("KPLAN_LANG", "sv")
    orebro("remind", "--send", "--owner", "tstrom")
    swedish = smtp.to(EMAILS["tstrom"])[1]
    assert swedish["Subject"] == "Handlingsplan för kompetensförsörjning: 3 saker att följa upp"
    body = _body(swedish)
    assert body.startswith("Hej Tomas Ström!")
    assert "Ännu inte rapporterade i uppföljningsomgången 'Uppföljning 2015':" in body
    assert "14 dagar kvar (senast 2016-02-15)" in body
    assert "Förfallna (slutdatum passerat, varken klara eller avbrutna):" in body


def test_quiet_delayed_measures_and_stuck_collaborations(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Imported on 1 February; a note on 21 and a step of syv-praktik on 1 March.
    monkeypatch.setenv("KPLAN_NOW", "2016-03-01T09:00:00Z")
    orebro("note", "21", "Väntar på Trafikverket", "--as", "jlindqvist")
    orebro("step", "syv-praktik", "up", "--as", "sforsberg")
    monkeypatch.setenv("KPLAN_NOW", "2016-03-15T09:00:00Z")

    def items(*args: str) -> set[tuple[str, str, str, str | None]]:
        found = orebro.json("remind", *args)
        assert found["round"] is None  # no round open: no unreported measures
        return {
            (m["owner"], i["kind"], i["measure"], i["collaboration"])
            for m in found["messages"]
            for i in m["items"]
        }

    quiet = items("--quiet-days", "30", "--stuck-days", "10")
    # 5 and 13 are delayed with no note since the import 43 days ago; 21 was noted 14 days ago.
    assert {(o, m) for o, k, m, _ in quiet if k == "quiet"} == {("tstrom", "5"), ("mholm", "13")}
    assert ("sforsberg", "stuck", "7", "syv-praktik") in quiet
    assert ("mholm", "stuck", "10", "validering") in quiet
    # Finished measures' collaborations are never stuck.
    finished = {"1", "4", "9", "18", "20", "22"}
    assert not any(k == "stuck" and m in finished for _, k, m, _ in quiet)

    later = items("--quiet-days", "10", "--stuck-days", "20")
    assert ("jlindqvist", "quiet", "21", None) in later
    assert ("sforsberg", "stuck", "7", "syv-praktik") not in later
    assert ("mholm", "stuck", "10", "validering") in later
    assert {k for _, k, _, _ in items("--quiet-days", "50", "--stuck-days", "50")} == {"overdue"}


def test_without_send_nothing_is_sent_and_people_without_email_are_listed(
    orebro: Kplan, smtp: Inbox, tmp_path: Path
) -> None:
    orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    orebro("person", "edit", "mholm", "--email", "", "--as", "ehedlund")
    shown = orebro("remind")
    assert "Hello Tomas Ström," in shown.stdout
    assert "Not sent to mholm (Mikael Holm): the plan has no e-mail address" in shown.stderr
    orebro("remind", "--format", "md")
    orebro("remind", "--format", "eml", "-o", str(tmp_path / "out"))
    assert smtp.received == []

    sent = orebro("remind", "--send")
    assert "Not sent to mholm (Mikael Holm)" in sent.stdout
    assert smtp.to(EMAILS["mholm"]) == []
    assert len(smtp.received) == len(UNREPORTED_OWNERS) - 1
    listed = orebro.json("remind", "--send")
    assert listed["without_email"] == ["mholm"]
    by_owner = {m["owner"]: m for m in listed["messages"]}
    assert by_owner["mholm"]["sent"] is False and by_owner["tstrom"]["sent"] is True


def test_remind_writes_one_file_per_owner_through_the_guarded_writer(
    orebro: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    folder = tmp_path / "digests"
    orebro("remind", "--format", "eml", "-o", str(folder))
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(f"{owner}.eml" for owner in UNREPORTED_OWNERS)
    parsed = email.message_from_bytes(
        (folder / "tstrom.eml").read_bytes(), policy=email.policy.default
    )
    assert parsed["To"].addresses[0].addr_spec == "tomas.strom@example.org"
    assert parsed["From"].addresses[0].addr_spec == "kplan@localhost"
    # An existing file is not replaced unasked, and then nothing is written.
    before = (folder / "tstrom.eml").read_bytes()
    (folder / "akarlsson.eml").unlink()
    refused = orebro("remind", "--format", "eml", "-o", str(folder), expect=1)
    assert "exists already" in refused.stderr
    assert not (folder / "akarlsson.eml").exists()
    assert (folder / "tstrom.eml").read_bytes() == before
    assert orebro("remind", "-o", "-", "--owner", "tstrom").stdout.startswith("Hello Tomas")
    assert not Path("-").exists()
    orebro("remind", "--format", "md", "-o", str(folder))
    assert (folder / "tstrom.md").read_text(encoding="utf-8").startswith("# Handlingsplan")
    # A file in the way of the folder, and a link where a digest goes, are refused.
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    in_the_way = orebro("remind", "-o", str(tmp_path / "plain"), expect=1)
    assert "it is not a folder" in in_the_way.stderr, in_the_way.stderr
    device = orebro("remind", "-o", "/dev/null", expect=1)
    assert "/dev/null: it is not a folder" in device.stderr, device.stderr
    assert (tmp_path / "plain").read_text(encoding="utf-8") == "x"
    (folder / "tstrom.txt").symlink_to(tmp_path / "elsewhere")
    orebro("remind", "-o", str(folder), "--force", expect=1)
    assert not (tmp_path / "elsewhere").exists()


def test_smtp_settings_come_from_a_file_and_the_environment(
    orebro: Kplan, smtp: Inbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = os.environ["KPLAN_SMTP_PORT"]
    for variable in ("KPLAN_SMTP_HOST", "KPLAN_SMTP_PORT", "KPLAN_SMTP_TLS", "KPLAN_SMTP_SENDER"):
        monkeypatch.delenv(variable)
    missing = orebro("remind", "--send", expect=2)
    assert "KPLAN_SMTP_HOST, KPLAN_SMTP_SENDER" in missing.stderr
    settings = tmp_path / "smtp.toml"
    settings.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\nsender = "kplan@example.org"\n',
        encoding="utf-8",
    )
    orebro("remind", "--send", "--owner", "tstrom", "--smtp-config", str(settings))
    assert len(smtp.to(EMAILS["tstrom"])) == 1
    # The environment wins over the file.
    monkeypatch.setenv("KPLAN_SMTP_PORT", str(_free_port()))
    refused = orebro("remind", "--send", "--smtp-config", str(settings), expect=1)
    assert "cannot send through the SMTP server 127.0.0.1:" in refused.stderr
    assert "nothing was sent" in refused.stderr and "Traceback" not in refused.stderr
    # A password is never read from the settings file.
    settings.write_text(
        '[smtp]\nhost = "x"\nsender = "a@b.se"\npassword = "hemligt"\n', encoding="utf-8"
    )
    refused = orebro("remind", "--send", "--smtp-config", str(settings), expect=1)
    assert "holds a password" in refused.stderr and "hemligt" not in refused.stderr
    assert (
        "--smtp-config is only used with --send"
        in orebro("remind", "--smtp-config", str(settings), expect=2).stderr
    )
    monkeypatch.setenv("KPLAN_SMTP_TLS", "sometimes")
    monkeypatch.setenv("KPLAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KPLAN_SMTP_SENDER", "kplan@example.org")
    assert "valid: none, starttls, ssl" in orebro("remind", "--send", expect=2).stderr


def test_the_password_is_never_echoed(
    orebro: Kplan, smtp: Inbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "hunter2-Hemligt-ÅÄÖ"
    monkeypatch.setenv("KPLAN_SMTP_USER", "kplan")
    monkeypatch.setenv("KPLAN_SMTP_PASSWORD", secret)
    # The test server offers no login: refused, and the password appears nowhere.
    refused = orebro("remind", "--send", expect=1)
    assert "cannot send through the SMTP server" in refused.stderr
    assert secret not in refused.stdout + refused.stderr
    assert smtp.received == []
    monkeypatch.delenv("KPLAN_SMTP_PASSWORD")
    password_file = tmp_path / "password"
    password_file.write_text(secret + "\n", encoding="utf-8")
    monkeypatch.setenv("KPLAN_SMTP_PASSWORD_FILE", str(password_file))
    refused = orebro("remind", "--send", expect=1)
    assert secret not in refused.stdout + refused.stderr
    monkeypatch.delenv("KPLAN_SMTP_PASSWORD_FILE")
    assert "no password" in orebro("remind", "--send", expect=2).stderr
    events = orebro.json("log", "--limit", "0")
    assert secret not in json.dumps(events)


def test_hostile_names_and_titles_cannot_add_headers_or_recipients(
    orebro: Kplan, smtp: Inbox
) -> None:
    orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    hostile = "Evil\r\nBcc: victim@example.com\r\nSubject: forged"
    execute(orebro.db, "UPDATE owner SET name = :name WHERE key = 'tstrom'", name=hostile)
    execute(orebro.db, "UPDATE plan SET title = :title", title=hostile)
    execute(
        orebro.db,
        "UPDATE owner SET email = :email WHERE key = 'nsaid'",
        email="nadia.said@example.org\r\nBcc: victim@example.com",
    )
    sent = orebro("remind", "--send")
    recipients = [r for _, rcpts, _ in smtp.received for r in rcpts]
    assert "victim@example.com" not in recipients
    assert "nadia.said@example.org" not in recipients
    assert "Not sent to nsaid (Nadia Said): 'nadia.said@example.org\\r\\nBcc:" in sent.stdout
    [message] = smtp.to(EMAILS["tstrom"])
    assert message["Bcc"] is None
    assert str(message["Subject"]).strip().startswith("Evil\\r\\nBcc: victim@example.com")
    assert message["To"].addresses[0].addr_spec == EMAILS["tstrom"]
    assert all("\x1b" not in _body(m) for _, _, m in smtp.received)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    days=st.integers(min_value=-10, max_value=10**6) | st.sampled_from([0, 36500, 36501]),
    owner=st.text(max_size=20),
    fmt=st.sampled_from(["text", "md", "eml", "html", "", "TEXT"]),
)
def test_remind_takes_any_input_without_a_traceback(
    fuzzed: Kplan, days: int, owner: str, fmt: str
) -> None:
    for args in (
        ["remind", "--quiet-days", str(days), "--stuck-days", str(days), "--format", fmt],
        ["remind", "--owner", owner, "--json"],
        ["round", "show", owner],
        ["calendar", "--owner", owner],
    ):
        result = fuzzed(*args, expect=None)
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
        assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Kplan:
    """One store for the fuzz tests, with a round open."""
    kplan = Kplan(tmp_path_factory.mktemp("fuzz") / "store.db")
    kplan("import", str(OREBRO))
    kplan("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    return kplan


def test_the_installed_kplan_sends_reminders_and_writes_the_calendar(
    orebro: Kplan, smtp: Inbox, tmp_path: Path
) -> None:
    """Through the entry point in its own process: only calendar loads icalendar."""
    from tests.test_entrypoint import heavy_modules_of, run

    orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    sent = run("remind", "--send", "--owner", "tstrom", "--db", str(orebro.db))
    assert sent.returncode == 0, sent.stderr
    assert "Sent to Tomas Ström <tomas.strom@example.org>: 2 unreported, 1 overdue" in sent.stdout
    assert len(smtp.to(EMAILS["tstrom"])) == 1
    if isinstance(orebro.db, Path):
        result, heavy = heavy_modules_of("calendar", "-o", str(tmp_path / "plan.ics"), db=orebro.db)
        assert "icalendar" in heavy, result.stderr
        result, heavy = heavy_modules_of("remind", "--json", db=orebro.db)
        assert "icalendar" not in heavy and result.stdout.startswith("{")


def test_a_round_past_its_due_date_says_so(orebro: Kplan) -> None:
    orebro("round", "open", ROUND, "--due", "2016-01-20", "--as", "ehedlund")
    assert "12 days overdue (due 2016-01-20)" in orebro("round", "status").stdout
    status = orebro.json("round", "status")
    assert (status["days_left"], status["overdue"]) == (-12, True)
    [listed] = orebro.json("round", "list")
    assert (listed["days_left"], listed["overdue"]) == (-12, True)
    assert "2016-01-20 (12 days overdue)" in orebro("round", "list").stdout
    assert "12 days overdue (due 2016-01-20)" in orebro("round", "show", ROUND).stdout
    orebro("round", "close", "--force", "--as", "ehedlund")
    # A closed round is over: it is no longer overdue.
    [listed] = orebro.json("round", "list")
    assert (listed["days_left"], listed["overdue"]) == (None, False)


@pytest.mark.parametrize(("tls", "said"), [("starttls", "STARTTLS"), ("ssl", "SSL")])
def test_tls_that_the_server_cannot_do_stops_before_anything_is_sent(
    orebro: Kplan, smtp: Inbox, monkeypatch: pytest.MonkeyPatch, tls: str, said: str
) -> None:
    monkeypatch.setenv("KPLAN_SMTP_TLS", tls)
    monkeypatch.setenv("KPLAN_SMTP_TIMEOUT", "5")
    refused = orebro("remind", "--send", expect=1)
    assert "cannot send through the SMTP server 127.0.0.1:" in refused.stderr
    assert said in refused.stderr.upper() and "nothing was sent" in refused.stderr
    assert smtp.received == []


def test_a_refused_recipient_is_said_and_the_others_still_get_theirs(
    orebro: Kplan, smtp: Inbox
) -> None:
    orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    smtp.refuse.add(EMAILS["mholm"])
    result = orebro("remind", "--send", expect=1)
    assert (
        "not sent to Mikael Holm <mikael.holm@example.org>: the server said: 550" in result.stderr
    )
    assert "No such mailbox here" in result.stderr
    assert len(smtp.received) == len(UNREPORTED_OWNERS) - 1
    assert "Sent to Tomas Ström <tomas.strom@example.org>" in result.stdout


def test_a_login_with_the_password_from_a_file(
    orebro: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that wants a login gets the user and the password, and nobody else sees it."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    secret = "rätt-lösen 42"
    logins: list[tuple[bytes, bytes]] = []

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == secret.encode("utf-8"))

    inbox = Inbox()
    port = _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=check, auth_require_tls=False
    )
    controller.start()
    try:
        password_file = tmp_path / "password"
        password_file.write_text(secret + "\n", encoding="utf-8")
        settings = tmp_path / "smtp.toml"
        settings.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
            f'sender = "kplan@example.org"\nuser = "kplan"\npassword_file = "{password_file}"\n',
            encoding="utf-8",
        )
        sent = orebro("remind", "--send", "--owner", "tstrom", "--smtp-config", str(settings))
        assert logins == [(b"kplan", secret.encode("utf-8"))]
        assert len(inbox.to(EMAILS["tstrom"])) == 1
        assert secret not in sent.stdout + sent.stderr
        monkeypatch.setenv("KPLAN_SMTP_PASSWORD", "wrong")
        # aiosmtpd holds back its answer to a failed login: the timeout ends the wait.
        monkeypatch.setenv("KPLAN_SMTP_TIMEOUT", "1")
        refused = orebro("remind", "--send", "--smtp-config", str(settings), expect=1)
        assert "cannot send through the SMTP server" in refused.stderr
        assert logins[-1] == (b"kplan", b"wrong")
        assert "wrong" not in refused.stderr.replace("went wrong", "")
        assert len(inbox.received) == 1
    finally:
        controller.stop()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.fixed_dictionaries(
        {},
        optional={
            "KPLAN_SMTP_PORT": st.text(max_size=8) | st.integers(-5, 70000).map(str),
            "KPLAN_SMTP_TLS": st.sampled_from(["none", "NONE", "tls", ""]) | st.text(max_size=6),
            "KPLAN_SMTP_SENDER": st.text(max_size=40)
            | st.sampled_from(["a@b.se", "A <a@b.se>, c@d.se", "Å <å@ö.se>", "x\r\nBcc: y@z"]),
            "KPLAN_SMTP_USER": st.text(max_size=10),
            "KPLAN_SMTP_TIMEOUT": st.text(max_size=5),
            # Host names that fail before any name lookup (no network in the tests).
            "KPLAN_SMTP_HOST": st.sampled_from(["127.0.0.1", "ex..ämple", "a" * 300, " "]),
        },
    )
)
def test_any_smtp_settings_are_checked_without_a_traceback(
    fuzzed: Kplan, monkeypatch: pytest.MonkeyPatch, values: dict[str, str]
) -> None:
    monkeypatch.setenv("KPLAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KPLAN_SMTP_PORT", str(_free_port()))  # nothing listens there
    monkeypatch.setenv("KPLAN_SMTP_SENDER", "kplan@example.org")
    monkeypatch.setenv("KPLAN_SMTP_TIMEOUT", "2")
    for variable, value in values.items():
        if "\x00" not in value:  # no environment holds a NUL
            monkeypatch.setenv(variable, value)
    result = fuzzed("remind", "--send", "--owner", "tstrom", expect=None)
    assert result.exit_code in (1, 2), (values, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.startswith("kplan: error: ")


def test_files_named_in_bytes_that_are_not_utf8(orebro: Kplan, tmp_path: Path) -> None:
    """calendar -o, remind -o and --smtp-config use the name they were given, byte for byte."""
    from tests.test_paths import _installed, _ok, _one_line

    if not isinstance(orebro.db, Path):
        pytest.skip("file names, not the store, are what this is about")
    store = str(orebro.db)
    orebro("round", "open", ROUND, "--due", "2016-02-15", "--as", "ehedlund")
    done = _installed(["calendar", "-o", b"pl\xe9.ics", "--db", store], cwd=tmp_path)
    _ok(done)
    assert done.stderr == b"Wrote pl\\udce9.ics\n"
    _ok(_installed(["remind", "-o", b"dig\xe9", "--owner", "tstrom", "--db", store], cwd=tmp_path))
    assert os.listdir(os.fsencode(tmp_path / "x").rstrip(b"x") + b"dig\xe9") == [b"tstrom.txt"]
    said = _one_line(
        _installed(
            ["remind", "--send", "--smtp-config", b"no\xe9.toml", "--db", store], cwd=tmp_path
        )
    )
    assert "no\\udce9.toml" in said
