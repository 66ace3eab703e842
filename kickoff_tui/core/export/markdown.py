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
from kickoff_tui.core.people import NOT_AN_ATTENDEE
from kickoff_tui.core.readmodel import (
    BlockInfo,
    Item,
    MeetingRecord,
    Owner,
    Person,
    TextFact,
    as_record,
)
from kickoff_tui.core.vocab import Side

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
#: Marks an internal item or fact (the owner flag ``NOT_AN_ATTENDEE`` comes from ``people``).
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
    """One rendering of a :class:`MeetingRecord`."""

    def __init__(
        self,
        rec: MeetingRecord,
        now: pendulum.DateTime | None,
        findings: Sequence[object] | None,
    ) -> None:
        self.rec = rec
        self.meeting = rec.meeting
        self.tz = self.meeting.tz
        self.now_given = now is not None
        self.findings = findings
        self.blocks: dict[int, BlockInfo] = {b.id: b for b in rec.blocks}
        self.by_kind: dict[str, list[Item]] = {}
        for item in rec.items:
            self.by_kind.setdefault(item.kind, []).append(item)
        self.start = self.meeting.local_start()
        self.clock: MeetingTime = compute(
            rec.blocks,  # type: ignore[arg-type]
            rec.events,  # type: ignore[arg-type]
            self.meeting.start_utc,
            self.meeting.planned_minutes,
            now if now is not None else self._fallback_now(),
        )
        self.out: list[str] = []

    def _fallback_now(self) -> pendulum.DateTime:
        """Without an explicit ``now``: the meeting's end, else its last event, else its start."""
        times = [pendulum.instance(e.at) for e in self.rec.events]
        ended = [pendulum.instance(e.at) for e in self.rec.events if e.kind == "meeting-ended"]
        if ended:
            return min(ended)
        if times:
            return max(times)
        return self.meeting.start_utc

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
        text = escape_inline(fact.text)
        return text + " " + INTERNAL if text and fact.internal else text

    def block(self, item: Item) -> str:
        return escape_cell(item.block.title) if item.block is not None else ""

    def person(self, owner: Owner) -> str:
        """An owner: the attendee's name, or the typed name flagged as in every output."""
        if owner is None:
            return ""
        if isinstance(owner, Person):
            return escape_cell(owner.name)
        return escape_cell(owner.label)

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
        if self.rec.purpose:
            fields.append(("Purpose", self.fact(self.rec.purpose)))
        if m.contract_close is not None:
            day = self.start.date()
            gap = (dt.date(day.year, day.month, day.day) - m.contract_close).days
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
            self.rec.people,
            key=lambda a: (0 if a.side is Side.OURS else 1, a.row_id),
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
                        a.side.value,
                        escape_cell(a.title) + (" " + INTERNAL if a.title_internal else ""),
                        escape_cell(", ".join(a.roles)),
                        "yes" if a.present else "no",
                    )
                    for a in people
                ),
            )
        )

    def agenda(self) -> None:
        self.section("Agenda")
        blocks = list(self.rec.blocks)
        if not blocks:
            self.none()
            return
        rows: list[tuple[str | None, ...]] = []
        planned_total = actual_total = extra_total = 0.0
        for b in blocks:
            bt = self.clock.blocks.get(b.id)
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
                str(i.number),
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
                str(i.number), self.text(i), self.owner(i), _date(i.due), self.owes(i),
                escape_cell(i.status), self.block(i),
            ),
        )  # fmt: skip

    def risks(self) -> None:
        self.section("Risks")
        self.items_table(
            "risk",
            ("ID", "Risk", "Owner", "Due", "Severity", "Mitigation", "Status", "Block"),
            lambda i: (
                str(i.number), self.text(i), self.owner(i), _date(i.due), escape_cell(i.severity),
                escape_cell(i.mitigation), escape_cell(i.status), self.block(i),
            ),
        )  # fmt: skip

    def questions(self) -> None:
        self.section("Open questions")
        self.items_table(
            "question",
            ("ID", "Question", "Owner", "Due", "Status", "Block"),
            lambda i: (
                str(i.number), self.text(i), self.owner(i), _date(i.due), escape_cell(i.status),
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
                lambda i: (str(i.number), self.text(i), self.block(i)),
            )

    def milestones(self) -> None:
        self.section("Milestones")
        found = sorted(
            self.by_kind.get("milestone", []),
            key=lambda i: (i.due is None, i.due or dt.date.min, i.number),
        )
        self.items_table(
            "milestone",
            ("ID", "Milestone", "Date", "Owner", "Block"),
            lambda i: (str(i.number), self.text(i), _date(i.due), self.owner(i), self.block(i)),
            found,
        )

    def metrics(self) -> None:
        self.section("Success metrics")
        self.items_table(
            "metric",
            ("ID", "Metric", "Owner", "By", "Block"),
            lambda i: (str(i.number), self.text(i), self.owner(i), _date(i.due), self.block(i)),
        )

    def five_questions(self) -> None:
        self.section("Five Questions")
        by_question: dict[int, list] = {}
        for answer in self.rec.answers:
            by_question.setdefault(answer.question, []).append(answer)
        present = [a for a in self.rec.people if a.present]
        for number, question in enumerate(FIVE_QUESTIONS, start=1):
            self.section(f"{number}. {question}", level=3)
            answers = by_question.get(number, [])
            # The most senior person answers last; otherwise in the order captured.
            answers.sort(key=lambda a: a.person.seniority if a.person else 0)
            if answers:
                rows = []
                for ans in answers:
                    who = ans.person
                    rows.append(
                        (
                            escape_cell(who.name) if who else f"attendee {ans.attendee_id}",
                            who.side.value if who else "",
                            escape_cell(ans.text),
                        )
                    )
                self.lines(_table(("Attendee", "Side", "Answer"), rows))
            else:
                self.none()
            answered = {a.attendee_id for a in answers}
            missing = [a for a in present if a.row_id not in answered]
            if answers and missing:
                self.out.append("")
                names = ", ".join(escape_inline(a.name) for a in missing)
                self.out.append(f"Not answered by: {names}.")

    def first_value(self) -> None:
        self.section("First Value and next meeting")
        fv = self.rec.first_value
        mark = " " + INTERNAL if fv.internal else ""
        goal = escape_inline(fv.goal) + mark if fv.goal else NONE_CAPTURED
        if fv.date is not None:
            gap = (fv.date - self.start.date()).days
            when = "after" if gap >= 0 else "before"
            fv_date = f"{_date(fv.date)}, {_days(gap)} {when} the kickoff{mark}"
        else:
            fv_date = NONE_CAPTURED
        nm = self.rec.next_meeting
        if nm is not None:
            next_meeting = f"{_local_datetime(nm.start_utc, self.tz)}, {nm.minutes} min"
            next_meeting += " " + INTERNAL if nm.internal else ""
        else:
            next_meeting = NONE_CAPTURED
        cadence = self.fact(self.rec.cadence) or NONE_CAPTURED
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
            (n for n in self.rec.notes if n.text.strip()),
            key=lambda n: n.block.position if n.block else 1 << 30,
        )
        if not items and not running:
            self.none()
            return
        if items:
            self.lines(
                _table(
                    ("ID", "Note", "Owner", "Block"),
                    ((str(i.number), self.text(i), self.owner(i), self.block(i)) for i in items),
                )
            )
        if running:
            if items:
                self.out.append("")
            self.out.append("Running notes by block:")
            self.out.append("")
            for note in running:
                block = note.block
                title = escape_inline(block.title) if block else f"block {note.block_id}"
                self.out.append(f"- **{title}:** {escape_inline(note.text)}")

    def other_items(self) -> None:
        other = sorted(k for k in self.by_kind if k not in _KNOWN_KINDS)
        if not other:
            return
        self.section("Other items")
        rows = (
            (str(i.number), escape_cell(kind), self.text(i), self.owner(i), self.block(i))
            for kind in other
            for i in self.by_kind[kind]
        )
        self.lines(_table(("ID", "Kind", "Text", "Owner", "Block"), rows))


def render_markdown(
    snap: object,
    *,
    now: pendulum.DateTime | None = None,
    findings: Sequence[object] | None = None,
) -> str:
    """The whole kickoff record of ``snap`` (a :class:`MeetingRecord`, or a snapshot to build
    one from) as Markdown (CommonMark plus GFM tables).

    ``now`` only measures a block still running; without it the meeting's end, or its last timer
    event, is used, so the output depends on the snapshot alone. ``findings`` (objects with
    ``id``, ``severity`` "blocking"/"warning", ``message`` and ``fix``) add a "Health check"
    section, blocking first; ``None`` leaves the section out, an empty list says "No findings.".
    """
    return _Record(as_record(snap), now, findings).render()
