"""What the `digest` command's modules share: the config and store of a command, and errors as one line."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from digest.errors import DigestError

if TYPE_CHECKING:  # each command imports what it uses, so `digest --help` loads neither the config's schema nor SQLite's
    from digest.config import Config
    from digest.store import Store


def config_of(ctx: click.Context) -> Config:
    config: Config | None = ctx.obj.get("config")
    if config is None:
        from digest.config import load_config

        config = ctx.obj["config"] = load_config(ctx.obj["config_path"])
    return config


def store_of(ctx: click.Context) -> Store:
    from digest.store import Store

    store = Store(config_of(ctx).database)
    ctx.call_on_close(store.close)
    return store


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into click's one-line `Error:` with exit code 1 (URLs' secrets hidden);
    a reader that stops reading (`digest export | head -1`) ends the command quietly."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from digest.urls import redact

        try:
            return func(*args, **kwargs)
        except DigestError as exc:
            raise click.ClickException(redact(str(exc))) from None
        except BrokenPipeError:
            _quiet_stdout()
            return None
        except sqlite3.Error as exc:  # a malformed or read-only database met outside an ingest
            raise click.ClickException(f"the database failed: {exc}") from None
        except OSError as exc:  # an output folder that is a file, a full disk, a read-only path...
            where = exc.filename or "?"
            raise click.ClickException(redact(f"{where}: {exc.strerror or exc}")) from None

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _quiet_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for a closed pipe is dropped at exit
    instead of raising BrokenPipeError again ("Exception ignored ...") while Python shuts down."""
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):
        return  # not a real file (a test's captured output): nothing is left to flush into a pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


class _RedactedRecords:
    """A log record factory: every record, whoever logs it (httpx names each URL it requests),
    says its URLs with their user info and query values hidden, its traceback too."""

    def __init__(self, make: Callable[..., logging.LogRecord]):
        self.make = make

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        from digest.urls import redact

        record = self.make(*args, **kwargs)
        try:
            record.msg, record.args = redact(record.getMessage()), ()
        except Exception:  # noqa: BLE001 - a malformed call is left for logging to report as usual
            return record
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record


def redact_logs() -> None:
    if not isinstance(logging.getLogRecordFactory(), _RedactedRecords):
        logging.setLogRecordFactory(_RedactedRecords(logging.getLogRecordFactory()))
