"""Training: sessions (laps, zones, power curve, samples), streams, totals, fitness, volume,
records; the ``live`` subscription."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, Iterable
from datetime import date, datetime
from typing import Self

import strawberry
from strawberry import relay

from fitconnect.gateway.cursors import page_request
from fitconnect.gateway.graphql.arguments import AthleteId
from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.devices import Device
from fitconnect.gateway.graphql.pagination import Connection, connection
from fitconnect.gateway.graphql.same_fields import SameFields
from fitconnect.platform.training import service as domain
from fitconnect.platform.training.errors import SessionNotFoundError
from fitconnect.platform.training.service import SessionSpan, Subject
from fitconnect.platform.training.sports import Sport


@strawberry.type
class StreamPoint(SameFields):
    ts: datetime
    heart_rate_bpm: float | None
    power_w: float | None
    cadence_rpm: float | None
    speed_kmh: float | None


@strawberry.type(
    description="A time-bucketed stream as parallel arrays (one entry per bucket), the shape "
    "chart libraries take; much cheaper to serve than a list of point objects."
)
class StreamSeries(SameFields):
    ts: list[datetime]
    heart_rate_bpm: list[float | None]
    power_w: list[float | None]
    cadence_rpm: list[float | None]
    speed_kmh: list[float | None]


@strawberry.type
class Totals(SameFields):
    samples: int
    first: datetime | None
    last: datetime | None
    avg_heart_rate_bpm: float | None
    max_power_w: float | None


@strawberry.type
class CurvePoint:
    duration_s: int
    power_w: float


@strawberry.type
class Lap(SameFields):
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


@strawberry.type(description="How many seconds of a session's stream one device gave.")
class StreamSource:
    stream: str
    device_id: uuid.UUID
    seconds: int


@strawberry.type(
    description="What fusing the devices found in a stream: a drop-out of its main source"
    " (seconds), spikes removed (samples), a frozen stream (seconds)."
)
class QualityFlag:
    stream: str
    flag: str
    device_id: uuid.UUID
    count: int


@strawberry.type(
    description="A workout: every device of the athlete that recorded it, fused (each stream"
    " from its best source); a node (`node(id:)` finds it by its id)."
)
class Session(relay.Node):
    session_id: relay.NodeID[str]
    device_id: uuid.UUID = strawberry.field(
        description="The main device (its power, else heart rate)."
    )
    devices: list[uuid.UUID]
    sources: list[StreamSource]
    quality: list[QualityFlag]
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
    sport: Sport | None = strawberry.field(
        description="As the device said when it started the session (none for sessions found"
        " by gaps in the samples)."
    )
    hr_zone_s: list[int] | None = strawberry.field(
        description="Seconds in each heart-rate zone, zone 1 first."
    )
    power_zone_s: list[int] | None = strawberry.field(
        description="Seconds in each of Coggan's 7 power zones, zone 1 first."
    )
    power_curve: list[CurvePoint] = strawberry.field(
        description="Best average power for each duration (the mean-maximal curve)."
    )
    subject: strawberry.Private[Subject]

    @strawberry.field(description="The session's main device.")
    async def device(self, info: Info) -> Device | None:
        found = await info.context.loaders.devices.load(self.device_id)
        return Device.from_domain(found) if found else None

    @strawberry.field(description="Laps from the device's lap marks, in order (none: [])")
    async def laps(self, info: Info) -> list[Lap]:
        found = await info.context.loaders.laps.load((self.subject, (self.device_id, self.start)))
        return [Lap.from_domain(lap) for lap in found]

    @strawberry.field(description="The session's samples as chart arrays (at most maxPoints).")
    async def series(self, info: Info, max_points: int = 500) -> StreamSeries:
        span = SessionSpan.of(
            self.start, self.end, ((s.stream, s.device_id, s.seconds) for s in self.sources)
        )
        found = await info.context.loaders.session_series.load((self.subject, span, max_points))
        return StreamSeries.from_domain(found)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        """The sessions the caller may read among the ids (the others: null)."""
        ids = [_uuid_or_none(i) for i in node_ids]
        ctx = info.context
        found = await ctx.services.training.sessions_by_ids(
            ctx.principal(), [i for i in ids if i is not None]
        )
        nodes = [cls.from_domain(found[i][1], found[i][0]) if i in found else None for i in ids]
        if required and None in nodes:
            raise SessionNotFoundError("no such session")
        return nodes

    @classmethod
    def from_domain(cls, s: domain.Session, subject: Subject) -> Self:
        curve = sorted((int(d), float(w)) for d, w in s.power_curve_w.items())
        return cls(
            session_id=str(s.id),
            device_id=s.device_id,
            devices=s.devices,
            sources=[
                StreamSource(
                    stream=x["stream"], device_id=uuid.UUID(x["device_id"]), seconds=x["seconds"]
                )
                for x in s.sources
            ],
            quality=[
                QualityFlag(
                    stream=q["stream"],
                    flag=q["flag"],
                    device_id=uuid.UUID(q["device_id"]),
                    count=q["count"],
                )
                for q in s.quality
            ],
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
            sport=Sport(s.sport) if s.sport else None,
            hr_zone_s=s.hr_zone_s,
            power_zone_s=s.power_zone_s,
            power_curve=[CurvePoint(duration_s=d, power_w=w) for d, w in curve],
            subject=subject,
        )


@strawberry.type
class FitnessDay(SameFields):
    day: date
    tss: float
    ctl: float
    atl: float
    tsb: float


@strawberry.type
class WeekVolume(SameFields):
    week_start: date
    sessions: int
    moving_time_s: int
    distance_m: float
    work_kj: float
    tss: float


@strawberry.type
class PersonalRecord(SameFields):
    metric: str
    value: float
    device_id: uuid.UUID
    achieved_at: datetime


@strawberry.type(
    description="The newest FTP estimate: a suggestion beside the profile's ftpW, which"
    " sessions are computed with (an estimate never replaces it)."
)
class FtpEstimate(SameFields):
    at: datetime
    ftp_estimate_w: float
    previous_w: float | None
    rose: bool


@strawberry.type
class LivePoint(SameFields):
    device_id: uuid.UUID
    ts: datetime
    heart_rate_bpm: float | None
    power_w: float | None
    cadence_rpm: float | None
    speed_kmh: float | None
    distance_m: float | None
    stroke_rate_spm: float | None


@strawberry.type
class TrainingQuery:
    @strawberry.field(description="Heart rate, power, cadence and speed, time-bucketed.")
    async def stream(
        self,
        info: Info,
        since: datetime | None = None,
        until: datetime | None = None,
        max_points: int = 500,
        athlete_id: AthleteId = None,
    ) -> list[StreamPoint]:
        series = await _series(info, since, until, max_points, athlete_id)
        return [StreamPoint.from_domain(p) for p in series.points()]

    @strawberry.field(description="The same stream as parallel arrays, for charts.")
    async def series(
        self,
        info: Info,
        since: datetime | None = None,
        until: datetime | None = None,
        max_points: int = 500,
        athlete_id: AthleteId = None,
    ) -> StreamSeries:
        series = await _series(info, since, until, max_points, athlete_id)
        return StreamSeries.from_domain(series)

    @strawberry.field(
        description="Sessions started since `since` (of a sport if given), newest first: pages"
        " of `first` after a cursor, or `last` before one (at most 100)."
    )
    async def sessions(  # noqa: PLR0917 - GraphQL arguments
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        since: datetime | None = None,
        sport: Sport | None = None,
        athlete_id: AthleteId = None,
    ) -> Connection[Session]:
        ctx = info.context
        subject = await ctx.subject(athlete_id)
        request = page_request(first, after, last, before, _SESSION_KEY)
        page = await ctx.services.training.sessions_page(subject, request, since, sport)
        return connection(page, lambda s: Session.from_domain(s, subject), _session_key)

    @strawberry.field(description="One session: metrics, zones, power curve, its samples.")
    async def session(
        self,
        info: Info,
        device_id: uuid.UUID,
        start: datetime,
        athlete_id: AthleteId = None,
    ) -> Session:
        ctx = info.context
        subject = await ctx.subject(athlete_id)
        found = await ctx.services.training.session(subject, device_id, start)
        return Session.from_domain(found, subject)

    @strawberry.field(description="Performance-management chart: TSS, CTL, ATL, TSB by day.")
    async def fitness(
        self, info: Info, days: int = 90, athlete_id: AthleteId = None
    ) -> list[FitnessDay]:
        ctx = info.context
        found = await ctx.services.training.fitness(await ctx.subject(athlete_id), days)
        return [FitnessDay.from_domain(d) for d in found]

    @strawberry.field(description="Totals of the caller's samples since a time (default 7 days).")
    async def totals(
        self, info: Info, since: datetime | None = None, athlete_id: AthleteId = None
    ) -> Totals:
        ctx = info.context
        totals = await ctx.services.training.totals(await ctx.subject(athlete_id), since)
        return Totals.from_domain(totals)

    @strawberry.field(description="Sessions, moving time, distance, work and TSS per week.")
    async def weekly_volume(
        self, info: Info, weeks: int = 12, athlete_id: AthleteId = None
    ) -> list[WeekVolume]:
        ctx = info.context
        found = await ctx.services.training.weekly_volume(await ctx.subject(athlete_id), weeks)
        return [WeekVolume.from_domain(w) for w in found]

    @strawberry.field(description="Personal records: best power per duration, longest session…")
    async def records(self, info: Info, athlete_id: AthleteId = None) -> list[PersonalRecord]:
        ctx = info.context
        found = await ctx.services.training.records(await ctx.subject(athlete_id))
        return [PersonalRecord.from_domain(r) for r in found]

    @strawberry.field(description="The FTP estimate, a suggestion beside the profile's ftpW.")
    async def ftp_estimate(self, info: Info, athlete_id: AthleteId = None) -> FtpEstimate | None:
        ctx = info.context
        found = await ctx.services.training.ftp_estimate(await ctx.subject(athlete_id))
        return FtpEstimate.from_domain(found) if found else None


_SESSION_KEY = (datetime.fromisoformat, uuid.UUID)


def _session_key(s: domain.Session) -> tuple[datetime, uuid.UUID]:
    return s.start_ts, s.id


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


async def _series(
    info: Info,
    since: datetime | None,
    until: datetime | None,
    max_points: int,
    athlete_id: uuid.UUID | None,
) -> domain.StreamSeries:
    ctx = info.context
    return await ctx.services.training.series(
        await ctx.subject(athlete_id), since, until, max_points
    )


@strawberry.type
class TrainingSubscription:
    @strawberry.subscription(
        description="Every sample the athlete's devices send (heart rate, power, cadence,"
        " speed, distance, stroke rate), in time order, with the values sent."
    )
    async def live(
        self, info: Info, athlete_id: AthleteId = None
    ) -> AsyncGenerator[LivePoint, None]:
        ctx = info.context
        subject = await ctx.subject(athlete_id)
        async for point in ctx.services.training.live(ctx.principal(), subject):
            yield LivePoint.from_domain(point)
