"""The Markdown record's sections for before and after the call (issue 11): the promises from
the sales handoff and how each was reconciled, "Since last time" (a follow-up meeting's open
items of its series, the same items as in the earlier records), and every item's history.

Each section appears only when it has something to say, so a lone kickoff's record is unchanged.
"""

from __future__ import annotations

from kickoff_tui.core.export.markdown_escape import escape_cell, table
from kickoff_tui.core.export.markdown_format import iso_date, local_datetime
from kickoff_tui.core.export.markdown_page import Page
from kickoff_tui.core.readmodel import Item


def _history(p: Page, item: Item) -> str:
    steps = []
    for e in item.events:
        when = local_datetime(e.at, p.tz) if e.at is not None else ""
        where = f" in {e.meeting_id}" if e.meeting_id else ""
        steps.append(f"{e.what}{where}, {when}" if when else f"{e.what}{where}")
    return escape_cell("; ".join(steps))


def objectives(p: Page) -> None:
    found = p.by_kind.get("objective", [])
    if not found:
        return
    p.section("Objectives")
    p.lines(table(("ID", "Objective", "Owner"), ((str(i.number), p.text(i), p.owner(i))
                                                 for i in found)))  # fmt: skip


def promises(p: Page) -> None:
    found = p.by_kind.get("promise", [])
    if not found:
        return
    p.section("Promises from sales")
    p.lines(
        table(
            ("ID", "Promise", "Reconciled", "Owner"),
            (
                (
                    str(i.number),
                    p.text(i),
                    escape_cell(
                        (i.resolution or "NOT YET")
                        + (f": {i.resolution_note}" if i.resolution_note else "")
                    ),
                    p.owner(i),
                )
                for i in found
            ),
        )
    )


def since_last_time(p: Page) -> None:
    carried = p.rec.carried
    if not carried and not p.rec.meeting.after_id:
        return
    p.section("Since last time")
    if not carried:
        p.out.append("Nothing open from the earlier meetings of this series.")
        return
    p.lines(
        table(
            ("Item", "Kind", "Text", "Owner", "Due", "Status", "History"),
            (
                (
                    escape_cell(f"{i.meeting_id}#{i.number}"),
                    escape_cell(i.kind),
                    p.text(i),
                    p.owner(i),
                    iso_date(i.due),
                    escape_cell(i.resolution or i.status.value),
                    _history(p, i),
                )
                for i in carried
            ),
        )
    )


def item_history(p: Page) -> None:
    """Items whose life went on in later meetings of the series (done, slipped or dropped there),
    with every step; edits within this meeting are its own record already."""
    here = p.rec.meeting.id
    changed = [i for i in p.rec.items if any(e.meeting_id != here for e in i.events)]
    if not changed:
        return
    p.section("Item history")
    p.lines(
        table(
            ("ID", "Kind", "Text", "Status", "History"),
            (
                (
                    str(i.number),
                    escape_cell(i.kind),
                    p.text(i),
                    escape_cell(i.resolution or i.status.value),
                    _history(p, i),
                )
                for i in changed
            ),
        )  # fmt: skip
    )
