"""URLs: which are web addresses, their canonical form, and the site they belong to.

Only http(s) URLs with a host are web URLs: anything else (javascript:, file:, data:,
relative paths) is never fetched and never becomes a link.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

_WEB_URL = re.compile(r"^https?://[^\s/]+", re.I)
_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid|ref_src|cmpid|ito|at_medium|at_campaign)$",
    re.I,
)


def is_web_url(url: str | None) -> bool:
    """An absolute http or https URL with a host."""
    return url is not None and _WEB_URL.match(url.strip()) is not None


def web_url(url: str | None) -> str | None:
    """The URL, safe to put in a link (<, >, quotes and spaces percent-encoded), if it is a web URL."""
    if not url or not is_web_url(url):
        return None
    return quote(url.strip(), safe=":/?#[]@!$&()*+,;=%~-._")


def site_of(url: str) -> str:
    """The host of a URL, lower case, without "www.": the site it belongs to."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no default port, fragment, tracking parameters or trailing slash."""
    if url is None or not is_web_url(url):
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING_PARAMS.match(k)))
    return urlunsplit((scheme, host, path, query, ""))


def edition_page(base_url: str, week: str) -> str:
    """The public address of a week's edition page under the site's base URL."""
    return f"{base_url}digests/{week}.html"
