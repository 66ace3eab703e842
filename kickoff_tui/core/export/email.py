"""The follow-through email: plain text, ready to paste, safe to send to the customer.

Seed 003's recipe: thank them, summarise, give the Five Questions answers in their own words,
list decisions, action items with owners and due dates ("from us" / "from you"), the agreed
First Value goal, and confirm the next meeting. "Follow-through, not follow-up."

Client-safe by construction: it renders a ``ClientRecord`` (``readmodel.client_view``), which
holds no internal item or fact, no risk mitigation and no notes — those stay in the Markdown
record. Owners read as in every output (an unknown name is flagged "(not an attendee)"). Dates
and times are shown in the meeting's own time zone. The text depends only on the record (no
clock), so exporting twice gives the same email.

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pendulum

from kickoff_tui.core.checks import FIVE_QUESTIONS
from kickoff_tui.core.readmodel import ClientItem, ClientRecord
from kickoff_tui.core.vocab import Side

WIDTH = 78
SIDE_HEADINGS = ((Side.OURS, "From us"), (Side.THEIRS, "From you"), (None, "Side to be confirmed"))
NO_OWNER = "Owner to be confirmed"


def fmt_date(d: dt.date | None) -> str:
    """``Fri 27 Nov 2026`` (or ``no date yet``)."""
    if d is None:
        return "no date yet"
    return pendulum.date(d.year, d.month, d.day).format("ddd D MMM YYYY")


def fmt_local(when: dt.datetime, tz: str) -> str:
    """``Tue 1 Dec 2026, 10:00 CET (Europe/Berlin)``: a UTC time shown in the meeting's zone."""
    local = pendulum.instance(when).in_timezone(tz)
    return f"{local.format('ddd D MMM YYYY, HH:mm')} {local.tzname()} ({tz})"


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


def _greeting(rec: ClientRecord) -> str:
    firsts = [a.first_name for a in rec.side_of(Side.THEIRS) if a.present and a.name.split()]
    if not firsts:
        return "Hello all,"
    if len(firsts) == 1:
        return f"Hi {firsts[0]},"
    if len(firsts) <= 4:
        return f"Hi {', '.join(firsts[:-1])} and {firsts[-1]},"
    return "Hi all,"


def _signature(rec: ClientRecord) -> list[str]:
    ours = rec.side_of(Side.OURS)
    lead = next((a for a in ours if "primary-contact" in a.roles), ours[0] if ours else None)
    if lead is None:
        return ["Best regards,"]
    line = lead.name + (f", {lead.title}" if lead.title else "")
    return ["Best regards,", line]


def _summary(rec: ClientRecord) -> list[str]:
    out: list[str] = []
    if rec.purpose:
        out += textwrap.wrap(_one_line(rec.purpose), WIDTH) + [""]
    for kind, heading in (
        ("in-scope", "In scope (phase 1):"),
        ("out-of-scope", "Out of scope (later phases):"),
        ("assumption", "Assumptions we are working on:"),
    ):
        items = rec.items_of(kind)
        if items:
            out.append(heading)
            for i in items:
                out += _bullet(i.text, "  ")
    milestones = rec.items_of("milestone")
    if milestones:
        out.append("Milestones:")
        for i in sorted(milestones, key=lambda i: (i.due is None, i.due or dt.date.min, i.number)):
            out += _bullet(f"{fmt_date(i.due)}: {i.text}", "  ")
    metrics = rec.items_of("metric")
    if metrics:
        out.append("How we will measure success:")
        for i in metrics:
            out += _bullet(i.text + (f" (by {fmt_date(i.due)})" if i.due else ""), "  ")
    if out and out[-1] == "":
        out.pop()
    return out


def _decisions(rec: ClientRecord) -> list[str]:
    out: list[str] = []
    for i in rec.items_of("decision"):
        who = i.decider_label
        out += _bullet(i.text + (f" (decided by {who})" if who else ""))
    return out


