"""Stores upgrade (issue 17 point 7): the meeting files written by every released schema
(tests/fixtures/schema_v<N>.db, made by tests/fixtures/make_fixture.py) open with this code on
SQLite and on PostgreSQL — nothing lost, identities given, new captures accepted; the upgrade is
all or nothing, a SQLite file is backed up beside it first, and the upgraded schema is exactly
the one a new store gets."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pendulum
import pytest
from sqlalchemy import MetaData, create_engine, inspect, text

from kickoff_tui.core import timers, upgrades
from kickoff_tui.core.export.markdown import render_markdown
from kickoff_tui.core.models import SCHEMA_VERSION
from kickoff_tui.core.record import add_lines, load_snapshot, resolve_meeting, set_answer
from kickoff_tui.core.store import Store
from tests.dbutil import dump

FIXTURES = Path(__file__).with_name("fixtures")
RELEASED = sorted(FIXTURES.glob("schema_v*.db"), key=lambda p: int(p.stem.split("_v")[1]))
ACME = "acme-corp-2026-11-24"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


def version_of(fixture: Path) -> int:
    return int(fixture.stem.split("_v")[1])


def test_there_is_a_fixture_for_the_first_release_and_for_this_schema():
    versions = [version_of(f) for f in RELEASED]
    assert versions[0] == 1
    assert versions[-1] == SCHEMA_VERSION, "run tests/fixtures/make_fixture.py and commit it"
    for f in RELEASED:
        assert f.with_suffix(".postgresql.sql").is_file()


def rows_by_key(url: str) -> dict[str, dict[object, dict[str, object]]]:
    """Every row of every table, keyed by its primary key, as column -> value."""
    engine = create_engine(url)
    md = MetaData()
    md.reflect(engine)
    out: dict[str, dict[object, dict[str, object]]] = {}
    with engine.connect() as conn:
        for t in md.sorted_tables:
            keys = [c.name for c in t.primary_key.columns]
            out[t.name] = {
                tuple(r[k] for k in keys): dict(r)
                for r in (row._mapping for row in conn.execute(t.select()))
            }
    engine.dispose()
    return out


def load_into_postgres(fixture: Path, pg_url: str, tmp_path: Path) -> None:
    """A PostgreSQL store of the fixture's version: its DDL, then the fixture's rows."""
    copy = tmp_path / "rows.db"
    shutil.copy(fixture, copy)
    pg = create_engine(pg_url)
    with pg.begin() as conn:
        conn.exec_driver_sql(fixture.with_suffix(".postgresql.sql").read_text(encoding="utf-8"))
    src = create_engine("sqlite:///" + str(copy))
    md_src, md_pg = MetaData(), MetaData()
    md_src.reflect(src)
    md_pg.reflect(pg)
    with src.connect() as a, pg.begin() as b:
        for t in md_pg.sorted_tables:
            rows = [dict(r._mapping) for r in a.execute(md_src.tables[t.name].select())]
            if rows:
                b.execute(t.insert(), rows)
            if "id" in t.c and t.c.id.autoincrement in (True, "auto") and t.name != "meeting":
                seq = f"pg_get_serial_sequence('{t.name}', 'id')"
                top = f"COALESCE((SELECT MAX(id) FROM {t.name}), 0) + 1"
                b.execute(text(f"SELECT setval({seq}, {top}, false)"))
    src.dispose()
    pg.dispose()


def old_store(fixture: Path, backend: str, db_url: str, tmp_path: Path) -> str:
    """The fixture as a store of its own version on ``backend``; returns its URL."""
    if backend == "postgresql":
        load_into_postgres(fixture, db_url, tmp_path)
        return db_url
    path = tmp_path / "kickoff.db"
    shutil.copy(fixture, path)
    return "sqlite:///" + str(path)


def check_content(store: Store) -> None:
    """What tests/fixtures/make_fixture.py put in, read through today's code."""
    snap = load_snapshot(store, ACME)
    m = snap.meeting
    assert (m.client, m.tz, m.cadence) == (
        "Acme Corp",
        "Europe/Berlin",
        "weekly Tuesday 10:00, 30 min",
    )
    assert m.first_value_goal == "First report live" and str(m.first_value_date) == "2026-12-04"
    assert [a.name for a in snap.attendees] == ["María López", "Jörg Weber", "Sam Patel",
                                                "Absent Person"]  # fmt: skip
    assert snap.attendees[0].role_list == ["decision-maker", "executive-sponsor"]
    assert not snap.attendees[3].present
    texts = {i.text: i for i in snap.items}
    assert "typo that gets deleted" not in texts  # soft-deleted stays deleted
    assert texts["Send the signed SOW @María"].version == 2
    assert texts["Book the demo"].status == "done"
    assert texts["Internal: check margin"].internal
    assert texts["SSO may slip"].severity == "high"
    assert len(snap.items) == 11
    assert len(snap.answers) == 10
    assert {n.text for n in snap.notes} == {"Intros went well — ümlauts ok",
                                            "Objectives: in their words"}  # fmt: skip
    assert [e.kind for e in snap.events] == ["block-started", "extended", "block-started",
                                             "paused", "resumed"]  # fmt: skip
    mt = timers.meeting_time(snap, pendulum.datetime(2026, 11, 24, 14, 20, tz="UTC"))
    assert mt.current is not None and mt.current.position == 1 and not mt.paused
    # Identity: every row has one, unique; items are numbered per meeting in capture order.
    rows = [m, *snap.blocks, *snap.attendees, *snap.items, *snap.answers, *snap.events,
            *snap.notes]  # fmt: skip
    uids = [r.uid for r in rows]
    assert all(uids) and len(set(uids)) == len(uids)
    with_deleted = sorted((i.id, i.number) for i in _all_items(store, ACME))
    assert [n for _, n in with_deleted] == list(range(1, 13))
    assert sorted(i.number for i in _all_items(store, "other-co-2026-11-24")) == [1, 2]


