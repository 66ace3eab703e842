"""The cockpit riding out a lost connection to the shared store.

A lost connection (a restarting PostgreSQL server, a network blip, a busy SQLite file) never
crashes the cockpit. The title bar says "reconnecting…" and the feed is retried once a second.
A capture that could not be saved stays on the line (its transaction rolled back: nothing was
half-written) and is saved by itself once the connection is back; running notes stay unsaved
(so the store's older copy never replaces them) and are saved then too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from kickoff_tui.core.errors import KickoffError
from kickoff_tui.core.store import ChangeFeed, is_disconnect
from kickoff_tui.tui.widgets.capture_line import CaptureLine

RETRY_S = 1.0
T = TypeVar("T")


class LiveLink:
    offline = False
    _retry_at = 0.0
    _pending: CaptureLine.Submitted | None = None

    if TYPE_CHECKING:

        def notify(self, message: str, **kwargs: Any) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def _paint_title(self) -> None: ...
        def save_line(self, message: CaptureLine.Submitted) -> None: ...
        def beat(self) -> None: ...

    def safe_beat(self) -> None:
        """The heartbeat timer: skipped while offline, and never crashes on a lost connection."""
        if not self.offline:
            self.guarded(self.beat)

    def poll_guarded(self, feed: ChangeFeed, apply: Callable[[list[Any]], T]) -> T | None:
        """``apply(feed.poll())``, or None while the database cannot be reached (then the same
        changes are read again on the next try, so none is missed)."""
        if not self.may_try():
            return None
        mark = feed.last_id
        try:
            applied = apply(feed.poll(force=self.offline))
        except Exception as exc:
            if not self.lost(exc):
                raise
            feed.rewind(mark)
            return None
        self.back_online()
        return applied

    def failed(self, exc: Exception, pending: CaptureLine.Submitted | None = None) -> bool:
        """Show a failed action's error in one line (True), or False for a bug (re-raise it)."""
        if self.lost(exc, pending):
            return True
        if isinstance(exc, KickoffError):
            self.notify(str(exc), severity="error", markup=False)
            return True
        return False

    def guarded(self, fn: Callable[[], Any]) -> bool:
        """Run ``fn``; False (and "reconnecting…") when the database could not be reached."""
        try:
            fn()
        except Exception as exc:
            if not self.lost(exc):
                raise
            return False
        return True

    def lost(self, exc: BaseException, pending: CaptureLine.Submitted | None = None) -> bool:
        """Whether ``exc`` means the database is unreachable; if so, show it and retry later.
        ``pending`` is a capture that could not be saved: it is saved once we are back."""
        if not is_disconnect(exc):
            return False
        self._retry_at = time.monotonic() + RETRY_S
        if pending is not None:
            self._pending = pending
            self.notify("not saved yet: the database cannot be reached — your line stays here "
                        "and is saved when the connection is back", severity="warning",
                        markup=False, timeout=6)  # fmt: skip
        if not self.offline:
            self.offline = True
            self._paint_title()
            if pending is None:
                self.notify("lost the connection to the database — reconnecting…",
                            severity="warning", markup=False, timeout=6)  # fmt: skip
        return True

    def may_try(self) -> bool:
        """While offline, the database is tried again at most once a second."""
        return not self.offline or time.monotonic() >= self._retry_at

    def back_online(self) -> None:
        """A poll worked: clear the marker, save what was waiting, say hello again."""
        if not self.offline:
            return
        self.offline = False
        self.notify("reconnected", markup=False, timeout=3)
        self._paint_title()
        self.safe_beat()
        pending, self._pending = self._pending, None
        line = self.query_one(CaptureLine)
        if pending is not None and line.input.value == pending.text:
            self.save_line(pending)
