"""What is at a ``--db`` path, found out without writing a byte to it.

Opening a SQLite file the normal way switches it to WAL (a write to its header) and can create
``-wal``/``-shm`` files beside it. So before the store opens a file, :func:`examine` looks at it
with plain reads and a read-only connection, and refuses — leaving the file byte for byte as it
was — anything that is not a kickoff database this version can use:

* not a regular file (a folder, a FIFO, a device);
* not SQLite at all (some other file), or another application's SQLite database;
* cut short (smaller than its own header says) or otherwise damaged: the message says how to
  recover (the ``-wal`` file, a backup, ``sqlite3 FILE .recover``);
* written by a newer kickoff-tui (a higher schema version).

An empty (0-byte) file is reported as such: a writing command may turn it into a database, a
reading command refuses it. :func:`examine` also says whether this user can write there (the
file, and the folder SQLite must create ``-wal`` in) and which URI reads the file without
writing: ``immutable=1`` for a WAL file with no ``-wal`` beside it (nothing to merge, nothing is
created), ``mode=ro`` otherwise.

Standard library only (no SQLAlchemy): cheap enough for the fast paths too.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from kickoff_tui.core.errors import (
    KickoffError,
    NewerSchemaError,
    NotADatabaseError,
    StoreError,
    UnavailableError,
)
from kickoff_tui.core.schema import SCHEMA_VERSION

MAGIC = b"SQLite format 3\x00"
META_TABLE = "kickoff_meta"


class DamagedDatabaseError(StoreError):
    """The file is SQLite but cut short or corrupt: the message says how to recover."""


@dataclass(frozen=True)
class DbFile:
    """One look at a database path (see the module doc)."""

    path: Path
    exists: bool
    empty: bool = False
    tables: frozenset[str] = frozenset()
    schema_version: int | None = None
    wal: bool = False
    #: Why this user cannot write to the database (naming the permission and the fix), or None.
    cannot_write: str | None = None
    #: A ``file:`` URI (for ``sqlite3.connect(..., uri=True)``) that reads without writing.
    read_uri: str = ""

    @property
    def is_kickoff(self) -> bool:
        return META_TABLE in self.tables


def uri(path: Path, *params: str) -> str:
    """``file:`` URI for ``path`` with ``params`` (``mode=ro``, ``immutable=1``)."""
    return f"file:{quote(str(path.absolute()))}?{'&'.join(params)}"


def read_uri(path: Path) -> str:
    """A URI that reads ``path`` without writing a byte, from its header alone: ``immutable=1``
    for a WAL file with no ``-wal`` beside it (a ``mode=ro`` connection would create ``-wal``
    and ``-shm`` and leave them), ``mode=ro`` otherwise. For the fast paths (core/peek.py)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(20)
    except OSError:
        return uri(path, "mode=ro")
    wal = len(head) == 20 and head[:16] == MAGIC and head[18] == 2
    alone = wal and not _side(path, "-wal").exists()
    return uri(path, "immutable=1") if alone else uri(path, "mode=ro")


def damaged(path: Path, what: str) -> DamagedDatabaseError:
    """The one-line message for a cut-short or corrupt file, with the ways to recover (naming
    the newest backup an upgrade left beside it, when there is one)."""
    import glob  # (only for a damaged file: the first frame's peek does without it)

    try:
        backups = sorted(path.parent.glob(f"{glob.escape(path.name)}.schema-v*.bak"),
                         key=lambda p: p.stat().st_mtime)  # fmt: skip
    except OSError:
        backups = []
    backup = "restore a backup"
    if backups:
        backup += f" (the newest beside it: {backups[-1].name})"
    return DamagedDatabaseError(
        f"{path} is damaged ({what}); nothing was changed — if it was copied from elsewhere, "
        f"copy {path.name}-wal with it; else {backup}, or salvage what is left: "
        f"sqlite3 {path} .recover | sqlite3 recovered.db, then use --db recovered.db"
    )


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def examine(path: Path) -> DbFile:
    """Look at ``path`` without writing; raise for a file that must be refused (see above)."""
    try:
        st = os.stat(path)  # a link to a database file is fine; what it points at is checked
    except (FileNotFoundError, NotADirectoryError):
        return DbFile(path, exists=False)
    except PermissionError:
        raise StoreError(
            f"cannot look at {path}: permission denied on its folder — ask its owner, or copy "
            "the file somewhere you can read and pass --db"
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise NotADatabaseError(
            f"{path} is a folder, not a database file — pass a file path with --db"
        )
    if not stat.S_ISREG(st.st_mode):
        raise NotADatabaseError(
            f"{path} is {_kind(st.st_mode)}, not a database file — pass a file path with --db"
        )
    wal_path = _side(path, "-wal")
    wal_size = _size(wal_path) if wal_path.exists() else -1
    cannot_write = _cannot_write(path, wal_path)
    if st.st_size == 0:
        if wal_size > 0:
            raise damaged(path, f"the file is empty but {wal_path.name} holds {wal_size} bytes")
        return DbFile(path, exists=True, empty=True, cannot_write=cannot_write)
    wal = _check_header(path, st.st_size, has_wal=wal_size > 0)
    read_uri = uri(path, "immutable=1") if wal and wal_size < 0 else uri(path, "mode=ro")
    tables, version = _read_schema(path, read_uri, wal_size)
    if tables and META_TABLE not in tables:
        raise NotADatabaseError(
            f"{path} is a database, but not a kickoff one (it has tables "
            f"{', '.join(sorted(tables)[:3])}) — use a new file with --db"
        )
    if version is not None and version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path} was written by a newer kickoff-tui (schema {version}, this one knows "
            f"{SCHEMA_VERSION}) — upgrade kickoff-tui to open it; the file was not changed"
        )
    return DbFile(
        path, exists=True, tables=frozenset(tables), schema_version=version, wal=wal,
        cannot_write=cannot_write, read_uri=read_uri,
    )  # fmt: skip


