"""Commands for before and after the call (issue 11): ``prep``, ``ready``, ``invite``, ``mail``,
``sent``, ``promise`` and the commitments ledger ``actions``.

Registered on the ``kickoff`` group by :func:`register` (called from ``cli.py``), so this file
can grow without touching the shared command module. Same rules as every command: the core does
the work, errors are one line on stderr (exit 2 for bad input, 1 for failures) and leave the
database as it was; Textual is never imported here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kickoff_tui.cli import db_option, handled, notes, open_store


@click.command()
@click.argument("meeting")
@click.option(
    "--from", "source", required=True, type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE", help="The sales handoff (TOML or JSON; see data/handoff-example.toml).",
)  # fmt: skip
@db_option
@handled
def prep(meeting: str, source: Path, db: str | None) -> None:
    """Import the sales handoff into a meeting: attendees with emails and roles, objectives,
    promises, risks, pre-reads, contract date. Importing again updates, never duplicates."""
    from kickoff_tui.core.handoff import import_handoff, read_file
    from kickoff_tui.core.record import resolve_meeting

    handoff = read_file(source)  # a bad file fails before the store is opened
    store = open_store(db)
    m = resolve_meeting(store, meeting)
    done = import_handoff(store, m.id, handoff)
    click.echo(f"{m.id}: {done.describe()}")
    notes(done.notes)


@click.command()
@click.option("--open", "open_only", is_flag=True, help="Only what is not done.")
@click.option("--overdue", "overdue_only", is_flag=True, help="Only open items past their due.")
@click.option("--owner", metavar="NAME", help="Owned by this person (any part of the name).")
@click.option("--client", metavar="C", help="For this client (any part of the name or id).")
@click.option("--side", metavar="us|them", help="Who owes it: us (ours) or them (theirs).")
@click.option("--kind", metavar="KIND", help="action, risk or question.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
@db_option
@handled
def actions(
    open_only: bool,
    overdue_only: bool,
    owner: str | None,
    client: str | None,
    side: str | None,
    kind: str | None,
    as_json: bool,
    db: str | None,
) -> None:
    """The commitments ledger: every action, risk and question across every meeting, overdue
    first."""
    import json

    import pendulum

    from kickoff_tui.core.errors import NoDatabaseError
    from kickoff_tui.core.ledger import Filters, counts, query
    from kickoff_tui.core.text import scrub

    filters = Filters.read(open_only=open_only, overdue_only=overdue_only, owner=owner,
                           client=client, side=side, kind=kind)  # fmt: skip
    try:
        store = open_store(db, readonly=True)
    except NoDatabaseError:
        store = None
    entries = query(store, filters, today=pendulum.today().date()) if store is not None else []
    if as_json:
        data = {"counts": counts(entries), "items": [e.to_json() for e in entries]}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not entries:
        click.echo("nothing in the ledger matches", err=True)
        return
    for e in entries:
        state = "OVERDUE" if e.overdue else e.status.value
        due = e.due.isoformat() if e.due else "-"
        who = scrub(e.owner, multiline=False) or "(no owner)"
        side_word = e.side.value if e.side else "-"
        text = scrub(" ".join(e.text.split()), multiline=False)
        tag = " #internal" if e.internal else ""
        click.echo(f"{e.ref}\t{state}\t{due}\t{e.kind}\t{side_word}\t{who}\t{text}{tag}")
    c = counts(entries)
    click.echo(f"{len(entries)} item(s): {c['open']} open, {c['overdue']} overdue, "
               f"{c['done']} done", err=True)  # fmt: skip


@click.command()
@click.argument("meeting")
@click.option(
    "-o", "--output", "directory", required=True, metavar="DIR",
    type=click.Path(path_type=Path), help="The folder for the .eml files.",
)  # fmt: skip
@db_option
@handled
def mail(meeting: str, directory: Path, db: str | None) -> None:
    """Write the follow-through as mail: the team recap (with the calendar file) and one
    message per owner with their own items. Client-safe: no #internal item, no mitigation.
    Writing is not sending: run `kickoff sent` once they went out."""
    import pendulum

    from kickoff_tui.core import files
    from kickoff_tui.core.delivery import write_followthrough
    from kickoff_tui.core.record import resolve_meeting

    files.check_target(directory, folder=True)  # a bad -o fails before anything is read
    store = open_store(db, readonly=True)
    m = resolve_meeting(store, meeting)
    written, extra = write_followthrough(store, m.id, directory, pendulum.now("UTC"))
    for path in written:
        click.echo(str(path))
    notes([*written.notes, *extra])


@click.command()
@click.argument("meeting")
@db_option
@handled
def sent(meeting: str, db: str | None) -> None:
    """Record that the follow-through was sent (now). Exporting or writing mail is not sending:
    only this is called "sent" in the record and the CRM JSON."""
    import pendulum

    from kickoff_tui.core.delivery import mark_sent
    from kickoff_tui.core.record import resolve_meeting

    store = open_store(db)
    m = resolve_meeting(store, meeting)
    recorded, at = mark_sent(store, m.id, pendulum.now("UTC"))
    local = at.in_timezone(m.tz).format("ddd D MMM YYYY HH:mm zz")
    if recorded:
        click.echo(f"{m.id}: follow-through sent {local}")
    else:
        click.echo(f"{m.id}: already recorded as sent {local} (the first time is kept)")


@click.command()
@click.argument("meeting")
@click.option(
    "-o", "--output", "directory", required=True, metavar="DIR",
    type=click.Path(path_type=Path), help="The folder for the .eml and .ics files.",
)  # fmt: skip
@click.option("--internal", is_flag=True, help="The brief for our side instead (24 h before).")
@db_option
@handled
def invite(meeting: str, directory: Path, internal: bool, db: str | None) -> None:
    """Write the customer invitation (an .eml to the attendees with emails, and an .ics REQUEST
    with ORGANIZER and ATTENDEEs), or with --internal the brief for our side. Records when it
    was written, for `kickoff ready`."""
    import pendulum

    from kickoff_tui.core import files
    from kickoff_tui.core.delivery import write_invitation
    from kickoff_tui.core.record import resolve_meeting

    files.check_target(directory, folder=True)  # a bad -o fails before anything is read
    store = open_store(db)
    m = resolve_meeting(store, meeting)
    written, extra = write_invitation(store, m.id, directory, pendulum.now("UTC"),
                                      internal=internal)  # fmt: skip
    for path in written:
        click.echo(str(path))
    notes([*written.notes, *extra])


@click.command()
@click.argument("meeting")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable checks.")
@click.option("--tick", metavar="CHECK", help="Mark a check done (another way).")
@click.option("--deviation", metavar="CHECK", help="Record a failing check as a deviation.")
@click.option("--owner", metavar="NAME", help="Who the deviation is escalated to.")
@click.option("--note", default="", help="What the deviation is about.")
@db_option
@handled
def ready(
    meeting: str,
    as_json: bool,
    tick: str | None,
    deviation: str | None,
    owner: str | None,
    note: str,
    db: str | None,
) -> None:
    """The readiness gate: each check with pass/fail and the fix; exit 1 while a blocking check
    fails. --tick CHECK marks one done; --deviation CHECK --owner NAME records it as a
    deviation escalated to NAME."""
    import json

    import pendulum

    from kickoff_tui.core import readiness
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.record import load_snapshot, resolve_meeting

    if tick and deviation:
        raise InputError("--tick and --deviation name one check each — give one of them")
    if deviation and not owner:
        raise InputError("a deviation needs an owner — add --owner NAME (who escalates it)")
    if owner and not deviation:
        raise InputError("--owner goes with --deviation CHECK")
    for word in (tick, deviation):
        if word:
            readiness.check_id(word)  # a bad check fails before the store is opened
    now = pendulum.now("UTC")
    store = open_store(db, readonly=not (tick or deviation))
    m = resolve_meeting(store, meeting)
    if tick or deviation:
        readiness.record(store, m.id, tick or deviation or "", now, deviation_owner=owner,
                         note=note)  # fmt: skip
    snap = load_snapshot(store, m.id)
    checks = readiness.evaluate(snap, snap.meeting.prep, now)
    ok = readiness.ready(checks)
    if as_json:
        data = {"meeting": m.id, "ready": ok, "checks": [c.to_json() for c in checks]}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from kickoff_tui.core.text import scrub

        click.echo(f"{m.id}: {readiness.summary(checks)}")
        for c in checks:
            failed = "FAIL" if c.blocking else "warn"
            mark = failed if c.status == "fail" else c.status
            extra = f" (by {c.by})" if c.status == "ticked" and c.by else ""
            if c.status == "deviation":
                extra = f" (escalated to {c.by}{': ' + c.note if c.note else ''})"
            fix = f" — {c.fix}" if c.status == "fail" else ""
            click.echo(scrub(f"[{mark}] {c.id}: {c.detail}{extra}{fix}", multiline=False))
    if not ok:
        sys.exit(1)


@click.command()
@click.argument("meeting")
@click.argument("item", required=False)
@click.argument("step", required=False, metavar="[done|slip DATE|drop|reopen]")
@click.argument("date", required=False)
@click.option("--by", default="cli", show_default=True, help="Who made the change.")
@db_option
@handled
def since(
    meeting: str, item: str | None, step: str | None, date: str | None, by: str,
    db: str | None,
) -> None:  # fmt: skip
    """Since last time: the open items of the earlier meetings of MEETING's series (the same
    items, not copies). With ITEM (MEETING#NUMBER, or #NUMBER as listed) and a step, mark it
    done, slip it to DATE, drop it or reopen it: it changes everywhere, and its history says so."""
    import datetime as dt

    from kickoff_tui.core import series
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.record import load_snapshot, resolve_meeting
    from kickoff_tui.core.text import scrub

    if item is not None and step is None:
        raise InputError("say what happened to it: done, slip YYYY-MM-DD, drop or reopen")
    due = None
    if step is not None:
        step = step.lower()
        if step not in series.ACTIONS:
            raise InputError(f"unknown step '{step}' — use done, slip YYYY-MM-DD, drop or reopen")
        if step == "slip":
            try:
                due = dt.date.fromisoformat((date or "").strip())
            except ValueError:
                raise InputError(
                    f"cannot read the new date '{date or ''}' — slip YYYY-MM-DD"
                ) from None
        elif date is not None:
            raise InputError(f"'{date}' is one word too many — only slip takes a date")
    store = open_store(db, readonly=step is None)
    m = resolve_meeting(store, meeting)
    if item is not None and step is not None:
        found = series.find(store, item, m)
        changed = series.mark(store, int(found.id or 0), step, in_meeting=m.id, due=due, by=by)
        click.echo(f"{changed.meeting_id}#{changed.number} {series.history(changed)[-1]['what']}")
        return
    snap = load_snapshot(store, m.id)
    if not snap.carried:
        click.echo(f"{m.id}: nothing open from earlier meetings of its series", err=True)
        return
    for row in snap.carried:
        state = row.resolution or row.status
        due_text = row.due.isoformat() if row.due else "-"
        cells = [f"{row.meeting_id}#{row.number}", state, due_text, row.kind,
                 row.owner or "(no owner)", " ".join(row.text.split())]  # fmt: skip
        click.echo("\t".join(scrub(c, multiline=False) for c in cells))


@click.command()
@click.argument("meeting")
@click.argument("number", required=False)
@click.argument("resolution", required=False)
@click.argument("text", nargs=-1)
@click.option("--by", default="cli", show_default=True, help="Who reconciled it.")
@db_option
@handled
def promise(
    meeting: str,
    number: str | None,
    resolution: str | None,
    text: tuple[str, ...],
    by: str,
    db: str | None,
) -> None:
    """Reconcile a promise from sales: NUMBER confirmed, corrected TEXT, out-of-scope or risk
    (adds a risk with its text). Without NUMBER, lists the meeting's promises."""
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.record import find_item, list_items, resolve_meeting
    from kickoff_tui.core.text import scrub
    from kickoff_tui.core.vocab import Resolution

    if number is not None:
        if not number.lstrip("#").isdigit():
            raise InputError(f"cannot read promise number '{number}' — give its number, e.g. 3")
        if resolution is None:
            raise InputError(f"say how it was reconciled — use {Resolution.accepted()}")
        Resolution.read(resolution, "resolution")  # a bad word fails before the store opens
    store = open_store(db, readonly=number is None)
    m = resolve_meeting(store, meeting)
    if number is None:
        found = list_items(store, m.id, "promise")
        if not found:
            click.echo(f"{m.id}: no promises (kickoff prep imports them from the handoff)",
                       err=True)  # fmt: skip
        for i in found:
            state = i.resolution or "NOT RECONCILED"
            extra = f" ({i.resolution_note})" if i.resolution_note else ""
            click.echo(scrub(f"#{i.number}\t{state}{extra}\t{' '.join(i.text.split())}",
                             multiline=False))  # fmt: skip
        return
    from kickoff_tui.core.promises import reconcile

    item = find_item(store, m.id, int(number.lstrip("#")))
    assert resolution is not None and item.id is not None
    done, made = reconcile(store, item.id, resolution, " ".join(text), by=by)
    extra = f" → {made.kind} #{made.number}" if made is not None else ""
    click.echo(f"#{done.number} {done.resolution}{extra}")


COMMANDS: tuple[click.Command, ...] = (
    prep, actions, mail, sent, invite, ready, since, promise,
)  # fmt: skip


def register(group: click.Group) -> None:
    """Add this module's commands to the ``kickoff`` group."""
    for command in COMMANDS:
        group.add_command(command)


__all__ = ["register", "sys"]
