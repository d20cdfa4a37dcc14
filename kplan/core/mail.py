"""Sending ``kplan remind``'s messages over SMTP: the settings, and the sending.

The settings come from a TOML file (``--smtp-config FILE`` or
``KPLAN_SMTP_CONFIG``, a table ``[smtp]``) and from ``KPLAN_SMTP_*``
environment variables, which win over the file (docs/cli.md, kplan remind).
The password is read only from ``KPLAN_SMTP_PASSWORD`` or from a file
(``password_file`` or ``KPLAN_SMTP_PASSWORD_FILE``), never from the command
line or the settings file itself, and it is never part of a message, a
``repr`` or the log.

Messages are built by :mod:`kplan.present.reminders` as
``email.message.EmailMessage``; this module only delivers them, over one
connection, and says per message whether the server took it.
"""

from __future__ import annotations

import base64
import os
import smtplib
import ssl
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from kplan.errors import InvalidValueError, KplanError, UsageError
from kplan.i18n import t

TLS_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
# The keys a settings file's [smtp] table may hold (the password is not one of them).
SETTINGS_KEYS = ("host", "port", "sender", "user", "tls", "password_file", "timeout")
ENVIRONMENT = {
    "host": "KPLAN_SMTP_HOST",
    "port": "KPLAN_SMTP_PORT",
    "sender": "KPLAN_SMTP_SENDER",
    "user": "KPLAN_SMTP_USER",
    "tls": "KPLAN_SMTP_TLS",
    "password_file": "KPLAN_SMTP_PASSWORD_FILE",
    "timeout": "KPLAN_SMTP_TIMEOUT",
}
CONFIG_VARIABLE = "KPLAN_SMTP_CONFIG"
PASSWORD_VARIABLE = "KPLAN_SMTP_PASSWORD"
# A settings or password file is a few lines; anything bigger is not one.
MAX_SETTINGS_BYTES = 64 * 1024


class MailError(KplanError):
    """The messages cannot be sent: no connection, refused login, a broken TLS handshake."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: server, port, sender, login and TLS; the password stays hidden."""

    host: str
    port: int
    sender: str
    tls: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0


