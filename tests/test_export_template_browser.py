"""A region's own page template in real Chromium: kplan's policy and escaping still hold.

The template itself tries to load an image and a stylesheet from the network and
to loosen the policy with a meta tag of its own; the plan's text tries to run
scripts. Chromium must build no element from plan text, run nothing and request
nothing. Skipped without Chromium unless KPLAN_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from kplan.core.planfile import read_plan_file
from kplan.present.html import export_html
from kplan.present.templating import PageTemplate
from tests.conftest import OREBRO
from tests.test_export_html import GENERATED_AT
from tests.test_export_html_browser import chromium, elements, page_requests, run_chromium

__all__ = ["chromium"]

HOSTILE = (
    "<script>document.title='pwned'</script>",
    '"><img src=http://kplan-test.invalid/attr.png onerror=document.title=1>',
    "javascript:document.title='link'",
    "</style><script>document.title='style'</script>",
)

TEMPLATE = """<meta http-equiv="Content-Security-Policy" content="default-src *; script-src *">
<style>{{ style }}</style>
<style>body { background: url(http://kplan-test.invalid/background.png); }</style>
<img src="http://kplan-test.invalid/pixel.png" alt="">
<h1 title="{{ plan.description }}">{{ plan.title }}</h1>
<p><a href="{{ plan.organisation }}">{{ plan.organisation }}</a></p>
<ul>{% for m in measures %}<li data-id="{{ m.id }}">{{ m.status_glyph }} {{ m.title }}</li>
{% endfor %}</ul>
{{ sections.measures }}
{{ sections.footer }}
"""


def test_a_custom_template_runs_nothing_and_loads_nothing(chromium: str, tmp_path: Path) -> None:
    plan = copy.deepcopy(read_plan_file(OREBRO))
    plan.title = HOSTILE[0]
    plan.description = HOSTILE[3]
    plan.organisation = HOSTILE[2]
    for index, measure in enumerate(plan.measures):
        measure.title = HOSTILE[index % len(HOSTILE)]
    source = export_html(
        plan,
        generated_at=GENERATED_AT,
        history=[],
        language="en",
        template=PageTemplate("region.html.j2", TEMPLATE),
    )
    page = tmp_path / "plan.html"
    page.write_text(source, "utf-8")
    dom, log = run_chromium(chromium, tmp_path, "dom", "--dump-dom", page.as_uri())
    for url in page_requests(log):
        assert url.startswith(("file:", "data:")), f"the page requested {url}"
    assert "<script" not in dom.lower()
    title = re.search(r"<title>(.*?)</title>", dom, flags=re.S)
    assert title is not None
    assert title.group(1) == f"{HOSTILE[0]} – follow-up".replace("<", "&lt;").replace(">", "&gt;")
    # The browser built exactly the elements the page has: none came from text.
    assert elements(dom).tags == elements(source).tags
    text = " ".join(elements(dom).text)
    for hostile in HOSTILE:
        assert hostile in text
