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
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from kickoff_tui.core.errors import InputError
from kickoff_tui.core.models import Attendee, Item, Meeting
from kickoff_tui.core.people import fold
from kickoff_tui.core.store import Store
from kickoff_tui.core.vocab import Kind, Side, Status

#: What the ledger tracks: commitments and what is still unanswered or unresolved.
LEDGER_KINDS: tuple[str, ...] = (Kind.ACTION.value, Kind.RISK.value, Kind.QUESTION.value)


@dataclass(frozen=True)
class Entry:
    """One commitment in the ledger."""

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


def _sort_key(e: Entry) -> tuple[Any, ...]:
    return (
        not e.is_open,
        not e.overdue,
        e.due is None,
        e.due or dt.date.max,
        fold(e.client),
        e.meeting_start,
        e.number,
    )


def query(store: Store, filters: Filters | None = None, *, today: dt.date) -> list[Entry]:
    """The ledger (see the module doc), overdue first."""
    f = filters or Filters()
    kinds = [f.kind] if f.kind else list(LEDGER_KINDS)
    q = (
        select(
            Item.id,
            Item.meeting_id,
            Item.number,
            Item.uid,
            Item.kind,
            Item.text,
            Item.owner,
            Item.owner_known,
            Item.side,
            Item.due,
            Item.status,
            Item.internal,
            Meeting.client,
            Meeting.title,
            Meeting.start_utc,
            Meeting.tz,
            Attendee.name,
            Attendee.side,
        )  # fmt: skip
        .join(Meeting, col(Meeting.id) == col(Item.meeting_id))
        .outerjoin(Attendee, col(Attendee.id) == col(Item.owner_attendee_id))
        .where(col(Item.deleted).is_(False), col(Item.kind).in_(kinds))
    )
    if f.open_only or f.overdue_only:
        q = q.where(col(Item.status) != Status.DONE.value)
    if f.overdue_only:
        q = q.where(col(Item.due).is_not(None), col(Item.due) < today)
    with store.read() as s:
        rows = s.exec(q).all()
    owner_words = fold(f.owner) if f.owner else None
    client_words = fold(f.client) if f.client else None
    out: list[Entry] = []
    for (rid, mid, number, uid, kind, text, owner, known, side, due, status, internal, client,
         title, start, tz, person, person_side) in rows:  # fmt: skip
        name = person or owner or ""
        if owner_words is not None and owner_words not in fold(name):
            continue
        if client_words is not None and not (
            client_words in fold(client) or client_words in fold(mid)
        ):
            continue
        owes = Side.parse(side) or Side.parse(person_side)
        if f.side is not None and owes is not f.side:
            continue
        state = Status.parse(status) or Status.OPEN
        late = state is Status.OPEN and due is not None and due < today
        out.append(
            Entry(
                meeting_id=mid, client=client, meeting_title=title, meeting_start=start, tz=tz,
                row_id=int(rid), number=int(number or 0), ident=uid or f"{mid}-item-{rid}",
                kind=kind, text=text, owner=name, owner_known=bool(known) or person is not None,
                side=owes, due=due, status=state, internal=bool(internal), overdue=late,
            )
        )  # fmt: skip
    out.sort(key=_sort_key)
    return out


def counts(entries: list[Entry]) -> dict[str, int]:
    """``open``, ``overdue`` and ``done`` counts of a ledger, for a summary line."""
    return {
        "open": sum(1 for e in entries if e.is_open),
        "overdue": sum(1 for e in entries if e.overdue),
        "done": sum(1 for e in entries if not e.is_open),
    }
