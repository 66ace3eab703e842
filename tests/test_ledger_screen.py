"""The ledger screen (issue 11 part 7): `l` in the picker opens it; its filters narrow it; a
commit from another process shows without a key pressed (live-synced like the cockpit)."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pendulum
import pytest
import time_machine

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.record import add_attendee, add_item, create_meeting, parse_line
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.screens.ledger import LedgerScreen

pytestmark = pytest.mark.tui


@pytest.fixture
def filled(store):
    start = pendulum.datetime(2026, 12, 1, 15, tz="Europe/Berlin")
    acme = create_meeting(store, "Acme Corp", get_template("kickoff-90"), start, "Europe/Berlin")
    nord = create_meeting(store, "Nordwind AG", get_template("kickoff-90"), start.add(days=1),
                          "Europe/Berlin")  # fmt: skip
    add_attendee(store, acme.id, "Maria Lopez", side="theirs")
    for m, kind, line in (
        (acme, "action", "Send the [b]SOW[/b] @maria due:2026-12-05"),
        (acme, "risk", "Budget freeze [/]"),
        (nord, "action", "Share the plan side:us due:2026-12-20"),
        (nord, "action", "Old one side:us status:done"),
    ):
        add_item(store, m, kind, parse_line(store, m, line))
    return acme, nord


async def wait_loads(pilot, screen: LedgerScreen, at_least: int) -> None:
    for _ in range(200):
        await pilot.pause(0.05)
        if screen.loads >= at_least:
            await pilot.pause()
            return
    raise AssertionError(f"the ledger loaded {screen.loads} times, expected {at_least}")


def cells(screen: LedgerScreen) -> list[list[str]]:
    from kickoff_tui.tui.screens.ledger import COLUMNS

    table = screen.query_one("DataTable")
    return [[str(c) for c in table.get_row_at(r)][: len(COLUMNS)] for r in range(table.row_count)]


@pytest.mark.slow  # a real second process commits
@time_machine.travel(pendulum.datetime(2026, 12, 10, 12), tick=True)
async def test_l_opens_the_ledger_filters_narrow_it_and_another_terminal_shows(
    store, filled, db_url
):
    acme, nord = filled
    app = KickoffApp(store=store, bell=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, LedgerScreen)
        await wait_loads(pilot, screen, 1)
        rows = cells(screen)
        # Open only by default, overdue first; markup in user text shown as typed.
        assert [r[0] for r in rows] == [f"{acme.id}#1", f"{nord.id}#1", f"{acme.id}#2"]
        assert rows[0][1] == "OVERDUE" and rows[0][6] == "Send the [b]SOW[/b]"
        assert rows[2][6] == "Budget freeze [/]" and rows[2][5] == "(no owner)"

        await pilot.press("o")  # open only off: the done one shows, last
        await wait_loads(pilot, screen, 2)
        assert [r[6] for r in cells(screen)][-1] == "Old one"

        await pilot.press("slash")
        filt = screen.query_one("#ledger-filter")
        filt.value = "side:us"
        await pilot.press("enter")
        await wait_loads(pilot, screen, 3)
        assert [r[6] for r in cells(screen)] == ["Share the plan", "Old one"]

        filt.value = "owner:nobody_here overdue"
        await pilot.press("slash", "enter")
        await wait_loads(pilot, screen, 4)
        assert cells(screen) == []

        filt.value = "colour:red"
        await pilot.press("slash", "enter")
        await pilot.pause(0.3)
        assert "cannot read 'colour:red'" in str(screen.query_one("#ledger-status").render())

        filt.value = "open"
        loads = screen.loads
        await pilot.press("slash", "enter")
        await wait_loads(pilot, screen, loads + 1)
        # Another terminal (a real process) adds an overdue action: it shows, no key pressed.
        code = (
            "from kickoff_tui.core.store import Store\n"
            "from kickoff_tui.core.record import add_item, parse_line, resolve_meeting\n"
            f"s = Store.open({db_url!r}); m = resolve_meeting(s, {nord.id!r})\n"
            "add_item(s, m, 'action', parse_line(s, m, 'From elsewhere due:2026-12-02'))\n"
        )
        loads = screen.loads  # (the reload may land before the process has even exited)
        await asyncio.to_thread(subprocess.run, [sys.executable, "-c", code], check=True)
        await wait_loads(pilot, screen, loads + 1)
        assert cells(screen)[0][6] == "From elsewhere" and cells(screen)[0][1] == "OVERDUE"

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LedgerScreen)


async def test_enter_on_a_row_opens_its_meeting(store, filled):
    from kickoff_tui.tui.screens.cockpit import CockpitScreen

    acme, nord = filled
    app = KickoffApp(store=store, bell=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("l")
        screen = app.screen
        await wait_loads(pilot, screen, 1)
        await pilot.press("down", "enter")  # the second row: Nordwind's
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, CockpitScreen):
                break
        assert isinstance(app.screen, CockpitScreen)
        assert app.screen.state.meeting_id == screen.entries[1].meeting_id


async def test_f_in_the_picker_creates_a_follow_up_in_the_series(store, filled):
    """`f` on the highlighted meeting: a week later, check-in, same series and people; the
    cockpit opens on it."""
    from kickoff_tui.core.record import list_meetings, load_snapshot
    from kickoff_tui.tui.screens.follow_up import FollowUpScreen

    acme, nord = filled
    app = KickoffApp(store=store, bell=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        options = app.screen.query_one("OptionList")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index(acme.id)
        await pilot.press("f")
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, FollowUpScreen):
                break
        assert isinstance(app.screen, FollowUpScreen)
        assert app.screen.query_one("#start").value == "2026-12-08T15:00"
        await pilot.click("#create")
        for _ in range(200):
            await pilot.pause(0.05)
            if len(list_meetings(store)) == 3 and not isinstance(app.screen, FollowUpScreen):
                break
    new = next(m for m in list_meetings(store) if m.id not in (acme.id, nord.id))
    assert (new.after_id, new.series_id, new.template) == (acme.id, acme.id, "check-in")
    snap = load_snapshot(store, new.id)
    assert [a.name for a in snap.attendees] == ["Maria Lopez"]
    assert [i.text for i in snap.carried] == ["Send the [b]SOW[/b]", "Budget freeze [/]"]
