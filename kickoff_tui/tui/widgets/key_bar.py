"""A fixed key bar for the cockpit, in place of Textual's Footer.

Textual 8.2.8's Footer recomposes on every focus change and its old keys are never freed
(Textualize/textual#6666): in the cockpit every open and close of the capture line leaked
about 14 widgets, some 90 MB over 200 captures. This bar renders once from the cockpit's own
command list (the same definitions the bindings and the palette use) and never recomposes.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Static

from kickoff_tui.tui.commands import Cmd


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground;
        padding: 0 1; }
    """

    def __init__(self, cmds: Iterable[Cmd], **kwargs: object) -> None:
        t = Text(no_wrap=True, overflow="ellipsis")
        for c in cmds:
            if not c.show:
                continue
            t.append(f"{c.key_display or c.keys.split(',')[0]} ", style="bold")
            t.append(f"{c.title}  ")
        t.append("tab ", style="bold")
        t.append("panes  ")
        t.append("^p ", style="bold")
        t.append("palette")
        super().__init__(t, **kwargs)  # type: ignore[arg-type]
