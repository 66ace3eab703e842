"""The kickoff App: apply the theme, push the first screen. Nothing more.

Opening a meeting (``kickoff run ID``) shows the real cockpit in the first frame: on SQLite it is
filled from a read-only peek at the file (standard-library sqlite3, a few milliseconds); on
other backends it opens empty and fills in when the store answers. The store itself (SQLModel,
most of a second to import) opens in the meeting session's writer thread; keys pressed before
then are queued like any other command, so none is lost.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import pendulum
from textual import events, work
from textual.app import App, SystemCommand
from textual.screen import Screen

from kickoff_tui.tui.commands import Cmd

#: A key whose handling never reports back (its widget went away) holds the next one this long.
KEY_WAIT_S = 0.5


def system_clock() -> pendulum.DateTime:
    return pendulum.now("UTC")


class KickoffApp(App[None]):
    CSS_PATH = "kickoff.tcss"
    TITLE = "kickoff"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        db_url: str | None = None,
        meeting_ref: str | None = None,
        role: str = "facilitator",
        demo: bool = False,
        *,
        store: Any = None,
        clock: Callable[[], pendulum.DateTime] | None = None,
        bell: bool = True,
    ) -> None:
        super().__init__()
        self.db_url = db_url or (store.url if store is not None else None)
        self.meeting_ref = meeting_ref
        self.role = role
        self.demo = demo
        self.store = store
        self.clock = clock or system_clock
        self.bell_on = bell
        self.painted = False
        self._after_paint: list[Callable[[], None]] = []
        self._keys: deque[events.Event] = deque()  # keys waiting for the one before them
        self._key_since: float | None = None  # a key is being handled since
        self._key_token = 0
        self._quitting = False

    #: After the first frame, the store opens this much later (a key pressed the moment the
    #: screen appears is answered before SQLModel's import competes for the interpreter). A
    #: command queued meanwhile starts it at once (see ``SessionLink.run_job``).
    OPEN_DELAY_S = 0.1

    def on_ready(self) -> None:
        """The first frame is on screen: now the store may open (importing SQLModel in a thread
        would slow that first frame down by holding the interpreter half the time)."""
        self.painted = True
        # Start-up objects live as long as the app: keep them out of every later collection,
        # and collect again (``launch.run_tui`` turned it off until this frame).
        gc.freeze()
        gc.enable()
        delay = 0 if self.is_headless else self.OPEN_DELAY_S
        for start in self._after_paint:
            if delay:
                self.set_timer(delay, start)
            else:
                start()
        self._after_paint.clear()

    def after_first_frame(self, start: Callable[[], None]) -> None:
        if self.painted:
            start()
        else:
            self._after_paint.append(start)

    def on_mount(self) -> None:
        if self.meeting_ref:
            self.open_meeting(self.meeting_ref)
        elif self.store is not None:
            self.store_ready(self.store)
        else:
            self.open_store()

    @work(thread=True, exclusive=True)
    def open_store(self) -> None:
        from kickoff_tui.core.errors import KickoffError
        from kickoff_tui.core.store import Store

        try:
            store = Store.open(self.db_url or "", readonly="auto")  # a read-only share opens
        except KickoffError as exc:
            self.call_from_thread(self.fail, str(exc), exc.exit_code)
            return
        self.call_from_thread(self.store_ready, store)

    def fail(self, message: str, code: int) -> None:
        self.exit(return_code=code, message=f"kickoff: error: {message}")

    def store_ready(self, store: Any) -> None:
        from kickoff_tui.tui.screens.picker import PickerScreen

        self.store = store
        self.push_screen(PickerScreen())

    def open_meeting(self, meeting_id: str) -> None:
        """Show the cockpit now; its session opens the store (or uses ours) behind it."""
        from kickoff_tui.core.peek import peek_snapshot
        from kickoff_tui.core.session import MeetingSession
        from kickoff_tui.tui.screens.cockpit import CockpitScreen
        from kickoff_tui.tui.state import MeetingState

        url = self.db_url or ""
        state = MeetingState(meeting_id, peek_snapshot(url, meeting_id))
        session = MeetingSession(meeting_id, url=url, store=self.store)
        self.push_screen(CockpitScreen(state, session, role=self.role))

    # -- keys, one after another ----------------------------------------------------------
    # Textual hands each key to whatever has focus *when the app reads it*, but a key changes
    # focus only when its target gets round to it. Typed fast (a burst from tmux, a paste, a
    # typist at start-up), the keys after `a` reached the cockpit instead of the capture line
    # that `a` opened, and were lost. So a key is handed on only once the one before it has been
    # handled all the way (its target, then each container it bubbled through, then the app's
    # bindings): a marker follows it up the same queues and lets the next one go.

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            self._keys.append(event)
            await self._next_key()
            return
        await super().on_event(event)

    async def _next_key(self) -> None:
        if self._key_since is not None:
            if time.monotonic() - self._key_since < KEY_WAIT_S:
                if len(self._keys) == 1:  # (never stuck: give up on a lost marker)
                    self.set_timer(KEY_WAIT_S, self._next_key)
                return
            self._key_since = None
        while self._keys:
            event = self._keys.popleft()
            target = self.focused or self.screen
            await super().on_event(event)  # an app binding, or handed to the target
            if event.is_forwarded:
                self._key_token += 1
                if target.call_later(self._key_hop, target, self._key_token):
                    self._key_since = time.monotonic()
                    return

    def _key_hop(self, node: Any, token: int) -> None:
        """``node`` has handled the key; follow it to the container it may have bubbled to."""
        parent = node._parent
        if parent is None or parent is self or not parent.call_later(self._key_hop, parent, token):
            self.call_later(self._key_done, token)

    async def _key_done(self, token: int) -> None:
        if token == self._key_token and self._key_since is not None:
            self._key_since = None
            await self._next_key()

    # -- quitting -----------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Quit once everything typed is written; ctrl+q again quits at once, without it."""
        cockpit = next((s for s in self.screen_stack if hasattr(s, "session")), None)
        if cockpit is None or self._quitting:
            await super().action_quit()
            return
        for notes in cockpit.query("#notes"):
            notes.flush()  # type: ignore[attr-defined]
        session = cockpit.session
        waiting = session.unsaved
        if not waiting:
            await super().action_quit()
            return
        self._quitting = True
        self.notify(f"saving {waiting} change{'s' if waiting > 1 else ''} before quitting "
                    "(ctrl+q again quits without them)", markup=False, timeout=60)  # fmt: skip
        self.run_worker(self._quit_when_saved(session), group="quit")

    async def _quit_when_saved(self, session: Any) -> None:
        session.start()  # (a no-op unless the store was not even opening yet)
        await asyncio.to_thread(session.saved, 120)
        self.exit()

    def action_help(self) -> None:
        from kickoff_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette lists the same commands the keys and the footer use (one definition)."""
        yield from super().get_system_commands(screen)
        cmds: tuple[Cmd, ...] = getattr(screen, "COMMANDS_DEF", ())
        for c in cmds:
            target = self if c.action.startswith("app.") else screen
            action = c.action.removeprefix("app.")
            key = c.key_display or c.keys.split(",")[0]
            yield SystemCommand(
                c.title,
                f"{c.help} ({key})" if key else c.help,
                lambda t=target, a=action: self.call_later(t.run_action, a),
            )
