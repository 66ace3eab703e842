"""Every cockpit command defined once: its key, its footer label and its palette entry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Cmd:
    action: str
    keys: str
    title: str
    help: str
    show: bool = True  # in the footer
    key_display: str | None = None


COCKPIT: tuple[Cmd, ...] = (
    Cmd("start", "s", "Start", "Start the meeting clock and the first block"),
    Cmd("pause", "space", "Pause", "Pause or resume the block timer"),
    Cmd("next_block", "n,right", "Next",
        "Move to the next block (on the last, asks to end the meeting)", key_display="n/→"),
    Cmd("prev_block", "p,left", "Prev", "Go back to the previous block", key_display="p/←",
        show=False),
    Cmd("extend", "plus,+", "+1 min", "Add a minute to the current block", key_display="+",
        show=False),
    Cmd("rebalance", "b", "Rebalance", "Accept the proposed rebalance of the remaining blocks",
        show=False),
    Cmd("capture('action')", "a", "Action", "Capture an action item", show=False),
    Cmd("capture('decision')", "d", "Decision", "Capture a decision", show=False),
    Cmd("capture('risk')", "r", "Risk", "Capture a risk", show=False),
    Cmd("capture('question')", "q", "Question", "Capture an open question", show=False),
    Cmd("capture('')", "colon", "Capture",
        "Capture anything: note, in-scope, milestone, person...", key_display="a/d/r/q/:"),
    Cmd("next_pane", "v", "Next pane",
        "Narrow terminal: show the next capture pane (actions, decisions, risks)", show=False),
    Cmd("toggle_health", "h", "Health", "Show or hide the kickoff health panel"),
    Cmd("export", "e", "Export", "Export the follow-through pack"),
    Cmd("end_meeting", "ctrl+e", "End meeting", "End the meeting (asks first: y ends, n keeps)",
        show=False),
    Cmd("reopen", "", "Reopen", "Undo the end of the meeting (the same day): the clocks resume",
        show=False),
    Cmd("edit_agenda", "g", "Agenda", "Edit the agenda: add, retime, rename, move, remove; fit"),
    Cmd("edit_people", "w", "People", "Edit or remove the people in the meeting", show=False),
    Cmd("take_control", "ctrl+t", "Take control", "Note-taker: take control of the timers",
        show=False),
    Cmd("toggle_bell", "ctrl+g", "Bell on/off", "Turn the terminal bell at 2 min and 0 on or off",
        show=False),
    Cmd("app.help", "question_mark", "Help", "Show the keys and how capture works",
        key_display="?"),
)  # fmt: skip


def bindings(cmds: Iterable[Cmd]) -> list[BindingType]:
    return [
        Binding(c.keys, c.action, c.title, show=c.show, key_display=c.key_display)
        for c in cmds
        if c.keys  # (a palette-only command has no key)
    ]
