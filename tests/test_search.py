"""Search (/search, /search.atom) on a real server over a real store of synthetic documents.

The oracle evaluates each generated query in Python over the stored title and body: words split
as the index's tokenizer splits them (runs of letters and digits), each word reduced to its
porter stem by an FTS5 table of single words (the only use of FTS5 here: the stemmer), then
words, phrases, exclusions, prefixes and the filters applied by plain comparisons.
"""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest
import waitress
import yaml
from markupsafe import escape

from atom_checks import atom_problems
from digest.config import load_config
from digest.pipeline import ingest
from digest.server import make_app
from digest.service import read_status
from digest.store import Store
from digest.store.search import ThreadSearches
from test_serve import request, stop_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synth import write_folder

ATOM_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "atom.rnc"
WORD = re.compile(r"[^\W_]+")


@dataclass
class Doc:
    id: int
    story: int
    title: list[str]  # stems
    body: list[str]
    area: str | None
    org_kind: str | None
    published: date | None
    topics: set[str] = field(default_factory=set)


@dataclass
class Archive:
    port: int
    docs: dict[int, Doc]
    stem: dict[str, str]
    words: list[str]  # the tokens of the relevant items, as written (lower case)
    database: Path


def _stems(words: set[str]) -> dict[str, str]:
    """Each word's porter stem, as the index's tokenizer makes it."""
    ordered = sorted(words)
    with sqlite3.connect(":memory:") as db:
        db.execute("create virtual table w using fts5(x, tokenize='porter')")
        db.execute("create virtual table v using fts5vocab(w, 'instance')")
        db.executemany("insert into w (rowid, x) values (?, ?)", list(enumerate(ordered, 1)))
        stems = {ordered[doc - 1]: term for term, doc in db.execute("select term, doc from v")}
    return stems


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    root = tmp_path_factory.mktemp("search")
    write_folder(root / "docs", 1500, seed=11)
    config_file = root / "config.yaml"
    config_file.write_text(yaml.safe_dump({"database": str(root / "digest.db"), "output_dir": str(root / "out"),
                                           "ingest": {"workers": 0},
                                           "sources": [{"name": "synth", "kind": "folder", "path": str(root / "docs")}]}),
                           encoding="utf-8")
    config = load_config(config_file)
    archive = Store(config.database)
    ingest(config, archive)
    archive.close()
    with sqlite3.connect(root / "digest.db") as db:
        rows = db.execute("select id, coalesce(cluster, -id), title, body, area, org_kind, published from items "
                          "where relevant = 1").fetchall()
        topics = db.execute("select item_id, topic from item_topics").fetchall()
    texts = {row[0]: ([w.lower() for w in WORD.findall(row[2])], [w.lower() for w in WORD.findall(row[3])])
             for row in rows}
    vocabulary = {word for title, body in texts.values() for word in title + body}
    stem = _stems(vocabulary)
    docs = {row[0]: Doc(row[0], row[1], [stem[w] for w in texts[row[0]][0]], [stem[w] for w in texts[row[0]][1]],
                        row[4], row[5], date.fromisoformat(row[6]) if row[6] else None) for row in rows}
    for item_id, topic in topics:
        if item_id in docs:
            docs[item_id].topics.add(topic)
    server = waitress.create_server(make_app(config, partial(read_status, config.database), ThreadSearches(config.database)), host="127.0.0.1",
                                    port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    words = [w for title, body in texts.values() for w in title + body]
    yield Archive(server.effective_port, docs, stem, words, root / "digest.db")
    stop_server(server)
    thread.join(timeout=5)


# --- the oracle ---------------------------------------------------------------------------------

@dataclass
class Spec:
    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)

    def query(self) -> str:
        parts = [*self.words, *(f'"{" ".join(p)}"' for p in self.phrases), *(f"-{w}" for w in self.excluded),
                 *(f"{p}*" for p in self.prefixes)]
        return " ".join(parts)

    def params(self) -> dict[str, str]:
        return {"q": self.query(), **self.filters} if self.query() else dict(self.filters)


