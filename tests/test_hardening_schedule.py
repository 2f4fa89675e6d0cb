"""A wrong clock and a failing feed file never cost the weekly email (issue 16, items 2 and 1).

`digest` runs as a real process under libfaketime (Debian's `faketime`), whose clock is what
`digest` reads as "now"; email goes to aiosmtpd on 127.0.0.1; the database is a real SQLite file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from test_mail import Recorder, _free_port

pytestmark = pytest.mark.skipif(shutil.which("faketime") is None, reason="needs Debian's faketime")
ANALYST = "analyst@example.org"
DUNSTABLE = (" date 2026-11-19 Two arrested after stabbing in Dunstable\nTwo men have been arrested after a man was "
             "stabbed in Dunstable town centre, Bedfordshire Police said. A knife was recovered nearby.\n")
LUTON = (" date 2026-11-26 Knife arch at Luton station finds three blades\nOfficers with a knife arch at Luton "
         "station seized three knives during a week of action against knife crime, Bedfordshire Police said.\n")


@pytest.fixture
def smtp() -> Iterator[Recorder]:
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def config(write_config, seed_dir, smtp) -> Path:
    return write_config(schedule={"ingest_every": "12h", "digest": "mon 07:00"}, server={"enabled": False},
                        email={"enabled": True, "from": "digest@digest.example.org",
                               "smtp": {"host": "127.0.0.1", "port": smtp.port, "timeout": 5},
                               "recipients": [{"address": ANALYST}]})


def at(moment: str, config: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `digest` with its clock starting at `moment` (UTC)."""
    done = subprocess.run(["faketime", "-f", f"@{moment}", sys.executable, "-m", "digest", "--config", str(config),
                           *args], capture_output=True, text=True, timeout=120, cwd=config.parent,
                          env={**os.environ, "TZ": "UTC"})
    return done


def service_at(moment: str, config: Path, log: Path) -> str:
    """Start `digest run` with its clock at `moment`, let its catch-up finish, stop it; its log."""
    with open(log, "wb") as handle:
        service = subprocess.Popen(["faketime", "-f", f"@{moment}", sys.executable, "-m", "digest", "--config",
                                    str(config), "run"], stdout=handle, stderr=subprocess.STDOUT, cwd=config.parent,
                                   start_new_session=True, env={**os.environ, "TZ": "UTC"})
        try:
            deadline = time.monotonic() + 90
            while "catch-up: f" not in log.read_text() and time.monotonic() < deadline:  # finished or failed
                time.sleep(0.25)
            time.sleep(0.5)
        finally:
            os.killpg(service.pid, signal.SIGTERM)
            service.wait(timeout=20)
    return log.read_text()


def _text(message: EmailMessage) -> str:
    return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def _subjects(smtp: Recorder) -> list[str]:
    return [" ".join(message["Subject"].split()) for _, message in smtp.messages]


def test_a_run_with_the_clock_weeks_ahead_sends_one_message_for_the_empty_weeks(config, smtp, tmp_path):
    assert at("2026-11-18 10:00:00", config, "ingest").returncode == 0  # week 2026-W47
    log = service_at("2027-01-27 07:30:00", config, tmp_path / "future.log")  # ten weeks later
    assert "catch-up: finished" in log, log
    subjects = _subjects(smtp)
    assert len(subjects) == 2, subjects
    assert "week 2026-W47" in subjects[0]
    assert "no items in the 9 weeks 2026-W48 to 2027-W03" in subjects[1]
    quiet = _text(smtp.messages[1][1])
    assert "No relevant items were found in 9 weeks" in quiet and "2026-W53" in quiet


def test_an_edition_built_by_a_clock_in_the_future_is_built_and_sent_when_its_week_really_ends(config, smtp, tmp_path,
                                                                                          seed_dir):
    assert at("2026-11-18 10:00:00", config, "ingest").returncode == 0
    service_at("2027-01-27 07:30:00", config, tmp_path / "future.log")
    sent_ahead = len(smtp.messages)
    (seed_dir / "dunstable.txt").write_text(DUNSTABLE, encoding="utf-8")
    assert at("2026-11-19 10:00:00", config, "ingest").returncode == 0  # the clock is right again
    log = service_at("2026-11-23 07:30:00", config, tmp_path / "monday.log")  # the week really ended
    assert "weekly edition: built 2026-W47" in log, log
    new = smtp.messages[sent_ahead:]
    assert len(new) == 1, _subjects(smtp)
    text = _text(new[0][1])
    assert "Two arrested after stabbing in Dunstable" in text
    assert "Partnership approach needed" not in text  # what the first message carried is not sent again


def test_an_item_found_in_a_week_already_sent_is_emailed_in_the_next_send(config, smtp, seed_dir):
    assert at("2026-11-25 10:00:00", config, "ingest").returncode == 0  # week 2026-W48
    first = at("2026-11-30 07:30:00", config, "send")  # Monday: the last complete week, W48
    assert first.returncode == 0 and f"{ANALYST}: sent" in first.stdout, first.stdout + first.stderr
    (seed_dir / "luton.txt").write_text(LUTON, encoding="utf-8")
    assert at("2026-11-27 10:00:00", config, "ingest").returncode == 0  # the clock set back into W48
    later = at("2026-12-07 07:30:00", config, "send")  # the next send: week W49
    assert later.returncode == 0, later.stdout + later.stderr
    assert len(smtp.messages) == 2
    text = _text(smtp.messages[1][1])
    assert "Knife arch at Luton station finds three blades" in text
    assert "Partnership approach needed" not in text


def test_a_failing_feed_file_does_not_stop_the_weekly_email(config, smtp, tmp_path):
    assert at("2026-11-18 10:00:00", config, "ingest").returncode == 0
    (tmp_path / "out" / "feed.xml").mkdir(parents=True)  # a feed file that cannot be written
    log = service_at("2026-11-23 07:30:00", config, tmp_path / "monday.log")
    assert "feed.xml" in log, log  # the failure is reported...
    assert [s for s in _subjects(smtp) if "week 2026-W47" in s], log  # ...and the edition was emailed
    assert (tmp_path / "out" / "digests" / "2026-W47.html").is_file()


def test_run_once_emails_the_edition_when_a_feed_file_fails(digest, config, smtp, tmp_path):
    (tmp_path / "out" / "feed.xml").mkdir(parents=True)
    result = digest("run", "--once", config=config)
    assert len(smtp.messages) == 1, result.output
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("Error:")] == [
        f"Error: feeds not written: {tmp_path / 'out' / 'feed.xml'}: Is a directory"]
