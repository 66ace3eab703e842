"""Every file kickoff writes lands whole and private, or not at all.

One way in for every file a command or the cockpit writes (``export -o``, the follow-through
pack, invitations and mail to come):

* :func:`write_atomic` writes a temp file in the target's own folder (``O_EXCL``, mode 0600),
  fsyncs it, renames it over the target and fsyncs the folder. A reader — and the disk after a
  crash or a full disk — sees the old file or the new one, never half of either.
* The target is looked at with ``lstat`` only: a symbolic link, a FIFO, a device, a socket or a
  folder at the path is refused with one line (exit 2) and never opened — opening a FIFO for
  writing would block until someone reads it.
* :func:`write_pack` builds a set of files in a temp folder and renames the folder into place,
  so the pack is whole or absent. Only a folder holding nothing but the pack's own files is
  replaced that way; into a folder that holds other files too the pack is staged inside it,
  committed by a rename, then moved file by file — and a move cut short is finished by the next
  export (the staged files were already whole).
* Temp files and folders carry the writer's pid (``.NAME.kickoff-PID-TOKEN.tmp``); the next write
  to the same place removes those whose writer is gone (killed, power cut) and says so.

Headless: imports neither Textual nor SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kickoff_tui.core.errors import InputError, StoreError

#: A file or folder we left behind: ``.<name>.kickoff-<pid>-<token>.<state>``.
TEMP_RE = re.compile(
    r"^\.(?P<base>.+)\.kickoff-(?P<pid>[0-9]+)-(?P<token>[0-9a-f]+)\.(?P<state>tmp|ready|old)$"
)
#: A temp entry older than this is stale even if a process with its pid is alive (pid reuse).
STALE_AFTER_S = 3600.0
#: The base name of a pack staged inside a folder that holds other files too.
_STAGE_BASE = "pack"

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISDIR, "a folder"),
)


class FileRefusedError(InputError):
    """The path names something kickoff will not write through (a link, a FIFO, a device)."""


@dataclass
class Written:
    """What a write produced: the paths, and notes for the user (stale temp files removed)."""

    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # Behaves as its list of paths, so callers that took a list keep working.
    def __iter__(self) -> Iterator[Path]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> Path:
        return self.paths[index]


def _kind(mode: int) -> str | None:
    return next((what for test, what in _KINDS if test(mode)), None)


def check_target(path: Path, *, folder: bool = False) -> bool:
    """Refuse ``path`` unless it is absent or a regular file (a real folder when ``folder``);
    return whether it exists. Only ``lstat`` is used: nothing at the path is ever opened."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        raise FileRefusedError(
            f"cannot write {path}: a part of that path is a file, not a folder — choose "
            "another path"
        ) from None
    kind = _kind(st.st_mode)
    if kind == "a symbolic link":
        raise FileRefusedError(
            f"{path} is a symbolic link — kickoff never writes through a link: give the real "
            "path, or remove the link"
        )
    if folder and kind == "a folder":
        return True
    if folder:
        raise FileRefusedError(f"{path} is a file, not a folder — give a folder path")
    if kind is not None:
        raise FileRefusedError(
            f"{path} is {kind}, not a regular file — kickoff will not write into it: "
            "choose another path"
        )
    return True


def _fix(exc: OSError, where: Path) -> str:
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "free some disk space or choose another place"
    if code in (errno.EACCES, errno.EPERM):
        return f"the folder {where} is not writable for you: choose another place"
    if code == errno.EROFS:
        return f"{where} is on a read-only file system: choose another place"
    if code == errno.ENOENT:
        return f"the folder {where} does not exist: create it or choose another place"
    return "choose another place"


def _fail(what: Path, exc: OSError, where: Path, kept: str) -> StoreError:
    reason = exc.strerror or str(exc)
    return StoreError(f"cannot write {what}: {reason} — {_fix(exc, where)}; {kept}")


