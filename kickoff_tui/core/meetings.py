"""Meetings: create, name, find, change, and read one whole (the snapshot)."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Sequence

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
from kickoff_tui.core.snapshot import Snapshot as Snapshot  # (re-exported)
from kickoff_tui.core.store import Store, retry_once_on_race
from kickoff_tui.core.text import clean


def slugify(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return slug[:48].strip("-") or "meeting"


def parse_start(
    value: str | None, tz: str, *, warnings: list[str] | None = None
) -> pendulum.DateTime:
    """``2026-11-24T15:00`` read in the meeting's zone (an explicit offset wins).

    A wall time the zone skips (clocks go forward: 02:30 on the last Sunday of March in Berlin)
    is moved forward by the gap, and a sentence naming the time used is appended to
    ``warnings``. A wall time the zone shows twice (clocks go back: 02:30 on the last Sunday of
    October) is refused, naming both offsets; with the offset written out it is taken as given.
    """
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
    _refuse_twice(value, zone, tz)
    if warnings is not None and (warning := _wall_time_warning(value, parsed, tz)):
        warnings.append(warning)
    return parsed


def _refuse_twice(value: str, zone: dt.tzinfo, tz: str) -> None:
    """Raise when ``value`` has no offset and its wall time happens twice in ``zone``."""
    try:
        wall = dt.datetime.fromisoformat(value)
    except ValueError:
        return
    if wall.tzinfo is not None or len(value) <= 10:  # an offset given, or a date alone (09:00)
        return
    readings = [wall.replace(tzinfo=zone, fold=fold) for fold in (0, 1)]
    if readings[0].utcoffset() == readings[1].utcoffset():
        return
    # A skipped time (clocks go forward) has two offsets too, but neither reading exists.
    if any(r.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != wall for r in readings):
        return
    first, second = (_offset(r.utcoffset()) for r in readings)
    names = [f" ({n})" if (n := r.tzname()) and n[0] not in "+-" else "" for r in readings]
    at = f"{wall:%Y-%m-%dT%H:%M}"
    raise InputError(
        f"start {at} happens twice in {tz} on {wall:%a} {wall.day} {wall:%b %Y} (the clocks go "
        f"back): first at {first}{names[0]}, then at {second}{names[1]} — write the offset to "
        f"choose: {at}{first} or {at}{second}"
    )


def _wall_time_warning(value: str, parsed: pendulum.DateTime, tz: str) -> str | None:
    """Why ``parsed`` is not simply ``value`` on the wall clock of ``tz`` (a skipped time moved
    forward), or None. (A time shown twice never gets here: :func:`_refuse_twice`.)"""
    try:
        wall = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if wall.tzinfo is not None or len(value) <= 10:  # an offset, or a date alone (09:00)
        return None
    used = f"{parsed.format('HH:mm zz')} (UTC{parsed.format('Z')})"
    if (parsed.date(), parsed.hour, parsed.minute) != (wall.date(), wall.hour, wall.minute):
        if parsed.date() != wall.date():
            used = f"{parsed.format('ddd D MMM')} {used}"
        return (
            f"{wall:%H:%M} does not exist on {wall:%a} {wall.day} {wall:%b %Y} in {tz} (the "
            f"clocks go forward) — using {used}"
        )
    return None


def _offset(delta: dt.timedelta | None) -> str:
    minutes = int((delta or dt.timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


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
    after: Meeting | None = None,
    by: str = "cli",
) -> Meeting:
    """Create a meeting with its blocks from a template, under a fresh readable id; ``after``
    links it to the meeting before it in a series (see ``core.series``)."""
    client = clean(client, field="the client name").strip()
    if not client:
        raise InputError("the client name is empty — give it as the first argument")
    title = clean(title, field="the meeting title").strip() if title is not None else None
    box = minutes or template.minutes
    specs: Sequence[BlockSpec] = [
        BlockSpec(
            title=clean(b.title, field="a block title").strip(),
            kind=b.kind,
            minutes=b.minutes,
            prompts=tuple(clean(p, field="a block prompt").strip() for p in b.prompts),
        )
        for b in template.blocks
    ]
    if fit_to_box:
        specs = fit(specs, box)
    if after is not None and not any(b.kind == "since-last-time" for b in specs):
        # A follow-up opens with the series' open items, whatever its template.
        specs = [BlockSpec(title="Since last time", kind="since-last-time", minutes=5,
                           prompts=("Each open item: done, slipped (to when?) or dropped?",)),
                 *specs]  # fmt: skip
    local_day = start.in_timezone(tz).to_date_string()
    base = f"{slugify(client)}-{local_day}"

    def new_meeting(mid: str) -> Meeting:
        return Meeting(
            id=mid, client=client, title=title or f"{client} kickoff", template=template.name,
            start_utc=start.in_timezone("UTC"), tz=tz, planned_minutes=box,
            contract_close=contract_close, created_at=utcnow(),
            after_id=after.id if after is not None else None,
            series_id=(after.series_id or after.id) if after is not None else None,
        )  # fmt: skip

    people_from = after.id if after is not None else None
    return retry_once_on_race(
        lambda: _insert_meeting(store, base, new_meeting, specs, by, people_from)
    )


def _insert_meeting(
    store: Store,
    base: str,
    new_meeting: Callable[[str], Meeting],
    specs: Sequence[BlockSpec],
    by: str,
    people_from: str | None = None,
) -> Meeting:
    with store.write(by) as s:
        taken = set(s.exec(select(Meeting.id).where(col(Meeting.id).startswith(base))).all())
        mid, n = base, 2
        while mid in taken:
            mid, n = f"{base}-{n}", n + 1
        meeting = new_meeting(mid)
        meeting.series_id = meeting.series_id or mid  # a meeting alone is its own series
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
        if people_from is not None:  # a follow-up starts with the same people (present or not)
            for a in s.exec(select(Attendee).where(Attendee.meeting_id == people_from)):
                s.add(Attendee(meeting_id=mid, name=a.name, side=a.side, title=a.title,
                               seniority=a.seniority, roles=a.roles, present=a.present,
                               email=a.email, created_at=utcnow()))  # fmt: skip
    return meeting


def list_meetings(store: Store) -> list[Meeting]:
    with store.read() as s:
        return list(s.exec(select(Meeting).order_by(col(Meeting.start_utc).desc(), Meeting.id)))


def resolve_meeting(store: Store, ref: str) -> Meeting:
    """A meeting named by its id or by a unique prefix of it, characters taken literally.

    ``%`` and ``_`` are plain characters (the prefix query escapes them); two or more matches
    list them; no match suggests the closest ids.
    """
    ref = clean(ref, field="the meeting id").strip()
    if not ref:
        raise InputError("no meeting given — `kickoff list` shows the meetings in this database")
    with store.read() as s:
        exact = s.get(Meeting, ref)
        if exact is not None:
            return exact
        found = list(
            s.exec(
                select(Meeting)
                .where(col(Meeting.id).startswith(ref, autoescape=True))
                .order_by(Meeting.id)
            )
        )
        # The database's LIKE may ignore case; an id prefix is matched exactly as typed.
        found = [m for m in found if m.id.startswith(ref)]
        if not found:
            ids = list(s.exec(select(Meeting.id)))
    if len(found) > 1:
        names = ", ".join(m.id for m in found[:5]) + (", …" if len(found) > 5 else "")
        raise InputError(f"'{ref}' matches {len(found)} meetings ({names}) — type more of the id")
    if found:
        return found[0]
    close = difflib.get_close_matches(ref, ids, n=3, cutoff=0.8)
    close += [i for i in ids if ref.lower() in i.lower() and i not in close][: 3 - len(close)]
    close += [  # a typo in a prefix: "nrod" for nord-ag-…
        i
        for i in ids
        if i not in close
        and difflib.SequenceMatcher(None, ref.lower(), i[: len(ref)]).ratio() >= 0.75
    ][: max(0, 3 - len(close))]
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise InputError(
        f"no meeting '{ref}' — {hint}`kickoff list` shows the meetings in this database"
    )


def get_meeting(s: Session, meeting_id: str, *, for_update: bool = False) -> Meeting:
    m = s.get(Meeting, meeting_id, with_for_update=for_update)
    if m is None:
        raise InputError(f"no meeting '{meeting_id}' — `kickoff list` shows the meetings")
    return m


def lock_meeting(s: Session, meeting_id: str) -> Meeting:
    """Read the meeting row and hold it for the rest of this write transaction: the per-meeting
    mutex every unit of work takes before it reads what it decides on.

    On PostgreSQL this is ``SELECT … FOR NO KEY UPDATE``: a second unit of work on the same
    meeting waits here until the first commits, then reads what it wrote; rows that merely
    reference the meeting can still be inserted meanwhile. On SQLite ``BEGIN IMMEDIATE``
    already serialises every writer, so this is a plain read.
    """
    m = s.get(Meeting, meeting_id, with_for_update={"key_share": True})
    if m is None:
        raise InputError(f"no meeting '{meeting_id}' — `kickoff list` shows the meetings")
    return m


_MEETING_TEXT_FIELDS = {
    "client": "the client name", "title": "the meeting title", "cadence": "the cadence",
    "purpose": "the purpose", "first_value_goal": "the First Value goal",
}  # fmt: skip


def update_meeting(store: Store, meeting_id: str, by: str = "cli", **fields: object) -> Meeting:
    allowed = {
        "client", "title", "status", "contract_close", "next_meeting_utc", "next_meeting_internal",
        "first_value_goal",
        "first_value_date", "cadence", "purpose", "followthrough_exported_at", "planned_minutes",
        "tz",
    }  # fmt: skip
    bad = set(fields) - allowed
    if bad:
        raise InputError(f"cannot set {', '.join(sorted(bad))} on a meeting")
    for name in _MEETING_TEXT_FIELDS.keys() & fields.keys():
        if isinstance(value := fields[name], str):
            fields[name] = clean(value, field=_MEETING_TEXT_FIELDS[name]).strip()
    with store.write(by) as s:
        m = get_meeting(s, meeting_id, for_update=True)
        for k, v in fields.items():
            setattr(m, k, v)
        m.version += 1
        s.add(m)
    return m


def mark_followthrough(
    store: Store, meeting_id: str, at: pendulum.DateTime, by: str = "cli"
) -> bool:
    """Record that the follow-through went out at ``at`` unless an earlier time is recorded:
    read and written in one transaction, so of two terminals exporting at once the first time
    wins. True when ``at`` was recorded."""
    with store.write(by) as s:
        m = get_meeting(s, meeting_id, for_update=True)
        sent = m.followthrough_exported_at
        if sent is not None and pendulum.instance(sent) <= at:
            return False
        m.followthrough_exported_at = at.in_timezone("UTC")
        m.version += 1
        s.add(m)
    return True


def load_snapshot(store: Store, meeting_id: str, *, with_items: bool = True) -> Snapshot:
    """Read a meeting whole; ``with_items=False`` skips the (possibly 10,000) items."""
    with store.read() as s:
        return snapshot_in(s, get_meeting(s, meeting_id), with_items=with_items)


def snapshot_in(s: Session, m: Meeting, *, with_items: bool = True) -> Snapshot:
    """The snapshot read through an open session: inside a unit of work (after
    :func:`lock_meeting`) it is exactly what that transaction decides on."""
    from kickoff_tui.core.series import carried_in

    # (Also without the items: a follow-up's screen reloads this list with the meeting's facts.)
    carried, carried_meetings = carried_in(s, m)
    return Snapshot(
        carried=carried,
        carried_meetings=carried_meetings,
        meeting=m,
        blocks=list(s.exec(select(Block).where(Block.meeting_id == m.id).order_by("position"))),
        attendees=list(s.exec(select(Attendee).where(Attendee.meeting_id == m.id).order_by("id"))),
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
        events=list(s.exec(select(TimerEvent).where(TimerEvent.meeting_id == m.id).order_by("id"))),
        notes=list(s.exec(select(BlockNote).where(BlockNote.meeting_id == m.id))),
        deleted_item_ids=tuple(
            int(i)
            for i in s.exec(
                select(Item.id).where(Item.meeting_id == m.id, col(Item.deleted).is_(True))
            )
            if i is not None
        )
        if with_items
        else (),
    )
