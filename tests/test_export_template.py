"""``kplan export --format html --template FILE``: a region's own page, kplan's CSP and escaping.

Plan text is hostile until shown: it goes through the default page and a custom
template escaped, and no template can remove the Content-Security-Policy or turn
escaping off. A faulty template file is one line and exit 1, nothing written.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kplan.core.planfile import plan_to_toml, read_plan_file
from kplan.present.html import CSP, export_html
from kplan.present.templating import PageTemplate
from tests.conftest import OREBRO, Kplan
from tests.test_export_html import GENERATED_AT, hostile_plan

CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'

# Every value a template receives, shown as text and in an attribute.
EVERYTHING = """<style>{{ style }}</style>
<h1 title="{{ plan.title }}">{{ title }} {{ plan.title }}</h1>
<p class="{{ plan.organisation }}">{{ plan.organisation }} {{ plan.description }} {{ plan.id }}</p>
<a href="#top" data-x="{{ plan.description }}">{{ language }} {{ generated_at }} {{ snapshot }}</a>
{% for m in measures %}<div data-id="{{ m.id }}">{{ m.id }} {{ m.title }} {{ m.owner }}
{{ m.goal }} {{ m.area }} {{ m.status }} {{ m.status_label }} {{ m.status_glyph }}
{{ m.progress }} {{ m.due }}</div>
{% endfor %}{% for status, n in counts|dictsort %}{{ status }}={{ n }} {% endfor %}
{{ sections.masthead }}{{ sections.measures }}{{ sections.footer }}
"""

HOSTILE_TEXTS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "javascript:alert(3)",
    "</style><script>alert(4)</script>",
)


def custom(source: str) -> PageTemplate:
    return PageTemplate("mine.html.j2", source)


def assert_safe(page: str) -> None:
    """No element or attribute from plan text, and kplan's CSP first in the head."""
    lowered = page.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    head = page.partition("</head>")[0]
    assert head.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    assert head.count(CSP_META) == 1
    assert head.index(CSP_META) < head.index("<title>")
    # Only the template's own <style> closes: plan text's "</style>" is escaped.
    assert lowered.count("</style>") == 1


def test_hostile_plan_text_is_escaped_in_a_custom_template() -> None:
    page = export_html(
        hostile_plan(),
        generated_at=GENERATED_AT,
        history=[],
        language="en",
        template=custom(EVERYTHING),
    )
    assert_safe(page)
    assert "&lt;/style&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert 'data-id="1&#34;&gt;&lt;svg onload=alert(3)&gt;"' in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def hostile_orebro(tmp_path: Path) -> Path:
    """The example plan with hostile titles, descriptions and goals, as a plan file."""
    plan = read_plan_file(OREBRO)
    plan.title = HOSTILE_TEXTS[0]
    plan.description = HOSTILE_TEXTS[3]
    plan.organisation = HOSTILE_TEXTS[1]
    plan.measures = [
        dataclasses.replace(m, title=HOSTILE_TEXTS[i % 4], goal=HOSTILE_TEXTS[(i + 1) % 4])
        for i, m in enumerate(plan.measures)
    ]
    path = tmp_path / "hostile.toml"
    path.write_text(plan_to_toml(plan), encoding="utf-8")
    return path


