"""CRM fields for the kickoff, as one JSON-ready dict: what the play captured and how it went.

Seed 003 asks for "structured fields for success definition, risk factors, executive sponsor,
customer owners, First Value target, and next steps", and for the play to be *measured*. The
shape is a contract, written as a JSON Schema shipped in the package
(``kickoff_tui/data/schemas/kickoff-crm.schema.json``, see :func:`schema`); every export carries
its ``schema_version``. Add fields in a new minor meaning; renaming or retyping one bumps the
version. Dates are ISO 8601 (``YYYY-MM-DD``); times are ISO 8601 with their UTC offset; absent
values are ``null``, never missing keys.

**Client-facing.** A CRM record is synced into systems the customer may see (shared success
plans, customer portals, QBR decks), so it is rendered from a ``ClientRecord`` like the email:
no internal item or fact, no risk mitigation, health findings reworded where they name one.

Version 2 (this one) differs from ``kickoff-crm/1``: ``schema`` became ``schema_version`` (2);
sides are written ``ours`` / ``theirs`` (the vocabulary's one spelling, were ``us`` / ``them``);
``next_steps`` and ``risk_factors`` entries carry the item's ``id``; an owner who is no attendee
reads ``name (not an attendee)`` as in every output; ``next_meeting_minutes`` is new.

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pendulum

from kickoff_tui.core.checks import BLOCKING, local_date_of, score
from kickoff_tui.core.readmodel import ClientRecord
from kickoff_tui.core.vocab import Side

SCHEMA_VERSION = 2
SCHEMA_FILE = "kickoff-crm.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema every CRM export validates against (shipped in the package)."""
    loaded: dict[str, Any] = json.loads(_schema_path().read_text(encoding="utf-8"))
    return loaded


def _schema_path() -> Traversable:
    packaged = resources.files("kickoff_tui") / "data" / "schemas" / SCHEMA_FILE
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "data" / "schemas" / SCHEMA_FILE


def _date(d: dt.date | None) -> str | None:
    return None if d is None else dt.date(d.year, d.month, d.day).isoformat()


def _utc(t: dt.datetime | None) -> str | None:
    return None if t is None else pendulum.instance(t).in_timezone("UTC").isoformat()


def render_crm(rec: ClientRecord, now: pendulum.DateTime | None = None) -> dict[str, Any]:
    """The CRM record of a client view (findings and measures come with it)."""
    m = rec.meeting
    start = m.local_start()

    def answers(question: int) -> list[dict[str, Any]]:
        return [
            {"attendee": a.person.name if a.person else None, "text": a.text.strip()}
            for a in rec.answers
            if a.question == question and a.text.strip()
        ]

    success: list[dict[str, Any]] = [
        {"source": "five-questions", **a, "target_date": None} for a in answers(2)
    ]
    success += [
        {"source": "metric", "attendee": None, "text": i.text, "target_date": _date(i.due)}
        for i in rec.items_of("metric")
    ]
    risks: list[dict[str, Any]] = [
        {"source": "five-questions", "id": None, **a, "severity": None, "owner": None,
         "due": None, "status": None}
        for a in answers(4)
    ]  # fmt: skip
    risks += [
        {"source": "risk", "id": i.ident, "attendee": None, "text": i.text,
         "severity": i.severity.value if i.severity else None, "owner": i.owner_label or None,
         "due": _date(i.due), "status": i.status.value}
        for i in rec.items_of("risk")
    ]  # fmt: skip

    theirs = rec.side_of(Side.THEIRS)
    sponsors = sorted(
        (a for a in theirs if "executive-sponsor" in a.roles), key=lambda a: -a.seniority
    )
    sponsor = {"name": sponsors[0].name, "title": sponsors[0].title} if sponsors else None
    owners = [
        {"name": a.name, "title": a.title, "roles": list(a.roles), "present": a.present}
        for a in theirs
        if a.roles
    ]
    next_steps = [
        {"id": i.ident, "title": i.text, "owner": i.owner_label or None, "due": _date(i.due),
         "side": i.side.value if i.side else None, "block": i.block_title}
        for i in rec.items_of("action")
        if i.is_open
    ]  # fmt: skip

    fv = rec.first_value
    nm = rec.next_meeting
    findings = rec.findings
    return {
        "schema_version": SCHEMA_VERSION,
        "meeting_id": m.id,
        "client": m.client,
        "title": m.title,
        "kickoff_date": local_date_of(m).isoformat(),
        "kickoff_start": start.isoformat(),
        "timezone": m.tz,
        "generated_at": _utc(now),
        "success_definition": success,
        "risk_factors": risks,
        "executive_sponsor": sponsor,
        "customer_owners": owners,
        "first_value": {
            "goal": (fv.goal or None) if fv else None,
            "target_date": _date(fv.date) if fv else None,
        },
        "next_steps": next_steps,
        "next_meeting": nm.start_utc.in_timezone(m.tz).isoformat() if nm else None,
        "next_meeting_minutes": nm.minutes if nm else None,
        "cadence": rec.cadence or None,
        "play_measures": dict(rec.measures),
        "health": {
            "score": score(findings),
            "blocking": sum(1 for f in findings if f.severity == BLOCKING),
            "warnings": sum(1 for f in findings if f.severity != BLOCKING),
            "findings": [
                {"id": f.id, "severity": f.severity, "message": f.message, "fix": f.fix}
                for f in findings
            ],
        },
    }
