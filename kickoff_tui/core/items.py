"""Captured items (actions, decisions, risks, questions...): add, read, edit, delete."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pendulum
from sqlmodel import Session, col, func, select

from kickoff_tui.core.attendees import attendee_names
from kickoff_tui.core.capture import Capture, parse_capture
from kickoff_tui.core.errors import CaptureError, ConflictError, InputError
from kickoff_tui.core.meetings import lock_meeting
from kickoff_tui.core.models import (
    Item,
    Meeting,
    utcnow,
)
from kickoff_tui.core.store import Store
from kickoff_tui.core.text import clean, clean_opt

#: ``captured_by`` and the change log's ``by`` are VARCHAR(32).
BY_LIMIT = 32


def list_items(
    store: Store, meeting_id: str, kind: str | None = None, *, include_deleted: bool = False
) -> list[Item]:
    with store.read() as s:
        q = select(Item).where(Item.meeting_id == meeting_id)
        if kind:
            q = q.where(Item.kind == kind)
        if not include_deleted:
            q = q.where(col(Item.deleted).is_(False))
        return list(s.exec(q.order_by(col(Item.id))))


def count_items(store: Store, meeting_id: str) -> dict[str, int]:
    with store.read() as s:
        rows = s.exec(
            select(Item.kind, func.count())
            .where(Item.meeting_id == meeting_id, col(Item.deleted).is_(False))
            .group_by(Item.kind)
        ).all()
    return {k: int(n) for k, n in rows}


def item_numbers(store: Store, meeting_id: str) -> dict[int, int]:
    """Row id → per-meeting number for every item of the meeting: the stored ``number``
    (``readmodel.number_of``)."""
    from kickoff_tui.core.readmodel import numbers

    with store.read() as s:
        rows = s.exec(select(Item.id, Item.number).where(Item.meeting_id == meeting_id)).all()
    ranked = numbers(int(i) for i, _ in rows if i is not None)
    return {int(i): int(n) if n is not None else ranked[int(i)] for i, n in rows if i is not None}


def get_items(store: Store, ids: Iterable[int]) -> list[Item]:
    """The rows for these ids, deleted ones included (the caller drops them)."""
    wanted = list(ids)
    if not wanted:
        return []
    with store.read() as s:
        return list(s.exec(select(Item).where(col(Item.id).in_(wanted))))


def get_item(store: Store, item_id: int) -> Item:
    with store.read() as s:
        item = s.get(Item, item_id)
    if item is None:
        raise InputError(f"no item #{item_id}")
    return item


def find_item(store: Store, meeting_id: str, number: int) -> Item:
    """The item people call ``#number`` in this meeting (deleted ones too: an undo needs them)."""
    with store.read() as s:
        item = s.exec(
            select(Item).where(Item.meeting_id == meeting_id, Item.number == number)
        ).first()
    if item is None:
        raise InputError(
            f"no item #{number} in {meeting_id} — the record and the panes show the numbers"
        )
    return item


def parse_line(store: Store, meeting: Meeting, line: str, *, allow_kind: bool = False) -> Capture:
    return parse_capture(
        line,
        pendulum.instance(meeting.start_utc),
        attendee_names(store, meeting.id),
        tz=meeting.tz,
        allow_kind=allow_kind,
    )


def _item_row(
    meeting_id: str, kind: str, c: Capture, block_id: int | None, by: str, now: pendulum.DateTime
) -> dict[str, Any]:
    """The column values of a new item (one place for both the ORM and the bulk path)."""
    owner = clean_opt(c.owner, field="the owner")
    return {
        "meeting_id": meeting_id,
        "kind": kind,
        "text": clean(c.text, field=f"the {kind} text"),
        "owner": owner,
        "owner_attendee_id": c.owner_attendee_id,
        "owner_known": c.owner_known,
        "due": c.due,
        "severity": c.severity,
        "side": c.side,
        "status": c.status or "open",
        "decided_by": owner if kind == "decision" else None,
        "internal": c.internal,
        "mitigation": clean_opt(c.mitigation, field="the mitigation"),
        "escalated": c.escalated,
        "escalated_to": clean_opt(c.escalated_to, field="who it is escalated to"),
        "block_id": block_id,
        "captured_by": by,
        "created_at": now,
        "updated_at": now,
    }


