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

from digest.phrases import Automaton, replace_chars
from digest.text import TITLE_CASE_LITTLE_WORDS, fold_case, literal_starts, matches_at, without_days_of_month

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


# --- a story's facts ---------------------------------------------------------------------------
#
# Copies of one story keep its facts even when their words change (a spun or rewritten copy) or
# most of the text is gone (a truncated one); different events told with one template keep the
# template's words but not its facts. A fact is a number the text states ("n:23") or a name of
# two or more capitalised words ("w:central drive", "w:operation tern").

# The patterns open with the character a match begins with, and look behind it only after it: the
# regex engine then skips to those characters instead of trying the pattern at every position.
# A number not inside another: "\d(?<![\d.,]\d)" is "(?<![\d.,])\d".
_NUMBER = re.compile(r"\d(?<![\d.,]\d)(?:\d{0,2}(?:,\d{3})+|\d*(?:\.\d+)?)(?![\d]|[.,]\d)")
# A phone number (0 and 9 to 11 digits) or 101, 999, 111, each a word of its own. A pattern for each
# first digit, which the engine skips to (one pattern opening with [019] tried every 0, 1 and 9: four
# times slower); none can begin inside another's match, so they are taken out one after the other.
_PHONES = (re.compile(r"0(?<!\w0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"), re.compile(r"1(?<!\w1)(?:01|11)\b"),
           re.compile(r"999(?<!\w999)\b"))
_NAME = re.compile(r"[A-Z](?<!\w[A-Z])[a-z’'-]+(?:[A-Z][a-z’'-]+)*(?:[ \t]+(?:of|the|and|upon|de|van|[A-Z][a-z’'-]+(?:[A-Z][a-z’'-]+)*))*"
                   r"[ \t]+[A-Z][a-z’'-]+(?:[A-Z][a-z’'-]+)*\b")  # a part may go on in capitals: "Chester-le-Street", "McDonald"
_OPENERS = frozenset({"by", "the", "a", "an", "this", "it", "he", "she", "they", "we", "in", "on", "at", "but", "and",
                      "officers", "police", "mr", "mrs", "ms", "dr", "detective", "inspector", "sergeant",
                      # ranks and roles, written out or not, so that one outlet's "Detective Chief Inspector Jo
                      # Bell" and another's "Det Ch Insp Jo Bell" or "DCI Jo Bell" name the same person
                      "det", "ch", "chief", "insp", "supt", "superintendent", "sgt", "constable", "pc", "dc", "ds",
                      "di", "dci", "dcs", "acting", "temporary", "assistant", "deputy", "commander", "crime",
                      "commissioner", "cllr", "councillor", "judge", "recorder", "sir", "dame"})


def story_facts(title: str, body: str) -> frozenset[str]:
    """The numbers and names a story states."""
    return _facts(f"{title}\n\n{body}")


def lead_facts(title: str, body: str) -> frozenset[str]:
    """The numbers and names of a story's headline and first paragraph: the event it is about; and
    the stage of a case it reports ("c:charged"), from the headline if it says, else the paragraph."""
    first = next((line for line in body.splitlines() if len(line.split()) >= LEAD_WORDS), "")[:LEAD_CHARS]
    stage = case_stage(title) or case_stage(first)
    return _facts(f"{title}\n\n{first}") | ({f"c:{stage}"} if stage else set())


# Stages of one case, earliest first: each is a story of its own ("Dawn raids", "Six charged",
# "Found guilty", "Jailed", "Appeal refused"). A text telling several is at its latest.
CASE_STAGES = (
    ("raided", re.compile(r"\b(?:raids?|raided|warrants?|arrest(?:s|ed)?|detained)\b", re.I)),
    ("charged", re.compile(r"\b(?:charged|charges?|remanded|accused|appear(?:s|ed)? (?:in|at|before) (?:court|"
                           r"magistrates))\b", re.I)),
    ("convicted", re.compile(r"\b(?:guilty|convicted|admit(?:s|ted)?)\b", re.I)),
    ("sentenced", re.compile(r"\b(?:jailed|sentenced|locked up|imprisoned|behind bars|years? in prison|detained for "
                             r"life)\b", re.I)),
    ("appealed", re.compile(r"\bappeal (?:refused|rejected|dismissed|allowed|upheld)|\b(?:loses?|lost|wins?|won) "
                            r"(?:an |his |her |their )?appeal\b", re.I)),
)


# Each stage's pattern is tried only where one of its literal starts begins (all found in one pass):
# searching a text with patterns opening with a word boundary and ignoring case tried every position.
_STAGE_STARTS = Automaton((start, index) for index, (_, pattern) in enumerate(CASE_STAGES)
                          for start in literal_starts(pattern))


def case_stage(text: str) -> str | None:
    """The latest stage of a case the text reports, if any."""
    starts: dict[int, set[int]] = {}
    for at, _, index in _STAGE_STARTS.find(fold_case(text)):
        starts.setdefault(index, set()).add(at)
    for index in sorted(starts, reverse=True):
        stage, pattern = CASE_STAGES[index]
        if next(matches_at(pattern, text, sorted(starts[index])), None) is not None:
            return stage
    return None


LEAD_CHARS = 400
LEAD_WORDS = 8  # a paragraph, not a byline or a stamp above it


