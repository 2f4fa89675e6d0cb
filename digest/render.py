"""Render editions and the archive with Jinja2 (templates/), writing files atomically."""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from datetime import date
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from digest.config import Config
from digest.models import utc_now
from digest.report import Edition


def template_dir() -> Path:
    """Installed wheels carry the templates as digest/templates; a checkout has them at the top."""
    packaged = Path(__file__).resolve().parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Compiled once per process; templates are only read from the package."""
    return Environment(
        loader=FileSystemLoader(str(template_dir())),
        autoescape=select_autoescape(["html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside the target, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_edition(config: Config, edition: Edition, env: Environment | None = None) -> tuple[Path, Path]:
    env = env or environment()
    context = {"site": config.site, "edition": edition}
    digests = config.output_dir / "digests"
    html_path, text_path = digests / f"{edition.week}.html", digests / f"{edition.week}.txt"
    atomic_write(html_path, env.get_template("edition.html.j2").render(context))
    atomic_write(text_path, env.get_template("edition.txt.j2").render(context))
    return html_path, text_path


def write_index(config: Config, editions: list[dict[str, Any]], env: Environment | None = None) -> Path:
    env = env or environment()
    rows = [
        {"week": e["week"], "start": date.fromisoformat(e["start"]), "end": date.fromisoformat(e["end"]),
         "item_count": e["item_count"], "href": f"digests/{e['week']}.html"}
        for e in editions
    ]
    path = config.output_dir / "index.html"
    html = env.get_template("index.html.j2").render(
        site=config.site, editions=rows, feed_url="feed.xml", generated_at=utc_now().astimezone(config.tz),
    )
    atomic_write(path, html)
    return path

