"""Judging one document on its own, without the store: extract, fingerprint and classify.

This is most of the cost of a document, and needs nothing stored, so it can run in the
source's thread or in a worker process (digest.workers) while the one writer stores.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from digest.classify import Classifier
from digest.config import Config
from digest.dedupe import NearDuplicates
from digest.errors import DocumentError
from digest.extract import extract
from digest.facts import lead_facts, story_facts
from digest.models import Classification, Document, Extracted
from digest.shingles import TextKeys
from digest.topics import Taxonomy
from digest.urls import canonical_url

log = logging.getLogger("digest.ingest")
T = TypeVar("T")
U = TypeVar("U")


def classifier_for(config: Config) -> Classifier:
    """The classifier of this config: its taxonomy, threshold and sources' publishers (built once)."""
    return Classifier(Taxonomy(config.classify.topics), config.classify.min_relevance,
                      {source.name: source for source in config.sources})


@dataclass
class Prepared:
    """A document judged on its own."""

    extracted: Extracted
    keys: TextKeys
    classification: Classification
    canonical: str | None  # the canonical form of the URL the document states
    facts: frozenset[str] = frozenset()  # the numbers and names it states (for near-duplicates)
    lead: frozenset[str] = frozenset()  # those of its headline and first paragraph
    telling: list[str] = field(default_factory=list)  # the facts it is looked up and indexed by
    fallback: bool = False  # judged from the document's fallback (a feed entry's own text)


def prepare(document: Document, classifier: Classifier) -> Prepared:
    """Extract, fingerprint and classify; raises DocumentError when there is no article in it
    (and none in its fallback)."""
    prepared = prepare_all([document], classifier)[0]
    if isinstance(prepared, Exception):
        raise prepared
    return prepared


def prepare_all(documents: Sequence[Document], classifier: Classifier) -> list[Prepared | Exception]:
    """prepare() of each document, or the exception it raised, a step at a time for all of them:
    a step's code and tables stay in the processor's caches while it goes through the documents,
    a tenth faster than every step for one document, then for the next."""
    texts = _each(_text, documents)  # (the document judged, its text, whether it is the fallback)
    facts = _each(lambda text: story_facts(text[1].title, text[1].body), texts)
    keys = _each(lambda text: TextKeys(text[1].body), texts)
    classified = _each(lambda text: classifier.classify(text[1], text[0].source), texts)
    canonical = _each(lambda text: canonical_url(text[1].url), texts)
    leads = _each(lambda text: lead_facts(text[1].title, text[1].body), texts)
    telling = _each(NearDuplicates.lookup_facts, facts)
    prepared: list[Prepared | Exception] = []
    for steps in zip(texts, facts, keys, classified, canonical, leads, telling, strict=True):
        if failed := next((step for step in steps if isinstance(step, Exception)), None):
            prepared.append(failed)  # the first step that failed, as one document at a time would have stopped
            continue
        (_, extracted, fallback), fact, key, classification, url, lead, tell = steps
        prepared.append(Prepared(extracted, key, classification, url, fact, lead, tell, fallback))
    return prepared


def _text(document: Document) -> tuple[Document, Extracted, bool]:
    try:
        return document, extract(document), False
    except DocumentError as exc:
        if document.fallback is None:
            raise
        log.warning("%s: %s: %s; using the feed entry's own text", document.source,
                    document.path or document.url or "?", exc)
        return document.fallback, extract(document.fallback), True


def _each(step: Callable[[T], U], items: Iterable[T | Exception]) -> list[U | Exception]:
    """The step done to each item that is not an exception (the exception of an earlier step), or the
    exception it raised."""
    done: list[U | Exception] = []
    for item in items:
        if isinstance(item, Exception):
            done.append(item)
            continue
        try:
            done.append(step(item))
        except Exception as exc:  # noqa: BLE001 - the document's own failure, as prepare() would raise it
            done.append(exc)
    return done
