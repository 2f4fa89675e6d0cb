"""URLs: which are web addresses, their canonical form, the site they belong to, and how
they are shown without the secrets a source's URL may carry.

Only http(s) URLs with a host are web URLs: anything else (javascript:, file:, data:,
relative paths) is never fetched and never becomes a link.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from digest.areas import area_slug

_WEB_URL = re.compile(r"^https?://[^\s/]+", re.I)
# A URL in running text, without the punctuation that closes a sentence or a bracket around it.
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+(?<![.,;:!?)\]])", re.I)
_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid|ref_src|cmpid|ito|at_medium|at_campaign)$",
    re.I,
)


def is_web_url(url: str | None) -> bool:
    """An absolute http or https URL with a host."""
    return url is not None and _WEB_URL.match(url.strip()) is not None


def web_url(url: str | None) -> str | None:
    """The URL, safe to put in a link (<, >, quotes and spaces percent-encoded, no user name or
    password: a link shown to readers never carries a source's credentials), if it is a web URL."""
    if not url or not is_web_url(url):
        return None
    scheme, authority, rest = _parts(url.strip())
    return quote(f"{scheme}{authority.rpartition('@')[2]}{rest}", safe=":/?#[]@!$&()*+,;=%~-._")


def redact(text: str) -> str:
    """Text (a URL, or a message naming URLs) with each URL's user info and query values hidden:
    `https://user:pw@host/path?key=SECRET` becomes `https://***@host/path?key=***`.

    Everything that records or shows a URL or an error outside the fetcher goes through this:
    log lines, errors, the `runs`, `sources` and `fetch_log` rows, status and /healthz.
    """
    return _URL_IN_TEXT.sub(lambda match: _redact_url(match.group()), text)


def _redact_url(url: str) -> str:
    scheme, authority, rest = _parts(url)
    if "@" in authority:
        authority = "***@" + authority.rpartition("@")[2]
    path, question, query_and_fragment = rest.partition("?")
    if not question:
        return scheme + authority + rest
    query, hash_, fragment = query_and_fragment.partition("#")
    hidden = "&".join(_hide_value(part) for part in query.split("&"))
    return f"{scheme}{authority}{path}?{hidden}{hash_}{fragment}"


def _hide_value(parameter: str) -> str:
    if not parameter:
        return parameter
    name, equals, _ = parameter.partition("=")
    return f"{name}=***" if equals else "***"  # a bare `?token` may be the secret itself


def _parts(url: str) -> tuple[str, str, str]:
    """("https://", "user:pw@host:port", "/path?query#fragment"), split by hand: never fails."""
    scheme, _, rest = url.partition("://")
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    return scheme + "://", rest[:end], rest[end:]


def host_of(url: str) -> str:
    """The host and port a URL is fetched from, lower case, its credentials left out."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


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


def edition_file(week: str, suffix: str = "html") -> str:
    """A week's edition page (or its text, `txt`), relative to the site's root."""
    return f"digests/{week}.{suffix}"


def edition_page(base_url: str, week: str) -> str:
    """The public address of a week's edition page under the site's base URL."""
    return base_url + edition_file(week)


def area_page(area: str) -> str:
    """An area's page, relative to the site's root: `areas/<area-slug>.html` (DESIGN.md §12)."""
    return f"areas/{area_slug(area)}.html"


def area_feed(area: str) -> str:
    """An area's RSS feed, relative to the site's root."""
    return f"feeds/areas/{area_slug(area)}.xml"


def topic_feed(topic_id: str) -> str:
    """A topic's RSS feed, relative to the site's root."""
    return f"feeds/topics/{topic_id}.xml"
