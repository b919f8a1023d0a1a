"""Every REST error in one envelope, ``{"error": {"code": …, "message": …}}``.

Domain errors with their code and status (``errors.py``); a value the database cannot hold
(PostgreSQL's data exceptions: a NUL character, a number out of range) as VALIDATION;
FastAPI's own refusals (a value outside its schema: 422, a body that is not JSON: 400) and
Starlette's (404, 405); a defect as INTERNAL (500, masked; the server logs its traceback).
A 405 lists in ``Allow`` every method the path has, from the OpenAPI document (the router
would name only the first route it matched).
"""

from __future__ import annotations

import math

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import compile_path

from fitconnect.errors import FitConnectError
from fitconnect.gateway.body_limit import BodyTooLargeError, too_large
from fitconnect.gateway.errors import code_of
from fitconnect.platform.auth.errors import RateLimitedError

_CODES = {400: "VALIDATION", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "TOO_LARGE"}


def envelope(
    code: str, message: str, status: int, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(FitConnectError)
    async def domain_error(_request: Request, exc: FitConnectError) -> JSONResponse:
        code, status = code_of(exc)
        if isinstance(exc, RateLimitedError):  # when to try again (RFC 9110 Retry-After)
            wait = {"Retry-After": str(math.ceil(exc.retry_after_s))}
            return envelope(code, str(exc), status, wait)
        return envelope(code, str(exc), status)

    @app.exception_handler(BodyTooLargeError)
    async def body_too_large(_request: Request, exc: BodyTooLargeError) -> JSONResponse:
        return too_large(exc)

    @app.exception_handler(psycopg.DataError)
    async def unstorable(_request: Request, exc: psycopg.DataError) -> JSONResponse:
        return envelope("VALIDATION", unstorable_message(exc), 422)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid')}" if where else "invalid request"
        return envelope("VALIDATION", message, 422)

    @app.exception_handler(Exception)
    async def defect(_request: Request, _exc: Exception) -> JSONResponse:
        # Starlette's outermost middleware calls this, then re-raises for the server's log.
        return envelope("INTERNAL", "internal error", 500)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_methods(app, request.url.path))
        code = _CODES.get(exc.status_code, "VALIDATION" if exc.status_code < 500 else "INTERNAL")
        return envelope(code, str(exc.detail), exc.status_code, headers)


def unstorable_message(exc: psycopg.DataError) -> str:
    """What a value the database cannot hold (a NUL character, a number out of range) is."""
    detail = exc.diag.message_primary or "a value the database cannot hold"
    return f"a value was refused: {detail}"


def _methods(app: FastAPI, path: str) -> list[str]:
    """The methods the OpenAPI document gives ``path`` (GET implies HEAD, as Starlette does)."""
    found: set[str] = set()
    for template, operations in app.openapi().get("paths", {}).items():
        regex, _, _ = compile_path(template)
        if regex.match(path):
            found |= {method.upper() for method in operations}
    if "GET" in found:
        found.add("HEAD")
    return sorted(found)
