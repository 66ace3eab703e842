"""The follow-through pack: golden files for email, CSV, ICS and CRM JSON, plus round trips.

Goldens live in ``tests/golden/pack.*``; regenerate them with ``UPDATE_GOLDEN=1`` after a
deliberate change and review the diff. Every render gets a fixed ``now``: nothing in a golden may
depend on the wall clock.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import icalendar
import pendulum
import pytest

from kickoff_tui.core import record
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.capture import Capture
from kickoff_tui.core.checks import run_checks
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.export import pack
from kickoff_tui.core.export.crm import SCHEMA_VERSION, render_crm, schema
from kickoff_tui.core.export.csv_actions import HEADER
from kickoff_tui.core.export.email import render_email
from kickoff_tui.core.export.ics import render_ics
from kickoff_tui.core.models import Item
from kickoff_tui.core.readmodel import ClientRecord, build_record, client_view
from kickoff_tui.core.store import Store
from tests.conftest import predictable_uids
from tests.dbutil import copy_sqlite, write_raw
from tests.schema_check import validate

GOLDEN = Path(__file__).parent / "golden"
TZ = "Europe/Berlin"
START = pendulum.datetime(2026, 11, 24, 15, 0, tz=TZ)
NOW = START.add(hours=3)
TRICKY = 'Send "final" pricing, terms\nand the SOW to José'
SECRET = "Check discount margin with finance before Friday"


def build(tmp_path: Path) -> tuple[Store, str]:
    store = Store.open("sqlite:///" + str(tmp_path / "k.db"))
    m = record.create_meeting(
        store, "Café Nord", get_template("kickoff-play"), START, TZ,
        contract_close=pendulum.date(2026, 11, 12),
    )  # fmt: skip
    mid = m.id
    add = record.add_attendee
    maria = add(store, mid, "Maria Lopez", side="ours", title="Customer Success Manager",
                roles=["primary-contact", "escalation-contact"])  # fmt: skip
    sam = add(store, mid, "Sam Ortiz", side="ours", roles=["technical-owner"])
    jose = add(store, mid, "José Álvarez", side="theirs", title="COO", seniority=5,
               roles=["executive-sponsor", "decision-maker"])  # fmt: skip
    raj = add(store, mid, "Raj Patel", side="theirs", title="IT lead", seniority=2,
              roles=["primary-contact", "technical-owner"])  # fmt: skip
    add(store, mid, "Ivy Chen", side="theirs", title="Analyst", present=False)
    purpose = "Align on outcomes, scope and the path to First Value."
    record.update_meeting(store, mid, purpose=purpose)
    answers = {
        raj.id: ["Single sign-on that works on day one",
                 "Fewer manual reports, 10 hours a week saved", "Bring the integration know-how",
                 "Security review backlog", "Self-serve analytics"],
        jose.id: ["Adoption across the EU sales team", "Pipeline reviews run from one dashboard",
                  "Tell us early when we are off track", "Year-end freeze in December",
                  "A board report built in minutes"],
    }  # fmt: skip
    for who, texts in answers.items():
        for q, text in enumerate(texts, start=1):
            record.set_answer(store, mid, who, q, text)

    snap = record.load_snapshot(store, mid)
    blocks = {b.kind: b.id for b in snap.blocks}

    def item(kind: str, text: str, block: str = "next-steps", **kw: object) -> int:
        c = Capture(text=text, **kw)  # type: ignore[arg-type]
        it = record.add_item(store, m, kind, c, block_id=blocks[block])
        return int(it.id)

    item("action", "Share the SSO checklist", owner="Maria Lopez", owner_attendee_id=maria.id,
         due=pendulum.date(2026, 11, 27))  # fmt: skip
    tricky = item("action", "placeholder", owner="Sam Ortiz", owner_attendee_id=sam.id,
                  due=pendulum.date(2026, 11, 26), side="us")  # fmt: skip
    # The core keeps one-line fields on one line (core/text.py); a line break stored by an older
    # version must still survive every export intact.
    write_raw(store, Item, tricky, text=TRICKY)
    item("action", "Provision API access for the sandbox", owner="Raj Patel",
         owner_attendee_id=raj.id, due=pendulum.date(2026, 12, 1))  # fmt: skip
    item("action", "Name the UAT participants", owner="José Álvarez", owner_attendee_id=jose.id,
         due=pendulum.date(2026, 11, 30), side="them")  # fmt: skip
    item("action", "Confirm the training dates")
    item("action", SECRET, owner="Maria Lopez", owner_attendee_id=maria.id,
         due=pendulum.date(2026, 11, 27), side="us", internal=True)  # fmt: skip
    done = item("action", "Send the kickoff deck", owner="Maria Lopez",
                owner_attendee_id=maria.id, due=pendulum.date(2026, 11, 24))  # fmt: skip
    it = record.get_item(store, done)
    record.update_item(store, done, it.version, status="done")
    item("decision", "Phase 1 covers the EU entities only", block="plan", owner="José Álvarez",
         owner_attendee_id=jose.id)  # fmt: skip
    item("decision", "Internal: we absorb the extra training day", block="plan", internal=True)
    risk = item("risk", "Security review could take three weeks", block="five-questions",
                owner="Raj Patel", owner_attendee_id=raj.id, severity="high",
                due=pendulum.date(2026, 12, 4))  # fmt: skip
    it = record.get_item(store, risk)
    record.update_item(store, risk, it.version, mitigation="Escalate via our CISO if stalled")
    item("in-scope", "SSO and the CRM integration", block="plan")
    item("out-of-scope", "Data warehouse export (phase 2)", block="plan")
    item("milestone", "Pilot live for the EU team", block="plan", due=pendulum.date(2026, 12, 18))
    item("metric", "Adoption above 80% of licensed users by day 60", block="first-value")
    item("metric", "Improve reporting", block="first-value")
    item("question", "Which SSO provider does the APAC team use?", owner="Raj Patel",
         owner_attendee_id=raj.id)  # fmt: skip
    item("note", "José prefers email over chat", block="introductions")
    record.update_meeting(
        store, mid,
        next_meeting_utc=pendulum.datetime(2026, 12, 1, 10, 0, tz=TZ).in_timezone("UTC"),
        first_value_goal="EU team runs its weekly pipeline review in the tool",
        first_value_date=pendulum.date(2026, 12, 4),
        cadence="Weekly status, Tuesdays 10:00, 30 minutes",
    )  # fmt: skip
    at = START
    for b in snap.blocks:
        record.add_timer_event(store, mid, "block-started", block_id=b.id, at=at)
        at = at.add(minutes=b.planned_minutes + 2)
        record.add_timer_event(store, mid, "block-ended", block_id=b.id, at=at)
    record.add_timer_event(store, mid, "meeting-ended", at=at, meeting_status="ended")
    return store, mid


@pytest.fixture(scope="session")
def pack_seed(tmp_path_factory) -> tuple[Path, str]:
    """The pack's meeting, built once; each test opens its own copy of the file."""
    folder = tmp_path_factory.mktemp("pack-seed")
    with predictable_uids():  # the goldens hold the identities
        store, mid = build(folder)
    store.close()
    return folder / "k.db", mid


