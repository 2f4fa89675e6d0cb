"""What a server can do to the fetcher, and what it cannot: decompression bombs, answers
trickled a byte at a time, redirects into private networks, articles that are gone.
Each against a real server on 127.0.0.1 that misbehaves that way."""

from __future__ import annotations

import base64
import gzip
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from digest.bodies import read_body
from digest.config import Fetch
from digest.fetch import Fetcher, FetchError, Stopped
from digest.pipeline import FetchLog
from digest.store import Lookups, Store
from webfixture import Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
SECTION = "/news/x/news/2026/"
PARAGRAPHS = "".join(
    f"<p>Officers in Luton are appealing for witnesses after a man was stabbed on Dunstable Road. Paragraph {n} "
    "gives more detail about the knife crime investigation and the arrests made by detectives.</p>" for n in range(4)
)


def _article(title: str) -> bytes:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{PARAGRAPHS}"
            f"<p>{title} is told in its own words here.</p></article></body></html>").encode()


def _listing(*slugs: str) -> bytes:
    return ("<html><body><ul>" + "".join(f'<li><a href="{SECTION}{slug}/">story</a></li>' for slug in slugs)
            + "</ul></body></html>").encode()


def _webpage(url: str, name: str = "x") -> dict:
    return {"name": name, "kind": "webpage", "url": url, "area": "Bedfordshire"}


def _zeros_gzipped(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()


# Runs digest's command line and, as it exits, writes its own peak resident memory (VmHWM, in kB) to a file.
# The kernel's ru_maxrss of a child is no measure of it: it keeps the RSS the child had between fork and exec,
# which is this test runner's own (over 300 MB late in a full run).
_MEASURED = """
import atexit, sys
from pathlib import Path
peak = Path(sys.argv.pop(1))
atexit.register(lambda: peak.write_text(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]))
sys.argv[0] = "digest"
from digest.cli import main
main()
"""


def _run_measured(config: Path, *args: str) -> tuple[int, int, str]:
    """Run `digest` in a child process: its exit code, its peak resident memory in MB, its output."""
    log, peak = config.parent / "child.log", config.parent / "child.peak"
    with open(log, "wb") as out:
        code = subprocess.call([sys.executable, "-c", _MEASURED, str(peak), "--config", str(config), *args],
                               stdout=out, stderr=subprocess.STDOUT, cwd=config.parent)
    return code, int(peak.read_text()) // 1024, log.read_text(encoding="utf-8", errors="replace")


# --- 7. decompression bombs --------------------------------------------------------------------


def test_a_doubly_gzipped_bomb_is_refused_and_the_ingest_stays_under_300_mb(web, web_config, tmp_path):
    bomb = gzip.compress(_zeros_gzipped(2048), 9)  # 2 GB of zeros, gzipped twice
    assert 3000 < len(bomb) < 4000
    web.script("/news/x/news/", Reply(200, _listing("bomb", "fine"), HTML))
    web.script(SECTION + "bomb/", Reply(200, bomb, {**HTML, "Content-Encoding": "gzip, gzip"}))
    web.script(SECTION + "fine/", Reply(200, gzip.compress(_article("A gzipped story about a stabbing")),
                                        {**HTML, "Content-Encoding": "gzip"}))
    code, peak_mb, output = _run_measured(web_config(_webpage(web.url("/news/x/news/"))), "ingest")
    assert code == 0, output
    assert peak_mb < 300, f"peak RSS {peak_mb} MB"
    assert "x: 1 new, 0 updated, 0 duplicate, 0 unchanged, 1 failed" in output
    assert "more than one content coding (gzip, gzip); not decoded" in output


def test_one_coding_is_decoded_within_max_bytes_as_it_arrives(web, web_config, digest):
    web.script("/news/x/news/", Reply(200, _listing("bomb", "raw-deflate"), HTML))
    web.script(SECTION + "bomb/", Reply(200, _zeros_gzipped(200), {**HTML, "Content-Encoding": "gzip"}))
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)  # deflate without its zlib header, as some servers send it
    raw_deflate = packer.compress(_article("A deflated story about a stabbing")) + packer.flush()
    web.script(SECTION + "raw-deflate/", Reply(200, raw_deflate, {**HTML, "Content-Encoding": "deflate"}))
    result = digest("ingest", config=web_config(_webpage(web.url("/news/x/news/")), max_bytes=1_000_000))
    assert "x: 1 new, 0 updated, 0 duplicate, 0 unchanged, 1 failed" in result.stdout
    assert "response decodes to more than fetch.max_bytes (1,000,000 bytes); stopped decoding" in result.stderr


