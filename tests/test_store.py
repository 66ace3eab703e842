"""The shared store on real SQLite files and on PostgreSQL: pragmas, change log, schema
version, concurrent writers, two processes. Tests taking ``store``/``db_url`` run on both;
the file tests (0600, WAL, a file that is not a database) are SQLite's own."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select, update

from kickoff_tui.core.errors import ConflictError, NewerSchemaError, NotADatabaseError, StoreError
from kickoff_tui.core.models import SCHEMA_VERSION, Change, Item, Meta
from kickoff_tui.core.record import add_lines, list_items, set_deleted, update_item
from kickoff_tui.core.store import Store, mask_url
from tests.dbutil import dump


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


def test_new_file_is_private_and_wal(tmp_path):
    path = tmp_path / "sub" / "k.db"
    store = Store.open("sqlite:///" + str(path))
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    assert store.schema_version() == SCHEMA_VERSION


def test_every_write_is_logged_in_the_same_transaction(store, meeting):
    before = store.latest_change_id(meeting.id)
    items = add_lines(store, meeting, "action", ["one @maria", "two"])
    with store.read() as s:
        rows = s.exec(select(Change).where(Change.id > before)).all()
    assert sorted((c.table_name, c.op) for c in rows) == [("item", "insert")] * 2
    update_item(store, items[0].id, items[0].version, text="one edited")
    set_deleted(store, items[1].id, True)
    ops = [(c.table_name, c.row_id, c.op) for c in store.changes_since(before)]
    assert ops[-2:] == [("item", str(items[0].id), "update"), ("item", str(items[1].id), "update")]


def test_a_failed_transaction_leaves_no_row_and_no_change(store, meeting):
    before = store.latest_change_id()
    with pytest.raises(RuntimeError), store.write() as s:
        s.add(
            Item(
                meeting_id=meeting.id,
                kind="note",
                text="x",
                created_at=meeting.created_at,
                updated_at=meeting.created_at,
            )
        )
        s.flush()
        raise RuntimeError("boom")
    assert store.latest_change_id() == before
    assert list_items(store, meeting.id, "note") == []


def test_feed_sees_other_connections_commits(store, meeting, db_url):
    feed = store.feed(meeting.id)
    assert feed.poll() == []
    other = Store.open(db_url)
    add_lines(other, meeting, "risk", ["r1"])
    changes = feed.poll()
    deadline = time.monotonic() + 10
    while not changes and time.monotonic() < deadline:  # PostgreSQL: the NOTIFY may lag a bit
        time.sleep(0.05)
        changes = feed.poll()
    assert [c.table_name for c in changes] == ["item"]
    assert feed.poll() == []  # nothing new: data_version did not move
    feed.close()


def test_an_idle_feed_reads_nothing_until_someone_commits(store, meeting, db_url):
    """Polling is cheap: SQLite's data_version, PostgreSQL's LISTEN/NOTIFY (no query while idle)."""
    feed = store.feed(meeting.id)
    feed.poll(force=True)
    assert not feed.moved()
    other = Store.open(db_url)
    add_lines(other, meeting, "risk", ["r1"])
    deadline = time.monotonic() + 2  # a notification travels asynchronously
    while not feed.moved():
        assert time.monotonic() < deadline, "the feed did not notice the commit"
        time.sleep(0.01)
    assert [c.table_name for c in feed.poll(force=True)] == ["item"]
    other.close()
    feed.close()


def test_newer_schema_is_refused_and_untouched(tmp_path, store, db_url):
    with store.engine.begin() as conn:
        conn.execute(update(Meta).where(Meta.key == "schema_version").values(value="99"))
    store.close()
    path = tmp_path / "kickoff.db"
    before = path.read_bytes() if store.is_sqlite else dump(db_url)
    with pytest.raises(NewerSchemaError, match="newer kickoff-tui"):
        Store.open(db_url)
    assert (path.read_bytes() if store.is_sqlite else dump(db_url)) == before


def test_schema_is_created_once_by_racing_openers(db_url):
    """Four terminals opening a brand-new database at once: one creates it, all can use it."""
    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: Store.open(db_url), range(4)))
    assert {s.schema_version() for s in stores} == {SCHEMA_VERSION}
    for s in stores:
        s.close()


def test_an_edit_waits_for_a_concurrent_edit_and_then_conflicts(store, meeting, db_url):
    """The read-check-write of update_item is safe at PostgreSQL's READ COMMITTED: the row is
    read FOR UPDATE, so a second writer waits, then sees the new version and conflicts (on
    SQLite, BEGIN IMMEDIATE makes it wait). Without the lock both saves would "win"."""
    [item] = add_lines(store, meeting, "action", ["draft"])
    other = Store.open(db_url)
    outcome: list[str] = []

    def second_edit() -> None:
        try:
            update_item(other, item.id, item.version, text="theirs")
            outcome.append("saved")
        except ConflictError:
            outcome.append("conflict")

    with store.write() as s:  # the first edit, as update_item does it, held open a moment
        row = s.get(Item, item.id, with_for_update=True)
        worker = threading.Thread(target=second_edit)
        worker.start()
        time.sleep(0.5)
        assert worker.is_alive() and outcome == []  # waiting for our transaction
        row.text, row.version = "ours", row.version + 1
        s.add(row)
    worker.join(10)
    assert outcome == ["conflict"]
    [stored] = list_items(store, meeting.id, "action")
    assert (stored.text, stored.version) == ("ours", 2)
    other.close()


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not sqlite\n" * 100)
    before = path.read_bytes()
    with pytest.raises(NotADatabaseError, match="not a kickoff database"):
        Store.open("sqlite:///" + str(path))
    assert path.read_bytes() == before


def test_other_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(NotADatabaseError, match="not a kickoff one"):
        Store.open("sqlite:///" + str(path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_location(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(StoreError, match="cannot create the database"):
        Store.open("sqlite:///" + str(locked / "sub" / "k.db"))


def test_unwritable_location_under_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the database"):
        Store.open("sqlite:///" + str(blocker / "k.db"))


def test_password_is_masked():
    assert "s3cret" not in mask_url("postgresql+psycopg://kickoff:s3cret@db/kickoff")


WRITER = textwrap.dedent(
    """
    import sys
    import pendulum
    from kickoff_tui.core.capture import parse_capture
    from kickoff_tui.core.record import add_item, resolve_meeting
    from kickoff_tui.core.store import Store

    store = Store.open(sys.argv[1])
    m = resolve_meeting(store, sys.argv[2])
    start = pendulum.instance(m.start_utc)
    for n in range(int(sys.argv[4])):
        c = parse_capture(f"{sys.argv[3]} {n} @maria due:fri", start, [], tz=m.tz)
        add_item(store, m, "action", c, by=sys.argv[3])
    """
)


@pytest.mark.slow
def test_two_processes_write_500_items_each(store, meeting, db_url, tmp_path):
    """Two writers at full speed; a third terminal's feed sees every change exactly once
    (on PostgreSQL, change-log ids must become visible in order for polling to be complete)."""
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    feed = store.feed(meeting.id)
    procs = [
        subprocess.Popen([sys.executable, str(script), db_url, meeting.id, who, "500"],
                         stderr=subprocess.PIPE, text=True)
        for who in ("alpha", "beta")
    ]  # fmt: skip
    seen: list[int] = []
    while any(p.poll() is None for p in procs):
        seen += [int(c.id) for c in feed.poll()]
        time.sleep(0.01)
    errors = [p.communicate(timeout=120)[1] for p in procs]
    seen += [int(c.id) for c in feed.poll(force=True)]
    feed.close()
    assert [p.returncode for p in procs] == [0, 0], errors
    assert not any("locked" in e for e in errors)
    items = list_items(store, meeting.id, "action")
    assert len(items) == 1000
    for who in ("alpha", "beta"):
        assert {i.text for i in items if i.captured_by == who} == {f"{who} {n}" for n in range(500)}
    logged = [int(c.id) for c in store.changes_since(0, meeting.id) if c.table_name == "item"]
    assert sorted(seen) == seen and set(seen) >= set(logged) and len(seen) == len(set(seen))
