"""Invitations (issue 11 part 4): `kickoff invite` writes an RFC 5322 message to the customer's
attendees and an .ics REQUEST with ORGANIZER, one ATTENDEE per invitee and a VTIMEZONE, parsed
back here with `email` and `icalendar`; nothing internal reaches them; `--internal` writes the
brief for our side; writing records the time for the readiness gate."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import icalendar
import pendulum
import pytest

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.handoff import import_handoff, read_file
from kickoff_tui.core.record import add_item, create_meeting, load_snapshot, parse_line
from tests.dbutil import run_cli as kickoff

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "handoff-example.toml"
START = pendulum.datetime(2026, 12, 1, 15, tz="Europe/Berlin")


@pytest.fixture
def acme(store, tmp_path):
    m = create_meeting(store, "Acme Corp", get_template("kickoff-play"), START, "Europe/Berlin")
    text = (
        EXAMPLE.read_text(encoding="utf-8").replace(
            'title = "IT Security Lead"', 'title = "IT Security Lead zqxtitle #internal"'
        )
        + '\n[[attendees]]\nname = "Ola Nordmann"\nside = "theirs"\nroles = ["end-user-rep"]\n'
    )
    path = tmp_path / "handoff.toml"
    path.write_text(text, encoding="utf-8")
    import_handoff(store, m.id, read_file(path))
    add_item(store, m, "objective", parse_line(store, m, "zqxobjective margin target #internal"))
    return m


def test_customer_invitation_parsed_back(store, acme, db_url, tmp_path):
    out = tmp_path / "out"
    r = kickoff("invite", acme.id, "-o", str(out), "--db", db_url)
    assert r.returncode == 0, r.stderr
    assert "no email for Ola Nordmann: not invited" in r.stderr
    eml, ics = out / f"{acme.id}-invite.eml", out / f"{acme.id}-invite.ics"
    assert eml.is_file() and ics.is_file() and eml.stat().st_mode & 0o777 == 0o600
    raw = eml.read_bytes() + ics.read_bytes()
    # Internal: a title/note, an objective, a risk's mitigation. None may reach the customer.
    assert b"zqx" not in raw and b"security pack 48 h" not in raw

    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert [a.addr_spec for a in msg["To"].addresses] == [
        "maria.lopez@acme.example", "dana.kim@acme.example", "lee.wong@acme.example"]  # fmt: skip
    assert [a.addr_spec for a in msg["Cc"].addresses] == ["sam.patel@example.com"]
    assert str(msg["From"]) == "Sam Patel <sam.patel@example.com>"
    body = msg.get_body(("plain",)).get_content()
    assert "Tuesday 1 December 2026, 15:00–16:30 CET (Europe/Berlin), 90 minutes" in body
    assert "15:00 Introductions (10 min)" in body  # agenda with times in the meeting's zone
    assert "Cut qualified-lead-to-close" in body  # goals: the objectives
    assert "Maria Lopez (VP Sales Operations): confirms scope" in body  # who, and why
    assert "Lee Wong: is the path" in body  # the internal title is left out
    assert "Draft success plan (shared folder)" in body  # pre-reads
    (att,) = list(msg.iter_attachments())
    assert att.get_content_type() == "text/calendar" and att.get_param("method") == "REQUEST"

    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    assert str(cal["METHOD"]) == "REQUEST"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    (event,) = cal.walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:sam.patel@example.com"
    assert event["ORGANIZER"].params["CN"] == "Sam Patel"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert sorted(attendees) == ["mailto:dana.kim@acme.example", "mailto:lee.wong@acme.example",
                                 "mailto:maria.lopez@acme.example"]  # fmt: skip
    assert attendees["mailto:maria.lopez@acme.example"]["ROLE"] == "REQ-PARTICIPANT"
    assert attendees["mailto:lee.wong@acme.example"]["ROLE"] == "OPT-PARTICIPANT"
    assert all(p["RSVP"] == "TRUE" and p["PARTSTAT"] == "NEEDS-ACTION" for p in attendees.values())
    start = event.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo)) == (15, "Europe/Berlin")
    assert event.decoded("DTEND") - start == pendulum.duration(minutes=90)
    attached = att.get_content()
    attached = attached.encode() if isinstance(attached, str) else attached
    assert attached.replace(b"\r\n", b"\n") == ics.read_bytes().replace(b"\r\n", b"\n")

    invited = load_snapshot(store, acme.id).meeting.invited_at
    assert invited is not None
    assert kickoff("invite", acme.id, "-o", str(out), "--db", db_url).returncode == 0
    assert load_snapshot(store, acme.id).meeting.invited_at == invited  # the first time is kept
    uid = str(event["UID"])
    again = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]
    assert str(again["UID"]) == uid  # a second invitation updates the first


def test_internal_brief_is_for_our_side_and_holds_what_the_team_needs(store, acme, db_url,
                                                                        tmp_path):  # fmt: skip
    out = tmp_path / "out"
    r = kickoff("invite", acme.id, "-o", str(out), "--internal", "--db", db_url)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"{acme.id}-brief.eml"]
    msg = message_from_bytes((out / f"{acme.id}-brief.eml").read_bytes(), policy=policy.default)
    assert [a.addr_spec for a in msg["To"].addresses] == ["sam.patel@example.com"]
    body = msg.get_body(("plain",)).get_content()
    assert "What sales promised" in body and "Single sign-on with their Azure AD" in body
    assert "handle: Invite Lee to the kickoff" in body  # mitigations: ours to know
    assert "zqxobjective margin target [internal]" in body
    assert "- decision-maker: Maria Lopez" in body and "Who presents what" in body
    snap = load_snapshot(store, acme.id)
    assert snap.meeting.briefed_at is not None and snap.meeting.invited_at is None