def test_a_chunk_is_never_decoded_whole():
    chunk = _zeros_gzipped(256)  # about 250 KB that decode to 256 MB
    tracemalloc.start()
    try:
        with pytest.raises(Exception, match=r"decodes to more than fetch\.max_bytes"):
            read_body([chunk], "gzip", 2_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000, f"{peak:,} bytes allocated at once"


# --- 8. one deadline per request ---------------------------------------------------------------


class Trickler:
    """A raw HTTP server on 127.0.0.1 that answers one path a byte every `every` seconds: its
    status line, or its headers. Other paths get a plain 404 at once. It gives up after `give_up` s."""

    def __init__(self, path: str, part: str, every: float = 0.2, give_up: float = 25.0):
        self.path, self.part, self.every, self.give_up = path, part, every, give_up
        self.requested = threading.Event()
        self.answered = 0  # requests for `path`
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}{path}"
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                piece = conn.recv(4096)
                if not piece:
                    return
                request += piece
            if request.split()[1].decode() != self.path:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            self.requested.set()
            self.answered += 1
            if self.part == "status":
                slow, rest = b"HTTP/1.1 200 " + b"O" * 500, b"\r\nContent-Length: 0\r\n\r\n"
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                slow, rest = b"X-Slow: " + b"a" * 500, b"\r\nContent-Length: 0\r\n\r\n"
            started = time.monotonic()
            try:
                for byte in slow:
                    if time.monotonic() - started > self.give_up:
                        break
                    conn.sendall(bytes([byte]))
                    time.sleep(self.every)
                conn.sendall(rest)
            except OSError:
                return


@pytest.fixture
def trickler():
    servers: list[Trickler] = []

    def start(part: str, **options: float) -> Trickler:
        servers.append(Trickler("/news/stuck/news/", part, **options))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.mark.parametrize("part", ["status", "headers"])
def test_a_trickled_answer_is_cut_off_and_fails_its_source_alone(part, trickler, web, web_config, digest):
    stuck = trickler(part)
    web.site("police")
    config = web_config(_webpage(stuck.url, "stuck"),
                        {**_webpage(web.url("/news/bedfordshire/news/"), "beds-police"), "max_pages": 3},
                        timeout=1, retries=2)
    started = time.monotonic()
    result = digest("ingest", config=config)
    took = time.monotonic() - started
    assert f"stuck: FAILED: {stuck.url}: took longer than 3 s (3 x fetch.timeout) to answer in full" in result.stdout
    assert "beds-police: 6 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in result.stdout
    assert took < 12, f"the ingest took {took:.1f} s"
    assert stuck.answered == 1  # cut off, not retried


