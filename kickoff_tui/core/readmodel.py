"""One read model of a meeting: every output renders from it, nothing re-derives it.

:func:`build_record` turns one snapshot (``meetings.load_snapshot``, or any object with the same
attribute names: ``meeting``, ``blocks``, ``attendees``, ``items``, ``answers``, ``events``,
``notes``) into a :class:`MeetingRecord` of frozen plain objects. It decides, once:

* **who** — every owner is the resolved :class:`Person` (by attendee id, else by
  ``people.match`` on the typed name), an :class:`~kickoff_tui.core.people.Unresolved` name kept
  as typed, or an :class:`~kickoff_tui.core.people.Ambiguous` one; ``people.label`` flags the last
  two the same way in every output;
* **which** — every item, person, answer and the meeting has an ``ident``: its stored ``uid``
  (made at creation, kept by ``kickoff copy``; :func:`ident_of` alone reads it), and every item
  its per-meeting ``number`` as stored (given at creation, deleted items keep theirs, so numbers
  never shift; :func:`number_of`);
* **what is secret** — items carry ``internal``; facts (purpose, cadence, next meeting, First
  Value, a person's title/note) carry it too. :func:`client_view` is the one rule for what a
  client may see, and returns a :class:`ClientRecord` that has no field for anything else: the
  client-facing exports (email, CSV, ICS, CRM JSON) take only that type.

Pure and cheap: no database, no SQLModel, no Textual; build it again whenever the snapshot
changes. Words come from ``vocab`` (one spelling per value).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pendulum

from kickoff_tui.core.people import Ambiguous, Matcher, Unresolved
from kickoff_tui.core.people import label as owner_label
from kickoff_tui.core.vocab import Kind, Severity, Side, Status, split_tags

#: Minutes of the next meeting when the cadence does not say ("weekly, 30 min" says 30).
DEFAULT_MEETING_MINUTES = 60
#: Kinds a client never sees, internal or not: notes are our working notes; deviations (seed
#: 002: missing attendee, scope conflict, ownership mismatch, disputed decision) are escalated
#: to our account owner, not mailed to the customer.
NEVER_CLIENT_KINDS = frozenset({Kind.NOTE.value, Kind.DEVIATION.value})


def ident_of(row: Any, fallback: str) -> str:
    """The one accessor for a row's identity: its stored ``uid`` once rows carry one, else
    ``fallback`` (derived from the row id). Switch identities here and nowhere else."""
    uid = getattr(row, "uid", None)
    return str(uid) if uid else fallback


def number_of(row: Any, numbered: dict[int, int]) -> int:
    """The one accessor for an item's number: the stored per-meeting ``number``, else (a row
    from before numbers were stored) its place in capture order from :func:`numbers`."""
    stored = getattr(row, "number", None)
    return int(stored) if stored is not None else numbered[row.id]


def numbers(item_ids: Iterable[int]) -> dict[int, int]:
    """Row id → per-meeting number (1, 2, …) in capture order. Give *every* item id of the
    meeting, deleted ones included, so a deletion never renumbers the rest."""
    return {rid: n for n, rid in enumerate(sorted(set(item_ids)), start=1)}


_MINUTES_RE = re.compile(
    r"(?<![\d:.,])(\d{1,3}(?:[.,]\d+)?)\s*-?\s*(minutes?|mins?|m|hours?|hrs?|h)\b", re.IGNORECASE
)


def cadence_minutes(text: str | None) -> int | None:
    """How long the agreed meeting lasts, read from a cadence text: ``30 min`` → 30,
    ``1h`` → 60, ``1.5 hours`` → 90, ``45-minute`` → 45; None when it does not say."""
    for m in _MINUTES_RE.finditer(text or ""):
        value = float(m.group(1).replace(",", "."))
        minutes = round(value * 60) if m.group(2).lower().startswith("h") else round(value)
        if 5 <= minutes <= 8 * 60:
            return minutes
    return None


# --------------------------------------------------------------------------------------------
# The record


@dataclass(frozen=True)
class Person:
    ident: str
    row_id: int
    name: str
    side: Side
    title: str = ""
    title_internal: bool = False
    seniority: int = 0
    roles: tuple[str, ...] = ()
    present: bool = True
    email: str | None = None  # attendee.email (kickoff attendee --email, handoff files)

    @property
    def id(self) -> int:  # so people.Candidate-style code can read it
        return self.row_id

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


Owner = Person | Unresolved | Ambiguous[Person] | None


@dataclass(frozen=True)
class BlockInfo:
    """An agenda block (attribute names as ``clock.compute`` reads them)."""

    id: int
    position: int
    title: str
    kind: str
    planned_minutes: int  # the plan agreed before the meeting
    status: str
    replanned_seconds: int | None = None  # the plan once the meeting replanned it (rebalance)
    presenter: str = ""

    @property
    def planned_seconds(self) -> int:
        """What the clocks run on: the replanned seconds, else the planned minutes."""
        return (
            self.replanned_seconds
            if self.replanned_seconds is not None
            else (self.planned_minutes * 60)
        )


@dataclass(frozen=True)
class TimerMark:
    id: int
    block_id: int | None
    kind: str
    seconds: int
    at: dt.datetime
    by: str


@dataclass(frozen=True)
class History:
    created_at: dt.datetime | None
    created_by: str
    updated_at: dt.datetime | None
    version: int


@dataclass(frozen=True)
class ItemEvent:
    """One step in an item's life after capture (``core.series``): done, slipped, dropped…"""

    at: pendulum.DateTime | None
    by: str
    meeting_id: str
    what: str


