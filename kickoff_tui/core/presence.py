"""Who has a meeting open, and which terminal drives the timers.

Each terminal keeps a heartbeat row (``presence``). A row not seen for ``LIVE_S`` seconds is gone
(a closed laptop lid, a killed process).

Exactly one terminal drives the timers: the holder of the meeting's **timer lease**, one row in
``timer_lease`` taken by compare-and-set inside a write transaction that first locks the meeting
(``lock_meeting``: ``FOR NO KEY UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite). So of two
cockpits opened at the same instant exactly one gets it (:func:`enter`); ``ctrl+t`` takes it
at once (:func:`claim_control` with ``force``); and the core's timer functions check the holder
inside their own transaction (:func:`check_control`), so the terminal that lost the lease has
its next press refused, with no window in which both drive. A lease whose holder is gone
(stale heartbeat, or a dead process on this machine) may be taken without ``force``.

The contract for a cockpit: ``seat = enter(store, mid, role, now)``; drive the timers only while
``seat.in_control``; pass ``lease=seat.presence_id`` to every ``core.timers`` call; call
:func:`heartbeat` every ``HEARTBEAT_S`` and :func:`controller`/:func:`peers` to follow who drives;
``claim_control(store, seat.presence_id, now)`` on ctrl+t; :func:`leave` on close (which also
releases the lease).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import pendulum
from sqlmodel import Session, col, delete, select

from kickoff_tui.core.errors import NotInControl
from kickoff_tui.core.meetings import lock_meeting
from kickoff_tui.core.models import Presence, TimerLease
from kickoff_tui.core.store import Store

LIVE_S = 6.0
HEARTBEAT_S = 2.0
#: ``kickoff serve`` starts each browser tab's cockpit with ``KICKOFF_VIA=browser``: its row's
#: host says so (``note-taker@laptop (browser)``), and it never drives the timers — a browser
#: tab is always a note-taker, never a second facilitator.
VIA_ENV = "KICKOFF_VIA"
BROWSER_MARK = " (browser)"


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


@dataclass(frozen=True)
class Seat:
    """A terminal's place in a meeting, as :func:`enter` gave it."""

    presence_id: int
    role: str  # what it asked to be
    in_control: bool  # whether it holds the timer lease
    holder: str | None  # who does, when it is another terminal ("facilitator@host")


def _label(row: Presence) -> str:
    return f"{row.role}@{row.host}"


def via_browser() -> bool:
    """Whether this process is a browser tab's cockpit (``kickoff serve``)."""
    return os.environ.get(VIA_ENV) == "browser"


def _host() -> str:
    return socket.gethostname() + (BROWSER_MARK if via_browser() else "")


def _new_row(meeting_id: str, role: str, now: pendulum.DateTime) -> Presence:
    return Presence(meeting_id=meeting_id, role=role, host=_host(), pid=os.getpid(),
                    seen_at=now)  # fmt: skip


def join(store: Store, meeting_id: str, role: str, now: pendulum.DateTime) -> int:
    """Add this terminal's heartbeat row; returns its id. (See :func:`enter` for a cockpit.)"""
    with store.write(role) as s:
        row = _new_row(meeting_id, role, now)
        s.add(row)
    assert row.id is not None
    return row.id


def enter(store: Store, meeting_id: str, role: str, now: pendulum.DateTime) -> Seat:
    """Open a meeting from a terminal, in one transaction: add its heartbeat row and, for a
    facilitator, take the timer lease unless a live terminal holds it. Of two cockpits opened
    at the same instant exactly one gets ``in_control``; the other learns who has it."""
    with store.write(role) as s:
        lock_meeting(s, meeting_id)
        row = _new_row(meeting_id, role, now)
        s.add(row)
        s.flush()
        assert row.id is not None
        holder: str | None = None
        in_control = False
        if role == "facilitator" and not row.host.endswith(BROWSER_MARK):
            in_control = _take(s, row, now, force=False)
        if not in_control:
            lease = s.get(TimerLease, meeting_id)
            holder = lease.holder if lease is not None else None
    return Seat(row.id, role, in_control, holder)


def heartbeat(store: Store, presence_id: int, now: pendulum.DateTime) -> None:
    with store.write() as s:
        row = s.get(Presence, presence_id)
        if row is not None:
            row.seen_at = now
            s.add(row)


