"""Near-duplicate judgement: which stored story, if any, a new text retells.

A decision made from the document's keys and the candidates it is given (stored items sharing
LSH bands with it, proposed by the store): the MinHash estimate decides clear cases, the exact
Jaccard similarity of the shingles decides those within ESTIMATE_MARGIN of the threshold. It
reads and writes nothing; the pipeline applies the decision in the document's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from digest.models import Candidate
from digest.shingles import TextKeys, jaccard, shingle_hashes, word_bytes


@dataclass(frozen=True)
class Decision:
    cluster: int | None  # the cluster of the most similar stored item; None: a story of its own
    similarity: float


ShinglesOf = Callable[[Candidate], "np.ndarray"]


class NearDuplicates:
    """Puts a new or changed item in the cluster of its most similar candidate, if similar enough."""

    MAX_CANDIDATES = 20  # those sharing most bands first
    ESTIMATE_MARGIN = 0.15  # about three standard errors of a 128-permutation estimate

    def __init__(self, threshold: float):
        self.threshold = threshold

    def judge(self, keys: TextKeys, candidates: list[Candidate], shingles_of: ShinglesOf) -> Decision:
        """The most similar candidate at or above the threshold; Decision(None, 0.0) when there is none.
        `shingles_of` gives a candidate's shingles when the estimate is too close to call."""
        estimates = keys.signature.similarities([candidate.signature for candidate in candidates])
        best_cluster, best = None, 0.0
        for candidate, similarity in zip(candidates, estimates, strict=True):
            if similarity < self.threshold - self.ESTIMATE_MARGIN:
                continue
            if similarity < self.threshold + self.ESTIMATE_MARGIN:
                similarity = jaccard(keys.shingles, shingles_of(candidate))
            if similarity >= self.threshold and similarity > best:
                best_cluster, best = candidate.cluster, similarity
        return Decision(best_cluster, best)


class ShingleCache:
    """Shingles of stored items, kept for the candidates that recur (retellings tend to follow soon)."""

    SIZE = 4000  # about 5 KB each

    def __init__(self, body_of: Callable[[int], str]):
        self._body_of = body_of
        self._recent: dict[tuple[int, str], np.ndarray] = {}

    def of(self, candidate: Candidate) -> np.ndarray:
        cached = self._recent.get((candidate.item_id, candidate.fingerprint))
        if cached is None:
            cached = shingle_hashes(word_bytes(self._body_of(candidate.item_id)))
            self.remember(candidate.item_id, candidate.fingerprint, cached)
        return cached

    def remember(self, item_id: int, fingerprint: str, shingles: np.ndarray) -> None:
        if len(self._recent) >= self.SIZE:
            self._recent.pop(next(iter(self._recent)))
        self._recent[(item_id, fingerprint)] = shingles
