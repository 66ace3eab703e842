"""Who has a meeting open, and which terminal drives the timers.

Each terminal keeps a heartbeat row. A row not seen for ``LIVE_S`` seconds is gone (a closed
laptop lid, a killed process). The terminal that most recently claimed control drives the
timers; everyone else follows, so two timers never fight.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import pendulum
from sqlmodel import col, delete, select

from kickoff_tui.core.models import Presence
from kickoff_tui.core.store import Store

LIVE_S = 6.0
HEARTBEAT_S = 2.0


@dataclass(frozen=True)
class Peer:
    id: int
    role: str
    host: str
    pid: int
    controls: bool

    @property
    def label(self) -> str:
        return f"{self.role}@{self.host}"


def join(store: Store, meeting_id: str, role: str, now: pendulum.DateTime) -> int:
    """Add this terminal's heartbeat row; returns its id."""
    with store.write(role) as s:
        row = Presence(meeting_id=meeting_id, role=role, host=socket.gethostname(),
                       pid=os.getpid(), seen_at=now)  # fmt: skip
        s.add(row)
    assert row.id is not None
    return row.id


def heartbeat(store: Store, presence_id: int, now: pendulum.DateTime) -> None:
    with store.write() as s:
        row = s.get(Presence, presence_id)
        if row is not None:
            row.seen_at = now
            s.add(row)


def claim_control(store: Store, presence_id: int, now: pendulum.DateTime) -> None:
    with store.write() as s:
        row = s.get(Presence, presence_id)
        if row is not None:
            row.control_at = now
            row.seen_at = now
            s.add(row)


def leave(store: Store, presence_id: int) -> None:
    with store.write() as s:
        s.exec(delete(Presence).where(col(Presence.id) == presence_id))


def peers(store: Store, meeting_id: str, now: pendulum.DateTime) -> list[Peer]:
    """Live terminals on this meeting, the one in control marked."""
    cutoff = now.subtract(seconds=LIVE_S)
    with store.read() as s:
        rows = list(
            s.exec(
                select(Presence).where(
                    Presence.meeting_id == meeting_id, col(Presence.seen_at) >= cutoff
                )
            )
        )
    claimed = [r for r in rows if r.control_at is not None]
    boss = max(claimed, key=lambda r: (r.control_at, r.id or 0)) if claimed else None
    return [
        Peer(r.id or 0, r.role, r.host, r.pid, boss is not None and r.id == boss.id)
        for r in sorted(rows, key=lambda r: r.id or 0)
    ]


def _gone(peer: Peer) -> bool:
    """A row left by a process on this machine that no longer runs (killed, crashed)."""
    if peer.host != socket.gethostname() or peer.pid <= 0:
        return False
    try:
        os.kill(peer.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def live_facilitator(store: Store, meeting_id: str, now: pendulum.DateTime) -> Peer | None:
    """Another terminal already running this meeting as facilitator, if any."""
    return next(
        (p for p in peers(store, meeting_id, now) if p.role == "facilitator" and not _gone(p)),
        None,
    )
