"""Shared fixtures: a real config file, a real SQLite database and real seed files in tmp_path."""

from __future__ import annotations

import ipaddress
import json
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from digest.cli import cli

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


class OffMachine(OSError):
    """A test asked for a host beyond this machine: tests never reach the internet."""


def _local(host: object) -> bool:
    name = str(host).strip("[]").split("%")[0]
    if name in ("localhost", "") or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified  # 0.0.0.0 reaches this machine too


OFF_MACHINE: list[str] = []
RESERVED_NAMES = (".invalid", ".test", ".example")  # RFC 6761: no such host anywhere  # what the current test asked for beyond this machine


def _refuse(what: str) -> None:
    OFF_MACHINE.append(what)
    raise OffMachine(f"tests never leave this machine: {what} refused")


@pytest.fixture(autouse=True, scope="session")
def only_this_machine() -> Iterator[None]:
    """Every connection and name look-up made in the test process stays on 127.0.0.1 (or ::1): one
    to anywhere else fails as an unreachable host would, so a test that names a real host in a
    document, or a private address to be refused, shows it is never fetched. (Commands run as
    child processes are kept offline by their configs, or by a network namespace of their own.)"""
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
            _refuse(f"a connection to {address[0]}")
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
            _refuse(f"a connection to {address[0]}")
        return connect_ex(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _local(name):
            if not name.rstrip(".").endswith(RESERVED_NAMES):  # names that exist nowhere are a test's own choice
                OFF_MACHINE.append(f"a look-up of {name}")
            raise socket.gaierror(socket.EAI_NONAME, f"tests never leave this machine: {name} not looked up")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = guarded_connect, guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = guarded_getaddrinfo
    yield
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def nothing_off_machine(only_this_machine: None) -> Iterator[None]:
    """A test fails if anything in it asked for a host beyond this machine (even when the code
    under test took the refusal as an ordinary failure)."""
    OFF_MACHINE.clear()
    yield
    assert OFF_MACHINE == [], f"asked for hosts beyond this machine: {OFF_MACHINE}"


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A copy of the shipped seed documents (without the folder's README)."""
    target = tmp_path / "seeds"
    target.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy2(path, target / path.name)
    return target


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write config.yaml in tmp_path: the shipped config (seed folder only) with the given keys replaced."""

    def write(**overrides: Any) -> Path:
        data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
        # Tests never reach the internet: keep the shipped config's seed folder, not its web sources.
        data["sources"] = [s for s in data["sources"] if s["kind"] == "folder"]
        data.update(overrides)
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return write


@pytest.fixture
def config_path(seed_dir: Path, write_config: Callable[..., Path]) -> Path:
    return write_config()


@pytest.fixture
def digest(config_path: Path) -> Callable[..., Result]:
    """Run the `digest` CLI against the test config, as a user would."""
    runner = CliRunner()

    def run(*args: str, config: Path | None = None) -> Result:
        return runner.invoke(cli, ["--config", str(config or config_path), *args], catch_exceptions=False)

    return run


@pytest.fixture
def export(digest: Callable[..., Result]) -> Callable[..., list[dict[str, Any]]]:
    def run(*args: str) -> list[dict[str, Any]]:
        result = digest("export", *args)
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    return run


# Polite but quick: tests talk to 127.0.0.1 only, so no per-host delay and tiny backoffs.
FAST_FETCH = {"per_host_delay": 0, "backoff": 0.01, "timeout": 5, "retries": 2, "contact": "https://digest.example.org/contact"}


@pytest.fixture
def web() -> Iterator[Any]:
    from webfixture import FixtureServer

    server = FixtureServer()
    yield server
    server.close()


@pytest.fixture
def web_config(write_config: Callable[..., Path]) -> Callable[..., Path]:
    """A config whose sources are the given ones, with fast fetch settings (overridable)."""

    def write(*sources: dict[str, Any], **fetch: Any) -> Path:
        return write_config(sources=list(sources), fetch={**FAST_FETCH, **fetch})

    return write
