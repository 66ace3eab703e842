"""The facilitator's controls on the command line (issue 10): the agenda bends, an end can be
undone, items are edited, completed and deleted by their number, Five Questions answers.

Registered from ``cli.py`` by :func:`register`; kept here so the shared ``cli.py`` stays small.
Each command is one unit of work in the core (a refusal writes nothing) and goes through the
change feed, so an open cockpit shows the change at once. Like every command: bad input is one
line on stderr naming the fix, exit 2, and the database is left exactly as it was.

Items are named ``MEETING#NUMBER`` (``acme#12``): the meeting's id or a unique prefix of it, then
the number the record and the panes show.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from collections.abc import Callable

    from kickoff_tui.core.models import Item, Meeting
    from kickoff_tui.core.store import Store

F = TypeVar("F", bound="Callable[..., Any]")


class _Cli:
    """``cli.py``'s helpers, looked up when a command runs: ``cli.py`` imports this module while
    it is itself being imported (``python -m kickoff_tui.cli`` even runs it twice), so a
    module-level import back would be circular."""

    db_option = click.option(
        "--db", "db", metavar="PATH_OR_URL",
        help="Database file or SQLAlchemy URL (default: a SQLite file in your user data folder).",
    )  # fmt: skip

    @staticmethod
    def handled(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from kickoff_tui.cli import handled

            return handled(fn)(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    @staticmethod
    def open_store(db: str | None) -> Store:
        from kickoff_tui.cli import open_store

        return open_store(db)


_cli = _Cli


ITEM_FORM = "MEETING#NUMBER, e.g. acme#12 (the number the record and the panes show)"


def _number(value: str, what: str, example: str) -> int:
    """A whole number typed on the command line, or the one-line error (exit 2)."""
    from kickoff_tui.core.errors import InputError

    text = value.strip().lstrip("#")
    if not text.isdigit():
        raise InputError(f"{what} must be a whole number, not '{value}' — e.g. {example}")
    return int(text)


_KEEP = "kickoff-edit-keeps-the-text"


def item_ref(ref: str) -> tuple[str, int]:
    """``acme#12`` → ("acme", 12); anything else raises the one-line error."""
    from kickoff_tui.core.errors import InputError

    meeting, sep, number = ref.rpartition("#")
    if not sep or not meeting.strip() or not number.strip().isdigit():
        raise InputError(f"cannot read the item '{ref}' — name it as {ITEM_FORM}")
    return meeting.strip(), int(number)


def _item(store: Store, ref: str) -> tuple[Meeting, Item]:
    from kickoff_tui.core.record import find_item, resolve_meeting

    meeting_ref, number = item_ref(ref)
    m = resolve_meeting(store, meeting_ref)
    return m, find_item(store, m.id, number)


def _live_item(store: Store, ref: str) -> tuple[Meeting, Item]:
    from kickoff_tui.core.errors import InputError

    m, item = _item(store, ref)
    if item.deleted:
        raise InputError(
            f"item #{item.number} of {m.id} is deleted — bring it back first: "
            f"kickoff delete {m.id}#{item.number} --undo"
        )
    return m, item


def _label(item: Item) -> str:
    from kickoff_tui.core.readmodel import kind_label

    return f"{kind_label(item.kind)} #{item.number}"


# ---------------------------------------------------------------------------------------------
# The agenda


def agenda_lines(store: Store, meeting_id: str) -> list[str]:
    """The agenda as people see it, and how it fits the meeting's time box."""
    from kickoff_tui.core.record import load_snapshot

    snap = load_snapshot(store, meeting_id, with_items=False)
    out = []
    for b in snap.blocks:
        plan = f"{b.planned_minutes} min"
        if b.replanned_seconds is not None and b.replanned_seconds != b.planned_minutes * 60:
            plan += f" (replanned: {_span(b.replanned_seconds)})"
        who = f"  presented by {b.presenter}" if b.presenter else ""
        out.append(f"{b.position + 1:>2}  {b.title}  {plan}  [{b.kind}, {b.status}]{who}")
    total = sum(b.planned_seconds for b in snap.blocks)
    box = snap.meeting.planned_minutes
    over = total - box * 60
    sums = f"{_span(total)} planned in a {box}-min box"
    if over > 0:
        out.append(f"{sums}: {_span(over)} over — `kickoff fit {meeting_id}` scales it")
    else:
        out.append(f"{sums}: fits" + (f" ({_span(-over)} to spare)" if over else ""))
    return out


