"""The feed source never crashes or hangs on feedparser's own corpus of 2,100 well-formed,
ill-formed and oddly encoded feeds (../shared/testdata, BSD licence)."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from digest.errors import DigestError
from digest.extract import extract
from digest.fetch import Response
from digest.sources.feed import entry_document, parse_feed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "feedparser-corpus" / "tests"
FILES = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason=f"feedparser corpus not found at {CORPUS}")


def _alarm(signum: int, frame: object) -> None:
    raise TimeoutError("hung for more than 10 s")


def test_every_corpus_feed_is_read_or_rejected_cleanly():
    """Each file either yields documents or a clear DigestError; nothing else escapes, nothing hangs."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    outcomes = {"read": 0, "rejected": 0, "documents": 0}
    try:
        for path in FILES:
            signal.alarm(10)
            try:
                response = Response(f"http://127.0.0.1/{path.name}", 200,
                                    httpx.Headers({"content-type": "application/xml"}), path.read_bytes(), "application/xml")
                try:
                    parsed = parse_feed(response)
                except DigestError:
                    outcomes["rejected"] += 1
                    continue
                outcomes["read"] += 1
                for entry in parsed.entries:
                    link = entry.get("link") if str(entry.get("link", "")).startswith(("http://", "https://")) else None
                    try:
                        extract(entry_document(entry, "corpus", link))
                        outcomes["documents"] += 1
                    except (DigestError, ValueError):
                        pass
            except Exception as exc:  # noqa: BLE001 - the point is that nothing else escapes
                pytest.fail(f"{path.relative_to(CORPUS)}: {type(exc).__name__}: {exc}")
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    # Most corpus files test one element each, so few entries carry article text.
    assert outcomes["read"] > 1500 and outcomes["rejected"] > 100 and outcomes["documents"] > 150, outcomes
