"""Files land whole and private (issue 17, point 4): temp file + fsync + rename, mode 0600, no
link or FIFO ever written through, a pack whole or absent, stale temp files swept and named.

The faults are real: a full tmpfs (or a file-size limit where mounting is not possible), a
process killed with SIGKILL in the middle of a write, a FIFO nobody reads.
"""

from __future__ import annotations

import hashlib
import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kickoff_tui.core import files
from kickoff_tui.core.errors import StoreError
from kickoff_tui.core.export.pack import FORMATS
from kickoff_tui.core.files import FileRefusedError, write_atomic, write_pack
from tests.dbutil import fill_disk, mount_tmpfs

ROOT = Path(__file__).resolve().parent.parent


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    """Every entry in ``folder`` (hidden ones too) with its content's hash."""
    return {p.name: sha(p) if p.is_file() else "dir" for p in sorted(folder.iterdir())}


def kickoff(*args: str, db: Path, preexec=None, prelude: str = "", timeout: float = 60):
    """The real CLI in a subprocess; ``prelude`` is Python run first (to inject a fault)."""
    env = {**os.environ, "KICKOFF_DB": str(db)}
    code = f"{prelude}\nimport sys\nfrom kickoff_tui.cli import main\nsys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
        timeout=timeout, preexec_fn=preexec, cwd=ROOT,
    )  # fmt: skip


#: Python that SIGKILLs the process at its Nth call of os.replace / os.rename: a real kill in
#: the middle of a write, at exactly the step named.
KILL_AT = """
import os, signal
_calls = {{"n": 0}}
def _killing(real):
    def call(*a, **k):
        _calls["n"] += 1
        if _calls["n"] == {n}:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*a, **k)
    return call
os.{fn} = _killing(os.{fn})
"""


@pytest.fixture
def db(meeting, store, tmp_path):
    """A meeting with enough text that the record is larger than 64 KiB."""
    from kickoff_tui.core.record import add_lines

    add_lines(store, meeting, "action",
              [f"Send the SSO checklist, part {n} of many, to the IT team @maria due:fri"
               for n in range(800)])  # fmt: skip
    store.close()
    return tmp_path / "kickoff.db"


def one_error_line(r: subprocess.CompletedProcess, *needles: str) -> str:
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kickoff: error: "), r.stderr
    for needle in needles:
        assert needle in lines[0], r.stderr
    return lines[0]


# --- the helper -----------------------------------------------------------------------------


def test_a_new_file_is_private_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.md", b"one")
        os.umask(0o277)  # would make 0400 if the mode were left to the umask
        write_atomic(tmp_path / "b.md", b"two")
    finally:
        os.umask(old)
    for name, data in (("a.md", b"one"), ("b.md", b"two")):
        p = tmp_path / name
        assert p.read_bytes() == data and stat.S_IMODE(p.stat().st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["a.md", "b.md"]  # no temp file left


def test_an_existing_file_is_replaced_whole_and_made_private(tmp_path):
    p = tmp_path / "r.md"
    p.write_bytes(b"x" * 10_000)
    p.chmod(0o644)
    inode = p.stat().st_ino
    write_atomic(p, b"short")
    assert p.read_bytes() == b"short" and stat.S_IMODE(p.stat().st_mode) == 0o600
    assert p.stat().st_ino != inode  # a new file renamed over it, not rewritten in place


def test_a_symlink_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_bytes(b"keep me")
    link = tmp_path / "r.md"
    link.symlink_to(target)
    with pytest.raises(FileRefusedError, match="symbolic link"):
        write_atomic(link, b"overwritten")
    assert target.read_bytes() == b"keep me" and link.is_symlink()
    dangling = tmp_path / "d.md"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileRefusedError, match="symbolic link"):
        write_atomic(dangling, b"x")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda p: os.mkfifo(p), "named pipe"),
        (lambda p: p.mkdir(), "a folder"),
    ],
)
def test_a_fifo_or_a_folder_is_refused_without_opening_it(tmp_path, make, what):
    p = tmp_path / "r.md"
    make(p)
    with pytest.raises(FileRefusedError, match=what):  # a FIFO opened for writing would block
        write_atomic(p, b"x")
    assert sorted(os.listdir(tmp_path)) == ["r.md"]


def test_a_device_is_refused():
    with pytest.raises(FileRefusedError, match="a device"):
        write_atomic(Path("/dev/null"), b"x")


def test_a_missing_folder_is_one_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist: create it"):
        write_atomic(tmp_path / "no" / "r.md", b"x")


def test_stale_temp_files_of_dead_writers_are_swept_and_named(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)
    stale = tmp_path / f".r.md.kickoff-{pid}-0123abcd.tmp"
    stale.write_bytes(b"half")
    live = tmp_path / f".r.md.kickoff-{os.getppid()}-0123abcd.tmp"  # a live writer's
    live.write_bytes(b"busy")
    other = tmp_path / f".x.md.kickoff-{pid}-0123abcd.tmp"  # another file's: not ours to sweep
    other.write_bytes(b"x")
    written = write_atomic(tmp_path / "r.md", b"new")
    assert not stale.exists() and live.exists() and other.exists()
    assert written.notes == [f"removed {stale}, left by an interrupted export"]


