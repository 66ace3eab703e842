"""The readiness gate (issue 11 part 3): `kickoff ready` lists each check with pass/fail and the
fix, exits 1 while a blocking check fails and 0 once none does; --tick and --deviation take a
failing check out of the way, and say who."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pendulum
import pytest
import time_machine

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.readiness import CHECK_IDS
from kickoff_tui.core.record import create_meeting
from tests.dbutil import dump

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "handoff-example.toml"
START = pendulum.datetime(2026, 12, 1, 15, tz="Europe/Berlin")
NOW = pendulum.datetime(2026, 11, 27, 9, tz="Europe/Berlin")  # 4 days before


def kickoff(*args: str, at: pendulum.DateTime = NOW) -> subprocess.CompletedProcess[str]:
    from click.testing import CliRunner

    from kickoff_tui.cli import main

    with time_machine.travel(at, tick=False):
        r = CliRunner(env={"KICKOFF_DB": None}).invoke(main, list(args), catch_exceptions=False)
    return subprocess.CompletedProcess(args, r.exit_code, r.stdout, r.stderr)


@pytest.fixture
def acme(store):
    # kickoff-90 ships fitting its 90 minutes; kickoff-play is checked the same way.
    return create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")


def statuses(r) -> dict[str, str]:
    return {c["id"]: c["status"] for c in json.loads(r.stdout)["checks"]}


def test_the_gate_from_not_ready_to_ready(store, acme, db_url, tmp_path):
    r = kickoff("ready", acme.id, "--db", db_url)
    assert r.returncode == 1
    assert r.stdout.splitlines()[0] == f"{acme.id}: not ready: 4 blocking"
    assert "[FAIL] contract-signed: no contract close date recorded — record the close" in r.stdout
    assert "[warn] pre-reads: no pre-reads listed" in r.stdout
    r = kickoff("ready", acme.id, "--json", "--db", db_url)
    assert r.returncode == 1 and list(statuses(r)) == list(CHECK_IDS)
    assert statuses(r)["agenda-fits"] == "pass" and statuses(r)["meeting-scheduled"] == "pass"

    assert kickoff("prep", acme.id, "--from", str(EXAMPLE), "--db", db_url).returncode == 0
    r = kickoff("ready", acme.id, "--db", db_url)
    assert r.returncode == 1 and "not ready: 1 blocking" in r.stdout
    assert "[FAIL] invitation-sent: no invitation written yet — write it now" in r.stdout

    # Written 30 h before: too late for the 48-hour briefing.
    late = START.subtract(hours=30)
    assert kickoff("invite", acme.id, "-o", str(tmp_path), "--db", db_url, at=late).returncode == 0
    r = kickoff("ready", acme.id, "--json", "--db", db_url, at=late)
    assert r.returncode == 1 and statuses(r)["invitation-sent"] == "fail"
    r = kickoff("ready", acme.id, "--tick", "invitation-sent", "--db", db_url, at=late)
    assert r.returncode == 0, r.stdout
    assert (
        "[ticked] invitation-sent: written 30 h before the start (48 h expected) (by cli)"
        in r.stdout
    )
    assert "[warn] internal-brief" in r.stdout  # a warning does not hold the gate


def test_deviation_with_owner_and_the_bad_inputs(store, acme, db_url):
    before = dump(db_url)
    for args, message in (
        (("--tick", "nope"), "unknown check 'nope'"),
        (("--deviation", "pre-reads"), "a deviation needs an owner"),
        (("--owner", "Sam"), "--owner goes with --deviation"),
        (("--tick", "pre-reads", "--deviation", "pre-reads", "--owner", "x"), "one of them"),
    ):
        r = kickoff("ready", acme.id, *args, "--db", db_url)
        assert r.returncode == 2 and message in r.stderr, r.stderr
    assert dump(db_url) == before
    r = kickoff("ready", acme.id, "--deviation", "contract-signed", "--owner", "Account Owner",
                "--note", "signature expected Monday", "--db", db_url)  # fmt: skip
    assert "[deviation] contract-signed: no contract close date recorded (escalated to Account " \
           "Owner: signature expected Monday)" in r.stdout  # fmt: skip
    r = kickoff("ready", acme.id, "--json", "--db", db_url)
    check = next(c for c in json.loads(r.stdout)["checks"] if c["id"] == "contract-signed")
    assert check["status"] == "deviation" and check["by"] == "Account Owner"


def test_a_meeting_in_the_past_is_not_scheduled(store, acme, db_url):
    r = kickoff("ready", acme.id, "--json", "--db", db_url, at=START.add(hours=2))
    assert statuses(r)["meeting-scheduled"] == "fail"


async def test_the_readiness_block_shows_the_gate(store, clock):
    """onboarding-sop's first block shows each check; a tick made elsewhere shows there too."""
    from kickoff_tui.core import readiness
    from tests.test_block_views import cockpit, show, text

    m = create_meeting(store, "Acme Corp", get_template("onboarding-sop"), START, "Europe/Berlin")
    async with cockpit(store, m, clock) as pilot:
        v = await show(pilot, "readiness")
        shown = text(v)
        assert "Readiness: not ready: 4 blocking" in shown
        assert "FAIL Contract signed: no contract close date recorded" in shown
        assert "pass Agenda fits its box: 60 of 60 min planned" in shown
        readiness.record(store, m.id, "contract-signed", clock(), by="sam")
        for _ in range(100):
            await pilot.pause(0.05)
            if "not ready: 3 blocking" in text(v):
                break
        assert "ticked Contract signed: no contract close date recorded (sam)" in text(v)


async def test_the_picker_and_the_cockpit_before_start_show_readiness(store, clock):
    """Issue 11.3: the picker says the highlighted meeting's gate in one line, and so does the
    cockpit's clock bar until the meeting starts (then it is gone)."""
    from textual.widgets import OptionList

    from kickoff_tui.core import readiness
    from kickoff_tui.tui.app import KickoffApp
    from kickoff_tui.tui.screens.cockpit import CockpitScreen
    from kickoff_tui.tui.screens.picker import PickerScreen
    from tests.live_util import settle
    from tests.test_sync import until

    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    app = KickoffApp(store=store, clock=clock, bell=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), timeout=10)
        line = app.screen.query_one("#readiness")
        await until(pilot, lambda: "not ready" in str(line.render()), timeout=10)
        said = str(line.render())
        assert said.startswith("not ready: contract signed") and "(kickoff ready" in said
        assert app.screen.query_one(OptionList).highlighted == 0
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CockpitScreen), timeout=10)
        await settle(pilot)
        app.screen.query_one("#health").check_now()
        app.screen.tick()
        bar = app.screen.query_one("#clockbar")
        assert "press s to start · not ready: contract signed" in str(bar.render())
        for check in CHECK_IDS:  # every gate ticked: the bar says ready
            readiness.record(store, m.id, check, clock(), by="sam")
        await settle(pilot)
        app.screen.query_one("#health").check_now()
        app.screen.tick()
        assert str(bar.render()).endswith("press s to start · ready")
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#health").check_now()
        app.screen.tick()
        assert "ready" not in str(bar.render())
