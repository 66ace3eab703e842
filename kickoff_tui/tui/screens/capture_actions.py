"""The cockpit's capture handling: the capture line, conflicts, and pane actions on items.

A mixin so the screen stays small. Every save is one call into the core (``entry.submit``,
``update_item``, ``set_deleted``); an item saved here is shown at once, and the change feed
confirms it a moment later on every terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kickoff_tui.core import entry
from kickoff_tui.core.errors import ConflictError
from kickoff_tui.core.record import set_deleted, update_item
from kickoff_tui.tui.blocks.base import BlockView
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.item_pane import ItemPane

if TYPE_CHECKING:
    from collections.abc import Callable

    from kickoff_tui.tui.state import MeetingState


class CaptureActions:
    state: MeetingState
    role: str
    viewing: int | None
    _undo: list[int]

    if TYPE_CHECKING:

        @property
        def block_view(self) -> BlockView | None: ...

        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def act(self, fn: Callable[[], Any], repaint: bool = True) -> Any: ...
        def failed(self, exc: BaseException, pending: Any = None) -> bool: ...
        def poll_feed(self) -> None: ...
        def refresh_items(self, kinds: set[str]) -> None: ...

    def action_capture(self, kind: str) -> None:
        self.query_one(CaptureLine).open(kind)

    def preview(self, kind: str, text: str) -> tuple[bool, str]:
        view = self.block_view
        target = view.answer_target if view is not None else None
        return entry.preview(self.state.snap.meeting, self.state.people, kind, text, target)

    def on_capture_line_submitted(self, message: CaptureLine.Submitted) -> None:
        # Named handlers (not @on): @on only registers on classes built by Textual's metaclass.
        self.save_line(message)

    def save_line(self, message: CaptureLine.Submitted) -> None:
        view = self.block_view
        try:
            saved = entry.submit(
                self.state.store, self.state.snap.meeting, self.state.people, message.kind,
                message.text, block_id=self.viewing, by=self.role, editing=message.editing,
                answer=view.answer_target if view is not None else None,
            )  # fmt: skip
        except ConflictError as exc:
            self._conflict(exc, message)
            return
        except Exception as exc:  # unsaved: the line keeps the text (saved once reconnected)
            if not self.failed(exc, pending=message):
                raise
            return
        self.query_one(CaptureLine).saved()
        if saved.item is not None:  # show it now; the feed will confirm it a moment later
            self.refresh_items(self.state.put([saved.item]))
        else:
            self.poll_feed()
            if view is not None:
                view.post_message(BlockView.Saved())  # let the view advance (Five Questions)
        self.notify(saved.message, markup=False, timeout=2)

    def _conflict(self, exc: ConflictError, message: CaptureLine.Submitted) -> None:
        """Someone saved this item first: show theirs, keep ours on the line to choose.

        Enter saves ours over theirs (now knowingly); Escape keeps theirs, and ↑ on the empty
        line still brings ours back. Nothing is lost either way.
        """
        current = exc.current
        self.notify(str(exc), severity="warning", markup=False, timeout=8)
        if current is not None:
            self.notify("theirs: " + entry.to_line(current), markup=False, timeout=15)  # type: ignore[arg-type]
            self.query_one(CaptureLine).open(message.kind, message.text, editing=current)

    def on_item_pane_act(self, message: ItemPane.Act) -> None:
        item, store, by = message.item, self.state.store, self.role
        if message.verb == "undo":
            if not self._undo:
                self.notify("nothing to undo", markup=False)
                return
            item_id = self._undo.pop()
            if self.act(lambda: set_deleted(store, item_id, False, by=by)) is not None:
                self.notify("restored", markup=False)
            return
        if item is None or item.id is None:
            return
        iid, version = item.id, item.version
        if message.verb == "edit":
            self.query_one(CaptureLine).open(item.kind, entry.to_line(item), editing=item)
        elif message.verb == "delete":
            if self.act(lambda: set_deleted(store, iid, True, by=by)) is not None:
                self._undo.append(iid)
                self.notify("deleted — u to undo", markup=False)
        elif message.verb == "done":
            status = "open" if item.status == "done" else "done"
            self.act(lambda: update_item(store, iid, version, by=by, status=status))
        elif message.verb == "internal":
            self.act(lambda: update_item(store, iid, version, by=by, internal=not item.internal))
