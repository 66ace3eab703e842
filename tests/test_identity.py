"""Stable identity (issue 15 point 5): every meeting, item, attendee and answer has a uid from
its creation; ``kickoff copy`` and every export keep it (calendar UIDs, JSON ids, the CSV id);
people type the per-meeting number; copying the same meeting twice updates the copy. The target
store is a SQLite file or a PostgreSQL database that already holds other meetings."""

from __future__ import annotations

import csv
import io
import json

import icalendar
import pendulum
import pytest

from kickoff_tui.core import timers
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.copy import copy_meeting
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.export import pack
from kickoff_tui.core.record import (
    add_attendee,
    add_lines,
    create_meeting,
    find_item,
    list_items,
    load_snapshot,
    set_answer,
    update_item,
    update_meeting,
)
from kickoff_tui.core.store import Store
from tests.conftest import START

NOW = START.add(hours=3)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """The target store; the source is always a SQLite file."""
    return request.param


def fill(store: Store, client: str, actions: list[str]) -> str:
    m = create_meeting(store, client, get_template("kickoff-90"), START, "Europe/Berlin")
    maria = add_attendee(store, m.id, "María López", roles=["decision-maker"])
    add_lines(store, m, "action", [f"{a} @maría due:2026-11-27" for a in actions])
    assert maria.id is not None
    set_answer(store, m.id, maria.id, 2, f"{client} succeeds")
    update_meeting(
        store, m.id, next_meeting_utc=START.add(days=7).in_timezone("UTC"),
        first_value_goal="First report", first_value_date=pendulum.date(2026, 12, 4),
    )  # fmt: skip
    return m.id


def calendar(store: Store, mid: str) -> dict[str, str]:
    """UID -> summary of every entry of the meeting's calendar file."""
    cal = icalendar.Calendar.from_ical(pack.render(load_snapshot(store, mid), "ics", NOW))
    return {str(c["UID"]): str(c["SUMMARY"]) for c in cal.walk() if c.name in ("VEVENT", "VTODO")}


def exports(store: Store, mid: str) -> dict[str, bytes]:
    snap = load_snapshot(store, mid)
    return {fmt: pack.render(snap, fmt, NOW) for fmt in ("ics", "csv", "json", "md")}


def test_every_row_gets_an_identity_and_items_a_number_at_creation(store, meeting):
    add_lines(store, meeting, "risk", ["SSO may slip"])
    add_lines(store, meeting, "action", ["one", "two"])
    other = create_meeting(store, "Other", get_template("kickoff-90"), START, "UTC")
    add_lines(store, other, "action", ["elsewhere"])
    snap = load_snapshot(store, meeting.id)
    rows = [snap.meeting, *snap.blocks, *snap.attendees, *snap.items]
    assert len({r.uid for r in rows}) == len(rows) and all(len(r.uid) == 36 for r in rows)
    assert [i.number for i in snap.items] == [1, 2, 3]
    assert [i.number for i in list_items(store, other.id)] == [1]  # per meeting
    assert find_item(store, meeting.id, 2).text == "one"
    with pytest.raises(InputError, match="no item #9"):
        find_item(store, meeting.id, 9)
    # Ending adds parking-lot items: numbered on, in the same transaction.
    timers.start(store, meeting.id, START)
    timers.end(store, meeting.id, START.add(minutes=5))
    assert [i.number for i in list_items(store, meeting.id)] == list(range(1, 11))


def test_identity_survives_a_copy_into_a_non_empty_store(db_url, tmp_path):
    source = Store.open("sqlite:///" + str(tmp_path / "source.db"))
    fill(source, "Early Co", ["Early one", "Early two"])  # so the source's row ids differ
    mid = fill(source, "Acme Corp", ["Check logs", "Send recap"])
    target = Store.open(db_url)
    fill(target, "Busy Target", ["Target one", "Target two", "Target three"])
    # The issue: after a copy, "…-action-3" named "Check logs" in one file and "Send recap" in
    # the other. Now every export of the copy is the source's, byte for byte.
    before = exports(source, mid)
    copy_meeting(source, target, mid)
    assert exports(target, mid) == before
    src_ids = {i.text: i.id for i in list_items(source, mid)}
    dst_ids = {i.text: i.id for i in list_items(target, mid)}
    assert src_ids != dst_ids  # the row ids differ; nothing shows them
    check = next(i for i in list_items(source, mid) if i.text == "Check logs")
    assert calendar(target, mid)[f"{check.uid}@kickoff-tui"] == "Check logs"
    rows = list(csv.DictReader(io.StringIO(before["csv"].decode("utf-8-sig"), newline="")))
    assert {r["id"]: r["title"] for r in rows} == {i.uid: i.text for i in list_items(target, mid)}
    crm = json.loads(before["json"])
    assert [s["id"] for s in crm["next_steps"]] == [i.uid for i in list_items(target, mid)]
    source.close()
    target.close()


def test_copying_again_updates_the_copy_and_a_re_export_updates_the_calendar(db_url, tmp_path):
    source = Store.open("sqlite:///" + str(tmp_path / "source.db"))
    mid = fill(source, "Acme Corp", ["Check logs", "Send recap"])
    target = Store.open(db_url)
    fill(target, "Busy Target", ["Target one"])
    copy_meeting(source, target, mid)
    first = calendar(target, mid)
    # Meanwhile: the source edits one action and adds one; the copy captures one of its own.
    check = next(i for i in list_items(source, mid) if i.text == "Check logs")
    update_item(source, check.id, check.version, text="Check the logs")
    add_lines(source, load_snapshot(source, mid).meeting, "action", ["Book demo due:2026-12-02"])
    add_lines(target, load_snapshot(target, mid).meeting, "action", ["Own one due:2026-12-03"])
    again = copy_meeting(source, target, mid)
    assert again.updated and again.target_id == mid
    items = {i.text: i for i in list_items(target, mid)}
    assert sorted(items) == ["Book demo", "Check the logs", "Own one", "Send recap"]
    assert len({i.number for i in items.values()}) == 4  # no number used twice
    assert items["Check the logs"].uid == check.uid and items["Check the logs"].version == 2
    assert items["Own one"].number == 3  # the copy's own keeps its number
    assert items["Book demo"].number == 4  # the source's 3 was taken: the next free one
    second = calendar(target, mid)
    assert set(first) <= set(second) and len(second) == len(first) + 2
    assert second[f"{check.uid}@kickoff-tui"] == "Check the logs"  # same entry, updated
    # The meeting's own rows were updated, not duplicated.
    snap = load_snapshot(target, mid)
    assert len(snap.attendees) == 1 and len(snap.answers) == 1 and len(snap.blocks) == 8
    assert len([m for m in _meetings(target) if m.startswith("acme-corp")]) == 1
    source.close()
    target.close()


def _meetings(store: Store) -> list[str]:
    from kickoff_tui.core.record import list_meetings

    return [m.id for m in list_meetings(store)]
