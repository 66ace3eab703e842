"""The facilitator's cockpit (and, with role note-taker, the second terminal's view).

State flows down: the screen owns a :class:`MeetingState` and repaints children from it. Events
flow up: keys and the capture line call one core function each, then the change feed (the
writer's own commits included) tells every open terminal what to reload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from kickoff_tui.core import presence, timers
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.drafts import DraftBox
from kickoff_tui.core.errors import KickoffError
from kickoff_tui.core.record import save_block_note
from kickoff_tui.core.store import is_disconnect
from kickoff_tui.tui.blocks import view_for
from kickoff_tui.tui.blocks.base import BlockView
from kickoff_tui.tui.commands import COCKPIT, bindings
from kickoff_tui.tui.screens.capture_actions import CaptureActions
from kickoff_tui.tui.screens.live_link import LiveLink
from kickoff_tui.tui.screens.timer_actions import TimerActions
from kickoff_tui.tui.state import MeetingState
from kickoff_tui.tui.widgets.agenda_rail import AgendaRail
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.clocks import ClockBar, block_state
from kickoff_tui.tui.widgets.health_panel import HealthPanel
from kickoff_tui.tui.widgets.item_pane import ItemPane
from kickoff_tui.tui.widgets.key_bar import KeyBar
from kickoff_tui.tui.widgets.notes import RunningNotes

PANES = (("action", "Actions"), ("decision", "Decisions"), ("risk", "Risks"))


class CockpitScreen(CaptureActions, LiveLink, TimerActions, Screen[None]):
    BINDINGS: ClassVar = bindings(COCKPIT)
    COMMANDS_DEF = COCKPIT
    AUTO_FOCUS = ""  # keys belong to the cockpit until the user picks a pane or the line

    def __init__(self, state: MeetingState, role: str = "facilitator") -> None:
        super().__init__()
        self.state = state
        self.demoted_by: str | None = None
        if role == "facilitator":
            other = presence.live_facilitator(state.store, state.meeting_id, self.now())
            if other is not None:  # never two facilitators: the second one takes notes
                role, self.demoted_by = "note-taker", other.label
        self.role = role
        self.in_control = role == "facilitator"
        self.feed = state.store.feed(state.meeting_id)
        self.viewing: int | None = None  # the block whose view is shown
        self.proposal: timers.Proposal | None = None
        self.mt: MeetingTime | None = None
        self.opened_at: Any = None  # when this screen opened, for the start-on-time rule
        self.presence_id: int | None = None
        self.peers: list[presence.Peer] = []
        self._rung: set[tuple[int, str]] = set()
        self._undo: list[int] = []

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="titlebar")
        yield ClockBar("", id="clockbar")
        yield Static("", id="banner")
        yield HealthPanel(id="health")
        with Horizontal(id="main"):
            yield AgendaRail(id="rail")
            with Vertical(id="center"):
                yield Vertical(id="blockarea")
                if self.role == "note-taker":
                    yield RunningNotes(self._save_notes, id="notes")
            with Vertical(id="panes"):
                for kind, title in PANES:
                    yield ItemPane(kind, title, id=f"pane-{kind}")
        role = getattr(self.app, "role", self.role)  # run/join's own draft, even when demoted
        yield CaptureLine(self.preview, DraftBox(self.state.store.url, self.state.meeting_id, role),
                          id="capture")  # fmt: skip
        yield KeyBar(COCKPIT, id="keybar")

    def on_mount(self) -> None:
        self.opened_at = self.now()
        self.presence_id = presence.join(self.state.store, self.state.meeting_id, self.role,
                                         self.opened_at)  # fmt: skip
        if self.in_control:
            presence.claim_control(self.state.store, self.presence_id, self.opened_at)
        if self.demoted_by:
            said = f"{self.demoted_by} is already running this meeting: you joined as note-taker"
            self.notify(said + " (ctrl+t takes control of the timers)", markup=False)
        self.refresh_all()
        self.beat()
        self.set_interval(0.25, self.tick)
        self.set_interval(0.1, self.poll_feed)
        self.set_interval(presence.HEARTBEAT_S, self.safe_beat)
        self.set_interval(1.0, self.query_one(HealthPanel).recheck)
        self.query_one(CaptureLine).restore_draft()  # what a killed terminal was typing

    def on_resize(self) -> None:
        narrow = self.size.width < 100
        self.query_one(AgendaRail).set_class(narrow, "-narrow")
        self.query_one("#panes").set_class(narrow, "-narrow")

    def on_unmount(self) -> None:
        for notes in self.query(RunningNotes):
            notes.flush()
        if (me := self.presence_id) is not None:
            self.guarded(lambda: presence.leave(self.state.store, me))
        self.feed.close()

    def now(self) -> Any:
        return self.app.clock()  # type: ignore[attr-defined]

    # -- clocks and presence -----------------------------------------------------------------
    def tick(self) -> None:
        """Repaint the clocks from stored events and now; start on time; ring the bell."""
        snap = self.state.snap
        mt = self.mt = timers.meeting_time(snap, self.now())
        if self.in_control and not mt.started and snap.blocks and self._start_due(mt):
            self.act(lambda: timers.start(self.state.store, snap.meeting.id, mt.now, by=self.role))
            return
        current = snap.block(mt.current_block_id)
        self.query_one(ClockBar).show(mt, snap.meeting.tz, current.title if current else None)
        self.query_one(AgendaRail).show(snap.blocks, mt, self.viewing)
        state = block_state(mt)
        if (
            state != "ok"
            and mt.current_block_id is not None
            and (mt.current_block_id, state) not in self._rung
        ):
            self._rung.add((mt.current_block_id, state))
            if self.app.bell_on:  # type: ignore[attr-defined]
                self.app.bell()
        self.proposal = timers.propose(snap, mt) if self.in_control else None
        self._show_banner(mt)
        if mt.current_block_id is not None and mt.current_block_id != self.viewing:
            self.show_block(mt.current_block_id)  # everyone follows the running block

    def _start_due(self, mt: MeetingTime) -> bool:
        """Start by itself when the scheduled time arrives while the cockpit is open (or was
        opened less than 10 minutes late); never when an old meeting is opened to review."""
        start = mt.scheduled_start
        return start <= mt.now and (self.opened_at or mt.now) <= start.add(minutes=10)

    def _show_banner(self, mt: MeetingTime) -> None:
        banner = self.query_one("#banner", Static)
        banner.display = self.proposal is not None
        if self.proposal is not None:
            t = Text(f"Running {int(mt.behind_s // 60)} min behind. ", style="bold")
            t.append("b rebalances: ")
            t.append(self.proposal.describe(self.state.snap.blocks))
            banner.update(t)

    def beat(self) -> None:
        """Heartbeat; notice who joined or left; follow whoever controls the timers."""
        store, mid, now = self.state.store, self.state.meeting_id, self.now()
        if self.presence_id is None:
            return
        presence.heartbeat(store, self.presence_id, now)
        peers = presence.peers(store, mid, now)
        if (self.role == "facilitator" or self.demoted_by) and not any(p.controls for p in peers):
            # The controller left (or the "other facilitator" was a crashed one): take over.
            if self.demoted_by and self.role != "facilitator":
                self.role, self.demoted_by = "facilitator", None
            presence.claim_control(store, self.presence_id, now)
            peers = presence.peers(store, mid, now)
        before = {p.id: p.label for p in self.peers if p.id != self.presence_id}
        after = {p.id: p.label for p in peers if p.id != self.presence_id}
        for pid in before.keys() - after.keys():
            self.notify(before[pid] + " left", severity="warning", markup=False)
        if self.peers:  # the first look only learns who is already here
            for pid in after.keys() - before.keys():
                self.notify(after[pid] + " joined", markup=False)
        self.peers = peers  # always holds this terminal too, so "first look" is over
        self.in_control = any(p.controls and p.id == self.presence_id for p in peers)
        self._paint_title()

    def action_take_control(self) -> None:
        me = self.presence_id
        if me is not None and self.guarded(
            lambda: presence.claim_control(self.state.store, me, self.now())
        ):
            self.safe_beat()
            self.notify("you control the timers now", markup=False)

    def action_toggle_bell(self) -> None:
        self.app.bell_on = not self.app.bell_on  # type: ignore[attr-defined]
        self.notify("bell on" if self.app.bell_on else "bell off", markup=False)  # type: ignore[attr-defined]

    # -- data --------------------------------------------------------------------------------
    def poll_feed(self) -> None:
        applied = self.poll_guarded(self.feed, self.state.apply)
        if applied is None:  # the database cannot be reached: "reconnecting…" (LiveLink)
            return
        if applied.meta:
            self.refresh_all()
        elif applied.kinds:
            self.refresh_items(applied.kinds)
        if applied.notes and self.role == "note-taker":
            notes = self.query_one(RunningNotes)
            notes.update_from_store(self.state.note_text(notes.block_id))

    def refresh_items(self, kinds: set[str]) -> None:
        self.query_one(HealthPanel).mark_dirty()
        for kind, _title in PANES:
            if kind in kinds:
                self.query_one(f"#pane-{kind}", ItemPane).set_items(self.state.newest_first(kind))
        view = self.block_view
        if view is not None and self.mt is not None:
            view.show(self.state, self.mt)

    def _paint_title(self) -> None:
        m = self.state.snap.meeting
        t = Text(no_wrap=True, overflow="ellipsis")
        if self.offline:
            t.append("⚠ reconnecting… ", style="bold reverse")
        t.append(m.title, style="bold")
        t.append(f" · {m.local_start().format('ddd D MMM YYYY HH:mm zz')}")
        score = self.query_one(HealthPanel).score
        if score is not None:
            t.append(f" · health {score}", style="bold")
        t.append(f" · {self.role}{'' if self.in_control else ' (following)'}")
        others = [p for p in self.peers if p.id != self.presence_id]
        if others:
            t.append(" · with " + ", ".join(p.label + (" ⏱" if p.controls else "") for p in others))
        self.query_one("#titlebar", Static).update(t)

    def refresh_all(self) -> None:
        self.query_one(HealthPanel).follow(self.state, self.now)
        self._paint_title()
        self.tick()
        if self.viewing is None and self.state.snap.blocks:
            self.show_block(self.state.snap.blocks[0].id)
        self.refresh_items({k for k, _ in PANES})

    @property
    def block_view(self) -> BlockView | None:
        views = self.query_one("#blockarea").query(BlockView)
        return views.first() if views else None

    def show_block(self, block_id: int | None) -> None:
        block = self.state.snap.block(block_id)
        if block is None:
            return
        if block_id == self.viewing and self.block_view is not None:
            if self.mt is not None:
                self.block_view.show(self.state, self.mt)
            return
        self.viewing = block_id
        area = self.query_one("#blockarea")
        area.remove_children()
        view = view_for(block)
        area.mount(view)
        if self.mt is not None:
            view.show(self.state, self.mt)
        if self.role == "note-taker":
            self.query_one(RunningNotes).load(block_id, self.state.note_text(block_id))

    def _save_notes(self, block_id: int, text: str) -> None:
        if not self.may_try() or self.act(lambda: save_block_note(
                self.state.store, self.state.meeting_id, block_id, text, by=self.role),
                repaint=False) is None:  # fmt: skip
            for notes in self.query(RunningNotes):
                notes.unsaved()  # saved again later; never replaced by the older stored copy

    def act(self, fn: Callable[[], Any], repaint: bool = True) -> Any:
        """Run one core write; show its error in one line instead of crashing; repaint."""
        try:
            result = fn()
        except Exception as exc:
            if not self.failed(exc):
                raise
            return None
        if repaint:
            self.poll_feed()
        return result

    # -- health and export ------------------------------------------------------------------
    def action_toggle_health(self) -> None:
        self.query_one(HealthPanel).toggle()

    def action_export(self) -> None:
        self.notify("exporting the follow-through pack…", markup=False, timeout=2)
        self._export()

    @work(thread=True, exclusive=True, group="export")
    def _export(self) -> None:
        from kickoff_tui.core.export.pack import export_and_record
        from kickoff_tui.core.locations import export_dir

        where = export_dir(self.state.meeting_id)
        try:
            paths = export_and_record(self.state.store, self.state.meeting_id, where, self.now())
        except Exception as exc:
            if not (isinstance(exc, KickoffError) or is_disconnect(exc)):
                raise
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, f"{len(paths)} files written to {where}",
                                  markup=False, timeout=10)  # fmt: skip
