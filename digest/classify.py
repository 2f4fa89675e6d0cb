"""Classification: topics with the terms that matched, relevance, area, organisation and figures.

The taxonomy's terms (digest.topics) are compiled once into one index.
Subject topics are violence signals; facet topics (court outcomes, enforcement,
prevention, funding, policy) only stack on a subject. Routine police news is
left out unless a violence signal outweighs it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from digest.areas import area_by_name, area_for_host
from digest.figures import extract_figures
from digest.gazetteer import Gazetteer
from digest.models import Classification, Extracted, TopicMatch
from digest.phrases import Automaton
from digest.terms import TermIndex
from digest.text import fold_case, matches_at
from digest.topics import Taxonomy, Topic

TITLE_WEIGHT = 3.0
TOPIC_THRESHOLD = 2.0
SIGNAL_SCALE = 3.0
ROUTINE = "routine:"


class Publisher(Protocol):
    """What a configured source says of who publishes it (a config source has these)."""

    @property
    def area(self) -> str | None: ...
    @property
    def org(self) -> str | None: ...
    @property
    def org_kind(self) -> str | None: ...


def term_index(taxonomy: Taxonomy) -> TermIndex:
    """One index of every topic's terms and every routine group's, for one pass over a text."""
    return TermIndex({
        **{topic.id: topic.terms for topic in taxonomy.topics.values()},
        **{ROUTINE + group: terms for group, terms in taxonomy.routine.items()},
    })


class Classifier:
    def __init__(self, taxonomy: Taxonomy, min_relevance: float, publishers: Mapping[str, Publisher]):
        self.taxonomy = taxonomy
        self.index = term_index(taxonomy)
        self.min_relevance = min_relevance
        self.publishers = publishers
        self.gazetteer = Gazetteer()

    def classify(self, extracted: Extracted, source_name: str) -> Classification:
        source = self.publishers[source_name]
        title, body = extracted.title, extracted.body
        in_title, in_body = self.index.find(title), self.index.find(body)
        matches = [_match(t, in_title.get(t.id, []), in_body.get(t.id, []))
                   for t in self.taxonomy.topics.values() if in_title.get(t.id) or in_body.get(t.id)]
        subject = sum(m.score for m in matches if self.taxonomy.topics[m.topic].kind == "subject")
        facet = sum(m.score for m in matches if self.taxonomy.topics[m.topic].kind == "facet")
        routine = {group: _distinct(in_title.get(ROUTINE + group, []) + in_body.get(ROUTINE + group, []))
                   for group in self.taxonomy.routine}
        routine = {group: terms for group, terms in routine.items() if terms}
        signal = subject + (0.25 * facet if subject else 0.0)
        relevance = 1 - math.exp(-signal / SIGNAL_SCALE)
        routine_weight = sum(len(terms) for terms in routine.values())
        if routine and routine_weight * 2 >= subject:
            relevance *= 0.5
        relevant = relevance >= self.min_relevance
        # Subjects lead (they decide the digest section); facets stack after them.
        topics = sorted((m for m in matches if m.score >= TOPIC_THRESHOLD),
                        key=lambda m: (self.taxonomy.topics[m.topic].kind != "subject", -m.score, m.topic))
        if relevant and not topics and matches:
            topics = [max(matches, key=lambda m: m.score)]
        host_area = area_for_host(urlsplit(extracted.url).hostname) if extracted.url else None
        prior = source.area or _known_area(extracted.area_hint) or (host_area.name if host_area else None)
        area, mentioned = self.gazetteer.detect(title, body, prior=prior)
        org_kind = source.org_kind or guess_org_kind(extracted)
        return Classification(
            topics=topics, relevance=relevance, relevant=relevant, area=area, mentioned_areas=mentioned,
            org=source.org or _org_name(area, org_kind), org_kind=org_kind,
            figures=extract_figures(body, title), why_not=None if relevant else _why_not(subject, routine),
        )


def _match(topic: Topic, title_hits: list[str], body_hits: list[str]) -> TopicMatch:
    """Title terms weigh TITLE_WEIGHT; each distinct body term 1; repeats a little, up to a cap."""
    in_title, in_body = _distinct(title_hits), _distinct(body_hits)
    extra = len(body_hits) - len(in_body)
    score = TITLE_WEIGHT * len(in_title) + len(in_body) + 0.5 * min(extra, 4)
    terms = in_title + [t for t in in_body if t not in in_title]
    return TopicMatch(topic.id, round(score, 2), terms)


def _known_area(name: str | None) -> str | None:
    """A front-matter area, if it is one of the contract's area names."""
    return name if area_by_name(name) else None


