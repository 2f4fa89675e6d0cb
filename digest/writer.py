"""The one writer of an ingest: stores what the sources yield, in each source's order.

For each document it decides, in the document's one transaction, whether it is new, an
update, unchanged, or a duplicate (the same canonical URL or key: the same item; the same
text elsewhere: an alias), puts a new text in the cluster of the story it retells (the
near-duplicate decision of digest.dedupe), and remembers folder files so unchanged ones are
skipped next time.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from digest.errors import DocumentError
from digest.models import (
    Candidate,
    Document,
    Failed,
    FileState,
    Gone,
    NotModified,
    SourceEvent,
    Unchanged,
    Validators,
)
from digest.records import FetchRecord
from digest.store import Database, Items, Runs, WebCache
from digest.store.db import UnusableDatabase, unusable
from digest.store.items import Found
from digest.urls import canonical_url

if TYPE_CHECKING:  # the judgement is imported when a document is stored (an unchanged run stores none)
    from digest.alerts import Alerting
    from digest.dedupe import Decision, NearDuplicates, ShingleCache
    from digest.prepare import Prepared

log = logging.getLogger("digest.ingest")
CANDIDATES_KEPT = 4000  # about 3 KB each


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
    waiting: bool = False  # not read this time: blocked by bot protection, it waits (error says until when)
    error: str | None = None
    problems: list[Failed] = field(default_factory=list)
    not_stored_count: int = 0

    def counts(self) -> dict[str, int]:
        return {"new": self.new, "updated": self.updated, "duplicate": self.duplicate,
                "unchanged": self.unchanged, "failed": self.failed, "not_modified": self.not_modified}

    def line(self) -> str:
        if self.waiting:
            return f"{self.name}: SKIPPED: {self.error}"
        if self.error and not any(self.counts().values()):
            return f"{self.name}: FAILED: {self.error}"
        text = (f"{self.name}: {self.new} new, {self.updated} updated, {self.duplicate} duplicate, "
                f"{self.unchanged} unchanged, {self.failed} failed")
        if self.not_modified:
            text += " (not modified since the last run)"
        if self.stopped:
            text += " (stopped early: shutting down)"
        text += f", {self.missing} no longer present" if self.missing else ""
        return text + (f"; FAILED: {self.error}" if self.error else "")

    def fail(self, failed: Failed) -> None:
        log.warning("%s: skipped %s: %s", failed.source, failed.where, failed.reason)
        self.failed += 1
        self.problems.append(failed)

    def not_stored(self, failed: Failed) -> None:
        """A document the store could not keep: failed, and the run a failure."""
        self.fail(failed)
        self.not_stored_count += 1
        self.error = (f"{self.not_stored_count} document(s) not stored ({failed.reason.removeprefix('not stored: ')}); "
                      "the next run stores them")


class Writer:
    def __init__(self, database: Database, items: Items, web: WebCache, runs: Runs, near_duplicate: float,
                 alerting: Alerting | None = None):
        self.database, self.items, self.web, self.runs = database, items, web, runs
        self.near_duplicate = near_duplicate  # the threshold of the near-duplicate judgement
        self.alerting = alerting  # matches each saved item against the alert rules
        # Candidates read from the store in this ingest, by item id (they recur): an item is dropped
        # when it is written, the oldest when there are too many.
        # Oldest first: dropping the oldest of a plain dict scans the slots its earlier drops left empty.
        self.candidates: OrderedDict[int, Candidate] = OrderedDict()
        # Documents stored since the last commit, counted when it is known whether it committed.
        self.uncommitted: list[tuple[SourceSummary, str, str]] = []

    @cached_property
    def near_duplicates(self) -> NearDuplicates:
        from digest.dedupe import NearDuplicates

        return NearDuplicates(self.near_duplicate)

    @cached_property
    def shingles(self) -> ShingleCache:
        """Shingles of stored items, kept for the candidates that recur."""
        from digest.dedupe import ShingleCache

        return ShingleCache(self.items.body)

    def apply(self, event: SourceEvent, prepared: Prepared | Exception | None, known: dict[str, FileState],
              summary: SourceSummary) -> None:
        """Store one event of a source and count it in the source's summary."""
        if isinstance(event, Unchanged):
            if event.sha256 and event.size is not None and event.mtime_ns is not None:
                self.items.touch_file(event.source, event.where, event.size, event.mtime_ns, event.sha256)
            summary.unchanged += 1
        elif isinstance(event, Failed):
            summary.fail(event)
        elif isinstance(event, NotModified):
            summary.not_modified += 1
        elif isinstance(event, Validators):
            self.web.save_validators(event.url, event.etag, event.last_modified)
        elif isinstance(event, Gone):
            self.web.save_gone(event.url, event.source, event.status)
            summary.fail(Failed(event.source, event.where, f"HTTP {event.status}: gone; not asked for again for a week"))
        else:
            self._apply_document(event, prepared, known, summary)

    def log_fetches(self, fetches: list[FetchRecord]) -> None:
        self.web.log_fetches(fetches)

    def _apply_document(self, document: Document, prepared: Prepared | Exception | None,
                        known: dict[str, FileState], summary: SourceSummary) -> None:
        from digest.prepare import Prepared  # a document was judged: the judgement is loaded

        where = document.path or document.url or "?"
        try:
            if not isinstance(prepared, Prepared):  # an exception raised while preparing it
                raise prepared or DocumentError("not prepared")
            if prepared.fallback and document.fallback is not None:
                document = document.fallback
            outcome = self._store(document, prepared, known)
        except DocumentError as exc:
            summary.fail(Failed(document.source, where, str(exc)))
            return
        except UnusableDatabase:
            raise
        except sqlite3.Error as exc:  # the store failed (a full disk), not the document
            if stop := unusable(self.database.path, exc):
                raise stop from None
            summary.not_stored(Failed(document.source, where, f"not stored: {exc}"))
            return
        except Exception as exc:  # one odd document (deep YAML, a bug) must not stop its source
            log.exception("%s: %s: unexpected error", document.source, where)
            summary.fail(Failed(document.source, where, f"unexpected error: {exc!r}"))
            return
        self.uncommitted.append((summary, outcome, where))

    def settled(self, error: BaseException | None) -> None:
        """The batch holding the documents stored since the last commit was committed (error None)
        or lost: they count as what they were, or as failed with the reason (the next run stores
        them: their files were not recorded either)."""
        uncommitted, self.uncommitted = self.uncommitted, []
        if error is not None and (stop := unusable(self.database.path, error)):
            raise stop
        for summary, outcome, where in uncommitted:
            if error is None:
                setattr(summary, outcome, getattr(summary, outcome) + 1)
            else:
                summary.not_stored(Failed(summary.name, where, f"not stored: {error}"))

    def _store(self, document: Document, prepared: Prepared, known: dict[str, FileState]) -> str:
        """Store one document; returns 'new', 'updated', 'unchanged' or 'duplicate'."""
        extracted, keys, canonical = prepared.extracted, prepared.keys, prepared.canonical
        where = document.path or document.url
        for warning in extracted.warnings:
            log.warning("%s: %s: %s", document.source, where, warning)
        key = canonical or f"{document.source}:{document.guid or where}"
        file = _FileNote(document, document.sha256 or hashlib.sha256(document.content).hexdigest())
        state = known.get(document.path or "")
        with self.database.transaction():
            existing_id: int | None = None
            if state and state.is_alias and state.item_id:
                self.items.remove_alias(state.item_id, document.source, document.path or "")
            elif state and state.item_id:
                existing_id = state.item_id
            if existing_id is None and (found := self.items.find(key=key, canonical_url=canonical)):
                if found.source != document.source or found.path != document.path:
                    return self._keep_first(document, prepared, found, file)
                existing_id = found.id
            if existing_id is not None and self.items.unchanged(existing_id, extracted, keys.fingerprint):
                self._remember(file, existing_id, is_alias=False)
                return "unchanged"
            if existing_id is None and (twin := self.items.find(fingerprint=keys.fingerprint)):
                return self._alias(document, prepared, twin, file)
            self._save(document, prepared, key, existing_id, file)
        return "updated" if existing_id else "new"

    def _keep_first(self, document: Document, prepared: Prepared, found: Found, file: _FileNote) -> str:
        """A document stating the URL of an item another source or another file wrote: that item's
        text is never replaced. The same text is an alias of it; another file of the same folder
        is a document of its own in that item's story; another source's text is an alias too."""
        where = document.path or document.url
        if twin := self.items.find(fingerprint=prepared.keys.fingerprint):
            return self._alias(document, prepared, twin, file)
        if found.source == document.source and document.path is not None:
            self._save(document, prepared, f"{document.source}:{document.path}", None, file, story=found.cluster)
            log.info("%s: %s states the URL of item %s from another file; stored as its own item in that story",
                     document.source, where, found.id)
            return "new"
        log.warning("%s: %s states the URL of item %s from source %s; recorded as an alias, that item's text kept",
                    document.source, where, found.id, found.source)
        return self._alias(document, prepared, found, file)

    def _alias(self, document: Document, prepared: Prepared, item: Found, file: _FileNote) -> str:
        """The document is recorded as another place (URL or file) of a stored item."""
        url = prepared.canonical or prepared.extracted.url
        self.items.add_alias(item.id, document.source, None if url == item.key else url, document.path)
        self._remember(file, item.id, is_alias=True)
        log.info("%s: %s recorded as an alias of item %s", document.source, document.path or document.url, item.id)
        return "duplicate"

    def _save(self, document: Document, prepared: Prepared, key: str, existing_id: int | None,
              file: _FileNote, story: int | None = None) -> None:
        """A new or changed text: judged against the stories it may retell (unless its `story` is
        known), then stored with its signature."""
        from digest.dedupe import Decision

        keys, canonical = prepared.keys, prepared.canonical
        decision = Decision(story, 1.0) if story is not None else self._judge(prepared, existing_id)
        item_id = self.items.save(
            item_id=existing_id, key=key, source=document.source, path=document.path, extracted=prepared.extracted,
            canonical=canonical, fingerprint=keys.fingerprint, classification=prepared.classification,
            cluster=decision.cluster, reported=decision.reported,
        )
        self.items.save_signature(item_id, keys.signature, len(keys.shingles), prepared.facts, prepared.lead,
                                  prepared.telling, new=existing_id is None)
        if self.alerting:
            from digest.alerts import candidate_of

            self.alerting.stored(item_id, decision.cluster or item_id,
                                 candidate_of(prepared.extracted, prepared.classification))
        self.candidates.pop(item_id, None)
        while len(self.candidates) > CANDIDATES_KEPT:
            self.candidates.popitem(last=False)
        self.shingles.remember(item_id, keys.fingerprint, keys.shingles)
        fetched = canonical_url(document.url)
        if fetched and canonical and fetched != canonical:  # remember the URL we fetched, so it is known
            self.items.add_alias(item_id, document.source, fetched, None)
        if decision.cluster is not None and decision.cluster != item_id:
            log.info("%s: %s retells item %s (similarity %.2f)", document.source, document.path or document.url,
                     decision.cluster, decision.similarity)
        self._remember(file, item_id, is_alias=False)

    def _judge(self, prepared: Prepared, existing_id: int | None) -> Decision:
        from digest.dedupe import NearDuplicates, Story

        keys = prepared.keys
        candidates = self.items.near_duplicate_candidates(keys.signature.bands(), prepared.telling, existing_id or 0,
                                                          NearDuplicates.MAX_CANDIDATES, known=self.candidates)
        story = Story(keys, prepared.facts, prepared.lead, prepared.classification.area, prepared.extracted.published)
        return self.near_duplicates.judge(story, candidates, self.shingles.of)

    def _remember(self, file: _FileNote, item_id: int, is_alias: bool) -> None:
        document = file.document
        if document.entry_sha256:
            self.items.record_entry(document.source, document.url or document.guid or "", document.entry_sha256,
                                    item_id)
        if document.path is not None and document.size is not None and document.mtime_ns is not None:
            self.items.record_file(document.source, document.path, document.size, document.mtime_ns, file.sha256,
                                   item_id, is_alias)


@dataclass
class _FileNote:
    document: Document
    sha256: str
