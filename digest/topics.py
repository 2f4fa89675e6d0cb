"""The topic taxonomy (digest/data/taxonomy.yaml), with the overrides from config: each topic's
label, kind and terms (some strong, some weak), and the routine-news groups. Data only: matching terms in text is the
classifier's job (digest.classify, digest.terms)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from digest.areas import load_data
from digest.errors import ConfigError


@dataclass
class Topic:
    id: str
    label: str
    kind: str  # "subject" or "facet"
    terms: list[str]
    # Terms (also in `terms`) that tell more or less than a plain term: a strong one names what a
    # story is about ("wounding with intent"); a weak one is often said in passing ("arrested").
    strong: set[str] = field(default_factory=set)
    weak: set[str] = field(default_factory=set)
    short: str = ""  # the label as chips and one-line reasons show it; the label itself when empty

    def strength(self, term: str) -> str:
        """"strong", "weak" or "plain": how much a match of this term (as written) tells."""
        return "strong" if term in self.strong else "weak" if term in self.weak else "plain"


class TopicChange(Protocol):
    """A change to the shipped taxonomy, as `classify.topics` in config gives it."""

    @property
    def label(self) -> str | None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def terms(self) -> list[str]: ...
    @property
    def replace(self) -> bool: ...


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Any]:
    raw: dict[str, Any] = load_data("taxonomy.yaml")
    return raw


def shipped_topic_ids() -> frozenset[str]:
    return frozenset(_shipped()["topics"])


class Taxonomy:
    """The shipped topics, changed by config; routine-news groups of terms as shipped."""

    def __init__(self, changes: Mapping[str, TopicChange] | None = None):
        raw = _shipped()
        self.topics: dict[str, Topic] = {}
        for topic_id, spec in raw["topics"].items():
            strong, weak = list(spec.get("strong") or []), list(spec.get("weak") or [])
            self.topics[topic_id] = Topic(topic_id, spec["label"], spec["kind"],
                                          list(dict.fromkeys(spec["terms"] + strong + weak)), set(strong), set(weak),
                                          spec.get("short", ""))
        for topic_id, change in (changes or {}).items():
            self._apply(topic_id, change)
        self.routine: dict[str, list[str]] = {group: list(terms) for group, terms in (raw.get("routine") or {}).items()}

    def _apply(self, topic_id: str, change: TopicChange) -> None:
        topic = self.topics.get(topic_id)
        if topic is None:
            if not change.terms:
                raise ConfigError(f"classify.topics.{topic_id}: a new topic needs terms")
            topic = Topic(topic_id, change.label or topic_id.replace("_", " ").capitalize(),
                          change.kind or "subject", [])
            self.topics[topic_id] = topic
        if change.replace:
            topic.terms, topic.strong, topic.weak = [], set(), set()
        topic.terms += [t.lower() for t in change.terms]
        if change.label:
            topic.label, topic.short = change.label, ""  # a shipped short label would name the old one
        topic.kind = change.kind or topic.kind

    def label(self, topic_id: str) -> str:
        topic = self.topics.get(topic_id)
        return topic.label if topic else topic_id

    def short_label(self, topic_id: str) -> str:
        topic = self.topics.get(topic_id)
        return (topic.short or topic.label) if topic else topic_id

    def is_subject(self, topic_id: str) -> bool:
        topic = self.topics.get(topic_id)
        return topic is not None and topic.kind == "subject"
