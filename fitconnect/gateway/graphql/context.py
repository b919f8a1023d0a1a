"""The typed per-request context: services and the caller, resolved from the bearer token."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.fastapi import BaseContext

from fitconnect.gateway.errors import UnauthenticatedError
from fitconnect.gateway.graphql.loaders import Loaders
from fitconnect.gateway.services import Services
from fitconnect.platform.auth.models import Principal
from fitconnect.platform.training.service import Subject


class Context(BaseContext):
    def __init__(self, services: Services, authorization: str | None, address: str) -> None:
        super().__init__()
        self.services = services
        self.address = address
        self._authorization = authorization
        self._principal: Principal | None = None
        self._loaders: Loaders | None = None

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

    @property
    def loaders(self) -> Loaders:
        """This request's DataLoaders (for the authenticated caller)."""
        if self._loaders is None:
            self._loaders = Loaders.create(self.services, self.principal())
        return self._loaders

    async def subject(self, athlete_id: uuid.UUID | None) -> Subject:
        """The athlete a field reads (default: the caller), authorized once per request."""
        return await self.loaders.subjects.load(athlete_id or self.principal().account_id)


Info = strawberry.Info[Context, None]
