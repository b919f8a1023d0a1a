"""The typed per-request context: services and the caller, resolved from the bearer token."""

from __future__ import annotations

from strawberry.fastapi import BaseContext

from fitconnect.gateway.errors import UnauthenticatedError
from fitconnect.gateway.services import Services
from fitconnect.platform.auth.models import Principal


class Context(BaseContext):
    def __init__(self, services: Services, authorization: str | None, address: str) -> None:
        super().__init__()
        self.services = services
        self.address = address
        self._authorization = authorization
        self._principal: Principal | None = None

    def principal(self) -> Principal:
        """The caller; ``UnauthenticatedError`` without a valid access token (checked once)."""
        if self._principal is not None:
            return self._principal
        params = self.connection_params if isinstance(self.connection_params, dict) else {}
        header = self._authorization or str(params.get("Authorization", ""))
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise UnauthenticatedError("an access token is required")
        self._principal = self.services.auth.authenticate(token)
        return self._principal
