"""The action log as CSV, for a project tool's import (Jira, Linear, Asana, GitHub) or a sheet.

UTF-8 **with a byte-order mark** (``pack`` writes it; spreadsheets use it to read "María" right),
RFC 4180 quoting (a field holding a comma, quote or line break is quoted, quotes doubled), CRLF
line ends, one header row. Columns, in order:

=============  ==========================================================================
id             the item's identity (stable across re-exports; ``readmodel.ident_of``)
title          the item's text, verbatim (line breaks kept inside the quoted field)
owner          the owner's attendee name; a name that is no attendee is flagged
               ``(not an attendee)`` as in every output; empty when unassigned
owner email    the owner's e-mail address; empty while none is known
due            ISO date ``YYYY-MM-DD``; empty when none
status         ``open`` / ``done``
kind           ``action``, ``risk``, ``question`` or ``milestone``
severity       ``high`` / ``medium`` / ``low`` (risks); empty otherwise
labels         comma-separated: ``kickoff``, ``side:ours`` / ``side:theirs`` (who owes it, when
               known) and ``block:<agenda block kind>`` where it was raised
meeting        the meeting id
=============  ==========================================================================

Rows: actions, then risks, questions and milestones, each in capture order. Client-safe by
construction: it renders a ``ClientRecord`` (no internal items; no mitigations).

Formula injection (OWASP "CSV Injection"): a cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is read as a formula by Excel, LibreOffice and Google Sheets, so such a
cell gets a leading ``'`` (``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)``, ``-5 %`` as
``'-5 %``; also after leading spaces): the spreadsheet shows the text, and the quote tells a
reader why. Every column is treated the same, whatever it holds. Text is otherwise as typed,
without control characters (see core/text.py and pack.py).

Headless: imports no Textual.
"""

from __future__ import annotations

import csv
import io

from kickoff_tui.core.readmodel import ClientItem, ClientPerson, ClientRecord

HEADER = (
    "id", "title", "owner", "owner email", "due", "status", "kind", "severity", "labels",
    "meeting",
)  # fmt: skip
KINDS = ("action", "risk", "question", "milestone")
#: Prepend to the text to write the file (``pack`` does): spreadsheets then read it as UTF-8.
BOM = "\ufeff"
#: A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """``cell`` with a leading ``'`` when a spreadsheet would read it as a formula (also after
    leading spaces, which some spreadsheets skip)."""
    if cell.startswith(FORMULA_STARTS) or cell.lstrip().startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def labels(item: ClientItem) -> str:
    out = ["kickoff"]
    if item.side is not None:
        out.append(f"side:{item.side.value}")
    if item.block_kind:
        out.append(f"block:{item.block_kind}")
    return ",".join(out)


def render_csv(rec: ClientRecord) -> str:
    """The meeting's trackable items as CSV text, without the BOM (``pack`` adds it)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for kind in KINDS:
        for item in rec.items_of(kind):
            email = item.owner.email if isinstance(item.owner, ClientPerson) else None
            writer.writerow(
                neutralise(cell)
                for cell in (
                    item.ident,
                    item.text,
                    item.owner_label,
                    email or "",
                    item.due.isoformat() if item.due is not None else "",
                    item.status.value,
                    item.kind,
                    item.severity.value if item.severity else "",
                    labels(item),
                    rec.meeting.id,
                )
            )
    return buf.getvalue()
