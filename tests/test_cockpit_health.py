"""The health panel updates live as gaps are closed; `e` exports the pack and records when."""

from __future__ import annotations

from kickoff_tui.core.record import load_snapshot
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.health_panel import HealthPanel
from tests.live_util import settle


async def capture(pilot, key: str, text: str) -> None:
    await pilot.press(key)
    pilot.app.screen.query_one(CaptureLine).input.value = text
    await pilot.press("enter", "escape")
    await settle(pilot)


async def test_health_panel_lists_gaps_and_clears_them_live(store, meeting, clock):
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(HealthPanel)
        assert not panel.has_class("-shown")
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert panel.has_class("-shown")
        ids = {f.id for f in panel.findings}
        assert {"no-next-meeting", "no-out-of-scope", "no-cadence"} <= ids
        first_score = panel.score
        assert f"health {first_score}" in str(app.screen.query_one("#titlebar").render())
        await capture(pilot, "a", "Send recap")  # no owner, no date: a blocking gap appears
        panel.check_now()
        assert "action-no-owner" in {f.id for f in panel.findings}
        await capture(pilot, "colon", "next fri 10:00")
        await capture(pilot, "colon", "out-of-scope US region")
        await capture(pilot, "colon", "cadence Weekly status, Tue 10:00, 30 min")
        await pilot.pause()
        panel.check_now()
        ids = {f.id for f in panel.findings}
        assert not ids & {"no-next-meeting", "no-out-of-scope", "no-cadence"}
        assert "Send recap" in str(panel.render())


async def test_export_key_writes_the_pack_and_records_the_time(store, meeting, clock, tmp_path,
                                                               monkeypatch):  # fmt: skip
    monkeypatch.setenv("KICKOFF_EXPORT_DIR", str(tmp_path / "out"))
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await settle(pilot)  # the export is a command on the session's queue
        folder = tmp_path / "out" / meeting.id
        assert sorted(p.suffix for p in folder.iterdir()) == [
            ".csv",
            ".html",
            ".ics",
            ".json",
            ".md",
            ".txt",
        ]
    exported = load_snapshot(store, meeting.id).meeting.followthrough_exported_at
    assert exported is not None and exported == clock()
