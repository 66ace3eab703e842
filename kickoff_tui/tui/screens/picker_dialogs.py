"""The picker's dialogs: a new meeting, a yes/no question, the picker's keys, the templates.

Store calls run in thread workers; a user template that cannot be read is a warning naming the
file, the field and the fix, never a crash: the good templates are still offered.
"""

from __future__ import annotations

from typing import Any

import pendulum
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from kickoff_tui.core.errors import KickoffError
from kickoff_tui.tui.commands import Cmd


def load_templates_kindly() -> tuple[dict[str, Any], list[str]]:
    """Every template that can be read, and one warning per user file that cannot."""
    from kickoff_tui.core.agenda import load_templates
    from kickoff_tui.core.locations import user_template_dir

    warnings: list[str] = []
    return load_templates(user_template_dir(), warnings), warnings


class NewMeetingScreen(ModalScreen[str | None]):
    """Client, template, start and zone: enough to create a meeting."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = """
    NewMeetingScreen { align: center middle; }
    NewMeetingScreen > Vertical { width: 70; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 1 2; }
    NewMeetingScreen Input, NewMeetingScreen Select { margin-bottom: 1; }
    NewMeetingScreen #error { color: $error; }
    NewMeetingScreen #warnings { color: $warning; margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        tz = pendulum.tz.get_local_timezone().name
        start = pendulum.now(tz).start_of("hour").add(hours=1).format("YYYY-MM-DDTHH:mm")
        templates, warnings = load_templates_kindly()
        first = "kickoff-90" if "kickoff-90" in templates else next(iter(templates))
        with Vertical():
            yield Label("New kickoff", classes="title")
            yield Input(placeholder="Client name, e.g. Acme Corp", id="client")
            yield Select([(Text(f"{t.name} — {t.title} ({t.minutes} min)"), t.name)
                          for t in templates.values()], value=first, id="template",
                         allow_blank=False)  # fmt: skip
            yield Input(start, placeholder="Start YYYY-MM-DDTHH:MM", id="start")
            yield Input(tz, placeholder="Time zone, e.g. Europe/Berlin", id="tz")
            if warnings:
                yield Static(Text("⚠ " + "\n⚠ ".join(warnings)), id="warnings")
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


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: `y` says yes; `n`, Esc say no (the safe answer is the default)."""

    BINDINGS = [
        Binding("y", "dismiss(True)", "Yes"),
        Binding("n,escape", "dismiss(False)", "No"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 72; height: auto; border: round $error;
        background: $surface; padding: 1 2; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), id="question")
            yield Static(Text("y yes · n or esc no", style="bold"))


class KeysScreen(ModalScreen[None]):
    """A screen's own keys (the picker's `?`)."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    KeysScreen { align: center middle; }
    KeysScreen > VerticalScroll { width: 80; max-height: 90%; height: auto;
        border: round $accent; background: $surface; padding: 0 1; }
    """

    def __init__(self, title: str, cmds: tuple[Cmd, ...], notes: str = "") -> None:
        super().__init__()
        self.title_text, self.cmds, self.notes = title, cmds, notes

    def compose(self) -> ComposeResult:
        t = Text()
        t.append(f"{self.title_text}\n", style="bold underline")
        for c in self.cmds:
            keys = c.key_display or c.keys.replace(",", " ")
            t.append(f"  {keys:<12}", style="bold")
            t.append(f"{c.help}\n")
        if self.notes:
            t.append(f"\n{self.notes}", style="italic")
        with VerticalScroll():
            yield Static(t)


class TemplatesScreen(ModalScreen[None]):
    """The agenda templates, shipped and the user's, and what is wrong with a broken one."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    TemplatesScreen { align: center middle; }
    TemplatesScreen > VerticalScroll { width: 90%; max-width: 110; max-height: 90%;
        height: auto; border: round $accent; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        templates, warnings = load_templates_kindly()
        t = Text()
        t.append("Agenda templates\n", style="bold underline")
        for tpl in templates.values():
            t.append(f"  {tpl.name:<16}", style="bold")
            t.append(f"{tpl.minutes:>4} min  {len(tpl.blocks):>2} blocks  {tpl.title}")
            if tpl.overrun > 0:
                t.append(f"  over by {tpl.overrun} min", style="yellow")
            t.append("\n")
        for w in warnings:
            t.append(f"\n⚠ {w}\n", style="yellow")
        with VerticalScroll():
            yield Static(t)
