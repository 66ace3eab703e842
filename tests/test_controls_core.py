"""Issue 10 core: an agenda that bends (presenter, replans once running), an end that can be
undone the same day (clocks resume from stored events), people updated instead of duplicated.
On a SQLite file and on PostgreSQL; every refusal leaves the store exactly as it was."""

from __future__ import annotations

import pendulum
import pytest

from kickoff_tui.core import agenda_edits, timers
from kickoff_tui.core.attendees import put_attendee, remove_attendee
from kickoff_tui.core.clock import standing_end
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.record import (
    add_attendee,
    add_item,
    list_items,
    load_snapshot,
    parse_line,
    set_answer,
    update_attendee,
)
from tests.conftest import START
from tests.dbutil import dump

T0 = START.in_timezone("UTC")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


def refused(db_url: str, action, match: str) -> None:
    before = dump(db_url)
    with pytest.raises(InputError, match=match):
        action()
    assert dump(db_url) == before


def test_presenter_is_an_attendee_named_as_owners_are(store, meeting, db_url):
    block = agenda_edits.set_presenter(store, meeting.id, 2, "@maria")
    assert block.presenter == "Maria Lopez"
    add_attendee(store, meeting.id, "Maria Schmidt", side="ours")
    refused(db_url, lambda: agenda_edits.set_presenter(store, meeting.id, 3, "@maria"), "Maria")
    refused(db_url, lambda: agenda_edits.set_presenter(store, meeting.id, 3, "@zoe"), "not an att")
    refused(db_url, lambda: agenda_edits.set_presenter(store, meeting.id, 99, "@dana"), "no block")
    assert agenda_edits.set_presenter(store, meeting.id, 2, "").presenter is None


def test_minutes_changed_once_running_are_a_replan_and_the_plan_stays(store, meeting):
    agenda_edits.set_minutes(store, meeting.id, 3, 25)  # before the meeting: the plan itself
    assert load_snapshot(store, meeting.id).blocks[2].planned_minutes == 25
    timers.start(store, meeting.id, T0)
    agenda_edits.set_minutes(store, meeting.id, 3, 12)  # during it: a replan
    b = load_snapshot(store, meeting.id).blocks[2]
    assert (b.planned_minutes, b.replanned_seconds) == (25, 12 * 60)
    snap = load_snapshot(store, meeting.id)
    assert timers.meeting_time(snap, T0).blocks[b.id].planned_s == 12 * 60
    # a block added during the meeting was never in the plan
    new = agenda_edits.add_block(store, meeting.id, "Security review", 5, after=3)
    assert (new.planned_minutes, new.replanned_seconds) == (0, 5 * 60)
    snap = load_snapshot(store, meeting.id)
    assert timers.meeting_time(snap, T0).blocks[new.id].planned_s == 5 * 60


def test_a_fit_during_the_meeting_clears_the_overrun_finding(store, meeting):
    from kickoff_tui.core.checks import run_checks

    agenda_edits.add_block(store, meeting.id, "Security review", 10)  # 100 in a 90-min box
    timers.start(store, meeting.id, T0)
    ids = lambda: {f.id for f in run_checks(load_snapshot(store, meeting.id), T0)}  # noqa: E731
    assert "agenda-overrun" in ids()
    agenda_edits.fit_agenda(store, meeting.id)  # a replan: the plan itself stays
    assert sum(b.planned_minutes for b in load_snapshot(store, meeting.id).blocks) == 100
    assert "agenda-overrun" not in ids()


def test_a_rebalance_takes_exactly_what_is_behind_in_seconds(store, meeting):
    timers.start(store, meeting.id, T0)
    first = load_snapshot(store, meeting.id).blocks[0]
    now = T0.add(seconds=first.planned_minutes * 60 + 68)  # 1:08 over
    snap = load_snapshot(store, meeting.id)
    proposal = timers.propose(snap, timers.meeting_time(snap, now))
    assert proposal is not None
    assert proposal.saves_s == 68  # not two whole minutes
    assert timers.accept(store, proposal)
    snap = load_snapshot(store, meeting.id)
    mt = timers.meeting_time(snap, now)
    assert abs(mt.behind_s) < 1
    assert all(b.planned_minutes for b in snap.blocks)  # the original plan is kept


def ended(store, meeting_id: str) -> pendulum.DateTime:
    timers.start(store, meeting_id, T0)
    timers.step(store, meeting_id, 1, T0.add(minutes=10))
    end_at = T0.add(minutes=20)
    assert timers.end(store, meeting_id, end_at) == 6  # blocks 3..8 never opened
    return end_at


