"""Plan / first-year path: milestones in date order; a milestone without a date is a wish.

A timeline without real dates is one of the ways a kickoff fails, so undated ones are flagged
and kept last, where the eye finds them.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.fmt import day, empty, heading, item_line, warn
from kickoff_tui.tui.state import MeetingState


@register("plan")
class PlanView(BlockView):
    """Every milestone of the meeting: dated ones by date, then the undated ones."""

    HINT = "milestone API access granted due:+2w @dana"
    OWN_KINDS = frozenset({"milestone"})

    def body(self) -> ComposeResult:
        yield Static("", id="milestones")
        yield from super().body()

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        base = state.snap.meeting.local_start().date()
        items = state.newest_first("milestone")
        dated = sorted((i for i in items if i.due), key=lambda i: (i.due or dt.date.min, i.id or 0))
        undated = sorted((i for i in items if i.due is None), key=lambda i: i.id or 0)
        t = Text()
        heading(t, "Milestones", len(items))
        for i in dated:
            assert i.due is not None
            lead = Text(f"{day(i.due, base)} ", style="magenta")
            item_line(t, i, base, self.text_width, lead=lead, show_due=False)
        for i in undated:
            item_line(t, i, base, self.text_width, need_due=True)
        if undated:
            warn(t, f"{len(undated)} without a date — when, roughly?")
            t.append("\n")
        if not items:
            empty(t, "none yet: phases, deliverables, what we need from them")
        self.put("#milestones", t)
        self.paint_raised(state)
