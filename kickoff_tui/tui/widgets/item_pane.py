"""A capture pane: one kind of item, newest first, with a cursor for edit, done and delete.

Only the visible rows are rendered, so a pane holding 10,000 items repaints as fast as one
holding ten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from kickoff_tui.core.vocab import Side

if TYPE_CHECKING:
    from kickoff_tui.core.models import Item


class ItemPane(Widget, can_focus=True):
    DEFAULT_CSS = """
    ItemPane { height: 1fr; border: round $primary 40%; padding: 0 1; }
    ItemPane:focus { border: round $accent; }
    """
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("enter", "edit", "Edit"),
        Binding("x", "done", "Done"),
        Binding("i", "internal", "Internal", show=False),
        Binding("delete,backspace", "delete", "Delete"),
        Binding("u,ctrl+z", "undo", "Undo"),
    ]

    @dataclass
    class Act(Message):
        """The user asked to do something with an item (or to undo the last delete)."""

        pane: ItemPane
        verb: str  # edit / done / internal / delete / undo
        item: Item | None

    def __init__(self, kind: str, title: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.kind = kind
        self.title = title
        self.items: list[Item] = []  # newest first
        self.cursor = 0
        self._top = 0
        self._update_title()

    def _update_title(self) -> None:
        self.border_title = f"{self.title} ({len(self.items)})"

    def set_items(self, items: list[Item]) -> None:
        """Replace the list (newest first)."""
        self.items = items
        self.cursor = min(self.cursor, max(0, len(items) - 1))
        self._update_title()
        self.refresh()

    @property
    def selected(self) -> Item | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def action_move(self, delta: int) -> None:
        if self.items:
            self.cursor = max(0, min(len(self.items) - 1, self.cursor + delta))
            self.refresh()

    def _post(self, verb: str) -> None:
        if verb == "undo" or self.selected is not None:
            self.post_message(self.Act(self, verb, self.selected))

    def action_edit(self) -> None:
        self._post("edit")

    def action_done(self) -> None:
        self._post("done")

    def action_internal(self) -> None:
        self._post("internal")

    def action_delete(self) -> None:
        self._post("delete")

    def action_undo(self) -> None:
        self._post("undo")

    def render(self) -> Text:
        height = max(1, self.content_size.height)
        if self.cursor < self._top:
            self._top = self.cursor
        elif self.cursor >= self._top + height:
            self._top = self.cursor - height + 1
        out = Text(no_wrap=True, overflow="ellipsis")
        if not self.items:
            out.append("none yet", style="dim")
            return out
        width = max(1, self.content_size.width)
        for n, item in enumerate(self.items[self._top : self._top + height], self._top):
            line = item_line(item)
            line.truncate(width, overflow="ellipsis")
            if n == self.cursor and self.has_focus:
                line.stylize("reverse")
            out.append_text(line)
            out.append("\n")
        return out


#: The mark of an internal item (kept out of every client output), wherever it is shown.
INTERNAL = "🔒"


def item_line(item: Item) -> Text:
    """One row: text, then owner, due date and severity. User text is appended as data."""
    line = Text(no_wrap=True, overflow="ellipsis")
    if item.internal:  # first, so a narrow pane never cuts it off: secret looks secret
        line.append(f"{INTERNAL} ", style="bold yellow")
    if item.status == "done":
        line.append("✓ ", style="green")
    if item.severity:
        style = {"high": "bold red", "medium": "yellow", "low": "dim"}.get(item.severity, "")
        line.append(f"{item.severity[0].upper()} ", style=style)
    line.append(item.text, style="strike dim" if item.status == "done" else "")
    if item.owner:
        line.append(" @", style="cyan")
        line.append(item.owner, style="cyan" if item.owner_known else "cyan italic")
        if not item.owner_known:
            line.append("?", style="red")
    if item.due:
        line.append(f" {item.due.strftime('%a %d %b')}", style="magenta")
    if (side := Side.parse(item.side)) is not None:
        line.append(f" {side.owes}", style="dim")
    if item.captured_by and item.captured_by not in ("facilitator", "cli"):
        line.append(f" ·{item.captured_by}", style="dim")
    return line
