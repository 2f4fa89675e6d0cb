"""The `digest` command: thin wrappers over the library; errors become one `Error: ...` line."""

from __future__ import annotations

import json
import logging
import sys
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import click

from digest.cli_alerts import alerts
from digest.cli_common import config_of, redact_logs, store_of, user_errors

if TYPE_CHECKING:  # each command imports what it uses: `digest --help` and `status` start quickly
    from digest.config import Config
    from digest.records import Status
    from digest.store import Store

_config, _store, _user_errors = config_of, store_of, user_errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="PATH", help="Config file (default ./config.yaml or $DIGEST_CONFIG).")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens to each document.")
@click.version_option(package_name="digest")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """Weekly digest and feeds of UK police and commissioner news about serious violence."""
    from digest.config import config_path_from

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s", force=True,
    )
    redact_logs()
    ctx.obj = {"config_path": config_path_from(config_path)}


@cli.command()
@click.pass_context
@_user_errors
def check(ctx: click.Context) -> None:
    """Validate the config and print it with defaults filled in and secrets masked.

    Example: digest --config config.yaml check
    """
    import yaml

    from digest.config import effective_config

    config = _config(ctx)
    click.echo(f"# {config.config_path}: OK")
    click.echo(yaml.safe_dump(effective_config(config), sort_keys=False, allow_unicode=True), nl=False)


@cli.command()
@click.option("--format", "form", type=click.Choice(["table", "yaml", "opml"]), default="table", show_default=True,
              help="yaml: a config's sources list; opml: the web sources as OPML 2.0 (with URLs as written).")
@click.pass_context
@_user_errors
def sources(ctx: click.Context, form: str) -> None:
    """Print the effective sources: the config's own, its OPML files' and the catalogue's.

    Example: digest sources --format opml > sources.opml
    """
    from digest.config.printing import sources_table, sources_yaml
    from digest.opml import opml_document

    config = _config(ctx)
    if form == "opml":
        click.echo(opml_document(config.sources, config.site.title), nl=False)
    else:
        click.echo((sources_yaml if form == "yaml" else sources_table)(config.sources), nl=False)


@cli.command()
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@click.option("--strict", is_flag=True, help="Exit 1 if any source failed.")
@click.pass_context
@_user_errors
def ingest(ctx: click.Context, sources: tuple[str, ...], strict: bool) -> None:
    """Run the sources once and print a summary per source.

    Example: digest ingest --source seeds
    """
    from digest.service import ingest_and_alert

    config = _config(ctx)
    for name in sources:
        config.source(name)  # an unknown name is an error before the database is touched
    summaries, alerted = ingest_and_alert(config, _store(ctx), sources)
    for summary in summaries:
        click.echo(summary.line())
    for alert in alerted:
        click.echo(alert.line())
    failed = [s.name for s in summaries if s.error]
    if strict and failed:
        raise click.ClickException(f"sources failed: {', '.join(failed)}")


@cli.command()
@click.option("--week", default=None, metavar="YYYY-Www|current|last",
              help="Default: the last complete week (the current week when no edition has been built yet).")
@click.pass_context
@_user_errors
def build(ctx: click.Context, week: str | None) -> None:
    """Write the week's edition (HTML and text), the archive index and all feeds.

    Example: digest build --week current
    """
    from digest.service import build as run_build
    from digest.weeks import refuse_future, resolve_week

    config, store = _config(ctx), _store(ctx)
    if week is None and not store.editions.all():
        week = "current"  # a first build shows what has been found so far, not an empty past week
    result = run_build(config, store, refuse_future(resolve_week(week, config.tz), config.tz))
    _print_build(result)
    if result.feed_error:
        raise click.ClickException(f"feeds not written: {result.feed_error}")


def _print_build(result: Any) -> None:
    click.echo(f"Edition {result.week}: {result.item_count} items, {result.older_count} older items")
    click.echo(f"  HTML:  {result.html}")
    click.echo(f"  text:  {result.text}")
    click.echo(f"  index: {result.index}")
    if result.areas:
        click.echo(f"  areas: {len(result.areas)} area pages under {result.areas[0].parent}")
    for feed in result.feeds[:2]:
        click.echo(f"  feed:  {feed}")
    if len(result.feeds) > 2:
        click.echo(f"  and {len(result.feeds) - 2} topic, area and edition feeds under {result.feeds[2].parent.parent}")


@cli.command()
@click.option("--week", default=None, metavar="YYYY-Www|current|last", help="Default: the last complete week.")
@click.option("--daily", is_flag=True,
              help="Send the daily digest (what is new) to the recipients with cadence: daily, not the weekly edition.")
@click.option("--dry-run", is_flag=True, help="Write .eml files to the outbox beside the database instead of sending.")
@click.option("--retry-failed", is_flag=True,
              help="Send again to the week's recipients recorded as failed for good or possibly sent "
                   "(with --daily: the items of every such daily digest).")
@click.pass_context
@_user_errors
def send(ctx: click.Context, week: str | None, daily: bool, dry_run: bool, retry_failed: bool) -> None:
    """Email the edition to each weekly recipient, or with --daily the daily digest to each daily
    recipient, per the delivery ledger (exit 1 when the send or a recipient failed).

    Example: digest send --week current --dry-run
    """
    from digest.service import send as run_send
    from digest.service import send_daily_digests

    if daily and week:
        raise click.UsageError("--daily sends the daily digest of what is new; it takes no --week")
    config, store = _config(ctx), _store(ctx)
    if retry_failed and not dry_run:
        _clear_failures(config, store, week, daily)
    outcomes = send_daily_digests(config, store, dry_run=dry_run) if daily else run_send(config, store, week, dry_run)
    if not outcomes:
        cadence = "daily" if daily else "weekly"
        click.echo(f"No {cadence} recipients configured (email.recipients with cadence: {cadence}).")
    _print_outcomes(outcomes)


