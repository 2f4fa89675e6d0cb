"""The machinery of benchmarks/peer_feeds.py in a tiny run, without rss2email: its feed hosts on
loopback addresses log each request, tell requests in flight together apart from one at a time, and
answer conditional requests; digest reads its feeds one request at a time per host and mails its sink."""

from __future__ import annotations

import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from digest.cli import cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from peer_feeds import MailSink, digest_setup, most_at_once, serve_feeds, stored


def _get(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_host_logs_its_requests_and_tells_those_in_flight_together():
    farm = serve_feeds(feeds=4, entries=2, hosts=2, latency=0.2)
    try:
        first_host = farm.hosts[0].host
        own = [url for url in farm.urls if first_host in url]
        assert len(own) == 2 and all("127.0.0.10:" in url for url in own)
        for url in own:  # one after the other
            assert _get(url) == 200
        assert most_at_once(farm.taken()[first_host]) == 1
        both = [threading.Thread(target=_get, args=(url,)) for url in own]  # both at once
        for thread in both:
            thread.start()
        for thread in both:
            thread.join()
        log = farm.taken()[first_host]
        assert len(log) == 2 and most_at_once(log) == 2
        etag = farm.hosts[0].pages[own[0].split(first_host)[1]].etag
        assert _get(own[0], {"If-None-Match": etag}) == 304
        (seen,) = farm.taken()[first_host]
        assert seen.conditional and seen.status == 304 and seen.answered - seen.arrived >= 0.2
    finally:
        farm.close()


def test_digest_reads_the_feeds_one_request_at_a_time_per_host_and_mails_the_sink(tmp_path):
    farm = serve_feeds(feeds=6, entries=3, hosts=2, latency=0.05)
    sink = MailSink()
    try:
        argv = digest_setup(tmp_path / "digest", farm.urls, sink.port, per_host_delay=0)
        config = argv[argv.index("--config") + 1]
        for run in ("first", "second"):
            result = CliRunner().invoke(cli, ["--config", config, "run", "--once"], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            requests = farm.taken()
            assert all(most_at_once(log) == 1 for log in requests.values())
            feeds = [r for log in requests.values() for r in log if r.path != "/robots.txt"]
            assert len(feeds) == 6 and sum(len(log) for log in requests.values()) == 6 + 2  # and robots.txt a host
            if run == "first":
                assert sink.taken() == 1 and stored(tmp_path / "digest")[0] == 18
            else:  # unchanged: every feed asked conditionally, answered 304, nothing more mailed
                assert all(r.conditional and r.status == 304 for r in feeds) and sink.taken() == 0
    finally:
        sink.close()
        farm.close()
