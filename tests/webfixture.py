"""A real HTTP server on 127.0.0.1 for tests: fixture sites from tests/fixtures/sites with
ETag/Last-Modified and 304 answers, plus scripted replies for faults. It records every request."""

from __future__ import annotations

import hashlib
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".txt": "text/plain",
                 ".pdf": "application/pdf", ".json": "application/json"}
LAST_MODIFIED = formatdate(1763300000, usegmt=True)  # a fixed time in November 2025


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (to make a client time out)
    drip: float = 0.0  # seconds between 9-byte pieces of the body (a server that never quite stops)


@dataclass
class Seen:
    method: str
    path: str  # with the query string
    headers: dict[str, str]
    at: float  # time.monotonic() when it arrived


class FixtureServer:
    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.scripts: dict[str, list[Reply]] = {}
        self.sites: list[tuple[str, Path, dict[str, str], dict[str, str]]] = []
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        server = ThreadingHTTPServer((host, 0), _handler(self))
        server.daemon_threads = True
        server.block_on_close = False
        if tls is not None:  # https: each connection's handshake is made as it is accepted
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        self._server = server
        self.host = f"{host}:{server.server_address[1]}"
        self.base = f"{'https' if tls else 'http'}://{self.host}"
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    # --- what to serve -------------------------------------------------------------------------

    def script(self, path: str, *replies: Reply) -> None:
        """Answer `path` with these replies in turn; the last one repeats."""
        self.scripts[path] = list(replies)

    def site(self, name: str, prefix: str = "/", content_types: dict[str, str] | None = None) -> None:
        """Serve tests/fixtures/sites/<name> under prefix; placeholders like PCC_HOST become this host."""
        replace = {"PCC_HOST": self.host, "ATOM_HOST": self.host, "POLICE_HOST": self.host, "NEWSROOM_HOST": self.host,
                   "WP_HOST": self.host}
        self.sites.append((prefix, SITES / name, replace, content_types or {}))

    # --- what was asked ------------------------------------------------------------------------

    def seen(self, path: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    # --- answering -----------------------------------------------------------------------------

    def answer(self, method: str, raw_path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(Seen(method, raw_path, headers, time.monotonic()))
            script = self.scripts.get(raw_path)
            if script:
                return script.pop(0) if len(script) > 1 else script[0]
        for prefix, root, replace, types in self.sites:
            if raw_path.startswith(prefix):
                found = _static(root, raw_path[len(prefix) - 1:] if prefix != "/" else raw_path, replace, types)
                if found:
                    return _conditional(found, headers)
        return Reply(404, b"<html><body><h1>Page not found</h1></body></html>",
                     {"Content-Type": "text/html; charset=utf-8"})


def _static(root: Path, raw_path: str, replace: dict[str, str], types: dict[str, str]) -> Reply | None:
    parts = urlsplit(raw_path)
    relative = parts.path.lstrip("/")
    candidates = []
    page = parse_qs(parts.query).get("page")
    if page:
        candidates.append(root / relative / f"page-{page[0]}.html")
    elif relative.endswith("/") or not relative:
        candidates += [root / relative / "index.html", root / relative / "index.xml"]
    else:
        candidates.append(root / relative)
    for path in candidates:
        if path.is_file() and root in path.resolve().parents:
            body = path.read_bytes()
            for key, value in replace.items():
                body = body.replace(key.encode(), value.encode())
            content_type = types.get(parts.path) or CONTENT_TYPES.get(path.suffix, "application/octet-stream")
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            return Reply(200, body, {"Content-Type": content_type, "ETag": etag, "Last-Modified": LAST_MODIFIED})
    return None


def _conditional(reply: Reply, headers: dict[str, str]) -> Reply:
    etag = reply.headers.get("ETag")
    if etag and headers.get("if-none-match") == etag:
        return Reply(304, b"", {"ETag": etag})
    since = headers.get("if-modified-since")
    if since and "if-none-match" not in headers:
        try:
            if parsedate_to_datetime(since) >= parsedate_to_datetime(reply.headers["Last-Modified"]):
                return Reply(304, b"", {"Last-Modified": reply.headers["Last-Modified"]})
        except (TypeError, ValueError, KeyError):
            pass
    return reply


def _handler(fixture: FixtureServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body go in two writes: without TCP_NODELAY the body waits about
        # 40 ms for the client's delayed ACK (Nagle's algorithm), on every response.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # the stdlib calls it by this name
            headers = {key.lower(): value for key, value in self.headers.items()}
            reply = fixture.answer("GET", self.path, headers)
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.drip:
                    for start in range(0, len(reply.body), 9):
                        self.wfile.write(reply.body[start:start + 9])
                        self.wfile.flush()
                        time.sleep(reply.drip)
                else:
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
