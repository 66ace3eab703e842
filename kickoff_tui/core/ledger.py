"""The commitments ledger: every action, risk and question across every meeting in the store.

A consultant running several kickoffs a week asks one question after the calls: what is open,
who owes it, and what is late. :func:`query` answers it with one SQL query over the items joined
to their meeting and their owner (deleted items never show), narrowed by the filters, sorted
**overdue first** (oldest due date first), then by due date, then undated, then done.

Filters: ``open_only``, ``overdue_only`` (open and due before ``today``), ``owner`` (the folded
name contains the folded words: ``maria`` finds "María López"), ``client`` (same, on the
meeting's client or id), ``side`` (who owes it: the item's side, else its owner's), ``kind``.
The kind, status and due filters run in SQL; name and side matching (accents, old spellings)
in Python over the rows that remain.

Headless: imports no Textual. Plain frozen data out, so the TUI hands it across threads.
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlmodel import col

from kickoff_tui.core.errors import InputError
from kickoff_tui.core.models import Attendee, Item, Meeting
from kickoff_tui.core.people import fold
from kickoff_tui.core.store import Store
from kickoff_tui.core.vocab import Kind, Side, Status

#: What the ledger tracks: commitments and what is still unanswered or unresolved.
LEDGER_KINDS: tuple[str, ...] = (Kind.ACTION.value, Kind.RISK.value, Kind.QUESTION.value)


class Entry(NamedTuple):
    """One commitment in the ledger (a named tuple: 20,000 of them are made per query)."""

    meeting_id: str
    client: str
    meeting_title: str
    meeting_start: dt.datetime
    tz: str
    row_id: int
    number: int
    ident: str
    kind: str
    text: str
    owner: str  # "" when nobody owns it yet
    owner_known: bool
    side: Side | None
    due: dt.date | None
    status: Status
    internal: bool
    overdue: bool

    @property
    def ref(self) -> str:
        """``acme-corp-2026-12-01#3``: the meeting and the number people type."""
        return f"{self.meeting_id}#{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status is not Status.DONE

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref, "id": self.ident, "meeting_id": self.meeting_id,
            "client": self.client, "number": self.number, "kind": self.kind, "text": self.text,
            "owner": self.owner or None, "side": self.side.value if self.side else None,
            "due": self.due.isoformat() if self.due else None, "status": self.status.value,
            "overdue": self.overdue, "internal": self.internal,
        }  # fmt: skip


@dataclass(frozen=True)
class Filters:
    open_only: bool = False
    overdue_only: bool = False
    owner: str | None = None
    client: str | None = None
    side: Side | None = None
    kind: str | None = None

    @classmethod
    def read(
        cls,
        *,
        open_only: bool = False,
        overdue_only: bool = False,
        owner: str | None = None,
        client: str | None = None,
        side: str | None = None,
        kind: str | None = None,
    ) -> Filters:
        """Filters from typed words; an unknown side or kind raises (exit 2)."""
        chosen_side = Side.read(side, "side") if side else None
        chosen_kind = None
        if kind:
            found = Kind.parse(kind)
            if found is None or found.value not in LEDGER_KINDS:
                raise InputError(
                    f"unknown kind '{kind}' for the ledger — use {', '.join(LEDGER_KINDS)}"
                )
            chosen_kind = found.value
        return cls(open_only, overdue_only, (owner or "").strip() or None,
                   (client or "").strip() or None, chosen_side, chosen_kind)  # fmt: skip


FILTER_WORDS = "open · overdue · owner:NAME · client:C · side:us|them · kind:action|risk|question"


def read_filter_words(text: str) -> Filters:
    """Filters from the words typed on the ledger screen's filter line (:data:`FILTER_WORDS`):
    ``open overdue owner:maria side:them``. A name with spaces takes quotes or underscores
    (``owner:maria_lopez``). Raises ``InputError`` naming the word it cannot read."""
    import shlex

    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    flags: dict[str, Any] = {}
    for word in words:
        key, _, value = word.partition(":")
        key = key.lower()
        if not value and key in ("open", "overdue"):
            flags["overdue_only" if key == "overdue" else "open_only"] = True
        elif value and key in ("owner", "client", "side", "kind"):
            flags[key] = value.replace("_", " ")
        else:
            raise InputError(f"cannot read '{word}' — use {FILTER_WORDS}")
    return Filters.read(**flags)


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    return fold(text)


def query(store: Store, filters: Filters | None = None, *, today: dt.date) -> list[Entry]:
    """The ledger (see the module doc), overdue first."""
    return page(store, filters, today=today).entries


@dataclass(frozen=True)
class Page:
    """The first ``limit`` entries of a ledger, and the counts of all of it."""

    entries: list[Entry]
    total: int
    counts: dict[str, int]