def _clear_failures(config: Config, store: Store, week: str | None, daily: bool) -> None:
    from digest.service import clear_daily_failures, clear_failures

    if daily:
        for address, day in clear_daily_failures(config, store):
            click.echo(f"Cleared the recorded failure of {address} for the daily digest of {day}")
        return
    label, cleared = clear_failures(config, store, week)
    for address in cleared:
        click.echo(f"Cleared the recorded failure of {address} for week {label}")


def _print_outcomes(outcomes: list[Any]) -> None:
    if not outcomes:
        return
    from digest.mailer import send_failure

    for outcome in outcomes:
        click.echo(outcome.line())
    failure = send_failure(outcomes)
    if failure:
        raise click.ClickException(failure)


@cli.command()
@click.option("--relevant-only", is_flag=True, help="Only items judged relevant.")
@click.pass_context
@_user_errors
def export(ctx: click.Context, relevant_only: bool) -> None:
    """Print stored items as JSON Lines.

    Example: digest export --relevant-only > items.jsonl
    """
    for item in _store(ctx).archive.items(relevant_only=relevant_only):
        click.echo(json.dumps(item.export(), ensure_ascii=False))


@cli.command()
@click.pass_context
@_user_errors
def status(ctx: click.Context) -> None:
    """Show each source's health, item counts, and the last and next runs.

    Example: digest status
    """
    from digest.models import utc_now
    from digest.records import stamp
    from digest.triggers import daily_trigger, weekly_trigger

    config = _config(ctx)
    status = _store(ctx).status()
    click.echo(f"Database: {config.database}")
    click.echo(f"Items: {status.items} ({status.relevant} relevant), aliases: {status.aliases}")
    click.echo("Sources:")
    for line in _source_lines(config, status):
        click.echo(f"  {line}")
    edition = status.last_edition
    click.echo(f"Last edition: {edition.week} built {stamp(edition.built_at)}" if edition else
               "Last edition: none built yet")
    click.echo(f"Last ingest: {stamp(status.last_ingest)}" if status.last_ingest else "Last ingest: never")
    now = utc_now()
    last = status.last_ingest
    next_ingest = max(now, last + timedelta(seconds=config.schedule.ingest_every)) if last else now
    next_weekly = weekly_trigger(config).get_next_fire_time(None, now)
    click.echo(f"Next ingest (when the service runs): {next_ingest.isoformat(timespec='seconds')}")
    click.echo(f"Next weekly edition: {next_weekly.isoformat(timespec='minutes')} ({config.schedule.digest} {config.timezone})")
    if any(r.cadence == "daily" for r in config.email.recipients):
        next_daily = daily_trigger(config).get_next_fire_time(None, now)
        click.echo(f"Next daily digest: {next_daily.isoformat(timespec='minutes')} ({config.schedule.daily} {config.timezone})")
    for delivery in status.failed_deliveries:
        detail = delivery.error or f"Message-ID {delivery.message_id}, no result recorded"
        click.echo(f"Delivery {delivery.week} to {delivery.recipient}: {delivery.status} ({detail})")
    for alert in status.alert_problems:
        detail = alert.error or "no result recorded"
        click.echo(f"Alert {alert.rule!r} item {alert.item_id} to {alert.target.removeprefix('email:')}: "
                   f"{alert.status} ({detail})")


def _source_lines(config: Config, status: Status) -> list[str]:
    from digest.models import utc_now
    from digest.records import source_condition, stamp

    health = {row.name: row for row in status.sources}
    now = utc_now()
    lines = []
    for source in config.sources:
        row = health.get(source.name)
        state = "disabled" if not source.enabled else "never run"
        if row and source.enabled:
            state = source_condition(row, source.expect_every, now).in_status(row)
            state += (f"; last attempt {stamp(row.last_attempt)}, last success {stamp(row.last_success) or 'never'}, "
                      f"{row.last_count} documents")
        lines.append(f"{source.name} ({source.kind}): {state}")
    return lines


@cli.command()
@click.option("--host", default=None, help="Address to bind (default: server.host, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default: server.port, 8080).")
@click.pass_context
@_user_errors
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the output folder (editions, feeds) over HTTP, with /healthz, /search and /search.atom.

    Example: digest serve --port 8080
    """
    from digest.server import serve as run_server
    from digest.service import read_status
    from digest.store.search import ThreadSearches

    config = _config(ctx)
    run_server(config, partial(read_status, config.database), host or config.server.host, port or config.server.port,
               ThreadSearches(config.database))


@cli.command()
@click.option("--once", is_flag=True, help="Ingest, build the current week and feeds, then exit.")
@click.pass_context
@_user_errors
def run(ctx: click.Context, once: bool) -> None:
    """Run the service (scheduler, catch-up, HTTP server); --once: one pass of ingest, build and send.

    Example: digest run --once
    """
    from digest.service import run_once

    config = _config(ctx)
    if not once:
        from digest.scheduler import run_service

        logging.getLogger().setLevel(logging.INFO)  # the service logs each job and source (journald)
        run_service(config)
        return
    summaries, alerted, result, outcomes = run_once(config, _store(ctx))
    for summary in summaries:
        click.echo(summary.line())
    for alert in alerted:
        click.echo(alert.line())
    if result is None:
        click.echo("Edition: nothing new, changed or failing; the current edition and feeds stand")
    else:
        _print_build(result)
    _print_outcomes(outcomes)
    if result is not None and result.feed_error:
        raise click.ClickException(f"feeds not written: {result.feed_error}")


cli.add_command(alerts)


def main() -> None:
    cli(prog_name="digest")
