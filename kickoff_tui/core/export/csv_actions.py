"""The action log as CSV, for a tracker or a spreadsheet.

RFC 4180: a header row, every field quoted when it holds a comma, quote or line break (quotes
doubled), CRLF line ends, UTF-8 (no BOM). Columns, in order:

=========  ===============================================================================
id         the action's identity (a UUID): the same in every export and in copies of the
           meeting, so a tracker that imports the file twice updates instead of duplicating
title      the action's text, verbatim (line breaks kept inside the quoted field)
owner      the owner's attendee name (or the name as typed), empty when unassigned
due        ISO date ``YYYY-MM-DD``, empty when none
side       ``us`` (we owe it) / ``them`` (the customer owes it), inferred from the owner's
           side when not captured; empty when unknown
status     ``open`` / ``done``
block      the title of the agenda block where it was raised, empty when none
meeting    the meeting id
=========  ===============================================================================

Rows are in capture order (item id). Internal actions (``#internal``) are left out unless
``include_internal=True``: the pack's CSV is meant to be shared. Text is written as typed: a
cell starting with ``=``, ``+``, ``-`` or ``@`` is *not* rewritten, so open the file in a
spreadsheet with import rather than double-click if the notes are untrusted.

Headless: imports no Textual.
"""

from __future__ import annotations

import csv
import io

from kickoff_tui.core.checks import item_side, match_attendee
from kickoff_tui.core.record import Snapshot

HEADER = ("id", "title", "owner", "due", "side", "status", "block", "meeting")


def render_csv(snap: Snapshot, *, include_internal: bool = False) -> str:
    """The meeting's actions as CSV text (encode as UTF-8 to write it)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for item in snap.items_of("action"):
        if item.internal and not include_internal:
            continue
        person = match_attendee(snap, item.owner, item.owner_attendee_id)
        owner = person.name if person is not None else (item.owner or "").strip()
        block = snap.block(item.block_id)
        writer.writerow(
            (
                item.uid,
                item.text,
                owner,
                item.due.isoformat() if item.due is not None else "",
                item_side(snap, item) or "",
                item.status,
                block.title if block is not None else "",
                snap.meeting.id,
            )
        )
    return buf.getvalue()
