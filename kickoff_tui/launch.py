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


def defer_dateutil_parser() -> None:
    """Let ``import pendulum`` skip dateutil's parser until something parses with it.

    pendulum imports ``dateutil.parser`` (and with it dateutil.tz, ctypes and the zoneinfo
    tarball's readers: ~10 ms) only to fall back on it for text that is not ISO 8601, and the
    cockpit's first frame parses no text at all. A stand-in module takes its place in
    ``sys.modules``; the first attribute anyone reads from it imports the real module (under
    a lock: any thread may be first) and the stand-in takes on its contents.
    """
    if "dateutil.parser" in sys.modules:
        return
    import threading
    import types

    lock = threading.Lock()
    stand_in = types.ModuleType("dateutil.parser", "imported on first use (kickoff.launch)")

    def load(name: str) -> object:
        with lock:
            if sys.modules.get("dateutil.parser") is stand_in:
                del sys.modules["dateutil.parser"]
            import importlib

            real = importlib.import_module("dateutil.parser")
            stand_in.__dict__.update(real.__dict__)  # (its next reads need no import)
        return getattr(real, name)

    stand_in.__getattr__ = load  # type: ignore[method-assign]
    sys.modules["dateutil.parser"] = stand_in


def run_tui(url: str, meeting_ref: str | None, role: str, demo: bool = False) -> None:
    # No garbage collection until the first frame is on screen (the app turns it back on):
    # start-up allocates much and frees little, and every collection would delay the frame.
    gc.disable()
    defer_dateutil_parser()
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
