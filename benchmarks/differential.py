"""Differential check: does this working tree write exactly what another revision writes?

    python benchmarks/differential.py [--base REV] [--keep DIR]

Runs the `digest` command of two revisions on the same inputs: the base revision (default
HEAD, checked out in a temporary git worktree) and this working tree. Each run uses the
same folder, the same fixture web server on 127.0.0.1 and the same clock, frozen by
libfaketime (Debian's `faketime`) at fixed moments, so that the two runs can be compared
byte for byte. The scenario, the same for both:

  Wed 2026-11-11  ingest the seeds, a police-platform listing (2 pages) and a commissioner feed
  Wed 2026-11-18  ingest the labelled set (tests/eval/docs: worker processes) and an Atom feed
  Thu 2026-11-19  edit one labelled document, copy another under a new name, delete a third;
                  ingest everything again (conditional requests answered 304)
  Tue 2026-11-24  build weeks 2026-W46, 2026-W47 and the current week; send W46 and W47 as
                  a dry run to three recipients (one unfiltered, one by area, one by topic);
                  export, export --relevant-only, status, check; serve and ask /healthz

Compared: every command's output and exit code, every file under out/ (pages, text
editions, feeds), the outbox's .eml files (under out/ or beside the database) with their
random MIME boundaries and Message-ID made equal, and every table of the database (fetch
durations and file times left out).
Exit code 0 when they are identical; otherwise the first differences are printed.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from webfixture import FixtureServer

WORK = Path(tempfile.gettempdir()) / "digest-differential"  # the same path in both runs
SKIPPED_COLUMNS = {"fetch_log": {"duration_ms"}, "files": {"mtime_ns", "seen_at"}}
RSS = {"/feed/": "application/rss+xml; charset=UTF-8", "/atom/feed.xml": "application/atom+xml"}


def config_text(web: FixtureServer) -> str:
    sources = [
        {"name": "seeds", "kind": "folder", "path": "input/seeds"},
        {"name": "eval", "kind": "folder", "path": "input/eval"},
        {"name": "police", "kind": "webpage", "url": web.url("/news/bedfordshire/news/"), "area": "Bedfordshire",
         "org": "Bedfordshire Police", "org_kind": "police", "max_pages": 3},
        {"name": "pcc", "kind": "feed", "url": web.url("/feed/"), "full_text": True, "area": "Bedfordshire",
         "org_kind": "pcc"},
        {"name": "paper", "kind": "feed", "url": web.url("/atom/feed.xml"), "org_kind": "news"},
    ]
    recipients = [{"address": "all@example.org"}, {"address": "beds@example.org", "areas": ["Bedfordshire"]},
                  {"address": "knives@example.org", "topics": ["knife_crime"]}]
    config = {"database": "data/digest.db", "output_dir": "out", "sources": sources,
              "fetch": {"per_host_delay": 0, "retries": 0, "contact": "https://digest.example.org/contact"},
              "email": {"enabled": False, "from": "digest@example.org", "recipients": recipients}}
    return json.dumps(config, indent=1)  # JSON is YAML


def steps() -> list[tuple[str, list[str]]]:
    """(frozen UTC time, digest arguments or a file operation) in order."""
    return [
        ("2026-11-11 10:00:00", ["ingest", "--source", "seeds"]),
        ("2026-11-11 10:00:00", ["ingest", "--source", "police"]),
        ("2026-11-11 10:00:00", ["ingest", "--source", "pcc"]),
        ("2026-11-18 10:00:00", ["ingest", "--source", "eval"]),
        ("2026-11-18 10:00:00", ["ingest", "--source", "paper"]),
        ("2026-11-19 10:00:00", ["@mutate"]),
        *[("2026-11-19 10:00:00", ["ingest", "--source", name]) for name in ("seeds", "eval", "police", "pcc", "paper")],
        ("2026-11-24 09:00:00", ["build", "--week", "2026-W46"]),
        ("2026-11-24 09:00:00", ["build", "--week", "2026-W47"]),
        ("2026-11-24 09:00:00", ["build"]),
        ("2026-11-24 09:00:00", ["build", "--week", "current"]),
        ("2026-11-24 09:00:00", ["send", "--week", "2026-W46", "--dry-run"]),
        ("2026-11-24 09:00:00", ["send", "--week", "2026-W47", "--dry-run"]),
        ("2026-11-24 09:00:00", ["export"]),
        ("2026-11-24 09:00:00", ["export", "--relevant-only"]),
        ("2026-11-24 09:00:00", ["status"]),
        ("2026-11-24 09:00:00", ["check"]),
        ("2026-11-24 09:00:00", ["@healthz"]),
    ]


def mutate(work: Path) -> str:
    docs = sorted((work / "input" / "eval").iterdir())
    edited, copied, deleted = docs[3], docs[10], docs[20]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\nOfficers thanked residents for their help.\n",
                      encoding="utf-8")
    shutil.copy(copied, copied.with_name("copy-of-" + copied.name))
    deleted.unlink()
    return f"edited {edited.name}, copied {copied.name}, deleted {deleted.name}\n"


def digest_env(code: Path, moment: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(code), "TZ": "UTC", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
           "FAKETIME_NO_CACHE": "1", "PYTHONHASHSEED": "0"}
    env.pop("DIGEST_CONFIG", None)
    return env


def run_digest(code: Path, moment: str, args: list[str]) -> str:
    command = ["faketime", "-m", "-f", moment, sys.executable, "-c", "from digest.cli import main; main()", "--config",
               str(WORK / "config.yaml"), *args]
    done = subprocess.run(command, cwd=WORK, env=digest_env(code, moment), capture_output=True, text=True,
                          timeout=600)
    return f"$ digest {' '.join(args)}\nexit {done.returncode}\n{done.stdout}{_stderr_lines(done.stderr)}"


def _stderr_lines(stderr: str) -> str:
    """Warnings, without the traceback lines and paths that name the revision's folder."""
    return "".join(f"stderr: {line}\n" for line in stderr.splitlines() if not line.startswith("  "))


