"""One ingest over the whole catalogue (`catalogue: {areas: all}`), each publisher served by a
fixture host of its own on loopback (127.0.0.10 on), every response delayed 200 ms.

Each publisher's site is written in its source's shape: a listing on the police platform's paths
with articles in the platform's shape, a newsroom's cursor listing, another site's listing with
articles under it, or an RSS feed, each with `--articles` new articles. The source keeps its
catalogue settings but its own selectors (written for the real site) are left out.

Measured: the ingest of all sources at once against the same sources one at a time (each a
separate ingest, as a naive loop would run them), requests per source, and a second ingest of
all of them: how many of its requests were conditional and answered 304.

Usage: python benchmarks/catalogue_ingest.py [--articles 3] [--latency 0.2] [--per-host-delay 1.0]
       [--no-sequential]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"


def catalogue_sources() -> list[Any]:
    """The web sources `catalogue: {areas: all}` gives, as the config loads them."""
    from digest.config import load_config

    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.yaml"
        config.write_text(yaml.safe_dump({"catalogue": {"areas": "all"}}), encoding="utf-8")
        return [s for s in load_config(config).sources if s.kind != "folder"]


def _article(title: str, day: int) -> str:
    text = "".join(f"<p>{title}: officers made arrests and seized knives during a week of action against knife "
                   f"crime, paragraph {n}, with more about the operation and the people charged.</p>" for n in range(4))
    return (f"<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<meta property=\"article:published_time\" content=\"2026-11-{day:02d}T10:00:00+00:00\"></head><body>"
            f"<main><article><h1>{title}</h1>{text}</article></main></body></html>")


def _article_paths(url: str, index: int, count: int) -> list[str]:
    """Paths of new articles in the shape the source's listing expects."""
    from digest.sources.platforms import platform_of

    path = urlsplit(url).path
    platform = platform_of(url)
    if platform is not None and platform.name == "newsroom":
        return [f"/news/story-{index}-{n}-{500000 + index * 10 + n}" for n in range(count)]
    if platform is not None:
        force = path.strip("/").split("/")[1] if path.count("/") > 2 else "force"
        return [f"/news/{force}/news/news/2026/november/story-{index}-{n}/" for n in range(count)]
    folder = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
    return [f"{folder}2026/11/story-{index}-{n}/" for n in range(count)]


def _write(root: Path, path: str, text: str) -> None:
    target = root / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def write_site(root: Path, source: Any, index: int, count: int, host: str) -> dict[str, str]:
    """The publisher's site under root; returns the content types of paths without a suffix."""
    url_path = urlsplit(source.url).path or "/"
    types: dict[str, str] = {}
    articles = _article_paths(source.url, index, count)
    for n, path in enumerate(articles):
        _write(root, path, _article(f"{source.org or source.name} story {n}", 1 + n))
        if not path.endswith("/"):
            types[path] = HTML
    if source.kind == "feed":
        items = "".join(f"<item><title>{source.name} story {n}</title><link>http://{host}{path}</link>"
                        f"<pubDate>Mon, 0{1 + n} Nov 2026 10:00:00 GMT</pubDate><description>Knife crime week of "
                        f"action story {n}.</description></item>" for n, path in enumerate(articles))
        feed = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{source.name}</title>'
                f"<link>http://{host}/</link><description>news</description>{items}</channel></rss>")
        _write(root, url_path if not url_path.endswith("/") else url_path + "index.xml", feed)
        types[url_path] = RSS
    else:
        links = "".join(f'<li><a href="{path}">{source.name} story {n}</a></li>' for n, path in enumerate(articles))
        _write(root, url_path, f"<!DOCTYPE html><html><head><title>News</title></head><body><main><h1>News</h1>"
                               f"<ul>{links}</ul></main></body></html>")
        if not url_path.endswith("/"):
            types[url_path] = HTML
    return types


