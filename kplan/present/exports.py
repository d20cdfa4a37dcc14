"""``kplan export``: the export formats, and the text of each.

:func:`kplan.core.exports.gather` reads what an export is made from; this
module says which formats there are, what each needs read, and writes it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from kplan.core.conflicts import base_comment
from kplan.core.planfile import plan_to_toml
from kplan.errors import InvalidValueError, UsageError, closest
from kplan.i18n import t
from kplan.present.html import compare_html, export_html
from kplan.present.text import (
    Snapshot,
    compare_markdown,
    export_csv,
    export_json,
    export_markdown,
)
from kplan.present.workbook import export_xlsx

if TYPE_CHECKING:
    from kplan.core.exports import ExportSource
    from kplan.present.templating import PageTemplate

FORMATS = ("toml", "json", "csv", "md", "html", "xlsx")
# Formats whose file is bytes, not text: kplan.present.workbook writes them.
BINARY = frozenset({"xlsx"})

# The reports compare the plan with the snapshots before it; the others do not
# need them read.
LOOKS_BACK = frozenset({"md", "html"})
# The HTML page draws only how each measure's state moved (status, progress,
# Fyra P); the Markdown report names every change, so it reads them whole.
STATES_ONLY = frozenset({"html"})
# Only JSON can carry the event log (``--with-log``).
CARRIES_LOG = frozenset({"json"})
# The plan file is the whole plan, for editing and import: every other format
# is written for readers and can be made public (``--public``).
PUBLISHABLE = frozenset(FORMATS) - {"toml"}


def public_choice(fmt: str, public: bool | None) -> bool | None:
    """Whether an export in ``fmt`` is public: ``public`` as given, None for the plan's setting.

    A plan file is never public (it would import as a plan without its people):
    asking for one is a usage error, and a public plan's default does not apply.
    """
    if fmt in PUBLISHABLE:
        return public
    if public:
        raise UsageError(t("public.plan_file", valid=", ".join(sorted(PUBLISHABLE))))
    return False


# The workbook has its log sheet (unless the export is public).
ALWAYS_LOG = frozenset({"xlsx"})


def check_format(value: str) -> str:
    """The export format, or an error naming the valid ones."""
    token = value.strip().lower()
    aliases = {"markdown": "md", "htm": "html", "excel": "xlsx"}
    token = aliases.get(token, token)
    if token not in FORMATS:
        suggestion = closest(value, FORMATS)
        hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
        raise InvalidValueError(
            t("export.unknown_format", value=value, valid=", ".join(FORMATS)) + hint
        )
    return token


def _day(source: ExportSource) -> dt.date:
    # Overdue as of the moment the export shows: a snapshot's when it was taken.
    return (source.taken_at or source.moment).astimezone(dt.UTC).date()


def workbook(source: ExportSource) -> bytes:
    """The plan (or one of its snapshots) gathered in ``source`` as an .xlsx workbook."""
    return export_xlsx(
        source.plan, events=source.events, today=_day(source), generated_at=source.moment
    )


def export(
    source: ExportSource,
    fmt: str,
    *,
    template: PageTemplate | None = None,
    excel: bool = False,
) -> str:
    """The plan (or one of its snapshots) gathered in ``source``, as text in ``fmt``.

    ``template`` is a region's own page template, for ``html`` only;
    ``excel`` picks the CSV dialect of a Swedish Excel (semicolons, decimal
    commas). A binary format (``xlsx``) is :func:`workbook`'s.
    """
    fmt = check_format(fmt)
    if source.public:
        # Never a public plan file, whoever gathered the source.
        public_choice(fmt, True)
    if fmt in BINARY:
        # A programming error, not a person's: the command line asks workbook() for these.
        raise ValueError(f"{fmt} is a binary format; use workbook()")
    state = source.plan
    day = _day(source)
    if fmt == "toml":
        # The moment the file shows the plan at: an import of it takes it as
        # its base, so it cannot undo follow-up work done after it unasked.
        # The export's moment is taken before the plan is read, so every
        # change the file misses is at it or later.
        moment = source.taken_at or source.moment
        # After the version line, which stays the file's first.
        version, _, rest = plan_to_toml(state).partition("\n")
        return f"{version}\n{base_comment(moment)}\n{rest}"
    if fmt == "json":
        return export_json(
            state,
            generated_at=source.moment,
            snapshot=source.snapshot,
            events=source.events,
            today=day,
            public=source.public,
        )
    if fmt == "csv":
        return export_csv(state, today=day, excel=excel)
    history = [Snapshot(name, taken, old) for name, taken, old in source.history]
    if fmt == "md":
        previous = history[-1] if history else None
        return export_markdown(
            state,
            generated_at=source.moment,
            snapshot=source.snapshot,
            previous=previous,
            today=day,
            trend=source.trend,
        )
    return export_html(
        state,
        generated_at=source.moment,
        history=history,
        snapshot=source.snapshot,
        template=template,
        today=day,
        trend=source.trend,
    )


COMPARE_FORMATS = ("text", "json", "md", "html")


def check_compare_format(value: str) -> str:
    """The format of ``kplan compare``'s output, or an error naming the valid ones (exit 2)."""
    token = value.strip().lower()
    token = {"markdown": "md", "htm": "html", "txt": "text"}.get(token, token)
    if token not in COMPARE_FORMATS:
        suggestion = closest(value, COMPARE_FORMATS)
        hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
        raise UsageError(
            t("compare.unknown_format", value=value, valid=", ".join(COMPARE_FORMATS)) + hint
        )
    return token


def compare_text(result: dict[str, Any], fmt: str, *, generated_at: dt.datetime) -> str:
    """``kplan compare``'s result as a document in ``fmt`` (json, md or html)."""
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return compare_markdown(result, generated_at=generated_at)
    return compare_html(result, generated_at=generated_at)
