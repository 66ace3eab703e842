"""A first kickoff without a stumble (issue 16): the id in sight (5), secret looks secret (7),
time that tells the truth (8)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import pendulum
from conftest import START
from rich.console import Console

from kickoff_tui.core.capture import parse_capture
from kickoff_tui.core.clock import compute
from kickoff_tui.core.record import list_items
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.screens.help import HelpScreen
from kickoff_tui.tui.widgets.item_pane import ItemPane
from tests.live_util import settle

SIZE = (120, 40)


def rendered(widget) -> str:  # noqa: ANN001
    console = Console(width=200, record=True)
    console.print(widget.render())
    return console.export_text()


# --- 5. the id in sight ------------------------------------------------------------------------


async def test_the_header_shows_the_id_and_help_the_cli_commands_for_it(store, meeting, clock):
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert meeting.id in str(app.screen.query_one("#titlebar").render())
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = rendered(app.screen.query_one("Static"))
        assert f"kickoff join {meeting.id}" in shown
        assert f"kickoff export {meeting.id} --all DIR" in shown


# --- 7. secret looks secret --------------------------------------------------------------------


async def test_an_internal_item_is_marked_in_the_pane_the_view_and_the_preview(
    store, meeting, clock
):
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("s", "a", *"Check the discount floor #internal".replace(" ", "_"))
        line = app.screen.query_one("#capture")
        line.input.value = "Check the discount floor #internal"  # type: ignore[attr-defined]
        await pilot.pause()
        preview = str(app.screen.query_one("#preview").render())
        assert preview.startswith("✓ 🔒 internal: kept out of every client output"), preview
        await pilot.press("enter")
        await settle(pilot)
        pane = app.screen.query_one("#pane-action", ItemPane)
        assert pane.render().plain.startswith("🔒 Check the discount floor")
        view = " ".join(" ".join(str(s.render()) for s in app.screen.query("#raised")).split())
        assert "🔒 action Check the discount floor" in view
        # `i` says what it changed
        pane.focus()
        await pilot.pause()
        await pilot.press("i")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("client-safe now" in m for m in said), said
        assert not pane.render().plain.startswith("🔒")
        await pilot.press("i")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("internal now — kept out of every client output" in m for m in said), said
    (item,) = list_items(store, meeting.id)
    assert item.internal


# --- 8. time that tells the truth --------------------------------------------------------------


@dataclass
class B:
    id: int
    position: int
    planned_minutes: int


@dataclass
class E:
    id: int
    block_id: int | None
    kind: str
    at: pendulum.DateTime
    seconds: int = 0


def test_a_pause_moves_the_projected_end():
    blocks = [B(1, 0, 10), B(2, 1, 20)]
    start = START
    running = [E(1, 1, "block-started", start)]
    paused = [*running, E(2, 1, "paused", start.add(minutes=2))]
    now = start.add(minutes=5)
    without = compute(blocks, running, start, 30, now).projected_end
    with_pause = compute(blocks, paused, start, 30, now).projected_end
    assert without is not None and with_pause is not None
    assert (with_pause - without).total_seconds() == 3 * 60  # the 3 paused minutes
    later = compute(blocks, paused, start, 30, now.add(minutes=5)).projected_end
    assert later is not None and (later - with_pause).total_seconds() == 5 * 60


def test_a_due_date_far_from_the_meeting_is_confirmed_with_the_date_chosen():
    dec2 = pendulum.datetime(2026, 12, 2, 10, tz="UTC")
    c = parse_capture("Send the SOW due:Dec 1", dec2)
    assert c.due == pendulum.date(2027, 12, 1)  # the next Dec 1 after the meeting...
    assert c.warnings == (  # ...said with the date chosen, so a slip is seen
        "due Wed 1 Dec 2027 is 12 months after the meeting — check the date "
        "(due:2027-12-01 says the year)",
    )
    assert parse_capture("x due:fri", dec2).warnings == ()
    assert parse_capture("x due:2026-11-30", dec2).warnings == (
        "due Mon 30 Nov 2026 is before the meeting — check the date",
    )


def kickoff(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kickoff_tui.cli", "--db", db, *args],
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_cli_confirms_the_date_on_stderr_and_takes_text_starting_with_a_dash(db_url, store,
                                                                            meeting):  # fmt: skip
    r = kickoff(db_url, "add", meeting.id, "action", "Renew the licence due:Nov 1")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ("kickoff: warning: due Mon 1 Nov 2027 is 12 months after the meeting — "
                        "check the date (due:2027-11-01 says the year)\n")  # fmt: skip
    r = kickoff(db_url, "add", meeting.id, "decision", "-5% discount for year one")
    assert r.returncode == 0, r.stderr
    r = kickoff(db_url, "add", meeting.id, "action", "--frobnicate")
    assert r.returncode == 2 and "goes after --" in r.stderr
    r = subprocess.run([sys.executable, "-m", "kickoff_tui.cli", "--db", db_url, "add",
                        meeting.id, "action", "-"], input="Fine due:fri\nOld due:2026-01-05\n",
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stderr == ("kickoff: warning: line 2: due Mon 5 Jan 2026 is before the meeting — "
                        "check the date\n")  # fmt: skip
    texts = sorted(i.text for i in list_items(store, meeting.id))
    assert texts == ["-5% discount for year one", "Fine", "Old", "Renew the licence"]


async def test_the_preview_shows_the_date_it_chose_first(store: Store, meeting, clock):
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        app.screen.query_one("#capture").input.value = "Renew due:Nov 1"  # type: ignore[attr-defined]
        await pilot.pause()
        preview = str(app.screen.query_one("#preview").render())
        assert preview.startswith("✓ ⚠ due Mon 1 Nov 2027 is 12 months after the meeting"), preview