def _facts(text: str) -> frozenset[str]:
    """The facts of a headline and its text, set apart by a blank line; a paragraph may be wrapped."""
    text = _WRAP.sub(" ", _without_phones(text))
    facts = {"n:" + match.replace(",", "") for match in _NUMBER.findall(without_days_of_month(text))}

    def name(match: re.Match[str]) -> str:
        replacement, named = _name_facts(match.group())
        facts.update(named)
        return replacement

    # A heading in title case ("Violent Handbag Robbery Leaves Woman Hurt", "A Community Shaken") names
    # nothing: its capitals are its style. Its numbers still count.
    parts = text.split("\n\n")
    named = "\n\n".join(part for index, part in enumerate(parts) if not _title_case_heading(part, headline=index == 0))
    rest = _NAME.sub(name, named)
    words = {word.lower().replace("’", "'").removesuffix("'s") for word in _WORD_NAME.findall(rest)}
    facts.update("w:" + word for word in words - _NOT_NAMES)
    return frozenset(facts)


_WRAP = re.compile(r"\n(?<!\n\n)(?!\n)")  # a line break alone


def _without_phones(text: str) -> str:
    for phone in _PHONES:
        text = phone.sub(" ", text)
    return text


@lru_cache(maxsize=20_000)  # news names the same people, places and courts again and again
def _name_facts(found: str) -> tuple[str, tuple[str, ...]]:
    """What a match of _NAME is replaced by, and the facts it names."""
    words = found.lower().replace("’", "'").split()
    while words and words[0] in _OPENERS:  # "The Crown Court", "Detective Sergeant Jo Bell"
        words.pop(0)
    if words and words[-1].endswith("'s"):  # "County Durham's": the name
        words[-1] = words[-1][:-2]
    if len(words) < 2:
        return found, ()
    owner = next((index for index, word in enumerate(words[:-1]) if word.endswith("'s")), None)
    if owner is not None:  # "Middlesbrough's James Cook University Hospital": the owner, and the name it owns
        owned = words[owner + 1:]
        owners = [word.removesuffix("'s") for word in words[:owner + 1] if word.removesuffix("'s") not in ROLE_WORDS]
        return "name", (*(["w:" + " ".join(owners)] if owners else []),  # not a role ("the Commissioner's")
                        *(["w:" + " ".join(owned)] if len(owned) > 1 or owned[0] not in _NOT_NAMES else []),
                        *_parts(owned))
    return "name", ("w:" + " ".join(words), *_parts(words))  # "name": mid-sentence still, for the word after it


def _parts(words: list[str]) -> set[str]:
    """The names a name joins with "and" ("Whatriggs Road and Bellfield Avenue"), each a fact too,
    so one text's pair and another's single names meet."""
    if "and" not in words[1:-1]:
        return set()
    parts: list[str] = []
    current: list[str] = []
    for word in [*words, "and"]:
        if word == "and":
            while current and current[0] in _OPENERS:
                current.pop(0)
            if current:
                parts.append("w:" + " ".join(current))
            current = []
        else:
            current.append(word)
    return set(parts)


# A single capitalised word inside a sentence is a name ("in Luton", "told the Echo"); at a
# sentence's start, or in a headline That Capitalises Every Word, it may be any word.
_WORD_NAME = re.compile(r"[A-Z](?<=[^\s.!?:;\"“‘'(] [A-Z])[a-z’'-]{2,}(?:[A-Z][a-z’'-]+)*\b")
_NOT_NAMES = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "police", "council",
    "court", "crown", "officers", "officer", "detective", "inspector", "sergeant", "constable", "chief",
    "superintendent", "commissioner", "mayor", "judge", "mrs", "christmas", "easter", "british", "english",
    "published", "updated", "posted",  # a date's label left alone on its line ("- Published")
})
# The words of a name that give a role, not who ("Police and Crime Commissioner Marc Jones",
# "Detective Inspector Hannah Corbett"): one outlet writes the role out, another "Mr Jones" or
# "the commissioner".
ROLE_WORDS = _NOT_NAMES | frozenset({
    "and", "of", "the", "crime", "fire", "deputy", "assistant", "acting", "temporary", "det", "insp", "supt", "mr", "ms",
    "dr", "pc", "dc", "ds", "di", "dci", "dcs", "councillor", "cllr", "lord", "lady", "sir",
})


def _title_case_heading(part: str, headline: bool) -> bool:
    """A headline written in title case (most of its words capitalised), or a crosshead of a few words
    all capitalised, with no punctuation: a line of a hard-wrapped paragraph is not one ("doors on
    Whatriggs Road and Bellfield Avenue, and Detective ...")."""
    if len(part) > 160 or part.rstrip().endswith((".", "!", "?", '"', "”", "'", "’", ":")):
        return False
    if headline:
        return _is_title_case(part)
    words = [word for word in part.split() if word.lower() not in TITLE_CASE_LITTLE_WORDS]
    return 2 <= len(words) <= 8 and all(word[:1].isupper() and word.isalpha() for word in words)


def _is_title_case(line: str) -> bool:
    long_words = [word for word in line.split() if len(word) > 3]
    return len(long_words) >= 3 and sum(word[:1].isupper() for word in long_words) / len(long_words) >= 0.7
