"""A meeting is named literally: its id or a unique prefix, every character taken as typed.

Also the command line's share of the vocabulary and the tag check: `--side them` is accepted,
a misspelt `#internal` exits 2 and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest

from kickoff_tui.core import record
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.peek import peek_meeting_id
from kickoff_tui.core.store import Store
from tests.test_cli import digest, kickoff

START = pendulum.datetime(2026, 12, 24, 10, tz="UTC")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store.open("sqlite:///" + str(tmp_path_factory.mktemp("refs") / "k.db"))
    for client in ("Storm Co", "Acme", "Acme Corp"):
        record.create_meeting(s, client, get_template("kickoff-90"), START, "UTC")
    yield s
    s.close()


@pytest.mark.parametrize(
    ("ref", "meeting"),
    [("storm", "storm-co-2026-12-24"), ("storm-co-2026-12-24", "storm-co-2026-12-24"),
     ("acme-corp", "acme-corp-2026-12-24"), ("acme-2026", "acme-2026-12-24"),
     ("  storm ", "storm-co-2026-12-24")],
)  # fmt: skip
def test_ids_and_unique_prefixes(store: Store, ref: str, meeting: str) -> None:
    assert record.resolve_meeting(store, ref).id == meeting


@pytest.mark.parametrize(
    "ref",
    ["%orm", "_torm", "st%", "s_orm", "%", "_", "%%", "storm%", "acme_", ".*", "storm'",
     "storm; drop", "[s]torm", "\\storm", "STORM", "Storm"],
)  # fmt: skip
def test_wildcards_and_punctuation_are_plain_characters(store: Store, ref: str) -> None:
    with pytest.raises(InputError, match="no meeting"):
        record.resolve_meeting(store, ref)
    assert peek_meeting_id(store.url, ref) is None  # the fast path agrees


def test_two_matches_are_listed(store: Store) -> None:
    with pytest.raises(InputError) as err:
        record.resolve_meeting(store, "acme")
    assert str(err.value) == (
        "'acme' matches 2 meetings (acme-2026-12-24, acme-corp-2026-12-24) — type more of the id"
    )


@pytest.mark.parametrize(
    ("ref", "suggested"),
    [("stomr-co-2026-12-24", "storm-co-2026-12-24"), ("ACME-CORP", "acme-corp-2026-12-24"),
     ("%orm-co-2026-12-24", "storm-co-2026-12-24")],
)  # fmt: skip
def test_no_match_suggests_the_closest_ids(store: Store, ref: str, suggested: str) -> None:
    with pytest.raises(InputError, match=f"did you mean {suggested}"):
        record.resolve_meeting(store, ref)


@pytest.mark.slow  # real processes: the full suite runs it
def test_cli_refuses_a_pattern_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    assert (
        kickoff("new", "Storm Co", "--start", "2026-12-24T10:00", "--tz", "UTC", db=db).returncode
        == 0
    )
    before = digest(db)
    r = kickoff("add", "%orm", "note", "hello", db=db)
    assert r.returncode == 2 and r.stderr.startswith("kickoff: error: no meeting '%orm'")
    assert "\n" not in r.stderr.rstrip("\n")
    assert digest(db) == before


@pytest.mark.slow  # eleven real processes in a row
def test_cli_vocabulary_and_tag_typos(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    kickoff("new", "Acme", "--start", "2026-11-24T15:00", "--tz", "Europe/Berlin", db=db)
    r = kickoff("attendee", "acme", "María López", "--side", "them", db=db)
    assert r.returncode == 0 and r.stdout == "attendee #1 María López (theirs)\n", r.stderr
    r = kickoff("attendee", "acme", "Jörg Weber", "--side", "us", "--presence", "away", db=db)
    assert r.returncode == 0 and "(ours)" in r.stdout
    r = kickoff("attendee", "acme", "Kim", "--side", "vendor", db=db)
    assert r.returncode == 2 and "unknown side 'vendor'" in r.stderr

    r = kickoff("add", "acme", "action", "Send deck @joerg due:fri side:client", db=db)
    assert r.returncode == 0 and r.stdout.startswith("#1 owner Jörg Weber"), r.stderr
    assert "side theirs" in r.stdout
    before = digest(db)
    r = kickoff("add", "acme", "action", "Check margin @maria #intenral", db=db)
    assert r.returncode == 2
    assert "did you mean #internal?" in r.stderr and digest(db) == before
    r = kickoff("add", "acme", "cadence", "weekly Tue 10:00, 30 min #interal", db=db)
    assert r.returncode == 2 and digest(db) == before
    r = kickoff("add", "acme", "cadence", "weekly Tue 10:00, 30 min #Internal", db=db)
    assert r.returncode == 0 and r.stdout == "cadence set (internal)\n", r.stderr
    email = kickoff("export", "acme", "--format", "email", db=db).stdout
    assert "weekly Tue" not in email
    assert "weekly Tue 10:00, 30 min *(internal)*" in kickoff("export", "acme", db=db).stdout
