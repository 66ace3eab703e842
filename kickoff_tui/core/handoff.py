"""The sales handoff file: what the team knows before the kickoff, imported into a meeting.

Seed 004's preparation ("exactly what sales promised", the key stakeholders and what each
cares about, the 2–3 biggest risks) arrives as one file, TOML or JSON in the same shape::

    client = "Acme Corp"
    contract_close = 2026-11-26
    objectives = ["Cut lead-to-close from 60 to 42 days within 120 days of go-live"]
    promises = ["SSO in phase 1", { text = "Data migration by week 3", owner = "Sam Patel" }]
    risks = [{ text = "IT security never joined a sales call", severity = "high" }]
    pre_reads = ["Success plan draft (shared folder)"]

    [[attendees]]
    name = "Maria Lopez"
    side = "theirs"
    title = "VP Operations"
    email = "maria.lopez@acme.example"
    roles = ["decision-maker", "executive-sponsor"]

An entry of ``objectives``/``promises``/``risks`` is a string or a table with ``text`` and
optionally ``id``, ``owner``, ``due`` (YYYY-MM-DD), ``severity``, ``mitigation``, ``internal``.

**Importing twice updates, never duplicates.** An attendee is the same person when the email or
the name (folded: case, accents) matches one already in the meeting on that side; an item is the
same when it came from the same entry (its ``id``, else its folded text), which the item's
``origin`` column remembers. **All or nothing:** the whole file is read and checked first (a bad
entry names the file, the entry and the field, exit 2) and then written in one transaction.

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from kickoff_tui.core.errors import CaptureError, InputError, TextError
from kickoff_tui.core.items import next_number
from kickoff_tui.core.meetings import lock_meeting
from kickoff_tui.core.models import Attendee, Item, Meeting, utcnow
from kickoff_tui.core.people import fold
from kickoff_tui.core.store import Store
from kickoff_tui.core.text import clean
from kickoff_tui.core.vocab import ROLES, Severity, Side, read_tags, with_tags

TOP_KEYS = frozenset(
    {"client", "contract_close", "objectives", "promises", "risks", "attendees", "pre_reads"}
)
ATTENDEE_KEYS = frozenset({"name", "side", "title", "email", "roles", "seniority", "present"})
ITEM_KEYS = frozenset({"text", "id", "owner", "due", "severity", "mitigation", "internal"})
#: The list in the file → the item kind it becomes.
ITEM_LISTS = (("objectives", "objective"), ("promises", "promise"), ("risks", "risk"))
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")


def check_email(value: str) -> str | None:
    """The address as stored (trimmed), or None when it is not ``name@domain.tld``."""
    value = value.strip()
    return value if _EMAIL.match(value) and len(value) <= 254 else None


@dataclass
class PersonEntry:
    name: str
    side: str
    title: str = ""
    email: str | None = None
    roles: tuple[str, ...] = ()
    seniority: int | None = None
    present: bool | None = None


@dataclass
class ItemEntry:
    kind: str
    key: str
    text: str
    owner: str | None = None
    due: dt.date | None = None
    severity: str | None = None
    mitigation: str | None = None
    internal: bool = False

    @property
    def origin(self) -> str:
        return f"handoff:{self.kind}:{self.key}"[:160]


@dataclass
class Handoff:
    """A handoff file, read and checked (nothing written yet)."""

    source: str
    client: str | None = None
    contract_close: dt.date | None = None
    people: list[PersonEntry] = field(default_factory=list)
    items: list[ItemEntry] = field(default_factory=list)
    pre_reads: list[str] = field(default_factory=list)


@dataclass
class Imported:
    """What an import changed, for the one-line summary."""

    added_people: int = 0
    updated_people: int = 0
    added_items: int = 0
    updated_items: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.added_people} attendee(s) added, {self.updated_people} updated; "
            f"{self.added_items} item(s) added, {self.updated_items} updated; "
            f"{self.unchanged} unchanged"
        )


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str, fix: str) -> InputError:
        at = f", {where}" if where else ""
        return InputError(f"{self.source}{at}: {problem} — {fix}; nothing was changed")

    def text(self, value: Any, where: str, name: str, *, required: bool = True) -> str:
        if not isinstance(value, str):
            raise self.fail(where, f"field '{name}' is {_type(value)}", "write it as text")
        try:
            out = " ".join(clean(value, field=f"field '{name}'").split())
        except TextError as exc:
            raise self.fail(where, str(exc).split(" — ")[0], "fix the text") from None
        if required and not out:
            raise self.fail(where, f"field '{name}' is empty", f"give the {name}")
        return out

    def date(self, value: Any, where: str, name: str) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(where, f"field '{name}' is {value!r}", "write a date as YYYY-MM-DD")


def _type(value: Any) -> str:
    return {dict: "a table", list: "a list", bool: "true/false", int: "a number"}.get(
        type(value), repr(value)
    )


def _entry_name(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return f' ("{" ".join(value.split())[:40]}")'
    if isinstance(value, dict):
        for key in ("name", "text"):
            if isinstance(value.get(key), str) and value[key].strip():
                return f' ("{" ".join(value[key].split())[:40]}")'
    return ""


def read_file(path: Path) -> Handoff:
    """Read and check a handoff file (``.toml`` or ``.json``); nothing is written."""
    source = str(path)
    reader = _Reader(source)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no handoff file at {source} — check the path given to --from") from None
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror} — check the path") from None
    try:
        body = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source} is not UTF-8 (byte {exc.start}) — save it as UTF-8; nothing was changed"
        ) from None
    as_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() != ".toml" and body.lstrip().startswith("{")
    )
    try:
        data = json.loads(body) if as_json else tomllib.loads(body)
    except json.JSONDecodeError as exc:
        raise reader.fail(
            f"line {exc.lineno}", f"not valid JSON ({exc.msg})", "fix the syntax"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise reader.fail("", f"not valid TOML ({exc})", "fix the syntax") from None
    if not isinstance(data, dict):
        raise reader.fail("", "the file is not a table of fields", "start with client = …")
    return _parse(reader, data)


def _parse(reader: _Reader, data: dict[str, Any]) -> Handoff:
    out = Handoff(reader.source)
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise reader.fail("", f"unknown field '{unknown[0]}'", f"use {', '.join(sorted(TOP_KEYS))}")
    if "client" in data:
        out.client = reader.text(data["client"], "", "client")
    if "contract_close" in data:
        out.contract_close = reader.date(data["contract_close"], "", "contract_close")
    pre_reads = data.get("pre_reads", [])
    if not isinstance(pre_reads, list):
        raise reader.fail("", "field 'pre_reads' is not a list", 'write pre_reads = ["…"]')
    out.pre_reads = [reader.text(p, f"pre_reads[{n}]", "pre_reads") for n, p in
                     enumerate(pre_reads, start=1)]  # fmt: skip
    people = data.get("attendees", [])
    if not isinstance(people, list):
        raise reader.fail("", "field 'attendees' is not a list", "write [[attendees]] tables")
    seen: dict[tuple[str, str], int] = {}
    for n, entry in enumerate(people, start=1):
        where = f"attendees[{n}]{_entry_name(entry)}"
        person = _person(reader, entry, where)
        key = (person.side, fold(person.name))
        if key in seen:
            raise reader.fail(
                where, f"'{person.name}' is listed twice on one side (also attendees[{seen[key]}])",
                "keep one entry per person",
            )  # fmt: skip
        seen[key] = n
        out.people.append(person)
    for list_name, kind in ITEM_LISTS:
        entries = data.get(list_name, [])
        if not isinstance(entries, list):
            raise reader.fail(
                "", f"field '{list_name}' is not a list", f'write {list_name} = ["…"]'
            )
        keys: set[str] = set()
        for n, entry in enumerate(entries, start=1):
            where = f"{list_name}[{n}]{_entry_name(entry)}"
            item = _item(reader, entry, where, kind)
            if item.key in keys:
                raise reader.fail(where, "the same entry is listed twice", "keep one of them")
            keys.add(item.key)
            out.items.append(item)
    return out


def _person(reader: _Reader, entry: Any, where: str) -> PersonEntry:
    if not isinstance(entry, dict):
        raise reader.fail(where, f"the entry is {_type(entry)}", "write a table with name = …")
    unknown = sorted(set(entry) - ATTENDEE_KEYS)
    if unknown:
        raise reader.fail(
            where, f"unknown field '{unknown[0]}'", f"use {', '.join(sorted(ATTENDEE_KEYS))}"
        )
    if "name" not in entry:
        raise reader.fail(where, "field 'name' is missing", "give the person's name")
    name = reader.text(entry["name"], where, "name")
    side_word = entry.get("side", "theirs")
    side = Side.parse(side_word) if isinstance(side_word, str) else None
    if side is None:
        raise reader.fail(where, f"field 'side' is {side_word!r}", f"use {Side.accepted()}")
    title = reader.text(entry.get("title", ""), where, "title", required=False)
    try:
        title = with_tags(*read_tags(title))  # "#internal" kept; "#intenral" refused
    except CaptureError as exc:
        raise reader.fail(where, f"field 'title': {exc}", "fix the tag") from None
    email = None
    if entry.get("email") not in (None, ""):
        value = entry["email"]
        email = check_email(value) if isinstance(value, str) else None
        if email is None:
            raise reader.fail(where, f"field 'email' is {value!r}", "write name@domain.tld")
    roles_value = entry.get("roles", [])
    if isinstance(roles_value, str):
        roles_value = [r for r in re.split(r"[,\s]+", roles_value) if r]
    if not isinstance(roles_value, list) or not all(isinstance(r, str) for r in roles_value):
        raise reader.fail(where, "field 'roles' is not a list of words", 'write roles = ["…"]')
    roles = tuple(r.strip().lower() for r in roles_value if r.strip())
    bad = [r for r in roles if r not in ROLES]
    if bad:
        raise reader.fail(where, f"field 'roles' has unknown role '{bad[0]}'",
                          f"use {', '.join(ROLES)}")  # fmt: skip
    seniority = entry.get("seniority")
    if seniority is not None and (type(seniority) is not int or not 0 <= seniority <= 100):
        raise reader.fail(where, f"field 'seniority' is {seniority!r}", "write a whole number")
    present = entry.get("present")
    if present is not None and not isinstance(present, bool):
        raise reader.fail(where, f"field 'present' is {present!r}", "write true or false")
    return PersonEntry(name, side.value, title, email, tuple(dict.fromkeys(roles)), seniority,
                       present)  # fmt: skip


def _item(reader: _Reader, entry: Any, where: str, kind: str) -> ItemEntry:
    if isinstance(entry, str):
        entry = {"text": entry}
    if not isinstance(entry, dict):
        raise reader.fail(where, f"the entry is {_type(entry)}", 'write "text" or a table')
    unknown = sorted(set(entry) - ITEM_KEYS)
    if unknown:
        raise reader.fail(
            where, f"unknown field '{unknown[0]}'", f"use {', '.join(sorted(ITEM_KEYS))}"
        )
    if "text" not in entry:
        raise reader.fail(where, "field 'text' is missing", "give the text")
    text = reader.text(entry["text"], where, "text")
    key = fold(text)
    if "id" in entry:
        key = "id:" + reader.text(str(entry["id"]) if type(entry["id"]) is int else entry["id"],
                                  where, "id")  # fmt: skip
    owner = None
    if entry.get("owner") not in (None, ""):
        owner = reader.text(entry["owner"], where, "owner")
    due = reader.date(entry["due"], where, "due") if entry.get("due") is not None else None
    severity = None
    if entry.get("severity") is not None:
        word = entry["severity"]
        found = Severity.parse(word) if isinstance(word, str) else None
        if found is None:
            raise reader.fail(where, f"field 'severity' is {word!r}", f"use {Severity.accepted()}")
        severity = found.value
    mitigation = None
    if entry.get("mitigation") not in (None, ""):
        mitigation = reader.text(entry["mitigation"], where, "mitigation")
    internal = entry.get("internal", False)
    if not isinstance(internal, bool):
        raise reader.fail(where, f"field 'internal' is {internal!r}", "write true or false")
    return ItemEntry(kind, key, text, owner, due, severity, mitigation, internal)


def import_handoff(
    store: Store, meeting_id: str, handoff: Handoff, *, by: str = "prep"
) -> Imported:
    """Write a checked handoff into the meeting, all in one transaction (see the module doc)."""
    result = Imported()
    now = utcnow()
    with store.write(by) as s:
        meeting = lock_meeting(s, meeting_id)
        if handoff.client is not None and fold(handoff.client) != fold(meeting.client):
            raise InputError(
                f"{handoff.source}: field 'client' is '{handoff.client}' but meeting "
                f"{meeting.id} is for '{meeting.client}' — check the file or the meeting; "
                "nothing was changed"
            )
        _meeting_fields(meeting, handoff)
        s.add(meeting)
        people = list(s.exec(select(Attendee).where(Attendee.meeting_id == meeting_id)))
        for entry in handoff.people:
            found = _find_person(people, entry)
            if found is None:
                found = Attendee(meeting_id=meeting_id, name=entry.name, side=entry.side,
                                 created_at=now)  # fmt: skip
                people.append(found)
                result.added_people += 1
                changed = True
            else:
                changed = False
            for name, value in (
                ("name", entry.name), ("side", entry.side), ("title", entry.title or None),
                ("email", entry.email), ("roles", ",".join(entry.roles) or None),
                ("seniority", entry.seniority), ("present", entry.present),
            ):  # fmt: skip
                if value is not None and getattr(found, name) != value:
                    setattr(found, name, value)
                    changed = True
            if found.id is not None:
                result.updated_people += changed
                result.unchanged += not changed
            s.add(found)
        s.flush()
        by_name = {fold(p.name): p for p in people}
        origins = [e.origin for e in handoff.items]  # (the items' origins)
        existing = {
            i.origin: i
            for i in s.exec(
                select(Item).where(Item.meeting_id == meeting_id, col(Item.origin).in_(origins))
            )
        }
        number = next_number(s, meeting_id)
        for ientry in handoff.items:
            owner = by_name.get(fold(ientry.owner)) if ientry.owner else None
            values: dict[str, Any] = {
                "text": ientry.text, "owner": owner.name if owner else ientry.owner,
                "owner_attendee_id": owner.id if owner else None,
                "owner_known": owner is not None or ientry.owner is None, "due": ientry.due,
                "severity": ientry.severity, "mitigation": ientry.mitigation,
                "internal": ientry.internal,
            }  # fmt: skip
            item = existing.get(ientry.origin)
            if item is None:
                s.add(Item(meeting_id=meeting_id, kind=ientry.kind, number=number,
                           origin=ientry.origin, captured_by=by, created_at=now, updated_at=now,
                           **values))  # fmt: skip
                number += 1
                result.added_items += 1
                continue
            diff = {k: v for k, v in values.items() if getattr(item, k) != v}
            if item.deleted:
                diff["deleted"] = False
            if not diff:
                result.unchanged += 1
                continue
            for k, v in diff.items():
                setattr(item, k, v)
            item.version += 1
            item.updated_at = now
            s.add(item)
            result.updated_items += 1
    return result


def _meeting_fields(meeting: Meeting, handoff: Handoff) -> None:
    if handoff.contract_close is not None and meeting.contract_close != handoff.contract_close:
        meeting.contract_close = handoff.contract_close
        meeting.version += 1
    if handoff.pre_reads:
        prep = load_prep(meeting.prep)
        if prep.get("pre_reads") != handoff.pre_reads:
            prep["pre_reads"] = handoff.pre_reads
            meeting.prep = json.dumps(prep, ensure_ascii=False, sort_keys=True)
            meeting.version += 1


def load_prep(text: str | None) -> dict[str, Any]:
    """The meeting's preparation (JSON in ``meeting.prep``): pre-reads, ticks, deviations."""
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _find_person(people: list[Attendee], entry: PersonEntry) -> Attendee | None:
    if entry.email:
        for p in people:
            if p.email and p.email.casefold() == entry.email.casefold():
                return p
    name = fold(entry.name)
    same_side = [p for p in people if fold(p.name) == name and p.side == entry.side]
    if same_side:
        return same_side[0]
    return None


def example_path() -> Path:
    """The example handoff shipped in ``data/`` (the README shows it)."""
    from importlib import resources

    packaged = Path(str(resources.files("kickoff_tui") / "data" / "handoff-example.toml"))
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "handoff-example.toml"
