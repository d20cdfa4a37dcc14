"""``kplan remind``: each owner's digest as text, Markdown or an e-mail message, and as JSON.

:func:`kplan.core.year.reminders` decides who is reminded of what; this
module words it in the user's language. Every text from the plan (titles,
names, round names) goes into a sentence through ``t()``, which spells out
its control and invisible characters, so it stays on its line; in
Markdown it is escaped as well, and in an e-mail header it can add
nothing (``email.message.EmailMessage`` refuses line breaks, and the
address is built from its parts, never from pasted text).
"""

from __future__ import annotations

import datetime as dt
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from kplan.core.mail import parse_address
from kplan.core.year import Digest, ReminderItem, Reminders
from kplan.i18n import t
from kplan.present.text import md_text
from kplan.safetext import visible

FORMATS = ("text", "md", "eml")
EXTENSIONS = {"text": "txt", "md": "md", "eml": "eml"}
# The sender of an .eml file written without SMTP settings.
PLACEHOLDER_SENDER = Address(display_name="kplan", username="kplan", domain="localhost")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _moment(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def subject(reminders: Reminders, digest: Digest) -> str:
    """The message's subject: the plan and how many things are asked for."""
    return t("year.mail_subject", plan=reminders.plan.title, count=len(digest.items))


def _days_left(item: ReminderItem) -> str:
    if item.days is None or item.due is None:
        return t("year.remind_no_due")
    if item.days < 0:
        return t("year.remind_round_late", days=-item.days, due=item.due)
    return t("year.remind_days_left", days=item.days, due=item.due)


def _line(item: ReminderItem, text: Any) -> str:
    """One item of a digest; ``text`` shapes each text from the plan for the format."""
    title = text(item.title)
    if item.kind == "unreported":
        return t("year.remind_item", id=text(item.measure), title=title, detail=_days_left(item))
    if item.kind == "overdue":
        detail = t("year.remind_overdue_detail", days=item.days, due=item.due)
        return t("year.remind_item", id=text(item.measure), title=title, detail=detail)
    if item.kind == "quiet":
        if item.since is None:
            detail = t("year.remind_never_noted", days=item.days)
        else:
            detail = t("year.remind_last_note", at=item.since.date(), days=item.days)
        return t("year.remind_item", id=text(item.measure), title=title, detail=detail)
    if item.since is None:
        detail = t("year.remind_step_never", step=item.step, days=item.days)
    else:
        detail = t("year.remind_step_since", step=item.step, at=item.since.date(), days=item.days)
    return t(
        "year.remind_collab",
        id=text(item.collaboration or ""),
        name=text(item.collaboration_name or ""),
        measure=text(item.measure),
        detail=detail,
    )


def _heading(reminders: Reminders, kind: str) -> str:
    if kind == "unreported":
        return t("year.remind_head_unreported", round=reminders.round)
    if kind == "overdue":
        return t("year.remind_head_overdue")
    if kind == "quiet":
        return t("year.remind_head_quiet", days=reminders.quiet_days)
    return t("year.remind_head_stuck", days=reminders.stuck_days)


def _hint(kind: str) -> str | None:
    return {
        "unreported": t("year.remind_hint_unreported"),
        "quiet": t("year.remind_hint_quiet"),
        "stuck": t("year.remind_hint_stuck"),
    }.get(kind)


def body(reminders: Reminders, digest: Digest, fmt: str = "text") -> str:
    """The digest's text, plain (``text``, also the e-mail's body) or Markdown (``md``)."""
    markdown = fmt == "md"

    def text(value: str) -> str:
        return md_text(value) if markdown else value

    plan = reminders.plan
    lines: list[str] = []
    if markdown:
        lines += [f"# {subject(reminders, digest)}", ""]
    lines += [t("year.remind_hello", name=text(digest.name)), ""]
    lines += [
        t(
            "year.remind_intro",
            plan=text(plan.title),
            id=text(plan.id),
            day=reminders.made_at.date(),
        ),
        "",
    ]
    for kind in ("unreported", "overdue", "quiet", "stuck"):
        items = digest.of_kind(kind)
        if not items:
            continue
        heading = _heading(reminders, kind)
        lines.append(f"## {md_text(heading)}" if markdown else heading)
        if markdown:
            lines.append("")
        lines += [
            f"- {_line(item, text)}" if markdown else f"  - {_line(item, text)}" for item in items
        ]
        hint = _hint(kind)
        if hint:
            lines += ["", f"`{hint}`" if markdown else hint]
        lines.append("")
    lines.append(t("year.remind_signature"))
    return "\n".join(visible(line, limit=None) for line in lines) + "\n"


def recipient(digest: Digest) -> Address | None:
    """The owner's address for the To header, None when the plan gives no usable one."""
    if not digest.email:
        return None
    found = parse_address(digest.email)
    # A plan's e-mail is a bare address: "Name <x@y>" or two addresses is not one.
    if found is None or found.display_name or found.addr_spec != digest.email.strip():
        return None
    return Address(
        display_name=visible(digest.name, limit=200), username=found.username, domain=found.domain
    )


def email_message(
    reminders: Reminders, digest: Digest, sender: Address | str | None = None
) -> EmailMessage:
    """The digest as an e-mail: From, To (when the owner has an address), Subject, a text body."""
    message = EmailMessage()
    message["From"] = sender if sender is not None else PLACEHOLDER_SENDER
    to = recipient(digest)
    if to is not None:
        message["To"] = to
    message["Subject"] = subject(reminders, digest)
    message["Date"] = format_datetime(reminders.made_at.astimezone(dt.UTC))
    message["Message-ID"] = make_msgid(domain="kplan.invalid")
    # RFC 3834: written by a program, so auto-responders stay quiet.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body(reminders, digest, "text"), charset="utf-8")
    return message


def render(
    reminders: Reminders, digest: Digest, fmt: str, sender: Address | str | None = None
) -> str:
    """The digest in ``fmt`` (``text``, ``md`` or ``eml``) as one text."""
    if fmt == "eml":
        return email_message(reminders, digest, sender).as_string()
    return body(reminders, digest, fmt)


def file_name(digest: Digest, fmt: str) -> str:
    """The file an owner's digest goes to with ``-o DIR``: the owner's id when it is a safe name."""
    stem = digest.owner if _SAFE_NAME.fullmatch(digest.owner) else None
    if stem is None:
        # Not every id is a good file name everywhere ("/", "..", a leading dash).
        stem = "owner-" + "".join(f"{ord(c):x}" for c in digest.owner)[:60]
    return f"{stem}.{EXTENSIONS[fmt]}"


def _item_json(item: ReminderItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "measure": item.measure,
        "title": item.title,
        "collaboration": item.collaboration,
        "collaboration_name": item.collaboration_name,
        "step": item.step,
        "due": item.due.isoformat() if item.due else None,
        "days": item.days,
        "since": _moment(item.since),
    }


def reminders_json(
    reminders: Reminders,
    results: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """What ``kplan remind --json`` prints (docs/json.md#remind).

    ``results`` adds, per owner, what became of the message (``sent``,
    ``error``, ``file``).
    """
    messages = []
    for digest in reminders.digests:
        to = recipient(digest)
        entry: dict[str, Any] = {
            "owner": digest.owner,
            "name": digest.name,
            "email": digest.email,
            "email_ok": to is not None,
            "subject": subject(reminders, digest),
            "items": [_item_json(item) for item in digest.items],
            "sent": False,
            "error": None,
            "file": None,
        }
        entry.update((results or {}).get(digest.owner, {}))
        messages.append(entry)
    return {
        "plan": reminders.plan.id,
        "date": reminders.made_at.date().isoformat(),
        "round": reminders.round,
        "round_due": reminders.round_due.isoformat() if reminders.round_due else None,
        "quiet_days": reminders.quiet_days,
        "stuck_days": reminders.stuck_days,
        "messages": messages,
        "without_email": [d.owner for d in reminders.digests if recipient(d) is None],
    }
