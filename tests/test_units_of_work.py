"""Every action is one unit of work (issue 17 point 1): it reads what it decides on and writes
every row inside one transaction. A fault injected into the last write of an action (a trigger
that aborts it) leaves no row changed at all; the retry after the fault is gone applies exactly
once; a press that no longer applies is refused with one line, never applied twice. On a SQLite
file and on PostgreSQL."""

from __future__ import annotations

import pendulum
import pytest
from sqlalchemy.exc import DBAPIError

from kickoff_tui.core import agenda_edits, timers
from kickoff_tui.core.copy import copy_meeting, delete_meeting
from kickoff_tui.core.errors import InputError, KickoffError, StaleAction
from kickoff_tui.core.facts import apply_fact, parse_fact
from kickoff_tui.core.record import add_lines, list_items, load_snapshot
from kickoff_tui.core.store import Store
from tests.conftest import START
from tests.dbutil import dump


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


T0 = START.in_timezone("UTC")


class Fault:
    """A trigger that aborts one kind of write, on either backend (what a full disk, a lock
    or a dropped connection does to the last statement of a transaction)."""

    def __init__(self, store: Store, table: str, when: str, op: str = "INSERT") -> None:
        self.store, self.table = store, table
        with store.engine.begin() as conn:
            if store.is_sqlite:
                conn.exec_driver_sql(
                    f"CREATE TRIGGER inject_fault BEFORE {op} ON {table} WHEN {when} "
                    "BEGIN SELECT RAISE(ABORT, 'injected'); END"
                )
            else:
                conn.exec_driver_sql(
                    "CREATE FUNCTION inject_fault() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'injected'; END $$"
                )
                conn.exec_driver_sql(
                    f"CREATE TRIGGER inject_fault BEFORE {op} ON {table} FOR EACH ROW "
                    f"WHEN ({when}) EXECUTE FUNCTION inject_fault()"
                )

    def remove(self) -> None:
        with self.store.engine.begin() as conn:
            if self.store.is_sqlite:
                conn.exec_driver_sql("DROP TRIGGER inject_fault")
            else:
                conn.exec_driver_sql(f"DROP TRIGGER inject_fault ON {self.table}")
                conn.exec_driver_sql("DROP FUNCTION inject_fault()")


def fails_whole(store: Store, db_url: str, action) -> dict:
    """Run ``action``, which must fail on the injected fault, and prove nothing changed."""
    before = dump(db_url)
    with pytest.raises(DBAPIError, match="injected"):
        action()
    assert dump(db_url) == before
    return before


def running(store: Store, meeting_id: str, *, blocks: int = 2) -> pendulum.DateTime:
    """Start the meeting and open ``blocks`` blocks, 10 minutes each; returns the time."""
    now = T0
    timers.start(store, meeting_id, now)
    for _ in range(blocks - 1):
        now = now.add(minutes=10)
        timers.step(store, meeting_id, 1, now)
    return now


def parking(store: Store, meeting_id: str) -> list[str]:
    return [i.text for i in list_items(store, meeting_id, "question")]


def test_ending_with_its_last_write_failing_changes_nothing_and_the_retry_parks_once(
    store, meeting, db_url
):
    now = running(store, meeting.id)
    fault = Fault(store, "timer_event", "NEW.kind = 'meeting-ended'")
    fails_whole(store, db_url, lambda: timers.end(store, meeting.id, now))
    fails_whole(store, db_url, lambda: timers.end(store, meeting.id, now))  # retried: same
    fault.remove()
    assert timers.end(store, meeting.id, now) == 6  # 8 blocks, 2 opened
    parked = parking(store, meeting.id)
    assert len(parked) == 6 and len(set(parked)) == 6
    snap = load_snapshot(store, meeting.id)
    assert [e.kind for e in snap.events].count("meeting-ended") == 1
    assert snap.meeting.status == "ended"
    assert [b.status for b in snap.blocks] == ["done", "done"] + ["skipped"] * 6
    # Pressing end again (the other terminal, or a retry whose commit did land): once only.
    after = dump(db_url)
    assert timers.end(store, meeting.id, now.add(minutes=1)) == 0
    with pytest.raises(StaleAction, match="already ended"):
        timers.end(store, meeting.id, now, expect_block=snap.blocks[1].id)
    assert dump(db_url) == after
    assert len(parking(store, meeting.id)) == 6


