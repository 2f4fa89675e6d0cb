"""The W3C Feed Validation Service's Atom rules, as a test can check them offline.

The service itself is not installable here (no package on the registries, and it needs the
network), so this checks what it reports for an Atom 1.0 document: its errors (elements each
feed and entry must have exactly once, RFC 3339 dates, absolute ids, unique entry ids, an author
for every entry, content or an alternate link, valid text constructs and links) and the warnings a
feed reader cares about (a rel="self" link that is where the feed was fetched, canonical ids,
dates not in the future, unsafe markup in html text, relative references). `atom_problems`
returns one line per problem; an empty list is a pass.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

ATOM = "{http://www.w3.org/2005/Atom}"
XHTML = "{http://www.w3.org/1999/xhtml}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
MIME = re.compile(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+(\s*;.*)?$", re.IGNORECASE)
REGISTERED_RELS = {"alternate", "related", "self", "enclosure", "via", "license", "replies", "edit", "first",
                   "last", "next", "previous", "hub", "payment", "search"}
ONCE_IN_FEED = ("id", "title", "updated")
ONCE_IN_ENTRY = ("id", "title", "updated")
AT_MOST_ONCE = ("subtitle", "rights", "icon", "logo", "generator", "summary", "content", "published", "source")
UNSAFE_TAGS = {"script", "iframe", "object", "embed", "applet", "frame", "frameset", "meta", "link", "style", "form",
               "base"}


def atom_problems(document: bytes, fetched_at: str, now: datetime | None = None) -> list[str]:
    """What the validator would report for `document` fetched from the URL `fetched_at`."""
    now = now or datetime.now(UTC)
    problems: list[str] = []
    declaration = document[:100].split(b"?>", 1)[0]
    if not document.startswith(b"<?xml") or not re.search(rb"encoding=['\"]utf-8['\"]", declaration, re.I):
        problems.append("no XML declaration with encoding UTF-8")
    try:
        root = ET.fromstring(document)
    except ET.ParseError as exc:
        return [*problems, f"not well-formed XML: {exc}"]
    if root.tag != ATOM + "feed":
        return [*problems, f"root element is {root.tag}, not atom:feed"]
    problems += _container(root, "feed", ONCE_IN_FEED, now)
    problems += _feed_links(root, fetched_at)
    entries = root.findall(ATOM + "entry")
    feed_has_author = root.find(ATOM + "author") is not None
    seen_ids: set[str] = set()
    for number, entry in enumerate(entries, 1):
        where = f"entry {number}"
        problems += _container(entry, where, ONCE_IN_ENTRY, now)
        problems += _entry_rules(entry, where, feed_has_author)
        entry_id = (entry.findtext(ATOM + "id") or "").strip()
        if entry_id in seen_ids:
            problems.append(f"{where}: duplicate id {entry_id}")
        seen_ids.add(entry_id)
    if not entries and not feed_has_author:
        problems.append("feed: no author (needed when an entry has none)")
    return problems


def _container(element: ET.Element, where: str, required: tuple[str, ...], now: datetime) -> list[str]:
    problems = []
    for name in required:
        count = len(element.findall(ATOM + name))
        if count != 1:
            problems.append(f"{where}: {count} <{name}> elements (exactly one required)")
    problems += [f"{where}: more than one <{name}>" for name in AT_MOST_ONCE if len(element.findall(ATOM + name)) > 1]
    for child in element.findall(ATOM + "id"):
        problems += [f"{where}: id {problem}" for problem in _id_problems(child.text or "")]
    for name in ("updated", "published"):
        for child in element.findall(ATOM + name):
            problems += [f"{where}: {name} {problem}" for problem in _date_problems(child.text or "", now)]
    for name in ("title", "subtitle", "summary", "rights", "content"):
        for child in element.findall(ATOM + name):
            problems += [f"{where}: {name} {problem}" for problem in _text_problems(child)]
    for author in element.findall(ATOM + "author") + element.findall(ATOM + "contributor"):
        if not (author.findtext(ATOM + "name") or "").strip():
            problems.append(f"{where}: an author without a name")
        uri = author.findtext(ATOM + "uri")
        if uri is not None and not _absolute(uri):
            problems.append(f"{where}: author uri {uri!r} is not absolute")
    for category in element.findall(ATOM + "category"):
        if not (category.get("term") or "").strip():
            problems.append(f"{where}: a category without a term")
    for link in element.findall(ATOM + "link"):
        problems += [f"{where}: link {problem}" for problem in _link_problems(link)]
    return problems


def _feed_links(root: ET.Element, fetched_at: str) -> list[str]:
    links = root.findall(ATOM + "link")
    selves = [link.get("href", "") for link in links if link.get("rel") == "self"]
    problems = []
    if not selves:
        problems.append('feed: no link rel="self"')
    elif selves[0] != fetched_at:
        problems.append(f"feed: self link {selves[0]!r} is not where it was fetched ({fetched_at!r})")
    problems += _unique_links(links, "feed", every_rel=True)
    return problems


def _entry_rules(entry: ET.Element, where: str, feed_has_author: bool) -> list[str]:
    problems = []
    if not feed_has_author and entry.find(ATOM + "author") is None:
        problems.append(f"{where}: no author, and the feed has none")
    links = entry.findall(ATOM + "link")
    content = entry.find(ATOM + "content")
    has_summary = entry.find(ATOM + "summary") is not None
    if content is None:
        if not any(link.get("rel", "alternate") == "alternate" for link in links):
            problems.append(f"{where}: neither content nor an alternate link")
        if not has_summary:
            problems.append(f"{where}: neither content nor a summary")
    elif not has_summary and (content.get("src") is not None or _binary(content.get("type", "text"))):
        problems.append(f"{where}: content that is not text needs a summary")
    problems += _unique_links(links, where, every_rel=False)
    return problems


def _binary(kind: str) -> bool:
    return "/" in kind and not (kind.endswith(("+xml", "/xml")) or kind.startswith("text/"))


def _unique_links(links: list[ET.Element], where: str, every_rel: bool) -> list[str]:
    seen: set[tuple[str, str, str]] = set()
    problems = []
    for link in links:
        rel = link.get("rel", "alternate")
        if not every_rel and rel != "alternate":
            continue
        key = (rel, link.get("type", ""), link.get("hreflang", ""))
        if key in seen:
            problems.append(f"{where}: two links with rel={key[0]} type={key[1] or '-'} hreflang={key[2] or '-'}")
        seen.add(key)
    return problems


def _link_problems(link: ET.Element) -> list[str]:
    problems = []
    href = link.get("href")
    if not href:
        problems.append("without href")
    elif not _absolute(href):
        problems.append(f"href {href!r} is relative (no xml:base)")
    rel = link.get("rel", "alternate")
    if rel not in REGISTERED_RELS and not _absolute(rel):
        problems.append(f"rel {rel!r} is neither registered nor an IRI")
    kind = link.get("type")
    if kind is not None and not MIME.match(kind):
        problems.append(f"type {kind!r} is not a media type")
    length = link.get("length")
    if length is not None and not length.isdigit():
        problems.append(f"length {length!r} is not a number")
    return problems


def _absolute(iri: str) -> bool:
    parts = urlsplit(iri.strip())
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("urn", "tag", "mailto", "data"))


def _id_problems(text: str) -> list[str]:
    if text != text.strip() or not text:
        return [f"{text!r} is blank or has surrounding white space"]
    if re.search(r"\s", text):
        return [f"{text!r} contains white space"]
    if not _absolute(text):
        return [f"{text!r} is not an absolute IRI"]
    parts = urlsplit(text)
    problems = []
    scheme = text.split(":", 1)[0]
    if scheme != scheme.lower():
        problems.append(f"{text!r} is not canonical (scheme in capitals)")
    if parts.netloc and parts.netloc != parts.netloc.lower():
        problems.append(f"{text!r} is not canonical (host in capitals)")
    if re.search(r"%[0-9a-f][a-f]|%[a-f][0-9a-f]", text):
        problems.append(f"{text!r} is not canonical (escapes in lower case)")
    if (parts.scheme, parts.port) in (("http", 80), ("https", 443)) or re.search(r"/\.\.?(/|$)", parts.path):
        problems.append(f"{text!r} is not canonical (default port or dot segments)")
    return problems


def _date_problems(text: str, now: datetime) -> list[str]:
    if not RFC3339.match(text):
        return [f"{text!r} is not an RFC 3339 date-time"]
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment > now + timedelta(days=1):
        return [f"{text} is in the future"]
    return []


def _text_problems(element: ET.Element) -> list[str]:
    kind = element.get("type", "text")
    if element.tag == ATOM + "content" and (element.get("src") is not None or "/" in kind):
        return []
    if kind not in ("text", "html", "xhtml"):
        return [f"type {kind!r} is not text, html or xhtml"]
    if kind == "xhtml":
        children = list(element)
        if len(children) != 1 or children[0].tag != XHTML + "div":
            return ["of type xhtml is not one xhtml:div"]
        return []
    if len(element):
        return ["contains elements (markup must be escaped)"]
    if kind == "html":
        return _markup_problems(element.text or "")
    return []


class _MarkupScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNSAFE_TAGS:
            self.problems.append(f"contains a <{tag}> (a security risk)")
        for name, value in attrs:
            if name.startswith("on") or (name == "style" and "expression" in (value or "")):
                self.problems.append(f"has a <{tag} {name}=...> (a security risk)")
            if name in ("href", "src") and value is not None:
                if value.strip().lower().startswith(("javascript:", "vbscript:", "data:")):
                    self.problems.append(f"has a {name} of {value[:20]!r} (a security risk)")
                elif not _absolute(value) and not value.startswith("#"):
                    self.problems.append(f"has a relative {name} {value!r} (no xml:base)")


def _markup_problems(html: str) -> list[str]:
    scan = _MarkupScan()
    scan.feed(html)
    scan.close()
    return scan.problems
