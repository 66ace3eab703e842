"""The record as plain data: one dataclass per table, without SQLModel.

The screens work on these, never on live SQLModel objects: the fast first look (``peek``) reads
them with the standard library's ``sqlite3``, and the session's reader thread copies each loaded
row into one (``to_row``). Attribute names are exactly the models' column names (a test holds
them in step), so code written against the models (checks, clocks, capture) reads rows too.
Times are aware UTC pendulum datetimes, as the models load them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

import pendulum


@lru_cache(maxsize=64)
def zone(name: str) -> Any:
    """A time zone by name, made once (``pendulum.timezone`` builds it anew on every call,
    which the clocks would pay on every repaint)."""
    return pendulum.timezone(name)


@dataclass(slots=True)
class MeetingRow:
    id: str
    client: str
    title: str
    template: str
    start_utc: pendulum.DateTime
    tz: str
    planned_minutes: int
    status: str = "planned"
    contract_close: dt.date | None = None
    next_meeting_utc: pendulum.DateTime | None = None
    next_meeting_internal: bool = False
    first_value_goal: str | None = None
    first_value_date: dt.date | None = None
    cadence: str | None = None
    purpose: str | None = None
    followthrough_exported_at: pendulum.DateTime | None = None
    created_at: pendulum.DateTime | None = None
    version: int = 1
    uid: str | None = None  # the identity that travels between stores
    after_id: str | None = None
    series_id: str | None = None
    followthrough_sent_at: pendulum.DateTime | None = None
    invited_at: pendulum.DateTime | None = None
    briefed_at: pendulum.DateTime | None = None
    prep: str | None = None

    def local_start(self) -> pendulum.DateTime:
        return pendulum.instance(self.start_utc).in_timezone(zone(self.tz))


@dataclass(slots=True)
class BlockRow:
    id: int | None
    meeting_id: str
    position: int
    title: str
    kind: str
    planned_minutes: int
    prompts_json: str = "[]"
    status: str = "pending"
    uid: str | None = None  # the identity that travels between stores
    presenter: str | None = None
    replanned_seconds: int | None = None  # the plan once the meeting replanned it

    @property
    def prompts(self) -> list[str]:
        return list(json.loads(self.prompts_json or "[]"))


@dataclass(slots=True)
class AttendeeRow:
    id: int | None
    meeting_id: str
    name: str
    side: str = "theirs"
    title: str = ""
    seniority: int = 0
    roles: str = ""
    present: bool = True
    created_at: pendulum.DateTime | None = None
    uid: str | None = None  # the identity that travels between stores
    email: str | None = None

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


@dataclass(slots=True)
class ItemRow:
    id: int | None
    meeting_id: str
    kind: str
    text: str
    owner: str | None = None
    owner_attendee_id: int | None = None
    owner_known: bool = True
    due: dt.date | None = None
    severity: str | None = None
    mitigation: str | None = None
    side: str | None = None
    decided_by: str | None = None
    status: str = "open"
    internal: bool = False
    block_id: int | None = None
    captured_by: str = "cli"
    created_at: pendulum.DateTime | None = None
    updated_at: pendulum.DateTime | None = None
    version: int = 1
    deleted: bool = False
    number: int | None = None  # per meeting, the one people type
    uid: str | None = None  # the identity that travels between stores
    origin: str | None = None
    resolution: str | None = None
    resolution_note: str | None = None
    history: str | None = None
    escalated: bool = False
    escalated_to: str | None = None


@dataclass(slots=True)
class AnswerRow:
    id: int | None
    meeting_id: str
    attendee_id: int
    question: int
    text: str
    captured_by: str = "cli"
    updated_at: pendulum.DateTime | None = None
    version: int = 1
    uid: str | None = None  # the identity that travels between stores


@dataclass(slots=True)
class EventRow:
    id: int | None
    meeting_id: str
    block_id: int | None
    kind: str
    seconds: int = 0
    at: Any = None  # always set; a default only because ``seconds`` has one
    by: str = "facilitator"
    uid: str | None = None  # the identity that travels between stores


@dataclass(slots=True)
class NoteRow:
    id: int | None
    meeting_id: str
    block_id: int
    text: str = ""
    updated_at: pendulum.DateTime | None = None
    by: str = "note-taker"
    version: int = 1
    uid: str | None = None  # the identity that travels between stores


#: Table name -> its row class (the models' ``__tablename__``s).
ROW_CLASSES: dict[str, type[Any]] = {
    "meeting": MeetingRow,
    "block": BlockRow,
    "attendee": AttendeeRow,
    "item": ItemRow,
    "answer": AnswerRow,
    "timer_event": EventRow,
    "block_note": NoteRow,
}
FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in ROW_CLASSES.values()
}
#: Columns that hold a UTC time, a date or a flag (the same names in every table).
TIME_COLUMNS = frozenset({"start_utc", "next_meeting_utc", "followthrough_exported_at",
                          "created_at", "updated_at", "at", "followthrough_sent_at",
                          "invited_at", "briefed_at"})  # fmt: skip
DATE_COLUMNS = frozenset({"contract_close", "first_value_date", "due"})
BOOL_COLUMNS = frozenset({"present", "owner_known", "internal", "deleted", "escalated"})


def to_row(obj: Any) -> Any:
    """A plain copy of one loaded SQLModel row (a row given is returned as it is)."""
    cls = ROW_CLASSES.get(getattr(obj, "__tablename__", ""))
    if cls is None:
        return obj
    return cls(**{name: getattr(obj, name) for name in FIELDS[cls]})


def to_rows(objs: Any) -> list[Any]:
    return [to_row(o) for o in objs]


def parse_utc(value: Any) -> pendulum.DateTime | None:
    """A time as SQLite stores it (naive UTC text, ``2026-11-24 14:00:00.000000``)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    at: pendulum.DateTime = pendulum.instance(value.replace(tzinfo=dt.UTC), tz="UTC")
    return at


def parse_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def from_columns(cls: type[Any], names: tuple[str, ...], values: tuple[Any, ...]) -> Any:
    """A row from raw SQLite column values (times as text, dates as text, flags as 0/1)."""
    data: dict[str, Any] = {}
    for name, value in zip(names, values, strict=True):
        if name in TIME_COLUMNS:
            value = parse_utc(value)
        elif name in DATE_COLUMNS:
            value = parse_date(value)
        elif name in BOOL_COLUMNS and value is not None:
            value = bool(value)
        data[name] = value
    return cls(**data)
