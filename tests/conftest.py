"""Shared fixtures: a real SQLite file in tmp_path, a fixed meeting, a clock we can move."""

from __future__ import annotations

import pendulum
import pytest

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.record import add_attendee, create_meeting
from kickoff_tui.core.store import Store

START = pendulum.datetime(2026, 11, 24, 15, 0, tz="Europe/Berlin")


class FakeClock:
    """An injectable clock: tests move time explicitly instead of sleeping."""

    def __init__(self, now: pendulum.DateTime) -> None:
        self.now = now.in_timezone("UTC")

    def __call__(self) -> pendulum.DateTime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now = self.now.add(**kwargs)


@pytest.fixture
def db_url(tmp_path):
    return "sqlite:///" + str(tmp_path / "kickoff.db")


@pytest.fixture
def store(db_url):
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def meeting(store):
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    people = [
        ("Maria Lopez", "theirs", 9, ("decision-maker", "executive-sponsor")),
        ("Dana Kim", "theirs", 6, ("technical-owner",)),
        ("Sam Patel", "ours", 5, ("primary-contact",)),
    ]
    for name, side, seniority, roles in people:
        add_attendee(store, m.id, name, side=side, seniority=seniority, roles=roles)
    return m


@pytest.fixture
def clock():
    return FakeClock(START.subtract(minutes=5))
