"""The Five Questions: every customer attendee answers each one, the most senior last.

The order is the point (seed 003): if the executive answers first, everyone else orbits that
answer. A pointer ▶ marks whose answer comes next; ``w`` opens the capture line for it, and a
saved answer moves the pointer on, so the note-taker can keep typing without touching it.
Respondents are the customer's attendees who are present, as ``checks`` counts them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Static

from kickoff_tui.core.checks import FIVE_QUESTIONS, expected_respondents
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.entry import AnswerTarget
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.five_grid import current_text, grid_text
from kickoff_tui.tui.state import MeetingState
from kickoff_tui.tui.widgets.capture_line import CaptureLine

if TYPE_CHECKING:
    from kickoff_tui.core.models import Attendee

__all__ = ["FIVE_QUESTIONS", "FiveQuestionsView", "respondents"]


def respondents(state: MeetingState) -> list[Attendee]:
    """Present customer attendees, least senior first: the most senior answers last."""
    return sorted(expected_respondents(state.snap), key=lambda a: (a.seniority, a.id or 0))


@register("five-questions")
class FiveQuestionsView(BlockView, can_focus=True):
    """A who-answered-what grid, the current question, and everyone's answer to it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "move(1)", "Next person"),
        Binding("k", "move(-1)", "Prev person", show=False),
        Binding("right_square_bracket", "question(1)", "Next Q", key_display="]"),
        Binding("left_square_bracket", "question(-1)", "Prev Q", key_display="[", show=False),
        Binding("w", "write", "Write answer"),
    ]
    HINT = "w writes the answer of the person marked ▶ (Q4 answers are risks)"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.question = 1
        self.who: int | None = None  # the pointed attendee's id
        self._order: list[Attendee] = []
        self._answers: dict[tuple[int, int], str] = {}
        self._placed = False

    def prompts(self) -> list[str]:
        asked = {q.casefold() for q in FIVE_QUESTIONS}
        return [p for p in self.block.prompts if p.strip().casefold() not in asked]

    def body(self) -> ComposeResult:
        yield Static("", id="grid")
        yield Static("", id="current", classes="section")
        yield from super().body()

    def focus_moved(self, old: Widget | None, new: Widget | None) -> None:
        # j/k/w should work without a click: whenever nothing has focus (the block just opened,
        # the capture line was closed with Esc), the view takes it. The cockpit's own keys
        # still reach the screen, since the view binds none of them.
        super().focus_moved(old, new)
        if new is None and self.is_attached:
            self.screen.call_later(self._focus_if_free)

    def on_mount(self) -> None:
        self.call_later(self._focus_if_free)

    def _focus_if_free(self) -> None:
        if self.is_attached and self.is_shown(self.screen) and self.screen.focused is None:
            # At once, not self.focus() (deferred): whatever takes focus meanwhile (a restored
            # draft on the capture line) must not lose it to a check that is already stale.
            self.screen.set_focus(self)

    # -- pointer ---------------------------------------------------------------------------
    @property
    def answer_target(self) -> AnswerTarget | None:
        who = next((a for a in self._order if a.id == self.who), None)
        if who is None or who.id is None:
            return None
        return AnswerTarget(who.id, who.name, self.question)

    def _index(self) -> int:
        return next((n for n, a in enumerate(self._order) if a.id == self.who), 0)

    def action_move(self, delta: int) -> None:
        """Next/previous person; past the last (first) one, the next (previous) question."""
        if not self._order:
            return
        pos = (self.question - 1) * len(self._order) + self._index() + delta
        pos = max(0, min(pos, 5 * len(self._order) - 1))
        self.question, n = divmod(pos, len(self._order))
        self.question += 1
        self.who = self._order[n].id
        self._repaint()

    def action_question(self, delta: int) -> None:
        self.question = max(1, min(5, self.question + delta))
        self._repaint()

    def action_write(self) -> None:
        target = self.answer_target
        if target is None:
            self.notify("no customer attendee present to answer", severity="warning", markup=False)
            return
        existing = self._answers.get((target.attendee_id, target.question), "")
        self.screen.query_one(CaptureLine).open("answer", existing)

    def on_block_view_saved(self, message: BlockView.Saved) -> None:
        if self.screen.query_one(CaptureLine).kind == "answer":
            self.action_move(1)

    def _repaint(self) -> None:
        if self._latest is not None:
            self.paint(*self._latest)

    # -- drawing ---------------------------------------------------------------------------
    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        self._order = respondents(state)
        self._answers = {
            (a.attendee_id, a.question): a.text for a in state.snap.answers if a.text.strip()
        }
        ids = [a.id for a in self._order]
        if not self._placed and self._order:
            self._placed = True
            todo = [(q, a.id) for q in range(1, 6) for a in self._order
                    if (a.id, q) not in self._answers]  # fmt: skip
            self.question, self.who = todo[0] if todo else (1, ids[0])
        if self.who not in ids:
            self.who = ids[0] if ids else None
        args = (self._order, self._answers, self.question, self.who, self.text_width)
        self.put("#grid", grid_text(*args))
        self.put("#current", current_text(*args))
        self.paint_raised(state)
