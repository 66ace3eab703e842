"""A follow-up meeting's "Since last time" block: every open action, risk and question of the
earlier meetings of its series — the same items (``core.series``), listed by where they were
raised (``MEETING#N``), with what happened to them so far.

The list comes with the meeting's snapshot (``Snapshot.carried``); a change made from this
meeting (``kickoff since ID #N done``) touches the meeting, so the list reloads here too.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.fmt import empty, heading, item_line
from kickoff_tui.tui.state import MeetingState


@register("since-last-time")
class SinceView(BlockView):
    HINT = "action … @owner due:fri (new work) · each item below: done, slipped or dropped?"

    def body(self) -> ComposeResult:
        yield Static("", id="since")
        yield from super().body()

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        carried = list(getattr(state.snap, "carried", []) or [])
        base = state.snap.meeting.local_start().date()
        mid = state.snap.meeting.id
        t = Text()
        open_ = [i for i in carried if i.status != "done"]
        heading(t, "Since last time", len(open_))
        for i in carried:
            lead = Text(f"{i.meeting_id}#{i.number} {i.kind} ", style="dim")
            item_line(t, i, base, self.text_width, lead=lead, need_owner=True)
        if not carried:
            empty(t, "nothing open from the earlier meetings of this series")
        else:
            t.append(f"\nkickoff since {mid} #N done | slip YYYY-MM-DD | drop\n", style="italic")
        self.put("#since", t)
        self.paint_raised(state)
