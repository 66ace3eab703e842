"""One open meeting: an ordered writer queue, a change-feed reader, presence. No Textual.

A screen never waits for the database. It puts a command (a callable taking the
:class:`~kickoff_tui.core.store.Store`) on the queue and returns at once; the **writer** thread
runs the commands one at a time, in order. A command that fails because the store cannot be
reached or is locked (``store.is_disconnect``: a restarting PostgreSQL server, another process
holding the SQLite write lock past the busy timeout) stays at the head of the queue and is tried
again after a short pause until it lands, once; one that fails with a
:class:`~kickoff_tui.core.errors.KickoffError` (bad input, an edit conflict) is reported and
dropped. The **reader** thread polls the change feed (``ChangeFeed.poll``), reads the affected
slice and hands it over as plain rows (:class:`Delta`); a **monitor** thread notices a call that
has not answered for a second (a server stopped with SIGSTOP raises nothing: it just does not
answer) and reports the status.

Everything is reported through a :class:`Listener`, called on the session's threads; the
terminal UI turns each call into a message for its event loop. The store itself is opened in the
writer thread (importing SQLModel costs most of a second), so commands given before it is open
simply wait in the queue. Each thread uses sessions of its own from the store's pool.

Exactly once: a command whose transaction failed was rolled back, so trying it again cannot
double it. (On PostgreSQL a connection lost *during* COMMIT leaves the outcome unknown; the
command is then tried again — the usual at-least-once window of any client.)
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from kickoff_tui.core.errors import InputError, KickoffError
from kickoff_tui.core.rows import to_row, to_rows
from kickoff_tui.core.snapshot import Snapshot

if TYPE_CHECKING:
    import pendulum

    from kickoff_tui.core.presence import Peer
    from kickoff_tui.core.store import ChangeFeed, Store

#: Pauses between tries of a command (or a read) while the store cannot be reached (seconds).
BACKOFF_S = (0.1, 0.25, 0.5, 1.0)
#: How often the reader looks at the change feed (seconds); a commit of our own wakes it at once.
POLL_S = 0.1
#: A call that has not answered after this long makes the status "waiting".
SLOW_S = 1.0

NOT_IN_CONTROL = "the facilitator drives the timers — ctrl+t takes control"


class Job:
    """One command on the queue. ``tag`` is whatever the caller wants back with the result.
    (Plain classes here, not dataclasses: this module loads with the cockpit's first frame.)"""

    __slots__ = ("key", "label", "needs_control", "quiet", "run", "seq", "tag")

    def __init__(
        self,
        seq: int,
        run: Callable[[Store], Any],
        label: str = "",
        key: str | None = None,  # a newer command with the same key replaces a waiting one
        needs_control: bool = False,  # timer commands: only a terminal that has joined
        tag: Any = None,
        quiet: bool = False,  # writes nothing the feed carries: no read needs to follow it
    ) -> None:
        self.seq, self.run, self.label, self.key = seq, run, label, key
        self.needs_control, self.tag, self.quiet = needs_control, tag, quiet


class Delta:
    """What changed in the store, as plain rows. Everything committed by commands up to
    ``as_of`` (their ``Job.seq``) is included; ``full`` replaces everything held."""

    def __init__(self, as_of: int, full: Snapshot | None = None) -> None:
        self.as_of = as_of
        self.full = full
        self.items: list[Any] = []  # changed items, deleted ones included
        self.meta: Snapshot | None = None  # meeting, blocks, attendees, answers, events, notes
        self.notes: list[Any] | None = None  # running notes only

    def __bool__(self) -> bool:
        return bool(self.full or self.items or self.meta or self.notes is not None)


class PresenceInfo(NamedTuple):
    presence_id: int | None
    role: str
    demoted_by: str | None  # another facilitator was running the meeting: we take notes
    in_control: bool
    peers: tuple[Peer, ...]


class Listener:
    """Receives the session's reports, on the session's threads. Override what you need."""

    def done(self, job: Job, result: Any) -> None: ...
    def failed(self, job: Job, exc: BaseException) -> None: ...
    def changed(self, delta: Delta) -> None: ...
    def status(self, status: str) -> None: ...  # opening / online / waiting / offline
    def presence(self, info: PresenceInfo) -> None: ...
    def fatal(self, exc: BaseException) -> None: ...


class MeetingSession:
    def __init__(
        self,
        meeting_id: str,
        *,
        url: str | None = None,
        store: Store | None = None,
        listener: Listener | None = None,
        poll_s: float = POLL_S,
    ) -> None:
        self.meeting_id = meeting_id
        self.url = url or (store.url if store is not None else "")
        self.store = store
        self._own_store = store is None
        self.listener = listener or Listener()
        self.poll_s = poll_s
        self._cv = threading.Condition()
        self._jobs: deque[Job] = deque()
        self._seq = 0
        self._finished = 0  # the highest seq run to its end (saved or refused)
        self._reported = -1  # the highest ``as_of`` handed to the listener
        self._loaded = False
        self._running: Job | None = None
        self._ready = threading.Event()  # the store is open
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._force = False
        self._busy_since: float | None = None  # a call (write or read) under way since
        self._reading_since: float | None = None
        self._write_failed = self._read_failed = False  # the last try could not reach it
        #: Why the last try failed, one line ("" while all is well): shown while retrying.
        self.problem = ""
        #: Set when the store could be opened only read-only: why, and how to fix it.
        self.readonly_reason = ""
        self._status = ""
        self._threads: list[threading.Thread] = []
        # Presence: written by the writer thread only.
        self.presence_id: int | None = None
        self.role = ""
        self.demoted_by: str | None = None
        self.in_control = False
        self._presence: PresenceInfo | None = None

    # -- life --------------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return bool(self._threads)

    def start(self) -> None:
        """Start the threads (once; later calls do nothing)."""
        if self._threads:
            return
        for name, target in (("writer", self._writer), ("reader", self._reader),
                             ("monitor", self._monitor)):  # fmt: skip
            t = threading.Thread(target=target, name=f"kickoff-{name}", daemon=True)
            self._threads.append(t)
            t.start()

    @property
    def unsaved(self) -> int:
        """Commands of the user's not yet written (presence ones do not count)."""
        with self._cv:
            return sum(not j.quiet for j in self._jobs)

    def saved(self, timeout: float) -> bool:
        """Wait until the user's commands are written (presence ones may still wait)."""
        return self.wait(lambda: not any(not j.quiet for j in self._jobs), timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Let the queue drain (up to ``timeout`` seconds), then stop. False when commands were
        still waiting (the store never answered): they are not written. Never started, or
        nothing of the user's left, it does not wait for the store to answer."""
        if self._threads:
            self.wait(lambda: not self._jobs and self._running is None, 0.5)
        drained = self.saved(timeout if self._threads else 0)
        self._stop.set()
        with self._cv:
            self._cv.notify_all()
        self._wake.set()
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout=1.0)
        if self._own_store and self.store is not None and self._ready.is_set():
            self.store.close()
        return drained

    # -- the queue ---------------------------------------------------------------------------
    def submit(
        self,
        run: Callable[[Store], Any],
        *,
        label: str = "",
        key: str | None = None,
        needs_control: bool = False,
        tag: Any = None,
        quiet: bool = False,
    ) -> Job:
        """Queue a command (thread-safe, returns at once). A waiting command with the same
        ``key`` is replaced in place by this one (keeping its place and number). A ``quiet``
        command writes nothing the change feed carries (presence): no read follows it."""
        with self._cv:
            if key is not None:
                for job in self._jobs:
                    if job.key == key and job is not self._running:
                        job.run, job.tag, job.label = run, tag, label
                        return job
            self._seq += 1
            job = Job(self._seq, run, label, key, needs_control, tag, quiet)
            self._jobs.append(job)
            self._cv.notify_all()
            return job

    @property
    def queued(self) -> int:
        """Commands not yet finished (the one running included)."""
        return len(self._jobs)

    def wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        with self._cv:
            return self._cv.wait_for(condition, timeout)

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until the store is open and loaded, every queued command has run, and the
        reader has handed over what they changed. For tests and for quitting."""
        return self.wait(
            lambda: self._loaded and not self._jobs and self._reported >= self._finished,
            timeout,
        )

    def poke(self) -> None:
        """Read the feed now (after a commit of ours, or when the caller wants fresh data)."""
        self._force = True
        self._wake.set()

    # -- presence ----------------------------------------------------------------------------
    def join(self, role: str, now: Callable[[], pendulum.DateTime], tag: Any = None) -> Job:
        """Announce this terminal (``presence.enter``: atomic). A facilitator takes the timer
        lease; one that finds another live terminal holding it takes notes instead (never two
        facilitators), until the holder leaves or ctrl+t."""

        def run(store: Store) -> PresenceInfo:
            from kickoff_tui.core import presence

            at = now()
            if store.readonly:  # nothing can be written: look, and say so
                self.role = role
                return self._look(store, at)
            seat = presence.enter(store, self.meeting_id, role, at)
            self.presence_id, self.role, self.demoted_by = seat.presence_id, role, None
            if role == "facilitator" and not seat.in_control:
                self.role, self.demoted_by = "note-taker", seat.holder or "another terminal"
            return self._look(store, at)

        return self.submit(run, label="join", tag=tag, quiet=True)

    def beat(self, now: Callable[[], pendulum.DateTime], tag: Any = None) -> Job:
        """Heartbeat; learn who is here; take control when nobody has it and we may."""

        def run(store: Store) -> PresenceInfo | None:
            from kickoff_tui.core import presence

            if self.presence_id is None:
                return self._look(store, now()) if store.readonly else None
            at = now()
            presence.heartbeat(store, self.presence_id, at)
            peers = presence.peers(store, self.meeting_id, at)
            mine = self.role == "facilitator" or self.demoted_by is not None
            if mine and not any(p.controls for p in peers):
                # The holder left (or was a crashed terminal): take the lease, unless a live
                # one got it meanwhile (no force).
                taken = presence.claim_control(store, self.presence_id, at, force=False)
                if taken and self.demoted_by is not None:
                    self.role, self.demoted_by = "facilitator", None
            return self._look(store, at)

        return self.submit(run, label="beat", key="beat", tag=tag, quiet=True)

    def claim(self, now: Callable[[], pendulum.DateTime], tag: Any = None) -> Job:
        def run(store: Store) -> PresenceInfo | None:
            from kickoff_tui.core import presence

            if self.presence_id is None:
                return None
            at = now()
            presence.claim_control(store, self.presence_id, at, force=True)  # ctrl+t: at once
            return self._look(store, at)

        return self.submit(run, label="claim", tag=tag, quiet=True)

    def leave(self, tag: Any = None) -> Job:
        def run(store: Store) -> None:
            from kickoff_tui.core import presence

            if self.presence_id is not None:
                presence.leave(store, self.presence_id)
                self.presence_id, self.in_control = None, False

        return self.submit(run, label="leave", tag=tag, quiet=True)

    def _look(self, store: Store, at: pendulum.DateTime) -> PresenceInfo:
        from kickoff_tui.core import presence

        peers = presence.peers(store, self.meeting_id, at)
        self.in_control = any(p.controls and p.id == self.presence_id for p in peers)
        info = PresenceInfo(self.presence_id, self.role, self.demoted_by, self.in_control,
                            tuple(peers))  # fmt: skip
        if info != self._presence:  # (a heartbeat that changes nothing says nothing)
            self._presence = info
            self._emit("presence", info)
        return info

    # -- threads -----------------------------------------------------------------------------
    def _emit(self, what: str, *args: Any) -> None:
        # A listener that is gone (the app closed) must not stop the queue.
        with contextlib.suppress(Exception):
            getattr(self.listener, what)(*args)

    def _pause(self, attempt: int) -> None:
        self._stop.wait(BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)])

    def _said(self, exc: BaseException) -> str:
        return _one_line(exc, self.url)

    def _open(self) -> bool:
        """Open the store: read-only (with the reason) where it cannot be written. A store
        that cannot be opened *now* (a full disk, a server not answering) is tried again until
        it opens — the commands given meanwhile wait in the queue; anything else is fatal."""
        attempt = 0
        while self.store is None:
            try:
                from kickoff_tui.core.store import Store, is_disconnect

                self.store = Store.open(self.url, readonly="auto")
            except Exception as exc:
                if is_disconnect(exc) and not self._stop.is_set():
                    self.problem, self._write_failed = self._said(exc), True
                    self._report_status()
                    self._pause(attempt + 2)
                    attempt += 1
                    continue
                self._emit("fatal", exc)
                return False
            self.problem, self._write_failed = "", False
        if self.store.readonly:
            self.readonly_reason = self.store.readonly_reason or "the store is read-only"
        self._ready.set()
        return True

    def _writer(self) -> None:
        if not self._open():
            return

        attempt = 0
        while True:
            with self._cv:
                self._cv.wait_for(lambda: self._jobs or self._stop.is_set())
                if self._stop.is_set():  # close() let the queue drain first, or gave up on it
                    return
                job = self._running = self._jobs[0]
                self._busy_since = time.monotonic()
            try:
                if job.needs_control and self.presence_id is None:
                    if self.readonly_reason:
                        raise InputError(f"nothing can be saved: {self.readonly_reason}")
                    raise InputError(NOT_IN_CONTROL)  # (the timers check the lease itself)
                assert self.store is not None
                result = job.run(self.store)
            except Exception as exc:
                if _retryable(exc) and not self._stop.is_set():
                    # Not saved *now* (unreachable, locked, a full disk, a write the database
                    # aborted): the transaction was rolled back, so the same command is tried
                    # again, once it lands it lands once. The status says why meanwhile.
                    with self._cv:
                        self._running, self._busy_since = None, None
                    self.problem, self._write_failed = self._said(exc), True
                    self._report_status()
                    self._pause(attempt)
                    attempt += 1
                    continue  # the same command again: it stays at the head of the queue
                self._finish(job)
                self._emit("failed", job, _plain(exc))
            else:
                self._finish(job)
                if self._write_failed:
                    self.problem, self._write_failed = "", False
                self._emit("done", job, result)
            attempt = 0
            if not job.quiet:
                self.poke()

    def _finish(self, job: Job) -> None:
        with self._cv:
            self._jobs.popleft()
            self._running, self._busy_since = None, None
            if job.quiet and self._reported >= self._finished:
                self._reported = job.seq  # nothing to read back: it is "read" already
            self._finished = job.seq
            self._cv.notify_all()

    def _reader(self) -> None:
        while not self._ready.is_set():
            if self._stop.wait(0.05):
                return

        feed: ChangeFeed | None = None
        attempt = 0
        try:
            while not self._stop.is_set():
                mark = feed.last_id if feed is not None else 0
                try:
                    feed = self._read_once(feed)
                except Exception as exc:
                    self._reading_since = None
                    if feed is not None:
                        feed.rewind(mark)  # the same changes are read again next time
                    if _retryable(exc):
                        self._read_failed = True
                    elif isinstance(exc, KickoffError):
                        self._emit("fatal", exc)  # the meeting is gone: nothing left to show
                        return
                    else:
                        self._emit("failed", Job(0, _noop, "read"), exc)
                    self._pause(attempt + 2)
                    attempt += 1
                    continue
                attempt = 0
                if self._wake.wait(self.poll_s):
                    self._wake.clear()
        finally:
            if feed is not None:
                feed.close()

    def _read_once(self, feed: ChangeFeed | None) -> ChangeFeed:
        from kickoff_tui.core.record import load_snapshot

        store = self.store
        assert store is not None
        with self._cv:
            as_of = self._finished
        self._reading_since = time.monotonic()
        if feed is None:
            # The feed's start first, then the load: a commit in between is read twice (which
            # merging ignores), never missed.
            fresh = store.feed(self.meeting_id)
            try:
                delta = Delta(as_of, full=_plain_snapshot(load_snapshot(store, self.meeting_id)))
            except BaseException:
                fresh.close()
                raise
            feed = fresh
        else:
            force, self._force = self._force, False
            changes = feed.poll(force=force or self._read_failed)
            delta = self._delta(store, changes, as_of)
        self._reading_since = None
        self._read_failed = False
        if delta or as_of > self._reported:
            self._emit("changed", delta)
        with self._cv:
            self._reported, self._loaded = max(self._reported, as_of), True
            self._cv.notify_all()
        return feed

    def _delta(self, store: Store, changes: list[Any], as_of: int) -> Delta:
        from kickoff_tui.core.notes import block_notes
        from kickoff_tui.core.record import get_items, load_snapshot

        delta = Delta(as_of)
        item_ids: set[int] = set()
        meta = notes = False
        for ch in changes:
            if ch.table_name == "item":
                item_ids.add(int(ch.row_id))
            elif ch.table_name == "block_note":
                notes = True
            else:
                meta = True
        if item_ids:
            delta.items = to_rows(get_items(store, item_ids))
        if meta:
            delta.meta = _plain_snapshot(load_snapshot(store, self.meeting_id, with_items=False))
        elif notes:
            delta.notes = to_rows(block_notes(store, self.meeting_id))
        return delta

    def _monitor(self) -> None:
        while not self._stop.wait(0.25):
            self._report_status()

    def _report_status(self) -> None:
        now = time.monotonic()
        slow = [t for t in (self._busy_since, self._reading_since) if t is not None]
        if self._write_failed or self._read_failed:
            status = "offline"
        elif not self._ready.is_set():
            status = "opening"
        elif self.readonly_reason:
            status = "read-only"
        elif slow and now - min(slow) > SLOW_S:
            status = "waiting"
        else:
            status = "online"
        if status != self._status:
            self._status = status
            self._emit("status", status)


def _noop(_store: Store) -> None:
    return None


def _retryable(exc: BaseException) -> bool:
    """Whether a command that raised ``exc`` may simply be tried again: the store could not
    take it *now* (see ``store.is_disconnect``), or the database itself refused the write for
    a reason outside the command (a full disk, a trigger that aborts, a constraint another
    writer raced us to): the transaction was rolled back either way. Bad input, conflicts and
    refusals of the core (``KickoffError``) are final."""
    from sqlalchemy.exc import DBAPIError

    from kickoff_tui.core.store import is_disconnect

    return is_disconnect(exc) or isinstance(exc, DBAPIError)


def _one_line(exc: BaseException, url: str = "") -> str:
    """The error on one line, short enough for a title bar: the store's own URL (which the
    core's messages name, and which the user knows) says "the database" instead."""
    orig = getattr(exc, "orig", None)
    text = " ".join(str(orig if orig is not None else exc).split())
    if url:
        from kickoff_tui.core.store import mask_url

        for spelled in dict.fromkeys((mask_url(url), url)):
            text = text.replace(spelled, "the database")
    return text[:160] or type(exc).__name__


def _plain(exc: BaseException) -> BaseException:
    """An error as the UI may hold it: a conflict's newer row as a plain row."""
    current = getattr(exc, "current", None)
    if current is not None:
        exc.current = to_row(current)  # type: ignore[attr-defined]
    return exc


def _plain_snapshot(snap: Snapshot) -> Snapshot:
    return Snapshot(
        to_row(snap.meeting), to_rows(snap.blocks), to_rows(snap.attendees), to_rows(snap.items),
        to_rows(snap.answers), to_rows(snap.events), to_rows(snap.notes),
        carried=to_rows(snap.carried),
        carried_meetings={k: to_row(v) for k, v in snap.carried_meetings.items()},
    )  # fmt: skip
