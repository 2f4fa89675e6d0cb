"""Weeks: an edition is one ISO week in the configured time zone, Monday 00:00 to Monday 00:00.

The one place that knows how weeks (and a daily digest's day) are named, where they begin and
end, and how their dates are written for readers ("16–22 November 2026", "Friday 4 December 2026").
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from digest.errors import DigestError
from digest.models import utc_now

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_label(moment: datetime, tz: ZoneInfo) -> str:
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(label: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 local to the next Monday 00:00 local, both aware."""
    match = _WEEK.match(label)
    if not match:
        raise DigestError(f"--week: {label!r} is not a week (use YYYY-Www, current or last)")
    try:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise DigestError(f"--week: {label!r} does not exist") from None
    start = datetime.combine(monday, time(0), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz)
    return start, end


def week_days(label: str, tz: ZoneInfo) -> tuple[date, date]:
    """The week's first and last day (Monday and Sunday)."""
    start, end = week_bounds(label, tz)
    return start.date(), (end - timedelta(days=1)).date()


def resolve_week(value: str | None, tz: ZoneInfo, now: datetime | None = None) -> str:
    """'current', 'last' (the default: the last complete week) or an explicit YYYY-Www."""
    now = now or utc_now()
    if value in (None, "last"):
        return week_label(now - timedelta(days=7), tz)
    if value == "current":
        return week_label(now, tz)
    week_bounds(value, tz)
    return value


def refuse_future(label: str, tz: ZoneInfo, now: datetime | None = None) -> str:
    """The week, if it has begun; a week after the current one is an error."""
    current = week_label(now or utc_now(), tz)
    if week_bounds(label, tz)[0] > week_bounds(current, tz)[0]:
        raise DigestError(f"--week: {label} has not begun yet (the current week is {current})")
    return label


def shift_week(label: str, weeks: int, tz: ZoneInfo) -> str:
    start, _ = week_bounds(label, tz)
    return week_label(start + timedelta(days=7 * weeks, hours=12), tz)


def long_date(day: date) -> str:
    """"16 November 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def long_day(day: date) -> str:
    """"Friday 4 December 2026" (a daily digest's day)."""
    return f"{DAYS[day.weekday()]} {long_date(day)}"


def day_label(moment: datetime, tz: ZoneInfo) -> str:
    """A daily digest's label: its day in the time zone, YYYY-MM-DD."""
    return moment.astimezone(tz).date().isoformat()


def date_range(start: date, end: date) -> str:
    """"16–22 November 2026", "30 November – 6 December 2026", "29 December 2025 – 4 January 2026"."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{long_date(end)}"
    first = f"{start.day} {MONTHS[start.month - 1]}" + ("" if start.year == end.year else f" {start.year}")
    return f"{first} – {long_date(end)}"
