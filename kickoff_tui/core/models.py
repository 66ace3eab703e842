"""The kickoff record as SQLModel tables.

Every time is stored in UTC (``UTCDateTime`` re-attaches the zone SQLite drops); the meeting's own
time zone is a column, and only the screen and the exports show local time. Items carry a version
number so two terminals editing the same item cannot silently overwrite each other, and are
soft-deleted so an undo (or a conflicting edit) never loses a word.

Identity: every row that belongs to a meeting (and the meeting itself) gets a ``uid`` (a UUID4 as
text) when it is created. The integer ``id`` stays internal to one store; the ``uid`` travels
with the row through ``kickoff copy`` and every export (calendar UIDs, JSON ids, the CSV ``id``),
so a second copy or export updates instead of duplicating. Items also get a ``number``, counted
per meeting from 1: the short number people see and type. (The ``uid`` columns are nullable and
unique through an index, because that is what an upgraded SQLite file can have; the ORM always
fills them.)
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pendulum
from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Field, SQLModel

from kickoff_tui.core.schema import SCHEMA_VERSION  # noqa: F401  (re-exported)
from kickoff_tui.core.vocab import ROLES as ROLES  # re-exported: the roles live in vocab
from kickoff_tui.core.vocab import Severity, Side, Status

MEETING_STATUSES = ("planned", "running", "ended")
BLOCK_STATUSES = ("pending", "active", "done", "skipped")
SIDES = tuple(s.value for s in Side)
SEVERITIES = tuple(s.value for s in Severity)
ITEM_STATUSES = tuple(s.value for s in Status)
TIMER_EVENTS = (
    "block-started", "paused", "resumed", "block-ended", "extended", "meeting-ended",
    "meeting-reopened",
)  # fmt: skip


def utcnow() -> pendulum.DateTime:
    return pendulum.now("UTC")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Store aware datetimes as naive UTC; load them back as aware UTC pendulum datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> Any:
        if value is None:
            return None
        return pendulum.instance(value.replace(tzinfo=dt.UTC), tz="UTC")


def _utc_col(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


def new_uid() -> str:
    """A fresh identity: a random UUID (version 4) as 36 characters of text."""
    return str(uuid.uuid4())


def _make_uid() -> str:
    return new_uid()  # looked up at each call, so a test can make identities predictable


def _uid_col() -> Any:
    return Field(default_factory=_make_uid, sa_column=Column(String(36), nullable=True))


def _uid_index(table: str) -> Index:
    return Index(f"ux_{table}_uid", "uid", unique=True)


class Meta(SQLModel, table=True):
    """Key/value facts about the file itself, the schema version first of all."""

    __tablename__ = "kickoff_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"
    __table_args__ = (_uid_index("meeting"),)
    id: str = Field(primary_key=True, max_length=80)
    client: str
    title: str
    template: str
    start_utc: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    tz: str = Field(max_length=64)
    planned_minutes: int
    status: str = Field(default="planned", max_length=16)
    contract_close: dt.date | None = None
    next_meeting_utc: dt.datetime | None = _utc_col()
    next_meeting_internal: bool = False  # `next … #internal`: a date we keep to ourselves
    first_value_goal: str | None = Field(default=None, sa_column=Column(Text))
    first_value_date: dt.date | None = None
    cadence: str | None = Field(default=None, sa_column=Column(Text))
    purpose: str | None = Field(default=None, sa_column=Column(Text))
    followthrough_exported_at: dt.datetime | None = _utc_col()
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    version: int = 1
    uid: str = _uid_col()
    # Issue 11 (before and after the call). ``after_id`` links a meeting to the one before it in
    # a series; ``series_id`` is the first meeting's id (a lone meeting is its own series).
    after_id: str | None = Field(default=None, max_length=80)
    series_id: str | None = Field(default=None, max_length=80)
    followthrough_sent_at: dt.datetime | None = (
        _utc_col()
    )  # `kickoff sent`: exporting is not sending
    invited_at: dt.datetime | None = _utc_col()  # customer invitation written (`kickoff invite`)
    briefed_at: dt.datetime | None = _utc_col()  # internal brief written (`invite --internal`)
    prep: str | None = Field(default=None, sa_column=Column(Text))  # JSON: pre-reads, ticks

    def local_start(self) -> pendulum.DateTime:
        return pendulum.instance(self.start_utc).in_timezone(self.tz)


class Block(SQLModel, table=True):
    __tablename__ = "block"
    __table_args__ = (UniqueConstraint("meeting_id", "position"), _uid_index("block"))
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, max_length=80)
    position: int
    title: str
    kind: str = Field(max_length=32)
    planned_minutes: int
    prompts_json: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16)
    uid: str = _uid_col()
    # Schema 4 (issue 10): who presents the block (a name as typed or resolved, free text), and
    # the plan as changed once the meeting runs (rebalance, a retime mid-meeting) in seconds.
    # ``planned_minutes`` stays the plan agreed before the meeting: the record compares both.
    presenter: str | None = Field(default=None, sa_column=Column(Text))
    replanned_seconds: int | None = None

    @property
    def planned_seconds(self) -> int:
        """The plan the clocks run on: the replanned seconds once there are any."""
        from kickoff_tui.core.clock import planned_seconds

        return planned_seconds(self)

    @property
    def prompts(self) -> list[str]:
        return list(json.loads(self.prompts_json or "[]"))


class Attendee(SQLModel, table=True):
    __tablename__ = "attendee"
    __table_args__ = (_uid_index("attendee"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, max_length=80)
    name: str
    side: str = Field(default="theirs", max_length=8)
    title: str = ""
    seniority: int = 0  # higher is more senior; the most senior answers the Five Questions last
    roles: str = ""  # comma-separated values from ROLES
    present: bool = True
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    uid: str = _uid_col()
    email: str | None = Field(default=None, max_length=254)

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


class Item(SQLModel, table=True):
    __tablename__ = "item"
    __table_args__ = (
        Index("ix_item_meeting_kind", "meeting_id", "kind", "deleted"),
        Index("ux_item_number", "meeting_id", "number", unique=True),
        _uid_index("item"),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", max_length=80)
    kind: str = Field(max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    owner: str | None = None
    owner_attendee_id: int | None = Field(default=None, foreign_key="attendee.id")
    owner_known: bool = True
    due: dt.date | None = None
    severity: str | None = Field(default=None, max_length=8)
    mitigation: str | None = Field(default=None, sa_column=Column(Text))
    side: str | None = Field(default=None, max_length=8)  # "us" / "them": who owes it
    decided_by: str | None = None
    status: str = Field(default="open", max_length=8)
    internal: bool = False
    block_id: int | None = Field(default=None, foreign_key="block.id")
    captured_by: str = Field(default="cli", max_length=32)
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    version: int = 1
    deleted: bool = False
    uid: str = _uid_col()
    number: int | None = None  # per meeting, from 1: what people see and type ("#3")
    # Issue 11: where an imported item came from ("handoff:promise:<key>"), so a second import
    # updates it; how a promise was reconciled (and the corrected text or the risk it became);
    # the item's history across a series (JSON list of {at, by, meeting, what}).
    origin: str | None = Field(default=None, max_length=160)
    resolution: str | None = Field(default=None, max_length=16)
    resolution_note: str | None = Field(default=None, sa_column=Column(Text))
    history: str | None = Field(default=None, sa_column=Column(Text))
    # Schema 4 (issue 10): a risk escalated (seed 002: it threatens the timeline or go-live),
    # and to whom (``esc:@name``; None: escalated, nobody named yet).
    escalated: bool = False
    escalated_to: str | None = Field(default=None, sa_column=Column(Text))


class Answer(SQLModel, table=True):
    """One attendee's answer to one of the Five Questions, in their own words."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("meeting_id", "attendee_id", "question"),
        _uid_index("answer"),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, max_length=80)
    attendee_id: int = Field(foreign_key="attendee.id")
    question: int  # 1..5
    text: str = Field(sa_column=Column(Text, nullable=False))
    captured_by: str = Field(default="cli", max_length=32)
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    version: int = 1
    uid: str = _uid_col()


