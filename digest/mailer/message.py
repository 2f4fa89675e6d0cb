"""What a recipient is sent: their copy of an edition (their areas and topics), as one
multipart/alternative message, or one message for several weeks that had nothing for them."""

from __future__ import annotations

import dataclasses
import re
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import css_inline

from digest.config import Config, Recipient
from digest.edition import Edition, Entry
from digest.models import utc_now
from digest.render import environment, render_edition
from digest.urls import is_web_url
from digest.weeks import date_range

_INLINER = css_inline.CSSInliner(keep_style_tags=False, keep_at_rules=False, load_remote_stylesheets=False)


def _wanted(entry: Entry, recipient: Recipient) -> bool:
    if recipient.areas and entry.area not in recipient.areas:
        return False
    return not recipient.topics or any(t["id"] in recipient.topics for t in entry.topics)


def for_recipient(edition: Edition, recipient: Recipient) -> Edition:
    """The edition with only the items this recipient's area and topic filters let through."""
    return edition.filtered(lambda entry: _wanted(entry, recipient))


def build_message(config: Config, edition: Edition, address: str) -> EmailMessage:
    base = config.site.base_url
    mail_edition = dataclasses.replace(
        edition, email=True, page_base=f"{base}digests/", index_url=f"{base}index.html", feed_url=f"{base}feed.xml",
    )
    html, text = render_edition(config.site, mail_edition, email=True)
    subject = f"{config.site.title}: week {edition.week} ({date_range(edition.start, edition.end)})"
    return _message(config, address, subject, edition.week, text, _INLINER.inline(html))


def quiet_weeks_message(config: Config, editions: list[Edition], recipient: Recipient) -> EmailMessage:
    """One message for several weeks caught up at once that had no items for this recipient."""
    first, last = editions[0], editions[-1]
    context = {"site": config.site, "editions": editions, "filtered": bool(recipient.areas or recipient.topics),
               "email": True}
    env = environment()
    text = env.get_template("quiet_weeks.txt.j2").render(context)
    html = _INLINER.inline(env.get_template("quiet_weeks.html.j2").render(context))
    subject = (f"{config.site.title}: no items in the {len(editions)} weeks {first.week} to {last.week} "
               f"({date_range(first.start, last.end)})")
    return _message(config, recipient.address, subject, f"{first.week}-{last.week}", text, html)


def _message(config: Config, address: str, subject: str, idstring: str, text: str, html: str) -> EmailMessage:
    """Headers come from the config only, never from item text."""
    message = EmailMessage()
    message["From"] = config.email.from_
    message["To"] = address
    message["Date"] = format_datetime(utc_now())
    message["Message-ID"] = make_msgid(idstring=idstring, domain=_domain(config.email.from_))
    message["Subject"] = _one_line(subject)
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
