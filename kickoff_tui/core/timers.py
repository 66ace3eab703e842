"""Driving the time boxes: start, next/previous block, pause, extend, rebalance, end.

Every press is one unit of work: inside ONE write transaction it locks the meeting
(:func:`~kickoff_tui.core.meetings.lock_meeting`), checks the timer lease when the caller names
one, reads the stored events, decides, checks what the press expected, and writes every row
the decision implies (the event, block and meeting statuses, parking-lot items). A failure
anywhere leaves no row behind, and a retry decides again from what is stored.

The contract for a terminal (the cockpit's writer calls these; so could a script):

* ``lease=presence_id`` — the press comes from that terminal. Unless it holds the meeting's
  timer lease (``core.presence``), :class:`NotInControl` is raised and nothing is written; so
  after a hand-over (ctrl+t) the old facilitator's next press is refused at once. ``None``
  skips the check (the CLI, scripts, tests).
* ``expect_block=block_id`` — the block the user saw running when they pressed ("next from
  block 3"). If another terminal has moved on meanwhile, :class:`StaleAction` is raised and
  nothing is written, so a press (or a retry of one that did land) is never applied twice.
  ``expect_paused`` does the same for pause/resume. ``None`` skips the check.

Both errors are :class:`~kickoff_tui.core.errors.KickoffError`: ``str(err)`` is the one line to
show. The clocks (``meeting_time``) and the rebalance proposal live in ``timebox``, without
SQLModel, beside the same decisions made on the cockpit's own copy (shown before the store
answers).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import NamedTuple

import pendulum
from sqlmodel import Session, col, select

from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.errors import InputError, StaleAction
from kickoff_tui.core.items import number_items
from kickoff_tui.core.meetings import Snapshot, lock_meeting, snapshot_in
from kickoff_tui.core.models import Block, Item
from kickoff_tui.core.presence import check_control
from kickoff_tui.core.store import Store
from kickoff_tui.core.timebox import Proposal, meeting_time, propose
from kickoff_tui.core.timer_events import write_block_seconds, write_timer_event

__all__ = [
    "Proposal", "Reopened", "accept", "end", "extend", "meeting_time", "propose", "reopen",
    "start", "step", "toggle_pause",
]  # fmt: skip

#: How the end's parking-lot entries begin (``_end`` writes them; ``reopen`` takes them back).
PARKING_LOT = "Parking lot: agenda block"


@contextlib.contextmanager
def _unit(
    store: Store, meeting_id: str, now: pendulum.DateTime, by: str, lease: int | None
) -> Iterator[tuple[Session, Snapshot, MeetingTime]]:
    """One timer unit of work: the write transaction, the lease checked, the meeting read."""
    with store.write(by) as s:
        m = lock_meeting(s, meeting_id)
        if lease is not None:
            check_control(s, meeting_id, lease)
        snap = snapshot_in(s, m, with_items=False)
        yield s, snap, meeting_time(snap, now)


def _name(snap: Snapshot, block_id: int | None) -> str:
    b = snap.block(block_id)
    return f"block {b.position + 1} '{b.title}'" if b is not None else "no block"


def _expect_block(snap: Snapshot, mt: MeetingTime, expect_block: int | None) -> None:
    if expect_block is None or (mt.current_block_id == expect_block and not mt.ended):
        return
    if mt.ended:
        now = "the meeting has already ended"
    elif mt.current_block_id is None:
        now = "no block is running now"
    else:
        now = f"{_name(snap, mt.current_block_id)} is running now"
    raise StaleAction(
        f"not applied: you pressed during {_name(snap, expect_block)}, but {now} (another "
        "terminal moved on) — look again and press again if you still mean it"
    )


def _open_block(
    s: Session, snap: Snapshot, mt: MeetingTime, target: Block, now: pendulum.DateTime, by: str
) -> None:
    statuses: dict[int, str] = {}
    if mt.current_block_id is not None and mt.current_block_id != target.id:
        statuses[mt.current_block_id] = "done"
    assert target.id is not None
    statuses[target.id] = "active"
    write_timer_event(
        s, snap.meeting.id, "block-started", block_id=target.id, at=now, by=by,
        block_status=statuses, meeting_status="running",
    )  # fmt: skip


def start(
    store: Store, meeting_id: str, now: pendulum.DateTime, by: str = "facilitator", *,
    lease: int | None = None,
) -> bool:  # fmt: skip
    """Start the meeting with its first block. False when it had already started (then
    nothing is written: two terminals starting at once start it once)."""
    with _unit(store, meeting_id, now, by, lease) as (s, snap, mt):
        if mt.started or not snap.blocks:
            return False
        _open_block(s, snap, mt, snap.blocks[0], now, by)
        return True


def step(
    store: Store, meeting_id: str, delta: int, now: pendulum.DateTime, by: str = "facilitator",
    *, lease: int | None = None, expect_block: int | None = None,
) -> str:  # fmt: skip
    """Open the next (+1) or previous (-1) block. After the last block, ``+1`` ends the meeting
    (in the same transaction, parking lot included).

    Returns what happened: "moved", "ended", "not-started", "at-start" or "ended-already".
    Raises :class:`StaleAction` when ``expect_block`` is no longer the running block.
    """
    with _unit(store, meeting_id, now, by, lease) as (s, snap, mt):
        if not mt.started:
            return "not-started"
        _expect_block(snap, mt, expect_block)
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
            _end(s, snap, mt, now, by)
            return "ended"
        _open_block(s, snap, mt, snap.blocks[target], now, by)
        return "moved"


def toggle_pause(
    store: Store, meeting_id: str, now: pendulum.DateTime, by: str = "facilitator", *,
    lease: int | None = None, expect_paused: bool | None = None,
) -> str:  # fmt: skip
    """Pause a running block or resume a paused one: "paused", "resumed" or "idle".

    ``expect_paused`` is whether the user saw the timers paused when they pressed; if another
    terminal has paused or resumed meanwhile, :class:`StaleAction` is raised.
    """
    with _unit(store, meeting_id, now, by, lease) as (s, snap, mt):
        if not mt.started or mt.ended or mt.current_block_id is None:
            return "idle"
        if expect_paused is not None and mt.paused != expect_paused:
            was = "paused" if mt.paused else "running"
            raise StaleAction(
                f"not applied: the timers are already {was} (another terminal pressed first) "
                "— press again if you still mean it"
            )
        kind = "resumed" if mt.paused else "paused"
        write_timer_event(s, meeting_id, kind, block_id=mt.current_block_id, at=now, by=by)
        return kind


def extend(
    store: Store, meeting_id: str, now: pendulum.DateTime, seconds: int = 60,
    by: str = "facilitator", *, lease: int | None = None, expect_block: int | None = None,
) -> bool:  # fmt: skip
    """Give the running block ``seconds`` more. False when no block is running."""
    with _unit(store, meeting_id, now, by, lease) as (s, snap, mt):
        _expect_block(snap, mt, expect_block)
        if mt.current_block_id is None or mt.ended:
            return False
        write_timer_event(
            s, meeting_id, "extended", block_id=mt.current_block_id, seconds=seconds, at=now,
            by=by,
        )  # fmt: skip
        return True


def end(
    store: Store, meeting_id: str, now: pendulum.DateTime, by: str = "facilitator", *,
    lease: int | None = None, expect_block: int | None = None,
) -> int:  # fmt: skip
    """End the meeting. Blocks never opened become skipped, each with a parking-lot entry;
    all of it (items, statuses, the end event) in one transaction.

    Returns how many blocks went to the parking lot; 0 when it had already ended (nothing is
    written again), or :class:`StaleAction` when ``expect_block`` was given and is stale.
    """
    with _unit(store, meeting_id, now, by, lease) as (s, snap, mt):
        _expect_block(snap, mt, expect_block)
        if mt.ended:
            return 0
        return _end(s, snap, mt, now, by)


def _end(s: Session, snap: Snapshot, mt: MeetingTime, now: pendulum.DateTime, by: str) -> int:
    meeting_id = snap.meeting.id
    never = [b for b in snap.blocks if b.id is not None and not mt.blocks[b.id].started]
    statuses = {b.id: "skipped" for b in never if b.id is not None}
    if mt.current_block_id is not None:
        statuses[mt.current_block_id] = "done"
    parked = [
        Item(
            meeting_id=meeting_id, kind="question", block_id=b.id, captured_by=by,
            text=f"{PARKING_LOT} '{b.title}' was never opened — schedule it",
            created_at=now, updated_at=now,
        )
        for b in never
    ]  # fmt: skip
    number_items(s, meeting_id, parked)
    s.add_all(parked)
    write_timer_event(
        s, meeting_id, "meeting-ended", block_id=mt.current_block_id, at=now, by=by,
        block_status=statuses, meeting_status="ended",
    )  # fmt: skip
    return len(never)


class Reopened(NamedTuple):
    """What ``reopen`` undid: the blocks back on the agenda (they had gone to the parking lot)
    and the block whose clock runs again (None: the meeting ended between blocks)."""

    blocks_back: int
    running: str | None


def reopen(
    store: Store, meeting_id: str, now: pendulum.DateTime, by: str = "facilitator", *,
    lease: int | None = None,
) -> Reopened:  # fmt: skip
    """Undo the end of a meeting, the same day (in the meeting's zone) it ended.

    Appends a ``meeting-reopened`` event (the end stays in the history): the clocks resume from
    the stored events, the block that was running at the end runs again (the time in between is
    not counted), the blocks the end skipped are pending again and the parking-lot entries the
    end wrote for them are taken back (soft-deleted, as an undo keeps them). One unit of work.
    Raises :class:`InputError` when the meeting has not ended or ended on an earlier day.
    """
    with _unit(store, meeting_id, now, by, lease) as (s, snap, mt):
        if not mt.ended or mt.ended_at is None:
            what = "is still running" if mt.started else "has not started"
            raise InputError(f"{meeting_id} {what} — only an ended meeting can be reopened")
        tz = snap.meeting.tz
        ended_on = pendulum.instance(mt.ended_at).in_timezone(tz).date()
        today = pendulum.instance(now).in_timezone(tz).date()
        if ended_on != today:
            raise InputError(
                f"{meeting_id} ended on {ended_on.isoformat()} — a meeting can be reopened only "
                "the day it ended; capture what is left with `kickoff add`"
            )
        skipped = {b.id for b in snap.blocks if b.status == "skipped" and b.id is not None}
        ended_at = pendulum.instance(mt.ended_at)
        parked = s.exec(
            select(Item).where(
                Item.meeting_id == meeting_id, Item.kind == "question",
                col(Item.deleted).is_(False), col(Item.block_id).in_(skipped or {-1}),
            )
        ).all()  # fmt: skip
        for item in parked:
            if item.text.startswith(PARKING_LOT) and item.created_at == ended_at:
                item.deleted = True
                item.version += 1
                item.updated_at = now
                s.add(item)
        statuses = {bid: "pending" for bid in skipped if bid is not None}
        if mt.current_block_id is not None:
            statuses[mt.current_block_id] = "active"
        write_timer_event(
            s, meeting_id, "meeting-reopened", block_id=mt.current_block_id, at=now, by=by,
            block_status=statuses, meeting_status="running",
        )  # fmt: skip
        current = snap.block(mt.current_block_id)
        return Reopened(len(skipped), current.title if current is not None else None)


def accept(
    store: Store, proposal: Proposal, by: str = "facilitator", *, lease: int | None = None
) -> bool:
    """Apply the proposal in one transaction; True once saved (the screen says so only then).

    Refused with :class:`StaleAction` (nothing written) when the blocks it re-plans changed
    since it was proposed: one of them started, or its minutes were changed (by another
    rebalance, say, so accepting twice never shortens twice).
    """
    if not proposal.plan:
        raise InputError("nothing to rebalance")
    with store.write(by) as s:
        meeting_id = proposal.meeting_id or _meeting_of(s, next(iter(proposal.plan)))
        m = lock_meeting(s, meeting_id)
        if lease is not None:
            check_control(s, meeting_id, lease)
        snap = snapshot_in(s, m, with_items=False)
        seconds = {b.id: b.planned_seconds for b in snap.blocks}
        started = {e.block_id for e in snap.events if e.kind == "block-started"}
        if any(seconds.get(i) != was or i in started for i, was in proposal.before.items()):
            raise StaleAction(
                "not applied: the agenda changed since this rebalance was proposed (another "
                "terminal rebalanced, edited it or moved on) — look at the new proposal"
            )
        write_block_seconds(s, proposal.plan)
    return True


def _meeting_of(s: Session, block_id: int) -> str:
    b = s.get(Block, block_id)
    if b is None:
        raise StaleAction("not applied: the blocks of this rebalance are gone — look again")
    return b.meeting_id
