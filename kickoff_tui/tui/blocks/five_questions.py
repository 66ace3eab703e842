"""The Five Questions: every customer attendee answers each one, the most senior last.

The order is the point (seed 003): if the executive answers first, everyone else orbits that
answer. A pointer ▶ marks whose answer comes next. It is derived from the record (``core.five``:
the lowest question someone present has not answered, the least senior of them), so the
facilitator's and the note-taker's terminals point at the same person. ``w`` opens the capture
line for that answer (or, if it is in, the answer to edit); Enter saves it and closes the line,
and the pointer moves on by itself. ``j``/``k``/``[``/``]`` point elsewhere on this terminal
until the next save; ``J``/``K`` move the marked person later/earlier in the order, for
everyone. Respondents are the customer's attendees who are present, as ``checks`` counts them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Static

from kickoff_tui.core.checks import FIVE_QUESTIONS, expected_respondents
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.entry import AnswerTarget
from kickoff_tui.core.five import answer_order, next_up
from kickoff_tui.tui.blocks.base import BlockView, register
from kickoff_tui.tui.blocks.five_grid import current_text, grid_text
from kickoff_tui.tui.state import MeetingState
from kickoff_tui.tui.widgets.capture_line import CaptureLine

if TYPE_CHECKING:
    from kickoff_tui.core.models import Attendee

__all__ = ["FIVE_QUESTIONS", "FiveQuestionsView", "respondents"]


def respondents(state: MeetingState) -> list[Attendee]:
    """Present customer attendees, least senior first: the most senior answers last."""
    return answer_order(expected_respondents(state.snap))


@register("five-questions")
class FiveQuestionsView(BlockView, can_focus=True):
    """A who-answered-what grid, the current question, and everyone's answer to it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "move(1)", "Next person"),
        Binding("k", "move(-1)", "Prev person", show=False),
        Binding("right_square_bracket", "question(1)", "Next Q", key_display="]"),
        Binding("left_square_bracket", "question(-1)", "Prev Q", key_display="[", show=False),
        Binding("w", "write", "Write answer"),
        Binding("J", "reorder(1)", "Later in order", show=False),
        Binding("K", "reorder(-1)", "Earlier in order", show=False),
    ]
    HINT = "w writes the answer of the person marked ▶ (Q4 answers are risks)"
    WANTS_KEYS = True  # the capture line hands the keys back here when it closes

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.question = 1
        self.who: int | None = None  # the pointed attendee's id
        self._order: list[Attendee] = []
        self._answers: dict[tuple[int, int], str] = {}
        self._sent: set[tuple[int, int]] = set()  # answers saved here, not in the record yet
        self._chosen: tuple[int, int | None] | None = None  # j/k/[/] on this terminal

    def prompts(self) -> list[str]:
        asked = {q.casefold() for q in FIVE_QUESTIONS}
        return [p for p in self.block.prompts if p.strip().casefold() not in asked]

    def body(self) -> ComposeResult:
        yield Static("", id="grid")
        yield Static("", id="current", classes="section")
        yield from super().body()

    def focus_moved(self, old: Widget | None, new: Widget | None) -> None:
        # j/k/w should work without a click: whenever nothing has focus (the block just opened,
        # the capture line was closed with Enter or Esc), the view takes it. The cockpit's own
        # keys still reach the screen, since the view binds none of them.
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

    def _point(self) -> None:
        """Where the pointer is: chosen here by hand, else derived from the record (and the
        answers this terminal saved that the record does not show yet)."""
        ids = [a.id for a in self._order]
        if self._chosen is not None and self._chosen[1] in ids:
            self.question, self.who = self._chosen
            return
        self._chosen = None
        up = next_up(self._order, self._answers.keys() | self._sent)
        if up is not None:
            self.question, self.who = up
        else:  # every answer is in: point at nobody (w says so; j/k pick one to edit)
            self.who = None

    def _index(self) -> int:
        return next((n for n, a in enumerate(self._order) if a.id == self.who), -1)

    def action_move(self, delta: int) -> None:
        """Next/previous person; past the last (first) one, the next (previous) question."""
        if not self._order:
            return
        here = self._index()
        if here < 0:  # every answer is in: start from the first (or last) person
            self._chosen = (self.question, self._order[0 if delta > 0 else -1].id)
            self._repaint()
            return
        pos = (self.question - 1) * len(self._order) + here + delta
        pos = max(0, min(pos, 5 * len(self._order) - 1))
        question, n = divmod(pos, len(self._order))
        self._chosen = (question + 1, self._order[n].id)
        self._repaint()

    def action_question(self, delta: int) -> None:
        who = self.who if self.who is not None else (self._order[0].id if self._order else None)
        self._chosen = (max(1, min(5, self.question + delta)), who)
        self._repaint()

    def action_write(self) -> None:
        target = self.answer_target
        if target is None:
            said = ("every answer is in — j/k point at one to edit it" if self._order
                    else "no customer attendee present to answer")  # fmt: skip
            self.notify(said, severity="warning", markup=False)
            return
        existing = self._answers.get((target.attendee_id, target.question), "")
        label = f"{'edit ' if existing else ''}Q{target.question} {target.attendee_name}"
        self.screen.query_one(CaptureLine).open("answer", existing, label=label, target=target)

    def action_reorder(self, delta: int) -> None:
        """Move the marked person later (more senior) or earlier in the answer order, for
        every terminal: the order is written as seniority numbers."""
        here = self._index()
        if here < 0 or not 0 <= here + delta < len(self._order):
            return
        ids = [a.id for a in self._order if a.id is not None]
        ids.insert(here + delta, ids.pop(here))
        mid, by = self.block.meeting_id, getattr(self.screen, "role", "cli")

        def run(store: Any) -> None:
            from kickoff_tui.core.five import set_order

            set_order(store, mid, ids, by=by)

        self.screen.run_job(run, label="order")  # type: ignore[attr-defined]

    def on_block_view_saved(self, message: BlockView.Saved) -> None:
        if message.answer is not None:  # the pointer moves on at once, before the record shows it
            self._sent.add((message.answer.attendee_id, message.answer.question))
            self._chosen = None
            self._repaint()

    def _repaint(self) -> None:
        if self._latest is not None:
            self.paint(*self._latest)

    # -- drawing ---------------------------------------------------------------------------
    def paint(self, state: MeetingState, mt: MeetingTime) -> None:
        self._order = respondents(state)
        self._answers = {
            (a.attendee_id, a.question): a.text for a in state.snap.answers if a.text.strip()
        }
        self._sent -= self._answers.keys()
        self._point()
        args = (self._order, self._answers, self.question, self.who, self.text_width)
        self.put("#grid", grid_text(*args))
        self.put("#current", current_text(*args))
        self.paint_raised(state)
