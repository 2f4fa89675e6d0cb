"""Polite HTTP: the one client every web source uses.

- a User-Agent naming the service and a contact URL; robots.txt obeyed, cached per host;
- one request at a time per host with `fetch.per_host_delay` between them, hosts in parallel;
- conditional GET from stored ETag/Last-Modified; 429/503 `Retry-After` honoured;
- retries with exponential backoff on timeouts, connection errors and 5xx;
- connect/read timeouts and one deadline for the whole request (3 x fetch.timeout), a response
  size cap that holds while the body is decoded (one content coding at most), http/https only,
  redirects followed by hand within a limit, content types checked;
- public addresses only (and those fetch.allow_private_networks lists), on every redirect hop;
- a stop event (the service's SIGTERM) abandons requests in progress at once;
- every request recorded in the fetch log;
- a response that is a bot-protection challenge (digest.bot_protection) fails at once, is not
  retried, and no other request goes to that host in this run.

The fetcher writes nothing itself: it reads validators from, and reports each request to,
the HTTP cache it is given (the ingest's writer stores what it reports).
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from digest.addresses import AddressPolicy, Refused, Resolve
from digest.bodies import ACCEPT_ENCODING, Unreadable, content_coding, read_body, read_start
from digest.bot_protection import CHALLENGE_STATUSES, PEEK_BYTES, challenge_in_headers, challenge_in_page
from digest.config import Fetch
from digest.connections import GuardedBackend, GuardedTransport, RequestClock, Stopped, TooSlow, checked_addresses
from digest.errors import DigestError
from digest.models import utc_now
from digest.records import BLOCKED, FetchRecord
from digest.urls import host_of, is_web_url

log = logging.getLogger("digest.fetch")

MEDIA_KINDS = {
    "html": ("text/html", "application/xhtml+xml"),
    "feed": ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
             "text/xml", "application/x-rss+xml", "application/feed+json"),
    "text": ("text/plain",),
}


class FetchError(DigestError):
    """One request failed; the message names the URL and the reason. `problem` is "blocked" for
    a bot-protection challenge."""

    def __init__(self, url: str, reason: str, status: int | None = None, problem: str | None = None):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status, self.problem = url, reason, status, problem


@dataclass
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    content: bytes
    media_type: str  # e.g. "text/html", lower case, no parameters

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HttpCache(Protocol):
    """Where the fetcher finds the validators to send, and reports every request it makes."""

    def validators(self, url: str) -> tuple[str | None, str | None] | None: ...
    def record(self, fetch: FetchRecord) -> None: ...


class _Retry(Exception):
    def __init__(self, reason: str, status: int | None = None, wait: float | None = None):
        super().__init__(reason)
        self.reason, self.status, self.wait = reason, status, wait


__all__ = ["MEDIA_KINDS", "FetchError", "Fetcher", "HttpCache", "Response", "Stopped"]


class Fetcher:
    """Thread-safe: sources running in parallel share one Fetcher.

    stop: set it to abandon every request in progress (each raises Stopped).
    resolve: how host names are resolved (the system's resolver unless given).
    """

    def __init__(self, settings: Fetch, cache: HttpCache, *, stop: threading.Event | None = None,
                 resolve: Resolve | None = None):
        self.settings = settings
        self.cache = cache
        self.user_agent = f"{self.settings.user_agent} (+{self.settings.contact})"
        self.robots_agent = self.settings.user_agent.split("/")[0].split()[0] or "digest"
        self.addresses = AddressPolicy(settings.allow_private_networks, resolve)
        self.clock = RequestClock(stop)
        timeout = self.settings.timeout
        self.client = httpx.Client(
            headers={"User-Agent": self.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            transport=GuardedTransport(GuardedBackend(self.addresses, self.clock)),
        )
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._next_request: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser] = {}
        self._blocked: dict[str, FetchError] = {}  # host -> the challenge it answered with in this run

    def close(self) -> None:
        self.client.close()

    # --- public -----------------------------------------------------------------------------

    def get(self, url: str, *, source: str, accept: tuple[str, ...] = ("html",), conditional: bool = True) -> Response:
        """GET a URL politely; raises FetchError with the reason when it cannot be had.

        conditional: send the stored ETag/Last-Modified. A source remembers the new ones
        itself, once it has processed what the response led to.
        """
        seen: list[str] = []
        current = url
        while True:
            _check_scheme(current)
            if current in seen:
                raise FetchError(url, f"redirect loop ({' -> '.join([*seen, current])})")
            if len(seen) > self.settings.max_redirects:
                raise FetchError(url, f"more than {self.settings.max_redirects} redirects")
            seen.append(current)
            self._check_blocked(current)
            self._check_address(current, asked=url)
            if self.settings.respect_robots and not self._allowed(current, source):
                raise FetchError(current, "disallowed by robots.txt; not fetched")
            validators = self.cache.validators(current) if conditional else None
            response = self._request(current, source, validators, accept)
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchError(current, f"HTTP {response.status} redirect without a Location")
                try:
                    current = urljoin(current, location)
                except ValueError:
                    raise FetchError(current, f"redirect to a malformed URL {location[:100]!r}") from None
                continue
            break
        if response.not_modified:
            return response
        if response.status >= 400:
            raise FetchError(current, f"HTTP {response.status}", response.status)
        return response

    def _check_blocked(self, url: str) -> None:
        """A host that answered with a challenge is not asked again in this run."""
        blocked = self._blocked.get(_host(url))
        if blocked is not None:
            raise FetchError(url, blocked.reason, blocked.status, blocked.problem)

    def _check_address(self, url: str, asked: str) -> None:
        """Refuse a URL whose host resolves to an address not allowed. The connection checks the
        address it connects to again; this names the page rather than its robots.txt."""
        host = urlsplit(url).hostname or ""
        try:
            checked_addresses(self.addresses, self.clock, host)
        except Refused as exc:
            if url != asked:
                raise FetchError(asked, f"redirected to {url}: {exc.reason}") from None
            raise FetchError(url, exc.reason) from None
        except (OSError, UnicodeError, ValueError):
            pass  # an unknown host: the request fails with the resolver's own words

    # --- one URL, with retries ---------------------------------------------------------------------

    def _request(self, url: str, source: str, validators: tuple[str | None, str | None] | None,
                 accept: tuple[str, ...]) -> Response:
        host = _host(url)
        headers = {}
        if validators:
            etag, modified = validators
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        attempts = self.settings.retries + 1
        with self._host_lock(host):
            for attempt in range(attempts):
                self._wait_turn(host)
                try:
                    return self._attempt(url, source, headers, accept)
                except _Retry as retry:
                    if attempt + 1 >= attempts:
                        raise FetchError(url, f"{retry.reason} (gave up after {attempts} attempts)", retry.status) from None
                    wait = retry.wait if retry.wait is not None else self.settings.backoff * (2 ** attempt)
                    if wait > self.settings.max_retry_after:
                        raise FetchError(url, f"{retry.reason}; asked to wait {wait:.0f} s, more than "
                                              f"fetch.max_retry_after ({self.settings.max_retry_after:.0f} s)", retry.status) from None
                    log.info("%s: %s: %s; retrying in %.1f s", source, url, retry.reason, wait)
                    self.clock.sleep(wait)
        raise AssertionError("unreachable")

    def _attempt(self, url: str, source: str, headers: dict[str, str], accept: tuple[str, ...]) -> Response:
        started = time.monotonic()
        status: int | None = None
        size = 0
        error: str | None = None
        try:
            with self.clock.request(self.settings.timeout * 3), self.client.stream("GET", url, headers=headers) as raw:
                status = raw.status_code
                self._check_challenge(url, raw)
                if status in (429, 503) or status >= 500:
                    wait = _retry_after(raw.headers.get("retry-after"))
                    error = f"HTTP {status}"
                    raise _Retry(error, status, wait)
                media_type = _media_type(raw.headers.get("content-type"))
                if status >= 400:
                    error = f"HTTP {status}"
                elif status == 200:
                    _check_media_type(url, media_type, accept)  # before reading: a PDF is never downloaded
                content = self._read_capped(raw) if status == 200 else b""
                size = len(content)
                return Response(url, status, raw.headers, content, media_type)
        except (_Retry, Stopped):
            error = error or "stopped: shutting down"
            raise
        except TooSlow:
            error = (f"took longer than {self.settings.timeout * 3:.0f} s (3 x fetch.timeout) to answer in full; "
                     "cut off")
            raise FetchError(url, error) from None
        except Refused as exc:
            error = exc.reason
            raise FetchError(url, error) from None
        except httpx.TimeoutException as exc:
            error = f"timed out ({type(exc).__name__})"
            raise _Retry(error) from None
        except httpx.ConnectError as exc:
            error = f"cannot connect ({exc})"
            if any(words in str(exc) for words in _NOT_WITHIN_A_RUN):
                raise FetchError(url, error) from None  # waiting seconds will not bring them back: the next run may
            raise _Retry(error) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            error = f"connection broken ({exc})"
            raise _Retry(error) from None
        except FetchError as exc:
            error = exc.reason
            raise
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
            error = f"not a usable URL ({exc})"
            raise FetchError(url, error) from None
        except httpx.HTTPError as exc:
            error = f"request failed ({exc})"
            raise FetchError(url, error) from None
        finally:
            self._next_request[_host(url)] = time.monotonic() + self.settings.per_host_delay
            self.cache.record(FetchRecord(source, url, status, size, int((time.monotonic() - started) * 1000), error,
                                          utc_now()))

    def _check_challenge(self, url: str, raw: httpx.Response) -> None:
        """Raise FetchError (not retried) when the response is a bot-protection challenge, and
        remember the host so that nothing more is asked of it in this run."""
        provider = challenge_in_headers(raw.headers)
        if provider is None and raw.status_code in CHALLENGE_STATUSES:
            try:
                coding = content_coding(raw.headers.get("content-encoding"))
            except Unreadable:
                coding = None
            provider = challenge_in_page(raw.headers, read_start(raw.iter_raw(), coding, PEEK_BYTES))
        if provider is None:
            return
        host = _host(url)
        blocked = FetchError(url, f"{BLOCKED} ({host}): HTTP {raw.status_code} with a {provider} challenge; "
                                  "not retried in this run", raw.status_code, "blocked")
        self._blocked[host] = blocked
        raise blocked

    def _read_capped(self, raw: httpx.Response) -> bytes:
        """The body, decoded, stopped at max_bytes (the request's deadline bounds the time it takes)."""
        limit = self.settings.max_bytes
        declared = raw.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(str(raw.url), f"response of {int(declared):,} bytes is over fetch.max_bytes ({limit:,})")
        try:
            return read_body(raw.iter_raw(), content_coding(raw.headers.get("content-encoding")), limit)
        except Unreadable as exc:
            raise FetchError(str(raw.url), exc.reason) from None

    # --- politeness ------------------------------------------------------------------------------

    def _host_lock(self, host: str) -> threading.Lock:
        with self._lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _wait_turn(self, host: str) -> None:
        """Called with the host's lock held: keep per_host_delay between one request's end and the
        next one's start (so the server sees them that far apart however long each took to reach it)."""
        delay = self._next_request.get(host, 0.0) - time.monotonic()
        if delay > 0:
            self.clock.sleep(delay)

    def _allowed(self, url: str, source: str) -> bool:
        origin = _origin(url)
        with self._host_lock("robots:" + origin):
            parser = self._robots.get(origin)
            if parser is None:
                parser = self._load_robots(origin, source)
                self._robots[origin] = parser
        return parser.can_fetch(self.robots_agent, url)

    def _load_robots(self, origin: str, source: str) -> RobotFileParser:
        parser = RobotFileParser()
        robots_url = origin + "/robots.txt"
        try:
            response = self._request(robots_url, source, None, ("text", "html"))
            for _ in range(5):  # robots.txt may redirect (http to https, to www): follow it (RFC 9309)
                location = response.headers.get("location")
                if response.status not in (301, 302, 303, 307, 308) or not location:
                    break
                robots_url = urljoin(robots_url, location)
                _check_scheme(robots_url)
                response = self._request(robots_url, source, None, ("text", "html"))
        except FetchError as exc:
            if exc.problem:
                raise  # blocked by bot protection: the page's own failure, not a robots.txt rule
            if exc.status and exc.status >= 500:
                parser.parse(_DISALLOW_ALL)  # a server error on robots.txt means "not now"
                return parser
            raise FetchError(robots_url, f"cannot read robots.txt ({exc.reason})", exc.status) from None
        if response.status in (401, 403) or 300 <= response.status < 400:
            parser.parse(_DISALLOW_ALL)  # forbidden, or still redirecting after five hops
        elif response.status == 200:
            parser.parse(response.content.decode("utf-8", errors="replace").splitlines())
        else:
            parser.parse([])  # 404 and other client errors: no rules
        return parser


_DISALLOW_ALL = ["User-agent: *", "Disallow: /"]
# Connection failures not retried within a run: an unknown host, a resolver that cannot be reached,
# no network (offline, every source fails at once rather than after its retries).
_NOT_WITHIN_A_RUN = ("Name or service not known", "nodename nor servname", "Temporary failure in name resolution",
                     "No address associated with hostname", "Network is unreachable")


def _host(url: str) -> str:
    """The host and port a URL is fetched from: one queue of requests each."""
    return host_of(url)


def _origin(url: str) -> str:
    """Scheme, credentials as written (they are the source's, case and all) and host: where robots.txt is."""
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    return f"{parts.scheme.lower()}://{userinfo}{at}{host.lower()}"


def _check_scheme(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed host or port
    except ValueError as exc:
        raise FetchError(url, f"not a usable URL ({exc})") from None
    if not is_web_url(url):
        what = f"{parts.scheme.lower()}: without a host" if parts.scheme.lower() in ("http", "https") else (
            parts.scheme.lower() or "a relative URL")
        raise FetchError(url, f"only http and https URLs are fetched, not {what}")


def _check_media_type(url: str, media_type: str, accept: tuple[str, ...]) -> None:
    allowed = [t for kind in accept for t in MEDIA_KINDS[kind]]
    if media_type and media_type not in allowed:
        raise FetchError(url, f"unexpected content type {media_type!r} (expected {', '.join(accept)})")


def _media_type(header: str | None) -> str:
    return (header or "").split(";")[0].strip().lower()


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
