"""The rounds: every follow-up round of the plan, and each owner's progress in one of them.

What ``kplan round list`` and ``round show`` read (``kplan.core.rounds``),
in two tables: the rounds, open and closed, and for the open round (or the
one under the cursor) each owner's reported measures out of hers. A
coordinator opens a round (``o``) and closes the open one (``c``) here.
"""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.widgets import DataTable, Footer, Header, Static
from textual.widgets.data_table import RowDoesNotExist

from kplan.errors import KplanError
from kplan.i18n import t
from kplan.present.glyphs import MARGIN
from kplan.present.rounds import deadline, moment, owner_progress, round_cells
from kplan.safetext import visible
from kplan.tui.dialogs.rounds import CloseRoundDialog, OpenRoundDialog
from kplan.tui.messages import PlanLoaded, RoundsChanged, RoundsRead
from kplan.tui.screens.base import KplanScreen
from kplan.tui.widgets.cells import plain

# From this width on, the list shows when each round opened and closed to the minute.
WIDE = 110


class RoundsScreen(KplanScreen[None]):
    """The plan's rounds, open and closed, with each owner's progress in the chosen one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "key.back"),
        Binding("o", "open_round", "tui_rounds.key_open"),
        Binding("c", "close_round", "tui_rounds.key_close"),
    ]

    AUTO_FOCUS = "#rounds"

    def __init__(self) -> None:
        super().__init__()
        self.listing: list[dict[str, Any]] | None = None
        self.detail: dict[str, Any] | None = None
        # The round whose owners are shown: the one chosen, else the open one, else the newest.
        self.chosen: str | None = None

    def compose(self) -> ComposeResult:
        """Header, the rounds, the chosen round in a line, its owners, footer."""
        yield Header(icon="▤")
        yield DataTable(id="rounds", cursor_type="row", zebra_stripes=True)
        yield Static(t("tui_rounds.loading"), id="round-note", markup=False)
        yield DataTable(id="round-owners", cursor_type="row", zebra_stripes=True)
        yield Static("", id="round-reports", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Read the rounds."""
        self.title = t("tui_rounds.title")
        self.load()

    def on_plan_loaded(self, _message: PlanLoaded) -> None:
        """A fresh plan (its owners may have changed): read the rounds again."""
        self.load()

    def on_resize(self, _event: Resize) -> None:
        """Days or times in the list follow the width."""
        if self.listing is not None:
            self.post_message(RoundsRead(self.listing, self.detail))

    def on_rounds_changed(self, _message: RoundsChanged) -> None:
        """A round opened, closed or was reported in, here or elsewhere: read them again."""
        self.load()

    @work(thread=True, exclusive=True, group="rounds")
    def load(self) -> None:
        """Read every round, and the chosen one's reports, off the event loop."""
        try:
            listing = self.workspace.rounds()
            names = [row["name"] for row in listing]
            name = self.chosen if self.chosen in names else None
            if name is None:
                name = next((row["name"] for row in listing if row["open"]), None)
            if name is None and names:
                name = names[-1]
            detail = None if name is None else self.workspace.round_detail(name)
        except KplanError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error")
            return
        self.post_message(RoundsRead(listing, detail))

    def on_rounds_read(self, message: RoundsRead) -> None:
        """Fill both tables, the cursor on the round shown."""
        self.listing = message.listing
        self.detail = message.detail
        self.chosen = None if message.detail is None else message.detail["name"]
        table = self.query_one("#rounds", DataTable)
        # Columns anew each time: a column only grows to fit while it lives.
        table.clear(columns=True)
        for key, label in (
            ("name", t("col.name")),
            ("opened", t("year.col_opened")),
            ("due", t("year.col_due")),
            ("closed", t("year.col_closed")),
            ("reported", t("col.reported")),
        ):
            table.add_column(label, key=key)
        for row in message.listing:
            # The list keeps to days on a narrow screen; the line below gives the times.
            shown = round_cells(row, times=self.size.width >= WIDE)
            cells: list[Any] = [plain(cell) for cell in shown]
            if row["overdue"]:
                cells[2] = plain(cells[2].plain, "bold red")
            table.add_row(*cells, key=row["name"])
        if self.chosen is not None:
            with contextlib.suppress(RowDoesNotExist):
                table.move_cursor(row=table.get_row_index(self.chosen))
        self._show_detail()

    def _show_detail(self) -> None:
        note = self.query_one("#round-note", Static)
        owners = self.query_one("#round-owners", DataTable)
        owners.clear(columns=True)
        for key, label in (
            ("owner", t("col.owner")),
            ("progress", t("tui_rounds.col_progress")),
            ("missing", t("tui_rounds.col_missing")),
        ):
            owners.add_column(label, key=key)
        listing = self.listing or []
        lines: list[Text] = []
        if not any(row["open"] for row in listing):
            lines.append(Text(t("tui_rounds.none_open" if listing else "tui_rounds.none")))
        detail = self.detail
        owners.display = detail is not None
        self.query_one("#round-reports").display = detail is not None
        if detail is None:
            note.update(Text("\n").join(lines))
            return
        lines.append(self._head(detail))
        lines.append(Text(t("tui_rounds.progress_head", name=visible(detail["name"]))))
        note.update(Text("\n").join(lines))
        plan = self.kplan.plan
        names = {} if plan is None else {o.id: o.name for o in plan.owners}
        for progress in owner_progress(
            detail,
            [] if plan is None else [o.id for o in plan.owners],
            [] if plan is None else [m.id for m in plan.measures],
        ):
            name = names.get(progress.owner)
            who = progress.owner if name is None else f"{progress.owner} ({name})"
            done = len(progress.reported)
            owners.add_row(
                plain(who),
                Text(
                    t("year.reported_of", reported=done, total=progress.total),
                    style="green" if done == progress.total else "",
                ),
                plain(", ".join(progress.not_reported) or "–"),
                key=progress.owner,
            )

    def _head(self, detail: dict[str, Any]) -> Text:
        """The round in a line: open or closed, reported of total, opened, due or overdue."""
        reported = t("year.reported_of", reported=detail["reported"], total=detail["total"])
        if detail["open"]:
            head = t("year.show_head_open", name=visible(detail["name"]), reported=reported)
        else:
            head = t(
                "year.show_head_closed",
                name=visible(detail["name"]),
                closed=moment(detail["closed_at"]),
                by=visible(detail["closed_by"]),
                reported=reported,
            )
        text = Text(head, style="bold")
        opened = t("year.show_opened", at=moment(detail["opened_at"]), by=detail["opened_by"])
        text.append(f"\n{visible(opened)}", style="not bold")
        when = deadline(detail)
        if when is not None:
            text.append(" · ")
            text.append(when, style="bold red" if detail["overdue"] else "")
        elif detail["due"]:
            text.append(f" · {t('year.show_due', due=detail['due'])}")
        return text

    @on(DataTable.RowHighlighted, "#round-owners")
    def _owner_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row == event.data_table.cursor_row and event.row_key.value is not None:
            self._show_reports(str(event.row_key.value))

    def _show_reports(self, owner: str) -> None:
        """The owner's reports in the round shown: which measure, by whom, when, the note."""
        reports = [
            r for r in (self.detail or {}).get("reports", []) if (r["owner"] or "–") == owner
        ]
        text = Text(t("tui_rounds.reports_of", owner=visible(owner)), style="bold")
        if not reports:
            text.append(f"\n{t('show.none')}", style="not bold")
        for report in reports:
            line = t(
                "year.show_report",
                measure=visible(report["measure"]),
                title=visible(report["title"] or "–"),
                by=visible(report["by"]),
                at=moment(report["at"]),
            )
            text.append(f"\n{line}", style="not bold")
            if report["note"]:
                # A note keeps to one line, its own newlines spelled out.
                text.append(f"\n{MARGIN}«{visible(report['note'])}»", style="italic not bold")
        self.query_one("#round-reports", Static).update(text)

    @on(DataTable.RowHighlighted, "#rounds")
    def _round_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Filling the table highlights rows on the way to the chosen one: only
        # where the cursor stands now counts.
        if event.cursor_row != event.data_table.cursor_row:
            return
        name = event.row_key.value
        if name is not None and name != self.chosen:
            self.chosen = str(name)
            self.load()

    def action_back(self) -> None:
        """Back to where the rounds were opened from."""
        self.app.pop_screen()

    def action_open_round(self) -> None:
        """Open a follow-up round: name and due date (a coordinator's work)."""
        self.app.push_screen(OpenRoundDialog(), self._after)

    def action_close_round(self) -> None:
        """Close the open round into a snapshot (a coordinator's work).

        With no round open the dialog still opens: the core's refusal says so in place.
        """
        current = next((row for row in self.listing or [] if row["open"]), None)
        self.app.push_screen(CloseRoundDialog(current), self._after)

    def _after(self, done: bool | None) -> None:
        if done:
            # The new or closed round is the one to show.
            self.chosen = None
            self.load()
