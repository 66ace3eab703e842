"""Issue 10 on the command line: the agenda bends (add, minutes, move, rename, remove,
presenter, fit), an end is undone (reopen), people are updated or removed, items are edited,
completed and deleted by their number (MEETING#NUMBER), answers and facts are set.

Through click's CliRunner on a real SQLite file. Every refusal is one line on stderr naming the
fix, exit 2, and leaves every row of the store as it was (compared row by row)."""

from __future__ import annotations

import pendulum
import pytest
from click.testing import CliRunner
from sqlmodel import select

from kickoff_tui.cli import main
from kickoff_tui.core import timers
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.models import Change
from kickoff_tui.core.record import (
    add_attendee,
    create_meeting,
    list_items,
    load_snapshot,
)
from kickoff_tui.core.store import Store
from tests.conftest import START
from tests.dbutil import dump


class Kick:
    def __init__(self, url: str) -> None:
        self.url = url
        self.store = Store.open(self.url)
        m = create_meeting(self.store, "Acme Corp", get_template("kickoff-90"), START,
                           "Europe/Berlin")  # fmt: skip
        self.id = m.id
        for name, side, roles in (
            ("Maria Lopez", "theirs", ("decision-maker",)),
            ("Dana Kim", "theirs", ("technical-owner",)),
            ("Sam Patel", "ours", ("primary-contact",)),
        ):
            add_attendee(self.store, m.id, name, side=side, roles=roles)

    def run(self, *args: str):
        runner = CliRunner(env={"KICKOFF_DB": None})
        return runner.invoke(main, ["--db", self.url, *args], catch_exceptions=False)

    def ok(self, *args: str) -> str:
        r = self.run(*args)
        assert r.exit_code == 0, (args, r.stdout, r.stderr)
        return r.stdout

    def refused(self, *args: str, match: str) -> None:
        before = dump(self.url)
        r = self.run(*args)
        assert r.exit_code == 2, (args, r.stdout, r.stderr)
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("kickoff: error: "), r.stderr
        assert match in lines[0], lines[0]
        assert dump(self.url) == before, args

    def snap(self):
        return load_snapshot(self.store, self.id)

    def titles(self) -> list[str]:
        return [b.title for b in self.snap().blocks]

    def changes(self, table: str) -> int:
        with self.store.read() as s:
            return len(s.exec(select(Change).where(Change.table_name == table)).all())


@pytest.fixture
def k(tmp_path):
    kick = Kick("sqlite:///" + str(tmp_path / "k.db"))
    yield kick
    kick.store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def kb(request, tmp_path):
    """:func:`k` on a SQLite file and on PostgreSQL (where storage matters: renumbering blocks
    under the unique position, the soft delete, the same-name rule)."""
    url = (request.getfixturevalue("pg_url") if request.param == "postgresql"
           else "sqlite:///" + str(tmp_path / "k.db"))  # fmt: skip
    kick = Kick(url)
    yield kick
    kick.store.close()


def test_agenda_edits_from_the_command_line(kb):
    k = kb
    out = k.ok("agenda", "acme")
    assert out.splitlines()[0].startswith(" 1  Welcome & introductions  8 min")
    assert out.splitlines()[-1] == "90 min planned in a 90-min box: fits"
    fed = k.changes("block")
    out = k.ok("agenda", "acme", "add", "Security", "review", "--minutes", "5", "--after", "2",
               "--kind", "risks")  # fmt: skip
    assert out.startswith("added block 3 'Security review' (5 min)")
    assert "95 min planned in a 90-min box: 5 min over — `kickoff fit" in out
    assert k.titles()[2] == "Security review"
    assert k.changes("block") > fed  # the change feed carries it to an open cockpit
    k.ok("agenda", "acme", "rename", "3", "Security", "&", "privacy")
    k.ok("agenda", "acme", "minutes", "3", "7")
    k.ok("agenda", "acme", "presenter", "3", "@sam")
    k.ok("agenda", "acme", "move", "3", "--to", "1")
    b = k.snap().blocks[0]
    assert (b.title, b.planned_minutes, b.presenter, b.kind) == (
        "Security & privacy",
        7,
        "Sam Patel",
        "risks",
    )
    out = k.ok("fit", "acme")
    assert out.startswith("fitted: ")
    assert sum(b.planned_minutes for b in k.snap().blocks) == 90
    k.ok("agenda", "acme", "presenter", "1", "-")
    assert k.snap().blocks[0].presenter is None
    k.ok("agenda", "acme", "remove", "1")
    assert "Security & privacy" not in k.titles() and len(k.titles()) == 8
    assert k.ok("fit", "acme").startswith(("fitted", "the agenda already fits"))


