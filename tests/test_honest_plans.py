"""Honest plans (issue 10 point 4): the record keeps, per block, the minutes planned before the
meeting, the minutes the meeting replanned them to (a rebalance works in seconds and takes
exactly what is behind) and the minutes each block actually ran.

The Agenda section of the Markdown record after a rebalance is compared to a golden file
(``UPDATE_GOLDEN=1`` rewrites it after an intended change)."""

from __future__ import annotations

import os
from pathlib import Path

import pendulum

from kickoff_tui.core import agenda_edits, timers
from kickoff_tui.core.agenda import get_template, rebalance_seconds
from kickoff_tui.core.export.markdown import render_markdown
from kickoff_tui.core.record import add_attendee, create_meeting, load_snapshot
from kickoff_tui.core.store import Store

GOLDEN = Path(__file__).parent / "golden" / "agenda_after_rebalance.md"
TZ = "Europe/Berlin"
START = pendulum.datetime(2026, 11, 24, 15, 0, tz=TZ)
T0 = START.in_timezone("UTC")


def agenda_section(markdown: str) -> str:
    start = markdown.index("## Agenda")
    end = markdown.index("\n## ", start + 1)
    return markdown[start:end].rstrip() + "\n"


def test_rebalance_seconds_takes_exactly_what_is_behind():
    assert rebalance_seconds([600, 1200], 1800) == [600, 1200]  # fits: unchanged
    assert rebalance_seconds([600, 1200], 1800 - 68) == [577, 1155]  # 68 s, in proportion
    assert sum(rebalance_seconds([480, 720, 960], 2160 - 68)) == 2160 - 68
    assert rebalance_seconds([600, 1200], 30) == [60, 60]  # minimums: the caller shows it
    assert rebalance_seconds([], 600) == []


def test_the_record_after_a_rebalance_keeps_planned_replanned_and_actual(tmp_path):
    store = Store.open("sqlite:///" + str(tmp_path / "k.db"))
    m = create_meeting(store, "Acme GmbH", get_template("kickoff-90"), START, TZ)
    add_attendee(store, m.id, "Sam Rivera", side="ours")
    agenda_edits.set_presenter(store, m.id, 2, "@sam")
    timers.start(store, m.id, T0)
    # Block 1 (8 min) runs 9:08: the meeting is 1:08 behind. The rebalance takes 68 seconds
    # from the blocks still to come, not two whole minutes.
    late = T0.add(minutes=9, seconds=8)
    snap = load_snapshot(store, m.id)
    proposal = timers.propose(snap, timers.meeting_time(snap, late))
    assert proposal is not None and proposal.saves_s == 68 and proposal.saves_min == 1
    assert timers.accept(store, proposal)
    snap = load_snapshot(store, m.id)
    assert abs(timers.meeting_time(snap, late).behind_s) < 1
    assert [b.planned_minutes for b in snap.blocks] == [8, 12, 16, 16, 12, 8, 8, 10]
    replanned = [b.replanned_seconds for b in snap.blocks]
    assert replanned[0] is None and sum(r for r in replanned[1:] if r) == (90 - 8) * 60 - 68
    timers.step(store, m.id, 1, late, expect_block=snap.blocks[0].id)
    timers.extend(store, m.id, late.add(minutes=5), seconds=120)
    timers.step(store, m.id, 1, late.add(minutes=14))
    timers.end(store, m.id, late.add(minutes=30))

    record = render_markdown(load_snapshot(store, m.id), now=late.add(hours=1))
    store.close()
    got = agenda_section(record)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(got, encoding="utf-8")
    assert got == GOLDEN.read_text(encoding="utf-8")
