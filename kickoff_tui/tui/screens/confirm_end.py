"""Ending the meeting asks first: ``y`` ends, ``n`` or Esc keeps it running.

Ending is the one key whose effect reaches every terminal and the record (the blocks never
opened go to the parking lot), so the question names what it will do before it does it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from kickoff_tui.core.models import Block


def end_question(parked: Sequence[Block] | None) -> Text:
    """What ending will do, in words: how many blocks go to the parking lot, and which."""
    t = Text()
    t.append("End the meeting now?\n\n", style="bold")
    if parked is None:
        t.append("Blocks never opened will go to the parking lot.\n")
    elif not parked:
        t.append("Every block has been opened: nothing goes to the parking lot.\n")
    else:
        n = len(parked)
        t.append(f"{n} block{'s' if n != 1 else ''} never opened will go to the parking lot:\n")
        for b in parked[:6]:
            t.append(f"  {b.position + 1}. ")
            t.append(b.title)  # user text: data, never markup
            t.append("\n")
        if n > 6:
            t.append(f"  … and {n - 6} more\n")
    t.append("\n")
    t.append("y", style="bold")
    t.append(" ends the meeting · ")
    t.append("n", style="bold")
    t.append(" or ")
    t.append("Esc", style="bold")
    t.append(" keeps it running (an end can be undone the same day: palette → Reopen)")
    return t


class ConfirmEnd(ModalScreen[bool]):
    """Answers True (end) or False (keep running)."""

    BINDINGS = [
        Binding("y", "answer(True)", "End the meeting"),
        Binding("n,escape", "answer(False)", "Keep it running"),
    ]
    DEFAULT_CSS = """
    ConfirmEnd { align: center middle; }
    ConfirmEnd > Vertical { width: 70; max-width: 95%; height: auto; max-height: 90%;
        border: heavy $warning; background: $surface; padding: 0 1; }
    """

    def __init__(self, parked: Sequence[Block] | None) -> None:
        super().__init__()
        self.parked = parked

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(end_question(self.parked), id="end-question")

    def action_answer(self, end: bool) -> None:
        self.dismiss(end)
