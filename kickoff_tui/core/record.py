"""Operations on the kickoff record: every change the CLI or a screen makes goes through here.

Each function is one short write transaction on the store (which logs the change for the live
feed) or one read. Nothing is kept in memory that is not yet on disk.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pendulum
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from kickoff_tui.core.agenda import BlockSpec, Template, fit
from kickoff_tui.core.capture import Capture, parse_capture
from kickoff_tui.core.errors import CaptureError, ConflictError, InputError
from kickoff_tui.core.models import (
    ROLES,
    SIDES,
    Answer,
    Attendee,
    Block,
    BlockNote,
    Item,
    Meeting,
    TimerEvent,
    utcnow,
)
from kickoff_tui.core.store import Store

T = TypeVar("T")


def _retry_once_on_race(fn: Callable[[], T]) -> T:
    """Run a check-then-insert write; if another terminal inserted the same unique row between
    our check and our insert (possible on PostgreSQL, whose writers are not serialised like
    SQLite's ``BEGIN IMMEDIATE``), the transaction rolled back: run it again, now seeing theirs."""
    try:
        return fn()
    except IntegrityError:
        return fn()


# ---------------------------------------------------------------------------------------------
# Meetings


def slugify(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return slug[:48].strip("-") or "meeting"


def parse_start(value: str | None, tz: str) -> pendulum.DateTime:
    """``2026-11-24T15:00`` read in the meeting's zone (an explicit offset wins)."""
    try:
        zone = pendulum.timezone(tz)
    except Exception:
        raise InputError(
            f"unknown time zone '{tz}' — use an IANA name such as Europe/Berlin or UTC"
        ) from None
    if value is None:
        return pendulum.now(zone).start_of("hour").add(hours=1)
    try:
        parsed = pendulum.parse(value, tz=zone, exact=True)
    except Exception:
        parsed = None
    if isinstance(parsed, pendulum.Date) and not isinstance(parsed, pendulum.DateTime):
        parsed = pendulum.datetime(parsed.year, parsed.month, parsed.day, 9, tz=zone)
    if not isinstance(parsed, pendulum.DateTime):
        raise InputError(
            f"cannot read start '{value}' — use YYYY-MM-DDTHH:MM, e.g. 2026-11-24T15:00"
        )
    return parsed


def create_meeting(
    store: Store,
    client: str,
    template: Template,
    start: pendulum.DateTime,
    tz: str,
    *,
    title: str | None = None,
    minutes: int | None = None,
    fit_to_box: bool = False,
    contract_close: pendulum.Date | None = None,
    by: str = "cli",
) -> Meeting:
    """Create a meeting with its blocks from a template, under a fresh readable id."""
    client = client.strip()
    if not client:
        raise InputError("the client name is empty — give it as the first argument")
    box = minutes or template.minutes
    specs: Sequence[BlockSpec] = template.blocks
    if fit_to_box:
        specs = fit(specs, box)
    local_day = start.in_timezone(tz).to_date_string()
    base = f"{slugify(client)}-{local_day}"
    meeting_fields: dict[str, object] = dict(
        client=client, title=title or f"{client} kickoff", template=template.name,
        start_utc=start.in_timezone("UTC"), tz=tz, planned_minutes=box,
        contract_close=contract_close,
    )  # fmt: skip
    return _retry_once_on_race(lambda: _insert_meeting(store, base, meeting_fields, specs, by))


def _insert_meeting(
    store: Store, base: str, fields: dict[str, object], specs: Sequence[BlockSpec], by: str
) -> Meeting:
    with store.write(by) as s:
        taken = set(s.exec(select(Meeting.id).where(col(Meeting.id).startswith(base))).all())
        mid, n = base, 2
        while mid in taken:
            mid, n = f"{base}-{n}", n + 1
        meeting = Meeting(id=mid, created_at=utcnow(), **fields)
        s.add(meeting)
        s.flush()
        for pos, spec in enumerate(specs):
            s.add(
                Block(
                    meeting_id=mid,
                    position=pos,
                    title=spec.title,
                    kind=spec.kind,
                    planned_minutes=spec.minutes,
                    prompts_json=json.dumps(list(spec.prompts)),
                )
            )
    return meeting


def list_meetings(store: Store) -> list[Meeting]:
    with store.read() as s:
        return list(s.exec(select(Meeting).order_by(col(Meeting.start_utc).desc(), Meeting.id)))


def resolve_meeting(store: Store, ref: str) -> Meeting:
    """A meeting named by its id or by any unique prefix of it."""
    ref = ref.strip()
    with store.read() as s:
        exact = s.get(Meeting, ref)
        if exact is not None:
            return exact
        found = list(
            s.exec(select(Meeting).where(col(Meeting.id).startswith(ref)).order_by(Meeting.id))
        )
    if not ref or not found:
        raise InputError(f"no meeting '{ref}' — `kickoff list` shows the meetings in this database")
    if len(found) > 1:
        names = ", ".join(m.id for m in found[:5])
        raise InputError(f"'{ref}' matches {len(found)} meetings ({names}) — type more of the id")
    return found[0]


def get_meeting(s: Session, meeting_id: str, *, for_update: bool = False) -> Meeting:
    m = s.get(Meeting, meeting_id, with_for_update=for_update)
    if m is None:
        raise InputError(f"no meeting '{meeting_id}' — `kickoff list` shows the meetings")
    return m


def update_meeting(store: Store, meeting_id: str, by: str = "cli", **fields: object) -> Meeting:
    allowed = {
        "client", "title", "status", "contract_close", "next_meeting_utc", "first_value_goal",
        "first_value_date", "cadence", "purpose", "followthrough_exported_at", "planned_minutes",
        "tz",
    }  # fmt: skip
    bad = set(fields) - allowed
    if bad:
        raise InputError(f"cannot set {', '.join(sorted(bad))} on a meeting")
    with store.write(by) as s:
        m = get_meeting(s, meeting_id, for_update=True)
        for k, v in fields.items():
            setattr(m, k, v)
        m.version += 1
        s.add(m)
    return m


# ---------------------------------------------------------------------------------------------
# Reads


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

    def items_of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    def block(self, block_id: int | None) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)

    def attendee(self, attendee_id: int | None) -> Attendee | None:
        return next((a for a in self.attendees if a.id == attendee_id), None)


def load_snapshot(store: Store, meeting_id: str, *, with_items: bool = True) -> Snapshot:
    """Read a meeting whole; ``with_items=False`` skips the (possibly 10,000) items."""
    with store.read() as s:
        m = get_meeting(s, meeting_id)
        return Snapshot(
            meeting=m,
            blocks=list(s.exec(select(Block).where(Block.meeting_id == m.id).order_by("position"))),
            attendees=list(
                s.exec(select(Attendee).where(Attendee.meeting_id == m.id).order_by("id"))
            ),
            items=list(
                s.exec(
                    select(Item)
                    .where(Item.meeting_id == m.id, col(Item.deleted).is_(False))
                    .order_by("id")
                )
            )
            if with_items
            else [],
            answers=list(
                s.exec(select(Answer).where(Answer.meeting_id == m.id).order_by("question", "id"))
            ),
            events=list(
                s.exec(select(TimerEvent).where(TimerEvent.meeting_id == m.id).order_by("id"))
            ),
            notes=list(s.exec(select(BlockNote).where(BlockNote.meeting_id == m.id))),
        )


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


# ---------------------------------------------------------------------------------------------
# Attendees


def add_attendee(
    store: Store,
    meeting_id: str,
    name: str,
    *,
    side: str = "theirs",
    title: str = "",
    seniority: int = 0,
    roles: Iterable[str] = (),
    present: bool = True,
    by: str = "cli",
) -> Attendee:
    name = " ".join(name.split())
    if not name:
        raise InputError("the attendee's name is empty — type a name")
    if side not in SIDES:
        raise InputError(f"unknown side '{side}' — use ours or theirs")
    role_list = [r.strip() for r in roles if r.strip()]
    bad = [r for r in role_list if r not in ROLES]
    if bad:
        raise InputError(f"unknown role '{bad[0]}' — use one of: {', '.join(ROLES)}")
    with store.write(by) as s:
        get_meeting(s, meeting_id)
        a = Attendee(
            meeting_id=meeting_id,
            name=name,
            side=side,
            title=title.strip(),
            seniority=seniority,
            roles=",".join(role_list),
            present=present,
            created_at=utcnow(),
        )
        s.add(a)
    return a


def update_attendee(store: Store, attendee_id: int, by: str = "cli", **fields: object) -> Attendee:
    with store.write(by) as s:
        a = s.get(Attendee, attendee_id)
        if a is None:
            raise InputError(f"no attendee #{attendee_id}")
        if "roles" in fields and not isinstance(fields["roles"], str):
            fields["roles"] = ",".join(fields["roles"])  # type: ignore[arg-type]
        for k, v in fields.items():
            setattr(a, k, v)
        s.add(a)
    return a


def attendee_names(store: Store, meeting_id: str) -> list[tuple[int, str]]:
    with store.read() as s:
        rows = s.exec(
            select(Attendee.id, Attendee.name).where(Attendee.meeting_id == meeting_id)
        ).all()
    return [(int(i), n) for i, n in rows]


# ---------------------------------------------------------------------------------------------
# Items


def parse_line(store: Store, meeting: Meeting, line: str, *, allow_kind: bool = False) -> Capture:
    return parse_capture(
        line,
        pendulum.instance(meeting.start_utc),
        attendee_names(store, meeting.id),
        tz=meeting.tz,
        allow_kind=allow_kind,
    )


def _new_item(
    meeting_id: str, kind: str, c: Capture, block_id: int | None, by: str, now: pendulum.DateTime
) -> Item:
    return Item(
        meeting_id=meeting_id,
        kind=kind,
        text=c.text,
        owner=c.owner,
        owner_attendee_id=c.owner_attendee_id,
        owner_known=c.owner_known,
        due=c.due,
        severity=c.severity,
        side=c.side,
        decided_by=c.owner if kind == "decision" else None,
        internal=c.internal,
        block_id=block_id,
        captured_by=by,
        created_at=now,
        updated_at=now,
    )


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
    with store.write(by) as s:
        item = _new_item(meeting.id, kind, capture, block_id, by, utcnow())
        s.add(item)
    return item


def add_lines(
    store: Store,
    meeting: Meeting,
    kind: str,
    lines: Iterable[str],
    *,
    block_id: int | None = None,
    by: str = "cli",
) -> list[Item]:
    """Parse every line first, then save them all in one transaction, or none at all.

    Blank lines are skipped; a bad line raises with its line number.
    """
    kind = check_kind(kind)
    names = attendee_names(store, meeting.id)
    start = pendulum.instance(meeting.start_utc)
    parsed: list[Capture] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed.append(parse_capture(line, start, names, tz=meeting.tz))
        except CaptureError as exc:
            raise CaptureError(f"line {n}: {exc} (nothing was saved)", exc.token) from None
    if not parsed:
        raise InputError("nothing to add: the input has no lines — one item per line")
    now = utcnow()
    items = [_new_item(meeting.id, kind, c, block_id, by, now) for c in parsed]
    with store.write(by) as s:
        s.add_all(items)
    return items


_ITEM_FIELDS = {
    "text", "owner", "owner_attendee_id", "owner_known", "due", "severity", "mitigation",
    "side", "decided_by", "status", "internal", "block_id", "kind",
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
        for k, v in fields.items():
            setattr(item, k, v)
        item.version += 1
        item.updated_at = utcnow()
        s.add(item)
    return item


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


# ---------------------------------------------------------------------------------------------
# Five Questions, running notes


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
    return _retry_once_on_race(
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


def save_block_note(
    store: Store, meeting_id: str, block_id: int, text: str, *, by: str = "note-taker"
) -> BlockNote:
    return _retry_once_on_race(lambda: _upsert_note(store, meeting_id, block_id, text, by))


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


# ---------------------------------------------------------------------------------------------
# Timer events


def add_timer_event(
    store: Store,
    meeting_id: str,
    kind: str,
    *,
    block_id: int | None = None,
    seconds: int = 0,
    at: pendulum.DateTime | None = None,
    by: str = "facilitator",
    block_status: dict[int, str] | None = None,
    meeting_status: str | None = None,
) -> TimerEvent:
    """Append a timer event (and the block/meeting status it implies) in one transaction."""
    with store.write(by) as s:
        ev = TimerEvent(
            meeting_id=meeting_id,
            block_id=block_id,
            kind=kind,
            seconds=seconds,
            at=(at or utcnow()).in_timezone("UTC"),
            by=by,
        )
        s.add(ev)
        for bid, status in (block_status or {}).items():
            b = s.get(Block, bid)
            if b is not None and b.status != status:
                b.status = status
                s.add(b)
        if meeting_status is not None:
            m = get_meeting(s, meeting_id)
            if m.status != meeting_status:
                m.status = meeting_status
                s.add(m)
    return ev


def set_block_minutes(store: Store, plan: dict[int, int], *, by: str = "facilitator") -> None:
    """Apply a rebalance: new planned minutes for some blocks, in one transaction."""
    with store.write(by) as s:
        for bid, minutes in plan.items():
            b = s.get(Block, bid)
            if b is not None:
                b.planned_minutes = minutes
                s.add(b)
