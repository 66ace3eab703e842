"""``kickoff export --format html``: the share page's content as one self-contained file.

Parsed back with the standard library's ``html.parser``: the sections are there, the user text
comes back as text (never as markup), no internal item, mitigation, note or finding is in it,
and nothing is loaded from elsewhere (no script, no link, no web font).
"""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pendulum
import pytest

from kickoff_tui.core import record
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.export import pack
from kickoff_tui.core.store import Store

START = pendulum.datetime(2026, 12, 1, 9, 0, tz="UTC")
NOW = START.add(minutes=20)


class Page(HTMLParser):
    """Every start tag with its attributes, the text under each section id, and the whole text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.sections: dict[str, list[str]] = {}
        self._stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "section":
            self._stack.append(a.get("id") or "")
            self.sections[self._stack[-1]] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._stack:
            self.sections[self._stack[-1]].append(data)

    def section(self, ident: str) -> str:
        return " ".join(" ".join(self.sections[ident]).split())

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(data: str) -> Page:
    page = Page()
    page.feed(data)
    page.close()
    return page


@pytest.fixture
def meeting(tmp_path: Path) -> tuple[Store, str]:
    store = Store.open("sqlite:///" + str(tmp_path / "k.db"))
    m = record.create_meeting(
        store, "Acme <GmbH>", get_template("kickoff-90"), START, "Europe/Berlin"
    )
    record.add_attendee(store, m.id, "María López", side="theirs")
    record.add_attendee(store, m.id, "Sam Ortiz", side="ours")

    def add(kind: str, line: str) -> None:
        record.add_item(store, m, kind, record.parse_line(store, m, line))

    add("action", "Send <b>recap</b> & minutes @maria due:2026-12-04")
    add("action", "Book the workshop room @sam due:2026-12-03")
    add("action", "zqxsecretaction plan @sam #internal")
    add("decision", "Go with <script>alert(1)</script> option B")
    add("question", "Who signs the SOW?")
    add("in-scope", "Module A")
    add("out-of-scope", "Mobile app")
    add("note", "zqxsecretnote the champion seems unsure")
    risk = record.add_item(store, m, "risk", record.parse_line(store, m, "Data late @maria"))
    record.update_item(store, risk.id, risk.version, mitigation="zqxsecretmitigation call CFO")
    block = record.load_snapshot(store, m.id, with_items=False).blocks[0]
    record.add_timer_event(store, m.id, "block-started", block_id=block.id, at=START)
    return store, m.id


def test_html_export_parses_back_with_the_record(meeting) -> None:
    store, mid = meeting
    data = pack.render(record.load_snapshot(store, mid), "html", NOW).decode("utf-8")
    page = parse(data)
    tags = {t for t, _ in page.tags}
    assert {"html", "head", "title", "style", "main", "header", "h1", "section"} <= tags
    assert "script" not in tags and "link" not in tags and "img" not in tags  # self-contained
    assert "http://" not in data and "https://" not in data and "@import" not in data
    assert set(page.sections) == {
        "agenda", "decisions", "actions", "questions", "scope", "first-value", "next",
    }  # fmt: skip
    # user text comes back as the text it was, never as markup
    assert "Go with <script>alert(1)</script> option B" in page.section("decisions")
    assert "Send <b>recap</b> & minutes" in page.section("actions")
    assert page.all_text().count("Acme <GmbH>") >= 1
    # actions grouped by owner, with their due dates
    actions = page.section("actions")
    assert "María López (from you)" in actions and "Sam Ortiz (from us)" in actions
    assert "Fri 4 Dec 2026" in actions and "Thu 3 Dec 2026" in actions
    assert "Who signs the SOW?" in page.section("questions")
    assert "Module A" in page.section("scope") and "Mobile app" in page.section("scope")
    # the agenda shows the current block and its clock (20 of 8 min: over time)
    agenda = page.section("agenda")
    assert "Now: Welcome & introductions" in agenda and "12:00 over" in agenda
    current = [a for t, a in page.tags if t == "li" and a.get("aria-current") == "step"]
    assert len(current) == 1
    # never an internal item, a note, a mitigation or a health finding
    for secret in ("zqxsecretaction", "zqxsecretnote", "zqxsecretmitigation"):
        assert secret not in data
    assert "health" not in data.lower() and "finding" not in data.lower()
    md = pack.render(record.load_snapshot(store, mid), "md", NOW).decode("utf-8")
    assert "zqxsecretaction" in md and "zqxsecretmitigation" in md  # they were really saved


def test_html_is_deterministic_and_in_the_pack(meeting, tmp_path: Path) -> None:
    store, mid = meeting
    snap = record.load_snapshot(store, mid)
    assert pack.render(snap, "html", NOW) == pack.render(snap, "html", NOW)
    written = pack.export_all(snap, tmp_path / "pack", NOW)
    html_file = tmp_path / "pack" / f"{mid}.html"
    assert html_file in list(written)
    assert html_file.read_bytes() == pack.render(snap, "html", NOW)
    assert oct(html_file.stat().st_mode & 0o777) == "0o600"


def test_cli_export_format_html_writes_one_file(meeting, tmp_path: Path) -> None:
    store, mid = meeting
    url = store.url
    store.close()
    out = tmp_path / "acme.html"
    env = {**os.environ, "KICKOFF_DB": url}
    args = ["export", mid, "--format", "html", "-o", str(out)]
    r = subprocess.run(
        [sys.executable, "-m", "kickoff_tui.cli", *args], capture_output=True, env=env, timeout=60
    )
    assert r.returncode == 0, r.stderr
    page = parse(out.read_text("utf-8"))
    assert "Who signs the SOW?" in page.section("questions")
    assert "zqxsecretaction" not in out.read_text("utf-8")