def _temp_name(base: str, state: str = "tmp") -> str:
    return f".{base}.kickoff-{os.getpid()}-{secrets.token_hex(4)}.{state}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid < 2**31  # someone else's live process (or a number that is no pid at all)
    return True


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform lets a folder be fsynced)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    st = os.lstat(path)
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def sweep(folder: Path, base: str | None = None) -> list[str]:
    """Remove temp files and folders that a killed writer left in ``folder`` (for ``base``
    only, when given); finish a committed pack move that was cut short. Returns one note per
    thing done, for the user. Entries of live writers are left alone."""
    notes: list[str] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return notes
    now = time.time()
    for name in names:
        m = TEMP_RE.match(name)
        if m is None or (base is not None and m["base"] != base):
            continue
        path = folder / name
        try:
            age = now - os.lstat(path).st_mtime
        except FileNotFoundError:
            continue
        if _alive(int(m["pid"])) and age < STALE_AFTER_S:
            continue
        try:
            if m["state"] == "ready":
                moved = _move_out(path, folder)
                notes.append(
                    f"finished a pack export that was interrupted in {folder} "
                    f"({moved} file{'s' if moved != 1 else ''} moved into place)"
                )
                continue
            _remove(path)
        except OSError:
            continue  # not ours to fix now; the next write tries again
        notes.append(f"removed {path}, left by an interrupted export")
    return notes


def _write_file(path: Path, data: bytes) -> None:
    """Create ``path`` (must not exist), write ``data``, fsync; mode 0600 whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path | str, data: bytes) -> Written:
    """Replace ``path`` whole with ``data`` (mode 0600), or leave it exactly as it was."""
    path = Path(path)
    existed = check_target(path)
    folder = path.parent
    notes = sweep(folder, path.name)
    tmp = folder / _temp_name(path.name)
    kept = f"{path} was left as it was" if existed else "nothing was written"
    try:
        _write_file(tmp, data)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _fail(path, exc, folder, kept) from None
    _fsync_dir(folder)
    return Written([path], notes)


def write_pack(directory: Path | str, files: Sequence[tuple[str, bytes]]) -> Written:
    """Write ``files`` (name, bytes) into ``directory`` (mode 0700) as one whole pack.

    A missing folder, or one holding nothing but these files, is built beside it and renamed
    into place: whole or absent. A folder that holds other files too gets the pack staged
    inside it and moved in after a committing rename (see the module doc).
    """
    directory = Path(directory)
    names = [name for name, _ in files]
    if len(set(names)) != len(names) or any("/" in n or n.startswith(".") for n in names):
        raise ValueError(f"bad pack file names: {names}")
    exists = check_target(directory, folder=True)
    parent = directory.parent
    notes = sweep(parent, directory.name)
    kept = f"{directory} was left as it was" if exists else "nothing was written"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if exists:
            notes += sweep(directory)
            for name in names:
                check_target(directory / name)
            others = set(os.listdir(directory)) - set(names)
        else:
            others = set()
    except OSError as exc:
        raise _fail(directory, exc, parent, kept) from None
    if others:
        return Written(_pack_into(directory, files), notes)
    return Written(_pack_beside(directory, files, exists, kept), notes)


def _stage(stage: Path, files: Sequence[tuple[str, bytes]]) -> list[Path]:
    os.mkdir(stage, 0o700)
    os.chmod(stage, 0o700)
    for name, data in files:
        _write_file(stage / name, data)
    _fsync_dir(stage)
    return [stage / name for name, _ in files]


def _pack_beside(
    directory: Path, files: Sequence[tuple[str, bytes]], exists: bool, kept: str
) -> list[Path]:
    parent = directory.parent
    stage = parent / _temp_name(directory.name)
    try:
        _stage(stage, files)
        if exists:
            old = parent / _temp_name(directory.name, "old")
            os.rename(directory, old)
            try:
                os.rename(stage, directory)
            except OSError:
                os.rename(old, directory)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(stage, directory)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise _fail(directory, exc, parent, kept) from None
    _fsync_dir(parent)
    return [directory / name for name, _ in files]


def _pack_into(directory: Path, files: Sequence[tuple[str, bytes]]) -> list[Path]:
    stage = directory / _temp_name(_STAGE_BASE)
    try:
        _stage(stage, files)
        ready = stage.with_name(stage.name[: -len(".tmp")] + ".ready")
        os.rename(stage, ready)  # the commit point: from here on the pack lands, now or later
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise _fail(directory, exc, directory, f"{directory} was left as it was") from None
    _fsync_dir(directory)
    try:
        _move_out(ready, directory)
    except OSError as exc:
        raise StoreError(
            f"cannot finish writing the pack in {directory}: {exc.strerror or exc} — the "
            "complete pack waits in a hidden folder there; the next export finishes it"
        ) from None
    return [directory / name for name, _ in files]


def _move_out(ready: Path, directory: Path) -> int:
    """Move every file of a committed stage into ``directory``, then drop the stage."""
    moved = 0
    for name in sorted(os.listdir(ready)):
        os.replace(ready / name, directory / name)
        moved += 1
    _fsync_dir(directory)
    os.rmdir(ready)
    return moved
