"""Promises reconciled (issue 11 part 2): each promise from the handoff is confirmed, corrected
(with the corrected text), put out of scope or turned into a risk; the health check flags the
unreconciled ones; the record lists them all."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.checks import run_checks
from kickoff_tui.core.export.markdown import render_markdown
from kickoff_tui.core.handoff import import_handoff, read_file
from kickoff_tui.core.promises import reconcile
from kickoff_tui.core.record import create_meeting, find_item, list_items, load_snapshot
from tests.dbutil import dump
from tests.dbutil import run_cli as kickoff

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "handoff-example.toml"
START = pendulum.datetime(2026, 12, 1, 15, tz="Europe/Berlin")


@pytest.fixture
def acme(store):
    m = create_meeting(store, "Acme Corp", get_template("kickoff-play"), START, "Europe/Berlin")
    import_handoff(store, m.id, read_file(EXAMPLE))
    return m


def numbers(store, mid):
    return {i.text: i.number for i in list_items(store, mid, "promise")}


def test_each_way_of_reconciling_and_the_check_and_the_record(store, acme, db_url):
    def unreconciled():
        snap = load_snapshot(store, acme.id)
        return [f for f in run_checks(snap, START) if f.id == "promise-unreconciled"]

    assert len(unreconciled()) == 3
    n = numbers(store, acme.id)
    sso, data, training = (n[t] for t in sorted(n, key=n.get))
    r = kickoff("promise", acme.id, str(sso), "confirmed", "--db", db_url)
    assert r.returncode == 0 and r.stdout == f"#{sso} confirmed\n"
    r = kickoff("promise", acme.id, f"#{data}", "corrected", "Migrated", "by", "week", "5",
                "--db", db_url)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert len(unreconciled()) == 1
    r = kickoff("promise", acme.id, str(training), "risk", "--db", db_url)
    assert r.returncode == 0 and " → risk #" in r.stdout
    assert unreconciled() == []
    risks = list_items(store, acme.id, "risk")
    assert risks[-1].text == "Two on-site training days included"

    md = render_markdown(load_snapshot(store, acme.id))
    table = md.split("## Promises from sales")[1].split("\n## ")[0]
    assert "| confirmed |" in table and "corrected: Migrated by week 5" in table
    assert f"risk: risk \\#{risks[-1].number}" in table

    # out of scope: adds the out-of-scope item; a second import keeps every reconciliation
    item = find_item(store, acme.id, sso)
    done, made = reconcile(store, item.id, "out")
    assert done.resolution == "out-of-scope" and made is not None and made.kind == "out-of-scope"
    import_handoff(store, acme.id, read_file(EXAMPLE))
    states = {i.number: i.resolution for i in list_items(store, acme.id, "promise")}
    assert states == {sso: "out-of-scope", data: "corrected", training: "risk"}
    assert "was not reconciled" not in md


def test_bad_reconciliations_exit_2_and_change_nothing(store, acme, db_url):
    n = sorted(numbers(store, acme.id).values())
    before = dump(db_url)
    for args, message in (
        ((str(n[0]),), "say how it was reconciled"),
        ((str(n[0]), "maybe"), "unknown resolution 'maybe'"),
        ((str(n[0]), "corrected"), "needs the corrected text"),
        ((str(n[0]), "confirmed", "extra"), "only a corrected promise takes a text"),
        (("1", "confirmed"), "is not a promise (it is a objective item)"),
        (("999", "confirmed"), "no item #999"),
        (("x", "confirmed"), "cannot read promise number 'x'"),
    ):
        r = kickoff("promise", acme.id, *args, "--db", db_url)
        assert r.returncode == 2 and message in r.stderr, (args, r.stderr)
    assert dump(db_url) == before
    r = kickoff("promise", acme.id, "--db", db_url)
    assert r.returncode == 0 and r.stdout.count("NOT RECONCILED") == 3
