"""Email delivery through a real SMTP server (aiosmtpd on 127.0.0.1) and the delivery ledger."""

from __future__ import annotations

import socket
import sqlite3
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

BEDS = ["Partnership approach needed to tackle serious violence", "Since February, officers from across Bedfordshire"]
CAMBS = ["The Commissioner’s blog – tackling serious violence", "Police and Crime Commissioner Darryl Preston"]
HOSTILE = (' date 2026-11-19 <script>alert(1)</script> Knife arch at Luton station\n'
           'A sign reading "><img src=x onerror=alert(2)> was removed as officers set up a knife arch at Luton station '
           'and seized two knives during a week of action against knife crime. Stabbings in Luton fell this year.\n')


class Recorder:
    """An aiosmtpd handler that records messages and answers RCPT as scripted per address."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.rcpt_replies: dict[str, list[str]] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd calls it by this name
        replies = self.rcpt_replies.get(address)
        if replies:
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for rcpts, message in self.messages if address in rcpts]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def mail_config(write_config, seed_dir, smtp):
    def write(enabled: bool = True, **email):
        return write_config(email={
            "enabled": enabled, "from": "digest@digest.example.org", "unsubscribe": "unsubscribe@digest.example.org",
            "smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none", "timeout": 5},
            "recipients": [{"address": "alice@beds.example.org", "areas": ["Bedfordshire"]},
                           {"address": "bob@cambs.example.org", "areas": ["Cambridgeshire"]}],
            **email,
        })
    return write


def _body(message: EmailMessage, kind: str) -> str:
    return message.get_body(preferencelist=(kind,)).get_content()


def test_each_recipient_gets_one_multipart_message_with_their_items(digest, mail_config, smtp):
    config = mail_config()
    digest("ingest", config=config)
    result = digest("send", "--week", "current", config=config)
    assert result.exit_code == 0, result.output
    assert "alice@beds.example.org: sent 2 item(s)" in result.stdout
    for address, mine, theirs in (("alice@beds.example.org", BEDS, CAMBS), ("bob@cambs.example.org", CAMBS, BEDS)):
        [message] = smtp.to(address)
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
        for part in ("plain", "html"):
            text = " ".join(_body(message, part).split())
            assert all(title in text for title in mine) and not any(title in text for title in theirs)


def test_headers_are_complete_and_safe(digest, mail_config, smtp):
    config = mail_config()
    digest("ingest", config=config)
    digest("send", "--week", "current", config=config)
    message = smtp.to("alice@beds.example.org")[0]
    assert message["From"] == "digest@digest.example.org" and message["To"] == "alice@beds.example.org"
    assert message["Date"] and message["Message-ID"].endswith("@digest.example.org>")
    assert message["Subject"].startswith("Serious violence news digest: week 20") and "W" in message["Subject"]
    assert message["List-Unsubscribe"] == "<mailto:unsubscribe@digest.example.org?subject=unsubscribe>"


def test_a_second_send_sends_nothing(digest, mail_config, smtp):
    config = mail_config()
    digest("ingest", config=config)
    digest("send", "--week", "current", config=config)
    again = digest("send", "--week", "current", config=config)
    assert again.exit_code == 0 and again.stdout.count("nothing new since the last send; not sent") == 2
    assert len(smtp.messages) == 2


def test_only_new_items_follow_a_mid_week_send(digest, mail_config, smtp, seed_dir):
    config = mail_config()
    digest("ingest", config=config)
    digest("send", "--week", "current", config=config)
    (seed_dir / "kempston.txt").write_text(
        " date 2026-11-19 Man charged after Kempston stabbing\nA man has been charged after a teenager was stabbed "
        "in Kempston, Bedfordshire Police said. The knife was recovered nearby.\n", encoding="utf-8")
    digest("ingest", config=config)
    result = digest("send", "--week", "current", config=config)
    assert "alice@beds.example.org: sent 1 item(s)" in result.stdout
    latest = " ".join(_body(smtp.to("alice@beds.example.org")[-1], "plain").split())
    assert "Man charged after Kempston stabbing" in latest and BEDS[0] not in latest
    assert "bob@cambs.example.org: nothing new" in result.stdout


def test_a_temporary_failure_is_delivered_once_on_the_next_send(digest, mail_config, smtp, tmp_path):
    smtp.rcpt_replies["alice@beds.example.org"] = ["451 4.3.0 Mailbox busy, try later", "250 OK"]
    config = mail_config()
    digest("ingest", config=config)
    first = digest("send", "--week", "current", config=config)
    assert first.exit_code == 0
    assert "alice@beds.example.org: temporary failure (451 4.3.0 Mailbox busy, try later); will retry" in first.stdout
    assert not smtp.to("alice@beds.example.org") and len(smtp.to("bob@cambs.example.org")) == 1
    second = digest("send", "--week", "current", config=config)
    assert "alice@beds.example.org: sent 2 item(s)" in second.stdout
    digest("send", "--week", "current", config=config)
    assert len(smtp.to("alice@beds.example.org")) == 1 and len(smtp.to("bob@cambs.example.org")) == 1
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        attempts = db.execute("select attempts, status from deliveries where recipient = 'alice@beds.example.org'").fetchone()
    assert attempts == (2, "sent")


def test_a_permanent_failure_is_recorded_and_reported(digest, mail_config, smtp, tmp_path):
    smtp.rcpt_replies["bob@cambs.example.org"] = ["550 5.1.1 No such user"]
    config = mail_config()
    digest("ingest", config=config)
    result = digest("send", "--week", "current", config=config)
    assert result.exit_code == 1
    assert "bob@cambs.example.org: permanent failure (550 5.1.1 No such user); not retried" in result.stdout
    assert result.output.strip().splitlines()[-1] == "Error: permanent delivery failure for bob@cambs.example.org"
    again = digest("send", "--week", "current", config=config)
    assert "bob@cambs.example.org: not sent: an earlier attempt failed permanently" in again.stdout
    assert len(smtp.rcpt_replies) == 1 and not smtp.to("bob@cambs.example.org")
    with sqlite3.connect(tmp_path / "data" / "digest.db") as db:
        assert db.execute("select status, error from deliveries where recipient like 'bob%'").fetchone() == (
            "failed", "550 5.1.1 No such user")


def test_html_part_is_inlined_and_escapes_hostile_text(digest, mail_config, smtp, seed_dir):
    (seed_dir / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    config = mail_config()
    digest("ingest", config=config)
    digest("send", "--week", "current", config=config)
    html = _body(smtp.to("alice@beds.example.org")[0], "html")
    lowered = html.lower()
    assert "<script" not in lowered and "<style" not in lowered and "<img" not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Knife arch at Luton station" in html
    assert "&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert 'style="' in html and "<table" in lowered  # CSS inlined; a table layout for mail clients
    assert "display: flex" not in lowered and "display: grid" not in lowered
    assert 'href="http://127.0.0.1:8080/index.html"' in html  # links in mail are absolute


def test_dry_run_and_disabled_email_write_to_the_outbox(digest, mail_config, smtp, tmp_path):
    config = mail_config()
    digest("ingest", config=config)
    result = digest("send", "--week", "current", "--dry-run", config=config)
    assert result.exit_code == 0 and not smtp.messages
    outbox = sorted((tmp_path / "data" / "outbox").glob("*.eml"))  # beside the database, not served
    assert [p.name.split("-", 2)[-1] for p in outbox] == ["alice@beds.example.org.eml", "bob@cambs.example.org.eml"]
    message = message_from_bytes(outbox[0].read_bytes(), policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    live = digest("send", "--week", "current", config=config)
    assert "alice@beds.example.org: sent 2 item(s)" in live.stdout  # a dry run records nothing
    disabled = mail_config(enabled=False)
    digest("send", "--week", "current", config=disabled)
    assert len(smtp.messages) == 2


def test_run_once_sends_when_email_is_enabled(digest, mail_config, smtp):
    result = digest("run", "--once", config=mail_config())
    assert result.exit_code == 0 and "alice@beds.example.org: sent 2 item(s)" in result.stdout
    assert len(smtp.messages) == 2


def test_an_unreachable_server_is_a_temporary_failure(digest, write_config, seed_dir):
    config = write_config(email={"enabled": True, "smtp": {"host": "127.0.0.1", "port": _free_port(), "timeout": 2},
                                 "recipients": [{"address": "alice@beds.example.org"}]})
    digest("ingest", config=config)
    result = digest("send", "--week", "current", config=config)
    assert result.exit_code == 0
    assert "alice@beds.example.org: temporary failure (ConnectionRefusedError" in result.stdout


def test_a_quiet_week_still_gets_its_first_email(digest, mail_config, smtp):
    config = mail_config(recipients=[{"address": "carol@example.org", "areas": ["Cumbria"]}])
    digest("ingest", config=config)
    result = digest("send", "--week", "current", config=config)
    assert "carol@example.org: sent 0 item(s)" in result.stdout
    assert "No relevant items" in " ".join(_body(smtp.to("carol@example.org")[0], "plain").split())
    assert "nothing new" in digest("send", "--week", "current", config=config).stdout


def test_a_filtered_copy_counts_only_its_own_stories(digest, mail_config, smtp, seed_dir, tmp_path):
    (seed_dir / "beds-duty.txt").write_text(
        " date 2026-11-18 Bedfordshire partners publish Serious Violence Duty strategy\nPartners in Bedford, Luton "
        "and Central Bedfordshire have published their strategy under the Serious Violence Duty to tackle knife "
        "crime and serious violence.\n", encoding="utf-8")
    config = mail_config()
    digest("ingest", config=config)
    digest("send", "--week", "current", config=config)
    text = " ".join(_body(smtp.to("alice@beds.example.org")[0], "plain").split())
    assert "Where: Bedfordshire 1 " in text and "Cambridgeshire" not in text


def test_the_subject_of_a_week_across_new_year_names_both_years(digest, mail_config, smtp):
    """The subject, the page title and the editions feed write a week's dates by one rule (digest.weeks)."""
    config = mail_config()
    digest("ingest", config=config)
    result = digest("send", "--week", "2026-W01", config=config)
    assert result.exit_code == 0, result.output
    subject = smtp.to("alice@beds.example.org")[0]["Subject"]
    assert " ".join(subject.split()) == "Serious violence news digest: week 2026-W01 (29 December 2025 – 4 January 2026)", subject
