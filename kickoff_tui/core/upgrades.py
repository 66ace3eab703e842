"""Schema upgrades: one explicit, numbered step per schema change.

``STEPS[n]`` takes a store from schema ``n`` to ``n + 1``. :meth:`Store.open` runs the steps a
store needs, all in ONE transaction together with the new version number, so an upgrade lands
whole or not at all: on PostgreSQL under the schema advisory lock (DDL is transactional there),
on SQLite under ``BEGIN IMMEDIATE`` (so is SQLite's DDL), after copying the file to a backup
beside it (see ``store.backup_before_upgrade``). A store from a newer kickoff-tui is refused
before any of this, never rewritten.

Why hand-written steps and not Alembic: the changes so far are a few added columns, indexes and
a table; SQLite cannot add a NOT NULL or UNIQUE column in place either way (Alembic's batch mode
would rebuild tables with their foreign keys, which is riskier than the change itself); our own
version row, backup and refusal rules stay in one small place; and the CLI's start-up does not
pay for importing Alembic and Mako. Revisit when a change needs a table rebuild.

Rules for a step (the tests hold every step to them):

* It uses only SQL and table definitions written *here*, never ``core.models``: the models
  describe the newest schema, a step must keep describing the one it upgrades to.
* It works on SQLite and PostgreSQL alike, and leaves exactly the schema a fresh store of the new
  version gets from ``create_all`` (``tests/test_upgrade.py`` compares them).
* It keeps every row and fills new columns for the rows that exist.
* A new version keeps a fixture: ``tests/fixtures/make_fixture.py`` writes
  ``schema_v<N>.db``, which the suite opens with every later version.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, String, Table, text
from sqlalchemy.engine import Connection

#: The tables whose rows get an identity in schema 2 (the meeting and everything it owns).
UID_TABLES = ("meeting", "block", "attendee", "item", "answer", "timer_event", "block_note")


def _fill(conn: Connection, table: str, column: str, values: list[tuple[Any, Any]]) -> None:
    """``UPDATE table SET column = value WHERE id = key`` for each (key, value), in one batch."""
    if values:
        conn.execute(
            text(f"UPDATE {table} SET {column} = :value WHERE id = :key"),
            [{"key": key, "value": value} for key, value in values],
        )


def _v1_to_v2(conn: Connection) -> None:
    """Stable identity (issue 15.5): a ``uid`` on every meeting-owned row, unique; items get
    their per-meeting ``number`` (1, 2, 3… in capture order, deleted items included)."""
    for table in UID_TABLES:
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN uid VARCHAR(36)"))
        keys = [row[0] for row in conn.execute(text(f"SELECT id FROM {table}"))]
        _fill(conn, table, "uid", [(key, str(uuid.uuid4())) for key in keys])
        conn.execute(text(f"CREATE UNIQUE INDEX ux_{table}_uid ON {table} (uid)"))
    conn.execute(text("ALTER TABLE item ADD COLUMN number INTEGER"))
    numbers: list[tuple[Any, Any]] = []
    last, n = None, 0
    for key, meeting_id in conn.execute(
        text("SELECT id, meeting_id FROM item ORDER BY meeting_id, id")
    ):
        n = n + 1 if meeting_id == last else 1
        last = meeting_id
        numbers.append((key, n))
    _fill(conn, "item", "number", numbers)
    conn.execute(text("CREATE UNIQUE INDEX ux_item_number ON item (meeting_id, number)"))


def _v2_to_v3(conn: Connection) -> None:
    """One facilitator (issue 17.6): the timer lease, one row per meeting, taken by
    compare-and-set. Nobody holds a lease yet: the first cockpit to open takes it."""
    md = MetaData()
    Table("meeting", md, Column("id", String(80), primary_key=True))  # for the foreign key
    lease = Table(
        "timer_lease",
        md,
        Column("meeting_id", String(80), ForeignKey("meeting.id"), primary_key=True),
        Column("presence_id", Integer, nullable=False),
        Column("holder", String(120), nullable=False),
        Column("taken_at", DateTime(), nullable=False),
        Column("term", Integer, nullable=False),
    )
    lease.create(conn)


#: Schema 4 was built by several changes at once (issues 10, 11, 15): each added its own part
#: here (a function taking the connection, same rules as a step) instead of a step of its own,
#: so they could land in any order. Released with ``tests/fixtures/schema_v4.db``: from now on
#: a part is never changed, and the next change is step 4 -> 5.
def _next_meeting_internal(conn: Connection) -> None:
    """Issue 15.4: the next meeting can be ``#internal`` too (a date we keep to ourselves)."""
    conn.execute(
        text("ALTER TABLE meeting ADD COLUMN next_meeting_internal BOOLEAN NOT NULL DEFAULT false")
    )


V4_PARTS: list[Callable[[Connection], None]] = [_next_meeting_internal]


def _v4_agenda_and_raid(conn: Connection) -> None:
    """Issue 10: a presenter per block and the plan as replanned during the meeting (seconds);
    risks escalated (and to whom). Existing blocks keep their plan; nothing is escalated."""
    conn.execute(text("ALTER TABLE block ADD COLUMN presenter TEXT"))
    conn.execute(text("ALTER TABLE block ADD COLUMN replanned_seconds INTEGER"))
    conn.execute(text("ALTER TABLE item ADD COLUMN escalated BOOLEAN NOT NULL DEFAULT false"))
    conn.execute(text("ALTER TABLE item ADD COLUMN escalated_to TEXT"))


V4_PARTS.append(_v4_agenda_and_raid)


def _v4_around(conn: Connection) -> None:
    """Issue 11 (before and after the call): attendee emails; the meeting's series link, sent,
    invitation and brief times and preparation (JSON); an item's origin (a handoff import
    updates it), promise resolution and history. Every meeting so far is its own series."""
    for table, column, sql_type in (
        ("attendee", "email", "VARCHAR(254)"),
        ("meeting", "after_id", "VARCHAR(80)"),
        ("meeting", "series_id", "VARCHAR(80)"),
        ("meeting", "followthrough_sent_at", "DATETIME"),
        ("meeting", "invited_at", "DATETIME"),
        ("meeting", "briefed_at", "DATETIME"),
        ("meeting", "prep", "TEXT"),
        ("item", "origin", "VARCHAR(160)"),
        ("item", "resolution", "VARCHAR(16)"),
        ("item", "resolution_note", "TEXT"),
        ("item", "history", "TEXT"),
    ):
        if sql_type == "DATETIME":  # as create_all writes it on this database
            sql_type = str(DateTime().compile(dialect=conn.dialect))
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))
    conn.execute(text("UPDATE meeting SET series_id = id"))


V4_PARTS.append(_v4_around)


def _v3_to_v4(conn: Connection) -> None:
    """Schema 4: every part in :data:`V4_PARTS`, in order."""
    for part in V4_PARTS:
        part(conn)


STEPS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


def upgrade(conn: Connection, current: int, target: int) -> int:
    """Run the steps from ``current`` to ``target`` on ``conn`` (inside the caller's
    transaction); returns the version reached."""
    while current < target:
        STEPS[current](conn)
        current += 1
    return current
