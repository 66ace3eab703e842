"""The kickoff record's public operations, gathered from the modules that own them.

Each lives in the module named by what it changes: ``meetings``, ``items``, ``attendees``,
``answers``, ``notes``, ``timer_events``. Import from here or from the owning module.
"""

from __future__ import annotations

from kickoff_tui.core.answers import (
    set_answer,
)
from kickoff_tui.core.attendees import (
    add_attendee,
    add_roles,
    attendee_names,
    update_attendee,
)
from kickoff_tui.core.items import (
    add_item,
    add_lines,
    check_kind,
    count_items,
    find_item,
    get_item,
    get_items,
    import_lines,
    item_numbers,
    list_items,
    parse_line,
    set_deleted,
    update_item,
)
from kickoff_tui.core.meetings import (
    Snapshot,
    create_meeting,
    get_meeting,
    list_meetings,
    load_snapshot,
    mark_followthrough,
    parse_start,
    resolve_meeting,
    slugify,
    update_meeting,
)
from kickoff_tui.core.notes import (
    block_notes,
    save_block_note,
)
from kickoff_tui.core.timer_events import (
    add_timer_event,
    set_block_minutes,
)

__all__ = [
    "Snapshot",
    "add_attendee",
    "add_item",
    "add_lines",
    "import_lines",
    "add_roles",
    "add_timer_event",
    "attendee_names",
    "block_notes",
    "check_kind",
    "count_items",
    "create_meeting",
    "find_item",
    "get_item",
    "get_items",
    "item_numbers",
    "get_meeting",
    "list_items",
    "list_meetings",
    "load_snapshot",
    "mark_followthrough",
    "parse_line",
    "parse_start",
    "resolve_meeting",
    "save_block_note",
    "set_answer",
    "set_block_minutes",
    "set_deleted",
    "slugify",
    "update_attendee",
    "update_item",
    "update_meeting",
]
