"""Alert rules, matched against each item as it is stored (and, by `digest alerts test`, against
the archive): the archive's search syntax over the item's title and body, and its filters.

A rule's words match as the full-text index matches them (digest.search): the text is split into
runs of letters and digits, each reduced to its porter stem by SQLite's own tokenizer (so an
alert and a search of the archive never disagree about "stabbing" and "stabbed"), a phrase is
consecutive stems within the title or within the body, a prefix matches the start of a stem.
Rules are indexed by area and by the stems each needs, so an item is compared only with the rules
its area and words could satisfy.
"""

from __future__ import annotations

import logging
import sqlite3
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from digest.config import AlertRule
from digest.models import Classification, Extracted
from digest.records import Matchable
from digest.search import WORD, Term, parse_query

log = logging.getLogger("digest.alerts")

STEMS_KEPT = 200_000  # words remembered with their stem (a few MB)


class Stemmer:
    """Each word's porter stem, as the index's tokenizer (porter over unicode61) makes it."""

    def __init__(self) -> None:
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("create virtual table words using fts5(word, tokenize='porter')")
        self.db.execute("create virtual table stems using fts5vocab(words, 'instance')")
        self.known: dict[str, str] = {}

    def stems(self, words: list[str]) -> list[str]:
        """The stem of each (lower-case) word; "" for a word the tokenizer drops."""
        known = self.known
        missing = [word for word in dict.fromkeys(words) if word not in known]
        if missing:
            if len(known) + len(missing) > STEMS_KEPT:
                known.clear()
            self._stem(missing)
        return [known[word] for word in words]

    def _stem(self, words: list[str]) -> None:
        with self.db:
            self.db.executemany("insert into words (rowid, word) values (?, ?)", enumerate(words, 1))
            found = dict(self.db.execute("select doc, term from stems where offset = 0"))
            self.db.execute("delete from words")
        for number, word in enumerate(words, 1):
            self.known[word] = found.get(number, "")


@dataclass(frozen=True)
class _Pattern:
    stems: tuple[str, ...]
    prefix: bool


class _Text:
    """An item's title and body as stems, for matching patterns."""

    def __init__(self, stemmer: Stemmer, title: str, body: str):
        self.stemmer = stemmer
        self.words = [WORD.findall(title.lower()), WORD.findall(body.lower())]
        self.vocabulary = set(stemmer.stems(list(set(self.words[0]) | set(self.words[1]))))
        self._sorted: list[str] | None = None
        self._positions: list[dict[str, list[int]]] | None = None
        self._columns: list[list[str]] | None = None

    @property
    def columns(self) -> list[list[str]]:
        """The title's and the body's stems in order (made when a phrase is first looked for)."""
        if self._columns is None:
            self._columns = [self.stemmer.stems(words) for words in self.words]
        return self._columns

    def has(self, pattern: _Pattern) -> bool:
        *whole, last = pattern.stems
        if any(stem not in self.vocabulary for stem in whole):
            return False
        if not whole:
            return self._has_prefix(last) if pattern.prefix else last in self.vocabulary
        if not pattern.prefix and last not in self.vocabulary:
            return False
        return any(_phrase_at(column, positions.get(whole[0], ()), pattern)
                   for column, positions in zip(self.columns, self._positions_of(), strict=True))

    def _has_prefix(self, start: str) -> bool:
        if self._sorted is None:
            self._sorted = sorted(self.vocabulary)
        at = bisect_left(self._sorted, start)
        return at < len(self._sorted) and self._sorted[at].startswith(start)

    def _positions_of(self) -> list[dict[str, list[int]]]:
        """Where each stem stands in each column (built when a phrase is first looked for)."""
        if self._positions is None:
            self._positions = []
            for column in self.columns:
                positions: dict[str, list[int]] = {}
                for at, stem in enumerate(column):
                    positions.setdefault(stem, []).append(at)
                self._positions.append(positions)
        return self._positions


def _phrase_at(stems: list[str], starts: Iterable[int], pattern: _Pattern) -> bool:
    """Whether the phrase stands at one of `starts` (the positions of its first stem) in the column."""
    *whole, last = pattern.stems
    size = len(pattern.stems)
    for start in starts:
        if stems[start:start + size - 1] == whole and start + size - 1 < len(stems):
            word = stems[start + size - 1]
            if word == last or (pattern.prefix and word.startswith(last)):
                return True
    return False


