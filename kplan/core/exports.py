"""``kplan export``: the current state or a snapshot, in any of the export formats."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kplan.domain import closest
from kplan.errors import InvalidValueError
from kplan.i18n import t

if TYPE_CHECKING:
    from kplan.present.templating import PageTemplate
    from kplan.store.engine import Store

FORMATS = ("toml", "json", "csv", "md", "html")


def check_format(value: str) -> str:
    """The export format, or an error naming the valid ones."""
    token = value.strip().lower()
    aliases = {"markdown": "md", "htm": "html"}
    token = aliases.get(token, token)
    if token not in FORMATS:
        suggestion = closest(value, FORMATS)
        hint = t("common.did_you_mean", suggestion=suggestion) if suggestion else ""
        raise InvalidValueError(
            t("export.unknown_format", value=value, valid=", ".join(FORMATS)) + hint
        )
    return token


def export(
    store: Store,
    fmt: str,
    *,
    plan: str | None = None,
    snapshot: str | None = None,
    with_log: bool = False,
    generated_at: dt.datetime | None = None,
    template: PageTemplate | None = None,
) -> str:
    """The plan (or one of its snapshots) as text in ``fmt``.

    ``template`` is a region's own page template, for ``html`` only.
    """
    from kplan.core import snapshots
    from kplan.core.actor import now
    from kplan.core.queries import load, log

    fmt = check_format(fmt)
    moment = generated_at or now()
    taken_at: dt.datetime | None = None
    if snapshot is not None:
        state, taken_at = snapshots.load(store, snapshot, plan)
    else:
        state = load(store, plan)
    if fmt == "toml":
        from kplan.core.planfile import plan_to_toml

        return plan_to_toml(state)
    from kplan.present.text import Snapshot

    history = [Snapshot(name, taken, old) for name, taken, old in snapshots.history(store, plan)]
    if snapshot is not None:
        # A snapshot's report looks back from where the snapshot stood.
        cut = next(i for i, s in enumerate(history) if s.name == snapshot)
        history = history[:cut]
    if fmt == "json":
        from kplan.present.text import export_json

        events = log(store, plan=state.id, limit=0) if with_log else None
        if events is not None and taken_at is not None:
            # A snapshot's log ends where the snapshot was taken.
            stamp = taken_at.isoformat().replace("+00:00", "Z")
            events = [event for event in events if str(event["at"]) <= stamp]
        return export_json(state, generated_at=moment, snapshot=snapshot, events=events)
    if fmt == "csv":
        from kplan.present.text import export_csv

        return export_csv(state)
    if fmt == "md":
        from kplan.present.text import export_markdown

        previous = history[-1] if history else None
        return export_markdown(state, generated_at=moment, snapshot=snapshot, previous=previous)
    from kplan.present.html import export_html

    return export_html(
        state, generated_at=moment, history=history, snapshot=snapshot, template=template
    )
