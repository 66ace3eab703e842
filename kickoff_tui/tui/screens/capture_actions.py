"""The cockpit's capture handling: the capture line, conflicts, and pane actions on items.

A mixin so the screen stays small. A line is checked here (the same grammar the preview shows)
and, when understood, queued as one command (``entry.submit``) and cleared at once, so the next
line can be typed while the store saves this one; a line the grammar refuses stays on the line
with its error. The change feed brings the saved item to every terminal, this one included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kickoff_tui.core.errors import ConflictError, KickoffError
from kickoff_tui.tui.blocks.base import BlockView
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.item_pane import ItemPane

if TYPE_CHECKING:
    from collections.abc import Callable

    from kickoff_tui.tui.state import MeetingState


def edit_kind(kind: str, text: str, editing: Any) -> str:
    """An edit's line is led by the item's kind word: another kind word changes the kind (a
    misfiled item); a line without one keeps the item's kind (its words were retyped)."""
    from kickoff_tui.core.capture import normalize_kind

    if kind or editing is None:
        return kind
    lead = text.split(maxsplit=1)[0] if text.split() else ""
    if len(lead) > 3 and normalize_kind(lead):  # (as the grammar reads a leading kind word)
        return ""
    return str(getattr(editing, "kind", "") or "")


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
        def now(self) -> Any: ...
        def run_job(self, run: Callable[[Any], Any], **kwargs: Any) -> Any: ...
        def refresh_items(self, kinds: set[str]) -> None: ...

    def action_capture(self, kind: str) -> None:
        self.query_one(CaptureLine).open(kind)

    def preview(self, kind: str, text: str) -> tuple[bool, str]:
        from kickoff_tui.core import entry  # (not needed for the first frame)

        view, line = self.block_view, self.query_one(CaptureLine)
        target = line.target or (view.answer_target if view is not None else None)
        kind = edit_kind(kind, text, line.editing)
        return entry.preview(self.state.snap.meeting, self.state.people, kind, text, target)

    def on_capture_line_submitted(self, message: CaptureLine.Submitted) -> None:
        # Named handlers (not @on): @on only registers on classes built by Textual's metaclass.
        self.save_line(message)

    def save_line(self, message: CaptureLine.Submitted) -> None:
        from kickoff_tui.core import entry

        view = self.block_view
        answer = message.target or (view.answer_target if view is not None else None)
        state, text = self.state, message.text
        kind = edit_kind(message.kind, text, message.editing)
        if state.loaded:
            ok, error = entry.preview(state.snap.meeting, state.people, kind, text, answer)
            if not ok:  # refused now, before anything is queued: the line keeps the text
                self.notify(error, severity="error", markup=False)
                line = self.query_one(CaptureLine)
                if not line.input.value.strip():  # (the line cleared itself: bring it back)
                    line.open(message.kind, text, editing=message.editing, target=message.target)
                line.landed(message.token)
                return
        loaded, mid, now = state.loaded, state.meeting_id, self.now()
        meeting, people = state.snap.meeting, list(state.people)
        block_id, by, editing = self.viewing, self.role, message.editing

        def run(store: Any) -> tuple[str, Any]:
            from kickoff_tui.core.rows import to_row

            m, p, block = meeting, people, block_id
            if not loaded:  # typed before the first read: read the meeting (and its block) now
                from kickoff_tui.core.record import load_snapshot
                from kickoff_tui.core.timebox import meeting_time

                snap = load_snapshot(store, mid, with_items=False)
                m, p = snap.meeting, [(a.id, a.name) for a in snap.attendees if a.id]
                shown = snap.blocks[0].id if snap.blocks else None  # what the screen shows
                block = meeting_time(snap, now).current_block_id or shown
            saved = entry.submit(store, m, p, kind, text, block_id=block, by=by,
                                 editing=editing, answer=answer)  # fmt: skip
            return saved.message, to_row(saved.item) if saved.item is not None else None

        self.run_job(run, label="capture", done=lambda result: self._saved(result, message),
                     failed=lambda exc: self._unsaved(exc, message))  # fmt: skip
        if view is not None:
            # let the view advance (the Five Questions' pointer moves on at once)
            view.post_message(BlockView.Saved(answer if kind == "answer" else None))

    def _saved(self, result: tuple[str, Any], message: CaptureLine.Submitted) -> None:
        self.query_one(CaptureLine).landed(message.token)  # its draft is no longer needed
        said, item = result
        if item is not None:  # shown now; the change feed brings the same row a moment later
            self.refresh_items(self.state.put([item]))
        self.notify(said, markup=False, timeout=2)

    def _unsaved(self, exc: BaseException, message: CaptureLine.Submitted) -> bool:
        """The store refused the line: bring it back so nothing typed is lost."""
        if isinstance(exc, ConflictError):
            self._conflict(exc, message)
        else:  # refused (bad input, read-only) or a bug of ours: never lose the words
            said = str(exc) if isinstance(exc, KickoffError) else f"not saved: {exc!r}"
            self.notify(said, severity="error", markup=False)
            self._give_back(message.kind, message.text, message.editing, message.token,
                            target=message.target)  # fmt: skip
        return True

    def _give_back(
        self,
        kind: str,
        text: str,
        editing: Any,
        token: int | None = None,
        quiet: bool = False,
        target: Any = None,
    ) -> None:
        line = self.query_one(CaptureLine)
        if line.input.value.strip():  # busy with the next line: ↑ on an empty line brings it
            line._last_cancelled = text  # (and its draft stays kept: offered after a restart)
            if not quiet:
                self.notify("↑ on an empty capture line brings the unsaved line back",
                            markup=False)  # fmt: skip
        else:
            line.open(kind, text, editing=editing, target=target)
            line.landed(token)  # back on the line: the line's own draft keeps it now

    def _conflict(self, exc: ConflictError, message: CaptureLine.Submitted) -> None:
        """Someone saved this item first: show theirs, keep ours on the line to choose.

        Enter saves ours over theirs (now knowingly); Escape keeps theirs, and ↑ on the empty
        line still brings ours back. Nothing is lost either way.
        """
        from kickoff_tui.core import entry

        current = exc.current
        self.notify(str(exc), severity="warning", markup=False, timeout=8)
        if current is not None:
            self.notify("theirs: " + entry.to_line(current), markup=False, timeout=15)  # type: ignore[arg-type]
        editing = current if current is not None else message.editing
        self._give_back(message.kind, message.text, editing, message.token)

    def on_item_pane_act(self, message: ItemPane.Act) -> None:
        item, by = message.item, self.role
        if message.verb == "undo":
            if not self._undo:
                self.notify("nothing to undo", markup=False)
                return
            self._deleted(self._undo.pop(), False, "restored")
            return
        if item is None or item.id is None:
            return
        iid = item.id
        if message.verb == "edit":
            from kickoff_tui.core.entry import to_line

            # Led by its kind word: change the word to change the kind (a misfiled item).
            line, number = f"{item.kind} {to_line(item)}", getattr(item, "number", None) or iid
            self.query_one(CaptureLine).open("", line, editing=item, label=f"edit #{number}")
        elif message.verb == "delete":
            self._undo.append(iid)  # (u right away undoes it: the commands run in order)
            self._deleted(iid, True, "deleted — u to undo")
        elif message.verb in ("done", "internal"):

            def toggle(store: Any) -> Any:
                from kickoff_tui.core.record import get_item, update_item

                # Decided from the stored row: two quick presses toggle twice.
                now = get_item(store, iid)
                change: dict[str, object]
                if message.verb == "done":
                    change = {"status": "open" if now.status == "done" else "done"}
                else:
                    change = {"internal": not now.internal}
                from kickoff_tui.core.rows import to_row

                return to_row(update_item(store, iid, now.version, by=by, **change))

            verb = message.verb
            self.run_job(toggle, label="edit", done=lambda item: self._toggled(item, verb))

    def _toggled(self, item: Any, verb: str) -> None:
        """Say what `x` or `i` changed (the pane shows it a moment later)."""
        name = f"#{getattr(item, 'number', None) or item.id} {item.text}"
        if verb == "internal":
            said = (f"🔒 {name}: internal now — kept out of every client output" if item.internal
                    else f"{name}: client-safe now — it goes into the client outputs")  # fmt: skip
        else:
            said = f"{name}: {'done' if item.status == 'done' else 'open again'}"
        self.notify(said, markup=False)

    def _deleted(self, iid: int, deleted: bool, said: str) -> None:
        by = self.role

        def run(store: Any) -> None:
            from kickoff_tui.core.record import set_deleted

            set_deleted(store, iid, deleted, by=by)

        self.run_job(run, label="edit", done=lambda _item: self.notify(said, markup=False))