def _has_phrase(stems: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(stems[i:i + n] == phrase for i in range(len(stems) - n + 1))


def _matches(doc: Doc, spec: Spec, stem: dict[str, str], skip: str | None = None) -> bool:
    both = set(doc.title) | set(doc.body)
    if not all(stem[w] in both for w in spec.words):
        return False
    if any(stem[w] in both for w in spec.excluded):
        return False
    for phrase in spec.phrases:
        stems = [stem[w] for w in phrase]
        if not (_has_phrase(doc.title, stems) or _has_phrase(doc.body, stems)):
            return False
    if not all(any(s.startswith(stem[p]) for s in both) for p in spec.prefixes):
        return False
    f = {k: v for k, v in spec.filters.items() if k != skip}
    if ("area" in f and doc.area != f["area"]) or ("org_kind" in f and doc.org_kind != f["org_kind"]):
        return False
    if "topic" in f and f["topic"] not in doc.topics:
        return False
    if "from" in f and (doc.published is None or doc.published < date.fromisoformat(f["from"])):
        return False
    return not ("to" in f and (doc.published is None or doc.published > date.fromisoformat(f["to"])))


def expected_stories(store: Archive, spec: Spec) -> set[int]:
    return {doc.story for doc in store.docs.values() if _matches(doc, spec, store.stem)}


def expected_facets(store: Archive, spec: Spec) -> dict[str, Counter[str]]:
    facets: dict[str, Counter[str]] = {}
    for name in ("area", "topic", "org_kind"):
        stories: dict[str, set[int]] = {}
        for doc in store.docs.values():
            if _matches(doc, spec, store.stem, skip=name):
                values = doc.topics if name == "topic" else {getattr(doc, name)} - {None}
                for value in values:
                    stories.setdefault(value, set()).add(doc.story)
        facets[name] = Counter({value: len(found) for value, found in stories.items()})
    return facets


def generate_specs(store: Archive, count: int, seed: int = 5) -> list[Spec]:
    rng = random.Random(seed)
    docs = list(store.docs.values())
    areas = sorted({d.area for d in docs if d.area})
    topics = sorted({t for d in docs for t in d.topics})
    days = sorted({d.published for d in docs if d.published})
    plain = [w for w in store.words if len(w) > 3 and not w.isdigit()]
    specs = []
    for index in range(count):
        spec = Spec()
        kind = index % 5
        if kind in (0, 3):
            spec.words = rng.sample(plain, rng.choice((1, 1, 2)))
        if kind == 1:
            start = rng.randrange(len(plain) - 3)
            spec.phrases = [store.words[store.words.index(plain[start]):][:rng.choice((2, 3))]]
        if kind == 2:
            spec.prefixes = [rng.choice(plain)[:rng.choice((3, 4, 5))]]
            spec.words = [rng.choice(plain)] if rng.random() < 0.5 else []
        if kind in (0, 1, 2) and rng.random() < 0.5:
            spec.excluded = [rng.choice(plain)]
        if rng.random() < 0.4:
            spec.filters["area"] = rng.choice(areas)
        if rng.random() < 0.3:
            spec.filters["topic"] = rng.choice(topics)
        if rng.random() < 0.2:
            spec.filters["org_kind"] = rng.choice(["police", "pcc", "news", "vru"])
        if kind == 4 or rng.random() < 0.2:
            first, last = sorted(rng.sample(days, 2))
            spec.filters.update({"from": first.isoformat(), "to": last.isoformat()})
        for prefix in spec.prefixes:  # the index stems a prefix as a word ("any*" is "ani*")
            store.stem.setdefault(prefix, _stems({prefix})[prefix])
        specs.append(spec)
    return specs


# --- reading the page -----------------------------------------------------------------------------

FACET_LINK = re.compile(r'<li(?: class="facet-on")?><a href="([^"]*)">[^<]*</a> <span class="count">\((\d+)\)</span>')


def get(store: Archive, path: str, params: dict[str, str]) -> tuple[int, dict[str, str], str]:
    status, headers, body = request(store.port, f"{path}?{urlencode(params)}")
    return status, headers, body.decode("utf-8")


def all_leads(store: Archive, params: dict[str, str]) -> tuple[int, list[int], str]:
    """(total stories said, lead item ids of every page, the first page)."""
    status, _, first = get(store, "/search", params)
    assert status == 200, first[-2000:]
    said = re.search(r'<p class="lede">(\d+) stor', first)
    assert said, first[-2000:]
    leads = [int(i) for i in re.findall(r'<article class="item" id="item-(\d+)">', first)]
    pages = re.search(r", page 1 of (\d+)\.", first)
    for page in range(2, int(pages.group(1)) + 1 if pages else 1):
        status, _, body = get(store, "/search", {**params, "page": str(page)})
        assert status == 200
        leads += [int(i) for i in re.findall(r'<article class="item" id="item-(\d+)">', body)]
    return int(said.group(1)), leads, first


def test_results_and_facets_equal_the_oracle(store: Archive) -> None:
    specs = generate_specs(store, 50)
    nonempty = 0
    for spec in specs:
        params = spec.params()
        total, leads, first = all_leads(store, params)
        expected = expected_stories(store, spec)
        assert total == len(expected), params
        assert len(leads) == len(set(leads)) == total, params
        assert {store.docs[i].story for i in leads} == expected, params
        assert all(_matches(store.docs[i], spec, store.stem) for i in leads), params
        nonempty += bool(expected)
        _check_facets(store, spec, first)
    assert nonempty >= 25  # the generated queries are not all empty ones


SECTIONS = {"area": "<h2>Area</h2>", "topic": "<h2>Topic</h2>", "org_kind": "<h2>Publisher kind</h2>"}


def _check_facets(store: Archive, spec: Spec, page: str) -> None:
    for name, heading in SECTIONS.items():
        start = page.find(heading)
        ends = [page.find(end, start + 1) for end in ("<h2>", "</section>")]
        section = page[start:min(e for e in ends if e > 0)] if start >= 0 else ""  # with its "N more" values
        shown = Counter()
        for href, count in FACET_LINK.findall(section):
            shown[parse_qs(href.replace("&amp;", "&").split("?", 1)[1])[name][0]] = int(count)
        assert shown == expected_facets(store, spec)[name], (name, spec.params())


def test_sorted_by_date_newest_first(store: Archive) -> None:
    _, leads, _ = all_leads(store, {"q": "police", "sort": "date"})
    days = [store.docs[i].published or date.min for i in leads]
    assert days == sorted(days, reverse=True)


HOSTILE = ['"', '"knife', 'knife"', "NEAR(", "NEAR(knife crime, 3)", "*", "**", "knife AND OR NOT", "AND", "OR",
           "-", "--", "-knife", "^knife", "title:knife", "knife:", "(", ")", "{title}: x", "' OR 1=1 --",
           "'; drop table items; --", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
           "\u0000", "\ue000knife\ue001", "k" * 10_000, "knife " * 2000, "é" * 500, "\u202e", "%00", "col:*"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_results_or_a_clear_message(store: Archive, query: str) -> None:
    status, headers, page = get(store, "/search", {"q": query})
    assert status in (200, 400), page[-1500:]
    assert "<script>" not in page and "<img" not in page
    if status == 400:
        assert "The parameter q cannot be used" in page
    else:
        assert re.search(r'<p class="lede">\d+ stor', page)
        if query.strip() and "\u0000" not in query:
            assert str(escape(query[:60])) in page
    assert "form-action 'self'" in headers["content-security-policy"]
    status, _, _ = get(store, "/search.atom", {"q": query})
    assert status in (200, 400)


@pytest.mark.parametrize(("params", "name"), [
    ({"page": "0"}, "page"), ({"page": "x"}, "page"), ({"page": "100000"}, "page"),
    ({"from": "2026-13-01"}, "from"), ({"to": "yesterday"}, "to"), ({"from": "2026-11-10", "to": "2026-11-01"}, "to"),
    ({"topic": "DROP TABLE"}, "topic"), ({"org_kind": "<b>"}, "org_kind"), ({"sort": "random"}, "sort"),
    ({"q": "-knife"}, "q"),
])
def test_bad_parameters_get_400_naming_them(store: Archive, params: dict[str, str], name: str) -> None:
    status, _, page = get(store, "/search", params)
    assert status == 400
    assert f"The parameter {name} cannot be used" in page
    status, _, text = get(store, "/search.atom", params)
    assert status == 400 and f"The parameter {name} cannot be used" in text


def test_snippets_highlight_the_words_and_escape_the_rest(store: Archive) -> None:
    status, _, page = get(store, "/search", {"q": '"county lines"'})
    assert status == 200
    assert re.search(r"<mark>county lines</mark>", page, re.IGNORECASE)
    assert 'href="/search.atom?q=%22county+lines%22"' in page


def test_search_atom_is_valid_atom_with_the_same_results(store: Archive, tmp_path: Path) -> None:
    params = {"q": "knife*", "sort": "date"}
    status, headers, feed = get(store, "/search.atom", params)
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    _, leads, _ = all_leads(store, params)
    ids = [int(i) for i in re.findall(r"#item-(\d+)\"", feed)]
    titles = re.findall(r"<entry>\s*<id>[^<]*</id>\s*<title>", feed)
    assert len(titles) == min(20, len(leads)) > 0
    assert all(i in leads for i in ids)
    if not ATOM_SCHEMA.is_file():  # as in test_feeds: the schema comes with the shared test data
        pytest.skip(f"Atom schema not found at {ATOM_SCHEMA}")
    if not shutil.which("jing"):
        pytest.skip("jing is not installed (apt-get install jing default-jre-headless)")
    path = tmp_path / "search.atom"
    path.write_text(feed, encoding="utf-8")
    result = subprocess.run(["jing", "-c", str(ATOM_SCHEMA), str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("params", [
    {"q": "knife*", "sort": "date"}, {"area": "Kent", "q": '"county lines"'}, {"q": "zzzznothing"},
    {"q": "<script>alert(1)</script> knife"}, {"topic": "knife_crime", "from": "2026-01-01"}, {},
])
def test_search_feeds_pass_the_w3c_validators_rules(store: Archive, params: dict[str, str]) -> None:
    """Offline, the Atom rules the W3C Feed Validation Service applies (tests/atom_checks.py): the feed
    names itself by the URL it was fetched at, on the configured site."""
    query = urlencode(params)
    status, _, feed = get(store, "/search.atom", params)
    assert status == 200
    location = "http://127.0.0.1:8080/search.atom" + (f"?{query}" if query else "")
    assert atom_problems(feed.encode("utf-8"), location) == [], params


def test_the_server_opens_the_database_read_only(store: Archive) -> None:
    """Searches leave the database file as it was: no write, no migration."""
    before = store.database.stat()
    for query in ("arrested", "knife*", '"county lines" -luton'):
        assert get(store, "/search", {"q": query})[0] == 200
        assert get(store, "/search.atom", {"q": query})[0] == 200
    after = store.database.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_the_chosen_facet_value_is_never_folded_away(store: Archive) -> None:
    """A national archive has dozens of areas: eight values show, the rest fold under "N more", the chosen first."""
    _, _, page = get(store, "/search", {})
    topics = Counter(topic for doc in store.docs.values() for topic in doc.topics)
    assert len(topics) > 8 and page.count('<details class="where-more">') >= 1
    rarest = min(topics, key=lambda topic: (topics[topic], topic))
    _, _, page = get(store, "/search", {"topic": rarest})
    section = page[page.find(SECTIONS["topic"]):]
    chosen = section.find('<li class="facet-on">')
    assert 0 <= chosen < section.find("<details"), "the chosen topic shows before the folded ones"
    assert '<p class="narrowed">Narrowed to topic <strong>' in page


@pytest.mark.parametrize("path", ["/search", "/search.atom"])
def test_an_unchanged_search_answers_304_to_its_etag(store: Archive, path: str) -> None:
    """A saved search polled by a feed reader costs a 304 while its results are the same."""
    url = f"{path}?{urlencode({'q': 'knife*', 'sort': 'date'})}"
    status, headers, _ = request(store.port, url)
    assert status == 200 and headers["etag"] == request(store.port, url)[1]["etag"]
    status, again, empty = request(store.port, url, headers={"If-None-Match": headers["etag"]})
    assert (status, empty, again["etag"]) == (304, b"", headers["etag"])
    other = request(store.port, f"{path}?{urlencode({'q': 'county'})}")[1]["etag"]
    assert other != headers["etag"]
    assert request(store.port, url, headers={"If-None-Match": other})[0] == 200
