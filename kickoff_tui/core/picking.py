"""Which meetings the picker lists first, and which a typed filter keeps (no Textual here).

Today's and upcoming meetings come first, soonest first; then the ones that are over, the most
recent first. Names sort naturally ("Client 2" before "Client 10"). A filter keeps a meeting when
its letters appear in order in the client, the title or the id (case and accents do not count),
whole-word and substring matches first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import pendulum

from kickoff_tui.core.people import fold

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key where the numbers in a name count as numbers: "Client 2" < "Client 10"."""
    parts = _DIGITS.split(fold(text))
    return tuple(int(p) if n % 2 else p for n, p in enumerate(parts))


def _start(m: Any) -> pendulum.DateTime:
    start: pendulum.DateTime = pendulum.instance(m.start_utc).in_timezone(m.tz)
    return start


def order_meetings(meetings: Iterable[Any], now: pendulum.DateTime) -> list[Any]:
    """Today's and upcoming first (soonest first), then past ones (most recent first)."""

    def key(m: Any) -> tuple[Any, ...]:
        start = _start(m)
        ahead = start.date() >= now.in_timezone(m.tz).date()
        when = start.timestamp() if ahead else -start.timestamp()
        return (0 if ahead else 1, when, natural_key(m.title), natural_key(m.id))

    return sorted(meetings, key=key)


def _subsequence_span(needle: str, hay: str) -> int | None:
    """How spread out ``needle``'s letters are in ``hay`` (None: not all there, in order)."""
    pos, first = 0, -1
    for ch in needle:
        pos = hay.find(ch, pos)
        if pos < 0:
            return None
        if first < 0:
            first = pos
        pos += 1
    return pos - first


def match_score(query: str, m: Any) -> int | None:
    """0 for a substring of the client, title or id, more for looser matches; None: no match."""
    q = fold(query).replace(" ", "")
    if not q:
        return 0
    best: int | None = None
    for field in (m.client, m.title, m.id):
        hay = fold(field)
        if q in hay.replace(" ", ""):
            return 0
        span = _subsequence_span(q, hay)
        if span is not None and (best is None or span < best):
            best = span
    return best


def filter_meetings(ordered: Sequence[Any], query: str) -> list[Any]:
    """The meetings ``query`` keeps, closest first, in ``ordered``'s order among equals."""
    scored = [(s, n, m) for n, m in enumerate(ordered) if (s := match_score(query, m)) is not None]
    return [m for _s, _n, m in sorted(scored, key=lambda t: (t[0], t[1]))]
