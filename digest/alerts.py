"""Alert rules, matched against each item as it is stored (and, by `digest alerts test`, against
the archive): the archive's search syntax over the item's title and body, and its filters.

A rule's words match as the full-text index matches them (digest.search): the text is split into
runs of letters and digits, each reduced to its porter stem by SQLite's own tokenizer (so an
alert and a search of the archive never disagree about "stabbing" and "stabbed"), a phrase is
consecutive stems within the title or within the body, a prefix matches the start of a stem.
Rules are indexed by one stem each must find, so an item is compared only with the rules its
words could satisfy.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from digest.config import AlertRule
from digest.models import Classification, Extracted
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
class Candidate:
    """What a rule looks at in a stored item."""

    title: str
    body: str
    relevant: bool
    relevance: float
    area: str | None
    org_kind: str | None
    topics: frozenset[str]
    figures: dict[str, float]  # the largest value stated of each kind


@dataclass(frozen=True)
class _Pattern:
    stems: tuple[str, ...]
    prefix: bool


class _Text:
    """An item's title and body as stems, for matching patterns."""

    def __init__(self, stemmer: Stemmer, title: str, body: str):
        self.columns = [stemmer.stems([w.lower() for w in WORD.findall(title)]),
                        stemmer.stems([w.lower() for w in WORD.findall(body)])]
        self.vocabulary = set(self.columns[0]) | set(self.columns[1])

    def has(self, pattern: _Pattern) -> bool:
        if len(pattern.stems) == 1:
            stem = pattern.stems[0]
            if pattern.prefix:
                return any(word.startswith(stem) for word in self.vocabulary)
            return stem in self.vocabulary
        return any(_phrase_in(column, pattern) for column in self.columns)


def _phrase_in(stems: list[str], pattern: _Pattern) -> bool:
    *whole, last = pattern.stems
    size = len(pattern.stems)
    for start in range(len(stems) - size + 1):
        if stems[start:start + size - 1] == whole:
            word = stems[start + size - 1]
            if word == last or (pattern.prefix and word.startswith(last)):
                return True
    return False


class Rule:
    def __init__(self, config: AlertRule, stemmer: Stemmer):
        self.name = config.name
        self.config = config
        terms = parse_query(config.q).terms
        self.wanted = [_pattern(term, stemmer) for term in terms if not term.excluded]
        self.unwanted = [_pattern(term, stemmer) for term in terms if term.excluded]
        self.areas, self.topics = set(config.areas), set(config.topics)
        self.org_kinds = set(config.org_kinds)

    def key(self) -> str | None:
        """A stem every matching item has (the longest whole one: the rarest, as a rule), or None."""
        whole = [stem for pattern in self.wanted for stem in pattern.stems[:len(pattern.stems) - pattern.prefix]]
        return max(whole, key=len) if whole else None

    def passes_filters(self, item: Candidate) -> bool:
        rule = self.config
        return (item.relevant and item.relevance >= rule.min_relevance
                and (not self.areas or item.area in self.areas)
                and (not self.org_kinds or item.org_kind in self.org_kinds)
                and (not self.topics or not self.topics.isdisjoint(item.topics))
                and all(item.figures.get(kind, 0) >= least for kind, least in rule.figures.items()))

    def matches_text(self, text: _Text) -> bool:
        return all(text.has(p) for p in self.wanted) and not any(text.has(p) for p in self.unwanted)


def _pattern(term: Term, stemmer: Stemmer) -> _Pattern:
    return _Pattern(tuple(stemmer.stems(list(term.words))), term.prefix)


class Matcher:
    """The configured rules, ready to match items."""

    def __init__(self, rules: Iterable[AlertRule], stemmer: Stemmer | None = None):
        self.stemmer = stemmer or Stemmer()
        self.rules = [Rule(rule, self.stemmer) for rule in rules]
        self.by_key: dict[str, list[Rule]] = {}
        self.always: list[Rule] = []  # rules without a whole word to index them by
        for rule in self.rules:
            key = rule.key()
            if key is None:
                self.always.append(rule)
            else:
                self.by_key.setdefault(key, []).append(rule)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def matching(self, item: Candidate) -> list[str]:
        """The names of the rules the item matches, in config order."""
        if not self.rules or not item.relevant:
            return []
        text = _Text(self.stemmer, item.title, item.body)
        possible = [rule for key, rules in self.by_key.items() if key in text.vocabulary for rule in rules]
        hits = {rule.name for rule in [*possible, *self.always]
                if rule.passes_filters(item) and rule.matches_text(text)}
        return [rule.name for rule in self.rules if rule.name in hits]


def candidate_of(extracted: Extracted, classification: Classification) -> Candidate:
    figures: dict[str, float] = {}
    for figure in classification.figures:
        figures[figure.kind] = max(figure.value, figures.get(figure.kind, 0.0))
    return Candidate(extracted.title, extracted.body, classification.relevant, classification.relevance,
                     classification.area, classification.org_kind,
                     frozenset(match.topic for match in classification.topics), figures)


def targets_of(rule: AlertRule) -> list[str]:
    """Where a rule's alerts go, as the ledger names them."""
    return [f"email:{address}" for address in rule.to] + (["webhook"] if rule.webhook else [])


Record = Callable[[int, int, dict[str, list[str]]], list[str]]


class Alerting:
    """Used by the ingest's writer: matches each stored item and records the rules it matched (a
    story once a rule), in the item's own transaction."""

    def __init__(self, rules: list[AlertRule], record: Record):
        self.matcher = Matcher(rules)
        self.targets = {rule.name: targets_of(rule) for rule in rules}
        self.record = record

    def stored(self, item_id: int, story: int, item: Candidate) -> None:
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
    def candidate(self) -> Candidate: ...


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
