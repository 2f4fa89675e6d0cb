"""Side by side with rss2email: the same local RSS feeds read by `r2e run` and by `digest run --once`.

--feeds feeds of --entries entries each (police releases in benchmarks/synth.py's words: title,
summary and the full text as HTML) are served from --hosts loopback hosts (127.0.0.10, 127.0.0.11,
...; feed n on host n mod --hosts), each response written --latency-ms after its request came in;
an aiosmtpd sink on 127.0.0.1 takes the mail. rss2email (installed with pip into --r2e-venv when it
is not there yet; its defaults kept: one message an entry) and digest (a config of the same feeds,
email to the same sink, fetch.per_host_delay --per-host-delay) each run as whole processes: a first
run on empty state, then a second, unchanged one. The two tools take turns, the first to go
alternating, --runs times after --warmup uncounted rounds.

Printed: each median, digest / rss2email (the median of the ratios of runs made side by side),
requests per feed, the mail each sent, and the most of digest's requests any host had in flight at
once (each host logs when a request came in and when its answer was written).

Usage: python benchmarks/peer_feeds.py [--feeds 50] [--entries 20] [--hosts 10] [--latency-ms 0]
       [--runs 3] [--warmup 1] [--per-host-delay 0] [--r2e-venv /tmp/r2e-venv] [--code CHECKOUT]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks")]

from synth import make_document
from worktree import byte_compiled

RELEVANT_SHARE = 0.4  # a force's news: much of it about violence, the rest routine
LAST_MODIFIED = formatdate(1764900000, usegmt=True)
RSS = "application/rss+xml; charset=utf-8"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


# --- the feeds -------------------------------------------------------------------------------------


def release(number: int, rng: random.Random) -> tuple[str, list[str]]:
    """A release's title and paragraphs. synth.py's shape 1 (index 1 mod 3) is the plain one: a
    ` date YYYY-MM-DD Title` line, then a paragraph a line."""
    title, text = make_document(3 * number + 1, rng, rng.random() < RELEVANT_SHARE)
    return title, [line for line in text.split("\n")[1:] if line.strip()]


def feed_xml(feed: int, feeds: int, entries: int, host: str, now: datetime, seed: int = 5) -> bytes:
    """Feed number `feed` as RSS 2.0: newest entry first, each entry 9 minutes after the one before
    across all feeds, so the newest of all is a few minutes old and the oldest some days."""
    rng = random.Random(seed * 100_003 + feed)
    items = []
    for n in range(entries):
        title, paragraphs = release(feed * entries + n, rng)
        link = f"http://{host}/news/{feed}/{n}"
        published = now - timedelta(minutes=9 * (n * feeds + feed) + 3)
        html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        items.append(f"<item><title>{escape(title)}</title><link>{link}</link><guid isPermaLink=\"true\">{link}</guid>"
                     f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate>"
                     f"<description>{escape(paragraphs[0])}</description>"
                     f"<content:encoded><![CDATA[{html}]]></content:encoded></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Force {feed} news</title><link>http://{host}/news/{feed}/</link>"
            f"<description>News from force {feed}</description><language>en-gb</language>"
            f"{''.join(items)}</channel></rss>\n").encode()


# --- the hosts -------------------------------------------------------------------------------------


@dataclass
class Page:
    body: bytes
    content_type: str
    etag: str = ""

    def __post_init__(self) -> None:
        self.etag = '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass
class Request:
    path: str
    status: int
    conditional: bool
    arrived: float  # time.monotonic() when the request had been read
    answered: float  # just before the answer's one write: no client can send its next request before it


class FeedHost:
    """One loopback host serving pages with ETag and Last-Modified, answering conditional requests
    with 304, each answer after `latency` seconds; it logs every request."""

    def __init__(self, address: str, latency: float):
        self.pages: dict[str, Page] = {"/robots.txt": Page(ROBOTS, "text/plain")}
        self.latency = latency
        self.log: list[Request] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((address, 0), _handler(self))
        self._server.daemon_threads = True
        self.host = f"{address}:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        page = self.pages.get(path)
        if page is None:
            return 404, {"Content-Type": "text/plain"}, b"not found\n"
        validators = {"ETag": page.etag, "Last-Modified": LAST_MODIFIED}
        if headers.get("if-none-match") == page.etag or (
                "if-none-match" not in headers and headers.get("if-modified-since") == LAST_MODIFIED):
            return 304, validators, b""
        return 200, {"Content-Type": page.content_type, **validators}, page.body

    def record(self, request: Request) -> None:
        with self._lock:
            self.log.append(request)

    def taken(self) -> list[Request]:
        """The requests logged since the last call."""
        with self._lock:
            taken, self.log = self.log, []
        return taken


def _handler(host: FeedHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # the stdlib calls it by this name
            arrived = time.monotonic()
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, head, body = host.answer(self.path, headers)
            if host.latency:
                time.sleep(host.latency)
            lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", *(f"{k}: {v}" for k, v in head.items()),
                     f"Content-Length: {len(body)}", f"Date: {formatdate(usegmt=True)}"]
            host.record(Request(self.path, status, "if-none-match" in headers or "if-modified-since" in headers,
                                arrived, time.monotonic()))
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)  # one write

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def most_at_once(requests: list[Request]) -> int:
    """The most requests that were in flight together (arrived, not yet answered)."""
    edges = sorted([(r.arrived, 1) for r in requests] + [(r.answered, -1) for r in requests])
    peak = running = 0
    for _, change in edges:  # at equal times an answer comes before an arrival: they did not overlap
        running += change
        peak = max(peak, running)
    return peak


@dataclass
class Farm:
    """The feed hosts, and each feed's URL."""

    hosts: list[FeedHost]
    urls: list[str] = field(default_factory=list)

    def taken(self) -> dict[str, list[Request]]:
        return {host.host: host.taken() for host in self.hosts}

    def close(self) -> None:
        for host in self.hosts:
            host.close()


