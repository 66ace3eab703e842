"""Follow-through delivery (issue 11 part 5): `kickoff mail` writes the team recap and one
message per owner, parsed back here with the standard `email` package and `icalendar`; no
internal item or mitigation reaches any of them; `kickoff sent` is the only "sent" in the record
and the CRM JSON; the agreed cadence is an RRULE in the calendar file."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path

import icalendar
import pendulum
import pytest

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.cadence import rrule_of, rrule_text
from kickoff_tui.core.export import pack
from kickoff_tui.core.record import (
    add_attendee,
    add_item,
    create_meeting,
    load_snapshot,
    parse_line,
    update_item,
)
from tests.dbutil import run_cli as kickoff
from tests.schema_check import validate

START = pendulum.datetime(2026, 12, 1, 15, tz="Europe/Berlin")
SECRETS = ("zqxsecret", "zqxmitigation", "zqxnote")


@pytest.fixture
def acme(store):
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    add_attendee(store, m.id, "Maria López", side="theirs", email="maria@acme.example",
                 roles=("decision-maker",))  # fmt: skip
    add_attendee(store, m.id, "Dana Kim", side="theirs")  # no email
    add_attendee(store, m.id, "Sam Patel", side="ours", email="sam@us.example",
                 roles=("primary-contact",))  # fmt: skip
    for kind, line in (
        ("action", "Share API keys @maria due:2026-12-10"),
        ("action", "Book the room @maria status:done"),
        ("action", "zqxsecret plan @maria #internal"),
        ("question", "Which SSO provider? @dana"),
        ("action", "Send the SOW @sam due:2026-12-03"),
        ("action", "Ask legal @bob"),  # not an attendee: no message
        ("note", "zqxnote our working note"),
    ):
        add_item(store, m, kind, parse_line(store, m, line))
    risk = add_item(store, m, "risk", parse_line(store, m, "Budget freeze @sam sev:high"))
    update_item(store, risk.id, risk.version, mitigation="zqxmitigation call the CFO")
    from kickoff_tui.core.facts import apply_fact, parse_fact
    from kickoff_tui.core.record import attendee_names

    for fact in ("cadence Weekly status, Tuesdays 10:00, 30 min", "next 2026-12-08T10:00"):
        apply_fact(store, m, parse_fact(fact, m, attendee_names(store, m.id)), by="test")
    return m


def read(path: Path):
    return message_from_bytes(path.read_bytes(), policy=policy.default)


def test_cadence_words_become_rrules():
    assert rrule_text(rrule_of("Weekly status, Tuesdays 10:00, 30 min")) == "FREQ=WEEKLY;BYDAY=TU"
    assert rrule_text(rrule_of("every other week, Thu")) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert rrule_text(rrule_of("fortnightly")) == "FREQ=WEEKLY;INTERVAL=2"
    assert rrule_text(rrule_of("monthly steering")) == "FREQ=MONTHLY"
    assert rrule_text(rrule_of("Mondays and Wednesdays")) == "FREQ=WEEKLY;BYDAY=MO,WE"
    assert rrule_of("Tue 10:00") is None and rrule_of("as needed") is None and rrule_of("") is None


def test_mail_writes_recap_and_one_message_per_owner(store, acme, db_url, tmp_path):
    out = tmp_path / "out"
    r = kickoff("mail", acme.id[:6], "-o", str(out), "--db", db_url)
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{acme.id}-{n}.eml" for n in
                           ("recap", "to-maria-lopez", "to-dana-kim", "to-sam-patel"))  # fmt: skip
    assert "Dana Kim has no email address" in r.stderr and "no message for bob" in r.stderr
    for p in out.iterdir():
        assert p.stat().st_mode & 0o777 == 0o600
        data = p.read_bytes()
        assert b"\r\n" in data and not any(s.encode() in data for s in SECRETS)
        msg = read(p)
        assert str(msg["From"]) == "Sam Patel <sam@us.example>"
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                text = part.get_content()
                text = text.decode() if isinstance(text, bytes) else text
                assert not any(s in text for s in SECRETS), p.name

    maria = read(out / f"{acme.id}-to-maria-lopez.eml")
    assert [a.addr_spec for a in maria["To"].addresses] == ["maria@acme.example"]
    assert maria["To"].addresses[0].display_name == "Maria López"
    body = maria.get_body(("plain",)).get_content()
    assert "Share API keys (due Thu 10 Dec 2026)" in body and "Book the room" in body
    assert "[done]" in body and "Send the SOW" not in body and "Which SSO" not in body
    dana = read(out / f"{acme.id}-to-dana-kim.eml")
    assert dana["To"] is None and "Which SSO provider?" in dana.get_body().get_content()
    sam = read(out / f"{acme.id}-to-sam-patel.eml").get_body().get_content()
    assert "Send the SOW" in sam and "Budget freeze" in sam and "CFO" not in sam

    recap = read(out / f"{acme.id}-recap.eml")
    assert sorted(a.addr_spec for a in recap["To"].addresses) == ["maria@acme.example",
                                                                  "sam@us.example"]  # fmt: skip
    assert recap["Subject"].startswith("Acme Corp kickoff: follow-through")
    assert "Share API keys" in recap.get_body(("plain",)).get_content()
    (ics,) = [p for p in recap.iter_attachments() if p.get_content_type() == "text/calendar"]
    cal = icalendar.Calendar.from_ical(ics.get_content())
    (event,) = cal.walk("VEVENT")
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TU"
    assert "zqx" not in cal.to_ical().decode()


def test_only_kickoff_sent_is_called_sent(store, acme, db_url, tmp_path):
    now = START.add(hours=3)
    assert b"Follow-through sent" not in pack.render(load_snapshot(store, acme.id), "md", now)
    r = kickoff("export", acme.id, "--all", str(tmp_path / "pack"), "--db", db_url)
    assert r.returncode == 0, r.stderr
    md = pack.render(load_snapshot(store, acme.id), "md", now).decode()
    assert "Follow-through exported" in md and "Follow-through sent" not in md
    crm = json.loads(pack.render(load_snapshot(store, acme.id), "json", now))
    assert crm["play_measures"]["followthrough_sent_at"] is None
    assert crm["play_measures"]["followthrough_exported_at"] is not None

    r = kickoff("sent", acme.id, "--db", db_url)
    assert r.returncode == 0 and "follow-through sent" in r.stdout
    first = load_snapshot(store, acme.id).meeting.followthrough_sent_at
    assert first is not None
    r = kickoff("sent", acme.id, "--db", db_url)
    assert "already recorded as sent" in r.stdout
    assert load_snapshot(store, acme.id).meeting.followthrough_sent_at == first
    snap = load_snapshot(store, acme.id)
    assert b"Follow-through sent" in pack.render(snap, "md", now)
    crm = json.loads(pack.render(snap, "json", now))
    assert crm["play_measures"]["followthrough_sent_at"] == first.isoformat()
    from kickoff_tui.core.export.crm import schema

    validate(crm, schema())


def test_mail_refuses_a_file_as_folder_and_an_unknown_meeting(store, acme, db_url, tmp_path):
    target = tmp_path / "afile"
    target.write_text("x")
    r = kickoff("mail", acme.id, "-o", str(target), "--db", db_url)
    assert r.returncode == 2 and "not a folder" in r.stderr
    r = kickoff("mail", "nobody", "-o", str(tmp_path / "o"), "--db", db_url)
    assert r.returncode == 2 and "no meeting 'nobody'" in r.stderr
    assert not (tmp_path / "o").exists()
