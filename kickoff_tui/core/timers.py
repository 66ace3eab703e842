"""Driving the time boxes: start, next/previous block, pause, extend, rebalance, end.

Each operation reads the stored events, decides, and appends one timer event (plus the block and
meeting status it implies) in one transaction. The UI calls these; so could a script.
"""

from __future__ import annotations

from dataclasses import dataclass

import pendulum

from kickoff_tui.core.agenda import rebalance
from kickoff_tui.core.clock import MeetingTime, compute
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.models import Block, Item
from kickoff_tui.core.record import Snapshot, add_timer_event, load_snapshot, set_block_minutes
from kickoff_tui.core.store import Store


def meeting_time(snap: Snapshot, now: pendulum.DateTime) -> MeetingTime:
    m = snap.meeting
    return compute(snap.blocks, snap.events, pendulum.instance(m.start_utc), m.planned_minutes, now)


def _open_block(
    store: Store, snap: Snapshot, mt: MeetingTime, target: Block, now: pendulum.DateTime, by: str
) -> None:
    statuses: dict[int, str] = {}
    if mt.current_block_id is not None and mt.current_block_id != target.id:
        statuses[mt.current_block_id] = "done"
    assert target.id is not None
    statuses[target.id] = "active"
    add_timer_event(
        store, snap.meeting.id, "block-started", block_id=target.id, at=now, by=by,
        block_status=statuses, meeting_status="running",
    )  # fmt: skip


def start(store: Store, meeting_id: str, now: pendulum.DateTime, by: str = "facilitator") -> bool:
    """Start the meeting with its first block. False when it had already started."""
    snap = load_snapshot(store, meeting_id)
    mt = meeting_time(snap, now)
    if mt.started or not snap.blocks:
        return False
    _open_block(store, snap, mt, snap.blocks[0], now, by)
    return True


def step(
    store: Store, meeting_id: str, delta: int, now: pendulum.DateTime, by: str = "facilitator"
) -> str:
    """Open the next (+1) or previous (-1) block. After the last block, ``+1`` ends the meeting.

    Returns what happened: "moved", "ended", "not-started", "at-start" or "ended-already".
    """
    snap = load_snapshot(store, meeting_id)
    mt = meeting_time(snap, now)
    if not mt.started:
        return "not-started"
    if mt.ended:
        return "ended-already"
    here = (
        mt.current.position
        if mt.current is not None
        else max((b.position for b in mt.blocks.values() if b.started), default=-1)
    )
    target = here + delta
    if target < 0:
        return "at-start"
    if target >= len(snap.blocks):
        end(store, meeting_id, now, by)
        return "ended"
    _open_block(store, snap, mt, snap.blocks[target], now, by)
    return "moved"


def toggle_pause(
    store: Store, meeting_id: str, now: pendulum.DateTime, by: str = "facilitator"
) -> str:
    snap = load_snapshot(store, meeting_id)
    mt = meeting_time(snap, now)
    if not mt.started or mt.ended or mt.current_block_id is None:
        return "idle"
    kind = "resumed" if mt.paused else "paused"
    add_timer_event(store, meeting_id, kind, block_id=mt.current_block_id, at=now, by=by)
    return kind


def extend(
    store: Store, meeting_id: str, now: pendulum.DateTime, seconds: int = 60,
    by: str = "facilitator",
) -> bool:  # fmt: skip
    snap = load_snapshot(store, meeting_id)
    mt = meeting_time(snap, now)
    if mt.current_block_id is None or mt.ended:
        return False
    add_timer_event(
        store, meeting_id, "extended", block_id=mt.current_block_id, seconds=seconds, at=now, by=by
    )
    return True


def end(store: Store, meeting_id: str, now: pendulum.DateTime, by: str = "facilitator") -> int:
    """End the meeting. Blocks never opened become skipped, each with a parking-lot entry.

    Returns how many blocks went to the parking lot.
    """
    snap = load_snapshot(store, meeting_id)
    mt = meeting_time(snap, now)
    if mt.ended:
        return 0
    never = [b for b in snap.blocks if b.id is not None and not mt.blocks[b.id].started]
    statuses = {b.id: "skipped" for b in never if b.id is not None}
    if mt.current_block_id is not None:
        statuses[mt.current_block_id] = "done"
    with store.write(by) as s:
        for b in never:
            s.add(
                Item(
                    meeting_id=meeting_id, kind="question", block_id=b.id, captured_by=by,
                    text=f"Parking lot: agenda block '{b.title}' was never opened — schedule it",
                    created_at=now, updated_at=now,
                )
            )  # fmt: skip
    add_timer_event(
        store, meeting_id, "meeting-ended", block_id=mt.current_block_id, at=now, by=by,
        block_status=statuses, meeting_status="ended",
    )  # fmt: skip
    return len(never)


@dataclass(frozen=True)
class Proposal:
    """A rebalance of the blocks still to come so the meeting lands on its planned end."""

    behind_s: float
    plan: dict[int, int]  # block id -> new planned minutes
    before: dict[int, int]

    @property
    def saves_min(self) -> int:
        return sum(self.before.values()) - sum(self.plan.values())

    def describe(self, blocks: list[Block]) -> str:
        titles = {b.id: b.title for b in blocks}
        parts = [
            f"{titles[i]} {self.before[i]}→{m}" for i, m in self.plan.items() if m != self.before[i]
        ]
        return ", ".join(parts)


def propose(snap: Snapshot, mt: MeetingTime, threshold_s: float = 60) -> Proposal | None:
    """When running behind by ``threshold_s`` or more, the plan for the blocks still to come."""
    if not mt.started or mt.ended or mt.behind_s < threshold_s:
        return None
    cur = mt.current
    here = cur.position if cur is not None else -1
    later = [
        b
        for b in snap.blocks
        if b.position > here and b.id is not None and not mt.blocks[b.id].started
    ]
    if not later:
        return None
    left_now = max(0.0, cur.remaining_s) if cur is not None else 0.0
    available = (mt.planned_end - mt.now).total_seconds() - left_now
    before = {b.id: b.planned_minutes for b in later if b.id is not None}
    new = rebalance([b.planned_minutes for b in later], available)
    plan = {b.id: m for b, m in zip(later, new, strict=True) if b.id is not None}
    if plan == before:
        return None
    return Proposal(mt.behind_s, plan, before)


def accept(store: Store, proposal: Proposal, by: str = "facilitator") -> bool:
    """Apply the proposal; True once saved (the screen says so only then)."""
    if not proposal.plan:
        raise InputError("nothing to rebalance")
    set_block_minutes(store, proposal.plan, by=by)
    return True
