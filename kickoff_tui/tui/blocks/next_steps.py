"""Questions & next steps: who owes what, what is still open, and when we meet again.

Actions are split "from us" / "from you" the way the follow-through email splits them (side as
captured, else the owner's side); one with no owner or date is flagged while it can be fixed.
"""

from __future__ import annotations

import pendulum
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from kickoff_tui.core.checks import is_open, item_side
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.vocab import Side
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.fmt import empty, heading, item_line, warn
from kickoff_tui.tui.state import MeetingState

GROUPS = ((Side.OURS, "From us"), (Side.THEIRS, "From you"), (None, "Side not set"))


@register("next-steps")
class NextStepsView(BlockView):
    """The next meeting, every action by side, then the open questions."""

    HINT = "action … side:them @dana due:fri · next fri 10:00"
    OWN_KINDS = frozenset({"action", "question"})

    def body(self) -> ComposeResult:
        yield Static("", id="next-meeting")
        yield Static("", id="actions", classes="section")
        yield Static("", id="questions", classes="section")
        yield from super().body()

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        m = state.snap.meeting
        base = m.local_start().date()
        t = Text()
        t.append("Next meeting: ", style="bold")
        if m.next_meeting_utc is None:
            warn(t, "not scheduled")
        else:
            when = pendulum.instance(m.next_meeting_utc).in_timezone(m.tz)
            t.append(when.format("ddd D MMM YYYY HH:mm") + f" ({m.tz})", style="magenta")
        self.put("#next-meeting", t)

        snap = state.snap  # item_side reads only the attendees, which the snapshot holds
        actions = list(reversed(state.newest_first("action")))
        t = Text()
        for side, title in GROUPS:
            group = [a for a in actions if item_side(snap, a) == side]
            if side is None and not group:
                continue
            heading(t, title, len(group))
            for a in group:
                item_line(t, a, base, self.text_width, need_owner=True, need_due=True)
            if not group:
                empty(t)
        self.put("#actions", t)

        questions = [q for q in reversed(state.newest_first("question")) if is_open(q)]
        t = Text()
        heading(t, "Open questions", len(questions))
        for q in questions:
            item_line(t, q, base, self.text_width)
        if not questions:
            empty(t, "none open")
        self.put("#questions", t)
        self.paint_raised(state)
