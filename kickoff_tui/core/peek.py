"""A fast, read-only first look at a SQLite kickoff file, without SQLAlchemy.

Importing SQLModel costs about 0.4 s; the cockpit wants to show the agenda before that. This
module reads the meeting (its id, or all of it as plain rows) with the standard library's
``sqlite3`` so the first frame can be painted, complete, while the full store opens in the
background.
It never writes and never raises: on anything unexpected it answers None and the caller falls
back to the full store, which gives the proper error. (This is the one other place that knows
SQLite, and only reads.)
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kickoff_tui.core.dbfile import read_uri, uri
from kickoff_tui.core.schema import SCHEMA_VERSION

if TYPE_CHECKING:  # (`kickoff status` reads ids through here: it must not load pendulum)
    from kickoff_tui.core.snapshot import Snapshot


@dataclass(frozen=True)
class PeekBlock:
    position: int
    title: str
    kind: str
    planned_minutes: int
    status: str


@dataclass(frozen=True)
class PeekMeeting:
    id: str
    client: str
    title: str
    tz: str
    start_utc: str
    planned_minutes: int
    blocks: tuple[PeekBlock, ...]


def _sqlite_file(url: str) -> Path | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = Path(url[len(prefix) :])
    return path if path.is_file() else None


def connect_readonly(url: str, *, shared: bool = False) -> sqlite3.Connection | None:
    """A read-only connection to a kickoff SQLite file of this schema version, else None.

    ``shared``: this process has (or will have) the store open on the same file. Then the look
    uses a plain read-only connection (``mode=ro``), never ``immutable=1``: an immutable
    connection takes no locks, and closing it releases this process's POSIX locks on the file
    — the store's own — so another process could write under it."""
    path = _sqlite_file(url)
    if path is None:
        return None
    # The look falls back to reading the file as it is (``immutable=1``) when ``mode=ro``
    # cannot start: a full disk leaves no room for the ``-shm`` beside it. Only before this
    # process's store is open is that possible (once open, the ``-shm`` exists), and it is a
    # first frame only: what sits in a ``-wal`` then shows once the store opens.
    first = uri(path, "mode=ro") if shared else read_uri(path)
    wheres = [first, uri(path, "immutable=1")]
    for where in dict.fromkeys(wheres):
        conn = None
        try:
            conn = sqlite3.connect(where, uri=True, timeout=2)  # writes nothing
            row = conn.execute(
                "SELECT value FROM kickoff_meta WHERE key='schema_version'"
            ).fetchone()
        except sqlite3.Error:
            if conn is not None:
                conn.close()
            continue
        if row is None or int(row[0]) != SCHEMA_VERSION:
            conn.close()
            return None
        return conn
    return None


def peek_meeting_id(url: str, ref: str) -> str | None:
    """The id a reference names, when it names exactly one meeting; otherwise None."""
    conn = connect_readonly(url)
    if conn is None:
        return None
    try:
        with conn:
            return find_meeting_id(conn, ref)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def find_meeting_id(conn: sqlite3.Connection, ref: str) -> str | None:
    """The id ``ref`` names (exactly, or as the prefix of one id only), else None."""
    exact = conn.execute("SELECT id FROM meeting WHERE id = ?", (ref,)).fetchone()
    if exact:
        return str(exact[0])
    like = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.execute("SELECT id FROM meeting WHERE id LIKE ? ESCAPE '\\'", (like,)).fetchall()
    # LIKE ignores case on SQLite; a prefix is taken exactly as typed (as resolve_meeting).
    ids = [str(r[0]) for r in rows if str(r[0]).startswith(ref)]
    return ids[0] if len(ids) == 1 and ref else None


def peek_meeting(url: str, meeting_id: str) -> PeekMeeting | None:
    conn = connect_readonly(url)
    if conn is None:
        return None
    try:
        with conn:
            m = conn.execute(
                "SELECT id, client, title, tz, start_utc, planned_minutes"
                " FROM meeting WHERE id = ?",
                (meeting_id,),
            ).fetchone()
            if m is None:
                return None
            blocks = conn.execute(
                "SELECT position, title, kind, planned_minutes, status FROM block "
                "WHERE meeting_id = ? ORDER BY position",
                (meeting_id,),
            ).fetchall()
        return PeekMeeting(
            id=m[0], client=m[1], title=m[2], tz=m[3], start_utc=str(m[4]),
            planned_minutes=int(m[5]), blocks=tuple(PeekBlock(*b) for b in blocks),
        )  # fmt: skip
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def peek_snapshot(url: str, meeting_id: str) -> Snapshot | None:
    """The whole meeting as plain rows (``rows``), read in one transaction: enough for the
    cockpit to be complete and interactive in its first frame. None when it cannot be read
    this way (another backend, a missing file or meeting, another schema)."""
    from kickoff_tui.core.snapshot import Snapshot

    conn = connect_readonly(url, shared=True)
    if conn is None:
        return None
    try:
        with conn:
            conn.execute("BEGIN")  # one read transaction: the tables agree with each other
            m = _rows(conn, "meeting", "id = ?", meeting_id)
            if not m:
                return None
            return Snapshot(
                meeting=m[0],
                blocks=_rows(conn, "block", "meeting_id = ? ORDER BY position", meeting_id),
                attendees=_rows(conn, "attendee", "meeting_id = ? ORDER BY id", meeting_id),
                items=_rows(conn, "item", "meeting_id = ? AND deleted = 0 ORDER BY id", meeting_id),
                answers=_rows(conn, "answer", "meeting_id = ? ORDER BY question, id", meeting_id),
                events=_rows(conn, "timer_event", "meeting_id = ? ORDER BY id", meeting_id),
                notes=_rows(conn, "block_note", "meeting_id = ?", meeting_id),
            )
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        conn.close()


def _rows(conn: sqlite3.Connection, table: str, where: str, *args: object) -> list[Any]:
    from kickoff_tui.core.rows import FIELDS, ROW_CLASSES, from_columns

    cls = ROW_CLASSES[table]
    names = FIELDS[cls]
    cur = conn.execute(f"SELECT {', '.join(names)} FROM {table} WHERE {where}", args)
    return [from_columns(cls, names, values) for values in cur]