def _check_header(path: Path, size: int, *, has_wal: bool) -> bool:
    """Refuse a file that is not SQLite or is shorter than its header says; return whether
    it is in WAL mode."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except PermissionError:
        raise StoreError(
            f"cannot read {path}: permission denied — make it readable (chmod u+r {path}) or "
            "ask its owner"
        ) from None
    if head[:16] != MAGIC:
        if len(head) < 16 and MAGIC.startswith(head):
            raise damaged(path, f"cut short: {size} bytes, not even a header")
        raise NotADatabaseError(
            f"{path} is not a kickoff database (it is not a SQLite file at all) — point --db "
            "at a kickoff .db file or a new path"
        )
    if len(head) < 100:
        raise damaged(path, f"cut short: {size} bytes, not even a whole header")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise damaged(path, f"its header names a page size of {page_size}")
    pages = int.from_bytes(head[28:32], "big")
    counter_ok = head[24:28] == head[92:96]
    if not has_wal:  # a -wal with content may legitimately hold what is missing
        if size % page_size:
            raise damaged(path, f"cut short: {size} bytes is not a whole number of pages")
        if counter_ok and pages and size < pages * page_size:
            raise damaged(path, f"cut short: {size} bytes, its header says {pages * page_size}")
    return head[18] == 2


def _read_schema(path: Path, read_uri: str, wal_size: int) -> tuple[set[str], int | None]:
    """The table names and kickoff's schema version, read through ``read_uri``."""
    try:
        conn = sqlite3.connect(read_uri, uri=True, timeout=2, check_same_thread=False)
    except sqlite3.Error as exc:
        raise _reading_failed(path, exc, wal_size) from None
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        tables = {str(r[0]) for r in rows}
        if META_TABLE not in tables:
            return tables, None
        row = conn.execute(
            f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'"
        ).fetchone()
    except sqlite3.Error as exc:
        if wal_size == 0 and "immutable" not in read_uri:
            # A read-only folder with an empty -wal and no -shm: nothing to merge, read as is.
            conn.close()
            return _read_schema(path, uri(path, "immutable=1"), -1)
        raise _reading_failed(path, exc, wal_size) from None
    finally:
        conn.close()
    try:
        return tables, int(row[0]) if row else 0
    except ValueError:
        raise damaged(path, f"its schema version reads '{row[0]}'") from None


def _reading_failed(path: Path, exc: sqlite3.Error, wal_size: int) -> KickoffError:
    text = " ".join(str(exc).split())
    if "not a database" in text or "encrypted" in text:
        return NotADatabaseError(
            f"{path} is not a kickoff database (it is some other file) — point --db at a "
            "kickoff .db file or a new path"
        )
    if "malformed" in text or "corrupt" in text:
        return damaged(path, text)
    if "locked" in text or "busy" in text:
        return UnavailableError(f"{path} is busy: {text} — try again")
    if wal_size > 0:
        return StoreError(
            f"cannot read {path}: {text} — {path.name}-wal beside it holds changes not yet in "
            "the file and this folder is read-only for you: copy both files to a writable "
            "folder and pass --db"
        )
    return StoreError(f"cannot read {path}: {text} — check its permissions, or pass --db")


def _cannot_write(path: Path, wal_path: Path) -> str | None:
    """Why this user cannot save to ``path``, naming the permission and the fix; else None."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if not os.access(path, os.W_OK):
        return (
            f"{path} is read-only for you (mode {mode:04o}) — make it writable "
            f"(chmod u+w {path}) or copy it to a writable place and pass --db"
        )
    folder = path.parent
    if os.access(folder, os.W_OK | os.X_OK):
        return None
    shm_path = _side(path, "-shm")
    if all(p.exists() and os.access(p, os.W_OK) for p in (wal_path, shm_path)):
        return None  # SQLite can work in the -wal/-shm that are already there
    fmode = stat.S_IMODE(os.stat(folder).st_mode)
    return (
        f"the folder {folder} is read-only for you (mode {fmode:04o}) and saving needs "
        f"{path.name}-wal beside the file — make the folder writable (chmod u+w {folder}) or "
        "copy the file to a writable folder and pass --db"
    )