@dataclass(frozen=True)
class Item:
    ident: str
    row_id: int  # internal: what the write functions take until identities land
    number: int
    kind: str  # a Kind value (an unknown kind from an old file stays as stored)
    text: str
    owner: Owner
    decider: Owner
    due: dt.date | None
    side: Side | None  # who owes it: as captured, else the owning person's side
    side_captured: bool
    status: Status
    severity: Severity | None
    mitigation: str
    internal: bool
    block: BlockInfo | None
    history: History
    meeting_id: str = ""  # the meeting it was captured in (another one for a carried item)
    events: tuple[ItemEvent, ...] = ()  # its history across the series, oldest first
    resolution: str | None = None  # a promise's reconciliation, or "dropped"
    resolution_note: str = ""
    escalated: bool = False  # a risk escalated (esc): threatens the timeline or go-live
    escalated_to: Owner = None  # esc:@name, resolved like an owner

    @property
    def visibility(self) -> str:
        return "internal" if self.internal else "client"

    @property
    def owner_label(self) -> str:
        return owner_label(self.owner)

    @property
    def decider_label(self) -> str:
        return owner_label(self.decider)

    @property
    def is_open(self) -> bool:
        return self.status is not Status.DONE

    @property
    def ref(self) -> str:
        """``Action #3``: how messages name the item."""
        return f"{kind_label(self.kind)} #{self.number}"


def kind_label(kind: str) -> str:
    return {"in-scope": "In-scope item", "out-of-scope": "Out-of-scope item"}.get(
        kind, kind.capitalize()
    )


@dataclass(frozen=True)
class Answer:
    ident: str
    question: int
    text: str
    attendee_id: int
    person: Person | None


@dataclass(frozen=True)
class BlockNote:
    block_id: int
    block: BlockInfo | None
    text: str


@dataclass(frozen=True)
class TextFact:
    """A meeting fact held as text (purpose, cadence); ``text`` is "" when unset."""

    text: str = ""
    internal: bool = False

    def __bool__(self) -> bool:
        return bool(self.text)


@dataclass(frozen=True)
class NextMeeting:
    start_utc: pendulum.DateTime
    minutes: int
    minutes_from_cadence: bool
    internal: bool = False


@dataclass(frozen=True)
class FirstValue:
    goal: str = ""
    date: dt.date | None = None
    internal: bool = False

    @property
    def defined(self) -> bool:
        return bool(self.goal) and self.date is not None


