"""Two real processes on one SQLite file: captures cross over; a killed note-taker loses <= 1 s."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kickoff_tui.core.record import list_items, load_snapshot
from kickoff_tui.core.timers import start

WORKER = str(Path(__file__).with_name("terminal_worker.py"))
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
    expected = sorted(f"{role} item {i}" for role in ("facilitator", "note-taker") for i in range(40))
    for out, _err in outputs:
        assert json.loads(out.strip().splitlines()[-1]) == expected
    assert sorted(i.text for i in list_items(store, meeting.id, "action")) == expected


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
