"""The ``kickoff`` command line.

Headless commands (new, add, list, export, check, status, ...) use the core only; Textual is
imported only when a terminal UI command runs, so scripts stay fast. Every command takes
``--db PATH_OR_URL`` (or ``KICKOFF_DB``). Errors are one line on stderr, exit 2 for bad input
and 1 for failures, and leave the database as it was.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

if TYPE_CHECKING:
    from kickoff_tui.core.store import Store

F = TypeVar("F", bound=Callable[..., Any])

_DB_HELP = "Database file or SQLAlchemy URL (default: a SQLite file in your user data folder)."

# ``--db`` beats KICKOFF_DB wherever it is typed: only the group's option reads the variable, so
# a command's own ``--db`` is None unless typed, and db_url() falls back to the group's value
# (``kickoff --db X cmd``), which click fills from KICKOFF_DB only when --db is not typed there.
root_db_option = click.option(
    "--db", "db", envvar="KICKOFF_DB", metavar="PATH_OR_URL", help=_DB_HELP + " [env: KICKOFF_DB]"
)
db_option = click.option("--db", "db", metavar="PATH_OR_URL", help=_DB_HELP)


def fail(message: str, code: int = 2) -> None:
    """One line on stderr: messages quote user input, which must not move the terminal."""
    from kickoff_tui.core.text import scrub

    click.echo(f"kickoff: error: {scrub(message, multiline=False)}", err=True)
    sys.exit(code)


def notes(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"kickoff: note: {line}", err=True)


def handled(fn: F) -> F:
    """Turn the core's errors into one line on stderr and the right exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kickoff_tui.core.errors import KickoffError

        try:
            return fn(*args, **kwargs)
        except KickoffError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted; everything saved so far is in the database", 130)
        except Exception as exc:  # a driver error the core did not word (e.g. lost mid-read)
            from kickoff_tui.core.store import describe_db_error

            message = describe_db_error(exc)
            if message is None:
                raise
            fail(message, 1)

    return wrapper  # type: ignore[return-value]


def db_url(db: str | None) -> str:
    """``--db`` given after the command, else before it (``kickoff --db X list``), else
    KICKOFF_DB, else the default file."""
    from kickoff_tui.core.locations import resolve_db

    if db is None:
        ctx = click.get_current_context(silent=True)
        db = ctx.find_root().params.get("db") if ctx is not None else None
    return resolve_db(db)


def open_store(
    db: str | None, *, readonly: bool | Literal["auto"] = False, create: bool = False
) -> Store:
    """The store behind ``--db``. Reading commands pass ``readonly=True``: they never write a
    byte (no creation, no switch to WAL), and a file they cannot use is left as it was. Only
    the commands that make a meeting pass ``create=True`` (a new database on first use)."""
    from kickoff_tui.core.store import Store

    return said_if_upgraded(Store.open(db_url(db), readonly=readonly, create=create))


def said_if_upgraded(store: Store) -> Store:
    """Say on stderr (once, when it happens) that an older store was upgraded, and where the
    copy from before is kept."""
    if store.upgraded_from is not None:
        from kickoff_tui.core.schema import SCHEMA_VERSION
        from kickoff_tui.core.store import mask_url

        kept = f"; the file as it was is kept at {store.backup_path}" if store.backup_path else ""
        click.echo(f"kickoff: upgraded {mask_url(store.url)} from schema {store.upgraded_from} "
                   f"to {SCHEMA_VERSION}{kept}", err=True)  # fmt: skip
    return store


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@root_db_option
@click.version_option(package_name="kickoff-tui")
@click.pass_context
@handled
def main(ctx: click.Context, db: str | None) -> None:
    """A terminal cockpit for running client kickoff meetings.

    Run without a command to open the meeting picker.
    """
    if ctx.invoked_subcommand is None:
        run_tui(db_url(db), meeting_ref=None, role="facilitator")


