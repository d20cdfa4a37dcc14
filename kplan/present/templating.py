"""The one seam to Jinja2: kplan's page templates, and a region's own, rendered with autoescaping.

Jinja2 is imported inside :func:`render_page` only, so the commands that never
write a page do not pay for it (tests/test_entrypoint.py keeps that so).

Every template renders in an immutable sandbox with autoescaping on: a value
from a plan is escaped unless kplan built it as markup itself, and a template
cannot call into Python beyond reading what it is given. The page's head, with
its Content-Security-Policy, is kplan's own shell around the template's output,
so no template can remove or weaken it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render_page(
    body_template: str,
    *,
    context: Mapping[str, Any],
    sections: Mapping[str, str],
    head: Mapping[str, Any],
) -> str:
    """The whole page: ``body_template`` (a file in kplan's templates) inside kplan's shell.

    ``context`` holds values escaped as the template shows them; ``sections`` holds
    the page's parts as HTML that kplan built and escaped itself, passed through as
    they are (the template reads them as ``sections.<name>``). ``head``
    fills the shell: ``language``, ``title``, ``csp`` and ``style``.
    """
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from markupsafe import Markup

    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    values = {**context, "sections": {name: Markup(html) for name, html in sections.items()}}
    body = env.get_template(body_template).render(values)
    shell = env.get_template("shell.html.j2")
    return shell.render(
        language=head["language"],
        title=head["title"],
        csp=Markup(head["csp"]),
        style=Markup(head["style"]) if head.get("style") else "",
        body=Markup(body),
    )
