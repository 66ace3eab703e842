"""Ambiguous local times (issue 17, point 9): a wall time that happens twice (clocks go back)
is refused with both offsets named, or taken as given when the offset is written out."""

from __future__ import annotations

import os
import subprocess
import sys

import pendulum
import pytest

from kickoff_tui.core.errors import InputError
from kickoff_tui.core.meetings import parse_start


@pytest.mark.parametrize(
    ("value", "tz", "first", "second"),
    [
        ("2026-10-25T02:30", "Europe/Berlin", "+02:00 (CEST)", "+01:00 (CET)"),
        ("2026-10-25T02:00", "Europe/Berlin", "+02:00 (CEST)", "+01:00 (CET)"),
        ("2026-11-01T01:30", "America/New_York", "-04:00 (EDT)", "-05:00 (EST)"),
        ("2026-04-05T01:45", "Australia/Lord_Howe", "+11:00", "+10:30"),  # a half-hour shift
    ],
)
def test_a_time_that_happens_twice_is_refused_naming_both_offsets(value, tz, first, second):
    with pytest.raises(InputError) as err:
        parse_start(value, tz)
    message = str(err.value)
    assert "\n" not in message and "happens twice" in message and tz in message
    assert f"first at {first}, then at {second}" in message
    o1, o2 = first.split()[0], second.split()[0]
    assert f"write the offset to choose: {value}{o1} or {value}{o2}" in message


@pytest.mark.parametrize(("offset", "utc"), [("+02:00", "00:30"), ("+01:00", "01:30")])
def test_the_offset_written_out_chooses(offset, utc):
    start = parse_start(f"2026-10-25T02:30{offset}", "Europe/Berlin")
    assert start.in_timezone("UTC").format("HH:mm") == utc


@pytest.mark.parametrize(
    "value",
    ["2026-10-25T01:59", "2026-10-25T03:00", "2026-10-24T02:30", "2026-10-25"],
)
def test_times_next_to_the_change_are_not_ambiguous(value):
    start = parse_start(value, "Europe/Berlin")
    local = start.in_timezone("Europe/Berlin")
    assert local.format("YYYY-MM-DD") == value[:10]


def test_the_hour_that_is_skipped_is_not_called_ambiguous():
    """02:30 on 29 March does not exist in Berlin: that is the other case (moved forward)."""
    start = parse_start("2026-03-29T02:30", "Europe/Berlin")
    assert start.in_timezone("UTC") == pendulum.datetime(2026, 3, 29, 1, 30, tz="UTC")


@pytest.mark.slow  # real processes: the full suite runs it
def test_kickoff_new_refuses_in_one_line_and_writes_nothing(tmp_path):
    db = tmp_path / "k.db"
    env = {**os.environ, "KICKOFF_DB": str(db)}
    run = [sys.executable, "-m", "kickoff_tui.cli", "new", "Acme", "--tz", "Europe/Berlin"]
    r = subprocess.run([*run, "--start", "2026-10-25T02:30"], capture_output=True, text=True,
                       env=env, timeout=60)  # fmt: skip
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "happens twice" in lines[0] and "+02:00" in lines[0]
    assert not db.exists()
    r = subprocess.run([*run, "--start", "2026-10-25T02:30+01:00"], capture_output=True,
                       text=True, env=env, timeout=60)  # fmt: skip
    assert r.returncode == 0, r.stderr
    listing = subprocess.run([sys.executable, "-m", "kickoff_tui.cli", "list"],
                             capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert "Sun 25 Oct 2026 02:30 CET" in listing.stdout
