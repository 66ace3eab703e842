"""Series (issue 11 part 6): `kickoff new … --after ID` links a follow-up to the meeting before
it; its "Since last time" lists every open action, risk and question of the series — the same
items, not copies: done in meeting 2 shows done in meeting 1's record, and each record shows the
item's history. The check-in and first-week templates ship."""

from __future__ import annotations

import pendulum
import pytest

from kickoff_tui.core import series
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.export.markdown import render_markdown
from kickoff_tui.core.ledger import Filters, query
from kickoff_tui.core.readmodel import build_record
from kickoff_tui.core.record import (
    add_attendee,
    add_item,
    create_meeting,
    list_items,
    load_snapshot,
    parse_line,
)
from tests.dbutil import dump
from tests.dbutil import run_cli as kickoff

START = pendulum.datetime(2026, 12, 1, 15, tz="Europe/Berlin")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def kickoff_meeting(store):
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    add_attendee(store, m.id, "Maria Lopez", side="theirs", email="maria@acme.example")
    add_attendee(store, m.id, "Sam Patel", side="ours")
    for kind, line in (
        ("action", "Share API keys @maria due:2026-12-04"),  # 1
        ("action", "Send the SOW @sam due:2026-12-03 status:done"),  # 2: done, not carried
        ("risk", "Budget freeze @sam"),  # 3
        ("question", "Which SSO provider?"),  # 4
        ("decision", "Go live in March"),  # 5: not carried
        ("action", "Book rooms @maria #internal"),  # 6
    ):
        add_item(store, m, kind, parse_line(store, m, line))
    return m


def test_series_identity_done_in_meeting_two_shows_in_meeting_one(store, kickoff_meeting):
    k1 = kickoff_meeting
    m2 = create_meeting(store, "Acme Corp", get_template("check-in"), START.add(days=7),
                        "Europe/Berlin", after=k1)  # fmt: skip
    assert (m2.after_id, m2.series_id) == (k1.id, k1.id)
    snap2 = load_snapshot(store, m2.id)
    assert [b.kind for b in snap2.blocks][0] == "since-last-time"
    assert [a.name for a in snap2.attendees] == ["Maria Lopez", "Sam Patel"]  # same people
    rec2 = build_record(snap2)
    assert [(i.meeting_id, i.number) for i in rec2.carried] == [(k1.id, n) for n in (1, 3, 4, 6)]
    ids_in_one = {i.ident for i in build_record(load_snapshot(store, k1.id)).items}
    assert {i.ident for i in rec2.carried} <= ids_in_one  # the same identities: not copies
    assert rec2.carried[0].owner_label == "Maria Lopez"  # matched to meeting 2's attendee

    share = series.find(store, f"{k1.id}#1")
    series.mark(store, share.id, "done", in_meeting=m2.id, by="facilitator")
    budget = series.find(store, "#3", load_snapshot(store, m2.id).meeting)
    series.mark(store, budget.id, "slip", in_meeting=m2.id, due=pendulum.date(2026, 12, 20))
    sso = series.find(store, f"{k1.id}#4")
    series.mark(store, sso.id, "drop", in_meeting=m2.id)
    assert len(list_items(store, m2.id)) == 0  # nothing was copied into meeting 2

    rec1 = build_record(load_snapshot(store, k1.id))
    by_number = {i.number: i for i in rec1.items}
    assert not by_number[1].is_open and by_number[4].resolution == "dropped"
    assert by_number[3].due == pendulum.date(2026, 12, 20) and by_number[3].is_open
    assert by_number[1].events[0].what == "done" and by_number[1].events[0].meeting_id == m2.id
    md1 = render_markdown(rec1)
    assert "## Item history" in md1 and f"done in {m2.id}" in md1
    assert "slipped from no date to 2026-12-20" in md1

    md2 = render_markdown(load_snapshot(store, m2.id))
    since = md2.split("## Since last time")[1].split("\n## ")[0]
    assert f"{k1.id}\\#1" in since and "| done |" in since  # closed here: still listed here
    assert "| dropped |" in since and "Book rooms *(internal)*" in since
    # The ledger sees the one row, changed.
    ledger = query(store, Filters(open_only=True), today=pendulum.date(2026, 12, 9))
    assert sorted(e.number for e in ledger) == [3, 6]

    # A third meeting of the series carries what is still open, from the first meeting.
    m3 = create_meeting(store, "Acme Corp", get_template("first-week"), START.add(days=14),
                        "Europe/Berlin", after=m2)  # fmt: skip
    assert m3.series_id == k1.id
    rec3 = build_record(load_snapshot(store, m3.id))
    assert [i.number for i in rec3.carried] == [3, 6]


