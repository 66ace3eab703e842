"""A refused file is left byte for byte as it was; reading commands never write (issue 17,
point 5). Real subprocesses on real files: the sha256 of every refused file before and after,
and no -wal/-shm left beside it. Read-only files and folders are tried as a user the
permissions apply to (``nobody`` when the suite runs as root)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.errors import NoDatabaseError, NotADatabaseError, StoreError
from kickoff_tui.core.export.pack import FORMATS
from kickoff_tui.core.record import add_lines, create_meeting
from kickoff_tui.core.store import Store
from tests.conftest import START

ROOT = Path(__file__).resolve().parent.parent


def state(path: Path) -> tuple[str, bool, bool]:
    """(sha256 of the file, whether -wal exists, whether -shm exists)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, Path(f"{path}-wal").exists(), Path(f"{path}-shm").exists()


def kickoff(*args: str, db: Path, user: list[str] | None = None, env: dict | None = None):
    full = {**os.environ, **(env or {}), "KICKOFF_DB": str(db)}
    argv = [*(user or [sys.executable]), "-m", "kickoff_tui.cli", *args]
    return subprocess.run(argv, capture_output=True, text=True, env=full, timeout=60, cwd="/")


def make_kickoff_db(path: Path, *, items: int = 3) -> str:
    store = Store.open("sqlite:///" + str(path))
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    add_lines(store, m, "action", [f"Send checklist {n} @maria due:fri" for n in range(items)])
    store.close()  # the last connection: checkpointed, the -wal and -shm removed
    assert not Path(f"{path}-wal").exists()
    return m.id


# --- files that must be refused -------------------------------------------------------------


