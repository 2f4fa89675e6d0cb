"""Email delivery: one multipart/alternative message per recipient per edition (or per daily
digest, for recipients with `cadence: daily`), through a ledger.

The ledger (digest.store.ledger: deliveries, delivered_items) makes `send` idempotent per item: a
recipient gets each item once; the first send of an edition always goes out (a quiet week
says so; several quiet weeks caught up at once go as one message); a later send with nothing
new sends nothing. Each message is recorded as possibly sent before its DATA and its result
right after, so a crash or a ledger that cannot be written never leads to a second copy.
A refusal of the session or the sender (digest.mailer.smtp) fails the send and is retried;
only a refused recipient fails for good. With email disabled or --dry-run, messages are
written to the outbox beside the database instead (never under output_dir, which is served).

Weekly editions go to weekly recipients only; a daily recipient gets a daily digest of the items
they have not received, whichever cadence carried them, and nothing when there is nothing new.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Protocol

from digest.config import Config, Recipient
from digest.edition import Edition
from digest.errors import DigestError
from digest.mailer.message import build_message, daily_message, for_recipient, quiet_weeks_message
from digest.mailer.smtp import DeliveryFailed, MessageFailed, RecipientRefused, SessionFailed, SmtpSession, Unconfirmed
from digest.records import Delivery
from digest.weeks import week_label

__all__ = ["Ledger", "Outcome", "build_message", "for_recipient", "outbox_dir", "send_daily", "send_edition",
           "send_editions", "send_failure", "write_to_outbox"]
log = logging.getLogger("digest.mailer")
POSSIBLY_SENT = "possibly-sent"  # the ledger's status from just before DATA until the result is known
ASK_AGAIN = "after checking the mailbox, send --retry-failed sends it"


@dataclass
class Outcome:
    recipient: str
    status: str  # sent, written, nothing-new, retry, failed, skipped, possibly-sent, error
    items: int = 0
    detail: str = ""
    refused: str = ""  # "send" or "message": refused by the server with a 5xx, a failure of the send

    def line(self) -> str:
        if self.refused:
            return (f"{self.recipient}: not sent: the mail server refused the {self.refused} ({self.detail}); "
                    "will retry on the next send")
        text = {
            "sent": f"sent {self.items} item(s)" + (f" ({self.detail})" if self.detail else ""),
            "written": f"written to {self.detail} ({self.items} item(s))",
            "nothing-new": f"nothing new {self.detail or 'since the last send'}; not sent",
            "retry": f"temporary failure ({self.detail}); will retry on the next send",
            "failed": f"permanent failure ({self.detail}); not retried",
            "skipped": f"not sent: {self.detail}",
            "possibly-sent": f"possibly sent: {self.detail}; not sent again ({ASK_AGAIN})",
            "error": self.detail,
        }[self.status]
        return f"{self.recipient}: {text}"


class Ledger(Protocol):
    """The delivery ledger: what each recipient was sent. Its reads and writes raise DigestError with the reason."""

    def delivery(self, week: str, recipient: str) -> Delivery | None: ...
    def delivered_items(self, recipient: str, item_ids: list[int]) -> set[int]: ...
    def sent_before(self, recipient: str) -> tuple[int | None, set[str]]: ...
    def attempt(self, weeks: list[str], recipient: str, message_id: str, item_count: int,
                items_through: int, cadence: str = "weekly") -> None: ...
    def result(self, weeks: list[str], recipient: str, status: str, error: str | None = None,
               item_ids: list[int] | None = None, cadence: str = "weekly") -> None: ...
    def refused(self, weeks: list[str], recipient: str, status: str, error: str,
                message_id: str | None = None, cadence: str = "weekly") -> None: ...
    def nothing_new(self, day: str, recipient: str, items_through: int) -> None: ...


@dataclass
class Letter:
    """One message to one recipient, for one week or for several quiet ones, or a daily digest."""

    weeks: list[str]  # a daily digest's: its day
    message: EmailMessage
    item_ids: list[int]
    detail: str = ""
    cadence: str = "weekly"

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"]).strip()


def outbox_dir(config: Config) -> Path:
    """Where messages that are not sent are written: beside the database, private."""
    return config.database.parent / "outbox"


def send_edition(config: Config, ledger: Ledger, edition: Edition, dry_run: bool = False,
                 items_through: int = 0) -> list[Outcome]:
    """Email (or write to the outbox) the edition for every recipient, per the ledger."""
    return send_editions(config, ledger, [edition], dry_run, items_through)


def send_editions(config: Config, ledger: Ledger, editions: list[Edition], dry_run: bool = False,
                  items_through: int = 0, complete: Callable[[Edition], Edition] | None = None) -> list[Outcome]:
    """Email the editions (oldest first) to every weekly recipient; `items_through` is the newest item
    stored when they were read. A ledger that cannot be written stops the send. With `complete`,
    the editions hold their stories only (report.edition_stories), enough to tell whether one goes
    to a recipient; `complete` makes the whole of one that goes (its result is kept for the next)."""
    weekly = [r for r in config.email.recipients if r.cadence == "weekly"]
    whole = _kept(complete) if complete else None
    return _round(config, ledger, dry_run, items_through, [partial(Postman.deliver, recipient=r, editions=editions,
                                                                   complete=whole)
                                                           for r in weekly])


def _kept(complete: Callable[[Edition], Edition]) -> Callable[[Edition], Edition]:
    made: dict[str, Edition] = {}

    def whole(stories: Edition) -> Edition:
        if stories.week not in made:
            made[stories.week] = complete(stories)
        return dataclasses.replace(made[stories.week], late=stories.late)

    return whole


def send_daily(config: Config, ledger: Ledger, digests: list[tuple[Recipient, Edition]], dry_run: bool = False,
               items_through: int = 0) -> list[Outcome]:
    """Email each daily recipient their daily digest (the items stored after their last daily digest,
    up to item `items_through`), leaving out what they have received; nothing when nothing is new."""
    return _round(config, ledger, dry_run, items_through, [partial(Postman.deliver_daily, recipient=r, digest=d)
                                                           for r, d in digests])


def _round(config: Config, ledger: Ledger, dry_run: bool, items_through: int,
           deliveries: list[Callable[[Postman], list[Outcome]]]) -> list[Outcome]:
    """One SMTP session for these deliveries, one recipient's after another, until the ledger stops it."""
    postman = Postman(config, ledger, live=config.email.enabled and not dry_run, items_through=items_through)
    outcomes: list[Outcome] = []
    try:
        for deliver in deliveries:
            outcomes += deliver(postman)
            if postman.stopped:
                break
    finally:
        postman.close()
    for outcome in outcomes:
        (log.warning if outcome.status in ("retry", "failed", POSSIBLY_SENT, "error") else log.info)(outcome.line())
    return outcomes