def number_items(s: Session, meeting_id: str, items: Iterable[Item]) -> None:
    """Give new items of one meeting the next per-meeting numbers (1, 2, 3…), inside the write
    transaction that inserts them. Locks the meeting (:func:`lock_meeting`), so two terminals
    adding at once on PostgreSQL take turns instead of picking the same number."""
    n = next_number(s, meeting_id) - 1
    for item in items:
        n += 1
        item.number = n


def next_number(s: Session, meeting_id: str) -> int:
    """The next free per-meeting item number, with the meeting locked (:func:`lock_meeting`)
    for the rest of the write transaction."""
    lock_meeting(s, meeting_id)
    top = s.exec(select(func.max(Item.number)).where(Item.meeting_id == meeting_id)).one()
    return int(top or 0) + 1


def _new_item(
    meeting_id: str, kind: str, c: Capture, block_id: int | None, by: str, now: pendulum.DateTime
) -> Item:
    return Item(**_item_row(meeting_id, kind, c, block_id, by, now))


def clean_by(by: str) -> str:
    """Who captured it (a role, or ``kickoff add --by NAME``), as it may be stored."""
    return clean(by, field="who captured it (--by)", limit=BY_LIMIT).strip() or "cli"


def check_kind(kind: str) -> str:
    from kickoff_tui.core.capture import ITEM_KINDS, normalize_kind

    k = normalize_kind(kind)
    if k is None:
        raise InputError(f"unknown kind '{kind}' — use one of: {', '.join(ITEM_KINDS)}")
    return k


def add_item(
    store: Store,
    meeting: Meeting,
    kind: str,
    capture: Capture,
    *,
    block_id: int | None = None,
    by: str = "cli",
) -> Item:
    """Save one captured item in one short transaction."""
    kind = check_kind(capture.kind or kind)
    by = clean_by(by)
    item = _new_item(meeting.id, kind, capture, block_id, by, utcnow())
    with store.write(by) as s:
        number_items(s, meeting.id, [item])
        s.add(item)
    return item


def import_lines(
    store: Store,
    meeting: Meeting,
    kind: str,
    lines: Iterable[str],
    *,
    block_id: int | None = None,
    by: str = "cli",
    warnings: list[str] | None = None,
) -> list[int]:
    """Parse every line first, then save them all in one transaction, or none at all; return
    the new ids. Blank lines are skipped; a bad line raises with its line number. What a line
    saved but wants confirmed (a due date far from the meeting) goes to ``warnings``.

    Built for 100,000 lines: the rows go in as batched bulk inserts (no ORM object per item),
    so time and memory grow linearly with the input.
    """
    kind = check_kind(kind)
    by = clean_by(by)
    names = attendee_names(store, meeting.id)
    start = pendulum.instance(meeting.start_utc)
    parsed: list[Capture] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed.append(parse_capture(line, start, names, tz=meeting.tz))
            if warnings is not None:
                warnings.extend(f"line {n}: {w}" for w in parsed[-1].warnings)
        except CaptureError as exc:
            raise CaptureError(f"line {n}: {exc} (nothing was saved)", exc.token) from None
    if not parsed:
        raise InputError("nothing to add: the input has no lines — one item per line")
    now = utcnow()
    rows = (_item_row(meeting.id, kind, c, block_id, by, now) for c in parsed)
    with store.write(by) as s:
        first = next_number(s, meeting.id)
        numbered = ({**row, "number": first + n} for n, row in enumerate(rows))
        return store.insert_many(s, Item, numbered)


