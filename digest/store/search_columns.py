"""The relevant items' search columns held in memory by the server (numpy arrays), kept in step with
the store through its change log (`search_changes`, written by triggers: schema m021).

A broad search matches tens of thousands of stories; counting them and their facets in SQL meant
writing each match to a temporary table and sorting it (a quarter of a second at 500,000 items).
Here a search's matches are a mask over these columns: its total, facet counts and first stories
come from array operations. The columns are rebuilt from the store when first needed (a tenth of a
second at 500,000 items) and then only the items a commit changed are read again. A snapshot is
never changed in place: a refresh makes a new one, so a thread reading an older one is undisturbed.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from digest.store.items import json_ints

if TYPE_CHECKING:
    import numpy as np

# The columns of a relevant item a search filters, counts and orders by (items_search covers them); its
# topics joined from item_topics in a database written before items.topics (m019), opened as it is.
_COLUMNS = "id, coalesce(cluster, -id), published, area, org_kind, {}"
JOINED_TOPICS = "(select group_concat(topic, ' ') from item_topics where item_topics.item_id = items.id)"
_CHANGES_KEPT = "select min(seq), max(seq) from search_changes"
# A refresh that would read more items than this share of the snapshot rebuilds it instead.
_REBUILD_SHARE = 0.05


@dataclass(frozen=True)
class Codes:
    """Names of the areas, publisher kinds and topics, each at its code (code 0: none)."""

    areas: tuple[str | None, ...]
    kinds: tuple[str | None, ...]
    topics: tuple[str | None, ...]


@dataclass(frozen=True)
class Snapshot:
    """The columns of every relevant item, in order of id, as of change `seq` of the store."""

    seq: int
    ids: np.ndarray  # int64, ascending
    story: np.ndarray  # int64: the item's cluster, or minus its id when it has none
    day: np.ndarray  # int32: the published date's ordinal, 0 when it has none
    area: np.ndarray  # int32 code
    kind: np.ndarray  # int32 code
    topic_item: np.ndarray  # int64: for each (item, topic) pair, the item's position
    topic_code: np.ndarray  # int32: and the topic's code
    shared: np.ndarray  # bool: the item's story has other relevant items (its counts need telling apart)
    codes: Codes

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, item_ids: np.ndarray) -> np.ndarray:
        """The positions of these item ids (those held; others, not relevant here, left out)."""
        import numpy as np

        at = np.searchsorted(self.ids, item_ids)
        inside = at < len(self.ids)
        at, item_ids = at[inside], item_ids[inside]
        found: np.ndarray = at[self.ids[at] == item_ids]
        return found

    def code(self, names: tuple[str | None, ...], name: str | None) -> int:
        """A name's code, or -1 for a name no item has (it matches nothing)."""
        return names.index(name) if name in names else -1


class SearchColumns:
    """The snapshot the server's threads share; each asks for the one its read transaction sees."""

    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def at(self, conn: sqlite3.Connection, seq: int | None) -> Snapshot | None:
        """The snapshot as of change `seq` (the newest change the caller's read transaction sees), refreshed
        with the caller's connection if it is older; None when the shared one is newer than that (the
        caller's transaction began before another thread's did: it begins again). Without a change log
        (`seq` None: a database before m021, opened as it is) every search reads the columns afresh."""
        if seq is None:
            return load(conn, 0)
        with self._lock:
            current = self._snapshot
            if current is not None and current.seq > seq:
                return None
            if current is None or current.seq < seq:
                current = self._snapshot = refreshed(conn, current, seq)
            return current

    def forget(self) -> None:
        """Drop the snapshot (the store's change log went back: another database at the same path)."""
        with self._lock:
            self._snapshot = None


def change_seq(conn: sqlite3.Connection) -> int | None:
    """The store's newest change, as this connection's read transaction sees it (None: no change log)."""
    try:
        return int(conn.execute("select coalesce(max(seq), 0) from search_changes").fetchone()[0])
    except sqlite3.OperationalError:
        return None


def refreshed(conn: sqlite3.Connection, old: Snapshot | None, seq: int) -> Snapshot:
    """`old` brought up to change `seq`: the changed items read again, or all of them when the changes
    reach back past what the log keeps or are many."""
    if old is None:
        return load(conn, seq)
    first = conn.execute(_CHANGES_KEPT).fetchone()[0]
    if first is None or first > old.seq + 1 or seq - old.seq > _REBUILD_SHARE * len(old) + 100:
        return load(conn, seq)
    changed = sorted({row[0] for row in conn.execute("select item_id from search_changes where seq > ? and seq <= ?",
                                                     [old.seq, seq])})
    rows = conn.execute(f"select {_columns(conn)} from items where relevant = 1 and id in "
                        f"(select value from json_each(?))", [json_ints(changed)]).fetchall()
    return _patched(old, seq, changed, rows)


def load(conn: sqlite3.Connection, seq: int) -> Snapshot:
    """Every relevant item's columns, read from the store's covering index."""
    indexed = conn.execute("select 1 from sqlite_master where type = 'index' and name = 'items_search'").fetchone()
    rows = conn.execute(f"select {_columns(conn)} from items {'indexed by items_search' if indexed else ''} "
                        f"where relevant = 1 order by id").fetchall()
    return load_rows(rows, seq)


