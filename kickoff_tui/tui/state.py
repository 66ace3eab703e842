"""The cockpit's in-memory view of one meeting, kept in step with the store's change feed.

Only the affected slice is reloaded: changed items by id, and the small tables (blocks, timer
events, attendees, answers, notes) whole, which costs well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kickoff_tui.core.models import BlockNote, Change, Item
from kickoff_tui.core.record import Snapshot, block_notes, get_items, load_snapshot
from kickoff_tui.core.store import Store


@dataclass
class Applied:
    """What a batch of changes touched, so the screen repaints only that."""

    kinds: set[str] = field(default_factory=set)
    meta: bool = False  # blocks, events, attendees, answers or the meeting row
    notes: bool = False  # running notes only (they change every second while someone types)

    def __bool__(self) -> bool:
        return bool(self.kinds) or self.meta or self.notes


class MeetingState:
    def __init__(self, store: Store, meeting_id: str) -> None:
        self.store = store
        self.meeting_id = meeting_id
        self.snap: Snapshot = load_snapshot(store, meeting_id)
        self.items: dict[int, Item] = {i.id: i for i in self.snap.items if i.id is not None}
        self.snap.items = []  # the dict above is the one truth for items
        self._by_kind: dict[str, list[Item]] = {}
        self._by_block: dict[int | None, list[Item]] = {}

    @property
    def people(self) -> list[tuple[int, str]]:
        return [(a.id, a.name) for a in self.snap.attendees if a.id is not None]

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
        """The meeting as the core sees it (the health checks and exports take this)."""
        snap = self.snap
        return Snapshot(
            snap.meeting, list(snap.blocks), list(snap.attendees), list(self.items.values()),
            list(snap.answers), list(snap.events), list(snap.notes),
        )  # fmt: skip

    def put(self, items: Iterable[Item]) -> set[str]:
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
            kinds.add(item.kind)
            if old is None and not item.deleted:
                self.items[item.id] = item
                self._prepend(self._by_kind.get(item.kind), item)
                self._append(self._by_block.get(item.block_id), item)
                continue
            self.items.pop(item.id, None)
            if not item.deleted:
                self.items[item.id] = item
            for kind in {item.kind, old.kind if old is not None else item.kind}:
                kinds.add(kind)
                self._by_kind.pop(kind, None)
            self._by_block.pop(item.block_id, None)
            if old is not None:
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

    def reload_meta(self) -> None:
        fresh = load_snapshot(self.store, self.meeting_id, with_items=False)
        self.snap = fresh

    def apply(self, changes: Iterable[Change]) -> Applied:
        out = Applied()
        item_ids: set[int] = set()
        for ch in changes:
            if ch.table_name == "item":
                item_ids.add(int(ch.row_id))
            elif ch.table_name == BlockNote.__tablename__:
                out.notes = True
            else:
                out.meta = True
        if item_ids:
            out.kinds = self.put(get_items(self.store, item_ids))
        if out.meta:
            self.reload_meta()
        elif out.notes:
            self.snap.notes = block_notes(self.store, self.meeting_id)
        return out

    def note_text(self, block_id: int | None) -> str:
        return next((n.text for n in self.snap.notes if n.block_id == block_id), "")
