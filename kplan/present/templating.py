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

import contextlib
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kplan.errors import InvalidValueError
from kplan.i18n import t

TEMPLATES = Path(__file__).resolve().parent / "templates"

# kplan's templates of the page's parts are written over many lines to be read,
# but the page keeps its parts on one line: a line break and the indentation
# after it are removed from these templates before they are compiled.
JOINED_TEMPLATES = frozenset({"sections.html.j2"})
_LINE_BREAK = re.compile(r"\n[ \t]*")


@dataclass(frozen=True)
class PageTemplate:
    """A region's own template for the HTML page: where it came from, and its text."""

    path: str
    source: str


def read_template(path: Path) -> PageTemplate:
    """The template file at ``path``, or one clear error (missing, unreadable, not UTF-8)."""
    shown = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidValueError(t("template.not_found", path=shown)) from None
    except OSError as error:
        detail = error.strerror or type(error).__name__
        raise InvalidValueError(t("template.unreadable", path=shown, detail=detail)) from None
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidValueError(t("template.not_utf8", path=shown, position=error.start)) from None
    return PageTemplate(shown, source)


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
    env = _environment()
    values = {**context, "sections": _markup(sections)}
    body = env.get_template(body_template).render(values)
    return _shell(env, body, head)


def render_custom_page(
    template: PageTemplate,
    *,
    context: Mapping[str, Any],
    markup: Mapping[str, str],
    sections: Mapping[str, str],
    head: Mapping[str, Any],
) -> str:
    """The whole page with a region's own ``template`` as its body, inside kplan's shell.

    ``markup`` holds top-level values that are HTML kplan wrote (the stylesheet).
    The template cannot turn escaping off: ``|safe``, ``{% autoescape %}`` and
    loading other templates are refused before it runs. Any fault in it (syntax,
    an undefined name, a failing expression) is one :class:`InvalidValueError`.
    """
    from jinja2 import TemplateSyntaxError, UndefinedError, nodes
    from jinja2.exceptions import SecurityError
    from markupsafe import Markup

    env = _environment()
    del env.filters["safe"]
    path = template.path
    try:
        tree = env.parse(template.source)
    except TemplateSyntaxError as error:
        raise InvalidValueError(
            t("template.syntax", path=path, line=error.lineno, detail=error.message or "")
        ) from None
    refused = (
        nodes.EvalContextModifier,
        nodes.Include,
        nodes.Extends,
        nodes.Import,
        nodes.FromImport,
    )
    for node in tree.find_all(refused):
        raise InvalidValueError(t("template.refused", path=path, line=node.lineno))
    for node in tree.find_all(nodes.Filter):
        if node.name == "safe":
            raise InvalidValueError(t("template.refused", path=path, line=node.lineno))
    values = {
        **context,
        **{name: Markup(html) for name, html in markup.items()},
        "sections": _markup(sections),
    }
    try:
        body = env.from_string(template.source).render(values)
    except UndefinedError as error:
        raise InvalidValueError(
            t(
                "template.undefined",
                path=path,
                detail=error.message or "",
                valid=", ".join(sorted(values)),
            )
        ) from None
    except TemplateSyntaxError as error:
        raise InvalidValueError(
            t("template.syntax", path=path, line=error.lineno, detail=error.message or "")
        ) from None
    except SecurityError as error:
        raise InvalidValueError(t("template.failed", path=path, detail=str(error))) from None
    except Exception as error:
        # The template is code a region wrote; whatever it does wrong is its fault,
        # reported on one line, never kplan's internal error.
        detail = str(error) or type(error).__name__
        raise InvalidValueError(t("template.failed", path=path, detail=detail)) from None
    return _shell(env, body, head)


def render_sections(
    template: str,
    parts: Mapping[str, Mapping[str, Any]],
    *,
    t: Callable[..., str],
) -> dict[str, str]:
    """Each of the page's parts as HTML: the macro of that name in kplan's ``template``.

    ``parts`` maps a macro's name to its values (plain strings, numbers, lists,
    tuples and dicts); an empty mapping is a part with nothing to show, written
    as nothing. ``t`` reads a word from the catalogue in the page's language.
    The template is compiled once per process.
    """
    module = _own_environment().get_template(template).module
    return {
        # Markup is a str: kept as it is, so the page's megabytes are not copied again.
        name: getattr(module, name)(t=t, **values) if values else ""
        for name, values in parts.items()
    }


