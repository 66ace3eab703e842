"""Drafts of the capture line survive a killed terminal (issue 9 point 3).

A real cockpit process on a pseudo-terminal is typed into and killed with SIGKILL; a fresh App on
the same files then shows the text back in the line of the same kind (or the same item's edit).
Saving, Escape and an emptied line clear the draft. The draft file is private (0600) and is
never seen half-written, by a reader or after a killed writer. No timing assertions: waits have
generous deadlines and only say how long to wait, never how fast something must be.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import signal
import stat
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_block_views import meeting_from
from textual.app import App, ComposeResult

from kickoff_tui.core import drafts, timers
from kickoff_tui.core.drafts import Draft, DraftBox, draft_stem, drafts_dir
from kickoff_tui.core.entry import to_line
from kickoff_tui.core.record import add_lines, list_items, update_item
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.widgets.capture_line import CaptureLine

ROOT = Path(__file__).resolve().parents[1]
SIZE = (120, 40)


def wait_until(condition: Callable[[], object], timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what or condition}")
        time.sleep(0.02)


def draft_path(url: str, meeting_id: str, role: str = "facilitator") -> Path:
    return drafts_dir() / (draft_stem(url, meeting_id, role) + ".json")


def read_file(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def read_draft(path: Path) -> dict | None:
    """The line's draft as the file holds it (None: no file, or no line in it)."""
    data = read_file(path)
    return data["line"] if data else None


def make_app(db_url: str, meeting_id: str, role: str = "facilitator", clock=None) -> KickoffApp:  # noqa: ANN001
    return KickoffApp(meeting_ref=meeting_id, store=Store.open(db_url), role=role, bell=False,
                      clock=clock)  # fmt: skip


def keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def line_of(app: KickoffApp) -> CaptureLine:
    return app.screen.query_one(CaptureLine)


