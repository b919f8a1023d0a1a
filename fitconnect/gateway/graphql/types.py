"""GraphQL object types, each built from a domain object by ``from_domain``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Self

import strawberry

from fitconnect.platform.auth.models import Account, TokenPair
from fitconnect.platform.coaching.service import Link
from fitconnect.platform.devices.service import Device, DeviceCredentials
from fitconnect.platform.notifications.service import Notification
from fitconnect.platform.training.live import LivePoint
from fitconnect.platform.training.service import FitnessDay, Session, StreamPoint, Totals
from fitconnect.platform.users.service import Profile


@strawberry.type
class AccountType:
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    role: str
    display_name: str

    @classmethod
    def from_domain(cls, a: Account) -> Self:
        return cls(
            id=a.id,
            tenant_id=a.tenant_id,
            email=a.email,
            role=a.role.value,
            display_name=a.display_name,
        )


@strawberry.type
class TokensType:
    access_token: str
    refresh_token: str
    expires_in_s: int

    @classmethod
    def from_domain(cls, t: TokenPair) -> Self:
        return cls(
            access_token=t.access_token, refresh_token=t.refresh_token, expires_in_s=t.expires_in_s
        )


@strawberry.type
class DeviceType:
    id: uuid.UUID
    name: str
    kind: str
    registered_at: datetime
    revoked_at: datetime | None
    telemetry_topic: str

    @classmethod
    def from_domain(cls, d: Device) -> Self:
        return cls(
            id=d.id,
            name=d.name,
            kind=d.kind,
            registered_at=d.registered_at,
            revoked_at=d.revoked_at,
            telemetry_topic=f"{d.topic_prefix}/telemetry",
        )


@strawberry.type
class DeviceCredentialsType:
    device: DeviceType
    mqtt_username: str
    mqtt_password: str

    @classmethod
    def from_domain(cls, c: DeviceCredentials) -> Self:
        return cls(
            device=DeviceType.from_domain(c.device),
            mqtt_username=c.mqtt_username,
            mqtt_password=c.mqtt_password,
        )


@strawberry.type
class NotificationType:
    id: int
    kind: str
    title: str
    body: str
    created_at: datetime
    read: bool

    @classmethod
    def from_domain(cls, n: Notification) -> Self:
        return cls(
            id=n.id,
            kind=n.kind,
            title=n.title,
            body=n.body,
            created_at=n.created_at,
            read=n.read_at is not None,
        )


@strawberry.type
class StreamPointType:
    ts: datetime
    heart_rate_bpm: float | None
    power_w: float | None
    cadence_rpm: float | None
    speed_kmh: float | None

    @classmethod
    def from_domain(cls, p: StreamPoint) -> Self:
        return cls(
            ts=p.ts,
            heart_rate_bpm=p.heart_rate_bpm,
            power_w=p.power_w,
            cadence_rpm=p.cadence_rpm,
            speed_kmh=p.speed_kmh,
        )


@strawberry.type
class TotalsType:
    samples: int
    first: datetime | None
    last: datetime | None
    avg_heart_rate_bpm: float | None
    max_power_w: int | None

    @classmethod
    def from_domain(cls, t: Totals) -> Self:
        return cls(
            samples=t.samples,
            first=t.first,
            last=t.last,
            avg_heart_rate_bpm=t.avg_heart_rate_bpm,
            max_power_w=t.max_power_w,
        )


@strawberry.type
class SessionType:
    device_id: uuid.UUID
    start: datetime
    end: datetime
    duration_s: int
    moving_time_s: int
    distance_m: float | None
    avg_heart_rate_bpm: float | None
    max_heart_rate_bpm: float | None
    avg_power_w: float | None
    normalized_power_w: float | None
    tss: float | None
    work_kj: float | None

    @classmethod
    def from_domain(cls, s: Session) -> Self:
        return cls(
            device_id=s.device_id,
            start=s.start_ts,
            end=s.end_ts,
            duration_s=s.duration_s,
            moving_time_s=s.moving_time_s,
            distance_m=s.distance_m,
            avg_heart_rate_bpm=s.avg_heart_rate_bpm,
            max_heart_rate_bpm=s.max_heart_rate_bpm,
            avg_power_w=s.avg_power_w,
            normalized_power_w=s.normalized_power_w,
            tss=s.tss,
            work_kj=s.work_kj,
        )


@strawberry.type
class FitnessDayType:
    day: date
    tss: float
    ctl: float
    atl: float
    tsb: float

    @classmethod
    def from_domain(cls, d: FitnessDay) -> Self:
        return cls(day=d.day, tss=d.tss, ctl=d.ctl, atl=d.atl, tsb=d.tsb)


@strawberry.type
class CoachingLinkType:
    coach_id: uuid.UUID
    athlete_id: uuid.UUID
    status: str
    updated_at: datetime

    @classmethod
    def from_domain(cls, link: Link) -> Self:
        return cls(
            coach_id=link.coach_id,
            athlete_id=link.athlete_id,
            status=link.status,
            updated_at=link.updated_at,
        )


@strawberry.type
class LivePointType:
    device_id: uuid.UUID
    ts: datetime
    heart_rate_bpm: float | None
    power_w: float | None
    cadence_rpm: float | None
    speed_kmh: float | None

    @classmethod
    def from_domain(cls, p: LivePoint) -> Self:
        return cls(
            device_id=p.device_id,
            ts=p.ts,
            heart_rate_bpm=p.heart_rate_bpm,
            power_w=p.power_w,
            cadence_rpm=p.cadence_rpm,
            speed_kmh=p.speed_kmh,
        )


@strawberry.type
class ProfileType:
    display_name: str
    birth_date: date | None
    sex: str | None
    weight_kg: float | None
    hr_max_bpm: int | None
    hr_rest_bpm: int | None
    ftp_w: int | None
    units: str

    @classmethod
    def from_domain(cls, p: Profile) -> Self:
        return cls(
            display_name=p.display_name,
            birth_date=p.birth_date,
            sex=p.sex,
            weight_kg=p.weight_kg,
            hr_max_bpm=p.hr_max_bpm,
            hr_rest_bpm=p.hr_rest_bpm,
            ftp_w=p.ftp_w,
            units=p.units,
        )


@strawberry.input
class ProfileInput:
    display_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    weight_kg: float | None = None
    hr_max_bpm: int | None = None
    hr_rest_bpm: int | None = None
    ftp_w: int | None = None
    units: str | None = None
