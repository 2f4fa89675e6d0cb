"""Deduplication keys: canonical URLs and normalised-text fingerprints.

Layer 1 (same canonical URL -> same item) and layer 2 (same normalised text ->
alias of the existing item) are decided from these keys by the pipeline.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHash

if TYPE_CHECKING:
    from digest.store import Store

_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid|ref_src|cmpid|ito|at_medium|at_campaign)$",
    re.I,
)
_WORD = re.compile(r"\w+", re.UNICODE)


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no default port, fragment, tracking parameters or trailing slash."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if port and not (scheme == "http" and port == 80 or scheme == "https" and port == 443):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)))
    return urlunsplit((scheme, host, path, query, ""))


def normalised_words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def text_fingerprint(body: str) -> str:
    """Same article text, whatever its whitespace, case or punctuation, gives the same fingerprint."""
    return hashlib.sha256(" ".join(normalised_words(body)).encode("utf-8")).hexdigest()


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- near-duplicates (layer 3) ------------------------------------------------------------
#
# MinHash over word shingles, with LSH bands stored in SQLite (see store.near_duplicate_candidates):
# a new document is compared only with items that share a band, so the cost per document does
# not grow with the number of stored items. The banding is fixed (it must match what is stored);
# the configured threshold is applied when candidates are verified.

SHINGLE_WORDS = 3
NUM_PERM = 128
BANDS, ROWS = 32, 4  # P(candidate) = 1 - (1 - J^ROWS)^BANDS: 0.87 at J=0.5, 0.9998 at J=0.7


@dataclass
class Signature:
    hashvalues: "np.ndarray"

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, raw: bytes) -> "Signature":
        return cls(np.frombuffer(raw, dtype="<u8"))

    def bands(self) -> list[int]:
        """One 63-bit hash per band (SQLite integers are signed 64-bit)."""
        out = []
        for band in range(BANDS):
            chunk = self.hashvalues[band * ROWS:(band + 1) * ROWS].astype("<u8").tobytes()
            out.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little") >> 1)
        return out

    def similarity(self, other: "Signature") -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / len(self.hashvalues)


def shingles(text: str) -> set[bytes]:
    words = normalised_words(text)
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> Signature:
    minhash = MinHash(num_perm=NUM_PERM, seed=1)
    minhash.update_batch(shingles(text))
    return Signature(np.asarray(minhash.hashvalues, dtype=np.uint64))


class NearDuplicates:
    """Puts a new or changed item in the cluster of its most similar stored item, if similar enough.

    LSH bands propose candidates (those sharing most bands first, at most MAX_CANDIDATES);
    the MinHash estimate decides clear cases; the exact Jaccard similarity of the word
    shingles decides those within ESTIMATE_MARGIN of the threshold.
    """

    MAX_CANDIDATES = 20
    ESTIMATE_MARGIN = 0.15  # about three standard errors of a 128-permutation estimate

    def __init__(self, threshold: float):
        self.threshold = threshold
        self._recent: dict[tuple[int, str], set[tuple[str, ...]]] = {}  # candidates recur: keep their shingles
        self._lock = threading.Lock()

    def _shingles_of(self, store: "Store", item_id: int) -> set[tuple[str, ...]]:
        body = store.item_body(item_id)
        key = (item_id, hashlib.blake2b(body.encode("utf-8"), digest_size=8).hexdigest())
        with self._lock:  # shared by the source threads
            cached = self._recent.get(key)
        if cached is None:
            cached = word_shingles(body)
            with self._lock:
                if len(self._recent) >= 2000:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[key] = cached
        return cached

    def assign(self, store: "Store", item_id: int, body: str) -> tuple[int, float]:
        """Store the item's signature and set its cluster; returns (cluster, similarity)."""
        sig = signature(body)
        store.save_signature(item_id, sig)
        mine: set[tuple[str, ...]] | None = None
        best_cluster, best = item_id, 0.0
        for other_id, cluster, raw in store.near_duplicate_candidates(sig.bands(), item_id, self.MAX_CANDIDATES):
            similarity = sig.similarity(Signature.from_bytes(raw))
            if similarity < self.threshold - self.ESTIMATE_MARGIN:
                continue
            if similarity < self.threshold + self.ESTIMATE_MARGIN:  # too close to call on the estimate
                mine = mine if mine is not None else word_shingles(body)
                similarity = jaccard(mine, self._shingles_of(store, other_id))
            if similarity >= self.threshold and similarity > best:
                best_cluster, best = cluster, similarity
        store.set_cluster(item_id, best_cluster)
        return best_cluster, best


def word_shingles(text: str) -> set[tuple[str, ...]]:
    """The same shingles as `shingles`, as word tuples: cheaper to build for an exact comparison."""
    words = normalised_words(text)
    if len(words) < SHINGLE_WORDS:
        return {tuple(words)}
    return set(zip(*(words[i:] for i in range(SHINGLE_WORDS))))


def jaccard(a: set, b: set) -> float:  # type: ignore[type-arg]
    return len(a & b) / len(a | b) if a or b else 0.0
