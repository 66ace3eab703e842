"""CRM fields for the kickoff, as one JSON-ready dict: what the play captured and how it went.

Seed 003 asks for "structured fields for success definition, risk factors, executive sponsor,
customer owners, First Value target, and next steps", and for the play to be *measured*. The
field names below are a contract (``schema`` says which version): add fields in a new minor
meaning, never rename or retype one under ``kickoff-crm/1``. Dates are ISO 8601 (``YYYY-MM-DD``);
times are ISO 8601 with their UTC offset; absent values are ``null``, never missing keys.
Internal items (``#internal``) and risk mitigations never appear. Every ``id`` is the stable
identity (a UUID) of the item, answer or attendee it comes from: the same in every export and in
copies of the meeting, so a CRM that imports twice updates instead of duplicating.

``schema``                 ``"kickoff-crm/1"``
``meeting_id``             str, the kickoff-tui meeting id
``meeting_uid``            str, the meeting's stable identity (a UUID, kept by ``kickoff copy``)
``client``                 str
``title``                  str
``kickoff_date``           str, the meeting's local date
``kickoff_start``          str, local start time with offset
``timezone``               str, IANA zone of the meeting
``generated_at``           str | null, the ``now`` given to the export (UTC)
``success_definition``     list of {id, source: "five-questions" | "metric",
                           attendee: str | null, text: str, target_date: str | null} — Q2
                           answers, then success metrics
``risk_factors``           list of {id, source: "five-questions" | "risk", attendee: str | null,
                           text: str, severity: str | null, owner: str | null,
                           due: str | null, status: str | null} — Q4 answers, then risks
``executive_sponsor``      {name, title} | null — the customer's (most senior if several)
``customer_owners``        list of {id, name, title, roles: [str], present: bool} — customer
                           attendees holding any role, in capture order
``first_value``            {goal: str | null, target_date: str | null}
``next_steps``             list of {id, title, owner, due, side, block} — open actions
``next_meeting``           str | null, local date-time with offset
``cadence``                str | null
``play_measures``          {
                             days_contract_to_kickoff: int | null,
                             attendees_present_by_role: {"ours": {role: int},
                                                         "theirs": {role: int}} (every role),
                             five_questions_answered: {asked: bool, respondents: int,
                                                       expected_respondents: int,
                                                       answers: int, expected_answers: int,
                                                       complete: bool},
                             first_value_defined: bool,
                             next_meeting_scheduled: bool,
                             followthrough_exported_at: str | null (UTC),
                             followthrough_within_24h: bool | null (null: not yet due)
                           }
``health``                 {score: int 0-100, blocking: int, warnings: int,
                           findings: [{id, severity, message, fix}]} — an internal item's text
                           is replaced by "(internal item)" in its finding's message

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pendulum

from kickoff_tui.core.checks import (
    BLOCKING,
    Finding,
    expected_respondents,
    findings_to_json,
    five_questions_asked,
    followthrough_deadline,
    item_side,
    local_date,
    match_attendee,
    quote,
    score,
)
from kickoff_tui.core.models import ROLES, Item
from kickoff_tui.core.record import Snapshot

SCHEMA = "kickoff-crm/1"


def _date(d: dt.date | None) -> str | None:
    return None if d is None else dt.date(d.year, d.month, d.day).isoformat()


def _utc(t: dt.datetime | None) -> str | None:
    return None if t is None else pendulum.instance(t).in_timezone("UTC").isoformat()


def _text(s: str | None) -> str | None:
    s = (s or "").strip()
    return s or None


def _owner(snap: Snapshot, item: Item) -> str | None:
    person = match_attendee(snap, item.owner, item.owner_attendee_id)
    return person.name if person is not None else _text(item.owner)


def _answers(snap: Snapshot, question: int) -> list[dict[str, Any]]:
    out = []
    for ans in snap.answers:
        if ans.question == question and ans.text.strip():
            person = snap.attendee(ans.attendee_id)
            out.append(
                {"id": ans.uid, "attendee": person.name if person else None,
                 "text": ans.text.strip()}
            )  # fmt: skip
    return out


def _redacted(snap: Snapshot, findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings as JSON, with the text of internal items taken out of their messages."""
    internal = {i.id: i for i in snap.items if i.internal}
    out = findings_to_json(findings)
    for entry, f in zip(out, findings, strict=True):
        item = internal.get(getattr(f, "item_id", None))
        if item is not None:
            entry["message"] = entry["message"].replace(quote(item.text), "(internal item)")
    return out


