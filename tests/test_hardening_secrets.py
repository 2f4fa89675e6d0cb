"""Secrets never leave, and the service stays answerable (issue 16, items 6 and 17).

A source's URL may carry credentials (`https://user:pw@host/`) or a key in its query
(`?key=...`): neither appears in a log line, an error, a stored run or request, `status`,
/healthz, an edition, its email or a feed. Public outputs name a failure by its HTTP status
or its kind only; /healthz names no file. Absurd numbers in the config are refused; idle
connections cannot stall /healthz; a closed pipe ends `export` and `status` quietly.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest
import yaml

from digest.config import Config, load_config
from digest.server import BackgroundServer
from digest.service import ingest_step, read_status
from digest.store import Store
from digest.urls import redact, web_url
from webfixture import Reply

USER, PASSWORD, KEY, TOKEN = "USER-SECRET-0", "PW-SECRET-1", "KEY-SECRET-2", "TOKEN-SECRET-3"
SECRETS = (USER, PASSWORD, KEY, TOKEN)
HTML = {"Content-Type": "text/html; charset=utf-8"}
ARTICLE = ("<html><head><title>Man stabbed in Luton</title></head><body><article><h1>Man stabbed in Luton</h1>"
           + "<p>Officers in Luton are appealing for witnesses after a man was stabbed on Dunstable Road. Detectives "
             "investigating the knife crime arrested two men and seized a knife during a search.</p>" * 4
           + "</article></body></html>").encode()


def healthz(port: int) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def serving():
    """The service's HTTP server (digest.server.BackgroundServer) for a config; returns its port."""
    servers: list[BackgroundServer] = []

    def start(config: Config) -> int:
        server = BackgroundServer(config, partial(read_status, config.database), "127.0.0.1", 0)
        server.start()
        servers.append(server)
        return int(server.server.effective_port)

    yield start
    for server in servers:
        server.stop()


