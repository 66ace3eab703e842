"""SVG snapshots of the main screens (pytest-textual-snapshot).

Deterministic by construction: a fixed meeting (``conftest.START``), a frozen :class:`FakeClock`
(never advanced while the app runs, so every tick repaints the same text), the bell off, the
health score computed before the shot rather than by its 1 s interval, and the capture line's
cursor blink turned off (Textual 8.2.8 does *not* turn blinking off under ``run_test`` or
snapshots). Nothing on these screens shows the wall clock.

Update after an intended UI change with ``pytest tests/test_snapshots.py --snapshot-update`` and
look at the SVGs in ``tests/__snapshots__/test_snapshots/`` before committing them.
"""

from __future__ import annotations

import pendulum
import pytest
from conftest import START, FakeClock
from textual.pilot import Pilot
from textual.widgets import Input

from kickoff_tui.core import timers
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.record import add_attendee, add_lines, create_meeting
from kickoff_tui.tui.app import KickoffApp
from tests.live_util import settle as settle_live

WIDE = (120, 40)
SMALL = (80, 24)
LARGE = (200, 50)


@pytest.fixture
def busy_meeting(store, meeting):
    """The conftest meeting with a few captured items, as a facilitator sees it mid-call."""
    add_lines(store, meeting, "action", [
        "send the SSO checklist @maria due:fri sev:high side:them",
        "share the project plan @sam due:2026-11-26 side:us",
    ])  # fmt: skip
    add_lines(store, meeting, "decision", ["weekly status on Tuesdays 10:00 @maria"])
    add_lines(store, meeting, "risk", [
        "API access may slip past week 2 sev:high @dana",
        "[bold]not markup[/bold] todo [x] sev:l",
    ])  # fmt: skip
    return meeting


def keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def frozen(at: pendulum.DateTime) -> FakeClock:
    return FakeClock(at)


def cockpit_app(store, meeting, clock: FakeClock) -> KickoffApp:  # noqa: ANN001
    return KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)


async def settle(pilot: Pilot) -> None:
    """Make the shot independent of timing: score computed, no blinking cursor, idle."""
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()  # (the picker lists the meetings in a thread)
    await settle_live(pilot)  # (the cockpit's session has loaded and joined)
    # Widgets live on the screens: app.query() finds none of them (it missed every Input, so
    # the shot caught the cursor in whichever half of its 0.5 s blink; a loaded machine failed).
    inputs = [inp for screen in app.screen_stack for inp in screen.query(Input)]
    for inp in inputs:
        inp.cursor_blink = False
    for screen in app.screen_stack:
        for panel in screen.query("HealthPanel"):
            panel.check_now()  # type: ignore[attr-defined]
    await pilot.pause()
    for inp in inputs:  # a blink tick queued before the switch may have hidden it: show it again
        inp.cursor_blink = True
        inp.cursor_blink = False
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


def test_cockpit_before_start_120x40(snap_compare, store, busy_meeting):
    clock = frozen(START.subtract(minutes=5))
    app = cockpit_app(store, busy_meeting, clock)
    assert snap_compare(app, terminal_size=WIDE, run_before=settle)


def test_cockpit_running_120x40(snap_compare, store, busy_meeting):
    timers.start(store, busy_meeting.id, START)
    app = cockpit_app(store, busy_meeting, frozen(START.add(minutes=3, seconds=20)))
    assert snap_compare(app, terminal_size=WIDE, run_before=settle)


def test_cockpit_running_80x24(snap_compare, store, busy_meeting):
    timers.start(store, busy_meeting.id, START)
    app = cockpit_app(store, busy_meeting, frozen(START.add(minutes=3, seconds=20)))
    assert snap_compare(app, terminal_size=SMALL, run_before=settle)


def test_cockpit_running_200x50(snap_compare, store, busy_meeting):
    timers.start(store, busy_meeting.id, START)
    app = cockpit_app(store, busy_meeting, frozen(START.add(minutes=3, seconds=20)))
    assert snap_compare(app, terminal_size=LARGE, run_before=settle)


def test_cockpit_end_asks_80x24(snap_compare, store, busy_meeting):
    """ctrl+e asks first, naming the blocks that would go to the parking lot."""
    timers.start(store, busy_meeting.id, START)
    app = cockpit_app(store, busy_meeting, frozen(START.add(minutes=3, seconds=20)))

    async def ask(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SMALL, run_before=ask)


def test_agenda_editor_over_box_120x40(snap_compare, store, busy_meeting):
    """The agenda editor with the fit against the box, over it (and the banner behind)."""
    from kickoff_tui.core.agenda_edits import set_minutes

    set_minutes(store, busy_meeting.id, 2, 20)
    app = cockpit_app(store, busy_meeting, frozen(START.subtract(minutes=5)))

    async def edit(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("g", "down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=edit)


def test_cockpit_block_in_overtime(snap_compare, store, busy_meeting):
    """Block 1 (8 min) at 10:30: red clock, overtime count, the rebalance banner."""
    timers.start(store, busy_meeting.id, START)
    app = cockpit_app(store, busy_meeting, frozen(START.add(minutes=10, seconds=30)))
    assert snap_compare(app, terminal_size=WIDE, run_before=settle)


def test_cockpit_block_amber(snap_compare, store, busy_meeting):
    """Two minutes left in block 2 after moving on from block 1."""
    first_end = START.add(minutes=8)
    timers.start(store, busy_meeting.id, START)
    timers.step(store, busy_meeting.id, 1, first_end)
    app = cockpit_app(store, busy_meeting, frozen(first_end.add(minutes=10, seconds=5)))
    assert snap_compare(app, terminal_size=WIDE, run_before=settle)


def test_cockpit_capture_line_preview(snap_compare, store, busy_meeting):
    timers.start(store, busy_meeting.id, START)
    app = cockpit_app(store, busy_meeting, frozen(START.add(minutes=1)))

    async def type_action(pilot: Pilot) -> None:
        await pilot.press("a", *keys("book the UAT room @dana due:fri sev:m"))
        await settle(pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=type_action)


def test_cockpit_capture_line_error(snap_compare, store, busy_meeting):
    timers.start(store, busy_meeting.id, START)
    app = cockpit_app(store, busy_meeting, frozen(START.add(minutes=1)))

    async def type_bad(pilot: Pilot) -> None:
        await pilot.press("a", *keys("ship it due:2026-02-30"))
        await settle(pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=type_bad)


def test_help_screen(snap_compare, store, busy_meeting):
    app = cockpit_app(store, busy_meeting, frozen(START.subtract(minutes=5)))

    async def open_help(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=open_help)


def test_picker(snap_compare, store):
    a = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    add_attendee(store, a.id, "Maria Lopez", side="theirs", seniority=9)
    create_meeting(store, "Globex [EU]", get_template("kickoff-90"), START.add(days=7, hours=2),
                   "America/New_York")  # fmt: skip
    app = KickoffApp(store=store, clock=frozen(START.subtract(minutes=5)), bell=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=settle)


def test_picker_empty_80x24(snap_compare, store):
    app = KickoffApp(store=store, clock=frozen(START), bell=False)
    assert snap_compare(app, terminal_size=SMALL, run_before=settle)
