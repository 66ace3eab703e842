"""One facilitator, atomically (issue 17 point 6): the timer lease is one row taken by
compare-and-set in a transaction. Of two terminals (real processes) entering at the same
instant exactly one drives; taking control hands over at once; the old facilitator's next
timer press is refused with one line and writes nothing. On a SQLite file and on PostgreSQL."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest

from kickoff_tui.core import presence, timers
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.errors import NotInControl
from kickoff_tui.core.record import create_meeting, load_snapshot
from tests.conftest import START
from tests.dbutil import dump

WORKER = str(Path(__file__).with_name("lease_worker.py"))
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
T0 = START.in_timezone("UTC")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


class Terminal:
    def __init__(self, db_url: str, meeting_id: str, go: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, WORKER, db_url, meeting_id, str(go)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
        )  # fmt: skip
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(self.proc.stderr.read() if self.proc.stderr else "no output")
        return line.strip()

    def seat(self) -> dict:
        return json.loads(self._line())

    def do(self, command: str) -> dict:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return json.loads(self._line())

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(30)


@pytest.mark.slow  # real processes: the full suite runs it
def test_two_terminals_entering_at_once_exactly_one_drives(store, db_url, tmp_path):
    for round_ in range(3):
        m = create_meeting(store, f"Race {round_}", get_template("kickoff-90"), START, "UTC")
        go = tmp_path / f"go-{round_}"
        terms = [Terminal(db_url, m.id, go) for _ in range(2)]
        go.touch()  # both enter now
        seats = [t.seat() for t in terms]
        assert sorted(s["in_control"] for s in seats) == [False, True], seats
        winner, loser = (terms[0], terms[1]) if seats[0]["in_control"] else (terms[1], terms[0])
        won = seats[terms.index(winner)]
        assert seats[terms.index(loser)]["holder"] == f"facilitator@{socket.gethostname()}"
        # The loser's press is refused and writes nothing; the winner's starts the meeting.
        before = dump(db_url)
        refused = loser.do("start")
        assert refused["error"] == "NotInControl" and "ctrl+t" in refused["message"]
        assert dump(db_url) == before
        assert winner.do("start") == {"ok": True}
        # ctrl+t on the loser hands over at once: the old facilitator's next press is refused.
        assert loser.do("claim") == {"ok": True}
        before = dump(db_url)
        refused = winner.do("next")
        assert refused["error"] == "NotInControl", refused
        assert "\n" not in refused["message"]
        assert dump(db_url) == before
        assert loser.do("next") == {"ok": "moved"}
        assert [e.kind for e in load_snapshot(store, m.id).events] == ["block-started"] * 2
        peers = presence.peers(store, m.id, pendulum.now("UTC"))
        assert [p.controls for p in peers] == [p.id != won["presence_id"] for p in peers]
        for t in terms:
            t.close()
        assert presence.controller(store, m.id, pendulum.now("UTC")) is None  # released


def test_a_lease_whose_holder_is_gone_is_taken_without_force(store, meeting, clock):
    a = presence.enter(store, meeting.id, "facilitator", clock())
    b = presence.enter(store, meeting.id, "facilitator", clock())
    assert a.in_control and not b.in_control and b.holder
    assert not presence.claim_control(store, b.presence_id, clock(), force=False)
    clock.advance(seconds=presence.LIVE_S + 1)  # a's laptop lid closed: no heartbeat
    presence.heartbeat(store, b.presence_id, clock())
    assert presence.claim_control(store, b.presence_id, clock(), force=False)
    with pytest.raises(NotInControl):
        timers.start(store, meeting.id, clock(), lease=a.presence_id)
    assert timers.start(store, meeting.id, clock(), lease=b.presence_id)
    # Leaving releases the lease in the same transaction; nobody drives until someone claims.
    presence.leave(store, b.presence_id)
    with pytest.raises(NotInControl, match="nobody controls"):
        timers.step(store, meeting.id, 1, clock(), lease=b.presence_id)
    assert presence.claim_control(store, a.presence_id, clock(), force=False)


def test_a_note_taker_never_takes_the_lease_on_entering(store, meeting, clock):
    note = presence.enter(store, meeting.id, "note-taker", clock())
    assert not note.in_control and note.holder is None
    boss = presence.enter(store, meeting.id, "facilitator", clock())
    assert boss.in_control
    assert presence.controller(store, meeting.id, clock()).id == boss.presence_id
