"""The cockpit's side of its meeting session: commands out, reports in, presence, status.

Every database call of the screen is a command on the session's queue (:meth:`run_job`), run by
its writer thread in order; what comes back arrives as messages (``tui.live``) on the event loop.
A store that does not answer (a SQLite write lock held by another process, a PostgreSQL server
restarting or stopped, a full disk) holds up the queue, never a key: the title bar says "store
not answering…" or "not saved, retrying…" and why, commands wait their turn, and each is written
once when the store answers. The capture line says "saving…" until its line is saved, then
"saved".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kickoff_tui.core.errors import KickoffError
from kickoff_tui.core.session import Job, MeetingSession
from kickoff_tui.tui.live import (
    Bridge,
    Reply,
    SessionDone,
    SessionFailed,
    SessionFatal,
    SessionPresence,
    SessionStatus,
)
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.health_panel import HealthPanel
from kickoff_tui.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from kickoff_tui.core.presence import Peer
    from kickoff_tui.tui.state import MeetingState

HEARTBEAT_S = 2.0  # as core.presence.HEARTBEAT_S (not imported: it would load SQLModel)
CLOSE_S = 10.0  # closing waits this long for the user's commands to be written


class SessionLink:
    session: MeetingSession
    state: MeetingState
    role: str
    in_control: bool
    status = "opening"
    presence_id: int | None = None
    demoted_by: str | None = None
    peers: tuple[Peer, ...] = ()

    if TYPE_CHECKING:
        app: Any

        def notify(self, message: str, **kwargs: Any) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def query(self, *args: Any, **kwargs: Any) -> Any: ...
        def set_interval(self, *args: Any, **kwargs: Any) -> Any: ...
        def set_timer(self, *args: Any, **kwargs: Any) -> Any: ...
        def call_after_refresh(self, *args: Any, **kwargs: Any) -> Any: ...
        def tick(self) -> None: ...
        def now(self) -> Any: ...
        def running_notes(self) -> Any: ...

    # -- wiring ------------------------------------------------------------------------------
    def link_session(self) -> None:
        self._waiting: dict[int, Job] = {}
        self._saved_at: dict[str, int] = {}  # key -> seq of its last saved command
        self.session.listener = Bridge(self)  # type: ignore[arg-type]
        self.app.after_first_frame(self.session.start)
        self.clock = self.app.clock  # the session's threads read the time through this
        self.session.join(self.role, self.clock)
        self.set_interval(HEARTBEAT_S, self.beat)

    def unlink_session(self) -> None:
        if self.session.presence_id is not None:
            self.session.leave()
        if not self.session.close(timeout=CLOSE_S):
            self.app.log.warning("the store did not answer: unsaved commands were dropped")

    def run_job(
        self,
        run: Callable[[Any], Any],
        *,
        label: str,
        key: str | None = None,
        needs_control: bool = False,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], bool] | None = None,
    ) -> Job:
        """Queue one command (``run(store)`` in the writer thread); ``done``/``failed`` run here,
        on the event loop, when it finished. Returns at once."""
        job = self.session.submit(run, label=label, key=key, needs_control=needs_control,
                                  tag=Reply(done, failed))  # fmt: skip
        if self.app.painted and not self.session.started:  # (after this key's frame)
            self.call_after_refresh(self.session.start)
        self._waiting[job.seq] = job
        self._show_saving()
        return job

    def ahead_of(self, key: str, as_of: int) -> bool:
        """Whether this screen has a ``key`` command (a block's notes, say) not yet in a read
        as of command ``as_of``: still queued, or saved after that read began. Such a read is
        older than what the screen shows, and must not replace it."""
        waiting = any(j.key == key for j in self._waiting.values())
        return waiting or self._saved_at.get(key, 0) > as_of

    # -- reports -----------------------------------------------------------------------------
    def on_session_done(self, message: SessionDone) -> None:
        if message.job.seq not in self._waiting and message.job.tag is None:
            return  # a heartbeat, a test's sync: nothing of this screen's to report
        self._waiting.pop(message.job.seq, None)
        if message.job.key is not None:
            self._saved_at[message.job.key] = message.job.seq
        reply = message.job.tag
        if isinstance(reply, Reply) and reply.done is not None:
            reply.done(message.result)
        self._show_saving(saved=message.job.label == "capture")

    def on_session_failed(self, message: SessionFailed) -> None:
        job, exc = message.job, message.error
        self._waiting.pop(job.seq, None)
        if self.state.drop_pending(job.seq):
            self.tick()  # the clock shown at once was not written: show the stored one
        self._show_saving()
        reply = job.tag
        if isinstance(reply, Reply) and reply.failed is not None and reply.failed(exc):
            return
        if isinstance(exc, KickoffError):
            self.notify(str(exc), severity="error", markup=False)
        else:  # a bug of ours: said loudly, but the cockpit and what is typed stay
            said = f"not saved ({job.label or 'change'}): {type(exc).__name__}: {exc}"
            self.notify(said, severity="error", markup=False, timeout=10)

    def on_session_status(self, message: SessionStatus) -> None:
        before, self.status = self.status, message.status
        problem = self.session.problem
        if message.status == "offline" and before != "offline":
            said = f"not saved: {problem}" if problem else "the database cannot be reached"
            self.notify(said + " — what you do is kept, and saved once it answers (retrying)",
                        severity="warning", markup=False, timeout=8)  # fmt: skip
        elif message.status == "read-only" and before != "read-only":
            self.notify(f"read-only: {self.session.readonly_reason}", severity="warning",
                        markup=False, timeout=10)  # fmt: skip
        elif before == "offline" and message.status == "online":
            self.notify("reconnected", markup=False, timeout=3)
        self._paint_title()

    def on_session_fatal(self, message: SessionFatal) -> None:
        exc = message.error
        code = getattr(exc, "exit_code", 1)
        self.app.exit(return_code=code, message=f"kickoff: error: {exc}")

    def on_session_presence(self, message: SessionPresence) -> None:
        """Who is here, who controls the timers; a second facilitator is told it takes notes."""
        info = message.info
        if info.demoted_by and info.demoted_by != self.demoted_by:
            said = f"{info.demoted_by} is already running this meeting: you joined as note-taker"
            self.notify(said + " (ctrl+t takes control of the timers)", markup=False)
        self.demoted_by = info.demoted_by
        self.presence_id, self.in_control = info.presence_id, info.in_control
        if info.role and info.role != self.role:
            self.role = info.role
            if self.role == "note-taker" and not self.query("#notes"):
                self.query_one("#center").mount(self.running_notes())
        me = self.presence_id
        before = {p.id: p.label for p in self.peers if p.id != me}
        after = {p.id: p.label for p in info.peers if p.id != me}
        for pid in before.keys() - after.keys():
            self.notify(before[pid] + " left", severity="warning", markup=False)
        if self.peers:  # the first look only learns who is already here
            for pid in after.keys() - before.keys():
                self.notify(after[pid] + " joined", markup=False)
        self.peers = info.peers  # always holds this terminal too, so "first look" is over
        self._paint_title()

    # -- presence ----------------------------------------------------------------------------
    def beat(self) -> None:
        """Heartbeat (a command like any other; a waiting one is not queued twice)."""
        self.session.beat(self.clock)

    safe_beat = beat  # (the name the tests and older code use)

    def action_take_control(self) -> None:
        said = Reply(lambda _info: self.notify("you control the timers now", markup=False))
        job = self.session.claim(self.clock, tag=said)
        self._waiting[job.seq] = job

    @property
    def offline(self) -> bool:
        return self.status == "offline"

    # -- painting ----------------------------------------------------------------------------
    def _paint_title(self) -> None:
        self.query_one(TitleBar).show(
            self.state.snap.meeting, status=self.status,
            score=self.query_one(HealthPanel).score, role=self.role, in_control=self.in_control,
            me=self.presence_id, peers=self.peers, queued=len(self._waiting),
            problem=self.session.problem or self.session.readonly_reason,
        )  # fmt: skip

    def _show_saving(self, saved: bool = False) -> None:
        """The capture line's quiet "saving…" while a line is queued, then "saved"."""
        lines = self.query(CaptureLine)
        if not lines:  # closing: the notes' last save is queued as the widgets go
            return
        line = lines.first()
        n = sum(j.label == "capture" for j in self._waiting.values())
        said = line.border_subtitle
        if n:
            said = "saving…" if n == 1 else f"saving… ({n})"
        elif saved:
            said = "saved"
            self.set_timer(2.0, self._clear_saved)
        elif said != "saved":
            said = ""
        if said != line.border_subtitle:
            line.border_subtitle = said
        if self.status != "online":
            self._paint_title()

    def _clear_saved(self) -> None:
        line = self.query_one(CaptureLine)
        if line.border_subtitle == "saved":
            line.border_subtitle = ""
