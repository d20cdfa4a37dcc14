"""Public exports (issue 15, item 2): no person's name, e-mail, id, note or läget unless chosen.

Every format ``kplan export`` can make public is written for both example
plans, in English and Swedish, with and without ``--public``; each file's
bytes are searched (as text, HTML entities decoded, Markdown escapes and JSON
escapes undone, case-insensitively, whitespace folded) for every person's
full name, the parts of their names, their user ids and e-mail addresses, and
for the texts of notes and läget. A public export holds none of them; the
full export holds them, so the search is shown able to find them.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import tomllib
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kplan.core.publishing import ROLE_ID, public_plan
from kplan.model import Measure, Organisation, Owner, Plan
from kplan.present.exports import PUBLISHABLE
from kplan.store import plans as stored_plans
from tests.conftest import KRONOBERG, OREBRO, Kplan

# A person whose name parts are words of no language, so finding one is a leak.
PERSON = ("zquell", "Zygmunt Quellbrand", "zq@example.org")
# A person whose name is full of characters with a meaning in HTML, Markdown, CSV and JSON.
HOSTILE = ("awirs", 'Åsa "Ödegård" <Wirsénius> & Co|*_`', "a.w+x@example.org")
# A coordinator who owns nothing, with an organisation.
COORDINATOR = ("ovranckx", "Ottilie Vranckx", "ottilie.vranckx@example.net")
# Texts people wrote: a change note, läget (not marked public), a round report's note.
CHANGE_NOTE = "Wombatfjäder: ring Zygmunt om budgeten"
SITUATION = "Pelikanbrygga enligt Quellbrand"
ROUND_NOTE = "Tranbärsmos från zq@example.org"
# The person's address after a change that the Markdown report's changes would name.
NEW_EMAIL = "zygmunt.q@example.com"
# Name parts that are ordinary words (Swedish "per", English "said"): not searched alone.
COMMON_WORDS = frozenset({"per", "said"})
PLANS = {"orebro-kompetens": OREBRO, "kronoberg-kompetens": KRONOBERG}


def _with_people(source: Path, target: Path) -> Path:
    """The example plan with the extra people: the first measure's owner (also a coordinator),
    a coordinator with an organisation, and the second measure's owner, with a hostile name."""
    text = source.read_text("utf-8")
    document = tomllib.loads(text)
    first_owner = document["measures"][0]["owner"]
    coordinators = document["plan"]["coordinators"]
    old_line = "coordinators = " + json.dumps(coordinators, ensure_ascii=False)
    new_line = "coordinators = " + json.dumps(
        [*coordinators, PERSON[0], COORDINATOR[0]], ensure_ascii=False
    )
    assert old_line in text
    text = text.replace(old_line, new_line, 1)
    text = text.replace(f'owner = "{first_owner}"', f'owner = "{PERSON[0]}"', 1)
    second_owner = document["measures"][1]["owner"]
    assert second_owner != first_owner
    text = text.replace(f'owner = "{second_owner}"', f'owner = "{HOSTILE[0]}"', 1)
    organisation = document["organisations"][0]["id"]
    text += (
        f'\n[[owners]]\nid = "{PERSON[0]}"\nname = "{PERSON[1]}"\nemail = "{PERSON[2]}"\n'
        f'\n[[owners]]\nid = "{COORDINATOR[0]}"\nname = "{COORDINATOR[1]}"\n'
        f'organisation = "{organisation}"\nemail = "{COORDINATOR[2]}"\n'
        f'\n[[owners]]\nid = "{HOSTILE[0]}"\nname = {json.dumps(HOSTILE[1], ensure_ascii=False)}\n'
        f'email = "{HOSTILE[2]}"\n'
    )
    target.write_text(text, "utf-8")
    return target


def _people(path: Path) -> list[tuple[str, str, str | None]]:
    return [(o["id"], o["name"], o.get("email")) for o in tomllib.loads(path.read_text())["owners"]]


def forbidden(path: Path) -> dict[str, re.Pattern[str]]:
    """What a public export of the plan file at ``path`` must not hold, each as a pattern.

    Full names, user ids, e-mail addresses and the notes are searched anywhere;
    a part of a name (three letters or more, not a common word) as a word.
    """
    found: dict[str, re.Pattern[str]] = {}
    for key, name, email in _people(path):
        for text in (name, key, email):
            if text:
                found[text] = re.compile(re.escape(_fold(text)))
        for part in re.findall(r"\w+", name):
            if len(part) >= 3 and part.casefold() not in COMMON_WORDS:
                found[part] = re.compile(r"(?<!\w)" + re.escape(_fold(part)) + r"(?!\w)")
    for text in (
        CHANGE_NOTE,
        SITUATION,
        ROUND_NOTE,
        "Wombatfjäder",
        "Pelikanbrygga",
        "Tranbärsmos",
        NEW_EMAIL,
    ):
        found[text] = re.compile(re.escape(_fold(text)))
    return found


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def readable(data: bytes) -> list[str]:
    """The ways a reader or a program may read an export's bytes, folded for the search."""
    if data.startswith(b"PK"):
        # A workbook (or another zip): every text part of it.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"\n".join(archive.read(name) for name in archive.namelist())
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    views = [text, html.unescape(text), text.replace("\\", ""), html.unescape(html.unescape(text))]
    with contextlib.suppress(ValueError):
        views.append(json.dumps(json.loads(text), ensure_ascii=False))
    return [_fold(view) for view in views]


