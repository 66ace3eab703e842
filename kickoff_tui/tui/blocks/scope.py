"""Scope: what is in phase 1 and what is explicitly not.

A scope without an out-of-scope list is how scope creep starts, so an empty "out" is flagged.
Two columns when the block area is wide enough, one above the other when it is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.fmt import empty, heading, item_line, warn
from kickoff_tui.tui.state import MeetingState

if TYPE_CHECKING:
    from kickoff_tui.core.models import Item

WIDE = 60  # columns from which the two lists sit side by side


@register("scope")
class ScopeView(BlockView):
    """In scope / out of scope, every such item of the meeting, oldest first."""

    DEFAULT_CSS = """
    ScopeView #scope-cols { height: auto; layout: vertical; }
    ScopeView #scope-cols.-wide { layout: horizontal; }
    ScopeView #scope-cols.-wide > Static { width: 1fr; margin-right: 1; }
    """
    HINT = "in-scope SSO for all staff · out-of-scope Mobile app (phase 2)"
    OWN_KINDS = frozenset({"in-scope", "out-of-scope"})

    def body(self) -> ComposeResult:
        with Horizontal(id="scope-cols"):
            yield Static("", id="in-scope")
            yield Static("", id="out-of-scope", classes="section")
        yield from super().body()

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE
        self.query_one("#scope-cols").set_class(wide, "-wide")
        self.query_one("#out-of-scope").set_class(not wide, "section")

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        base = state.snap.meeting.local_start().date()
        width = self.text_width
        if self.query_one("#scope-cols").has_class("-wide"):
            width = (width - 1) // 2
        for kind, title in (("in-scope", "In scope"), ("out-of-scope", "Out of scope")):
            items: list[Item] = list(reversed(state.newest_first(kind)))
            t = Text()
            heading(t, title, len(items))
            for i in items:
                item_line(t, i, base, width)
            if not items and kind == "out-of-scope":
                warn(t, "nothing out of scope yet — what is not in phase 1?")
            elif not items:
                empty(t)
            self.put(f"#{kind}", t)
        self.paint_raised(state)
