"""What every source adapter shares: the read-only questions it may ask of the store, and the
note it yields to have a listing's or feed's validators remembered."""

from __future__ import annotations

from typing import Protocol

from digest.fetch import Response
from digest.models import Validators


class SeenUrls(Protocol):
    def seen(self, canonical_url: str) -> bool:
        """Whether an article URL is already stored (as an item or an alias)."""
        ...

    def entry_unchanged(self, source: str, entry: str, sha256: str) -> bool:
        """Whether this feed entry (link or id) was stored before with the same hash of its text."""
        ...

    def gone(self, canonical_url: str) -> bool:
        """Whether an article URL answered 404 or 410 lately (it is not asked for again yet)."""
        ...


def validators_of(source: str, response: Response) -> Validators:
    """Remember this response's ETag and Last-Modified, to send them next time."""
    return Validators(source, response.url, response.headers.get("etag"), response.headers.get("last-modified"))
