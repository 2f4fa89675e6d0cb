"""Render editions and the archive with Jinja2 (templates/), writing files atomically."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from digest.config import Site
from digest.edition import Edition
from digest.models import utc_now
from digest.records import EditionRecord
from digest.urls import area_feed, area_page, edition_file, edition_page, is_web_url, topic_feed
from digest.weeks import date_range, long_date


def template_dir() -> Path:
    """Installed wheels carry the templates as digest/templates; a checkout has them at the top."""
    packaged = Path(__file__).resolve().parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "templates"


class _CompiledTemplates(FileSystemBytecodeCache):
    """Templates compiled by one process, kept for the next in Jinja's own folder for this user
    (in the temporary directory, mode 0700, refused when anyone else owns it): a one-shot command
    (`run --once`, `build`) would otherwise spend a quarter of a second compiling them. Each is
    checked against its template's source, and one cut short is compiled again (by Jinja); one
    that cannot be written costs the next process a compile, never a page."""

    def load_bytecode(self, bucket: Bucket) -> None:
        if not self._still_ours():
            return
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - cut short in its header (Jinja reads that unguarded): compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not self._still_ours():
            return
        with suppress(OSError):  # a full disk, a folder gone: the next process compiles it again
            super().dump_bytecode(bucket)

    def _still_ours(self) -> bool:
        """Checked at each use, as Jinja checks it once when made: a service runs for weeks, and a folder
        cleaned away meanwhile (systemd-tmpfiles) may be made again by another user, whose files would
        be unpickled here. One that is ours no one else can remove (the temporary directory is sticky)."""
        try:
            folder = os.lstat(self.directory)
        except OSError:
            return False
        return folder.st_uid == os.getuid() and stat.S_ISDIR(folder.st_mode) and stat.S_IMODE(folder.st_mode) == 0o700


# How templates are compiled (the parts of it Jinja's cache keys leave out): kept apart by these.
_TRIM_BLOCKS = _LSTRIP_BLOCKS = True
_ESCAPED = ["html.j2"]


def _compiled_templates() -> _CompiledTemplates | None:
    # Jinja's own version too: the compiled code calls its runtime, which may change with it.
    settings = hashlib.sha256(repr((jinja2.__version__, _TRIM_BLOCKS, _LSTRIP_BLOCKS, _ESCAPED)).encode()).hexdigest()[:12]
    try:
        return _CompiledTemplates(pattern=f"__digest_{settings}_%s.cache")
    except (OSError, RuntimeError):  # the folder cannot be made, or is not safely this user's
        return None


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Compiled once per process; templates are only read from the package."""
    env = Environment(
        loader=FileSystemLoader(str(template_dir())),
        bytecode_cache=_compiled_templates(),
        autoescape=select_autoescape(_ESCAPED),
        trim_blocks=_TRIM_BLOCKS,
        lstrip_blocks=_LSTRIP_BLOCKS,
        undefined=StrictUndefined,
    )
    # The rules templates share with the code: dates as readers see them, which URLs become links.
    env.globals.update(long_date=long_date, date_range=date_range, is_web=is_web_url, edition_page=edition_page,
                       area_page=area_page, area_feed=area_feed, topic_feed=topic_feed)
    return env


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


def render_edition(site: Site, edition: Edition) -> tuple[str, str]:
    """The edition's web page (HTML) and its text edition (the email has its own templates)."""
    env = environment()
    context: dict[str, object] = {"site": site, "edition": edition}
    return env.get_template("edition.html.j2").render(context), env.get_template("edition.txt.j2").render(context)


def write_edition(site: Site, output_dir: Path, edition: Edition) -> tuple[Path, Path]:
    html, text = render_edition(site, edition)
    html_path, text_path = output_dir / edition_file(edition.week), output_dir / edition_file(edition.week, "txt")
    atomic_write(html_path, html)
    atomic_write(text_path, text)
    return html_path, text_path


def write_index(site: Site, output_dir: Path, editions: list[EditionRecord], tz: ZoneInfo,
                areas: Iterable[str] = (), topics: Iterable[tuple[str, str]] = ()) -> Path:
    """The archive page: every edition built, newest first, with each area's page and feed and
    every topic's feed (`topics`: id and label)."""
    rows = [{"week": e.week, "start": e.start, "end": e.end, "item_count": e.item_count,
             "href": f"digests/{e.week}.html"} for e in editions]
    path = output_dir / "index.html"
    html = environment().get_template("index.html.j2").render(
        site=site, editions=rows, feed_url="feed.xml", generated_at=utc_now().astimezone(tz),
        areas=list(areas), topics=list(topics),
    )
    atomic_write(path, html)
    return path
