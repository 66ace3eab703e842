"""Kickoff health checks: each one fires when the record lacks its thing, and clears once added.

Every test runs on a real SQLite file in ``tmp_path`` through the record functions, the way the
CLI and the screens write. The base fixture is a complete, well-run kickoff with no findings; each
case takes one thing away, checks its finding appears, puts it back and checks it is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pendulum
import pytest

from kickoff_tui.core import record
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.capture import Capture
from kickoff_tui.core.checks import (
    BLOCKING,
    CHECK_IDS,
    WARNING,
    Finding,
    findings_to_json,
    metric_gaps,
    run_checks,
    score,
)
from kickoff_tui.core.models import Attendee, Item, Meeting
from kickoff_tui.core.store import Store
from tests.dbutil import copy_sqlite

TZ = "Europe/Berlin"
START = pendulum.datetime(2026, 11, 24, 15, 0, tz=TZ)  # Tuesday
NOW = START.add(hours=3)  # after the meeting, well inside the 24-hour follow-through window


@dataclass
class Kickoff:
    store: Store
    meeting: Meeting
    people: dict[str, Attendee] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    now: pendulum.DateTime = NOW

    def findings(self) -> list[Finding]:
        return run_checks(record.load_snapshot(self.store, self.meeting.id), self.now)

    def ids(self) -> set[str]:
        return {f.id for f in self.findings()}

    def item(self, key: str, **fields: object) -> None:
        current = record.get_item(self.store, self.items[key].id)
        self.items[key] = record.update_item(self.store, current.id, current.version, **fields)

    def person(self, key: str, **fields: object) -> None:
        self.people[key] = record.update_attendee(self.store, self.people[key].id, **fields)

    def meet(self, **fields: object) -> None:
        self.meeting = record.update_meeting(self.store, self.meeting.id, **fields)


def capture(text: str, **kw: object) -> Capture:
    return Capture(text=text, **kw)  # type: ignore[arg-type]


def build(tmp_path, template: str = "kickoff-play", run_clock: bool = True) -> Kickoff:
    store = Store.open("sqlite:///" + str(tmp_path / "k.db"))
    meeting = record.create_meeting(
        store, "Acme Corp", get_template(template), START, TZ,
        contract_close=pendulum.date(2026, 11, 19),
    )  # fmt: skip
    k = Kickoff(store, meeting)
    add = record.add_attendee
    mid = meeting.id
    k.people["maria"] = add(store, mid, "Maria Lopez", side="ours", title="CSM", seniority=2,
                            roles=["primary-contact", "escalation-contact"])  # fmt: skip
    k.people["sam"] = add(store, mid, "Sam Ortiz", side="ours", title="Implementation lead",
                          seniority=1, roles=["technical-owner", "decision-maker"])  # fmt: skip
    k.people["dana"] = add(store, mid, "Dana Lee", side="theirs", title="COO", seniority=5,
                           roles=["executive-sponsor", "decision-maker"])  # fmt: skip
    k.people["raj"] = add(store, mid, "Raj Patel", side="theirs", title="IT lead", seniority=2,
                          roles=["primary-contact", "technical-owner", "escalation-contact",
                                 "champion"])  # fmt: skip
    k.people["ivy"] = add(store, mid, "Ivy Chen", side="theirs", title="Analyst", present=False)
    for key in ("raj", "dana"):  # the most senior answers last
        for q in range(1, 6):
            record.set_answer(store, mid, k.people[key].id, q, f"{key} answer {q}")

    def item(key: str, kind: str, text: str, **kw: object) -> None:
        k.items[key] = record.add_item(store, meeting, kind, capture(text, **kw))

    maria, raj, dana = k.people["maria"], k.people["raj"], k.people["dana"]
    item("action", "action", "Send the SSO checklist", owner="Maria Lopez",
         owner_attendee_id=maria.id, due=pendulum.date(2026, 11, 27), side="us")  # fmt: skip
    item("action2", "action", "Provision API access", owner="Raj Patel",
         owner_attendee_id=raj.id, due=pendulum.date(2026, 12, 1), side="them")  # fmt: skip
    item("decision", "decision", "Phase 1 covers the EU entities only", owner="Dana Lee",
         owner_attendee_id=dana.id)  # fmt: skip
    item("risk", "risk", "Security review could take three weeks", owner="Raj Patel",
         owner_attendee_id=raj.id, due=pendulum.date(2026, 12, 4), severity="high")  # fmt: skip
    k.item("risk", mitigation="Start the security questionnaire this week")
    item("in", "in-scope", "SSO and the CRM integration")
    item("out", "out-of-scope", "Data warehouse export (phase 2)")
    item("milestone", "milestone", "Pilot live for the EU team", due=pendulum.date(2026, 12, 18))
    item("metric", "metric", "Adoption above 80% of licensed users by day 60")
    item("question", "question", "Which SSO provider does the APAC team use?")
    k.meet(
        next_meeting_utc=pendulum.datetime(2026, 12, 1, 10, 0, tz=TZ).in_timezone("UTC"),
        first_value_goal="First EU team running its weekly pipeline review in the tool",
        first_value_date=pendulum.date(2026, 12, 4),
        cadence="Weekly status, Tuesdays 10:00, 30 minutes",
    )
    if run_clock:
        at = START
        snap = record.load_snapshot(store, mid)
        for b in snap.blocks:
            record.add_timer_event(store, mid, "block-started", block_id=b.id, at=at)
            at = at.add(minutes=b.planned_minutes)
            record.add_timer_event(store, mid, "block-ended", block_id=b.id, at=at)
        record.add_timer_event(store, mid, "meeting-ended", at=at, meeting_status="ended")
    return k


@pytest.fixture(scope="session")
def kickoff_seed(tmp_path_factory) -> tuple[Path, Kickoff]:
    """The complete kickoff, built once; each test opens its own copy of the file."""
    folder = tmp_path_factory.mktemp("checks-seed")
    k = build(folder)
    k.store.close()
    return folder / "k.db", k


@pytest.fixture
def kickoff(kickoff_seed, tmp_path):
    seed_file, seed = kickoff_seed
    store = Store.open(copy_sqlite(seed_file, tmp_path / "k.db"))
    k = replace(seed, store=store, people=dict(seed.people), items=dict(seed.items))
    yield k
    store.close()


def test_complete_kickoff_has_no_findings(kickoff: Kickoff) -> None:
    findings = kickoff.findings()
    assert findings == []
    assert score(findings) == 100


# Each case: the check id, what takes the thing away, what puts it back.
Step = Callable[[Kickoff], None]
CASES: list[tuple[str, Step, Step]] = [
    ("action-no-owner",
     lambda k: k.item("action", owner=None, owner_attendee_id=None),
     lambda k: k.item("action", owner="Maria Lopez", owner_attendee_id=k.people["maria"].id)),
    ("action-no-due",
     lambda k: k.item("action", due=None),
     lambda k: k.item("action", due=pendulum.date(2026, 11, 27))),
    ("risk-no-owner",
     lambda k: k.item("risk", owner=None, owner_attendee_id=None),
     lambda k: k.item("risk", owner="Raj Patel", owner_attendee_id=k.people["raj"].id)),
    ("risk-no-mitigation",
     lambda k: k.item("risk", mitigation=None),
     lambda k: k.item("risk", mitigation="Start the questionnaire now")),
    ("risk-no-due",
     lambda k: k.item("risk", due=None),
     lambda k: k.item("risk", due=pendulum.date(2026, 12, 4))),
    ("decision-no-decider",
     lambda k: k.item("decision", owner=None, owner_attendee_id=None, decided_by=None),
     lambda k: k.item("decision", decided_by="Dana Lee")),
    ("no-decision-maker",
     lambda k: k.person("dana", roles="executive-sponsor"),
     lambda k: k.person("dana", roles="executive-sponsor,decision-maker")),
    ("no-executive-sponsor",
     lambda k: k.person("dana", roles="decision-maker"),
     lambda k: k.person("dana", roles="decision-maker,executive-sponsor")),
    ("role-unassigned",
     lambda k: k.person("sam", roles="decision-maker"),
     lambda k: k.person("sam", roles="decision-maker,technical-owner")),
    ("five-questions-unanswered",
     lambda k: k.people.__setitem__("lee", record.add_attendee(
         k.store, k.meeting.id, "Lee Wong", side="theirs", seniority=1)),
     lambda k: [record.set_answer(k.store, k.meeting.id, k.people["lee"].id, q, "ok")
                for q in range(1, 6)]),
    ("metric-vague",
     lambda k: k.item("metric", text="Improve efficiency"),
     lambda k: k.item("metric", text="Cut lead-to-close from 60 to 42 days within 120 days")),
    ("no-first-value",
     lambda k: k.meet(first_value_goal=None),
     lambda k: k.meet(first_value_goal="First team live")),
    ("first-value-late",
     lambda k: k.meet(first_value_date=pendulum.date(2026, 12, 15)),
     lambda k: k.meet(first_value_date=pendulum.date(2026, 12, 8))),
    ("no-out-of-scope",
     lambda k: record.set_deleted(k.store, k.items["out"].id, True),
     lambda k: record.set_deleted(k.store, k.items["out"].id, False)),
    ("milestone-no-date",
     lambda k: k.item("milestone", due=None),
     lambda k: k.item("milestone", due=pendulum.date(2026, 12, 18))),
    ("escalated-no-owner",
     lambda k: k.item("risk", escalated=True, owner=None, owner_attendee_id=None),
     lambda k: k.item("risk", owner="Raj Patel", owner_attendee_id=k.people["raj"].id)),
    ("deviation-no-owner",
     lambda k: k.items.__setitem__("dev", record.add_item(
         k.store, k.meeting, "deviation", capture("Sponsor missing from the kickoff"))),
     lambda k: k.item("dev", owner="Maria Lopez", owner_attendee_id=k.people["maria"].id)),
    ("no-cadence",
     lambda k: k.meet(cadence=None),
     lambda k: k.meet(cadence="Weekly, Tuesdays 10:00")),
    ("no-next-meeting",
     lambda k: k.meet(next_meeting_utc=None),
     lambda k: k.meet(next_meeting_utc=pendulum.datetime(2026, 12, 1, 9, tz="UTC"))),
    ("owner-not-attendee",
     lambda k: k.item("action2", owner="Zed", owner_attendee_id=None, owner_known=False),
     lambda k: k.people.__setitem__("zed", record.add_attendee(
         k.store, k.meeting.id, "Zed Novak", side="theirs", present=False))),
    ("agenda-overrun",
     lambda k: k.meet(planned_minutes=80),
     lambda k: k.meet(planned_minutes=90)),
    ("kickoff-late",
     lambda k: k.meet(contract_close=pendulum.date(2026, 11, 10)),
     lambda k: k.meet(contract_close=pendulum.date(2026, 11, 20))),
    ("followthrough-late",
     lambda k: setattr(k, "now", START.add(days=2)),
     lambda k: k.meet(followthrough_exported_at=START.add(hours=5).in_timezone("UTC"))),
    ("promise-unreconciled",
     lambda k: k.item("question", kind="promise"),
     lambda k: __import__("kickoff_tui.core.promises").core.promises.reconcile(
         k.store, k.items["question"].id, "confirmed")),
]  # fmt: skip


@pytest.mark.parametrize(("check_id", "lack", "add"), CASES, ids=[c[0] for c in CASES])
def test_check_fires_when_missing_and_clears_when_added(
    kickoff: Kickoff, check_id: str, lack: Step, add: Step
) -> None:
    lack(kickoff)
    found = kickoff.findings()
    assert {f.id for f in found} == {check_id}, found
    for f in found:
        assert f.severity in (BLOCKING, WARNING)
        assert f.message and "\n" not in f.message
        assert f.fix
    add(kickoff)
    assert kickoff.findings() == []


def test_every_check_id_is_covered() -> None:
    covered = {c[0] for c in CASES} | {"five-questions-not-asked", "blocks-never-opened"}
    assert covered == set(CHECK_IDS)


def test_severities(kickoff: Kickoff) -> None:
    kickoff.item("action", owner=None, owner_attendee_id=None, due=None)
    kickoff.item("risk", owner=None, owner_attendee_id=None)
    kickoff.meet(next_meeting_utc=None, cadence=None)
    kickoff.person("dana", roles="executive-sponsor")
    sev = {f.id: f.severity for f in kickoff.findings()}
    assert sev == {
        "action-no-owner": BLOCKING,
        "action-no-due": BLOCKING,
        "risk-no-owner": BLOCKING,  # the risk is high severity
        "no-decision-maker": BLOCKING,
        "no-next-meeting": BLOCKING,
        "no-cadence": WARNING,
    }
    kickoff.item("risk", severity="low")
    assert {f.id: f.severity for f in kickoff.findings()}["risk-no-owner"] == WARNING


def test_messages_name_the_item_and_order_is_stable(kickoff: Kickoff) -> None:
    kickoff.item("action", owner=None, owner_attendee_id=None, text="Send\nthe SSO checklist")
    kickoff.item("metric", text="Improve efficiency")
    kickoff.meet(cadence=None)
    found = kickoff.findings()
    assert [f.id for f in found] == ["action-no-owner", "metric-vague", "no-cadence"]
    action_id = kickoff.items["action"].id
    assert found[0].message == f'Action #{action_id} "Send the SSO checklist" has no owner'
    assert found[0].item_id == action_id
    assert "no number and no date" in found[1].message
    assert kickoff.findings() == found


def test_done_actions_are_not_chased(kickoff: Kickoff) -> None:
    kickoff.item("action", due=None, status="done")
    assert kickoff.findings() == []


def test_five_questions_names_who_and_which(kickoff: Kickoff) -> None:
    record.set_answer(kickoff.store, kickoff.meeting.id, kickoff.people["dana"].id, 2, "  ")
    lee = record.add_attendee(kickoff.store, kickoff.meeting.id, "Lee Wong", side="theirs")
    record.set_answer(kickoff.store, kickoff.meeting.id, lee.id, 1, "Speed")
    record.add_attendee(kickoff.store, kickoff.meeting.id, "Absent Al", side="theirs",
                        present=False)  # fmt: skip
    record.add_attendee(kickoff.store, kickoff.meeting.id, "Our Olga", side="ours")
    msgs = [f.message for f in kickoff.findings() if f.id == "five-questions-unanswered"]
    assert msgs == [
        "Dana Lee has not answered Q2 of the Five Questions",
        "Lee Wong has not answered Q2, Q3, Q4, Q5 of the Five Questions",
    ]


def test_five_questions_not_asked_without_their_block(tmp_path) -> None:
    k = build(tmp_path, template="kickoff-90")
    store, mid = k.store, k.meeting.id
    # kickoff-90 has no Five Questions block; the fixture's answers make them "asked" anyway.
    with store.write() as s:
        from sqlmodel import delete

        from kickoff_tui.core.models import Answer

        s.exec(delete(Answer))  # type: ignore[call-overload]
    assert "five-questions-not-asked" in k.ids()
    assert "five-questions-unanswered" not in k.ids()
    for key in ("raj", "dana"):
        for q in range(1, 6):
            record.set_answer(store, mid, k.people[key].id, q, "asked after all")
    assert "five-questions-not-asked" not in k.ids()
    assert k.findings() == []


def test_blocks_never_opened_only_after_the_end(tmp_path) -> None:
    k = build(tmp_path, run_clock=False)
    k.now = START.add(minutes=30)  # mid-meeting: nothing to say yet
    assert k.findings() == []
    k.now = START.add(minutes=95)  # past the planned end, clock never started
    found = k.findings()
    assert [f.id for f in found] == ["blocks-never-opened"]
    assert "never started" in found[0].message

    snap = record.load_snapshot(k.store, k.meeting.id)
    first, second = snap.blocks[0], snap.blocks[1]
    record.add_timer_event(k.store, k.meeting.id, "block-started", block_id=first.id, at=START)
    record.add_timer_event(k.store, k.meeting.id, "meeting-ended", at=START.add(minutes=20))
    found = k.findings()
    assert len(found) == len(snap.blocks) - 1
    assert found[0].message == f'Block 2 "{second.title}" was never opened'

    # Events replay in time order: blocks opened before the recorded end clear the finding.
    for n, b in enumerate(snap.blocks[1:], start=1):
        at = START.add(minutes=n * 2)
        record.add_timer_event(k.store, k.meeting.id, "block-started", block_id=b.id, at=at)
    assert k.findings() == []


def test_followthrough_late_uses_meeting_end_and_first_export(kickoff: Kickoff) -> None:
    end = START.add(minutes=90)
    kickoff.now = end.add(hours=23, minutes=59)
    assert kickoff.findings() == []
    kickoff.now = end.add(hours=24, minutes=1)
    assert [f.id for f in kickoff.findings()] == ["followthrough-late"]
    kickoff.meet(followthrough_exported_at=end.add(hours=30).in_timezone("UTC"))
    found = kickoff.findings()
    assert [f.id for f in found] == ["followthrough-late"]
    assert "30 hours after" in found[0].message


def test_followthrough_without_timer_uses_planned_end(tmp_path) -> None:
    k = build(tmp_path, run_clock=False)
    k.now = START.add(minutes=90, hours=25)
    assert "followthrough-late" in k.ids()
    k.now = START.add(minutes=90, hours=23)
    assert "followthrough-late" not in k.ids()


def test_role_unassigned_is_per_side(kickoff: Kickoff) -> None:
    kickoff.person("raj", roles="technical-owner,champion")
    kickoff.person("maria", roles="escalation-contact")
    msgs = [f.message for f in kickoff.findings()]
    assert msgs == [
        "Role primary-contact is unassigned on our side",
        "Role primary-contact is unassigned on the customer's side",
        "Role escalation-contact is unassigned on the customer's side",
    ]


@pytest.mark.parametrize(
    ("text", "number", "date"),
    [
        ("Improve efficiency", False, False),
        ("Adoption above 80% by day 60", True, True),
        ("Cut qualified-lead-to-close from 60 to 42 days within 120 days of go-live", True, True),
        ("Improve efficiency by 2026-12-01", False, True),
        ("Reduce churn by March", False, True),
        ("Handle 2000 tickets a month", True, False),
        ("NPS 40 by Q3", True, True),
        ("5+ key features used weekly by Dec 1", True, True),
        ("Go live by 1 Dec 2026", False, True),
        ("Reduce market share loss", False, False),
    ],
)
def test_metric_vagueness(text: str, number: bool, date: bool) -> None:
    assert metric_gaps(text) == (number, date)


def test_metric_due_date_counts_as_date(kickoff: Kickoff) -> None:
    kickoff.item("metric", text="Adoption above 80%")
    assert [f.message.endswith("is vague: no date") for f in kickoff.findings()] == [True]
    kickoff.item("metric", due=pendulum.date(2027, 1, 22))
    assert kickoff.findings() == []


def test_score_and_json() -> None:
    b = Finding("action-no-owner", BLOCKING, "m", "f")
    w = Finding("no-cadence", WARNING, "m", "f")
    assert score([]) == 100
    assert score([b]) == 90
    assert score([b, b, b, b]) == 80  # capped per check
    assert score([w, w, w]) == 92
    assert score([Finding(f"x{n}", BLOCKING, "m", "f") for n in range(20)]) == 0
    assert findings_to_json([b]) == [
        {"id": "action-no-owner", "severity": "blocking", "message": "m", "fix": "f"}
    ]