def run_tui(url: str, meeting_ref: str | None, role: str, demo: bool = False) -> None:
    from kickoff_tui.tui.app import KickoffApp

    app = KickoffApp(db_url=url, meeting_ref=meeting_ref, role=role, demo=demo)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


# ---------------------------------------------------------------------------------------------
@main.command()
@click.argument("client")
@click.option(
    "--template", "-t", help="Agenda template (default: kickoff-90; check-in with --after)."
)
@click.option("--start", help="Scheduled start, YYYY-MM-DDTHH:MM in the meeting's zone.")
@click.option("--tz", help="IANA time zone of the meeting (default: this machine's).")
@click.option("--minutes", type=click.IntRange(min=5), help="Time box (default: the template's).")
@click.option("--fit", is_flag=True, help="Scale the blocks to fit the time box.")
@click.option("--title", help="Meeting title (default: '<client> kickoff').")
@click.option("--contract-close", help="Contract close date, YYYY-MM-DD (for the 7-day check).")
@click.option(
    "--after", metavar="ID",
    help="A follow-up of this meeting: same series, opens with its open items (Since last time).",
)  # fmt: skip
@db_option
@handled
def new(
    client: str,
    template: str | None,
    start: str | None,
    tz: str | None,
    minutes: int | None,
    fit: bool,
    title: str | None,
    contract_close: str | None,
    after: str | None,
    db: str | None,
) -> None:
    """Create a meeting from a template and print its id."""
    import pendulum

    from kickoff_tui.core.agenda import get_template
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.locations import user_template_dir
    from kickoff_tui.core.record import create_meeting, parse_start

    tmpl = get_template(template or ("check-in" if after else "kickoff-90"), user_template_dir())
    before = None
    if after is not None:  # the meeting it follows must exist (and lends its zone)
        from kickoff_tui.core.record import resolve_meeting

        before = resolve_meeting(open_store(db), after)
        if title is None:
            title = f"{client.strip()} {tmpl.title.split(' (')[0].lower()}"
    zone = tz or (before.tz if before is not None else pendulum.tz.get_local_timezone().name)
    warnings: list[str] = []
    begin = parse_start(start, zone, warnings=warnings)
    close = None
    if contract_close:
        try:
            close = pendulum.Date.fromisoformat(contract_close)
        except ValueError:
            raise InputError(
                f"cannot read --contract-close '{contract_close}' — use YYYY-MM-DD"
            ) from None
    box = minutes or tmpl.minutes
    over = sum(b.minutes for b in tmpl.blocks) - box
    store = open_store(db, create=True)
    meeting = create_meeting(
        store, client, tmpl, begin, zone, title=title, minutes=box, fit_to_box=fit,
        contract_close=close, after=before,
    )  # fmt: skip
    for warning in warnings:
        click.echo(f"kickoff: warning: {warning}", err=True)
    if over > 0 and not fit:
        click.echo(
            f"kickoff: warning: the '{tmpl.name}' blocks plan {box + over} min in a {box}-min "
            f"time box ({over} min over) — run again with --fit to scale them to fit",
            err=True,
        )
    click.echo(meeting.id)


