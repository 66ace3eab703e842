"""Running notes per block: free text saved as the note-taker types.

Saving is debounced (0.4 s after the last key) with a ceiling (at least every 0.9 s while
typing never stops), so a killed terminal loses at most the last second of typing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TextArea

from kickoff_tui.core.text import as_stored

QUIET_S = 0.4
CEILING_S = 0.9


class RunningNotes(Vertical):
    DEFAULT_CSS = """
    RunningNotes { height: 10; border: round $primary 40%; }
    RunningNotes:focus-within { border: round $accent; }
    RunningNotes TextArea { height: 1fr; border: none; }
    """

    def __init__(self, save: Callable[[int, str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._save = save
        self.block_id: int | None = None
        self._dirty_since: float | None = None
        self._last_key = 0.0
        self._known = ""  # the text last loaded or saved: anything else is typed, unsaved
        self.border_title = "Running notes"
        # Made here, not in compose: the screen may load a block's notes into a RunningNotes
        # it has just mounted (a facilitator demoted to note-taker), before it is composed.
        self._area = TextArea(id="notes-text", soft_wrap=True, show_line_numbers=False)

    def compose(self) -> ComposeResult:
        yield self._area

    def on_mount(self) -> None:
        self.set_interval(0.2, self._maybe_save)

    def on_unmount(self) -> None:
        self.flush()  # quitting saves the last keys too (the screen's own unmount comes later)

    @property
    def area(self) -> TextArea:
        return self._area  # kept: still readable while unmounting, after the child is gone

    def load(self, block_id: int | None, text: str) -> None:
        """Show another block's notes (saving this block's first)."""
        if block_id == self.block_id:
            return
        self.flush()
        self.block_id = block_id
        self.area.load_text(text)
        self._known = text
        self._dirty_since = None

    def update_from_store(self, text: str) -> None:
        """Another terminal changed these notes: take them unless we are mid-typing. A key typed
        a moment ago may not have reached ``on_text_area_changed`` yet (so the text is compared
        with what was last loaded or saved); our own save, cleaned by the core — a pasted tab
        became a space — is not a change either (reloading it would throw the cursor to the
        top)."""
        shown = self.area.text
        mine = shown == self._known
        if (
            self._dirty_since is None
            and mine
            and text not in (shown, as_stored(shown, multiline=True))
        ):
            self.area.load_text(text)
            self._known = text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        now = time.monotonic()
        self._last_key = now
        if self._dirty_since is None:
            self._dirty_since = now

    def _maybe_save(self) -> None:
        if self._dirty_since is None:
            return
        now = time.monotonic()
        if now - self._last_key >= QUIET_S or now - self._dirty_since >= CEILING_S:
            self.flush()

    def unsaved(self) -> None:
        """The last save did not reach the database: stay dirty, so it is saved again later and
        the store's older copy never replaces what was typed."""
        if self._dirty_since is None:
            self._dirty_since = time.monotonic()

    def flush(self) -> None:
        if self._dirty_since is not None and self.block_id is not None:
            self._dirty_since = None
            self._known = self.area.text
            self._save(self.block_id, self._known)