# --- the pack -------------------------------------------------------------------------------

PACK = [("m.md", b"# record\n"), ("m-email.txt", b"mail\n"), ("m.ics", b"BEGIN:VCALENDAR\n")]


def test_a_pack_is_private_and_leaves_no_temp_folder(tmp_path):
    out = tmp_path / "out" / "pack"
    written = write_pack(out, PACK)
    assert [p.name for p in written] == ["m.md", "m-email.txt", "m.ics"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for p, (_, data) in zip(written, PACK, strict=True):
        assert p.read_bytes() == data and stat.S_IMODE(p.stat().st_mode) == 0o600
    assert sorted(os.listdir(tmp_path / "out")) == ["pack"]
    again = write_pack(out, [(n, d + b"v2") for n, d in PACK])  # the folder swapped whole
    assert [p.read_bytes()[-2:] for p in again] == [b"v2"] * 3
    assert sorted(os.listdir(tmp_path / "out")) == ["pack"] and len(os.listdir(out)) == 3


def test_a_pack_into_a_folder_with_other_files_keeps_them(tmp_path):
    (tmp_path / "mine.txt").write_bytes(b"the user's own")
    written = write_pack(tmp_path, PACK)
    assert (tmp_path / "mine.txt").read_bytes() == b"the user's own"
    assert sorted(os.listdir(tmp_path)) == sorted(["mine.txt", "m.md", "m-email.txt", "m.ics"])
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in written)


def test_a_symlink_as_the_pack_folder_or_inside_it_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(FileRefusedError, match="symbolic link"):
        write_pack(tmp_path / "link", PACK)
    (real / "m.md").symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(FileRefusedError, match="symbolic link"):
        write_pack(real, PACK)
    assert sorted(os.listdir(real)) == ["m.md"] and not (tmp_path / "elsewhere.md").exists()


# --- the command line, with real faults -----------------------------------------------------


def test_export_o_on_a_fifo_refuses_at_once(db, tmp_path):
    fifo = tmp_path / "r.md"
    os.mkfifo(fifo)
    r = kickoff("export", "acme", "-o", str(fifo), db=db, timeout=30)  # today: blocks forever
    assert r.returncode == 2
    one_error_line(r, "named pipe (FIFO)", "choose another path")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_o_on_a_symlink_refuses_and_leaves_the_target(db, tmp_path):
    target = tmp_path / "shared.md"
    target.write_bytes(b"someone else's file")
    (tmp_path / "r.md").symlink_to(target)
    r = kickoff("export", "acme", "-o", str(tmp_path / "r.md"), db=db)
    assert r.returncode == 2
    one_error_line(r, "symbolic link")
    assert target.read_bytes() == b"someone else's file"


def test_export_o_writes_0600_even_over_a_0644_file(db, tmp_path):
    out = tmp_path / "r.md"
    out.write_bytes(b"old")
    out.chmod(0o644)
    r = kickoff("export", "acme", "-o", str(out), db=db)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"# Acme Corp kickoff")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.fixture(params=["tmpfs", "file-size-limit"])
def full_disk(request, tmp_path):
    """A folder where the next record cannot be written: a 4 MiB tmpfs filled up, or (where
    mounting is not possible, and always as a second case) RLIMIT_FSIZE on the subprocess
    (48 KiB: above the 32 KiB -shm SQLite may map, below the record).
    Yields (folder, preexec_fn, fill) — call fill() after placing the previous file."""
    where = tmp_path / "disk"
    where.mkdir()
    if request.param == "tmpfs":
        if not mount_tmpfs(where, "4m"):
            pytest.skip("cannot mount a tmpfs here (needs root); the file-size-limit case runs")

        yield where, None, lambda: fill_disk(where)
        subprocess.run(["umount", str(where)], check=False)
        return

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))

    yield where, limit, lambda: None


@pytest.mark.slow  # real processes: the full suite runs it
def test_export_o_on_a_full_disk_keeps_the_previous_file(db, full_disk):
    where, preexec, fill = full_disk
    out = where / "record.md"
    assert kickoff("export", "acme", "-o", str(out), db=db).returncode == 0
    before = sha(out)
    assert out.stat().st_size > 64 * 1024
    fill()
    r = kickoff("export", "acme", "-o", str(out), db=db, preexec=preexec)
    assert r.returncode == 1
    one_error_line(r, f"cannot write {out}", "free some disk space", "left as it was")
    assert sha(out) == before
    assert sorted(os.listdir(where)) in (["record.md"], ["filler", "record.md"])  # no temp


