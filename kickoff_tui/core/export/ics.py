"""The calendar file: the next-meeting invite and the dated commitments as to-dos.

* One ``VEVENT`` for the next meeting (when recorded): 60 minutes, in the meeting's time zone
  (``DTSTART;TZID=<zone>`` with a matching ``VTIMEZONE``).
* One ``VTODO`` per action with a due date, and one for the First Value target date. Due dates
  are whole days (``DUE;VALUE=DATE``), as they were captured.

Re-exporting updates rather than duplicates: every UID is the stable identity of what it
describes (``<item uid>@kickoff-tui`` for an action, ``<meeting uid>-next-meeting@kickoff-tui``,
``<meeting uid>-first-value@kickoff-tui``), which ``kickoff copy`` carries to other stores, so
the same action exported from a copy updates the same calendar entry and two different actions
never share one; ``SEQUENCE`` is the row's version (it grows when the row is edited), and
``DTSTAMP`` is the meeting's start, so the same record always gives the same bytes. Internal
actions are left out unless ``include_internal=True``.

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pendulum

from kickoff_tui.core.checks import item_side, match_attendee
from kickoff_tui.core.record import Snapshot

PRODID = "-//kickoff-tui//kickoff follow-through//EN"
UID_DOMAIN = "kickoff-tui"
NEXT_MEETING_MINUTES = 60


def uid(identity: str, what: str | None = None) -> str:
    """``<identity>[-<what>]@kickoff-tui``: stable across exports and copies of the same row."""
    return f"{identity}-{what}@{UID_DOMAIN}" if what else f"{identity}@{UID_DOMAIN}"


def _as_date(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, d.day)


def render_ics(snap: Snapshot, *, include_internal: bool = False) -> bytes:
    """An iCalendar (RFC 5545) file for the meeting, as bytes (CRLF, UTF-8)."""
    m = snap.meeting
    zone = ZoneInfo(m.tz)
    stamp = pendulum.instance(m.start_utc).in_timezone("UTC")
    dtstamp = dt.datetime(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute,
                          stamp.second, tzinfo=dt.UTC)  # fmt: skip
    local_start = dtstamp.astimezone(zone)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{m.client} kickoff")
    cal.add("x-wr-timezone", m.tz)

    dates: list[dt.date] = [local_start.date()]

    if m.next_meeting_utc is not None:
        begin = m.next_meeting_utc.astimezone(dt.UTC).astimezone(zone)
        begin = begin.replace(microsecond=0)
        ev = icalendar.Event()
        ev.add("uid", uid(m.uid, "next-meeting"))
        ev.add("dtstamp", dtstamp)
        ev.add("sequence", max(0, m.version - 1))
        ev.add("summary", f"{m.client}: next meeting after kickoff")
        ev.add("dtstart", begin)
        ev.add("dtend", begin + dt.timedelta(minutes=NEXT_MEETING_MINUTES))
        desc = [f'Follow-up to the kickoff "{m.title}" on {local_start.date().isoformat()}.']
        if (m.cadence or "").strip():
            desc.append(f"Cadence: {' '.join((m.cadence or '').split())}")
        ev.add("description", "\n".join(desc))
        ev.add("status", "CONFIRMED")
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
        dates.append(begin.date())

    for item in snap.items_of("action"):
        if item.due is None or (item.internal and not include_internal):
            continue
        person = match_attendee(snap, item.owner, item.owner_attendee_id)
        owner = person.name if person is not None else (item.owner or "").strip()
        side = item_side(snap, item)
        block = snap.block(item.block_id)
        todo = icalendar.Todo()
        todo.add("uid", uid(item.uid))
        todo.add("dtstamp", dtstamp)
        todo.add("sequence", max(0, item.version - 1))
        todo.add("summary", " ".join(item.text.split()))
        todo.add("due", _as_date(item.due))
        lines = [item.text]
        if owner:
            lines.append(f"Owner: {owner}")
        if side:
            lines.append("From us" if side == "us" else "From you")
        if block is not None:
            lines.append(f"Raised in: {block.title}")
        lines.append(f"Kickoff: {m.title} ({m.id})")
        todo.add("description", "\n".join(lines))
        todo.add("status", "COMPLETED" if item.status == "done" else "NEEDS-ACTION")
        todo.add("categories", ["kickoff", "action"])
        cal.add_component(todo)
        dates.append(_as_date(item.due))

    if m.first_value_date is not None:
        goal = " ".join((m.first_value_goal or "").split()) or "to be agreed"
        todo = icalendar.Todo()
        todo.add("uid", uid(m.uid, "first-value"))
        todo.add("dtstamp", dtstamp)
        todo.add("sequence", max(0, m.version - 1))
        todo.add("summary", f"First Value: {goal}")
        todo.add("due", _as_date(m.first_value_date))
        todo.add("description", f'First Value goal agreed at the kickoff "{m.title}": {goal}')
        todo.add("status", "NEEDS-ACTION")
        todo.add("categories", ["kickoff", "first-value"])
        cal.add_component(todo)
        dates.append(_as_date(m.first_value_date))

    # A VTIMEZONE covering just the years in use keeps the file small and stable.
    cal.add_missing_timezones(
        first_date=dt.date(min(dates).year - 1, 1, 1),
        last_date=dt.date(max(dates).year + 2, 1, 1),
    )
    return bytes(cal.to_ical())
