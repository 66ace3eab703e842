"""The shared store: one database every terminal reads and writes.

Rules this module enforces (see TECH_NOTES.md, "SQLite shared by two processes"):

* SQLite runs in WAL mode with ``synchronous=NORMAL`` and a ``busy_timeout``.
* Every transaction that writes starts with ``BEGIN IMMEDIATE``, so a read-then-write can never
  fail half-way with SQLITE_BUSY_SNAPSHOT; reads use a plain deferred ``BEGIN``.
* Every write also appends to the change log in the same transaction: the live-sync feed.
* The schema carries a version; a file from a newer kickoff-tui is refused, never rewritten.
* A new database file is created private to its user (0600).

All SQLite-only SQL lives here, so any other SQLAlchemy URL (PostgreSQL) works the same.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session as _Session
from sqlmodel import Session, SQLModel, create_engine

from kickoff_tui.core.errors import NewerSchemaError, NotADatabaseError, StoreError
from kickoff_tui.core.models import SCHEMA_VERSION, Change, Meta, Presence, utcnow

#: Rows of these tables are not announced in the change feed (they are polled on their own, or
#: are the feed itself).
_UNLOGGED = {Change.__tablename__, Meta.__tablename__, Presence.__tablename__}

#: Explicit upgrade steps: MIGRATIONS[n] takes a connection from version n to n + 1.
MIGRATIONS: dict[int, Any] = {}


def mask_url(url: str) -> str:
    """The URL with any password replaced by ``***``, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL has no password we could find either
        return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL, or None for other backends and in-memory SQLite."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _prepare_sqlite_file(path: Path, url: str) -> None:
    """Create the folder and an empty, private (0600) file, or say why we cannot."""
    if path.exists():
        if path.is_dir():
            raise NotADatabaseError(
                f"{path} is a folder, not a database file — pass a file path with --db"
            )
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:  # another process created it a moment ago
            return
        os.close(fd)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreError(
            f"cannot create the database at {path}: {reason} — choose a writable place "
            "with --db PATH or KICKOFF_DB"
        ) from None


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with our pragmas and transaction rules attached."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event (below) issue BEGIN itself.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=5000")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            write = conn.get_execution_options().get("kickoff_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass
class _PendingChange:
    meeting_id: str
    table_name: str
    row_id: str
    op: str


def _collect_changes(session: _Session, _flush_context: Any) -> None:
    """After each flush, remember which meeting rows changed, for the change log."""
    pending: list[_PendingChange] = session.info.setdefault("kickoff_changes", [])
    groups = (("insert", session.new), ("update", session.dirty), ("delete", session.deleted))
    for op, objs in groups:
        for obj in objs:
            table = getattr(obj, "__tablename__", "")
            if table in _UNLOGGED:
                continue
            if op == "update" and not session.is_modified(obj):
                continue
            meeting_id = obj.id if table == "meeting" else getattr(obj, "meeting_id", "")
            pk = inspect(obj).identity
            row_id = str(pk[0]) if pk else str(getattr(obj, "id", ""))
            pending.append(_PendingChange(meeting_id, table, row_id, op))


class Store:
    """An opened, schema-checked database. Create with :meth:`Store.open`."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self._write_engine = engine.execution_options(kickoff_write=True)
        self.is_sqlite = engine.dialect.name == "sqlite"

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str) -> Store:
        """Open (creating on first use) and check the schema version."""
        path = sqlite_path(url)
        if path is not None:
            _prepare_sqlite_file(path, url)
        engine = make_engine(url)
        store = cls(url, engine)
        try:
            store._check_schema()
        except (NotADatabaseError, StoreError):
            engine.dispose()
            raise
        except DatabaseError as exc:
            engine.dispose()
            raise store._translate(exc) from None
        return store

    def _translate(self, exc: DatabaseError) -> Exception:
        text = str(exc.orig) if getattr(exc, "orig", None) is not None else str(exc)
        where = mask_url(self.url)
        if "not a database" in text or "file is encrypted" in text:
            return NotADatabaseError(
                f"{where} is not a kickoff database (it is some other file) — "
                "point --db at a kickoff .db file or a new path"
            )
        if "readonly" in text or "unable to open" in text or "read-only" in text:
            return StoreError(
                f"cannot write to {where}: {text} — choose a writable place with --db PATH"
            )
        return StoreError(f"database error on {where}: {text}")

    def _check_schema(self) -> None:
        with self.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        if Meta.__tablename__ not in tables:
            if tables:
                raise NotADatabaseError(
                    f"{mask_url(self.url)} is a database, but not a kickoff one "
                    f"(it has tables {', '.join(sorted(tables)[:3])}) — use a new file with --db"
                )
            self._create_schema()
            return
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{mask_url(self.url)} was written by a newer kickoff-tui (schema {version}, "
                f"this one knows {SCHEMA_VERSION}) — upgrade kickoff-tui to open it"
            )
        if version < SCHEMA_VERSION:
            self._upgrade(version)

    def _create_schema(self) -> None:
        with self._write_engine.begin() as conn:
            # Another process may have created it between our look and our lock.
            if Meta.__tablename__ in inspect(conn).get_table_names():
                return
            SQLModel.metadata.create_all(conn)
            conn.execute(
                Meta.__table__.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
            )

    def _upgrade(self, version: int) -> None:
        with self._write_engine.begin() as conn:
            current = int(
                conn.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar_one()
            )
            while current < SCHEMA_VERSION:
                MIGRATIONS[current](conn)
                current += 1
            conn.execute(
                Meta.__table__.update()
                .where(Meta.key == "schema_version")
                .values(value=str(current))
            )

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(Meta.value).where(Meta.key == "schema_version")
            ).scalar_one_or_none()
        return int(value or 0)

    def close(self) -> None:
        self.engine.dispose()

    # -- sessions --------------------------------------------------------------------------
    def read(self) -> Session:
        """A session for reading. Use as a context manager; do not write through it."""
        return Session(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def write(self, by: str = "cli") -> Iterator[Session]:
        """One short write transaction (``BEGIN IMMEDIATE``) that also logs every change."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            event.listen(session, "after_flush", _collect_changes)
            try:
                yield session
                session.flush()
                pending: list[_PendingChange] = session.info.pop("kickoff_changes", [])
                if pending:
                    now = utcnow()
                    session.add_all(
                        Change(
                            meeting_id=p.meeting_id,
                            table_name=p.table_name,
                            row_id=p.row_id,
                            op=p.op,
                            by=by,
                            at=now,
                        )
                        for p in pending
                    )
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise self._translate(exc) from None
            except BaseException:
                session.rollback()
                raise

    # -- change feed -----------------------------------------------------------------------
    def latest_change_id(self, meeting_id: str | None = None) -> int:
        with self.read() as s:
            q = select(Change.id).order_by(Change.id.desc()).limit(1)  # type: ignore[union-attr]
            if meeting_id is not None:
                q = q.where(Change.meeting_id == meeting_id)
            return int(s.execute(q).scalar() or 0)

    def changes_since(self, change_id: int, meeting_id: str | None = None) -> list[Change]:
        with self.read() as s:
            q = select(Change).where(Change.id > change_id).order_by(Change.id)  # type: ignore[arg-type]
            if meeting_id is not None:
                q = q.where(Change.meeting_id == meeting_id)
            return list(s.execute(q).scalars())

    def feed(self, meeting_id: str | None = None) -> ChangeFeed:
        return ChangeFeed(self, meeting_id)


class ChangeFeed:
    """Cheap polling for other terminals' commits.

    On SQLite a dedicated raw connection watches ``PRAGMA data_version`` (about 4 µs a call) and
    the change log is read only when it moved. Elsewhere the change log's highest id is polled.
    The first poll returns nothing: the feed starts at the log's current end.
    """

    def __init__(self, store: Store, meeting_id: str | None) -> None:
        self.store = store
        self.meeting_id = meeting_id
        self.last_id = store.latest_change_id(meeting_id)
        self._probe: sqlite3.Connection | None = None
        self._data_version: int | None = None
        path = sqlite_path(store.url)
        if path is not None:
            self._probe = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._data_version = self._read_version()

    def _read_version(self) -> int:
        assert self._probe is not None
        return int(self._probe.execute("PRAGMA data_version").fetchone()[0])

    def moved(self) -> bool:
        """Whether anything may have been committed since the last call (cheap)."""
        if self._probe is None:
            return True
        version = self._read_version()
        if version == self._data_version:
            return False
        self._data_version = version
        return True

    def poll(self, force: bool = False) -> list[Change]:
        """Changes committed since the last poll, oldest first."""
        if not self.moved() and not force:
            return []
        changes = self.store.changes_since(self.last_id, self.meeting_id)
        if changes:
            self.last_id = int(changes[-1].id or self.last_id)
        return changes

    def close(self) -> None:
        if self._probe is not None:
            self._probe.close()
            self._probe = None
