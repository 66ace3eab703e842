"""The health panel: what the kickoff still lacks, updating live as items are captured.

Checks re-run at most once a second and only after something changed, so a burst of captures
costs one check run, not one per key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.widgets import Static

from kickoff_tui.core.checks import Finding, run_checks, score
from kickoff_tui.tui.state import MeetingState


class HealthPanel(Static):
    DEFAULT_CSS = """
    HealthPanel { height: auto; max-height: 12; border: round $warning 60%; padding: 0 1;
        display: none; overflow-y: auto; }
    HealthPanel.-shown { display: block; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.score: int | None = None
        self.findings: list[Finding] = []
        self._state: MeetingState | None = None
        self._now: Callable[[], Any] | None = None
        self._dirty = True

    def watch(self, state: MeetingState, now: Callable[[], Any]) -> None:
        """Follow this meeting; check again on the next ``recheck``."""
        self._state, self._now = state, now
        self._dirty = True

    def mark_dirty(self) -> None:
        self._dirty = True

    def toggle(self) -> None:
        self.toggle_class("-shown")
        self._dirty = True
        self.recheck()

    def recheck(self) -> None:
        if not self._dirty or self._state is None or self._now is None:
            return
        self._dirty = False
        old = self.score
        self.findings = run_checks(self._state.full_snapshot(), self._now())
        self.score = score(self.findings)
        self._paint()
        if old != self.score:
            paint_title = getattr(self.screen, "_paint_title", None)
            if paint_title is not None:
                paint_title()

    def _paint(self) -> None:
        findings = self.findings
        blocking = sum(f.severity == "blocking" for f in findings)
        self.border_title = f"Health {self.score}/100 · {blocking} blocking · {len(findings)} open"
        t = Text()
        if not findings:
            t.append("Nothing missing: the record is complete.", style="green")
        for f in findings:
            blocker = f.severity == "blocking"
            t.append("■ " if blocker else "□ ", style="bold red" if blocker else "yellow")
            t.append(f.message)  # names user items: data, not markup
            t.append(f" — {f.fix}\n", style="dim")
        self.update(t)
