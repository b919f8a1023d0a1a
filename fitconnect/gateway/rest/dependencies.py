"""What every REST route depends on: the process's services and the authenticated caller."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.routing import APIRoute
from pydantic import BeforeValidator

from fitconnect.gateway.errors import UnauthenticatedError, UnknownParameterError
from fitconnect.gateway.services import Services
from fitconnect.platform.auth.models import Principal


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]


async def current_principal(
    svc: ServicesDep, authorization: Annotated[str | None, Header()] = None
) -> Principal:
    """The caller as the account is now: a deleted account or tenant is refused at once."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise UnauthenticatedError("an access token is required")
    return await svc.auth.active(token)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def _iso(value: object) -> object:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


IsoDateTime = Annotated[datetime, BeforeValidator(_iso)]
"""A date-time as OpenAPI says it, ISO 8601 (not a number of seconds, which pydantic takes)."""

ATHLETE_ID = (
    "Whose data to read: the caller's own when omitted; another athlete's only for a coach the"
    " athlete accepted (read-only), else 403."
)


async def known_query_only(request: Request) -> None:
    """Refuse a query parameter the route does not take, or one given twice: ignored, either
    would mislead."""
    route = request.scope.get("route")
    known = _query_names(route) if isinstance(route, APIRoute) else frozenset()
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise UnknownParameterError(f"unknown query parameter: {', '.join(unknown)}")
    # no route takes a list: a repeated parameter would silently be its last value
    repeated = sorted({k for k in request.query_params if len(request.query_params.getlist(k)) > 1})
    if repeated:
        raise UnknownParameterError(f"query parameter given more than once: {', '.join(repeated)}")


_QUERY_NAMES: dict[int, frozenset[str]] = {}  # by id(route): routes live as long as the app


def _query_names(route: APIRoute) -> frozenset[str]:
    if (found := _QUERY_NAMES.get(id(route))) is not None:
        return found
    names: set[str] = set()
    pending = [route.dependant]
    while pending:  # the route's own parameters and those of its dependencies
        dependant = pending.pop()
        names |= {param.alias for param in dependant.query_params}
        pending += dependant.dependencies
    _QUERY_NAMES[id(route)] = frozenset(names)
    return _QUERY_NAMES[id(route)]


def slot_fields(obj: object) -> dict[str, object]:
    """A domain object (a slotted dataclass) as a dict of its fields, for a response model."""
    slots: tuple[str, ...] = getattr(obj, "__slots__", ())
    return {name: getattr(obj, name) for name in slots}
