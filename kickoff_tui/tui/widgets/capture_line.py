"""The capture line: type an item in the quick-capture grammar, see what it understood, Enter.

The widget does not parse or save anything itself: the screen gives it a preview function
(from the core's grammar) and receives a ``Submitted`` message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

if TYPE_CHECKING:
    from kickoff_tui.core.models import Item


#: (kind, text) -> (understood?, one-line preview or error)
Preview = Callable[[str, str], tuple[bool, str]]


class CaptureLine(Vertical):
    DEFAULT_CSS = """
    CaptureLine { height: auto; border: round $primary 40%; padding: 0 1; }
    CaptureLine:focus-within { border: round $accent; }
    CaptureLine Horizontal { height: 1; }
    CaptureLine #kind { width: auto; margin-right: 1; color: $accent;
        text-style: bold; }
    CaptureLine Input, CaptureLine Input:focus { border: none; height: 1; padding: 0; width: 1fr; }
    CaptureLine #preview { height: 1; color: $text-muted; }
    CaptureLine #preview.-error { color: $error; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("up", "recall", show=False),
    ]

    @dataclass
    class Submitted(Message):
        kind: str
        text: str
        editing: Item | None

    def __init__(self, preview: Preview, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._preview = preview
        self.kind = ""
        self.editing: Item | None = None
        self._last_cancelled = ""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label("", id="kind", markup=False)
            yield LineInput(
                placeholder="a action · d decision · r risk · q question · : anything",
                id="line",
                select_on_focus=False,
            )
        yield Static("", id="preview", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#line", Input)

    def open(self, kind: str, text: str = "", editing: Item | None = None) -> None:
        """Focus the line for ``kind`` ('' = any kind, chosen by the first word)."""
        self.kind, self.editing = kind, editing
        label = kind or "capture"
        self.query_one("#kind", Label).update(Text(("edit " if editing else "") + label + " ›"))
        self.input.value = text
        self.input.cursor_position = len(text)
        # Focus now, not after the next refresh: keys typed right after 'a' belong to the line.
        self.screen.set_focus(self.input)
        self._show_preview()

    def _show_preview(self) -> None:
        text = self.input.value
        preview = self.query_one("#preview", Static)
        if not text.strip():
            preview.update(
                "@owner due:fri sev:high side:them #internal · Enter saves · Esc cancels"
            )
            preview.remove_class("-error")
            return
        ok, msg = self._preview(self.kind, text)
        preview.set_class(not ok, "-error")
        preview.update(Text(("✓ " if ok else "✗ ") + msg))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_preview()

    def submit(self, value: str) -> None:
        """Enter (called by the input as it handles the key, after the keys typed before it
        and before any typed after it: an Escape right after Enter cancels the next line,
        not this one's kind)."""
        if not value.strip():
            return
        self.post_message(self.Submitted(self.kind, value, self.editing))
        if self._preview(self.kind, value)[0]:
            self.saved()  # cleared now, in key order: what is typed next is the next line

    def saved(self) -> None:
        """The line was sent to be saved: clear it, stay open for the next item of the same
        kind. (A line the grammar refuses stays, to be fixed.)"""
        self.editing = None
        self.input.value = ""
        self.query_one("#kind", Label).update(Text((self.kind or "capture") + " ›"))
        self._show_preview()

    def action_cancel(self) -> None:
        if self.input.value.strip():
            self._last_cancelled = self.input.value
        self.input.value = ""
        self.editing = None
        self.kind = ""
        self.query_one("#kind", Label).update("")
        self.query_one("#preview", Static).update("")
        self.screen.set_focus(None)

    def action_recall(self) -> None:
        """Up brings back the line last cancelled with Escape: a cancel never loses a word."""
        if not self.input.value and self._last_cancelled:
            self.input.value = self._last_cancelled
            self.input.cursor_position = len(self._last_cancelled)


class LineInput(Input):
    async def action_submit(self) -> None:
        line = next(a for a in self.ancestors if isinstance(a, CaptureLine))
        line.submit(self.value)
