"""A real terminal process for the facilitator-lease tests (tests/test_lease.py).

usage: lease_worker.py DB_URL MEETING GO_FILE

Opens the store, prints "ready", waits until GO_FILE exists (so two workers enter at the same
instant), enters the meeting as facilitator (``presence.enter``) and prints the seat as JSON.
Then each line on stdin is a command, answered with one JSON line:
``start`` / ``next`` (``core.timers`` with ``lease=`` this terminal), ``claim`` (ctrl+t),
``beat`` (heartbeat). Errors come back as {"error": class name, "message": one line}.
"""

from __future__ import annotations

import json
import os
import sys
import time

import pendulum

from kickoff_tui.core import presence, timers
from kickoff_tui.core.errors import KickoffError
from kickoff_tui.core.store import Store


def main() -> None:
    url, meeting, go = sys.argv[1:4]
    store = Store.open(url)
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.0005)
    seat = presence.enter(store, meeting, "facilitator", pendulum.now("UTC"))
    print(json.dumps({"presence_id": seat.presence_id, "in_control": seat.in_control,
                      "holder": seat.holder}), flush=True)  # fmt: skip
    for line in sys.stdin:
        command, now = line.strip(), pendulum.now("UTC")
        try:
            if command == "start":
                out: object = timers.start(store, meeting, now, lease=seat.presence_id)
            elif command == "next":
                out = timers.step(store, meeting, 1, now, lease=seat.presence_id)
            elif command == "claim":
                out = presence.claim_control(store, seat.presence_id, now)
            elif command == "beat":
                presence.heartbeat(store, seat.presence_id, now)
                out = None
            else:
                out = f"unknown command {command!r}"
            print(json.dumps({"ok": out}), flush=True)
        except KickoffError as exc:
            print(json.dumps({"error": type(exc).__name__, "message": str(exc)}), flush=True)
    store.close()


if __name__ == "__main__":
    main()
