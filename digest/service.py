"""The steps the CLI and the scheduler run: ingest, build an edition with its feeds, send, run once.

Each step holds its lock (digest.lock) and hands every stage the part of the store it needs.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from digest.config import Config
from digest.lock import holding
from digest.models import Item, utc_now
from digest.pipeline import SourceSummary, ingest
from digest.records import Status
from digest.store import Store
from digest.topics import Taxonomy
from digest.urls import edition_file
from digest.weeks import day_label, resolve_week, shift_week, week_bounds

# Building, mailing and alerting are imported by the steps that do them: a run with nothing new,
# nothing due and its edition standing loads none of them (nor jinja2, feedgen or the mailer).
if TYPE_CHECKING:
    from digest.alert_delivery import Outcome as AlertOutcome
    from digest.edition import Edition, Entry
    from digest.mailer import Outcome

log = logging.getLogger("digest.service")


@dataclass
class BuildResult:
    week: str
    item_count: int
    older_count: int
    html: Path
    text: Path
    index: Path
    feeds: list[Path] = field(default_factory=list)
    feed_error: str | None = None  # the feeds could not be written (the edition was, and can be sent)
    areas: list[Path] = field(default_factory=list)  # the area pages written (areas/<slug>.html)


def ingest_step(config: Config, store: Store, names: Iterable[str] = (),
                stop: threading.Event | None = None) -> list[SourceSummary]:
    """Ingest, then send the alerts it matched (see ingest_and_alert)."""
    return ingest_and_alert(config, store, names, stop)[0]


def ingest_and_alert(config: Config, store: Store, names: Iterable[str] = (),
                     stop: threading.Event | None = None) -> tuple[list[SourceSummary], list[AlertOutcome]]:
    """Ingest under the ingest lock (another process ingesting the same database is an error), then
    send the alerts due: those the ingest matched, and earlier ones whose retry has come."""
    with holding(config.database, "ingest"):
        summaries = ingest(config, store, names, stop)
        return summaries, alert_step(config, store, stop)


def alert_step(config: Config, store: Store, stop: threading.Event | None = None) -> list[AlertOutcome]:
    """Send the alert deliveries that are due (call under the ingest lock: one sender a database)."""
    due = store.alerts.due(utc_now())
    if not due:
        return []
    from digest.alert_delivery import send_alerts

    return send_alerts(config, store.alerts, due, store.archive.items_by_id, stop)


def build(config: Config, store: Store, week: str | None = None) -> BuildResult:
    """Write one week's edition (HTML and text), the archive index and all feeds."""
    with holding(config.database, "build"):
        return _build(config, store, week)


def _build(config: Config, store: Store, week: str | None) -> BuildResult:
    from digest.area_pages import write_area_pages
    from digest.feeds import write_feeds
    from digest.render import write_edition, write_index
    from digest.report import build_edition

    label = resolve_week(week, config.tz)
    taxonomy = Taxonomy(config.classify.topics)
    built = {e.week for e in store.editions.all()}
    previous, following = shift_week(label, -1, config.tz), shift_week(label, 1, config.tz)
    edition = build_edition(
        config, store.archive, store.runs, taxonomy, label,
        previous_week=previous if previous in built else None,
        next_week=following if following in built else None,
    )
    html, text = write_edition(config.site, config.output_dir, edition)
    store.editions.record(label, edition.start, edition.end, edition.item_count + edition.older_count)
    editions = store.editions.all()
    areas = write_area_pages(config, store.archive, taxonomy, label, {e.week for e in editions})
    index = write_index(config.site, config.output_dir, editions, config.tz, store.archive.relevant_areas(),
                        [(topic, taxonomy.label(topic)) for topic in taxonomy.topics])
    feeds, feed_error = [], None
    try:
        feeds = write_feeds(config, store.archive, taxonomy, editions)
    except Exception as exc:  # noqa: BLE001 - whatever breaks a feed file must not stop the edition's email
        feed_error = _problem(exc)
    log.info("built edition %s: %d items, %d older", label, edition.item_count, edition.older_count)
    return BuildResult(label, edition.item_count, edition.older_count, html, text, index, feeds, feed_error, areas)


