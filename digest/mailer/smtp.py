"""One SMTP connection for a send run, a transaction at a time: the envelope (MAIL FROM, RCPT TO),
then DATA, so that the delivery ledger can record the attempt in between.

Each failure says whom it concerns: the recipient (a reply to RCPT TO), the message (a reply
to DATA or to the message), or the whole send (connecting, TLS, AUTH, MAIL FROM, 421): only
a recipient can fail for good. A connection lost after the whole message was handed over
leaves it possibly sent.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import smtplib
import ssl

from digest.config import Smtp
from digest.errors import DigestError


class DeliveryFailed(Exception):
    """An attempt that failed: `permanent` for a 5xx reply."""

    def __init__(self, permanent: bool, detail: str):
        super().__init__(detail)
        self.permanent, self.detail = permanent, detail


class RecipientRefused(DeliveryFailed):
    """The server refused this recipient (RCPT TO)."""


class SessionFailed(DeliveryFailed):
    """The server could not be reached, or refused the session or the sender: nobody can be sent to now."""


class MessageFailed(DeliveryFailed):
    """The server refused the message, or the connection broke before all of it was handed over."""


class Unconfirmed(DeliveryFailed):
    """The whole message was handed over but no answer came: it may have been delivered."""

    def __init__(self, detail: str):
        super().__init__(False, detail)


class SmtpSession:
    """Opened at the first envelope; kept for the next recipient; reset after a refusal."""

    def __init__(self, settings: Smtp):
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def envelope(self, sender: str, address: str) -> None:
        """MAIL FROM and RCPT TO for one recipient (connecting first if needed)."""
        connection = self._open()
        try:
            code, reply = connection.mail(sender, _options(connection, sender, address))
            if code != 250:
                self._refused(code)
                raise SessionFailed(code >= 500, _detail(code, reply))
            code, reply = connection.rcpt(address)
            if code not in (250, 251):
                self._refused(code)
                failure = SessionFailed if code == 421 else RecipientRefused
                raise failure(code >= 500, _detail(code, reply))
        except (smtplib.SMTPException, OSError, UnicodeError) as exc:
            self.close()
            raise SessionFailed(False, _what(exc)) from None

    def hand_over(self, data: bytes) -> None:
        """DATA, the message, and the server's answer to it."""
        connection = self.connection
        assert connection is not None, "hand_over follows envelope"
        try:
            code, reply = connection.docmd("DATA")
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MessageFailed(False, _what(exc)) from None
        if code != 354:
            self._refused(code)
            raise MessageFailed(code >= 500, _detail(code, reply))
        try:
            connection.send(_dot_stuffed(data))
        except (smtplib.SMTPException, OSError) as exc:  # the final dot did not go: nothing was delivered
            self.close()
            raise MessageFailed(False, _what(exc)) from None
        try:
            code, reply = connection.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise Unconfirmed(f"no answer after the message was handed over ({_what(exc)})") from None
        if code != 250:
            self._refused(code)
            raise MessageFailed(code >= 500, _detail(code, reply))

    def abandon(self) -> None:
        """Give up the transaction begun by `envelope` (nothing was sent)."""
        self._refused(0)

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
            self.connection = None

    def _refused(self, code: int) -> None:
        """After a refusal the transaction is reset (or the connection closed, when the server closes it)."""
        if code == 421 or self.connection is None:
            self.close()
            return
        try:
            self.connection.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def _open(self) -> smtplib.SMTP:
        if self.connection is None:
            try:
                self.connection = self._connect()
            except smtplib.SMTPResponseException as exc:  # a refused greeting, STARTTLS or AUTH
                raise SessionFailed(exc.smtp_code >= 500, _detail(exc.smtp_code, exc.smtp_error)) from None
            except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, TLS failure
                raise SessionFailed(False, _what(exc)) from None
        return self.connection

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.security == "ssl":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            connection.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                connection.starttls(context=context)
                connection.ehlo_or_helo_if_needed()
            if s.username:
                _login(connection, s.username, _password(s))
        except BaseException:
            connection.close()
            raise
        return connection


def _login(connection: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH PLAIN (else LOGIN) with the name and password in UTF-8, as RFC 4616 says: smtplib's own
    login can send ASCII only. One attempt: a refused login is not tried again another way."""
    offered = connection.esmtp_features.get("auth", "").upper().split()
    name, secret = username.encode("utf-8"), password.encode("utf-8")
    if "PLAIN" in offered:
        code, reply = connection.docmd("AUTH", "PLAIN " + _b64(b"\0" + name + b"\0" + secret))
    elif "LOGIN" in offered:
        code, reply = connection.docmd("AUTH", "LOGIN " + _b64(name))
        if code == 334:
            code, reply = connection.docmd(_b64(secret))
    elif offered and (username + password).isascii():
        connection.login(username, password)  # CRAM-MD5 only
        return
    else:
        raise SessionFailed(True, "the server offers no AUTH PLAIN or LOGIN, which email.smtp.username needs")
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, reply)


def _options(connection: smtplib.SMTP, sender: str, address: str) -> list[str]:
    if (sender + address).isascii():
        return []
    if not connection.has_extn("smtputf8"):
        raise SessionFailed(True, "the server does not accept addresses that are not ASCII (no SMTPUTF8)")
    return ["SMTPUTF8", "BODY=8BITMIME"]


def _dot_stuffed(data: bytes) -> bytes:
    """The message as DATA carries it: CRLF line ends, a leading dot doubled, then CRLF . CRLF."""
    lines = re.sub(rb"\r?\n", b"\r\n", data)
    stuffed = re.sub(rb"(?m)^\.", b"..", lines)
    return stuffed + (b"" if stuffed.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _detail(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"


def _what(exc: BaseException) -> str:
    """A connection-level failure in one line; an encoding error is named, never quoted (it would
    show the character of the password or address that failed)."""
    if isinstance(exc, UnicodeError):
        return f"{type(exc).__name__}: a value could not be encoded for SMTP"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _password(settings: Smtp) -> str:
    """The SMTP password, only ever from the environment variable named by email.smtp.password_env."""
    password = os.environ.get(settings.password_env)
    if password is None:
        raise DigestError(f"email.smtp.password_env: ${settings.password_env} is not set (needed for {settings.username})")
    return password
