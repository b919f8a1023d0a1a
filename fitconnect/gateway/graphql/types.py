"""GraphQL object types, each built from a domain object by ``from_domain``."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, timedelta
from typing import Self

import strawberry
from strawberry.scalars import JSON

from fitconnect.gateway.graphql.context import Context
from fitconnect.platform.auth.models import Account
from fitconnect.platform.devices.service import Device, DeviceCredentials
from fitconnect.platform.notifications.service import Notification
from fitconnect.platform.training.service import Session, Subject
from fitconnect.platform.users.directory import AccountSummary

Info = strawberry.Info[Context, None]


class SameFields:
    """``from_domain`` for a type whose fields are the domain object's, by the same names.

    Fields with resolvers (relations loaded on demand) are not copied.
    """

    @classmethod
    def from_domain(cls, obj: object) -> Self:
        names = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
        return cls(**{name: getattr(obj, name) for name in names})


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
class TokensType(SameFields):
    access_token: str
    refresh_token: str
    expires_in_s: int


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
class StreamPointType(SameFields):
    ts: datetime
    heart_rate_bpm: float | None
    power_w: float | None
    cadence_rpm: float | None
    speed_kmh: float | None


@strawberry.type(
    description="A time-bucketed stream as parallel arrays (one entry per bucket), the shape "
    "chart libraries take; much cheaper to serve than a list of point objects."
)
class StreamSeriesType(SameFields):
    ts: list[datetime]
    heart_rate_bpm: list[float | None]
    power_w: list[float | None]
    cadence_rpm: list[float | None]
    speed_kmh: list[float | None]


@strawberry.type
class TotalsType(SameFields):
    samples: int
    first: datetime | None
    last: datetime | None
    avg_heart_rate_bpm: float | None
    max_power_w: int | None


@strawberry.type
class CurvePointType:
    duration_s: int
    power_w: float


@strawberry.type
class LapType(SameFields):
    lap: int
    start_ts: datetime
    end_ts: datetime
    duration_s: int
    moving_time_s: int
    distance_m: float | None
    avg_power_w: float | None
    max_power_w: float | None
    normalized_power_w: float | None
    avg_heart_rate_bpm: float | None
    max_heart_rate_bpm: float | None
    avg_cadence_rpm: float | None


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
    max_power_w: float | None
    normalized_power_w: float | None
    intensity_factor: float | None
    tss: float | None
    work_kj: float | None
    avg_cadence_rpm: float | None
    avg_speed_kmh: float | None
    calories_kcal: float | None
    sport: str | None = strawberry.field(
        description="As the device said when it started the session (none for sessions found"
        " by gaps in the samples)."
    )
    hr_zone_s: list[int] | None = strawberry.field(
        description="Seconds in each heart-rate zone, zone 1 first."
    )
    power_zone_s: list[int] | None = strawberry.field(
        description="Seconds in each of Coggan's 7 power zones, zone 1 first."
    )
    power_curve: list[CurvePointType] = strawberry.field(
        description="Best average power for each duration (the mean-maximal curve)."
    )
    subject: strawberry.Private[Subject]

    @strawberry.field(description="The device that recorded the session.")
    async def device(self, info: Info) -> DeviceType | None:
        found = await info.context.loaders.devices.load(self.device_id)
        return DeviceType.from_domain(found) if found else None

    @strawberry.field(description="Laps from the device's lap marks, in order (none: [])")
    async def laps(self, info: Info) -> list[LapType]:
        found = await info.context.loaders.laps.load((self.subject, (self.device_id, self.start)))
        return [LapType.from_domain(lap) for lap in found]

    @strawberry.field(description="The session's samples as chart arrays (at most maxPoints).")
    async def series(self, info: Info, max_points: int = 500) -> StreamSeriesType:
        own = Subject(self.subject.athlete_id, [self.device_id])
        series = await info.context.services.training.series(
            own, self.start, self.end + timedelta(seconds=1), max_points
        )
        return StreamSeriesType.from_domain(series)

    @classmethod
    def from_domain(cls, s: Session, subject: Subject) -> Self:
        curve = sorted((int(d), float(w)) for d, w in s.power_curve_w.items())
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
            max_power_w=s.max_power_w,
            normalized_power_w=s.normalized_power_w,
            intensity_factor=s.intensity_factor,
            tss=s.tss,
            work_kj=s.work_kj,
            avg_cadence_rpm=s.avg_cadence_rpm,
            avg_speed_kmh=s.avg_speed_kmh,
            calories_kcal=s.calories_kcal,
            sport=s.sport,
            hr_zone_s=s.hr_zone_s,
            power_zone_s=s.power_zone_s,
            power_curve=[CurvePointType(duration_s=d, power_w=w) for d, w in curve],
            subject=subject,
        )


@strawberry.type
class FitnessDayType(SameFields):
    day: date
    tss: float
    ctl: float
    atl: float
    tsb: float


@strawberry.type
class WeekVolumeType(SameFields):
    week_start: date
    sessions: int
    moving_time_s: int
    distance_m: float
    work_kj: float
    tss: float


@strawberry.type
class PersonalRecordType(SameFields):
    metric: str
    value: float
    device_id: uuid.UUID
    achieved_at: datetime


@strawberry.type(description="An asynchronous report: queued, running, done or failed.")
class ReportJobType(SameFields):
    id: uuid.UUID
    athlete_id: uuid.UUID
    kind: str
    status: str
    result: JSON | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


@strawberry.type
class ClubType(SameFields):
    id: uuid.UUID
    name: str
    members: int
    created_at: datetime


@strawberry.type
class ProgressType(SameFields):
    xp: int
    level: int
    daily_streak: int
    longest_daily_streak: int
    weekly_streak: int
    longest_weekly_streak: int
    as_of: date


@strawberry.type
class BadgeType(SameFields):
    id: str
    name: str
    awarded_at: datetime


@strawberry.type
class BoardEntryType(SameFields):
    rank: int
    athlete_id: uuid.UUID
    value: float

    @strawberry.field
    async def athlete(self, info: Info) -> AccountSummaryType | None:
        return _summary(await info.context.loaders.accounts.load(self.athlete_id))


@strawberry.type
class AccountSummaryType(SameFields):
    id: uuid.UUID
    display_name: str
    role: str


@strawberry.type
class CoachingLinkType(SameFields):
    coach_id: uuid.UUID
    athlete_id: uuid.UUID
    status: str
    updated_at: datetime

    @strawberry.field
    async def coach(self, info: Info) -> AccountSummaryType | None:
        return _summary(await info.context.loaders.accounts.load(self.coach_id))

    @strawberry.field
    async def athlete(self, info: Info) -> AccountSummaryType | None:
        return _summary(await info.context.loaders.accounts.load(self.athlete_id))


def _summary(found: AccountSummary | None) -> AccountSummaryType | None:
    return AccountSummaryType.from_domain(found) if found else None


@strawberry.type
class LivePointType(SameFields):
    device_id: uuid.UUID
    ts: datetime
    heart_rate_bpm: float | None
    power_w: float | None
    cadence_rpm: float | None
    speed_kmh: float | None


@strawberry.type
class ProfileType(SameFields):
    display_name: str
    birth_date: date | None
    sex: str | None
    weight_kg: float | None
    hr_max_bpm: int | None
    hr_rest_bpm: int | None
    ftp_w: int | None
    units: str
    avatar_url: str | None


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