def test_reopen_undoes_an_end_and_the_clock_resumes_from_stored_events(store, meeting, db_url):
    end_at = ended(store, meeting.id)
    parked = [i for i in list_items(store, meeting.id) if i.text.startswith("Parking lot")]
    assert len(parked) == 6
    back = timers.reopen(store, meeting.id, end_at.add(minutes=30))
    assert back == timers.Reopened(6, load_snapshot(store, meeting.id).blocks[1].title)
    snap = load_snapshot(store, meeting.id)
    assert snap.meeting.status == "running"
    assert [b.status for b in snap.blocks][:3] == ["done", "active", "pending"]
    assert not [i for i in list_items(store, meeting.id) if i.text.startswith("Parking lot")]
    mt = timers.meeting_time(snap, end_at.add(minutes=35))
    assert not mt.ended and mt.current_block_id == snap.blocks[1].id
    # block 2 ran 10 minutes before the end, and 5 since the reopen: the 30 between are not time
    assert mt.current.elapsed_s == 15 * 60
    assert standing_end(snap.events) is None  # the checks and the record see it running
    # and it ends again as usual; that end is the one that stands
    assert timers.end(store, meeting.id, end_at.add(minutes=40)) == 6
    snap = load_snapshot(store, meeting.id)
    assert snap.meeting.status == "ended"
    assert standing_end(snap.events) == end_at.add(minutes=40)


def test_reopen_is_refused_unless_ended_the_same_day(store, meeting, db_url):
    refused(db_url, lambda: timers.reopen(store, meeting.id, T0), "has not started")
    timers.start(store, meeting.id, T0)
    refused(db_url, lambda: timers.reopen(store, meeting.id, T0), "still running")
    end_at = T0.add(minutes=20)
    timers.end(store, meeting.id, end_at)
    next_day = end_at.in_timezone(meeting.tz).add(days=1).start_of("day").add(hours=9)
    refused(db_url, lambda: timers.reopen(store, meeting.id, next_day), "only the day it ended")


def test_attendee_put_updates_the_person_with_that_name(store, meeting, db_url):
    done = put_attendee(store, meeting.id, "maria  LOPEZ", title="COO", roles=["champion"])
    assert not done.created and done.changed == ("title", "roles")
    assert done.describe() == "updated Maria Lopez (theirs): title, roles"
    snap = load_snapshot(store, meeting.id)
    assert len([a for a in snap.attendees if a.name.lower() == "maria lopez"]) == 1
    again = put_attendee(store, meeting.id, "maria LOPEZ", title="COO")
    assert again.changed == () and "nothing changed" in again.describe()
    moved = put_attendee(store, meeting.id, "Sam Patel", side="theirs", present=False)
    assert moved.changed == ("side", "present")
    new = put_attendee(store, meeting.id, "Li Wei", side="ours")
    assert new.created
    refused(db_url, lambda: add_attendee(store, meeting.id, "Li  wei", side="ours"), "already")
    # a namesake on the other side is another person; then the side must be said
    assert add_attendee(store, meeting.id, "Li Wei", side="theirs").side == "theirs"
    refused(db_url, lambda: put_attendee(store, meeting.id, "Li Wei", title="X"), "both sides")
    assert put_attendee(store, meeting.id, "Li Wei", side="theirs", title="CTO").changed == (
        "title",
    )
    # renaming (the cockpit's people editor) or moving someone onto a namesake is refused too
    sam = next(a for a in load_snapshot(store, meeting.id).attendees if a.name == "Sam Patel")
    refused(db_url, lambda: update_attendee(store, sam.id, name="li WEI"), "already")
    ours = next(
        a for a in load_snapshot(store, meeting.id).attendees
        if a.name == "Li Wei" and a.side == "ours"
    )  # fmt: skip
    refused(db_url, lambda: update_attendee(store, ours.id, side="theirs"), "already")
    assert update_attendee(store, sam.id, name="Samuel Patel").name == "Samuel Patel"


def test_remove_attendee_keeps_their_items_flagged_and_refuses_one_who_answered(
    store, meeting, db_url
):
    m = meeting
    add_item(store, m, "action", parse_line(store, m, "Send keys @dana"))
    said = remove_attendee(store, m.id, "@dana")
    assert "removed Dana Kim" in said and "1 item(s)" in said
    (item,) = list_items(store, m.id)
    assert item.owner == "Dana Kim" and item.owner_attendee_id is None and not item.owner_known
    maria = next(a for a in load_snapshot(store, m.id).attendees if a.name == "Maria Lopez")
    set_answer(store, m.id, maria.id, 1, "Go live before Q2")
    refused(db_url, lambda: remove_attendee(store, m.id, "maria"), "absent instead")
    refused(db_url, lambda: remove_attendee(store, m.id, "zoe"), "not an attendee")
