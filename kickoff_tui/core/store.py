"""The shared store: one database every terminal reads and writes.

Rules this module enforces (see TECH_NOTES.md, "SQLite shared by two processes"):

* SQLite runs in WAL mode with ``synchronous=NORMAL`` and a ``busy_timeout``.
* Every transaction that writes starts with ``BEGIN IMMEDIATE``, so a read-then-write can never
  fail half-way with SQLITE_BUSY_SNAPSHOT; reads use a plain deferred ``BEGIN``.
* Every write also appends to the change log in the same transaction: the live-sync feed.
* The schema carries a version; a file from a newer kickoff-tui is refused, never rewritten.
* A new database file is created private to its user (0600).

All SQLite-only SQL lives here, so any other SQLAlchemy URL (PostgreSQL) works the same.
PostgreSQL (``postgresql+psycopg://user@host/db``; the password from ``PGPASSWORD`` or
``~/.pgpass`` through libpq) runs at its default READ COMMITTED: rows read to be changed are read
``FOR UPDATE`` (see ``record``), schema creation and change-log appends take an advisory lock, so
change-log ids become visible in commit order and a feed polling the highest id never skips one.
A lost connection raises :class:`UnavailableError`; the pool pings before reuse, so the next call
after the server is back simply works.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import String, cast, event, func, insert, inspect, literal, select, update
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session as _Session
from sqlmodel import Session, SQLModel, col, create_engine

from kickoff_tui.core.dbfile import DbFile, damaged, examine
from kickoff_tui.core.errors import (
    InputError,
    KickoffError,
    NewerSchemaError,
    NoDatabaseError,
    NotADatabaseError,
    OlderSchemaError,
    StoreError,
    UnavailableError,
)
from kickoff_tui.core.models import Change, Item, Meta, Presence, TimerLease, UTCDateTime, utcnow
from kickoff_tui.core.schema import SCHEMA_VERSION

#: Rows of these tables are not announced in the change feed (they are polled on their own, or
#: are the feed itself). The timer lease is who drives, like presence: terminals learn of a
#: hand-over from their heartbeat (``presence.peers``), and the core refuses a press from the
#: terminal that lost it at once, whatever it shows.
_UNLOGGED = {
    Change.__tablename__, Meta.__tablename__, Presence.__tablename__, TimerLease.__tablename__
}  # fmt: skip


#: Advisory lock keys (PostgreSQL): one for schema creation/upgrade, one for change-log appends.
_SCHEMA_LOCK, _CHANGE_LOCK = 0x6B69636B, 0x6B69636C

#: The PostgreSQL channel every write notifies (the payload is the meeting id).
NOTIFY_CHANNEL = "kickoff_changes"

#: How long to wait for a PostgreSQL server before saying it cannot be reached (seconds).
CONNECT_TIMEOUT_S = 3
#: The longest one statement may run on the server (ms): bulk imports batch well under it.
STATEMENT_TIMEOUT_MS = 30_000


def mask_url(url: str) -> str:
    """The URL with any password replaced by ``***``, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # unparseable: hide whatever sits between "//user:" and "@"
        head, sep, rest = url.partition("://")
        if sep and "@" in rest:
            auth, _, host = rest.rpartition("@")
            if ":" in auth:
                return f"{head}://{auth.split(':', 1)[0]}:***@{host}"
        return url


def _scrub(text: str, url: str) -> str:
    """``text`` (an error from the driver) on one line, without the URL's password."""
    try:
        password = make_url(url).password
    except Exception:
        password = None
    line = " ".join(text.split())
    return line.replace(str(password), "***") if password else line


def is_disconnect(exc: BaseException) -> bool:
    """Whether ``exc`` means "the database cannot be reached right now" (retry later), as
    opposed to a bug or bad input: a lost or refused connection, a restarting server, a locked
    SQLite file."""
    if isinstance(exc, UnavailableError):
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)
    return False


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL, or None for other backends and in-memory SQLite."""
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):  # not a URL at all: make_engine says so
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def describe_db_error(exc: BaseException) -> str | None:
    """One line for a database error that escaped the core's own messages (the connection
    lost during a read, say), or None when ``exc`` is not a database error."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = getattr(exc, "orig", None)
    text = " ".join(str(orig if orig is not None else exc).split())
    if _is_damage(text):
        return (
            f"the database file is damaged ({text}) — restore a backup, or salvage what is "
            "left: sqlite3 FILE .recover | sqlite3 recovered.db, then use --db recovered.db"
        )
    if is_disconnect(exc):
        return f"lost the connection to the database: {text} — check the server and try again"
    return f"database error: {text}"


