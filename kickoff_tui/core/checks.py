"""Kickoff health checks: what makes a kickoff fail, found in the record before the customer does.

Each check reads one :class:`~kickoff_tui.core.readmodel.MeetingRecord` (owners already resolved
by the one matcher) and a ``now`` (never the wall clock, never the network) and returns
:class:`Finding` objects with a stable ``id``, so the CLI, the health panel, the Markdown
export and the CRM JSON can all name the same problem the same way.
The list comes back in a stable order: blocking findings first, then warnings, each group in the
order of :data:`CHECKS`, and inside one check in the order of the record (item id, attendee id,
block position).

Severities follow one rule: a finding is ``blocking`` when the follow-through cannot go out
without fixing it — an action nobody owns or that has no date, a high-severity risk nobody owns,
no customer decision-maker, no next meeting. Everything else is a ``warning``: worth fixing, but
the pack is still usable.

Check ids (see :data:`CHECKS` for the one-line description of each):

===========================  ==========  =======================================================
id                           severity    fires when
===========================  ==========  =======================================================
action-no-owner              blocking    an open action has no owner
action-no-due                blocking    an open action has no due date
risk-no-owner                blocking    an open high-severity risk has no owner (else warning)
escalated-no-owner           blocking    an open escalated risk or deviation has no owner
no-decision-maker            blocking    nobody on the customer's side holds ``decision-maker``
no-next-meeting              blocking    no next meeting date/time is recorded
risk-no-mitigation           warning     an open risk has no mitigation
risk-no-due                  warning     an open risk has no due date
deviation-no-owner           warning     an open deviation has no owner
decision-no-decider          warning     a decision does not say who decided
no-executive-sponsor         warning     nobody on the customer's side is executive sponsor
role-unassigned              warning     a critical role is held by nobody on one side
five-questions-unanswered    warning     a present customer attendee lacks some answers
five-questions-not-asked     warning     no Five Questions block and no answers at all
metric-vague                 warning     a metric has no number or no date
no-first-value               warning     no First Value goal, or no target date
first-value-late             warning     First Value target more than 14 days after kickoff
no-out-of-scope              warning     nothing recorded as out of scope
milestone-no-date            warning     a milestone has no date
no-cadence                   warning     the communication cadence is not recorded
owner-not-attendee           warning     an item's owner is not (uniquely) an attendee
blocks-never-opened          warning     after the (planned) end, a block was never started
agenda-overrun               warning     block minutes sum past the meeting's time box
kickoff-late                 warning     kickoff more than 7 days after contract close
followthrough-late           warning     the pack was not exported within 24 h of the end
promise-unreconciled         warning     a promise from sales was not confirmed, corrected, put out
                                         of scope or turned into a risk (``core.promises``)
===========================  ==========  =======================================================

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pendulum

from kickoff_tui.core.people import Ambiguous, Unresolved, match
from kickoff_tui.core.readmodel import Item, MeetingRecord, as_record
from kickoff_tui.core.vocab import ROLES, Side, Status

BLOCKING = "blocking"
WARNING = "warning"

#: Critical roles every side must fill (seed 002): primary contact, decision-maker, technical
#: owner, escalation contact. The customer's decision-maker is its own check (no-decision-maker).
CRITICAL_ROLES: tuple[str, ...] = (
    "primary-contact",
    "decision-maker",
    "technical-owner",
    "escalation-contact",
)
FIRST_VALUE_MAX_DAYS = 14
KICKOFF_MAX_DAYS_AFTER_CLOSE = 7
FOLLOWTHROUGH_HOURS = 24
SIDE_NAMES = {Side.OURS: "our side", Side.THEIRS: "the customer's side"}

FIVE_QUESTIONS: tuple[str, ...] = (
    "What is the one thing we must get right to make this worth undertaking?",
    "How does your organization define success?",
    "What is our role in achieving that success?",
    "What aspects of the internal culture or external environment could put this effort at risk?",
    "Assuming we mitigate that risk, what would exceed your wildest dreams?",
)

#: Every check id in report order, with its usual severity and what it looks for.
CHECKS: tuple[tuple[str, str, str], ...] = (
    ("action-no-owner", BLOCKING, "every open action has a named owner"),
    ("action-no-due", BLOCKING, "every open action has a due date"),
    ("risk-no-owner", WARNING, "every open risk has an owner (blocking when severity is high)"),
    ("escalated-no-owner", BLOCKING, "every escalated risk or deviation has an owner"),
    ("risk-no-mitigation", WARNING, "every open risk has a mitigation"),
    ("risk-no-due", WARNING, "every open risk has a date to act by"),
    ("deviation-no-owner", WARNING, "every deviation has an owner"),
    ("decision-no-decider", WARNING, "every decision says who decided"),
    ("no-decision-maker", BLOCKING, "the customer's decision-maker is identified"),
    ("no-executive-sponsor", WARNING, "the customer's executive sponsor is identified"),
    ("role-unassigned", WARNING, "critical roles are assigned on both sides"),
    ("five-questions-unanswered", WARNING, "every present customer attendee answered all five"),
    ("five-questions-not-asked", WARNING, "the Five Questions were asked"),
    ("metric-vague", WARNING, "success metrics have a number and a date"),
    ("no-first-value", WARNING, "a First Value goal and target date are defined"),
    ("first-value-late", WARNING, "First Value is due within two weeks of kickoff"),
    ("no-out-of-scope", WARNING, "scope has an out-of-scope list"),
    ("milestone-no-date", WARNING, "every milestone has a date"),
    ("no-cadence", WARNING, "the communication cadence is confirmed"),
    ("no-next-meeting", BLOCKING, "the next meeting is scheduled"),
    ("owner-not-attendee", WARNING, "owners are attendees of the meeting"),
    ("blocks-never-opened", WARNING, "every agenda block was opened"),
    ("agenda-overrun", WARNING, "the agenda fits its time box"),
    ("kickoff-late", WARNING, "kickoff within 7 days of contract close"),
    ("followthrough-late", WARNING, "follow-through exported within 24 hours"),
    ("promise-unreconciled", WARNING, "every promise from sales was reconciled"),
)
CHECK_IDS: tuple[str, ...] = tuple(c[0] for c in CHECKS)

#: Score weights: each finding costs its weight, and one check costs at most its cap, so twenty
#: undated actions do not hide every other problem behind a zero.
WEIGHTS = {BLOCKING: 10, WARNING: 4}
CAPS = {BLOCKING: 20, WARNING: 8}


@dataclass(frozen=True)
class Finding:
    """One problem in the record: what, how bad, and what to do about it."""

    id: str
    severity: str  # "blocking" | "warning"
    message: str  # one line naming the offending item or role
    fix: str
    item_id: int | None = None  # the offending item's row id, when there is one (to jump to it)
    fact: str | None = None  # the meeting fact it is about (cadence, first-value, next-meeting)


# ---------------------------------------------------------------------------------------------
# Small shared facts (the exports use these too)


def quote(text: str, limit: int = 60) -> str:
    """Item text as one short quoted line (newlines collapsed), for messages."""
    one = " ".join(text.split())
    if len(one) > limit:
        one = one[: limit - 1].rstrip() + "…"
    return f'"{one}"'


def label(item: Item) -> str:
    """``Action #3 "Send the deck"``: the item's per-meeting number and its text."""
    return f"{item.ref} {quote(item.text)}"


