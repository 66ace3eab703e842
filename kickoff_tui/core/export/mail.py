"""Follow-through delivery as real messages (issue 11 part 5): one RFC 5322 message per owner
with their own items (Parabol #4851: "send each person what they took on"), plus the team recap.

Built with the standard library's ``email`` package (UTF-8 bodies, RFC 2047 headers where a
name needs it, CRLF line ends: ``policy.SMTP``), so any mail client opens the ``.eml`` files and
a script can hand them to ``sendmail``. Client-safe by construction: everything renders a
``ClientRecord`` (``readmodel.client_view``) — no ``#internal`` item or fact, no mitigation, no
note can reach a message. The recap's body is the follow-through email (``export/email.py``),
with the calendar file (``export/ics.py``: next meeting with its RRULE, dated actions) attached.

Writing messages is not sending them: ``kickoff sent`` records that they went out.

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import pendulum

from kickoff_tui.core.readmodel import ClientItem, ClientPerson, ClientRecord
from kickoff_tui.core.vocab import Side

WIDTH = 78
#: Used when nobody on our side has an email address (the message says so in a note).
PLACEHOLDER_FROM = Address("kickoff-tui", "kickoff", "localhost.invalid")
OWNED_KINDS = (("action", "What you took on"), ("question", "Questions you will answer"),
               ("risk", "Risks you watch"))  # fmt: skip


@dataclass
class Outbox:
    """Messages ready to write: (file name, message), and notes for the user."""

    messages: list[tuple[str, EmailMessage]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def files(self) -> list[tuple[str, bytes]]:
        return [(name, msg.as_bytes(policy=policy.SMTP)) for name, msg in self.messages]


def address(person: ClientPerson) -> Address | None:
    """``Name <user@domain>`` for a person with an email, else None."""
    if not person.email or "@" not in person.email:
        return None
    user, _, domain = person.email.rpartition("@")
    return Address(person.name, user, domain)


def sender(rec: ClientRecord) -> Address | None:
    """Our primary contact with an email, else the first of ours with one."""
    ours = [p for p in rec.side_of(Side.OURS) if address(p) is not None]
    lead = next((p for p in ours if "primary-contact" in p.roles), ours[0] if ours else None)
    return address(lead) if lead is not None else None


def slug(text: str) -> str:
    import unicodedata

    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")[:40] or "someone"


def new_message(rec: ClientRecord, subject: str, to: list[Address], now: pendulum.DateTime,
                what: str) -> EmailMessage:  # fmt: skip
    msg = EmailMessage(policy=policy.SMTP)
    frm = sender(rec)
    msg["From"] = frm if frm is not None else PLACEHOLDER_FROM
    if to:
        msg["To"] = to
    msg["Subject"] = " ".join(subject.split())
    msg["Date"] = format_datetime(now.in_timezone("UTC"))
    msg["Message-ID"] = f"<{rec.meeting.ident}-{what}@kickoff-tui>"
    msg["X-Kickoff-Meeting"] = rec.meeting.id
    return msg


def _fmt_date(d: dt.date | None) -> str:
    if d is None:
        return "no date yet"
    return pendulum.date(d.year, d.month, d.day).format("ddd D MMM YYYY")


def _bullet(text: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent="- ",
                         subsequent_indent="  ", break_long_words=False) or ["-"]  # fmt: skip


def owner_body(rec: ClientRecord, person: ClientPerson, items: list[ClientItem]) -> str:
    m = rec.meeting
    day = m.local_start().format("dddd D MMMM YYYY")
    lines = [f"Hi {person.first_name},", ""]
    lines += textwrap.wrap(
        f"Thank you for the kickoff on {day}. So that nothing gets lost, here is what is "
        "yours from it. The full recap for everyone follows in a separate message.",
        WIDTH,
    )
    lines.append("")
    for kind, heading in OWNED_KINDS:
        mine = sorted((i for i in items if i.kind == kind),
                      key=lambda i: (i.due is None, i.due or dt.date.min, i.number))  # fmt: skip
        if not mine:
            continue
        lines += [heading, "-" * len(heading)]
        for i in mine:
            due = f"due {_fmt_date(i.due)}" if i.due else "no due date yet"
            done = " [done]" if not i.is_open else ""
            lines += _bullet(f"#{i.number} {i.text} ({due}){done}")
        lines.append("")
    lines += textwrap.wrap("If a date does not work, reply and we will agree a new one.", WIDTH)
    frm = sender(rec)
    ours = next((p for p in rec.side_of(Side.OURS) if address(p) == frm), None) if frm else None
    lines += ["", "Best regards,"] + ([ours.name] if ours else [])
    return "\n".join(line.rstrip() for line in lines) + "\n"


def build_outbox(
    rec: ClientRecord, recap_text: str, calendar: bytes | None, now: pendulum.DateTime
) -> Outbox:
    """The team recap (``recap_text``: the follow-through email, ``Subject:`` line first) and
    one message per owner of a client-visible action, question or risk."""
    out = Outbox()
    mid = rec.meeting.id
    if sender(rec) is None:
        out.notes.append(
            "nobody on our side has an email address: the messages are From "
            f"{PLACEHOLDER_FROM} — add one (kickoff attendee … --email, or the handoff file)"
        )
    subject, _, body = recap_text.partition("\n")
    subject = subject.removeprefix("Subject:").strip()
    everyone = [a for p in rec.people if (a := address(p)) is not None]
    recap = new_message(rec, subject, everyone, now, "recap")
    recap.set_content(body.lstrip("\n"), charset="utf-8")
    if calendar is not None:
        recap.add_attachment(calendar, maintype="text", subtype="calendar",
                             filename=f"{mid}.ics", params={"method": "PUBLISH"})  # fmt: skip
    out.messages.append((f"{mid}-recap.eml", recap))
    missing = [p.name for p in rec.people if address(p) is None]
    if missing:
        out.notes.append(f"no email for {', '.join(missing)}: not among the recap's recipients")

    owned: dict[str, tuple[ClientPerson, list[ClientItem]]] = {}
    unowned: set[str] = set()
    for item in rec.items:
        if item.kind not in {k for k, _ in OWNED_KINDS} or item.owner is None:
            continue
        if isinstance(item.owner, ClientPerson):
            owned.setdefault(item.owner.ident, (item.owner, []))[1].append(item)
        else:
            unowned.add(item.owner_label)
    names: set[str] = set()
    for person, items in owned.values():
        to = address(person)
        name = f"{mid}-to-{slug(person.name)}.eml"
        n = 2
        while name in names:
            name, n = f"{mid}-to-{slug(person.name)}-{n}.eml", n + 1
        names.add(name)
        msg = new_message(rec, f"{rec.meeting.title}: your items from the kickoff",
                          [to] if to else [], now, f"to-{person.ident}")  # fmt: skip
        msg.set_content(owner_body(rec, person, items), charset="utf-8")
        out.messages.append((name, msg))
        if to is None:
            out.notes.append(f"{name} has no recipient: {person.name} has no email address")
    for label in sorted(unowned):
        out.notes.append(f"no message for {label}: the owner is not an attendee with an address")
    return out
