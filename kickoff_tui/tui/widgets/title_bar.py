"""The cockpit's title line: the meeting, the health score, who is here, and whether the
database answers ("store not answering…", "not saved, retrying…" with the reason, "read-only")."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pendulum
from rich.text import Text
from textual.widgets import Static

from kickoff_tui.core.clock import fmt_local
from kickoff_tui.core.rows import zone

if TYPE_CHECKING:
    from kickoff_tui.core.presence import Peer


@lru_cache(maxsize=8)
def when(start_utc: Any, tz: str) -> str:
    return fmt_local(pendulum.instance(start_utc).in_timezone(zone(tz)), year=True, zone=True)


MARKS = {
    "waiting": "⚠ store not answering… ",
    "offline": "⚠ not saved, retrying… ",
    "read-only": "⚠ read-only: nothing is saved ",
}


class TitleBar(Static):
    DEFAULT_CSS = "TitleBar { height: 1; }"

    def show(
        self,
        meeting: Any,
        *,
        status: str,
        score: int | None,
        role: str,
        in_control: bool,
        me: int | None,
        peers: Sequence[Peer],
        queued: int = 0,
        problem: str = "",
    ) -> None:
        t = Text(no_wrap=True, overflow="ellipsis")
        mark = MARKS.get(status)
        if mark:
            t.append(mark + (f"({queued} to save) " if queued else ""), style="bold reverse")
            if problem and status != "waiting":  # why, in the database's words (data, not markup)
                t.append(problem[:60] + " ", style="reverse")
        t.append(meeting.title, style="bold")  # user text: appended, never markup
        t.append(f" · {meeting.id}")  # what every CLI command wants (? shows them)
        # (below 100 columns the date gives way to the id, the score and the role; the clock
        # bar says when it is scheduled)
        if (meeting.client or meeting.template) and self.app.size.width >= 100:
            t.append(f" · {when(meeting.start_utc, meeting.tz)}")
        if score is not None:
            t.append(f" · health {score}", style="bold")
        t.append(f" · {role}{'' if in_control else ' (following)'}")
        others = [p for p in peers if p.id != me]
        if others:
            t.append(" · with " + ", ".join(p.label + (" ⏱" if p.controls else "") for p in others))
        if t.plain != getattr(self, "_shown", None):
            self._shown = t.plain
            self.update(t, layout=False)  # one line, always
