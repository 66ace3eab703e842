"""The follow-through email: plain text, ready to paste, safe to send to the customer.

Seed 003's recipe: thank them, summarise, give the Five Questions answers in their own words,
list decisions, action items with owners and due dates ("from us" / "from you"), the agreed
First Value goal, and confirm the next meeting. "Follow-through, not follow-up."

Client-safe by construction: an item marked internal (``#internal``) never appears, nor does any
risk's mitigation (mitigations are our working notes); notes and block notes stay in the
Markdown record. Dates and times are shown in the meeting's own time zone. The text depends only
on the record (no clock), so exporting twice gives the same email.

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pendulum

from kickoff_tui.core.checks import FIVE_QUESTIONS, item_side, match_attendee
from kickoff_tui.core.models import Item
from kickoff_tui.core.record import Snapshot

WIDTH = 78
SIDE_HEADINGS = (("us", "From us"), ("them", "From you"), (None, "Side to be confirmed"))


def fmt_date(d: dt.date | None) -> str:
    """``Fri 27 Nov 2026`` (or ``no date yet``)."""
    if d is None:
        return "no date yet"
    return pendulum.date(d.year, d.month, d.day).format("ddd D MMM YYYY")


def fmt_local(when: dt.datetime, tz: str) -> str:
    """``Tue 1 Dec 2026, 10:00 CET (Europe/Berlin)``: a UTC time shown in the meeting's zone."""
    local = pendulum.instance(when).in_timezone(tz)
    return f"{local.format('ddd D MMM YYYY, HH:mm')} {local.tzname()} ({tz})"


def public_items(snap: Snapshot, kind: str) -> list[Item]:
    """Items of ``kind`` that may leave the building (not internal)."""
    return [i for i in snap.items_of(kind) if not i.internal]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _bullet(text: str, indent: str = "", mark: str = "- ") -> list[str]:
    """A wrapped bullet; user text is kept verbatim apart from whitespace."""
    return textwrap.wrap(
        _one_line(text),
        width=WIDTH,
        initial_indent=indent + mark,
        subsequent_indent=indent + " " * len(mark),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent + mark.rstrip()]


def _section(title: str, body: list[str]) -> list[str]:
    if not body:
        return []
    return [title, "-" * len(title), *body, ""]


def _greeting(snap: Snapshot) -> str:
    theirs = [a for a in snap.attendees if a.side == "theirs" and a.present]
    firsts = [a.name.split()[0] for a in theirs if a.name.split()]
    if not firsts:
        return "Hello all,"
    if len(firsts) == 1:
        return f"Hi {firsts[0]},"
    if len(firsts) <= 4:
        return f"Hi {', '.join(firsts[:-1])} and {firsts[-1]},"
    return "Hi all,"


def _signature(snap: Snapshot) -> list[str]:
    ours = [a for a in snap.attendees if a.side == "ours"]
    lead = next((a for a in ours if "primary-contact" in a.role_list), ours[0] if ours else None)
    if lead is None:
        return ["Best regards,"]
    line = lead.name + (f", {lead.title}" if lead.title else "")
    return ["Best regards,", line]


def _summary(snap: Snapshot) -> list[str]:
    m = snap.meeting
    out: list[str] = []
    if (m.purpose or "").strip():
        out += textwrap.wrap(_one_line(m.purpose or ""), WIDTH) + [""]
    for kind, heading in (
        ("in-scope", "In scope (phase 1):"),
        ("out-of-scope", "Out of scope (later phases):"),
    ):
        items = public_items(snap, kind)
        if items:
            out.append(heading)
            for i in items:
                out += _bullet(i.text, "  ")
    milestones = public_items(snap, "milestone")
    if milestones:
        out.append("Milestones:")
        for i in sorted(milestones, key=lambda i: (i.due is None, i.due or dt.date.min, i.id)):
            out += _bullet(f"{fmt_date(i.due)}: {i.text}", "  ")
    metrics = public_items(snap, "metric")
    if metrics:
        out.append("How we will measure success:")
        for i in metrics:
            out += _bullet(i.text + (f" (by {fmt_date(i.due)})" if i.due else ""), "  ")
    if out and out[-1] == "":
        out.pop()
    return out


def _decisions(snap: Snapshot) -> list[str]:
    out: list[str] = []
    for i in public_items(snap, "decision"):
        who = (i.decided_by or i.owner or "").strip()
        out += _bullet(i.text + (f" (decided by {who})" if who else ""))
    return out


