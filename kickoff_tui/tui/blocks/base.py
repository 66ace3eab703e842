"""A block's own screen: its guidance prompts and the capture that block needs.

Each block kind has a view class registered in ``VIEWS`` (see ``__init__``); a kind without a
special view gets :class:`BlockView`, which lists what was raised in that block.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.entry import AnswerTarget
from kickoff_tui.core.models import Block
from kickoff_tui.tui.state import MeetingState


class BlockView(VerticalScroll):
    """The generic view: prompts, then items raised during this block."""

    DEFAULT_CSS = """
    BlockView { height: 1fr; border: round $primary 40%; padding: 0 1; }
    BlockView .prompts { color: $text-muted; margin-bottom: 1; }
    BlockView .section { margin-top: 1; }
    """
    #: What ':' captures by default in this block (the capture line's hint).
    HINT: ClassVar[str] = "note …, question …, decision …"

    class Saved(Message):
        """Sent to the view after a line was saved while it was shown."""

    def __init__(self, block: Block, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.block = block
        self.border_title = f"{block.position + 1}. {block.title}"
        self.border_subtitle = block.kind
        self._latest: tuple[MeetingState, MeetingTime] | None = None

    def compose(self) -> ComposeResult:
        prompts = Text()
        for p in self.block.prompts:
            prompts.append("• ")
            prompts.append(p)
            prompts.append("\n")
        prompts.append(f"Capture here: {self.HINT}", style="italic")
        yield Static(prompts, classes="prompts")
        yield from self.body()

    def body(self) -> ComposeResult:
        yield Static("", id="raised", classes="section")

    def show(self, state: MeetingState, mt: MeetingTime) -> None:
        """Repaint from the state (called when data changed, not on every tick)."""
        self._latest = (state, mt)
        if self.is_mounted:
            self.paint(state, mt)

    def on_mount(self) -> None:
        if self._latest is not None:
            self.paint(*self._latest)

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        """Subclasses draw their body here; children exist by the time this runs."""
        raised = [i for i in state.items.values() if i.block_id == self.block.id]
        raised.sort(key=lambda i: i.id or 0)
        t = Text()
        t.append(f"Raised in this block ({len(raised)})\n", style="bold")
        for i in raised[-30:]:
            t.append(f"{i.kind:<12} ", style="dim")
            t.append(i.text)
            if i.owner:
                t.append(f" @{i.owner}", style="cyan")
            t.append("\n")
        if not raised:
            t.append("nothing yet\n", style="dim")
        self.query_one("#raised", Static).update(t)

    @property
    def answer_target(self) -> AnswerTarget | None:
        """Only the Five Questions view has somewhere to put an ``answer``."""
        return None
