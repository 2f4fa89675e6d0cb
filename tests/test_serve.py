"""`digest serve`: a real waitress server on 127.0.0.1 serving out/, conditional GET, /healthz, no escapes."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import waitress
from waitress import wasyncore

from digest.config import load_config
from digest.server import make_app
from digest.service import read_status

Response = tuple[int, dict[str, str], bytes]


def request(port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Response:
    """A raw HTTP request: http.client sends the path exactly as given (no `..` normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture
def start_server() -> Iterator[Callable[[Path], int]]:
    """Start the app for a config file on 127.0.0.1 in a thread; returns the port."""
    servers: list[Any] = []
    threads: list[threading.Thread] = []

    def start(config_file: Path) -> int:
        config = load_config(config_file)
        server = waitress.create_server(make_app(config, partial(read_status, config.database)), host="127.0.0.1",
                                        port=0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append(server)
        threads.append(thread)
        return server.effective_port

    yield start
    for server, thread in zip(servers, threads, strict=True):
        stop_server(server)
        thread.join(timeout=5)
        assert not thread.is_alive()


def stop_server(server: Any) -> None:
    """Close the server and its connections in its own loop thread, so its select() never sees a closed fd."""
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map, ignore_all=True))  # includes server.close()
    server.task_dispatcher.shutdown()


@pytest.fixture
def site(digest, config_path: Path, start_server) -> int:
    result = digest("run", "--once")
    assert result.exit_code == 0, result.output
    return start_server(config_path)


def _week(tmp_path: Path) -> str:
    return max(p.stem for p in (tmp_path / "out" / "digests").glob("*.html"))


def test_outputs_are_served_with_their_content_types(site: int, tmp_path: Path) -> None:
    week = _week(tmp_path)
    expected = {
        "/feed.xml": "application/rss+xml; charset=utf-8",
        "/feed.atom": "application/atom+xml; charset=utf-8",
        "/": "text/html; charset=utf-8",
        "/index.html": "text/html; charset=utf-8",
        f"/digests/{week}.html": "text/html; charset=utf-8",
        f"/digests/{week}.txt": "text/plain; charset=utf-8",
    }
    for path, kind in expected.items():
        status, headers, body = request(site, path)
        assert status == 200, path
        assert headers["content-type"] == kind, path
        assert headers["etag"].startswith('"') and headers["last-modified"].endswith("GMT"), path
        assert headers["cache-control"] == "no-cache" and headers["x-content-type-options"] == "nosniff"
        assert int(headers["content-length"]) == len(body) > 0
    assert request(site, "/")[2] == (tmp_path / "out" / "index.html").read_bytes()
    assert b"<rss" in request(site, "/feed.xml")[2]


def test_head_gives_the_headers_without_a_body(site: int) -> None:
    status, headers, body = request(site, "/feed.xml", method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["content-length"]) > 0 and headers["content-type"].startswith("application/rss+xml")


def test_feeds_folder_and_other_files(site: int, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "feeds" / "topics").mkdir(parents=True, exist_ok=True)
    (out / "feeds" / "topics" / "knife_crime.xml").write_text("<rss/>", encoding="utf-8")
    (out / "outbox").mkdir()
    (out / "outbox" / "a.eml").write_text("Subject: hi\n\nhello\n", encoding="utf-8")
    (out / "archive").mkdir()
    (out / "archive" / "index.html").write_text("<p>archive</p>", encoding="utf-8")
    (out / "blob.bin").write_bytes(b"\x00\x01")
    assert request(site, "/feeds/topics/knife_crime.xml")[1]["content-type"] == "application/rss+xml; charset=utf-8"
    assert request(site, "/outbox/a.eml")[0] == 404  # an email is never served
    assert request(site, "/blob.bin")[1]["content-type"] == "application/octet-stream"
    status, headers, body = request(site, "/archive/")
    assert status == 200 and body == b"<p>archive</p>" and headers["content-type"].startswith("text/html")
    status, headers, _ = request(site, "/archive")
    assert status == 301 and headers["location"] == "/archive/"


