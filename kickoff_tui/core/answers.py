"""The Five Questions' answers: one row per attendee and question."""

from __future__ import annotations

from sqlmodel import select

from kickoff_tui.core.errors import InputError
from kickoff_tui.core.models import (
    Answer,
    utcnow,
)
from kickoff_tui.core.store import Store, retry_once_on_race
from kickoff_tui.core.text import clean


def set_answer(
    store: Store,
    meeting_id: str,
    attendee_id: int,
    question: int,
    text: str,
    *,
    by: str = "cli",
) -> Answer:
    if not 1 <= question <= 5:
        raise InputError(f"question {question} does not exist — the Five Questions are 1 to 5")
    text = clean(text, field="the answer")
    return retry_once_on_race(
        lambda: _upsert_answer(store, meeting_id, attendee_id, question, text, by)
    )


def _upsert_answer(
    store: Store, meeting_id: str, attendee_id: int, question: int, text: str, by: str
) -> Answer:
    with store.write(by) as s:
        existing = s.exec(
            select(Answer)
            .where(
                Answer.meeting_id == meeting_id,
                Answer.attendee_id == attendee_id,
                Answer.question == question,
            )
            .with_for_update()
        ).first()
        if existing is None:
            existing = Answer(
                meeting_id=meeting_id,
                attendee_id=attendee_id,
                question=question,
                text=text,
                captured_by=by,
                updated_at=utcnow(),
            )
        else:
            existing.text = text
            existing.version += 1
            existing.captured_by = by
            existing.updated_at = utcnow()
        s.add(existing)
    return existing
