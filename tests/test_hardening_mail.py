"""Email under faults (issue 16, items 4, 5 and 12), against aiosmtpd on 127.0.0.1 and a real SQLite file:
who a refusal is charged to, UTF-8 passwords, `send --retry-failed`, a ledger that records the attempt
before DATA (so nothing is sent twice when the ledger cannot be written), and a private outbox."""

from __future__ import annotations

import asyncio
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from test_mail import Recorder, _free_port

ALICE, BOB = "alice@beds.example.org", "bob@cambs.example.org"
PASSWORD = "hünter2-ключ-🔑"


class Scripted(Recorder):
    """aiosmtpd answering MAIL FROM, DATA and AUTH as a test scripts it (then normally)."""

    def __init__(self) -> None:
        super().__init__()
        self.mail_replies: list[str] = []  # answers to the next MAIL FROM commands
        self.data_replies: list[str] = []  # answers to the next whole messages (after DATA)
        self.mail_commands = 0
        self.logins: list[bytes] = []  # the passwords offered, as the bytes that arrived
        self.password: bytes | None = None  # the one accepted (None: AUTH is not checked)
        self.at_rcpt: Callable[[str], None] | None = None  # runs at each RCPT TO, before the answer
        self.at_data: Callable[[Any], None] | None = None  # runs when a message has arrived, before the answer
        self.hang_up = 0  # messages after which the connection is closed instead of answered

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # aiosmtpd calls it by this name
        self.mail_commands += 1
        if self.mail_replies:
            return self.mail_replies.pop(0)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd calls it by this name
        if self.at_rcpt:
            self.at_rcpt(address)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        if self.data_replies:
            return self.data_replies.pop(0)
        await super().handle_DATA(server, session, envelope)  # kept: from here on it is delivered
        if self.hang_up:
            self.hang_up -= 1
            server.transport.close()  # delivered, but the answer never leaves
        if self.at_data:
            await asyncio.get_running_loop().run_in_executor(None, self.at_data, envelope)
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.logins.append(auth_data.password)
        return AuthResult(success=auth_data.password == self.password, handled=False)


@pytest.fixture
def server() -> Iterator[Scripted]:
    handler = Scripted()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), authenticator=handler.authenticate,
                            auth_require_tls=False)
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def mail(write_config, seed_dir, server) -> Callable[..., Path]:
    def write(smtp: dict[str, Any] | None = None, **overrides: Any) -> Path:
        return write_config(email={
            "enabled": True, "from": "digest@digest.example.org",
            "smtp": {"host": "127.0.0.1", "port": server.port, "security": "none", "timeout": 5, **(smtp or {})},
            "recipients": [{"address": ALICE, "areas": ["Bedfordshire"]}, {"address": BOB, "areas": ["Cambridgeshire"]}],
        }, **overrides)
    return write


