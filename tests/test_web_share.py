"""``kickoff share``: the client-safe live page, in a real headless Chromium.

A real share process (``kickoff share ID --port 0``), real captures from other processes
(``kickoff add``) and from the core (as a cockpit would write), and the page as Chromium shows
it: the record is there, a capture appears without a reload, nothing internal is ever in the
DOM, a request without the token (or with a wrong one) and any POST are refused with no content,
and Ctrl+C stops it cleanly with a page still open.
"""

from __future__ import annotations

import socket

import pendulum
import pytest

from kickoff_tui.core import record
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.store import Store
from tests.web_util import Running, db_file, http, kickoff, start_chromium

pytestmark = pytest.mark.slow


def three_minutes_ago() -> pendulum.DateTime:
    """The first block started 3 of its 8 minutes ago — taken when the test runs, not when the
    module is collected (a worker may run it minutes later)."""
    return pendulum.now("UTC").subtract(minutes=3).replace(microsecond=0)


@pytest.fixture(scope="module")
def browser():
    yield from start_chromium()


@pytest.fixture
def shared(tmp_path):
    """A meeting with a running first block, some public and some internal captures, shared."""
    url = db_file(tmp_path)
    store = Store.open(url)
    start = three_minutes_ago()
    m = record.create_meeting(
        store, "Acme <GmbH>", get_template("kickoff-90"), start, "Europe/Berlin"
    )
    record.add_attendee(store, m.id, "María López", side="theirs")
    record.add_attendee(store, m.id, "Sam Ortiz", side="ours")
    for kind, line in [
        ("action", "Send the <b>recap</b> @maria due:+2d"),
        ("decision", "Go with option B"),
        ("question", "Who signs the SOW?"),
        ("in-scope", "Module A"),
        ("action", "zqxinternal1 ask legal first @sam #internal"),
        ("note", "zqxnote1 champion seems unsure"),
    ]:
        record.add_item(store, m, kind, record.parse_line(store, m, line))
    risk = record.add_item(store, m, "risk", record.parse_line(store, m, "Data late @maria"))
    record.update_item(store, risk.id, risk.version, mitigation="zqxmitigation1 call the CFO")
    block = record.load_snapshot(store, m.id, with_items=False).blocks[0]
    record.add_timer_event(store, m.id, "block-started", block_id=block.id, at=start)
    server = Running(url, "share", m.id)
    yield store, m, url, server
    server.stop()
    store.close()


def page_html(browser) -> str:
    return browser.execute_script("return document.documentElement.outerHTML")


def wait_text(browser, text: str, timeout: float) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, timeout, poll_frequency=0.05).until(
        lambda d: text in d.execute_script("return document.body.innerText")
    )


def test_the_page_shows_the_record_and_follows_captures_live(browser, shared) -> None:
    from selenium.webdriver.common.by import By

    store, m, url, server = shared
    browser.get(server.url)
    wait_text(browser, "Live: updates by itself.", 10)  # the event stream is connected
    assert browser.title == "Acme <GmbH> kickoff — Acme <GmbH>"
    sections = [
        s.get_attribute("id") for s in browser.find_elements(By.CSS_SELECTOR, "main section")
    ]
    assert sections == [
        "agenda",
        "decisions",
        "actions",
        "questions",
        "scope",
        "first-value",
        "next",
    ]
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Send the <b>recap</b>" in text  # user text shown as text, not markup
    assert not browser.find_elements(By.CSS_SELECTOR, "main b")
    assert "Go with option B" in text and "Who signs the SOW?" in text and "Module A" in text
    assert "María López (from you)" in text
    current = browser.find_element(By.CSS_SELECTOR, 'ol.agenda li[aria-current="step"]')
    assert "Welcome & introductions" in current.text
    clock = browser.find_element(By.CSS_SELECTOR, ".clock[data-deadline]")
    assert clock.text.endswith(" left")  # 3 of 8 minutes gone: counting down on the page

    browser.execute_script("window.__kickoffKept = 42")  # gone if the page reloads
    added = kickoff(url, "add", m.id, "action", "Book the workshop room @sam due:+3d")
    assert added.returncode == 0, added.stderr
    # From another process, without a reload. (How fast: benchmarks/bench_share.py — the suite
    # makes no timing assertions; the wait is only a bound for a stuck page.)
    wait_text(browser, "Book the workshop room", 15)
    assert browser.execute_script("return window.__kickoffKept") == 42  # no reload
    actions = browser.find_element(By.ID, "actions").text
    assert "Sam Ortiz (from us)" in actions and "Book the workshop room" in actions

    # a decision written by a cockpit (the core, in this process) shows up too
    record.add_item(store, m, "decision", record.parse_line(store, m, "Weekly call on Tuesdays"))
    wait_text(browser, "Weekly call on Tuesdays", 15)
    assert browser.execute_script("return window.__kickoffKept") == 42


