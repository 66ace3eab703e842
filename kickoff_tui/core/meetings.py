"""Meetings: create, name, find, change, and read one whole (the snapshot)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence

import pendulum
from sqlmodel import Session, col, select

from kickoff_tui.core.agenda import BlockSpec, Template, fit
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.models import (
    Answer,
    Attendee,
    Block,
    BlockNote,
    Item,
    Meeting,
    TimerEvent,
    utcnow,
)
from kickoff_tui.core.snapshot import Snapshot
from kickoff_tui.core.store import Store, retry_once_on_race


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
    return retry_once_on_race(lambda: _insert_meeting(store, base, meeting_fields, specs, by))


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