# --- the redaction rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "shown"), [
    ("https://user:pw@host.example/path?key=SECRET", "https://***@host.example/path?key=***"),
    ("http://token@host/a?x=1&y=2#top", "http://***@host/a?x=***&y=***#top"),
    ("failed: https://u:p@h:8080/feed?SECRET (HTTP 500).", "failed: https://***@h:8080/feed?*** (HTTP 500)."),
    ("https://host/news/2026/a/", "https://host/news/2026/a/"),
    ("https://***@host/path?key=***", "https://***@host/path?key=***"),
])
def test_redact_hides_user_info_and_query_values(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_a_link_shown_to_readers_has_no_credentials() -> None:
    assert web_url("https://user:pw@host.example/news/a?id=7") == "https://host.example/news/a?id=7"


# --- a failing private source, end to end ----------------------------------------------------------


def _private_sources(web) -> list[dict]:
    secret = f"http://{USER}:{PASSWORD}@{web.host}"
    return [
        {"name": "seeds", "kind": "folder", "path": "seeds"},
        {"name": "broken", "kind": "webpage", "url": f"{secret}/private/?key={KEY}", "area": "Bedfordshire"},
        {"name": "locked", "kind": "feed", "url": f"{secret}/feed.xml?token={TOKEN}"},
        {"name": "members", "kind": "webpage", "url": f"{secret}/members/news/?key={KEY}", "area": "Bedfordshire"},
    ]


def _files_holding_secrets(root: Path, config_file: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path != config_file and "seeds" not in path.parts:
            data = path.read_bytes()
            found += [f"{path.relative_to(root)}: {secret}" for secret in SECRETS if secret.encode() in data]
    return found


def test_source_secrets_appear_nowhere(web, web_config, seed_dir, digest, serving, tmp_path: Path) -> None:
    web.script(f"/private/?key={KEY}", Reply(500, b"<html>Internal error; your key " + KEY.encode() + b"</html>", HTML))
    web.script(f"/feed.xml?token={TOKEN}", Reply(403, b"forbidden", HTML))
    web.script(f"/members/news/?key={KEY}",
               Reply(200, b'<html><body><a href="/members/news/2026/stabbing/">story</a></body></html>', HTML))
    web.script("/members/news/2026/stabbing/", Reply(200, ARTICLE, HTML))
    config = web_config(*_private_sources(web))
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["email"] = {"recipients": [{"address": "partners@example.org"}]}  # disabled: send writes the outbox
    config.write_text(yaml.safe_dump(data), encoding="utf-8")

    run = digest("-v", "run", "--once", config=config)
    assert run.exit_code == 0, run.output
    sent = digest("send", "--week", "current", config=config)
    status = digest("status", config=config)
    checked = digest("check", config=config)
    port = serving(load_config(config))
    code, body = healthz(port)

    assert web.seen(f"/private/?key={KEY}") and web.seen(f"/feed.xml?token={TOKEN}")  # asked with the key
    said = run.stdout + run.stderr + sent.output + status.output + checked.output + body.decode()
    assert [secret for secret in SECRETS if secret in said] == []
    assert "HTTP Request: GET" in run.stderr  # httpx's own log lines were there, and hid them too
    assert f"broken: FAILED: http://***@{web.host}/private/?key=***" in run.stdout
    assert f"http://***@{web.host}/private/?key=***" in status.output

    database = sqlite3.connect(tmp_path / "data" / "digest.db")
    runs = database.execute("select source, error from runs where error is not null order by source").fetchall()
    urls = [row[0] for row in database.execute("select url from fetch_log")]
    database.close()
    assert [source for source, _ in runs] == ["broken", "locked"]
    assert all("***@" in error for _, error in runs)
    assert f"http://***@{web.host}/feed.xml?token=***" in urls and f"http://***@{web.host}/robots.txt" in urls
    assert sent.exit_code == 0 and list(tmp_path.rglob("*.eml")), sent.output  # the email was written
    assert _files_holding_secrets(tmp_path, config) == []  # the database, the edition, feeds and outbox

    # Public outputs name the source and its status, not the error's words (or the URL at all).
    health = json.loads(body)
    assert code == 200 and {s["name"]: s["last_error"] for s in health["failing_sources"]} == {
        "broken": "HTTP 500", "locked": "HTTP 403"}
    edition = next((tmp_path / "out" / "digests").glob("*.txt")).read_text(encoding="utf-8")
    page = next((tmp_path / "out" / "digests").glob("*.html")).read_text(encoding="utf-8")
    for shown in (edition, page):
        assert "last error: HTTP 500" in shown and "last error: HTTP 403" in shown
        assert "gave up after" not in shown and web.host + "/private" not in shown
    feed = (tmp_path / "out" / "feed.xml").read_text(encoding="utf-8")
    assert f"http://{web.host}/members/news/2026/stabbing/" in feed  # the item's link, without credentials


def test_healthz_names_no_file(digest, config_path: Path, seed_dir: Path, serving, tmp_path: Path) -> None:
    assert digest("ingest").exit_code == 0
    config = load_config(config_path)
    shutil.rmtree(seed_dir)  # the folder goes while the service runs
    store = Store(config.database)
    try:
        [summary] = ingest_step(config, store)
    finally:
        store.close()
    assert str(seed_dir) in (summary.error or "")
    port = serving(config)
    code, body = healthz(port)
    assert code == 200 and json.loads(body)["failing_sources"][0]["name"] == "seeds"
    assert str(tmp_path) not in body.decode() and "/tmp" not in body.decode()

    (tmp_path / "data" / "digest.db").write_bytes(b"not a database " * 500)
    code, body = healthz(port)
    assert code == 503 and json.loads(body)["status"] == "error"
    assert str(tmp_path) not in body.decode() and "digest.db" not in body.decode()


# --- absurd numbers in the config ----------------------------------------------------------------


@pytest.mark.parametrize(("key", "value"), [
    ("fetch.timeout", ".inf"), ("fetch.timeout", ".nan"), ("fetch.timeout", "-5"), ("fetch.timeout", "1.0e+12"),
    ("fetch.per_host_delay", "-.inf"), ("fetch.max_bytes", "1000000000000"), ("fetch.backoff", ".nan"),
    ("fetch.max_retry_after", ".inf"), ("schedule.ingest_every", ".inf"), ("schedule.ingest_every", ".nan"),
    ("schedule.ingest_every", "100000d"), ("email.smtp.timeout", ".inf"), ("digest.backfill_days", "10000000"),
])
def test_check_refuses_infinite_or_absurd_numbers(key: str, value: str, digest, write_config) -> None:
    section, _, rest = key.partition(".")
    nested = f"{section}:\n  " + ("smtp:\n    " if rest.startswith("smtp.") else "") + f"{rest.split('.')[-1]}: {value}\n"
    config = write_config()
    config.write_text(config.read_text(encoding="utf-8") + nested, encoding="utf-8")
    for command in ("check", "status"):  # refused by `check`, and by every command as the config loads
        result = digest(command, config=config)
        assert result.exit_code == 1
        lines = result.output.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and f" {key}: " in lines[0], result.output


def test_a_source_schedule_of_nan_is_refused(digest, write_config) -> None:
    config = write_config(sources=[{"name": "seeds", "kind": "folder", "path": "seeds", "every": float("nan")}])
    result = digest("check", config=config)
    assert result.exit_code == 1 and "sources[0].every: " in result.output


# --- the HTTP server under idle connections --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_idle_connections_do_not_stall_healthz(digest, config_path: Path) -> None:
    assert digest("ingest").exit_code == 0
    port = _free_port()
    command = [sys.executable, "-m", "digest", "--config", str(config_path), "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    idle: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert healthz(port)[0] == 200
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "digest serve did not start"
                time.sleep(0.1)
        idle += [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(150)]
        time.sleep(0.5)  # let the server take them all in
        started = time.monotonic()
        code, body = healthz(port)
        assert code == 200 and json.loads(body)["database"] == "ok"
        assert time.monotonic() - started < 5
    finally:
        for connection in idle:
            connection.close()
        process.terminate()
        process.communicate(timeout=10)


# --- a closed pipe -----------------------------------------------------------------------------------


def _many_documents(folder: Path, count: int) -> None:
    for n in range(count):
        (folder / f"extra-{n:03d}.txt").write_text(
            f"Knife arrests in Luton, week {n}\n\n" + (
                f"Bedfordshire Police arrested {n + 2} people and seized knives in Luton on operation {n}. "
                "Officers said the knife crime operation would continue across the county. ") * 6,
            encoding="utf-8")


def test_export_into_head_exits_quietly(digest, config_path: Path, seed_dir: Path) -> None:
    _many_documents(seed_dir, 150)
    assert digest("ingest").exit_code == 0
    command = [sys.executable, "-m", "digest", "--config", str(config_path), "export"]
    exporter = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.Popen(["head", "-1"], stdin=exporter.stdout, stdout=subprocess.PIPE)
    assert exporter.stdout is not None
    exporter.stdout.close()  # head alone reads the pipe
    first, _ = head.communicate(timeout=60)
    assert exporter.stderr is not None
    errors = exporter.stderr.read()
    exporter.wait(timeout=60)
    assert json.loads(first)["id"]
    assert exporter.returncode == 0 and errors == b"", errors.decode()


def test_status_into_a_closed_pipe_exits_quietly(digest, config_path: Path) -> None:
    assert digest("ingest").exit_code == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line
    command = [sys.executable, "-m", "digest", "--config", str(config_path), "status"]
    result = subprocess.run(command, stdout=write_end, stderr=subprocess.PIPE, timeout=60, check=False)
    os.close(write_end)
    assert result.returncode == 0 and result.stderr == b"", result.stderr.decode()