def leaks(data: bytes, patterns: dict[str, re.Pattern[str]]) -> set[str]:
    """Which of ``patterns`` some reading of ``data`` holds."""
    views = readable(data)
    return {name for name, pattern in patterns.items() if any(pattern.search(v) for v in views)}


@pytest.fixture
def peopled(kplan: Kplan, tmp_path: Path) -> dict[str, Path]:
    """Both example plans, each with the extra people acting in it: notes, läget, a round."""
    files = {}
    for key, source in PLANS.items():
        path = _with_people(source, tmp_path / f"{key}.toml")
        files[key] = path
        kplan("import", str(path), "--as", PERSON[0])
        measure = tomllib.loads(path.read_text())["measures"][0]
        first = measure["id"]
        status = "delayed" if measure.get("status") != "delayed" else "ongoing"
        kplan("snapshot", "take", "Vår 2016", "--plan", key, "--as", PERSON[0])
        kplan("status", first, status, "--note", CHANGE_NOTE, "--plan", key, "--as", PERSON[0])
        kplan("note", first, SITUATION, "--plan", key, "--as", PERSON[0])
        kplan("person", "edit", PERSON[0], "--email", NEW_EMAIL, "--plan", key, "--as", PERSON[0])
        kplan("round", "open", "Uppföljning 2016", "--plan", key, "--as", PERSON[0])
        kplan("round", "report", first, "--note", ROUND_NOTE, "--plan", key, "--as", PERSON[0])
    return files


def _export(kplan: Kplan, folder: Path, plan: str, fmt: str, *flags: str) -> bytes:
    target = folder / f"{plan}-{fmt}-{'-'.join(f.strip('-') for f in flags) or 'plain'}.{fmt}"
    kplan("export", "--plan", plan, "--format", fmt, "-o", str(target), "--force", *flags)
    return target.read_bytes()


def _cases() -> Iterator[tuple[str, str]]:
    for language in ("en", "sv"):
        for fmt in sorted(PUBLISHABLE):
            yield language, fmt


@pytest.mark.parametrize(("language", "fmt"), list(_cases()))
def test_a_public_export_names_nobody(
    peopled: dict[str, Path],
    kplan: Kplan,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    fmt: str,
) -> None:
    monkeypatch.setenv("KPLAN_LANG", language)
    for plan, path in peopled.items():
        patterns = forbidden(path)
        public = _export(kplan, tmp_path, plan, fmt, "--public")
        assert not leaks(public, patterns), (plan, fmt)
        # The same search finds the people in the full export: it can fail.
        full = _export(kplan, tmp_path, plan, fmt, "--no-public")
        assert {PERSON[1], "Quellbrand", "Wirsénius"} <= leaks(full, patterns), (plan, fmt)
        if fmt in ("json", "md"):
            # The address as it is now; the report names its change since the snapshot.
            assert NEW_EMAIL in leaks(full, patterns), (plan, fmt)
        assert leaks(_export(kplan, tmp_path, plan, fmt), patterns) == leaks(full, patterns)
        # A snapshot's export, and the reports looking back on it, hold nobody either.
        earlier = _export(kplan, tmp_path, plan, fmt, "--public", "--snapshot", "Vår 2016")
        assert not leaks(earlier, patterns), (plan, fmt)


def test_the_full_json_export_with_its_log_shows_what_a_public_one_leaves_out(
    peopled: dict[str, Path], kplan: Kplan, tmp_path: Path
) -> None:
    for plan, path in peopled.items():
        patterns = forbidden(path)
        full = _export(kplan, tmp_path, plan, "json", "--with-log")
        found = leaks(full, patterns)
        assert {PERSON[0], PERSON[1], PERSON[2], COORDINATOR[0], COORDINATOR[2]} <= found
        assert {CHANGE_NOTE, SITUATION, ROUND_NOTE} <= found
        for _, name, email in _people(path):
            assert name in found and (email is None or email in found)
        public = _export(kplan, tmp_path, plan, "json", "--public")
        assert not leaks(public, patterns)


