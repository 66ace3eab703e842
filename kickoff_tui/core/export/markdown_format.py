"""How the Markdown record writes dates, times and durations.

Our own text, never user text: English day and month names (the record must not change with the
machine's locale), local times with the zone's abbreviation, minutes with at most one decimal.
"""

from __future__ import annotations

import datetime as dt

import pendulum

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def iso_date(d: dt.date | None) -> str:
    """``2026-11-27 (Fri)``: ISO for machines and sorting, the weekday for people."""
    if d is None:
        return ""
    return f"{d.isoformat()} ({_WEEKDAYS[d.weekday()][:3]})"


def long_date(d: dt.date) -> str:
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def hm(t: dt.datetime) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def local(value: dt.datetime, tz: str) -> pendulum.DateTime:
    return pendulum.instance(value).in_timezone(tz)


def local_datetime(value: dt.datetime, tz: str) -> str:
    t = local(value, tz)
    return f"{long_date(t.date())}, {hm(t)} {t.tzname()} ({tz})"


def span(start: pendulum.DateTime, end: pendulum.DateTime, tz: str) -> str:
    """``Tuesday 24 November 2026, 15:00–16:30 CET (Europe/Berlin)``."""
    head = f"{long_date(start.date())}, {hm(start)}"
    if end.date() != start.date():
        tail = f"{long_date(end.date())}, {hm(end)} {end.tzname()}"
    elif end.tzname() != start.tzname():
        tail = f"{hm(end)} {end.tzname()}"
        head += f" {start.tzname()}"
    else:
        tail = f"{hm(end)} {end.tzname()}"
    return f"{head}–{tail} ({tz})"


def minutes(seconds: float) -> str:
    """Seconds as minutes with at most one decimal: ``12``, ``9.5``."""
    text = f"{seconds / 60:.1f}"
    return text[:-2] if text.endswith(".0") else text


def days(n: int) -> str:
    return "1 day" if abs(n) == 1 else f"{abs(n)} days"