def _distinct(hits: list[str]) -> list[str]:
    """Each hit once, in order. Hits come from TermIndex.find, already in lower case with single
    spaces (lowering and re-spacing them again changes no string: checked over all of Unicode)."""
    return list(dict.fromkeys(hits))


def _why_not(subject: float, routine: dict[str, list[str]]) -> str:
    if routine:
        groups = "; ".join(f"{group.replace('_', ' ')}: {', '.join(terms[:4])}" for group, terms in routine.items())
        return f"routine police news ({groups}) without a strong serious-violence signal"
    if subject:
        return "only a weak serious-violence signal"
    return "no serious-violence signal"


# (publisher kind, cue, weight, starts): cues a release, a blog or a news story gives of who wrote it.
# Council and police cues are case-sensitive. `starts` lists what every match of the cue begins
# with (in any case, when the cue ignores case): the cue is only tried where one of them begins,
# far faster than scanning the text with it. A start missing here silently loses matches.
# Starts of case-sensitive cues are ASCII.
_ORG_CUES = [
    ("news", r"\btold (?:the )?(?:[A-Z][\w’']+ ){0,3}(?:Gazette|Echo|Standard|Chronicle|Post|Times|Mail|Telegraph|"
             r"Herald|Courier|Advertiser|Journal|News|Mercury|Argus|Express|Star|Citizen|Independent|Observer|Press|Live)\b", 4,
     ("told ",)),
    ("news", r"\blocal democracy reporting\b|\bour reporter\b|\bcontacted by (?:the|this) (?:newspaper|paper|website)\b", 4,
     ("local democracy reporting", "our reporter", "contacted by ")),
    ("news", r"\b(?:police|officers|detectives|the force|a (?:police )?spokes(?:wo)?man|a spokesperson) (?:said|say|have said|confirmed)\b", 2,
     ("police ", "officers ", "detectives ", "the force ", "a police spokes", "a spokes")),
    ("council", r"\b(?:Cllr|Councillor|cabinet member|council leader|leader of the council)\b", 2,
     ("Cllr", "Councillor", "cabinet member", "council leader", "leader of the council")),
    ("council", r"\b(?:the council|(?:city|county|borough|district) council)\b", 1,
     ("the council", "city council", "county council", "borough council", "district council")),
    ("pcc", r"\bcommissioner[’']s blog\b|\bmy office\b|\bas (?:your )?commissioner\b|\bdeputy mayor for policing\b", 4,
     ("commissioner’s blog", "commissioner's blog", "my office", "as commissioner", "as your commissioner",
      "deputy mayor for policing")),
    ("pcc", r"\b(?:police(?:,)? (?:fire )?and crime commissioner|\bP(?:F)?CC\b|\bOP(?:F)?CC\b)", 2,
     ("police ", "police,", "PCC", "PFCC", "OPCC", "OPFCC")),
    ("vru", r"\b(?:violence (?:and exploitation )?reduction (?:unit|partnership|network)|VE?RU|VRP|CURV|violence prevention (?:unit|partnership))\b", 2,
     ("violence ", "VRU", "VERU", "VRP", "CURV")),
    ("police", r"\b(?:DC|DS|PC|DI|DCI|PCSO|Sgt|Insp|Detective|Inspector|Sergeant|Superintendent|Chief Constable)\b[^.]{0,60}\bsaid\b", 2,
     ("DC", "DS", "PC", "DI", "DCI", "PCSO", "Sgt", "Insp", "Detective", "Inspector", "Sergeant", "Superintendent",
      "Chief Constable")),
    ("police", r"\bquoting (?:crime reference|incident|reference|operation)\b|\bcall(?:ing)? 101\b|\bcontact us\b", 2,
     ("quoting ", "call 101", "calling 101", "contact us")),
    ("police", r"\b(?:officers|arrested|constabulary)\b", 1,
     ("officers", "arrested", "constabulary")),
]


