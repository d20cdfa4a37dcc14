"""``kplan list`` fits its terminal, and the text that fits a width (kplan.present.fit).

At 80, 100 and 120 columns every measure is one line no wider than the
terminal; the progress bar and the status words give way before a title is
cut, and a title is cut only with an ellipsis, at a word where it can be.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kplan.present.fit import abbreviate, clip, legend_text, text_width
from tests.conftest import Kplan
from tests.width_plan import PERSPECTIVES, long_plan

WIDTHS = [80, 100, 120]


@pytest.fixture
def on_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """``kplan list`` draws its table as on a terminal."""
    monkeypatch.setattr("kplan.present.output.is_terminal", lambda: True)


def _titles(kplan: Kplan) -> dict[str, str]:
    return {row["id"]: row["title"] for row in kplan.json("list")}


def _table_lines(text: str, ids: set[str]) -> dict[str, list[str]]:
    """The lines of the table that start with a measure's id."""
    found: dict[str, list[str]] = {key: [] for key in ids}
    for line in text.splitlines():
        words = line.replace("│", " ").split()
        if words and words[0] in ids:
            found[words[0]].append(line)
    return found


def _shown_title(line: str, title: str) -> str:
    """The part of ``line`` that shows ``title``: whole, or its start and an ellipsis."""
    if title in line:
        return title
    for length in range(len(title), 0, -1):
        start = title[:length].rstrip()
        if start + "…" in line:
            return start + "…"
    raise AssertionError(f"{title!r} is not shown in {line!r}")


@pytest.mark.usefixtures("on_terminal")
@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("plan", ["example", "long"])
@pytest.mark.parametrize("width", WIDTHS)
def test_list_fits_its_terminal(
    kplan: Kplan,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    plan: str,
    language: str,
) -> None:
    from tests.conftest import OREBRO

    kplan("import", str(OREBRO if plan == "example" else long_plan(tmp_path)))
    titles = _titles(kplan)
    monkeypatch.setenv("KPLAN_LANG", language)
    monkeypatch.setenv("COLUMNS", str(width))
    text = kplan("list").stdout
    for line in text.splitlines():
        assert text_width(line.rstrip()) <= width, line
    rows = _table_lines(text, set(titles))
    for key, title in titles.items():
        # One line a measure: nothing of its row wraps onto the next line.
        assert len(rows[key]) == 1, (key, rows[key])
        shown = _shown_title(rows[key][0], title)
        if shown != title:
            cut = shown[:-1]
            # Cut at a word, or inside one with the ellipsis saying so.
            assert title.startswith(cut)
            # A title is cut only when the table had no more room for it.
            assert width < 120 or plan == "long"
        # Readable at 80 columns too.
        assert len(shown) >= min(len(title), 18)


@pytest.mark.usefixtures("on_terminal")
def test_at_120_columns_the_example_shows_every_title_whole(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    text = orebro("list").stdout
    for title in _titles(orebro).values():
        assert title in text
    # The status keeps its words; the bar went first.
    assert "ongoing" in text
    assert "░" not in text.split("Whole plan")[0]


@pytest.mark.usefixtures("on_terminal")
def test_the_bar_goes_before_a_title_is_cut(orebro: Kplan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    wide = orebro("list").stdout
    # Wide enough for everything: the bar, the status in words, the box.
    assert "██████████ 100%" in wide
    assert "days overdue" in wide
    assert "┃" in wide
    monkeypatch.setenv("COLUMNS", "140")
    narrower = orebro("list").stdout
    for title in _titles(orebro).values():
        assert title in narrower
    assert "██████████ 100%" not in narrower


@pytest.mark.usefixtures("on_terminal")
def test_short_perspective_headings_are_named_in_a_legend(
    kplan: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kplan("import", str(long_plan(tmp_path)))
    monkeypatch.setenv("COLUMNS", "100")
    text = kplan("list").stdout
    legend = next(line for line in text.splitlines() if line.startswith("Perspectives:"))
    assert "Kom = Kompetensbehov" in legend
    assert "fun = funktionsnedsättning" in legend
    table = text.split("Whole plan")[0]
    for name in PERSPECTIVES.values():
        assert name not in table


def test_list_in_a_pipe_is_unchanged_by_the_width(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    narrow = orebro("list").stdout
    monkeypatch.setenv("COLUMNS", "200")
    assert orebro("list").stdout == narrow
    assert "\t" in narrow


# kplan.present.fit -------------------------------------------------------------------------


def test_clip_keeps_what_fits_and_cuts_at_a_word() -> None:
    assert clip("Regional analys", 15) == "Regional analys"
    assert clip("Regional analys av kompetensbehov", 20) == "Regional analys av…"
    assert text_width(clip("Regional analys av kompetensbehov", 20)) <= 20


def test_clip_cuts_inside_a_long_word_with_an_ellipsis() -> None:
    assert clip("Kompetensförsörjningsplanen", 10) == "Kompetens…"
    assert clip("ab", 0) == ""
    assert clip("abc", 1) == "…"


def test_clip_never_splits_an_escape() -> None:
    shown = "Plan \\x1b[2J rest of it"
    for width in range(2, len(shown)):
        cut = clip(shown, width)
        assert text_width(cut) <= width
        assert not cut.rstrip("…").endswith(("\\", "\\x", "\\x1"))


def test_clip_counts_wide_characters_as_two_cells() -> None:
    cut = clip("計画の進捗と成果", 7)
    assert text_width(cut) <= 7
    assert cut.endswith("…")


def test_abbreviate_keeps_names_that_fit_and_shortens_the_rest_uniquely() -> None:
    headings = abbreviate(["kön", "funktionsnedsättning", "funktionsvariation"], 4)
    assert headings.labels[0] == "kön"
    assert len(set(headings.labels)) == 3
    assert all(text_width(label) <= 4 for label in headings.labels)
    assert [full for _short, full in headings.shortened] == [
        "funktionsnedsättning",
        "funktionsvariation",
    ]
    assert "funk = funktionsnedsättning" in legend_text(headings.shortened)


@pytest.mark.usefixtures("on_terminal")
@pytest.mark.parametrize("width", WIDTHS)
def test_a_hostile_title_is_spelled_out_and_cut_outside_its_escapes(
    kplan: Kplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    from tests.test_hostile_text import assert_safe, hostile_plan

    kplan("import", str(hostile_plan(tmp_path)))
    monkeypatch.setenv("COLUMNS", str(width))
    result = kplan("list")
    assert_safe(result.stdout)
    (line,) = [row for row in result.stdout.splitlines() if "Title Evil" in row]
    assert text_width(line.rstrip()) <= width
    shown = line[line.index("Title Evil") :]
    shown = shown[: shown.index("…") + 1]
    # Spelled out, cut with an ellipsis, never inside an escape such as \x1b.
    assert shown.startswith("Title Evil\\x1b]0;pwned")
    assert not shown[:-1].endswith(("\\", "\\x", "\\x1", "\\u", "\\u20", "\\u202"))


def test_list_rows_match_the_pipe_s_titles_at_any_width(
    orebro: Kplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fitting changes only how a title is shown: every shown start is the stored title's."""
    titles = _titles(orebro)
    monkeypatch.setattr("kplan.present.output.is_terminal", lambda: True)
    for width in range(60, 201, 7):
        monkeypatch.setenv("COLUMNS", str(width))
        text = orebro("list").stdout
        rows = _table_lines(text, set(titles))
        for key, title in titles.items():
            assert len(rows[key]) == 1, (width, key)
            shown = _shown_title(rows[key][0], title)
            assert title.startswith(shown.removesuffix("…"))
