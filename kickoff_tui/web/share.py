"""``kickoff share``: the client-safe live page of a meeting's record.

One page, three routes, all behind the token (``guard``):

=====================  =======================================================================
``/<token>/``          the page: ``export.html.render_page`` of ``client_view`` (no internal
                       item, mitigation, note or health finding), the same as ``--format html``
``/<token>/live.js``   the small script: swaps in the new ``<main>`` when the record changes and
                       counts the current block's clock down between two changes
``/<token>/events``    server-sent events: the rendered ``<main>`` as JSON, once on connect and
                       again after every change
=====================  =======================================================================

The page never polls. A :class:`RecordWatcher` thread reads the store's change feed
(``ChangeFeed.poll``: ``PRAGMA data_version`` on SQLite, LISTEN/NOTIFY on PostgreSQL — the
cheap look ``core/session.py`` makes), reloads and renders the record only when the feed says
something was committed, and hands the result to the event loop, which pushes it to every open
page. So a capture on any terminal is on the page within the feed's poll interval plus a render.

Read-only by construction: the store is opened read-only, there is no route that writes, and
the guard refuses every method but GET and HEAD.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiohttp import web

from kickoff_tui.web.guard import guard, masked, new_token
from kickoff_tui.web.runner import display_host, serve_forever, where

if TYPE_CHECKING:
    import pendulum

    from kickoff_tui.core.store import Store

log = logging.getLogger("kickoff.share")

#: How often the watcher looks at the change feed (seconds): a few µs a look on SQLite.
POLL_S = 0.05
#: A comment line this often keeps an idle event stream (and any proxy on the way) open.
KEEPALIVE_S = 15.0
#: The page: its own script and styles only, and the event stream of its own server.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Rendered:
    """One rendering of the record: what a page (new or open) is given."""

    version: int
    title: str
    main: str  # the <main> element
    footer: str
    page: str  # the whole document (for a new page)
    at_ms: int  # the server's clock when rendered (the page corrects its own by it)

    def event(self) -> bytes:
        data = json.dumps(
            {"v": self.version, "main": self.main, "footer": self.footer, "now": self.at_ms},
            ensure_ascii=False,
        )
        return f"event: record\nid: {self.version}\ndata: {data}\n\n".encode()


def render(
    store: Store, meeting_id: str, now: pendulum.DateTime, version: int, base: str
) -> Rendered:
    """Load the meeting and render it as the client may see it (no findings given)."""
    from kickoff_tui.core.export.html import client_agenda, render_main, render_page
    from kickoff_tui.core.export.pack import safe_record
    from kickoff_tui.core.readmodel import client_view
    from kickoff_tui.core.record import load_snapshot
    from kickoff_tui.core.text import scrub_output

    rec = safe_record(load_snapshot(store, meeting_id))
    client = client_view(rec, (), now)
    agenda = client_agenda(rec, now)
    stamp = now.in_timezone(rec.meeting.tz).format("HH:mm:ss")
    footer = f"Live record, read-only. Last change shown {stamp}."
    main = scrub_output(render_main(client, agenda))
    page = render_page(client, agenda, live_script=base + "live.js", footer=footer, main=main)
    return Rendered(
        version, client.meeting.title, main, footer, scrub_output(page),
        int(now.timestamp() * 1000),
    )  # fmt: skip


class RecordWatcher:
    """A thread that follows the change feed and renders the record after each change.

    ``publish`` is called (on this thread) with every new :class:`Rendered`; the first one is
    ready when :meth:`start` returns. A store that stops answering is tried again, quietly,
    until it answers (the page keeps showing the last rendering meanwhile)."""

    def __init__(
        self,
        store: Store,
        meeting_id: str,
        publish: Callable[[Rendered], None],
        *,
        base: str,
        poll_s: float = POLL_S,
        clock: Callable[[], pendulum.DateTime] | None = None,
    ) -> None:
        from kickoff_tui.core.clock import system_clock

        self.store, self.meeting_id, self.publish = store, meeting_id, publish
        self.base, self.poll_s, self.clock = base, poll_s, clock or system_clock
        self.version = 0
        self.latest: Rendered | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._feed: Any = None

    def start(self) -> Rendered:
        """The first rendering. The feed's start first, then the load: a commit in between is
        rendered twice, never missed (as core/session.py does)."""
        self._feed = self.store.feed(self.meeting_id)
        return self._render()

    def follow(self) -> None:
        """Follow the feed on a thread of its own from now on."""
        self._thread = threading.Thread(target=self._run, name="kickoff-share-feed", daemon=True)
        self._thread.start()

    def _render(self) -> Rendered:
        self.version += 1
        self.latest = render(self.store, self.meeting_id, self.clock(), self.version, self.base)
        return self.latest

    def _run(self) -> None:
        failing = False
        while not self._stop.wait(self.poll_s):
            try:
                if self._feed.poll(force=failing):
                    self.publish(self._render())
                failing = False
            except Exception as exc:  # the store went away: try again, quietly, until it answers
                if not failing:
                    log.warning("kickoff share: cannot read the meeting (%s); trying again", exc)
                failing = True
                self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._feed is not None:
            with contextlib.suppress(Exception):
                self._feed.close()


class Hub:
    """The latest rendering, and the open pages waiting for the next one (event loop only)."""

    def __init__(self, first: Rendered) -> None:
        self.latest = first
        self.closing = False
        self._changed = asyncio.Condition()

    async def publish(self, rendered: Rendered) -> None:
        async with self._changed:
            if rendered.version > self.latest.version:
                self.latest = rendered
            self._changed.notify_all()

    async def close(self) -> None:
        async with self._changed:
            self.closing = True
            self._changed.notify_all()

    async def newer_than(self, version: int, timeout: float) -> Rendered | None:
        """The rendering after ``version`` once there is one (None on timeout or closing)."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(
                        lambda: self.closing or self.latest.version > version
                    ),
                    timeout,
                )  # fmt: skip
            if self.closing or self.latest.version <= version:
                return None
            return self.latest


