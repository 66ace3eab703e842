"""Deleting a whole meeting: every row of it, in one transaction, on any store; and the demo
meeting that ``kickoff demo`` reopens instead of adding another.

The rows are counted and deleted inside the same write transaction, so what is reported as
removed is exactly what was removed. The meeting's own row goes last and through the session,
so the change feed logs it: an open picker learns the meeting is gone. A meeting open in a
terminal right now is refused (close it first): deleting under a running cockpit would leave
it writing into nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pendulum
from sqlmodel import col, delete, func, select

from kickoff_tui.core.errors import InputError
from kickoff_tui.core.models import (
    Answer,
    Attendee,
    Block,
    BlockNote,
    Change,
    Item,
    Meeting,
    Presence,
    TimerEvent,
    TimerLease,
)
from kickoff_tui.core.presence import peers
from kickoff_tui.core.store import Store

#: Child tables, children of children first; what a person calls each in the report.
_PARTS = (
    (BlockNote, "block note"),
    (Answer, "answer"),
    (TimerEvent, "timer event"),
    (Item, "item"),
    (TimerLease, "timer lease"),
    (Presence, "presence row"),
    (Attendee, "attendee"),
    (Block, "agenda block"),
    (Change, "change-log entry"),
)
#: The order a person reads them in; the rest (nobody typed them) are summed at the end.
_SHOWN = ("item", "answer", "attendee", "agenda block", "block note", "timer event")


@dataclass(frozen=True)
class Deleted:
    meeting_id: str
    title: str
    counts: dict[str, int]  # what a person calls the rows -> how many went

    def describe(self) -> str:
        return f"deleted {self.meeting_id} ({self.title}): the meeting, {summary(self.counts)}"


def summary(counts: dict[str, int]) -> str:
    """ "2 items, 1 answer, … and 31 bookkeeping rows" (what a person would miss first)."""
    parts = [f"{counts[w]} {w}{'' if counts[w] == 1 else 's'}" for w in _SHOWN if counts.get(w)]
    kept = sum(n for what, n in counts.items() if what not in _SHOWN)
    said = ", ".join(parts) if parts else "nothing captured"
    return said + (f" and {kept} bookkeeping row{'' if kept == 1 else 's'}" if kept else "")


def count_rows(store: Store, meeting_id: str) -> dict[str, int]:
    """How many rows of each kind the meeting has (what a delete would remove)."""
    with store.read() as s:
        return {
            what: int(
                s.exec(
                    select(func.count())
                    .select_from(model)
                    .where(col(model.meeting_id) == meeting_id)
                ).one()
            )  # fmt: skip
            for model, what in _PARTS
        }


def delete_meeting(
    store: Store, meeting_id: str, *, by: str = "cli", now: pendulum.DateTime | None = None
) -> Deleted:
    """Remove the meeting and every row that belongs to it, in one transaction."""
    open_in = peers(store, meeting_id, now or pendulum.now("UTC"))
    if open_in:
        who = ", ".join(p.label for p in open_in)
        raise InputError(
            f"{meeting_id} is open in {len(open_in)} terminal(s) ({who}) — close it there "
            "first; nothing was deleted"
        )
    with store.write(by) as s:
        m = s.get(Meeting, meeting_id, with_for_update=True)
        if m is None:
            raise InputError(f"no meeting '{meeting_id}' — kickoff list shows the meetings")
        title, counts = m.title, {}
        for model, what in _PARTS:
            where = col(model.meeting_id) == meeting_id
            counts[what] = int(s.exec(select(func.count()).select_from(model).where(where)).one())
            s.exec(delete(model).where(where))
        s.delete(m)  # logged (after the change log was cleared): feeds learn it is gone
    return Deleted(meeting_id, title, counts)


def find_demo(store: Store) -> Meeting | None:
    """The demo meeting (the newest one ``kickoff demo`` created that still exists)."""
    with store.read() as s:
        made = select(Change.meeting_id).where(
            Change.table_name == "meeting", Change.op == "insert", Change.by == "demo"
        )
        return s.exec(
            select(Meeting)
            .where(col(Meeting.id).in_(made))
            .order_by(col(Meeting.created_at).desc())
        ).first()