@dataclass(frozen=True)
class MeetingInfo:
    ident: str
    id: str
    client: str
    title: str
    template: str
    start_utc: pendulum.DateTime
    tz: str
    planned_minutes: int
    status: str
    contract_close: dt.date | None
    followthrough_exported_at: pendulum.DateTime | None
    version: int
    followthrough_sent_at: pendulum.DateTime | None = None  # `kickoff sent`: only this is "sent"
    invited_at: pendulum.DateTime | None = None  # customer invitation written
    briefed_at: pendulum.DateTime | None = None  # internal brief written
    after_id: str | None = None  # the meeting before this one in its series
    series_id: str | None = None  # the series' first meeting

    def local_start(self) -> pendulum.DateTime:
        return self.start_utc.in_timezone(self.tz)


@dataclass(frozen=True)
class MeetingRecord:
    """Everything about one meeting, resolved once (see the module docstring)."""

    meeting: MeetingInfo
    people: tuple[Person, ...]
    blocks: tuple[BlockInfo, ...]
    items: tuple[Item, ...]
    answers: tuple[Answer, ...]
    notes: tuple[BlockNote, ...]
    events: tuple[TimerMark, ...]
    purpose: TextFact
    cadence: TextFact
    next_meeting: NextMeeting | None
    first_value: FirstValue
    _match: Matcher[Person] = field(
        repr=False, compare=False, hash=False, default_factory=lambda: Matcher(())
    )
    #: "Since last time": the open items of the earlier meetings of the series (same identities).
    carried: tuple[Item, ...] = ()
    #: Their meetings: id -> (title, local start).
    carried_from: dict[str, tuple[str, pendulum.DateTime]] = field(default_factory=dict)

    def items_of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    def person(self, row_id: int | None) -> Person | None:
        return next((p for p in self.people if p.row_id == row_id), None)

    def block(self, block_id: int | None) -> BlockInfo | None:
        return next((b for b in self.blocks if b.id == block_id), None)

    def match(self, name: str) -> Person | Unresolved | Ambiguous[Person]:
        """``people.match`` against this meeting's attendees."""
        return self._match(name)

    def side_of(self, side: Side) -> list[Person]:
        return [p for p in self.people if p.side is side]

    def holders(self, side: Side, role: str) -> list[Person]:
        return [p for p in self.people if p.side is side and role in p.roles]


def _utc(value: Any) -> pendulum.DateTime | None:
    if value is None:
        return None
    if isinstance(value, str):
        parsed = pendulum.parse(value)
        assert isinstance(parsed, pendulum.DateTime)
        value = parsed
    if getattr(value, "tzinfo", None) is None:
        value = value.replace(tzinfo=dt.UTC)
    out: pendulum.DateTime = pendulum.instance(value).in_timezone("UTC")
    return out


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return dt.date(value.year, value.month, value.day)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _roles(row: Any) -> tuple[str, ...]:
    roles = getattr(row, "roles", "") or ""
    if isinstance(roles, str):
        return tuple(r for r in roles.split(",") if r)
    return tuple(roles)


def _events(row: Any) -> tuple[ItemEvent, ...]:
    """The item's history column (JSON, see ``core.series``) as events."""
    text = getattr(row, "history", None)
    if not text:
        return ()
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return ()
    out = []
    for e in data if isinstance(data, list) else []:
        if isinstance(e, dict):
            try:
                at = _utc(e.get("at"))
            except Exception:
                at = None
            out.append(ItemEvent(at, str(e.get("by", "")), str(e.get("meeting", "")),
                                 str(e.get("what", ""))))  # fmt: skip
    return tuple(out)


