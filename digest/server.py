"""Serve output_dir over HTTP (WSGI on waitress): static files with conditional GET, plus /healthz.

Only files inside output_dir are served: the path is percent-decoded once (by the WSGI
server), `..`, dot-names, backslashes, NUL and absolute paths are refused, and the resolved
path (symlinks followed) must still lie inside output_dir.resolve().
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from digest.config import Config
from digest.errors import DigestError
from digest.models import utc_now
from digest.records import Status, public_error, source_condition, stamp
from digest.search import SearchOpener

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Headers = list[tuple[str, str]]
# Reads the status from the database, read-only; None when there is no database yet.
StatusReader = Callable[[], Status | None]

RSS = "application/rss+xml; charset=utf-8"
TYPES = {
    ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".json": "application/json", ".png": "image/png",
}
# An idle or slow client holds a connection, not a thread, but waitress stops accepting at its
# connection limit (100 by default, each idle one kept 120 s): a handful of idle sockets would
# stall /healthz for minutes. Allow more, and close the idle ones within about 20 s.
LIMITS: dict[str, Any] = {"connection_limit": 500, "channel_timeout": 15, "cleanup_interval": 5}
COMMON: Headers = [("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-cache")]
HTML_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def content_type(relative: Path) -> str:
    """The Content-Type for a file, from its path relative to output_dir."""
    suffix = relative.suffix.lower()
    if suffix == ".xml":
        is_feed = relative.parts[0] == "feeds" or relative.as_posix() == "feed.xml"
        return RSS if is_feed else "application/xml; charset=utf-8"
    return TYPES.get(suffix, "application/octet-stream")


def safe_path(root: Path, path_info: str) -> tuple[Path, bool] | None:
    """(file, named a folder) under `root` for `path_info` (already percent-decoded once), or None."""
    try:
        path = path_info.encode("latin-1").decode("utf-8")  # WSGI carries the raw bytes as latin-1
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if not path.startswith("/") or "\x00" in path or "\\" in path:
        return None
    parts = path[1:].split("/")
    if parts[-1] == "":
        parts.pop()  # a trailing slash
    if any(part == "" or part.startswith(".") for part in parts):  # `//abs`, `a//b`, `..`, dotfiles
        return None
    try:
        target = root.joinpath(*parts).resolve()
        folder = target.is_dir()
        if folder:
            target = (target / "index.html").resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not target.is_relative_to(root) or target == root:
        return None
    if any(part.startswith(".") for part in target.relative_to(root).parts):
        return None  # a symlink to a hidden or temporary file
    if target.suffix.lower() == ".eml":
        return None  # an email (an outbox an older version kept in output_dir) is never public
    return (target, folder) if target.is_file() else None


def _etag(stat: os.stat_result) -> str:
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def not_modified(environ: dict[str, Any], etag: str, mtime: float) -> bool:
    """True when the request's validators match (If-None-Match wins over If-Modified-Since)."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if not since:
        return False
    try:
        return int(mtime) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False


def _text(start_response: StartResponse, status: str, message: str) -> list[bytes]:
    body = (message + "\n").encode("utf-8")
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                            *COMMON])
    return [body]


def serve_file(environ: dict[str, Any], start_response: StartResponse, root: Path) -> Iterable[bytes]:
    path_info = environ.get("PATH_INFO") or "/"
    found = safe_path(root, path_info)
    if found is None:
        return _text(start_response, "404 Not Found", "Not found.")
    target, folder = found
    if folder and not path_info.endswith("/"):
        location = quote(path_info.encode("latin-1").decode("utf-8")) + "/"  # a folder: keep relative links working
        start_response("301 Moved Permanently", [("Location", location), ("Content-Length", "0"), *COMMON])
        return [b""]
    try:
        handle = open(target, "rb")  # noqa: SIM115 (closed by the WSGI server via file_wrapper)
    except OSError:
        return _text(start_response, "404 Not Found", "Not found.")
    stat = os.fstat(handle.fileno())  # of the file we opened, even if it is replaced meanwhile
    headers: Headers = [("ETag", _etag(stat)), ("Last-Modified", formatdate(stat.st_mtime, usegmt=True)), *COMMON]
    if not_modified(environ, _etag(stat), stat.st_mtime):
        handle.close()
        start_response("304 Not Modified", headers)
        return [b""]
    kind = content_type(target.relative_to(root))
    headers += [("Content-Type", kind), ("Content-Length", str(stat.st_size))]
    if kind.startswith("text/html"):
        headers.append(("Content-Security-Policy", HTML_CSP))
    start_response("200 OK", headers)
    if environ["REQUEST_METHOD"] == "HEAD":
        handle.close()
        return [b""]
    wrapper = environ.get("wsgi.file_wrapper")
    return wrapper(handle, 64 * 1024) if wrapper else _chunks(handle)


