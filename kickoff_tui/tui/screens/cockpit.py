"""The facilitator's cockpit (and, with role note-taker, the second terminal's view).

State flows down: the screen owns a :class:`MeetingState`, repaints children from it. Events
flow up: keys and the capture line call one core function each, then the change feed (the
writer's own commits included) tells every open terminal what to reload.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from kickoff_tui.core import entry, timers
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.errors import ConflictError, KickoffError
from kickoff_tui.core.record import set_deleted, update_item
from kickoff_tui.tui.blocks import view_for
from kickoff_tui.tui.blocks.base import BlockView
from kickoff_tui.tui.commands import COCKPIT, bindings
from kickoff_tui.tui.state import MeetingState
from kickoff_tui.tui.widgets.agenda_rail import AgendaRail
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.clocks import ClockBar, block_state
from kickoff_tui.tui.widgets.item_pane import ItemPane

PANES = (("action", "Actions"), ("decision", "Decisions"), ("risk", "Risks"))


class CockpitScreen(Screen[None]):
    BINDINGS: ClassVar = bindings(COCKPIT)
    AUTO_FOCUS = None  # keys belong to the cockpit until the user picks a pane or the line
    COMMANDS_DEF = COCKPIT

    def __init__(self, state: MeetingState, role: str = "facilitator") -> None:
        super().__init__()
        self.state = state
        self.role = role
        self.in_control = role == "facilitator"
        self.feed = state.store.feed(state.meeting_id)
        self.viewing: int | None = None  # the block whose view is shown
        self._rung: set[tuple[int, str]] = set()
        self._undo: list[int] = []
        self.proposal: timers.Proposal | None = None
        self.mt: MeetingTime | None = None
        self.opened_at = None  # when this screen opened, for the start-on-time rule

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="titlebar")
        yield ClockBar("", id="clockbar")
        yield Static("", id="banner")
        with Horizontal(id="main"):
            yield AgendaRail(id="rail")
            yield Vertical(id="blockarea")
            with Vertical(id="panes"):
                for kind, title in PANES:
                    yield ItemPane(kind, title, id=f"pane-{kind}")
        yield CaptureLine(self.preview, id="capture")
        yield Footer()

    def on_mount(self) -> None:
        self.opened_at = self.now()
        self.refresh_all()
        self.set_interval(0.25, self.tick)
        self.set_interval(0.1, self.poll_feed)

    def on_resize(self) -> None:
        narrow = self.size.width < 100
        self.query_one(AgendaRail).set_class(narrow, "-narrow")
        self.query_one("#panes").set_class(narrow, "-narrow")

    def on_unmount(self) -> None:
        self.feed.close()

    # -- clocks ------------------------------------------------------------------------------
    def now(self):  # noqa: ANN201 - pendulum.DateTime
        return self.app.clock()  # type: ignore[attr-defined]

    def tick(self) -> None:
        """Repaint the clocks from stored events and now; start on time; ring the bell."""
        snap = self.state.snap
        mt = timers.meeting_time(snap, self.now())
        self.mt = mt
        if self.in_control and not mt.started and snap.blocks and self._start_due(mt):
            self.act(lambda: timers.start(self.state.store, snap.meeting.id, mt.now, by=self.role))
            return
        current = snap.block(mt.current_block_id)
        self.query_one(ClockBar).show(mt, snap.meeting.tz, current.title if current else None)
        self.query_one(AgendaRail).show(snap.blocks, mt, self.viewing)
        state = block_state(mt)
        if state != "ok" and mt.current_block_id is not None:
            key = (mt.current_block_id, state)
            if key not in self._rung:
                self._rung.add(key)
                if self.app.bell_on:  # type: ignore[attr-defined]
                    self.app.bell()
        self.proposal = timers.propose(snap, mt) if self.in_control else None
        self._show_banner(mt)
        if mt.current_block_id is not None and mt.current_block_id != self.viewing:
            self.show_block(mt.current_block_id)

    def _start_due(self, mt: MeetingTime) -> bool:
        """Start by itself when the scheduled time arrives while the cockpit is open (or was
        opened less than 10 minutes late); never when an old meeting is opened to review."""
        start = mt.scheduled_start
        opened = self.opened_at or mt.now
        return start <= mt.now and opened <= start.add(minutes=10)

    def _show_banner(self, mt: MeetingTime) -> None:
        banner = self.query_one("#banner", Static)
        if self.proposal is None:
            banner.display = False
            return
        banner.display = True
        t = Text(f"Running {int(mt.behind_s // 60)} min behind. ", style="bold")
        t.append("b rebalances: ")
        t.append(self.proposal.describe(self.state.snap.blocks))
        banner.update(t)

    # -- data --------------------------------------------------------------------------------
    def poll_feed(self) -> None:
        changes = self.feed.poll()
        if not changes:
            return
        applied = self.state.apply(changes)
        if applied.meta:
            self.refresh_all()
        else:
            self.refresh_items(applied.kinds)

    def refresh_items(self, kinds: set[str]) -> None:
        for kind, _title in PANES:
            if kind in kinds:
                self.query_one(f"#pane-{kind}", ItemPane).set_items(self.state.newest_first(kind))
        view = self.block_view
        if view is not None and self.mt is not None:
            view.show(self.state, self.mt)

    def refresh_all(self) -> None:
        m = self.state.snap.meeting
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(m.title, style="bold")
        t.append(f" · {m.local_start().format('ddd D MMM YYYY HH:mm zz')} · {m.template}")
        t.append(f" · {self.role}{'' if self.in_control or self.role == 'facilitator' else ' (following)'}")
        self.query_one("#titlebar", Static).update(t)
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
        self.viewing = block_id
        area = self.query_one("#blockarea")
        area.remove_children()
        view = view_for(block)
        area.mount(view)
        if self.mt is not None:
            self.call_after_refresh(view.show, self.state, self.mt)

    def act(self, fn) -> object:  # noqa: ANN001 - a zero-argument core call
        """Run one core write; show its error in one line instead of crashing; repaint."""
        try:
            result = fn()
        except KickoffError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return None
        self.state.apply(self.feed.poll(force=True))
        self.refresh_all()
        return result

    # -- timer actions -----------------------------------------------------------------------
    def _timer(self, fn) -> object:  # noqa: ANN001
        if not self.in_control:
            self.notify("the facilitator drives the timers — ctrl+t takes control", markup=False)
            return None
        return self.act(fn)

    def action_start(self) -> None:
        store, mid = self.state.store, self.state.meeting_id
        if self._timer(lambda: timers.start(store, mid, self.now(), by=self.role)) is False:
            self.notify("the meeting has already started", markup=False)

    def action_pause(self) -> None:
        self._timer(lambda: timers.toggle_pause(self.state.store, self.state.meeting_id, self.now(), by=self.role))

    def _step(self, delta: int) -> None:
        r = self._timer(lambda: timers.step(self.state.store, self.state.meeting_id, delta, self.now(), by=self.role))
        if r == "not-started":
            self.notify("press s to start the meeting first", markup=False)
        elif r == "ended":
            self.notify("meeting ended: blocks never opened went to the parking lot", markup=False)

    def action_next_block(self) -> None:
        self._step(1)

    def action_prev_block(self) -> None:
        self._step(-1)

    def action_extend(self) -> None:
        self._timer(lambda: timers.extend(self.state.store, self.state.meeting_id, self.now(), by=self.role))

    def action_end_meeting(self) -> None:
        self._timer(lambda: timers.end(self.state.store, self.state.meeting_id, self.now(), by=self.role))

    def action_rebalance(self) -> None:
        proposal = self.proposal
        if proposal is None:
            self.notify("on time: nothing to rebalance", markup=False)
            return
        if self._timer(lambda: timers.accept(self.state.store, proposal, by=self.role)) is None:
            self.notify(f"rebalanced: {proposal.saves_min} min taken from later blocks", markup=False)

    def action_toggle_bell(self) -> None:
        self.app.bell_on = not self.app.bell_on  # type: ignore[attr-defined]
        self.notify(f"bell {'on' if self.app.bell_on else 'off'}", markup=False)  # type: ignore[attr-defined]

    def action_take_control(self) -> None:
        self.in_control = True
        self.refresh_all()

    def action_toggle_health(self) -> None:
        self.notify("health panel: see `kickoff check`", markup=False)

    def action_export(self) -> None:
        self.notify("export: see `kickoff export --all`", markup=False)

    # -- capture -----------------------------------------------------------------------------
    def action_capture(self, kind: str) -> None:
        self.query_one(CaptureLine).open(kind)

    def preview(self, kind: str, text: str) -> tuple[bool, str]:
        view = self.block_view
        target = view.answer_target if view is not None else None
        return entry.preview(self.state.snap.meeting, self.state.people, kind, text, target)

    @on(CaptureLine.Submitted)
    def save_line(self, message: CaptureLine.Submitted) -> None:
        view = self.block_view
        line = self.query_one(CaptureLine)
        try:
            saved = entry.submit(
                self.state.store, self.state.snap.meeting, self.state.people, message.kind,
                message.text, block_id=self.viewing, by=self.role, editing=message.editing,
                answer=view.answer_target if view is not None else None,
            )  # fmt: skip
        except ConflictError as exc:
            self._conflict(exc, message)
            return
        except KickoffError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        line.saved()
        if saved.item is not None:
            self.refresh_items(self.state.put([saved.item]))
        else:
            self.state.apply(self.feed.poll(force=True))
            self.refresh_all()
            if view is not None:
                view.post_message(BlockView.Saved())  # let the view advance (Five Questions)
        self.notify(saved.message, markup=False, timeout=2)

    def _conflict(self, exc: ConflictError, message: CaptureLine.Submitted) -> None:
        """Show the newer version; keep the user's text on the line; Enter again overwrites."""
        current = exc.current
        self.notify(str(exc), severity="warning", markup=False, timeout=8)
        if current is not None:
            self.notify(f"newer text: {entry.to_line(current)}", markup=False, timeout=12)  # type: ignore[arg-type]
            self.query_one(CaptureLine).open(message.kind, message.text, editing=current)  # type: ignore[arg-type]

    @on(ItemPane.Act)
    def item_action(self, message: ItemPane.Act) -> None:
        item, store = message.item, self.state.store
        if message.verb == "undo":
            if not self._undo:
                self.notify("nothing to undo", markup=False)
                return
            item_id = self._undo.pop()
            self.act(lambda: set_deleted(store, item_id, False, by=self.role))
            self.notify("restored", markup=False)
            return
        if item is None or item.id is None:
            return
        if message.verb == "edit":
            self.query_one(CaptureLine).open(item.kind, entry.to_line(item), editing=item)
        elif message.verb == "delete":
            self.act(lambda: set_deleted(store, item.id, True, by=self.role))  # type: ignore[arg-type]
            self._undo.append(item.id)
            self.notify("deleted — u to undo", markup=False)
        elif message.verb == "done":
            new = "open" if item.status == "done" else "done"
            self.act(lambda: update_item(store, item.id, item.version, by=self.role, status=new))  # type: ignore[arg-type]
        elif message.verb == "internal":
            self.act(lambda: update_item(store, item.id, item.version, by=self.role, internal=not item.internal))  # type: ignore[arg-type]
