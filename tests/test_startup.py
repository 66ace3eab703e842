"""Every key counts from the first frame (issue 9, point 1).

The first screen is the real cockpit, filled from a quick stdlib look at the file, and it takes
keys before the store (SQLModel, most of a second to import) has opened: they are queued, shown
at once where they can be (the running clock), and written in order, once, when the store
opens. Checked in-process with the store's opening held back on purpose, and in a real terminal
(tmux) with keys typed the moment the agenda appears.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
from conftest import START
from textual import events

from kickoff_tui.core.record import list_items, load_snapshot
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.screens.cockpit import CockpitScreen
from kickoff_tui.tui.widgets.agenda_rail import AgendaRail
from tests.live_util import settle

SIZE = (120, 40)


def keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def test_the_cockpit_and_everything_a_key_needs_load_without_sqlmodel():
    """Importing SQLModel costs most of a second: none of it may come before the first frame,
    nor on the event loop when a key is handled (the store loads it, in its own thread)."""
    code = (
        "import sys\n"
        "import kickoff_tui.launch, kickoff_tui.tui.app, kickoff_tui.core.peek\n"
        "import kickoff_tui.tui.screens.cockpit, kickoff_tui.core.session\n"
        "import kickoff_tui.core.entry, kickoff_tui.core.checks, kickoff_tui.core.timebox\n"
        "import kickoff_tui.tui.widgets.notes, kickoff_tui.tui.blocks as b\n"
        "b.load_all()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sqlmodel', 'sqlalchemy')]\n"
        "assert not bad, bad[:5]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


#: Modules the first frame does without (each cost milliseconds before it; see TECH_NOTES):
#: the store, pendulum's English locale (its formatter loads it on first use), dateutil's parser
#: (pendulum's fallback for text that is not ISO 8601), the atomic file writer (drafts write in
#: their own thread) and glob (only a damaged file needs it).
NOT_BEFORE_THE_FIRST_FRAME = (
    "sqlmodel", "sqlalchemy", "pendulum.locales.en", "dateutil.parser._parser", "dateutil.tz",
    "kickoff_tui.core.files", "glob",
)  # fmt: skip

FIRST_FRAME_PROBE = """
import sys
from textual.app import App
from kickoff_tui import launch

seen = {}
headed = App.run

def run(app):  # `kickoff run`'s own app, headless, noting what is loaded at its first frame
    def on_ready(self):
        if "modules" not in seen:
            seen["modules"] = sorted(sys.modules)
            seen["screen"] = type(self.screen).__name__
            seen["shown"] = str(self.screen.query_one("#clockbar").render())
        self.exit()
    type(app).on_ready = on_ready
    return headed(app, headless=True, size=(120, 40))

App.run = run
launch.run_tui(sys.argv[1], sys.argv[2], "facilitator")  # what `kickoff run` does
bad = [m for m in seen["modules"] if any(m == n or m.startswith(n + ".") for n in sys.argv[3:])]
assert seen["screen"] == "CockpitScreen", seen["screen"]
assert "press s to start" in seen["shown"], seen["shown"]
assert not bad, bad

import pendulum  # what was left out still works when it is needed
assert pendulum.parse("Nov 24 2026 3pm", strict=False).hour == 15
from dateutil.parser import isoparse, parse
assert parse("24 Nov 2026").day == isoparse("2026-11-24").day == 24
"""


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_first_frame_of_a_real_cockpit_loads_none_of_what_can_wait(db_url, meeting):
    """In a fresh interpreter, what is loaded when the cockpit's first frame is on screen: not
    the store, nor anything the start-up work moved after that frame (it must not creep back)."""
    subprocess.run([sys.executable, "-c", FIRST_FRAME_PROBE, db_url, meeting.id,
                    *NOT_BEFORE_THE_FIRST_FRAME], check=True)  # fmt: skip


def test_local_times_read_as_pendulum_would_say_them():
    """``fmt_local`` replaces pendulum's English ``format`` on the first frame: same words."""
    import random

    import pendulum

    from kickoff_tui.core.clock import fmt_local

    rng = random.Random(9)
    for tz in ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Lord_Howe"):
        for _ in range(300):
            d = pendulum.from_timestamp(rng.randint(0, 4_000_000_000)).in_timezone(tz)
            assert fmt_local(d) == d.format("ddd D MMM HH:mm")
            assert fmt_local(d, year=True, zone=True) == d.format("ddd D MMM YYYY HH:mm zz")
            assert fmt_local(d, day=False) == d.format("HH:mm")


async def test_a_real_resize_still_lays_the_cockpit_out_again(db_url, store, meeting, clock):
    """The cockpit skips Textual's relayout for a Resize to the size it is already laid out at
    (three come at start-up, after the first frame): a real resize must still lay it out."""
    app = KickoffApp(db_url=db_url, meeting_ref=meeting.id, clock=clock, bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.outer_size == (120, 40) and not screen.has_class("-narrow")
        key_bar = screen.query_one("#keybar")
        assert key_bar.region.y == 39 and key_bar.region.width == 120
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.2)
        assert screen.outer_size == (80, 24) and screen.has_class("-narrow")
        assert key_bar.region.y == 23 and key_bar.region.width == 80
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.2)
        assert screen.outer_size == (120, 40) and not screen.has_class("-narrow")
        assert key_bar.region.y == 39 and key_bar.region.width == 120


@pytest.fixture
def held_store(monkeypatch):
    """Store.open waits until the test lets it go: keys provably arrive before the store."""
    gate = threading.Event()
    real_open = Store.open

    def open_later(cls, url, **how):  # noqa: ANN001, ANN003
        assert gate.wait(60)
        return real_open(url, **how)

    monkeypatch.setattr(Store, "open", classmethod(open_later))
    yield gate
    gate.set()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


