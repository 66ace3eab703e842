"""The status line of a meeting (``kickoff status``), rendered from the read model.

Headless and pure: a :class:`~kickoff_tui.core.readmodel.MeetingRecord` (items not needed) and a
``now`` in, a dict (``--json``) or one line out.
"""

from __future__ import annotations

from typing import Any

import pendulum

from kickoff_tui.core.clock import compute, fmt_duration
from kickoff_tui.core.readmodel import MeetingRecord


def status_of(rec: MeetingRecord, now: pendulum.DateTime) -> dict[str, Any]:
    """The meeting's clocks at ``now`` as plain data (the ``--json`` output)."""
    m = rec.meeting
    mt = compute(rec.blocks, rec.events, m.start_utc, m.planned_minutes, now)
    cur = mt.current
    block = rec.block(mt.current_block_id)
    state = (
        "ended" if mt.ended else "paused" if mt.paused else "running" if mt.started
        else "not started"
    )  # fmt: skip
    return {
        "meeting": m.id,
        "state": state,
        "block": block.title if block else None,
        "block_position": block.position + 1 if block else None,
        "block_elapsed_s": round(cur.elapsed_s, 1) if cur else 0,
        "block_remaining_s": round(cur.remaining_s, 1) if cur else 0,
        "meeting_elapsed_s": round(mt.elapsed_s, 1),
        "meeting_remaining_s": round(mt.remaining_s, 1),
        "behind_s": round(mt.behind_s, 1),
        "projected_end": mt.projected_end.in_timezone(m.tz).isoformat()
        if mt.projected_end
        else None,
    }


def status_line(rec: MeetingRecord, now: pendulum.DateTime) -> str:
    """``acme-…: running · 3/8 Scope · 4:10 left · meeting 31:05 · 2:00 behind``."""
    m = rec.meeting
    mt = compute(rec.blocks, rec.events, m.start_utc, m.planned_minutes, now)
    if not mt.started:
        start = m.local_start().format("ddd D MMM HH:mm zz")
        return f"{m.id}: not started (scheduled {start})"
    st = status_of(rec, now)
    cur = mt.current
    block = rec.block(mt.current_block_id)
    where = (
        f"{block.position + 1}/{len(rec.blocks)} {block.title}"
        if block and cur
        else "between blocks"
    )
    left = f"{fmt_duration(cur.remaining_s)} left" if cur else ""
    drift = mt.behind_s
    pace = (
        f"{fmt_duration(abs(drift))} {'behind' if drift > 0 else 'ahead'}"
        if abs(drift) >= 60
        else "on time"
    )
    return (
        f"{m.id}: {st['state']} · {where} · {left} · meeting {fmt_duration(mt.elapsed_s)} · {pace}"
    )
