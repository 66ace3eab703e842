"""Pilot tests of the facilitator's controls (issue 10): ending asks first and can be undone,
the agenda and the people edited from the cockpit (live on a second terminal), toasts clear of
the capture line, and a layout for each terminal size.

Real apps on a real SQLite file; a second terminal is a second App on the same file, with its
own store and session.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from conftest import START, FakeClock
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._toast import Toast

from kickoff_tui.core import timers
from kickoff_tui.core.record import list_items, load_snapshot
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.screens.agenda_editor import AgendaEditor
from kickoff_tui.tui.screens.cockpit import CockpitScreen
from kickoff_tui.tui.screens.confirm_end import ConfirmEnd
from kickoff_tui.tui.screens.people_editor import PeopleEditor
from kickoff_tui.tui.widgets.agenda_rail import AgendaRail
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.clocks import ClockBar
from kickoff_tui.tui.widgets.item_pane import ItemPane
from tests.live_util import settle
from tests.test_cockpit import TITLES, screen_text

SIZE = (120, 40)


def make_app(store, meeting, clock, **kw) -> KickoffApp:  # noqa: ANN001
    return KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False, **kw)


def cockpit_of(app: KickoffApp) -> CockpitScreen:
    return next(s for s in app.screen_stack if isinstance(s, CockpitScreen))


def ended(store, meeting, clock) -> bool:  # noqa: ANN001
    return timers.meeting_time(load_snapshot(store, meeting.id), clock()).ended


def parked(store, meeting) -> list[str]:  # noqa: ANN001
    return [q.text for q in list_items(store, meeting.id, "question") if not q.deleted]


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await pilot.pause(0.05)


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text))


# --- ending asks first --------------------------------------------------------------------


async def test_ctrl_e_asks_naming_parked_blocks_and_n_or_esc_keeps(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        clock.advance(minutes=3)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmEnd)
        text = screen_text(app)
        assert "7 blocks never opened will go to the parking lot" in text
        assert "Business objectives review" in text
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CockpitScreen)
        assert not ended(store, meeting, clock)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmEnd)
        await pilot.press("escape")
        await settle(pilot)
        assert not ended(store, meeting, clock) and parked(store, meeting) == []
        await pilot.press("ctrl+e", "y")
        await settle(pilot)
        assert ended(store, meeting, clock)
        assert len(parked(store, meeting)) == 7
        rail = app.screen.query_one(AgendaRail).render().plain.splitlines()
        assert not any(line.startswith("▶") for line in rail)  # nothing runs any more
        assert rail[0].startswith("✓ 1")


async def test_next_on_the_last_block_asks_too(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        for _ in TITLES[1:]:
            clock.advance(minutes=1)
            await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CockpitScreen)  # moving between blocks never asks
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmEnd)
        assert "nothing goes to the parking lot" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not ended(store, meeting, clock)
        assert "Questions & next steps" in str(app.screen.query_one(ClockBar).render())


async def test_reopen_from_the_palette_resumes_the_clocks(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        clock.advance(minutes=3)
        await pilot.press("n")  # block 2
        clock.advance(minutes=2)
        await pilot.press("ctrl+e", "y")
        await settle(pilot)
        assert ended(store, meeting, clock) and len(parked(store, meeting)) == 6
        clock.advance(minutes=10)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Reopen")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await settle(pilot)
        assert not ended(store, meeting, clock)
        assert parked(store, meeting) == []  # the end's parking-lot entries are taken back
        mt = timers.meeting_time(load_snapshot(store, meeting.id), clock())
        assert mt.current is not None and mt.current.position == 1  # block 2 runs again
        cockpit_of(app).tick()
        assert "Meeting ended" not in str(app.screen.query_one(ClockBar).render())


# --- the agenda, edited from the cockpit, live on a second terminal ------------------------


async def test_agenda_edits_reach_a_second_app(store, meeting, clock, db_url):
    one = make_app(store, meeting, clock)
    two = KickoffApp(db_url, meeting.id, role="note-taker", clock=clock, bell=False)
    async with one.run_test(size=SIZE) as p1, two.run_test(size=SIZE) as p2:
        await settle(p1)
        await settle(p2)
        await p2.press("g")  # the second terminal has its editor open too
        await p2.pause()
        assert isinstance(two.screen, AgendaEditor)
        await p1.press("g")
        await p1.pause()
        assert isinstance(one.screen, AgendaEditor)
        assert "Agenda 90 min · box 90 min · fits exactly" in screen_text(one)
        await p1.press("plus", "plus")  # block 1: 8 → 10 min
        await settle(p1)
        assert load_snapshot(store, meeting.id).blocks[0].planned_minutes == 10
        assert "2 min over" in screen_text(one)  # the fit shows while editing
        await wait_for(p2, lambda: "2 min over" in screen_text(two))
        await wait_for(p2, lambda: " 10 min" in screen_text(two))
        # rename, add, move: each reaches the other terminal's rail
        await p1.press("down", "r", "ctrl+u")
        await type_text(p1, "Goals in their words")
        await p1.press("enter")
        await p1.press("a")
        await type_text(p1, "Security review 5")
        await p1.press("enter")
        await settle(p1)
        titles = [b.title for b in load_snapshot(store, meeting.id).blocks]
        assert titles[1:3] == ["Goals in their words", "Security review"]
        await p2.press("escape")
        await wait_for(p2, lambda: "Security review" in screen_text(two))
        assert "Goals in their words" in screen_text(two)
        # the banner: an agenda over its box says so in the cockpit, on both terminals
        await p1.press("escape")
        await settle(p1)
        await wait_for(p1, lambda: one.screen.query_one("#banner").display)
        assert "7 min over its 90-minute box" in screen_text(one)
        await wait_for(p2, lambda: "7 min over its 90-minute box" in screen_text(two))
        # fit it: the banner goes
        await p1.press("g", "f")
        await settle(p1)
        assert sum(b.planned_minutes for b in load_snapshot(store, meeting.id).blocks) == 90
        await p1.press("escape")
        await wait_for(p2, lambda: not two.screen.query_one("#banner").display)


async def test_a_running_block_cannot_be_removed(store, meeting, clock):
    async with make_app(
        store,
        meeting,
        clock,
    ).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("delete")  # the cursor starts on the running block
        await settle(pilot)
        blocks = load_snapshot(store, meeting.id).blocks
        assert [b.title for b in blocks] == list(TITLES)
        await pilot.press("down", "x")  # a block not run yet goes
        await settle(pilot)
        blocks = load_snapshot(store, meeting.id).blocks
        assert [b.title for b in blocks] == [TITLES[0], *TITLES[2:]]
        assert isinstance(app.screen, AgendaEditor)
        listed = str(app.screen.query_one("#agenda-blocks").render())
        assert TITLES[1] not in listed and TITLES[2] in listed
        assert f"removed block 2 '{TITLES[1]}'" in screen_text(app)  # said on its own line
        # during the meeting minutes replan (the plan stays for the record); a presenter
        await pilot.press("up", "plus", "p")
        await type_text(pilot, "@sam")
        await pilot.press("enter")
        await settle(pilot)
        first = load_snapshot(store, meeting.id).blocks[0]
        assert (first.planned_minutes, first.replanned_seconds) == (8, 9 * 60)
        assert first.presenter == "Sam Patel"
        assert "8→9" in screen_text(app) and "Sam Patel" in screen_text(app)


# --- people --------------------------------------------------------------------------------


async def test_people_edited_and_marked_absent_from_the_cockpit(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PeopleEditor)
        names = [a.name for a in load_snapshot(store, meeting.id).attendees]
        dana = names.index("Dana Kim")
        await pilot.press(*["down"] * dana, "enter")
        line = app.screen.query_one("#people-input", Input)
        assert line.value.startswith("Dana Kim side:them role:technical-owner")
        await pilot.press("ctrl+u")
        await type_text(pilot, "Maria Lopez, CTO side:them")
        await pilot.pause()
        assert "already an attendee" in screen_text(app)  # checked as typed
        await pilot.press("enter")  # refused: nothing written
        await settle(pilot)
        assert [a.name for a in load_snapshot(store, meeting.id).attendees] == names
        await pilot.press("ctrl+u")
        await type_text(pilot, "Dana Kim-Park, CTO [x] side:them role:technical-owner sen:7")
        await pilot.press("enter")
        await settle(pilot)
        a = next(a for a in load_snapshot(store, meeting.id).attendees if a.id is not None
                 and a.name.startswith("Dana"))  # fmt: skip
        assert (a.name, a.title, a.seniority) == ("Dana Kim-Park", "CTO [x]", 7)
        await pilot.press("p")
        await settle(pilot)
        a = next(x for x in load_snapshot(store, meeting.id).attendees if x.id == a.id)
        assert not a.present
        assert "CTO [x]" in screen_text(app)  # user text shown as typed


async def test_people_removed_from_the_cockpit(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w", "down", "down", "delete")  # Sam Patel, the third
        await settle(pilot)
        assert "Sam Patel" in [a.name for a in load_snapshot(store, meeting.id).attendees]
        await pilot.press("delete")  # the second press removes
        await settle(pilot)
        assert "Sam Patel" not in [a.name for a in load_snapshot(store, meeting.id).attendees]


# --- toasts and layout ---------------------------------------------------------------------


async def test_toasts_never_cover_the_capture_line(store, meeting, clock):
    for size in ((80, 24), (120, 40)):
        app = make_app(store, meeting, clock)
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("a")
            for n in range(4):
                app.notify(f"saved item {n} with a long message that wraps onto lines", timeout=30)
            await pilot.pause(0.3)
            line = app.screen.query_one(CaptureLine).region
            toasts = [t.region for t in app.screen.query(Toast)]
            assert toasts, "no toast shown"
            for region in toasts:
                assert region.bottom <= line.y, (size, region, line)


async def test_layout_80x24_shows_the_prompts_and_one_pane_at_a_time(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=(80, 24)) as pilot:
        app = pilot.app
        await pilot.press("s")
        await settle(pilot)
        text = screen_text(app)
        assert "State the purpose" in text and "Round-robin" in text  # the play is readable
        rail = app.screen.query_one(AgendaRail)
        assert rail.has_class("-narrow")
        assert rail.render().plain.splitlines()[0].split() == ["▶", "1", "0/8"]
        shown = [p.kind for p in app.screen.query(ItemPane) if p.display]
        assert shown == ["action"]
        await pilot.press("v")
        shown = [p.kind for p in app.screen.query(ItemPane) if p.display]
        assert shown == ["decision"]
        await pilot.press("tab")  # into the shown pane; v there moves the focus along
        while not isinstance(app.focused, ItemPane):
            await pilot.press("tab")
        assert app.focused.kind == "decision"
        await pilot.press("v")
        assert isinstance(app.focused, ItemPane) and app.focused.kind == "risk"
        await pilot.press("v")
        assert [p.kind for p in app.screen.query(ItemPane) if p.display] == ["action"]
        app.screen.set_focus(None)
        await pilot.press("r")  # a saved risk shows its pane
        await type_text(pilot, "API may slip")
        await pilot.press("enter")
        await settle(pilot)
        assert [p.kind for p in app.screen.query(ItemPane) if p.display] == ["risk"]


async def test_layout_120x40_rail_titles_whole(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rail = pilot.app.screen.query_one(AgendaRail).render().plain
        for title in TITLES:
            assert title in rail


async def test_layout_200x50_uses_the_space(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=(200, 50)) as pilot:
        app = pilot.app
        await settle(pilot)
        assert app.screen.query_one(AgendaRail).has_class("-wide")
        assert "░░░░" in app.screen.query_one(AgendaRail).render().plain  # progress bars
        view = cockpit_of(app).block_view
        assert view is not None and view.region.width >= 70


async def test_far_ahead_reads_in_days(store, meeting):
    clock = FakeClock(START.subtract(days=109, hours=2))
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = str(pilot.app.screen.query_one(ClockBar).render())
        assert "(in 109 days)" in text
