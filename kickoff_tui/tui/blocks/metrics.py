"""Objectives and success criteria: the metrics, each checked for a number and a date.

"Improve efficiency" is the classic failed kickoff; flagging it as vague while the customer is
still in the room is the moment it can be made measurable.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from kickoff_tui.core.checks import metric_gaps
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.fmt import empty, hang, heading, item_line, warn
from kickoff_tui.tui.state import MeetingState


@register("objectives", "success")
class MetricsView(BlockView):
    """Every metric of the meeting (oldest first): text, owner, date, and a vague flag."""

    HINT = "metric Cut lead-to-close from 60 to 42 days due:2027-03-31 @maria"
    OWN_KINDS = frozenset({"metric"})

    def body(self) -> ComposeResult:
        yield Static("", id="metrics")
        yield from super().body()

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        metrics = list(reversed(state.newest_first("metric")))
        base = state.snap.meeting.local_start().date()
        t = Text()
        heading(t, "Metrics", len(metrics))
        vague = 0
        for m in metrics:
            item_line(t, m, base, self.text_width)
            has_number, has_date = metric_gaps(m.text, m.due)
            missing = [w for w, ok in (("no number", has_number), ("no date", has_date)) if not ok]
            if missing:
                vague += 1
                flag = Text()
                warn(flag, f"vague: {' and '.join(missing)}")
                hang(t, flag, self.text_width, first=2, rest=4)
        if not metrics:
            empty(t, "none yet: where today, target, how measured, by when")
        elif vague:
            t.append(f"{vague} vague — ask: how much, by when?", style="dim")
        self.put("#metrics", t)
        self.paint_raised(state)
