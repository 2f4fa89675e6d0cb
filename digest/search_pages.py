"""Search as the server answers it: /search as an HTML page, /search.atom as an Atom feed.

Both read a SearchArchive (the store's index, opened read-only by the service); a bad parameter
is a 400 naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

from digest.config import Config
from digest.edition import KIND_LABELS
from digest.feeds import build_feed
from digest.models import Item, utc_now
from digest.render import environment
from digest.search import PAGE_SIZE, BadParameter, Results, Search, SearchArchive, given_filters, parse_search
from digest.text import strip_controls
from digest.topics import Taxonomy


def request_params(query_string: str) -> dict[str, str]:
    """The first value of each parameter (WSGI gives the query string as latin-1 of the raw bytes)."""
    try:
        text = query_string.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise BadParameter("query string", "not UTF-8") from None
    try:
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=50)
    except ValueError:
        raise BadParameter("query string", "too many parameters") from None
    return {name: values[0] for name, values in parsed.items()}


def search_link(path: str, filters: dict[str, str], **changes: Any) -> str:
    """`path` with the search's parameters, some changed (None drops one); a filter change returns to page 1."""
    params = {**filters}
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = str(value)
    query = urlencode(params)
    return f"{path}?{query}" if query else path


def run_search(archive: SearchArchive, params: dict[str, str], facets: bool = True) -> tuple[Search, Results]:
    search = parse_search(params)
    return search, archive.search(search, facets)


def search_html(config: Config, archive: SearchArchive | None, params: dict[str, str]) -> tuple[int, str]:
    """(HTTP status, page) for /search."""
    taxonomy = Taxonomy(config.classify.topics)
    context: dict[str, Any] = {"site": config.site, "query": params.get("q", "")[:1000], "error": None,
                               "filters": {}, "sort": params.get("sort", "relevance"), "page": 1, "pages": 1,
                               "labels": _labels(taxonomy)}
    status = 200
    try:
        if archive is None:
            raise LookupError("There is no archive to search yet: run `digest ingest` first.")
        search, results = run_search(archive, params)
        pages = max(1, -(-results.total // PAGE_SIZE))
        context.update(results=results, filters=search.filters, sort=search.sort, page=search.page, pages=pages,
                       link=lambda **changes: search_link("/search", search.filters, **{"page": None, **changes}),
                       narrowing=lambda: _narrowing(search.filters), facet_names=FACETS, facets_first=FACETS_FIRST,
                       facet_values=lambda name: _chosen_first(results.facets[name], search.filters.get(name)))
    except BadParameter as exc:
        status, context["error"] = 400, f"The parameter {exc.name} cannot be used: {exc.message}."
    except LookupError as exc:
        status, context["error"] = 503, str(exc)
    context["atom_url"] = search_link("/search.atom", context["filters"] or given_filters(params))
    return status, environment().get_template("search.html.j2").render(**context)


def search_atom(config: Config, archive: SearchArchive, params: dict[str, str]) -> str:
    """The Atom feed of a search (its first page unless page= says another; raises BadParameter)."""
    search, results = run_search(archive, params, facets=False)  # a feed shows no facets
    items = archive.items([hit.item_id for hit in results.hits])
    summary = f"“{search.query.text}”" if search.query.text else "all stories"
    narrowed = [f"{name}={value}" for name, value in search.filters.items() if name not in ("q", "sort")]
    title = f"{config.site.title} – search: {summary}" + (f" ({', '.join(narrowed)})" if narrowed else "")
    self_path = search_link("search.atom", search.filters)
    fg = build_feed(config, items, Taxonomy(config.classify.topics), strip_controls(title), self_path, self_path,
                    now=_as_of(items))
    base = config.site.base_url
    fg.link(href=base + self_path, rel="self", type="application/atom+xml", replace=True)
    fg.link(href=base + search_link("search", search.filters), rel="alternate", type="text/html")
    atom: bytes = fg.atom_str(pretty=True)
    return atom.decode("utf-8")


FACETS = (("area", "Area"), ("topic", "Topic"), ("org_kind", "Publisher kind"))
FACETS_FIRST = 8  # values shown before "N more": a national archive has dozens of areas
NARROWING = (*FACETS, ("from", "From"), ("to", "To"))


def _narrowing(filters: dict[str, str]) -> list[tuple[str, str, str]]:
    """(name, label, value) of each filter the search is narrowed by, for the line above the results."""
    return [(name, label, filters[name]) for name, label in NARROWING if filters.get(name)]


def _chosen_first(values: list[tuple[str, int]], chosen: str | None) -> list[tuple[str, int]]:
    """A facet's (value, count) pairs with the chosen value first, so it is never folded away."""
    return sorted(values, key=lambda pair: pair[0] != chosen)


def _as_of(items: list[Item]) -> datetime:
    """The feed's time: its newest item's last change (so an unchanged search has an unchanged body and
    ETag), or today's midnight UTC for a search with no results."""
    if items:
        return max(item.updated_at for item in items)
    return utc_now().replace(hour=0, minute=0, second=0, microsecond=0)


def _labels(taxonomy: Taxonomy) -> dict[str, Callable[[str], str]]:
    return {"area": lambda value: value, "topic": taxonomy.short_label,
            "org_kind": lambda value: KIND_LABELS.get(value, value), "from": str, "to": str}
