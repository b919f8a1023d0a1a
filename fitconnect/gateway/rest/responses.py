"""The error answers of the REST API, as OpenAPI documents them: one envelope for all.

``{"error": {"code": …, "message": …}}`` with the status beside each code (``docs/api.md``).
Every router documents ``COMMON`` (a malformed body, no or a bad token, a body over the limit,
a refused value); a route adds what it can answer besides (``errors(403, 404)``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


_MEANINGS = {
    400: "A body that is not JSON (VALIDATION)",
    401: "No valid access token, or wrong credentials (UNAUTHENTICATED)",
    403: "Authenticated, but not allowed (FORBIDDEN)",
    404: "Nothing of that id for this caller (NOT_FOUND)",
    409: "The state does not allow it now, e.g. not enough stock (INSUFFICIENT_STOCK)",
    413: "The body is over the limit (TOO_LARGE)",
    422: "A value the API refuses (VALIDATION, WEAK_PASSWORD, INVITATION_REQUIRED…)",
    429: "Too many attempts; retry after the Retry-After seconds (RATE_LIMITED)",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of these error statuses."""
    return {s: {"model": ErrorOut, "description": _MEANINGS[s]} for s in statuses}


COMMON = errors(400, 401, 413, 422)