def render_crm(
    snap: Snapshot, findings: Sequence[Finding], now: pendulum.DateTime | None = None
) -> dict[str, Any]:
    """The CRM record (see the module docstring for every field)."""
    m = snap.meeting
    public = [i for i in snap.items if not i.internal]
    start = pendulum.instance(m.start_utc).in_timezone(m.tz)
    kickoff_day = local_date(snap)

    success: list[dict[str, Any]] = [
        {"id": a.pop("id"), "source": "five-questions", **a, "target_date": None}
        for a in _answers(snap, 2)
    ]
    success += [
        {
            "id": i.uid,
            "source": "metric",
            "attendee": None,
            "text": i.text,
            "target_date": _date(i.due),
        }
        for i in public
        if i.kind == "metric"
    ]
    risks: list[dict[str, Any]] = [
        {"id": a.pop("id"), "source": "five-questions", **a, "severity": None, "owner": None,
         "due": None, "status": None}
        for a in _answers(snap, 4)
    ]  # fmt: skip
    risks += [
        {"id": i.uid, "source": "risk", "attendee": None, "text": i.text, "severity": i.severity,
         "owner": _owner(snap, i), "due": _date(i.due), "status": i.status}
        for i in public
        if i.kind == "risk"
    ]  # fmt: skip

    theirs = [a for a in snap.attendees if a.side == "theirs"]
    sponsors = sorted(
        (a for a in theirs if "executive-sponsor" in a.role_list),
        key=lambda a: (-a.seniority, a.id or 0),
    )
    sponsor = {"name": sponsors[0].name, "title": sponsors[0].title} if sponsors else None
    owners = [
        {"id": a.uid, "name": a.name, "title": a.title, "roles": a.role_list, "present": a.present}
        for a in theirs
        if a.role_list
    ]

    next_steps = []
    for i in public:
        if i.kind != "action" or i.status == "done":
            continue
        block = snap.block(i.block_id)
        next_steps.append(
            {
                "id": i.uid,
                "title": i.text,
                "owner": _owner(snap, i),
                "due": _date(i.due),
                "side": item_side(snap, i),
                "block": block.title if block is not None else None,
            }
        )

    by_role: dict[str, dict[str, int]] = {}
    for side in ("ours", "theirs"):
        present = [a for a in snap.attendees if a.side == side and a.present]
        by_role[side] = {r: sum(1 for a in present if r in a.role_list) for r in ROLES}

    respondents = expected_respondents(snap)
    ids = {a.id for a in respondents}
    answered = {
        (a.attendee_id, a.question) for a in snap.answers if a.text.strip() and a.attendee_id in ids
    }
    expected_answers = 5 * len(respondents)
    days_after_close = None
    if m.contract_close is not None:
        days_after_close = kickoff_day.toordinal() - m.contract_close.toordinal()

    deadline = followthrough_deadline(snap)
    within: bool | None
    if m.followthrough_exported_at is not None:
        within = pendulum.instance(m.followthrough_exported_at) <= deadline
    elif now is not None and now > deadline:
        within = False
    else:
        within = None

    goal = _text(m.first_value_goal)
    return {
        "schema": SCHEMA,
        "meeting_id": m.id,
        "meeting_uid": m.uid,
        "client": m.client,
        "title": m.title,
        "kickoff_date": kickoff_day.isoformat(),
        "kickoff_start": start.isoformat(),
        "timezone": m.tz,
        "generated_at": _utc(now),
        "success_definition": success,
        "risk_factors": risks,
        "executive_sponsor": sponsor,
        "customer_owners": owners,
        "first_value": {"goal": goal, "target_date": _date(m.first_value_date)},
        "next_steps": next_steps,
        "next_meeting": (
            pendulum.instance(m.next_meeting_utc).in_timezone(m.tz).isoformat()
            if m.next_meeting_utc is not None
            else None
        ),
        "cadence": _text(m.cadence),
        "play_measures": {
            "days_contract_to_kickoff": days_after_close,
            "attendees_present_by_role": by_role,
            "five_questions_answered": {
                "asked": five_questions_asked(snap),
                "respondents": len({a for a, _ in answered}),
                "expected_respondents": len(respondents),
                "answers": len(answered),
                "expected_answers": expected_answers,
                "complete": bool(respondents) and len(answered) == expected_answers,
            },
            "first_value_defined": goal is not None and m.first_value_date is not None,
            "next_meeting_scheduled": m.next_meeting_utc is not None,
            "followthrough_exported_at": _utc(m.followthrough_exported_at),
            "followthrough_within_24h": within,
        },
        "health": {
            "score": score(findings),
            "blocking": sum(1 for f in findings if f.severity == BLOCKING),
            "warnings": sum(1 for f in findings if f.severity != BLOCKING),
            "findings": _redacted(snap, findings),
        },
    }
