"""The cockpit's timer keys: start, pause, next/previous, +1 minute, rebalance, end.

A mixin so the screen stays small. Each key plans its event from the screen's own copy of the
record (``core.timebox``, the same decision ``core.timers`` makes against the store), shows it at
once as a pending event — the running clock is on screen in the next frame — and queues the
real write. The pending event gives way to the stored one when the reader brings it back.
Only the terminal in control of the timers may use them (the facilitator, unless the
note-taker took control), so two terminals never fight over one clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kickoff_tui.core import timebox
from kickoff_tui.core.session import NOT_IN_CONTROL

if TYPE_CHECKING:
    from kickoff_tui.core.clock import MeetingTime
    from kickoff_tui.core.session import MeetingSession
    from kickoff_tui.core.snapshot import Snapshot
    from kickoff_tui.tui.state import MeetingState

Plan = Callable[["Snapshot", "MeetingTime"], timebox.TimerPlan]
Say = Callable[[Any], None]


class TimerActions:
    state: MeetingState
    session: MeetingSession
    role: str
    in_control: bool
    proposal: timebox.Proposal | None

    if TYPE_CHECKING:

        def now(self) -> Any: ...
        def tick(self) -> None: ...
        def run_job(self, run: Callable[[Any], Any], **kwargs: Any) -> Any: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...

        @property
        def app(self) -> Any: ...

    def _timer(
        self, op: str, plan: Plan, *args: Any, say: Say | None = None, expect: str = "",
        seen_block: int | None = None,
    ) -> None:  # fmt: skip
        """Plan here, show it now, write it in the writer thread (``core.timers.<op>``, with this
        terminal's timer lease and, as ``expect``, what the user saw: a press another terminal
        overtook is refused, never applied twice)."""
        if not self.in_control:
            self.notify(NOT_IN_CONTROL, markup=False)
            return
        state, now, by, session = self.state, self.now(), self.role, self.session
        mid, seen = state.meeting_id, {}
        predicted = None
        if state.loaded:
            mt = state.time(now)
            predicted = plan(state.timeline, mt)
            if expect == "block":
                seen = {"expect_block": seen_block or mt.current_block_id}
            elif expect == "paused":
                seen = {"expect_paused": mt.paused}
        if predicted is not None and predicted.event is None:
            if say is not None:
                say(predicted.result)  # nothing to write (not started yet, already ended…)
            return

        def run(store: Any) -> Any:
            from kickoff_tui.core import timers  # (in the writer thread: it loads SQLModel)

            lease = session.presence_id
            return getattr(timers, op)(store, mid, *args, now, by=by, lease=lease, **seen)

        job = self.run_job(run, label="timer", needs_control=True,
                           done=say if predicted is None else None)  # fmt: skip
        if predicted is not None and predicted.event is not None:
            state.add_pending(job.seq, predicted.event, now, by)
            if say is not None:
                say(predicted.result)
        self.tick()

    def action_start(self) -> None:
        def say(started: Any) -> None:
            if started is False:
                self.notify("the meeting has already started", markup=False)

        self._timer("start", timebox.plan_start, say=say)

    def action_pause(self) -> None:
        self._timer("toggle_pause", lambda _snap, mt: timebox.plan_pause(mt), expect="paused")

    def _step(self, delta: int) -> None:
        def say(result: Any) -> None:
            if result == "not-started":
                self.notify("press s to start the meeting first", markup=False)
            elif result == "ended":
                self.notify("meeting ended: blocks never opened went to the parking lot",
                            markup=False)  # fmt: skip

        if delta > 0 and self._ends_meeting():
            return  # the last block: ending asks first
        self._timer("step", lambda snap, mt: timebox.plan_step(snap, mt, delta), delta, say=say,
                    expect="block")  # fmt: skip

    def action_next_block(self) -> None:
        self._step(1)

    def action_prev_block(self) -> None:
        self._step(-1)

    def action_extend(self) -> None:
        self._timer("extend", lambda _snap, mt: timebox.plan_extend(mt), expect="block")

    def action_end_meeting(self) -> None:
        if not self.in_control:
            self.notify(NOT_IN_CONTROL, markup=False)
            return
        if self.state.loaded and self.state.time(self.now()).ended:
            self.notify("the meeting has already ended (palette: Reopen undoes it)", markup=False)
            return
        self._ask_to_end()

    def _ends_meeting(self) -> bool:
        """Whether ``n`` now would end the meeting (on the last block): then it asks first."""
        if not self.in_control or not self.state.loaded:
            return False
        mt = self.state.time(self.now())
        if timebox.plan_step(self.state.timeline, mt, 1).result != "ended":
            return False
        self._ask_to_end()
        return True

    def _ask_to_end(self) -> None:
        """Ask (naming the blocks that go to the parking lot); ``y`` ends, as seen when asked."""
        from kickoff_tui.tui.screens.confirm_end import ConfirmEnd

        parked, seen = None, None
        if self.state.loaded:
            mt = self.state.time(self.now())
            parked, seen = timebox.plan_end(self.state.timeline, mt).parked, mt.current_block_id

        def answered(end: bool | None) -> None:
            if not end:
                self.notify("the meeting goes on", markup=False, timeout=2)
                return

            def say(parked_n: Any) -> None:
                said = "meeting ended"
                if isinstance(parked_n, int) and parked_n:
                    said += f": {parked_n} block(s) went to the parking lot"
                self.notify(said + " (ctrl+p → Reopen undoes it today)", markup=False)

            self._timer("end", timebox.plan_end, say=say, expect="block", seen_block=seen)

        self.app.push_screen(ConfirmEnd(parked), answered)

    def action_rebalance(self) -> None:
        proposal, by, session = self.proposal, self.role, self.session
        if proposal is None:
            self.notify("on time: nothing to rebalance", markup=False)
            return
        if not self.in_control:
            self.notify(NOT_IN_CONTROL, markup=False)
            return

        def run(store: Any) -> bool:
            from kickoff_tui.core import timers

            return timers.accept(store, proposal, by=by, lease=session.presence_id)

        done = f"rebalanced: {proposal.saves_min} min taken from later blocks"
        self.run_job(run, label="timer", needs_control=True,
                     done=lambda _ok: self.notify(done, markup=False))  # fmt: skip

    def action_reopen(self) -> None:
        """Undo an end the same day: the clocks resume from the stored events."""
        if not self.in_control:
            self.notify(NOT_IN_CONTROL, markup=False)
            return
        if self.state.loaded and not self.state.time(self.now()).ended:
            self.notify("the meeting has not ended: nothing to reopen", markup=False)
            return
        mid, by, session, now = self.state.meeting_id, self.role, self.session, self.now()

        def run(store: Any) -> Any:
            from kickoff_tui.core import timers

            return timers.reopen(store, mid, now, by=by, lease=session.presence_id)

        self.run_job(run, label="timer", needs_control=True,
                     done=lambda _r: self.notify("meeting reopened: the clocks run again",
                                                 markup=False))  # fmt: skip
