"""Start-up: `kickoff run <id>`, `s` pressed the moment the agenda shows, until the running
clock is on screen — versus a bare Textual app's first paint.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]

Both programs are started the same way, in the same run, alternating: a fresh 120x40 tmux
session (on a private tmux socket, so no one else's sessions are touched) runs the command, and
``tmux capture-pane -p`` is polled every ~10 ms until the expected text is on the screen.

* bare: a tiny script written to a temporary file (``App`` with ``Static("hello")``), run by
  the same Python; done when "hello" shows.
* kickoff: ``kickoff --db <tmp> run <id>`` on a fresh copy of a file made with ``kickoff new``
  (a meeting scheduled in the past, so it does not start by itself). When the first block title
  ("Welcome & introductions") shows, ``tmux send-keys s`` starts the meeting; done when the
  running clock ("7:59 left in Welcome…") is on screen. Then ``q``-less: the session is killed,
  and the file is checked to hold exactly one start (the key was not lost, nor doubled).

One untimed warm-up of each first (page cache). Bytecode: Textual's modules come compiled (pip
compiles a package when it installs it), and so does kickoff_tui when installed with pip; a
checkout installed with ``pip install -e`` gets its ``__pycache__`` on the first run, unless
``PYTHONDONTWRITEBYTECODE`` is set (it is on some machines), in which case every run would
compile all of kickoff_tui's sources again (~30 ms) while the bare app's Textual does not. So
the package is compiled first (``compileall``, which writes even then), as an install would.
``--no-compile`` leaves that out (and says whether the sources were compiled).
Prints each run, the medians and the ratio (kickoff clock running) / (bare first paint).
Target (issue 9): ratio <= 1.5. No assertions.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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
RUNNING_TEXT = "left in Welcome"
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

    def time_until(
        self,
        command: str,
        *texts: str,
        keys_at: str | None = None,
        keys: str = "",
        until_saved: Callable[[], bool] | None = None,
    ) -> list[float | None]:
        """Seconds from starting ``command`` until each of ``texts`` is first on screen. When
        ``keys_at`` is on screen, ``keys`` are sent at once (as a person would type them)."""
        self.n += 1
        name = f"run{self.n}"
        found: list[float | None] = [None] * len(texts)
        sent = keys_at is None
        t0 = time.perf_counter()
        self._tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)
        try:
            while time.perf_counter() - t0 < TIMEOUT_S:
                screen = self._tmux("capture-pane", "-p", "-t", name, capture=True)
                now = time.perf_counter() - t0
                if not sent and keys_at in screen:
                    self._tmux("send-keys", "-t", name, keys)
                    sent = True
                for i, text in enumerate(texts):
                    if found[i] is None and text in screen:
                        found[i] = now
                if all(f is not None for f in found):
                    break
                time.sleep(POLL_S)
        finally:
            if until_saved is not None:
                deadline = time.perf_counter() + 20
                while not until_saved() and time.perf_counter() < deadline:
                    time.sleep(0.05)  # the writer thread saves the key before we kill it
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
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="do not compile kickoff_tui's sources first (see the docstring)",
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is not installed (apt-get install -y tmux)")

    with tempfile.TemporaryDirectory(prefix="kickoff-bench-") as tmp:
        master = os.path.join(tmp, "master.db")
        kickoff = kickoff_bin()
        created = subprocess.run(
            [kickoff, "--db", master, "new", "Acme Corp", "--start", "2026-11-24T15:00",
             "--tz", "Europe/Berlin"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        meeting_id = created.stdout.strip().splitlines()[-1]
        bare_py = os.path.join(tmp, "bare_app.py")
        Path(bare_py).write_text(BARE_APP)

        env = f"cd {tmp} && TERM=xterm-256color"
        bare_cmd = f"{env} {sys.executable} {bare_py}"
        print(f"meeting {meeting_id} (a fresh copy of {master} per run)")
        print(f"bare:    {bare_cmd}")
        print(f"kickoff: {env} {kickoff} --db COPY run {meeting_id}, then 's' at the agenda\n")

        def kick(n: int) -> tuple[str, str]:
            db = os.path.join(tmp, f"run{n}.db")
            shutil.copyfile(master, db)
            return db, f"{env} {kickoff} --db {db} run {meeting_id}"

        print(compiled(skip=args.no_compile))
        print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}\n")
        tmux = Tmux()
        bare: list[float] = []
        agenda: list[float] = []
        running: list[float] = []
        lost = 0
        try:
            tmux.time_until(bare_cmd, "hello")  # warm-up
            db, cmd = kick(0)
            tmux.time_until(cmd, AGENDA_TEXT, RUNNING_TEXT, keys_at=AGENDA_TEXT, keys="s",
                            until_saved=lambda: started(db, meeting_id) > 0)  # fmt: skip
            for n in range(1, args.runs + 1):
                (b,) = tmux.time_until(bare_cmd, "hello")
                db, cmd = kick(n)
                saved = lambda db=db: started(db, meeting_id) > 0  # noqa: E731
                a, r = tmux.time_until(cmd, AGENDA_TEXT, RUNNING_TEXT, keys_at=AGENDA_TEXT,
                                       keys="s", until_saved=saved)  # fmt: skip
                starts = started(db, meeting_id)
                lost += starts != 1
                if b is None or a is None or r is None:
                    print(f"run {n}: timed out (bare {b}, agenda {a}, running {r})")
                    continue
                bare.append(b)
                agenda.append(a)
                running.append(r)
                print(f"run {n}: bare {b * 1000:5.0f} ms   agenda {a * 1000:5.0f} ms   clock "
                      f"running after 's' {r * 1000:5.0f} ms   starts saved {starts}")  # fmt: skip
        finally:
            tmux.close()

    if not bare:
        print("no complete runs")
        return
    mb, ma, mr = (statistics.median(x) for x in (bare, agenda, running))
    print(f"\nmedian of {len(bare)} runs (poll every {POLL_S * 1000:.0f} ms, 120x40 tmux pane):")
    print(f"  bare Textual app, 'hello' shown:           {mb * 1000:6.0f} ms")
    print(
        f"  kickoff run, agenda shown (keys accepted): {ma * 1000:6.0f} ms   (ratio {ma / mb:.2f})"
    )
    print(f"  kickoff run, 's' at once, clock running:   {mr * 1000:6.0f} ms")
    print(f"  ratio clock running / bare first paint:    {mr / mb:6.2f}   (target <= 1.5)")
    print(f"  runs whose 's' was lost or doubled:        {lost:6d}")
    print(f"  load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


def compiled(skip: bool) -> str:
    """Compile kickoff_tui's sources as an install would (see the docstring); say how it is."""
    import kickoff_tui

    package = Path(kickoff_tui.__file__).parent
    if not skip:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    sources = list(package.rglob("*.py"))
    have = sum(Path(importlib.util.cache_from_source(str(p))).exists() for p in sources)
    return f"bytecode: {have} of {len(sources)} kickoff_tui modules compiled ({package})"


def started(db: str, meeting_id: str) -> int:
    """How many times the meeting was started in ``db`` (the key must count exactly once)."""
    import sqlite3

    with sqlite3.connect(db, timeout=5) as conn:
        row = conn.execute(
            "SELECT count(*) FROM timer_event WHERE meeting_id = ? AND kind = 'block-started'",
            (meeting_id,),
        ).fetchone()
    return int(row[0])


if __name__ == "__main__":
    main()