def test_sigterm_stops_the_service_while_a_fetch_is_stuck(trickler, write_config, tmp_path):
    stuck = trickler("headers", every=0.5, give_up=60)
    config = write_config(sources=[_webpage(stuck.url, "stuck")], server={"enabled": False},
                          schedule={"ingest_every": "1h", "digest": "mon 07:00"},
                          fetch={"per_host_delay": 0, "timeout": 20, "retries": 3})
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        service = subprocess.Popen([sys.executable, "-m", "digest", "--config", str(config), "run"],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        assert stuck.requested.wait(60), log.read_text()
        time.sleep(1.0)
        asked = time.monotonic()
        service.send_signal(signal.SIGTERM)
        code = service.wait(timeout=30)
        took = time.monotonic() - asked
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()
    text = log.read_text()
    assert code == 0 and took < 10, (took, text)
    assert "stuck: 0 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed (stopped early: shutting down)" in text
    assert "digest service stopped" in text


def test_a_stop_does_not_wait_for_a_slow_name_look_up(fetch_log):
    def resolve(host: str) -> list[str]:
        time.sleep(20)  # a resolver that does not answer
        return ["127.0.0.1"]

    stop = threading.Event()
    fetcher = Fetcher(Fetch(per_host_delay=0, retries=0), fetch_log, stop=stop, resolve=resolve)
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    try:
        with pytest.raises(Stopped):
            fetcher.get("http://slow-resolver.test/news/", source="t")
    finally:
        fetcher.close()
    assert time.monotonic() - started < 3


# --- 10. no fetching of private networks -------------------------------------------------------


def test_private_addresses_are_refused_on_every_hop(web, web_config, digest, tmp_path):
    port = web.host.split(":")[1]
    web.script("/news/x/news/", Reply(200, _listing("to-private", "to-link-local", "to-mapped", "fine"), HTML))
    web.script(SECTION + "to-private/", Reply(302, b"", {"Location": "http://10.255.255.1/admin/"}))
    web.script(SECTION + "to-link-local/", Reply(301, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}))
    web.script(SECTION + "to-mapped/", Reply(307, b"", {"Location": "http://[::ffff:192.168.1.1]/"}))
    web.script(SECTION + "fine/", Reply(200, _article("A story about a stabbing in Luton"), HTML))
    web.script("/anything/", Reply(200, _listing("fine"), HTML))
    config = web_config(
        _webpage(web.url("/news/x/news/")),
        _webpage(f"http://0.0.0.0:{port}/anything/", "unspecified"),  # 0.0.0.0 reaches this machine
        _webpage("http://100.64.0.1/news/", "cgnat"),
        _webpage("http://[fd00::1]/news/", "unique-local"),
        timeout=2, retries=0)
    started = time.monotonic()
    result = digest("ingest", config=config)
    assert time.monotonic() - started < 10  # refused before any connection is tried
    out, log = result.stdout, result.stderr
    assert "x: 1 new, 0 updated, 0 duplicate, 0 unchanged, 3 failed" in out
    assert (f"skipped {web.url(SECTION)}to-private/: redirected to http://10.255.255.1/admin/: 10.255.255.1 is "
            "a private address; not fetched (see fetch.allow_private_networks)") in log
    assert "http://169.254.169.254/latest/meta-data/: 169.254.169.254 is a link-local address" in log
    assert "http://[::ffff:192.168.1.1]/: ::ffff:192.168.1.1 is a private address" in log
    assert f"unspecified: FAILED: http://0.0.0.0:{port}/anything/: 0.0.0.0 is an unspecified address" in out
    assert "cgnat: FAILED: http://100.64.0.1/news/: 100.64.0.1 is a carrier-grade NAT (CGNAT) address" in out
    assert "unique-local: FAILED: http://[fd00::1]/news/: fd00::1 is a unique-local address" in out
    assert len(web.seen("/anything/")) == 0


def test_allowed_networks_replace_the_loopback_default(web, web_config, digest):
    port = web.host.split(":")[1]
    web.script("/news/x/news/", Reply(200, _listing("fine"), HTML))
    web.script(SECTION + "fine/", Reply(200, _article("A story about a stabbing in Luton"), HTML))
    refused = digest("ingest", config=web_config(_webpage(web.url("/news/x/news/")), allow_private_networks=[]))
    assert f"x: FAILED: {web.url('/news/x/news/')}: 127.0.0.1 is a loopback address" in refused.stdout
    assert not web.requests
    allowed = digest("ingest", config=web_config(_webpage(f"http://0.0.0.0:{port}/news/x/news/"),
                                                 allow_private_networks=["0.0.0.0/32", "127.0.0.0/8"]))
    assert "x: 1 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed" in allowed.stdout


