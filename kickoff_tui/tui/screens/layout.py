"""The cockpit's layout per terminal size, the pane switcher of small terminals, and where
toasts go.

Three widths (a class on the screen, so the ``.tcss`` can say the rest):

* ``-narrow`` (< 100 columns, e.g. 80x24): the rail shrinks to numbers and the three capture
  panes share one column, one at a time (``v`` shows the next; a saved item shows its own), so
  the block view in the middle keeps room for the block's prompts.
* medium (100–159, e.g. 120x40): the rail shows whole titles; three panes stacked.
* ``-wide`` (≥ 160, e.g. 200x50): the rail adds progress bars, the panes and the block view
  take the rest.

Short terminals (< 30 rows) fold the clock box to one line. Toasts are lifted above the capture
line, so they never cover what is being typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from kickoff_tui.tui.widgets.agenda_rail import AgendaRail
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.clocks import ClockBar
from kickoff_tui.tui.widgets.item_pane import ItemPane

if TYPE_CHECKING:
    from typing import Self

    from textual import events
    from textual.geometry import Size

NARROW_BELOW = 100
WIDE_FROM = 160
SHORT_BELOW = 30
PANE_KINDS = ("action", "decision", "risk")


class CockpitLayout:
    size: Size
    outer_size: Size
    shown_pane = "action"  # the pane a narrow terminal shows

    if TYPE_CHECKING:

        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def query(self, selector: Any) -> Any: ...
        def set_class(self, add: bool, *class_names: str, update: bool = True) -> Self: ...
        def has_class(self, *class_names: str) -> bool: ...
        def call_after_refresh(self, callback: Any, *args: Any) -> Any: ...

    def on_resize(self, event: events.Resize) -> None:
        self.fit(self.size)
        if event.size == self.outer_size:
            # Laid out at this size already (Textual sends the first size three times as it
            # starts, each a whole reflow and repaint right after the first frame, while the
            # first key waits): nothing for the screen's own handler to do.
            event.prevent_default()
            event.stop()

    def fit(self, size: Size) -> None:
        """The classes for a terminal of ``size``. Called on mount with the app's size too, so
        that the first frame already has them (Resize reaches the screen after it)."""
        width, height = size.width, size.height
        narrow, wide = width < NARROW_BELOW, width >= WIDE_FROM
        self.set_class(narrow, "-narrow")
        self.set_class(wide, "-wide")
        self.query_one(AgendaRail).set_class(narrow, "-narrow").set_class(wide, "-wide")
        self.query_one("#panes").set_class(narrow, "-narrow")
        self.query_one(ClockBar).set_class(height < SHORT_BELOW, "-short")
        self._show_panes()
        self.call_after_refresh(self.place_toasts)

    def place_toasts(self) -> None:
        """Lift the toasts above the capture line (and the key bar below it)."""
        from textual.widgets._toast import ToastRack  # (Textual's own rack, on every screen)

        line = self.query_one(CaptureLine)
        if not line.region.height:  # not laid out yet: placed on the first tick after (a guess
            return  # here, corrected then, made the first key's frame a full reflow)
        for rack in self.query(ToastRack):
            lift = max(1, self.size.height - line.region.y)
            if rack.styles.margin.bottom != lift:
                rack.styles.margin = (0, 0, lift, 0)

    # -- one pane at a time on a narrow terminal ----------------------------------------------
    def action_next_pane(self) -> None:
        at = PANE_KINDS.index(self.shown_pane)
        self.show_pane(PANE_KINDS[(at + 1) % len(PANE_KINDS)])

    def show_pane(self, kind: str) -> None:
        if kind in PANE_KINDS and kind != self.shown_pane:
            self.shown_pane = kind
            self._show_panes()

    def _show_panes(self) -> None:
        narrow = self.has_class("-narrow")
        for kind in PANE_KINDS:
            pane = self.query_one(f"#pane-{kind}", ItemPane)
            pane.display = not narrow or kind == self.shown_pane
            if not pane.display and pane.has_focus:  # in a pane, v moves to the next one
                self.query_one(f"#pane-{self.shown_pane}", ItemPane).focus()
        tabs = self.query_one("#pane-tabs", Static)
        tabs.display = narrow
        if narrow:
            t = Text(no_wrap=True, overflow="ellipsis")
            for kind in PANE_KINDS:
                pane = self.query_one(f"#pane-{kind}", ItemPane)
                style = "bold reverse" if kind == self.shown_pane else "dim"
                t.append(f" {pane.title[0]} {len(pane.items)} ", style=style)
            t.append(" v", style="bold")
            t.append(" next")
            tabs.update(t)
