"""Emails for notifications: what one says (compose) and how it leaves (SMTP through smtplib).

No Flask and no database here: callers pass the facts, the settings and, for another language
than English, `say` (gettext in the recipient's locale).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from types import TracebackType
from typing import Any

from dispute_engine.words import N_

SUBJECT_LENGTH = 120
Say = Callable[..., str]


def in_english(msgid: str, **params: Any) -> str:
    """The sentence as written (what `say` is when nobody translates)."""
    return msgid % params if params else msgid


@dataclass(frozen=True)
class Email:
    """One email about one notification, as sent by SMTP or shown in the outbox."""

    to_name: str
    to_address: str
    subject: str
    body: str
    at: datetime

    @property
    def to(self) -> str:
        """The recipient as people read it: `Name <address>`."""
        return f"{self.to_name} <{self.to_address}>"


@dataclass(frozen=True)
class MailSettings:
    """How to reach the SMTP server (from MAIL_* settings)."""

    server: str
    port: int
    username: str
    password: str
    use_tls: bool
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings | None:
        """The settings, or None when MAIL_SERVER is not set (mail then stays in the outbox)."""
        if not config.get("MAIL_SERVER"):
            return None
        return cls(
            server=config["MAIL_SERVER"],
            port=int(config.get("MAIL_PORT") or 25),
            username=config.get("MAIL_USERNAME") or "",
            password=config.get("MAIL_PASSWORD") or "",
            use_tls=bool(config.get("MAIL_USE_TLS")),
            sender=config.get("MAIL_FROM") or "disputes@localhost",
            timeout=float(config.get("MAIL_TIMEOUT") or 10),
        )


def one_line(text: str, limit: int = SUBJECT_LENGTH) -> str:
    """`text` on one line (headers must not contain line breaks), cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def dispute_url(public_url: str, dispute_id: int) -> str:
    """The absolute address of a dispute page."""
    return f"{public_url.rstrip('/')}/disputes/{dispute_id}"


PARTY_FILES = {"buyer": N_("the buyer's"), "seller": N_("the seller's")}
KINDS = {"photo": N_("photo"), "video": N_("video"), "text": N_("message")}


def evidence_lines(data: Mapping[str, Any], say: Say = in_english) -> list[str]:
    """The evidence a decision was taken on, one line per file with its SHA-256 (an event's data)."""
    return [
        say(
            N_("- %(name)s (%(kind)s, %(whose)s), SHA-256 %(sha256)s"),
            name=e["name"],
            kind=say(KINDS[e["kind"]]) if e["kind"] in KINDS else e["kind"],
            whose=say(PARTY_FILES[e["party"]]) if e["party"] in PARTY_FILES else f"the {e['party']}'s",
            sha256=e["sha256"],
        )
        for e in data.get("decision_evidence") or []
        if isinstance(e, Mapping)
    ]


def compose(
    *,
    name: str,
    address: str,
    dispute_id: int | None,
    item_title: str,
    summary: str,
    at: datetime,
    public_url: str,
    details: list[str] | None = None,
    order_id: int | None = None,
    say: Say = in_english,
) -> Email:
    """The email telling `name` what happened in a dispute (and on which evidence), with a link to it;
    without a dispute, what happened to an order (O13), with a link to the orders page."""
    evidence = (
        say(N_("The decision was taken on this evidence:")) + "\n" + "\n".join(details) + "\n\n"
        if details
        else ""
    )
    if dispute_id is None:
        where = say(N_("Your order (%(item)s)"), item=item_title)
        link = f"{public_url.rstrip('/')}/orders#order-{order_id}"
        why = say(N_("You receive this email because you bought or sold this order."))
    else:
        where = say(N_("Dispute #%(number)s (%(item)s)"), number=dispute_id, item=item_title)
        link = dispute_url(public_url, dispute_id)
        why = say(N_("You receive this email because you take part in this dispute."))
    body = say(N_("Hello %(name)s,"), name=name) + f"\n\n{summary}\n\n{evidence}{where}:\n{link}\n\n{why}\n"
    subject = one_line(f"{where}: {summary}")
    return Email(to_name=name, to_address=address, subject=subject, body=body, at=at)


def to_message(email: Email, sender: str) -> EmailMessage:
    """The MIME message for `email`, plain text in UTF-8."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=one_line(email.to_name), addr_spec=email.to_address)
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.at)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].partition("@")[2] or "localhost")
    message.set_content(email.body)
    return message


class SmtpMailer:
    """One SMTP connection for a batch of emails, opened on the first send and closed on exit."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpMailer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
        try:
            if settings.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, email: Email) -> None:
        """Send one email; raises OSError or smtplib.SMTPException when it could not be handed over."""
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.send_message(to_message(email, self.settings.sender), to_addrs=[email.to_address])

    def close(self) -> None:
        """Say goodbye to the server (quietly if it is already gone)."""
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()
        self._smtp = None
