"""The calendar file: the next-meeting invite and the dated commitments as to-dos.

* One ``VEVENT`` for the next meeting (when recorded and not internal), as long as the agreed
  cadence says ("weekly, 30 min" → 30 minutes; 60 when it does not say), in the meeting's time
  zone (``DTSTART;TZID=<zone>`` with a matching ``VTIMEZONE``), repeating as the cadence says
  (``RRULE:FREQ=WEEKLY;BYDAY=TU`` from "Weekly status, Tuesdays"; see ``core/cadence.py``).
* One ``VTODO`` per action with a due date, and one for the First Value target date. Due dates
  are whole days (``DUE;VALUE=DATE``), as they were captured.

Re-exporting updates rather than duplicates: every UID is the item's or the meeting's identity
(``<item ident>@kickoff-tui``, ``<meeting ident>-next-meeting@kickoff-tui``,
``<meeting ident>-first-value@kickoff-tui``), ``SEQUENCE`` is the row's version (it grows when the
row is edited), and ``DTSTAMP`` is the meeting's start, so the same record always gives the same
bytes. Client-safe by construction: it renders a ``ClientRecord`` (no internal actions or facts).

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from kickoff_tui.core.cadence import rrule_of
from kickoff_tui.core.readmodel import ClientRecord

PRODID = "-//kickoff-tui//kickoff follow-through//EN"
UID_DOMAIN = "kickoff-tui"


def uid(ident: str, what: str | None = None) -> str:
    """``<ident>[-<what>]@kickoff-tui``: stable across exports of the same meeting."""
    return f"{ident}-{what}@{UID_DOMAIN}" if what else f"{ident}@{UID_DOMAIN}"


def _as_date(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, d.day)


def render_ics(rec: ClientRecord) -> bytes:
    """An iCalendar (RFC 5545) file for the meeting, as bytes (CRLF, UTF-8)."""
    m = rec.meeting
    zone = ZoneInfo(m.tz)
    stamp = m.start_utc.in_timezone("UTC")
    dtstamp = dt.datetime(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute,
                          stamp.second, tzinfo=dt.UTC)  # fmt: skip
    local_start = dtstamp.astimezone(zone)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # An X- property is not TEXT to icalendar: a line break (a row from an older version) would
    # fail the export, so the name goes on one line.
    cal.add("x-wr-calname", " ".join(f"{m.client} kickoff".split()))
    cal.add("x-wr-timezone", m.tz)

    dates: list[dt.date] = [local_start.date()]

    nm = rec.next_meeting
    if nm is not None:
        begin = nm.start_utc.astimezone(dt.UTC).astimezone(zone)
        begin = begin.replace(microsecond=0)
        ev = icalendar.Event()
        ev.add("uid", uid(m.ident, "next-meeting"))
        ev.add("dtstamp", dtstamp)
        ev.add("sequence", max(0, m.version - 1))
        ev.add("summary", f"{m.client}: next meeting after kickoff")
        ev.add("dtstart", begin)
        ev.add("dtend", begin + dt.timedelta(minutes=nm.minutes))
        desc = [f'Follow-up to the kickoff "{m.title}" on {local_start.date().isoformat()}.']
        if rec.cadence:
            desc.append(f"Cadence: {' '.join(rec.cadence.split())}")
            rule = rrule_of(rec.cadence)  # the agreed cadence repeats the meeting
            if rule is not None:
                ev.add("rrule", rule)
        ev.add("description", "\n".join(desc))
        ev.add("status", "CONFIRMED")
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
        dates.append(begin.date())

    for item in rec.items_of("action"):
        if item.due is None:
            continue
        owner = item.owner_label
        side = item.side
        todo = icalendar.Todo()
        todo.add("uid", uid(item.ident))
        todo.add("dtstamp", dtstamp)
        todo.add("sequence", max(0, item.version - 1))
        todo.add("summary", " ".join(item.text.split()))
        todo.add("due", _as_date(item.due))
        lines = [item.text]
        if owner:
            lines.append(f"Owner: {owner}")
        if side is not None:
            lines.append(side.owes.capitalize())
        if item.block_title is not None:
            lines.append(f"Raised in: {item.block_title}")
        lines.append(f"Kickoff: {m.title} ({m.id})")
        todo.add("description", "\n".join(lines))
        todo.add("status", "NEEDS-ACTION" if item.is_open else "COMPLETED")
        todo.add("categories", ["kickoff", "action"])
        cal.add_component(todo)
        dates.append(_as_date(item.due))

    fv = rec.first_value
    if fv is not None and fv.date is not None:
        goal = " ".join(fv.goal.split()) or "to be agreed"
        todo = icalendar.Todo()
        todo.add("uid", uid(m.ident, "first-value"))
        todo.add("dtstamp", dtstamp)
        todo.add("sequence", max(0, m.version - 1))
        todo.add("summary", f"First Value: {goal}")
        todo.add("due", _as_date(fv.date))
        todo.add("description", f'First Value goal agreed at the kickoff "{m.title}": {goal}')
        todo.add("status", "NEEDS-ACTION")
        todo.add("categories", ["kickoff", "first-value"])
        cal.add_component(todo)
        dates.append(_as_date(fv.date))

    # A VTIMEZONE covering just the years in use keeps the file small and stable.
    cal.add_missing_timezones(
        first_date=dt.date(min(dates).year - 1, 1, 1),
        last_date=dt.date(max(dates).year + 2, 1, 1),
    )
    return bytes(cal.to_ical())