def add_lines(
    store: Store,
    meeting: Meeting,
    kind: str,
    lines: Iterable[str],
    *,
    block_id: int | None = None,
    by: str = "cli",
) -> list[Item]:
    """:func:`import_lines`, returning the saved items (for callers that show them; a large
    import should call :func:`import_lines` and keep just the ids)."""
    ids = import_lines(store, meeting, kind, lines, block_id=block_id, by=by)
    items: list[Item] = []
    for start in range(0, len(ids), 10_000):
        items += get_items(store, ids[start : start + 10_000])
    return sorted(items, key=lambda i: i.id or 0)


_ITEM_FIELDS = {
    "text", "owner", "owner_attendee_id", "owner_known", "due", "severity", "mitigation",
    "side", "decided_by", "status", "internal", "block_id", "kind", "escalated", "escalated_to",
}  # fmt: skip
_ITEM_TEXT_FIELDS = {
    "text": "the item text", "owner": "the owner", "mitigation": "the mitigation",
    "decided_by": "who decided", "escalated_to": "who it is escalated to",
}  # fmt: skip


def update_item(
    store: Store, item_id: int, expected_version: int, *, by: str = "cli", **fields: object
) -> Item:
    """Change an item only if nobody saved it since ``expected_version`` was read.

    On a mismatch nothing is written and :class:`ConflictError` carries the newer version, so
    the caller can show it and let its author choose.
    """
    bad = set(fields) - _ITEM_FIELDS
    if bad:
        raise InputError(f"cannot set {', '.join(sorted(bad))} on an item")
    for name in _ITEM_TEXT_FIELDS.keys() & fields.keys():
        if isinstance(value := fields[name], str):
            fields[name] = clean(value, field=_ITEM_TEXT_FIELDS[name])
    by = clean_by(by)
    with store.write(by) as s:
        # FOR UPDATE: on PostgreSQL a second writer waits here until we commit, then sees our
        # version; on SQLite (which ignores it) BEGIN IMMEDIATE already serialises writers.
        item = s.get(Item, item_id, with_for_update=True)
        if item is None:
            raise InputError(f"no item #{item_id}")
        if item.version != expected_version:
            s.expunge(item)
            raise ConflictError(
                f"item #{item_id} was changed in the meantime (now version {item.version}, "
                f"you edited version {expected_version}) — review the newer text and save again",
                current=item,
            )
        steps = _history_steps(item, fields)
        for k, v in fields.items():
            setattr(item, k, v)
        if steps:  # done / reopened / a new due date: the item's history says so (core.series)
            from kickoff_tui.core.series import add_history

            for step in steps:
                add_history(item, step, item.meeting_id, by, utcnow())
        item.version += 1
        item.updated_at = utcnow()
        s.add(item)
    return item


def _history_steps(item: Item, fields: dict[str, object]) -> list[str]:
    """What an edit does to an item's life (status and due date), as history words."""
    steps: list[str] = []
    status = fields.get("status")
    if isinstance(status, str) and status != item.status:
        steps.append("done" if status == "done" else "reopened")
    if (
        "due" in fields
        and fields["due"] != item.due
        and item.kind in ("action", "risk", "question")
    ):
        new = fields["due"]
        old = item.due.isoformat() if item.due else "no date"
        steps.append(f"due moved from {old} to {new.isoformat() if new else 'no date'}")  # type: ignore[attr-defined]
    return steps


def set_deleted(store: Store, item_id: int, deleted: bool, *, by: str = "cli") -> Item:
    """Soft delete (or undo it): the row stays, so an undo or a conflict never loses text."""
    with store.write(by) as s:
        item = s.get(Item, item_id, with_for_update=True)
        if item is None:
            raise InputError(f"no item #{item_id}")
        item.deleted = deleted
        item.version += 1
        item.updated_at = utcnow()
        s.add(item)
    return item