def is_open(item: Any) -> bool:
    return Status.parse(item.status) is not Status.DONE


def has_owner(item: Item) -> bool:
    return item.owner is not None


def match_attendee(snap: Any, name: str | None, attendee_id: int | None = None) -> Any | None:
    """The one attendee an owner name means (by id, else ``people.match``), else None.

    For screens that still hold snapshot rows; the read model resolves owners the same way.
    """
    if attendee_id is not None and (a := snap.attendee(attendee_id)) is not None:
        return a
    if not name or not name.strip():
        return None
    found = match(name, snap.attendees)
    return None if isinstance(found, Unresolved | Ambiguous) else found


def item_side(snap: Any, item: Any) -> Side | None:
    """Who owes a snapshot item: its side as captured, else its owner's side (as the record)."""
    if (side := Side.parse(item.side)) is not None:
        return side
    owner = match_attendee(snap, item.owner, item.owner_attendee_id)
    return Side.parse(owner.side) if owner is not None else None


def local_date(record: MeetingRecord) -> pendulum.Date:
    """The meeting's date in its own time zone."""
    return local_date_of(record.meeting)


def local_date_of(meeting: Any) -> pendulum.Date:
    """The date of a meeting (anything with ``local_start()``) in its own time zone."""
    day: pendulum.Date = meeting.local_start().date()
    return day


