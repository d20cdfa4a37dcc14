"""Language and time: ``--lang`` on every command, a plan's language, time zone and
public settings (schema 8), a measure's public läget, and moments shown in the plan's zone."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kplan import i18n, moments
from kplan.core import planspec
from tests.conftest import OREBRO, Kplan, dump_store

NOW = "2016-03-01T12:00:00Z"  # 13:00 in Stockholm (CET), winter time
SUMMER = "2016-07-01T12:00:00Z"  # 14:00 in Stockholm (CEST)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPLAN_NOW", NOW)


def plan_file(tmp_path: Path, extra_plan: str = "", extra_measure: str = "") -> Path:
    """The example plan with lines added to ``[plan]`` and to its first measure."""
    text = OREBRO.read_text(encoding="utf-8")
    text = text.replace("[plan]\n", "[plan]\n" + extra_plan, 1)
    text = text.replace("[[measures]]\n", "[[measures]]\n" + extra_measure, 1)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the settings: stored, shown, logged, undone, exported --------------------


def test_plan_settings_are_stored_shown_logged_and_undone(orebro: Kplan) -> None:
    shown = orebro.json("plan", "show")
    assert (shown["language"], shown["timezone"], shown["public"]) == (None, None, False)
    assert shown["zone"] == "Europe/Stockholm"
    text = orebro("plan", "show").stdout
    assert "Language: Swedish (not set)" in text
    assert "Time zone: Europe/Stockholm (default)" in text
    assert "Exports: not public unless asked" in text

    changed = orebro(
        "plan", "edit", "--language", "EN", "--timezone", "Europe/Helsinki", "--public"
    ).stdout
    assert "the plan's language: – → en" in changed
    assert "the plan's time zone: – → Europe/Helsinki" in changed
    assert "the plan's exports public by default: no → yes" in changed
    shown = orebro.json("plan", "show")
    assert (shown["language"], shown["timezone"], shown["public"]) == (
        "en",
        "Europe/Helsinki",
        True,
    )
    assert shown["zone"] == "Europe/Helsinki"
    text = orebro("plan", "show").stdout
    assert "Language: English (en)" in text
    assert "Time zone: Europe/Helsinki" in text
    assert "Exports: public by default" in text
    exported = orebro("export").stdout
    assert 'language = "en"' in exported
    assert 'timezone = "Europe/Helsinki"' in exported
    assert "public = true" in exported

    orebro("undo")
    shown = orebro.json("plan", "show")
    assert (shown["language"], shown["timezone"], shown["public"]) == (None, None, False)
    assert "language" not in orebro("export").stdout.split("[[organisations]]")[0]


def test_an_english_plan_without_a_zone_shows_utc_and_an_empty_text_unsets(
    orebro: Kplan,
) -> None:
    orebro("plan", "edit", "--language", "en")
    assert orebro.json("plan", "show")["zone"] == "UTC"
    orebro("plan", "edit", "--language", "", "--timezone", "Europe/Oslo")
    shown = orebro.json("plan", "show")
    assert (shown["language"], shown["zone"]) == (None, "Europe/Oslo")
    orebro("plan", "edit", "--timezone", "", "--no-public")
    assert orebro.json("plan", "show")["zone"] == "Europe/Stockholm"


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--language", "de"], "--language: 'de' is not valid. Valid: sv, en"),
        (["--timezone", "Mars/Olympus_Mons"], "--timezone: 'Mars/Olympus_Mons' is no time zone"),
        (["--timezone", "Europe/Stokholm"], "Did you mean 'Europe/Stockholm'?"),
        (["--timezone", "Europe"], "--timezone: 'Europe' is no time zone"),
        (["--timezone", "../../../etc/passwd"], "is no time zone"),
        (["--timezone", "/usr/share/zoneinfo/UTC"], "is no time zone"),
        (["--timezone", "Europe/Stockholm\x1b[31m"], "\\x1b"),
        (["--timezone", "A" * 500], "--timezone: "),
        (["--timezone", " "], "--timezone: "),
    ],
)
def test_a_bad_setting_is_one_line_and_writes_nothing(
    orebro: Kplan, options: list[str], words: str
) -> None:
    before = dump_store(orebro.db) if not str(orebro.db).startswith("postgresql") else None
    result = orebro("plan", "edit", *options, expect=1)
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "\x1b" not in result.stderr
    assert "Traceback" not in result.stderr
    if before is not None:
        assert dump_store(orebro.db) == before
    assert orebro.json("plan", "show")["timezone"] is None


def test_the_plan_file_keys_round_trip_through_import_and_export(
    kplan: Kplan, tmp_path: Path
) -> None:
    path = plan_file(
        tmp_path,
        'language = "svenska"\ntimezone = "Europe/Helsinki"\npublic = true\n',
        "situation_public = true\n",
    )
    kplan("import", str(path))
    shown = kplan.json("plan", "show")
    assert (shown["language"], shown["timezone"], shown["public"]) == (
        "sv",
        "Europe/Helsinki",
        True,
    )
    exported = kplan("export").stdout
    assert "situation_public = true" in exported
    again = tmp_path / "again.toml"
    again.write_text(exported, encoding="utf-8")
    # The exported file imports into a new store as it is, and exports the same.
    fresh = Kplan(kplan.db.with_name("fresh.db")) if isinstance(kplan.db, Path) else kplan
    fresh("import", str(again))
    assert fresh("export").stdout.split("\n", 2)[2] == exported.split("\n", 2)[2]


@pytest.mark.parametrize(
    ("extra_plan", "extra_measure", "words"),
    [
        ('public = "yes"\n', "", "plan.public: expected true or false, got 'yes'"),
        ("public = 1\n", "", "plan.public: expected true or false"),
        ('language = "de"\n', "", "plan.language: 'de' is not valid. Valid: sv, en"),
        ('timezone = "Nowhere/City"\n', "", "plan.timezone: 'Nowhere/City' is no time zone"),
        ("timezone = 3\n", "", "plan.timezone: expected a string"),
        ("", 'situation_public = "true"\n', "situation_public: expected true or false"),
    ],
)
def test_a_bad_key_in_a_plan_file_is_an_error_naming_it(
    kplan: Kplan, tmp_path: Path, extra_plan: str, extra_measure: str, words: str
) -> None:
    path = plan_file(tmp_path, extra_plan, extra_measure)
    result = kplan("import", str(path), expect=1)
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    kplan("plans", expect=1)  # nothing was written: not even a plan
    from typer.testing import CliRunner

    from kplan.cli import app

    checked = CliRunner().invoke(app, ["check", str(path)])
    assert checked.exit_code == 1
    assert words in checked.stdout + checked.stderr


def test_the_json_schema_takes_the_same_zone_names_as_kplan() -> None:
    assert "^" + moments._ZONE_NAME.pattern + "$" == planspec.ZONE_SCHEMA_PATTERN
    for name in ("Europe/Stockholm", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+1"):
        assert moments.is_zone(name)
        assert re.fullmatch(planspec.ZONE_SCHEMA_PATTERN.strip("^$"), name)
    for name in ("Europe", "../etc/passwd", "Europe/Stockholm\n", "", "x" * 100):
        assert not moments.is_zone(name)


def test_a_measures_laget_is_marked_public_and_kept_in_snapshots(orebro: Kplan) -> None:
    result = orebro("measure", "edit", "19", "--situation-public").stdout
    assert "measure 19, current state may be published: no → yes" in result
    assert "situation_public = true" in orebro("export").stdout
    orebro("snapshot", "take", "mars")
    orebro("measure", "edit", "19", "--no-situation-public")
    assert "situation_public" not in orebro("export").stdout
    assert "situation_public = true" in orebro("export", "--snapshot", "mars").stdout
    orebro("undo")
    assert "situation_public = true" in orebro("export").stdout


def test_under_owners_the_owner_may_mark_her_own_laget_public(kplan: Kplan, tmp_path: Path) -> None:
    kplan("import", str(plan_file(tmp_path, 'edit = "owners"\n')), "--as", "ehedlund")
    owner = kplan.json("show", "19")["owner"]
    kplan("measure", "edit", "19", "--situation-public", "--as", owner)
    assert "situation_public = true" in kplan("export").stdout
    stranger = "tstrom" if owner != "tstrom" else "akarlsson"
    kplan("measure", "edit", "19", "--no-situation-public", "--as", stranger, expect=4)


# --- --lang -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "swedish", "english"),
    [
        (["list"], "Titel", "Title"),
        (["show", "7"], "Ansvarig", "Owner"),
        (["log", "--limit", "1"], "Vem", "Who"),
        (["plan", "show"], "Samordnare", "Coordinators"),
        (["round", "list"], "Inga omgångar ännu", "No rounds yet"),
        (["export", "--format", "md"], "## Sammanfattning", "## Summary"),
    ],
)
def test_lang_on_commands_of_every_kind(
    orebro: Kplan, args: list[str], swedish: str, english: str
) -> None:
    for where in ("after", "before"):
        line = [*args, "--lang", "sv"] if where == "after" else ["--lang", "sv", *args]
        result = orebro(*line)
        said = result.stdout + result.stderr
        assert swedish in said, (line, said)
        assert english not in said
        back = orebro(*args, "--lang", "en")
        assert english in back.stdout + back.stderr


def test_lang_wins_over_kplan_lang_which_wins_over_the_plans_language(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    orebro("plan", "edit", "--language", "sv")
    # The plan's language speaks in its exports, not at the terminal.
    assert "## Sammanfattning" in orebro("export", "-f", "md").stdout
    assert "Title" in orebro("list").stdout
    assert "## Summary" in orebro("export", "-f", "md", "--lang", "en").stdout
    monkeypatch.setenv("KPLAN_LANG", "en")
    assert "## Summary" in orebro("export", "-f", "md").stdout
    assert "## Sammanfattning" in orebro("export", "-f", "md", "--lang=sv").stdout
    monkeypatch.delenv("KPLAN_LANG")
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    orebro("plan", "edit", "--language", "en")
    assert "## Summary" in orebro("export", "-f", "md").stdout
    assert "Titel" in orebro("list").stdout


@pytest.mark.parametrize("value", ["de", "", "svenska!", "sv\x1b[31m", "x" * 300])
def test_an_unknown_language_is_one_line_exit_2_and_nothing_written(
    orebro: Kplan, value: str
) -> None:
    before = orebro.json("show", "7")
    result = orebro("status", "7", "done", "--lang", value, expect=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("kplan: error: --lang: ")
    assert "use sv (Swedish) or en (English)" in lines[0]
    assert "\x1b" not in result.stderr
    assert orebro.json("show", "7") == before


def test_lang_reads_the_line_as_its_command_does(orebro: Kplan) -> None:
    # A --lang that is another option's value is that value, not a language.
    orebro("status", "7", "delayed", "--note", "--lang", "--lang", "sv")
    assert orebro.json("log", "7", "--limit", "1")[0]["note"] == "--lang"
    # The last --lang counts, as for any option.
    assert "Titel" in orebro("list", "--lang", "en", "--lang", "sv").stdout
    # Help, wherever --lang stands, in the language asked for.
    for line in (["list", "--help", "--lang", "sv"], ["list", "--lang", "sv", "--help"]):
        helped = orebro(*line).stdout
        assert "Lista planens åtgärder." in helped
        assert "Språket kplan talar" in helped
    assert "List the plan's measures." in orebro("list", "--help").stdout
    from typer.testing import CliRunner

    from kplan.cli import app

    helped = CliRunner().invoke(app, ["--lang", "sv", "--help"])
    assert "Lista planens åtgärder." in helped.stdout


def test_the_tui_takes_lang(orebro: Kplan) -> None:
    helped = orebro("tui", "--lang", "sv", "--help").stdout
    assert "--lang sv|en" in helped
    assert "Språket kplan talar" in helped
    # Outside a terminal the TUI says so, in the language asked for.
    said = orebro("tui", "--lang", "sv", expect=2).stderr
    assert said.startswith("kplan: fel: ")


# --- times in the plan's zone --------------------------------------------------


def test_html_export_in_swedish_with_times_in_swedish_time(
    orebro: Kplan, clock: None, tmp_path: Path
) -> None:
    target = tmp_path / "plan.html"
    orebro("export", "--format", "html", "--lang", "sv", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert '<html lang="sv"' in page
    assert "Sammanfattning" in page
    assert "Uppgifter per 2016-03-01 13:00 CET" in page
    assert "UTC" not in page.replace("JSON behåller UTC", "")


def test_the_zone_follows_summer_time_and_the_plans_own_zone(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPLAN_NOW", SUMMER)
    assert "Generated:** 2016-07-01 14:00 CEST" in orebro("export", "-f", "md").stdout
    orebro("plan", "edit", "--timezone", "Europe/Helsinki")
    assert "Generated:** 2016-07-01 15:00 EEST" in orebro("export", "-f", "md").stdout
    orebro("plan", "edit", "--language", "en", "--timezone", "")
    assert "Generated:** 2016-07-01 12:00 UTC" in orebro("export", "-f", "md").stdout


def test_human_output_shows_moments_in_the_zone_and_json_keeps_utc(
    orebro: Kplan, clock: None
) -> None:
    orebro("status", "7", "delayed", "--as", "sforsberg")
    orebro("round", "open", "Uppföljning 2016", "--as", "ehedlund")
    orebro("snapshot", "take", "mars", "--as", "ehedlund")
    assert "2016-03-01 13:00 CET" in orebro("log", "--limit", "1").stdout
    assert "2016-03-01 13:00 CET" in orebro("show", "7").stdout
    assert "2016-03-01 13:00 CET" in orebro("round", "list").stdout
    assert "2016-03-01 13:00 CET" in orebro("snapshot", "list").stdout
    assert orebro.json("log", "--limit", "1")[0]["at"] == "2016-03-01T12:00:00Z"
    assert "UTC" not in orebro("log").stdout
    # The plan's own zone, wherever the moment is shown to a person.
    orebro("plan", "edit", "--timezone", "Europe/Helsinki")
    for args in (["log", "--limit", "1"], ["show", "7"], ["round", "list"], ["snapshot", "list"]):
        assert "2016-03-01 14:00 EET" in orebro(*args).stdout, args


def test_local_text_names_the_zone_and_keeps_what_is_no_moment() -> None:
    moment = dt.datetime(2025, 2, 20, 7, 0, tzinfo=dt.UTC)
    assert moments.local_text(moment, "Europe/Stockholm") == "2025-02-20 08:00 CET"
    assert moments.local_text("2025-02-20T07:00:00Z", "UTC") == "2025-02-20 07:00 UTC"
    assert moments.local_text("2025-02-20 07:00:00", "Asia/Kolkata") == "2025-02-20 12:30 IST"
    assert moments.local_text(None) == "–"
    assert moments.local_text("not a moment") == "not a moment"
    assert moments.local_day("2025-02-20T23:30:00Z", "Europe/Stockholm") == "2025-02-21"
    moments.read_in("Europe/Helsinki")
    assert moments.local_text(moment) == "2025-02-20 09:00 EET"
    moments.read_in("No/Such_Zone")
    assert moments.reader_zone() == "Europe/Stockholm"


def test_parse_language_takes_what_people_write() -> None:
    for text, code in [
        ("sv", "sv"),
        ("SV", "sv"),
        ("sv_SE", "sv"),
        ("en-GB", "en"),
        (" en ", "en"),
    ]:
        assert i18n.parse_language(text) == code
    for text in ("de", "", "svx", "s", "e n"):
        assert i18n.parse_language(text) is None


# --- the installed entry point ----------------------------------------------------


def _installed() -> str:
    beside = Path(sys.executable).parent / "kplan"
    return str(beside)


def test_the_installed_kplan_takes_lang_everywhere(tmp_path: Path) -> None:
    env = {**os.environ, "KPLAN_HOME": str(tmp_path), "LANG": "C.UTF-8"}
    env.pop("KPLAN_LANG", None)
    helped = subprocess.run(
        [_installed(), "--lang", "sv", "--help"], capture_output=True, text=True, env=env
    )
    assert helped.returncode == 0
    assert "kplan följer upp en regional handlingsplan" in helped.stdout
    helped = subprocess.run(
        [_installed(), "plan", "edit", "--help", "--lang", "sv"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "Planens språk, sv eller en" in helped.stdout
    refused = subprocess.run(
        [_installed(), "list", "--lang", "fr"], capture_output=True, text=True, env=env
    )
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "kplan: error: --lang: 'fr' is no language kplan speaks; use sv (Swedish) or en (English)."
    ]


def test_diff_between_snapshots_names_the_settings_that_changed(orebro: Kplan) -> None:
    orebro("snapshot", "take", "a")
    orebro("plan", "edit", "--timezone", "Europe/Helsinki", "--public")
    orebro("measure", "edit", "19", "--situation-public")
    orebro("snapshot", "take", "b")
    text = orebro("diff", "a", "b").stdout
    assert "the plan's time zone: – → Europe/Helsinki" in text
    assert "the plan's exports public by default: no → yes" in text
    assert "current state may be published: no → yes" in text
    found = orebro.json("diff", "a", "b")
    assert {change["field"] for change in found["plan"]} == {"plan.timezone", "plan.public"}