def serve_feeds(feeds: int, entries: int, hosts: int, latency: float, now: datetime | None = None) -> Farm:
    farm = Farm([FeedHost(f"127.0.0.{10 + n}", latency) for n in range(hosts)])
    now = now or datetime.now(UTC)
    for feed in range(feeds):
        host = farm.hosts[feed % hosts]
        path = f"/feeds/{feed}.xml"
        host.pages[path] = Page(feed_xml(feed, feeds, entries, host.host, now), RSS)
        farm.urls.append(f"http://{host.host}{path}")
    return farm


# --- the mail sink ---------------------------------------------------------------------------------


class MailSink:
    """aiosmtpd on 127.0.0.1, counting what it is sent."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages = 0
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=_free_port())
        self._controller.start()
        self.port: int = self._controller.port

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        with self._lock:
            self.messages += 1
        return "250 Message accepted"

    def taken(self) -> int:
        """The messages received since the last call."""
        with self._lock:
            taken, self.messages = self.messages, 0
        return taken

    def close(self) -> None:
        self._controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the two tools ---------------------------------------------------------------------------------


def rss2email_in(venv: Path) -> Path:
    """The r2e command of the venv, installing rss2email there with pip first if need be."""
    r2e = venv / "bin" / "r2e"
    if not r2e.exists():
        print(f"installing rss2email into {venv} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "rss2email"], check=True)
    return r2e


def rss2email_setup(folder: Path, r2e: Path, urls: list[str], smtp_port: int) -> list[str]:
    """A fresh rss2email config of these feeds (its data file not made yet); the `r2e run` command line."""
    folder.mkdir(parents=True)
    lines = ["[DEFAULT]", "to = reader@bench.invalid", "from = rss2email@bench.invalid", "email-protocol = smtp",
             f"smtp-server = 127.0.0.1:{smtp_port}", "smtp-auth = False", "smtp-ssl = False", ""]
    for n, url in enumerate(urls):
        lines += [f"[feed.force-{n:03d}]", f"url = {url}", ""]
    config = folder / "rss2email.cfg"
    config.write_text("\n".join(lines), encoding="utf-8")
    return [str(r2e), "-c", str(config), "-d", str(folder / "rss2email.json"), "run"]


def digest_setup(folder: Path, urls: list[str], smtp_port: int, per_host_delay: float) -> list[str]:
    """A fresh digest config of these feeds (its store not made yet); the `digest run --once` command line."""
    folder.mkdir(parents=True)
    config = {
        "database": str(folder / "data" / "digest.db"), "output_dir": str(folder / "out"),
        "fetch": {"per_host_delay": per_host_delay},
        "sources": [{"name": f"force-{n:03d}", "kind": "feed", "url": url} for n, url in enumerate(urls)],
        "email": {"enabled": True, "from": "digest@bench.invalid",
                  "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none"},
                  "recipients": [{"address": "reader@bench.invalid"}]},
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return [sys.executable, "-m", "digest", "--config", str(path), "run", "--once"]


def stored(folder: Path) -> tuple[int, int]:
    """Items in digest's store, and how many of them are relevant."""
    with sqlite3.connect(folder / "data" / "digest.db") as db:
        total, relevant = db.execute("select count(*), coalesce(sum(relevant), 0) from items").fetchone()
    return int(total), int(relevant)


@dataclass
class Run:
    seconds: float
    requests: dict[str, list[Request]]
    messages: int

    @property
    def count(self) -> int:
        return sum(len(r) for r in self.requests.values())

    @property
    def conditional(self) -> int:
        return sum(r.conditional for log in self.requests.values() for r in log)

    @property
    def not_modified(self) -> int:
        return sum(r.status == 304 for log in self.requests.values() for r in log)

    @property
    def most_at_once(self) -> int:
        return max((most_at_once(log) for log in self.requests.values()), default=0)


