"""The commitments ledger (issue 11 part 7): `kickoff actions` across every meeting in the
store, overdue first, with its filters, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pendulum
import pytest

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.ledger import Filters, query
from kickoff_tui.core.record import add_attendee, add_item, create_meeting, parse_line, set_deleted
from kickoff_tui.core.vocab import Side, Status
from tests.dbutil import run_cli as kickoff

TODAY = pendulum.date(2026, 12, 10)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def two_clients(store):
    """Acme (Maria theirs, Sam ours) and Nordwind (Jörg theirs), with actions, risks, questions,
    a decision (never in the ledger), a done action and a deleted one."""
    start = pendulum.datetime(2026, 12, 1, 15, tz="Europe/Berlin")
    acme = create_meeting(store, "Acme Corp", get_template("kickoff-90"), start, "Europe/Berlin")
    nord = create_meeting(store, "Nordwind AG", get_template("kickoff-90"), start.add(days=1),
                          "Europe/Berlin")  # fmt: skip
    add_attendee(store, acme.id, "María López", side="theirs")
    add_attendee(store, acme.id, "Sam Patel", side="ours")
    add_attendee(store, nord.id, "Jörg Weber", side="theirs")
    lines = [
        (acme, [
            ("action", "Send the SOW @sam due:2026-12-05"),  # overdue (ours)
            ("action", "Share API keys @maria due:2026-12-20"),  # open, dated (theirs)
            ("action", "Book the training room @maria due:2026-12-03 status:done"),  # done
            ("risk", "Budget freeze in Q1 @maria"),  # open, undated
            ("decision", "Go live in March @maria"),
            ("action", "Deleted one @sam due:2026-12-01"),
        ]),
        (nord, [
            ("question", "Which SSO provider? @jorg due:2026-12-08"),  # overdue (theirs)
            ("action", "Draft the plan side:us due:2026-12-09 #internal"),  # overdue, no owner
        ]),
    ]  # fmt: skip
    made = {}
    for m, entries in lines:
        for kind, line in entries:
            made[line] = add_item(store, m, kind, parse_line(store, m, line))
    set_deleted(store, made["Deleted one @sam due:2026-12-01"].id, True)
    return acme, nord


def texts(entries):
    return [e.text for e in entries]


def test_everything_overdue_first_then_by_due_then_undated_then_done(store, two_clients):
    got = query(store, today=TODAY)
    assert texts(got) == [
        "Send the SOW",  # due 5 Dec, overdue
        "Which SSO provider?",  # 8 Dec, overdue
        "Draft the plan",  # 9 Dec, overdue
        "Share API keys",  # 20 Dec
        "Budget freeze in Q1",  # undated
        "Book the training room",  # done
    ]
    assert [e.overdue for e in got] == [True, True, True, False, False, False]
    assert got[0].ref == f"{two_clients[0].id}#1" and got[-1].status is Status.DONE
    assert got[2].internal and got[2].owner == "" and got[2].side is Side.OURS


def test_filters(store, two_clients):
    acme, nord = two_clients

    def run(**kw):
        return texts(query(store, Filters.read(**kw), today=TODAY))

    assert "Book the training room" not in run(open_only=True)
    assert len(run(open_only=True)) == 5
    assert run(overdue_only=True) == ["Send the SOW", "Which SSO provider?", "Draft the plan"]
    assert run(owner="maria") == ["Share API keys", "Budget freeze in Q1",
                                  "Book the training room"]  # fmt: skip
    assert run(owner="JORG") == ["Which SSO provider?"]  # folded: Jörg
    assert run(client="nordwind") == ["Which SSO provider?", "Draft the plan"]
    assert run(client=acme.id[:6]) == run(client="acme")
    assert run(side="us") == ["Send the SOW", "Draft the plan"]
    assert run(side="them", open_only=True) == ["Which SSO provider?", "Share API keys",
                                                "Budget freeze in Q1"]  # fmt: skip
    assert run(kind="risk") == ["Budget freeze in Q1"]
    assert run(kind="questions") == ["Which SSO provider?"]
    assert run(owner="maria", overdue_only=True) == []
    with pytest.raises(Exception, match="unknown kind 'decision' for the ledger"):
        Filters.read(kind="decision")
    with pytest.raises(Exception, match="unknown side 'both'"):
        Filters.read(side="both")


def test_the_command_line(store, two_clients, db_url):
    import time_machine

    with time_machine.travel(pendulum.datetime(2026, 12, 10, 12), tick=False):
        r = kickoff("actions", "--open", "--overdue", "--db", db_url)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 3 and all("\tOVERDUE\t" in line for line in lines)
    assert lines[0].startswith(f"{two_clients[0].id}#1\t") and "Send the SOW" in lines[0]
    r = kickoff("actions", "--json", "--client", "acme", "--side", "them", "--db", db_url)
    data = json.loads(r.stdout)
    assert [i["text"] for i in data["items"]] == ["Share API keys", "Budget freeze in Q1",
                                                  "Book the training room"]  # fmt: skip
    assert data["counts"]["done"] == 1 and data["items"][0]["owner"] == "María López"
    r = kickoff("actions", "--kind", "decision", "--db", db_url)
    assert r.returncode == 2 and r.stderr.startswith("kickoff: error: unknown kind")