# Text may start with '-' ("-5% discount"): taken as text, not as an unknown option.
@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("meeting")
@click.argument("kind")
@click.argument("text", nargs=-1, required=True)
@click.option("--by", default="cli", show_default=True, help="Who captured it.")
@db_option
@handled
def add(meeting: str, kind: str, text: tuple[str, ...], by: str, db: str | None) -> None:
    """Capture an item: KIND is action, decision, risk, question, note, in-scope,
    out-of-scope, milestone, metric, assumption or deviation. TEXT uses the quick-capture
    grammar (@owner due:fri sev:high side:them status:done mit:"…" esc esc:@name #internal);
    '-' reads one item per line
    from stdin, all or nothing. KIND may also be a fact word: person, role, cadence, next,
    first-value, present, absent (e.g. `add acme cadence weekly Tue 10:00, 30 min #internal`)."""
    from kickoff_tui.core.capture import describe
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.facts import apply_fact, fact_word, parse_fact
    from kickoff_tui.core.record import (
        add_item,
        attendee_names,
        check_kind,
        import_lines,
        item_numbers,
        parse_line,
        resolve_meeting,
    )
    from kickoff_tui.core.text import input_lines

    if typo := next((w for w in text if w.startswith("--") and w != "--"), None):
        raise InputError(f"unknown option '{typo}' — text that starts with '-' goes after --: "
                         f'kickoff add {meeting} {kind} -- "{typo} …"')  # fmt: skip
    if fact_word(kind) is not None and text != ("-",):
        store = open_store(db)
        m = resolve_meeting(store, meeting)
        fact = parse_fact(" ".join((kind, *text)), m, attendee_names(store, m.id))
        click.echo(apply_fact(store, m, fact, by=by))
        return
    kind = check_kind(kind)
    # Read stdin as bytes and decode it here: invalid UTF-8 is refused with its line number
    # before the store is even opened (sys.stdin would smuggle it in as lone surrogates).
    lines = input_lines(sys.stdin.buffer.read()) if text == ("-",) else None
    store = open_store(db)
    m = resolve_meeting(store, meeting)
    if lines is not None:
        said: list[str] = []
        ids = import_lines(store, m, kind, lines, by=by, warnings=said)
        click.echo(f"added {len(ids)} {kind} item{'s' if len(ids) != 1 else ''} to {m.id}")
        for warning in said:
            click.echo(f"kickoff: warning: {warning}", err=True)
        return
    capture = parse_line(store, m, " ".join(text))
    item = add_item(store, m, kind, capture, by=by)
    assert item.id is not None
    number = item_numbers(store, m.id)[item.id]
    click.echo(f"#{number} {describe(capture)}".rstrip())
    for warning in capture.warnings:
        click.echo(f"kickoff: warning: {warning}", err=True)


@main.command()
@click.argument("meeting")
@click.argument("name")
@click.option(
    "--side", metavar="SIDE",
    help="ours (us, we) or theirs (them, client, customer); new people: theirs.",
)  # fmt: skip
@click.option("--title", help="Job title or a note; '#internal' keeps it in-house.")
@click.option("--seniority", type=int, help="Higher is more senior.")
@click.option(
    "--role", "roles", multiple=True,
    help="A role (repeatable), e.g. decision-maker; on an update they replace the person's roles.",
)  # fmt: skip
@click.option("--absent", is_flag=True, help="Invited but not present.")
@click.option("--presence", metavar="WORD", help="present (here, attending) or absent (away).")
@click.option("--email", metavar="ADDRESS", help="Their email address (for invitations and mail).")
@click.option("--remove", is_flag=True, help="Remove this person (added by mistake).")
@db_option
@handled
def attendee(
    meeting: str,
    name: str,
    side: str | None,
    title: str | None,
    seniority: int | None,
    roles: tuple[str, ...],
    absent: bool,
    presence: str | None,
    email: str | None,
    remove: bool,
    db: str | None,
) -> None:
    """Add an attendee, or update the one with this name (title, side, roles, presence): never
    two people with one name on one side. --remove takes a person off the meeting."""
    from kickoff_tui.core.attendees import put_attendee, remove_attendee
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.record import resolve_meeting
    from kickoff_tui.core.vocab import Presence, Side

    chosen = Side.read(side, "side").value if side is not None else None
    present = False if absent else None
    if presence is not None:
        present = Presence.read(presence, "presence") is Presence.PRESENT
    changes = (side, title, seniority, roles or None, present, email)
    if remove and any(c is not None for c in changes):
        raise InputError("--remove takes no other option — remove, or update, one at a time")
    from kickoff_tui.core.attendees import read_email

    emailed: dict[str, Any] = {} if email is None else {"email": read_email(email)}  # checked first
    store = open_store(db)
    m = resolve_meeting(store, meeting)
    if remove:
        click.echo(remove_attendee(store, m.id, name))
        return
    done = put_attendee(
        store, m.id, name, side=chosen, title=title, seniority=seniority,
        roles=roles or None, present=present, **emailed,
    )  # fmt: skip
    a = done.attendee
    click.echo(f"attendee #{a.id} {a.name} ({a.side})" if done.created else done.describe())


