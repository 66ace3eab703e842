"""The meeting picker: open a meeting, create one from a template, try the demo, delete one.

It never breaks and it scales: one meeting is highlighted from the start so Enter opens it;
today's and upcoming meetings come first, then the most recent; typing filters the list (client,
title or id, fuzzy); `?` shows these keys and the palette offers the same commands. Every store
call runs in a thread worker and hands its answer back to the event loop, so a store that does
not answer never freezes the picker either.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from kickoff_tui.core.picking import filter_meetings, order_meetings
from kickoff_tui.tui.commands import Cmd, bindings
from kickoff_tui.tui.screens.picker_dialogs import (
    ConfirmScreen,
    KeysScreen,
    NewMeetingScreen,
    TemplatesScreen,
    load_templates_kindly,
)

PICKER: tuple[Cmd, ...] = (
    Cmd("open", "enter", "Open", "Open the highlighted meeting in the cockpit", show=False),
    Cmd("new", "n", "New meeting", "Create a meeting from an agenda template"),
    Cmd("demo", "t", "Try the demo", "Open the demo kickoff (the same one each time)"),
    Cmd("follow_up", "f", "Follow-up meeting",
        "A meeting after the highlighted one: same people, Since last time", show=False),
    Cmd("ledger", "l", "Ledger", "Every open commitment of every meeting", show=False),
    Cmd("delete", "delete", "Delete", "Delete the highlighted meeting (asks first)",
        key_display="del"),
    Cmd("templates", "ctrl+l", "Templates", "List the agenda templates and any broken one",
        show=False, key_display="^l"),
    Cmd("filter", "slash", "Filter", "Filter by client, title or id (or just type)",
        key_display="/"),
    Cmd("help", "question_mark", "Help", "Show the picker's keys", key_display="?"),
)  # fmt: skip
#: Keys the list keeps for itself: every other letter typed there starts the filter.
_COMMAND_CHARS = frozenset("ntfl?/")


class FilterInput(Input):
    """The filter line: ↑ ↓ move in the list below, Enter opens, Esc clears."""

    BINDINGS: ClassVar = [
        Binding("down", "screen.cursor(1)", show=False),
        Binding("up", "screen.cursor(-1)", show=False),
        Binding("escape", "screen.clear_filter", show=False),
    ]


class PickerScreen(Screen[None]):
    BINDINGS: ClassVar = bindings(PICKER)
    COMMANDS_DEF = PICKER
    DEFAULT_CSS = """
    PickerScreen #filter { height: 1; border: none; padding: 0 1; display: none; }
    PickerScreen #filter.-on { display: block; }
    PickerScreen #readiness { height: 1; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.meetings: list[Any] = []  # every meeting, in the picker's order

    def compose(self) -> ComposeResult:
        yield Static(Text("kickoff — pick a meeting", style="bold"), id="titlebar")
        yield FilterInput(
            placeholder="filter: client, title or id", id="filter", select_on_focus=False
        )  # (the first letter is already in it)
        yield OptionList(id="meetings")
        yield Static("", id="readiness")
        yield Static("", id="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()
        _templates, warnings = load_templates_kindly()
        for w in warnings:  # a broken file of the user's: said, never a crash
            self.notify(w, severity="warning", markup=False, timeout=15)

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def reload(self) -> None:
        from kickoff_tui.core.record import list_meetings

        meetings = list_meetings(self.app.store)  # type: ignore[attr-defined]
        now = self.app.clock()  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show, order_meetings(meetings, now))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A store error in the picker's work (a damaged file, a server gone) is one line on
        screen, never a traceback that closes the app."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            from kickoff_tui.core.store import describe_db_error

            exc = event.worker.error
            said = describe_db_error(exc) or f"{type(exc).__name__}: {exc}"
            self.notify(said, severity="error", markup=False, timeout=15)

    # -- readiness of the highlighted meeting ------------------------------------------------
    @on(OptionList.OptionHighlighted, "#meetings")
    def _highlight_moved(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#readiness", Static).update("")
        if event.option.id is not None:
            self._readiness_of(event.option.id)

    @work(thread=True, exclusive=True, group="ready", exit_on_error=False)
    def _readiness_of(self, meeting_id: str) -> None:
        """`kickoff ready`'s gate for a meeting not yet held, in one line under the list."""
        from kickoff_tui.core import readiness
        from kickoff_tui.core.record import load_snapshot
        from kickoff_tui.core.timebox import meeting_time

        snap = load_snapshot(self.app.store, meeting_id)  # type: ignore[attr-defined]
        now = self.app.clock()  # type: ignore[attr-defined]
        said = ""
        if snap.meeting.status == "planned" and not meeting_time(snap, now).started:
            checks = readiness.evaluate(snap, getattr(snap.meeting, "prep", None), now)
            said = f"{readiness.line(checks)} (kickoff ready {meeting_id})"
        self.app.call_from_thread(self._show_readiness, meeting_id, said)

    def _show_readiness(self, meeting_id: str, said: str) -> None:
        options = self.query_one(OptionList)
        shown = options.highlighted is not None and options.options  # still the same one?
        if shown and options.get_option_at_index(options.highlighted or 0).id == meeting_id:
            style = "green" if said.startswith("ready") else "yellow"
            shown_line = Text(said, style=style, no_wrap=True, overflow="ellipsis")
            self.query_one("#readiness", Static).update(shown_line)

    def _show(self, meetings: list[Any]) -> None:
        self.meetings = meetings
        self._fill()

    def _fill(self) -> None:
        query = self.query_one(FilterInput).value
        shown = filter_meetings(self.meetings, query) if query.strip() else self.meetings
        options = self.query_one(OptionList)
        options.clear_options()
        for m in shown:
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(m.local_start().format("ddd D MMM YYYY HH:mm"), style="bold")
            label.append(f"  {m.status:<8} ")
            label.append(m.title)  # user text: appended, never markup
            label.append(f"  {m.id}", style="dim")
            options.add_option(Option(label, id=m.id))
        if shown:
            options.highlighted = 0  # Enter opens the first at once
        if not self.meetings:
            hint = "No meetings yet: n creates one from a template, t opens a demo kickoff."
        elif not shown:
            hint = f"No meeting matches '{query}' — esc clears the filter."
        else:
            hint = ("enter opens · type to filter · n new · t demo · del deletes · ? keys · "
                    "ctrl+q quits")  # fmt: skip
            if query.strip():
                hint = f"{len(shown)} of {len(self.meetings)} · " + hint
        self.query_one("#hint", Static).update(Text(hint, style="italic"))

    # -- filtering ---------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """A letter typed on the list starts the filter (n, t, ? and / stay commands)."""
        line = self.query_one(FilterInput)
        char = event.character
        if self.focused is line or not event.is_printable or not char or char.isspace():
            return
        if char in _COMMAND_CHARS:
            return
        event.stop()
        event.prevent_default()
        self._filter_on()
        line.insert_text_at_cursor(char)

    def _filter_on(self) -> None:
        line = self.query_one(FilterInput)
        line.add_class("-on")
        self.set_focus(line)

    def action_filter(self) -> None:
        self._filter_on()

    @on(Input.Changed, "#filter")
    def _filtered(self) -> None:
        self._fill()

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        self.action_open()

    def action_clear_filter(self) -> None:
        line = self.query_one(FilterInput)
        line.value = ""
        line.remove_class("-on")
        self.query_one(OptionList).focus()

    def action_cursor(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            now = options.highlighted if options.highlighted is not None else -delta
            options.highlighted = max(0, min(options.option_count - 1, now + delta))

    # -- commands ----------------------------------------------------------------------------
    def _highlighted(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id

    @on(OptionList.OptionSelected)
    def action_open(self) -> None:
        mid = self._highlighted()
        if mid:
            self.app.open_meeting(mid)  # type: ignore[attr-defined]

    def action_new(self) -> None:
        def created(mid: str | None) -> None:
            if mid:
                self.reload()
                self.app.open_meeting(mid)  # type: ignore[attr-defined]

        self.app.push_screen(NewMeetingScreen(), created)

    @work(thread=True, exclusive=True, group="create", exit_on_error=False)
    def action_follow_up(self) -> None:
        """A meeting after the highlighted one (its own screen: tui/screens/follow_up.py)."""
        from kickoff_tui.core.record import resolve_meeting
        from kickoff_tui.tui.screens.follow_up import FollowUpScreen

        mid = self.app.call_from_thread(self._highlighted)
        if not mid:
            return
        after = resolve_meeting(self.app.store, mid)  # type: ignore[attr-defined]

        def created(new_id: str | None) -> None:
            if new_id:
                self.reload()
                self.app.open_meeting(new_id)  # type: ignore[attr-defined]

        self.app.call_from_thread(self.app.push_screen, FollowUpScreen(after), created)

    def action_ledger(self) -> None:
        """Every open commitment of every meeting (its own screen: tui/screens/ledger.py)."""
        from kickoff_tui.tui.screens.ledger import LedgerScreen

        self.app.push_screen(LedgerScreen())

    @work(thread=True, exclusive=True, group="create", exit_on_error=False)
    def action_demo(self) -> None:
        from kickoff_tui.core.demo import open_demo

        m, _done = open_demo(self.app.store)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.reload)
        self.app.call_from_thread(self.app.open_meeting, m.id)  # type: ignore[attr-defined]

    def action_help(self) -> None:
        notes = ("Today's and upcoming meetings come first, then the most recent. Letters typed "
                 "on the list filter it; n, t, f, l, ? and / are commands (start with / to "
                 "filter for them). Every command is also in the palette (ctrl+p).")  # fmt: skip
        self.app.push_screen(KeysScreen("The meeting picker's keys", PICKER, notes))

    def action_templates(self) -> None:
        self.app.push_screen(TemplatesScreen())

    @work(thread=True, exclusive=True, group="delete", exit_on_error=False)
    def action_delete(self) -> None:
        from kickoff_tui.core.deletion import count_rows, summary

        mid = self.app.call_from_thread(self._highlighted)
        if not mid:
            return
        title = next((m.title for m in self.meetings if m.id == mid), mid)
        what = summary(count_rows(self.app.store, mid))  # type: ignore[attr-defined]
        question = f"Delete {title} ({mid}) and everything in it ({what})? It cannot be undone."
        self.app.call_from_thread(self.app.push_screen, ConfirmScreen(question),
                                  lambda yes: self._delete(mid) if yes else None)  # fmt: skip

    @work(thread=True, group="delete", exit_on_error=False)
    def _delete(self, mid: str) -> None:
        from kickoff_tui.core.deletion import delete_meeting
        from kickoff_tui.core.errors import KickoffError

        try:
            said = delete_meeting(self.app.store, mid, by="picker").describe()  # type: ignore[attr-defined]
        except KickoffError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, said, markup=False, timeout=8)
        self.app.call_from_thread(self.reload)
