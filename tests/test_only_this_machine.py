"""The tests' own guard (conftest.only_this_machine): nothing in a test reaches beyond 127.0.0.1.
The hosts named in test documents (a police site's URL in a folder document, a private address a
redirect points at) are therefore never fetched: a test that tried would fail."""

from __future__ import annotations

import socket

import httpx
import pytest

from conftest import OFF_MACHINE, OffMachine


@pytest.mark.parametrize("host", ["192.0.2.1", "10.255.255.1", "169.254.169.254", "2001:db8::1"])
def test_a_connection_beyond_this_machine_is_refused_and_noticed(host: str) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe, pytest.raises(OffMachine):
        probe.connect((host, 80))
    assert [f"a connection to {host}"] == OFF_MACHINE
    OFF_MACHINE.clear()  # noticed, as this test means it to be


def test_a_name_is_not_looked_up_nor_fetched() -> None:
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("www.beds.police.uk", 443)
    with pytest.raises(httpx.ConnectError):
        httpx.get("https://example.police.uk/news/", timeout=2)
    assert OFF_MACHINE and all("police.uk" in what for what in OFF_MACHINE)
    OFF_MACHINE.clear()


def test_this_machine_is_reachable() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
    assert socket.getaddrinfo("localhost", 80)
    assert OFF_MACHINE == []
