"""A lost database connection: the cockpit says "not saved, retrying…", queues what was typed, and
saves it once when the connection returns. First with a simulated outage (any store), then by
really stopping and restarting a PostgreSQL server under an open cockpit. (Stalls — a store that
does not answer at all — are in test_stall.py.)"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.record import add_lines, create_meeting, list_items, load_snapshot
from kickoff_tui.core.store import Store
from kickoff_tui.core.timers import start
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.item_pane import ItemPane
from kickoff_tui.tui.widgets.notes import RunningNotes
from tests.live_util import settle
from tests.test_sync import SIZE, until


def title(app) -> str:
    return str(app.screen.query_one("#titlebar").render())


async def type_capture(pilot, key: str, text: str) -> CaptureLine:
    pilot.app.screen.set_focus(None)  # keys go to the cockpit, not to the running notes
    await pilot.press(key)
    line = pilot.app.screen.query_one(CaptureLine)
    line.input.value = text
    await pilot.press("enter")
    await pilot.pause()
    return line


@pytest.mark.slow
async def test_simulated_outage_queues_everything_and_saves_it_once(store, meeting, clock,
                                                                   monkeypatch):  # fmt: skip
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)

    def unreachable(*_a, **_k):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with monkeypatch.context() as m:
            m.setattr(Store, "changes_since", unreachable)
            m.setattr(Store, "write", unreachable)
            await until(pilot, lambda: app.screen.offline)
            assert "retrying" in title(app)
            line = await type_capture(pilot, "a", "Send the SOW @sam due:fri")
            assert line.input.value == ""  # queued: the line is free for the next one
            assert line.border_subtitle == "saving…"
            assert "(1 to save)" in title(app)
            app.screen.safe_beat()  # neither the heartbeat nor a key that writes crashes
            app.screen.action_take_control()
            await pilot.press("escape", "s")
            await pilot.pause()
            assert "left in Welcome" in str(app.screen.query_one("#clockbar").render())
            assert (
                list_items(store, meeting.id) == []
                and load_snapshot(store, meeting.id).events == []
            )
        await until(pilot, lambda: not app.screen.offline)
        await settle(pilot)
        assert "retrying" not in title(app) and "to save" not in title(app)
        assert line.border_subtitle in ("saved", "")
        await pilot.press("a", "enter")  # Enter on the empty line saves nothing more
        await settle(pilot)
    assert [i.text for i in list_items(store, meeting.id, "action")] == ["Send the SOW"]
    assert [e.kind for e in load_snapshot(store, meeting.id).events] == ["block-started"]


@pytest.fixture
def own_pg():
    """A PostgreSQL server of this test's own, which the test stops and starts."""
    from tests.pgserver import LocalPostgres, PgUnavailable

    try:
        import psycopg  # noqa: F401

        server = LocalPostgres.create()
    except (ImportError, PgUnavailable) as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    yield server
    server.stop()


async def test_postgresql_restart_under_an_open_cockpit(own_pg, clock):
    url = own_pg.url(own_pg.create_database())
    store = Store.open(url)
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), clock(), "Europe/Berlin")
    start(store, m.id, clock().add(minutes=5))
    app = KickoffApp(meeting_ref=m.id, store=Store.open(url), clock=clock, bell=False,
                     role="note-taker")  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = await type_capture(pilot, "a", "Before the outage")
        assert line.input.value == ""
        await settle(pilot)
        # A quick restart while idle: pooled connections are dead; the next save just works.
        own_pg.restart()
        line = await type_capture(pilot, "a", "After a restart")
        assert line.input.value == ""
        await settle(pilot)
        await pilot.press("escape")
        # Now the server goes away for a while.
        own_pg.stop(remove=False)
        await until(pilot, lambda: app.screen.offline, timeout=10)
        assert "retrying" in title(app)
        notes = app.screen.query_one(RunningNotes)
        notes.area.focus()
        notes.area.insert("typed while the server was down")
        await pilot.pause(1.2)  # the notes are saved (queued) meanwhile
        line = await type_capture(pilot, "a", "During the outage @maria")
        assert line.input.value == ""  # queued; the line is free again
        await pilot.press("enter")  # Enter on the empty line queues nothing
        await pilot.pause()
        assert line.border_subtitle == "saving…"
        assert app.screen.offline
        own_pg.start()
        await until(pilot, lambda: not app.screen.offline, timeout=10)
        await settle(pilot)
        assert "retrying" not in title(app)
        assert line.border_subtitle in ("saved", "")
        # Live sync is back too: another terminal's capture shows up here.
        add_lines(store, m, "risk", ["Seen after the restart"])
        pane = app.screen.query_one("#pane-risk", ItemPane)
        await until(pilot, lambda: [i.text for i in pane.items] == ["Seen after the restart"])
        typed = "typed while the server was down"
        assert [n.text for n in load_snapshot(store, m.id).notes if n.text] == [typed]
    texts = sorted(i.text for i in list_items(store, m.id, "action"))
    assert texts == ["After a restart", "Before the outage", "During the outage"]
    assert [n.text for n in load_snapshot(store, m.id).notes if n.text] == [typed]
    store.close()
