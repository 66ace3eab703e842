"""The meeting session on its own (no Textual): an ordered queue written by one thread, each
command once; a store that cannot be reached holds the queue (never the caller) and everything
lands, in order, when it answers; bad input is reported and dropped; the reader hands every
change back as plain rows; presence keeps one facilitator."""

from __future__ import annotations

import threading
import time

import pendulum
import pytest

from kickoff_tui.core.errors import InputError, UnavailableError
from kickoff_tui.core.record import add_lines, list_items
from kickoff_tui.core.rows import ItemRow
from kickoff_tui.core.session import Listener, MeetingSession
from tests.stalls import SqliteLock


class Recorder(Listener):
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[tuple] = []

    def _add(self, *event: object) -> None:
        with self.lock:
            self.events.append(event)

    def done(self, job, result):  # noqa: ANN001
        self._add("done", job.label, result)

    def failed(self, job, exc):  # noqa: ANN001
        self._add("failed", job.label, type(exc).__name__)

    def changed(self, delta):  # noqa: ANN001
        self._add("changed", delta)

    def status(self, status):  # noqa: ANN001
        self._add("status", status)

    def presence(self, info):  # noqa: ANN001
        self._add("presence", info)

    def of(self, kind: str) -> list[tuple]:
        with self.lock:
            return [e[1:] for e in self.events if e[0] == kind]


def until(condition, timeout: float = 10.0) -> bool:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def session(store, meeting, recorder=None):  # noqa: ANN001
    s = MeetingSession(meeting.id, store=store, listener=recorder or Recorder())
    s.start()
    return s


def add(text: str, meeting):  # noqa: ANN001
    return lambda store: [i.text for i in add_lines(store, meeting, "action", [text])]


def test_commands_run_in_order_once_and_come_back_as_plain_rows(store, meeting):
    rec = Recorder()
    s = session(store, meeting, rec)
    try:
        for n in range(5):
            s.submit(add(f"item {n}", meeting), label=f"c{n}")
        assert s.idle(20)
        assert [d[0] for d in rec.of("done")] == [f"c{n}" for n in range(5)]
        assert [i.text for i in list_items(store, meeting.id)] == [f"item {n}" for n in range(5)]
        deltas = [d[0] for d in rec.of("changed")]
        assert deltas[0].full is not None  # the first read is the whole meeting
        seen = {i.text for d in deltas for i in ([*d.items, *(d.full.items if d.full else [])])}
        assert seen == {f"item {n}" for n in range(5)}
        assert all(isinstance(i, ItemRow) for d in deltas for i in d.items)  # not SQLModel
        assert max(d.as_of for d in deltas) == 5
    finally:
        s.close()


@pytest.mark.slow  # real processes: the full suite runs it
def test_an_unreachable_store_holds_the_queue_then_each_lands_once_in_order(store, meeting):
    rec = Recorder()
    s = session(store, meeting, rec)
    down = threading.Event()
    down.set()
    tries: list[str] = []

    def flaky(text: str):  # noqa: ANN202
        def run(st):  # noqa: ANN001
            tries.append(text)
            if down.is_set():
                raise UnavailableError("lost the connection (a test)")
            return add(text, meeting)(st)

        return run

    try:
        assert s.idle(20)
        s.submit(flaky("first"), label="first")
        s.submit(add("second", meeting), label="second")  # waits behind the first
        assert until(lambda: tries.count("first") >= 3)
        assert s.queued == 2 and list_items(store, meeting.id) == []
        assert until(lambda: ("offline",) in rec.of("status"))
        down.clear()
        assert s.idle(20)
        assert [i.text for i in list_items(store, meeting.id)] == ["first", "second"]
        assert [d[0] for d in rec.of("done")] == ["first", "second"]
        assert until(lambda: rec.of("status")[-1] == ("online",))
    finally:
        s.close()


def test_bad_input_is_reported_and_dropped_and_the_queue_goes_on(store, meeting):
    rec = Recorder()
    s = session(store, meeting, rec)

    def bad(_store):  # noqa: ANN001
        raise InputError("no such thing")

    try:
        s.submit(bad, label="bad")
        s.submit(add("after", meeting), label="after")
        s.submit(lambda _st: None, label="timer", needs_control=True)  # not joined: refused
        assert s.idle(20)
        assert rec.of("failed") == [("bad", "InputError"), ("timer", "InputError")]
        assert [i.text for i in list_items(store, meeting.id)] == ["after"]
    finally:
        s.close()


def test_a_waiting_command_with_the_same_key_is_replaced(store, meeting):
    gate = threading.Event()
    s = session(store, meeting)
    try:
        s.submit(lambda _st: gate.wait(10), label="hold")
        first = s.submit(add("draft 1", meeting), label="note", key="note:1")
        second = s.submit(add("draft 2", meeting), label="note", key="note:1")
        assert first is second and s.queued == 2
        gate.set()
        assert s.idle(20)
        assert [i.text for i in list_items(store, meeting.id)] == ["draft 2"]
    finally:
        gate.set()
        s.close()


@pytest.mark.slow  # the lock outlasts the busy timeout (5 s)
def test_a_real_write_lock_holds_the_queue_and_it_drains_in_order(tmp_path, store, meeting,
                                                                   db_url):  # fmt: skip
    rec = Recorder()
    s = session(store, meeting, rec)
    try:
        assert s.idle(20)
        with SqliteLock(db_url.removeprefix("sqlite:///")) as held:
            for n in range(3):
                s.submit(add(f"locked {n}", meeting), label=f"l{n}")
            # A write waits out the busy timeout (5 s), fails "locked", and is tried again.
            assert until(lambda: ("offline",) in rec.of("status"), 20)
            assert held.holding() and s.queued == 3
        assert s.idle(30)
        assert [i.text for i in list_items(store, meeting.id)] == [f"locked {n}" for n in range(3)]
    finally:
        s.close()