def build_record(snap: Any) -> MeetingRecord:
    """The :class:`MeetingRecord` of one snapshot (see the module docstring)."""
    m = snap.meeting
    mid = str(m.id)
    start = _utc(m.start_utc)
    assert start is not None
    info = MeetingInfo(
        ident=ident_of(m, mid), id=mid, client=m.client, title=m.title,
        template=getattr(m, "template", ""), start_utc=start, tz=m.tz,
        planned_minutes=int(m.planned_minutes), status=getattr(m, "status", "planned"),
        contract_close=_date(getattr(m, "contract_close", None)),
        followthrough_exported_at=_utc(getattr(m, "followthrough_exported_at", None)),
        version=int(getattr(m, "version", 1) or 1),
        followthrough_sent_at=_utc(getattr(m, "followthrough_sent_at", None)),
        invited_at=_utc(getattr(m, "invited_at", None)),
        briefed_at=_utc(getattr(m, "briefed_at", None)),
        after_id=getattr(m, "after_id", None), series_id=getattr(m, "series_id", None) or mid,
    )  # fmt: skip

    people: list[Person] = []
    for a in sorted(snap.attendees, key=lambda a: a.id or 0):
        title, title_internal = split_tags(getattr(a, "title", ""))
        people.append(
            Person(
                ident=ident_of(a, f"{mid}-person-{a.id}"), row_id=int(a.id), name=a.name,
                side=Side.parse(a.side) or Side.THEIRS, title=title,
                title_internal=title_internal, seniority=int(getattr(a, "seniority", 0) or 0),
                roles=_roles(a), present=bool(getattr(a, "present", True)),
                email=getattr(a, "email", None) or None,
            )
        )  # fmt: skip
    by_id = {p.row_id: p for p in people}
    matcher: Matcher[Person] = Matcher(people)

    blocks = tuple(
        BlockInfo(
            int(b.id),
            int(b.position),
            b.title,
            b.kind,
            int(b.planned_minutes),
            getattr(b, "status", "pending"),
            _opt_int(getattr(b, "replanned_seconds", None)),
            (getattr(b, "presenter", None) or "").strip(),
        )  # fmt: skip
        for b in sorted(snap.blocks, key=lambda b: b.position)
    )
    block_by_id = {b.id: b for b in blocks}

    def owner_of(attendee_id: int | None, name: str | None) -> Owner:
        if attendee_id is not None and attendee_id in by_id:
            return by_id[attendee_id]
        name = (name or "").strip()
        return matcher(name) if name else None

    rows = [i for i in snap.items if not getattr(i, "deleted", False)]
    all_ids = [i.id for i in snap.items] + list(getattr(snap, "deleted_item_ids", ()) or ())
    numbered = numbers(all_ids)

    def item_of(r: Any, number: int, owner: Owner, block: BlockInfo | None) -> Item:
        decided_by = (getattr(r, "decided_by", None) or "").strip()
        decider = owner_of(None, decided_by) if decided_by and decided_by != r.owner else owner
        captured = Side.parse(getattr(r, "side", None))
        side = captured or (owner.side if isinstance(owner, Person) else None)
        return Item(
            ident=ident_of(r, f"{r.meeting_id}-item-{r.id}"), row_id=int(r.id), number=number,
            kind=str(Kind.parse(r.kind) or r.kind), text=r.text, owner=owner, decider=decider,
            due=_date(r.due), side=side, side_captured=captured is not None,
            status=Status.parse(getattr(r, "status", None)) or Status.OPEN,
            severity=Severity.parse(getattr(r, "severity", None)),
            mitigation=(getattr(r, "mitigation", None) or "").strip(),
            internal=bool(getattr(r, "internal", False)), block=block,
            history=History(
                _utc(getattr(r, "created_at", None)), getattr(r, "captured_by", "") or "",
                _utc(getattr(r, "updated_at", None)), int(getattr(r, "version", 1) or 1),
            ),
            meeting_id=str(getattr(r, "meeting_id", mid) or mid), events=_events(r),
            resolution=getattr(r, "resolution", None) or None,
            resolution_note=(getattr(r, "resolution_note", None) or "").strip(),
            escalated=bool(getattr(r, "escalated", False)),
            escalated_to=owner_of(None, getattr(r, "escalated_to", None)),
        )  # fmt: skip

    items: list[Item] = []
    for r in sorted(rows, key=lambda i: i.id or 0):
        owner = owner_of(getattr(r, "owner_attendee_id", None), r.owner)
        block_id = getattr(r, "block_id", None)
        block = block_by_id.get(block_id) if block_id is not None else None
        items.append(item_of(r, number_of(r, numbered), owner, block))
    # A carried item's owner is an attendee of its own meeting: matched here by name.
    carried = tuple(
        item_of(r, int(r.number or 0), owner_of(None, r.owner), None)
        for r in getattr(snap, "carried", ()) or ()
    )
    carried_from = {
        cid: (c.title, pendulum.instance(c.start_utc).in_timezone(c.tz))
        for cid, c in (getattr(snap, "carried_meetings", None) or {}).items()
    }

    answers = tuple(
        Answer(
            ident_of(a, f"{mid}-answer-{a.id}"),
            int(a.question),
            a.text,
            int(a.attendee_id),
            by_id.get(a.attendee_id),
        )  # fmt: skip
        for a in sorted(snap.answers, key=lambda a: (a.question, a.id or 0))
    )
    notes = tuple(
        BlockNote(int(n.block_id), block_by_id.get(n.block_id), n.text)
        for n in sorted(snap.notes, key=lambda n: n.id or 0)
    )
    events = tuple(
        TimerMark(
            int(e.id or 0),
            e.block_id,
            e.kind,
            int(getattr(e, "seconds", 0) or 0),
            _utc(e.at) or start,
            getattr(e, "by", ""),
        )
        for e in snap.events
    )

    purpose = TextFact(*split_tags(getattr(m, "purpose", None)))
    cadence = TextFact(*split_tags(getattr(m, "cadence", None)))
    minutes = cadence_minutes(cadence.text)
    next_at = _utc(getattr(m, "next_meeting_utc", None))
    next_meeting = (
        NextMeeting(
            next_at,
            minutes or DEFAULT_MEETING_MINUTES,
            minutes is not None,
            internal=bool(getattr(m, "next_meeting_internal", False)),
        )  # fmt: skip
        if next_at is not None
        else None
    )
    goal, goal_internal = split_tags(getattr(m, "first_value_goal", None))
    first_value = FirstValue(goal, _date(getattr(m, "first_value_date", None)), goal_internal)
    return MeetingRecord(
        meeting=info, people=tuple(people), blocks=blocks, items=tuple(items), answers=answers,
        notes=notes, events=events, purpose=purpose, cadence=cadence, next_meeting=next_meeting,
        first_value=first_value, _match=matcher, carried=carried, carried_from=carried_from,
    )  # fmt: skip


