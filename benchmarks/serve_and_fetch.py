"""Serving and fetching, measured on loopback.

6. `digest serve` (a separate process): requests per second for /feed.xml over keep-alive
   connections from 8 client threads, and for conditional requests answered 304.
7. Web ingest of 50 fixture sources (each its own loopback address, every response delayed
   200 ms): the sources one after another against all of them in parallel.

Usage: python benchmarks/serve_and_fetch.py [--seconds 3] [--runs 3] [--sources 50]
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _hammer(port: int, path: str, headers: dict[str, str], seconds: float, threads: int, want: int) -> float:
    counts = [0] * threads
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == want:
                counts[index] += 1
        connection.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / seconds


def measure_serve(seconds: float, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.yaml"
        (Path(tmp) / "seeds").symlink_to(ROOT / "seeds")
        config.write_text(yaml.safe_dump({"sources": [{"name": "seeds", "kind": "folder", "path": "seeds"}]}))
        digest = [sys.executable, "-m", "digest", "--config", str(config)]
        subprocess.run([*digest, "run", "--once"], check=True, capture_output=True)
        port = _free_port()
        server = subprocess.Popen([*digest, "serve", "--port", str(port)], stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            probe = http.client.HTTPConnection("127.0.0.1", port)
            probe.request("GET", "/feed.xml")
            etag = probe.getresponse().getheader("ETag")
            full = [_hammer(port, "/feed.xml", {}, seconds, 8, 200) for _ in range(runs)]
            cond = [_hammer(port, "/feed.xml", {"If-None-Match": etag}, seconds, 8, 304) for _ in range(runs)]
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"6. serve /feed.xml:    median {statistics.median(full):6.0f} requests/s (runs: "
          f"{', '.join(f'{v:.0f}' for v in full)}); 304 answers: median {statistics.median(cond):.0f}/s")


def measure_web(count: int) -> None:
    from webfixture import FixtureServer, Reply

    servers = [FixtureServer(host=f"127.0.0.{10 + i}") for i in range(count)]
    try:
        sources = []
        for i, server in enumerate(servers):
            article = (f"<html><body><article><h1>Knife arch at station {i}</h1>" + "".join(
                f"<p>Officers in Luton seized knives during a week of action, story {i}, paragraph {n}, "
                "with more detail about the knife crime operation and the arrests that were made.</p>"
                for n in range(4)) + "</article></body></html>").encode()
            listing = f'<html><body><a href="/news/x/news/2026/a{i}/">a</a></body></html>'.encode()
            html = {"Content-Type": "text/html"}
            server.script("/robots.txt", Reply(404, b"", {}, delay=0.2))
            server.script("/news/x/news/", Reply(200, listing, html, delay=0.2))
            server.script(f"/news/x/news/2026/a{i}/", Reply(200, article, html, delay=0.2))
            sources.append({"name": f"s{i}", "kind": "webpage", "url": server.url("/news/x/news/")})
        timings = {}
        for mode in ("sequential", "parallel"):
            with tempfile.TemporaryDirectory() as tmp:
                config = Path(tmp) / "config.yaml"
                config.write_text(yaml.safe_dump({"sources": sources, "fetch": {"per_host_delay": 0}}))
                from digest.config import load_config
                from digest.pipeline import ingest
                from digest.store import Store

                loaded = load_config(config)
                store = Store(loaded.database)
                started = time.perf_counter()
                if mode == "parallel":
                    ingest(loaded, store)
                else:
                    for source in sources:
                        ingest(loaded, store, [source["name"]])
                timings[mode] = time.perf_counter() - started
                store.close()
    finally:
        for server in servers:
            server.close()
    print(f"7. web ingest, {count} sources x 3 requests of 200 ms: sequential {timings['sequential']:.1f} s, "
          f"parallel {timings['parallel']:.1f} s ({timings['sequential'] / timings['parallel']:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sources", type=int, default=50)
    args = parser.parse_args()
    measure_serve(args.seconds, args.runs)
    measure_web(args.sources)


if __name__ == "__main__":
    main()