@main.command(name="list")
@db_option
@handled
def list_cmd(db: str | None) -> None:
    """List the meetings in the database."""
    import pendulum

    from kickoff_tui.core.errors import NoDatabaseError
    from kickoff_tui.core.record import count_items, list_meetings
    from kickoff_tui.core.text import scrub

    try:
        store = open_store(db, readonly=True)
    except NoDatabaseError:
        store = None
    meetings = list_meetings(store) if store is not None else []
    if store is None or not meetings:
        click.echo('no meetings yet — create one with: kickoff new "Client name"', err=True)
        return
    for m in meetings:
        when = pendulum.instance(m.start_utc).in_timezone(m.tz).format("ddd D MMM YYYY HH:mm zz")
        n = sum(count_items(store, m.id).values())
        client = scrub(m.client, multiline=False)  # a row from an older version may hold ESC
        click.echo(f"{m.id}\t{when}\t{m.status}\t{m.template}\t{n} items\t{client}")


@main.command()
@handled
def templates() -> None:
    """List the agenda templates (shipped and your own)."""
    from kickoff_tui.core.agenda import load_templates
    from kickoff_tui.core.locations import user_template_dir

    broken: list[str] = []  # a broken file of the user's: named on stderr, the rest listed
    found = load_templates(user_template_dir(), broken)
    for line in broken:
        click.echo(f"kickoff: warning: {line}", err=True)
    for t in sorted(found.values(), key=lambda t: t.name):
        flag = f"  OVER BY {t.overrun} MIN" if t.overrun > 0 else ""
        click.echo(f"{t.name}\t{t.minutes} min\t{len(t.blocks)} blocks\t{t.title}{flag}")


@main.command()
@click.argument("meeting")
@click.option(
    "--format",
    "fmt",
    default="md",
    show_default=True,
    type=click.Choice(["md", "email", "csv", "ics", "json", "html"]),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: stdout).",
)
@click.option(
    "--all",
    "all_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the whole follow-through pack into this folder.",
)
@db_option
@handled
def export(
    meeting: str, fmt: str, output: Path | None, all_dir: Path | None, db: str | None
) -> None:
    """Export a meeting: the Markdown record, or the follow-through pack.

    Files are written whole (temp file, fsync, rename) and private (0600); a link, a FIFO or a
    device at the path is refused."""
    import pendulum

    from kickoff_tui.core import files
    from kickoff_tui.core.export import pack
    from kickoff_tui.core.record import load_snapshot, resolve_meeting

    if output is not None:  # a bad -o fails before anything is read
        files.check_target(output)
    if all_dir is not None:
        files.check_target(all_dir, folder=True)
    # The pack also stamps when the follow-through first went out: written where possible.
    store = open_store(db, readonly="auto" if all_dir is not None else True)
    m = resolve_meeting(store, meeting)
    now = pendulum.now("UTC")
    if all_dir is not None:
        written = pack.export_and_record(store, m.id, all_dir, now)
        for path in written:
            click.echo(str(path))
        notes(written.notes)
        return
    data = pack.render(load_snapshot(store, m.id), fmt, now)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    written = files.write_atomic(output, data)
    notes(written.notes)
    click.echo(str(output), err=True)


