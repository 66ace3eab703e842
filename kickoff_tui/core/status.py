"""``kickoff status``: a meeting's clocks in one line (or JSON), cheap enough to poll.

A tmux status line runs this every few seconds, so on a SQLite file it reads the few rows it
needs (the meeting, its blocks, its timer events) with the standard library's ``sqlite3``, in one
read transaction, and computes the clocks with :mod:`kickoff_tui.core.clock`: no SQLAlchemy, no
pydantic, no pendulum, no Textual (about a tenth of the time and half the memory of opening the
store). Anything unusual (another backend, an unknown or ambiguous id, an older or newer file, a
row it cannot read) makes :func:`read_sqlite` answer None, and the caller opens the full store,
which answers the same question or gives the proper error.

Both paths render through :func:`render`, so the output is the same whichever read the rows;
:func:`status_of` and :func:`status_line` give the same from a read model
(``readmodel.MeetingRecord``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from kickoff_tui.core.clock import compute, fmt_duration
from kickoff_tui.core.peek import connect_readonly, find_meeting_id
from kickoff_tui.core.text import scrub

if TYPE_CHECKING:
    import pendulum

    from kickoff_tui.core.readmodel import MeetingRecord
    from kickoff_tui.core.store import Store


# NamedTuples rather than dataclasses: a fraction of the import time, and this is polled.
class StatusBlock(NamedTuple):
    id: int
    position: int
    title: str
    planned_minutes: int
    replanned_seconds: int | None = None  # the plan once the meeting replanned it


class StatusEvent(NamedTuple):
    id: int
    block_id: int | None
    kind: str
    seconds: int
    at: dt.datetime


class StatusData(NamedTuple):
    """The rows the status line is computed from (times aware, in UTC)."""

    meeting_id: str
    tz: str
    start_utc: dt.datetime
    planned_minutes: int
    blocks: tuple[StatusBlock, ...]
    events: tuple[StatusEvent, ...]


def _plain_utc(when: dt.datetime) -> dt.datetime:
    """``when`` as a standard-library aware UTC datetime (never a pendulum one: no mixing)."""
    u = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return dt.datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, dt.UTC)


def _utc(value: object) -> dt.datetime:
    """A stored time (SQLAlchemy writes naive UTC text on SQLite) as an aware UTC datetime."""
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return _plain_utc(when)


def read_sqlite(url: str, ref: str) -> StatusData | None:
    """The rows for meeting ``ref`` (id or unique prefix) read straight from a SQLite file, or
    None when this fast path cannot answer (the caller then uses :func:`read_store`)."""
    conn = connect_readonly(url)
    if conn is None:
        return None
    try:
        conn.execute("BEGIN")  # one snapshot: blocks and events from the same moment
        meeting_id = find_meeting_id(conn, ref)
        if meeting_id is None:
            return None
        m = conn.execute(
            "SELECT id, tz, start_utc, planned_minutes FROM meeting WHERE id = ?", (meeting_id,)
        ).fetchone()
        blocks = conn.execute(
            "SELECT id, position, title, planned_minutes, replanned_seconds FROM block "
            "WHERE meeting_id = ? "
            "ORDER BY position",
            (meeting_id,),
        ).fetchall()
        events = conn.execute(
            "SELECT id, block_id, kind, seconds, at FROM timer_event WHERE meeting_id = ? "
            "ORDER BY id",
            (meeting_id,),
        ).fetchall()
        conn.execute("COMMIT")
        ZoneInfo(m[1])  # an unknown zone: let the full store say so
        return StatusData(
            meeting_id=str(m[0]), tz=str(m[1]), start_utc=_utc(m[2]),
            planned_minutes=int(m[3]),
            blocks=tuple(
                StatusBlock(int(i), int(p), str(t), int(n), None if r is None else int(r))
                for i, p, t, n, r in blocks
            ),
            events=tuple(
                StatusEvent(int(i), None if b is None else int(b), str(k), int(s or 0), _utc(a))
                for i, b, k, s, a in events
            ),
        )  # fmt: skip
    except (sqlite3.Error, ValueError, TypeError, LookupError):
        return None
    finally:
        conn.close()


def read_store(store: Store, ref: str) -> StatusData:
    """The same rows through the full store and the read model (any backend; raises the
    store's own errors)."""
    from kickoff_tui.core.readmodel import build_record
    from kickoff_tui.core.record import load_snapshot, resolve_meeting

    snap = load_snapshot(store, resolve_meeting(store, ref).id, with_items=False)
    return from_record(build_record(snap))


def from_record(rec: MeetingRecord) -> StatusData:
    """The status rows of a read model."""
    m = rec.meeting
    return StatusData(
        meeting_id=m.id, tz=m.tz, start_utc=_utc(m.start_utc), planned_minutes=m.planned_minutes,
        blocks=tuple(StatusBlock(int(b.id), b.position, b.title, b.planned_minutes,
                                 b.replanned_seconds) for b in rec.blocks),
        events=tuple(StatusEvent(int(e.id), e.block_id, e.kind, e.seconds, _utc(e.at))
                     for e in rec.events),
    )  # fmt: skip


def status_of(rec: MeetingRecord, now: dt.datetime) -> dict[str, Any]:
    """The meeting's clocks at ``now`` as plain data (the ``--json`` output)."""
    import json

    out: dict[str, Any] = json.loads(render(from_record(rec), now, as_json=True))
    return out


def status_line(rec: MeetingRecord, now: dt.datetime) -> str:
    """``acme-…: running · 3/8 Scope · 4:10 left · meeting 31:05 · 2:00 behind``."""
    return render(from_record(rec), now)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _round(seconds: float) -> float:
    return round(seconds, 1)


def render(data: StatusData, now: dt.datetime, *, as_json: bool = False) -> str:
    """The status line (or one JSON object) at ``now`` (aware)."""
    zone = ZoneInfo(data.tz)
    now = _plain_utc(now)  # a plain datetime even if handed a pendulum one
    # compute() is plain datetime arithmetic; it is typed with pendulum's DateTime for the UI.
    mt = compute(
        data.blocks,
        data.events,
        cast("pendulum.DateTime", data.start_utc),
        data.planned_minutes,
        cast("pendulum.DateTime", now),
    )
    cur = mt.current
    block = next((b for b in data.blocks if b.id == mt.current_block_id), None)
    title = scrub(block.title, multiline=False) if block else None
    state = (
        "ended"
        if mt.ended
        else "paused"
        if mt.paused
        else "running"
        if mt.started
        else "not started"
    )
    if as_json:
        import json  # here: the plain line (tmux) does not need it

        out = {
            "meeting": data.meeting_id,
            "state": state,
            "block": title,
            "block_position": block.position + 1 if block else None,
            "block_elapsed_s": _round(cur.elapsed_s) if cur else 0,
            "block_remaining_s": _round(cur.remaining_s) if cur else 0,
            "meeting_elapsed_s": _round(mt.elapsed_s),
            "meeting_remaining_s": _round(mt.remaining_s),
            "behind_s": _round(mt.behind_s),
            "projected_end": mt.projected_end.astimezone(zone).isoformat()
            if mt.projected_end
            else None,
        }
        return json.dumps(out, ensure_ascii=False)
    if not mt.started:
        local = data.start_utc.astimezone(zone)  # as pendulum's "ddd D MMM HH:mm zz", in English
        day, month = _DAYS[local.weekday()], _MONTHS[local.month - 1]
        start = f"{day} {local.day} {month} {local:%H:%M} {local.tzname()}"
        return f"{data.meeting_id}: not started (scheduled {start})"
    where = (
        f"{block.position + 1}/{len(data.blocks)} {title}" if block and cur else "between blocks"
    )
    left = f"{fmt_duration(cur.remaining_s)} left" if cur else ""
    drift = mt.behind_s
    pace = (
        f"{fmt_duration(abs(drift))} {'behind' if drift > 0 else 'ahead'}"
        if abs(drift) >= 60
        else "on time"
    )
    spent = fmt_duration(mt.elapsed_s)
    return f"{data.meeting_id}: {state} · {where} · {left} · meeting {spent} · {pace}"
