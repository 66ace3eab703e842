"""A picker that never breaks and scales (issue 16, point 4)."""

from __future__ import annotations

from pathlib import Path

from conftest import START, FakeClock
from textual.pilot import Pilot
from textual.widgets import OptionList

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.picking import natural_key, order_meetings
from kickoff_tui.core.record import create_meeting, list_meetings
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.screens.cockpit import CockpitScreen
from kickoff_tui.tui.screens.picker import PickerScreen
from kickoff_tui.tui.screens.picker_dialogs import ConfirmScreen, KeysScreen, NewMeetingScreen

SIZE = (120, 40)
NOW = START.subtract(minutes=5)


def sixty(store: Store) -> None:
    """Client 1..40 today, 10 next week, 10 last month: what a busy team has."""
    tpl = get_template("kickoff-90")
    for n in range(1, 41):
        create_meeting(store, f"Client {n}", tpl, START, "Europe/Berlin")
    for n in range(41, 51):
        create_meeting(store, f"Client {n}", tpl, START.add(days=n - 34), "Europe/Berlin")
    for n in range(51, 61):
        create_meeting(store, f"Client {n}", tpl, START.subtract(days=n - 20), "Europe/Berlin")


def labels(app: KickoffApp) -> list[str]:
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).id) for i in range(options.option_count)]


async def until(pilot: Pilot, condition, timeout: float = 10.0) -> None:  # noqa: ANN001
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, "condition not met in time"
        await pilot.pause(0.05)


def test_natural_order_and_today_and_upcoming_first(store):
    sixty(store)
    ordered = order_meetings(list_meetings(store), NOW)
    clients = [m.client for m in ordered]
    assert clients[:12] == [f"Client {n}" for n in range(1, 13)]  # 1, 2, … 10, 11, not 1, 10
    assert clients[40:50] == [f"Client {n}" for n in range(41, 51)]  # upcoming, soonest first
    assert clients[50:] == [f"Client {n}" for n in range(51, 61)]  # then the most recent past
    assert natural_key("Client 2") < natural_key("Client 10") < natural_key("client 11")


async def test_enter_opens_the_meeting_highlighted_on_open(store):
    sixty(store)
    app = KickoffApp(store=store, clock=FakeClock(NOW), bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PickerScreen) and len(labels(app)) == 60)
        assert app.screen.query_one(OptionList).highlighted == 0
        first = labels(app)[0]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CockpitScreen))
        assert app.screen.state.meeting_id == first  # type: ignore[attr-defined]


async def test_typing_filters_fuzzy_and_enter_opens_the_match(store):
    sixty(store)
    app = KickoffApp(store=store, clock=FakeClock(NOW), bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PickerScreen) and len(labels(app)) == 60)
        await pilot.press("c", "l", "space", "1", "7")  # fuzzy: "cl 17" is Client 17
        await until(pilot, lambda: len(labels(app)) < 60)
        assert labels(app)[0].startswith("client-17-")
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press("slash")  # (already filtering: / is just typed)
        await until(pilot, lambda: labels(app) == [])
        assert "No meeting matches" in str(app.screen.query_one("#hint").render())
        await pilot.press("escape")  # clears the filter: all sixty again
        await until(pilot, lambda: len(labels(app)) == 60)
        await pilot.press("slash", *"client-59", "enter")
        await until(pilot, lambda: isinstance(app.screen, CockpitScreen))
        assert app.screen.state.meeting_id.startswith("client-59-")  # type: ignore[attr-defined]


async def test_question_mark_shows_the_pickers_keys_and_the_palette_has_its_commands(store):
    app = KickoffApp(store=store, clock=FakeClock(NOW), bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("New meeting", "Try the demo", "Delete", "Templates", "Filter"):
            assert wanted in titles, titles
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, KeysScreen))
        shown = str(app.screen.query_one("Static").render())
        assert "Create a meeting from an agenda template" in shown
        assert "rebalance" not in shown.lower()  # not the cockpit's keys


async def test_delete_asks_and_y_deletes(store):
    sixty(store)
    app = KickoffApp(store=store, clock=FakeClock(NOW), bell=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PickerScreen) and len(labels(app)) == 60)
        first = labels(app)[0]
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert first in str(app.screen.query_one("#question").render())
        await pilot.press("n")  # kept
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert len(list_meetings(store)) == 60
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: len(labels(app)) == 59)
        assert first not in [m.id for m in list_meetings(store)]
        said = [n.message for n in app._notifications]
        assert any(m.startswith(f"deleted {first}") for m in said), said


BROKEN = """name = "broken"
title = "x"
minutes = 30
[[blocks]]
title = "a"
kind = "nope"
minutes = 3
"""


async def test_a_broken_user_template_is_a_warning_in_the_picker(
    store, tmp_path: Path, monkeypatch
):
    folder = tmp_path / "agendas"
    folder.mkdir()
    (folder / "broken.toml").write_text(BROKEN)
    monkeypatch.setenv("KICKOFF_TEMPLATES", str(folder))
    app = KickoffApp(store=store, clock=FakeClock(NOW), bell=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        said = [n.message for n in app._notifications]
        assert any("broken.toml" in m and "kind" in m and "fix the file" in m for m in said), said
        await pilot.press("n")  # used to crash with a traceback
        await until(pilot, lambda: isinstance(app.screen, NewMeetingScreen))
        assert "broken.toml" in str(app.screen.query_one("#warnings").render())
        await pilot.press(*"Globex", "enter")
        await until(pilot, lambda: isinstance(app.screen, CockpitScreen), timeout=20)
    assert [m.client for m in list_meetings(store)] == ["Globex"]


async def test_a_store_error_in_the_picker_is_one_line_not_a_crash(tmp_path: Path):
    """The picker's list runs in a worker: a database error there (a table missing a column,
    as a damaged or foreign file can have) is said on screen and the app stays open."""
    import sqlite3

    path = tmp_path / "k.db"
    store = Store.open(f"sqlite:///{path}")
    create_meeting(store, "Acme", get_template("kickoff-90"), START, "Europe/Berlin")
    store.close()
    with sqlite3.connect(path) as raw:
        raw.execute("ALTER TABLE meeting DROP COLUMN prep")
    app = KickoffApp(db_url=f"sqlite:///{path}", clock=FakeClock(START))
    async with app.run_test(notifications=True) as pilot:
        await until(pilot, lambda: any("prep" in n.message for n in app._notifications))
        assert app.is_running and isinstance(app.screen, PickerScreen)