def page(
    store: Store, filters: Filters | None = None, *, today: dt.date, limit: int | None = None
) -> Page:
    """The ledger's first ``limit`` entries (all when None) and its counts.

    Two queries: the meetings (a few hundred rows at most), then the items with their owner;
    meeting columns are joined in Python, so the per-row cost stays that of the item alone
    (20,000 items: see benchmarks/bench_ledger.py). Rows are sorted as plain tuples and only the
    ones returned become entries. The cyclic garbage collector is held off meanwhile: the rows
    hold no cycles, and its passes over every object of the process (SQLAlchemy's, Textual's)
    doubled the time of a 10,000-row ledger."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        return _query(store, filters or Filters(), today, limit)
    finally:
        if was_on:
            gc.enable()


_MEETING_COLUMNS: tuple[Any, ...] = tuple(
    col(c) for c in (Meeting.id, Meeting.client, Meeting.title, Meeting.start_utc, Meeting.tz)
)
_ITEM_COLUMNS: tuple[Any, ...] = tuple(
    col(c)
    for c in (
        Item.id, Item.meeting_id, Item.number, Item.uid, Item.kind, Item.text, Item.owner,
        Item.owner_known, Item.side, Item.due, Item.status, Item.internal, Attendee.name,
        Attendee.side,
    )
)  # fmt: skip


def _query(store: Store, f: Filters, today: dt.date, limit: int | None) -> Page:
    kinds = [f.kind] if f.kind else list(LEDGER_KINDS)
    client_words = _folded(f.client) if f.client else None
    with store.read() as s:
        meetings = {
            mid: (client, title, start, tz)
            for mid, client, title, start, tz in s.execute(select(*_MEETING_COLUMNS))
            if client_words is None
            or client_words in _folded(client)
            or client_words in _folded(mid)
        }
        if not meetings:
            return Page([], 0, {"open": 0, "overdue": 0, "done": 0})
        q = (
            select(*_ITEM_COLUMNS)
            .outerjoin(Attendee, col(Attendee.id) == col(Item.owner_attendee_id))
            .where(col(Item.deleted).is_(False), col(Item.kind).in_(kinds))
        )
        if client_words is not None:
            q = q.where(col(Item.meeting_id).in_(list(meetings)))
        if f.open_only or f.overdue_only:
            q = q.where(col(Item.status) != Status.DONE.value)
        if f.overdue_only:
            q = q.where(col(Item.due).is_not(None), col(Item.due) < today)
        rows = s.connection().execute(q).all()  # plain rows: no ORM loading per row
    owner_words = _folded(f.owner) if f.owner else None
    order = {mid: (_folded(m[0]), m[2], mid) for mid, m in meetings.items()}
    sides: dict[Any, Side] = dict(Side.spellings())  # every spelling, old ones too
    states: dict[Any, Status] = dict(Status.spellings())
    keyed: list[tuple[tuple[Any, ...], Any, Side | None, Status, bool, str]] = []
    n_open = n_late = n_done = 0
    for row in rows:
        mid, status, due, side, person, person_side = (
            row[1],
            row[10],
            row[9],
            row[8],
            row[12],
            row[13],
        )
        name = person or row[6] or ""
        if owner_words is not None and owner_words not in _folded(name):
            continue
        owes = sides.get(side) if side else sides.get(person_side)
        if side and owes is None:  # an unknown stored word: the owner's side decides
            owes = sides.get(person_side)
        if f.side is not None and owes is not f.side:
            continue
        state = states.get(status, Status.OPEN)
        late = state is Status.OPEN and due is not None and due < today
        if state is Status.DONE:
            n_done += 1
        else:
            n_open += 1
            n_late += late
        key = (state is Status.DONE, not late, due is None, due or dt.date.max, order[mid],
               int(row[2] or 0))  # fmt: skip
        keyed.append((key, row, owes, state, late, name))
    keyed.sort(key=lambda k: k[0])
    entries: list[Entry] = []
    for _, row, owes, state, late, name in keyed if limit is None else keyed[:limit]:
        (rid, mid, number, uid, kind, text, _owner, known, _side, due, _status, internal,
         person, _person_side) = row  # fmt: skip
        client, title, start, tz = meetings[mid]
        entries.append(
            Entry(
                meeting_id=mid, client=client, meeting_title=title, meeting_start=start, tz=tz,
                row_id=int(rid), number=int(number or 0), ident=uid or f"{mid}-item-{rid}",
                kind=kind, text=text, owner=name, owner_known=bool(known) or person is not None,
                side=owes, due=due, status=state, internal=bool(internal), overdue=late,
            )
        )  # fmt: skip
    return Page(entries, len(keyed), {"open": n_open, "overdue": n_late, "done": n_done})


def counts(entries: list[Entry]) -> dict[str, int]:
    """``open``, ``overdue`` and ``done`` counts of a ledger, for a summary line."""
    return {
        "open": sum(1 for e in entries if e.is_open),
        "overdue": sum(1 for e in entries if e.overdue),
        "done": sum(1 for e in entries if not e.is_open),
    }
