"""Which addresses the fetcher may connect to: public ones, and the networks
`fetch.allow_private_networks` lists (by default loopback only).

A host name is resolved here, once a run (a policy lives as long as one ingest's fetcher), every
address it resolves to is checked, and each connection is then made to one of those checked
addresses, never to a second lookup's answer.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolve = Callable[[str], list[str]]  # a host name -> its addresses, as text

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """The host resolves to an address that may not be fetched."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def resolve_host(host: str) -> list[str]:
    """The host's addresses, in the resolver's order; raises OSError (socket.gaierror) for an unknown host."""
    found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


class AddressPolicy:
    def __init__(self, allowed: Iterable[str], resolve: Resolve | None = None):
        self.allowed: list[IPNetwork] = [ipaddress.ip_network(network, strict=False) for network in allowed]
        self._resolve = resolve or resolve_host
        self._resolved: dict[str, list[str]] = {}  # host name -> its addresses, each one allowed
        self._lock = threading.Lock()

    def ready(self, host: str) -> list[str] | None:
        """The host's checked addresses when they need no look-up (a literal address, or a name
        already resolved), None when they do; raises Refused as `checked` does."""
        if _is_literal(host):
            return self.checked(host)
        with self._lock:
            return self._resolved.get(host)

    def checked(self, host: str) -> list[str]:
        """The host's addresses, each one allowed; raises Refused naming the first one that is not,
        OSError when the name cannot be resolved."""
        if _is_literal(host):
            return self._allowed(host, [host.strip("[]")])
        known = self.ready(host)
        if known is not None:
            return known
        addresses = self._allowed(host, self._resolve(host))
        with self._lock:
            self._resolved[host] = addresses
        return addresses

    def _allowed(self, host: str, addresses: list[str]) -> list[str]:
        if not addresses:
            raise OSError(f"{host} has no address")
        for text in addresses:
            reason = self.refusal(text)
            if reason:
                said = f"{text} is" if text == host.strip("[]") else f"{host} resolves to {text},"
                raise Refused(f"{said} {reason}; not fetched (see fetch.allow_private_networks)")
        return addresses

    def refusal(self, text: str) -> str | None:
        """Why an address may not be fetched ('a private address'), or None when it may."""
        address = ipaddress.ip_address(text)
        if any(address in network for network in self.allowed):
            return None
        inner = _embedded_ipv4(address)
        if inner is not None and any(inner in network for network in self.allowed):
            return None
        for candidate in (address, inner):
            if candidate is not None and (not candidate.is_global or candidate.is_multicast):
                return f"{_kind(candidate)} address"
        return None


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (::ffff:a.b.c.d, 6to4, NAT64), which is where it leads."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _kind(address: IPAddress) -> str:
    if address.is_unspecified:
        return "an unspecified"
    if address.is_loopback:
        return "a loopback"
    if address.is_link_local:
        return "a link-local"
    if address.is_multicast:
        return "a multicast"
    if address in _CGNAT:
        return "a carrier-grade NAT (CGNAT)"
    if address in _UNIQUE_LOCAL:
        return "a unique-local"
    if address.is_private:
        return "a private"
    return "a reserved"