class TimerEvent(SQLModel, table=True):
    """The only source of time: clocks are derived from these and ``now()``, never counted."""

    __tablename__ = "timer_event"
    __table_args__ = (_uid_index("timer_event"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, max_length=80)
    block_id: int | None = Field(default=None, foreign_key="block.id")
    kind: str = Field(max_length=16)
    seconds: int = 0  # for "extended"
    at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    by: str = Field(default="facilitator", max_length=32)
    uid: str = _uid_col()


class BlockNote(SQLModel, table=True):
    """Running free-text notes per block, saved as the note-taker types."""

    __tablename__ = "block_note"
    __table_args__ = (UniqueConstraint("block_id"), _uid_index("block_note"))
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, max_length=80)
    block_id: int = Field(foreign_key="block.id")
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    by: str = Field(default="note-taker", max_length=32)
    version: int = 1
    uid: str = _uid_col()


class Presence(SQLModel, table=True):
    """Who has the meeting open: a heartbeat row per terminal."""

    __tablename__ = "presence"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True, max_length=80)
    role: str = Field(max_length=16)  # facilitator / note-taker
    host: str = ""
    pid: int = 0
    seen_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    control_at: dt.datetime | None = _utc_col()  # when it took control of the timers


class TimerLease(SQLModel, table=True):
    """Which terminal drives a meeting's timers: one row per meeting, taken by compare-and-set
    inside a write transaction (see ``core.presence``). ``term`` grows with every hand-over."""

    __tablename__ = "timer_lease"
    meeting_id: str = Field(primary_key=True, foreign_key="meeting.id", max_length=80)
    presence_id: int  # the holder's presence row (released when that row is removed)
    holder: str = Field(default="", max_length=120)  # "facilitator@host", for messages
    taken_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    term: int = 1


class Change(SQLModel, table=True):
    """The change feed: one row per changed row, written in the same transaction as the change."""

    __tablename__ = "change_log"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(index=True, max_length=80)
    table_name: str = Field(sa_column=Column(String(32), nullable=False))
    row_id: str = Field(max_length=80)
    op: str = Field(max_length=8)  # insert / update / delete
    by: str = Field(default="", max_length=32)
    at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


#: Tables whose rows belong to a meeting and are copied/exported with it, in dependency order.
MEETING_TABLES: tuple[type[SQLModel], ...] = (
    Meeting,
    Block,
    Attendee,
    Item,
    Answer,
    TimerEvent,
    BlockNote,
)
