"""Police force areas (digest/data/gazetteer.yaml): their names, slugs, forces, commissioners
and web domains. The names are the contract (DESIGN.md §5); finding places in text is the
gazetteer's job (digest.gazetteer)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Area:
    name: str
    slug: str
    force: str
    commissioner: str | None
    domains: tuple[str, ...]
    names: tuple[str, ...]
    places: tuple[str, ...]
    ambiguous: frozenset[str]


# libyaml's loader, when installed, reads the shipped data files ten times faster, and as PyYAML's
# own does (a test checks): they are read before any document is, while the cores wait.
_DATA_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_data(name: str) -> Any:
    """A shipped data file (digest/data) read."""
    return yaml.load(resources.files("digest.data").joinpath(name).read_text(encoding="utf-8"), Loader=_DATA_LOADER)


@lru_cache(maxsize=1)
def load_areas() -> tuple[Area, ...]:
    raw = load_data("gazetteer.yaml")
    return tuple(
        Area(
            name=entry["name"], slug=entry["slug"], force=entry["force"],
            commissioner=entry.get("commissioner"),
            domains=tuple(d.lower() for d in entry.get("domains") or ()),
            names=tuple(entry.get("names") or ()), places=tuple(entry.get("places") or ()),
            ambiguous=frozenset(entry.get("ambiguous") or ()),
        )
        for entry in raw["areas"]
    )


@lru_cache(maxsize=1)
def area_names() -> frozenset[str]:
    return frozenset(area.name for area in load_areas())


def area_by_name(name: str | None) -> Area | None:
    return next((area for area in load_areas() if area.name == name), None)


def area_slug(name: str) -> str:
    area = area_by_name(name)
    return area.slug if area else re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@lru_cache(maxsize=1)
def _areas_by_domain() -> dict[str, tuple[int, Area]]:
    """Domain -> (place in load_areas(), area) of the first area listing it."""
    by_domain: dict[str, tuple[int, Area]] = {}
    for index, area in enumerate(load_areas()):
        for domain in area.domains:
            by_domain.setdefault(domain, (index, area))
    return by_domain


def area_for_host(host: str | None) -> Area | None:
    """The area whose force, commissioner or VRU site this host belongs to: the first area
    listing the host itself or a domain the host is under (ends with "." + domain)."""
    if not host:
        return None
    host = host.lower().removeprefix("www.")
    by_domain = _areas_by_domain()
    domains = [host] + [host[index + 1:] for index, char in enumerate(host) if char == "."]
    listed = [by_domain[domain] for domain in domains if domain in by_domain]
    return min(listed, key=lambda entry: entry[0])[1] if listed else None


def area_for_council_host(host: str | None) -> Area | None:
    """The area of a local council's site, named by its host: "<place>.gov.uk" ("havering.gov.uk",
    "democracy.havering.gov.uk", "westsussex.gov.uk"); None for GOV.UK and for national bodies'
    hosts, which name no place ("cps.gov.uk")."""
    if not host or not host.lower().endswith(".gov.uk"):
        return None
    return _areas_by_squashed_name().get(site_name(host))


@lru_cache(maxsize=1)
def _areas_by_squashed_name() -> dict[str, Area]:
    """Each area's names and places, lower-cased without spaces, hyphens and apostrophes, as a host
    writes them ("West Sussex" -> "westsussex"): the first area listing one."""
    found: dict[str, Area] = {}
    for area in load_areas():
        for name in (*area.names, *area.places):
            found.setdefault(re.sub(r"[\s'’.-]", "", name.lower()), area)
    return found


def site_name(host: str) -> str:
    """The name a host gives its site: the label before its public suffix ("news.sky.com" -> "sky",
    "democracy.havering.gov.uk" -> "havering")."""
    labels = host.lower().split(".")
    suffix = 2 if len(labels) >= 3 and labels[-2] in ("co", "org", "gov", "ac", "nhs", "net", "ltd", "plc", "me", "sch") else 1
    return labels[-suffix - 1] if len(labels) > suffix else ""
