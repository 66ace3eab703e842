"""The kickoff record as one Markdown document: complete, internal, deterministic.

``render_markdown(snapshot)`` returns the whole record (header, attendees, agenda with planned and
actual minutes, then every kind of captured item, the Five Questions, First Value and the notes).
It is the *internal* record: items captured as ``#internal`` are included and marked.

Two promises the tests hold it to:

* **Deterministic.** The same snapshot gives the same bytes: rows come in a fixed order, and
  nothing time-of-export is printed (no ``created_at``, no "exported at"). The only clock input is
  ``now``, used to measure a block that is still running; when it is not given, the meeting's
  end (or its last timer event) stands in for it.
* **User text cannot change the structure.** Every piece of user text goes through
  :func:`escape_inline` (paragraphs, list items, headings) or :func:`escape_cell` (table cells):
  a ``|`` stays in its cell, a leading ``#`` or ``1.`` stays text, ``<script>`` shows literally and
  newlines become ``<br>``, so one item is always exactly one line of Markdown.

Where each part lives:

* ``markdown_escape``: user text made safe (``escape_inline``, ``escape_cell``) and GFM tables;
* ``markdown_format``: dates, times and durations;
* ``markdown_page``: one rendering in progress (the read model, owners, sides, markers);
* ``markdown_meeting``: header, health check, attendees, agenda, Five Questions, First Value;
* ``markdown_items``: one table per kind of captured item, the notes, and other kinds;
* this module: the order of the sections and the public names.

Headless: nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pendulum

from kickoff_tui.core.checks import FIVE_QUESTIONS  # one list for checks, views and exports
from kickoff_tui.core.export import markdown_items as items
from kickoff_tui.core.export import markdown_meeting as meeting
from kickoff_tui.core.export import markdown_series as series
from kickoff_tui.core.export.markdown_escape import escape_cell, escape_inline
from kickoff_tui.core.export.markdown_page import INTERNAL, NONE_CAPTURED, NOT_AN_ATTENDEE, Page
from kickoff_tui.core.readmodel import MeetingRecord, as_record
from kickoff_tui.core.record import Snapshot

__all__ = [
    "FIVE_QUESTIONS",
    "INTERNAL",
    "NONE_CAPTURED",
    "NOT_AN_ATTENDEE",
    "SECTION_TITLES",
    "escape_cell",
    "escape_inline",
    "render_markdown",
]

#: The level-2 sections, in the order they are emitted ("Health check" only when findings are
#: given, "Other items" only when the snapshot holds item kinds this module does not know).
SECTION_TITLES: tuple[str, ...] = (
    "Health check",
    "Attendees and roles",
    "Agenda",
    "Since last time",
    "Objectives",
    "Promises from sales",
    "Decisions",
    "Action items",
    "Risks",
    "Deviations",
    "Open questions",
    "Scope",
    "Milestones",
    "Success metrics",
    "Five Questions",
    "First Value and next meeting",
    "Notes",
    "Item history",
    "Other items",
)

#: What follows the header, in order (the health check only when findings are given).
_BODY: tuple[Callable[[Page], None], ...] = (
    meeting.attendees,
    meeting.agenda,
    series.since_last_time,
    series.objectives,
    series.promises,
    items.decisions,
    items.actions,
    items.risks,
    items.deviations,
    items.questions,
    items.scope,
    items.milestones,
    items.metrics,
    meeting.five_questions,
    meeting.first_value,
    items.notes,
    series.item_history,
    items.other_items,
)


def render_markdown(
    snap: Snapshot | MeetingRecord,
    *,
    now: pendulum.DateTime | None = None,
    findings: Sequence[object] | None = None,
) -> str:
    """The whole kickoff record of ``snap`` (a :class:`MeetingRecord`, or a snapshot to build
    one from) as Markdown (CommonMark plus GFM tables).

    ``now`` only measures a block still running; without it the meeting's end, or its last timer
    event, is used, so the output depends on the snapshot alone. ``findings`` (objects with
    ``id``, ``severity`` "blocking"/"warning", ``message`` and ``fix``) add a "Health check"
    section, blocking first; ``None`` leaves the section out, an empty list says "No findings.".
    """
    page = Page(as_record(snap), now, findings)
    meeting.header(page)
    if findings is not None:
        meeting.health(page)
    for section in _BODY:
        section(page)
    return page.document()
