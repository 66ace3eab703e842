"""The commitments ledger screen (`l` in the meeting picker): every open action, risk and
question of every meeting, overdue first, with the filters of `kickoff actions`.

The store is read only in thread workers (``core.ledger.query``), and the answer comes back as
plain frozen data. Like the cockpit, the screen stays in step with other terminals: a worker
polls the store's change feed (all meetings) a few times a second and reloads when anything was
committed. User text reaches the table as ``rich.text.Text``, never as markup.
"""

from __future__ import annotations

from typing import Any

import pendulum
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from kickoff_tui.core.errors import KickoffError

#: How often the change feed is polled (cheap: a pragma on SQLite, a flag on PostgreSQL).
POLL_S = 0.25
COLUMNS = ("Ref", "State", "Due", "Kind", "Side", "Owner", "Text")
#: Rows shown at most: overdue come first, so the top is what matters; filters narrow the rest.
#: (A DataTable row costs ~0.1 ms to add: 9,000 rows kept the screen blank for a second.)
MAX_ROWS = 400


class LedgerScreen(Screen[None]):
    """The ledger: a filter line above a table; `o` open only, `v` overdue only."""

    class Loaded(Message):
        """The table shows a fresh answer of the store."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("o", "filter_word('open')", "Open only"),
        Binding("v", "filter_word('overdue')", "Overdue only"),
        Binding("slash", "focus_filter", "Filter", key_display="/"),
        Binding("r", "reload", "Reload", show=False),
    ]
    DEFAULT_CSS = """
    LedgerScreen #ledger-title { height: 1; padding: 0 1; background: $panel; }
    LedgerScreen #ledger-filter { margin: 0 1; }
    LedgerScreen #ledger-status { height: 1; padding: 0 1; color: $text-muted; }
    LedgerScreen #ledger-status.error { color: $error; }
    LedgerScreen DataTable { height: 1fr; }
    """

    def __init__(self, filter_text: str = "open", on_loaded: Any = None) -> None:
        super().__init__()
        self.on_loaded = on_loaded  # called after each fill (a benchmark's stopwatch)
        self.filter_text = filter_text
        self.entries: list[Any] = []
        self.loads = 0  # how many answers the table has shown (tests wait on it)
        self._feed: Any = None
        self._closed = False

    def compose(self) -> ComposeResult:
        from kickoff_tui.core.ledger import FILTER_WORDS

        yield Static(Text("kickoff — commitments ledger", style="bold"), id="ledger-title")
        yield Input(self.filter_text, placeholder=FILTER_WORDS, id="ledger-filter")
        yield Static("loading…", id="ledger-status", markup=False)
        table: DataTable[Any] = DataTable(id="ledger-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.load(self.filter_text)
        self.set_interval(POLL_S, self.poll)

    def on_unmount(self) -> None:
        self._closed = True
        feed, self._feed = self._feed, None
        if feed is not None:
            self._close_feed(feed)

    @work(thread=True, group="feed")
    def _close_feed(self, feed: Any) -> None:
        feed.close()

    # -- reading ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load")
    def load(self, filter_text: str) -> None:
        from kickoff_tui.core.ledger import page, read_filter_words

        try:
            filters = read_filter_words(filter_text)
            store = self.app.store  # type: ignore[attr-defined]
            # Where the change log stood before this read: the feed (opened after the first
            # paint, it costs a connection on PostgreSQL) starts from there, so no commit in
            # between is missed.
            mark = store.latest_change_id() if self._feed is None else None
            found = page(self.app.store, filters, today=pendulum.today().date(), limit=MAX_ROWS)  # type: ignore[attr-defined]
        except KickoffError as exc:
            self.app.call_from_thread(self._error, str(exc))
            return
        self.app.call_from_thread(self._show, found)
        if mark is not None and self._feed is None:
            feed = store.feed(None)
            feed.rewind(mark)
            if self._feed is None and not self._closed:
                self._feed = feed
            else:  # another load was first, or the screen is gone
                feed.close()

    @work(thread=True, exclusive=True, group="feed")
    def _poll_feed(self) -> None:
        feed = self._feed
        if feed is None:
            return
        try:
            changed = bool(feed.poll())
        except KickoffError:
            return  # the store is away for a moment: the next tick tries again
        if changed:
            self.app.call_from_thread(self.load, self.filter_text)

    def poll(self) -> None:
        self._poll_feed()

    # -- showing ------------------------------------------------------------------------------
    def _error(self, message: str) -> None:
        status = self.query_one("#ledger-status", Static)
        status.add_class("error")
        status.update(Text(message))

    def _show(self, found: Any) -> None:
        """Fill the table with a ``ledger.Page`` (its first ``MAX_ROWS`` entries)."""
        entries = found.entries
        self.entries = entries
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for e in entries:
            state = Text("OVERDUE", style="bold red") if e.overdue else Text(e.status.value)
            text = Text(" ".join(e.text.split()), no_wrap=True, overflow="ellipsis")
            if e.internal:
                text.append(" #internal", style="dim")
            table.add_row(
                Text(e.ref),
                state,
                Text(e.due.isoformat() if e.due else "–"),
                Text(e.kind),
                Text(e.side.value if e.side else "–"),
                Text(e.owner or "(no owner)", style="" if e.owner else "dim"),
                text,
                key=e.ident,
            )
        if entries:
            table.move_cursor(row=min(row, len(entries) - 1))
        c = found.counts
        status = self.query_one("#ledger-status", Static)
        status.remove_class("error")
        shown = f" (first {len(entries)} shown)" if found.total > len(entries) else ""
        status.update(
            Text(f"{found.total} item(s){shown}: {c['open']} open, {c['overdue']} overdue, "
                 f"{c['done']} done · enter opens · o open · v overdue · / filter · esc back")
        )  # fmt: skip
        self.loads += 1
        self.post_message(self.Loaded())
        if self.on_loaded is not None:
            self.on_loaded()

    # -- keys -----------------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        """Enter on a row opens its meeting in the cockpit."""
        if 0 <= event.cursor_row < len(self.entries):
            self.app.open_meeting(self.entries[event.cursor_row].meeting_id)  # type: ignore[attr-defined]

    @on(Input.Submitted, "#ledger-filter")
    def _filter(self, event: Input.Submitted) -> None:
        self.filter_text = event.value.strip()
        self.load(self.filter_text)
        self.query_one(DataTable).focus()

    def action_filter_word(self, word: str) -> None:
        """Add ``word`` to the filter line, or take it away."""
        words = self.filter_text.split()
        words = [w for w in words if w != word] if word in words else [*words, word]
        self.filter_text = " ".join(words)
        self.query_one("#ledger-filter", Input).value = self.filter_text
        self.load(self.filter_text)

    def action_focus_filter(self) -> None:
        self.query_one("#ledger-filter", Input).focus()

    def action_reload(self) -> None:
        self.load(self.filter_text)

    def action_close(self) -> None:
        if self.query_one("#ledger-filter", Input).has_focus:
            self.query_one(DataTable).focus()
            return
        self.dismiss(None)
