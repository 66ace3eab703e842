"""Every key counts, at any speed (issue 16, point 1; issue 10, point 1).

Keys that arrive in the same read as the key that opens a line (a paste, a fast typist, an SSH
link) go into that line, in order, for `a d r q :` and `w`, and for the picker's `n`; Enter
closes the line, so the next kind key of the same burst opens the next line. Checked with Pilot
(every key queued at once on the app's driver) and in a real terminal (tmux: one write).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest
from conftest import START
from textual import events

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.record import add_attendee, create_meeting, list_items, load_snapshot
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from tests.live_util import settle

SIZE = (120, 40)
LINES = (
    "aBurst typed action @maria due:fri\r"
    "rSSO may slip sev:high\r"
    "dWeekly status on Tuesdays\r"
    "qWho signs off UAT?\r"
    ":note Maria wants demos\r"
)
EXPECTED = [
    ("action", "Burst typed action", "Maria Lopez"),
    ("risk", "SSO may slip", None),
    ("decision", "Weekly status on Tuesdays", None),
    ("question", "Who signs off UAT?", None),
    ("note", "Maria wants demos", None),
]


def burst(app: KickoffApp, text: str) -> None:
    """Every key of ``text`` queued at once, as a terminal delivers one read."""
    names = {" ": "space", "\r": "enter", ":": "colon", "?": "question_mark", "@": "at"}
    for ch in text:
        event = events.Key(names.get(ch, ch), ch)
        event.set_sender(app)
        app._driver.send_message(event)  # type: ignore[union-attr]


def stored(store: Store, mid: str) -> list[tuple[str, str, str | None]]:
    items = sorted(list_items(store, mid), key=lambda i: i.id)
    return [(i.kind, i.text, i.owner) for i in items if not i.text.startswith("Parking")]


@pytest.mark.parametrize("n", range(len(EXPECTED)))
async def test_a_line_typed_in_one_burst_with_its_key_lands_whole(store, meeting, clock, n):
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, LINES.split("\r")[n] + "\r")
        await settle(pilot)
        await settle(pilot)
    assert stored(store, meeting.id) == [EXPECTED[n]]


async def test_every_kind_in_one_burst_files_each_line_as_its_own_kind(store, meeting, clock):
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "s" + LINES)
        await settle(pilot)
        await settle(pilot)
        assert app.focused is None  # the last Enter gave the keys back to the cockpit
    assert stored(store, meeting.id) == EXPECTED


# --- in a real terminal ----------------------------------------------------------------------


class Tmux:
    """One tmux server of this test's own, a pane running a real `kickoff`."""

    def __init__(self, command: str) -> None:
        self.sock, self.name = f"kickoff-burst-{os.getpid()}", "k"
        self("new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", command)

    def __call__(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True)
        return out.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", self.name)

    def wait_for(self, *texts: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while not all(t in (shown := self.screen()) for t in texts):
            assert time.monotonic() < deadline, shown
            time.sleep(0.05)
        return shown

    def type(self, text: str) -> None:
        """All of ``text`` in one write to the terminal (Enter as \\r)."""
        self("send-keys", "-t", self.name, "-l", text)

    def quit(self) -> None:
        self("send-keys", "-t", self.name, "C-q")
        deadline = time.monotonic() + 30
        while self.name in self("list-sessions"):
            if time.monotonic() > deadline:
                self("send-keys", "-t", self.name, "C-q")  # (ctrl+q again: without waiting)
            time.sleep(0.1)

    def close(self) -> None:
        self("kill-server")


def kickoff(db: str, *args: str) -> str:
    # (COLUMNS/LINES, which a test runner may set, would win over the pane's real size)
    return (f"env -u COLUMNS -u LINES TERM=xterm-256color {sys.executable} -m "
            f"kickoff_tui.launch --db {db} {' '.join(args)}")  # fmt: skip


needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.mark.slow
@pytest.mark.tui
@needs_tmux
def test_bursts_in_a_real_terminal_capture_lines_and_five_questions(db_url, store, tmp_path):
    m = create_meeting(store, "Acme Corp", get_template("kickoff-play"), START, "Europe/Berlin")
    add_attendee(store, m.id, "Maria Lopez", side="theirs", title="CEO", roles=["decision-maker"])
    add_attendee(store, m.id, "Dana Kim", side="theirs", title="VP Operations")
    db = db_url.removeprefix("sqlite:///")
    term = Tmux(kickoff(db, "run", m.id))
    try:
        term.wait_for("Introductions", "press s to start")
        term.type("s" + LINES)
        term.wait_for("Actions (1)", "Risks (1)", "Decisions (1)")
        term.type("nn")  # to the Five Questions (the running block's view follows)
        term.wait_for("ask Dana Kim")
        term.type("wKeep it simple\rwReliable month-end close\r")
        term.wait_for("Q2 of 5 · ask Dana Kim")
        term.quit()
    finally:
        term.close()
    assert stored(store, m.id) == EXPECTED
    snap = load_snapshot(store, m.id)
    names = {a.id: a.name for a in snap.attendees}
    assert sorted((names[a.attendee_id], a.question, a.text) for a in snap.answers) == [
        ("Dana Kim", 1, "Keep it simple"),
        ("Maria Lopez", 1, "Reliable month-end close"),
    ]


@pytest.mark.slow
@pytest.mark.tui
@needs_tmux
def test_the_pickers_n_takes_the_client_name_typed_in_the_same_burst(db_url, store, tmp_path):
    db = db_url.removeprefix("sqlite:///")
    term = Tmux(f"env HOME={tmp_path} " + kickoff(db))
    try:
        term.wait_for("pick a meeting")
        term.type("nGlobex Inc\r")
        term.wait_for("Globex Inc kickoff")  # created and opened in the cockpit
        term.quit()
    finally:
        term.close()
    assert [mt.client for mt in _meetings(store)] == ["Globex Inc"]


def _meetings(store: Store) -> list:
    from kickoff_tui.core.record import list_meetings

    return list_meetings(store)


@pytest.mark.slow
@pytest.mark.tui
@needs_tmux
def test_the_pickers_filter_takes_every_letter_of_a_burst(db_url, store, tmp_path):
    for n in (1, 2, 10, 11):
        create_meeting(store, f"Client {n}", get_template("kickoff-90"), START, "UTC")
    db = db_url.removeprefix("sqlite:///")
    term = Tmux(f"env HOME={tmp_path} " + kickoff(db))
    try:
        term.wait_for("Client 11 kickoff")
        term.type("c10\r")  # the first letter starts the filter; none is lost
        term.wait_for("Client 10 kickoff ·")  # the cockpit's title bar
        term.quit()
    finally:
        term.close()
