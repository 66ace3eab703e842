"""The facilitator's cockpit (and, with role note-taker, the second terminal's view).

State flows down: the screen owns a :class:`MeetingState` (plain rows) and repaints children from
it. Events flow up: keys and the capture line put one command each on the meeting session's
queue and return at once (``SessionLink.run_job``); the session's writer thread runs them in
order, and its reader hands every change (ours included) back as a :class:`SessionChanged`
message, which repaints only what it touched. Nothing here waits for the database, and nothing
here imports SQLModel: the screen is complete and takes keys from its first frame.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from kickoff_tui.core import timebox
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.drafts import DraftBox
from kickoff_tui.core.session import MeetingSession
from kickoff_tui.tui.blocks import view_for
from kickoff_tui.tui.blocks.base import BlockView
from kickoff_tui.tui.commands import COCKPIT, bindings
from kickoff_tui.tui.live import SessionChanged
from kickoff_tui.tui.screens.capture_actions import CaptureActions
from kickoff_tui.tui.screens.editors import Editors
from kickoff_tui.tui.screens.layout import CockpitLayout
from kickoff_tui.tui.screens.live_link import SessionLink
from kickoff_tui.tui.screens.timer_actions import TimerActions
from kickoff_tui.tui.state import MeetingState
from kickoff_tui.tui.widgets.agenda_rail import AgendaRail
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.clocks import ClockBar, block_state
from kickoff_tui.tui.widgets.health_panel import HealthPanel
from kickoff_tui.tui.widgets.item_pane import ItemPane
from kickoff_tui.tui.widgets.key_bar import KeyBar
from kickoff_tui.tui.widgets.title_bar import TitleBar

PANES = (("action", "Actions"), ("decision", "Decisions"), ("risk", "Risks"))


class CockpitScreen(
    CaptureActions, SessionLink, TimerActions, CockpitLayout, Editors, Screen[None]
):
    BINDINGS: ClassVar = bindings(COCKPIT)
    COMMANDS_DEF = COCKPIT
    AUTO_FOCUS = ""  # keys belong to the cockpit until the user picks a pane or the line

    def __init__(self, state: MeetingState, session: MeetingSession, role: str = "facilitator"):
        super().__init__()
        self.state = state
        self.session = session
        self.role = role
        self.in_control = role == "facilitator"  # the session's join confirms (or demotes)
        self.viewing: int | None = None  # the block whose view is shown
        self.proposal: timebox.Proposal | None = None
        self.mt: MeetingTime | None = None
        self.opened_at: Any = None  # when this screen opened, for the start-on-time rule
        self._rung: set[tuple[int, str]] = set()
        self._undo: list[int] = []
        self._notes_sent: dict[int, str] = {}
        self._resumed = False

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TitleBar("", id="titlebar")
        yield ClockBar("", id="clockbar")
        yield Static("", id="banner")
        yield HealthPanel(id="health")
        with Horizontal(id="main"):
            yield AgendaRail(id="rail")
            with Vertical(id="center"):
                with Vertical(id="blockarea"):
                    yield from self._first_view()
                if self.role == "note-taker":
                    yield self.running_notes()
            with Vertical(id="panes"):
                yield Static("", id="pane-tabs")
                for kind, title in PANES:
                    yield ItemPane(kind, title, id=f"pane-{kind}")
        role = getattr(self.app, "role", self.role)  # run/join's own draft, even when demoted
        drafts = DraftBox(self.session.url, self.state.meeting_id, role)
        yield CaptureLine(self.preview, drafts, id="capture")
        yield KeyBar(COCKPIT, id="keybar")

    def _first_view(self) -> ComposeResult:
        """The block view the first frame shows (the running block, else the first), composed
        with the screen: mounted later, it would only appear a frame or two after the rest."""
        snap = self.state.snap
        if not snap.blocks:
            return
        current = self.state.time(self.now()).current_block_id
        block = snap.block(current) or snap.blocks[0]
        self.viewing = block.id
        yield view_for(block)

    def on_mount(self) -> None:
        self.opened_at = self.now()
        self.fit(self.app.size)  # the layout for this terminal from the first frame
        self.link_session()  # starts the session (the store opens behind the screen); joins
        self.refresh_all()
        # The clocks show seconds: one repaint a second, on the second, is all they need.
        self.set_timer(1.0 - self.opened_at.microsecond / 1e6 + 0.01, self._start_ticking)
        self.set_interval(1.0, self.query_one(HealthPanel).recheck)
        self.query_one(CaptureLine).restore_draft()  # what a killed terminal was typing

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first time, the widgets have just been styled as they mounted: styling them all
        again (Textual's default on every resume) would only delay the first frame."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _start_ticking(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def on_unmount(self) -> None:
        for notes in self.query("#notes"):
            notes.flush()
        self.unlink_session()

    def now(self) -> Any:
        return self.app.clock()

    # -- clocks ----------------------------------------------------------------------------
    def tick(self) -> None:
        """Repaint the clocks from stored (and pending) events and now; start on time; ring."""
        state = self.state
        mt = self.mt = state.time(self.now())
        if self.in_control and not mt.started and state.snap.blocks and self._start_due(mt):
            self.action_start()  # shows it started at once (and repaints: ticks again)
            return
        current = state.snap.block(mt.current_block_id)
        self.query_one(ClockBar).show(mt, state.snap.meeting.tz, current.title if current else None,
                                      self.query_one(HealthPanel).readiness)  # fmt: skip
        self.query_one(AgendaRail).show(state.snap.blocks, mt, self.viewing)
        bell = block_state(mt)
        rung = (mt.current_block_id, bell)
        if bell != "ok" and mt.current_block_id is not None and rung not in self._rung:
            self._rung.add(rung)  # type: ignore[arg-type]
            if self.app.bell_on:
                self.app.bell()
        self.proposal = timebox.propose(state.timeline, mt) if self.in_control else None
        self._show_banner(mt)
        if mt.current_block_id is not None and mt.current_block_id != self.viewing:
            self.show_block(mt.current_block_id)  # everyone follows the running block
        self.place_toasts()  # (the capture line may have grown: toasts stay above it)

    def _start_due(self, mt: MeetingTime) -> bool:
        """Start by itself when the scheduled time arrives while the cockpit is open (or was
        opened less than 10 minutes late); never when an old meeting is opened to review."""
        start = mt.scheduled_start
        return start <= mt.now and (self.opened_at or mt.now) <= start.add(minutes=10)

    def _show_banner(self, mt: MeetingTime) -> None:
        banner = self.query_one("#banner", Static)
        over = self.over_box() if not mt.ended else None
        shown = self.proposal is not None or over is not None
        if banner.display != shown:
            banner.display = shown
        t = Text()
        if self.proposal is not None:
            t.append(f"Running {int(mt.behind_s // 60)} min behind. ", style="bold")
            t.append("b rebalances: ")
            t.append(self.proposal.describe(self.state.snap.blocks))
        if over is not None:
            t.append("\n" if t else "")
            t.append(over, style="bold")
        if shown and t.plain != getattr(banner, "_shown", None):
            banner._shown = t.plain
            banner.update(t)

    def action_toggle_bell(self) -> None:
        self.app.bell_on = not self.app.bell_on
        self.notify("bell on" if self.app.bell_on else "bell off", markup=False)

    # -- data --------------------------------------------------------------------------------
    def on_session_changed(self, message: SessionChanged) -> None:
        applied = self.state.merge(message.delta)
        if applied.full:
            self.refresh_all()
            return
        if applied.meta:
            self.query_one(HealthPanel).mark_dirty()
            self._paint_title()
            self._follow_agenda()
            self.tick()
            self._repaint_view()
            self.editors_follow()
        if applied.kinds:
            self.refresh_items(applied.kinds)
        if (applied.notes or applied.meta) and self.role == "note-taker":
            for notes in self.query("#notes").results():
                if not self.ahead_of(f"note:{notes.block_id}", message.delta.as_of):
                    notes.update_from_store(self.state.note_text(notes.block_id))

    def refresh_items(self, kinds: set[str]) -> None:
        self.query_one(HealthPanel).mark_dirty()
        for kind, _title in PANES:
            if kind in kinds:
                self.query_one(f"#pane-{kind}", ItemPane).set_items(self.state.newest_first(kind))
        shown = [kind for kind, _title in PANES if kind in kinds]
        if len(shown) == 1:
            self.show_pane(shown[0])  # (a narrow terminal shows the pane that just changed)
        self._show_panes()
        self._repaint_view()

    def _repaint_view(self) -> None:
        view = self.block_view
        if view is not None and self.mt is not None:
            view.show(self.state, self.mt)

    def refresh_all(self) -> None:
        self.query_one(HealthPanel).follow(self.state, self.now)
        self._paint_title()
        self.tick()
        if self.viewing is None and self.state.snap.blocks:
            self.show_block(self.state.snap.blocks[0].id)
        else:  # the first view came with the screen: its running notes follow it too
            self._load_notes(self.viewing)
        self.refresh_items({k for k, _ in PANES})

    def _follow_agenda(self) -> None:
        """The agenda was edited: a renamed, moved or removed block gets its view again."""
        view, block = self.block_view, self.state.snap.block(self.viewing)
        if view is None or block is None:
            if self.viewing is not None and block is None:  # removed: show another
                self.viewing = None
                first = self.state.snap.blocks[0].id if self.state.snap.blocks else None
                self.show_block(first)
            return
        if (view.block.title, view.block.position) != (block.title, block.position):
            self.viewing = None
            self.show_block(block.id)

    @property
    def block_view(self) -> BlockView | None:
        # The view being removed (after a quick move to another block) is not the shown one.
        views = self.query_one("#blockarea").query(BlockView)
        return next((v for v in views if v.block.id == self.viewing), None)

    def show_block(self, block_id: int | None) -> None:
        block = self.state.snap.block(block_id)
        if block is None:
            return
        if block_id == self.viewing and self.block_view is not None:
            self._repaint_view()  # (the first view is composed with the screen: this path)
            self._load_notes(block_id)
            return
        self.viewing = block_id
        area = self.query_one("#blockarea")
        area.remove_children()
        view = view_for(block)
        area.mount(view)
        if self.mt is not None:
            view.show(self.state, self.mt)
        self._load_notes(block_id)

    def _load_notes(self, block_id: int | None) -> None:
        """The note-taker's running notes follow the block shown (a no-op for the same one)."""
        if self.role == "note-taker":
            for notes in self.query("#notes").results():
                notes.load(block_id, self.note_text(block_id))

    def running_notes(self) -> Widget:
        from kickoff_tui.tui.widgets.notes import RunningNotes  # (TextArea: note-takers only)

        return RunningNotes(self._save_notes, id="notes")

    def note_text(self, block_id: int | None) -> str:
        """A block's notes: what this screen sent last, while the store has not shown it yet."""
        if block_id is not None and self.ahead_of(f"note:{block_id}", self.state.as_of):
            return self._notes_sent.get(block_id, "")
        return self.state.note_text(block_id)

    def _save_notes(self, block_id: int, text: str) -> None:
        mid, by = self.state.meeting_id, self.role
        self._notes_sent[block_id] = text

        def run(store: Any) -> None:
            from kickoff_tui.core.record import save_block_note  # (in the writer thread)

            save_block_note(store, mid, block_id, text, by=by)

        self.run_job(run, label="note", key=f"note:{block_id}")

    # -- health and export ------------------------------------------------------------------
    def action_toggle_health(self) -> None:
        self.query_one(HealthPanel).toggle()

    def action_export(self) -> None:
        from kickoff_tui.core.locations import export_dir

        mid, now = self.state.meeting_id, self.now()
        where = export_dir(mid)

        def run(store: Any) -> int:
            from kickoff_tui.core.export.pack import export_and_record

            return len(export_and_record(store, mid, where, now))

        self.notify("exporting the follow-through pack…", markup=False, timeout=2)
        self.run_job(run, label="export", done=lambda n: self.notify(
            f"{n} files written to {where}", markup=False, timeout=10))  # fmt: skip
