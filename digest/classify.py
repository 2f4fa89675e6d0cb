"""Classification: topics with the terms that matched, relevance, area, organisation and figures.

The taxonomy's terms (digest.topics) are compiled once into one index.
Subject topics are violence signals; facet topics (court outcomes, enforcement,
prevention, funding, policy) only stack on a subject. Routine police news is
left out unless a violence signal outweighs it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urlsplit

from digest.areas import area_by_name, area_for_host
from digest.figures import extract_figures
from digest.gazetteer import Gazetteer
from digest.models import Classification, Extracted, TopicMatch
from digest.publisher import guess_org_kind, named_in_text, org_name
from digest.terms import TermIndex
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
            org=(source.org or extracted.publisher or named_in_text(org_kind, f"{title}\n{body}")
                 or org_name(area, org_kind)),
            org_kind=org_kind,
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