def as_record(source: Any) -> MeetingRecord:
    """A record as it is, or built from a snapshot."""
    return source if isinstance(source, MeetingRecord) else build_record(source)


# --------------------------------------------------------------------------------------------
# What a client may see


@dataclass(frozen=True)
class ClientPerson:
    ident: str
    name: str
    side: Side
    title: str  # "" when the title/note was internal
    seniority: int
    roles: tuple[str, ...]
    present: bool
    email: str | None

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


ClientOwner = ClientPerson | Unresolved | Ambiguous[ClientPerson] | None


@dataclass(frozen=True)
class ClientItem:
    """An item fit for the client: no visibility flag (all are public), no mitigation and no
    escalation (whom we escalate to is ours)."""

    ident: str
    number: int
    kind: str
    text: str
    owner: ClientOwner
    decider: ClientOwner
    due: dt.date | None
    side: Side | None
    status: Status
    severity: Severity | None
    block_title: str | None
    block_kind: str | None
    version: int

    @property
    def owner_label(self) -> str:
        return owner_label(self.owner)

    @property
    def decider_label(self) -> str:
        return owner_label(self.decider)

    @property
    def is_open(self) -> bool:
        return self.status is not Status.DONE


@dataclass(frozen=True)
class ClientAnswer:
    question: int
    text: str
    person: ClientPerson | None


@dataclass(frozen=True)
class ClientFinding:
    id: str
    severity: str
    message: str
    fix: str


@dataclass(frozen=True)
class ClientMeeting:
    ident: str
    id: str
    client: str
    title: str
    start_utc: pendulum.DateTime
    tz: str
    planned_minutes: int
    contract_close: dt.date | None
    version: int

    def local_start(self) -> pendulum.DateTime:
        return self.start_utc.in_timezone(self.tz)


