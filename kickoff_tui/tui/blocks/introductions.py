"""Introductions: who is in the room, on which side, with what role.

A vertical list rather than a table: the block area is about 30 columns wide beside the panes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.fmt import OK, empty, hang, heading, warn
from kickoff_tui.tui.state import MeetingState

if TYPE_CHECKING:
    from kickoff_tui.core.models import Attendee

SIDE_TITLES = (("theirs", "Their side"), ("ours", "Our side"))


def attendee_lines(t: Text, a: Attendee, width: int) -> None:
    """``● Maria Lopez · sen 9`` then the title and roles indented below it."""
    line = Text()
    line.append("● " if a.present else "○ ", style=OK if a.present else "dim")
    line.append(a.name, style="bold" if a.present else "dim")
    line.append(f" · sen {a.seniority}", style="dim")
    if not a.present:
        line.append(" · ")
        warn(line, "absent")
    hang(t, line, width)
    if a.title:
        hang(t, Text(a.title), width, first=2, rest=2)
    if a.role_list:
        hang(t, Text(", ".join(a.role_list), style="cyan"), width, first=2, rest=2)


@register("introductions")
class IntroductionsView(BlockView):
    """Attendees by side, most senior first, and the meeting's purpose when it is set."""

    HINT = "person Maria Lopez, VP Ops side:them role:decision-maker sen:5 · absent @maria"

    def body(self) -> ComposeResult:
        yield Static("", id="purpose")
        yield Static("", id="people")
        yield from super().body()

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        purpose = state.snap.meeting.purpose
        box = self.query_one("#purpose", Static)
        box.display = bool(purpose)
        if purpose:
            line = Text()
            line.append("Purpose: ", style="bold")
            line.append(purpose)
            box.update(line)
        t = Text()
        people = state.snap.attendees
        for side, title in SIDE_TITLES:
            group = sorted((a for a in people if a.side == side), key=lambda a: -a.seniority)
            heading(t, title, len(group))
            for a in group:
                attendee_lines(t, a, self.text_width)
            if not group:
                empty(t, "nobody yet")
        present = sum(a.present for a in people)
        t.append(f"{present} of {len(people)} present", style="dim")
        self.put("#people", t)
        self.paint_raised(state)