def _answers(rec: ClientRecord) -> list[str]:
    out: list[str] = []
    for q, question in enumerate(FIVE_QUESTIONS, start=1):
        answers = [a for a in rec.answers if a.question == q and a.text.strip()]
        if not answers:
            continue
        out += textwrap.wrap(f"{q}. {question}", WIDTH, subsequent_indent="   ")
        for ans in answers:
            name = ans.person.name if ans.person else "A participant"
            out += _bullet(f'{name}: "{_one_line(ans.text)}"', "   ")
        out.append("")
    if out:
        out.pop()
    return out


def _first_value(rec: ClientRecord) -> list[str]:
    fv = rec.first_value
    if fv is None or (not fv.goal and fv.date is None):
        return []
    goal = fv.goal
    out = textwrap.wrap(
        "Goal: " + (_one_line(goal) if goal else "to be agreed"), WIDTH, subsequent_indent="      "
    )
    out.append(f"Target date: {fmt_date(fv.date)}")
    return out


def _risks(rec: ClientRecord) -> list[str]:
    out: list[str] = []
    for i in rec.items_of("risk"):
        if not i.is_open:
            continue
        extra = [f"owner {i.owner_label}" if i.owner is not None else ""]
        extra.append(f"review by {fmt_date(i.due)}" if i.due else "")
        detail = ", ".join(e for e in extra if e)
        out += _bullet(i.text + (f" ({detail})" if detail else ""))
    return out


def _open_questions(rec: ClientRecord) -> list[str]:
    out: list[str] = []
    for i in rec.items_of("question"):
        if not i.is_open:
            continue
        who = f" ({i.owner_label} will answer)" if i.owner is not None else ""
        out += _bullet(i.text + who)
    return out


def _actions(rec: ClientRecord) -> list[str]:
    out: list[str] = []
    actions = rec.items_of("action")
    for side, heading in SIDE_HEADINGS:
        mine = [i for i in actions if i.side == side]
        if not mine:
            continue
        out += [heading + ":", ""]
        owners: dict[str, list[ClientItem]] = {}
        for i in mine:
            owners.setdefault(i.owner_label or NO_OWNER, []).append(i)
        for owner in sorted(owners, key=lambda n: (n == NO_OWNER, n.casefold())):
            out.append(f"  {owner}")
            for i in sorted(
                owners[owner], key=lambda i: (i.due is None, i.due or dt.date.min, i.number)
            ):
                done = " [done]" if not i.is_open else ""
                due = f"due {fmt_date(i.due)}" if i.due else "no due date yet"
                out += _bullet(f"{i.text} ({due}){done}", "    ")
            out.append("")
    if out:
        out.pop()
    return out


def _next_meeting(rec: ClientRecord) -> list[str]:
    nm = rec.next_meeting
    if nm is not None:
        out = [f"{fmt_local(nm.start_utc, rec.meeting.tz)}, {nm.minutes} minutes"]
    else:
        out = ["We will send a proposed date and time for our next meeting shortly."]
    if rec.cadence:
        out += textwrap.wrap(f"After that: {_one_line(rec.cadence)}", WIDTH)
    return out


def render_email(rec: ClientRecord) -> str:
    """The follow-through email as plain text (``Subject:`` line first, LF line ends)."""
    m = rec.meeting
    start = m.local_start()
    day = start.format("dddd D MMMM YYYY")
    on = start.format("D MMM YYYY")
    lines: list[str] = [
        f"Subject: {_one_line(m.title)}: follow-through and next steps ({on})",
        "",
        _greeting(rec),
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
    lines += _section("Summary", _summary(rec))
    lines += _section("Decisions", _decisions(rec))
    lines += _section("Your answers to the Five Questions", _answers(rec))
    lines += _section("First Value", _first_value(rec))
    lines += _section("Action items", _actions(rec))
    lines += _section("Risks we will watch together", _risks(rec))
    lines += _section("Open questions", _open_questions(rec))
    lines += _section("Next meeting", _next_meeting(rec))
    lines += [
        *textwrap.wrap(
            "We are committed to your success and look forward to working together.", WIDTH
        ),
        "",
        *_signature(rec),
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
