"""Waiting for a cockpit's meeting session in Pilot tests.

Keys only queue commands; the session's writer thread writes them and its reader brings the
changes back as messages. A test that looks at the store (or at what the store sent back)
after a key first waits for that: :func:`settle`.
"""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot


def sessions(app) -> list:  # noqa: ANN001
    return [s.session for s in app.screen_stack if hasattr(s, "session")]


async def settle(pilot: Pilot, timeout: float = 20.0) -> None:
    """Every queued command written, everything committed so far (by anyone) read back, and the
    screen repainted from it."""
    await pilot.pause()  # the keys pressed so far have queued their commands
    for session in sessions(pilot.app):
        exited = getattr(pilot.app, "_exit_renderables", None) or []
        said = ["".join(seg.text for seg in r.segments) for r in exited]  # why the app quit
        # A command of our own after theirs: once it has run, the reader reads past it.
        session.submit(lambda _store: None, label="sync")
        settled = await asyncio.to_thread(session.idle, timeout)
        assert settled, (
            f"the session did not settle: status {session._status!r}, problem "
            f"{session.problem!r}, {session.queued} queued, started {session.started}, threads "
            f"{[(t.name, t.is_alive()) for t in session._threads]}, app exit {said!r}"
        )
    await pilot.pause()
