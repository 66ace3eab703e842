"""The agreed cadence as a calendar rule: "Weekly status, Tuesdays 10:00, 30 minutes" →
``FREQ=WEEKLY;BYDAY=TU`` (RFC 5545 RRULE), so the next-meeting invite repeats as agreed.

Read from the words people type: ``daily``/``every day``, ``weekly``/``every week``,
``biweekly``/``fortnightly``/``every other week``/``every 2 weeks``, ``monthly``/``every month``,
and weekday names (``Tue``, ``Tuesdays``, ``Dienstag`` is not read). No frequency word: no rule
(a cadence that is not understood must not invent a series). Pure; imports the standard library.
"""

from __future__ import annotations

import re
from typing import Any

_DAYS = {
    "mo": ("mon", "monday", "mondays"),
    "tu": ("tue", "tues", "tuesday", "tuesdays"),
    "we": ("wed", "wednesday", "wednesdays"),
    "th": ("thu", "thur", "thurs", "thursday", "thursdays"),
    "fr": ("fri", "friday", "fridays"),
    "sa": ("sat", "saturday", "saturdays"),
    "su": ("sun", "sunday", "sundays"),
}
_DAY_WORDS = {word: code.upper() for code, words in _DAYS.items() for word in words}
_EVERY_N = re.compile(r"\bevery\s+(\d{1,2}|two|three|four)\s+(day|week|month)s?\b")
_NUMBERS = {"two": 2, "three": 3, "four": 4}


def rrule_of(text: str | None) -> dict[str, Any] | None:
    """The RRULE parts (``{"FREQ": "WEEKLY", "BYDAY": ["TU"]}``) a cadence text states, or
    None when it states no frequency."""
    if not text:
        return None
    low = " ".join(text.lower().split())
    words = re.findall(r"[a-z]+", low)
    freq: str | None = None
    interval = 1
    if m := _EVERY_N.search(low):
        n = m.group(1)
        interval = int(n) if n.isdigit() else _NUMBERS[n]
        freq = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}[m.group(2)]
    elif any(w in ("biweekly", "fortnightly", "bi") for w in words) or "every other week" in low:
        freq, interval = "WEEKLY", 2
    elif "weekly" in words or "every week" in low or "each week" in low:
        freq = "WEEKLY"
    elif "daily" in words or "every day" in low or "each day" in low:
        freq = "DAILY"
    elif "monthly" in words or "every month" in low or "each month" in low:
        freq = "MONTHLY"
    days = list(dict.fromkeys(_DAY_WORDS[w] for w in words if w in _DAY_WORDS))
    if freq is None:
        if not any(w.endswith("days") and w in _DAY_WORDS for w in words):
            return None
        freq = "WEEKLY"  # "Tuesdays 10:00": a day every week (a lone "Tue" states no series)
    rule: dict[str, Any] = {"FREQ": freq}
    if interval > 1:
        rule["INTERVAL"] = interval
    if days and freq == "WEEKLY":
        rule["BYDAY"] = days
    return rule


def rrule_text(rule: dict[str, Any]) -> str:
    """``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH`` (for messages and tests)."""
    return ";".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in rule.items())