@dataclass(frozen=True)
class ClientRecord:
    """What a client may see of a meeting, and nothing else (built by :func:`client_view`)."""

    meeting: ClientMeeting
    purpose: str
    people: tuple[ClientPerson, ...]
    items: tuple[ClientItem, ...]
    answers: tuple[ClientAnswer, ...]
    cadence: str
    next_meeting: NextMeeting | None
    first_value: FirstValue | None
    findings: tuple[ClientFinding, ...] = ()
    measures: dict[str, Any] = field(default_factory=dict)

    def items_of(self, kind: str) -> list[ClientItem]:
        return [i for i in self.items if i.kind == kind]

    def side_of(self, side: Side) -> list[ClientPerson]:
        return [p for p in self.people if p.side is side]


def _client_person(p: Person) -> ClientPerson:
    return ClientPerson(p.ident, p.name, p.side, "" if p.title_internal else p.title,
                        p.seniority, p.roles, p.present, p.email)  # fmt: skip


def client_view(
    record: MeetingRecord,
    findings: Sequence[Any] = (),
    now: pendulum.DateTime | None = None,
) -> ClientRecord:
    """The one rule for what a client may see of ``record``.

    Left out: internal items, notes (items of kind ``note`` and the running block notes),
    deviations, risk mitigations and escalations (our working notes), internal facts (purpose,
    cadence, next meeting, First Value: each is ``""``/None when internal) and internal
    titles/notes of people. Health ``findings`` (``checks.Finding``) keep their check id,
    severity and fix; a message naming an internal item or fact is reworded without its text.
    ``measures`` are the play's counts and yes/no answers (``checks.play_measures``), which
    carry no captured text.
    """
    from kickoff_tui.core.checks import CHECKS, play_measures, quote

    people = {p.row_id: _client_person(p) for p in record.people}

    def owner(o: Owner) -> ClientOwner:
        if isinstance(o, Person):
            return people[o.row_id]
        if isinstance(o, Ambiguous):
            return Ambiguous(o.typed, tuple(people[c.row_id] for c in o.candidates))
        return o

    items = tuple(
        ClientItem(
            i.ident,
            i.number,
            i.kind,
            i.text,
            owner(i.owner),
            owner(i.decider),
            i.due,
            i.side,
            i.status,
            i.severity,
            i.block.title if i.block else None,
            i.block.kind if i.block else None,
            i.history.version,
        )  # fmt: skip
        for i in record.items
        if not i.internal and i.kind not in NEVER_CLIENT_KINDS
    )
    hidden = {i.row_id: i for i in record.items if i.internal}
    secret_facts = {
        name
        for name, internal in (
            ("purpose", record.purpose.internal),
            ("cadence", record.cadence.internal),
            ("first-value", record.first_value.internal),
            ("next-meeting", bool(record.next_meeting and record.next_meeting.internal)),
        )
        if internal
    }
    describe = {cid: text for cid, _, text in CHECKS}
    safe: list[ClientFinding] = []
    for f in findings:
        message = f.message
        item = hidden.get(getattr(f, "item_id", None))  # type: ignore[arg-type]
        if item is not None:
            message = message.replace(quote(item.text), "(internal item)")
            if item.text.strip() and quote(item.text) not in f.message:
                message = f"{item.ref} (internal item): {describe.get(f.id, f.id)}"
        if getattr(f, "fact", None) in secret_facts:
            message = f"{describe.get(f.id, f.id)} (internal)"
        safe.append(ClientFinding(f.id, f.severity, message, f.fix))

    nm = record.next_meeting
    fv = record.first_value
    m = record.meeting
    return ClientRecord(
        meeting=ClientMeeting(
            m.ident,
            m.id,
            m.client,
            m.title,
            m.start_utc,
            m.tz,
            m.planned_minutes,
            m.contract_close,
            m.version,
        ),  # fmt: skip
        purpose="" if record.purpose.internal else record.purpose.text,
        people=tuple(people.values()),
        items=items,
        answers=tuple(
            ClientAnswer(a.question, a.text, people.get(a.attendee_id)) for a in record.answers
        ),
        cadence="" if record.cadence.internal else record.cadence.text,
        next_meeting=nm if nm is not None and not nm.internal else None,
        first_value=None if fv.internal else fv,
        findings=tuple(safe),
        measures=play_measures(record, now),
    )
