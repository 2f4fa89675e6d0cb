"""A response body, read and decoded within `fetch.max_bytes`.

A few kilobytes of gzip can stand for gigabytes, and each coding layered on another multiplies
that again. So one content coding at most is accepted, and it is decoded a piece at a time,
never producing more than the bytes still allowed: the cap holds while decoding, not after.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

WINDOW_BITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
ACCEPT_ENCODING = "gzip, deflate"


class Unreadable(Exception):
    """The body cannot be had within the rules; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def content_coding(header: str | None) -> str | None:
    """The one coding a Content-Encoding header names (None for none or identity)."""
    codings = [part.strip().lower() for part in (header or "").split(",")]
    codings = [coding for coding in codings if coding and coding != "identity"]
    if len(codings) > 1:
        raise Unreadable(f"more than one content coding ({', '.join(codings)}); not decoded")
    if codings and codings[0] not in WINDOW_BITS:
        raise Unreadable(f"unsupported content coding {codings[0][:40]!r}")
    return codings[0] if codings else None


def read_body(chunks: Iterable[bytes], coding: str | None, limit: int) -> bytes:
    """The body's bytes as received, decoded; raises Unreadable once more than `limit` bytes
    arrive or would be decoded."""
    decoder = _Decoder(coding) if coding else None
    body = bytearray()
    received = 0
    for chunk in chunks:
        received += len(chunk)
        if received > limit:
            raise Unreadable(f"response is over fetch.max_bytes ({limit:,} bytes); stopped reading")
        if decoder is None:
            body += chunk
        else:
            decoder.feed(chunk, body, limit)
    if decoder is not None:
        decoder.finish(body, limit)
    return bytes(body)


def read_start(chunks: Iterable[bytes], coding: str | None, limit: int) -> bytes:
    """The first `limit` bytes of the body, decoded; the rest is not read (enough to recognise a page).
    A body that cannot be decoded gives what was decoded before the fault."""
    decoder = _Decoder(coding) if coding else None
    body = bytearray()
    try:
        for chunk in chunks:
            if decoder is None:
                body += chunk
            else:
                decoder.feed(chunk, body, limit)
            if len(body) >= limit:
                return bytes(body[:limit])
        if decoder is not None:
            decoder.finish(body, limit)
    except Unreadable:
        pass
    return bytes(body[:limit])


class _Decoder:
    def __init__(self, coding: str):
        self.coding = coding
        self._zlib = zlib.decompressobj(WINDOW_BITS[coding])
        self._started = False

    def feed(self, data: bytes, out: bytearray, limit: int) -> None:
        try:
            self._decode(data, out, limit)
        except zlib.error as exc:
            if self.coding != "deflate" or self._started:
                raise Unreadable(f"the body is not valid {self.coding} data ({exc})") from None
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)  # many servers send deflate without its zlib header
            self._started = True
            self.feed(data, out, limit)

    def finish(self, out: bytearray, limit: int) -> None:
        out += self._zlib.flush()
        _check(out, limit)

    def _decode(self, data: bytes, out: bytearray, limit: int) -> None:
        while data and not self._zlib.eof:
            out += self._zlib.decompress(data, limit + 1 - len(out))
            self._started = True
            _check(out, limit)
            data = self._zlib.unconsumed_tail


def _check(out: bytearray, limit: int) -> None:
    if len(out) > limit:
        raise Unreadable(f"response decodes to more than fetch.max_bytes ({limit:,} bytes); stopped decoding")