def test_since_on_the_command_line_and_its_errors(store, kickoff_meeting, db_url):
    k1 = kickoff_meeting
    r = kickoff("new", "Acme Corp", "--after", k1.id[:6], "--start", "2026-12-08T15:00",
                "--db", db_url)  # fmt: skip
    assert r.returncode == 0, r.stderr
    m2 = r.stdout.strip()
    meeting = load_snapshot(store, m2).meeting
    assert meeting.template == "check-in" and meeting.tz == "Europe/Berlin"
    r = kickoff("since", m2, "--db", db_url)
    assert [line.split("\t")[0] for line in r.stdout.splitlines()] == [
        f"{k1.id}#{n}" for n in (1, 3, 4, 6)]  # fmt: skip
    before = dump(db_url)
    for args, message in (
        (("#1",), "say what happened to it"),
        (("#1", "finish"), "unknown step 'finish'"),
        (("#1", "slip", "soon"), "cannot read the new date 'soon'"),
        (("#1", "done", "2026-12-01"), "one word too many"),
        (("#2", "done"), "no carried item #2"),
        (("nobody#1", "done"), "no meeting 'nobody'"),
    ):
        r = kickoff("since", m2, *args, "--db", db_url)
        assert r.returncode == 2 and message in r.stderr, (args, r.stderr)
    assert dump(db_url) == before
    r = kickoff("since", m2, "#1", "slip", "2026-12-11", "--db", db_url)
    assert r.returncode == 0 and "slipped from 2026-12-04 to 2026-12-11" in r.stdout
    r = kickoff("new", "Acme Corp", "--after", "nobody", "--db", db_url)
    assert r.returncode == 2 and "no meeting 'nobody'" in r.stderr
    # `kickoff done MEETING#N` (issue 10's command) changes the same row: gone from the list,
    # and its history says so.
    r = kickoff("done", f"{k1.id}#3", "--db", db_url)
    assert r.returncode == 0, r.stderr
    r = kickoff("since", m2, "--db", db_url)
    assert [line.split("\t")[0] for line in r.stdout.splitlines()] == [
        f"{k1.id}#{n}" for n in (1, 4, 6)]  # fmt: skip
    risk = next(i for i in build_record(load_snapshot(store, k1.id)).items if i.number == 3)
    assert [e.what for e in risk.events] == ["done"] and not risk.is_open


def test_check_in_and_first_week_templates_fit_their_box():
    for name, minutes in (("check-in", 30), ("first-week", 20)):
        t = get_template(name)
        assert t.minutes == minutes and t.overrun <= 0
        assert t.blocks[0].kind == "since-last-time"


async def test_the_follow_up_cockpit_shows_since_last_time_and_follows_changes(
    store, kickoff_meeting, clock
):
    """The follow-up's first block lists the series' open items (markup shown as typed); a
    change made from the follow-up reloads the list in its open cockpit."""
    import asyncio

    from tests.test_block_views import cockpit, show, text

    k1 = kickoff_meeting
    add_item(store, k1, "action", parse_line(store, k1, "Fix [b]SSO[/b] [/] @sam"))
    m2 = create_meeting(store, "Acme Corp", get_template("check-in"), START.add(days=7),
                        "Europe/Berlin", after=k1)  # fmt: skip
    async with cockpit(store, m2, clock) as pilot:
        v = await show(pilot, "since-last-time")
        shown = text(v)
        assert "Since last time (5)" in shown
        assert f"{k1.id}#1 action Share API keys @Maria Lopez" in shown
        assert "Fix [b]SSO[/b] [/]" in shown
        share = series.find(store, f"{k1.id}#1")
        await asyncio.to_thread(series.mark, store, share.id, "done", in_meeting=m2.id)
        for _ in range(100):
            await pilot.pause(0.05)
            if "Since last time (4)" in text(v):
                break
        assert "Since last time (4)" in text(v)
