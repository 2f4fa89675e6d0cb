"""`digest alerts`: preview a rule on the archive, list the rules' state, resend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from digest.cli_common import config_of, store_of, user_errors


@click.group()
def alerts() -> None:
    """Alert rules (`alerts:` in the config): preview a rule on the archive, list their state, resend."""


@alerts.command("list")
@click.pass_context
@user_errors
def alerts_list(ctx: click.Context) -> None:
    """Each rule: what it matches, where it sends, its last match and its deliveries.

    Example: digest alerts list
    """
    from digest.alert_delivery import rule_in_words
    from digest.records import stamp

    config = config_of(ctx)
    if not config.alerts:
        click.echo("No alert rules (add them under `alerts:` in the config).")
        return
    states = store_of(ctx).alerts.states()
    for rule in config.alerts:
        state = states.get(rule.name)
        targets = ", ".join(t.removeprefix("email:") for t in rule.targets()) or "nowhere (preview only)"
        click.echo(f"{rule.name}: {rule_in_words(rule)} -> {targets}")
        if state is None:
            click.echo("  never matched")
            continue
        click.echo(f"  {state.matches} match(es), the last {stamp(state.last_match)}; deliveries: {state.sent} sent, "
                   f"{state.waiting} waiting, {state.failed} failed, {state.possibly_sent} possibly sent")
        if state.last_error:
            click.echo(f"  last failure: {state.last_error}")


@alerts.command("test")
@click.argument("name")
@click.option("--since", default="90d", show_default=True, metavar="DURATION|all",
              help="How far back to look (e.g. 30d, at most 366d), or all of the archive.")
@click.pass_context
@user_errors
def alerts_test(ctx: click.Context, name: str, since: str) -> None:
    """List what rule NAME would have matched in the archive, with counts a week; sends nothing.

    Example: digest alerts test "Kent knives" --since 180d
    """
    from collections import Counter

    from digest.alert_delivery import rule_in_words
    from digest.alerts import preview
    from digest.config import parse_duration
    from digest.models import utc_now
    from digest.weeks import week_label

    config = config_of(ctx)
    rule = next((r for r in config.alerts if r.name == name), None)
    if rule is None:
        known = ", ".join(repr(r.name) for r in config.alerts) or "none"
        raise click.ClickException(f"alerts: no rule named {name!r} (the rules: {known})")
    try:
        start = datetime.min.replace(tzinfo=UTC) if since == "all" else utc_now() - timedelta(
            seconds=parse_duration(since))
    except ValueError as exc:
        raise click.BadParameter(f"{exc}, or all", param_hint="--since") from None
    matched = preview(rule, store_of(ctx).alerts.stored_since(start))
    weeks = Counter(week_label(m.first_seen, config.tz) for m in matched)
    when = "in the whole archive" if since == "all" else f"since {start.astimezone(config.tz):%Y-%m-%d %H:%M}"
    click.echo(f"{rule.name}: {rule_in_words(rule)}; {len(matched)} stor{'y' if len(matched) == 1 else 'ies'} "
               f"{when} (nothing sent)")
    for week in sorted(weeks):
        click.echo(f"  {week}: {weeks[week]}")
    for m in matched:
        c = m.candidate
        click.echo(f"{m.first_seen.astimezone(config.tz):%Y-%m-%d} item {m.item_id}: {c.title}"
                   + (f" ({c.area})" if c.area else ""))


@alerts.command("resend")
@click.argument("name", required=False)
@click.pass_context
@user_errors
def alerts_resend(ctx: click.Context, name: str | None) -> None:
    """Send again the deliveries (of rule NAME) that failed for good or were possibly sent.

    Example: digest alerts resend "Kent knives"
    """
    from digest.lock import holding
    from digest.service import alert_step

    config = config_of(ctx)
    store = store_of(ctx)
    with holding(config.database, "ingest"):
        count = store.alerts.resend(name)
        click.echo(f"{count} deliver{'y' if count == 1 else 'ies'} to send again")
        for outcome in alert_step(config, store):
            click.echo(outcome.line())
