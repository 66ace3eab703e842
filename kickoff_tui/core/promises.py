"""Promises from the sales handoff, reconciled in the kickoff (issue 11 part 2; seed 004's
"sales hangover": the rep said "easy integration", the customer heard "plug and play", the team
knows it is 40 hours of IT work).

A ``promise`` item (imported by ``kickoff prep`` or captured) is marked, in the meeting, as one of
``vocab.Resolution``: **confirmed** as promised; **corrected** (the corrected text is kept beside
the original); **out of scope** (an ``out-of-scope`` item with its text is added, so the scope
list says it); or turned into a **risk** (a risk item with its text and owner is added, and the
promise points to it). One transaction each; the promise's history says what, when and by whom.
The health check flags a promise nobody reconciled (``promise-unreconciled``); the record lists
every promise with its reconciliation.

Headless: imports no Textual.
"""

from __future__ import annotations

import pendulum

from kickoff_tui.core.errors import InputError
from kickoff_tui.core.items import next_number
from kickoff_tui.core.models import Item, utcnow
from kickoff_tui.core.series import add_history
from kickoff_tui.core.store import Store
from kickoff_tui.core.text import clean
from kickoff_tui.core.vocab import Kind, Resolution


def reconcile(
    store: Store,
    item_id: int,
    word: str,
    note: str = "",
    *,
    by: str = "cli",
    now: pendulum.DateTime | None = None,
) -> tuple[Item, Item | None]:
    """Mark a promise (see the module doc). Returns the promise and the item it became (a risk
    or an out-of-scope item), if any."""
    resolution = Resolution.read(word, "resolution")
    note = " ".join(clean(note, field="the corrected text").split())
    if resolution is Resolution.CORRECTED and not note:
        raise InputError('a corrected promise needs the corrected text — corrected "…"')
    if note and resolution is not Resolution.CORRECTED:
        raise InputError(f"only a corrected promise takes a text ('{note}' was given)")
    at = now or utcnow()
    made: Item | None = None
    with store.write(by) as s:
        item = s.get(Item, item_id, with_for_update=True)
        if item is None or item.deleted:
            raise InputError(f"no item #{item_id} — nothing was changed")
        if item.kind != Kind.PROMISE.value:
            raise InputError(
                f"#{item.number} is not a promise (it is a {item.kind} item) — nothing was changed"
            )
        if item.resolution == resolution.value and (item.resolution_note or "") == note:
            return item, None
        if resolution in (Resolution.RISK, Resolution.OUT_OF_SCOPE):
            kind = Kind.RISK if resolution is Resolution.RISK else Kind.OUT_OF_SCOPE
            made = Item(
                meeting_id=item.meeting_id, kind=kind.value, text=item.text, owner=item.owner,
                owner_attendee_id=item.owner_attendee_id, owner_known=item.owner_known,
                internal=item.internal, captured_by=by, created_at=at, updated_at=at,
                number=next_number(s, item.meeting_id), origin=f"promise:{item.uid}",
            )  # fmt: skip
            s.add(made)
            note = f"{kind.value} #{made.number}"
        item.resolution = resolution.value
        item.resolution_note = note or None
        item.status = "done"  # reconciled: no longer open
        add_history(item, resolution.value + (f": {note}" if note else ""), item.meeting_id,
                    by, at)  # fmt: skip
        item.version += 1
        item.updated_at = at
        s.add(item)
    return item, made
