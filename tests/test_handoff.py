"""The sales handoff (issue 11 part 1): `kickoff prep ID --from FILE` imports attendees with
emails and roles, objectives, promises, risks, pre-reads and the contract date; importing twice
updates, never duplicates; a bad file names the file, the entry and the field, exits 2 and
changes nothing. Attendees carry an email (`kickoff attendee --email`)."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
import pytest

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.handoff import example_path, import_handoff, read_file
from kickoff_tui.core.record import create_meeting, load_snapshot
from tests.dbutil import dump
from tests.dbutil import run_cli as kickoff

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "handoff-example.toml"
START = pendulum.datetime(2026, 12, 1, 15, 0, tz="Europe/Berlin")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def acme(store):
    return create_meeting(store, "Acme Corp", get_template("kickoff-play"), START, "Europe/Berlin")


def test_the_example_ships_and_the_readme_shows_it():
    assert example_path().read_bytes() == EXAMPLE.read_bytes()
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "kickoff prep" in readme and "[[attendees]]" in readme and "promises = [" in readme


def test_a_good_file_imports_everything_and_twice_updates_never_duplicates(store, acme, db_url):
    first = import_handoff(store, acme.id, read_file(EXAMPLE))
    assert (first.added_people, first.added_items) == (4, 7)
    snap = load_snapshot(store, acme.id)
    maria = next(a for a in snap.attendees if a.name == "Maria Lopez")
    assert maria.email == "maria.lopez@acme.example"
    assert maria.role_list == ["decision-maker", "executive-sponsor"] and maria.side == "theirs"
    kinds = sorted(i.kind for i in snap.items)
    assert kinds == ["objective"] * 2 + ["promise"] * 3 + ["risk"] * 2
    veto = next(i for i in snap.items if "veto" in i.text)
    assert veto.owner == "Sam Patel" and veto.owner_attendee_id is not None
    assert veto.severity == "high" and veto.mitigation.startswith("Invite Lee")
    assert snap.meeting.contract_close == pendulum.date(2026, 11, 26)
    assert "Draft success plan" in (snap.meeting.prep or "")

    before = dump(db_url)
    again = import_handoff(store, acme.id, read_file(EXAMPLE))
    assert (again.added_people, again.added_items, again.updated_items) == (0, 0, 0)
    assert dump(db_url) == before  # nothing written at all

    changed = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace('email = "dana.kim@acme.example"', 'email = "dana@acme.example"')
        .replace('id = "training", text = "Two on-site', 'id = "training", text = "Three on-site')
    )
    path = Path(db_url.split("///")[-1]).with_name("h2.toml") if "sqlite" in db_url else None
    path = path or Path(__import__("tempfile").mkdtemp()) / "h2.toml"
    path.write_text(changed, encoding="utf-8")
    third = import_handoff(store, acme.id, read_file(path))
    assert (third.added_people, third.updated_people) == (0, 1)
    assert (third.added_items, third.updated_items) == (0, 1)  # same id, new text: updated
    snap = load_snapshot(store, acme.id)
    assert len(snap.attendees) == 4 and len(snap.items) == 7
    assert any(i.text == "Three on-site training days included" for i in snap.items)
    assert next(a for a in snap.attendees if a.name == "Dana Kim").email == "dana@acme.example"


def test_json_in_the_same_shape_imports_the_same(store, acme, tmp_path):
    import tomllib

    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["contract_close"] = data["contract_close"].isoformat()
    path = tmp_path / "handoff.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = import_handoff(store, acme.id, read_file(path))
    assert (done.added_people, done.added_items) == (4, 7)
    again = import_handoff(store, acme.id, read_file(EXAMPLE))  # TOML after JSON: same entries
    assert (again.added_people, again.added_items) == (0, 0)


BAD = [
    ("client = 3\n", "field 'client' is a number"),
    ('contract_close = "soon"\n', "field 'contract_close'"),
    ('colour = "red"\n', "unknown field 'colour'"),
    ('[[attendees]]\ntitle = "VP"\n', "attendees[1]: field 'name' is missing"),
    ('[[attendees]]\nname = "Ann"\nside = "nobody"\n', "attendees[1] (\"Ann\"): field 'side'"),
    ('[[attendees]]\nname = "Ann"\nemail = "ann@"\n', "attendees[1] (\"Ann\"): field 'email'"),
    ('[[attendees]]\nname = "Ann"\nroles = ["boss"]\n', "field 'roles' has unknown role 'boss'"),
    ('[[attendees]]\nname = "Ann"\nseniority = "x"\n', "field 'seniority'"),
    ('[[attendees]]\nname = "Ann"\nnickname = "A"\n', "unknown field 'nickname'"),
    ('[[attendees]]\nname = "Ann"\n[[attendees]]\nname = "ann"\n', "listed twice"),
    ("promises = [3]\n", "promises[1]: the entry is a number"),
    ('promises = [{ owner = "Sam" }]\n', "promises[1]: field 'text' is missing"),
    ('risks = [{ text = "x", severity = "huge" }]\n', "risks[1] (\"x\"): field 'severity'"),
    ('risks = [{ text = "x", due = "next week" }]\n', "risks[1] (\"x\"): field 'due'"),
    ('objectives = "grow"\n', "field 'objectives' is not a list"),
    ('objectives = ["a", "A"]\n', 'objectives[2] ("A"): the same entry is listed twice'),
    ('client = "Other Co"\n', "field 'client' is 'Other Co' but meeting"),
    ("client = \n", "not valid TOML"),
]


@pytest.mark.parametrize(("body", "message"), BAD, ids=[m for _, m in BAD])
def test_a_bad_file_names_file_entry_and_field_exits_2_and_changes_nothing(
    store, acme, db_url, tmp_path, body, message
):
    path = tmp_path / "handoff.toml"
    path.write_text(body, encoding="utf-8")
    before = dump(db_url)
    r = kickoff("prep", acme.id, "--from", str(path), "--db", db_url)
    assert r.returncode == 2, r.stdout + r.stderr
    assert str(path) in r.stderr and message in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1
    assert dump(db_url) == before


def test_a_bad_entry_after_good_ones_writes_nothing(store, acme, db_url, tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8") + '\n[[attendees]]\nname = "Zed"\nemail = "zed"\n'
    path = tmp_path / "h.toml"
    path.write_text(text, encoding="utf-8")
    before = dump(db_url)
    r = kickoff("prep", acme.id, "--from", str(path), "--db", db_url)
    assert r.returncode == 2 and "attendees[5] (\"Zed\"): field 'email'" in r.stderr
    assert dump(db_url) == before


def test_prep_on_the_command_line_and_attendee_email(tmp_path):
    db = str(tmp_path / "k.db")
    assert kickoff("new", "Acme Corp", "--start", "2026-12-01T15:00", "--tz", "UTC",
                   "--db", db).returncode == 0  # fmt: skip
    r = kickoff("prep", "acme", "--from", str(EXAMPLE), "--db", db)
    assert r.returncode == 0 and "4 attendee(s) added" in r.stdout
    r = kickoff("prep", "acme", "--from", str(EXAMPLE), "--db", db)
    assert "0 attendee(s) added, 0 updated; 0 item(s) added, 0 updated; 11 unchanged" in r.stdout
    r = kickoff("attendee", "acme", "Bo Ek", "--email", "bo@acme.example", "--db", db)
    assert r.returncode == 0
    r = kickoff("attendee", "acme", "Al Ek", "--email", "al at acme", "--db", db)
    assert r.returncode == 2 and "not an email address" in r.stderr
    r = kickoff("attendee", "acme", "Dana Kim", "--email", "dana@new.example", "--db", db)
    assert r.returncode == 0 and "updated Dana Kim (theirs): email" in r.stdout
    r = kickoff("prep", "acme", "--from", str(tmp_path / "missing.toml"), "--db", db)
    assert r.returncode == 2 and "missing.toml" in r.stderr
    from kickoff_tui.core.store import Store

    store = Store.open("sqlite:///" + db)
    names = {a.name: a.email for a in load_snapshot(store, "acme-corp-2026-12-01").attendees}
    assert names["Bo Ek"] == "bo@acme.example" and "Al Ek" not in names
    assert names["Dana Kim"] == "dana@new.example"
