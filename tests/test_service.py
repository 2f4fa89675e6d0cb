"""`digest run` as a real process: scheduling, catch-up, the lock, signals, crashes."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.config import load_config
from digest.triggers import weekly_trigger
from digest.weeks import week_bounds, week_label

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

NEW_STORY = (" date 2026-11-20 Two arrested after stabbing in Dunstable\nTwo men have been arrested after a man was "
             "stabbed in Dunstable town centre, Bedfordshire Police said. A knife was recovered nearby.\n")


def _start(config: Path, *args: str, log: Path) -> subprocess.Popen:
    handle = open(log, "wb")  # noqa: SIM115 - the process writes to it until it ends
    return subprocess.Popen([sys.executable, "-m", "digest", "--config", str(config), *args],
                            stdout=handle, stderr=subprocess.STDOUT, cwd=config.parent)


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digest", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=60, cwd=config.parent)


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # the tables may not exist yet
        return 0


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> tuple[int, float]:
    started = time.monotonic()
    process.send_signal(sig)
    code = process.wait(timeout=15)
    return code, time.monotonic() - started


@pytest.fixture
def service_config(write_config, seed_dir):
    def write(**overrides):
        return write_config(schedule={"ingest_every": "2s", "digest": "mon 07:00"}, server={"enabled": False},
                            **overrides)
    return write


def test_service_ingests_on_schedule_holds_the_lock_and_stops_on_sigterm(service_config, seed_dir, tmp_path):
    config = service_config()
    db = tmp_path / "data" / "digest.db"
    service = _start(config, "run", log=tmp_path / "run.log")
    try:
        _wait_for(lambda: _count(db, "select count(*) from items") == 5, 30, "the seeds to be ingested")
        second = _cli(config, "run")
        assert second.returncode == 1
        assert second.stderr.strip() == (f"Error: another digest process (PID {service.pid}) is already running the "
                                         f"service with this database ({db}.service.lock)")
        (seed_dir / "dunstable.txt").write_text(NEW_STORY, encoding="utf-8")
        dropped = time.monotonic()
        _wait_for(lambda: "Two arrested after stabbing in Dunstable" in _cli(config, "export").stdout, 15,
                  "the dropped file to appear in export")
        assert time.monotonic() - dropped < 10  # within the next 2 s interval, allowing for a slow machine
    finally:
        code, took = _stop(service)
    log = (tmp_path / "run.log").read_text()
    assert code == 0 and took < 10, log
    assert "digest service stopped" in log and "seeds: 1 new" in log
    assert _cli(config, "ingest").returncode == 0  # the locks were released


# More documents than one batch of an ingest holds (3,000, or 3 seconds' worth), so that the ingest
# is still going when its first batch is seen committed.
LONG_INGEST = 4500


def test_sigterm_during_a_long_ingest_stops_cleanly(service_config, seed_dir, tmp_path):
    from synth import write_folder

    write_folder(seed_dir / "bulk", LONG_INGEST, seed=5)
    config = service_config()
    db = tmp_path / "data" / "digest.db"
    service = _start(config, "run", log=tmp_path / "run.log")
    _wait_for(lambda: _count(db, "select count(*) from items") > 20, 60, "the ingest to get going")
    code, took = _stop(service)
    log = (tmp_path / "run.log").read_text()
    assert code == 0 and took < 10, log
    assert "stopped early: shutting down" in log
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def _processes_running(marker: str) -> bool:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker in cmdline.read_bytes().decode("utf-8", "replace"):
                return True
        except OSError:
            continue
    return False


def test_sigkill_mid_ingest_loses_nothing_and_duplicates_nothing(write_config, seed_dir, tmp_path):
    from synth import write_folder

    docs = write_folder(seed_dir / "bulk", LONG_INGEST, seed=9)
    config = write_config()
    db = tmp_path / "data" / "digest.db"
    ingest = _start(config, "ingest", log=tmp_path / "ingest.log")
    _wait_for(lambda: _count(db, "select count(*) from items") > 30, 60, "the ingest to get going")
    ingest.kill()
    ingest.wait(timeout=10)
    # Its worker processes die with it (they share its command line) and hold no lock.
    _wait_for(lambda: not _processes_running(str(config)), 10, "the ingest's worker processes to end")
    stored_at_kill = _count(db, "select count(*) from items")
    assert 0 < stored_at_kill < len(docs), "the kill came too late to test anything"
    finished = _cli(config, "ingest")
    assert finished.returncode == 0, finished.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        paths = {row[0] for row in conn.execute("select path from files")}
        items, keys, fingerprints = conn.execute(
            "select count(*), count(distinct key), count(distinct fingerprint) from items").fetchone()
    assert paths == {f"bulk/{d.name}" for d in docs} | {p.name for p in seed_dir.glob("*.txt")}
    assert items == keys == fingerprints  # no item stored twice
    # Every document is stored: each file points to an item (copies that state the same URL share one).
    assert _count(db, "select count(*) from files where item_id is null or item_id not in (select id from items)") == 0


def test_missed_editions_are_built_and_emailed_once(write_config, seed_dir, tmp_path):
    from aiosmtpd.controller import Controller

    from test_mail import Recorder, _free_port

    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        config = write_config(schedule={"ingest_every": "1h", "digest": "mon 07:00"}, server={"enabled": False},
                              email={"enabled": True, "from": "digest@digest.example.org",
                                     "smtp": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
                                     "recipients": [{"address": "analyst@example.org"}]})
        db = tmp_path / "data" / "digest.db"
        assert _cli(config, "ingest").returncode == 0
        tz = ZoneInfo("Europe/London")
        now = datetime.now(UTC)
        weeks = [week_label(now - timedelta(days=7 * n), tz) for n in (4, 3, 2, 1)]
        with sqlite3.connect(db) as conn:  # found over the past weeks; the last edition built was 4 weeks ago
            for offset, item_id in ((3, 1), (3, 2), (2, 3), (2, 4), (3, 5)):
                stamp = (now - timedelta(days=7 * offset)).isoformat(timespec="seconds")
                conn.execute("update items set first_seen = ? where id = ?", [stamp, item_id])
            start, end = week_bounds(weeks[0], tz)
            conn.execute("insert into editions (week, start, end, built_at, item_count) values (?, ?, ?, ?, 0)",
                         [weeks[0], start.date().isoformat(), end.date().isoformat(), end.isoformat()])
        missed = weeks[1:]

        service = _start(config, "run", log=tmp_path / "run.log")
        try:
            _wait_for(lambda: len(handler.messages) >= 3, 60, "three missed editions to be emailed")
            time.sleep(1)
        finally:
            assert _stop(service)[0] == 0
        subjects = sorted(message["Subject"] for _, message in handler.messages)
        assert len(subjects) == 3 and all(any(f"week {week}" in s for s in subjects) for week in missed)
        for week in missed:
            assert (tmp_path / "out" / "digests" / f"{week}.html").is_file()

        again = _start(config, "run", log=tmp_path / "run2.log")
        try:
            _wait_for(lambda: "catch-up: finished" in (tmp_path / "run2.log").read_text(), 30, "the second catch-up")
            time.sleep(1)
        finally:
            assert _stop(again)[0] == 0
        assert len(handler.messages) == 3
    finally:
        controller.stop()


@pytest.mark.parametrize("start, change", [
    (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)),  # BST ends
    (datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 28, 1, tzinfo=UTC)),    # BST starts
])
def test_weekly_edition_fires_at_seven_local_time_across_clock_changes(write_config, seed_dir, start, change):
    trigger = weekly_trigger(load_config(write_config()))
    london = ZoneInfo("Europe/London")
    fires, previous, now = [], None, start
    for _ in range(8):
        fire = trigger.get_next_fire_time(previous, now)
        fires.append(fire)
        previous, now = fire, fire + timedelta(seconds=1)
    local = [f.astimezone(london) for f in fires]
    assert all(t.weekday() == 0 and (t.hour, t.minute) == (7, 0) for t in local)
    assert all(later - earlier in (timedelta(days=7), timedelta(days=7, hours=1), timedelta(days=7, hours=-1))
               for earlier, later in itertools.pairwise(fires))
    utc_hours = {f.astimezone(UTC).hour for f in fires}
    assert utc_hours == {6, 7}  # 07:00 BST is 06:00 UTC, 07:00 GMT is 07:00 UTC
    assert any(f < change for f in fires) and any(f > change for f in fires)


@pytest.mark.parametrize("step, command", [("ingest", ["ingest"]), ("send", ["send"]), ("build", ["build"])])
def test_a_manual_step_while_another_process_holds_it_names_the_holder(write_config, seed_dir, tmp_path, step, command):
    from digest.lock import Lock

    config = write_config()
    assert _cli(config, "ingest").returncode == 0
    db = tmp_path / "data" / "digest.db"
    lock = Lock(db, step)
    lock.acquire()  # this test process plays the service, in the middle of that step
    try:
        result = _cli(config, *command)
    finally:
        lock.release()
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: another digest process (PID {os.getpid()}) is already")
    assert _cli(config, *command).returncode == 0  # free again once released


def test_a_week_built_mid_week_is_built_again_once_it_has_ended(write_config, seed_dir, tmp_path):
    from digest.scheduler import missed_weeks
    from digest.store import Store

    config = load_config(write_config())
    store = Store(config.database)
    now = datetime.now(UTC)
    tz = config.tz
    last, before = week_label(now - timedelta(days=7), tz), week_label(now - timedelta(days=14), tz)
    for week, built in ((before, week_bounds(before, tz)[1] + timedelta(hours=1)),  # built after it ended
                        (last, week_bounds(last, tz)[0] + timedelta(days=2))):       # built mid-week only
        start, end = week_bounds(week, tz)
        store.db.tables["editions"].insert({"week": week, "start": start.date().isoformat(), "end": end.date().isoformat(),
                                     "built_at": built.astimezone(UTC).isoformat(), "item_count": 0})
    assert missed_weeks(config, store, now) == [last]
    store.close()


def test_an_ingest_that_changes_nothing_leaves_the_edition_and_feeds_as_they_are(config_path, seed_dir):
    """The service's ingest job rebuilds the current edition and the feeds only when the ingest
    stored, changed or failed something (issue 21: an unchanged run does almost nothing)."""
    from digest.scheduler import Service
    from digest.weeks import resolve_week

    config = load_config(config_path)
    service = Service(config)
    service.ingest_job(["seeds"])
    page = config.output_dir / "digests" / f"{resolve_week('current', config.tz)}.html"
    feed = config.output_dir / "feed.xml"
    built = (page.stat().st_mtime_ns, feed.stat().st_mtime_ns)
    time.sleep(0.02)
    service.ingest_job(["seeds"])
    assert (page.stat().st_mtime_ns, feed.stat().st_mtime_ns) == built
    (seed_dir / "999_new.txt").write_text(
        "Officers in Luton arrested two men and seized a machete during a knife crime patrol on Friday.\n\n"
        "Inspector Ruth Carter said the patrols against serious violence in Luton would continue.\n", encoding="utf-8")
    service.ingest_job(["seeds"])
    assert page.stat().st_mtime_ns > built[0] and feed.stat().st_mtime_ns > built[1]
