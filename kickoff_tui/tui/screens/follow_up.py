"""The picker's "follow-up meeting" (issue 11 part 6): a meeting after the highlighted one, in
its series, with its people, opening with "Since last time".

Asks for the start (a week after the meeting it follows, same time, by default) and the template
(``check-in`` by default); creates it in a thread worker (``create_meeting(after=…)``) and
returns its id. User text reaches the screen as data, never markup.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from kickoff_tui.core.errors import KickoffError

DEFAULT_TEMPLATE = "check-in"


class FollowUpScreen(ModalScreen[str | None]):
    """Start and template for a follow-up of ``after`` (a meeting row)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = """
    FollowUpScreen { align: center middle; }
    FollowUpScreen > Vertical { width: 70; height: auto; border: round $accent;
        background: $surface; padding: 1 2; }
    FollowUpScreen Input, FollowUpScreen Select { margin-bottom: 1; }
    FollowUpScreen #error { color: $error; }
    """

    def __init__(self, after: Any) -> None:
        super().__init__()
        self.after = after

    def compose(self) -> ComposeResult:
        from kickoff_tui.core.agenda import load_templates
        from kickoff_tui.core.locations import user_template_dir

        templates = load_templates(user_template_dir())
        start = self.after.local_start().add(days=7).format("YYYY-MM-DDTHH:mm")
        choice = DEFAULT_TEMPLATE if DEFAULT_TEMPLATE in templates else "kickoff-90"
        with Vertical():
            yield Label(Text(f"Follow-up of {self.after.title} ({self.after.id})"), classes="title")
            yield Select([(Text(f"{t.name} — {t.title} ({t.minutes} min)"), t.name)
                          for t in templates.values()], value=choice, id="template",
                         allow_blank=False)  # fmt: skip
            yield Input(start, placeholder="Start YYYY-MM-DDTHH:MM", id="start")
            yield Static("", id="error", markup=False)
            yield Button("Create", variant="primary", id="create")

    @on(Button.Pressed, "#create")
    @on(Input.Submitted)
    def create(self) -> None:
        self._create(self.query_one("#start", Input).value.strip() or None,
                     str(self.query_one("#template", Select).value))  # fmt: skip

    @work(thread=True, exclusive=True, group="create")
    def _create(self, when: str | None, name: str) -> None:
        from kickoff_tui.core.agenda import get_template
        from kickoff_tui.core.locations import user_template_dir
        from kickoff_tui.core.record import create_meeting, parse_start

        after = self.after
        try:
            start = parse_start(when, after.tz)
            template = get_template(name, user_template_dir())
            m = create_meeting(
                self.app.store, after.client, template, start, after.tz,  # type: ignore[attr-defined]
                title=f"{after.client} {template.title.split(' (')[0].lower()}",
                fit_to_box=template.overrun > 0, after=after,
            )  # fmt: skip
        except KickoffError as exc:
            self.app.call_from_thread(self.query_one("#error", Static).update, str(exc))
            return
        self.app.call_from_thread(self.dismiss, m.id)