def _all_items(store: Store, meeting_id: str):
    from kickoff_tui.core.record import list_items

    return list_items(store, meeting_id, include_deleted=True)


def check_new_captures(store: Store) -> None:
    m = resolve_meeting(store, ACME)
    [item] = add_lines(store, m, "action", ["Send the recap @María due:2026-11-26"])
    assert item.number == 13 and item.uid and item.owner == "María López"
    snap = load_snapshot(store, ACME)
    jorg = next(a for a in snap.attendees if a.name == "Jörg Weber")
    assert set_answer(store, ACME, jorg.id, 1, "Uptime, really").version == 2
    now = pendulum.datetime(2026, 11, 24, 14, 30, tz="UTC")
    assert timers.step(store, ACME, 1, now) == "moved"
    assert timers.end(store, ACME, now.add(minutes=1)) == 5  # the blocks never opened
    record = render_markdown(load_snapshot(store, ACME), now=now)
    assert "María López" in record and "Send the recap" in record


@pytest.mark.parametrize("fixture", RELEASED, ids=lambda p: p.stem)
@pytest.mark.slow  # real processes: the full suite runs it
def test_a_released_store_opens_with_nothing_lost(fixture, backend, db_url, tmp_path):
    url = old_store(fixture, backend, db_url, tmp_path)
    before = rows_by_key(url)
    store = Store.open(url)
    old = version_of(fixture)
    assert store.schema_version() == SCHEMA_VERSION
    assert store.upgraded_from == (old if old < SCHEMA_VERSION else None)
    after = rows_by_key(url)
    # Every row and every value it had is still there; only new columns were added.
    for table, rows in before.items():
        if table == "kickoff_meta":
            continue
        assert after[table].keys() == rows.keys(), table
        for key, row in rows.items():
            assert {k: after[table][key][k] for k in row} == row, (table, key)
    check_content(store)
    check_new_captures(store)
    store.close()
    assert Store.open(url).upgraded_from is None  # once upgraded, opened as it is


