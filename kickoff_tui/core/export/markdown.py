"""The kickoff record as one Markdown document: complete, internal, deterministic.

``render_markdown(snapshot)`` returns the whole record (header, attendees, agenda with planned and
actual minutes, then every kind of captured item, the Five Questions, First Value and the notes).
It is the *internal* record: items captured as ``#internal`` are included and marked.

Two promises the tests hold it to:

* **Deterministic.** The same snapshot gives the same bytes: rows come in a fixed order, and
  nothing time-of-export is printed (no ``created_at``, no "exported at"). The only clock input is
  ``now``, used to measure a block that is still running; when it is not given, the meeting's
  end (or its last timer event) stands in for it.
* **User text cannot change the structure.** Every piece of user text goes through
  :func:`escape_inline` (paragraphs, list items, headings) or :func:`escape_cell` (table cells):
  a ``|`` stays in its cell, a leading ``#`` or ``1.`` stays text, ``<script>`` shows literally and
  newlines become ``<br>``, so one item is always exactly one line of Markdown.

Headless: nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence

import pendulum

from kickoff_tui.core.checks import FIVE_QUESTIONS  # one list for checks, views and exports
from kickoff_tui.core.clock import MeetingTime, compute
from kickoff_tui.core.models import Answer, Attendee, Block, Item, Meeting
from kickoff_tui.core.record import Snapshot

__all__ = [
    "FIVE_QUESTIONS",
    "INTERNAL",
    "NONE_CAPTURED",
    "NOT_AN_ATTENDEE",
    "SECTION_TITLES",
    "escape_cell",
    "escape_inline",
    "render_markdown",
]

#: What an empty section says, so a missing kind of item is visible instead of silently absent.
NONE_CAPTURED = "None captured."
#: Appended to an owner typed during capture who is not (unambiguously) one of the attendees.
NOT_AN_ATTENDEE = "*(not an attendee)*"
INTERNAL = "*(internal)*"

#: The level-2 sections, in the order they are emitted ("Health check" only when findings are
#: given, "Other items" only when the snapshot holds item kinds this module does not know).
SECTION_TITLES: tuple[str, ...] = (
    "Health check",
    "Attendees and roles",
    "Agenda",
    "Decisions",
    "Action items",
    "Risks",
    "Open questions",
    "Scope",
    "Milestones",
    "Success metrics",
    "Five Questions",
    "First Value and next meeting",
    "Notes",
    "Other items",
)

_KNOWN_KINDS = frozenset(
    {"decision", "action", "risk", "question", "in-scope", "out-of-scope", "milestone", "metric",
     "note"}
)  # fmt: skip
_DASH = "—"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_SIDE_LABEL = {"ours": "ours", "theirs": "theirs"}
_OWES_LABEL = {"us": "from us", "them": "from you"}
_SEVERITY_RANK = {"blocking": 0, "warning": 1}

# --------------------------------------------------------------------------------------------
# Escaping

# ASCII punctuation that can start or end Markdown syntax anywhere in a line: escapes, code
# spans, emphasis, links/images, raw HTML and autolinks, headings, table cells, fences.
# A backslash before ASCII punctuation is always a valid CommonMark escape, so over-escaping is
# harmless; everything else (letters, digits, Unicode) is left alone.
_ALWAYS = "\\`*_[]<>#|~"
_ESCAPES = {ord(ch): "\\" + ch for ch in _ALWAYS}
_ESCAPES[0] = "\ufffd"  # CommonMark replaces NUL; do it here so the text round-trips
# "&" only matters where it could start an entity ("&amp;", "&#124;"); "R&D", "Q & A" stay as typed.
# ("&#124;" is already broken by the escaped "#").
_ENTITY_START = re.compile(r"&(?=[A-Za-z0-9]+;)")
# Block syntax that only counts at the start of a line: list bullets, setext underlines,
# thematic breaks, ordered-list numbers ("1." / "1)").
_LINE_START = re.compile(r"^(?:([-+=])|([0-9]{1,9})([.)]))")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def escape_inline(text: str | None) -> str:
    """User text made safe for a paragraph, a list item or a heading: always exactly one line.

    Markdown metacharacters are backslash-escaped, a leading list/heading/ordered-list marker is
    neutralised, surrounding whitespace (which could start an indented code block) is dropped and
    line breaks become ``<br>``. The rendered text reads exactly as typed.
    """
    if not text:
        return ""
    escaped = text.strip().translate(_ESCAPES)
    if "&" in escaped:
        escaped = _ENTITY_START.sub(r"\\&", escaped)
    escaped = _LINE_START.sub(_escape_line_start, escaped, count=1)
    if "\n" in escaped or "\r" in escaped:
        escaped = _NEWLINES.sub("<br>", escaped)
    return escaped


def escape_cell(text: str | None) -> str:
    """User text made safe for one GFM table cell: a ``|`` stays inside the cell.

    Everything :func:`escape_inline` does (``|`` is among the escaped characters, and a cell can
    never contain a line break because they become ``<br>``). The row builder puts a space before
    every delimiter, so a cell ending in an escaped backslash cannot swallow the next ``|``.
    """
    return escape_inline(text)


def _escape_line_start(m: re.Match[str]) -> str:
    if m.group(1):
        return "\\" + m.group(1)
    return m.group(2) + "\\" + m.group(3)


# --------------------------------------------------------------------------------------------
# Small formatting helpers


def _table(headers: Sequence[str], rows: Iterable[Sequence[str | None]]) -> list[str]:
    """A GFM table; headers are our own text, cells must already be escaped.

    An empty cell shows a dash (a value not captured); ``None`` leaves it blank (totals row).
    """
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    width = len(headers)
    for row in rows:
        if len(row) != width:  # a programming error, never user input
            raise ValueError(f"table row has {len(row)} cells, header has {width}")
        out.append("| " + " | ".join(_DASH if cell == "" else cell or "" for cell in row) + " |")
    return out


def _date(d: dt.date | None) -> str:
    """``2026-11-27 (Fri)``: ISO for machines and sorting, the weekday for people."""
    if d is None:
        return ""
    return f"{d.isoformat()} ({_WEEKDAYS[d.weekday()][:3]})"


def _long_date(d: dt.date) -> str:
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def _hm(t: dt.datetime) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _local(value: dt.datetime, tz: str) -> pendulum.DateTime:
    return pendulum.instance(value).in_timezone(tz)


def _local_datetime(value: dt.datetime, tz: str) -> str:
    t = _local(value, tz)
    return f"{_long_date(t.date())}, {_hm(t)} {t.tzname()} ({tz})"


def _span(start: pendulum.DateTime, end: pendulum.DateTime, tz: str) -> str:
    """``Tuesday 24 November 2026, 15:00–16:30 CET (Europe/Berlin)``."""
    head = f"{_long_date(start.date())}, {_hm(start)}"
    if end.date() != start.date():
        tail = f"{_long_date(end.date())}, {_hm(end)} {end.tzname()}"
    elif end.tzname() != start.tzname():
        tail = f"{_hm(end)} {end.tzname()}"
        head += f" {start.tzname()}"
    else:
        tail = f"{_hm(end)} {end.tzname()}"
    return f"{head}–{tail} ({tz})"


def _minutes(seconds: float) -> str:
    """Seconds as minutes with at most one decimal: ``12``, ``9.5``."""
    text = f"{seconds / 60:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _days(n: int) -> str:
    return "1 day" if abs(n) == 1 else f"{abs(n)} days"


# --------------------------------------------------------------------------------------------
# Rendering


class _Record:
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
        self.start = _local(self.meeting.start_utc, self.tz)
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
        self.lines(_table(headers, (row(i) for i in found)))

    # -- sections ----------------------------------------------------------------------------
    def render(self) -> str:
        self.header()
        if self.findings is not None:
            self.health()
        self.attendee_section()
        self.agenda()
        self.decisions()
        self.actions()
        self.risks()
        self.questions()
        self.scope()
        self.milestones()
        self.metrics()
        self.five_questions()
        self.first_value()
        self.notes()
        self.other_items()
        return "\n".join(self.out) + "\n"

    def header(self) -> None:
        m = self.meeting
        self.out.append("# " + (escape_inline(m.title) or "Kickoff record"))
        self.out.append("")
        end = self.start.add(minutes=m.planned_minutes)
        fields = [
            ("Client", escape_inline(m.client)),
            ("When", f"{_span(self.start, end, self.tz)}, {m.planned_minutes} min"),
        ]
        clock = self.clock
        if clock.started_at is not None:
            ran_to = clock.ended_at
            began = _local(clock.started_at, self.tz)
            if ran_to is not None:
                ended = _local(ran_to, self.tz)
                took = _minutes(clock.elapsed_s)
                ran = f"{_hm(began)}–{_hm(ended)} {ended.tzname()}, {took} min"
            else:
                ran = f"started {_hm(began)} {began.tzname()}, still running"
            fields.append(("Ran", ran))
        fields += [
            ("Template", escape_inline(m.template)),
            ("Status", escape_inline(m.status)),
            ("Meeting id", escape_inline(m.id)),
        ]
        if m.purpose:
            fields.append(("Purpose", escape_inline(m.purpose)))
        if m.contract_close is not None:
            gap = self.start.date().toordinal() - m.contract_close.toordinal()
            when = "before" if gap >= 0 else "after"
            fields.append(
                ("Contract closed", f"{_date(m.contract_close)}, {_days(gap)} {when} the kickoff")
            )
        if m.followthrough_exported_at is not None:
            fields.append(
                ("Follow-through sent", _local_datetime(m.followthrough_exported_at, self.tz))
            )
        self.lines(f"- **{label}:** {value}" for label, value in fields)

    def health(self) -> None:
        self.section("Health check")
        findings = list(self.findings or ())
        if not findings:
            self.out.append("No findings.")
            return
        ordered = sorted(
            enumerate(findings),
            key=lambda p: (_SEVERITY_RANK.get(str(getattr(p[1], "severity", "")), 2), p[0]),
        )
        blocking = sum(1 for f in findings if getattr(f, "severity", None) == "blocking")
        self.out.append(f"{blocking} blocking, {len(findings) - blocking} other.")
        self.out.append("")
        self.lines(
            _table(
                ("Severity", "Check", "Problem", "Fix"),
                (
                    (
                        escape_cell(str(getattr(f, "severity", ""))),
                        escape_cell(str(getattr(f, "id", ""))),
                        escape_cell(str(getattr(f, "message", ""))),
                        escape_cell(str(getattr(f, "fix", "") or "")),
                    )
                    for _, f in ordered
                ),
            )
        )

    def attendee_section(self) -> None:
        self.section("Attendees and roles")
        people = sorted(
            self.snap.attendees,
            key=lambda a: (0 if a.side == "ours" else 1, a.id or 0),
        )
        if not people:
            self.none()
            return
        self.lines(
            _table(
                ("Name", "Side", "Title", "Roles", "Present"),
                (
                    (
                        escape_cell(a.name),
                        _SIDE_LABEL.get(a.side, escape_cell(a.side)),
                        escape_cell(a.title),
                        escape_cell(", ".join(a.role_list)),
                        "yes" if a.present else "no",
                    )
                    for a in people
                ),
            )
        )

    def agenda(self) -> None:
        self.section("Agenda")
        blocks = sorted(self.snap.blocks, key=lambda b: b.position)
        if not blocks:
            self.none()
            return
        rows: list[tuple[str | None, ...]] = []
        planned_total = actual_total = extra_total = 0.0
        for b in blocks:
            bt = self.clock.blocks.get(b.id) if b.id is not None else None
            planned = str(b.planned_minutes)
            actual = ""
            if bt is not None:
                if bt.extra_s:
                    planned += f" (+{_minutes(bt.extra_s)})"
                    extra_total += bt.extra_s
                if bt.started:
                    actual = _minutes(bt.elapsed_s)
                    actual_total += bt.elapsed_s
            planned_total += b.planned_minutes
            status = escape_cell(b.status)
            rows.append(
                (str(b.position + 1), escape_cell(b.title), escape_cell(b.kind), planned, actual,
                 status)
            )  # fmt: skip
        total_planned = str(int(planned_total))
        if extra_total:
            total_planned += f" (+{_minutes(extra_total)})"
        rows.append(
            (None, "**Total**", None, f"**{total_planned}**",
             f"**{_minutes(actual_total)}**" if self.clock.started else "", None)
        )  # fmt: skip
        self.lines(_table(("#", "Block", "Kind", "Planned min", "Actual min", "Status"), rows))
        box = self.meeting.planned_minutes
        over = int(planned_total) - box
        notes = []
        if over > 0:
            notes.append(
                f"**Over the time box:** the blocks plan {int(planned_total)} min, "
                f"{over} more than the {box}-minute time box."
            )
        running = self.clock.current
        if self.clock.started and not self.clock.ended and running is not None:
            t = _local(self.clock.now, self.tz)
            source = "" if self.now_given else " (the last timer event)"
            notes.append(
                f"The meeting is still running; actual minutes are as of "
                f"{_hm(t)} {t.tzname()}{source}."
            )
        for note in notes:
            self.out.append("")
            self.out.append(note)

    def decisions(self) -> None:
        self.section("Decisions")
        self.items_table(
            "decision",
            ("ID", "Decision", "Decided by", "Block"),
            lambda i: (
                str(i.id),
                self.text(i),
                self.decider(i),
                self.block(i),
            ),
        )

    def actions(self) -> None:
        self.section("Action items")
        self.items_table(
            "action",
            ("ID", "Action", "Owner", "Due", "Side", "Status", "Block"),
            lambda i: (
                str(i.id), self.text(i), self.owner(i), _date(i.due), self.owes(i),
                escape_cell(i.status), self.block(i),
            ),
        )  # fmt: skip

    def risks(self) -> None:
        self.section("Risks")
        self.items_table(
            "risk",
            ("ID", "Risk", "Owner", "Due", "Severity", "Mitigation", "Status", "Block"),
            lambda i: (
                str(i.id), self.text(i), self.owner(i), _date(i.due), escape_cell(i.severity),
                escape_cell(i.mitigation), escape_cell(i.status), self.block(i),
            ),
        )  # fmt: skip

    def questions(self) -> None:
        self.section("Open questions")
        self.items_table(
            "question",
            ("ID", "Question", "Owner", "Due", "Status", "Block"),
            lambda i: (
                str(i.id), self.text(i), self.owner(i), _date(i.due), escape_cell(i.status),
                self.block(i),
            ),
        )  # fmt: skip

    def scope(self) -> None:
        self.section("Scope")
        for kind, title in (("in-scope", "In scope"), ("out-of-scope", "Out of scope")):
            self.section(title, level=3)
            self.items_table(
                kind,
                ("ID", "Item", "Block"),
                lambda i: (str(i.id), self.text(i), self.block(i)),
            )

    def milestones(self) -> None:
        self.section("Milestones")
        found = sorted(
            self.by_kind.get("milestone", []),
            key=lambda i: (i.due is None, i.due or dt.date.min, i.id or 0),
        )
        self.items_table(
            "milestone",
            ("ID", "Milestone", "Date", "Owner", "Block"),
            lambda i: (str(i.id), self.text(i), _date(i.due), self.owner(i), self.block(i)),
            found,
        )

    def metrics(self) -> None:
        self.section("Success metrics")
        self.items_table(
            "metric",
            ("ID", "Metric", "Owner", "By", "Block"),
            lambda i: (str(i.id), self.text(i), self.owner(i), _date(i.due), self.block(i)),
        )

    def five_questions(self) -> None:
        self.section("Five Questions")
        by_question: dict[int, list[Answer]] = {}
        for answer in self.snap.answers:
            by_question.setdefault(answer.question, []).append(answer)
        present = [a for a in self.snap.attendees if a.present]
        for number, question in enumerate(FIVE_QUESTIONS, start=1):
            self.section(f"{number}. {question}", level=3)
            answers = by_question.get(number, [])
            # The most senior person answers last; otherwise in the order captured.
            answers.sort(
                key=lambda a: (
                    getattr(self.attendees.get(a.attendee_id), "seniority", 0),
                    a.id or 0,
                )
            )
            if answers:
                rows = []
                for ans in answers:
                    who = self.attendees.get(ans.attendee_id)
                    rows.append(
                        (
                            escape_cell(who.name) if who else f"attendee {ans.attendee_id}",
                            _SIDE_LABEL.get(who.side, escape_cell(who.side)) if who else "",
                            escape_cell(ans.text),
                        )
                    )
                self.lines(_table(("Attendee", "Side", "Answer"), rows))
            else:
                self.none()
            answered = {a.attendee_id for a in answers}
            missing = [a for a in present if a.id not in answered]
            if answers and missing:
                self.out.append("")
                names = ", ".join(escape_inline(a.name) for a in missing)
                self.out.append(f"Not answered by: {names}.")

    def first_value(self) -> None:
        self.section("First Value and next meeting")
        m = self.meeting
        goal = escape_inline(m.first_value_goal) or NONE_CAPTURED
        if m.first_value_date is not None:
            gap = (m.first_value_date - self.start.date()).days
            when = "after" if gap >= 0 else "before"
            fv_date = f"{_date(m.first_value_date)}, {_days(gap)} {when} the kickoff"
        else:
            fv_date = NONE_CAPTURED
        if m.next_meeting_utc is not None:
            next_meeting = _local_datetime(m.next_meeting_utc, self.tz)
        else:
            next_meeting = NONE_CAPTURED
        cadence = escape_inline(m.cadence) or NONE_CAPTURED
        self.lines(
            [
                f"- **First Value goal:** {goal}",
                f"- **First Value date:** {fv_date}",
                f"- **Next meeting:** {next_meeting}",
                f"- **Cadence:** {cadence}",
            ]
        )

    def notes(self) -> None:
        self.section("Notes")
        items = self.by_kind.get("note", [])
        running = sorted(
            (n for n in self.snap.notes if n.text.strip()),
            key=lambda n: (getattr(self.blocks.get(n.block_id), "position", 1 << 30), n.id or 0),
        )
        if not items and not running:
            self.none()
            return
        if items:
            self.lines(
                _table(
                    ("ID", "Note", "Owner", "Block"),
                    ((str(i.id), self.text(i), self.owner(i), self.block(i)) for i in items),
                )
            )
        if running:
            if items:
                self.out.append("")
            self.out.append("Running notes by block:")
            self.out.append("")
            for note in running:
                block = self.blocks.get(note.block_id)
                title = escape_inline(block.title) if block else f"block {note.block_id}"
                self.out.append(f"- **{title}:** {escape_inline(note.text)}")

    def other_items(self) -> None:
        other = sorted(k for k in self.by_kind if k not in _KNOWN_KINDS)
        if not other:
            return
        self.section("Other items")
        rows = (
            (str(i.id), escape_cell(kind), self.text(i), self.owner(i), self.block(i))
            for kind in other
            for i in self.by_kind[kind]
        )
        self.lines(_table(("ID", "Kind", "Text", "Owner", "Block"), rows))


def render_markdown(
    snap: Snapshot,
    *,
    now: pendulum.DateTime | None = None,
    findings: Sequence[object] | None = None,
) -> str:
    """The whole kickoff record of ``snap`` as Markdown (CommonMark plus GFM tables).

    ``now`` only measures a block still running; without it the meeting's end, or its last timer
    event, is used, so the output depends on the snapshot alone. ``findings`` (objects with
    ``id``, ``severity`` "blocking"/"warning", ``message`` and ``fix``) add a "Health check"
    section, blocking first; ``None`` leaves the section out, an empty list says "No findings.".
    """
    return _Record(snap, now, findings).render()
