"""The catalogue of publishers (digest/data/catalogue.yaml, DESIGN.md §12): every police force,
commissioner or mayor, violence reduction unit and national body digest knows, read and checked
once; and the config's `catalogue:` choice turned into sources."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from digest.areas import area_names, load_data
from digest.config.checks import SOURCE_NAME, decode
from digest.config.coverage import CatalogueChoice
from digest.config.decoding import format_validation_error
from digest.config.schema import FeedSource, WebpageSource
from digest.errors import ConfigError
from digest.models import OrgKind

CATALOGUE_FILE = "catalogue.yaml"
CATALOGUE_ORIGIN = "catalogue"


def _https(key: str, value: str | None) -> None:
    if value is not None and not re.match(r"^https://[^\s/?#]+(/\S*)?$", value):
        raise ValueError(f"{key}: not an https URL: {value!r}")


class Provenance(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    platform: Literal["soh", "wordpress", "newsroom", "other"]
    confidence: Literal["seen", "shape", "guess"]
    source: Annotated[str, Meta(min_length=1)]


class Publisher(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """One catalogue entry: a publisher and where its news is (a listing page, a feed, or the
    entry whose news carries its own)."""

    name: Annotated[str, Meta(pattern=SOURCE_NAME)]
    org: Annotated[str, Meta(min_length=1)]
    area: str | None
    org_kind: OrgKind
    home: str
    listing: str | None = None
    feed: str | None = None
    via: str | None = None
    link_selector: str | None = None
    link_pattern: str | None = None
    next_selector: str | None = None
    max_pages: int | None = None
    full_text: bool = False
    provenance: Provenance

    def __post_init__(self) -> None:
        if self.area is not None and self.area not in area_names():
            raise ValueError(f"area: unknown area {self.area!r} (an area of digest/data/gazetteer.yaml, or null)")
        for key in ("home", "listing", "feed"):
            _https(key, getattr(self, key))
        places = [key for key in ("listing", "feed", "via") if getattr(self, key)]
        if len(places) != 1:
            raise ValueError("give exactly one of listing, feed or via")
        if self.listing is None and (self.link_selector or self.link_pattern or self.next_selector or self.max_pages):
            raise ValueError("link_selector, link_pattern, next_selector and max_pages go with a listing")
        if self.full_text and self.feed is None:
            raise ValueError("full_text goes with a feed")

    @property
    def url(self) -> str | None:
        """Where its news is read (None: in the `via` entry's)."""
        return self.listing or self.feed

    def source(self) -> FeedSource | WebpageSource:
        """The source it makes, checked as the config's own are (msgspec.ValidationError)."""
        common: dict[str, Any] = {"name": self.name, "area": self.area, "org": self.org, "org_kind": self.org_kind}
        made: FeedSource | WebpageSource
        if self.feed:
            made = decode({"url": self.feed, "full_text": self.full_text, **common}, FeedSource)
        else:
            made = decode({"url": self.listing, "link_selector": self.link_selector, "link_pattern": self.link_pattern,
                           "next_selector": self.next_selector, "max_pages": self.max_pages or 1, **common},
                          WebpageSource)
        made.came_from(f"{CATALOGUE_ORIGIN} ({self.provenance.confidence})")  # how sure its URL is, for `digest sources`
        return made


@lru_cache(maxsize=1)
def load_catalogue() -> tuple[Publisher, ...]:
    """The shipped catalogue, checked: a bad entry is one line naming it."""
    raw = load_data(CATALOGUE_FILE)
    entries = raw.get("publishers") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{CATALOGUE_FILE}: publishers: a list of entries is expected")
    publishers = tuple(_publisher(index, entry) for index, entry in enumerate(entries))
    _check_whole(publishers)
    return publishers


def _publisher(index: int, entry: Any) -> Publisher:
    where = f"{CATALOGUE_FILE}: publishers[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: an entry must be a mapping")
    where += f" ({entry.get('name', '?')})"
    try:
        publisher = decode(entry, Publisher)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{where}: {format_validation_error(exc, entry, Publisher)}") from None
    if publisher.url:
        try:
            publisher.source()  # the source it makes passes the config's own checks
        except msgspec.ValidationError as exc:
            raise ConfigError(f"{where}: {format_validation_error(exc, entry, Publisher)}") from None
    return publisher


def _check_whole(publishers: tuple[Publisher, ...]) -> None:
    """Names and URLs once each; `via` names an entry with news of its own."""
    by_name: dict[str, Publisher] = {}
    by_url: dict[str, str] = {}
    for index, publisher in enumerate(publishers):
        where = f"{CATALOGUE_FILE}: publishers[{index}] ({publisher.name})"
        if publisher.name in by_name:
            raise ConfigError(f"{where}: name: given twice")
        by_name[publisher.name] = publisher
        if publisher.url and publisher.url in by_url:
            raise ConfigError(f"{where}: its URL is {by_url[publisher.url]}'s too")
        if publisher.url:
            by_url[publisher.url] = publisher.name
    for index, publisher in enumerate(publishers):
        host = by_name.get(publisher.via) if publisher.via else None
        if publisher.via and (host is None or host.url is None):
            raise ConfigError(f"{CATALOGUE_FILE}: publishers[{index}] ({publisher.name}): via: "
                              f"no entry {publisher.via!r} with a listing or feed")


def chosen_publishers(choice: CatalogueChoice) -> list[Publisher]:
    """The publishers the choice takes, in catalogue order, each once; a unit that publishes
    through another entry brings that entry (`via`); `exclude` leaves out either."""
    publishers = load_catalogue()
    by_name = {publisher.name: publisher for publisher in publishers}
    unknown = [name for name in choice.exclude if name not in by_name]
    if unknown:
        raise ConfigError(f"catalogue.exclude: no publisher named {unknown[0]!r} in the catalogue "
                          "(`digest sources` lists them)")
    chosen: dict[str, Publisher] = {}
    for publisher in publishers:
        if publisher.name in choice.exclude or not choice.takes(publisher.area, publisher.org_kind):
            continue
        reader = by_name[publisher.via] if publisher.via else publisher
        if reader.name not in choice.exclude:
            chosen.setdefault(reader.name, reader)
    return list(chosen.values())


def catalogue_sources(choice: CatalogueChoice) -> list[FeedSource | WebpageSource]:
    return [publisher.source() for publisher in chosen_publishers(choice)]