def meeting_end(record: MeetingRecord) -> pendulum.DateTime:
    """When the meeting ended (its meeting-ended event), else when it was planned to end."""
    from kickoff_tui.core.clock import standing_end

    ended = standing_end(record.events)  # an end undone by a reopen does not count
    if ended is not None:
        return pendulum.instance(ended)
    started = [e for e in record.events if e.kind == "block-started"]
    base = (
        pendulum.instance(min(started, key=lambda e: (e.at, e.id)).at)
        if started
        else record.meeting.start_utc
    )
    return base.add(minutes=record.meeting.planned_minutes)


def followthrough_deadline(record: MeetingRecord) -> pendulum.DateTime:
    return meeting_end(record).add(hours=FOLLOWTHROUGH_HOURS)


def five_questions_asked(record: MeetingRecord) -> bool:
    return any(b.kind == "five-questions" for b in record.blocks) or bool(record.answers)


def expected_respondents(source: Any) -> list[Any]:
    """Who should answer the Five Questions: the customer's attendees who are present.

    Takes a record (its people) or a snapshot (its attendee rows)."""
    people = source.people if isinstance(source, MeetingRecord) else source.attendees
    return [a for a in people if Side.parse(a.side) is Side.THEIRS and a.present]


# ---------------------------------------------------------------------------------------------
# Vague metrics

_MONTHS = (
    "january|february|march|april|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_PATTERNS = (
    r"\b\d{4}-\d{1,2}-\d{1,2}\b",  # 2026-12-01
    r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b",  # 1/12/2026
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}}\b)?",  # 1 Dec 2026
    rf"\b(?:{_MONTHS})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?\b",  # Dec 1, 2026
    r"\bmay\s+\d{1,2}\b|\b(?:by|in|before|until|end of)\s+may\b",  # "May" only when a date
    r"\b(?:by|before|until|within|in|after|of)\s+(?:the\s+)?(?:first\s+|next\s+)?"
    r"\d+\s*(?:days?|weeks?|months?|quarters?|years?|d|w|mo)\b",  # within 120 days
    r"\b\d+\s*(?:days?|weeks?|months?)\s+(?:after|from|of|post)\b",  # 30 days after go-live
    r"\b(?:day|week|month)\s+\d+\b",  # by day 60
    r"\b(?:q[1-4]|h[12])(?:\s*(?:fy)?\s*'?\d{2,4})?\b",  # Q3, H2 2027
    r"\bfy\s*'?\d{2,4}\b",  # FY27
    r"\b(?:eoy|eoq|eom|year[- ]end|quarter[- ]end)\b",
    r"\bend\s+of\s+(?:the\s+)?(?:year|quarter|month|q[1-4])\b",
    r"\b\d{1,3}/\d{1,3}/\d{1,3}\b",  # 30/60/90
    r"\b(?:by|in|before|until|during|end of)\s+(?:19|20)\d{2}\b",  # by 2027
)
_DATE_RES = tuple(re.compile(p, re.IGNORECASE) for p in _DATE_PATTERNS)
_NUMBER_RE = re.compile(r"\d|%")


def metric_gaps(text: str, due: object | None = None) -> tuple[bool, bool]:
    """``(has_number, has_date)`` for a success metric's text (and its due date, if any).

    A date-like phrase ("by day 60", "within 120 days", "Q3", "2026-12-01") counts as the date
    and is removed before looking for the number, so "improve efficiency by 2026-12-01" still
    lacks a number.
    """
    has_date = due is not None or any(r.search(text) for r in _DATE_RES)
    rest = text
    for r in _DATE_RES:  # one at a time, most specific first: "by 2026-12-01" is all date
        rest = r.sub(" ", rest)
    return bool(_NUMBER_RE.search(rest)), has_date


