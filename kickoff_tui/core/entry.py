"""What a line typed on the capture line means, and saving it.

One function previews (for the live preview under the line) and one saves; both are headless
so the cockpit, the note-taker's terminal and the tests share them. A line is an item of the
given kind, or, when no kind is given, led by a kind word (``note …``, ``milestone …``) or a fact
word (``person …``, ``next fri 10:00``, ``cadence …``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pendulum

from kickoff_tui.core import facts
from kickoff_tui.core.capture import Capture, describe, parse_capture
from kickoff_tui.core.errors import CaptureError, InputError
from kickoff_tui.core.vocab import Side

if TYPE_CHECKING:  # previewing a line needs no SQLModel; only saving one does
    from kickoff_tui.core.models import Item, Meeting
    from kickoff_tui.core.store import Store


@dataclass(frozen=True)
class AnswerTarget:
    """Where an ``answer`` line goes: one attendee's answer to one of the Five Questions."""

    attendee_id: int
    attendee_name: str
    question: int


@dataclass(frozen=True)
class Saved:
    message: str
    item: Item | None = None


def _parse(
    meeting: Meeting, people: Sequence[tuple[int, str]], kind: str, text: str
) -> tuple[str, Capture]:
    c = parse_capture(
        text, pendulum.instance(meeting.start_utc), people, tz=meeting.tz, allow_kind=not kind
    )
    chosen = kind or c.kind
    if not chosen:
        raise CaptureError(
            "start with a kind (action, decision, risk, question, note, in-scope, out-of-scope, "
            "milestone, metric, assumption, deviation) or a fact (person, role, cadence, next, "
            "first-value)"
        )
    return chosen, c


def preview(
    meeting: Meeting,
    people: Sequence[tuple[int, str]],
    kind: str,
    text: str,
    answer: AnswerTarget | None = None,
) -> tuple[bool, str]:
    """(understood?, what it understood or the error) for the live preview."""
    try:
        if kind == "answer":
            if answer is None:
                return False, "pick an attendee in the Five Questions block first"
            return True, f"Q{answer.question} answer by {answer.attendee_name}"
        if not kind and facts.fact_word(text):
            return True, facts.parse_fact(text, meeting, people).summary
        chosen, c = _parse(meeting, people, kind, text)
    except CaptureError as exc:
        return False, str(exc)
    details = describe(c)
    extra = "; ".join(c.warnings)
    return True, " · ".join(p for p in (chosen, details, extra) if p)


def submit(
    store: Store,
    meeting: Meeting,
    people: Sequence[tuple[int, str]],
    kind: str,
    text: str,
    *,
    block_id: int | None,
    by: str,
    editing: Item | None = None,
    answer: AnswerTarget | None = None,
) -> Saved:
    """Save the line (one transaction). Raises CaptureError/InputError/ConflictError unsaved."""
    from kickoff_tui.core.record import add_item, set_answer, update_item

    if kind == "answer":
        if answer is None:
            raise InputError("pick an attendee in the Five Questions block first")
        if not text.strip():
            raise CaptureError("the answer is empty — type it in their words")
        set_answer(store, meeting.id, answer.attendee_id, answer.question, text.strip(), by=by)
        return Saved(f"saved Q{answer.question} answer by {answer.attendee_name}")
    if not kind and editing is None and facts.fact_word(text):
        fact = facts.parse_fact(text, meeting, people)
        return Saved(facts.apply_fact(store, meeting, fact, by=by))
    chosen, c = _parse(meeting, people, kind, text)
    if editing is not None and editing.id is not None:
        item = update_item(
            store, editing.id, editing.version, by=by, kind=chosen, text=c.text, owner=c.owner,
            owner_attendee_id=c.owner_attendee_id, owner_known=c.owner_known, due=c.due,
            severity=c.severity, side=c.side, internal=c.internal, mitigation=c.mitigation,
            escalated=c.escalated, escalated_to=c.escalated_to,
            **({"status": c.status} if c.status else {}),
        )  # fmt: skip
        return Saved(f"updated {chosen} #{item.id}", item)
    item = add_item(store, meeting, chosen, c, block_id=block_id, by=by)
    return Saved(f"saved {chosen}" + (f" ({'; '.join(c.warnings)})" if c.warnings else ""), item)


def to_line(item: Item) -> str:
    """An item back in the capture grammar, for editing it on the capture line."""
    parts = [item.text]
    if item.owner:
        owner = item.owner
        parts.append(f'@"{owner}"' if " " in owner else f"@{owner}")
    if item.due:
        parts.append(f"due:{item.due.isoformat()}")
    if item.severity:
        parts.append(f"sev:{item.severity}")
    if (side := Side.parse(item.side)) is not None:
        parts.append(f"side:{side.value}")
    if item.mitigation:
        parts.append(f'mit:"{item.mitigation.replace(chr(34), chr(39))}"')
    if getattr(item, "escalated", False):
        to = getattr(item, "escalated_to", None)
        parts.append(("esc:" + (f'@"{to}"' if " " in to else f"@{to}")) if to else "esc")
    if item.internal:
        parts.append("#internal")
    return " ".join(parts)
