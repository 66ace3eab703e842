"""The help screen: every key, and the quick-capture grammar."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kickoff_tui.tui.commands import COCKPIT

GRAMMAR = (
    ("@maria", "owner: an attendee's first or full name (@Maria_Lopez, @\"Maria Lopez\")"),
    ("due:fri", "today, tomorrow, mon..sun (next after the meeting day), +3d, +2w, eow, eom, "
                "2026-12-01, Dec 1"),
    ("sev:high", "severity high / medium / low (h/m/l)"),
    ("side:them", "who owes it: us or them (from us / from you)"),
    ("#internal", "keep it out of the client email"),
    (": note …", "any kind: note, question, in-scope, out-of-scope, milestone, metric"),
    (": person …", "person Maria Lopez, VP Ops side:them role:decision-maker sen:5"),
    (": role …", "role executive-sponsor @maria"),
    (": next …", "next fri 10:00 — the next meeting, in the meeting's time zone"),
    (": cadence …", "cadence Weekly status, Tue 10:00, 30 min; Slack"),
    (": first-value …", "first-value Dashboard live for ops due:Dec 4"),
)  # fmt: skip

PANE_KEYS = (
    ("tab", "move between the agenda, panes and capture line"),
    ("↑ ↓", "move in a pane"),
    (
        "enter",
        "edit the selected item on the capture line (change its kind word to change the kind)",
    ),
    ("x", "mark done / open"),
    ("i", "mark internal / client-safe"),
    ("del", "delete (soft)"),
    ("u", "undo the last delete"),
    ("enter (line)", "save and close the line: a d r q : open the next one, of any kind"),
    ("esc", "leave the capture line; ↑ on an empty line brings back what Esc cancelled"),
    (
        "w j k [ ] J K",
        "Five Questions: write ▶'s answer (or edit it), point elsewhere, move "
        "▶'s person later/earlier in the order",
    ),
    ("ctrl+p", "command palette: every command"),
    ("ctrl+q", "quit: everything is saved; a half-typed line is offered back on the next open"),
)


def cli_commands(mid: str) -> list[str]:
    """The commands people run on this meeting, with its id filled in (the header shows it)."""
    return [
        f"kickoff join {mid}                # the note-taker's terminal",
        f'kickoff add {mid} action "Send recap @maria due:fri"',
        f"kickoff status {mid} --json",
        f"kickoff check {mid}",
        f"kickoff export {mid} --all DIR   # the follow-through pack",
        f"kickoff delete {mid}              # asks first",
    ]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: round $accent;
        background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        t = Text()
        t.append("Keys\n", style="bold underline")
        for c in COCKPIT:
            keys = c.key_display or c.keys.replace(",", " ") or f"^p {c.title}"
            t.append(f"  {keys:<14}", style="bold")
            t.append(f"{c.help}\n")
        t.append("\nQuick capture\n", style="bold underline")
        for token, what in GRAMMAR:
            t.append(f"  {token:<18}", style="bold cyan")
            t.append(f"{what}\n")
        t.append("\nIn a pane, and everywhere\n", style="bold underline")
        for keys, what in PANE_KEYS:
            t.append(f"  {keys:<14}", style="bold")
            t.append(f"{what}\n")
        mid = next((sc.state.meeting_id for sc in self.app.screen_stack if hasattr(sc, "state")),
                   None)  # fmt: skip
        if mid:
            t.append(f"\nThis meeting from the command line ({mid})\n", style="bold underline")
            for command in cli_commands(mid):
                t.append(f"  {command}\n")
        t.append(
            "\nClocks come from stored timer events: closing or crashing loses no time.\n",
            style="italic",
        )
        with VerticalScroll():
            yield Static(t)
