"""Keys of a text for deduplication: its fingerprint, word shingles and MinHash signature.

The same normalised text (whatever its whitespace, case or punctuation) gives the same
fingerprint; near-duplicates are found from the signatures (digest.dedupe judges them, the
store keeps them with their LSH bands). Signatures are stored, so they must be the same in
every process and every run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from digest.phrases import replace_chars

_WORD = re.compile(r"\w+", re.UNICODE)
# Word characters (as `\w` means them in ASCII) kept, everything else a space.
_ASCII_WORDS = bytes(c if chr(c).isalnum() or chr(c) == "_" else ord(" ") for c in range(128)) + b" " * 128


# Characters outside ASCII that news text often has and that are no word characters: as
# spaces, they leave most texts ASCII (curly quotes alone made a fifth of them take the slow path).
COMMON_NON_WORD = "“”‘’£–—…\u00a0•€°"


def word_bytes(text: str) -> list[bytes]:
    """The case-folded words of the text (runs of `\\w`) in UTF-8; text that is ASCII but for
    COMMON_NON_WORD is split at C speed."""
    folded = text.casefold()
    if not folded.isascii():
        folded = replace_chars(folded, COMMON_NON_WORD)
        if not folded.isascii():
            return [word.encode("utf-8") for word in _WORD.findall(folded)]
    return folded.encode("ascii").translate(_ASCII_WORDS).split()


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- near-duplicates (layer 3) ------------------------------------------------------------
#
# MinHash over word shingles, with LSH bands stored in SQLite (see digest.store.items):
# a new document is compared only with items that share a band, so the cost per document does
# not grow with the number of stored items. The banding is fixed (it must match what is stored);
# the configured threshold is applied when candidates are verified. Shingles are 64-bit hashes
# of three consecutive words, built with numpy from one stable hash per word (cached: news
# reuses its vocabulary), so a document's shingles cost one dictionary look-up per word.

SHINGLE_WORDS = 3
NUM_PERM = 128
BANDS, ROWS = 32, 4  # P(candidate) = 1 - (1 - J^ROWS)^BANDS: 0.87 at J=0.5, 0.9998 at J=0.7
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
                        dtype=np.uint64)
_WORD_CACHE_SIZE = 500_000
_BAND_SALTS = np.arange(BANDS, dtype=np.uint64) * np.uint64(0x94D049BB133111EB)


def stable_hash(data: bytes, signed: bool = False) -> int:
    """A 64-bit hash that is the same in every process and every run (signatures are stored)."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=signed)


class _WordHashes(dict[bytes, int]):
    """Each word's stable_hash, cached (news reuses its vocabulary), with the same 64 bits read
    as a signed integer: numpy takes a run of those at C speed, unsigned ones above 2**63 not."""

    def __missing__(self, word: bytes) -> int:
        if len(self) >= _WORD_CACHE_SIZE:
            self.clear()
        value = self[word] = stable_hash(word, signed=True)
        return value


_WORD_HASHES = _WordHashes()


def _mix(values: np.ndarray) -> np.ndarray:
    """Spread the bits of combined hashes (the 64-bit finaliser of MurmurHash3); uint64 wraps."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    mixed: np.ndarray = values ^ (values >> np.uint64(33))
    return mixed


def shingle_hashes(words: list[bytes]) -> np.ndarray:
    """Sorted distinct hashes of the text's 3-word shingles (a short text is one shingle)."""
    if len(words) < SHINGLE_WORDS:
        return np.array([stable_hash(b" ".join(words))], dtype=np.uint64)
    codes = np.fromiter(map(_WORD_HASHES.__getitem__, words), np.int64, len(words)).view(np.uint64)
    combined = codes[:-2] * _MULTIPLIERS[0] + codes[1:-1] * _MULTIPLIERS[1] + codes[2:] * _MULTIPLIERS[2]
    return sorted_distinct(_mix(combined))


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values), four times faster on a few hundred values (it hashes before it sorts)."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, which datasketch applies before its permutations."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = values ^ (values >> np.uint32(16))
    return mixed


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of datasketch's MinHash(num_perm=NUM_PERM, seed=1) in its 2.x "affine32" scheme
    (odd 32-bit multipliers, 32-bit offsets), drawn here as it draws them, because importing
    datasketch loads scipy: 0.7 s of CPU at the start of every ingest, with the workers waiting.
    A test checks they equal datasketch's."""
    draw = np.random.RandomState(1)
    a = draw.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    return a, draw.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)