def test_a_network_that_is_not_one_is_a_config_error(write_config, digest):
    result = digest("check", config=write_config(fetch={"allow_private_networks": ["127.0.0.0/8", "intranet"]}))
    assert result.exit_code == 1
    assert "fetch.allow_private_networks[1]: " in result.output and "not a network: 'intranet'" in result.output


@pytest.fixture
def fetch_log(tmp_path):
    store = Store(tmp_path / "digest.db")
    lookups = Lookups(store.path)
    yield FetchLog(lookups)
    lookups.close()
    store.close()


def test_names_are_resolved_once_checked_and_connected_to_as_checked(web, fetch_log):
    """`.test` names mean nothing to the system's resolver: a page fetched by such a name was fetched
    from the address our resolver gave and the policy checked. A name is resolved once a run, so a
    name that would change its answer after the check (DNS rebinding) is never asked again."""
    answers = {"news.test": [["127.0.0.1"]], "intranet.test": [["10.1.2.3"]],
               "rebind.test": [["127.0.0.1"], ["10.1.2.3"]]}  # a name that changes its answer once checked
    asked: list[str] = []

    def resolve(host: str) -> list[str]:
        asked.append(host)
        queue = answers[host]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    port = web.host.split(":")[1]
    web.script("/a", Reply(200, _article("A"), HTML))
    web.script("/to-intranet", Reply(302, b"", {"Location": "http://intranet.test/"}))
    fetcher = Fetcher(Fetch(per_host_delay=0, retries=0, timeout=2), fetch_log, resolve=resolve)
    try:
        page = fetcher.get(f"http://news.test:{port}/a", source="t")
        assert page.status == 200 and web.seen("/a")[0].headers["host"] == f"news.test:{port}"
        with pytest.raises(FetchError, match=r"intranet\.test resolves to 10\.1\.2\.3, a private address"):
            fetcher.get(f"http://news.test:{port}/to-intranet", source="t")
        assert fetcher.get(f"http://rebind.test:{port}/a", source="t").status == 200  # from the address checked
        with pytest.raises(FetchError, match=r"intranet\.test resolves to 10\.1\.2\.3, a private address"):
            fetcher.get("http://intranet.test/", source="t")  # a refused name stays refused
    finally:
        fetcher.close()
    assert len(web.seen("/a")) == 2
    assert sorted(asked) == ["intranet.test", "intranet.test", "news.test", "rebind.test"]


# --- 17. robots.txt with the source's credentials ----------------------------------------------