@pytest.mark.slow  # real processes: the full suite runs it
def test_next_after_the_last_block_ends_in_the_same_unit(store, meeting, db_url):
    now = running(store, meeting.id, blocks=8)
    fault = Fault(store, "timer_event", "NEW.kind = 'meeting-ended'")
    fails_whole(store, db_url, lambda: timers.step(store, meeting.id, 1, now.add(minutes=5)))
    fault.remove()
    assert timers.step(store, meeting.id, 1, now.add(minutes=5)) == "ended"
    assert load_snapshot(store, meeting.id).meeting.status == "ended"


def test_a_rebalance_whose_last_write_fails_changes_nothing_and_applies_once(
    store, meeting, db_url
):
    now = running(store, meeting.id).add(minutes=25)  # block 2 ran 25 of its 15 minutes
    snap = load_snapshot(store, meeting.id)
    proposal = timers.propose(snap, timers.meeting_time(snap, now))
    assert proposal is not None and proposal.saves_min > 0
    last = max(proposal.plan, key=lambda bid: snap.block(bid).position)
    fault = Fault(store, "block", f"NEW.id = {last} AND NEW.replanned_seconds IS NOT NULL",
                  op="UPDATE")  # fmt: skip
    fails_whole(store, db_url, lambda: timers.accept(store, proposal))
    fault.remove()
    planned = {b.id: b.planned_minutes for b in load_snapshot(store, meeting.id).blocks}
    assert timers.accept(store, proposal)
    blocks = load_snapshot(store, meeting.id).blocks
    seconds = {b.id: b.replanned_seconds for b in blocks}
    assert {bid: seconds[bid] for bid in proposal.plan} == proposal.plan
    # The plan agreed before the meeting stays for the record (planned vs replanned).
    assert {b.id: b.planned_minutes for b in blocks} == planned
    after = dump(db_url)
    # Accepting the same proposal again (a double press, a retry) would shorten twice: refused.
    with pytest.raises(StaleAction, match="agenda changed"):
        timers.accept(store, proposal)
    assert dump(db_url) == after


def test_an_agenda_edit_whose_last_write_fails_changes_nothing_and_applies_once(
    store, meeting, db_url
):
    blocks = load_snapshot(store, meeting.id).blocks
    titles = [b.title for b in blocks]
    # Moving block 7 to the front renumbers 7 rows; the fault hits the last of them.
    fault = Fault(store, "block", f"NEW.id = {blocks[6].id} AND NEW.position = 0", op="UPDATE")
    move = lambda: agenda_edits.move_block(store, meeting.id, 7, 1, expect_uid=blocks[6].uid)  # noqa: E731
    fails_whole(store, db_url, move)
    fault.remove()
    move()
    after = [b.title for b in load_snapshot(store, meeting.id).blocks]
    assert after == [titles[6], *titles[:6], titles[7]]
    before = dump(db_url)
    with pytest.raises(StaleAction, match="block 7 is now"):  # the same press again
        move()
    assert dump(db_url) == before