def test_conditional_requests_get_304(site: int) -> None:
    _, headers, _ = request(site, "/feed.xml")
    etag, last_modified = headers["etag"], headers["last-modified"]
    status, again, body = request(site, "/feed.xml", headers={"If-None-Match": etag})
    assert status == 304 and body == b"" and again["etag"] == etag
    assert request(site, "/feed.xml", headers={"If-None-Match": f'"other", {etag}'})[0] == 304
    assert request(site, "/feed.xml", headers={"If-Modified-Since": last_modified})[0] == 304
    assert request(site, "/feed.xml", headers={"If-None-Match": '"stale"'})[0] == 200
    assert request(site, "/feed.xml", headers={"If-Modified-Since": formatdate(0, usegmt=True)})[0] == 200
    assert request(site, "/feed.xml", headers={"If-Modified-Since": "not a date"})[0] == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110).
    both = {"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    assert request(site, "/feed.xml", headers=both)[0] == 200


def test_a_changed_file_gets_a_new_etag(site: int, tmp_path: Path) -> None:
    _, headers, _ = request(site, "/feed.atom")
    path = tmp_path / "out" / "feed.atom"
    path.write_bytes(path.read_bytes() + b"\n")
    status, fresh, _ = request(site, "/feed.atom", headers={"If-None-Match": headers["etag"]})
    assert status == 200 and fresh["etag"] != headers["etag"]


@pytest.mark.parametrize("path", [
    "/../config.yaml", "/%2e%2e/config.yaml", "/%2e%2e%2fconfig.yaml", "//etc/passwd", "/%2Fetc/passwd",
    "/digests/..%2f..%2fconfig.yaml", "/digests/../../config.yaml", "/.%2e/config.yaml", "/..%5cconfig.yaml",
    "/%5c..%5cconfig.yaml", "/index.html%00.txt", "/%c0%ae%c0%ae/config.yaml", "/%252e%252e/config.yaml",
    "/digests/../index.html", "/./index.html", "/nothing.html",
])
def test_nothing_outside_output_dir_is_served(site: int, tmp_path: Path, path: str) -> None:
    assert (tmp_path / "config.yaml").is_file()
    status, headers, body = request(site, path)
    assert status == 404, path
    assert headers["content-type"] == "text/plain; charset=utf-8" and len(body) < 100
    assert b"config" not in body and b"passwd" not in body


def test_symlinks_out_of_output_dir_and_dotfiles_are_404(site: int, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "leakdir").symlink_to(tmp_path / "seeds")
    (out / ".env").write_text("TOKEN=x", encoding="utf-8")
    (out / ".index.html.a1b2c3").write_text("half-written", encoding="utf-8")  # the renderer's temp files
    (out / "hidden.html").symlink_to(out / ".env")
    (out / "inside.txt").symlink_to(out / "index.html")
    seed = next((tmp_path / "seeds").iterdir()).name
    for path in ("/leak.txt", f"/leakdir/{seed}", "/.env", "/.index.html.a1b2c3", "/hidden.html", "/%2eenv"):
        status, _, body = request(site, path)
        assert status == 404 and b"secret" not in body and b"TOKEN" not in body, path
    assert request(site, "/inside.txt")[0] == 200  # a link that stays inside is fine


def test_a_hostile_path_is_not_echoed(site: int) -> None:
    status, _, body = request(site, "/%3Cscript%3Ealert(1)%3C/script%3E.html")
    assert status == 404 and b"<script>" not in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head_are_allowed(site: int, method: str) -> None:
    status, headers, _ = request(site, "/", method=method)
    assert status == 405 and headers["allow"] == "GET, HEAD"
    assert request(site, "/healthz", method=method)[0] == 405


def test_healthz_after_a_run(site: int, tmp_path: Path) -> None:
    status, headers, body = request(site, "/healthz")
    assert status == 200 and headers["content-type"] == "application/json"
    health = json.loads(body)
    assert health["status"] == "ok" and health["database"] == "ok"
    assert health["last_edition"]["week"] == _week(tmp_path) and health["last_edition"]["built_at"]
    assert health["last_ingest"] and health["last_ingest"].startswith("20")
    assert health["failing_sources"] == [] and health["items"] == 5


def test_healthz_lists_a_failing_source(digest, web_config, seed_dir, start_server) -> None:
    config = web_config(
        {"name": "seeds", "kind": "folder", "path": "seeds"},
        {"name": "closed", "kind": "webpage", "url": "http://127.0.0.1:9/news/"},  # nothing listens on port 9
        {"name": "off", "kind": "webpage", "url": "http://127.0.0.1:9/off/", "enabled": False},
    )
    assert digest("run", "--once", config=config).exit_code == 0
    health = json.loads(request(start_server(config), "/healthz")[2])
    assert health["status"] == "degraded"
    [failing] = health["failing_sources"]
    assert failing["name"] == "closed" and failing["consecutive_failures"] == 1
    assert failing["last_error"] and failing["last_success"] is None
    assert health["last_edition"] is not None and health["items"] == 5


def test_healthz_without_a_database_does_not_create_one(config_path: Path, tmp_path: Path, start_server) -> None:
    port = start_server(config_path)
    status, _, body = request(port, "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "missing", "last_ingest": None,
                                "last_edition": None, "failing_sources": [], "stale_sources": [], "alert_problems": [], "items": 0}
    assert not load_config(config_path).database.exists()
    assert request(port, "/")[0] == 404  # nothing built yet


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listeners(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if os.path.exists(table):
            for line in Path(table).read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    found.append(local.rsplit(":", 1)[0])
    return found


def test_digest_serve_binds_loopback_only(digest, config_path: Path) -> None:
    assert digest("run", "--once").exit_code == 0
    port = _free_port()
    command = [sys.executable, "-m", "digest", "--config", str(config_path), "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, body = request(port, "/healthz")
                break
            except OSError:
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "digest serve did not answer within 30 s"
                time.sleep(0.1)
        assert status == 200 and json.loads(body)["status"] == "ok"
        if os.path.exists("/proc/net/tcp"):
            assert _listeners(port) == ["0100007F"]  # 127.0.0.1 only, no 0.0.0.0 or ::
        with pytest.raises(OSError):  # another loopback address is not answered
            socket.create_connection(("127.0.0.2", port), timeout=2).close()
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert f"on http://127.0.0.1:{port}/" in stderr