@dataclass
class Signature:
    hashvalues: np.ndarray
    _bands: list[int] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, shingles: np.ndarray) -> Signature:
        """The MinHash of a set of shingle hashes, as datasketch's MinHash (scheme "affine32")
        computes it from their low 32 bits, but for all shingles in one numpy step (its
        update_batch calls the hash function once per value: three times slower here)."""
        a, b = _permutations()
        values = _fmix32((shingles & np.uint64(0xFFFFFFFF)).astype(np.uint32))
        hashed = np.multiply.outer(a, values)  # a permutation a row: each row's minimum along memory
        hashed += b[:, None]
        return cls(hashed.min(axis=1).astype(np.uint64))

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Signature:
        return cls(np.frombuffer(raw, dtype="<u8"))

    def bands(self) -> list[int]:
        """One key per band of ROWS values, the band's number mixed in, so one index column holds
        them all: 31 bits, which SQLite stores in 4 bytes (a 63-bit hash and the band took 9), and the
        band index, read at random as the store grows, a third smaller. Keys shared by chance with
        another band or item (one look-up in a million at 100,000 items) only add a candidate to score."""
        if self._bands is None:
            rows = self.hashvalues.astype(np.uint64).reshape(BANDS, ROWS)
            combined = (rows * _MULTIPLIERS).sum(axis=1, dtype=np.uint64) + _BAND_SALTS
            self._bands = (_mix(combined) >> np.uint64(33)).tolist()
        return self._bands

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / len(self.hashvalues)

    def similarities(self, others: list[bytes]) -> list[float]:
        """`similarity` with each of these stored signatures (to_bytes), in one step."""
        if not others:
            return []
        stored = np.frombuffer(b"".join(others), dtype="<u8").reshape(len(others), -1)
        shares: list[float] = (np.count_nonzero(stored == self.hashvalues, axis=1) / len(self.hashvalues)).tolist()
        return shares


class TextKeys:
    """What deduplication needs of a body: its fingerprint now; shingles and signature when asked."""

    def __init__(self, body: str):
        self.words = word_bytes(body)
        self.fingerprint = hashlib.sha256(b" ".join(self.words)).hexdigest()

    @cached_property
    def shingles(self) -> np.ndarray:
        return shingle_hashes(self.words)

    @cached_property
    def signature(self) -> Signature:
        return Signature.of(self.shingles)

    def __getstate__(self) -> tuple[str, bytes, bytes, list[int]]:
        """Sent between processes with everything computed, without the word list, the arrays as their
        bytes: numpy's pickling of them took three times as long (28 -> 8 us a document, both ends)."""
        return self.fingerprint, self.shingles.tobytes(), self.signature.to_bytes(), self.signature.bands()

    def __setstate__(self, state: tuple[str, bytes, bytes, list[int]]) -> None:
        fingerprint, shingles, signature, bands = state
        self.words, self.fingerprint = [], fingerprint
        self.__dict__["shingles"] = np.frombuffer(shingles, dtype=np.uint64)
        self.__dict__["signature"] = Signature(Signature.from_bytes(signature).hashvalues, bands)


def signature(text: str) -> Signature:
    return TextKeys(text).signature


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted arrays of distinct shingle hashes."""
    positions = np.searchsorted(b, a)
    positions[positions == len(b)] = 0
    shared = int(np.count_nonzero(b[positions] == a))
    union = len(a) + len(b) - shared
    return shared / union if union else 0.0
