"""Security headers on every gateway response (ASGI middleware).

API answers are data, never a page: ``default-src 'none'`` and no framing. The two HTML pages
(GraphiQL in development, the API docs where they are exposed) load their scripts and styles
from the CDNs FastAPI and strawberry point them at, so HTML gets a CSP that allows exactly
those. HSTS is sent on requests that arrived by TLS (the ASGI scheme is ``https``; behind a
proxy, run uvicorn with ``--proxy-headers``), or always / never when the setting says so.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGE_SOURCES = "'self' https://cdn.jsdelivr.net https://unpkg.com"
PAGE_POLICY = (
    f"default-src 'self'; script-src {PAGE_SOURCES} 'unsafe-inline';"
    f" style-src {PAGE_SOURCES} https://fonts.googleapis.com 'unsafe-inline';"
    " font-src 'self' https://fonts.gstatic.com data:;"
    " img-src 'self' data: https://fastapi.tiangolo.com https://cdn.jsdelivr.net;"
    " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
ALWAYS = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
)


class SecurityHeaders:
    """Adds the headers above to each HTTP response (a header the app set itself is kept)."""

    def __init__(self, app: ASGIApp, *, hsts: bool | None, hsts_max_age_s: int) -> None:
        self._app = app
        self._hsts = hsts
        self._hsts_value = f"max-age={hsts_max_age_s}; includeSubDomains"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        hsts = self._hsts if self._hsts is not None else scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                page = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("content-security-policy", PAGE_POLICY if page else API_POLICY)
                for name, value in ALWAYS:
                    headers.setdefault(name, value)
                if hsts:
                    headers.setdefault("strict-transport-security", self._hsts_value)
            await send(message)

        await self._app(scope, receive, with_headers)
