"""Issue 9 points 4 and 5 as a user meets them: real `kickoff` subprocesses on real SQLite files.

Bad bytes on stdin or in arguments: exit 2, exactly one line on stderr, the file byte-identical.
Control characters are removed (not refused) and never reach an export; a CSV cell cannot start a
formula; `--db` beats KICKOFF_DB before or after the command.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import digest

ID = "acme-corp-2026-11-24"


def run(*args: str | bytes, db: Path | None = None, stdin: bytes | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    """`kickoff ARGS` with bytes in and out (arguments may be bytes: not valid UTF-8)."""
    full_env = {**os.environ, "LC_ALL": "C.UTF-8", **(env or {})}
    full_env.pop("KICKOFF_DB", None)
    if env and "KICKOFF_DB" in env:
        full_env["KICKOFF_DB"] = env["KICKOFF_DB"]
    head: list[str | bytes] = [sys.executable, "-m", "kickoff_tui.cli"]
    if db is not None:
        head += ["--db", str(db)]
    return subprocess.run(
        [*head, *args], input=stdin, capture_output=True, env=full_env, timeout=60
    )  # fmt: skip


def one_error(r: subprocess.CompletedProcess[bytes], code: int = 2) -> str:
    """The single stderr line of a refused command (asserting there is exactly one)."""
    assert r.returncode == code, r.stderr
    lines = r.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("kickoff: error: ")
    assert not [c for c in lines[0] if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F], lines[0]
    return lines[0]


def make_acme(db: Path) -> Path:
    """The Acme kickoff with Maria, made in-process (faster than two `kickoff` runs)."""
    import pendulum

    from kickoff_tui.core.agenda import get_template
    from kickoff_tui.core.record import add_attendee, create_meeting
    from kickoff_tui.core.store import Store

    store = Store.open("sqlite:///" + str(db))
    start = pendulum.datetime(2026, 11, 24, 15, tz="Europe/Berlin")
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), start, "Europe/Berlin")
    assert m.id == ID
    add_attendee(store, m.id, "Maria Lopez")
    store.close()
    return db


@pytest.fixture
def acme(tmp_path):
    return make_acme(tmp_path / "k.db")


@pytest.fixture(scope="module")
def acme_shared(tmp_path_factory):
    """One file for the refusals: each of them must leave it byte-identical anyway."""
    return make_acme(tmp_path_factory.mktemp("text") / "k.db")


# --- bad bytes: refused, one line, nothing written -------------------------------------------


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("add", ID, "action", "-"), b"bad \xff\xfe\n",
         "stdin line 1 is not valid UTF-8 (byte 0xff at byte 5 of the line)"),
        (("add", ID, "action", "-"), b"ok one\nok two\r\nthree \xc3\n",
         "stdin line 3 is not valid UTF-8 (byte 0xc3"),
        (("add", ID, "action", "-"), b"fine\n" + b"x" * 2001 + b"\n",
         "line 2: the line is 2,001 characters — at most 2,000 on one line"),
        (("add", ID, "action", "-"), b"\xef\xbb\xbf\x1b[31m\x00\n\x1b]0;t\x07\n",
         "line 1: nothing"),
        (("add", ID, "action", b"bad \xff\xfe"), None, "the line is not valid UTF-8 (byte 0xff"),
        (("add", ID, "action", "x" * 2001), None, "the line is 2,001 characters"),
        (("add", ID, "action", "\x1b]0;title\x07\x1b[31m\x7f"), None, "nothing to capture"),
        (("add", ID, "action", "recap due:+999999d"), None,
         "due:+999999d (4764-10-20) is more than 5 years after the meeting (2026-11-24)"),
        (("add", ID, "action", "recap", "--by", b"Dana \xff"), None, "--by) is not valid UTF-8"),
        (("add", b"acme\xff", "action", "x"), None, "the meeting id is not valid UTF-8"),
        (("add", "\x1b]0;pwned\x07nope", "action", "x"), None, "no meeting 'nope'"),
        (("add", ID, "\x1b]0;pwned\x07\x1b[31mbanana", "x"), None, "unknown kind 'banana'"),
        (("attendee", ID, b"Jos\xe9"), None, "the attendee's name is not valid UTF-8 (byte 0xe9"),
        (("attendee", ID, "Lee", "--title", "t" * 2001), None, "title is 2,001 characters"),
        (("new", b"Caf\xe9 Nord"), None, "the client name is not valid UTF-8 (byte 0xe9"),
        (("new", "Acme", "--title", b"\xff"), None, "the meeting title is not valid UTF-8"),
        (("new", "\x1b[2J\x7f"), None, "the client name is empty"),
    ],
)  # fmt: skip
@pytest.mark.slow  # real processes: the full suite runs it
def test_bad_text_is_one_line_exit_2_and_the_file_is_untouched(acme_shared, args, stdin, message):
    before = digest(acme_shared)
    line = one_error(run(*args, stdin=stdin, db=acme_shared))
    assert message in line, line
    assert digest(acme_shared) == before


@pytest.mark.slow  # real processes: the full suite runs it
def test_stdin_bad_line_after_good_ones_saves_none(acme):
    before = digest(acme)
    line = one_error(run("add", ID, "action", "-", stdin=b"first\nsecond\n\xff\n", db=acme))
    assert "stdin line 3" in line and "nothing was saved" in line
    assert digest(acme) == before
    listing = run("export", ID, "--format", "csv", db=acme).stdout
    assert b"first" not in listing


@pytest.mark.slow  # real processes: the full suite runs it
def test_control_characters_are_removed_and_the_rest_saved(acme):
    r = run("add", ID, "action", "\ufeff\x1b]0;title\x07Send\x1b[31m the\trecap\x85 @maria",
            db=acme)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().startswith("#") and b"\x1b" not in r.stdout
    stdin = "\ufeffShare\x00 keys\x1b[0m @maria\r\nBook\x9b31m room\r\n".encode()
    r = run("add", ID, "action", "-", stdin=stdin, db=acme)
    assert r.returncode == 0 and b"added 2 action items" in r.stdout, r.stderr
    rows = list(csv.reader(io.StringIO(run("export", ID, "--format", "csv", db=acme)
                                       .stdout.decode("utf-8-sig"), newline="")))  # fmt: skip
    assert [row[1] for row in rows[1:]] == ["Send the recap", "Share keys", "Book room"]


# --- exports from a real process: no control byte, no formula cell -----------------------------


NASTY = ["\x1b]0;title\x07", "\x1b[31m", "\ufeff", "\x85", "\x9b", "\x1b", "\x7f"]  # NUL: stdin


@pytest.mark.slow  # real processes: the full suite runs it
def test_every_export_format_is_free_of_control_bytes(acme, tmp_path):
    """Nasty text through the core as the TUI sends it, and raw as an older version stored it;
    then the exports written by a real `kickoff` process (stdout and --all)."""
    from kickoff_tui.core import entry
    from kickoff_tui.core.models import Attendee, Item
    from kickoff_tui.core.record import attendee_names, load_snapshot, resolve_meeting
    from kickoff_tui.core.store import Store
    from tests.dbutil import write_raw

    nasty = "".join(NASTY) + "\x00"
    store = Store.open("sqlite:///" + str(acme))
    m = resolve_meeting(store, ID)
    people = attendee_names(store, ID)
    for kind, text in (("action", f"{nasty}recap{nasty} @maria due:fri"), ("decision", "go"),
                       ("risk", "placeholder")):  # fmt: skip
        entry.submit(store, m, people, kind, text, block_id=None, by="facilitator")
    entry.submit(store, m, people, "", f"person Lee{nasty} Wong, C{nasty}TO", block_id=None,
                 by="facilitator")  # fmt: skip
    snap = load_snapshot(store, ID)
    risk = next(i for i in snap.items if i.kind == "risk")
    write_raw(store, Item, int(risk.id or 0), text=f"old{nasty}row\ttab", owner=f"{nasty}Dana")
    write_raw(store, Attendee, int(snap.attendees[0].id or 0), title=f"VP{nasty}")
    store.close()
    md = run("export", ID, "--format", "md", db=acme)
    assert md.returncode == 0 and b"oldrow tab" in md.stdout, md.stderr
    out = tmp_path / "pack"
    r = run("export", ID, "--all", str(out), db=acme)
    assert r.returncode == 0, r.stderr
    files = sorted(out.iterdir())
    assert len(files) == 6  # md, email, csv, ics, json, html
    for name, data in [("stdout.md", md.stdout), *((p.name, p.read_bytes()) for p in files)]:
        bad = [b for b in data if (b < 0x20 and b not in (0x0A, 0x0D)) or b == 0x7F]
        assert not bad, bad
        # the CSV starts with a BOM on purpose (for spreadsheets); no other file has one
        text = data.decode("utf-8-sig" if name.endswith(".csv") else "utf-8")
        assert not [c for c in text if 0x80 <= ord(c) <= 0x9F or c == "\ufeff"]
        assert "recap" in text


@pytest.mark.slow  # real processes: the full suite runs it
def test_csv_from_the_command_line_has_no_formula_cells(acme):
    from kickoff_tui.core.capture import Capture
    from kickoff_tui.core.record import add_item, resolve_meeting
    from kickoff_tui.core.store import Store

    store = Store.open("sqlite:///" + str(acme))
    m = resolve_meeting(store, ID)
    for text in ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)"]:
        add_item(store, m, "action", Capture(text=text))
    store.close()
    r = run("add", ID, "action", "-", stdin=b"=1+1 @maria\n-5 % churn\n", db=acme)
    assert r.returncode == 0, r.stderr
    r = run("export", ID, "--format", "csv", db=acme)
    rows = list(csv.reader(io.StringIO(r.stdout.decode("utf-8-sig"), newline="")))
    for row in rows[1:]:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    assert [row[1] for row in rows[1:]] == [
        '\'=HYPERLINK("http://x","y")', "'+1+1", "'-2", "'@SUM(A1)", "'=1+1", "'-5 % churn",
    ]  # fmt: skip
    assert rows[5][2] == "Maria Lopez"


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.slow  # real processes: the full suite runs it
def test_start_in_a_dst_gap_is_moved_forward_with_a_warning(tmp_path):
    db = tmp_path / "k.db"
    r = run("new", "Gap", "--start", "2026-03-29T02:30", "--tz", "Europe/Berlin", db=db)
    assert r.returncode == 0 and r.stdout == b"gap-2026-03-29\n"
    assert r.stderr.decode().splitlines() == [
        "kickoff: warning: 02:30 does not exist on Sun 29 Mar 2026 in Europe/Berlin (the clocks "
        "go forward) — using 03:30 CEST (UTC+02:00)"
    ]
    status = run("status", "gap", db=db).stdout.decode()
    assert status == "gap-2026-03-29: not started (scheduled Sun 29 Mar 03:30 CEST)\n"
    r = run("new", "Plain", "--start", "2026-03-29T03:30", "--tz", "Europe/Berlin", db=db)
    assert r.returncode == 0 and r.stderr == b""


# --- --db always wins -------------------------------------------------------------------------


def meetings_in(db: Path) -> list[str]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return sorted(row[0] for row in con.execute("SELECT id FROM meeting"))
    finally:
        con.close()


@pytest.mark.parametrize("where", ["before", "after", "both"])
@pytest.mark.slow  # real processes: the full suite runs it
def test_db_flag_beats_kickoff_db(tmp_path, where):
    env_db, flag_db = make_acme(tmp_path / "env.db"), tmp_path / "flag.db"
    before = digest(env_db)
    new = ["new", "Flag Corp", "--start", "2026-11-24T09:00", "--tz", "UTC"]
    if where == "before":
        args = ["--db", str(flag_db), *new]
    elif where == "after":
        args = [*new, "--db", str(flag_db)]
    else:  # the command's own --db is the nearer one
        args = ["--db", str(tmp_path / "other.db"), *new, "--db", str(flag_db)]
    r = run(*args, env={"KICKOFF_DB": str(env_db)})
    assert r.returncode == 0 and r.stdout == b"flag-corp-2026-11-24\n", r.stderr
    assert digest(env_db) == before  # KICKOFF_DB's store untouched
    assert meetings_in(flag_db) == ["flag-corp-2026-11-24"]
    assert not (tmp_path / "other.db").exists()


@pytest.mark.slow  # real processes: the full suite runs it
def test_db_flag_beats_kickoff_db_for_reads(tmp_path):
    env_db = make_acme(tmp_path / "env.db")
    flag_db = tmp_path / "flag.db"
    r = run("new", "Flag Corp", "--start", "2026-11-24T09:00", "--tz", "UTC", db=flag_db)
    assert r.returncode == 0, r.stderr
    env = {"KICKOFF_DB": str(env_db)}
    assert run("list", "--db", str(flag_db), env=env).stdout.startswith(b"flag-corp")
    r = run("--db", str(flag_db), "status", "flag", env=env)  # the fast path honours it too
    assert r.returncode == 0 and r.stdout.startswith(b"flag-corp-2026-11-24: "), r.stderr
    line = one_error(run("--db", str(flag_db), "run", "acme", env=env))
    assert "no meeting 'acme'" in line
    assert run("list", env=env).stdout.startswith(b"acme-corp")  # no --db: KICKOFF_DB


def test_status_json_of_a_fresh_meeting(acme):
    data = json.loads(run("status", "acme", "--json", db=acme).stdout)
    assert data["meeting"] == ID and data["state"] == "not started"
    assert data["projected_end"] == "2026-11-24T16:30:00+01:00"


@pytest.mark.slow  # real processes: the full suite runs it
def test_list_and_check_print_old_rows_without_control_characters(acme):
    """Rows stored by an older version may hold escape sequences: what the commands print
    from them is cleaned (list is tab-separated by design)."""
    import sqlite3

    con = sqlite3.connect(acme)
    con.execute("UPDATE meeting SET client = ?", ("Acme\x1b]0;pwned\x07\x1b[31m\x9b2J Corp",))
    con.execute("UPDATE attendee SET name = ?", ("Maria\x1b[5m Lopez\x00",))
    con.commit()
    con.close()
    assert run("add", ID, "action", "placeholder", db=acme).returncode == 0  # no owner: a finding
    con = sqlite3.connect(acme)
    con.execute("UPDATE item SET text = ?", ("Send\x1b]0;pwned\x07 the\x85 deck\x00",))
    con.commit()
    con.close()
    for args in (["list"], ["check", ID], ["check", ID, "--json"]):
        r = run(*args, db=acme)
        assert r.returncode in (0, 1), r.stderr
        bad = [b for b in r.stdout if (b < 0x20 and b not in (0x09, 0x0A)) or b == 0x7F]
        assert not bad and b"\xc2\x9b" not in r.stdout, (args, bad)
        assert b"\\u001b" not in r.stdout.lower() and b"\\u0000" not in r.stdout, args
    assert b"Acme Corp" in run("list", db=acme).stdout
    assert b"Send the deck" in run("check", ID, db=acme).stdout  # the finding quotes it