def newer(path: Path, journal: str) -> None:
    make_kickoff_db(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE kickoff_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.execute(f"PRAGMA journal_mode={journal}")  # DELETE: as a newer release might leave it
    con.close()


def truncated(path: Path, cut: str) -> None:
    make_kickoff_db(path, items=300)
    data = path.read_bytes()
    assert len(data) >= 8 * 4096
    half = len(data) // 2 // 4096 * 4096  # whole pages: only the header's page count tells
    path.write_bytes(data[:half] if cut == "pages" else data[: len(data) - 1000])


def corrupt(path: Path) -> None:
    make_kickoff_db(path, items=300)
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # every page after the first is garbage
    path.write_bytes(bytes(data))


def foreign(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.commit()
    con.close()


CASES = {
    "newer, rollback journal": (lambda p: newer(p, "DELETE"), 1, "newer kickoff-tui"),
    "newer, WAL": (lambda p: newer(p, "WAL"), 1, "newer kickoff-tui"),
    "empty": (lambda p: p.write_bytes(b""), 2, "empty (0 bytes)"),
    "truncated at a page": (lambda p: truncated(p, "pages"), 1, "cut short"),
    "truncated mid-page": (lambda p: truncated(p, "bytes"), 1, "cut short"),
    "corrupt pages": (corrupt, 1, "damaged"),
    "a text file": (lambda p: p.write_text("meeting notes\n" * 100), 2, "not a SQLite file"),
    "another app's SQLite": (foreign, 2, "not a kickoff one"),
}

READING = [("list",), ("status", "acme"), ("export", "acme"), ("check", "acme")]
WRITING = [("add", "acme", "action", "Send the recap"), ("new", "Other Client"), ("run", "acme")]


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.slow  # real processes: the full suite runs it
def test_a_refused_file_is_left_byte_for_byte(tmp_path, case):
    make, code, needle = CASES[case]
    db = tmp_path / "k.db"
    make(db)
    before = state(db)
    assert before[1:] == (False, False)
    commands = (
        READING + WRITING if case.startswith("newer") else [READING[0], READING[2], WRITING[0]]
    )
    for args in commands:
        r = kickoff(*args, db=db)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == code, (args, r.stderr)
        assert len(lines) == 1 and needle in lines[0], (args, r.stderr)
        assert state(db) == before, (args, "the refused file was changed")


@pytest.mark.slow  # real processes: the full suite runs it
def test_damaged_says_how_to_recover(tmp_path):
    db = tmp_path / "k.db"
    truncated(db, "pages")
    r = kickoff("list", db=db)
    line = r.stderr.strip()
    assert "k.db-wal" in line and "backup" in line and f"sqlite3 {db} .recover" in line
    assert "nothing was changed" in line


@pytest.mark.slow  # real processes: the full suite runs it
def test_an_empty_file_becomes_a_database_only_when_asked_to_write(tmp_path):
    db = tmp_path / "k.db"
    db.write_bytes(b"")
    assert kickoff("list", db=db).returncode == 2 and db.stat().st_size == 0
    r = kickoff("new", "Acme Corp", "--start", "2026-11-24T15:00", "--tz", "UTC", db=db)
    assert r.returncode == 0, r.stderr
    assert "acme-corp-2026-11-24" in kickoff("list", db=db).stdout


@pytest.mark.slow  # real processes: the full suite runs it
def test_reading_commands_create_nothing(tmp_path):
    db = tmp_path / "none" / "k.db"
    r = kickoff("list", db=db)
    assert r.returncode == 0 and "no meetings yet" in r.stderr
    r = kickoff("status", "acme", db=db)
    assert r.returncode == 2 and "no kickoff database at" in r.stderr
    assert not (tmp_path / "none").exists()


@pytest.mark.slow  # real processes: the full suite runs it
def test_reading_a_good_file_leaves_it_and_its_journal_mode_as_they_were(tmp_path):
    """A valid file in rollback-journal mode (an old copy, a VACUUM INTO): reading it must not
    switch it to WAL — the first thing the old code did."""
    db = tmp_path / "k.db"
    make_kickoff_db(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    before = state(db)
    for args in READING:
        r = kickoff(*args, db=db)
        assert r.returncode in (0, 1) and "error" not in r.stderr, (args, r.stderr)
        assert state(db) == before, args


# --- the core API the cockpit uses ---------------------------------------------------------


def test_store_open_readonly_never_writes_and_says_so(tmp_path):
    db = tmp_path / "k.db"
    make_kickoff_db(db)
    before = state(db)
    store = Store.open(f"sqlite:///{db}", readonly=True)
    assert store.readonly and store.readonly_reason
    with pytest.raises(StoreError, match="open read-only, nothing was saved"), store.write():
        pass
    store.close()
    assert state(db) == before
    auto = Store.open(f"sqlite:///{db}", readonly="auto")  # writable here: writes
    assert not auto.readonly
    auto.close()


def test_store_open_readonly_refuses_what_it_cannot_read(tmp_path):
    with pytest.raises(NoDatabaseError):
        Store.open(f"sqlite:///{tmp_path / 'missing.db'}", readonly=True)
    (tmp_path / "empty.db").write_bytes(b"")
    with pytest.raises(NotADatabaseError, match="empty"):
        Store.open(f"sqlite:///{tmp_path / 'empty.db'}", readonly=True)
    assert not (tmp_path / "missing.db").exists()


# --- read-only files and folders, as a user they apply to ----------------------------------


def _as_other_user() -> list[str] | None:
    """argv (python) that runs as a user chmod applies to, and can import kickoff_tui."""
    if os.geteuid() != 0:
        return [sys.executable]
    runuser = shutil.which("runuser")
    if runuser is None:
        return None
    site = sysconfig.get_paths()["purelib"]
    candidates = [
        [runuser, "-u", "nobody", "--", sys.executable],
        # The interpreter may live where nobody cannot go (/root/.pyenv): the system one, same
        # minor version, with this environment's packages.
        [runuser, "-u", "nobody", "--", "env", f"PYTHONPATH={site}:{ROOT}",
         f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"],
    ]  # fmt: skip
    for argv in candidates:
        probe = subprocess.run([*argv, "-c", "import kickoff_tui.cli, sqlmodel, pendulum"],
                               capture_output=True, cwd="/", timeout=60)  # fmt: skip
        if probe.returncode == 0:
            return argv
    return None


@pytest.fixture(scope="module")
def other_user():
    argv = _as_other_user()
    if argv is None:
        pytest.skip("running as root and no way to run as a user permissions apply to")
    return argv


@pytest.fixture
def shared(other_user):
    """A folder the other user owns (under /tmp: pytest's tmp_path is private to root)."""
    where = Path(tempfile.mkdtemp(prefix="kickoff-ro-", dir="/tmp"))
    where.chmod(0o755)
    yield where
    shutil.rmtree(where, ignore_errors=True)


def _give(path: Path, uid: int = 65534) -> None:
    if os.geteuid() == 0:
        for p in (path, *path.rglob("*")):
            os.chown(p, uid, -1)


@pytest.mark.parametrize("locked", ["file 0400", "folder 0500"])
@pytest.mark.slow  # real processes: the full suite runs it
def test_read_only_store_reads_and_refuses_writes_in_one_line(shared, other_user, locked):
    folder = shared / "store"
    folder.mkdir()
    db = folder / "k.db"
    make_kickoff_db(db)
    out = shared / "out"
    out.mkdir()
    _give(shared)
    if locked == "file 0400":
        db.chmod(0o400)
    else:
        folder.chmod(0o500)
    before = state(db)
    listing = kickoff("list", db=db, user=other_user)
    assert listing.returncode == 0 and "acme-corp-2026-11-24" in listing.stdout, listing.stderr
    status = kickoff("status", "acme", db=db, user=other_user)
    assert status.returncode == 0 and "not started" in status.stdout, status.stderr
    md = kickoff("export", "acme", db=db, user=other_user)
    assert md.returncode == 0 and md.stdout.startswith("# Acme Corp kickoff"), md.stderr
    check = kickoff("check", "acme", db=db, user=other_user)
    assert "health" in check.stdout and check.stderr == "", check.stderr
    pack = kickoff("export", "acme", "--all", str(out / "pack"), db=db, user=other_user)
    assert pack.returncode == 0 and len(list((out / "pack").iterdir())) == len(FORMATS), pack.stderr
    assert "the export time was not recorded" in pack.stderr
    assert state(db) == before
    add = kickoff("add", "acme", "action", "Send the recap", db=db, user=other_user)
    lines = add.stderr.strip().splitlines()
    assert add.returncode == 1 and len(lines) == 1, add.stderr
    if locked == "file 0400":
        assert "read-only for you (mode 0400)" in lines[0] and f"chmod u+w {db}" in lines[0]
    else:
        assert f"the folder {folder} is read-only for you (mode 0500)" in lines[0]
        assert f"chmod u+w {folder}" in lines[0]
    assert state(db) == before
    folder.chmod(0o700)


def test_a_reading_store_on_postgresql_is_read_only_on_the_server(pg_url):
    """On PostgreSQL a reading store's transactions are READ ONLY, so not even a bug can write."""
    from sqlalchemy import text as sql

    from kickoff_tui.core.record import list_meetings

    writer = Store.open(pg_url)
    create_meeting(writer, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    writer.close()
    reader = Store.open(pg_url, readonly=True)
    assert reader.readonly
    assert [m.client for m in list_meetings(reader)] == ["Acme Corp"]
    with pytest.raises(Exception, match="read-only transaction"), reader.engine.begin() as conn:
        conn.execute(sql("UPDATE meeting SET client = 'x'"))
    reader.close()


@pytest.mark.slow  # real processes: the full suite runs it
def test_damage_found_only_while_saving_still_says_how_to_recover(tmp_path):
    """The header and schema read fine, but pages deep in the file are garbage."""
    db = tmp_path / "k.db"
    make_kickoff_db(db, items=2000)
    data = bytearray(db.read_bytes())
    data[-10 * 4096 :] = b"\xa5" * (10 * 4096)
    db.write_bytes(bytes(data))
    before = state(db)[0]
    r = kickoff("add", "acme", "action", "Send the recap", db=db)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 1 and len(lines) == 1, r.stderr
    assert "is damaged" in lines[0] and ".recover" in lines[0] and "backup" in lines[0]
    assert state(db)[0] == before


@pytest.mark.slow  # real processes: the full suite runs it
def test_damaged_names_the_backup_an_upgrade_left_beside_it(tmp_path):
    db = tmp_path / "k.db"
    truncated(db, "bytes")
    (tmp_path / "k.db.schema-v1.bak").write_bytes(b"an older, whole copy")
    r = kickoff("list", db=db)
    assert (
        r.returncode == 1
        and "restore a backup (the newest beside it: k.db.schema-v1.bak)" in r.stderr
    )