@main.command()
@click.argument("meeting")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable findings.")
@db_option
@handled
def check(meeting: str, as_json: bool, db: str | None) -> None:
    """Health-check a kickoff; exit 1 when a blocking finding remains."""
    import json

    import pendulum

    from kickoff_tui.core.checks import findings_to_json, run_checks, score
    from kickoff_tui.core.export.pack import safe_record
    from kickoff_tui.core.record import load_snapshot, resolve_meeting

    store = open_store(db, readonly=True)
    m = resolve_meeting(store, meeting)
    # Findings quote user text: read it as the exports do, free of control characters.
    findings = run_checks(safe_record(load_snapshot(store, m.id)), pendulum.now("UTC"))
    if as_json:
        out = {"meeting": m.id, "score": score(findings), "findings": findings_to_json(findings)}
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        click.echo(f"{m.id}: health {score(findings)}/100, {len(findings)} finding(s)")
        for f in findings:
            click.echo(f"[{f.severity}] {f.id}: {f.message} — {f.fix}")
    if any(f.severity == "blocking" for f in findings):
        sys.exit(1)


@main.command()
@click.argument("meeting")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable status.")
@db_option
@handled
def status(meeting: str, as_json: bool, db: str | None) -> None:
    """One-line status of a meeting's clocks (for scripts and a tmux status line)."""
    import datetime as dt

    from kickoff_tui.core import status as st

    # Polled every few seconds: on a SQLite file the rows are read with the standard library's
    # sqlite3 (no SQLAlchemy, pendulum or Textual); anything else opens the full store, read-only.
    data = st.read_sqlite(db_url(db), meeting)
    if data is None:
        data = st.read_store(open_store(db, readonly=True), meeting)
    click.echo(st.render(data, dt.datetime.now(dt.UTC), as_json=as_json))


@main.command()
@click.argument("meeting")
@click.option(
    "--from",
    "source",
    metavar="PATH_OR_URL",
    help="The store to copy from (default: --db / KICKOFF_DB).",
)
@click.option(
    "--to",
    "target",
    required=True,
    metavar="PATH_OR_URL",
    help="The store to copy into (created on first use).",
)
@click.option("--as", "new_id", metavar="NEW_ID", help="The copy's id (default: the same id).")
@click.option("--move", is_flag=True, help="Delete the meeting from the source once copied.")
@db_option
@handled
def copy(
    meeting: str, source: str | None, target: str, new_id: str | None, move: bool, db: str | None
) -> None:
    """Copy (or --move) a meeting with everything in it to another store, e.g. from a SQLite
    file to the team's PostgreSQL: one transaction on the target, all or nothing. Copying it
    again updates that copy (identities are kept) instead of making a second one."""
    from kickoff_tui.core.copy import check_new_id, copy_meeting
    from kickoff_tui.core.errors import InputError
    from kickoff_tui.core.record import resolve_meeting
    from kickoff_tui.core.store import Store, mask_url, sqlite_path

    if new_id is not None:
        check_new_id(new_id)
    if not target.strip():
        raise InputError("--to is empty — give the store to copy into, a path or a URL")
    src_url = db_url(source if source is not None else db)
    path = sqlite_path(src_url)
    if path is not None and not path.exists():
        raise InputError(f"no database at {path} — check --from (or --db / KICKOFF_DB)")
    src = said_if_upgraded(Store.open(src_url, readonly=not move, create=False))
    resolve_meeting(src, meeting)  # a bad id fails before the target is even opened
    dst = said_if_upgraded(Store.open(db_url(target)))
    done = copy_meeting(src, dst, meeting, new_id=new_id, move=move)
    verb = "moved" if move else "copied"
    how = f"updated the earlier copy {done.target_id}" if done.updated else f"as {done.target_id}"
    click.echo(f"{verb} {done.source_id} to {mask_url(dst.url)} {how}: {done.describe()}")


def _tui_command(role: str) -> Callable[[str, str | None], None]:
    @handled
    def command(meeting: str, db: str | None) -> None:
        from kickoff_tui.core.peek import peek_meeting_id

        url = db_url(db)
        # A bad id must fail on the command line, before the screen is taken over. On SQLite
        # this look costs a few ms (no SQLAlchemy); elsewhere the full store is opened.
        mid = peek_meeting_id(url, meeting)
        if mid is None:
            from kickoff_tui.core.record import resolve_meeting

            mid = resolve_meeting(open_store(db, readonly=True), meeting).id
        run_tui(url, meeting_ref=mid, role=role)

    return command


