"""Start-up: `kickoff run <id>` until the agenda shows, versus a bare Textual app.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]

Both programs are started the same way, in the same run, alternating: a fresh 120x40 tmux
session (on a private tmux socket, so no one else's sessions are touched) runs the command, and
``tmux capture-pane -p`` is polled every ~10 ms until the expected text is on the screen.

* bare: a tiny script written to a temporary file (``App`` with ``Static("hello")``), run by
  the same Python; done when "hello" shows.
* kickoff: ``kickoff --db <tmp> run <id>`` on a meeting created with ``kickoff --db <tmp> new``;
  done when the first block title ("Welcome & introductions") shows. Also noted: when the full
  cockpit is up ("press s to start" in its clock bar, which the first-frame agenda lacks).

One untimed warm-up of each first (bytecode, page cache). Prints each run, the medians and the
ratio kickoff/bare. Target (issue 3): ratio <= 1.5. No assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_APP = """\
from textual.app import App
from textual.widgets import Static


class Hello(App):
    def compose(self):
        yield Static("hello")


Hello().run()
"""

AGENDA_TEXT = "Welcome & introductions"
COCKPIT_TEXT = "press s to start"
POLL_S = 0.010
TIMEOUT_S = 20.0


class Tmux:
    """A private tmux server (``-L``) for this benchmark only."""

    def __init__(self) -> None:
        self.socket = f"kickoff-bench-{os.getpid()}"
        self.n = 0
        # Keep the server up between runs so no run pays for starting it.
        self._tmux("new-session", "-d", "-s", "keep", "-x", "120", "-y", "40", "sleep 3600")

    def _tmux(self, *args: str, capture: bool = False) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], check=False,
                             capture_output=True, text=True)  # fmt: skip
        return out.stdout if capture else ""

    def time_until(self, command: str, *texts: str) -> list[float | None]:
        """Seconds from starting ``command`` until each of ``texts`` is first on screen."""
        self.n += 1
        name = f"run{self.n}"
        found: list[float | None] = [None] * len(texts)
        t0 = time.perf_counter()
        self._tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)
        try:
            while time.perf_counter() - t0 < TIMEOUT_S:
                screen = self._tmux("capture-pane", "-p", "-t", name, capture=True)
                now = time.perf_counter() - t0
                for i, text in enumerate(texts):
                    if found[i] is None and text in screen:
                        found[i] = now
                if all(f is not None for f in found):
                    break
                time.sleep(POLL_S)
        finally:
            self._tmux("kill-session", "-t", name)
        return found

    def close(self) -> None:
        self._tmux("kill-server")


def kickoff_bin() -> str:
    here = Path(sys.executable).parent / "kickoff"
    return str(here) if here.exists() else (shutil.which("kickoff") or "kickoff")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is not installed (apt-get install -y tmux)")

    with tempfile.TemporaryDirectory(prefix="kickoff-bench-") as tmp:
        db = os.path.join(tmp, "bench.db")
        kickoff = kickoff_bin()
        created = subprocess.run(
            [kickoff, "--db", db, "new", "Acme Corp", "--start", "2026-11-24T15:00",
             "--tz", "Europe/Berlin"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        meeting_id = created.stdout.strip().splitlines()[-1]
        bare_py = os.path.join(tmp, "bare_app.py")
        Path(bare_py).write_text(BARE_APP)

        env = f"cd {tmp} && TERM=xterm-256color"
        bare_cmd = f"{env} {sys.executable} {bare_py}"
        kick_cmd = f"{env} {kickoff} --db {db} run {meeting_id}"
        print(f"meeting {meeting_id} in {db}")
        print(f"bare:    {bare_cmd}")
        print(f"kickoff: {kick_cmd}\n")

        tmux = Tmux()
        bare: list[float] = []
        agenda: list[float] = []
        cockpit: list[float] = []
        try:
            tmux.time_until(bare_cmd, "hello")  # warm-up
            tmux.time_until(kick_cmd, AGENDA_TEXT, COCKPIT_TEXT)
            for n in range(args.runs):
                (b,) = tmux.time_until(bare_cmd, "hello")
                a, c = tmux.time_until(kick_cmd, AGENDA_TEXT, COCKPIT_TEXT)
                if b is None or a is None:
                    print(f"run {n + 1}: timed out (bare {b}, kickoff {a})")
                    continue
                bare.append(b)
                agenda.append(a)
                if c is not None:
                    cockpit.append(c)
                full = f"{c * 1000:5.0f} ms" if c is not None else "  n/a"
                print(f"run {n + 1}: bare {b * 1000:5.0f} ms   kickoff agenda {a * 1000:5.0f} ms"
                      f"   full cockpit {full}")  # fmt: skip
        finally:
            tmux.close()

    if not bare or not agenda:
        print("no complete runs")
        return
    mb, ma = statistics.median(bare), statistics.median(agenda)
    print(f"\nmedian of {len(bare)} runs (poll every {POLL_S * 1000:.0f} ms, 120x40 tmux pane):")
    print(f"  bare Textual app, 'hello' shown:        {mb * 1000:6.0f} ms")
    print(f"  kickoff run, agenda shown:              {ma * 1000:6.0f} ms")
    if cockpit:
        mc = statistics.median(cockpit)
        print(f"  kickoff run, full cockpit shown:        {mc * 1000:6.0f} ms "
              f"(ratio {mc / mb:.2f})")  # fmt: skip
    print(f"  ratio kickoff agenda / bare:            {ma / mb:6.2f}   (target <= 1.5)")


if __name__ == "__main__":
    main()