def test_agenda_edits_keep_the_agenda_whole(store, meeting, db_url):
    mid = meeting.id
    block = agenda_edits.add_block(store, mid, "Security review", 5, kind="risks", after=2)
    snap = load_snapshot(store, mid)
    assert [b.position for b in snap.blocks] == list(range(9))
    assert snap.blocks[2].uid == block.uid
    agenda_edits.rename_block(store, mid, 3, "Security & privacy", expect_uid=block.uid)
    agenda_edits.set_minutes(store, mid, 3, 7)
    assert agenda_edits.fit_agenda(store, mid)  # 97 planned into a 90-minute box
    snap = load_snapshot(store, mid)
    assert sum(b.planned_minutes for b in snap.blocks) == snap.meeting.planned_minutes
    agenda_edits.remove_block(store, mid, 3)
    assert [b.position for b in load_snapshot(store, mid).blocks] == list(range(8))
    running(store, mid)
    before = dump(db_url)
    for bad in (
        lambda: agenda_edits.remove_block(store, mid, 1),  # has run
        lambda: agenda_edits.remove_block(store, mid, 99),
        lambda: agenda_edits.move_block(store, mid, 1, 0),
        lambda: agenda_edits.set_minutes(store, mid, 1, 0),
        lambda: agenda_edits.add_block(store, mid, "  ", 5),
        lambda: agenda_edits.add_block(store, mid, "X", 5, kind="party"),
    ):
        with pytest.raises(InputError):
            bad()
    assert dump(db_url) == before


def test_two_terminals_press_next_from_the_same_block_it_moves_once(store, meeting, db_url):
    now = running(store, meeting.id, blocks=1)
    first = load_snapshot(store, meeting.id).blocks[0]
    other = Store.open(db_url)
    assert timers.step(store, meeting.id, 1, now.add(minutes=3), expect_block=first.id) == "moved"
    before = dump(db_url)
    with pytest.raises(StaleAction) as refused:  # pressed in the other terminal, same view
        timers.step(other, meeting.id, 1, now.add(minutes=3), expect_block=first.id)
    assert "block 2" in str(refused.value) and "\n" not in str(refused.value)
    assert isinstance(refused.value, KickoffError)
    with pytest.raises(StaleAction):
        timers.extend(other, meeting.id, now.add(minutes=3), expect_block=first.id)
    with pytest.raises(StaleAction, match="already paused"):
        timers.toggle_pause(store, meeting.id, now.add(minutes=4), expect_paused=False)
        timers.toggle_pause(other, meeting.id, now.add(minutes=4), expect_paused=False)
    other.close()
    snap = load_snapshot(store, meeting.id)
    assert [e.kind for e in snap.events] == ["block-started", "block-started", "paused"]
    assert len(dump(db_url)["timer_event"]) == len(before["timer_event"]) + 1


def test_copy_and_delete_are_whole(store, meeting, db_url, tmp_path):
    running(store, meeting.id)
    add_lines(store, meeting, "action", ["one @maria", "two"])
    target = Store.open("sqlite:///" + str(tmp_path / "target.db"))
    fault = Fault(target, "timer_event", "1 = 1")  # the copy's events come after its items
    before = dump(target.url)
    with pytest.raises(DBAPIError, match="injected"):
        copy_meeting(store, target, meeting.id)
    assert dump(target.url) == before
    fault.remove()
    assert copy_meeting(store, target, meeting.id).counts["item"] == 2
    fault = Fault(store, "meeting", "1 = 1", op="DELETE")
    fails_whole(store, db_url, lambda: delete_meeting(store, meeting.id))
    fault.remove()
    delete_meeting(store, meeting.id)
    assert all(not rows for name, rows in dump(db_url).items()
               if name not in ("change_log", "kickoff_meta"))  # fmt: skip
    target.close()


def test_a_role_fact_reads_and_writes_in_one_unit(store, meeting):
    snap = load_snapshot(store, meeting.id)
    people = [(a.id, a.name) for a in snap.attendees]
    first = parse_fact("role @dana champion", snap.meeting, people)
    second = parse_fact("role @dana escalation-contact", snap.meeting, people)
    # Both lines were parsed against the same view; each adds its role to what is stored.
    apply_fact(store, snap.meeting, first, by="facilitator")
    apply_fact(store, snap.meeting, second, by="note-taker")
    dana = next(a for a in load_snapshot(store, meeting.id).attendees if a.name == "Dana Kim")
    assert dana.role_list == ["technical-owner", "champion", "escalation-contact"]