def _alive(row: Presence | None, now: pendulum.DateTime) -> bool:
    if row is None or row.seen_at < now.subtract(seconds=LIVE_S):
        return False
    return not _gone(Peer(row.id or 0, row.role, row.host, row.pid, False))


def _take(s: Session, me: Presence, now: pendulum.DateTime, *, force: bool) -> bool:
    """Compare-and-set on the lease row, inside the caller's transaction (meeting locked)."""
    assert me.id is not None
    lease = s.get(TimerLease, me.meeting_id)
    if lease is None:
        s.add(TimerLease(meeting_id=me.meeting_id, presence_id=me.id, holder=_label(me),
                         taken_at=now))  # fmt: skip
    elif lease.presence_id != me.id:
        if not force and _alive(s.get(Presence, lease.presence_id), now):
            return False
        lease.presence_id, lease.holder, lease.taken_at = me.id, _label(me), now
        lease.term += 1
        s.add(lease)
    me.control_at = me.seen_at = now
    s.add(me)
    return True


def claim_control(
    store: Store, presence_id: int, now: pendulum.DateTime, *, force: bool = True
) -> bool:
    """Take the meeting's timer lease for this terminal, at once (ctrl+t). With
    ``force=False`` only when nobody live holds it (a facilitator picking up after the holder
    left). True when this terminal holds it afterwards; False when refused, or when its
    presence row is gone."""
    with store.write() as s:
        me = s.get(Presence, presence_id)
        if me is None:
            return False
        if me.host.endswith(BROWSER_MARK):  # ctrl+t in a browser tab: say why not
            if not force:
                return False
            raise NotInControl(
                "a browser tab takes notes: the timers stay with a terminal (kickoff run)"
            )
        lock_meeting(s, me.meeting_id)
        return _take(s, me, now, force=force)


def check_control(s: Session, meeting_id: str, presence_id: int) -> None:
    """Inside a write transaction that locked the meeting: raise :class:`NotInControl` unless
    ``presence_id`` holds the timer lease."""
    lease = s.get(TimerLease, meeting_id)
    if lease is not None and lease.presence_id == presence_id:
        return
    if lease is None:
        raise NotInControl(
            "not applied: nobody controls the timers of this meeting — ctrl+t takes control"
        )
    raise NotInControl(
        f"not applied: {lease.holder} controls the timers now — ctrl+t takes control back"
    )


def leave(store: Store, presence_id: int) -> None:
    """Remove this terminal's row, and release the timer lease if it holds it (one
    transaction, so a lease never points at a row that is gone)."""
    with store.write() as s:
        s.exec(delete(TimerLease).where(col(TimerLease.presence_id) == presence_id))
        s.exec(delete(Presence).where(col(Presence.id) == presence_id))


def peers(store: Store, meeting_id: str, now: pendulum.DateTime) -> list[Peer]:
    """Live terminals on this meeting, the lease holder marked as controlling."""
    cutoff = now.subtract(seconds=LIVE_S)
    with store.read() as s:
        rows = list(
            s.exec(
                select(Presence).where(
                    Presence.meeting_id == meeting_id, col(Presence.seen_at) >= cutoff
                )
            )
        )
        lease = s.get(TimerLease, meeting_id)
    boss = lease.presence_id if lease is not None else None
    return [
        Peer(r.id or 0, r.role, r.host, r.pid, r.id == boss)
        for r in sorted(rows, key=lambda r: r.id or 0)
    ]


def controller(store: Store, meeting_id: str, now: pendulum.DateTime) -> Peer | None:
    """The live terminal holding the timer lease, if any."""
    return next((p for p in peers(store, meeting_id, now) if p.controls and not _gone(p)), None)


def _gone(peer: Peer) -> bool:
    """A row left by a process on this machine that no longer runs (killed, crashed)."""
    if peer.host.removesuffix(BROWSER_MARK) != socket.gethostname() or peer.pid <= 0:
        return False
    try:
        os.kill(peer.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def live_facilitator(store: Store, meeting_id: str, now: pendulum.DateTime) -> Peer | None:
    """Another terminal already driving this meeting (the live lease holder), or else a live
    facilitator that has not taken the lease yet. A racy look, kept for callers that have not
    moved to :func:`enter`, which decides atomically."""
    live = [p for p in peers(store, meeting_id, now) if not _gone(p)]
    return next((p for p in live if p.controls), None) or next(
        (p for p in live if p.role == "facilitator"), None
    )
