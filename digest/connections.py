"""The sockets under the fetcher's HTTP client: each connection goes to an address the
AddressPolicy checked, and every wait on the network is bounded twice over.

httpx's timeouts bound each read or write on its own, so a server answering a byte at a time
can hold a request for ever. Here every wait also stops at the deadline of the whole request
(connection, TLS, status line, headers and body: `RequestClock.request`), and at once when the
ingest is told to stop, so a shutdown never waits on a stuck server. Sockets are non-blocking
and waited on in short slices to notice either.
"""

from __future__ import annotations

import errno
import functools
import math
import os
import select
import socket
import ssl
import threading
import time
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import httpcore
import httpx

from digest.addresses import AddressPolicy
from digest.errors import DigestError

SLICE_SECONDS = 0.25  # how soon a wait notices a stop or the request's deadline
T = TypeVar("T")


class Stopped(DigestError):
    """The ingest is stopping (SIGTERM): requests in progress are abandoned."""

    def __init__(self) -> None:
        super().__init__("stopped: shutting down")


class TooSlow(Exception):
    """The request as a whole took longer than its deadline."""


class RequestClock:
    """The deadline of the request this thread is making, and the event that stops all of them."""

    def __init__(self, stop: threading.Event | None = None):
        self.stop = stop or threading.Event()
        self._local = threading.local()

    @contextmanager
    def request(self, seconds: float) -> Iterator[None]:
        self._local.deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self._local.deadline = math.inf

    def check(self) -> None:
        if self.stop.is_set():
            raise Stopped()
        if time.monotonic() >= getattr(self._local, "deadline", math.inf):
            raise TooSlow()

    def sleep(self, seconds: float) -> None:
        """Wait politely, unless the ingest stops meanwhile."""
        if self.stop.wait(max(0.0, seconds)):
            raise Stopped()

    def call(self, work: Callable[[], T]) -> T:
        """Blocking work that cannot be waited on in slices (a name look-up), done in a thread of its
        own so that a stop or the deadline need not wait for it."""
        outcome: list[T] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                outcome.append(work())
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
                failure.append(exc)

        worker = threading.Thread(target=run, name="resolve", daemon=True)
        worker.start()
        while worker.is_alive():
            self.check()
            worker.join(SLICE_SECONDS)
        if failure:
            raise failure[0]
        return outcome[0]

    def wait_for(self, sock: socket.socket, *, write: bool, timeout: float | None,
                 expired: type[Exception]) -> None:
        """Until the socket is ready; raises `expired` after `timeout` seconds of waiting, TooSlow
        past the request's deadline, Stopped when the ingest stops."""
        until = math.inf if timeout is None else time.monotonic() + timeout
        poller = select.poll()
        poller.register(sock, select.POLLOUT if write else select.POLLIN)
        while True:
            self.check()
            now = time.monotonic()
            if now >= until:
                raise expired(f"no answer within {timeout:g} s")
            slice_ = min(SLICE_SECONDS, until - now, getattr(self._local, "deadline", math.inf) - now)
            if poller.poll(max(0, math.ceil(slice_ * 1000))):
                return


