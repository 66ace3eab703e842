"""Timer events and the block/meeting status they imply; rebalanced block minutes.

The ``write_*`` functions work inside a caller's write transaction (a unit of work that has
already read what it decides on, see ``core.timers``); the others open one of their own.
"""

from __future__ import annotations

import pendulum
from sqlmodel import Session

from kickoff_tui.core.meetings import get_meeting
from kickoff_tui.core.models import (
    Block,
    TimerEvent,
    utcnow,
)
from kickoff_tui.core.store import Store


def write_timer_event(
    s: Session,
    meeting_id: str,
    kind: str,
    *,
    block_id: int | None = None,
    seconds: int = 0,
    at: pendulum.DateTime | None = None,
    by: str = "facilitator",
    block_status: dict[int, str] | None = None,
    meeting_status: str | None = None,
) -> TimerEvent:
    """Append a timer event and the block/meeting status it implies, in the open session."""
    ev = TimerEvent(
        meeting_id=meeting_id,
        block_id=block_id,
        kind=kind,
        seconds=seconds,
        at=(at or utcnow()).in_timezone("UTC"),
        by=by,
    )
    s.add(ev)
    for bid, status in (block_status or {}).items():
        b = s.get(Block, bid)
        if b is not None and b.status != status:
            b.status = status
            s.add(b)
    if meeting_status is not None:
        m = get_meeting(s, meeting_id)
        if m.status != meeting_status:
            m.status = meeting_status
            s.add(m)
    return ev


def add_timer_event(
    store: Store,
    meeting_id: str,
    kind: str,
    *,
    block_id: int | None = None,
    seconds: int = 0,
    at: pendulum.DateTime | None = None,
    by: str = "facilitator",
    block_status: dict[int, str] | None = None,
    meeting_status: str | None = None,
) -> TimerEvent:
    """Append a timer event (and the block/meeting status it implies) in one transaction.
    Decides nothing: a press that depends on the current state goes through ``core.timers``."""
    with store.write(by) as s:
        return write_timer_event(
            s, meeting_id, kind, block_id=block_id, seconds=seconds, at=at, by=by,
            block_status=block_status, meeting_status=meeting_status,
        )  # fmt: skip


def write_block_seconds(s: Session, plan: dict[int, int]) -> None:
    """A rebalance in the open session: the blocks' replanned seconds (their planned minutes,
    the plan agreed before the meeting, stay as they were for the record)."""
    for bid, seconds in plan.items():
        b = s.get(Block, bid)
        if b is not None and b.replanned_seconds != seconds:
            b.replanned_seconds = seconds
            s.add(b)


def write_block_minutes(s: Session, plan: dict[int, int]) -> None:
    """New planned minutes for some blocks, in the open session."""
    for bid, minutes in plan.items():
        b = s.get(Block, bid)
        if b is not None and b.planned_minutes != minutes:
            b.planned_minutes = minutes
            s.add(b)


def set_block_minutes(store: Store, plan: dict[int, int], *, by: str = "facilitator") -> None:
    """Apply a rebalance: new planned minutes for some blocks, in one transaction."""
    with store.write(by) as s:
        write_block_minutes(s, plan)
