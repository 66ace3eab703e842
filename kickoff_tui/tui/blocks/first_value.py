"""First Value: the first achievable win and its date, ideally under two weeks after kickoff.

The goal and date live on the meeting row (set by ``first-value … due:…``), so this view reads
them straight from the meeting; the two-week rule is the one ``checks`` reports after the call.
"""

from __future__ import annotations

import pendulum
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from kickoff_tui.core.checks import FIRST_VALUE_MAX_DAYS
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.fmt import OK, day, heading, warn
from kickoff_tui.tui.state import MeetingState


@register("first-value")
class FirstValueView(BlockView):
    """The First Value goal, its date, and how far after the kickoff that date falls."""

    HINT = "first-value Dashboard live for ops due:Dec 4"

    def body(self) -> ComposeResult:
        yield Static("", id="first-value")
        yield from super().body()

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        m = state.snap.meeting
        kickoff = m.local_start().date()
        goal = (m.first_value_goal or "").strip()
        t = Text()
        heading(t, "First Value")
        if goal:
            t.append(goal)
        else:
            warn(t, "not defined yet — what is the first win?")
        t.append("\n")
        if m.first_value_date is None:
            warn(t, "no target date")
        else:
            d = m.first_value_date
            t.append(f"due {day(d, kickoff)} · ", style="magenta")
            days = (pendulum.date(d.year, d.month, d.day) - kickoff).days
            if days < 0:
                warn(t, "before the kickoff")
            elif days > FIRST_VALUE_MAX_DAYS:
                t.append(f"{days} days after kickoff ")
                warn(t, f"more than {FIRST_VALUE_MAX_DAYS} days out — aim for two weeks")
            else:
                t.append(f"{days} days after kickoff ✓", style=OK)
        self.put("#first-value", t)
        self.paint_raised(state)