def _span(seconds: int) -> str:
    """``90 min``, or ``8 min 52 s`` for a replan (rebalances work in seconds)."""
    m, s = divmod(int(seconds), 60)
    return f"{m} min {s} s" if s else f"{m} min"


def _said(store: Store, meeting_id: str, done: str) -> None:
    click.echo(done)
    for line in agenda_lines(store, meeting_id):
        click.echo(line)


@click.group(invoke_without_command=True)
@click.argument("meeting")
@_cli.db_option
@click.pass_context
@_cli.handled
def agenda(ctx: click.Context, meeting: str, db: str | None) -> None:
    """Show or change a meeting's agenda, before or during the meeting.

    \b
    kickoff agenda ID                                  the agenda and its fit to the time box
    kickoff agenda ID add TITLE --minutes N [--after POS] [--kind K]
    kickoff agenda ID minutes POS N                    (once the meeting runs: a replan)
    kickoff agenda ID move POS --to POS
    kickoff agenda ID rename POS TITLE
    kickoff agenda ID remove POS                       (not a running or finished block)
    kickoff agenda ID presenter POS @name              (@name - to clear)

    POS is a block's position, 1 = the first. A cockpit open on the meeting shows each change.
    """
    ctx.obj = (meeting, db)
    if ctx.invoked_subcommand is None:
        store, m = _ctx(None)
        for line in agenda_lines(store, m.id):
            click.echo(line)


def _ctx(db: str | None) -> tuple[Store, Meeting]:
    """The store (``--db`` after the sub-command, else before it) and the meeting."""
    from kickoff_tui.core.record import resolve_meeting

    meeting, group_db = click.get_current_context().find_object(tuple) or (None, None)
    store = _cli.open_store(db if db is not None else group_db)
    return store, resolve_meeting(store, meeting)


@agenda.command(name="add")
@click.argument("title", nargs=-1, required=True)
@click.option("--minutes", "minutes", required=True, metavar="N", help="Planned minutes.")
@click.option("--after", metavar="POS", help="Add after this block (0 = first; default: last).")
@click.option("--kind", default="general", show_default=True, help="Block kind (its screen).")
@_cli.db_option
@_cli.handled
def agenda_add(
    title: tuple[str, ...], minutes: str, after: str | None, kind: str, db: str | None
) -> None:
    """Add a block."""
    from kickoff_tui.core import agenda_edits

    n = _number(minutes, "--minutes", "--minutes 10")
    pos = None if after is None else _number(after, "--after", "--after 3")
    store, m = _ctx(db)
    b = agenda_edits.add_block(store, m.id, " ".join(title), n, kind=kind, after=pos)
    _said(store, m.id, f"added block {b.position + 1} '{b.title}' ({n} min)")


@agenda.command(name="minutes")
@click.argument("pos")
@click.argument("minutes")
@_cli.db_option
@_cli.handled
def agenda_minutes(pos: str, minutes: str, db: str | None) -> None:
    """Plan N minutes for a block (a replan once the meeting runs)."""
    from kickoff_tui.core import agenda_edits

    p = _number(pos, "the block position", "agenda acme minutes 3 15")
    n = _number(minutes, "the minutes", "agenda acme minutes 3 15")
    store, m = _ctx(db)
    b = agenda_edits.set_minutes(store, m.id, p, n)
    _said(store, m.id, f"block {p} '{b.title}': {n} min")


@agenda.command(name="move")
@click.argument("pos")
@click.option("--to", "to", required=True, metavar="POS", help="The new position.")
@_cli.db_option
@_cli.handled
def agenda_move(pos: str, to: str, db: str | None) -> None:
    """Move a block to another position."""
    from kickoff_tui.core import agenda_edits

    p = _number(pos, "the block position", "agenda acme move 5 --to 2")
    t = _number(to, "--to", "agenda acme move 5 --to 2")
    store, m = _ctx(db)
    order = agenda_edits.move_block(store, m.id, p, t)
    _said(store, m.id, f"moved '{order[t - 1].title}' from {p} to {t}")


@agenda.command(name="rename")
@click.argument("pos")
@click.argument("title", nargs=-1, required=True)
@_cli.db_option
@_cli.handled
def agenda_rename(pos: str, title: tuple[str, ...], db: str | None) -> None:
    """Give a block a new title."""
    from kickoff_tui.core import agenda_edits

    p = _number(pos, "the block position", 'agenda acme rename 2 "Goals in your words"')
    store, m = _ctx(db)
    b = agenda_edits.rename_block(store, m.id, p, " ".join(title))
    _said(store, m.id, f"block {p} is now '{b.title}'")


