"""An item's near-duplicate signature and its LSH band rows, as the store keeps them (written at
ingest, and by the migrations that made the tables)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported only where signatures are computed
    from digest.shingles import Signature


def save_signature_rows(conn: sqlite3.Connection, item_id: int, sig: Signature) -> None:
    """The item's new signature and its LSH band rows, those of its previous signature removed."""
    from digest.shingles import Signature

    old = conn.execute("select minhash from item_signatures where item_id = ?", [item_id]).fetchone()
    if old:  # found by their own key: no index on item_id to keep up to date on every insert
        conn.executemany("delete from lsh_bands where key = ? and item_id = ?",
                         [(key, item_id) for key in Signature.from_bytes(old[0]).bands()])
    conn.execute("insert or replace into item_signatures (item_id, minhash) values (?, ?)", [item_id, sig.to_bytes()])
    save_band_rows(conn, item_id, sig)


def save_band_rows(conn: sqlite3.Connection, item_id: int, sig: Signature) -> None:
    # "or ignore": two of one item's bands may share a key by chance
    conn.executemany("insert or ignore into lsh_bands (key, item_id) values (?, ?)",
                     [(key, item_id) for key in sig.bands()])
