"""Capture commit latency on a meeting holding 10,000 items, and export time of that meeting.

Targets (issue 2): p99 commit under 10 ms; Markdown export of 10,000 items under 1 s.
Run: .venv/bin/python benchmarks/bench_store.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import pendulum

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.capture import parse_capture
from kickoff_tui.core.export.markdown import render_markdown
from kickoff_tui.core.models import Item, utcnow
from kickoff_tui.core.record import add_attendee, add_item, create_meeting, load_snapshot
from kickoff_tui.core.store import Store

KINDS = ("action", "decision", "risk", "question", "note", "milestone", "metric", "in-scope")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open("sqlite:///" + str(Path(tmp) / "bench.db"))
        start = pendulum.datetime(2026, 11, 24, 15, tz="Europe/Berlin")
        m = create_meeting(store, "Bench Corp", get_template("kickoff-90"), start, "Europe/Berlin")
        add_attendee(store, m.id, "Maria Lopez", roles=["decision-maker"])
        now = utcnow()
        with store.write("bench") as s:  # the 10,000 items already there before we measure
            s.add_all(
                Item(meeting_id=m.id, kind=KINDS[n % len(KINDS)], text=f"existing item {n}",
                     owner="Maria Lopez", created_at=now, updated_at=now)
                for n in range(10_000)
            )  # fmt: skip
        people = [(1, "Maria Lopez")]
        commits = []
        for n in range(500):
            c = parse_capture(f"Capture {n} @maria due:fri sev:high", start, people, tz=m.tz)
            t0 = time.perf_counter()
            add_item(store, m, "action", c, by="bench")
            commits.append((time.perf_counter() - t0) * 1000)
        # The whole capture path the cockpit takes (entry.submit: clean + parse + commit), with
        # text that needs cleaning (an escape sequence, a tab, a BOM, a decomposed accent).
        from kickoff_tui.core import entry

        submits = []
        for n in range(500):
            line = f"\ufeffCaptur\u0065\u0301 {n}\x1b[31m\tnow @maria due:fri sev:high"
            t0 = time.perf_counter()
            entry.submit(store, m, people, "action", line, block_id=None, by="bench")
            submits.append((time.perf_counter() - t0) * 1000)
        exports = []
        for _ in range(5):
            t0 = time.perf_counter()
            text = render_markdown(load_snapshot(store, m.id))
            exports.append(time.perf_counter() - t0)
        assert text.count("existing item") == 10_000 and "\x1b" not in text
        from kickoff_tui.core.export import pack

        packs = []
        for _ in range(3):  # what `kickoff export` runs: + health checks + control-char scrub
            t0 = time.perf_counter()
            pack.render(load_snapshot(store, m.id), "md", pendulum.now("UTC"))
            packs.append(time.perf_counter() - t0)
        print(
            f"capture commit on a 10,000-item meeting, {len(commits)} captures: "
            f"p50 {pct(commits, 50):.2f} ms, p99 {pct(commits, 99):.2f} ms (target p99 < 10 ms)"
        )
        print(
            f"capture line to commit (entry.submit: clean, parse, save), {len(submits)} "
            f"captures: p50 {pct(submits, 50):.2f} ms, p99 {pct(submits, 99):.2f} ms "
            "(target p99 < 10 ms)"
        )
        print(
            f"export 11,000 items to Markdown (read + render): median "
            f"{statistics.median(exports):.3f} s, worst {max(exports):.3f} s (target < 1 s)"
        )
        print(
            f"kickoff export (pack.render md: read, checks, scrub, render): median "
            f"{statistics.median(packs):.3f} s, worst {max(packs):.3f} s"
        )
        store.close()


if __name__ == "__main__":
    main()
