"""``kplan export --format xlsx``: the plan as an Excel workbook (docs/export.md#xlsx).

Four sheets: ``measures`` (the CSV export's columns, one row per measure),
``collaborations``, ``indicators`` (a column per period) and ``log``. Cells
are typed: numbers are numbers, dates are dates, yes/no are booleans, and
every text is a text cell, never a formula, whatever it starts with. The
header row is bold and frozen. Column names are the same English
identifiers as in the CSV and JSON exports, whatever language kplan speaks.

openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kplan.domain import format_number, period_sort_key
from kplan.errors import KplanError, UsageError
from kplan.i18n import t
from kplan.model import Plan
from kplan.present.text import csv_header, measure_rows

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

SHEETS = ("measures", "collaborations", "indicators", "log")

# Characters an XML file (and so a workbook) cannot hold at all: the C0
# controls but tab, line feed and carriage return. Plan text may hold them;
# they are written spelled out (\x07), as kplan shows them on a terminal.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The log keeps a changed number as its text ("55", "12.5"); those are written as numbers.
_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?", re.ASCII)
# The workbook's "last modified" in its properties (docProps/core.xml).
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Excel's limit on a cell's text; kplan's texts are shorter, a joined list may not be.
_CELL_LIMIT = 32767
# Excel's limits on a worksheet.
MAX_COLUMNS = 16384
MAX_ROWS = 1_048_576


def _spelled(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else "\ufffd"


def _text(value: str) -> str:
    text = _UNWRITABLE.sub(_spelled, value) if _UNWRITABLE.search(value) else value
    return text[:_CELL_LIMIT]


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    """One typed cell: text stays text even when it starts with ``=``."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | float):
        cell.value = format_number(value)
    elif isinstance(value, dt.datetime):
        # Excel has no time zones: the moment in UTC, as the column's name says.
        cell.value = value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
        cell.number_format = MOMENT_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = _text(str(value))
        # openpyxl takes a text starting with "=" for a formula; this one is not.
        cell.data_type = "s"


def _sheet(
    sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: int = 14
) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # Excel's limits: a bigger sheet would be cut or refused when opened.
    if len(header) > MAX_COLUMNS or len(rows) + 1 > MAX_ROWS:
        raise KplanError(
            t(
                "sheets.too_big",
                sheet=sheet.title,
                columns=len(header),
                rows=len(rows) + 1,
                max_columns=MAX_COLUMNS,
                max_rows=MAX_ROWS,
            )
        )

    bold = Font(bold=True)
    for column, name in enumerate(header, start=1):
        _put(sheet, 1, column, name)
        sheet.cell(row=1, column=column).font = bold
        sheet.column_dimensions[get_column_letter(column)].width = max(widths, len(name) + 2)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _put(sheet, number, column, value)
    sheet.freeze_panes = "A2"


def _collaborations(plan: Plan) -> tuple[list[str], list[list[Any]]]:
    names = {org.id: org.name for org in plan.organisations}
    header = ["measure", "id", "name", "step", "step_label", "actors", "actor_names", "note"]
    rows = [
        [
            measure.id,
            collaboration.id,
            collaboration.name,
            collaboration.step,
            plan.ladder[collaboration.step - 1]
            if 1 <= collaboration.step <= len(plan.ladder)
            else None,
            ", ".join(collaboration.actors),
            ", ".join(names.get(actor, actor) for actor in collaboration.actors),
            collaboration.note,
        ]
        for measure in plan.measures
        for collaboration in measure.collaborations
    ]
    return header, rows


def _indicators(plan: Plan) -> tuple[list[str], list[list[Any]]]:
    """A row per indicator, and one per group its values are split by; a column per period."""
    indicators = [(measure, i) for measure in plan.measures for i in measure.indicators]
    found: set[str] = set()
    for _, indicator in indicators:
        found.update(indicator.values)
        for groups in indicator.groups.values():
            for series in groups.values():
                found.update(series)
    periods = sorted(found, key=period_sort_key)
    header = ["measure", "id", "name", "group", "unit", "direction", "baseline", "target"]
    rows: list[list[Any]] = []
    for measure, indicator in indicators:
        described = [indicator.unit, indicator.direction, indicator.baseline, indicator.target]
        rows.append(
            [measure.id, indicator.id, indicator.name, None, *described]
            + [indicator.values.get(period) for period in periods]
        )
        for perspective, groups in indicator.groups.items():
            for group, series in groups.items():
                rows.append(
                    [measure.id, indicator.id, indicator.name, f"{perspective}={group}", *described]
                    + [series.get(period) for period in periods]
                )
    return header + periods, rows


def _logged(value: Any) -> Any:
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        return float(value)
    return value


def _log(events: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    header = [
        "id",
        "at_utc",
        "actor",
        "measure",
        "collaboration",
        "indicator",
        "field",
        "old",
        "new",
        "note",
    ]
    rows = []
    for event in events:
        at = event.get("at")
        moment = dt.datetime.fromisoformat(at.replace("Z", "+00:00")) if isinstance(at, str) else at
        rows.append(
            [
                event.get("id"),
                moment,
                event.get("actor"),
                event.get("measure"),
                event.get("collaboration"),
                event.get("indicator"),
                event.get("field"),
                _logged(event.get("old")),
                _logged(event.get("new")),
                event.get("note"),
            ]
        )
    return header, rows


def export_xlsx(
    plan: Plan,
    *,
    events: Sequence[dict[str, Any]] | None = None,
    today: dt.date | None = None,
    generated_at: dt.datetime | None = None,
) -> bytes:
    """The plan as an .xlsx workbook (its bytes): measures, collaborations, indicators, log.

    ``events`` is the plan's log, newest first (an empty sheet when None);
    ``today`` is the day measures are judged overdue on.
    """
    try:
        from openpyxl import Workbook
    except ImportError:
        raise UsageError(t("sheets.no_openpyxl")) from None

    book = Workbook()
    measures = book.active
    assert measures is not None  # a new workbook has its first sheet
    measures.title = SHEETS[0]
    _sheet(measures, csv_header(plan), measure_rows(plan, today))
    _sheet(book.create_sheet(SHEETS[1]), *_collaborations(plan))
    _sheet(book.create_sheet(SHEETS[2]), *_indicators(plan))
    _sheet(book.create_sheet(SHEETS[3]), *_log(events or []))
    book.properties.title = _text(plan.title)
    book.properties.creator = "kplan"
    if generated_at is not None:
        moment = generated_at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
        book.properties.created = book.properties.modified = moment
    buffer = io.BytesIO()
    book.save(buffer)
    return _dated(buffer.getvalue(), generated_at)


def _dated(content: bytes, moment: dt.datetime | None) -> bytes:
    """The workbook with every part dated ``moment``: the same plan at the same
    moment gives the same bytes (a zip archive otherwise dates its parts by the clock)."""
    if moment is None:
        return content
    stamp = max(moment.astimezone(dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    date_time = stamp.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            part = zipfile.ZipInfo(info.filename, date_time=date_time)
            part.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the saving moment in; the export's moment it is.
                shown = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = _MODIFIED.sub(rb"\g<1>" + shown + rb"\g<2>", data)
            archive.writestr(part, data)
    return buffer.getvalue()
