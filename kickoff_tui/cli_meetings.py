"""``kickoff delete``: a whole meeting (issue 16), or one item named ``MEETING#NUMBER`` (issue 10,
handed to ``cli_controls``). Registered from ``cli.py``.

Deleting a meeting asks first, naming what goes (``--yes`` for scripts; without a terminal to
ask on and without ``--yes`` it refuses, nothing touched), removes every row of the meeting in
one transaction on SQLite and PostgreSQL alike, and says what it removed.
"""

from __future__ import annotations

import importlib
import sys

import click

# (cli.py imports this module while it is itself being imported: no import back at the top)
_db_option = click.option(
    "--db", "db", metavar="PATH_OR_URL",
    help="Database file or SQLAlchemy URL (default: a SQLite file in your user data folder).",
)  # fmt: skip


@click.command(name="delete")
@click.argument("ref", metavar="MEETING|MEETING#NUMBER")
@click.option("--yes", "-y", is_flag=True, help="Delete a meeting without asking (scripts).")
@click.option("--undo", is_flag=True, help="Bring a deleted item (MEETING#NUMBER) back.")
@_db_option
def delete(ref: str, yes: bool, undo: bool, db: str | None) -> None:
    """Delete a meeting and everything in it (asks first; --yes for scripts), or an item named
    MEETING#NUMBER (acme#12; --undo brings it back)."""
    from kickoff_tui.cli import handled

    handled(_delete)(ref, yes, undo, db)


def _delete(ref: str, yes: bool, undo: bool, db: str | None) -> None:
    from kickoff_tui.cli import open_store
    from kickoff_tui.core.errors import InputError

    if "#" in ref:
        try:  # issue 10's item commands (by name: this module does not depend on them)
            controls = importlib.import_module("kickoff_tui.cli_controls")
        except ImportError:
            raise InputError("deleting one item is not in this build — use the cockpit") from None
        controls.delete_item_ref(ref, undo, db)
        return
    if undo:
        raise InputError("a deleted meeting cannot be brought back — --undo is for items "
                         "(kickoff delete MEETING#NUMBER --undo)")  # fmt: skip
    from kickoff_tui.core.deletion import count_rows, delete_meeting, summary
    from kickoff_tui.core.record import resolve_meeting

    store = open_store(db)
    m = resolve_meeting(store, ref)
    if not yes:
        what = summary(count_rows(store, m.id))
        question = f"Delete {m.id} ({m.title}) and everything in it ({what})?"
        if not sys.stdin.isatty():
            raise InputError(f"{question.removesuffix('?')} needs a yes: run it in a terminal "
                             "to be asked, or add --yes — nothing was deleted")  # fmt: skip
        if not click.confirm(question, default=False, err=True):
            click.echo("kept: nothing was deleted", err=True)
            sys.exit(1)
    click.echo(delete_meeting(store, m.id, by="cli").describe())


def register(main: click.Group) -> None:
    """Add these commands to ``kickoff`` (after issue 10's: this ``delete`` takes both forms)."""
    main.add_command(delete)
