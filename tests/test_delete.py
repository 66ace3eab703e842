"""Meetings can go (issue 16, point 6): `kickoff delete ID` asks first (`--yes` for scripts),
removes every row of the meeting on SQLite and PostgreSQL and says what it removed; `kickoff
demo` reopens the one demo meeting instead of adding another. Broken user templates are a
warning, never a crash (issue 16, point 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import START
from sqlmodel import col, func, select

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.deletion import delete_meeting, find_demo
from kickoff_tui.core.demo import open_demo
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.models import MEETING_TABLES, Change, Meeting
from kickoff_tui.core.record import (
    add_attendee,
    add_lines,
    create_meeting,
    list_meetings,
    set_answer,
)
from kickoff_tui.core.store import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


def kickoff(*args: str, db: str, stdin: str | None = "", env: dict | None = None):
    full = {**os.environ, **(env or {})}
    full.pop("KICKOFF_DB", None)
    command = [sys.executable, "-m", "kickoff_tui.cli", "--db", db, *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=full,
                          timeout=60)  # fmt: skip


def rows_of(store: Store, mid: str) -> dict[str, int]:
    with store.read() as s:
        counts = {}
        for m in MEETING_TABLES:
            key = m.id if m is Meeting else m.meeting_id  # type: ignore[attr-defined]
            counts[m.__tablename__] = s.exec(select(func.count()).select_from(m)
                                             .where(col(key) == mid)).one()  # fmt: skip
    return counts


def two_meetings(store: Store) -> tuple[str, str]:
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    other = create_meeting(store, "Globex", get_template("kickoff-90"), START, "UTC")
    maria = add_attendee(store, m.id, "Maria Lopez", side="theirs")
    add_lines(store, m, "action", ["Send recap @maria due:fri", "Book demo"])
    set_answer(store, m.id, maria.id or 0, 1, "Get it right")
    add_attendee(store, other.id, "Hans Gruber", side="theirs")
    return m.id, other.id


@pytest.mark.slow
def test_delete_asks_first_and_removes_every_row_of_that_meeting_only(db_url, store):
    mid, other = two_meetings(store)
    before_other = rows_of(store, other)
    # No terminal to ask on and no --yes: refused, one line, nothing touched.
    r = kickoff("delete", "acme", db=db_url)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "add --yes" in r.stderr and "(2 items, 1 answer, 1 attendee, " in r.stderr
    assert rows_of(store, mid)["item"] == 2
    r = kickoff("delete", "acme", "--yes", db=db_url)
    assert r.returncode == 0, r.stderr
    said = f"deleted {mid} (Acme Corp kickoff): the meeting, 2 items, 1 answer, 1 attendee, "
    assert r.stdout.startswith(said + "8 agenda blocks and "), r.stdout
    assert set(rows_of(store, mid).values()) == {0}  # every row of it, every table
    assert rows_of(store, other) == before_other  # and nothing of another meeting
    assert [m.id for m in list_meetings(store)] == [other]
    with store.read() as s:  # its history went too, but for the delete other terminals learn of
        ops = s.exec(select(Change.table_name, Change.op).where(Change.meeting_id == mid)).all()
    assert list(ops) == [("meeting", "delete")]
    r = kickoff("delete", "acme", "--yes", db=db_url)
    assert r.returncode == 2 and "no meeting" in r.stderr


def test_a_meeting_open_in_a_terminal_is_not_deleted(db_url, store):
    import pendulum

    from kickoff_tui.core.presence import enter

    mid, _ = two_meetings(store)
    enter(store, mid, "facilitator", pendulum.now("UTC"))
    with pytest.raises(InputError, match="open in 1 terminal"):
        delete_meeting(store, mid)
    assert rows_of(store, mid)["item"] == 2


def test_demo_reopens_the_one_demo_meeting_and_reset_starts_afresh(db_url, store):
    first, said = open_demo(store)
    assert said == "created"
    again, said = open_demo(store)
    assert (again.id, said) == (first.id, "reopened")
    assert len(list_meetings(store)) == 1
    fresh, said = open_demo(store, reset=True)
    assert said == "reset" and len(list_meetings(store)) == 1
    found = find_demo(store)
    assert found is not None and found.id == fresh.id


# --- templates --------------------------------------------------------------------------------

GOOD = """name = "{name}"
title = "Our short kickoff"
minutes = 30
[[blocks]]
title = "Hello"
kind = "introductions"
minutes = 30
"""


@pytest.mark.parametrize("backend", ["sqlite"])
def test_templates_lists_the_good_ones_and_names_the_broken_file(tmp_path: Path, backend):
    folder = tmp_path / "agendas"
    folder.mkdir()
    (folder / "short.toml").write_text(GOOD.format(name="short"))
    (folder / "broken.toml").write_text(
        GOOD.format(name="broken").replace("minutes = 30\n[", "minutes = 'x'\n[", 1)
    )
    db = str(tmp_path / "k.db")
    r = kickoff("templates", db=db, env={"KICKOFF_TEMPLATES": str(folder)})
    assert r.returncode == 0, r.stderr
    assert "short\t30 min" in r.stdout and "kickoff-90" in r.stdout
    assert r.stderr.startswith("kickoff: warning: invalid template ")
    assert "broken.toml" in r.stderr and "minutes" in r.stderr and "fix the file" in r.stderr
    # and a meeting from the good one is still made while the other file is broken
    r = kickoff("new", "Acme", "--template", "short", db=db,
                env={"KICKOFF_TEMPLATES": str(folder)})  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = kickoff("new", "Acme", "--template", "broken", db=db,
                env={"KICKOFF_TEMPLATES": str(folder)})  # fmt: skip
    assert r.returncode == 2 and "broken.toml" in r.stderr
