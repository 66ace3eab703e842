"""Copy (or move) one meeting with everything in it from one store to another.

Any two stores: SQLite to PostgreSQL, PostgreSQL to SQLite, or the same store under a new id.
Everything that belongs to the meeting goes: blocks, attendees, items (soft-deleted ones too, so
an undo still works there), Five Questions answers, timer events and running notes. Integer ids
are given afresh by the target (they would clash with its own rows) and every reference is
remapped; the meeting's readable id is kept unless ``new_id`` is given, and an id already in the
target is refused. The copy is one transaction on the target: all of it or nothing. A move
deletes the meeting from the source only after the copy committed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, delete, select

from kickoff_tui.core.errors import InputError, StoreError
from kickoff_tui.core.models import (
    Answer,
    Attendee,
    Block,
    BlockNote,
    Item,
    Meeting,
    Presence,
    TimerEvent,
    utcnow,
)
from kickoff_tui.core.presence import peers
from kickoff_tui.core.record import resolve_meeting
from kickoff_tui.core.store import Store, mask_url

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
#: What belongs to a meeting, besides its own row (presence is not copied: it is who is online).
_PARTS: tuple[type[SQLModel], ...] = (Block, Attendee, Item, Answer, TimerEvent, BlockNote)


@dataclass
class Copied:
    """What was copied: the target id and how many rows of each kind."""

    source_id: str
    target_id: str
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        return ", ".join(f"{n} {table.replace('_', ' ')}{'' if n == 1 else 's'}"
                         for table, n in self.counts.items())  # fmt: skip


def _rows(s: Any, model: type[SQLModel], meeting_id: str) -> list[Any]:
    return list(
        s.exec(select(model).where(model.meeting_id == meeting_id).order_by(model.id))  # type: ignore[attr-defined]
    )


def _clone(row: SQLModel, **changes: Any) -> Any:
    data = row.model_dump(exclude={"id"})
    data.update(changes)
    return type(row)(**data)


def check_new_id(new_id: str) -> str:
    new_id = new_id.strip()
    if not _ID.match(new_id):
        raise InputError(
            f"'{new_id}' cannot be a meeting id — use lowercase letters, digits and dashes "
            "(up to 80), e.g. acme-corp-2026-11-24-copy"
        )
    return new_id


def copy_meeting(
    source: Store, target: Store, ref: str, *, new_id: str | None = None, move: bool = False,
    by: str = "cli",
) -> Copied:  # fmt: skip
    """Copy the meeting ``ref`` names (its id or a unique prefix) into ``target``."""
    target_id = check_new_id(new_id) if new_id is not None else None
    m = resolve_meeting(source, ref)
    target_id = target_id or m.id
    same = source.url == target.url
    if same and target_id == m.id:
        raise InputError(
            f"'{m.id}' is already in {mask_url(target.url)} — pass --as NEW_ID to copy it "
            "under another id, or a different --to"
        )
    if move and (open_in := peers(source, m.id, utcnow())):
        raise InputError(
            f"'{m.id}' is open in {open_in[0].label} — close that cockpit before moving it"
        )
    with source.read() as s:  # one consistent read of the whole meeting
        meeting = s.get(Meeting, m.id)
        rows = {model: _rows(s, model, m.id) for model in _PARTS}
    assert meeting is not None
    taken = InputError(
        f"a meeting '{target_id}' already exists in {mask_url(target.url)} — pass --as NEW_ID "
        "to copy it under another id"
    )
    try:
        with target.write(by) as t:  # the copy is one transaction on the target
            if t.get(Meeting, target_id) is not None:
                raise taken
            _insert(t, _clone(meeting, id=target_id), rows)
    except IntegrityError:  # the same id inserted there a moment ago
        raise taken from None
    counts = {model.__tablename__: len(found) for model, found in rows.items()}
    result = Copied(m.id, target_id, counts)  # type: ignore[arg-type]
    if move:
        try:
            delete_meeting(source, m.id, by=by)
        except Exception as exc:
            raise StoreError(
                f"copied '{m.id}' to {mask_url(target.url)}, but could not delete it from "
                f"{mask_url(source.url)}: {exc} — it is now in both; delete it from the source "
                "by hand or run the move again with --as"
            ) from None
    return result


def _insert(t: Any, meeting: Meeting, rows: dict[type[SQLModel], list[Any]]) -> None:
    """Add the meeting and its rows: the target gives new integer ids; references follow."""
    mid = meeting.id
    t.add(meeting)
    t.flush()
    blocks = [_clone(b, meeting_id=mid) for b in rows[Block]]
    people = [_clone(a, meeting_id=mid) for a in rows[Attendee]]
    t.add_all(blocks + people)
    t.flush()  # now the new blocks and attendees have their ids
    blk = {old.id: new.id for old, new in zip(rows[Block], blocks, strict=True)}.get
    who = {old.id: new.id for old, new in zip(rows[Attendee], people, strict=True)}.get
    t.add_all(
        [_clone(i, meeting_id=mid, block_id=blk(i.block_id),
                owner_attendee_id=who(i.owner_attendee_id)) for i in rows[Item]]
        + [_clone(a, meeting_id=mid, attendee_id=who(a.attendee_id)) for a in rows[Answer]]
        + [_clone(e, meeting_id=mid, block_id=blk(e.block_id)) for e in rows[TimerEvent]]
        + [_clone(n, meeting_id=mid, block_id=blk(n.block_id)) for n in rows[BlockNote]]
    )  # fmt: skip


def delete_meeting(store: Store, meeting_id: str, *, by: str = "cli") -> None:
    """Delete a meeting and every row that belongs to it, in one transaction."""
    with store.write(by) as s:
        for model in (BlockNote, Answer, TimerEvent, Item, Presence, Attendee, Block):
            s.exec(delete(model).where(col(model.meeting_id) == meeting_id))
        m = s.get(Meeting, meeting_id)
        if m is not None:
            s.delete(m)  # logged: open pickers and feeds learn the meeting is gone
