"""The Five Questions' order and pointer, derived from the record (no Textual, no SQL to read).

Every terminal computes the same answer order and the same "whose answer comes next" from the
same rows, so the facilitator and the note-taker point at the same person without telling each
other anything. Seed 003: the most senior answers last, so nobody orbits the executive's answer.

Seniority: a number set on the attendee wins (higher = more senior); where none is set (0, the
default), roles and titles decide — executive sponsor, then decision-maker, then C-level, VP,
Head, Director, then the rest. :func:`set_order` writes an order chosen by hand as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kickoff_tui.core.store import Store

#: (pattern on the title, rank): the first match gives the rank; roles rank above titles.
_TITLE_RANKS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\b(c[a-z]?o|ciso|chief|founder|president|owner)\b", re.I), 40),
    (re.compile(r"\b(vp|svp|evp|vice[- ]president)\b", re.I), 30),
    (re.compile(r"\bhead\b", re.I), 20),
    (re.compile(r"\bdirector\b", re.I), 10),
)
_ROLE_RANKS = {"executive-sponsor": 60, "decision-maker": 50}
#: What a rank is called in the view ("why is she last?").
RANK_NAMES = {60: "sponsor", 50: "decides", 40: "C-level", 30: "VP", 20: "Head", 10: "Director"}


def _roles(person: Any) -> list[str]:
    roles = getattr(person, "roles", "")
    if isinstance(roles, str):
        return [r for r in roles.split(",") if r]
    return list(roles)


def implied_rank(person: Any) -> int:
    """Seniority as the roles and title say it (0 = nothing says so)."""
    ranks = [_ROLE_RANKS[r] for r in _roles(person) if r in _ROLE_RANKS]
    title = getattr(person, "title", "") or ""
    ranks += [rank for pattern, rank in _TITLE_RANKS if pattern.search(title)][:1]
    return max(ranks, default=0)


def answer_order(people: Iterable[Any]) -> list[Any]:
    """Least senior first, most senior last: a set seniority first, then roles and titles."""
    return sorted(people, key=lambda a: (a.seniority or 0, implied_rank(a), a.id or 0))


def next_up(order: Sequence[Any], answered: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
    """(question, attendee id) whose answer comes next: the lowest question someone present has
    not answered, and the least senior of those who have not. None when every answer is in."""
    done = set(answered)
    for question in range(1, 6):
        for person in order:
            if person.id is not None and (person.id, question) not in done:
                return question, person.id
    return None


def set_order(store: Store, meeting_id: str, attendee_ids: Sequence[int], by: str = "cli") -> None:
    """Write an order chosen by hand (least senior first) as seniority 1, 2, … in one
    transaction, so every terminal's order follows it."""
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.models import Attendee

    with store.write(by) as s:
        for n, aid in enumerate(attendee_ids, start=1):
            a = s.get(Attendee, aid, with_for_update=True)
            if a is None or a.meeting_id != meeting_id:
                raise InputError(f"no attendee #{aid} in {meeting_id} — nothing was changed")
            if a.seniority != n:
                a.seniority = n
                s.add(a)
