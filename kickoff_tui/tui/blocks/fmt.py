"""Small text builders the block views share, so every list reads the same way.

User text is only ever ``append``-ed to a ``Text``: it is data, never markup. Lines are wrapped
here with a hanging indent (the block area is about 30 columns wide, and a wrapped bullet that
falls back to column 0 is hard to scan), so builders take the width the view has.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from typing import TYPE_CHECKING

import pendulum
from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from kickoff_tui.core.models import Item


WARN = "bold yellow"
OK = "green"


@cache
def _console() -> Console:
    """Only for ``Text.wrap``'s signature: nothing is ever printed to it."""
    return Console(file=io.StringIO(), width=200)


def hang(t: Text, line: Text, width: int, first: int = 0, rest: int = 2) -> None:
    """Append ``line`` wrapped to ``width``: ``first`` spaces before it, ``rest`` before the
    lines it wraps onto; then a newline."""
    parts = line.wrap(_console(), max(8, width - max(first, rest)))
    for n, part in enumerate(parts):
        t.append(" " * (rest if n else first))
        t.append_text(part)
        t.append("\n")


def day(d: dt.date, base: dt.date | None = None) -> str:
    """``Tue 1 Dec`` within the meeting's year, ``1 Dec 2027`` otherwise."""
    p = pendulum.date(d.year, d.month, d.day)
    if base is not None and d.year == base.year:
        return p.format("ddd D MMM")
    return p.format("D MMM YYYY")


def heading(t: Text, title: str, count: int | None = None) -> None:
    t.append(title if count is None else f"{title} ({count})", style="bold")
    t.append("\n")


def warn(t: Text, message: str) -> None:
    """A flag the facilitator should act on while the people are still in the room."""
    t.append(f"⚠ {message}", style=WARN)


def empty(t: Text, message: str = "nothing yet") -> None:
    t.append(message + "\n", style="dim")


def item_line(
    t: Text,
    item: Item,
    base: dt.date | None,
    width: int,
    *,
    lead: Text | None = None,
    need_owner: bool = False,
    need_due: bool = False,
    show_due: bool = True,
) -> None:
    """``• text @owner · Tue 1 Dec``, flagging a missing owner or date when one is needed."""
    done = item.status == "done"
    line = Text()
    line.append("✓ " if done else "• ", style=OK if done else "")
    if getattr(item, "internal", False):  # kept out of every client output: say so
        line.append("🔒 ", style="bold yellow")
    if lead is not None:
        line.append_text(lead)
    line.append(item.text, style="dim" if done else "")
    if item.owner:
        line.append(f" @{item.owner}", style="cyan" if item.owner_known else WARN)
    elif need_owner and not done:
        line.append(" ")
        warn(line, "no owner")
    if item.due is not None and show_due:
        line.append(f" · {day(item.due, base)}", style="magenta")
    elif need_due and not done and item.due is None:
        line.append(" ")
        warn(line, "no date")
    hang(t, line, width)
