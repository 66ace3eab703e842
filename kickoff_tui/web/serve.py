"""``kickoff serve``: the note-taker's cockpit in a browser tab, through textual-serve.

textual-serve starts one cockpit process per browser tab (one websocket each) and streams its
screen to the page. This server puts every one of its routes behind the same token as
``kickoff share`` (``guard``: 256 random bits, constant-time comparison, 404 and no content
without it, GET only), and starts every tab as ``kickoff join`` — a note-taker, never a second
facilitator — with ``KICKOFF_VIA=browser``, so the tab's presence reads
``note-taker@host (browser)`` on every terminal and it never takes the timers
(``core.presence``). The database is handed over in ``KICKOFF_DB``, never on a command line
(``ps`` would show a PostgreSQL password). The page loads nothing from elsewhere: the web-font
link of textual-serve's page is left out.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

from kickoff_tui.web.guard import guard, masked, new_token
from kickoff_tui.web.runner import display_host, serve_forever, where

_WEB_FONT = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>\s*", re.IGNORECASE)


def tab_command(meeting_id: str) -> str:
    """The command each browser tab runs: this interpreter, ``kickoff join MEETING``."""
    return f"{shlex.quote(sys.executable)} -m kickoff_tui.launch join {shlex.quote(meeting_id)}"


class TokenServer(Server):
    """textual-serve's server with every route under ``/<token>/`` and the guard in front."""

    def __init__(self, command: str, token: str, *, title: str) -> None:
        super().__init__(command, host="127.0.0.1", port=0, title=title)
        self.token = token

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[guard(self.token)])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.router.add_get("/{token}/", self.handle_index)
        app.router.add_get("/{token}/ws", self.handle_websocket)
        app.router.add_get("/{token}/download/{key}", self.handle_download)
        app.router.add_get("/{token}/static/{path:.+}", self.handle_static)
        return app

    async def handle_index(self, request: web.Request) -> web.Response:
        base = f"{request.host}/{self.token}/"
        context = {
            "font_size": 16,
            "app_websocket_url": f"ws://{base}ws",
            "config": {"static": {"url": f"http://{base}static/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.text = _WEB_FONT.sub("", response.text or "")
        return response

    async def handle_static(self, request: web.Request) -> web.StreamResponse:
        root = Path(self.statics_path).resolve()
        path = (root / request.match_info["path"]).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path)


def serve(
    url: str,
    meeting_id: str,
    title: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8766,
    token: str | None = None,
    out: Callable[[str], None] = print,
    err: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
) -> None:
    """Serve the note-taker cockpit of ``meeting_id`` until Ctrl+C (see the module doc)."""
    token = token or new_token()
    os.environ["KICKOFF_DB"] = url  # each tab's process inherits it (textual-serve copies env)
    os.environ["KICKOFF_VIA"] = "browser"
    server = TokenServer(tab_command(meeting_id), token, title=f"kickoff · {title}")

    async def main() -> None:
        app = await server._make_app()

        def announce(bound: int) -> None:
            out(f"http://{display_host(host)}:{bound}/{token}/")
            err(
                f"kickoff: serving the note-taker cockpit of '{title}' {where(host, bound)} "
                f"(/{masked(token)}/ — the link is the key; each tab takes notes); Ctrl+C stops"
            )

        await serve_forever(app, host, port, announce)

    asyncio.run(main())
    err("kickoff: serve stopped")