def test_a_change_by_another_terminal_arrives_as_a_delta(store, meeting):
    rec = Recorder()
    s = session(store, meeting, rec)
    try:
        assert s.idle(20)
        add_lines(store, meeting, "risk", ["from elsewhere"])
        assert until(
            lambda: any(i.text == "from elsewhere" for (d,) in rec.of("changed") for i in d.items)
        )
    finally:
        s.close()


def test_a_second_facilitator_takes_notes_and_quiet_heartbeats(store, meeting):
    now = lambda: pendulum.now("UTC")  # noqa: E731
    one_rec, two_rec = Recorder(), Recorder()
    one, two = session(store, meeting, one_rec), session(store, meeting, two_rec)
    try:
        one.join("facilitator", now)
        assert one.idle(20)
        two.join("facilitator", now)
        assert two.idle(20)
        (info,) = two_rec.of("presence")[-1:]
        assert info[0].role == "note-taker" and info[0].demoted_by is not None
        assert one.in_control and not two.in_control
        changed = len(one_rec.of("changed"))
        for _ in range(3):
            one.beat(now)
        assert one.idle(20)
        # A heartbeat writes nothing the feed carries: nothing is read back for it.
        assert len(one_rec.of("changed")) == changed
    finally:
        one.close()
        two.close()


def test_rows_mirror_the_models_column_for_column():
    """The plain rows the screens use carry every column of the tables, by the same names."""
    from kickoff_tui.core import models, rows

    for table, cls in rows.ROW_CLASSES.items():
        model = next(m for m in models.MEETING_TABLES if m.__tablename__ == table)
        assert set(rows.FIELDS[cls]) == set(model.__table__.columns.keys()), table


def test_the_peek_reads_what_the_store_reads(store, meeting, db_url, clock):
    """The first frame's stdlib look at the file gives the rows the store would give."""
    from kickoff_tui.core import timers
    from kickoff_tui.core.peek import peek_snapshot
    from kickoff_tui.core.record import load_snapshot, save_block_note, set_answer
    from kickoff_tui.core.rows import to_row, to_rows

    add_lines(store, meeting, "action", ["Send [x] the SOW @maria due:fri sev:high #internal"])
    snap = load_snapshot(store, meeting.id)
    timers.start(store, meeting.id, clock())
    save_block_note(store, meeting.id, snap.blocks[0].id, "notes")
    set_answer(store, meeting.id, snap.attendees[0].id, 1, "an answer")
    snap = load_snapshot(store, meeting.id)
    peeked = peek_snapshot(db_url, meeting.id)
    assert peeked is not None
    assert peeked.meeting == to_row(snap.meeting)
    for name in ("blocks", "attendees", "items", "answers", "events", "notes"):
        assert getattr(peeked, name) == to_rows(getattr(snap, name)), name


def test_the_cockpit_predicts_what_the_timers_write(store, meeting, clock):
    """A timer key is shown at once from ``timebox``'s plan; ``timers`` then decides again in
    the store. Press by press, the plan must be what the store writes (else the clock shown
    would jump when the store answers)."""
    from kickoff_tui.core import timebox, timers
    from kickoff_tui.core.record import load_snapshot

    plans = {
        "start": lambda snap, mt, *a: timebox.plan_start(snap, mt),
        "step": lambda snap, mt, *a: timebox.plan_step(snap, mt, *a),
        "toggle_pause": lambda snap, mt, *a: timebox.plan_pause(mt),
        "extend": lambda snap, mt, *a: timebox.plan_extend(mt),
        "end": lambda snap, mt, *a: timebox.plan_end(snap, mt),
    }
    presses = [("step", 1), ("start",), ("start",), ("step", -1), ("step", 1), ("toggle_pause",),
               ("extend",), ("toggle_pause",), ("step", 1), ("extend",), ("end",), ("step", 1),
               ("end",)]  # fmt: skip
    for op, *args in presses:
        clock.advance(minutes=1)
        snap = load_snapshot(store, meeting.id, with_items=False)
        plan = plans[op](snap, timebox.meeting_time(snap, clock()), *args)
        result = getattr(timers, op)(store, meeting.id, *args, clock())
        after = load_snapshot(store, meeting.id, with_items=False)
        written = [(e.kind, e.block_id, e.seconds) for e in after.events[len(snap.events) :]]
        assert result == plan.result, (op, args)
        assert written == ([] if plan.event is None else [tuple(plan.event)]), (op, args)
        statuses = {b.id: b.status for b in after.blocks}
        assert all(statuses[i] == s for i, s in plan.block_status.items()), (op, args)


def test_the_cockpits_peek_never_opens_the_file_immutable(store, meeting, db_url, monkeypatch):
    """The cockpit looks at the file in the process that has (or is about to have) the store
    open on it. An ``immutable=1`` connection takes no locks, and closing it drops this
    process's POSIX locks on the file — the store's — so another terminal could checkpoint and
    delete the WAL under it (seen: a meeting just created "not found", then "disk I/O error")."""
    import sqlite3

    from kickoff_tui.core import peek

    store.close()  # no connection left: no -wal beside the file, where immutable would be used
    opened: list[str] = []
    real = sqlite3.connect

    def connect(where, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        opened.append(str(where))
        return real(where, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    assert peek.peek_snapshot(db_url, meeting.id) is not None
    assert opened and not any("immutable" in w for w in opened), opened
