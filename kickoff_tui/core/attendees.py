"""Attendees of a meeting: add, change, remove, list names.

Never two attendees with one name on one side: names compare folded (``people.fold``: case,
accents, spacing), so ``add_attendee`` refuses a second "María López" on the client's side, and
:func:`put_attendee` (what ``kickoff attendee`` calls) updates the person who is there instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from kickoff_tui.core.errors import InputError
from kickoff_tui.core.meetings import get_meeting, lock_meeting
from kickoff_tui.core.models import (
    ROLES,
    Answer,
    Attendee,
    Item,
    utcnow,
)
from kickoff_tui.core.people import Ambiguous, Candidate, Unresolved, fold, match
from kickoff_tui.core.store import Store
from kickoff_tui.core.text import clean
from kickoff_tui.core.vocab import Side, read_tags, with_tags


def add_attendee(
    store: Store,
    meeting_id: str,
    name: str,
    *,
    side: str = "theirs",
    title: str = "",
    seniority: int = 0,
    roles: Iterable[str] = (),
    present: bool = True,
    email: str | None = None,
    by: str = "cli",
) -> Attendee:
    name = _name(name)
    email = read_email(email)
    side = _side(side)
    title = _title(title)
    role_list = _roles(roles)
    with store.write(by) as s:
        get_meeting(s, meeting_id)
        lock_meeting(s, meeting_id)
        twin = _same_name(_people(s, meeting_id), name, side)
        if twin is not None:
            raise InputError(
                f"{twin.name} is already an attendee on {side} side — change them with "
                f'`kickoff attendee {meeting_id} "{twin.name}" --title …` (it updates)'
            )
        a = Attendee(
            meeting_id=meeting_id,
            name=name,
            side=side,
            title=title,
            seniority=seniority,
            roles=",".join(role_list),
            present=present,
            email=email,
            created_at=utcnow(),
        )
        s.add(a)
    return a


def read_email(value: str | None) -> str | None:
    """An email address as stored (trimmed), None for none; a malformed one raises (exit 2)."""
    if value is None or not value.strip():
        return None
    from kickoff_tui.core.handoff import check_email

    found = check_email(clean(value, field="the email address"))
    if found is None:
        raise InputError(f"'{value.strip()}' is not an email address — write name@domain.tld")
    return found


def _name(name: str) -> str:
    name = " ".join(clean(name, field="the attendee's name").split())
    if not name:
        raise InputError("the attendee's name is empty — type a name")
    return name


def _side(side: str) -> str:
    found = Side.parse(side)
    if found is None:
        raise InputError(f"unknown side '{side}' — use {Side.accepted()}")
    return found.value


def _title(title: str) -> str:
    title = clean(title, field="the attendee's title").strip()
    return with_tags(*read_tags(title))  # "#internal" kept (normalised); "#intenral" refused


def _roles(roles: Iterable[str]) -> list[str]:
    role_list = list(dict.fromkeys(r.strip() for r in roles if r.strip()))
    bad = [r for r in role_list if r not in ROLES]
    if bad:
        raise InputError(f"unknown role '{bad[0]}' — use one of: {', '.join(ROLES)}")
    return role_list


def _people(s: Session, meeting_id: str) -> list[Attendee]:
    q = select(Attendee).where(Attendee.meeting_id == meeting_id).order_by(col(Attendee.id))
    return list(s.exec(q))


def _same_name(people: Sequence[Attendee], name: str, side: str | None) -> Attendee | None:
    key = fold(name)
    return next(
        (a for a in people if fold(a.name) == key and (side is None or a.side == side)), None
    )


@dataclass(frozen=True)
class PutResult:
    """What :func:`put_attendee` did: the person, whether they were new, and what changed
    (``["title", "roles"]``; empty when an update changed nothing)."""

    attendee: Attendee
    created: bool
    changed: tuple[str, ...]

    def describe(self) -> str:
        a = self.attendee
        if self.created:
            return f"added {a.name} ({a.side})"
        if not self.changed:
            return f"{a.name} ({a.side}) is already as given — nothing changed"
        return f"updated {a.name} ({a.side}): {', '.join(self.changed)}"


def put_attendee(
    store: Store,
    meeting_id: str,
    name: str,
    *,
    side: str | None = None,
    title: str | None = None,
    seniority: int | None = None,
    roles: Iterable[str] | None = None,
    present: bool | None = None,
    by: str = "cli",
    **extra: object,
) -> PutResult:
    """Add a person, or update the one with this name (what ``kickoff attendee`` does).

    The name compares folded. ``side`` picks among namesakes on both sides; given for a person
    who exists on one side only, it moves them. Only the fields given (not None) change;
    ``roles`` replaces the person's roles. ``extra`` are more columns (``email=``, already
    checked by the caller), set the same way when not None. One unit of work: the look-up and
    the write share a transaction, so two terminals adding the same name at once add one person.
    """
    name = _name(name)
    side = _side(side) if side is not None else None
    title = _title(title) if title is not None else None
    role_list = _roles(roles) if roles is not None else None
    with store.write(by) as s:
        lock_meeting(s, meeting_id)
        people = _people(s, meeting_id)
        key = fold(name)
        namesakes = [a for a in people if fold(a.name) == key]
        if side is not None and any(a.side == side for a in namesakes):
            namesakes = [a for a in namesakes if a.side == side]
        if len(namesakes) > 1:
            raise InputError(
                f"{namesakes[0].name} is an attendee on both sides — add --side ours or "
                "--side theirs to say which one"
            )
        if not namesakes:
            a = Attendee(
                meeting_id=meeting_id, name=name, side=side or Side.THEIRS.value,
                title=title or "", seniority=seniority or 0, roles=",".join(role_list or ()),
                present=True if present is None else present, created_at=utcnow(),
            )  # fmt: skip
            for field, value in extra.items():
                if value is not None:
                    setattr(a, field, value)
            s.add(a)
            return PutResult(a, True, ())
        a = namesakes[0]
        wanted = {
            "side": side, "title": title, "seniority": seniority,
            "roles": None if role_list is None else ",".join(role_list), "present": present,
            **extra,
        }  # fmt: skip
        changed = []
        for field, value in wanted.items():
            if value is not None and getattr(a, field) != value:
                setattr(a, field, value)
                changed.append(field)
        if changed:
            s.add(a)
        return PutResult(a, False, tuple(changed))


def find_attendee(store: Store, meeting_id: str, name: str) -> Attendee:
    """The one attendee ``name`` means (``people.match``: ``maria``, ``@lopez``…); an unknown
    or ambiguous name raises :class:`InputError` naming the fix."""
    with store.read() as s:
        people = _people(s, meeting_id)
    return _match_one(people, name, meeting_id)


def _match_one(people: Sequence[Attendee], name: str, meeting_id: str) -> Attendee:
    raw = name.strip().removeprefix("@").strip('"')
    found = match(raw, people)
    if isinstance(found, Ambiguous):
        raise InputError(found.message(f"'{raw}'"))
    if isinstance(found, Unresolved) or not raw:
        known = ", ".join(a.name for a in people) or "nobody yet"
        raise InputError(
            f"'{name}' is not an attendee of {meeting_id} — check the spelling (attendees: {known})"
        )
    return found


def remove_attendee(store: Store, meeting_id: str, name: str, *, by: str = "cli") -> str:
    """Remove a person added by mistake; returns what was done, in one line.

    Items they own keep the owner's name as typed (flagged "not an attendee" until someone else
    takes them). A person who answered the Five Questions is not removed: their answers are the
    customer's own words — mark them absent instead.
    """
    with store.write(by) as s:
        lock_meeting(s, meeting_id)
        a = _match_one(_people(s, meeting_id), name, meeting_id)
        answers = int(s.exec(select(func.count()).where(col(Answer.attendee_id) == a.id)).one())
        if answers:
            raise InputError(
                f"{a.name} gave {answers} Five Questions answer(s) — they stay in the record; "
                f'mark them absent instead: kickoff attendee {meeting_id} "{a.name}" '
                "--presence absent"
            )
        owned = list(s.exec(select(Item).where(col(Item.owner_attendee_id) == a.id)))
        for item in owned:
            item.owner_attendee_id = None
            item.owner_known = False
            item.version += 1
            item.updated_at = utcnow()
            s.add(item)
        s.delete(a)
        note = f"; {len(owned)} item(s) keep '{a.name}' as owner, flagged" if owned else ""
        return f"removed {a.name} ({a.side}) from {meeting_id}{note}"


def update_attendee(store: Store, attendee_id: int, by: str = "cli", **fields: object) -> Attendee:
    if isinstance(name := fields.get("name"), str):
        fields["name"] = " ".join(clean(name, field="the attendee's name").split())
        if not fields["name"]:
            raise InputError("the attendee's name is empty — type a name")
    if isinstance(title := fields.get("title"), str):
        fields["title"] = clean(title, field="the attendee's title").strip()
    if "email" in fields:
        fields["email"] = read_email(fields["email"])  # type: ignore[arg-type]
    with store.write(by) as s:
        a = s.get(Attendee, attendee_id)
        if a is None:
            raise InputError(f"no attendee #{attendee_id}")
        if "name" in fields or "side" in fields:
            # A rename or a move is checked in the same transaction, under the meeting's lock:
            # two terminals renaming at once still never make two people of one name and side.
            lock_meeting(s, a.meeting_id)
            name, side = str(fields.get("name", a.name)), str(fields.get("side", a.side))
            other = _same_name([p for p in _people(s, a.meeting_id) if p.id != a.id], name, side)
            if other is not None:
                raise InputError(
                    f"{other.name} is already an attendee on that side — pick another name, "
                    "or change that person instead"
                )
        if "roles" in fields and not isinstance(fields["roles"], str):
            fields["roles"] = ",".join(fields["roles"])  # type: ignore[arg-type]
        for k, v in fields.items():
            setattr(a, k, v)
        s.add(a)
    return a


def add_roles(
    store: Store, attendee_id: int, roles: Iterable[str], *, by: str = "cli"
) -> tuple[Attendee, list[str]]:
    """Give an attendee more roles, reading the roles they hold and writing the union in one
    transaction (another terminal adding a role at the same moment is never overwritten).
    Returns the attendee and the roles that were new."""
    with store.write(by) as s:
        a = s.get(Attendee, attendee_id, with_for_update=True)
        if a is None:
            raise InputError(f"no attendee #{attendee_id} — nothing was changed")
        held = a.role_list
        new = [r for r in roles if r not in held]
        if new:
            a.roles = ",".join([*held, *new])
            s.add(a)
    return a, new


def attendee_names(store: Store, meeting_id: str) -> list[Candidate]:
    """The meeting's attendees as ``(id, name)`` pairs (``people.Candidate``), for matching."""
    with store.read() as s:
        rows = s.exec(
            select(Attendee.id, Attendee.name).where(Attendee.meeting_id == meeting_id)
        ).all()
    return [Candidate(i, n) for i, n in rows if i is not None]  # a stored row has its id