@dataclass(frozen=True)
class _OrgCue:
    kind: str
    pattern: re.Pattern[str]
    weight: int
    starts: tuple[str, ...]  # lower-cased when the pattern ignores case
    ignore_case: bool

    def count(self, text: str, starts_at: list[int]) -> int:
        """len(self.pattern.findall(text)), trying the pattern only at `starts_at`: every place,
        in order, where one of the cue's starts begins (as _CueStarts.find gives them)."""
        return sum(1 for _ in matches_at(self.pattern, text, starts_at))


def _org_cue(kind: str, cue: str, weight: int, starts: tuple[str, ...]) -> _OrgCue:
    if kind in ("council", "police"):
        assert all(start.isascii() for start in starts), "case-sensitive starts are found in the folded text"
        return _OrgCue(kind, re.compile(cue), weight, starts, ignore_case=False)
    return _OrgCue(kind, re.compile(cue, re.I), weight, tuple(start.lower() for start in starts), ignore_case=True)


class _CueStarts:
    """Where the starts of each cue begin in a text, for all cues in one pass: an automaton of the
    starts in lower case over the case-folded text, keeping a case-sensitive start only where the
    text has it as written. A str.find per start and text cost more than all the rest of guess_org_kind.
    """

    def __init__(self, cues: list[_OrgCue]):
        self._cue_count = len(cues)
        by_key: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
        for index, cue in enumerate(cues):
            for start in cue.starts:
                # An ASCII start's lower case is where fold_case puts it, at the same position.
                by_key[start if cue.ignore_case else start.lower()].append((index, start, cue.ignore_case))
        self._automaton = Automaton((key, tuple(entries)) for key, entries in by_key.items())

    def find(self, text: str, folded: str) -> list[list[int]]:
        """For each cue, in order: the positions where one of its starts begins. `folded` is fold_case(text)."""
        found: list[set[int]] = [set() for _ in range(self._cue_count)]
        for at, _, entries in self._automaton.find(folded):
            for index, start, ignore_case in entries:
                if ignore_case or text.startswith(start, at):
                    found[index].add(at)
        return [sorted(positions) for positions in found]


_ORG_PATTERNS = [_org_cue(*cue) for cue in _ORG_CUES]
_CUE_STARTS = _CueStarts(_ORG_PATTERNS)


def guess_org_kind(extracted: Extracted) -> str:
    """Who published it, from the URL's host, else from what the text says of itself."""
    host = urlsplit(extracted.url).hostname if extracted.url else None
    if host:
        if re.search(r"pcc|pfcc|commissioner|mopac", host):
            return "pcc"
        if re.search(r"vru|veru|vrp|violence", host):
            return "vru"
        if area_for_host(host) or host.endswith("police.uk"):
            return "police"
    paragraphs = extracted.body.split("\n\n")
    opening = extracted.title + "\n" + "\n".join(paragraphs[:3])
    rest = "\n".join(paragraphs[3:])
    in_opening = _CUE_STARTS.find(opening, fold_case(opening))
    in_rest = _CUE_STARTS.find(rest, fold_case(rest))
    scores: dict[str, float] = {}
    for cue, opening_starts, rest_starts in zip(_ORG_PATTERNS, in_opening, in_rest, strict=True):
        hits = 2 * cue.count(opening, opening_starts) + cue.count(rest, rest_starts)
        scores[cue.kind] = scores.get(cue.kind, 0.0) + cue.weight * min(hits, 4)
    best = max(scores, key=lambda kind: scores[kind])
    return best if scores[best] else "other"


def _org_name(area: str | None, org_kind: str) -> str | None:
    known = area_by_name(area)
    if not known:
        return None
    if org_kind == "police":
        return known.force
    if org_kind == "pcc":
        return known.commissioner
    return None