def checked_addresses(addresses: AddressPolicy, clock: RequestClock, host: str) -> list[str]:
    """The host's checked addresses (AddressPolicy.checked); a look-up is made in a thread of its
    own (RequestClock.call), only when one is needed."""
    ready = addresses.ready(host)
    return ready if ready is not None else clock.call(lambda: addresses.checked(host))


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend, connecting only to checked addresses, through bounded waits."""

    def __init__(self, addresses: AddressPolicy, clock: RequestClock):
        self.addresses, self.clock = addresses, clock

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        try:
            checked = checked_addresses(self.addresses, self.clock, host)  # Refused passes through httpx as it is
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        failure: OSError | None = None
        for address in checked:
            try:
                return _Stream(self._open(address, port, timeout), self.clock)
            except OSError as exc:
                failure = exc
        raise httpcore.ConnectError(str(failure))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("only TCP connections are made")

    def sleep(self, seconds: float) -> None:
        self.clock.sleep(seconds)

    def _open(self, address: str, port: int, timeout: float | None) -> socket.socket:
        family, kind, proto, _, sockaddr = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM,
                                                              flags=socket.AI_NUMERICHOST)[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            code = sock.connect_ex(sockaddr)
            if code not in (0, errno.EINPROGRESS):
                raise OSError(code, os.strerror(code))
            self.clock.wait_for(sock, write=True, timeout=timeout, expired=httpcore.ConnectTimeout)
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                raise OSError(code, os.strerror(code))
        except BaseException:
            sock.close()
            raise
        return sock


class _Stream(httpcore.NetworkStream):
    def __init__(self, sock: socket.socket, clock: RequestClock):
        self._sock, self._clock = sock, clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        while True:
            try:
                return self._sock.recv(max_bytes)
            except (BlockingIOError, ssl.SSLWantReadError):
                self._clock.wait_for(self._sock, write=False, timeout=timeout, expired=httpcore.ReadTimeout)
            except ssl.SSLWantWriteError:
                self._clock.wait_for(self._sock, write=True, timeout=timeout, expired=httpcore.ReadTimeout)
            except OSError as exc:
                raise httpcore.ReadError(str(exc)) from exc

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        view = memoryview(buffer)
        while view:
            try:
                view = view[self._sock.send(view):]
            except (BlockingIOError, ssl.SSLWantWriteError):
                self._clock.wait_for(self._sock, write=True, timeout=timeout, expired=httpcore.WriteTimeout)
            except ssl.SSLWantReadError:
                self._clock.wait_for(self._sock, write=False, timeout=timeout, expired=httpcore.WriteTimeout)
            except OSError as exc:
                raise httpcore.WriteError(str(exc)) from exc

    def close(self) -> None:
        self._sock.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        tls: ssl.SSLSocket | None = None
        try:
            tls = ssl_context.wrap_socket(self._sock, server_hostname=server_hostname, do_handshake_on_connect=False)
            while True:
                try:
                    tls.do_handshake()
                    return _Stream(tls, self._clock)
                except ssl.SSLWantReadError:
                    self._clock.wait_for(tls, write=False, timeout=timeout, expired=httpcore.ConnectTimeout)
                except ssl.SSLWantWriteError:
                    self._clock.wait_for(tls, write=True, timeout=timeout, expired=httpcore.ConnectTimeout)
        except BaseException as exc:
            (tls or self._sock).close()
            if isinstance(exc, OSError):
                raise httpcore.ConnectError(str(exc)) from exc
            raise

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "ssl_object":  # asked for the ALPN protocol chosen
            return self._sock if isinstance(self._sock, ssl.SSLSocket) else None
        if info == "socket":
            return self._sock
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "is_readable":  # an idle kept-alive connection with something to read was closed by the server
            if self._sock.fileno() < 0:
                return True
            poller = select.poll()
            poller.register(self._sock, select.POLLIN)
            return bool(poller.poll(0))
        return None


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over the guarded backend. httpx builds its connection pool with
    httpcore's own backend and offers no way to pass another, so the pool is replaced."""

    def __init__(self, backend: GuardedBackend):
        super().__init__(verify=False)  # only for the pool replaced here, which verifies (_TlsWhenAsked)
        self._pool = _TlsWhenAsked(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0,
                                   network_backend=backend)


class _TlsWhenAsked(httpcore.ConnectionPool):
    """A pool whose TLS context, verifying certificates, is made for its first https connection:
    loading the CA certificates takes 20-40 ms, which a run of plain-http sources need not spend."""

    def create_connection(self, origin: httpcore.Origin) -> httpcore.ConnectionInterface:
        if origin.scheme == b"https" and self._ssl_context is None:
            self._ssl_context = _tls_context()
        return super().create_connection(origin)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One for every fetcher of the process (the service makes one a run)."""
    return httpx.create_ssl_context()
