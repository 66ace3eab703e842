"""The ``kickoff`` entry point: ``run``/``join`` a meeting straight into the cockpit.

Opening the cockpit is the one place where start-up time is felt (the first frame must come as
fast as a bare Textual app's), so ``kickoff [--db X] run|join MEETING [--db X]`` is recognised
here without loading the command-line library, and the cockpit opens directly when a quick look
at the file finds the meeting. Everything else — other commands, options, help, a meeting the
look cannot find (an unknown or ambiguous id, a PostgreSQL URL) — goes to the full command line
in ``cli``, which gives the proper answer or error.
"""

from __future__ import annotations

import gc
import sys

ROLES = {"run": "facilitator", "join": "note-taker"}


def parse(args: list[str]) -> tuple[str, str, str | None] | None:
    """(role, meeting, --db value or None) for a plain run/join command line, else None."""
    db: str | None = None
    rest: list[str] = []
    it = iter(args)
    for arg in it:
        if arg == "--db":
            db = next(it, None)
            if db is None:
                return None
        elif arg.startswith("--db="):
            db = arg.removeprefix("--db=")
        elif arg.startswith("-"):
            return None  # --help and friends: the full command line answers
        else:
            rest.append(arg)
    if len(rest) != 2 or rest[0] not in ROLES or db == "":
        return None
    return ROLES[rest[0]], rest[1], db


def run_tui(url: str, meeting_ref: str | None, role: str, demo: bool = False) -> None:
    # No garbage collection until the first frame is on screen (the app turns it back on):
    # start-up allocates much and frees little, and every collection would delay the frame.
    gc.disable()
    from kickoff_tui.tui.app import KickoffApp

    app = KickoffApp(db_url=url, meeting_ref=meeting_ref, role=role, demo=demo)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


def main() -> None:
    parsed = parse(sys.argv[1:])
    if parsed is not None:
        from kickoff_tui.core.locations import resolve_db
        from kickoff_tui.core.peek import peek_meeting_id

        role, ref, db = parsed
        url = resolve_db(db)
        meeting_id = peek_meeting_id(url, ref)
        if meeting_id is not None:
            run_tui(url, meeting_id, role)
            return
    from kickoff_tui.cli import main as cli_main

    cli_main()


if __name__ == "__main__":  # pragma: no cover
    main()
