"""Fact words on the capture line: parsed, applied through record, read back from a real file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from sqlmodel import func, select

from kickoff_tui.core import agenda, record
from kickoff_tui.core.errors import CaptureError
from kickoff_tui.core.facts import FACT_WORDS, Fact, apply_fact, fact_word, parse_fact
from kickoff_tui.core.models import Attendee, Change, Meeting
from kickoff_tui.core.store import Store

UTC = pendulum.UTC


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open("sqlite:///" + str(tmp_path / "k.db"))
    yield s
    s.close()


def new_meeting(store: Store, start: pendulum.DateTime, tz: str) -> Meeting:
    return record.create_meeting(store, "Acme", agenda.get_template("kickoff-90"), start, tz)


@pytest.fixture
def meeting(store: Store) -> Meeting:
    # Tuesday 24 Nov 2026, 15:00 in Berlin (CET, UTC+1)
    start = pendulum.datetime(2026, 11, 24, 15, tz="Europe/Berlin")
    return new_meeting(store, start, "Europe/Berlin")


def run(store: Store, meeting: Meeting, line: str, by: str = "facilitator") -> tuple[Fact, str]:
    fact = parse_fact(line, meeting, record.attendee_names(store, meeting.id))
    return fact, apply_fact(store, meeting, fact, by=by)


def people(store: Store, meeting: Meeting) -> dict[str, Attendee]:
    return {a.name: a for a in record.load_snapshot(store, meeting.id).attendees}


def reload(store: Store, meeting: Meeting) -> Meeting:
    return record.load_snapshot(store, meeting.id).meeting


@pytest.fixture
def team(store: Store, meeting: Meeting) -> Meeting:
    record.add_attendee(store, meeting.id, "Maria Lopez", side="theirs", seniority=5)
    record.add_attendee(store, meeting.id, "Maria Chen", side="theirs", seniority=2)
    record.add_attendee(store, meeting.id, "Dev Patel", side="ours", roles=["primary-contact"])
    return meeting


def change_count(store: Store) -> int:
    """Rows in the change log (every write appends at least one, in the same transaction)."""
    with store.read() as s:
        return int(s.exec(select(func.count()).select_from(Change)).one())


def refused(store: Store, meeting: Meeting, line: str, *needles: str) -> CaptureError:
    """The line raises CaptureError mentioning every needle, and nothing is written."""
    before = change_count(store)
    with pytest.raises(CaptureError) as info:
        run(store, meeting, line)
    assert change_count(store) == before
    message = str(info.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, message
    return info.value


# --- fact words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "word"),
    [
        *((f"{w} x", w) for w in FACT_WORDS),
        ("PERSON Maria", "person"),
        ("who Maria", "person"),
        ("attendee Maria", "person"),
        ("Next: fri 10:00", "next"),
        ("next-meeting fri 10:00", "next"),
        ("firstvalue x due:fri", "first-value"),
        ("FV x due:fri", "first-value"),
        ("  cadence weekly", "cadence"),
        ("absent", "absent"),
    ],
)
def test_fact_word_and_aliases(line: str, word: str) -> None:
    assert fact_word(line) == word


@pytest.mark.parametrize(
    "line", ["", "   ", "action send it @maria", "nextweek", "person:x", "d ok"]
)
def test_not_a_fact_word(line: str) -> None:
    assert fact_word(line) is None


def test_a_line_without_a_fact_word_is_refused(store: Store, meeting: Meeting) -> None:
    refused(store, meeting, "action send it", "'action' is not a fact word", "person")


# --- person ----------------------------------------------------------------------------------


def test_person_full_form(store: Store, meeting: Meeting) -> None:
    line = "person Maria Lopez, VP Operations side:them role:decision-maker,executive-sponsor sen:5"
    before = change_count(store)
    fact, said = run(store, meeting, line, by="note-taker")
    assert fact.summary == (
        "person Maria Lopez · VP Operations · theirs · decision-maker, executive-sponsor"
        " · seniority 5"
    )
    assert "Maria Lopez" in said
    maria = people(store, meeting)["Maria Lopez"]
    assert (maria.title, maria.side, maria.seniority, maria.present) == (
        "VP Operations", "theirs", 5, True,
    )  # fmt: skip
    assert maria.role_list == ["decision-maker", "executive-sponsor"]
    assert change_count(store) > before
    with store.read() as s:
        last = s.exec(select(Change).order_by(Change.id.desc())).first()
    assert (last.table_name, last.op, last.by) == ("attendee", "insert", "note-taker")


def test_person_defaults_and_aliases(store: Store, meeting: Meeting) -> None:
    fact, _ = run(store, meeting, "who Dev Patel")
    assert fact.summary == "person Dev Patel · theirs"
    assert (fact.title, fact.roles, fact.seniority) == ("", (), None)
    run(store, meeting, "attendee Ana Ruiz, CSM, EMEA side:us roles:dm, sponsor,tech senior:3")
    dev, ana = people(store, meeting)["Dev Patel"], people(store, meeting)["Ana Ruiz"]
    assert (dev.side, dev.title, dev.roles, dev.seniority) == ("theirs", "", "", 0)
    assert (ana.side, ana.title, ana.seniority) == ("ours", "CSM, EMEA", 3)
    assert ana.role_list == ["decision-maker", "executive-sponsor", "technical-owner"]


@pytest.mark.parametrize(
    ("alias", "role"),
    [
        ("dm", "decision-maker"), ("sponsor", "executive-sponsor"), ("exec", "executive-sponsor"),
        ("tech", "technical-owner"), ("primary", "primary-contact"),
        ("escalation", "escalation-contact"), ("champion", "champion"),
        ("enduser", "end-user-rep"), ("end-user", "end-user-rep"), ("DM", "decision-maker"),
    ],
)  # fmt: skip
def test_role_aliases(store: Store, meeting: Meeting, alias: str, role: str) -> None:
    fact = parse_fact(f"person Jo role:{alias}", meeting, [])
    assert fact.roles == (role,)


@pytest.mark.parametrize(
    ("line", "needles"),
    [
        ("person Jo role:boss", ("unknown role 'boss'", "role:boss", "decision-maker")),
        ("person Jo role:dm,boss", ("unknown role 'boss'", "executive-sponsor")),
        ("person Jo side:vendor", ("unknown side 'vendor'", "side:ours or side:theirs")),
        ("person Jo sen:high", ("sen:high", "whole number", "sen:5")),
        ("person Jo sen:-1", ("sen:-1", "whole number")),
        ("person Jo side:us side:them", ("two sides", "keep one")),
        ("person Jo role:", ("role:", "role:dm")),
        ("person", ("person needs a name", "person Maria Lopez, VP Operations")),
        ("person , VP Sales side:us", ("person needs a name",)),
        ("person maria lopez, COO", ("Maria Lopez is already an attendee",)),
    ],
)
def test_person_refusals_write_nothing(
    store: Store, team: Meeting, line: str, needles: tuple[str, ...]
) -> None:
    refused(store, team, line, *needles)
    assert len(people(store, team)) == 3


def test_person_text_is_kept_verbatim(store: Store, meeting: Meeting) -> None:
    run(store, meeting, "person [bold]Zoë[/] O'Neil, Head of [/foo] Ops")
    zoe = people(store, meeting)["[bold]Zoë[/] O'Neil"]
    assert zoe.title == "Head of [/foo] Ops"


# --- role ------------------------------------------------------------------------------------


def test_role_accumulates_without_duplicates(store: Store, team: Meeting) -> None:
    fact, said = run(store, team, "role decision-maker @maria_lopez")
    assert fact.summary == "role decision-maker · Maria Lopez"
    assert fact.attendee_id == people(store, team)["Maria Lopez"].id
    assert "decision-maker" in said
    run(store, team, 'role sponsor, dm @"maria lopez"')
    assert people(store, team)["Maria Lopez"].role_list == ["decision-maker", "executive-sponsor"]
    run(store, team, "role dm @dev")  # first name, any case
    assert people(store, team)["Dev Patel"].role_list == ["primary-contact", "decision-maker"]


def test_role_already_held_writes_nothing(store: Store, team: Meeting) -> None:
    before = change_count(store)
    _, said = run(store, team, "role primary @Dev")
    assert "already" in said
    assert change_count(store) == before


@pytest.mark.parametrize(
    ("line", "needles"),
    [
        ("role dm @bob", ("'bob' is not an attendee",)),
        ("role dm @maria", ("'maria' matches 2", "Maria Lopez", "Maria Chen", "full name")),
        ("role boss @dev", ("unknown role 'boss'", "decision-maker")),
        ("role dm", ("@name", "role decision-maker @maria")),
        ("role @dev", ("role needs a role name",)),
        ("role dm @dev @maria_chen", ("two attendees",)),
        ('role dm @"Dev Patel', ("unclosed quote",)),
    ],
)
def test_role_refusals_write_nothing(
    store: Store, team: Meeting, line: str, needles: tuple[str, ...]
) -> None:
    refused(store, team, line, *needles)
    assert all(not a.role_list or a.name == "Dev Patel" for a in people(store, team).values())


# --- cadence ---------------------------------------------------------------------------------


def test_cadence_is_stored_verbatim(store: Store, meeting: Meeting) -> None:
    fact, _ = run(store, meeting, "cadence Weekly status, Tuesdays 10:00 CET, 30 min; Slack #acme")
    assert fact.summary == "cadence Weekly status, Tuesdays 10:00 CET, 30 min; Slack #acme"
    assert reload(store, meeting).cadence == fact.summary.removeprefix("cadence ")


def test_cadence_keeps_markup_looking_text(store: Store, meeting: Meeting) -> None:
    text = "[bold]Weekly[/bold] sync [/] @maria due:fri sev:high #acme \\"
    run(store, meeting, f"cadence {text}")
    assert reload(store, meeting).cadence == text


def test_internal_cadence_is_stored_with_its_tag(store: Store, meeting: Meeting) -> None:
    run(store, meeting, "cadence weekly Tuesday 10:00 #Internal")
    assert reload(store, meeting).cadence == "weekly Tuesday 10:00 #internal"
    refused(store, meeting, "cadence weekly Friday #intenral", "did you mean #internal?")
    assert reload(store, meeting).cadence == "weekly Tuesday 10:00 #internal"


def test_cadence_needs_text(store: Store, meeting: Meeting) -> None:
    refused(store, meeting, "cadence   ", "cadence needs")


# --- next meeting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "utc"),
    [
        ("next fri 10:00", pendulum.datetime(2026, 11, 27, 9, 0, tz=UTC)),  # CET = UTC+1
        ("next 2026-12-01 15:00", pendulum.datetime(2026, 12, 1, 14, 0, tz=UTC)),
        ("next tomorrow 9:30", pendulum.datetime(2026, 11, 25, 8, 30, tz=UTC)),
        ("next Dec 3 14:00", pendulum.datetime(2026, 12, 3, 13, 0, tz=UTC)),
        ("next 3 Dec 14:00", pendulum.datetime(2026, 12, 3, 13, 0, tz=UTC)),
        ("next fri 3pm", pendulum.datetime(2026, 11, 27, 14, 0, tz=UTC)),
        ("next fri 3:30pm", pendulum.datetime(2026, 11, 27, 14, 30, tz=UTC)),
        ("next fri at 12am", pendulum.datetime(2026, 11, 26, 23, 0, tz=UTC)),
        ("next fri 3 pm", pendulum.datetime(2026, 11, 27, 14, 0, tz=UTC)),
        ("next 10:00 fri", pendulum.datetime(2026, 11, 27, 9, 0, tz=UTC)),
        ("next +2w 10:00", pendulum.datetime(2026, 12, 8, 9, 0, tz=UTC)),
        ("next 2026-12-01T15:00", pendulum.datetime(2026, 12, 1, 14, 0, tz=UTC)),
        ("next-meeting today 16:30", pendulum.datetime(2026, 11, 24, 15, 30, tz=UTC)),
        ("next 2027-04-06 10:00", pendulum.datetime(2027, 4, 6, 8, 0, tz=UTC)),  # CEST = UTC+2
    ],
)
def test_next_meeting_is_read_in_the_meetings_zone(
    store: Store, meeting: Meeting, line: str, utc: pendulum.DateTime
) -> None:
    fact, _ = run(store, meeting, line)
    assert fact.when == utc
    stored = reload(store, meeting).next_meeting_utc
    assert stored == utc
    assert stored.utcoffset() == pendulum.duration(0)


def test_next_fri_summary_and_confirmation(store: Store, meeting: Meeting) -> None:
    fact, said = run(store, meeting, "next fri 10:00")
    assert fact.summary == "next meeting Fri 27 Nov 2026 10:00 (Europe/Berlin)"
    assert "Fri 27 Nov 2026 10:00" in said


def test_next_uses_the_meetings_zone_not_utc_or_local(store: Store) -> None:
    # 21:00 Monday in New York is already Tuesday in UTC: dates and times follow New York.
    start = pendulum.datetime(2026, 11, 23, 21, tz="America/New_York")
    ny = new_meeting(store, start, "America/New_York")
    fact, _ = run(store, ny, "next tomorrow 10:00")
    assert fact.when == pendulum.datetime(2026, 11, 24, 15, 0, tz=UTC)  # EST = UTC-5
    assert reload(store, ny).next_meeting_utc == pendulum.datetime(2026, 11, 24, 15, 0, tz=UTC)


@pytest.mark.parametrize(
    ("line", "needles"),
    [
        ("next fri", ("add a time like 10:00",)),
        ("next Dec 3", ("add a time like 10:00", "Dec 3")),
        ("next", ("next needs a date and a time",)),
        ("next 10:00", ("date", "next fri 10:00")),
        ("next someday 10:00", ("unknown date 'someday'", "2026-12-01")),
        ("next 2026-02-30 10:00", ("no such date '2026-02-30'",)),
        ("next Nov 31 10:00", ("no such date",)),
        ("next fri 25:00", ("no such time '25:00'", "10:00")),
        ("next fri 10:75", ("no such time",)),
        ("next fri 13pm", ("no such time '13pm'",)),
        ("next fri 10:00 11:00", ("two times",)),
        ("next today 9:00", ("before this meeting",)),
        ("next 2026-11-01 10:00", ("before this meeting",)),
    ],
)
def test_next_refusals_write_nothing(
    store: Store, meeting: Meeting, line: str, needles: tuple[str, ...]
) -> None:
    refused(store, meeting, line, *needles)
    assert reload(store, meeting).next_meeting_utc is None


# --- first value -----------------------------------------------------------------------------


def test_first_value(store: Store, meeting: Meeting) -> None:
    fact, said = run(store, meeting, "first-value Dashboard live for the ops team due:Dec 4")
    assert (fact.goal, fact.date, fact.warnings) == (
        "Dashboard live for the ops team", pendulum.date(2026, 12, 4), (),
    )  # fmt: skip
    assert fact.summary == "first value Dashboard live for the ops team · due Fri 4 Dec 2026"
    assert "Fri 4 Dec 2026" in said
    m = reload(store, meeting)
    assert (m.first_value_goal, m.first_value_date) == (
        "Dashboard live for the ops team", pendulum.date(2026, 12, 4),
    )  # fmt: skip


def test_first_value_aliases_markup_and_late_warning(store: Store, meeting: Meeting) -> None:
    fact, said = run(store, meeting, "fv due:+3w [b]SSO[/b] live [/]")
    assert fact.goal == "[b]SSO[/b] live [/]"
    assert fact.date == pendulum.date(2026, 12, 15)
    assert fact.warnings and "under two weeks" in fact.warnings[0]
    assert "under two weeks" in said
    assert reload(store, meeting).first_value_goal == "[b]SSO[/b] live [/]"


@pytest.mark.parametrize(
    ("line", "needles"),
    [
        ("first-value Dashboard live", ("due:", "first-value Dashboard live for the ops team")),
        ("firstvalue Dashboard due:someday", ("unknown date 'someday'",)),
        ("fv Dashboard due:2026-02-30", ("no such date",)),
        ("fv due:fri", ("needs the goal",)),
        ("fv", ("needs the goal",)),
        ("fv Dashboard @dev due:fri", ("@owner",)),
    ],
)
def test_first_value_refusals_write_nothing(
    store: Store, team: Meeting, line: str, needles: tuple[str, ...]
) -> None:
    refused(store, team, line, *needles)
    m = reload(store, team)
    assert (m.first_value_goal, m.first_value_date) == (None, None)


# --- presence --------------------------------------------------------------------------------


def test_absent_then_present(store: Store, team: Meeting) -> None:
    fact, said = run(store, team, "absent @dev")
    assert (fact.summary, fact.name) == ("absent Dev Patel", "Dev Patel")
    assert "Dev Patel" in said
    assert people(store, team)["Dev Patel"].present is False
    run(store, team, "present Maria Lopez")  # a bare full name reads naturally too
    run(store, team, 'absent @"maria lopez"')
    assert people(store, team)["Maria Lopez"].present is False
    run(store, team, "PRESENT @Dev.")
    assert people(store, team)["Dev Patel"].present is True


@pytest.mark.parametrize(
    ("line", "needles"),
    [
        ("absent @bob", ("'bob' is not an attendee",)),
        ("absent @maria", ("matches 2 attendees",)),
        ("absent maria", ("matches 2 attendees",)),
        ("absent", ("absent needs the person", "absent @maria")),
        ("absent @dev and maria", ("one person per line",)),
    ],
)
def test_presence_refusals_write_nothing(
    store: Store, team: Meeting, line: str, needles: tuple[str, ...]
) -> None:
    refused(store, team, line, *needles)
    assert all(a.present for a in people(store, team).values())


# --- headless --------------------------------------------------------------------------------


def test_facts_module_imports_no_textual() -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    code = "import sys, kickoff_tui.core.facts; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0
