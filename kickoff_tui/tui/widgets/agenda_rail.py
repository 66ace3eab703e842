"""The agenda rail: every block with planned and actual minutes and a progress bar.

Three widths, chosen by the screen for the terminal it is given: ``-narrow`` shows numbers only
(the running block's title is on the clock and the block view), the default shows whole
titles, ``-wide`` adds a progress bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

from kickoff_tui.core.clock import MeetingTime

if TYPE_CHECKING:
    from kickoff_tui.core.models import Block

_BAR = 8


class AgendaRail(Widget):
    """Renders from (blocks, meeting time) pushed down by the screen; never reads the store."""

    DEFAULT_CSS = """
    AgendaRail { width: 44; height: 1fr; border: round $primary 40%; padding: 0 1; }
    AgendaRail.-wide { width: 54; }
    AgendaRail.-narrow { width: 14; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = "Agenda"
        self._blocks: list[Block] = []
        self._time: MeetingTime | None = None
        self._viewing: int | None = None

    def show(self, blocks: list[Block], time: MeetingTime | None, viewing: int | None) -> None:
        self._blocks, self._time, self._viewing = blocks, time, viewing
        signature = self._signature()
        if signature != getattr(self, "_shown", None):  # called 4x a second: repaint on change
            self._shown = signature
            self.refresh()

    def _signature(self) -> tuple[object, ...]:
        mt = self._time
        rows: list[object] = []
        for b in self._blocks:
            bt = mt.blocks.get(b.id) if mt and b.id is not None else None
            fill = int(bt.elapsed_s * _BAR / bt.budget_s) if bt and bt.budget_s else 0
            plan = (b.planned_minutes, getattr(b, "replanned_seconds", None))
            rows.append((b.id, b.title, b.status, plan,
                         bt and (round(bt.elapsed_s / 60), bt.budget_s, bt.ended, min(fill, _BAR),
                                 bt.elapsed_s > bt.budget_s)))  # fmt: skip
        current = (mt.current_block_id, mt.paused, mt.ended) if mt else None
        mode = (self.has_class("-narrow"), self.has_class("-wide"), self.content_size.width)
        return (current, self._viewing, mode, tuple(rows))

    def render(self) -> Text:
        narrow, bar = self.has_class("-narrow"), self.has_class("-wide")
        width = max(8, self.content_size.width)
        out = Text(no_wrap=True, overflow="ellipsis")
        mt = self._time
        paused = mt is not None and mt.paused
        for b in self._blocks:
            bt = mt.blocks.get(b.id) if mt and b.id is not None else None
            current = mt is not None and mt.current_block_id == b.id and not mt.ended
            if current:
                mark, style = "▶", "bold reverse" if not paused else "bold"
            elif b.status == "done" or (bt and bt.ended):
                mark, style = "✓", "dim"
            elif b.status == "skipped":
                mark, style = "–", "dim strike"
            else:
                mark, style = " ", ""
            if b.id == self._viewing and not current:
                style = (style + " underline").strip()
            actual = (bt.elapsed_s / 60) if bt else 0.0
            planned = bt.budget_s / 60 if bt else b.planned_minutes
            over = bt is not None and bt.elapsed_s > bt.budget_s
            line = Text(no_wrap=True)
            if narrow:  # numbers only: "▶ 3 12/16"
                line.append(f"{mark}{b.position + 1:>2}", style=style)
                line.append(f"{actual:>3.0f}/{planned:<3.0f}", style="red" if over else "")
                line.truncate(width, overflow="ellipsis")
                out.append_text(line)
                out.append("\n")
                continue
            nums = f"{actual:.0f}/{planned:.0f}".rjust(6)  # " 12/16": whole titles at 44 wide
            title_w = width - 4 - len(nums) - (_BAR + 1 if bar else 0)
            title = b.title if len(b.title) <= title_w else b.title[: max(1, title_w - 1)] + "…"
            line.append(f"{mark} {b.position + 1:>1} ", style=style)
            line.append(title.ljust(title_w), style=style)  # user text: a Text, never markup
            line.append(nums, style="red" if over else "")
            if bar:
                frac = min(1.0, (bt.elapsed_s / bt.budget_s) if bt and bt.budget_s else 0.0)
                fill = round(frac * _BAR)
                line.append(
                    " " + "█" * fill + "░" * (_BAR - fill), style="red" if over else "green"
                )
            line.truncate(width, overflow="ellipsis")
            out.append_text(line)
            out.append("\n")
        if not self._blocks:
            out.append("no blocks", style="dim")
        return out
