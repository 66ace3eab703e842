"""Timer decisions without a database: what each timer key writes, given the record and now.

``timers`` reads the stored record, plans with these functions, and writes the plan's event;
the cockpit applies the same plan to its own copy of the record at once, so the running clock
is on screen in the frame after the key, whether or not the store has answered yet. Both read
the clocks with :func:`meeting_time`. No SQLModel here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import pendulum

from kickoff_tui.core.clock import MeetingTime, compute, fmt_duration, planned_seconds

if TYPE_CHECKING:
    from kickoff_tui.core.models import Block
    from kickoff_tui.core.snapshot import Snapshot


def meeting_time(snap: Snapshot, now: pendulum.DateTime) -> MeetingTime:
    m = snap.meeting
    return compute(snap.blocks, snap.events, pendulum.instance(m.start_utc), m.planned_minutes, now)


class Planned(NamedTuple):
    """One timer event to append."""

    kind: str
    block_id: int | None
    seconds: int = 0


class TimerPlan(NamedTuple):
    """What one timer key decided: its answer, and the event (with the statuses it implies)."""

    result: Any
    event: Planned | None = None
    block_status: Mapping[int, str] = MappingProxyType({})
    meeting_status: str | None = None
    parked: tuple[Block, ...] = ()  # blocks never opened: each gets a parking-lot question


def _open(mt: MeetingTime, target: Block, result: Any) -> TimerPlan:
    assert target.id is not None
    statuses: dict[int, str] = {}
    if mt.current_block_id is not None and mt.current_block_id != target.id:
        statuses[mt.current_block_id] = "done"
    statuses[target.id] = "active"
    return TimerPlan(result, Planned("block-started", target.id), statuses, "running")


def plan_start(snap: Snapshot, mt: MeetingTime) -> TimerPlan:
    """Start with the first block; the answer is False when it had already started."""
    if mt.started or not snap.blocks:
        return TimerPlan(False)
    return _open(mt, snap.blocks[0], True)


def plan_step(snap: Snapshot, mt: MeetingTime, delta: int) -> TimerPlan:
    """The next (+1) or previous (-1) block; after the last block, ``+1`` ends the meeting.

    Answers "moved", "ended", "not-started", "at-start" or "ended-already".
    """
    if not mt.started:
        return TimerPlan("not-started")
    if mt.ended:
        return TimerPlan("ended-already")
    here = (
        mt.current.position
        if mt.current is not None
        else max((b.position for b in mt.blocks.values() if b.started), default=-1)
    )
    target = here + delta
    if target < 0:
        return TimerPlan("at-start")
    if target >= len(snap.blocks):
        end = plan_end(snap, mt)
        return TimerPlan("ended", end.event, end.block_status, end.meeting_status, end.parked)
    return _open(mt, snap.blocks[target], "moved")


def plan_pause(mt: MeetingTime) -> TimerPlan:
    """Pause the running block, or resume it; answers "paused", "resumed" or "idle"."""
    if not mt.started or mt.ended or mt.current_block_id is None:
        return TimerPlan("idle")
    kind = "resumed" if mt.paused else "paused"
    return TimerPlan(kind, Planned(kind, mt.current_block_id))


def plan_extend(mt: MeetingTime, seconds: int = 60) -> TimerPlan:
    if mt.current_block_id is None or mt.ended:
        return TimerPlan(False)
    return TimerPlan(True, Planned("extended", mt.current_block_id, seconds))


def plan_end(snap: Snapshot, mt: MeetingTime) -> TimerPlan:
    """End the meeting; blocks never opened become skipped. Answers how many were parked."""
    if mt.ended:
        return TimerPlan(0)
    never = tuple(b for b in snap.blocks if b.id is not None and not mt.blocks[b.id].started)
    statuses = {b.id: "skipped" for b in never if b.id is not None}
    if mt.current_block_id is not None:
        statuses[mt.current_block_id] = "done"
    event = Planned("meeting-ended", mt.current_block_id)
    return TimerPlan(len(never), event, statuses, "ended", never)


class Proposal(NamedTuple):
    """A rebalance of the blocks still to come so the meeting lands on its planned end.

    In seconds: it takes exactly what the meeting is behind; minutes are for display only.
    """

    behind_s: float
    plan: dict[int, int]  # block id -> new planned seconds (the block's replanned_seconds)
    before: dict[int, int]  # block id -> its planned seconds when proposed
    meeting_id: str = ""

    @property
    def saves_s(self) -> int:
        return sum(self.before.values()) - sum(self.plan.values())

    @property
    def saves_min(self) -> int:
        """What it takes, in whole minutes for display (``saves_s`` is exact)."""
        return round(self.saves_s / 60)

    def describe(self, blocks: Sequence[Any]) -> str:
        """``Scope 16→15, Plan 16→15``: whole minutes for display; m:ss where rounding would
        hide the change (``Roles 12:00→11:47``)."""
        titles = {b.id: b.title for b in blocks}
        parts = []
        for i, s in self.plan.items():
            was = self.before[i]
            if s == was:
                continue
            if round(s / 60) != round(was / 60):
                parts.append(f"{titles[i]} {round(was / 60)}→{round(s / 60)}")
            else:
                parts.append(f"{titles[i]} {fmt_duration(was)}→{fmt_duration(s)}")
        return ", ".join(parts)


def propose(snap: Snapshot, mt: MeetingTime, threshold_s: float = 60) -> Proposal | None:
    """When running behind by ``threshold_s`` or more, the plan for the blocks still to come."""
    if not mt.started or mt.ended or mt.behind_s < threshold_s:
        return None
    from kickoff_tui.core.agenda import rebalance_seconds  # (TOML: not for the first frame)

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
    before = {b.id: planned_seconds(b) for b in later if b.id is not None}
    new = rebalance_seconds([planned_seconds(b) for b in later], available)
    plan = {b.id: m for b, m in zip(later, new, strict=True) if b.id is not None}
    if plan == before:
        return None
    return Proposal(mt.behind_s, plan, before, snap.meeting.id)