@agenda.command(name="remove")
@click.argument("pos")
@_cli.db_option
@_cli.handled
def agenda_remove(pos: str, db: str | None) -> None:
    """Remove a block that has not run (the rest close up)."""
    from kickoff_tui.core import agenda_edits

    p = _number(pos, "the block position", "agenda acme remove 4")
    store, m = _ctx(db)
    b = agenda_edits.remove_block(store, m.id, p)
    _said(store, m.id, f"removed block {p} '{b.title}'")


@agenda.command(name="presenter")
@click.argument("pos")
@click.argument("name", nargs=-1, required=True)
@_cli.db_option
@_cli.handled
def agenda_presenter(pos: str, name: tuple[str, ...], db: str | None) -> None:
    """Who presents a block: @name (an attendee), or - to clear."""
    from kickoff_tui.core import agenda_edits

    p = _number(pos, "the block position", "agenda acme presenter 3 @sam")
    who = " ".join(name)
    store, m = _ctx(db)
    b = agenda_edits.set_presenter(store, m.id, p, "" if who.strip() == "-" else who)
    said = f"{b.presenter} presents" if b.presenter else "no presenter for"
    _said(store, m.id, f"{said} block {p} '{b.title}'")


@click.command()
@click.argument("meeting")
@_cli.db_option
@_cli.handled
def fit(meeting: str, db: str | None) -> None:
    """Scale a meeting's agenda to its time box (blocks that have run keep their minutes)."""
    from kickoff_tui.core import agenda_edits
    from kickoff_tui.core.record import resolve_meeting

    store = _cli.open_store(db)
    m = resolve_meeting(store, meeting)
    changed = agenda_edits.fit_agenda(store, m.id)
    done = ", ".join(f"{pos}→{n}" for pos, n in sorted(changed.items()))
    _said(store, m.id, f"fitted: {done} min" if changed else "the agenda already fits")


# ---------------------------------------------------------------------------------------------
# Ending undone


@click.command()
@click.argument("meeting")
@_cli.db_option
@_cli.handled
def reopen(meeting: str, db: str | None) -> None:
    """Undo the end of a meeting, the same day: the clocks resume from the stored events, the
    blocks the end skipped are back on the agenda and their parking-lot entries are taken back."""
    import pendulum

    from kickoff_tui.core import timers
    from kickoff_tui.core.record import resolve_meeting

    store = _cli.open_store(db)
    m = resolve_meeting(store, meeting)
    back = timers.reopen(store, m.id, pendulum.now("UTC"), by="cli")
    runs = f"'{back.running}' runs again" if back.running else "no block runs (press next)"
    parked = f"; {back.blocks_back} block(s) back from the parking lot" if back.blocks_back else ""
    click.echo(f"reopened {m.id}: {runs}{parked}")


# ---------------------------------------------------------------------------------------------
# Items by number, answers


@click.command()
@click.argument("item")
@click.argument("text", nargs=-1)
@click.option("--kind", help="A new kind (action, risk, assumption, …).")
@click.option("--mitigation", metavar="TEXT", help="A risk's mitigation ('' clears it).")
@_cli.db_option
@_cli.handled
def edit(
    item: str, text: tuple[str, ...], kind: str | None, mitigation: str | None, db: str | None
) -> None:
    """Change an item named MEETING#NUMBER (acme#12).

    TEXT uses the capture grammar: its words replace the item's text, and each token it holds
    (@owner, due:, sev:, side:, status:, mit:"…", esc, #internal) replaces that detail; details
    it does not mention stay as they were."""
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.record import check_kind, parse_line, update_item

    item_ref(item)
    if not text and kind is None and mitigation is None:
        raise InputError("nothing to change — give the new TEXT, --kind or --mitigation")
    new_kind = check_kind(kind) if kind is not None else None
    store = _cli.open_store(db)
    m, it = _live_item(store, item)
    fields: dict[str, Any] = {}
    if text:
        # Tokens alone ("@maria due:fri") keep the text: a marker word stands in for it.
        c = parse_line(store, m, f"{' '.join(text)} {_KEEP}")
        words = c.text.removesuffix(_KEEP).strip()
        if words:
            fields["text"] = words
        if c.owner is not None:
            fields.update(owner=c.owner, owner_attendee_id=c.owner_attendee_id,
                          owner_known=c.owner_known)  # fmt: skip
            if (new_kind or it.kind) == "decision":
                fields["decided_by"] = c.owner
        given = {"due": c.due, "severity": c.severity, "side": c.side, "status": c.status,
                 "mitigation": c.mitigation}  # fmt: skip
        fields.update({k: v for k, v in given.items() if v is not None})
        if c.escalated:
            fields.update(escalated=True, escalated_to=c.escalated_to)
        if c.internal:
            fields["internal"] = True
        for warning in c.warnings:
            click.echo(f"kickoff: warning: {warning}", err=True)
    if new_kind is not None:
        fields["kind"] = new_kind
    if mitigation is not None:
        fields["mitigation"] = " ".join(mitigation.split()) or None
    saved = update_item(store, it.id or 0, it.version, by="cli", **fields)
    said = {_SAID.get(f, f) for f in fields} - {""}
    click.echo(f"updated {_label(saved)}: {', '.join(sorted(said))}")


