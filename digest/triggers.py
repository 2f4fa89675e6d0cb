"""When the scheduled jobs are due: the weekly edition's and the daily digest's times.

Apart from the service (digest.scheduler) so that `digest status` can say when they are next due
without importing the service and everything it runs.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger

from digest.models import utc_now

if TYPE_CHECKING:
    from digest.config import Config


def weekly_trigger(config: Config) -> CronTrigger:
    day, clock = config.schedule.digest.split()
    due = _time_of_day(clock)
    return CronTrigger(day_of_week=day, hour=due.hour, minute=due.minute, timezone=config.tz)


def daily_trigger(config: Config) -> CronTrigger:
    due = _time_of_day(config.schedule.daily)
    return CronTrigger(hour=due.hour, minute=due.minute, timezone=config.tz)


def last_daily_time(config: Config, now: datetime | None = None) -> datetime:
    """When the daily digest was last due: `schedule.daily` today, or yesterday if that is still to come."""
    now = (now or utc_now()).astimezone(config.tz)
    due = _time_of_day(config.schedule.daily)
    today = datetime.combine(now.date(), due, tzinfo=config.tz)
    return today if today <= now else datetime.combine(now.date() - timedelta(days=1), due, tzinfo=config.tz)


def _time_of_day(clock: str) -> time:
    hour, minute = (int(part) for part in clock.split(":"))
    return time(hour, minute)
