"""Copy (or move) one meeting with everything in it from one store to another.

Any two stores: SQLite to PostgreSQL, PostgreSQL to SQLite, or the same store under a new id.
Everything that belongs to the meeting goes: blocks, attendees, items (soft-deleted ones too, so
an undo still works there), Five Questions answers, timer events and running notes. Integer ids
are given afresh by the target (they would clash with its own rows) and every reference is
remapped; the meeting's readable id is kept unless ``new_id`` is given.

Identity travels: every row keeps its ``uid`` (and items their per-meeting number), so the copy
exports the same calendar UIDs and JSON ids as the original. Copying the same meeting into the
same target again **updates** the earlier copy instead of duplicating it: rows are matched by
``uid`` (answers and running notes also by what they are about), changed rows are updated, new
rows inserted, and rows that exist only in the copy (captured there since) are kept. A copy
inside one store is a second meeting: its identities are derived from the source's and its new
id (UUID5), so copying it again under the same id updates that copy too. An id already taken
in the target by a different meeting is refused.

The copy is one transaction on the target: all of it or nothing. A move deletes the meeting
from the source only after the copy committed.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, delete, select

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
    TimerLease,
    utcnow,
)
from kickoff_tui.core.presence import peers
from kickoff_tui.core.record import resolve_meeting
from kickoff_tui.core.store import Store, mask_url

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
#: What belongs to a meeting, besides its own row (presence is not copied: it is who is online).
_PARTS: tuple[type[SQLModel], ...] = (Block, Attendee, Item, Answer, TimerEvent, BlockNote)
#: Copies inside one store get identities derived from the source's under this namespace.
_COPY_NS = uuid.UUID("5c1d6d2e-4b7e-4f0a-9a43-6b69636b6f66")


@dataclass
class Copied:
    """What was copied: the target id and how many rows of each kind; ``updated`` when an
    earlier copy of the same meeting was brought up to date instead of a new one made."""

    source_id: str
    target_id: str
    counts: dict[str, int] = field(default_factory=dict)
    updated: bool = False

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
    """Copy the meeting ``ref`` names (its id or a unique prefix) into ``target``, or bring
    the earlier copy there up to date."""
    target_id = check_new_id(new_id) if new_id is not None else None
    m = resolve_meeting(source, ref)
    same = source.url == target.url
    if same and (target_id or m.id) == m.id:
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
    if same:  # a second meeting in this store: identities of its own, derived reproducibly
        assert target_id is not None
        for row in [meeting, *(r for found in rows.values() for r in found)]:
            row.uid = str(uuid.uuid5(_COPY_NS, f"{target_id}/{row.uid}"))
    taken = InputError(
        f"a meeting '{target_id or m.id}' already exists in {mask_url(target.url)} — pass "
        "--as NEW_ID to copy it under another id"
    )
    try:
        with target.write(by) as t:  # the copy is one transaction on the target
            earlier = t.exec(select(Meeting).where(Meeting.uid == meeting.uid)).first()
            if earlier is not None and target_id is not None and target_id != earlier.id:
                raise InputError(
                    f"'{m.id}' is already in {mask_url(target.url)} as '{earlier.id}' — copy "
                    f"it without --as to update that copy"
                )
            final_id = earlier.id if earlier is not None else (target_id or m.id)
            if earlier is None:
                if t.get(Meeting, final_id) is not None:
                    raise taken
                _insert(t, _clone(meeting, id=final_id), rows)
            else:
                _merge(t, earlier, meeting, rows)
    except IntegrityError:
        with target.read() as r:  # the same id inserted there a moment ago?
            if r.get(Meeting, target_id or m.id) is not None:
                raise taken from None
        raise
    counts = {model.__tablename__: len(found) for model, found in rows.items()}
    result = Copied(m.id, final_id, counts, updated=earlier is not None)  # type: ignore[arg-type]
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


def _set(row: Any, data: dict[str, Any], versioned: bool = False) -> None:
    """Give ``row`` the values in ``data``; a versioned row that changed gets a new version
    (above both its own and the source's), so exports that carry it (``SEQUENCE``) move on."""
    source_version = data.pop("version", None)
    changed = any(getattr(row, k) != v for k, v in data.items())
    for k, v in data.items():
        setattr(row, k, v)
    if versioned and changed:
        row.version = max(row.version + 1, source_version or 0)


def _upsert(t: Session, mine: Any, theirs: Any, mid: str, versioned: bool = False,
            **changes: Any) -> Any:  # fmt: skip
    """``mine`` brought up to date with ``theirs`` (the source's row, references remapped by
    ``changes``), or a new row like it in meeting ``mid`` when there is none yet."""
    data = theirs.model_dump(exclude={"id", "meeting_id", "uid"})
    data.update(changes)
    if mine is None:
        mine = type(theirs)(meeting_id=mid, uid=theirs.uid, **data)
    else:
        _set(mine, data, versioned=versioned)
    t.add(mine)
    return mine


def _merge(
    t: Session, mine: Meeting, meeting: Meeting, rows: dict[type[SQLModel], list[Any]]
) -> None:
    """Bring the earlier copy ``mine`` up to date with ``meeting`` and its ``rows``: match by
    uid, update, insert what is new, keep what exists only in the copy."""
    mid = mine.id
    _set(mine, meeting.model_dump(exclude={"id", "uid"}), versioned=True)
    t.add(mine)
    have = {model: {r.uid: r for r in _rows(t, model, mid)} for model in _PARTS}

    # Blocks: the source's take their positions, the copy's own follow them in their order;
    # those that change position step aside first (negative), so no two ever share one.
    blocks = have[Block]
    final = {b.uid: b.position for b in rows[Block]}
    tail = max(final.values(), default=-1)
    for b in sorted(blocks.values(), key=lambda b: b.position):
        if b.uid not in final:
            tail += 1
            final[b.uid] = tail
    moving = [b for b in blocks.values() if b.position != final[b.uid]]
    for n, b in enumerate(moving, start=1):
        b.position = -n
    t.flush()
    for b in moving:
        b.position = final[b.uid]
    for b in rows[Block]:
        blocks[b.uid] = _upsert(t, blocks.get(b.uid), b, mid)
    people = have[Attendee]
    for a in rows[Attendee]:
        people[a.uid] = _upsert(t, people.get(a.uid), a, mid)
    t.flush()  # new blocks and attendees have ids now

    src_block = {b.id: b.uid for b in rows[Block]}
    src_person = {a.id: a.uid for a in rows[Attendee]}

    def blk(old: int | None) -> int | None:
        return blocks[src_block[old]].id if old in src_block else None

    def who(old: int | None) -> int | None:
        return people[src_person[old]].id if old in src_person else None

    # Items keep the number the copy shows; a new one takes the source's number when the copy
    # has not used it for an item of its own, else the next free one.
    items = have[Item]
    taken = {i.number for i in items.values() if i.number is not None}
    for i in rows[Item]:
        refs: dict[str, Any] = dict(
            block_id=blk(i.block_id), owner_attendee_id=who(i.owner_attendee_id)
        )
        if i.uid in items:
            _upsert(t, items[i.uid], i, mid, versioned=True, number=items[i.uid].number, **refs)
            continue
        number = i.number if i.number is not None and i.number not in taken else None
        number = number or max(taken, default=0) + 1
        taken.add(number)
        _upsert(t, None, i, mid, number=number, **refs)

    answers = have[Answer]
    by_key = {(a.attendee_id, a.question): a for a in answers.values()}
    for a in rows[Answer]:
        row = answers.get(a.uid) or by_key.get((who(a.attendee_id), a.question))
        _upsert(t, row, a, mid, versioned=True, attendee_id=who(a.attendee_id))
    events = have[TimerEvent]
    for e in rows[TimerEvent]:
        _upsert(t, events.get(e.uid), e, mid, block_id=blk(e.block_id))
    notes = have[BlockNote]
    by_block = {n.block_id: n for n in notes.values()}
    for n in rows[BlockNote]:
        row = notes.get(n.uid) or by_block.get(blk(n.block_id))
        _upsert(t, row, n, mid, versioned=True, block_id=blk(n.block_id))


def delete_meeting(store: Store, meeting_id: str, *, by: str = "cli") -> None:
    """Delete a meeting and every row that belongs to it, in one transaction."""
    with store.write(by) as s:
        for model in (BlockNote, Answer, TimerEvent, Item, TimerLease, Presence, Attendee, Block):
            s.exec(delete(model).where(col(model.meeting_id) == meeting_id))
        m = s.get(Meeting, meeting_id)
        if m is not None:
            s.delete(m)  # logged: open pickers and feeds learn the meeting is gone
