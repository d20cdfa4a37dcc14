"""kplan.safetext: hidden characters spelled out, long text clipped.

Only kplan.present.output prints.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kplan.present.output import json_text
from kplan.safetext import (
    BLOCK_LIMIT,
    ELLIPSIS,
    LINE_LIMIT,
    escape_char,
    has_hidden,
    visible,
    visible_document,
    visible_lines,
)

KPLAN = Path(__file__).resolve().parent.parent / "kplan"

# Written out here rather than taken from kplan.safetext, so a gap in the
# module's own list cannot hide from the tests.
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ud800-\udfff\U000e0001-\U000e007f]"
)


def test_terminal_controls_are_spelled_out() -> None:
    osc_title = "\x1b]0;pwned\x1b\\"
    assert visible(osc_title) == "\\x1b]0;pwned\\x1b\\"
    assert visible("\x1b[2J") == "\\x1b[2J"
    assert visible("ring\x07") == "ring\\x07"
    assert visible("c1 \x9b31m csi") == "c1 \\x9b31m csi"
    assert visible("del\x7f") == "del\\x7f"
    assert visible("nul\x00") == "nul\\x00"
    assert visible("back\x08space\rline") == "back\\x08space\\rline"


@pytest.mark.parametrize(
    "char",
    [
        "\u061c",
        "\u200e",
        "\u200f",
        *map(chr, range(0x202A, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
    ],
)
def test_every_bidi_control_is_spelled_out(char: str) -> None:
    assert visible(f"a{char}b") == f"a\\u{ord(char):04x}b"


@pytest.mark.parametrize(
    "char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u3164", "\U000e0041"]
)
def test_invisible_characters_that_disguise_text_are_spelled_out(char: str) -> None:
    shown = visible(f"id{char}")
    assert shown == f"id{escape_char(char)}"
    assert char not in shown


def test_every_control_format_and_separator_character_of_unicode_is_covered() -> None:
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in {"Cc", "Cf", "Cs", "Zl", "Zp"}
        and not has_hidden(chr(code))
    ]
    assert missed == []


def test_ordinary_text_is_unchanged() -> None:
    text = "Åtgärd 7: Fler praktikplatser — “kön” ≥ 50 % 👩‍🔧 [bold]x[/] \\ C:\\väg"
    # The zero-width joiner inside the emoji is a format character and shows as one.
    assert visible(text) == text.replace("\u200d", "\\u200d")
    plain = "Kompetensförsörjning i Örebro län, 2016–2020 (ålder, kön, etnicitet) ❤️"
    assert visible(plain) == plain


def test_newlines_stay_on_one_line_unless_the_caller_keeps_them() -> None:
    note = "ok\n2016-01-01 00:00\tboss\t7\tstatus"
    assert visible(note) == "ok\\n2016-01-01 00:00\\tboss\\t7\\tstatus"
    assert "\n" not in visible(note)
    kept = visible("first\nsecond\r\nthird\x1b", continuation="  │ ")
    assert kept == "first\n  │ second\n  │ third\\x1b"


def test_lone_surrogates_are_spelled_out_and_encode() -> None:
    shown = visible("bad \udcff byte \ud800")
    assert shown == "bad \\udcff byte \\ud800"
    shown.encode("utf-8")


def test_escaping_twice_changes_nothing() -> None:
    hostile = "\x1b]0;x\x07\n\u202e\ud800\U000e0041"
    once = visible(hostile)
    assert visible(once) == once
    assert visible_lines(once) == once
    assert not RAW.search(once)


def test_long_text_is_clipped_with_an_ellipsis_and_fast() -> None:
    huge = "å" * 5_000_000
    shown = visible(huge)
    assert shown == "å" * LINE_LIMIT + ELLIPSIS
    assert visible(huge, limit=None) == huge
    block = visible("line\n" * 1_000_000, limit=BLOCK_LIMIT, continuation="  ")
    assert len(block) <= BLOCK_LIMIT + 1 and block.endswith(ELLIPSIS)
    assert visible("short", limit=10) == "short"


def test_clipping_never_cuts_an_escape_in_half() -> None:
    for limit in range(1, 20):
        shown = visible("ab\x1b\x1b\x1b\x1b\x1b", limit=limit)
        assert shown.endswith(ELLIPSIS)
        body = shown[: -len(ELLIPSIS)]
        assert len(body) <= limit
        assert re.fullmatch(r"(ab?)?(\\x1b)*|a?", body), body


def test_visible_lines_keeps_kplans_own_tabs_and_lines() -> None:
    assert visible_lines("a\tb\nc\x1b\td") == "a\tb\nc\\x1b\td"
    assert visible_lines("x" * 50, limit=10) == "x" * 10 + ELLIPSIS


def test_a_document_keeps_lines_and_tabs_and_spells_out_the_rest() -> None:
    assert visible_document('a,"x\x1b[2J"\r\nb\tc\rd\n') == 'a,"x\\x1b[2J"\r\nb\tc\\rd\n'


def test_json_spells_risky_characters_as_escapes_and_reads_back_exactly() -> None:
    text = "t\x1b]0;p\x07\x9b\x7f\u202e\u2028\ud800\U000e0041\n\tok [b]x[/]"
    data = {"title": text, "list": [text], "n": 1}
    shown = json_text(data)
    assert not RAW.search(shown)
    assert json.loads(shown) == data


# Only kplan.present.output writes to standard output and standard error -------------------------

SANCTIONED = {"present/output.py"}
WRITES = {"print", "echo", "secho", "write", "writelines", "confirm", "prompt", "print_json"}
STREAMS = {"stdout", "stderr", "__stdout__", "__stderr__"}


def _direct_writes(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id == "print":
            found.append(f"{path.name}:{node.lineno}: print()")
        elif isinstance(function, ast.Attribute) and function.attr in WRITES:
            owner = ast.unparse(function.value)
            # typer.echo, click.echo, sys.stdout.write, console().print, rich's print...
            if (
                owner in {"typer", "click", "rich", "builtins"}
                or owner.split(".")[-1] in STREAMS
                or "console" in owner.casefold()
            ):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(function)}()")
    return found


def test_only_the_output_module_prints() -> None:
    """Every human-readable byte passes kplan.present.output (so visible()); nothing bypasses it."""
    offenders = [
        hit
        for path in sorted(KPLAN.rglob("*.py"))
        if path.relative_to(KPLAN).as_posix() not in SANCTIONED
        for hit in _direct_writes(path)
    ]
    assert offenders == []


def test_the_scan_finds_a_direct_print(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sys, typer\n"
        "print('x')\n"
        "typer.echo('x')\n"
        "sys.stdout.write('x')\n"
        "sys.stderr.write('x')\n"
        "console().print('x')\n"
        "self.console.print('x')\n",
        encoding="utf-8",
    )
    assert len(_direct_writes(sample)) == 6


def test_safetext_imports_nothing_of_kplan_and_nothing_heavy() -> None:
    tree = ast.parse((KPLAN / "safetext.py").read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert imported <= {"__future__", "re"}


def _hidden_characters() -> list[str]:
    from kplan.safetext import HIDDEN_RANGES

    found = []
    for entry in HIDDEN_RANGES:
        first, last = (
            (entry[0], entry[2]) if len(entry) == 3 and entry[1] == "-" else (entry, entry)
        )
        found += [chr(code) for code in range(ord(first), ord(last) + 1)]
    return found


def test_the_printable_hidden_characters_are_all_written_down() -> None:
    """surely_visible trusts str.isprintable but for these: every other hidden one it refuses."""
    from kplan.safetext import PRINTABLE_HIDDEN

    assert "".join(c for c in _hidden_characters() if c.isprintable()) == PRINTABLE_HIDDEN


@pytest.mark.parametrize("char", _hidden_characters()[::7] + list("\t\n\r\x1b\u202e\u034f\uffa0"))
def test_surely_visible_never_passes_a_hidden_character(char: str) -> None:
    from kplan.safetext import keeps_lines, surely_visible

    text = f"Åtgärd {char} för alla"
    assert not surely_visible(text)
    assert has_hidden(text)
    assert keeps_lines(text) == (char in "\t\n")


TEXTS = st.text(
    alphabet=st.one_of(
        st.sampled_from("ab åäö–\t\n\r\x1b\x7f\x9b\u00ad\u034f\u202e\u200b\uffa0\ud800"),
        st.characters(),
    ),
    max_size=40,
)


@given(TEXTS)
def test_the_fast_checks_agree_with_the_expressions(text: str) -> None:
    """has_hidden and keeps_lines answer as their regular expressions, fast test or not."""
    from kplan.safetext import _HIDDEN, _HIDDEN_IN_LINES, keeps_lines, surely_visible

    assert has_hidden(text) == (_HIDDEN.search(text) is not None)
    assert keeps_lines(text) == (_HIDDEN_IN_LINES.search(text) is None)
    if surely_visible(text):
        assert _HIDDEN.search(text) is None
