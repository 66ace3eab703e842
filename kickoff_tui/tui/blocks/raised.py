"""Blocks whose capture is just "what was raised here": journey, readiness, general, risks.

They differ only in what the capture line is for, except risks, which lists every risk of the
meeting by severity with its mitigation: a risk with no mitigation is only half captured.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from kickoff_tui.core.checks import is_open
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.fmt import WARN, empty, hang, heading, item_line, warn
from kickoff_tui.tui.state import MeetingState

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}


@register("journey")
class JourneyView(BlockView):
    HINT = "note Bought for … because … · decision … · question …"


@register("readiness")
class ReadinessView(BlockView):
    """The readiness gate (``core.readiness``, as ``kickoff ready`` shows it) above what was
    raised here: a failing check is a deviation to record in the room."""

    HINT = "risk No SSO admin yet sev:high @dana · question … · action …"

    def body(self) -> ComposeResult:
        yield Static("", id="gate")
        yield from super().body()

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        from kickoff_tui.core import readiness

        checks = readiness.evaluate(state.full_snapshot(), getattr(state.snap.meeting, "prep",
                                                                    None), mt.now)  # fmt: skip
        t = Text()
        t.append(f"Readiness: {readiness.summary(checks)}\n", style="bold")
        for c in checks:
            style = {"pass": "green", "fail": "bold red" if c.blocking else WARN}.get(
                c.status, "cyan"
            )
            line = Text()
            line.append(f"{c.status if c.status != 'fail' else 'FAIL'} ", style=style)
            line.append(f"{c.label}: ")
            line.append(c.detail)
            if c.by:
                line.append(f" ({c.by})", style="dim")
            hang(t, line, self.text_width)
        self.put("#gate", t)
        self.paint_raised(state)


@register("general")
class GeneralView(BlockView):
    HINT = "note …, decision …, action … @owner due:fri, question …"


@register("risks")
class RisksView(BlockView):
    """Every open risk of the meeting, high severity first, with owner, date and mitigation."""

    HINT = "risk SSO admin not named sev:high @dana due:fri"
    OWN_KINDS = frozenset({"risk"})

    def body(self) -> ComposeResult:
        yield Static("", id="risks")
        yield from super().body()

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        base = state.snap.meeting.local_start().date()
        risks = [r for r in state.newest_first("risk") if is_open(r)]
        risks.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity or "", 3), r.id or 0))
        t = Text()
        heading(t, "Open risks", len(risks))
        for r in risks:
            sev = r.severity or "no sev"
            lead = Text(f"{sev} ", style=SEVERITY_STYLE.get(r.severity or "", WARN))
            item_line(t, r, base, self.text_width, lead=lead, need_owner=True)
            line = Text("mitigation: ", style="dim")
            if (r.mitigation or "").strip():
                line.append(r.mitigation or "")
            else:
                warn(line, "none yet")
            hang(t, line, self.text_width, first=2, rest=4)
        if not risks:
            empty(t, "none yet: blockers, dependencies, access and data gaps")
        self.put("#risks", t)
        self.paint_raised(state)
