"""The Markdown record's sections of captured items: one table per kind, oldest first.

Decisions, action items, risks, open questions, scope, milestones, success metrics, notes (the
note items and the running notes by block) and, last, any kind this module does not know. Each
section says "None captured." rather than disappearing when its kind is empty.
"""

from __future__ import annotations

import datetime as dt

from kickoff_tui.core.export.markdown_escape import escape_cell, escape_inline, table
from kickoff_tui.core.export.markdown_format import iso_date
from kickoff_tui.core.export.markdown_page import Page
from kickoff_tui.core.people import label as owner_label
from kickoff_tui.core.readmodel import Item

#: The kinds that have a section of their own; anything else goes to "Other items".
KNOWN_KINDS = frozenset(
    {"decision", "action", "risk", "question", "in-scope", "out-of-scope", "milestone", "metric",
     "note", "promise", "objective", "assumption", "deviation"}
)  # fmt: skip


def decisions(p: Page) -> None:
    p.section("Decisions")
    p.items_table(
        "decision",
        ("ID", "Decision", "Decided by", "Block"),
        lambda i: (
            str(i.number),
            p.text(i),
            p.decider(i),
            p.block(i),
        ),
    )


def actions(p: Page) -> None:
    p.section("Action items")
    p.items_table(
        "action",
        ("ID", "Action", "Owner", "Due", "Side", "Status", "Block"),
        lambda i: (
            str(i.number), p.text(i), p.owner(i), iso_date(i.due), p.owes(i),
            escape_cell(i.status.value), p.block(i),
        ),
    )  # fmt: skip


def risks(p: Page) -> None:
    p.section("Risks")
    p.items_table(
        "risk",
        ("ID", "Risk", "Owner", "Due", "Severity", "Mitigation", "Escalated", "Status", "Block"),
        lambda i: (
            str(i.number), p.text(i), p.owner(i), iso_date(i.due), escape_cell(i.severity),
            escape_cell(i.mitigation), escalation(i), escape_cell(i.status.value), p.block(i),
        ),
    )  # fmt: skip


def escalation(i: Item) -> str:
    """``yes``, ``to Sam Patel`` (esc:@name) or empty."""
    if not i.escalated:
        return ""
    to = owner_label(i.escalated_to)
    return escape_cell(f"to {to}") if to else "yes"


def deviations(p: Page) -> None:
    p.section("Deviations")
    p.items_table(
        "deviation",
        ("ID", "Deviation", "Owner", "Due", "Escalated", "Status", "Block"),
        lambda i: (
            str(i.number), p.text(i), p.owner(i), iso_date(i.due), escalation(i),
            escape_cell(i.status.value), p.block(i),
        ),
    )  # fmt: skip


def questions(p: Page) -> None:
    p.section("Open questions")
    p.items_table(
        "question",
        ("ID", "Question", "Owner", "Due", "Status", "Block"),
        lambda i: (
            str(i.number), p.text(i), p.owner(i), iso_date(i.due), escape_cell(i.status),
            p.block(i),
        ),
    )  # fmt: skip


def scope(p: Page) -> None:
    p.section("Scope")
    for kind, title in (
        ("in-scope", "In scope"), ("out-of-scope", "Out of scope"), ("assumption", "Assumptions"),
    ):  # fmt: skip
        p.section(title, level=3)
        p.items_table(
            kind,
            ("ID", "Item", "Block"),
            lambda i: (str(i.number), p.text(i), p.block(i)),
        )


def milestones(p: Page) -> None:
    p.section("Milestones")
    found = sorted(
        p.by_kind.get("milestone", []),
        key=lambda i: (i.due is None, i.due or dt.date.min, i.number),
    )
    p.items_table(
        "milestone",
        ("ID", "Milestone", "Date", "Owner", "Block"),
        lambda i: (str(i.number), p.text(i), iso_date(i.due), p.owner(i), p.block(i)),
        found,
    )


def metrics(p: Page) -> None:
    p.section("Success metrics")
    p.items_table(
        "metric",
        ("ID", "Metric", "Owner", "By", "Block"),
        lambda i: (str(i.number), p.text(i), p.owner(i), iso_date(i.due), p.block(i)),
    )


def notes(p: Page) -> None:
    p.section("Notes")
    items = p.by_kind.get("note", [])
    running = sorted(
        (n for n in p.rec.notes if n.text.strip()),
        key=lambda n: n.block.position if n.block else 1 << 30,
    )
    if not items and not running:
        p.none()
        return
    if items:
        p.lines(
            table(
                ("ID", "Note", "Owner", "Block"),
                ((str(i.number), p.text(i), p.owner(i), p.block(i)) for i in items),
            )
        )
    if running:
        if items:
            p.out.append("")
        p.out.append("Running notes by block:")
        p.out.append("")
        for note in running:
            block = note.block
            title = escape_inline(block.title) if block else f"block {note.block_id}"
            p.out.append(f"- **{title}:** {escape_inline(note.text)}")


def other_items(p: Page) -> None:
    other = sorted(k for k in p.by_kind if k not in KNOWN_KINDS)
    if not other:
        return
    p.section("Other items")
    rows = (
        (str(i.number), escape_cell(kind), p.text(i), p.owner(i), p.block(i))
        for kind in other
        for i in p.by_kind[kind]
    )
    p.lines(table(("ID", "Kind", "Text", "Owner", "Block"), rows))
