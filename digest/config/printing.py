"""The effective sources as `digest sources` prints them: a table to read, or YAML to paste into a
config's `sources:` (OPML is digest.opml's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from digest.config.checks import settings_changed
from digest.config.schema import FolderSource, Source
from digest.urls import redact

_FIRST_KEYS = ("name", "kind", "url", "path", "area", "org", "org_kind")


def sources_table(sources: Sequence[Source]) -> str:
    """One line a source: name, kind, area, kind of publisher, URL (secrets hidden) or folder,
    and where it came from (config, catalogue, or an OPML file and line)."""
    rows = [("NAME", "KIND", "AREA", "ORG_KIND", "URL OR PATH", "FROM")]
    for source in sources:
        where = str(source.path) if isinstance(source, FolderSource) else redact(source.url)
        state = "" if source.enabled else " (disabled)"
        rows.append((source.name, source.kind + state, source.area or "-", source.org_kind or "-", where,
                     source._origin))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1]
             for row in rows]
    return "\n".join(line.rstrip() for line in lines) + f"\n{len(sources)} sources\n"


def sources_yaml(sources: Sequence[Source]) -> str:
    """The sources as a config's `sources:` list, each with the settings that differ from the defaults."""
    listed = [_in_order(settings_changed(source) | {"kind": source.kind})
              for source in sources]
    return yaml.safe_dump({"sources": listed}, sort_keys=False, allow_unicode=True, width=1000)


def _in_order(fields: dict[str, Any]) -> dict[str, Any]:
    first = {key: fields[key] for key in _FIRST_KEYS if key in fields}
    return first | {key: value for key, value in fields.items() if key not in first}
