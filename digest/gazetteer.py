"""Police force areas and the places in them (digest/data/gazetteer.yaml).

Place names are matched case-sensitively on word boundaries, longest name first,
so "Bury St Edmunds" is Suffolk before "Bury" is considered. Names flagged
ambiguous ("March", "Deal", "Reading") only count when another place or name of
the same area corroborates them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

NAME_WEIGHT = 2.0
PLACE_WEIGHT = 1.0
TITLE_FACTOR = 3.0
# A one-word place after a capitalised word is often a surname ("Darryl Preston");
# these words before a place are part of it or a direction, not a first name.
_PLACE_PREFIXES = frozenset(
    "North South East West Central Greater Upper Lower Old New Great Little Market At Near From To Across "
    "Around And Of The In".split()
)
_PRECEDING_WORD = re.compile(r"([A-Z][a-z]+)\s+$")


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


@lru_cache(maxsize=1)
def load_areas() -> tuple[Area, ...]:
    raw = yaml.safe_load(resources.files("digest.data").joinpath("gazetteer.yaml").read_text(encoding="utf-8"))
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


def area_for_host(host: str | None) -> Area | None:
    """The area whose force, commissioner or VRU site this host belongs to."""
    if not host:
        return None
    host = host.lower().removeprefix("www.")
    for area in load_areas():
        if any(host == d or host.endswith("." + d) for d in area.domains):
            return area
    return None


def _after_first_name(text: str, match: re.Match[str]) -> bool:
    if " " in match.group(1):
        return False
    before = _PRECEDING_WORD.search(text[max(0, match.start() - 30):match.start()])
    if not before or before.group(1) in _PLACE_PREFIXES:
        return False
    preceding = text[:match.start() - len(before.group(0))].rstrip()
    return bool(preceding) and not preceding.endswith((".", "!", "?", "\n", ":"))


class Gazetteer:
    def __init__(self) -> None:
        self._lookup: dict[str, tuple[Area, float, bool]] = {}
        for area in load_areas():
            for name in area.names:
                self._lookup[name] = (area, NAME_WEIGHT, False)
            for place in area.places:
                self._lookup.setdefault(place, (area, PLACE_WEIGHT, place in area.ambiguous))
        alternatives = sorted(self._lookup, key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])")

    def scores(self, title: str, body: str) -> Counter[str]:
        """Area name -> weighted mentions, with ambiguous names only when corroborated."""
        sure: Counter[str] = Counter()
        doubtful: Counter[str] = Counter()
        for text, factor in ((title, TITLE_FACTOR), (body, 1.0)):
            for match in self._pattern.finditer(text):
                area, weight, ambiguous = self._lookup[match.group(1)]
                if ambiguous or _after_first_name(text, match):
                    doubtful[area.name] += weight * factor * 0.5
                else:
                    sure[area.name] += weight * factor
        for name, weight in doubtful.items():
            if sure[name]:
                sure[name] += weight
        return sure

    def detect(self, title: str, body: str, prior: str | None = None) -> tuple[str | None, list[str]]:
        """(area the story is about, every area mentioned); a known prior wins."""
        scores = self.scores(title, body)
        mentioned = [name for name, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))]
        if prior:
            return prior, mentioned
        return (mentioned[0] if mentioned else None), mentioned
