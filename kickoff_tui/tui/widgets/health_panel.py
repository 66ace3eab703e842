"""The health panel: what the kickoff still lacks, updating live as items are captured.

Checks re-run after something changed and the record has been quiet for a moment (so a burst
of captures costs one run, after it), in a thread: on a meeting of 10,000 items one run takes
a tenth of a second or more, which must never delay a key. Only the first findings are drawn,
and only while the panel is shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.widgets import Static

from kickoff_tui.core.snapshot import Snapshot
from kickoff_tui.tui.state import MeetingState

if TYPE_CHECKING:
    from kickoff_tui.core.checks import Finding

SHOWN = 40  # findings drawn; the rest are counted
QUIET_S = 1.5  # wait for this long without a change before checking again


class HealthPanel(Static):
    DEFAULT_CSS = """
    HealthPanel { height: auto; max-height: 12; border: round $warning 60%; padding: 0 1;
        display: none; overflow-y: auto; }
    HealthPanel.-shown { display: block; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.score: int | None = None
        self.readiness: str | None = None  # before the start: "ready" / "not ready: …"
        self.findings: list[Finding] = []
        self._state: MeetingState | None = None
        self._now: Callable[[], Any] | None = None
        self._dirty = True
        self._changed_at = 0.0

    def follow(self, state: MeetingState, now: Callable[[], Any]) -> None:
        """Follow this meeting; check again on the next ``recheck``."""
        self._state, self._now = state, now
        self._dirty = True

    def mark_dirty(self) -> None:
        self._dirty = True
        self._changed_at = time.monotonic()

    def toggle(self) -> None:
        self.toggle_class("-shown")
        self._paint()
        self._dirty = True  # opening the panel checks at once
        inputs = self._inputs()
        if inputs is not None:
            self._check_in_thread(*inputs)

    def _inputs(self) -> tuple[Snapshot, Any] | None:
        if not self._dirty or self._state is None or self._now is None:
            return None
        self._dirty = False
        return self._state.full_snapshot(), self._now()

    def recheck(self) -> None:
        """Check again in a worker thread if anything changed and has since been quiet."""
        if self.score is not None and time.monotonic() - self._changed_at < QUIET_S:
            return
        inputs = self._inputs()
        if inputs is not None:
            self._check_in_thread(*inputs)

    def check_now(self) -> None:
        """Check on this thread (tests and snapshots want the result at once)."""
        self.mark_dirty()
        inputs = self._inputs()
        if inputs is not None:
            self._apply(*_check(*inputs))

    @work(thread=True, exclusive=True, group="health")
    def _check_in_thread(self, snap: Snapshot, now: Any) -> None:
        findings, ready = _check(snap, now)  # (in the thread: not on the first frame)
        self.app.call_from_thread(self._apply, findings, ready)

    def _apply(self, findings: list[Finding], ready: str | None = None) -> None:
        from kickoff_tui.core.checks import score

        old, was_ready = self.score, self.readiness
        self.findings = findings
        self.readiness = ready
        if ready != was_ready:  # the clock bar says it: repaint it now, not at the next tick
            tick = getattr(self.screen, "tick", None)
            if tick is not None:
                tick()
        self.score = score(findings)
        self._paint()
        if old != self.score:
            paint_title = getattr(self.screen, "_paint_title", None)
            if paint_title is not None:
                paint_title()

    def _paint(self) -> None:
        if not self.has_class("-shown") or self.score is None:
            return
        findings = self.findings
        blocking = sum(f.severity == "blocking" for f in findings)
        self.border_title = f"Health {self.score}/100 · {blocking} blocking · {len(findings)} open"
        t = Text()
        if not findings:
            t.append("Nothing missing: the record is complete.", style="green")
        for f in findings[:SHOWN]:
            blocker = f.severity == "blocking"
            t.append("■ " if blocker else "□ ", style="bold red" if blocker else "yellow")
            t.append(f.message)  # names user items: data, not markup
            t.append(f" — {f.fix}\n", style="dim")
        if len(findings) > SHOWN:
            t.append(f"… and {len(findings) - SHOWN} more (kickoff check lists them all)",
                     style="italic")  # fmt: skip
        self.update(t)


def _check(snap: Snapshot, now: Any) -> tuple[list[Finding], str | None]:
    """The health findings, and before the meeting starts its readiness line (``kickoff
    ready``'s gate, for the clock bar)."""
    from kickoff_tui.core import readiness
    from kickoff_tui.core.checks import run_checks
    from kickoff_tui.core.timebox import meeting_time

    ready = None
    if not meeting_time(snap, now).started and getattr(snap.meeting, "status", "") == "planned":
        ready = readiness.line(readiness.evaluate(snap, getattr(snap.meeting, "prep", None), now))
    return run_checks(snap, now), ready