#: Field names as people say them in ``edit``'s answer ("" = said by another field).
_SAID = {"owner_attendee_id": "", "owner_known": "", "decided_by": "", "escalated_to": "",
         "escalated": "escalation", "severity": "sev"}  # fmt: skip


@click.command()
@click.argument("item")
@click.option("--undo", is_flag=True, help="Open it again.")
@_cli.db_option
@_cli.handled
def done(item: str, undo: bool, db: str | None) -> None:
    """Mark an item (MEETING#NUMBER, e.g. acme#12) done, or open again with --undo."""
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.record import update_item

    store = _cli.open_store(db)
    _, it = _live_item(store, item)
    status = "open" if undo else "done"
    if it.status == status:
        raise InputError(f"{_label(it)} is already {status} — nothing changed")
    saved = update_item(store, it.id or 0, it.version, by="cli", status=status)
    click.echo(f"{_label(saved)} {'open again' if undo else 'done'}")


@click.command(name="delete")
@click.argument("item")
@click.option("--undo", is_flag=True, help="Bring a deleted item back.")
@_cli.db_option
@_cli.handled
def delete_item(item: str, undo: bool, db: str | None) -> None:
    """Delete an item named MEETING#NUMBER (acme#12); --undo brings it back. The row is kept
    (soft delete), so its number is never reused."""
    delete_item_ref(item, undo, db)


def delete_item_ref(ref: str, undo: bool, db: str | None) -> None:
    """``kickoff delete MEETING#NUMBER [--undo]``, as a function: a ``kickoff delete`` that
    also deletes whole meetings (issue 16) hands a reference with ``#NUMBER`` to this."""
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.record import set_deleted

    store = _cli.open_store(db)
    m, it = _item(store, ref)
    if it.deleted != undo:
        state = "not deleted" if undo else "already deleted"
        fix = "" if undo else f" (kickoff delete {m.id}#{it.number} --undo brings it back)"
        raise InputError(f"{_label(it)} is {state} — nothing changed{fix}")
    set_deleted(store, it.id or 0, not undo, by="cli")
    click.echo(f"{'restored' if undo else 'deleted'} {_label(it)}: {it.text}")


@click.command()
@click.argument("meeting")
@click.argument("person")
@click.argument("question")
@click.argument("text", nargs=-1, required=True)
@_cli.db_option
@_cli.handled
def answer(meeting: str, person: str, question: str, text: tuple[str, ...], db: str | None) -> None:
    """Save PERSON's answer (@maria) to one of the Five Questions (Q = 1 to 5), in their words.
    A second answer to the same question replaces the first."""
    from kickoff_tui.core.attendees import find_attendee
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.record import resolve_meeting, set_answer

    q = _number(question.upper().removeprefix("Q"), "the question", "answer acme @maria 2 TEXT")
    if not 1 <= q <= 5:
        raise InputError(f"question {q} does not exist — the Five Questions are 1 to 5")
    words = " ".join(" ".join(text).split())
    if not words:
        raise InputError("the answer is empty — type it in their words")
    store = _cli.open_store(db)
    m = resolve_meeting(store, meeting)
    who = find_attendee(store, m.id, person)
    set_answer(store, m.id, who.id or 0, q, words, by="cli")
    click.echo(f"saved Q{q} answer by {who.name}")


def register(main: click.Group) -> None:
    """Add these commands to ``kickoff``."""
    for command in (agenda, fit, reopen, edit, done, delete_item, answer):
        main.add_command(command)
