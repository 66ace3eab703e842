"""Driving the time boxes: start, next/previous block, pause, extend, rebalance, end.

Each operation reads the stored events, decides (``timebox``, shared with the cockpit's instant
view), and appends one timer event (plus the block and meeting status it implies) in one
transaction. The UI calls these; so could a script.
"""

from __future__ import annotations

from typing import Any

import pendulum

from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.models import Item
from kickoff_tui.core.record import Snapshot, add_timer_event, load_snapshot, set_block_minutes
from kickoff_tui.core.store import Store
from kickoff_tui.core.timebox import (
    Proposal,
    TimerPlan,
    meeting_time,
    plan_end,
    plan_extend,
    plan_pause,
    plan_start,
    plan_step,
    propose,
)

__all__ = [
    "Proposal",
    "accept",
    "apply_plan",
    "end",
    "extend",
    "meeting_time",
    "propose",
    "start",
    "step",
    "toggle_pause",
]


def _read(store: Store, meeting_id: str, now: pendulum.DateTime) -> tuple[Snapshot, MeetingTime]:
    snap = load_snapshot(store, meeting_id, with_items=False)
    return snap, meeting_time(snap, now)


def apply_plan(
    store: Store, meeting_id: str, plan: TimerPlan, now: pendulum.DateTime, by: str
) -> Any:
    """Write what ``plan`` decided (nothing when it decided nothing); return its answer."""
    ev = plan.event
    if ev is None:
        return plan.result
    if plan.parked:
        with store.write(by) as s:
            for b in plan.parked:
                s.add(
                    Item(
                        meeting_id=meeting_id, kind="question", block_id=b.id, captured_by=by,
                        text=f"Parking lot: agenda block '{b.title}' was never opened — "
                             "schedule it",
                        created_at=now, updated_at=now,
                    )
                )  # fmt: skip
    add_timer_event(
        store, meeting_id, ev.kind, block_id=ev.block_id, seconds=ev.seconds, at=now, by=by,
        block_status=dict(plan.block_status), meeting_status=plan.meeting_status,
    )  # fmt: skip
    return plan.result


def start(store: Store, meeting_id: str, now: pendulum.DateTime, by: str = "facilitator") -> bool:
    """Start the meeting with its first block. False when it had already started."""
    snap, mt = _read(store, meeting_id, now)
    return bool(apply_plan(store, meeting_id, plan_start(snap, mt), now, by))


def step(
    store: Store, meeting_id: str, delta: int, now: pendulum.DateTime, by: str = "facilitator"
) -> str:
    """Open the next (+1) or previous (-1) block. After the last block, ``+1`` ends the meeting.

    Returns what happened: "moved", "ended", "not-started", "at-start" or "ended-already".
    """
    snap, mt = _read(store, meeting_id, now)
    return str(apply_plan(store, meeting_id, plan_step(snap, mt, delta), now, by))


def toggle_pause(
    store: Store, meeting_id: str, now: pendulum.DateTime, by: str = "facilitator"
) -> str:
    _snap, mt = _read(store, meeting_id, now)
    return str(apply_plan(store, meeting_id, plan_pause(mt), now, by))


def extend(
    store: Store, meeting_id: str, now: pendulum.DateTime, seconds: int = 60,
    by: str = "facilitator",
) -> bool:  # fmt: skip
    _snap, mt = _read(store, meeting_id, now)
    return bool(apply_plan(store, meeting_id, plan_extend(mt, seconds), now, by))


def end(store: Store, meeting_id: str, now: pendulum.DateTime, by: str = "facilitator") -> int:
    """End the meeting. Blocks never opened become skipped, each with a parking-lot entry.

    Returns how many blocks went to the parking lot.
    """
    snap, mt = _read(store, meeting_id, now)
    return int(apply_plan(store, meeting_id, plan_end(snap, mt), now, by))


def accept(store: Store, proposal: Proposal, by: str = "facilitator") -> bool:
    """Apply the proposal; True once saved (the screen says so only then)."""
    if not proposal.plan:
        raise InputError("nothing to rebalance")
    set_block_minutes(store, proposal.plan, by=by)
    return True