def healthz(code: Path, moment: str) -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = ["faketime", "-m", "-f", moment, sys.executable, "-c", "from digest.cli import main; main()", "--config",
               str(WORK / "config.yaml"), "serve", "--port", str(port)]
    server = subprocess.Popen(command, cwd=WORK, env=digest_env(code, moment), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
                    return "$ GET /healthz\n" + reply.read().decode("utf-8") + "\n"
            except OSError:
                time.sleep(0.1)
        return "$ GET /healthz\nno answer\n"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # faketime and the server it started
        server.wait(timeout=10)


def run_scenario(code: Path, web: FixtureServer) -> dict[str, bytes]:
    """Run every step with `code` on a fresh copy of the inputs; return what it wrote, by name."""
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "input").mkdir(parents=True)
    shutil.copytree(ROOT / "seeds", WORK / "input" / "seeds")
    shutil.copytree(ROOT / "tests" / "eval" / "docs", WORK / "input" / "eval")
    (WORK / "config.yaml").write_text(config_text(web), encoding="utf-8")
    transcript = []
    for moment, args in steps():
        if args == ["@mutate"]:
            transcript.append(mutate(WORK))
        elif args == ["@healthz"]:
            transcript.append(healthz(code, moment))
        else:
            transcript.append(run_digest(code, moment, args))
    outputs = {"transcript": "".join(transcript).encode("utf-8")}
    for path in sorted((WORK / "out").rglob("*")):
        if path.is_file():
            outputs["out/" + path.relative_to(WORK / "out").as_posix()] = normalise(path.read_bytes())
    for path in sorted((WORK / "data" / "outbox").glob("*.eml")):  # the outbox beside the database
        outputs["out/outbox/" + path.name] = normalise(path.read_bytes())  # where revisions before 733fd94 kept it
    outputs.update(database_tables(WORK / "data" / "digest.db"))
    return outputs


def normalise(data: bytes) -> bytes:
    """MIME boundaries and Message-IDs are random in every message."""
    data = re.sub(rb"={15}\d+==", b"===BOUNDARY==", data)
    return re.sub(rb"Message-ID: <[^>]*>", b"Message-ID: <ID>", data)


def database_tables(path: Path) -> dict[str, bytes]:
    tables: dict[str, bytes] = {}
    with sqlite3.connect(path) as db:
        names = [row[0] for row in db.execute("select name from sqlite_master where type = 'table' "
                                              "and name not like 'sqlite_%' and name not like 'items_fts_%'")]
        for name in sorted(names):
            columns = [row[1] for row in db.execute(f"pragma table_info([{name}])")
                       if row[1] not in SKIPPED_COLUMNS.get(name, set())]
            rows = db.execute(f"select {', '.join(f'[{c}]' for c in columns)} from [{name}]").fetchall()
            lines = [" | ".join(columns), *sorted(" | ".join(map(repr, row)) for row in rows)]
            tables[f"table {name}"] = "\n".join(lines).encode("utf-8")
    return tables


def compare(before: dict[str, bytes], after: dict[str, bytes], shown: int = 5) -> int:
    names = sorted(set(before) | set(after))
    different = [name for name in names if before.get(name) != after.get(name)]
    print(f"compared {len(names)} outputs (files under out/, tables, the transcript): {len(different)} differ")
    for name in different[:shown]:
        old = (before.get(name) or b"(missing)").decode("utf-8", "replace").splitlines()
        new = (after.get(name) or b"(missing)").decode("utf-8", "replace").splitlines()
        print(f"--- {name}")
        sys.stdout.writelines(line + "\n" for line in list(difflib.unified_diff(old, new, "base", "this", lineterm=""))[:40])
    return 1 if different else 0


def checkout(revision: str, into: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(into), revision],
                   check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD", help="the revision to compare with (default HEAD)")
    parser.add_argument("--keep", type=Path, help="write both runs' outputs under this folder")
    args = parser.parse_args()
    if shutil.which("faketime") is None:
        print("needs faketime (Debian: apt-get install faketime)", file=sys.stderr)
        return 2
    web = FixtureServer()
    web.site("police")
    web.site("pcc", content_types=RSS)
    web.site("atom", prefix="/atom/", content_types=RSS)
    base_tree = Path(tempfile.mkdtemp(prefix="digest-base-"))
    try:
        checkout(args.base, base_tree)
        results = {}
        for label, code in (("base", base_tree), ("this", ROOT)):
            started = time.monotonic()
            results[label] = run_scenario(code, web)
            print(f"{label}: {len(results[label])} outputs in {time.monotonic() - started:.1f} s")
            if args.keep:
                for name, data in results[label].items():
                    target = args.keep / label / name.replace(" ", "/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
        return compare(results["base"], results["this"])
    finally:
        web.close()
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base_tree)], capture_output=True)
        shutil.rmtree(base_tree, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
