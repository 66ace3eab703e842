"""How often a draft of the capture line reaches the disk while someone types, and how much of
the typing a kill -9 could lose.

A typist hands a draft to ``DraftBox.put`` at a steady rate (30 keys a second by default, a fast
typist) for a few seconds, as the capture line does on every key. The script records when each
draft lands on disk (after the atomic replace) and prints:

- writes per second while typing (the cap is 1 / MIN_GAP_S),
- the longest time between two writes while typing (the promise: at most a second),
- the worst and median "exposure": for each key, how long until a draft holding it was on disk
  (what a kill -9 right after that key would lose),
- how long the last key took to reach the disk after typing stopped,
- the slowest ``put()`` (what a key waits for: it never waits for the disk).

Usage: .venv/bin/python benchmarks/bench_drafts.py [--keys-per-s 30] [--seconds 5]
Works in a temporary folder. Figures vary with load: quote them with ``uptime``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from kickoff_tui.core import drafts
from kickoff_tui.core.drafts import Draft, DraftBox, Kept


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys-per-s", type=float, default=30.0)
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        box = DraftBox("sqlite:////bench.db", "bench", "facilitator", folder=Path(tmp))
        landed: list[tuple[float, int]] = []  # (when on disk, how many keys it holds)
        real_write = DraftBox._write

        def timed_write(self: DraftBox, kept: Kept) -> None:
            real_write(self, kept)
            line = kept.line
            landed.append((time.monotonic(), len(line.text) if line is not None else 0))

        DraftBox._write = timed_write  # type: ignore[method-assign]
        gap = 1.0 / args.keys_per_s
        n = int(args.seconds * args.keys_per_s)
        keys: list[float] = []
        puts: list[float] = []
        start = time.monotonic()
        for i in range(1, n + 1):
            target = start + i * gap
            time.sleep(max(0.0, target - time.monotonic()))
            t0 = time.monotonic()
            box.put(Draft("action", "x" * i, i))
            puts.append(time.monotonic() - t0)
            keys.append(t0)
        last_key = keys[-1]
        box.flush(10)
        box.close()
    typing = [t for t, _ in landed if t <= last_key]
    gaps = [b - a for a, b in zip([start, *typing], typing, strict=False)]
    exposure = []
    for i, k in enumerate(keys, 1):
        on_disk = next((t for t, held in landed if held >= i), None)
        if on_disk is not None:
            exposure.append(on_disk - k)
    print(f"typing: {n} keys at {args.keys_per_s:g}/s for {args.seconds:g} s; "
          f"MIN_GAP_S = {drafts.MIN_GAP_S}")  # fmt: skip
    print(f"writes while typing: {len(typing)} ({len(typing) / (last_key - start):.1f}/s)")
    print(f"longest time between writes while typing: {max(gaps) * 1000:.0f} ms")
    print(f"key -> on disk: median {statistics.median(exposure) * 1000:.0f} ms, "
          f"worst {max(exposure) * 1000:.0f} ms")  # fmt: skip
    print(f"last key -> on disk: {(landed[-1][0] - last_key) * 1000:.0f} ms")
    print(f"slowest put() (what a key waits): {max(puts) * 1e6:.0f} µs, "
          f"median {statistics.median(puts) * 1e6:.0f} µs")  # fmt: skip


if __name__ == "__main__":
    main()
