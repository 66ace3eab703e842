"""The cockpit's copy of one meeting, as plain rows, merged from the session's deltas.

It never reads the store: the session's reader thread reads, and hands over plain rows
(:class:`~kickoff_tui.core.session.Delta`) which :meth:`MeetingState.merge` folds in on the
event loop, reporting what it touched so the screen repaints only that. Timer keys add
*pending* events (:meth:`add_pending`) that count for the clocks at once and are dropped when the
store's own copy arrives (or the command failed). No SQLModel here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pendulum

from kickoff_tui.core.rows import EventRow, MeetingRow
from kickoff_tui.core.snapshot import Snapshot
from kickoff_tui.core.timebox import Planned, meeting_time

if TYPE_CHECKING:
    from kickoff_tui.core.clock import MeetingTime
    from kickoff_tui.core.models import Item
    from kickoff_tui.core.session import Delta

#: Pending events sort after stored ones of the same instant (stored ids are far smaller).
PENDING_ID = 1 << 62


@dataclass
class Applied:
    """What a merge touched, so the screen repaints only that."""

    kinds: set[str] = field(default_factory=set)
    meta: bool = False  # blocks, events, attendees, answers or the meeting row
    notes: bool = False  # running notes only (they change every second while someone types)
    full: bool = False  # everything was replaced

    def __bool__(self) -> bool:
        return bool(self.kinds) or self.meta or self.notes or self.full


def opening(meeting_id: str) -> Snapshot:
    """A placeholder until the store answers (no peek on this backend): no blocks, no items."""
    now = pendulum.now("UTC")
    meeting = MeetingRow(id=meeting_id, client="", title="opening…", template="", start_utc=now,
                         tz="UTC", planned_minutes=0)  # fmt: skip
    return Snapshot(meeting, [], [], [], [], [], [])  # type: ignore[arg-type]


class MeetingState:
    def __init__(self, meeting_id: str, snap: Snapshot | None = None) -> None:
        self.meeting_id = meeting_id
        self.loaded = snap is not None  # False: a placeholder until the first load arrives
        self.snap: Snapshot = snap if snap is not None else opening(meeting_id)
        self.items: dict[int, Item] = {}
        self._by_kind: dict[str, list[Item]] = {}
        self._by_block: dict[int | None, list[Item]] = {}
        self.pending: dict[int, EventRow] = {}  # job seq -> event not yet confirmed by the store
        self.as_of = 0  # every command up to this one is in what was merged
        self._take_items(self.snap)

    def _take_items(self, snap: Snapshot) -> None:
        self.items = {i.id: i for i in snap.items if i.id is not None}
        snap.items = []  # the dict above is the one truth for items
        self._by_kind.clear()
        self._by_block.clear()

    @property
    def people(self) -> list[tuple[int, str]]:
        return [(a.id, a.name) for a in self.snap.attendees if a.id is not None]

    # -- clocks ------------------------------------------------------------------------------
    @property
    def timeline(self) -> Snapshot:
        """The snapshot with pending timer events counted (for clocks and timer decisions)."""
        if not self.pending:
            return self.snap
        events: list[Any] = [*self.snap.events, *self.pending.values()]
        return dataclasses.replace(self.snap, events=events)

    def time(self, now: pendulum.DateTime) -> MeetingTime:
        return meeting_time(self.timeline, now)

    def add_pending(self, seq: int, event: Planned, at: pendulum.DateTime, by: str) -> None:
        self.pending[seq] = EventRow(
            id=PENDING_ID + seq, meeting_id=self.meeting_id, block_id=event.block_id,
            kind=event.kind, seconds=event.seconds, at=at.in_timezone(pendulum.UTC), by=by,
        )  # fmt: skip

    def drop_pending(self, seq: int) -> bool:
        return self.pending.pop(seq, None) is not None

    # -- items -------------------------------------------------------------------------------
    def newest_first(self, kind: str) -> list[Item]:
        cached = self._by_kind.get(kind)
        if cached is None:
            cached = sorted(
                (i for i in self.items.values() if i.kind == kind),
                key=lambda i: i.id or 0,
                reverse=True,
            )
            self._by_kind[kind] = cached
        return cached

    def in_block(self, block_id: int | None) -> list[Item]:
        """Items raised in one block, oldest first (indexed: a block view repaints per save)."""
        cached = self._by_block.get(block_id)
        if cached is None:
            cached = sorted(
                (i for i in self.items.values() if i.block_id == block_id),
                key=lambda i: i.id or 0,
            )
            self._by_block[block_id] = cached
        return cached

    def full_snapshot(self) -> Snapshot:
        """The meeting as the core sees it (the health checks take this, in a thread)."""
        snap = self.snap
        return Snapshot(
            snap.meeting, list(snap.blocks), list(snap.attendees), list(self.items.values()),
            list(snap.answers), list(snap.events), list(snap.notes),
        )  # fmt: skip

    def put(self, items: Iterable[Any]) -> set[str]:
        """Merge rows (new, edited or deleted); returns the kinds touched.

        A brand-new item goes to the front of its cached lists (no re-sort of 10,000 items);
        the change feed echoing a row this screen already holds touches nothing.
        """
        kinds: set[str] = set()
        for item in items:
            if item.id is None:
                continue
            old = self.items.get(item.id)
            if old is not None and (old.version, old.deleted) == (item.version, item.deleted):
                continue
            if old is None and item.deleted:
                continue
            kinds.add(item.kind)
            if old is None:
                self.items[item.id] = item
                self._prepend(self._by_kind.get(item.kind), item)
                self._append(self._by_block.get(item.block_id), item)
                continue
            self.items.pop(item.id, None)
            if not item.deleted:
                self.items[item.id] = item
            for kind in {item.kind, old.kind}:
                kinds.add(kind)
                self._by_kind.pop(kind, None)
            self._by_block.pop(item.block_id, None)
            self._by_block.pop(old.block_id, None)
        return kinds

    def _prepend(self, cached: list[Item] | None, item: Item) -> None:
        if cached is None:
            return
        if not cached or (cached[0].id or 0) < (item.id or 0):
            cached.insert(0, item)
        else:  # out of order (another terminal's older id arrived late): rebuild next time
            self._by_kind.pop(item.kind, None)

    def _append(self, cached: list[Item] | None, item: Item) -> None:
        if cached is None:
            return
        if not cached or (cached[-1].id or 0) < (item.id or 0):
            cached.append(item)
        else:
            self._by_block.pop(item.block_id, None)

    # -- merging -----------------------------------------------------------------------------
    def merge(self, delta: Delta) -> Applied:
        """Fold in what the reader read; pending events the store now holds are dropped."""
        out = Applied()
        self.as_of = max(self.as_of, delta.as_of)
        for seq in [s for s in self.pending if s <= delta.as_of]:
            del self.pending[seq]
            out.meta = True
        if delta.full is not None:
            self.snap = delta.full
            self._take_items(self.snap)
            self.loaded = out.full = out.meta = True
            return out
        if delta.items:
            out.kinds = self.put(delta.items)
        if delta.meta is not None:
            self.snap = delta.meta
            out.meta = True
        elif delta.notes is not None:
            self.snap.notes = delta.notes
            out.notes = True
        return out

    def note_text(self, block_id: int | None) -> str:
        return next((n.text for n in self.snap.notes if n.block_id == block_id), "")