def test_agenda_bad_input_changes_nothing(kb):
    k = kb
    k.store.close()
    k.store = Store.open(k.url)
    add_attendee(k.store, k.id, "Maria Schmidt", side="ours")
    k.refused("agenda", "acme", "remove", "99", match="no block 99")
    k.refused("agenda", "acme", "remove", "x", match="whole number")
    k.refused("agenda", "acme", "minutes", "2", "0", match="minutes must be")
    k.refused("agenda", "acme", "minutes", "2", "ten", match="whole number")
    k.refused("agenda", "acme", "move", "1", "--to", "99", match="cannot move to 99")
    k.refused("agenda", "acme", "rename", "2", "  ", match="title is empty")
    k.refused("agenda", "acme", "add", "X", "--minutes", "5", "--kind", "party",
              match="unknown block kind")  # fmt: skip
    k.refused("agenda", "acme", "add", "X", "--minutes", "five", match="whole number")
    k.refused("agenda", "acme", "add", "X", "--minutes", "5", "--after", "42", match="add after")
    k.refused("agenda", "acme", "presenter", "2", "@maria", match="Maria Lopez")  # two Marias
    k.refused("agenda", "acme", "presenter", "2", "@zoe", match="not an attendee")
    k.refused("agenda", "nope", "remove", "1", match="no meeting")
    k.refused("fit", "nope", match="no meeting")
    timers.start(k.store, k.id, pendulum.now("UTC"))
    k.refused("agenda", "acme", "remove", "1", match="running or finished block cannot be removed")


def test_minutes_during_the_meeting_are_a_replan(k):
    timers.start(k.store, k.id, pendulum.now("UTC"))
    k.ok("agenda", "acme", "minutes", "2", "20")
    b = k.snap().blocks[1]
    assert (b.planned_minutes, b.replanned_seconds) == (12, 20 * 60)
    assert "12 min (replanned: 20 min)" in k.ok("agenda", "acme")


def test_reopen_from_the_command_line(k):
    now = pendulum.now("UTC")
    k.refused("reopen", "acme", match="has not started")
    timers.start(k.store, k.id, now.subtract(minutes=20))
    timers.end(k.store, k.id, now.subtract(minutes=1))
    out = k.ok("reopen", "acme")
    assert out == (
        "reopened acme-corp-2026-11-24: 'Welcome & introductions' runs again; 7 block(s) back "
        "from the parking lot\n"
    )
    assert k.snap().meeting.status == "running"
    assert not [i for i in list_items(k.store, k.id) if i.text.startswith("Parking lot")]
    k.refused("reopen", "acme", match="still running")


def test_reopen_is_refused_the_next_day(k):
    then = pendulum.now("UTC").subtract(days=2)
    timers.start(k.store, k.id, then)
    timers.end(k.store, k.id, then.add(minutes=30))
    k.refused("reopen", "acme", match="only the day it ended")


def test_attendee_updates_instead_of_duplicating_and_removes(kb):
    k = kb
    out = k.ok("attendee", "acme", "maria lopez", "--title", "COO", "--role", "executive-sponsor",
               "--presence", "absent")  # fmt: skip
    assert out == "updated Maria Lopez (theirs): title, roles, present\n"
    people = k.snap().attendees
    assert [a.name for a in people].count("Maria Lopez") == 1
    maria = next(a for a in people if a.name == "Maria Lopez")
    assert (maria.title, maria.roles, maria.present) == ("COO", "executive-sponsor", False)
    assert k.ok("attendee", "acme", "Maria Lopez", "--title", "COO").endswith("nothing changed\n")
    assert k.ok("attendee", "acme", "Li Wei", "--side", "us").startswith("attendee #")
    # the owner matching keeps working: there is one Maria
    assert k.ok("add", "acme", "action", 'Send the deck @"Maria Lopez" due:fri').startswith("#1")
    out = k.ok("attendee", "acme", "Li Wei", "--remove")
    assert out == "removed Li Wei (ours) from acme-corp-2026-11-24\n"
    k.refused("attendee", "acme", "Zoe", "--remove", match="not an attendee")
    k.refused("attendee", "acme", "Dana Kim", "--remove", "--title", "X", match="--remove takes")
    k.refused("attendee", "acme", "Dana Kim", "--side", "vendor", match="unknown side")
    k.refused("attendee", "acme", "Dana Kim", "--role", "boss", match="unknown role")
    add_attendee(k.store, k.id, "Dana Kim", side="ours")  # a namesake on our side
    k.refused("attendee", "acme", "Dana Kim", "--title", "CTO", match="both sides")
    k.ok("attendee", "acme", "Dana Kim", "--side", "ours", "--title", "CTO")