def live_script() -> bytes:
    return resources.files("kickoff_tui.web").joinpath("live.js").read_bytes()


def make_app(token: str, hub: Hub) -> web.Application:
    """The share server's routes, behind the token guard."""
    script = live_script()

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=hub.latest.page, content_type="text/html", charset="utf-8")

    async def js(request: web.Request) -> web.Response:
        return web.Response(body=script, content_type="text/javascript", charset="utf-8")

    async def events(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-store",
                "Referrer-Policy": "no-referrer",
                "X-Content-Type-Options": "nosniff",
                "X-Accel-Buffering": "no",
            }
        )
        await resp.prepare(request)
        if request.method == "HEAD":
            return resp
        current = hub.latest
        try:
            await resp.write(b"retry: 1000\n\n" + current.event())
            version = current.version
            while True:
                newer = await hub.newer_than(version, KEEPALIVE_S)
                if hub.closing:
                    break
                if newer is None:
                    await resp.write(b": keep-alive\n\n")
                    continue
                version = newer.version
                await resp.write(newer.event())
        except ConnectionError:  # the page was closed: nothing more to send it
            pass
        return resp

    app = web.Application(middlewares=[guard(token, CSP)])
    app.router.add_get("/{token}/", page)
    app.router.add_get("/{token}/live.js", js)
    app.router.add_get("/{token}/events", events)
    return app


def share(
    store: Store,
    meeting_id: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    out: Callable[[str], None] = print,
    err: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
) -> None:
    """Run the share server until Ctrl+C. The tokened URL goes to ``out`` once; ``err`` gets
    the notes (the token masked)."""
    from kickoff_tui.core.text import scrub

    token = token or new_token()
    base = f"/{token}/"

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def publish(rendered: Rendered) -> None:  # on the watcher's thread
            asyncio.run_coroutine_threadsafe(hub.publish(rendered), loop)

        watcher = RecordWatcher(store, meeting_id, publish, base=base)
        first = await asyncio.to_thread(watcher.start)
        hub = Hub(first)
        watcher.follow()
        app = make_app(token, hub)

        def announce(bound: int) -> None:
            url = f"http://{display_host(host)}:{bound}{base}"
            out(url)
            title = scrub(first.title, multiline=False)
            err(
                f"kickoff: sharing '{title}' read-only {where(host, bound)} "
                f"(/{masked(token)}/ — the link is the key); Ctrl+C stops"
            )

        async def stopping() -> None:
            await hub.close()
            await asyncio.to_thread(watcher.stop)

        try:
            await serve_forever(app, host, port, announce, on_stop=stopping)
        finally:
            watcher.stop()

    started = time.monotonic()
    asyncio.run(main())
    err(f"kickoff: share stopped after {int(time.monotonic() - started)} s")