def test_nothing_internal_is_ever_in_the_dom(browser, shared) -> None:
    store, m, url, server = shared
    browser.get(server.url)
    wait_text(browser, "Live: updates by itself.", 10)
    for line in ("zqxinternal2 budget is soft #internal", "public after the secret"):
        r = kickoff(url, "add", m.id, "action", line)
        assert r.returncode == 0, r.stderr
    kickoff(url, "add", m.id, "note", "zqxnote2 keep an eye on Dana")
    risk = record.add_item(store, m, "risk", record.parse_line(store, m, "Scope creep"))
    record.update_item(store, risk.id, risk.version, mitigation="zqxmitigation2 weekly review")
    record.add_item(store, m, "decision", record.parse_line(store, m, "last public line"))
    wait_text(browser, "last public line", 15)  # every capture above has been through
    html = page_html(browser)
    assert "public after the secret" in html
    for secret in ("zqxinternal", "zqxnote", "zqxmitigation"):
        assert secret not in html, secret
    # ... and not in what the server sends either (page, script, event stream)
    status, body = http(server.url)
    assert status == 200 and b"zqx" not in body
    md = kickoff(url, "export", m.id, "--format", "md")
    assert "zqxinternal2" in md.stdout and "zqxmitigation2" in md.stdout  # really saved


def test_no_token_or_a_wrong_one_and_any_post_are_refused(browser, shared) -> None:
    _store, m, _url, server = shared
    browser.get(server.url)
    statuses = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const [origin, url] = [arguments[0], arguments[1]];
        const asks = [
          [origin + "/", {}], [origin + "/not-the-token/", {}], [origin + "/events", {}],
          [url.slice(0, -2) + "/", {}], [url, {method: "POST", body: "x"}],
          [url + "events", {method: "PUT", body: "x"}], [url, {method: "DELETE"}],
        ];
        const ask = ([u, o]) => fetch(u, o).then(r => r.text().then(t => [r.status, t.length]));
        Promise.all(asks.map(ask)).then(done, e => done(String(e)));
        """,
        server.origin,
        server.url,
    )
    assert statuses == [[404, 0], [404, 0], [404, 0], [404, 0], [405, 0], [405, 0], [405, 0]]
    # the same from outside a browser, and a POST without the token too
    assert http(server.origin + "/") == (404, b"")
    assert http(server.url, "POST", b"x") == (405, b"")
    assert http(server.origin + "/x/", "POST", b"x") == (405, b"")
    status, body = http(server.url + "live.js")
    assert status == 200 and b"EventSource" in body


def test_bound_to_loopback_and_ctrl_c_stops_cleanly(browser, shared) -> None:
    _store, m, url, server = shared
    assert server.origin.startswith("http://127.0.0.1:")
    with pytest.raises(OSError), socket.create_connection(("127.0.0.2", server.port), timeout=2):
        pass  # another loopback address: nobody listens there
    browser.get(server.url)  # a page with its event stream open while it stops
    wait_text(browser, "Live: updates by itself.", 10)
    code, out, err = server.stop()
    assert code == 0, err
    assert "stopped" in err and "Traceback" not in err
    assert server.token not in err and server.token not in out  # printed once, never logged
    assert server.token[:4] + "…" in err


def test_a_bad_meeting_or_port_is_one_line_and_exit_2(tmp_path) -> None:
    url = db_file(tmp_path)
    store = Store.open(url)
    m = record.create_meeting(store, "Nord", get_template("kickoff-90"), three_minutes_ago(), "UTC")
    store.close()
    r = kickoff(url, "share", "no-such-meeting")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no-such" in r.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = kickoff(url, "share", m.id, "--port", str(port))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--port" in r.stderr, r.stderr
    assert r.stdout == ""  # no URL, no token
