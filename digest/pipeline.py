"""Wires the stages: source -> extract -> dedupe -> classify -> store, per source and per document.

One broken document is reported and skipped; one broken source is reported and the
others carry on. Each document is stored in one transaction.
"""

from __future__ import annotations

import logging
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Iterable, Iterator, TypeVar

from digest.classify import Classifier
from digest.config import Config
from digest.dedupe import NearDuplicates, canonical_url, content_hash, text_fingerprint
from digest.errors import DigestError, DocumentError
from digest.extract import extract
from digest.fetch import Fetcher
from digest.models import Document, Failed, NotModified, Unchanged, utc_now
from digest.sources import read_source
from digest.store import FileState, Store

log = logging.getLogger("digest.ingest")
T = TypeVar("T")


@dataclass
class Stages:
    """The judging stages, built once per ingest and shared by the source threads (read-only)."""

    classifier: Classifier
    near_duplicates: NearDuplicates

    @classmethod
    def from_config(cls, config: Config) -> "Stages":
        return cls(Classifier(config), NearDuplicates(config.dedupe.near_duplicate))


@dataclass
class SourceSummary:
    name: str
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    unchanged: int = 0
    failed: int = 0
    not_modified: int = 0
    missing: int = 0
    stopped: bool = False
    error: str | None = None
    problems: list[Failed] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"new": self.new, "updated": self.updated, "duplicate": self.duplicate,
                "unchanged": self.unchanged, "failed": self.failed, "not_modified": self.not_modified}

    def line(self) -> str:
        if self.error:
            return f"{self.name}: FAILED: {self.error}"
        text = (f"{self.name}: {self.new} new, {self.updated} updated, {self.duplicate} duplicate, "
                f"{self.unchanged} unchanged, {self.failed} failed")
        if self.not_modified:
            text += " (not modified since the last run)"
        if self.stopped:
            text += " (stopped early: shutting down)"
        return text + (f", {self.missing} no longer present" if self.missing else "")


MAX_PARALLEL_SOURCES = 8


def ingest(config: Config, store: Store, names: Iterable[str] = (),
           stop: threading.Event | None = None) -> list[SourceSummary]:
    """Run the sources (all enabled ones, or those named), in parallel; one summary each, in config order.

    When `stop` is set, each source finishes the document in hand and stops; sources not
    yet started are not run.
    """
    wanted = list(names)
    for name in wanted:
        config.source(name)  # unknown names are a user error before anything runs
    sources = [s for s in config.sources if (s.name in wanted if wanted else s.enabled)]
    stages = Stages.from_config(config)
    fetcher = Fetcher(config) if any(s.kind != "folder" for s in sources) else None

    def run(source: object) -> SourceSummary:
        worker_store = Store(store.path)  # one SQLite connection per thread
        try:
            summary = ingest_source(config, worker_store, stages, source, fetcher, stop)
        finally:
            worker_store.close()
        return summary  # the caller reports it: printed by the CLI, logged by the service

    try:
        if len(sources) <= 1:
            return [run(source) for source in sources]
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_SOURCES, len(sources)), thread_name_prefix="source") as pool:
            return list(pool.map(run, sources))
    finally:
        if fetcher:
            fetcher.close()


def ingest_source(config: Config, store: Store, stages: Stages, source: object,
                  fetcher: Fetcher | None = None, stop: threading.Event | None = None) -> SourceSummary:
    name, kind = source.name, source.kind  # type: ignore[attr-defined]
    summary = SourceSummary(name)
    if stop is not None and stop.is_set():
        summary.stopped = True
        return summary
    started = utc_now()
    known = store.file_states(name) if kind == "folder" else {}
    present: set[str] = set()
    try:
        for event in _progress(read_source(config, source, store, fetcher), name):
            if kind == "folder":
                present.add(event.path or "" if isinstance(event, Document) else getattr(event, "where", ""))
            _handle(event, store, stages, known, summary)
            if stop is not None and stop.is_set():
                summary.stopped = True
                break
        if kind == "folder" and not summary.stopped:  # a partial pass cannot tell which files went
            summary.missing = store.mark_missing(name, present)
    except DigestError as exc:
        summary.error = str(exc)
    except Exception as exc:  # a bug or an unexpected failure in one source must not stop the others
        log.exception("%s: unexpected error", name)
        summary.error = f"unexpected error: {exc!r}"
    store.record_run(name, kind, started, summary.counts(), summary.error)
    return summary


