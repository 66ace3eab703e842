"""Cost that grows linearly (issue 17, point 8).

1. ``kickoff add ID action -`` with 100,000 lines on stdin, as a user runs it (a subprocess):
   wall time and the child's peak RSS (``ru_maxrss`` from ``wait4``).
   **Targets: < 10 s and < 250 MB.**
2. One capture line of the maximum length (``core.text``'s limit where it exists, else 2,000
   characters), plus a 10,000-character one: parse + save time through the core, the way the
   cockpit saves a line. Worst-case shapes too (many tokens, many ``@"`` quotes, one long word).

Run: .venv/bin/python benchmarks/bench_bulk.py [--lines N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pendulum

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.capture import parse_capture
from kickoff_tui.core.record import add_attendee, add_item, attendee_names, create_meeting
from kickoff_tui.core.store import Store

LINE_FORMS = (
    "Send the SSO checklist to the IT team, item {n} @maria due:fri sev:high",
    "Confirm UAT testers for wave {n} @dana due:+2w",
    "Share API keys with the integration partner ({n}) side:them #internal",
    "Book the steering call number {n} @sam due:2026-12-01",
)


def max_line_length() -> int:
    try:
        from kickoff_tui.core import text  # the "text" helper's limit, once it has landed
    except ImportError:
        return 2000
    for name in ("LINE_LIMIT", "MAX_LINE", "MAX_LINE_LENGTH"):
        if isinstance(getattr(text, name, None), int):
            return int(getattr(text, name))
    return 2000


def bulk(lines: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bulk.db"
        store = Store.open("sqlite:///" + str(db))
        start = pendulum.datetime(2026, 11, 24, 15, tz="Europe/Berlin")
        m = create_meeting(store, "Bulk Corp", get_template("kickoff-90"), start, "Europe/Berlin")
        for name in ("Maria Lopez", "Dana Kim", "Sam Patel"):
            add_attendee(store, m.id, name)
        store.close()
        data = "".join(LINE_FORMS[n % 4].format(n=n) + "\n" for n in range(lines)).encode()
        env = {**os.environ, "KICKOFF_DB": str(db)}
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "kickoff_tui.cli", "add", m.id, "action", "-"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        proc.stdin.write(data)
        proc.stdin.close()
        out, err = proc.stdout.read(), proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            sys.exit(f"kickoff add failed ({proc.returncode}): {err.decode()[:300]}")
        print(
            f"kickoff add - with {lines:,} lines ({len(data) / 1e6:.1f} MB): {wall:.2f} s wall "
            f"({usage.ru_utime + usage.ru_stime:.2f} s CPU), peak RSS "
            f"{usage.ru_maxrss / 1024:.0f} MB (targets < 10 s, < 250 MB) — {out.decode().strip()}"
        )


def long_lines() -> None:
    limit = max_line_length()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open("sqlite:///" + str(Path(tmp) / "line.db"))
        start = pendulum.datetime(2026, 11, 24, 15, tz="Europe/Berlin")
        m = create_meeting(store, "Line Corp", get_template("kickoff-90"), start, "Europe/Berlin")
        add_attendee(store, m.id, "Maria Lopez")
        people = attendee_names(store, m.id)

        def fill(unit: str, size: int) -> str:
            return (unit * (size // len(unit) + 1))[:size].rstrip() or "x"

        for size in (limit, 10_000):
            shapes = {
                "words": fill("lorem ipsum dolor ", size),
                "tokens": "Text " + fill("#internal due:fri, ", size - 5),
                'quotes @"': "Text " + fill('@"a b ', size - 5),
                "one word": fill("x", size),
                "trailing dots": "Text @maria" + fill(".", size - 11),
            }
            for shape, line in shapes.items():
                t0 = time.perf_counter()
                try:
                    c = parse_capture(line, start, people, tz=m.tz)
                    parsed = time.perf_counter() - t0
                    add_item(store, m, "note", c, by="bench")
                    verdict = "saved"
                except Exception as exc:  # a refusal is an answer too; its cost is measured
                    parsed = time.perf_counter() - t0
                    verdict = f"refused ({type(exc).__name__})"
                total = time.perf_counter() - t0
                print(
                    f"{len(line):>6,}-char line, {shape:<14}: parse {parsed * 1000:7.2f} ms, "
                    f"parse+save {total * 1000:7.2f} ms — {verdict}"
                )
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")
    bulk(args.lines)
    long_lines()


if __name__ == "__main__":
    main()
