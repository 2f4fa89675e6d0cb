"""Judging one document on its own, without the store: extract, fingerprint and classify.

This is most of the cost of a document, and needs nothing stored, so it can run in the
source's thread or in a worker process (digest.workers) while the one writer stores.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from digest.classify import Classifier
from digest.config import Config
from digest.dedupe import NearDuplicates
from digest.errors import DocumentError
from digest.extract import extract
from digest.models import Classification, Document, Extracted
from digest.shingles import TextKeys, lead_facts, story_facts
from digest.topics import Taxonomy
from digest.urls import canonical_url

log = logging.getLogger("digest.ingest")


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
    try:
        return _prepare(document, classifier)
    except DocumentError as exc:
        if document.fallback is None:
            raise
        log.warning("%s: %s: %s; using the feed entry's own text", document.source,
                    document.path or document.url or "?", exc)
        prepared = _prepare(document.fallback, classifier)
        prepared.fallback = True
        return prepared


def _prepare(document: Document, classifier: Classifier) -> Prepared:
    extracted = extract(document)
    facts = story_facts(extracted.title, extracted.body)
    return Prepared(extracted, TextKeys(extracted.body), classifier.classify(extracted, document.source),
                    canonical_url(extracted.url), facts, lead_facts(extracted.title, extracted.body),
                    NearDuplicates.lookup_facts(facts))
