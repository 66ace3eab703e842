"""The cockpit outlives every store fault (issue 17, point 2).

Real faults, under a real App: a SQLite trigger that aborts the write of a capture and of a timer
event, a full disk (a small tmpfs, filled), a read-only SQLite file (a read-only mount, or a 0400
file where we are not root) and a read-only PostgreSQL role. Each asserts that the App is still
running, that the title says what is wrong, that nothing typed is lost, and — once the fault is
gone — that what was queued lands exactly once.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import START
from sqlalchemy import create_engine, make_url, text

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.record import add_attendee, create_meeting, list_items, load_snapshot
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from tests.dbutil import fill_disk, mount_tmpfs
from tests.live_util import sessions, settle
from tests.test_sync import SIZE, until

pytestmark = pytest.mark.tui


def title(app) -> str:
    return str(app.screen.query_one("#titlebar").render())


async def type_line(pilot, said: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in said))


def new_meeting(url: str) -> str:
    store = Store.open(url)
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    add_attendee(store, m.id, "Maria Lopez", side="theirs")
    store.close()
    return m.id


def problem(app) -> str:
    return sessions(app)[0].problem


async def test_a_write_the_database_aborts_keeps_the_cockpit_and_lands_once(tmp_path, clock):
    path = tmp_path / "k.db"
    url = f"sqlite:///{path}"
    mid = new_meeting(url)
    raw = sqlite3.connect(path)
    raw.executescript(
        "CREATE TRIGGER no_items BEFORE INSERT ON item BEGIN SELECT RAISE(ABORT, 'injected: "
        "no items'); END; CREATE TRIGGER no_events BEFORE INSERT ON timer_event BEGIN SELECT "
        "RAISE(ABORT, 'injected: no events'); END;"
    )
    app = KickoffApp(meeting_ref=mid, db_url=url, clock=clock, bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(sessions(app)) and sessions(app)[0].store is not None)
        await pilot.press("s")  # the timer's event is refused by the trigger
        await pilot.press("a")
        await type_line(pilot, "Send the recap @maria due:fri")
        await pilot.press("enter", "a")  # (Enter closed the line; `a` opens the next)
        await type_line(pilot, "half typed")
        await until(pilot, lambda: "injected" in problem(app), timeout=15)
        await pilot.pause()
        assert app.is_running and app.screen.status == "offline"
        assert "not saved, retrying" in title(app) and "injected" in title(app)
        assert app.screen.query_one(CaptureLine).input.value == "half typed"  # kept
        assert "8:00 left in Welcome" in str(app.screen.query_one("#clockbar").render())
        store = Store.open(url)
        assert list_items(store, mid) == [] and load_snapshot(store, mid).events == []
        raw.executescript("DROP TRIGGER no_items; DROP TRIGGER no_events;")
        raw.close()
        await settle(pilot, timeout=30)
        await until(pilot, lambda: app.screen.status == "online")
        assert "retrying" not in title(app) and problem(app) == ""
        assert app.screen.query_one(CaptureLine).input.value == "half typed"
    items = list_items(store, mid)
    assert [(i.text, i.owner) for i in items] == [("Send the recap", "Maria Lopez")]  # once
    assert [e.kind for e in load_snapshot(store, mid).events] == ["block-started"]
    store.close()


@pytest.fixture
def small_disk(tmp_path):
    where = tmp_path / "disk"
    where.mkdir()
    if not mount_tmpfs(where, "2m"):
        pytest.skip("cannot mount a tmpfs here (needs root): the aborted-write test covers it")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


async def test_a_full_disk_under_a_running_cockpit_costs_nothing(small_disk, clock):
    url = f"sqlite:///{small_disk / 'k.db'}"
    mid = new_meeting(url)
    app = KickoffApp(meeting_ref=mid, db_url=url, clock=clock, bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        fill_disk(small_disk)
        await pilot.press("a")
        await type_line(pilot, "Written on a full disk @maria")
        await pilot.press("enter")
        await until(pilot, lambda: "disk is full" in problem(app), timeout=20)
        sessions(app)[0].beat(app.screen.clock)  # heartbeats fail too: they never raise
        await pilot.pause(1.0)
        assert app.is_running and "not saved, retrying" in title(app)
        # short enough for the title bar: the store's own URL is "the database"
        assert problem(app).startswith("cannot save to the database: the disk is full")
        assert "the disk is full" in title(app)
        (small_disk / "filler").unlink()
        await settle(pilot, timeout=30)
        await until(pilot, lambda: app.screen.status == "online")
    store = Store.open(url)
    assert [i.text for i in list_items(store, mid)] == ["Written on a full disk"]
    store.close()


async def test_opening_on_a_full_disk_opens_and_saves_once_there_is_room(small_disk, clock):
    url = f"sqlite:///{small_disk / 'k.db'}"
    mid = new_meeting(url)
    for side in ("-wal", "-shm"):
        (small_disk / f"k.db{side}").unlink(missing_ok=True)
    fill_disk(small_disk)
    app = KickoffApp(meeting_ref=mid, db_url=url, clock=clock, bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await type_line(pilot, "Typed before there was room")
        await pilot.press("enter")
        await until(pilot, lambda: bool(problem(app)), timeout=20)
        clockbar = str(app.screen.query_one("#clockbar").render())
        assert app.is_running and "press s to start" in clockbar  # painted from the file
        assert "not saved, retrying" in title(app)
        (small_disk / "filler").unlink()
        await settle(pilot, timeout=30)
    store = Store.open(url)
    assert [i.text for i in list_items(store, mid)] == ["Typed before there was room"]
    store.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def read_only_file(tmp_path):
    """A kickoff file this process cannot write: on a read-only mount (root ignores 0400), or
    a 0400 file."""
    where = tmp_path / "share"
    where.mkdir()
    mounted = mount_tmpfs(where, "4m")
    path = where / "k.db"
    mid = new_meeting(f"sqlite:///{path}")
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
    elif os.geteuid() != 0:
        path.chmod(0o400)
    else:
        pytest.skip("root, and no read-only mount: nothing here is read-only to us")
    yield path, mid
    if mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


async def test_a_read_only_file_opens_read_only_with_a_banner(read_only_file, clock):
    path, mid = read_only_file
    before = _sha(path)
    app = KickoffApp(meeting_ref=mid, db_url=f"sqlite:///{path}", clock=clock, bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.status == "read-only", timeout=20)
        assert "read-only" in title(app)
        await pilot.press("a")
        await type_line(pilot, "Kept on the line")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one(CaptureLine).input.value != "")
        assert app.screen.query_one(CaptureLine).input.value == "Kept on the line"
        await pilot.press("escape", "s")  # a timer key: refused with the reason, no traceback
        await settle(pilot)
        assert app.is_running
    assert _sha(path) == before
    assert not path.with_name("k.db-wal").exists()


@pytest.mark.pg
async def test_a_read_only_postgresql_role_opens_read_only_with_a_banner(pg_url, clock):
    mid = new_meeting(pg_url)
    role, secret = f"ro_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{secret}'"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
    admin.dispose()
    url = make_url(pg_url).set(username=role, password=secret).render_as_string(False)
    app = KickoffApp(meeting_ref=mid, db_url=url, clock=clock, bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.status == "read-only", timeout=20)
        assert "read-only" in title(app) and role in sessions(app)[0].readonly_reason
        await pilot.press("a")
        await type_line(pilot, "Kept on the line")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one(CaptureLine).input.value != "")
        assert app.screen.query_one(CaptureLine).input.value == "Kept on the line"
        assert app.is_running
    store = Store.open(pg_url)
    assert list_items(store, mid) == []
    store.close()