async def until(pilot, condition: Callable[[], object], timeout: float = 20.0) -> None:  # noqa: ANN001
    """Let the app run until ``condition`` holds (a deadline to give up, not a speed limit)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        await pilot.pause(0.05)


async def settle(line: CaptureLine, pilot) -> None:  # noqa: ANN001
    """Let the line hand its last change to the writer, then wait until it is on disk."""
    await pilot.pause()
    assert line.drafts is not None and line.drafts.flush(10)


# --- a real process, killed -------------------------------------------------------------------


def real_process(test: Callable[..., None]) -> Callable[..., None]:
    """A real cockpit process on a pseudo-terminal, killed; then a fresh App on the same files."""
    return pytest.mark.slow(pytest.mark.tui(test))


class PtyCockpit:
    """``kickoff run|join`` in a real pseudo-terminal: bytes in as keys, the screen's bytes out."""

    def __init__(self, db_url: str, meeting_id: str, command: str = "run") -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        env = {k: v for k, v in os.environ.items() if k != "KICKOFF_DB"}
        env.update(TERM="xterm-256color", PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kickoff_tui.cli", command, meeting_id, "--db", db_url],
            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.fd = master
        self.out = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.out.extend(data)

    def wait_for(self, text: str, after: int = 0, timeout: float = 30.0) -> int:
        needle = text.encode()
        wait_until(lambda: needle in self.out[after:] or self.proc.poll() is not None,
                   timeout=timeout, what=repr(text))  # fmt: skip
        assert self.proc.poll() is None, bytes(self.out[-2000:]).decode(errors="replace")
        return len(self.out)

    def press(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=20)
        os.close(self.fd)

    def ready(self) -> int:
        """The cockpit is up when its capture line (not the loading peek) is drawn."""
        return self.wait_for("d decision")


@real_process
def test_killed_while_typing_the_line_comes_back_in_the_same_kind(store, meeting, db_url):
    """kill -9 while keys are still arriving: a draft was written during the typing (not only
    after it stopped), and the restarted cockpit offers it in the decision line."""
    term = PtyCockpit(db_url, meeting.id)
    path = draft_path(db_url, meeting.id)
    try:
        mark = term.ready()
        term.press("d")
        term.wait_for("decision ›", after=mark)  # the line has focus: keys are the line's now
        text = "We go with Okta for SSO; Dana owns the rollout and [b]markup[/b] stays literal " * 3
        seen, typed, typed_when_seen = "", 0, 0
        for ch in text:  # about 30 keys a second, never pausing long enough to look idle
            term.press(ch)
            typed += 1
            time.sleep(0.03)
            if not seen:
                on_disk = read_draft(path)
                if on_disk and on_disk["text"]:
                    seen, typed_when_seen = on_disk["text"], typed
            elif typed >= typed_when_seen + 5:
                break  # a draft landed while typing went on; 5 more keys, then kill
        assert seen, "no draft was written while typing (only after it stopped?)"
        assert typed < len(text), "typing ended before a draft was seen"
        term.kill()
    finally:
        if term.proc.poll() is None:
            term.kill()
    left = read_draft(path)
    assert left is not None and left["kind"] == "decision"
    assert text.startswith(left["text"]) and len(left["text"]) >= len(seen)
    restored = asyncio.run(_restored(db_url, meeting.id))
    assert restored == ("decision", left["text"], None, None)


@real_process
def test_killed_after_typing_the_whole_line_comes_back_with_its_cursor(store, meeting, db_url):
    term = PtyCockpit(db_url, meeting.id)
    path = draft_path(db_url, meeting.id)
    text = "Send the SSO runbook @sam due:fri"
    try:
        mark = term.ready()
        term.press("a")
        term.wait_for("action ›", after=mark)
        term.press(text)
        term.press("\x1b[D\x1b[D")  # ← ←: the cursor is part of the draft
        wait_until(lambda: (read_draft(path) or {}).get("cursor") == len(text) - 2,
                   what="the draft with the moved cursor")  # fmt: skip
    finally:
        term.kill()
    app = make_app(db_url, meeting.id)

    async def check() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            line = line_of(app)
            assert (line.kind, line.input.value) == ("action", text)
            assert line.input.cursor_position == len(text) - 2
            assert app.focused is line.input  # keep typing where you were
            assert not list(path.parent.glob(".*.tmp"))  # a kill mid-write leaves none behind

    asyncio.run(check())


LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()  # held until the test closes our stdin
conn.execute("ROLLBACK")
"""


@real_process
def test_killed_while_the_store_is_locked_the_line_still_comes_back(store, meeting, db_url):
    """Another process holds the SQLite file's write lock (the store is stalled): the draft does
    not wait for the store, so a kill -9 in the middle of it still loses nothing typed."""
    term = PtyCockpit(db_url, meeting.id)
    path = draft_path(db_url, meeting.id)
    text = "Dana sends the SSO metadata @dana due:fri"
    locker = None
    try:
        mark = term.ready()  # then the lock: the start-up itself is not what is tested here
        db_file = db_url.removeprefix("sqlite:///")
        locker = subprocess.Popen([sys.executable, "-c", LOCKER, db_file], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        term.press("a")  # (today's cockpit stalls up to 5 s at a time on its heartbeat write)
        term.wait_for("action ›", after=mark, timeout=90)
        term.press(text)
        wait_until(lambda: (read_draft(path) or {}).get("text") == text, timeout=90,
                   what="the draft, with the store locked")  # fmt: skip
    finally:
        term.kill()
        if locker is not None:
            locker.communicate(timeout=30)  # stdin closes: the lock is released
    assert asyncio.run(_restored(db_url, meeting.id)) == ("action", text, None, None)


@real_process
def test_a_line_entered_while_the_store_is_locked_survives_a_kill(store, meeting, db_url):
    """Enter takes the line at once while its save waits in the queue for a store that does not
    answer; kill -9 then. The line was kept until it lands, so the restart offers it back (its
    save was never confirmed), and it is saved then, once."""
    term = PtyCockpit(db_url, meeting.id)
    path = draft_path(db_url, meeting.id)
    text = "Legal reviews the DPA @maria"
    locker = None
    try:
        mark = term.ready()
        db_file = db_url.removeprefix("sqlite:///")
        locker = subprocess.Popen([sys.executable, "-c", LOCKER, db_file], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        term.press("a")
        term.wait_for("action ›", after=mark, timeout=90)
        term.press(text + "\r")
        wait_until(lambda: [q["text"] for q in (read_file(path) or {}).get("queued", [])] == [text],
                   timeout=90, what="the entered line, kept while its save waits")  # fmt: skip
        assert read_draft(path) is None  # the line itself is empty: Enter took it
    finally:
        term.kill()
        if locker is not None:
            locker.communicate(timeout=30)
    assert list_items(store, meeting.id, "action") == []  # the save never landed
    app = make_app(db_url, meeting.id)

    async def check() -> None:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            line = line_of(app)
            assert (line.kind, line.input.value) == ("action", text)
            said = [n.message for n in app._notifications]
            assert any("not confirmed" in m for m in said), said
            await pilot.press("enter")
            await until(pilot, lambda: read_file(path) is None)
            assert [i.text for i in list_items(store, meeting.id, "action")] == [
                "Legal reviews the DPA"
            ]

    asyncio.run(check())


@real_process
def test_killed_while_editing_the_edit_comes_back_to_the_same_item(store, meeting, db_url):
    [item] = add_lines(store, meeting, "action", ["Send recap @sam"])
    term = PtyCockpit(db_url, meeting.id)
    path = draft_path(db_url, meeting.id)
    try:
        mark = term.ready()
        for key in "\t\t\r":  # past the block view to the Actions pane; Enter edits its item
            time.sleep(0.3)
            term.press(key)
        term.wait_for("edit #1 ›", after=mark)
        term.press(" by friday")
        wait_until(lambda: (read_draft(path) or {}).get("text", "").endswith("by friday"),
                   what="the edit's draft")  # fmt: skip
    finally:
        term.kill()
    left = read_draft(path)
    assert left is not None
    assert (left["item_id"], left["version"]) == (item.id, item.version)
    line = "action " + to_line(item) + " by friday"  # (led by its kind word: it can change)
    assert asyncio.run(_restored(db_url, meeting.id)) == ("", line, item.id, item.version)


async def _restored(db_url: str, meeting_id: str, role: str = "facilitator") -> tuple:
    """What a fresh cockpit on the same files shows on its capture line (and that it said so)."""
    app = make_app(db_url, meeting_id, role)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        line = line_of(app)
        said = [n.message for n in app._notifications]
        assert any(m.startswith("restored ") for m in said), said
        ed = line.editing
        return (line.kind, line.input.value, ed and ed.id, ed and ed.version)


# --- in one process: restore, save, cancel ----------------------------------------------------


async def test_restored_edit_saves_to_the_same_item_and_clears_the_draft(store, meeting, db_url):
    [item] = add_lines(store, meeting, "action", ["Send recap @sam"])
    app = make_app(db_url, meeting.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = line_of(app)
        line.open(item.kind, to_line(item), editing=item)
        await pilot.press(*keys(" v2"))
        await settle(line, pilot)
    path = draft_path(db_url, meeting.id)
    assert read_draft(path)["item_id"] == item.id  # a normal quit keeps the draft too
    app = make_app(db_url, meeting.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = line_of(app)
        assert line.editing is not None and line.editing.id == item.id
        await pilot.press("enter")
        await settle(line, pilot)
        [stored] = list_items(store, meeting.id, "action")
        assert (stored.text, stored.version) == ("Send recap v2", item.version + 1)
        assert line.input.value == "" and line.editing is None
    assert read_draft(path) is None


async def test_restored_edit_of_an_item_changed_since_is_a_conflict(store, meeting, db_url):
    """The draft keeps the version the edit started from, so the usual conflict handling runs:
    theirs is shown, ours stays on the line (and in the draft) until chosen."""
    [item] = add_lines(store, meeting, "action", ["Send recap @sam"])
    app = make_app(db_url, meeting.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = line_of(app)
        line.open(item.kind, to_line(item), editing=item)
        await pilot.press(*keys(" ours"))
        await settle(line, pilot)
    update_item(store, item.id, item.version, by="note-taker", text="Send recap theirs")
    app = make_app(db_url, meeting.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = line_of(app)
        await pilot.press("enter")
        await settle(line, pilot)
        [stored] = list_items(store, meeting.id, "action")
        assert stored.text == "Send recap theirs"
        assert line.input.value == to_line(item) + " ours"
        assert line.editing is not None and line.editing.version == item.version + 1
        assert read_draft(draft_path(db_url, meeting.id))["version"] == item.version + 1


async def test_saved_escaped_or_emptied_line_clears_the_draft(store, meeting, db_url):
    path = draft_path(db_url, meeting.id)
    app = make_app(db_url, meeting.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = line_of(app)
        # saved
        await pilot.press("r", *keys("Vendor delay"))
        await settle(line, pilot)
        assert read_draft(path)["kind"] == "risk"
        await pilot.press("enter")
        await settle(line, pilot)
        assert [i.text for i in list_items(store, meeting.id, "risk")] == ["Vendor delay"]
        assert read_draft(path) is None
        # cancelled with Escape; ↑ still brings the words back (and they are a draft again)
        await pilot.press("r", *keys("Budget cut"))  # (Enter closed the line)
        await settle(line, pilot)
        assert read_draft(path)["text"] == "Budget cut"
        await pilot.press("escape")
        await settle(line, pilot)
        assert read_draft(path) is None
        await pilot.press("r", "up")
        await settle(line, pilot)
        assert line.input.value == "Budget cut"
        assert read_draft(path)["text"] == "Budget cut"
        # emptied by hand
        await pilot.press(*["backspace"] * len("Budget cut"))
        await settle(line, pilot)
        assert read_draft(path) is None
    async with make_app(db_url, meeting.id).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert line_of(pilot.app).input.value == ""
        assert pilot.app.focused is None  # nothing restored: the cockpit keeps its keys


async def test_run_and_join_keep_their_own_drafts(store, meeting, db_url):
    """The facilitator's and the note-taker's terminals type at once: neither draft is lost."""
    fac, nt = make_app(db_url, meeting.id), make_app(db_url, meeting.id, "note-taker")
    async with fac.run_test(size=SIZE) as p1, nt.run_test(size=SIZE) as p2:
        await p1.pause()
        await p2.pause()
        await p1.press("a", *keys("Facilitator words"))
        await p2.press("q", *keys("Note-taker words"))
        await settle(line_of(fac), p1)
        await settle(line_of(nt), p2)
    assert (await _restored(db_url, meeting.id))[:2] == ("action", "Facilitator words")
    assert (await _restored(db_url, meeting.id, "note-taker"))[:2] == (
        "question",
        "Note-taker words",
    )


async def _answer_draft(db_url: str, store: Store, clock, moves: int) -> tuple[str, dict]:  # noqa: ANN001
    """A Five Questions meeting, running in that block; ``w`` after ``moves`` j presses."""
    m = meeting_from(store, "kickoff-play")
    timers.start(store, m.id, clock())
    while (b := _current(store, m.id, clock)) is not None and b.kind != "five-questions":
        timers.step(store, m.id, 1, clock())
    app = make_app(db_url, m.id, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press(*["j"] * moves, "w", *keys("Weekly demos"))
        line = line_of(app)
        await settle(line, pilot)
        assert line.kind == "answer"
        target = read_draft(draft_path(db_url, m.id))["target"]
        assert target is not None
    return m.id, target


def _current(store: Store, meeting_id: str, clock):  # noqa: ANN001
    from kickoff_tui.core.record import load_snapshot

    snap = load_snapshot(store, meeting_id)
    return snap.block(timers.meeting_time(snap, clock()).current_block_id)


async def test_an_answer_draft_comes_back_for_the_same_person_and_question(store, db_url, clock):
    mid, target = await _answer_draft(db_url, store, clock, moves=0)
    app = make_app(db_url, mid, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        line = line_of(app)
        await until(pilot, lambda: line.kind == "answer")
        assert (line.kind, line.input.value) == ("answer", "Weekly demos")
        assert line._answer_target() == target
        assert app.focused is line.input
        await pilot.press("enter")
        await settle(line, pilot)
        from kickoff_tui.core.record import load_snapshot

        answers = load_snapshot(store, mid).answers
        assert [(a.attendee_id, a.question, a.text) for a in answers] == [
            (target["attendee_id"], target["question"], "Weekly demos")
        ]


async def test_an_answer_draft_is_never_saved_as_someone_elses(store, db_url, clock):
    """After the restart the pointer marks another person: the words wait on ↑ instead."""
    mid, target = await _answer_draft(db_url, store, clock, moves=1)
    app = make_app(db_url, mid, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        line = line_of(app)
        await until(pilot, lambda: any("kept" in n.message for n in app._notifications))
        assert line._answer_target() != target
        assert line.input.value == "" and line.kind != "answer"
        said = [n.message for n in app._notifications]
        assert any(target["name"] in m and "kept" in m for m in said), said
        await pilot.press("w", *["backspace"] * 40, "up")
        assert line.input.value == "Weekly demos"


# --- the file itself --------------------------------------------------------------------------


def test_draft_file_is_private_and_round_trips(tmp_path):
    box = DraftBox("sqlite:////x/k.db", "m-1", "facilitator", folder=tmp_path / "d")
    draft = Draft("action", "Ship it @sam «ü» \u2028 [b]x[/b]", 4, item_id=7, version=3)
    box.put(draft)
    assert box.flush(10)
    assert stat.S_IMODE(box.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(box.folder.stat().st_mode) == 0o700
    box.close()
    again = DraftBox("sqlite:////x/k.db", "m-1", "facilitator", folder=tmp_path / "d")
    loaded = again.load()
    assert loaded is not None and read_file(again.path)["saved_at"]  # type: ignore[index]
    assert (loaded.kind, loaded.text, loaded.cursor, loaded.item_id, loaded.version) == (
        draft.kind, draft.text, draft.cursor, draft.item_id, draft.version,
    )  # fmt: skip
    again.put(Draft("action", "   "))  # blank is no draft
    assert again.flush(10) and not again.path.exists()
    again.close()


def test_the_password_of_the_store_never_reaches_the_draft(tmp_path):
    url = "postgresql+psycopg://kim:s3cret@db.example:5432/kick"
    box = DraftBox(url, "m-1", "note-taker", folder=tmp_path)
    box.put(Draft("", "note hello"))
    assert box.flush(10)
    body = box.path.read_text()
    assert "s3cret" not in body and "kim@db.example" in body
    assert draft_stem(url, "m-1", "r") == draft_stem(url.replace("s3cret", "other"), "m-1", "r")
    box.close()


def test_two_terminals_of_one_role_take_separate_slots(tmp_path):
    """Two `kickoff run` on one machine: separate files; the slot of one that died (its lock
    gone with it) is the one a restarted terminal takes, draft and all."""
    a = DraftBox("sqlite:////k.db", "m", "facilitator", folder=tmp_path)
    b = DraftBox("sqlite:////k.db", "m", "facilitator", folder=tmp_path)
    assert a.path != b.path
    a.put(Draft("action", "from a"))
    b.put(Draft("risk", "from b"))
    assert a.flush(10) and b.flush(10)
    b.close()  # b's terminal ends (a kill releases the lock the same way)
    c = DraftBox("sqlite:////k.db", "m", "facilitator", folder=tmp_path)
    assert c.path == b.path and c.load().text == "from b"  # type: ignore[union-attr]
    assert a.load().text == "from a"  # type: ignore[union-attr]
    a.close()
    c.close()


def test_put_never_waits_for_a_stuck_disk(tmp_path, monkeypatch):
    """The writer is stuck (a hung network home, a full disk retrying): keys still go on."""
    box = DraftBox("sqlite:////k.db", "m", "facilitator", folder=tmp_path)
    stuck, release = threading.Event(), threading.Event()
    real_write = DraftBox._write

    def slow_write(self: DraftBox, draft: Draft | None) -> None:
        stuck.set()
        release.wait(30)
        real_write(self, draft)

    monkeypatch.setattr(DraftBox, "_write", slow_write)
    box.put(Draft("action", "first"))
    assert stuck.wait(10)
    typist = threading.Thread(target=lambda: [box.put(Draft("action", f"k{i}")) for i in range(50)])
    typist.start()
    typist.join(10)
    alive = typist.is_alive()
    release.set()
    assert not alive, "put() waited for the disk"
    assert box.flush(10)
    assert box.load().text == "k49"  # type: ignore[union-attr]  the newest draft wins
    box.close()


@pytest.mark.slow  # real processes: the full suite runs it
def test_a_reader_never_sees_half_a_draft(tmp_path, monkeypatch):
    monkeypatch.setattr(drafts, "MIN_GAP_S", 0.0)
    box = DraftBox("sqlite:////k.db", "m", "facilitator", folder=tmp_path)
    big = 400_000
    box.put(Draft("action", "a" * big))
    assert box.flush(10)
    reads, bad = 0, []
    stop = threading.Event()

    def typist() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            box.put(Draft("action", "ab"[n % 2] * big))
            box.flush(10)

    t = threading.Thread(target=typist)
    t.start()
    try:
        while reads < 300:
            raw = box.path.read_bytes()
            reads += 1
            try:
                text = json.loads(raw)["line"]["text"]
                if len(text) != big or len(set(text)) != 1:
                    bad.append(len(text))
            except ValueError:
                bad.append(len(raw))
    finally:
        stop.set()
        t.join(30)
    box.close()
    assert not bad, bad[:5]


WRITER = """
import os, sys, time
from pathlib import Path
from kickoff_tui.core import drafts
drafts.MIN_GAP_S = 0.0
box = drafts.DraftBox("sqlite:////k.db", "m", "facilitator", folder=Path(sys.argv[1]))
box.put(drafts.Draft("action", "a" * 300_000))
box.flush(10)
if sys.argv[2] == "halfway":  # the next write stops halfway through its bytes: kill it there
    real_write = os.write
    def halfway(fd, data):
        real_write(fd, bytes(data[: len(data) // 2]))
        print("halfway", flush=True)
        time.sleep(60)
    os.write = halfway
    box.put(drafts.Draft("action", "b" * 300_000))
    time.sleep(60)
n = 0
while True:  # "loop": write and write, killed wherever it happens to be
    n += 1
    box.put(drafts.Draft("action", "ab"[n % 2] * 300_000))
    box.flush(10)
    print(n, flush=True)
"""


@pytest.mark.slow  # real processes, killed
@pytest.mark.parametrize("mode", ["halfway", "loop"])
def test_a_writer_killed_mid_write_leaves_a_whole_draft(tmp_path, mode):
    """SIGKILL while the bytes of a draft are half written (and, in a loop, wherever the writer
    is): the file holds one whole draft, and the next start sweeps the temporary file."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _round in range(1 if mode == "halfway" else 5):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), mode],
                                stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
        assert proc.stdout is not None
        for _ in range(1 if mode == "halfway" else 7):
            assert proc.stdout.readline(), "the writer ended before it was killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
        box = DraftBox("sqlite:////k.db", "m", "facilitator", folder=tmp_path)
        draft = box.load()
        assert box.error is None, box.error
        assert draft is not None and len(draft.text) == 300_000 and len(set(draft.text)) == 1
        if mode == "halfway":
            assert draft.text[0] == "a"  # the draft before the interrupted one
        assert not list(tmp_path.glob(".*.tmp"))  # a half-written temporary file is swept
        box.close()


async def test_drafts_that_cannot_be_written_say_so_once_and_typing_goes_on(
    store, meeting, db_url, monkeypatch, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("KICKOFF_STATE_DIR", str(blocker))  # drafts/ cannot be made under a file
    app = make_app(db_url, meeting.id)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("a", *keys("Still typing"))
        await pilot.pause()
        line = line_of(app)
        assert line.input.value == "Still typing"
        said = [n.message for n in app._notifications if "drafts cannot be saved" in n.message]
        assert len(said) == 1, said
        await pilot.press("enter")
        await pilot.pause()
        assert [i.text for i in list_items(store, meeting.id, "action")] == ["Still typing"]


# --- a screen that queues its saves (the line is taken before the save lands) ------------------


class QueueingApp(App[None]):
    """Just a capture line and a screen that queues every Enter: the tokens are the queue."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder, self.queue = folder, []  # type: ignore[var-annotated]

    def compose(self) -> ComposeResult:
        box = DraftBox("sqlite:////q.db", "m", "facilitator", folder=self.folder)
        yield CaptureLine(lambda kind, text: (True, text), box, id="capture")

    def on_mount(self) -> None:
        self.query_one(CaptureLine).restore_draft()

    def on_capture_line_submitted(self, message: CaptureLine.Submitted) -> None:
        assert message.token is not None  # the line took it (and keeps it until it lands)
        self.queue.append((message.text, message.token))


async def test_a_line_taken_before_its_save_lands_is_kept_until_it_lands(tmp_path):
    """The store is slow: Enter takes the line at once and the save waits in a queue. A kill
    then must not lose it: it stays in the draft file until ``landed``, and comes back (with a
    note that its save was not confirmed) after the line left on screen."""
    path = tmp_path / (draft_stem("sqlite:////q.db", "m", "facilitator") + ".json")
    app = QueueingApp(tmp_path)
    async with app.run_test() as pilot:
        line = app.query_one(CaptureLine)
        for text in ("first", "second"):
            line.open("action")  # (as `a` does: Enter closes the line)
            await pilot.press(*keys(text), "enter")
        line.open("action")
        await pilot.press(*keys("third"))
        await settle(line, pilot)
        kept = read_file(path)
        assert kept is not None and kept["line"]["text"] == "third"
        assert [q["text"] for q in kept["queued"]] == ["first", "second"]
        line.landed(app.queue[0][1])  # "first" is in the store now
        await settle(line, pilot)
        assert [q["text"] for q in read_file(path)["queued"]] == ["second"]  # type: ignore[index]
    app = QueueingApp(tmp_path)
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        line = app.query_one(CaptureLine)
        assert (line.kind, line.input.value) == ("action", "third")
        await pilot.press("enter")  # "third" is queued; the line is free: "second" is offered
        await until(pilot, lambda: line.input.value == "second")
        said = [n.message for n in app._notifications]
        assert any("not confirmed" in m for m in said), said
        await settle(line, pilot)
        assert [q["text"] for q in read_file(path)["queued"]] == ["third"]  # type: ignore[index]
        await pilot.press("enter")
        for _text, token in app.queue:
            line.landed(token)
        await settle(line, pilot)
    assert read_file(path) is None  # everything landed, nothing on the line: no file


async def test_ctrl_q_with_half_a_risk_keeps_it_for_the_next_open(store, meeting, db_url):
    """Quitting never drops what was typed (issue 16, point 3): ctrl+q with half a risk on the
    line quits, and the next open of the meeting offers the risk back on the line."""
    app = make_app(db_url, meeting.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r", *keys("SSO may sl"), "ctrl+q")  # one key after the other, fast
        await until(pilot, lambda: not app.is_running)
    assert list_items(store, meeting.id) == []  # not saved: it was half typed
    assert (read_draft(draft_path(db_url, meeting.id)) or {}).get("text") == "SSO may sl"
    assert (await _restored(db_url, meeting.id))[:2] == ("risk", "SSO may sl")