def _handle(event: Document | Unchanged | NotModified | Failed, store: Store, stages: Stages,
            known: dict[str, FileState], summary: SourceSummary) -> None:
    if isinstance(event, Unchanged):
        if event.sha256 and event.size is not None and event.mtime_ns is not None:
            store.touch_file(event.source, event.where, event.size, event.mtime_ns, event.sha256)
        summary.unchanged += 1
        return
    if isinstance(event, Failed):
        _fail(summary, event)
        return
    if isinstance(event, NotModified):
        summary.not_modified += 1
        return
    where = event.path or event.url or "?"
    try:
        try:
            outcome = ingest_document(event, store, stages, known)
        except DocumentError as exc:
            if event.fallback is None:
                raise
            log.warning("%s: %s: %s; using the feed entry's own text", event.source, where, exc)
            outcome = ingest_document(event.fallback, store, stages, known)
    except DocumentError as exc:
        _fail(summary, Failed(event.source, where, str(exc)))
        return
    except Exception as exc:  # noqa: BLE001 - one odd document (deep YAML, a bug) must not stop its source
        log.exception("%s: %s: unexpected error", event.source, where)
        _fail(summary, Failed(event.source, where, f"unexpected error: {exc!r}"))
        return
    setattr(summary, outcome, getattr(summary, outcome) + 1)


def _fail(summary: SourceSummary, failed: Failed) -> None:
    log.warning("%s: skipped %s: %s", failed.source, failed.where, failed.reason)
    summary.failed += 1
    summary.problems.append(failed)


def ingest_document(document: Document, store: Store, stages: Stages,
                    known: dict[str, FileState]) -> str:
    """Store one document; returns 'new', 'updated', 'unchanged' or 'duplicate'."""
    extracted = extract(document)
    where = document.path or document.url
    for warning in extracted.warnings:
        log.warning("%s: %s: %s", document.source, where, warning)
    canonical = canonical_url(extracted.url)
    fingerprint = text_fingerprint(extracted.body)
    sha = content_hash(document.content)
    key = canonical or f"{document.source}:{document.guid or where}"
    state = known.get(document.path or "")
    with store.transaction():
        existing_id: int | None = None
        if state and state.is_alias and state.item_id:
            store.remove_alias(state.item_id, document.source, document.path or "")
        elif state and state.item_id:
            existing_id = state.item_id
        by_url = False
        if existing_id is None:
            found = store.find_item(key=key, canonical_url=canonical)
            existing_id = found["id"] if found else None
            by_url = found is not None and document.path is not None
        if existing_id is not None and store.item_unchanged(existing_id, extracted, fingerprint):
            if by_url:  # another file stating the same URL and text: a copy, recorded as an alias
                store.add_alias(existing_id, document.source, None, document.path)
                _remember_file(store, document, sha, existing_id, is_alias=True)
                return "duplicate"
            _remember_file(store, document, sha, existing_id, is_alias=False)
            return "unchanged"
        if existing_id is None and (twin := store.find_item(fingerprint=fingerprint)):
            store.add_alias(twin["id"], document.source, canonical or extracted.url, document.path)
            _remember_file(store, document, sha, twin["id"], is_alias=True)
            log.info("%s: %s has the same text as item %s; recorded as an alias", document.source, where, twin["id"])
            return "duplicate"
        classification = stages.classifier.classify(extracted, document.source)
        item_id = store.save_item(
            item_id=existing_id, key=key, source=document.source, path=document.path, extracted=extracted,
            canonical=canonical, fingerprint=fingerprint, classification=classification,
        )
        fetched = canonical_url(document.url)
        if fetched and canonical and fetched != canonical:  # remember the URL we fetched, so it is known
            store.add_alias(item_id, document.source, fetched, None)
        cluster, similarity = stages.near_duplicates.assign(store, item_id, extracted.body)
        if cluster != item_id:
            log.info("%s: %s retells item %s (similarity %.2f)", document.source, where, cluster, similarity)
        _remember_file(store, document, sha, item_id, is_alias=False)
    return "updated" if existing_id else "new"


def _remember_file(store: Store, document: Document, sha: str, item_id: int, is_alias: bool) -> None:
    if document.path is not None and document.size is not None and document.mtime_ns is not None:
        store.record_file(document.source, document.path, document.size, document.mtime_ns, sha, item_id, is_alias)


def _progress(events: Iterator[T], name: str) -> Iterator[T]:
    """A progress bar on a terminal; plain log lines otherwise (systemd)."""
    if not sys.stderr.isatty():
        return events
    from tqdm import tqdm

    return iter(tqdm(events, desc=name, unit="doc", leave=False))
