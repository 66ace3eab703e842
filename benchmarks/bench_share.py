"""Share page: a capture committed -> the item visible on the `kickoff share` page in Chromium.

A real `kickoff share` process serves a meeting; a real headless Chromium (the Debian packages
`chromium` + `chromium-driver`, driven by Selenium) shows the page. For each of N captures the
page first arms a MutationObserver that notes `Date.now()` the moment the new text is in the
DOM; then this process commits the item through the core (as a cockpit's writer does) and
reads the note back. Latency = visible - before the commit, both on this machine's wall clock.
(A commit from another process reaches the page the same way: the share process learns of it
from the change feed either way; the browser tests cover that path.)

Prints p50/p95/max per series (target p95 < 300 ms). Quote figures as measured under the load
of the moment (`uptime` is printed).
Run: .venv/bin/python benchmarks/bench_share.py [--n 40]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ARM = """
const target = arguments[0];
window.__seen = null;
const seen = () => document.body.innerText.includes(target);
const obs = new MutationObserver(() => {
  if (window.__seen === null && seen()) { window.__seen = Date.now(); obs.disconnect(); }
});
obs.observe(document.body, {childList: true, subtree: true, characterData: true});
"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def wait_seen(driver: object, timeout: float = 10.0) -> float:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        seen = driver.execute_script("return window.__seen")  # type: ignore[attr-defined]
        if seen is not None:
            return float(seen)
        time.sleep(0.01)
    raise TimeoutError("the capture never showed on the page")


def report(name: str, values: list[float]) -> None:
    print(
        f"{name}: n={len(values)} p50 {pct(values, 50):.0f} ms, p95 {pct(values, 95):.0f} ms, "
        f"max {max(values):.0f} ms  (target p95 < 300 ms)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40, help="captures through the core")
    args = ap.parse_args()

    import pendulum

    from kickoff_tui.core import record
    from kickoff_tui.core.agenda import get_template
    from kickoff_tui.core.store import Store
    from tests.web_util import Running, start_chromium

    print("load:", os.popen("uptime").read().strip())
    with tempfile.TemporaryDirectory(prefix="ko-bench-share-") as tmp:
        url = "sqlite:///" + str(Path(tmp) / "k.db")
        store = Store.open(url)
        m = record.create_meeting(
            store, "Bench", get_template("kickoff-90"), pendulum.now("UTC"), "UTC"
        )
        server = Running(url, "share", m.id)
        chromium = start_chromium()
        driver = next(chromium)
        try:
            driver.get(server.url)
            time.sleep(1.0)  # the event stream connects
            core: list[float] = []
            for i in range(args.n + 3):
                text = f"bench capture {i} {time.time_ns()}"
                driver.execute_script(ARM, text)
                t0 = time.time() * 1000
                record.add_item(store, m, "action", record.parse_line(store, m, text))
                seen = wait_seen(driver)
                if i >= 3:  # three warm-ups
                    core.append(seen - t0)
                time.sleep(0.1)
            report("core commit -> visible on the page", core)
        finally:
            for _ in chromium:  # closes the browser
                pass
            server.stop()
            store.close()


if __name__ == "__main__":
    main()