@pytest.mark.slow  # real processes: the full suite runs it
def test_export_all_on_a_full_disk_keeps_the_previous_pack(db, full_disk):
    where, preexec, fill = full_disk
    pack = where / "pack"
    r = kickoff("export", "acme", "--all", str(pack), db=db)
    assert r.returncode == 0, r.stderr
    before = tree(pack)
    fill()
    r = kickoff("export", "acme", "--all", str(pack), db=db, preexec=preexec)
    assert r.returncode == 1
    one_error_line(r, f"cannot write {pack}", "free some disk space", "left as it was")
    assert tree(pack) == before
    assert sorted(n for n in os.listdir(where) if n != "filler") == ["pack"]


@pytest.mark.slow  # real processes: the full suite runs it
def test_a_killed_export_leaves_the_old_file_and_the_next_one_sweeps(db, tmp_path):
    out = tmp_path / "record.md"
    out.write_bytes(b"the previous record")
    r = kickoff("export", "acme", "-o", str(out), db=db, prelude=KILL_AT.format(fn="replace", n=1))
    assert r.returncode == -9
    assert out.read_bytes() == b"the previous record"
    [temp] = [n for n in os.listdir(tmp_path) if n.startswith(".record.md.kickoff-")]
    r = kickoff("export", "acme", "-o", str(out), db=db)
    assert r.returncode == 0, r.stderr
    assert f"kickoff: note: removed {tmp_path / temp}, left by an interrupted export" in r.stderr
    assert not (tmp_path / temp).exists() and out.read_bytes().startswith(b"# Acme")


@pytest.mark.slow  # real processes: the full suite runs it
def test_a_pack_killed_before_it_lands_is_absent_then_swept(db, tmp_path):
    pack = tmp_path / "pack"
    # os.rename #1 is the temp folder into place: killed there, nothing is at the path.
    r = kickoff("export", "acme", "--all", str(pack), db=db,
                prelude=KILL_AT.format(fn="rename", n=1))  # fmt: skip
    assert r.returncode == -9
    assert not pack.exists()
    [stage] = [n for n in os.listdir(tmp_path) if n.startswith(".pack.kickoff-")]
    r = kickoff("export", "acme", "--all", str(pack), db=db)
    assert r.returncode == 0, r.stderr
    assert f"removed {tmp_path / stage}, left by an interrupted export" in r.stderr
    assert len(os.listdir(pack)) == len(FORMATS) and not (tmp_path / stage).exists()


@pytest.mark.slow  # real processes: the full suite runs it
def test_a_pack_replacing_an_old_one_is_old_or_new_or_absent_never_mixed(db, tmp_path):
    pack = tmp_path / "pack"
    assert kickoff("export", "acme", "--all", str(pack), db=db).returncode == 0
    for name in os.listdir(pack):
        (pack / name).write_bytes(b"old " + name.encode())
    old = tree(pack)
    # rename #1 moves the old folder aside, #2 the new one in: killed between them.
    r = kickoff("export", "acme", "--all", str(pack), db=db,
                prelude=KILL_AT.format(fn="rename", n=2))  # fmt: skip
    assert r.returncode == -9
    assert not pack.exists() or tree(pack) == old
    r = kickoff("export", "acme", "--all", str(pack), db=db)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("left by an interrupted export") == 2  # the new stage and the old one
    assert sorted(os.listdir(tmp_path)) == ["kickoff.db", "pack"]
    assert all(not v.startswith("old") for v in (p.read_text()[:3] for p in pack.iterdir()))


@pytest.mark.slow  # real processes: the full suite runs it
def test_a_pack_move_cut_short_in_a_shared_folder_is_finished_by_the_next_export(db, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "mine.txt").write_bytes(b"the user's own")
    # rename #1 commits the staged pack; os.replace #3 is the third file moving into place.
    prelude = KILL_AT.format(fn="replace", n=3)
    r = kickoff("export", "acme", "--all", str(shared), db=db, prelude=prelude)
    assert r.returncode == -9
    [ready] = [n for n in os.listdir(shared) if n.endswith(".ready")]
    assert len(os.listdir(shared / ready)) == len(FORMATS) - 2  # two landed, the rest wait
    r = kickoff("export", "acme", "--all", str(shared), db=db)
    assert r.returncode == 0, r.stderr
    assert "finished a pack export that was interrupted" in r.stderr
    names = sorted(os.listdir(shared))
    assert len(names) == len(FORMATS) + 1 and "mine.txt" in names
    assert not any(n.startswith(".") for n in names)


def test_sweep_ignores_what_is_not_ours(tmp_path):
    for name in (
        ".r.md.swp",
        ".r.md.kickoff-1-zz.tmp",
        "r.md.kickoff-1-ab.tmp",
        ".kickoff-1-a.tmp",
    ):
        (tmp_path / name).write_bytes(b"x")
    assert files.sweep(tmp_path) == []
    assert len(os.listdir(tmp_path)) == 4
