"""One Markdown rendering in progress: the read model, and the lines written so far.

The sections (``markdown_meeting``, ``markdown_items``) write through a :class:`Page`: it looks
people, blocks and items up in O(1), measures the meeting's clock once, and knows how an owner, a
side or an internal item is shown, so every section shows them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pendulum

from kickoff_tui.core.clock import MeetingTime, compute
from kickoff_tui.core.export.markdown_escape import escape_cell, escape_inline, table
from kickoff_tui.core.people import NOT_AN_ATTENDEE
from kickoff_tui.core.people import label as owner_label
from kickoff_tui.core.readmodel import BlockInfo, Item, MeetingInfo, MeetingRecord, Owner, TextFact

__all__ = ["INTERNAL", "NONE_CAPTURED", "NOT_AN_ATTENDEE", "Page"]

#: What an empty section says, so a missing kind of item is visible instead of silently absent.
NONE_CAPTURED = "None captured."
#: Marks an internal item or fact (the owner flag ``NOT_AN_ATTENDEE`` comes from ``people``, so
#: an unknown owner reads the same here as in every other output).
INTERNAL = "*(internal)*"


class Page:
    """One rendering of a :class:`MeetingRecord` (owners, sides and numbers already resolved)."""

    def __init__(
        self,
        rec: MeetingRecord,
        now: pendulum.DateTime | None,
        findings: Sequence[object] | None,
    ) -> None:
        self.rec = rec
        self.meeting: MeetingInfo = rec.meeting
        self.tz = self.meeting.tz
        self.now_given = now is not None
        self.findings = findings
        self.blocks: dict[int, BlockInfo] = {b.id: b for b in rec.blocks}
        self.by_kind: dict[str, list[Item]] = {}
        for item in rec.items:
            self.by_kind.setdefault(item.kind, []).append(item)
        self.start = self.meeting.local_start()
        self.clock: MeetingTime = compute(
            rec.blocks,
            rec.events,
            self.meeting.start_utc,
            self.meeting.planned_minutes,
            now if now is not None else self._fallback_now(),
        )
        self.out: list[str] = []

    def _fallback_now(self) -> pendulum.DateTime:
        """Without an explicit ``now``: the meeting's end, else its last event, else its start."""
        from kickoff_tui.core.clock import standing_end

        times = [pendulum.instance(e.at) for e in self.rec.events]
        ended = standing_end(self.rec.events)
        if ended is not None:
            return pendulum.instance(ended)
        if times:
            return max(times)
        return self.meeting.start_utc

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

    def fact(self, fact: TextFact) -> str:
        """A text fact (purpose, cadence), marked when internal; "" when unset."""
        text = escape_inline(fact.text)
        return text + " " + INTERNAL if text and fact.internal else text

    def block(self, item: Item) -> str:
        return escape_cell(item.block.title) if item.block is not None else ""

    def person(self, owner: Owner) -> str:
        """An owner as every output shows it: the attendee's name, or the typed name flagged."""
        return escape_cell(owner_label(owner))

    def owner(self, item: Item) -> str:
        return self.person(item.owner)

    def decider(self, item: Item) -> str:
        return self.person(item.decider)

    def owes(self, item: Item) -> str:
        """Who owes it: the captured side, else the owning attendee's side."""
        return item.side.owes if item.side is not None else ""

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