def timed(argv: list[str], farm: Farm, sink: MailSink, code: Path) -> Run:
    """One whole process, timed (digest's from the checkout in `code`); what the hosts and the sink saw of it."""
    farm.taken()
    sink.taken()
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=code, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(argv[:3])} ... failed ({done.returncode}):\n{done.stdout[-2000:]}"
                         f"\n{done.stderr[-2000:]}")
    time.sleep(0.05)  # the sink's thread may still be counting the last message
    return Run(seconds, farm.taken(), sink.taken())


TOOLS = ("rss2email", "digest")
PASSES = ("first", "second")


@dataclass
class Results:
    runs: dict[tuple[str, str], list[Run]] = field(default_factory=lambda: {(t, p): [] for t in TOOLS for p in PASSES})

    def median(self, tool: str, passed: str) -> float:
        return statistics.median(r.seconds for r in self.runs[tool, passed])

    def ratios(self, passed: str) -> list[float]:
        """digest / rss2email of each round, its two runs made side by side."""
        return [d.seconds / r.seconds
                for r, d in zip(self.runs["rss2email", passed], self.runs["digest", passed], strict=True)]


def measure(args: argparse.Namespace, farm: Farm, sink: MailSink, r2e: Path, workdir: Path) -> Results:
    results = Results()
    for round_ in range(args.warmup + args.runs):
        order = TOOLS if round_ % 2 == 0 else TOOLS[::-1]
        argv = {"rss2email": rss2email_setup(workdir / f"r2e-{round_}", r2e, farm.urls, sink.port),
                "digest": digest_setup(workdir / f"digest-{round_}", farm.urls, sink.port, args.per_host_delay)}
        for passed in PASSES:
            for tool in order:
                run = timed(argv[tool], farm, sink, args.code)
                if round_ >= args.warmup:
                    results.runs[tool, passed].append(run)
                print(f"  round {round_ + 1}{' (warm-up)' if round_ < args.warmup else ''} {passed} {tool}: "
                      f"{run.seconds:.2f} s, {run.count} requests, {run.messages} messages", file=sys.stderr)
        if round_ == 0:
            total, relevant = stored(workdir / "digest-0")
            print(f"  digest stored {total} items, {relevant} relevant", file=sys.stderr)
    return results


def report(args: argparse.Namespace, results: Results) -> None:
    print(f"{'':24}{'rss2email':>11}{'digest':>11}   digest / rss2email (paired runs)")
    for passed, label in (("first", "first run (empty)"), ("second", "second run (unchanged)")):
        ratios = results.ratios(passed)
        print(f"{label:24}{results.median('rss2email', passed):9.2f} s{results.median('digest', passed):9.2f} s"
              f"   {statistics.median(ratios):.2f}x ({', '.join(f'{r:.2f}' for r in ratios)})")
    for tool in TOOLS:
        first, second = (statistics.median(r.count for r in results.runs[tool, p]) / args.feeds for p in PASSES)
        again = results.runs[tool, "second"][0]
        mail = "/".join(str(statistics.median(r.messages for r in results.runs[tool, p])) for p in PASSES)
        print(f"{tool}: {first:.2f} requests a feed first, {second:.2f} second ({again.conditional} conditional, "
              f"{again.not_modified} answered 304); messages sent first/second: {mail}")
    peak = max(r.most_at_once for p in PASSES for r in results.runs["digest", p])
    print(f"digest's requests in flight at once on one host, at most: {peak} "
          f"({'one at a time per host holds' if peak <= 1 else 'MORE THAN ONE AT A TIME'})")


@contextmanager
def feeds_and_sink(args: argparse.Namespace) -> Iterator[tuple[Farm, MailSink]]:
    farm = serve_feeds(args.feeds, args.entries, args.hosts, args.latency_ms / 1000)
    sink = MailSink()
    try:
        yield farm, sink
    finally:
        sink.close()
        farm.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="each response written this long after its request")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--per-host-delay", type=float, default=0.0, help="digest's fetch.per_host_delay")
    parser.add_argument("--code", type=Path, default=ROOT, help="run the digest of this checkout (default: this one)")
    parser.add_argument("--r2e-venv", type=Path, default=Path(tempfile.gettempdir()) / "r2e-venv")
    args = parser.parse_args()
    r2e = rss2email_in(args.r2e_venv)
    byte_compiled(args.code)  # as pip left rss2email's
    with tempfile.TemporaryDirectory() as tmp, feeds_and_sink(args) as (farm, sink):
        size = sum(len(page.body) for host in farm.hosts for path, page in host.pages.items() if path != "/robots.txt")
        print(f"{args.feeds} feeds x {args.entries} entries ({size / args.feeds / 1024:.0f} KB a feed) on "
              f"{args.hosts} hosts, {args.latency_ms:g} ms a response; digest's per_host_delay "
              f"{args.per_host_delay:g} s; {args.runs} paired runs after {args.warmup} warm-up; digest from {args.code}",
              flush=True)
        report(args, measure(args, farm, sink, r2e, Path(tmp)))


if __name__ == "__main__":
    main()
