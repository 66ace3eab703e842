"""Communication & governance: the agreed cadence and what was decided about working together.

A cadence that was assumed rather than said out loud is a failed kickoff, so an unset cadence
reads "not confirmed yet".
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.fmt import empty, heading, item_line, warn
from kickoff_tui.tui.state import MeetingState


@register("communication")
class CommunicationView(BlockView):
    """The meeting's cadence, then the decisions raised in this block."""

    HINT = "cadence Weekly status, Tue 10:00, 30 min; Slack · decision …"
    OWN_KINDS = frozenset({"decision"})

    def body(self) -> ComposeResult:
        yield Static("", id="cadence")
        yield Static("", id="decisions", classes="section")
        yield from super().body()

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        cadence = (state.snap.meeting.cadence or "").strip()
        t = Text()
        heading(t, "Cadence")
        if cadence:
            t.append(cadence)
        else:
            warn(t, "not confirmed yet")
        self.put("#cadence", t)

        base = state.snap.meeting.local_start().date()
        here = [i for i in state.newest_first("decision") if i.block_id == self.block.id]
        t = Text()
        heading(t, "Decisions in this block", len(here))
        for i in reversed(here):
            item_line(t, i, base, self.text_width)
        if not here:
            empty(t, "none yet: channels, status reports, change requests")
        self.put("#decisions", t)
        self.paint_raised(state)
