"""What every REST route depends on: the process's services and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from fitconnect.gateway.errors import UnauthenticatedError
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


def slot_fields(obj: object) -> dict[str, object]:
    """A domain object (a slotted dataclass) as a dict of its fields, for a response model."""
    slots: tuple[str, ...] = getattr(obj, "__slots__", ())
    return {name: getattr(obj, name) for name in slots}
