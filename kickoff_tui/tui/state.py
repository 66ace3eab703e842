"""The cockpit's in-memory view of one meeting, kept in step with the store's change feed.

Only the affected slice is reloaded: changed items by id, and the small tables (blocks, timer
events, attendees, answers, notes) whole, which costs well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import select

from kickoff_tui.core.models import BlockNote, Change, Item
from kickoff_tui.core.record import Snapshot, get_items, load_snapshot
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

    def full_snapshot(self) -> Snapshot:
        snap = self.snap
        return Snapshot(
            snap.meeting, snap.blocks, snap.attendees,
            sorted(self.items.values(), key=lambda i: i.id or 0),
            snap.answers, snap.events, snap.notes,
        )  # fmt: skip

    def put(self, items: Iterable[Item]) -> set[str]:
        """Merge rows (new, edited or deleted); returns the kinds touched."""
        kinds: set[str] = set()
        for item in items:
            if item.id is None:
                continue
            old = self.items.pop(item.id, None)
            if old is not None:
                kinds.add(old.kind)
            if not item.deleted:
                self.items[item.id] = item
            kinds.add(item.kind)
        for k in kinds:
            self._by_kind.pop(k, None)
        return kinds

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
            with self.store.read() as s:
                self.snap.notes = list(
                    s.exec(select(BlockNote).where(BlockNote.meeting_id == self.meeting_id))
                )
        return out

    def note_text(self, block_id: int | None) -> str:
        return next((n.text for n in self.snap.notes if n.block_id == block_id), "")
