"""A small agenda editor over the cockpit: retime, rename, add, move, remove blocks; fit the box.

The fit against the meeting's box is shown above the blocks and changes with every edit. Each
key is one command on the cockpit's session (``core.agenda_edits``), naming the block the user
pointed at by position *and* identity: when another terminal changed the agenda meanwhile the
edit is refused (nothing written) rather than applied to another block. A block that is running
or has run cannot be removed (the core refuses; the list marks them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kickoff_tui.tui.screens.editors import agenda_fit, fit_line, minutes

if TYPE_CHECKING:
    from kickoff_tui.core.rows import BlockRow
    from kickoff_tui.tui.screens.cockpit import CockpitScreen

KEYS = ("↑↓ choose · + − a minute · m minutes · r rename · a add after · p presenter · "
        "shift+↑↓ move · del remove · f fit to the box · esc close")  # fmt: skip
ADD = re.compile(r"^(?P<title>.*\S)\s+(?P<min>\d{1,4})\s*(min|m)?$")


class AgendaEditor(ModalScreen[None]):
    AUTO_FOCUS = ""  # keys belong to the list until a question is asked
    BINDINGS = [
        Binding("escape,g", "close", "Close"),
        Binding("up,k", "cursor(-1)", show=False),
        Binding("down,j", "cursor(1)", show=False),
        Binding("plus,+", "minutes(1)", "+1 min"),
        Binding("minus,-", "minutes(-1)", "-1 min"),
        Binding("m", "ask('minutes')", "Minutes"),
        Binding("r", "ask('rename')", "Rename"),
        Binding("a", "ask('add')", "Add"),
        Binding("p", "ask('presenter')", "Presenter"),
        Binding("shift+up,K", "move(-1)", "Move up"),
        Binding("shift+down,J", "move(1)", "Move down"),
        Binding("delete,x", "remove", "Remove"),
        Binding("f", "fit", "Fit"),
    ]
    DEFAULT_CSS = """
    AgendaEditor { align: center middle; }
    AgendaEditor > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    AgendaEditor #agenda-fit { height: 1; }
    AgendaEditor #agenda-blocks { height: auto; margin: 1 0; }
    AgendaEditor #agenda-input { display: none; }
    AgendaEditor #agenda-input.-asking { display: block; }
    AgendaEditor #agenda-keys { color: $text-muted; }
    AgendaEditor #agenda-said { height: 1; }
    """

    def __init__(self, cockpit: CockpitScreen) -> None:
        super().__init__()
        self.cockpit = cockpit
        self.cursor = 0
        self.asking: str | None = None
        self._asked: dict[str | None, int] = {}  # block uid -> minutes asked, not yet shown

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="agenda-fit")
            yield Static("", id="agenda-blocks")
            yield Input(id="agenda-input")
            yield Static("", id="agenda-said")
            yield Static(KEYS, id="agenda-keys")

    def on_mount(self) -> None:
        self.query_one(Vertical).border_title = "Agenda"
        mt = self.cockpit.mt
        if mt is not None and mt.current is not None:
            self.cursor = mt.current.position
        self.follow()

    @property
    def blocks(self) -> list[BlockRow]:
        return list(self.cockpit.state.snap.blocks)  # type: ignore[arg-type]

    @property
    def block(self) -> BlockRow | None:
        blocks = self.blocks
        return blocks[self.cursor] if 0 <= self.cursor < len(blocks) else None

    def follow(self) -> None:
        """Repaint from the cockpit's state (after every change, by anyone)."""
        state, mt = self.cockpit.state, self.cockpit.mt
        blocks = self.blocks
        self.cursor = max(0, min(self.cursor, len(blocks) - 1))
        for b in blocks:  # what was asked has arrived
            if self._asked.get(b.uid) == minutes(b):
                del self._asked[b.uid]
        self.query_one("#agenda-fit", Static).update(fit_line(*agenda_fit(state)))
        t = Text(no_wrap=True, overflow="ellipsis")
        for n, b in enumerate(blocks):
            bt = mt.blocks.get(b.id) if mt is not None and b.id is not None else None
            if mt is not None and mt.current_block_id == b.id and not mt.ended:
                mark = "▶ running"
            elif bt is not None and bt.started:
                mark = "✓ has run"
            else:
                mark = ""
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{b.position + 1:>2}. ")
            line.append(b.title)  # user text: data, never markup
            if b.presenter:
                line.append(" · ", style="dim")
                line.append(b.presenter, style="cyan")
            line.pad_right(max(1, 56 - len(line.plain)))
            now = minutes(b)
            if now != b.planned_minutes:  # replanned during the meeting: the plan stays
                line.append(f"{b.planned_minutes:>3}→{now:<3}", style="yellow")
            else:
                line.append(f"{now:>7}")
            line.append(" min  ")
            line.append(mark, style="dim")
            if n == self.cursor:
                line.stylize("reverse")
            t.append_text(line)
            t.append("\n")
        t.rstrip()
        self.query_one("#agenda-blocks", Static).update(t or Text("no blocks: a adds one"))

    def _edit(self, run: Any, said: Any) -> None:
        self.cockpit.edit(run, said, show=self.said)

    def said(self, text: str) -> None:
        """What the last edit did, on the editor's own line (toasts would cover the list)."""
        if self.is_attached:
            self.query_one("#agenda-said", Static).update(Text("✓ " + text, style="green"))

    # -- keys ------------------------------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        self.cursor = max(0, min(len(self.blocks) - 1, self.cursor + delta))
        self.follow()

    def action_close(self) -> None:
        if self.asking is not None:
            self._stop_asking()
        else:
            self.dismiss()

    def action_minutes(self, delta: int) -> None:
        b = self.block
        if b is not None:  # (counted from what was asked last: quick presses add up)
            self._set_minutes(b, self._asked.get(b.uid, minutes(b)) + delta)

    def _set_minutes(self, b: BlockRow, minutes: int) -> None:
        mid, pos, uid, by = self.cockpit.state.meeting_id, b.position + 1, b.uid, self.cockpit.role
        if minutes < 1:
            self.notify("a block needs at least 1 minute (del removes it)", markup=False)
            return

        self._asked[b.uid] = minutes

        def run(store: Any) -> Any:
            from kickoff_tui.core.agenda_edits import set_minutes

            return set_minutes(store, mid, pos, minutes, by=by, expect_uid=uid)

        self._edit(run, f"block {pos}: {minutes} min")

    def action_move(self, delta: int) -> None:
        b = self.block
        if b is None or not 0 <= self.cursor + delta < len(self.blocks):
            return
        mid, pos, uid, by = self.cockpit.state.meeting_id, b.position + 1, b.uid, self.cockpit.role
        to = pos + delta

        def run(store: Any) -> Any:
            from kickoff_tui.core.agenda_edits import move_block

            return move_block(store, mid, pos, to, by=by, expect_uid=uid)

        self.cursor += delta  # the cursor goes with the block
        self._edit(run, f"moved to {to}")

    def action_remove(self) -> None:
        b = self.block
        if b is None:
            return
        mid, pos, uid, by = self.cockpit.state.meeting_id, b.position + 1, b.uid, self.cockpit.role

        def run(store: Any) -> Any:
            from kickoff_tui.core.agenda_edits import remove_block

            return remove_block(store, mid, pos, by=by, expect_uid=uid)

        self._edit(run, lambda removed: f"removed block {pos} '{removed.title}'")

    def action_fit(self) -> None:
        mid, by = self.cockpit.state.meeting_id, self.cockpit.role

        def run(store: Any) -> Any:
            from kickoff_tui.core.agenda_edits import fit_agenda

            return fit_agenda(store, mid, by=by)

        def said(changed: dict[int, int]) -> str:
            n = len(changed)
            return f"fitted to the box: {n} block{'s' if n != 1 else ''} retimed" if n else (
                "already fits the box: nothing changed")  # fmt: skip

        self._edit(run, said)

    # -- typed answers: minutes, a new title, a new block ----------------------------------
    def action_ask(self, what: str) -> None:
        b = self.block
        if b is None and what != "add":
            return
        line = self.query_one("#agenda-input", Input)
        self.asking = what
        if what == "minutes" and b is not None:
            line.placeholder, line.value = (
                f"minutes for '{b.title}' (1-1440)",
                str(minutes(b)),
            )
        elif what == "rename" and b is not None:
            line.placeholder, line.value = "the block's new title", b.title
        elif what == "presenter" and b is not None:
            line.placeholder = "who presents it: @name (empty: nobody)"
            line.value = f'@"{b.presenter}"' if b.presenter else ""
        else:
            after = self.cursor + 1 if b is not None else 0
            line.placeholder, line.value = f"new block after {after}: title, then minutes", ""
        line.add_class("-asking")
        line.focus()

    def _stop_asking(self) -> None:
        self.asking = None
        line = self.query_one("#agenda-input", Input)
        line.remove_class("-asking")
        line.value = ""
        self.set_focus(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        what, text, b = self.asking, event.value.strip(), self.block
        mid, by = self.cockpit.state.meeting_id, self.cockpit.role
        if what == "minutes" and b is not None:
            if not text.isdigit():
                self.notify(f"'{text}' is not a number of minutes — type e.g. 10", markup=False,
                            severity="error")  # fmt: skip
                return
            self._set_minutes(b, int(text))
        elif what == "rename" and b is not None:
            pos, uid = b.position + 1, b.uid

            def rename(store: Any) -> Any:
                from kickoff_tui.core.agenda_edits import rename_block

                return rename_block(store, mid, pos, text, by=by, expect_uid=uid)

            self._edit(rename, f"block {pos} renamed")
        elif what == "presenter" and b is not None:
            pos, uid = b.position + 1, b.uid

            def present(store: Any) -> Any:
                from kickoff_tui.core.agenda_edits import set_presenter

                return set_presenter(store, mid, pos, text, by=by, expect_uid=uid)

            self._edit(present, lambda block: f"block {pos}: presented by "
                              f"{block.presenter or 'nobody'}")  # fmt: skip
        elif what == "add":
            found = ADD.match(text)
            if found is None:
                self.notify("type the title, then the minutes: e.g. 'Security review 10'",
                            markup=False, severity="error")  # fmt: skip
                return
            title, minutes = found["title"], int(found["min"])
            after = self.cursor + 1 if b is not None else 0

            def add(store: Any) -> Any:
                from kickoff_tui.core.agenda_edits import add_block

                return add_block(store, mid, title, minutes, after=after, by=by)

            self.cursor = after  # on the new block once it arrives
            self._edit(add, f"added '{title}' ({minutes} min) as block {after + 1}")
        self._stop_asking()