def _is_damage(text: str) -> bool:
    return "malformed" in text or "disk image" in text


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


def make_engine(url: str, *, readonly: bool = False, read_uri: str | None = None) -> Engine:
    """An engine for ``url`` with our pragmas and transaction rules attached.

    ``readonly``: the engine never writes — on SQLite no switch to WAL and ``query_only``, and
    every connection made through ``read_uri`` (``mode=ro`` / ``immutable=1``) when the file
    cannot be written at all; on PostgreSQL every transaction is READ ONLY."""
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        raise InputError(
            f"cannot read the database URL '{mask_url(url)}' — use a file path or a URL such "
            "as postgresql+psycopg://user@host/db"
        ) from None
    if u.drivername in ("postgres", "postgresql"):
        u = u.set(drivername="postgresql+psycopg")  # libpq-style URLs work as they are
    if u.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(
            f"'{u.drivername}' in {mask_url(url)} is not a database kickoff-tui can use — use "
            "a file path, sqlite:///PATH or postgresql+psycopg://user@host/db"
        )
    if u.get_backend_name() == "sqlite":
        extra: dict[str, Any] = {}
        if read_uri is not None:
            ro_uri = read_uri  # the URL still picks the dialect and the pool

            def _connect_ro() -> sqlite3.Connection:
                return sqlite3.connect(ro_uri, uri=True, timeout=5, check_same_thread=False)

            extra["creator"] = _connect_ro
        engine = create_engine(
            url, connect_args={"timeout": 5, "check_same_thread": False}, **extra
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event (below) issue BEGIN itself.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=5000")
            if readonly:  # switching to WAL is a write: a reader leaves the file as it is
                cur.execute("PRAGMA query_only=ON")
            else:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            write = conn.get_execution_options().get("kickoff_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if u.get_backend_name() == "postgresql":
        # A server that stops answering must not hold a call forever: connect times out,
        # TCP keepalives and a user timeout break a dead link (a dropped VPN) within ~10 s,
        # and the server ends a statement or an idle transaction that hangs on its side.
        # (A server that is alive but stopped, SIGSTOP, keeps TCP up: the cockpit says "store
        # not answering" after a second — the session's monitor — and carries on; the call
        # completes once the server runs again.)
        options = [
            f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            f"-c idle_in_transaction_session_timeout={4 * STATEMENT_TIMEOUT_MS}",
        ]
        if readonly:
            options.append("-c default_transaction_read_only=on")
        kwargs["connect_args"] = {
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "kickoff-tui",
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": 10_000,  # ms: unacknowledged data for this long breaks the link
            "options": " ".join(options),
        }  # fmt: skip
    try:
        return create_engine(u, **kwargs)
    except NoSuchModuleError:
        raise InputError(
            f"unknown PostgreSQL driver '{u.drivername}' in {mask_url(url)} — use "
            "postgresql+psycopg://user@host/db"
        ) from None
    except ImportError as exc:
        raise StoreError(
            f"the driver for {mask_url(url)} is not installed ({exc.name}) — use "
            "postgresql+psycopg://... with psycopg installed: pip install 'psycopg[binary]'"
        ) from None


#: Rows per statement in bulk inserts (well under SQLite's 32,766 bound parameters).
_BATCH = 2000


def backup_before_upgrade(path: Path, version: int) -> Path:
    """Copy the SQLite file at ``path`` (schema ``version``) to ``<name>.schema-v<N>.bak``
    beside it, private (0600), with SQLite's backup API, so the copy is consistent and holds
    what the WAL holds. Call it while holding the write lock (the upgrade's ``BEGIN
    IMMEDIATE``): the copy is read through a connection of its own (WAL readers do not wait
    for a writer), and nobody can commit in between. An existing backup is never overwritten
    (the next free ``.schema-vN-2.bak`` is used). Raises :class:`StoreError` (and so stops the
    upgrade, which then changes nothing) when the copy cannot be made."""
    n = 1
    while True:
        suffix = f".schema-v{version}.bak" if n == 1 else f".schema-v{version}-{n}.bak"
        target = path.with_name(path.name + suffix)
        try:
            fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            n += 1
            continue
        except OSError as exc:
            raise StoreError(
                f"cannot upgrade {path}: its backup {target} cannot be written "
                f"({exc.strerror or exc}) — free some space or make the folder writable"
            ) from None
        os.close(fd)
        break
    try:
        source = sqlite3.connect(str(path), timeout=5)
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
            source.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise StoreError(
            f"cannot upgrade {path}: its backup {target} failed ({exc}) — nothing was changed"
        ) from None
    return target


@dataclass(slots=True)
class _PendingChange:
    meeting_id: str
    table_name: str
    row_id: str
    op: str


@dataclass(slots=True)
class _PendingRows:
    """Rows ``lo``..``hi`` of ``table``, inserted in bulk on SQLite (consecutive ids): logged
    by one ``INSERT … SELECT`` instead of a row each."""

    table: Any
    lo: int
    hi: int

    def log(self, by: str, now: Any) -> Any:
        t = self.table
        meeting = t.c.id if t.name == "meeting" else t.c.meeting_id
        rows = (
            select(
                meeting,
                literal(t.name),
                cast(t.c.id, String),
                literal("insert"),
                literal(by),
                literal(now, UTCDateTime()),
            )  # fmt: skip
            .where(t.c.id.between(self.lo, self.hi))
            .order_by(t.c.id)
        )
        columns = ["meeting_id", "table_name", "row_id", "op", "by", "at"]
        return insert(Change.__table__).from_select(columns, rows)  # type: ignore[attr-defined]


def _column(chunk: list[dict[str, Any]], key: str | None, default: Any, proc: Any) -> list[Any]:
    """One column's values for a driver executemany, through the type's bind processor —
    once per distinct object (a bulk import's rows share one timestamp)."""
    values = [row[key] for row in chunk] if key else [default] * len(chunk)
    if proc is None:
        return values
    out: list[Any] = []
    last_in: Any = out  # a sentinel no value is
    last_out: Any = None
    for value in values:
        if value is not last_in:
            last_in, last_out = value, proc(value)
        out.append(last_out)
    return out


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


def _rollback_quietly(session: _Session) -> None:
    """Roll back; on a dead connection the rollback itself fails, which changes nothing."""
    with contextlib.suppress(DBAPIError):
        session.rollback()


class Store:
    """An opened, schema-checked database. Create with :meth:`Store.open`.

    ``readonly`` says the store never writes (a reading command, or a file this user cannot
    write); ``readonly_reason`` is then one line for a banner: why, and how to fix it."""

    def __init__(
        self, url: str, engine: Engine, *, readonly: bool = False, readonly_reason: str = ""
    ) -> None:
        self.url = url
        self.engine = engine
        self._write_engine = engine.execution_options(kickoff_write=True)
        self.is_sqlite = engine.dialect.name == "sqlite"
        self.readonly = readonly
        self.readonly_reason = readonly_reason
        #: How the change feed's probe reads a SQLite file (None: the plain path).
        self.probe_uri: str | None = None
        self._may_create = not readonly
        #: Set by :meth:`open` when it upgraded the store: the version it had, and (SQLite)
        #: where the copy of the file from before the upgrade is.
        self.upgraded_from: int | None = None
        self.backup_path: Path | None = None

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(
        cls, url: str, *, readonly: bool | Literal["auto"] = False, create: bool = True
    ) -> Store:
        """Open and check the schema version.

        ``readonly=False`` (writing commands): upgrade an older schema, and create the database
        on first use unless ``create=False`` (commands that need a meeting already there); a
        file this user cannot write is refused with one line naming the permission and the
        fix. ``readonly=True`` (reading commands): never write a byte — no creation, no switch
        to WAL, no upgrade. ``"auto"`` (the cockpit): write where possible, else open
        read-only (``store.readonly`` and ``store.readonly_reason`` say so).

        Either way a SQLite file that must be refused (damaged, foreign, newer; empty unless
        creating) is refused before anything opens it for writing: it stays byte for byte.
        """
        path = sqlite_path(url)
        info = examine(path) if path is not None else None
        auto = readonly == "auto"
        if readonly == "auto":
            readonly = info is not None and info.exists and info.cannot_write is not None
        reason = ""
        if info is not None:
            if readonly or not create:
                reason = cls._readable(info)
            if not readonly:
                if info.exists and info.cannot_write is not None:
                    raise StoreError(f"cannot save to the database: {info.cannot_write}")
                _prepare_sqlite_file(info.path, url)
                reason = ""
        read_uri = info.read_uri if info is not None and readonly and info.cannot_write else None
        engine = make_engine(url, readonly=bool(readonly), read_uri=read_uri)
        store = cls(url, engine, readonly=bool(readonly), readonly_reason=reason)
        store._may_create = create and not readonly
        if read_uri is not None:
            store.probe_uri = read_uri
        for attempt in range(1, 6):
            try:
                store._check_schema()
                if auto and not store.is_sqlite and not store.readonly:
                    store._readonly_if_role_cannot_write()
                return store
            except OlderSchemaError as exc:
                engine.dispose()
                if info is not None and info.cannot_write is not None:
                    raise  # read-only because it cannot be written: the message says how
                # A reading command on a writable store from an older release: upgrading is
                # the one write it makes (with the backup beside it), then it reads as asked.
                try:
                    upgraded = cls.open(url, readonly=False, create=False)
                except KickoffError:
                    raise exc from None  # e.g. a read-only PostgreSQL role: say how
                upgraded.close()
                again = cls.open(url, readonly=True, create=create)
                again.upgraded_from = upgraded.upgraded_from
                again.backup_path = upgraded.backup_path
                return again
            except KickoffError:
                engine.dispose()
                raise
            except DBAPIError as exc:
                error = store._translate(exc, opening=True)
                # Terminals opening a brand-new SQLite file together: switching it to WAL can
                # report "locked" at once (no busy wait for that lock); the next try finds it done.
                if isinstance(error, UnavailableError) and attempt < 5:
                    time.sleep(0.05 * attempt)
                    continue
                engine.dispose()
                raise error from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _readonly_if_role_cannot_write(self) -> None:
        """PostgreSQL: a role that may only read (or a standby) opens the store read-only, so
        the cockpit says so at once instead of failing at every write."""
        with self.engine.connect() as conn:
            ro, may_insert, may_update, standby = conn.execute(
                sql(
                    "SELECT current_setting('transaction_read_only'),"
                    " has_table_privilege(:item, 'INSERT'), has_table_privilege(:item, 'UPDATE'),"
                    " pg_is_in_recovery()"
                ),
                {"item": Item.__tablename__},
            ).one()
            user = conn.execute(sql("SELECT current_user")).scalar_one()
        if ro == "on" or standby:
            why = "the server only allows reading (a read-only transaction or a standby)"
        elif not (may_insert and may_update):
            why = f"the PostgreSQL role {user!r} may not write the meeting tables"
        else:
            return
        self.readonly = True
        self.readonly_reason = f"{why} — nothing can be saved; use a role that may write"

    @staticmethod
    def _readable(info: DbFile) -> str:
        """Refuse what a reader cannot read; the banner line for what it can."""
        if not info.exists:
            raise NoDatabaseError(
                f"no kickoff database at {info.path} yet — create a meeting with "
                '`kickoff new "Client name"`, or point --db at an existing file'
            )
        if info.empty:
            raise NotADatabaseError(
                f"{info.path} is empty (0 bytes), not a kickoff database; nothing was changed "
                "— if it held meetings, restore it from a backup; to start a new database "
                'there, run `kickoff new "Client name"` with this --db'
            )
        if not info.is_kickoff:
            raise NoDatabaseError(
                f"{info.path} holds no kickoff data yet — create a meeting with "
                '`kickoff new "Client name"` with this --db'
            )
        return info.cannot_write or "opened read-only: nothing is saved"

    def _translate(self, exc: DBAPIError, opening: bool = False) -> Exception:
        text = str(exc.orig) if getattr(exc, "orig", None) is not None else str(exc)
        text = _scrub(text, self.url)
        where = mask_url(self.url)
        if "not a database" in text or "file is encrypted" in text:
            return NotADatabaseError(
                f"{where} is not a kickoff database (it is some other file) — "
                "point --db at a kickoff .db file or a new path"
            )
        path = sqlite_path(self.url)
        if path is not None and _is_damage(text):
            return damaged(path, text)
        if self.readonly and ("readonly" in text or "read-only" in text):
            return StoreError(
                f"{where} is open read-only, nothing was saved: {self.readonly_reason}"
            )
        if "disk is full" in text or "disk I/O error" in text or "No space left" in text:
            # Retried by the cockpit until it lands (UnavailableError): space may come back.
            return UnavailableError(
                f"cannot save to {where}: the disk is full or failing ({text}) — free some "
                "space; nothing was written"
            )
        if "readonly" in text or "unable to open" in text or "read-only" in text:
            return UnavailableError(
                f"cannot write to {where}: {text} — choose a writable place with --db PATH"
            )
        if not self.is_sqlite and is_disconnect(exc):
            if opening:
                return StoreError(
                    f"cannot connect to {where}: {text} — check that the server is running and "
                    "the host, database, user and password (PGPASSWORD or ~/.pgpass) are right"
                )
            return UnavailableError(f"lost the connection to {where}: {text}")
        if isinstance(exc, OperationalError) and "locked" in text:
            return UnavailableError(f"{where} is busy: {text} — try again")
        return StoreError(f"database error on {where}: {text}")

    def _check_schema(self) -> None:
        with self.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        if Meta.__tablename__ not in tables:
            if not self._may_create and not tables:
                raise NoDatabaseError(
                    f"{mask_url(self.url)} holds no kickoff data yet — create a meeting with "
                    '`kickoff new "Client name"` with this --db'
                )
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
            if self.readonly:
                raise OlderSchemaError(
                    f"{mask_url(self.url)} uses schema {version}, older than this kickoff-tui's "
                    f"{SCHEMA_VERSION}, and is opened read-only — open it once with a command "
                    "that saves (e.g. kickoff run) to upgrade it, or copy it to a writable place"
                )
            self._upgrade(version)

    def _lock(self, conn: Any, key: int) -> None:
        """Serialise with other writers on ``key`` until this transaction ends (PostgreSQL;
        on SQLite ``BEGIN IMMEDIATE`` already serialises every writer)."""
        if not self.is_sqlite:
            conn.execute(select(func.pg_advisory_xact_lock(key)))

    def _create_schema(self) -> None:
        with self._write_engine.begin() as conn:
            self._lock(conn, _SCHEMA_LOCK)
            # Another process may have created it between our look and our lock.
            if Meta.__tablename__ in inspect(conn).get_table_names():
                return
            SQLModel.metadata.create_all(conn)
            conn.execute(insert(Meta).values(key="schema_version", value=str(SCHEMA_VERSION)))

    def _upgrade(self, version: int) -> None:
        """Run the upgrade steps (``core.upgrades``) and set the new version, in one
        transaction under the schema lock: whole or not at all. A SQLite file is first copied
        to a backup beside it (inside the same lock, so it is the file as it was)."""
        from kickoff_tui.core import upgrades

        with self._write_engine.begin() as conn:
            self._lock(conn, _SCHEMA_LOCK)
            current = int(
                conn.execute(
                    select(col(Meta.value)).where(col(Meta.key) == "schema_version")
                ).scalar_one()
            )
            if current >= SCHEMA_VERSION:  # another terminal upgraded it a moment ago
                if current > SCHEMA_VERSION:
                    raise NewerSchemaError(
                        f"{mask_url(self.url)} was just upgraded by a newer kickoff-tui (schema "
                        f"{current}, this one knows {SCHEMA_VERSION}) — upgrade kickoff-tui"
                    )
                return
            path = sqlite_path(self.url)
            if path is not None:
                self.backup_path = backup_before_upgrade(path, current)
            upgrades.upgrade(conn, current, SCHEMA_VERSION)
            conn.execute(
                update(Meta)
                .where(col(Meta.key) == "schema_version")
                .values(value=str(SCHEMA_VERSION))
            )
        self.upgraded_from = current

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(col(Meta.value)).where(col(Meta.key) == "schema_version")
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
        if self.readonly:
            raise StoreError(
                f"{mask_url(self.url)} is open read-only, nothing was saved: {self.readonly_reason}"
            )
        with Session(self._write_engine, expire_on_commit=False) as session:
            event.listen(session, "after_flush", _collect_changes)
            try:
                yield session
                session.flush()
                pending: list[_PendingChange | _PendingRows] = session.info.pop(
                    "kickoff_changes", []
                )
                if pending:
                    # Log ids must become visible in id order for the feed (see module doc).
                    self._lock(session, _CHANGE_LOCK)
                    if not self.is_sqlite:  # wakes the listening feeds, at commit
                        mids = {p.meeting_id for p in pending if isinstance(p, _PendingChange)}
                        for mid in sorted(mids):
                            session.execute(select(func.pg_notify(NOTIFY_CHANNEL, mid)))
                    self._log_changes(session, pending, by)
                session.commit()
            except (OperationalError, InterfaceError) as exc:
                _rollback_quietly(session)
                raise self._translate(exc) from None
            except DBAPIError as exc:
                _rollback_quietly(session)
                if exc.connection_invalidated or _is_damage(str(exc.orig)):
                    raise self._translate(exc) from None
                raise
            except BaseException:
                session.rollback()
                raise

    @staticmethod
    def _log_changes(
        session: Session, pending: list[_PendingChange | _PendingRows], by: str
    ) -> None:
        """Append the change log, in order: rows as batched executemany (not ORM objects: a
        bulk import logs 100,000 changes), bulk ranges as one INSERT … SELECT each."""
        now = utcnow()
        log = insert(Change.__table__)  # type: ignore[attr-defined]
        rows: list[dict[str, Any]] = []
        for p in [*pending, None]:
            if isinstance(p, _PendingChange):
                rows.append({"meeting_id": p.meeting_id, "table_name": p.table_name,
                             "row_id": p.row_id, "op": p.op, "by": by, "at": now})  # fmt: skip
                if len(rows) < _BATCH:
                    continue
            if rows:
                session.execute(log, rows)
                rows = []
            if isinstance(p, _PendingRows):
                session.execute(p.log(by, now))

    def insert_many(
        self, session: Session, model: type[SQLModel], rows: Iterable[dict[str, Any]]
    ) -> list[int]:
        """Insert ``rows`` (column -> value, the same columns in every row) inside a
        :meth:`write` transaction, in batches, without an ORM object per row (for bulk
        imports: those cost ~10x the insert itself); every row is logged in the change feed
        like any other write. Returns the new ids in the order of ``rows``. Defaults made by
        a field's ``default_factory`` are filled in here (a Core insert knows only column
        defaults)."""
        table = model.__table__  # type: ignore[attr-defined]
        factories = [
            (name, f.default_factory)
            for name, f in model.model_fields.items()
            if f.default_factory is not None and name in table.c
        ]
        pending: list[_PendingChange | _PendingRows] = session.info.setdefault(
            "kickoff_changes", []
        )
        logged = table.name not in _UNLOGGED
        key = "id" if table.name == "meeting" else "meeting_id"
        ids: list[int] = []
        source = iter(rows)
        while chunk := list(itertools.islice(source, _BATCH)):
            for row in chunk:
                for name, factory in factories:
                    if name not in row:
                        row[name] = factory()  # type: ignore[call-arg]
            if self.is_sqlite:
                lo, hi = self._insert_sqlite(session, table, chunk)
                ids.extend(range(lo, hi + 1))
                if logged:
                    pending.append(_PendingRows(table, lo, hi))
                continue
            returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            new = [int(r[0]) for r in session.execute(returning, chunk)]
            ids.extend(new)
            if logged:
                pending.extend(
                    _PendingChange(str(r[key]), table.name, str(i), "insert")
                    for r, i in zip(chunk, new, strict=True)
                )
        return ids

    def _insert_sqlite(
        self, session: Session, table: Any, chunk: list[dict[str, Any]]
    ) -> tuple[int, int]:
        """One ``executemany`` straight on the driver, the values put through each column
        type's own bind processor (SQLAlchemy's per-row parameter handling costs more than
        SQLite's insert; its RETURNING runs one row at a time on SQLite when the order must be
        kept). The ids are known without RETURNING: inside ``BEGIN IMMEDIATE`` nobody else
        inserts, and SQLite gives each new row the largest rowid + 1 — checked, not assumed.
        Returns the first and last new id."""
        dialect = self.engine.dialect
        names = list(chunk[0])
        compiled = insert(table).compile(dialect=dialect, column_keys=names)
        plan: list[tuple[str | None, Any, Any]] = []  # (key in the row | None, default, proc)
        for name in compiled.positiontup or ():
            column = table.c[name]
            proc = column.type.dialect_impl(dialect).bind_processor(dialect)
            if name in chunk[0]:
                plan.append((name, None, proc))
            elif column.default is not None and column.default.is_scalar:
                plan.append((None, column.default.arg, proc))
            else:  # a computed default: let SQLAlchemy run it
                plan = []
                break
        before = int(session.execute(select(func.max(table.c.id))).scalar() or 0)
        if plan and all(row.keys() == chunk[0].keys() for row in chunk):
            columns = [_column(chunk, k, default, proc) for k, default, proc in plan]
            params = list(zip(*columns, strict=True))
            session.connection().exec_driver_sql(str(compiled), params)
        else:
            session.execute(insert(table), chunk)
        count, top = session.execute(
            select(func.count(), func.max(table.c.id)).where(table.c.id > before)
        ).one()
        if (count, top) != (len(chunk), before + len(chunk)):
            raise StoreError(
                f"bulk insert into {table.name}: the new rows did not get consecutive ids "
                "— nothing was saved; please report this"
            )
        return before + 1, before + len(chunk)

    # -- change feed -----------------------------------------------------------------------
    def latest_change_id(self, meeting_id: str | None = None) -> int:
        with self.read() as s:
            q = select(col(Change.id)).order_by(col(Change.id).desc()).limit(1)
            if meeting_id is not None:
                q = q.where(col(Change.meeting_id) == meeting_id)
            return int(s.execute(q).scalar() or 0)

    def changes_since(self, change_id: int, meeting_id: str | None = None) -> list[Change]:
        with self.read() as s:
            q = select(Change).where(col(Change.id) > change_id).order_by(col(Change.id))
            if meeting_id is not None:
                q = q.where(col(Change.meeting_id) == meeting_id)
            return list(s.execute(q).scalars())

    def feed(self, meeting_id: str | None = None) -> ChangeFeed:
        return ChangeFeed(self, meeting_id)


class ChangeFeed:
    """Cheap polling for other terminals' commits.

    On SQLite a dedicated raw connection watches ``PRAGMA data_version`` (about 4 µs a call) and
    the change log is read only when it moved. On PostgreSQL a dedicated connection LISTENs on
    the channel every write NOTIFYs (checking it costs about 1 µs, no round trip); the log is
    read when a notification came, and at least every ``SAFETY_S`` seconds anyway. Without a
    listener (another backend, or the connection lost) the log is read on every poll, and the
    listener is set up again before the next read, so no commit is ever missed.
    The first poll returns nothing: the feed starts at the log's current end.
    """

    SAFETY_S = 1.0

    def __init__(self, store: Store, meeting_id: str | None) -> None:
        self.store = store
        self.meeting_id = meeting_id
        self._probe: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._listen: Any = None  # a psycopg connection of our own
        self._can_listen = store.engine.dialect.driver == "psycopg"
        self._next_read = self._listen_retry_at = 0.0
        self._listen_start()
        self.last_id = store.latest_change_id(meeting_id)  # after LISTEN: nothing falls between
        path = sqlite_path(store.url)
        if path is not None:
            target, as_uri = (store.probe_uri, True) if store.probe_uri else (str(path), False)
            self._probe = sqlite3.connect(
                target, uri=as_uri, check_same_thread=False, isolation_level=None
            )
            self._data_version = self._read_version()

    def _read_version(self) -> int:
        assert self._probe is not None
        return int(self._probe.execute("PRAGMA data_version").fetchone()[0])

    def _listen_start(self) -> None:
        now = time.monotonic()
        if not self._can_listen or self._listen is not None or now < self._listen_retry_at:
            return
        raw = None
        try:
            raw = self.store.engine.raw_connection()
            conn = raw.driver_connection
            if conn is None:
                raise ConnectionError("the pool handed out a closed connection")
            raw.detach()  # ours alone: never handed back to the pool
            conn.rollback()  # the pool's ping may have opened a transaction
            conn.autocommit = True
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._listen = conn
        except Exception:  # unreachable now: every poll reads the log until this works
            self._listen_retry_at = now + self.SAFETY_S
            if raw is not None:
                with contextlib.suppress(Exception):
                    raw.close()

    def _listen_drop(self) -> None:
        conn, self._listen = self._listen, None
        with contextlib.suppress(Exception):
            conn.close()

    def _heard(self) -> bool:
        """Whether a NOTIFY for our meeting arrived (raises when the connection is gone)."""
        from psycopg import pq

        pg = self._listen.pgconn
        pg.consume_input()
        if pg.status != pq.ConnStatus.OK:
            raise ConnectionError("the listening connection is gone")
        heard = False
        while (note := pg.notifies()) is not None:
            payload = note.extra.decode()
            heard = heard or self.meeting_id is None or payload == self.meeting_id
        return heard

    def moved(self) -> bool:
        """Whether anything may have been committed since the last call (cheap)."""
        if self._probe is not None:
            version = self._read_version()
            if version == self._data_version:
                return False
            self._data_version = version
            return True
        if self._listen is None:
            return True
        try:
            heard = self._heard()
        except Exception:
            self._listen_drop()
            return True
        return heard or time.monotonic() >= self._next_read

    def poll(self, force: bool = False) -> list[Change]:
        """Changes committed since the last poll, oldest first."""
        if not self.moved() and not force:
            return []
        if self._probe is not None and self._newest() <= self.last_id:
            return []  # a commit of rows the feed does not carry (a presence heartbeat, say)
        self._listen_start()  # (again) before reading, so a commit in between is not missed
        changes = self.store.changes_since(self.last_id, self.meeting_id)
        self._next_read = time.monotonic() + self.SAFETY_S
        if changes:
            self.last_id = int(changes[-1].id or self.last_id)
        return changes

    def _newest(self) -> int:
        """The change log's highest id for our meeting, read on the probe (a few µs; every
        terminal's heartbeat moves ``data_version``, and the full read costs milliseconds)."""
        assert self._probe is not None
        if self.meeting_id is None:
            row = self._probe.execute("SELECT max(id) FROM change_log").fetchone()
        else:
            row = self._probe.execute(
                "SELECT max(id) FROM change_log WHERE meeting_id = ?", (self.meeting_id,)
            ).fetchone()
        return int(row[0] or 0)

    def rewind(self, last_id: int) -> None:
        """Forget a poll whose changes could not be applied: the next poll reads them again."""
        self.last_id = last_id
        self._data_version = None
        self._next_read = 0.0

    def close(self) -> None:
        if self._probe is not None:
            self._probe.close()
            self._probe = None
        if self._listen is not None:
            self._listen_drop()


T = TypeVar("T")


def retry_once_on_race(fn: Callable[[], T]) -> T:
    """Run a check-then-insert write; if another terminal inserted the same unique row between
    our check and our insert (possible on PostgreSQL, whose writers are not serialised like
    SQLite's ``BEGIN IMMEDIATE``), the transaction rolled back: run it again, now seeing theirs."""
    try:
        return fn()
    except IntegrityError:
        return fn()
