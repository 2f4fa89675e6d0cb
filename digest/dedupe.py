"""Near-duplicate judgement: which stored story, if any, a new text retells.

A decision made from the new story (its keys, facts, area and date) and the candidates it is
given (stored items sharing LSH bands or facts with it, proposed by the store). It reads and
writes nothing; the pipeline applies the decision in the document's transaction.

- A retelling that keeps most of the words (Jaccard of the shingles at or above the threshold)
  joins its story.
- A copy that keeps only part of them (truncated after a banner, cut elsewhere, excerpted,
  reordered or spun: most of the shorter text's shingles in the longer one) joins when the
  story's facts agree: the numbers it states, else its names.
- An independent report of one incident (other words, the same place, day, names and numbers)
  joins when the two agree on area, date and most of their facts.
- Different events told with one template (two Sceptre weeks, a scheme's launch and its
  awards) share words but not their numbers or their dates: they never join. Nor do stages of
  one case (its raids, charges, verdict, sentence, appeal), however much text they share.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from digest.facts import ROLE_WORDS
from digest.models import Candidate
from digest.shingles import TextKeys, jaccard, shingle_hashes, word_bytes


@dataclass(frozen=True)
class Decision:
    cluster: int | None  # the cluster of the story it retells; None: a story of its own
    similarity: float
    reported: bool = False  # joined as another outlet's own report of the incident, not a copy


@dataclass(frozen=True)
class Story:
    """What the judgement needs of a new text."""

    keys: TextKeys
    facts: frozenset[str]
    lead: frozenset[str]  # the facts of its headline and first paragraph
    area: str | None
    published: date | None


ShinglesOf = Callable[[Candidate], "np.ndarray"]


class NearDuplicates:
    """Puts a new or changed item in the cluster of the story it retells, if it retells one."""

    MAX_CANDIDATES = 20  # from the bands and from the facts, those sharing most first
    ESTIMATE_MARGIN = 0.15  # about three standard errors of a 128-permutation estimate
    COPY_CONTAINMENT = 0.30  # the share of the shorter text's shingles a partial copy keeps
    COPY_DAYS = 30  # retellings of one story are published within this many days of each other
    PARTIAL_COPY_DAYS = 7  # partial copies (a weekly paper's, a round-up's) within a week
    INCIDENT_DAYS = 2  # independent reports of one incident, within this many
    INCIDENT_FACTS = 5  # and sharing at least this many facts
    BRIEF_FACTS = 6  # a brief report (a bulletin's, a paragraph's) states no more than this many
    BRIEF_SHARED = 4  # and shares at least this many of them, nearly all it states

    def __init__(self, threshold: float):
        self.threshold = threshold

    @staticmethod
    def lookup_facts(facts: frozenset[str]) -> list[str]:
        """The facts to find candidates by: the most telling first (names of several words, then
        numbers of three or more digits that are not years, then the rest), each kind in order, at most
        LOOKUP_FACTS."""
        ranked: tuple[list[str], ...] = ([], [], [], [])  # by how telling, as the docstring lists them
        for fact in facts:
            if fact.startswith("w:"):
                ranked[0 if " " in fact else 2].append(fact)
            elif fact.startswith("n:"):  # (an "m:" number is found as its digits' "n:" only)
                number = fact[2:].split(".")[0]
                ranked[1 if len(number) >= 3 and not _YEAR.match(number) else 3].append(fact)
        return [fact for kind in ranked for fact in sorted(kind)][:LOOKUP_FACTS]

    def judge(self, story: Story, candidates: list[Candidate], shingles_of: ShinglesOf) -> Decision:
        """The story the new text retells best, if any. `shingles_of` gives a candidate's shingles
        when an estimate is too close to call."""
        estimates = story.keys.signature.similarities([candidate.signature for candidate in candidates])
        best_cluster, best = None, 0.0
        for candidate, estimate in zip(candidates, estimates, strict=True):
            score = self._score(story, candidate, estimate, shingles_of)
            if score > best:
                best_cluster, best = candidate.cluster, score
        return Decision(best_cluster, best, reported=best_cluster is not None and best <= self._report_score)

    @property
    def _report_score(self) -> float:
        """The score of an independent report of one incident: below any copy's (which is at least
        COPY_CONTAINMENT of the threshold)."""
        return self.threshold / 4

    def _score(self, story: Story, candidate: Candidate, estimate: float, shingles_of: ShinglesOf) -> float:
        """How surely the new text retells the candidate's story: its Jaccard similarity for a
        retelling, lower for a partial copy or a report of the same incident; 0 for another story."""
        if (story.area != candidate.area and story.area is not None and candidate.area is not None
                and not abs(estimate - self.threshold) < self.ESTIMATE_MARGIN and estimate < self.threshold):
            return 0.0  # no retelling by its estimate, and only a retelling joins across areas (most candidates)
        if (_days_apart(story.published, candidate.published) > self.COPY_DAYS
                or not _stages_agree(story.lead, candidate.lead)):
            return 0.0
        similarity = estimate
        if abs(estimate - self.threshold) < self.ESTIMATE_MARGIN:
            similarity = jaccard(story.keys.shingles, shingles_of(candidate))
        if similarity >= self.threshold:
            return similarity
        if not _areas_agree(story.area, candidate.area):
            return 0.0
        dated = story.published is not None and candidate.published is not None
        if _days_apart(story.published, candidate.published) > self.PARTIAL_COPY_DAYS:
            return 0.0
        roughly = _containment(similarity, len(story.keys.shingles), candidate.shingles)
        later = dated and _days_apart(story.published, candidate.published) > self.INCIDENT_DAYS
        if (roughly > self.COPY_CONTAINMENT - self.ESTIMATE_MARGIN and candidate.shingles
                and _facts_agree(story, candidate, strict=not dated or later)
                and not (later and _leads_with_news(story, candidate))):
            containment = self._containment(story, candidate, similarity, shingles_of)
            if containment >= self.COPY_CONTAINMENT:
                return containment * self.threshold
        if (_days_apart(story.published, candidate.published) > self.INCIDENT_DAYS
                or len(story.facts & candidate.facts) < self.BRIEF_SHARED):
            return 0.0
        return self._report_score if self._same_incident(story, candidate) else 0.0

    def _containment(self, story: Story, candidate: Candidate, similarity: float, shingles_of: ShinglesOf) -> float:
        """The share of the shorter text's shingles found in the longer: from the Jaccard similarity
        and the two sizes, computed exactly when the estimate is close to the line."""
        own, theirs = len(story.keys.shingles), candidate.shingles
        estimate = _containment(similarity, own, theirs)
        if abs(estimate - self.COPY_CONTAINMENT) < self.ESTIMATE_MARGIN:
            return _containment(jaccard(story.keys.shingles, shingles_of(candidate)), own, theirs)
        return estimate

    def _same_incident(self, story: Story, candidate: Candidate) -> bool:
        """Another outlet's report of the same incident: one area and day, most facts shared (more of
        them when a date or the area is unknown, or when too few numbers are stated to compare; fewer,
        but nearly all it states, for a brief report)."""
        if _days_apart(story.published, candidate.published) > self.INCIDENT_DAYS:
            return False
        known = (story.published is not None and candidate.published is not None
                 and (story.area is not None or candidate.area is not None))
        shared = story.facts & candidate.facts
        facts, share, numbers = (self.INCIDENT_FACTS, 0.5, 0.6) if known else (2 * self.INCIDENT_FACTS, 0.7, 0.75)
        if _share(shared, story.facts, candidate.facts) < share:
            return False  # the cheapest test first: most candidates fail it
        number_share = _number_share(story.facts, candidate.facts)
        if known and min(len(story.facts), len(candidate.facts)) <= self.BRIEF_FACTS:
            # A brief report of the incident (a bulletin's few lines): nearly all it states is in the other.
            facts, share = self.BRIEF_SHARED, 0.8
            number_share = 1.0 if number_share is None else number_share
        elif number_share is None:  # one number or none to compare: the names must carry it
            facts, share, number_share = 2 * self.INCIDENT_FACTS, max(share, 0.6), 1.0
        return (len(shared) >= facts and _share(shared, story.facts, candidate.facts) >= share
                and number_share >= numbers and _leads_agree(story, candidate))


LOOKUP_FACTS = 12
_YEAR = re.compile(r"^(?:19[5-9]\d|20[0-4]\d)$")


def _containment(similarity: float, own: int, theirs: int) -> float:
    if not own or not theirs:
        return 0.0
    shared = similarity * (own + theirs) / (1 + similarity)
    return min(1.0, shared / min(own, theirs))


def _days_apart(one: date | None, other: date | None) -> int:
    return abs((one - other).days) if one and other else 0


def _areas_agree(one: str | None, other: str | None) -> bool:
    return one is None or other is None or one == other


def _share(shared: frozenset[str], one: frozenset[str], other: frozenset[str]) -> float:
    smaller = min(len(one), len(other))
    return len(shared) / smaller if smaller else 0.0


@lru_cache(maxsize=4096)
def _numbers(facts: frozenset[str]) -> frozenset[float]:
    return frozenset(float(fact[2:]) for fact in facts if fact.startswith("n:"))


@lru_cache(maxsize=4096)
def _all_numbers(facts: frozenset[str]) -> frozenset[float]:
    """The numbers a text states, in digits or written out."""
    return _numbers(facts) | _worded(facts)


@lru_cache(maxsize=4096)
def _worded(facts: frozenset[str]) -> frozenset[float]:
    """The numbers written out to open a sentence ("m:19"): one the other text states in digits is stated."""
    return frozenset(float(fact[2:]) for fact in facts if fact.startswith("m:"))


def _is_round(number: float) -> bool:
    return number >= 100 and number % 100 == 0


@lru_cache(maxsize=4096)
def _round_numbers(numbers: frozenset[float]) -> tuple[float, ...]:
    return tuple(number for number in numbers if _is_round(number))


def _stated(number: float, numbers: frozenset[float]) -> bool:
    """Whether `numbers` has this number, or a round figure for it ("more than 1,500" for 1,502;
    16,000 for 16,384), or, when it is round, a number it rounds."""
    if number in numbers:
        return True
    if _is_round(number):
        return _rounds_one_of(number, numbers)
    return _rounded_by_one_of(number, _round_numbers(numbers))


def _rounds_one_of(round_number: float, numbers: Iterable[float]) -> bool:
    return any(abs(other - round_number) <= round_number * 0.05 for other in numbers)


def _rounded_by_one_of(number: float, round_numbers: Iterable[float]) -> bool:
    return any(abs(number - other) <= other * 0.05 for other in round_numbers)


@lru_cache(maxsize=4096)  # a pair is often asked twice: are they copies, are they one incident
def _number_share(one: frozenset[str], other: frozenset[str]) -> float | None:
    """The share of the numbers of the story stating fewer that the other states too (`_stated`, or
    written out); of two stating as many, the larger share. None when either states fewer than two."""
    ones, others = _numbers(one), _numbers(other)
    if min(len(ones), len(others)) < 2:
        return None
    if len(ones) == len(others):
        return max(_stated_share(ones, _all_numbers(other)), _stated_share(others, _all_numbers(one)))
    fewer, more = (ones, _all_numbers(other)) if len(ones) < len(others) else (others, _all_numbers(one))
    return _stated_share(fewer, more)


def _stated_share(fewer: frozenset[float], more: frozenset[float]) -> float:
    missing = fewer - more
    stated = len(fewer) - len(missing)
    if missing:  # the round ones first, then the others, which only a round number can state
        stated += sum(1 for number in _round_numbers(fewer) if number in missing and _rounds_one_of(number, more))
        if round_numbers := _round_numbers(more):
            stated += sum(1 for number in missing if not _is_round(number)
                          and _rounded_by_one_of(number, round_numbers))
    return stated / len(fewer)


def _facts_agree(story: Story, candidate: Candidate, strict: bool) -> bool:
    """Two texts about one event: the event the shorter one leads with is in the other, and most of
    their numbers (or, failing numbers, most facts) are in common. `strict`: without both dates to
    tell two editions of a template apart, more must agree."""
    facts = _share(story.facts & candidate.facts, story.facts, candidate.facts)
    numbers = _number_share(story.facts, candidate.facts)
    if numbers is None:  # too few numbers to tell: a template's stock names alone must not decide
        agree = facts >= 0.75
    else:
        agree = numbers >= (0.6 if strict else 0.5) or facts >= (0.75 if strict else 0.6)
    return agree and _leads_agree(story, candidate)


def _leads_with_news(story: Story, candidate: Candidate) -> bool:
    """Whether the later of two texts leads with a number the earlier does not state: a later
    development of a case ("A 16-year-old boy has now been charged"), which may repeat much of what
    was said before; a copy published days later leads with what it copies."""
    later, earlier = (story, candidate) if story.published and candidate.published and (
        story.published > candidate.published) else (candidate, story)
    numbers = _numbers(earlier.facts)
    return any(fact.startswith("n:") and not _stated(float(fact[2:]), numbers) for fact in later.lead)


@lru_cache(maxsize=4096)
def _name_words(facts: frozenset[str]) -> frozenset[str]:
    return frozenset(word for fact in facts if fact.startswith("w:") for word in fact[2:].split())


@lru_cache(maxsize=4096)
def _stages(lead: frozenset[str]) -> frozenset[str]:
    """The stages of a case a lead reports ("c:charged"); leads recur, as candidates of many texts."""
    return frozenset(fact for fact in lead if fact.startswith("c:"))


def _stages_agree(one: frozenset[str], other: frozenset[str]) -> bool:
    """Two leads reporting different stages of a case (its raids and its charges) tell two stories."""
    stages = _stages(one), _stages(other)
    return not (stages[0] and stages[1]) or stages[0] == stages[1]


def _leads_agree(story: Story, candidate: Candidate) -> bool:
    """The facts the shorter text leads with (headline, first paragraph) are mostly in the other: its
    numbers, or round figures for them, and its names, word for word in any of the other's names
    but for the words that give a role ("Police and Crime Commissioner Marc Jones" is "Marc Jones")."""
    lead, other = ((story.lead, candidate.facts) if len(story.facts) <= len(candidate.facts)
                   else (candidate.lead, story.facts))
    lead = lead - _stages(lead)
    if not lead:
        return True  # a lead without facts tells nothing
    numbers, words = _all_numbers(other), _name_words(other)
    if _worded(lead):  # a number the lead writes out counts when the other states it, and is no fact it lacks when not
        lead = frozenset(fact for fact in lead if not fact.startswith("m:") or float(fact[2:]) in numbers)
        if not lead:
            return True
    found = sum(1 for fact in lead if fact in other
                or (fact[:2] in ("n:", "m:") and _stated(float(fact[2:]), numbers))
                or (fact.startswith("w:") and _who(fact) <= words))
    return found / len(lead) > 0.5


@lru_cache(maxsize=4096)
def _who(name: str) -> frozenset[str]:
    """The words of a name fact ("w:...") that say who or where, not what role."""
    return frozenset(name[2:].split()) - ROLE_WORDS


class ShingleCache:
    """Shingles of stored items, kept for the candidates that recur (retellings tend to follow soon)."""

    SIZE = 4000  # about 5 KB each

    def __init__(self, body_of: Callable[[int], str]):
        self._body_of = body_of
        self._recent: OrderedDict[tuple[int, str], np.ndarray] = OrderedDict()  # oldest first

    def of(self, candidate: Candidate) -> np.ndarray:
        cached = self._recent.get((candidate.item_id, candidate.fingerprint))
        if cached is None:
            cached = shingle_hashes(word_bytes(self._body_of(candidate.item_id)))
            self.remember(candidate.item_id, candidate.fingerprint, cached)
        return cached

    def remember(self, item_id: int, fingerprint: str, shingles: np.ndarray) -> None:
        if len(self._recent) >= self.SIZE:
            self._recent.popitem(last=False)
        self._recent[(item_id, fingerprint)] = shingles
