"""What an email shows: a recipient's copy of an edition, or of a daily digest, rendered for mail
clients (templates/email.html.j2 and email.txt.j2), or one note for several weeks without items.

The HTML is written for mail clients, not browsers: one fluid table (up to 640 px, narrower on
a phone), inline styles only (no <style>, <link> or <script>), sizes in px, no positioning,
every link absolute. The lead stories are shown in full, the rest as one line each, so that a
60-story edition stays well under Gmail's clipping size (about 102 KB of HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from digest.config import Config, Recipient
from digest.edition import Edition, figures_line
from digest.render import environment
from digest.topics import Taxonomy
from digest.urls import area_feed, area_page, edition_page, is_web_url, topic_feed
from digest.weeks import long_day, week_label

DAILY_PERIOD = "since the previous daily digest"  # when a daily digest's items were found, as its sentences say


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Cover:
    """What a filtered copy covers, said in its first line, with its areas' pages and feeds."""

    sentence: str
    links: list[Link]


@dataclass(frozen=True)
class Unsubscribe:
    """How to stop the email: the List-Unsubscribe target, and the line the body says it in."""

    uri: str
    web: bool  # an https page (one click) rather than a mailto: address

    @property
    def address(self) -> str:
        return self.uri.removeprefix("mailto:").split("?", 1)[0]


def unsubscribe(config: Config) -> Unsubscribe | None:
    """`email.unsubscribe`: a web page, or an address that a message with the subject "unsubscribe" goes to."""
    target = config.email.unsubscribe
    if not target:
        return None
    if is_web_url(target):
        return Unsubscribe(target, web=True)
    return Unsubscribe(f"mailto:{target.removeprefix('mailto:')}?subject=unsubscribe", web=False)


def _names(names: list[str], joiner: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {joiner} {names[-1]}"


def cover(config: Config, recipient: Recipient, taxonomy: Taxonomy) -> Cover | None:
    """For a recipient with area or topic filters: what their copy holds, and the pages and feeds
    of those areas and topics (the national ones cover more than they asked for)."""
    if not recipient.areas and not recipient.topics:
        return None
    base = config.site.base_url
    said = "Your copy has only the stories"
    if recipient.areas:
        said += f" from {_names(recipient.areas, 'and')}"
    if recipient.topics:
        said += f" about {_names([taxonomy.label(t) for t in recipient.topics], 'or')}"
    links = [link for area in recipient.areas
             for link in (Link(f"{area} page", base + area_page(area)), Link(f"{area} feed", base + area_feed(area)))]
    links += [Link(f"{taxonomy.label(t)} feed", base + topic_feed(t)) for t in recipient.topics]
    return Cover(f"{said}.", links)


def _context(config: Config, recipient: Recipient) -> dict[str, Any]:
    base = config.site.base_url
    taxonomy = Taxonomy(config.classify.topics)
    mine = cover(config, recipient, taxonomy)
    return {
        "site": config.site, "cover": mine, "unsubscribe": unsubscribe(config), "index_url": f"{base}index.html",
        "feeds": mine.links if mine else [Link("RSS feed", f"{base}feed.xml")],
        "area_url": lambda area: base + area_page(area), "figures_line": figures_line,
    }


def render_email(config: Config, edition: Edition, recipient: Recipient) -> tuple[str, str]:
    """The recipient's copy of the edition as email HTML and plain text."""
    copy = edition.with_areas_first(recipient.areas)  # under group_by: area, their areas come first
    context = {**_context(config, recipient), "edition": copy, "web_url": edition_page(config.site.base_url, copy.week),
               "daily": False, "day": "", "period": "this week"}
    return _render("email", context)


def render_daily(config: Config, digest: Edition, recipient: Recipient) -> tuple[str, str]:
    """The recipient's daily digest as email HTML and plain text: the edition's templates, its
    headings naming the day, its web link the edition of the week its newest item was found in."""
    copy = digest.with_areas_first(recipient.areas)
    newest = max(e.first_seen for e in copy.all_entries())
    context = {**_context(config, recipient), "edition": copy,
               "web_url": edition_page(config.site.base_url, week_label(newest, config.tz)),
               "daily": True, "day": long_day(copy.end), "period": DAILY_PERIOD}
    return _render("email", context)


def render_quiet_weeks(config: Config, editions: list[Edition], recipient: Recipient) -> tuple[str, str]:
    """One note for several weeks caught up at once that had no items for this recipient."""
    context = {**_context(config, recipient), "editions": editions}
    return _render("email_quiet_weeks", context)


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    env = environment()
    html, text = (env.get_template(f"{name}.{kind}.j2").render(context).strip() + "\n" for kind in ("html", "txt"))
    return html, text