def test_robots_txt_is_asked_for_with_the_credentials_as_written(web, web_config, digest):
    web.script("/robots.txt", Reply(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"}))
    web.script("/news/x/news/", Reply(200, _listing("fine"), HTML))
    web.script(SECTION + "fine/", Reply(200, _article("A story about a stabbing in Luton"), HTML))
    result = digest("ingest", config=web_config(_webpage(f"http://Reader:S3cret-PW@{web.host}/news/x/news/")))
    assert "x: 1 new" in result.stdout
    expected = "Basic " + base64.b64encode(b"Reader:S3cret-PW").decode()
    assert [seen.headers.get("authorization") for seen in web.seen("/robots.txt")] == [expected]
    assert web.seen("/news/x/news/")[0].headers.get("authorization") == expected


# --- 16. a listing is conditional even when an article is gone ---------------------------------


def _listing_rows(tmp_path: Path, table: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        return db.execute(f"select * from {table} order by 1").fetchall()


def test_gone_articles_do_not_hold_the_listing_back_and_are_not_asked_for_again(web, web_config, digest, tmp_path):
    listing = "/news/x/news/"
    web.script(listing, Reply(200, _listing("fine", "deleted", "withdrawn"), {**HTML, "ETag": '"v1"'}),
               Reply(304, b"", {"ETag": '"v1"'}),
               Reply(200, _listing("fine", "deleted", "withdrawn", "later"), {**HTML, "ETag": '"v2"'}))
    web.script(SECTION + "fine/", Reply(200, _article("A story about a stabbing in Luton"), HTML))
    web.script(SECTION + "deleted/", Reply(404, b"<h1>Not found</h1>", HTML))
    web.script(SECTION + "withdrawn/", Reply(410, b"<h1>Gone</h1>", HTML))
    web.script(SECTION + "later/", Reply(200, _article("A later story about a knife arrest in Dunstable"), HTML))
    config = web_config(_webpage(web.url(listing)))

    first = digest("ingest", config=config)
    assert "x: 1 new, 0 updated, 0 duplicate, 0 unchanged, 2 failed" in first.stdout
    assert f"{SECTION}deleted/: HTTP 404: gone; not asked for again for a week" in first.stderr
    assert f"{SECTION}withdrawn/: HTTP 410: gone; not asked for again for a week" in first.stderr
    assert [(url, etag) for url, etag, *_ in _listing_rows(tmp_path, "http_cache")] == [(web.url(listing), '"v1"')]

    second = digest("ingest", config=config)
    assert "x: 0 new, 0 updated, 0 duplicate, 0 unchanged, 0 failed (not modified since the last run)" in second.stdout
    assert web.seen(listing)[1].headers.get("if-none-match") == '"v1"'

    third = digest("ingest", config=config)  # the listing changed: only the new article is asked for
    assert "x: 1 new, 0 updated, 0 duplicate, 3 unchanged, 0 failed" in third.stdout
    assert len(web.seen(SECTION + "deleted/")) == 1 and len(web.seen(SECTION + "withdrawn/")) == 1

    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:  # a week later, a gone page is asked for once more
        db.execute("update gone set gone_at = '2020-01-01T00:00:00+00:00' where url like '%deleted%'")
        db.execute("delete from http_cache")
    digest("ingest", config=config)
    assert len(web.seen(SECTION + "deleted/")) == 2 and len(web.seen(SECTION + "withdrawn/")) == 1


def test_transient_article_failures_still_hold_the_listing_back(web, web_config, digest, tmp_path):
    listing = "/news/x/news/"
    web.script(listing, Reply(200, _listing("fine", "deleted", "flaky", "slow"), {**HTML, "ETag": '"v1"'}))
    web.script(SECTION + "fine/", Reply(200, _article("A story about a stabbing in Luton"), HTML))
    web.script(SECTION + "deleted/", Reply(404, b"<h1>Not found</h1>", HTML))
    web.script(SECTION + "flaky/", Reply(503, b"busy", HTML),
               Reply(200, _article("A flaky story about a knife arrest in Dunstable"), HTML))
    web.script(SECTION + "slow/", Reply(200, _article("A slow story about a machete in Bedford"), HTML, delay=1.5),
               Reply(200, _article("A slow story about a machete in Bedford"), HTML))
    config = web_config(_webpage(web.url(listing)), timeout=0.5, retries=0)
    first = digest("ingest", config=config)
    assert "x: 1 new, 0 updated, 0 duplicate, 0 unchanged, 3 failed" in first.stdout
    assert _listing_rows(tmp_path, "http_cache") == []  # held back: the 503 and the timeout are tried again
    second = digest("ingest", config=config)
    assert "if-none-match" not in web.seen(listing)[1].headers
    assert "x: 2 new, 0 updated, 0 duplicate, 2 unchanged, 0 failed" in second.stdout
    assert len(web.seen(SECTION + "deleted/")) == 1
    assert [row[0] for row in _listing_rows(tmp_path, "http_cache")] == [web.url(listing)]