def test_the_public_json_keeps_its_shape(peopled: dict[str, Path], kplan: Kplan) -> None:
    full = json.loads(kplan("export", "--plan", "orebro-kompetens", "-f", "json").stdout)
    public = json.loads(
        kplan("export", "--plan", "orebro-kompetens", "-f", "json", "--public").stdout
    )
    assert "public" not in full and public["public"] is True
    assert [k for k in public if k != "public"] == list(full)
    assert list(public["plan"]) == list(full["plan"])
    assert public["plan"]["coordinators"] == []
    assert [list(m) for m in public["measures"]] == [list(m) for m in full["measures"]]
    organisations = {o["id"]: o["name"] for o in public["organisations"]}
    for owner in public["owners"]:
        assert owner["email"] is None
        assert owner["id"] == ROLE_ID or owner["name"] == organisations[owner["id"]]
    by_id = {o["id"]: o for o in public["owners"]}
    # The extra person has no organisation: shown by role.
    first = public["measures"][0]
    assert first["owner"] == ROLE_ID and first["owner_name"] == "Process owner"
    assert by_id[ROLE_ID]["name"] == "Process owner"
    # Akarlsson (Region Örebro län) owns measure 6: shown by the organisation.
    six = next(m for m in public["measures"] if m["id"] == "6")
    assert six["owner_name"] == "Region Örebro län"
    assert all(m["situation"] is None for m in public["measures"])
    assert all(m["owner"] in by_id for m in public["measures"])


