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
        shown = [c for c in cmds if c.show]
        t = Text(no_wrap=True, overflow="ellipsis")
        for c in shown:
            t.append(f"{c.key_display or c.keys.split(',')[0]} ", style="bold")
            t.append(f"{c.title}  ")
        t.append("tab ", style="bold")
        t.append("panes  ")
        t.append("^p ", style="bold")
        t.append("palette")
        # Narrow terminals (80 columns): one space apart, single keys, so every command fits.
        short = Text(no_wrap=True, overflow="ellipsis")
        for c in shown:
            key = c.key_display or c.keys.split(",")[0]
            if "→" in key:  # "n/→": n
                key = c.keys.split(",")[0]
            short.append(f"{key} ", style="bold")
            short.append(f"{c.title} ")
        short.rstrip()
        self._full, self._short = t, short
        super().__init__(t, **kwargs)  # type: ignore[arg-type]

    def on_resize(self) -> None:
        text = self._short if self.size.width < len(self._full.plain) + 2 else self._full
        if text is not getattr(self, "_shown", None):
            self._shown = text
            self.update(text)
