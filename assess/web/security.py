"""The limits every request passes through, as one ASGI middleware: the bearer token (when the
server has one), the request-size limit, and headers that keep pages from loading anything from
elsewhere. Time limits are applied where the work runs (assess/web/work.py)."""
from __future__ import annotations

import hmac
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assess.core.messages import message
from assess.web.errors import one_problem
from assess.web.langs import request_lang
from assess.web.settings import Settings

TOKEN_COOKIE = "assess_token"
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                 b"script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class _TooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: token, body size, security headers (see the module docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if self.settings.token and not self._open(scope["path"]) and not self._authorised(request):
            await self._refuse(request, request_lang(request))(scope, receive, send)
            return
        limit = self.settings.max_body
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            await self._too_large(request)(scope, receive, send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return msg

        async def guarded_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
                msg["headers"] = list(msg.get("headers", [])) + SECURITY_HEADERS
            await send(msg)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge:
            if not started:
                await self._too_large(request)(scope, receive, send)

    def _too_large(self, request: Request):
        """413, in the request's language (worked out only now: most requests never need it)."""
        return one_problem(message("web.error.too_large", request_lang(request), limit=self.settings.max_body), 413)

    @staticmethod
    def _open(path: str) -> bool:
        return path == "/login" or path.startswith("/static/")

    def _authorised(self, request: Request) -> bool:
        given = request.headers.get("authorization", "")
        token = given[7:].strip() if given.lower().startswith("bearer ") else request.cookies.get(TOKEN_COOKIE, "")
        return bool(token) and hmac.compare_digest(token.encode("utf-8"), self.settings.token.encode("utf-8"))

    @staticmethod
    def _refuse(request: Request, lang: str):
        """401 for the API; a page is sent to the login page, which asks for the token once."""
        path = request.url.path
        if request.method == "GET" and not path.startswith("/api/") and path != "/openapi.json":
            return RedirectResponse("/login?next=" + quote(path, safe="/"), status_code=303)
        return one_problem(message("web.error.unauthorized", lang), 401, error="unauthorized")
