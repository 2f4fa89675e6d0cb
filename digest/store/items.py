"""What an ingest writes: items with their topics, figures, aliases and near-duplicate signatures,
and the folder bookkeeping that lets unchanged files be skipped. Used by the ingest's one writer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING, Any

from digest.models import Candidate, Classification, Extracted, FileState
from digest.store.bands import save_band_rows, save_signature_rows
from digest.store.db import Database, iso, now_iso

if TYPE_CHECKING:  # numpy is imported only where signatures are computed
    from digest.shingles import Signature


@dataclass
class Found:
    id: int
    key: str
    fingerprint: str
    source: str
    path: str | None
    cluster: int


class Items:
    def __init__(self, database: Database):
        self.db = database
        # Full-text rows of new items are written just before their transaction commits, not by
        # a trigger: inside a batch FTS5 writes its pending terms out at every savepoint, so
        # indexing each document inside its own savepoint made a tiny index segment per document
        # (and merging them cost more than the indexing).
        self._unindexed: set[int] = set()
        database.defer(self._index_new_items, self._unindexed.clear)

    # --- folder bookkeeping ------------------------------------------------------------

    def file_states(self, source: str) -> dict[str, FileState]:
        rows = self.db.execute(
            "select path, size, mtime_ns, sha256, item_id, is_alias from files where source = ?", [source]
        ).fetchall()
        return {r[0]: FileState(r[1], r[2], r[3], r[4], bool(r[5])) for r in rows}

    def touch_file(self, source: str, path: str, size: int, mtime_ns: int, sha256: str) -> None:
        with self.db.transaction():
            self.db.execute(
                "update files set size = ?, mtime_ns = ?, sha256 = ?, missing_since = null where source = ? and path = ?",
                [size, mtime_ns, sha256, source, path],
            )

    def record_file(self, source: str, path: str, size: int, mtime_ns: int, sha256: str,
                    item_id: int | None, is_alias: bool) -> None:
        self.db.execute(
            "insert into files (source, path, size, mtime_ns, sha256, item_id, is_alias, seen_at, missing_since) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, null) on conflict (source, path) do update set size = excluded.size, "
            "mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, item_id = excluded.item_id, "
            "is_alias = excluded.is_alias, seen_at = excluded.seen_at, missing_since = null",
            [source, path, size, mtime_ns, sha256, item_id, int(is_alias), now_iso()],
        )

    def mark_missing(self, source: str, present: set[str]) -> int:
        """Files no longer in the folder: their items are kept, the file rows remember when they went."""
        gone = [p for p in self.file_states(source) if p not in present]
        with self.db.transaction():
            for path in gone:
                self.db.execute(
                    "update files set missing_since = coalesce(missing_since, ?) where source = ? and path = ?",
                    [now_iso(), source, path],
                )
        return len(gone)

    # --- items ---------------------------------------------------------------------------

    def find(self, *, key: str | None = None, canonical_url: str | None = None,
             fingerprint: str | None = None) -> Found | None:
        for column, value in (("key", key), ("canonical_url", canonical_url), ("fingerprint", fingerprint)):
            if value:
                row = self.db.execute(
                    f"select id, key, fingerprint, source, path, coalesce(cluster, id) from items where {column} = ? "
                    "order by id limit 1", [value]
                ).fetchone()
                if row:
                    return Found(*row)
        return None

    def unchanged(self, item_id: int, extracted: Extracted, fingerprint: str) -> bool:
        """The stored item already says exactly this (same text, title, date, URL and summary)."""
        row = self.db.execute(
            "select fingerprint, title, published, url, summary from items where id = ?", [item_id]
        ).fetchone()
        published = extracted.published.isoformat() if extracted.published else None
        return row is not None and tuple(row) == (fingerprint, extracted.title, published, extracted.url,
                                                  extracted.summary)

    def save(self, *, item_id: int | None, key: str, source: str, path: str | None, extracted: Extracted,
             canonical: str | None, fingerprint: str, classification: Classification, cluster: int | None,
             reported: bool = False) -> int:
        """Insert or update one item with its topics and figures, in one transaction.

        `cluster`: the cluster of the item it retells; None puts it in a cluster of its own.
        `reported`: it joined that cluster as an independent report of the incident, not a copy."""
        row = _item_row(key, source, path, extracted, canonical, fingerprint, classification)
        row["reported"] = int(reported and cluster is not None)
        with self.db.atomic():
            if item_id is None:
                # The id is chosen here (as SQLite would: one past the largest), so the row is
                # written once, with its cluster; the write lock is held, so no one else inserts.
                item_id = int(self.db.execute("select coalesce(max(id), 0) + 1 from items").fetchone()[0])
                self.db.insert("items", {"id": item_id, **row, "first_seen": row["updated_at"],
                                         "cluster": cluster or item_id})
                self._unindexed.add(item_id)
            else:
                self._indexed_before_update(item_id)
                assignments = ", ".join(f"{column} = ?" for column in row)
                self.db.execute(f"update items set {assignments}, cluster = ? where id = ?",
                                [*row.values(), cluster or item_id, item_id])
                self.db.execute("delete from item_topics where item_id = ?", [item_id])
                self.db.execute("delete from figures where item_id = ?", [item_id])
            self.db.conn.executemany(
                "insert into item_topics (item_id, topic, rank, score, terms) values (?, ?, ?, ?, ?)",
                [(item_id, t.topic, rank, t.score, json_strings(t.terms))
                 for rank, t in enumerate(classification.topics)],
            )
            self.db.conn.executemany(
                "insert into figures (item_id, kind, value, text) values (?, ?, ?, ?)",
                [(item_id, f.kind, f.value, f.text) for f in classification.figures],
            )
        return item_id

    def _index_new_items(self) -> None:
        item_ids = sorted(self._unindexed)  # an id whose savepoint was rolled back is not found
        self._unindexed.clear()
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start:start + 500]
            self.db.execute(f"insert into items_fts (rowid, title, body) select id, title, body from relevant_items "
                            f"where id in ({','.join('?' * len(chunk))})", chunk)

    def _indexed_before_update(self, item_id: int) -> None:
        """The update trigger takes a relevant item's old text out of the index: it must be in it."""
        if item_id in self._unindexed:
            self._unindexed.discard(item_id)
            self.db.execute("insert into items_fts (rowid, title, body) select id, title, body from relevant_items "
                            "where id = ?", [item_id])

    def record_entry(self, source: str, entry: str, sha256: str, item_id: int) -> None:
        """A feed entry, as read, became (or was found to be) this item."""
        self.db.execute("insert or replace into feed_entries (source, entry, sha256, item_id) values (?, ?, ?, ?)",
                        [source, entry, sha256, item_id])

    def body(self, item_id: int) -> str:
        row = self.db.execute("select body from items where id = ?", [item_id]).fetchone()
        return str(row[0]) if row else ""

    def add_alias(self, item_id: int, source: str, url: str | None, path: str | None) -> None:
        exists = self.db.execute(
            "select 1 from aliases where item_id = ? and source = ? and url is ? and path is ?",
            [item_id, source, url, path],
        ).fetchone()
        if not exists:
            self.db.insert("aliases", {"item_id": item_id, "source": source, "url": url, "path": path,
                                       "added_at": now_iso()})

    def remove_alias(self, item_id: int, source: str, path: str) -> None:
        self.db.execute("delete from aliases where item_id = ? and source = ? and path = ?", [item_id, source, path])

    # --- near-duplicate look-up ---------------------------------------------------------------

    def save_signature(self, item_id: int, signature: Signature, shingles: int, facts: frozenset[str],
                       lead: frozenset[str], indexed: list[str], new: bool = False) -> None:
        """The item's signature and LSH bands, its shingle count, its facts, and index rows for the
        facts it may be found by (`indexed`, the judgement's choice). A `new` item has none of these
        yet to replace."""
        described = [shingles, json_strings(sorted(facts)), json_strings(sorted(lead))]
        if new:  # one row, written once
            self.db.execute("insert or replace into item_signatures (item_id, minhash, shingles, facts, lead) "
                            "values (?, ?, ?, ?, ?)",
                            [item_id, signature.to_bytes(), *described])
            save_band_rows(self.db.conn, item_id, signature)
        else:
            save_signature_rows(self.db.conn, item_id, signature)
            self.db.execute("update item_signatures set shingles = ?, facts = ?, lead = ? where item_id = ?",
                            [*described, item_id])
            self.db.execute("delete from item_facts where item_id = ?", [item_id])
        self.db.conn.executemany("insert or ignore into item_facts (fact, item_id) values (?, ?)",
                                 [(fact, item_id) for fact in indexed])

    def near_duplicate_candidates(self, bands: list[int], facts: list[str], exclude: int, limit: int,
                                  per_key: int = 50, known: dict[int, Candidate] | None = None) -> list[Candidate]:
        """The items sharing most LSH bands with these, most shared first; then those sharing at
        least MIN_SHARED_FACTS of these facts (the judgement's choice of them), most shared first.

        One indexed lookup per band or fact, each capped at the `per_key` most recent items, so a
        band or a fact that boilerplate makes common cannot make the lookup grow with the store.
        `known`: candidates read before (by item id) whose rows have not been written since; those
        read now are added (the caller removes an item it writes, and bounds its size).
        """
        ids = [row[0] for row in self.db.execute(_candidates_sql(len(bands)), [*bands, exclude, per_key, limit])]
        listed = facts[:_MAX_FACTS]
        if len(listed) >= MIN_SHARED_FACTS:
            ids += [row[0] for row in self.db.execute(_fact_candidates_sql(len(listed)),
                                                      [*listed, exclude, _PER_FACT, limit // 2, MIN_SHARED_FACTS])]
        known = {} if known is None else known
        if missing := [item_id for item_id in dict.fromkeys(ids) if item_id not in known]:
            for row in self.db.execute(_CANDIDATE_ROWS, [json_ints(missing)]):
                known[row[0]] = _candidate(row)
        return [known[item_id] for item_id in dict.fromkeys(ids) if item_id in known]  # an item without a signature is none


MIN_SHARED_FACTS = 3
_MAX_FACTS = 60  # a bound on the look-up, whatever the caller asks
_PER_FACT = 16  # the most recent items looked at for each fact (a fact is rarer than a band)


def _candidate(row: tuple[Any, ...]) -> Candidate:
    item_id, cluster, signature, fingerprint, shingles, facts, lead, area, published = row
    return Candidate(item_id, cluster, signature, fingerprint, shingles or 0, _fact_set(facts), _fact_set(lead), area,
                     date.fromisoformat(published) if published else None)


@lru_cache(maxsize=8192)
def _fact_set(stored: str | None) -> frozenset[str]:
    """Stored facts as a set; one set for the same text, since the same items recur as candidates
    (and the judgement keeps what it works out of a set)."""
    return frozenset(json.loads(stored)) if stored else frozenset()


def _item_row(key: str, source: str, path: str | None, extracted: Extracted, canonical: str | None,
              fingerprint: str, classification: Classification) -> dict[str, object]:
    return {
        "key": key, "source": source, "url": extracted.url, "canonical_url": canonical, "path": path,
        "title": extracted.title, "body": extracted.body, "summary": extracted.summary,
        "published": extracted.published.isoformat() if extracted.published else None,
        "published_time": iso(extracted.published_time) if extracted.published_time else None,
        "updated_at": now_iso(), "fingerprint": fingerprint,
        "area": classification.area, "mentioned_areas": json_strings(classification.mentioned_areas),
        "org": classification.org, "org_kind": classification.org_kind,
        "relevance": round(classification.relevance, 4), "relevant": int(classification.relevant),
        "why_not": classification.why_not,
        "topics": " ".join(topic.topic for topic in classification.topics) or None,  # as item_topics, for search
    }


def json_strings(strings: list[str]) -> str:
    """json.dumps(strings), as it writes them, without building a JSON encoder for each list (a few a document)."""
    return "[" + ", ".join(map(encode_basestring_ascii, strings)) + "]"


@lru_cache(maxsize=4)
def _candidates_sql(band_count: int) -> str:
    """The look-up of near_duplicate_candidates, for its parameters: the band hashes in order,
    then the item to leave out, the cap per band and the number of candidates."""
    exclude, per_band, limit = (f"?{band_count + n}" for n in (1, 2, 3))
    hits = " union all ".join(
        f"select * from (select item_id from lsh_bands where key = ?{band + 1} "
        f"and item_id != {exclude} order by item_id desc limit {per_band})" for band in range(band_count))
    return (f"with hits (item_id) as ({hits}), "
            f"best as (select item_id, count(*) as shared from hits group by item_id "
            f"order by shared desc, item_id desc limit {limit}) " + _CANDIDATE_COLUMNS)


@lru_cache(maxsize=64)
def _fact_candidates_sql(fact_count: int) -> str:
    """The look-up of candidates by facts: the facts in order, then the item to leave out, the cap
    per fact, the number of candidates and the fewest facts shared."""
    exclude, per_fact, limit, fewest = (f"?{fact_count + n}" for n in (1, 2, 3, 4))
    hits = " union all ".join(
        f"select * from (select item_id from item_facts where fact = ?{fact + 1} and item_id != {exclude} "
        f"order by item_id desc limit {per_fact})" for fact in range(fact_count))
    return (f"with hits (item_id) as ({hits}), "
            f"best as (select item_id, count(*) as shared from hits group by item_id having shared >= {fewest} "
            f"order by shared desc, item_id desc limit {limit}) " + _CANDIDATE_COLUMNS)


_CANDIDATE_COLUMNS = "select item_id from best order by shared desc, item_id desc"
# The rows of candidates, by a JSON list of their ids (one statement, whatever their number).
_CANDIDATE_ROWS = (
    "select i.id, coalesce(i.cluster, i.id), g.minhash, i.fingerprint, g.shingles, g.facts, g.lead, i.area, "
    "i.published from items i join item_signatures g on g.item_id = i.id "
    "where i.id in (select value from json_each(?))")


def json_ints(numbers: list[int]) -> str:
    return "[" + ",".join(map(str, numbers)) + "]"