async def test_keys_before_the_store_opens_all_take_effect_in_order(
    db_url, store, meeting, clock, held_store, backend
):
    app = KickoffApp(db_url=db_url, meeting_ref=meeting.id, clock=clock, bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CockpitScreen)  # the real cockpit, from the first frame
        rail = app.screen.query_one(AgendaRail)
        if backend == "sqlite":  # painted from the peek: the agenda is there at once
            assert rail.render().plain.startswith("  1 Welcome & introductions ")
            assert "press s to start" in str(screen.query_one("#clockbar").render())
        else:  # no peek on PostgreSQL: an empty cockpit that says it is opening
            assert "opening…" in str(screen.query_one("#titlebar").render())
        await pilot.press("s")
        if backend == "sqlite":  # the clock runs at once
            assert "8:00 left in Welcome" in str(screen.query_one("#clockbar").render())
        await pilot.press("a", *keys("Send the SOW @maria"), "enter")
        await pilot.press("a", *keys("Book the demo"), "enter", "escape")
        clock.advance(minutes=2)
        await pilot.press("n")
        await pilot.pause()
        if backend == "sqlite":
            assert rail.render().plain.splitlines()[1].startswith("▶ 2 ")
        assert screen.query_one("#capture").border_subtitle == "saving… (2)"
        # Nothing was written yet: the store has not even opened.
        assert list_items(store, meeting.id) == []
        assert load_snapshot(store, meeting.id).events == []
        held_store.set()
        await settle(pilot, timeout=60)
        assert "Send the SOW" in [i.text for i in screen.state.newest_first("action")]
        assert rail.render().plain.splitlines()[1].startswith("▶ 2 ")
    blocks = [b.id for b in load_snapshot(store, meeting.id).blocks]
    events = load_snapshot(store, meeting.id).events
    assert [(e.kind, e.block_id, e.at) for e in events] == [
        ("block-started", blocks[0], START.subtract(minutes=5)),
        ("block-started", blocks[1], START.subtract(minutes=3)),
    ]
    actions = sorted(list_items(store, meeting.id, "action"), key=lambda i: i.id)
    assert [(i.text, i.owner) for i in actions] == [
        ("Send the SOW", "Maria Lopez"),
        ("Book the demo", None),
    ]
    assert [i.block_id for i in actions] == [blocks[0]] * 2  # captured before "n"


async def test_a_burst_of_keys_reaches_what_each_key_before_it_opened(store, meeting, clock):
    """Keys arriving faster than the screen handles them (a paste, tmux, a fast typist): `a`
    opens the line, so the letters after it are the line's; Enter saves it with its kind even
    with Escape right behind; the key after Escape is the cockpit's again."""
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)
    burst = [("s", "s"), ("a", "a"), *((k, ch) for ch in "Send the SOW @maria"
             for k in ["space" if ch == " " else ch]), ("enter", "\r"), ("escape", "\x1b"),
             ("n", "n")]  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, char in burst:  # all queued at once, as a terminal delivers them
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # type: ignore[union-attr]
        await settle(pilot)
        assert app.screen.query_one("#capture").input.value == ""  # type: ignore[attr-defined]
    assert [(i.text, i.owner) for i in list_items(store, meeting.id)] == [
        ("Send the SOW", "Maria Lopez")
    ]
    blocks = [b.id for b in load_snapshot(store, meeting.id).blocks]
    assert [e.block_id for e in load_snapshot(store, meeting.id).events] == blocks[:2]


@pytest.mark.slow
@pytest.mark.tui  # (a real cockpit process in a tmux pane)
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_keys_typed_the_moment_a_real_cockpit_appears_all_land(db_url, store, meeting):
    """A real `kickoff run` in a tmux pane: s, a capture, Enter and Escape typed in one burst as
    soon as the agenda is on screen (keys faster than the screen handles them: each must reach
    the widget the key before it focused); each lands once. Then n moves on."""
    sock, name = f"kickoff-test-{os.getpid()}", "cockpit"

    def tmux(*args: str) -> str:
        out = subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True)
        return out.stdout

    db = db_url.removeprefix("sqlite:///")
    # (COLUMNS/LINES, which a test runner may set, would win over the pane's real size)
    command = (f"env -u COLUMNS -u LINES TERM=xterm-256color {sys.executable} -m "
               f"kickoff_tui.launch --db {db} run {meeting.id}")  # fmt: skip
    tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)
    try:
        deadline = time.monotonic() + 60
        while "Welcome & introductions" not in tmux("capture-pane", "-p", "-t", name):
            assert time.monotonic() < deadline, tmux("capture-pane", "-p", "-t", name)
            time.sleep(0.01)
        tmux("send-keys", "-t", name, "s", "a")
        tmux("send-keys", "-t", name, "-l", "Send the SOW @maria")
        tmux("send-keys", "-t", name, "Enter", "Escape")
        shown = ("left in Welcome", "Send the SOW @Maria Lopez", "Actions (1)")
        while not all(t in (screen := tmux("capture-pane", "-p", "-t", name)) for t in shown):
            assert time.monotonic() < deadline, screen
            time.sleep(0.1)
        time.sleep(0.3)  # (an Escape glued to the next key would read as Alt+key)
        tmux("send-keys", "-t", name, "n")
        while "left in Business" not in (screen := tmux("capture-pane", "-p", "-t", name)):
            assert time.monotonic() < deadline, screen
            time.sleep(0.1)
        tmux("send-keys", "-t", name, "C-q")
        while name in tmux("list-sessions"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        tmux("kill-server")
    assert [i.text for i in list_items(store, meeting.id)] == ["Send the SOW"]
    assert [e.kind for e in load_snapshot(store, meeting.id).events] == ["block-started"] * 2