def serve(sources: list[Any], root: Path, articles: int, latency: float) -> tuple[list[Any], list[dict[str, Any]]]:
    """A fixture host per source, and the sources pointed at them."""
    from digest.config.checks import as_data
    from webfixture import FixtureServer, Reply

    class SlowServer(FixtureServer):
        def answer(self, method: str, raw_path: str, headers: dict[str, str]) -> Reply:
            reply = super().answer(method, raw_path, headers)
            reply.delay = latency
            return reply

    servers, local = [], []
    for index, source in enumerate(sources):
        server = SlowServer(host=f"127.0.{index // 200}.{10 + index % 200}")
        site = root / f"site-{index}"
        server.site(str(site), content_types=write_site(site, source, index, articles, server.host))
        servers.append(server)
        parts = urlsplit(source.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        data = {key: value for key, value in as_data(source).items() if value is not None}
        data.update(url=server.url(path))
        for own in ("link_selector", "link_pattern", "next_selector"):
            data.pop(own, None)
        local.append(data)
    return servers, local


def ingest_all(config: Path, names: list[str] | None) -> float:
    from digest.config import load_config
    from digest.pipeline import ingest
    from digest.store import Store

    loaded = load_config(config)
    store = Store(loaded.database)
    started = time.perf_counter()
    try:
        if names is None:
            summaries = ingest(loaded, store)
            failed = [s.line() for s in summaries if s.error]
            if failed:
                print("  failed:", *failed[:5], sep="\n    ")
        else:
            for name in names:
                ingest(loaded, store, [name])
        return time.perf_counter() - started
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=3, help="new articles per publisher")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds before each response")
    parser.add_argument("--per-host-delay", type=float, default=1.0, help="fetch.per_host_delay")
    parser.add_argument("--no-sequential", action="store_true", help="skip the one-at-a-time ingest")
    args = parser.parse_args()
    sources = catalogue_sources()
    kinds = Counter(s.kind for s in sources)
    print(f"{len(sources)} web sources from the catalogue ({kinds['webpage']} webpages, {kinds['feed']} feeds), "
          f"{args.articles} new articles each, {args.latency * 1000:.0f} ms a response, "
          f"per_host_delay {args.per_host_delay:g} s")
    with tempfile.TemporaryDirectory() as tmp:
        servers, local = serve(sources, Path(tmp), args.articles, args.latency)
        try:
            fetch = {"per_host_delay": args.per_host_delay, "timeout": 20}
            configs = {}
            for mode in ("parallel", "sequential"):
                folder = Path(tmp) / mode
                folder.mkdir()
                configs[mode] = folder / "config.yaml"
                configs[mode].write_text(yaml.safe_dump({"sources": local, "fetch": fetch}), encoding="utf-8")
            first = ingest_all(configs["parallel"], None)
            per_source = [len(server.requests) for server in servers]
            print(f"first ingest, all at once: {first:.1f} s; requests per source: median "
                  f"{statistics.median(per_source):g}, max {max(per_source)} ({sum(per_source)} in all)")
            for server in servers:
                server.requests.clear()
            second = ingest_all(configs["parallel"], None)
            again = [len(server.requests) for server in servers]
            conditional = sum(1 for server in servers for seen in server.requests
                              if "if-none-match" in seen.headers or "if-modified-since" in seen.headers)
            with sqlite3.connect(Path(tmp) / "parallel" / "data" / "digest.db") as db:
                answered = db.execute("select count(*) from fetch_log where status = 304").fetchone()[0]
            print(f"second ingest: {second:.1f} s; {sum(again)} requests ({statistics.median(again):g} a source), "
                  f"{conditional} conditional, {answered} answered 304 Not Modified")
            if not args.no_sequential:
                names = [source["name"] for source in local]
                sequential = ingest_all(configs["sequential"], names)
                print(f"one at a time: {sequential:.1f} s ({sequential / first:.1f}x the ingest of all at once)")
        finally:
            for server in servers:
                server.close()


if __name__ == "__main__":
    main()
