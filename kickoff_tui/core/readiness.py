"""The readiness gate (issue 11 part 3): seed 002's step 1 and seed 004's preparation, as checks
a facilitator runs before the kickoff (``kickoff ready ID``).

=======================  ========  ==========================================================
check                    blocking  passes when
=======================  ========  ==========================================================
contract-signed          yes       the contract close date is recorded and not in the future
meeting-scheduled        yes       the meeting has not started or ended yet
decision-maker-invited   yes       a customer attendee with the decision-maker role has an email
sponsor-invited          yes       a customer attendee with the executive-sponsor role has one
agenda-fits              yes       the blocks' planned minutes fit the meeting's time box
invitation-sent          yes       ``kickoff invite`` wrote the invitation at least 48 h before
internal-brief           no        ``kickoff invite --internal`` wrote the brief (24 h before)
pre-reads                no        the handoff lists pre-reads
=======================  ========  ==========================================================

A failing check can be **ticked** (done another way: ``--tick CHECK``) or recorded as a
**deviation** with an owner (seed 002: "record any missing attendee, missing document or
scheduling conflict as a deviation and escalate it to the account owner"). Either takes it out
of the way of the gate; both are kept in the meeting's ``prep`` JSON with who and when, and
``kickoff ready`` shows them. The gate is ready when no blocking check fails.

Headless: imports no Textual.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pendulum

from kickoff_tui.core.errors import InputError
from kickoff_tui.core.handoff import load_prep
from kickoff_tui.core.meetings import get_meeting
from kickoff_tui.core.readmodel import MeetingRecord, build_record
from kickoff_tui.core.store import Store
from kickoff_tui.core.text import clean
from kickoff_tui.core.vocab import Side

INVITE_HOURS = 48
BRIEF_HOURS = 24


@dataclass(frozen=True)
class Check:
    id: str
    label: str
    blocking: bool
    status: str  # pass / fail / ticked / deviation
    detail: str
    fix: str
    by: str = ""  # who ticked it, or the deviation's owner
    note: str = ""

    @property
    def failing(self) -> bool:
        return self.status == "fail"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "blocking": self.blocking,
                "status": self.status, "detail": self.detail, "fix": self.fix,
                "by": self.by or None, "note": self.note or None}  # fmt: skip


Rule = Callable[[MeetingRecord, dict[str, Any], pendulum.DateTime], tuple[bool, str]]


def _contract(rec: MeetingRecord, prep: dict[str, Any], now: pendulum.DateTime) -> tuple[bool, str]:
    close = rec.meeting.contract_close
    if close is None:
        return False, "no contract close date recorded"
    if close > now.in_timezone(rec.meeting.tz).date():
        return False, f"the contract closes on {close.isoformat()}, after today"
    return True, f"contract closed {close.isoformat()}"


def _scheduled(
    rec: MeetingRecord, prep: dict[str, Any], now: pendulum.DateTime
) -> tuple[bool, str]:
    start = rec.meeting.local_start()
    when = start.format("ddd D MMM YYYY HH:mm zz")
    if rec.meeting.status != "planned" or rec.meeting.start_utc <= now:
        return False, f"the meeting was due {when} ({rec.meeting.status})"
    return True, f"on the calendar for {when}"


def _holder(role: str) -> Rule:
    def rule(rec: MeetingRecord, prep: dict[str, Any], now: pendulum.DateTime) -> tuple[bool, str]:
        held = rec.holders(Side.THEIRS, role)
        if not held:
            return False, f"no customer attendee holds the {role} role"
        with_email = [p for p in held if p.email]
        if not with_email:
            names = ", ".join(p.name for p in held)
            return False, f"{names} ({role}) has no email address to invite"
        return True, ", ".join(p.name for p in with_email)

    return rule


def _fits(rec: MeetingRecord, prep: dict[str, Any], now: pendulum.DateTime) -> tuple[bool, str]:
    planned = sum(b.planned_minutes for b in rec.blocks)
    box = rec.meeting.planned_minutes
    if planned > box:
        return False, f"the blocks plan {planned} min in a {box}-min box ({planned - box} over)"
    return True, f"{planned} of {box} min planned"


def _invited(rec: MeetingRecord, prep: dict[str, Any], now: pendulum.DateTime) -> tuple[bool, str]:
    at = rec.meeting.invited_at
    if at is None:
        return False, "no invitation written yet"
    hours = (rec.meeting.start_utc - at).total_seconds() / 3600
    if hours < INVITE_HOURS:
        return False, f"written {hours:.0f} h before the start ({INVITE_HOURS} h expected)"
    return True, f"written {hours:.0f} h before the start"


def _briefed(rec: MeetingRecord, prep: dict[str, Any], now: pendulum.DateTime) -> tuple[bool, str]:
    at = rec.meeting.briefed_at
    if at is None:
        return False, "no internal brief written yet"
    hours = (rec.meeting.start_utc - at).total_seconds() / 3600
    return True, f"written {hours:.0f} h before the start"


def _pre_reads(
    rec: MeetingRecord, prep: dict[str, Any], now: pendulum.DateTime
) -> tuple[bool, str]:
    reads = prep.get("pre_reads") or []
    if not reads:
        return False, "no pre-reads listed"
    return True, f"{len(reads)} listed"


#: (id, label, blocking, rule, fix) — the table in the module doc, in order.
CHECKS: tuple[tuple[str, str, bool, Rule, str], ...] = (
    ("contract-signed", "Contract signed", True, _contract,
     "record the close date: contract_close in the handoff (kickoff prep ID --from FILE)"),
    ("meeting-scheduled", "Meeting scheduled", True, _scheduled,
     "create the meeting again with --start, or tick it if it was moved elsewhere"),
    ("decision-maker-invited", "Decision-maker invited", True, _holder("decision-maker"),
     "name the decision-maker with an email in the handoff (roles = [\"decision-maker\"])"),
    ("sponsor-invited", "Executive sponsor invited", True, _holder("executive-sponsor"),
     "name the executive sponsor with an email in the handoff (roles = [\"executive-sponsor\"])"),
    ("agenda-fits", "Agenda fits its box", True, _fits,
     "shorten or drop blocks (kickoff fit ID scales them), or make the box longer"),
    ("invitation-sent", f"Invitation sent {INVITE_HOURS} h before", True, _invited,
     "write it now: kickoff invite ID -o DIR, and send it"),
    ("internal-brief", "Internal brief done", False, _briefed,
     "write it: kickoff invite ID -o DIR --internal"),
    ("pre-reads", "Pre-reads listed", False, _pre_reads,
     "list them: pre_reads = [...] in the handoff (kickoff prep ID --from FILE)"),
)  # fmt: skip
CHECK_IDS: tuple[str, ...] = tuple(c[0] for c in CHECKS)


def evaluate(source: Any, prep_text: str | None, now: pendulum.DateTime) -> list[Check]:
    """Every check for the meeting (a record or a snapshot) at ``now``."""
    rec = source if isinstance(source, MeetingRecord) else build_record(source)
    prep = load_prep(prep_text)
    ticks: dict[str, Any] = prep.get("ticks") or {}
    deviations: dict[str, Any] = prep.get("deviations") or {}
    out: list[Check] = []
    for cid, label, blocking, rule, fix in CHECKS:
        ok, detail = rule(rec, prep, now)
        status, by, note = ("pass" if ok else "fail"), "", ""
        if not ok and cid in ticks:
            status, by = "ticked", str(ticks[cid].get("by", ""))
        elif not ok and cid in deviations:
            d = deviations[cid]
            status, by, note = "deviation", str(d.get("owner", "")), str(d.get("note", ""))
        out.append(Check(cid, label, blocking, status, detail, fix, by, note))
    return out


def ready(checks: list[Check]) -> bool:
    return not any(c.failing and c.blocking for c in checks)


def summary(checks: list[Check]) -> str:
    """``ready`` or ``not ready: 2 blocking`` (for the picker and the cockpit)."""
    blocking = sum(1 for c in checks if c.failing and c.blocking)
    return "ready" if not blocking else f"not ready: {blocking} blocking"


def line(checks: list[Check]) -> str:
    """One line for a screen before the meeting starts: ``ready`` or ``not ready: the
    invitation, the agenda fit`` (the blocking checks still failing, by their labels)."""
    failing = [c.label.lower() for c in checks if c.failing and c.blocking]
    return "ready" if not failing else "not ready: " + ", ".join(failing)


def check_id(word: str) -> str:
    word = word.strip().lower()
    if word not in CHECK_IDS:
        raise InputError(f"unknown check '{word}' — use one of: {', '.join(CHECK_IDS)}")
    return word


def record(
    store: Store,
    meeting_id: str,
    check: str,
    now: pendulum.DateTime,
    *,
    by: str = "cli",
    deviation_owner: str | None = None,
    note: str = "",
) -> None:
    """Tick ``check`` (or, with ``deviation_owner``, record it as a deviation) in one
    transaction; the prep JSON is read and written under the meeting's lock."""
    check = check_id(check)
    note = " ".join(clean(note, field="the note").split())
    owner = None
    if deviation_owner is not None:
        owner = " ".join(clean(deviation_owner, field="the owner").split())
        if not owner:
            raise InputError("the deviation's owner is empty — name who escalates it (--owner)")
    with store.write(by) as s:
        m = get_meeting(s, meeting_id, for_update=True)
        prep = load_prep(m.prep)
        at = now.in_timezone("UTC").isoformat()
        if owner is None:
            prep.setdefault("ticks", {})[check] = {"by": by, "at": at}
        else:
            prep.setdefault("deviations", {})[check] = {"owner": owner, "at": at, "note": note}
        m.prep = json.dumps(prep, ensure_ascii=False, sort_keys=True)
        m.version += 1
        s.add(m)
