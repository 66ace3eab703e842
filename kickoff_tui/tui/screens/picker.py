"""The meeting picker: open a meeting, create one from a template, or try the demo.

Every store call runs in a thread worker and hands its answer back to the event loop, so a
store that does not answer never freezes the picker either.
"""

from __future__ import annotations

from typing import Any

import pendulum
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from kickoff_tui.core.errors import KickoffError


class NewMeetingScreen(ModalScreen[str | None]):
    """Client, template, start and zone: enough to create a meeting."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = """
    NewMeetingScreen { align: center middle; }
    NewMeetingScreen > Vertical { width: 70; height: auto; border: round $accent;
        background: $surface; padding: 1 2; }
    NewMeetingScreen Input, NewMeetingScreen Select { margin-bottom: 1; }
    NewMeetingScreen #error { color: $error; }
    """

    def compose(self) -> ComposeResult:
        from kickoff_tui.core.agenda import load_templates
        from kickoff_tui.core.locations import user_template_dir

        tz = pendulum.tz.get_local_timezone().name
        start = pendulum.now(tz).start_of("hour").add(hours=1).format("YYYY-MM-DDTHH:mm")
        templates = load_templates(user_template_dir())
        with Vertical():
            yield Label("New kickoff", classes="title")
            yield Input(placeholder="Client name, e.g. Acme Corp", id="client")
            yield Select([(Text(f"{t.name} — {t.title} ({t.minutes} min)"), t.name)
                          for t in templates.values()], value="kickoff-90", id="template",
                         allow_blank=False)  # fmt: skip
            yield Input(start, placeholder="Start YYYY-MM-DDTHH:MM", id="start")
            yield Input(tz, placeholder="Time zone, e.g. Europe/Berlin", id="tz")
            yield Static("", id="error", markup=False)
            yield Button("Create", variant="primary", id="create")

    @on(Button.Pressed, "#create")
    @on(Input.Submitted)
    def create(self) -> None:
        self._create(
            self.query_one("#client", Input).value,
            self.query_one("#tz", Input).value.strip() or "UTC",
            self.query_one("#start", Input).value.strip() or None,
            str(self.query_one("#template", Select).value),
        )

    @work(thread=True, exclusive=True, group="create")
    def _create(self, client: str, tz: str, when: str | None, name: str) -> None:
        from kickoff_tui.core.agenda import get_template
        from kickoff_tui.core.locations import user_template_dir
        from kickoff_tui.core.record import create_meeting, parse_start

        try:
            start = parse_start(when, tz)
            template = get_template(name, user_template_dir())
            m = create_meeting(self.app.store, client, template, start, tz,  # type: ignore[attr-defined]
                               fit_to_box=template.overrun > 0)  # fmt: skip
        except KickoffError as exc:
            self.app.call_from_thread(self.query_one("#error", Static).update, str(exc))
            return
        self.app.call_from_thread(self.dismiss, m.id)


class PickerScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("n", "new", "New meeting"),
        Binding("t", "demo", "Try the demo"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text("kickoff — pick a meeting", style="bold"), id="titlebar")
        yield OptionList(id="meetings")
        yield Static("", id="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="list")
    def reload(self) -> None:
        from kickoff_tui.core.record import list_meetings

        meetings = list_meetings(self.app.store)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show, meetings)

    def _show(self, meetings: list[Any]) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for m in meetings:
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(m.local_start().format("ddd D MMM YYYY HH:mm"), style="bold")
            label.append(f"  {m.status:<8} ")
            label.append(m.title)
            label.append(f"  {m.id}", style="dim")
            options.add_option(Option(label, id=m.id))
        hint = ("No meetings yet: n creates one from a template, t opens a demo kickoff."
                if not meetings else "enter opens · n new · t demo · ctrl+q quits")  # fmt: skip
        self.query_one("#hint", Static).update(Text(hint, style="italic"))
        options.focus()

    @on(OptionList.OptionSelected)
    def action_open(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        mid = options.get_option_at_index(options.highlighted).id
        if mid:
            self.app.open_meeting(mid)  # type: ignore[attr-defined]

    def action_new(self) -> None:
        def created(mid: str | None) -> None:
            if mid:
                self.reload()
                self.app.open_meeting(mid)  # type: ignore[attr-defined]

        self.app.push_screen(NewMeetingScreen(), created)

    @work(thread=True, exclusive=True, group="create")
    def action_demo(self) -> None:
        from kickoff_tui.core.demo import create_demo

        m = create_demo(self.app.store)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.reload)
        self.app.call_from_thread(self.app.open_meeting, m.id)  # type: ignore[attr-defined]
