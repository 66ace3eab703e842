"""Pilot tests of the facilitator cockpit: keys in, stored rows and screen text out.

Every test runs the real app on a real SQLite file (``tmp_path``) with an injected
:class:`FakeClock`. Time only moves when a test calls ``clock.advance``; the screen's periodic
tick is then run explicitly (``screen.tick()``) so nothing depends on wall-clock sleeps.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable

import pendulum
import pytest
from conftest import START
from rich.console import Console
from textual.events import Paste
from textual.pilot import Pilot
from textual.widgets import Static

from kickoff_tui.core import timers
from kickoff_tui.core.clock import MeetingTime
from kickoff_tui.core.record import list_items, load_snapshot
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.screens.cockpit import CockpitScreen
from kickoff_tui.tui.screens.help import HelpScreen
from kickoff_tui.tui.widgets.agenda_rail import AgendaRail
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.clocks import ClockBar
from kickoff_tui.tui.widgets.item_pane import ItemPane
from tests.live_util import settle

SIZE = (120, 40)
TITLES = (
    "Welcome & introductions",
    "Business objectives review",
    "Solution overview & scope",
    "Implementation plan & timeline",
    "Roles & responsibilities",
    "Communication & governance",
    "Success criteria & metrics",
    "Questions & next steps",
)


# --- helpers ---------------------------------------------------------------------------------


def make_app(store: Store, meeting, clock) -> KickoffApp:  # noqa: ANN001
    return KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)


def screen_text(app: KickoffApp) -> str:
    """The screen as plain text: what ``export_screenshot`` draws, without the SVG."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False, safe_box=False,
    )  # fmt: skip
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


def flat(text: str) -> str:
    """Whitespace collapsed, so wrapped or indented lines still match a phrase."""
    return " ".join(text.split())


def view_text(app: KickoffApp) -> str:
    """Everything the current block view draws (its prompts and capture sections)."""
    view = cockpit(app).block_view
    assert view is not None
    return flat("\n".join(str(s.render()) for s in view.query(Static)))


def capture_row(app: KickoffApp) -> str:
    """The screen row holding the capture line's kind label and input."""
    rows = [r for r in screen_text(app).splitlines() if "›" in r]
    assert len(rows) == 1, rows
    return rows[0]


def cockpit(app: KickoffApp) -> CockpitScreen:
    screen = app.screen
    assert isinstance(screen, CockpitScreen), screen
    return screen


def stored_time(store: Store, meeting, clock) -> MeetingTime:  # noqa: ANN001
    return timers.meeting_time(load_snapshot(store, meeting.id), clock())


def block_ids(store: Store, meeting) -> list[int]:  # noqa: ANN001
    return [b.id for b in load_snapshot(store, meeting.id).blocks]


def events(store: Store, meeting) -> list[tuple[str, int | None]]:  # noqa: ANN001
    return [(e.kind, e.block_id) for e in load_snapshot(store, meeting.id).events]


def rail_lines(app: KickoffApp) -> list[str]:
    return app.screen.query_one(AgendaRail).render().plain.splitlines()


def rail_current(app: KickoffApp) -> list[str]:
    """Titles (as drawn, maybe truncated) of the rows marked as the current block."""
    return [line for line in rail_lines(app) if line.startswith("▶")]


def clockbar_text(app: KickoffApp) -> str:
    return str(app.screen.query_one(ClockBar).render())


def pane(app: KickoffApp, kind: str) -> ItemPane:
    return app.screen.query_one(f"#pane-{kind}", ItemPane)


async def tick(pilot: Pilot) -> None:
    """What the 0.25 s interval does, run now: the clock was moved by the test."""
    cockpit(pilot.app).tick()
    await settle(pilot)


def keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*keys(text))


