"""User text made safe for Markdown (CommonMark plus GFM tables).

The Markdown record's second promise lives here: **user text cannot change the structure.** Every
piece of user text goes through :func:`escape_inline` (paragraphs, list items, headings) or
:func:`escape_cell` (table cells), and every table is built by :func:`table`: a ``|`` stays in
its cell, a leading ``#`` or ``1.`` stays text, ``<script>`` shows literally and newlines become
``<br>``, so one item is always exactly one line of Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["DASH", "escape_cell", "escape_inline", "table"]

#: What an empty table cell shows: a value that was not captured.
DASH = "—"

# ASCII punctuation that can start or end Markdown syntax anywhere in a line: escapes, code
# spans, emphasis, links/images, raw HTML and autolinks, headings, table cells, fences.
# A backslash before ASCII punctuation is always a valid CommonMark escape, so over-escaping is
# harmless; everything else (letters, digits, Unicode) is left alone.
_ALWAYS = "\\`*_[]<>#|~"
_ESCAPES = {ord(ch): "\\" + ch for ch in _ALWAYS}
_ESCAPES[0] = "\ufffd"  # CommonMark replaces NUL; do it here so the text round-trips
# "&" only matters where it could start an entity ("&amp;", "&#124;"); "R&D", "Q & A" stay as typed.
# ("&#124;" is already broken by the escaped "#").
_ENTITY_START = re.compile(r"&(?=[A-Za-z0-9]+;)")
# Block syntax that only counts at the start of a line: list bullets, setext underlines,
# thematic breaks, ordered-list numbers ("1." / "1)").
_LINE_START = re.compile(r"^(?:([-+=])|([0-9]{1,9})([.)]))")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def escape_inline(text: str | None) -> str:
    """User text made safe for a paragraph, a list item or a heading: always exactly one line.

    Markdown metacharacters are backslash-escaped, a leading list/heading/ordered-list marker is
    neutralised, surrounding whitespace (which could start an indented code block) is dropped and
    line breaks become ``<br>``. The rendered text reads exactly as typed.
    """
    if not text:
        return ""
    escaped = text.strip().translate(_ESCAPES)
    if "&" in escaped:
        escaped = _ENTITY_START.sub(r"\\&", escaped)
    escaped = _LINE_START.sub(_escape_line_start, escaped, count=1)
    if "\n" in escaped or "\r" in escaped:
        escaped = _NEWLINES.sub("<br>", escaped)
    return escaped


def escape_cell(text: str | None) -> str:
    """User text made safe for one GFM table cell: a ``|`` stays inside the cell.

    Everything :func:`escape_inline` does (``|`` is among the escaped characters, and a cell can
    never contain a line break because they become ``<br>``). The row builder puts a space before
    every delimiter, so a cell ending in an escaped backslash cannot swallow the next ``|``.
    """
    return escape_inline(text)


def _escape_line_start(m: re.Match[str]) -> str:
    if m.group(1):
        return "\\" + m.group(1)
    return m.group(2) + "\\" + m.group(3)


def table(headers: Sequence[str], rows: Iterable[Sequence[str | None]]) -> list[str]:
    """A GFM table; headers are our own text, cells must already be escaped.

    An empty cell shows a dash (a value not captured); ``None`` leaves it blank (totals row).
    """
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    width = len(headers)
    for row in rows:
        if len(row) != width:  # a programming error, never user input
            raise ValueError(f"table row has {len(row)} cells, header has {width}")
        out.append("| " + " | ".join(DASH if cell == "" else cell or "" for cell in row) + " |")
    return out
