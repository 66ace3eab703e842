"""Secrecy by construction: nothing internal reaches a client-facing output.

The property test fills real meetings (real SQLite files, the real capture grammar and fact
lines) with random internal items, internal facts and risk mitigations, then renders every
client-facing format and asserts that none of their text appears; the internal Markdown record
must hold all of it (so the test can fail). Secrets carry a unique marker word, which no
escaping, wrapping or folding can split.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kickoff_tui.core import record
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.attendees import put_attendee
from kickoff_tui.core.entry import submit
from kickoff_tui.core.errors import CaptureError
from kickoff_tui.core.export import pack
from kickoff_tui.core.readmodel import ClientRecord, build_record, client_view
from kickoff_tui.core.store import Store
from kickoff_tui.core.vocab import ITEM_KINDS

TZ = "Europe/Berlin"
START = pendulum.datetime(2026, 11, 24, 15, 0, tz=TZ)
NOW = START.add(days=2)  # late: the follow-through finding fires too
_counter = itertools.count()

# Free text as people type it: letters (accents too), digits, punctuation, Markdown and CSV
# metacharacters; no token starters (@, #, due:) so the grammar keeps it all as text.
WORDS = st.text(
    alphabet=st.sampled_from(list("abcxyzÄöüßéñ 0123456789.,;!?\"'|*_<>[]()&=+-/\\")),
    min_size=0,
    max_size=25,
)
SECRET_ITEM = st.tuples(st.sampled_from(ITEM_KINDS), WORDS, st.booleans(), st.booleans())
FACTS = st.fixed_dictionaries(
    {
        "cadence": st.booleans(),
        "first_value": st.booleans(),
        "person": st.booleans(),
        "mitigation": st.booleans(),
    }
)


def marker() -> str:
    return f"zqx{next(_counter)}secret"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store.open("sqlite:///" + str(tmp_path_factory.mktemp("secrecy") / "k.db"))
    yield s
    s.close()


def client_outputs(store: Store, mid: str) -> dict[str, str]:
    snap = record.load_snapshot(store, mid)
    out = {fmt: pack.render(snap, fmt, NOW).decode("utf-8") for fmt in pack.CLIENT_FORMATS}
    out["ics"] = out["ics"].replace("\r\n ", "")  # unfold RFC 5545 continuation lines
    out["json"] = json.dumps(json.loads(out["json"]), ensure_ascii=False)
    return out


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(SECRET_ITEM, min_size=1, max_size=6),
    public=st.lists(WORDS, max_size=3),
    facts=FACTS,
)
@pytest.mark.slow  # real processes: the full suite runs it
def test_no_internal_text_reaches_a_client_output(store, items, public, facts) -> None:
    m = record.create_meeting(store, "Nord AG", get_template("kickoff-play"), START, TZ)
    maria = record.add_attendee(store, m.id, "María López", side="theirs", roles=["champion"])
    record.add_attendee(store, m.id, "Sam Ortiz", side="ours", roles=["primary-contact"])
    people = record.attendee_names(store, m.id)
    block = record.load_snapshot(store, m.id, with_items=False).blocks[0].id
    secrets: list[str] = []

    def line(kind: str, text: str) -> None:
        submit(store, m, people, kind, text, block_id=block, by="test")

    for kind, words, owned, dated in items:
        secret = f"{marker()} {words}"
        secrets.append(secret.split()[0])
        extra = (" @maria" if owned else "") + (" due:fri" if dated else "")
        line(kind, f"{secret}{extra} #internal")
    for words in public:  # public items around them, owned by the same people
        line("action", f"public {words} @lopez due:+2d")
    risk = record.add_item(store, m, "risk", record.parse_line(store, m, "public risk @maria"))
    if facts["mitigation"]:
        secrets.append(marker())
        record.update_item(store, risk.id, risk.version, mitigation=f"{secrets[-1]} escalate")
    if facts["cadence"]:
        secrets.append(marker())
        line("", f"cadence weekly {secrets[-1]}, Tue 10:00, 30 min #internal")
    if facts["first_value"]:
        secrets.append(marker())
        line("", f"first-value {secrets[-1]} live due:+5d #INTERNAL")
    if facts["person"]:
        secrets.append(marker())
        line("", f"person Dana Kim, {secrets[-1]} hates long calls side:them #internal")
    line("", "next fri 10:00")
    record.set_answer(store, m.id, maria.id, 2, "Faster month-end close")

    outputs = client_outputs(store, m.id)
    for fmt, text in outputs.items():
        for secret in secrets:
            assert secret not in text, (fmt, secret)
    internal = pack.render(record.load_snapshot(store, m.id), "md", NOW).decode("utf-8")
    for secret in secrets:
        assert secret in internal  # the secrets were really saved (the test can fail)
    assert "Faster month-end close" in outputs["email"]  # and public text does go out


def test_client_record_has_no_field_for_secrets() -> None:
    """The type itself: a ClientRecord has no internal flag, no mitigation, no notes."""
    fields = set(ClientRecord.__dataclass_fields__)
    assert "notes" not in fields
    from kickoff_tui.core.readmodel import ClientItem, ClientPerson

    assert not {"internal", "mitigation", "visibility"} & set(ClientItem.__dataclass_fields__)
    assert "title_internal" not in ClientPerson.__dataclass_fields__


def test_issue_reproduction_internal_cadence_stays_out(tmp_path: Path) -> None:
    """`:cadence weekly Tuesday 10:00 #internal` was printed in the email and the CRM JSON."""
    store = Store.open("sqlite:///" + str(tmp_path / "k.db"))
    m = record.create_meeting(store, "Acme", get_template("kickoff-90"), START, TZ)
    submit(store, m, [], "", "cadence weekly Tuesday 10:00 #internal", block_id=None, by="t")
    rec = build_record(record.load_snapshot(store, m.id))
    assert rec.cadence.text == "weekly Tuesday 10:00" and rec.cadence.internal
    assert client_view(rec).cadence == ""
    for fmt, text in client_outputs(store, m.id).items():
        assert "weekly Tuesday" not in text, fmt
        assert "#internal" not in text, fmt
    md = pack.render(record.load_snapshot(store, m.id), "md", NOW).decode("utf-8")
    assert "- **Cadence:** weekly Tuesday 10:00 *(internal)*" in md


@pytest.mark.parametrize("typo", ["#intenral", "#interal"])
def test_tag_typo_on_the_capture_line_saves_nothing(tmp_path: Path, typo: str) -> None:
    store = Store.open("sqlite:///" + str(tmp_path / "k.db"))
    m = record.create_meeting(store, "Acme", get_template("kickoff-90"), START, TZ)
    for kind, text in (("action", f"check margin {typo}"), ("", f"cadence weekly {typo}")):
        with pytest.raises(CaptureError, match=r"did you mean #internal\?"):
            submit(store, m, [], kind, text, block_id=None, by="t")
    snap = record.load_snapshot(store, m.id)
    assert snap.items == [] and snap.meeting.cadence is None


def test_an_internal_next_meeting_reaches_no_client_output(tmp_path: Path) -> None:
    """`next fri 10:00 #internal`: a date we keep to ourselves (schema 4's column). The client
    outputs leave it out — no next-meeting event in the calendar file, no date in the email —
    while the internal record shows it, marked; a public one goes out as before."""
    store = Store.open("sqlite:///" + str(tmp_path / "k.db"))
    m = record.create_meeting(store, "Acme", get_template("kickoff-90"), START, TZ)
    said = submit(store, m, [], "", "next fri 10:00 #internal", block_id=None, by="t")
    assert "(internal)" in said.message
    snap = record.load_snapshot(store, m.id)
    assert snap.meeting.next_meeting_utc is not None and snap.meeting.next_meeting_internal
    outputs = client_outputs(store, m.id)
    assert "next meeting after kickoff" not in outputs["ics"]
    assert "27 Nov" not in outputs["email"] and "2026-11-27" not in outputs["json"]
    md = pack.render(snap, "md", NOW).decode("utf-8")
    assert (
        "27 November 2026" in md
        and "*(internal)*" in md.split("**Next meeting:**")[1].split("\n")[0]
    )
    submit(store, m, [], "", "next fri 10:00", block_id=None, by="t")  # public again
    outputs = client_outputs(store, m.id)
    assert "next meeting after kickoff" in outputs["ics"] and "2026-11-27" in outputs["json"]


def test_owner_flagged_the_same_in_every_output(tmp_path: Path) -> None:
    store = Store.open("sqlite:///" + str(tmp_path / "k.db"))
    m = record.create_meeting(store, "Acme", get_template("kickoff-90"), START, TZ)
    record.add_attendee(store, m.id, "Jörg Weber", side="ours")
    for text in ("Send recap @bob due:fri", "Book room @joerg due:fri"):
        record.add_item(store, m, "action", record.parse_line(store, m, text))
    snap = record.load_snapshot(store, m.id)
    outs = {fmt: pack.render(snap, fmt, NOW).decode("utf-8") for fmt in pack.FORMATS}
    outs["ics"] = outs["ics"].replace("\r\n ", "")
    for fmt, text in outs.items():
        assert "bob (not an attendee)" in text, fmt
        assert "Jörg Weber" in text, fmt
        assert "joerg" not in text, fmt


def test_the_csv_carries_the_owners_email_once_known(tmp_path: Path) -> None:
    """Issue 15.7's "owner email" column: filled from attendee.email (schema 4), empty for an
    owner who is not an attendee; read back with csv and utf-8-sig."""
    import csv
    import io

    store = Store.open("sqlite:///" + str(tmp_path / "k.db"))
    m = record.create_meeting(store, "Acme", get_template("kickoff-90"), START, TZ)
    put_attendee(store, m.id, "María López", side="theirs", email="maria@acme.example")
    for text in ("Send recap @maria due:fri", "Book room @bob due:fri"):
        record.add_item(store, m, "action", record.parse_line(store, m, text))
    data = pack.render(record.load_snapshot(store, m.id), "csv", NOW).decode("utf-8-sig")
    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(data, newline=""))}
    assert rows["Send recap"]["owner email"] == "maria@acme.example"
    assert rows["Book room"]["owner email"] == ""
