"""Changing a meeting's agenda: retime, rename, add, move or remove a block; fit it to its box.

Each is one unit of work: inside one write transaction it locks the meeting, reads the blocks
and timer events it decides on, checks, and writes every row it changes (moving a block
renumbers several), so a failure leaves the agenda exactly as it was and a retry applies once.

Blocks are named by their position as people see it (1 = the first block). A caller that shows
the agenda can pass ``expect_uid`` (the identity of the block the user pointed at): if another
terminal changed the agenda meanwhile so that the position names another block,
:class:`~kickoff_tui.core.errors.StaleAction` is raised and nothing is written.

A running or finished block cannot be removed, nor can a block that holds captured items or
notes (their "raised in" would be lost); a block that has run keeps its minutes when the agenda
is fitted.

Honest plans: before the meeting starts, minutes (``set_minutes``, ``fit_agenda``) change the
plan (``planned_minutes``). Once it has started they change the block's replanned seconds
instead, so the record still compares what was planned with what was replanned and what ran.
Every change is written through ``store.write``, so the change feed tells every open terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from kickoff_tui.core.agenda import BLOCK_KINDS, BlockSpec, fit
from kickoff_tui.core.errors import InputError, StaleAction
from kickoff_tui.core.meetings import lock_meeting
from kickoff_tui.core.models import Attendee, Block, BlockNote, Item, TimerEvent
from kickoff_tui.core.people import Ambiguous, Unresolved, match
from kickoff_tui.core.store import Store
from kickoff_tui.core.text import clean

__all__ = [
    "add_block", "fit_agenda", "move_block", "remove_block", "rename_block", "set_minutes",
    "set_presenter",
]  # fmt: skip


def _blocks(s: Session, meeting_id: str) -> list[Block]:
    lock_meeting(s, meeting_id)
    return list(s.exec(select(Block).where(Block.meeting_id == meeting_id).order_by("position")))


def _started(s: Session, meeting_id: str) -> set[int]:
    rows = s.exec(
        select(TimerEvent.block_id).where(
            TimerEvent.meeting_id == meeting_id, TimerEvent.kind == "block-started"
        )
    )
    return {b for b in rows if b is not None}


def _at(blocks: Sequence[Block], position: int, expect_uid: str | None) -> Block:
    if not 1 <= position <= len(blocks):
        raise InputError(f"no block {position} — the agenda has blocks 1 to {len(blocks)}")
    block = blocks[position - 1]
    if expect_uid is not None and block.uid != expect_uid:
        raise StaleAction(
            f"not applied: block {position} is now '{block.title}' (the agenda was changed "
            "meanwhile) — look again and choose the block again"
        )
    return block


def _minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        raise InputError(
            f"minutes must be a whole number from 1 to 1440, not {minutes!r} — give the "
            "block at least one minute"
        )
    return minutes


def _title(title: str) -> str:
    title = " ".join(clean(title, field="the block title").split())
    if not title:
        raise InputError("the block title is empty — type a title")
    return title


def _renumber(s: Session, order: Sequence[Block]) -> None:
    """Give ``order`` the positions 0, 1, 2…: the blocks that move step aside first (negative
    positions), so the unique (meeting, position) never sees two at once."""
    moving = [b for n, b in enumerate(order) if b.position != n]
    for n, b in enumerate(moving, start=1):
        b.position = -n
        s.add(b)
    s.flush()
    for n, b in enumerate(order):
        if b.position != n:
            b.position = n
            s.add(b)


def set_minutes(
    store: Store, meeting_id: str, position: int, minutes: int, *, by: str = "cli",
    expect_uid: str | None = None,
) -> Block:  # fmt: skip
    """Plan ``minutes`` for the block at ``position`` (once the meeting has started: replan)."""
    minutes = _minutes(minutes)
    with store.write(by) as s:
        block = _at(_blocks(s, meeting_id), position, expect_uid)
        _plan(block, minutes, bool(_started(s, meeting_id)))
        s.add(block)
    return block


def _plan(block: Block, minutes: int, running: bool) -> None:
    """Before the meeting: the plan itself. During it: the replan (the plan stays)."""
    if running:
        block.replanned_seconds = minutes * 60
    else:
        block.planned_minutes = minutes
        block.replanned_seconds = None


def set_presenter(
    store: Store, meeting_id: str, position: int, name: str | None, *, by: str = "cli",
    expect_uid: str | None = None,
) -> Block:  # fmt: skip
    """Who presents the block at ``position``: an attendee, named as owners are (``@maria``,
    ``@"Maria Lopez"``, ``lopez``). ``None`` or ``""`` clears it. A name that is nobody or
    fits two people is refused, naming the fix."""
    raw = " ".join(
        clean(name or "", field="the presenter").strip().removeprefix("@").strip('"').split()
    )
    with store.write(by) as s:
        block = _at(_blocks(s, meeting_id), position, expect_uid)
        if not raw:
            block.presenter = None
        else:
            people = list(s.exec(select(Attendee).where(Attendee.meeting_id == meeting_id)))
            found = match(raw, people)
            if isinstance(found, Ambiguous):
                raise InputError("presenter " + found.message(f"'{raw}'"))
            if isinstance(found, Unresolved):
                raise InputError(
                    f"'{raw}' is not an attendee — check the spelling or add them first: "
                    f'kickoff attendee {meeting_id} "{raw}" --side ours'
                )
            block.presenter = found.name
        s.add(block)
    return block


def rename_block(
    store: Store, meeting_id: str, position: int, title: str, *, by: str = "cli",
    expect_uid: str | None = None,
) -> Block:  # fmt: skip
    title = _title(title)
    with store.write(by) as s:
        block = _at(_blocks(s, meeting_id), position, expect_uid)
        block.title = title
        s.add(block)
    return block


def add_block(
    store: Store, meeting_id: str, title: str, minutes: int, *, kind: str = "general",
    after: int | None = None, by: str = "cli",
) -> Block:  # fmt: skip
    """A new block after position ``after`` (0 = first; default: at the end). Added once the
    meeting runs, it is a replan: planned 0 minutes (it was not in the plan), replanned N."""
    title, minutes = _title(title), _minutes(minutes)
    if kind not in BLOCK_KINDS:
        raise InputError(f"unknown block kind '{kind}' — use one of: {', '.join(BLOCK_KINDS)}")
    with store.write(by) as s:
        blocks = _blocks(s, meeting_id)
        at = len(blocks) if after is None else after
        if not 0 <= at <= len(blocks):
            raise InputError(f"no block {at} to add after — use 0 to {len(blocks)}")
        spare = max((b.position for b in blocks), default=0) + 1  # _renumber puts it in place
        # Added once the meeting runs, a block was never in the plan: planned 0, replanned N.
        running = bool(_started(s, meeting_id))
        block = Block(meeting_id=meeting_id, position=spare, title=title, kind=kind,
                      planned_minutes=0 if running else minutes,
                      replanned_seconds=minutes * 60 if running else None,
                      prompts_json="[]")  # fmt: skip
        s.add(block)
        s.flush()
        _renumber(s, [*blocks[:at], block, *blocks[at:]])
    return block


def move_block(
    store: Store, meeting_id: str, position: int, to: int, *, by: str = "cli",
    expect_uid: str | None = None,
) -> list[Block]:  # fmt: skip
    """Move the block at ``position`` to position ``to``; returns the agenda in its new order."""
    with store.write(by) as s:
        blocks = _blocks(s, meeting_id)
        block = _at(blocks, position, expect_uid)
        if not 1 <= to <= len(blocks):
            raise InputError(f"cannot move to {to} — the agenda has blocks 1 to {len(blocks)}")
        order = [b for b in blocks if b is not block]
        order.insert(to - 1, block)
        _renumber(s, order)
    return order


def remove_block(
    store: Store, meeting_id: str, position: int, *, by: str = "cli",
    expect_uid: str | None = None,
) -> Block:  # fmt: skip
    """Remove a block that has not run and holds no captures; the rest close up."""
    with store.write(by) as s:
        blocks = _blocks(s, meeting_id)
        block = _at(blocks, position, expect_uid)
        if block.id in _started(s, meeting_id):
            raise InputError(
                f"block {position} '{block.title}' has already run — a running or finished "
                "block cannot be removed"
            )
        held = sum(_count(s, model, block.id) for model in (Item, BlockNote))
        if held:
            raise InputError(
                f"block {position} '{block.title}' holds {held} captured item(s) or notes — "
                "they would lose where they were raised; keep the block (or shorten it to 1 min)"
            )
        s.delete(block)
        s.flush()
        _renumber(s, [b for b in blocks if b is not block])
    return block


def _count(s: Session, model: type[Item] | type[BlockNote], block_id: int | None) -> int:
    return int(s.exec(select(func.count()).where(col(model.block_id) == block_id)).one())


def fit_agenda(store: Store, meeting_id: str, *, by: str = "cli") -> dict[int, int]:
    """Scale the agenda to the meeting's time box (``agenda.fit``): blocks that have run keep
    their minutes, the others share what is left. Returns {position: new minutes} of the
    blocks that changed (1 = the first block). Once the meeting runs, it replans."""
    with store.write(by) as s:
        m = lock_meeting(s, meeting_id)
        blocks = _blocks(s, meeting_id)
        started = _started(s, meeting_id)
        fixed = round(sum(b.planned_seconds for b in blocks if b.id in started) / 60)
        free = [b for b in blocks if b.id not in started]
        if not free:
            raise InputError("every block has already run — nothing left to fit")
        specs = [BlockSpec(b.title, b.kind, max(1, round(b.planned_seconds / 60))) for b in free]
        try:
            fitted = fit(specs, m.planned_minutes - fixed)
        except InputError:
            raise InputError(
                f"cannot fit {len(free)} blocks into the {m.planned_minutes - fixed} minutes left "
                f"of the {m.planned_minutes}-minute box — each block needs at least 1 minute"
            ) from None
        changed = {}
        for b, spec in zip(free, fitted, strict=True):
            if b.planned_seconds != spec.minutes * 60:
                _plan(b, spec.minutes, bool(started))
                s.add(b)
                changed[b.position + 1] = spec.minutes
    return changed
