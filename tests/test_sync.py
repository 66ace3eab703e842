"""Two terminals on one store (a SQLite file, a PostgreSQL database): the facilitator and the
note-taker see each other's work live."""

from __future__ import annotations

import asyncio

import pytest

from kickoff_tui.core.record import list_items, load_snapshot, update_item
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.item_pane import ItemPane
from kickoff_tui.tui.widgets.notes import RunningNotes
from tests.live_util import settle


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """Every test here runs on a SQLite file and on a PostgreSQL database."""
    return request.param


SIZE = (120, 40)


async def until(pilot, condition, timeout: float = 5.0) -> None:
    """Let both apps run until ``condition()`` holds (the feed polls every 100 ms)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, "condition not met in time"
        await pilot.pause(0.05)


async def type_line(pilot, key: str, text: str) -> None:
    await pilot.press(key)
    pilot.app.screen.query_one(CaptureLine).input.value = text
    await pilot.press("enter")  # Enter saves and closes the line


def pane_texts(app, kind: str) -> list[str]:
    return [i.text for i in app.screen.query_one(f"#pane-{kind}", ItemPane).items]


@pytest.mark.slow
async def test_capture_block_follow_and_conflict_between_two_apps(db_url, meeting, clock):
    fac = KickoffApp(meeting_ref=meeting.id, store=Store.open(db_url), clock=clock, bell=False)
    note = KickoffApp(meeting_ref=meeting.id, store=Store.open(db_url), clock=clock, bell=False,
                      role="note-taker")  # fmt: skip
    async with fac.run_test(size=SIZE) as fp, note.run_test(size=SIZE) as np:
        await fp.pause()
        await np.pause()
        assert "note-taker" in str(note.screen.query_one("#titlebar").render())
        # A capture on either side shows up on the other, in the right pane, with its author.
        await type_line(fp, "a", "Send recap @sam due:fri")
        await type_line(np, "r", "SSO may slip sev:high @dana")
        await until(fp, lambda: pane_texts(note, "action") == ["Send recap"])
        await until(fp, lambda: pane_texts(fac, "risk") == ["SSO may slip"])
        risk = fac.screen.query_one("#pane-risk", ItemPane).items[0]
        assert risk.captured_by == "note-taker"
        # The note-taker follows the facilitator's block; its timer keys do nothing.
        await fp.press("s")
        await until(fp, lambda: note.screen.viewing == fac.screen.viewing is not None)
        first = fac.screen.viewing
        await np.press("n")
        await np.pause()
        assert fac.screen.viewing == first
        await fp.press("n")
        await until(fp, lambda: note.screen.viewing != first)
        assert note.screen.viewing == fac.screen.viewing
        # Both edit the same action: the second save is refused and shown the newer text.
        for app, pilot in ((fac, fp), (note, np)):
            pane = app.screen.query_one("#pane-action", ItemPane)
            pane.focus()
            await pilot.pause()
            await pilot.press("enter")
        fac.screen.query_one(CaptureLine).input.value = "Send recap v2 @sam due:fri"
        await fp.press("enter")
        await settle(fp)  # saved before the note-taker's Enter
        note.screen.query_one(CaptureLine).input.value = "Send recap v3 @sam due:fri"
        await np.press("enter")
        await settle(np)
        line = note.screen.query_one(CaptureLine)
        assert line.input.value == "Send recap v3 @sam due:fri"  # kept, not lost
        assert line.editing is not None and line.editing.text == "Send recap v2"
        [stored] = list_items(fac.store, meeting.id, "action")
        assert stored.text == "Send recap v2"  # the first save stands until the second chooses
        await np.press("enter", "escape")  # knowingly saving over the newer version
        await until(fp, lambda: pane_texts(fac, "action") == ["Send recap v3"])


async def test_second_facilitator_joins_as_note_taker(db_url, meeting, clock):
    one = KickoffApp(meeting_ref=meeting.id, store=Store.open(db_url), clock=clock, bell=False)
    two = KickoffApp(meeting_ref=meeting.id, store=Store.open(db_url), clock=clock, bell=False)
    async with one.run_test(size=SIZE) as p1:
        await settle(p1)  # the first one has joined before the second one looks
        async with two.run_test(size=SIZE) as p2:
            await settle(p2)
            assert one.screen.role == "facilitator" and one.screen.in_control
            assert two.screen.role == "note-taker" and not two.screen.in_control
            assert two.screen.query(RunningNotes)  # a note-taker gets the running notes
            # Taking control is explicit, and both screens show who has it.
            await p2.press("ctrl+t")
            await settle(p2)
            assert two.screen.in_control
            one.screen.beat()
            await settle(p1)
            assert not one.screen.in_control
            assert "⏱" in str(one.screen.query_one("#titlebar").render())


async def test_presence_notices_a_terminal_that_is_gone(db_url, meeting, clock):
    fac = KickoffApp(meeting_ref=meeting.id, store=Store.open(db_url), clock=clock, bell=False)
    note = KickoffApp(meeting_ref=meeting.id, store=Store.open(db_url), clock=clock, bell=False,
                      role="note-taker")  # fmt: skip
    async with fac.run_test(size=SIZE) as fp:
        async with note.run_test(size=SIZE) as np:
            await settle(np)
            fac.screen.beat()
            await settle(fp)
            assert "note-taker@" in str(fac.screen.query_one("#titlebar").render())
            note.screen.on_unmount = lambda: None  # vanish without saying goodbye, like a crash
        clock.advance(seconds=10)
        fac.screen.beat()
        await settle(fp)
        assert "note-taker@" not in str(fac.screen.query_one("#titlebar").render())


def test_running_notes_round_trip(store, meeting):
    from kickoff_tui.core.record import save_block_note

    snap = load_snapshot(store, meeting.id)
    block = snap.blocks[0].id
    save_block_note(store, meeting.id, block, "first [bold] line")
    save_block_note(store, meeting.id, block, "first [bold] line\nsecond")
    notes = load_snapshot(store, meeting.id).notes
    assert [n.text for n in notes] == ["first [bold] line\nsecond"]
    assert update_item  # imported for the conflict test above


async def test_quitting_saves_the_last_keys_of_the_running_notes(db_url, meeting, clock):
    note = KickoffApp(meeting_ref=meeting.id, store=Store.open(db_url), clock=clock, bell=False,
                      role="note-taker")  # fmt: skip
    async with note.run_test(size=SIZE) as pilot:
        await pilot.pause()
        from kickoff_tui.tui.widgets.notes import RunningNotes

        notes = note.screen.query_one(RunningNotes)
        notes.area.focus()
        notes.area.insert("said just before quitting")
        await pilot.pause(0.05)  # well under the 0.4 s save delay
    saved = [n.text for n in load_snapshot(note.store, meeting.id).notes]
    assert saved == ["said just before quitting"]
