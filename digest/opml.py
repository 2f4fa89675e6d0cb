"""OPML 1.0 and 2.0: the feeds of a file as source fields (for `opml:` in the config), and the
effective sources written as one (`digest sources --format opml`).

An OPML file comes from elsewhere (a feed reader's export, a colleague's list), so it is parsed
by defusedxml: a file that declares entities (a "billion laughs") or refers to external ones is
refused before anything is expanded or fetched. Every problem is one line naming the file and line.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces
from xml.sax.xmlreader import AttributesNSImpl, Locator

import defusedxml.sax
from defusedxml import DefusedXmlException

from digest.areas import area_names
from digest.config.checks import settings_changed
from digest.config.schema import FeedSource, FolderSource, WebpageSource
from digest.errors import ConfigError
from digest.models import OrgKind

# Our own outline attributes (a source's name and the settings OPML has no word for), in our
# namespace so that other readers ignore them.
DIGEST_NS = "https://github.com/digest-news/digest/opml"
_CORE = ("name", "kind", "url", "area", "org", "org_kind")
ET.register_namespace("digest", DIGEST_NS)


@dataclass
class Outline:
    """A source an OPML file describes: its line and its fields as text (validated by the config)."""

    line: int
    fields: dict[str, Any] = field(default_factory=dict)


class _NotOpml(Exception):
    pass


class _Outlines(ContentHandler):
    """Collects the outlines that are sources, with the categories their enclosing outlines give."""

    def __init__(self) -> None:
        super().__init__()
        self.locator: Locator | None = None
        self.found: list[Outline] = []
        self.enclosing: list[str] = []  # the text of each enclosing outline
        self.depth = 0

    def setDocumentLocator(self, locator: Locator) -> None:  # noqa: N802 - SAX's name
        self.locator = locator

    @property
    def line(self) -> int:
        return (self.locator.getLineNumber() or 0) if self.locator else 0

    def startElementNS(  # noqa: N802 - SAX's name
        self, name: tuple[str | None, str], qname: str | None, attrs: AttributesNSImpl,
    ) -> None:
        self.depth += 1
        if self.depth == 1 and name != (None, "opml"):
            raise _NotOpml(f"not an OPML file (the root element is <{name[1]}>)")
        if name != (None, "outline"):
            return
        plain = {local: value for (uri, local), value in attrs.items() if uri is None}
        ours = {local: value for (uri, local), value in attrs.items() if uri == DIGEST_NS}
        fields = _source_fields(plain, ours, self.enclosing)
        if fields is not None:
            self.found.append(Outline(self.line, fields))
        self.enclosing.append(plain.get("text") or plain.get("title") or "")

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:  # noqa: N802 - SAX's name
        self.depth -= 1
        if name == (None, "outline"):
            self.enclosing.pop()


def _source_fields(plain: dict[str, str], ours: dict[str, str], enclosing: list[str]) -> dict[str, Any] | None:
    """An outline's source fields: a feed (xmlUrl) or, written by us, a webpage; None for a folder."""
    if plain.get("xmlUrl"):
        fields: dict[str, Any] = {"kind": "feed", "url": plain["xmlUrl"].strip()}
    elif ours.get("kind") == "webpage" and (plain.get("url") or plain.get("htmlUrl")):
        fields = {"kind": "webpage", "url": (plain.get("url") or plain["htmlUrl"]).strip()}
    else:
        return None
    ours.pop("kind", None)
    if "name" in ours:
        fields["name"] = ours.pop("name")
    org = plain.get("title") or plain.get("text")
    if org and org != fields.get("name"):  # we write a source without an org as text="<its name>"
        fields["org"] = org.strip()
    fields.update(_categories(plain.get("category", ""), enclosing))
    # full_text, link_pattern, max_pages, every...: checked by the config; "" is null
    fields.update({key: value or None for key, value in ours.items()})
    return fields


def _categories(category: str, enclosing: list[str]) -> dict[str, str]:
    """Area and org_kind from `category` ("/area/Kent,/org_kind/police", or a bare "Kent"), else
    from the enclosing outlines' names."""
    found: dict[str, str] = {}
    for part in reversed([*enclosing, *category.split(",")]):  # the outline's own first, then inner to outer
        text = part.strip()
        for key in ("area", "org_kind"):
            if text.startswith(f"/{key}/"):
                found.setdefault(key, text.removeprefix(f"/{key}/"))
        bare = text.strip("/")
        if bare in area_names():
            found.setdefault("area", bare)
        elif bare in get_args(OrgKind):
            found.setdefault("org_kind", bare)
    return found


def read_opml(path: Path) -> list[Outline]:
    """The sources an OPML file lists, in order; ConfigError naming the file and line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the OPML file ({exc.strerror or exc})") from None
    handler = _Outlines()
    parser = defusedxml.sax.make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        parser.parse(io.BytesIO(data))
    except SAXParseException as exc:
        raise ConfigError(f"{path}: line {exc.getLineNumber()}: not well-formed XML ({exc.getMessage()})") from None
    except DefusedXmlException as exc:
        raise ConfigError(f"{path}: line {handler.line}: refused: {_refusal(exc)}") from None
    except _NotOpml as exc:
        raise ConfigError(f"{path}: line {handler.line}: {exc}") from None
    return handler.found


def _refusal(exc: DefusedXmlException) -> str:
    what = type(exc).__name__
    if what == "EntitiesForbidden":
        return "the file declares entities, which an OPML file never needs (and a hostile one uses to blow up)"
    if what == "ExternalReferenceForbidden":
        return "the file refers to an external entity, which would be fetched or read"
    return f"{exc}"


def opml_document(sources: Iterable[FeedSource | WebpageSource | FolderSource], title: str) -> str:
    """The web sources as OPML 2.0, grouped by area; reading it back gives the same sources.
    Folder sources have no URL and are left out."""
    root = ET.Element("opml", {"version": "2.0"})
    ET.SubElement(ET.SubElement(root, "head"), "title").text = title
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    for source in sources:
        if isinstance(source, FolderSource):
            body.append(ET.Comment(f" left out: {source.name} (a folder source has no URL) "))
            continue
        group = source.area or "No area"
        if group not in groups:
            groups[group] = ET.SubElement(body, "outline", {"text": group})
        ET.SubElement(groups[group], "outline", _outline_attributes(source))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _outline_attributes(source: FeedSource | WebpageSource) -> dict[str, str]:
    attributes = {"text": source.org or source.name}
    if source.org:
        attributes["title"] = source.org
    if isinstance(source, FeedSource):
        attributes.update({"type": "rss", "xmlUrl": source.url})
    else:
        attributes.update({"type": "link", "url": source.url, f"{{{DIGEST_NS}}}kind": "webpage"})
    categories = [f"/{key}/{value}" for key, value in (("area", source.area), ("org_kind", source.org_kind)) if value]
    if categories:
        attributes["category"] = ",".join(categories)
    attributes[f"{{{DIGEST_NS}}}name"] = source.name
    for key, value in settings_changed(source).items():
        if key not in _CORE:
            attributes[f"{{{DIGEST_NS}}}{key}"] = _text(value)
    return attributes


def _text(value: Any) -> str:
    """A setting as an attribute; null is the empty string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