def _problem(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"{exc.filename2 or exc.filename or '?'}: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"


def edition_for(config: Config, store: Store, week: str | None) -> Edition:
    """The edition model of a week (what `build` renders), for sending."""
    from digest.report import build_edition

    label = resolve_week(week, config.tz)
    return build_edition(config, store.archive, store.runs, Taxonomy(config.classify.topics), label)


def send(config: Config, store: Store, week: str | None = None, dry_run: bool = False) -> list[Outcome]:
    """Email the week's edition (default: the last complete week) per the delivery ledger."""
    return send_weeks(config, store, [resolve_week(week, config.tz)], dry_run)


def send_weeks(config: Config, store: Store, weeks: list[str], dry_run: bool = False) -> list[Outcome]:
    """Email these weeks' editions (oldest first); weeks with nothing for a recipient go as one message.
    Items stored since a recipient's last message but first seen in a week already sent to them
    (the clock was set back) come with the last edition."""
    from digest.mailer import send_editions
    from digest.report import complete_edition, edition_stories

    taxonomy = Taxonomy(config.classify.topics)
    with holding(config.database, "send"):
        through = store.archive.last_id()
        editions = [edition_stories(config, store.archive, taxonomy, week) for week in weeks]
        editions[-1] = dataclasses.replace(editions[-1], late=_late_candidates(config, store, weeks[0]))
        return send_editions(config, store.ledger, editions, dry_run=dry_run, items_through=through,
                             complete=lambda stories: complete_edition(config, store.archive, store.runs, taxonomy,
                                                                       stories))


def _late_candidates(config: Config, store: Store, first_week: str) -> list[Entry]:
    from digest.report import late_entries

    marks = [store.ledger.sent_before(r.address)[0] for r in config.email.recipients]
    known = [mark for mark in marks if mark is not None]
    if not known:
        return []
    before, _ = week_bounds(first_week, config.tz)
    return late_entries(store.archive, Taxonomy(config.classify.topics), config.tz, min(known), before)


def clear_failures(config: Config, store: Store, week: str | None) -> tuple[str, list[str]]:
    """`send --retry-failed`: the week's permanent failures and possibly-sent messages may go again."""
    label = resolve_week(week, config.tz)
    with holding(config.database, "send"):
        return label, store.ledger.clear(label)


def send_daily_digests(config: Config, store: Store, at: datetime | None = None,
                       dry_run: bool = False) -> list[Outcome]:
    """Email each daily recipient their daily digest of `at`'s day (default: now, and all stored so
    far): the relevant items stored after their last daily digest, up to the last one found before
    `at`, that they have not received (by either cadence)."""
    from digest.mailer import send_daily
    from digest.report import build_daily

    with holding(config.database, "send"):
        day = day_label(at or utc_now(), config.tz)
        through = _stored_before(store, at) if at else store.archive.last_id()
        taxonomy = Taxonomy(config.classify.topics)
        digests = [(r, build_daily(config, store.archive, taxonomy, day, _daily_items(config, store, r.address, day,
                                                                                     through)))
                   for r in config.email.recipients if r.cadence == "daily"]
        return send_daily(config, store.ledger, digests, dry_run=dry_run, items_through=through)


def _daily_items(config: Config, store: Store, address: str, day: str, through: int) -> list[Item]:
    """A recipient's first daily digest starts with what was found the day before its day."""
    after, since = store.ledger.daily_mark(address, day)
    if after is None:
        after = _stored_before(store, datetime.combine(date.fromisoformat(since) - timedelta(days=1), time(0),
                                                       tzinfo=config.tz))
    return [item for item in store.archive.items(relevant_only=True, after_id=after) if item.id <= through]


def _stored_before(store: Store, moment: datetime) -> int:
    """The newest item first seen before `moment` (0: none): daily digests are cut there."""
    newest = next(store.archive.items(until=moment, newest_first=True, limit=1), None)
    return newest.id if newest else 0


def clear_daily_failures(config: Config, store: Store) -> list[tuple[str, str]]:
    """`send --daily --retry-failed`: the items of daily digests that failed for good or were possibly
    sent may go again, in the next daily digest; (recipient, day) of each cleared."""
    with holding(config.database, "send"):
        return store.ledger.clear_daily()


def run_once(config: Config, store: Store) -> tuple[list[SourceSummary], list[AlertOutcome], BuildResult | None,
                                                    list[Outcome]]:
    """Ingest every enabled source (sending its alerts), build the current week's edition and the
    feeds unless they stand (None), send if enabled."""
    summaries, alerted = ingest_and_alert(config, store)
    result = None if edition_stands(config, store, summaries) else build(config, store, "current")
    outcomes = send(config, store, "current") if config.email.enabled else []
    return summaries, alerted, result, outcomes


def edition_stands(config: Config, store: Store, summaries: list[SourceSummary]) -> bool:
    """Whether the current week's edition and feeds, as built, still show what the store holds: the
    ingest changed no story and no source's health, and the week's edition was built and is there."""
    if any(summary.new or summary.updated or summary.failed or summary.missing or summary.error
           for summary in summaries):
        return False
    week = resolve_week("current", config.tz)
    return (week in {edition.week for edition in store.editions.all()}
            and (config.output_dir / edition_file(week)).is_file())


def read_status(database: Path) -> Status | None:
    """The status, read without creating or migrating the database; None when there is none yet."""
    if not Path(database).is_file():
        return None
    store = Store(database, read_only=True)
    try:
        return store.status()
    finally:
        store.close()
