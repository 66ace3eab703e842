"""The cockpit's timer keys: start, pause, next/previous, +1 minute, rebalance, end.

A mixin so the screen stays small; every action is one call into ``core.timers``. Only the
terminal in control of the timers may use them (the facilitator, unless the note-taker took
control), so two terminals never fight over one clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kickoff_tui.core import timers

if TYPE_CHECKING:
    from kickoff_tui.tui.state import MeetingState


class TimerActions:
    state: MeetingState
    role: str
    in_control: bool
    proposal: timers.Proposal | None

    if TYPE_CHECKING:

        def now(self) -> Any: ...
        def act(self, fn: Callable[[], Any]) -> Any: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...

    def _timer(self, fn: Callable[[], Any]) -> Any:
        if not self.in_control:
            self.notify("the facilitator drives the timers — ctrl+t takes control", markup=False)
            return None
        return self.act(fn)

    def _call(self, op: Callable[..., Any], *args: Any) -> Any:
        store, mid = self.state.store, self.state.meeting_id
        return self._timer(lambda: op(store, mid, *args, self.now(), by=self.role))

    def action_start(self) -> None:
        if self._call(timers.start) is False:
            self.notify("the meeting has already started", markup=False)

    def action_pause(self) -> None:
        self._call(timers.toggle_pause)

    def _step(self, delta: int) -> None:
        result = self._call(timers.step, delta)
        if result == "not-started":
            self.notify("press s to start the meeting first", markup=False)
        elif result == "ended":
            self.notify("meeting ended: blocks never opened went to the parking lot", markup=False)

    def action_next_block(self) -> None:
        self._step(1)

    def action_prev_block(self) -> None:
        self._step(-1)

    def action_extend(self) -> None:
        self._call(timers.extend)

    def action_end_meeting(self) -> None:
        self._call(timers.end)

    def action_rebalance(self) -> None:
        proposal = self.proposal
        if proposal is None:
            self.notify("on time: nothing to rebalance", markup=False)
            return
        if self._timer(lambda: timers.accept(self.state.store, proposal, by=self.role)):
            done = f"rebalanced: {proposal.saves_min} min taken from later blocks"
            self.notify(done, markup=False)