async def capture(pilot: Pilot, key: str, text: str) -> None:
    """Open the capture line with ``key`` (a/d/r/q/colon), type ``text``, press Enter."""
    await pilot.press(key)
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the event loop run (intervals included) until ``condition`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


# --- opening, starting -----------------------------------------------------------------------


async def test_opens_not_started_with_agenda_and_no_focus(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await settle(pilot)
        app = pilot.app
        cockpit(app)
        # Keys belong to the cockpit until the user picks a pane or the capture line.
        assert app.focused is None
        text = screen_text(app)
        assert "Not started" in text and "press s to start" in text
        assert "(in 5:00)" in text
        assert len(rail_lines(app)) == len(TITLES)
        assert rail_current(app) == []
        assert events(store, meeting) == []


async def test_s_starts_the_meeting_with_block_one(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await settle(pilot)
        ids = block_ids(store, meeting)
        assert events(store, meeting) == [("block-started", ids[0])]
        snap = load_snapshot(store, meeting.id)
        assert snap.meeting.status == "running"
        assert snap.blocks[0].status == "active"
        ev = snap.events[0]
        assert pendulum.instance(ev.at) == clock()
        mt = stored_time(store, meeting, clock)
        assert mt.current_block_id == ids[0]
        assert rail_current(pilot.app)[0].startswith("▶ 1 Welcome")
        assert "8:00 left in Welcome & introductions" in clockbar_text(pilot.app)
        # a second 's' changes nothing
        await pilot.press("s")
        await settle(pilot)
        assert len(events(store, meeting)) == 1


async def test_moving_between_blocks_with_n_p_and_arrows(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        ids = block_ids(store, meeting)

        async def now_at(position: int) -> None:
            await settle(pilot)
            mt = stored_time(store, meeting, clock)
            assert mt.current_block_id == ids[position]
            current = rail_current(app)
            assert len(current) == 1 and current[0].startswith(f"▶ {position + 1} ")
            view = cockpit(app).block_view
            assert view is not None and view.block.id == ids[position]
            assert TITLES[position] in clockbar_text(app)

        await pilot.press("n")  # not started yet: nothing happens
        await settle(pilot)
        assert events(store, meeting) == []

        await pilot.press("s")
        await now_at(0)
        clock.advance(minutes=3)
        await pilot.press("n")
        await now_at(1)
        clock.advance(minutes=1)
        await pilot.press("right")
        await now_at(2)
        await pilot.press("left")
        await now_at(1)
        await pilot.press("p")
        await now_at(0)
        await pilot.press("p")  # already at the first block
        await now_at(0)

        assert [k for k, _ in events(store, meeting)] == ["block-started"] * 5
        assert [b for _, b in events(store, meeting)] == [ids[0], ids[1], ids[2], ids[1], ids[0]]
        snap = load_snapshot(store, meeting.id)
        status = {b.id: b.status for b in snap.blocks}
        assert status[ids[0]] == "active"
        assert status[ids[1]] == status[ids[2]] == "done"
        mt = stored_time(store, meeting, clock)
        assert mt.blocks[ids[0]].elapsed_s == 180
        assert mt.blocks[ids[1]].elapsed_s == 60


async def test_pause_stops_the_block_clock(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        first = block_ids(store, meeting)[0]
        await pilot.press("s")
        clock.advance(minutes=2)
        await pilot.press("space")
        await settle(pilot)
        assert events(store, meeting)[-1] == ("paused", first)
        clock.advance(minutes=5)
        await tick(pilot)
        mt = stored_time(store, meeting, clock)
        assert mt.paused
        assert mt.blocks[first].elapsed_s == 120
        assert "PAUSED" in clockbar_text(app)
        assert "6:00 left" in clockbar_text(app)
        # the meeting clock keeps running while the block is paused
        assert mt.elapsed_s == 7 * 60

        await pilot.press("space")
        await settle(pilot)
        assert events(store, meeting)[-1] == ("resumed", first)
        clock.advance(minutes=1)
        await tick(pilot)
        mt = stored_time(store, meeting, clock)
        assert not mt.paused
        assert mt.blocks[first].elapsed_s == 180
        assert "PAUSED" not in clockbar_text(app)
        assert "5:00 left" in clockbar_text(app)


async def test_amber_at_two_minutes_then_red_overtime(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        bar = app.screen.query_one(ClockBar)
        await pilot.press("s")
        clock.advance(minutes=5, seconds=59)
        await tick(pilot)
        assert not bar.has_class("-amber") and not bar.has_class("-red")
        clock.advance(seconds=1)  # 2:00 left
        await tick(pilot)
        assert bar.has_class("-amber") and not bar.has_class("-red")
        assert "2:00 left" in clockbar_text(app)
        clock.advance(minutes=2)  # 0:00 left: not over yet
        await tick(pilot)
        assert "0:00 left" in clockbar_text(app)
        clock.advance(seconds=75)
        await tick(pilot)
        assert bar.has_class("-red") and not bar.has_class("-amber")
        assert "OVERTIME +1:15" in clockbar_text(app)
        assert "OVERTIME +1:15" in screen_text(app)
        assert re.findall(r"\d+/\d+", rail_current(app)[0])[-1] == "9/8"


async def test_plus_extends_the_block_by_a_minute(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        first = block_ids(store, meeting)[0]
        await pilot.press("s")
        clock.advance(minutes=7)
        await tick(pilot)
        assert app.screen.query_one(ClockBar).has_class("-amber")
        await pilot.press("plus")
        await settle(pilot)
        snap = load_snapshot(store, meeting.id)
        assert [(e.kind, e.block_id, e.seconds) for e in snap.events][-1] == ("extended", first, 60)
        mt = stored_time(store, meeting, clock)
        assert mt.blocks[first].budget_s == 9 * 60
        assert mt.blocks[first].remaining_s == 120
        assert "2:00 left" in clockbar_text(app)
        assert "7/9" in rail_current(app)[0]


async def test_rebalance_brings_the_projected_end_back_to_plan(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        banner = app.screen.query_one("#banner")
        await pilot.press("s")
        await tick(pilot)
        assert not banner.display
        clock.advance(minutes=30)  # block 1 planned 8: 22 minutes behind
        await tick(pilot)
        mt = stored_time(store, meeting, clock)
        assert mt.behind_s == 22 * 60
        assert banner.display
        assert "Running 22 min behind" in screen_text(app)
        proposal = cockpit(app).proposal
        assert proposal is not None

        blocks = load_snapshot(store, meeting.id).blocks
        before = {b.id: b.planned_seconds for b in blocks}
        planned = [b.planned_minutes for b in blocks]
        await pilot.press("b")
        await settle(pilot)
        snap = load_snapshot(store, meeting.id)
        after = {b.id: b.planned_seconds for b in snap.blocks}
        later = [b.id for b in snap.blocks[1:]]
        first = snap.blocks[0].id
        assert after[first] == before[first]  # the running block keeps its plan
        assert all(after[i] <= before[i] for i in later)
        # a rebalance (in seconds) takes exactly what is behind; the plan itself stays
        assert sum(before[i] - after[i] for i in later) == 22 * 60
        assert [b.planned_minutes for b in snap.blocks] == planned
        mt = stored_time(store, meeting, clock)
        assert mt.projected_end <= mt.planned_end
        await tick(pilot)
        assert not banner.display
        assert cockpit(app).proposal is None
        # the rail shows the new plans
        assert [re.findall(r"\d+/\d+", line)[-1] for line in rail_lines(app)][1:] == [
            f"0/{after[i] / 60:.0f}" for i in later
        ]


async def test_next_after_the_last_block_ends_the_meeting(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await pilot.press("s")
        for _ in TITLES:
            clock.advance(minutes=1)
            await pilot.press("n")
        await settle(pilot)
        assert not stored_time(store, meeting, clock).ended  # the last 'n' asks first
        await pilot.press("y")
        await settle(pilot)
        mt = stored_time(store, meeting, clock)
        assert mt.ended
        snap = load_snapshot(store, meeting.id)
        assert snap.meeting.status == "ended"
        assert {b.status for b in snap.blocks} == {"done"}
        # every block was opened: nothing goes to the parking lot
        assert list_items(store, meeting.id, "question") == []
        assert "Meeting ended" in clockbar_text(pilot.app)


async def test_ending_early_parks_never_opened_blocks(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=8)
        await pilot.press("n")
        clock.advance(minutes=8)
        await pilot.press("n")  # now in block 3
        clock.advance(minutes=5)
        await pilot.press("ctrl+e", "y")
        await settle(pilot)
        snap = load_snapshot(store, meeting.id)
        assert snap.meeting.status == "ended"
        status = [b.status for b in snap.blocks]
        assert status == ["done"] * 3 + ["skipped"] * 5
        questions = list_items(store, meeting.id, "question")
        assert len(questions) == 5
        never = snap.blocks[3:]
        assert sorted(q.block_id for q in questions) == sorted(b.id for b in never)
        for q in questions:
            title = snap.block(q.block_id).title
            assert q.text.startswith("Parking lot") and title in q.text
        # nothing more happens on 'n' once ended
        await pilot.press("n")
        await settle(pilot)
        assert len(list_items(store, meeting.id, "question")) == 5
        assert events(store, meeting)[-1][0] == "meeting-ended"


async def test_starts_by_itself_at_the_scheduled_time(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await settle(pilot)
        clock.advance(minutes=4, seconds=59)
        await tick(pilot)
        assert events(store, meeting) == []
        clock.advance(seconds=1)
        # the cockpit's own interval notices the scheduled start
        await wait_for(pilot, lambda: events(store, meeting) != [])
        ev = load_snapshot(store, meeting.id).events
        first = block_ids(store, meeting)[0]
        assert [(e.kind, e.block_id) for e in ev] == [("block-started", first)]
        assert pendulum.instance(ev[0].at) == START
        await tick(pilot)
        assert rail_current(pilot.app)[0].startswith("▶ 1 ")


async def test_does_not_start_by_itself_when_opened_long_after_the_start(store, meeting, clock):
    clock.advance(hours=2)  # reviewing an old meeting that never ran
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await tick(pilot)
        assert events(store, meeting) == []
        assert "Not started" in clockbar_text(pilot.app)


async def test_restart_mid_block_shows_the_real_elapsed_time(store, meeting, clock, db_url):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=2)
        await tick(pilot)
        assert "6:00 left" in clockbar_text(pilot.app)
        assert re.findall(r"\d+/\d+", rail_current(pilot.app)[0])[-1] == "2/8"
        await pilot.press("ctrl+q")
    first = block_ids(store, meeting)[0]
    assert stored_time(store, meeting, clock).blocks[first].elapsed_s == 120

    clock.advance(minutes=3)  # the app was down for three minutes
    fresh = Store.open(db_url)  # as a new process would
    try:
        async with make_app(fresh, meeting, clock).run_test(size=SIZE) as pilot:
            await settle(pilot)
            app = pilot.app
            mt = stored_time(fresh, meeting, clock)
            assert mt.current_block_id == first
            assert mt.blocks[first].elapsed_s == 300
            assert "3:00 left in Welcome & introductions" in clockbar_text(app)
            assert re.findall(r"\d+/\d+", rail_current(app)[0])[-1] == "5/8"
            assert "meeting 5:00" in clockbar_text(app)
            # no extra timer events were written by reopening
            assert events(fresh, meeting) == [("block-started", first)]
    finally:
        fresh.close()


async def test_restart_right_after_a_crash_keeps_the_timers(store, meeting, clock, db_url):
    from kickoff_tui.core import presence

    start = clock()
    timers.start(store, meeting.id, start)
    # the previous cockpit process was killed: its heartbeat row was never removed
    dead = presence.join(store, meeting.id, "facilitator", start)
    presence.claim_control(store, dead, start)
    clock.advance(seconds=2)  # relaunched at once
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await settle(pilot)
        clock.advance(seconds=30)  # the dead row is long stale now
        cockpit(pilot.app).beat()
        await tick(pilot)
        assert cockpit(pilot.app).in_control
        await pilot.press("n")
        await settle(pilot)
        assert stored_time(store, meeting, clock).current.position == 1


# --- capture ---------------------------------------------------------------------------------


async def test_capture_action_with_owner_due_and_severity(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        await pilot.press("a")
        assert isinstance(app.focused, type(app.screen.query_one(CaptureLine).input))
        await type_text(pilot, "SSO list @maria due:fri sev:high side:them")
        await settle(pilot)
        preview = str(app.screen.query_one("#preview").render())
        assert preview.startswith("✓ action")
        assert "owner Maria Lopez" in preview and "due Fri 27 Nov 2026" in preview
        assert "sev high" in preview
        # what is typed is visible on the line while typing
        assert "action › SSO list @maria due:fri sev:high side:them" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        (item,) = list_items(store, meeting.id, "action")
        assert item.text == "SSO list"
        assert item.owner == "Maria Lopez" and item.owner_known
        assert item.due == pendulum.date(2026, 11, 27)
        assert item.severity == "high" and item.side == "theirs"  # vocab.Side: one spelling
        assert item.block_id == block_ids(store, meeting)[0]
        assert item.captured_by == "facilitator"
        p = pane(app, "action")
        assert [i.id for i in p.items] == [item.id]
        assert p.border_title == "Actions (1)"
        row = p.render().plain
        assert row.startswith("H SSO list @Maria Lopez Fri 27 Nov")  # (the rest: cut at 120)
        # the line closes: the next key is the cockpit's (issue 10: kinds never misfile)
        line = app.screen.query_one(CaptureLine)
        assert line.kind == "" and line.input.value == "" and app.focused is None


async def test_a_r_d_sequence_files_an_action_a_risk_and_a_decision(store, meeting, clock):
    """Enter closes the line, so each kind key opens its own line (issue 10, point 1)."""
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("a", *keys("review the SOW"), "enter")
        await pilot.press("r", *keys("rollout may slip"), "enter")
        await pilot.press("d", *keys("daily standups"), "enter")
        await pilot.press("q", *keys("quarterly review?"), "enter")
        await settle(pilot)
        items = sorted(list_items(store, meeting.id), key=lambda i: i.id)
        assert [(i.kind, i.text) for i in items] == [
            ("action", "review the SOW"),
            ("risk", "rollout may slip"),
            ("decision", "daily standups"),
            ("question", "quarterly review?"),
        ]


@pytest.mark.parametrize(
    ("key", "kind", "typed", "text", "owner", "due", "severity"),
    [
        ("d", "decision", "weekly status on Tuesdays @dana", "weekly status on Tuesdays",
         "Dana Kim", None, None),
        ("r", "risk", "API access may slip sev:m due:+2w", "API access may slip", None,
         pendulum.date(2026, 12, 8), "medium"),
        ("q", "question", "who signs off UAT? @sam due:tomorrow", "who signs off UAT?",
         "Sam Patel", pendulum.date(2026, 11, 25), None),
        ("colon", "note", "note Maria wants weekly demos", "Maria wants weekly demos", None,
         None, None),
        ("colon", "in-scope", "in-scope SSO with Okta", "SSO with Okta", None, None, None),
        ("colon", "out-of-scope", "out-of-scope mobile app", "mobile app", None, None, None),
        ("colon", "milestone", "milestone pilot live due:Dec 15 @dana", "pilot live",
         "Dana Kim", pendulum.date(2026, 12, 15), None),
        ("colon", "metric", "metric ticket backlog under 50 due:eom", "ticket backlog under 50",
         None, pendulum.date(2026, 11, 30), None),
    ],
)  # fmt: skip
async def test_each_capture_kind(store, meeting, clock, key, kind, typed, text, owner, due,
                                 severity):  # fmt: skip
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(key)
        await type_text(pilot, typed)
        await settle(pilot)
        preview = str(app.screen.query_one("#preview").render())
        assert preview.startswith(f"✓ {kind}"), preview
        await pilot.press("enter")
        await settle(pilot)
        items = [i for i in list_items(store, meeting.id) if not i.text.startswith("Parking")]
        assert [(i.kind, i.text, i.owner, i.due, i.severity) for i in items] == [
            (kind, text, owner, due, severity)
        ]
        if kind in ("action", "decision", "risk"):
            assert [i.text for i in pane(app, kind).items] == [text]
            others = {"action", "decision", "risk"} - {kind}
            assert all(pane(app, k).items == [] for k in others)
        # every kind is listed in the view of the block it was raised in
        assert flat(text) in view_text(app)


async def test_panes_are_newest_first_with_counts(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        await capture(pilot, "a", "first")
        await capture(pilot, "a", "second @sam")  # Enter closed the line: `a` opens the next
        await capture(pilot, "r", "third sev:l")
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is None
        assert [i.text for i in pane(app, "action").items] == ["second", "first"]
        assert pane(app, "action").border_title == "Actions (2)"
        assert pane(app, "risk").border_title == "Risks (1)"
        assert pane(app, "decision").border_title == "Decisions (0)"
        text = screen_text(app)
        assert "Actions (2)" in text and "Risks (1)" in text
        assert text.index("second @Sam Patel") < text.index("first")


async def test_bad_date_token_shows_an_error_and_saves_nothing(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        await pilot.press("a")
        await type_text(pilot, "send deck due:2026-13-01")
        await settle(pilot)
        preview = app.screen.query_one("#preview")
        assert preview.has_class("-error")
        assert str(preview.render()).startswith("✗ no such date '2026-13-01'")
        assert "✗ no such date '2026-13-01'" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert list_items(store, meeting.id, include_deleted=True) == []
        assert pane(app, "action").items == []
        # the text stays on the line to be fixed
        line = app.screen.query_one(CaptureLine)
        assert line.input.value == "send deck due:2026-13-01"
        for _ in range(len("2026-13-01")):
            await pilot.press("backspace")
        await type_text(pilot, "fri")
        await settle(pilot)
        assert not preview.has_class("-error")
        await pilot.press("enter")
        await settle(pilot)
        (item,) = list_items(store, meeting.id)
        assert item.due == pendulum.date(2026, 11, 27)


async def test_unknown_word_after_colon_is_refused(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.press("colon")
        await type_text(pilot, "blah blah")
        await settle(pilot)
        preview = pilot.app.screen.query_one("#preview")
        assert preview.has_class("-error")
        assert "start with a kind" in str(preview.render())
        await pilot.press("enter")
        await settle(pilot)
        assert list_items(store, meeting.id, include_deleted=True) == []


async def test_escape_cancels_and_up_recalls(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        await pilot.press("a")
        await type_text(pilot, "half typed")
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is None
        assert list_items(store, meeting.id) == []
        # the keys are the cockpit's again: 'n' moves on instead of typing
        await pilot.press("n")
        await settle(pilot)
        assert stored_time(store, meeting, clock).current.position == 1
        await pilot.press("a", "up")
        await settle(pilot)
        assert app.screen.query_one(CaptureLine).input.value == "half typed"


async def test_edit_an_item_from_its_pane(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        await capture(pilot, "a", "send deck @maria due:fri")
        await pilot.press("escape")
        await pilot.click("#pane-action")
        assert app.focused is pane(app, "action")
        await pilot.press("enter")
        await settle(pilot)
        line = app.screen.query_one(CaptureLine)
        assert line.editing is not None
        assert line.input.value == 'action send deck @"Maria Lopez" due:2026-11-27'
        assert "edit #1 ›" in screen_text(app)
        await pilot.press("ctrl+u")  # clear the line
        await type_text(pilot, "action send the revised deck @sam due:mon sev:high")
        await pilot.press("enter")
        await settle(pilot)
        (item,) = list_items(store, meeting.id, include_deleted=True)
        assert item.text == "send the revised deck"
        assert item.owner == "Sam Patel"
        assert item.due == pendulum.date(2026, 11, 30)
        assert item.severity == "high"
        assert item.version == 2
        assert [i.text for i in pane(app, "action").items] == ["send the revised deck"]
        assert "send the revised deck @Sam Patel" in pane(app, "action").render().plain


async def test_an_edit_changes_the_kind_of_a_misfiled_item(store, meeting, clock):
    """The edit line is led by the item's kind word: change the word, change the kind."""
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        await capture(pilot, "a", "SSO may slip @dana")
        await settle(pilot)
        await pilot.click("#pane-action")
        await pilot.press("enter")
        await settle(pilot)
        line = app.screen.query_one(CaptureLine)
        assert line.input.value.startswith("action SSO may slip")
        await pilot.press("home", *["delete"] * len("action"), *keys("risk"))
        await settle(pilot)
        assert str(app.screen.query_one("#preview").render()).startswith("✓ risk")
        await pilot.press("enter")
        await settle(pilot)
        (item,) = list_items(store, meeting.id, include_deleted=True)
        assert (item.kind, item.text, item.owner, item.version) == ("risk", "SSO may slip",
                                                                     "Dana Kim", 2)  # fmt: skip
        assert pane(app, "action").items == []
        assert [i.text for i in pane(app, "risk").items] == ["SSO may slip"]


async def test_mark_done_from_the_pane(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        await capture(pilot, "a", "send deck")
        await pilot.press("escape")
        await pilot.click("#pane-action")
        await pilot.press("x")
        await settle(pilot)
        (item,) = list_items(store, meeting.id)
        assert item.status == "done"
        assert pane(app, "action").render().plain.startswith("✓ send deck")
        await pilot.press("x")
        await settle(pilot)
        assert list_items(store, meeting.id)[0].status == "open"


async def test_delete_then_undo(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("s")
        await capture(pilot, "d", "go with Okta")
        await capture(pilot, "d", "weekly Tuesday status")
        await pilot.click("#pane-decision")
        p = pane(app, "decision")
        assert [i.text for i in p.items] == ["weekly Tuesday status", "go with Okta"]
        await pilot.press("down", "delete")
        await settle(pilot)
        assert [i.text for i in p.items] == ["weekly Tuesday status"]
        assert p.border_title == "Decisions (1)"
        rows = {i.text: i.deleted for i in list_items(store, meeting.id, include_deleted=True)}
        assert rows == {"go with Okta": True, "weekly Tuesday status": False}
        await pilot.press("u")
        await settle(pilot)
        assert [i.text for i in p.items] == ["weekly Tuesday status", "go with Okta"]
        assert not any(i.deleted for i in list_items(store, meeting.id, include_deleted=True))
        assert "go with Okta" in screen_text(app)
        await pilot.press("u")  # nothing left to undo: no crash, no change
        await settle(pilot)
        assert len(list_items(store, meeting.id)) == 2


MARKUP = ("[/foo]", "todo [x]", "[bold]x[/bold]", "[link=x]y", "[/]", r"back\slash [b]\\")
CAPTURE_KEYS = (
    ("a", "action", ""),
    ("d", "decision", ""),
    ("r", "risk", ""),
    ("q", "question", ""),
    ("colon", "note", "note "),
    ("colon", "in-scope", "in-scope "),
    ("colon", "out-of-scope", "out-of-scope "),
    ("colon", "milestone", "milestone "),
    ("colon", "metric", "metric "),
)


async def test_markup_looking_text_is_literal_everywhere(store, meeting, clock):
    """User text is data: stored verbatim and drawn verbatim by every capture kind.

    One app for every string (a tall screen, so the block view's list shows the newest lines).
    """
    async with make_app(store, meeting, clock).run_test(size=(200, 100)) as pilot:
        app = pilot.app
        await pilot.press("s")
        expected: dict[tuple[str, str], str] = {}
        for markup in MARKUP:
            mine: dict[str, str] = {}
            for n, (key, kind, lead) in enumerate(CAPTURE_KEYS):
                text = mine[kind] = expected[(markup, kind)] = f"{markup} k{n}"
                await pilot.press(key)
                if n == 0:  # each string typed key by key once; pasted for the other kinds
                    await type_text(pilot, lead + text)
                else:
                    app.screen.query_one(CaptureLine).input.post_message(Paste(lead + text))
                await pilot.pause()
                # the line itself draws what was typed, literally
                assert (lead + text) in capture_row(app)
                assert str(app.screen.query_one("#preview").render()).startswith(f"✓ {kind}")
                await pilot.press("enter", "escape")
            await settle(pilot)
            for kind in ("action", "decision", "risk"):  # the newest row of each pane
                assert pane(app, kind).render().plain.startswith(mine[kind]), markup
            screen = flat(screen_text(app))
            for text in mine.values():
                assert text in screen, (markup, text)

        stored = sorted((i.kind, i.text) for i in list_items(store, meeting.id))
        assert stored == sorted((kind, text) for (_m, kind), text in expected.items())
        # the SVG export (what the snapshots use) draws it too
        svg = app.export_screenshot()
        assert "Actions" in svg


async def test_markup_in_meeting_and_attendee_names(store, clock):
    from kickoff_tui.core.agenda import get_template
    from kickoff_tui.core.record import add_attendee, create_meeting

    m = create_meeting(store, "[bold]Acme[/] [/x]", get_template("kickoff-90"), START,
                       "Europe/Berlin")  # fmt: skip
    add_attendee(store, m.id, "Jo [admin]", side="theirs")
    from kickoff_tui.core.agenda_edits import rename_block

    rename_block(store, m.id, 1, "[b]Hello[/b] [/oops]")  # the block view's border title
    async with make_app(store, m, clock).run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await capture(pilot, "a", "call back @jo")
        await pilot.press("escape")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "[bold]Acme[/] [/x] kickoff" in text
        assert "call back @Jo [admin]" in text
        assert "1. [b]Hello[/b] [/oops]" in text


async def test_opening_the_capture_line_does_not_accumulate_widgets(store, meeting, clock):
    """Textual 8.2.8's Footer leaked ~14 widgets per focus change (textual#6666); the cockpit's
    own key bar must not, or memory grows with every capture of a long meeting."""
    import gc

    from textual.widget import Widget

    def alive() -> int:
        gc.collect()
        return sum(isinstance(o, Widget) for o in gc.get_objects())

    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = alive()
        for _ in range(10):
            await pilot.press("a")
            await pilot.press("escape")
        await settle(pilot)
        assert alive() - before < 20


# --- help and palette ------------------------------------------------------------------------


async def test_help_opens_with_question_mark_and_closes_with_escape(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Quick capture" in text and "due:fri" in text
        await pilot.press("s")  # the cockpit's keys do not leak through the modal
        await settle(pilot)
        assert events(store, meeting) == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CockpitScreen)
        await pilot.press("s")
        await settle(pilot)
        assert len(events(store, meeting)) == 1


async def test_command_palette_lists_the_cockpit_commands_and_runs_them(store, meeting, clock):
    from textual.command import CommandPalette

    from kickoff_tui.tui.commands import COCKPIT

    async with make_app(store, meeting, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {c.title for c in COCKPIT} <= titles
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await wait_for(pilot, lambda: "Capture a decision (d)" in screen_text(app))
        text = screen_text(app)
        for title in ("+1 min", "Action", "Decision", "Capture"):
            assert f"  {title} " in text
        await type_text(pilot, "Start")
        await wait_for(pilot, lambda: "Start the meeting clock and the first block (s)"
                       in screen_text(app))  # fmt: skip
        await pilot.press("enter")
        await wait_for(pilot, lambda: events(store, meeting) != [])
        await wait_for(pilot, lambda: isinstance(app.screen, CockpitScreen))
        assert events(store, meeting) == [("block-started", block_ids(store, meeting)[0])]


async def test_works_at_80x24(store, meeting, clock):
    async with make_app(store, meeting, clock).run_test(size=(80, 24)) as pilot:
        app = pilot.app
        await pilot.press("s")
        await capture(pilot, "a", "send deck @maria sev:h")
        await pilot.press("escape")
        clock.advance(minutes=9)
        await tick(pilot)
        text = screen_text(app)
        assert "OVERTIME" in text
        assert "Actions (1)" in text
        assert app.screen.query_one(AgendaRail).has_class("-narrow")