# ---------------------------------------------------------------------------------------------
# The checks


def _actions(rec: MeetingRecord) -> Iterator[Finding]:
    for item in rec.items_of("action"):
        if not item.is_open:
            continue
        if not has_owner(item):
            yield Finding(
                "action-no-owner", BLOCKING, f"{label(item)} has no owner",
                "Name one person who owns it (add @name), on our side or theirs.",
                item_id=item.row_id,
            )  # fmt: skip
        if item.due is None:
            yield Finding(
                "action-no-due", BLOCKING, f"{label(item)} has no due date",
                "Agree a date before the call ends (add due:fri, due:+3d or due:2026-12-01).",
                item_id=item.row_id,
            )  # fmt: skip


def _risks(rec: MeetingRecord) -> Iterator[Finding]:
    for item in rec.items_of("risk"):
        if not item.is_open:
            continue
        if not has_owner(item) and item.escalated:
            yield _escalated_no_owner(item)
        elif not has_owner(item):
            high = item.severity == "high"
            yield Finding(
                "risk-no-owner", BLOCKING if high else WARNING,
                f"{label(item)}{' (severity high)' if high else ''} has no owner",
                "Name who watches this risk and acts on it (add @name).",
                item_id=item.row_id,
            )  # fmt: skip
        if not item.mitigation:
            yield Finding(
                "risk-no-mitigation", WARNING, f"{label(item)} has no mitigation",
                "Write down what will be done to reduce it, and by whom.",
                item_id=item.row_id,
            )  # fmt: skip
        if item.due is None:
            yield Finding(
                "risk-no-due", WARNING, f"{label(item)} has no date to act by",
                "Set a date by which the mitigation is in place or the risk is reviewed.",
                item_id=item.row_id,
            )  # fmt: skip


def _escalated_no_owner(item: Item) -> Finding:
    return Finding(
        "escalated-no-owner", BLOCKING, f"{label(item)} is escalated but nobody owns it",
        "An escalation needs one person who acts on it: add @name (and esc:@name for whom "
        "it is escalated to).",
        item_id=item.row_id,
    )  # fmt: skip


def _deviations(rec: MeetingRecord) -> Iterator[Finding]:
    """Seed 002: a missing attendee, scope conflict, ownership mismatch or disputed decision
    is recorded with an owner who resolves it (escalated to the account owner)."""
    for item in rec.items_of("deviation"):
        if not item.is_open or has_owner(item):
            continue
        if item.escalated:
            yield _escalated_no_owner(item)
        else:
            yield Finding(
                "deviation-no-owner", WARNING, f"{label(item)} has no owner",
                "Name who resolves it (add @name); escalate it with esc:@name if it threatens "
                "the timeline or go-live.",
                item_id=item.row_id,
            )  # fmt: skip


def _decisions(rec: MeetingRecord) -> Iterator[Finding]:
    for item in rec.items_of("decision"):
        if item.decider is None:
            yield Finding(
                "decision-no-decider", WARNING, f"{label(item)} does not say who decided",
                "Record who made the decision (add @name), so it cannot be disputed later.",
                item_id=item.row_id,
            )  # fmt: skip


def _promises(rec: MeetingRecord) -> Iterator[Finding]:
    for item in rec.items_of("promise"):
        if item.resolution is None:
            yield Finding(
                "promise-unreconciled", WARNING, f"{label(item)} was not reconciled",
                "Confirm it, correct it, put it out of scope or turn it into a risk "
                f"(kickoff promise ID {item.number} confirmed|corrected \"…\"|out-of-scope|risk).",
                item_id=item.row_id,
            )  # fmt: skip


def _authority(rec: MeetingRecord) -> Iterator[Finding]:
    if not rec.holders(Side.THEIRS, "decision-maker"):
        yield Finding(
            "no-decision-maker", BLOCKING,
            "No decision-maker identified on the customer's side",
            "Ask who can approve scope and timeline changes; give that attendee the "
            "decision-maker role.",
        )  # fmt: skip
    if not rec.holders(Side.THEIRS, "executive-sponsor"):
        yield Finding(
            "no-executive-sponsor", WARNING,
            "No executive sponsor identified on the customer's side",
            "Ask who sponsors this at executive level; add them with the executive-sponsor role.",
        )  # fmt: skip


