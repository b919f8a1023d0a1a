"""``ETag`` on every REST read, and ``304 Not Modified`` for an ``If-None-Match`` that matches.

The tag is a hash of the JSON answer: a client polling a list or a chart gets an empty 304
until something in it changes (the read still runs; the body is not sent again).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class ETagRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def tagged(request: Request) -> Response:
            response = await handler(request)
            body = getattr(response, "body", None)  # a streamed answer has none to hash
            if request.method != "GET" or response.status_code != 200 or body is None:
                return response
            if "etag" in response.headers:  # tagged by its route (avatars)
                return response
            etag = f'"{hashlib.sha256(bytes(body)).hexdigest()[:32]}"'
            headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
            if etag in _tags(request.headers.get("if-none-match")):
                return Response(status_code=304, headers=headers)
            response.headers.update(headers)
            return response

        return tagged


def _tags(header: str | None) -> set[str]:
    return {t.strip().removeprefix("W/") for t in (header or "").split(",") if t.strip()}
