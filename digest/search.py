"""The search rules: a user's query and filters, checked and turned into a safe FTS5 MATCH expression.

Query syntax: words (all must appear), "phrases in quotes", -exclusion (of a word or a phrase) and a
prefix `knife*`. Every term reaches FTS5 inside double quotes and holds only letters and digits
(the same split the index's tokenizer makes), so no user text is ever read as FTS5 syntax:
`AND`, `NEAR(`, a stray quote or a lone `*` are words, punctuation or nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from digest.models import Item

MAX_QUERY_CHARS = 1000
MAX_TERMS = 24
MAX_PAGE = 500
PAGE_SIZE = 20
SORTS = ("relevance", "date")
# The index's tokenizer (unicode61 under porter) splits text into runs of letters and digits.
WORD = re.compile(r"[^\W_]+")
_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_CODE = re.compile(r"[a-z_]{1,40}")


class BadParameter(ValueError):
    """A search parameter that cannot be used; `name` is the parameter."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase
    excluded: bool = False
    prefix: bool = False

    def fts(self) -> str:
        return '"' + " ".join(self.words) + '"' + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[Term, ...]

    def match(self) -> str | None:
        """The FTS5 MATCH expression, or None when the query has no words (filters only)."""
        wanted = [term.fts() for term in self.terms if not term.excluded]
        if not wanted:
            return None
        unwanted = [f"NOT {term.fts()}" for term in self.terms if term.excluded]
        return " ".join([" AND ".join(wanted), *unwanted])


def parse_query(text: str) -> Query:
    """The terms of a user's query; raises BadParameter("q") for one too long to be a query."""
    if len(text) > MAX_QUERY_CHARS:
        raise BadParameter("q", f"the query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,}")
    terms: list[Term] = []
    for found in _PART.finditer(text):
        quoted_minus, phrase, bare = found.groups()
        if bare is None:
            term = _term(phrase, excluded=bool(quoted_minus), prefix=False)
        else:
            excluded = bare.startswith("-") and len(bare) > 1
            body = bare[1:] if excluded else bare
            term = _term(body, excluded=excluded, prefix=body.endswith("*"))
        if term:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise BadParameter("q", f"the query has {len(terms)} words or phrases; at most {MAX_TERMS}")
    if terms and all(term.excluded for term in terms):
        raise BadParameter("q", "only exclusions: add a word or phrase to look for")
    return Query(text, tuple(terms))


def _term(text: str, excluded: bool, prefix: bool) -> Term | None:
    words = tuple(word.lower() for word in WORD.findall(text))
    return Term(words, excluded, prefix) if words else None


@dataclass(frozen=True)
class Search:
    query: Query
    area: str | None = None
    topic: str | None = None
    org_kind: str | None = None
    start: date | None = None  # published on or after
    end: date | None = None  # published on or before
    sort: str = "relevance"
    page: int = 1
    filters: dict[str, str] = field(default_factory=dict)  # the given filters, as given, for links

    def without(self, name: str) -> Search:
        """The same search without one filter (for that filter's facet counts)."""
        values = {"area": self.area, "topic": self.topic, "org_kind": self.org_kind}
        values[name] = None
        return Search(self.query, values["area"], values["topic"], values["org_kind"], self.start, self.end,
                      self.sort, 1, self.filters)


FACETS = ("area", "topic", "org_kind")


def parse_search(params: dict[str, str]) -> Search:
    """A Search from request parameters (the first value of each); raises BadParameter naming the bad one."""
    query = parse_query(params.get("q", ""))
    area = _optional(params, "area", lambda v: len(v) <= 80, "an area name of at most 80 characters")
    topic = _optional(params, "topic", _CODE.fullmatch, "a topic id such as knife_crime")
    org_kind = _optional(params, "org_kind", _CODE.fullmatch, "an organisation kind such as police")
    start, end = _date(params, "from"), _date(params, "to")
    if start and end and start > end:
        raise BadParameter("to", f"{end.isoformat()} is before from={start.isoformat()}")
    sort = params.get("sort") or ("relevance" if query.match() else "date")
    if sort not in SORTS:
        raise BadParameter("sort", "relevance or date")
    page = _page(params.get("page") or "1")
    given = given_filters(params)
    return Search(query, area, topic, org_kind, start, end, sort, page, given)


def given_filters(params: dict[str, str]) -> dict[str, str]:
    """The search's parameters given (not empty), in the request's order, so a saved search's feed
    names itself by the URL it was saved as; paging left out."""
    return {k: v for k, v in params.items() if k in ("q", "area", "topic", "org_kind", "from", "to", "sort") and v}


def _optional(params: dict[str, str], name: str, valid: Callable[[str], object], wanted: str) -> str | None:
    value = params.get(name) or None
    if value is not None and not valid(value):
        raise BadParameter(name, f"expected {wanted}")
    return value


def _date(params: dict[str, str], name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str) -> date:
    raise BadParameter(name, "expected a date as YYYY-MM-DD")


def _page(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise BadParameter("page", f"expected a page number from 1 to {MAX_PAGE}")
    return int(value)


# Marks around highlighted words: control characters, which stored text never holds.
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


def marked_html(text: str) -> str:
    """HTML-escaped text with the index's highlight marks as <mark> elements."""
    return html.escape(text, quote=True).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


@dataclass
class Hit:
    """A story in the results: its leading item, the other publishers of its matching items."""
    item_id: int
    title: str
    url: str | None
    published: date | None
    area: str | None
    org: str | None
    org_kind: str | None
    others: list[str]
    title_html: str = ""
    snippet_html: str = ""


@dataclass
class Results:
    total: int  # stories
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]  # per filter: (value, stories), most first


class Counted(NamedTuple):
    """What the weekly counts need of a relevant item (digest.charts.trend_stories), without the rest;
    its topics in no particular order. (A tuple, quicker to make than a dataclass: a year is tens of thousands.)"""
    id: int
    cluster: int
    first_seen: datetime
    published: date | None
    area: str | None
    topics: list[str]


class SearchArchive(Protocol):
    """What the server searches: the store's full-text index, opened read-only."""

    def search(self, search: Search, facets: bool = True) -> Results:
        """The search's page of stories, their total, and (unless not wanted) the facet counts."""

    def items(self, ids: list[int]) -> list[Item]: ...

    def item_ids(self, search: Search, below: int | None, limit: int) -> list[int]: ...

    def relevant_since(self, since: datetime, area: str | None = None, topic: str | None = None) -> list[Counted]:
        """The relevant items first seen from `since` on; when an area or a topic is given, only (but all)
        those of the stories with an item of that area and topic (a superset of the stories led by one)."""

    def kept(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """What `compute` gives, kept under `key` with the search results while the database is unchanged."""


# A read-only SearchArchive for the calling thread; None when there is no database yet.
SearchOpener = Callable[[], SearchArchive | None]
