"""A realistic sample kickoff, for trying the cockpit without typing a meeting in first."""

from __future__ import annotations

import pendulum

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.models import Meeting
from kickoff_tui.core.record import add_attendee, add_lines, create_meeting, update_meeting
from kickoff_tui.core.store import Store

PEOPLE = (
    ("Maria Lopez", "theirs", "VP Operations", 9, ("decision-maker", "executive-sponsor")),
    ("Dana Kim", "theirs", "IT Lead", 6, ("technical-owner", "escalation-contact")),
    ("Li Wei", "theirs", "Operations Manager", 4, ("champion", "end-user-rep", "primary-contact")),
    ("Sam Patel", "ours", "Customer Success Manager", 5, ("primary-contact",)),
    ("Alex Rivera", "ours", "Solutions Engineer", 4, ("technical-owner",)),
)

ITEMS = {
    "action": ["Send recap and updated timeline @sam due:+1d side:us",
               "Share SSO metadata and API keys @dana due:fri side:them"],
    "decision": ["Phase 1 covers the EU region only @maria"],
    "risk": ["SSO approval may slip past week 2 @dana due:+5d sev:high"],
    "in-scope": ["Order intake automation for EU warehouses"],
    "out-of-scope": ["US region and custom reporting (phase 2)"],
}  # fmt: skip


def create_demo(store: Store, now: pendulum.DateTime | None = None) -> Meeting:
    """Acme Corp's kickoff, scheduled to start now in this machine's time zone."""
    tz = pendulum.tz.get_local_timezone().name
    start = (now or pendulum.now(tz)).in_timezone(tz).replace(second=0, microsecond=0)
    meeting = create_meeting(store, "Acme Corp", get_template("kickoff-90"), start, tz, by="demo")
    for name, side, title, seniority, roles in PEOPLE:
        add_attendee(store, meeting.id, name, side=side, title=title, seniority=seniority,
                     roles=roles, by="demo")  # fmt: skip
    for kind, lines in ITEMS.items():
        add_lines(store, meeting, kind, lines, by="demo")
    update_meeting(store, meeting.id, by="demo", contract_close=start.date().subtract(days=4))
    return meeting


def open_demo(store: Store, *, reset: bool = False) -> tuple[Meeting, str]:
    """The one demo meeting: the existing one reopened, or (``reset``, or none yet) a fresh one.
    Returns it and what was done ("reopened", "reset", "created")."""
    from kickoff_tui.core.deletion import delete_meeting, find_demo

    found = find_demo(store)
    if found is not None and not reset:
        return found, "reopened"
    if found is not None:
        delete_meeting(store, found.id, by="demo")
    return create_demo(store), "reset" if found is not None else "created"
