"""`kickoff copy`: a meeting with everything in it, from one store to another (SQLite -> SQLite,
SQLite -> PostgreSQL -> SQLite), new integer ids in the target, nothing lost; bad input changes
neither store."""

from __future__ import annotations

import os
import subprocess
import sys

import pendulum
import pytest

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.copy import copy_meeting
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.record import (
    add_attendee,
    add_lines,
    create_meeting,
    list_meetings,
    load_snapshot,
    save_block_note,
    set_answer,
    set_deleted,
    update_meeting,
)
from kickoff_tui.core.store import Store
from kickoff_tui.core.timers import start, step
from tests.dbutil import dump

START = pendulum.datetime(2026, 11, 24, 15, 0, tz="Europe/Berlin")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """The target store; the source is always a SQLite file."""
    return request.param


@pytest.fixture
def source(tmp_path):
    """A SQLite file with a full meeting (and another meeting before it, so ids differ)."""
    url = "sqlite:///" + str(tmp_path / "source.db")
    s = Store.open(url)
    create_meeting(s, "Other Co", get_template("kickoff-90"), START, "UTC")
    m = create_meeting(s, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    maria = add_attendee(s, m.id, "Maria Lopez", seniority=9, roles=["decision-maker"])
    add_attendee(s, m.id, "Sam Patel", side="ours", roles=["primary-contact"])
    items = add_lines(s, m, "action", ["Send SOW @maria due:fri", "Book demo @sam", "typo"])
    add_lines(s, m, "risk", ["SSO may slip sev:high @maria"])
    set_deleted(s, items[2].id, True)
    now = START.in_timezone("UTC")
    start(s, m.id, now)
    step(s, m.id, 1, now.add(minutes=7))
    snap = load_snapshot(s, m.id)
    assert maria.id is not None
    set_answer(s, m.id, maria.id, 1, "Weekly demos, in her words [bold]")
    save_block_note(s, m.id, snap.blocks[1].id, "notes on block 2")
    update_meeting(s, m.id, cadence="weekly, Tue 30 min")
    yield s, m.id
    s.close()


def portable(store: Store, meeting_id: str, *, uids: bool = True) -> dict:
    """A meeting's content with integer ids replaced by what they point at (and, with
    ``uids=False``, without the identities: a copy inside one store has identities of its
    own)."""
    from kickoff_tui.core.record import list_items

    snap = load_snapshot(store, meeting_id)
    pos = {b.id: b.position for b in snap.blocks}
    name = {a.id: a.name for a in snap.attendees}
    skip = {"id"} if uids else {"id", "uid"}
    m = snap.meeting.model_dump(exclude=skip)
    uid = (lambda row: row.uid) if uids else (lambda row: None)
    return {
        "meeting": m,
        "blocks": [b.model_dump(exclude=skip | {"meeting_id"}) for b in snap.blocks],
        "attendees": [a.model_dump(exclude=skip | {"meeting_id"}) for a in snap.attendees],
        "items": sorted(
            (
                uid(i),
                i.number,
                i.text,
                i.kind,
                i.deleted,
                i.version,
                i.owner,
                name.get(i.owner_attendee_id),
                pos.get(i.block_id),
                i.due,
                i.severity,
                i.created_at,
            )
            for i in list_items(store, meeting_id, include_deleted=True)
        ),  # fmt: skip
        "answers": [
            (uid(a), name[a.attendee_id], a.question, a.text, a.version) for a in snap.answers
        ],
        "events": [(uid(e), e.kind, pos.get(e.block_id), e.at, e.by) for e in snap.events],
        "notes": [(uid(n), pos[n.block_id], n.text, n.version) for n in snap.notes],
    }


def test_copy_keeps_everything_and_remaps_ids(source, db_url, tmp_path):
    src, mid = source
    target = Store.open(db_url)
    for client in ("Busy Target", "Busier Target"):  # the source's integer ids are taken
        create_meeting(target, client, get_template("kickoff-90"), START, "UTC")
    before = portable(src, mid)
    assert len(before["items"]) == 4 and before["answers"] and before["events"] and before["notes"]
    done = copy_meeting(src, target, mid)
    assert done.target_id == mid
    assert done.counts["item"] == 4 and done.counts["block_note"] == 1
    assert portable(target, mid) == before
    assert portable(src, mid) == before  # a copy leaves the source as it was
    src_ids = {b.id for b in load_snapshot(src, mid).blocks}
    assert src_ids != {b.id for b in load_snapshot(target, mid).blocks}  # remapped, not kept
    # And back again to a new SQLite file, under another id (PostgreSQL -> SQLite too).
    back = Store.open("sqlite:///" + str(tmp_path / "back.db"))
    copy_meeting(target, back, mid, new_id="acme-roundtrip")
    again = portable(back, "acme-roundtrip")
    assert again == before
    target.close()
    back.close()


def test_move_deletes_from_the_source_after_the_copy(source, db_url):
    src, mid = source
    target = Store.open(db_url)
    before = portable(src, mid)
    copy_meeting(src, target, mid, new_id="acme-moved", move=True)
    assert portable(target, "acme-moved") == before
    with pytest.raises(InputError, match="no meeting"):
        load_snapshot(src, mid)
    assert [m.client for m in list_meetings(src)] == ["Other Co"]
    target.close()


def test_an_open_meeting_is_not_moved(source, db_url):
    from kickoff_tui.core import presence

    src, mid = source
    presence.join(src, mid, "facilitator", pendulum.now("UTC"))
    target = Store.open(db_url)
    with pytest.raises(InputError, match="close that cockpit"):
        copy_meeting(src, target, mid, move=True)
    target.close()


def test_the_same_store_needs_a_new_id(source):
    src, mid = source
    with pytest.raises(InputError, match="--as NEW_ID"):
        copy_meeting(src, src, mid)
    copy_meeting(src, src, mid, new_id="acme-copy")
    assert portable(src, "acme-copy", uids=False) == portable(src, mid, uids=False)
    # A second meeting: identities of its own (exports of the two never collide) ...
    copied, original = load_snapshot(src, "acme-copy"), load_snapshot(src, mid)
    assert copied.meeting.uid != original.meeting.uid
    assert not {i.uid for i in copied.items} & {i.uid for i in original.items}
    # ... derived reproducibly: copying again under the same id updates that copy.
    before = dump(src.url)
    again = copy_meeting(src, src, mid, new_id="acme-copy")
    assert again.updated and dump(src.url) == before


def kickoff(*args: str):
    """The command in a real process (as typed), for the first copy."""
    env = {k: v for k, v in os.environ.items() if k != "KICKOFF_DB"}
    return subprocess.run([sys.executable, "-m", "kickoff_tui.cli", *args], capture_output=True,
                          text=True, env=env, timeout=60)  # fmt: skip


def kickoff_here(*args: str):
    """The command in this process (click's runner): the same code, exit code and output."""
    from click.testing import CliRunner

    from kickoff_tui.cli import main

    r = CliRunner(env={"KICKOFF_DB": None}).invoke(main, list(args), catch_exceptions=False)
    return subprocess.CompletedProcess(args, r.exit_code, r.stdout, r.stderr)


@pytest.mark.slow  # real processes: the full suite runs it
def test_cli_copy_and_its_errors(source, db_url, tmp_path):
    src, mid = source
    src.close()
    r = kickoff("copy", mid[:6], "--db", src.url, "--to", db_url)  # a unique prefix is enough
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"copied {mid} to ") and "4 items" in r.stdout
    # The rest in this process (a second saved each); the same exit codes and lines checked.
    src_before, dst_before = dump(src.url), dump(db_url)
    # Copying it again updates that copy (nothing changed here, so nothing is written).
    r = kickoff_here("copy", mid, "--from", src.url, "--to", db_url)
    assert r.returncode == 0, r.stderr
    assert (
        r.stdout.startswith(f"copied {mid} to ") and f"updated the earlier copy {mid}" in r.stdout
    )
    assert dump(src.url) == src_before and dump(db_url) == dst_before
    other = "other-co-2026-11-24"
    cases = {
        "already there": ("copy", other, "--from", src.url, "--to", db_url, "--as", mid),
        "copied under another id": ("copy", mid, "--from", src.url, "--to", db_url, "--as", "x"),
        "unknown meeting": ("copy", "no-such-meeting", "--from", src.url, "--to", db_url),
        "bad new id": ("copy", mid, "--from", src.url, "--to", db_url, "--as", "Not An Id"),
        "same store": ("copy", mid, "--db", src.url, "--to", src.url),
    }
    for why, args in cases.items():
        r = kickoff_here(*args)
        assert r.returncode == 2, (why, r.stderr)
        assert r.stderr.startswith("kickoff: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert "already exists" in kickoff_here(*cases["already there"]).stderr
    assert f"as '{mid}'" in kickoff_here(*cases["copied under another id"]).stderr
    assert dump(src.url) == src_before and dump(db_url) == dst_before
    # A missing source file is not created by a mistyped --from.
    ghost = tmp_path / "ghost.db"
    r = kickoff_here("copy", mid, "--from", str(ghost), "--to", db_url)
    assert r.returncode == 2 and "no database at" in r.stderr and not ghost.exists()
    # Nor is the target created when the meeting does not exist.
    fresh = tmp_path / "fresh.db"
    r = kickoff_here("copy", "nope", "--from", src.url, "--to", str(fresh))
    assert r.returncode == 2 and not fresh.exists()
    # --move through the command line.
    r = kickoff_here("copy", mid, "--from", src.url, "--to", str(fresh), "--move")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"moved {mid} to sqlite:///")
    assert kickoff_here("list", "--db", src.url).stdout.count("\n") == 1  # only Other Co is left