def test_items_by_number_edit_done_delete_undo(kb):
    k = kb
    assert k.ok("add", "acme", "risk", 'SSO may slip @dana sev:high mit:"Start the form" esc')
    (risk,) = list_items(k.store, k.id)
    assert (risk.mitigation, risk.escalated, risk.severity) == ("Start the form", True, "high")
    out = k.ok("edit", "acme#1", "--kind", "deviation", "--mitigation", "Ask IT today")
    assert out == "updated Deviation #1: kind, mitigation\n"
    out = k.ok("edit", "acme#1", "@maria", "due:fri")  # tokens alone keep the text
    assert out == "updated Deviation #1: due, owner\n"
    item = list_items(k.store, k.id)[0]
    assert (item.kind, item.text, item.owner, item.due.isoformat()) == (
        "deviation",
        "SSO may slip",
        "Maria Lopez",
        "2026-11-27",
    )
    k.ok("edit", "acme#1", "SSO approval may slip past week 2", "esc:@sam")
    item = list_items(k.store, k.id)[0]
    assert (item.text, item.escalated_to) == ("SSO approval may slip past week 2", "Sam Patel")
    assert k.ok("done", "acme#1") == "Deviation #1 done\n"
    k.refused("done", "acme#1", match="already done")
    assert k.ok("done", "acme#1", "--undo") == "Deviation #1 open again\n"
    assert k.ok("delete", "acme#1").startswith("deleted Deviation #1")
    assert list_items(k.store, k.id) == []
    k.refused("delete", "acme#1", match="already deleted")
    k.refused("edit", "acme#1", "x", match="--undo")
    k.refused("done", "acme#1", match="is deleted")
    assert k.ok("delete", "acme#1", "--undo").startswith("restored Deviation #1")
    k.refused("delete", "acme#1", "--undo", match="not deleted")
    k.refused("edit", "acme#99", "x", match="no item #99")
    k.refused("edit", "acme12", "x", match="MEETING#NUMBER")
    k.refused("edit", "acme#1", match="nothing to change")
    k.refused("edit", "acme#1", "--kind", "wish", match="unknown kind")
    k.refused("edit", "acme#1", "x", "sev:huge", match="unknown severity")
    k.refused("edit", "acme#1", 'mit:"open', match="unclosed quote")
    k.refused("done", "nope#1", match="no meeting")
    k.refused("delete", "acme#x", match="MEETING#NUMBER")


def test_answers_and_facts_from_the_command_line(k):
    assert k.ok("answer", "acme", "@maria", "2", "Fewer", "late", "renewals") == (
        "saved Q2 answer by Maria Lopez\n"
    )
    assert k.ok("answer", "acme", "Maria", "Q2", "Renewals on time") == (
        "saved Q2 answer by Maria Lopez\n"
    )
    (ans,) = k.snap().answers
    assert (ans.question, ans.text) == (2, "Renewals on time")
    k.refused("answer", "acme", "@zoe", "2", "x", match="not an attendee")
    k.refused("answer", "acme", "@maria", "6", "x", match="1 to 5")
    k.refused("answer", "acme", "@maria", "two", "x", match="whole number")
    add_attendee(k.store, k.id, "Maria Schmidt", side="ours")
    k.refused("answer", "acme", "@maria", "1", "x", match="Maria Lopez")

    assert k.ok("add", "acme", "next", "fri", "10:00").startswith("next meeting set: Fri 27 Nov")
    assert k.ok("add", "acme", "first-value", "Dashboard", "live", "due:Dec", "4").startswith(
        "First Value set"
    )
    assert k.ok("add", "acme", "cadence", "Weekly", "status,", "Tue", "10:00") == "cadence set\n"
    assert k.ok("add", "acme", "person", "Li", "Wei,", "CTO", "side:us") == "added Li Wei (ours)\n"
    k.ok("add", "acme", "role", "escalation-contact", "@li")
    m = k.snap().meeting
    assert m.cadence == "Weekly status, Tue 10:00" and m.first_value_goal == "Dashboard live"
    li = next(a for a in k.snap().attendees if a.name == "Li Wei")
    assert li.roles == "escalation-contact"
    k.refused("add", "acme", "next", "fri", match="next needs a time")
    k.refused("add", "acme", "person", "Li", "Wei", match="already an attendee")
    k.refused("add", "acme", "role", "boss", "@li", match="unknown role")


def test_text_that_cannot_be_stored_is_refused(k):
    bad = b"Jos\xe9".decode("utf-8", "surrogateescape")  # what a Latin-1 terminal sends
    k.refused("agenda", "acme", "rename", "2", bad, match="not valid UTF-8")
    k.refused("agenda", "acme", "add", bad, "--minutes", "5", match="not valid UTF-8")
    k.refused("agenda", "acme", "presenter", "2", bad, match="not valid UTF-8")
    k.refused("answer", "acme", "@maria", "1", bad, match="not valid UTF-8")
    k.ok("add", "acme", "action", "Send the deck")
    k.refused("edit", "acme#1", bad, match="not valid UTF-8")
    k.refused("edit", "acme#1", "--mitigation", bad, match="not valid UTF-8")
    k.refused("attendee", "acme", "Maria Lopez", "--title", bad, match="not valid UTF-8")
