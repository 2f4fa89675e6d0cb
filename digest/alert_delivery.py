"""Sending alerts: each due delivery of the alert ledger goes out once, by email or webhook.

Runs right after each ingest step. A delivery is marked possibly-sent (durably) just before it is
handed over and its result right after; a temporary failure (SMTP 4xx, a connection that fails,
HTTP 408, 429 or 5xx, a timeout) is tried again at once after a short wait, then at later steps
with a growing delay; a permanent one (SMTP 5xx, another HTTP 4xx, a redirect, an address that may
not be reached) is reported and not retried. Webhooks are POSTed as JSON signed with
HMAC-SHA256 of the body (`X-Digest-Signature: sha256=<hex>`), through the fetcher's address guard.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

import httpx

from digest.addresses import AddressPolicy, Refused
from digest.config import AlertRule, Config
from digest.connections import GuardedBackend, GuardedTransport, RequestClock, Stopped, TooSlow
from digest.errors import DigestError
from digest.mailer import write_to_outbox
from digest.mailer.message import compose
from digest.mailer.smtp import MessageFailed, RecipientRefused, SessionFailed, SmtpSession, Unconfirmed
from digest.models import FIGURE_LABELS, Item, utc_now
from digest.records import ALERT_FAILED as FAILED
from digest.records import ALERT_POSSIBLY_SENT as POSSIBLY_SENT
from digest.records import ALERT_RETRY as RETRY
from digest.records import ALERT_SENT as SENT
from digest.records import AlertDelivery

log = logging.getLogger("digest.alerts")
WAITS_NOW = (1.0, 3.0)  # seconds before the second and third attempt within one step
LATER = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6))  # after each step
ROUND = len(WAITS_NOW) + 1  # attempts in one step
MAX_ATTEMPTS = ROUND * (len(LATER) + 1)
WEBHOOK_TIMEOUT = 15.0


class Temporary(Exception):
    """Worth trying again later."""


class Permanent(Exception):
    """Not worth trying again."""


class Uncertain(Exception):
    """Handed over, but whether it arrived is not known: left possibly sent."""


@dataclass
class Outcome:
    rule: str
    target: str
    item_id: int
    status: str  # sent, retry, failed, possibly-sent, error
    detail: str = ""

    def line(self) -> str:
        what = {SENT: "sent", RETRY: f"temporary failure ({self.detail}); will retry",
                FAILED: f"permanent failure ({self.detail}); not retried",
                POSSIBLY_SENT: f"possibly sent ({self.detail}); not sent again unless asked (digest alerts resend)",
                "error": self.detail}[self.status]
        if self.status == SENT and self.detail:
            what = self.detail
        return f"alert {self.rule!r} item {self.item_id} to {_shown(self.target)}: {what}"


ItemsById = Callable[[list[int]], list[Item]]


class AlertLedger(Protocol):
    """The alert ledger (digest.store.alerts): its reads and writes raise DigestError with the reason."""

    def due(self, now: datetime) -> list[AlertDelivery]: ...
    def attempt(self, delivery_id: int) -> None: ...
    def result(self, delivery_id: int, status: str, error: str | None = None,
               next_try: datetime | None = None) -> None: ...


def send_alerts(config: Config, alerts: AlertLedger, due: list[AlertDelivery], items_by_id: ItemsById,
                stop: threading.Event | None = None) -> list[Outcome]:
    """Make these due deliveries (`alerts.due()`); one outcome each."""
    if not due:
        return []
    items = {item.id: item for item in items_by_id(sorted({d.item_id for d in due}))}
    rules = {rule.name: rule for rule in config.alerts}
    courier = _Courier(config, stop)
    outcomes = []
    try:
        for delivery in due:
            if courier.stopped():
                break
            outcome = _deliver(alerts, courier, delivery, rules.get(delivery.rule), items.get(delivery.item_id))
            log.info("%s", outcome.line())
            outcomes.append(outcome)
            if outcome.status == "error":
                break  # the ledger cannot be written: nothing more is sent
    finally:
        courier.close()
    return outcomes


def _deliver(alerts: AlertLedger, courier: _Courier, delivery: AlertDelivery, rule: AlertRule | None,
             item: Item | None) -> Outcome:
    outcome = Outcome(delivery.rule, delivery.target, delivery.item_id, FAILED)
    if rule is None or item is None or delivery.target not in rule.targets():
        outcome.detail = "the rule, its target or the item is no longer there"
        return _record(alerts, delivery, outcome)
    attempts = delivery.attempts
    for wait in (0.0, *WAITS_NOW):
        if wait and courier.wait(wait):
            break
        try:
            written = courier.send(delivery, rule, item, lambda: alerts.attempt(delivery.id))
        except Temporary as exc:
            attempts += 1
            outcome.status, outcome.detail = RETRY, str(exc)
            continue
        except Permanent as exc:
            outcome.status, outcome.detail = FAILED, str(exc)
        except Uncertain as exc:
            outcome.status, outcome.detail = POSSIBLY_SENT, str(exc)
        except DigestError as exc:  # the ledger could not record the attempt: nothing was sent
            return Outcome(delivery.rule, delivery.target, delivery.item_id, "error",
                           f"not sent: the alert ledger could not record the attempt ({exc}); sending stopped")
        else:
            outcome.status, outcome.detail = SENT, f"written to {written}" if written else ""
        break
    return _record(alerts, delivery, outcome, attempts)


def _record(alerts: AlertLedger, delivery: AlertDelivery, outcome: Outcome, attempts: int = 0) -> Outcome:
    next_try = None
    if outcome.status == RETRY:
        if attempts >= MAX_ATTEMPTS:
            outcome.status, outcome.detail = FAILED, f"{outcome.detail}; gave up after {attempts} attempts"
        else:
            steps = max(attempts // ROUND, 1)
            next_try = utc_now() + LATER[min(steps, len(LATER)) - 1]
    try:
        alerts.result(delivery.id, outcome.status, None if outcome.status == SENT else outcome.detail or None,
                      next_try)
    except DigestError as exc:
        return Outcome(delivery.rule, delivery.target, delivery.item_id, "error",
                       f"{outcome.status} ({outcome.detail}), but the alert ledger could not record it ({exc}); "
                       "it is left as possibly sent; sending stopped")
    return outcome


def _shown(target: str) -> str:
    return target.removeprefix("email:")


class _Courier:
    """The SMTP session and the HTTP client of one sending step."""

    def __init__(self, config: Config, stop: threading.Event | None):
        self.config = config
        self.stop = stop or threading.Event()
        self.smtp = SmtpSession(config.email.smtp) if config.email.enabled else None
        self.clock = RequestClock(self.stop)
        self.http: httpx.Client | None = None

    def stopped(self) -> bool:
        return self.stop.is_set()

    def wait(self, seconds: float) -> bool:
        """Wait before trying again; True when the service is stopping instead."""
        return self.stop.wait(seconds)

    def close(self) -> None:
        if self.smtp:
            self.smtp.close()
        if self.http:
            self.http.close()

    def send(self, delivery: AlertDelivery, rule: AlertRule, item: Item, attempt: Callable[[], None]) -> str | None:
        """Send it (raising Temporary, Permanent or Uncertain); the outbox file when email is off."""
        if delivery.target == "webhook":
            self._post(delivery, rule, item, attempt)
            return None
        address = delivery.target.removeprefix("email:")
        message = alert_message(self.config, rule, item, address)
        if self.smtp is None:
            return str(write_to_outbox(self.config, message, f"alert-{delivery.id}", address))
        self._mail(message, address, attempt)
        return None

    def _mail(self, message: EmailMessage, address: str, attempt: Callable[[], None]) -> None:
        assert self.smtp is not None
        try:
            self.smtp.envelope(self.config.email.from_, address)
        except (RecipientRefused, SessionFailed) as failure:
            raise (Permanent if failure.permanent else Temporary)(failure.detail) from None
        try:
            attempt()
        except DigestError:
            self.smtp.abandon()
            raise
        try:
            self.smtp.hand_over(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
        except Unconfirmed as unknown:
            raise Uncertain(unknown.detail) from None
        except MessageFailed as failure:
            raise (Permanent if failure.permanent else Temporary)(failure.detail) from None

    def _post(self, delivery: AlertDelivery, rule: AlertRule, item: Item, attempt: Callable[[], None]) -> None:
        assert rule.webhook is not None
        body = json.dumps({"rule": rule.name, "delivery": delivery.id, "item": item.export()},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        secret = os.environ.get(rule.webhook.secret_env, "")
        if not secret:
            raise Permanent(f"the environment variable {rule.webhook.secret_env} (the signing secret) is not set")
        signature = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Digest-Signature": f"sha256={signature}",
                   "X-Digest-Delivery": str(delivery.id), "X-Digest-Rule": rule.name.encode("ascii", "replace").decode()}
        attempt()
        try:
            with self.clock.request(WEBHOOK_TIMEOUT):
                response = self._client().post(rule.webhook.url, content=body, headers=headers)
        except Refused as exc:
            raise Permanent(f"not sent: {exc.reason}") from None
        except (TooSlow, httpx.TimeoutException):
            raise Temporary(f"no answer within {WEBHOOK_TIMEOUT:g} s") from None
        except Stopped:
            raise Temporary("the service stopped") from None
        except httpx.HTTPError as exc:
            raise Temporary(f"{type(exc).__name__}: {exc}") from None
        _judge(response)

    def _client(self) -> httpx.Client:
        if self.http is None:
            policy = AddressPolicy(self.config.fetch.allow_private_networks)
            self.http = httpx.Client(
                headers={"User-Agent": f"{self.config.fetch.user_agent} alerts"},
                timeout=httpx.Timeout(WEBHOOK_TIMEOUT, connect=min(WEBHOOK_TIMEOUT, 10.0)),
                follow_redirects=False, transport=GuardedTransport(GuardedBackend(policy, self.clock)))
        return self.http


def _judge(response: httpx.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    if status in (408, 429) or status >= 500:
        raise Temporary(f"HTTP {status}")
    if 300 <= status < 400:
        raise Permanent(f"HTTP {status}: a webhook's redirects are not followed")
    raise Permanent(f"HTTP {status}")


def alert_message(config: Config, rule: AlertRule, item: Item, address: str) -> EmailMessage:
    from digest.render import environment

    context: dict[str, Any] = {"site": config.site, "rule": rule, "item": item, "figure_labels": FIGURE_LABELS,
                               "why": rule_in_words(rule)}
    text = environment().get_template("alert_email.txt.j2").render(**context)
    html = environment().get_template("alert_email.html.j2").render(**context)
    return compose(config, address, f"Alert: {rule.name}: {item.title}", f"alert-{item.id}", text, html)


def rule_in_words(rule: AlertRule) -> str:
    """The rule in words: why the item is in the alert."""
    parts = [f"matching {rule.q}" if rule.q else "any story"]
    if rule.areas:
        parts.append("in " + ", ".join(rule.areas))
    if rule.topics:
        parts.append("about " + ", ".join(rule.topics))
    if rule.org_kinds:
        parts.append("from " + ", ".join(rule.org_kinds))
    for kind, least in rule.figures.items():
        parts.append(f"stating {FIGURE_LABELS[kind].lower()} of at least {least:g}")
    if rule.min_relevance:
        parts.append(f"relevance at least {rule.min_relevance:g}")
    return " ".join(parts)
