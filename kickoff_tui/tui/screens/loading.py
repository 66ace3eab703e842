"""The first frame: the agenda, read by a cheap peek, while the full store opens."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from kickoff_tui.core.peek import peek_meeting


class LoadingScreen(Screen[None]):
    def __init__(self, db_url: str, meeting_id: str) -> None:
        super().__init__()
        self.peek = peek_meeting(db_url, meeting_id)

    def compose(self) -> ComposeResult:
        p = self.peek
        t = Text(no_wrap=True)
        if p is None:
            t.append("Opening the meeting…", style="bold")
        else:
            t.append(f"{p.title}", style="bold")
            t.append(f" · {p.client} · opening…\n\n")
            for b in p.blocks:
                t.append(f"  {b.position + 1} ")
                t.append(b.title)
                t.append(f"  {b.planned_minutes} min\n", style="dim")
        yield Static(t, id="peek-agenda")
        yield Footer()
