"""Timer events and the block/meeting status they imply; rebalanced block minutes."""

from __future__ import annotations

import pendulum

from kickoff_tui.core.meetings import get_meeting
from kickoff_tui.core.models import (
    Block,
    TimerEvent,
    utcnow,
)
from kickoff_tui.core.store import Store


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
    """Append a timer event (and the block/meeting status it implies) in one transaction."""
    with store.write(by) as s:
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


def set_block_minutes(store: Store, plan: dict[int, int], *, by: str = "facilitator") -> None:
    """Apply a rebalance: new planned minutes for some blocks, in one transaction."""
    with store.write(by) as s:
        for bid, minutes in plan.items():
            b = s.get(Block, bid)
            if b is not None:
                b.planned_minutes = minutes
                s.add(b)
