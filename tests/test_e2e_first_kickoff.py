"""The first kickoff is a test (issue 16, point 10).

One walk through a first kickoff as a new user runs it, driving the real `kickoff` command in
real terminals (tmux panes): the picker → a new meeting from the Five Questions template → people
added on the capture line → start → captures typed in bursts → the Five Questions with a
note-taker beside (`kickoff join` in a second pane) → end → export. It asserts on the stored rows
and on the exported files, not on the screen alone.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kickoff_tui.core.record import list_items, list_meetings, load_snapshot
from kickoff_tui.core.store import Store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.tui,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def kickoff_command() -> str:
    """The installed `kickoff` script next to this Python (what the Quick start runs)."""
    script = Path(sys.executable).with_name("kickoff")
    return str(script) if script.exists() else f"{sys.executable} -m kickoff_tui.cli"


class Terminals:
    """Panes of one private tmux server, each running a real `kickoff`."""

    def __init__(self, env: dict[str, str]) -> None:
        self.sock = f"kickoff-e2e-{os.getpid()}"
        self.env = " ".join(f"{k}={v}" for k, v in env.items())

    def tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True)
        return out.stdout

    def open(self, name: str, args: str) -> None:
        # (COLUMNS/LINES, which a test runner may set, would win over the pane's real size)
        command = (
            f"env -u COLUMNS -u LINES TERM=xterm-256color {self.env} {kickoff_command()} {args}"
        )
        if name == "fac":
            self.tmux(
                "new-session", "-d", "-s", "e2e", "-n", name, "-x", "120", "-y", "40", command
            )
        else:
            self.tmux("new-window", "-t", "e2e", "-n", name, command)

    def screen(self, name: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", f"e2e:{name}")

    def wait(self, name: str, *texts: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while not all(t in (shown := self.screen(name)) for t in texts):
            assert time.monotonic() < deadline, f"waiting for {texts} in {name}:\n{shown}"
            time.sleep(0.05)
        return shown

    def type(self, name: str, text: str) -> None:
        """``text`` in one write, as a paste or a fast typist delivers it (Enter as \\r)."""
        self.tmux("send-keys", "-t", f"e2e:{name}", "-l", text)

    def keys(self, name: str, *keys: str) -> None:
        self.tmux("send-keys", "-t", f"e2e:{name}", *keys)

    def alive(self, name: str) -> bool:
        return name in self.tmux("list-windows", "-t", "e2e", "-F", "#{window_name}")

    def quit(self, name: str) -> None:
        self.keys(name, "C-q")
        deadline = time.monotonic() + 30
        while self.alive(name):
            assert time.monotonic() < deadline, self.screen(name)
            time.sleep(0.1)

    def close(self) -> None:
        self.tmux("kill-server")


def test_a_first_kickoff_from_the_picker_to_the_export(tmp_path: Path):
    db, out = tmp_path / "kickoff.db", tmp_path / "out"
    env = {"HOME": str(tmp_path), "KICKOFF_STATE_DIR": str(tmp_path / "state"),
           "KICKOFF_EXPORT_DIR": str(out),
           "KICKOFF_TEMPLATES": str(tmp_path / "agendas")}  # fmt: skip
    t = Terminals(env)
    try:
        # The picker, empty; `n` with the client's name typed in the same burst.
        t.open("fac", f"--db {db}")
        t.wait("fac", "No meetings yet")
        t.type("fac", "nAcme Corp")
        t.wait("fac", "New kickoff", "Acme Corp")
        t.keys("fac", "Tab", "Enter")  # the template list: one down is kickoff-play
        time.sleep(0.5)
        t.keys("fac", "Down", "Enter")
        t.wait("fac", "kickoff-play — Kickoff Play")
        t.keys("fac", "Tab", "Enter")  # Enter on the start time creates it
        shown = t.wait("fac", "Acme Corp kickoff · acme-corp-", "press s to start")
        mid = shown.split(" · ")[1]  # the id in sight, in the title bar
        assert mid.startswith("acme-corp-")

        # People on the capture line, then start and capture in bursts.
        t.type("fac", ":person Maria Lopez, CEO side:them role:decision-maker\r"
                      ":person Dana Kim, VP Operations side:them\r"
                      ":person Sam Patel, Engagement lead side:us\r")  # fmt: skip
        t.wait("fac", "Maria Lopez", "Dana Kim", "Sam Patel")
        t.type("fac", "saSend the SOW @maria due:fri\rrSSO may slip sev:high @dana\r"
                      "dPhase 1 is EU only @maria\r"
                      ":note Maria wants weekly demos #internal\r")  # fmt: skip
        t.wait("fac", "Actions (1)", "Risks (1)", "Decisions (1)", "left in Introductions")

        # The note-taker joins in a second terminal; both follow the block.
        t.open("note", f"--db {db} join {mid}")
        t.wait("note", "note-taker", "Send the SOW")
        t.type("fac", "nn")
        t.wait("fac", "Q1 of 5 · ask Dana Kim")  # least senior first: the VP before the CEO
        t.wait("note", "Q1 of 5 · ask Dana Kim")  # both terminals point at the same person
        t.type("fac", "wKeep it simple\r")
        t.wait("note", "Q1 of 5 · ask Maria Lopez")
        t.type("note", "wReliable month-end close\r")
        t.wait("fac", "Q2 of 5 · ask Dana Kim")
        t.wait("note", "Q2 of 5 · ask Dana Kim")

        # End (answering the question if this build asks one), then export the pack.
        t.keys("fac", "C-e")
        deadline = time.monotonic() + 30
        while "Meeting ended" not in (shown := t.screen("fac")):
            assert time.monotonic() < deadline, shown
            if "y ends" in shown or "End the meeting" in shown:
                t.type("fac", "y")
            time.sleep(0.2)
        t.wait("note", "Meeting ended")
        t.type("fac", "e")
        deadline = time.monotonic() + 60
        while not (out / mid / f"{mid}.md").exists():
            assert time.monotonic() < deadline, t.screen("fac")
            time.sleep(0.2)
        t.quit("note")
        t.quit("fac")
    finally:
        t.close()

    # What was stored.
    store = Store.open(f"sqlite:///{db}")
    try:
        assert [m.id for m in list_meetings(store)] == [mid]
        snap = load_snapshot(store, mid)
        assert snap.meeting.template == "kickoff-play"
        people = {a.name: (a.side, a.title) for a in snap.attendees}
        assert people == {"Maria Lopez": ("theirs", "CEO"), "Dana Kim": ("theirs", "VP Operations"),
                          "Sam Patel": ("ours", "Engagement lead")}  # fmt: skip
        stored = list_items(store, mid)
        parked = [i.text for i in stored if i.text.startswith("Parking lot:")]
        assert len(parked) == 4  # ended after block 3 of 7: the blocks never opened
        items = sorted(((i.kind, i.text, i.owner, i.severity, i.internal) for i in stored
                        if not i.text.startswith("Parking lot:")), key=str)  # fmt: skip
        assert items == sorted([
            ("action", "Send the SOW", "Maria Lopez", None, False),
            ("risk", "SSO may slip", "Dana Kim", "high", False),
            ("decision", "Phase 1 is EU only", "Maria Lopez", None, False),
            ("note", "Maria wants weekly demos", None, None, True),
        ], key=str)  # fmt: skip
        names = {a.id: a.name for a in snap.attendees}
        answers = {(names[a.attendee_id], a.question): (a.text, a.captured_by)
                   for a in snap.answers}  # fmt: skip
        assert answers == {
            ("Dana Kim", 1): ("Keep it simple", "facilitator"),
            ("Maria Lopez", 1): ("Reliable month-end close", "note-taker"),
        }
        assert "meeting-ended" in [e.kind for e in snap.events]
    finally:
        store.close()

    # What was exported.
    pack = out / mid
    record = (pack / f"{mid}.md").read_text(encoding="utf-8")
    for said in ("Keep it simple", "Reliable month-end close", "Send the SOW", "SSO may slip",
                 "Phase 1 is EU only", "Maria wants weekly demos"):  # fmt: skip
        assert said in record, said
    email = (pack / f"{mid}-email.txt").read_text(encoding="utf-8")
    assert "Send the SOW" in email and "Maria wants weekly demos" not in email  # internal
    with (pack / f"{mid}-actions.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["title"], r["owner"], r["kind"]) for r in rows if r["kind"] == "action"] == [
        ("Send the SOW", "Maria Lopez", "action")
    ]
    assert json.loads((pack / f"{mid}-crm.json").read_text(encoding="utf-8"))["schema_version"]
    assert (pack / f"{mid}.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
