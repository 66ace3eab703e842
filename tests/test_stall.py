"""A store that does not answer never freezes the cockpit (issue 9, point 2).

Two real stalls: another process holding ``BEGIN EXCLUSIVE`` on the SQLite file (every write of
ours waits out the 5 s busy timeout and fails "locked" until it lets go), and a PostgreSQL
server whose every process is stopped with SIGSTOP (nothing answers, not even an error). While
the store is stalled, two terminals take keys: the timer starts on screen at once, the clock
moves, captures are queued ("saving…") and typed text echoes — all checked while the stall is
provably still on. When it ends, everything queued is written once, in order, and both
terminals show the same record. (How fast each key is answered is measured by
benchmarks/bench_stall.py; tests make no timing assertions.)
"""

from __future__ import annotations

import pytest
from conftest import START

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.record import add_attendee, create_meeting, list_items, load_snapshot
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.item_pane import ItemPane
from tests.live_util import settle
from tests.stalls import PgFreeze, SqliteLock
from tests.test_cockpit import screen_text
from tests.test_sync import SIZE, until

pytestmark = pytest.mark.slow  # each holds the store for longer than its busy timeout


@pytest.fixture(params=["sqlite", "postgresql"])
def stalled(request, tmp_path):
    """(URL, a context manager that stalls that store)."""
    if request.param == "sqlite":
        path = tmp_path / "kickoff.db"
        return "sqlite:///" + str(path), lambda: SqliteLock(path)
    server = request.getfixturevalue("pg_server")
    if not hasattr(server, "freeze"):
        pytest.skip("a PostgreSQL server we did not start (KICKOFF_TEST_PG_URL) is not stopped")
    return request.getfixturevalue("pg_url"), lambda: PgFreeze(server)


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def pane_texts(app, kind: str) -> list[str]:
    return [i.text for i in app.screen.query_one(f"#pane-{kind}", ItemPane).items]


async def type_line(pilot, text_: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text_))


async def test_keys_clock_and_line_answer_while_the_store_is_stalled(stalled, clock):
    url, stall = stalled
    store = Store.open(url)
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    add_attendee(store, m.id, "Maria Lopez", side="theirs")
    fac = KickoffApp(meeting_ref=m.id, store=Store.open(url), clock=clock, bell=False)
    note = KickoffApp(meeting_ref=m.id, store=Store.open(url), clock=clock, bell=False,
                      role="note-taker")  # fmt: skip
    async with fac.run_test(size=SIZE) as fp, note.run_test(size=SIZE) as np:
        await settle(fp)
        await settle(np)
        with stall() as held:
            # The timer starts on screen at once, and the clock moves.
            await fp.press("s")
            assert "8:00 left in Welcome" in text(fac, "#clockbar")
            clock.advance(seconds=90)
            fac.screen.tick()
            await fp.pause()
            assert "6:30 left in Welcome" in text(fac, "#clockbar")
            # Captures on both terminals are queued; the line is free for the next one.
            await fp.press("a")
            await type_line(fp, "First during the stall @maria")
            await fp.press("enter", "a")  # (Enter closes the line; `a` opens the next)
            await type_line(fp, "Second during the stall")
            await fp.press("enter")
            line = fac.screen.query_one(CaptureLine)
            assert line.input.value == "" and line.border_subtitle == "saving… (2)"
            await np.press("r")
            await type_line(np, "Risk from the note-taker sev:high")
            await np.press("enter")
            assert note.screen.query_one(CaptureLine).border_subtitle == "saving…"
            # What is typed echoes.
            await fp.press("a")
            await type_line(fp, "typed [x] echo")
            await fp.pause()
            assert line.input.value == "typed [x] echo"
            assert "action › typed [x] echo" in screen_text(fac)
            # The title says so once a call has gone unanswered (or failed "locked").
            await until(fp, lambda: fac.screen.status in ("waiting", "offline"), timeout=15)
            said = text(fac, "#titlebar")
            assert "to save)" in said
            assert "store not answering" in said or "not saved, retrying" in said, said
            assert held.holding()  # all of the above happened while the store was stalled
            await fp.press("escape")
        await settle(fp, timeout=60)
        await settle(np, timeout=60)
        # Written once, in order; both terminals show the same record.
        actions = ["Second during the stall", "First during the stall"]
        await until(fp, lambda: pane_texts(note, "action") == actions)
        assert pane_texts(fac, "action") == actions
        await until(fp, lambda: pane_texts(fac, "risk") == ["Risk from the note-taker"])
        assert fac.screen.status == "online" and "to save" not in text(fac, "#titlebar")
        assert "6:30 left in Welcome" in text(note, "#clockbar")
    items = list_items(store, m.id)
    assert sorted((i.id, i.text) for i in items if i.kind == "action") == [
        (min(i.id for i in items if i.kind == "action"), "First during the stall"),
        (max(i.id for i in items if i.kind == "action"), "Second during the stall"),
    ]
    assert [i.owner for i in items if i.text == "First during the stall"] == ["Maria Lopez"]
    assert len(items) == 3
    snap = load_snapshot(store, m.id)
    assert [(e.kind, e.at) for e in snap.events] == [("block-started", START.subtract(minutes=5))]
    store.close()


async def test_quitting_while_the_store_is_stalled_waits_for_what_was_typed(tmp_path, clock):
    """ctrl+q with a capture still queued behind a locked file does not drop it: the cockpit
    says it is saving first, and quits once the store has answered."""
    path = tmp_path / "kickoff.db"
    store = Store.open("sqlite:///" + str(path))
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    app = KickoffApp(meeting_ref=m.id, store=Store.open(store.url), clock=clock, bell=False,
                     )  # fmt: skip
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        with SqliteLock(path):
            await pilot.press("a")
            await type_line(pilot, "Said just before quitting")
            await pilot.press("enter", "ctrl+q")
            await pilot.pause()
            assert app.is_running and app.screen.session.unsaved == 1
            assert any("before quitting" in n.message for n in app._notifications)
        await app.workers.wait_for_complete()  # the quit waits for the store, then exits
    assert [i.text for i in list_items(store, m.id)] == ["Said just before quitting"]
    store.close()
