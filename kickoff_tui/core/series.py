"""Series of meetings (issue 11 part 6): a follow-up meeting carries the open items of the ones
before it — the same rows, not copies.

``kickoff new … --after ID`` links a meeting to the one before it (``meeting.after_id``) and puts
it in that meeting's series (``meeting.series_id``: the first meeting's id). Its record opens
with **Since last time**: every action, risk and question of an earlier meeting of the series that
is still open (:func:`carried_in`, read by ``meetings.snapshot_in`` into the snapshot). Marking
one done, slipped (a new due date) or dropped there (:func:`mark`) changes that one row, so every
meeting's record, the ledger and the calendar show the change; each change is appended to the
item's history (``item.history``, JSON) with the meeting it was made in, and every record shows
an item's history.

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pendulum
from sqlmodel import Session, col, or_, select

from kickoff_tui.core.errors import InputError
from kickoff_tui.core.models import Item, Meeting, utcnow
from kickoff_tui.core.store import Store
from kickoff_tui.core.vocab import Kind, Status

#: What a follow-up reviews: commitments, risks and open questions (the parking lot).
CARRIED_KINDS: tuple[str, ...] = (Kind.ACTION.value, Kind.RISK.value, Kind.QUESTION.value)
ACTIONS = ("done", "slip", "drop", "reopen")


def history(item: Any) -> list[dict[str, Any]]:
    """An item's history: ``[{"at", "by", "meeting", "what"}, …]``, oldest first."""
    text = getattr(item, "history", None)
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        return []
    return [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []


def add_history(item: Item, what: str, meeting_id: str, by: str, at: pendulum.DateTime) -> None:
    """Append one event to an item's history (inside the caller's write transaction)."""
    events = history(item)
    events.append({"at": at.in_timezone("UTC").isoformat(), "by": by, "meeting": meeting_id,
                   "what": what})  # fmt: skip
    item.history = json.dumps(events, ensure_ascii=False)


def earlier_meetings(s: Session, m: Any) -> list[Meeting]:
    """The meetings of ``m``'s series that start before it (oldest first)."""
    series = getattr(m, "series_id", None)
    if not series:
        return []
    return list(
        s.exec(
            select(Meeting)
            .where(
                or_(col(Meeting.series_id) == series, col(Meeting.id) == series),
                Meeting.id != m.id,
                col(Meeting.start_utc) <= m.start_utc,
            )
            .order_by(col(Meeting.start_utc), col(Meeting.id))
        )
    )


def carried_in(s: Session, m: Any) -> tuple[list[Item], dict[str, Meeting]]:
    """The items "Since last time" shows in ``m``: open actions, risks and questions of the
    earlier meetings of its series, and those closed in ``m`` itself (so the record says what
    happened to them there). Returns the rows and their meetings by id."""
    before = {e.id: e for e in earlier_meetings(s, m)}
    if not before:
        return [], {}
    rows = list(
        s.exec(
            select(Item)
            .where(
                col(Item.meeting_id).in_(list(before)),
                col(Item.kind).in_(CARRIED_KINDS),
                col(Item.deleted).is_(False),
                or_(
                    col(Item.status) != Status.DONE.value,
                    col(Item.history).contains(f'"meeting": "{m.id}"'),
                ),  # fmt: skip
            )
            .order_by(col(Item.meeting_id), col(Item.number))
        )
    )
    order = {mid: n for n, mid in enumerate(before)}
    rows.sort(key=lambda i: (order[i.meeting_id], i.number or 0))
    return rows, before


def find(store: Store, ref: str, meeting: Meeting | None = None) -> Item:
    """An item by ``meeting#number`` (a unique prefix of the meeting id is enough), or by
    ``#number`` / ``number`` among the items ``meeting`` carries (unique in its series)."""
    from kickoff_tui.core.meetings import resolve_meeting

    ref = ref.strip()
    where, _, number = ref.rpartition("#")
    if not number.isdigit():
        raise InputError(f"cannot read item '{ref}' — write MEETING#NUMBER, e.g. acme#3")
    n = int(number)
    if where:
        owner = resolve_meeting(store, where)
        with store.read() as s:
            item = s.exec(select(Item).where(Item.meeting_id == owner.id, Item.number == n)).first()
        if item is None or item.deleted:
            raise InputError(f"no item #{n} in {owner.id} — `kickoff actions` lists them")
        return item
    if meeting is None:
        raise InputError(f"'{ref}' needs its meeting — write MEETING#NUMBER, e.g. acme#{n}")
    with store.read() as s:
        carried, _ = carried_in(s, meeting)
    found = [i for i in carried if i.number == n]
    if len(found) != 1:
        what = "no" if not found else f"{len(found)}"
        raise InputError(f"{what} carried item #{n} in {meeting.id} — write MEETING#NUMBER "
                         "(kickoff since ID lists them)")  # fmt: skip
    return found[0]


def mark(
    store: Store,
    item_id: int,
    action: str,
    *,
    in_meeting: str,
    due: dt.date | None = None,
    by: str = "cli",
    now: pendulum.DateTime | None = None,
) -> Item:
    """Done, slipped to ``due``, dropped or reopened: the one row changes (version + 1) and its
    history says what, when, by whom and in which meeting, in one transaction."""
    if action not in ACTIONS:
        raise InputError(f"unknown step '{action}' — use done, slip DATE, drop or reopen")
    if action == "slip" and due is None:
        raise InputError("a slipped item needs its new date — slip YYYY-MM-DD")
    at = now or utcnow()
    with store.write(by) as s:
        item = s.get(Item, item_id, with_for_update=True)
        if item is None or item.deleted:
            raise InputError(f"no item #{item_id} — nothing was changed")
        if action == "done":
            item.status, what = Status.DONE.value, "done"
        elif action == "drop":
            item.status, item.resolution, what = Status.DONE.value, "dropped", "dropped"
        elif action == "reopen":
            item.status, what = Status.OPEN.value, "reopened"
            if item.resolution == "dropped":
                item.resolution = None
        else:
            assert due is not None
            old = item.due.isoformat() if item.due else "no date"
            item.due, what = due, f"slipped from {old} to {due.isoformat()}"
            item.status = Status.OPEN.value
        add_history(item, what, in_meeting, by, at)
        item.version += 1
        item.updated_at = at
        s.add(item)
        if in_meeting != item.meeting_id:
            # The change is logged under the item's own meeting; touching the meeting it was
            # made in tells that meeting's open screens to reload its "Since last time".
            here = s.get(Meeting, in_meeting, with_for_update=True)
            if here is not None:
                here.version += 1
                s.add(here)
    return item