def test_a_sqlite_file_is_backed_up_beside_it_before_its_first_upgrade(tmp_path):
    path = tmp_path / "kickoff.db"
    shutil.copy(RELEASED[0], path)
    content = dump("sqlite:///" + str(path))
    store = Store.open("sqlite:///" + str(path))
    backup = tmp_path / "kickoff.db.schema-v1.bak"
    assert store.backup_path == backup and backup.is_file()
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert dump("sqlite:///" + str(backup)) == content  # the file as it was, schema 1
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one whole file
    conn.close()
    store.close()
    Store.open("sqlite:///" + str(path)).close()
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == [backup.name]


def test_a_failed_upgrade_changes_nothing_and_a_later_one_works(backend, db_url, tmp_path,
                                                                monkeypatch):  # fmt: skip
    url = old_store(RELEASED[0], backend, db_url, tmp_path)
    before = dump(url)

    def broken(conn):
        raise RuntimeError("step 2 -> 3 failed half-way")

    monkeypatch.setitem(upgrades.STEPS, 2, broken)  # step 1 -> 2 has run when this fails
    with pytest.raises(RuntimeError, match="half-way"):
        Store.open(url)
    assert dump(url) == before  # no uid column, no index, version 1
    monkeypatch.undo()
    store = Store.open(url)
    assert store.upgraded_from == 1
    check_content(store)
    store.close()
    if backend == "sqlite":  # the first backup is never overwritten by the retry's
        names = sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name)
        assert names == ["kickoff.db.schema-v1-2.bak", "kickoff.db.schema-v1.bak"]


def test_terminals_opening_an_old_store_at_once_upgrade_it_once(backend, db_url, tmp_path):
    url = old_store(RELEASED[0], backend, db_url, tmp_path)
    gate = threading.Barrier(4)
    opened: list[Store] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        gate.wait()
        try:
            opened.append(Store.open(url))
        except BaseException as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert [s.upgraded_from for s in opened].count(1) == 1
    assert {s.schema_version() for s in opened} == {SCHEMA_VERSION}
    check_content(opened[0])
    for s in opened:
        s.close()
    if backend == "sqlite":
        assert len([p for p in tmp_path.iterdir() if ".bak" in p.name]) == 1


def schema_of(url: str) -> dict[str, object]:
    """Tables, columns (type, nullability), indexes, unique constraints and foreign keys."""
    engine = create_engine(url)
    insp = inspect(engine)
    out: dict[str, object] = {}
    for t in sorted(insp.get_table_names()):
        out[t] = {
            "columns": sorted(
                (c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(t)
            ),  # fmt: skip
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in insp.get_indexes(t)
            ),  # fmt: skip
            "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(t)),
            "pk": insp.get_pk_constraint(t)["constrained_columns"],
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in insp.get_foreign_keys(t)
            ),  # fmt: skip
        }
    engine.dispose()
    return out


def test_an_upgraded_store_has_exactly_the_schema_of_a_new_one(backend, db_url, tmp_path,
                                                                request):  # fmt: skip
    url = old_store(RELEASED[0], backend, db_url, tmp_path)
    Store.open(url).close()
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        name = server.create_database()
        request.addfinalizer(lambda: server.drop_database(name))
        fresh_url = server.url(name)
    else:
        fresh_url = "sqlite:///" + str(tmp_path / "fresh.db")
    Store.open(fresh_url).close()
    assert schema_of(url) == schema_of(fresh_url)


@pytest.mark.slow  # real processes: the full suite runs it
def test_the_command_line_says_once_that_it_upgraded_and_where_the_old_file_is(tmp_path):
    import os
    import subprocess
    import sys

    path = tmp_path / "kickoff.db"
    shutil.copy(RELEASED[0], path)
    env = {k: v for k, v in os.environ.items() if k != "KICKOFF_DB"}

    def kickoff(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kickoff_tui.cli", *args, "--db", str(path)],
                              capture_output=True, text=True, env=env, timeout=60)  # fmt: skip

    first = kickoff("list")
    assert first.returncode == 0, first.stderr
    assert ACME in first.stdout
    assert first.stderr == (
        f"kickoff: upgraded sqlite:///{path} from schema 1 to {SCHEMA_VERSION}; the file as it "
        f"was is kept at {path}.schema-v1.bak\n"
    )
    again = kickoff("add", ACME, "action", "Send the recap @María")
    assert again.returncode == 0 and again.stderr == ""
