"""The record's fixed words (statuses, sides, roles, timer events), without SQLModel.

``models`` re-exports them; screens and pure logic import them from here so that they load
without SQLAlchemy (the cockpit's first frame must not pay for it).
"""

from __future__ import annotations

MEETING_STATUSES = ("planned", "running", "ended")
BLOCK_STATUSES = ("pending", "active", "done", "skipped")
SIDES = ("ours", "theirs")
ROLES = (
    "primary-contact",
    "decision-maker",
    "technical-owner",
    "escalation-contact",
    "executive-sponsor",
    "champion",
    "end-user-rep",
)
SEVERITIES = ("high", "medium", "low")
ITEM_STATUSES = ("open", "done")
TIMER_EVENTS = ("block-started", "paused", "resumed", "block-ended", "extended", "meeting-ended")
