"""The people of the meeting, over the cockpit: edit (name, title, side, roles, seniority),
mark present or absent, remove.

An edit is one line in the capture line's ``person`` words — ``Maria Lopez, VP Operations
side:them role:decision-maker sen:9`` — checked as it is typed with the same grammar, so a name
another attendee already has is refused before anything is written. Each change is one command
on the cockpit's session; the change feed brings it to every terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from kickoff_tui.core.rows import AttendeeRow
    from kickoff_tui.tui.screens.cockpit import CockpitScreen

KEYS = "↑↓ choose · enter edit · p present/absent · del remove (twice) · esc close"


def person_line(a: AttendeeRow) -> str:
    """The editable line for a person, in the ``person`` words of the capture line."""
    from kickoff_tui.core.vocab import Side

    side = Side.parse(a.side)
    words = [a.name + (f", {a.title}" if a.title else "")]
    words.append(f"side:{'us' if side is Side.OURS else 'them'}")
    if a.roles:
        words.append(f"role:{a.roles}")
    if a.seniority:
        words.append(f"sen:{a.seniority}")
    return " ".join(words)


class PeopleEditor(ModalScreen[None]):
    AUTO_FOCUS = ""  # keys belong to the list until a line is edited
    BINDINGS = [
        Binding("escape,w", "close", "Close"),
        Binding("up,k", "cursor(-1)", show=False),
        Binding("down,j", "cursor(1)", show=False),
        Binding("enter,e", "edit", "Edit"),
        Binding("p", "presence", "Present/absent"),
        Binding("delete,x", "remove", "Remove"),
    ]
    DEFAULT_CSS = """
    PeopleEditor { align: center middle; }
    PeopleEditor > Vertical { width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    PeopleEditor #people-list { height: auto; margin-bottom: 1; }
    PeopleEditor #people-input { display: none; }
    PeopleEditor #people-input.-asking { display: block; }
    PeopleEditor #people-check { display: none; height: 1; }
    PeopleEditor #people-check.-asking { display: block; }
    PeopleEditor #people-check.-error { color: $error; }
    PeopleEditor #people-keys { color: $text-muted; }
    PeopleEditor #people-said { height: 1; }
    """

    def __init__(self, cockpit: CockpitScreen) -> None:
        super().__init__()
        self.cockpit = cockpit
        self.cursor = 0
        self.editing: AttendeeRow | None = None
        self.removing: int | None = None  # the id a first `del` asked about

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="people-list")
            yield Input(id="people-input")
            yield Static("", id="people-check")
            yield Static("", id="people-said")
            yield Static(KEYS, id="people-keys")

    def on_mount(self) -> None:
        self.query_one(Vertical).border_title = "People"
        self.follow()

    @property
    def people(self) -> list[AttendeeRow]:
        return list(self.cockpit.state.snap.attendees)  # type: ignore[arg-type]

    @property
    def person(self) -> AttendeeRow | None:
        people = self.people
        return people[self.cursor] if 0 <= self.cursor < len(people) else None

    def follow(self) -> None:
        """Repaint from the cockpit's state (after every change, by anyone)."""
        people = self.people
        self.cursor = max(0, min(self.cursor, len(people) - 1))
        t = Text(no_wrap=True, overflow="ellipsis")
        for n, a in enumerate(people):
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append("● " if a.present else "○ ", style="green" if a.present else "dim")
            line.append(a.name, style="bold")  # user text: data, never markup
            line.append(f" · {a.side}")
            if a.title:
                line.append(" · ")
                line.append(a.title)
            if a.roles:
                line.append(" · " + a.roles.replace(",", ", "), style="cyan")
            if not a.present:
                line.append(" · absent", style="dim")
            if n == self.cursor:
                line.stylize("reverse")
            t.append_text(line)
            t.append("\n")
        t.rstrip()
        self.query_one("#people-list", Static).update(t or Text("nobody yet"))

    def _edit(self, run: Any, said: Any) -> None:
        self.cockpit.edit(run, said, show=self.said)

    def said(self, text: str) -> None:
        """What the last edit did, on the editor's own line (toasts would cover the list)."""
        if self.is_attached:
            self.query_one("#people-said", Static).update(Text("✓ " + text, style="green"))

    def action_cursor(self, delta: int) -> None:
        self.cursor = max(0, min(len(self.people) - 1, self.cursor + delta))
        self.removing = None
        self.follow()

    def action_close(self) -> None:
        if self.editing is not None:
            self._stop_editing()
        else:
            self.dismiss()

    def action_presence(self) -> None:
        a = self.person
        if a is None or a.id is None:
            return
        aid, present, by = a.id, not a.present, self.cockpit.role

        def run(store: Any) -> Any:
            from kickoff_tui.core.record import update_attendee

            return update_attendee(store, aid, by=by, present=present)

        self._edit(run, f"{a.name} marked {'present' if present else 'absent'}")

    def action_remove(self) -> None:
        a = self.person
        if a is None or a.id is None:
            return
        if self.removing != a.id:
            self.removing = a.id
            self.notify(f"press del again to remove {a.name} (p marks them absent instead)",
                        markup=False, timeout=4)  # fmt: skip
            return
        self.removing = None
        mid, name, by = self.cockpit.state.meeting_id, a.name, self.cockpit.role

        def run(store: Any) -> Any:
            from kickoff_tui.core.attendees import remove_attendee

            return remove_attendee(store, mid, f'"{name}"', by=by)

        self._edit(run, lambda said: str(said))

    # -- the edit line ---------------------------------------------------------------------
    def action_edit(self) -> None:
        a = self.person
        if a is None:
            return
        self.editing = a
        line = self.query_one("#people-input", Input)
        line.value = person_line(a)
        line.add_class("-asking")
        self.query_one("#people-check").add_class("-asking")
        line.focus()

    def _stop_editing(self) -> None:
        self.editing = None
        for w in self.query("#people-input, #people-check"):
            w.remove_class("-asking")
        self.set_focus(None)

    def _check(self, text: str) -> Any:
        """The line read with the ``person`` grammar (other people's names are taken)."""
        from kickoff_tui.core.facts import parse_fact

        me = self.editing.id if self.editing is not None else None
        others = [(i, n) for i, n in self.cockpit.state.people if i != me]
        return parse_fact("person " + text, self.cockpit.state.snap.meeting, others)

    def on_input_changed(self, event: Input.Changed) -> None:
        from kickoff_tui.core.errors import KickoffError

        check = self.query_one("#people-check", Static)
        try:
            said, bad = self._check(event.value).summary, False
        except KickoffError as exc:
            said, bad = str(exc), True
        check.set_class(bad, "-error")
        check.update(Text(said))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from kickoff_tui.core.errors import KickoffError
        from kickoff_tui.core.vocab import with_tags

        a = self.editing
        if a is None or a.id is None:
            return
        try:
            fact = self._check(event.value)
        except KickoffError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        aid, by = a.id, self.cockpit.role
        change = {
            "name": fact.name, "title": with_tags(fact.title, fact.internal) if fact.title else "",
            "side": fact.side, "roles": ",".join(fact.roles), "seniority": fact.seniority or 0,
        }  # fmt: skip

        def run(store: Any) -> Any:
            from kickoff_tui.core.record import update_attendee

            return update_attendee(store, aid, by=by, **change)

        self._edit(run, f"updated {fact.name}")
        self._stop_editing()
