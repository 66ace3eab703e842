"""The commitments ledger at scale (issue 11 part 7): 100 meetings x 200 items, SQLite and
PostgreSQL side by side.

* **query**: ``core.ledger.query`` with the screen's default filter (open), with
  ``--overdue``, and with ``--owner`` (a Python-side filter), median of ``--runs`` calls.
  Target: < 100 ms.
* **screen open**: from ``push_screen(LedgerScreen())`` on a running headless app to the table
  filled (the worker's answer shown), median of ``--runs`` opens. Target: < 300 ms.

PostgreSQL runs on a throwaway cluster from tests/pgserver.py (skipped without the binaries).
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pendulum

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kickoff_tui.core.agenda import get_template  # noqa: E402
from kickoff_tui.core.ledger import Filters, query  # noqa: E402
from kickoff_tui.core.record import add_attendee, create_meeting, import_lines  # noqa: E402
from kickoff_tui.core.store import Store  # noqa: E402
from tests.pgserver import local_server_or_none  # noqa: E402

KINDS = ("action", "risk", "question", "decision", "note")


def fill(store: Store, meetings: int, items: int) -> None:
    tmpl = get_template("kickoff-90")
    start = pendulum.datetime(2026, 9, 1, 15, tz="Europe/Berlin")
    for n in range(meetings):
        m = create_meeting(store, f"Client {n:03d}", tmpl, start.add(days=n), "Europe/Berlin")
        add_attendee(store, m.id, "Maria Lopez", side="theirs")
        add_attendee(store, m.id, "Sam Patel", side="ours")
        per_kind = items // len(KINDS)
        for k, kind in enumerate(KINDS):
            lines = [
                f"{kind} {i} of meeting {n} @{'maria' if i % 2 else 'sam'} "
                f"due:2026-{10 + (i % 3):02d}-{1 + (i % 28):02d}"
                + (" status:done" if i % 4 == 0 else "")
                for i in range(per_kind + (items - per_kind * len(KINDS) if k == 0 else 0))
            ]
            import_lines(store, m, kind, lines)


def timed(fn: object, runs: int) -> float:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - t)
    return statistics.median(out) * 1000


async def screen_open(store: Store, runs: int) -> float:
    from kickoff_tui.tui.app import KickoffApp
    from kickoff_tui.tui.screens.ledger import LedgerScreen

    app = KickoffApp(store=store, bell=False)
    out = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for _ in range(runs + 1):  # the first one warms up (imports)
            filled = asyncio.Event()
            screen = LedgerScreen(on_loaded=filled.set)
            t = time.perf_counter()
            await app.push_screen(screen)
            await filled.wait()  # (no polling loop competing with the worker for the GIL)
            out.append(time.perf_counter() - t)
            app.pop_screen()
            await pilot.pause()
    return statistics.median(out[1:]) * 1000


def one(url: str, name: str, args: argparse.Namespace) -> None:
    store = Store.open(url)
    t = time.perf_counter()
    fill(store, args.meetings, args.items)
    print(f"[{name}] filled {args.meetings} meetings x {args.items} items "
          f"in {time.perf_counter() - t:.1f} s")  # fmt: skip
    today = pendulum.date(2026, 11, 15)
    for label, filters in (
        ("all", Filters()),
        ("--open", Filters(open_only=True)),
        ("--open --overdue", Filters(open_only=True, overdue_only=True)),
        ("--owner maria", Filters(owner="maria")),
    ):
        rows = len(query(store, filters, today=today))
        ms = timed(lambda f=filters: query(store, f, today=today), args.runs)
        print(f"[{name}] query {label:<18} {rows:>6} rows  median {ms:7.1f} ms  (target < 100)")
    ms = asyncio.run(screen_open(store, args.runs))
    print(f"[{name}] screen open (open filter)      median {ms:7.1f} ms  (target < 300)")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--meetings", type=int, default=100)
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kickoff-ledger-") as tmp:
        one("sqlite:///" + str(Path(tmp) / "ledger.db"), "sqlite", args)
    if args.no_pg:
        return
    with local_server_or_none() as server:
        if server is not None:
            one(server.url(server.create_database()), "postgresql", args)  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