def _deliveries(db: Path) -> dict[str, tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        return {r: (s, e) for r, s, e in conn.execute("select recipient, status, error from deliveries")}


def _error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


# --- item 4: a refusal is charged to whoever it refuses ----------------------------------------


@pytest.mark.parametrize("reply", ["550 5.7.1 Sender not allowed", "554 5.7.1 Relay access denied",
                                   "530 5.7.0 Authentication required"])
def test_a_refused_sender_fails_the_send_and_every_recipient_is_retried(digest, mail, server, tmp_path, reply):
    config = mail()
    digest("ingest", config=config)
    server.mail_replies = [reply] * 5
    first = digest("send", "--week", "current", config=config)
    assert first.exit_code == 1
    assert _error_lines(first.output) == [f"Error: the mail server refused the send ({reply}); check email.from and "
                                          "email.smtp; every recipient not sent to will be retried on the next send"]
    assert server.mail_commands == 1  # not asked again for each recipient
    assert _deliveries(tmp_path / "data" / "digest.db") == {ALICE: ("retry", reply), BOB: ("retry", reply)}
    server.mail_replies = []
    second = digest("send", "--week", "current", config=config)
    assert second.exit_code == 0, second.output
    assert f"{ALICE}: sent 2 item(s)" in second.stdout and f"{BOB}: sent 2 item(s)" in second.stdout
    assert len(server.to(ALICE)) == len(server.to(BOB)) == 1


def test_a_refused_message_after_data_is_retried_not_a_permanent_failure(digest, mail, server, tmp_path):
    config = mail()
    digest("ingest", config=config)
    server.data_replies = ["554 5.6.0 Message content rejected"]
    first = digest("send", "--week", "current", config=config)
    assert first.exit_code == 1
    assert f"{ALICE}: not sent: the mail server refused the message (554 5.6.0 Message content rejected)" in first.stdout
    assert _deliveries(tmp_path / "data" / "digest.db")[ALICE] == ("retry", "554 5.6.0 Message content rejected")
    assert len(server.to(BOB)) == 1  # the next message was accepted
    second = digest("send", "--week", "current", config=config)
    assert f"{ALICE}: sent 2 item(s)" in second.stdout and f"{BOB}: nothing new" in second.stdout
    assert len(server.to(ALICE)) == len(server.to(BOB)) == 1


def test_a_refused_login_fails_the_send_once_and_is_retried(digest, mail, server, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "not-the-password")
    server.password = b"the-password"
    config = mail(smtp={"username": "digest"})
    digest("ingest", config=config)
    first = digest("send", "--week", "current", config=config)
    assert first.exit_code == 1
    assert _error_lines(first.output) == [
        "Error: the mail server refused the send (535 5.7.8 Authentication credentials invalid); check email.from "
        "and email.smtp; every recipient not sent to will be retried on the next send"]
    assert len(server.logins) == 1  # one refused login, not one per recipient
    assert {s for s, _ in _deliveries(tmp_path / "data" / "digest.db").values()} == {"retry"}
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "the-password")
    second = digest("send", "--week", "current", config=config)
    assert second.exit_code == 0 and len(server.messages) == 2


def test_only_a_refused_recipient_fails_permanently_and_retry_failed_clears_it(digest, mail, server, tmp_path):
    server.rcpt_replies[BOB] = ["550 5.1.1 No such user", "250 OK"]
    config = mail()
    digest("ingest", config=config)
    first = digest("send", "--week", "current", config=config)
    assert first.exit_code == 1 and f"{BOB}: permanent failure (550 5.1.1 No such user); not retried" in first.stdout
    assert f"{ALICE}: sent 2 item(s)" in first.stdout
    assert "earlier attempt failed permanently" in digest("send", "--week", "current", config=config).stdout
    retried = digest("send", "--week", "current", "--retry-failed", config=config)
    assert retried.exit_code == 0, retried.output
    assert f"Cleared the recorded failure of {BOB} for week" in retried.stdout
    assert f"{BOB}: sent 2 item(s)" in retried.stdout and f"{ALICE}: nothing new" in retried.stdout
    assert len(server.to(BOB)) == len(server.to(ALICE)) == 1


def test_a_non_ascii_password_is_sent_as_utf8(digest, mail, server, monkeypatch):
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", PASSWORD)
    server.password = PASSWORD.encode("utf-8")
    config = mail(smtp={"username": "digest-ünïcode"})
    digest("ingest", config=config)
    result = digest("send", "--week", "current", config=config)
    assert result.exit_code == 0, result.output
    assert server.logins == [PASSWORD.encode("utf-8")] and len(server.messages) == 2


def test_a_refused_non_ascii_password_gives_one_line_that_reveals_nothing(digest, mail, server, monkeypatch, capfd):
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", PASSWORD)
    server.password = b"something else"
    config = mail(smtp={"username": "digest"})
    digest("ingest", config=config)
    result = digest("send", "--week", "current", config=config)
    assert result.exit_code == 1
    assert len(_error_lines(result.output)) == 1 and "535" in _error_lines(result.output)[0]
    seen = result.output + "".join(capfd.readouterr())
    assert not any(piece in seen for piece in ("hünter", "ключ", "🔑", "\\xfc", "u00fc", "hunter"))
    assert "Traceback" not in seen


# --- item 5: the attempt is recorded before DATA; nothing is sent twice -------------------------


