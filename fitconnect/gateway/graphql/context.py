"""The typed per-request context: services and the caller, resolved from the bearer token."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.fastapi import BaseContext

from fitconnect.errors import FitConnectError
from fitconnect.gateway.errors import UnauthenticatedError
from fitconnect.gateway.graphql.loaders import Loaders
from fitconnect.gateway.services import Services
from fitconnect.platform.auth.errors import InvalidTokenError
from fitconnect.platform.auth.models import Principal
from fitconnect.platform.training.service import Subject


class Context(BaseContext):
    def __init__(
        self, services: Services, authorization: str | None, address: str, user_agent: str = ""
    ) -> None:
        super().__init__()
        self.services = services
        self.address = address
        self.user_agent = user_agent
        self._authorization = authorization
        self._principal: Principal | None = None
        self._refused: FitConnectError | None = None
        self._loaders: Loaders | None = None

    async def verify_caller(self) -> None:
        """Check the bearer token, and the account as it is now (deleted accounts and tenants
        are refused at once), before each operation runs (``ActiveCaller``). A websocket keeps
        one context for all its operations: each is checked again, with fresh loaders (their
        cached authorizations were the previous operation's)."""
        self._principal, self._refused, self._loaders = None, None, None
        header = self._authorization or self._connection_authorization()
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            self._refused = UnauthenticatedError("an access token is required")
            return
        try:
            self._principal = await self.services.auth.active(token)
        except InvalidTokenError as exc:
            self._refused = exc

    def principal(self) -> Principal:
        """The caller verified by ``verify_caller``; ``UnauthenticatedError`` without one."""
        if self._principal is not None:
            return self._principal
        raise self._refused or UnauthenticatedError("an access token is required")

    def _connection_authorization(self) -> str:
        """``Authorization`` of a websocket's ``connection_init`` payload, in any letter case."""
        params = self.connection_params if isinstance(self.connection_params, dict) else {}
        for key, value in params.items():
            if str(key).lower() == "authorization":
                return str(value)
        return ""

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


class ActiveCaller(SchemaExtension):
    """Verify the caller once per operation, after validation (a refused document costs no
    statement) and before any resolver."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            await context.verify_caller()
        yield