@pytest.fixture
def pack_meeting(pack_seed, tmp_path: Path):
    seed_file, mid = pack_seed
    store = Store.open(copy_sqlite(seed_file, tmp_path / seed_file.name))
    yield store, mid
    store.close()


def snapshot(pack_meeting: tuple[Store, str]) -> record.Snapshot:
    store, mid = pack_meeting
    return record.load_snapshot(store, mid)


def client(pack_meeting: tuple[Store, str], now: pendulum.DateTime = NOW) -> ClientRecord:
    rec = build_record(snapshot(pack_meeting))
    return client_view(rec, run_checks(rec, now), now)


# --- goldens ---------------------------------------------------------------------------------


def check_golden(name: str, data: bytes) -> None:
    """Compare with tests/golden/<name>; line ends are checked by the round-trip tests."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"missing golden {path}: run with UPDATE_GOLDEN=1 and review it"
    expected = path.read_bytes().replace(b"\r\n", b"\n")
    assert data.replace(b"\r\n", b"\n").decode("utf-8") == expected.decode("utf-8")


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("email", "pack-email.txt"), ("csv", "pack-actions.csv"), ("ics", "pack.ics"),
     ("json", "pack-crm.json")],
)  # fmt: skip
def test_golden(pack_meeting, fmt: str, name: str) -> None:
    snap = snapshot(pack_meeting)
    data = pack.render(snap, fmt, NOW)
    assert data == pack.render(snapshot(pack_meeting), fmt, NOW)  # deterministic
    check_golden(name, data)


# --- email -----------------------------------------------------------------------------------


def test_internal_items_never_reach_the_email_but_stay_in_the_record(pack_meeting) -> None:
    snap = snapshot(pack_meeting)
    email = render_email(client(pack_meeting))
    assert SECRET not in email
    assert "absorb the extra training day" not in email
    assert "absorb the extra training day" in pack.render(snap, "md", NOW).decode("utf-8")
    assert "CISO" not in email  # risk mitigations are our working notes
    md = pack.render(snap, "md", NOW).decode("utf-8")
    assert SECRET in md
    assert "Health check" in md
    for fmt in ("csv", "ics", "json"):
        assert SECRET not in pack.render(snap, fmt, NOW).decode("utf-8")


def test_email_groups_actions_by_side_and_owner(pack_meeting) -> None:
    email = render_email(client(pack_meeting))
    us, them, tbc = (email.index(h) for h in ("From us:", "From you:", "Side to be confirmed:"))
    assert us < them < tbc
    assert email.index("Maria Lopez", us) < email.index("Sam Ortiz", us) < them
    # "Provision API access" had no side: Raj is on the customer's side, so it is "from you".
    assert them < email.index("Provision API access") < tbc
    assert "Owner to be confirmed" in email[tbc:]
    assert "Next meeting" in email
    assert "Tue 1 Dec 2026, 10:00 CET (Europe/Berlin), 30 minutes" in email
    assert "attached" not in email  # the email file has no attachment; it claims none
    assert "Target date: Fri 4 Dec 2026" in email
    assert '"Pipeline reviews run from one dashboard"' in email


# --- csv -------------------------------------------------------------------------------------


def test_csv_round_trip(pack_meeting) -> None:
    data = pack.render(snapshot(pack_meeting), "csv", NOW)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: spreadsheets read "José"
    assert data.endswith(b"\r\n")
    with io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == HEADER == (
        "id", "title", "owner", "owner email", "due", "status", "kind", "severity", "labels",
        "meeting",
    )  # fmt: skip
    by_title = {r[1]: dict(zip(HEADER, r, strict=True)) for r in rows[1:]}
    assert TRICKY in by_title  # comma, quotes and a newline survive
    row = by_title[TRICKY]
    assert row["owner"] == "Sam Ortiz" and row["due"] == "2026-11-26" and row["kind"] == "action"
    assert row["labels"] == "kickoff,side:ours,block:next-steps"
    assert row["meeting"] == "cafe-nord-2026-11-24" and row["owner email"] == ""
    assert row["id"] == build_record(snapshot(pack_meeting)).items[1].ident
    assert "side:theirs" in by_title["Provision API access for the sandbox"]["labels"]
    assert by_title["Confirm the training dates"]["owner"] == ""
    assert by_title["Send the kickoff deck"]["status"] == "done"
    risk = by_title["Security review could take three weeks"]
    assert (risk["kind"], risk["severity"], risk["owner"]) == ("risk", "high", "Raj Patel")
    assert by_title["Which SSO provider does the APAC team use?"]["kind"] == "question"
    assert by_title["Pilot live for the EU team"]["due"] == "2026-12-18"
    assert SECRET not in data.decode("utf-8")
    assert "José prefers email" not in data.decode("utf-8")  # notes are not tracked items
    assert len({r[0] for r in rows[1:]}) == len(rows) - 1  # ids are unique


# --- ics -------------------------------------------------------------------------------------


def _components(data: bytes) -> dict[str, icalendar.cal.Component]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(c["UID"]): c for c in cal.walk() if c.name in ("VEVENT", "VTODO")}


def test_ics_parses_back_with_stable_uids_in_the_meeting_zone(pack_meeting) -> None:
    store, mid = pack_meeting
    first = render_ics(client(pack_meeting))
    comps = _components(first)
    meeting_uid = snapshot(pack_meeting).meeting.uid  # the meeting's identity, kept by copies
    event = comps[f"{meeting_uid}-next-meeting@kickoff-tui"]
    assert event.name == "VEVENT"
    assert event["DTSTART"].params["TZID"] == TZ
    assert event.decoded("DTSTART").isoformat() == "2026-12-01T10:00:00+01:00"
    # The cadence says "Weekly status, Tuesdays 10:00, 30 minutes": the invite lasts 30 minutes.
    assert (event.decoded("DTEND") - event.decoded("DTSTART")).total_seconds() == 30 * 60
    assert event.decoded("DTSTAMP") == START.in_timezone("UTC")
    cal = icalendar.Calendar.from_ical(first)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == [TZ]

    rec = build_record(snapshot(pack_meeting))
    dated = [i for i in rec.items_of("action") if i.due is not None and not i.internal]
    todos = {u for u, c in comps.items() if c.name == "VTODO"}
    assert todos == {f"{i.ident}@kickoff-tui" for i in dated} | {
        f"{meeting_uid}-first-value@kickoff-tui"
    }
    assert all(i.ident == i_row.uid for i in dated for i_row in snapshot(pack_meeting).items
               if i_row.id == i.row_id)  # fmt: skip
    undated = next(i for i in rec.items_of("action") if i.due is None)
    assert f"{undated.ident}@kickoff-tui" not in comps

    # Editing an action and re-exporting updates the same UID with a higher SEQUENCE.
    tricky = next(i for i in dated if i.text == TRICKY)
    record.update_item(
        store, tricky.row_id, tricky.history.version, due=pendulum.date(2026, 11, 30)
    )
    second = _components(render_ics(client(pack_meeting)))
    assert set(second) == set(comps)
    uid = f"{tricky.ident}@kickoff-tui"
    assert second[uid].decoded("DUE") == pendulum.date(2026, 11, 30)
    assert int(second[uid]["SEQUENCE"]) > int(comps[uid]["SEQUENCE"])
    assert str(second[uid]["SUMMARY"]) == " ".join(TRICKY.split())
    assert b"\r\n" in first


# --- crm json --------------------------------------------------------------------------------


def test_crm_json_matches_its_schema(pack_meeting) -> None:
    data = json.loads(pack.render(snapshot(pack_meeting), "json", NOW))
    validate(data, schema())
    assert data["schema_version"] == SCHEMA_VERSION == 2
    assert data["executive_sponsor"] == {"name": "José Álvarez", "title": "COO"}
    assert [s["source"] for s in data["success_definition"]] == [
        "five-questions", "five-questions", "metric", "metric"]  # fmt: skip
    assert [r["source"] for r in data["risk_factors"]] == [
        "five-questions", "five-questions", "risk"]  # fmt: skip
    assert "mitigation" not in json.dumps(data["risk_factors"])
    assert "CISO" not in json.dumps(data, ensure_ascii=False)
    pm = data["play_measures"]
    assert pm["days_contract_to_kickoff"] == 12
    assert pm["five_questions_answered"]["complete"] is True
    assert pm["attendees_present_by_role"]["theirs"]["executive-sponsor"] == 1
    assert pm["first_value_defined"] and pm["next_meeting_scheduled"]
    assert pm["followthrough_within_24h"] is None  # not exported, not yet due
    assert data["next_meeting"] == "2026-12-01T10:00:00+01:00"
    assert data["next_meeting_minutes"] == 30
    assert [s["title"] for s in data["next_steps"]][:1] == ["Share the SSO checklist"]
    assert {s["side"] for s in data["next_steps"]} == {"ours", "theirs", None}
    assert "Send the kickoff deck" not in {s["title"] for s in data["next_steps"]}  # done
    assert "absorb the extra training day" not in json.dumps(data, ensure_ascii=False)
    assert 'Decision #9 (internal item) does not say who decided' in {
        f["message"] for f in data["health"]["findings"]}  # fmt: skip
    ids = {f["id"] for f in data["health"]["findings"]}
    assert ids == {"action-no-owner", "action-no-due", "metric-vague", "kickoff-late",
                   "role-unassigned", "decision-no-decider"}  # fmt: skip


def test_schema_check_catches_a_wrong_export(pack_meeting) -> None:
    """The validator used above can fail: a missing key, a wrong type, an unknown key."""
    data = json.loads(pack.render(snapshot(pack_meeting), "json", NOW))
    for broken in (
        {k: v for k, v in data.items() if k != "cadence"},
        {**data, "next_meeting_minutes": "30"},
        {**data, "surprise": 1},
        {**data, "next_steps": [{**data["next_steps"][0], "side": "us"}]},
        {**data, "kickoff_date": "24.11.2026"},
    ):
        with pytest.raises(AssertionError):
            validate(broken, schema())


def test_crm_followthrough_measure(pack_meeting) -> None:
    late = NOW.add(days=3)
    data = render_crm(client(pack_meeting, late), now=late)
    assert data["play_measures"]["followthrough_within_24h"] is False
    store, mid = pack_meeting
    record.update_meeting(store, mid, followthrough_exported_at=NOW.in_timezone("UTC"))
    data = render_crm(client(pack_meeting, late), now=late)
    assert data["play_measures"]["followthrough_within_24h"] is True
    assert data["play_measures"]["followthrough_exported_at"] == "2026-11-24T17:00:00+00:00"
    validate(data, schema())


# --- pack ------------------------------------------------------------------------------------


def test_export_all_writes_the_pack_privately(pack_meeting, tmp_path: Path) -> None:
    out = tmp_path / "out" / "pack"
    paths = pack.export_all(snapshot(pack_meeting), out, NOW)
    mid = pack_meeting[1]
    assert [p.name for p in paths] == [
        f"{mid}.md", f"{mid}-email.txt", f"{mid}-actions.csv", f"{mid}.ics", f"{mid}-crm.json",
        f"{mid}.html",
    ]  # fmt: skip
    for p, fmt in zip(paths, pack.FORMATS, strict=True):
        assert p.read_bytes() == pack.render(snapshot(pack_meeting), fmt, NOW)
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert sorted(x.name for x in out.iterdir()) == sorted(p.name for p in paths)  # no temp files


def test_export_and_record_keeps_the_first_export_time(pack_meeting, tmp_path: Path) -> None:
    store, mid = pack_meeting
    pack.export_and_record(store, mid, tmp_path / "a", NOW)
    assert record.load_snapshot(store, mid).meeting.followthrough_exported_at == NOW
    later = NOW.add(days=3)
    pack.export_and_record(store, mid, tmp_path / "b", later)
    snap = record.load_snapshot(store, mid)
    assert snap.meeting.followthrough_exported_at == NOW
    assert "followthrough-late" not in {f.id for f in run_checks(snap, later)}


def test_unknown_format_is_refused(pack_meeting) -> None:
    with pytest.raises(InputError, match="unknown export format 'pdf'"):
        pack.render(snapshot(pack_meeting), "pdf", NOW)