def test_the_attempt_is_recorded_durably_before_data_with_its_message_id(digest, mail, server, tmp_path):
    db = tmp_path / "data" / "digest.db"
    rows_at_data: list[tuple[str, str, str]] = []

    def look(envelope: Any) -> None:  # another connection, as a crash would leave the file
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            rows_at_data.extend(conn.execute("select recipient, status, message_id from deliveries "
                                             "where recipient = ?", [envelope.rcpt_tos[0]]))

    config = mail()
    digest("ingest", config=config)
    server.at_data = look
    assert digest("send", "--week", "current", config=config).exit_code == 0
    ids = {address: server.to(address)[0]["Message-ID"].strip() for address in (ALICE, BOB)}
    assert rows_at_data == [(ALICE, "possibly-sent", ids[ALICE]), (BOB, "possibly-sent", ids[BOB])]
    assert _deliveries(db) == {ALICE: ("sent", None), BOB: ("sent", None)}


def test_a_crash_after_data_is_reported_as_possibly_sent_and_not_sent_again(digest, mail, server, tmp_path):
    arrived, release = threading.Event(), threading.Event()

    def hold(envelope: Any) -> None:
        arrived.set()
        release.wait(30)

    config = mail()
    digest("ingest", config=config)
    server.at_data = hold
    sender = subprocess.Popen([sys.executable, "-m", "digest", "--config", str(config), "send", "--week", "current"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert arrived.wait(60), "the message never arrived"
        sender.send_signal(signal.SIGKILL)  # dies after handing the message over, before the answer
        sender.wait(timeout=10)
    finally:
        release.set()
    time.sleep(0.5)
    server.at_data = None
    assert len(server.to(ALICE)) == 1  # the server kept it
    again = digest("send", "--week", "current", config=config)
    message_id = server.to(ALICE)[0]["Message-ID"].strip()
    assert (f"{ALICE}: possibly sent: an attempt (Message-ID {message_id}) has no recorded result; not sent again "
            "(after checking the mailbox, send --retry-failed sends it)") in again.stdout
    assert f"{BOB}: sent 2 item(s)" in again.stdout
    assert len(server.to(ALICE)) == 1
    asked = digest("send", "--week", "current", "--retry-failed", config=config)
    assert f"{ALICE}: sent 2 item(s)" in asked.stdout and len(server.to(ALICE)) == 2


def test_a_connection_lost_after_the_message_was_handed_over_is_possibly_sent(digest, mail, server):
    config = mail()
    digest("ingest", config=config)
    server.hang_up = 1
    first = digest("send", "--week", "current", config=config)
    assert f"{ALICE}: possibly sent: no answer after the message was handed over (SMTPServerDisconnected" \
        in first.stdout
    assert f"{BOB}: sent 2 item(s)" in first.stdout  # on a new connection
    status = digest("status", config=config)
    assert "to alice@beds.example.org: possibly-sent (no answer after the message was handed over" in status.stdout
    assert "possibly sent" in digest("send", "--week", "current", config=config).stdout
    assert len(server.to(ALICE)) == 1


class SmallDisk:
    """Where the database lives, and a way to make its writes fail as a full disk makes them.

    A 6 MB tmpfs when this machine lets us mount one (a real file system that fills up). Where it
    does not (a container without the right), the failure is injected at the store's boundary in
    the database itself: triggers on the delivery ledger that abort with SQLite's own message.
    """

    def __init__(self, folder: Path, mounted: bool):
        self.folder, self.mounted = folder, mounted
        self._fillers: list[Path] = []

    def fill(self) -> None:
        if self.mounted:
            self._fillers.append(_fill(self.folder))
            return
        with sqlite3.connect(self.folder / "digest.db") as db:
            for event in ("insert", "update"):
                db.execute(f"create trigger full_{event} before {event} on deliveries "
                           "begin select raise(abort, 'database or disk is full'); end")

    def free(self) -> None:
        for filler in self._fillers:
            filler.unlink(missing_ok=True)
        if not self.mounted:
            with sqlite3.connect(self.folder / "digest.db") as db:
                db.execute("drop trigger if exists full_insert")
                db.execute("drop trigger if exists full_update")


def _fill(folder: Path) -> Path:
    filler = folder / f"filler-{time.monotonic_ns()}"
    try:
        with open(filler, "wb") as handle:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
    except OSError:  # full (even opening a file can find no room)
        pass
    return filler


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    try:
        yield SmallDisk(mount, mounted=done.returncode == 0)
    finally:
        if done.returncode == 0:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_after_data_is_one_error_line_and_the_mail_is_not_sent_again(digest, mail, server, small_disk):
    # Why a full file system: it makes the ledger's own write fail at the store's boundary (SQLite
    # reports "database or disk is full"), right after the server has accepted the message.
    config = mail(database=str(small_disk.folder / "digest.db"))
    assert digest("ingest", config=config).exit_code == 0
    server.at_data = lambda envelope: small_disk.fill()
    result = digest("send", "--week", "current", config=config)
    server.at_data = None
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(server.to(ALICE)) == 1
    [line] = _error_lines(result.output)
    assert line.startswith(f"Error: {ALICE}: sent, but the delivery ledger could not record it (")
    assert "full" in line and "it will not be sent again unless asked (send --retry-failed)" in line
    small_disk.free()
    again = digest("send", "--week", "current", config=config)
    assert f"{ALICE}: possibly sent" in again.stdout and f"{BOB}: sent 2 item(s)" in again.stdout
    assert len(server.to(ALICE)) == 1


def test_a_ledger_that_cannot_record_the_attempt_sends_nothing(digest, mail, server, small_disk):
    # Why a full file system: the attempt cannot be written before DATA, so the message must not go.
    config = mail(database=str(small_disk.folder / "digest.db"))
    assert digest("ingest", config=config).exit_code == 0
    server.at_rcpt = lambda address: small_disk.fill()  # after the database was opened
    result = digest("send", "--week", "current", config=config)
    server.at_rcpt = None
    assert result.exit_code == 1 and "Traceback" not in result.output and not server.messages
    [line] = _error_lines(result.output)
    assert line.startswith(f"Error: {ALICE}: not sent: the delivery ledger could not record the attempt (")
    small_disk.free()
    later = digest("send", "--week", "current", config=config)
    assert later.exit_code == 0 and len(server.to(ALICE)) == len(server.to(BOB)) == 1


# --- item 12: the outbox is private ------------------------------------------------------------


def test_the_outbox_is_written_beside_the_database_and_never_served(digest, mail, server, tmp_path):
    import waitress
    from waitress import wasyncore

    from digest.config import load_config
    from digest.server import make_app
    from digest.service import read_status
    from test_serve import request

    config_file = mail()
    assert digest("ingest", config=config_file).exit_code == 0
    assert digest("build", "--week", "current", config=config_file).exit_code == 0
    dry = digest("send", "--week", "current", "--dry-run", config=config_file)
    assert dry.exit_code == 0, dry.output
    outbox = tmp_path / "data" / "outbox"
    written = sorted(outbox.glob("*.eml"))
    assert [p.name.split("-", 2)[-1] for p in written] == [f"{ALICE}.eml", f"{BOB}.eml"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in written)
    assert not list((tmp_path / "out").rglob("*.eml"))
    assert message_from_bytes(written[0].read_bytes(), policy=policy.default)["To"] == ALICE
    # An outbox left inside out/ by an older version is not served either.
    (tmp_path / "out" / "outbox").mkdir()
    shutil.copy(written[0], tmp_path / "out" / "outbox" / written[0].name)
    shutil.copy(written[0], tmp_path / "out" / "stray.EML")
    config = load_config(config_file)
    site = waitress.create_server(make_app(config, partial(read_status, config.database)), host="127.0.0.1", port=0)
    thread = threading.Thread(target=site.run, daemon=True)
    thread.start()
    try:
        port = site.effective_port
        assert request(port, "/index.html")[0] == 200
        for path in (f"/outbox/{written[0].name}", "/stray.EML", f"/../data/outbox/{written[0].name}"):
            assert request(port, path)[0] == 404, path
    finally:
        site.trigger.pull_trigger(lambda: wasyncore.close_all(site._map, ignore_all=True))
        site.task_dispatcher.shutdown()
        thread.join(timeout=5)
