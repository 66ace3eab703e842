"""One Markdown rendering in progress: the snapshot indexed once, and the lines written so far.

The sections (``markdown_meeting``, ``markdown_items``) write through a :class:`Page`: it looks
people, blocks and items up in O(1), measures the meeting's clock once, and knows how an owner, a
side or an internal item is shown, so every section shows them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pendulum

from kickoff_tui.core.clock import MeetingTime, compute
from kickoff_tui.core.export.markdown_escape import escape_cell, table
from kickoff_tui.core.export.markdown_format import local
from kickoff_tui.core.models import Attendee, Block, Item, Meeting
from kickoff_tui.core.record import Snapshot

#: What an empty section says, so a missing kind of item is visible instead of silently absent.
NONE_CAPTURED = "None captured."
#: Appended to an owner typed during capture who is not (unambiguously) one of the attendees.
NOT_AN_ATTENDEE = "*(not an attendee)*"
INTERNAL = "*(internal)*"

_OWES_LABEL = {"us": "from us", "them": "from you"}


class Page:
    """One rendering: the snapshot indexed once by id, so every lookup is O(1)."""

    def __init__(
        self,
        snap: Snapshot,
        now: pendulum.DateTime | None,
        findings: Sequence[object] | None,
    ) -> None:
        self.snap = snap
        self.meeting: Meeting = snap.meeting
        self.tz = self.meeting.tz
        self.now_given = now is not None
        self.findings = findings
        self.blocks: dict[int, Block] = {b.id: b for b in snap.blocks if b.id is not None}
        self.attendees: dict[int, Attendee] = {a.id: a for a in snap.attendees if a.id is not None}
        self.by_name: dict[str, Attendee] = {}
        for a in sorted(snap.attendees, key=lambda a: a.id or 0):
            self.by_name.setdefault(a.name.casefold(), a)
        self.by_kind: dict[str, list[Item]] = {}
        for item in sorted(snap.items, key=lambda i: i.id or 0):
            if not item.deleted:
                self.by_kind.setdefault(item.kind, []).append(item)
        self.block_cells: dict[int, str] = {
            bid: escape_cell(b.title) for bid, b in self.blocks.items()
        }
        self.start = local(self.meeting.start_utc, self.tz)
        self.clock: MeetingTime = compute(
            sorted(snap.blocks, key=lambda b: b.position),
            snap.events,
            pendulum.instance(self.meeting.start_utc),
            self.meeting.planned_minutes,
            now if now is not None else self._fallback_now(),
        )
        self.out: list[str] = []

    def _fallback_now(self) -> pendulum.DateTime:
        """Without an explicit ``now``: the meeting's end, else its last event, else its start."""
        times = [pendulum.instance(e.at) for e in self.snap.events]
        ended = [pendulum.instance(e.at) for e in self.snap.events if e.kind == "meeting-ended"]
        if ended:
            return min(ended)
        if times:
            return max(times)
        return pendulum.instance(self.meeting.start_utc)

    def document(self) -> str:
        return "\n".join(self.out) + "\n"

    # -- building blocks ---------------------------------------------------------------------
    def section(self, title: str, level: int = 2) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")
        self.out.append("#" * level + " " + title)
        self.out.append("")

    def lines(self, lines: Iterable[str]) -> None:
        self.out.extend(lines)

    def none(self) -> None:
        self.out.append(NONE_CAPTURED)

    def text(self, item: Item) -> str:
        cell = escape_cell(item.text)
        return cell + " " + INTERNAL if item.internal else cell

    def block(self, item: Item) -> str:
        return self.block_cells.get(item.block_id, "") if item.block_id is not None else ""

    def person(self, name: str | None, attendee_id: int | None, known: bool) -> str:
        """An owner: the attendee's current name, or the typed name flagged when unmatched.

        ``known`` False (the capture matched no attendee, or several) always shows the marker;
        a name with no attendee id is looked up by full name before it is flagged.
        """
        attendee = self.attendees.get(attendee_id) if attendee_id is not None else None
        if attendee is None and known and name:
            attendee = self.by_name.get(name.casefold())
        if attendee is not None and known:
            return escape_cell(attendee.name)
        if not name:
            return ""
        return escape_cell(name) + " " + NOT_AN_ATTENDEE

    def owner(self, item: Item) -> str:
        return self.person(item.owner, item.owner_attendee_id, item.owner_known)

    def decider(self, item: Item) -> str:
        """Who decided: ``decided_by`` when it was edited away from the owner, else the owner."""
        if item.decided_by and item.decided_by != item.owner:
            return self.person(item.decided_by, None, True)
        return self.owner(item)

    def owes(self, item: Item) -> str:
        """Who owes it: the captured side, else the owning attendee's side."""
        if item.side in _OWES_LABEL:
            return _OWES_LABEL[item.side]
        if item.side:
            return escape_cell(item.side)
        attendee = self.attendees.get(item.owner_attendee_id or -1)
        if attendee is not None:
            return {"ours": "from us", "theirs": "from you"}.get(attendee.side, "")
        return ""

    def items_table(
        self,
        kind: str,
        headers: Sequence[str],
        row: Callable[[Item], Sequence[str]],
        items: list[Item] | None = None,
    ) -> None:
        found = self.by_kind.get(kind, []) if items is None else items
        if not found:
            self.none()
            return
        self.lines(table(headers, (row(i) for i in found)))
