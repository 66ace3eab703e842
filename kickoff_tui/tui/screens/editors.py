"""The cockpit's editors: the agenda (``g``) and the people (``w``), each a small screen over the
cockpit, plus the over-box banner.

An editor never writes itself: each change is one command on the cockpit's meeting session
(``run_job``), written in the writer thread by a core unit of work; the change feed brings it
back to every terminal (this one included), and the open editor repaints from the cockpit's
state when it arrives. So two terminals editing one agenda see each other's edits live.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text

if TYPE_CHECKING:
    from textual.app import App

    from kickoff_tui.core.rows import BlockRow
    from kickoff_tui.tui.screens.cockpit import CockpitScreen
    from kickoff_tui.tui.state import MeetingState


def agenda_fit(state: MeetingState) -> tuple[int, int]:
    """(minutes the agenda plans now — replans counted —, minutes of the meeting's box)."""
    from kickoff_tui.core.clock import planned_seconds

    seconds = sum(planned_seconds(b) for b in state.snap.blocks)
    return round(seconds / 60), state.snap.meeting.planned_minutes


def minutes(b: BlockRow) -> int:
    """The minutes a block is planned for now (its replan, once the meeting replanned it)."""
    from kickoff_tui.core.clock import planned_seconds

    return round(planned_seconds(b) / 60)


def fit_line(planned: int, box: int) -> Text:
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append(f"Agenda {planned} min · box {box} min · ", style="bold")
    if planned > box:
        t.append(f"{planned - box} min over — f fits it to the box", style="bold red")
    elif planned < box:
        t.append(f"fits, {box - planned} min spare", style="green")
    else:
        t.append("fits exactly", style="green")
    return t


class Editors:
    state: MeetingState
    role: str

    if TYPE_CHECKING:

        @property
        def app(self) -> App[Any]: ...

        def run_job(self, run: Callable[[Any], Any], **kwargs: Any) -> Any: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...

    def action_edit_agenda(self) -> None:
        from kickoff_tui.tui.screens.agenda_editor import AgendaEditor

        if not self.state.loaded:
            self.notify("the meeting is still opening — press g again in a moment", markup=False)
            return
        self.app.push_screen(AgendaEditor(cast("CockpitScreen", self)))

    def action_edit_people(self) -> None:
        from kickoff_tui.tui.screens.people_editor import PeopleEditor

        if not self.state.loaded:
            self.notify("the meeting is still opening — press w again in a moment", markup=False)
            return
        self.app.push_screen(PeopleEditor(cast("CockpitScreen", self)))

    def editors_follow(self) -> None:
        """The record changed: an open editor shows it."""
        for screen in self.app.screen_stack:
            follow = getattr(screen, "follow", None)
            if getattr(screen, "cockpit", None) is self and follow is not None:
                follow()

    def edit(
        self, run: Callable[[Any], Any], said: Callable[[Any], str] | str,
        show: Callable[[str], None] | None = None,
    ) -> None:  # fmt: skip
        """Queue one edit (``run(store)`` in the writer thread); say what it did once saved —
        on the editor's own line (``show``) when it has one, else as a toast. A refusal is a
        toast (the session reports it)."""

        def done(result: Any) -> None:
            text = said(result) if callable(said) else said
            if show is not None:
                show(text)
            else:
                self.notify(text, markup=False, timeout=3)

        self.run_job(run, label="edit", done=done)

    def over_box(self) -> str | None:
        """The banner's words when the agenda does not fit its box."""
        planned, box = agenda_fit(self.state)
        if not self.state.snap.blocks or planned <= box:
            return None
        return (
            f"The agenda is {planned - box} min over its {box}-minute box "
            f"({planned} min planned) — g opens the agenda; f there fits it to the box"
        )