def _answers(snap: Snapshot) -> list[str]:
    out: list[str] = []
    for q, question in enumerate(FIVE_QUESTIONS, start=1):
        answers = [a for a in snap.answers if a.question == q and a.text.strip()]
        if not answers:
            continue
        out += textwrap.wrap(f"{q}. {question}", WIDTH, subsequent_indent="   ")
        for ans in sorted(answers, key=lambda a: a.id or 0):
            person = snap.attendee(ans.attendee_id)
            name = person.name if person else "A participant"
            out += _bullet(f'{name}: "{_one_line(ans.text)}"', "   ")
        out.append("")
    if out:
        out.pop()
    return out


def _first_value(snap: Snapshot) -> list[str]:
    m = snap.meeting
    goal = (m.first_value_goal or "").strip()
    if not goal and m.first_value_date is None:
        return []
    out = textwrap.wrap(
        "Goal: " + (_one_line(goal) if goal else "to be agreed"), WIDTH, subsequent_indent="      "
    )
    out.append(f"Target date: {fmt_date(m.first_value_date)}")
    return out


def _risks(snap: Snapshot) -> list[str]:
    out: list[str] = []
    for i in public_items(snap, "risk"):
        if i.status == "done":
            continue
        extra = [f"owner {i.owner}" if (i.owner or "").strip() else ""]
        extra.append(f"review by {fmt_date(i.due)}" if i.due else "")
        detail = ", ".join(e for e in extra if e)
        out += _bullet(i.text + (f" ({detail})" if detail else ""))
    return out


def _open_questions(snap: Snapshot) -> list[str]:
    out: list[str] = []
    for i in public_items(snap, "question"):
        if i.status == "done":
            continue
        who = f" ({i.owner} will answer)" if (i.owner or "").strip() else ""
        out += _bullet(i.text + who)
    return out


def _owner_name(snap: Snapshot, item: Item) -> str:
    person = match_attendee(snap, item.owner, item.owner_attendee_id)
    if person is not None:
        return person.name
    return (item.owner or "").strip() or "Owner to be confirmed"


def _actions(snap: Snapshot) -> list[str]:
    out: list[str] = []
    actions = public_items(snap, "action")
    for side, heading in SIDE_HEADINGS:
        mine = [i for i in actions if item_side(snap, i) == side]
        if not mine:
            continue
        out += [heading + ":", ""]
        owners: dict[str, list[Item]] = {}
        for i in mine:
            owners.setdefault(_owner_name(snap, i), []).append(i)
        unknown = "Owner to be confirmed"
        for owner in sorted(owners, key=lambda n: (n == unknown, n.casefold())):
            out.append(f"  {owner}")
            for i in sorted(
                owners[owner], key=lambda i: (i.due is None, i.due or dt.date.min, i.id or 0)
            ):
                done = " [done]" if i.status == "done" else ""
                due = f"due {fmt_date(i.due)}" if i.due else "no due date yet"
                out += _bullet(f"{i.text} ({due}){done}", "    ")
            out.append("")
    if out:
        out.pop()
    return out


def _next_meeting(snap: Snapshot) -> list[str]:
    m = snap.meeting
    if m.next_meeting_utc is not None:
        out = [fmt_local(m.next_meeting_utc, m.tz) + " (an invitation is attached)"]
    else:
        out = ["We will send a proposed date and time for our next meeting shortly."]
    if (m.cadence or "").strip():
        out += textwrap.wrap(f"After that: {_one_line(m.cadence or '')}", WIDTH)
    return out


def render_email(snap: Snapshot) -> str:
    """The follow-through email as plain text (``Subject:`` line first, LF line ends)."""
    m = snap.meeting
    start = pendulum.instance(m.start_utc).in_timezone(m.tz)
    day = start.format("dddd D MMMM YYYY")
    on = start.format("D MMM YYYY")
    lines: list[str] = [
        f"Subject: {_one_line(m.title)}: follow-through and next steps ({on})",
        "",
        _greeting(snap),
        "",
        *textwrap.wrap(
            f"Thank you for your time at our kickoff on {day}. As promised, here is what we "
            "agreed: decisions, your answers to the Five Questions, our First Value goal, who "
            "does what by when, and when we meet next. If anything below does not match your "
            "understanding, reply and we will correct it.",
            WIDTH,
        ),
        "",
    ]
    lines += _section("Summary", _summary(snap))
    lines += _section("Decisions", _decisions(snap))
    lines += _section("Your answers to the Five Questions", _answers(snap))
    lines += _section("First Value", _first_value(snap))
    lines += _section("Action items", _actions(snap))
    lines += _section("Risks we will watch together", _risks(snap))
    lines += _section("Open questions", _open_questions(snap))
    lines += _section("Next meeting", _next_meeting(snap))
    lines += [
        *textwrap.wrap(
            "We are committed to your success and look forward to working together.", WIDTH
        ),
        "",
        *_signature(snap),
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