def _chunks(handle: Any) -> Iterable[bytes]:
    with handle:
        while chunk := handle.read(64 * 1024):
            yield chunk


def health(config: Config, read_status: StatusReader) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for /healthz."""
    report: dict[str, Any] = {"status": "ok", "database": "ok", "last_ingest": None, "last_edition": None,
                              "failing_sources": [], "stale_sources": [], "alert_problems": [], "items": 0}
    try:
        status = read_status()
    except (DigestError, sqlite3.Error) as exc:  # its message may name the file: the class is enough here
        return 503, {**report, "status": "error", "database": f"error: {type(exc).__name__}"}
    if status is None:
        return 200, {**report, "database": "missing"}
    report["last_ingest"] = stamp(status.last_ingest)
    edition = status.last_edition
    report["last_edition"] = {"week": edition.week, "built_at": stamp(edition.built_at)} if edition else None
    report["items"] = status.items
    report["failing_sources"], report["stale_sources"] = _source_reports(config, status)
    # Rules and outcomes only: an alert's addresses and webhook URLs are private.
    report["alert_problems"] = [{"rule": alert.rule, "status": alert.status, "error": public_error(alert.error)}
                                for alert in status.alert_problems]
    if report["failing_sources"] or report["stale_sources"] or any(alert.status != "retry" for alert in status.alert_problems):
        report["status"] = "degraded"
    return 200, report


def _source_reports(config: Config, status: Status) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The enabled sources failing (by the kind of failure: failing, blocked, layout changed) and
    those stale, in public words: no URL, path or error text."""
    health = {row.name: row for row in status.sources}
    failing, stale = [], []
    now = utc_now()
    for source in config.sources:
        row = health.get(source.name)
        condition = source_condition(row, source.expect_every, now)
        if not source.enabled or row is None or condition.state in ("ok", "never run"):
            continue
        if condition.state == "stale":
            stale.append({"name": source.name, "problem": condition.detail, "last_new": stamp(row.last_new)})
            continue
        failing.append({"name": source.name, "problem": condition.state, "consecutive_failures": row.consecutive_failures,
                        "last_error": condition.detail, "last_success": stamp(row.last_success),
                        **({"retry_after": stamp(row.retry_after)} if condition.state == "blocked" else {})})
    return failing, stale


def healthz(environ: dict[str, Any], start_response: StartResponse, config: Config,
            read_status: StatusReader) -> list[bytes]:
    code, report = health(config, read_status)
    body = json.dumps(report, ensure_ascii=False).encode("utf-8")
    status = "200 OK" if code == 200 else "503 Service Unavailable"
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                            ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store")])
    return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]


# The search page's own form submits to /search: the one change to the files' policy.
SEARCH_CSP = HTML_CSP.replace("form-action 'none'", "form-action 'self'")


def search_page(environ: dict[str, Any], start_response: StartResponse, config: Config,
                open_search: SearchOpener | None) -> list[bytes]:
    from digest.search import BadParameter
    from digest.search_pages import request_params, search_atom, search_html

    atom = environ.get("PATH_INFO") == "/search.atom"
    try:
        params = request_params(environ.get("QUERY_STRING", ""))
    except BadParameter as exc:
        return _text(start_response, "400 Bad Request", f"The parameter {exc.name} cannot be used: {exc.message}.")
    try:
        archive = open_search() if open_search else None
    except (DigestError, sqlite3.Error):
        archive = None
    if atom:
        if archive is None:
            return _text(start_response, "503 Service Unavailable", "There is no archive to search yet.")
        try:
            body, kind, code = search_atom(config, archive, params).encode("utf-8"), TYPES[".atom"], 200
        except BadParameter as exc:
            return _text(start_response, "400 Bad Request", f"The parameter {exc.name} cannot be used: {exc.message}.")
        headers: Headers = [("Content-Type", kind)]
    else:
        code, page = search_html(config, archive, params)
        body = page.encode("utf-8")
        headers = [("Content-Type", TYPES[".html"]), ("Content-Security-Policy", SEARCH_CSP)]
    return _answer(environ, start_response, code, body, headers)


