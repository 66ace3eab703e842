"""The Markdown kickoff record (kickoff_tui.core.export.markdown).

Built on a real SQLite file through the record operations, compared to a golden file, and parsed
back with markdown-it to prove that user text never changes the document's structure.

Regenerate the golden file after an intended format change with::

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_export_markdown.py
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.capture import Capture
from kickoff_tui.core.export.markdown import (
    FIVE_QUESTIONS,
    INTERNAL,
    NONE_CAPTURED,
    NOT_AN_ATTENDEE,
    SECTION_TITLES,
    escape_cell,
    escape_inline,
    render_markdown,
)
from kickoff_tui.core.models import Answer, Item
from kickoff_tui.core.record import (
    Snapshot,
    add_attendee,
    add_item,
    add_lines,
    add_timer_event,
    create_meeting,
    load_snapshot,
    save_block_note,
    set_answer,
    update_item,
    update_meeting,
)
from kickoff_tui.core.store import Store
from tests.dbutil import write_raw

GOLDEN_DIR = Path(__file__).parent / "golden"
TZ = "Europe/Berlin"
START = pendulum.datetime(2026, 11, 24, 15, 0, tz=TZ)  # Tuesday; 14:00 UTC
NOW = pendulum.datetime(2026, 11, 24, 14, 40, tz="UTC")  # 15:40 CET, block 2 still running
UTC = pendulum.UTC

# Texts that would break a naive export, each kept verbatim in one table cell.
PIPE = "send the SSO checklist | with SAML notes"
HASH = "# not a heading, just a number sign"
BRACKETS = "[bold] is Rich markup, **stars** and _underscores_ are Markdown"
HTML = "<b>bold</b> and <script>alert(1)</script> & &amp;"
BACKSLASH = "export lands in C:\\temp\\"
NEWLINE = "first line\nsecond line"
NUMBERED = "1. not an ordered list"
DASHES = "---"

SECTIONS = [
    (1, "Acme rollout kickoff"),
    (2, "Attendees and roles"),
    (2, "Agenda"),
    (2, "Decisions"),
    (2, "Action items"),
    (2, "Risks"),
    (2, "Deviations"),
    (2, "Open questions"),
    (2, "Scope"),
    (3, "In scope"),
    (3, "Out of scope"),
    (3, "Assumptions"),
    (2, "Milestones"),
    (2, "Success metrics"),
    (2, "Five Questions"),
    *[(3, f"{n}. {q}") for n, q in enumerate(FIVE_QUESTIONS, start=1)],
    (2, "First Value and next meeting"),
    (2, "Notes"),
]


# --------------------------------------------------------------------------------------------
# Helpers


def open_store(path: Path) -> Store:
    return Store.open("sqlite:///" + str(path / "k.db"))


def assert_golden(name: str, text: str) -> None:
    """Compare ``text`` to ``tests/golden/<name>``; rewrite the file when UPDATE_GOLDEN=1."""
    path = GOLDEN_DIR / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_DIR.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"{path} is missing — run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), (
        f"export differs from {path} — if the change is intended, rerun with UPDATE_GOLDEN=1"
    )


def md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def headings(tokens: list[Token]) -> list[tuple[int, str]]:
    return [
        (int(tok.tag[1]), plain(tokens[n + 1]))
        for n, tok in enumerate(tokens)
        if tok.type == "heading_open"
    ]


def plain(inline: Token) -> str:
    """The text an inline token shows; ``<br>`` reads as a newline, markers' emphasis dropped.

    Fails on any other inline structure (links, code, raw HTML...): user text must never make any.
    """
    out = []
    for child in inline.children or []:
        if child.type == "text":
            out.append(child.content)
        elif child.type == "html_inline":
            assert child.content == "<br>", f"raw HTML leaked: {child.content!r}"
            out.append("\n")
        elif child.type in ("em_open", "em_close", "strong_open", "strong_close"):
            continue
        else:
            raise AssertionError(f"unexpected inline {child.type}: {child.content!r}")
    return "".join(out)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    raw_lines: list[str]


def tables(text: str) -> list[Table]:
    tokens = md().parse(text)
    lines = text.split("\n")
    found: list[Table] = []
    current: Table | None = None
    row: list[str] | None = None
    for n, tok in enumerate(tokens):
        if tok.type == "table_open":
            assert tok.map is not None
            current = Table([], [], lines[tok.map[0] : tok.map[1]])
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            assert row is not None
            row.append(plain(tokens[n + 1]))
        elif tok.type == "tr_close":
            assert current is not None and row is not None
            if current.header:
                current.rows.append(row)
            else:
                current.header = row
        elif tok.type == "table_close":
            assert current is not None
            found.append(current)
            current = None
    return found


def unescaped_pipes(line: str) -> int:
    """Cell delimiters as GFM counts them: a ``|`` right after a backslash is content."""
    return sum(1 for i, ch in enumerate(line) if ch == "|" and (i == 0 or line[i - 1] != "\\"))


def section_body(text: str, title: str) -> str:
    """The Markdown between the heading ``title`` and the next heading of any level."""
    lines = text.split("\n")
    start = next(n for n, line in enumerate(lines) if line.lstrip("#").strip() == title)
    end = next((n for n in range(start + 1, len(lines)) if lines[n].startswith("#")), len(lines))
    return "\n".join(lines[start + 1 : end]).strip()


def shown(text: str) -> str:
    """What a Markdown reader shows for user text: trimmed, line endings normalised."""
    return text.strip().replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")


# --------------------------------------------------------------------------------------------
# The fixed meeting


def build_meeting(store: Store, *, end: bool = False) -> str:
    template = get_template("kickoff-90")
    m = create_meeting(
        store, "Acme GmbH", template, START, TZ, title="Acme rollout kickoff",
        contract_close=pendulum.date(2026, 11, 20),
    )  # fmt: skip
    sam = add_attendee(store, m.id, "Sam Rivera", side="ours", title="Customer success manager",
                       seniority=2, roles=["primary-contact"])  # fmt: skip
    add_attendee(store, m.id, "Lee Wong", side="ours", title="Implementation lead", seniority=1,
                 roles=["technical-owner"])  # fmt: skip
    maria = add_attendee(store, m.id, "Maria Lopez", side="theirs", title="VP Operations",
                         seniority=5, roles=["executive-sponsor", "decision-maker"])  # fmt: skip
    dev = add_attendee(store, m.id, "Dev Patel", side="theirs", title="IT lead | security",
                       seniority=3, roles=["technical-owner", "escalation-contact"])  # fmt: skip
    add_attendee(store, m.id, "Kim Ode", side="theirs", title="Analyst", seniority=0,
                 roles=["end-user-rep"], present=False)  # fmt: skip

    snap = load_snapshot(store, m.id)
    b = [blk.id for blk in snap.blocks]  # block ids by position

    add_lines(store, m, "decision", ["phase 1 covers EU only @maria", f"{HASH} @dev"],
              block_id=b[2])  # fmt: skip
    actions = add_lines(store, m, "action", [
        f"{PIPE} @sam due:fri side:us",
        f"{BRACKETS} @dev due:2026-12-01",
        "grant API access @nobody due:+1w side:them",
        "book the follow-up room",
        "check our margin on this deal @lee #internal",
    ], block_id=b[7])  # fmt: skip
    update_item(store, actions[3].id, actions[3].version, status="done")
    risks = add_lines(store, m, "risk", [
        f"{HTML} @dev sev:high due:2026-12-04",
        "data migration owner unclear sev:medium",
    ], block_id=b[3])  # fmt: skip
    # Line breaks in one-line fields: the core now turns them into spaces (core/text.py), but a
    # file from an older version may hold them, and the record must still render them safely.
    write_raw(store, Item, risks[0].id, mitigation="pen test | week 2\nthen sign-off")
    question = add_item(store, m, "question", Capture(text="placeholder", owner="Dev Patel",
                        owner_attendee_id=dev.id), block_id=b[7])  # fmt: skip
    write_raw(store, Item, question.id, text=NEWLINE)
    add_lines(store, m, "question", [BACKSLASH])
    add_lines(store, m, "in-scope", ["SSO and SCIM", NUMBERED], block_id=b[2])
    add_lines(store, m, "out-of-scope", [DASHES, "- mobile app (phase 2)"], block_id=b[2])
    add_lines(store, m, "milestone", ["go-live @maria due:2027-02-01", "pilot live due:2026-12-15"],
              block_id=b[3])  # fmt: skip
    add_lines(store, m, "metric", ["cut lead-to-close from 60 to 42 days @maria due:2027-03-31"],
              block_id=b[6])  # fmt: skip
    add_lines(store, m, "note", ["> quoted? no, literal", "+ plus sign #internal"])

    save_block_note(store, m.id, b[0], "Maria: wants EU first\n\n## not a heading either")
    save_block_note(store, m.id, b[1], "   ")  # whitespace only: not shown

    # Five Questions: captured in a mixed order; the export puts the most senior last.
    set_answer(store, m.id, maria.id, 1, "Go-live before the audit | in March")
    set_answer(store, m.id, dev.id, 1, "SSO that works on day one")
    set_answer(store, m.id, sam.id, 1, "A champion who stays")
    answer = set_answer(store, m.id, dev.id, 4, "Security review backlog (6 weeks)")
    write_raw(store, Answer, answer.id, text="Security review backlog\n(6 weeks)")

    update_meeting(
        store, m.id,
        purpose="Align objectives, agree who does what, leave with dated next steps",
        first_value_goal="First 20 reps live on SSO <with> the new workflow",
        first_value_date=pendulum.date(2026, 12, 4),
        next_meeting_utc=pendulum.datetime(2026, 12, 1, 9, 30, tz=TZ).in_timezone("UTC"),
        cadence="Weekly status, Tuesdays 10:00, 30 min",
        status="running",
    )  # fmt: skip

    # Block 1 ran 15:02–15:11:30, block 2 started 15:11:30 and got 5 extra minutes.
    at = pendulum.datetime
    add_timer_event(store, m.id, "block-started", block_id=b[0], at=at(2026, 11, 24, 14, 2, tz=UTC),
                    block_status={b[0]: "active"})  # fmt: skip
    half_past = at(2026, 11, 24, 14, 11, 30, tz=UTC)
    add_timer_event(store, m.id, "block-ended", block_id=b[0], at=half_past,
                    block_status={b[0]: "done"})  # fmt: skip
    add_timer_event(store, m.id, "block-started", block_id=b[1], at=half_past,
                    block_status={b[1]: "active"})  # fmt: skip
    add_timer_event(store, m.id, "extended", block_id=b[1], seconds=300,
                    at=at(2026, 11, 24, 14, 20, tz=UTC))  # fmt: skip
    if end:
        add_timer_event(store, m.id, "meeting-ended", at=at(2026, 11, 24, 14, 35, tz=UTC),
                        block_status={b[1]: "done"}, meeting_status="ended")  # fmt: skip
    return m.id


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    store = open_store(tmp_path_factory.mktemp("golden"))
    mid = build_meeting(store)
    snap = load_snapshot(store, mid)
    store.close()
    return snap


@pytest.fixture(scope="module")
def record(meeting: Snapshot) -> str:
    return render_markdown(meeting, now=NOW)


# --------------------------------------------------------------------------------------------
# Golden file


def test_golden(record: str) -> None:
    assert_golden("kickoff_record.md", record)


def test_same_meeting_built_twice_renders_identically(tmp_path: Path, record: str) -> None:
    """created_at and other wall-clock columns never reach the export."""
    store = open_store(tmp_path)
    again = render_markdown(load_snapshot(store, build_meeting(store)), now=NOW)
    store.close()
    assert again == record


def test_header(record: str) -> None:
    head = record.split("\n## ", 1)[0]
    assert head.startswith("# Acme rollout kickoff\n")
    assert "Tuesday 24 November 2026, 15:00–16:30 CET (Europe/Berlin), 90 min" in head
    assert "- **Client:** Acme GmbH" in head
    assert "- **Template:** kickoff-90" in head
    assert "- **Status:** running" in head
    assert "- **Meeting id:** acme-gmbh-2026-11-24" in head
    assert "2026-11-20 (Fri), 4 days before the kickoff" in head


# --------------------------------------------------------------------------------------------
# Structure: parsed back with markdown-it


def test_every_table_row_has_the_header_cell_count(record: str) -> None:
    found = tables(record)
    assert len(found) >= 12
    for table in found:
        for row in table.rows:
            assert len(row) == len(table.header), (table.header, row)
        # markdown-it pads and truncates rows, so also count the raw delimiters.
        counts = {unescaped_pipes(line) for line in table.raw_lines}
        assert counts == {len(table.header) + 1}, table.raw_lines


def test_headings_are_exactly_the_sections(record: str) -> None:
    assert headings(md().parse(record)) == SECTIONS
    top = [title for level, title in SECTIONS if level == 2]
    assert top == [t for t in SECTION_TITLES if t in top]  # the documented order


def test_tricky_texts_stay_in_their_cells(record: str) -> None:
    by_header = {tuple(t.header): t for t in tables(record)}
    actions = by_header[("ID", "Action", "Owner", "Due", "Side", "Status", "Block")]
    first = actions.rows[0]
    assert first[1] == PIPE
    assert first[2:] == [
        "Sam Rivera", "2026-11-27 (Fri)", "from us", "open", "Questions & next steps"
    ]  # fmt: skip
    assert actions.rows[1][1] == BRACKETS
    assert actions.rows[1][4] == "from you"  # no side: given, taken from the owner's side
    assert actions.rows[2][2] == "nobody " + NOT_AN_ATTENDEE.strip("*")
    assert actions.rows[3][5] == "done"
    assert actions.rows[4][1] == "check our margin on this deal " + INTERNAL.strip("*")

    risks = by_header[
        ("ID", "Risk", "Owner", "Due", "Severity", "Mitigation", "Escalated", "Status", "Block")
    ]
    assert risks.rows[0][1] == HTML
    assert risks.rows[0][5] == "pen test | week 2\nthen sign-off"
    assert risks.rows[0][4] == "high"

    decisions = by_header[("ID", "Decision", "Decided by", "Block")]
    assert [r[1] for r in decisions.rows] == ["phase 1 covers EU only", HASH]
    assert [r[2] for r in decisions.rows] == ["Maria Lopez", "Dev Patel"]

    questions = by_header[("ID", "Question", "Owner", "Due", "Status", "Block")]
    assert [r[1] for r in questions.rows] == [NEWLINE, BACKSLASH]

    scope = [t for t in tables(record) if t.header == ["ID", "Item", "Block"]]
    assert [r[1] for r in scope[0].rows] == ["SSO and SCIM", NUMBERED]
    assert [r[1] for r in scope[1].rows] == [DASHES, "- mobile app (phase 2)"]

    people = by_header[("Name", "Side", "Title", "Roles", "Present")]
    assert [r[0] for r in people.rows] == [
        "Sam Rivera", "Lee Wong", "Maria Lopez", "Dev Patel", "Kim Ode"
    ]  # fmt: skip
    assert people.rows[3][2] == "IT lead | security"
    assert people.rows[4][4] == "no"


def test_agenda_minutes_from_the_timer_events(record: str) -> None:
    agenda = next(t for t in tables(record) if t.header[:2] == ["#", "Block"])
    assert len(agenda.rows) == 9  # 8 blocks + totals
    # presenter, planned (before the meeting), replanned (+ extensions), actual, status
    assert agenda.rows[0][3:] == ["—", "8", "—", "9.5", "done"]
    assert agenda.rows[1][3:] == ["—", "12", "12 (+5)", "28.5", "active"]  # running until NOW
    assert agenda.rows[2][3:] == ["—", "16", "—", "—", "pending"]
    assert agenda.rows[-1] == ["", "Total", "", "", "90", "90 (+5)", "38", ""]
    assert "actual minutes are as of 15:40 CET" in record
    assert "Over the time box" not in record  # kickoff-90 fits its 90 minutes


def test_five_questions_most_senior_last(record: str) -> None:
    body = section_body(record, "1. " + FIVE_QUESTIONS[0])
    answers = tables(body)[0]
    assert [r[0] for r in answers.rows] == ["Sam Rivera", "Dev Patel", "Maria Lopez"]
    assert answers.rows[2][2] == "Go-live before the audit | in March"
    assert "Not answered by: Lee Wong." in body
    assert section_body(record, "2. " + FIVE_QUESTIONS[1]) == NONE_CAPTURED
    four = tables(section_body(record, "4. " + FIVE_QUESTIONS[3]))[0]
    assert four.rows == [["Dev Patel", "theirs", "Security review backlog\n(6 weeks)"]]


def test_first_value_next_meeting_and_notes(record: str) -> None:
    fv = section_body(record, "First Value and next meeting")
    assert "- **First Value goal:** First 20 reps live on SSO \\<with\\> the new workflow" in fv
    assert "- **First Value date:** 2026-12-04 (Fri), 10 days after the kickoff" in fv
    assert "- **Next meeting:** Tuesday 1 December 2026, 09:30 CET (Europe/Berlin)" in fv
    assert "- **Cadence:** Weekly status, Tuesdays 10:00, 30 min" in fv
    notes = section_body(record, "Notes")
    note_table = tables(notes)[0]
    assert [r[1] for r in note_table.rows] == [
        "> quoted? no, literal", "+ plus sign " + INTERNAL.strip("*")
    ]  # fmt: skip
    running = "- **Welcome & introductions:** Maria: wants EU first<br><br>\\#\\# not a heading"
    assert running in notes
    assert "Business objectives review:" not in notes  # the whitespace-only note


def test_ended_meeting_needs_no_clock(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    snap = load_snapshot(store, build_meeting(store, end=True))
    store.close()
    text = render_markdown(snap)
    assert text == render_markdown(snap, now=pendulum.datetime(2030, 1, 1, tz="UTC"))
    agenda = next(t for t in tables(text) if t.header[:2] == ["#", "Block"])
    assert agenda.rows[1][3:] == ["—", "12", "12 (+5)", "23.5", "done"]  # ended at 14:35 UTC
    assert "- **Ran:** 15:02–15:35 CET, 33 min" in text
    assert "still running" not in text


def test_running_meeting_without_now_uses_the_last_event(meeting: Snapshot) -> None:
    text = render_markdown(meeting)
    agenda = next(t for t in tables(text) if t.header[:2] == ["#", "Block"])
    assert agenda.rows[1][6] == "8.5"  # 14:11:30 → last event 14:20
    assert "as of 15:20 CET (the last timer event)" in text
    assert text == render_markdown(meeting)


# --------------------------------------------------------------------------------------------
# Empty meeting, findings, overrun


def test_fresh_meeting_says_none_captured(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    m = create_meeting(store, "Empty Ltd", get_template("kickoff-90"), START, TZ)
    text = render_markdown(load_snapshot(store, m.id))
    store.close()
    for title in ("Attendees and roles", "Decisions", "Action items", "Risks", "Deviations",
                  "Open questions", "In scope", "Out of scope", "Assumptions", "Milestones",
                  "Success metrics", "Notes",
                  *[f"{n}. {q}" for n, q in enumerate(FIVE_QUESTIONS, start=1)]):  # fmt: skip
        assert section_body(text, title) == NONE_CAPTURED, title
    assert section_body(text, "Scope") == ""  # its two subsections carry the message
    fv = section_body(text, "First Value and next meeting")
    assert fv.count(NONE_CAPTURED) == 4
    assert "Health check" not in text
    assert "Ran:" not in text
    agenda = next(t for t in tables(text) if t.header[:2] == ["#", "Block"])
    assert all(row[6] == "—" for row in agenda.rows)


@dataclass
class Finding:
    id: str
    severity: str
    message: str
    fix: str


def test_findings_render_as_a_table_blocking_first(meeting: Snapshot) -> None:
    findings = [
        Finding("cadence", "warning", "cadence not confirmed", "set it with `kickoff set`"),
        Finding("owner", "blocking", "action #3 has no owner | due", "add @owner"),
    ]
    text = render_markdown(meeting, now=NOW, findings=findings)
    heads = headings(md().parse(text))
    assert heads[1] == (2, "Health check")
    assert heads[:1] + heads[2:] == SECTIONS
    table = tables(section_body(text, "Health check"))[0]
    assert table.header == ["Severity", "Check", "Problem", "Fix"]
    assert table.rows == [
        ["blocking", "owner", "action #3 has no owner | due", "add @owner"],
        ["warning", "cadence", "cadence not confirmed", "set it with `kickoff set`"],
    ]
    empty = render_markdown(meeting, now=NOW, findings=[])
    assert section_body(empty, "Health check") == "No findings."


def test_overrunning_agenda_is_noted(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    m = create_meeting(store, "Long Ltd", get_template("kickoff-90"), START, TZ, minutes=60)
    text = render_markdown(load_snapshot(store, m.id))
    store.close()
    assert (
        "**Over the time box:** the blocks plan 90 min, 30 more than the 60-minute time box."
    ) in text
    assert "Tuesday 24 November 2026, 15:00–16:00 CET" in text


# --------------------------------------------------------------------------------------------
# Escaping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", "a \\| b"),
        ("# x", "\\# x"),
        ("- x", "\\- x"),
        ("+ x", "\\+ x"),
        ("12. x", "12\\. x"),
        ("3) x", "3\\) x"),
        ("===", "\\==="),
        ("<script>", "\\<script\\>"),
        ("[b]", "\\[b\\]"),
        ("ends \\", "ends \\\\"),
        ("a\nb\r\nc", "a<br>b<br>c"),
        ("  indented code?  ", "indented code?"),
        ("&copy; &#124; &x", "\\&copy; &\\#124; &x"),
        ("R&D, Q & A", "R&D, Q & A"),
        ("", ""),
        (None, ""),
    ],
)
def test_escape_inline(text: str | None, expected: str) -> None:
    assert escape_inline(text) == expected
    assert escape_cell(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
@pytest.mark.slow  # real processes: the full suite runs it
def test_escape_cell_keeps_one_cell(text: str) -> None:
    doc = f"| Text | End |\n|---|---|\n| {escape_cell(text)} | END |\n"
    tokens = md().parse(doc)
    assert not [t for t in tokens if t.type == "heading_open"]
    found = tables(doc)
    assert len(found) == 1
    assert found[0].header == ["Text", "End"]
    assert found[0].rows == [[shown(text), "END"]]
    assert unescaped_pipes(doc.split("\n")[2]) == 3


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escape_inline_stays_one_list_item(text: str) -> None:
    doc = f"- **Label:** {escape_inline(text)}\n- next\n"
    tokens = md().parse(doc)
    assert [t.type for t in tokens if t.type.endswith("_open")] == [
        "bullet_list_open", "list_item_open", "paragraph_open",
        "list_item_open", "paragraph_open",
    ]  # fmt: skip
    inline = next(t for t in tokens if t.type == "inline")
    assert plain(inline) == ("Label: " + shown(text)).strip()


@pytest.mark.slow  # 150 whole records rendered and parsed back
@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_action_text_adds_no_heading(meeting: Snapshot, text: str) -> None:
    item = Item(
        id=99_999, meeting_id=meeting.meeting.id, kind="action", text=text, owner=text or None,
        owner_known=False, block_id=meeting.blocks[0].id, created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    snap = replace(meeting, items=[*meeting.items, item])
    out = render_markdown(snap, now=NOW)
    assert headings(md().parse(out)) == SECTIONS
    actions = next(t for t in tables(out) if t.header[1] == "Action")
    # the per-meeting number: the newest item is the last in capture order
    assert actions.rows[-1][0] == str(len(snap.items) + len(snap.deleted_item_ids))
    assert actions.rows[-1][1] == (shown(text) or "—")
    assert actions.rows[-1][-1] == "Welcome & introductions"


# --------------------------------------------------------------------------------------------
# Performance


@pytest.mark.slow  # real processes: the full suite runs it
def test_ten_thousand_items_all_rendered(meeting: Snapshot) -> None:
    """10,000 items all reach the record (speed is measured in benchmarks/, not asserted)."""
    kinds = ("action", "decision", "risk", "question", "note", "milestone", "metric", "in-scope")
    people = [a.id for a in meeting.attendees]
    blocks = [b.id for b in meeting.blocks]
    items = [
        Item(
            id=1000 + n,
            meeting_id=meeting.meeting.id,
            kind=kinds[n % len(kinds)],
            text=f"item {n} | <x> #{n} [y]\nline two",
            owner="Maria Lopez",
            owner_attendee_id=people[n % len(people)],
            due=pendulum.date(2026, 12, 1 + n % 28),
            block_id=blocks[n % len(blocks)],
            internal=n % 7 == 0,
            created_at=NOW,
            updated_at=NOW,
        )  # fmt: skip
        for n in range(10_000)
    ]
    snap = replace(meeting, items=items)
    text = render_markdown(snap, now=NOW)
    assert text.count("| item ") == 10_000
