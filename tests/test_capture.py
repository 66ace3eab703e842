"""Quick capture: dates against the meeting's local date, owners, tokens, verbatim text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kickoff_tui.core.capture import (
    ITEM_KINDS,
    KIND_ALIASES,
    Capture,
    describe,
    normalize_kind,
    parse_capture,
    resolve_date,
)
from kickoff_tui.core.errors import CaptureError, InputError
from kickoff_tui.core.text import clean

D = pendulum.date
MON = pendulum.datetime(2026, 11, 23, 15, 0, tz="UTC")  # Monday 23 Nov 2026
FRI = pendulum.datetime(2026, 11, 27, 15, 0, tz="UTC")  # Friday 27 Nov 2026
SUN = pendulum.datetime(2026, 11, 29, 15, 0, tz="UTC")  # Sunday 29 Nov 2026
ATTENDEES = [(1, "Maria Lopez"), (2, "Dev Patel"), (3, "Maria Chen"), (4, "Jo"), (5, "Jo Smith")]


def due(token: str, start: pendulum.DateTime = MON, tz: str | None = None) -> pendulum.Date:
    return parse_capture(f"ship it due:{token}", start, tz=tz).due


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "mon", "fri", "sun"),
    [
        ("today", D(2026, 11, 23), D(2026, 11, 27), D(2026, 11, 29)),
        ("tomorrow", D(2026, 11, 24), D(2026, 11, 28), D(2026, 11, 30)),
        ("mon", D(2026, 11, 30), D(2026, 11, 30), D(2026, 11, 30)),
        ("monday", D(2026, 11, 30), D(2026, 11, 30), D(2026, 11, 30)),
        ("tue", D(2026, 11, 24), D(2026, 12, 1), D(2026, 12, 1)),
        ("wednesday", D(2026, 11, 25), D(2026, 12, 2), D(2026, 12, 2)),
        ("thu", D(2026, 11, 26), D(2026, 12, 3), D(2026, 12, 3)),
        ("fri", D(2026, 11, 27), D(2026, 12, 4), D(2026, 12, 4)),
        ("FRIDAY", D(2026, 11, 27), D(2026, 12, 4), D(2026, 12, 4)),
        ("sat", D(2026, 11, 28), D(2026, 11, 28), D(2026, 12, 5)),
        ("sun", D(2026, 11, 29), D(2026, 11, 29), D(2026, 12, 6)),
        ("+3d", D(2026, 11, 26), D(2026, 11, 30), D(2026, 12, 2)),
        ("+0d", D(2026, 11, 23), D(2026, 11, 27), D(2026, 11, 29)),
        ("+2w", D(2026, 12, 7), D(2026, 12, 11), D(2026, 12, 13)),
        ("eow", D(2026, 11, 27), D(2026, 11, 27), D(2026, 12, 4)),
        ("EOM", D(2026, 11, 30), D(2026, 11, 30), D(2026, 11, 30)),
        ("2026-12-01", D(2026, 12, 1), D(2026, 12, 1), D(2026, 12, 1)),
        ("Dec 1", D(2026, 12, 1), D(2026, 12, 1), D(2026, 12, 1)),
        ("1 Dec", D(2026, 12, 1), D(2026, 12, 1), D(2026, 12, 1)),
        ("December 1st", D(2026, 12, 1), D(2026, 12, 1), D(2026, 12, 1)),
        ("nov 27", D(2026, 11, 27), D(2026, 11, 27), D(2027, 11, 27)),  # passed -> next year
        ("Jan 5", D(2027, 1, 5), D(2027, 1, 5), D(2027, 1, 5)),
        ("feb 29", D(2028, 2, 29), D(2028, 2, 29), D(2028, 2, 29)),  # next leap year
    ],
)
def test_every_date_form_on_monday_friday_and_sunday_meetings(token, mon, fri, sun):
    assert (due(token, MON), due(token, FRI), due(token, SUN)) == (mon, fri, sun)


def test_two_word_date_is_consumed_and_the_rest_stays_text():
    c = parse_capture("send deck due:Dec 1 to the team", MON)
    assert c.due == D(2026, 12, 1)
    assert c.text == "send deck to the team"
    assert parse_capture("send deck due:1 Dec, please", MON).text == "send deck please"


def test_auckland_meeting_is_already_the_next_day_locally():
    start = pendulum.datetime(2026, 11, 24, 23, 30, tz="UTC")  # Wed 25 Nov in Auckland
    assert due("today", start, "Pacific/Auckland") == D(2026, 11, 25)
    assert due("today", start) == D(2026, 11, 24)  # own zone (UTC) without tz
    assert due("tomorrow", start, "Pacific/Auckland") == D(2026, 11, 26)
    assert due("wed", start, "Pacific/Auckland") == D(2026, 12, 2)  # strictly after Wed 25
    assert due("wed", start) == D(2026, 11, 25)


def test_los_angeles_meeting_is_still_the_previous_day_locally():
    start = pendulum.datetime(2026, 11, 25, 1, 0, tz="UTC")  # Tue 24 Nov 17:00 in LA
    assert due("today", start, "America/Los_Angeles") == D(2026, 11, 24)
    assert due("+3d", start, "America/Los_Angeles") == D(2026, 11, 27)
    assert due("tue", start, "America/Los_Angeles") == D(2026, 12, 1)
    dec_1_utc = pendulum.datetime(2026, 12, 1, 3, 0, tz="UTC")  # still 30 Nov in LA
    assert due("eom", dec_1_utc, "America/Los_Angeles") == D(2026, 11, 30)


def test_meeting_start_in_its_own_zone_is_used_when_tz_is_none():
    start = pendulum.datetime(2026, 11, 25, 8, 0, tz="Pacific/Auckland")  # UTC is still Nov 24
    assert due("today", start) == D(2026, 11, 25)


def test_dates_follow_the_meeting_not_today():
    old = pendulum.datetime(2020, 3, 2, 10, tz="UTC")  # Monday
    assert due("fri", old) == D(2020, 3, 6)
    assert due("Feb 29", old) == D(2024, 2, 29)


@pytest.mark.parametrize(
    "token", ["frdy", "next week", "+1m", "+d", "12/01/2026", "Dec", "1", "Dec 32", "feb 30"]
)
def test_unknown_or_impossible_dates_name_the_token(token):
    with pytest.raises(CaptureError) as err:
        parse_capture(f"x due:{token}", MON)
    assert token.split()[0] in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_date_message_lists_the_accepted_forms():
    with pytest.raises(CaptureError) as err:
        parse_capture("x due:frdy", MON)
    assert str(err.value) == (
        "unknown date 'frdy' in due:frdy — use today, tomorrow, a weekday (fri), +3d, +2w, "
        "eow, eom, 2026-12-01 or Dec 1"
    )
    assert err.value.token == "frdy"
    assert isinstance(err.value, InputError)


@pytest.mark.parametrize("line", ["x due:2026-02-30", "x due:2026-13-01", "x due:+99999999999d"])
def test_invalid_iso_and_overflow_are_capture_errors(line):
    with pytest.raises(CaptureError):
        parse_capture(line, MON)


def test_empty_due_is_an_error_even_when_a_date_follows_after_a_space():
    for line in ["x due:", "x due: fri"]:
        with pytest.raises(CaptureError, match="due: needs a date"):
            parse_capture(line, MON)


def test_past_iso_date_is_kept_with_a_warning():
    c = parse_capture("x due:2026-01-01", MON)
    assert c.due == D(2026, 1, 1)
    assert c.warnings == ("due Thu 1 Jan 2026 is before the meeting — check the date",)


# --- owners ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "name", "aid"),
    [
        ("@dev", "Dev Patel", 2),
        ("@DEV", "Dev Patel", 2),
        ("@dev_patel", "Dev Patel", 2),
        ("@Maria_Lopez", "Maria Lopez", 1),
        ('@"maria chen"', "Maria Chen", 3),
        ("@jo", "Jo", 4),  # a full-name match beats the first name of "Jo Smith"
        ("@dev,", "Dev Patel", 2),
    ],
)
def test_owner_matches_one_attendee(token, name, aid):
    c = parse_capture(f"send deck {token} by friday", MON, ATTENDEES)
    assert (c.owner, c.owner_attendee_id, c.owner_known, c.warnings) == (name, aid, True, ())
    assert c.text == "send deck by friday"


def test_unknown_owner_is_kept_and_flagged():
    c = parse_capture("call legal @bob_jones", MON, ATTENDEES)
    assert (c.owner, c.owner_attendee_id, c.owner_known) == ("bob jones", None, False)
    assert c.warnings == ("owner 'bob jones' is not an attendee",)
    assert describe(c) == "owner bob jones (not an attendee)"


def test_ambiguous_first_name_is_an_error_naming_both_and_how_to_pick():
    with pytest.raises(CaptureError) as err:
        parse_capture("@maria send deck", MON, ATTENDEES)
    assert str(err.value) == (
        "owner @maria matches 2 attendees: Maria Lopez, Maria Chen — type the full name in "
        'quotes: @"Maria Lopez" or @"Maria Chen"'
    )
    assert err.value.token == "@maria"
    c = parse_capture('@"Maria Chen" send deck', MON, ATTENDEES)
    assert (c.owner, c.owner_attendee_id, c.owner_known) == ("Maria Chen", 3, True)


def test_two_owners_is_an_error():
    with pytest.raises(CaptureError, match="two owners"):
        parse_capture("@dev and @maria_lopez", MON, ATTENDEES)


def test_email_and_lone_at_are_plain_text():
    c = parse_capture("mail bob@example.com @ noon", MON, ATTENDEES)
    assert (c.text, c.owner) == ("mail bob@example.com @ noon", None)


@pytest.mark.parametrize("line", ['x @"Maria Lopez', 'x @""', 'x @"Maria"Lopez'])
def test_broken_quoted_owner_is_an_error(line):
    with pytest.raises(CaptureError):
        parse_capture(line, MON, ATTENDEES)


# --- sev, side, #internal, kinds ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("high", "high"),
        ("H", "high"),
        ("medium", "medium"),
        ("med", "medium"),
        ("m", "medium"),
        ("low", "low"),
        ("l", "low"),
    ],
)
def test_severity_forms(token, value):
    assert parse_capture(f"x sev:{token}", MON).severity == value


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("us", "ours"),
        ("ours", "ours"),
        ("we", "ours"),
        ("THEM", "theirs"),
        ("theirs", "theirs"),
        ("you", "theirs"),
        ("client", "theirs"),
        ("Customer", "theirs"),
    ],
)
def test_side_forms(token, value):
    assert parse_capture(f"x side:{token}", MON).side == value


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("x sev:urgent", "unknown severity 'urgent' in sev:urgent"),
        ("x sev:", "sev:high"),
        ("x side:both", "unknown side 'both' in side:both"),
        ("x sev:h sev:l", "two severities"),
        ("x side:us side:them", "two sides"),
        ("x due:fri due:mon", "two due dates"),
    ],
)
def test_bad_or_repeated_values_are_errors(line, needle):
    with pytest.raises(CaptureError) as err:
        parse_capture(line, MON)
    assert needle in str(err.value)


def test_internal_tag_is_removed_other_hashtags_stay():
    c = parse_capture("budget is tight #internal #pricing", MON)
    assert (c.text, c.internal) == ("budget is tight #pricing", True)
    with pytest.raises(CaptureError, match=r"did you mean #internal\?"):
        parse_capture("see #internals doc", MON)
    c = parse_capture("see \\#internals doc", MON)
    assert (c.text, c.internal) == ("see #internals doc", False)


@pytest.mark.parametrize("tag", ["#internal", "#Internal", "#INTERNAL", "#internal."])
def test_internal_tag_any_case(tag):
    assert parse_capture(f"margin check {tag}", MON).internal


@pytest.mark.parametrize("typo", ["#intenral", "#interal", "#Internl", "#innternal"])
def test_tag_typos_are_refused(typo):
    with pytest.raises(CaptureError) as err:
        parse_capture(f"margin check {typo} @maria_lopez", MON, ATTENDEES)
    assert "did you mean #internal?" in str(err.value)
    assert err.value.token == typo


def test_kind_words_only_with_allow_kind():
    assert parse_capture("note foo", MON, allow_kind=True) == Capture(text="foo", kind="note")
    assert parse_capture("Risks: SSO may slip", MON, allow_kind=True).kind == "risk"
    assert (
        parse_capture("out-of-scope analytics module", MON, allow_kind=True).kind == "out-of-scope"
    )
    # Short aliases never lead a line: they read as ordinary words.
    assert parse_capture("out analytics module", MON, allow_kind=True).kind is None
    assert parse_capture("a new dashboard", MON, allow_kind=True).text == "a new dashboard"
    c = parse_capture("note foo", MON)
    assert (c.kind, c.text) == (None, "note foo")
    assert parse_capture("send note", MON, allow_kind=True).kind is None  # first word only


def test_normalize_kind_and_aliases():
    assert all(normalize_kind(k) == k for k in ITEM_KINDS)
    assert normalize_kind("A") == "action"
    assert normalize_kind("scope-out") == "out-of-scope"
    assert normalize_kind("ms") == "milestone"
    assert normalize_kind("Milestones") == "milestone"
    assert normalize_kind("banana") is None
    assert set(KIND_ALIASES.values()) == set(ITEM_KINDS)


@pytest.mark.parametrize("line", ["", "   ", "@dev due:fri", "#internal sev:h", "note"])
def test_nothing_to_capture(line):
    with pytest.raises(CaptureError, match="nothing to capture"):
        parse_capture(line, MON, ATTENDEES, allow_kind=True)


def test_markup_looking_text_survives_unchanged():
    line = "[bold]todo[/bold] [x] check | pipes #tag [/foo] \\[esc] [link=http://x]y[/link]"
    c = parse_capture(f"{line} @dev sev:h", MON, ATTENDEES)
    assert c.text == line


def test_whitespace_is_collapsed_and_the_rest_is_verbatim():
    assert parse_capture("  Ask   them\tabout  SSO?\n ", MON).text == "Ask them about SSO?"


def test_describe_full_preview():
    line = "action send deck @maria_lopez due:fri sev:h side:them #internal"
    c = parse_capture(line, MON, ATTENDEES, allow_kind=True)
    assert describe(c) == (
        "action · owner Maria Lopez · due Fri 27 Nov 2026 · sev high · side theirs · internal"
    )
    assert describe(parse_capture("plain", MON)) == ""


def test_module_is_headless():
    code = "import sys, kickoff_tui.core.capture; sys.exit('textual' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    paths = [str(root), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


# --- properties ------------------------------------------------------------------------------

BASE_DATES = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)).map(
    lambda d: pendulum.date(d.year, d.month, d.day)
)
ZONES = st.sampled_from([None, "UTC", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata"])
STARTS = st.datetimes(
    min_value=pendulum.datetime(2000, 1, 1).naive(), max_value=pendulum.datetime(2090, 1, 1).naive()
).map(lambda d: pendulum.instance(d, tz="UTC"))
TOKENISH = st.sampled_from(
    [
        "@maria",
        "@dev",
        '@"Maria Lopez"',
        '@"',
        "due:",
        "due:fri",
        "due:Dec",
        "1",
        "Dec",
        "sev:",
        "sev:h",
        "side:",
        "side:x",
        "#internal",
        "note",
        "+3d",
        "due:+999999999w",
        "due:2026-02-30",
        "[bold]",
        "@",
        "|",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=12), TOKENISH), max_size=8).map(" ".join)


@settings(max_examples=400)
@given(line=st.one_of(st.text(), TEXT), start=STARTS, tz=ZONES, allow_kind=st.booleans())
@pytest.mark.slow  # real processes: the full suite runs it
def test_property_only_capture_errors(line, start, tz, allow_kind):
    try:
        c = parse_capture(line, start, ATTENDEES, allow_kind=allow_kind, tz=tz)
    except CaptureError as err:
        assert str(err) and "\n" not in str(err)
    else:
        assert c.text and c.text == " ".join(c.text.split())
        describe(c)


def _tokenless(word: str) -> bool:
    """Not a token, nor an escape of one (``\\#word``, ``\\esc`` lose their backslash)."""
    low = word.lower()
    if word.startswith("\\") or low.rstrip(".,;!?") == "esc":
        return False
    return not re.match(r"(due|sev|side|status|mit|esc)", low) or ":" not in low


@given(st.text().filter(lambda s: "@" not in s and "#internal" not in s.lower()))
def test_property_plain_text_round_trips(line):
    """Plain text is kept as typed once cleaned (core/text.py: controls out, NFC), only its
    whitespace collapsed."""
    words = clean(line).split()
    if not words or not all(_tokenless(w) for w in words):
        return
    assert parse_capture(line, MON).text == " ".join(words)


@given(base=BASE_DATES, n=st.integers(min_value=0, max_value=1826))
def test_property_plus_days(base, n):
    assert resolve_date(f"+{n}d", base) == base.add(days=n)
    if n <= 260:
        assert resolve_date(f"+{n}w", base) == base.add(weeks=n)


@given(base=BASE_DATES, n=st.integers(min_value=1, max_value=10**12))
def test_property_more_than_five_years_out_is_an_error(base, n):
    days = (base.add(years=5) - base).days + n
    with pytest.raises(CaptureError, match=rf"due:\+{days}d .*more than 5 years after"):
        resolve_date(f"+{days}d", base)


WEEKDAY_WORDS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "Monday", "SUNDAY"]


@given(base=BASE_DATES, word=st.sampled_from(WEEKDAY_WORDS))
def test_property_weekday_is_strictly_after_and_within_a_week(base, word):
    found = resolve_date(word, base)
    assert base < found <= base.add(days=7)
    assert found.format("ddd").lower() == word[:3].lower()