def api_page(environ: dict[str, Any], start_response: StartResponse, config: Config,
             open_search: SearchOpener | None) -> list[bytes]:
    """/api/v1/...: JSON with an ETag (a hash of the body), 304 when If-None-Match has it."""
    from digest.api import api_reply, body_json

    try:
        archive = open_search() if open_search else None
    except (DigestError, sqlite3.Error):
        archive = None
    code, reply = api_reply(config, archive, environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
    return _answer(environ, start_response, code, body_json(reply), [("Content-Type", "application/json")])


STATUS_LINES = {200: "200 OK", 400: "400 Bad Request", 404: "404 Not Found", 503: "503 Service Unavailable"}


def _answer(environ: dict[str, Any], start_response: StartResponse, code: int, body: bytes,
            headers: Headers) -> list[bytes]:
    """A generated response with an ETag (a hash of the body); 304 when a 200's If-None-Match has it."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    # Only If-None-Match counts: a generated body has no modification time.
    if code == 200 and not_modified({"HTTP_IF_NONE_MATCH": environ.get("HTTP_IF_NONE_MATCH", "")}, etag, 0):
        start_response("304 Not Modified", [("ETag", etag), *COMMON])
        return [b""]
    start_response(STATUS_LINES[code], [*headers, ("Content-Length", str(len(body))), ("ETag", etag), *COMMON])
    return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def make_app(config: Config, read_status: StatusReader, open_search: SearchOpener | None = None) -> WSGIApp:
    """A WSGI app serving config.output_dir (GET and HEAD only), /healthz, and /search, /search.atom
    and /api/v1/ (digest.api) over what `open_search` opens (503 without it)."""
    root = Path(config.output_dir).resolve()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            body = b"Method not allowed.\n"
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Length", str(len(body))),
                                                      ("Content-Type", "text/plain; charset=utf-8"), *COMMON])
            return [body]
        if environ.get("PATH_INFO") == "/healthz":
            return healthz(environ, start_response, config, read_status)
        if environ.get("PATH_INFO") in ("/search", "/search.atom"):
            return search_page(environ, start_response, config, open_search)
        if (environ.get("PATH_INFO") or "").startswith("/api/v1/"):
            return api_page(environ, start_response, config, open_search)
        return serve_file(environ, start_response, root)

    return app


def serve(config: Config, read_status: StatusReader, host: str, port: int,
          open_search: SearchOpener | None = None) -> None:
    """Serve until interrupted (127.0.0.1 by default: put a reverse proxy in front to publish it)."""
    import waitress

    shown = f"[{host}]" if ":" in host else host
    print(f"serving {config.output_dir} on http://{shown}:{port}/", file=sys.stderr, flush=True)
    waitress.serve(make_app(config, read_status, open_search), host=host, port=port, threads=8, ident="digest", **LIMITS)


class BackgroundServer:
    """The HTTP server in a thread of the service (`run` with server.enabled)."""

    def __init__(self, config: Config, read_status: StatusReader, host: str, port: int,
                 open_search: SearchOpener | None = None):
        from waitress import wasyncore
        from waitress.server import create_server

        self._close_all = wasyncore.close_all
        self.server = create_server(make_app(config, read_status, open_search), host=host, port=port, threads=4, ident="digest",
                                    **LIMITS)
        self.thread = threading.Thread(target=self.server.run, name="http", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Close from the server's own loop thread, so its select() never sees a closed socket.
        (This uses waitress's internals `trigger` and `_map`, which its type stubs do not describe.)"""
        server: Any = self.server
        server.trigger.pull_trigger(lambda: self._close_all(server._map, ignore_all=True))
        self.thread.join(timeout=5)
