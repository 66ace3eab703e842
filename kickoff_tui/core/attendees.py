"""Attendees of a meeting: add, change, list names."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import select

from kickoff_tui.core.errors import InputError
from kickoff_tui.core.meetings import get_meeting
from kickoff_tui.core.models import (
    ROLES,
    Attendee,
    utcnow,
)
from kickoff_tui.core.people import Candidate
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
    name = " ".join(clean(name, field="the attendee's name").split())
    email = read_email(email)
    title = clean(title, field="the attendee's title").strip()
    if not name:
        raise InputError("the attendee's name is empty — type a name")
    found = Side.parse(side)
    if found is None:
        raise InputError(f"unknown side '{side}' — use {Side.accepted()}")
    side = found.value
    title = with_tags(*read_tags(title))  # "#internal" kept (normalised); "#intenral" refused
    role_list = [r.strip() for r in roles if r.strip()]
    bad = [r for r in role_list if r not in ROLES]
    if bad:
        raise InputError(f"unknown role '{bad[0]}' — use one of: {', '.join(ROLES)}")
    with store.write(by) as s:
        get_meeting(s, meeting_id)
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