@functools.cache
def _own_environment() -> Any:
    """Autoescaping for kplan's own templates of the page's parts (no sandbox: kplan wrote them).

    Autoescaping escapes each value as always; text is escaped by the standard
    library's ``html.escape``, the spelling kplan's pages have always had
    (``&quot;`` and ``&#x27;`` where Jinja2 writes ``&#34;`` and ``&#39;``), so
    the same plan gives the same bytes. It is also the quicker of the two on the
    hundred thousand values of a page of 500 measures. Anything that is not a
    plain ``str`` (a number, markup a macro wrote) takes Jinja2's own escaping.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from jinja2.compiler import CodeGenerator, Frame
    from jinja2.ext import Extension
    from markupsafe import escape as escape_markup

    # A page says the same words many times over (statuses, levels, class
    # names, numbers as text): each is escaped once.
    escaped: dict[str, str] = {}

    def escape(value: Any) -> Any:
        if value.__class__ is str:
            done = escaped.get(value)
            if done is None:
                # html.escape(value) spelt out: one call less on each of the page's values.
                done = (
                    value.replace("&", "&amp;")
                    .replace("<", "&lt;")
                    .replace(">", "&gt;")
                    .replace('"', "&quot;")
                    .replace("'", "&#x27;")
                )
                if len(value) <= 64 and len(escaped) < 65536:
                    escaped[value] = done
            return done
        return escape_markup(value)

    class Generator(CodeGenerator):
        def _output_child_pre(self, node: Any, frame: Frame, finalize: Any) -> None:
            if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
                self.write("environment.kplan_escape(")
                if finalize.src is not None:
                    self.write(finalize.src)
                return
            super()._output_child_pre(node, frame, finalize)

    class Joined(Extension):
        def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
            return _LINE_BREAK.sub("", source) if name in JOINED_TEMPLATES else source

    class Own(Environment):
        code_generator_class = Generator
        kplan_escape = staticmethod(escape)

    return Own(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=[Joined],
        bytecode_cache=_bytecode_cache("own"),
    )


@functools.cache
def _bytecode_cache(kind: str) -> Any:
    """Jinja2's cache of compiled templates, in its private per-user folder; None without one.

    Compiling the page's templates takes longer than writing the page of 500
    measures, so each run after the first reuses the compiled code. Jinja2
    recompiles when a template's text changes; the salt makes it recompile
    when the way kplan prepares the text changes too.
    """
    from jinja2 import FileSystemBytecodeCache

    # Each environment compiles differently (kplan's own escapes its own way), so
    # each keeps its own entries.
    salt = f"kplan-templates:{kind}:2:{_LINE_BREAK.pattern}\n"

    class Cache(FileSystemBytecodeCache):
        def get_source_checksum(self, source: str) -> str:
            checksum: str = super().get_source_checksum(salt + source)
            return checksum

        def dump_bytecode(self, bucket: Any) -> None:
            # A cache that cannot be written makes the page slower, not wrong.
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        return Cache(pattern="kplan-%s.cache")
    except (OSError, RuntimeError):
        return None


def _markup(sections: Mapping[str, str]) -> dict[str, Any]:
    """The page's parts as markup; a part already written as markup is not copied."""
    from markupsafe import Markup

    return {
        name: html if isinstance(html, Markup) else Markup(html) for name, html in sections.items()
    }


def _environment() -> Any:
    """A sandbox with autoescaping that loads kplan's own templates."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache("sandbox"),
    )


def _shell(env: Any, body: str, head: Mapping[str, Any]) -> str:
    """``body`` inside kplan's head: the charset, the Content-Security-Policy and the title."""
    from markupsafe import Markup

    shell = env.get_template("shell.html.j2")
    page: str = shell.render(
        language=head["language"],
        title=head["title"],
        csp=Markup(head["csp"]),
        style=Markup(head["style"]) if head.get("style") else "",
        body=Markup(body),
    )
    return page
