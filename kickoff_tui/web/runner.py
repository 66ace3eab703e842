"""Run an aiohttp application until Ctrl+C, then stop cleanly (both browser servers)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from typing import Any

from aiohttp import web

from kickoff_tui.core.errors import InputError

#: Open pages and tabs get this long to finish when the server stops (seconds).
SHUTDOWN_S = 2.0


def display_host(host: str) -> str:
    """The host a URL names: this machine's name when bound to every address."""
    if host in ("0.0.0.0", "::", ""):
        import socket

        return socket.gethostname()
    return f"[{host}]" if ":" in host else host


def where(host: str, port: int) -> str:
    """Who can open the link, in words."""
    if host in ("127.0.0.1", "localhost", "::1"):
        return "on this machine only"
    return f"to anyone who can reach {host}:{port} and has the link"


async def serve_forever(
    app: web.Application,
    host: str,
    port: int,
    announce: Callable[[int], None],
    on_stop: Callable[[], Any] | None = None,
) -> None:
    """Serve ``app`` on ``host:port`` until SIGINT/SIGTERM, then stop cleanly: ``on_stop`` (a
    function or coroutine function) tells open pages to close, the runner waits up to
    ``SHUTDOWN_S`` for them, and the socket is released. ``announce`` gets the bound port
    (``port`` 0 picks a free one). No access log: a request line would hold the token."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_S)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise InputError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}) — pick another --port "
                "or --host"
            ) from None
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        bound = sockets[0].getsockname()[1] if sockets else port
        announce(int(bound))
        await stop.wait()
    finally:
        if on_stop is not None:
            result = on_stop()
            if asyncio.iscoroutine(result):
                await result
        await runner.cleanup()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