def test_a_process_owner_reads_as_a_role_in_swedish(
    peopled: dict[str, Path], kplan: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_LANG", "sv")
    page = _export(kplan, tmp_path, "orebro-kompetens", "html", "--public").decode()
    assert "Processägare" in page
    assert "Region Örebro län, Region Örebro län" not in page
    table = _export(kplan, tmp_path, "orebro-kompetens", "csv", "--public").decode()
    assert "Processägare" in table


def test_a_public_json_export_reads_back_in_compare(
    peopled: dict[str, Path], kplan: Kplan, tmp_path: Path
) -> None:
    files: list[str] = []
    patterns: dict[str, re.Pattern[str]] = {}
    for plan, path in peopled.items():
        target = tmp_path / f"{plan}-public.json"
        kplan("export", "--plan", plan, "-f", "json", "--public", "-o", str(target))
        files += ["--file", str(target)]
        patterns |= forbidden(path)
    for fmt in ("text", "json", "md", "html"):
        result = kplan("compare", *files, "--format", fmt)
        assert not leaks(result.stdout.encode(), patterns), fmt
    plans = json.loads(kplan("compare", *files, "--json").stdout)["plans"]
    assert [p["source"] for p in plans] == ["file", "file"]
    assert [p["measures"] for p in plans] == [22, 7]


@pytest.mark.parametrize("language", ["en", "sv"])
def test_a_public_calendar_names_nobody(
    peopled: dict[str, Path], kplan: Kplan, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    monkeypatch.setenv("KPLAN_LANG", language)
    role = "Processägare" if language == "sv" else "Process owner"
    for plan, path in peopled.items():
        patterns = forbidden(path)
        public = kplan("calendar", "--plan", plan, "--public").stdout
        assert not leaks(public.encode(), patterns), plan
        # The extra person owns the first measure and has no organisation: shown by role.
        assert role in public
        full = kplan("calendar", "--plan", plan).stdout
        assert PERSON[1] in leaks(full.encode(), patterns)
        assert leaks(kplan("calendar", "--plan", plan, "--no-public").stdout.encode(), patterns)
        # One owner's measures, still without the owner's name.
        mine = kplan("calendar", "--plan", plan, "--public", "--owner", PERSON[0]).stdout
        assert role in mine and not leaks(mine.encode(), patterns)


def test_compare_and_trend_show_nobody(peopled: dict[str, Path], kplan: Kplan) -> None:
    patterns = {k: v for path in peopled.values() for k, v in forbidden(path).items()}
    for plan in peopled:
        for arguments in (("trend",), ("trend", "--json")):
            result = kplan(*arguments, "--plan", plan)
            assert not leaks(result.stdout.encode(), patterns), arguments
    for fmt in ("text", "json", "md", "html"):
        result = kplan("compare", *peopled, "--format", fmt)
        assert not leaks(result.stdout.encode(), patterns), fmt


def test_a_public_export_has_no_log_and_no_plan_file(
    peopled: dict[str, Path], kplan: Kplan
) -> None:
    result = kplan(
        "export", "-f", "json", "--public", "--with-log", "--plan", "orebro-kompetens", expect=2
    )
    assert "--with-log" in result.stderr and "--no-public" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    for flags in (("--public",), ("-f", "toml", "--public")):
        result = kplan("export", *flags, "--plan", "orebro-kompetens", expect=2)
        assert "csv, html, json, md" in result.stderr
        assert result.stdout == ""
    # The plan file without --public stays the whole plan.
    whole = kplan("export", "--plan", "orebro-kompetens", "--no-public").stdout
    assert PERSON[1] in whole


def test_a_public_plan_exports_publicly_unless_told_not_to(
    peopled: dict[str, Path],
    kplan: Kplan,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The plan setting is stored with the plan's other settings; here it is set as the plan loads.
    loaded = stored_plans.load_plan

    def public_load(*args: Any, **kwargs: Any) -> Plan:
        plan = loaded(*args, **kwargs)
        plan.public = True
        return plan

    monkeypatch.setattr(stored_plans, "load_plan", public_load)
    path = peopled["orebro-kompetens"]
    patterns = forbidden(path)
    for fmt in sorted(PUBLISHABLE):
        assert not leaks(_export(kplan, tmp_path, "orebro-kompetens", fmt), patterns), fmt
        earlier = _export(kplan, tmp_path, "orebro-kompetens", fmt, "--snapshot", "Vår 2016")
        assert not leaks(earlier, patterns), fmt
        full = _export(kplan, tmp_path, "orebro-kompetens", fmt, "--no-public")
        assert PERSON[1] in leaks(full, patterns), fmt
    calendar = kplan("calendar", "--plan", "orebro-kompetens").stdout.encode()
    assert not leaks(calendar, patterns)
    full = kplan("calendar", "--plan", "orebro-kompetens", "--no-public").stdout.encode()
    assert PERSON[1] in leaks(full, patterns)
    # The log needs the full export, asked for by name; the plan file is the whole plan.
    kplan("export", "-f", "json", "--with-log", "--plan", "orebro-kompetens", expect=2)
    kplan("export", "-f", "json", "--with-log", "--no-public", "--plan", "orebro-kompetens")
    assert PERSON[1] in kplan("export", "--plan", "orebro-kompetens").stdout


def _plan() -> Plan:
    return Plan(
        id="p",
        title="T",
        organisations=[Organisation("process-owner", "An organisation called so")],
        owners=[
            Owner("anna", "Anna Quist", organisation="process-owner", email="a@example.org"),
            Owner("bo", "Bo Lind", email="b@example.org"),
            Owner("cy", "Cy Dahl", organisation="gone"),
        ],
        coordinators=["anna"],
        measures=[
            Measure("1", "M1", owner="anna", situation="secret"),
            Measure("2", "M2", owner="bo", situation="open text", situation_public=True),
            Measure("3", "M3", owner="cy"),
            Measure("4", "M4", owner="stranger"),
            Measure("5", "M5", owner=""),
        ],
    )


def test_public_plan_shows_owners_by_organisation_or_role() -> None:
    plan = _plan()
    public = public_plan(plan)
    # The caller's plan is untouched.
    assert plan.owners[0].name == "Anna Quist" and plan.coordinators == ["anna"]
    assert [(o.id, o.name, o.organisation, o.email) for o in public.owners] == [
        ("process-owner", "An organisation called so", "process-owner", None),
        # An organisation took the role's id: the role gets another.
        ("process-owner-2", "Process owner", None, None),
    ]
    assert [m.owner for m in public.measures] == [
        "process-owner",
        "process-owner-2",
        # An organisation the plan does not list, and an owner it does not list: by role.
        "process-owner-2",
        "process-owner-2",
        "",
    ]
    assert [m.situation for m in public.measures] == [None, "open text", None, None, None]
    assert public.coordinators == []


def test_the_installed_entry_point_writes_a_public_page_in_swedish(tmp_path: Path) -> None:
    from tests.test_entrypoint import run

    db = tmp_path / "k.db"
    path = _with_people(OREBRO, tmp_path / "plan.toml")
    assert run("import", str(path), "--db", str(db), "--as", PERSON[0]).returncode == 0
    page = tmp_path / "plan.html"
    made = run(
        "export",
        "--format",
        "html",
        "--public",
        "-o",
        str(page),
        "--db",
        str(db),
        env={"KPLAN_LANG": "sv"},
    )
    assert made.returncode == 0, made.stderr
    data = page.read_bytes()
    assert not leaks(data, forbidden(path))
    assert '<html lang="sv"' in data.decode() and "Processägare" in data.decode()
    refused = run(
        "export", "-f", "json", "--public", "--with-log", "--db", str(db), env={"KPLAN_LANG": "sv"}
    )
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "--no-public" in refused.stderr
