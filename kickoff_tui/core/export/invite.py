"""Invitations (issue 11 part 4): seed 004's customer briefing 48 hours before the kickoff and
the internal brief 24 hours before, as RFC 5322 messages and an iCalendar ``REQUEST``.

* **Customer invitation** (:func:`customer_invitation`): ``To`` every customer attendee with an
  email, ``Cc`` ours; the date, time and duration in the meeting's zone, the agenda with a start
  time per block, the goals (objectives that are not internal), who must attend from their side
  and why (from their roles; seed 004's attendance windows for the sponsor), and the pre-reads.
  Rendered from a ``ClientRecord`` plus the agenda and pre-reads: nothing internal can reach it.
  The calendar file travels with it (``text/calendar; method=REQUEST``).
* **Calendar request** (:func:`calendar_request`): ``METHOD:REQUEST``, one ``VEVENT`` whose
  ``UID`` is the meeting's identity (a second invitation updates the first; ``SEQUENCE`` grows
  with the meeting's version), ``ORGANIZER`` (our primary contact), one ``ATTENDEE`` per invitee
  with ``CN``, ``ROLE``, ``PARTSTAT=NEEDS-ACTION`` and ``RSVP=TRUE``, and a ``VTIMEZONE``. Built
  with ``icalendar``.
* **Internal brief** (:func:`internal_brief`): for our side only, from the whole record: the
  customer's objectives, what sales promised, the stakeholder map with who holds which
  authority, the known risks with their mitigations, and who presents what (block presenters).

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import icalendar
import pendulum

from kickoff_tui.core.export.mail import address, new_message, sender
from kickoff_tui.core.readmodel import ClientPerson, ClientRecord, MeetingRecord, Person
from kickoff_tui.core.vocab import Side

WIDTH = 78
UID_DOMAIN = "kickoff-tui"
PRODID = "-//kickoff-tui//kickoff invitation//EN"

#: Why each role is asked to attend (seeds 002 and 004), as the invitation says it.
WHY: dict[str, str] = {
    "executive-sponsor": "opens and closes the meeting (the first 15 and the last 10 minutes)",
    "decision-maker": "confirms scope, success criteria and the decisions we take",
    "champion": "leads the project on your side day to day",
    "technical-owner": "owns the integrations, data and access we will plan",
    "primary-contact": "is our day-to-day contact on your side",
    "escalation-contact": "is the path when something blocks (and may hold a veto)",
    "end-user-rep": "speaks for the people who will use it every day",
}
#: Roles whose holders are required (``ROLE=REQ-PARTICIPANT``); others are optional.
REQUIRED_ROLES = frozenset({"executive-sponsor", "decision-maker", "champion", "primary-contact"})


@dataclass(frozen=True)
class AgendaLine:
    start: pendulum.DateTime  # local, in the meeting's zone
    minutes: int
    title: str
    presenter: str = ""


def agenda(rec: MeetingRecord, presenters: dict[int, str] | None = None) -> list[AgendaLine]:
    """The blocks with their planned local start times (start + the minutes before them)."""
    at = rec.meeting.local_start()
    out: list[AgendaLine] = []
    for b in rec.blocks:
        out.append(AgendaLine(at, b.planned_minutes, b.title, (presenters or {}).get(b.id, "")))
        at = at.add(minutes=b.planned_minutes)
    return out


def _wrap(text: str, indent: str = "", mark: str = "") -> list[str]:
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=indent + mark,
                         subsequent_indent=indent + " " * len(mark),
                         break_long_words=False) or [indent + mark.rstrip()]  # fmt: skip


def _when(rec: ClientRecord | MeetingRecord) -> str:
    start = rec.meeting.local_start()
    end = start.add(minutes=rec.meeting.planned_minutes)
    minutes = rec.meeting.planned_minutes
    return (f"{start.format('dddd D MMMM YYYY, HH:mm')}–{end.format('HH:mm')} "
            f"{start.tzname()} ({rec.meeting.tz}), {minutes} minutes")  # fmt: skip


def _agenda_lines(lines: Sequence[AgendaLine], with_presenter: bool = False) -> list[str]:
    out: list[str] = []
    for a in lines:
        who = f" — {a.presenter}" if with_presenter and a.presenter else ""
        out += _wrap(f"{a.start.format('HH:mm')}  {a.title} ({a.minutes} min){who}", "  ")
    return out


def _why(person: ClientPerson | Person) -> str:
    reasons = [WHY[r] for r in person.roles if r in WHY]
    return "; ".join(reasons) if reasons else "brings their part of the picture"


def invitees(rec: ClientRecord) -> tuple[list[ClientPerson], list[ClientPerson]]:
    """(customer attendees, ours), each with an email address."""
    theirs = [p for p in rec.side_of(Side.THEIRS) if address(p) is not None]
    ours = [p for p in rec.side_of(Side.OURS) if address(p) is not None]
    return theirs, ours


def customer_body(rec: ClientRecord, lines: Sequence[AgendaLine], pre_reads: Sequence[str]) -> str:
    theirs = rec.side_of(Side.THEIRS)
    names = [p.first_name for p in theirs][:4]
    greeting = f"Hi {', '.join(names[:-1])} and {names[-1]}," if len(names) > 1 else (
        f"Hi {names[0]}," if names else "Hello all,")  # fmt: skip
    out = [greeting, ""]
    out += _wrap(f"We are looking forward to our kickoff for {rec.meeting.client}. Here is what "
                 "to expect, who we need in the room, and what to read before.")  # fmt: skip
    out += ["", "When", "----", *_wrap(_when(rec)), ""]
    out += ["Agenda", "------", *_agenda_lines(lines), ""]
    goals = [i.text for i in rec.items_of("objective")]
    if goals:
        out += ["Goals", "-----"]
        for g in goals:
            out += _wrap(g, "", "- ")
        out.append("")
    needed = [p for p in theirs if p.roles]
    if needed:
        out += ["Who we need from your side, and why", "-----------------------------------"]
        for p in needed:
            out += _wrap(f"{p.name}{f' ({p.title})' if p.title else ''}: {_why(p)}", "", "- ")
        out.append("")
    if pre_reads:
        out += ["Before the meeting", "------------------"]
        for r in pre_reads:
            out += _wrap(r, "", "- ")
        out.append("")
    out += _wrap("The calendar invitation is attached. If the time does not work for someone "
                 "we need, reply and we will find another.")  # fmt: skip
    lead = sender(rec)
    ours = next((p for p in rec.side_of(Side.OURS) if address(p) == lead), None) if lead else None
    out += ["", "Best regards,", *([ours.name] if ours else [])]
    return "\n".join(line.rstrip() for line in out) + "\n"


def calendar_request(
    rec: ClientRecord, lines: Sequence[AgendaLine], now: pendulum.DateTime
) -> bytes:
    """The kickoff as an iCalendar ``REQUEST`` (see the module doc), bytes with CRLF."""
    m = rec.meeting
    zone = ZoneInfo(m.tz)
    start = m.start_utc.in_timezone("UTC")
    begin = dt.datetime(start.year, start.month, start.day, start.hour, start.minute,
                        tzinfo=dt.UTC).astimezone(zone)  # fmt: skip
    stamp = now.in_timezone("UTC")
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "REQUEST")
    ev = icalendar.Event()
    ev.add("uid", f"{m.ident}-kickoff@{UID_DOMAIN}")
    ev.add("dtstamp", dt.datetime(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute,
                                  stamp.second, tzinfo=dt.UTC))  # fmt: skip
    ev.add("sequence", max(0, m.version - 1))
    ev.add("summary", " ".join(m.title.split()))
    ev.add("dtstart", begin)
    ev.add("dtend", begin + dt.timedelta(minutes=m.planned_minutes))
    ev.add("description", "Agenda:\n" + "\n".join(
        f"{a.start.format('HH:mm')} {a.title} ({a.minutes} min)" for a in lines))  # fmt: skip
    organizer = sender(rec)
    if organizer is not None:
        org = icalendar.vCalAddress(f"mailto:{organizer.addr_spec}")
        org.params["cn"] = icalendar.vText(organizer.display_name)
        ev.add("organizer", org)
    theirs, ours = invitees(rec)
    for p in [*theirs, *ours]:
        a = address(p)
        assert a is not None
        if organizer is not None and a.addr_spec == organizer.addr_spec:
            continue
        att = icalendar.vCalAddress(f"mailto:{a.addr_spec}")
        att.params["cn"] = icalendar.vText(p.name)
        required = p.side is Side.OURS or bool(REQUIRED_ROLES & set(p.roles))
        att.params["role"] = icalendar.vText("REQ-PARTICIPANT" if required else "OPT-PARTICIPANT")
        att.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        att.params["rsvp"] = icalendar.vText("TRUE")
        ev.add("attendee", att, encode=False)
    ev.add("status", "CONFIRMED")
    cal.add_component(ev)
    year = begin.year
    cal.add_missing_timezones(first_date=dt.date(year - 1, 1, 1), last_date=dt.date(year + 2, 1, 1))
    return bytes(cal.to_ical())


def customer_invitation(
    rec: ClientRecord,
    lines: Sequence[AgendaLine],
    pre_reads: Sequence[str],
    now: pendulum.DateTime,
) -> tuple[EmailMessage, bytes]:
    """The customer invitation and its calendar request."""
    theirs, ours = invitees(rec)
    day = rec.meeting.local_start().format("ddd D MMM YYYY, HH:mm")
    to = [a for p in theirs if (a := address(p)) is not None]
    msg = new_message(rec, f"Invitation: {rec.meeting.title} ({day} {rec.meeting.tz})", to, now,
                      "invite")  # fmt: skip
    cc: list[Address] = [a for p in ours if (a := address(p)) is not None]
    if cc:
        msg["Cc"] = cc
    msg.set_content(customer_body(rec, lines, pre_reads), charset="utf-8")
    ics = calendar_request(rec, lines, now)
    msg.add_attachment(ics, maintype="text", subtype="calendar", filename="invite.ics",
                       params={"method": "REQUEST"})  # fmt: skip
    return msg, ics


def brief_body(rec: MeetingRecord, lines: Sequence[AgendaLine]) -> str:
    """The internal brief's text: everything the team must know, internal items included."""
    out = [f"Internal brief: {rec.meeting.title}", "", *_wrap(_when(rec)), ""]

    def section(title: str, body: list[str]) -> None:
        if body:
            out.extend([title, "-" * len(title), *body, ""])

    def tag(i: object) -> str:
        return " [internal]" if getattr(i, "internal", False) else ""

    section("Customer objectives", [ln for i in rec.items_of("objective")
                                    for ln in _wrap(i.text + tag(i), "", "- ")])  # fmt: skip
    promises = []
    for i in rec.items_of("promise"):
        state = getattr(i, "resolution", None)
        promises += _wrap(f"#{i.number} {i.text}{tag(i)}" + (f" ({state})" if state else ""),
                          "", "- ")  # fmt: skip
    section("What sales promised (reconcile each in the meeting)", promises)
    people = []
    for p in sorted(rec.side_of(Side.THEIRS), key=lambda p: -p.seniority):
        roles = ", ".join(p.roles) or "no role yet"
        title = f", {p.title}" if p.title else ""
        email = f" <{p.email}>" if p.email else ""
        people += _wrap(f"{p.name}{title}{email}: {roles}", "", "- ")
    section("Stakeholder map (theirs, most senior first)", people)
    authority = []
    for role in ("decision-maker", "executive-sponsor", "escalation-contact"):
        held = ", ".join(p.name for p in rec.holders(Side.THEIRS, role)) or "NOBODY YET"
        authority.append(f"- {role}: {held}")
    section("Who holds authority", authority)
    risks = []
    for i in rec.items_of("risk"):
        if not i.is_open:
            continue
        sev = f" [{i.severity.value}]" if i.severity else ""
        risks += _wrap(f"#{i.number} {i.text}{sev}{tag(i)}", "", "- ")
        risks += _wrap(f"handle: {i.mitigation or 'no mitigation yet'}", "  ")
        if i.owner_label:
            risks += _wrap(f"owner: {i.owner_label}", "  ")
    section("Known risks and how to handle them", risks)
    section("Who presents what", _agenda_lines(lines, with_presenter=True)
            + ([] if any(a.presenter for a in lines) else
               ["  (no presenters set yet: kickoff agenda ID presenter …)"]))  # fmt: skip
    return "\n".join(line.rstrip() for line in out) + "\n"


def internal_brief(
    rec: MeetingRecord, client: ClientRecord, lines: Sequence[AgendaLine], now: pendulum.DateTime
) -> EmailMessage:
    """The brief for our side (``To`` ours with an email)."""
    ours = [a for p in client.side_of(Side.OURS) if (a := address(p)) is not None]
    msg = new_message(client, f"Internal brief: {rec.meeting.title} (24 h before)", ours, now,
                      "brief")  # fmt: skip
    msg.set_content(brief_body(rec, lines), charset="utf-8")
    return msg
