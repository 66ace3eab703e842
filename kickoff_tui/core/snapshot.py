"""One meeting whole, as read in one transaction: the shape every reader of the record takes.

Kept apart from ``meetings`` (which loads it) so that pure code — checks, clocks, the screens —
can name it without importing SQLModel. It holds model rows or their plain copies
(``rows``), which have the same attribute names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kickoff_tui.core.models import (
        Answer,
        Attendee,
        Block,
        BlockNote,
        Item,
        Meeting,
        TimerEvent,
    )


@dataclass
class Snapshot:
    """Everything about one meeting, read in one transaction."""

    meeting: Meeting
    blocks: list[Block]
    attendees: list[Attendee]
    items: list[Item]
    answers: list[Answer]
    events: list[TimerEvent]
    notes: list[BlockNote]
    #: Ids of the meeting's deleted items: they keep their per-meeting number (see readmodel).
    deleted_item_ids: tuple[int, ...] = ()
    #: A follow-up meeting's "Since last time": open items of the earlier meetings of its series
    #: (the same rows; ``core.series.carried_in``), and those meetings by id.
    carried: list[Item] = field(default_factory=list)
    carried_meetings: dict[str, Any] = field(default_factory=dict)

    def items_of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    def block(self, block_id: int | None) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)

    def attendee(self, attendee_id: int | None) -> Attendee | None:
        return next((a for a in self.attendees if a.id == attendee_id), None)