class Rule:
    def __init__(self, config: AlertRule, stemmer: Stemmer):
        self.name = config.name
        self.config = config
        terms = parse_query(config.q).terms
        # Plain words first, then prefixes, then phrases: the cheapest tests decide most items.
        self.wanted = sorted((_pattern(term, stemmer) for term in terms if not term.excluded),
                             key=lambda pattern: (len(pattern.stems), pattern.prefix))
        self.unwanted = [_pattern(term, stemmer) for term in terms if term.excluded]
        self.areas, self.topics = config.areas, set(config.topics)
        self.org_kinds = set(config.org_kinds)

    def needed(self) -> set[str]:
        """The stems every matching item has: the whole words of its words and phrases."""
        return {stem for pattern in self.wanted for stem in pattern.stems[:len(pattern.stems) - pattern.prefix]}

    def passes_filters(self, item: Matchable) -> bool:
        rule = self.config
        return (item.relevant and item.relevance >= rule.min_relevance
                and (not self.org_kinds or item.org_kind in self.org_kinds)
                and (not self.topics or not self.topics.isdisjoint(item.topics))
                and all(item.figures.get(kind, 0) >= least for kind, least in rule.figures.items()))

    def matches_text(self, text: _Text) -> bool:
        return all(text.has(p) for p in self.wanted) and not any(text.has(p) for p in self.unwanted)


def _pattern(term: Term, stemmer: Stemmer) -> _Pattern:
    return _Pattern(tuple(stemmer.stems(list(term.words))), term.prefix)


class _Index:
    """Rules by the stems they need (every whole word of their query): a rule is looked at only for
    an item that has all of them. Rules needing no whole word are always looked at."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.needs: list[int] = []  # how many stems each rule needs
        self.postings: dict[str, list[int]] = {}  # stem -> the rules (by position) that need it
        self.always: list[Rule] = []

    def add(self, rule: Rule) -> None:
        needed = rule.needed()
        if not needed:
            self.always.append(rule)
            return
        for stem in needed:
            self.postings.setdefault(stem, []).append(len(self.rules))
        self.rules.append(rule)
        self.needs.append(len(needed))

    def possible(self, vocabulary: set[str]) -> list[Rule]:
        found = [0] * len(self.rules)
        for stem in self.postings.keys() & vocabulary:
            for number in self.postings[stem]:
                found[number] += 1
        return [*self.always, *(rule for rule, have, need in zip(self.rules, found, self.needs, strict=True)
                                if have == need)]


class Matcher:
    """The configured rules, ready to match items: indexed by area (a rule with areas is looked at
    only for items of those areas), then by a stem each needs."""

    def __init__(self, rules: Iterable[AlertRule], stemmer: Stemmer | None = None):
        self.stemmer = stemmer or Stemmer()
        self.rules = [Rule(rule, self.stemmer) for rule in rules]
        self.indexes: dict[str | None, _Index] = {}  # None: rules for any area
        for rule in self.rules:
            areas: list[str | None] = [*rule.areas] or [None]
            for area in areas:
                self.indexes.setdefault(area, _Index()).add(rule)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def matching(self, item: Matchable) -> list[str]:
        """The names of the rules the item matches, in config order."""
        indexes = [self.indexes[area] for area in {item.area, None} if area in self.indexes]
        if not item.relevant or not indexes:
            return []
        text = _Text(self.stemmer, item.title, item.body)
        hits = {rule.name for index in indexes for rule in index.possible(text.vocabulary)
                if rule.passes_filters(item) and rule.matches_text(text)}
        return [rule.name for rule in self.rules if rule.name in hits]


def candidate_of(extracted: Extracted, classification: Classification) -> Matchable:
    figures: dict[str, float] = {}
    for figure in classification.figures:
        figures[figure.kind] = max(figure.value, figures.get(figure.kind, 0.0))
    return Matchable(extracted.title, extracted.body, classification.relevant, classification.relevance,
                     classification.area, classification.org_kind,
                     frozenset(match.topic for match in classification.topics), figures)


Record = Callable[[int, int, dict[str, list[str]]], list[str]]


class Alerting:
    """Used by the ingest's writer: matches each stored item and records the rules it matched (a
    story once a rule), in the item's own transaction."""

    def __init__(self, rules: list[AlertRule], record: Record):
        self.matcher = Matcher(rules)
        self.targets = {rule.name: rule.targets() for rule in rules}
        self.record = record

    def stored(self, item_id: int, story: int, item: Matchable) -> None:
        matched = self.matcher.matching(item)
        if matched:
            recorded = self.record(item_id, story, {name: self.targets[name] for name in matched})
            for name in recorded:
                log.info("alert %r matched item %s", name, item_id)


class Archived(Protocol):
    """A stored item as `alerts test` reads it back (digest.store.alerts.Stored)."""

    @property
    def story(self) -> int: ...
    @property
    def candidate(self) -> Matchable: ...


T = TypeVar("T", bound=Archived)


def preview(rule: AlertRule, stored: Iterable[T]) -> list[T]:
    """What the rule would have matched among stored items (oldest first): as matching while storing
    them would have, a story once, at its first matching item."""
    matcher = Matcher([rule])
    stories: set[int] = set()
    matched = []
    for item in stored:
        if item.story not in stories and matcher.matching(item.candidate):
            stories.add(item.story)
            matched.append(item)
    return matched
