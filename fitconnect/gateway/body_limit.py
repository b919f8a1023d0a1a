"""The request body limit (ASGI middleware): 413 ``TOO_LARGE`` before the body is read.

A body whose ``Content-Length`` is over the limit is refused before a byte of it is read; a
body without one (chunked) is counted as it arrives and refused once over. A path may have its
own limit (the avatar upload takes 2 MB), and a path its own limit for multipart bodies only
(GraphQL's file uploads: a JSON query keeps the small limit). Websocket messages are bounded
by uvicorn's ``ws_max_size`` (``fitconnect gateway`` passes ``max_websocket_message_bytes``).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLargeError(HTTPException):
    """Raised by ``receive`` once a streamed body is over the limit (FastAPI lets it through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over the limit of {limit:,} bytes")


def too_large(exc: BodyTooLargeError) -> JSONResponse:
    return JSONResponse({"error": {"code": "TOO_LARGE", "message": exc.detail}}, status_code=413)


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        by_path: Mapping[str, int],
        multipart_by_path: Mapping[str, int] | None = None,
    ) -> None:
        self._app = app
        self._limit = limit
        self._by_path = by_path
        self._multipart_by_path = multipart_by_path or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        limit = self._by_path.get(scope["path"], self._limit)
        if scope["path"] in self._multipart_by_path and _is_multipart(scope):
            limit = self._multipart_by_path[scope["path"]]
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large(BodyTooLargeError(limit))(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._app(scope, counted_receive, watched_send)
        except BodyTooLargeError as exc:
            if started:
                raise
            await too_large(exc)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _is_multipart(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bytes(value).lower().startswith(b"multipart/form-data")
    return False
