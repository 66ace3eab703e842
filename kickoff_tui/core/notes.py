"""The note-taker's running notes: one row per block, saved while typing."""

from __future__ import annotations

from sqlmodel import select

from kickoff_tui.core.models import (
    BlockNote,
    utcnow,
)
from kickoff_tui.core.store import Store, retry_once_on_race
from kickoff_tui.core.text import clean


def block_notes(store: Store, meeting_id: str) -> list[BlockNote]:
    """Every running note of one meeting (one per block that has any)."""
    with store.read() as s:
        return list(s.exec(select(BlockNote).where(BlockNote.meeting_id == meeting_id)))


def save_block_note(
    store: Store, meeting_id: str, block_id: int, text: str, *, by: str = "note-taker"
) -> BlockNote:
    """Save a block's running notes (multi-line: newlines kept, other control characters
    dropped; see core/text.py)."""
    text = clean(text, field="the block's notes", multiline=True)
    return retry_once_on_race(lambda: _upsert_note(store, meeting_id, block_id, text, by))


def _upsert_note(store: Store, meeting_id: str, block_id: int, text: str, by: str) -> BlockNote:
    with store.write(by) as s:
        note = s.exec(
            select(BlockNote).where(BlockNote.block_id == block_id).with_for_update()
        ).first()
        if note is None:
            note = BlockNote(
                meeting_id=meeting_id, block_id=block_id, text=text, updated_at=utcnow()
            )
        elif note.text == text:
            return note
        else:
            note.text = text
            note.version += 1
            note.updated_at = utcnow()
        note.by = by
        s.add(note)
    return note