def _read_small(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
    except OSError as exc:
        raise InvalidValueError(
            t("year.smtp_unreadable", what=what, path=path, detail=exc.strerror or str(exc))
        ) from None
    if len(data) > MAX_SETTINGS_BYTES:
        raise InvalidValueError(t("year.smtp_too_big", what=what, path=path))
    return data


def _from_file(path: Path) -> dict[str, Any]:
    data = _read_small(path, "settings")
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidValueError(t("year.smtp_bad_file", path=path, detail=str(exc))) from None
    table = document.get("smtp")
    if not isinstance(table, dict):
        raise InvalidValueError(t("year.smtp_no_table", path=path))
    if "password" in table:
        raise InvalidValueError(t("year.smtp_password_in_file", path=path))
    unknown = sorted(set(table) - set(SETTINGS_KEYS))
    if unknown:
        raise InvalidValueError(
            t(
                "year.smtp_unknown_keys",
                path=path,
                keys=", ".join(unknown),
                valid=", ".join(SETTINGS_KEYS),
            )
        )
    return dict(table)


def _text(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise UsageError(t("year.smtp_bad_value", key=key, source=source))
    return value.strip()


def _number(value: Any, key: str, source: str, low: float, high: float) -> float:
    try:
        number = float(value) if not isinstance(value, bool) else float("nan")
    except (TypeError, ValueError):
        number = float("nan")
    if not low <= number <= high:
        raise UsageError(t("year.smtp_bad_number", key=key, source=source, low=low, high=high))
    return number


def check_sender(sender: str, source: str = "sender") -> str:
    """The sender's address as a From header can hold it, or a UsageError."""
    try:
        address = parse_address(sender)
    except ValueError:
        address = None
    if address is None:
        raise UsageError(t("year.smtp_bad_sender", value=sender, source=source))
    return sender


def parse_address(text: str) -> Address | None:
    """``Name <user@host>`` or ``user@host`` as one address, None when it is not exactly one."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return None
    try:
        header = HeaderRegistry()("to", text)
    except (ValueError, IndexError, TypeError, HeaderParseError):
        return None
    addresses: tuple[Address, ...] = tuple(getattr(header, "addresses", ()))
    if len(addresses) != 1 or header.defects:
        return None
    found = addresses[0]
    if not found.username or not found.domain:
        return None
    return found


def smtp_settings(
    config: Path | None = None, environ: Mapping[str, str] | None = None
) -> SmtpSettings:
    """The SMTP settings from the settings file and the environment, checked.

    ``config`` (else ``KPLAN_SMTP_CONFIG``) names the settings file; each
    ``KPLAN_SMTP_*`` variable that is set wins over the file's key.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    path = (
        config
        if config is not None
        else (Path(env[CONFIG_VARIABLE]) if env.get(CONFIG_VARIABLE) else None)
    )
    if path is not None:
        for key, value in _from_file(path).items():
            values[key] = value
            sources[key] = f"{path}: {key}"
    for key, variable in ENVIRONMENT.items():
        if env.get(variable):
            values[key] = env[variable]
            sources[key] = variable
    missing = [ENVIRONMENT[key] for key in ("host", "sender") if key not in values]
    if missing:
        raise UsageError(t("year.smtp_missing", missing=", ".join(missing)))
    host = _text(values["host"], "host", sources["host"])
    sender = check_sender(_text(values["sender"], "sender", sources["sender"]), sources["sender"])
    tls = str(values.get("tls", "starttls")).strip().lower()
    if tls not in TLS_MODES:
        raise UsageError(
            t(
                "year.smtp_bad_tls",
                value=tls,
                source=sources.get("tls", "tls"),
                valid=", ".join(TLS_MODES),
            )
        )
    port = DEFAULT_PORTS[tls]
    if "port" in values:
        port = int(_number(values["port"], "port", sources["port"], 1, 65535))
        if float(values["port"]) != port:
            raise UsageError(
                t("year.smtp_bad_number", key="port", source=sources["port"], low=1, high=65535)
            )
    timeout = 30.0
    if "timeout" in values:
        timeout = _number(values["timeout"], "timeout", sources["timeout"], 1, 600)
    user = _text(values["user"], "user", sources["user"]) if "user" in values else None
    password = env.get(PASSWORD_VARIABLE) or None
    if password is None and "password_file" in values:
        secret = Path(_text(values["password_file"], "password_file", sources["password_file"]))
        try:
            password = _read_small(secret, "password").decode("utf-8").strip("\r\n")
        except UnicodeDecodeError:
            raise InvalidValueError(t("year.smtp_password_not_text", path=secret)) from None
    if user is not None and not password:
        raise UsageError(t("year.smtp_no_password", variable=PASSWORD_VARIABLE))
    return SmtpSettings(
        host=host, port=port, sender=sender, tls=tls, user=user, password=password, timeout=timeout
    )


@dataclass(frozen=True)
class Delivery:
    """What became of one message: taken by the server, or refused and why."""

    key: str
    recipient: str
    sent: bool
    error: str | None = None


def _reason(exc: BaseException) -> str:
    """What went wrong, in the server's or the system's words (never the password)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error
        text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = [
            f"{code} {reply.decode('utf-8', 'replace')}" for code, reply in exc.recipients.values()
        ]
        return "; ".join(refused) or exc.__class__.__name__
    return str(exc) or exc.__class__.__name__


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """Log in: AUTH PLAIN with UTF-8 credentials (RFC 4616) where the server offers it.

    smtplib's own login encodes the credentials as ASCII (it fails on
    "lösenord") and, refused one way, tries the next; a refused PLAIN login
    is refused, and said so.
    """
    client.ehlo_or_helo_if_needed()
    if not client.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    offered = client.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" not in offered:
        client.login(user, password)
        return
    token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8"))
    code, reply = client.docmd("AUTH", "PLAIN " + token.decode("ascii"))
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.tls == "ssl":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        client.ehlo()
        if settings.tls == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if settings.user is not None:
            _login(client, settings.user, settings.password or "")
    except BaseException:
        client.close()
        raise
    return client


def send_all(
    settings: SmtpSettings, messages: Sequence[tuple[str, EmailMessage]]
) -> list[Delivery]:
    """Send each (key, message) over one connection; a Delivery per message, in order.

    A message the server refuses does not stop the others. A connection,
    TLS or login that fails before anything is sent raises MailError.
    """
    where = f"{settings.host}:{settings.port}"
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        # ValueError: a host name IDNA cannot encode, a label too long.
        raise MailError(t("year.smtp_cannot_connect", where=where, reason=_reason(exc))) from None
    results: list[Delivery] = []
    try:
        for key, message in messages:
            recipient = str(message["To"])
            try:
                client.send_message(message)
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                results.append(Delivery(key, recipient, False, _reason(exc)))
                # SMTPException is an OSError too: only a lost connection ends the run.
                lost = isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
                if lost or isinstance(exc, smtplib.SMTPServerDisconnected):
                    # The connection is gone: the rest cannot be sent on it.
                    rest = messages[len(results) :]
                    results += [Delivery(k, str(m["To"]), False, _reason(exc)) for k, m in rest]
                    break
            else:
                results.append(Delivery(key, recipient, True))
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
    return results
