"""``kickoff serve``: the note-taker cockpit in a browser tab, through textual-serve.

The browser tests start a real server process and open it in a real headless Chromium: the
tokened page answers, its websocket sends a first frame (textual-serve's page marks
``body.-first-byte`` when it arrives, and a plain websocket client gets one too), the tab's
cockpit joins as a note-taker labelled as a browser, and without the token (or with a wrong
one) everything is refused. The presence rules themselves are checked on the core, fast.
"""

from __future__ import annotations

import asyncio

import pendulum
import pytest

from kickoff_tui.core import presence, record
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.errors import NotInControl
from kickoff_tui.core.store import Store
from tests.web_util import Running, db_file, http, start_chromium, wait_for

START = pendulum.datetime(2026, 12, 1, 9, 0, tz="UTC")


@pytest.fixture
def meeting_db(tmp_path):
    url = db_file(tmp_path)
    store = Store.open(url)
    m = record.create_meeting(store, "Acme", get_template("kickoff-90"), START, "Europe/Berlin")
    record.add_item(store, m, "action", record.parse_line(store, m, "Send the recap"))
    yield store, m, url
    store.close()


# --- the presence rules (fast) -----------------------------------------------------------------


def test_a_browser_tab_is_labelled_and_never_drives_the_timers(meeting_db, monkeypatch) -> None:
    store, m, _url = meeting_db
    now = pendulum.now("UTC")
    desk = presence.enter(store, m.id, "facilitator", now)
    assert desk.in_control
    monkeypatch.setenv("KICKOFF_VIA", "browser")
    tab = presence.enter(store, m.id, "note-taker", now)
    peer = next(p for p in presence.peers(store, m.id, now) if p.id == tab.presence_id)
    assert peer.label.startswith("note-taker@") and peer.label.endswith(" (browser)")
    with pytest.raises(NotInControl, match="browser tab takes notes"):
        presence.claim_control(store, tab.presence_id, now, force=True)  # ctrl+t in the tab
    assert not presence.claim_control(store, tab.presence_id, now, force=False)
    assert presence.controller(store, m.id, now).id == desk.presence_id
    # even asked to be a facilitator, with nobody driving, a browser tab takes no lease
    presence.leave(store, desk.presence_id)
    again = presence.enter(store, m.id, "facilitator", now)
    assert not again.in_control and presence.controller(store, m.id, now) is None
    assert not presence._gone(peer)  # its process (this one) runs: the row is not stale


# --- a real server in a real browser (slow) ----------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    yield from start_chromium()


@pytest.fixture
def served(meeting_db):
    store, m, url = meeting_db
    server = Running(url, "serve", m.id)
    yield store, m, server
    code, _out, err = server.stop()
    assert code == 0, err
    assert server.token not in err


def first_ws_frame(url: str, timeout: float = 60.0) -> tuple[int, int]:
    """(message type, size) of the first frame the tokened websocket sends."""
    import aiohttp

    async def go() -> tuple[int, int]:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(url, timeout=aiohttp.ClientWSTimeout(ws_close=5)) as ws,
        ):
            await ws.send_str('["resize", {"width": 100, "height": 30}]')
            msg = await asyncio.wait_for(ws.receive(), timeout)
            return int(msg.type), len(msg.data or b"")

    return asyncio.run(go())


def ws_status(url: str) -> int:
    """The HTTP status a websocket handshake to ``url`` gets (101 when it is accepted)."""
    import aiohttp

    async def go() -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(url):
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    return asyncio.run(go())


@pytest.mark.slow
@pytest.mark.tui
def test_the_tokened_page_answers_and_its_websocket_sends_a_first_frame(browser, served) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    store, m, server = served
    status, body = http(server.url)
    assert status == 200 and b"textual-terminal" in body
    assert b"fonts.googleapis.com" not in body  # nothing loaded from elsewhere
    assert f"ws://{server.origin[len('http://') :]}/{server.token}/ws".encode() in body
    browser.get(server.url)
    WebDriverWait(browser, 60, poll_frequency=0.1).until(
        lambda d: d.execute_script("return document.body.classList.contains('-first-byte')")
    )  # the websocket's first frames arrived and the terminal is drawn

    # the tab's cockpit joined the meeting: a note-taker, labelled as a browser
    def tab_peer():
        peers = presence.peers(store, m.id, pendulum.now("UTC"))
        return next((p for p in peers if p.label.endswith(" (browser)")), None)

    peer = wait_for(tab_peer, 60, "the browser tab's presence")
    assert peer.role == "note-taker" and not peer.controls
    # a second tab is a cockpit (a process) of its own, a note-taker too
    browser.switch_to.new_window("tab")
    browser.get(server.url)
    WebDriverWait(browser, 60, poll_frequency=0.1).until(
        lambda d: d.execute_script("return document.body.classList.contains('-first-byte')")
    )

    def two_tabs():
        peers = presence.peers(store, m.id, pendulum.now("UTC"))
        tabs = [p for p in peers if p.label.endswith(" (browser)")]
        return tabs if len(tabs) >= 2 else None

    tabs = wait_for(two_tabs, 60, "a second browser tab's presence")
    assert len({p.pid for p in tabs}) == len(tabs)  # one process per tab
    assert all(p.role == "note-taker" and not p.controls for p in tabs)
    browser.close()
    browser.switch_to.window(browser.window_handles[0])
    kind, size = first_ws_frame(server.url.replace("http://", "ws://") + "ws?width=100&height=30")
    assert size > 0 and kind in (1, 2)  # TEXT or BINARY: a plain websocket's first frame


@pytest.mark.slow
@pytest.mark.tui
def test_without_the_token_everything_is_refused(served) -> None:
    _store, _m, server = served
    ws = server.origin.replace("http://", "ws://")
    assert http(server.origin + "/") == (404, b"")
    assert http(server.origin + "/static/js/textual.js") == (404, b"")
    assert http(server.origin + "/wrong-token/") == (404, b"")
    assert http(server.url + "static/../../server.py") == (404, b"")
    assert http(server.url, "POST", b"x") == (405, b"")
    assert ws_status(ws + "/ws") == 404
    assert ws_status(ws + "/wrong-token/ws") == 404
    status, body = http(server.url + "static/js/textual.js")
    assert status == 200 and body
