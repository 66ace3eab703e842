"""Note-taker sync: commit in one process -> item rendered in the other process's cockpit.

Prints p50/p95 latency over 200 captures (target p95 < 150 ms) and the CPU use of an idle
cockpit (nobody types; it polls for changes, beats its presence, repaints its clock), measured
on a real `kickoff run` in a tmux pane over 30 s, before the meeting starts and while it runs
(target < 2 % of one core). `--idle-only` skips the latency part.
Run: .venv/bin/python benchmarks/bench_sync.py [--db URL ...]   (default: a temp SQLite file)
Give --db more than once to compare stores side by side in one run, e.g.
  --db sqlite --db postgresql+psycopg://kickoff@127.0.0.1:5432/bench
('sqlite' means a fresh temporary SQLite file); the ratios to the first store are printed.
URLs are never printed with their password, nor put on a command line (the cockpit gets its
URL through KICKOFF_DB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

N = 200
SKIP_LATENCY = False

WRITER = textwrap.dedent(
    """
    import json, sys, time
    from kickoff_tui.core.capture import parse_capture
    from kickoff_tui.core.record import add_item, resolve_meeting
    from kickoff_tui.core.store import Store
    import pendulum
    store = Store.open(sys.argv[1]); m = resolve_meeting(store, sys.argv[2])
    start = pendulum.instance(m.start_utc); stamps = {}
    time.sleep(1.5)  # let the cockpit settle
    for n in range(int(sys.argv[3])):
        c = parse_capture(f"sync item {n}", start, [], tz=m.tz)
        add_item(store, m, "action", c, by="writer")
        stamps[c.text] = time.time()
        time.sleep(0.05)
    print(json.dumps(stamps))
    """
)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def latency(url: str, meeting_id: str) -> list[float]:
    from kickoff_tui.core.store import Store
    from kickoff_tui.tui.app import KickoffApp
    from kickoff_tui.tui.widgets.item_pane import ItemPane

    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(WRITER)
    writer = subprocess.Popen([sys.executable, f.name, url, meeting_id, str(N)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    seen: dict[str, float] = {}
    app = KickoffApp(meeting_ref=meeting_id, store=Store.open(url), role="note-taker", bell=False)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.query_one("#pane-action", ItemPane)
        while writer.poll() is None or len(seen) < N:
            for item in pane.items[:5]:
                seen.setdefault(item.text, time.time())
            await pilot.pause(0.002)
            if (
                writer.poll() is not None
                and len(seen) < N
                and time.time() - max(seen.values(), default=0) > 5
            ):
                break
    out, _ = writer.communicate()
    stamps = json.loads(out)
    os.unlink(f.name)
    return [(seen[t] - stamps[t]) * 1000 for t in stamps if t in seen]


def idle_cpu(url: str, meeting_id: str, seconds: float = 30.0) -> float | None:
    """Percent of one core a `kickoff run` cockpit uses while nobody types (from /proc)."""
    if not shutil.which("tmux"):
        return None
    kickoff = Path(sys.executable).with_name("kickoff")
    session = f"bench-idle-{os.getpid()}"
    # The URL goes through the environment of a private wrapper, never onto a command line.
    fd, wrapper = tempfile.mkstemp(suffix=".sh")
    with os.fdopen(fd, "w") as f:
        f.write(f"#!/bin/sh\nKICKOFF_DB={shlex.quote(url)} exec {kickoff} run {meeting_id}\n")
    os.chmod(wrapper, 0o700)
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                    f"{wrapper}; sleep 30"],
                   check=True)  # fmt: skip
    try:
        time.sleep(5)  # start-up, store open, first paint, first heartbeats
        pid = subprocess.run(["pgrep", "-f", f"kickoff run {meeting_id}"], capture_output=True,
                             text=True).stdout.split()  # fmt: skip
        if not pid:
            pane = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                                  capture_output=True, text=True).stdout  # fmt: skip
            print(f"the cockpit is not running; its pane shows:\n{pane.strip()[-600:]}")
            return None
        stat = Path(f"/proc/{pid[0]}/stat")
        tick = os.sysconf("SC_CLK_TCK")

        def cpu() -> float:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick

        c0, t0 = cpu(), time.monotonic()
        time.sleep(seconds)
        return (cpu() - c0) / (time.monotonic() - t0) * 100
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        os.unlink(wrapper)


def idle_meeting(url: str, started: bool) -> str:
    """A fresh meeting: scheduled in a day (it will not start by itself), or running."""
    import pendulum

    from kickoff_tui.core.agenda import get_template
    from kickoff_tui.core.record import create_meeting
    from kickoff_tui.core.store import Store
    from kickoff_tui.core.timers import start

    store = Store.open(url)
    now = pendulum.now("UTC")
    when = now.subtract(minutes=1) if started else now.add(days=1)
    name = f"Idle {'Running' if started else 'Planned'} {os.getpid()}"
    m = create_meeting(store, name, get_template("kickoff-90"), when, "UTC")
    if started:
        start(store, m.id, when)
    store.close()
    return m.id


def bench(url: str) -> dict[str, float]:
    """Latency and idle CPU on one store (a fresh meeting in it)."""
    import pendulum

    from kickoff_tui.core.agenda import get_template
    from kickoff_tui.core.record import create_meeting
    from kickoff_tui.core.store import Store
    from kickoff_tui.core.timers import start

    store = Store.open(url)
    begin = pendulum.now("UTC").subtract(minutes=1)
    m = create_meeting(store, f"Sync Bench {os.getpid()}", get_template("kickoff-90"), begin, "UTC")
    start(store, m.id, begin)
    store.close()
    backend = url.split(":", 1)[0].split("+")[0]
    out: dict[str, float] = {}
    if not SKIP_LATENCY:
        lat = asyncio.run(latency(url, m.id))
        out = {"p50": pct(lat, 50), "p95": pct(lat, 95)}
        print(
            f"[{backend}] sync latency commit -> rendered in the other process, {len(lat)}/{N} "
            f"captures: p50 {out['p50']:.1f} ms, p95 {out['p95']:.1f} ms, max {max(lat):.1f} ms "
            "(target p95 < 150 ms)",
            flush=True,
        )
    for started, label in ((False, "before start"), (True, "meeting running")):
        cpu = idle_cpu(url, idle_meeting(url, started))
        if cpu is not None:
            out["cpu" if started else "cpu_before"] = cpu
            print(f"[{backend}] idle cockpit CPU over 30 s, {label}: {cpu:.2f} % of one core "
                  "(target < 2 %)", flush=True)  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", action="append",
                    help="SQLAlchemy URL, or 'sqlite' for a temporary SQLite file; repeat to "
                         "compare stores (default: sqlite)")  # fmt: skip
    ap.add_argument("--idle-only", action="store_true", help="measure idle CPU only")
    args = ap.parse_args()
    global SKIP_LATENCY
    SKIP_LATENCY = args.idle_only
    tmp = tempfile.mkdtemp()
    results: list[tuple[str, dict[str, float]]] = []
    try:
        for n, db in enumerate(args.db or ["sqlite"]):
            url = "sqlite:///" + str(Path(tmp) / f"sync{n}.db") if db == "sqlite" else db
            results.append((url.split(":", 1)[0].split("+")[0], bench(url)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    (base_name, base), rest = results[0], results[1:]
    for name, r in rest:
        ratios = ", ".join(f"{k} {r[k] / base[k]:.2f}x" for k in ("p50", "p95", "cpu")
                           if k in r and k in base and base[k] > 0)  # fmt: skip
        print(f"ratio {name} / {base_name}: {ratios}")


if __name__ == "__main__":
    main()
