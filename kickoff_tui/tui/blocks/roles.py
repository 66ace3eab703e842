"""Roles: who holds each role on each side, with the critical gaps flagged while it can be fixed.

One role per line group rather than a ROLES × side table: the block area is narrow.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from kickoff_tui.core.checks import CRITICAL_ROLES
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.vocab import ROLES
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.fmt import heading, warn
from kickoff_tui.tui.state import MeetingState

SIDES = (("theirs", "them"), ("ours", "us"))


@register("roles")
class RolesView(BlockView):
    """Every role in ``models.ROLES``; a critical role nobody holds on a side is a risk."""

    HINT = "role decision-maker @maria · person Lee Park, CTO side:them role:tech"

    def body(self) -> ComposeResult:
        yield Static("", id="roles")
        yield from super().body()

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        people = state.snap.attendees
        t = Text()
        gaps = 0
        heading(t, "Who holds which role")
        for role in ROLES:
            critical = role in CRITICAL_ROLES
            t.append(role, style="bold" if critical else "")
            t.append(" *\n" if critical else "\n", style="dim")
            for side, short in SIDES:
                holders = [a.name for a in people if a.side == side and role in a.role_list]
                t.append(f"  {short:<5}", style="dim")
                if holders:
                    t.append(", ".join(holders), style="cyan")
                elif critical:
                    gaps += 1
                    warn(t, "unassigned")
                else:
                    t.append("—", style="dim")
                t.append("\n")
        t.append("* critical", style="dim")
        if gaps:
            t.append(" · ", style="dim")
            warn(t, f"{gaps} critical gap{'s' if gaps != 1 else ''}")
        self.put("#roles", t)
        self.paint_raised(state)
