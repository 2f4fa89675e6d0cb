"""The daily digest (issue 19): recipients with `cadence: daily`, through aiosmtpd on 127.0.0.1, a real
SQLite store and real ingests of documents. An item reaches a recipient once, whichever cadence carried it."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from browsing import CHROMIUM, chromium
from digest.config import load_config
from digest.service import clear_daily_failures, send_daily_digests
from digest.store import Store
from digest.triggers import daily_trigger, last_daily_time
from test_email_layout import GMAIL_CLIPS_AT, write_week
from test_hardening_mail import server  # noqa: F401 - the fixture: aiosmtpd whose answers a test scripts
from test_mail import smtp  # noqa: F401 - the fixture: aiosmtpd on 127.0.0.1, recording what it is sent

DAILY, BEDS_DAILY, WEEKLY = "duty-analyst@example.org", "beds-daily@beds.example.org", "coordinator@example.org"
LONDON = ZoneInfo("Europe/London")
SEED_TITLES = ["Partnership approach needed to tackle serious violence",
               "The Commissioner’s blog – tackling serious violence",
               "Serious violence and knife crime to be tackled ‘as one’"]
DAY_SUBJECT = re.compile(r"Serious violence news digest: daily digest, (Monday|Tuesday|Wednesday|Thursday|Friday|"
                         r"Saturday|Sunday) \d{1,2} [A-Z][a-z]+ \d{4}")


# Seven different stories (retellings of one story would be one story, with one entry).
STORIES = {
    "Dunstable": ("Two arrested after stabbing in Dunstable", "Two men have been arrested after a man was stabbed in "
                  "Dunstable town centre on Saturday night, Bedfordshire Police said. A knife was recovered nearby."),
    "Luton": ("Knife arch catches blades at Luton station", "Officers using a knife arch at Luton railway station "
              "seized four blades during a week of action against knife crime, Bedfordshire Police said."),
    "Bedford": ("Appeal for witnesses after stabbing in Bedford", "Detectives are appealing for witnesses after a "
                "man suffered stab wounds in Midland Road, Bedford, on Friday evening. Bedfordshire Police said a "
                "20-year-old man has been arrested on suspicion of wounding."),
    "Biggleswade": ("County lines gang broken up in Biggleswade", "Three men have been charged with supplying class "
                    "A drugs after a county lines operation targeting Biggleswade was broken up by Bedfordshire "
                    "Police, who seized two knives and cash from an address in the town."),
    "Kettering": ("Teenager charged with carrying a machete in Kettering", "A 17-year-old boy has been charged with "
                  "possessing a machete in a public place after officers stopped him in Kettering, "
                  "Northamptonshire Police said. He will appear before magistrates next month."),
    "Wellingborough": ("Forty knives handed in during Wellingborough amnesty", "More than forty knives and a sword "
                       "were surrendered at Wellingborough police station during a two-week knife amnesty, "
                       "Northamptonshire Police said, as part of its work against knife crime."),
    "Corby": ("Man jailed for Corby knife attack", "A man who stabbed a neighbour with a kitchen knife in Corby has "
              "been jailed for nine years at Northampton Crown Court after admitting wounding with intent, "
              "Northamptonshire Police said."),
}


def story(folder: Path, town: str) -> str:
    """One of STORIES as a release dated today; returns its title."""
    title, body = STORIES[town]
    (folder / f"{town.lower()}.txt").write_text(f" date {datetime.now(LONDON).date().isoformat()} {title}\n{body}\n",
                                                encoding="utf-8")
    return title


def plain(message: EmailMessage) -> str:
    return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def html(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def mailbox(smtp):  # noqa: F811 - the fixture imported above
    """What the SMTP server on 127.0.0.1 was sent, by recipient (`mailbox.to(address)`)."""
    return smtp


@pytest.fixture
def daily_config(write_config, seed_dir, mailbox):
    def write(*recipients: dict[str, Any], port: int | None = None, **overrides: Any) -> Path:
        return write_config(email={
            "enabled": True, "from": "digest@digest.example.org",
            "smtp": {"host": "127.0.0.1", "port": port or mailbox.port, "security": "none", "timeout": 5},
            "recipients": list(recipients) or [{"address": DAILY, "cadence": "daily"}, {"address": WEEKLY}],
        }, **overrides)
    return write


def test_a_daily_recipient_gets_each_item_once_across_two_daily_sends_and_a_weekly_send(
        digest, daily_config, mailbox, seed_dir, export):
    config = daily_config()
    assert digest("ingest", config=config).exit_code == 0
    first = digest("send", "--daily", config=config)
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [f"{DAILY}: sent 5 item(s)"]  # the weekly recipient is not sent a daily
    new = story(seed_dir, "Dunstable")
    assert digest("ingest", config=config).exit_code == 0
    second = digest("send", "--daily", config=config)
    assert second.stdout.splitlines() == [f"{DAILY}: sent 1 item(s)"]
    weekly = digest("send", "--week", "current", config=config)
    assert weekly.stdout.splitlines() == [f"{WEEKLY}: sent 6 item(s)"]  # weekly sends skip daily recipients

    dailies = mailbox.to(DAILY)
    assert len(dailies) == 2 and all(DAY_SUBJECT.fullmatch(m["Subject"]) for m in dailies)
    titles = [item["title"] for item in export("--relevant-only")]
    assert len(titles) == 6 and new in titles
    for title in titles:  # each item in exactly one of the daily recipient's messages
        assert sum(" ".join(title.split()) in plain(m) for m in dailies) == 1, title
    assert new in plain(dailies[1]) and not any(t in plain(dailies[1]) for t in SEED_TITLES)
    # The weekly recipient is unaffected: one weekly edition with everything, no daily digest.
    [edition] = mailbox.to(WEEKLY)
    assert edition["Subject"].startswith("Serious violence news digest: week ")
    assert all(" ".join(t.split()) in plain(edition) for t in titles)


def test_an_address_with_both_cadences_is_sent_each_item_once(digest, daily_config, mailbox, seed_dir):
    both = "both@example.org"
    config = daily_config({"address": both, "cadence": "daily"}, {"address": both, "cadence": "weekly"})
    digest("ingest", config=config)
    assert digest("send", "--daily", config=config).stdout.splitlines() == [f"{both}: sent 5 item(s)"]
    quiet = digest("send", "--week", "current", config=config)  # all of it reached them in the daily digest
    assert quiet.stdout.splitlines() == [f"{both}: nothing new since the last send; not sent"]
    new = story(seed_dir, "Luton")
    digest("ingest", config=config)
    weekly = digest("send", "--week", "current", config=config)
    assert weekly.stdout.splitlines() == [f"{both}: sent 1 item(s)"]
    assert digest("send", "--daily", config=config).stdout.splitlines() == [
        f"{both}: nothing new for a daily digest; not sent"]
    daily, edition = mailbox.to(both)
    assert new in plain(edition) and new not in plain(daily)


def test_the_daily_digest_follows_the_recipients_filters(digest, daily_config, mailbox, seed_dir):
    money = "funding@example.org"
    config = daily_config({"address": BEDS_DAILY, "cadence": "daily", "areas": ["Bedfordshire"]},
                          {"address": money, "cadence": "daily", "topics": ["funding"]})
    digest("ingest", config=config)
    story(seed_dir, "Corby")
    beds = story(seed_dir, "Bedford")
    digest("ingest", config=config)
    items = digest_export(digest, config)
    in_beds = [i["title"] for i in items if i["area"] == "Bedfordshire"]
    on_funding = [i["title"] for i in items if "funding" in i["topics"]]
    assert beds in in_beds and 0 < len(on_funding) < len(items) and beds not in on_funding
    result = digest("send", "--daily", config=config)
    assert result.stdout.splitlines() == [f"{BEDS_DAILY}: sent {len(in_beds)} item(s)",
                                          f"{money}: sent {len(on_funding)} item(s)"]
    for address, mine in ((BEDS_DAILY, in_beds), (money, on_funding)):
        [message] = mailbox.to(address)
        text = plain(message)
        shown = [i["title"] for i in items if " ".join(i["title"].split()) in text]
        assert sorted(shown) == sorted(mine), address
    assert plain(mailbox.to(BEDS_DAILY)[0]).startswith("Your copy has only the stories from Bedfordshire.")


def digest_export(digest, config: Path) -> list[dict[str, Any]]:
    result = digest("export", "--relevant-only", config=config)
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_daily_send_with_nothing_new_sends_nothing(digest, daily_config, mailbox, seed_dir):
    cumbria = "cumbria@example.org"
    config = daily_config({"address": DAILY, "cadence": "daily"},
                          {"address": cumbria, "cadence": "daily", "areas": ["Cumbria"]})
    digest("ingest", config=config)
    first = digest("send", "--daily", config=config)
    # Unlike a week's first email, a daily digest with nothing for its reader is not sent at all.
    assert first.stdout.splitlines() == [f"{DAILY}: sent 5 item(s)", f"{cumbria}: nothing new for a daily digest; not sent"]
    again = digest("send", "--daily", config=config)
    assert again.exit_code == 0
    assert again.stdout.splitlines() == [f"{DAILY}: nothing new for a daily digest; not sent",
                                         f"{cumbria}: nothing new for a daily digest; not sent"]
    assert len(mailbox.messages) == 1
    nobody = daily_config({"address": WEEKLY})
    assert "No daily recipients configured" in digest("send", "--daily", config=nobody).stdout


def test_the_daily_digest_is_cut_at_its_time_and_downtime_loses_nothing(digest, daily_config, mailbox, seed_dir):
    config_file = daily_config()
    digest("ingest", config=config_file)
    time.sleep(1.1)  # first_seen is stored to the second
    cut = datetime.now(UTC)
    time.sleep(1.1)
    later = story(seed_dir, "Kettering")
    digest("ingest", config=config_file)
    config = load_config(config_file)
    store = Store(config.database)
    try:
        due = send_daily_digests(config, store, at=cut)  # the service cuts a digest at the time it was due
        assert [o.line() for o in due] == [f"{DAILY}: sent 5 item(s)"]
        assert later not in plain(mailbox.to(DAILY)[0])
        # The service was down for three days: the next digest carries everything since the last.
        story(seed_dir, "Wellingborough")
        digest("ingest", config=config_file)
        after = send_daily_digests(config, store, at=datetime.now(UTC) + timedelta(days=3))
        assert [o.line() for o in after] == [f"{DAILY}: sent 2 item(s)"]
        text = plain(mailbox.to(DAILY)[1])
        assert later in text and STORIES["Wellingborough"][0] in text and not any(t in text for t in SEED_TITLES)
    finally:
        store.close()


def test_the_daily_email_names_its_day_and_links_its_week(digest, daily_config, mailbox, seed_dir):
    config = daily_config()
    story(seed_dir, "Luton")
    digest("ingest", config=config)
    digest("send", "--daily", config=config)
    [message] = mailbox.to(DAILY)
    today = datetime.now(LONDON)
    day = f"{today:%A} {today.day} {today:%B %Y}"
    assert message["Subject"] == f"Serious violence news digest: daily digest, {day}"
    text, page = message.get_body(preferencelist=("plain",)).get_content(), html(message)
    assert text.splitlines()[0] == f"Daily digest, {day}. The week's edition on the web:"
    week = f"{today.isocalendar()[0]}-W{today.isocalendar()[1]:02d}"
    assert text.splitlines()[1] == f"http://127.0.0.1:8080/digests/{week}.html"
    assert re.search(rf"<h1 [^>]*>Daily digest, {day}</h1>", page) and f"<title>Daily digest, {day} – " in page
    assert "first found since the previous daily digest" in plain(message) and "first found this week" not in page
    assert f"{today.date().isoformat()}@digest.example.org>" in message["Message-ID"]
    assert message.get_content_type() == "multipart/alternative"


@pytest.mark.parametrize(("setting", "line"), [
    ({"email": {"recipients": [{"address": DAILY, "cadence": "hourly"}]}},
     "Error: {config}: email.recipients[0].cadence: must be one of 'weekly', 'daily' (got 'hourly')"),
    ({"schedule": {"daily": "25:00"}}, "Error: {config}: schedule.daily: not a time of day: '25:00' (e.g. '07:00')"),
    ({"schedule": {"daily": 450}},  # what YAML makes of an unquoted 7:30
     "Error: {config}: schedule.daily: not a time of day: 450 (put the time in quotes, e.g. '07:30')"),
    ({"schedule": {"daily": "at seven"}},
     "Error: {config}: schedule.daily: not a time of day: 'at seven' (e.g. '07:00')"),
])
def test_config_errors_name_the_key(digest, write_config, seed_dir, setting, line):
    config = write_config(**setting)
    result = digest("check", config=config)
    assert result.exit_code == 1 and result.output.strip() == line.format(config=config)


def test_the_daily_settings_have_defaults_and_status_names_the_next_digest(digest, daily_config):
    config = daily_config()
    checked = digest("check", config=config).stdout
    assert "daily: 07:00" in checked and "cadence: daily" in checked and "cadence: weekly" in checked
    status = digest("status", config=config).stdout
    assert re.search(r"^Next daily digest: \d{4}-\d\d-\d\dT0[67]:00\+00:00 \(07:00 Europe/London\)$", status, re.M)
    assert digest("send", "--daily", "--week", "current", config=config).exit_code == 2


def _deliveries(config: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(config.parent / "data" / "digest.db") as db:
        return db.execute("select recipient, week, cadence, status from deliveries order by id").fetchall()


def test_a_possibly_sent_daily_digest_is_not_sent_again(digest, daily_config, server, seed_dir):  # noqa: F811
    arrived, release = threading.Event(), threading.Event()

    def hold(envelope: Any) -> None:
        arrived.set()
        release.wait(30)

    config = daily_config(port=server.port)
    digest("ingest", config=config)
    server.at_data = hold
    sender = subprocess.Popen([sys.executable, "-m", "digest", "--config", str(config), "send", "--daily"],
                              cwd=config.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert arrived.wait(60), "the daily digest never arrived"
        sender.send_signal(signal.SIGKILL)  # dies after handing the message over, before the answer
        sender.wait(timeout=10)
    finally:
        release.set()
    time.sleep(0.5)
    server.at_data = None
    [(recipient, day, cadence, status)] = _deliveries(config)  # recorded before DATA
    assert (recipient, cadence, status) == (DAILY, "daily", "possibly-sent") and re.fullmatch(r"\d{4}-\d\d-\d\d", day)
    again = digest("send", "--daily", config=config)
    message_id = server.to(DAILY)[0]["Message-ID"].strip()
    assert again.stdout.splitlines() == [
        f"{DAILY}: possibly sent: an attempt (Message-ID {message_id}) has no recorded result; not sent again "
        "(after checking the mailbox, send --retry-failed sends it)"]
    # The next day's digest carries only what is new since the possibly sent one.
    new = story(seed_dir, "Biggleswade")
    digest("ingest", config=config)
    store = Store(config.parent / "data" / "digest.db")
    try:
        tomorrow = send_daily_digests(load_config(config), store, at=datetime.now(UTC) + timedelta(days=1))
    finally:
        store.close()
    assert [o.line() for o in tomorrow] == [f"{DAILY}: sent 1 item(s)"]
    assert len(server.to(DAILY)) == 2 and new in plain(server.to(DAILY)[1])
    assert "possibly-sent" in digest("status", config=config).stdout
    # Asked to, it sends the possibly sent items again, once.
    asked = digest("send", "--daily", "--retry-failed", config=config)
    assert asked.stdout.splitlines() == [f"Cleared the recorded failure of {DAILY} for the daily digest of {day}",
                                         f"{DAILY}: sent 5 item(s)"]
    assert digest("send", "--daily", config=config).stdout.splitlines() == [
        f"{DAILY}: nothing new for a daily digest; not sent"]
    assert len(server.to(DAILY)) == 3


def test_retry_failed_sends_a_possibly_sent_digest_s_items_after_later_ones(digest, daily_config, server,  # noqa: F811
                                                                            seed_dir):
    config_file = daily_config(port=server.port)
    digest("ingest", config=config_file)
    server.hang_up = 1  # the first digest is handed over, and the connection drops before the answer
    assert "possibly sent: no answer after the message was handed over" in digest("send", "--daily",
                                                                                 config=config_file).stdout
    new = story(seed_dir, "Corby")
    digest("ingest", config=config_file)
    config, store = load_config(config_file), Store(config_file.parent / "data" / "digest.db")
    now = datetime.now(UTC)
    try:
        assert [o.line() for o in send_daily_digests(config, store, at=now + timedelta(days=1))] == [
            f"{DAILY}: sent 1 item(s)"]
        assert [day for _, day in clear_daily_failures(config, store)] == [now.astimezone(LONDON).date().isoformat()]
        again = send_daily_digests(config, store, at=now + timedelta(days=2))  # the day after: the first's items
        assert [o.line() for o in again] == [f"{DAILY}: sent 5 item(s)"]
    finally:
        store.close()
    first, second, third = (plain(m) for m in server.to(DAILY))
    assert new in second and new not in third and all(t in first and t in third for t in SEED_TITLES)
    assert [status for _, _, _, status in _deliveries(config_file)] == ["superseded", "sent", "sent"]


def test_a_failed_daily_digest_is_carried_by_the_next(digest, daily_config, mailbox, seed_dir):
    mailbox.rcpt_replies[DAILY] = ["451 4.3.0 Mailbox busy, try later", "250 OK"]
    config = daily_config()
    digest("ingest", config=config)
    failed = digest("send", "--daily", config=config)
    assert failed.stdout.splitlines() == [f"{DAILY}: temporary failure (451 4.3.0 Mailbox busy, try later); will "
                                          "retry on the next send"]
    store = Store(config.parent / "data" / "digest.db")
    try:
        tomorrow = send_daily_digests(load_config(config), store, at=datetime.now(UTC) + timedelta(days=1))
    finally:
        store.close()
    assert [o.line() for o in tomorrow] == [f"{DAILY}: sent 5 item(s)"]
    assert [status for _, _, _, status in _deliveries(config)] == ["superseded", "sent"]
    assert "Delivery" not in digest("status", config=config).stdout  # nothing left to report


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
def test_the_daily_email_reads_on_a_phone_and_a_desktop(digest, daily_config, mailbox, seed_dir):
    write_week(seed_dir, 40)  # a busy day: forty releases found since the previous daily digest
    config = daily_config()
    digest("ingest", config=config)
    assert digest("send", "--daily", config=config).exit_code == 0
    page_html = html(mailbox.to(DAILY)[0])
    assert len(page_html.encode("utf-8")) < GMAIL_CLIPS_AT
    artifacts = Path(__file__).resolve().parent.parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with chromium() as browser:
        for width, height in ((390, 844), (1280, 800)):
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            page.route("**/*", lambda route: route.abort())  # an email loads nothing
            page.set_content(page_html)
            assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
            assert page.evaluate("document.querySelector('table table').getBoundingClientRect().width") <= min(width, 640)
            heading = page.locator("h1").bounding_box()
            headline = page.locator("h3").first.bounding_box()  # the first lead story's title
            assert heading and headline and headline["y"] + headline["height"] <= height, width
            assert page.locator("h1").inner_text().startswith("Daily digest, ")
            shot = artifacts / f"email-daily-{width}.png"
            page.screenshot(path=str(shot), full_page=width == 390)
            assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
            page.close()


def test_daily_time_is_local_across_clock_changes(write_config, seed_dir):
    config = load_config(write_config(schedule={"daily": "06:30"}))
    trigger = daily_trigger(config)
    fire = trigger.get_next_fire_time(None, datetime(2027, 3, 27, 12, tzinfo=UTC))
    fires = [fire]
    for _ in range(2):
        fires.append(trigger.get_next_fire_time(fires[-1], fires[-1] + timedelta(seconds=1)))
    assert [f.astimezone(UTC).strftime("%d %H:%M") for f in fires] == ["28 05:30", "29 05:30", "30 05:30"]
    assert fires[0].astimezone(UTC) - datetime(2027, 3, 27, 6, 30, tzinfo=UTC) == timedelta(hours=23)  # BST begins
    assert last_daily_time(config, datetime(2027, 3, 28, 5, 29, tzinfo=UTC)) == datetime(2027, 3, 27, 6, 30,
                                                                                         tzinfo=LONDON)
    assert last_daily_time(config, datetime(2027, 3, 28, 5, 30, tzinfo=UTC)) == datetime(2027, 3, 28, 6, 30,
                                                                                         tzinfo=LONDON)


def test_the_service_sends_the_daily_digest_at_its_time_and_not_again_on_restart(daily_config, mailbox, tmp_path):
    from test_service import _cli, _start, _stop, _wait_for

    now = datetime.now(LONDON)
    due = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    if (due - now).total_seconds() < 20:  # time for the service to start before it is due
        due += timedelta(minutes=1)
    config = daily_config(schedule={"ingest_every": "1h", "digest": "mon 07:00", "daily": f"{due:%H:%M}"},
                          server={"enabled": False})
    assert _cli(config, "ingest").returncode == 0
    first_log, second_log = tmp_path / "run.log", tmp_path / "run2.log"
    service = _start(config, "run", log=first_log)
    try:
        _wait_for(lambda: "daily digest: finished" in first_log.read_text(), 30, "the daily digest due last, on start")
        assert not mailbox.to(DAILY)  # yesterday's, cut before anything was found: nothing new
        _wait_for(lambda: mailbox.to(DAILY), 150, "the daily digest at its time")
        assert datetime.now(LONDON) >= due
        time.sleep(1)
    finally:
        assert _stop(service)[0] == 0
    assert f"daily digest {due.date().isoformat()}: {DAILY}: sent 5 item(s)" in first_log.read_text()
    again = _start(config, "run", log=second_log)
    try:
        _wait_for(lambda: "daily digest: finished" in second_log.read_text(), 30, "the daily digest on restart")
        time.sleep(1)
    finally:
        assert _stop(again)[0] == 0
    assert f"daily digest {due.date().isoformat()}: {DAILY}: nothing new for a daily digest" in second_log.read_text()
    assert len(mailbox.to(DAILY)) == 1 and not mailbox.to(WEEKLY)
