"""The token guard both browser servers keep, on a real aiohttp server in this process (fast)."""

from __future__ import annotations

import asyncio
import base64
import socket

from aiohttp import ClientSession, web

from kickoff_tui.web.guard import guard, masked, new_token, token_matches
from kickoff_tui.web.runner import serve_forever


def test_tokens_are_256_random_bits_and_masked_to_four_characters() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    for t in tokens:
        assert len(base64.urlsafe_b64decode(t + "=")) == 32  # 256 bits (≥ 128 asked)
        assert masked(t) == t[:4] + "…" and t not in masked(t)


def test_token_matches_only_the_whole_first_segment() -> None:
    t = new_token()
    assert token_matches(f"/{t}/", t) and token_matches(f"/{t}/events", t)
    assert not token_matches("/", t)
    assert not token_matches(f"/{t[:-1]}/", t)  # a prefix is not the token
    assert not token_matches(f"/{t}x/", t)
    assert not token_matches(f"/x/{t}/", t)  # only the first segment counts
    assert not token_matches("/\udcff/", t)  # undecodable bytes in a path: no crash, no match


def fetch_all(token: str, asks: list[tuple[str, str]]) -> list[tuple[int, bytes, dict[str, str]]]:
    """Serve a one-page app behind the guard on a free port, make the requests, stop it."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<p>the record</p>", content_type="text/html")

    app = web.Application(middlewares=[guard(token, "default-src 'none'")])
    app.router.add_get("/{token}/", page)
    app.router.add_post("/{token}/", page)  # even a route that takes POST is refused it

    async def run() -> list[tuple[int, bytes, dict[str, str]]]:
        port: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        server = asyncio.create_task(serve_forever(app, "127.0.0.1", 0, port.set_result))
        bound = await port
        out = []
        async with ClientSession() as s:
            for method, path in asks:
                async with s.request(method, f"http://127.0.0.1:{bound}{path}") as r:
                    out.append((r.status, await r.read(), dict(r.headers)))
        server.cancel()
        return out

    return asyncio.run(run())


def test_the_guard_refuses_strangers_and_writes_with_no_content() -> None:
    t = new_token()
    got = fetch_all(t, [
        ("GET", f"/{t}/"), ("GET", "/"), ("GET", "/wrong/"), ("GET", f"/{t}/nothing-here"),
        ("POST", f"/{t}/"), ("POST", "/"), ("PUT", f"/{t}/"), ("DELETE", f"/{t}/"),
        ("PATCH", f"/{t}/"), ("OPTIONS", f"/{t}/"), ("HEAD", f"/{t}/"),
    ])  # fmt: skip
    statuses = [status for status, _, _ in got]
    assert statuses == [200, 404, 404, 404, 405, 405, 405, 405, 405, 405, 200]
    assert got[0][1] == b"<p>the record</p>"
    assert all(body == b"" for _, body, _ in got[1:])  # no content for a refusal
    headers = got[0][2]
    assert headers["Cache-Control"] == "no-store" and headers["Referrer-Policy"] == "no-referrer"
    assert headers["Content-Security-Policy"] == "default-src 'none'"
    assert all(h["Cache-Control"] == "no-store" for _, _, h in got)
    assert got[4][2]["Allow"] == "GET, HEAD"


def test_a_port_in_use_is_a_clear_input_error() -> None:
    import pytest

    from kickoff_tui.core.errors import InputError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = web.Application(middlewares=[guard(new_token())])
        with pytest.raises(InputError, match=f"cannot listen on 127.0.0.1:{port}.*--port"):
            asyncio.run(serve_forever(app, "127.0.0.1", port, lambda _p: None))
