"""What a recipient is sent: their copy of an edition or of a daily digest (their areas and
topics), as one multipart/alternative message, or one message for several weeks that had nothing
for them."""

from __future__ import annotations

import dataclasses
import re
from email.charset import QP, Charset
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from digest.config import Config, Recipient
from digest.edition import Edition, Entry
from digest.models import utc_now
from digest.weeks import date_range, long_day


def _wanted(entry: Entry, recipient: Recipient) -> bool:
    if recipient.areas and entry.area not in recipient.areas:
        return False
    return not recipient.topics or any(t["id"] in recipient.topics for t in entry.topics)


def for_recipient(edition: Edition, recipient: Recipient) -> Edition:
    """The edition with only the items this recipient's area and topic filters let through, its
    trend counting only those areas' and topics' stories too."""
    mine = edition.filtered(lambda entry: _wanted(entry, recipient))
    if edition.trend is None or not (recipient.areas or recipient.topics):
        return mine
    return dataclasses.replace(mine, trend=edition.trend.narrowed(recipient.areas, recipient.topics,
                                                                  _scope(edition, recipient)))


def _scope(edition: Edition, recipient: Recipient) -> str:
    """What a filtered copy's trend counts: "Kent and Essex, about Knife crime"."""
    labels = {topic["id"]: topic["label"] for entry in edition.all_entries() for topic in entry.topics}
    parts = [" and ".join(recipient.areas)] if recipient.areas else ["all areas"]
    if recipient.topics:
        parts.append("about " + " or ".join(labels.get(topic, topic) for topic in recipient.topics))
    return ", ".join(parts)


def build_message(config: Config, edition: Edition, recipient: Recipient) -> EmailMessage:
    from digest.mailer.content import render_email  # the templates are loaded only for a message that goes

    html, text = render_email(config, edition, recipient)
    subject = f"{config.site.title}: week {edition.week} ({date_range(edition.start, edition.end)})"
    return _message(config, recipient.address, subject, edition.week, text, html)


def daily_message(config: Config, digest: Edition, recipient: Recipient) -> EmailMessage:
    """A daily digest (its `week` is its day, YYYY-MM-DD): "<site title>: daily digest, Friday 4 December 2026"."""
    from digest.mailer.content import render_daily

    html, text = render_daily(config, digest, recipient)
    return _message(config, recipient.address, f"{config.site.title}: daily digest, {long_day(digest.end)}",
                    digest.week, text, html)


def quiet_weeks_message(config: Config, editions: list[Edition], recipient: Recipient) -> EmailMessage:
    """One message for several weeks caught up at once that had no items for this recipient."""
    first, last = editions[0], editions[-1]
    from digest.mailer.content import render_quiet_weeks

    html, text = render_quiet_weeks(config, editions, recipient)
    subject = (f"{config.site.title}: no items in the {len(editions)} weeks {first.week} to {last.week} "
               f"({date_range(first.start, last.end)})")
    return _message(config, recipient.address, subject, f"{first.week}-{last.week}", text, html)


def compose(config: Config, address: str, subject: str, idstring: str, text: str, html: str) -> EmailMessage:
    """A message of digest's (an alert's too), the subject made one safe line."""
    return _message(config, address, subject, idstring, text, html)


def _message(config: Config, address: str, subject: str, idstring: str, text: str, html: str) -> EmailMessage:
    """Headers come from the config only, never from item text (a subject is made one safe line)."""
    message = EmailMessage()
    message["From"] = config.email.from_
    message["To"] = address
    message["Date"] = format_datetime(utc_now())
    message["Message-ID"] = make_msgid(idstring=idstring, domain=_domain(config.email.from_))
    _set_subject(message, _one_line(subject))
    from digest.mailer.content import unsubscribe

    leave = unsubscribe(config)
    if leave:
        message["List-Unsubscribe"] = f"<{leave.uri}>"
        if leave.web:
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _set_subject(message: EmailMessage, subject: str) -> None:
    """A subject that is not ASCII (the en dash of a week's dates) goes as encoded words, folded
    between them: the standard folder breaks such a line after a space and before an encoded
    word, which readers show as two spaces ("30 November  – 6 December")."""
    if subject.isascii():
        message["Subject"] = subject
        return
    charset = Charset("utf-8")
    charset.header_encoding = QP
    message.set_raw("Subject", Header(subject, charset, header_name="Subject").encode())


def _one_line(value: str) -> str:
    """Header values never carry line breaks (no header injection)."""
    return " ".join(re.sub(r"[\r\n\x00-\x1f]", " ", value).split())


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") or "localhost"
