"""Devices: ``devices``; ``registerDevice``, ``revokeDevice``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

import strawberry

from fitconnect.gateway.cursors import page_request
from fitconnect.gateway.graphql.arguments import AthleteId
from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.pagination import Connection, connection
from fitconnect.platform.devices import service as domain


@strawberry.type
class Device:
    id: uuid.UUID
    name: str
    kind: domain.DeviceKind
    registered_at: datetime
    revoked_at: datetime | None
    telemetry_topic: str

    @classmethod
    def from_domain(cls, d: domain.Device) -> Self:
        return cls(
            id=d.id,
            name=d.name,
            kind=domain.DeviceKind.of(d.kind),
            registered_at=d.registered_at,
            revoked_at=d.revoked_at,
            telemetry_topic=d.telemetry_topic,
        )


@strawberry.type
class DeviceCredentials:
    device: Device
    mqtt_username: str
    mqtt_password: str
    mqtt_host: str | None = strawberry.field(
        description="The broker the device connects to (null: no broker configured)."
    )
    mqtt_port: int | None = strawberry.field(description="Its port (MQTT over TCP).")

    @classmethod
    def from_domain(cls, c: domain.DeviceCredentials) -> Self:
        return cls(
            device=Device.from_domain(c.device),
            mqtt_username=c.mqtt_username,
            mqtt_password=c.mqtt_password,
            mqtt_host=c.broker.host if c.broker else None,
            mqtt_port=c.broker.port if c.broker else None,
        )


_KEY = (datetime.fromisoformat, uuid.UUID)


@strawberry.type
class DevicesQuery:
    @strawberry.field(
        description="The caller's devices (a coach: an athlete's, read-only), revoked ones"
        " too, in the order registered: pages of `first` after a cursor, or `last` before one."
    )
    async def devices(  # noqa: PLR0917 - GraphQL arguments
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        athlete_id: AthleteId = None,
    ) -> Connection[Device]:
        ctx = info.context
        subject = await ctx.subject(athlete_id)
        request = page_request(first, after, last, before, _KEY)
        page = await ctx.services.devices.athlete_page(subject.athlete_id, request)
        return connection(page, Device.from_domain, lambda d: (d.registered_at, d.id))


@strawberry.type
class DevicesMutation:
    @strawberry.mutation(description="Register a device; its MQTT password is shown only now.")
    async def register_device(
        self, info: Info, name: str, kind: domain.DeviceKind
    ) -> DeviceCredentials:
        ctx = info.context
        creds = await ctx.services.devices.register(ctx.principal(), name, kind)
        return DeviceCredentials.from_domain(creds)

    @strawberry.mutation
    async def revoke_device(self, info: Info, device_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.devices.revoke(ctx.principal(), device_id)
        return True
