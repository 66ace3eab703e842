"""A real second process running the cockpit headless, for the multi-process tests.

usage: terminal_worker.py DB_URL MEETING ROLE capture N TOTAL  -> types N actions, waits until
       its Actions pane shows TOTAL, prints the pane's texts as JSON
       terminal_worker.py DB_URL MEETING ROLE notes TEXT       -> types TEXT into the running
       notes one key at a time, printing each count typed (the test kills it mid-way)
       terminal_worker.py DB_URL MEETING ROLE edit ITEM_ID TEXT -> opens the item for editing
       with TEXT on the capture line, prints "ready"; each line on stdin presses Enter and
       prints the capture line's state as JSON (until stdin closes)
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from kickoff_tui.core.entry import to_line
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.item_pane import ItemPane
from kickoff_tui.tui.widgets.notes import RunningNotes
from tests.live_util import settle


async def main() -> None:
    url, meeting, role, mode = sys.argv[1:5]
    app = KickoffApp(meeting_ref=meeting, store=Store.open(url), role=role, bell=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        if mode == "capture":
            n, total = int(sys.argv[5]), int(sys.argv[6])
            line = screen.query_one(CaptureLine)
            for i in range(n):
                line.open("action")
                line.input.value = f"{role} item {i}"
                await pilot.press("enter")
                await pilot.pause(0.01)
            pane = screen.query_one("#pane-action", ItemPane)
            deadline = time.monotonic() + 20
            while len(pane.items) < total and time.monotonic() < deadline:
                await pilot.pause(0.05)
            print(json.dumps(sorted(i.text for i in pane.items)), flush=True)
        elif mode == "edit":
            item = screen.state.items[int(sys.argv[5])]
            line = screen.query_one(CaptureLine)
            line.open(item.kind, to_line(item), editing=item)
            line.input.value = sys.argv[6]
            await pilot.pause()
            print("ready", flush=True)
            loop = asyncio.get_running_loop()
            while await loop.run_in_executor(None, sys.stdin.readline):
                line.input.focus()
                await pilot.press("enter")
                await settle(pilot)  # saved, or refused and brought back to the line
                editing = line.editing
                print(
                    json.dumps(
                        {
                            "line": line.input.value,
                            "editing": editing.text if editing else None,
                            "version": editing.version if editing else None,
                        }
                    ),
                    flush=True,
                )
        else:
            notes = screen.query_one(RunningNotes)
            notes.area.focus()
            await pilot.pause()
            for count, ch in enumerate(sys.argv[5], 1):
                notes.area.insert(ch)
                print(f"{time.time():.3f} {count}", flush=True)
                await pilot.pause(0.03)
            await asyncio.sleep(60)


if __name__ == "__main__":
    asyncio.run(main())