def _roles(rec: MeetingRecord) -> Iterator[Finding]:
    for side in (Side.OURS, Side.THEIRS):
        for role in CRITICAL_ROLES:
            if side is Side.THEIRS and role == "decision-maker":
                continue  # reported as no-decision-maker
            if not rec.holders(side, role):
                yield Finding(
                    "role-unassigned", WARNING,
                    f"Role {role} is unassigned on {SIDE_NAMES[side]}",
                    f"Name the {role.replace('-', ' ')} on {SIDE_NAMES[side]} and give them "
                    "the role, or record it as a risk with a follow-up.",
                )  # fmt: skip


def _five_questions(rec: MeetingRecord) -> Iterator[Finding]:
    if not five_questions_asked(rec):
        yield Finding(
            "five-questions-not-asked", WARNING,
            "The Five Questions were not asked (no Five Questions block, no answers)",
            "Ask every customer attendee the Five Questions, most senior last, and record "
            "the answers in their own words.",
        )  # fmt: skip
        return
    answered: dict[int, set[int]] = {}
    for ans in rec.answers:
        if ans.text.strip():
            answered.setdefault(ans.attendee_id, set()).add(ans.question)
    for a in expected_respondents(rec):
        missing = [q for q in range(1, 6) if q not in answered.get(a.row_id, set())]
        if missing:
            qs = ", ".join(f"Q{q}" for q in missing)
            yield Finding(
                "five-questions-unanswered", WARNING,
                f"{a.name} has not answered {qs} of the Five Questions",
                f"Ask {a.name} {qs} and record the answer in their own words.",
            )  # fmt: skip


def _metrics(rec: MeetingRecord) -> Iterator[Finding]:
    for item in rec.items_of("metric"):
        has_number, has_date = metric_gaps(item.text, item.due)
        missing = [w for w, ok in (("no number", has_number), ("no date", has_date)) if not ok]
        if missing:
            yield Finding(
                "metric-vague", WARNING, f"{label(item)} is vague: {' and '.join(missing)}",
                "Make it measurable: baseline, target and date, e.g. \"cut lead-to-close from "
                "60 to 42 days within 120 days of go-live\".",
                item_id=item.row_id,
            )  # fmt: skip


def _first_value(rec: MeetingRecord) -> Iterator[Finding]:
    fv = rec.first_value
    if not fv.goal or fv.date is None:
        what = (
            "goal and no target date"
            if not fv.goal and fv.date is None
            else ("goal" if not fv.goal else "target date")
        )
        yield Finding(
            "no-first-value", WARNING, f"First Value is not defined: no {what}",
            "Agree the first achievable win and its date, ideally under two weeks out.",
            fact="first-value",
        )  # fmt: skip
    if fv.date is not None:
        days = (pendulum.date(fv.date.year, fv.date.month, fv.date.day) - local_date(rec)).days
        if days > FIRST_VALUE_MAX_DAYS:
            yield Finding(
                "first-value-late", WARNING,
                f"First Value target {fv.date.isoformat()} is {days} days after "
                f"kickoff (aim for {FIRST_VALUE_MAX_DAYS} or fewer)",
                "Narrow First Value to a win reachable within two weeks; keep the larger "
                "outcome as a milestone.",
                fact="first-value",
            )  # fmt: skip


def _scope_and_plan(rec: MeetingRecord) -> Iterator[Finding]:
    if not rec.items_of("out-of-scope"):
        yield Finding(
            "no-out-of-scope", WARNING, "Nothing is recorded as out of scope",
            "Say explicitly what is not in phase 1 (phase 2 or future) and capture it "
            "as out-of-scope.",
        )  # fmt: skip
    for item in rec.items_of("milestone"):
        if item.due is None:
            yield Finding(
                "milestone-no-date", WARNING, f"{label(item)} has no date",
                "Give the milestone a real date (add due:2026-12-15).",
                item_id=item.row_id,
            )  # fmt: skip


