from kickoff_tui.tui.app import KickoffApp


async def test_cockpit_opens(store, meeting, clock):
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CockpitScreen"
