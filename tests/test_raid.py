"""RAID complete (issue 10 point 2): ``mit:"…"`` sets a risk's mitigation, ``esc`` or
``esc:@name`` flags an escalation; assumptions and deviations are kinds of their own. They show
in the record and the checks; the client email carries assumptions but never a deviation, a
mitigation, an escalation or anything #internal."""

from __future__ import annotations

import pendulum
import pytest

from kickoff_tui.core import entry
from kickoff_tui.core.capture import describe, parse_capture
from kickoff_tui.core.checks import run_checks
from kickoff_tui.core.errors import CaptureError
from kickoff_tui.core.export.pack import render
from kickoff_tui.core.readmodel import build_record, client_view
from kickoff_tui.core.record import add_item, list_items, load_snapshot, parse_line
from kickoff_tui.core.vocab import ITEM_KINDS, Kind
from tests.conftest import START

PEOPLE = [(1, "Maria Lopez"), (2, "Sam Patel")]


def parse(line: str, **kw):
    return parse_capture(line, START, PEOPLE, tz="Europe/Berlin", **kw)


def test_mitigation_and_escalation_in_the_grammar():
    c = parse('SSO may slip @maria sev:high mit:"Start the questionnaire now." esc:@sam')
    assert (c.text, c.owner, c.severity) == ("SSO may slip", "Maria Lopez", "high")
    assert (c.mitigation, c.escalated, c.escalated_to) == (
        "Start the questionnaire now.", True, "Sam Patel"
    )  # fmt: skip
    assert describe(c) == (
        "owner Maria Lopez · sev high · mitigation Start the questionnaire now. · escalated to "
        "Sam Patel"
    )
    c = parse('risk budget freeze MIT:"Ask the CFO" ESC.', allow_kind=True)
    assert (c.kind, c.text, c.mitigation, c.escalated, c.escalated_to) == (
        "risk", "budget freeze", "Ask the CFO", True, None
    )  # fmt: skip
    assert parse("x mit:weekly").mitigation == "weekly"
    assert parse('x esc:@"Sam Patel"').escalated_to == "Sam Patel"
    assert parse("press \\esc to close").text == "press esc to close"
    # A bare esc is the flag only among the tokens at the end: inside the text it is a word.
    for line in ("Fix the Esc key handler", "Press esc to cancel the dialog"):
        c = parse(line)
        assert (c.text, c.escalated) == (line, False)
    assert parse("Vendor may slip esc sev:high #internal").escalated
    unknown = parse("x esc:@zoe")
    assert unknown.escalated_to == "zoe" and "not an attendee" in unknown.warnings[0]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('x mit:"never closed', "unclosed quote"),
        ('x mit:""', "empty mitigation"),
        ("x mit:a mit:b", "two mitigations"),
        ("x esc esc:@sam", "two escalations"),
        ("x esc:sam", "esc:@name"),
        ('x mit:"a"b', "add a space"),
    ],
)
def test_bad_mitigation_or_escalation_is_refused(line, says):
    with pytest.raises(CaptureError, match=says):
        parse(line)


def test_assumption_and_deviation_are_kinds():
    assert {"assumption", "deviation"} <= set(ITEM_KINDS)
    assert Kind.parse("assumptions") is Kind.ASSUMPTION and Kind.parse("dev") is Kind.DEVIATION
    assert parse("assumption SSO is Azure AD", allow_kind=True).kind == "assumption"


def test_an_edited_line_keeps_mitigation_and_escalation(store, meeting):
    c = parse_line(store, meeting, 'SSO may slip @dana mit:"Start now" esc:@sam')
    item = add_item(store, meeting, "risk", c)
    line = entry.to_line(item)
    assert line == 'SSO may slip @"Dana Kim" mit:"Start now" esc:@"Sam Patel"'
    people = [(a.id, a.name) for a in load_snapshot(store, meeting.id).attendees]
    saved = entry.submit(store, meeting, people, "deviation", line + " sev:high", block_id=None,
                         by="cli", editing=item)  # fmt: skip
    assert saved.item is not None
    (again,) = list_items(store, meeting.id)
    assert (again.kind, again.mitigation, again.escalated_to, again.severity) == (
        "deviation", "Start now", "Sam Patel", "high"
    )  # fmt: skip


def test_record_email_and_checks(store, meeting):
    m = meeting
    for kind, line in (
        ("risk", 'Security review may take 6 weeks @dana mit:"Book the review slot now" esc'),
        ("risk", "Go-live slips past Q1 sev:high esc:@sam"),
        ("assumption", "Customer provides test data by week 2"),
        ("deviation", "Sponsor missing from the kickoff @sam"),
        ("deviation", "Scope conflict on reporting esc"),
        ("assumption", "Our margin assumes no custom work #internal"),
    ):
        add_item(store, m, kind, parse_line(store, m, line))
    snap = load_snapshot(store, m.id)
    now = pendulum.now("UTC")
    md = render(snap, "md", now).decode()
    assert "| Book the review slot now | yes |" in md
    assert "| to Sam Patel |" in md
    assert "## Deviations" in md and "Sponsor missing from the kickoff" in md
    assert "### Assumptions" in md and "Customer provides test data by week 2" in md

    email = render(snap, "email", now).decode()
    assert "Customer provides test data by week 2" in email
    for secret in ("Book the review slot now", "Sponsor missing", "Scope conflict",
                   "custom work", "escalat"):  # fmt: skip
        assert secret not in email, secret
    client = client_view(build_record(snap))
    assert not client.items_of("deviation")
    assert not hasattr(client.items[0], "mitigation") and not hasattr(client.items[0], "escalated")

    found = {(f.id, f.severity, f.message.split('"')[1]) for f in run_checks(snap, now)
             if f.id in ("escalated-no-owner", "deviation-no-owner")}  # fmt: skip
    assert found == {
        ("escalated-no-owner", "blocking", "Go-live slips past Q1"),
        ("escalated-no-owner", "blocking", "Scope conflict on reporting"),
    }