main.command(name="run", help="Open the facilitator cockpit for a meeting.")(
    click.argument("meeting")(db_option(_tui_command("facilitator")))
)
main.command(name="join", help="Join a meeting as note-taker from a second terminal.")(
    click.argument("meeting")(db_option(_tui_command("note-taker")))
)


@main.command()
@click.argument("meeting")
@click.option(
    "--host", default="127.0.0.1", show_default=True,
    help="Address to listen on: 0.0.0.0 shows it to the meeting room's screen or the LAN.",
)  # fmt: skip
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@db_option
@handled
def share(meeting: str, host: str, port: int, db: str | None) -> None:
    """Show the client-safe record as a live, read-only web page until Ctrl+C.

    Prints the page's address once: it holds a random key, and whoever has it can read the
    page (agenda and clock, decisions, actions, open questions, scope, First Value, next
    meeting; never an #internal item, a mitigation, a note or a health finding)."""
    from kickoff_tui.core.record import resolve_meeting
    from kickoff_tui.web.share import share as run_share

    store = open_store(db, readonly=True)
    m = resolve_meeting(store, meeting)
    run_share(store, m.id, host=host, port=port, out=click.echo,
              err=lambda s: click.echo(s, err=True))  # fmt: skip


@main.command()
@click.argument("meeting")
@click.option(
    "--host", default="127.0.0.1", show_default=True,
    help="Address to listen on: 0.0.0.0 lets a colleague's browser on the LAN in.",
)  # fmt: skip
@click.option("--port", type=click.IntRange(0, 65535), default=8766, show_default=True)
@db_option
@handled
def serve(meeting: str, host: str, port: int, db: str | None) -> None:
    """Open the note-taker cockpit in a browser: prints a link (with a random key) until
    Ctrl+C. Each browser tab is a note-taker of its own, shown as a browser to the others."""
    from kickoff_tui.core.record import resolve_meeting
    from kickoff_tui.core.text import scrub
    from kickoff_tui.web.serve import serve as run_serve

    store = open_store(db, readonly=True)
    m = resolve_meeting(store, meeting)
    title = scrub(m.title, multiline=False)
    url = store.url
    store.close()
    run_serve(url, m.id, title, host=host, port=port, out=click.echo,
              err=lambda s: click.echo(s, err=True))  # fmt: skip


@main.command()
@click.option("--reset", is_flag=True, help="Start the demo afresh (deletes the old demo).")
@db_option
@handled
def demo(reset: bool, db: str | None) -> None:
    """Open the realistic sample kickoff in the cockpit (the same one each time)."""
    from kickoff_tui.core.demo import open_demo

    store = open_store(db, create=True)
    m, done = open_demo(store, reset=reset)
    click.echo(f"{m.id} ({done}{'; --reset starts it afresh' if done == 'reopened' else ''})",
               err=True)  # fmt: skip
    run_tui(store.url, meeting_ref=m.id, role="facilitator")


# Issue 11's commands (prep, ready, invite, mail, sent, promise, actions) live in their own module,
# which imports its helpers from this one: registered on the module as imported (run as a script,
# this file hands over to that module instead of defining the group a second time).
if __name__ != "__main__":
    from kickoff_tui import cli_around

    cli_around.register(main)

# Issue 10's controls (agenda, fit, reopen, edit, done, delete, answer) live in their own module.
from kickoff_tui.cli_controls import register as _register_controls  # noqa: E402

_register_controls(main)

# Issue 16's `kickoff delete` (registered after issue 10's, so this one wins): a meeting, or
# MEETING#NUMBER handed to issue 10's item delete.
from kickoff_tui.cli_meetings import register as _register_meetings  # noqa: E402

_register_meetings(main)


if __name__ == "__main__":  # pragma: no cover
    from kickoff_tui.cli import main as _main

    _main()
