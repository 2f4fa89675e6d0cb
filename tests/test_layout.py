"""The layout holds: each part of digest imports only the parts below it (README, "Layout"),
no import circles, no module over 400 lines, no function over 60, every package in the wheel."""

from __future__ import annotations

import ast
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "digest"

# The parts, from the bottom up, and the parts each may import (besides itself). The README's
# "Layout" section describes the same table.
PARTS = {
    "base": ["digest", "digest.errors", "digest.models", "digest.records", "digest.weeks", "digest.urls",
             "digest.areas", "digest.topics", "digest.text", "digest.dates", "digest.phrases", "digest.shingles", "digest.facts",
             "digest.edition", "digest.totals", "digest.charts", "digest.parallel", "digest.bot_protection"],
    "config": ["digest.config", "digest.catalogue", "digest.opml"],
    "store": ["digest.store"],
    "judging": ["digest.extract", "digest.textpage", "digest.page_furniture", "digest.headline", "digest.furniture", "digest.classify",
                "digest.publisher", "digest.terms", "digest.gazetteer", "digest.figures", "digest.dedupe",
                "digest.prepare", "digest.alerts"],
    "web": ["digest.fetch", "digest.sources"],
    "ingest": ["digest.pipeline", "digest.writer", "digest.workers"],
    "outputs": ["digest.report", "digest.render", "digest.feeds", "digest.mailer", "digest.server", "digest.area_pages",
                "digest.search_pages", "digest.api", "digest.alert_delivery"],
    "service": ["digest.service", "digest.scheduler", "digest.triggers", "digest.lock"],
    "cli": ["digest.cli", "digest.cli_common", "digest.cli_alerts", "digest.__main__"],
}
MAY_IMPORT = {
    "base": set(),
    "config": {"base"},
    "store": {"base"},
    "judging": {"base", "config"},
    "web": {"base", "config"},
    "ingest": {"base", "config", "store", "judging", "web"},
    "outputs": {"base", "config"},
    "service": {"base", "config", "store", "judging", "web", "ingest", "outputs"},
    "cli": {"base", "config", "store", "judging", "web", "ingest", "outputs", "service"},
}


def module_name(path: Path, package: Path) -> str:
    parts = ["digest", *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path) -> dict[str, Path]:
    return {module_name(path, package): path for path in sorted(package.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """(digest module imported, line) for every import in the file, in functions and TYPE_CHECKING too."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from digest.store import db` imports a module; `from digest.store import Store` a name of one
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                     for alias in node.names]
        else:
            continue
        yield from ((name, node.lineno) for name in names if name in known)


def part_of(module: str) -> str:
    """The part a module belongs to: the longest listed prefix (digest.store.items is in digest.store's)."""
    best = max((name for names in PARTS.values() for name in names
                if module == name or module.startswith(name + ".")), key=len)
    return next(part for part, names in PARTS.items() if best in names)


def forbidden_imports(package: Path) -> list[str]:
    found = modules(package)
    problems = []
    for module, path in found.items():
        for imported, line in imports(path, set(found)):
            mine, theirs = part_of(module), part_of(imported)
            if mine != theirs and theirs not in MAY_IMPORT[mine]:
                problems.append(f"{path.relative_to(package.parent)}:{line}: {module} ({mine}) imports "
                                f"{imported} ({theirs})")
    return problems


def import_circles(package: Path) -> list[list[str]]:
    """Strongly connected groups of modules that import each other, directly or not (Tarjan)."""
    found = modules(package)
    graph = {module: sorted({name for name, _ in imports(path, set(found)) if name != module})
             for module, path in found.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return circles


def test_every_module_belongs_to_a_part():
    for module in modules(PACKAGE):
        assert part_of(module) in MAY_IMPORT, module


def test_each_part_imports_only_the_parts_below_it():
    assert forbidden_imports(PACKAGE) == []


def test_no_import_circles():
    assert import_circles(PACKAGE) == []


@pytest.mark.parametrize(("module", "line", "complaint"), [
    ("sources/feed.py", "from digest.store import Store", "digest.sources.feed (web) imports digest.store (store)"),
    ("store/items.py", "from digest.dedupe import NearDuplicates",
     "digest.store.items (store) imports digest.dedupe (judging)"),
    ("config/schema.py", "from digest.classify import Classifier",
     "digest.config.schema (config) imports digest.classify (judging)"),
    ("feeds.py", "from digest.store.archive import Archive",
     "digest.feeds (outputs) imports digest.store.archive (store)"),
])
def test_the_check_catches_a_forbidden_import(tmp_path, module, line, complaint):
    copy = tmp_path / "digest"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    assert any(complaint in problem for problem in forbidden_imports(copy))


def test_the_check_catches_an_import_circle(tmp_path):
    copy = tmp_path / "digest"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    (copy / "weeks.py").write_text((copy / "weeks.py").read_text(encoding="utf-8") + "\nfrom digest.urls import web_url\n",
                                   encoding="utf-8")
    (copy / "urls.py").write_text((copy / "urls.py").read_text(encoding="utf-8") + "\nfrom digest.weeks import MONTHS\n",
                                  encoding="utf-8")
    assert ["digest.urls", "digest.weeks"] in import_circles(copy)


def test_modules_and_functions_stay_small():
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > 400:
            too_long.append(f"{path.relative_to(ROOT)}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > 60:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.name} is {length} lines")
    assert too_long == []


def test_every_package_is_in_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    packages = {module_name(path, PACKAGE) for path in PACKAGE.rglob("__init__.py")}
    assert packages <= listed
