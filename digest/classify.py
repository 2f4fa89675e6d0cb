"""Classification: topics with the terms that matched, relevance, area, organisation and figures.

The taxonomy's terms (digest.topics) are compiled once into one index.
Subject topics are violence signals; facet topics (court outcomes, enforcement,
prevention, funding, policy) only stack on a subject. Routine police news is
left out unless a violence signal outweighs it.

A story is tagged with the topics it is substantially about, not every one it names
in passing: a body term weighs by its strength in the taxonomy (strong, plain, weak),
a term inside a longer term of another topic (a unit's or a fund's name) does not
count for its own topic, and some stated figures count as strong terms (a grant for
funding, young people reached for prevention). Relevance weighs every term alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Protocol
from urllib.parse import urlsplit

from digest.areas import area_by_name, area_for_council_host, area_for_host
from digest.figures import extract_figures
from digest.gazetteer import Gazetteer
from digest.models import Classification, Extracted, Figure, TopicMatch
from digest.publisher import guess_org_kind, named_in_text, org_name
from digest.terms import Hit, TermIndex
from digest.topics import Taxonomy, Topic

TITLE_WEIGHT = 3.0
TOPIC_THRESHOLD = 2.0
# How much a body match of a term tells, by its strength in the taxonomy, when tagging topics.
STRENGTH = {"strong": 2.0, "plain": 1.0, "weak": 0.5}
REPEAT_WEIGHT = 0.5  # each repeat of a body term, times its strength, up to MAX_REPEATS repeats
MAX_REPEATS = 4
# A stated figure of these kinds is a hit of the topic (kind -> topic, least value), weighing as a
# strong term: a grant or an award of £1,000 or more makes a story about funding (smaller sums are
# debts, fines or prices); a count of young people reached or referred, about prevention work; a
# count of vulnerable people safeguarded, about exploitation.
FIGURE_TOPICS = {"funding_gbp": ("funding", 1000.0), "people_reached": ("prevention", 1.0),
                 "safeguarded": ("exploitation", 1.0)}
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
        self._routine_groups = [(group, ROUTINE + group) for group in taxonomy.routine]  # (group, its index group)

    def classify(self, extracted: Extracted, source_name: str) -> Classification:
        source = self.publishers[source_name]
        title, body = extracted.title, extracted.body
        in_title = _without_line_names(title, self.index.find_terms(title))
        in_body = _without_line_names(body, self.index.find_terms(body))
        figures = extract_figures(body, title)
        matches, subject, facet = self._topic_matches(in_title, in_body, figures)
        routine = {group: _distinct([hit.phrase for hit in in_title.get(key, []) + in_body.get(key, [])])
                   for group, key in self._routine_groups if key in in_title or key in in_body}
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
        host = urlsplit(extracted.url).hostname if extracted.url else None
        host_area = area_for_host(host) or area_for_council_host(host)
        prior = source.area or _known_area(extracted.area_hint) or (host_area.name if host_area else None)
        area, mentioned = self.gazetteer.detect(title, body, prior=prior, publisher=extracted.publisher)
        org_kind = source.org_kind or guess_org_kind(extracted)
        return Classification(
            topics=topics, relevance=relevance, relevant=relevant, area=area, mentioned_areas=mentioned,
            org=(source.org or extracted.publisher or named_in_text(org_kind, f"{title}\n{body}")
                 or org_name(area, org_kind)),
            org_kind=org_kind,
            figures=figures, why_not=None if relevant else _why_not(subject, routine),
        )

    def _topic_matches(self, in_title: dict[str, list[Hit]], in_body: dict[str, list[Hit]],
                       figures: list[Figure]) -> tuple[list[TopicMatch], float, float]:
        """The topics with terms (or figures) in the text, scored for tagging; and the signals of
        subjects and of facets, from all their terms."""
        topics = self.taxonomy.topics
        own_title, own_body = _own_hits(in_title, topics), _own_hits(in_body, topics)
        cues = _figure_cues(figures)
        matches: list[TopicMatch] = []
        signals: dict[str, float] = {"subject": 0.0, "facet": 0.0}
        for topic in topics.values():
            if topic.id not in in_title and topic.id not in in_body and topic.id not in cues:
                continue  # no signal (0.0) and no match
            signals[topic.kind] = signals.get(topic.kind, 0.0) + _signal(in_title.get(topic.id, []),
                                                                         in_body.get(topic.id, []))
            title_hits, body_hits = own_title.get(topic.id, []), own_body.get(topic.id, [])
            if title_hits or body_hits or topic.id in cues:
                matches.append(_match(topic, title_hits, body_hits, cues.get(topic.id, [])))
        return matches, signals["subject"], signals["facet"]


def _signal(title_hits: list[Hit], body_hits: list[Hit]) -> float:
    """How strongly a topic's terms say a story is about serious violence (for relevance): each
    distinct title term weighs TITLE_WEIGHT, each distinct body term 1, repeats a little, up to a cap."""
    in_body = len({hit.phrase for hit in body_hits})
    repeats = len(body_hits) - in_body
    in_title = len({hit.phrase for hit in title_hits})
    return TITLE_WEIGHT * in_title + in_body + REPEAT_WEIGHT * min(repeats, MAX_REPEATS)


def _match(topic: Topic, title_hits: list[Hit], body_hits: list[Hit], cues: list[str]) -> TopicMatch:
    """The topic's match, scored for tagging: like the signal, but a body term weighs by its strength
    (a strong term names what a story is about, a weak one is often said in passing), a weak term in
    the title half a title term ("... away from violence" names no partnership), and each figure that
    cues the topic as a strong term."""
    in_title = _distinct([hit.phrase for hit in title_hits])
    in_body: dict[str, float] = {}  # each distinct phrase with the strength of its term
    repeated: list[float] = []
    for hit in body_hits:
        weight = STRENGTH[topic.strength(hit.term)]
        if hit.phrase in in_body:
            repeated.append(weight)
        else:
            in_body[hit.phrase] = weight
    title_weight = sum(TITLE_WEIGHT * min(1.0, STRENGTH[topic.strength(hit.term)])
                       for hit in {hit.phrase: hit for hit in title_hits}.values())
    score = (title_weight + sum(in_body.values()) + STRENGTH["strong"] * len(cues)
             + REPEAT_WEIGHT * sum(sorted(repeated, reverse=True)[:MAX_REPEATS]))
    terms = in_title + [t for t in list(in_body) + cues if t not in in_title]
    return TopicMatch(topic.id, round(score, 2), terms)


# What follows a county line's name: "the 'Blade' line", "the Blade drugs line".
_LINE_AFTER = re.compile(r"['’\"”]?\s+(?:drugs?\s+|deal\s+|county\s+)?line\b")


def _without_line_names(text: str, found: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
    """The hits but a word that names a county line, capitalised or quoted before "line" ("the Blade
    line" is no blade)."""
    if " line" not in text:
        return found
    named = {topic: [hit for hit in hits if not (_LINE_AFTER.match(text, hit.end) and (
        text[hit.start:hit.start + 1].isupper() or text[hit.start - 1:hit.start] in ("'", "‘", '"', "“")))]
             for topic, hits in found.items()}
    return {topic: hits for topic, hits in named.items() if hits}


def _own_hits(found: dict[str, list[Hit]], topics: Iterable[str]) -> dict[str, list[Hit]]:
    """Each topic's hits but those inside a longer hit of another topic, which are part of a name:
    in "Violence Prevention Unit" (partnership) "prevention" is not prevention work. Only topics
    with hits are given."""
    hits = {topic: found[topic] for topic in topics if topic in found}
    if len(hits) < 2:
        return hits  # no other topic's hit for one to be inside
    spans = sorted(((hit.start, hit.end, topic) for topic, each in hits.items() for hit in each),
                   key=lambda span: (span[0], -span[1]))  # a longer hit before the hits inside it
    if not _overlapping(spans):
        return hits  # most texts: no hit is inside another
    inside: set[tuple[str, int]] = set()  # (topic, start) of the hits inside another topic's
    around: list[tuple[int, int, str]] = []  # (start, end, topic) of the hits that reach this far
    for start, end, topic in spans:
        around = [span for span in around if span[1] > start]
        if any(other != topic and outer_end >= end and outer_end - outer_start > end - start
               for outer_start, outer_end, other in around):
            inside.add((topic, start))
        around.append((start, end, topic))
    return {topic: [hit for hit in each if (topic, hit.start) not in inside] for topic, each in hits.items()}


def _overlapping(spans: list[tuple[int, int, str]]) -> bool:
    """Whether a span (in order of their starts) begins before one before it ends."""
    reach = 0
    for start, end, _ in spans:
        if start < reach:
            return True
        reach = max(reach, end)
    return False


def _figure_cues(figures: list[Figure]) -> dict[str, list[str]]:
    """Topic -> the figures stated that cue it (FIGURE_TOPICS), as terms ("£350,000")."""
    cues: dict[str, list[str]] = {}
    for figure in figures:
        topic, least = FIGURE_TOPICS.get(figure.kind, ("", 0.0))
        if topic and figure.value >= least:
            cues.setdefault(topic, []).append(_figure_term(figure))
    return {topic: _distinct(terms) for topic, terms in cues.items()}


def _figure_term(figure: Figure) -> str:
    """A figure as a reason's term: "£350,000", "612 people reached"."""
    if figure.kind.endswith("_gbp"):
        return f"£{figure.value:,.0f}"
    return f"{figure.value:,.0f} {figure.kind.replace('_', ' ')}"


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
