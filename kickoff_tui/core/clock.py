"""Meeting and block time, derived from stored timer events and a clock.

Clocks are never state. Every repaint calls :func:`compute` with the stored events and ``now``:
two terminals therefore show the same time, a blocked event loop cannot make a countdown drift,
and a crash (or a restart mid-block) loses no time.

Plain arithmetic on aware datetimes, so it imports neither pendulum nor the models: given
pendulum times (the store's rows, a pendulum ``now``) it answers in pendulum times; given the
standard library's (``kickoff status``, read without SQLAlchemy) it answers in those.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotations need these: `kickoff status` imports this module, lean
    from typing import Protocol

    import pendulum

    class BlockLike(Protocol):
        """What the clock reads of a block: a stored row, the read model's ``BlockInfo``, or
        ``status.StatusBlock``."""

        @property
        def id(self) -> int | None: ...
        @property
        def position(self) -> int: ...
        @property
        def planned_minutes(self) -> int: ...

    class EventLike(Protocol):
        """What the clock reads of a timer event: a stored row, the read model's ``TimerMark``,
        or ``status.StatusEvent``."""

        @property
        def id(self) -> int | None: ...
        @property
        def block_id(self) -> int | None: ...
        @property
        def kind(self) -> str: ...
        @property
        def seconds(self) -> int: ...
        @property
        def at(self) -> dt.datetime: ...


Clock = Callable[[], "pendulum.DateTime"]


def system_clock() -> pendulum.DateTime:
    import pendulum

    return pendulum.now("UTC")


def _like(now: dt.datetime) -> Callable[[dt.datetime], pendulum.DateTime]:
    """How to read a stored time next to ``now``: as a pendulum time when ``now`` is one
    (so callers keep pendulum's methods), else as an aware standard datetime (naive = UTC)."""
    pendulum = sys.modules.get("pendulum")
    if pendulum is not None and isinstance(now, pendulum.DateTime):
        return pendulum.instance  # type: ignore[no-any-return]
    # Typed as pendulum's for the UI's sake; here it is a plain aware datetime (status).
    return lambda d: d if d.tzinfo is not None else d.replace(tzinfo=dt.UTC)  # type: ignore[return-value]


@dataclass
class BlockTime:
    block_id: int
    position: int
    planned_s: int
    extra_s: int = 0
    elapsed_s: float = 0.0
    started: bool = False
    ended: bool = False

    @property
    def budget_s(self) -> int:
        return self.planned_s + self.extra_s

    @property
    def remaining_s(self) -> float:
        return self.budget_s - self.elapsed_s

    @property
    def overtime_s(self) -> float:
        return max(0.0, -self.remaining_s)


@dataclass
class MeetingTime:
    now: pendulum.DateTime
    scheduled_start: pendulum.DateTime
    planned_s: int
    started_at: pendulum.DateTime | None = None
    ended_at: pendulum.DateTime | None = None
    current_block_id: int | None = None
    paused: bool = False
    blocks: dict[int, BlockTime] = field(default_factory=dict)
    projected_end: pendulum.DateTime | None = None

    @property
    def started(self) -> bool:
        return self.started_at is not None

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    @property
    def elapsed_s(self) -> float:
        if self.started_at is None:
            return 0.0
        end = self.ended_at or self.now
        return max(0.0, (end - self.started_at).total_seconds())

    @property
    def planned_end(self) -> pendulum.DateTime:
        base = self.started_at or self.scheduled_start
        return base + dt.timedelta(seconds=self.planned_s)

    @property
    def remaining_s(self) -> float:
        """Time left until the planned end (negative once past it)."""
        return (self.planned_end - (self.ended_at or self.now)).total_seconds()

    @property
    def behind_s(self) -> float:
        """How far the projected end lies past the planned end (negative: ahead)."""
        if self.projected_end is None:
            return 0.0
        return (self.projected_end - self.planned_end).total_seconds()

    @property
    def current(self) -> BlockTime | None:
        if self.current_block_id is None:
            return None
        return self.blocks.get(self.current_block_id)


def standing_end(events: Sequence[EventLike]) -> dt.datetime | None:
    """When the meeting ended, if it still stands: the last ``meeting-ended`` that no
    ``meeting-reopened`` followed (``timers.reopen`` undoes an end); None otherwise."""
    marks = [e for e in events if e.kind in ("meeting-ended", "meeting-reopened")]
    if not marks:
        return None
    last = max(marks, key=lambda e: (e.at, e.id or 0))
    return last.at if last.kind == "meeting-ended" else None


def planned_seconds(block: BlockLike) -> int:
    """The seconds a block is planned to take now: the replanned seconds once the meeting
    replanned it (a rebalance), else its planned minutes (``models.block_seconds``)."""
    replanned = getattr(block, "replanned_seconds", None)
    return int(replanned) if replanned is not None else int(block.planned_minutes) * 60


def compute(
    blocks: Sequence[BlockLike],
    events: Sequence[EventLike],
    scheduled_start: pendulum.DateTime,
    planned_minutes: int,
    now: pendulum.DateTime,
) -> MeetingTime:
    """Replay ``events`` (oldest first) against ``blocks`` and read the clocks at ``now``."""
    mt = MeetingTime(now=now, scheduled_start=scheduled_start, planned_s=planned_minutes * 60)
    for b in blocks:
        assert b.id is not None
        mt.blocks[b.id] = BlockTime(b.id, b.position, planned_seconds(b))
    running_since: pendulum.DateTime | None = None
    instance = _like(now)

    def close(at: pendulum.DateTime) -> None:
        nonlocal running_since
        cur = mt.current
        if cur is not None and running_since is not None:
            cur.elapsed_s += max(0.0, (at - running_since).total_seconds())
        running_since = None

    for ev in sorted(events, key=lambda e: (e.at, e.id or 0)):
        at = instance(ev.at)
        if mt.ended_at is not None:
            if ev.kind == "meeting-reopened":
                # An end undone (``timers.reopen``): the block that was running when the
                # meeting ended runs again from here; the time in between was not meeting time.
                mt.ended_at = None
                mt.paused = False
                if mt.current is not None:
                    mt.current.ended = False
                    running_since = at
            continue
        bt = mt.blocks.get(ev.block_id) if ev.block_id is not None else None
        if ev.kind == "block-started" and bt is not None:
            close(at)
            if mt.started_at is None:
                mt.started_at = at
            mt.current_block_id = bt.block_id
            bt.started = True
            bt.ended = False
            mt.paused = False
            running_since = at
        elif ev.kind == "paused" and running_since is not None:
            close(at)
            mt.paused = True
        elif ev.kind == "resumed" and mt.paused and mt.current is not None:
            mt.paused = False
            running_since = at
        elif ev.kind == "extended" and bt is not None:
            bt.extra_s += ev.seconds
        elif ev.kind == "block-ended" and bt is not None and bt.block_id == mt.current_block_id:
            close(at)
            bt.ended = True
            mt.current_block_id = None
        elif ev.kind == "meeting-ended":
            close(at)
            if mt.current is not None:
                mt.current.ended = True
            mt.ended_at = at
    if running_since is not None:
        close(now)
        # keep the block open: close() only folded the running interval into elapsed_s
    mt.projected_end = _project_end(mt)
    return mt


def _project_end(mt: MeetingTime) -> pendulum.DateTime:
    """When the meeting will end if every block still to come takes its planned time."""
    if mt.ended_at is not None:
        return mt.ended_at
    if mt.started_at is None:
        return mt.scheduled_start + dt.timedelta(seconds=mt.planned_s)
    cur = mt.current
    here = cur.position if cur is not None else -1
    left = max(0.0, cur.remaining_s) if cur is not None else 0.0
    if cur is None:
        # Between blocks: everything not yet opened still lies ahead.
        here = max((b.position for b in mt.blocks.values() if b.started), default=-1)
    left += sum(b.budget_s for b in mt.blocks.values() if not b.started and b.position > here)
    return mt.now + dt.timedelta(seconds=left)


def fmt_duration(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a duration; negative values get a leading minus."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{sign}{h}:{m:02d}:{s:02d}"
    return f"{sign}{m}:{s:02d}"
