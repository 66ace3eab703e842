"""The capture line: type an item in the quick-capture grammar, see what it understood, Enter.

The widget does not parse or save anything itself: the screen gives it a preview function
(from the core's grammar) and receives a ``Submitted`` message.

What is on the line is kept as a draft (``core.drafts``): handed to a background writer on every
change, so a killed terminal offers it back when the cockpit reopens (:meth:`restore_draft`).
A line that is saved, cancelled or emptied clears its draft. A screen that takes the line with
Enter before its save lands (a queue) calls ``saved(queued=True)`` and, once the save landed or
its words are back on the line, ``landed(token)``: until then the line is kept too.

Enter closes the line (issue 10): the next key is the cockpit's again, so ``a`` text Enter ``r``
text Enter files an action and then a risk, and a ``w`` after an answer points at the next
person instead of being typed into the answer. A line the grammar refuses stays open, to fix.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from kickoff_tui.core.drafts import Draft, DraftBox, EditRef

if TYPE_CHECKING:
    from kickoff_tui.core.entry import AnswerTarget
    from kickoff_tui.core.models import Item

#: (kind, text) -> (understood?, one-line preview or error)
Preview = Callable[[str, str], tuple[bool, str]]


class CaptureLine(Vertical):
    DEFAULT_CSS = """
    CaptureLine { height: auto; border: round $primary 40%; padding: 0 1; }
    CaptureLine:focus-within { border: round $accent; }
    CaptureLine Horizontal { height: 1; }
    CaptureLine #kind { width: auto; margin-right: 1; color: $accent;
        text-style: bold; }
    CaptureLine Input, CaptureLine Input:focus { border: none; height: 1; padding: 0; width: 1fr; }
    CaptureLine #preview { height: 1; color: $text-muted; }
    CaptureLine #preview.-error { color: $error; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("up", "recall", show=False),
    ]

    @dataclass
    class Submitted(Message):
        kind: str
        text: str
        editing: Item | None
        token: int | None = None  # for :meth:`landed`, once the save landed or came back
        target: AnswerTarget | None = None  # an answer's: whose, to which question

    def __init__(self, preview: Preview, drafts: DraftBox | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._preview = preview
        self.drafts = drafts
        self.kind = ""
        self.editing: Item | None = None
        self.target: AnswerTarget | None = None  # whose answer the line is writing
        self._last_cancelled = ""
        self._queued: dict[int, Draft] = {}  # taken with Enter, save not landed yet
        self._restored: list[Draft] = []  # left by the last terminal, not offered yet
        self._tokens = itertools.count(1)

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label("", id="kind", markup=False)
            yield LineInput(
                placeholder="a action · d decision · r risk · q question · : anything",
                id="line",
                select_on_focus=False,
            )
        yield Static("", id="preview", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#line", Input)

    def open(
        self,
        kind: str,
        text: str = "",
        editing: Item | None = None,
        label: str | None = None,
        target: AnswerTarget | None = None,
    ) -> None:
        """Focus the line for ``kind`` ('' = any kind, chosen by the first word). ``label``
        replaces the kind shown before the line (the Five Questions name whose answer it is);
        ``target`` is that answer's person and question, fixed while the line is open (the
        pointer may move meanwhile: another terminal's answer landed)."""
        self.kind, self.editing, self.target = kind, editing, target
        if label is None:
            label = ("edit " if editing else "") + (kind or ("item" if editing else "capture"))
        self.query_one("#kind", Label).update(Text(label + " ›"))
        self.input.value = text
        self.input.cursor_position = len(text)
        # Focus now, not after the next refresh: keys typed right after 'a' belong to the line.
        self.screen.set_focus(self.input)
        self._show_preview()
        self._keep_draft()

    def _show_preview(self) -> None:
        text = self.input.value
        preview = self.query_one("#preview", Static)
        if not text.strip():
            preview.update(
                "@owner due:fri sev:high side:them #internal · Enter saves · Esc cancels"
            )
            preview.remove_class("-error")
            return
        ok, msg = self._preview(self.kind, text)
        preview.set_class(not ok, "-error")
        said = Text("✓ " if ok else "✗ ")
        parts = msg.split(" · ")
        if ok:  # what must not be missed goes first, where a narrow line never cuts it off
            for warning in [p for p in parts if " — " in p]:  # "due … is 12 months after …"
                said.append(f"⚠ {warning}", style="bold yellow")
                said.append(" · ")
                parts.remove(warning)
            if "internal" in parts:  # #internal applies
                said.append("🔒 internal: kept out of every client output", style="bold yellow")
                said.append(" · ")
                parts.remove("internal")
        said.append(" · ".join(parts))
        preview.update(said)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_preview()
        self._keep_draft()

    def submit(self, value: str) -> None:
        """Enter (called by the input as it handles the key, after the keys typed before it
        and before any typed after it: an Escape right after Enter cancels the next line,
        not this one's kind)."""
        if not value.strip():
            return
        kind, editing, target = self.kind, self.editing, self.target
        # Cleared now, in key order (what is typed next is the next line), and kept in the
        # draft file until the screen says the save landed (``landed``). A line the grammar
        # refuses stays, to be fixed.
        token = self.saved(queued=True) if self._preview(kind, value)[0] else None
        self.post_message(self.Submitted(kind, value, editing, token, target))

    def saved(self, queued: bool = False) -> int | None:
        """The screen took the line: clear and close it (the next key is the cockpit's).

        ``queued``: the save has not landed yet, so the line is still kept (in the draft file)
        until :meth:`landed` is called with the token returned here."""
        token = None
        if queued and self.input.value.strip():
            token = next(self._tokens)
            self._queued[token] = self._draft_now()
            self._keep_queued()
        self.close()
        if self._restored:  # the next line the last terminal left, now the line is free
            self.call_after_refresh(self._offer_next)
        return token

    def landed(self, token: int | None) -> None:
        """The save of a line taken with ``saved(queued=True)`` landed (or its words are back on
        the line, or refused for good): nothing more to keep for it."""
        if token is not None and self._queued.pop(token, None) is not None:
            self._keep_queued()

    def action_cancel(self) -> None:
        if self.input.value.strip():
            self._last_cancelled = self.input.value
        self.close()

    def close(self) -> None:
        """Empty the line and give the keys back to the cockpit, at once (in key order: the
        key after Enter or Esc is never typed into the line)."""
        self.input.value = ""
        self.editing = self.target = None
        self.kind = ""
        self.query_one("#kind", Label).update("")
        self.query_one("#preview", Static).update("")
        if self.screen.focused is self.input:
            # Straight to a block view that takes keys (the Five Questions' `w`), else to the
            # cockpit: now, so the next key of a burst already goes there.
            view = getattr(self.screen, "block_view", None)
            self.screen.set_focus(view if getattr(view, "WANTS_KEYS", False) else None)
        self._keep_draft()

    def action_recall(self) -> None:
        """Up brings back the line last cancelled with Escape: a cancel never loses a word."""
        if not self.input.value and self._last_cancelled:
            self.input.value = self._last_cancelled
            self.input.cursor_position = len(self._last_cancelled)

    # -- drafts ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.drafts is not None:
            # ← → Home End move no text, but the cursor belongs to the draft too
            self.watch(self.input, "selection", lambda: self._keep_draft(), init=False)
            loop = asyncio.get_running_loop()
            if self.drafts.error:
                self._drafts_failed(self.drafts.error)
            else:  # the writer thread reports a failure once, through the event loop

                def report(message: str) -> None:
                    loop.call_soon_threadsafe(self._drafts_failed, message)

                self.drafts.on_error = report

    def on_unmount(self) -> None:
        if self.drafts is not None:
            self.drafts.close()  # writes the last keys; the draft stays for the next start

    def _drafts_failed(self, message: str) -> None:
        self.notify(message, severity="warning", markup=False, timeout=8)

    def _keep_draft(self) -> None:
        """Hand what the line holds to the draft writer (never waits for the disk)."""
        if self.drafts is not None:
            self.drafts.put(self._draft_now() if self.input.value.strip() else None)

    def _keep_queued(self) -> None:
        if self.drafts is not None:
            self.drafts.put_queued((*self._queued.values(), *self._restored))

    def _draft_now(self) -> Draft:
        ed = self.editing
        return Draft(
            self.kind, self.input.value, self.input.cursor_position,
            ed.id if ed is not None else None, ed.version if ed is not None else None,
            self._answer_target() if self.kind == "answer" else None,
        )  # fmt: skip

    def _answer_target(self) -> dict[str, Any] | None:
        """Whose answer to which question the line is writing (the Five Questions view)."""
        t = self.target
        if t is None:
            view = getattr(self.screen, "block_view", None)
            t = getattr(view, "answer_target", None)
        if t is None:
            return None
        return {"attendee_id": t.attendee_id, "name": t.attendee_name, "question": t.question}

    def restore_draft(self) -> Draft | None:
        """Offer back what a killed (or closed) terminal left on the line: the same kind, the
        same item's edit (at the version it was read, so a newer save shows as a conflict).
        Lines it had taken with Enter whose save never landed come next, one at a time."""
        if self.drafts is None:
            return None
        kept = self.drafts.load_all()
        self._restored = list(kept.queued)
        draft, unconfirmed = kept.line, False
        if draft is None and self._restored:
            draft, unconfirmed = self._restored.pop(0), True
            self._keep_queued()
        if draft is not None:
            self._offer(draft, unconfirmed)
        return draft

    def _offer_next(self) -> None:
        if getattr(self.app, "_keys", None):  # keys of a burst still on their way: they are
            self.set_timer(0.3, self._offer_next)  # the cockpit's, not the offered line's
            return
        if self._restored and not self.input.value.strip():
            draft = self._restored.pop(0)
            self._keep_queued()
            self._offer(draft, unconfirmed=True)

    def _offer(self, draft: Draft, unconfirmed: bool) -> None:
        if draft.kind == "answer":  # the view points at whose answer once it is painted
            self.call_after_refresh(self._restore_answer, draft)
            return
        editing = None
        if draft.item_id is not None and draft.version is not None:
            # A save of an edit reads only the id and the version (core.entry.submit).
            editing = cast("Item", EditRef(draft.item_id, draft.version, draft.kind))
        self._reopen(draft, editing)
        what = f"edit of #{draft.item_id}" if editing else (draft.kind or "line")
        if unconfirmed:
            said = f"restored an unsaved {what}: its save was not confirmed when the terminal "
            said += "closed — check the panes; Enter saves it, Esc puts it away"
        else:
            said = f"restored your unsaved {what} — Enter saves it, Esc puts it away"
        if self._restored:
            said += f" ({len(self._restored)} more after this one)"
        self.notify(said, markup=False, timeout=8 if unconfirmed else 6)

    def _restore_answer(self, draft: Draft, tries: int = 100) -> None:
        t = draft.target or {}
        now = self._answer_target()
        if now is None and tries > 0:  # the Five Questions view has not painted its pointer yet
            self.set_timer(0.05, lambda: self._restore_answer(draft, tries - 1))
            return
        if t and now == t:
            from kickoff_tui.core.entry import AnswerTarget

            target = AnswerTarget(int(t["attendee_id"]), str(t["name"]), int(t["question"]))
            self.open("answer", draft.text, label=f"Q{target.question} {target.attendee_name}",
                      target=target)  # fmt: skip
            self.input.cursor_position = draft.cursor
            self.notify(f"restored your unsaved answer ({t.get('name')}, Q{t.get('question')})",
                        markup=False, timeout=6)  # fmt: skip
            return
        # Never save it as someone else's answer: keep it for ↑ instead.
        self._last_cancelled = draft.text
        who = f" ({t.get('name')}, Q{t.get('question')})" if t else ""
        self.notify(f"kept your unsaved answer{who}: ↑ on an empty capture line brings it back",
                    severity="warning", markup=False, timeout=12)  # fmt: skip

    def _reopen(self, draft: Draft, editing: Item | None) -> None:
        self.open(draft.kind, draft.text, editing=editing)
        self.input.cursor_position = draft.cursor


class LineInput(Input):
    async def action_submit(self) -> None:
        line = next(a for a in self.ancestors if isinstance(a, CaptureLine))
        line.submit(self.value)