@pytest.mark.parametrize("with_template", [False, True])
def test_hostile_plan_through_the_command(
    kplan: Kplan, tmp_path: Path, with_template: bool
) -> None:
    kplan("import", str(hostile_orebro(tmp_path)))
    template = tmp_path / "mine.html.j2"
    template.write_text(EVERYTHING, encoding="utf-8")
    out = tmp_path / "page.html"
    extra = ["--template", str(template)] if with_template else []
    kplan("export", "--format", "html", "-o", str(out), *extra)
    page = out.read_text(encoding="utf-8")
    assert_safe(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;/style&gt;&lt;script&gt;alert(4)&lt;/script&gt;" in page
    # A javascript: text stays text; the CSP (default-src 'none') would block it in a link.
    assert 'href="javascript' not in page


def test_a_custom_template_can_restyle_the_page(kplan: Kplan, tmp_path: Path) -> None:
    kplan("import", str(OREBRO))
    template = tmp_path / "mine.html.j2"
    template.write_text(
        "<style>body { background: #fafafa; }</style>\n<h1>{{ plan.title }}</h1>\n"
        "<ul>{% for m in measures %}<li>{{ m.status_glyph }} {{ m.title }}</li>{% endfor %}</ul>\n",
        encoding="utf-8",
    )
    page = kplan("export", "--format", "html", "--template", str(template)).stdout
    assert page.startswith("<!DOCTYPE html>")
    assert CSP_META in page
    assert "<h1>Handlingsplan för kompetensförsörjning</h1>" in page
    assert page.count("<li>") == len(read_plan_file(OREBRO).measures)
    assert "background: #fafafa" in page
    assert "--ink:" not in page  # kplan's stylesheet only where the template asks for it


def test_a_template_cannot_replace_or_remove_the_csp() -> None:
    loose = '<meta http-equiv="Content-Security-Policy" content="default-src *">'
    page = export_html(
        hostile_plan(),
        generated_at=GENERATED_AT,
        history=[],
        language="en",
        template=custom(f"</head><head>{loose}<h1>{{{{ plan.title }}}}</h1>"),
    )
    head, _, body = page.partition("</head>")
    assert CSP_META in head
    assert loose not in head
    # Whatever the template writes lands in the body, after kplan's head.
    assert loose in body


REFUSED = {
    "safe": "{{ plan.title|safe }}",
    "safe-in-block": "{% filter safe %}{{ plan.title }}{% endfilter %}",
    "autoescape": "{% autoescape false %}{{ plan.title }}{% endautoescape %}",
    "include": '{% include "page.html.j2" %}',
    "extends": '{% extends "shell.html.j2" %}',
    "import": '{% import "page.html.j2" as p %}',
}
FAULTY = {
    "syntax": ("{% if %}", "has an error on line 1"),
    "unclosed": ("{% for m in measures %}", "has an error on line 1"),
    "undefined": ("{{ nothing_here }}", "uses something it does not receive"),
    "undefined-attribute": ("{{ plan.nothing }}", "uses something it does not receive"),
    "failing": ("{{ 1 / 0 }}", "failed: division by zero"),
    "unsafe": ("{{ plan.__class__.__mro__ }}", "failed"),
    "mutating": ("{{ measures.append(1) }}", "failed"),
    **{name: (source, "turns escaping off") for name, source in REFUSED.items()},
}


@pytest.mark.parametrize("name", sorted(FAULTY))
def test_a_faulty_template_is_one_line_and_exit_1(kplan: Kplan, tmp_path: Path, name: str) -> None:
    kplan("import", str(OREBRO))
    source, message = FAULTY[name]
    template = tmp_path / "bad.html.j2"
    template.write_text(source, encoding="utf-8")
    out = tmp_path / "page.html"
    result = kplan(
        "export", "--format", "html", "--template", str(template), "-o", str(out), expect=1
    )
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0] and str(template) in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_an_unusable_template_file_is_one_line_and_exit_1(kplan: Kplan, tmp_path: Path) -> None:
    kplan("import", str(OREBRO))
    binary = tmp_path / "latin1.html.j2"
    binary.write_bytes("<h1>{{ plan.title }} – Örebro</h1>".encode("latin-1", "replace"))
    cases = {
        tmp_path / "missing.html.j2": "does not exist",
        tmp_path: "Cannot read the template",
        binary: "is not UTF-8 text",
    }
    for path, message in cases.items():
        out = tmp_path / "page.html"
        result = kplan(
            "export", "--format", "html", "--template", str(path), "-o", str(out), expect=1
        )
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert message in result.stderr, result.stderr
        assert not out.exists()


def test_template_with_another_format_is_a_usage_error(kplan: Kplan, tmp_path: Path) -> None:
    kplan("import", str(OREBRO))
    template = tmp_path / "mine.html.j2"
    template.write_text("{{ plan.title }}", encoding="utf-8")
    result = kplan("export", "--format", "json", "--template", str(template), expect=2)
    assert "--template works with --format html only, not json" in result.stderr
