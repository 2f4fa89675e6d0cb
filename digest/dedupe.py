"""Deduplication keys: canonical URLs and normalised-text fingerprints.

Layer 1 (same canonical URL -> same item) and layer 2 (same normalised text ->
alias of the existing item) are decided from these keys by the pipeline.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
