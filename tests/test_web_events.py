"""The share page's event stream, read as a plain HTTP client, on SQLite and PostgreSQL.

The share process learns of commits from the change feed (``PRAGMA data_version`` on SQLite,
LISTEN/NOTIFY on PostgreSQL) and pushes the re-rendered ``<main>`` to every open page: a capture,
a started block (the clock) and an internal capture that must not show.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse

import pendulum
import pytest

from kickoff_tui.core import record
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.store import Store
from tests.web_util import Running

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


class Events:
    """An open ``/<token>/events`` stream: one parsed ``record`` event at a time."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
        self.conn.request("GET", parts.path + "events")
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        assert self.resp.getheader("Content-Type", "").startswith("text/event-stream")

    def next(self) -> dict:
        event, data = "", ""
        while True:
            line = self.resp.readline().decode("utf-8")
            if not line:
                raise AssertionError("the stream ended")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and event == "record":
                return json.loads(data)

    def until(self, predicate, timeout: float = 20.0) -> dict:  # noqa: ANN001
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = self.next()
            if predicate(got["main"]):
                return got
        raise AssertionError("no such event came")

    def close(self) -> None:
        self.conn.close()


def test_the_event_stream_follows_the_change_feed(db_url) -> None:
    store = Store.open(db_url)
    start = pendulum.now("UTC").subtract(minutes=1)
    m = record.create_meeting(store, "Acme", get_template("kickoff-90"), start, "Europe/Berlin")
    server = Running(db_url, "share", m.id)
    gone = Events(server.url)  # a page that is closed before the next change
    gone.next()
    gone.close()
    events = Events(server.url)
    try:
        first = events.next()
        assert "Not started yet." in first["main"] and first["v"] >= 1
        record.add_item(store, m, "action", record.parse_line(store, m, "zqxsecret #internal"))
        record.add_item(store, m, "action", record.parse_line(store, m, "Send the recap"))
        got = events.until(lambda main: "Send the recap" in main)
        assert got["v"] > first["v"] and "zqxsecret" not in got["main"]
        block = record.load_snapshot(store, m.id, with_items=False).blocks[0]
        record.add_timer_event(store, m.id, "block-started", block_id=block.id, at=start)
        got = events.until(lambda main: "data-deadline" in main)
        assert "Now: <strong>Welcome &amp; introductions</strong>" in got["main"]
        assert abs(got["now"] - time.time() * 1000) < 60_000  # the server's clock, in ms
    finally:
        events.close()
        code, _out, err = server.stop()
        store.close()
    assert code == 0, err
    assert "Traceback" not in err and "Error" not in err, err  # the closed page was let go
