"""Alerts end to end: documents stored by a real ingest into a real SQLite file, emails to aiosmtpd
and webhook POSTs to a real HTTP receiver on 127.0.0.1, the alert ledger across kill -9, and
`alerts test` against an SQL oracle over the archive."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from test_mail import smtp  # noqa: F401 - the aiosmtpd fixture

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synth import write_folder

SECRET = "s3cret-for-tests"
DUTY = "duty@kent.example.org"


# --- documents, in the seeds' shape --------------------------------------------------------------

def write_doc(folder: Path, name: str, *, title: str, area: str, url: str, date: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    head = yaml.safe_dump({"area": area, "publish": {"date": date}, "title": title, "url": url}, sort_keys=True)
    path = folder / f"{name}.txt"
    path.write_text(f"```yaml\n{head}```\n\n{body}\n", encoding="utf-8")
    return path


KENT_SWEEP = {
    "title": "Knife sweep in Margate parks finds 14 blades",
    "area": "Kent", "url": "https://www.kent.police.example.org/news/margate-knife-sweep/", "date": "2 Dec 2026",
    "body": ("Officers and volunteers searched parks and alleyways in Margate on Tuesday as part of a week of action "
          "against knife crime, finding 14 knives hidden in hedges and bins.\n\n"
          "Inspector Dana Whitfield said the sweep was one part of the force's work to cut serious violence: "
          "\"Every knife we take off the street is one that cannot be used to hurt someone.\"\n\n"
          "Anyone with information about people carrying knives in Thanet can call 101 or Crimestoppers "
          "anonymously. Knife surrender bins are also open at police stations in Margate and Ramsgate.")}
KENT_RETOLD = {
    "title": "14 knives found in Margate parks during week of action",
    "area": "Kent", "url": "https://www.thanet-news.example.org/margate-knives-found/", "date": "2 Dec 2026",
    "body": ("Officers and volunteers searched parks and alleyways in Margate on Tuesday as part of a week of action "
          "against knife crime, finding 14 knives hidden in hedges and bins.\n\n"
          "Inspector Dana Whitfield said the sweep was one part of the force's work to cut serious violence: "
          "\"Every knife we take off the street is one that cannot be used to hurt someone.\"")}
LUTON_LINE = {
    "title": "County line supplying crack cocaine to Luton closed",
    "area": "Bedfordshire", "url": "https://www.beds.police.example.org/news/luton-county-line/", "date": "1 Dec 2026",
    "body": ("Detectives have closed a county line that moved crack cocaine and heroin from London to Luton, arresting "
          "three men and safeguarding a 15-year-old boy who had been exploited to carry drugs.\n\n"
          "The line's phone was seized during warrants at two addresses in Luton, where officers also found "
          "cash and a machete. All three men have been charged with drug supply offences.")}
COUNCIL_BUDGET = {
    "title": "Council agrees next year's budget for libraries and parks",
    "area": "Kent", "url": "https://www.kent-council.example.org/news/budget/", "date": "1 Dec 2026",
    "body": ("Councillors agreed the budget for libraries, parks and road repairs at a meeting on Monday evening. "
          "The leader said the plan would keep every library open and resurface forty roads next year.")}


# --- a webhook receiver --------------------------------------------------------------------------

class Receiver:
    """Records each POST (time, headers, body) and answers with scripted statuses (200 once they run out)."""

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0):
        self.posts: list[tuple[float, dict[str, str], bytes]] = []
        self.statuses = list(statuses or [])
        self.delay = delay
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # the answer's headers and body go at once

            def do_POST(self) -> None:  # http.server calls it by this name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.posts.append((time.time(), {k.lower(): v for k, v in self.headers.items()}, body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, _, body in self.posts]


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    made: list[Receiver] = []

    def make(statuses: list[int] | None = None, delay: float = 0.0) -> Receiver:
        made.append(Receiver(statuses, delay))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.fixture
def news(tmp_path: Path) -> Path:
    return tmp_path / "news"


@pytest.fixture
def alert_config(write_config, news: Path, smtp, monkeypatch) -> Callable[..., Path]:  # noqa: F811
    monkeypatch.setenv("DIGEST_TEST_HOOK_SECRET", SECRET)

    def write(rules: list[dict[str, Any]], email_enabled: bool = True) -> Path:
        return write_config(
            sources=[{"name": "news", "kind": "folder", "path": str(news)}],
            email={"enabled": email_enabled, "from": "digest@digest.example.org",
                   "smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none", "timeout": 5}},
            alerts=rules)
    return write


def kent_rule(hook: Receiver | None = None, **changes: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {"name": "Kent knives", "q": "knife*", "areas": ["Kent"], "to": [DUTY]}
    if hook:
        rule["webhook"] = {"url": hook.url, "secret_env": "DIGEST_TEST_HOOK_SECRET"}
    return {**rule, **changes}


def stored(database: Path) -> dict[str, tuple[int, int, datetime]]:
    """url -> (id, cluster, first_seen) of every stored item."""
    with sqlite3.connect(database) as db:
        return {url: (i, cluster, datetime.fromisoformat(seen))
                for i, cluster, url, seen in db.execute("select id, cluster, url, first_seen from items")}


def ledger(database: Path) -> list[tuple[str, int, str, str, int]]:
    with sqlite3.connect(database) as db:
        return db.execute("select rule, item_id, target, status, attempts from alert_deliveries order by id").fetchall()


# --- tests -----------------------------------------------------------------------------------------

def test_a_matching_item_is_emailed_and_posted_within_seconds_of_being_stored(
        digest, alert_config, news, receiver, smtp, tmp_path):  # noqa: F811
    hook = receiver()
    config = alert_config([kent_rule(hook)])
    for name, doc in (("kent", KENT_SWEEP), ("luton", LUTON_LINE), ("budget", COUNCIL_BUDGET)):
        write_doc(news, name, **doc)
    result = digest("run", "--once", config=config)
    assert result.exit_code == 0, result.output
    items = stored(tmp_path / "data" / "digest.db")
    item_id, _, first_seen = items[KENT_SWEEP["url"]]

    [(posted_at, headers, body)] = hook.posts  # the Luton and council stories send nothing
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-digest-signature"] == f"sha256={expected}"
    assert headers["content-type"] == "application/json"
    payload = json.loads(body)
    assert payload["rule"] == "Kent knives" and payload["item"]["id"] == item_id
    assert payload["item"]["title"] == KENT_SWEEP["title"] and payload["item"]["url"] == KENT_SWEEP["url"]
    assert set(payload["item"]) >= {"id", "url", "title", "published", "area", "topics", "figures", "summary"}
    assert posted_at - first_seen.timestamp() < 10

    [message] = smtp.to(DUTY)
    assert len(smtp.messages) == 1
    assert message["Subject"] == f"Alert: Kent knives: {KENT_SWEEP['title']}"
    text = message.get_body(("plain",)).get_content()
    assert KENT_SWEEP["url"] in text and "matching knife* in Kent" in text
    assert f"alert 'Kent knives' item {item_id} to {DUTY}: sent" in result.output
    assert f"alert 'Kent knives' item {item_id} to webhook: sent" in result.output


def test_a_retelling_that_joins_the_story_sends_nothing_more(digest, alert_config, news, receiver, smtp, tmp_path):  # noqa: F811
    hook = receiver()
    config = alert_config([kent_rule(hook)])
    write_doc(news, "kent", **KENT_SWEEP)
    assert digest("ingest", config=config).exit_code == 0
    write_doc(news, "kent-retold", **KENT_RETOLD)
    result = digest("ingest", config=config)
    assert result.exit_code == 0, result.output
    items = stored(tmp_path / "data" / "digest.db")
    assert items[KENT_RETOLD["url"]][1] == items[KENT_SWEEP["url"]][0], "the retelling joined the story"
    assert len(hook.posts) == 1 and len(smtp.to(DUTY)) == 1
    assert "alert" not in result.output


def test_a_webhook_answering_500_then_200_is_delivered_once(digest, alert_config, news, receiver, smtp, tmp_path):  # noqa: F811
    hook = receiver(statuses=[500])
    config = alert_config([kent_rule(hook, to=[])])
    write_doc(news, "kent", **KENT_SWEEP)
    result = digest("ingest", config=config)
    assert result.exit_code == 0, result.output
    first, second = hook.posts
    assert first[2] == second[2] and first[1]["x-digest-delivery"] == second[1]["x-digest-delivery"]
    [(rule, _, target, status, attempts)] = ledger(tmp_path / "data" / "digest.db")
    assert (rule, target, status, attempts) == ("Kent knives", "webhook", "sent", 2)
    assert digest("ingest", config=config).exit_code == 0
    assert len(hook.posts) == 2, "nothing is sent again"


def test_a_webhook_still_failing_is_retried_at_a_later_ingest(digest, alert_config, news, receiver, tmp_path):
    hook = receiver(statuses=[503, 503, 429])
    config = alert_config([kent_rule(hook, to=[])])
    write_doc(news, "kent", **KENT_SWEEP)
    result = digest("ingest", config=config)
    assert "temporary failure (HTTP 429); will retry" in result.output
    database = tmp_path / "data" / "digest.db"
    assert ledger(database)[0][3:] == ("retry", 3)
    assert "Alert 'Kent knives'" in digest("status", config=config).output
    with sqlite3.connect(database) as db:  # its time to retry has come
        db.execute("update alert_deliveries set next_try = '2000-01-01T00:00:00+00:00'")
    result = digest("ingest", config=config)
    assert "to webhook: sent" in result.output
    assert len(hook.posts) == 4 and ledger(database)[0][3] == "sent"


@pytest.mark.parametrize(("url", "reason"), [
    ("http://10.1.2.3/hook", "private"), ("http://169.254.169.254/latest/meta-data/", "link-local"),
])
def test_a_webhook_to_a_private_address_is_refused(digest, alert_config, news, tmp_path, url, reason):
    config = alert_config([kent_rule(None, to=[], webhook={"url": url, "secret_env": "DIGEST_TEST_HOOK_SECRET"})])
    write_doc(news, "kent", **KENT_SWEEP)
    result = digest("ingest", config=config)
    assert "to webhook: permanent failure (not sent:" in result.output and reason in result.output
    assert ledger(tmp_path / "data" / "digest.db")[0][3] == "failed"


def test_a_refused_recipient_is_a_permanent_failure_shown_by_alerts_list(digest, alert_config, news, smtp):  # noqa: F811
    smtp.rcpt_replies[DUTY] = ["550 5.1.1 No such mailbox"]
    config = alert_config([kent_rule()])
    write_doc(news, "kent", **KENT_SWEEP)
    assert "permanent failure (550" in digest("ingest", config=config).output
    listed = digest("alerts", "list", config=config).output
    assert "Kent knives: matching knife* in Kent -> " + DUTY in listed
    assert "1 match(es)" in listed and "1 failed" in listed and "last failure: 550" in listed
    smtp.rcpt_replies.clear()
    resent = digest("alerts", "resend", "Kent knives", config=config)
    assert "1 delivery to send again" in resent.output and f"to {DUTY}: sent" in resent.output
    assert len(smtp.to(DUTY)) == 1


def test_with_email_off_an_alert_is_written_to_the_private_outbox(digest, alert_config, news, tmp_path):
    config = alert_config([kent_rule()], email_enabled=False)
    write_doc(news, "kent", **KENT_SWEEP)
    result = digest("ingest", config=config)
    [written] = (tmp_path / "data" / "outbox").glob("alert-*.eml")
    assert f"written to {written}" in result.output
    assert oct(written.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(("rule", "message"), [
    ({"areas": ["Kentish Town"]}, "alerts[0].areas: unknown area 'Kentish Town'"),
    ({"topics": ["knives"]}, "alerts[0].topics: unknown topic 'knives'"),
    ({"figures": {"guns": 2}}, "alerts[0].figures: unknown figure kind 'guns'"),
    ({"q": "-knife"}, "alerts[0].q: only exclusions"),
    ({"webhook": {"url": "http://127.0.0.1:9/", "secret_env": "DIGEST_NO_SUCH_SECRET"}},
     "alerts[0].webhook.secret_env: the environment variable DIGEST_NO_SUCH_SECRET"),
    ({"webhook": {"url": "ftp://example.org/", "secret_env": "DIGEST_TEST_HOOK_SECRET"}}, "alerts[0].webhook.url"),
    ({"org_kinds": ["army"]}, "alerts[0].org_kinds[0]"),
    ({"min_relevance": 2}, "alerts[0].min_relevance"),
    ({"to": ["not an address"]}, "alerts[0].to[0]"),
])
def test_config_errors_are_one_line_naming_the_key(digest, alert_config, rule, message):
    config = alert_config([kent_rule(None, **rule)])
    result = digest("check", config=config)
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert message in line, line


def test_two_rules_of_one_name_are_an_error(digest, alert_config):
    result = digest("check", config=alert_config([kent_rule(), kent_rule(q="stab*")]))
    assert result.exit_code == 1 and "alerts: two rules are named 'Kent knives'" in result.output


# --- kill -9 at random points ----------------------------------------------------------------------

def test_kill_9_at_random_points_loses_and_repeats_no_alert(alert_config, news, receiver, tmp_path):
    """Twenty runs of `digest ingest`, each given new stories and killed at a random moment (while
    storing or while sending), then one left to finish: every stored matching story has its alert
    delivered once or reported possibly sent, and none arrives twice."""
    hook = receiver(delay=0.03)
    config = alert_config([{"name": "everything", "webhook": {"url": hook.url,
                                                              "secret_env": "DIGEST_TEST_HOOK_SECRET"}}])
    staged = tmp_path / "staged"
    write_folder(staged, 160, seed=19)  # stories, retellings of them, and stories of no relevance
    waiting = sorted(staged.iterdir())
    rng = random.Random(19)
    command = [sys.executable, "-m", "digest", "--config", str(config)]
    env = {**os.environ, "DIGEST_TEST_HOOK_SECRET": SECRET}
    news.mkdir()
    for _ in range(20):
        for path in waiting[:8]:
            path.rename(news / path.name)
        waiting = waiting[8:]
        process = subprocess.Popen([*command, "ingest"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
    finished = subprocess.run([*command, "ingest"], env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr

    database = tmp_path / "data" / "digest.db"
    with sqlite3.connect(database) as db:
        stories = {cluster for (cluster,) in db.execute("select distinct cluster from items where relevant = 1")}
        matched = dict(db.execute("select story, item_id from alert_matches"))
        deliveries = db.execute("select story, status from alert_deliveries").fetchall()
    assert set(matched) == stories and len(stories) > 20, "every story stored matched once"
    statuses = dict(deliveries)
    assert len(deliveries) == len(statuses) == len(stories)
    assert set(statuses.values()) <= {"sent", "possibly-sent"}, "none is lost or left waiting"
    received = [body["item"]["id"] for body in hook.bodies()]
    assert len(received) == len(set(received)), "no alert arrives twice"
    sent = {matched[story] for story, status in statuses.items() if status == "sent"}
    assert sent <= set(received)
    assert set(received) <= set(matched.values())
    possibly = [story for story, status in statuses.items() if status == "possibly-sent"]
    status_out = subprocess.run([*command, "status"], env=env, capture_output=True, text=True, timeout=60).stdout
    assert status_out.count("possibly-sent") == len(possibly), "each possibly sent one is reported"


# --- alerts test against an SQL oracle ---------------------------------------------------------------

# Each rule with the FTS5 expression the oracle matches it by, written out by hand.
ORACLE_RULES = [
    ({"name": "knife", "q": "knife"}, '"knife"'),
    ({"name": "lines in Beds", "q": '"county lines"', "areas": ["Bedfordshire"]}, '"county lines"'),
    ({"name": "arrests not drugs", "q": "arrest* -drugs"}, '"arrest"* NOT "drugs"'),
    ({"name": "seizures", "topics": ["knife_crime"], "figures": {"weapons": 3}}, None),
    ({"name": "commissioners", "org_kinds": ["pcc"], "min_relevance": 0.7}, None),
    ({"name": "teenagers", "q": "teenagers exploited", "topics": ["county_lines", "exploitation"]},
     '"teenagers" AND "exploited"'),
    ({"name": "stabbings", "q": "stab*", "areas": ["Kent", "Merseyside", "West Midlands"]}, '"stab"*'),
    ({"name": "sceptre", "q": '"operation sceptre" -arch', "figures": {"arrests": 2}},
     '"operation sceptre" NOT "arch"'),
    ({"name": "jailed gun", "q": "jailed firearm* -knife"}, '"jailed" AND "firearm"* NOT "knife"'),
]


def _oracle(db: sqlite3.Connection, rule: dict[str, Any], match: str | None) -> list[int]:
    """The first item id of each story the rule matches, by plain SQL over the archive."""
    sql = "select i.id, i.cluster from items i"
    where, params = ["i.relevant = 1", "i.relevance >= ?"], [rule.get("min_relevance", 0)]
    if match:
        sql += " join items_fts f on f.rowid = i.id"
        where.append("items_fts match ?")
        params.append(match)
    for column, key in (("i.area", "areas"), ("i.org_kind", "org_kinds")):
        if rule.get(key):
            where.append(f"{column} in ({','.join('?' * len(rule[key]))})")
            params += rule[key]
    if rule.get("topics"):
        where.append(f"exists (select 1 from item_topics t where t.item_id = i.id and t.topic in "
                     f"({','.join('?' * len(rule['topics']))}))")
        params += rule["topics"]
    for kind, least in rule.get("figures", {}).items():
        where.append("exists (select 1 from figures g where g.item_id = i.id and g.kind = ? and g.value >= ?)")
        params += [kind, least]
    first: dict[int, int] = {}
    for item_id, cluster in db.execute(f"{sql} where {' and '.join(where)} order by i.id", params):
        first.setdefault(cluster, item_id)
    return sorted(first.values())


def test_alerts_test_equals_an_sql_oracle_over_the_archive(digest, write_config, tmp_path):
    write_folder(tmp_path / "archive", 700, seed=23)
    config = write_config(sources=[{"name": "archive", "kind": "folder", "path": str(tmp_path / "archive")}],
                          alerts=[rule for rule, _ in ORACLE_RULES])
    assert digest("ingest", config=config).exit_code == 0
    nonempty = 0
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        for rule, match in ORACLE_RULES:
            result = digest("alerts", "test", rule["name"], "--since", "all", config=config)
            assert result.exit_code == 0, result.output
            listed = sorted(int(i) for i in re.findall(r"^\d{4}-\d\d-\d\d item (\d+): ", result.output, re.M))
            expected = _oracle(db, rule, match)
            assert listed == expected, rule["name"]
            weekly = sum(int(n) for n in re.findall(r"^  \d{4}-W\d\d: (\d+)$", result.output, re.M))
            assert weekly == len(expected) and f"; {len(expected)} stor" in result.output
            nonempty += bool(expected)
        assert db.execute("select count(*) from alert_deliveries").fetchone()[0] == 0, "rules with no target send nothing"
    assert nonempty >= 7, "the rules are not all empty"
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        db.execute("update items set first_seen = '2020-01-06T09:00:00+00:00'")
    aged = digest("alerts", "test", "knife", "--since", "30d", config=config).output
    assert "; 0 stories since" in aged and "item" not in aged.split("\n", 1)[1]
    assert "2020-W02: " in digest("alerts", "test", "knife", "--since", "all", config=config).output
    assert digest("alerts", "test", "nobody", config=config).exit_code == 1


def test_healthz_reports_alert_problems_without_their_targets(digest, alert_config, news, smtp, tmp_path):  # noqa: F811
    from digest.config import load_config
    from digest.server import health
    from digest.service import read_status

    smtp.rcpt_replies[DUTY] = ["550 5.1.1 No such mailbox"]
    config = alert_config([kent_rule()])
    write_doc(news, "kent", **KENT_SWEEP)
    assert digest("ingest", config=config).exit_code == 0
    loaded = load_config(config)
    code, report = health(loaded, lambda: read_status(loaded.database))
    assert code == 200 and report["status"] == "degraded"
    assert report["alert_problems"] == [{"rule": "Kent knives", "status": "failed", "error": "failed"}]
    assert DUTY not in json.dumps(report)


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Kent news</title><link>{base}/</link><description>News</description>
<item><title>{title}</title><link>{base}/news/margate-knife-sweep/</link><guid>{base}/news/margate-knife-sweep/</guid>
<pubDate>Wed, 02 Dec 2026 10:00:00 GMT</pubDate><description><![CDATA[<p>{body}</p>]]></description></item>
</channel></rss>"""


def test_an_item_from_a_feed_alerts_as_it_is_stored(digest, write_config, web, receiver, monkeypatch):
    from conftest import FAST_FETCH
    from webfixture import Reply

    monkeypatch.setenv("DIGEST_TEST_HOOK_SECRET", SECRET)
    hook = receiver()
    feed = FEED.format(base=web.base, title=KENT_SWEEP["title"], body=KENT_SWEEP["body"].replace("\n\n", "</p><p>"))
    web.script("/feed.xml", Reply(200, feed.encode(), {"Content-Type": "application/rss+xml"}))
    config = write_config(sources=[{"name": "kent-feed", "kind": "feed", "url": web.url("/feed.xml"),
                                    "area": "Kent", "org_kind": "police", "full_text": False}],
                          fetch=FAST_FETCH, alerts=[kent_rule(hook, to=[])])
    result = digest("ingest", config=config)
    assert result.exit_code == 0, result.output
    [body] = hook.bodies()
    assert body["item"]["title"] == KENT_SWEEP["title"] and body["item"]["source"] == "kent-feed"
