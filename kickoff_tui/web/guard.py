"""What both browser servers keep: a secret token in every URL, GET only, no content for a
stranger, and a token that is printed once and never logged in full.

The token is 256 random bits (``secrets.token_urlsafe(32)``), the first path segment of every
URL (``/<token>/...``), compared with ``hmac.compare_digest`` (constant time) before anything
else is looked at. A request without it, or with a wrong one, gets ``404`` and an empty body:
it cannot learn whether a page exists. Any method but GET and HEAD gets ``405`` and an empty
body, token or not, so no route can write. Every answer says ``Cache-Control: no-store`` and
``Referrer-Policy: no-referrer`` (the token must not travel in a ``Referer``), and the pages a
browser renders get a Content-Security-Policy that lets them load only from their own server.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

#: 32 random bytes: 256 bits, 43 URL-safe characters.
TOKEN_BYTES = 32
ALLOWED_METHODS = frozenset({"GET", "HEAD"})


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def masked(token: str) -> str:
    """How a token may appear in a log or a message: its first four characters."""
    return token[:4] + "…"


def token_matches(path: str, token: str) -> bool:
    """Whether the first segment of ``path`` is ``token`` (constant time)."""
    first = path.lstrip("/").split("/", 1)[0]
    return hmac.compare_digest(first.encode("utf-8", "surrogateescape"), token.encode("utf-8"))


SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def guard(token: str, csp: str | None = None) -> Middleware:
    """An aiohttp middleware that keeps the rules of the module docstring."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method not in ALLOWED_METHODS:
            return _empty(405, {"Allow": "GET, HEAD"})
        if not token_matches(request.path, token):
            return _empty(404)
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # a tokened path that does not exist: still empty
            return _empty(exc.status)
        if not response.prepared:
            for key, value in SECURITY_HEADERS.items():
                response.headers.setdefault(key, value)
            if csp is not None and response.content_type == "text/html":
                response.headers.setdefault("Content-Security-Policy", csp)
        return response

    return middleware


def _empty(status: int, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=b"", headers={**SECURITY_HEADERS, **(headers or {})})