def _governance(rec: MeetingRecord) -> Iterator[Finding]:
    if not rec.cadence:
        yield Finding(
            "no-cadence", WARNING, "The communication cadence is not recorded",
            "Confirm the status meeting: how often, how long, which day and time.",
            fact="cadence",
        )  # fmt: skip
    if rec.next_meeting is None:
        yield Finding(
            "no-next-meeting", BLOCKING, "No next meeting is scheduled",
            "Set the next meeting's date and time before anyone leaves.",
            fact="next-meeting",
        )  # fmt: skip


def _owners(rec: MeetingRecord) -> Iterator[Finding]:
    for item in rec.items:
        if isinstance(item.owner, Unresolved | Ambiguous):
            yield Finding(
                "owner-not-attendee", WARNING,
                f"{label(item)}: owner {quote(item.owner.typed, 40)} is not an attendee "
                "(or matches more than one)",
                "Use an attendee's full name, or add the owner as an attendee "
                "(present or not).",
                item_id=item.row_id,
            )  # fmt: skip


def _time(rec: MeetingRecord, now: pendulum.DateTime) -> Iterator[Finding]:
    from kickoff_tui.core.clock import compute

    m = rec.meeting
    # The plan as it stands (a fit or a replan during the meeting counts), whole minutes.
    planned = round(sum(b.planned_seconds for b in rec.blocks) / 60)
    if planned > m.planned_minutes:
        yield Finding(
            "agenda-overrun", WARNING,
            f"The agenda's blocks plan {planned} minutes for a {m.planned_minutes}-minute "
            f"meeting ({planned - m.planned_minutes} over)",
            "Fit the agenda to the time box, or extend the meeting and tell the customer.",
        )  # fmt: skip
    if rec.blocks:
        mt = compute(rec.blocks, rec.events, m.start_utc, m.planned_minutes, now)
        if mt.ended or now >= mt.planned_end:
            if not mt.started:
                yield Finding(
                    "blocks-never-opened", WARNING,
                    "The meeting clock was never started, so no agenda block was opened",
                    "Run the agenda with the clock next time, or confirm every block was covered.",
                )  # fmt: skip
            else:
                for b in rec.blocks:
                    bt = mt.blocks.get(b.id)
                    if bt is not None and not bt.started:
                        how = " (skipped)" if b.status == "skipped" else ""
                        yield Finding(
                            "blocks-never-opened", WARNING,
                            f"Block {b.position + 1} {quote(b.title)} was never opened{how}",
                            "Cover it in the next meeting or by email, and record what was "
                            "agreed.",
                        )  # fmt: skip
    if m.contract_close is not None:
        close = pendulum.date(m.contract_close.year, m.contract_close.month, m.contract_close.day)
        days = (local_date(rec) - close).days
        if days > KICKOFF_MAX_DAYS_AFTER_CLOSE:
            yield Finding(
                "kickoff-late", WARNING,
                f"Kickoff came {days} days after contract close ({close.isoformat()}); "
                f"aim for 3–{KICKOFF_MAX_DAYS_AFTER_CLOSE}",
                "Schedule kickoffs within a week of signature; follow through quickly to "
                "recover momentum.",
            )  # fmt: skip
    deadline = followthrough_deadline(rec)
    # `kickoff sent` says when it went out; without it, the first export is the best evidence
    # of a follow-through ready in time (and is never called "sent").
    sent = m.followthrough_sent_at
    went = "was sent" if sent is not None else "was exported"
    sent = sent if sent is not None else m.followthrough_exported_at
    if sent is not None:
        if sent > deadline:
            hours = (sent - meeting_end(rec)).total_seconds() / 3600
            yield Finding(
                "followthrough-late", WARNING,
                f"Follow-through {went} {hours:.0f} hours after the meeting "
                f"(within {FOLLOWTHROUGH_HOURS} expected)",
                "Send the follow-through the same day next time (kickoff mail, then kickoff "
                "sent).",
            )  # fmt: skip
    elif now > deadline:
        hours = (now - meeting_end(rec)).total_seconds() / 3600
        yield Finding(
            "followthrough-late", WARNING,
            f"Follow-through not sent: {hours:.0f} hours since the meeting "
            f"(within {FOLLOWTHROUGH_HOURS} expected)",
            "Write the follow-through now (kickoff mail ID -o DIR), send it, then record it "
            "(kickoff sent ID).",
        )  # fmt: skip


