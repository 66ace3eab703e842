"""The quick-capture grammar: one typed line becomes one kickoff item.

Headless on purpose (no Textual import): the facilitator's screen, the note-taker's screen and the
tests must all read a line the same way. The grammar is a handful of tokens mixed into free text::

    action send the SSO checklist @maria due:fri sev:high side:them status:open #internal
    risk SSO approval may slip @dana sev:high mit:"Start the questionnaire now" esc:@sam

``mit:"…"`` is a risk's mitigation (quoted like ``@"Full Name"``; one word needs no quotes), and
``esc`` or ``esc:@name`` flags an escalation (seed 002: it threatens the timeline, compliance or
go-live), to whom when named. ``\\esc`` keeps the word as text.

Words come from ``vocab`` (every listed spelling of a side, severity, status or kind) and owners
are matched by ``people.match`` (``@maria`` = ``@María`` = ``@lopez``); an owner who fits two
attendees is an error naming both, an unknown one is kept and flagged. A ``#word`` close to a
known tag (``#intenral``) is an error, so a typo never makes a secret item public.

Everything that is not a token is kept verbatim (only whitespace is collapsed), because notes are
the customer's own words and may contain anything, including text that looks like markup.
Dates resolve against the *meeting's* date in the meeting's time zone, never against today:
captures are often typed or replayed after the call, and "due:fri" means the Friday after the call.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pendulum

from kickoff_tui.core.errors import CaptureError
from kickoff_tui.core.people import Ambiguous, Candidate, Matcher, Unresolved, candidates
from kickoff_tui.core.text import clean
from kickoff_tui.core.vocab import (
    ITEM_KINDS,
    KIND_ALIASES,
    Severity,
    Side,
    Status,
    Tag,
    literal,
    read_tag,
)

__all__ = ["ITEM_KINDS", "KIND_ALIASES", "Capture", "normalize_kind", "parse_capture"]

#: A date further than this from the meeting is a typo (due:+999999d), not a plan.
DATE_LIMIT_YEARS = 5
_DATE_FORMS = "use today, tomorrow, a weekday (fri), +3d, +2w, eow, eom, 2026-12-01 or Dec 1"
_TRAILING = ".,;:!?)"  # left after a token by fast typists: "@maria," or "due:fri."
_TOKEN_RE = re.compile(r'@"[^"]*"\S*|(?i:mit:|esc:@)"[^"]*"\S*|\S+')
_DAY_RE = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?")

_WEEKDAYS = {
    name: day
    for day, names in (
        (pendulum.MONDAY, ("mon", "monday")),
        (pendulum.TUESDAY, ("tue", "tues", "tuesday")),
        (pendulum.WEDNESDAY, ("wed", "wednesday")),
        (pendulum.THURSDAY, ("thu", "thur", "thurs", "thursday")),
        (pendulum.FRIDAY, ("fri", "friday")),
        (pendulum.SATURDAY, ("sat", "saturday")),
        (pendulum.SUNDAY, ("sun", "sunday")),
    )
    for name in names
}
_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTHS = {
    **{name: n for n, name in enumerate(_MONTH_NAMES, 1)},
    **{name[:3]: n for n, name in enumerate(_MONTH_NAMES, 1)},
    "sept": 9,
}


@dataclass(frozen=True, slots=True)
class Capture:
    """What one line says. ``text`` is never empty; unknown owners are kept but flagged."""

    text: str
    kind: str | None = None
    owner: str | None = None
    owner_attendee_id: int | None = None
    owner_known: bool = True
    due: pendulum.Date | None = None
    severity: str | None = None
    side: str | None = None  # a vocab.Side value: "ours" / "theirs"
    internal: bool = False
    warnings: tuple[str, ...] = ()
    status: str | None = None  # a vocab.Status value when the line said status:…
    mitigation: str | None = None  # mit:"…"
    escalated: bool = False  # esc or esc:@name
    escalated_to: str | None = None  # the person esc:@name names (resolved like an owner)


def normalize_kind(word: str) -> str | None:
    """The canonical kind for ``word`` (any case, alias or plural), or None when it is not one."""
    return KIND_ALIASES.get(word.lower())


def resolve_date(token: str, base: pendulum.Date) -> pendulum.Date:
    """Resolve a ``due:`` value against ``base`` (the meeting's local date).

    Written by hand because ``pendulum.parse`` only reads ISO and its lenient mode resolves
    against the real today (see TECH_NOTES, "Dates").
    """
    word = " ".join(token.split()).lower()
    try:
        found: pendulum.Date | None = _resolve(word, base)
        shown = found.to_date_string() if found is not None else ""
    except _NoSuchDate:
        message = f"no such date '{token}' in due:{token} — check the month and day"
        raise CaptureError(message, token) from None
    except (OverflowError, ValueError):  # +99999999d: beyond the calendar's last year
        found, shown = pendulum.date(9999, 12, 31), "past the year 9999"
    if found is None:
        raise CaptureError(f"unknown date '{token}' in due:{token} — {_DATE_FORMS}", token)
    latest = base.add(years=DATE_LIMIT_YEARS)
    earliest = base.subtract(years=DATE_LIMIT_YEARS)
    if not earliest <= found <= latest:
        when = "after" if found > latest else "before"
        shown = f" ({shown})" if shown != word else ""
        raise CaptureError(
            f"due:{token}{shown} is more than {DATE_LIMIT_YEARS} years {when} the meeting "
            f"({base.to_date_string()}) — check the date",
            token,
        )
    return found


class _NoSuchDate(Exception):
    """A well-formed date that the calendar does not have (2026-02-30, Nov 31)."""


@functools.lru_cache(maxsize=1024)  # "due:fri" on 100,000 lines of one meeting: once
def _resolve(word: str, base: pendulum.Date) -> pendulum.Date | None:
    if word == "today":
        return base
    if word == "tomorrow":
        return base.add(days=1)
    if word in _WEEKDAYS:  # strictly after: "due:mon" in a Monday meeting means next week
        return base.next(_WEEKDAYS[word])
    if word == "eow":
        return base if base.day_of_week == pendulum.FRIDAY else base.next(pendulum.FRIDAY)
    if word == "eom":
        return base.end_of("month")
    if m := re.fullmatch(r"\+([0-9]+)([dw])", word):
        n = int(m.group(1))
        return base.add(days=n) if m.group(2) == "d" else base.add(weeks=n)
    if m := re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", word):
        try:
            return pendulum.date(*(int(g) for g in m.groups()))
        except ValueError:
            raise _NoSuchDate from None
    return _month_day(word, base)


def _month_day(word: str, base: pendulum.Date) -> pendulum.Date | None:
    """``Dec 1`` / ``1 Dec`` / ``December 1st``: the next occurrence on or after ``base``."""
    parts = word.split()
    if len(parts) != 2:
        return None
    first, second = (p.rstrip(".") for p in parts)
    if first in _MONTHS and (day := _DAY_RE.fullmatch(second)):
        month = _MONTHS[first]
    elif second in _MONTHS and (day := _DAY_RE.fullmatch(first)):
        month = _MONTHS[second]
    else:
        return None
    for year in range(base.year, base.year + 9):  # nine years always reaches a Feb 29
        try:
            found = pendulum.date(year, month, int(day.group(1)))
        except ValueError:
            continue
        if found >= base:
            return found
    raise _NoSuchDate


def _pairs(value: str, following: str) -> bool:
    """Whether ``due:Dec`` + ``1`` (or ``due:1`` + ``Dec``) form one two-word date."""
    a, b = value.rstrip(_TRAILING).lower(), following.rstrip(_TRAILING).lower()
    return (a in _MONTHS and bool(_DAY_RE.fullmatch(b))) or (
        bool(_DAY_RE.fullmatch(a)) and b in _MONTHS
    )


def owner_name(word: str) -> str | None:
    """The name in an ``@`` token, or None when the word is plain text (a lone ``@``)."""
    if word.startswith('@"'):
        close = word.find('"', 2)
        if close < 0:
            raise CaptureError(f'unclosed quote in {word} — write @"First Last"', word)
        if word[close + 1 :].strip(_TRAILING):
            message = f"text right after the quote in {word} — add a space after it"
            raise CaptureError(message, word)
        name = " ".join(word[2:close].split())
        if not name:
            raise CaptureError('empty owner @"" — type a name, e.g. @maria', word)
        return name
    return " ".join(word[1:].rstrip(_TRAILING).replace("_", " ").split()) or None


def _resolve_owner(
    raw: str, attendees: Sequence[object], token: str
) -> tuple[str, int | None, str | None]:
    """(owner, attendee id, warning), matched by ``people.match``.

    An unknown owner is kept as typed and flagged rather than refused, so a note-taker never
    loses a line because someone joined late. One that fits two attendees is refused with both
    names and how to pick one: guessing would give the action to the wrong person.
    """
    found = _matcher(tuple((c.id, c.name) for c in candidates(attendees)))(raw)
    if isinstance(found, Ambiguous):
        raise CaptureError("owner " + found.message(token), token)
    if isinstance(found, Unresolved):
        return found.typed, None, f"owner '{found.typed}' is not an attendee"
    return found.name, found.id, None


@functools.lru_cache(maxsize=32)
def _matcher(attendees: tuple[tuple[int, str], ...]) -> Matcher[Candidate]:
    """One matcher per attendee list: its names are folded once, not once per line (a bulk
    import parses 100,000 lines of one meeting)."""
    return Matcher(candidates(attendees))


def _lookup(word: str, family: str) -> str:
    value = word[len(family) :].rstrip(_TRAILING)
    enum = {"sev:": Severity, "side:": Side, "status:": Status}[family]
    if (found := enum.parse(value)) is None:
        what = {"sev:": "severity", "side:": "side", "status:": "status"}[family]
        raise CaptureError(f"unknown {what} '{value}' in {word} — use {enum.forms(family)}", word)
    return found.value


_FAMILIES = ("due:", "sev:", "side:", "status:", "mit:", "esc:")
_REPEATED = {
    "@": "owners", "due:": "due dates", "sev:": "severities", "side:": "sides",
    "status:": "statuses", "mit:": "mitigations", "esc:": "escalations",
}  # fmt: skip
#: The first characters a token can have: @owner, due:, sev:, side:, status:, mit:, esc (any
#: case), #tag, and ``\#word`` / ``\esc`` (text that only looks like a token). Any other word is
#: plain text as it is.
_TOKEN_STARTS = frozenset("@dDsSmMeE#\\")
_MIT_FORM = 'mit:"what we will do about it"'


def mitigation_text(word: str) -> str:
    """The mitigation in a ``mit:`` token: ``mit:"Start the questionnaire"`` or ``mit:word``."""
    value = word[4:]
    quoted = value.startswith('"')
    if quoted:
        close = value.find('"', 1)
        if close < 0:
            raise CaptureError(f"unclosed quote in {word} — write {_MIT_FORM}", word)
        if value[close + 1 :].strip(_TRAILING):
            raise CaptureError(f"text right after the quote in {word} — add a space after it",
                               word)  # fmt: skip
        value = value[1:close]
    text = " ".join((value if quoted else value.rstrip(_TRAILING)).split())
    if not text:
        raise CaptureError(f"empty mitigation {word} — write {_MIT_FORM}", word)
    return text


@functools.lru_cache(maxsize=64)
def _base_date(meeting_start: dt.datetime, tz: str | None) -> pendulum.Date:
    """The meeting's local date (cached: a bulk import parses 100,000 lines of one meeting)."""
    start = pendulum.instance(meeting_start)
    return (start.in_timezone(tz) if tz else start).date()


def _tokens_only(words: Sequence[str]) -> bool:
    """Whether every word is a token (@owner, due:/sev:/…, #tag): what may follow a bare esc."""
    for word in words:
        low = word.lower()
        if word[0] in "@#" or any(low.startswith(f) for f in _FAMILIES):
            continue
        return False
    return True


def parse_capture(
    line: str,
    meeting_start: pendulum.DateTime,
    attendees: Sequence[tuple[int, str]] = (),
    *,
    allow_kind: bool = False,
    tz: str | None = None,
) -> Capture:
    """Parse one capture line; raise ``CaptureError`` naming the first token that makes no sense.

    ``attendees`` are ``(id, full name)`` pairs or attendee rows. ``tz`` is the meeting's zone:
    the base date for ``due:`` is the meeting's *local* date, which can differ from its UTC date.
    The line is cleaned first (core/text.py), so the preview shows the same error the save would
    give.
    """
    line = clean(line, field="the line")
    base = _base_date(meeting_start, tz)
    words = _TOKEN_RE.findall(line)
    kind = None
    # Only whole kind words lead a line: "a new dashboard" or "in two weeks" are plain text.
    lead = words[0].rstrip(":").lower() if words else ""
    if allow_kind and len(lead) > 3 and (kind := normalize_kind(lead)):
        words = words[1:]

    text: list[str] = []
    seen: dict[str, str] = {}  # token family -> the token, to refuse a second one
    raw_owner: str | None = None
    due: pendulum.Date | None = None
    severity: str | None = None
    side: str | None = None
    status: str | None = None
    owner_token = ""
    internal = False
    mitigation: str | None = None
    escalated = False
    raw_esc: str | None = None
    esc_token = ""
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word[0] not in _TOKEN_STARTS:  # plain text: most words of most lines
            text.append(word)
            continue
        low = word.lower()
        family = next((f for f in _FAMILIES if low.startswith(f)), None)
        if word[0] == "@" and (name := owner_name(word)):
            family = "@"
        if low.rstrip(_TRAILING) == "esc" and _tokens_only(words[i:]):
            family = "esc:"  # a bare esc flags only among the tokens at the end of the line
            # ("Fix the Esc key handler" is text, "may slip sev:high esc" is the flag)
        if low.rstrip(_TRAILING) == "\\esc":
            text.append(word[1:])
            continue
        if family is None:
            if read_tag(word) is Tag.INTERNAL:
                internal = True
            else:
                text.append(literal(word))
            continue
        if family in seen:
            message = f"two {_REPEATED[family]} ({seen[family]}, {word}) — keep one"
            raise CaptureError(message, word)
        seen[family] = word
        if family == "@":
            raw_owner, owner_token = name, word
        elif family == "sev:":
            severity = _lookup(word, family)
        elif family == "side:":
            side = _lookup(word, family)
        elif family == "status:":
            status = _lookup(word, family)
        elif family == "mit:":
            mitigation = mitigation_text(word)
        elif family == "esc:":
            escalated = True
            target = word[4:]
            if target and not (target.startswith("@") and (esc_name := owner_name(target))):
                raise CaptureError(f"{word}: escalate to a person — write esc or esc:@name", word)
            if target:
                raw_esc, esc_token = esc_name, word
        else:
            value = word[len(family) :]
            if not value:
                message = f"due: needs a date right after it, e.g. due:fri — {_DATE_FORMS}"
                raise CaptureError(message, word)
            if i < len(words) and _pairs(value, words[i]):
                value, i = f"{value} {words[i]}", i + 1
            due = resolve_date(value.rstrip(_TRAILING), base)

    if not text:
        raise CaptureError("nothing to capture: type the item text (tokens only add details)")

    owner, owner_id, warning = None, None, None
    if raw_owner is not None:
        owner, owner_id, warning = _resolve_owner(raw_owner, attendees, owner_token)
    warnings = [warning] if warning else []
    escalated_to = None
    if raw_esc is not None:
        escalated_to, _, esc_warning = _resolve_owner(raw_esc, attendees, esc_token)
        if esc_warning:
            warnings.append(esc_warning.replace("owner", "escalation to", 1))
    if due is not None and due < base:
        warnings.append(f"due {due.format('ddd D MMM YYYY')} is before the meeting — "
                        "check the date")  # fmt: skip
    elif due is not None and due > base.add(months=6):
        months = (due.year - base.year) * 12 + due.month - base.month
        said = f"due {due.format('ddd D MMM YYYY')} is {months} months after the meeting"
        warnings.append(f"{said} — check the date (due:{due.to_date_string()} says the year)")
    return Capture(
        text=" ".join(text),
        kind=kind,
        owner=owner,
        owner_attendee_id=owner_id,
        owner_known=warning is None,
        due=due,
        severity=severity,
        side=side,
        internal=internal,
        warnings=tuple(warnings),
        status=status,
        mitigation=mitigation,
        escalated=escalated,
        escalated_to=escalated_to,
    )


def describe(c: Capture) -> str:
    """A one-line plain-text preview of the details (not the text); '' when there are none.

    Plain text, not markup: callers rendering it with Rich markup must escape it (owner names
    are user input).
    """
    parts: list[str] = [c.kind] if c.kind else []
    if c.owner is not None:
        if c.owner_known:
            parts.append(f"owner {c.owner}")
        else:
            parts.append(f"owner {Unresolved(c.owner).label}")
    if c.due is not None:
        parts.append(f"due {c.due.format('ddd D MMM YYYY')}")
    if c.severity:
        parts.append(f"sev {c.severity}")
    if c.side:
        parts.append(f"side {c.side}")
    if c.status:
        parts.append(c.status)
    if c.mitigation:
        parts.append(f"mitigation {c.mitigation}")
    if c.escalated:
        parts.append(f"escalated to {c.escalated_to}" if c.escalated_to else "escalated")
    if c.internal:
        parts.append("internal")
    return " · ".join(parts)
