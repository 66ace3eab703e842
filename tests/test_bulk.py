"""Cost grows linearly (issue 17, point 8): ``import_lines`` validates every line first, then
writes them all with bulk inserts in one transaction — still all or nothing, every row in the
change feed — on SQLite and PostgreSQL. And the capture grammar gets through 10,000-character
worst cases (the figures are in benchmarks/bench_bulk.py; no timing here)."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import text as sql
from sqlmodel import col, select

from kickoff_tui.core.capture import parse_capture
from kickoff_tui.core.errors import CaptureError, KickoffError
from kickoff_tui.core.models import Change, Item
from kickoff_tui.core.record import add_item, import_lines, list_items, parse_line
from tests.conftest import START
from tests.dbutil import dump

LINES = [f"Send checklist {n} @maria due:fri sev:high side:them" for n in range(5_000)]
COMPARED = ("meeting_id", "kind", "text", "owner", "owner_attendee_id", "owner_known", "due",
            "severity", "side", "decided_by", "status", "internal", "block_id", "captured_by",
            "version", "deleted")  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


def test_bulk_rows_are_exactly_what_one_capture_saves(store, meeting):
    line = "Share API keys @maria due:fri sev:high side:them #internal"
    one = add_item(store, meeting, "decision", parse_line(store, meeting, line))
    [bulk_id] = import_lines(store, meeting, "decision", [line])
    with store.read() as s:
        bulk = s.get(Item, bulk_id)
    assert bulk is not None
    assert {k: getattr(bulk, k) for k in COMPARED} == {k: getattr(one, k) for k in COMPARED}
    assert bulk.created_at == bulk.updated_at and bulk.created_at.tzinfo is not None


@pytest.mark.slow  # real processes: the full suite runs it
def test_thousands_of_lines_land_in_order_with_one_change_each(store, meeting):
    before = store.latest_change_id(meeting.id)
    ids = import_lines(store, meeting, "action", ["", *LINES, "   "], by="bulk")
    assert len(ids) == len(LINES) and ids == sorted(ids) and len(set(ids)) == len(ids)
    items = list_items(store, meeting.id, "action")
    assert [i.id for i in items] == ids
    assert [i.text for i in items] == [f"Send checklist {n}" for n in range(len(LINES))]
    assert {(i.owner, i.severity, i.side, str(i.due)) for i in items} == {
        ("Maria Lopez", "high", "theirs", "2026-11-27")  # side:them, in the vocab's spelling
    }
    changes = store.changes_since(before, meeting.id)
    assert [c.row_id for c in changes] == [str(i) for i in ids]
    assert {(c.table_name, c.op, c.by) for c in changes} == {("item", "insert", "bulk")}


def test_a_bad_line_anywhere_saves_nothing(store, meeting, db_url):
    before = dump(db_url)
    lines = [*LINES, "the last one due:someday"]
    with pytest.raises(CaptureError, match=f"line {len(lines)}: .*nothing was saved"):
        import_lines(store, meeting, "action", lines)
    assert dump(db_url) == before


def test_a_write_failing_in_a_later_batch_rolls_back_every_batch(store, meeting, db_url):
    """The third batch of 2,000 hits a trigger that aborts the insert: all or nothing."""
    if store.is_sqlite:
        trigger = ("CREATE TRIGGER boom BEFORE INSERT ON item WHEN NEW.text = 'boom' "
                   "BEGIN SELECT RAISE(ABORT, 'boom'); END")  # fmt: skip
        ddl = [trigger]
    else:
        ddl = [
            "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.text = 'boom' THEN "
            "RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER boom BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION boom()",
        ]
    with store.engine.begin() as conn:
        for statement in ddl:
            conn.execute(sql(statement))
    before = dump(db_url)
    lines = [*LINES[:4_500], "boom", *LINES[4_500:]]
    with pytest.raises(Exception, match="boom"):
        import_lines(store, meeting, "action", lines)
    assert dump(db_url) == before


def test_another_terminal_sees_every_bulk_item_in_its_feed(store, meeting, db_url):
    from kickoff_tui.core.store import Store

    other = Store.open(db_url)
    feed = other.feed(meeting.id)
    feed.poll()
    ids = import_lines(store, meeting, "risk", LINES[:3_000])
    seen = feed.poll(force=True)
    assert [int(c.row_id) for c in seen] == ids
    feed.close()
    other.close()


def test_an_item_saved_after_a_bulk_import_gets_the_next_id(store, meeting):
    ids = import_lines(store, meeting, "action", LINES[:2_500])
    item = add_item(store, meeting, "action", parse_line(store, meeting, "after"))
    assert item.id is not None and item.id > ids[-1]
    with store.read() as s:
        n = s.exec(select(Change).where(col(Change.row_id) == str(item.id))).all()
    assert len(n) == 1


# --- long lines -----------------------------------------------------------------------------


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


#: Shapes that would make a backtracking tokenizer or a per-token rescan quadratic.
WORST = {
    "words": lambda n: _fill("lorem ipsum dolor ", n),
    "one word": lambda n: _fill("x", n),
    "unclosed quote": lambda n: 'Text @"' + _fill("a ", n - 7),
    "quotes, no spaces": lambda n: "Text " + _fill('@"', n - 5),
    "quote pairs": lambda n: "Text " + _fill('@"x"y ', n - 5),
    "lone @s": lambda n: "Text " + _fill("@ ", n - 5),
    "trailing dots": lambda n: "Text @maria" + _fill(".", n - 11),
    "many #internal": lambda n: "Text " + _fill("#internal ", n - 5),
    "colons": lambda n: "Text due:" + _fill(":", n - 9),
    "digits": lambda n: "Text due:+" + _fill("1", n - 11) + "d",
}


def _calls(fn) -> int:
    """How many Python-level calls ``fn`` makes (a deterministic measure of work)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(tracer)
    try:
        fn()
    except KickoffError:
        pass
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("shape", list(WORST))
def test_a_10000_character_line_is_parsed_and_the_work_grows_linearly(shape):
    people = [(1, "Maria Lopez")]
    line = WORST[shape](10_000)
    assert len(line) == 10_000
    try:
        c = parse_capture(line, START, people, tz="Europe/Berlin")
    except KickoffError as exc:  # refused is an answer too (a length limit, two owners...)
        assert str(exc).count("\n") == 0
    else:
        assert c.text
    small = _calls(lambda: parse_capture(WORST[shape](5_000), START, people, tz="Europe/Berlin"))
    large = _calls(lambda: parse_capture(WORST[shape](20_000), START, people, tz="Europe/Berlin"))
    assert large <= 4.5 * small + 50, (small, large)  # 4x the input: about 4x the calls