def run_checks(source: Any, now: pendulum.DateTime) -> list[Finding]:
    """Every finding for the meeting at ``now``: blocking first, then warnings; stable order.

    ``source`` is a :class:`MeetingRecord`, or a snapshot (its record is built here).
    """
    rec = as_record(source)
    found: list[Finding] = []
    for part in (
        _actions(rec), _risks(rec), _deviations(rec), _decisions(rec), _authority(rec), _roles(rec),
        _five_questions(rec), _metrics(rec), _first_value(rec), _scope_and_plan(rec),
        _governance(rec), _owners(rec), _time(rec, now), _promises(rec),
    ):  # fmt: skip
        found.extend(part)
    order = {cid: n for n, cid in enumerate(CHECK_IDS)}
    rank = {BLOCKING: 0, WARNING: 1}
    # sorted() is stable: inside one check the record's order is kept.
    return sorted(found, key=lambda f: (rank.get(f.severity, 2), order.get(f.id, len(order))))


def play_measures(rec: MeetingRecord, now: pendulum.DateTime | None = None) -> dict[str, Any]:
    """How the play went, as counts and yes/no answers (no captured text): for the CRM.

    See ``export/crm.py`` for each field.
    """
    m = rec.meeting
    by_role = {
        side.value: {
            r: sum(1 for p in rec.side_of(side) if p.present and r in p.roles) for r in ROLES
        }
        for side in (Side.OURS, Side.THEIRS)
    }
    respondents = expected_respondents(rec)
    ids = {p.row_id for p in respondents}
    answered = {(a.attendee_id, a.question) for a in rec.answers
                if a.text.strip() and a.attendee_id in ids}  # fmt: skip
    expected_answers = 5 * len(respondents)
    days_after_close = None
    if m.contract_close is not None:
        day = local_date(rec)
        days_after_close = (dt.date(day.year, day.month, day.day) - m.contract_close).days
    deadline = followthrough_deadline(rec)
    within: bool | None
    went = m.followthrough_sent_at or m.followthrough_exported_at
    if went is not None:
        within = went <= deadline
    elif now is not None and now > deadline:
        within = False
    else:
        within = None
    sent = m.followthrough_exported_at
    return {
        "days_contract_to_kickoff": days_after_close,
        "attendees_present_by_role": by_role,
        "five_questions_answered": {
            "asked": five_questions_asked(rec),
            "respondents": len({a for a, _ in answered}),
            "expected_respondents": len(respondents),
            "answers": len(answered),
            "expected_answers": expected_answers,
            "complete": bool(respondents) and len(answered) == expected_answers,
        },
        "first_value_defined": rec.first_value.defined,
        "next_meeting_scheduled": rec.next_meeting is not None,
        "followthrough_exported_at": sent.isoformat() if sent is not None else None,
        "followthrough_sent_at": (
            m.followthrough_sent_at.isoformat() if m.followthrough_sent_at is not None else None
        ),
        "followthrough_within_24h": within,
    }


def score(findings: Iterable[Any]) -> int:
    """0–100: 100 minus each finding's weight (blocking 10, warning 4), capped per check id
    (blocking 20, warning 8) so one repeated problem cannot hide the rest."""
    per_check: dict[tuple[str, str], int] = {}
    for f in findings:
        key = (f.id, f.severity)
        per_check[key] = per_check.get(key, 0) + WEIGHTS.get(f.severity, WEIGHTS[WARNING])
    penalty = sum(min(v, CAPS.get(sev, CAPS[WARNING])) for (_, sev), v in per_check.items())
    return max(0, 100 - penalty)


def findings_to_json(findings: Sequence[Finding]) -> list[dict[str, str]]:
    """Plain dicts with the keys id, severity, message, fix (for JSON output)."""
    return [
        {"id": f.id, "severity": f.severity, "message": f.message, "fix": f.fix} for f in findings
    ]
