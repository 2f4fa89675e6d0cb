"""`digest run`: the service, with APScheduler 3 in the foreground.

- ingest every `schedule.ingest_every` (sources with their own `every` in their own job),
  with a little jitter, then rebuild the current week so pages and feeds stay fresh;
- the weekly edition at `schedule.digest` in `timezone` (default Monday 07:00 London time,
  right across clock changes): every completed week not yet built is built, its feeds
  written and its email sent per the ledger, and temporary delivery failures are retried;
- on start the same catch-up runs from our own tables (not from scheduler memory), so
  downtime loses nothing;
- with daily recipients, the daily digest at `schedule.daily` (and on start, the one due last):
  what is new for each since their last daily digest, cut at the time it was due, so running it
  again that day sends nothing more;
- one service per database (a lock); SIGTERM or SIGINT finishes the current step,
  releases the lock and exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from digest.config import Config
from digest.lock import holding
from digest.mailer import Outcome, send_failure
from digest.models import utc_now
from digest.service import build, edition_stands, ingest_and_alert, read_status, send_daily_digests, send_weeks
from digest.store import Store
from digest.triggers import daily_trigger, last_daily_time, weekly_trigger
from digest.weeks import day_label, resolve_week, shift_week, week_bounds, week_label

log = logging.getLogger("digest.service")
MAX_CATCH_UP_WEEKS = 104


def ingest_groups(config: Config) -> dict[float, list[str]]:
    """Interval in seconds -> the enabled sources ingested at that interval."""
    groups: dict[float, list[str]] = {}
    for source in config.sources:
        if source.enabled:
            groups.setdefault(source.every or config.schedule.ingest_every, []).append(source.name)
    return groups


def ingest_trigger(seconds: float) -> IntervalTrigger:
    return IntervalTrigger(seconds=seconds, jitter=min(60.0, seconds * 0.05))


def missed_weeks(config: Config, store: Store, now: datetime | None = None) -> list[str]:
    """Completed weeks whose edition was never built after the week ended, oldest first. An edition
    built "later than now" (by a clock that ran ahead) counts as not built: its week is built and
    sent when it really ends, and the ledger keeps what was sent then from going again."""
    tz = config.tz
    now = now or utc_now()
    last = resolve_week("last", tz, now)
    complete = {e.week for e in store.editions.all() if week_bounds(e.week, tz)[1] <= e.built_at <= now}
    start = shift_week(max(complete), 1, tz) if complete else _first_week(store, tz)
    if start is None:
        return []
    weeks: list[str] = []
    week = start
    while week <= last and len(weeks) < MAX_CATCH_UP_WEEKS:
        if week not in complete:
            weeks.append(week)
        week = shift_week(week, 1, tz)
    return weeks


def _first_week(store: Store, tz: ZoneInfo) -> str | None:
    first = store.archive.first_seen()
    return week_label(first, tz) if first else None


class Service:
    def __init__(self, config: Config):
        self.config = config
        self.stopping = threading.Event()

    # --- jobs: each opens its own connection and never lets an error reach the scheduler -------

    def _job(self, name: str, work: Callable[[Store], None]) -> None:
        if self.stopping.is_set():
            return
        log.info("%s: started", name)
        store = Store(self.config.database)
        try:
            work(store)
            log.info("%s: finished", name)
        except Exception:  # one failed run must not stop the service (logged with its traceback)
            log.exception("%s: failed; the next run will try again", name)
        finally:
            store.close()

    def ingest_job(self, names: list[str]) -> None:
        def work(store: Store) -> None:
            summaries, alerted = ingest_and_alert(self.config, store, names, stop=self.stopping)
            for summary in summaries:
                (log.warning if summary.error or summary.failed else log.info)("ingest: %s", summary.line())
            for outcome in alerted:
                (log.info if outcome.status == "sent" else log.warning)("alerts: %s", outcome.line())
            if self.stopping.is_set():
                return
            if edition_stands(self.config, store, summaries):
                log.info("ingest: nothing new, changed or failing; the current edition and feeds stand")
                return
            result = build(self.config, store, "current")
            log.info("ingest: current edition %s updated (%d items)", result.week, result.item_count)
            if result.feed_error:
                log.error("ingest: feeds not written: %s", result.feed_error)
        self._job(f"ingest ({', '.join(names)})", work)

    def weekly_job(self) -> None:
        self._job("weekly edition", self.catch_up)

    def catch_up(self, store: Store) -> None:
        """Build every completed week not yet built, then send them (several weeks without items go to
        a recipient as one message); retry temporary delivery failures."""
        built: list[str] = []
        for week in missed_weeks(self.config, store):
            if self.stopping.is_set():
                break
            result = build(self.config, store, week)
            log.info("weekly edition: built %s (%d items, %d older)", week, result.item_count, result.older_count)
            if result.feed_error:
                log.error("weekly edition: feeds not written: %s", result.feed_error)
            built.append(week)
        if built:
            self._send(store, built)
        for week in sorted({d.week for d in store.ledger.failed(cadence="weekly") if d.status == "retry"} - set(built)):
            if not self.stopping.is_set():
                self._send(store, [week])

    def _send(self, store: Store, weeks: list[str]) -> None:
        label = weeks[0] if len(weeks) == 1 else f"{weeks[0]} to {weeks[-1]}"
        self._report(f"send {label}", send_weeks(self.config, store, weeks))

    def daily_job(self) -> None:
        self._job("daily digest", self.daily)

    def daily(self, store: Store) -> None:
        """The daily digest due last, cut at the time it was due: on time and on start alike it sends
        what is new once (a restart later that day sends nothing more); a failed message's items go
        with the next daily digest."""
        due = last_daily_time(self.config)
        self._report(f"daily digest {day_label(due, self.config.tz)}", send_daily_digests(self.config, store, at=due))

    def _report(self, label: str, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            (log.warning if outcome.status in ("retry", "failed", "possibly-sent") else log.info)(
                "%s: %s", label, outcome.line())
        failure = send_failure(outcomes)
        if failure:
            log.error("%s: %s", label, failure)

    # --- the process -----------------------------------------------------------------------

    def run(self) -> None:
        with holding(self.config.database, "service"):
            self._install_signal_handlers()
            log.info("digest service starting (PID %d, database %s)", os.getpid(), self.config.database)
            server = self._start_server()
            scheduler = self._scheduler()
            try:
                self._job("catch-up", self.catch_up)
                if self._daily_recipients() and not self.stopping.is_set():
                    self._job("daily digest", self.daily)
                if not self.stopping.is_set():
                    scheduler.start()
                    for job in scheduler.get_jobs():
                        log.info("scheduled %s: next run %s", job.name, job.next_run_time.isoformat(timespec="seconds"))
                    self.stopping.wait()
                log.info("stopping: finishing the current step")
            finally:
                if scheduler.running:
                    scheduler.shutdown(wait=True)
                if server:
                    server.stop()
            log.info("digest service stopped")

    def _scheduler(self) -> BackgroundScheduler:
        scheduler = BackgroundScheduler(
            timezone=self.config.tz,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        now = utc_now()
        for seconds, names in ingest_groups(self.config).items():
            scheduler.add_job(self.ingest_job, ingest_trigger(seconds), args=[names], name=f"ingest every {seconds:g} s",
                              id=f"ingest-{seconds:g}", next_run_time=now + timedelta(seconds=1))
        scheduler.add_job(self.weekly_job, weekly_trigger(self.config), name="weekly edition", id="weekly")
        if self._daily_recipients():
            scheduler.add_job(self.daily_job, daily_trigger(self.config), name="daily digest", id="daily")
        return scheduler

    def _daily_recipients(self) -> bool:
        return any(r.cadence == "daily" for r in self.config.email.recipients)

    def _start_server(self) -> Any:
        settings = self.config.server
        if not settings.enabled:
            return None
        from digest.server import BackgroundServer
        from digest.store.search import ThreadSearches

        server = BackgroundServer(self.config, partial(read_status, self.config.database), settings.host,
                                  settings.port, ThreadSearches(self.config.database))
        server.start()
        log.info("serving %s on http://%s:%d/", self.config.output_dir, settings.host, settings.port)
        return server

    def _install_signal_handlers(self) -> None:
        def request_stop(signum: int, frame: object) -> None:
            log.info("received %s", signal.Signals(signum).name)
            self.stopping.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)


def run_service(config: Config) -> None:
    Service(config).run()
