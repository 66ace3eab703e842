"""A block's own screen: its guidance prompts and the capture that block needs.

Each block kind has a view class registered in ``VIEWS`` with :func:`register` (the package
``__init__`` imports every view module so the registry is full); a kind without a special view
gets :class:`BlockView`, which lists what was raised in that block.

Everything a person typed is appended to a ``rich.text.Text`` (never spliced into markup), so
``[/foo]`` or ``todo [x]`` shows exactly as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.tui.blocks.fmt import item_line
from kickoff_tui.tui.state import MeetingState

if TYPE_CHECKING:
    from kickoff_tui.core.entry import AnswerTarget
    from kickoff_tui.core.models import Block


class Registry(dict[str, "type[BlockView]"]):
    """Block kind -> its view class, filled by :func:`register` as the view modules are
    imported. Listing it, or looking up a kind it does not hold yet, imports them all first
    (``loader``); the cockpit itself imports one view at a time (``blocks.load_view``)."""

    loader: Callable[[], None] | None = None

    def _full(self) -> None:
        loader, self.loader = self.loader, None
        if loader is not None:
            loader()

    def has(self, kind: str) -> bool:
        return dict.__contains__(self, kind)

    def __getitem__(self, kind: str) -> type[BlockView]:
        if not self.has(kind):
            self._full()
        return dict.__getitem__(self, kind)

    def get(self, kind: str, default: Any = None) -> Any:
        return dict.get(self, kind, default) if kind in self else default

    def __contains__(self, kind: object) -> bool:
        if not dict.__contains__(self, kind):
            self._full()
        return dict.__contains__(self, kind)

    def __iter__(self) -> Iterator[str]:
        self._full()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._full()
        return dict.__len__(self)


VIEWS = Registry()
V = TypeVar("V", bound="type[BlockView]")


def register(*kinds: str) -> Callable[[V], V]:
    """Class decorator: this view draws blocks of ``kinds``."""

    def add(cls: V) -> V:
        for kind in kinds:
            VIEWS[kind] = cls
        return cls

    return add


class BlockView(VerticalScroll):
    """The generic view: prompts, then items raised during this block."""

    DEFAULT_CSS = """
    BlockView { height: 1fr; border: round $primary 40%; padding: 0 1; }
    BlockView:focus { border: round $accent; }
    BlockView .prompts { color: $text-muted; }
    BlockView .hint { margin-bottom: 1; }
    BlockView.-short .hint { text-wrap: nowrap; text-overflow: ellipsis; margin-bottom: 0; }
    BlockView .section { margin-top: 1; }
    """
    #: What ':' captures by default in this block (the capture line's hint).
    HINT: ClassVar[str] = "note …, question …, decision …"
    #: Item kinds this view already shows in its own sections: left out of "Also raised here".
    OWN_KINDS: ClassVar[frozenset[str]] = frozenset()

    class Saved(Message):
        """Sent to the view after a line was saved while it was shown (``answer``: whose
        answer, when the line was one of the Five Questions' answers)."""

        def __init__(self, answer: AnswerTarget | None = None) -> None:
            super().__init__()
            self.answer = answer

    def __init__(self, block: Block, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.block = block
        # User text (a block can be renamed): Text, never a str, which Textual reads as markup.
        self.border_title = Text(f"{block.position + 1}. {block.title}")
        self.border_subtitle = Text(block.kind)
        self._latest: tuple[MeetingState, MeetingTime] | None = None
        self._painted_width = 0

    def prompts(self) -> list[str]:
        """The guidance shown above the body (a view may drop what its body already shows)."""
        return self.block.prompts

    def compose(self) -> ComposeResult:
        # The prompts are the play: they stay on every size (the view scrolls); on a short or
        # narrow terminal the capture hint keeps to one line.
        prompts = Text()
        for p in self.prompts():
            prompts.append("• ")
            prompts.append(p)
            prompts.append("\n")
        prompts.rstrip()
        if prompts:
            yield Static(prompts, classes="prompts full")
        yield Static(Text(f"Capture here: {self.HINT}", style="italic"), classes="prompts hint")
        yield from self.body()

    def body(self) -> ComposeResult:
        yield Static("", id="raised", classes="section")

    @property
    def text_width(self) -> int:
        """Columns for text: what the view has once laid out, a typical width before."""
        return self.scrollable_content_region.width or 30

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < 18 or event.size.width < 30, "-short")
        if self._latest is not None and self.text_width != self._painted_width:
            self.paint(*self._latest)  # the text was wrapped for the old width

    def show(self, state: MeetingState, mt: MeetingTime) -> None:
        """Repaint from the state (called when data changed, not on every tick)."""
        self._latest = (state, mt)
        if self.is_mounted:
            self.paint(state, mt)

    def on_mount(self) -> None:
        if self._latest is not None:
            self.paint(*self._latest)
        self.watch(self.screen, "focused", self.focus_moved, init=False)

    def focus_moved(self, old: Widget | None, new: Widget | None) -> None:
        """Called (synchronously) whenever the screen's focus changes."""
        if old is self and new is not None and self.is_attached:
            screen = self.screen
            screen.call_later(self._drop_inherited_focus, screen, new)

    def _drop_inherited_focus(self, screen: Screen[object], taker: Widget) -> None:
        # Removed while focused (the cockpit moved to another block), Textual hands focus to a
        # neighbour, typically the capture line, which would then swallow the cockpit's keys:
        # the next 'n' would be typed into the line. Give the keys back to the screen instead.
        if not self.is_shown(screen) and screen.focused is taker:
            screen.set_focus(None)

    def is_shown(self, screen: Screen[object]) -> bool:
        """Whether this view is still the screen's block view (not being replaced)."""
        return self.is_attached and getattr(screen, "viewing", self.block.id) == self.block.id

    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        """Subclasses draw their body here; children exist by the time this runs."""
        self.paint_raised(state)

    def paint_raised(self, state: MeetingState) -> None:
        """Fill ``#raised`` with what was captured in this block (minus ``OWN_KINDS``).

        Every view calls it last in ``paint``, so it also notes the width the text was wrapped to.
        """
        self._painted_width = self.text_width
        raised = [i for i in state.in_block(self.block.id) if i.kind not in self.OWN_KINDS]
        base = state.snap.meeting.local_start().date()
        title = "Also raised here" if self.OWN_KINDS else "Raised in this block"
        t = Text()
        t.append(f"{title} ({len(raised)})\n", style="bold")
        for i in raised[-30:]:
            item_line(t, i, base, self.text_width, lead=Text(f"{i.kind} ", style="dim"))
        if not raised:
            t.append("nothing yet\n", style="dim")
        self.put("#raised", t)

    def put(self, selector: str, text: Text) -> None:
        """Show ``text`` in the Static ``selector``, without the trailing newline of a list."""
        text.rstrip()
        self.query_one(selector, Static).update(text)

    @property
    def answer_target(self) -> AnswerTarget | None:
        """Only the Five Questions view has somewhere to put an ``answer``."""
        return None
