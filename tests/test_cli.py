"""The command line as a user types it: real subprocesses on a real SQLite file."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def kickoff(*args: str, db: Path | None = None, stdin: str | None = None, env: dict | None = None):
    full_env = {**os.environ, **(env or {})}
    full_env.pop("KICKOFF_DB", None)
    if db is not None:
        full_env["KICKOFF_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "kickoff_tui.cli", *args],
        input=stdin, capture_output=True, text=True, env=full_env, timeout=60,
    )  # fmt: skip


def digest(path: Path) -> str:
    """The main file plus its WAL: 'unchanged' means byte-for-byte, both of them."""
    h = hashlib.sha256(path.read_bytes())
    wal = Path(str(path) + "-wal")
    if wal.exists():
        h.update(wal.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "k.db"
    r = kickoff("new", "Acme Corp", "--template", "kickoff-90", "--start", "2026-11-24T15:00",
                "--tz", "Europe/Berlin", db=db)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout == "acme-corp-2026-11-24\n"
    kickoff("attendee", "acme", "Maria Lopez", "--role", "decision-maker", db=db)
    kickoff("new", "Acme Labs", "--start", "2026-11-25T10:00", "--tz", "UTC", db=db)
    return db


@pytest.mark.slow  # six real processes in a row
def test_issue_walkthrough(acme):
    r = kickoff("add", "acme-corp-2026-11-24", "action",
                "Send recap and updated timeline @maria due:fri", db=acme)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Maria Lopez" in r.stdout and "Fri 27 Nov 2026" in r.stdout
    r = kickoff("add", "acme-corp", "risk",
                "SSO approval may slip past week 2 @dana due:+5d sev:high", db=acme)  # fmt: skip
    assert r.returncode == 0 and "not an attendee" in r.stderr  # kept, flagged
    r = kickoff("add", "acme-corp", "action", "-", stdin="Confirm UAT testers @li due:eow\n"
                "Share API keys @dana due:2026-12-01\n", db=acme)  # fmt: skip
    assert r.returncode == 0 and "added 2" in r.stdout
    listing = kickoff("list", db=acme).stdout
    assert "acme-corp-2026-11-24" in listing and "acme-labs-2026-11-25" in listing
    assert "kickoff-90" in kickoff("templates", db=acme).stdout
    md = kickoff("export", "acme-corp", db=acme)
    assert md.returncode == 0
    assert "Send recap and updated timeline" in md.stdout
    assert "2026-12-01" in md.stdout


@pytest.mark.slow  # real processes: the full suite runs it
def test_export_to_file(acme, tmp_path):
    out = tmp_path / "acme-kickoff.md"
    r = kickoff("export", "acme-corp", "-o", str(out), db=acme)
    assert r.returncode == 0 and out.read_text().startswith("# Acme Corp kickoff")


@pytest.mark.slow  # real processes: the full suite runs it
def test_db_flag_before_or_after_the_command(acme):
    env = {"KICKOFF_DB": ""}
    assert "acme-corp" in kickoff("--db", str(acme), "list", env=env).stdout
    assert "acme-corp" in kickoff("list", "--db", str(acme), env=env).stdout


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (("add", "nope", "action", "x"), None, 2, "no meeting 'nope'"),
        (("add", "acme", "action", "x"), None, 2, "matches 2 meetings"),
        (("add", "acme-corp", "banana", "x"), None, 2, "unknown kind 'banana'"),
        (("add", "acme-corp", "action", "x due:frdy"), None, 2, "unknown date 'frdy'"),
        (("add", "acme-corp", "action", "x sev:urgent"), None, 2, "sev:urgent"),
        (("add", "acme-corp", "action", "-"), "ok one\nbad due:someday\nok two\n", 2, "line 2"),
        (("export", "nope"), None, 2, "no meeting 'nope'"),
        (("new", "X", "--template", "nine-hours"), None, 2, "unknown template 'nine-hours'"),
        (("new", "X", "--tz", "Mars/Olympus"), None, 2, "unknown time zone"),
        (("new", "X", "--start", "tomorrowish"), None, 2, "cannot read start"),
        (("run", "nope"), None, 2, "no meeting 'nope'"),
        (("status", "nope"), None, 2, "no meeting 'nope'"),
    ],
)
@pytest.mark.slow  # real processes: the full suite runs it
def test_bad_input_is_one_line_exit_2_and_leaves_the_file_alone(acme, args, stdin, code, message):
    before = digest(acme)
    r = kickoff(*args, stdin=stdin, db=acme)
    assert r.returncode == code, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr
    assert lines[0].startswith("kickoff: error: ")
    assert digest(acme) == before


def test_not_a_database(tmp_path):
    f = tmp_path / "notes.db"
    f.write_text("meeting notes, not sqlite\n" * 50)
    before = f.read_bytes()
    r = kickoff("list", db=f)
    assert r.returncode == 2 and "not a kickoff database" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert f.read_bytes() == before
    assert not Path(str(f) + "-wal").exists()


@pytest.mark.slow  # real processes: the full suite runs it
def test_newer_schema(tmp_path):
    import sqlite3

    db = tmp_path / "k.db"
    assert kickoff("new", "X", "--start", "2026-11-24T09:00", "--tz", "UTC", db=db).returncode == 0
    con = sqlite3.connect(db)
    con.execute("UPDATE kickoff_meta SET value='7' WHERE key='schema_version'")
    con.commit()
    con.close()
    before = digest(db)
    r = kickoff("list", db=db)
    assert r.returncode == 1 and "newer kickoff-tui" in r.stderr
    assert digest(db) == before


def test_unwritable_location(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    r = kickoff("new", "X", db=blocker / "k.db")  # (list creates nothing: it only reads)
    assert r.returncode == 1 and "cannot create the database" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.slow  # real processes: the full suite runs it
def test_default_database_in_user_data_dir(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    r = kickoff("new", "Zeta", "--start", "2026-11-24T09:00", "--tz", "UTC", env=env)
    assert r.returncode == 0, r.stderr
    db = tmp_path / "data" / "kickoff-tui" / "kickoff.db"
    assert db.exists() and oct(db.stat().st_mode & 0o777) == "0o600"


@pytest.mark.slow  # real processes: the full suite runs it
def test_overrun_warning_and_fit(tmp_path):
    db = tmp_path / "k.db"
    r = kickoff(
        "new", "Short", "--minutes", "60", "--start", "2026-11-24T09:00", "--tz", "UTC", db=db
    )
    assert r.returncode == 0 and "30 min over" in r.stderr and "--fit" in r.stderr
    r = kickoff("new", "Fitted", "--minutes", "60", "--fit", "--start", "2026-11-24T09:00",
                "--tz", "UTC", db=db)  # fmt: skip
    assert r.returncode == 0 and r.stderr == ""
    md = kickoff("export", "fitted", db=db).stdout
    assert "Over the time box" not in md


def test_status_json(acme):
    r = kickoff("status", "acme-corp", "--json", db=acme)
    data = json.loads(r.stdout)
    for key in ("block", "block_elapsed_s", "block_remaining_s", "meeting_elapsed_s", "behind_s"):
        assert key in data
    assert data["state"] == "not started"