def load_rows(rows: list[tuple[Any, ...]], seq: int = 0) -> Snapshot:
    """The snapshot of these rows (id, story, published, area, org_kind, topics), in order of id."""
    return _built(seq, rows, Codes((None,), (None,), (None,)))


def _columns(conn: sqlite3.Connection) -> str:
    has_topics = conn.execute("select 1 from pragma_table_info('items') where name = 'topics'").fetchone()
    return _COLUMNS.format("topics" if has_topics else JOINED_TOPICS)


def _patched(old: Snapshot, seq: int, changed: list[int], rows: list[tuple[Any, ...]]) -> Snapshot:
    """`old` without the changed items, then with those still relevant as they now are."""
    import numpy as np

    keep = np.ones(len(old), dtype=bool)
    keep[old.positions(np.array(changed, dtype=np.int64))] = False
    kept = np.flatnonzero(keep)
    pairs = keep[old.topic_item]
    fresh = _built(seq, rows, old.codes)
    # The kept items' columns and the fresh items' columns, in order of id.
    ids = np.concatenate([old.ids[kept], fresh.ids])
    order = np.argsort(ids, kind="stable")
    new_at = np.empty(len(order), dtype=np.int64)
    new_at[order] = np.arange(len(order))
    renumbered = np.full(len(old), -1, dtype=np.int64)
    renumbered[kept] = np.arange(len(kept))
    topic_item = np.concatenate([new_at[renumbered[old.topic_item[pairs]]], new_at[len(kept) + fresh.topic_item]])
    topic_code = np.concatenate([old.topic_code[pairs], fresh.topic_code])
    story = np.concatenate([old.story[kept], fresh.story])[order]
    return Snapshot(seq, ids[order], story, np.concatenate([old.day[kept], fresh.day])[order],
                    np.concatenate([old.area[kept], fresh.area])[order],
                    np.concatenate([old.kind[kept], fresh.kind])[order], topic_item, topic_code,
                    _shared(story), fresh.codes)


def _built(seq: int, rows: list[tuple[Any, ...]], codes: Codes) -> Snapshot:
    """Columns of these rows (in order of id), their names coded after those of `codes`."""
    import numpy as np

    areas, kinds, topics = ({name: code for code, name in enumerate(names)}
                            for names in (codes.areas, codes.kinds, codes.topics))
    count = len(rows)
    ids = np.fromiter((row[0] for row in rows), np.int64, count)
    story = np.fromiter((row[1] for row in rows), np.int64, count)
    day = np.fromiter((date.fromisoformat(row[2]).toordinal() if row[2] else 0 for row in rows), np.int32, count)
    area = np.fromiter((areas.setdefault(row[3], len(areas)) for row in rows), np.int32, count)
    kind = np.fromiter((kinds.setdefault(row[4], len(kinds)) for row in rows), np.int32, count)
    pairs = [(at, topics.setdefault(topic, len(topics))) for at, row in enumerate(rows) if row[5]
             for topic in row[5].split()]
    topic_item = np.fromiter((at for at, _ in pairs), np.int64, len(pairs))
    topic_code = np.fromiter((code for _, code in pairs), np.int32, len(pairs))
    return Snapshot(seq, ids, story, day, area, kind, topic_item, topic_code, _shared(story),
                    Codes(tuple(areas), tuple(kinds), tuple(topics)))


def _shared(story: np.ndarray) -> np.ndarray:
    """Whether each item's story has more than one relevant item."""
    import numpy as np

    _, first, counts = np.unique(story, return_inverse=True, return_counts=True)
    return np.asarray(counts[first] > 1)


def story_count(snapshot: Snapshot, mask: np.ndarray) -> int:
    """How many stories have an item in `mask` (a bool per item)."""
    import numpy as np

    alone = int(np.count_nonzero(mask & ~snapshot.shared))
    return alone + len(np.unique(snapshot.story[mask & snapshot.shared]))


def facet_counts(snapshot: Snapshot, name: str, mask: np.ndarray) -> list[tuple[str, int]]:
    """The facet's (value, stories), most first then by value: a story counts once under each value one
    of its items in `mask` has (a known area or publisher kind; each of its topics)."""
    import numpy as np

    if name == "topic":
        pairs = mask[snapshot.topic_item]
        items, codes, names = snapshot.topic_item[pairs], snapshot.topic_code[pairs], snapshot.codes.topics
    else:
        items = np.flatnonzero(mask)
        codes, names = ((snapshot.area[items], snapshot.codes.areas) if name == "area"
                        else (snapshot.kind[items], snapshot.codes.kinds))
    shared = snapshot.shared[items]
    counts = np.bincount(codes[~shared], minlength=len(names))
    if shared.any():  # a story's items alike in a value count once: its (story, value) pairs told apart
        pairs_seen = np.unique(snapshot.story[items[shared]] * len(names) + codes[shared])
        counts += np.bincount(pairs_seen % len(names), minlength=len(names))
    found = [(value, int(count)) for value, count in zip(names, counts.tolist(), strict=True) if count and value]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))
