"""`kickoff status`: the fast path (stdlib sqlite3, no SQLModel) says exactly what the full store
said before it, in every state of the clocks, and imports none of the heavy packages."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pendulum
import pytest

from kickoff_tui.core import status, timers
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.clock import compute, fmt_duration
from kickoff_tui.core.models import Block
from kickoff_tui.core.record import create_meeting, load_snapshot
from kickoff_tui.core.store import Store
from tests.dbutil import write_raw


def stdlib(now: pendulum.DateTime) -> dt.datetime:
    """The same instant as a standard-library datetime (what the CLI passes)."""
    u = now.in_timezone("UTC")
    return dt.datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond,
                       tzinfo=dt.UTC)  # fmt: skip


def reference(store: Store, meeting_id: str, now: pendulum.DateTime, as_json: bool) -> str:
    """`kickoff status` as it was written before the fast path (cli.py at 52cf49c), verbatim
    but for ``now`` passed in and the text returned instead of echoed."""
    snap = load_snapshot(store, meeting_id)
    m = snap.meeting
    mt = compute(snap.blocks, snap.events, pendulum.instance(m.start_utc), m.planned_minutes, now)
    cur = mt.current
    block = snap.block(mt.current_block_id)
    state = (
        "ended"
        if mt.ended
        else "paused"
        if mt.paused
        else "running"
        if mt.started
        else "not started"
    )
    if as_json:
        out = {
            "meeting": m.id,
            "state": state,
            "block": block.title if block else None,
            "block_position": block.position + 1 if block else None,
            "block_elapsed_s": round(cur.elapsed_s, 1) if cur else 0,
            "block_remaining_s": round(cur.remaining_s, 1) if cur else 0,
            "meeting_elapsed_s": round(mt.elapsed_s, 1),
            "meeting_remaining_s": round(mt.remaining_s, 1),
            "behind_s": round(mt.behind_s, 1),
            "projected_end": mt.projected_end.in_timezone(m.tz).isoformat()
            if mt.projected_end
            else None,
        }
        return json.dumps(out, ensure_ascii=False)
    if not mt.started:
        start = pendulum.instance(m.start_utc).in_timezone(m.tz).format("ddd D MMM HH:mm zz")
        return f"{m.id}: not started (scheduled {start})"
    where = (
        f"{block.position + 1}/{len(snap.blocks)} {block.title}"
        if block and cur
        else "between blocks"
    )
    left = f"{fmt_duration(cur.remaining_s)} left" if cur else ""
    drift = mt.behind_s
    pace = (
        f"{fmt_duration(abs(drift))} {'behind' if drift > 0 else 'ahead'}"
        if abs(drift) >= 60
        else "on time"
    )
    return f"{m.id}: {state} · {where} · {left} · meeting {fmt_duration(mt.elapsed_s)} · {pace}"


def scenario(store: Store, mid: str, start: pendulum.DateTime, name: str) -> pendulum.DateTime:
    """Play the timer events for one state of the clocks; return the ``now`` to look at."""
    if name == "not-started":
        return start.subtract(minutes=7, seconds=3)
    timers.start(store, mid, start.add(seconds=11))
    if name == "first-block":
        return start.add(minutes=3, seconds=7, microseconds=250_000)
    if name == "overtime":
        return start.add(minutes=29, seconds=41)
    if name == "paused":
        timers.toggle_pause(store, mid, start.add(minutes=2))
        return start.add(minutes=6)
    if name == "resumed-extended":
        timers.toggle_pause(store, mid, start.add(minutes=2))
        timers.toggle_pause(store, mid, start.add(minutes=4))
        timers.extend(store, mid, start.add(minutes=5), seconds=120)
        return start.add(minutes=9, seconds=30)
    if name == "ahead":
        timers.step(store, mid, +1, start.add(minutes=1))
        timers.step(store, mid, +1, start.add(minutes=2))
        return start.add(minutes=3, seconds=59)
    if name == "behind":
        timers.step(store, mid, +1, start.add(minutes=40))
        return start.add(minutes=52)
    if name == "between-blocks":
        from kickoff_tui.core.timer_events import add_timer_event

        snap = load_snapshot(store, mid)
        add_timer_event(store, mid, "block-ended", block_id=snap.blocks[0].id,
                        at=start.add(minutes=5))  # fmt: skip
        return start.add(minutes=8)
    if name == "ended":
        timers.end(store, mid, start.add(minutes=80))
        return start.add(hours=5)
    raise AssertionError(name)


SCENARIOS = ["not-started", "first-block", "overtime", "paused", "resumed-extended", "ahead",
             "behind", "between-blocks", "ended"]  # fmt: skip
ZONES = ["Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata", "UTC"]


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("name", SCENARIOS)
def test_fast_status_says_what_the_full_store_said(tmp_path, tz, name):
    url = "sqlite:///" + str(tmp_path / "k.db")
    store = Store.open(url)
    start = pendulum.datetime(2026, 11, 24, 15, 0, tz=tz)
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), start, tz)
    now = scenario(store, m.id, start, name)
    fast = status.read_sqlite(url, "acme")
    assert fast is not None  # the fast path answered (no fallback)
    full = status.read_store(store, "acme")
    assert fast == full
    for as_json in (False, True):
        expected = reference(store, m.id, now, as_json)
        assert status.render(fast, now, as_json=as_json) == expected
        assert status.render(fast, stdlib(now), as_json=as_json) == expected
    store.close()


def test_fast_path_declines_what_it_cannot_answer(tmp_path):
    url = "sqlite:///" + str(tmp_path / "k.db")
    store = Store.open(url)
    start = pendulum.datetime(2026, 11, 24, 15, 0, tz="UTC")
    for client in ("Acme Corp", "Acme Labs"):
        create_meeting(store, client, get_template("kickoff-90"), start, "UTC")
    assert status.read_sqlite(url, "acme") is None  # ambiguous: the store words the error
    assert status.read_sqlite(url, "nope") is None
    assert status.read_sqlite(url, "acme-labs") is not None
    assert status.read_sqlite("postgresql+psycopg://u@h/db", "acme") is None
    assert status.read_sqlite("sqlite:///" + str(tmp_path / "missing.db"), "acme") is None
    store.close()


def test_control_characters_in_an_old_block_title_stay_out_of_the_status(tmp_path):
    url = "sqlite:///" + str(tmp_path / "k.db")
    store = Store.open(url)
    start = pendulum.datetime(2026, 11, 24, 15, 0, tz="UTC")
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), start, "UTC")
    first = load_snapshot(store, m.id).blocks[0]
    write_raw(store, Block, int(first.id or 0), title="Welcome\x1b]0;pwned\x07\x1b[31m\nnow")
    timers.start(store, m.id, start)
    data = status.read_sqlite(url, m.id)
    assert data is not None
    line = status.render(data, start.add(minutes=1))
    assert "1/" in line and "Welcome now" in line and "\x1b" not in line and "\n" not in line
    store.close()


STATUS_IMPORTS = """
import sys
from kickoff_tui.cli import main
try:
    main({args!r}, standalone_mode=False)
finally:
    heavy = sorted({{m.split('.')[0] for m in sys.modules}}
                   & {{'sqlmodel', 'sqlalchemy', 'pydantic', 'pendulum', 'textual', 'rich',
                      'platformdirs'}})
    print('HEAVY', heavy)
"""


@pytest.mark.parametrize("as_json", [False, True])
def test_status_imports_no_sqlmodel_pendulum_or_textual(tmp_path, as_json):
    db = tmp_path / "k.db"
    store = Store.open("sqlite:///" + str(db))
    start = pendulum.datetime(2026, 11, 24, 15, 0, tz="Europe/Berlin")
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), start, "Europe/Berlin")
    timers.start(store, m.id, pendulum.now("UTC"))
    store.close()
    args = ["--db", str(db), "status", "acme", *(["--json"] if as_json else [])]
    r = subprocess.run([sys.executable, "-c", STATUS_IMPORTS.format(args=args)],
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 0, r.stderr
    out, heavy = r.stdout.rsplit("HEAVY ", 1)
    assert heavy.strip() == "[]", heavy
    if as_json:
        assert json.loads(out)["state"] == "running"
    else:
        assert out.startswith("acme-corp-2026-11-24: running · 1/")
