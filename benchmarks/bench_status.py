"""`kickoff status`: wall time and peak memory of one call, as a tmux status line polls it.

Each call is a fresh `kickoff --db FILE status ID [--json]` process; its wall time is taken around
the process and its peak RSS from os.wait4 (the child's own rusage, so calls do not mask each
other). The meeting is running, with 10,000 items in the file (status reads none of them).
For comparison the same answer through the full store (SQLModel, the path every call took before
core/status.py; it is still the path for PostgreSQL) and a bare `python -c pass`.

Target (issue 9): < 150 ms and < 30 MB per call.
Run: .venv/bin/python benchmarks/bench_status.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FULL_STORE = (
    "import datetime as dt, sys\n"
    "from kickoff_tui.core import status\n"
    "from kickoff_tui.core.store import Store\n"
    "data = status.read_store(Store.open(sys.argv[1]), sys.argv[2])\n"
    "print(status.render(data, dt.datetime.now(dt.UTC)))\n"
)


def seed(db: Path) -> str:
    import pendulum

    from kickoff_tui.core import timers
    from kickoff_tui.core.agenda import get_template
    from kickoff_tui.core.models import Item, utcnow
    from kickoff_tui.core.record import create_meeting
    from kickoff_tui.core.store import Store

    store = Store.open("sqlite:///" + str(db))
    now = pendulum.now("UTC")
    m = create_meeting(store, "Bench Corp", get_template("kickoff-90"), now.subtract(minutes=20),
                       "Europe/Berlin")  # fmt: skip
    at = utcnow()
    with store.write("bench") as s:
        s.add_all(Item(meeting_id=m.id, kind="action", text=f"item {n}", created_at=at,
                       updated_at=at) for n in range(10_000))  # fmt: skip
    timers.start(store, m.id, now.subtract(minutes=15))
    timers.step(store, m.id, +1, now.subtract(minutes=5))
    store.close()
    return m.id


def one(cmd: list[str]) -> tuple[float, float, str]:
    """(wall ms, peak RSS MB, stdout) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - t0) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed: {err.decode()}")
    return wall, usage.ru_maxrss / 1024, out.decode().strip()


def report(label: str, runs: list[tuple[float, float, str]]) -> None:
    walls = sorted(r[0] for r in runs)
    rss = max(r[1] for r in runs)
    print(f"{label:<34} wall median {statistics.median(walls):6.1f} ms, min {walls[0]:6.1f}, "
          f"max {walls[-1]:6.1f}; max RSS {rss:5.1f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        print(seed(args.seed))
        return
    kickoff = [sys.executable, "-m", "kickoff_tui.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        # Seed in a child: this process stays small, because a child's peak RSS counts the
        # copy of its parent it starts as (before exec), and SQLModel would add ~100 MB to it.
        mid = subprocess.run(
            [sys.executable, __file__, "--seed", str(db)], check=True, capture_output=True,
            text=True,
        ).stdout.strip()  # fmt: skip
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "kickoff status": [*kickoff, "--db", str(db), "status", mid],
            "kickoff status --json": [*kickoff, "--db", str(db), "status", mid, "--json"],
            "same through the full store": [
                sys.executable,
                "-c",
                FULL_STORE,
                "sqlite:///" + str(db),
                mid,
            ],  # fmt: skip
        }
        for cmd in cases.values():
            one(cmd)  # warm the page cache and .pyc files
        results: dict[str, list[tuple[float, float, str]]] = {k: [] for k in cases}
        for _ in range(args.runs):  # interleaved, so load changes hit every case alike
            for label, cmd in cases.items():
                results[label].append(one(cmd))
        print(f"load average {os.getloadavg()[0]:.2f}; {args.runs} runs each")
        print("output:", results["kickoff status"][-1][2])
        for label, runs in results.items():
            report(label, runs)
        print("target (issue 9): kickoff status < 150 ms and < 30 MB per call")


if __name__ == "__main__":
    main()
