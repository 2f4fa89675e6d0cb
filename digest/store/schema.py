"""The schema of the SQLite store, as ordered migrations (applied when the database is opened).

The near-duplicate signatures the store keeps come from digest.shingles, imported only where
they are computed (it loads numpy, which opening the database does not need).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from digest.store.bands import save_band_rows

migrations = Migrations("digest")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("sources").create(
        {"name": str, "kind": str, "last_attempt": str, "last_success": str,
         "consecutive_failures": int, "last_error": str, "last_count": int},
        pk="name",
    )
    db.table("items").create(
        {"id": int, "key": str, "source": str, "url": str, "canonical_url": str, "path": str,
         "title": str, "published": str, "published_time": str, "first_seen": str, "updated_at": str,
         "body": str, "summary": str, "fingerprint": str, "area": str, "mentioned_areas": str,
         "org": str, "org_kind": str, "relevance": float, "relevant": int, "why_not": str, "cluster": int},
        pk="id", not_null={"key", "source", "title", "first_seen", "body", "fingerprint"},
    )
    db.table("items").create_index(["key"], unique=True)
    db.table("items").create_index(["canonical_url"])
    db.table("items").create_index(["fingerprint"])
    db.table("items").create_index(["first_seen"])
    db.table("item_topics").create(
        {"item_id": int, "topic": str, "rank": int, "score": float, "terms": str},
        pk=("item_id", "topic"), foreign_keys=[("item_id", "items", "id")],
    )
    db.table("figures").create(
        {"id": int, "item_id": int, "kind": str, "value": float, "text": str},
        pk="id", foreign_keys=[("item_id", "items", "id")],
    )
    db.table("figures").create_index(["item_id"])
    db.table("aliases").create(
        {"id": int, "item_id": int, "source": str, "url": str, "path": str, "added_at": str},
        pk="id", foreign_keys=[("item_id", "items", "id")],
    )
    db.table("aliases").create_index(["item_id"])
    db.table("files").create(
        {"source": str, "path": str, "size": int, "mtime_ns": int, "sha256": str,
         "item_id": int, "is_alias": int, "seen_at": str, "missing_since": str},
        pk=("source", "path"),
    )
    db.table("runs").create(
        {"id": int, "source": str, "started": str, "finished": str, "new": int, "updated": int,
         "duplicate": int, "unchanged": int, "failed": int, "error": str},
        pk="id",
    )
    db.table("runs").create_index(["started"])
    db.table("fetch_log").create(
        {"id": int, "source": str, "url": str, "status": int, "bytes": int, "duration_ms": int,
         "error": str, "at": str},
        pk="id",
    )
    db.table("editions").create(
        {"week": str, "start": str, "end": str, "built_at": str, "item_count": int}, pk="week",
    )
    db.table("items").enable_fts(["title", "body"], create_triggers=True, tokenize="porter")


@migrations()
def m002_http_cache(db: Database) -> None:
    db.table("http_cache").create({"url": str, "etag": str, "last_modified": str, "saved_at": str}, pk="url")
    db.table("runs").add_column("not_modified", int)
    db.table("fetch_log").create_index(["at"])


@migrations()
def m003_near_duplicates(db: Database) -> None:
    db.table("item_signatures").create({"item_id": int, "minhash": bytes}, pk="item_id")
    db.table("lsh_bands").create({"hash": int, "band": int, "item_id": int})
    db.table("lsh_bands").create_index(["hash", "band", "item_id"])
    db.table("lsh_bands").create_index(["item_id"])
    _save_signatures(db)


@migrations()
def m004_delivery(db: Database) -> None:
    db.table("item_topics").create_index(["topic", "item_id"])  # per-topic feeds
    db.table("deliveries").create(
        {"id": int, "week": str, "recipient": str, "status": str, "attempts": int, "message_id": str,
         "item_count": int, "error": str, "first_attempt": str, "last_attempt": str, "sent_at": str},
        pk="id",
    )
    db.table("deliveries").create_index(["week", "recipient"], unique=True)
    db.table("delivered_items").create({"recipient": str, "item_id": int, "week": str, "sent_at": str},
                                 pk=("recipient", "item_id"))


@migrations()
def m005_output_indexes(db: Database) -> None:
    """Per-area feeds and cluster look-ups without scanning every item."""
    db.table("items").create_index(["area", "relevant", "first_seen"])
    db.table("items").create_index(["cluster"])
    db.table("items").create_index(["relevant", "first_seen"])


@migrations()
def m006_faster_ingest(db: Database) -> None:
    """Full-text index kept in step only when the title or body change (not on every cluster or
    relevance update); LSH bands in one B-tree keyed by themselves (an item's old bands are
    found from its old signature); signatures and bands recomputed with the numpy shingles."""
    db.execute("drop table lsh_bands")
    db.execute("create table lsh_bands (hash integer, band integer, item_id integer, "
               "primary key (hash, band, item_id)) without rowid")

    db.execute("drop trigger if exists items_au")
    db.execute(
        'create trigger items_au after update of title, body on items begin '
        "insert into items_fts (items_fts, rowid, title, body) values('delete', old.rowid, old.title, old.body); "
        "insert into items_fts (rowid, title, body) values (new.rowid, new.title, new.body); end"
    )
    _save_signatures(db)


def _save_signatures(db: Database) -> None:
    """Each item's signature computed afresh (its band rows are written by m020, in today's form)."""
    from digest.shingles import signature

    for item_id, body in db.execute("select id, body from items").fetchall():
        db.execute("insert or replace into item_signatures (item_id, minhash) values (?, ?)",
                   [item_id, signature(body).to_bytes()])


@migrations()
def m007_index_new_text_in_store(db: Database) -> None:
    """New items enter the full-text index from the store (in bulk inside a batch), not by trigger."""
    db.execute("drop trigger if exists items_ai")


@migrations()
def m008_story_facts(db: Database) -> None:
    """Each item's shingle count and facts (numbers and names) beside its signature, and an index of
    facts, so a truncated, excerpted or spun copy and an independent report of one incident can be
    found and confirmed."""
    import json

    from digest.facts import lead_facts, story_facts
    from digest.shingles import TextKeys

    db.execute("alter table item_signatures add column shingles integer")
    db.execute("alter table item_signatures add column facts text")
    db.execute("alter table item_signatures add column lead text")
    db.execute("create table item_facts (fact text, item_id integer, primary key (fact, item_id)) without rowid")
    db.execute("create index item_facts_item on item_facts (item_id)")
    for item_id, title, body in db.execute("select id, title, body from items").fetchall():
        facts = sorted(story_facts(title, body))
        db.execute("update item_signatures set shingles = ?, facts = ?, lead = ? where item_id = ?",
                   [len(TextKeys(body).shingles), json.dumps(facts), json.dumps(sorted(lead_facts(title, body))),
                    item_id])
        db.conn.executemany("insert or ignore into item_facts (fact, item_id) values (?, ?)",
                            [(fact, item_id) for fact in facts])  # all of them: a superset of those looked up


@migrations()
def m009_reported(db: Database) -> None:
    """Whether an item joined its story as another outlet's own report of the incident (shown as
    "also reported by") rather than as a copy ("also published by")."""
    db.execute("alter table items add column reported integer not null default 0")


@migrations()
def m011_gone(db: Database) -> None:
    """Articles that answered 404 or 410, so a listing that still links them is not held back by
    them and they are not asked for on every run."""
    db.table("gone").create({"url": str, "source": str, "status": int, "gone_at": str}, pk="url")


@migrations()
def m012_delivery_attempts(db: Database) -> None:
    """A delivery records, from the moment it may have been sent, the newest item stored when its
    message was composed: an item stored later in a week already sent to the recipient is found by it."""
    db.execute("alter table deliveries add column items_through integer")


@migrations()
def m013_search_index(db: Database) -> None:
    """The columns a search reads of every matching item, in one index (digest.store.search): in the
    row most follow the body, on its overflow pages."""
    db.execute("create index if not exists items_search on items "
               "(relevant, id, cluster, area, org_kind, published, first_seen)")


@migrations()
def m014_alerts(db: Database) -> None:
    """Alerts (digest.alerts): a rule matches a story once (`alert_matches`); each of its targets
    gets one delivery, recorded before it is sent and its result after (`alert_deliveries`)."""
    db.execute("create table alert_matches (rule text not null, story integer not null, item_id integer not null, "
               "matched_at text not null, primary key (rule, story))")
    db.execute("create index alert_matches_time on alert_matches (rule, matched_at)")
    db.execute("create table alert_deliveries (id integer primary key, rule text not null, story integer not null, "
               "item_id integer not null, target text not null, status text not null, attempts integer not null "
               "default 0, next_try text, last_attempt text, sent_at text, error text, unique (rule, story, target))")
    db.execute("create index alert_deliveries_due on alert_deliveries (status, next_try)")


@migrations()
def m015_delivery_cadence(db: Database) -> None:
    """A delivery is of a weekly edition (labelled by its week) or of a daily digest (labelled by its day,
    YYYY-MM-DD): recipients with `cadence: daily` (digest.mailer.daily)."""
    db.execute("alter table deliveries add column cadence text not null default 'weekly'")


@migrations()
def m016_source_reports(db: Database) -> None:
    """What a source's health says besides failing (digest.records.source_condition): the kind of its
    last failure (`problem`: blocked by bot protection, or its layout changed), how many runs in a
    row were blocked and when it may be tried again, when it was first run and last gave a new item
    (a source gone quiet for longer than its expect_every is stale)."""
    for column in ("problem text", "blocked_runs integer not null default 0", "retry_after text",
                   "first_attempt text", "last_new text"):
        db.execute(f"alter table sources add column {column}")
    db.execute("update sources set first_attempt = (select min(started) from runs where runs.source = sources.name), "
               "last_new = (select max(finished) from runs where runs.source = sources.name and runs.new > 0)")


@migrations()
def m017_relevant_items_searched(db: Database) -> None:
    """Only relevant items are in the full-text index (search, its feeds, the API and alerts look at
    no others): its content is the view of them, so four in five index entries no longer have to be
    read and dropped by every search, and an ingest indexes a fifth of what it did."""
    for trigger in ("items_ai", "items_ad", "items_au"):
        db.execute(f"drop trigger if exists {trigger}")
    db.execute("drop table if exists items_fts")
    db.execute("create view if not exists relevant_items as select id, title, body from items where relevant = 1")
    db.execute("create virtual table items_fts using fts5(title, body, tokenize='porter', content='relevant_items', "
               "content_rowid='id')")
    db.execute("insert into items_fts (rowid, title, body) select id, title, body from relevant_items")
    db.execute(
        "create trigger items_ad after delete on items when old.relevant = 1 begin "
        "insert into items_fts (items_fts, rowid, title, body) values ('delete', old.id, old.title, old.body); end")
    # A relevant item's old text leaves the index and a relevant item's new text enters it.
    db.execute(
        "create trigger items_au after update of title, body, relevant on items begin "
        "insert into items_fts (items_fts, rowid, title, body) select 'delete', old.id, old.title, old.body "
        "where old.relevant = 1; "
        "insert into items_fts (rowid, title, body) select new.id, new.title, new.body where new.relevant = 1; end")


@migrations()
def m018_feed_entries(db: Database) -> None:
    """Each feed entry stored, with a hash of its text and hints, so an unchanged feed's entries are
    recognised before they are extracted and judged (a feed without validators is read whole)."""
    db.execute("create table feed_entries (source text not null, entry text not null, sha256 text not null, "
               "item_id integer not null, primary key (source, entry)) without rowid")


@migrations()
def m019_topics_in_search_index(db: Database) -> None:
    """Each item's topic ids in its row (`items.topics`: space-separated, in rank order; null when it has
    none), written with the item (digest.store.items), and in the search index: a search counts the topics
    of tens of thousands of matches, or narrows them to one, without joining item_topics (digest.store.search)."""
    db.execute("alter table items add column topics text")
    db.execute("update items set topics = (select group_concat(topic, ' ') from (select topic from item_topics "
               "where item_id = items.id order by rank)) where id in (select item_id from item_topics)")
    db.execute("drop index if exists items_search")
    db.execute("create index items_search on items (relevant, id, cluster, area, org_kind, published, first_seen, "
               "topics)")


@migrations()
def m020_band_keys(db: Database) -> None:
    """The LSH band index keyed by one 31-bit key a band, its band number mixed in (Signature.bands):
    a third smaller than (63-bit hash, band), so fewer of its pages are read and rewritten at random
    as the store grows. Rebuilt from the stored signatures, a thousand items at a time."""
    from digest.shingles import Signature

    db.execute("drop table lsh_bands")
    db.execute("create table lsh_bands (key integer, item_id integer, primary key (key, item_id)) without rowid")
    last = 0
    while rows := db.execute("select item_id, minhash from item_signatures where item_id > ? order by item_id "
                             "limit 1000", [last]).fetchall():
        for item_id, minhash in rows:
            save_band_rows(db.conn, item_id, Signature.from_bytes(minhash))
        last = rows[-1][0]



@migrations()
def m021_search_changes(db: Database) -> None:
    """A log of the relevant items whose search columns (digest.store.search_columns) change: written by
    triggers, so every writer keeps it; read by the server, which then reads again only those items. The
    newest 65,536 changes are kept (a server further behind reads every item again)."""
    db.execute("create table if not exists search_changes (seq integer primary key autoincrement, "
               "item_id integer not null)")
    logged = "begin insert into search_changes (item_id) values ({}); end"
    db.execute(f"create trigger if not exists items_search_ai after insert on items when new.relevant = 1 "
               f"{logged.format('new.id')}")
    db.execute(f"create trigger if not exists items_search_au after update of relevant, cluster, published, area, "
               f"org_kind, topics on items when old.relevant = 1 or new.relevant = 1 {logged.format('new.id')}")
    db.execute(f"create trigger if not exists items_search_ad after delete on items when old.relevant = 1 "
               f"{logged.format('old.id')}")
    db.execute("create trigger if not exists search_changes_kept after insert on search_changes "
               "when new.seq % 1024 = 0 begin delete from search_changes where seq <= new.seq - 65536; end")

def newer_schema(db: Database) -> tuple[int, int] | None:
    """(the database's schema version, this digest's) when a newer digest has written the database:
    it holds migrations this code does not know. A version is a migration's number (m012_... is 12)."""
    known = {migration.name for migration in migrations._migrations}  # sqlite-utils lists no names
    unknown = [applied.name for applied in migrations.applied(db) if applied.name not in known]
    if not unknown:
        return None
    return max(map(_version, unknown)), max(map(_version, known))


def newest_version() -> int:
    """This digest's schema version: its newest migration's number."""
    return max(_version(migration.name) for migration in migrations._migrations)


def _version(name: str) -> int:
    digits = name[1:].split("_")[0]
    return int(digits) if digits.isdigit() else 0
