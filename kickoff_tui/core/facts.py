"""Fact words on the capture line: lines that set meeting facts or people instead of adding items.

Headless like the capture grammar (no Textual import), so the facilitator's line, the note-taker's
line and the tests read a fact the same way::

    person Maria Lopez, VP Operations side:them role:dm,sponsor sen:5
    role decision-maker @maria
    cadence Weekly status, Tuesdays 10:00 CET, 30 min; Slack #acme
    next fri 10:00
    first-value Dashboard live for the ops team due:Dec 4
    present @maria / absent @maria   (also: here/attending, away/missing)

``#internal`` (any case) keeps a fact out of every client output: ``cadence … #internal``,
``first-value … due:… #internal``, ``person Dana Kim, hates long calls #internal`` (the title or
note after the comma). Facts have no visibility column, so the tag stays in the stored text and
``vocab.split_tags`` reads it back; the next meeting has no text to hold it, so ``next … #internal``
sets ``meeting.next_meeting_internal``. A near-miss tag (``#intenral``) is refused.
People are matched by ``people.match``, as owners are.

Parsing never writes: ``parse_fact`` either returns a :class:`Fact` (with a plain-text preview) or
raises :class:`CaptureError` naming the bad token and the accepted form, so a bad line leaves the
file exactly as it was. ``apply_fact`` then makes the change through ``record``.

Dates resolve against the meeting's local date and times are read in the meeting's zone, never the
typist's: the facilitator may sit in another zone than the client, and "next fri 10:00" is agreed
in the room.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pendulum

from kickoff_tui.core.capture import owner_name, parse_capture, resolve_date
from kickoff_tui.core.errors import CaptureError, InputError
from kickoff_tui.core.people import Ambiguous, Unresolved, candidates, fold, match
from kickoff_tui.core.text import clean
from kickoff_tui.core.vocab import (
    INTERNAL_TAG,
    ROLES,
    Presence,
    Side,
    Tag,
    literal,
    read_tag,
    read_tags,
    with_tags,
)

if TYPE_CHECKING:  # parsing a fact needs no SQLModel (the capture line previews it per key)
    from kickoff_tui.core.models import Meeting
    from kickoff_tui.core.store import Store

FACT_WORDS: tuple[str, ...] = (
    "person",
    "role",
    "cadence",
    "next",
    "first-value",
    "present",
    "absent",
)

#: Every first word ``fact_word`` accepts (lower case), canonical words included.
FACT_ALIASES: dict[str, str] = {
    **{word: word for word in FACT_WORDS},
    "who": "person",
    "attendee": "person",
    "roles": "role",
    "next-meeting": "next",
    "firstvalue": "first-value",
    "first_value": "first-value",
    "fv": "first-value",
    **{w: p.value for w, p in Presence.spellings().items() if w not in ("yes", "no")},
}

#: Short role names a typist reaches for, mapped to ``models.ROLES``.
ROLE_ALIASES: dict[str, str] = {
    **{role: role for role in ROLES},
    "dm": "decision-maker",
    "decider": "decision-maker",
    "sponsor": "executive-sponsor",
    "exec": "executive-sponsor",
    "exec-sponsor": "executive-sponsor",
    "tech": "technical-owner",
    "technical": "technical-owner",
    "primary": "primary-contact",
    "escalation": "escalation-contact",
    "lead": "champion",
    "project-lead": "champion",
    "enduser": "end-user-rep",
    "end-user": "end-user-rep",
}

_TRAILING = ".,;:!?)"  # left after a token by fast typists: "@maria," or "sen:5."
_TOKEN_RE = re.compile(r'@"[^"]*"\S*|\S+')
_CLOCK_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})(am|pm)?")
_HOUR_RE = re.compile(r"([0-9]{1,2})(am|pm)")
_ISO_RE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})t([0-9]{1,2}:[0-9]{2})")
_PERSON_TOKENS = {
    "side": "side", "role": "role", "roles": "role", "sen": "sen", "senior": "sen",
    "seniority": "sen",
}  # fmt: skip
_FILLER = {"and", "as", "&", "+"}  # "role dm and sponsor @maria", "role @maria as dm"

_ROLE_FORMS = f"use one of: {', '.join(ROLES)} (or dm, sponsor, tech, primary, escalation, enduser)"
_PERSON_FORM = "person Maria Lopez, VP Operations side:them role:dm sen:5"
_TIME_FORMS = "10:00, 9:30, 3pm or 3:30pm"


@dataclass(frozen=True)
class Fact:
    """What one fact line says; ``summary`` is a plain-text preview (user text, not markup).

    Which fields are set depends on ``word``: person (name, title, side, roles, seniority),
    role (attendee_id, name, roles), cadence (text), next (when, in UTC), first-value (goal, date),
    present / absent (attendee_id, name).
    """

    word: str
    summary: str
    name: str | None = None
    title: str = ""
    side: str | None = None
    roles: tuple[str, ...] = ()
    seniority: int | None = None
    attendee_id: int | None = None
    text: str | None = None
    when: pendulum.DateTime | None = None
    goal: str | None = None
    date: pendulum.Date | None = None
    warnings: tuple[str, ...] = ()
    internal: bool = False  # #internal: kept out of every client output


def fact_word(line: str) -> str | None:
    """The canonical fact word ``line`` starts with (any case, alias, trailing ':'), else None."""
    words = line.split(maxsplit=1)
    if not words:
        return None
    return FACT_ALIASES.get(words[0].rstrip(":").lower())


def parse_fact(line: str, meeting: Meeting, attendees: Sequence[tuple[int, str]]) -> Fact:
    """Parse one fact line; raise ``CaptureError`` naming the first token that makes no sense.

    ``attendees`` are the meeting's ``(id, full name)`` pairs (``record.attendee_names``).
    """
    line = clean(line, field="the line")
    parts = line.split(maxsplit=1)
    word = fact_word(line)
    if word is None:
        first = parts[0] if parts else ""
        raise CaptureError(
            f"'{first}' is not a fact word — start with one of: {', '.join(FACT_WORDS)}", first
        )
    rest = parts[1].strip() if len(parts) > 1 else ""
    if word == "person":
        return _parse_person(rest, attendees)
    if word == "role":
        return _parse_role(rest, attendees)
    if word == "cadence":
        text, internal = read_tags(rest)
        if not text:
            raise CaptureError(
                "cadence needs the agreed rhythm, "
                "e.g. cadence Weekly status, Tuesdays 10:00, 30 min"
            )
        summary = f"cadence {text}" + (" · internal" if internal else "")
        return Fact(word="cadence", summary=summary, text=text, internal=internal)
    if word == "next":
        return _parse_next(rest, meeting)
    if word == "first-value":
        return _parse_first_value(rest, meeting, attendees)
    return _parse_presence(word, rest, attendees)


def apply_fact(store: Store, meeting: Meeting, fact: Fact, *, by: str) -> str:
    """Make the change ``fact`` describes (one short transaction) and return a confirmation.

    ``meeting`` is not modified: readers learn of the change from the change feed and reload.
    """
    from kickoff_tui.core import record

    if fact.word == "person":
        assert fact.name is not None
        added = record.add_attendee(
            store,
            meeting.id,
            fact.name,
            side=fact.side or "theirs",
            title=with_tags(fact.title, fact.internal) if fact.title else "",
            seniority=fact.seniority or 0,
            roles=fact.roles,
            by=by,
        )
        return f"added {added.name} ({added.side})"
    if fact.word == "role":
        assert fact.attendee_id is not None
        # Read and written in one transaction: another terminal may have given this person a
        # role since the line was parsed, and roles accumulate.
        try:
            current, new = record.add_roles(store, fact.attendee_id, fact.roles, by=by)
        except InputError:
            raise CaptureError(
                f"{fact.name} is no longer an attendee — nothing was changed"
            ) from None
        if not new:
            return f"{current.name} already has {', '.join(fact.roles)}"
        return f"{current.name}: {current.roles.replace(',', ', ')}"
    if fact.word == "cadence":
        assert fact.text is not None
        cadence = with_tags(fact.text, fact.internal)
        record.update_meeting(store, meeting.id, by=by, cadence=cadence)
        return "cadence set (internal)" if fact.internal else "cadence set"
    if fact.word == "next":
        assert fact.when is not None
        record.update_meeting(store, meeting.id, by=by, next_meeting_utc=fact.when,
                              next_meeting_internal=fact.internal)  # fmt: skip
        said = f"next meeting set: {_local(fact.when, meeting.tz)}"
        return said + (" (internal)" if fact.internal else "")
    if fact.word == "first-value":
        assert fact.date is not None
        goal = with_tags(fact.goal or "", fact.internal)
        record.update_meeting(
            store, meeting.id, by=by, first_value_goal=goal, first_value_date=fact.date
        )
        done = f"First Value set: due {fact.date.format('ddd D MMM YYYY')}"
        done += " (internal)" if fact.internal else ""
        return "; ".join([done, *fact.warnings])
    if fact.word in ("present", "absent"):
        assert fact.attendee_id is not None
        record.update_attendee(store, fact.attendee_id, by=by, present=fact.word == "present")
        return f"{fact.name} marked {fact.word}"
    raise CaptureError(f"'{fact.word}' is not a fact word — use one of: {', '.join(FACT_WORDS)}")


# ---------------------------------------------------------------------------------------------
# person


def _parse_person(rest: str, attendees: Sequence[tuple[int, str]]) -> Fact:
    words = _TOKEN_RE.findall(rest)
    text: list[str] = []
    side: str | None = None
    roles: list[str] = []
    seniority: int | None = None
    internal = False
    seen: dict[str, str] = {}
    i = 0
    while i < len(words):
        word, low = words[i], words[i].lower()
        i += 1
        key, colon, _ = low.partition(":")
        family = _PERSON_TOKENS.get(key) if colon else None
        if family is None:
            if read_tag(word) is Tag.INTERNAL:
                internal = True
            else:
                text.append(literal(word))
            continue
        if family in seen:
            plural = {"side": "sides", "role": "role lists", "sen": "seniorities"}[family]
            raise CaptureError(f"two {plural} ({seen[family]}, {word}) — keep one", word)
        seen[family] = word
        value = word[len(key) + 1 :]
        if family == "side":
            if (found := Side.parse(value.rstrip(_TRAILING))) is None:
                raise CaptureError(
                    f"unknown side '{value}' in {word} — use {Side.forms('side:')}", word
                )
            side = found.value
        elif family == "sen":
            seniority = _seniority(value, word)
        else:
            if not value.strip(_TRAILING):
                raise CaptureError(f"{word} needs a role right after it, e.g. role:dm — "
                                   f"{_ROLE_FORMS}", word)  # fmt: skip
            roles.extend(_roles(value, word))
            # "role:dm, sponsor": a list the typist spaced out continues while it ends in a comma.
            while value.endswith(",") and i < len(words) and _all_roles(words[i]):
                value = words[i]
                roles.extend(_roles(value, value))
                i += 1

    joined = " ".join(text)
    name, _, title = joined.partition(",")
    name, title = " ".join(name.split()), " ".join(title.split())
    if not name:
        raise CaptureError(f"person needs a name — {_PERSON_FORM}")
    if internal and not title:
        raise CaptureError(
            f"#internal on a person keeps their title or note private — write it after a "
            f"comma: person {name}, what only we should know {INTERNAL_TAG}"
        )
    key = fold(name)
    for aid, existing in attendees:
        if fold(existing) == key:
            raise CaptureError(
                f"{existing} is already an attendee (#{aid}) — change them with "
                f"role … @name or present/absent @name",
                name,
            )
    roles = list(dict.fromkeys(roles))
    chosen = side or "theirs"
    summary = " · ".join(
        [f"person {name}"]
        + ([title + (" (internal)" if internal else "")] if title else [])
        + [chosen]
        + ([", ".join(roles)] if roles else [])
        + ([f"seniority {seniority}"] if seniority is not None else [])
    )
    return Fact(
        word="person",
        summary=summary,
        name=name,
        title=title,
        side=chosen,
        roles=tuple(roles),
        seniority=seniority,
        internal=internal,
    )


def _seniority(value: str, word: str) -> int:
    raw = value.rstrip(_TRAILING)
    if not raw.isdigit():
        raise CaptureError(
            f"seniority '{value}' in {word} is not a whole number — "
            "e.g. sen:5 (higher is more senior)",
            word,
        )
    return int(raw)


def _roles(value: str, word: str) -> list[str]:
    """The canonical roles in a comma-separated value; an unknown one raises."""
    found: list[str] = []
    for piece in value.rstrip(_TRAILING).split(","):
        piece = piece.strip().lower()
        if not piece:
            continue
        if (role := ROLE_ALIASES.get(piece)) is None:
            raise CaptureError(f"unknown role '{piece}' in {word} — {_ROLE_FORMS}", word)
        found.append(role)
    return found


def _all_roles(word: str) -> bool:
    pieces = [p.strip().lower() for p in word.rstrip(_TRAILING).split(",") if p.strip()]
    return bool(pieces) and all(p in ROLE_ALIASES for p in pieces)


# ---------------------------------------------------------------------------------------------
# role, present, absent: an existing attendee


def _attendee_ref(word: str) -> str:
    """The name in an ``@`` token, read exactly as the capture grammar reads owners."""
    name = owner_name(word)
    if not name:
        raise CaptureError(f"empty name in {word} — type a name, e.g. @maria", word)
    return name


def _find_attendee(raw: str, attendees: Sequence[tuple[int, str]], token: str) -> tuple[int, str]:
    """Match with ``people.match``, as the capture grammar matches owners.

    Unlike an item's owner (kept and flagged), a fact about a person must name exactly one.
    """
    found = match(raw, candidates(attendees))
    if isinstance(found, Ambiguous):
        raise CaptureError(found.message(f"'{raw}'"), token)
    if not isinstance(found, Unresolved):
        return found.id, found.name
    raise CaptureError(
        f"'{raw}' is not an attendee — check the spelling or add them first: person {raw}, Title",
        token,
    )


def _parse_role(rest: str, attendees: Sequence[tuple[int, str]]) -> Fact:
    form = "role decision-maker @maria"
    roles: list[str] = []
    ref: tuple[str, str] | None = None  # (name, token)
    for word in _TOKEN_RE.findall(rest):
        if word.startswith("@"):
            if ref is not None:
                raise CaptureError(f"two attendees ({ref[1]}, {word}) — give a role to one "
                                   f"person per line: {form}", word)  # fmt: skip
            ref = (_attendee_ref(word), word)
            continue
        value = word
        if (low := word.lower()).startswith(("role:", "roles:")):
            value = word.partition(":")[2]
        if low.rstrip(_TRAILING) in _FILLER or not value.strip(_TRAILING):
            continue
        roles.extend(_roles(value, word))
    if not roles:
        raise CaptureError(f"role needs a role name — {form}; {_ROLE_FORMS}")
    if ref is None:
        raise CaptureError(f"role needs the person as @name — {form}")
    aid, name = _find_attendee(ref[0], attendees, ref[1])
    roles = list(dict.fromkeys(roles))
    return Fact(
        word="role",
        summary=f"role {', '.join(roles)} · {name}",
        name=name,
        roles=tuple(roles),
        attendee_id=aid,
    )


def _parse_presence(word: str, rest: str, attendees: Sequence[tuple[int, str]]) -> Fact:
    form = f"{word} @maria"
    tokens = _TOKEN_RE.findall(rest)
    if not tokens:
        raise CaptureError(f"{word} needs the person — {form}")
    refs = [t for t in tokens if t.startswith("@")]
    if refs:
        if len(tokens) > 1:
            extra = next(t for t in tokens if t is not refs[0])
            raise CaptureError(f"{word} takes one person per line — {form}", extra)
        raw, token = _attendee_ref(refs[0]), refs[0]
    else:  # "present Maria Lopez" reads naturally too
        raw, token = " ".join(tokens).rstrip(_TRAILING), rest
    aid, name = _find_attendee(raw, attendees, token)
    return Fact(word=word, summary=f"{word} {name}", name=name, attendee_id=aid)


# ---------------------------------------------------------------------------------------------
# next, first-value: dates against the meeting's local date


def _parse_next(rest: str, meeting: Meeting) -> Fact:
    form = "e.g. next fri 10:00 or next 2026-12-01 15:00"
    date_words: list[str] = []
    clock: tuple[int, int] | None = None
    clock_token = ""
    internal = any(read_tag(word) is Tag.INTERNAL for word in rest.split())
    words = [word for word in rest.split() if read_tag(word) is not Tag.INTERNAL]
    for i, word in enumerate(words):
        low = word.lower().rstrip(_TRAILING)
        if low == "at":
            continue
        if m := _ISO_RE.fullmatch(low):  # 2026-12-01T15:00
            date_words.append(m.group(1))
            low = m.group(2)
        parsed = _clock(low, word)
        if parsed is None and low in ("am", "pm") and date_words and i > 0:
            # "3 pm": the bare number before it was the hour, not part of the date
            parsed = _clock(date_words[-1].rstrip(_TRAILING) + low, f"{date_words[-1]} {word}")
            if parsed is not None:
                date_words.pop()
        if parsed is None:
            date_words.append(word)
            continue
        if clock is not None:
            raise CaptureError(f"two times ({clock_token}, {word}) — keep one", word)
        clock, clock_token = parsed, word
    if not date_words:
        if clock is None:
            raise CaptureError(f"next needs a date and a time — {form}")
        raise CaptureError(f"next needs a date before the time — {form}", clock_token)
    date_text = " ".join(date_words).rstrip(_TRAILING)
    if clock is None:
        raise CaptureError(
            f"next needs a time: add a time like 10:00 after '{date_text}' ({_TIME_FORMS})",
            date_text,
        )
    local_start = meeting.local_start()
    day = _date(date_text, local_start.date(), "next ")
    local = pendulum.datetime(day.year, day.month, day.day, *clock, tz=meeting.tz)
    when = local.in_timezone("UTC")
    if when < pendulum.instance(meeting.start_utc):
        raise CaptureError(
            f"next meeting {local.format('ddd D MMM YYYY HH:mm')} is before this meeting "
            f"({local_start.format('ddd D MMM YYYY HH:mm')}) — pick a later date",
            date_text,
        )
    summary = f"next meeting {_local(when, meeting.tz)}" + (" · internal" if internal else "")
    return Fact(word="next", summary=summary, when=when, internal=internal)


def _clock(low: str, word: str) -> tuple[int, int] | None:
    """(hour, minute) for 10:00, 9:30, 3pm, 3:30pm; None when ``low`` is not a time at all."""
    if m := _CLOCK_RE.fullmatch(low):
        hour, minute, half = int(m.group(1)), int(m.group(2)), m.group(3)
    elif m := _HOUR_RE.fullmatch(low):
        hour, minute, half = int(m.group(1)), 0, m.group(2)
    else:
        return None
    if half:
        if not 1 <= hour <= 12:
            raise CaptureError(f"no such time '{word}' — use {_TIME_FORMS}", word)
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise CaptureError(f"no such time '{word}' — use {_TIME_FORMS}", word)
    return hour, minute


def _date(text: str, base: pendulum.Date, where: str) -> pendulum.Date:
    """``resolve_date`` with its message pointing at this fact rather than at ``due:``."""
    try:
        return resolve_date(text, base)
    except CaptureError as exc:
        message = str(exc).replace(f"due:{text}", f"{where}{text}")
        raise CaptureError(message, text) from None


def _parse_first_value(rest: str, meeting: Meeting, attendees: Sequence[tuple[int, str]]) -> Fact:
    form = "first-value Dashboard live for the ops team due:Dec 4"
    if not rest:
        raise CaptureError(f"first-value needs the goal and its date — {form}")
    local_start = meeting.local_start()
    try:
        c = parse_capture(rest, pendulum.instance(meeting.start_utc), attendees, tz=meeting.tz)
    except CaptureError as exc:
        if str(exc).startswith("nothing to capture"):
            raise CaptureError(f"first-value needs the goal before due: — {form}") from None
        raise
    extra = next(
        (
            name
            for name, there in (
                ("@owner", c.owner),
                ("sev:", c.severity),
                ("side:", c.side),
                ("status:", c.status),
            )  # fmt: skip
            if there
        ),
        None,
    )
    if extra is not None:
        raise CaptureError(f"first-value takes only the goal and due: — remove the {extra} "
                           f"token ({form})", extra)  # fmt: skip
    if c.due is None:
        raise CaptureError(f"first-value needs a target date: add due:, e.g. {form}")
    warnings: list[str] = []
    days = (c.due - local_start.date()).days
    if days < 0:
        warnings.append("the date is before the kickoff")
    elif days > 14:
        warnings.append(f"{days} days after the kickoff — aim for under two weeks")
    summary = f"first value {c.text} · due {c.due.format('ddd D MMM YYYY')}"
    summary += " · internal" if c.internal else ""
    return Fact(
        word="first-value",
        summary=summary,
        goal=c.text,
        date=c.due,
        warnings=tuple(warnings),
        internal=c.internal,
    )


def _local(when: pendulum.DateTime, tz: str) -> str:
    return pendulum.instance(when).in_timezone(tz).format("ddd D MMM YYYY HH:mm") + f" ({tz})"
