"""Two real processes on one store (a SQLite file, a PostgreSQL database): captures cross over;
a conflicting edit is refused and kept; a killed note-taker loses <= 1 s."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kickoff_tui.core.record import add_lines, list_items, load_snapshot
from kickoff_tui.core.timers import start

WORKER = str(Path(__file__).with_name("terminal_worker.py"))

pytestmark = [pytest.mark.slow, pytest.mark.tui]  # each test runs Apps in real processes


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """Every test here runs on a SQLite file and on a PostgreSQL database."""
    return request.param


ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}


def test_two_processes_capture_and_each_shows_all(store, meeting, db_url, clock):
    start(store, meeting.id, clock().add(minutes=5))
    procs = [
        subprocess.Popen([sys.executable, WORKER, db_url, meeting.id, role, "capture", "40", "80"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        for role in ("facilitator", "note-taker")
    ]  # fmt: skip
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outputs]
    expected = sorted(
        f"{role} item {i}" for role in ("facilitator", "note-taker") for i in range(40)
    )
    for out, _err in outputs:
        assert json.loads(out.strip().splitlines()[-1]) == expected
    assert sorted(i.text for i in list_items(store, meeting.id, "action")) == expected


def test_two_processes_edit_one_item_the_second_save_conflicts(store, meeting, db_url):
    """Both terminals edit the same action; the first save wins, the second is refused with the
    newer text shown and its own words kept on the line; Enter again saves it knowingly."""
    [item] = add_lines(store, meeting, "action", ["Send recap @sam"])
    procs = {
        role: subprocess.Popen(
            [
                sys.executable,
                WORKER,
                db_url,
                meeting.id,
                role,
                "edit",
                str(item.id),
                f"Send recap by {role} @sam",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )  # fmt: skip
        for role in ("facilitator", "note-taker")
    }

    def press_enter(role: str) -> dict:
        proc = procs[role]
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("enter\n")
        proc.stdin.flush()
        out = proc.stdout.readline()
        assert out, proc.stderr.read() if proc.stderr else ""
        return json.loads(out)

    try:
        for proc in procs.values():
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()  # type: ignore[union-attr]
        assert press_enter("facilitator") == {"line": "", "editing": None, "version": None}
        kept = press_enter("note-taker")
        assert kept == {"line": "Send recap by note-taker @sam",
                        "editing": "Send recap by facilitator", "version": 2}  # fmt: skip
        [stored] = list_items(store, meeting.id, "action")
        assert (stored.text, stored.version) == ("Send recap by facilitator", 2)
        assert press_enter("note-taker")["line"] == ""  # knowingly saving over theirs
        [stored] = list_items(store, meeting.id, "action")
        assert (stored.text, stored.version) == ("Send recap by note-taker", 3)
    finally:
        for proc in procs.values():
            proc.communicate(timeout=30)  # stdin closes: the worker ends
    assert [p.returncode for p in procs.values()] == [0, 0]


def test_killed_note_taker_loses_at_most_the_last_second(store, meeting, db_url, clock):
    start(store, meeting.id, clock().add(minutes=5))
    text = "Maria wants weekly demos; Dana owns SSO; [bold] stays literal. " * 3
    proc = subprocess.Popen(
        [sys.executable, WORKER, db_url, meeting.id, "note-taker", "notes", text],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
    )  # fmt: skip
    typed: list[tuple[float, int]] = []
    assert proc.stdout is not None
    while len(typed) < 60:  # about two seconds of typing
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        stamp, count = line.split()
        typed.append((float(stamp), int(count)))
    os.kill(proc.pid, signal.SIGKILL)
    killed_at = time.time()
    proc.wait(timeout=10)
    notes = load_snapshot(store, meeting.id).notes
    saved = notes[0].text if notes else ""
    assert text.startswith(saved)
    # Everything typed more than a second before the kill is on disk.
    due = max((count for stamp, count in typed if stamp <= killed_at - 1.0), default=0)
    assert len(saved) >= due, (len(saved), due)
    assert due > 0
