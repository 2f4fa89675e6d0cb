"""Email delivery: one multipart/alternative message per recipient per edition, through a ledger.

The ledger (digest.store.ledger: deliveries, delivered_items) makes `send` idempotent per item: a
recipient gets each item once; the first send of an edition always goes out (a quiet week
says so); a later send with nothing new sends nothing. Temporary failures (4xx, refused
connections, timeouts) are retried on the next send; permanent ones (5xx) are recorded and
reported. With email disabled or --dry-run, messages are written to out/outbox/ instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Protocol

import css_inline

from digest.config import Config, Recipient
from digest.edition import Edition, Entry
from digest.errors import DigestError
from digest.models import utc_now
from digest.records import Delivery
from digest.render import atomic_write, render_edition
from digest.urls import is_web_url
from digest.weeks import date_range

log = logging.getLogger("digest.mailer")
_INLINER = css_inline.CSSInliner(keep_style_tags=False, keep_at_rules=False, load_remote_stylesheets=False)


@dataclass
class Outcome:
    recipient: str
    status: str  # sent, written, nothing-new, retry, failed, skipped
    items: int = 0
    detail: str = ""

    def line(self) -> str:
        text = {
            "sent": f"sent {self.items} item(s)", "written": f"written to {self.detail} ({self.items} item(s))",
            "nothing-new": "nothing new since the last send; not sent",
            "retry": f"temporary failure ({self.detail}); will retry on the next send",
            "failed": f"permanent failure ({self.detail}); not retried",
            "skipped": f"not sent: {self.detail}",
        }[self.status]
        return f"{self.recipient}: {text}"


class Ledger(Protocol):
    """The delivery ledger: what each recipient was sent."""

    def delivery(self, week: str, recipient: str) -> Delivery | None: ...
    def delivered_items(self, recipient: str, item_ids: list[int]) -> set[int]: ...
    def record(self, week: str, recipient: str, status: str, message_id: str | None, item_count: int,
               error: str | None, item_ids: list[int]) -> None: ...


class DeliveryFailed(Exception):
    """An SMTP failure for one recipient: temporary or permanent."""

    def __init__(self, permanent: bool, detail: str):
        super().__init__(detail)
        self.permanent, self.detail = permanent, detail


def send_edition(config: Config, ledger: Ledger, edition: Edition, dry_run: bool = False) -> list[Outcome]:
    """Email (or write to the outbox) the edition for every recipient, per the ledger."""
    recipients = config.email.recipients
    if not recipients:
        return []
    to_outbox = dry_run or not config.email.enabled
    smtp = None if to_outbox else SmtpSession(config)
    try:
        outcomes = [_deliver(config, ledger, edition, recipient, smtp) for recipient in recipients]
    finally:
        if smtp:
            smtp.close()
    for outcome in outcomes:
        (log.warning if outcome.status in ("retry", "failed") else log.info)(outcome.line())
    return outcomes


def _deliver(config: Config, ledger: Ledger, edition: Edition, recipient: Recipient,
             smtp: SmtpSession | None) -> Outcome:
    address = recipient.address
    mine = for_recipient(edition, recipient)
    previous = ledger.delivery(edition.week, address)
    if smtp and previous and previous.status == "failed":
        return Outcome(address, "skipped", detail=f"an earlier attempt failed permanently ({previous.error})")
    entries = mine.all_entries()
    delivered = ledger.delivered_items(address, [e.id for e in entries])
    fresh = [e for e in entries if e.id not in delivered]
    already_sent = bool(previous and previous.sent_at)
    if already_sent and not fresh:
        return Outcome(address, "nothing-new")
    fresh_ids = {e.id for e in fresh}
    mine = mine.filtered(lambda entry: entry.id in fresh_ids)
    message = build_message(config, mine, address)
    if smtp is None:
        path = config.output_dir / "outbox" / f"{edition.week}-{_safe(address)}.eml"
        atomic_write(path, message.as_bytes())
        return Outcome(address, "written", len(fresh), str(path))
    try:
        smtp.send(message, address)
    except DeliveryFailed as failure:
        ledger.record(edition.week, address, "failed" if failure.permanent else "retry",
                      message["Message-ID"], len(fresh), failure.detail, item_ids=[])
        return Outcome(address, "failed" if failure.permanent else "retry", detail=failure.detail)
    ledger.record(edition.week, address, "sent", message["Message-ID"], len(fresh), None,
                  item_ids=[e.id for e in fresh])
    return Outcome(address, "sent", len(fresh))


# --- what each recipient gets ------------------------------------------------------------------


def _wanted(entry: Entry, recipient: Recipient) -> bool:
    if recipient.areas and entry.area not in recipient.areas:
        return False
    return not recipient.topics or any(t["id"] in recipient.topics for t in entry.topics)


def for_recipient(edition: Edition, recipient: Recipient) -> Edition:
    """The edition with only the items this recipient's area and topic filters let through."""
    return edition.filtered(lambda entry: _wanted(entry, recipient))


# --- the message -------------------------------------------------------------------------------


def build_message(config: Config, edition: Edition, address: str) -> EmailMessage:
    base = config.site.base_url
    mail_edition = dataclasses.replace(
        edition, email=True, page_base=f"{base}digests/", index_url=f"{base}index.html", feed_url=f"{base}feed.xml",
    )
    html, text = render_edition(config.site, mail_edition, email=True)
    html = _INLINER.inline(html)
    message = EmailMessage()
    message["From"] = config.email.from_
    message["To"] = address
    message["Date"] = format_datetime(utc_now())
    message["Message-ID"] = make_msgid(idstring=edition.week, domain=_domain(config.email.from_))
    message["Subject"] = _one_line(f"{config.site.title}: week {edition.week} ({date_range(edition.start, edition.end)})")
    if config.email.unsubscribe:
        target = config.email.unsubscribe
        if is_web_url(target):
            message["List-Unsubscribe"] = f"<{target}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        else:
            message["List-Unsubscribe"] = f"<mailto:{target.removeprefix('mailto:')}?subject=unsubscribe>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _one_line(value: str) -> str:
    """Header values never carry line breaks (no header injection)."""
    return " ".join(re.sub(r"[\r\n\x00-\x1f]", " ", value).split())


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") or "localhost"


def _safe(address: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]", "_", address)


# --- SMTP --------------------------------------------------------------------------------------


class SmtpSession:
    """One connection for a send run, opened lazily and reopened after a dropped connection."""

    def __init__(self, config: Config):
        self.config = config
        self.settings = config.email.smtp
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.security == "ssl":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                connection.starttls(context=context)
        if s.username:
            password = os.environ.get(s.password_env)
            if password is None:
                connection.close()
                raise DigestError(f"email.smtp.password_env: ${s.password_env} is not set (needed for {s.username})")
            connection.login(s.username, password)
        return connection

    def send(self, message: EmailMessage, address: str) -> None:
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_message(message, self.config.email.from_, [address])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise DeliveryFailed(code >= 500, f"{code} {_reply(reply)}") from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError, smtplib.SMTPAuthenticationError) as exc:
            self.close()
            raise DeliveryFailed(exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError),
                           f"{exc.smtp_code} {_reply(exc.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as exc:  # refused, dropped, timed out, TLS failure
            self.close()
            raise DeliveryFailed(False, f"{type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
            self.connection = None


def _reply(value: bytes | str) -> str:
    return (value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)).strip()