def send_failure(outcomes: list[Outcome]) -> str | None:
    """What makes a send fail (exit 1), in one line: a ledger error, a refusal by the server, or
    recipients refused for good; None when it did not fail."""
    for outcome in outcomes:
        if outcome.status == "error":
            return f"{outcome.recipient}: {outcome.detail}"
    session = [o for o in outcomes if o.refused == "send"]
    if session:
        return (f"the mail server refused the send ({session[0].detail}); check email.from and email.smtp; "
                "every recipient not sent to will be retried on the next send")
    message = [o for o in outcomes if o.refused == "message"]
    if message:
        return (f"the mail server refused the message to {', '.join(o.recipient for o in message)} "
                f"({message[0].detail}); it will be retried on the next send")
    failed = [o.recipient for o in outcomes if o.status == "failed"]
    return f"permanent delivery failure for {', '.join(failed)}" if failed else None


class Postman:
    """One send run: the SMTP session, and whether the server or the ledger stopped it."""

    def __init__(self, config: Config, ledger: Ledger, live: bool, items_through: int):
        self.config, self.ledger, self.items_through = config, ledger, items_through
        self.smtp = SmtpSession(config.email.smtp) if live else None
        self.down: SessionFailed | None = None  # the server refused the session: nobody else is tried
        self.stopped = False  # the ledger could not be written: nothing more is sent

    def close(self) -> None:
        if self.smtp:
            self.smtp.close()

    def deliver(self, recipient: Recipient, editions: list[Edition],
                complete: Callable[[Edition], Edition] | None = None) -> list[Outcome]:
        outcomes: list[Outcome] = []
        letters: list[Letter] = []
        quiet: list[Edition] = []
        for edition in editions:
            try:
                copy = self._copy(recipient, edition, complete=complete)
            except DigestError as exc:
                return [*outcomes, self._stop(recipient.address, f"not sent: the delivery ledger could not be read ({exc})")]
            if isinstance(copy, Outcome):
                outcomes.append(copy)
            elif copy.all_entries() or len(editions) == 1:
                letters.append(Letter([copy.week], build_message(self.config, copy, recipient),
                                      [e.id for e in copy.all_entries()]))
            else:
                quiet.append(copy)
        if len(quiet) == 1:
            letters.append(Letter([quiet[0].week], build_message(self.config, quiet[0], recipient), []))
        elif quiet:
            letters.append(Letter([e.week for e in quiet], quiet_weeks_message(self.config, quiet, recipient), [],
                                  f"one message for {len(quiet)} weeks without items, {quiet[0].week} to "
                                  f"{quiet[-1].week}"))
        for letter in sorted(letters, key=lambda letter: letter.weeks[0]):
            if self.stopped:
                break
            outcomes.append(self._send(letter, recipient.address))
        return outcomes

    def deliver_daily(self, recipient: Recipient, digest: Edition) -> list[Outcome]:
        """The recipient's daily digest, with only what they have not received; none when nothing is new."""
        try:
            copy = self._copy(recipient, digest, daily=True)
        except DigestError as exc:
            return [self._stop(recipient.address, f"not sent: the delivery ledger could not be read ({exc})")]
        if isinstance(copy, Outcome):
            return [self._nothing_new(copy, digest.week) if copy.status == "nothing-new" else copy]
        letter = Letter([copy.week], daily_message(self.config, copy, recipient), [e.id for e in copy.all_entries()],
                        cadence="daily")
        return [self._send(letter, recipient.address)]

    def _nothing_new(self, outcome: Outcome, day: str) -> Outcome:
        """Recorded (when sending for real), so that the next daily digest starts after these items."""
        if self.smtp is None:
            return outcome
        try:
            self.ledger.nothing_new(day, outcome.recipient, self.items_through)
        except DigestError as exc:
            return self._stop(outcome.recipient, f"nothing new, and the delivery ledger could not record that ({exc})")
        return outcome

    def _copy(self, recipient: Recipient, edition: Edition, daily: bool = False,
              complete: Callable[[Edition], Edition] | None = None) -> Edition | Outcome:
        """The recipient's copy with only what they have not received, or why nothing goes. The first
        send of an edition goes even when it has nothing for them (a quiet week), but not when all it has
        reached them already (by a daily digest to the same address); a daily digest never goes empty.
        `complete`: the edition holds its stories only, and this makes the whole of it (send_editions)."""
        address = recipient.address
        previous = self.ledger.delivery(edition.week, address)
        if self.smtp and previous and previous.status == "failed":
            return Outcome(address, "skipped", detail=f"an earlier attempt failed permanently ({previous.error})")
        if self.smtp and previous and previous.status == POSSIBLY_SENT:
            return Outcome(address, POSSIBLY_SENT,
                           detail=f"an attempt (Message-ID {previous.message_id}) has no recorded result")
        mine = self._late(for_recipient(edition, recipient), address)
        entries = mine.all_entries()
        delivered = self.ledger.delivered_items(address, [e.id for e in entries])
        fresh = {e.id for e in entries if e.id not in delivered}
        if not fresh and (daily or entries or (previous and previous.sent_at)):
            return Outcome(address, "nothing-new", detail="for a daily digest" if daily else "")
        if complete is not None:
            mine = self._late(for_recipient(complete(edition), recipient), address)
        return mine.filtered(lambda entry: entry.id in fresh)

    def _late(self, copy: Edition, address: str) -> Edition:
        """Of the items found after the recipient's last message, those of weeks already sent to them."""
        if not copy.late:
            return copy
        through, weeks = self.ledger.sent_before(address)
        late = [e for e in copy.late
                if through is not None and e.id > through and week_label(e.first_seen, self.config.tz) in weeks]
        return dataclasses.replace(copy, late=late)

    def _send(self, letter: Letter, address: str) -> Outcome:
        if self.smtp is None:
            return self._write(letter, address)
        if self.down:
            return self._refusal(letter, address, self.down)
        try:
            self.smtp.envelope(self.config.email.from_, address)
        except (RecipientRefused, SessionFailed) as failure:
            if isinstance(failure, SessionFailed):
                self.down = failure
            return self._refusal(letter, address, failure)
        try:
            self.ledger.attempt(letter.weeks, address, letter.message_id, len(letter.item_ids), self.items_through,
                                cadence=letter.cadence)
        except DigestError as exc:
            self.smtp.abandon()
            return self._stop(address, f"not sent: the delivery ledger could not record the attempt ({exc})")
        try:
            self.smtp.hand_over(letter.message.as_bytes(policy=letter.message.policy.clone(linesep="\r\n")))
        except Unconfirmed as unknown:  # stays possibly sent in the ledger, with the reason
            try:
                self.ledger.result(letter.weeks, address, POSSIBLY_SENT, error=unknown.detail, cadence=letter.cadence)
            except DigestError as exc:
                return self._stop(address, f"possibly sent ({unknown.detail}), and the delivery ledger could not "
                                           f"record that ({exc})")
            return Outcome(address, POSSIBLY_SENT, detail=unknown.detail)
        except MessageFailed as failure:
            return self._result(letter, address, failure)
        return self._result(letter, address, None)

    def _result(self, letter: Letter, address: str, failure: MessageFailed | None) -> Outcome:
        try:
            if failure is None:
                self.ledger.result(letter.weeks, address, "sent", item_ids=letter.item_ids, cadence=letter.cadence)
            else:
                self.ledger.result(letter.weeks, address, "retry", error=failure.detail, cadence=letter.cadence)
        except DigestError as exc:
            if failure is None:
                return self._stop(address, f"sent, but the delivery ledger could not record it ({exc}); it will "
                                           "not be sent again unless asked (send --retry-failed)")
            return self._stop(address, f"not sent ({failure.detail}), and the delivery ledger could not record "
                                       f"that ({exc}); it is left as possibly sent")
        if failure is None:
            return Outcome(address, "sent", len(letter.item_ids), letter.detail)
        return Outcome(address, "retry", detail=failure.detail, refused="message" if failure.permanent else "")

    def _refusal(self, letter: Letter, address: str, failure: DeliveryFailed) -> Outcome:
        """An attempt that ended before DATA: recorded in one write."""
        permanent_here = isinstance(failure, RecipientRefused) and failure.permanent
        status = "failed" if permanent_here else "retry"
        try:
            self.ledger.refused(letter.weeks, address, status, failure.detail, letter.message_id,
                                cadence=letter.cadence)
        except DigestError as exc:
            return self._stop(address, f"not sent ({failure.detail}), and the delivery ledger could not record "
                                       f"that ({exc})")
        refused = "send" if failure.permanent and not permanent_here else ""
        return Outcome(address, status, detail=failure.detail, refused=refused)

    def _stop(self, address: str, problem: str) -> Outcome:
        self.stopped = True
        return Outcome(address, "error", detail=f"{problem}; the send stopped")

    def _write(self, letter: Letter, address: str) -> Outcome:
        path = write_to_outbox(self.config, letter.message, "-".join(dict.fromkeys([letter.weeks[0], letter.weeks[-1]])),
                               address)
        return Outcome(address, "written", len(letter.item_ids), str(path))


def write_to_outbox(config: Config, message: EmailMessage, name: str, address: str) -> Path:
    """The outbox: a folder only its owner can read, beside the database; the file `<name>-<address>.eml`."""
    from digest.render import atomic_write  # with jinja2: loaded only when a message is written

    folder = outbox_dir(config)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / f"{name}-{_safe(address)}.eml"
    atomic_write(path, message.as_bytes())
    os.chmod(path, 0o600)
    return path


def _safe(address: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]", "_", address)
