"""User text enters clean, once, in the core (core/text.py), on every path: the capture line the
TUI uses (entry.preview / entry.submit), the core's write functions, templates; and the exports
carry no control character even from rows stored by older versions."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kickoff_tui.core import entry, facts
from kickoff_tui.core.agenda import get_template, parse_template
from kickoff_tui.core.capture import Capture, parse_capture
from kickoff_tui.core.errors import CaptureError, InputError, TemplateError, TextError
from kickoff_tui.core.export import pack
from kickoff_tui.core.export.csv_actions import neutralise
from kickoff_tui.core.models import Answer, Attendee, Block, BlockNote, Item, Meeting
from kickoff_tui.core.record import (
    add_attendee,
    add_item,
    add_lines,
    attendee_names,
    create_meeting,
    list_items,
    load_snapshot,
    parse_start,
    save_block_note,
    set_answer,
    update_attendee,
    update_item,
    update_meeting,
)
from kickoff_tui.core.text import (
    LINE_LIMIT,
    NOTE_LIMIT,
    clean,
    decode_input,
    input_lines,
    scrub,
    scrub_output,
)
from tests.conftest import START
from tests.dbutil import dump, write_raw

OSC_TITLE = "\x1b]0;pwned title\x07"
SGR_RED = "\x1b[31m"
NASTY = [OSC_TITLE, SGR_RED, "\x00", "\ufeff", "\x85", "\x9b31m", "\x07", "\x7f", "\x1b"]
NASTY_TEXT = f"{OSC_TITLE}Send{SGR_RED} the\x00 recap\ufeff\x85 now\x9b1m\x1b[0m"


def control_chars(text: str) -> list[str]:
    """Every character an export must not hold: C0 but LF/CR, DEL, C1, BOM, lone surrogates."""
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c not in "\n\r")
        or 0x7F <= ord(c) <= 0x9F
        or c == "\ufeff"
        or 0xD800 <= ord(c) <= 0xDFFF
    ]


# --- clean: the rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "single", "multi"),
    [
        ("plain text", "plain text", "plain text"),
        ("a\tb", "a b", "a b"),
        (f"{OSC_TITLE}Send recap", "Send recap", "Send recap"),
        (f"{SGR_RED}red\x1b[0m text", "red text", "red text"),
        ("nul\x00byte", "nulbyte", "nulbyte"),
        ("\ufeffbom", "bom", "bom"),
        ("c1 \x85 \x9b31m x", "c1   x", "c1   x"),
        ("e\u0301t\u00e9", "\u00e9t\u00e9", "\u00e9t\u00e9"),  # NFC
        ("one\r\ntwo\rthree\nfour", "one two three four", "one\ntwo\nthree\nfour"),
        ("para\u2029graph", "para graph", "para\ngraph"),
        ("\x1b]0;unterminated words", "]0;unterminated words", "]0;unterminated words"),
        ("\x1bc reset \x1b(B", "c reset ", "c reset "),
        ("bell\x07 ring", "bell ring", "bell ring"),
        ("del\x7fete", "delete", "delete"),
    ],
)
def test_clean_rules(raw, single, multi):
    assert clean(raw) == single
    assert clean(raw, multiline=True) == multi
    assert unicodedata.normalize("NFC", scrub(raw, multiline=False)) == single  # no NFC: output
    assert clean(single) == single  # idempotent


def test_invalid_utf8_and_too_long_are_refused_with_one_line():
    with pytest.raises(
        TextError, match=r"the owner is not valid UTF-8 \(byte 0xff at character 5\)"
    ):
        clean("bad \udcff\udcfe", field="the owner")
    with pytest.raises(TextError, match="2,001 characters — at most 2,000 on one line"):
        clean("x" * (LINE_LIMIT + 1))
    assert clean("x" * LINE_LIMIT) == "x" * LINE_LIMIT
    with pytest.raises(TextError, match="100,001 characters"):
        clean("x" * (NOTE_LIMIT + 1), multiline=True)
    # the limit counts what is kept, not the bytes removed
    assert clean("\x00" * 5000 + "ok") == "ok"
    assert scrub("bad \udcff") == "bad \ufffd"


@given(st.text())
def test_property_clean_leaves_no_control_character(s):
    for multiline in (False, True):
        out = clean(s, multiline=multiline, limit=10**9)
        bad = control_chars(out)
        if multiline:
            bad = [c for c in bad if c != "\n"]
        assert not bad and "\r" not in out and "\t" not in out
        assert multiline or "\n" not in out
        assert clean(out, multiline=multiline, limit=10**9) == out


def _decodes(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@given(
    st.binary()
    | st.lists(st.sampled_from([b"ok", b"\n", b"\xff", b"\xc3\xa9", b"\r"])).map(b"".join)
)
def test_property_decode_input_names_the_first_bad_line(data):
    bad = next((n for n, c in enumerate(data.split(b"\n"), 1) if not _decodes(c)), None)
    if bad is None:
        lines = input_lines(data)
        assert not any("\n" in line for line in lines)
    else:
        with pytest.raises(TextError, match=rf"^stdin line {bad} is not valid UTF-8 \(byte 0x"):
            input_lines(data)


def test_decode_input_names_the_line():
    with pytest.raises(TextError, match=r"^stdin line 3 is not valid UTF-8 \(byte 0xff at byte 5"):
        decode_input(b"one\ntwo\nbad \xff\xfe\n")
    assert decode_input(b"\xef\xbb\xbfhello") == "hello"
    assert input_lines(b"a\r\nb\x0cc\n\nd") == ["a", "b\x0cc", "", "d"]


# --- the capture path the TUI uses: entry.preview / entry.submit ----------------------------


def _people(store, meeting):
    return attendee_names(store, meeting.id)


BAD_LINES = [
    ("bad \udcff\udcfe", "not valid UTF-8 (byte 0xff"),
    ("x" * (LINE_LIMIT + 1), "characters — at most 2,000 on one line"),
    (f"{OSC_TITLE}{SGR_RED}\x00\ufeff", "nothing to capture"),
    ("recap due:+999999d", "due:+999999d (4764-"),
    ("recap due:1999-01-01", "more than 5 years before the meeting"),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES)
@pytest.mark.parametrize("kind", ["action", ""])
def test_capture_line_refuses_bad_text_unsaved(store, meeting, kind, line, message):
    text = line if kind else f"action {line}"
    people = _people(store, meeting)
    ok, said = entry.preview(meeting, people, kind, text)
    assert not ok and message in said and "\n" not in said
    before = dump(store.url)
    with pytest.raises(CaptureError, match=re.escape(message)):
        entry.submit(store, meeting, people, kind, text, block_id=None, by="facilitator")
    assert dump(store.url) == before


@pytest.mark.parametrize(
    "line",
    [
        f"person {OSC_TITLE}Lee{SGR_RED} Wong, CT\x00O",
        "cadence Weekly\x1b[2J on\ttuesdays\x85",
        "first-value Dash\x9b31mboard live due:+3d",
    ],
)
def test_fact_lines_are_cleaned_too(store, meeting, line):
    people = _people(store, meeting)
    ok, said = entry.preview(meeting, people, "", line)
    assert ok and not control_chars(said), said
    entry.submit(store, meeting, people, "", line, block_id=None, by="facilitator")
    snap = load_snapshot(store, meeting.id)
    texts = [a.name for a in snap.attendees] + [a.title for a in snap.attendees]
    texts += [snap.meeting.cadence or "", snap.meeting.first_value_goal or ""]
    assert not any(control_chars(t) for t in texts)
    assert "Lee Wong" in texts or "Weekly on tuesdays" in texts or "Dashboard live" in texts


def test_fact_line_too_long_is_refused(store, meeting):
    line = "cadence " + "w" * LINE_LIMIT
    ok, said = entry.preview(meeting, _people(store, meeting), "", line)
    assert not ok and "2,008 characters" in said
    with pytest.raises(TextError):
        facts.parse_fact(line, meeting, [])


def test_capture_line_stores_clean_text(store, meeting):
    people = _people(store, meeting)
    saved = entry.submit(
        store, meeting, people, "action", f"\ufeff{NASTY_TEXT} @maria\t due:fri",
        block_id=None, by="facilitator",
    )  # fmt: skip
    assert saved.item is not None
    item = list_items(store, meeting.id, "action")[-1]
    assert item.text == "Send the recap now"
    assert item.owner == "Maria Lopez" and item.due == pendulum.date(2026, 11, 27)
    # an edit goes through the same boundary
    edited = entry.submit(
        store, meeting, people, "action", f"Send{SGR_RED} the deck\x00", block_id=None,
        by="facilitator", editing=item,
    )  # fmt: skip
    assert edited.item is not None and edited.item.text == "Send the deck"


def test_answers_are_cleaned(store, meeting):
    snap = load_snapshot(store, meeting.id)
    who = snap.attendees[0]
    target = entry.AnswerTarget(int(who.id or 0), who.name, 2)
    entry.submit(store, meeting, [], "answer", f"{OSC_TITLE}Fewer\treports\x85",
                 block_id=None, by="facilitator", answer=target)  # fmt: skip
    assert load_snapshot(store, meeting.id).answers[0].text == "Fewer reports"
    with pytest.raises(TextError):
        entry.submit(store, meeting, [], "answer", "x" * 3000, block_id=None, by="f",
                     answer=target)  # fmt: skip


# --- every write function, called directly ---------------------------------------------------


def test_every_write_function_cleans(store, meeting):
    a = add_attendee(store, meeting.id, f"Lee{SGR_RED}\tWong\x00", title=f"{OSC_TITLE}CTO\x9b")
    assert (a.name, a.title) == ("Lee Wong", "CTO")
    a = update_attendee(store, int(a.id or 0), name="Lee\x1b[1m Wong\x85", title="C\x00TO")
    assert (a.name, a.title) == ("Lee Wong", "CTO")
    m = update_meeting(
        store, meeting.id, cadence=f"Weekly{SGR_RED}", purpose="Align\x00", title="T\ufeff",
        first_value_goal=f"{OSC_TITLE}Go live", client="Acme\x07 Corp",
    )  # fmt: skip
    assert (m.cadence, m.purpose, m.title, m.first_value_goal, m.client) == (
        "Weekly", "Align", "T", "Go live", "Acme Corp",
    )  # fmt: skip
    item = add_item(store, meeting, "risk", Capture(text=NASTY_TEXT, owner="Dana\x1b[0m"), by="c")
    assert (item.text, item.owner) == ("Send the recap now", "Dana")
    item = update_item(store, int(item.id or 0), item.version, mitigation="pen\ttest\x00\r\nweek 2")
    assert item.mitigation == "pen test week 2"
    items = add_lines(store, meeting, "note", [f"\ufeff{NASTY_TEXT}", "ok"])
    assert [i.text for i in items] == ["Send the recap now", "ok"]
    block = load_snapshot(store, meeting.id).blocks[0]
    note = save_block_note(store, meeting.id, int(block.id or 0), "one\x1b[31m\r\ntwo\t\x00three")
    assert note.text == "one\ntwo three"  # notes keep their lines
    ans = set_answer(store, meeting.id, int(a.id or 0), 3, "Say\x85 it\nearly")
    assert ans.text == "Say it early"
    for table, rows in dump(store.url).items():
        for row in rows:
            for value in row:
                if isinstance(value, str) and table != "block_note":
                    assert not control_chars(value) and "\n" not in value, (table, row)


def test_write_functions_refuse_bad_text_and_write_nothing(store, meeting):
    before = dump(store.url)
    calls = [
        lambda: add_attendee(store, meeting.id, "x" * 2001),
        lambda: add_attendee(store, meeting.id, "Lee \udcff"),
        lambda: update_meeting(store, meeting.id, cadence="\udcfe"),
        lambda: set_answer(store, meeting.id, 1, 1, "y" * 2001),
        lambda: save_block_note(store, meeting.id, 1, "z" * (NOTE_LIMIT + 1)),
        lambda: create_meeting(store, "Bad \udcff", get_template("kickoff-90"), START, "UTC"),
        lambda: add_lines(store, meeting, "action", ["ok", "bad \udcff"]),
    ]
    for call in calls:
        with pytest.raises(InputError):
            call()
    assert dump(store.url) == before


def test_add_lines_names_the_line_of_a_too_long_one(store, meeting):
    with pytest.raises(CaptureError, match=r"^line 2: the line is 2,001 characters"):
        add_lines(store, meeting, "action", ["fine", "x" * 2001])


def test_by_is_limited(store, meeting):
    c = parse_capture("recap", START)
    with pytest.raises(TextError, match="who captured it"):
        add_item(store, meeting, "action", c, by="x" * 33)
    assert add_item(store, meeting, "action", c, by="Dana\x1b[31m").captured_by == "Dana"


def test_templates_are_cleaned_and_too_long_named(tmp_path):
    toml = (
        'name = "t"\ntitle = "Kick\\u001b[31moff\\u0000"\nminutes = 10\n'
        '[[blocks]]\ntitle = "Intro\\u0085"\nkind = "general"\nminutes = 10\n'
        'prompts = ["Ask\\u001b]0;x\\u0007 them"]\n'
    )
    t = parse_template(toml, "t.toml")
    assert t.title == "Kickoff" and t.blocks[0].title == "Intro"
    assert t.blocks[0].prompts == ("Ask them",)
    long = toml.replace('title = "Intro\\u0085"', f'title = "{"i" * 2001}"')
    with pytest.raises(TemplateError, match=r"invalid template t.toml: blocks\[1\].title is 2,001"):
        parse_template(long, "t.toml")
    user = tmp_path / "bad.toml"
    user.write_bytes(b'name = "bad"\ntitle = "caf\xe9"\n')
    from kickoff_tui.core.agenda import load_templates

    with pytest.raises(TemplateError, match=r"bad.toml line 2 is not valid UTF-8 \(byte 0xe9"):
        load_templates(tmp_path)


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (
            "+999999d",
            "due:+999999d (4764-10-20) is more than 5 years after the meeting (2026-11-24)",
        ),
        ("+99999999999d", "past the year 9999"),
        ("+262w", "more than 5 years after"),
        ("2031-11-25", "due:2031-11-25 is more than 5 years after"),
        ("2021-11-23", "more than 5 years before"),
    ],
)
def test_due_more_than_five_years_from_the_meeting_is_an_error(token, message):
    with pytest.raises(CaptureError, match=re.escape(message)):
        parse_capture(f"recap due:{token}", START)


def test_due_at_the_limit_is_fine():
    assert parse_capture("recap due:2031-11-24", START).due == pendulum.date(2031, 11, 24)
    assert parse_capture("recap due:2021-11-24", START).due == pendulum.date(2021, 11, 24)


def test_next_meeting_is_limited_too(store, meeting):
    with pytest.raises(CaptureError, match="next 2032-01-01 is more than 5 years after"):
        facts.parse_fact("next 2032-01-01 10:00", meeting, [])


def test_start_in_a_dst_gap_moves_forward_with_a_warning():
    warnings: list[str] = []
    when = parse_start("2026-03-29T02:30", "Europe/Berlin", warnings=warnings)
    assert when == pendulum.datetime(2026, 3, 29, 1, 30, tz="UTC")
    assert warnings == [
        "02:30 does not exist on Sun 29 Mar 2026 in Europe/Berlin (the clocks go forward) — "
        "using 03:30 CEST (UTC+02:00)"
    ]
    warnings.clear()
    # A time shown twice is refused (issue 17, point 9; tests/test_start_times.py).
    with pytest.raises(InputError, match="happens twice"):
        parse_start("2026-10-25T02:30", "Europe/Berlin", warnings=warnings)
    for ordinary in (
        "2026-11-24T15:00",
        "2026-03-29T03:30",
        "2026-03-29T02:30+01:00",
        "2026-03-29",
    ):
        warnings.clear()
        parse_start(ordinary, "Europe/Berlin", warnings=warnings)
        assert warnings == [], ordinary
    assert parse_start("2026-03-29T02:30", "Europe/Berlin").hour == 3  # no list: no warning


# --- exports: no control character, even from old rows ---------------------------------------


def _store_nasty_everything(store, meeting):
    """Nasty text through the core (cleaned) and raw into every text column (as an older
    version could have stored it)."""
    people = attendee_names(store, meeting.id)
    for kind in ("action", "decision", "risk", "question", "note", "in-scope", "milestone"):
        entry.submit(store, meeting, people, kind, f"{NASTY_TEXT} @maria due:fri",
                     block_id=None, by="facilitator")  # fmt: skip
    snap = load_snapshot(store, meeting.id)
    nasty = "".join(NASTY) + " text\ttab\r\nCR"
    for it in snap.items:
        write_raw(store, Item, int(it.id or 0), text=f"{nasty} {it.kind}", owner=f"O{nasty}",
                  mitigation=nasty, decided_by=nasty, captured_by=nasty[:30])  # fmt: skip
    for a in snap.attendees:
        write_raw(store, Attendee, int(a.id or 0), name=f"{a.name}{nasty}", title=nasty)
        answer = set_answer(store, meeting.id, int(a.id or 0), 1, "answer")
        write_raw(store, Answer, int(answer.id or 0), text=f"answer {nasty}")
    for b in snap.blocks:
        write_raw(store, Block, int(b.id or 0), title=f"{b.title}{nasty}",
                  prompts_json=json.dumps([f"prompt {nasty}"]))  # fmt: skip
        note = save_block_note(store, meeting.id, int(b.id or 0), "note")
        write_raw(store, BlockNote, int(note.id or 0), text=f"note\n{nasty}")
    update_meeting(
        store, meeting.id, first_value_date=pendulum.date(2026, 12, 1),
        next_meeting_utc=pendulum.datetime(2026, 12, 1, 9, tz="UTC"),
    )  # fmt: skip
    with store.engine.begin() as conn:  # the meeting's id is the primary key: write it plain
        from sqlalchemy import update

        conn.execute(
            update(Meeting).where(Meeting.id == meeting.id).values(
                client=f"Acme{nasty}", title=f"T{nasty}", cadence=nasty, purpose=nasty,
                first_value_goal=f"goal {nasty}",
            )
        )  # fmt: skip


@pytest.mark.parametrize("given", ["snapshot", "record"])
def test_every_export_is_free_of_control_characters(store, meeting, given):
    from kickoff_tui.core.readmodel import build_record

    _store_nasty_everything(store, meeting)
    snap = load_snapshot(store, meeting.id)
    assert any(control_chars(i.text) for i in snap.items)  # the rows really are nasty
    source = snap if given == "snapshot" else build_record(snap)  # a record built elsewhere
    now = START.add(hours=3)
    for fmt in pack.FORMATS:
        data = pack.render(source, fmt, now)
        text = data.decode("utf-8")
        if fmt == "csv":  # its one BOM is the file's first character, there for spreadsheets
            assert text.startswith("\ufeff") and text.count("\ufeff") == 1
            text = text[1:]
        assert not control_chars(text), (fmt, sorted(set(control_chars(text))))
        assert b"\x1b" not in data and b"\x00" not in data and b"\xc2\x9b" not in data
        if fmt in ("md", "email"):  # the words are still there
            assert "text tab" in text
        if fmt == "json":  # json.dumps would escape ESC as \u001b: check the values too
            assert "\\u00" not in text and "\\u001b" not in text.lower()
            assert not control_chars(json.dumps(json.loads(text), ensure_ascii=False))
        if fmt in ("md", "email", "json"):
            assert "\r" not in text, fmt
    assert control_chars(load_snapshot(store, meeting.id).items[0].text)  # rows left as they were


FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
]


def test_csv_has_no_formula_cells(store, meeting):
    for text in FORMULAS:  # "@SUM" would be an owner on the capture line: add the text itself
        add_item(store, meeting, "action", Capture(text=text))
    people = attendee_names(store, meeting.id)
    entry.submit(store, meeting, people, "action", "=1+2 @maria", block_id=None, by="f")
    tab = add_item(store, meeting, "action", parse_capture("placeholder", START))
    write_raw(store, Item, int(tab.id or 0), text="\t=1+1", owner="\r=2+2")
    owner = add_item(store, meeting, "action", parse_capture("placeholder two", START))
    write_raw(store, Item, int(owner.id or 0), owner="=evil()")
    data = pack.render(load_snapshot(store, meeting.id), "csv", START)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][1:3] == ["title", "owner"]
    cells = [cell for row in rows[1:] for cell in row]
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
        assert cell.lstrip()[:1] not in ("=", "+", "-", "@"), cell
    titles = [row[1] for row in rows[1:]]
    for text in FORMULAS:
        assert "'" + text in titles  # neutralised, not lost
    assert any(row[2].startswith("'=evil()") for row in rows[1:])  # flagged: not an attendee
    assert ["'=1+2", "Maria Lopez"] in [row[1:3] for row in rows[1:]]


@pytest.mark.parametrize(
    ("cell", "out"),
    [("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\t=1", "'\t=1"),
     ("\r=1", "'\r=1"), (" =1", "' =1"), ("ok", "ok"), ("", ""), ("a=1", "a=1")],
)  # fmt: skip
def test_neutralise(cell, out):
    assert neutralise(cell) == out


def test_scrub_output_keeps_line_ends_only():
    assert scrub_output("a\r\nb\x1b[31mc\x00\td\x85") == "a\r\nbc d"


async def test_notes_widget_does_not_reload_its_own_cleaned_save():
    """A pasted tab is stored as a space: when that save comes back from the store, the notes
    keep what is on screen (and the cursor) instead of reloading as if another terminal wrote."""
    from textual.app import App, ComposeResult

    from kickoff_tui.tui.widgets.notes import RunningNotes

    saved: list[str] = []

    class Notes(App[None]):
        def compose(self) -> ComposeResult:
            yield RunningNotes(lambda _block, text: saved.append(text))

    async with Notes().run_test() as pilot:
        notes = pilot.app.query_one(RunningNotes)
        notes.load(1, "")
        notes.area.insert("first\tline\r\nsecond")
        await pilot.pause()  # the Changed message marks the notes dirty
        notes.flush()
        shown, cursor = notes.area.text, notes.area.cursor_location
        stored = clean(saved[-1], multiline=True)
        assert stored != shown  # the store really holds another spelling
        notes.update_from_store(stored)
        assert notes.area.text == shown and notes.area.cursor_location == cursor
        notes.update_from_store("another terminal wrote this")
        assert notes.area.text == "another terminal wrote this"
